"""Tables read from the back row: in projection mode an st.table's cells carry type of at least 20 px (Streamlit's
own 0.875rem is 19.25 px there), at a laptop's and a projector's sizes, and no cell is cut nor the table wider than
its column (cells grow or wrap)."""

from __future__ import annotations

import pytest

from .conftest import settle

SIZES = [(1280, 720), (1920, 1080)]
LEAST = 20  # px, projected
RACE = "race?surface=himmelblau&opt=sgd,momentum,adam&steps=300&start=-0.3,-0.9&projection=1"

TABLE = """() => {
  const table = document.querySelector('[data-testid="stTable"]');
  const cells = Array.from(table.querySelectorAll('th, td'));
  return {
    px: cells.map((c) => parseFloat(getComputedStyle(c).fontSize)),
    clipped: cells.filter((c) => c.scrollWidth > c.clientWidth).map((c) => c.textContent),
    overflow: table.scrollWidth - table.clientWidth,
  };
}"""


def _open(page, url: str, size) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(url)
    settle(page)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_race_results_table_is_20px_and_whole(server, page, size):
    _open(page, f"{server}/{RACE}", size)
    page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stTable\"] td').length > 0", timeout=60_000)
    settle(page)
    seen = page.evaluate(TABLE)
    table = page.locator('[data-testid="stTable"]')
    table.scroll_into_view_if_needed()
    table.screenshot(path=f"artifacts/projection-table-race-{size[0]}.png")
    assert min(seen["px"]) >= LEAST, sorted(set(seen["px"]))
    assert not seen["clipped"], f"table cells cut: {seen['clipped']}"
    assert seen["overflow"] <= 0, f"the table is {seen['overflow']} px wider than its box"

