"""Baseline adapter: `python -m pipelines.baseline` in its own environment, no services."""

from __future__ import annotations

import datetime as dt
import signal
import subprocess

from bench.kit import Adapter, BenchError, Spawned, log_tail, signal_process, stop_process


class BaselineAdapter(Adapter[Spawned]):
    name = "baseline"

    def submit(self, date: dt.date) -> Spawned:
        return self._launch(
            ["--workdir", str(self.workdir), "--date", date.isoformat()], date.isoformat()
        )

    def submit_workload(self, label: str) -> Spawned:
        return self._launch(["--workload", str(self.workload), "--label", label], label)

    def _launch(self, args: list[str], label: str) -> Spawned:
        self.log = self.state_dir / "logs" / f"run-{label}.log"
        argv = [self.bin("python"), "-m", "pipelines.baseline", *args, "--workers", str(self.slots)]
        if self.settings.get("executor") == "processes":  # the `processes` config
            argv.append("--processes")
        self.resubmit = lambda: self._launch(args, label)
        return self.runtime.spawn(f"run-{label}", argv, self.process_env(), self.log)

    def kill(self, handle, component: str, sig: signal.Signals) -> None:
        """The baseline is one process: its "worker" is all there is."""
        signal_process(handle, sig)
        handle.wait()

    def recover(self, handle: Spawned, component: str, timeout: float) -> int:
        """Run the command again. It keeps no state, so it starts from the first task
        (the movie pipeline's steps overwrite their outputs atomically)."""
        return self.rerun_until_done(handle, self.resubmit, timeout)

    def wait(self, handle: Spawned, timeout: float) -> None:
        try:
            handle.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise BenchError(
                f"baseline run not finished after {timeout:.0f} s (log: {self.log})"
            ) from None
        finally:
            stop_process(handle, grace=5)
        if handle.returncode != 0:
            raise BenchError(log_tail(self.log) or f"baseline exited with code {handle.returncode}")
