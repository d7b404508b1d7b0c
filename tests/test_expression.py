"""Tests for gdviz/expression.py: the grammar, exact gradients, the recorded steps, and every refusal.

Gradients are checked against worked examples (CS231n's backprop notes), against PyTorch autograd
(tests/fixtures/autodiff_refs.json, recorded offline by make_autodiff_refs.py) and against the
steps' own arithmetic. Hostile inputs must each raise ExpressionError naming what and where.
"""

import json
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import gdviz
from gdviz.expression import (
    CHUNK,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_NODES,
    Expression,
    ExpressionError,
    parse_expression,
)

REFS = json.loads((Path(__file__).parent / "fixtures" / "autodiff_refs.json").read_text())

CS231N_NEURON = "1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))"
NEURON_VALUES = {"w0": 2.0, "x0": -1.0, "w1": -3.0, "x1": -2.0, "w2": -3.0}


def _balanced_sum(leaves: list[str]) -> str:
    """``((a+b)+(c+d))...``: many nodes, little depth."""
    while len(leaves) > 1:
        leaves = [f"({a}+{b})" for a, b in zip(leaves[::2], leaves[1::2], strict=True)]
    return leaves[0]


# --- the grammar ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("x + y * z", 2 + 3 * 4),
        ("(x + y) * z", (2 + 3) * 4),
        ("x - y - z", 2 - 3 - 4),
        ("x / y / z", 2 / 3 / 4),
        ("x ** y", 8.0),
        ("2 ** 3 ** 2", 512.0),  # right-associative
        ("-x ** 2", -4.0),  # -(x**2)
        ("+x - -y", 5.0),
        ("x^2 + 1", 5.0),  # ^ is **, with **'s precedence
        ("2^3^2", 512.0),
        ("-x^2", -4.0),
        ("2*x^-1", 1.0),
        ("exp(log(x)) + sqrt(z) + abs(-y)", 2 + 2 + 3),
        ("max(x, y) + min(x, y)", 5.0),
        ("relu(x - y) + relu(y - x)", 1.0),
        ("sigmoid(0) + tanh(0) + sin(0) + cos(0)", 1.5),
        ("pi + e", np.pi + np.e),
        ("1e-3 * x + .5 + 1.", 0.002 + 1.5),
        ("  x  ", 2.0),
    ],
)
def test_the_grammar_evaluates_like_arithmetic(text, value):
    e = parse_expression(text)
    assert isinstance(e, Expression) and e.text == text
    assert e.evaluate({"x": 2.0, "y": 3.0, "z": 4.0}) == pytest.approx(value, rel=1e-15)


def test_variables_in_order_of_first_appearance_constants_excluded():
    assert parse_expression("z * y + x * z - pi * e").variables == ("z", "y", "x")
    assert parse_expression(CS231N_NEURON).variables == ("w0", "x0", "w1", "x1", "w2")
    assert parse_expression("2 + 3").variables == ()


def test_the_names_are_exported_from_gdviz():
    assert gdviz.parse_expression is parse_expression and gdviz.ExpressionError is ExpressionError
    assert gdviz.Expression is Expression
    assert issubclass(ExpressionError, ValueError)


# --- gradients -----------------------------------------------------------------------------------


def test_cs231n_add_then_multiply():
    e = parse_expression("(x + y) * z")
    values = {"x": -2.0, "y": 5.0, "z": -4.0}
    assert e.evaluate(values) == -12.0
    assert e.gradients(values) == {"x": -4.0, "y": -4.0, "z": 3.0}


def test_cs231n_sigmoid_neuron():
    e = parse_expression(CS231N_NEURON)
    assert e.evaluate(NEURON_VALUES) == pytest.approx(0.73105857863, rel=1e-10)
    s = 1 / (1 + np.exp(-1.0))  # w·x + b = 1 at these values
    w, x = np.array([2.0, -3.0]), np.array([-1.0, -2.0])
    expected = {"w0": x[0], "x0": w[0], "w1": x[1], "x1": w[1], "w2": 1.0}
    for name, g in e.gradients(NEURON_VALUES).items():
        assert g == pytest.approx(s * (1 - s) * expected[name], rel=1e-14)
    assert [round(g, 2) for g in e.gradients(NEURON_VALUES).values()] == [-0.2, 0.39, -0.39, -0.59, 0.2]


