"""gdviz.ui.literal: any text becomes one code span that shows it, cut short, so Markdown reads none of it."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gdviz.ui.literal import LIMIT, clip, md_escape, quoted

from ..markdown_text import INJECTIONS, code_spans

texts = st.text(st.characters(codec="utf-8"), max_size=200) | st.text("`\\ \n\r*_[]()<>#$:/@.w", max_size=40)


@given(texts)
def test_quoted_text_is_one_code_span_showing_the_clipped_text(text):
    markdown = quoted(text)
    spans, outside = code_spans(markdown)
    assert outside == "\n" and "\n" not in markdown and "\r" not in markdown  # nothing left to the parser
    assert spans == [clip(text).replace(":material/", ":material\u2060/") or " "]


@given(texts)
def test_clip_is_one_short_line(text):
    shown = clip(text)
    assert len(shown) <= LIMIT and not re.search(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]", shown)
    if len(text) <= LIMIT and text.isprintable():
        assert shown == text


def test_a_long_text_is_cut_and_line_breaks_are_marked():
    assert clip("a\r\nb\nc") == "a⏎b⏎c"
    assert clip("x" * 500) == "x" * (LIMIT - 1) + "…"
    assert clip("x" * 500, limit=None) == "x" * 500


@pytest.mark.parametrize("name", INJECTIONS)
def test_each_injection_is_quoted_whole(name):
    raw, markers = INJECTIONS[name]
    spans, outside = code_spans(quoted(raw))
    assert spans == [clip(raw)] and not [m for m in markers if m in outside]


@pytest.mark.parametrize("text", ["`", "``x``", " a ", "a`", "   ", ""])
def test_backticks_and_spaces_survive_the_fence(text):
    assert code_spans(quoted(text))[0] == [text or " "]


def test_md_escape_escapes_every_ascii_punctuation_mark():
    assert md_escape("f = x**2 + y_1 (at $1)\n#") == r"f \= x\*\*2 \+ y\_1 \(at \$1\) \#"
