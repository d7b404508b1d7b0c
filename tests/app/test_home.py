"""The home page: a first step that stands out, then one card per page (its picture, its link, a sentence),
all from the page list in gdviz.ui.nav; a visit computes nothing (a class opens it at once)."""

from __future__ import annotations

from PIL import Image

from gdviz.ui.nav import PAGES

from .conftest import ROOT, no_exceptions

HOME = "pages/home.py"


def test_home_starts_with_the_race_then_a_card_per_page(open_page):
    at = open_page(HOME)
    no_exceptions(at)
    links = at.get("page_link")
    first = links[0].proto
    assert first.page == "race" and first.label == "Start here: the optimizer race ▶"  # before every card
    cards = [(link.proto.page, link.proto.label) for link in links[1:]]
    assert sorted(cards) == sorted((p.url_path, p.title) for p in PAGES[1:])  # each page once, titled as in the menu
    assert len(at.get("image")) == len(PAGES) - 1  # a picture on every card
    blurbs = {c.value for c in at.caption}
    assert all(p.blurb in blurbs for p in PAGES[1:])
    assert all(len(p.blurb) <= 120 for p in PAGES[1:])  # short: one line or two on a card


def test_a_home_visit_computes_nothing(open_page):
    """No chart, no stage, no run: the pictures are files."""
    at = open_page(HOME)
    assert not at.get("plotly_chart") and not at.get("bidi_component") and not at.get("graphviz_chart")
    assert not [k for k in at.session_state if str(k).startswith(("lc", "digits", "hyper", "gc", "rs"))]


def test_every_page_has_a_small_committed_picture():
    for p in PAGES[1:]:
        path = ROOT / p.picture
        assert p.picture.startswith("docs/home/") and path.is_file(), p
        assert path.stat().st_size < 60_000, (p.picture, path.stat().st_size)  # bytes every visit sends
        with Image.open(path) as image:
            assert image.size == (480, 270), (p.picture, image.size)
