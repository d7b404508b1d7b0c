"""Backpropagation through a network for one example, on the autodiff engine, recorded step by step.

``example_graph(params, x, y, activation=, loss=, reg=) -> ExampleGraph`` builds the computational graph of
one example x (D,) with label y out of the engine's Nodes, whose values are vectors: per layer l the matrix
product ``m_l = h_{l-1} @ W_l`` (h_0 = x), ``z_l = m_l + b_l`` and, in a hidden layer, ``h_l = act(z_l)``; the
last z are the scores s, ``L = loss(s, y)`` the example's data loss, or with reg > 0 ``L = Li + R``,
``R = reg · Σ_l ΣW_l²``: then L is the loss of a batch of this one example, ``loss_and_grads(params, x[None], [y])``.
The engine's ``backward`` runs it, ``input.grad += local × upstream`` on every edge: add, the activation and
the loss are elementwise; a matrix product's local gradient is a ``MatmulLocal``, whose ``local * upstream``
is the vector-Jacobian product (∂L/∂h = W @ g, ∂L/∂W = h ⊗ g). The steps are the backprop page's ``Step``s
(gdviz.autodiff.trace) told with shapes: forward values first, then the seed, then each edge visit. A step's
``local`` is that number or array; for a matrix product it is the other operand (W for ∂/∂h, h for ∂/∂W).
``example_check`` puts each parameter's gradient beside a centered difference, and ``worst_example`` finds
the example the network gets most wrong.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ..autodiff.engine import ONE, Edge, Node, backward, const, quiet, topo_order, variable
from ..autodiff.trace import GATES, GraphNode, Step
from ..linear.gradcheck import numerical_gradient, rel_error
from ..linear.losses import LOSS_SPECS, loss_spec
from .activations import activation as activation_spec
from .model import Params, forward, penalty

PENALTY = "reg·ΣW²"  # the op of R's node
SHOWN = 4  # entries of a vector a step's text writes out
LOSS_LOCAL = {"softmax": "softmax(s) − 1 at y", "svm": "1 per violated margin, minus their count at y"}  # ∂Li/∂s
ACTIVATION_GATES = {
    "relu": "relu routes: a unit with z > 0 passes its gradient on, the others pass 0",
    "tanh": "tanh scales each unit's gradient by 1 − h², near 0 where the unit saturates",
    "sigmoid": "sigmoid scales each unit's gradient by h(1 − h), at most ¼",
    "linear": "the identity passes every gradient on unchanged",
}
MATMUL_GATE = (
    "matrix multiply swaps, as multiply does: {W}'s gradient is its input {h} times the upstream (an outer product "
    "{h} ⊗ g), {h}'s gradient is {W} times the upstream ({W} @ g)"
)


@dataclass(frozen=True, eq=False)
class MatmulLocal:
    """∂(h @ W)/∂h (``wrt`` "h": ``other`` is W) or ∂(h @ W)/∂W (``wrt`` "W": ``other`` is h), as the engine
    applies a local gradient: ``local * upstream`` is the vector-Jacobian product, W @ g or h ⊗ g."""

    wrt: str
    other: np.ndarray

    def __mul__(self, g):
        return self.other @ g if self.wrt == "h" else np.multiply.outer(self.other, g)


@quiet
def matmul(h: Node, W: Node) -> Node:
    """h @ W for h (fan_in,) and W (fan_in, fan_out); local (W @ ·, h ⊗ ·), the matrix form of mul's swap."""
    return Node("@", (h, W), h.value @ W.value, lambda: (MatmulLocal("h", W.value), MatmulLocal("W", h.value)))


@quiet
def activate(z: Node, name: str) -> Node:
    """The activation record's function of z, elementwise; local (its derivative at z,), as the network's backward."""
    spec = activation_spec(name)
    a = spec.forward(z.value)
    return Node(spec.name, (z,), a, lambda: (spec.derivative(z.value, a),))


