"""Tests for gdviz/surface/trajectory.py: shapes, the recording contract, stopping, divergence, noise.

The reference for a batch of starts is the same starts run one at a time; the reference for the
recorded states is replaying the optimizer over the recorded gradients.
"""

import dataclasses

import numpy as np
import pytest

from gdviz import OPTIMIZERS, REASONS, SURFACES, endpoints, quadratic, run
from gdviz.optimizers.spec import takes_of
from gdviz.surface import trajectory
from gdviz.surface.trajectory import DIVERGED, GRAD_TOL, LOSS_TOL, MAX_STEPS

HIMMELBLAU = SURFACES["himmelblau"]
QUADRATIC = quadratic(10.0)


def _starts(k: int, seed: int = 0, surface=HIMMELBLAU) -> np.ndarray:
    (x0, x1), (y0, y1) = surface.domain
    rng = np.random.default_rng(seed)
    return np.stack([rng.uniform(x0, x1, k), rng.uniform(y0, y1, k)], axis=-1)


def _per_start_fields(traj):
    """State fields that hold one entry per start (shared step counters are excluded)."""
    return {name: a for name, a in traj.states._asdict().items() if a.shape[1:] == traj.points.shape[1:]}


def _assert_all_finite(traj):
    for name in ("points", "grads", "steps", "losses"):
        a = getattr(traj, name)
        assert np.isfinite(a).all(), f"non-finite values in {name}"


# --- shapes and the recording contract -----------------------------------------------------------


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
@pytest.mark.parametrize("start", [np.array([1.0, -1.0]), _starts(5)])
def test_shapes(optimizer, start):
    T = 7
    traj = run(HIMMELBLAU, optimizer, start, T)
    B = start.shape[:-1]
    assert traj.points.shape == (T + 1, *start.shape)
    assert traj.grads.shape == traj.steps.shape == (T, *start.shape)
    assert traj.losses.shape == (T + 1, *B)
    assert traj.stopped_at.shape == traj.reason.shape == traj.diverged_at.shape == B
    assert traj.final.shape == start.shape
    initial = OPTIMIZERS[optimizer]().init(start)
    assert type(traj.states) is type(initial)
    for field, s0 in zip(traj.states, initial, strict=True):
        assert field.shape == (T + 1, *np.shape(s0))
    np.testing.assert_array_equal(traj.points[0], start)
    assert (traj.reason == MAX_STEPS).all() and (traj.stopped_at == T).all()
    assert traj.optimizer == optimizer
    assert traj.hyper == OPTIMIZERS[optimizer].defaults()


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_points_losses_and_grads_are_consistent(optimizer):
    traj = run(HIMMELBLAU, optimizer, _starts(20, seed=1), 60, lr=0.01)
    np.testing.assert_array_equal(traj.points[1:], traj.points[:-1] + traj.steps)
    np.testing.assert_array_equal(traj.losses, HIMMELBLAU.f(traj.points))
    ran = np.arange(60)[:, None, None] < traj.stopped_at[:, None]  # a start that stopped records 0 after
    np.testing.assert_array_equal(traj.grads, np.where(ran, HIMMELBLAU.grad(traj.points[:-1]), 0.0))
    assert traj.hyper["lr"] == 0.01


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_recorded_states_replay_the_optimizer(optimizer):
    traj = run(HIMMELBLAU, optimizer, _starts(6, seed=2), 25, lr=0.002)
    assert (traj.reason == MAX_STEPS).all()
    opt = OPTIMIZERS[optimizer](lr=0.002)
    state = opt.init(traj.points[0])
    for t in range(25):
        for recorded, field in zip(traj.states, state, strict=True):
            np.testing.assert_array_equal(recorded[t], field)
        step, state = opt.update(traj.grads[t], state, traj.points[t])
        np.testing.assert_array_equal(traj.steps[t], step)


@pytest.mark.parametrize("optimizer", ["momentum", "adam", "nadam", "adadelta"])
def test_recorded_states_do_not_alias(optimizer):
    traj = run(HIMMELBLAU, optimizer, _starts(3), 10, lr=0.05)
    fields = _per_start_fields(traj)
    assert fields, "expected per-start state"
    for name, a in fields.items():
        assert not np.array_equal(a[4], a[5]), f"{name} did not change between steps"
        before = a.copy()
        a[4] += 1.0
        np.testing.assert_array_equal(np.delete(a, 4, axis=0), np.delete(before, 4, axis=0))
    points = traj.points.copy()
    traj.points[3] += 1.0
    np.testing.assert_array_equal(traj.points[4:], points[4:])
    np.testing.assert_array_equal(traj.points[:3], points[:3])


def test_initial_state_is_not_mutated_by_later_steps():
    traj = run(HIMMELBLAU, "adam", _starts(4), 30, lr=0.1)
    np.testing.assert_array_equal(traj.states.exp_avg[0], 0.0)
    np.testing.assert_array_equal(traj.states.step, np.arange(31))


