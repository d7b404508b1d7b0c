"""The backprop graph: ``state_at`` reveals values forward and gradients backward, and ``graph_dot`` draws
exactly that: the current gate or wire highlighted, every wire's value and gradient shown only once its
step has happened, on the wire itself (the wire runs through its label), DOT that a parser accepts, no text
smaller than the rest, and HTML in labels escaped."""

from __future__ import annotations

import re

import numpy as np
import pytest

from gdviz import parse_expression
from gdviz.autodiff.circuits import CIRCUITS
from gdviz.autodiff.trace import GraphNode, Step, fmt
from gdviz.viz.graph import GRAD, NOW, PROJECTION_FONT, VALUE, graph_dot, state_at

CASES = {name: (c.text, c.values) for name, c in CIRCUITS.items()}
CASES |= {
    "twice_into_one_gate": ("x - x", {"x": 3.0}),  # two wires from x into the same gate, with different gradients
    "square_plus": ("x*x + x", {"x": 2.0}),
    "chain": ("exp(-x) / (1 + x**2)", {"x": 0.5}),
}

NODE = re.compile(r"^  (n\d+|out) \[(.*)\];$")
LABEL = re.compile(r"^  (w\w+) \[label=(<.*>), shape=plain\];$")  # a wire's numbers
TAIL = re.compile(r"^  (n\d+) -> (w\w+):w \[arrowhead=none(?:, )?(.*)\];$")  # the wire up to its label's left edge
HEAD = re.compile(r"^  (w\w+):e -> (n\d+|out)(?: \[(.*)\])?;$")  # from the label's right edge on, with the arrow
WIRE = re.compile(  # the value above the rule that continues the wire, the gradient below it
    rf'sides="b" color="#\w+"><font color="{VALUE}">(.*?)</font></td></tr><tr><td><font color="{GRAD}">(.*?)</font>'
)


def _graph(name):
    text, values = CASES[name]
    e = parse_expression(text)
    return e.graph(values), e.steps(values)


def _parse(dot: str):
    """``(nodes, edges)``: ``{name: attrs}`` and ``[(tail, head, attrs)]`` in the order drawn, ``attrs`` being
    the wire's label then its pen (a highlight, or nothing). A wire is three lines: its label node, the edge
    from the tail into the label's left side (no arrowhead), the edge from the label's right side to the head;
    both edges carry the same pen. Fails on any other line, outside the header."""
    lines = dot.splitlines()
    assert lines[0] == "digraph G {" and lines[-1] == "}"
    nodes, edges, body = {}, [], iter(lines[1:-1])
    for line in body:
        if m := LABEL.match(line):
            key, label = m.groups()
            tail, head = TAIL.match(next(body)), HEAD.match(next(body))
            assert tail and head and tail[2] == head[1] == key, (line, tail, head)
            assert tail[3] == (head[3] or ""), "both halves of a wire are drawn with one pen"
            edges.append((tail[1], head[2], label + (f", {tail[3]}" if tail[3] else "")))
        elif m := NODE.match(line):
            assert m[1] not in nodes, f"node declared twice: {line}"
            nodes[m[1]] = m[2]
        else:
            assert line.startswith("  ") and ("rankdir" in line or line.lstrip().startswith(("node [", "edge ["))), line
    return nodes, edges


def _wires(nodes):
    """Every wire as drawn: ``(input, consumer, slot)`` per input of every gate, then the output wire."""
    return [(i, g.id, slot) for g in nodes for slot, i in enumerate(g.inputs)] + [(nodes[-1].id, "out", 0)]


def _crossing_steps(nodes, steps):
    """``{(consumer, slot): step index}``: the backward pass visits each gate's inputs in order, one after
    another, so the k-th backward edge step into a gate crosses that gate's k-th input wire."""
    seen, out = {}, {}
    for k, s in enumerate(steps):
        if s.phase == "backward" and s.edge is not None:
            i, c = s.edge
            slot = seen.get(c, 0)
            seen[c] = slot + 1
            assert nodes[c].inputs[slot] == i, "the backward pass left a gate's input order"
            out[(c, slot)] = k
    assert all(seen.get(g.id, 0) == len(g.inputs) for g in nodes), "a wire was never crossed"
    return out


# ---------------------------------------------------------------- state_at


@pytest.mark.parametrize("name", list(CASES))
def test_steps_are_forward_in_topological_order_then_the_seed_then_one_per_wire(name):
    nodes, steps = _graph(name)
    n = len(nodes)
    assert [s.phase for s in steps] == ["forward"] * n + ["backward"] * (len(steps) - n)
    assert [s.node for s in steps[:n]] == list(range(n))
    assert all(i < g.id for g in nodes for i in g.inputs), "inputs come before the gate"
    assert steps[n].edge is None and steps[n].node == n - 1 and steps[n].grad == 1.0
    assert len(steps) == n + 1 + sum(len(g.inputs) for g in nodes)


