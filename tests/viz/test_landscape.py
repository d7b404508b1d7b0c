"""Tests for gdviz/viz/landscape.py: the contour picture and the heights the 3D view shares with it,
on formulas whose values overflow, underflow or span hundreds of decades (#16)."""

import warnings

import numpy as np
import pytest

from gdviz import SURFACES, run
from gdviz.surface.formula import custom_surface
from gdviz.viz.charts import surface3d_figure
from gdviz.viz.landscape import GAP, level_label, level_values, levels, rgb_image
from gdviz.viz.race import race_figure

EXTREME = ["exp(exp(exp(x)))", "(x**99)**99", "0**x"]


def _quietly(fn, *args, **kwargs):
    """Call fn with every RuntimeWarning (overflow, invalid value) turned into an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return fn(*args, **kwargs)


@pytest.mark.parametrize("text", EXTREME)
def test_the_3d_view_draws_the_finite_part_and_leaves_gaps(text):
    s = custom_surface(text)
    fig = _quietly(surface3d_figure, s, {"adam": run(s, "adam", s.start, 30, lr=0.1)})
    z = np.array(fig.data[0].z, dtype=np.float64)
    _, _, Z = s.grid(z.shape[0])
    assert np.isfinite(z).any(), "nothing to draw"
    assert not np.isinf(z).any()  # an inf height made plotly draw nothing at all
    np.testing.assert_array_equal(np.isfinite(z), np.isfinite(Z))  # a gap exactly where f has no value


@pytest.mark.parametrize("text", EXTREME)
def test_contours_keep_as_many_levels_as_the_finite_values_allow(text):
    s = custom_surface(text)
    _, _, Z = s.grid(320)
    L = _quietly(levels, s, Z)
    V = level_values(s, Z)
    allowed = min(8, len(np.unique(V[np.isfinite(V)])))
    assert len(np.unique(L[L >= 0])) >= allowed  # exp(exp(exp(x))) and (x**99)**99 had 1 or 2
    assert ((L >= 0) == np.isfinite(Z)).all()  # no level where f has no value


def test_overflow_and_underflow_spanning_many_decades_gets_many_levels():
    for text in EXTREME[:2]:
        s = custom_surface(text)
        assert len(np.unique(levels(s, s.grid(320)[2]))) >= 12, text


@pytest.mark.parametrize("text", EXTREME)
def test_pictures_and_figures_raise_no_runtime_warning(text):
    s = _quietly(custom_surface, text)
    runs = _quietly(lambda: {o: run(s, o, s.start, 40, lr=0.1) for o in ("sgd", "momentum", "adam")})
    _quietly(rgb_image, s)
    _quietly(race_figure, s, runs)
    _quietly(surface3d_figure, s, runs)


def test_cells_without_a_value_are_hatched_not_colored_as_a_level():
    s = custom_surface("sqrt(x) + y")  # no value for x < 0: the left half of the map
    rgb = rgb_image(s, n=64)
    left, right = rgb[:, :30].reshape(-1, 3), rgb[:, 34:].reshape(-1, 3)
    assert (left == GAP).all(axis=-1).mean() > 0.7  # white, with a few hatch pixels
    assert not (right == GAP).all(axis=-1).any()


def test_built_in_surfaces_keep_evenly_spaced_levels():
    for name, s in SURFACES.items():
        _, _, Z = s.grid(120)
        L = levels(s, Z)
        V = level_values(s, Z)
        lo, hi = V.min(), np.percentile(V, 99)
        expected = np.clip(((V - lo) / (hi - lo) * 24).astype(int), 0, 23)
        np.testing.assert_array_equal(L, expected, err_msg=name)


def test_the_height_is_named_for_its_scale():
    assert level_label(SURFACES["beale"], SURFACES["beale"].grid(50)[2]) == "log₁₀(f − min f)"
    assert level_label(SURFACES["himmelblau"], SURFACES["himmelblau"].grid(50)[2]) == "log₁₀(f − min f)"
    s = custom_surface("exp(exp(exp(x)))")
    assert level_label(s, s.grid(50)[2]) == "f on a signed log₁₀ scale"
    assert level_label(SURFACES["rastrigin"], SURFACES["rastrigin"].grid(50)[2]) == "f(x, y)"


@pytest.mark.parametrize("text", ["exp(exp(exp(x)))", "exp(x**2+y**2)", "1/(x**2+y**2)"])
def test_no_level_covers_most_of_the_map(text):
    # exp(exp(exp(x))): evenly spaced levels painted 85 % of the finite map one flat color
    s = custom_surface(text)
    L = levels(s, s.grid(320)[2])
    assert np.bincount(L[L >= 0]).max() < 0.34 * (L >= 0).sum()


def test_the_3d_view_names_the_scale_its_heights_are_drawn_on():
    s = custom_surface("exp(exp(exp(x)))")  # drawn on a signed log scale: its z axis said "f(x, y)"
    fig = _quietly(surface3d_figure, s, {"adam": run(s, "adam", s.start, 30, lr=0.1)})
    assert fig.layout.scene.zaxis.title.text == level_label(s, s.grid(90)[2]) == "f on a signed log₁₀ scale"
    plain = SURFACES["saddle"]
    assert surface3d_figure(plain, {}).layout.scene.zaxis.title.text == "f(x, y)"
    assert surface3d_figure(SURFACES["rosenbrock"], {}).layout.scene.zaxis.title.text == "log₁₀(f − min f)"
