"""The backprop page's download row: each step of both passes as CSV, and as JSON with the formula, its inputs'
values and the gradient check (gdviz.ui.downloads over gdviz.export)."""

from __future__ import annotations

from ... import export
from ..downloads import download_row


def backprop_downloads(expr, values: dict, nodes, steps, check_rows) -> None:
    download_row(
        "backprop",
        key="bp.dl",
        csv=lambda: export.to_csv(export.backprop_rows(nodes, steps)),
        json=lambda: export.to_json(
            {"formula": expr.text, "values": values},
            {"steps": export.backprop_rows(nodes, steps), "check": check_rows},
            page="backprop",
        ),
    )
