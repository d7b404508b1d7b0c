"""gdviz.readable: how a table writes a number for a reader."""

import numpy as np
import pytest

from gdviz.readable import readable


@pytest.mark.parametrize(
    "value, text",
    [
        (-9660.0411, "−9,660"),  # the y, once shown as "660.0411" in a clipped cell
        (139.2908, "139.3"),
        (0.0108, "0.0108"),
        (2.4000000000000004, "2.4"),
        (-0.0, "0"),  # no negative zero
        (-1e-9, "−10⁻⁹"),
        (7.888609052210118e-31, "7.889 × 10⁻³¹"),
        (-15593254.6, "−1.559 × 10⁷"),
        (0.001, "0.001"),
        (None, "—"),
        (float("nan"), "—"),
        (float("-inf"), "−∞"),
        (12000, "12,000"),  # whole numbers (steps) keep every digit
        (np.int64(248), "248"),
        ("max steps", "max steps"),
    ],
)
def test_readable_numbers(value, text):
    assert readable(value) == text
