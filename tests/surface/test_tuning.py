"""Tests for gdviz/surface/tuning.py: a tuned learning rate is the best of its grid by the stated rule.

References: on the quadratic bowl ½(x² + κy²) plain GD's gap after T steps is known in closed form,
½(x₀²(1 − η)^{2T} + κy₀²(1 − κη)^{2T}), and is best at η* = 2/(λ_min + λ_max) = 2/(1 + κ) once T is long;
for every optimizer, each candidate's score is ``gdviz.run`` at that learning rate alone, and the winner
is re-derived here from those scalar runs by the rule, written out longhand.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from gdviz import OPTIMIZERS, SURFACES, custom_surface, run
from gdviz.optimizers.spec import weight_decay_param
from gdviz.surface.tuning import GRID, TIE, Tuning, default_range, pick, settled, tune_lr, tune_race

BOWL = SURFACES["quadratic"]  # κ = 10: eigenvalues 1 and 10
KAPPA = 10.0
ETA_STAR = 2 / (1 + KAPPA)
ROSENBROCK = SURFACES["rosenbrock"]


def _alone(surface, optimizer, lrs, steps, **options) -> tuple[np.ndarray, np.ndarray]:
    """Each lr's run by itself: the score at every step (T+1, k) and whether it diverged (k,)."""
    f_star = surface.f(surface.minima).min() if len(surface.minima) else 0.0
    runs = [run(surface, optimizer, surface.start, steps, lr=float(lr), **options) for lr in lrs]
    return np.stack([r.losses - f_star for r in runs], axis=1), np.array([bool(r.diverged) for r in runs])


def _others(optimizer: str) -> dict:
    """The record's starting hyperparameters but lr: what a tune runs every candidate with."""
    return {k: v for k, v in OPTIMIZERS[optimizer].start.items() if k != "lr"}


def _longhand_winner(lrs, step_scores, diverged) -> int:
    """The rule, written out: lowest final score; within TIE of it, the soonest settled for good; then smaller lr."""
    final = [math.inf if d else s for s, d in zip(step_scores[-1], diverged, strict=True)]
    best = min(final)
    candidates = []
    for i, score in enumerate(final):
        if score <= best + TIE:
            t = len(step_scores) - 1
            while t > 0 and step_scores[t - 1, i] <= best + TIE:
                t -= 1
            candidates.append((t, lrs[i], i))
    return min(candidates)[2]


def _grid_step(t: Tuning) -> float:
    return (t.high / t.low) ** (1 / (t.grid - 1))


# --- the quadratic bowl: the known optimum ----------------------------------------------------------


def test_bowl_scores_are_the_closed_form_gap():
    steps = 40
    t = tune_lr(BOWL, "sgd", BOWL.start, steps, low=1e-3, high=1.0)
    (x0, y0), eta = BOWL.start, t.lrs[~t.diverged]
    gap = 0.5 * (x0**2 * (1 - eta) ** (2 * steps) + KAPPA * y0**2 * (1 - KAPPA * eta) ** (2 * steps))
    np.testing.assert_allclose(t.scores[~t.diverged], gap, rtol=1e-9, atol=1e-300)


@pytest.mark.parametrize("steps", [20, 40])
def test_bowl_short_run_tuned_lr_is_the_brute_force_best(steps):
    """Short runs: no ties, so the tuned lr is exactly the grid's best final gap, found one lr at a time."""
    t = tune_lr(BOWL, "sgd", BOWL.start, steps, low=1e-3, high=1.0)
    step_scores, diverged = _alone(BOWL, "sgd", t.lrs, steps)
    brute = np.where(diverged, np.inf, step_scores[-1])
    assert t.lr == t.lrs[np.argmin(brute)]
    assert abs(math.log(t.lr / ETA_STAR)) <= math.log(_grid_step(t))  # within a grid step of 2/(λ_min + λ_max)


def test_bowl_long_run_ties_go_to_the_fastest_which_is_the_known_optimum():
    """300 steps: many learning rates reach the minimum to 1e-6 and tie; the one that settles first is the
    fastest contraction, max(|1 − η|, |1 − κη|), which is smallest at η* = 2/(1 + κ)."""
    t = tune_lr(BOWL, "sgd", BOWL.start, 300)
    assert int((t.scores <= t.score + TIE).sum()) > 3  # really a tie to break
    assert abs(math.log(t.lr / ETA_STAR)) <= math.log(_grid_step(t))
    contraction = np.maximum(abs(1 - t.lrs), abs(1 - KAPPA * t.lrs))
    tied = t.scores <= t.score + TIE
    assert contraction[t.lrs == t.lr][0] == contraction[tied].min()
    step_scores, diverged = _alone(BOWL, "sgd", t.lrs, 300)
    assert t.lr == t.lrs[_longhand_winner(t.lrs, step_scores, diverged)]


