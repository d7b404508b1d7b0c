"""Optimizer race: optimizers side by side on one 2D surface, played on the stage in the browser."""

import streamlit as st

from gdviz.ui.frame import ensure_frame, stop_page

from gdviz.ui.race.controls import race_settings, view_picker
from gdviz.ui.race.runs import surface_for
from gdviz.ui.race.views import race_main, show_surface
from gdviz.ui.sidebar import projecting

ensure_frame()
title, views = st.columns([1, 2] if projecting() else [2, 3], vertical_alignment="center")
title.title("Optimizer race")
with views:
    view_picker()
settings = race_settings()

if settings.condition < 1:
    st.error(f"The condition number κ must be at least 1 (it is {settings.condition:g}); the rest is kept.")
    stop_page()
surface = surface_for(*settings.surface_key())
race_main(surface, settings, open_at=st.session_state.get("cursor", 0))
show_surface(surface, settings)
