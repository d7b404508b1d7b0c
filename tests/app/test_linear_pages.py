"""The linear-classifier pages (Linear classifier, Digits, Gradient check, Random search), driven through
their widgets; figures are decoded from their JSON and checked against what the page claims."""

from __future__ import annotations

import json

import numpy as np
import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from gdviz.linear.data import load_digits, train_test_split
from gdviz.linear.gradcheck import BUGS

from .conftest import ROOT, decode, no_exceptions, switch

LINEAR, DIGITS, GRADCHECK, SEARCH = (f"pages/{p}.py" for p in ("linear", "digits", "gradient_check", "random_search"))
C = 3  # classes of the default data set (blobs)


# ---------------------------------------------------------------- helpers


def _chart(at: AppTest, key: str) -> dict:
    """The figure JSON of the chart drawn with ``key=``."""
    for chart in at.get("plotly_chart"):
        if chart.proto.id.endswith(f"-{key}"):
            return json.loads(chart.proto.spec)
    raise AssertionError(f"no chart {key!r} on the page")


def _regions(fig: dict) -> list[dict]:
    """The filled region polygons on the map (one per class)."""
    return [t for t in fig["data"] if t.get("fill") == "toself"]


def _table(at: AppTest):
    """The per-point table of the Linear classifier page (the one with a ``loss`` column)."""
    tables = [df.value for df in at.dataframe if "loss" in df.value.columns]
    assert len(tables) == 1, [list(df.value.columns) for df in at.dataframe]
    return tables[0]


def _opening(at: AppTest) -> tuple[int, str]:
    """Where the classifier chart opens: the slider's active index, and the iteration it names."""
    slider = _chart(at, "lc_chart")["layout"]["sliders"][0]
    return slider["active"], slider["steps"][slider["active"]]["label"]


def _click_map(at: AppTest, x: float, y: float, key: str = "lc_chart") -> AppTest:
    """A click on the map as the browser reports it: the chart's selection event (a widget state), one run.

    The chart is not an AppTest widget, so its state is added by hand to the states the other widgets send.
    """
    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}"))
    event = {
        "selection": {
            "points": [{"x": x, "y": y, "curve_number": 0, "point_number": 0, "point_index": 0}],
            "point_indices": [0],
            "box": [],
            "lasso": [],
        }
    }
    states = at._tree.get_widget_states()
    states.widgets.append(WidgetState(id=chart.proto.id, string_value=json.dumps(event)))
    return at._run(states)


def _errors(at: AppTest) -> str:
    return " | ".join(e.value for e in at.error)


# ---------------------------------------------------------------- Linear classifier


def test_default_run_shows_metrics_animated_regions_and_the_point_table(open_page):
    at = open_page(LINEAR)
    no_exceptions(at)
    assert not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["Softmax (cross-entropy) loss, all data"]) < 0.2
    assert float(metrics["Accuracy"].rstrip("%")) > 95  # blobs are separable
    assert metrics["Iterations"] == "300"
    fig = _chart(at, "lc_chart")
    regions = _regions(fig)
    assert len(regions) == C
    frames = fig["frames"]
    assert len(frames) > 50
    # a frame patches the region polygons (and lines, and the loss cursor); the first and last differ
    region_ids = [i for i, t in enumerate(fig["data"]) if t.get("fill") == "toself"]
    assert frames[0]["traces"][:C] == region_ids
    first = [np.concatenate([decode(d["x"]), decode(d["y"])]) for d in frames[0]["data"][:C]]
    last = [np.concatenate([decode(d["x"]), decode(d["y"])]) for d in frames[-1]["data"][:C]]
    assert any(a.shape != b.shape or not np.allclose(a, b) for a, b in zip(first, last, strict=True))
    # every class has a region at the end of training (each blob is won by its class)
    assert all(len(decode(d["x"])) >= 3 for d in frames[-1]["data"][:C])
    # the data points are drawn, not animated: one marker trace per class, 300 points in all
    markers = [t for t in fig["data"] if t.get("name", "").startswith("class ")]
    assert sum(len(decode(t["x"])) for t in markers) == 300
    assert not set(frames[0]["traces"]) & {fig["data"].index(t) for t in markers}
    table = _table(at)
    assert len(table) == 300
    assert {"x₁", "x₂", "class", "loss"} <= set(table.columns)
    assert [c for c in table.columns if c.startswith("score ")] == [f"score class {c}" for c in range(C)]


