"""The frame around every page: page config, navigation, the shared sidebar.

app.py draws it and runs the chosen page inside. One Streamlit quirk needs a guard: while a
server has not yet run app.py, a deep link to ``/race`` is routed by the legacy ``pages/`` folder
mechanism straight to ``pages/race.py``, skipping app.py. Every page therefore starts with
``ensure_frame()``, which then declares app.py's navigation (switching the server over to it for
good) and reruns, so the page is drawn, and its widgets keyed, inside app.py's frame.
"""

from __future__ import annotations

import streamlit as st

from .nav import PAGES
from .sidebar import shared_sidebar

_FRAMED = "_gdviz_framed"


def _navigation():
    st.set_page_config(
        page_title="gdviz — gradient descent, made visible", page_icon=":material/trending_down:", layout="wide"
    )
    pages = [
        st.Page(p.path, title=p.title, icon=p.icon, url_path=p.url_path or None, default=not p.url_path) for p in PAGES
    ]
    page = st.navigation(pages)
    shared_sidebar()
    return page


def app_frame() -> None:
    """app.py: draw the frame, then run the page the URL names inside it."""
    page = _navigation()
    st.session_state[_FRAMED] = True
    try:
        page.run()
    finally:
        st.session_state.pop(_FRAMED, None)


def ensure_frame() -> None:
    """First line of every page: if this run did not come through app.py, switch the server to
    app.py's navigation and run again through it (widgets keep their state only inside one of them)."""
    if not st.session_state.get(_FRAMED):
        _navigation()
        st.rerun()
