"""Tests for gdviz/linear/train.py: reaching the exact optimum, the sampling, stopping, divergence, records.

The reference is tests/fixtures/lbfgs_ref.npz: the minimum L* and minimizer W* of a strictly convex
softmax problem (3 blobs in 2D plus the bias column, reg = 1e-2), found by L-BFGS and Newton steps
in torch, float64 (tests/fixtures/make_lbfgs_ref.py). Other data is made here, seeded.
"""

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

from gdviz.linear.losses import LOSSES
from gdviz.linear.train import LinearRun, accuracy, predict, same_start, scoring_every, smoothed, train_linear
from gdviz.optimizers import OPTIMIZERS

REF = np.load(Path(__file__).resolve().parents[1] / "fixtures" / "lbfgs_ref.npz")
X, Y, REG, L_STAR, W_STAR = REF["X"], REF["y"], float(REF["reg"]), float(REF["loss"]), REF["W"]
N = len(Y)


def _blobs(n=120, d=4, classes=3, seed=0, dtype=np.float64):
    """Separable-ish clusters in d dimensions plus the bias column."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, n)
    centers = 3 * rng.standard_normal((classes, d))
    X = centers[y] + rng.standard_normal((n, d))
    return np.hstack([X, np.ones((n, 1))]).astype(dtype), y


def _train(**settings) -> LinearRun:
    return train_linear(X, Y, **{"loss": "softmax", "optimizer": "sgd", "steps": 300, "reg": REG, **settings})


# --- reaching the optimum --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("optimizer", "hyper", "steps"),
    [("sgd", {"lr": 0.5}, 400), ("momentum", {"lr": 0.1}, 300), ("adam", {"lr": 0.05}, 1000)],
)
def test_full_batch_reaches_the_lbfgs_optimum(optimizer, hyper, steps):
    run = _train(optimizer=optimizer, steps=steps, **hyper)
    assert run.reason == "steps" and run.iterations == steps
    assert 0 <= run.final_loss - L_STAR <= 1e-4
    # strong convexity (2·reg): a loss within ε of L* puts W within √(ε / reg) of W*
    assert np.abs(run.W - W_STAR).max() <= np.sqrt((run.final_loss - L_STAR) / REG) + 1e-9
    assert run.final_loss == pytest.approx(LOSSES["softmax"](run.W, X, Y, REG)[0], rel=1e-12)


def test_full_batch_to_tolerance_finds_W_star():
    run = _train(lr=0.5, steps=5000, tol=1e-9)
    assert run.reason == "tolerance" and run.iterations < 5000
    loss, dW = LOSSES["softmax"](run.W, X, Y, REG)
    assert np.linalg.norm(dW) <= 1e-9
    assert loss - L_STAR <= 1e-12
    np.testing.assert_allclose(run.W, W_STAR, atol=1e-7)
    assert len(run.losses) == run.iterations and run.snapshot_steps[-1] == run.iterations


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mini_batch_gets_close(seed):
    run = _train(batch_size=32, lr=0.1, steps=3000, seed=seed)
    assert run.epochs == 300  # 10 batches per epoch (9 × 32 + 12), 3000 batches
    assert 0 <= run.final_loss - L_STAR <= 1e-3
    last_epoch = run.losses[-10:]
    assert abs(last_epoch.mean() - L_STAR) <= 1e-2  # one pass over the data, along a moving W


def test_svm_training_lowers_the_hinge_loss():
    X2, y2 = _blobs()
    run = train_linear(X2, y2, loss="svm", optimizer="sgd", steps=200, lr=0.01, reg=1e-3)
    assert run.final_loss < 0.2 * run.eval_loss[0]
    assert run.eval_loss[0] == pytest.approx(2.0, abs=0.05)  # C − 1 at W0 ≈ 0
    assert run.final_acc > 0.9
    assert run.final_loss == pytest.approx(LOSSES["svm"](run.W, X2, y2, 1e-3)[0], rel=1e-12)


@pytest.mark.parametrize("optimizer", [name for name, spec in OPTIMIZERS.items() if spec.params != "vector"])
@pytest.mark.parametrize("batch_size", [None, 64])
def test_every_optimizer_runs_and_lowers_the_loss(optimizer, batch_size):
    """From the classifier pages' starting values (each record's ``linear_start``; torch's defaults for the rest:
    Lion's lr 1e-4 would need thousands of updates)."""
    start = OPTIMIZERS[optimizer].linear_start
    run = _train(optimizer=optimizer, steps=100, batch_size=batch_size, **start)
    assert run.reason == "steps" and run.hyper == {**OPTIMIZERS[optimizer].defaults(), **start}
    assert run.final_loss < run.eval_loss[0] - 0.05
    assert np.isfinite(run.losses).all()


