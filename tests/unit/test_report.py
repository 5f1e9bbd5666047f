"""The report is built from results.json and event logs alone; check it on hand-made ones."""

from __future__ import annotations

import json

import pytest

from bench.kit.errors import BenchError
from bench.kit.manifest import load_manifest
from bench.report import write_report
from bench.report.headline import headline_numbers
from bench.report.style import line_style
from bench.results import CaseResult, Results
from pipelines.core.instrument import append_event
from pipelines.core.workloads import Workload

S = 1_000_000_000


def fake_case(tmp_path, impl, config, scenario, workload, slots, task_seconds, gap):
    """A measured case whose event log has each task take `task_seconds`, `gap` apart."""
    w = Workload.parse(workload)
    log = tmp_path / f"{impl}-{config}-{scenario}-{slots}.jsonl"
    submit = 1000 * S
    t, runs = submit + S // 10, []
    ends = {}
    for node, ups in w.upstream.items():
        start = max([ends[u] for u in ups], default=t) + int(gap * S)
        if scenario not in ("latency", "scale"):  # run up to `slots` at once, crudely
            start = (
                submit + S // 10 + (list(w.upstream).index(node) // slots) * int(task_seconds * S)
            )
        end = start + int(task_seconds * S)
        ends[node] = end
        append_event(log, {"task_id": node, "event": "start", "t_ns": start})
        append_event(log, {"task_id": node, "event": "end", "t_ns": end})
    from bench.measure.metrics import summarize
    from pipelines.core.instrument import read_events

    summary = summarize(read_events(log), submit, w.upstream, slots)
    summary["resources"] = {"cpu_seconds": 2.5, "peak_rss_mib": 300.0}
    runs = [
        {"label": "warmup-0", "warmup": True, "submit_ns": submit, **summary},
        {"label": "run-1", "warmup": False, "submit_ns": submit, **summary},
    ]
    return CaseResult.from_dict(
        {
            "impl": impl,
            "config": config,
            "scenario": scenario,
            "workload": workload,
            "slots": slots,
            "startup_s": 1.0,
            "idle_resources": {"cpu_seconds": 1.0, "peak_rss_mib": 250.0, "seconds": 5.0}
            if scenario == "latency"
            else None,
            "events": str(log),
            "runs": runs,
        }
    )


def fake_results(tmp_path):
    scenarios = []
    for impl, config, gap in (
        ("airflow", "default", 1.0),
        ("airflow", "tuned", 0.1),
        ("luigi", "default", 0.02),
    ):
        scenarios.append(fake_case(tmp_path, impl, config, "latency", "chain:5:noop", 2, 0.01, gap))
        for slots in (1, 2, 4):
            scenarios.append(
                fake_case(tmp_path, impl, config, "parallelism", "fanout:4:sleep:1", slots, 1.0, 0)
            )
    movies = {
        f"{i}/{c}": {
            "impl": i,
            "config": c,
            "runs": [],
            "runs_ok": 1,
            "runs_failed": 0,
            "identical_results": True,
            "startup_seconds": (1.0, 1.0, 1.0),
            "run_seconds": (5.0, 4.0, 6.0),
            "stop_seconds": (0.5, 0.5, 0.5),
        }
        for i, c in (("airflow", "default"), ("airflow", "tuned"), ("luigi", "default"))
    }
    return Results.from_dict(
        {
            "profile": "quick",
            "repeat": 1,
            "started_at": "t0",
            "finished_at": "t1",
            "dataset": {"name": "movielens-small", "citation": "Harper & Konstan 2015"},
            "provenance": {
                "python": "3.11",
                "git_sha": "abc",
                "git_dirty": False,
                "orchestrators": {"airflow": {"package": "apache-airflow", "version": "3.3.2"}},
                "machine": {
                    "cores": 2,
                    "cpu_model": "x",
                    "memory_gib": 24,
                    "load_average_at_start": [0, 0, 0],
                },
            },
            "configs": {n: load_manifest(n)["configs"] for n in ("airflow", "luigi")},
            "movies": movies,
            "scenarios": [c.to_dict() for c in scenarios],
            "run_folders": str(tmp_path),
        }
    )