def test_steps_zero():
    start = _starts(3)
    traj = run(HIMMELBLAU, "adam", start, 0)
    assert traj.points.shape == (1, 3, 2)
    assert traj.grads.shape == traj.steps.shape == (0, 3, 2)
    np.testing.assert_array_equal(traj.points[0], start)
    np.testing.assert_array_equal(traj.losses[0], HIMMELBLAU.f(start))
    assert all(s.shape[0] == 1 for s in traj.states)
    assert (traj.stopped_at == 0).all() and (traj.reason == MAX_STEPS).all()


# --- one batch equals its starts run alone -------------------------------------------------------


def _assert_batch_matches_singles(batch, singles):
    for i, one in enumerate(singles):
        for name in ("points", "grads", "steps", "losses"):
            np.testing.assert_array_equal(getattr(batch, name)[:, i], getattr(one, name), err_msg=f"{name}, start {i}")
        assert batch.stopped_at[i] == one.stopped_at and batch.reason[i] == one.reason
        assert batch.diverged_at[i] == one.diverged_at
        for name, a in _per_start_fields(batch).items():
            np.testing.assert_array_equal(a[:, i], getattr(one.states, name), err_msg=f"state {name}, start {i}")


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_batch_equals_starts_run_alone(optimizer):
    starts = _starts(6, seed=3)
    batch = run(HIMMELBLAU, optimizer, starts, 80, lr=0.01)
    _assert_batch_matches_singles(batch, [run(HIMMELBLAU, optimizer, s, 80, lr=0.01) for s in starts])


def test_batch_equals_starts_run_alone_when_they_stop_at_different_times():
    starts = np.concatenate([HIMMELBLAU.minima[:1] + 1e-4, _starts(10, seed=4), [[40.0, 40.0]]])
    kw = dict(lr=0.01, grad_tol=1e-3, loss_tol=1e-9)
    batch = run(HIMMELBLAU, "sgd", starts, 40, **kw)
    reasons = set(batch.reason.tolist())
    assert reasons == {GRAD_TOL, LOSS_TOL, DIVERGED, MAX_STEPS}, f"want every kind of stop, got {batch.reason_text()}"
    _assert_batch_matches_singles(batch, [run(HIMMELBLAU, "sgd", s, 40, **kw) for s in starts])


# --- gradients as callables ----------------------------------------------------------------------


def test_callable_gradient_without_f():
    traj = run(lambda p: 2 * p, "sgd", [3.0, -4.0], 10, lr=0.25)
    assert traj.losses is None
    np.testing.assert_allclose(traj.points[:, 0], 3.0 * 0.5 ** np.arange(11))
    np.testing.assert_allclose(traj.points[:, 1], -4.0 * 0.5 ** np.arange(11))


