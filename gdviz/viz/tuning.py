"""What tuning tried: each candidate learning rate's final score, per optimizer, and the one that won.

``tuning_figure(tunings)`` reads gdviz.surface.tuning's ``Tuning`` records (``lrs``, ``scores``, ``diverged``, ``lr``,
``gap``): the scores against lr on log axes (the final gap f − f*; the final f on a linear axis where the
surface lists no minimum), the tuned lr as a big marker of the optimizer's own, and the candidates that
diverged (their score is +inf, not a number to plot) in a band above, one labelled row per optimizer.
Built from plain dicts, unvalidated: the race's fragment redraws it on every click while it shows (plotly's
validation took 25 ms of it); every key is one plotly accepts, and the tests validate the figure.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from ..optimizers import OPTIMIZERS
from ..surface.tuning import Tuning
from .layout import FONT, LOG_AXIS, POWER_TICKS, diverged_band
from .palette import OUTLINE, diverged_symbol, style

FLOOR = 1e-16  # gaps below this are rounding: they sit on this line (a log axis has no 0)
HEIGHT, PLOT_PX = 420, 220  # px: the figure, and about what its curves' plot gets of it (the rest: title, axes, legend)
ROW_PX, GAP = 40, 0.07  # px each row of the "diverged" band adds (a projected label needs ~30); the gap under the band


def _title(name: str) -> str:
    return OPTIMIZERS[name].title


def _curve(name: str, t: Tuning, floor: float | None) -> list[dict]:
    """The finite candidates as a line, and the winner as a big marker on it; nothing when every one diverged."""
    s, ok = style(name), ~t.diverged
    if not t.tuned:  # every candidate diverged: its row of the band says so
        return []
    y = t.scores if floor is None else np.maximum(t.scores, floor)
    traces = [
        dict(
            type="scatter",
            x=t.lrs[ok],
            y=y[ok],
            mode="lines+markers",
            name=f"{_title(name)}: tuned lr = {t.lr:.3g}",
            legendgroup=name,
            line=dict(color=s.color, dash=s.dash, width=2.5),
            marker=dict(symbol=s.symbol, size=7, color=s.color),
            hovertemplate=f"{_title(name)}, lr %{{x:.3g}}: final score %{{y:.3g}}<extra></extra>",
        )
    ]
    won = float(t.score if floor is None else max(t.score, floor))
    traces.append(
        dict(
            type="scatter",
            x=[t.lr],
            y=[won],
            mode="markers",
            name=f"{_title(name)}: the tuned lr",
            legendgroup=name,
            showlegend=False,
            marker=dict(symbol=s.symbol, size=18, color=s.color, line=dict(color=OUTLINE, width=2)),
            cliponaxis=False,  # the winner often sits on the floor line
            hovertemplate=f"{_title(name)} tuned: lr %{{x:.3g}}, final score %{{y:.3g}}<extra></extra>",
        )
    )
    return traces


def _diverged(name: str, t: Tuning) -> dict:
    """The candidates that diverged, in ``name``'s row of the band."""
    s = style(name)
    return dict(
        type="scatter",
        x=t.lrs[t.diverged],
        y=[_title(name)] * t.n_diverged,
        yaxis="y2",
        mode="markers",
        name=f"{_title(name)}: diverged",
        legendgroup=name,
        showlegend=False,  # the band's rows are named on its axis
        marker=dict(symbol=diverged_symbol(name), size=11, color=s.color, line=dict(color=s.color, width=2)),
        hovertemplate=f"{_title(name)}, lr %{{x:.3g}}: diverged<extra></extra>",
    )


def tuning_figure(tunings: Mapping[str, Tuning]) -> go.Figure:
    """Final score against learning rate for every candidate each optimizer's tuning tried (log x; log y for
    gaps, floored at ``FLOOR``), the tuned lr marked big, diverged candidates as crosses in a band above (the
    figure grows by a row's height for each optimizer in it, so the curves keep theirs)."""
    tried = {name: t for name, t in tunings.items() if len(t.lrs)}
    gap = all(t.gap for t in tried.values())
    rows = [name for name, t in tried.items() if t.n_diverged]
    data = [trace for name, t in tried.items() for trace in _curve(name, t, FLOOR if gap else None)]
    data += [_diverged(name, tried[name]) for name in rows]
    share = ROW_PX * len(rows) / (PLOT_PX + ROW_PX * len(rows))
    y = LOG_AXIS | POWER_TICKS if gap else dict(exponentformat="power")
    layout = dict(
        title=dict(text="What tuning tried: each learning rate's final loss"),
        height=HEIGHT + ROW_PX * len(rows),
        font=FONT,
        margin=dict(l=70, r=20, t=60, b=50),
        xaxis=LOG_AXIS | POWER_TICKS | dict(title=dict(text="learning rate η")),
        yaxis=y | dict(title=dict(text="final f − f*" if gap else "final f"), domain=[0, 1 - share - GAP * bool(rows)]),
        legend=dict(orientation="h", y=-0.2),
        showlegend=True,
    )
    if rows:
        layout["yaxis2"] = diverged_band([_title(n) for n in rows], share)
    return go.Figure(dict(data=data, layout=layout), _validate=False)
