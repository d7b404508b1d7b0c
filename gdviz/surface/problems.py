"""Plain-language checks of race settings, before anything runs: each problem is one sentence."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .cost import run_seconds, too_costly
from .functions import Surface

MAX_STEPS = 5000


def race_problems(
    surface: Surface,
    start: tuple[float, float],
    steps: int,
    noise: float,
    optimizers: int | Sequence[str] = 1,
    seeds: int = 0,
) -> list[str]:
    """Why these settings cannot run, one sentence each; an empty list when they can. Settings that could
    run but would cost the shared server more than ``cost.BUDGET`` seconds are refused too. ``optimizers``
    are the names racing (each one's update cost counted) or just how many."""
    problems = []
    (x0, x1), (y0, y1) = surface.domain
    x, y = start
    if not (np.isfinite(x) and np.isfinite(y) and x0 <= x <= x1 and y0 <= y <= y1):
        problems.append(
            f"The start ({x:g}, {y:g}) is outside the plotted domain [{x0:g}, {x1:g}] × [{y0:g}, {y1:g}]: "
            "move it inside (or click the map)."
        )
    else:
        with np.errstate(all="ignore"):
            defined = np.isfinite(surface.f((x, y))) and np.isfinite(surface.grad((x, y))).all()
        if not defined:  # a typed formula such as log(x) has no value on part of the map
            problems.append(f"f or its gradient has no finite value at the start ({x:g}, {y:g}): move the start.")
    if not 1 <= steps <= MAX_STEPS:
        problems.append(f"Steps must be between 1 and {MAX_STEPS:,} (it is {steps:,}).")
    if not (np.isfinite(noise) and noise >= 0):
        problems.append(f"The gradient noise σ must be a finite number ≥ 0 (it is {noise:g}).")
    names = () if isinstance(optimizers, int) else tuple(optimizers)
    optimizers = optimizers if isinstance(optimizers, int) else len(names)
    if problems or optimizers < 1:
        return problems
    fan = seeds if noise > 0 else 0  # the other noise seeds run as one batch per optimizer
    seconds = run_seconds(surface, steps, 1, optimizers, names)
    seconds += run_seconds(surface, steps, fan, optimizers, names) if fan else 0
    paths = f"{optimizers} optimizer{'s' * (optimizers > 1)} × {steps:,} steps" + (f" × {1 + fan} paths" if fan else "")
    change = "lower the steps or pick fewer optimizers" + (", or fewer other seeds" if fan else "")
    too_much = too_costly(seconds, f"This race ({paths})", change)
    return [too_much] if too_much else []


def hyper_notes(hyper: dict) -> list[str]:
    """Legal settings that will surprise: a zero learning rate never moves."""
    return ["a learning rate of 0 never moves the point"] if hyper.get("lr") == 0 else []
