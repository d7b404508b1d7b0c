"""A fair race: each optimizer's learning rate tuned on the race's own surface, start and steps.

``tune_lr(surface, optimizer, start, steps) -> Tuning`` tries ``grid`` learning rates spaced evenly on a log
scale in ONE vectorized run: ``k`` copies of the start with ``lr`` of shape ``(k, 1)``, so each candidate's
path is the scalar run's bit for bit (and, if asked, ``refine`` more between the best one's neighbours in a
second run). A run costs its steps, hardly its candidates: 80 cost about what 40 do, a second pass doubles it.
The rule, in one sentence a page can show (``Tuning.sentence``): the candidate whose final gap
f(θ_T) − f* to the surface's global minimum is smallest wins (the final f where no minimum is known);
a diverged run scores +inf and loses; gaps within ``TIE`` of the best count as equal, and among them the
run that settles within ``TIE`` of the best soonest wins, then the smaller (safer) learning rate.
``tune_race`` tunes several optimizers for one race. Whatever ``lr`` means to an optimizer (Adadelta's
multiplier, Rprop's first step size, L-BFGS's step scale), it is tuned by the same rule.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from .optimizers import OPTIMIZERS
from .schedules import SCHEDULES, resolve_schedule
from .surfaces import Surface
from .trajectory import run

GRID = 40  # learning rates on the first, coarse log grid
REFINE = 0  # a second pass between the best's neighbours doubles the time (bench_tuning), so off unless asked
SPAN = 1e3  # the default grid reaches this factor either side of the record's starting lr (within its range)
TIE = 1e-6  # final gaps this close to the best count as equal: the run that settles there first wins


@dataclass(frozen=True)
class Tuning:
    """One optimizer's tuned learning rate and every candidate behind it; ``n`` = candidates tried.

    lr            the tuned learning rate; None when the optimizer has no lr or every candidate diverged
    score         its final gap f(θ_T) − f* (the final f where ``gap`` is False); inf when lr is None
    lrs (n,)      every learning rate tried, ascending (both passes; empty when there was nothing to tune)
    scores (n,)   each one's score, +inf where it diverged: the small chart's y against lrs
    diverged (n,) bool; settled_at (n,) the step from which each stayed within TIE of the best score for
                  good (steps + 1 where it never did)
    hyper         every hyperparameter to race with: the record's defaults and starting values, those
                  given, and the tuned lr (the starting lr where nothing was tuned)
    sentence      what "tuned" meant here, with these numbers
    low, high     the coarse grid's ends; grid and refine: how many each pass tried
    gap           True when scores are gaps to the surface's known global minimum
    """

    optimizer: str
    lr: float | None
    score: float
    lrs: np.ndarray
    scores: np.ndarray
    diverged: np.ndarray
    settled_at: np.ndarray
    hyper: dict
    sentence: str
    steps: int
    start: tuple[float, float]
    low: float
    high: float
    grid: int
    refine: int
    gap: bool

    @property
    def tuned(self) -> bool:
        return self.lr is not None

    @property
    def n_diverged(self) -> int:
        return int(self.diverged.sum())


def _lr_param(optimizer: str):
    """The record's lr HyperParam, or None if it has none."""
    return next((h for h in OPTIMIZERS[optimizer].hyper if h.name == "lr"), None)


def default_range(optimizer: str) -> tuple[float, float]:
    """(low, high): ``SPAN`` either side of the record's starting lr on a surface, kept inside the range its
    lr widget allows (so a tuned value is one a student could set): SGD 1e-5 to 10, Adam 1e-4 to 10."""
    param = _lr_param(optimizer)
    if param is None:
        raise ValueError(f"{optimizer} has no learning rate to tune")
    center = float(OPTIMIZERS[optimizer].start.get("lr", param.default))
    return max(param.low, center / SPAN), min(param.high, center * SPAN)


