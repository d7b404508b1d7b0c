"""The learning rate against step, for every run that follows a schedule (a race's, or a classifier's).

``lr_figure(runs)`` reads each run's ``lrs`` (the learning rate of each step, as the run used it) and
``schedule`` (its resolved ``(name, kwargs)``, or None: such a run is left out). Any object with those two
fields will do: a race's Trajectory or a classifier's LinearRun.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from ..optimizers import OPTIMIZERS
from ..schedules import SCHEDULES
from .layout import FONT
from .palette import OUTLINE, style

MARKS = 12  # markers along each curve: enough to tell the optimizers apart without color


def scheduled(runs: Mapping) -> dict:
    """The runs that follow a schedule (those the chart draws), in order."""
    return {name: run for name, run in runs.items() if getattr(run, "schedule", None) is not None}


def schedule_label(schedule: tuple) -> str:
    """A resolved schedule in a few words: "cosine annealing"; a sequential one by its parts, "linear → cosine
    annealing"."""
    name, args = schedule
    if name == "sequential":
        return " → ".join(schedule_label(part) for part in args["schedulers"])
    return SCHEDULES[name].title.lower()


def lr_figure(runs: Mapping, x_title: str = "step") -> go.Figure:
    """η_t against t (from 1: ``lrs[t-1]`` is step t's) for each scheduled run, named by its optimizer and
    schedule, in the optimizer's color, marker and dash. A run with one learning rate per start shows its
    first start's. Built from one dict, checked once (a trace added at a time is checked again each time: the
    race page's six curves cost three times as much so)."""
    traces = []
    for name, run in scheduled(runs).items():
        lrs = np.asarray(run.lrs, dtype=np.float64)
        lrs = lrs.reshape(len(lrs), -1)[:, 0]
        s = style(name)
        traces.append(
            dict(
                type="scatter",
                x=np.arange(1, len(lrs) + 1),
                y=lrs,
                mode="lines+markers",
                line=dict(color=s.color, dash=s.dash, width=2.5),
                marker=dict(
                    symbol=s.symbol, size=9, color=s.color, maxdisplayed=MARKS, line=dict(color=OUTLINE, width=1)
                ),
                name=f"{OPTIMIZERS[name].title}: {schedule_label(run.schedule)}",
                cliponaxis=False,  # the first step's marker sits on the axis when a warm-up starts near 0
                hovertemplate=f"{x_title} %{{x}}: η = %{{y:.4g}}<extra></extra>",
            )
        )
    layout = dict(
        title=f"Learning rate at each {x_title}",
        xaxis=dict(title=x_title, rangemode="tozero"),
        yaxis=dict(title="learning rate η", rangemode="tozero", exponentformat="power"),
        height=320,
        margin=dict(l=70, r=20, t=50, b=50),
        font=FONT,
        legend=dict(orientation="h", y=-0.25),
        showlegend=True,
    )
    return go.Figure(dict(data=traces, layout=layout))
