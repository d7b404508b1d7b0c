"""What a race table shows: one row of plain numbers per finished run, and ``readable``, how a table writes
any of them for a reader (significant digits, thousands separators, powers of ten, "—" for missing)."""

from __future__ import annotations

import math

import numpy as np

from .optimizers import OPTIMIZERS
from .surfaces import Surface
from .trajectory import Trajectory

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


GAP_TOL = 1e-6
GAP_COLUMN = f"steps to f − f* ≤ {readable(GAP_TOL)}"


def steps_to_gap(surface: Surface, run: Trajectory, tol: float = GAP_TOL) -> int | None:
    """The first step at which f − f* ≤ tol (f* the global minimum's value); None if never or unknown."""
    if len(surface.minima) == 0:
        return None
    hit = np.flatnonzero(run.losses - surface.f(surface.global_minima).min() <= tol)
    return int(hit[0]) if len(hit) else None


def race_rows(surface: Surface, runs: dict[str, Trajectory]) -> list[dict]:
    """Per optimizer (single-start runs): final point and loss, distance to the nearest listed
    minimum, steps to reach the tolerance, steps taken and why it stopped, path length and
    gradient evaluations. A surface that lists no minima (a saddle, a typed formula) has no
    distance or gap to report: those two columns are left out."""
    rows = []
    known = len(surface.minima) > 0
    for name, r in runs.items():
        _, dist = surface.nearest_minimum(r.final)
        to_minimum = {"distance to nearest minimum": float(dist), GAP_COLUMN: steps_to_gap(surface, r)}
        rows.append(
            {
                "optimizer": OPTIMIZERS[name].title,
                "final loss": float(r.losses[-1]),
                "final x": float(r.final[0]),
                "final y": float(r.final[1]),
                **(to_minimum if known else {}),
                "steps taken": int(r.stopped_at),
                "stopped because": str(r.reason_text()),
                "diverged at": int(r.diverged_at) if r.diverged else None,
                "path length": float(r.path_length),
                "gradient evaluations": int(r.grad_evals),
            }
        )
    return rows


def readable_rows(rows: list[dict]) -> list[dict]:
    """``rows`` with every value written by ``readable``: what a table shows."""
    return [{k: readable(v) for k, v in row.items()} for row in rows]
