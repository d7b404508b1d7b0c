"""Optimizer race: optimizers side by side on one 2D surface, animated in the browser."""

import streamlit as st

from gdviz import OPTIMIZERS
from gdviz.checks import hyper_notes, race_problems
from gdviz.presets import PRESETS
from gdviz.ui.frame import ensure_frame
from gdviz.ui.race_controls import race_settings
from gdviz.ui.race_views import show_3d, show_basins, show_inspector, show_race, show_surface, show_sweep
from gdviz.ui.runs import race, surface_for

ensure_frame()
st.title("Optimizer race")
settings = race_settings()

if settings.condition < 1:
    st.error(f"The condition number κ must be at least 1 (it is {settings.condition:g}); the rest is kept.")
    st.stop()
surface = surface_for(*settings.surface_key())
show_surface(surface, settings)
if "preset_note" in st.session_state:
    preset = PRESETS[st.session_state["preset_note"]]
    st.info(f"**{preset.title}** — {preset.watch}")

problems = race_problems(surface, settings.start, settings.steps, settings.noise)
for problem in problems:
    st.error(problem + " Your other settings are kept.")
if not settings.optimizers:
    st.info("Pick at least one optimizer in the sidebar to start the race.")
if problems or not settings.optimizers:
    st.stop()

runs, fans, errors = race(
    settings.surface_key(),
    settings.choices(),
    settings.start,
    settings.steps,
    settings.noise,
    settings.seeds,
    settings.seed,
)
for name, message in errors.items():
    st.error(f"**{OPTIMIZERS[name].title}** was not run: {message}.")
for name in runs:
    for note in hyper_notes(settings.hyper[name]):
        st.warning(f"**{OPTIMIZERS[name].title}**: {note}.")
if not runs:
    st.stop()

if settings.view == "3D":
    show_3d(surface, runs)
elif settings.view == "Step inspector":
    show_inspector(surface, runs)
elif settings.view == "Basin map":
    show_basins(surface, settings)
elif settings.view == "Learning-rate sweep":
    show_sweep(surface, settings)
else:
    show_race(surface, runs, fans, settings)
