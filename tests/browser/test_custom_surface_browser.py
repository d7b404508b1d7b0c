"""A typed surface in a real browser: pick Custom f(x, y), type a formula, press Enter, the race redraws."""

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from .conftest import screenshot, settle

# the ends of the whole paths (the markers come last): the test turns the stage's growing trails off first
PATH_ENDS = """() => document.querySelector('[data-testid="gdviz-stage"]').gdvizShown(0)
  .slice(0, -1).map(t => t.x.slice(-3))"""


def _choose_custom(page) -> None:
    """Open the Surface select and pick Custom f(x, y), typed so the option is in the (virtualized) list; if a
    rerun closed the list before the pick, open it again."""
    surface = page.locator('[data-testid="stSelectbox"]').filter(has_text="Surface")
    option = page.get_by_role("option", name="Custom f(x, y)")
    for _ in range(3):
        surface.locator('[role="combobox"], input').first.click()
        page.keyboard.type("Custom")
        try:
            option.click(timeout=10_000)
            return
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            settle(page)
    option.click()


def test_typing_a_formula_redraws_the_race(server, page):
    page.goto(f"{server}/race")
    expect(page.locator('[data-testid="gdviz-stage"][data-ready="true"]')).to_be_visible(timeout=30_000)
    settle(page)
    page.wait_for_timeout(1000)  # let the first run's widgets register before the click
    page.get_by_text("trail", exact=True).click()  # whole paths from now on, whatever the run
    settle(page)
    _choose_custom(page)
    box = page.get_by_role("textbox", name="Formula f(x, y)")
    expect(box).to_be_visible(timeout=30_000)
    expect(page.get_by_text("The surface you typed, f(x, y) = sin(x) * cos(y)").first).to_be_visible(timeout=30_000)
    settle(page)
    before = page.evaluate(PATH_ENDS)
    assert len(before) == 3  # SGD, Momentum, Adam on the default formula

    box.fill("x**2 + 10*y**2")
    box.press("Enter")
    # the caption shows the text literally (x**2 is not markdown bold), so the page ran on the new formula
    expect(page.get_by_text("The surface you typed, f(x, y) = x**2 + 10*y**2")).to_be_visible(timeout=30_000)
    settle(page)
    after = page.evaluate(PATH_ENDS)
    assert len(after) == 3 and after != before, f"the paths did not change: {before} -> {after}"
    assert all(abs(v) < 0.1 for path in after for v in path)  # every optimizer ends near the bowl's bottom, 0
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "race-custom-surface")

    box.fill("x +")
    box.press("Enter")
    sidebar_error = page.locator('[data-testid="stSidebar"] [data-testid="stAlertContentError"]')
    expect(sidebar_error).to_contain_text("the formula ends after '+'", timeout=30_000)
    expect(page.get_by_text("Still racing on the last formula that worked")).to_be_visible()
    settle(page)
    assert page.evaluate(PATH_ENDS) == after  # the race stays on the last good formula
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "race-custom-surface-bad-formula")
