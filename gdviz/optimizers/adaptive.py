"""Adaptive step sizes: torch.optim.Adagrad, RMSprop and Adadelta, each coordinate scaled by its own history.

Every rule is torch's ``_single_tensor_*``: ``maximize`` negates g first (the record's generic wrapper),
then ``weight_decay`` adds λθ to g (L2), and only then do the averages see g.
"""

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
    tex_rate,
    tex_ratio,
    tex_vector,
)
from .sgd_family import L2, decayed, l2
from .spec import (
    MAXIMIZE,
    NONNEGATIVE,
    UNIT,
    HyperParam,
    Look,
    Optimizer,
    OptimizerSpec,
    Torch,
    eps_param,
    lerp,
    lr_param,
    takes,
    weight_decay_param,
    zeros,
)


class AdagradState(NamedTuple):
    step: np.ndarray  # lr_decay reads it
    sum: np.ndarray


class RMSpropState(NamedTuple):
    square_avg: np.ndarray
    momentum_buffer: np.ndarray


class CenteredRMSpropState(NamedTuple):  # torch keeps the average of g only when centered
    square_avg: np.ndarray
    grad_avg: np.ndarray
    momentum_buffer: np.ndarray


class AdadeltaState(NamedTuple):
    square_avg: np.ndarray
    acc_delta: np.ndarray


def adagrad(
    lr: float = 1e-2,
    lr_decay: float = 0.0,
    weight_decay: float = 0.0,
    initial_accumulator_value: float = 0.0,
    eps: float = 1e-10,
) -> Optimizer:
    """torch.optim.Adagrad: s₀ = initial_accumulator_value; ηₜ = lr / (1 + (t − 1)·lr_decay);
    s ← s + g²; θ ← θ − ηₜ·g / (√s + ε)  (ε outside the root)."""

    def init(params):
        return AdagradState(np.zeros(()), zeros(params) + initial_accumulator_value)

    @takes("lr")
    def update(grads, state, params, lr=lr):
        g = l2(grads, params, weight_decay)
        clr = lr / (1 + state.step * lr_decay)  # state.step is t − 1
        s = state.sum + g * g
        return -clr * g / (np.sqrt(s) + eps), AdagradState(state.step + 1, s)

    return Optimizer(init, update)


def rmsprop(
    lr: float = 1e-2,
    alpha: float = 0.99,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    momentum: float = 0.0,
    centered: bool = False,
) -> Optimizer:
    """torch.optim.RMSprop: v ← αv + (1−α)g²; θ ← θ − lr·g / (√v + ε).

    Centered: ḡ ← αḡ + (1−α)g and the root is √(v − ḡ²), an estimate of g's variance rather than its
    second moment; the state then holds ḡ too (``grad_avg``, as torch's does). With momentum μ > 0:
    b ← μb + g / (√· + ε); θ ← θ − lr·b.
    """

    def init(params):
        if centered:
            return CenteredRMSpropState(zeros(params), zeros(params), zeros(params))
        return RMSpropState(zeros(params), zeros(params))

    @takes("lr", "momentum")
    def update(grads, state, params, lr=lr, momentum=momentum):
        g = l2(grads, params, weight_decay)
        v = alpha * state.square_avg + (1 - alpha) * g * g
        if centered:
            g_avg = lerp(state.grad_avg, g, 1 - alpha)
            scaled = g / (np.sqrt(v - g_avg * g_avg) + eps)
        else:
            scaled = g / (np.sqrt(v) + eps)
        buf = momentum * state.momentum_buffer + scaled  # with μ = 0 this is exactly the scaled gradient
        new = CenteredRMSpropState(v, g_avg, buf) if centered else RMSpropState(v, buf)
        return -lr * buf, new

    return Optimizer(init, update)


def adadelta(lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6, weight_decay: float = 0.0) -> Optimizer:
    """torch.optim.Adadelta: v ← ρv + (1−ρ)g²; Δ = √(u + ε) / √(v + ε) · g; u ← ρu + (1−ρ)Δ²; θ ← θ − lr·Δ."""

    def init(params):
        return AdadeltaState(zeros(params), zeros(params))

    @takes("lr")
    def update(grads, state, params, lr=lr):
        g = l2(grads, params, weight_decay)
        v = rho * state.square_avg + (1 - rho) * g * g
        delta = np.sqrt(state.acc_delta + eps) / np.sqrt(v + eps) * g
        u = rho * state.acc_delta + (1 - rho) * delta * delta
        return -lr * delta, AdadeltaState(v, u)

    return Optimizer(init, update)


