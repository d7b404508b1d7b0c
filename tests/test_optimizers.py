"""gdviz.optimizers against PyTorch's recorded paths, plus the classic facts every optimizer keeps.

The reference paths were recorded from torch.optim by tests/fixtures/make_optimizer_refs.py; torch
itself is not needed here. Tolerances are 1e-9 relative: a wrong update rule misses by far more.
"""

from __future__ import annotations

import copy
import functools
import inspect
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

import gdviz
from gdviz import OPTIMIZERS, SURFACES

from .torch_facts import IMPLEMENTATION, TORCH, torch_defaults

FIXTURES = Path(__file__).parent / "fixtures"
META = json.loads((FIXTURES / "optimizer_paths.json").read_text())
CASES = {case["key"]: case for case in META["cases"]}
BETAS = ("adam", "adamw", "nadam", "radam", "adamax")
WEIGHT_DECAY = "sgd momentum nesterov adagrad rmsprop adadelta adam adamw nadam radam adamax".split()

# torch.optim's options no record exposes, each for a reason (every other one is exposed, #13): SGD's momentum and
# dampening are the momentum entry's, nesterov=True is the nesterov entry (torch refuses dampening with it), and Adam
# with decoupled weight decay is AdamW. The arguments a record fixes (torch's "fixed") and how torch computes
# (IMPLEMENTATION) are not options either.
NOT_EXPOSED = {
    "sgd": {"momentum", "dampening", "nesterov"},
    "momentum": {"nesterov"},
    "nesterov": {"dampening"},
    "adam": {"decoupled_weight_decay"},
}
# torch's SGD momentum of 0 is gdviz's "sgd"; the momentum entries choose μ = 0.9 instead
NOT_TORCHS = {("momentum", "momentum"): 0.9, ("nesterov", "momentum"): 0.9}

