"""Tables of plain rows, with number formats a reader can take in at a glance.

A table is drawn as an HTML table (``st.table``), not a data grid: its cells grow to their text and its
headers wrap, so no number is ever cut at either end, at a laptop's width or a projector's bigger type.
Every value is written by ``gdviz.results.readable``; numbers are right-aligned so digits line up.
"""

from __future__ import annotations

import numbers

import pandas as pd
import streamlit as st

from ..results import readable_rows

RIGHT = {"text-align": "right", "white-space": "nowrap"}


def results_table(rows: list[dict]) -> None:
    if not rows:
        return
    numeric = [c for c in rows[0] if any(isinstance(r.get(c), numbers.Number) for r in rows)]
    frame = pd.DataFrame(readable_rows(rows))
    styled = frame.style.hide(axis="index").set_properties(subset=numeric, **RIGHT)
    st.table(styled)