def test_divergence_past_2_over_lambda_max_is_penalized_and_never_wins():
    t = tune_lr(BOWL, "sgd", BOWL.start, 100, low=1e-2, high=3.0)
    edge = 2 / KAPPA  # 2/λ_max: past it GD on the bowl grows along y
    assert t.n_diverged > 0 and (t.lrs[t.diverged] > edge).all()
    assert np.isinf(t.scores[t.diverged]).all()
    assert t.lr < edge and not t.diverged[t.lrs == t.lr][0]
    _, diverged = _alone(BOWL, "sgd", t.lrs, 100)
    np.testing.assert_array_equal(t.diverged, diverged)
    assert f"({t.n_diverged} did)" in t.sentence


def test_every_candidate_diverging_leaves_the_starting_lr():
    t = tune_lr(BOWL, "sgd", BOWL.start, 100, low=1.0, high=10.0)
    assert t.lr is None and not t.tuned and t.n_diverged == len(t.lrs) == GRID
    assert t.score == math.inf and t.hyper["lr"] == OPTIMIZERS["sgd"].start["lr"]
    assert "every one of 40 learning rates tried on a log grid from 1 to 10 diverged after 100 steps" in t.sentence
    assert "starting lr = 0.01" in t.sentence


# --- every optimizer: the vectorized tune is the scalar runs, and its hyper reproduces its score ---------


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_vectorized_tune_equals_one_lr_at_a_time_exactly(optimizer):
    low, high = default_range(optimizer)
    t = tune_lr(ROSENBROCK, optimizer, ROSENBROCK.start, 60, grid=7)
    np.testing.assert_array_equal(t.lrs, np.geomspace(low, high, 7))
    step_scores, diverged = _alone(ROSENBROCK, optimizer, t.lrs, 60, **_others(optimizer))
    np.testing.assert_array_equal(t.diverged, diverged)
    np.testing.assert_array_equal(t.scores, np.where(diverged, np.inf, step_scores[-1]))
    if t.tuned:
        assert t.lr == t.lrs[_longhand_winner(t.lrs, step_scores, diverged)]


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_racing_with_the_tuned_hyper_reproduces_the_tuned_score(optimizer):
    """What the race then runs (one start, Tuning.hyper) ends exactly where the tune said it would."""
    t = tune_lr(BOWL, optimizer, BOWL.start, 50, grid=9)
    assert t.tuned, t.sentence
    race = run(BOWL, optimizer, BOWL.start, 50, **t.hyper)
    assert race.losses[-1] - 0.0 == t.score and not race.diverged
    assert t.hyper == OPTIMIZERS[optimizer].resolve({**_others(optimizer), "lr": t.lr})


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_default_range_is_inside_the_lr_widget_and_holds_the_starting_lr(optimizer):
    param = next(h for h in OPTIMIZERS[optimizer].hyper if h.name == "lr")
    low, high = default_range(optimizer)
    start = OPTIMIZERS[optimizer].start.get("lr", param.default)
    assert param.low <= low < start < high <= param.high
    assert low == max(param.low, start / 1e3) and high == min(param.high, start * 1e3)


def test_noise_gives_every_candidate_the_race_s_own_draws():
    """With gradient noise each candidate's path is run(..., noise=σ, seed=s) at its lr alone, bit for bit."""
    t = tune_lr(ROSENBROCK, "adam", ROSENBROCK.start, 80, grid=6, noise=2.0, seed=3)
    step_scores, diverged = _alone(ROSENBROCK, "adam", t.lrs, 80, noise=2.0, seed=3)
    np.testing.assert_array_equal(t.scores, np.where(diverged, np.inf, step_scores[-1]))
    quiet = tune_lr(ROSENBROCK, "adam", ROSENBROCK.start, 80, grid=6)
    assert not np.array_equal(quiet.scores, t.scores)  # the noise was really there
    assert "gradient noise σ = 2 (seed 3" in t.sentence


