"""results.json: checked against bench/results.schema.json (`bench validate-results`)."""

from __future__ import annotations

import json
from pathlib import Path

from bench.kit.errors import BenchError, check_schema

SCHEMA = Path(__file__).with_name("results.schema.json")


def validate_results(path: Path) -> dict:
    """Load and check a results file; raise BenchError naming the first problem."""
    if path.is_dir():
        path = path / "results.json"
    if not path.exists():
        raise BenchError(f"{path}: not found; give a folder written by bench compare")
    try:
        results = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise BenchError(f"{path}: not JSON ({exc})") from None
    check_schema(results, json.loads(SCHEMA.read_text()), path)
    for case in results["scenarios"]:
        log = path.parent / case["events"] if case.get("events") else None
        if log is not None and not log.exists():
            raise BenchError(
                f"{path}: the event log {case['events']} behind {case['workload']} is missing"
            )
    return results
