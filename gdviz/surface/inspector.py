"""The step inspector: one optimizer's update at one step of a recorded run, with the run's numbers.

``explain_step``, ``arrows`` and ``state_rows`` all take ``(traj, t, index=None)``: step ``t``
(1 ≤ t ≤ steps) is the move from ``traj.points[t-1]`` to ``traj.points[t]``; ``index`` picks one
start of a batched run. Each optimizer's record carries its explainer (``OPTIMIZERS[name].explain``,
written beside its update rule); the notation they share is ``gdviz.optimizers.notation``.
A scheduled run's explainers read the hyperparameters of step t (its η_t, and onecycle's cycled
momentum or β1) from ``Step.hyper``, as the run used them, so no explainer knows about schedules.
"""

from __future__ import annotations

import operator
from bisect import bisect_right
from dataclasses import replace
from typing import NamedTuple

import numpy as np

from ..optimizers import OPTIMIZERS
from ..optimizers.notation import GRAD_STEP, STEP, Step, tex_number, tex_rate, tex_vector
from ..schedules import SCHEDULES, hyper_at, schedule_table
from .trajectory import DIVERGED, REASONS, Trajectory

__all__ = ["GRAD_STEP", "STEP", "arrow_track", "arrows", "explain_step", "state_rows", "tex_number", "tex_vector"]

# --- the public functions -------------------------------------------------------------------------


def explain_step(traj: Trajectory, t: int, index=None) -> list[str]:
    """KaTeX lines writing step t of ``traj.optimizer`` with the run's numbers, ending on θ_t.

    At the step where a start diverged, the lines show the update it would have taken (computed by
    the run's own optimizer from the recorded gradient and state) and say that it was refused.
    After a start stopped, one sentence says why it no longer moves.
    """
    s, stopped_at, reason = _record(traj, t, index, _table(traj))
    head = s.line(r"\theta_<p>", tex_vector(s.theta_prev)) + rf" \quad \text{{(the point before step {s.t})}}"
    if s.hyper.get("maximize"):  # the optimizer saw −∇f: the lines below use that g
        grad = s.line(r"g_<t> = -\nabla f(\theta_<p>)", tex_vector(s.g)) + r" \quad \text{(maximize: climbing f)}"
    else:
        grad = s.line("g_<t>", tex_vector(s.g)) + s.sym(r" \quad \text{(the gradient used at } \theta_<p> \text{)}")
    stay = s.line(r"\theta_<t> = \theta_<p>", tex_vector(s.theta))
    if reason == DIVERGED and t == stopped_at:
        if not s.g.any():  # a gradient that overflowed is recorded as 0
            return [head, r"\text{the gradient here was too large to represent, so the run stopped this start}", stay]
        with np.errstate(all="ignore"):
            lines = OPTIMIZERS[traj.optimizer].explain(_would_be(traj, s)).lines
        lines = [*_rate_line(traj, s), *lines]
        refused = r"\text{this point is not finite or lies far off the map: the step is refused and the start stops}"
        return [head, grad, *lines, refused, stay]
    if t > stopped_at - (reason == DIVERGED):
        why = f"diverged at step {stopped_at}" if reason == DIVERGED else f"stopped after {stopped_at} steps"
        return [head, rf"\text{{no step: this start {why} ({REASONS[reason]})}}", stay]
    with np.errstate(all="ignore"):
        return [head, grad, *_rate_line(traj, s), *OPTIMIZERS[traj.optimizer].explain(s).lines]


def arrows(traj: Trajectory, t: int, index=None) -> dict[str, np.ndarray]:
    """Labelled 2D vectors at ``points[t-1]``: the plain gradient step, the parts of the update, the step taken.

    Where the parts add up (momentum, nesterov, rmsprop with μ > 0, adamw, nadam) they sum to the
    step taken. A start that did not move at step t (it had stopped or diverged) has only its zero
    step taken; an arrow that is not finite is left out.
    """
    return _arrows(traj, t, index, _table(traj))


def _arrows(traj: Trajectory, t: int, index, table: dict | None) -> dict[str, np.ndarray]:
    s, stopped_at, reason = _record(traj, t, index, table)
    if t > stopped_at - (reason == DIVERGED):
        return {STEP: s.step}
    with np.errstate(all="ignore"):
        vectors = OPTIMIZERS[traj.optimizer].explain(s).arrows
    return {label: v for label, v in vectors.items() if np.isfinite(v).all()}


def arrow_track(traj: Trajectory, index=None) -> dict[str, np.ndarray]:
    """Every step's ``arrows`` at once, for a player: label -> (T+1, 2) vectors, row t the arrow of step t
    (row 0, and the steps an arrow is missing from, NaN); the step taken comes last."""
    last, table = traj.steps.shape[0], _table(traj)  # a schedule's table once, not once per step
    track: dict[str, np.ndarray] = {}
    for t in range(1, last + 1):
        for label, v in _arrows(traj, t, index, table).items():
            track.setdefault(label, np.full((last + 1, 2), np.nan))[t] = v
    return {label: track[label] for label in sorted(track, key=lambda label: label == STEP)}


