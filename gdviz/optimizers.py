"""Optimizers as pure functions, with torch.optim's names, hyperparameters and update rules.

Defaults are torch's too, but for momentum: Momentum and Nesterov start at μ = 0.9, where
torch.optim.SGD defaults to 0 (then it is plain SGD, which "sgd" already is).

A factory takes hyperparameters and returns ``Optimizer(init, update)``:

    state = init(params)
    step, state = update(grads, state, params)     # then params = params + step

State is an immutable NamedTuple of arrays named as torch names its per-parameter state
(``momentum_buffer``, ``exp_avg`` ...); nothing is updated in place, so a recorded history never
aliases. ``update`` returns the step, not the new parameters: the step is the arrow a page draws.
Arrays may hold many points at once (shape ``(..., 2)``); a step counter is shared by all of them.
``lr`` may be an array broadcastable against them, e.g. ``(k, 1)`` for ``(k, 2)``: k learning rates at once.
``OPTIMIZERS`` maps each name to an ``OptimizerSpec``: call it to build, read it to build widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np


class Optimizer(NamedTuple):
    init: Callable
    update: Callable


@dataclass(frozen=True)
class HyperParam:
    """One hyperparameter: torch's name and default, a sensible range, and how to slide over it.

    A tuple default (Adam's ``betas``) has one component per entry of ``symbols``.
    """

    name: str
    default: float | tuple[float, ...]
    low: float
    high: float
    log: bool = False
    symbols: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class OptimizerSpec:
    """A registry entry: the factory plus everything a page needs to present it."""

    name: str
    title: str
    factory: Callable[..., Optimizer]
    hyper: tuple[HyperParam, ...]
    latex: str  # the update equations, in the form torch computes them
    variant: str  # which variant, in one sentence

    def __call__(self, **hyper) -> Optimizer:
        return self.factory(**self.resolve(hyper))

    def defaults(self) -> dict:
        return {h.name: h.default for h in self.hyper}

    def resolve(self, hyper: dict) -> dict:
        """Defaults filled in; unknown names refused with a message that lists the known ones."""
        unknown = set(hyper) - {h.name for h in self.hyper}
        if unknown:
            known = ", ".join(h.name for h in self.hyper)
            raise ValueError(f"{self.name} has no hyperparameter {', '.join(sorted(unknown))} (it has {known})")
        return {**self.defaults(), **hyper}


def _check(ok, message: str) -> None:
    if not np.all(ok):
        raise ValueError(message)


def _check_lr(lr, name: str = "lr"):
    """A number, or an array of them broadcastable against the params' batch (``(k, 1)`` for
    ``(k, 2)`` params: one learning rate per point). Every entry must be finite and ≥ 0."""
    if np.ndim(lr) == 0:
        _check(np.isfinite(lr) and lr >= 0, f"learning rate must be a finite number ≥ 0, got {lr}")
        return lr
    lr = np.array(lr, dtype=np.float64)  # a copy: the caller's array may change, the optimizer's must not
    bad = np.argwhere(~(np.isfinite(lr) & (lr >= 0)))
    if len(bad):
        index = tuple(int(i) for i in bad[0])
        raise ValueError(f"learning rate must be a finite number ≥ 0, got {lr[index]} at index {index} of {name}")
    lr.flags.writeable = False
    return lr


def _check_betas(betas) -> None:
    _check(len(betas) == 2, f"betas must be a pair (β1, β2), got {betas}")
    for i, b in enumerate(betas):
        _check(0.0 <= b < 1.0, f"β{i + 1} must be in [0, 1), got {b}")


def _zeros(params) -> np.ndarray:
    return np.zeros_like(np.asarray(params, dtype=np.float64))


# --- SGD family -------------------------------------------------------------------------------


class SGDState(NamedTuple):
    pass


class MomentumState(NamedTuple):
    momentum_buffer: np.ndarray


def sgd(lr: float = 1e-3) -> Optimizer:
    """Plain gradient descent: θ ← θ − lr·g."""
    lr = _check_lr(lr)

    def init(params):
        return SGDState()

    def update(grads, state, params):
        return -lr * grads, state

    return Optimizer(init, update)


def _heavy_ball(lr: float, mu: float, nesterov: bool) -> Optimizer:
    lr = _check_lr(lr)
    _check(mu >= 0, f"momentum must be ≥ 0, got {mu}")

    def init(params):
        return MomentumState(_zeros(params))

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
    _check(momentum > 0, f"Nesterov momentum must be > 0, got {momentum}")
    return _heavy_ball(lr, momentum, nesterov=True)


# --- adaptive step sizes ----------------------------------------------------------------------


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
    lr = _check_lr(lr)
    _check(eps >= 0, f"eps must be ≥ 0, got {eps}")

    def init(params):
        return AdagradState(_zeros(params))

    def update(grads, state, params):
        s = state.sum + grads * grads
        return -lr * grads / (np.sqrt(s) + eps), AdagradState(s)

    return Optimizer(init, update)


def rmsprop(lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8, momentum: float = 0.0) -> Optimizer:
    """torch.optim.RMSprop (not centered): v ← αv + (1−α)g²; θ ← θ − lr·g / (√v + ε).

    With momentum μ > 0: b ← μb + g / (√v + ε); θ ← θ − lr·b.
    """
    lr = _check_lr(lr)
    _check(0.0 <= alpha <= 1.0, f"alpha must be in [0, 1], got {alpha}")
    _check(eps >= 0, f"eps must be ≥ 0, got {eps}")
    _check(momentum >= 0, f"momentum must be ≥ 0, got {momentum}")

    def init(params):
        return RMSpropState(_zeros(params), _zeros(params))

    def update(grads, state, params):
        v = alpha * state.square_avg + (1 - alpha) * grads * grads
        scaled = grads / (np.sqrt(v) + eps)
        buf = momentum * state.momentum_buffer + scaled  # with μ = 0 this is exactly the scaled gradient
        return -lr * buf, RMSpropState(v, buf)

    return Optimizer(init, update)


def adadelta(lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6) -> Optimizer:
    """torch.optim.Adadelta: v ← ρv + (1−ρ)g²; Δ = √(u + ε) / √(v + ε) · g; u ← ρu + (1−ρ)Δ²; θ ← θ − lr·Δ."""
    lr = _check_lr(lr)
    _check(0.0 <= rho <= 1.0, f"rho must be in [0, 1], got {rho}")
    _check(eps >= 0, f"eps must be ≥ 0, got {eps}")

    def init(params):
        return AdadeltaState(_zeros(params), _zeros(params))

    def update(grads, state, params):
        v = rho * state.square_avg + (1 - rho) * grads * grads
        delta = np.sqrt(state.acc_delta + eps) / np.sqrt(v + eps) * grads
        u = rho * state.acc_delta + (1 - rho) * delta * delta
        return -lr * delta, AdadeltaState(v, u)

    return Optimizer(init, update)


# --- Adam family ------------------------------------------------------------------------------


class AdamState(NamedTuple):
    step: np.ndarray
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray


class NAdamState(NamedTuple):
    step: np.ndarray
    mu_product: np.ndarray
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray


def _lerp(a, b, w):
    """a + w·(b − a), evaluated as torch.lerp does, so moving averages match it to the last bit."""
    return a + w * (b - a) if w < 0.5 else b - (b - a) * (1 - w)


def adam(lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0.0) -> Optimizer:
    """torch.optim.Adam: m ← β1m + (1−β1)g; v ← β2v + (1−β2)g²; θ ← θ − lr·m̂ / (√v̂ + ε).

    m̂ = m / (1 − β1ᵗ), v̂ = v / (1 − β2ᵗ), ε outside the root. weight_decay adds λθ to g (L2).
    """
    return _adam(lr, betas, eps, weight_decay, decoupled=False)


def adamw(lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8, weight_decay: float = 1e-2) -> Optimizer:
    """torch.optim.AdamW: θ ← θ − lr·λθ first (decoupled weight decay), then Adam's step."""
    return _adam(lr, betas, eps, weight_decay, decoupled=True)