def test_max_routes_the_gradient():
    e = parse_expression("2 * (x*y + max(z, w))")
    values = {"x": 3.0, "y": -4.0, "z": 2.0, "w": -1.0}
    assert e.evaluate(values) == -20.0
    assert e.gradients(values) == {"x": -8.0, "y": 6.0, "z": 2.0, "w": 0.0}


def test_squared_error_of_a_line():
    e = parse_expression("(w*x + b - y)**2")
    values = {"w": 2.0, "x": 3.0, "b": 1.0, "y": 4.0}  # residual 3
    assert e.evaluate(values) == 9.0
    assert e.gradients(values) == {"w": 18.0, "x": 12.0, "b": 6.0, "y": -6.0}


@pytest.mark.parametrize("case", REFS["cases"], ids=[c["expression"] for c in REFS["cases"]])
def test_matches_torch_autograd(case):
    e = parse_expression(case["expression"])
    for point in case["points"]:
        assert e.evaluate(point["values"]) == pytest.approx(point["f"], rel=1e-12, abs=1e-300)
        grads = e.gradients(point["values"])
        assert grads.keys() == point["gradients"].keys()
        for name, g in point["gradients"].items():
            assert grads[name] == pytest.approx(g, rel=1e-12, abs=1e-15), name


def test_torch_references_cover_every_function():
    used = " ".join(c["expression"] for c in REFS["cases"])
    for name in gdviz.expression.FUNCTIONS:
        assert f"{name}(" in used
    assert len(REFS["cases"]) >= 15 and all(len(c["points"]) == 3 for c in REFS["cases"])


def test_arrays_evaluate_a_whole_grid_at_once():
    e = parse_expression("x**2 * y + sin(x)")
    x, y = np.linspace(-1, 1, 5)[None, :], np.linspace(-2, 2, 3)[:, None]
    np.testing.assert_array_equal(e.evaluate({"x": x, "y": y}), x**2 * y + np.sin(x))
    X, Y = np.broadcast_arrays(x, y)
    g = e.gradients({"x": X, "y": Y})
    np.testing.assert_allclose(g["x"], 2 * X * Y + np.cos(X), rtol=1e-15)
    np.testing.assert_allclose(g["y"], X**2, rtol=1e-15)
    assert parse_expression("x + 1").gradients({"x": x})["x"].shape == x.shape


@pytest.mark.parametrize("n", [CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17])
def test_big_grids_are_taken_in_chunks_with_the_same_numbers(n, monkeypatch):
    e = parse_expression("sin(x) * y**2 + exp(-x*y) / (1 + x**2)")
    values = dict(zip("xy", np.random.default_rng(n).normal(size=(2, n, 1)), strict=True))
    f, grads = e.evaluate(values), e.gradients(values)
    monkeypatch.setattr(gdviz.expression, "CHUNK", 10 * n)  # one pass
    np.testing.assert_array_equal(f, e.evaluate(values))
    for name, g in e.gradients(values).items():
        assert grads[name].shape == (n, 1)
        np.testing.assert_array_equal(grads[name], g)
    x, y = values["x"], values["y"]
    np.testing.assert_allclose(grads["y"], 2 * np.sin(x) * y - x * np.exp(-x * y) / (1 + x**2), rtol=1e-12, atol=1e-14)


def test_a_variable_used_twice_is_one_input_with_fan_out():
    e = parse_expression("x*x + x")
    graph = e.graph({"x": 3.0})
    assert [n.label for n in graph if n.op == "input"] == ["x"]
    assert e.gradients({"x": 3.0}) == {"x": 7.0}


