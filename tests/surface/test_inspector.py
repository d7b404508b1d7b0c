"""Tests for gdviz/surface/inspector.py: the step inspector's lines, arrows and state rows.

The reference for every number is the recorded run itself: the step and point the text ends on are
traj.steps and traj.points, the arrows add up to traj.steps, and a batch start reads like the same
start run alone.
"""

import re

import numpy as np
import pytest

from gdviz import OPTIMIZERS, SURFACES, Trajectory, run
from gdviz.surface.inspector import GRAD_STEP, STEP, arrows, explain_step, state_rows, tex_number, tex_vector

HIMMELBLAU = SURFACES["himmelblau"]
LR = 0.0123  # an lr no default has, so finding it in the text means it came from the run
STARTS = np.array([[0.0, 0.0], [3.0, -2.0], [-4.0, 4.0]])
STEPS = 12

# the arrows that add up to the step taken, by label
PARTS = {
    "sgd": ({}, [GRAD_STEP]),
    "momentum": ({}, [GRAD_STEP, "−η·μ·bₜ₋₁ (velocity carried over)"]),
    "nesterov": ({}, [GRAD_STEP, "−η·μ·bₜ (look-ahead velocity)"]),
    "rmsprop": (
        {"momentum": 0.5},
        ["−η·μ·bₜ₋₁ (velocity carried over)", "−η·g/(√v+ε) (scaled gradient step)"],
    ),
    "adamw": ({"weight_decay": 0.1}, ["−η·λ·θ (weight decay)", "−η·m̂/(√v̂+ε) (Adam step)"]),
    "nadam": ({}, ["−η·(1−μₜ)·g/(√v̂+ε)/(1−Πμ) (gradient part)", "−η·μₜ₊₁·m/(√v̂+ε)/(1−Πμ·μₜ₊₁) (momentum part)"]),
    "asgd": ({"weight_decay": 0.1}, ["−λ·ηₜ·θ (decay toward 0)", "−ηₜ·g (decayed gradient step)"]),
    "lion": ({"weight_decay": 0.1}, ["−η·λ·θ (weight decay)", "−η·sign(c) (sign step)"]),
    "adafactor": ({"weight_decay": 0.1}, ["−γ·λ·θ (weight decay)", "−α·u/max(1, RMS(u)/d) (relative step)"]),
}


def _text(lines):
    return "\n".join(lines)


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_every_record_names_each_state_field_with_a_symbol(optimizer):
    """The state table shows a symbol per field: each record names every field its optimizer keeps, with
    any switch on too (amsgrad and centered add a field, as torch's state does)."""
    spec = OPTIMIZERS[optimizer]
    switches = [{}] + [{h.name: True} for h in spec.hyper if h.kind == "bool" and h.name != "maximize"]
    fields = {f for on in switches for f in spec(**on).init(np.zeros(2))._fields}
    assert fields == set(spec.symbols), optimizer


# --- the lines ------------------------------------------------------------------------------------


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_lines_show_the_runs_lr_step_and_new_point(optimizer):
    traj = run(HIMMELBLAU, optimizer, (0.0, 0.0), STEPS, lr=LR)
    for t in (1, 2, 5, STEPS):
        lines = explain_step(traj, t)
        assert lines and all(isinstance(line, str) and line for line in lines)
        text = _text(lines)
        assert tex_number(LR) in text
        assert tex_vector(traj.steps[t - 1]) in text, "the step taken, as recorded"
        assert tex_vector(traj.points[t]) in lines[-1], "ends on the new point"
        assert tex_vector(traj.points[t - 1]) in lines[0]
        assert tex_vector(traj.grads[t - 1]) in text
        assert f"\\theta_{{{t}}}" in text and f"\\theta_{{{t - 1}}}" in text


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_changing_a_hyperparameter_changes_the_text(optimizer):
    a = _text(explain_step(run(HIMMELBLAU, optimizer, (0.0, 0.0), 5, lr=0.05), 3))
    b = _text(explain_step(run(HIMMELBLAU, optimizer, (0.0, 0.0), 5, lr=0.0123), 3))
    assert "0.05" in a and "0.0123" not in a
    assert "0.0123" in b and "0.05" not in b