def test_step_buttons_move_the_opening_snapshot_and_the_table(open_page):
    at = open_page(LINEAR)
    steps = [s["label"] for s in _chart(at, "lc_chart")["layout"]["sliders"][0]["steps"]]
    assert _opening(at) == (0, "0")
    at.button(key="lc_step_fwd").click().run()
    at.button(key="lc_step_fwd").click().run()
    no_exceptions(at)
    assert _opening(at) == (2, steps[2]) and at.session_state["lc_cursor"] == 2
    assert any(f"At iteration {steps[2]}," in c.value for c in at.caption)
    assert any(f"iteration {steps[2]} of 300" in m.value for m in at.markdown)
    # the table shows the scores at that snapshot, not at the start
    before = _table(at)["score class 0"].to_numpy()
    at.button(key="lc_step_back").click().run()
    assert _opening(at) == (1, steps[1])
    assert any(f"At iteration {steps[1]}," in c.value for c in at.caption)
    assert not np.array_equal(before, _table(at)["score class 0"].to_numpy())
    at.button(key="lc_step_reset").click().run()
    assert _opening(at) == (0, "0") and any("At iteration 0," in c.value for c in at.caption)
    at.button(key="lc_step_back").click().run()  # never below the first snapshot
    assert _opening(at) == (0, "0")
    no_exceptions(at)


def test_svm_adam_and_batch_sizes_all_train(open_page):
    at = open_page(LINEAR)
    at.radio(key="lc.loss").set_value("svm").run()
    no_exceptions(at)
    assert any(m.label.startswith("Multiclass hinge") for m in at.metric)
    at.selectbox(key="lc.optimizer").set_value("adam").run()
    no_exceptions(at)
    assert at.number_input(key="lc.adam.lr").value == 0.05
    # an epoch of 300 points is 10 batches of 32 (the last one partial), or 300 batches of 1
    for batch, epochs in ((32, 30.0), (1, 1.0)):
        at.selectbox(key="lc.batch").set_value(batch).run()
        no_exceptions(at)
        assert not at.error, _errors(at)
        metrics = {m.label: m.value for m in at.metric}
        assert float(metrics["Epochs"]) == pytest.approx(epochs, abs=0.05)
        assert float(metrics["Accuracy"].rstrip("%")) > 90
        assert len(_regions(_chart(at, "lc_chart"))) == C


