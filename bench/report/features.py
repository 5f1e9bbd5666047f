"""The feature table of the classic orchestrator write-ups, checked instead of asserted.

Each row is a claim, the probe that checks it, and per implementation a verdict with the
evidence measured in this run (`default` config). A claim this run did not probe says so —
it is never filled in from documentation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.kit.errors import BenchError
from bench.kit.manifest import containers_only, load_manifest, words
from bench.measure.probes.calendar import OWN_RUN_WAIT_S
from bench.report.context import ReportContext
from bench.report.markdown import md_table
from bench.results import CaseResult, Results
from pipelines.core.workloads import Workload

NOT_PROBED = "not probed in this run"


def _cases(results: Results, impl: str, scenario: str, fault: str = "") -> list[CaseResult]:
    return [
        c
        for c in results.cases(scenario)
        if c.impl == impl and c.config == "default" and c.fault == fault and c.ok
    ]


def _manifest(impl: str) -> dict:
    """The implementation's manifest, or {} for results of one this checkout lacks."""
    try:
        return load_manifest(impl)
    except BenchError:
        return {}


def _has_services(impl: str) -> bool:
    return bool(_manifest(impl).get("services", {}).get("processes", [True]))


def _capable(impl: str, capability: str) -> bool:
    return capability in _manifest(impl).get("capabilities", [capability])


def _unmeasured(impl: str, fault: str, without_services: str = "") -> str:
    """Why a fault's verdict has no repetitions: nothing to kill, a fault the manifest does
    not list (the harness cannot inject it there), or a profile that does not run it."""
    if without_services and not _has_services(impl):
        return without_services
    if fault not in _manifest(impl).get("faults", [fault]):
        return f"not measured: its manifest lists no {fault} fault"
    return NOT_PROBED


def _page(case: CaseResult) -> str:
    page = case.dashboard or {}
    return (
        f"GET {page['url'].split('/', 3)[-1] or '/'} → 200, {page['bytes'] / 1024:.0f} KiB "
        f"{page['content_type'].split(';')[0]}"
    )


def _views(case: CaseResult) -> tuple[list[dict], int]:
    """The UI's view of each measured run, and how many tasks each run had."""
    return [r["ui"] for r in case.measured if r.get("ui")], len(Workload.parse(case.workload).nodes)


def dashboard(results: Results, impl: str) -> str:
    """Does the UI show a run and its tasks' states? Asked through the UI's own API after
    every measured run of the latency chain, so n is that case's runs."""
    for case in _cases(results, impl, "latency"):
        page = case.dashboard
        if page is None:
            return "no: nothing to browse"
        if page.get("status") != 200:
            return f"no: GET {page['url']} → {page.get('status')} {page.get('error', '')}".strip()
        views, tasks = _views(case)
        if not views:
            return f"partly: the page loads ({_page(case)}); what it shows of a run: not probed"
        whole = [v for v in views if v["tasks_done"] == tasks and v["run_done"] is not False]
        runs = "the run and " if views[0]["run_done"] is not None else ""
        verdict = "yes" if len(whole) == len(views) else "partly"
        only = "" if runs else " (tasks only: it has no run as a whole)"
        return (
            f"{verdict}: {runs}all {tasks} tasks' states shown in {len(whole)} of {len(views)} "
            f"runs{only}, via {views[0]['api']}; page {_page(case)}"
        )
    return NOT_PROBED


def logs_in_ui(results: Results, impl: str) -> str:
    """Can a task's log be read in the UI? The same probe, one task's log per run."""
    for case in _cases(results, impl, "latency"):
        if case.dashboard is None:
            return "no: no UI"
        views, _ = _views(case)
        if not views:
            return NOT_PROBED
        if views[0]["log_lines"] is None:
            return "no: the UI serves no task logs (they stay with the worker process)"
        shown = [v["log_lines"] for v in views if v["log_lines"]]
        verdict = "yes" if len(shown) == len(views) else "partly" if shown else "no"
        lines = f", {min(shown)}–{max(shown)} lines" if shown else ""
        return f"{verdict}: a task's log in {len(shown)} of {len(views)} runs{lines}"
    return NOT_PROBED