@pytest.mark.parametrize(
    ("optimizer", "hyper", "shown"),
    [
        ("momentum", {"momentum": 0.77}, ["0.77"]),
        ("nesterov", {"momentum": 0.66}, ["0.66"]),
        ("adagrad", {"eps": 3e-7}, [r"3\times10^{-7}"]),
        ("rmsprop", {"alpha": 0.93, "momentum": 0.4}, ["0.93", "0.07", "0.4"]),
        ("adadelta", {"rho": 0.85}, ["0.85", "0.15"]),
        ("adam", {"betas": (0.85, 0.995), "weight_decay": 0.3}, ["0.85", "0.995", "0.15", "0.005", "0.3", r"\lambda"]),
        ("adamw", {"betas": (0.8, 0.99), "weight_decay": 0.25}, ["0.8", "0.99", "0.25"]),
        ("nadam", {"momentum_decay": 0.02}, ["0.02"]),
        ("asgd", {"lambd": 0.0237, "alpha": 0.61, "t0": 2.5, "weight_decay": 0.13}, ["0.0237", "0.61", "2.5", "0.13"]),
        ("rprop", {"etas": (0.37, 1.27), "step_sizes": (1e-5, 0.77)}, ["0.37", "1.27", "10^{-5}", "0.77"]),
        ("lion", {"betas": (0.83, 0.97), "weight_decay": 0.11}, ["0.83", "0.17", "0.97", "0.03", "0.11"]),
        (
            "adafactor",
            {"beta2_decay": -0.63, "eps": (1e-25, 2.5e-3), "d": 1.7, "weight_decay": 0.13},
            ["-0.63", "10^{-25}", "0.0025", "1.7", "0.13"],
        ),
        ("lbfgs", {"tolerance_change": 3.3e-4}, ["0.00033"]),
    ],
)
def test_lines_show_the_runs_other_hyperparameters(optimizer, hyper, shown):
    text = _text(explain_step(run(HIMMELBLAU, optimizer, (1.0, 1.0), 5, lr=0.01, **hyper), 4))
    for number in shown:
        assert number in text


def test_adam_writes_its_bias_corrections_with_the_step_number():
    traj = run(HIMMELBLAU, "adam", (0.0, 0.0), 5, lr=0.05)
    text = _text(explain_step(traj, 3))
    assert r"1 - 0.9^{3}" in text and r"1 - 0.999^{3}" in text
    assert tex_vector(traj.states.exp_avg[3]) in text and tex_vector(traj.states.exp_avg_sq[3]) in text
    assert tex_vector(traj.states.exp_avg[2]) in text, "m_{t-1}, as recorded"


def test_momentum_writes_the_buffers_before_and_after():
    traj = run(HIMMELBLAU, "momentum", (0.0, 0.0), 5, lr=0.05)
    b = traj.states.momentum_buffer
    line = next(line for line in explain_step(traj, 3) if line.startswith("b_{3}"))
    assert line == (
        r"b_{3} = \mu\, b_{2} + g_{3} = 0.9\, " + tex_vector(b[2]) + " + " + tex_vector(traj.grads[2])
        + " = " + tex_vector(b[3])
    )  # fmt: skip


# --- numbers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (0.05, "0.05"),
        (1.0, "1"),
        (-2.5, "-2.5"),
        (123.456, "123.5"),
        (12345.6, r"1.235\times10^{4}"),
        (1e-8, "10^{-8}"),
        (-1e-8, "-10^{-8}"),
        (2.5e-5, r"2.5\times10^{-5}"),
        (0.0, "0"),
        (-0.0, "0"),
    ],
)
def test_numbers_are_compact(x, text):
    assert tex_number(x) == text


@pytest.mark.parametrize("x", [np.nan, np.inf, -np.inf])
def test_a_non_finite_number_is_said_in_words(x):
    text = tex_number(x)
    assert "finite" in text and "nan" not in text.lower() and "inf" not in text.lower()


# --- arrows ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_arrows_start_with_the_gradient_step_and_end_with_the_step_taken(optimizer):
    traj = run(HIMMELBLAU, optimizer, (0.0, 0.0), STEPS, lr=LR)
    for t in (1, 4, STEPS):
        a = arrows(traj, t)
        labels = list(a)
        assert labels[0] == GRAD_STEP and labels[-1] == STEP
        np.testing.assert_array_equal(a[STEP], traj.steps[t - 1])
        np.testing.assert_allclose(a[GRAD_STEP], -LR * traj.grads[t - 1], rtol=1e-12)
        assert all(v.shape == (2,) and np.isfinite(v).all() for v in a.values())


@pytest.mark.parametrize("optimizer", list(PARTS))
def test_the_parts_of_the_update_add_up_to_the_step_taken(optimizer):
    hyper, parts = PARTS[optimizer]
    traj = run(HIMMELBLAU, optimizer, STARTS, STEPS, lr=0.01, **hyper)
    for i in range(len(STARTS)):
        for t in (1, 2, 7, STEPS):
            a = arrows(traj, t, i)
            assert set(parts) <= set(a)
            np.testing.assert_allclose(sum(a[p] for p in parts), a[STEP], rtol=1e-9, atol=1e-12)