def test_headline_numbers_come_from_the_scenarios(tmp_path):
    h = headline_numbers(fake_results(tmp_path))
    assert abs(h["airflow/default"].inter_task_p50.median - 1.0) < 1e-6
    assert abs(h["airflow/tuned"].inter_task_p50.median - 0.1) < 1e-6
    # 4 one-second tasks then a one-second join: 2 s is the least any scheduler needs at
    # 4 slots, and the fake runs take exactly that: efficiency 1 (never more)
    assert h["luigi/default"].efficiency[4].median == 1.0
    assert h["luigi/default"].efficiency[1].median == 1.0


def test_a_report_that_fails_to_build_says_how_to_rebuild_and_keeps_the_traceback(
    tmp_path, monkeypatch
):
    """Hours of measuring end in one line and a rebuild command, never a traceback."""
    import bench.report

    def broken(ctx):
        raise KeyError("inter_task_latency_s")

    monkeypatch.setattr(bench.report, "SECTIONS", [bench.report.summary.header, broken])
    out = tmp_path / "report"
    out.mkdir()
    with pytest.raises(BenchError, match=r"KeyError.*bench report .*report"):
        write_report(out, fake_results(tmp_path))
    assert "inter_task_latency_s" in (out / "report-error.txt").read_text()
    assert "Traceback" in (out / "report-error.txt").read_text()


def test_report_has_every_section_and_embeds_its_figures(tmp_path):
    from bench.compare import keep_events_beside

    results = fake_results(tmp_path)
    (tmp_path / "report").mkdir()
    keep_events_beside(results, tmp_path / "report")  # relative paths, as in a real report
    probe = {"impl": "luigi", "config": "default", "workload": "movies", "slots": 2}
    probes = [  # probes: runs with no makespan, reported in the feature table
        {
            **probe,
            "scenario": "calendar",
            "runs": [
                {
                    "warmup": False,
                    "complete": True,
                    "seconds": 3.3,
                    "error": "",
                    "dates": ["a", "b", "c"],
                    "versions": ["v0001", "v0002", "v0003"],
                }
            ],
        },
        {
            **probe,
            "scenario": "deploy",
            "runs": [
                {
                    "warmup": False,
                    "complete": True,
                    "error": "",
                    "until_known_s": 0.0,
                    "until_done_s": 1.4,
                }
            ],
        },
    ]
    results.scenarios += [CaseResult.from_dict(p) for p in probes]
    report = write_report(tmp_path / "report", results)
    text = report.read_text()
    for section in (
        "## Which to choose, for what",
        "## What the predictions assume",
        "## Summary",
        "## Scenarios",
        "## Two sources of timing",
        "## Resources",
        "## Configurations",
        "## Method and metric definitions",
        "## Environment",
    ):
        assert section in text
    for figure in ("wall_time.png", "latency_ecdf.png", "parallelism.png", "gantt.png"):
        assert (tmp_path / "report" / "figures" / figure).stat().st_size > 5000
        assert figure in text
    assert "scheduler.scheduler_idle_sleep_time = 0.05" in text  # tuned settings with reasons
    assert "| airflow | default | 0.20 | 250 | 2.50 | 2.50 (fanout:4:sleep:1 w=4) | 300 |" in text
    page = (tmp_path / "report" / "report.html").read_text()
    assert page.count("data:image/png;base64,") == 5 and "<table>" in page  # + overhead share
    json.dumps(results.to_dict())  # results stay serialisable


