"""The backprop page, driven through its widgets: the circuits load, the stepper walks every step with the
step's own text and the graph drawn at that step, the gate patterns are named, the check agrees, and a
formula that does not parse is explained while the last good graph stays."""

import re

import pytest

from gdviz import parse_expression
from gdviz.autodiff.circuits import CIRCUITS, chain_rule
from gdviz.expression import ExpressionError
from gdviz.viz.graph import GRAD, graph_dot

from .conftest import no_exceptions

PAGE = "pages/backprop.py"
PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")  # ASCII punctuation, which Markdown may read


def _dot(at):
    charts = at.get("graphviz_chart")
    assert len(charts) == 1, "one graph on the page"
    return charts[0].proto.spec


def _bold(at):
    """The step's sentence: the one markdown that is bold from end to end."""
    texts = [m.value for m in at.markdown if m.value.startswith("**") and m.value.endswith("**")]
    assert len(texts) == 1, texts
    # Markdown must not read the step (d**2 is no bold): every ASCII punctuation mark comes escaped
    plain, chars = [], iter(texts[0][2:-2])
    for ch in chars:
        if ch == "\\":
            plain.append(next(chars))
        else:
            assert not PUNCTUATION.match(ch), f"unescaped {ch!r} in {texts[0]}"
            plain.append(ch)
    return "".join(plain)


def _pattern(at):
    return [c.value for c in at.caption if c.value.startswith("Pattern: ")]


def _words(at):
    """The step's local and upstream gradients in words (a backward step along a wire), unescaped."""
    return [c.value.replace("\\", "") for c in at.caption if c.value.startswith("local gradient ")]


def _check_table(at):
    table = at.dataframe[0].value
    return {row["input"]: row for _, row in table.iterrows()}


def _expected(text, values):
    e = parse_expression(text)
    return e, e.graph(values), e.steps(values)


def _values(at, names):
    return {n: at.number_input(key=f"bp.v.{n}").value for n in names}


def test_default_is_the_add_multiply_circuit_at_its_first_step(open_page):
    at = open_page(PAGE)
    no_exceptions(at)
    c = CIRCUITS["add_multiply"]
    assert at.text_input(key="bp.text").value == c.text
    assert _values(at, c.values) == c.values
    e, nodes, steps = _expected(c.text, c.values)
    assert at.session_state["bp.cursor"] == 0
    assert _dot(at) == graph_dot(nodes, steps, 0)
    assert _dot(at).startswith("digraph G {")
    assert _bold(at) == steps[0].text == "forward: x = -2 (input)"
    assert any(c.watch in i.value for i in at.info)
    assert any(f"**step 1 of {len(steps)} (forward pass)**" in m.value for m in at.markdown)
    assert not at.error


@pytest.mark.parametrize("name", list(CIRCUITS))
def test_each_circuit_button_loads_its_formula_values_and_graph(open_page, name):
    at = open_page(PAGE)
    # first wander off: another formula, a changed value and a later step, which the button must all replace
    at.text_input(key="bp.text").set_value("x*x + sin(y)").run()
    at.number_input(key="bp.v.x").set_value(7.0).run()
    at.button(key="bp_step_fwd").click().run()
    at.button(key=f"bp.preset.{name}").click().run()
    no_exceptions(at)
    c = CIRCUITS[name]
    assert at.text_input(key="bp.text").value == c.text
    assert _values(at, c.values) == c.values
    assert at.session_state["bp.cursor"] == 0
    _, nodes, steps = _expected(c.text, c.values)
    assert _dot(at) == graph_dot(nodes, steps, 0)
    assert any(c.watch in i.value for i in at.info)
    assert [r for r in _check_table(at)] == list(parse_expression(c.text).variables)


GATE_NOTES = {
    "add_multiply": ["add distributes", "multiply swaps"],
    "neuron": ["add distributes", "multiply swaps"],
    "max_gate": ["max routes", "multiply swaps", "add distributes"],
    "squared_error": ["subtract distributes", "add distributes", "multiply swaps"],
    "fan_out": ["fan-out accumulates", "add distributes", "multiply swaps"],
}


