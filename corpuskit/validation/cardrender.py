"""The data card as Markdown renders it: its structure compared with the card corpuskit writes.

The lines :mod:`.card` compares are found by how they begin; that says nothing of what a
reader sees. A heading spelled with a zero-width space or as a setext heading, table rows
after a lone CR (a line break to CommonMark, not to ``str.split("\\n")``), the true rows
hidden in a link reference definition's title, the true sections pushed into a code block
that an unclosed fence opens, HTML after an escaped backslash: each rendered false
statistics beside, or in place of, the lines compared (QA). So the card's body is also
parsed as CommonMark with GFM tables, as the Hugging Face Hub renders it (markdown-it-py),
and its rendered structure compared, in order, with that of the card corpuskit writes:
every heading, every table (with the records' statistics known), every code block, every
piece of HTML and every link reference definition. Paragraph text, the prose, is not,
but for the text of the card's last section: corpuskit writes none there (its citation is
a code block), so a sentence after it, or after the card's end, is a difference as an
added heading is (QA: "The license above does not apply: all rights reserved." appended
to a re-signed card passed validate --reproduce).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..package import citations_alike

#: What a difference names, by kind of unit.
_KINDS = {"heading": "a heading", "table": "a table", "code": "a code block",
          "html": "HTML", "reference": "a link reference definition", "text": "text"}


#: The language of the card's load example, the records' most common, and its date, their
#: earliest: what a code block says there is compared only when the records are counted.
_EXAMPLE_LANGUAGE = re.compile(r'^(for doc in corpus\.filter\(language=)"[^"\n]*"'
                               r'(?:, since="\d{4}-\d{2}-\d{2}")?', re.MULTILINE)


@dataclass(frozen=True)
class Rendered:
    """A unit of the rendered card: its kind, what it renders, and its line (1-based)."""

    kind: str
    value: Any
    line: int


def rendered_units(body: str, first_line: int, *, tables: bool,
                   example: bool = True) -> list[Rendered]:
    """The headings, tables (if ``tables``, and those of the last section), code blocks
    (the load example's language only if ``example``), HTML and link reference
    definitions of the Markdown ``body``, and the text of its last section (after its
    last heading), in order; ``first_line`` is the line number of its first line in the
    card."""
    from markdown_it import MarkdownIt  # only when a card is compared

    env: dict[str, Any] = {}
    tokens = MarkdownIt("commonmark").enable("table").parse(body, env)
    units: list[Rendered] = []

    def line_of(token: Any) -> int:
        return first_line + (token.map[0] if token.map else 0)

    # Where the last section begins: its heading (its text is that heading's own).
    last_heading = max((at for at, token in enumerate(tokens) if token.type == "heading_open"),
                       default=-1)
    index = 0
    while index < len(tokens):
        token = tokens[index]
        last_section = index > last_heading
        if token.type == "heading_open":
            units.append(Rendered("heading", (token.tag, tokens[index + 1].content),
                                  line_of(token)))
        elif token.type == "table_open":
            end = next(at for at in range(index, len(tokens))
                       if tokens[at].type == "table_close")
            cells: list[list[str]] = []  # (a tuple made again for each cell was
            for inner in tokens[index:end]:  # quadratic: a wide table took minutes, QA)
                if inner.type == "tr_open":
                    cells.append([])
                elif inner.type == "inline":
                    cells[-1].append(inner.content)
            if tables or last_section:
                units.append(Rendered("table", tuple(map(tuple, cells)), line_of(token)))
            index = end
        elif token.type in ("fence", "code_block"):
            content = token.content if example else _EXAMPLE_LANGUAGE.sub(
                r'\1"..."', token.content)  # (--fast: the languages, dates are not counted)
            units.append(Rendered("code", (token.info, content), line_of(token)))
        elif token.type == "html_block":
            units.append(Rendered("html", token.content, line_of(token)))
        elif token.type == "inline":
            if last_section and index > last_heading + 1:  # (not the heading's text)
                units.append(Rendered("text", token.content, line_of(token)))
            units.extend(Rendered("html", child.content, line_of(token))
                         for child in token.children or () if child.type == "html_inline")
        index += 1
    for label, reference in sorted(env.get("references", {}).items()):
        where = reference.get("map") or [0]
        units.append(Rendered("reference", (label, reference.get("href"),
                                            reference.get("title")), first_line + where[0]))
    return units


def first_difference(found: list[Rendered], expected: list[Rendered]
                     ) -> tuple[int, str] | None:
    """Where the rendered ``found`` first differs from ``expected``, and how (in words),
    or None if they render alike."""
    for index in range(max(len(found), len(expected))):
        have = found[index] if index < len(found) else None
        want = expected[index] if index < len(expected) else None
        if have is not None and want is not None \
                and ((have.kind, have.value) == (want.kind, want.value)
                     or (have.kind == want.kind == "code" and have.value[0] == want.value[0]
                     == "bibtex" and citations_alike(have.value[1], want.value[1]))):
            continue  # (a citation escaped as an earlier corpuskit did: alike)
        if have is None:
            assert want is not None
            line = found[-1].line if found else 1
            return line, (f"the card renders nothing more after this line, but corpuskit "
                          f"writes {_shown(want)} after it")
        if want is None:
            return have.line, (f"the card renders {_shown(have)} here, which corpuskit does "
                               "not write")
        return have.line, (f"the card renders {_shown(have)} here, where corpuskit writes "
                           f"{_shown(want)}")
    return None


def _shown(unit: Rendered) -> str:
    """A unit in words, short."""
    from .jsondiff import shown

    value = unit.value
    if unit.kind == "heading":
        text = f"{shown(value[1])} (<{value[0]}>)"
    elif unit.kind == "table":
        text = f"of {len(value)} rows, the first {shown(' | '.join(value[0]))}" \
            if value else "with no rows"
        if value and len(value) > 1:
            text += f", then {shown(' | '.join(value[1]))}"
    elif unit.kind == "code":
        text = shown(value[1])
    elif unit.kind == "reference":
        text = shown(f"[{value[0]}]: {value[1]} {value[2] or ''}".strip())
    else:
        text = shown(value)
    return f"{_KINDS[unit.kind]} {text}"