@quiet
def example_loss(s: Node, y: int, loss: str) -> Node:
    """The data loss of scores s (C,) for label y, from the loss record; local (∂L/∂s (C,),), its ``dscores``."""
    spec, scores, label = loss_spec(loss), s.value[None], np.array([y])
    return Node(spec.name, (s,), spec.per_example(scores, label)[0], lambda: (spec.dscores(scores, label)[0],))


@quiet
def penalty_node(leaves: list[tuple[Node, Node]], reg: float) -> Node:
    """R = reg · Σ_l ΣW_l² of each layer's (W, b) leaves, the weights only; local 2·reg·W_l for each W_l."""
    weights = tuple(W for W, _ in leaves)
    value = np.float64(penalty([(W.value, b.value) for W, b in leaves], reg))
    return Node(PENALTY, weights, value, lambda: tuple(2 * reg * W.value for W in weights))


def short(v) -> str:
    """A number or a vector as a step's text writes it: a number to 4 digits, a vector's first entries."""
    if np.ndim(v) == 0:
        return f"{float(v) + 0.0:.4g}"  # + 0.0: a relu's −0 reads 0
    head = ", ".join(f"{float(a) + 0.0:.3g}" for a in v[:SHOWN])
    return f"[{head}{', …' if len(v) > SHOWN else ''}]"


def shape(v) -> str:
    """``(8,)``, ``(2, 8)``, or ``scalar``."""
    return str(tuple(np.shape(v))) if np.ndim(v) else "scalar"


class ExampleGraph(NamedTuple):
    """One example's graph and its two passes. ``nodes`` and ``steps`` as ``gdviz.autodiff.trace`` gives them
    (forward steps 0 … len(nodes) − 1, then the seed, then one per edge visit); ``loss`` is L there and
    ``grads`` each layer's ``(∂L/∂W, ∂L/∂b)`` read off the graph's leaves."""

    nodes: tuple[GraphNode, ...]
    steps: list[Step]
    loss: float
    grads: Params


def _build(params: Params, x, y: int, activation: str, loss: str, reg: float) -> tuple[Node, dict, list]:
    """The root L, every node's name, and each layer's (W, b) leaves."""
    h = const(x, "x")  # the example is data: the engine computes its gradient, nothing steps it
    names, leaves, last = {h: "x"}, [], len(params)
    for i, (W, b) in enumerate(params, start=1):
        Wn, bn = variable(W, f"W{i}"), variable(b, f"b{i}")
        m = matmul(h, Wn)
        z = m + bn
        names |= {Wn: f"W{i}", bn: f"b{i}", m: f"m{i}", z: "s" if i == last else f"z{i}"}
        leaves.append((Wn, bn))
        h = z
        if i < last:
            h = activate(z, activation)
            names[h] = f"h{i}"
    L = example_loss(h, y, loss)
    names[L] = "L"
    if reg:
        R = penalty_node(leaves, float(reg))
        names |= {L: "Li", R: "R"}
        L = L + R
        names[L] = "L"
    return L, names, leaves


def formula(node: Node, names: dict[Node, str], y: int) -> str:
    """What a node is, in its inputs' names, with its shape: ``h1 = tanh(z1)  (8,)``, ``W1  (2, 8)``."""
    name, args, size = names[node], [names[n] for n in node.inputs], shape(node.value)
    if node.op == "const":
        return f"x  {size}, the example's features"
    if node.op == "input":
        return f"{name}  {size}, layer {name[1:]}'s {'weights' if name.startswith('W') else 'biases'}"
    if node.op == "@":
        return f"{name} = {args[0]} @ {args[1]}  {size}"
    if node.op == "+":
        size = f"  {size}" if np.ndim(node.value) else ""
        return f"{name} = {args[0]} + {args[1]}{size}" + ("  (the scores, one per class)" if name == "s" else "")
    if node.op == PENALTY:
        return f"R = reg · ({' + '.join(f'Σ{a}²' for a in args)})"
    if node.op in LOSS_SPECS:
        return f"{name} = {node.op} loss({args[0]}, y = {y})"
    return f"{name} = {node.op}({args[0]})  {size}"