# every optimizer at its defaults, plus the branches defaults skip
CONFIGS = [(name, {}) for name in OPTIMIZERS] + [
    ("rmsprop", {"momentum": 0.9}),
    ("adamw", {"weight_decay": 0.5}),
    ("nadam", {"momentum_decay": 0.0}),
    ("sgd", {"weight_decay": 0.1}),
    ("momentum", {"dampening": 0.5, "weight_decay": 0.1}),
    ("nesterov", {"weight_decay": 0.1}),
    ("adagrad", {"lr_decay": 0.1, "weight_decay": 0.1, "initial_accumulator_value": 0.5}),
    ("rmsprop", {"centered": True, "momentum": 0.5, "weight_decay": 0.1}),
    ("adadelta", {"weight_decay": 0.1}),
    ("adam", {"amsgrad": True, "weight_decay": 0.1}),
    ("adamw", {"amsgrad": True}),
    ("nadam", {"weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("radam", {"weight_decay": 0.1}),
    ("radam", {"weight_decay": 0.1, "decoupled_weight_decay": True, "betas": (0.9, 0.9)}),  # rectified from step 2
    ("adamax", {"weight_decay": 0.1, "maximize": True}),
    ("asgd", {"t0": 2.0, "weight_decay": 0.1}),  # μ < 1 from step 4: the average really averages
    ("rprop", {"etas": (0.3, 1.5), "step_sizes": (1e-3, 1.0), "maximize": True}),
    ("lion", {"weight_decay": 0.1}),
    ("adafactor", {"weight_decay": 0.1, "d": 1.5, "eps": (1e-30, 0.1)}),
    ("lbfgs", {"lr": 0.1, "history_size": 2}),  # the history full after 3 steps: the oldest pair drops out
]


def _hyper(case: dict) -> dict:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in case["hyper"].items()}


def _config_id(config) -> str:
    name, hyper = config
    return name + "".join(f"-{k}={v}" for k, v in hyper.items())


@pytest.fixture(scope="module")
def torch_paths():
    with np.load(FIXTURES / "optimizer_paths.npz") as data:
        return {key: data[key] for key in data.files}


def _walk(name: str, hyper: dict, params: np.ndarray, steps: int, seed: int = 0):
    """A few updates on random gradients, so the state is no longer the trivial initial one."""
    opt = OPTIMIZERS[name](**hyper)
    rng = np.random.default_rng(seed)
    state = opt.init(params)
    for _ in range(steps):
        step, state = opt.update(rng.normal(size=params.shape), state, params)
        params = params + step
    return opt, state, params


# --- the torch references -------------------------------------------------------------------------


def test_fixture_is_whole(torch_paths):
    assert META["steps"] == 300 and META["dtype"] == "float64"
    assert set(torch_paths) == set(CASES)
    for key, case in CASES.items():
        assert torch_paths[key].shape == (301, len(case["starts"]), 2), key
        assert len(case["starts"]) >= 3, key


def test_every_optimizer_has_torch_references():
    covered = {case["optimizer"] for case in CASES.values()}
    missing = set(OPTIMIZERS) - covered
    assert not missing, f"no torch reference for {sorted(missing)}: add cases to make_optimizer_refs.py"
    for name, spec in OPTIMIZERS.items():  # every hyperparameter, at a value other than its default
        defaults = {h.name: h.default for h in spec.hyper}
        varied = {
            k
            for case in CASES.values()
            if case["optimizer"] == name
            for k, v in _hyper(case).items()
            if v != defaults[k]
        }
        missing = sorted(set(defaults) - varied)
        assert not missing, f"{name}: no torch reference with {missing} away from the default"
    assert any(case["hyper"].get("momentum", 0) > 0 for case in CASES.values() if case["optimizer"] == "rmsprop")


@functools.cache
def _gdviz_path(key: str) -> gdviz.Trajectory:
    """gdviz's run of a reference case, all k starts at once; run once, read by each test that compares it."""
    case = CASES[key]
    return gdviz.run(
        SURFACES[case["surface"]], case["optimizer"], np.array(case["starts"]), META["steps"], **_hyper(case)
    )


@pytest.mark.parametrize("key", sorted(CASES))
def test_path_matches_torch(key, torch_paths):
    case = CASES[key]
    surface = SURFACES[case["surface"]]
    starts = np.array(case["starts"])
    np.testing.assert_array_equal(
        surface.grad(starts), case["grad_at_starts"], err_msg=f"surface {case['surface']!r} changed since recording"
    )
    traj = _gdviz_path(key)
    assert traj.points.shape == torch_paths[key].shape
    assert (traj.reason == gdviz.REASONS.index("max steps")).all(), "a reference start stopped early"
    np.testing.assert_allclose(traj.points, torch_paths[key], rtol=1e-9, atol=1e-12, err_msg=key)
    if "func_evals" in case:  # L-BFGS: torch's closure calls, its line search's included, are gdviz's evaluations
        assert traj.grad_evals.tolist() == case["func_evals"], key


def test_strong_wolfe_takes_torchs_path_to_the_last_digits(torch_paths):
    """torch computes x + t·d with a fused multiply-add and gdviz with two roundings: the paths part in the last
    bit and, over 300 steps of line searches on Rosenbrock, drift 4.9e-13 apart (measured); every trial count agrees."""
    searched = [key for key, case in CASES.items() if case["hyper"].get("line_search_fn") == "strong_wolfe"]
    assert len(searched) >= 6 and {CASES[k]["surface"] for k in searched} >= {"rosenbrock", "himmelblau", "beale"}
    for key in searched:
        traj = _gdviz_path(key)  # the run test_path_matches_torch compared at 1e-9
        assert np.abs(traj.points - torch_paths[key]).max() < 1e-12, key
        assert (traj.grad_evals > META["steps"]).all(), "every start spent more than one evaluation on some step"


def test_references_are_not_trivial(torch_paths):
    """Each path really moves, and the paths of different optimizers really differ."""
    for key, path in torch_paths.items():
        assert np.linalg.norm(path[-1] - path[0], axis=-1).min() > 1e-2, key
    sgd = torch_paths["case00_sgd_quadratic"]
    for key in ("case05_momentum_quadratic", "case09_nesterov_quadratic", "case26_adam_quadratic"):
        assert CASES[key]["starts"] == CASES["case00_sgd_quadratic"]["starts"]
        assert np.abs(torch_paths[key] - sgd).max() > 0.1, key


# --- classic facts ----------------------------------------------------------------------------------


def test_momentum_zero_is_sgd_exactly():
    surface, starts = SURFACES["rosenbrock"], np.array([[-1.2, 1.0], [0.5, -0.5], [1.5, 1.5]])
    plain = gdviz.run(surface, "sgd", starts, 200, lr=1e-3)
    heavy = gdviz.run(surface, "momentum", starts, 200, lr=1e-3, momentum=0.0)
    np.testing.assert_array_equal(heavy.points, plain.points)
    assert np.abs(plain.points[-1] - plain.points[0]).max() > 0.1


@pytest.mark.parametrize("lr", [1e-3, 0.1])
def test_adam_first_step_is_lr_times_sign(lr):
    g = np.array([[1e-3, -1e-3], [0.5, -2.0], [37.0, -1e4], [1e6, 0.0]])  # six decades of magnitude
    opt = OPTIMIZERS["adam"](lr=lr)
    params = np.ones_like(g)
    step, state = opt.update(g, opt.init(params), params)
    np.testing.assert_allclose(step, -lr * np.sign(g), rtol=1e-4, atol=0)
    assert step[3, 1] == 0.0
    assert state.step == 1


def test_dampening_spares_the_first_gradient_as_torch_does():
    # torch.optim.SGD sets the buffer to g₁ itself, then b ← μb + (1 − τ)g: a zero start would damp g₁ too
    surface, start = SURFACES["himmelblau"], np.array([[1.0, 1.0], [-2.0, 0.5]])
    traj = gdviz.run(surface, "momentum", start, 3, lr=0.01, momentum=0.9, dampening=0.5)
    g = traj.grads
    np.testing.assert_array_equal(traj.steps[0], -0.01 * g[0])
    np.testing.assert_allclose(traj.steps[1], -0.01 * (0.9 * g[0] + 0.5 * g[1]), rtol=1e-15)
    # at μ = 0 torch keeps no buffer, so dampening changes nothing: plain SGD, bit for bit
    plain = gdviz.run(surface, "sgd", start, 50, lr=0.01)
    np.testing.assert_array_equal(
        gdviz.run(surface, "momentum", start, 50, lr=0.01, momentum=0.0, dampening=0.5).points, plain.points
    )


@pytest.mark.parametrize(
    ("name", "switch", "field", "hyper"),
    [
        ("rmsprop", "centered", "grad_avg", {}),
        ("adam", "amsgrad", "max_exp_avg_sq", {"betas": (0.9, 0.8)}),  # a short memory: v soon falls below its max
        ("adamw", "amsgrad", "max_exp_avg_sq", {"betas": (0.9, 0.8)}),
    ],
)
def test_a_switch_adds_the_state_field_torch_adds(name, switch, field, hyper):
    """As torch.optim does, a switch that needs more state (amsgrad, centered) adds that field and only then;
    the record has a symbol for it and the inspector's table shows it (tests/surface/test_inspector.py)."""
    off = gdviz.run(SURFACES["himmelblau"], name, (1.0, 1.0), 40, lr=0.05, **hyper)
    on = gdviz.run(SURFACES["himmelblau"], name, (1.0, 1.0), 40, lr=0.05, **hyper, **{switch: True})
    assert set(on.states._fields) - set(off.states._fields) == {field} and field in OPTIMIZERS[name].symbols
    assert getattr(on.states, field)[1:].all()
    for kept in off.states._fields:  # the fields both keep hold the same kind of numbers
        assert np.shape(getattr(on.states, kept)) == np.shape(getattr(off.states, kept)), kept
    assert np.abs(on.points - off.points).max() > 1e-6


@pytest.mark.parametrize("name", [n for n, spec in OPTIMIZERS.items() if "maximize" in spec.defaults()])
def test_maximize_is_descent_on_minus_f(name):
    """torch negates g before anything else (weight decay included): climbing f is descending −f."""
    spec, surface = OPTIMIZERS[name], SURFACES["styblinski_tang"]
    hyper = {"lr": 0.01, **({"weight_decay": 0.1} if "weight_decay" in spec.defaults() else {})}
    starts = np.array([[1.5, -1.0], [-2.0, 0.5]])
    up = gdviz.run(surface, name, starts, 30, maximize=True, **hyper)
    down = gdviz.run(lambda p: -surface.grad(p), name, starts, 30, **hyper)
    np.testing.assert_array_equal(up.points, down.points)
    assert (surface.f(up.points[-1]) > surface.f(starts)).all()


def test_radam_starts_as_sgd_with_momentum_and_adamax_as_sign_descent():
    g = np.array([[1e-3, -1e-3], [0.5, -2.0], [37.0, -1e4]])
    params = np.ones_like(g)
    radam = OPTIMIZERS["radam"](lr=0.1)
    step, state = radam.update(g, radam.init(params), params)
    np.testing.assert_array_equal(step, -0.1 * g)  # ρ₁ = 1 ≤ 5: θ ← θ − lr·m̂, and m̂₁ = g
    adamax = OPTIMIZERS["adamax"](lr=0.1)
    step, state = adamax.update(g, adamax.init(params), params)
    np.testing.assert_allclose(step, -0.1 * np.sign(g), rtol=1e-5)  # u₁ = |g| + ε
    np.testing.assert_array_equal(state.exp_inf, np.abs(g) + 1e-8)


def test_rprop_grows_shrinks_and_waits_as_torch_does():
    # coordinate 0 flips sign at step 2: Δ shrinks by η₋, that move is skipped, g_prev becomes 0 (so step 3
    # counts as a fresh start, factor 1); coordinate 1 keeps its sign: Δ grows by η₊ each step
    rprop, params = OPTIMIZERS["rprop"](lr=0.1, etas=(0.5, 1.2)), np.zeros(2)
    state, steps = rprop.init(params), []
    for g in ([1.0, 1.0], [-3.0, 2.0], [-1.0, 0.5]):
        step, state = rprop.update(np.array(g), state, params)
        steps.append(step)
    np.testing.assert_allclose(steps, [[-0.1, -0.1], [0.0, -0.12], [0.05, -0.144]], rtol=1e-15)
    np.testing.assert_array_equal(state.prev, [-1.0, 0.5])


def test_lion_moves_every_coordinate_by_exactly_lr():
    traj = gdviz.run(SURFACES["himmelblau"], "lion", np.array([[0.0, 0.0], [3.0, -2.0]]), 60, lr=0.01)
    assert np.isin(np.abs(traj.steps), [0.0, 0.01]).all() and (np.abs(traj.steps) == 0.01).mean() > 0.9
    decayed = gdviz.run(SURFACES["himmelblau"], "lion", (3.0, -2.0), 1, lr=0.01, weight_decay=0.5)
    np.testing.assert_allclose(decayed.steps[0], -0.01 * (np.sign(decayed.grads[0]) + 0.5 * np.array([3.0, -2.0])))


def test_asgd_decays_its_step_size_and_averages_from_t0():
    lr, lambd, alpha = 0.1, 0.5, 0.75
    traj = gdviz.run(SURFACES["quadratic"], "asgd", (3.0, -2.0), 8, lr=lr, lambd=lambd, alpha=alpha, t0=2.0)
    for t in range(1, 9):  # step t uses η = lr / (1 + λ·lr·(t − 1))^α, torch's eta after t − 1 steps
        np.testing.assert_array_equal(traj.states.eta[t - 1], lr / (1 + lambd * lr * (t - 1)) ** alpha)
        eta = traj.states.eta[t - 1]
        np.testing.assert_allclose(traj.steps[t - 1], -lambd * eta * traj.points[t - 1] - eta * traj.grads[t - 1])
    # μ = 1/max(1, t − t0): ā follows θ up to step t0 + 2, then is the mean of the points from there on
    np.testing.assert_allclose(traj.states.ax[1:5], traj.points[1:5], rtol=1e-14)
    for t in range(5, 9):
        np.testing.assert_allclose(traj.states.ax[t], traj.points[4 : t + 1].mean(axis=0), rtol=1e-12)
    # λ = 0: plain SGD
    plain = gdviz.run(SURFACES["beale"], "sgd", (1.0, 1.5), 100, lr=0.01)
    unshrunk = gdviz.run(SURFACES["beale"], "asgd", (1.0, 1.5), 100, lr=0.01, lambd=0.0)
    np.testing.assert_allclose(unshrunk.points, plain.points, rtol=1e-13)


def test_adafactor_steps_relative_to_the_size_of_the_point():
    # step 1: v = g², so u = sign(g); RMS(u) ≤ d = 1: θ moves by max(ε₂, RMS(θ))·min(lr, 1)·sign(g)
    g = np.array([[0.3, -2.0], [1e-4, 5.0], [-7.0, 0.0]])
    params = np.array([[3.0, 4.0], [1e-5, 0.0], [-1.0, 1.0]])
    opt = OPTIMIZERS["adafactor"](lr=0.02)
    step, state = opt.update(g, opt.init(params), params)
    rms = np.sqrt((params**2).mean(axis=-1, keepdims=True))
    np.testing.assert_allclose(step, -np.maximum(1e-3, rms) * 0.02 * np.sign(g), rtol=1e-14)
    np.testing.assert_array_equal(state.variance, g * g)
    spec = OPTIMIZERS["adafactor"]  # torch's eps[0] = None is float64's machine epsilon, written out and said
    eps = next(h for h in spec.hyper if h.name == "eps")
    assert eps.default == (np.finfo(np.float64).eps, 1e-3) and "None" in eps.help and "None" in spec.variant


def _lbfgs_history(pairs: list[tuple], slots: int, n: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """(y, s) pairs of ``n`` coordinates, oldest first, as the record's flat history: newest first, zeros after."""
    flat = lambda vs: np.concatenate([*reversed(vs), np.zeros(n * (slots - len(vs)))])  # noqa: E731
    return flat([y for y, _ in pairs]), flat([s for _, s in pairs])


def test_lbfgs_two_loop_is_the_limited_memory_inverse_hessian():
    """d = −H·g with H built explicitly: H ← (I − ρsyᵀ) H (I − ρysᵀ) + ρssᵀ from H_diag·I, oldest pair first."""
    from gdviz.optimizers.quasi_newton import two_loop

    rng = np.random.default_rng(3)
    A = np.array([[3.0, 1.0], [1.0, 2.0]])  # y = A s: positive curvature, as a stored pair has
    g, dirs, stps, H_diag, expected = rng.normal(size=(3, 2)), [], [], [], []
    for count in (3, 1, 0):  # starts holding different numbers of pairs: the masks must keep them apart
        pairs = [(A @ s, s) for s in rng.normal(size=(count, 2))]
        y, s = _lbfgs_history(pairs, 5)
        h0 = pairs[-1][0] @ pairs[-1][1] / (pairs[-1][0] @ pairs[-1][0]) if pairs else 1.0
        H = h0 * np.eye(2)
        for y_i, s_i in pairs:
            rho = 1 / (y_i @ s_i)
            H = (np.eye(2) - rho * np.outer(s_i, y_i)) @ H @ (np.eye(2) - rho * np.outer(y_i, s_i))
            H += rho * np.outer(s_i, s_i)
        dirs.append(y), stps.append(s), H_diag.append([h0, h0]), expected.append(-H @ g[len(expected)])
    got = two_loop(g, np.array(dirs), np.array(stps), np.array(H_diag))
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_lbfgs_two_loop_of_a_long_vector_is_the_limited_memory_inverse_hessian():
    """Beyond LONG coordinates (the digits' 650 weights) the sums are numpy's own; d = −H·g all the same."""
    from gdviz.optimizers.two_loop import LONG, two_loop

    rng = np.random.default_rng(5)
    n, count = 3 * LONG, 6
    B = rng.normal(size=(n, n))
    A = B @ B.T / n + np.eye(n)  # y = A s: positive curvature
    pairs = [(A @ s, s) for s in rng.normal(size=(count, n))]
    y, s = _lbfgs_history(pairs, 10, n)
    h0 = pairs[-1][0] @ pairs[-1][1] / (pairs[-1][0] @ pairs[-1][0])
    H = h0 * np.eye(n)
    for y_i, s_i in pairs:
        rho = 1 / (y_i @ s_i)
        H = (np.eye(n) - rho * np.outer(s_i, y_i)) @ H @ (np.eye(n) - rho * np.outer(y_i, s_i))
        H += rho * np.outer(s_i, s_i)
    g = rng.normal(size=(1, n))
    got = two_loop(g, y[None], s[None], np.full((1, n), h0))
    np.testing.assert_allclose(got[0], -H @ g[0], rtol=1e-9, atol=1e-12)


def test_lbfgs_returns_early_below_tolerance_grad_and_keeps_history_size_pairs():
    starts = np.array([[-8.0, -5.0], [5.0, 8.0], [0.0, -9.0]])
    traj = gdviz.run(SURFACES["booth"], "lbfgs", starts, 30, tolerance_grad=1e-6)  # a quadratic: a few steps
    np.testing.assert_allclose(traj.final, np.tile([1.0, 3.0], (3, 1)), atol=1e-6)
    for i in range(3):
        k = int(np.argmax(np.abs(traj.grads[:, i]).max(axis=-1) <= 1e-6))  # torch's step returns at once
        assert 3 <= k < 10 and not traj.steps[k:, i].any()
        for name, field in zip(traj.states._fields, traj.states, strict=True):
            held = field[k:, i] if name != "func_evals" else field[k:, i] - np.arange(len(field) - k)[:, None]
            np.testing.assert_array_equal(held, np.broadcast_to(field[k, i], field[k:, i].shape))
    traj = gdviz.run(SURFACES["rosenbrock"], "lbfgs", (-1.2, 1.0), 40, lr=3e-3, history_size=2)
    held = (traj.states.old_dirs.reshape(41, 2, 2) * traj.states.old_stps.reshape(41, 2, 2)).sum(-1) > 0
    assert held.sum(axis=-1).tolist() == [0, 0] + [1] + [2] * 38  # a pair from step 2 on, never more than 2
    first = gdviz.run(SURFACES["booth"], "lbfgs", starts, 1, lr=0.5)  # t = min(1, 1/‖g‖₁)·lr
    l1 = np.abs(SURFACES["booth"].grad(starts)).sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(first.steps[0], -np.minimum(1, 1 / l1) * 0.5 * first.grads[0], rtol=1e-15)


def _himmelblau_oracle(points, gradient=True):
    surface = SURFACES["himmelblau"]
    return surface.f(points), surface.grad(points) if gradient else None


def test_strong_wolfe_update_is_pure_and_steps_each_start_as_if_alone():
    """Each start searches on its own (its own number of trials): a batch steps every row as it steps alone, and
    the update changes nothing it was given."""
    opt = OPTIMIZERS["lbfgs"](lr=1.0, line_search_fn="strong_wolfe", history_size=4)
    starts = np.array([[-1.0, 2.0], [0.5, -0.3], [3.0, 0.0], [1e-3, 4.0], [-4.0, -4.0]])

    def walk(p, n=12):
        state, evals = opt.init(p), []
        for _ in range(n):
            grads = SURFACES["himmelblau"].grad(p)
            before = copy.deepcopy((grads, state, p))
            step, new = opt.update(grads, state, p, _himmelblau_oracle)
            for now, then in zip((grads, *state, p), (before[0], *before[1], before[2]), strict=True):
                np.testing.assert_array_equal(now, then)
            p, state = p + step, new
            evals.append(state.func_evals[..., 0].copy())
        return p, np.array(evals)

    together, evals = walk(starts)
    for i, start in enumerate(starts):
        alone, alone_evals = walk(start)
        np.testing.assert_array_equal(alone, together[i])
        np.testing.assert_array_equal(alone_evals, evals[:, i])
    assert len(set(evals[-1].tolist())) > 1, "the starts spent different numbers of trials"
    with pytest.raises(ValueError, match="surfaces only"):
        opt.update(SURFACES["himmelblau"].grad(starts), opt.init(starts), starts)  # no oracle: a classifier's call


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda h: gdviz.run(SURFACES["himmelblau"], "lbfgs", (1.0, 1.0), 5, noise=0.5, **h), "noise to 0"),
        (lambda h: gdviz.run(SURFACES["himmelblau"].grad, "lbfgs", (1.0, 1.0), 5, **h), "pass a Surface or f="),
        (lambda h: gdviz.endpoints(SURFACES["himmelblau"], "lbfgs", (1.0, 1.0), 5, noise=0.5, **h), "noise"),
        (
            lambda h: gdviz.train_linear(np.eye(3), np.arange(3), loss="softmax", optimizer="lbfgs", steps=3, **h),
            "surfaces only",
        ),
    ],
)
def test_strong_wolfe_is_refused_where_gdviz_cannot_search(call, words):
    with pytest.raises(ValueError, match=words):
        call({"line_search_fn": "strong_wolfe"})
    call({})  # the same call without the line search runs


