"""The network page's stage panels: what each moving part carries (every snapshot's regions, each neuron's
pictures, each weight's shade and width), that the figures show the same at ``at``, the byte budget kept by
thinning the neurons' snapshots, the loss chart's cursor and range, and the merged figure of the download."""

from __future__ import annotations

import base64
import functools
import json
import re
import zlib
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest

from gdviz.network import train_mlp
from gdviz.network.data import BOX, network_data
from gdviz.network.features import FEATURES, feature_matrix
from gdviz.network.pictures import region_classes, unit_outputs
from gdviz.viz import network as net
from gdviz.viz import stage as stage_module
from gdviz.viz.layout import CHAR_EM, GAP, LINE, STAGE_HALF, title_height
from gdviz.viz.stage import stage_spec


def _bytes(packed: dict) -> np.ndarray:
    dtype = {"u1": np.uint8, "i1": np.int8}[packed["dtype"]]
    return np.frombuffer(zlib.decompress(base64.b64decode(packed["bdata"])), dtype=dtype)


@functools.cache
def _case(hidden=(4, 3), features=("x", "y"), steps=30, lr=0.05, split=0.2, batch=None):
    data = network_data("moons", 0.1, split, seed=0)
    X = feature_matrix(data.train.X, features)
    test = {} if data.test is None else dict(X_test=feature_matrix(data.test.X, features), y_test=data.test.y)
    run = train_mlp(X, data.train.y, hidden=hidden, optimizer="adam", steps=steps, lr=lr, snapshots=11,
                    batch_size=batch, **test)  # fmt: skip
    regions = region_classes(run.snapshot_params, run.activation, features, BOX, 16)
    units = unit_outputs(run.snapshot_params, run.activation, features, BOX, 6)
    return run, data, features, regions, units


def _panels(case=None, **kw):
    run, data, features, regions, units = case or _case()
    return net.network_panels(run, data, features, regions, units, box=BOX, **kw)


def test_shades_run_from_orange_through_grey_to_blue():
    colors = net.shade_colors()
    assert colors.shape == (net.SHADES, 3) and colors.dtype == np.uint8
    assert tuple(colors[0]) == net.NEGATIVE and tuple(colors[15]) == net.ZERO and tuple(colors[-1]) == net.POSITIVE
    got = net.shades(np.array([-5.0, -1.0, 0.0, 0.5, 1.0, 9.0, np.nan]))
    assert got.tolist() == [0, 0, 15, 22, 30, 30, 15]  # 0.5 → (1.5 / 2) · 30 = 22.5, rounded to even
    assert net.shades(np.array([2.0]), limit=4.0).tolist() == [22]


def test_the_map_plays_every_snapshot_of_the_regions_and_shows_the_one_at_at():
    run, data, *_, regions, _ = _case()
    panels = _panels(at=15)
    assert [p.testid for p in panels] == ["gdviz-network", "gdviz-map", ""]
    (moving,) = panels[1].moving
    assert moving["kind"] == "raster" and moving["steps"] == run.snapshot_steps.tolist()
    cells = _bytes(moving["cells"]).reshape(moving["shape"])
    np.testing.assert_array_equal(cells, regions[:, ::-1, :])  # rows top first
    np.testing.assert_array_equal(_bytes(moving["colors"]).reshape(-1, 3), net.region_colors(2))
    shown = int(np.searchsorted(run.snapshot_steps, 15, side="right") - 1)  # the snapshot at iteration 15
    (image,) = panels[1].figure.layout.images
    assert image.source == net._png(cells[shown], net.region_colors(2)) and image.layer == "below"
    assert (image.x, image.y, image.sizex, image.sizey) == (-2, 2, 4, 4)
    names = {t.name for t in panels[1].figure.data}
    assert {"class 0", "class 1", "class 0 (test)", "class 1 (test)"} <= names


