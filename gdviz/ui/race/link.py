"""The race page's link: its settings in the address bar, beside the widgets that hold them (``RACE`` in its
``PageEntry``)."""

from __future__ import annotations

import streamlit as st

from ...optimizers import OPTIMIZERS
from ...surface.functions import SURFACES
from ...surface.problems import MAX_STEPS
from ..links import BIG, SEED_MAX, Link, hyper_fields, schedule_fields, when_is
from ..literal import quoted
from ..url_state import Field, choice, choices, flag, number, numbers, text
from .controls import VIEWS, set_start
from .custom import DEFAULT_EXTENT, GOOD, MAX_EXTENT, custom_surface_for, last_good
from .runs import CUSTOM


def fields() -> list[Field]:
    return [
        choice("surface", "surface", [*SURFACES, CUSTOM]),
        number("kappa", "condition", 1, BIG, when=when_is("surface", "quadratic")),
        text("f", "formula", when=when_is("surface", CUSTOM)),
        number("w", "extent", 1e-6, MAX_EXTENT, when=when_is("surface", CUSTOM)),
        choices("opt", "optimizers", list(OPTIMIZERS)),
        number("steps", "steps", 1, MAX_STEPS, integer=True),
        numbers("start", ("start_x", "start_y"), -BIG, BIG),
        flag("log", "log_loss"),
        number("noise", "noise", 0, BIG),
        number("seed", "seed", 0, SEED_MAX, integer=True, when=lambda s: s.get("noise", 0) > 0),
        number("seeds", "seeds", 2, 20, integer=True, when=lambda s: s.get("noise", 0) > 0),
        choice("view", "view", VIEWS, when=lambda s: s.get("view") is not None),
        number("at", "cursor", 0, MAX_STEPS, integer=True, when=when_is("view", VIEWS[0], None)),
        choice("arrows", "race.inspect", ["", *OPTIMIZERS], when=lambda s: bool(s.get("race.inspect"))),
        choice("basin.opt", "basin_opt", list(OPTIMIZERS), when=when_is("view", "Basin map")),
        choice("basin.n", "basin_n", (50, 100, 150), when=when_is("view", "Basin map")),
        choice("basin.by", "basin_by", ("minimum reached", "final loss"), when=when_is("view", "Basin map")),
        # learning rates on a log scale: more than 0, as gdviz.surface.sweep.log_lrs takes them
        number("sweep.low", "sweep_low", 0, BIG, above=True, when=when_is("view", "Learning-rate sweep")),
        number("sweep.high", "sweep_high", 0, BIG, above=True, when=when_is("view", "Learning-rate sweep")),
        number("sweep.n", "sweep_n", 10, 200, integer=True, when=when_is("view", "Learning-rate sweep")),
        choice("inspect.opt", "inspect_opt", list(OPTIMIZERS), when=when_is("view", "Step inspector")),
        number("inspect.at", "inspect_step", 1, MAX_STEPS, integer=True, when=when_is("view", "Step inspector")),
        *hyper_fields("hyper", lambda state, opt: opt in state.get("optimizers", ())),
        *schedule_fields("hyper", "optimizers"),
    ]


def after(values: dict) -> list[str]:
    """A link to a new surface without a start starts at the surface's own; a custom formula it carries that
    works becomes the last good one (so nothing puts the default back over it), one that fails is named and
    stays in its box, to be fixed, while the race runs on the last good one (from that one's start)."""
    if "surface" in values and "start_x" not in values:
        st.session_state.pop("start_x", None)
        st.session_state.pop("start_y", None)
    if st.session_state.get("surface") != CUSTOM or "formula" not in values:
        return []
    formula, extent = st.session_state["formula"], st.session_state.get("extent", DEFAULT_EXTENT)
    try:
        custom_surface_for(formula, extent)
    except ValueError:
        if "start_x" not in st.session_state:  # else the page would put the last good formula over the link's
            set_start(*custom_surface_for(*last_good()).start)
        why = "so the race keeps the last one that worked: the sidebar says why"
        return [f"{quoted('f=' + formula)} is not a surface the race can use, {why}"]
    st.session_state[GOOD] = (formula, float(extent))
    return []


RACE = Link(fields, after)
