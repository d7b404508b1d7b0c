"""Home: what gdviz is in one sentence, where to start, and a card with a picture for every page."""

from pathlib import Path

import streamlit as st

from gdviz.ui.frame import ensure_frame

from gdviz.ui.nav import PAGES

ROOT = Path(__file__).resolve().parents[1]  # the pictures' paths are relative to the repository
FIRST = PAGES[1]  # the optimizer race: the page to open first
START_CSS = """<style>
.st-key-gdviz-start a { background: #0072B2; border-radius: 0.5rem; padding: 0.5rem 1.25rem; }
.st-key-gdviz-start a:hover { background: #005A8C; }
.st-key-gdviz-start a p, .st-key-gdviz-start a span { color: #FFFFFF !important; font-size: 1.2rem; font-weight: 600; }
</style>"""  # the first step looks like the one button to press (Okabe–Ito blue, white text: 5.2 : 1 contrast)

ensure_frame()
st.title("gdviz — gradient descent, made visible")
st.markdown(
    "Watch optimizers find their way down a loss surface, train a classifier, check a gradient and follow "
    "backpropagation, step by step. Every optimizer follows **torch.optim's update rule exactly**, with torch's "
    "names."
)
st.html(START_CSS)
with st.container(key="gdviz-start"):
    st.page_link(FIRST.path, label=f"Start here: the {FIRST.title.lower()} ▶")

cards = PAGES[1:]
for row in range(0, len(cards), 3):  # a row of columns per three cards: each row's tops line up
    for column, p in zip(st.columns(3), cards[row : row + 3], strict=False):
        with column.container(border=True, height="stretch"):
            if (ROOT / p.picture).is_file():  # a build that leaves docs/ out shows words only
                st.image(str(ROOT / p.picture), width="stretch")
            st.page_link(p.path, label=p.title, icon=p.icon)
            st.caption(p.blurb)

st.caption(
    "**In a lecture hall:** every view is a link (**Share this view** in the sidebar), **Projection mode** makes "
    "everything large enough for the back row, and each main chart downloads as data, an offline page or a "
    "PyTorch script."
)
