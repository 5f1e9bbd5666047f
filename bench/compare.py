"""`bench compare`: every implementation × config, on the movie pipeline and on the
scheduling scenarios, measured, checked, and written up.

    plan (bench.measure.plan)  →  for each implementation × config:
        movies   (bench.measure.movies)     the real pipeline, results fingerprinted
        cases    (bench.measure.scenarios, .recovery, .probes)   one CaseResult each
    →  Results (bench.results)  →  results.json + event logs  →  report (bench.report)

Warm-up runs are discarded; figures are medians with interquartile ranges over `repeat`
measured runs. A case that fails is recorded with its reason and the rest carry on. Every
finished piece is saved to `progress.json`, so rerunning with the same `--out` resumes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bench.kit.errors import BenchError
from bench.kit.home import REPO
from bench.kit.locks import only_writer
from bench.kit.manifest import containers_only, load_manifest, reference_implementation
from bench.kit.runtimes import describe as describe_runtime
from bench.kit.runtimes import selected as selected_runtime
from bench.measure.calibrate import calibration_record
from bench.measure.movies import MovieRuns, check_against_reference, measure_movies
from bench.measure.plan import HEADLINE, PROFILES, Case, Profile
from bench.measure.probes.calendar import measure_calendar, measure_schedule
from bench.measure.probes.catalogue import (
    catalogue_size,
    keeps_a_catalogue,
    measure_catalogue,
)
from bench.measure.probes.deploy import measure_deploy
from bench.measure.provenance import provenance
from bench.measure.recovery import measure_faults, shares_a_stack, supports
from bench.measure.runs import DEFAULT_DATASET, new_run_dir
from bench.measure.scenarios import Measurement, measure_cases
from bench.measure.stats import estimate, format_estimate, median_iqr
from bench.report import write_report
from bench.report.headline import Headline, headline_numbers
from bench.results import CaseResult, MovieSeries, Results
from bench.scaffold import ready
from datasets.registry import DatasetSpec
from datasets.registry import load_manifest as dataset_manifest
from pipelines.core.io import read_json, write_json


@dataclass
class Job:
    """One case to measure on one implementation × config, with everything it needs."""

    impl: str
    config: str
    case: Case
    folder: Path
    dataset: DatasetSpec
    variant: str | None
    repeat: int
    reference: dict[str, str] | None  # the clean run's fingerprint, for recovery's outputs
    on_phase: Callable[[str], None]
    max_repeat: int = 0  # headline cases: more runs, up to this, until the CI is tight
    precision: float = 0.10
    warmup: bool = True  # a discarded first run


def _probe(measure) -> Callable[[Job], CaseResult]:
    return lambda job: measure(
        job.impl, job.config, job.folder, job.dataset, job.variant, on_phase=job.on_phase
    )


MEASURE: dict[str, Callable[[Job], CaseResult]] = {
    "calendar": _probe(measure_calendar),
    "schedule": _probe(measure_schedule),
    "deploy": _probe(measure_deploy),
    "catalogue": lambda job: measure_catalogue(
        job.impl,
        job.config,
        job.folder,
        job.dataset,
        job.variant,
        on_phase=job.on_phase,
        count=catalogue_size(job.case.workload),
    ),
}


# workload scenarios that share a stack (the probes among them: retries, dynamic; and a
# load batch, once the stack is idle)
SHARED = ("latency", "parallelism", "cpu", "scale", "retries", "dynamic", "load")


def measure(
    jobs: list[Job],
    movies: MovieRuns | None = None,
    on_case: Callable[[CaseResult], None] = lambda _: None,
) -> list[CaseResult]:
    """The cases' measurer: a probe (one job), fault cases on one stack (bench.measure.
    recovery), or timed workloads of one slot count on one shared stack (bench.measure.
    scenarios, which hands each case to `on_case` as soon as it is measured), after the
    movie pipeline's runs when `movies` is given."""
    first = jobs[0]
    if first.case.scenario == "recovery":  # one fault case, or faults sharing one stack
        return measure_faults(
            first.impl, first.config, [(j.case, j.folder) for j in jobs], first.dataset,
            first.reference, variant=first.variant, on_phase=first.on_phase,
            repeat=first.repeat, warmup=first.warmup,
        )  # fmt: skip
    if first.case.scenario in MEASURE:
        return [MEASURE[first.case.scenario](first)]
    measurements = [
        Measurement(
            job.case,
            job.folder,
            job.case.repeat or job.repeat,
            job.max_repeat if job.case.scenario in HEADLINE and not job.case.repeat else 0,
            job.warmup,
        )
        for job in jobs
    ]
    stack = first.folder.parent if first.case.scenario in SHARED else first.folder
    shutil.rmtree(stack / f"_{first.impl}", ignore_errors=True)  # a half-measured stack's state
    return measure_cases(
        first.impl,
        first.config,
        measurements,
        stack,
        variant=first.variant,
        on_phase=first.on_phase,
        precision=first.precision,
        opener=movies,
        on_case=on_case,
    )


