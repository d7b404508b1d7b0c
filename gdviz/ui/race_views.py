"""The race page's views: each takes plain settings and finished runs, and draws one screen."""

from __future__ import annotations

import numpy as np
import streamlit as st

from ..explain import arrows, explain_step, state_rows
from ..optimizers import OPTIMIZERS
from ..results import race_rows
from ..surfaces import Surface
from ..sweep import log_lrs, stability_limit
from ..trajectory import Trajectory
from ..viz import basin_figure, distance_figure, inspector_figure, race_figure, surface3d_figure, sweep_figure
from .custom_controls import md_escape
from .exports import race_downloads
from .figures import show_figure
from .race_controls import RaceSettings, set_start
from .runs import CUSTOM, basins, sweeps
from .stepper import step_buttons
from .tables import results_table
from .widgets import defaults, only_options


def _picked() -> None:
    """Callback: a click on the map (an invisible grid point) becomes the new start."""
    points = st.session_state["race_chart"]["selection"]["points"]
    if points:
        set_start(round(points[0]["x"], 3), round(points[0]["y"], 3))


def show_surface(surface: Surface, settings: RaceSettings) -> None:
    """The formula, what the surface teaches, and (custom) which formula the race is on when the typed one failed."""
    st.latex(surface.latex)
    st.caption(md_escape(surface.description))
    if settings.surface == CUSTOM and settings.formula_error:
        st.warning(
            f"Still racing on the last formula that worked, f(x, y) = {md_escape(settings.formula)} "
            f"on [−{settings.extent:g}, {settings.extent:g}]²: the one in the sidebar cannot be used (see why there)."
        )


def show_race(surface: Surface, runs: dict[str, Trajectory], fans: dict[str, Trajectory], settings: RaceSettings):
    at = step_buttons(max(r.steps.shape[0] for r in runs.values()))
    fig = show_figure(
        race_figure(surface, runs, log_loss=settings.log_loss, fans=fans, at=at),
        "The optimizers' paths over the landscape (left; darker is lower, stars mark minima, the white circle the "
        "start, a click starts there) and their loss against step (right): press ▶ to play the race, drag the "
        "slider to scrub.",
        key="race_chart",
        on_select=_picked,
        selection_mode="points",
    )
    race_downloads(surface, settings, runs, fans, fig)
    if not all(np.isfinite(r.losses).all() for r in runs.values()):
        st.caption("f is not defined at some points of these paths (the formula has no value there): gaps in a curve.")
    if len(surface.minima):
        show_figure(
            distance_figure(surface, runs),
            "How far each path is from the nearest minimum, step by step: a flat line far up means stuck.",
            key="distance_chart",
        )
    else:
        st.caption(
            "This surface lists no minima: the loss chart plots f itself on a linear axis (there is no f* to measure "
            "a gap from), and the table has no distance to a minimum."
        )
    results_table(race_rows(surface, runs))
    with st.expander("The update rules"):
        for name in runs:
            st.markdown(f"**{OPTIMIZERS[name].title}** — {OPTIMIZERS[name].variant}")
            st.latex(OPTIMIZERS[name].latex)


def show_3d(surface: Surface, runs: dict[str, Trajectory]) -> None:
    show_figure(
        surface3d_figure(surface, runs),
        "The same paths on the landscape in 3D (drag to turn it); height is on the contour map's scale.",
        key="surface3d_chart",
    )


def show_basins(surface: Surface, settings: RaceSettings) -> None:
    defaults({"basin_n": 100, "basin_by": "minimum reached"})
    only_options("basin_opt", settings.optimizers)  # a link may name one not in the race
    c1, c2, c3 = st.columns(3)
    name = c1.selectbox("Optimizer", settings.optimizers, format_func=lambda n: OPTIMIZERS[n].title, key="basin_opt")
    n = c2.select_slider("Grid", options=(50, 100, 150), key="basin_n", format_func=lambda k: f"{k} × {k}")
    by = c3.radio("Color by", ("minimum reached", "final loss"), horizontal=True, key="basin_by")
    choice = dict(settings.choices())[name]
    if by == "minimum reached" and not len(surface.minima):
        st.info("This surface lists no minima to reach, so each start is colored by its final loss instead.")
    try:
        bm = basins(settings.surface_key(), name, choice, n, settings.steps)
    except ValueError as e:
        st.error(f"**{OPTIMIZERS[name].title}**: {e}.")
        return
    show_figure(
        basin_figure(surface, bm, by="minimum" if by == "minimum reached" else "loss"),
        f"Every cell is a start, colored by where it ends: {n * n:,} runs of {settings.steps} steps with "
        f"{OPTIMIZERS[name].title}'s settings from the sidebar (change the learning rate and watch the borders move).",
        key="basin_chart",
    )


def show_sweep(surface: Surface, settings: RaceSettings) -> None:
    defaults({"sweep_low": 1e-4, "sweep_high": 1.0, "sweep_n": 60})
    c1, c2, c3 = st.columns(3)
    low = c1.number_input("Smallest lr", format="%g", key="sweep_low")
    high = c2.number_input("Largest lr", format="%g", key="sweep_high")
    count = c3.slider("Learning rates", 10, 200, key="sweep_n")
    try:
        lrs = tuple(log_lrs(low, high, count))
    except ValueError as e:
        st.error(f"The learning-rate range is not usable: {e}. Your other settings are kept.")
        return
    out, errors = sweeps(settings.surface_key(), settings.choices(), settings.start, settings.steps, lrs)
    for name, message in errors.items():
        st.error(f"**{OPTIMIZERS[name].title}** was not swept: {message}.")
    f_star = float(surface.f(surface.global_minima).min()) if len(surface.minima) else None
    limit = stability_limit(surface)
    show_figure(
        sweep_figure(out, f_star, limit),
        f"The final loss of a whole run of {settings.steps} steps against its learning rate, all else equal; "
        "crosses mark runs that diverged"
        + ("; the dashed line is 2/L, beyond which plain GD cannot be stable." if limit else "."),
        key="sweep_chart",
    )


def show_inspector(surface: Surface, runs: dict[str, Trajectory]) -> None:
    names = list(runs)
    only_options("inspect_opt", names)
    c1, c2 = st.columns([1, 2])
    name = c1.selectbox("Optimizer", names, format_func=lambda n: OPTIMIZERS[n].title, key="inspect_opt")
    run = runs[name]
    last = run.steps.shape[0]
    st.session_state["inspect_step"] = min(st.session_state.get("inspect_step", 1), last)
    t = c2.slider("Step", 1, max(last, 2), key="inspect_step", disabled=last < 2)
    left, right = st.columns([3, 2])
    with left:
        show_figure(
            inspector_figure(surface, run, t, arrows(run, t)),
            "The parts of one step as arrows from the point before it; the red one is the step actually taken.",
            key="inspector_chart",
            half=True,
        )
    with right:
        st.markdown(f"**{OPTIMIZERS[name].title}, the state after step {t}**")
        st.dataframe(state_rows(run, t), hide_index=True, width="stretch")
        st.markdown(f"*{OPTIMIZERS[name].variant}*")
    st.markdown(f"**Step {t} of {OPTIMIZERS[name].title}, with this run's numbers**")
    for line in explain_step(run, t):
        st.latex(line)