def test_batch_chart_has_a_thick_curve_per_feasible_batch_and_notes_the_rest(open_page):
    at = open_page(LINEAR)
    thick = [t["name"] for t in _chart(at, "batch_chart")["data"] if t.get("line", {}).get("width") == 3]
    every = ["full batch (vanilla GD)", "256 (mini-batch)", "128 (mini-batch)", "64 (mini-batch)"]
    assert thick == every + ["32 (mini-batch)", "1 (SGD)"]
    assert not at.info
    at.number_input(key="lc.n").set_value(100).run()
    no_exceptions(at)
    fig = _chart(at, "batch_chart")
    thick = [t["name"] for t in fig["data"] if t.get("line", {}).get("width") == 3]
    assert thick == ["full batch (vanilla GD)", "64 (mini-batch)", "32 (mini-batch)", "1 (SGD)"]
    assert all(len(decode(t["y"])) == 300 for t in fig["data"])
    notes = [i.value for i in at.info]
    assert len(notes) == 2
    assert "256" in notes[0] and "larger than the 100 examples" in notes[0]
    assert "128" in notes[1] and "larger than the 100 examples" in notes[1]
    # per epoch, the full batch has seen the data 300 times, SGD only 3 times
    at.segmented_control(key="lc.per").set_value("epoch").run()
    fig = _chart(at, "batch_chart")
    ends = {t["name"]: decode(t["x"])[-1] for t in fig["data"] if t.get("line", {}).get("width") == 3}
    assert ends["full batch (vanilla GD)"] == pytest.approx(300) and ends["1 (SGD)"] == pytest.approx(3)


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("lc.n", 0, "n must be a whole number ≥ 1"),
        ("lc.n", 5_000, "points must be at most 2,000"),
        ("lc.reg", -0.1, "reg must be a finite number ≥ 0"),
        ("lc.steps", 0, "iterations must be from 1 to 5,000"),
        ("lc.steps", 50_000, "iterations must be from 1 to 5,000"),
    ],
    ids=["no-points", "too-many-points", "negative-reg", "zero-steps", "too-many-steps"],
)
def test_bad_input_explains_and_keeps_the_settings(open_page, key, value, says):
    at = open_page(LINEAR)
    at.selectbox(key="lc.optimizer").set_value("momentum").run()
    at.number_input(key=key).set_value(value).run()
    no_exceptions(at)
    assert any("This cannot train" in e.value and says in e.value for e in at.error), _errors(at)
    assert not at.get("plotly_chart") and not at.metric
    assert at.number_input(key=key).value == value  # what was typed stays, to be corrected
    assert at.selectbox(key="lc.optimizer").value == "momentum"
    assert at.number_input(key="lc.momentum.lr").value == 0.1


def test_batch_larger_than_the_data_explains(open_page):
    at = open_page(LINEAR)
    at.selectbox(key="lc.batch").set_value(256).run()
    at.number_input(key="lc.n").set_value(100).run()
    no_exceptions(at)
    assert any("batch size 256 is larger than the 100 examples" in e.value for e in at.error), _errors(at)
    assert at.selectbox(key="lc.batch").value == 256 and at.number_input(key="lc.n").value == 100
    at.selectbox(key="lc.batch").set_value(64).run()  # fixing it brings the page back
    assert not at.error and len(_table(at)) == 100


def test_a_huge_learning_rate_reports_divergence(open_page):
    at = open_page(LINEAR)
    at.number_input(key="lc.sgd.lr").set_value(1e6).run()
    no_exceptions(at)
    assert any("diverged at step" in e.value for e in at.error), _errors(at)
    # the run up to the step before is still drawn, with finite numbers
    fig = _chart(at, "lc_chart")
    assert all(np.isfinite(decode(d["x"])).all() for f in fig["frames"] for d in f["data"])
    assert np.isfinite(_table(at)["loss"].to_numpy()).all()


def test_a_click_on_the_map_adds_a_point_of_the_chosen_class_and_remove_clears_it(open_page):
    at = open_page(LINEAR)
    at.radio(key="lc.click_class").set_value(2).run()
    assert not [b for b in at.button if b.key == "lc.clear"]
    _click_map(at, 0.5, -1.25)
    no_exceptions(at)
    table = _table(at)
    assert len(table) == 301
    assert table.iloc[-1][["x₁", "x₂", "class"]].tolist() == [0.5, -1.25, "class 2"]
    # the point is drawn on the map with its class
    class2 = next(t for t in _chart(at, "lc_chart")["data"] if t.get("name") == "class 2")
    assert (decode(class2["x"])[-1], decode(class2["y"])[-1]) == (0.5, -1.25)
    at.run()  # a rerun does not add it again
    assert len(_table(at)) == 301
    assert at.button(key="lc.clear").label == "Remove the 1 added point"
    at.button(key="lc.clear").click().run()
    no_exceptions(at)
    assert len(_table(at)) == 300
    assert not [b for b in at.button if b.key == "lc.clear"]


