"""Starting hyperparameters for 2D surfaces.

torch's defaults are tuned for networks with millions of weights (SGD's lr = 1e-3) and barely move
a point on a 2D surface in a few hundred steps; the race page starts from these instead, and every
value stays editable.
"""

from __future__ import annotations

STARTING_HYPER: dict[str, dict] = {
    "sgd": {"lr": 0.01},
    "momentum": {"lr": 0.005, "momentum": 0.9},
    "nesterov": {"lr": 0.005, "momentum": 0.9},
    "adagrad": {"lr": 0.5},
    "rmsprop": {"lr": 0.05},
    "adadelta": {"lr": 1.0},
    "adam": {"lr": 0.1},
    "adamw": {"lr": 0.1},
    "nadam": {"lr": 0.1},
}