def stack_slug(impl: str, config: str, slots: int) -> str:
    """The folder of a stack shared by the workload cases of one slot count."""
    return f"stack-{impl}-{config}-w{slots}"


@dataclass
class State:
    """What a compare has measured so far; saved after every piece (`progress.json`)."""

    plan: dict
    runs_dir: str
    movies: dict[str, MovieSeries] = field(default_factory=dict)
    fingerprints: dict[str, dict[str, str]] = field(default_factory=dict)
    scenarios: list[CaseResult] = field(default_factory=list)
    calibration: dict | None = None
    # each time the compare was started or resumed: when, at which commit, what it found
    sittings: list[dict] = field(default_factory=list)

    @classmethod
    def resume(cls, path: Path, plan: dict, label: str) -> State:
        saved = read_json(path) if path.exists() else {}
        if saved.get("plan") != plan:
            return cls(plan, str(new_run_dir(label)))
        return cls(
            plan,
            saved["runs_dir"],
            {k: MovieSeries.from_dict(v) for k, v in saved["movies"].items()},
            saved["fingerprints"],
            [CaseResult.from_dict(c) for c in saved["scenarios"]],
            saved.get("calibration"),
            saved.get("sittings", []),
        )

    def save(self, path: Path) -> None:
        write_json(
            {
                "plan": self.plan,
                "runs_dir": self.runs_dir,
                "movies": {k: m.to_dict() for k, m in self.movies.items()},
                "fingerprints": self.fingerprints,
                "scenarios": [c.to_dict() for c in self.scenarios],
                "calibration": self.calibration,
                "sittings": self.sittings,
            },
            path,
        )
        copy_events_beside(self.movies.values(), self.scenarios, path.parent)

    @property
    def pieces(self) -> int:
        return len(self.movies) + len(self.scenarios)


