"""The Adam family: torch.optim.Adam, AdamW, NAdam, RAdam and Adamax, bias-corrected moving averages of g.

Every rule is torch's ``_single_tensor_*``: ``maximize`` negates g first (the record's generic wrapper),
then weight decay either joins g (L2, ``weight_decay``) or, decoupled (AdamW, ``decoupled_weight_decay``),
shrinks θ by ηλθ beside the step; only then do the averages see g.
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
from .sgd_family import DECAY, L2, decayed, l2
from .spec import (
    BETAS,
    MAXIMIZE,
    NONNEGATIVE,
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


class AdamState(NamedTuple):  # Adam's, AdamW's and RAdam's
    step: np.ndarray
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray


class AMSGradState(NamedTuple):  # torch keeps the largest v so far only with amsgrad
    step: np.ndarray
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray
    max_exp_avg_sq: np.ndarray


class NAdamState(NamedTuple):
    step: np.ndarray
    mu_product: np.ndarray
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray


class AdamaxState(NamedTuple):
    step: np.ndarray
    exp_avg: np.ndarray
    exp_inf: np.ndarray


def adam(
    lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0.0, amsgrad: bool = False
) -> Optimizer:
    """torch.optim.Adam: m ← β1m + (1−β1)g; v ← β2v + (1−β2)g²; θ ← θ − lr·m̂ / (√v̂ + ε).

    m̂ = m / (1 − β1ᵗ), v̂ = v / (1 − β2ᵗ), ε outside the root. weight_decay adds λθ to g (L2).
    amsgrad divides by the largest v so far instead: vᵐᵃˣ ← max(vᵐᵃˣ, v); v̂ = vᵐᵃˣ / (1 − β2ᵗ).
    """
    return _adam(lr, betas, eps, weight_decay, amsgrad, decoupled=False)


def adamw(
    lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False
) -> Optimizer:
    """torch.optim.AdamW: θ ← θ − lr·λθ first (decoupled weight decay), then Adam's step (amsgrad as in Adam)."""
    return _adam(lr, betas, eps, weight_decay, amsgrad, decoupled=True)


def _adam(lr, betas, eps, weight_decay, amsgrad, decoupled) -> Optimizer:
    def init(params):
        if amsgrad:
            return AMSGradState(np.zeros(()), zeros(params), zeros(params), zeros(params))
        return AdamState(np.zeros(()), zeros(params), zeros(params))

    @takes("lr", "betas")
    def update(grads, state, params, lr=lr, betas=betas):
        beta1, beta2 = betas
        g = grads if decoupled else l2(grads, params, weight_decay)
        t = state.step + 1
        m = lerp(state.exp_avg, g, 1 - beta1)
        v = beta2 * state.exp_avg_sq + (1 - beta2) * g * g
        v_max = np.maximum(state.max_exp_avg_sq, v) if amsgrad else v  # without amsgrad, v itself
        denom = np.sqrt(v_max) / np.sqrt(1 - beta2**t) + eps
        step = -(lr / (1 - beta1**t)) * m / denom
        if decoupled and weight_decay:
            step = step - lr * weight_decay * params
        return step, AMSGradState(t, m, v, v_max) if amsgrad else AdamState(t, m, v)

    return Optimizer(init, update)


