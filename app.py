"""gdviz: the frame around every page — navigation and the shared sidebar."""

import streamlit as st

from gdviz.ui.nav import PAGES
from gdviz.ui.sidebar import shared_sidebar

st.set_page_config(
    page_title="gdviz — gradient descent, made visible", page_icon=":material/trending_down:", layout="wide"
)

page = st.navigation(
    [st.Page(p.path, title=p.title, icon=p.icon, url_path=p.url_path or None, default=not p.url_path) for p in PAGES]
)
shared_sidebar()
page.run()