def state_rows(traj: Trajectory, t: int, index=None) -> list[dict]:
    """The optimizer state after t steps (0 ≤ t ≤ steps): rows ``{name, symbol, x, y}``.

    ``name`` is torch's state name; a scalar (Adam's step counter, NAdam's Πμ) has ``y`` None. An optimizer
    that keeps no state (plain SGD) gets one row that says so in words, so a table never reads just "empty".
    """
    _check_index(traj, index)
    t = _check_t(traj, t, first=0)
    if not traj.states._fields:
        title = OPTIMIZERS[traj.optimizer].title
        return [{"name": f"none: plain {title} keeps no state between steps", "symbol": "—", "x": "—", "y": "—"}]
    rows = []
    for name, value in _state_at(traj, t, index)._asdict().items():
        v = np.asarray(value, dtype=np.float64)
        x, y = (float(v), None) if v.ndim == 0 else (float(v[0]), float(v[1]))
        rows.append({"name": name, "symbol": OPTIMIZERS[traj.optimizer].symbols.get(name, name), "x": x, "y": y})
    return rows


def _check_t(traj: Trajectory, t, first: int) -> int:
    last = traj.steps.shape[0]
    try:
        t = operator.index(t)
    except TypeError:
        raise ValueError(f"t must be a whole step number, got {t!r}") from None
    if not first <= t <= last:
        raise ValueError(f"t must be between {first} and {last} (this run has {last} steps), got {t}")
    return t


def _check_index(traj: Trajectory, index) -> None:
    batch = traj.points.shape[1:-1]
    if not batch:
        if index is not None:
            raise ValueError(f"this run has a single start, so index must be None, got {index!r}")
        return
    if index is None:
        raise ValueError(f"this run has {batch[0]} starts: pass index (0 ≤ index < {batch[0]}) to choose one")
    try:
        i = operator.index(index)
    except TypeError:
        raise ValueError(f"index must be a whole number, got {index!r}") from None
    if len(batch) != 1 or not 0 <= i < batch[0]:
        raise ValueError(f"index must be between 0 and {batch[0] - 1}, got {index!r}")


def _state_at(traj: Trajectory, t: int, index) -> NamedTuple:
    # a shared scalar (a step counter) has no batch axis
    fields = (f[t] if index is None or np.ndim(f[t]) == 0 else f[t][index] for f in traj.states)
    return type(traj.states)(*fields)


def _record(traj: Trajectory, t, index, table: dict | None) -> tuple[Step, int, int]:
    """The recorded numbers of step t for one start, with when and why that start stopped."""
    _check_index(traj, index)
    t = _check_t(traj, t, first=1)
    pick = (lambda a: a) if index is None else (lambda a: a[index])
    hyper = _hyper_for(traj, index, traj.hyper if table is None else hyper_at(table, traj.hyper, t - 1))
    s = Step(
        t=t,
        hyper=hyper,
        theta_prev=pick(traj.points[t - 1]),
        theta=pick(traj.points[t]),
        g=-pick(traj.grads[t - 1]) if hyper.get("maximize") else pick(traj.grads[t - 1]),  # the g the optimizer saw
        step=pick(traj.steps[t - 1]),
        prev=_state_at(traj, t - 1, index),
        new=_state_at(traj, t, index),
    )
    return s, int(pick(traj.stopped_at)), int(pick(traj.reason))


def _table(traj: Trajectory) -> dict | None:
    """The values a scheduled run stepped with (``schedule_table`` of its resolved schedule); None without one."""
    if traj.schedule is None:
        return None
    return schedule_table(traj.schedule, traj.hyper, traj.steps.shape[0])


def _rate_line(traj: Trajectory, s: Step) -> list[str]:
    """A scheduled run's learning rate at this step, η_t, named by its schedule (a sequential one's by the part
    in effect); nothing without one."""
    if traj.schedule is None:
        return []
    name, args = traj.schedule
    title = SCHEDULES[name].title.lower()
    if name == "sequential":  # which part sets it now
        part = args["schedulers"][bisect_right(args["milestones"], s.t - 1)][0]
        title += f", its {SCHEDULES[part].title.lower()} part"
    return [
        s.line(r"\eta_<t>", tex_rate(s.hyper["lr"])) + rf" \quad \text{{(the learning rate of step {s.t}: {title})}}"
    ]


def _hyper_for(traj: Trajectory, index, run_hyper: dict) -> dict:
    """``run_hyper`` (the run's, or a scheduled run's at one step) as it applied to this start: an array (lr,
    one per start) is picked."""
    hyper = {}
    for name, value in run_hyper.items():
        if isinstance(value, np.ndarray):
            value = np.broadcast_to(value, traj.points.shape[1:])
            value = value if index is None else value[index]  # (2,): this start's two coordinates
            value = float(value[0]) if value[0] == value[1] else value.copy()
        hyper[name] = value
    return hyper


def _would_be(traj: Trajectory, s: Step) -> Step:
    """The step a diverging start would have taken: the run's optimizer applied to the recorded numbers."""
    with np.errstate(all="ignore"):
        hyper = {k: v for k, v in s.hyper.items() if k != "maximize"}  # s.g is already the g it saw
        step, new = OPTIMIZERS[traj.optimizer](**hyper).update(s.g, s.prev, s.theta_prev)
    return replace(s, step=step, new=new, theta=s.theta_prev + step)