def test_results_schema_accepts_a_written_report_and_names_a_broken_field(tmp_path):
    import pytest

    from bench.compare import keep_events_beside
    from bench.kit.errors import BenchError
    from bench.results import load_results

    results = fake_results(tmp_path)
    results.run_folders = "x"
    results.dataset["files"] = {}
    results.provenance["orchestrators"] = {}
    for entry in results.movies.values():
        entry.runs = [{"ok": True, "reason": "", "warmup": False, "run_seconds": 5.0}]
    out = tmp_path / "out"
    out.mkdir()
    keep_events_beside(results, out)
    assert all(not (c.events or "/").startswith("/") for c in results.scenarios)
    (out / "results.json").write_text(json.dumps(results.to_dict()))
    loaded = load_results(out)
    assert loaded.profile == "quick" and loaded.to_dict() == results.to_dict()  # round trip
    results.scenarios[0].runs[1].pop("makespan_s")
    (out / "results.json").write_text(json.dumps(results.to_dict()))
    with pytest.raises(BenchError, match="scenarios/0/runs/1: 'makespan_s' is a required property"):
        load_results(out)


def test_scale_fits_the_per_task_cost_and_draws_it(tmp_path):
    from bench.report.figures import scale_figure, scale_fits

    results = fake_results(tmp_path)
    for n in (3, 9, 27):
        results.scenarios.append(
            fake_case(tmp_path, "luigi", "default", "scale", f"chain:{n}:noop", 4, 0.01, 0.02)
        )
    path = scale_figure(results.scenarios, tmp_path / "scale.png")
    assert path is not None and path.stat().st_size > 5000
    # each of the N − 1 edges of the chain waits 20 ms: overhead = −0.02 s + 0.02 s × N
    fit = scale_fits(results.scenarios)[("luigi/default", "chain")]
    assert fit.slope == pytest.approx(0.02) and fit.intercept == pytest.approx(-0.02)
    none = scale_figure(fake_results(tmp_path).scenarios, tmp_path / "none.png")
    assert none is None  # no scale cases, no figure


def fake_recovery(tmp_path, impl, fault):
    """A fan-out of 4 two-second tasks, 2 slots; the fault at 1.5 s kills the first two."""
    log = tmp_path / f"{impl}-recovery-{fault}.jsonl"
    submit, fault_ns = 1000 * S, 1000 * S + 3 * S // 2
    spans = [("t0000", 0.5, None, 1), ("t0001", 0.5, None, 2), ("t0002", 2.0, 4.0, 3)]
    spans += [("t0003", 2.0, 4.0, 4), ("t0000", 31, 33, 5), ("t0001", 31, 33, 6)]
    spans += [("join", 33.1, 33.2, 7)]
    events = []
    for task, start, end, pid in spans:
        events.append(
            {"task_id": task, "event": "start", "t_ns": submit + int(start * S), "pid": pid}
        )
        if end is not None:
            events.append(
                {"task_id": task, "event": "end", "t_ns": submit + int(end * S), "pid": pid}
            )
    for event in events:
        append_event(log, event)
    from bench.measure.metrics import recovery

    run = {"label": "run-1", "warmup": False, "complete": True, "error": "", "harness_retries": 3}
    run |= {"submit_ns": submit, "fault_ns": fault_ns, **recovery(events, submit, fault_ns)}
    if fault == "scheduler":  # what the UI's API showed after the restart
        run["ui_after"] = {"api": "GET /api/task_list", "tasks_done": 5, "run_done": None}
    return CaseResult.from_dict(
        {
            "impl": impl,
            "config": "default",
            "scenario": "recovery",
            "workload": "fanout:4:sleep:2",
            "slots": 2,
            "fault": fault,
            "settings": {"scheduler.worker_disconnect_delay": "30"},
            "events": str(log),
            "runs": [run],
        }
    )


