"""The engine: a ``Node`` per value, arithmetic on Nodes, and reverse-mode ``backward``.

A Node holds its ``op`` name, ordered ``inputs`` (a tuple), forward ``value`` (a float64 scalar or an
array: one graph evaluates a whole grid of points at once, with numpy broadcasting) and ``local``, one
gradient ∂value/∂input per input, evaluated at the forward values. Every op is the same pattern: lift
the arguments to Nodes, compute the value, write the local gradients, return the Node.
``backward(root)`` visits the nodes in reverse topological order and does ``input.grad += local ×
upstream`` for every edge, summed back to the input's shape where broadcasting stretched it.
All arithmetic runs under ``np.errstate(all="ignore")``: log(0) = -inf and 0/0 = nan, silently.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

Value = np.float64 | np.ndarray
ONE = np.float64(1.0)


def quiet(op):
    """Run ``op`` under ``np.errstate(all="ignore")``: non-finite results are values, not warnings."""

    @functools.wraps(op)
    def wrapped(*args):
        with np.errstate(all="ignore"):
            return op(*args)

    return wrapped


def as_value(x) -> Value:
    """``x`` as float64: a numpy scalar for a scalar, else an array of the same shape."""
    return np.asarray(x, dtype=np.float64)[()]


@dataclass(eq=False)
class Node:
    """One value in a graph. ``local[i]`` is ∂value/∂inputs[i]; ``grad`` is ∂root/∂value after backward."""

    op: str
    inputs: tuple[Node, ...]
    value: Value
    local: tuple[Value, ...] = ()
    label: str = ""
    grad: Value = 0.0

    def __post_init__(self):
        self.label = self.label or self.op

    @property
    def shape(self) -> tuple[int, ...]:
        return np.shape(self.value)

    def __repr__(self) -> str:
        return f"Node({self.label!r}, value={self.value!r}, grad={self.grad!r})"

    def __add__(self, other):
        return add(self, other)

    def __radd__(self, other):
        return add(other, self)

    def __sub__(self, other):
        return sub(self, other)

    def __rsub__(self, other):
        return sub(other, self)

    def __mul__(self, other):
        return mul(self, other)

    def __rmul__(self, other):
        return mul(other, self)

    def __truediv__(self, other):
        return div(self, other)

    def __rtruediv__(self, other):
        return div(other, self)

    def __pow__(self, other):
        return power(self, other) if isinstance(other, Node) else pow_const(self, other)

    def __rpow__(self, other):
        return power(other, self)

    def __neg__(self):
        return neg(self)

    def backward(self) -> list[Edge]:
        return backward(self)


def variable(value, name: str) -> Node:
    """An input the gradient is taken with respect to, e.g. ``variable(np.linspace(-1, 1, 5), "x")``."""
    return Node("input", (), as_value(value), (), name)


def const(value, label: str = "") -> Node:
    """A constant leaf; its label defaults to the number (``const(-2.0).label == "-2"``)."""
    value = as_value(value)
    return Node("const", (), value, (), label or (f"{value:g}" if np.ndim(value) == 0 else "const"))


def lift(x) -> Node:
    return x if isinstance(x, Node) else const(x)


@quiet
def add(a, b) -> Node:
    """a + b; local (1, 1)."""
    a, b = lift(a), lift(b)
    return Node("+", (a, b), a.value + b.value, (ONE, ONE))


@quiet
def sub(a, b) -> Node:
    """a − b; local (1, −1)."""
    a, b = lift(a), lift(b)
    return Node("-", (a, b), a.value - b.value, (ONE, -ONE))


@quiet
def mul(a, b) -> Node:
    """a × b; local (b, a): each input's local gradient is the other input's value."""
    a, b = lift(a), lift(b)
    return Node("*", (a, b), a.value * b.value, (b.value, a.value))


@quiet
def div(a, b) -> Node:
    """a / b; local (1/b, −a/b²)."""
    a, b = lift(a), lift(b)
    return Node("/", (a, b), a.value / b.value, (1.0 / b.value, -a.value / b.value**2))


@quiet
def neg(a) -> Node:
    """−a; local (−1,)."""
    a = lift(a)
    return Node("neg", (a,), -a.value, (-ONE,))


@quiet
def pow_const(a, c) -> Node:
    """a**c for a constant float c, labelled ``**c``; local (c·a**(c−1),), and 0 when c = 0 (as torch)."""
    a, c = lift(a), float(c)
    local = c * a.value ** (c - 1) if c != 0 else np.zeros(a.shape)[()]
    return Node("pow", (a,), a.value**c, (local,), f"**{c:g}")


@quiet
def power(a, b) -> Node:
    """a**b for two Nodes; local (b·a**(b−1), a**b·ln a), each 0 where torch makes it 0 (b = 0; a = 0 ≤ b)."""
    a, b = lift(a), lift(b)
    out = a.value**b.value
    da = np.where(b.value == 0, 0.0, b.value * a.value ** (b.value - 1))[()]
    db = np.where((a.value == 0) & (b.value >= 0), 0.0, out * np.log(a.value))[()]
    return Node("**", (a, b), out, (da, db))


def topo_order(root: Node) -> list[Node]:
    """Every node ``root`` depends on, inputs before the nodes using them: depth-first post-order,
    inputs in their tuple order, each node once (micrograd's ``build_topo``, without recursion)."""
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
        elif node not in seen:
            seen.add(node)
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.inputs))
    return order


def unbroadcast(g, shape: tuple[int, ...]) -> Value:
    """Sum ``g`` over the axes broadcasting added or stretched, so it has ``shape`` again."""
    g = np.asarray(g)
    if g.ndim > len(shape):
        g = g.sum(axis=tuple(range(g.ndim - len(shape))))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    if stretched:
        g = g.sum(axis=stretched, keepdims=True)
    return np.broadcast_to(g, shape)[()] if g.shape != shape else g[()]


class Edge(NamedTuple):
    """One visit of backward: ``input.grad += product`` where ``product = local × upstream``."""

    node: Node  # the consumer; upstream is its grad, ∂root/∂node
    input: Node  # the input whose grad grows
    local: Value  # ∂node/∂input
    upstream: Value
    product: Value  # local × upstream, summed back to input.shape
    grad: Value  # input.grad after the +=


@quiet
def backward(root: Node) -> list[Edge]:
    """Set ``grad = ∂root/∂node`` on every node (root.grad = 1) and return the edge visits, in order:
    reverse topological order, each node's inputs in their tuple order. Fan-out accumulates."""
    order = topo_order(root)
    for node in order:
        node.grad = np.zeros(node.shape)[()]
    root.grad = np.ones(root.shape)[()]
    edges = []
    for node in reversed(order):
        for inp, local in zip(node.inputs, node.local, strict=True):
            product = unbroadcast(local * node.grad, inp.shape)
            inp.grad = inp.grad + product  # a new object, never in place: recorded edges keep their numbers
            edges.append(Edge(node, inp, local, node.grad, product, inp.grad))
    return edges
