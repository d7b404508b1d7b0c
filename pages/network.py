"""Neural network: TensorFlow Playground's controls, a network drawn neuron by neuron as it trains on 2D data."""

import streamlit as st

from gdviz.ui.frame import ensure_frame

from gdviz.ui.network.controls import network_controls
from gdviz.ui.network.views import CURSOR, backprop_section, network_main

ensure_frame()
st.title("Neural network")
with st.sidebar:
    settings = network_controls()

network_main(settings, open_at=st.session_state.get(CURSOR, 0))
backprop_section(settings)
