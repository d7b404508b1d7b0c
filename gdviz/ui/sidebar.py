"""The sidebar every page shares: projection mode, the link to this view, what gdviz is."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

PROJECTION = "projection"  # the session-state key (and link parameter) of projection mode

PAGE_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 3.75rem; }
</style>"""  # under the header, not 6rem: more would push a projected stage off a 720-pixel screen

PROJECTION_CSS = """<style>
html { font-size: 22px; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { line-height: 1.45; }
[data-testid="stCaptionContainer"] { color: #1a1a1a; font-size: 0.95rem; }
[data-testid="stMain"]:has(.gdviz-stage) h1, [data-testid="stColumn"] h1 { font-size: 1.5rem !important; }
[data-testid="stMain"]:has(.gdviz-stage) [data-testid="stButtonGroup"] button p { font-size: 0.8rem; }
.stGraphVizChart svg text { font-size: revert-layer !important; font-family: revert-layer !important; }
[data-testid="stTable"] :is(th, td) { font-size: 0.95rem; white-space: normal; overflow-wrap: break-word; }
</style>"""  # the graphviz rule lets the graph's own (projection) sizes through Streamlit's fixed 0.6rem;
# on a page with a stage, the title and the view picker make room for it on a 720-pixel projector, and a title
# sharing its row with controls (the race's, beside the view picker) keeps its words whole in a third of 720 px;
# an st.table's cells (0.875rem: 19 px here) grow to 21 px and wrap between words rather than run out of the table


def projecting() -> bool:
    """Whether this session is in projection mode (larger type, thicker lines, higher contrast)."""
    return bool(st.session_state.get(PROJECTION))


def shared_sidebar() -> DeltaGenerator:
    """Draw the shared sidebar; returns the slot the share box goes in once the page has run."""
    st.session_state.setdefault(PROJECTION, False)
    with st.sidebar:
        st.toggle(
            "Projection mode",
            key=PROJECTION,
            help="For a lecture hall: larger type, thicker lines and markers, higher contrast on every page.",
        )
        share = st.container()
        st.caption(
            "**gdviz** — gradient descent, made visible. Every optimizer follows torch.optim's update "
            "rule exactly: a path here is PyTorch's to about 1e-9, unless the run is chaotic (SGD on "
            "Rastrigin at lr 0.05), where last-bit rounding grows until the paths part, as PyTorch's own would."
        )
    st.html(PAGE_CSS + (PROJECTION_CSS if projecting() else ""))
    return share


def page_link(url_path: str) -> str:
    """The full address of this view: the app's URL, the page, and its settings as query parameters."""
    here = (st.context.url or "").rstrip("/")  # the page's address without its query (None in AppTest)
    if url_path and not here.endswith("/" + url_path):
        here += "/" + url_path
    query = urlencode(st.query_params.to_dict(), safe=",:;()*")  # readable: 0.9,0.999 rather than 0.9%2C0.999
    return here + (f"?{query}" if query else "")


def share_box(slot: DeltaGenerator, url_path: str) -> None:
    """The link to exactly this view, with a copy button (the address bar holds the same link)."""
    with slot.popover("Share this view", icon=":material/link:", width="stretch"):
        st.caption("Anyone who opens this link sees these settings. The address bar always holds it too.")
        st.code(page_link(url_path), language=None, wrap_lines=True)