def test_callable_gradient_with_f_matches_the_surface():
    starts = _starts(5, seed=5)
    a = run(HIMMELBLAU, "adam", starts, 100, lr=0.05)
    b = run(HIMMELBLAU.grad, "adam", starts, 100, lr=0.05, f=HIMMELBLAU.f)
    for name in ("points", "grads", "steps", "losses"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


def test_loss_threshold_needs_a_loss():
    with pytest.raises(ValueError):
        run(lambda p: 2 * p, "sgd", [1.0, 1.0], 5, loss_tol=0.1)


# --- noise ---------------------------------------------------------------------------------------


def test_gradient_noise_is_reproducible_and_seeded():
    starts = _starts(40)
    a = run(HIMMELBLAU, "sgd", starts, 50, lr=0.005, noise=2.0, seed=7)
    b = run(HIMMELBLAU, "sgd", starts, 50, lr=0.005, noise=2.0, seed=7)
    c = run(HIMMELBLAU, "sgd", starts, 50, lr=0.005, noise=2.0, seed=8)
    clean = run(HIMMELBLAU, "sgd", starts, 50, lr=0.005)
    np.testing.assert_array_equal(a.points, b.points)
    np.testing.assert_array_equal(a.grads, b.grads)
    assert not np.array_equal(a.points, c.points)
    assert not np.array_equal(a.points, clean.points)
    # the recorded gradient includes the noise, of the requested size
    residual = a.grads - HIMMELBLAU.grad(a.points[:-1])
    assert abs(residual.std() - 2.0) < 0.1  # 4000 draws: the std of the std is about 0.02
    assert abs(residual.mean()) < 0.15  # and of the mean about 0.03


# --- stopping ------------------------------------------------------------------------------------


def _assert_frozen_from(traj, i, t):
    """Start i took no step from step t on: its point, loss and per-start state stay put."""
    np.testing.assert_array_equal(traj.points[t:, i], np.broadcast_to(traj.points[t, i], traj.points[t:, i].shape))
    np.testing.assert_array_equal(traj.steps[t:, i], 0.0)
    np.testing.assert_array_equal(traj.grads[t + 1 :, i], 0.0)
    for name, a in _per_start_fields(traj).items():
        np.testing.assert_array_equal(a[t:, i], np.broadcast_to(a[t, i], a[t:, i].shape), err_msg=name)


def test_grad_tol_stops_each_start_on_its_own():
    starts = np.array([[0.0, 0.0], [0.01, 0.01], [1.0, 1.0], [-4.5, 2.0]])
    traj = run(QUADRATIC, "momentum", starts, 400, lr=0.05, grad_tol=1e-4)
    assert traj.stopped_at[0] == 0 and traj.reason[0] == GRAD_TOL
    assert len(set(traj.stopped_at.tolist())) == 4, traj.stopped_at
    for i, t in enumerate(traj.stopped_at):
        assert traj.reason[i] == GRAD_TOL and REASONS[traj.reason[i]] == "gradient below tolerance"
        norms = np.linalg.norm(QUADRATIC.grad(traj.points[: t + 1, i]), axis=-1)
        assert norms[t] <= 1e-4 and (norms[:t] > 1e-4).all()  # stopped the first time it got there
        _assert_frozen_from(traj, i, t)
    assert (traj.grad_evals == traj.stopped_at + 1).all()
    assert (traj.diverged_at == -1).all()


def test_a_line_search_counts_its_evaluations_and_walks_as_endpoints_does():
    """L-BFGS's strong Wolfe search spends f and ∇f at its trial points: grad_evals counts them (torch's func_evals),
    one per step besides, and one more where grad_tol stopped a start; endpoints takes the same walk bit for bit,
    a schedule too. A start that diverges keeps the count of its last finite state plus the step it diverged at."""
    s = SURFACES["himmelblau"]
    starts = np.array([[-0.3, -0.9], [0.0, 0.0], [1.0, -3.0], [3.0, 2.0]])
    hyper = {"line_search_fn": "strong_wolfe", "history_size": 5}
    traj = run(s, "lbfgs", starts, 60, grad_tol=1e-4, **hyper)
    assert traj.stopped_at[3] == 0 and (traj.reason == GRAD_TOL).all(), traj.reason_text()
    searched = traj.states.func_evals[-1][:, 0] - traj.stopped_at  # the trials beyond one evaluation a step
    assert (searched[:3] > 0).all() and searched[3] == 0
    np.testing.assert_array_equal(traj.grad_evals, traj.stopped_at + 1 + searched)
    for schedule in (None, ("step", {"step_size": 10, "gamma": 0.5})):
        ran = run(s, "lbfgs", starts, 60, grad_tol=1e-4, schedule=schedule, **hyper)
        ends = endpoints(s, "lbfgs", starts, 60, grad_tol=1e-4, schedule=schedule, **hyper)
        np.testing.assert_array_equal(ends.final, ran.final)
        np.testing.assert_array_equal(ends.stopped_at, ran.stopped_at)
    saddle = run(SURFACES["saddle"], "lbfgs", (-1.8, 0.001), 200, **hyper)  # unbounded below: it flies off
    assert saddle.reason == DIVERGED
    assert saddle.grad_evals == saddle.stopped_at + saddle.states.func_evals[-1][0] - (saddle.stopped_at - 1)


def test_loss_tol_stops_each_start_on_its_own():
    starts = np.array([[0.0, 0.0], [0.5, 0.1], [-4.5, 2.0], [4.0, 4.0]])
    traj = run(QUADRATIC, "adam", starts, 2000, lr=0.05, loss_tol=1e-6)
    assert traj.stopped_at[0] == 0
    assert (traj.reason == LOSS_TOL).all(), traj.reason_text()
    assert len(set(traj.stopped_at.tolist())) == 4, traj.stopped_at
    for i, t in enumerate(traj.stopped_at):
        assert traj.losses[t, i] <= 1e-6 and (traj.losses[:t, i] > 1e-6).all()
        _assert_frozen_from(traj, i, t)


def test_a_start_that_never_meets_the_tolerance_runs_to_the_end():
    traj = run(QUADRATIC, "sgd", [[0.001, 0.0], [-4.5, 2.0]], 20, lr=0.01, grad_tol=1e-2)
    assert traj.reason.tolist() == [GRAD_TOL, MAX_STEPS]
    assert traj.stopped_at.tolist() == [0, 20]
    assert (traj.steps[:, 1] != 0).all()


# --- divergence ----------------------------------------------------------------------------------


@pytest.mark.filterwarnings("error")
def test_sgd_with_lr_one_on_himmelblau_diverges_quietly():
    starts = _starts(50, seed=6)
    traj = run(HIMMELBLAU, "sgd", starts, 100, lr=1.0)
    assert traj.diverged.all()
    _assert_all_finite(traj)
    assert (traj.diverged_at >= 1).all() and (traj.diverged_at == traj.stopped_at).all()
    assert (traj.reason == DIVERGED).all()
    for i, t in enumerate(traj.diverged_at):
        _assert_frozen_from(traj, i, t - 1)  # frozen at the last good point, before the step that blew up


# lr = 1e8 flies off with every optimizer whose step scales with lr; Rprop clamps its step to step_sizes
# (so those go too), and Adafactor's step is relative to θ and at most 1/√t of it: no lr makes it fly off
HUGE = {name: dict(lr=1e8) for name in OPTIMIZERS} | {"rprop": dict(lr=1e8, step_sizes=(1e-6, 1e12))}
RELATIVE_STEP = {"adafactor"}


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_huge_learning_rate_is_frozen_for_every_optimizer(optimizer):
    traj = run(QUADRATIC, optimizer, _starts(8, surface=QUADRATIC), 300, **HUGE[optimizer])
    _assert_all_finite(traj)
    if optimizer in RELATIVE_STEP:
        assert not traj.diverged.any(), traj.reason_text()
        return
    assert traj.diverged.all(), traj.reason_text()
    assert ((traj.diverged_at >= 1) & (traj.diverged_at <= 300)).all()


@pytest.mark.filterwarnings("error")
def test_only_the_diverging_start_is_frozen():
    # lr beyond 2/κ but below 2/1: only the y direction is unstable, so a start on the x axis converges
    traj = run(QUADRATIC, "sgd", [[1.0, 0.0], [1.0, 1.0]], 500, lr=0.21)
    assert traj.diverged_at[0] == -1 and traj.reason[0] == MAX_STEPS
    assert traj.diverged_at[1] > 1 and traj.reason[1] == DIVERGED
    np.testing.assert_allclose(traj.final[0], [0.0, 0.0], atol=1e-12)
    _assert_all_finite(traj)


@pytest.mark.filterwarnings("error")
def test_overflowing_and_nan_gradients_are_frozen_quietly():
    overflow = run(lambda p: -np.exp(p), "sgd", [[800.0, 0.0], [0.0, 0.0]], 10, lr=1.0)
    assert overflow.diverged_at[0] == 1 and overflow.diverged_at[1] > 1
    nan_beyond_one = run(lambda p: np.where(p > 1.0, np.nan, -1.0), "adam", [0.0, 0.0], 100, lr=0.1)
    assert nan_beyond_one.diverged_at > 0
    assert (nan_beyond_one.points <= 1.0 + 0.1 + 1e-12).all()
    for traj in (overflow, nan_beyond_one):
        for name in ("points", "grads", "steps"):
            assert np.isfinite(getattr(traj, name)).all(), name


@pytest.mark.parametrize("name", ["quadratic", "booth", "matyas"])
def test_gd_is_stable_just_below_two_over_l_and_diverges_just_above(name):
    s = SURFACES[name]
    below = run(s, "sgd", s.start, 4000, lr=0.99 * 2 / s.lipschitz)
    above = run(s, "sgd", s.start, 4000, lr=1.01 * 2 / s.lipschitz)
    assert below.reason == MAX_STEPS
    assert np.linalg.norm(below.final - s.minima[0]) < 1e-8
    assert above.reason == DIVERGED and above.diverged_at > 100  # slowly: the factor is only 1.02 per step
    _assert_all_finite(above)


@pytest.mark.parametrize("k", [1.0, 4.0, 50.0])
def test_quadratic_stability_edge_follows_the_condition_number(k):
    s = quadratic(k)
    assert run(s, "sgd", s.start, 3000, lr=0.98 * 2 / k).reason == MAX_STEPS
    assert run(s, "sgd", s.start, 3000, lr=1.02 * 2 / k).reason == DIVERGED


# --- invalid input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(optimizer="no_such_optimizer"),
        dict(optimizer="SGD"),
        dict(start=[1.0, 2.0, 3.0]),
        dict(start=[[1.0, 2.0, 3.0]]),
        dict(start=1.0),
        dict(steps=-1),
        dict(hyper=dict(learning_rate=0.1)),
        dict(hyper=dict(lr=-0.1)),
    ],
)
def test_invalid_arguments_raise_value_error(kwargs):
    args = dict(optimizer="sgd", start=[1.0, 2.0], steps=5, hyper={}) | kwargs
    with pytest.raises(ValueError):
        run(HIMMELBLAU, args["optimizer"], args["start"], args["steps"], **args["hyper"])


