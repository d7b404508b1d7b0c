"""The learning rate against step, drawn on every page whose runs can follow a schedule (race, classifiers)."""

from __future__ import annotations

from ..viz.schedule import lr_figure, scheduled
from .figures import show_figure


def show_schedules(runs: dict, *, key: str, x_title: str = "step", half: bool = False) -> None:
    """The learning rate of every step for the runs that follow a schedule (none: nothing is drawn)."""
    if not scheduled(runs):
        return
    show_figure(
        lr_figure(runs, x_title=x_title),
        f"The learning rate used at each {x_title}, as its schedule set it (an optimizer without one keeps its own); "
        "the CSV download lists the same numbers in its lr column.",
        key=key,
        half=half,
    )
