"""The race's stage in a real browser: one timeline for the map and the loss chart, played, stepped, scrubbed
and clicked in sequence, at a laptop's and a projector's sizes, with no page error on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import screenshot, settle

SIZES = [(1280, 720), (1920, 1080)]
STAGE = '[data-testid="gdviz-stage"]'
RACE = "race?surface=himmelblau&opt=sgd,momentum,adam&steps=300&start=-0.3,-0.9"
# what a trail shows: the number of points of the first optimizer's path on the map
TRAIL_POINTS = """() => document.querySelector('[data-testid="gdviz-stage"]').gdvizShown(0)[0].x.length"""
START_MARKER = """() => {
  const gd = document.querySelector('[data-testid="gdviz-map"]');
  const t = gd._fullData.find(t => t.name === 'start');
  return [t.x[0], t.y[0]];
}"""


@pytest.fixture
def errors(page):
    """Uncaught page errors and console errors, but the network's: Streamlit's own probes, fonts."""
    seen: list[str] = []
    page.on("pageerror", lambda e: seen.append(f"page error: {e}"))
    page.on(
        "console",
        lambda m: (
            seen.append(f"console: {m.text}") if m.type == "error" and "Failed to load resource" not in m.text else None
        ),
    )
    return seen


def _open(page, url: str, size=(1280, 720)) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(url)
    expect(page.locator(f'{STAGE}[data-ready="true"]')).to_be_visible(timeout=60_000)
    settle(page)


def _step(page) -> int:
    text = page.locator('[data-testid="gdviz-step"]').inner_text()
    match = re.fullmatch(r"step (\d+) of (\d+)", text)
    assert match, text
    return int(match.group(1))


def _expect_step(page, k: int, total: int = 300) -> None:
    """The readout says step k, and the panels show it (they are drawn on the next animation frame)."""
    expect(page.locator('[data-testid="gdviz-step"]')).to_have_text(f"step {k} of {total}", timeout=5_000)
    expect(page.locator('[data-testid="gdviz-stage"]')).to_have_attribute("data-drawn", str(k), timeout=5_000)


@pytest.mark.parametrize("projection", [False, True], ids=["normal", "projection"])
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_whole_stage_is_on_the_first_screen_and_plays(server, page, errors, size, projection):
    _open(page, f"{server}/{RACE}" + ("&projection=1" if projection else ""), size)
    stage = page.locator(STAGE).bounding_box()
    plot = page.locator('[data-testid="gdviz-map"] .nsewdrag').first.bounding_box()
    play = page.get_by_role("button", name="Play or pause (Space)").bounding_box()
    assert stage["y"] >= 0 and stage["y"] + stage["height"] <= size[1] + 1, (stage, size)  # no scrolling
    assert play["y"] + play["height"] <= size[1]
    assert plot["height"] >= (0.3 if size[1] <= 720 else 0.45) * size[1], plot  # a map, not a stamp
    screenshot(page, f"stage-{size[0]}x{size[1]}-{'projection' if projection else 'normal'}")
    page.locator(STAGE).focus()
    page.keyboard.press("Space")
    page.wait_for_timeout(1200)
    page.keyboard.press("Space")
    k = _step(page)
    assert 10 <= k < 300, k  # Normal plays 300 steps in about 10 s
    page.wait_for_timeout(700)
    assert _step(page) == k  # paused
    assert not errors, errors


def test_keys_scrub_play_and_clicks_work_in_any_order(server, page, errors):
    _open(page, f"{server}/{RACE}")
    stage = page.locator(STAGE)
    stage.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    _expect_step(page, 2)
    page.keyboard.press("End")
    _expect_step(page, 300)
    page.keyboard.press("Home")
    page.keyboard.press("ArrowLeft")  # never below 0
    _expect_step(page, 0)
    scrub = page.get_by_role("slider", name="Step")
    scrub.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # the scrubber's own keys
    _expect_step(page, 3)

    page.get_by_role("button", name="Play or pause (Space)").click()  # play from 3 …
    page.wait_for_timeout(1000)
    page.get_by_role("button", name="Play or pause (Space)").click()  # … and pause
    k = _step(page)
    assert k > 3
    page.wait_for_function(f"() => location.search.includes('at={k}')", timeout=15_000)  # the link follows

    # a click on the map after playing: a new start, the same step, and the stage still answers
    start_x = page.get_by_role("spinbutton", name="Start x")
    box = page.locator('[data-testid="gdviz-map"] .nsewdrag').first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.25)
    expect(start_x).not_to_have_value("-0.3", timeout=15_000)
    page.wait_for_function(f"() => ({START_MARKER})()[0] > 0", timeout=15_000)
    settle(page)
    assert _step(page) == k
    assert "start=" in page.url and "start=-0.3" not in page.url
    stage.focus()
    page.keyboard.press("ArrowRight")
    _expect_step(page, k + 1)
    page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.75)  # and again
    page.wait_for_function(f"() => ({START_MARKER})()[0] < 0", timeout=15_000)
    settle(page)
    assert _step(page) == k + 1
    x, y = page.evaluate(START_MARKER)
    assert x < 0 and y < 0, (x, y)  # lower-left quadrant of Himmelblau's [-5, 5]²
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "stage-after-clicks")
    assert not errors, errors


def test_a_link_reopens_the_stage_at_its_step(server, page, errors):
    _open(page, f"{server}/{RACE}&at=57")
    _expect_step(page, 57)
    page.locator(STAGE).focus()
    page.keyboard.press("ArrowRight")
    _expect_step(page, 58)
    page.wait_for_function("() => location.search.includes('at=58')", timeout=15_000)
    assert not errors, errors


def test_trails_grow_and_the_toggle_shows_whole_paths(server, page, errors):
    _open(page, f"{server}/{RACE}&at=10")
    assert page.evaluate(TRAIL_POINTS) == 11  # the path so far: steps 0 … 10
    page.get_by_text("trail", exact=True).click()
    page.wait_for_function(f"() => ({TRAIL_POINTS})() === 301", timeout=5_000)
    _expect_step(page, 10)  # the step stays
    assert not errors, errors


def test_speeds_differ_and_play_again_starts_over(server, page, errors):
    _open(page, f"{server}/{RACE}")
    speed = page.get_by_label("Speed")

    def advance(label: str) -> int:
        page.locator(STAGE).focus()
        page.keyboard.press("Home")
        speed.select_option(label=label)
        page.locator(STAGE).focus()
        page.keyboard.press("Space")
        page.wait_for_timeout(1000)
        page.keyboard.press("Space")
        return _step(page)

    slow, fast = advance("Slow"), advance("Fast")
    assert slow < 20 and fast > 4 * slow, (slow, fast)  # Slow ¼×: ~7.5 steps a second; Fast 4×: ~120
    page.locator(STAGE).focus()
    page.keyboard.press("End")
    page.keyboard.press("Space")  # at the end, Play starts over
    page.wait_for_timeout(300)
    assert _step(page) < 300
    assert not errors, errors


def test_f_fills_the_screen_with_the_stage(server, page, errors):
    _open(page, f"{server}/{RACE}")
    before = page.locator('[data-testid="gdviz-map"]').bounding_box()["height"]
    page.locator(STAGE).focus()
    page.keyboard.press("f")
    page.wait_for_function(
        "() => document.fullscreenElement && document.fullscreenElement.dataset.testid === 'gdviz-stage'",
        timeout=5_000,
    )
    page.wait_for_function(
        f"() => document.querySelector('[data-testid=\"gdviz-map\"]').getBoundingClientRect().height > {before}",
        timeout=5_000,
    )
    page.keyboard.press("f")
    page.wait_for_function("() => !document.fullscreenElement", timeout=5_000)
    assert not errors, errors


def test_the_stage_and_plotly_load_under_a_base_path(base_path_server, page, errors):
    """No CDN, nothing absolute: the stage's script and plotly.js come from this server, under its base path."""
    loaded: list[str] = []
    page.on("response", lambda r: loaded.append(r.url) if "bidi-components" in r.url and r.ok else None)
    _open(page, f"{base_path_server}/{RACE}")
    assert any(u.endswith("stage.js") for u in loaded) and any("/plotly-" in u for u in loaded), loaded
    assert all(u.startswith(base_path_server + "/_stcore/bidi-components/gdviz.stage/") for u in loaded), loaded
    page.locator(STAGE).focus()
    page.keyboard.press("ArrowRight")
    _expect_step(page, 1)
    assert not errors, errors