def test_every_neuron_has_its_pictures_and_every_weight_its_shade_and_width():
    run, data, features, regions, units = _case()
    network = _panels(at=30)[0]
    links, *rasters = network.moving
    assert links["kind"] == "links" and all(m["kind"] == "raster" for m in rasters)
    assert len(rasters) == sum(run.sizes) == 2 + 4 + 3 + 2
    assert rasters[0]["steps"] == [0] and rasters[-1]["steps"] == run.snapshot_steps.tolist()  # inputs: one picture
    pictures = net.unit_pictures(units)
    first_hidden = _bytes(rasters[2]["cells"]).reshape(rasters[2]["shape"])
    np.testing.assert_array_equal(first_hidden, pictures[1][:, 0])
    np.testing.assert_array_equal(pictures[1][:, 0], net.shades(units[1][:, 0, ::-1, :]))  # clipped to ±1
    n = 2 * 4 + 4 * 3 + 3 * 2
    shades, widths = (_bytes(links[k]).reshape(len(run.snapshot_steps), n) for k in ("shades", "widths"))
    w = np.concatenate([W.reshape(len(W), -1) for W, _ in run.snapshot_params], axis=1)
    np.testing.assert_array_equal(shades, net.shades(w))
    low, high, limit = net.WEIGHT_WIDTH
    np.testing.assert_allclose(widths / 10, low + (high - low) * np.minimum(np.abs(w), limit) / limit, atol=0.051)
    shapes = network.figure.layout.shapes
    assert links["shapes"] == [0, n] == [0, len(shapes)]
    colors = net.shade_colors()
    assert [s.line.color for s in shapes] == [net._hex(colors[c]) for c in shades[-1]]  # the figure at step 30
    x = np.frombuffer(base64.b64decode(links["x"]["bdata"]), np.float32).reshape(n, 2)
    assert x[:8].tolist() == [[0, 1]] * 8 and x[-6:].tolist() == [[2, 3]] * 6  # input → layer 1 … → outputs
    labels = [a.text for a in network.figure.layout.annotations]
    assert labels[:4] == ["inputs", "layer 1<br>4 tanh", "layer 2<br>3 tanh", "outputs"]
    assert [FEATURES[f].title for f in features] == labels[4:6]
    compact = [a.text for a in _panels(compact=True)[0].figure.layout.annotations]
    assert compact[:4] == ["in", "h1", "h2", "out"] and compact[4:6] == labels[4:6]


def test_the_loss_chart_follows_the_step_and_a_blow_up_leaves_its_top():
    run, *_ = case = _case()
    loss = _panels(case, at=7)[2]
    vline, now = loss.moving
    assert vline["kind"] == "vline" and now["kind"] == "now" and now["m"] == 2  # training and test
    marks = np.frombuffer(base64.b64decode(now["y"]["bdata"]), np.float32).reshape(-1, 2)
    assert len(marks) == run.snapshot_steps[-1] + 1
    np.testing.assert_allclose(marks[7], [np.interp(7, run.eval_steps, c) for c in (run.train_loss, run.test_loss)],
                               rtol=1e-6)  # fmt: skip
    wild = _case(hidden=(3,), steps=40, lr=50.0)
    top = _panels(wild)[2].figure.layout.yaxis.range[1]
    first = max(wild[0].train_loss[0], wild[0].test_loss[0])
    assert wild[0].train_loss.max() > 3 * first and top == pytest.approx(1.08 * 3 * first)


def test_mini_batches_draw_each_batch_and_no_test_set_no_test_curve():
    run, *_ = case = _case(split=0.0, batch=16)
    names = [t.name for t in _panels(case)[2].figure.data]
    assert "each batch" in names and "training loss" in names and "test loss" not in names
    assert "test points (open)" not in names


def test_the_stage_data_stays_within_its_budget_by_thinning_the_neurons():
    big = _case(hidden=(16, 16, 16, 16), features=tuple(FEATURES), steps=200, lr=0.3)
    run, data, features, _, _ = big
    regions = region_classes(run.snapshot_params, run.activation, features, BOX, 64)
    units = unit_outputs(run.snapshot_params, run.activation, features, BOX, 20)
    case = (run, data, features, regions, units)
    full = _panels(case, budget=10_000_000)[0]
    thin = _panels(case, budget=300_000)[0]
    assert len(full.moving[-1]["steps"]) == 11 and len(thin.moving[-1]["steps"]) < 11
    assert thin.moving[-1]["steps"][-1] == full.moving[-1]["steps"][-1], "the last snapshot is always kept"
    for projection in (False, True):
        spec = stage_spec(_panels(case), int(run.snapshot_steps[-1]), projection=projection)
        assert len(json.dumps(spec)) <= 1_000_000