# --- sampling, determinism ---------------------------------------------------------------------------


def test_mini_batches_are_a_fresh_permutation_per_epoch_cut_in_order(monkeypatch):
    """A spy loss reads the row numbers stored in X's first column: each epoch sees every row once."""
    n, batch = 50, 16  # 3 batches of 16 and one of 2
    Xid = np.hstack([np.arange(n)[:, None], np.ones((n, 1))]).astype(float)
    y = np.arange(n) % 3
    seen, svm = [], LOSSES["svm"]

    def spy(W, Xb, yb, reg):
        seen.append(Xb[:, 0].astype(int))
        np.testing.assert_array_equal(yb, y[seen[-1]])
        return svm(W, Xb, yb, reg)

    monkeypatch.setitem(LOSSES, "svm", spy)
    run = train_linear(Xid, y, loss="svm", optimizer="sgd", steps=10, batch_size=batch, lr=1e-3)
    assert [len(s) for s in seen] == [16, 16, 16, 2, 16, 16, 16, 2, 16, 16]
    epoch1, epoch2 = np.concatenate(seen[:4]), np.concatenate(seen[4:8])
    np.testing.assert_array_equal(np.sort(epoch1), np.arange(n))
    np.testing.assert_array_equal(np.sort(epoch2), np.arange(n))
    assert not np.array_equal(epoch1, epoch2)
    assert run.batch_size == batch and not run.full_batch
    assert run.epochs == pytest.approx((2 * n + 32) / n)
    assert list(run.eval_steps) == [0, 4, 8, 10]  # every epoch, and the end


def test_batch_size_N_is_full_batch():
    full, same = _train(steps=20), _train(steps=20, batch_size=N)
    assert same.full_batch and same.batch_size == N
    np.testing.assert_array_equal(full.losses, same.losses)


def test_mini_batch_scores_the_full_data_about_100_times():
    run = _train(steps=1000, batch_size=256, lr=0.1)  # 2 batches an epoch, 500 epochs: every 5th epoch
    np.testing.assert_array_equal(run.eval_steps, np.arange(0, 1001, 10))


def test_batch_size_one_is_sgd():
    run = _train(steps=2 * N + 5, batch_size=1, lr=0.01)
    assert run.batch_size == 1 and run.epochs == pytest.approx((2 * N + 5) / N)
    assert list(run.eval_steps) == [0, N, 2 * N, 2 * N + 5]


