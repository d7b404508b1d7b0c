"""The page list, as plain data: app.py builds the navigation from it, tests visit every entry.

url paths equal the file names, so Streamlit's legacy ``pages/`` routing (active until a server first
runs app.py) finds the same page for a deep link; gdviz.ui.frame then draws the frame around it.
"""

from __future__ import annotations

from typing import NamedTuple


class PageEntry(NamedTuple):
    path: str
    title: str
    icon: str
    url_path: str
    blurb: str


PAGES: tuple[PageEntry, ...] = (
    PageEntry("pages/home.py", "Home", ":material/home:", "", "What gdviz is, and a door to every page."),
    PageEntry(
        "pages/race.py",
        "Optimizer race",
        ":material/sports_score:",
        "race",
        "SGD, Momentum, Nesterov, Adagrad, RMSprop, Adadelta, Adam, AdamW and NAdam racing on fourteen classic "
        "surfaces: the long valley, the saddle, Beale, Rosenbrock's banana, Himmelblau's four minima. Play the "
        "race in your browser, scrub back and forth, and compare the loss curves.",
    ),
)