def test_missing_values_are_named_extra_values_ignored():
    e = parse_expression("a * b + c")
    with pytest.raises(ExpressionError, match="no value given for b, c"):
        e.evaluate({"a": 1.0, "z": 2.0})
    assert e.evaluate({"a": 1.0, "b": 2.0, "c": 3.0, "z": 9.0}) == 5.0


def test_non_finite_results_are_values_not_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        e = parse_expression("log(x) + 1/y")
        assert e.evaluate({"x": 0.0, "y": 1.0}) == -np.inf
        assert np.isinf(e.gradients({"x": 0.0, "y": 0.0})["y"])


# --- the graph and the steps ---------------------------------------------------------------------


def test_graph_nodes_in_topological_order_with_values_and_grads():
    e = parse_expression("(x + y) * z")
    graph = e.graph({"x": -2.0, "y": 5.0, "z": -4.0})
    assert [n.id for n in graph] == list(range(5))
    assert [(n.label, n.op, n.inputs) for n in graph] == [
        ("x", "input", ()),
        ("y", "input", ()),
        ("+", "+", (0, 1)),
        ("z", "input", ()),
        ("*", "*", (2, 3)),
    ]
    assert [n.value for n in graph] == [-2.0, 5.0, 3.0, -4.0, -12.0]
    assert [n.grad for n in graph] == [-4.0, -4.0, -4.0, 3.0, 1.0]
    assert [n.name for n in graph] == ["x", "y", "a", "z", "f"]
    assert graph[2].text == "x + y" and graph[-1].text == "(x + y) * z"


def test_constants_are_labelled_as_typed_and_powers_by_exponent():
    graph = parse_expression("-2 * x**3 + pi").graph({"x": 1.0})
    assert [n.label for n in graph] == ["-2", "x", "**3", "*", "pi", "+"]


@pytest.mark.parametrize(
    "text, values",
    [
        ("(x + y) * z", {"x": -2.0, "y": 5.0, "z": -4.0}),
        (CS231N_NEURON, NEURON_VALUES),
        ("2 * (x*y + max(z, w))", {"x": 3.0, "y": -4.0, "z": 2.0, "w": -1.0}),
        ("(w*x + b - y)**2", {"w": 2.0, "x": 3.0, "b": 1.0, "y": 4.0}),
        ("x*x*x + x / x", {"x": 1.5}),
    ],
)
def test_steps_add_up_to_the_gradients(text, values):
    e = parse_expression(text)
    graph, steps = e.graph(values), e.steps(values)
    forward = [s for s in steps if s.phase == "forward"]
    backward = [s for s in steps if s.phase == "backward"]
    assert steps == forward + backward
    assert [s.node for s in forward] == [n.id for n in graph]
    assert [s.value for s in forward] == [n.value for n in graph]
    assert forward[-1].value == e.evaluate(values)
    seed, edges = backward[0], backward[1:]
    assert seed.edge is None and seed.grad == 1.0 and seed.node == graph[-1].id
    assert len(edges) == sum(len(n.inputs) for n in graph)
    grads = {n.id: 0.0 for n in graph}
    grads[seed.node] = 1.0
    for s in edges:
        source, consumer = s.edge
        assert s.node == source and source in graph[consumer].inputs
        assert s.upstream == grads[consumer], "a node's gradient is complete before it flows on"
        assert s.product == s.local * s.upstream
        grads[source] += s.product
        assert s.grad == grads[source]
        assert f"= {s.product:.4g}" in s.text and "+=" in s.text
    assert grads == {n.id: n.grad for n in graph}
    final = {graph[i].label: g for i, g in grads.items() if graph[i].op == "input"}
    assert final == e.gradients(values)


def test_step_texts_read_like_the_notes():
    steps = parse_expression("(x + y) * z").steps({"x": -2.0, "y": 5.0, "z": -4.0})
    texts = [s.text for s in steps]
    assert "forward: a = x + y = -2 + 5 = 3" in texts
    assert "forward: f = a * z = 3 * -4 = -12" in texts
    assert "backward: ∂f/∂x += ∂a/∂x × ∂f/∂a = 1 × -4 = -4" in texts
    assert "backward: ∂f/∂z += ∂f/∂z × ∂f/∂f = 3 × 1 = 3" in texts