def _forward_text(node: Node, names: dict[Node, str], y: int) -> str:
    """``forward:`` the node's formula, a matrix product's shapes, then its value (a parameter's is on the wire)."""
    text = f"forward: {formula(node, names, y)}"
    if node.op == "@":
        a, b = node.inputs
        text += f": {shape(a.value)} @ {shape(b.value)} → {shape(node.value)}"
    return text if node.op == "input" else f"{text} = {short(node.value)}"


def _local_text(node: Node, inp: Node, local, names: dict[Node, str]) -> str:
    """The local gradient × the upstream, in names and shapes: ``W2 @ ∂L/∂m2  (8, 3) @ (3,)``."""
    up = f"∂L/∂{names[node]}"
    if node.op == "@":
        other = names[node.inputs[1] if local.wrt == "h" else node.inputs[0]]
        sign = "@" if local.wrt == "h" else "⊗"
        return f"{other} {sign} {up}  {shape(local.other)} {sign} {shape(node.grad)}"
    if local is ONE:
        return f"1 × {up}  {shape(node.grad)}"
    if node.op in LOSS_SPECS:
        return f"({LOSS_LOCAL.get(node.op, '∂Li/∂s')}) × {up}  {shape(local)} × {shape(node.grad)}"
    if node.op == PENALTY:
        return f"2·reg·{names[inp]} × {up}  {shape(local)} × {shape(node.grad)}"
    return f"{node.op}'({names[inp]}) ⊙ {up}  {shape(local)} ⊙ {shape(node.grad)}"


def _gate(node: Node, names: dict[Node, str]) -> str:
    """The pattern at work where ``node`` hands its gradient back ("" where none has a name)."""
    if node.op == "@":
        h, W = (names[n] for n in node.inputs)
        return MATMUL_GATE.format(h=h, W=W)
    if node.op in ACTIVATION_GATES:
        return ACTIVATION_GATES[node.op]
    return GATES.get(node.op, "")


def _backward_step(e: Edge, ids: dict[Node, int], names: dict[Node, str], uses: int, visit: int) -> Step:
    """The step of edge ``e``: the input's ``visit``-th of ``uses`` gradient contributions, local × upstream."""
    name = names[e.input]
    text = f"backward: ∂L/∂{name} += {_local_text(e.node, e.input, e.local, names)} → {shape(e.product)}"
    text += f" = {short(e.product)}" if np.ndim(e.product) < 2 else ""  # a matrix is on the wire, by its shape
    gates = [_gate(e.node, names)] if _gate(e.node, names) else []
    if uses > 1:
        gates.append(f"fan-out accumulates: {name} is used {uses} times, so its gradients add up")
        if visit > 1:  # a matrix's sum so far is on its wire
            text += f" (so far ∂L/∂{name} = {short(e.grad)})" if np.ndim(e.grad) < 2 else f", added to {name}'s before"
    return Step(
        "backward",
        ids[e.input],
        e.input.op,
        tuple(ids[n] for n in e.input.inputs),
        e.input.value,
        text,
        edge=(ids[e.input], ids[e.node]),
        local=e.local.other if isinstance(e.local, MatmulLocal) else e.local,
        upstream=e.upstream,
        product=e.product,
        grad=e.grad,
        gate="; ".join(gates),
    )


