"""One compact row of download buttons: the page's run as CSV and JSON, its figure as HTML, a PyTorch snippet.

``download_row(stem, key=..., csv=..., json=..., figure=..., snippet=...)`` draws a button for each
one given. CSV, JSON and the figure are deferred: Streamlit calls the zero-argument function only
when its button is clicked (on another thread, where st.* calls are ignored), so a rerun costs
nothing and memory holds no 5 MB page per visitor; ``on_click="ignore"`` keeps a download from
rerunning the page. The snippet is made at once (it is short), so that a formula torch cannot
express shows its reason as a caption where the button would be, instead of a failed download.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

from ..viz.html import figure_html
from .literal import md_escape

PREFIX = "gdviz"
LOG = logging.getLogger(__name__)


def file_stem(stem: str) -> str:
    """``gdviz-`` and ``stem`` as a safe file name: lower case, runs of other characters one hyphen."""
    slug = re.sub(r"[^a-z0-9.]+", "-", stem.lower()).strip("-.") or "run"
    return slug if slug.startswith(f"{PREFIX}-") else f"{PREFIX}-{slug}"


def _snippet(snippet: Callable[[], str]) -> tuple[str | None, str | None]:
    """(the snippet, None), or (None, why there is none): a ValueError is a refusal, anything else a bug."""
    try:
        return snippet(), None
    except ValueError as e:
        return None, f"No PyTorch snippet: {md_escape(str(e))}."
    except Exception as e:  # an optional extra must never take the page down with it
        LOG.exception("the PyTorch snippet failed")
        return None, f"No PyTorch snippet: it could not be made ({type(e).__name__})."


def download_row(
    stem: str,
    *,
    key: str,
    figure: go.Figure | Callable[[], go.Figure] | None = None,
    csv: Callable[[], str] | None = None,
    json: Callable[[], str] | None = None,
    snippet: Callable[[], str] | None = None,
    snippet_name: str | None = None,
) -> None:
    """Buttons "⤓ CSV", "⤓ JSON", "⤓ Figure (HTML)", "⤓ PyTorch snippet" for the ones given, in one row.

    Files are named ``gdviz-<stem>.csv`` ... (``snippet_name`` overrides the snippet's); widget keys
    are ``f"{key}.csv"``, ``.json``, ``.html``, ``.py``: ``key`` must be unique on the page.
    ``figure`` is the figure on screen, or a function making one (only called on a click).
    """
    name = file_stem(stem)
    buttons = []  # (label, data, file name, MIME type, key suffix, help)
    if csv is not None:
        buttons.append(("⤓ CSV", csv, f"{name}.csv", "text/csv", "csv", "the run as a table"))
    if json is not None:
        help_json = "the settings that reproduce the run, and the run"
        buttons.append(("⤓ JSON", json, f"{name}.json", "application/json", "json", help_json))
    if figure is not None:
        make = figure if callable(figure) else lambda: figure
        help_html = "the interactive chart as one file (about 5 MB: plotly.js inside, so it works offline)"
        buttons.append(("⤓ Figure (HTML)", lambda: figure_html(make()), f"{name}.html", "text/html", "html", help_html))
    note = None
    if snippet is not None:
        text, note = _snippet(snippet)
        if text is not None:
            file_name = snippet_name or f"{name}.py"
            buttons.append(("⤓ PyTorch snippet", text, file_name, "text/x-python", "py", "the same run in PyTorch"))
    if not buttons and note is None:
        return
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        for label, data, file_name, mime, suffix, help_text in buttons:
            st.download_button(
                label, data, file_name=file_name, mime=mime, key=f"{key}.{suffix}", help=help_text, on_click="ignore"
            )
        if note is not None:
            st.caption(note)