def test_recovery_section_feature_table_and_timeline(tmp_path):
    from bench.compare import keep_events_beside

    results = fake_results(tmp_path)
    results.scenarios += [fake_recovery(tmp_path, "luigi", f) for f in ("worker", "scheduler")]
    (tmp_path / "report").mkdir()
    keep_events_beside(results, tmp_path / "report")
    text = write_report(tmp_path / "report", results).read_text()
    assert "`scheduler.worker_disconnect_delay = 30`" in text
    # 2 attempts killed 1 s into their run (2 task-s wasted), restarted 29.5 s after the
    # fault, done 31.7 s after it; the harness resubmitted 3 times
    row = "| luigi | worker SIGKILL | fanout:4:sleep:2 | 2 n=1 | 29.5 n=1 | 31.7 n=1 | 0 n=1"
    assert f"{row} | 2.00 n=1 | 3 n=1 | – |" in text
    assert "partly" not in text
    assert "yes: after a scheduler SIGKILL every run finished; 2 task(s) re-executed" in text
    assert "yes: after a scheduler SIGKILL and restart, the UI's API showed all 5 tasks" in text
    assert (tmp_path / "report" / "figures" / "recovery.png").stat().st_size > 5000


def test_two_runs_give_deltas_and_call_a_change_real_only_outside_the_noise(tmp_path):
    from bench.report.delta import delta_table

    def runs(seconds):
        return [
            {"ok": True, "warmup": False, "run_seconds": s, "startup_seconds": 1.0} for s in seconds
        ]

    before, after = fake_results(tmp_path), fake_results(tmp_path)
    before.movies["luigi/default"].runs = runs([5.0, 5.1, 4.9, 5.0, 5.05])
    after.movies["luigi/default"].runs = runs([4.0, 4.1, 3.9, 4.0, 4.05])  # 20 % faster
    before.movies["airflow/default"].runs = runs([5.0, 6.0, 4.0, 5.5, 4.5])
    after.movies["airflow/default"].runs = runs([4.8, 5.9, 4.2, 5.2, 4.4])  # noise
    table = delta_table(after, before)
    luigi = next(r for r in table.splitlines() if r.startswith("| luigi/default | movies"))
    assert luigi.endswith("| -20% | changed |"), luigi
    airflow = next(r for r in table.splitlines() if r.startswith("| airflow/default | movies"))
    assert airflow.endswith("| within noise (CIs overlap) |"), airflow
    assert "n=5" in luigi


def test_feature_verdicts_quote_what_the_probes_measured():
    from bench.report import features as ft

    def case(impl, scenario, slots=2, **run):
        return CaseResult(impl, "default", scenario, "movies", slots, runs=[run])

    results = Results(
        "t0", "t1", "quick", 1, {}, {}, {}, {}, run_folders="x",
        scenarios=[
            case("airflow", "schedule", started_runs=["scheduled__x"], error="",
                 seconds_to_own_run=0.5, seconds_to_done=16.3),
            case("luigi", "schedule", started_runs=[], error=""),
            case("luigi", "calendar", complete=True, dates=["a", "b", "c"], seconds=3.3,
                 versions=["v0001", "v0002", "v0003"], error=""),
            case("airflow", "deploy", error="", until_known_s=287.2, until_done_s=291.0),
            case("luigi", "deploy", error="", until_known_s=0.0, until_done_s=1.4),
            case("luigi", "scaleout", 4, warmup=False, complete=True, workers=4),
            case("airflow", "scaleout", 2, warmup=False, complete=True, workers=1),
        ],
    )  # fmt: skip
    assert ft.own_schedule(results, "airflow").startswith(
        "yes: started scheduled__x by itself 0.5 s"
    )
    assert ft.own_schedule(results, "luigi").startswith("no: services up for 150 s")
    assert ft.calendar(results, "luigi").endswith("published v0001 → v0002 → v0003")
    assert ft.calendar(results, "airflow") == ft.NOT_PROBED  # never filled in from the docs
    assert ft.calendar(results, "baseline") == "no: no backfill tool"
    assert ft.finds_new_pipelines(results, "airflow").startswith("yes: listed 287 s after")
    assert ft.finds_new_pipelines(results, "luigi").startswith("nothing to find")
    assert ft.runs_on_many_workers(results, "luigi").startswith(
        "yes: tasks started on up to 4 of 4 worker processes (on more than one in 1 of 1 runs)"
    )
    assert ft.runs_on_many_workers(results, "airflow").startswith("no: tasks started on up to 1")
    assert ft.runs_on_many_workers(results, "luigi").endswith("from this checkout")
    results.runtime = {"name": "docker"}
    assert ft.runs_on_many_workers(results, "luigi").endswith("mounted into it")
    results.runtime = {"name": "docker", "code": "copied into each image; no source mounted"}
    assert ft.runs_on_many_workers(results, "luigi").endswith("holds (no source mounted)")
    assert ft.runs_on_many_workers(results, "baseline").startswith("no: its adapter has no")
    results.runtime, results.scenarios = {"name": "local"}, []  # Celery needs containers
    assert ft.runs_on_many_workers(results, "airflow").startswith("in containers only (Celery")
    assert ft.runs_on_many_workers(results, "luigi") == ft.NOT_PROBED


