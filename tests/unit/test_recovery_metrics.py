"""Recovery metrics against hand-made event logs: a fault at t=10 s kills some attempts."""

from __future__ import annotations

import itertools

import pytest

from bench.compare import case_slug, cases_for
from bench.measure import metrics as m
from bench.measure.plan import PROFILES, Case
from bench.results import CaseResult

S = 1_000_000_000


def ev(task, event, t_s, pid):
    return {"task_id": task, "event": event, "t_ns": int(t_s * S), "pid": pid}


def test_killed_attempts_are_wasted_up_to_the_fault_and_rerun_once():
    events = [
        ev("a", "start", 2, 1), ev("a", "end", 5, 1),  # done before the fault: kept
        ev("b", "start", 7, 2),  # killed at 10: 3 s lost
        ev("c", "start", 8, 3),  # killed at 10: 2 s lost
        ev("b", "start", 40, 4), ev("b", "end", 43, 4),
        ev("c", "start", 41, 5), ev("c", "end", 44, 5),
    ]  # fmt: skip
    r = m.recovery(events, submit_ns=1 * S, fault_ns=10 * S)
    assert r["in_flight_at_fault"] == 2 and r["killed_attempts"] == 2
    assert r["detection_latency_s"] == pytest.approx(30.0)  # b restarted at 40
    assert r["reexecuted_tasks"] == 2 and r["completed_twice"] == 0
    assert r["reexecuted_finished_tasks"] == 0
    assert r["wasted_task_s"] == pytest.approx(5.0)
    assert r["time_to_completion_s"] == pytest.approx(43.0)
    assert r["recovery_s"] == pytest.approx(34.0)
    assert r["resumed_after_s"] == pytest.approx(30.0)


def test_work_that_finished_but_was_redone_counts_whole_and_as_a_duplicate():
    # Airflow after a scheduler crash: the task finished, nobody recorded it, it ran again
    events = [
        ev("a", "start", 8, 1),
        ev("a", "end", 12, 1),
        ev("a", "start", 50, 2),
        ev("a", "end", 54, 2),
    ]
    r = m.recovery(events, submit_ns=0, fault_ns=10 * S)
    assert r["in_flight_at_fault"] == 1  # it was running when the scheduler died
    assert r["killed_attempts"] == 0  # and it was not killed: it finished at 12
    assert r["reexecuted_finished_tasks"] == 1 and r["detection_latency_s"] == pytest.approx(40)
    assert r["completed_twice"] == 1 and r["reexecuted_tasks"] == 1
    assert r["wasted_task_s"] == pytest.approx(4.0)


def test_attempts_pair_by_process_even_when_interleaved():
    events = [ev("a", "start", 1, 1), ev("a", "start", 2, 2), ev("a", "end", 3, 2)]
    assert m.attempt_spans(events) == {"a": [[1 * S, None], [2 * S, 3 * S]]}


def test_a_run_that_never_finished_has_no_completion_time():
    r = m.recovery([ev("a", "start", 8, 1)], submit_ns=0, fault_ns=10 * S)
    assert r["time_to_completion_s"] is None and r["recovery_s"] is None
    assert r["wasted_task_s"] == pytest.approx(2.0)


def test_recovery_runs_on_default_configs_and_only_for_listed_faults():
    full = PROFILES["full"]
    faults = lambda impl, config: {c.fault for c in cases_for(impl, config, full) if c.fault}  # noqa: E731
    assert faults("airflow", "default") == {"worker", "scheduler", "restart"}
    assert faults("baseline", "default") == {"worker"}  # no scheduler to kill
    assert faults("airflow", "tuned") == set()
    standard_p = PROFILES["standard"]
    standard = [c for c in standard_p.cases if c.scenario == "recovery"]
    assert {c.fault for c in standard} == {"worker", "scheduler", "database"}
    assert all(c.repeat >= (3 if c.fault == "scheduler" else 4) for c in standard)
    # the database outage only where there is a database server to stop
    local = {c.fault for c in cases_for("airflow", "default", PROFILES["standard"]) if c.fault}
    assert local == {"worker", "scheduler"}
    server = cases_for("airflow", "default", PROFILES["standard"], "postgres")
    assert {c.fault for c in server if c.fault} == {"worker", "scheduler", "database"}
    assert "scheduler" not in {c.fault for c in cases_for("baseline", "default", standard_p)}


def test_scale_out_where_claimed_and_in_containers_where_it_needs_them():
    from bench.kit.runtimes import use_runtime

    def scaleout(impl: str) -> list[int]:
        cases = cases_for(impl, "default", PROFILES["standard"])
        return [c.slots for c in cases if c.scenario == "scaleout"]

    assert scaleout("airflow") == []  # Celery's broker and database: containers only
    assert scaleout("luigi") == [4]  # worker processes against the local luigid
    assert scaleout("prefect") == [4]  # Dask workers, processes here
    assert scaleout("baseline") == []  # no scale-out claimed
    with use_runtime("docker"):
        assert scaleout("airflow") == scaleout("luigi") == scaleout("prefect") == [4]
        assert scaleout("baseline") == []


def test_case_names_are_unique_within_every_profile():
    for profile in PROFILES.values():
        slugs = [case_slug(CaseResult("x", "y", **vars(c))) for c in profile.cases]
        assert len(slugs) == len(set(slugs)), profile.name
    case = CaseResult("luigi", "default", **vars(Case("recovery", "movies", 2, "worker")))
    assert case_slug(case) == "recovery-worker-luigi-default-w2-movies"