# --- endpoints: run's walk without the record ----------------------------------------------------


def _assert_endpoints_match_run(ends, traj):
    np.testing.assert_array_equal(ends.final, traj.final)
    np.testing.assert_array_equal(ends.stopped_at, traj.stopped_at)
    np.testing.assert_array_equal(ends.reason, traj.reason)
    np.testing.assert_array_equal(ends.diverged_at, traj.diverged_at)
    np.testing.assert_array_equal(ends.diverged, traj.diverged)
    np.testing.assert_array_equal(ends.cause, traj.cause)
    if traj.losses is None:
        assert ends.losses is None
    else:
        np.testing.assert_array_equal(ends.losses, traj.losses[-1])
    assert ends.optimizer == traj.optimizer and ends.hyper == traj.hyper


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_endpoints_equal_run_when_every_kind_of_stop_happens(optimizer):
    # at a minimum (loss), beside one (gradient), anywhere, far out, and beyond the explosion limit
    near = [HIMMELBLAU.minima[0] + 1e-6, HIMMELBLAU.minima[1] + 5e-5]
    starts = np.concatenate([near, _starts(30, seed=9), [[40.0, 40.0], [2e4, 2e4]]])
    lr = 10.0 if optimizer == "adadelta" else 0.02
    kw = dict(lr=lr, grad_tol=1e-2, loss_tol=1e-8)
    if optimizer == "rprop":  # its steps grow 1.2× a step: capped at 0.02 some starts still run at step 150
        kw["step_sizes"] = (1e-6, 0.02)
    traj = run(HIMMELBLAU, optimizer, starts, 150, **kw)
    assert set(traj.reason.tolist()) == {GRAD_TOL, LOSS_TOL, DIVERGED, MAX_STEPS}, traj.reason_text()
    _assert_endpoints_match_run(endpoints(HIMMELBLAU, optimizer, starts, 150, **kw), traj)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam", "nadam"])
