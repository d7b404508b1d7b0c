"""gdviz.viz.linear_charts: digits drawn as pictures (one heatmap of tiles), and the confusion matrix's square cells.
Figures are read back from their JSON, as the browser gets them."""

from __future__ import annotations

import numpy as np
import pytest

from gdviz.viz.linear_charts import confusion_figure, digits_figure, h_sweep_figure
from gdviz.viz.projection import project


def _z(fig) -> np.ndarray:
    return np.asarray(fig.data[0].z, dtype=np.float64)


def _images(n: int, side: int = 8) -> np.ndarray:
    """n distinct pictures: picture i is filled with (i + 1) / (n + 1)."""
    return np.stack([np.full((side, side), (i + 1) / (n + 1)) for i in range(n)])


def test_digits_are_tiled_row_by_row_with_a_blank_pixel_between():
    fig = digits_figure(_images(7), "seven", cols=3)
    z = _z(fig)
    assert len(fig.data) == 1 and fig.data[0].type == "heatmap"  # one trace however many digits: cheap to draw
    assert z.shape == (3 * 9, 3 * 9)  # 3 rows of 3, each tile 8 pixels and a gap
    for i in range(7):
        r, c = divmod(i, 3)
        np.testing.assert_array_equal(z[9 * r : 9 * r + 8, 9 * c : 9 * c + 8], (i + 1) / 8)
    assert np.isnan(z[8, :]).all() and np.isnan(z[:, 8]).all()  # gaps are blank, not white ink
    assert np.isnan(z[18:26, 9:]).all()  # the last row's empty places stay blank
    assert (fig.data[0].zmin, fig.data[0].zmax) == (0, 1)  # pixel 1 is full ink, whatever the images hold
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.autorange == "reversed"  # square, upright


def test_each_digit_gets_its_caption_under_it_and_each_row_its_name():
    captions = [f"{i} → {i + 1}" for i in range(5)]
    fig = digits_figure(_images(5), "wrong", cols=4, captions=captions)
    notes = fig.layout.annotations
    assert [a.text for a in notes] == captions
    z = _z(fig)
    assert z.shape == (2 * (9 + 4), 4 * 9)  # room under each row for its captions
    for i, note in enumerate(notes):
        r, c = divmod(i, 4)
        assert 9 * c <= note.x <= 9 * c + 7  # over its own tile's columns
        assert note.y == pytest.approx(13 * r + 7.5) and note.yanchor == "top"  # hanging from the tile's bottom edge
        assert note.font.size >= 12
    rows = digits_figure(_images(6), "rows", cols=3, row_names=["a", "b"])
    assert list(rows.layout.yaxis.ticktext) == ["a", "b"] and list(rows.layout.yaxis.tickvals) == [3.5, 12.5]


def test_a_digits_chart_is_as_tall_as_its_pixels_need():
    """Square pixels in a chart of the given width: ten rows of digits are taller than one."""
    one = digits_figure(_images(10), "one row", cols=10)
    ten = digits_figure(_images(100), "ten rows", cols=10)
    assert ten.layout.height > 3 * one.layout.height
    assert digits_figure(_images(100), "wider", cols=10, width=880).layout.height > ten.layout.height


@pytest.mark.parametrize("projected", [False, True], ids=["normal", "projection"])
def test_confusion_cells_stay_square_with_every_class_and_count_written(projected):
    M = np.arange(100).reshape(10, 10)
    fig = confusion_figure(M, tuple(str(c) for c in range(10)))
    np.testing.assert_array_equal(np.asarray(fig.data[0].text), M)
    fig = project(fig, width=1000) if projected else fig
    x, y = fig.layout.xaxis, fig.layout.yaxis
    assert y.scaleanchor == "x" and x.constrain == y.constrain == "domain"  # the plot shrinks, cells never stretch
    assert x.dtick == y.dtick == 1  # all ten classes named on each axis
    size = fig.data[0].textfont.size
    assert size >= (20 if projected else 12)
    assert fig.data[0].texttemplate == "%{text}"


@pytest.mark.parametrize("projected", [False, True], ids=["normal", "projected"])
def test_the_h_sweep_names_its_1e_7_line_in_the_legend_not_over_the_curves(projected):
    """The line under which a gradient is right is named in the legend: a note inside the plot beside it sat on the
    centered difference's curve, which crosses it (projected, 1280×720). Nothing is written inside the plot."""
    hs = 10.0 ** -np.arange(1, 13)
    errors = {"forward": hs + 1e-16 / hs, "centered": hs**2 + 1e-16 / hs}
    fig = h_sweep_figure(hs, errors)
    fig = project(fig, width=1000) if projected else fig
    layout = fig.to_dict()["layout"]
    assert not layout.get("annotations")
    (line,) = layout["shapes"]
    assert line["y0"] == line["y1"] == 1e-7
    (named,) = [t for t in fig.to_dict()["data"] if t["name"].startswith("1e-7")]
    assert named["line"]["dash"] == line["line"]["dash"] and named["line"]["color"] == line["line"]["color"]
    assert named.get("showlegend") is not False and fig.layout.showlegend is not False
