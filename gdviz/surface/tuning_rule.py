"""The rule gdviz.surface.tuning judges its candidates by, and the sentence that states it (``Tuning.sentence``).

``Tried.of`` runs a set of candidate learning rates in one vectorized run (each on the race's own noisy
gradients, if any) and scores each by its gap f(θ_t) − f* at every step; ``pick`` names the winner
(lowest final gap; within ``TIE`` of it, the soonest settled by ``settled``, then the smaller lr);
``sentence`` says what "tuned" meant for one ``Tuning``, with its numbers. The rule and its words live
here together, so one cannot change without the other in sight.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..optimizers import OPTIMIZERS
from ..schedules import SCHEDULES
from .functions import Surface
from .trajectory import run

if TYPE_CHECKING:
    from .tuning import Tuning

TIE = 1e-6  # final gaps this close to the best count as equal: the run that settles there first wins


def noisy(surface: Surface, noise: float, seed: int, steps: int) -> Surface:
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
class Tried:
    """Candidates run so far, in ascending lr: each one's score at every step (T+1, k) and which diverged."""

    lrs: np.ndarray
    step_scores: np.ndarray
    diverged: np.ndarray

    @classmethod
    def of(cls, surface, optimizer, start, steps, lrs, hyper, schedule, noise, seed) -> Tried:
        """One vectorized run of every lr in ``lrs`` (k,), ascending: k starts, lr of shape (k, 1)."""
        ground = noisy(surface, noise, seed, steps) if noise else surface
        starts = np.broadcast_to(start, (len(lrs), 2))
        traj = run(ground, optimizer, starts, steps, schedule=schedule, lr=lrs[:, None], **hyper)
        f_star = surface.f(surface.minima).min() if len(surface.minima) else 0.0
        return cls(lrs, traj.losses - f_star, traj.diverged)

    def plus(self, other: Tried) -> Tried:
        """Both sets of candidates, in ascending lr."""
        order = np.argsort(np.concatenate([self.lrs, other.lrs]), kind="stable")
        lrs = np.concatenate([self.lrs, other.lrs])[order]
        step_scores = np.concatenate([self.step_scores, other.step_scores], axis=1)[:, order]
        return Tried(lrs, step_scores, np.concatenate([self.diverged, other.diverged])[order])

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


def refined(grid: np.ndarray, best: int, n: int) -> np.ndarray:
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


def conditions(steps: int, start, noise: float, seed: int, schedule: str | None) -> str:
    """'after 300 steps from (-1.2, 1)', with the noise and schedule the runs had."""
    text = f"after {steps} steps from {_point(start)}"
    if noise:
        text += f" with gradient noise σ = {noise:g} (seed {seed}, the same draws for every candidate)"
    if schedule is not None:
        text += f", the {SCHEDULES[schedule].title} schedule scaling each lr"
    return text


def sentence(t: Tuning, conditions: str) -> str:
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
