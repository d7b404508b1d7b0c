"""Tests for gdviz/surface/formula.py: a typed formula as a Surface, against analytic gradients and the built-ins.

A built-in surface's formula typed as text must give the built-in's values and gradients on a grid
to 1e-12: the engine's reverse mode against gradients derived by hand in gdviz/surface/functions.py.
"""

import numpy as np
import pytest

import gdviz
from gdviz import SURFACES, ExpressionError, Surface, custom_surface

TYPED = {
    "rosenbrock": "(1 - x)**2 + 100*(y - x**2)**2",
    "himmelblau": "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
    "beale": "(1.5 - x + x*y)**2 + (2.25 - x + x*y**2)**2 + (2.625 - x + x*y**3)**2",
    "booth": "(x + 2*y - 7)**2 + (2*x + y - 5)**2",
    "matyas": "0.26*(x**2 + y**2) - 0.48*x*y",
    "rastrigin": "20 + x**2 - 10*cos(2*pi*x) + y**2 - 10*cos(2*pi*y)",
    "ackley": "-20*exp(-0.2*sqrt(0.5*(x**2 + y**2))) - exp(0.5*(cos(2*pi*x) + cos(2*pi*y))) + e + 20",
    "saddle": "x^2 - y^2",
}


def _grid(domain, n=101):  # 10,201 points: more than one CHUNK
    (x0, x1), (y0, y1) = domain
    return np.stack(np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n)), axis=-1)


@pytest.mark.parametrize("name", TYPED)
def test_a_typed_builtin_matches_the_builtin(name):
    builtin = SURFACES[name]
    typed = custom_surface(TYPED[name], domain=builtin.domain)
    p = _grid(builtin.domain)
    if name == "ackley":
        p = p[np.linalg.norm(p, axis=-1) > 1e-9]  # the cone's tip: the built-in picks 0, autodiff gives nan
    np.testing.assert_allclose(typed.f(p), builtin.f(p), rtol=1e-12, atol=1e-12)
    g_typed, g_builtin = typed.grad(p), builtin.grad(p)
    scale = np.abs(g_builtin).max(axis=-1, keepdims=True) + 1.0
    np.testing.assert_allclose(g_typed / scale, g_builtin / scale, rtol=0, atol=1e-12)


def test_gradient_is_the_analytic_one():
    s = custom_surface("x**2 + 3*y**2")
    p = _grid(s.domain, 11)
    np.testing.assert_array_equal(s.f(p), p[..., 0] ** 2 + 3 * p[..., 1] ** 2)
    np.testing.assert_array_equal(s.grad(p), np.stack([2 * p[..., 0], 6 * p[..., 1]], axis=-1))


@pytest.mark.parametrize("shape", [(2,), (7, 2), (3, 5, 2)])
@pytest.mark.parametrize("text", ["x**2 + 3*y**2", "sin(x)", "y", "2", "pi * e"])
def test_shapes_follow_the_surface_contract(text, shape):
    s = custom_surface(text)
    p = np.random.default_rng(0).uniform(-2, 2, shape)
    assert s.f(p).shape == shape[:-1]
    assert s.grad(p).shape == shape
    assert np.isfinite(s.grad(p)).all()


def test_fxy_broadcasts_and_gives_every_point_its_own_gradient():
    s = custom_surface("x * y")
    x, y = np.linspace(-1, 1, 4)[None, :], np.linspace(-2, 2, 3)[:, None]
    assert s.fxy(x, y).shape == (3, 4)
    gx, gy = s.gradxy(x, y)
    np.testing.assert_array_equal(gx, np.broadcast_to(y, (3, 4)))  # not summed over the broadcast axis
    np.testing.assert_array_equal(gy, np.broadcast_to(x, (3, 4)))
    c = custom_surface("3")
    assert c.fxy(x, y).shape == (3, 4) and (c.fxy(x, y) == 3).all()
    assert all(g.shape == (3, 4) and not g.any() for g in c.gradxy(x, y))


def test_the_surface_describes_itself():
    s = custom_surface("x**2 + 3*y**2", domain=((-2, 4), (-1, 1)))
    assert isinstance(s, Surface) and s.name == "custom"
    assert s.title == "Custom: f(x, y) = x**2 + 3*y**2"
    assert s.latex == r"f(x, y) = x^{2} + 3 \cdot y^{2}"
    assert s.minima.shape == (0, 2) and s.global_minima.shape == (0, 2)
    assert s.domain == ((-2.0, 4.0), (-1.0, 1.0)) and s.log_levels is False
    assert s.start == pytest.approx((1 + 0.8 * 3, 0.8))  # 80% of the way from the centre to the top right corner
    assert "\n" not in s.description and s.extras["expression"].text == "x**2 + 3*y**2"
    xs, ys, Z = s.grid(50)
    assert Z.shape == (50, 50) and np.isfinite(Z).all()


def test_partly_non_finite_is_allowed_and_the_start_is_finite():
    s = custom_surface("log(-x) + sqrt(-y)")  # finite only in the lower left quarter
    assert np.isfinite(s.f(s.start)) and np.isfinite(s.grad(s.start)).all()
    assert s.start == pytest.approx((-2.4, -2.4))
    _, _, Z = s.grid(20)
    assert np.isnan(Z).any() and np.isfinite(Z).any()


@pytest.mark.parametrize(
    "text, message",
    [
        ("x + z", "unknown variable z: use x and y only"),
        ("a * x + b", "unknown variables a, b"),
        ("log(-x**2 - 1)", "f is not finite anywhere on the domain"),
        ("1/0", "f is not finite anywhere on the domain"),
        ("x.real", "attribute access"),
        ("", "empty"),
    ],
)
def test_refusals(text, message):
    with pytest.raises(ExpressionError, match=message):
        custom_surface(text)


@pytest.mark.parametrize("domain", [((1, -1), (0, 1)), ((0, 1), (0, 0)), ((0, np.inf), (0, 1))])
def test_a_bad_domain_is_refused(domain):
    with pytest.raises(ValueError, match="domain"):
        custom_surface("x + y", domain=domain)


def test_an_optimizer_runs_on_a_typed_surface():
    s = gdviz.custom_surface("x**2 + 10*y**2")
    traj = gdviz.run(s, "adam", (1.0, 1.0), 50)
    assert traj.points.shape == (51, 2) and np.isfinite(traj.points).all()
    assert traj.losses[-1] < traj.losses[0] == 11.0
    sgd = gdviz.run(s, "sgd", (1.0, 1.0), 200, lr=0.05)
    np.testing.assert_allclose(sgd.final, 0.0, atol=1e-8)  # x shrinks 0.9x a step; y is 0 after one (1 - 0.05 * 20)


@pytest.mark.parametrize("formula", ["(-1)**x", "(-2)**(x + y)"])
def test_a_formula_with_no_finite_gradient_anywhere_is_refused(formula):
    """(-1)**x has a value at whole x and a slope nowhere: every start would be refused later, so say it now."""
    with pytest.raises(ExpressionError, match="no finite gradient anywhere"):
        custom_surface(formula)