def retries(results: Results, impl: str) -> str:
    """Every task of a chain fails its first attempt: does the run finish without help?"""
    cases = _cases(results, impl, "retries")
    if not cases:
        return NOT_PROBED
    runs = [r for r in cases[0].runs if not r.get("warmup")]
    tasks = len(Workload.parse(cases[0].workload).nodes)
    retried = [r for r in runs if r.get("complete") and r.get("reexecuted_tasks", 0) >= tasks]
    if len(retried) == len(runs):
        return (
            f"yes: all {tasks} tasks failed once and were retried by the orchestrator; the run "
            f"finished in {len(retried)} of {len(runs)} runs"
        )
    failed = next((r for r in runs if r.get("error")), {})
    reason = " ".join(str(failed.get("error", "")).split())[:90]
    verdict = "partly" if retried else "no"
    return f"{verdict}: finished in {len(retried)} of {len(runs)} runs" + (
        f"; the run failed at the first failure ({reason})" if reason else ""
    )


def dynamic_fanout(results: Results, impl: str) -> str:
    """A source task says at run time how many tasks follow (a new count each run): did
    exactly that many run?"""
    cases = _cases(results, impl, "dynamic")
    if not cases:
        return NOT_PROBED
    runs = [r for r in cases[0].runs if not r.get("warmup")]
    right = [r for r in runs if r.get("complete") and r.get("mapped_ran") == r.get("mapped")]
    asked = ", ".join(str(r.get("mapped")) for r in runs)
    if runs and len(right) == len(runs):
        return (
            f"yes: the source decided at run time how many tasks followed ({asked}); exactly "
            f"those ran in {len(right)} of {len(runs)} runs"
        )
    wrong = next((r for r in runs if r not in right), {})
    why = " ".join(str(wrong.get("error", "")).split())[:90] or (
        f"{wrong.get('mapped_ran')} ran where the source asked for {wrong.get('mapped')}"
    )
    return f"{'partly' if right else 'no'}: right in {len(right)} of {len(runs)} runs; {why}"


def parallelism(results: Results, impl: str) -> str:
    cases = _cases(results, impl, "parallelism")
    if not cases:
        return NOT_PROBED
    widest = max(cases, key=lambda c: c.slots)
    peak = max(r.get("peak_concurrency", 0) for r in widest.runs if not r["warmup"])
    verdict = "yes" if peak > 1 else "no"
    return f"{verdict}: {peak} tasks running at once with {widest.slots} slots ({widest.workload})"


def _scheduler_crashes(results: Results, impl: str) -> tuple[list[dict], int] | None:
    """The repetitions of the scheduler SIGKILL mid fan-out and the tasks of its workload
    (None: not probed)."""
    cases = _cases(results, impl, "recovery", "scheduler")
    if not cases:
        return None
    runs = [r for r in cases[0].runs if not r.get("warmup")]
    return runs, len(Workload.parse(cases[0].workload).nodes)


def history_survives(results: Results, impl: str) -> str:
    """After the scheduler is killed and restarted, can the run still be looked up?"""
    crashes = _scheduler_crashes(results, impl)
    if crashes is None:
        return _unmeasured(impl, "scheduler", "no scheduler")
    runs, tasks = crashes
    views = [r["ui_after"] for r in runs if r.get("ui_after")]
    if not views:
        return "not probed (no UI to ask)" if runs else NOT_PROBED
    kept = [v for v in views if v["tasks_done"] == tasks]
    verdict = "yes" if len(kept) == len(runs) else "partly" if kept else "no"
    return (
        f"{verdict}: after a scheduler SIGKILL and restart, the UI's API showed all {tasks} "
        f"tasks done in {len(kept)} of {len(runs)} repetitions ({views[0]['api']})"
    )


def rework_after_crash(results: Results, impl: str) -> str:
    crashes = _scheduler_crashes(results, impl)
    if crashes is None:
        return _unmeasured(impl, "scheduler", "no scheduler")
    runs, _ = crashes
    failed = [r for r in runs if r.get("error")]
    if failed:
        return f"no: did not finish after a scheduler crash ({failed[0]['error'][:80]})"
    redone = sum(r["reexecuted_tasks"] for r in runs)
    twice = sum(r["completed_twice"] for r in runs)
    return (
        f"{'yes' if not twice else 'partly'}: after a scheduler SIGKILL every run finished; "
        f"{redone} task(s) re-executed and {twice} finished twice over {len(runs)} repetitions"
    )


