"""State persistence: kill a component in the middle of a run, recover, count what it cost.

Faults (an implementation lists the ones it has in its manifest's `faults`):

* **worker** — SIGKILL the processes running tasks, as the OOM killer or a lost machine
  would (a worker's process group, an executor's busy workers with their task processes, or
  a command's only process).
* **scheduler** — SIGKILL the scheduler (with its executor, where it has one), then start it
  again, as a supervisor would.
* **restart** — SIGTERM the scheduler (a clean stop, as for a deploy), then start it again.
* **database** — SIGKILL the metadata database server, then start it again on the same
  data; services that died meanwhile are restarted, as a supervisor would.

Recovery is what the orchestrator does by itself plus the standard operator action, both in
the adapter's `recover` (and described in its manifest's `[report] recovery`): lost tasks
found by heartbeats and cleared, a command rerun until it succeeds (as cron would), a run
started again from the first step. The failure-detection timeouts are set in every
implementation (the manifest's `[recovery]` settings), so the scenario compares mechanisms
rather than default timeouts — the report lists both.

Two workloads: a fan-out of sleeping tasks killed during its second wave (once a slot has
been freed by a finished task: a fault in the first wave, with nothing finished yet, could
never show a recovery that starts finished tasks again), a random part of a task's
duration after that wave's first task started, for the timing; and the movie pipeline
killed as training starts, whose
outputs must still be identical to a clean run's, with no duplicate row in the warehouse.
Every figure comes from the case's event log, which also holds the submit and fault marks.
"""

from __future__ import annotations

import random
import signal
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from bench.kit.errors import BenchError
from bench.kit.manifest import adapter_class, load_manifest
from bench.measure.fingerprint import compare, fingerprint
from bench.measure.metrics import recovery
from bench.measure.plan import Case
from bench.measure.runs import land_dataset
from bench.measure.scenarios import new_events, settle
from bench.results import CaseResult
from datasets.registry import DatasetSpec
from pipelines.core.layout import Layout
from pipelines.core.serve import warehouse_table
from pipelines.core.workloads import Workload

FAULTS: dict[str, tuple[str, signal.Signals]] = {
    "worker": ("worker", signal.SIGKILL),
    "scheduler": ("scheduler", signal.SIGKILL),
    "restart": ("scheduler", signal.SIGTERM),
    "database": ("database", signal.SIGKILL),
}
MOVIES = "movies"
SHARES_A_STACK = ("worker", "scheduler", "restart")  # services whole again after recovery


def supports(impl: str, fault: str, variant: str | None = None) -> bool:
    """The manifest lists the fault; a database fault needs a database server to kill."""
    if fault == "database" and variant != "postgres":
        return False
    return fault in load_manifest(impl).get("faults", [])


def _wait_for(adapter, offset: int, ready: Callable[[list[dict]], bool], timeout: float) -> None:
    """Poll the event log until the events since `offset` satisfy `ready`; a service that
    died meanwhile fails it at once (a dead runner would otherwise be waited out)."""
    log, deadline, seen = adapter.event_log, time.monotonic() + timeout, []
    while time.monotonic() < deadline:
        adapter.services.check()
        events, offset = new_events(log, offset)
        seen += events
        if ready(seen):
            return
        time.sleep(0.02)
    raise BenchError(f"no task started within {timeout:.0f} s, nothing to interrupt ({log})")


def _starts(events: list[dict], prefix: str = "") -> int:
    return sum(1 for e in events if e["event"] == "start" and str(e["task_id"]).startswith(prefix))


def fault_delay(case: Case, repetition: int) -> float:
    """Seconds after the wave it hits started (its first task) at which the fault hits: drawn from
    [0.25, 0.75] of a task's duration (seeded by the case and the repetition), so the work
    lost is not fixed by construction. The movie pipeline is hit as training starts."""
    if case.workload == MOVIES:
        return 0.0
    work = Workload.parse(case.workload).work
    duration = float(work.split(":")[1]) if work.startswith("sleep:") else 1.0
    rng = random.Random(f"{case.scenario}-{case.fault}-{case.workload}-{repetition}")
    return rng.uniform(0.25, 0.75) * duration


