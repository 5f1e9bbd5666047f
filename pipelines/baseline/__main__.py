"""`python -m pipelines.baseline --workdir DIR --date YYYY-MM-DD [--workers N]`."""

from __future__ import annotations

import argparse
import sys

from pipelines.baseline.executor import StepFailed, run_pipeline
from pipelines.core.io import DataError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.baseline", description=__doc__)
    parser.add_argument("--workdir", required=True, help="the run's working directory")
    parser.add_argument("--date", required=True, help="the partition date, YYYY-MM-DD")
    parser.add_argument("--workers", type=int, default=2, help="steps run at once (default 2)")
    args = parser.parse_args(argv)
    try:
        run_pipeline(args.workdir, args.date, workers=args.workers)
    except (StepFailed, DataError, ValueError) as exc:
        print(f"baseline: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
