"""Text put into Markdown that must show as it is: a title, a name, an address.

The data card (README.md) and the changelog are Markdown; corpus.toml's titles, names,
roles and addresses, and the documents' titles and ids, are put in their lines. Written
as they are, ``*Notes* <b>`` rendered as emphasis and an HTML tag, ``A | B`` split a
table's row, a source titled ``- draft`` became a list in a list, ``C #`` lost its ``#``
in a heading and ``<!--`` hid the rest of the card. Each function here writes its text
so that CommonMark (with GFM's tables and strikethrough, as the Hugging Face Hub renders
a card) shows exactly that text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_BACKTICKS = re.compile(r"`+")
#: What Markdown may take for markup within a line: emphasis, links, code, inline HTML,
#: entities, strikethrough (GFM) and the backslash that escapes them.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>&~])")
#: The same, with a table's cell separator and a heading's closing ``#``: what the data
#: card escapes in corpus.toml's values.
_CARD_MARKUP = re.compile(r"[\\`*_\[\]<>&~|#]")
#: What makes a line of a list item's first block something else than a paragraph: a
#: list marker, a block quote (``>`` is escaped anyway), an ordered list's number.
_BLOCK_MARKER = re.compile(r"[-+]|\d{1,9}(?=[.)])")
#: What CommonMark takes for an autolink between ``<`` and ``>``: an absolute URI, or an
#: email address (validate's card check finds them by it too).
AUTOLINK_BODY = (r"[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\x00-\x20\x7f]*"
                 r"|[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9]"
                 r"(?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                 r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*")
_AUTOLINK = re.compile(AUTOLINK_BODY)
#: An address shown as it is, no markup possible in it: what GFM links bare.
_PLAIN_ADDRESS = re.compile(r"https?://[A-Za-z0-9./:?=%+,;@!$'()#_-]*")


def markdown_text(text: str) -> str:
    """``text`` shown as it is within a line of Markdown: each character that could start
    markup (``*``, ``_``, ``[``, ``<``, ``&``, ...) escaped with a backslash, as CommonMark
    allows for any ASCII punctuation; a document's title ``*Notes* <b>`` is not rendered as
    emphasis and an HTML tag."""
    return _MARKDOWN_INLINE.sub(r"\\\1", text)


def code_span(text: str) -> str:
    """``text`` as one Markdown code span, whatever it holds: fenced by one backtick more
    than its longest run of them (an id with a backtick broke the span and the rest of the
    line), padded with a space where CommonMark would otherwise join or strip."""
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text[:1] == "`" or text[-1:] == "`" or (
        text[:1] == " " and text[-1:] == " " and text.strip(" ")) else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def card_text(text: str, *, starts_item: bool = False) -> str:
    """``text`` (one line) shown as it is in the data card: in a heading, a table's cell,
    or a list item (``starts_item``: it begins the item, where a list marker or a number
    would start a list in the list, and leading spaces a code block).

    Each character that could start markup is escaped, as :func:`markdown_text` does, and
    also ``|`` (a table's cells) and ``#`` (a heading's end). An underscore between two
    letters or digits is not: CommonMark never reads one there as emphasis, and
    ``000_5126d.txt`` is written as it is, as corpuskit wrote it before it escaped."""
    def escaped(found: re.Match[str]) -> str:
        char, at = found.group(), found.start()
        if char == "_" and text[at - 1:at].isalnum() and text[at + 1:at + 2].isalnum():
            return char
        if char == "#" and at > 0 and not text[at - 1].isspace():
            return char  # ("C#", "page#part": a heading ends only with " #" or "#" alone)
        return "\\" + char

    shown = _CARD_MARKUP.sub(escaped, text)
    if starts_item:
        shown = shown.lstrip(" \t")
        marker = _BLOCK_MARKER.match(shown)
        if marker is not None:
            shown = (f"\\{shown}" if marker.group() in "-+"
                     else f"{shown[:marker.end()]}\\{shown[marker.end():]}")
    return shown


def card_link(address: str) -> str:
    """An address (a URL, a path, an email address) as a link in the data card: an
    autolink (``<...>``) where CommonMark takes it for one and it holds no ``|`` (GFM
    splits a table's row at each, in a link too), else shown as text."""
    return f"<{address}>" if _AUTOLINK.fullmatch(address) and "|" not in address \
        else card_text(address)


def card_address(address: str) -> str:
    """An address shown as it is in the data card: as written where it holds nothing
    Markdown could read as markup (an ``http(s)`` URL that :func:`card_text` leaves as it
    is, which GFM links), else as :func:`card_link` writes it."""
    plain = _PLAIN_ADDRESS.fullmatch(address) is not None and card_text(address) == address
    return address if plain else card_link(address)


def _as_written(value: str, *, starts_item: bool = False) -> str:
    return value


@dataclass(frozen=True)
class CardValues:
    """How the data card writes corpus.toml's values: as text, as links, as addresses."""

    text: Callable[..., str]
    link: Callable[[str], str]
    address: Callable[[str], str]


#: As corpuskit writes them: escaped for where they stand.
ESCAPED = CardValues(card_text, card_link, card_address)
#: As corpuskit wrote them before it escaped them (links in ``<...>``, all else as it
#: is): validate takes a card written so, that the packages built then still validate.
UNESCAPED = CardValues(_as_written, lambda address: f"<{address}>", lambda address: address)
