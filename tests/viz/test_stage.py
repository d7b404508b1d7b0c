"""What the stage plays: moving traces packed as the player reads them, and a spec whose id follows its content."""

import base64

import numpy as np
import plotly.graph_objects as go

from gdviz.viz import stage


def _floats(spec: dict) -> np.ndarray:
    return np.frombuffer(base64.b64decode(spec["bdata"]), dtype=np.float32)


def test_moving_traces_are_packed_step_by_step():
    path = stage.path(3, None, np.arange(5.0))
    assert path["kind"] == "path" and path["trace"] == 3 and path["x"] is None
    assert _floats(path["y"]).tolist() == [0, 1, 2, 3, 4]
    now = stage.now(1, None, np.arange(10.0).reshape(5, 2))  # T = 4, two markers a step
    assert now["m"] == 2 and _floats(now["y"]).tolist() == list(range(10))  # row-major: step k at [2k, 2k+2)
    polys = [np.zeros((3, 2)), np.ones((2, 2)), np.zeros((0, 2))]
    snap = stage.snapshots(0, [0, 10, 20], polys)
    assert snap["steps"] == [0, 10, 20] and snap["offsets"] == [0, 3, 5, 5]  # snapshot i is x[off[i]:off[i+1]]
    assert _floats(snap["x"]).tolist() == [0, 0, 0, 1, 1]
    assert stage.vline(2, 1e-16, 10.0)["y"] == [1e-16, 10.0]


def test_the_spec_id_changes_exactly_when_its_content_does():
    def panel(y):
        fig = go.Figure(go.Scatter(x=[0, 1], y=[0, y]), layout=dict(title="t"))
        return stage.Panel(fig, [stage.path(0, None, np.array([0.0, y]))], testid="gdviz-map", click="start")

    a, b, c = stage.stage_spec([panel(1.0)], 1), stage.stage_spec([panel(1.0)], 1), stage.stage_spec([panel(2.0)], 1)
    assert a["id"] == b["id"] != c["id"]
    assert stage.stage_spec([panel(1.0)], 1, projection=True)["id"] != a["id"]
    (p,) = a["panels"]
    assert p["testid"] == "gdviz-map" and p["click"] == "start" and p["legendRow"] is False and a["T"] == 1


def test_projection_restyles_the_panels_figures():
    fig = go.Figure(go.Scatter(x=[0, 1], y=[0, 1], line=dict(width=2)), layout=dict(title="t", font=dict(size=14)))
    plain = stage.stage_spec([stage.Panel(fig, [])], 1)["panels"][0]["figure"]
    big = stage.stage_spec([stage.Panel(fig, [])], 1, projection=True)["panels"][0]["figure"]
    assert big["layout"]["font"]["size"] >= 20 > plain["layout"]["font"]["size"]
    assert big["data"][0]["line"]["width"] == 2 * plain["data"][0]["line"]["width"]
