"""The backprop page in a real browser: Streamlit's bundled Graphviz draws the DOT as an SVG, the step
buttons redraw it, the end of the backward pass carries every value and gradient on its wire, and every
circuit's text is big enough to read at 1280×720 (Streamlit's own 0.6rem made the neuron's about 7 px)."""

import re

import pytest
from playwright.sync_api import expect

from gdviz import parse_expression
from gdviz.autodiff.circuits import CIRCUITS, chain_rule
from gdviz.autodiff.trace import fmt

from .conftest import screenshot, settle

GRAPH = '[data-testid="stGraphVizChart"]'
MAIN = '[data-testid="stMain"]'


def _svg(page) -> str:
    return page.locator(f"{GRAPH} svg").first.inner_html()


def _labels(page) -> list[str]:
    """The texts Graphviz placed: gate symbols and names, and the numbers on the wires."""
    return [t.strip() for t in page.locator(f"{GRAPH} svg text").all_text_contents() if t and t.strip()]


def _open(server, page):
    page.goto(f"{server}/backprop")
    expect(page.locator(f"{GRAPH} svg").first).to_be_visible(timeout=30_000)
    settle(page)
    page.wait_for_timeout(1000)  # let the first run's widgets register before a click


def test_the_graph_renders_and_stepping_forward_redraws_it(server, page):
    _open(server, page)
    c = CIRCUITS["add_multiply"]
    steps = parse_expression(c.text).steps(c.values)
    labels = _labels(page)
    # (x + y) * z: the inputs by name, the add gate named a, the multiply gate named f, the output wire's f
    assert {"x", "y", "z", "+", "×", "a", "f"} <= set(labels), labels
    numbers = [t for t in labels if re.fullmatch(r"-?\d+(\.\d+)?", t)]
    assert numbers == ["-2"], f"step 1 computes x = -2 and nothing else: {labels}"
    svgs = [_svg(page)]
    forward = page.get_by_role("button", name="Step forward ▶")
    for i in range(2, 6):
        forward.click()
        expect(page.get_by_text(f"step {i} of {len(steps)}")).to_be_visible(timeout=15_000)
        expect(page.get_by_text(steps[i - 1].text, exact=True)).to_be_visible(timeout=15_000)
        settle(page)
        page.wait_for_function(
            "(before) => { const s = document.querySelector('"
            + GRAPH
            + " svg'); return s && s.innerHTML !== before; }",
            arg=svgs[-1],
            timeout=15_000,
        )
        svgs.append(_svg(page))
    assert len(set(svgs)) == len(svgs), "every step drew a different graph"
    # after the forward pass: f = (x + y) * z = 3 * -4 = -12 is on the output wire
    assert {"-2", "5", "-4", "3", "-12"} <= set(_labels(page)), _labels(page)
    assert page.locator('[data-testid="stException"]').count() == 0


def test_the_end_of_the_backward_pass_shows_every_gradient(server, page):
    page.set_viewport_size({"width": 1400, "height": 1400})
    _open(server, page)
    c = CIRCUITS["add_multiply"]
    e = parse_expression(c.text)
    nodes, steps = e.graph(c.values), e.steps(c.values)
    before = _svg(page)
    page.get_by_role("button", name="Jump to the end").click()
    expect(page.get_by_text(f"step {len(steps)} of {len(steps)} (backward pass)")).to_be_visible(timeout=15_000)
    expect(page.get_by_text(chain_rule(nodes, steps, len(steps) - 1).line, exact=True)).to_be_visible(timeout=15_000)
    settle(page)
    page.wait_for_function(
        "(before) => document.querySelector('" + GRAPH + " svg').innerHTML !== before", arg=before, timeout=15_000
    )
    labels = _labels(page)
    # values -2, 5, -4, 3, -12 above the wires; gradients -4 (to x and y), 3 (to z), -4 (to a), 1 (seed) below
    assert labels.count("-4") >= 4 and labels.count("3") >= 2 and "1" in labels and "-12" in labels, labels
    svg = _svg(page).lower()
    assert "#d55e00" in svg and "#0072b2" in svg, "values and gradients in their colors"
    assert page.locator('[data-testid="stException"]').count() == 0
    page.locator(GRAPH).first.scroll_into_view_if_needed()
    screenshot(page, "backprop-end")
    page.locator(GRAPH).first.screenshot(path=str(screenshot(page, "backprop-end").with_name("backprop-graph.png")))


