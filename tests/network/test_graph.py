"""Tests for gdviz/network/graph.py: one example's graph on the autodiff engine, its steps and its check.

References: gdviz.network's own ``backward`` (and ``loss_and_grads`` with reg) for a batch of that one example,
to 1e-12; centered differences of the example's loss, to 1e-7; every recorded edge's product recomputed
from its local and upstream gradients; the worst example from a loop over every example's own loss.
"""

import numpy as np
import pytest

from gdviz import train_mlp
from gdviz.linear.data import spiral
from gdviz.linear.losses import loss_spec
from gdviz.network import ACTIVATIONS, Activation, backward, forward, init_params, loss_and_grads
from gdviz.network.graph import example_check, example_graph, worst_example
from gdviz.viz.graph import graph_dot

DATA = spiral(n=60, noise=0.2, seed=0)
X, Y = DATA.X, DATA.y
# hidden widths, activation, loss, reg: every activation and loss, no hidden layer, two, with and without reg
CASES = [
    ((8,), "tanh", "softmax", 0.0),
    ((8, 8), "relu", "softmax", 1e-2),
    ((6,), "sigmoid", "svm", 0.0),
    ((5, 4), "linear", "svm", 1e-3),
    ((), "tanh", "softmax", 1e-2),
    ((8,), "relu", "svm", 0.0),
]
IDS = [f"{'x'.join(map(str, h)) or 'none'}_{a}_{loss}_{reg:g}" for h, a, loss, reg in CASES]


def network(hidden, seed=0):
    """Parameters away from a fresh start: 3 classes, 2 features, weights scaled up so units are not all linear."""
    params = init_params((2, *hidden, 3), np.random.default_rng(seed))
    return [(3 * W, b) for W, b in params]