@pytest.mark.parametrize("batch_size", [None, 32])
def test_determinism_by_seed(batch_size):
    a, b = _train(batch_size=batch_size, seed=3), _train(batch_size=batch_size, seed=3)
    for field in ("W", "losses", "eval_loss", "snapshot_W", "snapshot_loss"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    c = _train(batch_size=batch_size, seed=4)
    assert not np.array_equal(a.losses, c.losses)


def test_default_W0_is_cs231n_scale_and_passing_it_gives_the_same_run():
    run = _train(batch_size=32, seed=5)
    W0 = run.snapshot_W[0]
    assert W0.shape == (3, 3) and 3e-4 < W0.std() < 3e-3
    again = _train(batch_size=32, seed=5, W0=W0.copy())
    np.testing.assert_array_equal(run.losses, again.losses)


def test_the_callers_W0_is_not_changed_and_float32_stays_float32():
    X32, y = _blobs(dtype=np.float32)
    W0 = np.zeros((X32.shape[1], 3), dtype=np.float32)
    run = train_linear(X32, y, loss="softmax", optimizer="adam", steps=50, W0=W0, lr=0.01)
    assert not W0.any()
    assert run.W.dtype == run.snapshot_W.dtype == np.float32
    assert run.losses.dtype == run.eval_loss.dtype == np.float64


# --- records --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("steps", "snapshots", "expected"), [(1000, 101, 101), (7, 101, 8), (10, 3, 3)])
def test_snapshots_count_and_endpoints(steps, snapshots, expected):
    run = _train(steps=steps, snapshots=snapshots, lr=0.5)
    assert run.snapshot_steps[0] == 0 and run.snapshot_steps[-1] == steps
    assert len(run.snapshot_steps) == expected == run.snapshot_W.shape[0]
    assert np.all(np.diff(run.snapshot_steps) > 0)
    np.testing.assert_array_equal(run.snapshot_W[-1], run.W)
    if steps == 1000:
        np.testing.assert_array_equal(run.snapshot_steps, np.arange(0, 1001, 10))
    for k in (0, len(run.snapshot_steps) // 2, -1):
        W = run.snapshot_W[k]
        assert run.snapshot_loss[k] == pytest.approx(LOSSES["softmax"](W, X, Y, REG)[0], rel=1e-12)
        assert run.snapshot_acc[k] == accuracy(W, X, Y)


def test_full_batch_losses_are_the_full_data_losses():
    run = _train(steps=250, lr=0.5)
    np.testing.assert_array_equal(run.eval_steps, run.snapshot_steps)  # scored where the snapshots are
    inner = run.eval_steps[:-1]
    np.testing.assert_allclose(run.losses[inner], run.eval_loss[:-1], rtol=1e-12)
    assert run.eval_steps[-1] == 250 and run.losses.shape == (250,)


def test_predict_accuracy_smoothed():
    W = np.array([[1.0, 0.0], [0.0, 1.0]])
    Xs = np.array([[2.0, 1.0], [0.0, 3.0], [1.0, 0.5]])
    np.testing.assert_array_equal(predict(W, Xs), [0, 1, 0])
    assert accuracy(W, Xs, np.array([0, 1, 1])) == pytest.approx(2 / 3)
    np.testing.assert_allclose(smoothed([1.0, 2.0, 3.0, 4.0, 5.0], 2), [1.0, 1.5, 2.5, 3.5, 4.5])
    np.testing.assert_allclose(smoothed([4.0, 2.0], 10), [4.0, 3.0])
    x = np.random.default_rng(0).standard_normal(50)
    np.testing.assert_allclose(smoothed(x, 7)[10], x[4:11].mean())


# --- divergence ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("loss", "optimizer", "hyper", "scale", "dtype", "batch_size", "first"),
    [
        ("svm", "sgd", {"lr": 1e12}, 1, np.float64, None, 1),  # the loss leaps past 1e6 × its start
        ("softmax", "momentum", {"lr": 1e9}, 1, np.float64, None, 1),
        ("svm", "sgd", {"lr": 1.5, "reg": 1.0}, 1, np.float64, None, 5),  # W grows 2× a step: |1 − 2·lr·reg| = 2
        ("softmax", "sgd", {"lr": 1.5, "reg": 1.0}, 1, np.float32, 16, 5),
        ("svm", "adam", {"lr": 1e30}, 1, np.float32, 16, 1),
        ("softmax", "sgd", {"lr": 1e307}, 1000, np.float64, None, 1),  # the step itself overflows: W is inf
    ],
)
def test_divergence_is_reported_not_raised(loss, optimizer, hyper, scale, dtype, batch_size, first):
    X2, y2 = _blobs(dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = train_linear(scale * X2, y2, loss=loss, optimizer=optimizer, steps=50, batch_size=batch_size, **hyper)
    assert run.reason == "diverged" and run.diverged
    k = run.diverged_at
    assert first <= k <= 50 and run.iterations == k and run.losses.shape == (k,)
    assert run.snapshot_steps[-1] == run.eval_steps[-1] == k - 1  # W kept from just before update k
    np.testing.assert_array_equal(run.snapshot_W[-1], run.W)
    for field in ("W", "losses", "eval_loss", "eval_acc", "snapshot_W", "snapshot_loss", "snapshot_acc"):
        assert np.isfinite(getattr(run, field)).all(), field
    assert run.losses.max() <= 1e6 * max(1.0, run.eval_loss[0])


def test_a_run_that_does_not_diverge_says_so():
    run = _train()
    assert run.diverged_at is None and not run.diverged and run.reason == "steps"


# --- errors the page shows ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"batch_size": 512}, "batch size 512 is larger than the 300 examples"),
        ({"batch_size": 0}, "batch size must be at least 1"),
        ({"steps": 0}, "steps must be at least 1"),
        ({"reg": -0.1}, "reg must be a finite number ≥ 0"),
        ({"loss": "hinge"}, "unknown loss 'hinge'"),
        ({"optimizer": "newton"}, "unknown optimizer 'newton'"),
        ({"optimizer": "adafactor"}, "Adafactor is written here for a vector of parameters"),
        ({"momentum": 0.9}, "sgd has no hyperparameter momentum"),
        ({"lr": -1.0}, "learning rate must be ≥ 0, got -1.0"),
        ({"batch_size": 32, "tol": 1e-6}, "tol .* needs full batch"),
        ({"snapshots": 1}, "snapshots must be at least 2"),
        ({"W0": np.zeros((3, 2))}, "label 2 is out of range for W0 with 2 classes"),
        ({"W0": np.zeros((2, 3))}, r"W0 must have shape \(D, C\) = \(3, C\)"),
    ],
)
def test_settings_errors(change, message):
    with pytest.raises(ValueError, match=message):
        _train(**change)


