"""The step inspector: one optimizer's update at one step of a recorded run, with the run's numbers.

``explain_step``, ``arrows`` and ``state_rows`` all take ``(traj, t, index=None)``: step ``t``
(1 ≤ t ≤ steps) is the move from ``traj.points[t-1]`` to ``traj.points[t]``; ``index`` picks one
start of a batched run. Each optimizer has one explainer in ``EXPLAINERS``: it reads the recorded
gradient, the states before and after, and ``traj.hyper`` (never defaults), and returns
``Explanation(lines, arrows)``: KaTeX lines in the notation of ``OPTIMIZERS[name].latex`` with t
set to the step number, and labelled 2D vectors at ``points[t-1]`` ending with the step taken.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np

from .optimizers import OPTIMIZERS
from .trajectory import DIVERGED, REASONS, Trajectory

GRAD_STEP = "−η·g (plain gradient step)"
STEP = "step taken"
ELEMENTWISE = r"\text{squares, roots and divisions act on each component}"

# state fields (torch's names) -> the symbol the LaTeX uses
SYMBOLS = {
    "momentum_buffer": "b",
    "sum": "s",
    "square_avg": "v",
    "acc_delta": "u",
    "exp_avg": "m",
    "exp_avg_sq": "v",
    "step": "t",
    "mu_product": "Πμ",
}


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


def _factor(x: float) -> str:
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


def _ratio(num, den, eps: float) -> str:
    """Componentwise ``num / (√den + ε)`` as a column of fractions."""
    e = tex_number(eps)
    return tex_column(
        rf"\frac{{{tex_number(n)}}}{{\sqrt{{{tex_number(d)}}} + {e}}}" for n, d in zip(num, den, strict=True)
    )


# --- one explainer per optimizer: the lines of its rule, then its arrows -----------------------------


def _sgd(s: Step) -> Explanation:
    lr = s.hyper["lr"]
    lines = [s.update(r"- \eta\, g_<t>", lr, tex_vector(s.g))]
    return Explanation(lines, {GRAD_STEP: -lr * s.g, STEP: s.step})


def _momentum(s: Step) -> Explanation:
    lr, mu = s.hyper["lr"], s.hyper["momentum"]
    b_prev, b = s.prev.momentum_buffer, s.new.momentum_buffer
    lines = [
        s.line(
            r"b_<t> = \mu\, b_<p> + g_<t>",
            rf"{tex_number(mu)}\, {tex_vector(b_prev)} + {tex_vector(s.g)}",
            tex_vector(b),
        ),
        s.update(r"- \eta\, b_<t>", lr, tex_vector(b)),
    ]
    return Explanation(
        lines, {GRAD_STEP: -lr * s.g, "−η·μ·bₜ₋₁ (velocity carried over)": -lr * mu * b_prev, STEP: s.step}
    )


def _nesterov(s: Step) -> Explanation:
    lr, mu = s.hyper["lr"], s.hyper["momentum"]
    b_prev, b = s.prev.momentum_buffer, s.new.momentum_buffer
    lines = [
        s.line(
            r"b_<t> = \mu\, b_<p> + g_<t>",
            rf"{tex_number(mu)}\, {tex_vector(b_prev)} + {tex_vector(s.g)}",
            tex_vector(b),
        ),
        s.update(
            r"- \eta\,(g_<t> + \mu\, b_<t>)",
            lr,
            rf"\left({tex_vector(s.g)} + {tex_number(mu)}\, {tex_vector(b)}\right)",
        ),
    ]
    return Explanation(lines, {GRAD_STEP: -lr * s.g, "−η·μ·bₜ (look-ahead velocity)": -lr * mu * b, STEP: s.step})


def _adagrad(s: Step) -> Explanation:
    lr, eps = s.hyper["lr"], s.hyper["eps"]
    lines = [
        ELEMENTWISE,
        s.line(
            r"s_<t> = s_<p> + g_<t>^2", f"{tex_vector(s.prev.sum)} + {tex_vector(s.g * s.g)}", tex_vector(s.new.sum)
        ),
        s.update(r"- \eta\, \frac{g_<t>}{\sqrt{s_<t>} + \epsilon}", lr, _ratio(s.g, s.new.sum, eps)),
    ]
    return Explanation(lines, {GRAD_STEP: -lr * s.g, STEP: s.step})


def _rmsprop(s: Step) -> Explanation:
    lr, alpha, eps, mu = (s.hyper[k] for k in ("lr", "alpha", "eps", "momentum"))
    v, b_prev, b = s.new.square_avg, s.prev.momentum_buffer, s.new.momentum_buffer
    lines = [
        ELEMENTWISE,
        s.average(r"v_<t> = \alpha\, v_<p> + (1 - \alpha)\, g_<t>^2", alpha, s.prev.square_avg, s.g * s.g, v),
        s.line(
            r"b_<t> = \mu\, b_<p> + \frac{g_<t>}{\sqrt{v_<t>} + \epsilon}",
            rf"{tex_number(mu)}\, {tex_vector(b_prev)} + {_ratio(s.g, v, eps)}",
            tex_vector(b),
        ),
        s.update(r"- \eta\, b_<t>", lr, tex_vector(b)),
    ]
    arrows = {GRAD_STEP: -lr * s.g}
    if mu:  # with μ = 0 the scaled gradient step is the step taken
        arrows["−η·μ·bₜ₋₁ (velocity carried over)"] = -lr * mu * b_prev
        arrows["−η·g/(√v+ε) (scaled gradient step)"] = -lr * s.g / (np.sqrt(v) + eps)
    return Explanation(lines, {**arrows, STEP: s.step})


def _adadelta(s: Step) -> Explanation:
    lr, rho, eps = s.hyper["lr"], s.hyper["rho"], s.hyper["eps"]
    v, u_prev, e = s.new.square_avg, s.prev.acc_delta, tex_number(eps)
    delta = np.sqrt(u_prev + eps) / np.sqrt(v + eps) * s.g
    factors = tex_column(
        rf"\frac{{\sqrt{{{tex_number(u)} + {e}}}}}{{\sqrt{{{tex_number(w)} + {e}}}}}\, {_factor(g)}"
        for u, w, g in zip(u_prev, v, s.g, strict=True)
    )
    lines = [
        ELEMENTWISE,
        s.average(r"v_<t> = \rho\, v_<p> + (1 - \rho)\, g_<t>^2", rho, s.prev.square_avg, s.g * s.g, v),
        s.line(
            r"\Delta_<t> = \frac{\sqrt{u_<p> + \epsilon}}{\sqrt{v_<t> + \epsilon}}\, g_<t>", factors, tex_vector(delta)
        ),
        s.average(r"u_<t> = \rho\, u_<p> + (1 - \rho)\, \Delta_<t>^2", rho, u_prev, delta * delta, s.new.acc_delta),
        s.update(r"- \eta\, \Delta_<t>", lr, tex_vector(delta)),
    ]
    return Explanation(lines, {GRAD_STEP: -lr * s.g, STEP: s.step})


def _moments(s: Step, g: np.ndarray, m_hat_line: bool = True) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Adam's m_t, v_t and bias corrections (shared by adam, adamw, nadam): the lines, m̂ and v̂."""
    (beta1, beta2), k = s.hyper["betas"], int(s.new.step)  # the recorded step counter
    m, v = s.new.exp_avg, s.new.exp_avg_sq
    m_hat, v_hat = m / (1 - beta1**k), v / (1 - beta2**k)

    def corrected(name: str, i: int, raw, hat) -> str:  # x̂_t = x_t / (1 − β_i^t)
        beta = tex_number(s.hyper["betas"][i - 1])
        rule = rf"\hat {name}_<t> = \frac{{{name}_<t>}}{{1 - \beta_{i}^<t>}}"
        return s.line(rule, rf"\frac{{{tex_vector(raw)}}}{{1 - {beta}^{{{k}}}}}", tex_vector(hat))

    lines = [
        ELEMENTWISE,
        s.average(r"m_<t> = \beta_1 m_<p> + (1 - \beta_1) g_<t>", beta1, s.prev.exp_avg, g, m),
        s.average(r"v_<t> = \beta_2 v_<p> + (1 - \beta_2) g_<t>^2", beta2, s.prev.exp_avg_sq, g * g, v),
        *([corrected("m", 1, m, m_hat)] if m_hat_line else []),  # NAdam uses m_t itself
        corrected("v", 2, v, v_hat),
    ]
    return lines, m_hat, v_hat


