"""What a network computes over the map, snapshot by snapshot, against plain per-snapshot references in
float64: its decision regions (for x, y: model.decision_regions's, an implementation of its own), every
neuron's output (the pictures are float32: equal to float32's precision, a class different only where two
scores tie), the outputs' margins, and which ReLU neurons are dead."""

import numpy as np
import pytest

from gdviz.linear.data import xor
from gdviz.network import decision_regions, forward, train_mlp
from gdviz.network.features import feature_matrix
from gdviz.network.pictures import dead_units, grid, region_classes, score_margins, unit_outputs

BOX = ((-2.0, 2.0), (-1.5, 1.0))


@pytest.fixture(scope="module")
def runs():
    d = xor(n=80, noise=0.1, seed=1)
    out = {}
    for features in (("x", "y"), ("x2", "xy", "sinx")):
        X = feature_matrix(d.X, features)
        out[features] = train_mlp(X, d.y, hidden=(5, 3), activation="tanh", optimizer="adam", steps=40, lr=0.05,
                                  snapshots=7)  # fmt: skip
    return out


def _one(run, i):
    return [(W[i], b[i]) for W, b in run.snapshot_params]


def _same_classes(got: np.ndarray, scores: np.ndarray) -> None:
    """float32's classes are float64's but where the two best scores tie to float32's precision."""
    top2 = np.sort(scores, axis=-1)[..., -2:]
    tie = top2[..., 1] - top2[..., 0] <= 1e-5 * np.maximum(1, np.abs(top2[..., 1]))
    wrong = got.reshape(tie.shape) != np.argmax(scores, axis=-1)
    assert not (wrong & ~tie).any(), f"{wrong.sum()} cells differ away from a tie"

def test_the_grid_runs_over_the_box_rows_upwards():
    g = grid(BOX, 5)
    assert g.xs[0] == -2 and g.xs[-1] == 2 and g.ys[0] == -1.5 and g.ys[-1] == 1.0
    np.testing.assert_array_equal(g.points[7], [g.xs[2], g.ys[1]])  # point i·n + j is (xs[j], ys[i])
    with pytest.raises(ValueError, match="whole number ≥ 2"):
        grid(BOX, 1)


def test_regions_on_x_and_y_are_decision_regions(runs):
    run = runs[("x", "y")]
    got = region_classes(run.snapshot_params, "tanh", ("x", "y"), BOX, 30)
    assert got.dtype == np.uint8 and got.shape == (7, 30, 30)
    reference = decision_regions(run.snapshot_params, "tanh", BOX, 30).classes
    assert (got == reference).mean() > 0.999
    g = grid(BOX, 30)
    for i in range(7):
        _same_classes(got[i], forward(_one(run, i), g.points, "tanh").scores)
    assert len(np.unique(got[-1])) == 2 and not np.array_equal(got[0], got[-1]), "training moved the border"


def test_regions_and_neurons_of_other_features_are_each_snapshots_own(runs):
    features = ("x2", "xy", "sinx")
    run = runs[features]
    g = grid(BOX, 12)
    classes = region_classes(run.snapshot_params, "tanh", features, BOX, 12)
    units = unit_outputs(run.snapshot_params, "tanh", features, BOX, 12)
    assert [u.shape for u in units] == [(3, 12, 12), (7, 5, 12, 12), (7, 3, 12, 12), (7, 2, 12, 12)]
    X = feature_matrix(g.points, features)
    np.testing.assert_array_equal(units[0][1].ravel(), g.points[:, 0] * g.points[:, 1])  # the xy input
    for i in range(7):
        values = forward(_one(run, i), X, "tanh")
        _same_classes(classes[i], values.scores)
        for layer, post in enumerate(values.post, start=1):
            np.testing.assert_allclose(units[layer][i].reshape(post.shape[1], -1).T, post, rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="takes 3 inputs but 2 features"):
        region_classes(run.snapshot_params, "tanh", ("x", "y"), BOX, 12)


def test_a_margin_is_the_score_less_the_best_other_score():
    scores = np.array([[3.0, 1.0, 2.0], [0.0, 0.0, -1.0]])  # two cells, three classes
    np.testing.assert_array_equal(score_margins(scores, axis=1), [[1.0, -2.0, -1.0], [0.0, 0.0, -1.0]])
    many = np.random.default_rng(0).normal(size=(4, 3, 5, 5))  # (k, C, n, n) as unit_outputs gives them
    m = score_margins(many, axis=1)
    winner = np.argmax(many, axis=1)
    assert np.array_equal(np.argmax(m, axis=1), winner) and (m.max(axis=1) > 0).all()


def test_dead_units_output_zero_on_every_row():
    X = np.array([[1.0, 2.0], [0.5, -1.0], [-2.0, 0.0]])
    W1 = np.array([[1.0, 0.0, -1.0], [0.0, 1.0, 0.0]])
    b1 = np.array([0.0, -10.0, -5.0])  # unit 2 never fires; unit 3 fires for x < −5 only: dead here too
    W2, b2 = np.ones((3, 2)), np.zeros(2)
    assert dead_units([(W1, b1), (W2, b2)], X, "relu") == [2]
    assert dead_units([(W1, b1 + 20), (W2, b2)], X, "relu") == [0]