def _check(surface, optimizer: str, start, steps, grid, refine, noise) -> np.ndarray:
    """Each argument checked, with a sentence for the first that is wrong; the start as an array."""
    if not isinstance(surface, Surface):
        raise ValueError(f"tuning needs a Surface (its f scores the runs), got {type(surface).__name__}")
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}; choose one of {', '.join(OPTIMIZERS)}")
    p = np.asarray(start, dtype=np.float64)
    if p.shape != (2,) or not np.isfinite(p).all():
        raise ValueError(f"start must be one finite point (x, y), got {np.asarray(start).tolist()}")
    for name, value, least in (("steps", steps, 1), ("grid", grid, 2), ("refine", refine, 0)):
        if int(value) != value or value < least:
            raise ValueError(f"{name} must be a whole number ≥ {least}, got {value}")
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"gradient noise σ must be a finite number ≥ 0, got {noise}")
    return p


def _ends(optimizer: str, low, high) -> tuple[float, float]:
    """The coarse grid's ends: those given, else ``default_range``'s."""
    d_low, d_high = default_range(optimizer)
    low, high = d_low if low is None else float(low), d_high if high is None else float(high)
    if not (np.isfinite(high) and 0 < low < high):
        raise ValueError(f"the learning-rate grid needs 0 < low < high, got low={low:g}, high={high:g}")
    return low, high


def _check_schedule(schedule, optimizer: str, hyper: dict, steps: int) -> str | None:
    """The schedule's name (None without one). It must scale each candidate's lr; one that fixes its own
    (onecycle given max_lr) would make every candidate the same run."""
    if schedule is None:
        return None
    probe = {**OPTIMIZERS[optimizer].resolve(hyper), "lr": np.array([[1.0], [2.0]])}
    name, args = resolve_schedule(schedule, probe, steps)
    if SCHEDULES[name].table(args, probe, steps)["lr"].shape[1:] != (2, 1):
        raise ValueError(
            f"the {SCHEDULES[name].title} schedule sets the learning rate itself (max_lr given), so there is "
            "no lr to tune; leave max_lr out and it follows the lr"
        )
    return name


def _noisy(surface: Surface, noise: float, seed: int, steps: int) -> Surface:
    """The surface with the gradient noise a single race run draws (seed ``seed``), shared by every candidate.

    ``run(..., noise=σ, seed=s)`` adds σ·z_t to step t's gradient, z_t the t-th (2,) draw of
    ``default_rng(s)``; in a batch each start would draw its own. Here each candidate gets the same z_t
    (common random numbers): its path is the race's path at that lr, bit for bit. The walk asks for the
    gradient exactly once per step, so the t-th call adds z_t.
    """
    z = noise * np.random.default_rng(seed).standard_normal((steps, 2))
    calls = iter(range(steps))

    def gradxy(x, y):
        gx, gy = surface.gradxy(x, y)
        t = next(calls)
        return gx + z[t, 0], gy + z[t, 1]

    return dataclasses.replace(surface, gradxy=gradxy)


@dataclass(frozen=True)
class _Tried:
    """Candidates run so far, in ascending lr: each one's score at every step (T+1, k) and which diverged."""

    lrs: np.ndarray
    step_scores: np.ndarray
    diverged: np.ndarray

    @classmethod
    def of(cls, surface, optimizer, start, steps, lrs, hyper, schedule, noise, seed) -> _Tried:
        """One vectorized run of every lr in ``lrs`` (k,), ascending: k starts, lr of shape (k, 1)."""
        ground = _noisy(surface, noise, seed, steps) if noise else surface
        starts = np.broadcast_to(start, (len(lrs), 2))
        traj = run(ground, optimizer, starts, steps, schedule=schedule, lr=lrs[:, None], **hyper)
        f_star = surface.f(surface.minima).min() if len(surface.minima) else 0.0
        return cls(lrs, traj.losses - f_star, traj.diverged)

    def plus(self, other: _Tried) -> _Tried:
        """Both sets of candidates, in ascending lr."""
        order = np.argsort(np.concatenate([self.lrs, other.lrs]), kind="stable")
        lrs = np.concatenate([self.lrs, other.lrs])[order]
        step_scores = np.concatenate([self.step_scores, other.step_scores], axis=1)[:, order]
        return _Tried(lrs, step_scores, np.concatenate([self.diverged, other.diverged])[order])

    @property
    def scores(self) -> np.ndarray:
        """Each candidate's final score, +inf where it diverged."""
        return np.where(self.diverged, np.inf, self.step_scores[-1])

    def settled_at(self) -> np.ndarray:
        """The step from which each stays within TIE of the best score for good; T+1 where it never does."""
        never = len(self.step_scores)
        if not np.isfinite(self.scores).any():
            return np.full(len(self.lrs), never)
        return np.where(self.diverged, never, settled(self.step_scores, self.scores.min()))

    def winner(self) -> int | None:
        return pick(self.scores, self.lrs, self.settled_at())


