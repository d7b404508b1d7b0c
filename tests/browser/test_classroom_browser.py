"""Classroom features in a real browser: links, projection mode, and downloads that parse (and run)."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser

import numpy as np
import pytest
from playwright.sync_api import expect

from gdviz import SURFACES, run

from .conftest import screenshot, settle

TICK_SIZE = """() => {
  const t = document.querySelector('.js-plotly-plot .xtick text');
  return t ? parseFloat(getComputedStyle(t).fontSize) : null;
}"""
TITLE_SIZE = "() => parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)"
RACE = "race?surface=himmelblau&opt=sgd,adam&steps=60&start=-1,-1&adam.lr=0.1"


def _open(page, url: str) -> None:
    page.goto(url)
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=60_000)
    settle(page)


def _download(page, label: str) -> bytes:
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=label).first.click()
    path = info.value.path()
    return open(path, "rb").read()


def test_a_link_opens_the_view_it_names_and_follows_changes(server, page):
    _open(page, f"{server}/{RACE}")
    assert page.get_by_role("spinbutton", name="Steps").input_value() == "60"
    assert "Adam" in page.locator('[data-testid="stMultiSelect"]').inner_text()
    steps = page.get_by_role("spinbutton", name="Steps")
    steps.fill("80")
    steps.press("Enter")
    page.wait_for_function("() => location.search.includes('steps=80')", timeout=30_000)
    assert "surface=himmelblau" in page.url and "adam.lr=0.1" in page.url


def test_a_tampered_link_is_explained_not_thrown(server, page):
    _open(page, f"{server}/race?surface=atlantis&steps=-3&opt=sgd")
    notes = page.locator('[data-testid="stAlert"]').filter(has_text="could not be used")
    expect(notes).to_contain_text("surface=atlantis")
    expect(notes).to_contain_text("steps=-3")
    assert page.locator('[data-testid="stException"]').count() == 0


STEP_SIZE = """() => parseFloat(getComputedStyle(document.querySelector('[data-testid="gdviz-step"]')).fontSize)"""


def test_projection_mode_makes_type_larger(server, page):
    _open(page, f"{server}/{RACE}")
    tick, step = page.evaluate(TICK_SIZE), page.evaluate(STEP_SIZE)
    page.get_by_text("Projection mode").click()
    page.wait_for_function("() => location.search.includes('projection=1')", timeout=30_000)
    settle(page)
    page.wait_for_function(f"() => ({TICK_SIZE})() >= {tick} * 1.4", timeout=30_000)
    assert page.evaluate(TICK_SIZE) >= 1.4 * tick >= 1.4 * 11
    assert page.evaluate(STEP_SIZE) > 1.2 * step  # the stage's "step k of T"
    screenshot(page, "race-projection")
    assert page.locator('[data-testid="stException"]').count() == 0
    # a page without a stage keeps its title large (the race's shrinks to make room for the stage)
    _open(page, f"{server}/gradient_check")
    normal = page.evaluate(TITLE_SIZE)
    _open(page, f"{server}/gradient_check?projection=1")
    assert page.evaluate(TITLE_SIZE) > 1.2 * normal


def test_race_downloads_parse_and_the_snippet_reproduces_the_path(server, page):
    _open(page, f"{server}/{RACE}")
    rows = list(csv.DictReader(io.StringIO(_download(page, "⤓ CSV").decode())))
    adam = [r for r in rows if r["optimizer"] == "adam"]
    assert len(adam) == 61 and float(adam[0]["x"]) == -1.0

    doc = json.loads(_download(page, "⤓ JSON"), parse_constant=lambda c: pytest.fail(f"non-JSON token {c}"))
    assert doc["page"] == "race" and doc["settings"]["steps"] == 60 and doc["settings"]["surface"] == "himmelblau"
    path = np.array(doc["run"]["paths"]["adam"]["points"], dtype=float)
    expected = run(SURFACES["himmelblau"], "adam", (-1.0, -1.0), 60, lr=0.1).points
    np.testing.assert_allclose(path, expected, rtol=0, atol=0)

    html = _download(page, "⤓ Figure (HTML)").decode()
    parser = HTMLParser()
    parser.feed(html)
    assert "newPlot" in html and "addFrames" in html and len(html) > 3_000_000  # plotly.js inside, frames kept

    source = _download(page, "⤓ PyTorch snippet").decode()  # of the first optimizer, SGD
    code = compile(source, "snippet.py", "exec")
    torch = pytest.importorskip("torch")  # only this last check needs torch
    torch.set_num_threads(1)
    scope: dict = {"__name__": "snippet"}
    exec(code, scope)
    got = np.array([p[:2] for p in scope["path"]], dtype=float)
    first = run(SURFACES["himmelblau"], "sgd", (-1.0, -1.0), 60, **doc["settings"]["hyper"]["sgd"]).points
    np.testing.assert_allclose(got[: len(first)], first, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(
    ("path", "columns"),
    [
        ("linear?n=100&steps=40", {"iteration", "batch_loss"}),
        ("gradient_check", {"analytic", "numerical", "rel_error"}),
        ("digits?steps=30", {"iteration", "full_loss"}),
    ],
)
def test_each_page_csv_and_json_parse(server, page, path, columns):
    _open(page, f"{server}/{path}")
    rows = list(csv.DictReader(io.StringIO(_download(page, "⤓ CSV").decode())))
    assert rows and columns <= set(rows[0])
    doc = json.loads(_download(page, "⤓ JSON"), parse_constant=lambda c: pytest.fail(f"non-JSON token {c}"))
    assert doc["gdviz"] and doc["settings"]


GRAPH_TEXT = """() => Math.max(...Array.from(document.querySelectorAll('.stGraphVizChart svg text'))
  .map(t => t.getBoundingClientRect().height))"""


def test_projection_mode_makes_the_backprop_graph_larger(server, page):
    page.goto(f"{server}/backprop")
    expect(page.locator(".stGraphVizChart svg text").first).to_be_visible(timeout=60_000)
    settle(page)
    normal = page.evaluate(GRAPH_TEXT)
    page.goto(f"{server}/backprop?projection=1")
    expect(page.locator(".stGraphVizChart svg text").first).to_be_visible(timeout=60_000)
    settle(page)
    page.wait_for_function(f"() => ({GRAPH_TEXT})() >= {normal} * 1.5", timeout=30_000)
    screenshot(page, "backprop-projection")
