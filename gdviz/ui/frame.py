"""The frame around every page: page config, navigation, the link, the shared sidebar.

app.py draws it and runs the chosen page inside. Before the page, a link's settings go into session
state (gdviz.ui.url_state); after it, the page's settings go back into the address bar and the
sidebar's share box, so the URL always reproduces the view.

One Streamlit quirk needs a guard: while a server has not yet run app.py, a deep link to ``/race`` is
routed by the legacy ``pages/`` folder mechanism straight to ``pages/race.py``, skipping app.py.
Every page therefore starts with ``ensure_frame()``, which then declares app.py's navigation
(switching the server over to it for good) and reruns, so the page is drawn, and its widgets keyed,
inside app.py's frame.
"""

from __future__ import annotations

import copy
import functools
from typing import NoReturn

import streamlit as st

from .janitor import keep_tidy
from .lane import page_running
from .links import fields_of, link_of
from .nav import PAGES
from .sidebar import share_box, shared_sidebar
from .url_state import apply_url, show_notes, write_url

_FRAMED = "_gdviz_framed"


class _PageEnd(Exception):
    """Raised by ``stop_page``: the page ends here, inside the frame."""


def stop_page() -> NoReturn:
    """End the page here, as ``st.stop()`` would, but leave the frame its last word: ``st.stop()`` stops the whole
    script at its next Streamlit call, so the frame's own calls after a page stopped by it (a training refused in a
    sentence) never ran: the sidebar lost its share box."""
    raise _PageEnd


def _navigation():
    st.set_page_config(
        page_title="gdviz — gradient descent, made visible", page_icon=":material/trending_down:", layout="wide"
    )
    return st.navigation([copy.copy(page) for page in _pages()])


@functools.cache
def _pages() -> tuple:
    """One st.Page per entry of PAGES, made once: making one resolves its file on disk (a few system calls, each
    a wait for the GIL when a class's runs share it). Each run gets copies, because st.navigation marks the page
    it returns as the one that run may call, and sessions run side by side."""
    return tuple(
        st.Page(p.path, title=p.title, icon=p.icon, url_path=p.url_path or None, default=not p.url_path) for p in PAGES
    )


def app_frame() -> None:
    """app.py: draw the frame, then run the page the URL names inside it."""
    keep_tidy()
    page = _navigation()
    fields = fields_of(page.url_path)
    apply_url(page.url_path, fields, link_of(page.url_path).after)
    share = shared_sidebar()
    show_notes()
    st.session_state[_FRAMED] = True
    try:
        with page_running():  # a long run pauses between its chunks while pages run (gdviz.ui.lane.courtesy)
            page.run()
    except _PageEnd:
        pass
    finally:
        st.session_state.pop(_FRAMED, None)
        write_url(page.url_path, fields)
        share_box(share, page.url_path)


def ensure_frame() -> None:
    """First line of every page: if this run did not come through app.py, switch the server to
    app.py's navigation and run again through it (widgets keep their state only inside one of them)."""
    if not st.session_state.get(_FRAMED):
        _navigation()
        st.rerun()


def relink(page: str) -> None:
    """Last line of a fragment: the address bar follows what the fragment's own run changed (a click, a
    resting step); a full run writes it in ``app_frame``."""
    write_url(page, fields_of(page))