def test_published_figures_each_name_their_source_and_setup():
    from bench.kit.manifest import implementations
    from bench.report.published import published

    figures = [f for impl in implementations() for f in published(impl)]
    assert figures
    for f in figures:
        assert f["url"].startswith("https://") and f["source"] and f["hardware"]
        assert f["version"] and f["workload"] and f["published"]
        assert f["total_s"] > 0 and f["steps"] > 0


def _ui_case(impl: str, views: list[dict]) -> CaseResult:
    runs = [{"warmup": False, "complete": True, "ui": v} for v in views]
    page = {"url": "http://127.0.0.1:1/", "status": 200, "bytes": 2048, "content_type": "text/html"}
    return CaseResult.from_dict(
        {
            "impl": impl,
            "config": "default",
            "scenario": "latency",
            "workload": "chain:3:noop",
            "slots": 4,
            "runs": runs,
            "dashboard": page,
        }
    )


def test_dashboard_and_logs_verdicts_come_from_what_the_ui_api_showed(tmp_path):
    from bench.report.features import dashboard, logs_in_ui

    def view(done: int, run_done, log_lines):
        return {
            "api": "GET /api/x",
            "run_state": "ok",
            "run_done": run_done,
            "task_states": {},
            "tasks_done": done,
            "log_lines": log_lines,
        }

    results = fake_results(tmp_path)
    results.scenarios = [
        _ui_case("airflow", [view(3, True, 11)] * 3),
        _ui_case("luigi", [view(3, None, None)] * 3),
        _ui_case("prefect", [view(3, True, 1), view(2, True, 0), view(3, True, 1)]),
    ]
    assert dashboard(results, "airflow").startswith(
        "yes: the run and all 3 tasks' states shown in 3 of 3"
    )
    assert "tasks only" in dashboard(results, "luigi") and dashboard(results, "luigi").startswith(
        "yes"
    )
    assert dashboard(results, "prefect").startswith(
        "partly: the run and all 3 tasks' states shown in 2 of 3"
    )
    assert logs_in_ui(results, "airflow") == "yes: a task's log in 3 of 3 runs, 11–11 lines"
    assert logs_in_ui(results, "luigi").startswith("no: the UI serves no task logs")
    assert logs_in_ui(results, "prefect").startswith("partly: a task's log in 2 of 3 runs")


def test_the_retries_verdict_counts_runs_that_finished_with_every_task_retried(tmp_path):
    from bench.report.features import retries

    def case(impl, runs):
        return CaseResult.from_dict(
            {
                "impl": impl,
                "config": "default",
                "scenario": "retries",
                "workload": "chain:3:flaky",
                "slots": 4,
                "runs": runs,
            }
        )

    done = {"warmup": False, "complete": True, "reexecuted_tasks": 3, "error": ""}
    failed = {"warmup": False, "complete": False, "error": "t0000 failed: first attempt"}
    results = fake_results(tmp_path)
    results.scenarios = [case("airflow", [done] * 3), case("luigi", [failed] * 3)]
    assert retries(results, "airflow").startswith("yes: all 3 tasks failed once and were retried")
    assert retries(results, "luigi") == (
        "no: finished in 0 of 3 runs; the run failed at the first failure (t0000 failed: first attempt)"
    )
    assert retries(results, "prefect") == "not probed in this run"


