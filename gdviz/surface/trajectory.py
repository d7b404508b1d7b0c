"""Running an optimizer on a 2D surface: ``run(grad, optimizer, start, steps, **hyper) -> Trajectory``.

Many starts run together: ``start`` of shape ``(k, 2)`` is one batch stepped by one loop over
time, never a loop over starts. Each start stops on its own (gradient-norm tolerance, loss
threshold, or divergence: the first step whose gradient, point, loss or optimizer state is not
finite, or whose point explodes) and is then frozen where it stopped, so every recorded array keeps
the full shape ``(steps + 1, *start.shape)`` and holds no inf or NaN: a plot of it is always drawable.
``endpoints`` takes the same walk (one loop, ``_walk``, serves both) but keeps only where each
start ended, for maps and sweeps over thousands of starts. ``run`` takes f at every recorded point in one
call after the walk, not one call a step (a race's f was a quarter of its walk); where a point has no value,
it walks again with f each step, so the numbers are the same either way.

``schedule=(name, kwargs)`` (see gdviz.schedules) changes the hyperparameters step by step as a torch
training loop's scheduler does: step t uses the values the torch optimizer group holds at its t-th
``step()``. An update that takes them by keyword (``optimizers.spec.takes``) is handed them each step;
any other optimizer is built again each step from them, its state carried over. Without a schedule it
is built once.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from ..optimizers import OPTIMIZERS, Optimizer
from ..optimizers.line_search import NO_F, NO_NOISE, needs_oracle
from ..optimizers.spec import takes_of
from ..schedules import optimizer_at, resolve_schedule, schedule_table
from .functions import Surface

# why a start stopped; stored as small integers in Trajectory.reason
RUNNING, MAX_STEPS, GRAD_TOL, LOSS_TOL, DIVERGED = 0, 1, 2, 3, 4
REASONS = ("running", "max steps", "gradient below tolerance", "loss below threshold", "diverged")
# what went wrong at the step a start diverged; stored in Trajectory.cause (0 where it did not diverge)
NOT_DIVERGED, FLEW_OFF, NO_GRADIENT, NO_VALUE, STATE_OVERFLOW = 0, 1, 2, 3, 4
CAUSES = (
    "",
    "the point flew off",
    "no finite gradient",
    "f has no value there",
    "the optimizer's state overflowed",
)

# a point farther than this many domain widths from the domain's centre has exploded
EXPLODE_WIDTHS = 1e3
EXPLODE_NORM = 1e12  # the same for a bare gradient function, which has no domain


@dataclass(frozen=True)
class Trajectory:
    """Everything recorded while optimizing. ``B = start.shape[:-1]`` is the batch shape.

    points (T+1, *B, 2)   positions; points[t] is θ after t steps
    grads  (T, *B, 2)     the gradient used at step t+1 (noise included), taken at points[t];
                          a non-finite gradient (the start diverged at that step) is recorded as 0,
                          and so is every gradient after the step at which a start stopped
    steps  (T, *B, 2)     the step taken: points[t+1] = points[t] + steps[t]; 0 once stopped
    states                the optimizer state after t steps, one array per field, (T+1, ...)
    losses (T+1, *B)      f at each point, when f is known (else None); finite, except losses[0]
                          of a start where f has no finite value (it diverged at step 0)
    stopped_at (*B,)      the number of steps each start took
    reason (*B,)          why it stopped, an index into REASONS
    cause (*B,)           where it diverged, what went wrong at that step: an index into CAUSES (0 if
                          it did not; None in a Trajectory built by hand)
    lrs (T, *L)           the learning rate of each step, scheduled or constant; L = the shape of
                          hyper["lr"]: (T,) for one learning rate, (T, k, 1) for lr of shape (k, 1) (one
                          per start). Read-only; every step is listed, also after a start stopped (None
                          in a Trajectory built by hand)
    schedule              (name, kwargs) with every argument filled in, or None: schedule_table(schedule,
                          hyper, T) gives the values it ran with
    """

    optimizer: str
    hyper: dict
    points: np.ndarray
    grads: np.ndarray
    steps: np.ndarray
    states: NamedTuple
    losses: np.ndarray | None
    stopped_at: np.ndarray
    reason: np.ndarray
    cause: np.ndarray | None = None
    lrs: np.ndarray | None = None
    schedule: tuple | None = None

    @property
    def diverged_at(self) -> np.ndarray:
        """The step at which each start diverged (its point is frozen just before), -1 if it did not."""
        return np.where(self.reason == DIVERGED, self.stopped_at, -1)

    @property
    def diverged(self) -> np.ndarray:
        return self.reason == DIVERGED

    @property
    def final(self) -> np.ndarray:
        """The last point of each path, shape ``(*B, 2)``."""
        return self.points[-1]

    @property
    def grad_evals(self) -> np.ndarray:
        """Gradient evaluations spent per start: one per step taken (plus one to detect a stop), and those of a
        line search within its steps (an optimizer that searches counts every evaluation in its state's
        ``func_evals``, as torch's L-BFGS does: one a step, plus the search's)."""
        evals = self.stopped_at + (self.reason == GRAD_TOL)
        counted = getattr(self.states, "func_evals", None)
        if counted is None:
            return evals
        updates = self.stopped_at - self.diverged  # the state of a diverged start is the one before its last step
        return evals + counted[-1][..., 0].astype(int) - updates

    @property
    def path_length(self) -> np.ndarray:
        return np.linalg.norm(self.steps, axis=-1).sum(axis=0)

    def reason_text(self) -> np.ndarray:
        return np.asarray(REASONS, dtype=object)[self.reason]

    def cause_text(self) -> np.ndarray:
        """What went wrong where a start diverged ("f has no value there" ...), "" where it did not."""
        return np.asarray(CAUSES, dtype=object)[self.cause]


@dataclass(frozen=True)
class Endpoints:
    """Where each start of a walk ended, without the path. ``B = start.shape[:-1]``.

    final (*B, 2)      the last point (frozen where a start stopped); equals Trajectory.final
    losses (*B,)       f at the last point, when f is known (else None)
    stopped_at (*B,)   the number of steps each start took
    reason (*B,)       why it stopped, an index into REASONS
    cause (*B,)        what went wrong where it diverged, an index into CAUSES (0 if it did not)
    schedule           (name, kwargs) as resolved, or None, as in Trajectory
    """

    final: np.ndarray
    losses: np.ndarray | None
    stopped_at: np.ndarray
    reason: np.ndarray
    optimizer: str = ""
    hyper: dict = field(default_factory=dict)
    cause: np.ndarray | None = None
    schedule: tuple | None = None

    @property
    def diverged_at(self) -> np.ndarray:
        """The step at which each start diverged (its point is frozen just before), -1 if it did not."""
        return np.where(self.reason == DIVERGED, self.stopped_at, -1)

    @property
    def diverged(self) -> np.ndarray:
        return self.reason == DIVERGED

    def reason_text(self) -> np.ndarray:
        return np.asarray(REASONS, dtype=object)[self.reason]


def _field_mask(mask: np.ndarray, new: np.ndarray, old: np.ndarray) -> np.ndarray:
    """Per-start fields take the new value where ``mask``; shared scalars (step counters) always move."""
    if np.ndim(new) == 0:
        return new
    return np.where(mask[..., None], new, old)


class _Problem(NamedTuple):
    """What ``run`` and ``endpoints`` validate alike before stepping."""

    optimizer: str
    hyper: dict  # resolved: defaults filled in
    opt: Optimizer
    gradient: Callable
    f: Callable | None
    center: np.ndarray
    limit: float  # a point farther than this from center has exploded
    start: np.ndarray  # float64, (*B, 2)
    state: NamedTuple  # the optimizer's initial state at start
    steps: int
    schedule: tuple | None  # resolved (name, kwargs)
    table: dict  # schedule_table: {"lr": (steps, ...), ...}; a constant lr without a schedule


class _End(NamedTuple):
    """Where the walk ended: every start stopped by step ``t`` (``t == steps`` if one ran to the end)."""

    point: np.ndarray
    state: NamedTuple
    loss: np.ndarray | None  # f at point, when f is known
    stopped_at: np.ndarray
    reason: np.ndarray
    cause: np.ndarray
    t: int


def _finite(batch: tuple, *arrays) -> np.ndarray:
    """Per start, whether every array given (each ``(*B, ...)``; shared step counters are skipped) is
    finite; shape ``batch``. One sum first: finite, as it nearly always is, means all of them are."""
    arrays = [a for a in arrays if getattr(a, "ndim", 0) > len(batch)]
    total = 0.0
    for a in arrays:
        total += float(np.add.reduce(a, axis=None))  # a.sum() without its Python wrapper: this runs every step
    if math.isfinite(total):
        return np.ones(batch, dtype=bool)
    ok = np.ones(batch, dtype=bool)
    for a in arrays:
        ok &= np.isfinite(a).reshape(*batch, -1).all(axis=-1)
    return ok


def _total(a) -> float:
    """The sum of an array's entries, as a float. A race's few numbers are summed in Python: numpy's
    reduction costs a few microseconds a call, six times a Python sum of two numbers."""
    if getattr(a, "ndim", 0) == 0:
        return float(a)
    if a.size <= 32:
        return sum(a.ravel().tolist())
    return float(np.add.reduce(a, axis=None))


def _fine(pr: _Problem, g, new_p, new_state, new_loss) -> bool:
    """Whether a step surely went right for every start: every number finite (their sum is) and every point
    within ``pr.limit`` of the centre. False says only "look at each start", as ``_walk`` then does."""
    total = _total(g) + _total(new_p)
    for s in new_state:
        total += _total(s)
    if new_loss is not None:
        total += _total(new_loss)
    if not math.isfinite(total):
        return False
    away = new_p - pr.center
    far = max(map(abs, away.ravel().tolist()), default=0.0) if away.size <= 32 else float(np.abs(away).max())
    return far <= pr.limit


def _check_lr_shape(what: str, lr_shape: tuple, shape: tuple) -> None:
    """An array of learning rates runs one per start; it may not add starts."""
    try:
        fits = np.broadcast_shapes(lr_shape, shape) == shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"{what} of shape {lr_shape} does not broadcast against start of shape {shape}")


def _problem(grad, optimizer: str, start, steps: int, f, loss_tol, schedule, hyper: dict) -> _Problem:
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}; choose one of {', '.join(OPTIMIZERS)}")
    steps = int(steps)
    if steps < 0:
        raise ValueError(f"steps must be ≥ 0, got {steps}")
    opt = OPTIMIZERS[optimizer](**hyper)
    if isinstance(grad, Surface):
        surface, gradient, f = grad, grad.grad, grad.f
        center = np.mean(surface.domain, axis=1)
        limit = EXPLODE_WIDTHS * max(hi - lo for lo, hi in surface.domain)
    else:
        gradient, center, limit = grad, np.zeros(2), EXPLODE_NORM
    if loss_tol is not None and f is None:
        raise ValueError("a loss threshold needs the loss: pass a Surface or f=")

    p = np.array(start, dtype=np.float64)
    if p.shape[-1:] != (2,):
        raise ValueError(f"start must have shape (2,) or (k, 2), got {p.shape}")
    resolved = OPTIMIZERS[optimizer].resolve(hyper)
    _check_lr_shape("lr", np.shape(resolved.get("lr", 0.0)), p.shape)
    schedule = resolve_schedule(schedule, resolved, steps)
    table = schedule_table(schedule, resolved, steps)
    _check_lr_shape("the scheduled lr", table["lr"].shape[1:], p.shape)  # onecycle's max_lr may be an array
    return _Problem(optimizer, resolved, opt, gradient, f, center, limit, p, opt.init(p), steps, schedule, table)


def _per_step(name: str, values: np.ndarray) -> list:
    """A table's column as ``hyper_at`` gives it, one entry a step: betas as tuples of floats, one number as a
    float, per-start values as rows of the table."""
    if name == "betas":
        return [tuple(row) for row in values.tolist()]
    return values.tolist() if values.ndim == 1 else list(values)


def _scheduled_keywords(pr: _Problem) -> list[dict] | None:
    """Each step's scheduled values, as keywords for an update that takes them all (``takes``); None where the
    optimizer is built again each step instead: no schedule, an update that takes not all of them, or a value
    its factory refuses (built at that step, it refuses it there, as it always has). The factories' checks are
    ranges, one per value, so every step's values pass them when the columns' smallest and largest do."""
    if pr.schedule is None or pr.steps == 0 or not set(pr.table) <= takes_of(pr.opt):
        return None
    try:
        for corner in (np.min, np.max):
            optimizer_at(pr.optimizer, {n: corner(v, axis=0)[None] for n, v in pr.table.items()}, pr.hyper, 0)
    except ValueError:
        return None
    if len(pr.table) == 1:  # lr alone, the usual schedule
        ((name, values),) = pr.table.items()
        return [{name: value} for value in _per_step(name, values)]
    columns = {name: _per_step(name, values) for name, values in pr.table.items()}
    return [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def _loss(pr: _Problem, p: np.ndarray) -> np.ndarray:
    """f at points ``(*B, 2)``, always evaluated on an array of points (a single start too), so a start
    gets the same value alone as in a batch, to the last bit."""
    return np.asarray(pr.f(p.reshape(-1, 2)), dtype=np.float64).reshape(p.shape[:-1])


def _line_search_oracle(pr: _Problem, noise) -> Callable | None:
    """A line search's oracle, f and ∇f at trial points, exact (noise is drawn once a step); None if no line search.
    Refused without f or with noise."""
    if not needs_oracle(pr.opt):
        return None
    if pr.f is None or noise:
        raise ValueError(NO_F if pr.f is None else NO_NOISE)

    def oracle(points, gradient=True):
        return _loss(pr, points), pr.gradient(points) if gradient else None

    return oracle


def _diverged(pr: _Problem, active, g, new_p, new_state, new_loss) -> tuple[np.ndarray, np.ndarray | None]:
    """Each running start's own check after a step ``_fine`` could not vouch for: which diverged, and why.

    A start diverges at the first step whose gradient, new point, loss there (``new_loss``, None without f) or new
    optimizer state is not finite, or whose point explodes (farther than ``pr.limit`` from the centre). Returns
    the mask of those starts and, if there are any, each start's index into CAUSES, in this order when several
    things went wrong: no finite gradient, the point flew off, f has no value there, the state overflowed."""
    batch = active.shape
    value = [] if new_loss is None else [new_loss[..., None]]
    flew = np.abs(new_p - pr.center).max(axis=-1) > pr.limit
    bad = active & (flew | ~_finite(batch, g, new_p, *new_state, *value))
    if not bad.any():
        return bad, None
    why = np.select(
        [~_finite(batch, g), flew | ~_finite(batch, new_p), ~_finite(batch, *value)],
        [NO_GRADIENT, FLEW_OFF, NO_VALUE],
        STATE_OVERFLOW,
    )
    return bad, why


def _walk(pr: _Problem, *, noise, seed, grad_tol, loss_tol, on_step=None, losses_later=False) -> _End:
    """The stepping loop, written once for ``run`` and ``endpoints``.

    A start stops at ``grad_tol`` or ``loss_tol``, or diverges (``_diverged``; at step 0 where f has no finite
    value at it), keeping the last point and state that were all finite: nothing kept holds inf or NaN.

    After step t (0-based) it calls ``on_step(t, g, step, point, state, loss)``: the gradient taken at the
    previous point (noise included) where it counts (a start running when it was taken, and the gradient
    finite), 0 elsewhere; the step actually taken (0 once stopped), and the point, optimizer state and loss
    (None without f) after it. Nothing is kept here from one step to the next but the current point, state
    and loss, so memory is O(starts) whatever ``on_step`` records.

    ``losses_later``: f is left to the caller, which takes it at every recorded point in one call (``run``), on
    the usual step; a step whose check looks at each start takes f itself. The loss handed on and the end's are
    then None. The walk's steps are the ones taken with f each step if f has a finite value at every point
    recorded, which the caller checks. Not with ``loss_tol`` (each step needs its loss), nor where f has no
    value at a start.

    Its usual step (every start running, every number finite, no point flown off) costs the fewest numpy
    calls: whether starts still run is kept as two Python truths, changed only where one stops, and one sum
    and one distance say nothing went wrong before any start's own check is made (``_diverged``, off that step).
    """
    opt, p, state = pr.opt, pr.start, pr.state
    batch = p.shape[:-1]
    oracle = _line_search_oracle(pr, noise)
    keywords = _scheduled_keywords(pr)
    rebuild = pr.schedule is not None and keywords is None
    rng = np.random.default_rng(seed)
    active = np.ones(batch, dtype=bool)
    reason = np.full(batch, RUNNING)
    cause = np.full(batch, NOT_DIVERGED)
    stopped_at = np.full(batch, pr.steps)

    running, all_running = True, True  # active.any(), active.all()

    def stop(mask, why, t):
        nonlocal active, running, all_running
        if not mask.any():
            return
        reason[mask] = why
        stopped_at[mask] = t
        active = active & ~mask
        running, all_running = bool(active.any()), bool(active.all())

    t = 0
    with np.errstate(all="ignore"):
        loss = None if pr.f is None else _loss(pr, p)
        if loss is not None:
            cause[~np.isfinite(loss)] = NO_VALUE
            stop(~np.isfinite(loss), DIVERGED, 0)
        if loss_tol is not None:
            stop(active & (loss <= loss_tol), LOSS_TOL, 0)
        later = losses_later and loss is not None and loss_tol is None and all_running
        if later:
            loss = None  # the caller's from here; f is still known (pr.f) where a step's check needs it
        for t in range(pr.steps):
            if not running:
                break
            g = pr.gradient(p)
            checked = None if all_running else active  # a start's gradient counts while it runs, as when run alone
            if grad_tol is not None:
                stop(active & (np.linalg.norm(g, axis=-1) <= grad_tol), GRAD_TOL, t)
            if noise:
                g = g + noise * rng.standard_normal(g.shape)
            now = {} if keywords is None else keywords[t]  # this step's hyperparameters; the state carries over
            if rebuild:
                opt = optimizer_at(pr.optimizer, pr.table, pr.hyper, t)
            step, new_state = opt.update(g, state, p, **now) if oracle is None else opt.update(g, state, p, oracle)
            new_p = p + step
            new_loss = None if loss is None else _loss(pr, new_p)
            fine = _fine(pr, g, new_p, new_state, new_loss)
            if not fine:  # some start may have gone wrong: each one's own check (later: f here, for it only)
                bad, why = _diverged(pr, active, g, new_p, new_state, _loss(pr, new_p) if later else new_loss)
                if why is not None:
                    cause[bad] = why[bad]
                    stop(bad, DIVERGED, t + 1)
            if on_step is not None and not (
                fine and checked is None
            ):  # the recorded gradient: 0 where it does not count
                counts = np.isfinite(g) if checked is None else checked[..., None] & np.isfinite(g)
                g = np.where(counts, g, 0.0)
            if all_running:  # the usual step: every start moves on (a single start's run, step after step)
                p, state, loss = new_p, new_state, new_loss
            else:
                stop_now = ~active
                step = np.where(stop_now[..., None], 0.0, step)
                p = np.where(stop_now[..., None], p, new_p)
                state = type(state)(*(_field_mask(active, n, o) for n, o in zip(new_state, state, strict=True)))
                if loss is not None:
                    loss = np.where(stop_now, loss, new_loss)
            if on_step is not None:
                on_step(t, g, step, p, state, loss)
            if loss_tol is not None:
                stop(active & (loss <= loss_tol), LOSS_TOL, t + 1)
        else:
            t = pr.steps
    reason[reason == RUNNING] = MAX_STEPS
    return _End(p, state, loss, stopped_at, reason, cause, t)


def run(
    grad: Surface | Callable,
    optimizer: str,
    start,
    steps: int,
    *,
    noise: float = 0.0,
    seed: int = 0,
    grad_tol: float | None = None,
    loss_tol: float | None = None,
    f: Callable | None = None,
    schedule=None,
    **hyper,
) -> Trajectory:
    """Optimize from ``start`` ((2,) or (k, 2)) for up to ``steps`` steps with ``OPTIMIZERS[optimizer]``.

    ``grad`` is a Surface (its ``f`` gives the losses) or a callable ``(..., 2) -> (..., 2)``, with an
    optional ``f``. ``noise`` adds Gaussian noise of that standard deviation to every gradient
    (stochastic gradient descent on a surface), drawn from ``np.random.default_rng(seed)``.
    A start stops when ``|g| <= grad_tol`` or ``f <= loss_tol``, and diverges at the first step whose
    gradient, new point, f there or new optimizer state is not finite, or whose point explodes; it then
    keeps its last point and state (all finite) and reports why and at which step.
    ``lr`` may be an array broadcastable to the batch (e.g. ``(k, 1)`` for ``(k, 2)`` starts).
    ``schedule``: a name or ``(name, kwargs)`` from ``SCHEDULES`` (torch.optim.lr_scheduler's rules),
    stepped once per optimizer step; ``traj.lrs`` holds the learning rate of each step either way.
    """
    pr = _problem(grad, optimizer, start, steps, f, loss_tol, schedule, hyper)
    rec, record = _recorder(pr)
    walk = dict(noise=noise, seed=seed, grad_tol=grad_tol, loss_tol=loss_tol, on_step=record)
    end = _walk(pr, **walk, losses_later=True)
    if rec.losses is not None:
        end = _losses_after_walk(pr, rec, end, walk)
    # every start has stopped at step t: the rest of the record repeats the frozen end
    rec.points[end.t + 1 :] = end.point
    for h in rec.history:
        h[end.t + 1 :] = h[end.t]

    return Trajectory(
        optimizer=optimizer,
        hyper=pr.hyper,
        points=rec.points,
        grads=rec.grads,
        steps=rec.taken,
        states=type(pr.state)(*rec.history),
        losses=rec.losses,
        stopped_at=end.stopped_at,
        reason=end.reason,
        cause=end.cause,
        lrs=pr.table["lr"],
        schedule=pr.schedule,
    )


class _Record(NamedTuple):
    """The arrays ``run`` fills step by step; see Trajectory."""

    points: np.ndarray
    grads: np.ndarray
    taken: np.ndarray  # Trajectory.steps
    history: list[np.ndarray]  # one array per field of the optimizer state
    losses: np.ndarray | None


def _recorder(pr: _Problem) -> tuple[_Record, Callable]:
    """``run``'s arrays, with the start in row 0, and the ``on_step`` that fills each step's row."""
    steps, shape, state0 = pr.steps, pr.start.shape, pr.state
    points = np.empty((steps + 1, *shape))
    grads = np.zeros((steps, *shape))
    taken = np.zeros((steps, *shape))
    history = [np.empty((steps + 1, *np.shape(s))) for s in state0]
    losses = None if pr.f is None else np.empty((steps + 1, *shape[:-1]))
    points[0] = pr.start
    for h, s in zip(history, state0, strict=True):
        h[0] = s

    def record(t, g, step, p, state, loss):
        grads[t] = g  # 0 where it did not count: at the step a start diverged, and after it stopped
        taken[t], points[t + 1] = step, p
        for h, s in zip(history, state, strict=True):
            h[t + 1] = s
        if loss is not None:  # None while the walk leaves f to the end
            losses[t + 1] = loss

    return _Record(points, grads, taken, history, losses), record


def _losses_after_walk(pr: _Problem, rec: _Record, end: _End, walk: dict) -> _End:
    """``rec.losses`` filled: f at every recorded point in one call, not one a step; where a point has none, the
    walk taken again with f each step (a start diverges there). Returns the walk's end, the second walk's if so."""
    with np.errstate(all="ignore"):
        rec.losses[0] = _loss(pr, pr.start)  # the walk's own first value: a start where f has none diverged at 0
        if end.loss is None and end.t:  # f left to here: every recorded point's in one call, not one a step
            rec.losses[1 : end.t + 1] = _loss(pr, rec.points[1 : end.t + 1])
    if end.loss is None and not np.isfinite(rec.losses[1 : end.t + 1]).all():
        rec.grads[:], rec.taken[:] = 0.0, 0.0  # walked again with f each step: a start diverges where f has no value
        end = _walk(pr, **walk)
    rec.losses[end.t + 1 :] = rec.losses[end.t] if end.loss is None else end.loss
    return end


def endpoints(
    grad: Surface | Callable,
    optimizer: str,
    start,
    steps: int,
    *,
    noise: float = 0.0,
    seed: int = 0,
    grad_tol: float | None = None,
    loss_tol: float | None = None,
    f: Callable | None = None,
    schedule=None,
    **hyper,
) -> Endpoints:
    """``run``'s walk with nothing recorded per step: only where each start ended and why.

    Same arguments, stopping, freezing and arithmetic as ``run``, so ``final``, ``losses``,
    ``stopped_at`` and ``reason`` equal ``run(...).final``, ``.losses[-1]`` ... bit for bit; memory
    is O(starts), not O(starts × steps), so 10,000 starts (a basin map) cost only their time.
    """
    pr = _problem(grad, optimizer, start, steps, f, loss_tol, schedule, hyper)
    end = _walk(pr, noise=noise, seed=seed, grad_tol=grad_tol, loss_tol=loss_tol)
    return Endpoints(end.point, end.loss, end.stopped_at, end.reason, optimizer, pr.hyper, end.cause, pr.schedule)
