"""Stage 4, extract: title, date, rights line and language taken from normalized text.

Rules are anchored to the shape of the document's paragraphs (blocks separated by a blank
line): the title is a first paragraph of one short line, the date a one-line paragraph
right after it holding an unambiguous date, the rights line a final one-line paragraph
matching one of the configured patterns in full. Extraction never leaves an empty body:
when taking a line would empty it, the line stays in the text. Title and rights lines are recorded
without the indentation or trailing spaces they may have had.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from .config import ExtractConfig
from .dates import LONGEST_DATE_LINE, looks_like_date, parse_date_line
from .languageid.language import iso639_1_many
from .models import Extracted, Parts
from .rightsrules import rights_rules
from .sentenceends import ends_like_sentence
from .visible import BIDI_CONTROL, shows_text


def is_rights_line(line: str, config: ExtractConfig) -> bool:
    """Whether ``line`` is a rights line; raises :class:`~corpuskit.rightsrules.SlowPattern`
    for a configured pattern that found no answer in time."""
    return "\n" not in line and any(rule(line) for rule in rights_rules(config.rights_patterns))


def _is_title(paragraph: str, config: ExtractConfig) -> bool:
    """A first paragraph of one short line that is no sentence, date or rights line, shows
    something and holds no bidirectional control (QA: a soft hyphen or a Braille blank
    alone became an invisible title, and a line starting with U+202E one shown in another
    order than spelled; corpus.toml's title is held to the same). A sentence ends in any
    script's punctuation, not only ASCII's, and a date is any line that looks like one,
    read or not (QA: ``今日はとても良い天気です。``, ``He said, “We are done.”`` and
    ``03/04/2023`` became titles, taken out of the text)."""
    return (
        "\n" not in paragraph
        and 0 < len(paragraph) <= config.title_max_chars
        and not ends_like_sentence(paragraph)
        and not looks_like_date(paragraph)
        and not is_rights_line(paragraph, config)
        and shows_text(paragraph)
        and BIDI_CONTROL.search(paragraph) is None
    )


class _Paragraphs:
    """The paragraphs ``text.rstrip("\n").split("\n\n")`` would give, as bounds in ``text``.

    A document can be many megabytes: :func:`extract` takes at most two paragraphs off its
    start and one off its end, so the paragraphs still in the body are ``text[lo:hi]``,
    never a list of copies. Splitting scans left to right, so a run of ``k`` LFs holds
    ``k // 2`` separators from its start, and an odd run's last LF begins the next
    paragraph (the tests hold this to ``str.split``).
    """

    def __init__(self, text: str) -> None:
        self.text = text
        end = len(text)
        while end and text[end - 1] == "\n":
            end -= 1
        self.lo, self.hi = 0, end

    def several(self) -> bool:
        return self.text.find("\n\n", self.lo, self.hi) != -1

    def first_end(self) -> int:
        """Where the first paragraph ends (``hi`` if it is the only one)."""
        found = self.text.find("\n\n", self.lo, self.hi)
        return self.hi if found == -1 else found

    def drop_first(self) -> None:
        self.lo = self.first_end() + 2

    def last_start(self) -> int:
        """Where the last paragraph begins (there are several)."""
        text, lo = self.text, self.lo
        found = text.rfind("\n\n", lo, self.hi)
        start = found
        while start > lo and text[start - 1] == "\n":
            start -= 1
        stop = found + 2
        while stop < self.hi and text[stop] == "\n":
            stop += 1
        return start + (stop - start) // 2 * 2

    def drop_last(self) -> None:
        self.hi = self.last_start() - 2

    def stripped(self, start: int, stop: int, longest: int = sys.maxsize) -> str | None:
        """``text[start:stop].strip()``, or None when that holds a line break or is longer
        than ``longest`` (no copy of a long paragraph is made to find out)."""
        start, stop = _strip_bounds(self.text, start, stop)
        if stop - start > longest or self.text.find("\n", start, stop) != -1:
            return None
        return self.text[start:stop]

    def date_line(self, start: int, stop: int) -> str | None:
        """``text[start:stop].strip()`` if it may be a date line: one line no longer, once
        stripped as :func:`parse_date_line` strips it, than any date that reads."""
        text = self.text
        if text.find("\n", start, stop) != -1:
            return None
        start, stop = _strip_bounds(text, start, stop)
        first, last = start, stop
        while last > first and text[last - 1] == ".":
            last -= 1
        first, last = _strip_bounds(text, first, last)
        return text[start:stop] if last - first <= LONGEST_DATE_LINE else None

    def body(self) -> str:
        """``"\n\n".join(paragraphs left) + "\n"``: the text itself when nothing was taken
        and it ends in one LF."""
        text, lo, hi = self.text, self.lo, self.hi
        if hi < len(text):  # text[hi] is a LF: the one after the body, or a separator's
            return text[lo:hi + 1]  # the whole text when nothing was taken
        return text[lo:hi] + "\n"


def _strip_bounds(text: str, start: int, stop: int) -> tuple[int, int]:
    """The bounds of ``text[start:stop].strip()`` in ``text``."""
    while start < stop and text[start].isspace():
        start += 1
    while stop > start and text[stop - 1].isspace():
        stop -= 1
    return start, stop


def extract(text: str, config: ExtractConfig) -> Extracted:
    """Split normalized ``text`` into title, date, rights and body; identify the language.

    The paragraphs are ``text.rstrip("\n").split("\n\n")``: a short first one may be the
    title, then a date line; a final one matching a rights pattern is the rights line. The
    body is the paragraphs left, joined by a blank line, with one final LF.
    """
    parts = extract_parts(text, config)
    [language] = languages([parts.text], config)
    return Extracted(title=parts.title, date=parts.date, rights=parts.rights,
                     language=language, text=parts.text)


def extract_parts(text: str, config: ExtractConfig) -> Parts:
    """:func:`extract` but for the language: many documents' languages are identified
    together (:func:`languages`), twice as fast a document as one by one."""
    paragraphs = _Paragraphs(text)
    title = date = rights = None
    if config.title and paragraphs.several():
        first = paragraphs.stripped(paragraphs.lo, paragraphs.first_end(),
                                    config.title_max_chars)
        if first is not None and _is_title(first, config):
            title = first
            paragraphs.drop_first()
    if config.date and paragraphs.several():
        line = paragraphs.date_line(paragraphs.lo, paragraphs.first_end())
        date = parse_date_line(line) if line is not None else None
        if date is not None:
            paragraphs.drop_first()
    if config.rights and paragraphs.several():
        last = paragraphs.stripped(paragraphs.last_start(), paragraphs.hi)
        if last is not None and is_rights_line(last, config):
            rights = last
            paragraphs.drop_last()
    return Parts(title=title, date=date, rights=rights, text=paragraphs.body())


def languages(bodies: Sequence[str], config: ExtractConfig) -> list[str]:
    """The language code of each body (``und`` for all when identification is off)."""
    if not config.language:
        return ["und"] * len(bodies)
    return iso639_1_many(bodies, min_chars=config.language_min_chars,
                         min_confidence=config.language_min_confidence)
