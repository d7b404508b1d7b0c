"""Tests for gdviz/surface/sweep.py and learning rates as arrays: a sweep is k scalar runs done at once.

The reference for each entry of a sweep is ``run`` at that learning rate alone; the reference for
where GD diverges on a quadratic is the classic 2 / L.
"""

import dataclasses
import math

import numpy as np
import pytest

from gdviz import OPTIMIZERS, SURFACES, log_lrs, lr_sweep, quadratic, run, stability_limit
from gdviz.surface.formula import custom_surface
from gdviz.surface.sweep import stability_reason
from gdviz.surface.trajectory import DIVERGED, GRAD_TOL, MAX_STEPS

HIMMELBLAU = SURFACES["himmelblau"]


def _lrs_for(optimizer: str) -> np.ndarray:
    """A spread across the optimizer's slider, from too small to diverging (for the SGD family)."""
    spec = next(h for h in OPTIMIZERS[optimizer].hyper if h.name == "lr")
    return np.geomspace(max(spec.low, 1e-4), spec.high, 7)


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_sweep_equals_separate_scalar_runs_bit_for_bit(optimizer):
    lrs = _lrs_for(optimizer)
    sweep = lr_sweep(HIMMELBLAU, optimizer, HIMMELBLAU.start, lrs, 200)
    np.testing.assert_array_equal(sweep.lrs, lrs)
    for i, lr in enumerate(lrs):
        alone = run(HIMMELBLAU, optimizer, HIMMELBLAU.start, 200, lr=float(lr))
        np.testing.assert_array_equal(sweep.final[i], alone.final, err_msg=f"lr={lr}")
        assert sweep.final_loss[i] == alone.losses[-1]
        assert sweep.stopped_at[i] == alone.stopped_at and sweep.reason[i] == alone.reason
        assert sweep.diverged_at[i] == alone.diverged_at and sweep.diverged[i] == alone.diverged
    assert len(set(map(tuple, sweep.final))) == len(lrs)  # the learning rates really differ per entry


def test_sweep_with_stopping_and_other_hyperparameters_equals_scalar_runs():
    lrs = np.array([1e-5, 1e-3, 1e-2, 0.05, 0.2, 0.5])
    kw = dict(momentum=0.5, grad_tol=1e-3)
    sweep = lr_sweep(HIMMELBLAU, "momentum", (1.0, 1.0), lrs, 400, **kw)
    assert {GRAD_TOL, MAX_STEPS, DIVERGED} <= set(sweep.reason.tolist()), sweep.reason
    for i, lr in enumerate(lrs):
        alone = run(HIMMELBLAU, "momentum", (1.0, 1.0), 400, lr=lr, **kw)
        np.testing.assert_array_equal(sweep.final[i], alone.final)
        assert sweep.stopped_at[i] == alone.stopped_at and sweep.reason[i] == alone.reason
    others = {k: v for k, v in OPTIMIZERS["momentum"].defaults().items() if k != "lr"}  # defaults filled in
    assert sweep.hyper == {**others, "momentum": 0.5} and sweep.optimizer == "momentum"


@pytest.mark.parametrize("k", [1.0, 10.0, 50.0])
def test_sgd_on_the_quadratic_converges_below_two_over_l_and_diverges_above(k):
    s = quadratic(k)
    edge = stability_limit(s)
    factors = np.array([0.3, 0.7, 0.95, 0.99, 1.01, 1.05, 1.5, 3.0])
    sweep = lr_sweep(s, "sgd", s.start, factors * edge, 5000)
    below = factors < 1
    assert not sweep.diverged[below].any() and (sweep.final_loss[below] < 1e-12).all(), sweep.final_loss
    assert sweep.diverged[~below].all(), sweep.reason
    # the further past the edge, the sooner it blows up
    assert (np.diff(sweep.diverged_at[~below]) <= 0).all() and sweep.diverged_at[~below][0] > 100
    assert (sweep.diverged_at[below] == -1).all()


