"""The report's catalogue section: many pipeline definitions in one running stack
(bench.measure.probes.catalogue).

One stack per number of definitions, so the time until all are listed and the idle cost
are single measurements (n = 1 each, printed as such); the runs among them are n =
triggers per stack. The figure draws each against the number of definitions, on log axes:
a cost that grows in proportion to the catalogue is a straight line of slope 1.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from bench.measure.probes.catalogue import IDLE_S
from bench.measure.stats import Estimate, estimate, format_estimate
from bench.report.context import ReportContext
from bench.report.markdown import md_table
from bench.report.style import color, line_style, save
from bench.results import CaseResult

FIGURE = "Many pipelines: cost against the number of definitions"
CATALOGUE_HEADER = [
    "impl/config",
    "pipelines",
    "until all listed s",
    "idle cores, none → all",
    "idle RSS MiB, none → all",
    "run: submit → task start s",
    "run: submit → done s",
    "deploying took",
    "idle samples contaminated",
]


def catalogue_cases(cases: list[CaseResult]) -> list[CaseResult]:
    """Catalogue cases, by configuration and then number of definitions."""
    found = [c for c in cases if c.scenario == "catalogue"]
    return sorted(found, key=lambda c: (c.key, size(c)))


def size(case: CaseResult) -> int:
    return int(case.workload.partition(":")[2] or 0)


def idle(run: dict, when: str, figure: str) -> float | None:
    """Idle cores (CPU-seconds ÷ seconds) or RSS of a catalogue run's idle sample."""
    sample = run.get(when) or {}
    if not sample.get("seconds"):
        return None
    if figure == "cores":
        return sample["cpu_seconds"] / sample["seconds"]
    return sample["peak_rss_mib"]


def triggered(run: dict, figure: str) -> Estimate | None:
    return estimate([t[figure] for t in run.get("triggers", [])])


def _single(value: float | None) -> Estimate | None:
    return estimate([value]) if value is not None else None


def _before_after(run: dict, figure: str) -> str:
    before = format_estimate(_single(idle(run, "idle_before", figure))).removesuffix(" n=1")
    after = format_estimate(_single(idle(run, "idle_after", figure))).removesuffix(" n=1")
    return f"{before} → {after} n=1"


def catalogue_rows(cases: list[CaseResult]) -> list[list[str]]:
    rows = []
    for case in catalogue_cases(cases):
        head = [case.key, str(size(case))]
        run = case.runs[0] if case.runs else {}
        if case.error or not run.get("complete"):
            reason = case.error or run.get("error") or "incomplete"
            rows.append([*head, "failed: " + reason[:120], *[""] * 6])
            continue
        rows.append(
            [
                *head,
                format_estimate(_single(run["until_known_s"])),
                _before_after(run, "cores"),
                _before_after(run, "rss"),
                format_estimate(triggered(run, "until_start_s")),
                format_estimate(triggered(run, "until_done_s")),
                run.get("deployed") or "their files copied",
                _contaminated(run),
            ]
        )
    return rows


def _contaminated(run: dict) -> str:
    """How many of the two idle samples other programs competed with (kept, flagged)."""
    dirty = sum(bool((run.get(w) or {}).get("contaminated")) for w in ("idle_before", "idle_after"))
    return f"**{dirty}** of 2" if dirty else "0"


PANELS = (  # title, the value drawn, the value with nothing deployed (dotted) where sampled
    ("until all listed (s)", lambda run: run.get("until_known_s"), None),
    (
        "idle CPU with them loaded (cores; dotted: none)",
        lambda run: idle(run, "idle_after", "cores"),
        lambda run: idle(run, "idle_before", "cores"),
    ),
    (
        "idle RSS with them loaded (MiB; dotted: none)",
        lambda run: idle(run, "idle_after", "rss"),
        lambda run: idle(run, "idle_before", "rss"),
    ),
    ("a run among them: submit → task start (s)", lambda run: _median(run, "until_start_s"), None),
)


def _median(run: dict, figure: str) -> float | None:
    found = triggered(run, figure)
    return found.median if found else None


def catalogue_figure(cases: list[CaseResult], path: Path) -> Path | None:
    """Four panels against the number of definitions: time until all are listed, idle CPU
    and memory with them loaded, and how long a run among them takes to start."""
    by_key: dict[str, list[CaseResult]] = {}
    for case in catalogue_cases(cases):
        if case.runs and case.runs[0].get("complete"):
            by_key.setdefault(case.key, []).append(case)
    if not by_key:
        return None
    fig, axes = plt.subplots(2, 2, figsize=(10, 6.4))
    for ax, (title, value, before) in zip(axes.flat, PANELS, strict=True):
        for key, series in sorted(by_key.items()):
            for drawn, style in ((value, line_style(key)), (before, ":")):
                if drawn is None:
                    continue
                points = [(size(c), drawn(c.runs[0])) for c in series]
                points = [(x, y) for x, y in points if y is not None]
                ax.plot([x for x, _ in points], [y for _, y in points], color=color(key),
                        linestyle=style, marker="o" if style != ":" else ".",
                        label=key if style != ":" else None)  # fmt: skip
        ax.set(xscale="log", title=title)
        ax.set_xlabel("pipeline definitions deployed")
        ax.grid(True, which="both", alpha=0.3)
    axes.flat[0].set_yscale("log")
    axes.flat[0].legend(fontsize=7, frameon=False)
    fig.suptitle("Many pipelines in one stack (one stack per count; n = 1 each, runs: median)")
    return save(fig, path)


def section(ctx: ReportContext) -> str:
    cases = catalogue_cases(ctx.results.scenarios)
    if not cases:
        return ""
    figure = catalogue_figure(cases, ctx.report_dir / "figures" / "catalogue.png")
    picture = f"\n![{FIGURE}](figures/{figure.name})\n" if figure else ""
    how = "\n".join(f"- {impl}: {text}" for impl, text in ctx.described("catalogue"))
    return f"""## Many pipelines in one stack

Teams run hundreds of pipelines on one orchestrator. Each count below is its own stack of
the default configuration: once its services are up, their **idle** cost is sampled for
{IDLE_S:.0f} s with nothing deployed; then that many trivial pipelines (one task each) are
deployed the way each orchestrator's users deploy many — a DAG file each, a deployment
each, jobs in a new code location — and timed **until the orchestrator lists all of
them** (its API, the one its UI reads); the idle cost is sampled again for {IDLE_S:.0f} s with
them loaded (a scheduler that re-reads its definitions does it meanwhile); then a few of
them, spread over the catalogue (the last one included), run one at a time: **submit →
task start** is what a user waits for a run among many. Each stack deploys its catalogue
once, so the first three columns are single measurements (n = 1); the runs are n = runs.
An idle sample during which other programs used more than the limit of CPU is counted as
contaminated (kept, not measured again).
An implementation whose tasks exist only when a worker command names them keeps no
catalogue and is not listed. How each deploys them, in its manifest's words:

{how or "- (not stated by the manifests)"}

{md_table(CATALOGUE_HEADER, catalogue_rows(cases))}
{picture}"""