@pytest.mark.parametrize("name", list(CASES))
def test_state_at_reveals_values_forward_and_gradients_backward(name):
    nodes, steps = _graph(name)
    n = len(nodes)
    for at in range(len(steps)):
        known, grads, _ = state_at(nodes, steps, at)
        assert known == set(range(min(at, n - 1) + 1)), at
        if at < n:
            assert grads == {}, "no gradient before the backward pass"
        else:
            assert grads[n - 1] == 1.0  # the seed, from the first backward step on
            # a gate hands gradients back only once its own is final: its consumers are all done
            s = steps[at]
            if s.edge is not None:
                consumer = s.edge[1]
                assert grads[consumer] == pytest.approx(nodes[consumer].grad, abs=1e-12), at
                assert grads[s.node] == pytest.approx(s.grad, abs=1e-12)
    # after the last step every node's gradient is the engine's ∂f/∂node
    known, grads, _ = state_at(nodes, steps, len(steps) - 1)
    assert known == set(range(n)) and set(grads) == set(range(n))
    for g in nodes:
        assert grads[g.id] == pytest.approx(g.grad, abs=1e-12), g.name


def test_state_at_accumulates_the_fan_out_of_x_times_y_plus_x():
    e = parse_expression("x * y + x")
    values = {"x": 3.0, "y": -2.0}
    nodes, steps = e.graph(values), e.steps(values)
    x = next(g.id for g in nodes if g.label == "x")
    into_x = [k for k, s in enumerate(steps) if s.phase == "backward" and s.node == x]
    assert len(into_x) == 2  # x is used twice: two gradients flow back into it
    first, second = into_x
    assert state_at(nodes, steps, first - 1)[1].get(x) is None
    assert state_at(nodes, steps, first)[1][x] == pytest.approx(steps[first].product)
    total = steps[first].product + steps[second].product
    assert state_at(nodes, steps, second)[1][x] == pytest.approx(total)
    assert total == pytest.approx(nodes[x].grad) == pytest.approx(values["y"] + 1)  # ∂f/∂x = y + 1 = -1
    assert {steps[first].product, steps[second].product} == {1.0, -2.0}  # 1 through +, y through ×


@pytest.mark.parametrize("name", list(CASES))
def test_state_at_delivers_each_wires_product_once_it_is_crossed(name):
    nodes, steps = _graph(name)
    crossing = _crossing_steps(nodes, steps)
    _, _, crossed = state_at(nodes, steps, len(steps) - 1)
    delivered = sorted(float(v) for v in crossed.values())
    assert delivered == pytest.approx(sorted(float(steps[k].product) for k in crossing.values()))
    assert len(crossed) == len(crossing), "every wire keeps its own gradient (two wires x -> gate are two)"


# ---------------------------------------------------------------- graph_dot: structure


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("where", ["first", "seed", "last"])
def test_dot_is_sane(name, where):
    nodes, steps = _graph(name)
    at = {"first": 0, "seed": len(nodes), "last": len(steps) - 1}[where]
    dot = graph_dot(nodes, steps, at)
    assert dot.count("{") == dot.count("}") == 1
    assert dot.count("[") == dot.count("]")
    drawn, edges = _parse(dot)
    assert set(drawn) == {f"n{g.id}" for g in nodes} | {"out"}  # one node line per GraphNode, plus the output
    assert len(edges) == sum(len(g.inputs) for g in nodes) + 1  # one edge per input, plus the output wire
    assert [(t, h) for t, h, _ in edges] == [(f"n{i}", "out" if c == "out" else f"n{c}") for i, c, _ in _wires(nodes)]
    for t, h, attrs in edges:
        assert t in drawn and h in drawn
        assert WIRE.search(attrs), attrs
    for attrs in [*drawn.values(), *(a for *_, a in edges)]:
        _html_labels_balance(attrs)


def _html_labels_balance(attrs: str) -> None:
    """An HTML label ``<...>`` closes on its own bracket and its tags pair up: nothing unescaped inside."""
    if "label=<" not in attrs:
        return
    start = attrs.index("label=<") + len("label=")
    depth, end = 0, None
    for k in range(start, len(attrs)):
        depth += {"<": 1, ">": -1}.get(attrs[k], 0)
        if depth == 0:
            end = k
            break
    assert end is not None, f"unclosed HTML label: {attrs}"
    body = attrs[start + 1 : end]
    tags = re.findall(r"<(/?)(\w+)[^>]*?(/?)>", body)
    stack = []
    for closing, tag, empty in tags:
        if empty:
            continue
        if closing:
            assert stack and stack.pop() == tag, body
        else:
            stack.append(tag)
    assert not stack, body
    assert not re.search(r"&(?!(?:lt|gt|amp|quot|#x27);)", body), f"bare & in {body}"


