"""A surface drawn as a filled-contour picture: a PNG placed under the axes with ``layout.images``.

Plotly's Contour and Heatmap traces vanish while frames animate (a known plotly bug); an image under
the axes stays put. Levels are quantized (log-spaced where values span orders of magnitude, by
quantiles where they bunch) and level boundaries are darkened, so the picture reads like a contour
map; where f has no finite value the picture is hatched, a gap rather than a level.
"""

from __future__ import annotations

import base64
import functools
import struct
import zlib

import numpy as np

from ..surface.functions import Surface

# light ramp (low → high): colored paths stay legible on it, on a screen or a projector
RAMP = np.array(
    [[0x8F, 0xA8, 0xC4], [0xB4, 0xC8, 0xDC], [0xD4, 0xE1, 0xEC], [0xEC, 0xF1, 0xF5], [0xFB, 0xF8, 0xF1]],
    dtype=np.float64,
)
LINE = np.array([0x5B, 0x6B, 0x7D], dtype=np.float64)


GAP = np.array([0xFF, 0xFF, 0xFF], dtype=np.float64)  # where f has no finite value: white, hatched with LINE
HATCH = 6  # pixels between the hatch's diagonal lines
DECADES = 1e4  # finite values spread this many times wider than their middle 80 %: levels on a log scale
CROWDED = 1 / 3  # one evenly spaced level holding more of the map than this: levels by quantiles instead


def _spans_decades(v: np.ndarray) -> bool:
    """Whether finite values ``v`` span so many decades that linear levels would put nearly all in one."""
    lo, hi = v.min(), v.max()
    body = np.percentile(v, 90) - np.percentile(v, 10)
    return bool(hi > lo and (hi - lo) > DECADES * body)


def _signed_log(Z: np.ndarray, v: np.ndarray) -> np.ndarray:
    """sign(d) · log10(1 + |d| / s) with d = Z − median(v) and s the median |d| (else the smallest
    nonzero one), computed in logs so nothing overflows, even at 1e308."""
    c = np.median(v)
    dev = np.abs(v - c)
    s = np.median(dev)
    if not s > 0:
        s = dev[dev > 0].min()
    d = Z - c
    return np.sign(d) * (np.logaddexp(np.log(s), np.log(np.abs(d))) - np.log(s)) / np.log(10)


def level_values(surface: Surface, Z: np.ndarray, grid: np.ndarray | None = None) -> np.ndarray:
    """The values the levels are spaced on, NaN where ``Z`` is not finite (a gap, never a level).

    Log of the height above the minimum for a wide-ranged built-in surface (``log_levels``); a signed log
    around the median where the finite values span many decades (a typed exp(exp(x)) or x**99);
    ``Z`` itself otherwise. The scale comes from ``grid`` (default: ``Z`` itself), so points off the
    grid share the map's scale.
    """
    ref = np.asarray(Z if grid is None else grid, dtype=np.float64)
    Z = np.asarray(Z, dtype=np.float64)
    v = ref[np.isfinite(ref)]
    if len(v) == 0:
        return np.full(Z.shape, np.nan)
    with np.errstate(all="ignore"):
        if surface.log_levels:
            zmin = v.min()
            spread = np.percentile(v, 99) - zmin
            V = np.log10(Z - zmin + 1e-4 * max(spread, 1e-12))
        elif _spans_decades(v):
            V = _signed_log(Z, v)
        else:
            V = Z
    return np.where(np.isfinite(Z) & np.isfinite(V), V, np.nan)


def level_label(surface: Surface, Z: np.ndarray) -> str:
    """What ``level_values`` measures for this grid, as an axis title."""
    v = np.asarray(Z, dtype=np.float64)
    v = v[np.isfinite(v)]
    if surface.log_levels:
        return "log₁₀(f − min f)"
    if len(v) and _spans_decades(v):
        return "f on a signed log₁₀ scale"
    return "f(x, y)"


def levels(surface: Surface, Z: np.ndarray, n_levels: int = 24) -> np.ndarray:
    """Level index of each grid value, 0 … n_levels − 1, and −1 where f has no finite value (a gap).

    Levels are evenly spaced from the lowest value to the 99th percentile (the top 1% clipped into the
    last level); where one of them would hold over a third of the map (values bunched at a few heights:
    a plain with a spike, a wall of overflow), they are spaced by quantiles of the distinct values
    instead, so the map keeps as many levels as it has values. Every built-in surface keeps even spacing.
    """
    V = level_values(surface, Z)
    finite = np.isfinite(V)
    if not finite.any():
        return np.full(V.shape, -1)
    v = V[finite]
    lo, hi = v.min(), np.percentile(v, 99)
    with np.errstate(all="ignore"):
        scaled = (np.where(finite, V, lo) - lo) / max(hi - lo, 1e-300)
    L = np.clip((scaled * n_levels).astype(int), 0, n_levels - 1)
    distinct = np.unique(v)
    if np.bincount(L[finite]).max() > CROWDED * len(v) and len(distinct) > 1:
        edges = np.unique(np.quantile(distinct, np.linspace(0, 1, n_levels + 1)[1:-1], method="lower"))
        L = np.searchsorted(edges, np.where(finite, V, lo), side="right")
    return np.where(finite, L, -1)


def rgb_image(surface: Surface, n: int = 320, n_levels: int = 24) -> np.ndarray:
    """``(n, n, 3)`` uint8, row 0 at the top of the domain; cells where f has no finite value are hatched."""
    _, _, Z = surface.grid(n)
    L = levels(surface, Z, n_levels)
    gap = L < 0
    t = np.maximum(L, 0) / max(n_levels - 1, 1) * (len(RAMP) - 1)
    rgb = np.stack([np.interp(t, np.arange(len(RAMP)), RAMP[:, c]) for c in range(3)], axis=-1)
    edge = np.zeros(L.shape, dtype=bool)
    edge[:, 1:] |= L[:, 1:] != L[:, :-1]
    edge[1:, :] |= L[1:, :] != L[:-1, :]
    rgb[edge] = 0.55 * rgb[edge] + 0.45 * LINE
    i, j = np.indices(L.shape)
    rgb[gap] = GAP
    stripe = gap & ((i + j) % HATCH == 0)
    rgb[stripe] = 0.6 * GAP + 0.4 * LINE
    return np.flipud(rgb).round().astype(np.uint8)


def png_bytes(rgb: np.ndarray) -> bytes:
    """Encode ``(h, w, 3)`` uint8 as PNG with only zlib: no imaging dependency for one picture."""
    h, w, _ = rgb.shape
    raw = np.concatenate([np.zeros((h, 1), np.uint8), rgb.reshape(h, w * 3)], axis=1).tobytes()

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


@functools.lru_cache(maxsize=32)  # surfaces are immutable; the picture is ~12 ms of every rerun otherwise
def landscape_uri(surface: Surface, n: int = 320) -> str:
    return "data:image/png;base64," + base64.b64encode(png_bytes(rgb_image(surface, n))).decode("ascii")


def layout_image(surface: Surface, n: int = 320, xref: str = "x", yref: str = "y") -> dict:
    """A ``layout.images`` entry that stretches the picture over the surface's domain."""
    (x0, x1), (y0, y1) = surface.domain
    return dict(
        source=landscape_uri(surface, n),
        xref=xref,
        yref=yref,
        x=x0,
        y=y1,
        sizex=x1 - x0,
        sizey=y1 - y0,
        sizing="stretch",
        layer="below",
    )
