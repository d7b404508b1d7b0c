"""Where a 2D linear classifier decides what: exact region polygons and each class's score-zero line.

Points are ``(x, y)``; ``W`` has shape ``(3, C)`` with the bias as its last row (the bias trick:
``s = [x, y, 1] @ W``). A class's region is the set of points where its score is the largest: the
box clipped by C − 1 half-planes, so it is one convex polygon (possibly empty). Drawn as filled
polygons, regions stay crisp at any zoom and animate as plain scatter traces.
"""

from __future__ import annotations

import numpy as np

Box = tuple[tuple[float, float], tuple[float, float]]


def box_polygon(box: Box) -> np.ndarray:
    (x0, x1), (y0, y1) = box
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float64)


def clip(polygon: np.ndarray, a: np.ndarray, b: float) -> np.ndarray:
    """The part of a convex ``polygon (m, 2)`` where ``a · p + b ≥ 0`` (one Sutherland–Hodgman pass)."""
    if len(polygon) == 0:
        return polygon
    side = polygon @ a + b
    out = []
    for i in range(len(polygon)):
        p, q, sp, sq = polygon[i], polygon[(i + 1) % len(polygon)], side[i], side[(i + 1) % len(polygon)]
        if sp >= 0:
            out.append(p)
        if (sp >= 0) != (sq >= 0):
            out.append(p + (q - p) * (sp / (sp - sq)))
    return np.array(out, dtype=np.float64).reshape(-1, 2)


def region_polygons(W: np.ndarray, box: Box) -> list[np.ndarray]:
    """One convex polygon ``(m, 2)`` per class (``m`` may be 0): where that class scores highest."""
    W = np.asarray(W, dtype=np.float64)
    C = W.shape[1]
    regions = []
    for c in range(C):
        poly = box_polygon(box)
        for j in range(C):
            if j != c:  # s_c − s_j ≥ 0
                d = W[:, c] - W[:, j]
                poly = clip(poly, d[:2], d[2])
        regions.append(poly)
    return regions


def zero_line(w: np.ndarray, box: Box) -> np.ndarray:
    """The segment ``(2, 2)`` of ``w[0] x + w[1] y + w[2] = 0`` inside the box, or ``(0, 2)`` if it misses."""
    w = np.asarray(w, dtype=np.float64)
    (x0, x1), (y0, y1) = box
    if not np.any(w[:2]):
        return np.empty((0, 2))
    pts = []
    if w[1] != 0:
        for x in (x0, x1):
            pts.append((x, -(w[0] * x + w[2]) / w[1]))
    if w[0] != 0:
        for y in (y0, y1):
            pts.append((-(w[1] * y + w[2]) / w[0], y))
    eps = 1e-9 * max(x1 - x0, y1 - y0)
    inside = [p for p in pts if x0 - eps <= p[0] <= x1 + eps and y0 - eps <= p[1] <= y1 + eps]
    if len(inside) < 2:
        return np.empty((0, 2))
    inside = np.array(inside)
    order = np.lexsort((inside[:, 1], inside[:, 0]))
    return inside[[order[0], order[-1]]]
