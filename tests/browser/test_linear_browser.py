"""The linear-classifier pages in a real browser: each opens with its chart and no exception box; the
classifier's regions play in the browser; a click on the map adds a point; a search can be stopped."""

import pytest
from playwright.sync_api import expect

from .conftest import screenshot, settle

TALL = {"width": 1400, "height": 2600}  # Streamlit scrolls inside its main block: a tall viewport shows it all

# what each page's main chart must hold once drawn (a CSS selector inside the first .js-plotly-plot, and how many)
MAIN_CHART = {
    "linear": ("g.scatterlayer path.js-fill", 1),  # class regions (a class may own no region at the start)
    "digits": ("g.heatmaplayer image", 10),  # the ten 8×8 templates
    "gradient_check": ("g.scatterlayer g.trace", 2),  # forward and centered h-sweeps
    "random_search": ("g.scatterlayer g.trace", 3),  # three strategies, after Run
}


def _open(page, server, path):
    page.goto(f"{server}/{path}")
    expect(page.get_by_role("heading", level=1).first).to_be_visible(timeout=60_000)
    settle(page, timeout=60_000)
    page.wait_for_timeout(800)  # let the first run's widgets register before any interaction


def _no_exception(page):
    assert page.locator('[data-testid="stException"]').count() == 0


def _budget(page, presses: list[str]):
    """Move the Random search budget (a select slider) with keys; each move reruns the page."""
    slider = page.get_by_role("slider", name="Loss evaluations each")
    slider.focus()
    for key in presses:
        slider.press(key)
    settle(page)
    return slider


