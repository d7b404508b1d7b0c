"""L-BFGS's history arithmetic, per start: sums and dot products over the last axis (a start's parameter vector)
taken left to right as torch's 2-element dot products are, and torch's two-loop recursion d = −H·g over the
stored pairs (y, s), newest first, for every start of a batch at once.
"""

from __future__ import annotations

import numpy as np

LONG = 16  # coordinates beyond which a sum is numpy's own: a classifier's weights (the digits': 650)


def total(a) -> np.ndarray:
    """The sum over the last axis, one number per start: left to right up to ``LONG`` coordinates (a₀ + a₁ for a
    surface's 2, as torch adds them), numpy's pairwise sum beyond (the digits' 650 weights added one column at a
    time cost L-BFGS 60 ms a step, 100 dot products a step; torch's dot over so many is BLAS's, in no fixed order)."""
    if a.shape[-1] > LONG:
        return np.add.reduce(a, axis=-1)
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


def _dot(a: list, b: list) -> float:
    """a·b as ``dot`` takes it (up to ``LONG`` coordinates): the products, then their sum left to right."""
    products = [x * y for x, y in zip(a, b, strict=True)]
    out = products[0]
    for p in products[1:]:
        out = out + p
    return out


def _one(q: list, ys: np.ndarray, ss: np.ndarray, H_diag: list) -> list:
    """``two_loop`` for one start of up to ``LONG`` parameters (a small classifier's 6 or 9; a surface's 2 take
    ``_one_2d``): the pairs' y·s for every slot at once in numpy, then the recursion in Python floats, the same
    operations in the same order, so the same bits (numpy's float64 and Python's float are both IEEE doubles, and
    neither fuses a multiply and an add), without a dozen numpy calls on tiny arrays per stored pair: a small
    classifier's L-BFGS steps about three times faster."""
    ys_ss = dot(ys, ss)
    count = int(np.count_nonzero(ys_ss > 0))  # filled slots first
    held = list(zip(ys[:count].tolist(), ss[:count].tolist(), (1.0 / ys_ss[:count]).tolist(), strict=True))
    al = []
    for y, s, ro in held:  # newest first
        a = _dot(s, q) * ro
        al.append(a)
        q = [qi - a * yi for qi, yi in zip(q, y, strict=True)]
    r = [qi * hi for qi, hi in zip(q, H_diag, strict=True)]
    for (y, s, ro), a in zip(reversed(held), reversed(al), strict=True):  # oldest first
        b = _dot(y, r) * ro
        r = [ri + (a - b) * si for ri, si in zip(r, s, strict=True)]
    return r


def _one_2d(q: list, ys: np.ndarray, ss: np.ndarray, H_diag: list) -> list:
    """``_one`` for a surface's 2 parameters, unrolled in Python floats: a race's lone L-BFGS steps three times
    faster than through ``_one``'s lists (and about five times faster than through numpy)."""
    q0, q1 = q
    ys, ss = ys.tolist(), ss.tolist()
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
    if len(q) == 1 and n <= LONG and np.all(needed):
        one = _one_2d if n == 2 else _one
        return np.reshape(one(q[0].tolist(), ys[0], ss[0], np.ravel(H_diag).tolist()), g.shape)
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
