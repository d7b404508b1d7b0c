"""The PyTorch snippets with a learning-rate schedule: ``torch_snippet`` and ``linear_torch_snippet`` build the
``torch.optim.lr_scheduler`` a run follows and step it after every optimizer step.

Without torch: the script names the scheduler class and every argument as gdviz resolved it (T_max filled in
from the run's steps, a sequential schedule's parts inline) and steps it right after ``optimizer.step()``;
no schedule, no scheduler. With torch (skipped where it is not installed; every test name says "sched", so
``-k sched`` runs them): the scheduled path equals ``gdviz.run``'s to 1e-9 relative, and the scheduled
classifier's losses ``train_linear``'s to 1e-8, for every kind of schedule, momentum and β1 cycling included.
"""

from __future__ import annotations

import numpy as np
import pytest

import gdviz
from gdviz import SURFACES, torch_snippet
from gdviz.linear.data import add_bias, blobs
from gdviz.linear.snippet import linear_torch_snippet

from .test_snippet import torch_path

WARMUP = ("sequential", {"schedulers": (("linear", {"start_factor": 0.01, "total_iters": 40}), ("cosine", {})),
                         "milestones": (40,)})  # fmt: skip
# (optimizer, hyper, schedule): one of each kind of schedule, on optimizers it changes differently
CASES = {
    "step": ("sgd", {"lr": 0.01}, ("step", {"step_size": 20, "gamma": 0.5})),
    "multistep": (
        "momentum",
        {"lr": 0.004, "momentum": 0.8},
        ("multistep", {"milestones": (10, 30, 30), "gamma": 0.5}),
    ),
    "exponential": ("rmsprop", {"lr": 0.05}, ("exponential", {"gamma": 0.97})),
    "cosine": ("adam", {"lr": 0.1}, ("cosine", {"T_max": 30, "eta_min": 0.001})),
    "cosine_restarts": ("nesterov", {"lr": 0.004, "momentum": 0.8}, ("cosine_restarts", {"T_0": 10, "T_mult": 2})),
    "linear": ("adamw", {"lr": 0.1}, ("linear", {"start_factor": 0.1, "total_iters": 25})),
    "polynomial": ("adagrad", {"lr": 0.5}, ("polynomial", {"total_iters": 50, "power": 2.0})),
    "constant": ("sgd", {"lr": 0.01}, ("constant", {"factor": 0.25, "total_iters": 15})),
    "onecycle_momentum": ("momentum", {"lr": 0.004, "momentum": 0.9}, ("onecycle", {"max_lr": 0.006})),
    "onecycle_betas": ("adam", {"lr": 0.1}, ("onecycle", {"three_phase": True, "anneal_strategy": "linear"})),
    "sequential": ("sgd", {"lr": 0.02}, WARMUP),
}


# --- always: the source itself ----------------------------------------------------------------


def test_the_script_builds_the_scheduler_with_every_argument_resolved():
    src = torch_snippet(SURFACES["himmelblau"], "adam", {"lr": 0.1}, (-0.3, -0.9), 120, schedule="cosine")
    assert "scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=120, eta_min=0.0)\n" in src
    lines = src.splitlines()
    at = lines.index("    optimizer.step()  # p moves by the optimizer's step")
    assert lines[at + 1].strip().startswith("scheduler.step()")  # right after each step, before the checks
    compile(src, "snippet.py", "exec")


def test_a_sequential_schedule_writes_its_parts_inline_each_over_its_own_span():
    src = torch_snippet(SURFACES["beale"], "sgd", {"lr": 0.05}, (1.0, 1.5), 300, schedule=WARMUP)
    assert "torch.optim.lr_scheduler.SequentialLR(\n    optimizer,\n    schedulers=[\n" in src
    assert "LinearLR(optimizer, start_factor=0.01, end_factor=1.0, total_iters=40)," in src
    assert "CosineAnnealingLR(optimizer, T_max=260, eta_min=0.0)," in src  # the 260 steps after the milestone
    assert "    milestones=[40],\n)" in src
    compile(src, "snippet.py", "exec")


def test_onecycle_writes_its_long_call_one_argument_a_line():
    src = torch_snippet(SURFACES["himmelblau"], "adam", {"lr": 0.1}, (-0.3, -0.9), 50, schedule="onecycle")
    call = src[src.index("scheduler = ") : src.index("\n)\n")]
    assert "max_lr=0.1,\n" in call and "total_steps=50,\n" in call and "anneal_strategy='cos',\n" in call
    assert "cycle_momentum=True,\n" in call and "three_phase=False," in call
    assert all(len(line) <= 110 for line in call.splitlines())


