"""The race page's settings: sidebar widgets in, one plain ``RaceSettings`` out.

Every widget is keyed and gets its starting value through session state (never ``value=``), so
presets, a click on the map and a change of surface can set widgets from callbacks. A new surface
(another choice, or a custom formula that parses) moves the start to that surface's own.
"Tune learning rates" needs every widget's value, so it tunes once the sidebar is drawn, then reruns: the
tuned lrs go into the lr widgets at the top of the next run, before those are drawn.
"""

from __future__ import annotations

from typing import NamedTuple

import streamlit as st

from ...optimizers import OPTIMIZERS
from ...surface.cost import too_costly
from ...surface.functions import SURFACES, Surface
from ...surface.presets import PRESETS
from ...surface.problems import race_problems
from ...surface.tuning import GRID
from ..lane import LaneFull
from ..sidebar import projecting
from ..widgets import (
    defaults,
    frozen_schedule,
    hyper_key,
    hyper_widgets,
    schedule_picker,
    schedule_state,
    widget_value,
)
from .custom import CustomChoice, custom_controls, restore_last_good, typed_surface
from .runs import CUSTOM, SurfaceKey, surface_for, tune, tune_seconds

DEFAULT_SURFACE = "himmelblau"
DEFAULT_OPTIMIZERS = ["sgd", "momentum", "adam"]
VIEWS = ("Race", "3D", "Step inspector", "Basin map", "Learning-rate sweep")
SHORT_VIEWS = {"Step inspector": "Inspector", "Basin map": "Basins", "Learning-rate sweep": "lr sweep"}
TUNED = "race.tuned"  # (the race key a tune set up, its tune key): the explanation shows while the race is that one
TUNE_ASKED = "race.tune_asked"  # set by the button's callback, done once the sidebar is drawn (a rerun keeps it)
TUNED_LRS = "race.tuned_lrs"  # {optimizer: lr} a tune found, waiting for the next run to put into the lr widgets


class RaceSettings(NamedTuple):
    surface: str
    condition: float  # κ of the long valley; 10 for the others
    formula: str  # the custom surface's formula in use (the last that worked); "" for the others
    extent: float  # the custom surface's domain [-extent, extent]²; 0 for the others
    optimizers: tuple[str, ...]
    hyper: dict[str, dict]
    start: tuple[float, float]
    steps: int
    log_loss: bool
    noise: float
    seeds: int
    seed: int
    view: str
    formula_error: str = ""  # why the typed formula cannot be used (then ``formula`` is the last good one)
    schedules: dict | None = None  # optimizer -> its schedule, (name, kwargs) as gdviz.run takes it (absent: none)

    def surface_key(self) -> SurfaceKey:
        """The surface as plain values, for ``surface_for`` and the cached runs."""
        return (self.surface, self.condition, self.formula, self.extent)

    def race_key(self) -> tuple:
        """``gdviz.ui.race.runs.race``'s arguments: what the runs depend on."""
        return (self.surface_key(), self.choices(), self.start, self.steps, self.noise, self.seeds, self.seed)

    def choices(self) -> tuple[tuple[str, tuple, tuple | None], ...]:
        """The optimizers, their settings and their schedules as nested tuples: a cache key of plain values."""
        return tuple(
            (name, tuple(self.hyper[name].items()), frozen_schedule(self.schedule(name))) for name in self.optimizers
        )

    def tune_key(self) -> tuple:
        """``gdviz.ui.race.runs.tune``'s arguments: the race's less each optimizer's lr (the lr is what is tuned) and
        the other seeds' fan; the seed only where there is noise to draw."""
        choices = tuple((name, tuple(i for i in items if i[0] != "lr"), s) for name, items, s in self.choices())
        return (self.surface_key(), choices, self.start, self.steps, self.noise, self.seed if self.noise else 0)

    def schedule(self, name: str) -> tuple[str, dict] | None:
        """Optimizer ``name``'s schedule, ``(name, kwargs)``, or None."""
        return (self.schedules or {}).get(name)


def set_start(x: float, y: float) -> None:
    st.session_state["start_x"], st.session_state["start_y"] = float(x), float(y)


def start_point() -> tuple[float, float]:
    return float(st.session_state["start_x"]), float(st.session_state["start_y"])


START_FORMAT = "%.4g"  # short: the + and − buttons add 0.1 in binary (2.3 + 0.1 = 2.4000000000000004)


START_NOTES = {  # what the start means in each view, beside its inputs
    "Race": "…or click the map to start there.",
    "Basin map": "A basin map starts from every cell; this start is the race's.",
}


