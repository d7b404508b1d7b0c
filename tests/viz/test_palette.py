"""gdviz.viz.palette: every optimizer looks like no other, in 2D, in 3D and where it diverged."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from gdviz import OPTIMIZERS
from gdviz.viz.palette import CROSSES, SYMBOLS_3D, diverged_symbol, style, symbol_3d


def test_no_two_optimizers_look_alike_in_2d_or_3d():
    looks = [style(name) for name in OPTIMIZERS]
    assert len({(s.color, s.symbol) for s in looks}) == len(looks)
    assert len({(s.color, symbol_3d(s.symbol)) for s in looks}) == len(looks)
    assert all(symbol_3d(s.symbol) in SYMBOLS_3D for s in looks)


def test_each_optimizer_has_a_cross_of_its_own_where_it_diverged():
    crosses = [diverged_symbol(name) for name in OPTIMIZERS]
    assert len(set(crosses)) == len(crosses) and len(CROSSES) >= len(OPTIMIZERS)


@pytest.mark.parametrize("symbol", [*CROSSES, *(style(name).symbol for name in OPTIMIZERS)])
def test_every_marker_is_one_plotly_draws(symbol):
    go.scatter.Marker(symbol=symbol)  # plotly validates the name: an unknown one raises
