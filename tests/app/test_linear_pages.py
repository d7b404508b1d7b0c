"""The linear-classifier pages (Linear classifier, Digits, Gradient check, Random search), driven through
their widgets; figures are decoded from their JSON and checked against what the page claims. The linear
classifier plays on the stage: its spec is the component's data, and the stage's two messages (a resting
step, a click on the map) are sent as the browser sends them."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from gdviz.linear.data import load_digits, train_test_split
from gdviz.linear.gradcheck import BUGS

from .conftest import ROOT, decode, no_exceptions, switch
from .test_links import open_link

LINEAR, DIGITS, GRADCHECK, SEARCH = (f"pages/{p}.py" for p in ("linear", "digits", "gradient_check", "random_search"))
C = 3  # classes of the default data set (blobs)
SNAPSHOTS = np.unique(np.round(np.linspace(0, 300, 101))).astype(int)  # where the default run's snapshots are


# ---------------------------------------------------------------- helpers


def _chart(at: AppTest, key: str) -> dict:
    """The figure JSON of the chart drawn with ``key=``."""
    for chart in at.get("plotly_chart"):
        if chart.proto.id.endswith(f"-{key}"):
            return json.loads(chart.proto.spec)
    raise AssertionError(f"no chart {key!r} on the page")


def _stage(at: AppTest) -> dict:
    """The stage's data: ``{"spec": …, "open_at": …}``."""
    stages = [c for c in at.get("bidi_component") if c.proto.id.endswith("-lc_stage")]
    assert len(stages) == 1, "no stage (or more than one) on the page"
    return json.loads(stages[0].proto.json)


def _panels(at: AppTest) -> tuple[dict, dict]:
    """The map and the loss panel of the stage."""
    spec = _stage(at)["spec"]
    assert [p["testid"] for p in spec["panels"]] == ["gdviz-map", ""]
    return spec["panels"][0], spec["panels"][1]


def _movers(panel: dict, fill: str | None = None, kind: str = "frames") -> list[dict]:
    """The moving entries of ``kind`` whose trace has ``fill`` (the regions: "toself")."""
    data = panel["figure"]["data"]
    return [m for m in panel["moving"] if m["kind"] == kind and data[m["trace"]].get("fill") == fill]


def _polylines(mover: dict) -> list[np.ndarray]:
    """A snapshots mover's polylines, one (n, 2) array per snapshot."""
    x, y, off = decode(mover["x"]), decode(mover["y"]), mover["offsets"]
    return [np.column_stack([x[a:b], y[a:b]]) for a, b in zip(off, off[1:], strict=False)]


def _points(panel: dict) -> dict[str, np.ndarray]:
    """The data points on the map, per class name: (n, 2)."""
    return {
        t["name"]: np.column_stack([decode(t["x"]), decode(t["y"])])
        for t in panel["figure"]["data"]
        if t.get("mode") == "markers" and re.fullmatch(r"class \d", t.get("name", ""))
    }


def _send(at: AppTest, *, step: int | None = None, click: dict | None = None) -> AppTest:
    """What the stage sends: a resting step (its state) or a click (a trigger), then one run."""
    sid = next(c for c in at.get("bidi_component") if c.proto.id.endswith("-lc_stage")).proto.id
    states = at._tree.get_widget_states()
    if step is not None:
        states.widgets.append(WidgetState(id=sid, json_value=json.dumps({"step": step})))
    if click is not None:
        payload = json.dumps([{"event": "click", "value": click}])
        states.widgets.append(WidgetState(id=_make_trigger_id(sid, "events"), json_trigger_value=payload))
    return at._run(states)


def _click_map(at: AppTest, x: float, y: float) -> AppTest:
    """A click on the map's plot area at data coordinates (x, y)."""
    return _send(at, click={"panel": "point", "x": x, "y": y})


def _table(at: AppTest):
    """The per-point table of the Linear classifier page (the one with a ``loss`` column)."""
    tables = [df.value for df in at.dataframe if "loss" in df.value.columns]
    assert len(tables) == 1, [list(df.value.columns) for df in at.dataframe]
    return tables[0]


def _table_at(at: AppTest) -> int:
    """The iteration the per-point table's caption names; the cards above it name the same one."""
    found = [int(m.group(1)) for c in at.caption if (m := re.search(r"every point at step (\d+)", c.value))]
    assert len(found) == 1, [c.value for c in at.caption]
    assert _cards_at(at) == found[0]
    return found[0]


