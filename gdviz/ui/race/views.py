"""The race page's views: each takes plain settings and finished runs, and draws one screen."""

from __future__ import annotations

import numpy as np
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ...optimizers import OPTIMIZERS
from ...readable import readable
from ...schedules import SCHEDULES
from ...surface.cost import run_seconds, too_costly
from ...surface.functions import Surface
from ...surface.inspector import arrows, explain_step, state_rows
from ...surface.problems import hyper_notes, race_problems
from ...surface.race_table import race_rows
from ...surface.sweep import log_lrs, stability_limit, stability_reason
from ...surface.trajectory import NO_VALUE, Trajectory
from ...viz import basin_figure, distance_figure, inspector_figure, race_figure, surface3d_figure, sweep_figure
from ...viz.inspector import CAPTION as INSPECTOR_CAPTION
from ...viz.tuning import FLOOR, tuning_figure
from ..figures import show_figure
from ..frame import relink
from ..lane import LaneFull, checkpoint
from ..literal import md_escape, quoted
from ..schedule_views import show_schedules
from ..sidebar import projecting
from ..stage import show_stage
from ..tables import results_table
from ..widgets import defaults, only_options
from .controls import TUNED, RaceSettings, set_start, start_inputs
from .exports import race_downloads
from .runs import CUSTOM, basins, race, race_stage, sweeps, tune

OWN_RUNS = ("Basin map", "Learning-rate sweep")


def _clicked(panel: str, x: float, y: float) -> None:
    """A click on the map becomes the new start (the stage keeps its step)."""
    set_start(round(x, 3), round(y, 3))


@st.fragment
def race_main(surface: Surface, settings: RaceSettings, open_at: int) -> None:
    """Everything under the title that a click, the start or a resting step changes: those rerun only this."""
    head, start_row, tail = st.container(), st.container(), st.container()  # the start sits right under the stage
    with start_row:
        settings = settings._replace(start=start_inputs(settings.view))
    with head:
        _race_view(surface, settings, open_at, tail)
    relink("race")


def _race_view(surface: Surface, settings: RaceSettings, open_at: int, tail) -> None:
    own = settings.view in OWN_RUNS  # a basin map or a sweep runs batches of its own, not the race
    racers = () if own else settings.optimizers  # whose cost the check weighs
    problems = race_problems(surface, settings.start, settings.steps, settings.noise, racers, settings.seeds)
    for problem in problems:
        st.error(problem + " Your other settings are kept.")
    if not settings.optimizers:
        st.info("Pick at least one optimizer in the sidebar to start the race.")
    if problems or not settings.optimizers:
        return
    try:
        _race_or_own(surface, settings, own, open_at, tail)
    except LaneFull as e:
        st.warning(f"{e} Your settings are kept.")


def _race_or_own(surface: Surface, settings: RaceSettings, own: bool, open_at: int, tail) -> None:
    if settings.view != "Race":  # the race's own view shows it under the stage's caption
        with tail:
            show_tuning(settings)
    if own:
        (show_basins if settings.view == "Basin map" else show_sweep)(surface, settings)
        return
    checkpoint()  # a visitor who used the CPU lately lets lighter visitors' pages go first (lane.give_way)
    runs, fans, errors = race(*settings.race_key())
    for name, message in errors.items():
        st.error(f"**{OPTIMIZERS[name].title}** was not run: {message}.")
    for name in runs:
        for note in hyper_notes(settings.hyper[name]):
            st.warning(f"**{OPTIMIZERS[name].title}**: {note}.")
    if not runs:
        return
    if settings.view == "3D":
        show_3d(surface, runs)
    elif settings.view == "Step inspector":
        show_inspector(surface, runs)
    else:
        show_race(surface, runs, fans, settings, open_at, tail)