def shares_a_stack(case: Case | CaseResult) -> bool:
    """A fault that leaves the services whole after its recovery, on a synthetic workload:
    its repetitions, and other such faults on the same workload and slots, share a stack."""
    return case.fault in SHARES_A_STACK and case.workload != MOVIES


def measure_recovery(
    impl: str,
    config: str,
    case: Case,
    folder: Path,
    dataset: DatasetSpec,
    reference: dict[str, str] | None,
    timeout: float = 600,
    variant: str | None = None,
    on_phase: Callable[[str], None] = lambda _: None,
    repeat: int = 1,
) -> CaseResult:
    """One fault case (see `measure_faults`)."""
    return measure_faults(
        impl, config, [(case, folder)], dataset, reference, timeout, variant, on_phase, repeat
    )[0]


def measure_faults(
    impl: str,
    config: str,
    cases: list[tuple[Case, Path]],
    dataset: DatasetSpec,
    reference: dict[str, str] | None,
    timeout: float = 600,
    variant: str | None = None,
    on_phase: Callable[[str], None] = lambda _: None,
    repeat: int = 1,
    warmup: bool = True,
) -> list[CaseResult]:
    """Fault cases, each with its folder and `repeat` repetitions (a case's own wins):
    after a clean warm-up run (unless `warmup` is false: the quick profile's smoke test
    meets cold caches everywhere), one run with the fault at a randomised moment, its cost
    from the event log. Faults that leave the services whole (`shares_a_stack`) run on one
    stack, case after case, each repetition started once the orchestrator is idle again
    (as the timed cases do): a killed worker leaves the services up, and a killed or
    stopped scheduler is started again by the recovery, as a supervisor would. The
    database outage and the movie pipeline (whose outputs must come from a clean folder)
    get a fresh stack per repetition, one case per call. Each case's `events.jsonl` holds
    its stack's start and warm-up and its own runs, in time order."""
    if len(cases) > 1 and not all(shares_a_stack(c) for c, _ in cases):
        raise BenchError("only faults that leave the services whole share a stack")
    counts = [max(1, case.repeat or repeat) for case, _ in cases]
    first, folder = cases[0]
    if shares_a_stack(first):
        batches = [[(case, list(range(n))) for (case, _), n in zip(cases, counts, strict=True)]]
    else:
        batches = [[(first, [index])] for index in range(counts[0])]
    runs: list[list[dict]] = [[] for _ in cases]
    startup, chosen = [], variant
    for batch in batches:
        sub = folder / f"repetition-{batch[0][1][0] + 1}"
        sub.mkdir(parents=True, exist_ok=True)
        adapter, opening, outcomes = _faults_on_one_stack(
            impl, config, batch, sub, dataset, reference, timeout, variant, on_phase, warmup
        )
        startup.append(adapter.startup_seconds)
        chosen = adapter.variant
        log = adapter.event_log.read_bytes() if adapter.event_log.exists() else b""
        for i, (records, begin, end) in enumerate(outcomes):
            runs[i] += records
            with open(cases[i][1] / "events.jsonl", "ab") as joined:
                joined.write(log[:opening] + log[begin:end])
    settings = load_manifest(impl).get("recovery", {}).get("settings", {})
    return [
        CaseResult(
            impl,
            config,
            **asdict(case),
            runs=runs[i],
            variant=chosen,
            startup_s=round(sum(startup) / len(startup), 3),
            settings=settings,
            events=str(where / "events.jsonl"),
        )
        for i, (case, where) in enumerate(cases)
    ]