def _refined(grid: np.ndarray, best: int, n: int) -> np.ndarray:
    """``n`` learning rates evenly spaced (log scale) strictly between the best grid point's two neighbours."""
    lo, hi = grid[max(best - 1, 0)], grid[min(best + 1, len(grid) - 1)]
    return np.geomspace(lo, hi, n + 2)[1:-1] if n else np.empty(0)


def pick(scores: np.ndarray, lrs: np.ndarray, settled_at: np.ndarray) -> int | None:
    """The winner's index: the lowest score; within TIE of it, the soonest settled, then the smaller lr.
    None when every score is +inf (every run diverged)."""
    if not np.isfinite(scores).any():
        return None
    tied = np.flatnonzero(scores <= scores.min() + TIE)
    return int(tied[np.lexsort((lrs[tied], settled_at[tied]))[0]])


def settled(step_scores: np.ndarray, best: float) -> np.ndarray:
    """Per candidate (columns of ``step_scores`` (T+1, k)), the first step from which its score stays within
    TIE of ``best`` to the end; T+1 where it ends outside."""
    outside = step_scores > best + TIE
    last = len(step_scores) - 1 - np.argmax(outside[::-1], axis=0)  # the last step outside, where there is one
    return np.where(outside.any(axis=0), last + 1, 0)


def _point(p) -> str:
    return f"({p[0]:g}, {p[1]:g})"


def _conditions(steps: int, start, noise: float, seed: int, schedule: str | None) -> str:
    """'after 300 steps from (-1.2, 1)', with the noise and schedule the runs had."""
    text = f"after {steps} steps from {_point(start)}"
    if noise:
        text += f" with gradient noise σ = {noise:g} (seed {seed}, the same draws for every candidate)"
    if schedule is not None:
        text += f", the {SCHEDULES[schedule].title} schedule scaling each lr"
    return text


def _sentence(t: Tuning, conditions: str) -> str:
    """What 'tuned' meant for this optimizer, in one sentence."""
    title = OPTIMIZERS[t.optimizer].title
    grid = f"on a log grid from {t.low:.3g} to {t.high:.3g}" + (" (refined around the best)" if t.refine else "")
    if not t.tuned:
        return (
            f"{title}: every one of {len(t.lrs)} learning rates tried {grid} diverged {conditions}; "
            f"it races with its starting lr = {t.hyper['lr']:.3g}."
        )
    goal = "ends closest to the minimum" if t.gap else "ends lowest (this surface lists no minimum)"
    edge = {t.lrs[0]: "bottom end, so a smaller", t.lrs[-1]: "top end, so a larger"}.get(t.lr)
    return (
        f"{title} tuned: lr = {t.lr:.3g}, the one of {len(t.lrs)} tried {grid} that {goal} {conditions}; "
        f"within {TIE:g} of the best, the one that settles there first wins, then the smaller lr; "
        f"diverged runs lose ({t.n_diverged} did)"
        + (f"; {t.lr:.3g} is the grid's {edge} lr might do better." if edge else ".")
    )