@pytest.mark.parametrize("surface", ["rosenbrock", "himmelblau", "beale"])
def test_strong_wolfe_line_search_is_torchs(surface):
    """gdviz's vectorized search against torch's own ``_strong_wolfe``: 200 random searches at once on one surface
    (random points, descent directions, first trials from 1e-3 to 1e2, each trial budget LBFGS may pass), the
    same step, value and number of trials for each. Bracketing, zooming, stalls and spent budgets all occur."""
    torch = pytest.importorskip("torch")
    from torch.optim.lbfgs import _strong_wolfe

    from gdviz.optimizers.line_search import strong_wolfe

    s, rng, m = SURFACES[surface], np.random.default_rng(7), 200
    (x0, x1), (y0, y1) = s.domain
    x = np.stack([rng.uniform(x0, x1, m), rng.uniform(y0, y1, m)], axis=-1)
    f, g = s.f(x), s.grad(x)
    d = -g + rng.normal(size=(m, 2)) * np.abs(g)
    d = np.where(((g * d).sum(-1) < 0)[:, None], d, -d)  # a descent direction
    t = 10 ** rng.uniform(-3, 2, m) / np.abs(d).max(axis=-1)

    def oracle(points, gradient=True):
        return s.f(points), s.grad(points) if gradient else None

    def obj(xt, step, dt):  # torch's obj_func: f and ∇f at x + t·d
        p = (xt + step * dt).numpy()
        return float(s.f(p[None])[0]), torch.from_numpy(s.grad(p))

    kinds = set()
    for budget in (0, 1, 2, 5, 24):  # one budget per call, as LBFGS passes it
        gtd = (g * d).sum(-1)
        got_f, _, got_t, got_evals = strong_wolfe(oracle, x, t, d, f, g, gtd, budget)
        for i in range(m):
            want_f, _, want_t, want_evals = _strong_wolfe(
                obj, torch.tensor(x[i]), float(t[i]), torch.tensor(d[i]), float(f[i]), torch.tensor(g[i]),
                torch.tensor(gtd[i]), max_ls=budget,
            )  # fmt: skip
            assert got_evals[i] == want_evals, (i, budget)
            np.testing.assert_allclose(got_t[i], float(want_t), rtol=1e-10, atol=1e-300, err_msg=str((i, budget)))
            np.testing.assert_allclose(got_f[i], want_f, rtol=1e-10, atol=1e-300, err_msg=str((i, budget)))
            kinds.add((float(want_t) == t[i], float(want_t) == 0.0, want_evals))
    assert {evals for *_, evals in kinds} >= {1, 2, 3, 4}, "searches of several lengths"
    assert any(taken for taken, *_ in kinds) and any(zero for _, zero, _ in kinds) and len(kinds) > 6


