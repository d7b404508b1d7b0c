"""Projection mode reaches every figure on every page, and the backprop graph."""

from __future__ import annotations

import re

import pytest

from gdviz.ui.nav import PAGES

from .conftest import figures, no_exceptions, stages
from .test_links import open_link

CHARTED = [p.path for p in PAGES if p.url_path not in ("", "random_search", "backprop")]  # these draw charts at once


def _smallest_font(fig: dict) -> float:
    """The smallest explicit font size anywhere in a figure's layout."""
    sizes = [float(m) for m in re.findall(r'"size":\s*([0-9.]+)', str(fig["layout"]).replace("'", '"'))]
    return min(sizes, default=fig["layout"].get("font", {}).get("size", 12))


def _all_figures(at) -> list[dict]:
    """Every Plotly chart's figure, then every stage panel's."""
    return figures(at) + [p["figure"] for given in stages(at) for p in given["spec"]["panels"]]


@pytest.mark.parametrize("page", CHARTED)
def test_projection_mode_enlarges_every_figure(page):
    normal, projected = open_link(page, {}), open_link(page, {"projection": "1"})
    no_exceptions(projected)
    assert all(given["spec"]["projection"] for given in stages(projected))  # the stage lays out for a projector
    before, after = _all_figures(normal), _all_figures(projected)
    assert len(before) == len(after) > 0
    for b, a in zip(before, after, strict=True):
        assert a["layout"]["font"]["size"] >= max(20, b["layout"].get("font", {}).get("size", 12))
        assert _smallest_font(a) >= 12


def test_projection_mode_enlarges_the_backprop_graph():
    def font(at) -> float:
        return max(float(v) for v in re.findall(r"fontsize=\"?([0-9.]+)", at.get("graphviz_chart")[0].proto.spec))

    normal, projected = open_link("pages/backprop.py", {}), open_link("pages/backprop.py", {"projection": "1"})
    assert font(projected) >= 1.3 * font(normal)