def start_inputs(view: str = "Race") -> tuple[float, float]:
    """The start as two inputs in one row (the race's fragment draws them, so a click on the map, which reruns
    only the fragment, shows in them at once), and what the start means in ``view``."""
    c1, c2, c3 = st.columns([1, 1, 2], vertical_alignment="bottom")
    c1.number_input("Start x", step=0.1, format=START_FORMAT, key="start_x")
    c2.number_input("Start y", step=0.1, format=START_FORMAT, key="start_y")
    if view in START_NOTES:
        c3.caption(START_NOTES[view])
    return start_point()


def _surface_of(name: str) -> Surface:
    """The surface a choice names; the custom one is the last good formula, put back in its widgets."""
    return restore_last_good() if name == CUSTOM else surface_for(name)


def _surface_changed() -> None:
    set_start(*_surface_of(st.session_state["surface"]).start)
    st.session_state.pop("preset_note", None)  # the preset's note is about its own surface


def _formula_changed() -> None:
    """Callback: a typed formula or extent that makes a surface is a new surface; a bad one moves nothing."""
    if (s := typed_surface()) is not None:
        set_start(*s.start)


def _surface_title(name: str) -> str:
    return "Custom f(x, y)" if name == CUSTOM else SURFACES[name].title


def apply_preset(name: str) -> None:
    """Callback: set every widget the preset names (and only those) to the preset's values."""
    p = PRESETS[name]
    st.session_state.update(surface=p.surface, condition=p.condition, optimizers=list(p.optimizers), steps=p.steps)
    set_start(*p.start)
    for opt, hyper in p.optimizers.items():
        spec = OPTIMIZERS[opt]
        values = {**spec.defaults(), **spec.start, **hyper}
        for h in spec.hyper:
            value = values[h.name]
            if isinstance(value, tuple):
                for i, v in enumerate(value):
                    st.session_state[hyper_key(opt, h.name, i)] = float(v)
            else:
                st.session_state[hyper_key(opt, h.name)] = widget_value(h, value)
        st.session_state.update(schedule_state(opt, p.schedules.get(opt)))
    st.session_state["preset_note"] = name


def tune_learning_rates(settings: RaceSettings, slot) -> None:
    """The Tune button's work, once the sidebar has said what the race is: every chosen optimizer's lr tuned on
    the race's own surface, start, steps, schedule, noise and seed (cached: a class on one link shares it), then
    a rerun that puts the tuned lrs into the lr widgets. What stops a tune is said in ``slot``, under the button."""
    if settings.condition < 1:
        return  # the page says why
    surface, names = surface_for(*settings.surface_key()), settings.optimizers
    problems = race_problems(surface, settings.start, settings.steps, settings.noise, optimizers=0)
    work = f"Tuning {len(names)} optimizer{'s' * (len(names) > 1)} × {GRID} learning rates × {settings.steps:,} steps"
    costly = too_costly(tune_seconds(surface, settings.steps, names), work, "lower the steps or tune fewer optimizers")
    why = problems or ([costly] if costly else [])
    for reason in why:
        slot.error(f"{reason} Nothing was tuned.")
    if why:
        return
    try:
        with slot:  # its spinner under the button
            tunings, _ = tune(*settings.tune_key())
    except LaneFull as e:
        slot.warning(f"{e} Nothing was tuned.")
        return
    lrs = {name: float(t.hyper["lr"]) for name, t in tunings.items() if "lr" in t.hyper}
    tuned = {name: {**hyper, "lr": lrs[name]} if name in lrs else hyper for name, hyper in settings.hyper.items()}
    st.session_state[TUNED_LRS] = lrs
    st.session_state[TUNED] = (settings._replace(hyper=tuned).race_key(), settings.tune_key())
    st.rerun()


def _ask_tune() -> None:
    st.session_state[TUNE_ASKED] = True


def _take_tuned_lrs() -> None:
    """Before any widget: the lrs the last run's tune found go into their widgets, and a toast says so (the
    explanation is under the race, out of sight on a small screen)."""
    lrs = st.session_state.pop(TUNED_LRS, {})
    for name, lr in lrs.items():
        st.session_state[hyper_key(name, "lr")] = lr
    if lrs:
        tuned = ", ".join(f"{OPTIMIZERS[name].title} {lr:.3g}" for name, lr in lrs.items())
        st.toast(f"Learning rates tuned: {tuned}. What “tuned” meant is under the race.", icon=":material/tune:")


