"""gdviz: the frame around every page — navigation and the shared sidebar (see gdviz/ui/frame.py)."""

from gdviz.ui.frame import app_frame

app_frame()
