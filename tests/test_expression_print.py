"""Tests for gdviz/expression_print.py: a formula written in LaTeX reads like what was typed, brackets only where
needed. (Its torch source is checked against torch itself in tests/test_snippet.py: the paths agree to 1e-9.)"""

import math

import pytest

from gdviz.expression import parse_expression
from gdviz.expression_print import float_source, latex


@pytest.mark.parametrize(
    "text, tex",
    [
        ("(1 - x)**2 + 100*(y - x^2)^2", r"\left(1 - x\right)^{2} + 100 \cdot \left(y - x^{2}\right)^{2}"),
        ("x - (y - 1)", r"x - \left(y - 1\right)"),
        ("x / (1 + y)", r"\frac{x}{1 + y}"),
        ("-(x + y) * 2", r"-\left(x + y\right) \cdot 2"),
        ("sqrt(x)^2 + abs(y)", r"\left(\sqrt{x}\right)^{2} + \left|y\right|"),
        ("sigmoid(x) * max(x, pi)", r"\sigma\left(x\right) \cdot \max\left(x, \pi\right)"),
        ("w0 * theta_1 + 1e-3", r"w_{0} \cdot \mathrm{theta\_1} + 0.001"),
        ("2**-x + x**-0.5", r"2^{-x} + x^{-0.5}"),
    ],
)
def test_latex_reads_like_the_formula(text, tex):
    assert latex(parse_expression(text).term) == tex


@pytest.mark.parametrize("value", [0.1, -2.5, 1e-300, 5e-324, 1 / 3, float("inf"), -float("inf")])
def test_a_float_is_written_as_python_that_reads_back_to_the_same_float(value):
    text, _ = float_source(value)
    assert eval(text, {"math": math}) == value