def _untunable(optimizer: str, hyper: dict, start, steps: int) -> Tuning:
    """An optimizer with no learning rate: nothing tried, raced with its own settings."""
    empty = np.empty(0)
    return Tuning(
        optimizer, None, np.inf, empty, empty, empty.astype(bool), empty.astype(int),
        OPTIMIZERS[optimizer].resolve(hyper), f"{OPTIMIZERS[optimizer].title} has no learning rate to tune; "
        "it races with its own settings.", int(steps), (float(start[0]), float(start[1])), np.nan, np.nan, 0, 0, False,
    )  # fmt: skip


def tune_lr(
    surface: Surface,
    optimizer: str,
    start,
    steps: int,
    *,
    hyper: dict | None = None,
    schedule=None,
    noise: float = 0.0,
    seed: int = 0,
    grid: int = GRID,
    refine: int = REFINE,
    low: float | None = None,
    high: float | None = None,
) -> Tuning:
    """Tune ``optimizer``'s lr for ``steps`` steps from ``start`` (2,) on ``surface``, by the module's rule.

    ``hyper``: the other hyperparameters (default: the record's starting values); an lr in it is the one
    being tuned and is ignored. ``schedule`` (name, kwargs) scales each candidate's lr as in ``run``;
    ``noise``/``seed`` give every candidate the race's own noisy gradients. ``grid`` lrs from ``low`` to
    ``high`` (default ``default_range``), then ``refine`` between the best one's neighbours. Bad input
    raises a ValueError with one sentence.
    """
    start = _check(surface, optimizer, start, steps, grid, refine, noise)
    steps, spec = int(steps), OPTIMIZERS[optimizer]
    others = {k: v for k, v in {**spec.start, **(hyper or {})}.items() if k != "lr"}
    spec.resolve(others)  # unknown names: a sentence before any run
    if _lr_param(optimizer) is None:
        return _untunable(optimizer, others, start, steps)
    low, high = _ends(optimizer, low, high)
    scheduled = _check_schedule(schedule, optimizer, others, steps)

    def tried_at(lrs: np.ndarray) -> _Tried:
        return _Tried.of(surface, optimizer, start, steps, lrs, others, schedule, noise, seed)

    tried = tried_at(np.geomspace(low, high, int(grid)))
    first = tried.winner()
    if first is not None and refine:
        tried = tried.plus(tried_at(_refined(tried.lrs, first, int(refine))))
    won = tried.winner()
    lr = None if won is None else float(tried.lrs[won])
    raced = spec.resolve({**others, "lr": spec.start.get("lr", _lr_param(optimizer).default) if lr is None else lr})
    tuning = Tuning(
        optimizer, lr, np.inf if won is None else float(tried.scores[won]), tried.lrs, tried.scores,
        tried.diverged, tried.settled_at(), raced, "", steps, (float(start[0]), float(start[1])), low, high,
        int(grid), len(tried.lrs) - int(grid), len(surface.minima) > 0,
    )  # fmt: skip
    return dataclasses.replace(tuning, sentence=_sentence(tuning, _conditions(steps, start, noise, seed, scheduled)))


def tune_race(
    surface: Surface,
    optimizers,
    start,
    steps: int,
    *,
    hyper: dict[str, dict] | None = None,
    **options,
) -> dict[str, Tuning]:
    """``tune_lr`` for each optimizer of a race, in the order given: ``{name: Tuning}``.

    ``hyper`` maps a name to its other hyperparameters (the race's widgets); ``options`` (schedule, noise,
    seed, grid, refine, low, high) are shared by all, so every optimizer is tuned on the same terms.
    """
    names = list(dict.fromkeys(optimizers))
    if not names:
        raise ValueError("choose at least one optimizer to tune")
    hyper = hyper or {}
    strays = sorted(set(hyper) - set(names))
    if strays:
        raise ValueError(f"hyper names {', '.join(strays)}, which the race does not include")
    return {name: tune_lr(surface, name, start, steps, hyper=hyper.get(name), **options) for name in names}
