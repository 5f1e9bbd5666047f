"""Baseline adapter: `python -m pipelines.baseline` in its own environment, no services."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import subprocess

from bench.adapters.base import Adapter
from bench.errors import BenchError
from bench.processes import log_tail, spawn, stop_group


class BaselineAdapter(Adapter):
    name = "baseline"

    def submit(self, date: dt.date) -> subprocess.Popen:
        return self._launch(
            ["--workdir", str(self.workdir), "--date", date.isoformat()], date.isoformat()
        )

    def submit_workload(self, label: str) -> subprocess.Popen:
        return self._launch(["--workload", str(self.workload)], label)

    def _launch(self, args: list[str], label: str) -> subprocess.Popen:
        self.log = self.state_dir / "logs" / f"run-{label}.log"
        argv = [self.bin("python"), "-m", "pipelines.baseline", *args, "--workers", str(self.slots)]
        self.resubmit = lambda: self._launch(args, label)
        return spawn(argv, self.process_env(), self.log)

    def kill(self, handle: subprocess.Popen, component: str, sig: signal.Signals) -> None:
        """The baseline is one process: its "worker" is all there is."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(handle.pid, sig)
        handle.wait()

    def recover(self, handle: subprocess.Popen, component: str, timeout: float) -> int:
        """Run the command again. It keeps no state, so it starts from the first task
        (the movie pipeline's steps overwrite their outputs atomically)."""
        return self.rerun_until_done(handle, self.resubmit, timeout)

    def wait(self, handle: subprocess.Popen, timeout: float) -> None:
        try:
            handle.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise BenchError(
                f"baseline run not finished after {timeout:.0f} s (log: {self.log})"
            ) from None
        finally:
            stop_group(handle.pid, grace=5)
        if handle.returncode != 0:
            raise BenchError(log_tail(self.log) or f"baseline exited with code {handle.returncode}")