ADAM_RULE = r"- \eta\, \frac{\hat m_<t>}{\sqrt{\hat v_<t>} + \epsilon}"


def _adam(s: Step) -> Explanation:
    lr, eps, wd = s.hyper["lr"], s.hyper["eps"], s.hyper["weight_decay"]
    g, lines = s.g + wd * s.theta_prev, []  # L2: the decay joins the gradient before the averages
    if wd:
        decay = rf"{tex_vector(s.g)} + {tex_number(wd)}\, {tex_vector(s.theta_prev)}"
        lines.append(s.line(r"g_<t> \leftarrow g_<t> + \lambda\, \theta_<p>", decay, tex_vector(g)))
    moments, m_hat, v_hat = _moments(s, g)
    lines += [*moments, s.update(ADAM_RULE, lr, _ratio(m_hat, v_hat, eps))]
    return Explanation(lines, {GRAD_STEP: -lr * s.g, STEP: s.step})


def _adamw(s: Step) -> Explanation:
    lr, eps, wd = s.hyper["lr"], s.hyper["eps"], s.hyper["weight_decay"]
    decayed = s.theta_prev - lr * wd * s.theta_prev
    moments, m_hat, v_hat = _moments(s, s.g)
    lines = [
        s.line(
            r"\theta' = \theta_<p> - \eta\lambda\, \theta_<p>",
            rf"{tex_vector(s.theta_prev)} - {tex_rate(lr)} \cdot {tex_number(wd)}\, {tex_vector(s.theta_prev)}",
            tex_vector(decayed),
        ),
        *moments,
        s.line(
            r"\theta_<t> = \theta' " + ADAM_RULE,
            rf"{tex_vector(decayed)} - {tex_rate(lr)}\, {_ratio(m_hat, v_hat, eps)}",
            f"{tex_vector(s.theta_prev)} + {tex_vector(s.step)}",
            tex_vector(s.theta),
        ),
    ]
    arrows = {
        GRAD_STEP: -lr * s.g,
        "−η·λ·θ (weight decay)": -lr * wd * s.theta_prev,
        "−η·m̂/(√v̂+ε) (Adam step)": -lr * m_hat / (np.sqrt(v_hat) + eps),
    }
    return Explanation(lines, {**arrows, STEP: s.step})


