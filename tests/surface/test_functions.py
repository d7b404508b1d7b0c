"""Tests for gdviz/surface/functions.py: every surface against its own numerics.

Analytic gradients against centered differences, the shape contract, the listed minima (stationary,
locally lowest, the global ones globally lowest on the domain), and the curvature bound ``lipschitz``
against the Hessian's eigenvalues, taken by differencing the gradient.
"""

import dataclasses
import zlib

import numpy as np
import pytest

import gdviz
from gdviz import SURFACES, Surface, quadratic
from gdviz.snippet import torch_function

CONDITIONS = (1.0, 3.5, 10.0, 100.0)
ALL = {**SURFACES, **{f"quadratic_k{k:g}": quadratic(k) for k in CONDITIONS}}
WITH_MINIMA = {name: s for name, s in ALL.items() if len(s.minima)}
EPS = np.finfo(np.float64).eps


def _width(s: Surface) -> float:
    return max(hi - lo for lo, hi in s.domain)


def _random_points(s: Surface, n: int, seed: int = 0) -> np.ndarray:
    (x0, x1), (y0, y1) = s.domain
    rng = np.random.default_rng(seed)
    return np.stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)], axis=-1)


def _centered_difference(f, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centered differences of ``f`` at points ``(n, 2)``, vectorized, and the step ``h (n, 2)`` used."""
    h = 1e-6 * np.maximum(1.0, np.abs(p))
    g = np.empty_like(p)
    for i in range(2):
        e = np.zeros_like(p)
        e[:, i] = h[:, i]
        g[:, i] = (f(p + e) - f(p - e)) / (2 * h[:, i])
    return g, h


def _gradient_errors(s: Surface, p: np.ndarray) -> np.ndarray:
    """|analytic − numerical| over the tolerance: truncation (relative) plus rounding (|f|·eps/h)."""
    numeric, h = _centered_difference(s.f, p)
    analytic = s.grad(p)
    fscale = np.max(np.abs([s.f(p + d) for d in (h * [1, 0], h * [0, 1], -h * [1, 0], -h * [0, 1])]), axis=0)
    tol = 1e-6 * np.abs(analytic) + 1e-7 * np.linalg.norm(analytic, axis=-1, keepdims=True)
    tol = tol + 100 * EPS * (fscale[:, None] + 1) / h
    return np.abs(analytic - numeric) / tol


# --- the registry --------------------------------------------------------------------------------


def test_registry_has_at_least_ten_surfaces_and_the_required_names():
    assert len(SURFACES) >= 10
    for name in ("quadratic", "beale", "rosenbrock", "himmelblau", "saddle"):
        assert name in SURFACES
    assert gdviz.SURFACES is SURFACES


@pytest.mark.parametrize("name", sorted(SURFACES))
def test_metadata_is_complete(name):
    s = SURFACES[name]
    assert s.name == name
    assert s.title and s.latex and s.description
    assert "\n" not in s.description
    (x0, x1), (y0, y1) = s.domain
    assert x0 < x1 and y0 < y1
    assert s.minima.dtype == np.float64 and s.minima.ndim == 2 and s.minima.shape[1] == 2
    assert len(s.start) == 2


def test_saddle_is_x2_minus_y2_and_has_no_minima():
    s = SURFACES["saddle"]
    p = _random_points(s, 50)
    np.testing.assert_allclose(s.f(p), p[:, 0] ** 2 - p[:, 1] ** 2, rtol=1e-15, atol=1e-15)
    assert s.minima.shape == (0, 2)
    assert s.global_minima.shape == (0, 2)


def test_himmelblau_has_four_global_minima():
    s = SURFACES["himmelblau"]
    assert s.minima.shape == (4, 2)
    assert len(s.global_minima) == 4
    np.testing.assert_allclose(s.f(s.minima), 0.0, atol=1e-20)


@pytest.mark.parametrize("bad", [0.999, 0.0, -3.0, float("nan")])
def test_quadratic_rejects_condition_below_one(bad):
    with pytest.raises(ValueError):
        quadratic(bad)


def test_quadratic_condition_sets_the_curvatures():
    s = quadratic(7.0)
    np.testing.assert_allclose(s.f([2.0, 3.0]), 0.5 * (4 + 7 * 9))
    np.testing.assert_allclose(s.grad([2.0, 3.0]), [2.0, 21.0])
    assert s.extras["condition"] == 7.0


# --- gradients -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ALL))
def test_gradient_matches_centered_difference(name):
    s = ALL[name]
    p = _random_points(s, 2000, seed=zlib.crc32(name.encode()))
    if name == "ackley":
        p = p[np.linalg.norm(p, axis=-1) > 1e-3]  # the cone's tip has no gradient
    errors = _gradient_errors(s, p)
    worst = np.unravel_index(errors.argmax(), errors.shape)
    assert errors.max() <= 1.0, f"{name}: gradient off at {p[worst[0]]} (error/tolerance {errors.max():.3g})"


def test_gradient_check_catches_a_wrong_gradient():
    rb = SURFACES["rosenbrock"]
    wrong = dataclasses.replace(rb, gradxy=lambda x, y: (-2 * (1 - x) - 399 * x * (y - x**2), 200 * (y - x**2)))
    assert _gradient_errors(wrong, _random_points(wrong, 200)).max() > 1.0


def test_ackley_gradient_at_its_tip_is_zero():
    np.testing.assert_array_equal(SURFACES["ackley"].grad([0.0, 0.0]), [0.0, 0.0])


# --- shapes --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ALL))
def test_f_and_grad_are_vectorized_over_leading_axes(name):
    s = ALL[name]
    grid = _random_points(s, 12, seed=1).reshape(3, 4, 2)
    flat = grid.reshape(-1, 2)

    one_f, one_g = s.f(flat[0]), s.grad(flat[0])
    assert np.shape(one_f) == () and one_g.shape == (2,)
    assert s.f(flat).shape == (12,) and s.grad(flat).shape == (12, 2)
    assert s.f(grid).shape == (3, 4) and s.grad(grid).shape == (3, 4, 2)
    for out in (one_f, one_g, s.f(flat), s.grad(grid)):
        assert np.asarray(out).dtype == np.float64

    np.testing.assert_array_equal(s.f(grid).ravel(), s.f(flat))
    np.testing.assert_array_equal(s.grad(grid).reshape(-1, 2), s.grad(flat))
    np.testing.assert_array_equal(s.f(flat), [s.f(q) for q in flat])
    np.testing.assert_array_equal(s.grad(flat), [s.grad(q) for q in flat])
    # plain lists work and give the same thing
    np.testing.assert_array_equal(s.grad(flat.tolist()), s.grad(flat))


@pytest.mark.parametrize("name", sorted(ALL))
def test_grid_matches_f(name):
    s = ALL[name]
    xs, ys, Z = s.grid(30)
    assert xs.shape == ys.shape == (30,) and Z.shape == (30, 30)
    assert (xs[0], xs[-1]) == s.domain[0] and (ys[0], ys[-1]) == s.domain[1]
    np.testing.assert_allclose(Z[7, 11], s.f([xs[11], ys[7]]), rtol=1e-14)


# --- minima --------------------------------------------------------------------------------------


def _in_domain(s: Surface, p) -> np.ndarray:
    p = np.asarray(p, dtype=np.float64)
    (x0, x1), (y0, y1) = s.domain
    return (x0 <= p[..., 0]) & (p[..., 0] <= x1) & (y0 <= p[..., 1]) & (p[..., 1] <= y1)


@pytest.mark.parametrize("name", sorted(ALL))
def test_domain_contains_start_and_minima(name):
    s = ALL[name]
    assert _in_domain(s, s.start)
    assert _in_domain(s, s.minima).all()


@pytest.mark.parametrize("name", sorted(WITH_MINIMA))
def test_minima_have_vanishing_gradient(name):
    s = WITH_MINIMA[name]
    g = np.linalg.norm(s.grad(s.minima), axis=-1)
    assert g.max() < 1e-6, f"{name}: |grad| = {g.max():.3g} at {s.minima[g.argmax()]}"


@pytest.mark.parametrize("name", sorted(WITH_MINIMA))
def test_each_minimum_is_lowest_on_a_dense_grid_around_it(name):
    s = WITH_MINIMA[name]
    m = s.minima
    others = np.where(np.eye(len(m), dtype=bool), np.inf, np.linalg.norm(m[:, None] - m[None], axis=-1))
    for i, c in enumerate(m):
        r = min(0.02 * _width(s), 0.25 * others[i].min())
        u = np.linspace(-r, r, 201)
        grid = c + np.stack(np.meshgrid(u, u), axis=-1)
        fc, lowest = s.f(c), s.f(grid).min()
        assert fc <= lowest + 1e-12 * max(1.0, abs(fc)), f"{name}: f({c}) = {fc} but {lowest} lies within {r:.3g}"


@pytest.mark.parametrize("name", sorted(WITH_MINIMA))
def test_global_minima_are_lowest_on_the_whole_domain(name):
    s = WITH_MINIMA[name]
    g = s.global_minima
    assert len(g) >= 1
    assert {tuple(q) for q in g} <= {tuple(q) for q in s.minima}
    fg = s.f(g)
    np.testing.assert_allclose(fg, s.f(s.minima).min(), rtol=1e-9, atol=1e-12)
    _, _, Z = s.grid(801)
    assert fg.max() <= Z.min() + 1e-9 * max(1.0, abs(fg.max())), f"{name}: the domain has lower values"


@pytest.mark.parametrize(
    ("name", "count"),
    [("himmelblau", 4), ("six_hump_camel", 2), ("rastrigin", 1), ("styblinski_tang", 1), ("goldstein_price", 1)],
)
def test_global_minima_count(name, count):
    assert len(SURFACES[name].global_minima) == count


def test_nearest_minimum():
    s = SURFACES["himmelblau"]
    idx, dist = s.nearest_minimum(s.minima + 0.01)
    np.testing.assert_array_equal(idx, np.arange(4))
    np.testing.assert_allclose(dist, np.sqrt(2) * 0.01)
    idx, dist = SURFACES["saddle"].nearest_minimum(np.zeros((3, 2)))
    assert (idx == -1).all() and np.isnan(dist).all()


# --- curvature -----------------------------------------------------------------------------------


def _hessians(s: Surface, p: np.ndarray) -> np.ndarray:
    """Symmetrized Hessians ``(n, 2, 2)`` by centered differences of the analytic gradient."""
    h = 1e-5 * np.maximum(1.0, np.abs(p))
    H = np.empty((len(p), 2, 2))
    for i in range(2):
        e = np.zeros_like(p)
        e[:, i] = h[:, i]
        H[:, i, :] = (s.grad(p + e) - s.grad(p - e)) / (2 * h[:, i, None])
    return 0.5 * (H + H.transpose(0, 2, 1))


@pytest.mark.parametrize("name", sorted(n for n, s in ALL.items() if s.lipschitz is not None))
def test_lipschitz_is_the_largest_hessian_eigenvalue(name):
    s = ALL[name]
    eig = np.linalg.eigvalsh(_hessians(s, _random_points(s, 500, seed=2)))
    largest = np.abs(eig).max(axis=-1)
    # a constant bound: attained (up to differencing error) and never exceeded on the domain
    assert largest.max() <= s.lipschitz * (1 + 1e-6)
    assert largest.max() >= s.lipschitz * (1 - 1e-6), f"{name}: largest |eigenvalue| {largest.max()} ≠ {s.lipschitz}"


@pytest.mark.parametrize("k", CONDITIONS)
def test_quadratic_hessian_has_eigenvalues_one_and_condition(k):
    eig = np.linalg.eigvalsh(_hessians(quadratic(k), _random_points(quadratic(k), 20)))
    np.testing.assert_allclose(eig, np.broadcast_to(sorted([1.0, k]), eig.shape), rtol=1e-7)


# --- every local minimum is listed (#12) ----------------------------------------------------------

from tests.fixtures.find_minima import find_minima  # noqa: E402


@pytest.mark.parametrize("name", sorted(WITH_MINIMA))
def test_minima_have_a_positive_definite_hessian(name):
    s = WITH_MINIMA[name]
    eig = np.linalg.eigvalsh(s.hessian(s.minima))
    assert (eig > 0).all(), f"{name}: not curving up at {s.minima[(eig <= 0).any(axis=-1)]}"


@pytest.mark.parametrize("name", sorted(WITH_MINIMA))
def test_minima_are_listed_once(name):
    s = WITH_MINIMA[name]
    d = np.linalg.norm(s.minima[:, None] - s.minima[None], axis=-1)
    assert np.where(np.eye(len(d), dtype=bool), np.inf, d).min() > 1e-3 * _width(s), f"{name}: listed twice"


@pytest.mark.parametrize(("name", "count"), [("ackley", 121), ("rastrigin", 121)])
def test_egg_cartons_list_all_their_minima(name, count):
    # Ackley listed only its global minimum: 884 of 900 cells of a basin map said "no minimum"
    assert len(SURFACES[name].minima) == count


@pytest.mark.parametrize("name", sorted(SURFACES))
def test_a_grid_search_finds_no_minimum_that_is_not_listed(name):
    s = SURFACES[name]
    found = find_minima(s, n=161)  # the fixture's own search, on a coarser grid than the one it printed
    assert len(found) == len(s.minima), f"{name}: found {len(found)}, listed {len(s.minima)}"
    if len(found):
        d = np.linalg.norm(found[:, None] - s.minima[None], axis=-1).min(axis=1)
        assert d.max() < 1e-6 * _width(s), f"{name}: {found[d.argmax()]} is not listed"


def test_hessian_of_the_long_valley_is_exact_enough():
    np.testing.assert_allclose(
        quadratic(10.0).hessian([[1.0, 2.0], [-3.0, 0.5]]), [np.diag([1.0, 10.0])] * 2, rtol=1e-8
    )


@pytest.mark.parametrize("name", list(SURFACES))
def test_every_surface_carries_its_torch_body(name):
    """The PyTorch snippet writes f from the surface's own record: one home, so a new surface needs no other file."""
    s = SURFACES[name]
    assert s.torch.strip().splitlines()[-1].startswith("return ")
    assert s.title in torch_function(s)