@pytest.mark.parametrize("name", list(CIRCUITS))
def test_stepping_walks_every_step_with_its_text_graph_and_pattern(open_page, name):
    at = open_page(PAGE)
    at.button(key=f"bp.preset.{name}").click().run()
    c = CIRCUITS[name]
    _, nodes, steps = _expected(c.text, c.values)
    seen_texts, notes = [], set()
    for i, step in enumerate(steps):
        no_exceptions(at)
        assert at.session_state["bp.cursor"] == i
        told = chain_rule(nodes, steps, i)
        assert _bold(at) == told.line, i
        assert _words(at) == ([told.words.replace("\\", "")] if told.words else []), i
        phase = "forward" if i < len(nodes) else "backward"
        assert any(f"**step {i + 1} of {len(steps)} ({phase} pass)**" in m.value for m in at.markdown), i
        assert _dot(at) == graph_dot(nodes, steps, i), i
        pattern = _pattern(at)
        if step.gate:
            assert pattern == ["Pattern: " + step.gate.replace("; ", ". ") + "."], i
            notes.update(p.split(":")[0] for p in step.gate.split("; "))
        else:
            assert pattern == [], i
        seen_texts.append(_bold(at))
        at.button(key="bp_step_fwd").click().run()
    assert seen_texts == [chain_rule(nodes, steps, i).line for i in range(len(steps))]
    # each click changes the sentence, except between two forward steps of equal constants (the neuron's
    # two 1s: constants are named by their value, so both read "forward: 1 = 1 (constant)")
    repeats = [i for i in range(1, len(steps)) if seen_texts[i] == seen_texts[i - 1]]
    assert all(steps[i].phase == "forward" and steps[i].op == steps[i - 1].op == "const" for i in repeats), repeats
    # past the end it stays at the last step
    assert at.session_state["bp.cursor"] == len(steps) - 1 and _bold(at) == chain_rule(nodes, steps, -1).line
    assert set(GATE_NOTES[name]) <= notes, notes
    # and back: one step at a time, then the reset
    at.button(key="bp_step_back").click().run()
    assert at.session_state["bp.cursor"] == len(steps) - 2 and _bold(at) == chain_rule(nodes, steps, -2).line
    at.button(key="bp_step_reset").click().run()
    assert at.session_state["bp.cursor"] == 0 and _bold(at) == steps[0].text
    at.button(key="bp_step_back").click().run()  # never below the first step
    assert at.session_state["bp.cursor"] == 0
    no_exceptions(at)


def test_jump_to_the_backward_pass_opens_the_seed_and_jump_to_the_end_the_last_step(open_page):
    at = open_page(PAGE)
    at.button(key="bp.preset.neuron").click().run()
    c = CIRCUITS["neuron"]
    _, nodes, steps = _expected(c.text, c.values)
    at.button(key="bp.jump").click().run()
    no_exceptions(at)
    assert at.session_state["bp.cursor"] == len(nodes)
    assert _bold(at) == steps[len(nodes)].text == "backward: ∂f/∂f = 1 (the seed)"
    assert any(f"**step {len(nodes) + 1} of {len(steps)} (backward pass)**" in m.value for m in at.markdown)
    out_wire = next(line for line in _dot(at).splitlines() if "-> out" in line)
    assert f'color="{GRAD}", penwidth=4' in out_wire
    at.button(key="bp.end").click().run()
    no_exceptions(at)
    assert at.session_state["bp.cursor"] == len(steps) - 1
    assert _bold(at) == chain_rule(nodes, steps, len(steps) - 1).line
    assert _dot(at) == graph_dot(nodes, steps, len(steps) - 1)
    # every gradient is on its wire now: the lecture's ∂f/∂x0 = 0.3932 and ∂f/∂w0 = -0.1966 among them
    assert "0.3932" in _dot(at) and "-0.1966" in _dot(at)


def _step_until(at, pred, limit=60):
    for _ in range(limit):
        if pred(at):
            return
        at.button(key="bp_step_fwd").click().run()
    raise AssertionError("never reached")


