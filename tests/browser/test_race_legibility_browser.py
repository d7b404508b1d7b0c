"""The race page read from the back row, in a real browser at a laptop's and a projector's sizes, normal and
projected: type big enough, log axes in powers of ten, no table cell or axis title cut or covered, scrubber
labels at round steps, and a loss chart that one runaway optimizer does not flatten."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import screenshot, settle

SIZES = [(1280, 720), (1920, 1080)]
STAGE = '[data-testid="gdviz-stage"]'
RACE = "race?surface=himmelblau&opt=sgd,momentum,adam&steps=300&start=-0.3,-0.9"
MIN_PX = {False: 14, True: 20}  # ticks, legends, scrubber labels: normal, projected
SI = re.compile(r"\d\s*[yzafpnµμmkMGTPEB]$")  # plotly's SI prefixes (100µ, 10n, 1T, 1B)

MEASURE = """() => {
  const stage = document.querySelector('[data-testid="gdviz-stage"]');
  const px = (e) => parseFloat(getComputedStyle(e).fontSize);
  const texts = (sel) => Array.from(stage.querySelectorAll(sel)).filter((e) => e.textContent.trim());
  const box = (e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const ticks = texts('.gdviz-bg .xtick text, .gdviz-bg .ytick text');
  const titles = texts('.gdviz-bg .xtitle, .gdviz-bg .ytitle');
  return {
    tickPx: ticks.map(px),
    legendPx: texts('.legendtext').map(px),
    scrubPx: texts('[data-testid="gdviz-ticks"] span').map(px),
    scrubTicks: texts('[data-testid="gdviz-ticks"] span').map((e) => e.textContent),
    tickText: ticks.map((e) => e.textContent.replace(/\\u200b/g, '')),
    tickBoxes: ticks.map(box),
    titleBoxes: titles.map(box),
    titles: titles.map((e) => e.textContent),
    legend: texts('.legendtext').map((e) => e.textContent),
  };
}"""
TABLE = """() => {
  const table = document.querySelector('[data-testid="stTable"]');
  if (!table) return null;
  const cells = Array.from(table.querySelectorAll('th, td'));
  return {
    text: cells.map((c) => c.textContent),
    clipped: cells.filter((c) => c.scrollWidth > c.clientWidth).map((c) => c.textContent),
    overflow: table.scrollWidth - table.clientWidth,
  };
}"""
LOSS_RANGE = """() => {
  const gd = document.querySelectorAll('[data-testid="gdviz-stage"] .gdviz-bg')[1];
  return [gd._fullLayout.yaxis.range, (gd._fullLayout.annotations || []).map((a) => a.text)];
}"""


def _open(page, url: str, size, projection: bool) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(url + ("&projection=1" if projection else ""))
    expect(page.locator(f'{STAGE}[data-ready="true"]')).to_be_visible(timeout=60_000)
    settle(page)


def _overlaps(a, b) -> bool:
    return a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1


@pytest.mark.parametrize("projection", [False, True], ids=["normal", "projection"])
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_race_reads_from_the_back_row(server, page, size, projection):
    _open(page, f"{server}/{RACE}", size, projection)
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stTable\"] td').length > 0", timeout=30_000
    )
    seen = page.evaluate(MEASURE)
    screenshot(page, f"race-legibility-{size[0]}-{'projection' if projection else 'normal'}")
    least = MIN_PX[projection]
    for what in ("tickPx", "legendPx", "scrubPx"):
        assert seen[what] and min(seen[what]) >= least, f"{what}: {sorted(set(seen[what]))} under {least} px"
    si = [t for t in seen["tickText"] if SI.search(t)]
    assert not si, f"SI prefixes on an axis: {si}"
    assert any("10−" in t or "10-" in t for t in seen["tickText"]), "the log loss axis reads powers of ten"
    # round scrubber labels: 0, then one round step apart (1, 2, 2.5 or 5 × 10^k)
    marks = [int(t) for t in seen["scrubTicks"]]
    step = marks[1] - marks[0]
    assert marks[0] == 0 and marks == list(range(0, marks[-1] + 1, step)) and 2 <= len(marks) <= 9, marks
    assert re.fullmatch(r"(1|2|25|5)0*", str(step)), marks
    # axis titles neither cover tick labels nor each other (the loss title once sat on the map's ticks)
    for i, title in enumerate(seen["titleBoxes"]):
        hit = [t for t, b in zip(seen["tickText"], seen["tickBoxes"], strict=True) if _overlaps(title, b)]
        hit += [seen["titles"][j] for j, b in enumerate(seen["titleBoxes"]) if j != i and _overlaps(title, b)]
        assert not hit, f"axis title {seen['titles'][i]!r} covers {hit}"
    assert not [n for n in seen["legend"] if "…" in n], f"truncated legend entries: {seen['legend']}"
    table = page.evaluate(TABLE)
    assert table, "the results table is drawn"
    assert not table["clipped"], f"table cells cut: {table['clipped']}"
    assert table["overflow"] <= 0, f"the table is {table['overflow']} px wider than its box"
    for text in table["text"]:
        assert text not in ("None", "nan", "") and not re.search(r"-0\.0+$|^-0$|\de[-+]\d", text), text
    for label in ("Start x", "Start y"):
        assert len(page.get_by_label(label).input_value()) <= 8


def test_one_runaway_optimizer_leaves_the_chart_and_says_so(server, page):
    """The saddle preset: Momentum runs off to f ≈ −19,400; the chart keeps the others readable."""
    _open(page, f"{server}/race", (1280, 720), False)
    page.get_by_role("button", name="Saddle point: who escapes?").click()
    expect(page.locator('[data-testid="gdviz-step"]')).to_have_text(re.compile(r"of 120$"), timeout=30_000)
    settle(page)
    page.wait_for_function(f"() => ({LOSS_RANGE})()[1].length > 0", timeout=30_000)
    (lo, hi), notes = page.evaluate(LOSS_RANGE)
    screenshot(page, "race-legibility-saddle")
    assert -100 < lo < -5 and hi < 10, (lo, hi)
    assert any(n.startswith("Momentum ↓") and "off the chart<br>from step" in n for n in notes), notes


# ---------------------------------------------------------------- issue #12: the last legibility faults

TITLE_FITS = """() => Array.from(document.querySelectorAll('[data-testid="gdviz-stage"] .gdviz-bg')).map((gd) => {
  const svg = gd.querySelector('svg.main-svg').getBoundingClientRect();
  const title = gd.querySelector('.gtitle');
  const r = title.getBoundingClientRect();
  return {text: title.textContent, left: r.left, right: r.right, svgLeft: svg.left, svgRight: svg.right};
})"""
HEADING = """() => {
  const h1 = document.querySelector('h1');
  const words = h1.textContent.trim().split(/\\s+/);
  const walker = document.createTreeWalker(h1, NodeFilter.SHOW_TEXT);
  const broken = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const re = /\\S+/g;
    for (let m = re.exec(node.data); m; m = re.exec(node.data)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
      if (tops.size > 1) broken.push(m[0]);
    }
  }
  return {words, broken};
}"""
NOTE_CLEAR = """() => {
  const panel = document.querySelectorAll('[data-testid="gdviz-stage"] .gdviz-panel')[1];
  const notes = Array.from(panel.querySelectorAll('.gdviz-bg .annotation')).map((a) => a.getBoundingClientRect());
  const hits = [];
  for (const path of panel.querySelectorAll('path.js-line')) {
    if (getComputedStyle(path).stroke === 'rgb(85, 85, 85)') continue;  // the "now" cursor crosses everything
    const ctm = path.getScreenCTM(), n = path.getTotalLength();
    for (let d = 0; d <= n; d += 2) {
      const p = new DOMPoint(path.getPointAtLength(d).x, path.getPointAtLength(d).y).matrixTransform(ctm);
      for (const r of notes) {
        if (p.x > r.left && p.x < r.right && p.y > r.top && p.y < r.bottom) hits.push(getComputedStyle(path).stroke);
      }
    }
  }
  return {notes: notes.length, hits};
}"""


@pytest.mark.parametrize("projection", [False, True], ids=["normal", "projection"])
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_a_long_typed_formula_wraps_in_the_map_title(server, page, size, projection):
    _open(page, f"{server}/race?surface=custom&f=exp(exp(exp(x)))", size, projection)
    seen = page.evaluate(TITLE_FITS)
    screenshot(page, f"race-custom-title-{size[0]}-{'projection' if projection else 'normal'}")
    assert "exp(exp(exp(x)))" in seen[0]["text"].replace(" ", ""), seen[0]
    for panel in seen:
        assert panel["left"] >= panel["svgLeft"] - 1 and panel["right"] <= panel["svgRight"] + 1, panel


@pytest.mark.parametrize("projection", [False, True], ids=["normal", "projection"])
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_page_heading_breaks_between_words_on_every_view(server, page, size, projection):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{server}/race?surface=himmelblau&view=3d" + ("&projection=1" if projection else ""))
    expect(page.locator('[data-testid="stPlotlyChart"] .main-svg').first).to_be_visible(timeout=60_000)
    settle(page)
    seen = page.evaluate(HEADING)
    screenshot(page, f"race-3d-heading-{size[0]}-{'projection' if projection else 'normal'}")
    assert seen["words"] == ["Optimizer", "race"] and not seen["broken"], seen


def test_the_projected_off_chart_note_covers_no_curve(server, page):
    """The saddle preset at its last step, projected at 1280×720: Momentum's note sat on RMSprop's curve."""
    _open(page, f"{server}/race?projection=1", (1280, 720), True)
    page.get_by_role("button", name="Saddle point: who escapes?").click()
    expect(page.locator('[data-testid="gdviz-step"]')).to_have_text(re.compile(r"of 120$"), timeout=30_000)
    settle(page)
    page.get_by_role("button", name="Last step (End)").click()
    expect(page.locator('[data-testid="gdviz-step"]')).to_have_text(re.compile(r"^step 120 of 120$"))
    page.wait_for_function(f"() => ({NOTE_CLEAR})().notes > 0", timeout=30_000)
    seen = page.evaluate(NOTE_CLEAR)
    screenshot(page, "race-saddle-note-projection")
    assert not seen["hits"], f"the off-chart note covers curves colored {sorted(set(seen['hits']))}"


SWEEP = """() => {
  const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
  return [gd._fullLayout.yaxis.range, (gd._fullLayout.annotations || []).map((a) => a.text)];
}"""


@pytest.mark.parametrize("projection", [False, True], ids=["normal", "projection"])
def test_the_saddle_sweep_keeps_its_curves_in_reach(server, page, projection):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{server}/race?surface=saddle&view=learning-rate-sweep" + ("&projection=1" if projection else ""))
    expect(page.locator('[data-testid="stPlotlyChart"] .main-svg').first).to_be_visible(timeout=90_000)
    settle(page)
    (lo, hi), notes = page.evaluate(SWEEP)
    screenshot(page, f"race-saddle-sweep-{'projection' if projection else 'normal'}")
    assert -1e6 < lo < hi < 1e4, (lo, hi)  # one run at −4 × 10⁶ no longer sets the bottom
    assert any("↓<br>" in n and "off the chart" in n for n in notes), notes
