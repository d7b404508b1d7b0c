"""Playback in the browser, shared by every animated figure: typed-array frames, Play/Pause, scrubber.

A figure animates by patching a few small traces per frame (markers, cursor lines): the payload
grows linearly with the number of steps. ``AnimatedFigure(fig, frames)`` keeps the frames as plain
dicts of typed arrays; ``play_buttons()`` and ``scrubber(ticks)`` go in the figure's layout.
"""

from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go

MAX_FRAMES = 200
SPEEDS = (("▶ Play", 20), ("Fast", 5), ("Slow", 60))  # ms between frames; drawing one adds ~10 ms
BAND = 60  # px under the plot for its tick labels and axis title: the controls sit below them
BUTTONS = 250  # px the four buttons take at 14 px: the slider's rail starts after them, never under them


def typed(a: np.ndarray) -> dict:
    """An array as Plotly's typed-array spec (what plotly.py itself sends): base64 little-endian float32."""
    return {"dtype": "f4", "bdata": base64.b64encode(np.ascontiguousarray(a, dtype="<f4").tobytes()).decode()}


class AnimatedFigure(go.Figure):
    """A figure whose frames stay plain dicts of typed arrays.

    plotly.py validates every frame object it is given (about a millisecond each), which is most of
    a page rerun for a few hundred frames; these frames are built from our own arrays and need none.
    ``to_dict`` (which st.plotly_chart and ``to_json`` both call) puts them back in.
    """

    def __init__(self, fig: go.Figure | dict, frames: list[dict], **kwargs):
        super().__init__(fig, **kwargs)
        self._raw_frames = frames

    def to_dict(self) -> dict:
        d = super().to_dict()
        d["frames"] = self._raw_frames
        return d


def frame_steps(steps: int, max_frames: int = MAX_FRAMES) -> np.ndarray:
    """The steps that get a frame: all of them up to ``max_frames``, evenly thinned beyond."""
    return np.unique(np.linspace(0, steps, min(steps, max_frames - 1) + 1).round().astype(int))


def play_buttons() -> dict:
    play = [
        dict(
            label=label,
            method="animate",
            args=[
                None,
                dict(frame=dict(duration=ms, redraw=False), transition=dict(duration=0), fromcurrent=True),
            ],
        )
        for label, ms in SPEEDS
    ]
    pause = dict(
        label="❚❚",
        method="animate",
        args=[[None], dict(frame=dict(duration=0, redraw=False), mode="immediate", transition=dict(duration=0))],
    )
    return dict(
        type="buttons",
        direction="left",
        showactive=False,
        x=0,
        y=0,
        xanchor="left",
        yanchor="top",
        pad=dict(t=BAND),
        buttons=play + [pause],
    )


def scrubber(ticks: np.ndarray, active: int = 0, prefix: str = "step ") -> dict:
    return dict(
        active=active,
        x=0,
        len=1,
        y=0,
        yanchor="top",
        currentvalue=dict(prefix=prefix, font=dict(size=14)),
        pad=dict(t=BAND - 4, l=BUTTONS),
        steps=[
            dict(
                label=str(int(t)),
                method="animate",
                args=[
                    [str(int(t))],
                    dict(mode="immediate", frame=dict(duration=0, redraw=False), transition=dict(duration=0)),
                ],
            )
            for t in ticks
        ],
    )


def map_axes(fig: go.Figure, domain, x_title: str, y_title: str) -> None:
    """The left panel (row 1, col 1) as a map: the domain's ranges, equal scales, no grid."""
    (x0, x1), (y0, y1) = domain
    axis = dict(showgrid=False, zeroline=False, constrain="domain", row=1, col=1)
    fig.update_xaxes(range=[x0, x1], title_text=x_title, **axis)
    fig.update_yaxes(range=[y0, y1], title_text=y_title, scaleanchor="x", scaleratio=1, **axis)
