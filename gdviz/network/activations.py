"""Activation functions of a network's hidden layers: one record each, in ``ACTIVATIONS``.

Every record holds the same five things: ``forward(z) -> a``, elementwise on any shape, and
``derivative(z, a) -> da/dz`` from the pre-activation z and the activation a (tanh and sigmoid read
it from a, as torch's backward does: 1 − a², a(1 − a)), plus a title, the LaTeX of both, and the
``torch.nn`` module that computes the same (``nn.Tanh`` ...). ``activation(name)`` refuses an
unknown name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np


class Activation(NamedTuple):
    """One activation: its name, title, LaTeX (the function, then its derivative), the torch.nn module
    and the two functions a forward and a backward pass need."""

    name: str
    title: str
    latex: str
    derivative_latex: str
    torch: str  # the torch.nn class, e.g. "Tanh": nn.Tanh()
    forward: Callable[[np.ndarray], np.ndarray]  # z -> a, elementwise
    derivative: Callable[[np.ndarray, np.ndarray], np.ndarray]  # (z, a) -> da/dz, elementwise


def _relu(z):
    return np.maximum(z, 0.0)


def _relu_derivative(z, a):
    return (z > 0).astype(z.dtype)  # 0 at z = 0 exactly, as torch's threshold_backward


def _tanh_derivative(z, a):
    return 1 - a * a


def _sigmoid(z):
    with np.errstate(over="ignore"):  # exp(−z) = inf for z < −709 gives 1 / inf = 0, the right limit
        return 1 / (1 + np.exp(-z))


def _sigmoid_derivative(z, a):
    return a * (1 - a)


def _identity(z):
    return z


def _ones(z, a):
    return np.ones_like(z)


ACTIVATIONS: dict[str, Activation] = {
    "relu": Activation(
        "relu", "ReLU", r"\mathrm{relu}(z) = \max(0, z)", r"\mathrm{relu}'(z) = [z > 0]", "ReLU",
        _relu, _relu_derivative,
    ),
    "tanh": Activation(
        "tanh", "tanh", r"\tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}", r"\tanh'(z) = 1 - \tanh^2(z)", "Tanh",
        np.tanh, _tanh_derivative,
    ),
    "sigmoid": Activation(
        "sigmoid", "Sigmoid", r"\sigma(z) = \frac{1}{1 + e^{-z}}", r"\sigma'(z) = \sigma(z)\,(1 - \sigma(z))",
        "Sigmoid", _sigmoid, _sigmoid_derivative,
    ),
    "linear": Activation(
        "linear", "Linear (none)", r"f(z) = z", r"f'(z) = 1", "Identity",
        _identity, _ones,
    ),
}  # fmt: skip


def activation(name: str) -> Activation:
    """The record of an activation by name; an unknown name raises a sentence listing the known ones."""
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[name]