def test_endpoints_equal_run_with_loss_threshold_and_noise(optimizer):
    starts = np.concatenate([HIMMELBLAU.minima + 1e-3, _starts(20, seed=10)])
    kw = dict(lr=0.01, loss_tol=1e-4, noise=0.5, seed=4)
    traj = run(HIMMELBLAU, optimizer, starts, 200, **kw)
    assert (traj.reason == LOSS_TOL).any(), traj.reason_text()
    _assert_endpoints_match_run(endpoints(HIMMELBLAU, optimizer, starts, 200, **kw), traj)


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_endpoints_equal_run_when_everything_diverges(optimizer):
    starts = _starts(8, surface=QUADRATIC)
    traj = run(QUADRATIC, optimizer, starts, 300, **HUGE[optimizer])
    ends = endpoints(QUADRATIC, optimizer, starts, 300, **HUGE[optimizer])
    assert ends.diverged.all() != (optimizer in RELATIVE_STEP)
    assert np.isfinite(ends.final).all() and np.isfinite(ends.losses).all()
    _assert_endpoints_match_run(ends, traj)


def test_endpoints_equal_run_for_a_single_start_a_callable_and_zero_steps():
    _assert_endpoints_match_run(
        endpoints(HIMMELBLAU, "adam", [1.0, -1.0], 50, lr=0.1), run(HIMMELBLAU, "adam", [1.0, -1.0], 50, lr=0.1)
    )
    bare = endpoints(lambda p: 2 * p, "sgd", [3.0, -4.0], 10, lr=0.25)
    assert bare.losses is None and bare.final.shape == (2,)
    _assert_endpoints_match_run(bare, run(lambda p: 2 * p, "sgd", [3.0, -4.0], 10, lr=0.25))
    with_f = endpoints(HIMMELBLAU.grad, "momentum", _starts(4), 30, lr=0.01, f=HIMMELBLAU.f)
    _assert_endpoints_match_run(with_f, run(HIMMELBLAU, "momentum", _starts(4), 30, lr=0.01))
    zero = endpoints(HIMMELBLAU, "nadam", _starts(3), 0)
    np.testing.assert_array_equal(zero.final, _starts(3))
    _assert_endpoints_match_run(zero, run(HIMMELBLAU, "nadam", _starts(3), 0))


def test_endpoints_memory_does_not_grow_with_steps():
    import tracemalloc

    starts = _starts(10_000, seed=11)  # 160 kB; a run's points alone would be 500 × that
    tracemalloc.start()
    try:
        ends = endpoints(HIMMELBLAU, "adam", starts, 500, lr=0.05)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert ends.final.shape == (10_000, 2) and (ends.reason == MAX_STEPS).all()
    assert peak < 40 * starts.nbytes, f"peak {peak / 1e6:.1f} MB for {starts.nbytes / 1e6:.2f} MB of starts"


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(optimizer="no_such_optimizer"),
        dict(start=[1.0, 2.0, 3.0]),
        dict(steps=-1),
        dict(hyper=dict(learning_rate=0.1)),
        dict(hyper=dict(lr=-0.1)),
        dict(hyper=dict(lr=np.array([[0.1], [-0.1]])), start=[[1.0, 2.0], [3.0, 4.0]]),
    ],
)
def test_endpoints_refuse_what_run_refuses(kwargs):
    args = dict(optimizer="sgd", start=[1.0, 2.0], steps=5, hyper={}) | kwargs
    for fn in (run, endpoints):
        with pytest.raises(ValueError):
            fn(HIMMELBLAU, args["optimizer"], args["start"], args["steps"], **args["hyper"])