def test_the_dynamic_fanout_verdict_wants_exactly_the_count_the_source_asked_for(tmp_path):
    from bench.report.features import dynamic_fanout

    def case(impl, runs):
        return CaseResult.from_dict(
            {
                "impl": impl,
                "config": "default",
                "scenario": "dynamic",
                "workload": "map:4:noop",
                "slots": 4,
                "runs": runs,
            }
        )

    def run(asked, ran, complete=True):
        return {"warmup": False, "complete": complete, "mapped": asked, "mapped_ran": ran}

    results = fake_results(tmp_path)
    results.scenarios = [
        case("airflow", [run(5, 5), run(6, 6), run(7, 7)]),
        case("baseline", [run(5, 4, False), run(6, 4, False), run(7, 4, False)]),
    ]
    assert dynamic_fanout(results, "airflow").startswith(
        "yes: the source decided at run time how many tasks followed (5, 6, 7)"
    )
    assert dynamic_fanout(results, "baseline") == (
        "no: right in 0 of 3 runs; 4 ran where the source asked for 5"
    )


def test_every_scenario_a_profile_plans_is_one_the_results_schema_accepts():
    from bench.measure.plan import PROFILES
    from bench.results import SCHEMA

    schema = json.loads(SCHEMA.read_text())
    allowed = schema["properties"]["scenarios"]["items"]["properties"]["scenario"]["enum"]
    planned = {c.scenario for profile in PROFILES.values() for c in profile.cases}
    assert planned <= set(allowed), planned - set(allowed)


def test_the_rerun_verdict_reads_the_fan_out_kill_and_says_why_a_fault_was_not_measured(
    monkeypatch,
):
    from bench.report import features as ft

    def kill(impl, *finished_again):
        runs = [
            {"warmup": False, "complete": True, "error": "", "in_flight_at_fault": 2,
             "reexecuted_finished_tasks": n}
            for n in finished_again
        ]  # fmt: skip
        return CaseResult(
            impl, "default", "recovery", "fanout:4:sleep:2", 2, fault="worker", runs=runs
        )

    results = Results(
        "t0", "t1", "standard", 5, {}, {}, {}, {}, run_folders="x",
        scenarios=[kill("luigi", 0, 0, 0), kill("airflow", 0, 1, 0)],
    )  # fmt: skip
    assert ft.resumes_from_outputs(results, "luigi").startswith(
        "yes: worker SIGKILL mid fan-out (fanout:4:sleep:2), 2 task(s) in flight; "
        "no finished task started again in 3 of 3 repetitions"
    )
    assert ft.resumes_from_outputs(results, "airflow").startswith("partly:")
    assert ft.resumes_from_outputs(results, "prefect") == ft.NOT_PROBED  # listed, not run
    assert ft.history_survives(results, "prefect") == ft.NOT_PROBED  # listed, not run here
    monkeypatch.setattr(  # an implementation with services but only the worker fault
        ft, "_manifest", lambda impl: {"services": {"processes": ["x"]}, "faults": ["worker"]}
    )
    assert ft.history_survives(results, "newcomer") == (
        "not measured: its manifest lists no scheduler fault"
    )
    monkeypatch.undo()
    assert ft.history_survives(results, "baseline") == "no scheduler"
    assert ft.history_survives(results, "luigi") == ft.NOT_PROBED  # listed, not run here


def test_a_movie_pipeline_that_could_not_run_is_a_failed_row_not_a_silent_gap(tmp_path):
    from bench.results import load_results

    results = fake_results(tmp_path)
    reason = "timed out after 180 s waiting for the Airflow api-server (logs: /x)"
    results.scenarios.append(CaseResult("airflow", "tuned", "movies", "movies", 2, error=reason))
    out = tmp_path / "out"
    out.mkdir()
    report = write_report(out, results).read_text()
    assert "failed: timed out after 180 s waiting for the Airflow api-server" in report
    results.run_folders = "x"
    results.dataset["files"] = {}
    results.provenance["orchestrators"] = {}
    for entry in results.movies.values():
        entry.runs = [{"ok": True, "reason": "", "warmup": False, "run_seconds": 5.0}]
        entry.events = ""
    for case in results.scenarios:
        case.events = None
    (out / "results.json").write_text(json.dumps(results.to_dict()))
    assert load_results(out).scenarios[-1].error == reason  # the schema accepts it


