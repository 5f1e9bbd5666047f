"""The tutorial notebooks: `tutorials/NN_*.py` (jupytext py:percent, the sources under
review) → `.ipynb` → executed with nbclient → rendered to HTML with nbconvert.

Each notebook has one cell tagged `parameters`; `execute` inserts a cell after it that
overrides them (as papermill does), which is how the tests run every notebook on small
inputs. The last cell of every notebook asserts its key results, so an executed notebook is
also a test.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from bench.kit.errors import BenchError
from bench.kit.home import REPO

FOLDER = REPO / "tutorials"


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


def execute(source: Path, parameters: dict | None = None, timeout: float = 900):
    """Run every cell in a fresh kernel (cwd: tutorials/); returns the executed notebook
    and the seconds it took. A failing cell raises BenchError naming the notebook."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = notebook(source)
    if parameters:
        at = next(
            (i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])),
            None,
        )
        if at is None:
            raise BenchError(f"{source.name} has no cell tagged 'parameters'")
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


def render(source: Path, out: Path, parameters: dict | None = None) -> tuple[Path, float]:
    """Execute and write `<out>/<name>.html` (self-contained, figures embedded)."""
    from nbconvert import HTMLExporter

    nb, seconds = execute(source, parameters)
    html, _ = HTMLExporter().from_notebook_node(nb)
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{source.stem}.html"
    target.write_text(html)
    return target, seconds
