"""Timing shared by the benchmark scripts (run as ``python benchmarks/bench_x.py``: this folder is on sys.path)."""

from __future__ import annotations

import time


def best_of(fn, repeats: int = 3) -> tuple[float, object]:
    """The shortest of ``repeats`` wall-clock times of ``fn()``, and its last result."""
    best, out = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out
