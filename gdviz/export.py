"""A page's current run as tables and documents: ``*_rows(...) -> list[dict]``, then ``to_csv`` / ``to_json``.

Every ``*_rows`` function takes the objects a page already holds and returns one dict per row of
plain Python values (str, int, float, None), the same keys in the same order in every row. None is
a value that was never computed (not evaluated at that iteration); NaN and inf are values that were.
``to_csv(rows)`` writes floats at repr precision, so they read back bit for bit ("nan", "inf" as such);
``to_json(settings, run, page=)`` is one strict JSON document in which a non-finite number is null.
"""

from __future__ import annotations

import csv
import io
import json
import math

import numpy as np

from .autodiff import GraphNode, Step
from .linear.gradcheck import GradCheck, HSweep
from .linear.search import SearchRun
from .linear.train import LinearRun
from .network import MLPRun
from .surface.trajectory import Trajectory

FORMAT = "gdviz-export/1"  # the document's "gdviz" tag: bump when a page's layout of "run" changes
RACE_SETTINGS = ("surface", "condition", "formula", "extent", "optimizers", "start", "steps", "noise", "seed", "seeds")


def _step_lrs(traj: Trajectory, member: int) -> np.ndarray:
    """The learning rate of each step (T,) for one start: scheduled or constant; NaN in a hand-built run."""
    T = traj.steps.shape[0]
    if traj.lrs is None:
        return np.full(T, np.nan)
    lrs = np.asarray(traj.lrs, dtype=np.float64).reshape(T, -1)  # (T,), or (T, k, 1): one per start
    return lrs[:, member if lrs.shape[1] > 1 else 0]


def _path_columns(traj: Trajectory, member: int) -> dict[str, list]:
    """One start's path as columns, steps 0..T; the last row has no gradient, step or learning rate (NaN)."""
    pick = (slice(None), member) if traj.points.ndim == 3 else (slice(None),)
    points, grads, steps = traj.points[pick], traj.grads[pick], traj.steps[pick]
    pad = np.full((1, 2), np.nan)  # point T has no gradient taken there and no step from it
    grads, steps = np.vstack([grads, pad]), np.vstack([steps, pad])
    lrs = np.append(_step_lrs(traj, member), np.nan)
    losses = traj.losses[pick] if traj.losses is not None else np.full(len(points), np.nan)
    return {
        "step": list(range(len(points))),
        "x": points[:, 0].tolist(),
        "y": points[:, 1].tolist(),
        "loss": np.asarray(losses, dtype=np.float64).tolist(),
        "grad_x": grads[:, 0].tolist(),
        "grad_y": grads[:, 1].tolist(),
        "step_x": steps[:, 0].tolist(),
        "step_y": steps[:, 1].tolist(),
        "lr": lrs.tolist(),
    }


def _rows(columns: dict[str, list], **constant) -> list[dict]:
    keys = list(columns)
    return [{**constant, **dict(zip(keys, values, strict=True))} for values in zip(*columns.values(), strict=True)]


def race_rows(runs: dict[str, Trajectory]) -> list[dict]:
    """Long format, optimizer by optimizer: optimizer, step, x, y, loss, grad_x, grad_y, step_x, step_y, lr.

    Row t holds the point after t steps, f there, the gradient taken there, the step taken from it and the
    learning rate of that step (scheduled or constant; NaN in the last row). A batched run contributes its
    first start. Rows after a start stopped repeat its frozen point with zero gradient and step, as the
    Trajectory records them.
    """
    return [row for name, traj in runs.items() for row in _rows(_path_columns(traj, 0), optimizer=name)]


def fan_rows(fans: dict[str, Trajectory]) -> list[dict]:
    """The noisy fans (name -> batched run): race_rows' columns for every start, ``member`` numbering them."""
    return [
        row
        for name, traj in fans.items()
        for member in range(traj.points.shape[1])
        for row in _rows(_path_columns(traj, member), optimizer=name, member=member)
    ]


def race_arrays(runs: dict[str, Trajectory]) -> dict:
    """The JSON form of a race (or of its fans): per optimizer, the Trajectory's arrays as recorded
    (points (T+1, *B, 2), losses, grads, steps, lrs (T, ...)), its resolved hyper and schedule, and where and
    why each start stopped."""
    return {
        name: {
            "hyper": t.hyper,
            "schedule": t.schedule,
            **{k: getattr(t, k) for k in ("points", "losses", "grads", "steps", "lrs", "stopped_at", "diverged_at")},
            "reason": t.reason_text(),
        }
        for name, t in runs.items()
    }


