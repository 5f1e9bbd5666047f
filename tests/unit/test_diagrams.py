"""The tutorials' figures: every implementation's architecture is declared, consistent and
drawable, and an arrow never runs through a box it does not connect."""

from __future__ import annotations

import pytest

from bench.diagrams import _curve, _inside, _route, architecture_diagram, pipeline_diagram
from bench.kit.manifest import implementations, load_manifest


@pytest.mark.parametrize("impl", implementations())
def test_every_architecture_links_parts_it_declares_and_draws(impl: str) -> None:
    drawn = load_manifest(impl)["architecture"]
    names = [part["name"] for part in drawn["parts"]]
    assert len(names) == len(set(names)), "two parts with one name"
    for link in drawn.get("links", []):
        assert link["from"] in names and link["to"] in names, link
    assert any(part["layer"] == "state" for part in drawn["parts"]), "where does state live?"
    assert architecture_diagram(impl).data.startswith(b"\x89PNG")


def test_the_pipeline_is_an_image_not_a_figure_repr() -> None:
    assert pipeline_diagram().data.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("start", "end", "between"),
    [((1, 0), (1, -2), (1, -1)), ((2, 0), (0, 0), (1, 0)), ((0, 0), (1, -2), (1, -1))],
)
def test_an_arrow_goes_round_the_box_between_its_ends(start, end, between) -> None:
    a, b, bend = _route(start, end, [between])
    assert not any(_inside(point, between) for point in _curve(a, b, bend))


def test_an_arrow_between_neighbours_is_straight() -> None:
    assert _route((1, 0), (2, 0), [(1, -1), (2, -1)])[2] == 0.0
