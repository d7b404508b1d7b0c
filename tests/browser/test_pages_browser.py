"""Every page opens in a real browser with no exception box; the race plays in the browser."""

import pytest
from playwright.sync_api import expect

from gdviz.ui.nav import PAGES

from .conftest import screenshot, settle


@pytest.mark.parametrize("entry", PAGES, ids=[p.title for p in PAGES])
def test_page_opens_without_exception(server, page, entry):
    page.goto(f"{server}/{entry.url_path}")
    expect(page.get_by_role("heading", level=1).first).to_be_visible(timeout=30_000)
    settle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    # the shared sidebar is there: the page ran inside app.py's frame
    expect(page.get_by_text("gradient descent, made visible").first).to_be_visible()
    screenshot(page, f"page-{entry.url_path or 'home'}")


MOVING_MARKERS = """() => document.querySelector('[data-testid="gdviz-stage"]').gdvizShown(0).at(-1).x"""


def test_race_plays_in_the_browser_and_the_landscape_stays(server, page):
    page.goto(f"{server}/race")
    chart = page.locator('[data-testid="gdviz-map"]')
    expect(page.locator('[data-testid="gdviz-stage"][data-ready="true"]')).to_be_visible(timeout=30_000)
    settle(page)
    landscape = chart.locator("g.imagelayer image")
    expect(landscape).to_have_count(1)
    before = page.evaluate(MOVING_MARKERS)
    page.get_by_role("button", name="Play or pause (Space)").click()
    page.wait_for_timeout(1500)
    during = page.evaluate(MOVING_MARKERS)
    assert len(before) == 3 and during != before, f"the markers did not move after Play: {before} -> {during}"
    expect(landscape).to_have_count(1)  # still drawn while it plays
    assert landscape.get_attribute("href").startswith("data:image/png")
    screenshot(page, "race-playing")


def test_deep_link_on_a_cold_server_gets_the_full_frame(fresh_server, page):
    """The first visit after a start goes straight to a page: no 'Page not found', app.py's own menu."""
    page.goto(f"{fresh_server}/race")
    expect(page.get_by_role("heading", name="Optimizer race")).to_be_visible(timeout=30_000)
    settle(page)
    nav = page.locator('[data-testid="stSidebarNav"]')
    expect(nav.get_by_role("link", name="Optimizer race")).to_be_visible()
    expect(nav.get_by_role("link", name="Home")).to_be_visible()
    assert nav.get_by_role("link", name="app", exact=True).count() == 0, "legacy pages/ menu shown"
    assert page.get_by_text("Page not found").count() == 0
    expect(page.get_by_text("gradient descent, made visible").first).to_be_visible()
    # the first interaction keeps the page's state (the page was keyed inside app.py's frame)
    page.wait_for_timeout(1000)
    page.locator('[data-testid="stButtonGroup"] button', has_text="3D").first.click()
    expect(page.get_by_text("drag to turn it").first).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Four equal minima").first).to_be_visible()  # still Himmelblau


def test_clicking_the_map_moves_the_start(server, page):
    page.goto(f"{server}/race")
    expect(page.locator('[data-testid="gdviz-stage"][data-ready="true"]')).to_be_visible(timeout=30_000)
    settle(page)
    start_x = page.get_by_role("spinbutton", name="Start x")
    before = start_x.input_value()
    # the map's plot area: click a quarter of the way in from its top-left corner
    box = page.locator('[data-testid="gdviz-map"] .nsewdrag').first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.25)
    expect(start_x).not_to_have_value(before, timeout=15_000)
    expect(page.get_by_text("Running...")).to_have_count(0, timeout=15_000)
    x, y = float(start_x.input_value()), float(page.get_by_role("spinbutton", name="Start y").input_value())
    assert 1.0 < x < 4.0 and 1.0 < y < 4.0, (x, y)  # upper-right quadrant of Himmelblau's [-5, 5]²
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "race-after-click")


VIEW_TEXT = {
    "3D": "drag to turn it",
    "Step inspector": "with this run's numbers",
    "Basin map": "Every cell is a start",
    "Learning-rate sweep": "The final loss of a whole run",
}


@pytest.mark.parametrize("view", list(VIEW_TEXT))
def test_each_race_view_renders(server, page, view):
    page.goto(f"{server}/race")
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=30_000)
    settle(page)
    page.wait_for_timeout(1000)  # let the first run's widgets register before the click
    page.locator('[data-testid="stButtonGroup"] button', has_text=view).first.click()
    expect(page.get_by_text(VIEW_TEXT[view]).first).to_be_visible(timeout=30_000)
    chart = page.locator(".js-plotly-plot").first
    if view == "3D":
        expect(chart.locator(".gl-container canvas")).to_have_count(1, timeout=30_000)
    else:
        expect(chart.locator(".main-svg").first).to_be_visible(timeout=30_000)
    page.wait_for_timeout(1000)
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "race-view-" + view.lower().replace(" ", "-"))
