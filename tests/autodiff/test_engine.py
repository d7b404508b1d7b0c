"""Tests for gdviz/autodiff: every op's gradient against centered differences, scalars and broadcast arrays.

Also the engine's promises: fan-out accumulates, backward sets (never carries over) gradients, the
topological order is micrograd's depth-first post-order and the same on every build, the kinks take
the documented side, and non-finite arithmetic is silent.
"""

import warnings

import numpy as np
import pytest

from gdviz.autodiff import (
    OPS,
    Node,
    absolute,
    backward,
    const,
    cos,
    exp,
    log,
    maximum,
    minimum,
    relu,
    sigmoid,
    sin,
    sqrt,
    tanh,
    topo_order,
    unbroadcast,
    variable,
)
from gdviz.autodiff.engine import pow_const, power

H = 1e-6

# op -> (function of Nodes, low, high): inputs drawn from [low, high], away from kinks by the draw below
UNARY = {
    "neg": (lambda a: -a, -3.0, 3.0),
    "exp": (exp, -3.0, 3.0),
    "log": (log, 0.2, 4.0),
    "sqrt": (sqrt, 0.2, 4.0),
    "sin": (sin, -3.0, 3.0),
    "cos": (cos, -3.0, 3.0),
    "tanh": (tanh, -3.0, 3.0),
    "sigmoid": (sigmoid, -5.0, 5.0),
    "relu": (relu, -3.0, 3.0),
    "abs": (absolute, -3.0, 3.0),
    "pow 3": (lambda a: a**3, -2.0, 2.0),
    "pow -1.5": (lambda a: a**-1.5, 0.3, 3.0),
    "pow 0.5": (lambda a: pow_const(a, 0.5), 0.3, 3.0),
}
BINARY = {
    "+": (lambda a, b: a + b, -3.0, 3.0),
    "-": (lambda a, b: a - b, -3.0, 3.0),
    "*": (lambda a, b: a * b, -3.0, 3.0),
    "/": (lambda a, b: a / b, 0.5, 3.0),
    "**": (lambda a, b: a**b, 0.3, 2.5),
    "max": (maximum, -3.0, 3.0),
    "min": (minimum, -3.0, 3.0),
}


def _draw(low, high, shape, seed):
    """Uniform values kept 0.05 away from 0 and from each other's kinks (relu, abs, max, min)."""
    v = np.random.default_rng(seed).uniform(low, high, shape)
    return np.where(np.abs(v) < 0.05, 0.05 * np.sign(v + 1e-300) + v, v)


def _numerical(fn, values, i):
    """∂(sum of fn(*values))/∂values[i], elementwise, by centered differences."""
    x = np.array(values[i], dtype=np.float64)
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        hi, lo = x.copy(), x.copy()
        hi[idx] += H
        lo[idx] -= H
        f_hi = fn(*[const(hi if j == i else v) for j, v in enumerate(values)]).value
        f_lo = fn(*[const(lo if j == i else v) for j, v in enumerate(values)]).value
        g[idx] = (np.sum(f_hi) - np.sum(f_lo)) / (2 * H)
    return g


def _analytic(fn, values):
    nodes = [variable(v, f"v{i}") for i, v in enumerate(values)]
    backward(fn(*nodes))
    return [np.asarray(n.grad) for n in nodes]


