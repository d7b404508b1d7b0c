"""The sidebar every page shares: what gdviz is, in two lines."""

from __future__ import annotations

import streamlit as st


def shared_sidebar() -> None:
    with st.sidebar:
        st.caption(
            "**gdviz** — gradient descent, made visible. Every optimizer follows torch.optim's update "
            "rule exactly, so a path you see here is the path PyTorch takes."
        )
