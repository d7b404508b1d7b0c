"""A fully connected network (a multilayer perceptron): forward pass, backward pass, loss and gradients.

Parameters are a list of layers ``(W, b)``, ``W (fan_in, fan_out)`` and ``b (fan_out,)``, from the
input's D features to the C class scores; layer l computes ``z = h @ W + b`` from its input h, and every
layer but the last applies the activation, ``h' = act(z)``. The last layer's z are the scores, which a
loss of ``gdviz.linear.losses.LOSS_SPECS`` turns into a loss (its ``dscores`` starts the backward pass).
The loss is CS231n's: mean data loss + ``reg · Σ_l ΣW_l²`` (biases not regularized). With no hidden
layer the network is the linear classifier, the bias as a separate vector instead of a row of W.

Any parameter may carry leading batch dimensions (``W (k, fan_in, fan_out)``, ``b (k, fan_out)``):
``forward`` then computes k networks at once, as decision regions of many snapshots need.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..linear.losses import loss_spec
from .activations import activation as activation_spec

Params = list[tuple[np.ndarray, np.ndarray]]


class Forward(NamedTuple):
    """Every layer's values for inputs X (N, D), layer by layer (L layers):

    pre[l]   (..., N, fan_out_l)  z = h @ W + b; pre[-1] are the scores
    post[l]  (..., N, fan_out_l)  the layer's output: act(z) for a hidden layer, the scores for the last
    """

    pre: tuple[np.ndarray, ...]
    post: tuple[np.ndarray, ...]

    @property
    def scores(self) -> np.ndarray:
        return self.pre[-1]


def layer_sizes(D: int, hidden, C: int) -> tuple[int, ...]:
    """The widths from input to output: ``(D, *hidden, C)``; each width a whole number ≥ 1."""
    sizes = (D, *hidden, C)
    for width in sizes:
        if isinstance(width, bool) or int(width) != width or width < 1:
            raise ValueError(f"every layer needs a whole number ≥ 1 of units, got the widths {sizes}")
    return tuple(int(w) for w in sizes)


def init_params(sizes, rng: np.random.Generator) -> Params:
    """torch.nn.Linear's default initialization, drawn from ``rng``: layer by layer, first W (fan_in, fan_out)
    then b (fan_out,), each uniform on [−1/√fan_in, 1/√fan_in) (``rng.uniform``, row-major order)."""
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
        bound = 1 / np.sqrt(fan_in)
        W = rng.uniform(-bound, bound, (fan_in, fan_out))
        params.append((W, rng.uniform(-bound, bound, fan_out)))
    return params


def flatten(params: Params) -> np.ndarray:
    """All parameters in one vector (P,): W_1, b_1, W_2, b_2 ... each row-major (a new array)."""
    return np.concatenate([a.ravel() for layer in params for a in layer])


def unflatten(theta: np.ndarray, sizes) -> Params:
    """``flatten``'s inverse, as views of ``theta (..., P)``: ``W (..., fan_in, fan_out)``, ``b (..., fan_out)``."""
    params, at, batch = [], 0, theta.shape[:-1]
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
        W = theta[..., at : at + fan_in * fan_out].reshape(*batch, fan_in, fan_out)
        at += fan_in * fan_out
        params.append((W, theta[..., at : at + fan_out]))
        at += fan_out
    return params


def forward(params: Params, X, activation: str) -> Forward:
    """Every layer's pre-activation and output for X (N, D) (or (..., N, D)); see ``Forward``."""
    act = activation_spec(activation).forward
    pre, post, h = [], [], np.asarray(X, dtype=np.float64)
    for i, (W, b) in enumerate(params):
        z = h @ W + b[..., None, :]
        h = z if i == len(params) - 1 else act(z)
        pre.append(z)
        post.append(h)
    return Forward(tuple(pre), tuple(post))


