"""The linear-classifier pages in a real browser: each opens with its chart and no exception box; the
classifier plays on the stage (regions move, the points stay) and its cards follow the step it rests on; a click
on the map adds a point and keeps the step; a search can be stopped. Sizes where they matter, at 1280 × 720 and
1920 × 1080, normal and projected: the digits' confusion matrix keeps square cells its numbers fit in, no label
is cut off, and the home page's first step is on screen as it opens."""

import re

import pytest
from playwright.sync_api import expect

from gdviz.ui.nav import PAGES

from .conftest import screenshot, settle

TALL = {"width": 1400, "height": 2600}  # Streamlit scrolls inside its main block: a tall viewport shows it all
SCREENS = {"1280x720": {"width": 1280, "height": 720}, "1920x1080": {"width": 1920, "height": 1080}}
STAGE = '[data-testid="gdviz-stage"]'
MAP = '[data-testid="gdviz-map"]'

# what each page's main chart must hold once drawn (a CSS selector inside the first .js-plotly-plot, and how many)
MAIN_CHART = {
    "linear": ("g.scatterlayer path.js-fill", 1),  # class regions on the stage's map (a class may own none at first)
    "digits": ("g.scatterlayer g.trace", 3),  # the loss, plotted first: batch loss, running mean, loss on all data
    "gradient_check": ("g.scatterlayer g.trace", 3),  # forward and centered h-sweeps, the 1e-7 line's legend entry
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
    if path == "linear":  # the stage draws its charts once plotly.js has loaded: wait for it, then count
        expect(page.locator(f'{STAGE}[data-ready="true"]')).to_be_visible(timeout=60_000)
        chart = page.locator(MAP)
        expect(chart.locator(selector).nth(count - 1)).to_be_attached(timeout=30_000)
    else:
        chart = page.locator(".js-plotly-plot").first
        expect(chart).to_be_visible(timeout=30_000)
        expect(chart.locator(selector)).to_have_count(count, timeout=30_000)
    _no_exception(page)
    page.set_viewport_size(TALL)
    page.wait_for_timeout(1500)  # charts re-lay out to the new size
    _no_exception(page)
    assert page.evaluate(LEGEND_ON_TITLE) == [], "a chart's legend is drawn over its title"
    screenshot(page, f"linear-pages-{path}")


REGIONS = f"""() => Array.from(document.querySelector('{MAP}').parentElement
    .querySelectorAll('.gdviz-fg g.scatterlayer path.js-fill')).map(p => p.getAttribute('d'))"""  # moving: foreground
# the data points on the map, per class (the legend's keys, lines+markers with no data, are left out)
POINTS = f"""() => document.querySelector('{MAP}')._fullData
    .filter(t => t.mode === 'markers' && /^class \\d$/.test(t.name))
    .map(t => [t.name, Array.from(t.x), Array.from(t.y)])"""


def _errors(page) -> list[str]:
    """Collect the page's uncaught errors and console errors from now on (a resource the sandbox cannot
    reach, such as the page icon's font server, is a network failure, not an error of the page)."""
    errors = []
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.on(
        "console",
        lambda m: (
            errors.append(f"console: {m.text}")
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    return errors


def _open_stage(page, server, screen: str, query: str = "") -> list[str]:
    page.set_viewport_size(SCREENS[screen])
    errors = _errors(page)
    page.goto(f"{server}/linear{query}")
    expect(page.locator(f'{STAGE}[data-ready="true"]')).to_be_visible(timeout=60_000)
    settle(page, timeout=60_000)
    expect(page.locator(MAP).locator("g.scatterlayer path.js-fill").first).to_be_attached(timeout=30_000)
    return errors


def _step(page) -> int:
    text = page.get_by_test_id("gdviz-step").inner_text()
    match = re.fullmatch(r"step (\d+) of 300", text)
    assert match, text
    return int(match.group(1))


@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_stage_plays_and_a_click_after_a_pause_adds_a_point_and_keeps_the_step(server, page, screen):
    errors = _open_stage(page, server, screen)
    size = SCREENS[screen]
    # the stage is on screen as the page opens: the map and the whole control bar, no scrolling
    play = page.get_by_role("button", name="Play or pause (Space)")
    for part in (page.locator(MAP), play, page.get_by_test_id("gdviz-step")):
        box = part.bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= size["height"], (screen, box)
    assert page.locator(MAP).locator(".nsewdrag").first.bounding_box()["height"] >= 200
    expect(page.get_by_test_id("gdviz-step")).to_have_text("step 0 of 300")
    regions, points = page.evaluate(REGIONS), page.evaluate(POINTS)
    assert sum(len(x) for _, x, _ in points) == 300
    radio = page.get_by_test_id("stRadio").filter(has_text="A click on the map adds a point of class")
    radio.get_by_text("class 1", exact=True).click()
    expect(radio.get_by_role("radio", name="class 1")).to_be_checked()
    settle(page)

    play.click()
    expect(page.locator(f'{STAGE}[data-playing="true"]')).to_be_attached()
    page.wait_for_timeout(1200)  # a run plays in about 10 s: some 35 iterations
    assert _step(page) > 0, "playing did not move the step"
    assert page.evaluate(REGIONS) != regions, "the regions did not move while playing"
    assert page.evaluate(POINTS) == points  # the data stay where they are
    play.click()  # pause
    expect(page.locator(f'{STAGE}[data-playing="false"]')).to_be_attached()
    k = _step(page)
    assert 0 < k < 300
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('at') === '{k}'", timeout=15_000)
    settle(page)
    assert _step(page) == k  # the report reran the fragment; the stage kept its step
    # the cards follow the step it rests on, and say so: the last snapshot (every third iteration) at or before it
    expect(page.get_by_text(f"At step {k - k % 3}", exact=True)).to_be_visible()

    # a click near the map's lower-left corner (an empty spot of the blobs) adds a class-1 point there
    area = page.locator(MAP).locator(".nsewdrag").first.bounding_box()
    page.mouse.click(area["x"] + area["width"] * 0.1, area["y"] + area["height"] * 0.9)
    expect(page.get_by_role("button", name="Remove the 1 added point")).to_be_visible(timeout=15_000)
    settle(page)
    page.wait_for_function(f"() => ({POINTS})().reduce((n, t) => n + t[1].length, 0) === 301", timeout=15_000)
    after = {name: (x, y) for name, x, y in page.evaluate(POINTS)}
    grown = {name: len(after[name][0]) - len(x) for name, x, _ in points}
    assert grown == {"class 0": 0, "class 1": 1, "class 2": 0}, grown
    x, y = after["class 1"][0][-1], after["class 1"][1][-1]
    assert x < -1 and y < -1, (x, y)  # the lower-left of the [-2, 2]² map
    assert _step(page) == k, "the click's rerun moved the stage's step"
    assert "pts=" in page.url and f"at={k}" in page.url
    screenshot(page, f"linear-stage-after-click-{screen}")
    # the per-point table is at the last snapshot (every third iteration) at or before the step
    page.get_by_role("tab", name="Scores and loss of every point").click()
    expect(page.get_by_text(f"of every point at step {k - k % 3} ").first).to_be_visible()
    _no_exception(page)
    page.get_by_role("button", name="Remove the 1 added point").click()
    expect(page.get_by_role("button", name="Remove the 1 added point")).to_have_count(0, timeout=15_000)
    settle(page)
    page.wait_for_function(f"() => ({POINTS})().reduce((n, t) => n + t[1].length, 0) === 300", timeout=15_000)
    assert _step(page) == k
    assert errors == [], errors


@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_stage_in_projection_mode_has_room_for_its_map(server, page, screen):
    errors = _open_stage(page, server, screen, "?projection=1")
    area = page.locator(MAP).locator(".nsewdrag").first.bounding_box()
    assert area["height"] >= 150 and area["width"] >= 150, area  # the grown legend and titles leave a map
    _no_exception(page)
    assert page.evaluate(LEGEND_ON_TITLE) == [], "a chart's legend is drawn over its title"
    page.get_by_role("button", name="Last step (End)").click()
    expect(page.get_by_test_id("gdviz-step")).to_have_text("step 300 of 300")
    settle(page)
    screenshot(page, f"linear-stage-projection-{screen}")
    assert errors == [], errors


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
    # a 5,000-evaluation random search takes ~20 s on a quiet machine, so Stop nearly always lands in it; on a
    # loaded one it may land in a later strategy. Either way: the one it landed in is named as stopped, the
    # strategies after it as not started, and every strategy that had started keeps its curve
    text = warning.first.inner_text()
    order = ["Random search", "Random local search", "Following the gradient"]
    found = re.search(r"Stopped early: (.+?); not started: (.+?)\. ", text)
    assert found and found[1] in order, text
    k = order.index(found[1])
    assert found[2] == (", ".join(order[k + 1 :]) or "none"), text
    chart = page.locator(".js-plotly-plot").first
    expect(chart).to_be_visible()
    assert chart.locator("g.scatterlayer g.trace").count() >= k + 1
    assert page.get_by_text("Press Run the search").count() == 0
    page.set_viewport_size(TALL)
    page.wait_for_timeout(1000)
    screenshot(page, "random-search-stopped")


SIZES = [(screen, projection) for screen in SCREENS for projection in (False, True)]
SIZE_IDS = [f"{screen}-{'projection' if projection else 'normal'}" for screen, projection in SIZES]

# the confusion matrix's plot area and cells, and each written count's box (px) and font size
CONFUSION = """() => {
  const gd = Array.from(document.querySelectorAll('.js-plotly-plot'))
    .find(g => (g.layout.title.text || '').includes('Confusion matrix'));
  const x = gd._fullLayout.xaxis, y = gd._fullLayout.yaxis;
  const cells = Array.from(gd.querySelectorAll('g.heatmaplayer text')).map(t => {
    const b = t.getBBox();
    return [b.width, b.height, parseFloat(getComputedStyle(t).fontSize)];
  });
  return {width: x._length / 10, height: y._length / 10, cells};
}"""
# labels a browser may cut with an ellipsis: the cards', the sidebar's select boxes' and the menu's
CUT = """() => Array.from(document.querySelectorAll(
    '[data-testid="stMetricLabel"], [data-testid="stSidebar"] [data-testid="stSelectbox"], '
    + '[data-testid="stSidebarNav"] a'))
  .filter(el => [el, ...el.querySelectorAll('*')]
    .some(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflow !== 'visible'))
  .map(el => el.innerText.trim())"""


def _open_sized(page, server, path: str, screen: str, projection: bool) -> None:
    page.set_viewport_size(SCREENS[screen])
    page.goto(f"{server}/{path}" + ("?projection=1" if projection else ""))
    expect(page.get_by_role("heading", level=1).first).to_be_visible(timeout=60_000)
    settle(page, timeout=60_000)


@pytest.mark.parametrize(("screen", "projection"), SIZES, ids=SIZE_IDS)
def test_the_confusion_matrix_keeps_square_cells_its_numbers_fit(server, page, screen, projection):
    _open_sized(page, server, "digits", screen, projection)
    expect(page.locator(".js-plotly-plot g.heatmaplayer text")).to_have_count(100, timeout=30_000)
    m = page.evaluate(CONFUSION)
    assert m["width"] == pytest.approx(m["height"], abs=1.5), m  # square cells
    assert m["width"] >= 28, m  # room for two digits
    for width, height, size in m["cells"]:
        assert size >= (20 if projection else 12), size
        assert width <= m["width"] - 2 and height <= m["height"], (width, height, m["width"], m["height"])
    assert page.evaluate(CUT) == []
    _no_exception(page)


@pytest.mark.parametrize(("screen", "projection"), SIZES, ids=SIZE_IDS)
def test_no_label_of_the_linear_page_is_cut_off(server, page, screen, projection):
    _open_sized(page, server, "linear", screen, projection)
    expect(page.locator('[data-testid="stMetricLabel"]')).to_have_count(4, timeout=30_000)
    assert page.evaluate(CUT) == []


@pytest.mark.parametrize(("screen", "projection"), SIZES, ids=SIZE_IDS)
def test_home_shows_its_first_step_on_screen_and_a_picture_per_page(server, page, screen, projection):
    _open_sized(page, server, "", screen, projection)
    start = page.get_by_role("link", name="Start here: the optimizer race ▶")
    expect(start).to_be_visible()
    box = start.bounding_box()
    assert box["y"] + box["height"] <= SCREENS[screen]["height"], box  # no scrolling to find it
    pictures = page.locator('[data-testid="stImage"] img')
    expect(pictures).to_have_count(len(PAGES) - 1)  # every page but home
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll('[data-testid="stImage"] img'))
            .every(img => img.complete && img.naturalWidth === 480)"""
    )
    assert page.evaluate(CUT) == []
    screenshot(page, f"home-{screen}{'-projection' if projection else ''}")
    start.click()
    expect(page.get_by_role("heading", name="Optimizer race")).to_be_visible(timeout=30_000)
