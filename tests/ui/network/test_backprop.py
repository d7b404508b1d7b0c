"""The network page's backprop section, its pure pieces: the numbers of a step, the check's rows, the caption."""

import numpy as np

from gdviz.network import init_params
from gdviz.network.graph import example_check, example_graph
from gdviz.ui.network.backprop import RESOLVED, check_rows, example_caption, step_numbers, verdict

PARAMS = init_params((2, 4, 3), np.random.default_rng(1))
X, Y = np.array([0.5, -1.0]), 2
GRAPH = example_graph(PARAMS, X, Y, activation="tanh", loss="softmax", reg=1e-2)


def _step(text_start: str):
    return next(s for s in GRAPH.steps if s.text.startswith(text_start))


def test_a_forward_step_shows_its_value_as_a_table():
    [(title, values)] = step_numbers(GRAPH.nodes, _step("forward: h1"))
    h1 = np.tanh(X @ PARAMS[0][0] + PARAMS[0][1])
    assert title == "h1  (4,)"
    np.testing.assert_allclose(values, h1[None], rtol=1e-15)
    [(title, values)] = step_numbers(GRAPH.nodes, _step("forward: L ="))
    assert title == "L  scalar" and values.shape == (1, 1) and values[0, 0] == GRAPH.loss


def test_a_matrix_products_step_shows_the_operand_it_applies():
    back = step_numbers(GRAPH.nodes, _step("backward: ∂L/∂h1 +="))
    assert [t for t, _ in back] == [
        "local: W2, applied as W2 @ g",
        "upstream g = ∂L/∂m2",
        "local × upstream, added to ∂L/∂h1",
        "∂L/∂h1 so far",
    ]
    (_, W2), (_, g), (_, product), (_, total) = back
    np.testing.assert_array_equal(W2, PARAMS[1][0])
    np.testing.assert_allclose(product, (W2 @ g[0])[None], rtol=1e-15)
    np.testing.assert_array_equal(total, product)  # h1 feeds one wire
    titles = [t for t, _ in step_numbers(GRAPH.nodes, _step("backward: ∂L/∂W2 += h1"))]
    assert titles[0] == "local: h1, applied as h1 ⊗ g" and titles[3] == "∂L/∂W2 so far"


def test_an_elementwise_step_and_the_seed():
    (title, local), *_ = step_numbers(GRAPH.nodes, _step("backward: ∂L/∂z1 +="))
    h1 = np.tanh(X @ PARAMS[0][0] + PARAMS[0][1])
    assert title == "local ∂h1/∂z1"
    np.testing.assert_allclose(local, (1 - h1**2)[None], rtol=1e-14)
    assert step_numbers(GRAPH.nodes, GRAPH.steps[len(GRAPH.nodes)]) == [("∂L/∂L, the seed", np.ones((1, 1)))]


def test_check_rows():
    checks = example_check(PARAMS, X, Y, activation="tanh", loss="softmax", reg=1e-2)
    rows = check_rows(checks)
    assert [r["parameter"] for r in rows] == ["W1", "b1", "W2", "b2"]
    assert [r["shape"] for r in rows] == ["2 × 4", "4", "4 × 3", "3"]
    assert all(r["verdict"] == "agree" for r in rows)
    assert rows[2]["largest |∂L/∂p| by backprop"] == np.abs(GRAPH.grads[1][0]).max()
    bad = checks[0]._replace(rel_error=3e-4, numerical=checks[0].numerical + 1e-3)
    assert check_rows([bad])[0]["verdict"] == "check this" and check_rows([bad])[0]["largest |a − n|"] > 9e-4


def test_tiny_gradients_that_differ_by_less_than_differences_resolve_agree_within_their_error():
    """A trained network classifies most examples with a loss near 0: gradients of 1e-9 whose relative error is
    large though a and n differ by 1e-11, about the centered differences' own error. Such a row says so; a tiny
    gradient that differs by more than 100·h² still reads "check this"."""
    c = example_check(PARAMS, X, Y, activation="tanh", loss="softmax")[0]
    a = np.full_like(c.analytic, 2e-9)
    tiny = c._replace(analytic=a, numerical=a + 1e-11, rel_error=2.5e-3)
    assert verdict(tiny) == "agree within h²" == check_rows([tiny])[0]["verdict"]
    assert verdict(tiny._replace(numerical=a + 2 * RESOLVED)) == "check this"
    assert verdict(c) == "agree"


def test_the_caption_says_what_the_network_makes_of_the_example():
    scores = GRAPH.nodes[[n.name for n in GRAPH.nodes].index("s")].value
    text = example_caption(7, 60, "spiral", X, Y, GRAPH)
    assert text.startswith("Example 7 of the 60 training points of spiral: features x = [0.5, -1], class 2.")
    predicted = int(np.argmax(scores))
    assert ("correctly" in text) == (predicted == Y) and f"L = {GRAPH.loss:.4g}." in text
