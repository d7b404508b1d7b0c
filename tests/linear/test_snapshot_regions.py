"""Every snapshot's regions and score-zero lines in one pass: vertex for vertex what the one-snapshot functions
(gdviz.linear.regions, tested against areas and winners in test_regions.py) give, degenerate cases included."""

from __future__ import annotations

import numpy as np
import pytest

from gdviz.linear.regions import region_polygons, zero_line
from gdviz.linear.snapshot_regions import region_polygons_all, zero_lines_all

BOX = ((-1.5, 1.5), (-1.0, 2.0))


def _snapshots(C: int, seed: int) -> np.ndarray:
    """200 snapshots of W (3, C) at scales from 0.001 to 30, and the degenerate ones: W = 0, no slope (w_x = w_y
    = 0: a constant score), lines parallel to an axis, and two equal classes (a tie everywhere)."""
    rng = np.random.default_rng(seed)
    W = rng.normal(size=(200, 3, C)) * rng.choice([1e-3, 1.0, 30.0], size=(200, 1, 1))
    W[0] = 0.0
    W[1, :2] = 0.0
    W[2, 0] = 0.0
    W[3, 1] = 0.0
    W[4, :, 1] = W[4, :, 0]
    return W


@pytest.mark.parametrize("C", [2, 3, 5, 7])
@pytest.mark.parametrize("seed", range(3))
def test_regions_of_every_snapshot_are_the_one_snapshot_polygons(C, seed):
    W = _snapshots(C, seed)
    points, counts = region_polygons_all(W, BOX)
    assert counts.shape == (len(W), C) and points.shape[:2] == (len(W), C)
    for i, w in enumerate(W):
        for c, polygon in enumerate(region_polygons(w, BOX)):
            assert counts[i, c] == len(polygon), (i, c)
            np.testing.assert_allclose(points[i, c, : counts[i, c]], polygon, rtol=0, atol=1e-12)
    assert (counts == 0).any() and (counts >= 3).any()  # classes that win nowhere, and regions, both met


@pytest.mark.parametrize("C", [2, 3, 5])
def test_zero_lines_of_every_snapshot_are_the_one_snapshot_segments(C):
    W = _snapshots(C, 7)
    segments, counts = zero_lines_all(W, BOX)
    assert segments.shape == (len(W), C, 2, 2)
    for i, w in enumerate(W):
        for c in range(C):
            segment = zero_line(w[:, c], BOX)
            assert counts[i, c] == len(segment), (i, c)
            np.testing.assert_array_equal(segments[i, c, : counts[i, c]], segment)
    assert (counts == 0).any() and (counts == 2).any()  # lines that miss the box, and lines that cross it


def test_a_box_corner_on_a_line_and_an_empty_run():
    """A line through a corner of the box: the corner is kept once, not twice; no snapshots: empty arrays."""
    W = np.array([[[1.0, 0.0], [1.0, 0.0], [0.5, 0.0]]])  # class 0 wins where x + y + 0.5 ≥ 0: through (−1.5, 1.0)
    points, counts = region_polygons_all(W, BOX)
    for c, polygon in enumerate(region_polygons(W[0], BOX)):
        np.testing.assert_array_equal(points[0, c, : counts[0, c]], polygon)
    points, counts = region_polygons_all(np.zeros((0, 3, 3)), BOX)
    assert counts.shape == (0, 3)
    segments, counts = zero_lines_all(np.zeros((0, 3, 3)), BOX)
    assert segments.shape == (0, 3, 2, 2) and counts.shape == (0, 3)
