"""Averaged SGD: torch.optim.ASGD, gradient descent with a decaying step size and a running average of θ.

The average ā is state torch keeps beside the path, never stepped with: the path is SGD's with the step
size η_t = γ / (1 + λγt)^α and a pull (1 − λη_t) toward the origin; ā starts averaging the points once
the step count passes t0 (10⁶ by default, so on a 2D surface it simply follows θ).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .notation import GRAD_STEP, STEP, Explanation, Step, tex_number, tex_vector
from .spec import MAXIMIZE, NONNEGATIVE, HyperParam, Look, Optimizer, OptimizerSpec, Torch, lr_param, takes, zeros


class ASGDState(NamedTuple):
    step: np.ndarray
    eta: np.ndarray  # shaped like the point: one step size per start (and per coordinate, if lr is)
    mu: np.ndarray
    ax: np.ndarray


def asgd(
    lr: float = 1e-2, lambd: float = 1e-4, alpha: float = 0.75, t0: float = 1e6, weight_decay: float = 0.0
) -> Optimizer:
    """torch.optim.ASGD (single-tensor code): with g ← g + wd·θ (L2),

        θ ← θ(1 − λη) − η·g,   ā ← ā + μ(θ − ā)  (ā ← θ while μ = 1),
        then for the next step  η ← lr / (1 + λ·lr·t)^α,  μ ← 1 / max(1, t − t0);

    η starts at lr and μ at 1, so step t uses η = lr / (1 + λ·lr·(t − 1))^α, computed as torch does in
    Python floats after step t − 1.
    """

    def init(params):
        return ASGDState(np.zeros(()), zeros(params) + lr, np.ones(()), zeros(params))

    @takes("lr")
    def update(grads, state, params, lr=lr):
        t = state.step + 1
        if weight_decay:
            grads = grads + weight_decay * params
        eta = state.eta
        theta = params * (1 - lambd * eta) - eta * grads  # torch: param.mul_(1 − λη).add_(g, alpha=−η)
        ax = state.ax + (theta - state.ax) * state.mu if state.mu != 1 else theta
        new_eta = lr / ((1 + lambd * lr * t) ** alpha) + zeros(params)
        mu = np.asarray(1 / max(1, t - t0), dtype=np.float64)
        return theta - params, ASGDState(t, new_eta, mu, ax)

    return Optimizer(init, update)


# --- the inspector ---------------------------------------------------------------------------


def _per_start(values) -> str:
    """η of one start: a number, or a column when a run gave each coordinate its own learning rate."""
    v = np.asarray(values).reshape(-1)
    return tex_number(v[0]) if v.min() == v.max() else tex_vector(v)


def _explain_asgd(s: Step) -> Explanation:
    lr, lambd, alpha, t0, wd = (s.hyper[k] for k in ("lr", "lambd", "alpha", "t0", "weight_decay"))
    k = int(s.new.step)  # the recorded step counter
    eta, mu = s.prev.eta, float(s.prev.mu)  # what step t used, computed after step t − 1
    g, lines = s.g + wd * s.theta_prev, []
    if wd:
        decay = rf"{tex_vector(s.g)} + {tex_number(wd)}\, {tex_vector(s.theta_prev)}"
        lines.append(s.line(r"g_<t> \leftarrow g_<t> + \omega\, \theta_<p>", decay, tex_vector(g)))
    shrink = 1 - lambd * np.asarray(eta)
    lines += [
        s.line(
            r"\eta_<t> = \frac{\gamma}{(1 + \lambda \gamma\, (<t> - 1))^{\alpha}}",
            rf"\frac{{{_per_start(np.full(2, lr))}}}{{(1 + {tex_number(lambd)} \cdot {_per_start(np.full(2, lr))}"
            rf" \cdot {k - 1})^{{{tex_number(alpha)}}}}}",
            _per_start(eta),
        ),
        s.line(
            r"\mu_<t> = \frac{1}{\max(1,\, <t> - 1 - t_0)}",
            rf"\frac{{1}}{{\max(1,\, {k - 1} - {tex_number(t0)})}}",
            tex_number(mu),
        ),
        s.line(
            r"\bar\theta_<t> = \bar\theta_<p> + \mu_<t>\, (\theta_<t> - \bar\theta_<p>)",
            rf"{tex_vector(s.prev.ax)} + {tex_number(mu)}\,"
            rf" \left({tex_vector(s.theta)} - {tex_vector(s.prev.ax)}\right)",
            tex_vector(s.new.ax),
        ),
        s.line(
            r"\theta_<t> = (1 - \lambda \eta_<t>)\, \theta_<p> - \eta_<t>\, g_<t>",
            rf"{_per_start(shrink)}\, {tex_vector(s.theta_prev)} - {_per_start(eta)}\, {tex_vector(g)}",
            f"{tex_vector(s.theta_prev)} + {tex_vector(s.step)}",
            tex_vector(s.theta),
        ),
    ]
    arrows = {GRAD_STEP: -lr * s.g}
    if lambd or wd:  # the pull toward the origin and the gradient step make up the step
        arrows["−λ·ηₜ·θ (decay toward 0)"] = -lambd * np.asarray(eta) * s.theta_prev
        arrows["−ηₜ·g (decayed gradient step)"] = -np.asarray(eta) * g
    return Explanation(lines, {**arrows, STEP: s.step})


RANK = 4  # where this family comes in the registry: simplest first
SPECS = (
    OptimizerSpec(
        "asgd",
        "ASGD",
        asgd,
        (
            lr_param(1e-2, help="learning rate: the first step size", symbol="γ"),
            HyperParam(
                "lambd",
                1e-4,
                0.0,
                1.0,
                symbols=("λ",),
                help="decay term: shrinks the step size and θ",
                bounds=NONNEGATIVE,
            ),
            HyperParam(
                "alpha", 0.75, 0.0, 2.0, symbols=("α",), help="power of the step size's decay", bounds=NONNEGATIVE
            ),
            HyperParam("t0", 1e6, 0.0, 1e6, symbols=("t₀",), help="step at which the average of θ starts"),
            HyperParam(
                "weight_decay",
                0.0,
                0.0,
                1.0,
                symbols=("ω",),
                help="L2 penalty: adds ωθ to the gradient",
                bounds=NONNEGATIVE,
            ),
            MAXIMIZE,
        ),
        r"\eta_t = \frac{\gamma}{(1 + \lambda \gamma\, (t - 1))^{\alpha}} \qquad "
        r"\theta_t = (1 - \lambda \eta_t)\, \theta_{t-1} - \eta_t\, g_t \qquad "
        r"\mu_t = \frac{1}{\max(1,\, t - 1 - t_0)} \qquad "
        r"\bar\theta_t = \bar\theta_{t-1} + \mu_t\, (\theta_t - \bar\theta_{t-1})",
        "torch.optim.ASGD: SGD whose step size decays as γ/(1 + λγt)^α, with a running average θ̄ of the points "
        "that torch keeps as state (from step t₀ on) but never steps with.",
        explain=_explain_asgd,
        torch=Torch("ASGD"),
        look=Look("#56B4E9", "hexagon", "longdashdot"),
        start={"lr": 0.01},
        linear_start={"lr": 0.5},
        symbols={"step": "t", "eta": "ηₜ", "mu": "μₜ", "ax": "θ̄"},
    ),
)
