"""The race page's views: each takes plain settings and finished runs, and draws one screen."""

from __future__ import annotations

import streamlit as st

from ..optimizers import OPTIMIZERS
from ..results import race_rows
from ..surfaces import Surface
from ..trajectory import Trajectory
from ..viz import distance_figure, race_figure, surface3d_figure
from .race_controls import set_start
from .tables import results_table


def _picked() -> None:
    """Callback: a click on the map (an invisible grid point) becomes the new start."""
    points = st.session_state["race_chart"]["selection"]["points"]
    if points:
        set_start(round(points[0]["x"], 3), round(points[0]["y"], 3))


def show_race(surface: Surface, runs: dict[str, Trajectory], fans: dict[str, Trajectory], log_loss: bool) -> None:
    fig = race_figure(surface, runs, log_loss=log_loss, fans=fans)
    st.plotly_chart(fig, width="stretch", key="race_chart", on_select=_picked, selection_mode="points")
    st.caption(
        "Left: the paths over the landscape (darker is lower; stars mark minima, the white circle the start; "
        "click anywhere to start there). Right: the loss against step. Press ▶ to play the race in your "
        "browser, drag the step slider to scrub."
    )
    if len(surface.minima):
        st.plotly_chart(distance_figure(surface, runs), width="stretch", key="distance_chart")
        st.caption("How far each path is from the nearest minimum: a flat line far up means stuck.")
    results_table(race_rows(surface, runs))
    with st.expander("The update rules"):
        for name in runs:
            st.markdown(f"**{OPTIMIZERS[name].title}** — {OPTIMIZERS[name].variant}")
            st.latex(OPTIMIZERS[name].latex)


def show_3d(surface: Surface, runs: dict[str, Trajectory]) -> None:
    st.plotly_chart(surface3d_figure(surface, runs), width="stretch", key="surface3d_chart")
    st.caption("The same paths on the landscape in 3D: drag to turn it. Height is on the contour map's scale.")
