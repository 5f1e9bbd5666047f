"""`bench probe CLAIM --impl NAME`: one claim of the feature table checked again on its own,
on a fresh stack, in about a minute, with the verdict the report would print and the
folder holding its event log.

Each claim is the case the compare runs for it and the report's check that reads it; the
repeated ones (the UI, parallelism) run 3 measured runs after the warm-up, so the verdict
still says in how many of them the claim held.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.compare import Job, measure
from bench.kit.errors import BenchError
from bench.measure.plan import Case
from bench.measure.runs import DEFAULT_DATASET, new_run_dir
from bench.report import features
from bench.results import CaseResult, Results

REPEAT = 3
UI = Case("latency", "chain:10:noop", 4, repeat=REPEAT)


@dataclass(frozen=True)
class Claim:
    case: Case
    check: Callable[[Results, str], str]
    says: str  # the feature-table row


CLAIMS = {
    "dashboard": Claim(UI, features.dashboard, "web dashboard"),
    "logs": Claim(UI, features.logs_in_ui, "logs in the UI"),
    "parallelism": Claim(
        Case("parallelism", "fanout:8:sleep:0.5", 4, repeat=REPEAT),
        features.parallelism,
        "parallelism",
    ),
    "retries": Claim(
        Case("retries", "chain:3:flaky", 4, repeat=REPEAT), features.retries, "retries"
    ),
    "dynamic": Claim(
        Case("dynamic", "map:4:noop", 4, repeat=REPEAT), features.dynamic_fanout, "dynamic fan-out"
    ),
    "calendar": Claim(Case("calendar", "movies", 2), features.calendar, "calendar scheduling"),
    "schedule": Claim(Case("schedule", "movies", 2), features.own_schedule, "built-in scheduler"),
    "history": Claim(
        Case("recovery", "fanout:4:sleep:2", 2, "scheduler", repeat=REPEAT),
        features.history_survives,
        "run history survives a scheduler crash",
    ),
    "rework": Claim(
        Case("recovery", "fanout:4:sleep:2", 2, "scheduler", repeat=REPEAT),
        features.rework_after_crash,
        "no rework after a scheduler crash",
    ),
    "rerun": Claim(
        Case("recovery", "fanout:4:sleep:2", 2, "worker", repeat=REPEAT),
        features.resumes_from_outputs,
        "output data separated from task state",
    ),
    "deploy": Claim(
        Case("deploy", "new_pipeline", 2),
        features.finds_new_pipelines,
        "finds newly deployed tasks",
    ),
}


def probe(
    claim: str, impl: str, on_phase: Callable[[str], None] = lambda _: None
) -> tuple[str, CaseResult]:
    """(the verdict, the measured case) of `claim` on `impl`'s default config."""
    if claim not in CLAIMS:
        raise BenchError(f"unknown claim {claim!r}; choose from: {', '.join(CLAIMS)}")
    chosen = CLAIMS[claim]
    folder = new_run_dir(f"probe-{claim}-{impl}")
    job = Job(
        impl, "default", chosen.case, folder / claim, DEFAULT_DATASET, None, REPEAT, None, on_phase
    )
    job.folder.mkdir(parents=True, exist_ok=True)
    case = measure([job])[0]
    if case.error:
        raise BenchError(f"{impl}: the {claim} probe failed: {case.error}")
    results = Results(
        started_at="",
        finished_at="",
        profile="probe",
        repeat=REPEAT,
        dataset={},
        provenance={},
        configs={},
        movies={},
        scenarios=[case],
        run_folders=str(folder),
    )
    return chosen.check(results, impl), case
