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


def _wire(value: str, grad: str, color: str) -> str:
    """A wire's label, which the wire runs through: the value flowing forward above the line (blue), the
    gradient sent back along it below (vermillion). The value cell's bottom border, in the wire's color, joins
    the wire's two halves, so a number always sits on its own wire. (Not an <hr/>: its flat polygon makes the
    browser's Graphviz transitions draw NaN paths, and the graph then stops redrawing.)"""
    return (
        '<<table border="0" cellborder="0" cellspacing="0" cellpadding="1">'
        f'<tr><td border="1" sides="b" color="{color}"><font color="{VALUE}">{value}</font></td></tr>'
        f'<tr><td><font color="{GRAD}">{grad}</font></td></tr></table>>'
    )


def _lit(color: str, width: float, pen: Pens) -> str:
    """A highlighted wire's attributes: its color and a thick pen, with an arrowhead that a thick pen would
    otherwise grow over the wire's label."""
    return f'color="{color}", penwidth={width:g}, arrowsize={pen.arrow * pen.wire / width * 2:.2g}'


def _wire_lines(key: str, tail: str, head: str, value: str, grad: str, pen: str, color: str) -> list[str]:
    """A wire from ``tail`` to ``head`` drawn through its label node ``key``: tail to the label's left edge,
    the label's right edge to the head's arrow. ``pen`` is extra edge attributes (a highlight)."""
    tail_pen, head_pen = ", ".join(["arrowhead=none", *([pen] if pen else [])]), pen
    return [
        f"  {key} [label={_wire(value, grad, color)}, shape=plain];",
        f"  {tail} -> {key}:w [{tail_pen}];",
        f"  {key}:e -> {head}" + (f" [{head_pen}];" if head_pen else ";"),
    ]


def graph_dot(
    nodes: tuple[GraphNode, ...], steps: list[Step], at: int, font: int = 22, projection: bool = False
) -> str:
    """CS231n's circuit style: gates as small circles named a, b, c …, inputs as plain names, and on
    each wire the value flowing forward (above the line) and the gradient sent back along it (below)."""
    pen, width = SCREEN, 0.62
    if projection:  # gates grow with the type
        pen, font = PROJECTOR, max(PROJECTION_FONT, round(1.5 * font))
        width = round(0.62 * font / 22, 2)
    gap = round(0.16 * font / 22, 2)
    at = max(0, min(at, len(steps) - 1))
    known, grads, crossed = state_at(nodes, steps, at)
    now, root = steps[at], nodes[-1]
    lines = [
        "digraph G {",
        f'  rankdir=LR; bgcolor="transparent"; nodesep={gap:g}; ranksep={gap:g};',  # room for an arrowhead
        f'  node [fontname="Helvetica", fontsize={font}, color="{pen.ink}", penwidth={pen.node:g}, style="filled",'
        f' fillcolor="white", shape=circle, width={width:g}, margin=0.02];',
        f'  edge [color="{pen.wire_color}", penwidth={pen.wire:g}, arrowsize={pen.arrow:g}, fontname="Helvetica",'
        f" fontsize={font - 1}];",
    ]
    for g in nodes:
        if g.op in ("input", "const"):
            attrs = [f"label=<<b>{escape(g.label)}</b>>", "shape=plaintext"]
        else:
            attrs = [f'label=<<b>{escape(_label(g))}</b><br/>{escape(g.name)}>']
        if g.id == now.node and (now.phase == "forward" or now.edge is None or g.op not in ("input", "const")):
            hot = GRAD if now.phase == "backward" else VALUE
            attrs.append(f'fillcolor="{NOW}", penwidth={pen.lit_node:g}, color="{hot}"')
        lines.append(f"  n{g.id} [{', '.join(attrs)}];")
    current = next(reversed(crossed)) if now.phase == "backward" and now.edge is not None else None
    for g in nodes:
        for slot, i in enumerate(g.inputs):
            value = escape(fmt(nodes[i].value)) if i in known else " "
            grad = escape(fmt(crossed[(i, g.id, slot)])) if (i, g.id, slot) in crossed else " "
            lit, color = "", pen.wire_color
            if (i, g.id, slot) == current:
                lit, color = _lit(GRAD, pen.lit_backward, pen), GRAD
            elif now.phase == "forward" and now.node == g.id:
                lit, color = _lit(VALUE, pen.lit_forward, pen), VALUE
            lines += _wire_lines(f"w{i}_{g.id}_{slot}", f"n{i}", f"n{g.id}", value, grad, lit, color)
    # the output wire: f's value, and the seed ∂f/∂f = 1 once the backward pass starts
    out_value = escape(fmt(root.value)) if root.id in known else " "
    out_grad = escape(fmt(grads[root.id])) if root.id in grads else " "
    lines.append('  out [label="f", shape=plaintext];')
    seed = now.phase == "backward" and now.edge is None
    lit, color = (_lit(GRAD, pen.lit_backward, pen), GRAD) if seed else ("", pen.wire_color)
    lines += _wire_lines("wout", f"n{root.id}", "out", out_value, out_grad, lit, color)
    lines.append("}")
    return "\n".join(lines)
