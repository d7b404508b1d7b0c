"""The custom surface's sidebar controls: a formula in x and y, the domain's half-width, examples.

``custom_controls(on_change)`` draws them and returns a ``CustomChoice``: the formula and extent the
race uses (the typed ones when they make a surface, else the last pair that did, kept in session
state under ``GOOD``) and, when the typed ones do not, why, in the parser's words. ``on_change`` is
the page's callback for a new surface (it moves the start); examples call it after setting the text.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import streamlit as st

from ...expression import ExpressionError
from ...surface.functions import Surface
from ..literal import quoted
from .runs import CUSTOM, surface_for

DEFAULT_FORMULA = "sin(x) * cos(y) + 0.1 * (x**2 + y**2)"
DEFAULT_EXTENT = 3.0
MAX_EXTENT = 1e4
GOOD = "custom_good"  # (formula, extent) of the last custom surface that worked
EXAMPLES = {  # label: (formula, extent)
    "Bumpy bowl": (DEFAULT_FORMULA, 3.0),
    "Long valley": ("x**2 + 10*y**2", 3.0),
    "Banana": ("(1 - x)^2 + 100*(y - x^2)^2", 2.0),
    "V-shaped": ("abs(x) + 2*abs(y)", 3.0),
}
FORMULA_HELP = (
    "Use x and y, numbers, + - * / and ** (or ^), the functions exp, log, sqrt, sin, cos, tanh, sigmoid, "
    "relu, abs, max, min and the constants pi and e. Press Enter to apply."
)


class CustomChoice(NamedTuple):
    formula: str  # the formula the race uses
    extent: float  # its domain is [-extent, extent]²
    error: str  # why the typed formula or extent cannot be used; "" when they are the ones in use


def custom_surface_for(formula: str, extent: float) -> Surface:
    """The cached custom surface; raises ValueError (ExpressionError for the formula) in plain words."""
    if not (math.isfinite(extent) and 0 < extent <= MAX_EXTENT):
        raise ValueError(f"the domain half-width must be more than 0 and at most {MAX_EXTENT:,g} (it is {extent:g})")
    return surface_for(CUSTOM, 10.0, formula, float(extent))


def last_good() -> tuple[str, float]:
    return st.session_state.get(GOOD, (DEFAULT_FORMULA, DEFAULT_EXTENT))


def restore_last_good() -> Surface:
    """Callback part: put the last good formula and extent back in their widgets; returns their surface."""
    st.session_state["formula"], st.session_state["extent"] = last_good()
    return custom_surface_for(*last_good())


def typed_surface() -> Surface | None:
    """The surface of the formula and extent in the widgets, None if they make none."""
    try:
        return custom_surface_for(st.session_state["formula"], st.session_state["extent"])
    except ValueError:
        return None


def use_example(name: str, on_change: Callable[[], None]) -> None:
    """Callback: type example ``name`` and its extent into the widgets, then announce the new surface."""
    st.session_state["formula"], st.session_state["extent"] = EXAMPLES[name]
    on_change()


def custom_controls(on_change: Callable[[], None]) -> CustomChoice:
    """The formula box, its error (if any) right under it, the extent and the examples."""
    st.session_state.setdefault("formula", last_good()[0])
    st.session_state.setdefault("extent", last_good()[1])
    formula = st.text_input("Formula f(x, y)", key="formula", help=FORMULA_HELP, on_change=on_change)
    slot = st.empty()
    extent = st.number_input(
        "Domain half-width", step=0.5, format="%g", key="extent", on_change=on_change, help="the map is [-w, w]²"
    )
    st.caption("Examples")
    cols = st.columns(2)
    for i, name in enumerate(EXAMPLES):
        cols[i % 2].button(name, key=f"example.{name}", on_click=use_example, args=(name, on_change), width="stretch")
    try:
        custom_surface_for(formula, extent)
    except ValueError as e:
        what = "formula" if isinstance(e, ExpressionError) else "domain"
        good, w = last_good()
        slot.error(  # the parser's words quote the typed text; both are bounded by its 500 characters
            f"**This {what} cannot be used:** {quoted(str(e), limit=None)}.  \n"
            f"The race keeps the last one that worked: f(x, y) = {quoted(good, limit=None)} on [−{w:g}, {w:g}]²."
        )
        return CustomChoice(good, w, str(e))
    st.session_state[GOOD] = (formula, float(extent))
    return CustomChoice(formula, float(extent), "")
