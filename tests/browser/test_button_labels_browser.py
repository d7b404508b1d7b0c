"""Button labels on the pages that step through backpropagation (the network page's backprop section and the
backprop page), in a real browser at a laptop's and a projector's sizes, normal and projected: none is cut to an
ellipsis ("Jump to the backward pass" read "Jump to the ba…" projected at 1280×720, in a column too narrow for it)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import screenshot, settle

SIZES = [(w, h, projection) for w, h in [(1280, 720), (1920, 1080)] for projection in (False, True)]
IDS = [f"{w}x{h}-{'projection' if projection else 'normal'}" for w, h, projection in SIZES]
CUT = """() => Array.from(document.querySelectorAll('button [data-testid="stMarkdownContainer"]'))
    .filter((e) => e.offsetParent && e.scrollWidth > e.clientWidth + 1)
    .map((e) => [e.closest('button').innerText, e.scrollWidth, e.clientWidth])"""


@pytest.mark.parametrize("path", ["network?steps=300", "backprop"])
@pytest.mark.parametrize(("width", "height", "projection"), SIZES, ids=IDS)
def test_no_button_label_is_cut(server, page, path, width, height, projection):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{server}/{path}" + (f"{'&' if '?' in path else '?'}projection=1" if projection else ""))
    if path.startswith("network"):
        expect(page.locator('[data-testid="gdviz-stage"][data-ready="true"]')).to_be_visible(timeout=90_000)
    settle(page, timeout=60_000)
    expect(page.get_by_role("button", name="Jump to the backward pass")).to_be_visible()
    cut = page.evaluate(CUT)
    if cut:
        screenshot(page, f"{path.split('?')[0]}-buttons-{width}-{'projection' if projection else 'normal'}")
    assert not cut, f"labels cut (label, needed px, shown px): {cut}"