def test_settings_do_not_leak_between_pages(open_page):
    at = open_page(LINEAR)
    at.number_input(key="lc.sgd.lr").set_value(0.2).run()
    at.selectbox(key="lc.batch").set_value(32).run()
    switch(at, "pages/race.py")
    no_exceptions(at)
    assert at.number_input(key="hyper.sgd.lr").value == 0.01  # the race's own default
    switch(at, DIGITS)
    no_exceptions(at)
    assert at.number_input(key="digits.sgd.lr").value == 0.5  # the digits page's own defaults
    assert at.selectbox(key="digits.batch").value == 64
    assert not any(k.startswith("lc.") for k in (w.key for w in at.number_input))


# ---------------------------------------------------------------- Digits


def _percent(at: AppTest, label: str) -> float:
    return float(next(m.value for m in at.metric if m.label == label).rstrip("%")) / 100


def test_digits_train_and_test_accuracy_templates_and_confusion_matrix(open_page):
    at = open_page(DIGITS)
    no_exceptions(at)
    assert not at.error
    train_acc, test_acc = _percent(at, "Training accuracy"), _percent(at, "Test accuracy (held out)")
    assert train_acc > 0.85 and test_acc > 0.85
    templates = _chart(at, "templates_chart")["data"]
    assert len(templates) == 10 and all(t["type"] == "heatmap" for t in templates)
    assert all(decode(t["z"]).shape == (8, 8) for t in templates)
    assert len({decode(t["z"]).tobytes() for t in templates}) == 10  # ten different templates
    M = decode(_chart(at, "confusion_chart")["data"][0]["z"]).astype(np.int64)
    n_test = len(train_test_split(load_digits(), test_fraction=0.2, seed=0)[1].y)
    assert n_test == 359  # 20 % of each digit's examples, rounded per digit: 359 of 1,797
    assert M.shape == (10, 10) and M.sum() == n_test
    assert np.trace(M) / n_test == pytest.approx(test_acc, abs=0.0005)  # the metric is rounded to 0.1 %
    assert (M.sum(axis=1) > 0).all()  # every digit is in the test set


def test_digits_diverging_learning_rate_is_reported(open_page):
    at = open_page(DIGITS)
    at.number_input(key="digits.sgd.lr").set_value(1e6).run()
    no_exceptions(at)
    assert any("Training diverged at step" in e.value for e in at.error), _errors(at)


# ---------------------------------------------------------------- Gradient check


def test_gradient_check_passes_without_a_bug_and_the_h_sweep_is_u_shaped(open_page):
    at = open_page(GRADCHECK)
    no_exceptions(at)
    assert at.radio(key="gc.loss").value == "softmax" and at.selectbox(key="gc.bug").value is None
    assert len(at.success) == 1 and "the analytic gradient is right" in at.success[0].value
    assert not at.error and not at.warning
    verdicts = at.dataframe[0].value["verdict"].tolist()
    assert len(verdicts) == 10 and set(verdicts) == {"✓"}
    fig = _chart(at, "h_chart")
    assert [t["name"] for t in fig["data"]] == ["forward difference", "centered difference"]
    for trace in fig["data"]:
        hs, err = decode(trace["x"]), decode(trace["y"])
        assert len(hs) == len(err) == 12
        best = int(np.argmin(err))
        assert 0 < best < len(hs) - 1, (trace["name"], err)  # the U: worse at both ends
        assert err[best] < 1e-6
    # centered differences reach their best at a larger h than forward ones (truncation ∝ h² vs h)
    best_h = {t["name"]: decode(t["x"])[int(np.argmin(decode(t["y"])))] for t in fig["data"]}
    assert best_h["centered difference"] > best_h["forward difference"]