# --- learning rates as arrays ----------------------------------------------------------------------


def test_an_array_of_learning_rates_runs_one_per_start():
    lrs = np.array([[1e-3], [1e-2], [0.05]])
    start = np.array([-0.3, -0.9])
    batch = run(HIMMELBLAU, "momentum", np.tile(start, (3, 1)), 100, lr=lrs)
    for i, lr in enumerate(lrs[:, 0]):
        alone = run(HIMMELBLAU, "momentum", start, 100, lr=float(lr))
        np.testing.assert_array_equal(batch.points[:, i], alone.points)
        np.testing.assert_array_equal(batch.states.momentum_buffer[:, i], alone.states.momentum_buffer)
    assert not np.array_equal(batch.points[:, 0], batch.points[:, 1])


def test_learning_rates_may_broadcast_but_not_add_starts():
    starts = _starts(3)
    run(HIMMELBLAU, "sgd", starts, 3, lr=np.full((3, 1), 0.01))
    run(HIMMELBLAU, "sgd", starts, 3, lr=np.full(2, 0.01))  # one per coordinate adds no start
    for lr_shape, start in [((3, 1), starts[0]), ((4, 1), starts), ((1, 3, 1), starts)]:
        for fn in (run, endpoints):
            with pytest.raises(ValueError, match=rf"lr of shape \({lr_shape[0]}, .*does not broadcast"):
                fn(HIMMELBLAU, "sgd", start, 3, lr=np.full(lr_shape, 0.01))


def test_lrs_hold_the_learning_rate_of_each_step():
    """Constant without a schedule: (T,) for one learning rate, (T, *lr.shape) for an array of them."""
    starts = _starts(3)
    one = run(HIMMELBLAU, "adam", starts, 6, lr=0.02)
    np.testing.assert_array_equal(one.lrs, np.full(6, 0.02))
    lrs = np.array([[1e-3], [1e-2], [0.05]])
    per_start = run(HIMMELBLAU, "adam", starts, 6, lr=lrs)
    np.testing.assert_array_equal(per_start.lrs, np.broadcast_to(lrs, (6, 3, 1)))
    assert not per_start.lrs.flags.writeable
    lrs[0, 0] = 1.0  # the record does not follow the caller's array
    assert per_start.lrs[0, 0, 0] == 1e-3
    assert run(HIMMELBLAU, "sgd", starts, 6, lr=np.full(2, 0.01)).lrs.shape == (6, 2)  # one per coordinate
    assert run(HIMMELBLAU, "sgd", starts, 0).lrs.shape == (0,)
    assert one.schedule is None and endpoints(HIMMELBLAU, "adam", starts, 6).schedule is None
    scheduled = run(HIMMELBLAU, "adam", starts, 6, lr=np.array([[1e-3], [1e-2], [0.05]]), schedule="cosine")
    np.testing.assert_allclose(
        scheduled.lrs[:, :, 0], np.outer(0.5 * (1 + np.cos(np.pi * np.arange(6) / 6)), [1e-3, 1e-2, 0.05]), rtol=1e-13
    )


# --- divergence is reported at the step it happens (#16) -------------------------------------------

from gdviz.surface.formula import custom_surface  # noqa: E402

BOWL_OF_EXP = custom_surface("exp(x**2+y**2)")  # f(2.4, 2.4) ≈ 1e5; one SGD step lands where f = inf
CLIFF = custom_surface("-exp(exp(x)) + y**2")  # downhill toward +x, where f reaches -inf near x = 6.56


def _states_at(traj, t):
    return type(traj.states)(*(field[t] for field in traj.states))


def _assert_no_inf_kept(traj):
    _assert_all_finite(traj)
    for name, field in traj.states._asdict().items():
        assert np.isfinite(field).all(), f"non-finite values in state {name}"


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov"])
def test_a_step_into_infinite_loss_diverges_at_that_step_not_the_next(optimizer):
    traj = run(BOWL_OF_EXP, optimizer, (2.4, 2.4), 1000, lr=1e-3)
    assert traj.diverged and traj.diverged_at == 1 and traj.stopped_at == 1  # it was 2, one step late
    _assert_no_inf_kept(traj)  # losses[1] was inf, the momentum buffer held the step into it
    np.testing.assert_array_equal(traj.points, np.broadcast_to([2.4, 2.4], traj.points.shape))
    np.testing.assert_array_equal(traj.losses, BOWL_OF_EXP.f(np.array([[2.4, 2.4]]))[0])


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_every_optimizer_stops_at_the_first_step_that_is_not_finite(optimizer):
    lr = 50.0 if optimizer == "adadelta" else 0.5
    traj = run(CLIFF, optimizer, [0.0, 0.5], 400, lr=lr)
    assert traj.diverged, traj.reason_text()
    _assert_no_inf_kept(traj)
    k = int(traj.diverged_at)
    _assert_frozen_from(_batched(traj), 0, k - 1)
    # the step at k really was the first bad one: replayed from the kept point and state, something in it is
    # not finite (every step before it was recorded, all finite)
    p, state = traj.points[k - 1], _states_at(traj, k - 1)
    with np.errstate(all="ignore"):
        g = CLIFF.grad(p)
        step, new_state = OPTIMIZERS[optimizer](lr=lr).update(g, state, p)
        parts = [g, p + step, CLIFF.f(p + step), *new_state]
    assert not all(np.isfinite(a).all() for a in parts)