@pytest.mark.parametrize("name", ["lbfgs", "adafactor"])
def test_a_parameter_vector_of_any_length_steps_as_if_alone(name):
    """The last axis is one parameter vector (a start's 2 coordinates; a row of W on the linear page): L-BFGS
    and Adafactor couple its entries, so each row of a batch must step exactly as it would alone."""
    A = np.diag([1.0, 3.0, 10.0, 0.5, 2.0])  # f = ½ θᵀAθ in 5 dimensions
    rows = np.random.default_rng(5).normal(size=(4, 5))
    opt = OPTIMIZERS[name](lr=0.5)

    def walk(p, n=25):
        state = opt.init(p)
        for _ in range(n):
            step, state = opt.update(p @ A, state, p)
            p = p + step
        return p

    together = walk(rows)
    for i, row in enumerate(rows):
        np.testing.assert_array_equal(walk(row), together[i])
    if name == "lbfgs":  # quasi-Newton on a 5-dimensional quadratic: near the minimum in 25 steps
        assert np.abs(together).max() < 1e-3 * np.abs(rows).max()


def test_nesterov_differs_from_momentum():
    surface, starts = SURFACES["quadratic"], np.array([[-4.5, 2.0], [3.0, -3.5]])
    heavy = gdviz.run(surface, "momentum", starts, 100, lr=0.01, momentum=0.9)
    nag = gdviz.run(surface, "nesterov", starts, 100, lr=0.01, momentum=0.9)
    # first step: momentum moves by lr·g, Nesterov by lr·(1 + μ)·g
    np.testing.assert_allclose(nag.steps[0], 1.9 * heavy.steps[0], rtol=1e-12)
    assert np.abs(nag.points - heavy.points).max() > 0.1
    # Nesterov damps the valley's oscillation: it ends nearer the minimum
    assert (np.linalg.norm(nag.final, axis=-1) < np.linalg.norm(heavy.final, axis=-1)).all()