def test_the_output_never_takes_a_variables_name():
    graph = parse_expression("f * a + b").graph({"f": 1.0, "a": 2.0, "b": 3.0})
    names = [n.name for n in graph]
    assert names[:3] == ["f", "a", "c"] and names[-1] not in {"f", "a", "b", "c"}
    assert len(set(names)) == len(names)


def test_gates_name_the_pattern():
    steps = parse_expression("max(x, y) + x * y").steps({"x": 3.0, "y": 2.0})
    gates = {(s.edge, s.gate) for s in steps if s.edge}
    notes = " | ".join(g for _, g in gates)
    for pattern in ("add distributes", "max routes", "multiply swaps", "fan-out accumulates"):
        assert pattern in notes
    into_x = [s for s in steps if s.edge and s.node == 0]
    assert len(into_x) == 2 and all("fan-out" in s.gate for s in into_x)
    assert "so far ∂f/∂x = " in into_x[1].text


# --- refusals ------------------------------------------------------------------------------------

HOSTILE = {
    "dunder import": ("__import__('os')", "unknown function '__import__'"),
    "subclass walk": ("().__class__.__bases__[0].__subclasses__()", "only named functions can be called"),
    "open": ("open('/etc/passwd')", "unknown function 'open'"),
    "attribute": ("x.real", "attribute access is not allowed (at column 1: 'x.real')"),
    "subscript": ("x[0]", "subscripts are not allowed"),
    "lambda": ("lambda: 1", "lambdas are not allowed"),
    "comprehension": ("[x for x in y]", "comprehensions are not allowed"),
    "conditional": ("x if y else z", "conditional expressions"),
    "comparison": ("x < y", "comparisons are not allowed"),
    "string": ("'a'", "strings are not allowed"),
    "power tower": ("9 ** 9 ** 9 ** 9", f"constant exponents are at most {MAX_EXPONENT}"),
    "deep parens": ("(" * 10000 + "x" + ")" * 10000, "too long: 20001 characters"),
    "long sum": ("+".join(["x"] * 50000), "too long: 99999 characters"),
    "overflowing literal": ("1e400", "numbers are at most"),
    "statements": ("x; y", "statements (;) are not allowed (at column 2"),
    "non-ASCII": ("x × y", "non-ASCII character '×' (U+00D7) is not allowed (at column 3); write '*' instead"),
    "control character": ("x\x07+ y", "control character '\\x07' (U+0007) is not allowed (at column 2)"),
    "newline": ("x\n+ y", "control character"),
    "empty": ("", "the formula is empty"),
    "blank": ("   ", "the formula is empty"),
    "f-string": ("f'{x}'", "f-strings are not allowed"),
    "walrus": ("(x := 1)", "assignments (:=) are not allowed"),
    "starred": ("max(*x, y)", "starred arguments are not allowed"),
    "keyword": ("exp(x=1)", "keyword arguments are not allowed"),
    "boolean": ("x and y", "boolean operators"),
    "tuple": ("x, y", "tuples are not allowed"),
    "dict": ("{x: y}", "dicts are not allowed"),
    "modulo": ("x % 2", "the operator '%' is not allowed"),
    "floor division": ("x // 2", "the operator '//' is not allowed"),
    "not": ("not x", "the operator 'not' is not allowed"),
    "wrong arity": ("max(x)", "max takes 2 arguments, not 1"),
    "too many arguments": ("exp(x, y)", "exp takes 1 argument, not 2"),
    "bare function": ("exp + 1", "exp is a function"),
    "underscore name": ("_x + 1", "names starting with '_' are not allowed"),
    "implicit multiplication": ("2x", "write 2*x, not 2x"),
    "complex": ("1j", "write 2*x, not 2x"),
    "True": ("True", "True is not a number"),
    "comment": ("x # y", "comments (#) are not allowed"),
    "backslash": ("x \\ y", "backslashes are not allowed"),
    "syntax": ("x +* y", "at column"),
    "unbalanced": ("(x + y", "at column"),
    "not text": (b"x", "an expression is text"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_input_is_refused_with_what_and_where(name):
    text, message = HOSTILE[name]
    with pytest.raises(ExpressionError) as err:
        parse_expression(text)
    assert message in str(err.value)


# the usual slips: each message says what is wrong in words, at the column where it is (counted in the text as typed),
# and is never Python's "invalid syntax"
SLIPS = {
    "trailing operator": ("x^2 + ", "the formula ends after '+': something is missing after it (at column 5)"),
    "trailing power": ("x ** ", "the formula ends after '**': something is missing after it (at column 3)"),
    "trailing caret": ("y + x^", "the formula ends after '^': something is missing after it (at column 6)"),
    "leading operator": ("* x", "the formula starts with '*': something is missing before it (at column 1)"),
    "two operators": ("x +* y", "'+' is followed by '*': something is missing between them (at column 4)"),
    "operator then parenthesis": ("(x -)", "'-' is followed by ')': something is missing between them (at column 5)"),
    "missing argument": ("max(,x)", "'(' is followed by ',': something is missing between them (at column 5)"),
    "never closed": ("(x + 1", "the '(' at column 1 is never closed: a ')' is missing"),
    "call never closed": ("exp(x) + sin(y", "the '(' at column 13 is never closed: a ')' is missing"),
    "closes nothing": ("x + 1)", "the ')' at column 6 closes nothing: no '(' before it is still open"),
    "empty parentheses": ("x * ( )", "the parentheses at column 5 hold nothing"),
    "unknown function": ("foo(x)", "unknown function 'foo' (at column 1: 'foo(x)'): the functions are exp,"),
    "misspelt function": ("sine(x)", "unknown function 'sine' (at column 1: 'sine(x)'): did you mean sin?"),
    "variable called": ("x(y + 1)", "to multiply by x, write x*(…)"),
    "function without parentheses": ("sin x", "sin is a function: its argument goes in parentheses, as in sin(x)"),
    "bare function": ("exp + 1", "exp is a function: call it, as in exp(x)"),
    "number runs into a name": ("2x", "a number runs into a name (at column 1: '2x'): write 2*x, not 2x"),
    "number, space, name": ("2 x", "a '*' is missing between '2' and 'x' (at column 3): write 2*x"),
    "names side by side": ("x y", "a '*' is missing between 'x' and 'y' (at column 3): write x*y"),
    "number before a parenthesis": ("2(x + 1)", "a '*' is missing between '2' and '(' (at column 2): write 2*(x + 1)"),
    "parentheses side by side": ("(x+1)(x-1)", "between '(x+1)' and '(' (at column 6): write (x+1)*(x-1)"),
    "call then parenthesis": ("exp(x) (y)", "between 'exp(x)' and '(' (at column 8): write exp(x)*(y)"),
    "parenthesis then name": ("(x+1)y", "a '*' is missing between '(x+1)' and 'y' (at column 6): write (x+1)*y"),
    "equation": ("f = x**2", "'=' is not part of a formula (at column 3): type only what f equals"),
    "keyword": ("x for y", "'for' is a Python word, not part of a formula (at column 3)"),
    "empty": ("", "the formula is empty: type one, such as x**2 + y**2"),
}


@pytest.mark.parametrize("name", SLIPS)
def test_the_usual_slips_are_told_in_words_where_they_are(name):
    text, message = SLIPS[name]
    with pytest.raises(ExpressionError) as err:
        parse_expression(text)
    assert message in str(err.value)
    assert "invalid syntax" not in str(err.value)


def test_caret_is_power_as_on_a_calculator_and_its_slips_quote_it_as_typed():
    values = {"x": 3.0, "y": 2.0}
    assert parse_expression("x^2 + y^3").evaluate(values) == parse_expression("x**2 + y**3").evaluate(values) == 17.0
    with pytest.raises(ExpressionError, match=r"'\^' is followed by '\*': .* \(at column 3\)"):
        parse_expression("x^*2")  # the parser saw x***2; the message shows what was typed


def test_other_syntax_errors_still_name_python_s_reason_and_a_column_inside_the_text():
    with pytest.raises(ExpressionError, match=r"^this is not a formula gdviz can read: Python says .*\(at column 3\)$"):
        parse_expression("x..2")


def test_columns_count_from_one_in_the_text_as_typed():
    with pytest.raises(ExpressionError, match=r"attribute access is not allowed \(at column 5: 'x.y'\)"):
        parse_expression("1 + x.y")
    with pytest.raises(ExpressionError, match=r"at column 8: 'x\.y'"):
        parse_expression("z^2 + (x.y)")  # ^ became ** for the parser; the column is still the typed one
    with pytest.raises(ExpressionError, match=r"at column 5\)"):
        parse_expression("x ^ ^ 2")


def test_limits_are_module_constants():
    assert (MAX_LENGTH, MAX_NODES, MAX_DEPTH, MAX_EXPONENT) == (500, 120, 50, 100)


def test_length_is_checked_before_parsing():
    parse_expression("x" + " " * (MAX_LENGTH - 1))
    with pytest.raises(ExpressionError, match="too long"):
        parse_expression("x" + " " * MAX_LENGTH)


def test_depth_limit():
    parse_expression("-" * (MAX_DEPTH - 1) + "x")
    with pytest.raises(ExpressionError, match=f"nested more than {MAX_DEPTH} deep"):
        parse_expression("-" * MAX_DEPTH + "x")
    with pytest.raises(ExpressionError, match="nested more than"):
        parse_expression("+".join(["x"] * 60))


def test_node_limit():
    text = _balanced_sum(["--x"] * 32)  # 32 * 3 + 31 = 127 nodes, 9 deep
    with pytest.raises(ExpressionError, match=f"has 127 parts \\(at most {MAX_NODES}\\)"):
        parse_expression(text)
    assert parse_expression(_balanced_sum(["-x"] * 32)).evaluate({"x": 1.0}) == -32.0  # 95 nodes
    gp = "(1 + (x + y + 1)**2 * (19 - 14*x + 3*x**2 - 14*y + 6*x*y + 3*y**2))"
    gp += " * (30 + (2*x - 3*y)**2 * (18 - 32*x + 12*x**2 + 48*y - 36*x*y + 27*y**2))"
    assert parse_expression(gp).evaluate({"x": 0.0, "y": -1.0}) == 3.0  # the longest classic fits


@pytest.mark.parametrize("text", ["x ** 101", "x ** -101", "2 ** (10 * 11)", "x ** (1/0)", "x ** log(0)"])
def test_constant_exponents_are_bounded(text):
    with pytest.raises(ExpressionError, match="constant exponents"):
        parse_expression(text)


def test_exponents_within_bounds_and_variable_exponents_are_float64():
    assert parse_expression("x ** 100").evaluate({"x": 10.0}) == 1e100
    assert parse_expression("x ** y").evaluate({"x": 9.0, "y": 9.0**9}) == np.inf  # float64, never a Python int
    assert parse_expression("1" + "0" * 100).evaluate({}) == 1e100
    with pytest.raises(ExpressionError, match="numbers are at most"):
        parse_expression("1" + "0" * 101)


def test_text_pythons_tokenizer_warns_about_is_refused_without_a_warning():
    """'2.5not' makes Python's tokenizer warn ('invalid decimal literal') before it refuses the text; gdviz refuses
    it with its own sentence, and nothing reaches the server's log (a fresh interpreter's stderr, default filters)."""
    code = "from gdviz.expression import parse_expression as p\ntry: p('x2.5not ')\nexcept ValueError as e: print(e)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert "'not' is a Python word" in done.stdout and done.stderr == ""
