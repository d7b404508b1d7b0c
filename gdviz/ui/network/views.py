"""The network page's views: the stage (network, map, loss on one timeline), the numbers at the step it
rests on, the downloads, and backprop through the trained network (gdviz.ui.network.backprop).

``network_main`` is the page's fragment: a resting step of the stage reruns only it. Its keys: ``nn_cursor``
the iteration the stage rests on (in the link as ``at``).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from ...linear.losses import TITLES
from ...network.data import BOX, NetworkData
from ...network.features import feature_matrix
from ...network.pictures import dead_units, region_classes, unit_outputs
from ...network.train import MLPRun
from ...readable import readable
from ...viz.network import network_figure
from ...viz.projection import project
from ..frame import relink
from ..lane import LaneFull, unless_refused
from ..linear.controls import batch_label
from ..linear.views import snapshot_at
from ..schedule_views import show_schedules
from ..sidebar import projecting
from ..stage import show_stage
from .backprop import show_backprop
from .controls import NetworkSettings
from .exports import network_downloads
from .runs import REGION_GRID, UNIT_GRID, data_of, network_stage, train_network

CURSOR = "nn_cursor"


@st.fragment
def network_main(settings: NetworkSettings, open_at: int) -> None:
    """Everything under the title that a resting step changes: that reruns only this."""
    _network_view(settings, open_at)
    relink("network")


def _network_view(settings: NetworkSettings, open_at: int) -> None:
    made = unless_refused(lambda: (train_network(settings.key()), network_stage(settings.key(), projecting())))
    if made is None:
        return
    run, spec = made
    data = data_of(settings)
    if run.diverged:
        st.error(
            f"Training diverged at step {run.diverged_at} ({run.cause}). The learning rate is too large for this "
            "network; lower it. The stage shows the run up to the step before."
        )
    show_stage(spec, key="nn_stage", cursor=CURSOR, open_at=open_at)
    st.caption(
        f"**{data.train.title}** — {data.train.description} Left, the network"
        + (" (in: the inputs, h1, h2 …: the hidden layers, out: the outputs)" if projecting() else "")
        + ": each neuron's output over the "
        "map (orange negative, blue positive, grey 0; hidden outputs and the outputs' margins full colour from ±1), "
        "each weight a line, orange negative and blue positive, as wide as it is large. Middle, the class it "
        "predicts everywhere, training points filled, test points open. Right, the loss. Space plays and pauses, "
        "the arrow keys step, Home and End jump, F fills the screen."
    )
    # a shorter run than the one the stage rested on: the stage holds its last step, and so does the link
    st.session_state[CURSOR] = min(st.session_state.get(CURSOR, 0), int(run.snapshot_steps[-1]))
    at = snapshot_at(run, st.session_state[CURSOR])
    step_cards(run, data, settings, at)
    network_downloads(run, data, settings, lambda: _figure(run, data, settings, at))
    show_schedules({run.optimizer: run}, key="nn_lr_chart", x_title="iteration")


def backprop_section(settings: NetworkSettings) -> None:
    """Backprop through the trained network, outside the stage's fragment (a resting step does not redo it);
    nothing when the settings cannot train (the fragment above says why)."""
    try:
        run = train_network(settings.key())
    except (ValueError, LaneFull):
        return
    st.subheader("Backpropagation through this network")
    show_backprop(run, settings)


def _figure(run: MLPRun, data: NetworkData, settings: NetworkSettings, at: int):
    """The three views as they are at snapshot ``at``, in one figure (the HTML download; projected in projection
    mode)."""
    regions = region_classes(run.snapshot_params, run.activation, settings.features, BOX, REGION_GRID)
    units = unit_outputs(run.snapshot_params, run.activation, settings.features, BOX, UNIT_GRID)
    fig = network_figure(run, data, settings.features, regions, units, box=BOX, at=int(run.snapshot_steps[at]))
    return project(fig) if projecting() else fig


def _last_evaluation(run: MLPRun, step: int) -> int:
    return max(int(np.searchsorted(run.eval_steps, step, side="right")) - 1, 0)


def step_cards(run: MLPRun, data: NetworkData, settings: NetworkSettings, at: int) -> None:
    """The numbers of snapshot ``at`` (the network on the stage where it rests), and which step that is."""
    k, T = int(run.snapshot_steps[at]), int(run.snapshot_steps[-1])
    rests = int(st.session_state.get(CURSOR, k))
    where = "where the stage rests" if rests == k else f"the last snapshot before step {rests:,}, where the stage rests"
    st.markdown(f"**At step {k:,}** of {T:,}, {where}: pause or step the stage to move these numbers.")
    cards = st.columns(5 if run.activation == "relu" and run.hidden else 4)
    loss = TITLES[run.loss]
    cards[0].metric(
        "Training loss",
        readable(run.snapshot_loss[at]),
        help=f"{loss} loss on the training points, reg · ΣW² included. At the end: {readable(run.final_loss)}.",
    )
    cards[1].metric("Training accuracy", f"{run.snapshot_acc[at]:.1%}", help=f"At the end: {run.final_acc:.1%}.")
    if run.test_loss is None:
        cards[2].metric("Test loss", "no test set", help="the test share is 0")
        cards[3].metric("Test accuracy", "no test set", help="the test share is 0")
    else:
        e = _last_evaluation(run, k)
        when = f"evaluated at step {int(run.eval_steps[e]):,}; batch size {batch_label(settings.batch)}"
        cards[2].metric("Test loss", readable(run.test_loss[e]), help=f"{loss} loss on the test points, {when}.")
        cards[3].metric("Test accuracy", f"{run.test_acc[e]:.1%}", help=f"{when}; at the end {run.test_acc[-1]:.1%}.")
    if len(cards) == 5:
        layers = tuple((W[at], b[at]) for W, b in run.snapshot_params)
        dead = dead_units(layers, feature_matrix(data.train.X, settings.features), run.activation)
        cards[4].metric(
            "Dead ReLU neurons",
            f"{sum(dead)} of {sum(run.hidden)}",
            help="neurons that output 0 on every training point (layer by layer: "
            + ", ".join(map(str, dead))
            + "): their gradient is 0 too, so no step revives them",
        )
