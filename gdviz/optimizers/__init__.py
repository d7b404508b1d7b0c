"""Optimizers as pure functions, with torch.optim's names, hyperparameters and update rules.

One record (``OptimizerSpec``) per optimizer holds everything gdviz knows about it — factory,
hyperparameters, equations, the inspector's explainer, the torch class, starting learning rates and
look — and one module per family holds the records in its ``SPECS`` (``sgd_family``, ``adaptive``,
``adam_family`` ...). Every module of this package with ``SPECS`` is a family, found here by name and
ordered by its ``RANK`` (simplest first: the race lists them so). ``OPTIMIZERS`` maps each name to its
record: call a record to build the optimizer, read it to build widgets. To add an optimizer, write its
record in a family module (or a new one); then its fixture (tests/fixtures/make_optimizer_refs.py: its torch
class in ``TORCH``, its reference cases in ``CASES``) and its row of torch-matching values in ``HYPER``
(tests/test_snippet.py), as ARCHITECTURE.md's "To add…" says. No other production file names it.
"""

from __future__ import annotations

import importlib
import pkgutil

from .spec import HyperParam, Look, Optimizer, OptimizerSpec, Torch


def _families() -> tuple:
    modules = (importlib.import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(__path__))
    return tuple(sorted((m for m in modules if hasattr(m, "SPECS")), key=lambda m: m.RANK))


def _registry(families) -> dict[str, OptimizerSpec]:
    specs = [spec for family in families for spec in family.SPECS]
    names = [spec.name for spec in specs]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ImportError(f"two optimizer records are named {', '.join(twice)}")
    return {spec.name: spec for spec in specs}


FAMILIES = _families()
OPTIMIZERS = _registry(FAMILIES)

__all__ = ["FAMILIES", "OPTIMIZERS", "HyperParam", "Look", "Optimizer", "OptimizerSpec", "Torch"]