def test_a_power_step_reads_as_written(server, page):
    """A step with ** in it (the squared error's f = d**2) shows its ** verbatim, not as Markdown bold."""
    _open(server, page)
    c = CIRCUITS["squared_error"]
    e = parse_expression(c.text)
    nodes, steps = e.graph(c.values), e.steps(c.values)
    page.get_by_role("button", name=c.title).click()
    expect(page.get_by_text(c.watch)).to_be_visible(timeout=15_000)
    page.get_by_role("button", name="Jump to the backward pass").click()
    expect(page.get_by_text(f"step {len(nodes) + 1} of {len(steps)}")).to_be_visible(timeout=15_000)
    page.get_by_role("button", name="◀ Step back").click()
    expect(page.get_by_text(f"step {len(nodes)} of {len(steps)} (forward pass)")).to_be_visible(timeout=15_000)
    power = steps[len(nodes) - 1].text
    assert "**" in power
    expect(page.get_by_text(power, exact=True)).to_be_visible(timeout=15_000)
    assert page.locator('[data-testid="stException"]').count() == 0


# each text of the graph: its content and its rendered size in CSS pixels (font size × the SVG's scale on screen)
TEXT_SIZES = """(g) => [...document.querySelectorAll(g + ' svg text')].filter(t => t.textContent.trim()).map(t => {
    const m = t.getScreenCTM();
    return [t.textContent.trim(), parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b)];
})"""


@pytest.mark.parametrize("projection", [False, True], ids=["normal", "projection"])
def test_every_circuit_is_legible_at_1280x720(server, page, projection):
    """At the end of each preset circuit (every value and gradient shown) no text of the graph is under 12 px on
    a 1280×720 screen, the 2D sigmoid neuron's eleven gates included, and the graph stays inside the page."""
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{server}/backprop" + ("?projection=1" if projection else ""))
    expect(page.locator(f"{GRAPH} svg text").first).to_be_attached(timeout=30_000)
    settle(page)
    page.wait_for_timeout(1000)  # let the first run's widgets register before a click
    smallest = {}
    for name, c in CIRCUITS.items():
        e = parse_expression(c.text)
        nodes, steps = e.graph(c.values), e.steps(c.values)
        page.get_by_role("button", name=c.title, exact=True).click()
        expect(page.get_by_text(c.watch)).to_be_visible(timeout=15_000)
        settle(page)
        before = _svg(page)
        page.get_by_role("button", name="Jump to the end").click()
        last = chain_rule(nodes, steps, len(steps) - 1).line
        expect(page.get_by_text(last, exact=True)).to_be_visible(timeout=15_000)
        settle(page)
        page.wait_for_function(
            "(before) => document.querySelector('" + GRAPH + " svg').innerHTML !== before", arg=before, timeout=15_000
        )
        sizes = page.evaluate(TEXT_SIZES, GRAPH)
        # the graph of the last step: f's value and the gradient the last step sent back are on their wires
        assert {fmt(nodes[-1].value), fmt(steps[-1].product)} <= {t for t, _ in sizes}, (name, sizes)
        smallest[name] = min(px for _, px in sizes)
        graph, main = page.locator(f"{GRAPH} svg").first.bounding_box(), page.locator(MAIN).bounding_box()
        assert graph["x"] >= main["x"] and graph["x"] + graph["width"] <= main["x"] + main["width"] + 1, name
    assert min(smallest.values()) >= 12, smallest
    assert page.locator('[data-testid="stException"]').count() == 0