def example_graph(params: Params, x, y: int, *, activation: str, loss: str, reg: float = 0.0) -> ExampleGraph:
    """The graph of the network ``params`` (``[(W (fan_in, fan_out), b), ...]``) on one example x (D,), label y,
    after the engine's forward and backward passes, every step told with shapes (see the module's docstring)."""
    x = np.asarray(x, dtype=np.float64)
    if x.shape != (params[0][0].shape[0],):
        raise ValueError(f"x must be one example of {params[0][0].shape[0]} features, got shape {x.shape}")
    if not 0 <= int(y) < params[-1][0].shape[1]:
        raise ValueError(f"label {y} is out of range for a network with {params[-1][0].shape[1]} classes")
    y = int(y)
    root, names, leaves = _build(params, x, y, activation, loss, reg)
    order, edges = topo_order(root), backward(root, record=True)
    ids = {n: i for i, n in enumerate(order)}
    nodes = tuple(
        GraphNode(i, n.op, n.label, names[n], tuple(ids[m] for m in n.inputs), n.value, n.grad, formula(n, names, y))
        for i, n in enumerate(order)
    )
    steps = [Step("forward", ids[n], n.op, nodes[ids[n]].inputs, n.value, _forward_text(n, names, y)) for n in order]
    seed = "backward: ∂L/∂L = 1 (the seed)"
    steps.append(Step("backward", ids[root], root.op, nodes[-1].inputs, root.value, seed, grad=np.float64(1.0)))
    uses, visits = Counter(e.input for e in edges), Counter()
    for e in edges:
        visits[e.input] += 1
        steps.append(_backward_step(e, ids, names, uses[e.input], visits[e.input]))
    grads = [(np.asarray(W.grad, dtype=np.float64), np.asarray(b.grad, dtype=np.float64)) for W, b in leaves]
    return ExampleGraph(nodes, steps, float(root.value), grads)


def example_loss_value(params: Params, x, y: int, activation: str, loss: str, reg: float) -> float:
    """L of the network on one example: its data loss plus ``reg · ΣW²`` (``penalty``)."""
    scores = forward(params, np.asarray(x, dtype=np.float64)[None], activation).scores
    return float(loss_spec(loss).per_example(scores, np.array([int(y)]))[0]) + penalty(params, reg)


class LayerCheck(NamedTuple):
    """One parameter's gradient for the example by backprop and by centered differences, and their largest
    elementwise relative error (CS231n's |a − n| / max(|a| + |n|, 1e-8))."""

    name: str  # "W1", "b1", ...
    analytic: np.ndarray
    numerical: np.ndarray
    rel_error: float


def example_check(
    params: Params, x, y: int, *, activation: str, loss: str, reg: float = 0.0, h: float = 1e-5
) -> list[LayerCheck]:
    """Every W_l and b_l's ∂L/∂parameter from ``example_graph`` beside ``numerical_gradient`` (centered, step h)
    of L on the same example, in layer order W1, b1, W2, b2, ..."""
    grads = example_graph(params, x, y, activation=activation, loss=loss, reg=reg).grads
    layers = [[np.array(W, dtype=np.float64), np.array(b, dtype=np.float64)] for W, b in params]  # nudged in place

    def f(_) -> float:
        return example_loss_value(layers, x, y, activation, loss, reg)

    checks = []
    with np.errstate(all="ignore"):  # a non-finite loss shows in the table as such
        for i, (layer, analytic) in enumerate(zip(layers, grads, strict=True), start=1):
            for k, name in enumerate((f"W{i}", f"b{i}")):
                numerical = numerical_gradient(f, layer[k], h, "centered")
                checks.append(LayerCheck(name, analytic[k], numerical, float(rel_error(analytic[k], numerical).max())))
    return checks


def worst_example(params: Params, X, y, *, activation: str, loss: str) -> int:
    """The index of the example with the largest data loss (the first of ties): the one the network gets most
    wrong, whether it misclassifies it or only by too small a margin. An example whose inputs are all 0 is taken
    only when every one is: the first layer's weight gradient is its inputs times the layer's error, so there it
    is 0 whatever the error, a poor example of backpropagation (the spiral's three arms all start at the origin,
    with three different labels: one of them was always the worst)."""
    X = np.asarray(X, dtype=np.float64)
    losses = loss_spec(loss).per_example(forward(params, X, activation).scores, np.asarray(y))
    zero = ~X.reshape(len(X), -1).any(axis=1)
    if not zero.all():
        losses = np.where(zero, -np.inf, losses)
    return int(np.argmax(losses))
