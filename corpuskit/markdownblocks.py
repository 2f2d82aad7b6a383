"""A description that would hide the data card under it.

The data card (README.md) shows corpus.toml's description as Markdown, the maintainer's
own. A code fence it opens and does not close, or an HTML comment or ``<pre>`` block it
does not end, runs on as Markdown reads it: everything after it in the card, its
statistics, license and sections, renders as code or as nothing (QA: validate passed such
a card, byte for byte what corpuskit wrote). :func:`open_block_line` finds one; build
refuses such a description and validate reports it.
"""

from __future__ import annotations

#: The heading that must render after the description, as its own block, if nothing the
#: description opened runs past its end.
_SENTINEL = "corpuskit end of description"
#: What must be in a text for it to open such a block: a fence, or HTML.
_OPENERS = ("```", "~~~", "<")


def open_block_line(text: str) -> int | None:
    """The line of ``text`` (1-based) where a block opens that runs past its end (an
    unclosed code fence, an HTML comment or ``<pre>``, ``<script>``, ``<style>`` block
    not ended), or None: the Markdown after it renders as it reads."""
    if not any(opener in text for opener in _OPENERS):
        return None
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(f"{text}\n\n# {_SENTINEL}\n")
    if len(tokens) >= 3 and tokens[-3].type == "heading_open" \
            and tokens[-2].content == _SENTINEL:
        return None
    sentinel = text.count("\n") + 2  # its line, 0-based
    for token in tokens:
        if token.level == 0 and token.map and token.map[0] <= sentinel < token.map[1]:
            return token.map[0] + 1
    return 1


def description_hides_card(line: int) -> str:
    """What is wrong with a description whose line ``line`` opens such a block."""
    return (f"its line {line} opens a code block or HTML that does not end in it (a fence "
            "without its closing fence, an HTML comment without -->, a <pre>, <script> or "
            "<style> without its end tag): the data card shows the description as Markdown, "
            "and everything after it in the card (its statistics, license and sections) "
            "would render as code or not at all; close it within the description")
