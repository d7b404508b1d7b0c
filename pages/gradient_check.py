"""Gradient check: the analytic gradient against finite differences, and the bugs the check catches."""

import numpy as np
import streamlit as st

from gdviz.ui.frame import ensure_frame

from gdviz.linear.gradcheck import BUGS, METHODS, PASS, h_verdict
from gdviz.linear.losses import TITLES
from gdviz.ui.figures import show_figure
from gdviz.ui.lane import LaneFull
from gdviz.ui.linear.exports import gradcheck_downloads
from gdviz.ui.linear.gradcheck import GRADCHECK_N, HS, grad_check, h_sweeps
from gdviz.ui.widgets import defaults, only_options
from gdviz.viz.linear_charts import h_sweep_figure

NO_BUG = "no bug"
# Streamlit shows a None value as the box's placeholder, faded as if nothing were chosen: "no bug" is a choice
NO_BUG_CSS = "<style>.st-key-gc-bug input::placeholder { color: inherit; opacity: 1; }</style>"

ensure_frame()
st.title("Gradient check")
st.markdown(
    "The **analytic** gradient (calculus, written as code) is fast and exact — if the code is right. The "
    "**numerical** gradient (nudge each weight by h, watch the loss) is slow and approximate, but hard to get "
    "wrong. So we compute both and compare them by their relative error:"
)
st.latex(r"\text{rel. error} = \frac{|a - n|}{\max(|a| + |n|,\ 10^{-8})}")
defaults({"gc.loss": "softmax", "gc.bug": None, "gc.reg": 0.1, "gc.method": "centered", "gc.h": 1e-5})
defaults({"gc.num": 10, "gc.seed": 0})
with st.sidebar:
    st.subheader("Check")
    loss = st.radio("Loss", list(TITLES), format_func=TITLES.get, key="gc.loss", horizontal=True)
    bugs = [None] + [b for b, bug in BUGS.items() if loss in bug.losses]
    only_options("gc.bug", bugs)  # a bug planted in the other loss, or a link's, is no bug here
    st.html(NO_BUG_CSS)
    bug = st.selectbox(  # None is "no bug": Streamlit shows a None value as the placeholder, so that says it too
        "Plant a bug",
        bugs,
        format_func=lambda b: NO_BUG if b is None else BUGS[b].short,  # the warning below gives its title
        key="gc.bug",
        placeholder=NO_BUG,
    )
    reg = st.number_input("Regularization strength (reg)", min_value=0.0, step=0.05, format="%g", key="gc.reg")
    method = st.radio(
        "Difference",
        METHODS,
        key="gc.method",
        horizontal=True,
        help="forward: (f(x+h) − f(x)) / h, the notebook's; centered: (f(x+h) − f(x−h)) / 2h",
    )
    h = st.select_slider("Step h", HS, format_func=lambda v: f"{v:.0e}", key="gc.h")
    num = st.slider("Entries of W to check", 5, 50, key="gc.num")
    seed = st.number_input("Seed", min_value=0, step=1, key="gc.seed", help="the W checked and the entries")

st.caption(f"The problem: {GRADCHECK_N} digits (65 pixels with the bias), W of 65 × 10 drawn small with the seed.")
if bug:
    st.warning(f"**Planted: {BUGS[bug].title}.** {BUGS[bug].description}")
check = grad_check(loss, bug, reg, method, h, num, int(seed))
worst = float(check.rel_errors.max())
if worst < PASS:
    st.success(f"Largest relative error {worst:.1e}: below {PASS:.0e}, the analytic gradient is right.")
elif worst < 1e-4:
    st.warning(f"Largest relative error {worst:.1e}: suspicious. Try another h, or centered differences.")
else:
    st.error(
        f"Largest relative error {worst:.1e}: the check fails. Either the analytic gradient is wrong, or h is so "
        "small (or so large) that the numerical one is: the curve below tells which."
    )
st.dataframe(
    {
        "entry of W (pixel, class)": [str(ix) for ix in check.indices],
        "analytic": [f"{v:.8g}" for v in check.analytic],
        "numerical": [f"{v:.8g}" for v in check.numerical],
        "relative error": [f"{e:.1e}" for e in check.rel_errors],
        "verdict": ["✓" if e < PASS else "✗" for e in check.rel_errors],
    },
    hide_index=True,
    width="stretch",
)
try:
    sweeps = h_sweeps(loss, bug, reg, int(seed), HS)
except LaneFull as e:  # the server's heavy lane is full: the check above stands, the curve waits
    sweeps = None
    st.warning(f"{e} The check above stands; your settings are kept.")
if sweeps is not None:
    errors = {m: s.median_error for m, s in sweeps.items()}
    fig = show_figure(
        h_sweep_figure(np.array(HS), errors, BUGS[bug].title if bug else "", "median relative error over all of W"),
        "The median relative error over all 650 entries of W for each step h (smaller h to the right): large h "
        "misses the curvature (truncation error, ∝ h forward, ∝ h² centered), tiny h keeps only rounding noise "
        "(∝ 1/h). "
        + h_verdict(HS, errors, planted=bool(bug))
        + (" The hinge is piecewise linear: no truncation error until a step crosses a kink." if loss == "svm" else ""),
        key="h_chart",
    )
    settings = dict(
        loss=loss, bug=bug, reg=reg, method=method, h=h, num_checks=num, seed=int(seed), examples=GRADCHECK_N
    )
    gradcheck_downloads(settings | {"hs": HS}, check, sweeps, fig)
