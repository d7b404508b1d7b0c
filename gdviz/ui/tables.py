"""Tables of plain rows, with number formats a reader can take in at a glance.

A table is drawn as an HTML table (``st.table``), not a data grid: its cells grow to their text and its
headers wrap, so no number is ever cut at either end, at a laptop's width or a projector's bigger type.
Every value is written by ``gdviz.readable.readable``; numbers are right-aligned so digits line up.
"""

from __future__ import annotations

import numbers

import pandas as pd
import streamlit as st

from ..readable import readable_rows

RIGHT = {"text-align": "right", "white-space": "nowrap"}


# an entry is one table's message, a few kB (a race of every optimizer: 16 rows)
@st.cache_data(max_entries=256, max_size="4MB", show_spinner=False)
def results_table(rows: list[dict]) -> None:
    """``rows`` as a table. Cached with what it draws: the same rows (every rerun of a page whose run has not
    changed; a class on the teacher's link) replay the table's message instead of styling it again."""
    if not rows:
        return
    numeric = [c for c in rows[0] if any(isinstance(r.get(c), numbers.Number) for r in rows)]
    frame = pd.DataFrame(readable_rows(rows))
    styled = frame.style.hide(axis="index").set_properties(subset=numeric, **RIGHT)
    st.table(styled)
