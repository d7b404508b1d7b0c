"""Linear classifiers at the notebook's scale: the loss against reading X, and random search in chunks.

Data: ``cifar_like()`` — 10,000 × 3,073 float32 (standard normal pixels, the bias column last),
10 random labels; W float32, 1e-4 · N(0, 1) as in the notebook. Every time is the best of a few
repeats, the timed functions taking turns round by round so that a noisy neighbour slows all of
them alike (time.perf_counter).

1. Budget: ``svm_loss_vectorized`` (loss and gradient) ≤ 2 × the time to read X twice. "Read X
   twice" is the fastest of four honest memory-bound passes, each done twice. The loss's parts are
   timed alone (X @ W, the mask, X.T @ mask and (mask.T @ X).T), beside the naive loop (500 rows,
   scaled to N) and the notebook's own ``hinge_loss``.
2. Budget: random search scoring ``chunk`` candidates per matmul ≥ 3× faster per candidate than one
   candidate at a time. Both sides are ``gdviz.linear.search.random_search`` (drawing W included),
   loss only; the one-at-a-time side is chunk = 1, one ``X @ W`` per candidate. The notebook's way,
   ``svm_loss_vectorized`` per candidate (loss and gradient), is printed beside it.
3. ``train_linear``: 200 full-batch softmax steps on the 8×8 digits (1,797 × 65), against the page's
   ~300 ms rerun budget, and full-batch steps at the notebook's scale.

Run: python benchmarks/bench_linear.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from gdviz.linear.data import add_bias, cifar_like, load_digits  # noqa: E402
from gdviz.linear.losses import softmax_loss_vectorized, svm_loss_naive, svm_loss_vectorized  # noqa: E402
from gdviz.linear.search import CHUNK, batch_loss, random_search  # noqa: E402
from gdviz.linear.train import train_linear  # noqa: E402

REPEATS, SEED, NAIVE_ROWS = 15, 0, 500
LOSS_BUDGET, SEARCH_BUDGET, PAGE_BUDGET_MS = 2.0, 3.0, 300.0
CHUNKS = (8, 16, 32, 48, 64, 96, 128)
CANDIDATES = 384  # per chunk size (a multiple of each); one at a time scores fewer, per candidate alike


def best_of_each(fns: dict, repeats: int = REPEATS) -> dict[str, float]:
    """Shortest wall-clock seconds of each function; one call of each per round, rounds repeated."""
    best = dict.fromkeys(fns, np.inf)
    for _ in range(repeats):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t0)
    return best


def notebook_hinge_loss(X, y, w):
    """The seed notebook's loop, verbatim but for names: it visits only the first 1000 rows, then divides by n."""
    n, c = X.shape[0], w.shape[1]
    scores = np.dot(X, w)
    loss = 0
    for i in range(1000):
        correct_class_score = scores[i, y[i]]
        for j in range(c):
            if j != y[i]:
                loss += max(0, 1 - correct_class_score + scores[i, j])
    return loss / n


def svm_mask(scores, y, dtype):
    """svm_loss_vectorized's middle: the data loss (sum of positive margins) and the gradient's mask."""
    rows = np.arange(len(y))
    margins = scores - scores[rows, y][:, None] + 1
    margins[rows, y] = 0
    positive = margins > 0
    mask = positive.astype(dtype)
    mask[rows, y] = -mask.sum(axis=1)
    return np.sum(margins, where=positive, dtype=np.float64), mask


def svm_transposed(W, X, y, reg):
    """What-if: svm_loss_vectorized with dW = (mask.T @ X).T, which reads X in its own row order."""
    data, mask = svm_mask(X @ W, y, W.dtype)
    return data / len(y) + reg * np.sum(W * W, dtype=np.float64), (mask.T @ X).T / len(y) + 2 * reg * W


def svm_fused(W, X, y, reg, block=1000):
    """What-if: both matmuls block by block of rows, so a block of X is still in cache for the second."""
    data, dWT = 0.0, np.zeros(W.shape[::-1], dtype=W.dtype)
    for lo in range(0, len(y), block):
        Xb = X[lo : lo + block]
        d, mask = svm_mask(Xb @ W, y[lo : lo + block], W.dtype)
        data += d
        dWT += mask.T @ Xb
    return data / len(y) + reg * np.sum(W * W, dtype=np.float64), dWT.T / len(y) + 2 * reg * W