def compare_implementations(
    console: Console,
    impls: list[str],
    configs: list[str],
    profile_name: str,
    dataset: DatasetSpec | None,
    out: Path | None,
    variants: dict[str, str] | None = None,
) -> bool:
    """Measure, write results.json and the report into `out`; True if every result equals
    the reference's and no case failed. `variants` picks an implementation's variant."""
    variants = variants or {}
    dataset = dataset or DEFAULT_DATASET
    for impl in impls:
        ready(impl)  # before anything is started or timed
    profile = PROFILES[profile_name]
    started = dt.datetime.now(dt.UTC)
    measured_code = provenance(impls)  # at the start: a commit made during a run is not it
    pairs = [(impl, config) for impl in impls for config in configs_of(impl, configs, profile_name)]
    if not pairs:
        raise BenchError(f"none of {', '.join(impls)} has config(s) {', '.join(configs)}")
    plan = {
        "profile": profile_name,
        # what the profile measures: a progress file of an edited profile is not resumed
        "cases": hashlib.sha256(repr(profile).encode()).hexdigest()[:12],
        "dataset": dataset.name,
        "pairs": [list(p) for p in pairs],
        "variants": variants,
        "runtime": selected_runtime(),
        "order_seed": ORDER_SEED,
    }
    report_dir = (out or _unfinished(plan) or _new_report_dir(started)).resolve()
    with only_writer(report_dir):
        progress_file = report_dir / "progress.json"
        state = State.resume(progress_file, plan, f"compare-{profile_name}")
        console.print(
            f"results go to {report_dir}; if interrupted, the same command resumes there"
            + ("" if out else f" (or add --out {report_dir})")
        )
        if state.pieces:
            console.print(f"resuming from {progress_file}: {state.pieces} pieces already measured")
        state.sittings.append(_sitting(started, measured_code, state.pieces))
        if state.calibration is None:  # the measuring path proven first, on this machine, now
            state.calibration = calibration_record()
            state.save(progress_file)
        if not all(c["ok"] for c in state.calibration["checks"]):
            console.print("[red]bench calibrate failed[/]: the report will say so")
        try:
            _measure_all(console, state, pairs, profile, dataset, variants, progress_file)
        except (KeyboardInterrupt, SystemExit):
            console.print(
                f"{state.pieces} pieces are saved in {progress_file}; run the same command "
                f"again (or with --out {report_dir}) to go on from there"
            )
            raise
        results = _assemble(state, impls, profile, dataset, variants, measured_code)
        keep_events_beside(results, report_dir)
        write_json(results.to_dict(), report_dir / "results.json")
        progress_file.unlink()
        report = write_report(report_dir, results)
    _print_summary(console, results)
    console.print(f"report: {report}")
    failed = results.failures()
    for line in failed:
        console.print(f"[red]failed[/]: {escape(line)}", highlight=False)
    return not failed


REPORTS = REPO / "reports"


def _sitting(started: dt.datetime, code: dict, pieces: int) -> dict:
    """One start or resumption of a compare: a full profile takes several sittings, and its
    pieces may come from different commits and machine states (load average at start)."""
    return {
        "started_at": started.isoformat(timespec="seconds"),
        "git_sha": code["git_sha"],
        "git_dirty": code["git_dirty"],
        "load_average_at_start": code["machine"]["load_average_at_start"],
        "pieces_before": pieces,
    }


def _new_report_dir(started: dt.datetime) -> Path:
    return REPORTS / started.strftime("%Y%m%d-%H%M%S")


def _unfinished(plan: dict) -> Path | None:
    """The newest report folder holding an interrupted compare of this very plan (same
    implementations, configs, profile, dataset, variants, runtime): rerunning the command
    without --out goes on there instead of starting from zero."""
    candidates = sorted(REPORTS.glob("*/progress.json"), key=lambda p: p.stat().st_mtime)
    for progress in reversed(candidates):
        try:
            if read_json(progress).get("plan") == plan:
                return progress.parent
        except (OSError, ValueError):
            continue
    return None


ORDER_SEED = 20261203  # the interleaved order of the cases; recorded in progress.json


@dataclass(frozen=True)
class Piece:
    """What one stack measures: workload `cases` of one implementation × config, and the
    movie pipeline first if `movies` (a pair with no workload stack: no cases)."""

    impl: str
    config: str
    cases: tuple[Case, ...]
    movies: bool = False


def planned_order(
    pairs: list[tuple[str, str]], profile: Profile, variants: dict[str, str], seed: int
) -> list[Piece]:
    """Every piece, in one seeded shuffle: implementations and configs interleave, so none
    is measured only early or only late in a long run (and time is not confounded with
    implementation). The movie pipeline goes first on its pair's workload stack (the one
    of the fewest slots from 2 up, where its two training steps can run at once), and
    those stacks go first (a recovery case compares against its pair's clean run). A stack
    is one case, or the workload cases of one slot count (`SHARED`), in a shuffled order
    of their own."""
    rng = random.Random(seed)
    first: list[Piece] = []
    rest: list[Piece] = []
    for impl, config in pairs:
        groups = stacks_of(cases_for(impl, config, profile, variants.get(impl)))
        shared = [g for g in groups if g[0].scenario in SHARED]
        host = min(shared, key=lambda g: (g[0].slots < 2, g[0].slots), default=())
        first.append(Piece(impl, config, host, movies=True))
        rest += [Piece(impl, config, g) for g in groups if g is not host]
    rng.shuffle(first)
    rng.shuffle(rest)
    return [replace(p, cases=tuple(rng.sample(p.cases, len(p.cases)))) for p in first + rest]