@pytest.mark.parametrize(
    ("Xe", "ye", "message"),
    [
        (np.zeros((0, 3)), np.zeros(0, dtype=int), "no data"),
        (np.zeros((5, 3)), np.array([0, 1, 0, 1]), r"X has 5 rows but y has shape \(4,\)"),
        (np.zeros((4, 3)), np.array([2, 2, 2, 2]), "only one class"),
        (np.zeros(4), np.array([0, 1, 0, 1]), "X must be a 2-D array"),
        (np.zeros((4, 3)), np.array([0.0, 1.0, 0.0, 1.0]), "labels must be integers"),
        (np.zeros((4, 3)), np.array([0, -1, 0, 1]), "labels must lie in 0..1, found -1..1"),
        (np.full((4, 3), np.nan), np.array([0, 1, 0, 1]), "non-finite"),
    ],
)
def test_data_errors(Xe, ye, message):
    with pytest.raises(ValueError, match=message):
        train_linear(Xe, ye, loss="svm", optimizer="sgd", steps=5)


# --- epochs by a step (the linear page's cards) --------------------------------------------------------


@pytest.mark.parametrize("batch_size", [None, 32, 1])
def test_epochs_at_a_step_count_the_examples_seen_so_far(batch_size):
    """The last step's count is the run's own epochs; a mini-batch epoch ends with a partial batch."""
    steps = 2 * N + 7
    run = _train(steps=steps, batch_size=batch_size, lr=0.01)
    assert run.examples == N
    assert run.epochs_at(0) == 0 and run.epochs_at(run.iterations) == pytest.approx(run.epochs)
    per_epoch = -(-N // (batch_size or N))
    assert run.epochs_at(per_epoch) == pytest.approx(1.0)  # one pass: every example once, the partial batch too
    if batch_size == 32:
        assert run.epochs_at(1) == pytest.approx(32 / N)
        assert run.epochs_at(per_epoch + 1) == pytest.approx(1 + 32 / N)


# --- schedules (tests/fixtures/schedule_refs.*, made with torch by make_schedule_refs.py) ---------------

SCHEDULED = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "schedule_refs.json").read_text())["linear"]
SCHEDULED_REF = np.load(Path(__file__).resolve().parents[1] / "fixtures" / "schedule_refs.npz")


