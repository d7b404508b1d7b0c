"""Cached core calls for the race page, keyed on plain values (names, numbers, tuples), never on arrays.

A race surface is named by a ``SurfaceKey``, ``surface_for``'s arguments as one tuple: the registry
name, κ for the long valley, and the formula and domain half-width for the custom surface. Optimizers come
as ``choices``: ``(name, hyper items, schedule)`` each, the schedule as gdviz.ui.widgets gives it (or None).

Memory: every cache here and in the other pages' packages (gdviz.ui.linear, gdviz.ui.network) is bounded by its
pickled size (``max_size``: least recently used entries go first), and the bounds add up to 250 MB
(tests/ui/test_cache_budget.py holds them to it).
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import streamlit as st

from ...surface.basins import BasinMap, basin_map
from ...surface.cost import run_seconds
from ...surface.formula import custom_surface
from ...surface.functions import SURFACES, Surface, quadratic
from ...surface.inspector import arrow_track
from ...surface.sweep import Sweep, lr_sweep
from ...surface.trajectory import Trajectory, run
from ...surface.tuning import GRID, Tuning, tune_lr
from ...viz.race import race_panels
from ...viz.stage import stage_spec
from ..lane import turn
from ..widgets import schedule_value

CUSTOM = "custom"  # the surface the student types as a formula
SurfaceKey = tuple[str, float, str, float]  # (name, condition, formula, extent): surface_for's arguments
Choices = tuple[tuple[str, tuple, tuple | None], ...]  # (optimizer, hyper items, schedule): RaceSettings.choices


@functools.lru_cache(maxsize=64)  # one immutable Surface per key, so figure caches keyed on it hit
def surface_for(name: str, condition: float = 10.0, formula: str = "", extent: float = 3.0) -> Surface:
    """The registry's surface, the long valley built with the chosen condition number, or (``name`` CUSTOM)
    f(x, y) = ``formula`` over [-extent, extent]², which raises ExpressionError (a ValueError) if unusable."""
    if name == CUSTOM:
        return custom_surface(formula, ((-extent, extent), (-extent, extent)))
    return quadratic(condition) if name == "quadratic" else SURFACES[name]


@st.cache_data(max_entries=128, max_size="64MB", show_spinner=False)
def race(
    surface: SurfaceKey,
    choices: Choices,
    start: tuple[float, float],
    steps: int,
    noise: float = 0.0,
    seeds: int = 0,
    seed: int = 0,
) -> tuple[dict[str, Trajectory], dict[str, Trajectory], dict[str, str]]:
    """Run each ``(optimizer, hyper items, schedule)`` from ``start``.

    Returns the runs (noise drawn with ``seed``); with gradient noise, a fan of ``seeds`` more noisy
    runs per optimizer (one
    vectorized batch each); and, per optimizer whose settings the core refused, the reason (so the
    others still run). Each optimizer's part comes from ``racer``, cached on its own: a race in which one
    optimizer's setting changed runs that one only (the lane still weighs the whole race).
    """
    s = surface_for(*surface)
    runs, fans, errors = {}, {}, {}
    fan = seeds if noise > 0 else 0
    names = [c[0] for c in choices]
    seconds = run_seconds(s, steps, 1, len(names), names)
    seconds += run_seconds(s, steps, fan, len(names), names) if fan else 0
    with turn(seconds, "This race"):
        for choice in choices:
            one, batch, error = racer(surface, choice, start, steps, noise, seeds, seed)
            if one is None:
                errors[choice[0]] = error
                continue
            runs[choice[0]] = one
            if batch is not None:
                fans[choice[0]] = batch
    return runs, fans, errors


# one optimizer of a race: 52 kB for 500 steps; the last races of a class fit (the race's own cache holds them too)
@st.cache_data(max_entries=64, max_size="16MB", show_spinner=False)
def racer(
    surface: SurfaceKey, choice: tuple, start: tuple[float, float], steps: int, noise: float, seeds: int, seed: int
) -> tuple[Trajectory | None, Trajectory | None, str]:
    """One ``(optimizer, hyper items, schedule)`` of ``race``: its run, its fan (with gradient noise, else None),
    and why the core refused it (then the run is None; "" where it ran)."""
    name, hyper, schedule = choice
    s, kwargs = surface_for(*surface), dict(hyper, schedule=schedule_value(schedule))
    fan = seeds if noise > 0 else 0
    try:
        one = run(s, name, start, steps, noise=noise, seed=seed, **kwargs)
        if not fan:
            return one, None, ""
        batch = run(s, name, np.tile(start, (fan, 1)), steps, noise=noise, seed=seed + 1, **kwargs)
        return one, dataclasses.replace(batch, states=()), ""  # nothing reads a fan's optimizer states
    except ValueError as e:
        return None, None, str(e)


@st.cache_data(max_entries=32, max_size="40MB", show_spinner=False)
def race_stage(
    surface: SurfaceKey,
    choices: Choices,
    start: tuple[float, float],
    steps: int,
    noise: float,
    seeds: int,
    seed: int,
    log_loss: bool,
    projection: bool,
    inspected: str = "",
) -> dict:
    """What the stage plays for ``race``'s runs (the optimizers it refused are left out), with the parts of
    every step of optimizer ``inspected`` (if it ran) as arrows on the map."""
    runs, fans, _ = race(surface, choices, start, steps, noise, seeds, seed)
    track = arrow_track(runs[inspected]) if inspected in runs else None
    panels = race_panels(surface_for(*surface), runs, log_loss, fans, arrows=track, inspected=inspected)
    return stage_spec(panels, steps, projection=projection)


@st.cache_data(max_entries=16, max_size="20MB", show_spinner="Running every start of the grid…")
def basins(
    surface: SurfaceKey, optimizer: str, hyper: tuple, n: int, steps: int, schedule: tuple | None = None
) -> BasinMap:
    s = surface_for(*surface)
    with turn(run_seconds(s, steps, n * n, optimizers=[optimizer]), "This basin map"):
        return basin_map(s, optimizer, n=n, steps=steps, schedule=schedule_value(schedule), **dict(hyper))


@st.cache_data(max_entries=32, max_size="10MB", show_spinner="Sweeping the learning rate…")
def sweeps(
    surface: SurfaceKey, choices: Choices, start: tuple, steps: int, lrs: tuple
) -> tuple[dict[str, Sweep], dict[str, str]]:
    """One vectorized sweep per optimizer over ``lrs``; its own lr setting is replaced by the sweep's (a schedule
    then scales each swept lr as it scales the optimizer's own)."""
    s = surface_for(*surface)
    out, errors = {}, {}
    with turn(run_seconds(s, steps, len(lrs), len(choices), [c[0] for c in choices]), "This sweep"):
        for name, hyper, schedule in choices:
            other = {k: v for k, v in hyper if k != "lr"}
            try:
                out[name] = lr_sweep(s, name, start, np.asarray(lrs), steps, schedule=schedule_value(schedule), **other)
            except ValueError as e:
                errors[name] = str(e)
    return out, errors


