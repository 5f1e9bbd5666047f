"""The published course (docs/tutorials/) is what today's tutorial sources render to, and
the check that says so can fail."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from bench.course import COURSE, _rendered, lessons, stale
from bench.tutorials import sources


def test_the_published_course_is_current() -> None:
    assert stale() == []


def test_every_lesson_is_published_with_its_outcomes_time_and_prerequisites() -> None:
    listed = lessons()
    assert [item.stem for item in listed] == [source.stem for source in sources()]
    for item in listed:
        assert item.outcomes and item.time and item.prerequisites and item.seconds > 0, item


def test_every_figure_is_an_image_in_its_page() -> None:
    for path in _rendered(COURSE):
        nb = nbformat.read(path, as_version=4)
        images = sum(
            "image/png" in output.get("data", {})
            for cell in nb.cells
            for output in cell.get("outputs", [])
        )
        page = path.with_suffix(".html").read_text()
        assert "<Figure size" not in page, path.name
        assert page.count("data:image/png;base64") >= images, path.name
    assert "data:image/png" in (COURSE / "00_setup_and_tour.html").read_text()


def test_a_changed_source_or_page_is_named_with_its_fix(tmp_path: Path) -> None:
    out = tmp_path / "course"
    shutil.copytree(COURSE, out)
    first = _rendered(out)[0]
    nb = nbformat.read(first, as_version=4)
    nb.cells[1].source += "\n# edited"
    nbformat.write(nb, first)
    (out / "index.html").write_text("old")
    found = stale(out)
    assert any(first.name in line and "bench tutorials render" in line for line in found)
    assert any("index.html" in line and "bench tutorials index" in line for line in found)