def _nadam(s: Step) -> Explanation:
    lr, eps, psi, (beta1, _) = s.hyper["lr"], s.hyper["eps"], s.hyper["momentum_decay"], s.hyper["betas"]
    k, prod = int(s.new.step), float(s.new.mu_product)  # the recorded counter and Π μ_i over i ≤ t
    mu, mu_next = (beta1 * (1 - 0.5 * 0.96 ** (i * psi)) for i in (k, k + 1))
    c_g, c_m = (1 - mu) / (1 - prod), mu_next / (1 - prod * mu_next)
    moments, _, v_hat = _moments(s, s.g, m_hat_line=False)
    m, den = s.new.exp_avg, np.sqrt(v_hat) + eps
    mixed = tex_column(
        rf"\frac{{{tex_number(c_g)} \cdot {_factor(gi)} + {tex_number(c_m)} \cdot {_factor(mi)}}}"
        rf"{{\sqrt{{{tex_number(vi)}}} + {tex_number(eps)}}}"
        for gi, mi, vi in zip(s.g, m, v_hat, strict=True)
    )

    def schedule(i: int) -> str:
        return rf"{tex_number(beta1)}\,(1 - \tfrac12\, 0.96^{{{i} \cdot {tex_number(psi)}}})"

    lines = [
        s.line(r"\mu_<t> = \beta_1\,(1 - \tfrac12\, 0.96^{<t>\psi})", schedule(k), tex_number(mu)),
        s.line(r"\mu_<n>", schedule(k + 1), tex_number(mu_next)),
        s.line(
            r"\frac{1 - \mu_<t>}{1 - \prod_{i \le <t>} \mu_i}",
            rf"\frac{{1 - {tex_number(mu)}}}{{1 - {tex_number(prod)}}}",
            tex_number(c_g),
        ),
        s.line(
            r"\frac{\mu_<n>}{1 - \prod_{i \le <n>} \mu_i}",
            rf"\frac{{{tex_number(mu_next)}}}{{1 - {tex_number(prod)} \cdot {tex_number(mu_next)}}}",
            tex_number(c_m),
        ),
        *moments,
        s.update(
            r"- \eta \left[\frac{(1 - \mu_<t>)\, g_<t>}{1 - \prod_{i \le <t>} \mu_i}"
            r" + \frac{\mu_<n>\, m_<t>}{1 - \prod_{i \le <n>} \mu_i}\right]"
            r" \Big/ \left(\sqrt{\hat v_<t>} + \epsilon\right)",
            lr,
            mixed,
        ),
    ]
    arrows = {
        GRAD_STEP: -lr * s.g,
        "−η·(1−μₜ)·g/(√v̂+ε)/(1−Πμ) (gradient part)": -lr * c_g * s.g / den,
        "−η·μₜ₊₁·m/(√v̂+ε)/(1−Πμ·μₜ₊₁) (momentum part)": -lr * c_m * m / den,
    }
    return Explanation(lines, {**arrows, STEP: s.step})