# --- the inspector ---------------------------------------------------------------------------


def _explain_adagrad(s: Step) -> Explanation:
    lr, delta, eps = s.hyper["lr"], s.hyper["lr_decay"], s.hyper["eps"]
    k = int(s.new.step)  # the recorded counter
    g, decay = decayed(s)
    lines = [ELEMENTWISE, *decay]
    rate, rule = lr, r"- \eta\, \frac{g_<t>}{\sqrt{s_<t>} + \epsilon}"
    if delta:
        rate, rule = lr / (1 + (k - 1) * delta), r"- \eta_<t>\, \frac{g_<t>}{\sqrt{s_<t>} + \epsilon}"
        decayed_rate = rf"\frac{{{tex_rate(lr)}}}{{1 + {k - 1} \cdot {tex_number(delta)}}}"
        lines.append(s.line(r"\eta_<t> = \frac{\eta}{1 + (<t> - 1)\, \delta}", decayed_rate, tex_rate(rate)))
    s0 = s.hyper["initial_accumulator_value"]
    start = rf" \quad \text{{(}}s_0 = {tex_number(s0)}\text{{: initial\_accumulator\_value)}}" if s0 and k == 1 else ""
    lines += [
        s.line(r"s_<t> = s_<p> + g_<t>^2", f"{tex_vector(s.prev.sum)} + {tex_vector(g * g)}", tex_vector(s.new.sum))
        + start,
        s.update(rule, rate, tex_ratio(g, s.new.sum, eps)),
    ]
    return Explanation(lines, {GRAD_STEP: -lr * s.g, STEP: s.step})


SCALED = "−η·g/(√v+ε) (scaled gradient step)"


def _explain_rmsprop(s: Step) -> Explanation:
    lr, alpha, eps, mu = (s.hyper[k] for k in ("lr", "alpha", "eps", "momentum"))
    v, b_prev, b = s.new.square_avg, s.prev.momentum_buffer, s.new.momentum_buffer
    g, decay = decayed(s)
    lines = [
        ELEMENTWISE,
        *decay,
        s.average(r"v_<t> = \alpha\, v_<p> + (1 - \alpha)\, g_<t>^2", alpha, s.prev.square_avg, g * g, v),
    ]
    root, below = r"\sqrt{v_<t>}", v
    if s.hyper["centered"]:
        g_avg = s.new.grad_avg
        root, below = r"\sqrt{v_<t> - \bar g_<t>^2}", v - g_avg * g_avg
        lines += [
            s.average(r"\bar g_<t> = \alpha\, \bar g_<p> + (1 - \alpha)\, g_<t>", alpha, s.prev.grad_avg, g, g_avg),
            s.line(r"v_<t> - \bar g_<t>^2", f"{tex_vector(v)} - {tex_vector(g_avg * g_avg)}", tex_vector(below))
            + r" \quad \text{(centered: the variance of g, not its mean square)}",
        ]
    lines += [
        s.line(
            rf"b_<t> = \mu\, b_<p> + \frac{{g_<t>}}{{{root} + \epsilon}}",
            rf"{tex_number(mu)}\, {tex_vector(b_prev)} + {tex_ratio(g, below, eps)}",
            tex_vector(b),
        ),
        s.update(r"- \eta\, b_<t>", lr, tex_vector(b)),
    ]
    arrows = {GRAD_STEP: -lr * s.g}
    if mu:  # with μ = 0 the scaled gradient step is the step taken
        scaled = "−η·g/(√(v−ḡ²)+ε) (scaled gradient step)" if s.hyper["centered"] else SCALED
        arrows["−η·μ·bₜ₋₁ (velocity carried over)"] = -lr * mu * b_prev
        arrows[scaled] = -lr * g / (np.sqrt(below) + eps)
    return Explanation(lines, {**arrows, STEP: s.step})


