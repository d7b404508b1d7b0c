"""Cached core calls for the pages, keyed on plain values (names, numbers, tuples), never on arrays."""

from __future__ import annotations

import numpy as np
import streamlit as st

from ..surfaces import SURFACES, Surface, quadratic
from ..trajectory import Trajectory, run


def surface_for(name: str, condition: float = 10.0) -> Surface:
    """The registry's surface, or the long valley rebuilt with the chosen condition number."""
    return quadratic(condition) if name == "quadratic" else SURFACES[name]


@st.cache_data(max_entries=128, show_spinner=False)
def race(
    surface: str,
    condition: float,
    choices: tuple[tuple[str, tuple], ...],
    start: tuple[float, float],
    steps: int,
    noise: float = 0.0,
    seeds: int = 0,
) -> tuple[dict[str, Trajectory], dict[str, Trajectory], dict[str, str]]:
    """Run each ``(optimizer, hyper items)`` from ``start``.

    Returns the runs; with gradient noise, a fan of ``seeds`` more noisy runs per optimizer (one
    vectorized batch each); and, per optimizer whose settings the core refused, the reason (so the
    others still run).
    """
    s = surface_for(surface, condition)
    runs, fans, errors = {}, {}, {}
    for name, hyper in choices:
        try:
            runs[name] = run(s, name, start, steps, noise=noise, seed=0, **dict(hyper))
            if noise > 0 and seeds > 0:
                fans[name] = run(s, name, np.tile(start, (seeds, 1)), steps, noise=noise, seed=1, **dict(hyper))
        except ValueError as e:
            errors[name] = str(e)
    return runs, fans, errors
