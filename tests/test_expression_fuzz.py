"""Fuzzing parse_expression: thousands of strings, each either an Expression or an ExpressionError.

Strings come from three sources: runs of grammar pieces mixed with hostile ones, arbitrary Unicode
text, and well-formed expressions built recursively. While parsing and evaluating them, Python's
``eval``, ``exec``, ``__import__`` and ``open`` raise, and ``compile`` only builds ASTs, so an input
that reached any of them would fail the test; warnings are recorded and must not occur. What the
limits promise is checked on every Expression that parses (no wall-clock assertions: a fast machine
or a slow one gives the same verdict; benchmarks/bench_expression.py measures time).
"""

import ast
import builtins
import re
import warnings
from contextlib import ExitStack, contextmanager
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gdviz.expression import MAX_DEPTH, MAX_LENGTH, MAX_NODES, Expression, ExpressionError, parse_expression

FUZZ = settings(deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])

GRAMMAR = ["x", "y", "w0", "1", "2.5", "1e-3", ".5", "pi", "e", "+", "-", "*", "/", "**", "^", "(", ")", ",", " "]
GRAMMAR += [f"{name}(" for name in ("exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "abs", "max", "min")]
HOSTILE = ["__import__", "('os')", "'a'", '"b"', ".", "[", "]", "[0]", "lambda", ":", " for ", " in ", " if ", " else "]
HOSTILE += ["<", "==", " and ", "not ", ";", "=", ":=", "f'", "{", "}", "\\", "#", "9**9**9**9", "1e400", "1j", "0x1F"]
HOSTILE += ["_", "open(", "eval(", "exec(", "compile(", ".__class__", ".__subclasses__()", "__builtins__", "×", "−"]
HOSTILE += ["\x00", "\n", "\t", "é", "getattr(", "globals()", "yield ", "await ", "@", "%", "//", "~", "...", "True"]
HOSTILE += ["None", "*x", "**{}", "(" * 30, ")" * 30, "-" * 60, "x+" * 40, "9" * 120, "2x", "x=1", "b'x'"]

tokens = st.lists(st.sampled_from(GRAMMAR + HOSTILE), max_size=80).map("".join)
leaves = st.sampled_from(["x", "y", "w0", "2", "0.5", "pi", "e", "1e-3", "-3", "10"])
UNARY = ["exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "abs", "-"]


def _grow(children):
    """One level more: a parenthesized binary operation, a function of one argument, or max/min."""
    return st.one_of(
        st.tuples(children, st.sampled_from(["+", "-", "*", "/", "**", "^"]), children).map(
            lambda t: "({} {} {})".format(*t)
        ),
        st.tuples(st.sampled_from(UNARY), children).map(lambda t: "{}({})".format(*t)),
        st.tuples(st.sampled_from(["max", "min"]), children, children).map(lambda t: "{}({}, {})".format(*t)),
    )


formulas = st.recursive(leaves, _grow, max_leaves=60)


def _refuse(name):
    def refuse(*args, **kwargs):
        raise AssertionError(f"{name} was called while parsing or evaluating")

    return refuse


def _ast_only_compile(source, filename, mode, flags=0, *args, **kwargs):
    if not flags & ast.PyCF_ONLY_AST:
        raise AssertionError("compile was asked for code, not an AST")
    return REAL_COMPILE(source, filename, mode, flags, *args, **kwargs)


REAL_COMPILE = builtins.compile


@contextmanager
def no_code_runs():
    """eval, exec, __import__ and open raise; compile builds ASTs only; warnings are recorded."""
    with ExitStack() as stack:
        caught = stack.enter_context(warnings.catch_warnings(record=True))
        warnings.simplefilter("always")
        for name in ("eval", "exec", "__import__", "open"):
            stack.enter_context(mock.patch.object(builtins, name, _refuse(name)))
        stack.enter_context(mock.patch.object(builtins, "compile", _ast_only_compile))
        yield caught


def _depth(graph) -> int:
    depth = {}
    for n in graph:
        depth[n.id] = 1 + max((depth[i] for i in n.inputs), default=0)
    return max(depth.values())


def check(text) -> Expression | str:
    """Parse and use ``text`` under guard; the Expression if it parsed, else the ExpressionError's message."""
    with no_code_runs() as caught:
        try:
            e = parse_expression(text)
        except ExpressionError as err:
            e, message = None, str(err)
        else:
            grid = {name: np.linspace(-2.0, 2.0, 7) + k for k, name in enumerate(e.variables)}
            point = {name: 0.5 + k for k, name in enumerate(e.variables)}
            value, grads = e.evaluate(grid), e.gradients(grid)
            graph, steps = e.graph(point), e.steps(point)
    assert not caught, [str(w.message) for w in caught]
    if e is None:
        assert message
        for column in re.findall(r"at column (\d+)", message):
            assert 1 <= int(column) <= len(text) + 1
        return message
    assert len(text) <= MAX_LENGTH
    assert len(graph) <= MAX_NODES and _depth(graph) <= MAX_DEPTH + 1
    assert isinstance(value, float) or (value.dtype == np.float64 and value.shape == (7,))
    assert list(grads) == list(e.variables)
    assert all(np.shape(g) == (7,) and np.asarray(g).dtype == np.float64 for g in grads.values())
    assert len(steps) == len(graph) + 1 + sum(len(n.inputs) for n in graph)
    return e


def test_the_guard_would_notice():
    with no_code_runs():
        for call in (lambda: eval("1"), lambda: exec("1"), lambda: open("/dev/null"), lambda: __import__("os")):
            with pytest.raises(AssertionError, match="was called"):
                call()
        with pytest.raises(AssertionError, match="not an AST"):
            compile("1", "<s>", "eval")
        assert isinstance(ast.parse("1", mode="eval"), ast.Expression)
    assert eval("1") == 1


@settings(FUZZ, max_examples=2500)
@given(tokens)
def test_token_soup_parses_or_is_refused(text):
    check(text)


@settings(FUZZ, max_examples=1500)
@given(st.text(max_size=600))
def test_arbitrary_text_parses_or_is_refused(text):
    check(text)


@settings(FUZZ, max_examples=1000)
@given(formulas)
def test_well_formed_formulas_parse_unless_past_a_limit(text):
    e = check(text)
    if isinstance(e, Expression):
        assert set(e.variables) <= {"x", "y", "w0"}
    else:
        assert re.search(LIMITS, e), e


LIMITS = r"too long|at most \d+\)|nested more than|constant exponents are at most"


@pytest.mark.parametrize("pieces", [GRAMMAR, HOSTILE])
def test_every_piece_alone_parses_or_is_refused(pieces):
    for piece in pieces:
        check(piece)


# The full fuzz, 5,000 strings (20 s of the fast loop's 4 minutes measured on a loaded machine), runs in the full suite
# only: marked here rather than by a decorator, since hypothesis derives each test's derandomized examples from its
# source, and these are the examples the suite has always run. The fast loop fuzzes a sample (below) instead.
for full in (
    test_token_soup_parses_or_is_refused,
    test_arbitrary_text_parses_or_is_refused,
    test_well_formed_formulas_parse_unless_past_a_limit,
):
    pytest.mark.slow(full)


def _parses_or_is_refused(text):
    check(text)


def _parses_unless_past_a_limit(text):
    e = check(text)
    if isinstance(e, Expression):
        assert set(e.variables) <= {"x", "y", "w0"}
    else:
        assert re.search(LIMITS, e), e


SAMPLES = {  # strategy, what each string must satisfy, and a tenth of the full test's examples
    "token soup": (tokens, _parses_or_is_refused, 250),
    "arbitrary text": (st.text(max_size=600), _parses_or_is_refused, 150),
    "well-formed formulas": (formulas, _parses_unless_past_a_limit, 100),
}


@pytest.mark.parametrize("sample", SAMPLES)
def test_a_sample_of_each_fuzz_parses_or_is_refused(sample):
    strategy, holds, examples = SAMPLES[sample]
    settings(FUZZ, max_examples=examples)(given(strategy)(holds))()
