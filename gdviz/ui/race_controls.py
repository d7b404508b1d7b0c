"""The race page's settings: sidebar widgets in, one plain ``RaceSettings`` out.

Every widget is keyed and gets its starting value through session state (never ``value=``), so
presets, a click on the map and a change of surface can set widgets from callbacks.
"""

from __future__ import annotations

from typing import NamedTuple

import streamlit as st

from ..optimizers import OPTIMIZERS
from ..presets import PRESETS, STARTING_HYPER
from ..surfaces import SURFACES
from .widgets import hyper_key, hyper_widgets

DEFAULT_SURFACE = "himmelblau"
DEFAULT_OPTIMIZERS = ["sgd", "momentum", "adam"]
VIEWS = ("Race", "3D", "Step inspector", "Basin map", "Learning-rate sweep")


class RaceSettings(NamedTuple):
    surface: str
    condition: float
    optimizers: tuple[str, ...]
    hyper: dict[str, dict]
    start: tuple[float, float]
    steps: int
    log_loss: bool
    noise: float
    seeds: int
    seed: int
    view: str

    def choices(self) -> tuple[tuple[str, tuple], ...]:
        """The optimizers and their settings as nested tuples: a cache key of plain values."""
        return tuple((name, tuple(self.hyper[name].items())) for name in self.optimizers)


def _default(key: str, value) -> None:
    st.session_state.setdefault(key, value)


def set_start(x: float, y: float) -> None:
    st.session_state["start_x"], st.session_state["start_y"] = float(x), float(y)


def _surface_changed() -> None:
    set_start(*SURFACES[st.session_state["surface"]].start)


def apply_preset(name: str) -> None:
    """Callback: set every widget the preset names (and only those) to the preset's values."""
    p = PRESETS[name]
    st.session_state.update(surface=p.surface, condition=p.condition, optimizers=list(p.optimizers), steps=p.steps)
    set_start(*p.start)
    for opt, hyper in p.optimizers.items():
        spec = OPTIMIZERS[opt]
        for h_name, value in {**spec.defaults(), **STARTING_HYPER.get(opt, {}), **hyper}.items():
            if isinstance(value, tuple):
                for i, v in enumerate(value):
                    st.session_state[hyper_key(opt, h_name, i)] = float(v)
            else:
                st.session_state[hyper_key(opt, h_name)] = float(value)
    st.session_state["preset_note"] = name


def preset_buttons() -> None:
    st.subheader("Classic races")
    for name, p in PRESETS.items():
        st.button(p.title, key=f"preset.{name}", on_click=apply_preset, args=(name,), width="stretch")


def race_settings() -> RaceSettings:
    """Draw the sidebar controls; return what they say."""
    _default("surface", DEFAULT_SURFACE)
    _default("condition", 10.0)
    _default("optimizers", DEFAULT_OPTIMIZERS)
    _default("steps", 300)
    _default("start_x", SURFACES[st.session_state["surface"]].start[0])
    _default("start_y", SURFACES[st.session_state["surface"]].start[1])
    _default("log_loss", True)
    _default("noise", 0.0)
    _default("seeds", 8)
    _default("seed", 0)
    with st.sidebar:
        preset_buttons()
        st.subheader("Race settings")
        surface = st.selectbox(
            "Surface",
            list(SURFACES),
            format_func=lambda n: SURFACES[n].title,
            key="surface",
            on_change=_surface_changed,
        )
        condition = 10.0
        if surface == "quadratic":
            condition = st.number_input("Condition number κ", step=5.0, format="%g", key="condition")
        chosen = st.multiselect(
            "Optimizers", list(OPTIMIZERS), format_func=lambda n: OPTIMIZERS[n].title, key="optimizers"
        )
        steps = st.number_input("Steps", step=50, format="%d", key="steps", help="1 to 5,000")
        c1, c2 = st.columns(2)
        x = c1.number_input("Start x", step=0.1, format="%g", key="start_x", help="or click the map")
        y = c2.number_input("Start y", step=0.1, format="%g", key="start_y", help="or click the map")
        log_loss = st.toggle("Log scale for the loss", key="log_loss")
        noise = st.number_input(
            "Gradient noise σ", min_value=0.0, step=0.5, format="%g", key="noise", help="0 = exact gradients"
        )
        c3, c4 = st.columns(2)
        seed = c3.number_input("Seed", min_value=0, step=1, format="%d", key="seed", disabled=noise == 0)
        seeds = c4.slider("Other seeds", 2, 20, key="seeds", disabled=noise == 0, help="drawn as a fan")
        hyper = {}
        for opt in chosen:
            with st.expander(f"{OPTIMIZERS[opt].title} settings"):
                hyper[opt] = hyper_widgets(OPTIMIZERS[opt], opt, start=STARTING_HYPER.get(opt))
    view = st.segmented_control("View", VIEWS, default=VIEWS[0], key="view") or VIEWS[0]
    return RaceSettings(
        surface, condition, tuple(chosen), hyper, (x, y), int(steps), log_loss, noise, seeds, int(seed), view
    )
