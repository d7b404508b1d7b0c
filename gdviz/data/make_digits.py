"""Write digits.npz beside this file: scikit-learn's 8×8 handwritten digits, so gdviz needs no scikit-learn.

Run once, offline, from the repository root, with a Python that has scikit-learn and numpy:

    pip install scikit-learn && python gdviz/data/make_digits.py

It stores ``images`` (1797, 8, 8) uint8 pixel values 0..16 and ``labels`` (1797,) uint8 digits 0..9,
compressed, in scikit-learn's order; ``gdviz.linear.data.load_digits`` reads them.
Licence: the UCI ML hand-written digits data set (Alpaydin & Kaynak, 1998), CC BY 4.0.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent / "digits.npz"


def main() -> None:
    from sklearn.datasets import load_digits  # here, not at the top: importing gdviz.data.* needs numpy only

    digits = load_digits()
    images, labels = digits.images, digits.target
    assert images.shape == (1797, 8, 8) and np.array_equal(images, np.round(images)), "pixels are whole 0..16"
    assert images.min() >= 0 and images.max() <= 16 and set(labels) == set(range(10))
    np.savez_compressed(OUT, images=images.astype(np.uint8), labels=labels.astype(np.uint8))
    print(f"wrote {OUT} ({OUT.stat().st_size / 1024:.1f} KB)")


if __name__ == "__main__":
    main()
