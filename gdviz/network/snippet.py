"""A runnable PyTorch script that trains the network ``train_mlp`` trains, update for update.

``mlp_torch_snippet(X, y, hidden=, activation=, loss=, optimizer=, hyper=, steps=, ...) -> str`` takes
``train_mlp``'s arguments; ``run_snippet(X, y, run, name, features)`` passes an ``MLPRun``'s own.
The script (torch and numpy only) embeds the inputs exactly (float64 bytes in
base64), or the 2D points and the features' torch forms (gdviz.network.features) that make the inputs; it
builds the network from ``nn.Linear`` layers and the activation's ``torch.nn`` module, sets its initial
weights as gdviz draws them (numpy, the same seeded stream, nn.Linear keeping W transposed), draws the same
mini-batches in the same order, computes the loss as gdviz does (mean data loss + reg · ΣW² over the weights
only; the hinge written out as the linear snippet writes it), steps the same ``torch.optim`` optimizer and
``lr_scheduler``, and records ``losses``, which equal ``train_mlp(...).losses`` to about 1e-8.
(One exception: the hinge's gradient holds counts over N that may tie to exactly 0, and there a rule that steps
by each entry's sign, Rprop, follows the rounding, which differs between numpy and torch.)
Refused with a ValueError, in words: data too big to embed, float32 data, and an optimizer whose torch run is
not gdviz's on a network.
"""

from __future__ import annotations

import base64
import textwrap
from string import Template

import numpy as np

from ..expression_print import float_source
from ..linear.data import check_data
from ..linear.loop import EXPLODE
from ..linear.losses import loss_spec
from ..linear.snippet import BATCHES, MAX_NUMBERS
from ..linear.train import check_settings
from ..optimizers import OPTIMIZERS
from ..snippet import (
    SCHEDULER_BLOCK,
    SCHEDULER_STEP,
    snippet_filename,
    torch_class_source,
    torch_constructor,
    torch_optimizer_args,
    torch_scheduler,
)
from .activations import activation as activation_spec
from .features import FEATURES, check_features
from .model import layer_sizes
from .train import NOT_FOR_NETWORKS

# torch steps each parameter tensor on its own; gdviz steps the network's parameters as one vector θ (P,)
NOT_TORCHS_RUN = {
    "adafactor": "its RMS and factored second moment are per tensor in torch, over all of θ at once in gdviz",
}  # measured: Adafactor's losses 14 % apart within 40 updates of a 2-8-6-3 network
# the data loss of the network's scores, by loss: softmax as F.cross_entropy, the hinge as the linear snippet's
LOSS_FNS = {
    "softmax": '''def loss_fn(model, X, y):
    """Mean softmax cross-entropy of the network's scores, plus the penalty on its weights."""
    return F.cross_entropy(model(X), y) + penalty()
''',
    "svm": '''def loss_fn(model, X, y):
    """Mean multiclass hinge loss of the network's scores, plus the penalty on its weights."""
    scores = model(X)
    correct = scores[torch.arange(len(y)), y]  # each example's score for its own class
    margins = torch.relu(scores - correct[:, None] + 1)  # max(0, s_j - s_y + 1); note delta = 1
    margins = torch.where(F.one_hot(y, C) == 1, 0.0, margins)  # the own class j = y does not count
    return margins.sum() / len(y) + penalty()
''',
}

