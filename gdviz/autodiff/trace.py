"""Recording a graph's two passes, for pages that draw the graph and narrate backpropagation.

``trace(root, texts)`` runs ``backward(root, record=True)`` and returns ``(nodes, steps)``. ``nodes``: one
``GraphNode`` per node in topological order; a node's id is its position there (the root is last).
``steps``: one forward ``Step`` per node (topological order), then the backward seed ∂f/∂f = 1, then one
backward Step per edge visit (reverse topological order, each node's inputs in order), each carrying
the numbers the engine used: ``input.grad += local × upstream``. Nodes are named for the text: inputs
and constants by their labels, the root ``f``, the others ``a, b, c, ...`` (skipping names in use).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import chain, count
from string import ascii_lowercase

import numpy as np

from .engine import Edge, Node, Value, backward, topo_order

# how each op reads, in the names of its inputs ({0}, {1}) and its label
FORMS = {
    "+": "{0} + {1}",
    "-": "{0} - {1}",
    "*": "{0} * {1}",
    "/": "{0} / {1}",
    "**": "{0}**{1}",
    "pow": "{0}{label}",
    "neg": "-{0}",
    "max": "max({0}, {1})",
    "min": "min({0}, {1})",
}
GATES = {
    "+": "add distributes: every input gets the upstream gradient unchanged",
    "-": "subtract distributes: the first input gets the upstream gradient, the second its negative",
    "*": "multiply swaps: the local gradient of one input is the other input's value",
    "max": "max routes: the larger input gets the whole gradient, the other 0 (a tie splits it ½ and ½, as in torch)",
    "min": "min routes: the smaller input gets the whole gradient, the other 0 (a tie splits it ½ and ½, as in torch)",
}


@dataclass(frozen=True, eq=False)
class GraphNode:
    """A node for drawing: ``inputs`` are ids; ``text`` is the subexpression it computes."""

    id: int
    op: str  # "input", "const" or an op of OPS
    label: str  # "x", "*", "exp", "**2", "-2"
    name: str  # what the steps call it: "x", "a", "f", "-2"
    inputs: tuple[int, ...]
    value: Value
    grad: Value  # ∂f/∂node
    text: str


@dataclass(frozen=True, eq=False)
class Step:
    """One line of the story. Forward: ``node`` gets ``value`` from ``inputs``. Backward: ``edge = (input, node)``
    and the input's gradient grows, ``grad = previous + product`` with ``product = local × upstream``."""

    phase: str  # "forward" or "backward"
    node: int  # forward: the node computed; backward: the node whose gradient is added to
    op: str
    inputs: tuple[int, ...]
    value: Value  # the forward value of `node`
    text: str  # e.g. "backward: ∂f/∂x += ∂a/∂x × ∂f/∂a = 1 × -4 = -4"
    edge: tuple[int, int] | None = None  # (input id, consumer id); None for forward steps and the seed
    local: Value | None = None  # ∂consumer/∂input
    upstream: Value | None = None  # ∂f/∂consumer
    product: Value | None = None  # local × upstream, summed to the input's shape
    grad: Value | None = None  # ∂f/∂node so far, after the +=
    gate: str = ""  # the pattern at work, where one applies ("; "-joined)


def fmt(v) -> str:
    """A number as a step shows it (4 significant digits); an array by its shape."""
    return f"{float(v):.4g}" if np.ndim(v) == 0 else f"[array {np.shape(v)}]"


def _names(order: list[Node]) -> dict[Node, str]:
    """Leaves by their labels, the root f, the others a, b, c, ... then n1, n2, ...; never a name in use."""
    leaves = {n: n.label for n in order if not n.inputs}
    taken = {"e", "f", *leaves.values()}
    fresh = (c for c in chain(ascii_lowercase, (f"n{i}" for i in count(1))) if c not in taken)
    names = {n: leaves.get(n) or next(fresh) for n in order[:-1]}
    root = order[-1]
    names[root] = leaves.get(root) or ("f" if "f" not in leaves.values() else next(fresh))
    return names


def _operand(v, op: str) -> str:
    """A number inside a formula: (-2)**2 and 3 - (-2), not -2**2 and 3 - -2."""
    s = fmt(v)
    return f"({s})" if s.startswith("-") and op in ("pow", "**", "neg", "-") else s


def _form(node: Node, args: list[str]) -> str:
    return FORMS.get(node.op, node.op + "({0})").format(*args, label=node.label)


def _forward_text(node: Node, names: dict[Node, str]) -> str:
    if node.op in ("input", "const"):
        return f"forward: {names[node]} = {fmt(node.value)} ({'input' if node.op == 'input' else 'constant'})"
    symbolic = _form(node, [names[n] for n in node.inputs])
    numeric = _form(node, [_operand(n.value, node.op) for n in node.inputs])
    return f"forward: {names[node]} = {symbolic} = {numeric} = {fmt(node.value)}"


def _backward_step(e: Edge, ids: dict[Node, int], names: dict[Node, str], f: str, uses: int, visit: int) -> Step:
    """The step for edge ``e``: the input's ``visit``-th of ``uses`` gradient contributions; ``f`` names the root."""
    x, out = names[e.input], names[e.node]
    text = f"backward: ∂{f}/∂{x} += ∂{out}/∂{x} × ∂{f}/∂{out} = {fmt(e.local)} × {fmt(e.upstream)} = {fmt(e.product)}"
    gates = [GATES[e.node.op]] if e.node.op in GATES else []
    if uses > 1:
        gates.append(f"fan-out accumulates: {x} is used {uses} times, so its gradients add up")
        text += f" (so far ∂{f}/∂{x} = {fmt(e.grad)})" if visit > 1 else ""
    inputs, edge = tuple(ids[n] for n in e.input.inputs), (ids[e.input], ids[e.node])
    return Step(
        "backward",
        ids[e.input],
        e.input.op,
        inputs,
        e.input.value,
        text,
        edge=edge,
        local=e.local,
        upstream=e.upstream,
        product=e.product,
        grad=e.grad,
        gate="; ".join(gates),
    )


def trace(root: Node, texts: dict[Node, str] | None = None) -> tuple[tuple[GraphNode, ...], list[Step]]:
    """Backpropagate from ``root`` and record both passes; ``texts`` gives each node's subexpression."""
    order, edges = topo_order(root), backward(root, record=True)
    ids, names, texts = {n: i for i, n in enumerate(order)}, _names(order), texts or {}
    nodes = tuple(
        GraphNode(i, n.op, n.label, names[n], tuple(ids[m] for m in n.inputs), n.value, n.grad, texts.get(n, n.label))
        for i, n in enumerate(order)
    )
    steps = [
        Step("forward", g.id, g.op, g.inputs, g.value, _forward_text(n, names))
        for g, n in zip(nodes, order, strict=True)
    ]
    f, top = names[root], nodes[-1]
    seed = f"backward: ∂{f}/∂{f} = 1 (the seed)"
    steps.append(Step("backward", top.id, top.op, top.inputs, top.value, seed, grad=np.ones(root.shape)[()]))
    uses, visits = Counter(e.input for e in edges), Counter()
    for e in edges:
        visits[e.input] += 1
        steps.append(_backward_step(e, ids, names, f, uses[e.input], visits[e.input]))
    return nodes, steps