DECAY, VELOCITY = "−η·λ·θ (weight decay)", "−η·μ·bₜ₋₁ (velocity carried over)"
HELD_BACK = "+η·τ·g (held back by dampening)"
RECTIFIED, UNRECTIFIED = "−η·m̂·r·√(1−β₂ᵗ)/(√v+ε) (rectified Adam step)", "−η·m̂ (momentum step, not yet rectified)"
# the parts with torch's options on; a part may sit out a step (dampening holds nothing back at step 1,
# RAdam is rectified only from step 6), but those present add up to the step taken
OPTION_PARTS = [
    ("sgd", {"weight_decay": 0.1}, [GRAD_STEP, DECAY]),
    ("momentum", {"dampening": 0.3, "weight_decay": 0.1}, [GRAD_STEP, DECAY, VELOCITY, HELD_BACK]),
    ("nesterov", {"weight_decay": 0.1}, [GRAD_STEP, DECAY, "−η·μ·bₜ (look-ahead velocity)"]),
    ("rmsprop", {"momentum": 0.5, "centered": True}, [VELOCITY, "−η·g/(√(v−ḡ²)+ε) (scaled gradient step)"]),
    ("adamw", {"weight_decay": 0.1, "amsgrad": True}, ["−η·λ·θ (weight decay)", "−η·m̂/(√v̂+ε) (Adam step)"]),
    ("nadam", {"weight_decay": 0.1, "decoupled_weight_decay": True}, [DECAY, *PARTS["nadam"][1]]),
    ("radam", {"weight_decay": 0.1, "decoupled_weight_decay": True}, [DECAY, RECTIFIED, UNRECTIFIED]),
    ("radam", {}, [RECTIFIED, UNRECTIFIED]),
]


@pytest.mark.parametrize(("optimizer", "hyper", "parts"), OPTION_PARTS, ids=lambda x: str(x))
def test_the_parts_add_up_with_torchs_options_on(optimizer, hyper, parts):
    traj = run(HIMMELBLAU, optimizer, STARTS, STEPS, lr=0.01, **hyper)
    seen = set()
    for i in range(len(STARTS)):
        for t in range(1, STEPS + 1):
            a = arrows(traj, t, i)
            present = [p for p in parts if p in a]
            assert len(present) >= len(parts) - 1, (t, list(a))
            np.testing.assert_allclose(sum(a[p] for p in present), a[STEP], rtol=1e-9, atol=1e-12)
            seen |= set(present)
    assert seen == set(parts), "every part shows at some step"


@pytest.mark.parametrize("options", ["defaults", "all on"])
@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_every_optimizers_arrows_add_up_to_the_step_taken(optimizer, options):
    """No table: whatever arrows a record's explainer draws between the plain gradient step and the step taken are
    the parts of the step, adding up to it alone or with the gradient step (momentum's −η·g + velocity) at every step.
    PARTS above names, for some, which parts they are."""
    hyper = ALL_ON[optimizer] if options == "all on" else {}
    traj = run(HIMMELBLAU, optimizer, STARTS, STEPS, lr=0.01, **hyper)
    for i in range(len(STARTS)):
        for t in (1, 2, 7, STEPS):  # dampening holds back from step 2, RAdam rectifies from step 6
            a = arrows(traj, t, i)
            parts = [a[label] for label in a if label not in (GRAD_STEP, STEP)]
            if parts:
                alone, with_g = sum(parts), sum(parts) + a[GRAD_STEP]
                close = [np.allclose(s, a[STEP], rtol=1e-9, atol=1e-12) for s in (alone, with_g)]
                assert any(close), (t, i, list(a))


L2_DECAY = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam", "nadam", "radam", "adamax"]


@pytest.mark.parametrize("optimizer", L2_DECAY)
def test_weight_decay_joins_the_gradient_with_the_runs_numbers(optimizer):
    traj = run(HIMMELBLAU, optimizer, (1.0, 1.0), 5, lr=0.01, weight_decay=0.37)
    text = _text(explain_step(traj, 3))
    g = traj.grads[2] + 0.37 * traj.points[2]
    rule = r"g_{3} \leftarrow g_{3} + \lambda\, \theta_{2} = " + tex_vector(traj.grads[2]) + r" + 0.37\, "
    assert rule + tex_vector(traj.points[2]) + " = " + tex_vector(g) in text
    plain = _text(explain_step(run(HIMMELBLAU, optimizer, (1.0, 1.0), 5, lr=0.01), 3))
    assert r"\lambda" not in plain, "no weight-decay line when λ = 0"