def resumes_from_outputs(results: Results, impl: str) -> str:
    """After a worker is killed mid-run, does the rerun redo only what was in flight? The
    movie pipeline's kill (full profile) also checks the outputs; the fan-out's (every
    profile, n = its repetitions) counts finished tasks started again."""
    kills = _cases(results, impl, "recovery", "worker")
    movies = [c for c in kills if c.workload == "movies"]
    if movies:
        return _movie_rerun(movies[0].runs[0])
    if not kills:
        return _unmeasured(impl, "worker")
    runs = kills[0].measured
    failed = [r for r in runs if r.get("error")]
    if failed or not runs:
        return (
            f"no: did not finish after a worker kill ({(failed or [{}])[0].get('error', '')[:80]})"
        )
    clean = [r for r in runs if r["reexecuted_finished_tasks"] == 0]
    low, high = (f(r["in_flight_at_fault"] for r in runs) for f in (min, max))
    verdict = "yes" if len(clean) == len(runs) else "partly" if clean else "no"
    return (
        f"{verdict}: worker SIGKILL mid fan-out ({kills[0].workload}), "
        f"{low if low == high else f'{low}–{high}'} task(s) in flight; "
        f"no finished task started again in {len(clean)} of {len(runs)} repetitions "
        "(the movie pipeline's outputs after a kill: full profile)"
    )


def _movie_rerun(run: dict) -> str:
    if run.get("error"):
        return f"no: did not finish ({run['error'][:80]})"
    extra = run["reexecuted_tasks"] - run["in_flight_at_fault"]
    verdict = "yes" if extra <= 0 else "no"
    return (
        f"{verdict}: worker killed in training; {run['in_flight_at_fault']} step(s) in flight, "
        f"{run['reexecuted_tasks']} re-executed; outputs identical: "
        f"{run.get('identical_to_clean_run')}, load duplicates: {run.get('load_duplicates')}"
    )


def calendar(results: Results, impl: str) -> str:
    cases = _cases(results, impl, "calendar")
    if not cases:
        return NOT_PROBED if _capable(impl, "backfill") else "no: no backfill tool"
    run = cases[0].runs[0]
    if not run["complete"]:
        return f"no: {run['error'][:100] or 'published ' + str(run['versions'])}"
    how = words(impl, "backfill", "one backfill request")
    return (
        f"yes: {len(run['dates'])} days in order in {run['seconds']:.0f} s — {how}; "
        f"published {' → '.join(run['versions'])}"
    )


def own_schedule(results: Results, impl: str) -> str:
    cases = _cases(results, impl, "schedule")
    if not cases and not _has_services(impl):
        return "no: no scheduler"
    if not cases and not _capable(impl, "calendar-scheduling"):
        return "no: its manifest claims no calendar scheduling (runs start from cron or a command)"
    if not cases:
        return NOT_PROBED
    run = cases[0].runs[0]
    if not run["started_runs"]:
        return (
            f"no: services up for {OWN_RUN_WAIT_S:.0f} s, nothing submitted, nothing started "
            "— a calendar needs cron"
        )
    if run["error"]:
        return (
            f"partly: started {run['started_runs'][0]} by itself, then failed ({run['error'][:80]})"
        )
    return (
        f"yes: started {run['started_runs'][0]} by itself {run['seconds_to_own_run']:.1f} s "
        f"after start; its sensor waited for the data; done after {run['seconds_to_done']:.0f} s"
    )


def finds_new_pipelines(results: Results, impl: str) -> str:
    cases = _cases(results, impl, "deploy")
    if not cases:
        return NOT_PROBED if _has_services(impl) else "no: no services"
    run = cases[0].runs[0]
    if run["error"]:
        return f"no: {run['error'][:100]}"
    if run["until_known_s"] == 0:
        return (
            f"nothing to find: the next command imports the new module; "
            f"ran in {run['until_done_s']:.1f} s after the deploy"
        )
    deployed = run.get("deployed", "the file was deployed")  # how the adapter deployed it
    return (
        f"yes: listed {run['until_known_s']:.0f} s after {deployed}, "
        f"run done after {run['until_done_s']:.0f} s"
    )