def _cards_at(at: AppTest) -> int:
    """The step the cards say they show ("At step k of T, …")."""
    found = [
        int(m.group(1).replace(",", "")) for md in at.markdown if (m := re.match(r"\*\*At step ([\d,]+)\*\*", md.value))
    ]
    assert len(found) == 1, [md.value for md in at.markdown]
    return found[0]


def _cards(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _shown(at: AppTest):
    """The per-point table as the reader sees it: the text of every cell (the table's Styler display values)."""
    import pyarrow as pa

    table = next(df for df in at.dataframe if "loss" in df.value.columns)
    return pa.ipc.open_stream(table.proto.arrow_data.styler.display_values).read_pandas()


SUPERSCRIPT = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹−", "-0123456789-")


def _number(text: str) -> float:
    """A number as gdviz.readable.readable writes it (1,234 / −0.0108 / 3.14 × 10⁻⁸ / 10⁻⁶) back to a float."""
    text = text.translate(SUPERSCRIPT).replace(",", "")
    power = re.fullmatch(r"(-?)(?:([\d.]+) × )?10(-?\d+)", text)
    if not power:
        return float(text)
    sign, mantissa, exponent = power.groups()
    return (-1 if sign else 1) * float(mantissa or 1) * 10.0 ** int(exponent)


def _param(at: AppTest, name: str):
    value = at.query_params.get(name)
    return value[0] if isinstance(value, list) else value


def _errors(at: AppTest) -> str:
    return " | ".join(e.value for e in at.error)


# ---------------------------------------------------------------- Linear classifier


def test_default_run_shows_metrics_staged_regions_and_the_point_table(open_page):
    at = open_page(LINEAR)
    no_exceptions(at)
    assert not at.error
    metrics = _cards(at)
    assert float(metrics["Loss, all data"]) == pytest.approx(np.log(C), abs=0.01)  # step 0: W ≈ 0, loss ln C
    assert metrics["Iterations run"] == "300" and metrics["Epochs"] == "0"
    stage = _stage(at)
    assert stage["open_at"] == 0 and stage["spec"]["T"] == 300  # the timeline is the iterations
    assert not any(c.proto.id.endswith("-lc_chart") for c in at.get("plotly_chart"))  # the old chart is gone
    mp, ls = _panels(at)
    assert mp["click"] == "point" and not ls["click"]
    # one filled region and one score-zero line per class, each switching at the run's snapshots
    regions, lines = _movers(mp, "toself"), _movers(mp, None)
    assert len(regions) == len(lines) == C
    assert all(m["steps"] == SNAPSHOTS.tolist() for m in regions + lines)
    polys = [_polylines(m) for m in regions]
    assert all(len(p) == len(SNAPSHOTS) for p in polys)
    first, last = [p[0] for p in polys], [p[-1] for p in polys]
    assert any(a.shape != b.shape or not np.allclose(a, b) for a, b in zip(first, last, strict=True))
    assert all(len(p) >= 3 for p in last)  # every class wins a region at the end (each blob its class)
    assert all(len(seg) in (0, 2) for m in lines for seg in _polylines(m))  # a segment, or none inside the box
    # the figure is drawn at the opening step: the region traces hold the first snapshot's polygons
    for m, poly in zip(regions, first, strict=True):
        trace = mp["figure"]["data"][m["trace"]]
        np.testing.assert_allclose(np.column_stack([decode(trace["x"]), decode(trace["y"])]), poly, atol=1e-5)
    # the data points are drawn, not moved: one marker trace per class, 300 points in all
    points = _points(mp)
    assert sorted(points) == [f"class {c}" for c in range(C)] and sum(map(len, points.values())) == 300
    moved = {m["trace"] for m in mp["moving"]}
    assert not moved & {i for i, t in enumerate(mp["figure"]["data"]) if t.get("name", "").startswith("class ")}
    # the legend: a key per class, its marker on its line's dash (they differ in more than color)
    keys = [t for t in mp["figure"]["data"] if t.get("showlegend") is not False and t.get("name")]
    assert [t["name"] for t in keys] == [f"class {c}" for c in range(C)]
    assert all(t["mode"] == "lines+markers" for t in keys)
    assert len({(t["line"].get("dash"), t["marker"]["symbol"]) for t in keys}) == C
    # the loss chart: a cursor at the step and a marker on the full-data loss of the snapshot on the map
    names = [t.get("name") for t in ls["figure"]["data"]]
    assert {"loss per iteration (its batch)", "trend (smoothed)", "loss on all the data", "now"} <= set(names)
    assert sorted(m["kind"] for m in ls["moving"]) == ["now", "vline"]
    now = decode(next(m for m in ls["moving"] if m["kind"] == "now")["y"]).ravel()
    assert len(now) == 301
    assert set(np.flatnonzero(np.diff(now)) + 1) <= set(SNAPSHOTS.tolist())  # it moves only at a snapshot
    assert now[0] == pytest.approx(float(metrics["Loss, all data"]), rel=1e-3)  # the cards are at step 0 too
    low, high = next(m for m in ls["moving"] if m["kind"] == "vline")["y"]
    batch = decode(ls["figure"]["data"][names.index("loss per iteration (its batch)")]["y"])
    assert low == 0 and high >= max(batch.max(), now.max())
    table = _table(at)
    assert len(table) == 300
    assert {"x₁", "x₂", "class", "loss"} <= set(table.columns)
    assert [c for c in table.columns if c.startswith("score ")] == [f"score class {c}" for c in range(C)]
    assert _table_at(at) == 0


def test_the_step_the_stage_rests_on_moves_the_table_and_the_link(open_page):
    at = open_page(LINEAR)
    start = _table(at)["score class 0"].to_numpy()
    before = _cards(at)
    _send(at, step=121)  # between snapshots: the table shows the last one before it, as the map does
    no_exceptions(at)
    # the cards follow the step too: the loss of the snapshot the map shows (the loss panel's marker there)
    _, ls = _panels(at)
    now = decode(next(m for m in ls["moving"] if m["kind"] == "now")["y"]).ravel()
    cards = _cards(at)
    assert float(cards["Loss, all data"]) == pytest.approx(now[121], rel=1e-3)
    assert float(cards["Loss, all data"]) < float(before["Loss, all data"])
    assert cards["Epochs"] == "120" and cards["Iterations run"] == "300"  # full batch: an epoch per step
    assert float(cards["Accuracy"].rstrip("%")) > float(before["Accuracy"].rstrip("%"))
    assert any("the last snapshot before step 121" in md.value for md in at.markdown)
    assert at.session_state["lc_cursor"] == 121 and _table_at(at) == 120
    assert _stage(at)["open_at"] == 121  # a stage drawn afresh opens where this one rests
    assert _param(at, "at") == "121"
    middle = _table(at)["score class 0"].to_numpy()
    assert not np.array_equal(start, middle)
    _send(at, step=300)
    assert _table_at(at) == 300 and _param(at, "at") == "300"
    assert float(_cards(at)["Loss, all data"]) < 0.2 and float(_cards(at)["Accuracy"].rstrip("%")) > 95
    _send(at, step=5_000)  # beyond the run: not a step of this stage, ignored
    assert at.session_state["lc_cursor"] == 300
    _send(at, step=0)
    assert _table_at(at) == 0 and np.array_equal(_table(at)["score class 0"].to_numpy(), start)
    assert _param(at, "at") in (None, "0")
    no_exceptions(at)


def test_the_table_writes_numbers_with_their_significant_digits(open_page):
    """At step 0 the scores are about 0.001 (W0 = 0.001 · N(0, 1)): rounded to 0.001 they read 0 or 0.001."""
    at = open_page(LINEAR)
    raw, shown = _table(at), _shown(at)
    scores = [c for c in raw.columns if c.startswith("score ")]
    values = raw[scores].to_numpy().ravel()
    texts = shown[scores].to_numpy().ravel()
    assert (np.abs(values) < 1e-3).sum() > 100  # plenty of tiny scores to write
    for value, text in zip(values, texts, strict=True):
        assert text != "0" or value == 0, (value, text)
        assert _number(text) == pytest.approx(value, rel=1e-3), (value, text)  # 4 significant digits
    assert any("× 10⁻" in t for t in texts)  # tiny ones as powers of ten
    losses = shown["loss"].to_numpy()
    assert all(_number(t) == pytest.approx(v, rel=1e-3) for t, v in zip(losses, raw["loss"], strict=True))
    assert raw["loss"].dtype.kind == "f"  # underneath, numbers: the column sorts by value


def test_a_shorter_run_keeps_the_step_within_it(open_page):
    at = open_page(LINEAR)
    _send(at, step=250)
    at.number_input(key="lc.steps").set_value(100).run()
    no_exceptions(at)
    assert _stage(at)["spec"]["T"] == 100
    assert at.session_state["lc_cursor"] == 100 and _table_at(at) == 100 and _param(at, "at") == "100"


def test_a_link_opens_the_stage_at_its_iteration():
    at = open_link(LINEAR, {"at": "250"})  # beyond 100: an iteration, no longer a snapshot index
    no_exceptions(at)
    assert not [w.value for w in at.warning if "could not be used" in w.value]
    assert at.session_state["lc_cursor"] == 250 and _stage(at)["open_at"] == 250
    assert _table_at(at) == 249  # the last snapshot at or before it (every third iteration)


def _fonts(layout: dict) -> list[float]:
    """Every explicit size in a figure's layout (font sizes: a layout holds no other)."""
    return [float(v) for v in re.findall(r'"size":\s*([0-9.]+)', json.dumps(layout))]


@pytest.mark.parametrize("projection", [False, True], ids=["normal", "projection"])
def test_the_stage_is_readable_and_projection_enlarges_it(projection):
    at = open_link(LINEAR, {"projection": "1"} if projection else {})
    no_exceptions(at)
    spec = _stage(at)["spec"]
    assert spec["projection"] is projection and not spec["trailToggle"]  # no paths: no trail switch
    for panel in spec["panels"]:
        layout = panel["figure"]["layout"]
        assert layout["title"]["text"] and layout["xaxis"]["title"]["text"] and layout["yaxis"]["title"]["text"]
        sizes = _fonts(layout)
        assert sizes and min(sizes) >= 12, sizes
        if projection:
            assert layout["font"]["size"] >= 20 and layout["title"]["font"]["size"] >= 26


def test_svm_adam_and_batch_sizes_all_train(open_page):
    at = open_page(LINEAR)
    _send(at, step=300)  # the cards show the end of each run from here on
    at.radio(key="lc.loss").set_value("svm").run()
    no_exceptions(at)
    assert any(m.proto.help.startswith("Multiclass hinge") for m in at.metric if m.label == "Loss, all data")
    at.selectbox(key="lc.optimizer").set_value("adam").run()
    no_exceptions(at)
    assert at.number_input(key="lc.adam.lr").value == 0.05
    # an epoch of 300 points is 10 batches of 32 (the last one partial), or 300 batches of 1
    for batch, epochs in ((32, 30.0), (1, 1.0)):
        at.selectbox(key="lc.batch").set_value(batch).run()
        no_exceptions(at)
        assert not at.error, _errors(at)
        metrics = _cards(at)
        assert _cards_at(at) == 300 and float(metrics["Epochs"]) == pytest.approx(epochs, abs=0.05)
        assert float(metrics["Accuracy"].rstrip("%")) > 90
        assert len(_movers(_panels(at)[0], "toself")) == C


def test_batch_chart_has_a_thick_curve_per_feasible_batch_and_notes_the_rest(open_page):
    at = open_page(LINEAR)
    thick = [t["name"] for t in _chart(at, "batch_chart")["data"] if t.get("line", {}).get("width") == 3]
    every = ["full (vanilla GD)", "256 (mini-batch)", "128 (mini-batch)", "64 (mini-batch)"]
    assert thick == every + ["32 (mini-batch)", "1 (SGD)"]
    assert not at.info
    at.number_input(key="lc.n").set_value(100).run()
    no_exceptions(at)
    fig = _chart(at, "batch_chart")
    thick = [t["name"] for t in fig["data"] if t.get("line", {}).get("width") == 3]
    assert thick == ["full (vanilla GD)", "64 (mini-batch)", "32 (mini-batch)", "1 (SGD)"]
    assert all(len(decode(t["y"])) == 300 for t in fig["data"])
    notes = [i.value for i in at.info]
    assert len(notes) == 2
    assert "256" in notes[0] and "larger than the 100 examples" in notes[0]
    assert "128" in notes[1] and "larger than the 100 examples" in notes[1]
    # per epoch, the full batch has seen the data 300 times, SGD only 3 times
    at.segmented_control(key="lc.per").set_value("epoch").run()
    fig = _chart(at, "batch_chart")
    ends = {t["name"]: decode(t["x"])[-1] for t in fig["data"] if t.get("line", {}).get("width") == 3}
    assert ends["full (vanilla GD)"] == pytest.approx(300) and ends["1 (SGD)"] == pytest.approx(3)


def test_the_six_batch_trainings_run_only_while_their_tab_is_open(open_page, monkeypatch):
    from gdviz.ui.linear import views as linear_views

    trained = []
    real = linear_views.batch_curve
    monkeypatch.setattr(linear_views, "batch_curve", lambda *a: trained.append(a[-3]) or real(*a))
    linear_views.show_batches.clear()  # drawn by an earlier test, the chart would be replayed from the cache
    at = open_page(LINEAR)
    assert len(trained) == 6 and _chart(at, "batch_chart")  # the first tab is open: every batch size
    at.session_state["lc.tab"] = "Scores and loss of every point"
    at.number_input(key="lc.steps").set_value(301).run()
    no_exceptions(at)
    assert len(trained) == 6 and not [c for c in at.get("plotly_chart") if c.proto.id.endswith("-batch_chart")]
    assert len(_table(at)) > 0  # the open tab's table is there


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
    assert not at.get("bidi_component") and not at.get("plotly_chart") and not at.metric
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
    mp, ls = _panels(at)
    diverged_at = int(re.search(r"diverged at step (\d+)", _errors(at)).group(1))
    assert _stage(at)["spec"]["T"] == diverged_at - 1  # the timeline ends at the last snapshot kept
    assert all(np.isfinite(decode(m[a])).all() for m in mp["moving"] for a in "xy")
    assert all(np.isfinite(decode(m["y"])).all() for m in ls["moving"])
    assert np.isfinite(_table(at)["loss"].to_numpy()).all()


def test_a_click_on_the_map_adds_a_point_of_the_chosen_class_and_remove_clears_it(open_page):
    at = open_page(LINEAR)
    at.radio(key="lc.click_class").set_value(2).run()
    assert not [b for b in at.button if b.key == "lc.clear"]
    _send(at, step=121)
    _click_map(at, 0.50012, -1.24961)  # data coordinates as the browser computes them: rounded to 3 places
    no_exceptions(at)
    assert at.session_state["lc.added"] == [(0.5, -1.25, 2)]
    assert at.session_state["lc_cursor"] == 121 and _table_at(at) == 120  # the click keeps the step
    table = _table(at)
    assert len(table) == 301
    assert table.iloc[-1][["x₁", "x₂", "class"]].tolist() == [0.5, -1.25, "class 2"]
    # the point is drawn on the map with its class, and goes into the link
    points = _points(_panels(at)[0])
    assert tuple(points["class 2"][-1]) == (0.5, -1.25) and sum(map(len, points.values())) == 301
    assert _param(at, "pts") == "0.5:-1.25:2"
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
    train_acc, test_acc = _percent(at, "Training accuracy"), _percent(at, "Test accuracy")
    assert train_acc > 0.85 and test_acc > 0.85
    chart = _chart(at, "templates_chart")
    (heat,) = chart["data"]  # ten 8 × 8 pictures, five to a row, 1 blank pixel apart and 4 under each for its name
    z = decode(heat["z"]).astype(float)
    assert heat["type"] == "heatmap" and z.shape == (2 * 13, 5 * 9)
    tiles = [z[r * 13 : r * 13 + 8, c * 9 : c * 9 + 8] for r in range(2) for c in range(5)]
    assert all(np.isfinite(t).all() for t in tiles) and np.isnan(z).sum() == z.size - 10 * 64
    assert len({t.tobytes() for t in tiles}) == 10  # ten different templates
    assert [a["text"] for a in chart["layout"]["annotations"]] == [f"class {d}" for d in range(10)]
    M = decode(_chart(at, "confusion_chart")["data"][0]["z"]).astype(np.int64)
    n_test = len(train_test_split(load_digits(), test_fraction=0.2, seed=0)[1].y)
    assert n_test == 359  # 20 % of each digit's examples, rounded per digit: 359 of 1,797
    assert M.shape == (10, 10) and M.sum() == n_test
    assert np.trace(M) / n_test == pytest.approx(test_acc, abs=0.0005)  # the metric is rounded to 0.1 %
    assert (M.sum(axis=1) > 0).all()  # every digit is in the test set


def test_digits_explain_the_plateau_show_samples_and_the_digits_it_gets_wrong(open_page):
    at = open_page(DIGITS)
    no_exceptions(at)
    # the plateau in numbers: loss = data loss + regularization, each from the final W, and they add up
    note = next(md.value for md in at.markdown if md.value.startswith("**Why the loss levels off"))
    total, data, penalty = (
        float(x) for x in re.search(r"loss ([\d.]+) = data loss ([\d.]+) \+ regularization ([\d.]+)", note).groups()
    )
    assert total == pytest.approx(data + penalty, abs=0.0015)
    card = float(next(m.value for m in at.metric if m.label == "Loss, training data"))
    assert total == pytest.approx(card, abs=0.0006)
    assert 0.2 < penalty / total < 0.8  # reg 0.01 holds a good part of the plateau: the sentence is about it
    at.number_input(key="digits.reg").set_value(0.0).run()
    no_exceptions(at)
    assert any("all of it data loss (reg is 0" in md.value for md in at.markdown)
    at.number_input(key="digits.reg").set_value(0.01).run()
    # a row of samples per class: ten rows of ten 8×8 digits, labelled 0…9 on the left
    samples = _chart(at, "samples_chart")
    z = decode(samples["data"][0]["z"])
    assert z.shape == (10 * 9, 10 * 9) and np.isnan(z).any()  # tiles of 8 pixels and a blank pixel between
    assert samples["layout"]["yaxis"]["ticktext"] == [str(c) for c in range(10)]
    train, test = train_test_split(load_digits(), test_fraction=0.2, seed=0)
    for c in range(10):  # row c holds digits of class c, as in the data
        first = train.X[np.flatnonzero(train.y == c)[0]].reshape(8, 8)
        np.testing.assert_allclose(z[9 * c : 9 * c + 8, :8], first)
    # the wrong test digits, each captioned true → guess; together they are the confusion matrix's off-diagonal
    M = decode(_chart(at, "confusion_chart")["data"][0]["z"]).astype(np.int64)
    wrong = _chart(at, "wrong_chart")
    captions = [a["text"] for a in wrong["layout"]["annotations"]]
    n_wrong = int(M.sum() - np.trace(M))
    assert 0 < n_wrong <= 40 and len(captions) == n_wrong
    pairs = np.zeros_like(M)
    for text in captions:
        true, guess = (int(v) for v in text.split(" → "))
        assert true != guess
        pairs[true, guess] += 1
    np.testing.assert_array_equal(pairs, M - np.diag(np.diag(M)))
    assert f"{n_wrong} of {len(test.y)}" in wrong["layout"]["title"]["text"]
    assert all(a["font"]["size"] >= 12 for a in wrong["layout"]["annotations"])


def test_digits_confusion_matrix_keeps_square_cells_and_readable_numbers(open_page):
    fig = _chart(open_page(DIGITS), "confusion_chart")
    x, y = fig["layout"]["xaxis"], fig["layout"]["yaxis"]
    assert y["scaleanchor"] == "x" and x["constrain"] == y["constrain"] == "domain"  # square cells, never squashed
    assert x["dtick"] == y["dtick"] == 1  # every class labelled
    assert fig["data"][0]["textfont"]["size"] >= 12


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
    names = [t["name"] for t in fig["data"]]
    assert names == ["forward difference", "centered difference", "1e-7: below it the gradient is right"]
    curves = fig["data"][:2]  # the third is the 1e-7 line's legend entry (the line itself is a shape)
    for trace in curves:
        hs, err = decode(trace["x"]), decode(trace["y"])
        assert len(hs) == len(err) == 12
        best = int(np.argmin(err))
        assert 0 < best < len(hs) - 1, (trace["name"], err)  # the U: worse at both ends
        assert err[best] < 1e-6
    # centered differences reach their best at a larger h than forward ones (truncation ∝ h² vs h)
    best_h = {t["name"]: decode(t["x"])[int(np.argmin(decode(t["y"])))] for t in curves}
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
    assert all(decode(t["y"]).min() > 1e-4 for t in _chart(at, "h_chart")["data"][:2])


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