def test_dampening_starts_the_buffer_at_g_then_damps_each_new_gradient():
    traj = run(HIMMELBLAU, "momentum", (1.0, 1.0), 5, lr=0.01, momentum=0.9, dampening=0.4)
    b, g = traj.states.momentum_buffer, traj.grads
    np.testing.assert_array_equal(b[1], g[0])  # torch: the first buffer is the gradient itself, undamped
    np.testing.assert_allclose(b[3], 0.9 * b[2] + 0.6 * g[2], rtol=1e-15)
    first = _text(explain_step(traj, 1))
    assert r"b_{1} = g_{1} = " + tex_vector(g[0]) in first and "undamped" in first
    third = _text(explain_step(traj, 3))
    rule = r"b_{3} = \mu\, b_{2} + (1 - \tau)\, g_{3} = 0.9\, "
    assert rule + tex_vector(b[2]) + r" + 0.6\, " + tex_vector(g[2]) + " = " + tex_vector(b[3]) in third
    a = arrows(traj, 3)
    np.testing.assert_allclose(a[HELD_BACK], 0.01 * 0.4 * g[2])
    assert HELD_BACK not in arrows(traj, 1)


def test_adagrad_writes_its_decayed_rate_and_initial_sum():
    traj = run(HIMMELBLAU, "adagrad", (1.0, 1.0), 5, lr=0.5, lr_decay=0.1, initial_accumulator_value=2.5)
    eta_4 = 0.5 / (1 + 3 * 0.1)
    s, g = traj.states.sum, traj.grads
    np.testing.assert_allclose(traj.steps[3], -eta_4 * g[3] / (np.sqrt(s[4]) + 1e-10), rtol=1e-14)
    fourth = _text(explain_step(traj, 4))
    rate = r"\eta_{4} = \frac{\eta}{1 + ({4} - 1)\, \delta} = \frac{0.5}{1 + 3 \cdot 0.1} = "
    assert rate + tex_number(eta_4) in fourth
    assert r"\theta_{4} = \theta_{3} - \eta_{4}" in fourth and f"- {tex_number(eta_4)}" in fourth
    first = _text(explain_step(traj, 1))
    np.testing.assert_array_equal(s[0], (2.5, 2.5))
    assert r"s_0 = 2.5" in first and tex_vector(s[0]) + " + " + tex_vector(g[0] ** 2) in first
    assert r"\eta_{1}" not in _text(explain_step(run(HIMMELBLAU, "adagrad", (1.0, 1.0), 2, lr=0.5), 1))


@pytest.mark.parametrize("centered", [False, True])
def test_centered_rmsprop_divides_by_the_variance_and_keeps_its_fields(centered):
    traj = run(HIMMELBLAU, "rmsprop", (1.0, 1.0), 5, lr=0.01, centered=centered)
    text, rows = _text(explain_step(traj, 3)), state_rows(traj, 3)
    if not centered:  # torch keeps no average of g then, and neither does gdviz
        assert traj.states._fields == ("square_avg", "momentum_buffer") and r"\bar g" not in text
        return
    assert traj.states._fields == ("square_avg", "grad_avg", "momentum_buffer")
    v, g_avg = traj.states.square_avg[3], traj.states.grad_avg[3]
    assert (rows[1]["name"], rows[1]["symbol"], rows[1]["x"], rows[1]["y"]) == ("grad_avg", "ḡ", *g_avg)
    np.testing.assert_allclose(g_avg, 0.99 * traj.states.grad_avg[2] + 0.01 * traj.grads[2], rtol=1e-14)
    assert r"\bar g_{3} = \alpha\, \bar g_{2}" in text and tex_vector(g_avg) in text
    assert r"v_{3} - \bar g_{3}^2 = " + tex_vector(v) + " - " + tex_vector(g_avg * g_avg) in text
    np.testing.assert_allclose(traj.steps[2], -0.01 * traj.grads[2] / (np.sqrt(v - g_avg**2) + 1e-8), rtol=1e-13)