def _batched(traj):
    """A single-start Trajectory seen as a batch of one, for the batch helpers above."""
    from dataclasses import replace

    states = type(traj.states)(*(a if a.ndim == 1 else a[:, None] for a in traj.states))
    return replace(
        traj, points=traj.points[:, None], steps=traj.steps[:, None], grads=traj.grads[:, None], states=states
    )


@pytest.mark.filterwarnings("error")
def test_an_overflowing_optimizer_state_is_divergence_even_when_the_point_stays_finite():
    # g² = 1e400 overflows Adagrad's sum; the step g / √inf is 0, so the point alone would look fine
    traj = run(lambda p: np.full_like(p, 1e200), "adagrad", [[0.0, 0.0]], 5, lr=0.1)
    assert traj.diverged_at.tolist() == [1]
    assert np.isfinite(traj.states.sum).all() and (traj.points == 0).all()


@pytest.mark.filterwarnings("error")
def test_a_start_where_f_has_no_value_diverges_at_step_zero():
    s = custom_surface("x**2 - log(x) + y**2")
    traj = run(s, "adam", [[-1.0, 1.0], [1.0, 1.0]], 20, lr=0.05)
    assert traj.diverged_at.tolist() == [0, -1] and traj.stopped_at.tolist() == [0, 20]
    assert (traj.points[:, 0] == [-1.0, 1.0]).all() and (traj.steps[:, 0] == 0).all()
    assert np.isnan(traj.losses[:, 0]).all() and np.isfinite(traj.losses[:, 1]).all()


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_endpoints_stop_at_the_same_first_bad_step_as_run(optimizer):
    starts = np.concatenate([[[2.4, 2.4], [0.3, -0.2]], _starts(10, seed=12, surface=BOWL_OF_EXP)])
    kw = dict(lr=50.0 if optimizer == "adadelta" else 0.5)
    traj = run(BOWL_OF_EXP, optimizer, starts, 60, **kw)
    ends = endpoints(BOWL_OF_EXP, optimizer, starts, 60, **kw)
    assert np.isfinite(ends.final).all() and np.isfinite(ends.losses).all()
    _assert_endpoints_match_run(ends, traj)
    _assert_no_inf_kept(traj)


@pytest.mark.filterwarnings("error")
def test_each_divergence_says_what_went_wrong():
    sqrt = custom_surface("sqrt(x) + y**2")  # Adam steps past x = 0, where sqrt has no value
    cases = [
        (run(BOWL_OF_EXP, "sgd", (2.4, 2.4), 10, lr=1e-3), "f has no value there"),
        (run(sqrt, "adam", (1.0, 1.0), 200, lr=0.1), "f has no value there"),
        (run(HIMMELBLAU, "sgd", (1.0, 1.0), 100, lr=1.0), "the point flew off"),
        (run(lambda p: np.full_like(p, 1e200), "adagrad", [0.0, 0.0], 5, lr=0.1), "the optimizer's state overflowed"),
        (run(lambda p: np.where(p > 1.0, np.nan, -1.0), "adam", [0.0, 0.0], 100, lr=0.1), "no finite gradient"),
    ]
    for traj, words in cases:
        assert traj.diverged and traj.cause_text() == words, (traj.cause_text(), words)
    fine = run(HIMMELBLAU, "adam", _starts(4), 20, lr=0.01)
    assert (fine.cause == 0).all() and (fine.cause_text() == "").all()


# --- f taken once after the walk ------------------------------------------------------------------


def test_run_takes_f_at_every_point_in_one_call_not_one_a_step():
    calls = []

    def fxy(x, y):
        calls.append(np.shape(x))
        return HIMMELBLAU.fxy(x, y)

    counted = dataclasses.replace(HIMMELBLAU, fxy=fxy)
    traj = run(counted, "adam", counted.start, 500, lr=0.05)
    assert len(calls) == 3, calls  # the start (the walk's check, the record's), then the 500 points at once
    np.testing.assert_array_equal(traj.losses, HIMMELBLAU.f(traj.points), strict=True)


