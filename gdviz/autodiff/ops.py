"""The elementwise functions on Nodes, and ``OPS``: every op of the engine by name.

Each function follows the engine's pattern (lift, value, Node with its local gradients as a lambda) and takes Nodes or
numbers, scalars or arrays, broadcasting like numpy. Where a function has a kink its local gradient
takes a fixed side, the one torch takes: relu'(0) = 0, abs'(0) = 0. ``maximum``/``minimum`` route the
whole gradient to the larger/smaller input and split it ½ / ½ on a tie, as ``torch.maximum`` /
``torch.minimum`` do; a nan in either gives a nan value (and, as in torch, the whole gradient to both).
"""

from __future__ import annotations

import numpy as np

from .engine import ONE, Node, Value, add, div, lift, mul, neg, pow_const, power, quiet, sub


@quiet
def exp(a) -> Node:
    """e**a; local (e**a,)."""
    a = lift(a)
    out = np.exp(a.value)
    return Node("exp", (a,), out, lambda: (out,))


@quiet
def log(a) -> Node:
    """ln a (−inf at 0, nan below); local (1/a,)."""
    a = lift(a)
    return Node("log", (a,), np.log(a.value), lambda: (1.0 / a.value,))


@quiet
def sqrt(a) -> Node:
    """√a; local (1/(2√a),)."""
    a = lift(a)
    out = np.sqrt(a.value)
    return Node("sqrt", (a,), out, lambda: (0.5 / out,))


@quiet
def sin(a) -> Node:
    """sin a; local (cos a,)."""
    a = lift(a)
    return Node("sin", (a,), np.sin(a.value), lambda: (np.cos(a.value),))


@quiet
def cos(a) -> Node:
    """cos a; local (−sin a,)."""
    a = lift(a)
    return Node("cos", (a,), np.cos(a.value), lambda: (-np.sin(a.value),))


@quiet
def tanh(a) -> Node:
    """tanh a; local (1 − tanh² a,)."""
    a = lift(a)
    out = np.tanh(a.value)
    return Node("tanh", (a,), out, lambda: (1.0 - out**2,))


@quiet
def sigmoid(a) -> Node:
    """σ(a) = 1/(1 + e**−a); local (σ(a)(1 − σ(a)),)."""
    a = lift(a)
    out = 1.0 / (1.0 + np.exp(-a.value))
    return Node("sigmoid", (a,), out, lambda: (out * (1.0 - out),))


@quiet
def relu(a) -> Node:
    """max(a, 0); local (1 where a > 0, else 0,)."""
    a = lift(a)
    return Node("relu", (a,), np.maximum(a.value, 0.0), lambda: ((a.value > 0) * ONE,))


@quiet
def absolute(a) -> Node:
    """|a|; local (sign a,), 0 at 0."""
    a = lift(a)
    return Node("abs", (a,), np.abs(a.value), lambda: (np.sign(a.value),))


def _route(a, b, larger: bool) -> tuple[Value, Value]:
    """Local gradients of max (``larger``) or min as torch gives them: 1 to the winner and 0 to the loser,
    ½ each on a tie, and 1 to both where neither wins nor ties (a nan)."""
    a_wins, b_wins = (a > b, a < b) if larger else (a < b, a > b)
    share = np.where(a == b, 0.5, 1.0)
    return share * ~b_wins, share * ~a_wins


@quiet
def maximum(a, b) -> Node:
    """max(a, b); local (1, 0) where a > b, (0, 1) where a < b, (½, ½) on a tie, as torch.maximum."""
    a, b = lift(a), lift(b)
    return Node("max", (a, b), np.maximum(a.value, b.value), lambda: _route(a.value, b.value, larger=True))


@quiet
def minimum(a, b) -> Node:
    """min(a, b); local (1, 0) where a < b, (0, 1) where a > b, (½, ½) on a tie, as torch.minimum."""
    a, b = lift(a), lift(b)
    return Node("min", (a, b), np.minimum(a.value, b.value), lambda: _route(a.value, b.value, larger=False))


# op name -> function of that many Nodes; "pow" (x**c) also takes its constant exponent c
OPS = {
    "+": add,
    "-": sub,
    "*": mul,
    "/": div,
    "**": power,
    "pow": pow_const,
    "neg": neg,
    "exp": exp,
    "log": log,
    "sqrt": sqrt,
    "sin": sin,
    "cos": cos,
    "tanh": tanh,
    "sigmoid": sigmoid,
    "relu": relu,
    "abs": absolute,
    "max": maximum,
    "min": minimum,
}