def test_at_is_clamped_to_the_steps():
    nodes, steps = _graph("add_multiply")
    assert graph_dot(nodes, steps, -3) == graph_dot(nodes, steps, 0)
    assert graph_dot(nodes, steps, 10_000) == graph_dot(nodes, steps, len(steps) - 1)


def test_gates_show_their_symbol_and_step_name_and_inputs_their_name():
    nodes, steps = _graph("add_multiply")
    drawn, _ = _parse(graph_dot(nodes, steps, 0))
    by_label = {g.label: g for g in nodes}
    assert "<b>x</b>" in drawn[f"n{by_label['x'].id}"] and "shape=plaintext" in drawn[f"n{by_label['x'].id}"]
    add, mul = by_label["+"], by_label["*"]
    assert f"label=<<b>+</b><br/>{add.name}>" in drawn[f"n{add.id}"]
    assert "label=<<b>×</b><br/>f>" in drawn[f"n{mul.id}"]  # the output is named f


# ---------------------------------------------------------------- graph_dot: what each step shows


def _highlights(dot):
    drawn, edges = _parse(dot)
    lit_nodes = {k: a for k, a in drawn.items() if f'fillcolor="{NOW}"' in a}
    fwd = [(t, h) for t, h, a in edges if f'color="{VALUE}", penwidth=3.5' in a]
    back = [(t, h) for t, h, a in edges if f'color="{GRAD}", penwidth=4' in a]
    pens = [a.split(">, ")[-1] if ">, " in a else "" for *_, a in edges]
    lit = (rf'color="{VALUE}", penwidth=3\.5, arrowsize=[\d.]+', rf'color="{GRAD}", penwidth=4, arrowsize=[\d.]+')
    assert all(p == "" or any(re.fullmatch(x, p) for x in lit) for p in pens), pens
    # a lit wire's label is ruled in the wire's color, a plain one in the wire color
    for *_, a in edges:
        rule = re.search(r'sides="b" color="(#\w+)"', a)[1]
        lit_in = next((c for c in (VALUE, GRAD) if f'color="{c}", penwidth' in a), "#8A8A8A")
        assert rule == lit_in
    return lit_nodes, fwd, back


def _name(node_id):
    return "out" if node_id == "out" else f"n{node_id}"


@pytest.mark.parametrize("name", list(CASES))
def test_each_step_highlights_its_gate_or_wire(name):
    nodes, steps = _graph(name)
    n = len(nodes)
    for at, s in enumerate(steps):
        lit, fwd, back = _highlights(graph_dot(nodes, steps, at))
        if s.phase == "forward":
            # the node computed, and exactly the wires that feed it
            assert set(lit) == {f"n{s.node}"} and f'color="{VALUE}"' in lit[f"n{s.node}"], at
            assert sorted(fwd) == sorted((f"n{i}", f"n{s.node}") for i in nodes[s.node].inputs), at
            assert back == [], at
        elif s.edge is None:
            # the seed: the output wire carries ∂f/∂f = 1, the output gate is lit in the gradient's color
            assert at == n and back == [(f"n{n - 1}", "out")] and fwd == []
            assert set(lit) == {f"n{n - 1}"} and f'color="{GRAD}"' in lit[f"n{n - 1}"]
        else:
            i, c = s.edge
            assert back == [(f"n{i}", f"n{c}")], f"step {at}: exactly the wire {s.edge}, got {back}"
            assert fwd == []
            # the gate whose gradient grows is lit; an input or constant is plain text, its wire says it
            leaf = nodes[i].op in ("input", "const")
            assert set(lit) == (set() if leaf else {f"n{i}"}), at


@pytest.mark.parametrize("name", list(CASES))
def test_wire_labels_show_values_after_the_forward_step_and_gradients_after_the_backward_step(name):
    nodes, steps = _graph(name)
    n, crossing = len(nodes), _crossing_steps(nodes, steps)
    wires = _wires(nodes)
    for at in range(len(steps)):
        _, edges = _parse(graph_dot(nodes, steps, at))
        assert len(edges) == len(wires)
        for (i, c, slot), (*_, attrs) in zip(wires, edges, strict=True):
            value, grad = WIRE.search(attrs).groups()
            # forward step i computes node i: its value travels on every wire out of it from then on
            assert value == (fmt(nodes[i].value) if at >= i else " "), (at, i, c)
            if c == "out":
                assert grad == ("1" if at >= n else " "), at
            else:
                k = crossing[(c, slot)]
                assert grad == (fmt(steps[k].product) if at >= k else " "), (at, i, c, slot)


