"""The page list, as plain data: app.py builds the navigation from it, the home page its cards, tests visit
every entry. A page's picture is a file under docs/home/ (docs/make_home_pictures.py takes them anew), so
showing it costs a visit nothing but the bytes.

A page with settings names its link (``link``, a ``gdviz.ui.links.Link`` in its own package, beside its widgets);
gdviz.ui.links finds it there, so a new page touches its page file and this list.

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
    blurb: str  # a sentence or two for the page's card on the home page
    picture: str = ""  # the card's picture, relative to the repository (app.py's folder)
    link: str = ""  # its settings in the address bar: "module:NAME" of a gdviz.ui.links.Link beside its widgets


PAGES: tuple[PageEntry, ...] = (
    PageEntry("pages/home.py", "Home", ":material/home:", "", "What gdviz is, and a door to every page."),
    PageEntry(
        "pages/race.py",
        "Optimizer race",
        ":material/sports_score:",
        "race",
        "SGD, Momentum, Adam and the other torch.optim classics race down classic surfaces, or any f(x, y) you type.",
        "docs/home/race.png",
        "gdviz.ui.race.link:RACE",
    ),
    PageEntry(
        "pages/linear.py",
        "Linear classifier",
        ":material/scatter_plot:",
        "linear",
        "Softmax or SVM on 2D points: watch gradient descent move the borders; click to add points.",
        "docs/home/linear.png",
        "gdviz.ui.linear.link:LINEAR",
    ),
    PageEntry(
        "pages/network.py",
        "Neural network",
        ":material/hub:",
        "network",
        "A small network learns XOR, circles or a spiral: each neuron's picture and each weight change as it trains.",
        "docs/home/network.png",
        "gdviz.ui.network.link:NETWORK",
    ),
    PageEntry(
        "pages/digits.py",
        "Digits",
        ":material/grid_on:",
        "digits",
        "Train on 1,797 handwritten digits: the templates it learns, the digits it gets wrong.",
        "docs/home/digits.png",
        "gdviz.ui.linear.link:DIGITS",
    ),
    PageEntry(
        "pages/gradient_check.py",
        "Gradient check",
        ":material/rule:",
        "gradient_check",
        "Numerical against analytic gradients, the U-shaped error curve, and a planted bug to catch.",
        "docs/home/gradient_check.png",
        "gdviz.ui.linear.link:GRADIENT_CHECK",
    ),
    PageEntry(
        "pages/random_search.py",
        "Random search",
        ":material/casino:",
        "random_search",
        "Guessing weights at random against following the gradient, on equal budgets.",
        "docs/home/random_search.png",
        "gdviz.ui.linear.link:RANDOM_SEARCH",
    ),
    PageEntry(
        "pages/backprop.py",
        "Backpropagation",
        ":material/account_tree:",
        "backprop",
        "Step a formula's graph forward, then watch the gradients flow back by the chain rule.",
        "docs/home/backprop.png",
        "gdviz.ui.backprop.link:BACKPROP",
    ),
)
