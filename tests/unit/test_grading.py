"""The tutorials' grader: a wrong answer fails with a direction and never the expected
value, a blank says "not yet", and a solutions file must match the exercise cells."""

from __future__ import annotations

import nbformat
import pytest

from bench.kit.errors import BenchError
from bench.teaching import grade, still_blank
from bench.tutorials import SOLUTIONS, _solve, graded, sources


@pytest.mark.parametrize(
    ("answer", "expected", "tolerance", "passed", "says"),
    [
        (100, 100, 0.0, True, "correct"),
        (104, 100, 0.05, True, "correct"),
        (120, 100, 0.05, False, "too high"),
        (3, 12, 0.0, False, "too low"),
        ("  Duplicate ", "duplicate", 0.0, True, "correct"),
        ("unknown_movie", "duplicate", 0.0, False, "not yet: a hint"),
        (..., 12, 0.0, False, "nothing written"),
        (None, 0.5, 0.0, False, "nothing written"),  # a function whose body is `...`
        (True, 1, 0.0, False, "not yet"),  # a bool is not the number 1
    ],
)
def test_grade_says_whether_and_how_but_never_the_answer(
    answer, expected, tolerance, passed, says, capsys
) -> None:
    grade("x", answer, expected, tolerance=tolerance, hint="a hint")
    line = capsys.readouterr().out.strip()
    assert line.startswith("✓ x" if passed else "✗ x") and says in line
    if not passed:
        assert str(expected) not in line.split(":", 1)[1]


def test_graded_reads_the_verdicts_a_run_printed() -> None:
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("stream", text="✓ 1: correct\nother\n✗ 2: not yet\n")]
    nb = nbformat.v4.new_notebook(cells=[cell])
    assert graded(nb) == [("✓ 1: correct", True), ("✗ 2: not yet", False)]


def test_solutions_must_match_the_exercise_cells_one_for_one() -> None:
    source = next(s for s in sources() if (SOLUTIONS / s.name).exists())
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("X = ...")])
    nb.cells[0].metadata["tags"] = ["exercise"]
    with pytest.raises(BenchError, match="solved cells for 1 exercise cells"):
        _solve(nb, source)


def test_every_solutions_file_belongs_to_a_notebook() -> None:
    names = {s.name for s in sources()}
    assert {p.name for p in SOLUTIONS.glob("[0-9][0-9]_*.py")} <= names


def test_a_student_file_is_blank_while_a_line_is_only_the_ellipsis(tmp_path) -> None:
    module = tmp_path / "task.py"
    module.write_text("class T:\n    def run(self):\n        ...\n")
    assert still_blank(module)
    module.write_text("class T:\n    def run(self):\n        return 1  # ... later\n")
    assert not still_blank(module)
