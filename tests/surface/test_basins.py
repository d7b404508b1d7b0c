"""Tests for gdviz/surface/basins.py: the grid's orientation, labels against the known minima, divergence.

The reference for a cell is its start run alone; the reference for a label is the distance from
that run's final point to the listed minima.
"""

import numpy as np
import pytest

from gdviz import SURFACES, basin_map, endpoints, run
from gdviz.surface.basins import DIVERGED, NO_MINIMUM

HIMMELBLAU = SURFACES["himmelblau"]
SADDLE = SURFACES["saddle"]


def test_shapes_and_the_grid_match_surface_grid():
    m = basin_map(HIMMELBLAU, "sgd", n=17, steps=20, lr=0.01)
    xs, ys, _ = HIMMELBLAU.grid(17)
    np.testing.assert_array_equal(m.xs, xs)
    np.testing.assert_array_equal(m.ys, ys)
    for name in ("label", "final_loss", "stopped_at", "diverged"):
        assert getattr(m, name).shape == (17, 17), name
    assert m.final.shape == (17, 17, 2)
    assert m.label.dtype.kind == "i" and m.diverged.dtype == bool
    np.testing.assert_array_equal(m.minima, HIMMELBLAU.minima)
    assert m.hyper["lr"] == 0.01 and m.optimizer == "sgd" and m.steps == 20 and m.surface == "himmelblau"
    assert sum(m.counts().values()) == 17 * 17


@pytest.mark.parametrize("i, j", [(0, 0), (0, 16), (16, 0), (3, 11), (16, 16)])
def test_cell_i_j_is_the_start_xs_j_ys_i(i, j):
    m = basin_map(HIMMELBLAU, "adam", n=17, steps=60, lr=0.05)
    alone = run(HIMMELBLAU, "adam", [m.xs[j], m.ys[i]], 60, lr=0.05)
    np.testing.assert_array_equal(m.final[i, j], alone.final)
    assert m.final_loss[i, j] == alone.losses[-1] and m.stopped_at[i, j] == alone.stopped_at


@pytest.mark.parametrize(("optimizer", "lr"), [("sgd", 0.01), ("momentum", 0.002), ("adam", 0.05)])
def test_cells_near_each_himmelblau_minimum_get_its_label(optimizer, lr):
    m = basin_map(HIMMELBLAU, optimizer, n=41, steps=500, lr=lr)
    assert (m.label >= 0).all(), m.counts()  # these settings converge everywhere on the domain
    X, Y = np.meshgrid(m.xs, m.ys)
    for k, (mx, my) in enumerate(HIMMELBLAU.minima):
        near = np.hypot(X - mx, Y - my) < 0.6  # a few cells around each minimum
        assert near.sum() >= 4
        assert (m.label[near] == k).all(), f"minimum {k}: labels {m.label[near]}"
    assert all(m.counts()[k] > 41 * 41 // 10 for k in range(4)), m.counts()  # every basin is sizeable


def test_label_is_the_minimum_within_tol_of_the_final_point():
    m = basin_map(HIMMELBLAU, "sgd", n=31, steps=40, lr=0.005)  # too few steps for some cells
    index, dist = HIMMELBLAU.nearest_minimum(m.final)
    np.testing.assert_array_equal(m.label, np.where(dist <= m.tol, index, NO_MINIMUM))
    assert m.tol == pytest.approx(0.1)  # 1e-2 of the 10-wide domain
    assert 0 < (m.label == NO_MINIMUM).sum() < 31 * 31, m.counts()
    strict = basin_map(HIMMELBLAU, "sgd", n=31, steps=40, lr=0.005, tol=1e-3)
    assert (strict.label == NO_MINIMUM).sum() > (m.label == NO_MINIMUM).sum()


def test_a_diverging_learning_rate_gives_diverged_labels():
    m = basin_map(HIMMELBLAU, "sgd", n=41, steps=300, lr=0.03)
    c = m.counts()
    assert c[DIVERGED] > 0 and c[DIVERGED] < 41 * 41, c  # the far corners blow up, not everything
    np.testing.assert_array_equal(m.label == DIVERGED, m.diverged)
    assert np.isfinite(m.final_loss[~m.diverged]).all()
    assert np.isnan(m.final_loss[m.diverged]).all()
    assert np.isfinite(m.final).all()  # frozen at the last good point
    r = np.hypot(*np.meshgrid(m.xs, m.ys))
    assert r[m.diverged].mean() > r[~m.diverged].mean() + 1  # out where the gradient is steep
    ends = endpoints(HIMMELBLAU, "sgd", np.stack(np.meshgrid(m.xs, m.ys), axis=-1).reshape(-1, 2), 300, lr=0.03)
    np.testing.assert_array_equal(m.diverged.ravel(), ends.diverged)


def test_a_surface_without_minima_labels_only_not_converged_or_diverged():
    assert len(SADDLE.minima) == 0
    short = basin_map(SADDLE, "sgd", n=21, steps=5, lr=0.1)
    assert (short.label == NO_MINIMUM).all(), short.counts()
    # long enough for every start off the x axis to escape along y; the middle row (y = 0) stays
    long = basin_map(SADDLE, "sgd", n=21, steps=200, lr=0.1)
    assert long.ys[10] == 0.0
    assert (long.label[10] == NO_MINIMUM).all()
    assert (np.delete(long.label, 10, axis=0) == DIVERGED).all()
    np.testing.assert_allclose(long.final[10], 0.0, atol=1e-12)  # it reached the saddle point, not a minimum


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="n must be"):
        basin_map(HIMMELBLAU, "sgd", n=0)
    with pytest.raises(ValueError, match="unknown optimizer"):
        basin_map(HIMMELBLAU, "sgdd", n=3)
    with pytest.raises(ValueError, match="learning rate"):
        basin_map(HIMMELBLAU, "sgd", n=3, lr=-1.0)


def test_a_basin_map_on_ackley_labels_nearly_every_cell_with_a_minimum():
    # with only the global minimum listed, 884 of these 900 cells said "no minimum" (#12)
    m = basin_map(SURFACES["ackley"], "sgd", n=30, steps=500)
    assert m.counts()[NO_MINIMUM] <= 9 and m.counts()[DIVERGED] == 0, m.counts()
    assert len(np.unique(m.label[m.label >= 0])) == 121  # every dimple of the egg carton catches some start


def test_a_cell_that_starts_where_f_has_no_value_says_so():
    from gdviz.surface.formula import custom_surface
    from gdviz.surface.trajectory import CAUSES, NO_VALUE

    m = basin_map(custom_surface("log(x) + y**2"), "adam", n=10, steps=30, lr=0.1)
    left = m.xs < 0
    assert m.diverged[:, left].all() and (m.stopped_at[:, left] == 0).all()
    assert (m.cause[:, left] == NO_VALUE).all() and CAUSES[NO_VALUE] == "f has no value there"
