"""What a pipeline of your own would cost on each orchestrator, predicted from one run's
measurements: the model behind `bench advise` and the report's decision section.

The pipeline: D stages of W tasks, each stage waiting for the one before, every task
`d` seconds of waiting work (a query, an API call, a remote job), run with the slots the
measurement used. The least time any scheduler needs is L = D × ⌈W / slots⌉ × d. What
the orchestrator adds on top is modelled as

    overhead = edge × (D − 1) + dispatch × (N − D),   N = W × D tasks

*edge* is the wait between a task's end and its ready successor's start, paid once per
stage on the critical path; *dispatch* is what each further task of a stage adds. Both are
fitted by least squares, without an intercept, to the overhead of every measured run of
the timed workloads whose tasks wait rather than compute (the chain and the fan-outs of
no-op or sleeping tasks). The orchestrator's own CPU per run is fitted the same way as
fixed + per-task × N, and its idle CPU comes from the idle measurement. The 95 % intervals
of the parameters and of every prediction come from one seeded bootstrap per
configuration that resamples runs within each case, so a prediction carries the
uncertainty of every measurement it rests on. CPU-bound tasks are out of the model (a
thread executor's GIL is not overhead per task); the report's CPU efficiency covers them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from bench.measure.stats import RESAMPLES, SEED, Estimate, estimate, percentile_interval
from bench.results import CaseResult, Results
from pipelines.core.workloads import Workload

BREAK_EVEN_SHARE = 0.10  # "overhead stays under 10 % of the run time"
WAITING_WORK = ("noop", "sleep")  # the workloads the overhead model is fitted to
DAY_S = 86_400.0


@dataclass(frozen=True)
class Pipeline:
    """The workload a reader describes: D stages of W tasks of `task_seconds` each."""

    task_seconds: float
    width: int
    depth: int
    runs_per_day: float = 24.0

    @property
    def tasks(self) -> int:
        return self.width * self.depth

    def lower_bound(self, slots: int) -> float:
        return self.depth * math.ceil(self.width / slots) * self.task_seconds

    def describe(self) -> str:
        shape = f"{self.depth} stage(s) of {self.width} task(s)"
        return f"{shape} of {self.task_seconds:g} s, {self.runs_per_day:g} runs a day"


@dataclass(frozen=True)
class Prediction:
    key: str
    slots: int
    makespan: Estimate
    overhead: Estimate
    submit_to_done: Estimate  # trigger latency + makespan
    cpu_hours_per_day: Estimate | None
    break_even_s: Estimate  # shortest task length with overhead ≤ 10 % of the makespan
    overhead_share: Estimate  # overhead ÷ makespan

    def deadline(self, seconds: float) -> str:
        """Whether a run, submitted, is done within `seconds`: by the whole interval."""
        if self.submit_to_done.high <= seconds:
            return "meets"
        if self.submit_to_done.low > seconds:
            return "misses"
        return "uncertain"


def depth(workload: Workload) -> int:
    """Stages on the longest path of the workload's graph."""
    levels: dict[str, int] = {}
    for node, ups in workload.upstream.items():  # upstream lists a node after its parents
        levels[node] = 1 + max((levels[u] for u in ups), default=0)
    return max(levels.values(), default=0)


