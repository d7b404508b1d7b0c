"""Tests for gdviz/viz/html.py: one offline page holding plotly.js, the figure, its frames and a title."""

import json
from html.parser import HTMLParser

import numpy as np
import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs

from gdviz import SURFACES, run
from gdviz.viz import race_figure
from gdviz.viz.html import figure_html, figure_title


class Page(HTMLParser):
    """The tags, the <title> text, the scripts' text and any external sources of an HTML page."""

    def __init__(self, text: str):
        super().__init__()
        self.tags, self.title, self.scripts, self.sources, self._in = [], "", [], [], None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.sources += [v for k, v in attrs if k in ("src", "href") and v]
        self._in = tag
        if tag == "script":
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "script":
            self.scripts[-1] += data


def call_args(script: str, call: str) -> list:
    """The JSON arguments of the first ``call(...)`` in ``script``, decoded one after another."""
    decoder, i, args = json.JSONDecoder(), script.index(call + "(") + len(call) + 1, []
    while True:
        while script[i] in " \n\t,":
            i += 1
        if script[i] == ")":
            return args
        value, i = decoder.raw_decode(script, i)
        args.append(value)


@pytest.fixture(scope="module")
def race():
    s = SURFACES["himmelblau"]
    runs = {name: run(s, name, s.start, 150, lr=lr) for name, lr in (("sgd", 0.01), ("adam", 0.1))}
    fig = race_figure(s, runs, at=40)
    return fig, figure_html(fig, title="gdviz race")


def test_the_page_is_standalone_html_with_plotly_inside(race):
    fig, text = race
    page = Page(text)
    assert page.tags[:3] == ["html", "head", "meta"] and "body" in page.tags
    assert page.sources == []  # nothing fetched from the network: it opens offline
    assert get_plotlyjs() in text  # the whole bundle, inlined
    assert len(text) > len(get_plotlyjs())
    assert page.title == figure_title(fig) == fig.layout.title.text  # the race figure's own title wins


def test_the_page_holds_the_figures_data_and_frames(race):
    fig, text = race
    want = fig.to_dict()
    (script,) = [s for s in Page(text).scripts if "Plotly.newPlot" in s]
    _, data, layout, config = call_args(script, "Plotly.newPlot")
    assert len(data) == len(want["data"]) and layout["sliders"][0]["active"] == want["layout"]["sliders"][0]["active"]
    assert [b["label"] for b in layout["updatemenus"][0]["buttons"]] == ["▶ Play", "Fast", "Slow", "❚❚"]
    assert config["responsive"] is True
    start = script.index("Plotly.addFrames(")
    frames = json.JSONDecoder().raw_decode(script, script.index("[", start))[0]
    assert frames == want["frames"] and len(frames) == 151  # every step, typed arrays as the chart gets them
    assert "Plotly.animate" not in script  # it opens where the figure stood; Play starts it


def test_the_title_is_the_figures_own_as_plain_text():
    fig = go.Figure(go.Scatter(x=np.arange(3), y=[1.0, 2.0, 0.5]))
    fig.update_layout(title="<b>Loss</b> & accuracy<br>per epoch </title><script>")
    assert figure_title(fig) == "Loss & accuracy per epoch"
    page = Page(figure_html(fig, title="unused"))
    assert page.title == "Loss & accuracy per epoch"
    fig.update_layout(title="f < 1 & g")
    assert "<title>f &lt; 1 &amp; g</title>" in figure_html(fig)  # escaped, not markup
    assert figure_title(go.Figure()) == "gdviz" and Page(figure_html(go.Figure())).title == "gdviz"