def test_stability_limit_values():
    assert stability_limit(quadratic(10.0)) == pytest.approx(0.2)
    assert stability_limit(quadratic(4.0)) == pytest.approx(0.5)
    assert stability_limit(quadratic(1.0)) == pytest.approx(2.0)
    assert stability_limit(SURFACES["booth"]) == pytest.approx(2 / 18)
    assert stability_limit(SURFACES["matyas"]) == pytest.approx(2.0)
    for name in ("himmelblau", "rosenbrock", "beale", "rastrigin", "monkey_saddle", "saddle"):
        assert stability_limit(SURFACES[name]) is None, name


def test_the_saddle_has_no_stability_limit_because_gd_diverges_at_every_learning_rate():
    # |curvature| ≤ 2 on x² − y², but along y it is −2: 2/L = 1 was drawn as a limit that is not one
    s = SURFACES["saddle"]
    sweep = lr_sweep(s, "sgd", s.start, log_lrs(1e-3, 0.9, 12), 20000)
    assert sweep.diverged.all(), sweep.reason
    assert stability_limit(s) is None
    assert (
        stability_reason(s) == "x² − y² curves down along y, so GD moves away from the saddle at every learning rate."
    )


def test_a_bounded_curvature_that_is_not_positive_gives_no_limit_and_says_why():
    s = dataclasses.replace(SURFACES["saddle"], stability_note="")  # no sentence of its own: the core's
    assert stability_limit(s) is None and "curves down" in stability_reason(s)
    bowl = dataclasses.replace(quadratic(4.0), lipschitz=4.0)
    assert stability_limit(bowl) == pytest.approx(0.5) and stability_reason(bowl) is None


@pytest.mark.parametrize("name", sorted(SURFACES))
def test_every_surface_has_a_line_or_a_sentence(name):
    s = SURFACES[name]
    limit, reason = stability_limit(s), stability_reason(s)
    assert (limit is None) != (reason is None), name
    assert reason is None or (reason.endswith(".") and len(reason) < 140)
    assert stability_reason(custom_surface("x**2 + y**2")).startswith("the curvature changes")


def test_log_lrs():
    lrs = log_lrs(1e-4, 1.0, 5)
    np.testing.assert_allclose(lrs, [1e-4, 1e-3, 1e-2, 1e-1, 1.0])
    assert lrs[0] == 1e-4 and lrs[-1] == 1.0
    for low, high in [(0.0, 1.0), (1.0, 0.1), (-1.0, 1.0)]:
        with pytest.raises(ValueError):
            log_lrs(low, high, 3)


# --- learning rates as arrays are checked entry by entry ------------------------------------------


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
@pytest.mark.parametrize("bad", [-0.5, math.nan, math.inf])
def test_an_array_lr_is_refused_if_any_entry_is_bad(optimizer, bad):
    lrs = np.array([[0.1], [0.2], [bad], [0.3]])
    with pytest.raises(ValueError, match=rf"learning rate .*got {bad} at index \(2, 0\)"):
        OPTIMIZERS[optimizer](lr=lrs)
    with pytest.raises(ValueError, match=rf"got {bad} at index \(2,\) of lrs"):
        lr_sweep(HIMMELBLAU, optimizer, (1.0, 1.0), lrs[:, 0], 5)


def test_an_array_lr_is_copied_by_the_optimizer():
    lrs = np.array([[0.1], [0.2]])
    opt = OPTIMIZERS["sgd"](lr=lrs)
    lrs[:] = 5.0  # the caller's array changes after the optimizer was built
    step, _ = opt.update(np.ones((2, 2)), opt.init(np.zeros((2, 2))), np.zeros((2, 2)))
    np.testing.assert_array_equal(step, [[-0.1, -0.1], [-0.2, -0.2]])


def test_sweep_refuses_bad_arguments():
    with pytest.raises(ValueError, match="sets lr from lrs"):
        lr_sweep(HIMMELBLAU, "sgd", (1.0, 1.0), [0.1], 5, lr=0.1)
    with pytest.raises(ValueError, match="1-D"):
        lr_sweep(HIMMELBLAU, "sgd", (1.0, 1.0), [[0.1, 0.2]], 5)
    with pytest.raises(ValueError, match="1-D"):
        lr_sweep(HIMMELBLAU, "sgd", (1.0, 1.0), [], 5)
    with pytest.raises(ValueError, match="start must have shape"):
        lr_sweep(HIMMELBLAU, "sgd", [[1.0, 1.0]], [0.1], 5)