@pytest.mark.parametrize("schedule", [("cosine", {}), ("onecycle", {}), ("step", {"step_size": 10, "gamma": 0.5})])
def test_a_schedule_scales_each_candidate_s_lr(schedule):
    t = tune_lr(ROSENBROCK, "momentum", ROSENBROCK.start, 60, grid=6, schedule=schedule)
    step_scores, diverged = _alone(ROSENBROCK, "momentum", t.lrs, 60, momentum=0.9, schedule=schedule)
    np.testing.assert_array_equal(t.scores, np.where(diverged, np.inf, step_scores[-1]))
    assert "schedule scaling each lr" in t.sentence


def test_refinement_adds_lrs_between_the_coarse_best_s_neighbours():
    coarse = tune_lr(ROSENBROCK, "adam", ROSENBROCK.start, 100, grid=12)
    fine = tune_lr(ROSENBROCK, "adam", ROSENBROCK.start, 100, grid=12, refine=4)
    assert (fine.grid, fine.refine, len(fine.lrs)) == (12, 4, 16)
    i = int(np.flatnonzero(coarse.lrs == coarse.lr)[0])
    added = np.setdiff1d(fine.lrs, coarse.lrs)
    assert len(added) == 4 and (added > coarse.lrs[max(i - 1, 0)]).all() and (added < coarse.lrs[i + 1]).all()
    assert np.all(np.diff(fine.lrs) > 0)
    assert fine.score <= coarse.score
    step_scores, diverged = _alone(ROSENBROCK, "adam", fine.lrs, 100, betas=(0.9, 0.999))
    np.testing.assert_array_equal(fine.scores, np.where(diverged, np.inf, step_scores[-1]))
    assert fine.lr == fine.lrs[_longhand_winner(fine.lrs, step_scores, diverged)]


# --- the rule and its sentence --------------------------------------------------------------------------


def test_pick_prefers_lowest_then_soonest_settled_then_smaller_lr():
    lrs = np.array([0.1, 0.2, 0.3, 0.4])
    assert pick(np.array([3.0, 1.0, 2.0, np.inf]), lrs, np.zeros(4, dtype=int)) == 1
    tied = np.array([1e-9, 5e-7, 2e-9, np.inf])  # all within TIE of the best
    assert pick(tied, lrs, np.array([50, 20, 20, 0])) == 1  # settled at 20 beats 50; 0.2 beats 0.3
    assert pick(np.full(3, np.inf), lrs[:3], np.zeros(3, dtype=int)) is None


