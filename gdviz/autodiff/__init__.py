"""A small reverse-mode autodiff engine with numpy values (micrograd's design, vectorized).

``engine`` holds ``Node``, the arithmetic and ``backward``; ``ops`` the elementwise functions and the
registry ``OPS``; ``trace`` records both passes for drawing. Numpy only.
"""

from .engine import Edge, Node, backward, const, lift, topo_order, unbroadcast, variable
from .ops import OPS, absolute, cos, exp, log, maximum, minimum, relu, sigmoid, sin, sqrt, tanh
from .trace import GraphNode, Step, trace

__all__ = [
    "OPS",
    "Edge",
    "GraphNode",
    "Node",
    "Step",
    "absolute",
    "backward",
    "const",
    "cos",
    "exp",
    "lift",
    "log",
    "maximum",
    "minimum",
    "relu",
    "sigmoid",
    "sin",
    "sqrt",
    "tanh",
    "topo_order",
    "trace",
    "unbroadcast",
    "variable",
]