def show_surface(surface: Surface, settings: RaceSettings) -> None:
    """The formula, what the surface teaches, and (custom) which formula the race is on when the typed one failed."""
    st.latex(surface.latex)
    st.caption(md_escape(surface.description))
    if settings.surface == CUSTOM and settings.formula_error:
        st.warning(
            f"Still racing on the last formula that worked, f(x, y) = {quoted(settings.formula, limit=None)} "
            f"on [−{settings.extent:g}, {settings.extent:g}]²: the one in the sidebar cannot be used (see why there)."
        )


def show_race(
    surface: Surface,
    runs: dict[str, Trajectory],
    fans: dict[str, Trajectory],
    settings: RaceSettings,
    open_at: int,
    tail: DeltaGenerator,
) -> None:
    """The stage here; what the race adds under it (caption, inspector, downloads, charts, table) in ``tail``."""
    only_options("race.inspect", ["", *runs])  # a run that left the race is inspected no more
    inspected = st.session_state.get("race.inspect", "")
    show_stage(
        race_stage(*settings.race_key(), settings.log_loss, projecting(), inspected),
        key="race_stage",
        cursor="cursor",
        open_at=open_at,
        on_click=_clicked,
    )
    with tail:
        st.caption(
            "The optimizers' paths over the landscape (left; darker is lower, stars mark minima, the white circle "
            "the start, a click starts there) and their loss against step (right: the gap f − f* to the global "
            "minimum where one is known). Space plays and pauses, the arrow keys step, Home and End jump, F fills "
            "the screen."
        )
        show_tuning(settings)
        inspect_on_stage(runs)
        race_downloads(
            surface, settings, runs, fans, lambda: race_figure(surface, runs, log_loss=settings.log_loss, fans=fans)
        )
        if any(r.diverged_at >= 0 and int(np.ravel(r.cause)[0]) == NO_VALUE for r in runs.values()):
            st.caption(
                "f is not defined where some paths were heading (the formula has no value there): each stops at "
                "its last point where f has one, and its legend entry says at which step."
            )
        if len(surface.minima):
            # on request: a chart here would cost every click a second plotly redraw, and the first visit
            # Streamlit's own copy of plotly.js (the stage has its own)
            if st.toggle("Distance to the nearest minimum, step by step", key="race.distance"):
                show_figure(
                    distance_figure(surface, runs),
                    "How far each path is from the nearest minimum, step by step: a flat line far up means stuck.",
                    key="distance_chart",
                )
        else:
            st.caption(
                "This surface lists no minima: the loss chart plots f itself on a linear axis (there is no f* to "
                "measure a gap from), and the table has no distance to a minimum."
            )
        show_schedules(runs, key="lr_chart")
        results_table(race_rows(surface, runs))
        with st.expander("The update rules"):
            for name in runs:
                st.markdown(f"**{OPTIMIZERS[name].title}** — {OPTIMIZERS[name].variant}")
                st.latex(OPTIMIZERS[name].latex)
                if runs[name].schedule is not None:
                    schedule = SCHEDULES[runs[name].schedule[0]]
                    st.markdown(f"with η following its schedule — {md_escape(schedule.note)}")
                    st.latex(schedule.latex)


def _put_tuning_away() -> None:
    st.session_state.pop(TUNED, None)


def show_tuning(settings: RaceSettings) -> None:
    """What the last "Tune learning rates" meant, while the race is the one it set up (a setting changed since,
    or Dismiss, puts it away): each optimizer's sentence, as plain text, and the chart of every lr it tried."""
    held = st.session_state.get(TUNED)
    if held is None:
        return
    if held[0] != settings.race_key():
        _put_tuning_away()
        return
    try:
        tunings, errors = tune(*held[1])  # cached: the tune that set the race up
    except LaneFull:
        return  # dropped from the cache and the server is busy: the lrs are set, the explanation waits
    with st.container(border=True):
        head, button = st.columns([4, 1], vertical_alignment="center")
        head.markdown("**What “tuned” meant here**")
        button.button("Dismiss", key="race.tuned.dismiss", on_click=_put_tuning_away, width="stretch")
        for t in tunings.values():
            st.text(t.sentence)
        for name, message in errors.items():
            st.text(f"{OPTIMIZERS[name].title} was not tuned, so its lr is as it was: {message}.")
        if any(len(t.lrs) for t in tunings.values()):
            show_figure(
                tuning_figure(tunings),
                "Every learning rate tried, against the loss its run ended at (the gap f − f* to the global minimum, "
                f"drawn at {readable(FLOOR)} where it is smaller, or f itself where no minimum is known); the big "
                "marker is the tuned one, crosses in the band above are runs that diverged.",
                key="tuning_chart",
            )