def test_amsgrad_divides_by_the_largest_v_so_far():
    hyper = {"lr": 0.05, "betas": (0.9, 0.8), "amsgrad": True}  # a short memory: v soon falls below its max
    traj = run(HIMMELBLAU, "adam", (1.0, 1.0), 40, **hyper)
    v, v_max = traj.states.exp_avg_sq, traj.states.max_exp_avg_sq
    np.testing.assert_array_equal(v_max[1:], np.maximum.accumulate(v[1:], axis=0))
    t = int(np.argmax((v_max > v).all(axis=-1)))  # a step where the max, not v_t, sets the scale
    assert t > 1
    text = _text(explain_step(traj, t))
    both = rf"\max\left({tex_vector(v_max[t - 1])}, {tex_vector(v[t])}\right) = {tex_vector(v_max[t])}"
    assert rf"v^{{\max}}_{{{t}}} = \max(v^{{\max}}_{{{t - 1}}}, v_{{{t}}}) = " + both in text
    assert tex_vector(v_max[t] / (1 - 0.8**t)) in text, "v̂ from the max"
    plain = run(HIMMELBLAU, "adam", (1.0, 1.0), 40, **{**hyper, "amsgrad": False})
    assert np.abs(plain.points - traj.points).max() > 1e-3 and "max_exp_avg_sq" not in plain.states._fields
    row = state_rows(traj, t)[-1]  # the inspector's table grows the field amsgrad adds
    assert (row["name"], row["symbol"], row["x"], row["y"]) == ("max_exp_avg_sq", "vᵐᵃˣ", *v_max[t])


@pytest.mark.parametrize("optimizer", ["nadam", "radam"])
def test_decoupled_weight_decay_shrinks_theta_first(optimizer):
    traj = run(HIMMELBLAU, optimizer, (1.0, 1.0), 8, lr=0.01, weight_decay=0.2, decoupled_weight_decay=True)
    text = _text(explain_step(traj, 7))
    shrunk = traj.points[6] - 0.01 * 0.2 * traj.points[6]
    assert r"\theta' = \theta_{6} - \eta\lambda\, \theta_{6} = " in text and tex_vector(shrunk) in text
    assert r"\leftarrow" not in text, "decoupled: λθ does not join g"
    np.testing.assert_allclose(arrows(traj, 7)[DECAY], -0.01 * 0.2 * traj.points[6])


def test_radam_takes_momentum_steps_until_rho_passes_5_then_rectifies():
    traj = run(HIMMELBLAU, "radam", (1.0, 1.0), 8, lr=0.01)
    for t in range(1, 9):
        m_hat = traj.states.exp_avg[t] / (1 - 0.9**t)
        rho = 1999 - 2 * t * 0.999**t / (1 - 0.999**t)
        text = _text(explain_step(traj, t))
        assert rf"\rho_{{{t}}} = \rho_\infty - " in text and f"= {tex_number(rho)}" in text
        if t <= 5:  # ρ_t ≤ 5: no adaptive scaling yet
            assert rho <= 5 and "SGD with momentum" in text and list(arrows(traj, t))[1] == UNRECTIFIED
            np.testing.assert_allclose(traj.steps[t - 1], -0.01 * m_hat, rtol=1e-12)
        else:
            r = np.sqrt((rho - 4) * (rho - 2) * 1999 / (1995 * 1997 * rho))
            assert f"r_{{{t}}} = " in text and f"= {tex_number(r)}" in text and "rectified" in text
            step = -0.01 * m_hat * r * np.sqrt(1 - 0.999**t) / (np.sqrt(traj.states.exp_avg_sq[t]) + 1e-8)
            np.testing.assert_allclose(traj.steps[t - 1], step, rtol=1e-10)


def test_adamax_writes_its_infinity_norm():
    traj = run(HIMMELBLAU, "adamax", (1.0, 1.0), 5, lr=0.02)
    u, g = traj.states.exp_inf, traj.grads
    np.testing.assert_array_equal(u[3], np.maximum(0.999 * u[2], np.abs(g[2]) + 1e-8))
    text = _text(explain_step(traj, 3))
    assert r"u_{3} = \max(\beta_2 u_{2}, |g_{3}| + \epsilon) = " in text and tex_vector(u[3]) in text
    assert rf"\frac{{0.02}}{{1 - 0.9^{{3}}}} = {tex_number(0.02 / (1 - 0.9**3))}" in text
    np.testing.assert_allclose(traj.steps[2], -0.02 / (1 - 0.9**3) * traj.states.exp_avg[3] / u[3], rtol=1e-14)


