"""The step inspector on a scheduled run: each step is written with that step's learning rate (and onecycle's
momentum or β1), as the run used them, and says η_t in a line of its own; an unscheduled run reads as before."""

from __future__ import annotations

import re

import numpy as np
import pytest

import gdviz
from gdviz.schedules import schedule_table
from gdviz.surface.inspector import GRAD_STEP, STEP, arrow_track, arrows, explain_step, tex_number

S = gdviz.SURFACES["himmelblau"]
START = (-0.3, -0.9)


@pytest.fixture(scope="module")
def cycled():
    """Momentum with onecycle: the learning rate and μ both change at every step."""
    return gdviz.run(S, "momentum", START, 40, lr=0.01, momentum=0.9, schedule="onecycle")


def test_each_step_says_its_learning_rate_from_the_run(cycled):
    for t in (1, 7, 40):
        lines = explain_step(cycled, t)
        rate = next(line for line in lines if line.startswith(r"\eta_"))
        assert rate.startswith(rf"\eta_{{{t}}} = {tex_number(cycled.lrs[t - 1])} ")
        assert f"the learning rate of step {t}: one cycle" in rate


def test_the_update_is_written_with_the_steps_own_numbers(cycled):
    t = 20
    table = schedule_table(cycled.schedule, cycled.hyper, 40)
    mu, lr = table["momentum"][t - 1], cycled.lrs[t - 1]
    assert mu != 0.9 and lr != 0.01  # the cycle moved both away from the optimizer's own settings
    lines = "\n".join(explain_step(cycled, t))
    assert re.search(rf"= {re.escape(tex_number(mu))}\\, \\begin{{pmatrix}}", lines), lines  # μ·b_{t-1} with μ_t
    assert rf"- {tex_number(lr)}\, " in lines  # θ_{t-1} − η_t·b_t
    # the arrows are that step's: −η_t·g, and the parts add up to the step the run took
    parts = arrows(cycled, t)
    np.testing.assert_allclose(parts[GRAD_STEP], -lr * cycled.grads[t - 1], rtol=1e-12)
    np.testing.assert_allclose(sum(v for k, v in parts.items() if k != STEP), cycled.steps[t - 1], rtol=1e-12)


def test_adams_cycled_beta1_is_the_one_the_step_used():
    run = gdviz.run(S, "adam", START, 30, lr=0.1, schedule=("onecycle", {"base_momentum": 0.8, "max_momentum": 0.95}))
    beta1 = schedule_table(run.schedule, run.hyper, 30)["betas"][9, 0]
    assert 0.8 < beta1 < 0.95
    assert tex_number(beta1) in "\n".join(explain_step(run, 10))


def test_the_track_is_every_steps_arrows(cycled):
    track = arrow_track(cycled)
    for t in (1, 20, 40):
        for label, v in arrows(cycled, t).items():
            np.testing.assert_array_equal(track[label][t], v)


def test_a_run_without_a_schedule_has_no_rate_line():
    plain = gdviz.run(S, "momentum", START, 10, lr=0.01, momentum=0.9)
    assert not any(line.startswith(r"\eta_") for line in explain_step(plain, 3))
    constant = gdviz.run(S, "momentum", START, 10, lr=0.01, momentum=0.9, schedule=("constant", {"factor": 1.0}))
    same = [line for line in explain_step(constant, 3) if not line.startswith(r"\eta_")]
    assert same == explain_step(plain, 3)  # a schedule that changes nothing writes the same step


def test_the_step_where_a_scheduled_run_diverged_says_its_rate_too():
    run = gdviz.run(gdviz.SURFACES["beale"], "sgd", (1.0, 1.5), 10, lr=0.05, schedule=("exponential", {"gamma": 0.9}))
    t = int(run.diverged_at)
    assert t > 0
    lines = explain_step(run, t)
    assert any(line.startswith(rf"\eta_{{{t}}} = {tex_number(run.lrs[t - 1])}") for line in lines)
    assert "refused" in lines[-2]


def test_a_sequential_schedule_names_the_part_in_effect():
    warmup = ("sequential", {"schedulers": (("linear", {"total_iters": 10}), ("cosine", {})), "milestones": (10,)})
    run = gdviz.run(S, "sgd", START, 30, lr=0.01, schedule=warmup)
    rate = {t: next(line for line in explain_step(run, t) if line.startswith(r"\eta_")) for t in (10, 11)}
    assert "step 10: sequential, its linear part" in rate[10]  # step 10 uses epoch 9: still warming up
    assert "step 11: sequential, its cosine annealing part" in rate[11] and tex_number(0.01) in rate[11]
