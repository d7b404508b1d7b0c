"""What a network computes over the map, snapshot by snapshot: the class it predicts at every cell of a grid
(its decision regions) and every neuron's output there (TensorFlow Playground's small pictures).

Both take a run's ``snapshot_params`` (each ``W (k, fan_in, fan_out)``) and the features its inputs are
(gdviz.network.features), and return grids in a heatmap's order: row i at ``ys[i]`` (upwards), column j
at ``xs[j]``. Snapshots are scored in chunks of one vectorized pass each (model.CHUNK values a layer),
so a long run's grids stay within memory. Pictures are computed in float32 (``_forward32``): half the
time of model.forward's float64 for every snapshot of a page's run, and a class can differ from
float64's only where two scores tie to about 1e-6 of their size (a cell on a border).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .activations import activation as activation_spec
from .features import feature_matrix
from .model import CHUNK, forward


class Grid(NamedTuple):
    xs: np.ndarray  # (n,)
    ys: np.ndarray  # (n,)
    points: np.ndarray  # (n², 2), row-major: point i·n + j is (xs[j], ys[i])


def grid(box, resolution: int) -> Grid:
    """``resolution × resolution`` points spread over ``box ((x0, x1), (y0, y1))``, edges included."""
    if int(resolution) != resolution or resolution < 2:
        raise ValueError(f"resolution must be a whole number ≥ 2, got {resolution}")
    (x0, x1), (y0, y1) = box
    xs, ys = np.linspace(x0, x1, int(resolution)), np.linspace(y0, y1, int(resolution))
    return Grid(xs, ys, np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2))


def _layers(snapshot_params) -> tuple[list, int]:
    """The snapshots' layers with one batch dimension k, and k."""
    k = int(np.prod(snapshot_params[0][1].shape[:-1]))
    return [(W.reshape(k, *W.shape[-2:]), b.reshape(k, b.shape[-1])) for W, b in snapshot_params], k


def _forward32(layers, X: np.ndarray, activation: str) -> list[np.ndarray]:
    """Every layer's output for inputs X (N, F) through layers ``(W (k, fan_in, fan_out), b (k, fan_out))``,
    in float32: model.forward's pass (z = h @ W + b, the activation on all but the last) for pictures."""
    act = activation_spec(activation).forward
    h, out = X.astype(np.float32), []
    for i, (W, b) in enumerate(layers):
        z = h @ W.astype(np.float32) + b.astype(np.float32)[..., None, :]
        h = z if i == len(layers) - 1 else act(z)
        out.append(h)
    return out


def region_classes(snapshot_params, activation: str, features, box, resolution: int = 100) -> np.ndarray:
    """``(k, n, n)`` uint8: the class of highest score at each grid point, for each of the k snapshots."""
    g = grid(box, resolution)
    X = feature_matrix(g.points, features)
    layers, k = _layers(snapshot_params)
    if layers[0][0].shape[-2] != X.shape[-1]:
        raise ValueError(f"the network takes {layers[0][0].shape[-2]} inputs but {len(tuple(features))} features")
    per = max(1, CHUNK // (len(X) * max(b.shape[-1] for _, b in layers)))
    classes = np.empty((k, len(X)), dtype=np.uint8)
    for lo in range(0, k, per):
        chunk = [(W[lo : lo + per], b[lo : lo + per]) for W, b in layers]
        classes[lo : lo + per] = np.argmax(_forward32(chunk, X, activation)[-1], axis=-1)
    n = len(g.xs)
    return classes.reshape(k, n, n)


def unit_outputs(snapshot_params, activation: str, features, box, resolution: int = 24) -> list[np.ndarray]:
    """Every neuron's output over the grid, layer by layer: first the inputs, ``(F, n, n)`` (the same at every
    snapshot), then each hidden layer's activations and the output layer's scores, ``(k, units, n, n)``."""
    g = grid(box, resolution)
    X = feature_matrix(g.points, features)
    layers, _ = _layers(snapshot_params)
    n = len(g.xs)
    out = [np.moveaxis(X, -1, 0).reshape(-1, n, n)]
    for h in _forward32(layers, X, activation):  # (k, n², units)
        out.append(np.moveaxis(h, -1, -2).reshape(h.shape[0], h.shape[-1], n, n))
    return out


def score_margins(scores: np.ndarray, axis: int = -3) -> np.ndarray:
    """Each class's score minus the best other class's, along ``axis`` (the classes'): positive exactly where
    the class wins, the network's output for that class as a picture reads it."""
    scores = np.asarray(scores, dtype=np.float64)
    C = scores.shape[axis]
    s = np.moveaxis(scores, axis, 0)
    others = np.stack([np.delete(s, c, axis=0).max(axis=0) for c in range(C)])
    return np.moveaxis(s - others, 0, axis)


def dead_units(params, X, activation: str) -> list[int]:
    """How many neurons of each hidden layer output exactly 0 on every row of X (N, F): dead ReLUs, whose
    gradient is 0 on all the data too, so no step brings them back."""
    post = forward([(np.asarray(W), np.asarray(b)) for W, b in params], X, activation).post[:-1]
    return [int(np.count_nonzero(np.all(h == 0, axis=0))) for h in post]