def test_lbfgs_says_which_branch_of_torchs_step_it_took():
    traj = run(SURFACES["booth"], "lbfgs", (-8.0, -5.0), 12, tolerance_grad=1e-6)
    first, second = _text(explain_step(traj, 1)), _text(explain_step(traj, 2))
    l1 = tex_number(np.abs(traj.grads[0]).sum())
    assert r"d_{1} = -g_{1} = " + tex_vector(-traj.grads[0]) in first and rf"\min(1,\, 1/{l1}) \cdot 1" in first
    y, s = traj.grads[1] - traj.grads[0], traj.steps[0]
    assert r"y = g_{2} - g_{1}" in second and tex_vector(y) in second and tex_vector(s) in second
    assert f"y \\cdot s = {tex_number(y @ s)} > 10^{{-10}}" in second and "over 1 stored pair)" in second
    k = int(np.argmax(np.abs(traj.grads).max(axis=-1) <= 1e-6))  # torch's step returns at once from here
    assert 3 <= k and "tolerance\\_grad: torch returns at once" in _text(explain_step(traj, k + 1))
    assert "tolerance\\_grad" not in _text(explain_step(traj, k))
    stuck = run(SURFACES["quadratic"], "lbfgs", (-4.5, 2.0), 20, lr=0.5, tolerance_change=1e-3)
    t = int(np.argmax(~stuck.steps.any(axis=-1))) + 1  # g·d above −tolerance_change: torch breaks before moving
    assert t > 5 and "tolerance\\_change: no move" in _text(explain_step(stuck, t))
    assert "no move" not in _text(explain_step(stuck, t - 1))


def test_momentum_arrows_are_the_gradient_step_and_the_velocity_carried_over():
    traj = run(HIMMELBLAU, "momentum", (0.0, 0.0), 6, lr=0.05, momentum=0.8)
    a = arrows(traj, 4)
    b = traj.states.momentum_buffer
    np.testing.assert_allclose(a["−η·μ·bₜ₋₁ (velocity carried over)"], -0.05 * 0.8 * b[3])
    np.testing.assert_allclose(a[STEP], -0.05 * (traj.grads[3] + 0.8 * b[3]))  # step = −η(g + μ b_{t−1})


def test_nesterov_step_is_gradient_plus_look_ahead_velocity():
    traj = run(HIMMELBLAU, "nesterov", (0.0, 0.0), 6, lr=0.01, momentum=0.8)
    a = arrows(traj, 4)
    b = traj.states.momentum_buffer
    np.testing.assert_allclose(a["−η·μ·bₜ (look-ahead velocity)"], -0.01 * 0.8 * b[4])
    np.testing.assert_allclose(a[STEP], -0.01 * (traj.grads[3] + 0.8 * b[4]))  # step = −η(g + μ b_t)


def test_sgd_step_is_the_plain_gradient_step():
    traj = run(HIMMELBLAU, "sgd", (1.0, 2.0), 6, lr=0.01)
    for t in range(1, 7):
        a = arrows(traj, t)
        assert list(a) == [GRAD_STEP, STEP]
        np.testing.assert_allclose(a[GRAD_STEP], a[STEP], rtol=1e-15)


@pytest.mark.parametrize("optimizer", ["adagrad", "rmsprop", "adam"])
def test_preconditioning_turns_the_step_away_from_the_gradient(optimizer):
    traj = run(HIMMELBLAU, optimizer, (0.0, 0.0), 3, lr=0.01)  # g = (−14, −22): unequal components
    a = arrows(traj, 1)
    u, v = a[GRAD_STEP], a[STEP]
    angle = np.degrees(np.arccos(u @ v / np.linalg.norm(u) / np.linalg.norm(v)))
    assert angle > 5  # the first step of all three is lr·sign(−g): 45°, not along −g


# --- batches, ranges, divergence ------------------------------------------------------------------


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_index_picks_the_same_start_as_running_it_alone(optimizer):
    batch = run(HIMMELBLAU, optimizer, STARTS, 6, lr=0.02)
    for i, start in enumerate(STARTS):
        alone = run(HIMMELBLAU, optimizer, start, 6, lr=0.02)
        for t in (1, 3, 6):
            assert explain_step(batch, t, i) == explain_step(alone, t)
            for (la, va), (lb, vb) in zip(arrows(batch, t, i).items(), arrows(alone, t).items(), strict=True):
                assert la == lb
                np.testing.assert_array_equal(va, vb)
            assert state_rows(batch, t, i) == state_rows(alone, t)
    assert explain_step(batch, 3, 0) != explain_step(batch, 3, 1)