def preset_buttons() -> None:
    """The classic races, and under the one chosen what to watch in it (where the teacher's eyes are)."""
    st.subheader("Classic races")
    for name, p in PRESETS.items():
        st.button(p.title, key=f"preset.{name}", on_click=apply_preset, args=(name,), width="stretch")
        if st.session_state.get("preset_note") == name:
            st.info(f"**What to watch:** {p.watch}")


def _view_changed() -> None:
    """One step for every view: the inspector opens at the step the stage rests on (and hands its own back)."""
    if st.session_state.get("view") == "Step inspector":
        st.session_state["inspect_step"] = max(1, int(st.session_state.get("cursor", 1)))


def view_picker() -> str:
    """Which view of the race the main area shows (the page draws it beside its title)."""
    defaults({"view": VIEWS[0]})
    short = SHORT_VIEWS if projecting() else {}  # a projector's larger type leaves room for short names only
    return (
        st.segmented_control(
            "View",
            VIEWS,
            key="view",
            label_visibility="collapsed",
            format_func=lambda v: short.get(v, v),
            on_change=_view_changed,
        )
        or VIEWS[0]
    )


def race_settings() -> RaceSettings:
    """Draw the sidebar controls; return what they say (and the view ``view_picker`` drew)."""
    defaults({"surface": DEFAULT_SURFACE, "condition": 10.0, "optimizers": DEFAULT_OPTIMIZERS, "steps": 300})
    if "start_x" not in st.session_state or "start_y" not in st.session_state:
        set_start(*_surface_of(st.session_state["surface"]).start)
    defaults({"log_loss": True, "noise": 0.0, "seeds": 8, "seed": 0})
    _take_tuned_lrs()
    with st.sidebar:
        preset_buttons()
        st.subheader("Race settings")
        surface = st.selectbox(
            "Surface", [*SURFACES, CUSTOM], format_func=_surface_title, key="surface", on_change=_surface_changed
        )
        custom = CustomChoice("", 0.0, "")
        if surface == CUSTOM:
            custom = custom_controls(on_change=_formula_changed)
        condition = 10.0
        if surface == "quadratic":
            condition = st.number_input("Condition number κ", step=5.0, format="%g", key="condition")
        chosen = st.multiselect(
            "Optimizers", list(OPTIMIZERS), format_func=lambda n: OPTIMIZERS[n].title, key="optimizers"
        )
        tune_slot = st.container()
        tune_slot.button(
            "Tune learning rates",
            key="race.tune",
            on_click=_ask_tune,
            icon=":material/tune:",
            disabled=not chosen,
            width="stretch",
            help=f"A fair race: try {GRID} learning rates for each chosen optimizer on this surface, from this start, "
            "for these steps (with its schedule and the gradient noise), and set each to the one that ends closest "
            "to the minimum.",
        )
        steps = st.number_input("Steps", step=50, format="%d", key="steps", help="1 to 5,000")
        gap_known = surface != CUSTOM and len(SURFACES[surface].minima) > 0
        log_loss = st.toggle(
            "Log scale for the loss",
            key="log_loss",
            disabled=not gap_known,
            help=None if gap_known else "needs a known minimum: this surface lists none, so the chart shows f itself",
        )
        noise = st.number_input(
            "Gradient noise σ", min_value=0.0, step=0.5, format="%g", key="noise", help="0 = exact gradients"
        )
        c3, c4 = st.columns(2)
        seed = c3.number_input("Seed", min_value=0, step=1, format="%d", key="seed", disabled=noise == 0)
        seeds = c4.slider("Other seeds", 2, 20, key="seeds", disabled=noise == 0, help="drawn as a fan")
        hyper, schedules = {}, {}
        for opt in chosen:
            with st.expander(f"{OPTIMIZERS[opt].title} settings"):
                hyper[opt] = hyper_widgets(OPTIMIZERS[opt], opt, start=OPTIMIZERS[opt].start)
                schedules[opt] = schedule_picker(opt)
    settings = RaceSettings(
        surface,
        condition,
        custom.formula,
        custom.extent,
        tuple(chosen),
        hyper,
        start_point(),
        int(steps),
        log_loss,
        noise,
        seeds,
        int(seed),
        st.session_state.get("view") or VIEWS[0],
        custom.error,
        {opt: schedule for opt, schedule in schedules.items() if schedule is not None},
    )
    if st.session_state.pop(TUNE_ASKED, False):
        tune_learning_rates(settings, tune_slot)
    return settings