def runs_on_many_workers(results: Results, impl: str) -> str:
    cases = _cases(results, impl, "scaleout")
    in_containers = results.runtime.get("name") == "docker"
    if not cases:
        if not _capable(impl, "scale-out"):
            return "no: its adapter has no multi-worker topology"
        if not in_containers and containers_only(_manifest(impl), "scale-out"):
            how = words(impl, "scale_out", "its worker fleet")
            return f"in containers only ({how}): --runtime docker measures it"
        return NOT_PROBED
    widest = max(cases, key=lambda c: c.slots)
    runs = widest.measured
    if not runs or "workers" not in runs[0]:
        return NOT_PROBED
    most = max(r["workers"] for r in runs)
    spread = sum(r["workers"] > 1 for r in runs)
    code = results.runtime.get("code", "")
    if not in_containers:
        where, source = "worker processes", "each imported the code from this checkout"
    elif "no source mounted" in code:
        where, source = "worker containers", "each ran the code its image holds (no source mounted)"
    else:
        where, source = (
            "worker containers",
            "each read the code from the repository mounted into it",
        )
    return (
        f"{'yes' if most > 1 else 'no'}: tasks started on up to {most} of {widest.slots} "
        f"{where} (on more than one in {spread} of {len(runs)} runs); {source}"
    )


@dataclass(frozen=True)
class Row:
    """A claim, the probe that checks it, the check, and the case whose event log holds
    the evidence (scenario, fault)."""

    claim: str
    probe: str
    check: Callable[[Results, str], str]
    scenario: str
    fault: str = ""


ROWS = [
    Row(
        "web dashboard",
        "after each run of the no-op chain: what the UI's own API shows of it",
        dashboard,
        "latency",
    ),
    Row(
        "logs in the UI",
        "after each run: one task's log, through the UI's API",
        logs_in_ui,
        "latency",
    ),
    Row("parallelism", "peak concurrency of the widest fan-out", parallelism, "parallelism"),
    Row(
        "retries",
        "a chain whose every task fails its first attempt: finished without help?",
        retries,
        "retries",
    ),
    Row(
        "dynamic fan-out",
        "a task decides at run time how many tasks follow (another count each run)",
        dynamic_fanout,
        "dynamic",
    ),
    Row(
        "run history survives a scheduler crash",
        "scheduler SIGKILL mid fan-out, restart: is the run still queryable in the UI's API?",
        history_survives,
        "recovery",
        "scheduler",
    ),
    Row(
        "no rework after a scheduler crash",
        "the same crash: tasks re-executed, tasks finished twice",
        rework_after_crash,
        "recovery",
        "scheduler",
    ),
    Row(
        "output data separated from task state",
        "worker SIGKILL mid-run (the movie pipeline in the full profile); what does the rerun redo?",
        resumes_from_outputs,
        "recovery",
        "worker",
    ),
    Row(
        "calendar scheduling",
        "backfill 3 days of the movie pipeline in one request",
        calendar,
        "calendar",
    ),
    Row(
        "built-in scheduler",
        "services up, calendar on, nothing submitted",
        own_schedule,
        "schedule",
    ),
    Row(
        "finds newly deployed tasks",
        "deploy a new pipeline into the running stack, time until known and done",
        finds_new_pipelines,
        "deploy",
    ),
    Row(
        "syncs tasks to workers",
        "one fan-out over K workers (containers under --runtime docker): on how many did its tasks run?",
        runs_on_many_workers,
        "scaleout",
    ),
]


def _evidence(results: Results, impl: str, row: Row) -> str:
    """A link to the event log the verdict was read from (kept beside the report)."""
    cases = [c for c in _cases(results, impl, row.scenario, row.fault) if c.events]
    if row.fault == "worker":  # the movie pipeline's worker kill where there is one
        cases = [c for c in cases if c.workload == "movies"] or cases
    if not cases:
        return ""
    widest = max(cases, key=lambda c: c.slots)  # the scale-out verdict reads the widest
    return f" ([events]({widest.events}))"


def feature_table(results: Results) -> str:
    impls = results.case_impls
    rows = [
        [
            row.claim,
            row.probe,
            *[row.check(results, i).replace("|", "/") + _evidence(results, i, row) for i in impls],
        ]
        for row in ROWS
    ]
    return md_table(["claim", "probe", *impls], rows)


def section(ctx: ReportContext) -> str:
    return f"""## Feature table, checked

The claims of the classic orchestrator comparisons, each with the probe that checks it and,
per implementation, the verdict with what this run measured (default config) and a link to
the event log it was read from.

{feature_table(ctx.results)}
"""
