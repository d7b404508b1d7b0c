"""A computational graph as Graphviz DOT, frozen at one step of backpropagation.

``graph_dot(nodes, steps, at)`` draws the graph left to right as it stands after ``steps[at]``:
each node shows its forward value (blue) once computed and its gradient ∂f/∂node (vermillion) as it
accumulates; the current node and edge are highlighted, and every edge the backward pass has crossed
carries the gradient it delivered. Streamlit's ``st.graphviz_chart`` lays the DOT out in the browser.
``projection=True`` draws it for a projector: type of at least 30 pt, pens and arrowheads about twice as
thick, near-black outlines and wires.
"""

from __future__ import annotations

from html import escape
from typing import NamedTuple

from ..autodiff.trace import GraphNode, Step, fmt

VALUE, GRAD, NOW = "#0072B2", "#D55E00", "#FFF2B3"  # forward values, gradients, the current step
SYMBOLS = {"*": "×", "-": "−", "/": "÷", "neg": "−( )", "+": "+"}


class Pens(NamedTuple):
    node: float  # a gate's outline
    wire: float  # an edge
    arrow: float  # arrowhead size
    lit_node: float  # the current gate's outline
    lit_forward: float  # the wire into the gate just computed
    lit_backward: float  # the wire a gradient just crossed
    ink: str  # outlines
    wire_color: str


SCREEN = Pens(1.3, 1.5, 0.7, 3.5, 3.5, 4, "#444444", "#8A8A8A")
PROJECTOR = Pens(2.6, 3, 1.2, 6, 6, 7, "#111111", "#444444")
PROJECTION_FONT = 30  # pt at least, in projection


def _label(g: GraphNode) -> str:
    if g.op in ("input", "const"):
        return g.label
    if g.op == "pow":
        return "( )" + g.label.replace("**", "^")
    return SYMBOLS.get(g.op, g.op)


def state_at(nodes: tuple[GraphNode, ...], steps: list[Step], at: int) -> tuple[set[int], dict[int, object], dict]:
    """After ``steps[at]``: the nodes whose values are known, each node's gradient so far, and each
    crossed wire's delivered gradient ``{(input, consumer, slot): product}``, ``slot`` being the input's
    position in the consumer's inputs: ``x - x`` has two wires from x, crossed in slot order, the last one
    crossed last in the dict."""
    known, grads, crossed = set(), {}, {}
    for s in steps[: at + 1]:
        if s.phase == "forward":
            known.add(s.node)
        else:
            grads[s.node] = s.grad
            if s.edge is not None:
                i, c = s.edge
                slot = next(k for k, j in enumerate(nodes[c].inputs) if j == i and (i, c, k) not in crossed)
                crossed[(i, c, slot)] = s.product
    return known, grads, crossed


def _wire(value: str, grad: str) -> str:
    """An edge's label: the value on the wire above (blue), the gradient it carried back below (vermillion)."""
    return f'<<font color="{VALUE}">{value}</font><br/><font color="{GRAD}">{grad}</font>>'


def graph_dot(
    nodes: tuple[GraphNode, ...], steps: list[Step], at: int, font: int = 22, projection: bool = False
) -> str:
    """CS231n's circuit style: gates as small circles named a, b, c …, inputs as plain names, and on
    each wire the value flowing forward (above) and the gradient sent back along it (below)."""
    pen, width = SCREEN, 0.62
    if projection:  # gates grow with the type so their labels still fit
        pen, font = PROJECTOR, max(PROJECTION_FONT, round(1.5 * font))
        width = round(0.62 * font / 22, 2)
    at = max(0, min(at, len(steps) - 1))
    known, grads, crossed = state_at(nodes, steps, at)
    now, root = steps[at], nodes[-1]
    lines = [
        "digraph G {",
        '  rankdir=LR; bgcolor="transparent"; nodesep=0.2; ranksep=0.3;',
        f'  node [fontname="Helvetica", fontsize={font}, color="{pen.ink}", penwidth={pen.node:g}, style="filled",'
        f' fillcolor="white", shape=circle, width={width:g}, fixedsize=true];',
        f'  edge [color="{pen.wire_color}", penwidth={pen.wire:g}, arrowsize={pen.arrow:g}, fontname="Helvetica",'
        f" fontsize={font - 1}];",
    ]
    for g in nodes:
        if g.op in ("input", "const"):
            attrs = [f"label=<<b>{escape(g.label)}</b>>", "shape=plaintext", "fixedsize=false"]
        else:
            attrs = [f'label=<<b>{escape(_label(g))}</b><br/><font point-size="{font - 4}">{escape(g.name)}</font>>']
        if g.id == now.node and (now.phase == "forward" or now.edge is None or g.op not in ("input", "const")):
            hot = GRAD if now.phase == "backward" else VALUE
            attrs.append(f'fillcolor="{NOW}", penwidth={pen.lit_node:g}, color="{hot}"')
        lines.append(f"  n{g.id} [{', '.join(attrs)}];")
    current = next(reversed(crossed)) if now.phase == "backward" and now.edge is not None else None
    for g in nodes:
        for slot, i in enumerate(g.inputs):
            value = escape(fmt(nodes[i].value)) if i in known else " "
            grad = escape(fmt(crossed[(i, g.id, slot)])) if (i, g.id, slot) in crossed else " "
            attrs = [f"label={_wire(value, grad)}"]
            if (i, g.id, slot) == current:
                attrs.append(f'color="{GRAD}", penwidth={pen.lit_backward:g}')
            elif now.phase == "forward" and now.node == g.id:
                attrs.append(f'color="{VALUE}", penwidth={pen.lit_forward:g}')
            lines.append(f"  n{i} -> n{g.id} [{', '.join(attrs)}];")
    # the output wire: f's value, and the seed ∂f/∂f = 1 once the backward pass starts
    out_value = escape(fmt(root.value)) if root.id in known else " "
    out_grad = escape(fmt(grads[root.id])) if root.id in grads else " "
    lines.append('  out [label="f", shape=plaintext, fixedsize=false];')
    seed = now.phase == "backward" and now.edge is None
    lines.append(
        f"  n{root.id} -> out [label={_wire(out_value, out_grad)}"
        + (f', color="{GRAD}", penwidth={pen.lit_backward:g}];' if seed else "];")
    )
    lines.append("}")
    return "\n".join(lines)
