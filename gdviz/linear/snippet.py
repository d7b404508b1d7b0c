"""A runnable PyTorch script that trains the linear classifier ``train_linear`` trains, update for update.

``linear_torch_snippet(X, y, loss=, optimizer=, hyper=, steps=, ...) -> str`` takes ``train_linear``'s
arguments. The script (torch and numpy only) embeds the data exactly (float64 bytes in base64, the bias
column rebuilt as ones), starts from the same W0, draws the same mini-batches (numpy, the same seeded
streams, in the same order), steps the same ``torch.optim.lr_scheduler`` after each update when the run has a
schedule, and records ``losses``, which equal ``train_linear(...).losses`` to about 1e-8.
Data too big to embed (the digits: 1,438 × 64 numbers) and float32 data are refused with a ValueError.
"""

from __future__ import annotations

import base64
import textwrap
from string import Template

import numpy as np

from ..expression_print import float_source
from ..optimizers import OPTIMIZERS
from ..optimizers.line_search import SURFACES_ONLY
from ..snippet import (
    SCHEDULER_BLOCK,
    SCHEDULER_STEP,
    searches,
    snippet_filename,
    torch_class_source,
    torch_constructor,
    torch_optimizer_args,
    torch_scheduler,
    torch_step_call,
)
from .data import check_data
from .loop import EXPLODE
from .losses import TITLES, loss_spec
from .train import INIT_SCALE, VECTORS_ONLY, check_settings

MAX_NUMBERS = 20_000  # features embedded at most: 2,000 points of a 2D set take 4,000; the digits would take 92,000

BATCHES = {
    True: '''def batches():
    """Full batch: every update sees all N examples."""
    while True:
        yield X, y
''',
    False: '''def batches():
    """Mini-batches as gdviz draws them: each epoch shuffles the rows, then cuts them in order."""
    while True:
        order = torch.from_numpy(rng_batches.permutation(N))
        for lo in range(0, N, batch_size):
            rows = order[lo : lo + batch_size]
            yield X[rows], y[rows]
''',
}

SCRIPT = Template('''"""$title, in PyTorch: gdviz's training run, update for update.

Made by gdviz: N = $N examples, D = $D features$bias_note, C = $C classes;
$steps updates$batch_note, reg = $reg, seed $seed.
gdviz runs the same torch.optim rule in numpy: the losses printed here are the ones on its loss chart
(to about 1e-8 in float64). Needs torch and numpy: python $filename
"""

import base64

import numpy as np
import torch
import torch.nn.functional as F

# float64 throughout, as gdviz computes; torch keeps NAdam's running product of μ in the default dtype
torch.set_default_dtype(torch.float64)

# the data: N examples of D features (print(X[:5]) to see them) and their labels, from C classes
N, D, C = $N, $D, $C
features = np.frombuffer(
    base64.b64decode(
$data
    ),
    dtype="<f8",
).reshape(N, $features)  # the features' exact float64 bytes
$bias_line
y = torch.tensor(
    [
$labels
    ]
)

# the weights W (D, C), drawn as gdviz draws them: 0.001 * N(0, 1) from the first of two seeded streams
rng_w, rng_batches = (np.random.default_rng(s) for s in np.random.SeedSequence($seed).spawn(2))
W = torch.tensor($scale * rng_w.standard_normal((D, C)), requires_grad=True)

# the optimizer, every hyperparameter written out under its torch.optim name$optimizer_class
optimizer = $cls([W], $kwargs)
$scheduler_block
reg = $reg  # L2 regularization strength
batch_size = $batch
steps = $steps


$loss_fn

$batches

# gdviz stops a run whose loss is not finite or grows past a million times its start
limit = $explode * max(1.0, loss_fn(W, X, y).item())
every = max(1, steps // 10)  # print about ten lines
losses = []  # losses[t]: the batch's loss at W after t updates, the one update t+1 follows
for t, (Xb, yb) in zip(range(steps), batches()):
    optimizer.zero_grad()
    loss = loss_fn(W, Xb, yb)
    if t > 0 and not loss.item() <= limit:
        print(f"diverged at update {t}: the loss flew off")
        break
    losses.append(loss.item())
    loss.backward()  # W.grad = dW, the gradient of the batch loss
    $step_call
$scheduler_step    if t % every == 0 or t == steps - 1:
        print(f"update {t:5d}   batch loss = {loss.item():.6f}")

with torch.no_grad():
    accuracy = ((X @ W).argmax(dim=1) == y).double().mean().item()
    print(f"after {len(losses)} updates: loss on all data {loss_fn(W, X, y).item():.6f}, accuracy {accuracy:.1%}")
''')


