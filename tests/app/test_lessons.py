"""The lesson pages as issue #12 left them: the gradient check opens on an explicit "no bug" and never calls an
h "best" with a bug planted; the random search's chart tells apart curves that lie on one another; the backprop
graph is drawn with its own type sizes (Streamlit's 0.6rem would shrink it)."""

import numpy as np
import pytest

from gdviz.linear.gradcheck import BUGS
from gdviz.ui.backprop.controls import GRAPH_TEXT_CSS
from gdviz.viz.linear_charts import SYMBOLS, search_figure

from .conftest import no_exceptions

GRADCHECK, SEARCH, BACKPROP = "pages/gradient_check.py", "pages/random_search.py", "pages/backprop.py"


def _h_caption(at) -> str:
    return next(c.value for c in at.caption if c.value.startswith("The median relative error"))


def _styles(at) -> str:
    return " ".join(h.proto.body for h in at.get("html"))


def test_the_bug_selector_opens_on_no_bug_in_plain_ink(open_page):
    at = open_page(GRADCHECK)
    no_exceptions(at)
    box = at.selectbox(key="gc.bug")
    assert box.value is None and box.options[0] == "no bug"
    assert box.proto.placeholder == "no bug", "Streamlit shows a None value as the placeholder: it must say no bug"
    assert ".st-key-gc-bug input::placeholder" in _styles(at) and "opacity: 1" in _styles(at)  # not faded
    assert _h_caption(at).count("Best here: h = ") == 1


@pytest.mark.parametrize("bug", [b for b, x in BUGS.items() if "softmax" in x.losses])
def test_with_a_bug_planted_no_h_is_called_best(open_page, bug):
    at = open_page(GRADCHECK)
    at.selectbox(key="gc.bug").set_value(bug).run()
    no_exceptions(at)
    assert at.selectbox(key="gc.bug").options[1:] == [BUGS[b].short for b, x in BUGS.items() if "softmax" in x.losses]
    assert any(f"Planted: {BUGS[bug].title}." in w.value for w in at.warning)  # the whole title, in the main area
    caption = _h_caption(at)
    assert "best" not in caption.lower(), caption
    assert "With the bug planted no h makes the error small" in caption
    assert "The fault is in the code, not in the step." in caption


def test_a_bug_the_settings_hide_is_said_to_be_hidden(open_page):
    at = open_page(GRADCHECK)
    at.number_input(key="gc.reg").set_value(0.0).run()
    at.selectbox(key="gc.bug").set_value("reg_factor").run()  # dW adds reg * W: nothing at reg = 0
    no_exceptions(at)
    caption = _h_caption(at)
    assert "best" not in caption.lower() and "these settings hide the bug" in caption


# ---------------------------------------------------------------- random search: curves told apart


def _curves(n=200):
    """Random and local search both flat at the loss of W = 0 (9), 0.004 apart; the gradient far below."""
    evals = np.arange(1, n + 1)
    return {
        "Random search": (evals, np.full(n, 8.9987)),
        "Random local search": (evals, np.linspace(9.0, 8.9948, n)),
        "Following the gradient": (evals, np.linspace(9.0, 1.8, n)),
    }


def test_curves_lying_on_one_another_are_told_apart():
    fig = search_figure(_curves(), chance=9.0)  # the builder tells them apart: the page only calls it
    traces = fig.data
    assert [t.name for t in traces] == list(_curves())  # the curves themselves are untouched
    assert len({t.marker.symbol for t in traces}) == 3 and {t.marker.symbol for t in traces} <= set(SYMBOLS)
    marked = [set(np.flatnonzero(np.asarray(t.marker.size) > 0)) for t in traces]
    assert all(6 <= len(m) <= 8 for m in marked)
    assert not (marked[0] & marked[1]) and not (marked[1] & marked[2]), "one curve's markers never cover another's"
    labels = {a.text: a for a in fig.layout.annotations if ": best " in (a.text or "")}
    names = ("Random search: best 8.9987", "Random local search: best 8.9948", "Following the gradient: best 1.8")
    assert set(labels) == set(names)
    near = [labels["Random search: best 8.9987"], labels["Random local search: best 8.9948"]]
    assert near[0].yshift != near[1].yshift and abs(near[0].yshift - near[1].yshift) >= 20, "stacked, not overlaid"
    assert all(a.font.size >= 12 and a.font.color == t.line.color for a, t in zip(near, traces, strict=False))


def test_a_lone_curve_is_labelled_at_its_end_and_a_stopped_run_keeps_its_labels():
    curves = _curves()
    fig = search_figure({"Following the gradient": curves["Following the gradient"]}, chance=9.0)
    (label,) = [a for a in fig.layout.annotations if ": best " in (a.text or "")]
    assert label.x == 200 and label.xanchor == "right"
    assert search_figure({}, chance=9.0).data == ()


# ---------------------------------------------------------------- backprop: the graph's own type sizes


def test_the_backprop_page_lets_the_graph_s_own_type_sizes_through(open_page):
    at = open_page(BACKPROP)
    no_exceptions(at)
    assert GRAPH_TEXT_CSS in _styles(at)