@dataclass
class CostModel:
    """One implementation/config's fitted costs, from its timed waiting-work cases."""

    key: str
    slots: int
    cases: list[list[dict]]  # per case: (tasks, depth, overhead, cpu, trigger) per measured run
    idle_cores: float | None

    @classmethod
    def from_results(cls, results: Results, key: str) -> CostModel | None:
        """None when the run lacks what a fit needs: a chain and a fan-out (two shapes)."""
        cases, slots, idle = [], 0, None
        for case in results.scenarios:
            if case.key != key or not case.measured:
                continue
            idle = case.idle_cores if case.idle_cores is not None else idle
            if not _waiting(case):
                continue
            d = depth(Workload.parse(case.workload))
            cases.append([_point(run, d, case.workload) for run in case.measured])
            slots = max(slots, case.slots)
        model = cls(key, slots, cases, idle)
        return model if cases and model.identifiable else None

    @property
    def identifiable(self) -> bool:
        design = np.array(
            [[p["depth"] - 1, p["tasks"] - p["depth"]] for c in self.cases for p in c]
        )
        return np.linalg.matrix_rank(design) == 2

    @property
    def n(self) -> int:
        return sum(len(c) for c in self.cases)

    @cached_property
    def draws(self) -> np.ndarray:
        """Parameter sets, row 0 from all runs, then one per bootstrap resample:
        columns edge, dispatch, cpu fixed, cpu per task, trigger."""
        rng = np.random.default_rng(SEED)
        rows = [_fit([p for c in self.cases for p in c])]
        for _ in range(RESAMPLES):
            picked = [c[i] for c in self.cases for i in rng.integers(0, len(c), len(c))]
            rows.append(_fit(picked))
        return np.array(rows)

    @property
    def resampled(self) -> bool:
        """Whether a resample can differ from the data: some case has two runs or more
        (with one run per case, as in the quick profile, every resample is the data)."""
        return any(len(c) > 1 for c in self.cases)

    def parameter(self, column: int) -> Estimate:
        return _interval(self.draws[:, column], self.n, self.resampled)

    @property
    def edge(self) -> Estimate:
        return self.parameter(0)

    @property
    def dispatch(self) -> Estimate:
        return self.parameter(1)

    def predict(self, pipeline: Pipeline) -> Prediction:
        p = self.draws
        bound = pipeline.lower_bound(self.slots)
        overhead = np.maximum(
            0.0, p[:, 0] * (pipeline.depth - 1) + p[:, 1] * (pipeline.tasks - pipeline.depth)
        )
        makespan = bound + overhead
        done = p[:, 4] + makespan
        per_task = pipeline.depth * math.ceil(pipeline.width / self.slots)
        break_even = overhead * (1 - BREAK_EVEN_SHARE) / BREAK_EVEN_SHARE / per_task
        n, resampled = self.n, self.resampled
        return Prediction(
            self.key,
            self.slots,
            _interval(makespan, n, resampled),
            _interval(overhead, n, resampled),
            _interval(done, n, resampled),
            self._cpu_hours(p, done, pipeline),
            _interval(break_even, n, resampled),
            _interval(overhead / np.maximum(makespan, 1e-12), n, resampled),
        )

    def _cpu_hours(self, p: np.ndarray, done: np.ndarray, pipeline: Pipeline) -> Estimate | None:
        """Idle CPU around the clock, and each run's own CPU while it runs."""
        if np.isnan(p[:, 2]).any() or self.idle_cores is None:
            return None
        per_run = np.maximum(0.0, p[:, 2] + p[:, 3] * pipeline.tasks)
        busy_s = np.minimum(DAY_S, pipeline.runs_per_day * done)
        seconds = self.idle_cores * (DAY_S - busy_s) + pipeline.runs_per_day * per_run
        return _interval(seconds / 3600, 1)  # the idle CPU rests on one sample: n = 1

    def check(self) -> list[tuple[str, Estimate, float]]:
        """Per fitted case: its workload, the measured overhead (median, CI) and the model's
        value, so a reader sees how well two parameters describe the runs."""
        out = []
        for points in self.cases:
            first = points[0]
            modelled = self.draws[0, 0] * (first["depth"] - 1) + self.draws[0, 1] * (
                first["tasks"] - first["depth"]
            )
            measured = estimate([p["overhead"] for p in points])
            if measured:
                out.append((first["workload"], measured, float(modelled)))
        return out


def _waiting(case: CaseResult) -> bool:
    """A timed workload whose tasks wait rather than compute: what the model is fitted to."""
    timed = case.scenario in ("latency", "parallelism", "scale")
    return timed and Workload.parse(case.workload).work.startswith(WAITING_WORK)


def _point(run: dict, stages: int, workload: str) -> dict:
    cpu = (run.get("resources") or {}).get("cpu_seconds")
    return {
        "tasks": int(run["tasks"]),
        "depth": stages,
        "overhead": float(run["overhead_s"]),
        "cpu": float(cpu) if cpu is not None else math.nan,
        "trigger": float(run["trigger_latency_s"]),
        "workload": workload,
    }


def _fit(points: list[dict]) -> list[float]:
    """edge, dispatch (overhead, no intercept); cpu fixed, cpu per task; median trigger."""
    design = np.array([[p["depth"] - 1, p["tasks"] - p["depth"]] for p in points], dtype=float)
    overhead = np.array([p["overhead"] for p in points])
    (edge, dispatch), *_ = np.linalg.lstsq(design, overhead, rcond=None)
    cpu = np.array([p["cpu"] for p in points])
    tasks = np.array([p["tasks"] for p in points], dtype=float)
    if np.isnan(cpu).any() or len(set(tasks)) < 2:
        cpu_fixed = cpu_task = math.nan
    else:
        cpu_task, cpu_fixed = np.polyfit(tasks, cpu, 1)
    trigger = float(np.median([p["trigger"] for p in points]))
    return [float(edge), float(dispatch), float(cpu_fixed), float(cpu_task), trigger]


def _interval(values: np.ndarray, n: int, resampled: bool = True) -> Estimate:
    """Row 0 is the estimate from all runs; the rest give the percentile interval."""
    low, high = percentile_interval(values[1:])
    return Estimate(float(values[0]), low, high, n, resampled=resampled)


def cost_models(results: Results) -> dict[str, CostModel]:
    """Every implementation/config whose timed workloads support a fit, by name (default
    config first)."""
    keys = sorted(
        {c.key for c in results.scenarios},
        key=lambda k: (k.split("/")[0], k.split("/")[1] != "default", k),
    )
    return {k: m for k in keys if (m := CostModel.from_results(results, k))}
