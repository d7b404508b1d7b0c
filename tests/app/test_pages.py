"""Every page runs from app.py without an exception (smoke), and the home page links to all pages."""

import pytest

from gdviz.ui.nav import PAGES

from .conftest import no_exceptions


@pytest.mark.parametrize("path", [p.path for p in PAGES])
def test_every_page_runs_without_exception(open_page, path):
    at = open_page(path)
    no_exceptions(at)
    assert at.title, f"{path} shows no title"


def test_home_links_to_every_other_page(open_page):
    at = open_page("pages/home.py")
    linked = {link.proto.page for link in at.get("page_link")}
    assert linked == {p.url_path for p in PAGES[1:]}
