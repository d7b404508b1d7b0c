"""Decision regions of a 2D linear classifier: exact polygons that tile the box, and score-zero lines."""

from __future__ import annotations

import numpy as np
import pytest

from gdviz.linear.regions import clip, region_polygons, zero_line

BOX = ((-1.5, 1.5), (-1.0, 2.0))


def area(p: np.ndarray) -> float:
    if len(p) < 3:
        return 0.0
    x, y = p[:, 0], p[:, 1]
    return 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def inside(p: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Points inside a convex polygon (either orientation), with a small tolerance."""
    edges = np.roll(p, -1, axis=0) - p
    cross = edges[:, 0] * (pts[:, None, 1] - p[:, 1]) - edges[:, 1] * (pts[:, None, 0] - p[:, 0])
    return np.all(cross >= -1e-9, axis=1) | np.all(cross <= 1e-9, axis=1)


@pytest.mark.parametrize("C", [2, 3, 5])
@pytest.mark.parametrize("seed", range(4))
def test_regions_tile_the_box_and_hold_the_points_their_class_wins(C, seed):
    rng = np.random.default_rng(seed)
    W = rng.normal(size=(3, C))
    polys = region_polygons(W, BOX)
    assert len(polys) == C
    assert sum(area(p) for p in polys) == pytest.approx(3.0 * 3.0, rel=1e-9)
    pts = np.column_stack([rng.uniform(-1.5, 1.5, 400), rng.uniform(-1.0, 2.0, 400)])
    winner = (np.column_stack([pts, np.ones(len(pts))]) @ W).argmax(axis=1)
    for c, p in enumerate(polys):
        if len(p) >= 3:
            assert np.all(inside(p, pts[winner == c])), f"a point class {c} wins lies outside its region"
        else:
            assert not np.any(winner == c)


def test_a_class_that_never_wins_has_an_empty_region():
    W = np.array([[1.0, -1.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, -10.0]])
    polys = region_polygons(W, BOX)
    assert len(polys[2]) == 0
    assert area(polys[0]) == pytest.approx(1.5 * 3.0)


def test_clip_keeps_the_half_plane():
    square = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    half = clip(square, np.array([1.0, 0.0]), -0.25)  # x ≥ 0.25
    assert area(half) == pytest.approx(0.75)
    assert half[:, 0].min() == pytest.approx(0.25)
    assert len(clip(square, np.array([1.0, 0.0]), -2.0)) == 0


def test_zero_line_is_the_segment_inside_the_box():
    seg = zero_line(np.array([1.0, -1.0, 0.0]), BOX)  # y = x
    assert seg.shape == (2, 2)
    np.testing.assert_allclose(seg, [[-1.0, -1.0], [1.5, 1.5]])
    assert np.allclose(seg @ [1.0, -1.0], 0.0)
    assert zero_line(np.array([0.0, 1.0, -5.0]), BOX).shape == (0, 2)  # y = 5 misses the box
    assert zero_line(np.array([0.0, 0.0, 1.0]), BOX).shape == (0, 2)  # no line at all
    np.testing.assert_allclose(zero_line(np.array([2.0, 0.0, -1.0]), BOX), [[0.5, -1.0], [0.5, 2.0]])
