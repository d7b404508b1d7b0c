"""The page list, as plain data: app.py builds the navigation from it, tests visit every entry.

url paths differ from the file names on purpose: a deep link then always reaches the page through
app.py (which draws the shared frame), never through Streamlit's legacy ``pages/`` routing.
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
        "optimizer-race",
        "SGD, Momentum, Nesterov, Adagrad, RMSprop, Adadelta, Adam, AdamW and NAdam racing on fourteen classic "
        "surfaces: the long valley, the saddle, Beale, Rosenbrock's banana, Himmelblau's four minima. Play the "
        "race in your browser, scrub back and forth, and compare the loss curves.",
    ),
)
