"""``regions.region_polygons`` and ``regions.zero_line`` for every snapshot of a run in one vectorized pass.

``W`` has shape ``(k, 3, C)``: k snapshots of a 2D classifier, the bias as the last row. Both functions return
padded arrays and counts: snapshot i's shape for class c is ``points[i, c, :counts[i, c]]``, the same vertices
in the same order as the one-snapshot functions give (the same Sutherland–Hodgman passes, for all k × C
regions at once: a run's 101 snapshots cost one pass per half-plane, not 101 × C × (C − 1) Python loops).
"""

from __future__ import annotations

import numpy as np

from .regions import Box, box_polygon


def region_polygons_all(W: np.ndarray, box: Box) -> tuple[np.ndarray, np.ndarray]:
    """Each class's region at each snapshot: points ``(k, C, M, 2)`` (0 past each count) and counts ``(k, C)`` (0:
    the class wins nowhere in the box). The box is clipped by the C − 1 half-planes s_c − s_j ≥ 0, j ≠ c in order."""
    W = np.asarray(W, dtype=np.float64)
    k, _, C = W.shape
    P = np.broadcast_to(box_polygon(box), (k, C, 4, 2)).copy()
    n = np.full((k, C), 4)
    for s in range(C - 1):
        j = np.where(np.arange(C) > s, s, s + 1)  # class c's s-th other class, skipping c itself
        d = W - W[:, :, j]  # (k, 3, C): column c is W_c − W_j
        P, n = _clip(P, n, np.moveaxis(d[:, :2], 1, -1), d[:, 2])
    return P, n


def _clip(P: np.ndarray, n: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``regions.clip`` of every polygon ``P[..., :n, :]`` by its own half-plane ``a · p + b ≥ 0``: each vertex
    kept where it is inside, then the edge's crossing where the edge leaves or enters; compacted in that order."""
    m = P.shape[-2]
    slot = np.arange(m)
    valid = slot < n[..., None]
    side = np.matmul(P, a[..., None])[..., 0] + b[..., None]  # as regions.clip computes it: the same bits
    following = np.where(slot + 1 < n[..., None], slot + 1, 0)  # the next vertex, the last one's being the first
    Q = np.take_along_axis(P, following[..., None], axis=-2)
    s_q = np.take_along_axis(side, following, axis=-1)
    inside = side >= 0
    crosses = valid & (inside != (s_q >= 0))
    with np.errstate(divide="ignore", invalid="ignore"):  # no crossing: a 0 / 0 that is never kept
        crossing = P + (Q - P) * (side / (side - s_q))[..., None]
    out = np.stack([P, crossing], axis=-2).reshape(*P.shape[:-2], 2 * m, 2)
    kept = np.stack([valid & inside, crosses], axis=-1).reshape(*P.shape[:-2], 2 * m)
    counts = kept.sum(axis=-1)
    order = np.argsort(~kept, axis=-1, kind="stable")[..., : max(int(counts.max(initial=0)), 1)]
    padded = np.arange(order.shape[-1]) >= counts[..., None]
    return np.where(padded[..., None], 0.0, np.take_along_axis(out, order[..., None], axis=-2)), counts


def zero_lines_all(W: np.ndarray, box: Box) -> tuple[np.ndarray, np.ndarray]:
    """Each class's score-zero line at each snapshot: segments ``(k, C, 2, 2)`` and counts ``(k, C)``, 2 where
    ``w_c[0] x + w_c[1] y + w_c[2] = 0`` crosses the box and 0 where it misses (``regions.zero_line``)."""
    W = np.asarray(W, dtype=np.float64)
    w0, w1, w2 = W[:, 0], W[:, 1], W[:, 2]  # (k, C) each
    (x0, x1), (y0, y1) = box
    with np.errstate(divide="ignore", invalid="ignore"):  # candidates of a zero coefficient are never used
        xs = np.stack([np.full_like(w0, x0), np.full_like(w0, x1), -(w1 * y0 + w2) / w0, -(w1 * y1 + w2) / w0], -1)
        ys = np.stack([-(w0 * x0 + w2) / w1, -(w0 * x1 + w2) / w1, np.full_like(w0, y0), np.full_like(w0, y1)], -1)
    eps = 1e-9 * max(x1 - x0, y1 - y0)
    found = np.stack([w1 != 0, w1 != 0, w0 != 0, w0 != 0], axis=-1)
    found &= (xs >= x0 - eps) & (xs <= x1 + eps) & (ys >= y0 - eps) & (ys <= y1 + eps)
    order = np.lexsort((ys, xs, ~found), axis=-1)  # the candidates found first, by x then y
    last = np.maximum(found.sum(axis=-1) - 1, 0)
    ends = np.stack([order[..., 0], np.take_along_axis(order, last[..., None], axis=-1)[..., 0]], axis=-1)
    segments = np.stack([np.take_along_axis(xs, ends, -1), np.take_along_axis(ys, ends, -1)], axis=-1)
    return segments, np.where(found.sum(axis=-1) >= 2, 2, 0)
