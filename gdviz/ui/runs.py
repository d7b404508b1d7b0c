"""Cached core calls for the pages, keyed on plain values (names, numbers, tuples), never on arrays."""

from __future__ import annotations

import streamlit as st

from ..surfaces import SURFACES, Surface, quadratic
from ..trajectory import Trajectory, run


def surface_for(name: str, condition: float = 10.0) -> Surface:
    """The registry's surface, or the long valley rebuilt with the chosen condition number."""
    return quadratic(condition) if name == "quadratic" else SURFACES[name]


@st.cache_data(max_entries=128, show_spinner=False)
def race(
    surface: str, condition: float, choices: tuple[tuple[str, tuple], ...], start: tuple[float, float], steps: int
) -> tuple[dict[str, Trajectory], dict[str, str]]:
    """Run each ``(optimizer, hyper items)`` from ``start``; returns the runs and, per optimizer
    whose settings the core refused, the reason (so the others still run)."""
    s = surface_for(surface, condition)
    runs, errors = {}, {}
    for name, hyper in choices:
        try:
            runs[name] = run(s, name, start, steps, **dict(hyper))
        except ValueError as e:
            errors[name] = str(e)
    return runs, errors
