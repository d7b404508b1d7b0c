"""The SGD family, torch.optim.SGD: plain gradient descent, heavy-ball momentum and Nesterov.

Momentum and Nesterov start at μ = 0.9, where torch.optim.SGD defaults to 0 (then it is plain SGD,
which "sgd" already is).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .notation import GRAD_STEP, STEP, Explanation, Step, tex_number, tex_vector
from .spec import HyperParam, Look, Optimizer, OptimizerSpec, Torch, check, check_lr, lr_param, zeros


class SGDState(NamedTuple):
    pass


class MomentumState(NamedTuple):
    momentum_buffer: np.ndarray


def sgd(lr: float = 1e-3) -> Optimizer:
    """Plain gradient descent: θ ← θ − lr·g."""
    lr = check_lr(lr)

    def init(params):
        return SGDState()

    def update(grads, state, params):
        return -lr * grads, state

    return Optimizer(init, update)


def _heavy_ball(lr: float, mu: float, nesterov: bool) -> Optimizer:
    lr = check_lr(lr)
    check(mu >= 0, f"momentum must be ≥ 0, got {mu}")

    def init(params):
        return MomentumState(zeros(params))

    def update(grads, state, params):
        buf = mu * state.momentum_buffer + grads
        return -lr * (grads + mu * buf if nesterov else buf), MomentumState(buf)

    return Optimizer(init, update)


def momentum(lr: float = 1e-3, momentum: float = 0.9) -> Optimizer:
    """torch.optim.SGD with momentum, dampening 0: b ← μb + g; θ ← θ − lr·b.

    torch starts the buffer at the first gradient, which equals μ·0 + g, so a zero start is exact.
    """
    return _heavy_ball(lr, momentum, nesterov=False)


def nesterov(lr: float = 1e-3, momentum: float = 0.9) -> Optimizer:
    """torch.optim.SGD(nesterov=True): b ← μb + g; θ ← θ − lr·(g + μb)."""
    check(momentum > 0, f"Nesterov momentum must be > 0, got {momentum}")
    return _heavy_ball(lr, momentum, nesterov=True)


# --- the inspector ---------------------------------------------------------------------------


def _explain_sgd(s: Step) -> Explanation:
    lr = s.hyper["lr"]
    lines = [s.update(r"- \eta\, g_<t>", lr, tex_vector(s.g))]
    return Explanation(lines, {GRAD_STEP: -lr * s.g, STEP: s.step})


def _explain_momentum(s: Step) -> Explanation:
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


def _explain_nesterov(s: Step) -> Explanation:
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


# torch.optim.SGD's momentum defaults to 0 (plain SGD); here 0.9, the usual choice, so the method shows
MOMENTUM = HyperParam(
    "momentum",
    0.9,
    0.0,
    0.999,
    symbols=("μ",),
    help="fraction of the velocity kept each step; 0.9 here, where torch.optim.SGD's default is 0",
)

RANK = 1  # where this family comes in the registry: simplest first
SPECS = (
    OptimizerSpec(
        "sgd",
        "SGD",
        sgd,
        (lr_param(1e-3),),
        r"\theta_{t} = \theta_{t-1} - \eta\, g_t",
        "Vanilla gradient descent (torch.optim.SGD with momentum 0).",
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
        (lr_param(1e-3), MOMENTUM),
        r"b_t = \mu\, b_{t-1} + g_t \qquad \theta_t = \theta_{t-1} - \eta\, b_t",
        "Heavy ball in torch's form (torch.optim.SGD, dampening 0): lr scales the whole velocity. "
        "Momentum starts at 0.9 here; torch.optim.SGD's default is 0.",
        explain=_explain_momentum,
        torch=Torch("SGD"),
        look=Look("#E69F00", "square", "dash"),
        start={"lr": 0.005, "momentum": 0.9},
        linear_start={"lr": 0.1, "momentum": 0.9},
        symbols={"momentum_buffer": "b"},
    ),
    OptimizerSpec(
        "nesterov",
        "Nesterov (NAG)",
        nesterov,
        (lr_param(1e-3), MOMENTUM),
        r"b_t = \mu\, b_{t-1} + g_t \qquad \theta_t = \theta_{t-1} - \eta\,(g_t + \mu\, b_t)",
        "torch.optim.SGD(nesterov=True): the look-ahead rewritten to use the gradient at θ. "
        "Momentum starts at 0.9 here; torch.optim.SGD's default is 0.",
        explain=_explain_nesterov,
        torch=Torch("SGD", ", nesterov=True"),
        look=Look("#56B4E9", "diamond", "dot"),
        start={"lr": 0.005, "momentum": 0.9},
        linear_start={"lr": 0.1, "momentum": 0.9},
        symbols={"momentum_buffer": "b"},
    ),
)