def test_calendar_probes_only_where_the_manifest_claims_them():
    standard = PROFILES["standard"]

    def probed(impl: str, config: str, scenario: str = "calendar") -> bool:
        return any(c.scenario == scenario for c in cases_for(impl, config, standard))

    assert probed("airflow", "default") and probed("luigi", "default")
    assert not probed("baseline", "default") and not probed("luigi", "tuned")
    # starts runs by itself: asked of what claims calendar scheduling
    assert probed("airflow", "default", "schedule") and probed("prefect", "default", "schedule")
    assert not probed("luigi", "default", "schedule")


def test_cpu_bound_case_where_the_config_decides_how_tasks_run():
    def cpu(impl: str, config: str) -> bool:
        return any(c.scenario == "cpu" for c in cases_for(impl, config, PROFILES["standard"]))

    assert cpu("airflow", "default") and cpu("baseline", "default")
    assert cpu("baseline", "processes")  # an execution model of its own
    assert not cpu("airflow", "tuned") and not cpu("prefect", "tuned")  # polling only


def test_quick_measures_workloads_on_default_configs_only():
    """A tuned config differs in settings only: quick runs its movie pipeline (the compare
    does that for every config) and none of its workloads; standard measures them."""
    quick, standard = PROFILES["quick"], PROFILES["standard"]
    assert not cases_for("airflow", "tuned", quick) and not cases_for(
        "baseline", "processes", quick
    )
    scenarios = {c.scenario for c in cases_for("airflow", "default", quick)}
    assert {"latency", "parallelism", "load", "retries", "dynamic"} <= scenarios
    assert {c.scenario for c in cases_for("airflow", "tuned", standard)} >= {"latency"}


def test_cases_interleave_implementations_in_a_seeded_order():
    from bench.compare import planned_order

    pairs = [("airflow", "default"), ("luigi", "default"), ("baseline", "default")]
    order = planned_order(pairs, PROFILES["full"], {}, seed=1)
    assert order == planned_order(pairs, PROFILES["full"], {}, seed=1)  # reproducible
    assert all(p.movies for p in order[:3]) and not any(p.movies for p in order[3:])
    # the movie pipeline goes first on a workload stack of its pair, from 2 slots up
    assert all(p.cases and min(c.slots for c in p.cases) == 2 for p in order[:3])
    impls = [p.impl for p in order[3:]]
    runs = sum(1 for a, b in itertools.pairwise(impls) if a != b)
    assert runs > len(impls) // 3  # not grouped: the implementation changes often


def test_workload_cases_of_one_slot_count_share_a_stack():
    from bench.compare import SHARED, stacks_of

    cases = cases_for("airflow", "default", PROFILES["standard"])
    stacks = stacks_of(cases)
    assert sorted(map(str, (c for s in stacks for c in s))) == sorted(map(str, cases))
    for stack in stacks:
        if stack[0].scenario in SHARED:
            assert len({c.slots for c in stack}) == 1
        elif stack[0].scenario == "recovery" and stack[0].fault in ("worker", "scheduler"):
            # faults that leave the services whole: one stack, the worker kill first
            assert [c.fault for c in stack] == ["worker", "scheduler"]
            assert len({(c.workload, c.slots) for c in stack}) == 1
        else:
            assert len(stack) == 1  # the database outage and the probes start their own
    shared = [s for s in stacks if s[0].scenario in SHARED]
    assert len(shared) == len({c.slots for s in shared for c in s})  # one stack per slot count


def test_headline_cases_repeat_until_their_interval_is_tight():
    from bench.measure.scenarios import precise

    def runs(*p50s):
        return [{"warmup": True, "complete": True, "inter_task_latency_s": {"p50": 9.0}}] + [
            {"warmup": False, "complete": True, "inter_task_latency_s": {"p50": v}} for v in p50s
        ]

    assert not precise("latency", runs(1.0), 0.10)  # one run has no interval
    assert precise("latency", runs(1.0, 1.01, 0.99, 1.0, 1.02), 0.10)
    assert not precise("latency", runs(1.0, 2.0, 0.5, 1.5, 3.0), 0.10)  # go on measuring
    standard, full = PROFILES["standard"], PROFILES["full"]
    assert standard.repeat >= 5 and full.max_repeat > full.repeat
    recovery = [c for c in standard.cases if c.scenario == "recovery"]  # the feature probe: 3
    assert recovery and all(c.repeat >= (3 if c.fault == "scheduler" else 4) for c in recovery)


def test_start_up_counts_every_stack_once():
    from bench.compare import stack_startups

    def case(scenario, workload, slots, startup, impl="airflow", fault=""):
        return CaseResult(
            impl, "default", scenario, workload, slots, fault=fault, startup_s=startup
        )

    cases = [
        case("latency", "chain:10:noop", 4, 15.0),  # one shared stack, three cases
        case("parallelism", "fanout:8:sleep:0.5", 4, 15.0),
        case("scale", "fanout:10:noop", 4, 15.0),
        case("recovery", "fanout:4:sleep:2", 2, 17.0, fault="worker"),  # one stack, two faults
        case("recovery", "fanout:4:sleep:2", 2, 17.0, fault="scheduler"),
        case("recovery", "fanout:4:sleep:2", 2, 18.0, fault="database"),  # a stack of its own
        case("schedule", "movies", 2, 16.0),
        case("latency", "chain:10:noop", 4, 3.0, impl="luigi"),
    ]
    assert stack_startups(cases, "airflow/default") == [15.0, 17.0, 18.0, 16.0]


def test_standard_workload_cases_share_one_stack():
    from bench.compare import SHARED

    shared = [c for c in PROFILES["standard"].cases if c.scenario in SHARED]
    assert len({c.slots for c in shared}) == 1 and len(shared) >= 4
