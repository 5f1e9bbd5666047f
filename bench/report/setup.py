"""The report's closing sections: the configurations, the method, and where it ran."""

from __future__ import annotations

from bench.kit.errors import BenchError
from bench.kit.manifest import load_manifest, variant_ran, words
from bench.measure import metrics, stats
from bench.report.context import ReportContext
from bench.report.markdown import md_table


def configurations(ctx: ReportContext) -> str:
    tuned = [
        f"- **{impl} / {name}**: `{option} = {value}` — {spec['reasons'][option]}"
        for impl, configs in ctx.results.configs.items()
        for name, spec in configs.items()
        for option, value in spec["settings"].items()
    ]
    slots = [f"- **{impl}**: {text}" for impl, text in ctx.described("slots")]
    return f"""## Configurations

`default` is each orchestrator as installed. `tuned` changes only these settings:

{chr(10).join(tuned) or "- (none)"}

What one slot is in each implementation:

{chr(10).join(slots) or "- (not stated by the manifests)"}
"""


def _calibration(ctx: ReportContext) -> str:
    record = ctx.results.calibration
    if not record:
        return "`bench calibrate` was not run with these results."
    rows = [
        [
            c["figure"],
            f"{c['injected']:.4f}",
            f"{c['measured']:.4f}",
            f"{c['measured'] - c['injected']:+.4f}",
            f"±{c['tolerance']:.4f}",
            "yes" if c["ok"] else "**NO**",
        ]
        for c in record["checks"]
    ]
    cost = record["instrumentation"]
    verdict = "passed" if all(c["ok"] for c in record["checks"]) else "**FAILED**"
    return f"""`bench calibrate` {verdict} at the start of this run: the reference executor ran a
graph with injected delays (a trigger delay, a different delay on every edge, a staggered
join, known durations) through the same measuring path as every case.

{md_table(["figure", "injected", "measured", "off by", "tolerance", "ok"], rows)}

The instrumentation itself costs {cost["us_per_event"]:.1f} µs per event written (goal ≤ 20 µs);
an empty task takes {cost["us_per_empty_task_with_log"]:.1f} µs with the event log and
{cost["us_per_empty_task_without_log"]:.1f} µs without ({cost["events"]} repetitions).
"""


def method(ctx: ReportContext) -> str:
    return f"""## Method and metric definitions

{(metrics.__doc__ or "").strip()}

### Order and independence

The timed workload cases (latency, parallelism, CPU, scale, and the load batches, each
submitted once the stack is idle) of one implementation × config
× slot count share one freshly started stack: starting the heavier orchestrators costs 15–25 s
on 2 cores, which would otherwise be most of the profile's time. The movie pipeline runs
first on one of them (the fewest slots from 2 up): a discarded warm-up (it pays for parsing
and imports — up to twice the time of the next), then its measured runs, each computing
every output again from the landed data (the outputs are removed between runs; each
orchestrator then reruns the date its own way). The workloads after it on the warm stack
start measured (a stack without the movie pipeline opens with a discarded warm-up of its
first workload): a workload's first run there can still be slower once (seen up to 1.8×
its median), which moves a median of 5 by one rank at most. The repetitions of the worker
kill and then those of the scheduler crash share one stack (the services are whole again
after each recovery; each fault case's event log holds the stack's start and warm-up and
its own runs); the database outage and the probes start their own.
*Start-up* is every stack start of an implementation × config (services started → ready,
from the marks in its event log). Before every
measured run the harness waits until the orchestrator holds no task or slot from the
previous one (each adapter's `busy()`: what its metadata DB still has queued or running,
executor slots still held), and records that wait as `settle_s`. The movie pipeline runs
first for every implementation × config (recovery compares against its clean result);
then every stack of every implementation and config in one seeded shuffle (and the cases
on a stack in a shuffled order), so none is measured only early or only late in the run —
`results.json` lists the cases in the order they ran.

### Statistics

{(stats.__doc__ or "").strip()}

### Calibration

{_calibration(ctx)}"""


def _runtime_line(runtime: dict) -> str:
    if runtime["name"] != "docker":
        return "local (every service a process group on this machine)"
    images = ", ".join(f"{k} `{v}`" for k, v in runtime["images"].items())
    return (
        f"docker: every service and worker in its own container, each limited to "
        f"{runtime['cpus_per_container']:g} CPUs and {runtime['memory_per_container']} "
        f"(base `{runtime['base_image']}`; images {images}); the code: "
        f"{runtime.get('code', 'the repository mounted read-only')}"
    )


def _implementations(ctx: ReportContext) -> list[list[str]]:
    """Per implementation: what ran it (package and version, or none), its metadata DB and
    how it executes tasks, all from the results and its manifest."""
    r = ctx.results
    rows = []
    for impl in r.impls:
        o = r.provenance["orchestrators"].get(impl, {})
        try:
            manifest = load_manifest(impl)
        except BenchError:
            manifest = {}
        engine = (
            f"none (Python {r.provenance['python']})"
            if manifest.get("reference")
            else f"{o.get('package', '?')} {o.get('version', '?')}"
        )
        variant = variant_ran(manifest, r.variants.get(impl)) or "–"
        database = manifest.get("services", {}).get("metadata_db", "–")
        rows.append([impl, engine, variant, database, words(impl, "execution", "–")])
    return rows


def _sittings(prov: dict) -> str:
    """A line naming each sitting of a compare that was interrupted and resumed."""
    sittings = prov.get("sittings") or []
    if len(sittings) < 2:
        return ""
    each = "; ".join(
        f"{s['started_at'][:16].replace('T', ' ')} at `{s['git_sha'][:7]}`"
        f"{' (uncommitted changes)' if s['git_dirty'] else ''}"
        f", load {s.get('load_average_at_start') or 'not recorded'}"
        f", {s['pieces_before']} pieces measured before"
        for s in sittings
    )
    return f"\n- Measured in {len(sittings)} sittings (interrupted and resumed): {each}"


def environment(ctx: ReportContext) -> str:
    r = ctx.results
    prov, machine = r.provenance, r.provenance["machine"]
    disk = machine.get("disk") or {}
    disk_line = (
        f"{disk['device']} ({disk['fstype']}), {disk['total_gib']:g} GiB, "
        f"{disk['free_gib']:g} GiB free at start"
        if disk
        else "not recorded"
    )
    dirty = " with uncommitted changes" if prov["git_dirty"] else ""
    command = prov.get("command") or f"bench compare --profile {r.profile}"
    table = md_table(
        ["implementation", "orchestrator", "variant", "metadata DB", "executes tasks as"],
        _implementations(ctx),
    )
    return f"""## Environment

- Machine: {machine["cores"]} cores ({machine["cpu_model"]}), {machine["memory_gib"]} GiB;
  load average at start {machine["load_average_at_start"]}
- Kernel: {machine.get("kernel") or machine.get("platform", "not recorded")}; virtualisation:
  {machine.get("virtualization", "not recorded")}
- Disk of the run folders: {disk_line}
- Runtime: {_runtime_line(r.runtime)}
- Data: {r.dataset["name"]}; {r.dataset["citation"]}
- Code: commit `{prov["git_sha"][:12]}`{dirty}; results format `{r.schema}`{_sittings(prov)}

{table}

**Reproduce**: `git checkout {prov["git_sha"][:12]} && make setup && .venv/bin/{command}`
(`make compare` is the standard profile). The event logs every figure is computed from are in
`events/` beside this report; the full run folders (a dataset copy and each orchestrator's
own files per run) stayed on the measuring machine.
"""
