"""`python -m pipelines.capstone_graphlib (--workdir DIR --date YYYY-MM-DD | --workload
SPEC [--label L]) [--workers N]`: one run, then exit (0: every step succeeded)."""

from __future__ import annotations

import argparse
import sys

from pipelines.capstone_graphlib.flow import movie_pipeline, workload


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.capstone_graphlib")
    parser.add_argument("--workdir", help="the run's working directory (movie pipeline)")
    parser.add_argument("--date", help="the partition date, YYYY-MM-DD (movie pipeline)")
    parser.add_argument("--workload", help="a synthetic workload spec (JSON) instead")
    parser.add_argument("--label", default="", help="names the workload run in its events")
    parser.add_argument("--workers", type=int, default=2, help="steps run at once")
    args = parser.parse_args(argv)
    try:
        if args.workload:
            workload(args.workload, args.workers, args.label)
        else:
            movie_pipeline(args.workdir, args.date, args.workers)
    except Exception as exc:  # a failed step: one line, not a traceback
        print(f"capstone_graphlib: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
