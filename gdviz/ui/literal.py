"""Visitor text on screen: what a link or a text box brings is shown as text, never as Markdown, HTML or LaTeX.

Streamlit renders notes, errors, warnings and captions as Markdown, and it turns a bare ``www.x.y``,
``https://…`` or ``a@b.c`` into a live link *after* backslash escapes are undone: escaping cannot stop
that. ``quoted(text)`` puts the text in a code span instead. CommonMark shows a code span's content
as it is (no emphasis, links, HTML, headings or math inside), and Streamlit's link, emoji and math
plugins never look inside one. Line breaks, which would end the span, become ⏎; long text is cut to
``LIMIT`` characters with "…". Every message that shows visitor text in Markdown goes through ``quoted``.
``md_escape`` is only for the app's own words around a formula the parser accepted.
"""

from __future__ import annotations

import re

LIMIT = 80  # characters of visitor text shown in one note
_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x85\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # and bidi overrides, which reorder text


def clip(text: str, limit: int | None = LIMIT) -> str:
    """``text`` on one line (a line break is ⏎, other control characters �), at most ``limit`` characters."""
    text = _CONTROLS.sub("\ufffd", _BREAKS.sub("⏎", str(text)))
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def quoted(text: str, limit: int | None = LIMIT) -> str:
    """Markdown showing ``clip(text, limit)`` literally, as an inline code span."""
    text = clip(text, limit).replace(":material/", ":material\u2060/")  # Streamlit rewrites this in any source
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)  # longer than any run inside
    pad = " " if "`" in (text[:1], text[-1:]) or (text[:1] == text[-1:] == " " and text.strip()) else ""
    return f"{fence}{pad}{text or ' '}{pad}{fence}"  # CommonMark strips one space from each side of a padded span


def md_escape(text: str) -> str:
    """The app's words in Markdown, every ASCII punctuation mark escaped (x**2 is not bold, $ starts no formula).

    Not for visitor text: bare links survive it (see the module's docstring); a formula the parser accepted
    holds no link, address or line break, so the app may show one this way."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", _BREAKS.sub(" ", text))
