"""What the stage plays: moving traces packed as the player reads them (pictures and links compressed for the
canvas), and a spec whose id follows its content."""

import base64
import zlib

import numpy as np
import plotly.graph_objects as go
import pytest

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


def test_pictures_and_links_go_compressed_for_the_canvas():
    cells = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    colors = np.array([[255, 0, 0], [0, 0, 255]], dtype=np.uint8)
    r = stage.raster(5, [0, 10], cells, colors)
    assert r["kind"] == "raster" and r["image"] == 5 and r["steps"] == [0, 10] and r["shape"] == [2, 3, 4]
    assert r["cells"]["zlib"] is True and r["cells"]["dtype"] == "u1"
    assert zlib.decompress(base64.b64decode(r["cells"]["bdata"])) == cells.tobytes()
    assert zlib.decompress(base64.b64decode(r["colors"]["bdata"])) == colors.tobytes()
    x, y = np.array([[0.0, 1.0], [0.0, 1.0]]), np.array([[0.0, 0.0], [1.0, 0.0]])
    shades, widths = np.array([[0, 1], [1, 1]]), np.array([[10, 20], [30, 40]])
    link = stage.links((2, 4), [0, 10], x, y, shades, widths, colors)
    assert link["shapes"] == [2, 4] and _floats(link["x"]).tolist() == [0, 1, 0, 1]
    assert zlib.decompress(base64.b64decode(link["widths"]["bdata"])) == bytes([10, 20, 30, 40])
    with pytest.raises(ValueError, match="one picture per step"):
        stage.raster(0, [0], cells, colors)
    with pytest.raises(ValueError, match=r"\(steps, segments\)"):
        stage.links((0, 2), [0], x, y, shades, widths, colors)
    with pytest.raises(ValueError, match="1 to 256 rows"):
        stage.raster(0, [0, 1], cells, np.zeros((2, 4)))