EXPLAINERS: dict[str, Callable[[Step], Explanation]] = {
    "sgd": _sgd,
    "momentum": _momentum,
    "nesterov": _nesterov,
    "adagrad": _adagrad,
    "rmsprop": _rmsprop,
    "adadelta": _adadelta,
    "adam": _adam,
    "adamw": _adamw,
    "nadam": _nadam,
}


# --- the public functions -------------------------------------------------------------------------


def explain_step(traj: Trajectory, t: int, index=None) -> list[str]:
    """KaTeX lines writing step t of ``traj.optimizer`` with the run's numbers, ending on θ_t.

    At the step where a start diverged, the lines show the update it would have taken (computed by
    the run's own optimizer from the recorded gradient and state) and say that it was refused.
    After a start stopped, one sentence says why it no longer moves.
    """
    s, stopped_at, reason = _record(traj, t, index)
    head = s.line(r"\theta_<p>", tex_vector(s.theta_prev)) + rf" \quad \text{{(the point before step {s.t})}}"
    grad = s.line("g_<t>", tex_vector(s.g)) + s.sym(r" \quad \text{(the gradient used at } \theta_<p> \text{)}")
    stay = s.line(r"\theta_<t> = \theta_<p>", tex_vector(s.theta))
    if reason == DIVERGED and t == stopped_at:
        if not s.g.any():  # a gradient that overflowed is recorded as 0
            return [head, r"\text{the gradient here was too large to represent, so the run stopped this start}", stay]
        with np.errstate(all="ignore"):
            lines = EXPLAINERS[traj.optimizer](_would_be(traj, s)).lines
        refused = r"\text{this point is not finite or lies far off the map: the step is refused and the start stops}"
        return [head, grad, *lines, refused, stay]
    if t > stopped_at - (reason == DIVERGED):
        why = f"diverged at step {stopped_at}" if reason == DIVERGED else f"stopped after {stopped_at} steps"
        return [head, rf"\text{{no step: this start {why} ({REASONS[reason]})}}", stay]
    with np.errstate(all="ignore"):
        return [head, grad, *EXPLAINERS[traj.optimizer](s).lines]


def arrows(traj: Trajectory, t: int, index=None) -> dict[str, np.ndarray]:
    """Labelled 2D vectors at ``points[t-1]``: the plain gradient step, the parts of the update, the step taken.

    Where the parts add up (momentum, nesterov, rmsprop with μ > 0, adamw, nadam) they sum to the
    step taken. A start that did not move at step t (it had stopped or diverged) has only its zero
    step taken; an arrow that is not finite is left out.
    """
    s, stopped_at, reason = _record(traj, t, index)
    if t > stopped_at - (reason == DIVERGED):
        return {STEP: s.step}
    with np.errstate(all="ignore"):
        vectors = EXPLAINERS[traj.optimizer](s).arrows
    return {label: v for label, v in vectors.items() if np.isfinite(v).all()}


def arrow_track(traj: Trajectory, index=None) -> dict[str, np.ndarray]:
    """Every step's ``arrows`` at once, for a player: label -> (T+1, 2) vectors, row t the arrow of step t
    (row 0, and the steps an arrow is missing from, NaN); the step taken comes last."""
    last = traj.steps.shape[0]
    track: dict[str, np.ndarray] = {}
    for t in range(1, last + 1):
        for label, v in arrows(traj, t, index).items():
            track.setdefault(label, np.full((last + 1, 2), np.nan))[t] = v
    return {label: track[label] for label in sorted(track, key=lambda label: label == STEP)}