@pytest.mark.parametrize("config", CONFIGS, ids=_config_id)
def test_update_is_pure(config):
    name, hyper = config
    opt, state, params = _walk(name, hyper, np.array([[-1.0, 2.0], [0.5, -0.3], [3.0, 0.0]]), steps=5)
    grads = np.array([[0.3, -1.2], [2.0, 0.01], [-0.7, 0.0]])
    before = copy.deepcopy((grads, state, params))
    step1, state1 = opt.update(grads, state, params)
    step2, state2 = opt.update(grads, state, params)
    np.testing.assert_array_equal(step1, step2)
    assert type(state1) is type(state2) is type(state)
    for new1, new2, old in zip(state1, state2, state, strict=True):
        np.testing.assert_array_equal(new1, new2)
        assert not np.shares_memory(new1, old), "the new state aliases the old one"
    for now, then in zip((grads, *state, params), (before[0], *before[1], before[2]), strict=True):
        np.testing.assert_array_equal(now, then)  # inputs untouched
    if state:
        assert any(not np.array_equal(new, old) for new, old in zip(state1, state, strict=True))
    assert np.abs(step1).max() > 0


@pytest.mark.parametrize("config", CONFIGS, ids=_config_id)
def test_state_is_an_immutable_namedtuple_of_arrays(config):
    name, hyper = config
    opt = OPTIMIZERS[name](**hyper)
    params = np.zeros((4, 2))
    state = opt.init(params)
    assert isinstance(state, tuple) and hasattr(type(state), "_fields")
    assert len(state._fields) == len(state)
    for field, value in zip(state._fields, state, strict=True):
        assert isinstance(value, np.ndarray), field
        assert value.shape in ((), params.shape) or value.shape[:-1] == params.shape[:-1], field  # L-BFGS's history
        assert value.dtype == np.float64, field
    if state._fields:
        with pytest.raises(AttributeError):
            setattr(state, state._fields[0], np.ones(2))
    assert type(opt.update(np.ones_like(params), state, params)[1]) is type(state)