def _adam(lr, betas, eps, weight_decay, decoupled) -> Optimizer:
    lr = _check_lr(lr)
    _check_betas(betas)
    _check(eps >= 0, f"eps must be ≥ 0, got {eps}")
    _check(weight_decay >= 0, f"weight_decay must be ≥ 0, got {weight_decay}")
    beta1, beta2 = betas

    def init(params):
        return AdamState(np.zeros(()), _zeros(params), _zeros(params))

    def update(grads, state, params):
        if weight_decay and not decoupled:
            grads = grads + weight_decay * params
        t = state.step + 1
        m = _lerp(state.exp_avg, grads, 1 - beta1)
        v = beta2 * state.exp_avg_sq + (1 - beta2) * grads * grads
        denom = np.sqrt(v) / np.sqrt(1 - beta2**t) + eps
        step = -(lr / (1 - beta1**t)) * m / denom
        if decoupled:
            step = step - lr * weight_decay * params
        return step, AdamState(t, m, v)

    return Optimizer(init, update)


def nadam(lr: float = 2e-3, betas=(0.9, 0.999), eps: float = 1e-8, momentum_decay: float = 4e-3) -> Optimizer:
    """torch.optim.NAdam (Dozat's Nesterov Adam with torch's μ schedule).

    μₜ = β1(1 − ½·0.96^(tψ)); m, v as in Adam; θ ← θ − lr[(1−μₜ)g / (1−Πμ) + μₜ₊₁m / (1−Πμ·μₜ₊₁)] / (√v̂ + ε).
    """
    lr = _check_lr(lr)
    _check_betas(betas)
    _check(eps >= 0, f"eps must be ≥ 0, got {eps}")
    _check(momentum_decay >= 0, f"momentum_decay must be ≥ 0, got {momentum_decay}")
    beta1, beta2 = betas

    def init(params):
        return NAdamState(np.zeros(()), np.ones(()), _zeros(params), _zeros(params))

    def update(grads, state, params):
        t = state.step + 1
        mu = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))
        mu_next = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
        mu_product = state.mu_product * mu
        m = _lerp(state.exp_avg, grads, 1 - beta1)
        v = beta2 * state.exp_avg_sq + (1 - beta2) * grads * grads
        denom = np.sqrt(v / (1 - beta2**t)) + eps
        step = -lr * (1 - mu) / (1 - mu_product) * grads / denom
        step = step - lr * mu_next / (1 - mu_product * mu_next) * m / denom
        return step, NAdamState(t, mu_product, m, v)

    return Optimizer(init, update)


