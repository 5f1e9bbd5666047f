"""What every report section renders from: the results, where the report is written, the
figures already drawn, and optionally an earlier run to compare with."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from bench.kit.manifest import words
from bench.report.advice import CostModel, cost_models
from bench.results import Results


@dataclass
class ReportContext:
    results: Results
    report_dir: Path
    figures: dict[str, Path] = field(default_factory=dict)  # title → PNG, in display order
    previous: tuple[str, Results] | None = None  # (its name, its results)

    @cached_property
    def models(self) -> dict[str, CostModel]:
        """The fitted workload models (a bootstrap each: computed once per report)."""
        return cost_models(self.results)

    def described(self, key: str) -> list[tuple[str, str]]:
        """(implementation, what its manifest's `[report] key` says) for every
        implementation in the run that says something."""
        said = [(impl, words(impl, key)) for impl in self.results.impls]
        return [(impl, text) for impl, text in said if text]