def linear_torch_snippet(
    X,
    y,
    *,
    loss: str,
    optimizer: str,
    hyper: dict,
    steps: int,
    batch_size=None,
    reg=0.0,
    seed=0,
    name="data",
    schedule=None,
) -> str:
    """The source of a script training W (D, C) on X (N, D), y (N,) in torch as ``train_linear(X, y, loss=loss,
    optimizer=optimizer, steps=steps, batch_size=batch_size, reg=reg, seed=seed, schedule=schedule, **hyper)``
    does; ``name`` (the data set's) titles it. A last column of ones is written as the bias column. Raises
    ValueError, in words."""
    loss_fn = loss_spec(loss).torch  # an unknown name refused, in words
    if optimizer in OPTIMIZERS and OPTIMIZERS[optimizer].params == "vector":
        raise ValueError(VECTORS_ONLY.format(title=OPTIMIZERS[optimizer].title))
    kwargs = torch_optimizer_args(optimizer, hyper)
    if searches(optimizer, hyper):  # train_linear refuses it too: its steps have no f at trial points
        raise ValueError(SURFACES_ONLY)
    X, y = np.asarray(X), np.asarray(y)
    C = check_data(X, y)
    if X.dtype != np.float64 and X.dtype.kind == "f":
        raise ValueError(f"the script reproduces float64 training; X is {X.dtype}")
    X = X.astype(np.float64)
    N, D = X.shape
    steps, batch, full = check_settings(N, steps, batch_size, reg, 2, None)
    scheduler = torch_scheduler(optimizer, hyper, schedule, steps)
    bias = D > 1 and bool(np.all(X[:, -1] == 1.0))
    features = X[:, :-1] if bias else X
    if features.size > MAX_NUMBERS:
        raise ValueError(
            f"the data holds {N:,} × {features.shape[1]:,} numbers, too many to write into a script "
            f"(at most {MAX_NUMBERS:,}): the PyTorch script covers the small data sets, not this one"
        )
    data = base64.b64encode(features.astype("<f8").tobytes()).decode("ascii")
    return SCRIPT.substitute(
        title=f"{TITLES[loss]} classifier trained with {OPTIMIZERS[optimizer].title} on {name}",
        filename=snippet_filename(name, f"{loss}_{optimizer}"),
        N=N,
        D=D,
        C=C,
        features=features.shape[1],
        bias_note=" (the last is the bias column of ones)" if bias else "",
        steps=steps,
        batch_note=" on all the data (full batch)" if full else f" on mini-batches of {batch}",
        reg=float_source(reg)[0],
        seed=int(seed),
        data="\n".join(f'        "{data[i : i + 96]}"' for i in range(0, len(data), 96)),
        bias_line="X = torch.from_numpy(np.hstack([features, np.ones((N, 1))]))  # the bias trick: a column of ones"
        if bias
        else "X = torch.from_numpy(features.copy())",
        labels=textwrap.fill(
            ", ".join(str(int(v)) for v in y) + ",", 100, initial_indent=" " * 8, subsequent_indent=" " * 8
        ),
        scale=float_source(INIT_SCALE)[0],
        cls=torch_constructor(optimizer),
        optimizer_class=torch_class_source(optimizer),
        step_call=torch_step_call(optimizer, "W"),
        kwargs=kwargs,
        batch=batch,
        loss_fn=loss_fn,
        batches=BATCHES[full],
        explode=float_source(EXPLODE)[0],
        scheduler_block=Template(SCHEDULER_BLOCK).substitute(scheduler=scheduler) if scheduler else "",
        scheduler_step=SCHEDULER_STEP if scheduler else "",
    )


def run_snippet(X, y, run, name: str = "data") -> str:
    """The script that retrains ``run`` (a ``LinearRun`` trained on X, y): its own settings, passed on whole."""
    return linear_torch_snippet(
        X,
        y,
        loss=run.loss,
        optimizer=run.optimizer,
        hyper=run.hyper,
        steps=run.steps,
        batch_size=None if run.full_batch else run.batch_size,
        reg=run.reg,
        seed=run.seed,
        name=name,
        schedule=run.schedule,
    )
