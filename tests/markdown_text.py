"""What a Markdown body shows as code and what it leaves to the Markdown parser, by CommonMark's rule for code
spans: a run of n backticks opens a span that the next run of exactly n backticks closes; inside, nothing is
parsed. Spans are looked for line by line (a line break may start a heading or a list, so a span that crosses one
proves nothing): this errs only toward calling text Markdown. A backslash before a backtick is not honoured,
which errs the same way.
"""

from __future__ import annotations

import re

# visitor text a public server met, each with what must never reach the Markdown parser outside a code span
INJECTIONS = {
    "heading": ("\n\n# Session expired\n\n[Log in again](https://evil.example/login)", ("Session expired", "evil")),
    "link": ("[x](https://evil.example)", ("evil",)),
    "autolink": ("www.evil.example", ("evil",)),
    "html": ("<img src=x onerror=alert(1)>", ("<img", "onerror")),
    "bold": ("**bold**", ("bold",)),
    "latex": ("$\\frac{1}{0}$", ("frac",)),
    "backtick": ("`", ("`",)),
    "dunder": ("__import__", ("import",)),
}


def code_spans(markdown: str) -> tuple[list[str], str]:
    """(the contents of the code spans, everything outside them) of ``markdown``."""
    spans, outside = [], []
    for line in markdown.split("\n"):
        i = 0
        while (opening := re.compile("`+").search(line, i)) is not None:
            n = len(opening[0])
            closing = re.compile(f"(?<!`)`{{{n}}}(?!`)").search(line, opening.end())
            outside.append(line[i : opening.start()])
            if closing is None:  # an unmatched run is literal backticks, left to the parser
                outside.append(opening[0])
                i = opening.end()
                continue
            content = line[opening.end() : closing.start()]
            if content[:1] == content[-1:] == " " and content.strip():
                content = content[1:-1]
            spans.append(content)
            i = closing.end()
        outside.append(line[i:] + "\n")
    return spans, "".join(outside)


def markup_outside_code(markdown: str, markers: tuple[str, ...]) -> list[str]:
    """The ``markers`` that ``markdown`` leaves outside its code spans, for the Markdown parser to read."""
    outside = code_spans(markdown)[1]
    return [m for m in markers if m in outside]
