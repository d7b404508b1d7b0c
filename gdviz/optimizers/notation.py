"""The notation of the step inspector, shared by every optimizer's explainer.

An explainer (one per optimizer, in its family's module) reads a ``Step`` — the recorded gradient, the
states before and after, and the run's hyperparameters (never defaults) — and returns
``Explanation(lines, arrows)``: KaTeX lines in the notation of its record's ``latex`` with t set to the
step number, and labelled 2D vectors at ``points[t-1]`` ending with the step taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

GRAD_STEP = "−η·g (plain gradient step)"
STEP = "step taken"
ELEMENTWISE = r"\text{squares, roots and divisions act on each component}"


class Explanation(NamedTuple):
    lines: list[str]
    arrows: dict[str, np.ndarray]


def tex_number(x: float) -> str:
    """4 significant digits, ``a\\times10^{n}`` when large or small; a non-finite value in words."""
    x = float(x)
    if not np.isfinite(x):
        return r"\text{(not finite)}"
    text = f"{x:.4g}"
    if text in ("0", "-0"):
        return "0"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    power = f"10^{{{int(exponent)}}}"
    if mantissa in ("1", "-1"):
        return power if mantissa == "1" else "-" + power
    return rf"{mantissa}\times{power}"


def tex_rate(lr) -> str:
    """A learning rate: a number, or diag(η_x, η_y) when a run gave each coordinate its own."""
    if np.ndim(lr) == 0:
        return tex_number(lr)
    return rf"\operatorname{{diag}}({tex_number(lr[0])}, {tex_number(lr[1])})"


def tex_factor(x: float) -> str:
    """A number written as a factor of a product: a negative one in parentheses."""
    text = tex_number(x)
    return f"({text})" if text.startswith("-") else text


def tex_vector(v) -> str:
    return tex_column(tex_number(c) for c in np.asarray(v).reshape(2))


def tex_column(entries) -> str:
    x, y = entries
    return rf"\begin{{pmatrix}} {x} \\ {y} \end{{pmatrix}}"


@dataclass(frozen=True)
class Step:
    """What an explainer reads: step t of one start, its states before and after, the run's hyper."""

    t: int
    hyper: dict
    theta_prev: np.ndarray  # points[t-1]
    theta: np.ndarray  # points[t]
    g: np.ndarray  # the gradient used, grads[t-1]
    step: np.ndarray  # steps[t-1]
    prev: NamedTuple  # state after t-1 steps
    new: NamedTuple  # state after t steps

    def sym(self, latex: str) -> str:
        """Subscripts ``<t>``, ``<p>``, ``<n>`` become this step's t, t-1, t+1."""
        t = self.t
        return latex.replace("<t>", f"{{{t}}}").replace("<p>", f"{{{t - 1}}}").replace("<n>", f"{{{t + 1}}}")

    def line(self, rule: str, *numbers: str) -> str:
        """The rule in symbols, then each stage with numbers, joined by ``=``."""
        return " = ".join((self.sym(rule), *numbers))

    def average(self, rule: str, rate: float, old, added, new) -> str:
        """A moving average: rule = r·old + (1 − r)·added = new."""
        mix = rf"{tex_number(rate)}\, {tex_vector(old)} + {tex_number(1 - rate)}\, {tex_vector(added)}"
        return self.line(rule, mix, tex_vector(new))

    def update(self, rule: str, lr: float, direction: str) -> str:
        """θ_t = θ_{t-1} − η·(...) with numbers, then θ_{t-1} + the recorded step = the recorded θ_t."""
        prev = tex_vector(self.theta_prev)
        return self.line(
            r"\theta_<t> = \theta_<p> " + rule,
            rf"{prev} - {tex_rate(lr)}\, {direction}",
            f"{prev} + {tex_vector(self.step)}",
            tex_vector(self.theta),
        )


def tex_ratio(num, den, eps: float) -> str:
    """Componentwise ``num / (√den + ε)`` as a column of fractions."""
    e = tex_number(eps)
    return tex_column(
        rf"\frac{{{tex_number(n)}}}{{\sqrt{{{tex_number(d)}}} + {e}}}" for n, d in zip(num, den, strict=True)
    )
