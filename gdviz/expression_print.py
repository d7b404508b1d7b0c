"""How a formula is written out: in LaTeX for the page, and as Python for a torch script.

Both printers walk the Term tree the grammar builds (gdviz/expression.py) and bracket a part only where their
language's precedence needs it: ``latex(term)`` (``x^{2} + 3 \\cdot y^{2}``, for the surface's title) and
``torch_source(term)`` (``x**2 + 3 * y**2`` over tensors, folding constant parts Python floats cannot compute as
gdviz does into its own float64 values). ``float_source`` writes one number as Python that reads back to the same
float. The backprop page's steps name one operation at a time (gdviz/autodiff/trace.py, ``FORMS``): no precedence.
"""

from __future__ import annotations

import math
import re

from .expression import Expression, Term

# --- LaTeX ------------------------------------------------------------------------------------------------

TEX_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "neg": 2, "**": 4, "pow": 4}  # everything else groups itself
FUNCTION_TEX = {"exp": r"\exp", "log": r"\log", "sin": r"\sin", "cos": r"\cos", "tanh": r"\tanh"}
FUNCTION_TEX |= {"sigmoid": r"\sigma", "relu": r"\operatorname{relu}", "max": r"\max", "min": r"\min"}
CONSTANT_TEX = {"pi": r"\pi", "e": "e"}


def _name_tex(name: str) -> str:
    if len(name) == 1:
        return name
    if m := re.fullmatch(r"([A-Za-z])(\d+)", name):  # w0 -> w_{0}
        return f"{m[1]}_{{{m[2]}}}"
    return r"\mathrm{" + name.replace("_", r"\_") + "}"


def _number_tex(value: float) -> tuple[str, int]:
    mantissa, _, exponent = f"{abs(value):.6g}".partition("e")
    tex = mantissa + (rf" \times 10^{{{int(exponent)}}}" if exponent else "")
    return ("-" + tex, TEX_PRECEDENCE["neg"]) if value < 0 else (tex, 9)


def _tex(t: Term) -> tuple[str, int]:
    """LaTeX for ``t`` and its precedence: 9 for a name or number, 8 for a group (a fraction, a call)."""
    if t.op == "input":
        return _name_tex(t.name), 9
    if t.op == "const":
        return (CONSTANT_TEX[t.text], 9) if t.text in CONSTANT_TEX else _number_tex(t.value)
    args = [_tex(a) for a in t.args]
    p = TEX_PRECEDENCE.get(t.op, 8)

    def wrap(i: int, tighter: bool = False) -> str:
        tex, q = args[i]
        return rf"\left({tex}\right)" if q < p or (tighter and q == p) else tex

    if t.op in ("+", "-"):
        return f"{wrap(0)} {t.op} {wrap(1, tighter=t.op == '-')}", p
    if t.op == "*":
        return rf"{wrap(0)} \cdot {wrap(1)}", p
    if t.op == "neg":
        return f"-{wrap(0)}", p
    if t.op in ("pow", "**"):
        base = args[0][0] if args[0][1] == 9 else rf"\left({args[0][0]}\right)"  # (√x)², not √x²
        exponent = _number_tex(t.value)[0] if t.op == "pow" else args[1][0]
        return f"{base}^{{{exponent}}}", p
    if t.op == "/":
        return rf"\frac{{{args[0][0]}}}{{{args[1][0]}}}", p
    if t.op == "sqrt":
        return rf"\sqrt{{{args[0][0]}}}", p
    if t.op == "abs":
        return rf"\left|{args[0][0]}\right|", p
    inside = ", ".join(tex for tex, _ in args)
    return rf"{FUNCTION_TEX[t.op]}\left({inside}\right)", p


def latex(term: Term) -> str:
    """The formula in LaTeX, e.g. ``x**2 + 3*y**2`` -> ``x^{2} + 3 \\cdot y^{2}``."""
    return _tex(term)[0]


