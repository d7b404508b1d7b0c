"""torch.optim's own word on each optimizer gdviz has: its class, the arguments gdviz fixes, and every default of the
class's signature, recorded with torch by tests/fixtures/make_optimizer_refs.py (tests/fixtures/torch_optimizers.json).

The records are checked against it (tests/test_optimizers.py, tests/test_snippet.py), so no test writes torch's
defaults or classes by hand. Lion is not in torch.optim: its entry says so (``torch_optim`` false) and where its
defaults come from (the script's ``LION_DEFAULTS``: the paper's betas, lion-pytorch's lr and weight decay).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

FACTS = json.loads((Path(__file__).parent / "fixtures" / "torch_optimizers.json").read_text())
TORCH = FACTS["optimizers"]  # gdviz's name -> {"class", "torch_optim", "fixed", "defaults"}
# arguments that choose how torch computes, not what: gdviz has one implementation, so no record exposes them
IMPLEMENTATION = frozenset({"foreach", "capturable", "differentiable", "fused"})
F64_EPS = float(np.finfo(np.float64).eps)


def _value(v):
    """JSON's list back to torch's tuple; a None inside a pair is the parameter dtype's machine epsilon (Adafactor's
    eps = (None, 1e-3)), float64's here, as the records hold it."""
    return tuple(F64_EPS if c is None else c for c in v) if isinstance(v, list) else v


def torch_defaults(name: str) -> dict:
    """Every default of torch's class for ``name`` (its signature's, implementation switches included)."""
    return {k: _value(v) for k, v in TORCH[name]["defaults"].items()}