def test_the_max_gate_routes_the_whole_gradient_to_z_and_none_to_w(open_page):
    at = open_page(PAGE)
    at.button(key="bp.preset.max_gate").click().run()
    routed = []
    _step_until(at, lambda a: any("max routes" in p for p in _pattern(a)))
    routed.append(_bold(at))
    at.button(key="bp_step_fwd").click().run()
    assert any("max routes" in p for p in _pattern(at))
    routed.append(_bold(at))
    no_exceptions(at)
    z, w = routed  # max(z, w) hands back to z first, then w
    assert z.startswith("backward: ∂f/∂z += ") and z.endswith("= 1 × 2 = 2")
    assert w.startswith("backward: ∂f/∂w += ") and w.endswith("= 0 × 2 = 0")


def test_the_multiply_gate_swaps_its_inputs_values(open_page):
    at = open_page(PAGE)  # (x + y) * z at (-2, 5, -4): ∂f/∂z is x + y = 3, ∂f/∂(x + y) is z = -4
    _step_until(at, lambda a: any("multiply swaps" in p for p in _pattern(a)))
    first = _bold(at)
    at.button(key="bp_step_fwd").click().run()
    second = _bold(at)
    # the local gradient is the gate's own ∂(a * z)/∂a, never ∂f/∂a again: the line is not circular
    assert {first, second} == {
        "backward: ∂f/∂a += ∂(a * z)/∂a × ∂f/∂f = -4 × 1 = -4",
        "backward: ∂f/∂z += ∂(a * z)/∂z × ∂f/∂f = 3 × 1 = 3",
    }
    assert _words(at) == [
        "local gradient ∂(a * z)/∂z = 3: how the gate f = a * z alone changes when z moves. Upstream gradient "
        "∂f/∂f = 1: the seed. Local × upstream = 3 is added to ∂f/∂z."
    ]
    at.button(key="bp_step_fwd").click().run()
    assert any("add distributes" in p for p in _pattern(at))
    assert _bold(at).endswith("= 1 × -4 = -4")  # x gets the add gate's upstream -4 unchanged
    no_exceptions(at)


def test_a_variable_used_twice_accumulates_its_gradients(open_page):
    at = open_page(PAGE)
    at.button(key="bp.preset.fan_out").click().run()
    into_x = []
    for _ in range(len(parse_expression("x * y + x").steps(CIRCUITS["fan_out"].values))):
        if any("fan-out accumulates: x is used 2 times" in p for p in _pattern(at)):
            into_x.append(_bold(at))
        at.button(key="bp_step_fwd").click().run()
    no_exceptions(at)
    assert len(into_x) == 2
    assert into_x[0].endswith("= 1 × 1 = 1")  # through the add gate
    assert into_x[1].endswith("= -2 × 1 = -2 (so far ∂f/∂x = -1)")  # through the multiply: y, and the sum y + 1


@pytest.mark.parametrize("name", list(CIRCUITS))
def test_the_check_table_agrees_with_numerical_differences(open_page, name):
    at = open_page(PAGE)
    at.button(key=f"bp.preset.{name}").click().run()
    no_exceptions(at)
    c = CIRCUITS[name]
    e = parse_expression(c.text)
    rows = _check_table(at)
    assert list(rows) == list(e.variables)
    grads = e.gradients(c.values)
    for var, row in rows.items():
        assert row["value"] == c.values[var]
        assert float(row["∂f/∂input by backprop"]) == pytest.approx(grads[var], abs=1e-7)
        assert float(row["numerical (centered, h = 1e-6)"]) == pytest.approx(grads[var], abs=1e-6)
        assert float(row["relative error"]) < 1e-7, (var, row["relative error"])


BAD = ["x +", "__import__('os')", "x.y", "9**9**9**9", "2x"]