def stacks_of(cases: list[Case]) -> list[tuple[Case, ...]]:
    """The cases grouped by the stack they run on: `SHARED` scenarios by slot count (cases
    of one workload share its pipeline there), faults that leave the services whole by
    workload and slots (in the plan's order), every other case alone."""
    groups: dict[int, list[Case]] = {}
    faults: dict[tuple[str, int], list[Case]] = {}
    alone: list[tuple[Case, ...]] = []
    for case in cases:
        if case.scenario == "recovery" and shares_a_stack(case):
            faults.setdefault((case.workload, case.slots), []).append(case)
            continue
        if case.scenario not in SHARED:
            alone.append((case,))
            continue
        groups.setdefault(case.slots, []).append(case)
    return [tuple(g) for g in (*groups.values(), *faults.values())] + alone


def _measure_all(
    console: Console,
    state: State,
    pairs: list[tuple[str, str]],
    profile: Profile,
    dataset: DatasetSpec,
    variants: dict[str, str],
    progress_file: Path,
) -> None:
    """Every piece not measured yet, in the planned order, with a progress bar; the state
    is saved after each."""
    order = planned_order(pairs, profile, variants, state.plan["order_seed"])
    total = sum(len(p.cases) + p.movies for p in order)
    # no markup: a workload such as `chain:100:noop` would show `:100:` as an emoji
    columns = (TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task("compare", total=total, completed=state.pieces)
        for piece in order:
            key = f"{piece.impl}/{piece.config}"

            def tick(phase: str, what: str = "", key: str = key) -> None:
                bar.update(task, description=f"{key} {what}: {phase}")

            movies = None
            failed_before = any(c.scenario == "movies" and c.key == key for c in state.scenarios)
            if piece.movies and key not in state.movies and not failed_before:
                movies = MovieRuns(
                    dataset, profile.movie_runs, lambda p: tick(p, "movies"), profile.warmup
                )
            jobs = _jobs(state, piece, profile, dataset, variants, tick)
            failure = None
            if jobs:

                def keep(result: CaseResult) -> None:
                    state.scenarios.append(result)
                    state.save(progress_file)
                    bar.advance(task)
                    _logged(console, f"{state.pieces}/{total} {case_slug(result)}", result)

                measured = _measured_or_failed(console, jobs, movies, keep)
                failure = next((c.error for c in measured if c.error), None)
            elif movies:  # no workload stack to share (or its cases measured already)
                try:
                    movies.series, movies.first = measure_movies(
                        piece.impl, piece.config, dataset, profile.movie_runs,
                        Path(state.runs_dir), movies.on_phase, variants.get(piece.impl),
                        profile.warmup,
                    )  # fmt: skip
                except BenchError as exc:
                    failure = str(exc)
                    console.print(f"[red]{key} movies failed[/]: {exc}")
            if movies and movies.series:
                state.movies[key] = movies.series
                if movies.first:
                    state.fingerprints[key] = movies.first
            elif movies:  # recorded, so the report and the exit code say so; the compare goes on
                reason = failure or "the movie pipeline was not measured"
                state.scenarios.append(
                    CaseResult(piece.impl, piece.config, "movies", "movies", 2, error=reason)
                )
            bar.advance(task, movies is not None)
            state.save(progress_file)
            if movies:
                _logged(console, f"{state.pieces}/{total} movies-{piece.impl}-{piece.config}")


def _logged(console: Console, what: str, result: CaseResult | None = None) -> None:
    """A line per finished piece where the output is not a terminal (a log file of a
    compare left running for hours), which shows no live progress bar."""
    if console.is_terminal:
        return
    stamp = dt.datetime.now(dt.UTC).strftime("%H:%M:%S")
    how = "" if result is None else f": {result.seconds} s" + (" FAILED" if result.error else "")
    console.print(f"{stamp} {what}{how}", highlight=False)


def _jobs(state, piece: Piece, profile, dataset, variants, tick) -> list[Job]:
    """The jobs of one stack's cases not measured yet, each with a fresh folder."""
    runs_dir, done = Path(state.runs_dir), {case_slug(c) for c in state.scenarios}
    impl, config = piece.impl, piece.config
    jobs = []
    for case in piece.cases:
        identity = CaseResult(impl, config, **asdict(case))
        if case_slug(identity) in done:
            continue
        folder = runs_dir / case_slug(identity)
        if case.scenario in SHARED:  # inside its stack's folder (containers see it)
            folder = runs_dir / stack_slug(impl, config, case.slots) / case_slug(identity)
        shutil.rmtree(folder, ignore_errors=True)  # a half-measured case starts over
        folder.mkdir(parents=True)
        jobs.append(
            Job(
                impl,
                config,
                case,
                folder,
                dataset,
                variants.get(impl),
                profile.repeat,
                state.fingerprints.get(f"{impl}/{config}"),
                lambda phase, c=case: tick(phase, f"{c.workload} {c.fault}".strip()),
                profile.max_repeat,
                profile.precision,
                profile.warmup,
            )
        )
    return jobs


def _measured_or_failed(
    console: Console,
    jobs: list[Job],
    movies: MovieRuns | None,
    keep: Callable[[CaseResult], None],
) -> list[CaseResult]:
    """The cases' results, each handed to `keep` as soon as it is there (a shared stack's
    cases one by one). A failure becomes a result carrying its reason: on a shared stack
    for the case in flight, and the cases after it get a fresh stack (an orchestrator that
    dies under a burst of 64 runs says nothing about its chains), unless a fresh stack
    failed before measuring anything twice in a row; elsewhere (a probe, faults sharing a
    stack, the movie pipeline that opens a stack) for every case not measured yet. A case's
    seconds run from the previous case's end (the first one's include the stack's start);
    cases that end together split their time evenly."""
    kept: list[CaseResult] = []
    mark = time.monotonic()

    def done(results: list[CaseResult]) -> None:
        nonlocal mark
        now = time.monotonic()
        for result in results:
            result.seconds = round((now - mark) / len(results), 1)
            kept.append(result)
            keep(result)
        mark = now

    pending, barren = jobs, 0
    while pending:
        before = len(kept)
        try:
            results = measure(pending, movies, lambda result: done([result]))
        except BenchError as exc:
            pending = pending[len(kept) - before :]  # measured in order: the kept ones lead
            barren = barren + 1 if len(kept) == before else 0
            if not pending:  # every case had been measured when the stack failed
                break
            again = pending[0].case.scenario in SHARED and barren < 2 and not _opening(movies)
            failing, pending = (pending[:1], pending[1:]) if again else (pending, [])
            failed = [
                CaseResult(j.impl, j.config, **asdict(j.case), error=str(exc)) for j in failing
            ]
            console.print(f"[red]{', '.join(map(case_slug, failed))} failed[/]: {exc}")
            done(failed)
            movies = None  # measured already, or failed with the stack it opened
            continue
        done([r for r in results if not any(r is k for k in kept)])
        break
    return kept


def _opening(movies: MovieRuns | None) -> bool:
    """Whether the stack failed while the movie pipeline opened it (no case was in flight)."""
    return movies is not None and not movies.series


def _assemble(
    state: State,
    impls: list[str],
    profile: Profile,
    dataset: DatasetSpec,
    variants: dict[str, str],
    measured_code: dict,
) -> Results:
    """The results model, every movie series checked against the reference's results (the
    implementation whose manifest says `reference = true`, else the first that ran)."""
    reference_impl = reference_implementation()
    reference = next(
        (fp for key, fp in state.fingerprints.items() if key.startswith(f"{reference_impl}/")),
        None,
    )
    reference = reference or next(iter(state.fingerprints.values()), {})
    for key, series in state.movies.items():
        check_against_reference(series, reference, state.fingerprints.get(key))
        series.startups = series.startups[:1] + stack_startups(state.scenarios, key)
        series.startup_seconds = median_iqr(series.startups)
    keys = [f"{impl}/{config}" for impl, config in state.plan["pairs"]]  # the tables' order
    movies = {key: state.movies[key] for key in keys if key in state.movies}
    return Results(
        started_at=state.sittings[0]["started_at"],  # a resumed compare: its first sitting's
        finished_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        profile=profile.name,
        repeat=profile.repeat,
        dataset=dataset_manifest(dataset),
        provenance={**measured_code, "sittings": state.sittings},
        configs={impl: load_manifest(impl)["configs"] for impl in impls},
        movies=movies,
        scenarios=state.scenarios,  # in the order they were measured
        run_folders=state.runs_dir,
        variants=variants,
        runtime=describe_runtime(impls),
        calibration=state.calibration,
    )


def _print_summary(console: Console, results: Results) -> None:
    table = Table(
        "implementation",
        "config",
        "movies pipeline (s)",
        "trigger (s)",
        "inter-task p50 (s)",
        "identical",
    )
    headline = headline_numbers(results)
    for key, series in results.movies.items():
        row = headline.get(key, Headline())
        table.add_row(
            series.impl,
            series.config,
            format_estimate(estimate([r["run_seconds"] for r in series.measured])),
            format_estimate(row.trigger_latency),
            format_estimate(row.inter_task_p50),
            "[green]yes[/]" if series.identical_results else "[red]NO[/]",
        )
    console.print(table)


def configs_of(impl: str, wanted: list[str], profile: str = "") -> list[str]:
    """The implementation's configs among `wanted`; when none is wanted, all of them that
    the profile measures (a config's `profiles`, where it lists them: a config named in
    `--config` is measured in any profile)."""
    configs = load_manifest(impl)["configs"]
    if wanted:
        return [c for c in configs if c in wanted]
    return [c for c, spec in configs.items() if profile in spec.get("profiles", [profile])]


def cases_for(impl: str, config: str, profile: Profile, variant: str | None = None) -> list[Case]:
    """The profile's cases that apply: recovery and the calendar probe run on the default
    config only (the tuned settings change dispatch latency, not failure handling or
    calendars), recovery only for the faults the implementation lists, the calendar probe
    only where the manifest claims a backfill, the schedule probe where it claims calendar
    scheduling, scale-out where the manifest claims it (in
    containers only when it lists it under containers_only). CPU-bound work meets the
    execution model (threads, processes), not the polling a tuned config changes: the
    CPU-bound case runs on the default config and on configs that state an `execution` of
    their own. A profile may measure fewer scenarios on the other configs
    (`other_configs`: the quick profile runs only their movie pipeline)."""
    manifest = load_manifest(impl)

    def applies(case: Case) -> bool:
        others = profile.other_configs
        if config != "default" and others is not None and case.scenario not in others:
            return False
        if case.scenario == "cpu":
            return config == "default" or "execution" in manifest["configs"][config]
        if case.scenario == "recovery":
            return config == "default" and supports(impl, case.fault, variant)
        if case.scenario == "calendar":
            return config == "default" and "backfill" in manifest["capabilities"]
        if case.scenario in ("retries", "dynamic"):  # the orchestrator's, not its tuning's
            return config == "default"
        if case.scenario == "schedule":  # does it start the runs its manifest says it does
            return config == "default" and "calendar-scheduling" in manifest["capabilities"]
        if case.scenario == "deploy":  # needs services that could act at all
            return config == "default" and bool(manifest["services"]["processes"])
        if case.scenario == "catalogue":  # where the orchestrator keeps definitions at all
            return config == "default" and keeps_a_catalogue(impl)
        if case.scenario == "scaleout":  # a worker fleet; some need containers (a broker)
            return (
                config == "default"
                and "scale-out" in manifest["capabilities"]
                and (not containers_only(manifest, "scale-out") or selected_runtime() == "docker")
            )
        return True

    return [c for c in profile.cases if applies(c)]


def case_slug(case: CaseResult) -> str:
    """Folder and event-log name of a case, unique within a profile:
    `parallelism-IMPL-tuned-w4`, `recovery-worker-IMPL-default-w2-movies`,
    `load-IMPL-default-w4-fanout-4-sleep-0.2-b16-sweep`."""
    parts = [case.scenario, case.fault, case.impl, case.config, f"w{case.slots}"]
    if case.scenario in ("scale", "recovery", "scaleout", "load", "catalogue"):  # these vary it
        parts.append(case.workload.replace(":", "-"))
    if case.scenario == "load":
        parts.append(f"b{case.batch}" + ("-sweep" if case.rates else ""))
    return "-".join(p for p in parts if p)


def stack_startups(cases: list[CaseResult], key: str) -> list[float]:
    """The start-up of every stack the cases of `key` (impl/config) started: the workload
    cases sharing a stack count once."""
    seen, out = set(), []
    for case in cases:
        if f"{case.impl}/{case.config}" != key or case.startup_s is None or case.error:
            continue
        stack = _stack_key(case)
        if stack not in seen:
            seen.add(stack)
            out.append(case.startup_s)
    return out


def _stack_key(case: CaseResult) -> tuple:
    """Which stack a measured case ran on (as `stacks_of` grouped it)."""
    if case.scenario in SHARED:
        return ("shared", case.slots)
    if case.scenario == "recovery" and shares_a_stack(case):
        return ("faults", case.workload, case.slots)
    return (case_slug(case),)


def _event_logs(
    movies: Iterable[MovieSeries], cases: Iterable[CaseResult], report_dir: Path
) -> list[tuple[MovieSeries | CaseResult, Path]]:
    """Each measured piece that names an event log, with where its copy goes."""
    events_dir = report_dir / "events"
    pieces: list[tuple[MovieSeries | CaseResult, Path]] = [
        (m, events_dir / f"movies-{m.impl}-{m.config}.jsonl") for m in movies if m.events
    ]
    pieces += [(c, events_dir / f"{case_slug(c)}.jsonl") for c in cases if c.events]
    return pieces


def copy_events_beside(
    movies: Iterable[MovieSeries], cases: Iterable[CaseResult], report_dir: Path
) -> None:
    """Copy the measured pieces' event logs into the report folder, on every save of
    progress.json and at the end: the run folders live in the user's cache, which a compare
    resumed on another day (a fresh machine, a cleaned cache) may no longer have. Logs only
    grow, so one whose copy has its size is not copied again."""
    for piece, target in _event_logs(movies, cases, report_dir):
        source = Path(piece.events or "")
        if not source.is_absolute() or not source.exists():
            continue  # pointed to its copy already, or its run folder gone
        if not target.exists() or target.stat().st_size != source.stat().st_size:
            target.parent.mkdir(exist_ok=True)
            shutil.copyfile(source, target)


def keep_events_beside(results: Results, report_dir: Path) -> None:
    """Copy every case's event log next to results.json and point to it relatively, so a
    report folder carries its raw data with it (a copy kept by an earlier sitting stands in
    for a log that is gone); event logs of an earlier run in the same folder, which this
    one does not name, are removed."""
    events_dir = report_dir / "events"
    events_dir.mkdir(exist_ok=True)
    copy_events_beside(results.movies.values(), results.scenarios, report_dir)
    for piece, target in _event_logs(results.movies.values(), results.scenarios, report_dir):
        if target.exists():
            piece.events = str(target.relative_to(report_dir))
    everything = [*results.movies.values(), *results.scenarios]
    kept = {Path(c.events).name for c in everything if c.events}  # a failed case may have none
    for stale in events_dir.glob("*.jsonl"):  # an earlier run's, when --out was reused
        if stale.name not in kept:
            stale.unlink()
