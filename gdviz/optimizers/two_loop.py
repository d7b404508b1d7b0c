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


def _one(q: list, ys: list, ss: list, H_diag: list) -> list:
    """``two_loop`` for one start on a surface (2 parameters) in Python floats: the same operations in the same
    order, so the same bits (numpy's float64 and Python's float are both IEEE doubles, and neither fuses a
    multiply and an add), without a dozen numpy calls on 2-element arrays per stored pair: a race's lone
    L-BFGS steps about five times faster."""
    q0, q1 = q
    count = sum(y0 * s0 + y1 * s1 > 0 for (y0, y1), (s0, s1) in zip(ys, ss, strict=True))  # filled slots first
    held = [
        (y0, y1, s0, s1, 1.0 / (y0 * s0 + y1 * s1)) for (y0, y1), (s0, s1) in zip(ys[:count], ss[:count], strict=True)
    ]
    al = []
    for y0, y1, s0, s1, ro in held:  # newest first
        a = (s0 * q0 + s1 * q1) * ro
        al.append(a)
        q0, q1 = q0 - a * y0, q1 - a * y1
    r0, r1 = q0 * H_diag[0], q1 * H_diag[1]
    for (y0, y1, s0, s1, ro), a in zip(reversed(held), reversed(al), strict=True):  # oldest first
        b = (y0 * r0 + y1 * r1) * ro
        r0, r1 = r0 + (a - b) * s0, r1 + (a - b) * s1
    return [r0, r1]


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
    if len(q) == 1 and n == 2 and np.all(needed):
        return np.reshape(_one(q[0].tolist(), ys[0].tolist(), ss[0].tolist(), np.ravel(H_diag).tolist()), g.shape)
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