def _faults_on_one_stack(
    impl: str,
    config: str,
    plan: list[tuple[Case, list[int]]],
    folder: Path,
    dataset: DatasetSpec,
    reference: dict[str, str] | None,
    timeout: float,
    variant: str | None,
    on_phase: Callable[[str], None],
    warmup: bool = True,
):
    """Start a stack, warm it up (synthetic workloads), and run each case's repetitions
    on it; returns the (stopped) adapter, where the stack's start and warm-up end in its
    event log, and per case its runs' records and the span of its own runs there."""
    case, indices = plan[0]
    movies = case.workload == MOVIES
    date = land_dataset(folder, dataset) if movies else None
    options = (
        {} if movies else {"workload": Workload.parse(case.workload).save(folder / "workload.json")}
    )
    on_phase(f"starting services ({indices[0] + 1})")
    adapter = adapter_class(impl)(
        folder, variant, config=config, slots=case.slots, recovery=True, **options
    )
    outcomes = []
    with adapter:
        if warmup and not movies:  # the first run after a start is slow: warm up first
            on_phase("warm-up")
            adapter.mark("submit", f"warmup-{indices[0] + 1}")
            adapter.wait(adapter.submit_workload(f"warmup-{indices[0] + 1}"), timeout)
        opening = _size(adapter.event_log)
        for case, indices in plan:
            begin, records = _size(adapter.event_log), []
            for index in indices:
                settle(adapter)
                records.append(_one_fault(adapter, case, date, timeout, on_phase, index))
            outcomes.append((records, begin, _size(adapter.event_log)))
        on_phase("stopping")
    records = outcomes[0][0]
    if movies and records and not records[0]["error"]:
        records[0] |= _check_outputs(Layout(folder), date, reference)
    return adapter, opening, outcomes


def _size(log: Path) -> int:
    return log.stat().st_size if log.exists() else 0


def _one_fault(adapter, case: Case, date, timeout: float, on_phase, index: int) -> dict:
    """One run on a started, idle stack, the fault at a randomised moment, the recovery;
    the run's record from the events it left."""
    component, sig = FAULTS[case.fault]
    movies = case.workload == MOVIES
    label = f"{case.fault}-{index + 1}"  # unique on a stack several faults share
    result: dict = {"error": ""}
    offset = _size(adapter.event_log)
    on_phase(f"run {index + 1}, then {case.fault} fault")
    submit_ns = adapter.mark("submit", label)
    handle = adapter.submit(date) if movies else adapter.submit_workload(label)
    if movies:  # as training starts: the longest steps, the most to lose
        _wait_for(adapter, offset, lambda ev: _starts(ev, "train") > 0, timeout)
    else:
        # in the second wave where there is one (a slot freed, so a task has finished): a
        # recovery that starts finished tasks again can show it only if some had finished
        tasks = Workload.parse(case.workload).n
        want = case.slots + 1 if tasks > case.slots else tasks
        _wait_for(adapter, offset, lambda ev: _starts(ev) >= want, timeout)
    delay = fault_delay(case, index)
    time.sleep(delay)
    fault_ns = adapter.mark("fault", label)
    adapter.kill(handle, component, sig)
    on_phase(f"recovering from the {case.fault} fault ({index + 1})")
    try:
        result["harness_retries"] = adapter.recover(handle, component, timeout)
        view = None if movies else adapter.ui_view(handle)  # is the run's history still there?
        if view:
            result["ui_after"] = view.as_dict()
    except BenchError as exc:
        result["error"] = str(exc)
    events, _ = new_events(adapter.event_log, offset)
    tasks = [e for e in events if e["task_id"] is not None]
    result |= {"submit_ns": submit_ns, "fault_ns": fault_ns, "fault_after_s": round(delay, 3)}
    result |= recovery(tasks, submit_ns, fault_ns)
    return {"label": label, "warmup": False, "complete": not result["error"], **result}


def _check_outputs(layout: Layout, date, reference: dict[str, str] | None) -> dict:
    """The recovered run against a clean run: same checksums, no duplicate in the load."""
    table = warehouse_table(layout)
    duplicates = len(table) - len(table.drop_duplicates(["user_id", "rank"]))
    differences = compare(reference, fingerprint(layout, date)) if reference else None
    return {
        "load_duplicates": duplicates,
        "identical_to_clean_run": None if differences is None else not differences,
        "differences": [d.check for d in differences or []],
    }
