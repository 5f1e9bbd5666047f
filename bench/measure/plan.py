"""The plan: which cases a profile measures (`quick`, `standard`, `full`).

A case is one scenario on one workload at one slot count (or one fault, or one probe); the
compare runs each applicable case for every implementation × config (bench.compare decides
what applies from the manifests).
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Case:
    scenario: str
    workload: str
    slots: int
    fault: str = ""  # recovery cases: worker | scheduler | restart (bench.measure.recovery)
    repeat: int = 0  # measured runs (load: batches); 0: the profile's
    batch: int = 0  # load: runs submitted at once (bench.measure.load)
    rates: tuple[float, ...] = ()  # load: open-loop steps, × the batch's runs/s (a sweep)


@dataclass(frozen=True)
class Profile:
    """`repeat` measured runs per case (a case's own `repeat` wins); the headline
    scenarios (latency, parallelism, cpu) go on, up to `max_repeat`, while the 95 % CI of
    their key figure is wider than ±`precision` of its median."""

    name: str
    repeat: int
    cases: tuple[Case, ...]
    max_repeat: int = 0  # 0: exactly `repeat`
    precision: float = 0.10
    movies_repeat: int = 0  # measured runs of the movie pipeline (on one stack); 0: `repeat`
    warmup: bool = True  # a discarded first run on every stack
    # the scenarios measured on configs other than the default (None: every one that
    # applies); the movie pipeline runs on every config
    other_configs: tuple[str, ...] | None = None

    @property
    def movie_runs(self) -> int:
        return self.movies_repeat or self.repeat


HEADLINE = ("latency", "parallelism", "cpu")


PROBES = (  # bench.measure.probes.calendar, bench.measure.probes.deploy: claims of the feature table
    Case("schedule", "movies", 2),  # does it start runs by itself
    Case("calendar", "movies", 2),  # backfill three days
    Case("deploy", "new_pipeline", 2),  # does it find a pipeline deployed while it runs
)
# the retries probe: every task of a chain fails its first attempt; does the orchestrator
# retry it by itself? (on the latency case's stack; n = its runs)
RETRIES = Case("retries", "chain:3:flaky", 4, repeat=3)
# dynamic fan-out: a source task decides at run time how many tasks follow (a different
# count every run); does the orchestrator run exactly those? (the latency stack; n = runs)
DYNAMIC = Case("dynamic", "map:4:noop", 4, repeat=3)
RECOVERY = (  # bench.measure.recovery: each fault mid-fan-out, and the movie pipeline's worker killed
    *(
        Case("recovery", "fanout:8:sleep:2", 4, fault)
        for fault in ("worker", "scheduler", "restart", "database")
    ),
    Case("recovery", "movies", 2, "worker"),
)


# many pipelines in one stack (bench.measure.probes.catalogue): one stack per count
CATALOGUE = tuple(Case("catalogue", f"pipelines:{n}", 2) for n in (10, 100, 1000))

# a load sweep's open-loop steps, × the runs/s of the batch before them: from half of the
# closed-loop throughput up to twice it, stopping at the first step the stack falls behind
SWEEP = (0.5, 0.8, 1.0, 1.25, 1.6, 2.0)


def _load(
    workload: str, batches: tuple[int, ...], slots: int, repeat: int, sweep: int
) -> tuple[Case, ...]:
    """Batches of runs submitted at once, one case per batch size; the batch of `sweep`
    runs is followed by the open-loop steps (bench.measure.load)."""
    return tuple(
        Case("load", workload, slots, repeat=repeat, batch=b, rates=SWEEP if b == sweep else ())
        for b in batches
    )


def _scaleout(workload: str, containers: tuple[int, ...], repeat: int = 0) -> tuple[Case, ...]:
    """A fan-out over K workers (containers under --runtime docker) of one task each."""
    return tuple(Case("scaleout", workload, k, repeat=repeat) for k in containers)


def _scale(
    sizes: tuple[int, ...], repeat: int, shapes: tuple[str, ...] = ("chain", "fanout")
) -> tuple[Case, ...]:
    """Chains and fan-outs of no-op tasks of growing size, at 4 slots."""
    return tuple(
        Case("scale", f"{shape}:{n}:noop", 4, repeat=repeat) for shape in shapes for n in sizes
    )


def _cases(
    recovery: tuple[Case, ...],
    latency: str,
    fanout: str,
    slots: tuple[int, ...],
    cpu: str,
    cpu_slots: tuple[int, ...],
    probes: tuple[Case, ...] = PROBES,
) -> tuple[Case, ...]:
    cases = [Case("latency", latency, 2), replace(RETRIES, slots=2), replace(DYNAMIC, slots=2)]
    cases += [Case("parallelism", fanout, w) for w in slots]
    cases += [Case("cpu", cpu, w) for w in cpu_slots]
    scaleout = _scaleout(fanout, (1, 2, 4))
    return (*cases, *recovery, *probes, *scaleout)


def _repeated(cases: tuple[Case, ...], repeat: int) -> tuple[Case, ...]:
    return tuple(replace(c, repeat=repeat) for c in cases)


PROFILES = {
    # quick is CI's smoke test: every code path on every orchestrator, small shapes (the
    # CPU-bound cases run the same path as parallelism; standard and full measure them);
    # a tuned config differs from its default in settings only, so quick runs its movie
    # pipeline (the settings applied, the results identical) and no workload: with five
    # implementations the tuned configs' workloads took 70 s of its 10 minutes
    "quick": Profile(
        "quick",
        1,
        (
            # a chain of 5 (4 hand-overs): a default config that starts an interpreter per
            # task (~2.5 s each) took over a minute of the budget with a chain of 10
            Case("latency", "chain:5:noop", 2),
            Case("parallelism", "fanout:2:sleep:1", 2),  # on the latency case's stack
            replace(RETRIES, workload="chain:2:flaky", slots=2, repeat=1),
            replace(DYNAMIC, workload="map:2:noop", slots=2, repeat=1),
            # a batch of one run, then one open-loop step of two arriving at twice its
            # rate (the two overlap: runs in flight at once told apart)
            Case("load", "fanout:2:noop", 2, repeat=1, batch=1, rates=(2.0,)),
            # three 1-s tasks at 2 slots: the worker killed in the second wave, two done
            Case("recovery", "fanout:3:sleep:1", 2, "worker"),
            # K = 2 only (full: 1, 2, 4): the path is the same, and every implementation
            # that scales out pays a stack per K (a Celery task takes ~5 s)
            *_scaleout("fanout:2:sleep:1", (2,)),
        ),
        warmup=False,  # its one run of everything meets cold caches (a smoke test)
        other_configs=(),
    ),
    # standard (all four implementations on 2 cores, ≤ 30 min): n = 5 for every workload
    # case, all of them on one stack per config at 4 slots (a chain does not care, the CPU
    # fan-out of 4 meets the 2-core ceiling; it runs where a config decides how tasks
    # run, bench.compare.cases_for); recovery is the worker kill (4 repetitions) then the
    # scheduler crash (3), on one stack; the scale fit on fan-outs of 10
    # and 30; the movie pipeline runs first on the workload stack. Moved to full: 1, 2 and 8 slots,
    # more runs while a CI is wide, the restart fault and the movie pipeline's worker
    # kill, the deploy
    # probe (a dag-processor may look for new files only every 300 s by default), chains in
    # the scale fit, N ≥ 100.
    "standard": Profile(
        "standard",
        5,
        (
            Case("latency", "chain:10:noop", 4),
            Case("parallelism", "fanout:8:sleep:0.5", 4),
            Case("cpu", "fanout:4:cpu:500", 4),
            RETRIES,
            DYNAMIC,
            *_scale((10, 30), repeat=2, shapes=("fanout",)),
            # 4, not 5: a fourth implementation's worker fault (2026-12-05) adds ~2.5 min to
            # a profile that took 29; one repetition fewer of each worker kill pays for most
            Case("recovery", "fanout:4:sleep:2", 2, "worker", repeat=4),
            # the feature table's run-history and rework rows (n = 3, on one stack)
            Case("recovery", "fanout:4:sleep:2", 2, "scheduler", repeat=3),
            *PROBES[:2],
            # only where they apply: the database outage where a variant has a database
            # server to stop; the worker fleet where a manifest claims scale-out (in
            # containers only where it lists it under containers_only)
            Case("recovery", "fanout:4:sleep:2", 2, "database", repeat=5),
            # K = 4 only (full: 1, 2, 4): a third implementation's fleet (of Dask
            # workers, 2026-12-05) would cost ~2.5 min at K = 2 and 4 in a profile that took
            # 27.5; the verdict reads the widest fleet
            *_scaleout("fanout:8:sleep:0.5", (4,), repeat=3),
        ),
        movies_repeat=3,
    ),
    # full adds 1, 2 and 8 slots, scale up to N = 1,000, more repetitions, every fault, the
    # deploy probe, the load sweeps and the catalogue of 10, 100 and 1,000 pipelines: hours on
    # 2 cores (a compare resumes where it stopped, case by case). The scale fit takes its
    # interval from every size's runs, so each size runs 3 times and the fan-out of 1,000
    # once: it takes ~32 minutes a run on the slowest default config (1.9 s a task; 1.2 s a
    # task at N = 100, so the cost per task grows with N; 2026-12-07). No chain of 1,000: a
    # chain costs its hand-over × N, which the chains of 10 and 100 and the latency case
    # measure, and the slowest configs hand over in ~1 s (17 minutes a run)
    "full": Profile(
        "full",
        5,
        _cases(
            _repeated(RECOVERY, 5),
            "chain:20:noop",
            "fanout:16:sleep:1",
            (1, 2, 4, 8),
            "fanout:8:cpu:1000",
            (1, 2, 4),
        )
        + _scale((10, 100), repeat=3)
        + (Case("scale", "fanout:1000:noop", 4, repeat=1),)
        + _load("fanout:4:sleep:0.2", (4, 16, 64), 4, repeat=3, sweep=16)
        + CATALOGUE,
        max_repeat=12,
    ),
    # what a distributed topology changes, for --runtime docker (where every service and
    # worker is a container): the scale-out fleet over 1, 2 and 4 workers, runs under load
    # and the catalogue of 10, 100 and 1,000 pipelines, on the default configs (the others
    # run their movie pipeline, so every result is still checked against the baseline's).
    # Batches of 4 and 16 runs, not 64: a config that starts a process per task drains
    # ~0.1 runs/s (11 minutes a batch of 64). About 2 hours on 2 cores (estimated from the
    # local runs of these cases).
    "scaleout": Profile(
        "scaleout",
        3,
        (
            *_scaleout("fanout:16:sleep:1", (1, 2, 4)),
            *_load("fanout:4:sleep:0.2", (4, 16), 4, repeat=3, sweep=16),
            *CATALOGUE,
        ),
        other_configs=(),
    ),
}
