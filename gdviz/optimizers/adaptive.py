"""Adaptive step sizes: torch.optim.Adagrad, RMSprop and Adadelta, each coordinate scaled by its own history."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .notation import (
    ELEMENTWISE,
    GRAD_STEP,
    STEP,
    Explanation,
    Step,
    tex_column,
    tex_factor,
    tex_number,
    tex_ratio,
    tex_vector,
)
from .spec import HyperParam, Look, Optimizer, OptimizerSpec, Torch, check, check_lr, eps_param, lr_param, zeros


class AdagradState(NamedTuple):
    sum: np.ndarray


class RMSpropState(NamedTuple):
    square_avg: np.ndarray
    momentum_buffer: np.ndarray


class AdadeltaState(NamedTuple):
    square_avg: np.ndarray
    acc_delta: np.ndarray


def adagrad(lr: float = 1e-2, eps: float = 1e-10) -> Optimizer:
    """torch.optim.Adagrad: s ← s + g²; θ ← θ − lr·g / (√s + ε)  (ε outside the root)."""
    lr = check_lr(lr)
    check(eps >= 0, f"eps must be ≥ 0, got {eps}")

    def init(params):
        return AdagradState(zeros(params))

    def update(grads, state, params):
        s = state.sum + grads * grads
        return -lr * grads / (np.sqrt(s) + eps), AdagradState(s)

    return Optimizer(init, update)


def rmsprop(lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8, momentum: float = 0.0) -> Optimizer:
    """torch.optim.RMSprop (not centered): v ← αv + (1−α)g²; θ ← θ − lr·g / (√v + ε).

    With momentum μ > 0: b ← μb + g / (√v + ε); θ ← θ − lr·b.
    """
    lr = check_lr(lr)
    check(0.0 <= alpha <= 1.0, f"alpha must be in [0, 1], got {alpha}")
    check(eps >= 0, f"eps must be ≥ 0, got {eps}")
    check(momentum >= 0, f"momentum must be ≥ 0, got {momentum}")

    def init(params):
        return RMSpropState(zeros(params), zeros(params))

    def update(grads, state, params):
        v = alpha * state.square_avg + (1 - alpha) * grads * grads
        scaled = grads / (np.sqrt(v) + eps)
        buf = momentum * state.momentum_buffer + scaled  # with μ = 0 this is exactly the scaled gradient
        return -lr * buf, RMSpropState(v, buf)

    return Optimizer(init, update)


def adadelta(lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6) -> Optimizer:
    """torch.optim.Adadelta: v ← ρv + (1−ρ)g²; Δ = √(u + ε) / √(v + ε) · g; u ← ρu + (1−ρ)Δ²; θ ← θ − lr·Δ."""
    lr = check_lr(lr)
    check(0.0 <= rho <= 1.0, f"rho must be in [0, 1], got {rho}")
    check(eps >= 0, f"eps must be ≥ 0, got {eps}")

    def init(params):
        return AdadeltaState(zeros(params), zeros(params))

    def update(grads, state, params):
        v = rho * state.square_avg + (1 - rho) * grads * grads
        delta = np.sqrt(state.acc_delta + eps) / np.sqrt(v + eps) * grads
        u = rho * state.acc_delta + (1 - rho) * delta * delta
        return -lr * delta, AdadeltaState(v, u)

    return Optimizer(init, update)


# --- the inspector ---------------------------------------------------------------------------


def _explain_adagrad(s: Step) -> Explanation:
    lr, eps = s.hyper["lr"], s.hyper["eps"]
    lines = [
        ELEMENTWISE,
        s.line(
            r"s_<t> = s_<p> + g_<t>^2", f"{tex_vector(s.prev.sum)} + {tex_vector(s.g * s.g)}", tex_vector(s.new.sum)
        ),
        s.update(r"- \eta\, \frac{g_<t>}{\sqrt{s_<t>} + \epsilon}", lr, tex_ratio(s.g, s.new.sum, eps)),
    ]
    return Explanation(lines, {GRAD_STEP: -lr * s.g, STEP: s.step})


def _explain_rmsprop(s: Step) -> Explanation:
    lr, alpha, eps, mu = (s.hyper[k] for k in ("lr", "alpha", "eps", "momentum"))
    v, b_prev, b = s.new.square_avg, s.prev.momentum_buffer, s.new.momentum_buffer
    lines = [
        ELEMENTWISE,
        s.average(r"v_<t> = \alpha\, v_<p> + (1 - \alpha)\, g_<t>^2", alpha, s.prev.square_avg, s.g * s.g, v),
        s.line(
            r"b_<t> = \mu\, b_<p> + \frac{g_<t>}{\sqrt{v_<t>} + \epsilon}",
            rf"{tex_number(mu)}\, {tex_vector(b_prev)} + {tex_ratio(s.g, v, eps)}",
            tex_vector(b),
        ),
        s.update(r"- \eta\, b_<t>", lr, tex_vector(b)),
    ]
    arrows = {GRAD_STEP: -lr * s.g}
    if mu:  # with μ = 0 the scaled gradient step is the step taken
        arrows["−η·μ·bₜ₋₁ (velocity carried over)"] = -lr * mu * b_prev
        arrows["−η·g/(√v+ε) (scaled gradient step)"] = -lr * s.g / (np.sqrt(v) + eps)
    return Explanation(lines, {**arrows, STEP: s.step})


def _explain_adadelta(s: Step) -> Explanation:
    lr, rho, eps = s.hyper["lr"], s.hyper["rho"], s.hyper["eps"]
    v, u_prev, e = s.new.square_avg, s.prev.acc_delta, tex_number(eps)
    delta = np.sqrt(u_prev + eps) / np.sqrt(v + eps) * s.g
    factors = tex_column(
        rf"\frac{{\sqrt{{{tex_number(u)} + {e}}}}}{{\sqrt{{{tex_number(w)} + {e}}}}}\, {tex_factor(g)}"
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


RANK = 2  # where this family comes in the registry: simplest first
SPECS = (
    OptimizerSpec(
        "adagrad",
        "Adagrad",
        adagrad,
        (lr_param(1e-2), eps_param(1e-10)),
        r"s_t = s_{t-1} + g_t^2 \qquad \theta_t = \theta_{t-1} - \eta\, \frac{g_t}{\sqrt{s_t} + \epsilon}",
        "torch.optim.Adagrad: ε outside the square root, no learning-rate decay.",
        explain=_explain_adagrad,
        torch=Torch("Adagrad"),
        look=Look("#009E73", "triangle-up", "dashdot"),
        start={"lr": 0.5},
        linear_start={"lr": 0.5},
        symbols={"sum": "s"},
    ),
    OptimizerSpec(
        "rmsprop",
        "RMSprop",
        rmsprop,
        (
            lr_param(1e-2),
            HyperParam("alpha", 0.99, 0.0, 0.9999, symbols=("α",), help="decay of the squared-gradient average"),
            eps_param(1e-8),
            HyperParam("momentum", 0.0, 0.0, 0.999, symbols=("μ",), help="0 for classic RMSprop"),
        ),
        r"v_t = \alpha\, v_{t-1} + (1 - \alpha)\, g_t^2 \qquad "
        r"b_t = \mu\, b_{t-1} + \frac{g_t}{\sqrt{v_t} + \epsilon} \qquad \theta_t = \theta_{t-1} - \eta\, b_t",
        "torch.optim.RMSprop, not centered: ε outside the root; with μ = 0, b_t is just the scaled gradient.",
        explain=_explain_rmsprop,
        torch=Torch("RMSprop"),
        look=Look("#0072B2", "triangle-down", "longdash"),
        start={"lr": 0.05},
        linear_start={"lr": 0.01},
        symbols={"square_avg": "v", "momentum_buffer": "b"},
    ),
    OptimizerSpec(
        "adadelta",
        "Adadelta",
        adadelta,
        (
            HyperParam("lr", 1.0, 1e-3, 10.0, log=True, symbols=("η",), help="scales the step (1 in the paper)"),
            HyperParam("rho", 0.9, 0.0, 0.9999, symbols=("ρ",), help="decay of both averages"),
            eps_param(1e-6),
        ),
        r"v_t = \rho\, v_{t-1} + (1 - \rho)\, g_t^2 \qquad "
        r"\Delta_t = \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\, g_t \qquad "
        r"u_t = \rho\, u_{t-1} + (1 - \rho)\, \Delta_t^2 \qquad \theta_t = \theta_{t-1} - \eta\, \Delta_t",
        "torch.optim.Adadelta: ε inside both roots; the step's unit comes from past steps, not from η.",
        explain=_explain_adadelta,
        torch=Torch("Adadelta"),
        look=Look("#D55E00", "cross", "longdashdot"),
        start={"lr": 1.0},
        linear_start={"lr": 1.0},
        symbols={"square_avg": "v", "acc_delta": "u"},
    ),
)