def tune_seconds(surface: Surface, steps: int, optimizers) -> float:
    """The estimated time of tuning ``optimizers``: per optimizer one run of GRID candidates for ``steps`` steps."""
    return run_seconds(surface, steps, GRID, len(optimizers), optimizers)


# an entry holds about 1.6 kB an optimizer (40 candidates and a sentence): 64 races of 16 optimizers fit
@st.cache_data(max_entries=64, max_size="4MB", show_spinner="Tuning the learning rates…")
def tune(
    surface: SurfaceKey, choices: Choices, start: tuple[float, float], steps: int, noise: float = 0.0, seed: int = 0
) -> tuple[dict[str, Tuning], dict[str, str]]:
    """Each optimizer's lr tuned on the race's own terms (gdviz.surface.tuning.tune_lr: its surface, start, steps, noise
    and seed, each optimizer with its own schedule), and per optimizer the core refused, the reason. ``choices``
    come without their lr (RaceSettings.tune_key): the lr is what is tuned, so every lr typed shares one entry."""
    s = surface_for(*surface)
    out, errors = {}, {}
    with turn(tune_seconds(s, steps, [c[0] for c in choices]), "This tuning"):
        for name, hyper, schedule in choices:
            try:
                out[name] = tune_lr(
                    s, name, start, steps, hyper=dict(hyper), schedule=schedule_value(schedule), noise=noise, seed=seed
                )
            except ValueError as e:
                errors[name] = str(e)
    return out, errors
