"""The inputs a network on 2D points may take, TensorFlow Playground's: one record each, in ``FEATURES``.

A point is ``(x, y)``; every record computes one input column from the two coordinate arrays, elementwise
(``fn(x, y) -> column``), and carries its title, its LaTeX and its torch expression (in ``x`` and ``y``,
the columns of a tensor of points). ``feature_matrix(points, names)`` stacks the chosen columns in the
order given: the network's input ``X (..., F)``. ``check_features`` refuses an empty, unknown or repeated
choice in words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np


class Feature(NamedTuple):
    name: str
    title: str
    latex: str
    torch: str  # the same column in torch, from x = points[:, 0] and y = points[:, 1]
    fn: Callable[[np.ndarray, np.ndarray], np.ndarray]  # (x, y) -> the column, elementwise


FEATURES: dict[str, Feature] = {
    "x": Feature("x", "x", "x", "x", lambda x, y: x),
    "y": Feature("y", "y", "y", "y", lambda x, y: y),
    "x2": Feature("x2", "x²", "x^2", "x ** 2", lambda x, y: x * x),
    "y2": Feature("y2", "y²", "y^2", "y ** 2", lambda x, y: y * y),
    "xy": Feature("xy", "xy", "x y", "x * y", lambda x, y: x * y),
    "sinx": Feature("sinx", "sin x", r"\sin x", "torch.sin(x)", lambda x, y: np.sin(x)),
    "siny": Feature("siny", "sin y", r"\sin y", "torch.sin(y)", lambda x, y: np.sin(y)),
}
DEFAULT_FEATURES = ("x", "y")


def check_features(names) -> tuple[str, ...]:
    """``names`` as a tuple; a ValueError in words unless it is a non-empty choice of FEATURES, each once."""
    names = tuple(names)
    if not names:
        raise ValueError("choose at least one input feature")
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        raise ValueError(f"unknown feature {unknown[0]!r}; choose from {', '.join(FEATURES)}")
    if len(set(names)) != len(names):
        raise ValueError(f"each feature may be chosen once, got {', '.join(names)}")
    return names


def feature_matrix(points, names) -> np.ndarray:
    """The network's input for points ``(..., 2)``: the features ``names`` as columns, ``(..., F)`` float64."""
    p = np.asarray(points, dtype=np.float64)
    if p.shape[-1:] != (2,):
        raise ValueError(f"points must have shape (..., 2), got {p.shape}")
    x, y = p[..., 0], p[..., 1]
    return np.stack([FEATURES[n].fn(x, y) for n in check_features(names)], axis=-1)