@pytest.mark.parametrize("config", CONFIGS, ids=_config_id)
def test_batched_and_single_params(config):
    """Shape (2,) works, shape (k, 2) works, and a batch steps each row exactly as if alone."""
    name, hyper = config
    starts = np.array([[-1.0, 2.0], [0.5, -0.3], [3.0, 0.0], [1e-3, 4.0]])
    opt = OPTIMIZERS[name](**hyper)
    grad = SURFACES["himmelblau"].grad

    def steps_from(p, n=20):
        state, out = opt.init(p), []
        for _ in range(n):
            step, state = opt.update(grad(p), state, p)
            assert step.shape == p.shape
            p = p + step
            out.append(step)
        return np.array(out)

    batched = steps_from(starts)
    for i, start in enumerate(starts):
        np.testing.assert_array_equal(steps_from(start), batched[:, i])
    single = gdviz.run(SURFACES["himmelblau"], name, starts[1], 20, **hyper)
    assert single.points.shape == (21, 2)
    together = gdviz.run(SURFACES["himmelblau"], name, starts, 20, **hyper)
    assert together.points.shape == (21, 4, 2)
    np.testing.assert_array_equal(single.points, together.points[:, 1])


# --- specs ------------------------------------------------------------------------------------------


def test_registry_holds_the_torch_optimizers():
    missing = sorted(set(OPTIMIZERS) - set(TORCH))
    assert not missing, f"no torch facts for {missing}: add its class to TORCH in make_optimizer_refs.py and run it"
    assert set(TORCH) <= set(OPTIMIZERS)
    for key, spec in OPTIMIZERS.items():
        assert spec.name == key


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_spec_is_complete(name):
    spec = OPTIMIZERS[name]
    assert spec.title.strip() and spec.latex.strip() and spec.variant.strip()
    names = [h.name for h in spec.hyper]
    assert names and len(names) == len(set(names)) and names[0] == "lr"
    for h in spec.hyper:
        assert h.low < h.high, h.name
        assert not h.log or h.low > 0, f"{h.name}: a log scale needs a positive low end"
        assert h.kind in ("float", "int", "bool", "choice"), h.kind
        if h.kind == "choice":
            assert h.default in h.choices, f"{name}.{h.name} default {h.default} is not one of its choices"
            continue
        values = h.default if isinstance(h.default, tuple) else (h.default,)
        assert all(h.low <= v <= h.high for v in values), f"{name}.{h.name} default {h.default} outside range"
        if isinstance(h.default, tuple):
            assert len(h.symbols) == len(h.default), h.name
    spec()  # the defaults build an optimizer


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_record_holds_everything_a_page_shows(name):
    """One record per optimizer: its look, torch class, starting values and state symbols, all usable."""
    spec = OPTIMIZERS[name]
    assert re.fullmatch(r"#[0-9A-F]{6}", spec.look.color) and spec.look.symbol and spec.look.dash
    assert re.fullmatch(r"[A-Z][A-Za-z]+", spec.torch.cls), spec.torch
    for start in (spec.start, spec.linear_start):
        assert "lr" in start and set(start) <= {h.name for h in spec.hyper}, start
        spec(**start)  # builds
    switches = [{}] + [{h.name: True} for h in spec.hyper if h.kind == "bool" and h.name != "maximize"]
    assert set(spec.symbols) == {f for on in switches for f in spec(**on).init(np.zeros(2))._fields}
    looks = [(s.look.color, s.look.symbol) for s in OPTIMIZERS.values()]
    assert looks.count((spec.look.color, spec.look.symbol)) == 1, "two optimizers would look alike"


