"""`python -m pipelines.baseline (--workdir DIR --date YYYY-MM-DD | --workload SPEC [--label L])
[--workers N] [--processes]`."""

from __future__ import annotations

import argparse
import sys

from pipelines.baseline.executor import StepFailed, run_pipeline, run_workload
from pipelines.core.io import DataError
from pipelines.core.workloads import Workload


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.baseline", description=__doc__)
    parser.add_argument("--workdir", help="the run's working directory (movie pipeline)")
    parser.add_argument("--date", help="the partition date, YYYY-MM-DD (movie pipeline)")
    parser.add_argument("--workload", help="a synthetic workload spec (JSON) instead")
    parser.add_argument("--label", default="", help="names the workload run in its events")
    parser.add_argument("--workers", type=int, default=2, help="steps run at once (default 2)")
    parser.add_argument(
        "--processes", action="store_true", help="run each step in a worker process, not a thread"
    )
    args = parser.parse_args(argv)
    if not args.workload and not (args.workdir and args.date):
        parser.error("give --workdir and --date, or --workload")
    try:
        if args.workload:
            run_workload(Workload.load(args.workload), args.workers, args.processes, args.label)
        else:
            run_pipeline(args.workdir, args.date, args.workers, args.processes)
    except (StepFailed, DataError, ValueError) as exc:
        print(f"baseline: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
