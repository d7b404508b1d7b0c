"""Visitor text in a real browser: the audit's injection links draw no link, heading, image or bold text.

AppTest sees the Markdown Streamlit is given; only the browser shows what Streamlit's Markdown makes of it
(it turns a bare ``www.x.y`` into a link even after backslash escapes, for one).
"""

from __future__ import annotations

from urllib.parse import quote

from playwright.sync_api import expect

from ..markdown_text import INJECTIONS
from .conftest import settle

HEADING = INJECTIONS["heading"][0]
LINKS = [  # the audit's links, then a formula and a link value for each injection
    f"?{quote(HEADING)}=1",
    "race?opt=" + quote("sgd\n\n[Log in](https://evil.example)"),
    "backprop?f=www.evil.example",
    "backprop?f=__import__",
    *(f"race?surface=custom&f={quote(raw)}&projection={quote(raw)}" for raw, _ in INJECTIONS.values()),
    *(f"backprop?f={quote(INJECTIONS[name][0])}" for name in ("link", "html", "bold", "latex")),
]
FROM_A_VISITOR = """() => {
  const texts = els => Array.from(document.querySelectorAll(els)).map(e => e.textContent);
  return {
    links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href).filter(h => /evil/.test(new URL(h).host)),
    headings: texts('h1, h2, h3, h4, h5, h6').filter(t => /Session expired/i.test(t)),
    images: Array.from(document.querySelectorAll('img')).map(i => i.getAttribute('src')).filter(s => s === 'x'),
    bold: texts('strong, b').filter(t => /bold|import|Log in|evil/i.test(t)),
    math: document.querySelectorAll('[data-testid="stAlert"] .katex').length,  // the race's own formula is LaTeX
  };
}"""


def test_injection_links_draw_nothing_but_text(server, page):
    for link in LINKS:
        page.goto(f"{server}/{link}")
        expect(page.locator('[data-testid="stAlert"]').first).to_be_visible(timeout=60_000)
        settle(page)
        assert page.locator('[data-testid="stException"]').count() == 0, link
        assert page.evaluate(FROM_A_VISITOR) == {"links": [], "headings": [], "images": [], "bold": [], "math": 0}, link
    # the visitor's text is there, as text
    page.goto(f"{server}/?{quote(HEADING)}=1")
    expect(page.get_by_text("⏎⏎# Session expired⏎⏎[Log in again](https://evil.example/login)")).to_be_visible()
    page.goto(f"{server}/backprop?f=www.evil.example")
    expect(page.locator('[data-testid="stAlert"] code').filter(has_text="www.evil.example")).to_be_visible()
