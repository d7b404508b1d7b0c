"""Projection mode: ``project`` returns a new figure with bigger type (≥ 20 px, titles ≥ 26 px), thicker
lines and bigger markers in traces and frames, darker text and axes, grown heights and margins, and leaves
its input alone; frames survive ``to_dict``/``to_json``; ``graph_dot(projection=True)`` grows its type
and pens while the default DOT stays as it was."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import plotly.graph_objects as go
import pytest

import gdviz
from gdviz.autodiff.circuits import CIRCUITS
from gdviz.surface.presets import STARTING_HYPER
from gdviz.viz import project
from gdviz.viz.animation import AnimatedFigure, typed
from gdviz.viz.graph import graph_dot
from gdviz.viz.projection import BASE, HEIGHT, INK, MARKER, TITLE, WIDTH
from gdviz.viz.race import race_figure

from .test_figure_labels import CASES, FIGURES, built, font_sizes, title_text


@pytest.fixture(scope="module")
def big_race():
    """The biggest race figure a page draws: 3 optimizers × 300 steps, animated."""
    s = gdviz.SURFACES["himmelblau"]
    runs = {n: gdviz.run(s, n, s.start, 300, **STARTING_HYPER[n]) for n in ("sgd", "momentum", "adam")}
    return race_figure(s, runs, at=10)


def _decode(v):
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"])
    return np.asarray(v, dtype=np.float64)


def _styled_frames():
    """A small animated figure whose frames restyle markers and lines too (not only move them)."""
    fig = go.Figure(
        [
            go.Scatter(x=[0, 1], y=[0, 1], mode="lines+markers", line=dict(width=3), marker=dict(size=8)),
            go.Scatter(x=[0], y=[1], mode="markers", marker=dict(size=[10], line=dict(width=2))),
        ]
    )
    frames = [
        {
            "name": str(t),
            "traces": [0, 1],
            "data": [
                {"x": typed(np.array([0.0, t])), "line": {"width": 2.0}, "marker": {"size": typed(np.array([5, 6]))}},
                {"x": typed(np.array([t])), "marker": {"size": [4.0 + t]}},
            ],
        }
        for t in range(3)
    ]
    return AnimatedFigure(fig, frames)


def test_project_returns_a_new_figure_and_leaves_the_input_alone(big_race):
    before = big_race.to_json()
    raw = json.dumps(_styled_frames().to_dict()["frames"])
    styled = _styled_frames()
    out, out_styled = project(big_race), project(styled)
    assert out is not big_race and isinstance(out, AnimatedFigure)
    assert big_race.to_json() == before, "project changed the figure it was given"
    assert json.dumps(styled.to_dict()["frames"]) == raw, "project changed the input's frames"
    assert out_styled.to_dict()["frames"] is not styled.to_dict()["frames"]


@pytest.mark.parametrize("case", CASES)
def test_every_font_is_at_least_20px_and_titles_26px(case):
    fig = built(case)
    d = project(fig).to_dict()
    go.Figure({k: v for k, v in d.items() if k != "frames"})  # plotly's validation: every property exists
    layout = d["layout"]
    assert layout["font"]["size"] >= BASE and layout["font"]["color"] == INK
    assert layout["title"]["font"]["size"] >= TITLE
    assert layout["hoverlabel"]["font"]["size"] >= BASE
    sizes = font_sizes({"data": d["data"], "layout": {k: v for k, v in layout.items() if k != "template"}})
    small = [(p, s) for p, s in sizes if s < BASE and not re.search(r"scene\d*\.[xyz]axis\.tickfont", p)]
    assert not small, f"{case}: fonts under {BASE} px in projection: {small}"
    for key, axis in layout.items():
        if re.fullmatch(r"[xy]axis\d*", key):
            assert axis["tickfont"]["size"] >= BASE and axis["title"]["font"]["size"] >= BASE, key
    for part in layout.get("sliders", []) + layout.get("updatemenus", []):
        assert part["font"]["size"] >= BASE
    for slider in layout.get("sliders", []):
        assert slider["currentvalue"]["font"]["size"] >= BASE


@pytest.mark.parametrize("case", CASES)
def test_projection_keeps_every_title_and_axis_title(case):
    fig = built(case).to_dict()
    out = project(go.Figure(fig)).to_dict()
    plain = lambda t: re.sub(r"\s+", " ", title_text(t).replace("<br>", " ")).strip()  # noqa: E731
    assert plain(out["layout"]["title"]) == plain(fig["layout"]["title"])
    for key, axis in fig["layout"].items():
        if re.fullmatch(r"[xy]axis\d*", key) and title_text(axis.get("title")):
            assert plain(out["layout"][key]["title"]) == plain(axis["title"]), key


def test_fonts_grow_from_what_they_were():
    fig = FIGURES["classifier_titled"]()
    d, p = fig.to_dict()["layout"], project(fig).to_dict()["layout"]
    assert p["font"]["size"] > d["font"]["size"]
    assert p["title"]["font"]["size"] > d["title"]["font"]["size"]
    assert p["legend"]["font"]["size"] > d["legend"]["font"]["size"]
    assert p["sliders"][0]["currentvalue"]["font"]["size"] > d["sliders"][0]["currentvalue"]["font"]["size"]
    templates = FIGURES["templates"]()
    before, after = templates.layout.annotations, project(templates).layout.annotations  # the subplot titles
    assert all(a.font.size > b.font.size for a, b in zip(after, before, strict=True))


def test_lines_thicken_and_markers_grow_in_every_trace(big_race):
    before, after = big_race.to_dict()["data"], project(big_race).to_dict()["data"]
    assert len(before) == len(after)
    grew = 0
    for b, a in zip(before, after, strict=True):
        if "width" in b.get("line", {}):
            assert a["line"]["width"] == pytest.approx(WIDTH * b["line"]["width"])
            grew += 1
        size = b.get("marker", {}).get("size")
        if size is not None:
            np.testing.assert_allclose(_decode(a["marker"]["size"]), MARKER * _decode(size))
            grew += 1
    assert grew >= 8
    # the moving markers (what the frames patch) keep their projected size while frames play
    frame_traces = big_race.to_dict()["frames"][0]["traces"]
    assert all(after[i]["marker"]["size"] == pytest.approx(MARKER * before[i]["marker"]["size"]) for i in frame_traces)


def test_frames_that_restyle_are_restyled_and_frames_that_move_are_shared(big_race):
    styled = project(_styled_frames()).to_dict()["frames"]
    for t, frame in enumerate(styled):
        line, marker = frame["data"][0]["line"], frame["data"][0]["marker"]
        assert line["width"] == pytest.approx(WIDTH * 2.0)
        np.testing.assert_allclose(_decode(marker["size"]), MARKER * np.array([5, 6]), rtol=1e-6)
        np.testing.assert_allclose(_decode(frame["data"][1]["marker"]["size"]), MARKER * (4.0 + t))
        np.testing.assert_array_equal(_decode(frame["data"][0]["x"]), [0.0, t])  # the motion itself is kept
    moving = big_race.to_dict()["frames"]
    assert all(a is b for a, b in zip(project(big_race).to_dict()["frames"], moving, strict=True))


def test_projected_frames_survive_to_dict_and_to_json(big_race):
    out = project(big_race)
    d, j = out.to_dict(), json.loads(out.to_json())
    assert len(d["frames"]) == len(j["frames"]) == len(big_race.to_dict()["frames"]) > 100
    assert j["frames"][-1]["name"] == d["frames"][-1]["name"]
    np.testing.assert_array_equal(_decode(j["frames"][5]["data"][0]["x"]), _decode(d["frames"][5]["data"][0]["x"]))
    assert j["layout"]["font"]["size"] >= BASE and j["layout"]["height"] == round(HEIGHT * 600)
    styled = json.loads(project(_styled_frames()).to_json())["frames"]
    np.testing.assert_allclose(_decode(styled[2]["data"][1]["marker"]["size"]), [MARKER * 6.0])
    # a projected figure projects again (what a cached projected figure might meet)
    assert len(project(out).to_dict()["frames"]) == len(d["frames"])


def test_a_plain_figure_with_plotly_frames_keeps_them():
    fig = go.Figure(
        go.Scatter(x=[0, 1], y=[0, 1], mode="markers", marker=dict(size=10)),
        frames=[go.Frame(name="a", data=[go.Scatter(marker=dict(size=5))])],
        layout=dict(title="t", xaxis_title="x", yaxis_title="y"),
    )
    out = project(fig)
    assert type(out) is go.Figure and out.frames[0].data[0].marker.size == pytest.approx(MARKER * 5)
    assert fig.frames[0].data[0].marker.size == 5


def test_3d_scene_fonts_grow():
    fig = FIGURES["surface3d"]()
    d, p = fig.to_dict()["layout"], project(fig).to_dict()["layout"]
    base = d["font"]["size"]
    for letter in "xyz":
        before, after = d["scene"].get(f"{letter}axis", {}), p["scene"][f"{letter}axis"]
        assert after["tickfont"]["size"] > before.get("tickfont", {}).get("size", base)
        assert after["title"]["font"]["size"] > before["title"].get("font", {}).get("size", base)
        assert after["title"]["font"]["size"] >= BASE
    widths = [t["line"]["width"] for t in project(fig).to_dict()["data"] if t["type"] == "scatter3d"]
    assert widths and all(w == WIDTH * 6 for w in widths)


def test_contrast_heights_margins_and_the_legend():
    fig = FIGURES["sweep"]()
    d, p = fig.to_dict()["layout"], project(fig).to_dict()["layout"]
    assert p["height"] == round(HEIGHT * d["height"])
    assert all(p["margin"][s] >= d["margin"][s] for s in "lrb")
    assert p["legend"]["bgcolor"] == "white" and p["paper_bgcolor"] == "white"
    for key in ("xaxis", "yaxis"):
        assert p[key]["showline"] and p[key]["linecolor"] == "#333333" and p[key]["automargin"]
        assert p[key]["minorloglabels"] == "none"
    assert p["legend"]["yref"] == "container" and p["legend"]["y"] == 0  # under the axis title, not over it
    assert all(s["line"]["width"] == WIDTH * 2 for s in p["shapes"])  # the 2/L line


def test_a_title_with_a_legend_under_it_stays_above_the_legend():
    fig = FIGURES["race"]()
    p = project(fig, width=500).to_dict()["layout"]
    title, legend = p["title"], p["legend"]
    assert title["yref"] == legend["yref"] == "container"
    lines = title["text"].count("<br>") + 1
    assert lines >= 2, "a long title wraps in a narrow chart"
    assert (1 - legend["y"]) * p["height"] >= title["pad"]["t"] + lines * title["font"]["size"]
    assert p["margin"]["t"] < 20  # plotly reserves the title and the legend's rows above the plot


def test_play_buttons_and_slider_move_below_the_axis_title_in_rows():
    p = project(FIGURES["race"]()).to_dict()["layout"]
    (menu,), (slider,) = p["updatemenus"], p["sliders"]
    assert menu["y"] == slider["y"] == 0 and menu["yanchor"] == slider["yanchor"] == "top"
    assert menu["pad"]["t"] >= 2 * BASE  # past the tick labels and the axis title
    assert slider["pad"]["t"] > menu["pad"]["t"] + menu["font"]["size"]  # a row of its own, under the buttons
    assert slider["x"] == 0 and slider["len"] == 1


def _dot_attrs(dot: str, head: str) -> str:
    return next(line for line in dot.splitlines() if line.strip().startswith(head))


@pytest.mark.parametrize("name", list(CIRCUITS))
def test_dot_in_projection_has_bigger_type_thicker_pens_and_arrows(name):
    c = CIRCUITS[name]
    e = gdviz.parse_expression(c.text)
    nodes, steps = e.graph(c.values), e.steps(c.values)
    at = len(steps) - 2
    plain, big = graph_dot(nodes, steps, at), graph_dot(nodes, steps, at, projection=True)
    assert plain == graph_dot(nodes, steps, at, projection=False)
    number = lambda line, key: float(re.search(rf"{key}=([\d.]+)", line)[1])  # noqa: E731
    for head in ("node [", "edge ["):
        a, b = _dot_attrs(plain, head), _dot_attrs(big, head)
        assert number(b, "fontsize") >= 29 and number(b, "fontsize") > number(a, "fontsize")
        assert number(b, "penwidth") >= 2 * number(a, "penwidth") * 0.99
    assert number(_dot_attrs(big, "node ["), "fontsize") >= 30
    assert number(_dot_attrs(big, "edge ["), "arrowsize") > number(_dot_attrs(plain, "edge ["), "arrowsize")
    lit = lambda dot: max(float(w) for w in re.findall(r"-> .*penwidth=([\d.]+)", dot))  # noqa: E731
    assert lit(big) > lit(plain)  # the wire just crossed
    assert 'color="#111111"' in _dot_attrs(big, "node [") and "#8A8A8A" not in big
    assert graph_dot(nodes, steps, at, font=40, projection=True).count("fontsize=60") == 1


def test_a_legend_inside_the_plot_moves_under_it_and_titles_start_at_the_left_edge():
    fig = FIGURES["loss"]()  # its legend sits in the plot's upper right
    assert fig.layout.legend.yref == "paper" and 0 < fig.layout.legend.y < 1
    p = project(fig, width=500).to_dict()["layout"]
    assert (p["legend"]["yref"], p["legend"]["y"], p["legend"]["yanchor"]) == ("container", 0, "bottom")
    assert p["margin"]["t"] > p["title"]["font"]["size"] * (p["title"]["text"].count("<br>") + 1)
    assert (p["title"]["x"], p["title"]["xref"], p["title"]["xanchor"]) == (0, "container", "left")