def test_two_records_of_one_name_are_refused():
    from types import SimpleNamespace

    from gdviz.optimizers import _registry

    family = SimpleNamespace(SPECS=(OPTIMIZERS["sgd"],))
    with pytest.raises(ImportError, match="two optimizer records are named sgd"):
        _registry([family, family])


@pytest.mark.parametrize("name", list(TORCH))
def test_names_and_defaults_are_torchs(name):
    defaults, torchs = OPTIMIZERS[name].defaults(), torch_defaults(name)
    options = set(torchs) - IMPLEMENTATION - set(TORCH[name]["fixed"]) - NOT_EXPOSED.get(name, set())
    assert set(defaults) == options, f"{name} exposes {sorted(defaults)}; torch's options are {sorted(options)}"
    for key, value in defaults.items():
        expected = NOT_TORCHS.get((name, key), torchs[key])
        assert value == expected, f"{name}.{key} defaults to {value}, expected {expected}"


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_factory_signature_agrees_with_spec(name):
    """Calling the bare factory and calling the spec give the same optimizer defaults."""
    spec = OPTIMIZERS[name]
    parameters = inspect.signature(spec.factory).parameters
    assert "maximize" not in parameters, "maximize is the record's wrapper (spec.ascend), never the factory's"
    for h in spec.hyper:
        if h.name == "maximize":
            continue
        assert h.name in parameters, h.name
        assert tuple(np.atleast_1d(parameters[h.name].default)) == tuple(np.atleast_1d(h.default)), h.name


# --- refusing bad hyperparameters ---------------------------------------------------------------------

