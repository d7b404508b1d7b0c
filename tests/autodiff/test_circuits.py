"""The lecture's circuits: each parses, its values cover its inputs, and f and every gradient equal the
numbers worked out by hand (CS231n's own for the first three); the gradient check agrees and catches a
wrong gradient; ``chain_rule`` tells every backward step with its local and upstream gradients apart."""

import math

import numpy as np
import pytest

from gdviz import parse_expression
from gdviz.autodiff.circuits import CIRCUITS, chain_rule, check_gradients
from gdviz.autodiff.trace import fmt
from gdviz.expression import Expression

SIG = 1 / (1 + math.exp(-1.0))  # the neuron's w·x + b is 2·(-1) + (-3)·(-2) - 3 = 1
DSIG = SIG * (1 - SIG)

# name -> (f, {input: ∂f/∂input}), computed by hand at the circuit's values
HAND = {
    "add_multiply": (-12.0, {"x": -4.0, "y": -4.0, "z": 3.0}),
    "neuron": (SIG, {"w0": -1 * DSIG, "x0": 2 * DSIG, "w1": -2 * DSIG, "x1": -3 * DSIG, "w2": DSIG}),
    "max_gate": (-20.0, {"x": -8.0, "y": 6.0, "z": 2.0, "w": 0.0}),
    # r = w x + b - y = 0.5·2 + 0.1 - 3 = -1.9; f = r²; ∂f/∂w = 2 r x, ∂x = 2 r w, ∂b = 2 r, ∂y = -2 r
    "squared_error": (3.61, {"w": -7.6, "x": -1.9, "b": -3.8, "y": 3.8}),
    # f = x y + x at (3, -2): ∂f/∂x = y + 1 (two paths add up), ∂f/∂y = x
    "fan_out": (-3.0, {"x": -1.0, "y": 3.0}),
}


def test_every_circuit_has_hand_numbers():
    assert set(HAND) == set(CIRCUITS)


@pytest.mark.parametrize("name", list(CIRCUITS))
def test_circuit_parses_and_its_values_cover_its_inputs(name):
    c = CIRCUITS[name]
    e = parse_expression(c.text)
    assert set(c.values) == set(e.variables)
    assert all(isinstance(v, float) and math.isfinite(v) for v in c.values.values())
    assert c.title and c.watch


@pytest.mark.parametrize("name", list(CIRCUITS))
def test_circuit_value_and_gradients_match_the_hand_computation(name):
    c, (f, grads) = CIRCUITS[name], HAND[name]
    e = parse_expression(c.text)
    assert e.evaluate(c.values) == pytest.approx(f, abs=1e-12)
    got = e.gradients(c.values)
    assert set(got) == set(grads)
    for var, g in grads.items():
        assert got[var] == pytest.approx(g, abs=1e-12), var
    # the graph's nodes agree: the output is f, each input node's grad is its ∂f/∂input
    nodes = e.graph(c.values)
    assert nodes[-1].value == pytest.approx(f, abs=1e-12) and nodes[-1].grad == 1.0
    inputs = {g.label: g.grad for g in nodes if g.op == "input"}
    assert inputs == pytest.approx(grads, abs=1e-12)


def test_the_lecture_rounds_the_neuron_as_the_slides_do():
    e = parse_expression(CIRCUITS["neuron"].text)
    values = CIRCUITS["neuron"].values
    assert round(e.evaluate(values), 4) == 0.7311
    got = {k: round(float(v), 4) for k, v in e.gradients(values).items()}
    assert got == {"w0": -0.1966, "x0": 0.3932, "w1": -0.3932, "x1": -0.5898, "w2": 0.1966}


@pytest.mark.parametrize("name", list(CIRCUITS))
def test_check_gradients_agrees_with_centered_differences(name):
    c = CIRCUITS[name]
    e = parse_expression(c.text)
    rows = check_gradients(e, c.values)
    assert [r.name for r in rows] == list(e.variables)
    for r in rows:
        assert r.backprop == pytest.approx(HAND[name][1][r.name], abs=1e-12)
        assert r.numerical == pytest.approx(r.backprop, abs=1e-7)
        assert r.rel_error < 1e-7, r


def test_check_gradients_flags_a_wrong_gradient(monkeypatch):
    c = CIRCUITS["neuron"]
    e = parse_expression(c.text)
    right = Expression.gradients
    monkeypatch.setattr(
        Expression, "gradients", lambda self, values: {k: 1.05 * v for k, v in right(self, values).items()}
    )
    rows = check_gradients(e, c.values)
    # |1.05 g - g| / (1.05 |g| + |g|) = 0.05 / 2.05 ≈ 0.024 for every input: far above 1e-7
    for r in rows:
        assert r.rel_error == pytest.approx(0.05 / 2.05, rel=1e-5), r
    # a gradient with the wrong sign is as wrong as it gets
    monkeypatch.setattr(Expression, "gradients", lambda self, values: {k: -v for k, v in right(self, values).items()})
    assert all(r.rel_error == pytest.approx(1.0) for r in check_gradients(e, c.values))