def loss_parts(X, y, W) -> dict[str, float]:
    N, scores = X.shape[0], X @ W
    _, m = svm_mask(scores, y, W.dtype)
    for variant in (svm_transposed, svm_fused):
        loss, dW = variant(W, X, y, 0.0)
        ref_loss, ref_dW = svm_loss_vectorized(W, X, y, 0.0)
        assert abs(loss - ref_loss) <= 1e-6 * ref_loss and np.allclose(dW, ref_dW, rtol=1e-4, atol=1e-6)
    ones_N, ones_D = np.ones(N, X.dtype), np.ones(X.shape[1], X.dtype)
    return best_of_each(
        {
            "read: X.sum() x2": lambda: (X.sum(dtype=np.float32), X.sum(dtype=np.float32)),
            "read: np.add.reduce(X, axis=0) x2": lambda: (np.add.reduce(X, axis=0), np.add.reduce(X, axis=0)),
            "read: ones(N) @ X (gemv) x2": lambda: (ones_N @ X, ones_N @ X),
            "read: X @ ones(D) (gemv) x2": lambda: (X @ ones_D, X @ ones_D),
            "svm_loss_vectorized": lambda: svm_loss_vectorized(W, X, y, 0.0),
            "softmax_loss_vectorized": lambda: softmax_loss_vectorized(W, X, y, 0.0),
            "loss only: batch_loss, 1 candidate": lambda: batch_loss(W[None], X, y, "svm"),
            "part: X @ W": lambda: X @ W,
            "part: margins and mask": lambda: svm_mask(scores, y, W.dtype),
            "part: X.T @ mask": lambda: X.T @ m,
            "part: (mask.T @ X).T": lambda: (m.T @ X).T,
            "what-if: svm with (mask.T @ X).T": lambda: svm_transposed(W, X, y, 0.0),
            "what-if: svm fused, blocks of 1000 rows": lambda: svm_fused(W, X, y, 0.0),
        }
    )


def budget_1(X, y, W) -> bool:
    N = X.shape[0]
    t = loss_parts(X, y, W)
    reads = {k: v for k, v in t.items() if k.startswith("read")}
    read2_name = min(reads, key=reads.get)
    read2 = reads[read2_name]
    naive = best_of_each({0: lambda: svm_loss_naive(W, X[:NAIVE_ROWS], y[:NAIVE_ROWS], 0.0)}, 3)[0]
    t[f"svm_loss_naive ({NAIVE_ROWS} rows, x{N // NAIVE_ROWS} to N)"] = naive * N / NAIVE_ROWS
    t["notebook hinge_loss (loss only, 1000 rows)"] = best_of_each({0: lambda: notebook_hinge_loss(X, y, W)}, 3)[0]

    print(f"1. The loss against reading X ({N:,} x {X.shape[1]:,} {X.dtype}, {X.nbytes / 1e6:.0f} MB)\n")
    print(f"{'what':<44} {'ms':>9} {'/ read X twice':>15}")
    for name, seconds in t.items():
        print(f"{name:<44} {seconds * 1e3:>9.2f} {seconds / read2:>14.2f}x")
    vectorized = t["svm_loss_vectorized"]
    print(f"\nnaive loop / vectorized: {naive * N / NAIVE_ROWS / vectorized:.0f}x")
    print(
        f"note: the notebook's hinge_loss visits the first 1000 rows only but divides by n = {N:,}: it returns"
        f" {notebook_hinge_loss(X, y, W):.4f} where the loss is {svm_loss_vectorized(W, X, y, 0.0)[0]:.4f}"
    )
    flops = 2 * N * X.shape[1] * W.shape[1]
    print(
        f"X @ W and X.T @ mask do {flops / 1e9:.2f} GFLOP each: {flops / t['part: X @ W'] / 1e9:.0f} and "
        f"{flops / t['part: X.T @ mask'] / 1e9:.0f} GFLOP/s here (a 10-column sgemm)"
    )
    ratio = vectorized / read2
    holds = ratio <= LOSS_BUDGET
    verdict = "HOLDS" if holds else "DOES NOT HOLD"
    budget = f"svm_loss_vectorized <= {LOSS_BUDGET:.0f} x read X twice ({read2_name[6:]})"
    print(f"\nbudget {budget}: {verdict} ({ratio:.2f}x)\n")
    return holds