def test_two_wires_from_one_input_into_one_gate_keep_their_own_gradients():
    """x - x: the first wire carries +1, the second -1; each is lit and labelled on its own step."""
    e = parse_expression("x - x")
    nodes, steps = e.graph({"x": 3.0}), e.steps({"x": 3.0})
    first, second = (k for k, s in enumerate(steps) if s.edge is not None)
    grads = lambda at: [WIRE.search(a)[2] for t, h, a in _parse(graph_dot(nodes, steps, at))[1] if h != "out"]  # noqa: E731
    lit = lambda at: [("penwidth=4" in a) for t, h, a in _parse(graph_dot(nodes, steps, at))[1] if h != "out"]  # noqa: E731
    assert grads(first - 1) == [" ", " "]
    assert grads(first) == ["1", " "] and lit(first) == [True, False]
    assert grads(second) == ["1", "-1"] and lit(second) == [False, True]
    assert nodes[0].grad == 0.0


# ---------------------------------------------------------------- graph_dot: escaping


def _hand_graph():
    """A graph no parser would make: a constant, an input and a gate whose labels and names carry HTML."""
    v = np.float64
    nodes = (
        GraphNode(0, "const", "1<2", "1<2", (), v(1.0), v(0.5), "1<2"),
        GraphNode(1, "input", "a&b", "a&b", (), v(2.0), v(-1.0), "a&b"),
        GraphNode(2, "<&>", "<&>", 'f"<&>', (0, 1), v(3.0), v(1.0), "g(1<2, a&b)"),
    )
    steps = [Step("forward", g.id, g.op, g.inputs, g.value, f"forward {g.name}") for g in nodes]
    steps.append(Step("backward", 2, "<&>", (0, 1), v(3.0), "seed", grad=v(1.0)))
    for i, prod in ((0, v(0.5)), (1, v(-1.0))):
        steps.append(Step("backward", i, nodes[i].op, (), nodes[i].value, "edge", edge=(i, 2), product=prod, grad=prod))
    return nodes, steps


@pytest.mark.parametrize("at", range(6))
def test_html_special_characters_in_labels_are_escaped(at):
    nodes, steps = _hand_graph()
    dot = graph_dot(nodes, steps, at)
    drawn, edges = _parse(dot)
    for raw in ("1<2", "a&b", "<&>", '"<&>'):
        assert raw not in dot, raw
    assert "<b>1&lt;2</b>" in drawn["n0"]
    assert "<b>a&amp;b</b>" in drawn["n1"]
    assert "<b>&lt;&amp;&gt;</b><br/>f&quot;&lt;&amp;&gt;>" in drawn["n2"]
    assert len(edges) == 3
    for attrs in [*drawn.values(), *(a for *_, a in edges)]:
        _html_labels_balance(attrs)


# ---------------------------------------------------------------- graph_dot: numbers on their wires, type size


@pytest.mark.parametrize("name", list(CASES))
def test_numbers_sit_on_their_own_wire_never_between_wires(name):
    """A Graphviz edge label floats beside its edge, where a student cannot tell which wire it belongs to (the
    2D neuron's looked like labels of the wire below): each wire runs through a label node of its own instead,
    value above the line, gradient below."""
    nodes, steps = _graph(name)
    dot = graph_dot(nodes, steps, len(steps) - 1)
    assert " -> " in dot and not re.search(r" -> [^\n]*label=", dot), "no edge carries a floating label"
    drawn, edges = _parse(dot)  # every label node is entered by its tail and left toward its head, once
    keys = re.findall(r"^  (w\w+) \[", dot, flags=re.M)
    assert len(keys) == len(set(keys)) == len(edges) == len(_wires(nodes))
    for key in keys:
        assert dot.count(f"-> {key}:w ") == 1 and dot.count(f"  {key}:e -> ") == 1


@pytest.mark.parametrize("projection", [False, True])
@pytest.mark.parametrize("name", list(CASES))
def test_no_text_in_the_graph_is_smaller_than_its_type(name, projection):
    """The gate names were drawn 4 points smaller than the rest: the smallest text sets the graph's readability."""
    nodes, steps = _graph(name)
    dot = graph_dot(nodes, steps, len(steps) - 1, projection=projection)
    font = int(re.search(r"node \[[^\]]*fontsize=(\d+)", dot)[1])
    assert font == 22 or (projection and font >= PROJECTION_FONT)
    sizes = [int(v) for v in re.findall(r'(?:point-size="|fontsize=)(\d+)', dot)]
    assert min(sizes, default=font) >= font - 1, sizes  # the edge default (no edge text left) is font - 1
    assert "point-size" not in dot


def test_no_label_has_a_flat_rule():
    """An <hr/> in a label is a polygon of no height: the browser's Graphviz tweens it into NaN paths and the
    graph stops redrawing from the next step on (seen in chromium); the rule is a cell's bottom border."""
    nodes, steps = _graph("add_multiply")
    assert all("<hr" not in graph_dot(nodes, steps, at).lower() for at in range(len(steps)))
