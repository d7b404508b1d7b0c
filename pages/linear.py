"""Linear classifier: a 2D data set, a hinge or softmax loss, and gradient descent drawing the borders."""

import streamlit as st

from gdviz.ui.frame import ensure_frame

from gdviz.ui.linear.controls import data_controls, training_controls
from gdviz.ui.linear.views import linear_main

ensure_frame()
st.title("Linear classifier")
with st.sidebar:
    data = data_controls("lc")
    ts = training_controls("lc")

linear_main(data, ts, open_at=st.session_state.get("lc_cursor", 0))