def budget_2(X, y, W) -> bool:
    one = CANDIDATES // 8

    def search(chunk, budget):
        return lambda: random_search(X, y, budget=budget, chunk=chunk, seed=SEED)

    def notebook_way():
        rng = np.random.default_rng(SEED)
        for _ in range(one):
            svm_loss_vectorized(1e-4 * rng.standard_normal(W.shape, dtype=np.float32), X, y, 0.0)

    fns = {"vectorized": notebook_way, 1: search(1, one), **{c: search(c, CANDIDATES) for c in CHUNKS}}
    per = {k: v / (CANDIDATES if k in CHUNKS else one) for k, v in best_of_each(fns, 3).items()}
    base, notebook = per[1], per["vectorized"]
    print(f"2. Random search, ms per candidate ({CANDIDATES} candidates per chunk size, {one} one at a time)\n")
    print(f"{'scoring':<46} {'ms/candidate':>13} {'speed-up':>9} {'vs notebook':>12}")
    names = {
        "vectorized": "svm_loss_vectorized one at a time (+ gradient)",
        1: "random_search, chunk 1 (one X @ W each)",
    }
    for k, seconds in per.items():
        name = names.get(k, f"random_search, chunk {k}") + ("  <- CHUNK" if k == CHUNK else "")
        print(f"{name:<46} {seconds * 1e3:>13.2f} {base / seconds:>8.2f}x {notebook / seconds:>11.2f}x")
    speedup = base / per[CHUNK]
    holds = speedup >= SEARCH_BUDGET
    print(f"\nfastest chunk this run: {min(CHUNKS, key=per.get)}; default CHUNK = {CHUNK}")
    print(f"loss + gradient / loss alone, one candidate: {notebook / base:.2f} (follow_gradient charges 2)")
    budget = f"chunk {CHUNK} >= {SEARCH_BUDGET:.0f}x faster per candidate than chunk 1 (both loss only)"
    versus = f"{notebook / per[CHUNK]:.2f}x vs svm_loss_vectorized"
    print(f"\nbudget {budget}: {'HOLDS' if holds else 'DOES NOT HOLD'} ({speedup:.2f}x; {versus})\n")
    return holds


def train_times(X, y) -> None:
    digits = load_digits()
    Xd, yd = add_bias(digits.X), digits.y
    softmax = {"loss": "softmax", "steps": 200, "reg": 1e-3}
    notebook = {"loss": "svm", "optimizer": "sgd", "steps": 20, "lr": 1e-3}
    runs = {
        "digits 1797x65: 200 full-batch steps, sgd": lambda: train_linear(Xd, yd, optimizer="sgd", lr=0.5, **softmax),
        "digits: 200 full-batch steps, adam": lambda: train_linear(Xd, yd, optimizer="adam", lr=0.01, **softmax),
        "digits: 200 mini-batch (64) steps, adam": lambda: train_linear(
            Xd, yd, optimizer="adam", lr=0.01, batch_size=64, **softmax
        ),
        "digits: 200 x softmax_loss_vectorized alone": lambda: [
            softmax_loss_vectorized(np.zeros((65, 10)), Xd, yd, 1e-3) for _ in range(200)
        ],
        "notebook 10000x3073: 20 full-batch svm steps": lambda: train_linear(X, y, **notebook),
        "notebook: the same, snapshots=2": lambda: train_linear(X, y, snapshots=2, **notebook),
        "notebook: 20 x svm_loss_vectorized alone": lambda: [
            svm_loss_vectorized(np.zeros((X.shape[1], 10), np.float32), X, y, 0.0) for _ in range(20)
        ],
    }
    t = best_of_each(runs, 3)
    print("3. train_linear (softmax on the digits, reg 1e-3; each scored snapshot costs one more X @ W)\n")
    print(f"{'run':<46} {'ms':>9}")
    for name, seconds in t.items():
        print(f"{name:<46} {seconds * 1e3:>9.1f}")
    page = max(v for k, v in t.items() if k.startswith("digits") and "alone" not in k) * 1e3
    within = "within" if page <= PAGE_BUDGET_MS else "over"
    print(f"\npage rerun budget ~{PAGE_BUDGET_MS:.0f} ms: the slowest digits run takes {page:.0f} ms ({within})")


def main() -> int:
    data = cifar_like(seed=SEED)
    X, y = data.X, data.y
    W = (1e-4 * np.random.default_rng(SEED).standard_normal((X.shape[1], data.classes))).astype(np.float32)
    ok1 = budget_1(X, y, W)
    ok2 = budget_2(X, y, W)
    train_times(X, y)
    return 0 if ok1 and ok2 else 1


if __name__ == "__main__":
    sys.exit(main())
