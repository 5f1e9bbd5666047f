"""The results model: what `bench compare` measured, typed, and the one way to read it back.

    Results            one compare run (results.json)
    ├── movies         {"impl/config": MovieSeries}   the real pipeline end to end
    └── scenarios      [CaseResult]                   one per measured case, in measured order
                       └── runs  [RunRecord]          one per run (warm-up first)

The measuring code (bench.measure) returns `CaseResult`s, the compare assembles `Results`,
the report reads only `Results`. On disk it is JSON, checked once against
`results.schema.json` when it is loaded (`load_results`), so the report never meets a
malformed file halfway through. A run's record keeps the open JSON shape its scenario
writes (the schema's `$defs` name each kind's fields): scenarios add metrics faster than a
class hierarchy would follow, and every figure is recomputed from the event logs anyway.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from bench.kit.errors import BenchError, check_schema

SCHEMA = Path(__file__).with_name("results.schema.json")
FORMAT = "orchestrator-bench/compare/v2"

RunRecord = dict[str, Any]
"""One run of a case: `warmup`, `complete`, `error` and its scenario's metrics (the schema's
`measured_run`, `recovery_run`, `calendar_run`, ... definitions)."""

Stat = tuple[float, float, float]
"""(median, first quartile, third quartile)."""


def _known(cls: type, data: dict) -> tuple[dict, dict]:
    """Split `data` into the dataclass's fields and the rest (kept, written back as is)."""
    names = {f.name for f in fields(cls)} - {"extra"}
    return {k: v for k, v in data.items() if k in names}, {
        k: v for k, v in data.items() if k not in names
    }


@dataclass
class CaseResult:
    """One case (scenario × workload × slots, or a fault, or a probe) on one
    implementation × config: its runs, and what it measured once per stack."""

    impl: str
    config: str
    scenario: str
    workload: str
    slots: int
    runs: list[RunRecord] = field(default_factory=list)
    fault: str = ""
    repeat: int = 0
    batch: int = 0  # load: runs submitted at once
    rates: tuple[float, ...] = ()  # load: a sweep's open-loop steps, × the batch's runs/s
    variant: str | None = None
    startup_s: float | None = None
    events: str | None = None  # the event log; relative to the report folder once kept there
    error: str | None = None  # the case failed as a whole (services did not start, ...)
    seconds: float | None = None  # wall time the harness spent on the case
    idle_resources: dict | None = None
    dashboard: dict | None = None
    settings: dict[str, str] | None = None  # recovery: the failure-detection settings used
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.impl}/{self.config}"

    @property
    def measured(self) -> list[RunRecord]:
        """The runs that count: not the warm-up, and complete."""
        return [r for r in self.runs if not r.get("warmup") and r.get("complete")]

    @property
    def ok(self) -> bool:
        return not self.error and bool(self.runs)

    @property
    def idle_cores(self) -> float | None:
        """Cores the services kept busy while idle (the latency case's idle sample)."""
        idle = self.idle_resources or {}
        return idle["cpu_seconds"] / idle["seconds"] if idle.get("seconds") else None

    @classmethod
    def from_dict(cls, data: dict) -> CaseResult:
        known, extra = _known(cls, data)
        known["rates"] = tuple(known.get("rates", ()))  # JSON has lists, the plan tuples
        return cls(**known, extra=extra)

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in asdict(self).items() if k != "extra"}
        data = {k: v for k, v in data.items() if v is not None or k in ("dashboard",)}
        return {**data, **self.extra}


@dataclass
class MovieSeries:
    """The real pipeline end to end on one implementation × config: warm-up + measured runs
    on one stack, and whether every result equals the reference's. `startups`: the
    start-up of every stack the compare started for this implementation × config (its
    workload cases', recovery's, probes' and this one's), the sample behind
    `startup_seconds`; `events`: the movie runs' event log."""

    impl: str
    config: str
    runs: list[RunRecord]
    runs_ok: int
    runs_failed: int
    startup_seconds: Stat
    run_seconds: Stat
    stop_seconds: Stat
    identical_results: bool = False
    differences_from_reference: list[str] = field(default_factory=list)
    startups: list[float] = field(default_factory=list)
    events: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.impl}/{self.config}"

    @property
    def startup_samples(self) -> list[float]:
        """Every stack start measured (results before stacks were shared: per run)."""
        return self.startups or [r["startup_seconds"] for r in self.measured]

    @property
    def measured(self) -> list[RunRecord]:
        return [r for r in self.runs if not r["warmup"] and r["ok"]]

    @classmethod
    def from_dict(cls, data: dict) -> MovieSeries:
        known, extra = _known(cls, data)
        for stat in ("startup_seconds", "run_seconds", "stop_seconds"):
            known[stat] = tuple(known[stat])
        return cls(**known, extra=extra)

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in asdict(self).items() if k != "extra"}
        return {**data, **self.extra}


# the timing scenarios: every run of theirs is meant to complete (bench.measure.scenarios)
MUST_COMPLETE = ("latency", "parallelism", "cpu", "scale", "scaleout", "load")


