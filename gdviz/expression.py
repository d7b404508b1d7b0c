"""Formulas typed by a student: ``parse_expression(text) -> Expression``, differentiated by the autodiff engine.

The grammar is arithmetic only: numbers, variable names, ``+ - * / **``, unary ``-``/``+``, parentheses,
the constants ``pi`` and ``e`` (so neither is a variable), and calls of the ``FUNCTIONS`` with their
arity. ``^`` means ``**``, as on a calculator: the text is rewritten before parsing, so ``x^2 + 1`` is
x² + 1 (not Python's XOR). The text is parsed with ``ast.parse(mode="eval")`` and every node checked
against that whitelist; Python evaluates nothing, the engine computes in float64. Anything else, or
anything past the limits below (length before parsing, size and depth on the tree), raises
``ExpressionError`` saying what is wrong and where: columns count from 1 in the text as typed. Text that
is not Python at all (a trailing ``+``, a parenthesis never closed, ``2 x``) is read token by token for
the usual slips, which get a sentence of their own, never Python's "invalid syntax".
An ``Expression`` evaluates, differentiates (reverse mode, exact) and records its graph and steps.
"""

from __future__ import annotations

import ast
import difflib
import keyword
import math
import re
import warnings
from dataclasses import dataclass

import numpy as np

from .autodiff import OPS, GraphNode, Node, Step, backward, const, trace, variable

MAX_LENGTH = 500  # characters, checked before parsing
MAX_NODES = 120  # numbers, names, operations and calls (Goldstein–Price typed out has 77)
MAX_DEPTH = 50  # nesting of those
MAX_NUMBER = 1e100  # largest literal
MAX_EXPONENT = 100  # largest |c| in x**c for a constant c
CHUNK = 4096  # points per pass over a grid

