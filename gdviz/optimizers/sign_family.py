"""Sign methods: torch.optim.Rprop and Lion, which step by the sign of a gradient, never by its size.

Rprop keeps a step size per coordinate and grows it while the gradient keeps its sign, shrinks it when
the sign flips. Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms", Algorithm 2)
steps every coordinate by exactly η in the direction of an interpolation of g and a momentum; torch has
no Lion, so its reference is an independent float64 implementation of the paper's algorithm
(tests/fixtures/make_optimizer_refs.py, checked against optax.lion) and its snippet defines the class.
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np

from .notation import ELEMENTWISE, GRAD_STEP, STEP, Explanation, Step, tex_column, tex_number, tex_rate, tex_vector
from .spec import (
    BETAS,
    MAXIMIZE,
    NONNEGATIVE,
    Bounds,
    HyperParam,
    Look,
    Optimizer,
    OptimizerSpec,
    Torch,
    check,
    lr_param,
    takes,
    weight_decay_param,
    zeros,
)


class RpropState(NamedTuple):
    prev: np.ndarray
    step_size: np.ndarray


class LionState(NamedTuple):
    exp_avg: np.ndarray


def rprop(lr: float = 1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50.0)) -> Optimizer:
    """torch.optim.Rprop (single-tensor code), per coordinate, with s = sign(g·g_prev):

        Δ ← clamp(Δ·(η₊ if s > 0, η₋ if s < 0, 1 if s = 0), Δmin, Δmax);  g ← 0 where s < 0;
        θ ← θ − sign(g)·Δ;  g_prev ← g.

    Δ starts at lr and g_prev at 0. A sign flip shrinks Δ and skips that coordinate's move this step
    (torch zeroes g there, so the next step counts as a fresh start, s = 0).
    """
    etaminus, etaplus = etas  # 0 < η₋ < 1 < η₊: their record's bounds
    step_size_min, step_size_max = step_sizes
    check(step_size_min <= step_size_max, f"step_sizes must be (min, max) with min ≤ max, got {step_sizes}")

    def init(params):
        return RpropState(zeros(params), zeros(params) + lr)

    def update(grads, state, params):
        sign = np.sign(grads * state.prev)
        factor = np.where(sign > 0, etaplus, np.where(sign < 0, etaminus, 1.0))
        step_size = np.clip(state.step_size * factor, step_size_min, step_size_max)
        grads = np.where(sign < 0, 0.0, grads)
        return -np.sign(grads) * step_size, RpropState(grads, step_size)

    return Optimizer(init, update)


def lion(lr: float = 1e-4, betas=(0.9, 0.99), weight_decay: float = 0.0) -> Optimizer:
    """Lion (Chen et al. 2023, Algorithm 2; optax.lion), weight decay decoupled as in the paper:

        c ← β1·m + (1 − β1)·g;  θ ← θ − lr·(sign(c) + λθ);  m ← β2·m + (1 − β2)·g.

    m starts at 0. Every coordinate moves by exactly lr (plus the decay) whatever the gradient's size.
    """

    def init(params):
        return LionState(zeros(params))

    @takes("lr", "betas")
    def update(grads, state, params, lr=lr, betas=betas):
        beta1, beta2 = betas
        c = beta1 * state.exp_avg + (1 - beta1) * grads
        m = beta2 * state.exp_avg + (1 - beta2) * grads
        return -lr * (np.sign(c) + weight_decay * params), LionState(m)

    return Optimizer(init, update)


# --- the inspector ---------------------------------------------------------------------------


def _signs(v) -> str:
    """A column of signs, +1, −1 or 0 per component."""
    return tex_column(tex_number(x) for x in np.sign(np.asarray(v)))


def _explain_rprop(s: Step) -> Explanation:
    (etaminus, etaplus), (low, high) = s.hyper["etas"], s.hyper["step_sizes"]
    sign = np.sign(s.g * s.prev.prev)
    factor = np.where(sign > 0, etaplus, np.where(sign < 0, etaminus, 1.0))
    kept = s.new.prev  # g with the flipped components zeroed, as torch keeps it
    clamped = tex_column(
        rf"\min(\max({tex_number(d)} \cdot {tex_number(f)},\, {tex_number(low)}),\, {tex_number(high)})"
        for d, f in zip(s.prev.step_size, factor, strict=True)
    )
    lines = [
        ELEMENTWISE,
        s.line(r"\Delta_0 = \eta", tex_rate(s.hyper["lr"])) + r" \quad \text{(every step size starts at lr)}",
        s.line(r"s_<t> = \operatorname{sign}(g_<t>\, g_<p>)", _signs(sign)),
        s.line(r"f_<t>", tex_vector(factor))
        + rf" \quad \text{{(}}\eta_{{+}} = {tex_number(etaplus)} \text{{ where }} s > 0,\ "
        rf"\eta_{{-}} = {tex_number(etaminus)} \text{{ where }} s < 0,\ 1 \text{{ where }} s = 0\text{{)}}",
        s.line(
            r"\Delta_<t> = \min(\max(\Delta_<p> f_<t>,\, \Delta_{min}),\, \Delta_{max})",
            clamped,
            tex_vector(s.new.step_size),
        ),
        s.line(r"g_<t> \leftarrow 0 \text{ where } s_<t> < 0", tex_vector(kept)),
        s.line(
            r"\theta_<t> = \theta_<p> - \operatorname{sign}(g_<t>)\, \Delta_<t>",
            rf"{tex_vector(s.theta_prev)} - {_signs(kept)}\, {tex_vector(s.new.step_size)}",
            f"{tex_vector(s.theta_prev)} + {tex_vector(s.step)}",
            tex_vector(s.theta),
        ),
    ]
    return Explanation(lines, {GRAD_STEP: -s.hyper["lr"] * s.g, STEP: s.step})


def _explain_lion(s: Step) -> Explanation:
    lr, (beta1, beta2), wd = s.hyper["lr"], s.hyper["betas"], s.hyper["weight_decay"]
    c = beta1 * s.prev.exp_avg + (1 - beta1) * s.g
    direction = rf"\left({_signs(c)} + {tex_number(wd)}\, {tex_vector(s.theta_prev)}\right)"
    lines = [
        ELEMENTWISE,
        s.average(r"c_<t> = \beta_1 m_<p> + (1 - \beta_1) g_<t>", beta1, s.prev.exp_avg, s.g, c),
        s.average(r"m_<t> = \beta_2 m_<p> + (1 - \beta_2) g_<t>", beta2, s.prev.exp_avg, s.g, s.new.exp_avg),
        s.update(r"- \eta\, (\operatorname{sign}(c_<t>) + \lambda\, \theta_<p>)", lr, direction),
    ]
    arrows = {GRAD_STEP: -lr * s.g}
    if wd:  # with λ = 0 the sign step is the step taken
        arrows["−η·λ·θ (weight decay)"] = -lr * wd * s.theta_prev
        arrows["−η·sign(c) (sign step)"] = -lr * np.sign(c)
    return Explanation(lines, {**arrows, STEP: s.step})


# Lion in torch, for the snippet: torch.optim has none, so the script defines it (the rule above, in torch)
LION_SOURCE = '''class Lion(torch.optim.Optimizer):
    """Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"), which torch.optim lacks:
    c = beta1 * m + (1 - beta1) * g;  p -= lr * (sign(c) + weight_decay * p);  m = beta2 * m + (1 - beta2) * g."""

    def __init__(self, params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0):
        super().__init__(params, {"lr": lr, "betas": betas, "weight_decay": weight_decay})

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            (beta1, beta2), lr, weight_decay = group["betas"], group["lr"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                m = self.state[p].setdefault("exp_avg", torch.zeros_like(p))
                c = beta1 * m + (1 - beta1) * p.grad
                p.sub_(lr * (torch.sign(c) + weight_decay * p))
                m.copy_(beta2 * m + (1 - beta2) * p.grad)
'''

RANK = 5  # where this family comes in the registry: simplest first
SPECS = (
    OptimizerSpec(
        "rprop",
        "Rprop",
        rprop,
        (
            lr_param(1e-2, help="learning rate: every coordinate's first step size"),
            HyperParam(
                "etas",
                (0.5, 1.2),
                0.0,
                10.0,
                symbols=("η₋", "η₊"),
                help="shrink and growth factors of Δ",
                bounds=(Bounds(0.0, 1.0, open="both"), Bounds(1.0, open="low")),  # a shrink and a growth
            ),
            HyperParam(
                "step_sizes",
                (1e-6, 50.0),
                1e-12,
                1e3,
                log=True,
                symbols=("Δmin", "Δmax"),
                help="bounds on Δ",
                bounds=NONNEGATIVE,
            ),
            MAXIMIZE,
        ),
        r"s_t = \operatorname{sign}(g_t\, g_{t-1}) \qquad "
        r"\Delta_t = \operatorname{clamp}(\Delta_{t-1} \cdot (\eta_{+} \text{ if } s_t > 0,"
        r"\ \eta_{-} \text{ if } s_t < 0,\ 1 \text{ otherwise}),\ \Delta_{min},\ \Delta_{max}) \qquad "
        r"g_t \leftarrow 0 \text{ where } s_t < 0 \qquad \theta_t = \theta_{t-1} - \operatorname{sign}(g_t)\, \Delta_t",
        "torch.optim.Rprop: a step size per coordinate, grown while the gradient keeps its sign and shrunk "
        "when it flips (that coordinate then waits a step); the gradient's size is never used.",
        explain=_explain_rprop,
        torch=Torch("Rprop"),
        look=Look("#009E73", "triangle-right", "dot"),
        start={"lr": 0.01},
        linear_start={"lr": 0.01},
        symbols={"prev": "gₜ₋₁", "step_size": "Δ"},
    ),
    OptimizerSpec(
        "lion",
        "Lion",
        lion,
        (
            lr_param(1e-4),
            replace(BETAS, default=(0.9, 0.99), help="interpolation and momentum"),
            weight_decay_param(help="pull toward the origin, decoupled: −ηλθ"),
        ),
        r"c_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t \qquad "
        r"\theta_t = \theta_{t-1} - \eta\, (\operatorname{sign}(c_t) + \lambda\, \theta_{t-1}) \qquad "
        r"m_t = \beta_2 m_{t-1} + (1 - \beta_2) g_t",
        "Lion (Chen et al. 2023), not in torch.optim: the sign of an interpolation of g and the momentum, so "
        "every coordinate moves by exactly η; the snippet defines a small Lion class in torch.",
        explain=_explain_lion,
        torch=Torch("Lion", source=LION_SOURCE),
        look=Look("#D55E00", "star-triangle-up", "dash"),
        start={"lr": 0.05},
        linear_start={"lr": 0.05},
        symbols={"exp_avg": "m"},
    ),
)
