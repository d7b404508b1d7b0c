"""L-BFGS's history arithmetic, per start: sums and dot products over the last axis (a start's parameter vector)
taken left to right as torch's 2-element dot products are, and torch's two-loop recursion d = −H·g over the
stored pairs (y, s), newest first, for every start of a batch at once.
"""

from __future__ import annotations

import numpy as np


def total(a) -> np.ndarray:
    """The sum over the last axis, left to right (a₀ + a₁ for 2 coordinates), one number per start."""
    out = a[..., 0]
    for i in range(1, a.shape[-1]):  # np.sum over a short last axis is ten times slower
        out = out + a[..., i]
    return out


def dot(a, b) -> np.ndarray:
    """a·b over the last axis, one number per start."""
    return total(a * b)


def pairs(history, n: int) -> np.ndarray:
    """The flat history (..., n·m) as m vectors (..., m, n), newest first."""
    return history.reshape(*history.shape[:-1], -1, n)


def columns(x, like) -> np.ndarray:
    """A number per start, or per coordinate, written into every column of an array shaped like ``like``."""
    return np.array(np.broadcast_to(x, np.shape(like)), dtype=np.float64)


def two_loop(g, old_dirs, old_stps, H_diag, needed=True) -> np.ndarray:
    """torch's two-loop recursion: d = −H·g from the stored pairs, per start (where ``needed``; elsewhere
    d is H_diag·(−g), which the caller does not use).

    Per start, pairs newest to oldest: α_i = ρ_i s_i·q, q ← q − α_i y_i; then r = H_diag·q and, oldest
    to newest, β_i = ρ_i y_i·r, r ← r + (α_i − β_i) s_i; with ρ_i = 1/(y_i·s_i). A start's pairs fill the
    first slots, so the starts are sorted by how many they hold and slot i touches only those holding it.
    """
    n = g.shape[-1]
    q = -g.reshape(-1, n)
    ys, ss = old_dirs.reshape(len(q), -1, n), old_stps.reshape(len(q), -1, n)
    count = np.where(np.reshape(needed, -1), (dot(ys, ss) > 0).sum(axis=-1), 0)
    order = np.argsort(-count, kind="stable")
    held = [int(np.count_nonzero(count > i)) for i in range(int(np.max(count, initial=0)))]
    ys, ss, q = ys[order, : len(held)], ss[order, : len(held)], q[order]
    ro = 1.0 / np.where(count[order, None] > np.arange(len(held)), dot(ys, ss), 1.0)  # torch keeps 1/(y·s)
    al = []
    for i, m in enumerate(held):  # newest first
        al.append(dot(ss[:m, i], q[:m]) * ro[:m, i])
        q[:m] = q[:m] - al[i][:, None] * ys[:m, i]
    r = q * np.reshape(H_diag, (-1, n))[order]
    for i, m in reversed(list(enumerate(held))):  # oldest first
        be = dot(ys[:m, i], r[:m]) * ro[:m, i]
        r[:m] = r[:m] + (al[i] - be)[:, None] * ss[:m, i]
    d = np.empty_like(r)
    d[order] = r
    return d.reshape(g.shape)
