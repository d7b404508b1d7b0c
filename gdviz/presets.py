"""Starting points for the race: per-optimizer learning rates for 2D surfaces, and the classic races.

torch's defaults are tuned for networks with millions of weights (SGD's lr = 1e-3) and barely move
a point on a 2D surface in a few hundred steps; the race page starts from ``STARTING_HYPER``
instead, and every value stays editable. ``PRESETS`` recreate the well-known comparisons, each
with a sentence or two on what to watch.
"""

from __future__ import annotations

from typing import NamedTuple

from .optimizers import OPTIMIZERS

STARTING_HYPER: dict[str, dict] = {name: spec.start for name, spec in OPTIMIZERS.items()}  # from the records


class Preset(NamedTuple):
    title: str
    surface: str
    start: tuple[float, float]
    steps: int
    optimizers: dict[str, dict]  # name -> hyperparameters (the rest from STARTING_HYPER)
    watch: str
    condition: float = 10.0  # only for the quadratic


PRESETS: dict[str, Preset] = {
    "beale": Preset(
        "Beale: the classic six",
        "beale",
        (1.0, 1.5),
        300,
        {
            "sgd": {"lr": 0.01},
            "momentum": {"lr": 0.005, "momentum": 0.9},
            "nesterov": {"lr": 0.005, "momentum": 0.9},
            "adagrad": {"lr": 0.5},
            "adadelta": {"lr": 1.0},
            "rmsprop": {"lr": 0.01},
        },
        "The race of the famous animation. Momentum and Nesterov overshoot, then settle first; "
        "Adadelta, whose step size is built from its own past steps, starts slowly.",
    ),
    "saddle": Preset(
        "Saddle point: who escapes?",
        "saddle",
        (-1.8, 0.001),
        120,
        {
            "sgd": {"lr": 0.01},
            "momentum": {"lr": 0.01, "momentum": 0.9},
            "adagrad": {"lr": 0.1},
            "rmsprop": {"lr": 0.01},
            "adam": {"lr": 0.01},
        },
        "The start sits a hair off the ridge. Plain SGD slides into the flat centre and lingers, "
        "because the gradient there is tiny; the adaptive methods rescale that tiny gradient and escape.",
    ),
    "valley": Preset(
        "Long narrow valley: why momentum helps",
        "quadratic",
        (-4.5, 2.0),
        150,
        {
            "sgd": {"lr": 0.019},
            "momentum": {"lr": 0.005, "momentum": 0.9},
            "nesterov": {"lr": 0.005, "momentum": 0.9},
        },
        "Curvature is 100 times larger across the valley than along it. SGD's learning rate must stay "
        "below 2/100 to cross it safely, so it crawls along the floor; momentum keeps its speed along the valley.",
        condition=100.0,
    ),
    "rosenbrock": Preset(
        "Rosenbrock's banana",
        "rosenbrock",
        (-1.2, 1.0),
        1000,
        {
            "sgd": {"lr": 0.001},
            "momentum": {"lr": 0.001, "momentum": 0.9},
            "rmsprop": {"lr": 0.01},
            "adam": {"lr": 0.05},
            "nadam": {"lr": 0.05},
        },
        "Everyone finds the curved valley at once; following its flat floor to (1, 1) is the hard part. "
        "Watch the loss curves flatten while the paths are still far from the minimum.",
    ),
    "too_large": Preset(
        "A learning rate that is too large",
        "quadratic",
        (-4.5, 2.0),
        100,
        {"sgd": {"lr": 0.21}, "adam": {"lr": 0.21}},
        "On this bowl GD is stable only for lr < 2/L = 0.2. At 0.21 each SGD step overshoots more than the "
        "last and the path diverges; Adam, with the same learning rate, normalizes its step and survives.",
    ),
    "himmelblau": Preset(
        "Himmelblau: which minimum do you reach?",
        "himmelblau",
        (-0.3, -0.9),
        300,
        {
            "sgd": {"lr": 0.01},
            "momentum": {"lr": 0.005, "momentum": 0.9},
            "adagrad": {"lr": 0.5},
            "rmsprop": {"lr": 0.05},
            "adam": {"lr": 0.1},
        },
        "Four equally deep minima, and a start near the hilltop between them: the same start, different "
        "optimizers, different destinations. Nudge the start and watch the destinations change.",
    ),
}
