"""Adding a page is its page file and its ``PageEntry`` (ARCHITECTURE.md, "To add…"), proven by doing it: a copy of
the app with one more page, ``pages/toy.py``, one more entry in ``gdviz/ui/nav.py`` naming the page's link, and the
link itself in the page's own package (``gdviz/ui/toy/``, new files), no other file changed. A fresh interpreter
runs that copy with AppTest: the navigation and the home page list the page, a link sets its setting, the address
bar follows a change, and a link's value out of range is named in a note while the page keeps its default.

The copy lives in a temporary directory and runs in its own interpreter, so nothing this session imported is touched.
"""

from __future__ import annotations

import pytest

from ..app_copy import copy_app, probe

pytestmark = pytest.mark.slow  # runs the whole app with AppTest, in a fresh interpreter

TOY_PAGE = '''import streamlit as st

from gdviz.ui.frame import ensure_frame

ensure_frame()
st.title("A toy page")
n = st.number_input("How many", min_value=1, max_value=100, value=10, step=1, key="toy.n")
st.caption(f"toy n is {n}")
'''
TOY_LINK = '''from ..links import Link
from ..url_state import number

TOY = Link(lambda: [number("n", "toy.n", 1, 100, integer=True)])
'''
TOY_ENTRY = '''    PageEntry(
        "pages/toy.py",
        "Toy page",
        ":material/star:",
        "toy",
        "A page added by tests/ui/test_page_extension.py.",
        "",
        "gdviz.ui.toy.link:TOY",
    ),
)
'''
PROBE = r'''
import json, warnings
warnings.simplefilter("ignore")
from streamlit.testing.v1 import AppTest

from gdviz.ui.nav import PAGES

def open_link(params):
    at = AppTest.from_file("app.py", default_timeout=60)
    at.query_params.update(params)
    return at.switch_page("pages/toy.py").run()

import gdviz
out = {"file": gdviz.__file__, "nav": [p.url_path for p in PAGES]}
home = AppTest.from_file("app.py", default_timeout=60).run()
out["home_cards"] = [link.proto.label for link in home.get("page_link")]
out["home_errors"] = [e.value for e in home.exception]

at = open_link({"n": "7"})
out["errors"] = [e.value for e in at.exception]
out["set"] = at.session_state["toy.n"]
out["caption"] = [c.value for c in at.caption]
at.number_input(key="toy.n").set_value(9).run()
out["url"] = dict(at.query_params)

wrong = open_link({"n": "500"})
out["wrong_value"] = wrong.session_state["toy.n"]
out["notes"] = [w.value for w in wrong.warning]
print("PROBE" + json.dumps(out))
'''


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    copy = copy_app(tmp_path_factory.mktemp("page") / "app")
    (copy / "pages" / "toy.py").write_text(TOY_PAGE)
    (copy / "gdviz" / "ui" / "toy").mkdir()
    (copy / "gdviz" / "ui" / "toy" / "__init__.py").write_text('"""The toy page."""\n')
    (copy / "gdviz" / "ui" / "toy" / "link.py").write_text(TOY_LINK)
    nav = copy / "gdviz" / "ui" / "nav.py"
    text = nav.read_text()
    assert text.rstrip().endswith("),\n)"), "PAGES must end the file for this test to add an entry"
    nav.write_text(text.rstrip()[: -len(")")] + TOY_ENTRY)
    return probe(copy, PROBE)


def test_the_navigation_and_the_home_page_list_the_new_page(report):
    assert report["nav"][-1] == "toy"
    assert "Toy page" in report["home_cards"] and report["home_errors"] == []


def test_a_link_sets_the_new_pages_setting_and_the_address_bar_follows_it(report):
    assert report["errors"] == []
    assert report["set"] == 7 and "toy n is 7" in report["caption"]
    assert report["url"] == {"n": "9"}


def test_a_link_value_out_of_range_is_named_and_the_default_kept(report):
    assert report["wrong_value"] == 10
    assert any("n=500" in note for note in report["notes"]), report["notes"]
