"""Adafactor: torch.optim.Adafactor (torch ≥ 2.5), steps relative to the size of the parameter itself.

Each start of a batch is one parameter: a vector, the last axis of the params (its 2 coordinates on a
surface). torch keeps a vector's second moment unfactored (one entry per coordinate; the row and column
factors that give Adafactor its name are for matrices), and every RMS below is over that vector.
The step is α_t·Û_t: α_t = max(ε₂, RMS(θ))·min(lr, 1/√t) is relative to θ's own size, and Û_t is the
scaled gradient clipped to RMS ≤ d, so a point near the origin moves by about ε₂·ρ_t per step.
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
    tex_number,
    tex_rate,
    tex_vector,
)
from .spec import (
    MAXIMIZE,
    NONNEGATIVE,
    Bounds,
    HyperParam,
    Look,
    Optimizer,
    OptimizerSpec,
    Torch,
    lerp,
    lr_param,
    takes,
    weight_decay_param,
    zeros,
)

# torch's eps=(None, 1e-3): None means the parameter dtype's machine epsilon, float64's here, written out
FLOAT64_EPS = float(np.finfo(np.float64).eps)


class AdafactorState(NamedTuple):
    step: np.ndarray
    variance: np.ndarray


def _rms(v, d: float = 1.0) -> np.ndarray:
    """RMS over the last axis (one parameter vector per start) divided by d, kept as a (..., 1) column;
    as torch computes it: ``v.norm(2) / (numel ** 0.5 * d)``."""
    return np.sqrt(np.sum(v * v, axis=-1, keepdims=True)) / (v.shape[-1] ** 0.5 * d)


def adafactor(
    lr: float = 1e-2, beta2_decay: float = -0.8, eps=(FLOAT64_EPS, 1e-3), d: float = 1.0, weight_decay: float = 0.0
) -> Optimizer:
    """torch.optim.Adafactor for a vector parameter (single-tensor code), with t the step count:

        1 − β̂₂ = t^beta2_decay;  ρ = min(lr, 1/√t);  α = max(ε₂, RMS(θ))·ρ;  θ ← θ(1 − lr·λ)  (decoupled);
        v ← lerp(v, g², 1 − β̂₂);  u = g / √max(v, ε₁²);  θ ← θ − α·u / max(1, RMS(u)/d).

    RMS is over the last axis (one start's coordinates). ``eps = (ε₁, ε₂)``; torch's ε₁ = None is
    float64's machine epsilon, which is this default.
    """
    eps1, eps2 = eps

    def init(params):
        return AdafactorState(np.zeros(()), zeros(params))

    @takes("lr")
    def update(grads, state, params, lr=lr):
        t = state.step + 1
        rho = np.minimum(lr, 1 / t**0.5)
        alpha = np.maximum(eps2, _rms(params)) * rho  # from θ before the decay, as torch takes it
        v = lerp(state.variance, grads * grads, t**beta2_decay)
        u = 1 / np.sqrt(np.maximum(v, eps1 * eps1)) * grads
        step = -alpha / np.maximum(1.0, _rms(u, d)) * u
        if weight_decay:  # torch: θ ← θ(1 − lr·λ), then θ += the step
            step = (params * (1 - lr * weight_decay) - params) + step
        return step, AdafactorState(t, v)

    return Optimizer(init, update)


# --- the inspector ---------------------------------------------------------------------------


def _explain_adafactor(s: Step) -> Explanation:
    lr, decay, (eps1, eps2), d, wd = (s.hyper[k] for k in ("lr", "beta2_decay", "eps", "d", "weight_decay"))
    k = int(s.new.step)  # the recorded step counter
    w = k**decay  # 1 − β̂₂
    rho = np.minimum(lr, 1 / k**0.5)
    rms_theta = float(_rms(s.theta_prev)[0])
    alpha = np.maximum(eps2, rms_theta) * rho
    v = s.new.variance
    u = 1 / np.sqrt(np.maximum(v, eps1 * eps1)) * s.g
    rms_u = float(_rms(u)[0])
    clip = max(1.0, float(_rms(u, d)[0]))
    decayed = s.theta_prev * (1 - lr * wd)
    scaled = tex_column(
        rf"\frac{{{tex_number(gi)}}}{{\sqrt{{\max({tex_number(vi)},\, {tex_number(eps1)}^2)}}}}"
        for gi, vi in zip(s.g, v, strict=True)
    )
    lines = [
        ELEMENTWISE,
        s.line(r"1 - \hat\beta_{2,<t>} = <t>^{\tau}", rf"{k}^{{{tex_number(decay)}}}", tex_number(w)),
        s.line(r"\rho_<t> = \min(\gamma,\, 1/\sqrt{<t>})", rf"\min({tex_rate(lr)},\, 1/\sqrt{{{k}}})", tex_rate(rho)),
        s.line(
            r"\alpha_<t> = \max(\epsilon_2,\, \operatorname{RMS}(\theta_<p>))\, \rho_<t>",
            rf"\max({tex_number(eps2)},\, {tex_number(rms_theta)}) \cdot {tex_rate(rho)}",
            tex_rate(alpha),
        ),
        s.average(
            r"v_<t> = \hat\beta_{2,<t>} v_<p> + (1 - \hat\beta_{2,<t>})\, g_<t>^2", 1 - w, s.prev.variance, s.g * s.g, v
        ),
        s.line(r"u_<t> = \frac{g_<t>}{\sqrt{\max(v_<t>,\, \epsilon_1^2)}}", scaled, tex_vector(u)),
        s.line(
            r"\max(1,\, \operatorname{RMS}(u_<t>) / d)",
            rf"\max(1,\, {tex_number(rms_u)} / {tex_number(d)})",
            tex_number(clip),
        ),
    ]
    if wd:  # decoupled: θ shrinks first
        shrink = rf"{tex_vector(s.theta_prev)}\, (1 - {tex_rate(lr)} \cdot {tex_number(wd)})"
        lines.append(s.line(r"\theta' = \theta_<p> (1 - \gamma\lambda)", shrink, tex_vector(decayed)))
    lines.append(
        s.line(
            r"\theta_<t> = "
            + (r"\theta'" if wd else r"\theta_<p>")
            + r" - \alpha_<t>\, \frac{u_<t>}{\max(1,\, \operatorname{RMS}(u_<t>) / d)}",
            rf"{tex_vector(decayed)} - {tex_rate(alpha)}\, \frac{{{tex_vector(u)}}}{{{tex_number(clip)}}}",
            f"{tex_vector(s.theta_prev)} + {tex_vector(s.step)}",
            tex_vector(s.theta),
        )
    )
    arrows = {GRAD_STEP: -lr * s.g}
    if wd:  # with λ = 0 the relative step is the step taken
        arrows["−γ·λ·θ (weight decay)"] = -lr * wd * s.theta_prev
        arrows["−α·u/max(1, RMS(u)/d) (relative step)"] = -alpha * u / clip
    return Explanation(lines, {**arrows, STEP: s.step})


RANK = 6  # where this family comes in the registry: simplest first
SPECS = (
    OptimizerSpec(
        "adafactor",
        "Adafactor",
        adafactor,
        (
            # ρ = min(lr, 1/√t) ≤ 1: an lr above 1 would change nothing but the weight decay
            lr_param(1e-2, high=1.0, symbol="γ", help="caps the relative step ρ = min(lr, 1/√t)"),
            HyperParam(
                "beta2_decay",
                -0.8,
                -1.0,
                0.0,
                symbols=("τ",),
                help="1 − β̂₂ = t^τ: how fast v forgets",
                bounds=Bounds(high=0.0),
            ),
            HyperParam(
                "eps",
                (FLOAT64_EPS, 1e-3),
                1e-16,
                1.0,
                log=True,
                symbols=("ε₁", "ε₂"),
                help="ε₁ floors v (torch's None: float64's machine epsilon, 2.22e-16); ε₂ floors RMS(θ)",
                bounds=NONNEGATIVE,
            ),
            HyperParam(
                "d",
                1.0,
                1.0,
                10.0,
                symbols=("d",),
                help="clipping threshold on RMS(u)",
                bounds=Bounds(1.0),
                what="the clipping threshold d",
            ),
            weight_decay_param(help="pull toward the origin, decoupled: −γλθ"),
            MAXIMIZE,
        ),
        r"\rho_t = \min(\gamma,\, 1/\sqrt{t}) \qquad "
        r"\alpha_t = \max(\epsilon_2,\, \operatorname{RMS}(\theta_{t-1}))\, \rho_t \qquad "
        r"v_t = \hat\beta_{2,t} v_{t-1} + (1 - \hat\beta_{2,t})\, g_t^2,\ 1 - \hat\beta_{2,t} = t^{\tau} \qquad "
        r"u_t = \frac{g_t}{\sqrt{\max(v_t,\, \epsilon_1^2)}} \qquad "
        r"\theta_t = \theta_{t-1} (1 - \gamma\lambda) - \alpha_t\, \frac{u_t}{\max(1,\, \operatorname{RMS}(u_t) / d)}",
        "torch.optim.Adafactor for one vector parameter per start (its variance unfactored, as torch keeps a "
        "vector's): steps relative to RMS(θ), clipped to RMS(u) ≤ d; torch's eps[0] = None is written out as "
        "float64's machine epsilon.",
        explain=_explain_adafactor,
        torch=Torch("Adafactor"),
        look=Look("#E69F00", "diamond-wide", "longdash"),
        start={"lr": 0.05},
        linear_start={"lr": 0.3},
        symbols={"step": "t", "variance": "v"},
        params="vector",
    ),
)
