"""The network page's link: its settings in the address bar, beside the widgets that hold them (``NETWORK`` in its
``PageEntry``)."""

from __future__ import annotations

from collections.abc import Mapping

from ...linear.data import DATASETS_2D
from ...network import ACTIVATIONS
from ...network.data import MAX_SPLIT
from ...network.features import FEATURES
from ...surface.problems import MAX_STEPS
from ..linear.link import training
from ..links import Link
from ..url_state import Field, choice, choices, number
from .controls import MAX_LAYERS, MAX_WIDTH, NETWORK_OPTIMIZERS


def _hidden_layers(param: str) -> Field:
    """The network's hidden layers as their widths, "8,8" ("none": no hidden layer): the count ``nn.layers``
    and one width per layer, ``nn.width.<i>``."""
    keys = ("nn.layers", *(f"nn.width.{i}" for i in range(MAX_LAYERS)))
    allowed = f"it must be up to {MAX_LAYERS} whole numbers from 1 to {MAX_WIDTH}, separated by commas, or none"

    def read(raw: str) -> dict:
        if raw in ("", "none"):
            return {"nn.layers": 0}
        try:
            widths = [int(part) for part in raw.split(",")]
        except ValueError:
            raise ValueError(allowed) from None
        if len(widths) > MAX_LAYERS or not all(1 <= w <= MAX_WIDTH for w in widths):
            raise ValueError(allowed)
        return {"nn.layers": len(widths)} | {f"nn.width.{i}": w for i, w in enumerate(widths)}

    def show(state: Mapping) -> str | None:
        widths = [state.get(f"nn.width.{i}") for i in range(int(state.get("nn.layers", 0)))]
        if "nn.layers" not in state or None in widths:
            return None
        return ",".join(str(int(w)) for w in widths) or "none"

    return Field(param, keys, read, show)


def fields() -> list[Field]:
    shared = [f for f in training("nn") if f.param != "opt"]  # lbfgs steps points, not networks
    return [
        choice("data", "nn.dataset", list(DATASETS_2D)),
        number("noise", "nn.noise", 0, 10),
        number("split", "nn.split", 0, MAX_SPLIT),
        choices("feat", "nn.features", list(FEATURES)),
        _hidden_layers("hidden"),
        choice("act", "nn.activation", list(ACTIVATIONS)),
        choice("opt", "nn.optimizer", NETWORK_OPTIMIZERS),
        *shared,
        number("at", "nn_cursor", 0, MAX_STEPS, integer=True),
    ]


NETWORK = Link(fields)