def test_a_learning_rate_per_start_is_read_for_that_start():
    # what run(..., lr=lrs[:, None]) records: each start's own path, and the array of learning rates
    lrs = np.array([0.01, 0.02, 0.05])
    alone = [run(HIMMELBLAU, "momentum", (0.0, 0.0), 5, lr=float(lr)) for lr in lrs]
    stack = lambda *a: np.stack(a, axis=1)  # noqa: E731
    batch = Trajectory(
        optimizer="momentum",
        hyper={**alone[0].hyper, "lr": lrs[:, None]},
        points=stack(*(a.points for a in alone)),
        grads=stack(*(a.grads for a in alone)),
        steps=stack(*(a.steps for a in alone)),
        states=alone[0].states._replace(momentum_buffer=stack(*(a.states.momentum_buffer for a in alone))),
        losses=stack(*(a.losses for a in alone)),
        stopped_at=np.array([a.stopped_at for a in alone]),
        reason=np.array([a.reason for a in alone]),
    )
    for i, a in enumerate(alone):
        assert explain_step(batch, 3, i) == explain_step(a, 3)
        np.testing.assert_allclose(arrows(batch, 3, i)[GRAD_STEP], -lrs[i] * a.grads[2])


def test_index_must_match_the_run():
    single = run(HIMMELBLAU, "adam", (0.0, 0.0), 3, lr=0.1)
    batch = run(HIMMELBLAU, "adam", STARTS, 3, lr=0.1)
    for fn in (explain_step, arrows, state_rows):
        with pytest.raises(ValueError, match="single start"):
            fn(single, 1, 0)
        with pytest.raises(ValueError, match="3 starts"):
            fn(batch, 1)
        for bad in (3, -1):
            with pytest.raises(ValueError, match="between 0 and 2"):
                fn(batch, 1, bad)


@pytest.mark.parametrize("t", [0, -1, STEPS + 1, 100])
def test_t_out_of_range_is_refused(t):
    traj = run(HIMMELBLAU, "momentum", (0.0, 0.0), STEPS, lr=0.01)
    for fn in (explain_step, arrows):
        with pytest.raises(ValueError, match=rf"between 1 and {STEPS} \(this run has {STEPS} steps\), got {t}"):
            fn(traj, t)


def test_t_must_be_a_whole_number():
    traj = run(HIMMELBLAU, "sgd", (0.0, 0.0), 3, lr=0.01)
    with pytest.raises(ValueError, match="whole step number"):
        explain_step(traj, 1.5)
    assert explain_step(traj, np.int64(2)) == explain_step(traj, 2)


def _assert_no_nan_or_inf(lines):
    for line in lines:
        words = re.sub(r"\\[A-Za-z]+", "", line).lower()  # a KaTeX command (RAdam's \rho_\infty) is no number
        assert "nan" not in words and "inf" not in words, line


def test_a_diverged_sgd_run_is_explained_without_nan_or_inf():
    traj = run(HIMMELBLAU, "sgd", (0.0, 0.0), 10, lr=1.0)
    k = int(traj.diverged_at)
    assert k >= 1
    for t in range(1, 11):
        lines = explain_step(traj, t)
        _assert_no_nan_or_inf(lines)
        if t < k:
            assert tex_vector(traj.points[t]) in lines[-1]
        else:
            assert lines[-1] == rf"\theta_{{{t}}} = \theta_{{{t - 1}}} = " + tex_vector(traj.points[k - 1])
            assert list(arrows(traj, t)) == [STEP] and not arrows(traj, t)[STEP].any()
    at_k = _text(explain_step(traj, k))
    assert "refused" in at_k
    assert tex_vector(-1.0 * traj.grads[k - 1]) in at_k, "the step it would have taken"
    assert "diverged at step" in _text(explain_step(traj, k + 1))


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_runs_that_blow_up_are_explained_without_nan_or_inf(optimizer):
    starts = np.array([[0.0, 0.0], [3.0, -2.0], [-4.0, 4.0], [1e100, 1e100], [1e160, -1e160]])
    for lr in (1.0, 10.0, 1e3):
        traj = run(HIMMELBLAU, optimizer, starts, 15, lr=lr)
        for i in range(len(starts)):
            for t in range(1, 16):
                _assert_no_nan_or_inf(explain_step(traj, t, i))
                assert all(np.isfinite(v).all() for v in arrows(traj, t, i).values())


def test_a_start_stopped_by_tolerance_says_why():
    traj = run(HIMMELBLAU, "sgd", STARTS, 200, lr=0.01, grad_tol=1e-3)
    i = int(np.argmin(traj.stopped_at))
    k = int(traj.stopped_at[i])
    assert k < 200
    assert "gradient below tolerance" in _text(explain_step(traj, k + 1, i))
    assert "gradient below tolerance" not in _text(explain_step(traj, k, i))


# --- KaTeX: only standard commands, balanced groups -----------------------------------------------