def test_check_gradients_sees_a_dropped_fan_out_path(monkeypatch):
    """The classic bug: x = instead of x += on the second use. ∂f/∂x loses y (or 1) and the check shows it."""
    c = CIRCUITS["fan_out"]
    e = parse_expression(c.text)
    right = Expression.gradients
    monkeypatch.setattr(Expression, "gradients", lambda self, values: {**right(self, values), "x": 1.0})
    rows = {r.name: r for r in check_gradients(e, c.values)}
    assert rows["x"].rel_error == pytest.approx(1.0)  # 1 vs -1
    assert rows["y"].rel_error < 1e-7


def test_check_gradients_of_a_formula_without_inputs_is_empty():
    """A student may type a constant, 2 + 3: there is nothing to check, and nothing must break."""
    assert check_gradients(parse_expression("2 + 3"), {}) == []


def test_check_gradients_uses_the_given_values():
    e = parse_expression("x*x + sin(y)")
    rows = {r.name: r for r in check_gradients(e, {"x": 1.5, "y": 0.5})}
    assert rows["x"].backprop == pytest.approx(3.0) and rows["y"].backprop == pytest.approx(np.cos(0.5))
    assert all(r.rel_error < 1e-7 for r in rows.values())


# ---------------------------------------------------------------- chain_rule

TOLD = {name: (c.text, c.values) for name, c in CIRCUITS.items()}
TOLD |= {"square": ("x * x", {"x": 3.0}), "pow": ("exp(x)**2", {"x": 0.5}), "twice_max": ("max(x, x) * x", {"x": 1.0})}


def _told(name):
    text, values = TOLD[name]
    e = parse_expression(text)
    nodes, steps = e.graph(values), e.steps(values)
    return nodes, steps, [chain_rule(nodes, steps, at) for at in range(len(steps))]


@pytest.mark.parametrize("name", list(TOLD))
def test_a_backward_step_never_reads_as_circular(name):
    """∂f/∂a += ∂f/∂a × ∂f/∂f was the page's line for the last gate: the right side repeated the left."""
    nodes, steps, told = _told(name)
    f = nodes[-1].name
    for s, t in zip(steps, told, strict=True):
        if s.edge is None:
            assert t == (s.text, ""), "forward steps and the seed keep their own text"
            continue
        x, q = nodes[s.edge[0]].name, nodes[s.edge[1]].name
        target, rest = t.line.removeprefix("backward: ").split(" += ", 1)
        product = rest.split(" = ")[0]
        local, upstream = product.split(" × ")
        assert target == f"∂{f}/∂{x}" and upstream == f"∂{f}/∂{q}", t.line
        assert target not in local and local.endswith(f"/∂{x}") and local.startswith("∂"), t.line
        assert f" = {fmt(s.local)} × {fmt(s.upstream)} = {fmt(s.product)}" in t.line
        # the words say which is which, with the same numbers
        assert t.words.startswith(f"local gradient {local}") and f"= {fmt(s.local)}: how the gate {q} = " in t.words
        assert f"Upstream gradient ∂{f}/∂{q} = {fmt(s.upstream)}: " in t.words
        assert t.words.endswith(f"Local × upstream = {fmt(s.product)} is added to ∂{f}/∂{x}.")


def test_the_local_gradient_is_the_gates_own_formula():
    nodes, steps, told = _told("neuron")
    lines = [t.line for t in told]
    assert "backward: ∂f/∂i += ∂(1 / i)/∂i × ∂f/∂f = -0.5344 × 1 = -0.5344" in lines
    assert "backward: ∂f/∂g += ∂exp(g)/∂g × ∂f/∂h = 0.3679 × -0.5344 = -0.1966" in lines
    assert "backward: ∂f/∂d += ∂(-d)/∂d × ∂f/∂g = -1 × -0.1966 = 0.1966" in lines
    assert "backward: ∂f/∂x0 += ∂(w0 * x0)/∂x0 × ∂f/∂a = 2 × 0.1966 = 0.3932" in lines
    words = told[lines.index("backward: ∂f/∂g += ∂exp(g)/∂g × ∂f/∂h = 0.3679 × -0.5344 = -0.1966")].words
    assert words == (
        "local gradient ∂exp(g)/∂g = 0.3679: how the gate h = exp(g) alone changes when g moves. "
        "Upstream gradient ∂f/∂h = -0.5344: what reached h from f, already known. "
        "Local × upstream = -0.1966 is added to ∂f/∂g."
    )


def test_fan_out_says_the_sum_so_far_and_two_wires_into_one_gate_are_told_apart():
    _, _, told = _told("fan_out")
    assert [t.line for t in told if "so far" in t.line] == [
        "backward: ∂f/∂x += ∂(x * y)/∂x × ∂f/∂a = -2 × 1 = -2 (so far ∂f/∂x = -1)"
    ]
    _, _, told = _told("square")
    into_x = [t for t in told if t.words]
    assert [t.words.split(" = ")[0] for t in into_x] == [
        "local gradient ∂(x * x)/∂x along its first x wire",
        "local gradient ∂(x * x)/∂x along its second x wire",
    ]
    assert into_x[1].line.endswith("= 3 × 1 = 3 (so far ∂f/∂x = 6)")
