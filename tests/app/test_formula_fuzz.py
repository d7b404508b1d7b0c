"""Hostile formulas through the pages that take one, each rerun within a time bound: the race (map, 3D view,
loss) and the backprop page. Every formula ends in a drawn page or a sentence, never an exception; a rerun
that outlasts the bound (AppTest's timeout) fails the test. The strings: the expression fuzzer's grammar and
hostile pieces, drawn deterministically, and the formulas an outside check found dear or degenerate."""

from __future__ import annotations

import random

import pytest
from streamlit.testing.v1 import AppTest

from ..test_expression_fuzz import GRAMMAR, HOSTILE
from .conftest import ROOT, no_exceptions

RERUN_BOUND = 30.0  # seconds one rerun may take on a loaded CI machine before it counts as runaway work
FOUND = [
    "x**y**" * 24 + "x",  # a 49-power tower
    "exp(exp(exp(x)))",
    "(x**99)**99",
    "0**x",
    "(-1)**x",
    "exp(x**2+y**2)",
    "9**9**9**9",
    "log(0*x)",
    "x/0",
    "1e400*x",
    "sqrt(-1-x**2)",
    "x" + "+x" * 2000,  # long, legal
]


def _drawn(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(GRAMMAR + HOSTILE) for _ in range(rng.randint(1, 30))) for _ in range(n)]


FORMULAS = FOUND + _drawn(8)


def _open(page: str, params: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=RERUN_BOUND)
    at.query_params.update(params)
    return at.switch_page(page).run()


@pytest.mark.parametrize("view", ["Race", "3D"])
def test_race_with_a_hostile_formula_draws_or_explains_within_the_bound(view):
    for formula in FORMULAS:
        at = _open("pages/race.py", {"surface": "custom", "f": formula, "opt": "sgd,adam", "view": view})
        no_exceptions(at)
        assert at.get("bidi_component") or at.get("plotly_chart") or at.error or at.warning, formula


def test_backprop_with_a_hostile_formula_draws_or_explains_within_the_bound():
    for formula in FORMULAS:
        at = _open("pages/backprop.py", {"f": formula})
        no_exceptions(at)
        at.button(key="bp_step_fwd").click().run()  # a step of the forward pass on what was drawn
        no_exceptions(at)
