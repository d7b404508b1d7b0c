"""The computational graphs CS231n walks through by hand, ready to step through, and their check.

``CIRCUITS`` maps a name to a ``Circuit``: the formula as typed, the input values the lecture uses
and a sentence on what to watch. ``chain_rule(nodes, steps, at)`` tells a step of backprop with the
local gradient and the upstream gradient apart. ``check_gradients(e, values)`` puts each input's
gradient by backprop beside a centered-difference estimate (``numerical_gradient``) and their relative error.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..expression import Expression
from ..linear.gradcheck import numerical_gradient, rel_error
from .trace import FORMS, GraphNode, Step, fmt


class Circuit(NamedTuple):
    title: str
    text: str
    values: dict[str, float]
    watch: str


CIRCUITS: dict[str, Circuit] = {
    "add_multiply": Circuit(
        "(x + y) · z",
        "(x + y) * z",
        {"x": -2.0, "y": 5.0, "z": -4.0},
        "The add gate hands the same gradient to x and y; the multiply gate swaps: ∂f/∂z is x + y.",
    ),
    "neuron": Circuit(
        "A 2D sigmoid neuron",
        "1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))",
        {"w0": 2.0, "x0": -1.0, "w1": -3.0, "x1": -2.0, "w2": -3.0},
        "Step by step it takes many small gates; at the end ∂f/∂w0 = −0.2 and ∂f/∂x0 = 0.39, as in the lecture.",
    ),
    "max_gate": Circuit(
        "2 · (x·y + max(z, w))",
        "2 * (x*y + max(z, w))",
        {"x": 3.0, "y": -4.0, "z": 2.0, "w": -1.0},
        "The max gate routes the whole gradient to its larger input (z) and nothing to the other (w).",
    ),
    "squared_error": Circuit(
        "Squared error of a line",
        "(w*x + b - y)**2",
        {"w": 0.5, "x": 2.0, "b": 0.1, "y": 3.0},
        "The gradient of a loss for one example: ∂f/∂w = 2 (w x + b − y) x, the update gradient descent takes.",
    ),
    "fan_out": Circuit(
        "A variable used twice",
        "x * y + x",
        {"x": 3.0, "y": -2.0},
        "x feeds two gates, so two gradients flow back into it and add up (+=): ∂f/∂x = y + 1.",
    ),
}


class Told(NamedTuple):
    line: str  # the step as a formula
    words: str  # what its parts are, for the teacher ("" when the line says it all)


def _gate(g: GraphNode, nodes: tuple[GraphNode, ...]) -> str:
    """The gate's own formula in its inputs' names: x + y, exp(g), a**2, max(z, w)."""
    return FORMS.get(g.op, g.op + "({0})").format(*(nodes[i].name for i in g.inputs), label=g.label)


def _nth(k: int, n: int) -> str:
    return ("first", "second", "third")[k] if n <= 3 else f"number {k + 1} of the {n}"


def chain_rule(nodes: tuple[GraphNode, ...], steps: list[Step], at: int) -> Told:
    """``steps[at]`` told for a student. A backward step along the wire x → q reads
    ``∂f/∂x += ∂(x + y)/∂x × ∂f/∂q = 1 × -4 = -4``: the local gradient is the derivative of the gate's own
    formula (so it never reads ∂f/∂x again when q is the output f), the upstream gradient is ∂f/∂q; the
    words name both. Other steps keep their own text."""
    s = steps[at]
    if s.phase == "forward" or s.edge is None:
        return Told(s.text, "")
    i, c = s.edge
    x, q, f = nodes[i].name, nodes[c].name, nodes[-1].name
    gate = _gate(nodes[c], nodes)
    local = f"∂({gate})/∂{x}" if nodes[c].op in ("+", "-", "*", "/", "**", "pow", "neg") else f"∂{gate}/∂{x}"
    line = f"backward: ∂{f}/∂{x} += {local} × ∂{f}/∂{q} = {fmt(s.local)} × {fmt(s.upstream)} = {fmt(s.product)}"
    if any(t.edge is not None and t.edge[0] == i for t in steps[:at]):  # x feeds more than one wire
        line += f" (so far ∂{f}/∂{x} = {fmt(s.grad)})"
    wires = nodes[c].inputs.count(i)
    if wires > 1:  # x * x: each of the gate's x wires has its own local gradient
        local += f" along its {_nth(sum(t.edge == s.edge for t in steps[:at]), wires)} {x} wire"
    upstream = "the seed" if c == nodes[-1].id else f"what reached {q} from {f}, already known"
    words = (
        f"local gradient {local} = {fmt(s.local)}: how the gate {q} = {gate} alone changes when {x} moves. "
        f"Upstream gradient ∂{f}/∂{q} = {fmt(s.upstream)}: {upstream}. "
        f"Local × upstream = {fmt(s.product)} is added to ∂{f}/∂{x}."
    )
    return Told(line, words)


class GradientCheck(NamedTuple):
    name: str
    backprop: float
    numerical: float
    rel_error: float


def check_gradients(e: Expression, values: dict[str, float], h: float = 1e-6) -> list[GradientCheck]:
    """Each input's ∂f/∂input by backprop beside a centered difference of ``e.evaluate``."""
    names = list(e.variables)
    if not names:  # a constant formula (2 + 3): nothing to check
        return []
    point = np.array([float(values[n]) for n in names])
    exact = e.gradients({n: float(values[n]) for n in names})
    numeric = numerical_gradient(lambda p: float(e.evaluate(dict(zip(names, p, strict=True)))), point, h, "centered")
    with np.errstate(all="ignore"):  # at a pole (log 0, x / 0) both are inf or nan: the table shows it
        errors = [float(rel_error(exact[n], numeric[i])) for i, n in enumerate(names)]
    return [GradientCheck(n, float(exact[n]), float(numeric[i]), errors[i]) for i, n in enumerate(names)]