def race_settings(settings, runs: dict[str, Trajectory]) -> dict:
    """What reproduces a race: the RaceSettings fields that shape the runs, and each optimizer's hyper and
    schedule (``(name, kwargs)`` or None) as the core resolved them (torch's defaults filled in; as set for an
    optimizer the core refused); ``seeds`` is the size of the noise fan."""
    out = {name: getattr(settings, name) for name in RACE_SETTINGS}
    out["hyper"] = {name: runs[name].hyper if name in runs else settings.hyper[name] for name in settings.optimizers}
    out["schedules"] = {
        name: runs[name].schedule if name in runs else settings.schedule(name) for name in settings.optimizers
    }
    return out


def linear_rows(run: LinearRun) -> list[dict]:
    """iteration, batch_loss (the loss update t+1 used; None at the last iteration), lr (update t+1's
    learning rate, scheduled or constant; None there too), and where the full data was scored, full_loss
    (reg included) and accuracy (None elsewhere)."""
    evals = zip(run.eval_steps.tolist(), run.eval_loss.tolist(), run.eval_acc.tolist(), strict=True)
    scored = {t: (v, a) for t, v, a in evals}
    last = max(run.iterations, *run.eval_steps.tolist())
    batch = run.losses.tolist()
    lrs = [None] * len(batch) if run.lrs is None else np.asarray(run.lrs, dtype=np.float64).tolist()
    return [
        {
            "iteration": t,
            "batch_loss": batch[t] if t < len(batch) else None,
            "lr": lrs[t] if t < len(batch) else None,
            "full_loss": scored[t][0] if t in scored else None,
            "accuracy": scored[t][1] if t in scored else None,
        }
        for t in range(last + 1)
    ]


def batch_rows(runs: dict[str, LinearRun]) -> list[dict]:
    """The batch-size comparison (label -> run): batch, iteration, epoch (examples seen / N), batch_loss."""
    rows = []
    for label, run in runs.items():
        per_iteration = run.epochs / run.iterations if run.iterations else 0.0
        for t, value in enumerate(run.losses.tolist()):
            rows.append({"batch": label, "iteration": t, "epoch": t * per_iteration, "batch_loss": value})
    return rows


def linear_settings(run: LinearRun, data: dict) -> dict:
    """What reproduces a training run: ``data`` as the page names it, then the run's own settings."""
    return {
        "data": data,
        "loss": run.loss,
        "optimizer": run.optimizer,
        "hyper": run.hyper,
        "schedule": run.schedule,  # (name, kwargs) with every argument filled in, or None
        "steps": run.steps,
        "batch_size": None if run.full_batch else run.batch_size,  # None: full batch (vanilla GD)
        "reg": run.reg,
        "seed": run.seed,
        "tol": run.tol,
    }


def network_rows(run: MLPRun) -> list[dict]:
    """iteration, epoch (examples seen / N), batch_loss (the loss update t+1 used; None at the last iteration),
    lr (update t+1's learning rate; None there too), and where the full data was scored, train_loss (reg
    included), train_acc, test_loss and test_acc (None elsewhere; test_* None throughout without a test set)."""
    test_loss = run.test_loss if run.test_loss is not None else np.full(len(run.eval_steps), None)
    test_acc = run.test_acc if run.test_acc is not None else np.full(len(run.eval_steps), None)
    columns = (run.train_loss.tolist(), run.train_acc.tolist(), test_loss.tolist(), test_acc.tolist())
    scored = dict(zip(run.eval_steps.tolist(), zip(*columns, strict=True), strict=True))
    batch, lrs = run.losses.tolist(), np.asarray(run.lrs, dtype=np.float64).tolist()
    last, none = max(run.iterations, *run.eval_steps.tolist()), (None,) * 4
    return [
        {
            "iteration": t,
            "epoch": run.epochs_at(t),
            "batch_loss": batch[t] if t < len(batch) else None,
            "lr": lrs[t] if t < len(batch) else None,
            **dict(zip(("train_loss", "train_acc", "test_loss", "test_acc"), scored.get(t, none), strict=True)),
        }
        for t in range(last + 1)
    ]


def network_param_rows(params) -> list[dict]:
    """A network's parameters ``((W, b), ...)``, one row per number: layer (from 1), name ("W" or "b"), i (W's
    row, b's entry), j (W's column; None for b), value."""
    return [
        {"layer": k, "name": name, "i": ix[0], "j": ix[1] if len(ix) > 1 else None, "value": float(a[ix])}
        for k, layer in enumerate(params, start=1)
        for name, a in zip("Wb", layer, strict=True)
        for ix in np.ndindex(a.shape)
    ]


def network_settings(run: MLPRun, data: dict) -> dict:
    """What reproduces a network's training: ``data`` as the page names it (the data set, its noise, split,
    features and seed), then ``train_mlp``'s own arguments as the run resolved them."""
    return {
        "data": data,
        "hidden": list(run.hidden),
        "activation": run.activation,
        "loss": run.loss,
        "optimizer": run.optimizer,
        "hyper": run.hyper,
        "schedule": run.schedule,  # (name, kwargs) with every argument filled in, or None
        "steps": run.steps,
        "batch_size": None if run.full_batch else run.batch_size,  # None: full batch
        "reg": run.reg,
        "seed": run.seed,
    }