# titles of the charts whose legend box overlaps their title by more than a few pixels (a legend that
# wrapped onto the title in a narrow column)
LEGEND_ON_TITLE = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).flatMap(gd => {
  const t = gd.querySelector('.gtitle'), l = gd.querySelector('g.legend');
  if (!t || !l) return [];
  const a = t.getBoundingClientRect(), b = l.getBoundingClientRect();
  const hit = a.left < b.right && b.left < a.right && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 4;
  return hit ? [t.textContent] : [];
})"""


@pytest.mark.parametrize("path", list(MAIN_CHART))
def test_page_opens_with_its_chart_and_no_exception(server, page, path):
    _open(page, server, path)
    if path == "random_search":  # the chart is the search's result: run the smallest budget
        expect(page.get_by_text("Press Run the search").first).to_be_visible()
        expect(_budget(page, ["Home"])).to_have_attribute("aria-valuetext", "50")
        page.get_by_role("button", name="Run the search").click()
        expect(page.get_by_text("50 of 50").first).to_be_visible(timeout=60_000)
        settle(page)
    selector, count = MAIN_CHART[path]
    chart = page.locator(".js-plotly-plot").first
    expect(chart).to_be_visible(timeout=30_000)
    if path == "linear":
        assert chart.locator(selector).count() >= count
    else:
        expect(chart.locator(selector)).to_have_count(count, timeout=30_000)
    _no_exception(page)
    page.set_viewport_size(TALL)
    page.wait_for_timeout(1500)  # charts re-lay out to the new size
    _no_exception(page)
    assert page.evaluate(LEGEND_ON_TITLE) == [], "a chart's legend is drawn over its title"
    screenshot(page, f"linear-pages-{path}")


REGIONS = """() => Array.from(document.querySelector('.js-plotly-plot')
    .querySelectorAll('g.scatterlayer path.js-fill')).map(p => p.getAttribute('d'))"""
POINTS = """() => document.querySelector('.js-plotly-plot')._fullData
    .filter(t => /^class \\d$/.test(t.name)).map(t => [t.name, Array.from(t.x), Array.from(t.y)])"""


def test_play_moves_the_regions_and_keeps_the_points(server, page):
    _open(page, server, "linear")
    chart = page.locator(".js-plotly-plot").first
    expect(chart.locator("g.scatterlayer path.js-fill").first).to_be_visible(timeout=30_000)
    regions, points = page.evaluate(REGIONS), page.evaluate(POINTS)
    n_drawn = chart.locator("g.scatterlayer g.points path.point").count()
    assert sum(len(x) for _, x, _ in points) == 300
    chart.locator("g.updatemenu-button", has_text="Play").first.click()
    page.wait_for_timeout(1000)
    playing = page.evaluate(REGIONS)
    assert playing != regions, "the region polygons did not change after a second of Play"
    assert page.evaluate(POINTS) == points  # the data stay where they are
    assert chart.locator("g.scatterlayer g.points path.point").count() == n_drawn
    page.wait_for_timeout(3000)  # 101 frames at about 30 fps: the play has ended
    assert page.evaluate(REGIONS) != regions
    _no_exception(page)
    screenshot(page, "linear-played")


def test_a_click_on_the_map_adds_a_point(server, page):
    _open(page, server, "linear")
    chart = page.locator(".js-plotly-plot").first
    expect(chart.locator("g.scatterlayer path.js-fill").first).to_be_visible(timeout=30_000)
    before = page.evaluate(POINTS)
    assert page.get_by_role("button", name="Remove the 1 added point").count() == 0
    radio = page.get_by_test_id("stRadio").filter(has_text="A click on the map adds a point of class")
    radio.get_by_text("class 1", exact=True).click()
    expect(radio.get_by_role("radio", name="class 1")).to_be_checked()
    settle(page)
    page.wait_for_timeout(500)
    # the map's plot area: click near its lower-left corner (an empty spot of the blobs)
    box = chart.locator('rect.nsewdrag[data-subplot="xy"]').first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.15, box["y"] + box["height"] * 0.85)
    expect(page.get_by_role("button", name="Remove the 1 added point")).to_be_visible(timeout=15_000)
    settle(page)
    after = dict((name, (x, y)) for name, x, y in page.evaluate(POINTS))
    grown = {name: len(after[name][0]) - len(x) for name, x, _ in before}
    assert grown == {"class 0": 0, "class 1": 1, "class 2": 0}, grown
    x, y = after["class 1"][0][-1], after["class 1"][1][-1]
    assert x < -0.5 and y < -0.5, (x, y)  # the lower-left of the [-2, 2]² map
    page.get_by_role("tab", name="Scores and loss of every point").click()
    expect(page.get_by_text("At iteration 0").first).to_be_visible()
    _no_exception(page)
    screenshot(page, "linear-after-click")
    page.get_by_role("button", name="Remove the 1 added point").click()
    expect(page.get_by_role("button", name="Remove the 1 added point")).to_have_count(0, timeout=15_000)
    settle(page)
    assert sum(len(x) for _, x, _ in page.evaluate(POINTS)) == 300


def test_stopping_a_long_search_keeps_the_work_done(server, page):
    _open(page, server, "random_search")
    # 50, 100, 200, 500, 1000, 2000, 5000, 10000: End then one step back is 5,000
    expect(_budget(page, ["End", "ArrowLeft"])).to_have_attribute("aria-valuetext", "5000")
    page.get_by_role("button", name="Run the search").click()
    expect(page.get_by_text("of 5,000 evaluations").first).to_be_visible(timeout=30_000)
    page.wait_for_timeout(1000)
    page.get_by_role("button", name="■ Stop", exact=True).click()  # the page's Stop, not the header's
    warning = page.get_by_text("Stopped early")
    expect(warning.first).to_be_visible(timeout=30_000)
    settle(page)
    _no_exception(page)
    # a 5,000-evaluation random search takes ~20 s: Stop landed in it, so it is the one named
    text = warning.first.inner_text()
    assert "Stopped early: Random search;" in text
    assert "not started: Random local search, Following the gradient" in text
    # what was found before the stop is drawn: one curve per strategy that had started
    chart = page.locator(".js-plotly-plot").first
    expect(chart).to_be_visible()
    assert chart.locator("g.scatterlayer g.trace").count() >= 1
    assert page.get_by_text("Press Run the search").count() == 0
    page.set_viewport_size(TALL)
    page.wait_for_timeout(1000)
    screenshot(page, "random-search-stopped")
