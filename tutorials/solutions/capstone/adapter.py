"""How the harness drives capstone_graphlib: a run is one `python -m
pipelines.capstone_graphlib` process in the implementation's environment; it has no
services to start."""

from __future__ import annotations

import datetime as dt
import subprocess

from bench.kit import Adapter, BenchError, Spawned, log_tail, stop_process


class CapstoneGraphlibAdapter(Adapter[Spawned]):
    name = "capstone_graphlib"

    def submit(self, date: dt.date) -> Spawned:
        return self._start(["--workdir", str(self.workdir), "--date", date.isoformat()], str(date))

    def submit_workload(self, label: str) -> Spawned:
        return self._start(["--workload", str(self.workload), "--label", label], label)

    def _start(self, args: list[str], label: str) -> Spawned:
        self.log = self.state_dir / "logs" / f"run-{label}.log"
        module = ["-m", "pipelines.capstone_graphlib", "--workers", str(self.slots)]
        argv = [self.bin("python"), *module, *args]
        return self.runtime.spawn(f"run-{label}", argv, self.process_env(), self.log)

    def wait(self, handle: Spawned, timeout: float) -> None:
        try:
            handle.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise BenchError(f"capstone_graphlib: not done after {timeout:.0f} s") from None
        finally:
            stop_process(handle, grace=5)
        if handle.returncode != 0:
            raise BenchError(log_tail(self.log) or f"exit code {handle.returncode}")
