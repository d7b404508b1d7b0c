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
multiplier, Rprop's first step size, L-BFGS's step scale), it is tuned by the same rule, which
gdviz/surface/tuning_rule.py holds with the sentence that states it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..optimizers import OPTIMIZERS
from ..schedules import SCHEDULES, resolve_schedule
from .functions import Surface
from .tuning_rule import TIE, Tried, conditions, pick, refined, sentence, settled

__all__ = ["GRID", "REFINE", "SPAN", "TIE", "Tuning", "default_range", "pick", "settled", "tune_lr", "tune_race"]

GRID = 40  # learning rates on the first, coarse log grid
REFINE = 0  # a second pass between the best's neighbours doubles the time (bench_tuning), so off unless asked
SPAN = 1e3  # the default grid reaches this factor either side of the record's starting lr (within its range)


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

    def tried_at(lrs: np.ndarray) -> Tried:
        return Tried.of(surface, optimizer, start, steps, lrs, others, schedule, noise, seed)

    tried = tried_at(np.geomspace(low, high, int(grid)))
    first = tried.winner()
    if first is not None and refine:
        tried = tried.plus(tried_at(refined(tried.lrs, first, int(refine))))
    won = tried.winner()
    lr = None if won is None else float(tried.lrs[won])
    raced = spec.resolve({**others, "lr": spec.start.get("lr", _lr_param(optimizer).default) if lr is None else lr})
    tuning = Tuning(
        optimizer, lr, np.inf if won is None else float(tried.scores[won]), tried.lrs, tried.scores,
        tried.diverged, tried.settled_at(), raced, "", steps, (float(start[0]), float(start[1])), low, high,
        int(grid), len(tried.lrs) - int(grid), len(surface.minima) > 0,
    )  # fmt: skip
    return dataclasses.replace(tuning, sentence=sentence(tuning, conditions(steps, start, noise, seed, scheduled)))


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
