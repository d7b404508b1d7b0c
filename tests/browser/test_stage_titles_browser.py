"""The stage's panel titles in a real browser at a projector's 1280×720, projected, the sidebar open (the stage's
narrowest): each title stays inside its own panel, and the width the titles are wrapped for
(gdviz.viz.stage.PAGE_WIDTH) is no wider than the stage there (it was 1100 px for a 760 px stage)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from gdviz.viz.stage import PAGE_WIDTH

from .conftest import screenshot, settle

STAGE = '[data-testid="gdviz-stage"]'
PAGES = ["linear", "network?steps=300", "race?surface=three_hump_camel&noise=1&steps=300"]

MEASURE = """() => {
  const stage = document.querySelector('[data-testid="gdviz-stage"]');
  const box = (e) => { const r = e.getBoundingClientRect(); return [r.left, r.right]; };
  return {
    stage: stage.getBoundingClientRect().width,
    panels: Array.from(stage.querySelectorAll('.gdviz-panel')).map((p) => {
      const title = p.querySelector('.gtitle');
      return { panel: box(p), title: title ? box(title) : null, text: title ? title.textContent : '' };
    }),
  };
}"""


@pytest.mark.parametrize("path", PAGES, ids=[p.split("?")[0] for p in PAGES])
def test_projected_at_1280_every_panel_title_stays_in_its_panel(server, page, path):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{server}/{path}{'&' if '?' in path else '?'}projection=1")
    expect(page.locator(f'{STAGE}[data-ready="true"]')).to_be_visible(timeout=90_000)
    settle(page, timeout=60_000)
    seen = page.evaluate(MEASURE)
    screenshot(page, f"stage-titles-{path.split('?')[0]}-1280-projection")
    assert PAGE_WIDTH <= seen["stage"] + 1, f"titles wrap for {PAGE_WIDTH} px, the stage is {seen['stage']:.0f} px"
    panels = [p for p in seen["panels"] if p["title"]]
    assert len(panels) >= 2, seen
    for p in panels:
        (left, right), (t0, t1) = p["panel"], p["title"]
        assert left - 1 <= t0 and t1 <= right + 1, f"{p['text']!r} runs out of its panel: {p}"