def _explain_adadelta(s: Step) -> Explanation:
    lr, rho, eps = s.hyper["lr"], s.hyper["rho"], s.hyper["eps"]
    v, u_prev, e = s.new.square_avg, s.prev.acc_delta, tex_number(eps)
    g, decay = decayed(s)
    delta = np.sqrt(u_prev + eps) / np.sqrt(v + eps) * g
    factors = tex_column(
        rf"\frac{{\sqrt{{{tex_number(u)} + {e}}}}}{{\sqrt{{{tex_number(w)} + {e}}}}}\, {tex_factor(gi)}"
        for u, w, gi in zip(u_prev, v, g, strict=True)
    )
    lines = [
        ELEMENTWISE,
        *decay,
        s.average(r"v_<t> = \rho\, v_<p> + (1 - \rho)\, g_<t>^2", rho, s.prev.square_avg, g * g, v),
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
        (
            lr_param(1e-2),
            HyperParam(
                "lr_decay",
                0.0,
                0.0,
                1.0,
                symbols=("δ",),
                help="the rate at step t is η / (1 + (t − 1)δ)",
                bounds=NONNEGATIVE,
            ),
            weight_decay_param(),
            HyperParam(
                "initial_accumulator_value",
                0.0,
                0.0,
                100.0,
                symbols=("s₀",),
                help="where the sum of squares starts",
                bounds=NONNEGATIVE,
            ),
            eps_param(1e-10),
            MAXIMIZE,
        ),
        L2 + r"\eta_t = \frac{\eta}{1 + (t - 1)\, \delta} \qquad s_t = s_{t-1} + g_t^2 \qquad "
        r"\theta_t = \theta_{t-1} - \eta_t\, \frac{g_t}{\sqrt{s_t} + \epsilon}",
        "torch.optim.Adagrad: ε outside the square root; the sum of squares starts at s₀ "
        "(initial_accumulator_value) and the rate decays with lr_decay δ (none at δ = 0).",
        explain=_explain_adagrad,
        torch=Torch("Adagrad"),
        look=Look("#009E73", "triangle-up", "dashdot"),
        start={"lr": 0.5},
        linear_start={"lr": 0.5},
        symbols={"step": "t", "sum": "s"},
    ),
    OptimizerSpec(
        "rmsprop",
        "RMSprop",
        rmsprop,
        (
            lr_param(1e-2),
            HyperParam(
                "alpha",
                0.99,
                0.0,
                0.9999,
                symbols=("α",),
                help="decay of the squared-gradient average",
                bounds=UNIT,
            ),
            eps_param(1e-8),
            weight_decay_param(),
            HyperParam("momentum", 0.0, 0.0, 0.999, symbols=("μ",), help="0 for classic RMSprop", bounds=NONNEGATIVE),
            HyperParam(
                "centered", False, 0.0, 1.0, kind="bool", help="divide by g's variance: subtract ḡ² (ḡ: mean g)"
            ),
            MAXIMIZE,
        ),
        L2 + r"v_t = \alpha\, v_{t-1} + (1 - \alpha)\, g_t^2 \qquad "
        r"\bar g_t = \alpha\, \bar g_{t-1} + (1 - \alpha)\, g_t \qquad "
        r"b_t = \mu\, b_{t-1} + \frac{g_t}{\sqrt{v_t - \bar g_t^2} + \epsilon} \qquad "
        r"\theta_t = \theta_{t-1} - \eta\, b_t",
        "torch.optim.RMSprop: ε outside the root; ḡ is kept only when centered (otherwise ḡ = 0 and the root is "
        "√v, and the state has no ḡ); with μ = 0, b_t is just the scaled gradient.",
        explain=_explain_rmsprop,
        torch=Torch("RMSprop"),
        look=Look("#0072B2", "triangle-down", "longdash"),
        start={"lr": 0.05},
        linear_start={"lr": 0.01},
        symbols={"square_avg": "v", "grad_avg": "ḡ", "momentum_buffer": "b"},
    ),
    OptimizerSpec(
        "adadelta",
        "Adadelta",
        adadelta,
        (
            lr_param(1.0, 1e-3, help="scales the step (1 in the paper)"),
            HyperParam("rho", 0.9, 0.0, 0.9999, symbols=("ρ",), help="decay of both averages", bounds=UNIT),
            eps_param(1e-6),
            weight_decay_param(),
            MAXIMIZE,
        ),
        L2 + r"v_t = \rho\, v_{t-1} + (1 - \rho)\, g_t^2 \qquad "
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