NO_VALUE_PAST_ZERO = custom_surface("sqrt(x) + (y-1)**2")  # f has no value for x < 0, ∇f does


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
@pytest.mark.parametrize(
    "surface, start, lr",
    [
        (HIMMELBLAU, np.array([[1.0, -1.0], [-3.0, 2.5], [0.2, 0.1]]), 0.01),
        (NO_VALUE_PAST_ZERO, np.array([[0.5, 0.0], [2.0, 1.5], [0.01, 1.0]]), 0.3),  # some step past x = 0
        (BOWL_OF_EXP, np.array([2.4, 2.4]), 1e-3),  # f = inf after one step
        (CLIFF, np.array([0.0, 0.5]), 0.5),  # f reaches -inf
    ],
)
def test_a_run_is_bit_for_bit_the_walk_that_takes_f_each_step(optimizer, surface, start, lr, monkeypatch):
    """Taking f after the walk changes no number: where a point has no value, the walk is taken again, f each
    step, and the start diverges there."""
    if optimizer == "lbfgs" and surface is HIMMELBLAU:
        start = start[:1]  # noise is refused with a line search; one start keeps it short
    kwargs = dict(lr=lr * (50 if optimizer == "adadelta" else 1), seed=2)
    if optimizer != "lbfgs":
        kwargs["noise"] = 0.1
    later = run(surface, optimizer, start, 120, **kwargs)
    walk = trajectory._walk
    monkeypatch.setattr(trajectory, "_walk", lambda pr, **kw: walk(pr, **{**kw, "losses_later": False}))
    each = run(surface, optimizer, start, 120, **kwargs)
    for name in ("points", "grads", "steps", "losses", "lrs", "stopped_at", "reason", "cause"):
        np.testing.assert_array_equal(getattr(later, name), getattr(each, name), err_msg=name, strict=True)
    for a, b in zip(later.states, each.states, strict=True):
        np.testing.assert_array_equal(a, b, strict=True)


# --- a schedule handed to the update by keyword -------------------------------------------------

TAKES_LR = [name for name in OPTIMIZERS if "lr" in takes_of(OPTIMIZERS[name](lr=0.01))]
CYCLED = [name for name in OPTIMIZERS if {"momentum", "betas"} & {h.name for h in OPTIMIZERS[name].hyper}]


def test_every_optimizer_but_rprop_and_lbfgs_takes_its_scheduled_values_by_keyword():
    assert set(OPTIMIZERS) - set(TAKES_LR) == {"rprop", "lbfgs"}
    for name in CYCLED:  # onecycle cycles momentum or β1: those too
        assert takes_of(OPTIMIZERS[name](lr=0.01)) & {"momentum", "betas"}, name
    assert takes_of(OPTIMIZERS["adam"](lr=0.01, maximize=True)) == {"lr", "betas"}  # climbing keeps the mark


@pytest.mark.parametrize("optimizer", sorted(set(TAKES_LR) | {"rprop"}))
@pytest.mark.parametrize("schedule", ["cosine", "sequential", "onecycle", ("onecycle", {"cycle_momentum": False})])
def test_a_scheduled_run_is_bit_for_bit_the_one_that_builds_its_optimizer_every_step(optimizer, schedule, monkeypatch):
    """The keywords handed to the update are the values the optimizer was built with each step before."""
    if schedule == "onecycle" and optimizer not in CYCLED:
        pytest.skip("onecycle cycles momentum, which this optimizer has not")
    starts = np.array([[1.0, -1.0], [-3.0, 2.5], [0.2, 0.1]])
    lr = {**OPTIMIZERS[optimizer].start}["lr"]
    kwargs = dict(lr=np.array([[lr], [lr / 3], [lr * 40]]), noise=0.5, seed=2, grad_tol=1e-3, schedule=schedule)
    fast = run(HIMMELBLAU, optimizer, starts, 80, **kwargs)
    monkeypatch.setattr("gdviz.surface.trajectory._scheduled_keywords", lambda pr: None)
    rebuilt = run(HIMMELBLAU, optimizer, starts, 80, **kwargs)
    for name in ("points", "grads", "steps", "losses", "lrs", "stopped_at", "reason", "cause"):
        np.testing.assert_array_equal(getattr(fast, name), getattr(rebuilt, name), err_msg=name, strict=True)
    for a, b in zip(fast.states, rebuilt.states, strict=True):
        np.testing.assert_array_equal(a, b, strict=True)


def test_a_scheduled_value_the_optimizer_refuses_is_refused_with_its_own_words():
    """Nesterov needs momentum > 0; onecycle may cycle it down to 0: the run is refused as when it was built every
    step, at that step, not by the check of the whole table."""
    with pytest.raises(ValueError, match="Nesterov momentum must be > 0, got 0.0"):
        run(HIMMELBLAU, "nesterov", HIMMELBLAU.start, 20, lr=0.01, schedule=("onecycle", {"base_momentum": 0.0}))