def test_a_compare_fails_naming_each_case_that_never_completed_a_run(tmp_path):
    """Every run of a timing case failed (not a finding, a failure): the compare says so
    by name, as for a case that could not start; a recovery that did not finish is a
    verdict in the report, not a failure of the compare."""
    results = fake_results(tmp_path)
    assert results.failures() == []
    dead = [{"warmup": False, "complete": False, "error": "runner:\n PermissionError"}] * 2
    results.scenarios += [
        CaseResult("prefect", "default", "latency", "chain:5:noop", 2, runs=dead),
        CaseResult("prefect", "default", "recovery", "fanout:3:sleep:1", 2, dead, fault="worker"),
        CaseResult("prefect", "tuned", "cpu", "fanout:4:cpu:500", 4, error="stack did not start"),
    ]
    results.movies["luigi/default"].runs_failed = 1
    assert results.failures() == [
        "prefect/tuned cpu fanout:4:cpu:500 at 4 slots: stack did not start",
        "prefect/default latency chain:5:noop at 2 slots: no run completed (runner: PermissionError)",
        "luigi/default movies: 1 run(s) failed",
    ]


def test_the_summary_leaves_out_a_column_no_row_measured():
    """A profile without the chain or the fan-out (scaleout) had headline columns of "–"
    headed "at 0 slots"; the movie pipeline's columns stay even when empty."""
    from bench.report.markdown import measured_columns
    from bench.report.summary import ALWAYS_SHOWN

    header = ["impl", "config", "start-up s", "movies s", "trigger s", "efficiency at 0 slots"]
    rows = [["a", "default", "–", "2.5 n=3", "0.4 n=5", "–"], ["b", "default", "–", "3", "–", "–"]]
    kept, cells = measured_columns(header, rows, ALWAYS_SHOWN)
    assert kept == header[:5] and cells == [row[:5] for row in rows]


def test_a_claim_not_probed_is_not_read_as_no(tmp_path):
    """The decision's capability lines: "not probed in this run" starts with "no", and a
    profile without the probes (scaleout) listed every implementation under "no"."""
    from bench.report.decision import _verdicts

    results = fake_results(tmp_path)
    impls = results.case_impls
    said = {impls[0]: "yes: it did", impls[1]: "no: no scheduler"}
    out = _verdicts(results, lambda _r, impl: said.get(impl, "not probed in this run"))
    assert out["yes"] == [impls[0]] and out["no"] == [impls[1]]
    assert out["not probed"] == impls[2:]


def test_the_engine_column_appears_only_where_a_container_engine_worked(tmp_path):
    """Locally no run has an engine: no empty column. In containers, the engine's CPU per
    run is shown, not hidden in "other programs"."""
    from bench.report import resources
    from bench.report.context import ReportContext

    results = fake_results(tmp_path)
    assert "engine CPU-s" not in resources.section(ReportContext(results, tmp_path))
    for case in results.scenarios:
        for run in case.runs:
            run["resources"] = run["resources"] | {"engine_cpu_seconds": 0.4}
    md = resources.section(ReportContext(results, tmp_path))
    assert "| engine CPU-s per run |" in md and "0.4" in md.split("engine CPU-s per run |")[-1]


def test_every_config_of_one_implementation_gets_its_own_line_style():
    """One colour per implementation, so its configs must differ by line: a third config
    (e.g. one running tasks in processes) drawn like the tuned one could not be told apart."""
    styles = [line_style(k) for k in ("x/default", "x/tuned", "x/processes", "x")]
    assert len(set(styles[:3])) == 3
    assert styles[3] == styles[0]
