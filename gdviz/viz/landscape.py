"""A surface drawn as a filled-contour picture: a PNG placed under the axes with ``layout.images``.

Plotly's Contour and Heatmap traces vanish while frames animate (a known plotly bug); an image under
the axes stays put. Levels are quantized (log-spaced where values span orders of magnitude) and
level boundaries are darkened, so the picture reads like a contour map.
"""

from __future__ import annotations

import base64
import functools
import struct
import zlib

import numpy as np

from ..surfaces import Surface

# light ramp (low → high): colored paths stay legible on it, on a screen or a projector
RAMP = np.array(
    [[0x8F, 0xA8, 0xC4], [0xB4, 0xC8, 0xDC], [0xD4, 0xE1, 0xEC], [0xEC, 0xF1, 0xF5], [0xFB, 0xF8, 0xF1]],
    dtype=np.float64,
)
LINE = np.array([0x5B, 0x6B, 0x7D], dtype=np.float64)


def level_values(surface: Surface, Z: np.ndarray, grid: np.ndarray | None = None) -> np.ndarray:
    """The values the levels are spaced on: log of the height above the minimum where wide-ranged.

    The scale comes from ``grid`` (default: ``Z`` itself), so points off the grid share the map's scale.
    """
    ref = Z if grid is None else grid
    finite = np.isfinite(ref)
    zmin = ref[finite].min()
    if surface.log_levels:
        spread = np.percentile(ref[finite], 99) - zmin
        return np.log10(np.where(np.isfinite(Z), Z - zmin, np.inf) + 1e-4 * max(spread, 1e-12))
    return Z


def levels(surface: Surface, Z: np.ndarray, n_levels: int = 24) -> np.ndarray:
    """Level index of each grid value, 0 … n_levels − 1 (the top 1% clipped into the last level)."""
    V = level_values(surface, Z)
    finite = np.isfinite(V)
    lo, hi = V[finite].min(), np.percentile(V[finite], 99)
    scaled = (np.where(finite, V, hi) - lo) / max(hi - lo, 1e-300)
    return np.clip((scaled * n_levels).astype(int), 0, n_levels - 1)


def rgb_image(surface: Surface, n: int = 320, n_levels: int = 24) -> np.ndarray:
    """``(n, n, 3)`` uint8, row 0 at the top of the domain."""
    _, _, Z = surface.grid(n)
    L = levels(surface, Z, n_levels)
    t = L / max(n_levels - 1, 1) * (len(RAMP) - 1)
    rgb = np.stack([np.interp(t, np.arange(len(RAMP)), RAMP[:, c]) for c in range(3)], axis=-1)
    edge = np.zeros(L.shape, dtype=bool)
    edge[:, 1:] |= L[:, 1:] != L[:, :-1]
    edge[1:, :] |= L[1:, :] != L[:-1, :]
    rgb[edge] = 0.55 * rgb[edge] + 0.45 * LINE
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
