"""gdviz: the frame around every page — navigation and the shared sidebar."""

import streamlit as st

from gdviz.ui.sidebar import shared_sidebar

st.set_page_config(
    page_title="gdviz — gradient descent, made visible", page_icon=":material/trending_down:", layout="wide"
)

PAGES = [
    st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("pages/race.py", title="Optimizer race", icon=":material/sports_score:", url_path="optimizer-race"),
]

page = st.navigation(PAGES)
shared_sidebar()
page.run()