SCRIPT = Template('''"""$title, in PyTorch: gdviz's training run, update for update.

Made by gdviz: N = $N examples, D = $D inputs$inputs_note, C = $C classes; $activation in the hidden
layers, the $loss_title loss; $steps updates$batch_note, reg = $reg, seed $seed.
gdviz runs the same torch.optim rule in numpy: the losses printed here are the ones on its loss chart
(to about 1e-8 in float64). Needs torch and numpy: python $filename
"""

import base64

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
$optimizer_class
# float64 throughout, as gdviz computes; torch keeps NAdam's running product of μ in the default dtype
torch.set_default_dtype(torch.float64)

$data_block
# the network: nn.Linear layers of widths $widths, the activation after each hidden one
model = nn.Sequential(
$layers
)
linears = [m for m in model if isinstance(m, nn.Linear)]

# the initial weights, drawn as gdviz draws them: from the first of two seeded numpy streams, layer by layer,
# W (fan_in, fan_out) then b, uniform on [-1/sqrt(fan_in), 1/sqrt(fan_in)) (nn.Linear's bounds); nn.Linear
# keeps W transposed, as weight (fan_out, fan_in)
rng_params, rng_batches = (np.random.default_rng(s) for s in np.random.SeedSequence($seed).spawn(2))
with torch.no_grad():
    for layer in linears:
        bound = 1 / np.sqrt(layer.in_features)
        W = rng_params.uniform(-bound, bound, (layer.in_features, layer.out_features))
        layer.weight.copy_(torch.from_numpy(W.T))
        layer.bias.copy_(torch.from_numpy(rng_params.uniform(-bound, bound, layer.out_features)))

# the optimizer, every hyperparameter written out under its torch name
optimizer = $cls(model.parameters(), $kwargs)
$scheduler_block
reg = $reg  # L2 regularization strength
batch_size = $batch
steps = $steps


def penalty():
    """reg * the sum of every layer's weights squared; the biases are not regularized."""
    return reg * sum((layer.weight * layer.weight).sum() for layer in linears)


$loss_fn

$batches

# gdviz stops a run whose loss is not finite or grows past a million times its start
limit = $explode * max(1.0, loss_fn(model, X, y).item())
every = max(1, steps // 10)  # print about ten lines
losses = []  # losses[t]: the batch's loss after t updates, the one update t+1 follows
for t, (Xb, yb) in zip(range(steps), batches()):
    optimizer.zero_grad()
    loss = loss_fn(model, Xb, yb)
    if t > 0 and not loss.item() <= limit:
        print(f"diverged at update {t}: the loss flew off")
        break
    losses.append(loss.item())
    loss.backward()  # every parameter's .grad: the gradient of the batch loss
    optimizer.step()  # every parameter moves by the optimizer's step
$scheduler_step    if t % every == 0 or t == steps - 1:
        print(f"update {t:5d}   batch loss = {loss.item():.6f}")

with torch.no_grad():
    accuracy = (model(X).argmax(dim=1) == y).double().mean().item()
    print(f"after {len(losses)} updates: loss on all data {loss_fn(model, X, y).item():.6f}, accuracy {accuracy:.1%}")
''')

DATA = Template("""$about
N, D, C = $N, $D, $C
$array = torch.from_numpy(
    np.frombuffer(
        base64.b64decode(
$data
        ),
        dtype="<f8",
    )
    .reshape(N, $width)
    .copy()
)  # the $what' exact float64 bytes
y = torch.tensor(
    [
$labels
    ]
)
$inputs""")
INPUTS = Template('''

def inputs(points):
    """The network's D inputs for points (N, 2), as gdviz computes them: $titles."""
    x, y = points[:, 0], points[:, 1]
    return torch.stack([$columns], dim=1)


X = inputs(points)
''')


def _data_block(X: np.ndarray, y: np.ndarray, C: int, features) -> str:
    """The script's data: X's exact bytes, or the points' and a function computing the features from them."""
    data = base64.b64encode(X.astype("<f8").tobytes()).decode("ascii")
    N, width = X.shape
    common = dict(
        N=N,
        C=C,
        data="\n".join(f'            "{data[i : i + 92]}"' for i in range(0, len(data), 92)),
        labels=textwrap.fill(
            ", ".join(str(int(v)) for v in y) + ",", 100, initial_indent=" " * 8, subsequent_indent=" " * 8
        ),
    )
    if features is None:
        about = "# the data: N examples of D inputs (print(X[:5]) to see them) and their labels, from C classes"
        return DATA.substitute(common, about=about, D=width, array="X", width="D", what="inputs", inputs="")
    about = "# the data: N points (x, y) (print(points[:5]) to see them) and their labels, from C classes"
    records = [FEATURES[n] for n in features]
    titles, columns = ", ".join(f.title for f in records), ", ".join(f.torch for f in records)
    inputs = INPUTS.substitute(titles=titles, columns=columns)
    return DATA.substitute(common, about=about, D=len(records), array="points", width=2, what="points", inputs=inputs)


def _layers(sizes: tuple[int, ...], module: str) -> str:
    """``nn.Sequential``'s lines: ``nn.Linear(fan_in, fan_out)`` per layer, ``nn.<module>()`` after each hidden one."""
    lines = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        lines.append(f"    nn.Linear({fan_in}, {fan_out}),")
        if i < len(sizes) - 2:
            lines.append(f"    nn.{module}(),")
    return "\n".join(lines)


