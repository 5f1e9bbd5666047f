"""The tutorial notebooks: `tutorials/NN_*.py` (jupytext py:percent, the sources under
review) → `.ipynb` → executed with nbclient → rendered to HTML with nbconvert.

Each notebook has one cell tagged `parameters`; `execute` inserts a cell after it that
overrides them (as papermill does), which is how the tests run every notebook on small
inputs. The last cell of every notebook asserts its key results, so an executed notebook is
also a test. bench.course publishes the executed notebooks.

Exercises (bench.teaching.grade): `execute(..., solutions=True)` replaces each cell tagged
`exercise` with the matching cell of `tutorials/solutions/<same name>.py`, in order;
`graded` reads the verdicts a run printed. `check` runs a notebook both ways: with the
blanks every exercise must say "not yet" (and nothing crash), with the solutions every one
must pass — which proves each exercise solvable and its check able to fail.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from bench.kit.errors import BenchError
from bench.kit.home import REPO

FOLDER = REPO / "tutorials"
SOLUTIONS = FOLDER / "solutions"
EXERCISE = "exercise"  # the tag of a cell the student fills in


def sources() -> list[Path]:
    return sorted(FOLDER.glob("[0-9][0-9]_*.py"))


def pick(names: list[str] | None) -> list[Path]:
    """Sources by number or name prefix (`01`, `02`); all without names."""
    every = sources()
    if not names:
        return every
    chosen = []
    for name in names:
        found = [p for p in every if p.stem.startswith(name)]
        if not found:
            known = ", ".join(p.stem for p in every)
            raise BenchError(f"no tutorial {name!r}; choose from {known}")
        chosen += found
    return chosen


def notebook(source: Path):
    import jupytext

    return jupytext.read(source)


def build(source: Path) -> Path:
    """Write the `.ipynb` beside its source (not committed: it is generated)."""
    import jupytext

    target = source.with_suffix(".ipynb")
    jupytext.write(notebook(source), target)
    return target


def _tagged(nb, tag: str) -> list[int]:
    return [i for i, c in enumerate(nb.cells) if tag in c.metadata.get("tags", [])]


def _solve(nb, source: Path) -> None:
    """Each exercise cell replaced by its solution, in order."""
    solved = SOLUTIONS / source.name
    if not solved.exists():
        raise BenchError(f"{source.name} has no solutions: write {solved.relative_to(REPO)}")
    answers = notebook(solved)
    blanks, filled = _tagged(nb, EXERCISE), _tagged(answers, EXERCISE)
    if len(blanks) != len(filled):
        raise BenchError(
            f"{solved.name}: {len(filled)} solved cells for {len(blanks)} exercise cells "
            f"(tag each with {EXERCISE!r}, in the notebook's order)"
        )
    for at, cell in zip(blanks, filled, strict=True):
        nb.cells[at] = answers.cells[cell]


def execute(
    source: Path, parameters: dict | None = None, timeout: float = 900, solutions: bool = False
):
    """Run every cell in a fresh kernel (cwd: tutorials/); returns the executed notebook
    and the seconds it took. A failing cell raises BenchError naming the notebook.
    `solutions`: the exercise cells are the solved ones."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = notebook(source)
    if solutions:
        _solve(nb, source)
    if parameters:
        tagged = _tagged(nb, "parameters")
        if not tagged:
            raise BenchError(f"{source.name} has no cell tagged 'parameters'")
        at = tagged[0]
        code = "\n".join(f"{k} = {v!r}" for k, v in parameters.items())
        cell = nbformat.v4.new_code_cell(code, metadata={"tags": ["injected-parameters"]})
        nb.cells.insert(at + 1, cell)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(FOLDER)}}
    )
    started = time.monotonic()
    try:
        client.execute()
    except CellExecutionError as exc:
        last = re.sub(r"\x1b\[[0-9;]*m", "", str(exc).strip().splitlines()[-1])  # no colours
        raise BenchError(f"{source.name}: a cell failed: {last}") from None
    return nb, time.monotonic() - started


def graded(nb) -> list[tuple[str, bool]]:
    """Every verdict the run printed (bench.teaching.grade): (its line, passed)."""
    from bench.teaching import NOT_YET, PASSED

    lines = [
        line
        for cell in nb.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "stream"
        for line in output.get("text", "").splitlines()
    ]
    return [(line, line.startswith(PASSED)) for line in lines if line[:1] in (PASSED, NOT_YET)]


@dataclass
class Checked:
    """One notebook run with its blanks and with its solutions."""

    name: str
    blank: list[tuple[str, bool]]
    solved: list[tuple[str, bool]]
    seconds: float

    @property
    def problems(self) -> list[str]:
        """Why the exercises do not hold up (none: every one fails blank, passes solved)."""
        found = []
        if len(self.solved) < 2:
            found.append(f"{self.name}: {len(self.solved)} graded exercises (at least 2)")
        if len(self.blank) != len(self.solved):
            found.append(
                f"{self.name}: {len(self.blank)} verdicts blank, {len(self.solved)} solved"
            )
        found += [f"{self.name}, blank, passed: {line}" for line, ok in self.blank if ok]
        found += [f"{self.name}, solved, failed: {line}" for line, ok in self.solved if not ok]
        return found


def has_exercises(source: Path) -> bool:
    return (SOLUTIONS / source.name).exists()


def check(
    source: Path, parameters: dict | None = None, out: Path | None = None, blank: dict | None = None
) -> Checked:
    """Run the notebook with the blanks (rendered into `out`, as a student first sees
    it), then with the solutions. `blank`: parameters for the blank run only, over
    `parameters` (to skip an ungraded measurement the solved run makes anyway)."""
    blank_nb, seconds = execute(source, (parameters or {}) | (blank or {}))
    if out:
        write_html(blank_nb, source, out)
    solved, more = execute(source, parameters, solutions=True)
    return Checked(source.stem, graded(blank_nb), graded(solved), seconds + more)


def html(nb, stem: str) -> str:
    """The notebook as one self-contained HTML page (styles and figures inline)."""
    from nbconvert import HTMLExporter

    page, _ = HTMLExporter().from_notebook_node(nb, resources={"metadata": {"name": stem}})
    return page


def write_html(nb, source: Path, out: Path) -> Path:
    """`<out>/<name>.html` (see `html`)."""
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{source.stem}.html"
    target.write_text(html(nb, source.stem))
    return target
