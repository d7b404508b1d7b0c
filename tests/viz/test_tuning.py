"""The chart of what tuning tried: every candidate drawn where gdviz.surface.tuning scored it, the tuned lr marked big,
each diverged candidate a cross in its optimizer's row of a band above the curves (which grows the figure
instead of squeezing them), and a valid plotly figure though it is built unvalidated."""

from __future__ import annotations

import base64
import functools

import numpy as np
import plotly.graph_objects as go
import pytest

import gdviz
from gdviz.surface.tuning import tune_race
from gdviz.viz.palette import diverged_symbol, style
from gdviz.viz.tuning import FLOOR, HEIGHT, ROW_PX, tuning_figure

RACERS = ("sgd", "momentum", "adam")


@functools.cache
def _tunings(surface: str):
    s = gdviz.SURFACES[surface] if surface in gdviz.SURFACES else gdviz.custom_surface(surface)
    return tune_race(s, RACERS, s.start, 60, grid=16)


def _trace(fig: dict, name: str) -> dict | None:
    """The trace named ``name``, its arrays decoded (plotly 7 writes them as base64)."""
    t = next((t for t in fig["data"] if t["name"] == name), None)
    return t and {k: _decode(v) if k in ("x", "y") else v for k, v in t.items()}


def _decode(v):
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"])
    return v


@pytest.mark.parametrize("surface", ["himmelblau", "goldstein_price", "x**2 - y**2"])
def test_every_candidate_sits_where_tuning_scored_it(surface):
    tunings = _tunings(surface)
    fig = tuning_figure(tunings).to_dict()
    go.Figure(fig)  # plotly's validation: every key exists
    gap = all(t.gap for t in tunings.values())
    for name, t in tunings.items():
        title, s = gdviz.OPTIMIZERS[name].title, style(name)
        big = _trace(fig, f"{title}: the tuned lr")
        if t.tuned:
            ok, curve = ~t.diverged, _trace(fig, f"{title}: tuned lr = {t.lr:.3g}")
            np.testing.assert_array_equal(curve["x"], t.lrs[ok])
            np.testing.assert_array_equal(curve["y"], np.maximum(t.scores[ok], FLOOR) if gap else t.scores[ok])
            assert (curve["line"]["dash"], curve["marker"]["symbol"]) == (s.dash, s.symbol)
            assert list(big["x"]) == [t.lr] and big["marker"]["size"] > 2 * curve["marker"]["size"]
            assert big["y"][0] == (max(t.score, FLOOR) if gap else t.score)
        else:
            assert big is None and not [c for c in fig["data"] if c["name"].startswith(f"{title}: tuned")]
        crosses = _trace(fig, f"{title}: diverged")
        if t.n_diverged:
            np.testing.assert_array_equal(crosses["x"], t.lrs[t.diverged])
            assert set(crosses["y"]) == {title} and crosses["yaxis"] == "y2"
            assert crosses["marker"]["symbol"] == diverged_symbol(name)
        else:
            assert crosses is None


def test_the_axes_say_what_the_scores_are():
    with_minimum = tuning_figure(_tunings("himmelblau")).to_dict()["layout"]
    assert with_minimum["yaxis"]["type"] == "log" and with_minimum["yaxis"]["title"]["text"] == "final f − f*"
    assert with_minimum["xaxis"]["type"] == "log" and with_minimum["xaxis"]["title"]["text"] == "learning rate η"
    without = tuning_figure(_tunings("x**2 - y**2")).to_dict()["layout"]
    assert without["yaxis"].get("type") != "log" and without["yaxis"]["title"]["text"] == "final f"


def test_the_band_has_a_row_per_optimizer_that_diverged_and_grows_the_figure():
    for surface, rows in (("himmelblau", ["SGD", "Momentum"]), ("goldstein_price", ["SGD", "Momentum"])):
        layout = tuning_figure(_tunings(surface)).to_dict()["layout"]
        band = layout["yaxis2"]
        assert band["categoryarray"] == rows[::-1] and band["title"]["text"] == "diverged"
        assert layout["height"] == HEIGHT + ROW_PX * len(rows)
        assert layout["yaxis"]["domain"][1] < band["domain"][0], "the band sits apart, above the curves"
    adam_only = tune_race(gdviz.SURFACES["himmelblau"], ["adam"], (-0.3, -0.9), 60, grid=16)
    assert not adam_only["adam"].n_diverged
    layout = tuning_figure(adam_only).to_dict()["layout"]
    assert "yaxis2" not in layout and layout["height"] == HEIGHT and layout["yaxis"]["domain"] == [0, 1]