BAD = (
    [(name, {"lr": lr}, "learning rate") for name in TORCH for lr in (-0.1, math.nan, math.inf)]
    + [
        (name, {"betas": betas}, "β")
        for name in BETAS
        for betas in ((1.0, 0.999), (0.9, 1.0), (-0.1, 0.9), (math.nan, 0.9))
    ]
    + [(name, {"betas": (0.9,)}, "pair") for name in BETAS]
    + [
        ("momentum", {"momentum": -0.5}, "momentum"),
        ("momentum", {"dampening": -0.1}, "dampening"),
        ("momentum", {"dampening": 1.5}, "dampening"),
        ("nesterov", {"momentum": 0.0}, "Nesterov"),
        ("nesterov", {"dampening": 0.1}, "has no hyperparameter dampening"),  # torch refuses it with Nesterov
        ("adagrad", {"eps": -1e-8}, "eps"),
        ("adagrad", {"lr_decay": -0.1}, "lr_decay"),
        ("adagrad", {"initial_accumulator_value": -1.0}, "initial_accumulator_value"),
        ("rmsprop", {"alpha": 1.5}, "alpha"),
        ("rmsprop", {"momentum": -0.1}, "momentum"),
        ("adadelta", {"rho": -0.1}, "rho"),
        ("adam", {"eps": -1.0}, "eps"),
        ("adamw", {"weight_decay": -0.01}, "weight_decay"),
        ("nadam", {"momentum_decay": -1.0}, "momentum_decay"),
        ("radam", {"eps": -1.0}, "eps"),
        ("adamax", {"eps": -1.0}, "eps"),
        ("asgd", {"lambd": -1e-4}, "lambd"),
        ("asgd", {"weight_decay": -0.1}, "weight_decay"),
        ("rprop", {"etas": (1.2, 1.5)}, "etas"),
        ("rprop", {"etas": (0.5, 0.9)}, "etas"),
        ("rprop", {"step_sizes": (1.0, 0.1)}, "step_sizes"),
        ("lion", {"betas": (1.0, 0.99)}, "β1"),
        ("lion", {"betas": (0.9,)}, "pair"),
        ("lion", {"weight_decay": -0.1}, "weight_decay"),
        ("adafactor", {"beta2_decay": 0.5}, "beta2_decay"),
        ("adafactor", {"eps": (-1.0, 1e-3)}, "eps"),
        ("adafactor", {"d": 0.5}, "clipping threshold"),
        ("adafactor", {"weight_decay": -0.1}, "weight_decay"),
        ("lbfgs", {"history_size": 0}, "history_size"),
        ("lbfgs", {"history_size": 2.5}, "history_size"),
        ("lbfgs", {"tolerance_grad": -1.0}, "tolerance_grad must be ≥ 0, got -1.0"),
        ("lbfgs", {"line_search_fn": "backtracking"}, "line_search_fn must be None or 'strong_wolfe'"),
    ]
    + [(name, {"weight_decay": -0.1}, "weight_decay") for name in WEIGHT_DECAY]
    + [(name, {"bogus": 1.0}, "has no hyperparameter bogus") for name in TORCH]
)


@pytest.mark.parametrize(("name", "hyper", "message"), BAD, ids=lambda x: str(x))
def test_bad_hyperparameters_are_refused_with_a_message(name, hyper, message):
    with pytest.raises(ValueError, match=message):
        OPTIMIZERS[name](**hyper)
    with pytest.raises(ValueError, match=message):
        gdviz.run(SURFACES["quadratic"], name, (1.0, 1.0), 5, **hyper)


def test_unknown_optimizer_is_refused():
    with pytest.raises(ValueError, match="unknown optimizer 'adamm'.*adam"):
        gdviz.run(SURFACES["quadratic"], "adamm", (1.0, 1.0), 5)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_a_default_that_differs_from_torchs_says_so_where_it_is_shown(name):
    # Momentum and Nesterov start at μ = 0.9; torch.optim.SGD at 0: the description and the widget's help say it
    spec, torchs = OPTIMIZERS[name], torch_defaults(name)
    assert set(spec.defaults()) <= set(torchs)
    for h in spec.hyper:
        torch_default = torchs[h.name]
        if h.default != torch_default:
            words = f"default is {torch_default:g}"
            assert words in spec.variant and words in h.help, (
                f"{name}.{h.name}: {h.default} here, {torch_default} in torch"
            )
    differs = [h.name for h in spec.hyper if h.default != torchs[h.name]]
    assert differs == (["momentum"] if name in ("momentum", "nesterov") else [])


def test_lbfgs_two_loop_of_a_lone_start_in_python_floats_is_the_vectorized_one_to_the_bit():
    from gdviz.optimizers import two_loop as tl

    rng = np.random.default_rng(7)
    for n, m in ((2, 1), (2, 5), (2, 100), (2, 7), (6, 5), (9, 100), (16, 7)):  # a surface, small classifiers
        g = rng.standard_normal((1, n))
        ys, ss = rng.standard_normal((1, m, n)), rng.standard_normal((1, m, n))
        ss[0, :, 0] = np.abs(ss[0, :, 0]) * np.sign(ys[0, :, 0]) * 3  # mostly positive curvature
        dirs, stps = ys.reshape(1, -1), ss.reshape(1, -1)
        dirs[:, -n:] = stps[:, -n:] = 0.0  # an empty slot at the end, as a history not yet full
        H_diag = np.full((1, n), rng.uniform(0.1, 2.0))
        fast = tl.two_loop(g, dirs, stps, H_diag)
        slow = tl.two_loop(np.vstack([g, g]), *(np.vstack([a, a]) for a in (dirs, stps, H_diag)))[:1]  # 2 starts
        assert np.array_equal(fast, slow), (n, m)