def _check_optimizer(optimizer: str) -> None:
    """A ValueError in words for an optimizer a network cannot take, or whose torch run would differ."""
    if optimizer in NOT_FOR_NETWORKS:
        raise ValueError(f"{optimizer} cannot train a network: {NOT_FOR_NETWORKS[optimizer]}")
    if optimizer in NOT_TORCHS_RUN:
        raise ValueError(f"torch's {optimizer} would not take gdviz's steps: {NOT_TORCHS_RUN[optimizer]}")


def mlp_torch_snippet(
    X,
    y,
    *,
    hidden,
    activation: str,
    loss: str,
    optimizer: str,
    hyper: dict,
    steps: int,
    batch_size=None,
    reg=0.0,
    seed=0,
    schedule=None,
    name="data",
    features=None,
) -> str:
    """The source of a script training in torch the network ``train_mlp(X, y, hidden=hidden, activation=activation,
    loss=loss, optimizer=optimizer, steps=steps, batch_size=batch_size, reg=reg, seed=seed, schedule=schedule,
    **hyper)`` trains, from its default initial parameters, on X (N, D), y (N,); ``name`` (the data set's) titles
    it. With ``features`` (names of ``gdviz.network.features.FEATURES``), X holds the 2D points and the network's
    inputs are ``feature_matrix(X, features)``, which the script computes in torch from each feature's record.
    Raises ValueError, in words."""
    spec, act = loss_spec(loss), activation_spec(activation)  # unknown names refused, in words
    if spec.name not in LOSS_FNS:
        raise ValueError(f"the network's script has no torch form of the {spec.title} loss")
    _check_optimizer(optimizer)
    kwargs = torch_optimizer_args(optimizer, hyper)
    X, y = np.asarray(X), np.asarray(y)
    C = check_data(X, y)
    if X.dtype != np.float64 and X.dtype.kind == "f":
        raise ValueError(f"the script reproduces float64 training; X is {X.dtype}")
    X = X.astype(np.float64)
    N, D = X.shape
    if features is not None:
        features = check_features(features)
        if D != 2:
            raise ValueError(f"with features, X holds 2D points (N, 2), got {D} columns")
        D = len(features)
    if np.ndim(hidden) == 0:
        raise ValueError(f"hidden is a tuple of layer widths, such as (8,) or (8, 8), got {hidden}")
    sizes = layer_sizes(D, hidden, C)
    steps, batch, full = check_settings(N, steps, batch_size, reg, 2, None)
    scheduler = torch_scheduler(optimizer, hyper, schedule, steps)
    if X.size > MAX_NUMBERS:
        raise ValueError(
            f"the data holds {N:,} × {X.shape[1]:,} numbers, too many to write into a script (at most "
            f"{MAX_NUMBERS:,}): the PyTorch script covers the small data sets, not this one"
        )
    widths = " → ".join(map(str, sizes))
    return SCRIPT.substitute(
        title=f"A {widths} network trained with {OPTIMIZERS[optimizer].title} on {name}",
        loss_title=spec.title,
        filename=snippet_filename(name, f"mlp_{optimizer}"),
        N=N,
        D=D,
        C=C,
        inputs_note=f" ({', '.join(FEATURES[n].title for n in features)})" if features else "",
        widths=widths,
        activation=act.title,
        steps=steps,
        batch_note=" on all the data (full batch)" if full else f" on mini-batches of {batch}",
        reg=float_source(reg)[0],
        seed=int(seed),
        data_block=_data_block(X, y, C, features),
        layers=_layers(sizes, act.torch),
        optimizer_class=torch_class_source(optimizer),
        cls=torch_constructor(optimizer),
        kwargs=kwargs,
        batch=batch,
        loss_fn=LOSS_FNS[spec.name],
        batches=BATCHES[full],
        explode=float_source(EXPLODE)[0],
        scheduler_block=Template(SCHEDULER_BLOCK).substitute(scheduler=scheduler) if scheduler else "",
        scheduler_step=SCHEDULER_STEP if scheduler else "",
    )


def run_snippet(X, y, run, name: str = "data", features=None) -> str:
    """The script that retrains ``run`` (an ``MLPRun`` trained on X, y, with ``features`` made from X when given):
    its own settings, passed on whole (as gdviz.linear.snippet.run_snippet does for a classifier)."""
    return mlp_torch_snippet(
        X,
        y,
        features=features,
        hidden=run.hidden,
        activation=run.activation,
        loss=run.loss,
        optimizer=run.optimizer,
        hyper=run.hyper,
        steps=run.steps,
        batch_size=None if run.full_batch else run.batch_size,
        reg=run.reg,
        seed=run.seed,
        schedule=run.schedule,
        name=name,
    )
