"""The network page's stage in a real browser: the network, the map and the loss on one timeline, played,
paused, stepped and scrubbed; the pictures on the canvas change with the step (and stay put within a
snapshot); the whole stage is on the first screen of a laptop and of a projector, normal and projected."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import screenshot, settle

SIZES = [(1280, 720), (1920, 1080)]
STAGE = '[data-testid="gdviz-stage"]'
NETWORK = "network?steps=300"  # the default network and data, 300 iterations: a snapshot every third
# what a panel's canvas shows now, as an image (the pictures and links the stage paints under the plot)
CANVAS = """(testid) => document.querySelector(`[data-testid="${testid}"]`).parentElement
    .querySelector('canvas.gdviz-cv').toDataURL()"""
SNAPSHOTS = """() => { const s = document.querySelector('[data-testid="gdviz-stage"]');
    return [0, 1].map((i) => s.gdvizShown(i).map((m) => m.snapshot)); }"""


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
    expect(page.locator(f'{STAGE}[data-ready="true"]')).to_be_visible(timeout=90_000)
    settle(page, timeout=60_000)


def _step(page) -> int:
    text = page.locator('[data-testid="gdviz-step"]').inner_text()
    match = re.fullmatch(r"step (\d+) of 300", text)
    assert match, text
    return int(match.group(1))


def _expect_step(page, k: int) -> None:
    """The readout says step k, and the panels show it (they are drawn on the next animation frame)."""
    expect(page.locator('[data-testid="gdviz-step"]')).to_have_text(f"step {k} of 300", timeout=5_000)
    expect(page.locator(STAGE)).to_have_attribute("data-drawn", str(k), timeout=5_000)


def test_play_pause_step_and_scrub_move_the_network_and_the_map(server, page, errors):
    _open(page, f"{server}/{NETWORK}")
    first = {t: page.evaluate(CANVAS, t) for t in ("gdviz-network", "gdviz-map")}
    assert page.evaluate(SNAPSHOTS) == [[0] * 22, [0]]  # links, 21 neurons; the map
    stage = page.locator(STAGE)
    stage.focus()
    page.keyboard.press("Space")
    page.wait_for_timeout(1500)
    page.keyboard.press("Space")
    k = _step(page)
    assert 10 <= k < 300, k  # Normal plays 300 steps in about 10 s
    page.wait_for_timeout(700)
    assert _step(page) == k  # paused
    network, regions = page.evaluate(SNAPSHOTS)
    assert regions == [k // 3] and network[0] == k // 3 and network[1:3] == [0, 0]  # the inputs never change
    moved = {t: page.evaluate(CANVAS, t) for t in first}
    assert moved["gdviz-network"] != first["gdviz-network"] and moved["gdviz-map"] != first["gdviz-map"]

    page.keyboard.press("Home")
    _expect_step(page, 0)
    assert page.evaluate(CANVAS, "gdviz-network") == first["gdviz-network"]  # the same step, the same picture
    page.keyboard.press("ArrowRight")
    _expect_step(page, 1)
    assert page.evaluate(CANVAS, "gdviz-network") == first["gdviz-network"]  # within snapshot 0 (steps 0 to 2)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    _expect_step(page, 3)
    assert page.evaluate(SNAPSHOTS)[1] == [1] and page.evaluate(CANVAS, "gdviz-network") != first["gdviz-network"]

    scrub = page.get_by_role("slider", name="Step")
    scrub.focus()
    page.keyboard.press("End")  # the scrubber's own keys
    _expect_step(page, 300)
    end = page.evaluate(CANVAS, "gdviz-network")
    page.get_by_role("button", name="One step back (←)").click()
    _expect_step(page, 299)
    assert page.evaluate(SNAPSHOTS)[1] == [99] and page.evaluate(CANVAS, "gdviz-network") != end
    page.wait_for_function("() => location.search.includes('at=299')", timeout=15_000)  # the link follows
    expect(page.get_by_text("At step 297", exact=False).first).to_be_visible(timeout=15_000)  # the cards too
    assert page.locator('[data-testid="stException"]').count() == 0
    assert not errors, errors


@pytest.mark.parametrize("projection", [False, True], ids=["normal", "projection"])
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_whole_stage_is_on_the_first_screen(server, page, errors, size, projection):
    _open(page, f"{server}/{NETWORK}&at=150" + ("&projection=1" if projection else ""), size)
    stage = page.locator(STAGE).bounding_box()
    play = page.get_by_role("button", name="Play or pause (Space)").bounding_box()
    assert stage["y"] >= 0 and stage["y"] + stage["height"] <= size[1] + 1, (stage, size)  # no scrolling
    assert play["y"] + play["height"] <= size[1]
    plot = page.locator('[data-testid="gdviz-map"] .nsewdrag').first.bounding_box()
    assert plot["width"] >= (150 if size[0] <= 1280 else 300), plot  # a map, not a stamp
    network = page.locator('[data-testid="gdviz-network"]').bounding_box()
    cv = page.locator("canvas.gdviz-cv").first.bounding_box()  # the first panel's: the network's
    assert abs(cv["x"] - network["x"]) < 1 and abs(cv["width"] - network["width"]) < 1  # the canvas under the plot
    # the canvas's edges are the paper's white: no pixel left unpainted (an opaque canvas starts black)
    edges = page.evaluate(
        """() => Array.from(document.querySelectorAll('canvas.gdviz-cv')).map((c) => {
            const ctx = c.getContext('2d'), w = c.width, h = c.height;
            const px = [...ctx.getImageData(w - 1, 0, 1, h).data, ...ctx.getImageData(0, h - 1, w, 1).data];
            return px.every((v) => v === 255); })"""
    )
    assert edges == [True, True], edges
    # nothing of the plots is cut off: every title and label inside its panel
    cut = page.evaluate(
        """() => Array.from(document.querySelectorAll('.gdviz-bg')).flatMap((gd) => {
            const box = gd.getBoundingClientRect();
            return Array.from(gd.querySelectorAll('.gtitle, .annotation-text, .xtick text, .ytick text'))
              .filter((t) => { const r = t.getBoundingClientRect();
                return r.width && (r.left < box.left - 1 || r.right > box.right + 1); })
              .map((t) => t.textContent); })"""
    )
    assert not cut, cut
    # every layer keeps its heading (projected, they were dropped), legible from the back, each clear of the next
    heads = page.evaluate(
        """() => Array.from(document.querySelectorAll('[data-testid="gdviz-network"] .annotation-text'))
            .filter((t) => /^(in|out|h\\d|inputs|outputs|layer)/.test(t.textContent))
            .map((t) => { const r = t.getBoundingClientRect();
              return [t.textContent, parseFloat(getComputedStyle(t).fontSize), r.left, r.right]; })"""
    )
    assert len(heads) == 4 and min(h[1] for h in heads) >= (20 if projection else 14), heads  # hidden=8,8
    assert all(a[3] < b[2] for a, b in zip(heads, heads[1:], strict=False)), heads
    screenshot(page, f"network-{size[0]}x{size[1]}-{'projection' if projection else 'normal'}")
    assert not errors, errors