# name -> number of arguments; each is the engine op of the same name
FUNCTIONS = {
    "exp": 1,
    "log": 1,
    "sqrt": 1,
    "sin": 1,
    "cos": 1,
    "tanh": 1,
    "sigmoid": 1,
    "relu": 1,
    "abs": 1,
    "max": 2,
    "min": 2,
}
CONSTANTS = {"pi": np.pi, "e": np.e}
BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
HINTS = {"×": "*", "·": "*", "−": "-", "÷": "/", "²": "**2", "³": "**3", "π": "pi", "√": "sqrt(...)"}
CHARACTERS = {";": "statements (;) are", "\\": "backslashes are", "#": "comments (#) are"}
NUMBER_THEN_NAME = re.compile(r"(?<![\w.])(?>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[A-Za-z_]")
NUMBER = r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
TOKEN = re.compile(rf"\s*(?:(?P<operand>{NUMBER}|[A-Za-z_]\w*)|(?P<op>\*\*|[-+*/^])|(?P<punct>[(),])|(?P<other>\S))")
SOURCE = "<formula>"  # the file name Python's parser gives a visitor's formula
# Python's tokenizer warns about some text before it refuses it ("2.5not": 'invalid decimal literal'): gdviz refuses
# such formulas with a sentence of its own, so the warning would only reach the server's log
warnings.filterwarnings("ignore", category=SyntaxWarning, module=re.escape(SOURCE))
OPERATORS = {ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>"}
OPERATORS |= {ast.BitOr: "|", ast.BitAnd: "&", ast.BitXor: "^", ast.Not: "not", ast.Invert: "~"}
REFUSED = {
    ast.Attribute: "attribute access is",
    ast.Subscript: "subscripts are",
    ast.Lambda: "lambdas are",
    ast.ListComp: "comprehensions are",
    ast.SetComp: "comprehensions are",
    ast.DictComp: "comprehensions are",
    ast.GeneratorExp: "comprehensions are",
    ast.Compare: "comparisons are",
    ast.BoolOp: "boolean operators (and, or) are",
    ast.IfExp: "conditional expressions (if/else) are",
    ast.NamedExpr: "assignments (:=) are",
    ast.JoinedStr: "f-strings are",
    ast.Starred: "starred arguments are",
    ast.List: "lists are",
    ast.Tuple: "tuples are",
    ast.Set: "sets are",
    ast.Dict: "dicts are",
}


class ExpressionError(ValueError):
    """The text is not an expression gdviz accepts; the message says what and where."""


@dataclass(frozen=True)
class Term:
    """A checked subexpression: ``op`` is "input" (``name``), "const" (``value``), "pow" (x**value) or a
    key of ``OPS``; ``text`` is the source it came from."""

    op: str
    args: tuple[Term, ...] = ()
    text: str = ""
    value: float = 0.0
    name: str = ""

    def variables(self) -> tuple[str, ...]:
        """The variable names below this term, in order of first appearance (left to right)."""
        names = (self.name,) if self.op == "input" else sum((a.variables() for a in self.args), ())
        return tuple(dict.fromkeys(names))


def _build(term: Term, inputs: dict[str, Node], texts: dict[Node, str]) -> Node:
    """The engine graph of ``term``; every appearance of a variable is the one node ``inputs[name]``."""
    if term.op == "input":
        node = inputs[term.name]
    elif term.op == "const":
        node = const(term.value, term.text)
    else:
        args = [_build(a, inputs, texts) for a in term.args]
        node = OPS[term.op](*args, term.value) if term.op == "pow" else OPS[term.op](*args)
    texts.setdefault(node, term.text)
    return node


def _out(v):
    return float(v) if np.ndim(v) == 0 else v


def _blocks(arrays: dict[str, np.ndarray]) -> list[dict[str, np.ndarray]]:
    """The points cut into blocks of CHUNK if every array has one shape (so f and each gradient are
    pointwise), else one block of all of them."""
    shapes = {a.shape for a in arrays.values()}
    size = math.prod(next(iter(shapes))) if len(shapes) == 1 else 0
    if size <= CHUNK:
        return [arrays]
    flat = {name: a.reshape(-1) for name, a in arrays.items()}
    return [{name: a[i : i + CHUNK] for name, a in flat.items()} for i in range(0, size, CHUNK)]


def _joined(parts: list, shape: tuple[int, ...]):
    return _out(parts[0]) if len(parts) == 1 else np.concatenate(parts).reshape(shape)


@dataclass(frozen=True, eq=False, repr=False)
class Expression:
    """A parsed formula. ``variables`` lists its names in order of first appearance. ``values`` maps each
    name to a float or an array; arrays broadcast, so one call evaluates a whole grid. A grid is taken
    CHUNK points at a time: a graph holds every intermediate array, and this bounds their memory."""

    text: str
    term: Term
    variables: tuple[str, ...]

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"

    def _arrays(self, values: dict) -> dict[str, np.ndarray]:
        missing = [name for name in self.variables if name not in values]
        if missing:
            raise ExpressionError(f"no value given for {', '.join(missing)}")
        return {name: np.asarray(values[name], dtype=np.float64) for name in self.variables}

    def _forward(self, arrays: dict) -> tuple[Node, dict[str, Node], dict[Node, str]]:
        inputs, texts = {name: variable(a, name) for name, a in arrays.items()}, {}
        return _build(self.term, inputs, texts), inputs, texts

    def evaluate(self, values: dict):
        """f at ``values``: a float, or an array of the broadcast shape of the values it uses."""
        arrays = self._arrays(values)
        parts = [self._forward(block)[0].value for block in _blocks(arrays)]
        return _joined(parts, next(iter(arrays.values())).shape if arrays else ())

    def gradients(self, values: dict) -> dict:
        """``{name: ∂f/∂name}`` by reverse mode, each the shape of its value."""
        arrays, parts = self._arrays(values), []
        for block in _blocks(arrays):
            root, inputs, _ = self._forward(block)
            backward(root)
            parts.append({name: node.grad for name, node in inputs.items()})
        return {name: _joined([p[name] for p in parts], a.shape) for name, a in arrays.items()}

    def graph(self, values: dict) -> tuple[GraphNode, ...]:
        """The nodes in topological order (the output last), each with its value and final grad ∂f/∂node."""
        root, _, texts = self._forward(self._arrays(values))
        return trace(root, texts)[0]

    def steps(self, values: dict) -> list[Step]:
        """The forward pass, one Step per node, then the backward pass: the seed, then one Step per edge."""
        root, _, texts = self._forward(self._arrays(values))
        return trace(root, texts)[1]


class _Source:
    """The text as typed and the text parsed (``^`` -> ``**``, leading spaces gone), with columns mapped back."""

    def __init__(self, text: str):
        pairs = [(c, i) for i, ch in enumerate(text) for c in ("**" if ch == "^" else ch)]
        pairs = pairs[len(text) - len(text.lstrip()) :]
        self.text, self.parsed = text, "".join(c for c, _ in pairs)
        self.origin = [i for _, i in pairs] + [len(text)]

    def column(self, offset: int) -> int:
        return self.origin[min(max(offset, 0), len(self.origin) - 1)]

    def segment(self, node: ast.AST) -> str:
        return self.text[self.column(node.col_offset) : self.column(node.end_col_offset - 1) + 1]

    def where(self, node: ast.AST) -> str:
        snippet = self.segment(node)
        snippet = snippet if len(snippet) <= 40 else snippet[:37] + "..."
        return f"(at column {self.column(node.col_offset) + 1}: {snippet!r})"


def _check_characters(text: str) -> None:
    if not isinstance(text, str):
        raise ExpressionError(f"an expression is text, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is too long: {len(text)} characters (at most {MAX_LENGTH})")
    for i, ch in enumerate(text):
        if not (ch.isascii() and ch.isprintable()):
            kind = "control" if ch.isascii() or not ch.isprintable() else "non-ASCII"
            hint = f"; write {HINTS[ch]!r} instead" if ch in HINTS else ""
            raise ExpressionError(f"{kind} character {ch!r} (U+{ord(ch):04X}) is not allowed (at column {i + 1}){hint}")
        if ch in CHARACTERS:
            raise ExpressionError(f"{CHARACTERS[ch]} not allowed (at column {i + 1}: {ch!r})")
    if not text.strip():
        raise ExpressionError("the formula is empty: type one, such as x**2 + y**2")
    if m := NUMBER_THEN_NAME.search(text):
        raise ExpressionError(f"a number runs into a name (at column {m.start() + 1}: {m[0]!r}): write 2*x, not 2x")


def _check_size(tree: ast.Expression, src: _Source) -> None:
    """At most MAX_NODES expression nodes, nested at most MAX_DEPTH deep; iterative, so any depth is safe."""
    count, stack = 0, [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.expr):
            count += 1
            if depth > MAX_DEPTH:
                raise ExpressionError(f"the expression is nested more than {MAX_DEPTH} deep {src.where(node)}")
        stack.extend((child, depth + isinstance(node, ast.expr)) for child in ast.iter_child_nodes(node))
    if count > MAX_NODES:
        raise ExpressionError(f"the expression has {count} parts (at most {MAX_NODES})")


def _number(node: ast.Constant, src: _Source) -> Term:
    v = node.value
    if isinstance(v, str | bytes):
        raise ExpressionError(f"strings are not allowed {src.where(node)}")
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise ExpressionError(f"{v!r} is not a number {src.where(node)}")
    if not abs(v) <= MAX_NUMBER:  # 1e400 parses as inf; ints are compared exactly, never converted first
        raise ExpressionError(f"numbers are at most {MAX_NUMBER:g} in size {src.where(node)}")
    return Term("const", text=src.segment(node), value=float(v))


def _name(node: ast.Name, src: _Source) -> Term:
    name = node.id
    if name in CONSTANTS:
        return Term("const", text=name, value=float(CONSTANTS[name]))
    if name.startswith("_"):
        raise ExpressionError(f"names starting with '_' are not allowed {src.where(node)}")
    if name in FUNCTIONS:
        raise ExpressionError(f"{name} is a function: call it, as in {name}(x) {src.where(node)}")
    return Term("input", text=name, name=name)


def _call(node: ast.Call, src: _Source) -> Term:
    name = node.func.id if isinstance(node.func, ast.Name) else None
    if name and src.parsed[node.func.end_col_offset :].lstrip()[:1] != "(":  # (x)(y): a '*' is missing
        name = None
    if name not in FUNCTIONS:
        allowed = ", ".join(FUNCTIONS)
        if name is None:  # 2(x + 1) and (x + 1)(x - 1) are calls to Python: a '*' is missing
            side_by_side = _diagnose(src.text) if not isinstance(node.func, ast.Attribute | ast.Subscript) else None
            raise ExpressionError(
                side_by_side or f"only named functions can be called {src.where(node)}; the functions are {allowed}"
            )
        close = difflib.get_close_matches(name, FUNCTIONS, n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        raise ExpressionError(
            f"unknown function {name!r} {src.where(node)}: {hint}the functions are {allowed}; "
            f"to multiply by {name}, write {name}*(…)"
        )
    if node.keywords:
        raise ExpressionError(f"keyword arguments are not allowed {src.where(node.keywords[0])}")
    args = tuple(_convert(a, src) for a in node.args)
    if len(args) != FUNCTIONS[name]:
        n = FUNCTIONS[name]
        raise ExpressionError(f"{name} takes {n} argument{'s' * (n > 1)}, not {len(args)} {src.where(node)}")
    return Term(name, args, src.segment(node))


def _power(node: ast.BinOp, base: Term, exponent: Term, src: _Source) -> Term:
    """x**c for an exponent without variables, folded to c in float64 and bounded; else the general a**b."""
    if exponent.variables():
        return Term("**", (base, exponent), src.segment(node))
    c = float(_build(exponent, {}, {}).value)
    if not abs(c) <= MAX_EXPONENT:
        raise ExpressionError(f"constant exponents are at most {MAX_EXPONENT} in size, not {c:g} {src.where(node)}")
    return Term("pow", (base,), src.segment(node), value=c)


def _convert(node: ast.AST, src: _Source) -> Term:
    """The Term for a checked node; refuses, with its column, anything outside the grammar."""
    if isinstance(node, ast.Constant):
        return _number(node, src)
    if isinstance(node, ast.Name):
        return _name(node, src)
    if isinstance(node, ast.Call):
        return _call(node, src)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd | ast.USub):
        arg = _convert(node.operand, src)
        if isinstance(node.op, ast.UAdd):
            return arg
        if arg.op == "const":  # -2 is one constant, not neg(2)
            return Term("const", text=src.segment(node), value=-arg.value)
        return Term("neg", (arg,), src.segment(node))
    if isinstance(node, ast.BinOp) and type(node.op) in BINOPS:
        left, right = _convert(node.left, src), _convert(node.right, src)
        if isinstance(node.op, ast.Pow):
            return _power(node, left, right, src)
        return Term(BINOPS[type(node.op)], (left, right), src.segment(node))
    if isinstance(node, ast.BinOp | ast.UnaryOp):
        raise ExpressionError(f"the operator {OPERATORS.get(type(node.op), '?')!r} is not allowed {src.where(node)}")
    if isinstance(node, ast.Tuple) and not node.elts:  # ( ): Python's empty tuple
        column = src.column(node.col_offset) + 1
        raise ExpressionError(f"the parentheses at column {column} hold nothing: put a number or a formula inside")
    what = REFUSED.get(type(node), f"{type(node).__name__} expressions are")
    raise ExpressionError(f"{what} not allowed {src.where(node)}")


def _side_by_side(text: str, left: str, right: str, column: int) -> str:
    """Two operands with nothing between them (2 x, (x + 1)(x - 1)): a '*' is missing before ``right``,
    which starts at ``column`` (0-based) of ``text``."""
    fixed = text[:column].rstrip() + "*" + text[column:]
    show = lambda t: t if len(t) <= 20 else "…" + t[-19:]  # noqa: E731
    fix = fixed.strip() if len(fixed.strip()) <= 40 else f"{show(left)}*{right}"
    return f"a '*' is missing between {show(left)!r} and {right!r} (at column {column + 1}): write {fix}"


def _diagnose(text: str) -> str | None:
    """The usual slip in ``text`` (as typed), in words and at its column: an operator with nothing after or
    before it, a parenthesis unbalanced, two operands side by side, a function without parentheses, '=',
    a Python keyword. None when it is none of them."""
    tokens = [(m.lastgroup, m[m.lastgroup], m.start(m.lastgroup)) for m in TOKEN.finditer(text)]
    opened, match = [], {}  # match: a ')' column -> its '(' column
    for kind, v, c in tokens:
        if v == "=":
            return f"'=' is not part of a formula (at column {c + 1}): type only what f equals, as in x**2 + y**2"
        if kind == "other":
            return None
        if kind == "operand" and keyword.iskeyword(v):
            return f"{v!r} is a Python word, not part of a formula (at column {c + 1})"
        if v == "(":
            opened.append(c)
        elif v == ")" and not opened:
            return f"the ')' at column {c + 1} closes nothing: no '(' before it is still open"
        elif v == ")":
            match[c] = opened.pop()
    for (pk, pv, pc), (k, v, c) in zip([("start", "", 0), *tokens], tokens, strict=False):
        if (pk == "operand" or pv == ")") and (k == "operand" or v == "("):
            name = pk == "operand" and not pv[0].isdigit() and pv[0] != "."
            if name and v == "(":
                continue  # a call: the grammar checks the function
            if name and pv in FUNCTIONS:
                return f"{pv} is a function: its argument goes in parentheses, as in {pv}({v}) (at column {c + 1})"
            start = pc if pk == "operand" else match[pc]
            called = re.search(r"[A-Za-z_]\w*\s*$", text[:start])  # exp(x) (y): the left operand is exp(x)
            return _side_by_side(text, text[called.start() if called else start : pc + len(pv)], v, c)
        if (pk in ("op", "start") or pv in ("(", ",")) and ((k == "op" and v not in "+-") or v in "),"):
            if pv == "(" and v == ")":
                return f"the parentheses at column {pc + 1} hold nothing: put a number or a formula inside"
            if pk == "start":
                return f"the formula starts with {v!r}: something is missing before it (at column {c + 1})"
            return f"{pv!r} is followed by {v!r}: something is missing between them (at column {c + 1})"
    kind, v, c = tokens[-1]
    if kind == "op" or v in ("(", ","):
        return f"the formula ends after {v!r}: something is missing after it (at column {c + 1})"
    if opened:
        return f"the '(' at column {opened[-1] + 1} is never closed: a ')' is missing"
    return None


def parse_expression(text: str) -> Expression:
    """Check ``text`` against the grammar and the limits and return its Expression, or raise ExpressionError."""
    _check_characters(text)
    src = _Source(text)
    try:
        tree = ast.parse(src.parsed, SOURCE, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as err:
        offset = getattr(err, "offset", None) or 1
        message = getattr(err, "msg", None) or type(err).__name__
        why = _diagnose(text) or f"this is not a formula gdviz can read: Python says {message!r}"
        where = "" if "at column" in why else f" (at column {src.column(offset - 1) + 1})"
        raise ExpressionError(why + where) from None
    _check_size(tree, src)
    term = _convert(tree.body, src)
    return Expression(text, term, term.variables())
