"""The race table's rows: numbers from the runs, the tolerance step found where it first holds."""

import numpy as np

from gdviz import SURFACES, custom_surface, run
from gdviz.readable import readable, readable_rows
from gdviz.surface.race_table import GAP_COLUMN, GAP_TOL, race_rows, steps_to_gap


def test_rows_report_each_run():
    s = SURFACES["himmelblau"]
    runs = {"sgd": run(s, "sgd", s.start, 200, lr=0.01), "adam": run(s, "adam", s.start, 200, lr=1e-4)}
    rows = race_rows(s, runs)
    assert [r["optimizer"] for r in rows] == ["SGD", "Adam"]
    sgd, adam = rows
    assert sgd["final loss"] == runs["sgd"].losses[-1] and sgd["steps taken"] == 200
    assert sgd["distance to nearest minimum"] < 1e-6
    assert adam["distance to nearest minimum"] > 1  # lr 1e-4 barely moves in 200 steps
    assert sgd["diverged at"] is None and sgd["gradient evaluations"] == 200


def test_steps_to_gap_is_the_first_step_within_tolerance():
    s = SURFACES["himmelblau"]
    r = run(s, "sgd", s.start, 200, lr=0.01)
    k = steps_to_gap(s, r)
    gap = r.losses - 0.0
    assert gap[k] <= GAP_TOL and np.all(gap[:k] > GAP_TOL)
    assert steps_to_gap(s, run(s, "sgd", s.start, 5, lr=1e-5)) is None
    assert steps_to_gap(SURFACES["saddle"], run(SURFACES["saddle"], "sgd", (1.0, 0.1), 5, lr=0.1)) is None


def test_a_diverged_run_says_when():
    s = SURFACES["himmelblau"]
    (row,) = race_rows(s, {"sgd": run(s, "sgd", s.start, 50, lr=1.0)})
    assert row["stopped because"] == "diverged" and row["diverged at"] == row["steps taken"] > 0


def test_a_surface_without_minima_reports_no_distance_or_gap():
    s = custom_surface("x**2 + 10*y**2")  # its minimum is not listed: a typed formula lists none
    (row,) = race_rows(s, {"sgd": run(s, "sgd", s.start, 50, lr=0.01)})
    assert "distance to nearest minimum" not in row and GAP_COLUMN not in row
    assert row["final loss"] == s.f((row["final x"], row["final y"])) and row["steps taken"] == 50
    builtin = race_rows(SURFACES["booth"], {"sgd": run(SURFACES["booth"], "sgd", (0.0, 0.0), 5, lr=0.01)})
    assert GAP_COLUMN in builtin[0] and "distance to nearest minimum" in builtin[0]


def test_readable_rows_write_every_cell_and_the_gap_column_in_powers_of_ten():
    s = SURFACES["saddle"]
    rows = readable_rows(race_rows(s, {"momentum": run(s, "momentum", (-1.8, 0.001), 300, lr=0.01, momentum=0.9)}))
    assert all(isinstance(v, str) and "None" not in v and "e-" not in v and "e+" not in v for v in rows[0].values())
    assert rows[0]["diverged at"] != "—" and readable(GAP_TOL) == "10⁻⁶" and GAP_COLUMN.endswith("10⁻⁶")
