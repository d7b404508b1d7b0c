"""The Adam family: torch.optim.Adam, AdamW and NAdam, bias-corrected moving averages of g and g²."""

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
from .spec import (
    BETAS,
    HyperParam,
    Look,
    Optimizer,
    OptimizerSpec,
    Torch,
    check,
    check_betas,
    check_lr,
    eps_param,
    lerp,
    lr_param,
    zeros,
)


class AdamState(NamedTuple):
    step: np.ndarray
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray


class NAdamState(NamedTuple):
    step: np.ndarray
    mu_product: np.ndarray
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray


def adam(lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0.0) -> Optimizer:
    """torch.optim.Adam: m ← β1m + (1−β1)g; v ← β2v + (1−β2)g²; θ ← θ − lr·m̂ / (√v̂ + ε).

    m̂ = m / (1 − β1ᵗ), v̂ = v / (1 − β2ᵗ), ε outside the root. weight_decay adds λθ to g (L2).
    """
    return _adam(lr, betas, eps, weight_decay, decoupled=False)


def adamw(lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8, weight_decay: float = 1e-2) -> Optimizer:
    """torch.optim.AdamW: θ ← θ − lr·λθ first (decoupled weight decay), then Adam's step."""
    return _adam(lr, betas, eps, weight_decay, decoupled=True)


def _adam(lr, betas, eps, weight_decay, decoupled) -> Optimizer:
    lr = check_lr(lr)
    check_betas(betas)
    check(eps >= 0, f"eps must be ≥ 0, got {eps}")
    check(weight_decay >= 0, f"weight_decay must be ≥ 0, got {weight_decay}")
    beta1, beta2 = betas

    def init(params):
        return AdamState(np.zeros(()), zeros(params), zeros(params))

    def update(grads, state, params):
        if weight_decay and not decoupled:
            grads = grads + weight_decay * params
        t = state.step + 1
        m = lerp(state.exp_avg, grads, 1 - beta1)
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
    lr = check_lr(lr)
    check_betas(betas)
    check(eps >= 0, f"eps must be ≥ 0, got {eps}")
    check(momentum_decay >= 0, f"momentum_decay must be ≥ 0, got {momentum_decay}")
    beta1, beta2 = betas

    def init(params):
        return NAdamState(np.zeros(()), np.ones(()), zeros(params), zeros(params))

    def update(grads, state, params):
        t = state.step + 1
        mu = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))
        mu_next = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
        mu_product = state.mu_product * mu
        m = lerp(state.exp_avg, grads, 1 - beta1)
        v = beta2 * state.exp_avg_sq + (1 - beta2) * grads * grads
        denom = np.sqrt(v / (1 - beta2**t)) + eps
        step = -lr * (1 - mu) / (1 - mu_product) * grads / denom
        step = step - lr * mu_next / (1 - mu_product * mu_next) * m / denom
        return step, NAdamState(t, mu_product, m, v)

    return Optimizer(init, update)


# --- the inspector ---------------------------------------------------------------------------


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


def _explain_adam(s: Step) -> Explanation:
    lr, eps, wd = s.hyper["lr"], s.hyper["eps"], s.hyper["weight_decay"]
    g, lines = s.g + wd * s.theta_prev, []  # L2: the decay joins the gradient before the averages
    if wd:
        decay = rf"{tex_vector(s.g)} + {tex_number(wd)}\, {tex_vector(s.theta_prev)}"
        lines.append(s.line(r"g_<t> \leftarrow g_<t> + \lambda\, \theta_<p>", decay, tex_vector(g)))
    moments, m_hat, v_hat = _moments(s, g)
    lines += [*moments, s.update(ADAM_RULE, lr, tex_ratio(m_hat, v_hat, eps))]
    return Explanation(lines, {GRAD_STEP: -lr * s.g, STEP: s.step})


def _explain_adamw(s: Step) -> Explanation:
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
            rf"{tex_vector(decayed)} - {tex_rate(lr)}\, {tex_ratio(m_hat, v_hat, eps)}",
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


