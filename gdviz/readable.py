"""How a table writes a number for a reader: ``readable`` (significant digits, thousands separators, powers of
ten, "—" for missing) and ``readable_rows``, every cell of a table's rows written so. Every page's tables use it."""

from __future__ import annotations

import math

import numpy as np

DIGITS = 4  # significant digits a table shows
SMALL, LARGE = 1e-3, 1e6  # magnitudes outside [SMALL, LARGE) are written as powers of ten
MISSING, MINUS = "—", "−"
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def readable(value, digits: int = DIGITS) -> str:
    """``value`` as a reader takes it in: 1,234 / −9,660 / 0.0108 / 3.14 × 10⁻⁸ / 10⁻⁶; "—" for None or
    NaN, "∞" for an infinity, never a negative zero. Whole numbers (steps, counts) keep every digit."""
    if value is None or isinstance(value, str):
        return MISSING if value is None else value
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return _signed(f"{abs(int(value)):,}", value < 0)
    x = float(value)
    if math.isnan(x):
        return MISSING
    if math.isinf(x):
        return _signed("∞", x < 0)
    if x == 0:
        return "0"
    a = abs(x)
    mantissa, exponent = f"{a:.{digits - 1}e}".split("e")
    exponent = int(exponent)
    if a < SMALL or exponent >= math.log10(LARGE):
        mantissa = mantissa.rstrip("0").rstrip(".")
        power = f"10{str(exponent).translate(SUPERSCRIPT)}"
        return _signed(power if mantissa == "1" else f"{mantissa} × {power}", x < 0)
    text = f"{a:,.{max(0, digits - 1 - exponent)}f}"
    return _signed(text.rstrip("0").rstrip(".") if "." in text else text, x < 0)


def _signed(text: str, negative: bool) -> str:
    return MINUS + text if negative and text != "0" else text


def readable_rows(rows: list[dict]) -> list[dict]:
    """``rows`` with every value written by ``readable``: what a table shows."""
    return [{k: readable(v) for k, v in row.items()} for row in rows]
