"""Random search: the notebook's "worst case" at its own scale, against smarter ways to look for W."""

import math

import streamlit as st

from gdviz.ui.frame import ensure_frame

from gdviz.linear.losses import TITLES as LOSS_TITLES
from gdviz.linear.search import TITLES
from gdviz.ui.figures import show_figure
from gdviz.ui.linear.exports import search_downloads
from gdviz.ui.linear.runs import notebook_data
from gdviz.ui.linear.search import (
    BUDGETS,
    GO,
    LABELS,
    RAN_NAMES,
    RAN_WITH,
    RESULTS,
    request,
    requested,
    result_rows,
    run_strategies,
    settings_problem,
    timing_table,
)
from gdviz.ui.widgets import defaults
from gdviz.viz.linear_charts import search_figure

# a chosen strategy's chip shows its whole name, on lines of its own if it must (projected, they read "Rando…")
WHOLE_NAMES_CSS = """<style>
.st-key-rs-names span[title] { white-space: normal; overflow: visible; text-overflow: clip; }
.st-key-rs-names *:has(> span[title]) { height: auto; max-width: 100%; }
.st-key-rs-names div { max-height: none; }
</style>"""

ensure_frame()
st.title("Random search")
st.markdown(
    "The notebook's first idea for finding weights: draw W at random, keep the best. Here at the notebook's own "
    "scale — **10,000 examples of 3,073 numbers** (a CIFAR-10 image's 3,072 pixels and the bias), 10 classes — "
    "against random *local* search (nudge the best W, keep a better one) and following the gradient, each "
    "given the same number of loss evaluations."
)
defaults({"rs.loss": "svm", "rs.names": list(TITLES), "rs.budget": 200, "rs.seed": 0})
defaults({"rs.scale": 1e-4, "rs.step": 1e-4, "rs.lr": 1e-2})
with st.sidebar:
    st.subheader("Search")
    loss = st.radio("Loss", list(LOSS_TITLES), format_func=LOSS_TITLES.get, key="rs.loss", horizontal=True)
    st.html(WHOLE_NAMES_CSS)
    names = st.multiselect("Strategies", list(TITLES), format_func=TITLES.get, key="rs.names")
    budget = st.select_slider("Loss evaluations each", BUDGETS, key="rs.budget")
    scale = st.number_input(LABELS["scale"], min_value=0.0, format="%g", key="rs.scale")
    step_size = st.number_input(LABELS["step_size"], min_value=0.0, format="%g", key="rs.step")
    lr = st.number_input(LABELS["lr"], min_value=0.0, format="%g", key="rs.lr")
    seed = st.number_input("Seed", min_value=0, step=1, key="rs.seed")

data = notebook_data()
settings = dict(loss=loss, budget=budget, scale=scale, step_size=step_size, lr=lr, reg=0.0, seed=int(seed))
st.caption(
    f"{data.title}: {data.X.shape[0]:,} × {data.X.shape[1]:,} in {data.X.dtype} ({data.X.nbytes / 2**20:.0f} MB, "
    "made once and shared by every visitor). The labels are random: nothing here generalizes."
)
problem = settings_problem(names, settings)
if problem:
    st.error(problem)
c1, c2 = st.columns(2)
c1.button(
    "▶ Run the search",
    type="primary",
    key="rs.run",
    disabled=not names or bool(problem),
    width="stretch",
    on_click=request,
    args=(GO,),
)
c2.button("■ Stop", key="rs.stop", width="stretch", help="keeps what was found so far")
if requested(GO) and not problem:
    run_strategies(data.X, data.y, names, settings)

results = st.session_state.get(RESULTS, {})
if not results:
    st.info("Press **Run the search**: each strategy gets the same budget of loss evaluations.")
else:
    ran = st.session_state[RAN_WITH]
    if ran != settings:
        st.info("The settings changed since this search: press Run to search again.")
    stopped = [TITLES[n] for n, r in results.items() if not r.done]
    never = [TITLES[n] for n in st.session_state.get(RAN_NAMES, []) if n not in results]
    if stopped or never:
        st.warning(
            f"Stopped early: {', '.join(stopped or ['none'])}; not started: {', '.join(never or ['none'])}. "
            "The curves show the work done before the stop."
        )
    C = len(data.class_names)
    chance = C - 1 if ran["loss"] == "svm" else math.log(C)  # the loss of W = 0
    curves = {TITLES[n]: (r.evaluations, r.best_loss) for n, r in results.items()}
    fig = show_figure(
        search_figure(curves, chance=chance),
        "The best loss found so far against the loss evaluations spent (one loss-and-gradient counts as 2, its "
        "matrix product costs about as much as the loss's); the dotted line is the loss of W = 0.",
        key="search_chart",
    )
    search_downloads(ran, results, data.title, fig)
    st.dataframe(result_rows(results), hide_index=True, width="stretch")

st.subheader("Why vectorize")
table = timing_table(data.X, data.y, loss)
if table:
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption("Seconds per evaluation of the loss over all 10,000 examples, measured just now on this server.")