KATEX_COMMANDS = set(
    r"""theta eta mu alpha beta rho psi epsilon lambda Delta hat frac tfrac sqrt cdot times prod le quad
    text begin end left right Big leftarrow operatorname tau delta bar max infty nabla gamma omega min ge""".split()
)


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_lines_use_only_standard_katex(optimizer):
    hyper = {"momentum": 0.5} if optimizer == "rmsprop" else {"weight_decay": 0.1} if optimizer == "adam" else {}
    _assert_standard_katex(run(HIMMELBLAU, optimizer, STARTS, 8, lr=2.0, **hyper))


# torch's options all on, so that every line they add is checked too: from each record, every switch (a bool) on and
# every rate a default leaves at 0 at a value of ON (weight decay, dampening...; an option ON does not name yet at a
# tenth of its range); BEYOND turns on the branches a default hides behind a large or small number instead
ON = {"weight_decay": 0.1, "dampening": 0.3, "lr_decay": 0.1, "initial_accumulator_value": 0.5, "momentum": 0.5}
BEYOND = {
    "asgd": {"t0": 2.0},  # the average of θ starts within the 8 steps, not after 10⁶
    "lbfgs": {"history_size": 2, "tolerance_change": 1e-2},  # a full history, and a tolerance_change that can matter
}


def options_on(spec) -> dict:
    on = {h.name: True for h in spec.hyper if h.kind == "bool"}
    on |= {
        h.name: ON.get(h.name, h.low + (h.high - h.low) / 10)
        for h in spec.hyper
        if h.kind == "float" and h.default == 0
    }
    return on | BEYOND.get(spec.name, {})


ALL_ON = {name: options_on(spec) for name, spec in OPTIMIZERS.items()}


@pytest.mark.parametrize("optimizer", list(ALL_ON))
@pytest.mark.parametrize("lr", [0.01, 2.0])
def test_lines_use_only_standard_katex_with_every_option_on(optimizer, lr):
    traj = run(HIMMELBLAU, optimizer, STARTS, 8, lr=lr, **ALL_ON[optimizer])
    _assert_standard_katex(traj)
    for i in range(len(STARTS)):
        for t in range(1, 9):
            _assert_no_nan_or_inf(explain_step(traj, t, i))


def _assert_standard_katex(traj):
    for i in range(len(STARTS)):
        for t in range(1, traj.steps.shape[0] + 1):
            for line in explain_step(traj, t, i):
                assert set(re.findall(r"\\([A-Za-z]+)", line)) <= KATEX_COMMANDS, line
                assert set(re.findall(r"\\begin\{(\w+)\}", line)) <= {"pmatrix"}
                assert line.count(r"\begin") == line.count(r"\end")
                depth = 0
                for ch in re.sub(r"\\[{}]", "", line):
                    depth += (ch == "{") - (ch == "}")
                    assert depth >= 0, line
                assert depth == 0, line
                assert line.isascii(), "Unicode in KaTeX is a strict-mode warning"


# --- state rows -----------------------------------------------------------------------------------


def test_state_rows_are_the_recorded_state():
    traj = run(HIMMELBLAU, "adam", STARTS, 5, lr=0.05)
    rows = state_rows(traj, 3, 1)
    assert [(r["name"], r["symbol"]) for r in rows] == [("step", "t"), ("exp_avg", "m"), ("exp_avg_sq", "v")]
    assert rows[0]["x"] == 3 and rows[0]["y"] is None
    assert (rows[1]["x"], rows[1]["y"]) == tuple(traj.states.exp_avg[3, 1])
    assert (rows[2]["x"], rows[2]["y"]) == tuple(traj.states.exp_avg_sq[3, 1])
    assert all(r["x"] == 0 for r in state_rows(traj, 0, 1)), "t = 0 is the initial state"
    with pytest.raises(ValueError, match="between 0 and 5"):
        state_rows(traj, 6, 1)


def test_state_rows_for_every_optimizer():
    for optimizer in OPTIMIZERS:
        traj = run(HIMMELBLAU, optimizer, (0.0, 0.0), 3, lr=0.01)
        if not traj.states._fields:
            continue
        rows = state_rows(traj, 2)
        assert [r["name"] for r in rows] == list(traj.states._fields)
        assert all(isinstance(r["x"], float) for r in rows)


def test_plain_sgd_says_in_words_that_it_keeps_no_state():
    (row,) = state_rows(run(HIMMELBLAU, "sgd", (0.0, 0.0), 3, lr=0.01), 2)  # it was [], a table showing "empty"
    assert "SGD keeps no state between steps" in row["name"] and None not in row.values()