def inspect_on_stage(runs: dict[str, Trajectory]) -> None:
    """Pick an optimizer whose every step the map draws as arrows; its update rule, written out with the
    numbers of the step the stage rests on, follows under it (the resting step reruns this fragment)."""
    defaults({"race.inspect": ""})
    c1, c2 = st.columns([1, 2], vertical_alignment="bottom")
    name = c1.selectbox(
        "Inspect on the map",
        ["", *runs],
        format_func=lambda n: OPTIMIZERS[n].title if n else "no optimizer",
        key="race.inspect",
        help="Arrows for the parts of each step of one optimizer: the plain gradient step, what it carries over, "
        "the step taken.",
    )
    if not name:
        return
    run, t = runs[name], int(st.session_state.get("cursor", 0))
    t = min(t, run.steps.shape[0])
    if t == 0:
        c2.caption(f"Step to step 1 or further: the arrows and the update rule of {OPTIMIZERS[name].title} follow.")
        return
    c2.markdown(f"**Step {t} of {OPTIMIZERS[name].title}, with this run's numbers** — {OPTIMIZERS[name].variant}")
    left, right = st.columns([3, 2])
    with left:
        for line in explain_step(run, t):
            st.latex(line)
    with right:
        st.dataframe(state_rows(run, t), hide_index=True, width="stretch")


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
    hyper, schedule = {c[0]: c[1:] for c in settings.choices()}[name]  # as the race's cache keys hold them
    if by == "minimum reached" and not len(surface.minima):
        st.info("This surface lists no minima to reach, so each start is colored by its final loss instead.")
    if too_much := too_costly(
        run_seconds(surface, settings.steps, n * n, optimizers=[name]),
        f"A basin map of {n * n:,} starts × {settings.steps:,} steps",
        "pick a smaller grid or fewer steps",
    ):
        st.error(too_much + " Your other settings are kept.")
        return
    try:
        bm = basins(settings.surface_key(), name, hyper, n, settings.steps, schedule)
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
    if too_much := too_costly(
        run_seconds(surface, settings.steps, count, len(settings.optimizers), settings.optimizers),
        f"A sweep of {count} learning rates × {len(settings.optimizers)} optimizers × {settings.steps:,} steps",
        "pick fewer learning rates, fewer optimizers or fewer steps",
    ):
        st.error(too_much + " Your other settings are kept.")
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
        + (
            "; the dashed line is 2/L, beyond which plain GD cannot be stable."
            if limit
            else f". No 2/L line here: {stability_reason(surface)}"
        ),
        key="sweep_chart",
    )


def _inspected() -> None:
    """The inspector's step is the race's: back on the stage, it opens there."""
    st.session_state["cursor"] = int(st.session_state["inspect_step"])


def show_inspector(surface: Surface, runs: dict[str, Trajectory]) -> None:
    names = list(runs)
    only_options("inspect_opt", names)
    c1, c2 = st.columns([1, 2])
    name = c1.selectbox("Optimizer", names, format_func=lambda n: OPTIMIZERS[n].title, key="inspect_opt")
    run = runs[name]
    last = run.steps.shape[0]
    st.session_state["inspect_step"] = min(st.session_state.get("inspect_step", 1), last)
    t = c2.slider("Step", 1, max(last, 2), key="inspect_step", disabled=last < 2, on_change=_inspected)
    left, right = st.columns([3, 2])
    with left:
        show_figure(
            inspector_figure(surface, run, t, arrows(run, t)),
            INSPECTOR_CAPTION,
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
