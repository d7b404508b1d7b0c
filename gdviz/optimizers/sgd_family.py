"""The SGD family, torch.optim.SGD: plain gradient descent, heavy-ball momentum and Nesterov.

Every rule is torch's ``_single_tensor_sgd``: ``maximize`` negates g first (the record's generic
wrapper), then ``weight_decay`` adds λθ to g (L2), then the momentum buffer, then the step.
Momentum and Nesterov start at μ = 0.9, where torch.optim.SGD defaults to 0 (then it is plain SGD,
which "sgd" already is).
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np

from .notation import GRAD_STEP, STEP, Explanation, Step, tex_number, tex_vector
from .spec import (
    MAXIMIZE,
    NONNEGATIVE,
    UNIT,
    Bounds,
    HyperParam,
    Look,
    Optimizer,
    OptimizerSpec,
    Torch,
    lr_param,
    takes,
    weight_decay_param,
    zeros,
)


class SGDState(NamedTuple):
    pass


class MomentumState(NamedTuple):
    step: np.ndarray  # torch starts the buffer at the first gradient, undamped: the counter says when
    momentum_buffer: np.ndarray


def sgd(lr: float = 1e-3, weight_decay: float = 0.0) -> Optimizer:
    """Plain gradient descent: g ← g + λθ (L2, when λ > 0); θ ← θ − lr·g."""

    def init(params):
        return SGDState()

    @takes("lr")
    def update(grads, state, params, lr=lr):
        return -lr * l2(grads, params, weight_decay), state

    return Optimizer(init, update)


def l2(grads, params, weight_decay: float):
    """torch's coupled weight decay, g + λθ, skipped at λ = 0 as torch skips it (a θ of inf stays out of g).

    The adaptive and Adam families import it from here: it is the same line in every torch optimizer."""
    return grads + weight_decay * params if weight_decay else grads


def _heavy_ball(lr: float, mu: float, dampening: float, weight_decay: float, nesterov: bool) -> Optimizer:
    def init(params):
        return MomentumState(np.zeros(()), zeros(params))

    @takes("lr", "momentum")
    def update(grads, state, params, lr=lr, momentum=mu):
        g = l2(grads, params, weight_decay)
        # torch's buffer starts at g itself (μ·0 + 1·g, exactly), and at μ = 0 there is no buffer: g alone
        kept = 1 - dampening if state.step and momentum else 1.0
        buf = momentum * state.momentum_buffer + kept * g
        return -lr * (g + momentum * buf if nesterov else buf), MomentumState(state.step + 1, buf)

    return Optimizer(init, update)


def momentum(lr: float = 1e-3, momentum: float = 0.9, dampening: float = 0.0, weight_decay: float = 0.0) -> Optimizer:
    """torch.optim.SGD with momentum: b₁ = g₁, then b ← μb + (1 − τ)g; θ ← θ − lr·b.

    τ is ``dampening``. torch starts the buffer at the first gradient itself, not at (1 − τ)·g₁, so
    the state counts steps; with τ = 0 that start equals μ·0 + g and nothing else changes.
    """
    return _heavy_ball(lr, momentum, dampening, weight_decay, nesterov=False)


def nesterov(lr: float = 1e-3, momentum: float = 0.9, weight_decay: float = 0.0) -> Optimizer:
    """torch.optim.SGD(nesterov=True): b ← μb + g; θ ← θ − lr·(g + μb). torch refuses dampening here."""
    return _heavy_ball(lr, momentum, 0.0, weight_decay, nesterov=True)


# --- the inspector ---------------------------------------------------------------------------

DECAY = "−η·λ·θ (weight decay)"
VELOCITY = "−η·μ·bₜ₋₁ (velocity carried over)"


def decayed(s: Step) -> tuple[np.ndarray, list[str]]:
    """The gradient after torch's L2 weight decay, g + λθ, and the line that shows it (none at λ = 0).

    The adaptive and Adam families import it from here, as they import ``l2``."""
    wd = s.hyper.get("weight_decay", 0.0)
    if not wd:
        return s.g, []
    g = s.g + wd * s.theta_prev
    sum_ = rf"{tex_vector(s.g)} + {tex_number(wd)}\, {tex_vector(s.theta_prev)}"
    return g, [s.line(r"g_<t> \leftarrow g_<t> + \lambda\, \theta_<p>", sum_, tex_vector(g))]


def _decay_arrow(s: Step) -> dict[str, np.ndarray]:
    wd = s.hyper["weight_decay"]
    return {DECAY: -s.hyper["lr"] * wd * s.theta_prev} if wd else {}


def _explain_sgd(s: Step) -> Explanation:
    lr = s.hyper["lr"]
    g, lines = decayed(s)
    lines.append(s.update(r"- \eta\, g_<t>", lr, tex_vector(g)))
    return Explanation(lines, {GRAD_STEP: -lr * s.g, **_decay_arrow(s), STEP: s.step})


def _explain_momentum(s: Step) -> Explanation:
    lr, mu = s.hyper["lr"], s.hyper["momentum"]
    tau = s.hyper["dampening"] if mu else 0.0  # torch keeps no buffer at μ = 0, so nothing is damped
    b_prev, b = s.prev.momentum_buffer, s.new.momentum_buffer
    g, lines = decayed(s)
    if tau and not s.prev.step:  # the recorded counter: this was the buffer's first step
        lines.append(s.line("b_<t> = g_<t>", tex_vector(b)) + r" \quad \text{(torch starts the buffer at g, undamped)}")
    elif tau:
        carried = rf"{tex_number(mu)}\, {tex_vector(b_prev)} + {tex_number(1 - tau)}\, {tex_vector(g)}"
        lines.append(s.line(r"b_<t> = \mu\, b_<p> + (1 - \tau)\, g_<t>", carried, tex_vector(b)))
    else:
        carried = rf"{tex_number(mu)}\, {tex_vector(b_prev)} + {tex_vector(g)}"
        lines.append(s.line(r"b_<t> = \mu\, b_<p> + g_<t>", carried, tex_vector(b)))
    lines.append(s.update(r"- \eta\, b_<t>", lr, tex_vector(b)))
    arrows = {GRAD_STEP: -lr * s.g, **_decay_arrow(s), VELOCITY: -lr * mu * b_prev}
    if tau and s.prev.step:  # what dampening takes off the new gradient: the parts still add up to the step
        arrows["+η·τ·g (held back by dampening)"] = lr * tau * g
    return Explanation(lines, {**arrows, STEP: s.step})


def _explain_nesterov(s: Step) -> Explanation:
    lr, mu = s.hyper["lr"], s.hyper["momentum"]
    b_prev, b = s.prev.momentum_buffer, s.new.momentum_buffer
    g, lines = decayed(s)
    lines += [
        s.line(
            r"b_<t> = \mu\, b_<p> + g_<t>",
            rf"{tex_number(mu)}\, {tex_vector(b_prev)} + {tex_vector(g)}",
            tex_vector(b),
        ),
        s.update(
            r"- \eta\,(g_<t> + \mu\, b_<t>)",
            lr,
            rf"\left({tex_vector(g)} + {tex_number(mu)}\, {tex_vector(b)}\right)",
        ),
    ]
    arrows = {GRAD_STEP: -lr * s.g, **_decay_arrow(s), "−η·μ·bₜ (look-ahead velocity)": -lr * mu * b}
    return Explanation(lines, {**arrows, STEP: s.step})


# torch.optim.SGD's momentum defaults to 0 (plain SGD); here 0.9, the usual choice, so the method shows
MOMENTUM = HyperParam(
    "momentum",
    0.9,
    0.0,
    0.999,
    symbols=("μ",),
    help="fraction of the velocity kept each step; 0.9 here, where torch.optim.SGD's default is 0",
    bounds=NONNEGATIVE,
)
NESTEROV_MOMENTUM = replace(MOMENTUM, bounds=Bounds(0.0, open="low"), what="Nesterov momentum")  # torch refuses 0
DAMPENING = HyperParam(
    "dampening",
    0.0,
    0.0,
    1.0,
    symbols=("τ",),
    help="scales each new gradient by 1 − τ (from the second step on)",
    bounds=UNIT,
)
L2 = r"g_t \leftarrow g_t + \lambda\, \theta_{t-1} \qquad "
MOMENTUM_SYMBOLS = {"step": "t", "momentum_buffer": "b"}

RANK = 1  # where this family comes in the registry: simplest first
SPECS = (
    OptimizerSpec(
        "sgd",
        "SGD",
        sgd,
        (lr_param(1e-3), weight_decay_param(), MAXIMIZE),
        L2 + r"\theta_{t} = \theta_{t-1} - \eta\, g_t",
        "Vanilla gradient descent (torch.optim.SGD with momentum 0); weight decay λ > 0 adds λθ to g.",
        explain=_explain_sgd,
        torch=Torch("SGD"),
        look=Look("#000000", "circle", "solid"),
        start={"lr": 0.01},
        linear_start={"lr": 0.5},
    ),
    OptimizerSpec(
        "momentum",
        "Momentum",
        momentum,
        (lr_param(1e-3), MOMENTUM, DAMPENING, weight_decay_param(), MAXIMIZE),
        L2 + r"b_1 = g_1 \qquad b_t = \mu\, b_{t-1} + (1 - \tau)\, g_t \qquad \theta_t = \theta_{t-1} - \eta\, b_t",
        "Heavy ball in torch's form (torch.optim.SGD): lr scales the whole velocity; the buffer starts at the "
        "first gradient, undamped. Momentum starts at 0.9 here; torch.optim.SGD's default is 0.",
        explain=_explain_momentum,
        torch=Torch("SGD"),
        look=Look("#E69F00", "square", "dash"),
        start={"lr": 0.005, "momentum": 0.9},
        linear_start={"lr": 0.1, "momentum": 0.9},
        symbols=MOMENTUM_SYMBOLS,
    ),
    OptimizerSpec(
        "nesterov",
        "Nesterov (NAG)",
        nesterov,
        (lr_param(1e-3), NESTEROV_MOMENTUM, weight_decay_param(), MAXIMIZE),
        L2 + r"b_t = \mu\, b_{t-1} + g_t \qquad \theta_t = \theta_{t-1} - \eta\,(g_t + \mu\, b_t)",
        "torch.optim.SGD(nesterov=True): the look-ahead rewritten to use the gradient at θ; no dampening "
        "(torch refuses it with Nesterov). Momentum starts at 0.9 here; torch.optim.SGD's default is 0.",
        explain=_explain_nesterov,
        torch=Torch("SGD", ", nesterov=True"),
        look=Look("#56B4E9", "diamond", "dot"),
        start={"lr": 0.005, "momentum": 0.9},
        linear_start={"lr": 0.1, "momentum": 0.9},
        symbols=MOMENTUM_SYMBOLS,
    ),
)