def test_settled_is_the_first_step_from_which_a_run_stays_within_tie():
    step_scores = np.array([[5.0, 5.0, 0.0], [0.0, 5.0, 0.0], [3.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    np.testing.assert_array_equal(settled(step_scores, 0.0), [3, 2, 0])  # left at step 2, so settled at 3
    np.testing.assert_array_equal(settled(step_scores[:, :1] + 1.0, 0.0), [4])  # never: T + 1


def test_sentence_names_the_grid_the_steps_and_the_start():
    t = tune_lr(BOWL, "sgd", BOWL.start, 300)
    assert t.sentence.startswith(f"SGD tuned: lr = {t.lr:.3g}, the one of 40 tried on a log grid from 1e-05 to 10 ")
    assert "ends closest to the minimum after 300 steps from (-4.5, 2)" in t.sentence
    assert "diverged runs lose" in t.sentence


def test_a_winner_at_the_grid_s_end_says_so():
    top = tune_lr(BOWL, "sgd", BOWL.start, 40, low=1e-3, high=0.05)  # all below η* = 2/11: the largest is best
    assert top.lr == 0.05 and top.sentence.endswith("; 0.05 is the grid's top end, so a larger lr might do better.")
    inside = tune_lr(BOWL, "sgd", BOWL.start, 40)
    assert inside.sentence.endswith(f"diverged runs lose ({inside.n_diverged} did).") and inside.n_diverged > 0


def test_without_a_known_minimum_the_final_f_is_the_score():
    saddle = SURFACES["saddle"]
    t = tune_lr(saddle, "sgd", saddle.start, 30, grid=5)
    assert not t.gap and "ends lowest (this surface lists no minimum)" in t.sentence
    step_scores, _ = _alone(saddle, "sgd", t.lrs, 30)
    finite = ~t.diverged
    np.testing.assert_array_equal(t.scores[finite], step_scores[-1][finite])


def test_tune_race_tunes_each_on_the_same_terms_and_keeps_given_hyper():
    tuned = tune_race(
        BOWL, ["sgd", "momentum", "sgd"], BOWL.start, 60, hyper={"momentum": {"momentum": 0.5, "lr": 9.0}}
    )
    assert list(tuned) == ["sgd", "momentum"]
    assert tuned["momentum"].hyper["momentum"] == 0.5  # the given one; its lr is the tuned one
    alone = tune_lr(BOWL, "momentum", BOWL.start, 60, hyper={"momentum": 0.5})
    assert tuned["momentum"].lr == alone.lr == tuned["momentum"].hyper["lr"]
    assert tuned["sgd"].lr == tune_lr(BOWL, "sgd", BOWL.start, 60).lr


def test_an_optimizer_without_lr_is_skipped_with_a_sentence(monkeypatch):
    spec = dataclasses.replace(
        OPTIMIZERS["sgd"], name="frozen", title="Frozen", hyper=(weight_decay_param(),), start={}
    )
    monkeypatch.setitem(OPTIMIZERS, "frozen", spec)
    tuned = tune_race(BOWL, ["frozen", "sgd"], BOWL.start, 20)
    assert tuned["frozen"].lr is None and len(tuned["frozen"].lrs) == 0
    assert tuned["frozen"].sentence == "Frozen has no learning rate to tune; it races with its own settings."
    assert tuned["frozen"].hyper == {"weight_decay": 0.0} and tuned["sgd"].tuned


# --- bad input, as sentences ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "options", "message"),
    [
        ((BOWL, "sgdd", (0, 1), 10), {}, "unknown optimizer 'sgdd'; choose one of sgd, "),
        ((BOWL, "sgd", (0, 1), 0), {}, "steps must be a whole number ≥ 1, got 0"),
        ((BOWL, "sgd", (0, 1), 10.5), {}, "steps must be a whole number ≥ 1, got 10.5"),
        ((BOWL, "sgd", (0, 1), 10), {"grid": 1}, "grid must be a whole number ≥ 2, got 1"),
        ((BOWL, "sgd", (0, 1), 10), {"refine": -1}, "refine must be a whole number ≥ 0, got -1"),
        ((BOWL, "sgd", (0, 1, 2), 10), {}, r"start must be one finite point \(x, y\), got \[0, 1, 2\]"),
        ((BOWL, "sgd", (0, np.nan), 10), {}, "start must be one finite point"),
        ((BOWL, "sgd", (0, 1), 10), {"low": 1.0, "high": 0.1}, "needs 0 < low < high, got low=1, high=0.1"),
        ((BOWL, "sgd", (0, 1), 10), {"low": 0.0}, "needs 0 < low < high, got low=0, high=10"),
        ((BOWL, "sgd", (0, 1), 10), {"noise": -1.0}, "gradient noise σ must be a finite number ≥ 0, got -1"),
        ((BOWL, "sgd", (0, 1), 10), {"hyper": {"mom": 1}}, "sgd has no hyperparameter mom"),
        ((BOWL.grad, "sgd", (0, 1), 10), {}, "tuning needs a Surface .* got method"),
        (
            (BOWL, "sgd", (0, 1), 10),
            {"schedule": ("onecycle", {"max_lr": 0.1, "cycle_momentum": False})},
            "schedule sets the learning rate itself \\(max_lr given\\), so there is no lr to tune",
        ),
        ((BOWL, "sgd", (0, 1), 10), {"schedule": "nope"}, "nope"),
    ],
)
def test_bad_input_is_one_sentence(args, options, message):
    with pytest.raises(ValueError, match=message):
        tune_lr(*args, **options)


def test_bad_race_input_is_one_sentence():
    with pytest.raises(ValueError, match="choose at least one optimizer to tune"):
        tune_race(BOWL, [], BOWL.start, 10)
    with pytest.raises(ValueError, match="hyper names adam, which the race does not include"):
        tune_race(BOWL, ["sgd"], BOWL.start, 10, hyper={"adam": {}})


def test_a_custom_surface_tunes_like_a_listed_one():
    bowl = custom_surface("0.5*(x**2 + 10*y**2)", ((-5.0, 5.0), (-5.0, 5.0)))
    t, listed = tune_lr(bowl, "sgd", (-4.5, 2.0), 40, grid=9), tune_lr(BOWL, "sgd", BOWL.start, 40, grid=9)
    assert t.lr == listed.lr