@pytest.mark.parametrize("bad", BAD)
def test_a_malformed_formula_is_explained_and_the_last_graph_stays(open_page, bad):
    with pytest.raises(ExpressionError) as parser:
        parse_expression(bad)
    at = open_page(PAGE)
    at.button(key="bp_step_fwd").click().run()
    before, before_table = _dot(at), at.dataframe[0].value
    at.text_input(key="bp.text").set_value(bad).run()
    no_exceptions(at)
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and str(parser.value) in errors[0], (errors, str(parser.value))
    assert "Still showing the last formula that worked" in errors[0]
    assert at.text_input(key="bp.text").value == bad  # what was typed stays, to be corrected
    assert _dot(at) == before
    assert at.dataframe[0].value.equals(before_table)
    assert any("f = `(x + y) * z`" in m.value for m in at.markdown)
    # fixing it brings the page back, with no error left
    at.text_input(key="bp.text").set_value("x * y").run()
    no_exceptions(at)
    assert not at.error and list(_check_table(at)) == ["x", "y"]


def test_a_malformed_formula_after_a_typed_one_keeps_the_typed_one(open_page):
    at = open_page(PAGE)
    at.text_input(key="bp.text").set_value("x*x + sin(y)").run()
    good = _dot(at)
    at.text_input(key="bp.text").set_value("x*x + sin(").run()
    no_exceptions(at)
    assert len(at.error) == 1
    assert _dot(at) == good
    assert list(_check_table(at)) == ["x", "y"]


def test_a_typed_formula_gets_an_input_per_variable_and_the_check_follows_the_values(open_page):
    at = open_page(PAGE)
    at.text_input(key="bp.text").set_value("x*x + sin(y)").run()
    no_exceptions(at)
    assert not at.info, "the circuit's note is gone: this is a typed formula"
    assert any("f = `x*x + sin(y)`" in m.value for m in at.markdown)
    names = [n.label for n in at.sidebar.number_input]
    assert names == ["x", "y"]  # z, the old circuit's third input, is gone
    values = _values(at, ["x", "y"])
    e, nodes, steps = _expected("x*x + sin(y)", values)
    assert _dot(at) == graph_dot(nodes, steps, 0)
    rows = _check_table(at)
    assert list(rows) == ["x", "y"]
    assert float(rows["y"]["∂f/∂input by backprop"]) == pytest.approx(e.gradients(values)["y"], abs=1e-7)

    at.number_input(key="bp.v.y").set_value(0.5).run()
    at.number_input(key="bp.v.x").set_value(1.5).run()
    no_exceptions(at)
    rows = _check_table(at)
    assert (rows["x"]["value"], rows["y"]["value"]) == (1.5, 0.5)
    assert float(rows["x"]["∂f/∂input by backprop"]) == pytest.approx(3.0)
    assert float(rows["y"]["∂f/∂input by backprop"]) == pytest.approx(0.8775825619, abs=1e-8)  # cos 0.5
    assert all(float(r["relative error"]) < 1e-7 for r in rows.values())
    _, nodes, steps = _expected("x*x + sin(y)", {"x": 1.5, "y": 0.5})
    assert _dot(at) == graph_dot(nodes, steps, 0)  # the graph follows the values too


def test_a_new_variable_starts_at_one(open_page):
    at = open_page(PAGE)
    at.text_input(key="bp.text").set_value("q * r").run()
    no_exceptions(at)
    assert _values(at, ["q", "r"]) == {"q": 1.0, "r": 1.0}


def test_a_formula_without_variables_draws_and_checks_nothing(open_page):
    at = open_page(PAGE)
    at.text_input(key="bp.text").set_value("2 + 3").run()
    no_exceptions(at)
    assert not at.error
    assert len(at.sidebar.number_input) == 0
    assert "5" in _dot(at)
    at.button(key="bp.end").click().run()
    no_exceptions(at)
    assert _bold(at).startswith("backward: ∂f/∂")


def test_the_cursor_is_clamped_when_the_formula_gets_shorter(open_page):
    at = open_page(PAGE)
    at.button(key="bp.preset.neuron").click().run()
    at.button(key="bp.end").click().run()
    at.text_input(key="bp.text").set_value("x * y").run()
    no_exceptions(at)
    _, nodes, steps = _expected("x * y", _values(at, ["x", "y"]))
    assert at.session_state["bp.cursor"] == len(steps) - 1
    assert _bold(at) == chain_rule(nodes, steps, len(steps) - 1).line