def backward(params: Params, X, values: Forward, dscores: np.ndarray, activation: str) -> Params:
    """The gradient of a loss with respect to every ``(W, b)``, given its gradient ``dscores (N, C)`` with
    respect to the scores of ``values = forward(params, X, activation)`` (no regularization here)."""
    derivative = activation_spec(activation).derivative
    inputs = (X, *values.post[:-1])
    ones = np.ones(len(dscores))  # db = Σ_rows dz, as one matrix product: 5× faster than dz.sum(axis=0) here
    grads, dz = [], dscores
    for i in reversed(range(len(params))):
        grads.append((inputs[i].T @ dz, ones @ dz))
        if i:
            dz = (dz @ params[i][0].T) * derivative(values.pre[i - 1], values.post[i - 1])
    return grads[::-1]


def penalty(params: Params, reg: float) -> float:
    """``reg · Σ_l ΣW_l²``: every layer's weights, no bias (CS231n's convention for networks)."""
    return float(reg * sum(np.vdot(W, W) for W, _ in params)) if reg else 0.0


def loss_and_grads(params: Params, X, y, *, activation: str, loss: str, reg: float = 0.0) -> tuple[float, Params]:
    """The loss (mean data loss + ``penalty``) of the network on X (N, D), y (N,), and its gradient, one
    ``(dW, db)`` per layer; the network's form of the linear losses' ``(W, X, y, reg) -> (loss, dW)``."""
    X = np.asarray(X, dtype=np.float64)
    value, grads, _ = loss_terms(params, X, np.asarray(y), activation, loss_spec(loss), reg)
    return value, grads


def loss_terms(params: Params, X, y, activation: str, spec, reg: float) -> tuple[float, Params, np.ndarray]:
    """``loss_and_grads`` for checked inputs and a loss record, with the scores (N, C) too (the training
    loop's accuracy reads them)."""
    values = forward(params, X, activation)
    scores = values.scores
    value = float(spec.per_example(scores, y).sum() / len(y)) + penalty(params, reg)
    grads = backward(params, X, values, spec.dscores(scores, y) / len(y), activation)
    if reg:
        grads = [(dW + 2 * reg * W, db) for (dW, db), (W, _) in zip(grads, params, strict=True)]
    return value, grads, scores


CHUNK = 1 << 21  # values one layer's output may hold per pass over the grid: 16 MB of float64


class RegionGrid(NamedTuple):
    """Which class each network predicts on a grid over a 2D box: ``classes (..., ny, nx)``, row i at
    ``ys[i]`` and column j at ``xs[j]`` (a heatmap's z), the leading dimensions the snapshots'."""

    xs: np.ndarray
    ys: np.ndarray
    classes: np.ndarray


def decision_regions(params: Params, activation: str, box, resolution: int = 100) -> RegionGrid:
    """The class of highest score at ``resolution × resolution`` points of ``box ((x0, x1), (y0, y1))``, for
    one network on 2 features or for many at once (``MLPRun.snapshot_params``: ``W (k, fan_in, fan_out)``).
    Snapshots are scored in chunks of one vectorized pass each, so a long run's grids stay within memory."""
    if params[0][0].shape[-2] != 2:
        raise ValueError(f"decision regions need a network on 2 features, this one takes {params[0][0].shape[-2]}")
    if int(resolution) != resolution or resolution < 2:
        raise ValueError(f"resolution must be a whole number ≥ 2, got {resolution}")
    (x0, x1), (y0, y1) = box
    xs, ys = np.linspace(x0, x1, int(resolution)), np.linspace(y0, y1, int(resolution))
    points = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    batch = params[0][1].shape[:-1]
    k = int(np.prod(batch))
    layers = [(W.reshape(k, *W.shape[-2:]), b.reshape(k, b.shape[-1])) for W, b in params]
    per = max(1, CHUNK // (len(points) * max(b.shape[-1] for _, b in layers)))
    classes = np.empty((k, len(points)), dtype=np.intp)
    for lo in range(0, k, per):
        chunk = [(W[lo : lo + per], b[lo : lo + per]) for W, b in layers]
        classes[lo : lo + per] = np.argmax(forward(chunk, points, activation).scores, axis=-1)
    return RegionGrid(xs, ys, classes.reshape(*batch, len(ys), len(xs)))