def test_a_scheduled_run_is_torchs():
    """Softmax, full batch, SGD momentum with a linear warm-up then a cosine: torch's losses, W and lrs."""
    ref = {k.split("/")[1]: SCHEDULED_REF[k] for k in SCHEDULED_REF.files if k.startswith("linear/")}
    schedule = (SCHEDULED["schedule"], SCHEDULED["kwargs"])
    settings = {"loss": "softmax", "optimizer": SCHEDULED["optimizer"], "steps": SCHEDULED["steps"]}
    settings |= {"reg": SCHEDULED["reg"], "W0": ref["W0"], **SCHEDULED["hyper"]}
    run = train_linear(ref["X"], ref["y"], schedule=schedule, **settings)
    assert run.reason == "steps" and run.schedule[0] == "sequential"
    np.testing.assert_allclose(run.lrs, ref["lr"], rtol=1e-12, atol=0)
    np.testing.assert_allclose(run.losses, ref["losses"], rtol=1e-9)
    np.testing.assert_allclose(run.W, ref["W"], rtol=1e-9, atol=1e-12)
    plain = train_linear(ref["X"], ref["y"], **settings)  # the schedule matters: without it, another run
    assert np.abs(plain.losses - ref["losses"]).max() > 1e-3
    np.testing.assert_array_equal(plain.lrs, np.full(SCHEDULED["steps"], SCHEDULED["hyper"]["lr"]))
    assert plain.schedule is None


@pytest.mark.parametrize("batch_size", [None, 32])
def test_a_factor_of_one_changes_nothing_bit_for_bit(batch_size):
    plain = _train(optimizer="adam", steps=60, batch_size=batch_size, lr=0.05)
    same = _train(optimizer="adam", steps=60, batch_size=batch_size, lr=0.05, schedule=("constant", {"factor": 1.0}))
    for field in ("W", "losses", "eval_loss", "snapshot_W"):
        np.testing.assert_array_equal(getattr(plain, field), getattr(same, field))


def test_a_schedule_keeps_float32_and_lists_every_planned_step():
    X32, y = _blobs(dtype=np.float32)
    run = train_linear(X32, y, loss="softmax", optimizer="momentum", steps=40, lr=0.01, schedule="onecycle")
    assert run.W.dtype == np.float32 and run.lrs.shape == (40,) and run.lrs.argmax() == 11
    hot = train_linear(X32, y, loss="svm", optimizer="sgd", steps=50, lr=1.0, schedule=("exponential", {"gamma": 10.0}))
    assert hot.diverged and hot.lrs.shape == (50,)


def test_a_bad_schedule_is_refused_before_training():
    with pytest.raises(ValueError, match="turn cycle_momentum off, or choose one that has"):
        _train(schedule="onecycle")  # plain SGD has no momentum to cycle
    with pytest.raises(ValueError, match="unknown schedule 'warmup'"):
        _train(schedule="warmup")


# --- a longer run begins as a shorter one (the batch chart shares runs between nearby step counts) ------------


@pytest.mark.parametrize(("steps", "longer"), [(1, 50), (157, 200), (300, 300), (999, 1000), (1001, 1250)])
@pytest.mark.parametrize("batch_size", [None, 1, 7, 32])
@pytest.mark.parametrize(("loss", "lr"), [("softmax", 0.5), ("svm", 0.05), ("svm", 3e7)])
def test_a_longer_run_begins_as_the_shorter_one_wherever_same_start_says_so(steps, longer, batch_size, loss, lr):
    X, y = _blobs(n=60)
    light = dict(loss=loss, optimizer="momentum", batch_size=batch_size, reg=1e-3, seed=2, snapshots=2, lr=lr)
    if not same_start(len(y), batch_size, steps, longer):  # the full data is scored at another cadence
        assert batch_size not in (None, len(y)) and scoring_every(60, batch_size, steps) != scoring_every(
            60, batch_size, longer
        )
        return
    short, long = train_linear(X, y, steps=steps, **light), train_linear(X, y, steps=longer, **light)
    np.testing.assert_array_equal(long.losses[:steps], short.losses)
    assert len(short.losses) == min(steps, len(long.losses))


def test_same_start_needs_the_same_scoring_cadence():
    assert same_start(300, None, 301, 5000) and same_start(300, 300, 301, 5000)  # full batch
    assert same_start(300, 32, 301, 350)  # every epoch in both
    assert scoring_every(120, 64, 1001) != scoring_every(120, 64, 1250) and not same_start(120, 64, 1001, 1250)
    assert not same_start(300, None, 350, 301)  # shorter