def state_rows(traj: Trajectory, t: int, index=None) -> list[dict]:
    """The optimizer state after t steps (0 ≤ t ≤ steps): rows ``{name, symbol, x, y}``.

    ``name`` is torch's state name; a scalar (Adam's step counter, NAdam's Πμ) has ``y`` None. An optimizer
    that keeps no state (plain SGD) gets one row that says so in words, so a table never reads just "empty".
    """
    _check_index(traj, index)
    t = _check_t(traj, t, first=0)
    if not traj.states._fields:
        title = OPTIMIZERS[traj.optimizer].title
        return [{"name": f"none: plain {title} keeps no state between steps", "symbol": "—", "x": "—", "y": "—"}]
    rows = []
    for name, value in _state_at(traj, t, index)._asdict().items():
        v = np.asarray(value, dtype=np.float64)
        x, y = (float(v), None) if v.ndim == 0 else (float(v[0]), float(v[1]))
        rows.append({"name": name, "symbol": SYMBOLS.get(name, name), "x": x, "y": y})
    return rows


def _check_t(traj: Trajectory, t, first: int) -> int:
    last = traj.steps.shape[0]
    try:
        t = operator.index(t)
    except TypeError:
        raise ValueError(f"t must be a whole step number, got {t!r}") from None
    if not first <= t <= last:
        raise ValueError(f"t must be between {first} and {last} (this run has {last} steps), got {t}")
    return t


def _check_index(traj: Trajectory, index) -> None:
    batch = traj.points.shape[1:-1]
    if not batch:
        if index is not None:
            raise ValueError(f"this run has a single start, so index must be None, got {index!r}")
        return
    if index is None:
        raise ValueError(f"this run has {batch[0]} starts: pass index (0 ≤ index < {batch[0]}) to choose one")
    try:
        i = operator.index(index)
    except TypeError:
        raise ValueError(f"index must be a whole number, got {index!r}") from None
    if len(batch) != 1 or not 0 <= i < batch[0]:
        raise ValueError(f"index must be between 0 and {batch[0] - 1}, got {index!r}")


def _state_at(traj: Trajectory, t: int, index) -> NamedTuple:
    # a shared scalar (a step counter) has no batch axis
    fields = (f[t] if index is None or np.ndim(f[t]) == 0 else f[t][index] for f in traj.states)
    return type(traj.states)(*fields)


def _record(traj: Trajectory, t, index) -> tuple[Step, int, int]:
    """The recorded numbers of step t for one start, with when and why that start stopped."""
    _check_index(traj, index)
    t = _check_t(traj, t, first=1)
    pick = (lambda a: a) if index is None else (lambda a: a[index])
    s = Step(
        t=t,
        hyper=_hyper_for(traj, index),
        theta_prev=pick(traj.points[t - 1]),
        theta=pick(traj.points[t]),
        g=pick(traj.grads[t - 1]),
        step=pick(traj.steps[t - 1]),
        prev=_state_at(traj, t - 1, index),
        new=_state_at(traj, t, index),
    )
    return s, int(pick(traj.stopped_at)), int(pick(traj.reason))


def _hyper_for(traj: Trajectory, index) -> dict:
    """The run's hyperparameters as they applied to this start: an array (lr, one per start) is picked."""
    hyper = {}
    for name, value in traj.hyper.items():
        if isinstance(value, np.ndarray):
            value = np.broadcast_to(value, traj.points.shape[1:])
            value = value if index is None else value[index]  # (2,): this start's two coordinates
            value = float(value[0]) if value[0] == value[1] else value.copy()
        hyper[name] = value
    return hyper


def _would_be(traj: Trajectory, s: Step) -> Step:
    """The step a diverging start would have taken: the run's optimizer applied to the recorded numbers."""
    with np.errstate(all="ignore"):
        step, new = OPTIMIZERS[traj.optimizer](**s.hyper).update(s.g, s.prev, s.theta_prev)
    return replace(s, step=step, new=new, theta=s.theta_prev + step)
