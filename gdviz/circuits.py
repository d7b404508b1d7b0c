"""The computational graphs CS231n walks through by hand, ready to step through, and their check.

``CIRCUITS`` maps a name to a ``Circuit``: the formula as typed, the input values the lecture uses
and a sentence on what to watch. ``check_gradients(e, values)`` puts each input's gradient by
backprop beside a centered-difference estimate (``numerical_gradient``) and their relative error.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .expression import Expression
from .linear.gradcheck import numerical_gradient, rel_error


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