@pytest.mark.parametrize("shape", [(), (5,), (3, 4)])
@pytest.mark.parametrize("name", UNARY)
def test_unary_op_gradient_matches_centered_differences(name, shape):
    fn, low, high = UNARY[name]
    a = _draw(low, high, shape, seed=len(name))
    (g,) = _analytic(fn, [a])
    assert g.shape == np.shape(a)
    np.testing.assert_allclose(g, _numerical(fn, [a], 0), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("shapes", [((), ()), ((4,), (4,)), ((3, 1), (4,)), ((), (2, 3)), ((2, 1, 3), (1, 4, 1))])
@pytest.mark.parametrize("name", BINARY)
def test_binary_op_gradient_matches_centered_differences_under_broadcasting(name, shapes):
    fn, low, high = BINARY[name]
    values = [_draw(low, high, s, seed=i + 7 * len(name)) for i, s in enumerate(shapes)]
    if name in ("max", "min"):
        values[1] = values[1] + 0.1  # no ties within H
    grads = _analytic(fn, values)
    for i, (g, v) in enumerate(zip(grads, values, strict=True)):
        assert g.shape == np.shape(v), "a gradient has its input's shape: broadcast axes are summed"
        np.testing.assert_allclose(g, _numerical(fn, values, i), rtol=1e-6, atol=1e-8)


def test_every_op_in_the_registry_is_covered():
    covered = {"neg", "exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "abs", "pow", *BINARY}
    assert set(OPS) == covered


def test_a_composite_against_its_derivative_by_hand():
    x = variable(np.linspace(-2, 2, 9), "x")
    f = sigmoid(x * x) * tanh(x) + exp(-x) / (1 + x**2)
    backward(f)
    xv = x.value
    s = 1 / (1 + np.exp(-(xv**2)))
    expected = s * (1 - s) * 2 * xv * np.tanh(xv) + s * (1 - np.tanh(xv) ** 2)
    expected += (-np.exp(-xv) * (1 + xv**2) - np.exp(-xv) * 2 * xv) / (1 + xv**2) ** 2
    np.testing.assert_allclose(x.grad, expected, rtol=1e-12)


def test_fan_out_accumulates():
    x = variable(3.0, "x")
    f = x * x + x  # x feeds three edges
    edges = backward(f, record=True)
    assert x.grad == 2 * 3.0 + 1
    into_x = [e for e in edges if e.input is x]
    assert len(into_x) == 3
    assert [float(e.grad) for e in into_x] == [1.0, 4.0, 7.0]  # reverse order: the + edge, then x*x's two


def test_backward_sets_gradients_it_does_not_carry_them_over():
    x = variable(2.0, "x")
    f = x * x
    backward(f)
    backward(f)
    assert x.grad == 4.0 and f.grad == 1.0


def test_local_gradients_wait_for_backward():
    x = variable(2.0, "x")
    f = exp(x) * x
    assert not any("local" in vars(n) for n in topo_order(f)), "a forward pass alone computes no local gradient"
    assert backward(f) == [], "edges are kept only when asked for"
    assert f.local == (x.value, np.exp(2.0)) and x.grad == np.exp(2.0) * 3


def test_edges_record_local_times_upstream():
    x, y, z = variable(-2.0, "x"), variable(5.0, "y"), variable(-4.0, "z")
    q = x + y
    f = q * z
    edges = backward(f, record=True)
    assert [(e.node, e.input) for e in edges] == [(f, q), (f, z), (q, x), (q, y)]
    for e in edges:
        assert e.product == e.local * e.upstream
    assert (x.grad, y.grad, z.grad, q.grad) == (-4.0, -4.0, 3.0, -4.0)


def _recursive_topo(root):
    order, seen = [], set()

    def build(n):
        if n not in seen:
            seen.add(n)
            for child in n.inputs:
                build(child)
            order.append(n)

    build(root)
    return order


def test_topological_order_is_depth_first_post_order_and_stable():
    def graph():
        a, b = variable(1.0, "a"), variable(2.0, "b")
        c = a * b
        return (c + a) * exp(c - b) + maximum(b, c)

    f = graph()
    order = topo_order(f)
    assert order == _recursive_topo(f)
    position = {n: i for i, n in enumerate(order)}
    assert all(position[i] < position[n] for n in order for i in n.inputs)
    assert order[-1] is f and len(order) == len(set(order))
    assert [n.label for n in order] == [n.label for n in topo_order(graph())]
    assert [n.label for n in order][:4] == ["a", "b", "*", "+"]


def test_a_long_chain_needs_no_recursion():
    x = variable(1.0, "x")
    f = x
    for _ in range(5000):
        f = f + 1.0
    backward(f)
    assert f.value == 5001.0 and x.grad == 1.0


@pytest.mark.parametrize(
    "fn, expected",
    [
        (lambda a: relu(a), 0.0),  # torch's side of the kink
        (lambda a: absolute(a), 0.0),
        (lambda a: maximum(a, 0.0), 0.5),  # a tie splits the gradient, as torch.maximum does
        (lambda a: maximum(0.0, a), 0.5),
        (lambda a: minimum(a, 0.0), 0.5),
        (lambda a: minimum(0.0, a), 0.5),
        (lambda a: pow_const(a, 0), 0.0),  # d(a**0)/da = 0, even at 0
        (lambda a: power(a, const(2.0)), 0.0),
    ],
)
def test_kinks_take_the_documented_side(fn, expected):
    a = variable(0.0, "a")
    backward(fn(a))
    assert a.grad == expected


def test_max_and_min_route_the_whole_gradient_and_split_it_on_a_tie():
    a, b = variable(np.array([1.0, 5.0, 2.0]), "a"), variable(np.array([3.0, 4.0, 2.0]), "b")
    backward(maximum(a, b) * 10.0)
    np.testing.assert_array_equal(a.grad, [0.0, 10.0, 5.0])
    np.testing.assert_array_equal(b.grad, [10.0, 0.0, 5.0])


def test_power_with_a_zero_base_has_torchs_exponent_gradient():
    a, b = variable(0.0, "a"), variable(2.0, "b")
    backward(power(a, b))
    assert a.grad == 0.0 and b.grad == 0.0  # not 0 * log 0 = nan


def test_non_finite_arithmetic_is_silent():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = variable(np.array([0.0, -1.0, 1.0]), "x")
        f = log(x) + x / x + sqrt(x) + exp(x * 1e3) + x**-2
        backward(f)
    assert np.isneginf(log(const(0.0)).value)
    assert np.isnan(f.value[:2]).all() and np.isinf(f.value[2])
    assert np.isnan(x.grad[:2]).all()


def test_operators_accept_numbers_on_either_side():
    x = variable(2.0, "x")
    values = [(1 + x).value, (x - 1).value, (1 - x).value, (3 * x).value, (1 / x).value, (x / 4).value]
    assert values == [3.0, 1.0, -1.0, 6.0, 0.5, 0.5]
    assert (2**x).value == 4.0 and (x**3).value == 8.0 and (-x).value == -2.0
    assert (x**3).op == "pow" and (x**3).label == "**3" and (2**x).op == "**"


def test_values_are_float64_and_scalars_stay_scalars():
    x = variable(2, "x")
    assert isinstance(x.value, np.float64) and np.ndim((x * x).value) == 0
    y = variable([1, 2], "y")
    assert y.value.dtype == np.float64 and (y * x).shape == (2,)
    assert isinstance(y, Node) and const(-2.0).label == "-2"


@pytest.mark.parametrize(
    "g_shape, shape, expected",
    [((3, 4), (3, 4), 1.0), ((3, 4), (4,), 3.0), ((3, 4), (3, 1), 4.0), ((3, 4), (), 12.0), ((2, 3, 4), (1, 4), 6.0)],
)
def test_unbroadcast_sums_the_axes_broadcasting_made(g_shape, shape, expected):
    out = unbroadcast(np.ones(g_shape), shape)
    assert np.shape(out) == shape
    np.testing.assert_array_equal(out, np.full(shape, expected))


# what torch 2.13 gives (float64), printed by tests/fixtures/make_tie_refs.py: (op, a, b, a.grad, b.grad) after
# torch.maximum(a, b).backward() or torch.minimum; torch.maximum(a, a) gives a.grad = 1.0 (two halves)
TORCH_TIES = [
    ("max", 2.0, 2.0, 0.5, 0.5),
    ("min", 2.0, 2.0, 0.5, 0.5),
    ("max", 3.0, 2.0, 1.0, 0.0),
    ("min", 3.0, 2.0, 0.0, 1.0),
    ("max", 2.0, np.nan, 1.0, 1.0),
    ("min", np.nan, 2.0, 1.0, 1.0),
]


@pytest.mark.parametrize("op, a0, b0, ga, gb", TORCH_TIES)
def test_max_and_min_give_torchs_gradients_at_ties(op, a0, b0, ga, gb):
    a, b = variable(a0, "a"), variable(b0, "b")
    backward({"max": maximum, "min": minimum}[op](a, b))
    assert (a.grad, b.grad) == (ga, gb)


def test_max_of_a_variable_with_itself_gives_it_the_whole_gradient():
    for fn in (maximum, minimum):
        a = variable(2.0, "a")
        backward(fn(a, a))  # torch.maximum(a, a): ½ through each argument, 1 in all
        assert a.grad == 1.0


@pytest.mark.parametrize("fn", [maximum, minimum])
def test_max_and_min_match_finite_differences_away_from_ties(fn):
    rng = np.random.default_rng(0)
    a0, b0 = rng.normal(size=50), rng.normal(size=50)
    a, b = variable(a0, "a"), variable(b0, "b")
    backward(fn(a, b) ** 2)
    h = 1e-6
    for var, x0, other, first in ((a, a0, b0, True), (b, b0, a0, False)):
        def g(x, other=other, first=first):
            return np.asarray(fn(x, other).value if first else fn(other, x).value) ** 2

        np.testing.assert_allclose(var.grad, (g(x0 + h) - g(x0 - h)) / (2 * h), rtol=1e-6, atol=1e-8)
