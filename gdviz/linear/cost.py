"""What a classifier's training will cost the server, estimated before it starts from this machine's measured speed.

``train_linear`` takes ``steps`` updates, each the loss and gradient of one batch and the optimizer's update of W,
and scores the whole data at the iterations it shows (full batch: its snapshots; mini-batch: about once an epoch).
Each part is timed here: the loss on the run's own batch and data (the least CPU of a few calls), and the update
once per process for each optimizer and shape of W, after enough updates to fill a history (L-BFGS's recursion
over its 100 pairs costs the digits' 650 weights a thousand times SGD's update). Pages refuse, with
gdviz.surface.cost's sentence, a training estimated above its ``BUDGET``.
"""

from __future__ import annotations

import threading
import time

import numpy as np

from ..optimizers import OPTIMIZERS
from ..surface.cost import least_cpu
from .losses import LOSSES, per_example
from .train import INIT_SCALE, scoring_every

FILL = 100  # updates before the timed ones: L-BFGS's default history is full by then
PROBE_ROWS = 64  # random points the probe's classifier is trained on
TIMED = 10  # updates timed
LOOP = 15e-6  # seconds of the training loop's own bookkeeping per step (descend: batches, checks, snapshots)
OVERHEAD = 1.5  # what the timed parts leave out (see training_seconds)

_measured: dict[tuple[str, tuple[int, int]], float] = {}
_probing = threading.Lock()  # one probe at a time, and each (optimizer, shape) probed once


def update_seconds(optimizer: str, shape: tuple[int, int]) -> float:
    """``optimizer``'s update of a (D, C) weight matrix, per step, its history full: the median CPU of the ``TIMED``
    updates ``probe_updates`` takes after its first ``FILL``, measured once per process for each optimizer and shape.
    A class opening the digits with L-BFGS at once asks thirty times: the first probes (0.2 s), the others wait for
    its answer instead of probing in turn."""
    key = (optimizer, tuple(shape))
    if key not in _measured:
        with _probing:
            if key not in _measured:
                times, _ = probe_updates(optimizer, key[1])
                _measured[key] = float(np.median(times[FILL:]))
    return _measured[key]


def probe_updates(optimizer: str, shape: tuple[int, int]) -> tuple[list[float], object]:
    """``FILL + TIMED`` updates of a (D, C) weight matrix by ``optimizer`` (the record's defaults and classifier
    rate) on a softmax classifier of random points: convex, so every L-BFGS pair is kept, and separable, so it
    never settles and skips its work. Each update's CPU seconds, and the optimizer's state after the last."""
    spec = OPTIMIZERS[optimizer]
    flat = spec.params == "flat"  # L-BFGS sees W as one flat row
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((PROBE_ROWS, shape[0])), rng.integers(0, shape[1], PROBE_ROWS)
    opt = spec(**spec.linear_start)
    W = INIT_SCALE * rng.standard_normal(shape)
    state, times = opt.init(W.reshape(1, -1) if flat else W), []
    with np.errstate(all="ignore"):
        for _ in range(FILL + TIMED):
            g = LOSSES["softmax"](W, X, y, 1e-3)[1]
            t0 = time.thread_time()
            step, state = opt.update(g.reshape(1, -1) if flat else g, state, W.reshape(1, -1) if flat else W)
            times.append(time.thread_time() - t0)
            W = W + step.reshape(shape)
    return times, state


def training_seconds(
    X, y, *, loss: str, optimizer: str, steps: int, batch_size: int | None, reg: float = 0.0, snapshots: int = 101
) -> float:
    """The estimated seconds of ``train_linear`` with these settings (those it leaves out cost nothing to speak of);
    0 for settings it refuses at once, in its own sentence. Measured against the real CPU over 45 settings (the
    digits and 2D sets, five optimizers, three batch sizes), the parts summed were 0.46–2.3 times it (8.6 for
    L-BFGS on batches of one, whose pairs it mostly rejects): ``OVERHEAD`` is the loop's share they leave out."""
    if loss not in LOSSES or optimizer not in OPTIMIZERS or OPTIMIZERS[optimizer].params == "vector":
        return 0.0
    N, D = X.shape
    batch = N if batch_size is None else min(int(batch_size), N)
    W = np.zeros((D, int(np.max(y)) + 1), dtype=X.dtype)
    step = least_cpu(lambda: LOSSES[loss](W, X[:batch], y[:batch], reg), repeats=3)
    score = least_cpu(lambda: per_example(W, X, y, loss), repeats=2)
    scorings = min(snapshots, steps + 1) + (0 if batch == N else steps // scoring_every(N, batch, steps) + 1)
    return OVERHEAD * (steps * (LOOP + step + update_seconds(optimizer, W.shape)) + scorings * score)
