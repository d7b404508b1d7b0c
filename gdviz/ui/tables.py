"""Tables of plain rows, with number formats a reader can take in at a glance."""

from __future__ import annotations

import streamlit as st

SCIENTIFIC = ("final loss", "distance to nearest minimum")
FIXED = ("final x", "final y", "path length")


def results_table(rows: list[dict]) -> None:
    config = {c: st.column_config.NumberColumn(format="%.3e") for c in SCIENTIFIC}
    config |= {c: st.column_config.NumberColumn(format="%.4f") for c in FIXED}
    st.dataframe(rows, hide_index=True, width="stretch", column_config=config)