def nadam(
    lr: float = 2e-3,
    betas=(0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    momentum_decay: float = 4e-3,
    decoupled_weight_decay: bool = False,
) -> Optimizer:
    """torch.optim.NAdam (Dozat's Nesterov Adam with torch's μ schedule).

    μₜ = β1(1 − ½·0.96^(tψ)); m, v as in Adam; θ ← θ − lr[(1−μₜ)g / (1−Πμ) + μₜ₊₁m / (1−Πμ·μₜ₊₁)] / (√v̂ + ε).
    weight_decay adds λθ to g, or with decoupled_weight_decay shrinks θ by lr·λθ first, as AdamW does.
    """

    def init(params):
        return NAdamState(np.zeros(()), np.ones(()), zeros(params), zeros(params))

    @takes("lr", "betas")
    def update(grads, state, params, lr=lr, betas=betas):
        beta1, beta2 = betas
        g = grads if decoupled_weight_decay else l2(grads, params, weight_decay)
        t = state.step + 1
        mu = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))
        mu_next = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
        mu_product = state.mu_product * mu
        m = lerp(state.exp_avg, g, 1 - beta1)
        v = beta2 * state.exp_avg_sq + (1 - beta2) * g * g
        denom = np.sqrt(v / (1 - beta2**t)) + eps
        step = -lr * (1 - mu) / (1 - mu_product) * g / denom
        step = step - lr * mu_next / (1 - mu_product * mu_next) * m / denom
        if decoupled_weight_decay and weight_decay:
            step = step - lr * weight_decay * params
        return step, NAdamState(t, mu_product, m, v)

    return Optimizer(init, update)