def _case_name(case: CaseResult) -> str:
    fault = f" {case.fault}" if case.fault else ""
    return f"{case.scenario}{fault} {case.workload} at {case.slots} slots"


@dataclass
class Results:
    """One `bench compare` run."""

    started_at: str
    finished_at: str
    profile: str
    repeat: int
    dataset: dict[str, Any]
    provenance: dict[str, Any]
    configs: dict[str, dict[str, Any]]  # impl → the manifest's [configs]
    movies: dict[str, MovieSeries]
    scenarios: list[CaseResult]
    run_folders: str
    variants: dict[str, str] = field(default_factory=dict)
    runtime: dict[str, Any] = field(default_factory=lambda: {"name": "local"})
    calibration: dict[str, Any] | None = None  # bench calibrate's checks and costs
    schema: str = FORMAT

    @property
    def impls(self) -> list[str]:
        """Every implementation in the run, in the order it was measured."""
        return list(dict.fromkeys([m.impl for m in self.movies.values()] + self.case_impls))

    @property
    def case_impls(self) -> list[str]:
        """The implementations with cases, in the tables' order (the plan's, which the
        movie series keep), not the shuffled order the cases were measured in."""
        measured = [c.impl for c in self.scenarios]
        planned = [key.split("/")[0] for key in self.movies]
        return [i for i in dict.fromkeys(planned + measured) if i in measured]

    def in_table_order(self, cases: list[CaseResult]) -> list[CaseResult]:
        """`cases` by implementation and config (the plan's order), then scenario, workload
        and slots: a table a reader can scan, whatever order they were measured in."""
        keys = list(self.movies)
        rank = {key: n for n, key in enumerate(keys)}

        def key(c: CaseResult) -> tuple:
            slot = rank.get(f"{c.impl}/{c.config}", len(keys))
            return (slot, c.impl, c.config, c.scenario, c.workload, c.slots, c.fault)

        return sorted(cases, key=key)

    def cases(self, scenario: str) -> list[CaseResult]:
        return [c for c in self.scenarios if c.scenario == scenario]

    def failures(self) -> list[str]:
        """What makes the compare fail, one line each: a case that could not run; a
        timing case none of whose runs completed (its every run is meant to: a recovery,
        a probe or a retry that does not finish is a finding, reported as a verdict); a
        movie series with a failed run or results that differ from the reference's."""
        lines = [
            f"{c.impl}/{c.config} {_case_name(c)}: {c.error}" for c in self.scenarios if c.error
        ]
        for case in self.scenarios:
            if not case.error and case.scenario in MUST_COMPLETE and not case.measured:
                reason = next((r["error"] for r in case.runs if r.get("error")), "")
                lines.append(
                    f"{case.impl}/{case.config} {_case_name(case)}: no run completed"
                    + (f" ({' '.join(str(reason).split())[:160]})" if reason else "")
                )
        for key, series in self.movies.items():
            if series.runs_failed:
                lines.append(f"{key} movies: {series.runs_failed} run(s) failed")
            elif not series.identical_results:
                differences = "; ".join(series.differences_from_reference[:2])
                lines.append(f"{key} movies: results differ from the reference's ({differences})")
        return lines

    @classmethod
    def from_dict(cls, data: dict) -> Results:
        data = dict(data)
        data["movies"] = {k: MovieSeries.from_dict(v) for k, v in data["movies"].items()}
        data["scenarios"] = [CaseResult.from_dict(c) for c in data["scenarios"]]
        data["runtime"] = data.get("runtime") or {"name": "local"}
        data["variants"] = data.get("variants") or {}
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": self.schema,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "profile": self.profile,
            "repeat": self.repeat,
            "dataset": self.dataset,
            "provenance": self.provenance,
            "configs": self.configs,
            "movies": {k: m.to_dict() for k, m in self.movies.items()},
            "scenarios": [c.to_dict() for c in self.scenarios],
            "run_folders": self.run_folders,
            "variants": self.variants,
            "runtime": self.runtime,
            **({"calibration": self.calibration} if self.calibration else {}),
        }

    def check(self, source: Path) -> None:
        """Against the schema; raise BenchError naming the first problem in `source`."""
        check_schema(self.to_dict(), json.loads(SCHEMA.read_text()), source)


def load_results(path: Path) -> Results:
    """Read and check a results file (or the folder holding it), including that the event
    logs it names are there; raise BenchError naming the first problem."""
    if path.is_dir():
        path = path / "results.json"
    if not path.exists():
        raise BenchError(f"{path}: not found; give a folder written by bench compare")
    try:
        raw = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise BenchError(f"{path}: not JSON ({exc})") from None
    check_schema(raw, json.loads(SCHEMA.read_text()), path)
    results = Results.from_dict(raw)
    for case in results.scenarios:
        if case.events and not (path.parent / case.events).exists():
            raise BenchError(
                f"{path}: the event log {case.events} behind {case.workload} is missing"
            )
    return results