def _explain_nadam(s: Step) -> Explanation:
    lr, eps, psi, (beta1, _) = s.hyper["lr"], s.hyper["eps"], s.hyper["momentum_decay"], s.hyper["betas"]
    k, prod = int(s.new.step), float(s.new.mu_product)  # the recorded counter and Π μ_i over i ≤ t
    mu, mu_next = (beta1 * (1 - 0.5 * 0.96 ** (i * psi)) for i in (k, k + 1))
    c_g, c_m = (1 - mu) / (1 - prod), mu_next / (1 - prod * mu_next)
    moments, _, v_hat = _moments(s, s.g, m_hat_line=False)
    m, den = s.new.exp_avg, np.sqrt(v_hat) + eps
    mixed = tex_column(
        rf"\frac{{{tex_number(c_g)} \cdot {tex_factor(gi)} + {tex_number(c_m)} \cdot {tex_factor(mi)}}}"
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


ADAM_SYMBOLS = {"step": "t", "exp_avg": "m", "exp_avg_sq": "v"}

RANK = 3  # where this family comes in the registry: simplest first
SPECS = (
    OptimizerSpec(
        "adam",
        "Adam",
        adam,
        (
            lr_param(1e-3),
            BETAS,
            eps_param(1e-8),
            HyperParam("weight_decay", 0.0, 0.0, 1.0, symbols=("λ",), help="L2 penalty: adds λθ to the gradient"),
        ),
        r"m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t \qquad v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \qquad "
        r"\hat m_t = \frac{m_t}{1 - \beta_1^t} \qquad \hat v_t = \frac{v_t}{1 - \beta_2^t} \qquad "
        r"\theta_t = \theta_{t-1} - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}",
        "torch.optim.Adam: bias-corrected averages, ε added after the square root.",
        explain=_explain_adam,
        torch=Torch("Adam"),
        look=Look("#CC79A7", "hourglass", "solid"),
        start={"lr": 0.1},
        linear_start={"lr": 0.05},
        symbols=ADAM_SYMBOLS,
    ),
    OptimizerSpec(
        "adamw",
        "AdamW",
        adamw,
        (
            lr_param(1e-3),
            BETAS,
            eps_param(1e-8),
            HyperParam("weight_decay", 1e-2, 0.0, 1.0, symbols=("λ",), help="pull toward the origin, decoupled"),
        ),
        r"\theta' = \theta_{t-1} - \eta\lambda\,\theta_{t-1} \qquad "
        r"\theta_t = \theta' - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}",
        "torch.optim.AdamW: the weight decay is applied to θ directly, not added to the gradient.",
        explain=_explain_adamw,
        torch=Torch("AdamW"),
        look=Look("#F0E442", "pentagon", "dash"),
        start={"lr": 0.1},
        linear_start={"lr": 0.05},
        symbols=ADAM_SYMBOLS,
    ),
    OptimizerSpec(
        "nadam",
        "NAdam",
        nadam,
        (
            lr_param(2e-3),
            BETAS,
            eps_param(1e-8),
            HyperParam("momentum_decay", 4e-3, 0.0, 0.1, symbols=("ψ",), help="schedule of the momentum factor"),
        ),
        r"\mu_t = \beta_1\,(1 - \tfrac12\, 0.96^{t\psi}) \qquad "
        r"\theta_t = \theta_{t-1} - \eta \left[\frac{(1 - \mu_t)\, g_t}{1 - \prod_{i \le t} \mu_i}"
        r" + \frac{\mu_{t+1}\, m_t}{1 - \prod_{i \le t+1} \mu_i}\right] \Big/ \left(\sqrt{\hat v_t} + \epsilon\right)",
        "torch.optim.NAdam: Adam with a Nesterov look-ahead on the first moment and a warming μ schedule.",
        explain=_explain_nadam,
        torch=Torch("NAdam"),
        look=Look("#000000", "hexagram", "dot"),
        start={"lr": 0.1},
        linear_start={"lr": 0.05},
        symbols={**ADAM_SYMBOLS, "mu_product": "Πμ"},
    ),
)
