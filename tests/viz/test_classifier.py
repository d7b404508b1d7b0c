"""gdviz.viz.classifier: what the stage plays of a run (each snapshot's regions and score-zero lines, the loss
cursor) against the one-snapshot geometry of gdviz.linear.regions, and figures plotly accepts as they are built
(the stage's panels skip validation)."""

from __future__ import annotations

import base64
import functools

import numpy as np
import plotly.graph_objects as go
import pytest

from gdviz.linear.data import add_bias, blobs
from gdviz.linear.regions import region_polygons, zero_line
from gdviz.linear.train import smoothed, train_linear
from gdviz.viz.animation import typed
from gdviz.viz.classifier import classifier_figure, classifier_panels

BOX = ((-2.0, 2.0), (-2.0, 2.0))


@functools.cache
def _run(lr: float = 0.5):
    d = blobs(n=90, seed=1)
    run = train_linear(
        add_bias(d.X), d.y, loss="softmax", optimizer="sgd", steps=40, batch_size=15, lr=lr, snapshots=11
    )
    return d, run


def _inputs(lr: float = 0.5):
    d, run = _run(lr)
    args = (d.X, d.y, d.class_names, run.snapshot_W, run.snapshot_steps, run.snapshot_loss, run.losses)
    kwargs = dict(box=BOX, trend=smoothed(run.losses, 5), epoch_steps=run.eval_steps, epoch_losses=run.eval_loss)
    return run, args, kwargs


def _closed(p: np.ndarray) -> np.ndarray:
    return np.vstack([p, p[:1]]) if len(p) else p


def _polylines(mover: dict) -> list[np.ndarray]:
    x, y = (np.frombuffer(base64.b64decode(mover[k]["bdata"]), np.float32) for k in "xy")
    off = mover["offsets"]
    return [np.column_stack([x[a:b], y[a:b]]) for a, b in zip(off, off[1:], strict=False)]


@pytest.mark.parametrize("lr", [0.5, 40.0], ids=["trains", "overshoots"])
def test_the_map_switches_each_snapshots_regions_and_lines(lr):
    run, args, kwargs = _inputs(lr)
    mp, _ = classifier_panels(*args, **kwargs)
    C = run.snapshot_W.shape[2]
    regions, lines = mp.moving[:C], mp.moving[C : 2 * C]
    assert [m["kind"] for m in mp.moving] == ["frames"] * 2 * C
    for c in range(C):
        assert regions[c]["steps"] == lines[c]["steps"] == run.snapshot_steps.tolist()
        for i, W in enumerate(run.snapshot_W):
            want = _closed(region_polygons(W, BOX)[c]).astype(np.float32)
            np.testing.assert_array_equal(_polylines(regions[c])[i], want)
            np.testing.assert_array_equal(_polylines(lines[c])[i], zero_line(W[:, c], BOX).astype(np.float32))
        assert regions[c]["trace"] == c and lines[c]["trace"] == C + c
        assert mp.figure.data[c].fill == "toself" and mp.figure.data[C + c].fill is None


def test_the_panels_are_drawn_at_the_iteration_asked_for():
    run, args, kwargs = _inputs()
    at = int(run.snapshot_steps[5]) + 1  # between two snapshots: the map shows the earlier one
    mp, ls = classifier_panels(*args, **kwargs, at=at)
    W = run.snapshot_W[5]
    for c, polygon in enumerate(region_polygons(W, BOX)):
        trace = mp.figure.data[c]
        np.testing.assert_array_equal(np.column_stack([trace.x, trace.y]), _closed(polygon))
    cursor, now = ls.figure.data[-2], ls.figure.data[-1]
    assert list(cursor.x) == [at, at] and list(now.x) == [at]
    assert now.y[0] == pytest.approx(run.snapshot_loss[5], rel=1e-6)
    assert [m["kind"] for m in ls.moving] == ["vline", "now"]
    shown = np.searchsorted(run.snapshot_steps, np.arange(run.snapshot_steps[-1] + 1), "right") - 1
    assert ls.moving[1]["y"] == typed(run.snapshot_loss[shown])


def test_plotly_accepts_the_unvalidated_panels_as_they_are():
    run, args, kwargs = _inputs()
    for panel in classifier_panels(*args, **kwargs, at=7):
        built = panel.figure.to_dict()
        assert go.Figure(built).to_dict() == built  # validation changes nothing: every key and value is plotly's


def test_the_download_figure_opens_on_its_snapshot_and_its_frames_patch_the_outlines():
    run, args, kwargs = _inputs()
    fig = classifier_figure(*args, **kwargs, at=3, pickable=False).to_dict()
    C = run.snapshot_W.shape[2]
    assert len(fig["frames"]) == len(run.snapshot_steps)
    frame = fig["frames"][3]
    assert frame["name"] == str(run.snapshot_steps[3]) and frame["traces"] == [*range(2 * C), len(fig["data"]) - 1]
    for c, polygon in enumerate(region_polygons(run.snapshot_W[3], BOX)):
        assert frame["data"][c]["x"] == typed(_closed(polygon)[:, 0])
        assert fig["data"][c]["fill"] == "toself"