def network_run(run: MLPRun) -> dict:
    """The JSON form of a network's training: the history (``network_rows``), the final parameters as
    ``[{"W": ..., "b": ...}, ...]``, the snapshots' steps, loss and accuracy, and where and why it stopped."""
    return {
        "history": network_rows(run),
        "params": [{"W": W, "b": b} for W, b in run.params],
        "snapshots": {"steps": run.snapshot_steps, "loss": run.snapshot_loss, "accuracy": run.snapshot_acc},
        "iterations": run.iterations,
        "reason": run.reason,
        "diverged_at": run.diverged_at,
        "cause": run.cause,
    }


def search_rows(runs: dict[str, SearchRun]) -> list[dict]:
    """Long format, strategy by strategy: strategy, evaluations, best_loss (the best seen so far)."""
    return [
        {"strategy": name, "evaluations": e, "best_loss": b}
        for name, r in runs.items()
        for e, b in zip(r.evaluations.tolist(), r.best_loss.tolist(), strict=True)
    ]


def gradcheck_rows(check: GradCheck) -> list[dict]:
    """One row per sampled entry: its index (i, j, ... into W), analytic, numerical, rel_error."""
    names = "ijklmn"
    return [
        {**{names[d]: k for d, k in enumerate(ix)}, "analytic": a, "numerical": n, "rel_error": e}
        for ix, a, n, e in zip(
            check.indices, check.analytic.tolist(), check.numerical.tolist(), check.rel_errors.tolist(), strict=True
        )
    ]


def hsweep_rows(sweeps: dict[str, HSweep]) -> list[dict]:
    """The error-against-h curves (method -> sweep): method, h, max_error, median_error."""
    return [
        {"method": method, "h": h, "max_error": mx, "median_error": md}
        for method, s in sweeps.items()
        for h, mx, md in zip(s.hs.tolist(), s.max_error.tolist(), s.median_error.tolist(), strict=True)
    ]


def _value(v):
    """A graph value as a cell: a float for a scalar, nested lists for an array, None for none."""
    return None if v is None else float(v) if np.ndim(v) == 0 else np.asarray(v, dtype=np.float64).tolist()


def backprop_rows(nodes: tuple[GraphNode, ...], steps: list[Step]) -> list[dict]:
    """One row per step of the story, as the page numbers them (from 1): step, phase, node (its name),
    edge ("x -> a", backward edge visits only), text, value, local, upstream, product, grad, gate.
    ``nodes`` names the ids a Step carries: pass ``expr.graph(values)`` beside ``expr.steps(values)``."""
    name = [n.name for n in nodes]
    return [
        {
            "step": i,
            "phase": s.phase,
            "node": name[s.node],
            "edge": f"{name[s.edge[0]]} -> {name[s.edge[1]]}" if s.edge else "",
            "text": s.text,
            "value": _value(s.value),
            "local": _value(s.local),
            "upstream": _value(s.upstream),
            "product": _value(s.product),
            "grad": _value(s.grad),
            "gate": s.gate,
        }
        for i, s in enumerate(steps, start=1)
    ]


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool | np.bool_):
        return str(bool(v))
    if isinstance(v, int | np.integer):
        return str(int(v))
    if isinstance(v, float | np.floating):
        return repr(float(v))  # shortest string that reads back to the same float; nan, inf, -inf
    return json.dumps(plain(v), allow_nan=False)  # an array in a cell, as JSON text


def to_csv(rows: list[dict]) -> str:
    """CSV text: a header of every key (in order of first appearance), then one line per row."""
    if not rows:
        return ""
    keys = list(dict.fromkeys(k for row in rows for k in row))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(keys)
    writer.writerows([_cell(row.get(k)) for k in keys] for row in rows)
    return out.getvalue()


def plain(x):
    """``x`` as JSON-ready Python: numpy scalars and arrays unwrapped, NamedTuples as dicts, tuples as
    lists, non-finite floats as None. Anything else (an object, a complex number) raises TypeError."""
    if x is None or isinstance(x, str | bool):
        return x
    if isinstance(x, np.ndarray | np.generic):
        return plain(x.tolist())
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, int):
        return x
    if isinstance(x, dict):
        return {str(k): plain(v) for k, v in x.items()}
    if hasattr(x, "_asdict"):
        return plain(x._asdict())
    if isinstance(x, list | tuple):
        return [plain(v) for v in x]
    raise TypeError(f"cannot export a {type(x).__name__}")


def to_json(settings: dict, run, *, page: str) -> str:
    """``{"gdviz": FORMAT, "page": page, "settings": settings, "run": run}`` as strict JSON (no NaN tokens)."""
    doc = {"gdviz": FORMAT, "page": page, "settings": plain(settings), "run": plain(run)}
    return json.dumps(doc, allow_nan=False, ensure_ascii=False)
