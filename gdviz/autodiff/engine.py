"""The engine: a ``Node`` per value, arithmetic on Nodes, and reverse-mode ``backward``.

A Node holds its ``op`` name, ordered ``inputs`` (a tuple), forward ``value`` (a float64 scalar or an
array: one graph evaluates a whole grid of points at once, with numpy broadcasting) and ``local``, one
gradient ∂value/∂input per input, evaluated at the forward values. Every op is the same pattern: lift
the arguments to Nodes, compute the value, return the Node with its local gradients as a lambda.
``backward(root)`` visits the nodes in reverse topological order and does ``input.grad += local ×
upstream`` for every edge, summed back to the input's shape where broadcasting stretched it.
All arithmetic runs under ``np.errstate(all="ignore")``: log(0) = -inf and 0/0 = nan, silently.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

Value = np.float64 | np.ndarray
ONE = np.float64(1.0)


def quiet(op):
    """Run ``op`` under ``np.errstate(all="ignore")``: non-finite results are values, not warnings."""

    @functools.wraps(op)
    def wrapped(*args, **kwargs):
        with np.errstate(all="ignore"):
            return op(*args, **kwargs)

    return wrapped


def as_value(x) -> Value:
    """``x`` as float64: a numpy scalar for a scalar, else an array of the same shape."""
    return np.asarray(x, dtype=np.float64)[()]


@dataclass(eq=False)
class Node:
    """One value in a graph; ``grad`` is ∂root/∂value after backward. ``derivatives()`` gives the local
    gradients, one per input; ``local`` calls it once, when backward first needs it, so a forward
    pass alone (``evaluate``) never pays for them (micrograd's ``_backward``, without the multiply)."""

    op: str
    inputs: tuple[Node, ...]
    value: Value
    derivatives: Callable[[], tuple[Value, ...]] = tuple
    label: str = ""
    grad: Value = 0.0

    def __post_init__(self):
        self.label = self.label or self.op

    @functools.cached_property
    def local(self) -> tuple[Value, ...]:
        """∂value/∂inputs[i] for every input, at the forward values."""
        with np.errstate(all="ignore"):
            return self.derivatives()

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

    def backward(self, record: bool = False) -> list[Edge]:
        return backward(self, record)


def variable(value, name: str) -> Node:
    """An input the gradient is taken with respect to, e.g. ``variable(np.linspace(-1, 1, 5), "x")``."""
    return Node("input", (), as_value(value), label=name)


def const(value, label: str = "") -> Node:
    """A constant leaf; its label defaults to the number (``const(-2.0).label == "-2"``)."""
    value = as_value(value)
    return Node("const", (), value, label=label or (f"{value:g}" if np.ndim(value) == 0 else "const"))


def lift(x) -> Node:
    return x if isinstance(x, Node) else const(x)


@quiet
def add(a, b) -> Node:
    """a + b; local (1, 1)."""
    a, b = lift(a), lift(b)
    return Node("+", (a, b), a.value + b.value, lambda: (ONE, ONE))


@quiet
def sub(a, b) -> Node:
    """a − b; local (1, −1)."""
    a, b = lift(a), lift(b)
    return Node("-", (a, b), a.value - b.value, lambda: (ONE, -ONE))


@quiet
def mul(a, b) -> Node:
    """a × b; local (b, a): each input's local gradient is the other input's value."""
    a, b = lift(a), lift(b)
    return Node("*", (a, b), a.value * b.value, lambda: (b.value, a.value))


@quiet
def div(a, b) -> Node:
    """a / b; local (1/b, −a/b²)."""
    a, b = lift(a), lift(b)
    return Node("/", (a, b), a.value / b.value, lambda: (1.0 / b.value, -a.value / b.value**2))


@quiet
def neg(a) -> Node:
    """−a; local (−1,)."""
    a = lift(a)
    return Node("neg", (a,), -a.value, lambda: (-ONE,))


@quiet
def pow_const(a, c) -> Node:
    """a**c for a constant float c, labelled ``**c``; local (c·a**(c−1),), and 0 when c = 0 (as torch)."""
    a, c = lift(a), float(c)
    return Node("pow", (a,), a.value**c, lambda: (c * a.value ** (c - 1) if c else np.zeros(a.shape)[()],), f"**{c:g}")


def _power_local(a: Value, b: Value, out: Value) -> tuple[Value, Value]:
    """(b·a**(b−1), a**b·ln a) as torch has them: the first 0 where b = 0, the second 0 where a = 0 ≤ b."""
    da = np.where(b == 0, 0.0, b * a ** (b - 1))
    db = np.where((a == 0) & (b >= 0), 0.0, out * np.log(a))
    return da[()], db[()]


@quiet
def power(a, b) -> Node:
    """a**b for two Nodes; local (b·a**(b−1), a**b·ln a), as torch's (see ``_power_local``)."""
    a, b = lift(a), lift(b)
    out = a.value**b.value
    return Node("**", (a, b), out, lambda: _power_local(a.value, b.value, out))


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
def backward(root: Node, record: bool = False) -> list[Edge]:
    """Set ``grad = ∂root/∂node`` on every node (root.grad = 1); fan-out accumulates. With ``record``,
    return the edge visits in order (reverse topological, each node's inputs in order); they keep
    every intermediate array alive, so they are only kept when asked for."""
    order, edges = topo_order(root), []
    for node in order:
        node.grad = None  # no contribution yet: the first one is the grad, saving a zeros + add per node
    root.grad = np.ones(root.shape)[()]
    for node in reversed(order):
        for inp, local in zip(node.inputs, node.local, strict=True):
            product = unbroadcast(node.grad if local is ONE else local * node.grad, inp.shape)
            inp.grad = product if inp.grad is None else inp.grad + product  # never in place: records keep numbers
            if record:
                edges.append(Edge(node, inp, local, node.grad, product, inp.grad))
    return edges