# --- Python over torch tensors ----------------------------------------------------------------------------

# the grammar's functions in torch; torch.maximum / torch.minimum split a tie's gradient ½ / ½, as gdviz does
CALLS = {name: f"torch.{name}" for name in ("exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "abs")}
CALLS |= {"max": "torch.maximum", "min": "torch.minimum"}
ADD, MUL, NEG, POW, ATOM = 1, 2, 3, 4, 9  # Python's precedence, loosest to tightest
FLOAT_SAFE = {"const", "+", "-", "*", "neg"}  # constant arithmetic Python floats do exactly as numpy, never raising


def float_source(v) -> tuple[str, int]:
    """A float64 as Python source that reads back to the same number, with its precedence."""
    v = float(v)
    text = repr(v) if math.isfinite(v) else ("math.nan" if math.isnan(v) else f"{'-' * (v < 0)}math.inf")
    return text, NEG if text.startswith("-") else ATOM


def _short(v: float) -> tuple[str, int]:
    """A number beside a tensor: whole numbers without ".0" (torch takes the int exactly)."""
    return (str(int(v)), NEG if v < 0 else ATOM) if float(v).is_integer() and abs(v) < 2**53 else float_source(v)


def _ops(t: Term) -> set[str]:  # every op in the tree
    return {t.op}.union(*(_ops(a) for a in t.args))


def _torch(t: Term, beside_tensor: bool = False) -> tuple[str, int]:
    """Python source computing ``t`` from tensors x and y in torch, and its precedence."""
    if t.op == "input":
        return t.name, ATOM
    if not t.variables():
        if t.op == "const" and t.text in ("pi", "e"):
            return f"math.{t.text}", ATOM
        if t.op == "const" and beside_tensor:
            return _short(t.value)
        if not _ops(t) <= FLOAT_SAFE:  # 1/0, 10.0**400, exp(2): fold to gdviz's own float64 value
            return float_source(Expression(t.text, t, ()).evaluate({}))
        if t.op == "const":
            return float_source(t.value)
    tensor = bool(t.variables())
    args = [_torch(a, beside_tensor=tensor) for a in t.args]

    def wrap(i: int, above: int) -> str:
        text, p = args[i]
        return f"({text})" if p < above else text

    if t.op in ("+", "-"):
        return f"{wrap(0, ADD)} {t.op} {wrap(1, ADD + 1)}", ADD
    if t.op in ("*", "/"):
        return f"{wrap(0, MUL)} {t.op} {wrap(1, MUL + 1)}", MUL
    if t.op == "neg":
        return f"-{wrap(0, ATOM)}", NEG  # -(y**2), not -y**2
    if t.op == "pow":
        exponent, p = _short(t.value)
        hug = re.fullmatch(r"[\w.]+", args[0][0]) is not None and p == ATOM  # x**2 but f(x) ** 2, as ruff writes them
        exponent = exponent if p == ATOM else f"({exponent})"
        return f"{wrap(0, ATOM)}{'**' if hug else ' ** '}{exponent}", POW
    if t.op == "**":
        return f"{wrap(0, ATOM)} ** {wrap(1, ATOM)}", POW
    if t.op not in CALLS:
        raise ValueError(f"the formula uses {t.op!r}, which this snippet cannot write in torch")
    if t.op in ("max", "min"):  # torch.maximum takes tensors only: max(x, 0) -> torch.maximum(x, torch.tensor(0))
        args = [
            (text, p) if a.variables() else (f"torch.tensor({text})", ATOM)
            for a, (text, p) in zip(t.args, args, strict=True)
        ]
    return f"{CALLS[t.op]}({', '.join(text for text, _ in args)})", ATOM


def torch_source(term: Term) -> str:
    """Python computing the formula from tensors x and y in torch, e.g. ``torch.exp(-x) + 3 * y**2``."""
    return _torch(term)[0]
