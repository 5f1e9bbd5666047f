"""The resource sampler sees a busy process group's CPU time and memory."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time

import psutil

from bench.kit.processes import stop_group
from bench.measure.resources import ResourceSampler

BUSY = "import time\nx = bytearray(200 * 2**20)\nend = time.process_time() + 0.6\nwhile time.process_time() < end: pass\n"


def test_sampler_counts_cpu_seconds_and_peak_rss_of_a_group():
    process = subprocess.Popen([sys.executable, "-c", BUSY], start_new_session=True)
    try:
        with ResourceSampler(lambda: [process.pid], interval=0.05) as sampler:
            process.wait(timeout=30)
    finally:
        stop_group(process.pid, grace=1)
    result = sampler.result()
    assert 0.3 <= result["cpu_seconds"] <= 1.5, (
        result
    )  # ~0.6 s, minus what the last interval missed
    assert result["peak_rss_mib"] >= 200, result


def test_an_empty_group_costs_nothing():
    with ResourceSampler(lambda: [os.getpid() + 10_000_000], interval=0.05) as sampler:
        pass
    result = sampler.result()
    assert (result["cpu_seconds"], result["peak_rss_mib"]) == (0.0, 0.0)


def _detached_busy_program(engine: bool) -> dict:
    """Sample while a busy program outside the watched groups runs (detached, as another
    program would be: not a descendant of this process); `engine`: it is named as one of
    the runtime's own processes."""
    code = BUSY.replace("0.6", "1.5")
    launch = f"{sys.executable} -c '{code}' >/dev/null 2>&1 & echo $!"
    pid = int(subprocess.run(["sh", "-c", launch], capture_output=True, text=True).stdout)
    try:
        while psutil.Process(pid).name() == "sh":  # forked, not yet exec'd: the name to come
            time.sleep(0.01)
        names = frozenset({psutil.Process(pid).name()} if engine else ())
        with ResourceSampler(lambda: [], interval=0.05, engine=names) as sampler:
            while psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie":
                time.sleep(0.05)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, 9)
    return sampler.result()


def test_cpu_used_by_another_program_is_foreign_and_flags_the_run():
    """The machine's CPU counts it, the orchestrator's does not: the run is contaminated."""
    result = _detached_busy_program(engine=False)
    assert result["foreign_cores"] > 0.5 and result["contaminated"], result
    assert result["engine_cpu_seconds"] == 0.0, result


def test_the_runtimes_own_processes_are_counted_apart_and_do_not_flag_the_run():
    """A container engine starting the containers a run asks for is not another program
    competing with it (in docker every per-run container was flagged before)."""
    result = _detached_busy_program(engine=True)
    assert result["engine_cpu_seconds"] > 0.75 and not result["contaminated"], result
    assert result["foreign_cores"] < 0.2, result