def radam(
    lr: float = 1e-3,
    betas=(0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    decoupled_weight_decay: bool = False,
) -> Optimizer:
    """torch.optim.RAdam (Liu et al. 2019): Adam whose adaptive step waits until v is trustworthy.

    m, v and m̂ as in Adam; ρ∞ = 2/(1 − β2) − 1, ρₜ = ρ∞ − 2tβ2ᵗ/(1 − β2ᵗ). While ρₜ ≤ 5 (the first
    few steps; the first 5 at β2 = 0.999) the step is SGD with momentum, θ ← θ − lr·m̂. Then
    θ ← θ − lr·m̂·rₜ·√(1 − β2ᵗ)/(√v + ε), rₜ = √((ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρₜ)): ε is
    added to √v, not to √v̂ as in Adam. Weight decay as in NAdam (L2, or decoupled).
    """

    def init(params):
        return AdamState(np.zeros(()), zeros(params), zeros(params))

    @takes("lr", "betas")
    def update(grads, state, params, lr=lr, betas=betas):
        beta1, beta2 = betas
        rho_inf = 2 / (1 - beta2) - 1
        g = grads if decoupled_weight_decay else l2(grads, params, weight_decay)
        t = state.step + 1
        m = lerp(state.exp_avg, g, 1 - beta1)
        v = beta2 * state.exp_avg_sq + (1 - beta2) * g * g
        bias_correction2 = 1 - beta2**t
        m_hat = m / (1 - beta1**t)
        rho_t = rho_inf - 2 * t * beta2**t / bias_correction2
        if rho_t > 5.0:
            adaptive = bias_correction2**0.5 / (np.sqrt(v) + eps)
            step = -(m_hat * lr * adaptive * _rectification(rho_t, rho_inf))
        else:
            step = -(m_hat * lr)
        if decoupled_weight_decay and weight_decay:
            step = step - lr * weight_decay * params
        return step, AdamState(t, m, v)

    return Optimizer(init, update)


def _rectification(rho_t, rho_inf):
    """RAdam's rₜ: how far the variance of the adaptive rate is from its limit, ≤ 1 and rising to 1."""
    return ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5


def adamax(lr: float = 2e-3, betas=(0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0.0) -> Optimizer:
    """torch.optim.Adamax (Kingma & Ba's infinity-norm Adam): m as in Adam; u ← max(β2u, |g| + ε);
    θ ← θ − lr/(1 − β1ᵗ) · m/u. ε sits inside the max, so u > 0 from the first step; weight_decay is L2."""

    def init(params):
        return AdamaxState(np.zeros(()), zeros(params), zeros(params))

    @takes("lr", "betas")
    def update(grads, state, params, lr=lr, betas=betas):
        beta1, beta2 = betas
        g = l2(grads, params, weight_decay)
        t = state.step + 1
        m = lerp(state.exp_avg, g, 1 - beta1)
        u = np.maximum(beta2 * state.exp_inf, np.abs(g) + eps)
        return -(lr / (1 - beta1**t)) * m / u, AdamaxState(t, m, u)

    return Optimizer(init, update)


# --- the inspector ---------------------------------------------------------------------------


def _corrected(s: Step, name: str, i: int, raw, rule_raw: str = "") -> tuple[str, np.ndarray]:
    """x̂_t = x_t / (1 − β_i^t) with the recorded step counter: the line and x̂."""
    k, beta = int(s.new.step), s.hyper["betas"][i - 1]
    hat = raw / (1 - beta**k)
    rule = rf"\hat {name}_<t> = \frac{{{rule_raw or name + '_<t>'}}}{{1 - \beta_{i}^<t>}}"
    return s.line(rule, rf"\frac{{{tex_vector(raw)}}}{{1 - {tex_number(beta)}^{{{k}}}}}", tex_vector(hat)), hat


def _averages(s: Step, g: np.ndarray, second: bool = True) -> list[str]:
    """The moving averages m_t and (with ``second``) v_t of the g the optimizer saw."""
    beta1, beta2 = s.hyper["betas"]
    m_rule, v_rule = r"m_<t> = \beta_1 m_<p> + (1 - \beta_1) g_<t>", r"v_<t> = \beta_2 v_<p> + (1 - \beta_2) g_<t>^2"
    lines = [ELEMENTWISE, s.average(m_rule, beta1, s.prev.exp_avg, g, s.new.exp_avg)]
    if second:
        lines.append(s.average(v_rule, beta2, s.prev.exp_avg_sq, g * g, s.new.exp_avg_sq))
    return lines


def _moments(s: Step, g: np.ndarray, amsgrad: bool = False) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Adam's m_t, v_t, with amsgrad v^max_t, and the bias corrections: the lines, m̂ and v̂."""
    lines = _averages(s, g)
    v = s.new.exp_avg_sq
    if amsgrad:
        v = s.new.max_exp_avg_sq
        both = rf"\max\left({tex_vector(s.prev.max_exp_avg_sq)}, {tex_vector(s.new.exp_avg_sq)}\right)"
        lines.append(
            s.line(r"v^{\max}_<t> = \max(v^{\max}_<p>, v_<t>)", both, tex_vector(v))
            + r" \quad \text{(amsgrad: the largest } v \text{ so far)}"
        )
    m_line, m_hat = _corrected(s, "m", 1, s.new.exp_avg)
    v_line, v_hat = _corrected(s, "v", 2, v, r"v^{\max}_<t>" if amsgrad else "")
    return [*lines, m_line, v_line], m_hat, v_hat


def _decoupled(s: Step) -> tuple[np.ndarray, list[str]]:
    """AdamW's decoupled weight decay: θ' = θ_{t-1} − ηλθ_{t-1}, and its line."""
    lr, wd = s.hyper["lr"], s.hyper["weight_decay"]
    shrunk = s.theta_prev - lr * wd * s.theta_prev
    numbers = rf"{tex_vector(s.theta_prev)} - {tex_rate(lr)} \cdot {tex_number(wd)}\, {tex_vector(s.theta_prev)}"
    return shrunk, [s.line(r"\theta' = \theta_<p> - \eta\lambda\, \theta_<p>", numbers, tex_vector(shrunk))]


def _decay(s: Step, decoupled: bool) -> tuple[np.ndarray, np.ndarray | None, list[str]]:
    """Weight decay either way: the g the averages see, θ' (None when not decoupled) and the line."""
    if decoupled and s.hyper["weight_decay"]:
        shrunk, lines = _decoupled(s)
        return s.g, shrunk, lines
    g, lines = decayed(s)
    return g, None, lines


def _step_from(s: Step, shrunk, rule: str, lr, direction: str) -> str:
    """The update line: from θ_{t-1}, or from θ' after a decoupled weight decay."""
    if shrunk is None:
        return s.update(rule, lr, direction)
    return s.line(
        r"\theta_<t> = \theta' " + rule,
        rf"{tex_vector(shrunk)} - {tex_rate(lr)}\, {direction}",
        f"{tex_vector(s.theta_prev)} + {tex_vector(s.step)}",
        tex_vector(s.theta),
    )


def _decay_arrow(s: Step, shrunk) -> dict[str, np.ndarray]:
    return {} if shrunk is None else {DECAY: -s.hyper["lr"] * s.hyper["weight_decay"] * s.theta_prev}


ADAM_RULE = r"- \eta\, \frac{\hat m_<t>}{\sqrt{\hat v_<t>} + \epsilon}"


def _explain_adam(s: Step) -> Explanation:
    lr, eps = s.hyper["lr"], s.hyper["eps"]
    g, decay = decayed(s)  # L2: the decay joins the gradient before the averages
    moments, m_hat, v_hat = _moments(s, g, s.hyper["amsgrad"])
    lines = [*decay, *moments, s.update(ADAM_RULE, lr, tex_ratio(m_hat, v_hat, eps))]
    return Explanation(lines, {GRAD_STEP: -lr * s.g, STEP: s.step})


def _explain_adamw(s: Step) -> Explanation:
    lr, eps = s.hyper["lr"], s.hyper["eps"]
    shrunk, decay = _decoupled(s)
    moments, m_hat, v_hat = _moments(s, s.g, s.hyper["amsgrad"])
    lines = [*decay, *moments, _step_from(s, shrunk, ADAM_RULE, lr, tex_ratio(m_hat, v_hat, eps))]
    arrows = {
        GRAD_STEP: -lr * s.g,
        **_decay_arrow(s, shrunk),
        "−η·m̂/(√v̂+ε) (Adam step)": -lr * m_hat / (np.sqrt(v_hat) + eps),
    }
    return Explanation(lines, {**arrows, STEP: s.step})


def _explain_nadam(s: Step) -> Explanation:
    lr, eps, psi, (beta1, _) = s.hyper["lr"], s.hyper["eps"], s.hyper["momentum_decay"], s.hyper["betas"]
    k, prod = int(s.new.step), float(s.new.mu_product)  # the recorded counter and Π μ_i over i ≤ t
    mu, mu_next = (beta1 * (1 - 0.5 * 0.96 ** (i * psi)) for i in (k, k + 1))
    c_g, c_m = (1 - mu) / (1 - prod), mu_next / (1 - prod * mu_next)
    g, shrunk, decay = _decay(s, s.hyper["decoupled_weight_decay"])
    v_line, v_hat = _corrected(s, "v", 2, s.new.exp_avg_sq)  # NAdam uses m_t itself
    m, den = s.new.exp_avg, np.sqrt(v_hat) + eps
    mixed = tex_column(
        rf"\frac{{{tex_number(c_g)} \cdot {tex_factor(gi)} + {tex_number(c_m)} \cdot {tex_factor(mi)}}}"
        rf"{{\sqrt{{{tex_number(vi)}}} + {tex_number(eps)}}}"
        for gi, mi, vi in zip(g, m, v_hat, strict=True)
    )

    def schedule(i: int) -> str:
        return rf"{tex_number(beta1)}\,(1 - \tfrac12\, 0.96^{{{i} \cdot {tex_number(psi)}}})"

    lines = [
        *decay,
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
        *_averages(s, g),
        v_line,
        _step_from(
            s,
            shrunk,
            r"- \eta \left[\frac{(1 - \mu_<t>)\, g_<t>}{1 - \prod_{i \le <t>} \mu_i}"
            r" + \frac{\mu_<n>\, m_<t>}{1 - \prod_{i \le <n>} \mu_i}\right]"
            r" \Big/ \left(\sqrt{\hat v_<t>} + \epsilon\right)",
            lr,
            mixed,
        ),
    ]
    arrows = {
        GRAD_STEP: -lr * s.g,
        **_decay_arrow(s, shrunk),
        "−η·(1−μₜ)·g/(√v̂+ε)/(1−Πμ) (gradient part)": -lr * c_g * g / den,
        "−η·μₜ₊₁·m/(√v̂+ε)/(1−Πμ·μₜ₊₁) (momentum part)": -lr * c_m * m / den,
    }
    return Explanation(lines, {**arrows, STEP: s.step})


def _explain_radam(s: Step) -> Explanation:
    lr, eps, (_, beta2) = s.hyper["lr"], s.hyper["eps"], s.hyper["betas"]
    k, b2 = int(s.new.step), tex_number(beta2)  # the recorded counter
    g, shrunk, decay = _decay(s, s.hyper["decoupled_weight_decay"])
    m_line, m_hat = _corrected(s, "m", 1, s.new.exp_avg)
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * k * beta2**k / (1 - beta2**k)
    lines = [
        *decay,
        *_averages(s, g),
        m_line,
        s.line(r"\rho_\infty = \frac{2}{1 - \beta_2} - 1", rf"\frac{{2}}{{1 - {b2}}} - 1", tex_number(rho_inf)),
        s.line(
            r"\rho_<t> = \rho_\infty - \frac{2 \cdot <t>\, \beta_2^<t>}{1 - \beta_2^<t>}",
            rf"{tex_number(rho_inf)} - \frac{{2 \cdot {k} \cdot {b2}^{{{k}}}}}{{1 - {b2}^{{{k}}}}}",
            tex_number(rho_t),
        ),
    ]
    if rho_t > 5.0:
        r, ri, rt = _rectification(rho_t, rho_inf), tex_number(rho_inf), tex_number(rho_t)
        numbers = rf"\sqrt{{\frac{{({rt} - 4)({rt} - 2) \cdot {ri}}}{{({ri} - 4)({ri} - 2) \cdot {rt}}}}}"
        why = s.sym(r" \quad \text{(}\rho_<t> > 5\text{: the adaptive step, rectified)}")
        lines.append(s.line(RECTIFICATION.replace("_t", "_<t>"), numbers, tex_number(r)) + why)
        root, e = tex_number((1 - beta2**k) ** 0.5), tex_number(eps)
        direction = tex_column(
            rf"\frac{{{tex_number(mi)} \cdot {tex_number(r)} \cdot {root}}}{{\sqrt{{{tex_number(vi)}}} + {e}}}"
            for mi, vi in zip(m_hat, s.new.exp_avg_sq, strict=True)
        )
        rule = r"- \eta\, \frac{\hat m_<t>\, r_<t> \sqrt{1 - \beta_2^<t>}}{\sqrt{v_<t>} + \epsilon}"
        part = "−η·m̂·r·√(1−β₂ᵗ)/(√v+ε) (rectified Adam step)"
        move = -lr * m_hat * r * (1 - beta2**k) ** 0.5 / (np.sqrt(s.new.exp_avg_sq) + eps)
    else:
        lines.append(
            s.sym(r"\rho_<t> \le 5")
            + r"\text{: too few steps to trust } v\text{, so no adaptive scaling: a step of SGD with momentum}"
        )
        rule, direction = r"- \eta\, \hat m_<t>", tex_vector(m_hat)
        part, move = "−η·m̂ (momentum step, not yet rectified)", -lr * m_hat
    lines.append(_step_from(s, shrunk, rule, lr, direction))
    arrows = {GRAD_STEP: -lr * s.g, **_decay_arrow(s, shrunk), part: move}
    return Explanation(lines, {**arrows, STEP: s.step})


def _explain_adamax(s: Step) -> Explanation:
    lr, eps, (beta1, beta2) = s.hyper["lr"], s.hyper["eps"], s.hyper["betas"]
    k, u_prev, u = int(s.new.step), s.prev.exp_inf, s.new.exp_inf
    g, decay = decayed(s)
    clr, b1 = lr / (1 - beta1**k), tex_number(beta1)
    e = tex_number(eps)
    both = tex_column(
        rf"\max({tex_number(beta2 * ui)}, {tex_number(abs(gi))} + {e})" for ui, gi in zip(u_prev, g, strict=True)
    )
    ratios = tex_column(
        rf"\frac{{{tex_number(mi)}}}{{{tex_number(ui)}}}" for mi, ui in zip(s.new.exp_avg, u, strict=True)
    )
    lines = [
        *decay,
        *_averages(s, g, second=False),
        s.line(r"u_<t> = \max(\beta_2 u_<p>, |g_<t>| + \epsilon)", both, tex_vector(u))
        + r" \quad \text{(the largest recent } |g| \text{, decaying)}",
        s.line(r"\frac{\eta}{1 - \beta_1^<t>}", rf"\frac{{{tex_rate(lr)}}}{{1 - {b1}^{{{k}}}}}", tex_rate(clr)),
        s.update(r"- \frac{\eta}{1 - \beta_1^<t>}\, \frac{m_<t>}{u_<t>}", clr, ratios),
    ]
    return Explanation(lines, {GRAD_STEP: -lr * s.g, STEP: s.step})


RECTIFICATION = (
    r"r_t = \sqrt{\frac{(\rho_t - 4)(\rho_t - 2)\, \rho_\infty}{(\rho_\infty - 4)(\rho_\infty - 2)\, \rho_t}}"
)
ADAM_SYMBOLS = {"step": "t", "exp_avg": "m", "exp_avg_sq": "v"}
AMSGRAD = HyperParam("amsgrad", False, 0.0, 1.0, kind="bool", help="divide by the largest v so far")
DECOUPLED = HyperParam(
    "decoupled_weight_decay", False, 0.0, 1.0, kind="bool", help="shrink θ by ηλθ directly (as AdamW), not via g"
)
MOMENTS = r"m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t \qquad v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \qquad "
AMS_V_HAT = (
    r"\hat v_t = \frac{v_t}{1 - \beta_2^t} \ \text{or, with amsgrad,}\ \frac{\max_{i \le t} v_i}{1 - \beta_2^t} \qquad "
)
EITHER_DECAY = (
    r"g_t \leftarrow g_t + \lambda\, \theta_{t-1} \ \text{or, decoupled,}\ "
    r"\theta_{t-1} \leftarrow \theta_{t-1} - \eta\lambda\, \theta_{t-1} \qquad "
)

RANK = 3  # where this family comes in the registry: simplest first
SPECS = (
    OptimizerSpec(
        "adam",
        "Adam",
        adam,
        (lr_param(1e-3), BETAS, eps_param(1e-8), weight_decay_param(), AMSGRAD, MAXIMIZE),
        L2
        + MOMENTS
        + r"\hat m_t = \frac{m_t}{1 - \beta_1^t} \qquad "
        + AMS_V_HAT
        + r"\theta_t = \theta_{t-1} - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}",
        "torch.optim.Adam: bias-corrected averages, ε added after the square root; amsgrad divides by the "
        "largest v so far (v^max, kept in the state only then).",
        explain=_explain_adam,
        torch=Torch("Adam"),
        look=Look("#CC79A7", "hourglass", "solid"),
        start={"lr": 0.1},
        linear_start={"lr": 0.05},
        symbols={**ADAM_SYMBOLS, "max_exp_avg_sq": "vᵐᵃˣ"},
    ),
    OptimizerSpec(
        "adamw",
        "AdamW",
        adamw,
        (
            lr_param(1e-3),
            BETAS,
            eps_param(1e-8),
            weight_decay_param(1e-2, help="pull toward the origin, decoupled"),
            AMSGRAD,
            MAXIMIZE,
        ),
        r"\theta' = \theta_{t-1} - \eta\lambda\,\theta_{t-1} \qquad "
        + AMS_V_HAT
        + r"\theta_t = \theta' - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}",
        "torch.optim.AdamW: the weight decay is applied to θ directly, not added to the gradient; amsgrad as in Adam.",
        explain=_explain_adamw,
        torch=Torch("AdamW"),
        look=Look("#F0E442", "pentagon", "dash"),
        start={"lr": 0.1},
        linear_start={"lr": 0.05},
        symbols={**ADAM_SYMBOLS, "max_exp_avg_sq": "vᵐᵃˣ"},
    ),
    OptimizerSpec(
        "nadam",
        "NAdam",
        nadam,
        (
            lr_param(2e-3),
            BETAS,
            eps_param(1e-8),
            weight_decay_param(),
            HyperParam(
                "momentum_decay",
                4e-3,
                0.0,
                0.1,
                symbols=("ψ",),
                help="schedule of the momentum factor",
                bounds=NONNEGATIVE,
            ),
            DECOUPLED,
            MAXIMIZE,
        ),
        EITHER_DECAY + r"\mu_t = \beta_1\,(1 - \tfrac12\, 0.96^{t\psi}) \qquad "
        r"\theta_t = \theta_{t-1} - \eta \left[\frac{(1 - \mu_t)\, g_t}{1 - \prod_{i \le t} \mu_i}"
        r" + \frac{\mu_{t+1}\, m_t}{1 - \prod_{i \le t+1} \mu_i}\right] \Big/ \left(\sqrt{\hat v_t} + \epsilon\right)",
        "torch.optim.NAdam: Adam with a Nesterov look-ahead on the first moment and a warming μ schedule; "
        "weight decay joins g, or with decoupled_weight_decay shrinks θ as AdamW does.",
        explain=_explain_nadam,
        torch=Torch("NAdam"),
        look=Look("#000000", "hexagram", "dot"),
        start={"lr": 0.1},
        linear_start={"lr": 0.05},
        symbols={**ADAM_SYMBOLS, "mu_product": "Πμ"},
    ),
    OptimizerSpec(
        "radam",
        "RAdam",
        radam,
        (lr_param(1e-3), BETAS, eps_param(1e-8), weight_decay_param(), DECOUPLED, MAXIMIZE),
        EITHER_DECAY + MOMENTS + r"\hat m_t = \frac{m_t}{1 - \beta_1^t} \qquad "
        r"\rho_\infty = \frac{2}{1 - \beta_2} - 1 \qquad "
        r"\rho_t = \rho_\infty - \frac{2t\, \beta_2^t}{1 - \beta_2^t} \qquad " + RECTIFICATION + r" \qquad "
        r"\theta_t = \theta_{t-1} - \eta\, \frac{\hat m_t\, r_t \sqrt{1 - \beta_2^t}}{\sqrt{v_t} + \epsilon}"
        r" \ \text{if}\ \rho_t > 5, \ \text{else}\ \theta_t = \theta_{t-1} - \eta\, \hat m_t",
        "torch.optim.RAdam: Adam with its adaptive step rectified by r_t, and plain SGD with momentum for the first "
        "steps while ρ_t ≤ 5 (five steps at β₂ = 0.999); ε is added to √v, not to √v̂.",
        explain=_explain_radam,
        torch=Torch("RAdam"),
        look=Look("#56B4E9", "star", "longdashdot"),
        start={"lr": 0.02},  # its first steps are SGD with momentum at this lr: 0.05 throws Beale's start away
        linear_start={"lr": 0.1},
        symbols=ADAM_SYMBOLS,
    ),
    OptimizerSpec(
        "adamax",
        "Adamax",
        adamax,
        (lr_param(2e-3), BETAS, eps_param(1e-8), weight_decay_param(), MAXIMIZE),
        L2 + r"m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t \qquad u_t = \max(\beta_2 u_{t-1}, |g_t| + \epsilon) \qquad "
        r"\theta_t = \theta_{t-1} - \frac{\eta}{1 - \beta_1^t}\, \frac{m_t}{u_t}",
        "torch.optim.Adamax: Adam with the squared-gradient average replaced by a decaying maximum of |g| "
        "(the infinity norm); ε inside the max, no bias correction for u.",
        explain=_explain_adamax,
        torch=Torch("Adamax"),
        look=Look("#D55E00", "bowtie", "dash"),
        start={"lr": 0.1},
        linear_start={"lr": 0.05},
        symbols={"step": "t", "exp_avg": "m", "exp_inf": "u"},
    ),
)
