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
        "surfaces: the long valley, the saddle, Beale, Rosenbrock's banana, Himmelblau's four minima, or any "
        "f(x, y) you type. Play the race in your browser, scrub back and forth, and compare the loss curves.",
    ),
    PageEntry(
        "pages/linear.py",
        "Linear classifier",
        ":material/scatter_plot:",
        "linear",
        "A softmax or multiclass hinge (SVM) classifier on 2D data: watch gradient descent move the borders, "
        "compare full-batch, mini-batch and SGD loss curves, and click to add points.",
    ),
    PageEntry(
        "pages/digits.py",
        "Digits",
        ":material/grid_on:",
        "digits",
        "Train on 1,797 handwritten 8×8 digits and see what the weights learned: ten templates, the accuracy on "
        "held-out digits, and a confusion matrix of the mistakes.",
    ),
    PageEntry(
        "pages/gradient_check.py",
        "Gradient check",
        ":material/rule:",
        "gradient_check",
        "Numerical against analytic gradients: the relative error, the U-shaped curve of error against the step h, "
        "and a switch that plants a bug for the check to catch.",
    ),
    PageEntry(
        "pages/random_search.py",
        "Random search",
        ":material/casino:",
        "random_search",
        "The notebook's random search for weights at its own scale (10,000 × 3,073), against random local search and "
        "following the gradient on equal budgets; and loops against vectorized code, timed.",
    ),
    PageEntry(
        "pages/backprop.py",
        "Backprop step by step",
        ":material/account_tree:",
        "backprop",
        "Type a formula or pick one of the lecture's circuits, then step through the forward pass and watch the "
        "gradients flow back through the graph by the chain rule: add distributes, max routes, multiply swaps.",
    ),
)