def flat(grads):
    return [a for layer in grads for a in layer]


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("i", [0, 17, 59])
def test_the_graph_gradients_are_the_networks_backward(case, i):
    hidden, act, loss, reg = case
    params = network(hidden, seed=i)
    graph = example_graph(params, X[i], Y[i], activation=act, loss=loss, reg=reg)
    xb, yb = X[i : i + 1], Y[i : i + 1]
    values = forward(params, xb, act)
    reference = backward(params, xb, values, loss_spec(loss).dscores(values.scores, yb), act)
    if reg:
        reference = [(dW + 2 * reg * W, db) for (dW, db), (W, _) in zip(reference, params, strict=True)]
    value, batch_grads = loss_and_grads(params, xb, yb, activation=act, loss=loss, reg=reg)
    assert graph.loss == pytest.approx(value, rel=1e-12)
    for got, want, also in zip(flat(graph.grads), flat(reference), flat(batch_grads), strict=True):
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(got, also, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_check_agrees_with_centered_differences(case):
    hidden, act, loss, reg = case
    params = network(hidden, seed=3)
    i = worst_example(params, X, Y, activation=act, loss=loss)  # a hinge with no violated margin has no gradient
    checks = example_check(params, X[i], Y[i], activation=act, loss=loss, reg=reg)
    layers = len(hidden) + 1
    assert [c.name for c in checks] == [f"{p}{k}" for k in range(1, layers + 1) for p in "Wb"]
    grads = flat(example_graph(params, X[i], Y[i], activation=act, loss=loss, reg=reg).grads)
    for c, g, p in zip(checks, grads, flat(params), strict=True):
        np.testing.assert_array_equal(c.analytic, g)
        assert c.numerical.shape == p.shape
        assert c.rel_error < 1e-7, c.name
        np.testing.assert_allclose(c.numerical, g, rtol=1e-6, atol=1e-9)
    assert any(np.abs(c.analytic).max() > 1e-2 for c in checks)  # the comparison covered real gradients


def test_the_check_catches_a_wrong_derivative(monkeypatch):
    """tanh's derivative taken as 1 − h (not 1 − h²): backprop goes wrong, the numerical gradient does not."""
    wrong = ACTIVATIONS["tanh"]._replace(derivative=lambda z, a: 1 - a)
    monkeypatch.setitem(ACTIVATIONS, "tanh", Activation(*wrong))
    checks = example_check(network((8,)), X[5], Y[5], activation="tanh", loss="softmax")
    errors = {c.name: c.rel_error for c in checks}
    assert errors["W1"] > 1e-3 and errors["b1"] > 1e-3  # below the hidden layer
    assert errors["W2"] < 1e-7 and errors["b2"] < 1e-7  # above it, untouched


def test_the_check_leaves_the_parameters_as_they_were():
    params = network((8,))
    before = [a.copy() for a in flat(params)]
    example_check(params, X[2], Y[2], activation="tanh", loss="softmax", reg=1e-3)
    for a, b in zip(flat(params), before, strict=True):
        np.testing.assert_array_equal(a, b)


def test_every_edge_adds_local_times_upstream():
    """Each backward step's product is its local gradient applied to its upstream one: W @ g or h ⊗ g for a
    matrix product, elementwise for the rest; and the grad it leaves is the sum of the products so far."""
    graph = example_graph(network((8, 8)), X[9], Y[9], activation="tanh", loss="softmax", reg=1e-2)
    nodes, totals = graph.nodes, {}
    edges = [s for s in graph.steps if s.edge is not None]
    assert len(edges) == sum(len(n.inputs) for n in nodes)
    for s in edges:
        i, c = s.edge
        if nodes[c].op == "@":
            h_id, W_id = nodes[c].inputs
            expected = s.local @ s.upstream if i == h_id else np.multiply.outer(s.local, s.upstream)
            np.testing.assert_array_equal(s.local, nodes[W_id if i == h_id else h_id].value)
        else:
            expected = s.local * s.upstream
        np.testing.assert_allclose(s.product, expected, rtol=1e-14, atol=1e-16)
        np.testing.assert_array_equal(s.upstream, nodes[c].grad if totals.get(c) is None else totals[c])
        totals[i] = s.product if i not in totals else totals[i] + s.product
        np.testing.assert_array_equal(s.grad, totals[i])
    for node_id, total in totals.items():
        np.testing.assert_array_equal(nodes[node_id].grad, total)


def test_the_story_names_every_node_with_its_shape():
    graph = example_graph(network((8, 8)), X[1], Y[1], activation="tanh", loss="softmax", reg=1e-3)
    names = [n.name for n in graph.nodes]
    assert names == [
        "x", "W1", "m1", "b1", "z1", "h1", "W2", "m2", "b2", "z2", "h2", "W3", "m3", "b3", "s", "Li", "R", "L",
    ]  # fmt: skip
    text = {n.name: n.text for n in graph.nodes}
    assert text["h1"] == "h1 = tanh(z1)  (8,)"
    assert text["m2"] == "m2 = h1 @ W2  (8,)" and text["W2"] == "W2  (8, 8), layer 2's weights"
    assert text["s"].startswith("s = m3 + b3  (3,)") and text["Li"] == f"Li = softmax loss(s, y = {Y[1]})"
    forward, seed = len(graph.nodes), graph.steps[len(graph.nodes)]
    assert all(s.phase == "forward" for s in graph.steps[:forward])
    assert seed.text == "backward: ∂L/∂L = 1 (the seed)" and seed.edge is None
    lines = [s.text for s in graph.steps]
    assert any(t.startswith("forward: m1 = x @ W1  (8,): (2,) @ (2, 8) → (8,) = [") for t in lines)
    assert any(t.startswith("backward: ∂L/∂h1 += W2 @ ∂L/∂m2  (8, 8) @ (8,) → (8,) = [") for t in lines)
    assert "backward: ∂L/∂W3 += h2 ⊗ ∂L/∂m3  (8,) ⊗ (3,) → (8, 3), added to W3's before" in lines
    assert any(t.startswith("backward: ∂L/∂z2 += tanh'(z2) ⊙ ∂L/∂h2  (8,) ⊙ (8,) → (8,) = [") for t in lines)
    fan_out = [s.gate for s in graph.steps if s.edge and graph.nodes[s.edge[0]].name == "W1"]
    assert len(fan_out) == 2 and all("W1 is used 2 times" in g for g in fan_out)


def test_a_trained_network_and_its_drawing():
    run = train_mlp(X, Y, hidden=(6,), activation="relu", loss="svm", optimizer="adam", steps=60, lr=0.02)
    i = worst_example(run.params, X, Y, activation="relu", loss="svm")
    graph = example_graph(run.params, X[i], Y[i], activation="relu", loss="svm")
    assert graph.loss == pytest.approx(loss_and_grads(run.params, X[i : i + 1], Y[i : i + 1], activation="relu",
                                                      loss="svm")[0], rel=1e-12)  # fmt: skip
    for at in range(len(graph.steps)):  # the backprop page's drawing takes the graph at every step
        dot = graph_dot(graph.nodes, graph.steps, at)
        assert "<b>relu</b><br/>h1" in dot and "<b>@</b><br/>m2" in dot
    assert dot.count("[array (6,)]") == 2 * 4  # the wires out of m1, b1, z1 and h1: value above, gradient below


def test_worst_example_is_the_largest_loss():
    for act, loss in (("tanh", "softmax"), ("relu", "svm")):
        params = network((8,), seed=4)
        each = [loss_and_grads(params, X[i : i + 1], Y[i : i + 1], activation=act, loss=loss)[0] for i in range(len(Y))]
        each = [e if X[i].any() else -np.inf for i, e in enumerate(each)]  # the arms' starts at the origin: below
        assert worst_example(params, X, Y, activation=act, loss=loss) == int(np.argmax(each))


def test_the_worst_example_is_never_one_whose_inputs_are_all_zero_unless_every_one_is():
    """At x = 0 the first layer's weight gradient is 0 whatever the error: the spiral's arms all start there, with
    three labels, so one of those three was always the worst (the network page's first example, W1's gradient 0)."""
    data = spiral(300, 0.2, 0)
    origin = np.flatnonzero(~data.X.any(axis=1))
    assert len(origin) == 3
    settings = dict(hidden=(8,), activation="relu", loss="softmax", optimizer="adam", steps=300, lr=0.02)
    run = train_mlp(data.X, data.y, **settings)
    each = [loss_and_grads(run.params, data.X[i : i + 1], data.y[i : i + 1], activation="relu", loss="softmax")[0]
            for i in range(len(data.y))]  # fmt: skip
    assert int(np.argmax(each)) in origin  # what the page showed before
    i = worst_example(run.params, data.X, data.y, activation="relu", loss="softmax")
    assert i not in origin and each[i] == max(e for k, e in enumerate(each) if k not in origin)
    graph = example_check(run.params, data.X[i], data.y[i], activation="relu", loss="softmax")
    assert np.abs(graph[0].analytic).max() > 0  # W1's gradient
    zeros = np.zeros((4, 2))
    assert worst_example(run.params, zeros, np.array([0, 1, 2, 1]), activation="relu", loss="softmax") in range(4)


@pytest.mark.parametrize(
    "x, y, words",
    [
        (X[:2], 0, r"one example of 2 features, got shape \(2, 2\)"),
        (X[0, :1], 0, "one example of 2 features"),
        (X[0], 3, "label 3 is out of range for a network with 3 classes"),
        (X[0], -1, "label -1 is out of range"),
    ],
)
def test_refusals_in_words(x, y, words):
    with pytest.raises(ValueError, match=words):
        example_graph(network((4,)), x, y, activation="tanh", loss="softmax")


def test_unknown_names_are_refused():
    with pytest.raises(ValueError, match="unknown activation"):
        example_graph(network((4,)), X[0], 0, activation="gelu", loss="softmax")
    with pytest.raises(ValueError, match="unknown loss"):
        example_graph(network((4,)), X[0], 0, activation="tanh", loss="hinge")
