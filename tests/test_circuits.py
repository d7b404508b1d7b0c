"""The lecture's circuits: each parses, its values cover its inputs, and f and every gradient equal the
numbers worked out by hand (CS231n's own for the first three); the gradient check agrees and catches a
wrong gradient."""

import math

import numpy as np
import pytest

from gdviz import parse_expression
from gdviz.circuits import CIRCUITS, check_gradients
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