def test_without_a_schedule_there_is_no_scheduler():
    src = torch_snippet(SURFACES["himmelblau"], "adam", {"lr": 0.1}, (-0.3, -0.9), 50)
    assert "scheduler" not in src and "lr_scheduler" not in src


@pytest.mark.parametrize(
    "schedule, words",
    [
        ("warmup", "unknown schedule"),
        (("cosine", {"T_max": 0}), "T_max"),
        (("onecycle", {"total_steps": 10}), "fewer than the run's 50 steps"),
        (("onecycle", {"max_lr": np.array([[0.1], [0.2]])}), "one learning rate"),
    ],
)
def test_a_schedule_the_snippet_cannot_write_is_refused_in_words(schedule, words):
    with pytest.raises(ValueError, match=words):
        torch_snippet(SURFACES["himmelblau"], "adam", {"lr": 0.1}, (-0.3, -0.9), 50, schedule=schedule)


def test_the_linear_script_steps_the_scheduler_after_each_update():
    d = blobs(n=60, seed=0)
    src = linear_torch_snippet(
        add_bias(d.X), d.y, loss="softmax", optimizer="sgd", hyper={"lr": 0.5}, steps=40, schedule="exponential"
    )
    assert "scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.95)\n" in src
    lines = src.splitlines()
    at = lines.index("    optimizer.step()  # W moves by the optimizer's step")
    assert lines[at + 1].strip().startswith("scheduler.step()")
    compile(src, "snippet.py", "exec")


# --- with torch: the path itself --------------------------------------------------------------


def assert_same_path(surface, optimizer, start, steps, schedule, **hyper):
    """The script's path is gdviz.run's, point for point, to 1e-9 relative (as tests/test_snippet.py checks)."""
    path, printed = torch_path(torch_snippet(surface, optimizer, hyper, start, steps, schedule=schedule))
    run = gdviz.run(surface, optimizer, start, steps, schedule=schedule, **hyper)
    assert len(path) == int(run.stopped_at) + 1
    np.testing.assert_allclose(path[:, :2], run.points[: len(path)], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(path[:, 2], run.losses[: len(path)], rtol=1e-9, atol=1e-12)
    return run, printed


@pytest.mark.parametrize("case", CASES)
def test_torch_takes_gdvizs_scheduled_path(case):
    optimizer, hyper, schedule = CASES[case]
    s = SURFACES["himmelblau"]
    run, _ = assert_same_path(s, optimizer, (-0.3, -0.9), 60, schedule, **hyper)
    assert run.reason_text() == "max steps"  # the whole path was compared
    plain = gdviz.run(s, optimizer, (-0.3, -0.9), 60, **hyper)
    assert np.abs(run.points - plain.points).max() > 1e-3  # the schedule moved the path: it was really compared


def test_the_warmup_preset_rescues_sgd_in_torch_too_sched():
    s = SURFACES["beale"]
    run, _ = assert_same_path(s, "sgd", (1.0, 1.5), 300, WARMUP, lr=0.05)
    assert run.reason_text() == "max steps" and run.losses[-1] < 1e-3
    path, printed = torch_path(torch_snippet(s, "sgd", {"lr": 0.05}, (1.0, 1.5), 300))
    assert "diverged at step 3" in printed and len(path) == 3  # without the schedule torch flies off as gdviz does


@pytest.mark.parametrize("case", ["step", "onecycle_betas", "sequential"])
def test_torch_trains_the_scheduled_classifier_as_train_linear_does_sched(case):
    from .linear.test_snippet import run_script

    optimizer, hyper, schedule = CASES[case]
    d = blobs(n=150, noise=0.4, seed=1)
    X, y = add_bias(d.X), d.y
    settings = dict(loss="softmax", optimizer=optimizer, steps=80, batch_size=32, reg=1e-3, seed=2)
    src = linear_torch_snippet(X, y, hyper=hyper, schedule=schedule, **settings)
    namespace, _ = run_script(src)
    run = gdviz.train_linear(X, y, schedule=schedule, **settings, **hyper)
    assert run.reason == "steps"
    np.testing.assert_allclose(namespace["losses"], run.losses, rtol=1e-8)
    np.testing.assert_allclose(namespace["W"].detach().numpy(), run.W, rtol=1e-8, atol=1e-12)
