"""The network page's data: points of a 2D set, a share held out class by class, all drawn from one seed."""

import numpy as np
import pytest

from gdviz.linear.data import DATASETS_2D
from gdviz.network.data import BOX, POINTS, network_data


def test_the_split_holds_out_the_share_of_each_class():
    train, test = network_data("spiral", 0.2, 0.2, seed=0)
    assert len(train.y) + len(test.y) == POINTS == 300
    assert np.bincount(test.y).tolist() == [20, 20, 20]  # a fifth of each class's 100
    assert np.bincount(train.y).tolist() == [80, 80, 80]
    full = DATASETS_2D["spiral"].build(n=POINTS, noise=0.2, seed=0)
    together = np.concatenate([train.X, test.X])
    assert sorted(map(tuple, together)) == sorted(map(tuple, full.X)), "the same points, split"


def test_one_seed_draws_the_same_data_and_another_other_data():
    a, b, c = (network_data("moons", 0.1, 0.5, seed=s) for s in (3, 3, 4))
    np.testing.assert_array_equal(a.train.X, b.train.X)
    np.testing.assert_array_equal(a.test.y, b.test.y)
    assert not np.array_equal(a.train.X, c.train.X)


def test_no_test_set_at_split_0_and_every_set_fits_the_map():
    for name in DATASETS_2D:
        train, test = network_data(name, 0.0, 0.0, seed=0)
        assert test is None and len(train.y) == POINTS
        (x0, x1), (y0, y1) = BOX
        assert x0 < train.X[:, 0].min() and train.X[:, 0].max() < x1 and y0 < train.X[:, 1].min() < y1


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("rings", 0.1, 0.2), "unknown data set"),
        (("xor", 0.1, 0.95), "from 0 to 0.9"),
        (("xor", 0.1, -0.1), "test share"),
    ],
)
def test_bad_settings_are_refused_in_words(args, words):
    with pytest.raises(ValueError, match=words):
        network_data(*args, seed=0)