@pytest.mark.parametrize(
    ("loss", "bug"), [(loss, bug) for bug, b in BUGS.items() for loss in b.losses], ids=lambda v: str(v)
)
def test_each_planted_bug_is_caught(open_page, loss, bug):
    at = open_page(GRADCHECK)
    at.radio(key="gc.loss").set_value(loss).run()
    at.selectbox(key="gc.bug").set_value(bug).run()
    no_exceptions(at)
    assert any(BUGS[bug].title in w.value for w in at.warning)  # the plant is announced
    assert len(at.error) == 1 and "the analytic gradient is wrong" in at.error[0].value
    worst = float(at.error[0].value.split("error ")[1].split(":")[0])
    assert worst > 1e-3
    assert "✗" in at.dataframe[0].value["verdict"].tolist()
    # no h rescues a real bug: the whole sweep stays far above the line
    assert all(decode(t["y"]).min() > 1e-4 for t in _chart(at, "h_chart")["data"])


def test_forward_differences_at_a_tiny_h_drown_in_round_off(open_page):
    at = open_page(GRADCHECK)
    at.radio(key="gc.method").set_value("forward").run()
    at.select_slider(key="gc.h").set_value(1e-12).run()
    no_exceptions(at)
    assert not at.success and (at.warning or at.error)
    assert "✗" in at.dataframe[0].value["verdict"].tolist()


# ---------------------------------------------------------------- Random search (one visit: a 120 MB array)


@pytest.fixture(scope="module")
def search_page():
    """The Random search page, seen before Run, after Run at budget 50 and after Time; one AppTest."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    switch(at, SEARCH)
    seen = {"before": ([i.value for i in at.info], len(at.get("plotly_chart")), len(at.dataframe))}
    at.select_slider(key="rs.budget").set_value(50).run()
    at.button(key="rs.run").click().run()
    no_exceptions(at)
    seen["run"] = ([i.value for i in at.info], [w.value for w in at.warning], _chart(at, "search_chart"))
    seen["results"] = at.dataframe[0].value
    at.button(key="rs.time").click().run()
    no_exceptions(at)
    seen["timing"] = at.dataframe[-1].value
    seen["results_after_time"] = at.dataframe[0].value
    at.number_input(key="rs.seed").set_value(1).run()
    no_exceptions(at)
    seen["changed"] = [i.value for i in at.info]
    seen["chart_after_change"] = len(at.get("plotly_chart"))
    return seen


def test_random_search_prompts_then_runs_three_strategies_on_equal_budgets(search_page):
    infos, charts, tables = search_page["before"]
    assert any("Press **Run the search**" in i for i in infos) and charts == 0 and tables == 0
    infos, warnings, fig = search_page["run"]
    assert not infos and not warnings  # nothing stopped, settings unchanged
    assert [t["name"] for t in fig["data"]] == ["Random search", "Random local search", "Following the gradient"]
    assert all(decode(t["x"])[-1] == 50 for t in fig["data"])
    for t in fig["data"]:  # best-so-far never gets worse
        assert (np.diff(decode(t["y"])) <= 0).all()
    table = search_page["results"]
    assert table["evaluations"].tolist() == ["50 of 50"] * 3
    best = dict(zip(table["strategy"], table["best loss"], strict=True))
    assert best["Following the gradient"] < best["Random search"]


def test_timing_table_shows_loops_slower_than_vectorized(search_page):
    timing = search_page["timing"]
    assert len(timing) == 4
    forms = timing["form"].tolist()
    ms = dict(zip(forms, timing["ms per evaluation"], strict=True))
    assert forms[0].startswith("Loops") and forms[1].startswith("Vectorized, loss + gradient")
    assert ms[forms[0]] > ms[forms[1]]
    assert search_page["results_after_time"].equals(search_page["results"])  # timing did not search again


def test_changing_a_setting_after_a_run_says_so_and_keeps_the_results(search_page):
    assert any("settings changed" in i for i in search_page["changed"])
    assert search_page["chart_after_change"] == 1