# --- the registry, ordered by complexity ------------------------------------------------------

LR = "learning rate"
_BETAS = HyperParam("betas", (0.9, 0.999), 0.0, 0.9999, symbols=("β₁", "β₂"), help="decay rates of the two averages")


def _lr(default: float) -> HyperParam:
    return HyperParam("lr", default, 1e-5, 10.0, log=True, symbols=("η",), help=LR)


def _eps(default: float) -> HyperParam:
    return HyperParam("eps", default, 1e-12, 1e-1, log=True, symbols=("ε",), help="keeps the division finite")


# torch.optim.SGD's momentum defaults to 0 (plain SGD); here 0.9, the usual choice, so the method shows
_MOMENTUM = HyperParam(
    "momentum",
    0.9,
    0.0,
    0.999,
    symbols=("μ",),
    help="fraction of the velocity kept each step; 0.9 here, where torch.optim.SGD's default is 0",
)

OPTIMIZERS: dict[str, OptimizerSpec] = {
    "sgd": OptimizerSpec(
        "sgd",
        "SGD",
        sgd,
        (_lr(1e-3),),
        r"\theta_{t} = \theta_{t-1} - \eta\, g_t",
        "Vanilla gradient descent (torch.optim.SGD with momentum 0).",
    ),
    "momentum": OptimizerSpec(
        "momentum",
        "Momentum",
        momentum,
        (_lr(1e-3), _MOMENTUM),
        r"b_t = \mu\, b_{t-1} + g_t \qquad \theta_t = \theta_{t-1} - \eta\, b_t",
        "Heavy ball in torch's form (torch.optim.SGD, dampening 0): lr scales the whole velocity. "
        "Momentum starts at 0.9 here; torch.optim.SGD's default is 0.",
    ),
    "nesterov": OptimizerSpec(
        "nesterov",
        "Nesterov (NAG)",
        nesterov,
        (_lr(1e-3), _MOMENTUM),
        r"b_t = \mu\, b_{t-1} + g_t \qquad \theta_t = \theta_{t-1} - \eta\,(g_t + \mu\, b_t)",
        "torch.optim.SGD(nesterov=True): the look-ahead rewritten to use the gradient at θ. "
        "Momentum starts at 0.9 here; torch.optim.SGD's default is 0.",
    ),
    "adagrad": OptimizerSpec(
        "adagrad",
        "Adagrad",
        adagrad,
        (_lr(1e-2), _eps(1e-10)),
        r"s_t = s_{t-1} + g_t^2 \qquad \theta_t = \theta_{t-1} - \eta\, \frac{g_t}{\sqrt{s_t} + \epsilon}",
        "torch.optim.Adagrad: ε outside the square root, no learning-rate decay.",
    ),
    "rmsprop": OptimizerSpec(
        "rmsprop",
        "RMSprop",
        rmsprop,
        (
            _lr(1e-2),
            HyperParam("alpha", 0.99, 0.0, 0.9999, symbols=("α",), help="decay of the squared-gradient average"),
            _eps(1e-8),
            HyperParam("momentum", 0.0, 0.0, 0.999, symbols=("μ",), help="0 for classic RMSprop"),
        ),
        r"v_t = \alpha\, v_{t-1} + (1 - \alpha)\, g_t^2 \qquad "
        r"b_t = \mu\, b_{t-1} + \frac{g_t}{\sqrt{v_t} + \epsilon} \qquad \theta_t = \theta_{t-1} - \eta\, b_t",
        "torch.optim.RMSprop, not centered: ε outside the root; with μ = 0, b_t is just the scaled gradient.",
    ),
    "adadelta": OptimizerSpec(
        "adadelta",
        "Adadelta",
        adadelta,
        (
            HyperParam("lr", 1.0, 1e-3, 10.0, log=True, symbols=("η",), help="scales the step (1 in the paper)"),
            HyperParam("rho", 0.9, 0.0, 0.9999, symbols=("ρ",), help="decay of both averages"),
            _eps(1e-6),
        ),
        r"v_t = \rho\, v_{t-1} + (1 - \rho)\, g_t^2 \qquad "
        r"\Delta_t = \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\, g_t \qquad "
        r"u_t = \rho\, u_{t-1} + (1 - \rho)\, \Delta_t^2 \qquad \theta_t = \theta_{t-1} - \eta\, \Delta_t",
        "torch.optim.Adadelta: ε inside both roots; the step's unit comes from past steps, not from η.",
    ),
    "adam": OptimizerSpec(
        "adam",
        "Adam",
        adam,
        (
            _lr(1e-3),
            _BETAS,
            _eps(1e-8),
            HyperParam("weight_decay", 0.0, 0.0, 1.0, symbols=("λ",), help="L2 penalty: adds λθ to the gradient"),
        ),
        r"m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t \qquad v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \qquad "
        r"\hat m_t = \frac{m_t}{1 - \beta_1^t} \qquad \hat v_t = \frac{v_t}{1 - \beta_2^t} \qquad "
        r"\theta_t = \theta_{t-1} - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}",
        "torch.optim.Adam: bias-corrected averages, ε added after the square root.",
    ),
    "adamw": OptimizerSpec(
        "adamw",
        "AdamW",
        adamw,
        (
            _lr(1e-3),
            _BETAS,
            _eps(1e-8),
            HyperParam("weight_decay", 1e-2, 0.0, 1.0, symbols=("λ",), help="pull toward the origin, decoupled"),
        ),
        r"\theta' = \theta_{t-1} - \eta\lambda\,\theta_{t-1} \qquad "
        r"\theta_t = \theta' - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}",
        "torch.optim.AdamW: the weight decay is applied to θ directly, not added to the gradient.",
    ),
    "nadam": OptimizerSpec(
        "nadam",
        "NAdam",
        nadam,
        (
            _lr(2e-3),
            _BETAS,
            _eps(1e-8),
            HyperParam("momentum_decay", 4e-3, 0.0, 0.1, symbols=("ψ",), help="schedule of the momentum factor"),
        ),
        r"\mu_t = \beta_1\,(1 - \tfrac12\, 0.96^{t\psi}) \qquad "
        r"\theta_t = \theta_{t-1} - \eta \left[\frac{(1 - \mu_t)\, g_t}{1 - \prod_{i \le t} \mu_i}"
        r" + \frac{\mu_{t+1}\, m_t}{1 - \prod_{i \le t+1} \mu_i}\right] \Big/ \left(\sqrt{\hat v_t} + \epsilon\right)",
        "torch.optim.NAdam: Adam with a Nesterov look-ahead on the first moment and a warming μ schedule.",
    ),
}
