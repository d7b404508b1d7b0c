"""The notebook's speed lesson as numbers: the same loss written as loops, vectorized, and batched.

``loss_timings(X, y, W, loss)`` times each form on the same data and returns rows (name, seconds
per loss evaluation over all N rows, how that was measured). Best of ``repeats``; the loops are
timed on the first ``naive_rows`` rows and scaled to N (they are linear in N), and say so.
"""

from __future__ import annotations

import time
from typing import NamedTuple

import numpy as np

from .losses import LOSSES, NAIVE
from .search import CHUNK, batch_loss


class Timing(NamedTuple):
    name: str
    seconds: float  # per evaluation of the loss over all N rows
    how: str


def best_of(fn, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def loss_timings(
    X, y, W, loss: str = "svm", naive_rows: int = 200, chunk: int = CHUNK, repeats: int = 3
) -> list[Timing]:
    """Loops (scaled from ``naive_rows``), vectorized loss + gradient, one candidate's loss, a chunk's per candidate."""
    N = X.shape[0]
    m = min(naive_rows, N)
    naive = best_of(lambda: NAIVE[loss](W, X[:m], y[:m], 0.0), 1) * N / m
    vectorized = best_of(lambda: LOSSES[loss](W, X, y, 0.0), repeats)
    one = best_of(lambda: batch_loss(W[None], X, y, loss), repeats)
    Ws = np.broadcast_to(W, (chunk, *W.shape))
    batched = best_of(lambda: batch_loss(Ws, X, y, loss), repeats) / chunk
    return [
        Timing("Loops (the notebook's way), loss + gradient", naive, f"timed on {m:,} rows, × {N / m:g}"),
        Timing("Vectorized, loss + gradient", vectorized, f"best of {repeats}"),
        Timing("Vectorized, loss only: one candidate W", one, f"best of {repeats}"),
        Timing(
            f"Batched, loss only: {chunk} candidates per matrix product", batched, f"per candidate, best of {repeats}"
        ),
    ]