def test_the_download_puts_the_three_views_side_by_side():
    run, data, features, regions, units = _case()
    fig = net.network_figure(run, data, features, regions, units, box=BOX, at=30)
    layout = fig.to_dict()["layout"]
    assert [layout[f"xaxis{n}"]["domain"][0] < layout[f"xaxis{n}"]["domain"][1] for n in ("", "2", "3")] == [True] * 3
    assert layout["yaxis2"]["scaleanchor"] == "x2" and len(layout["images"]) == 1 + sum(run.sizes)
    assert {im["xref"] for im in layout["images"]} == {"x", "x2"}
    assert "iteration 30" in layout["title"]["text"]
    go.Figure(fig.to_dict())  # valid


@pytest.mark.parametrize("hidden", [(4, 3), (16, 16, 16, 16)], ids=["two-layers", "four-layers"])
def test_projected_the_network_keeps_its_layer_headings_legible_and_apart(hidden):
    """Projected (compact), every column keeps its heading (they were dropped): 21 px type, in a row of their own
    between the title and the plot (in pixels: any plot height), each clear of the next at 1280×720, where the
    network's panel is about 250 px wide (34 % of a 754 px stage's three panels)."""
    case = _case(hidden=hidden, features=tuple(FEATURES)[:4], steps=10)
    spec = stage_spec(_panels(case, compact=True), 10, projection=True)
    network = spec["panels"][0]
    layout = network["figure"]["layout"]
    heads = [a for a in layout["annotations"] if a.get("yref") == "y domain"]
    assert [a["text"] for a in heads] == ["in", *(f"h{i + 1}" for i in range(len(hidden))), "out"]
    assert all(a["font"]["size"] >= 20 and a["y"] == 1 and a["yanchor"] == "bottom" for a in heads)
    size = heads[0]["font"]["size"]
    title = layout["title"]["font"]["size"]
    assert layout["margin"]["t"] >= title_height(title) + GAP + LINE * size, "the headings sit under the title"
    plot = (2 * STAGE_HALF + 8 - 16) * network["width"] - layout["margin"]["l"] - layout["margin"]["r"]
    x0, x1 = layout["xaxis"]["range"]
    apart = plot / (x1 - x0)  # px between two columns' centres
    widths = [len(a["text"]) * CHAR_EM * size for a in heads]
    assert all((a + b) / 2 + 4 <= apart for a, b in zip(widths, widths[1:], strict=False)), (apart, widths)


def _min_plot() -> int:
    """The stage's shortest plot, px (``MIN_PLOT`` in stage.js): a projector at 1280×720 draws the panels this tall."""
    js = (Path(stage_module.__file__).parents[1] / "ui" / "assets" / "stage.js").read_text()
    return int(re.search(r"const MIN_PLOT = (\d+);", js).group(1))


@pytest.mark.parametrize("compact", [False, True], ids=["normal", "projected"])
@pytest.mark.parametrize(
    "hidden, features",
    [((8, 8), ("x", "y")), ((16,), ("x", "y")), ((16, 16), tuple(FEATURES)), ((2,), tuple(FEATURES))],
    ids=["default", "16-wide", "16-wide-all-inputs", "inputs-tallest"],
)
def test_the_inputs_names_stay_a_line_apart_in_the_shortest_plot(hidden, features, compact):
    """The inputs' names beside their neurons (x, y, x², …) are at least their type's size apart, in pixels, in the
    stage's shortest plot (300 px: 1280×720 projected). Beside a 16-wide layer, 1 apart, x and y overlapped (11 px
    apart, 21 px type)."""
    case = _case(hidden=hidden, features=features, steps=10)
    spec = stage_spec(_panels(case, compact=compact), 10, projection=compact)
    layout = spec["panels"][0]["figure"]["layout"]
    names = [a for a in layout["annotations"] if a.get("xanchor") == "right"]
    assert [a["text"] for a in names] == [FEATURES[f].title for f in features]
    plot = _min_plot() - layout["margin"]["t"] - layout["margin"]["b"]
    y0, y1 = layout["yaxis"]["range"]
    ys = sorted(a["y"] for a in names)
    apart = min(b - a for a, b in zip(ys, ys[1:], strict=False)) * plot / (y1 - y0)
    size = names[0]["font"]["size"]  # centres a type size apart: the glyphs never touch (seven inputs get 25 px)
    assert apart >= size, f"{apart:.1f} px between names of {size} px type"
    assert min(ys) >= y0 and max(ys) <= y1
