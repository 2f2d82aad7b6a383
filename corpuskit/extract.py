"""Stage 4, extract: title, date, rights line and language taken from normalized text.

Rules are anchored to the shape of the document: the title is a short first line, the
date an unambiguous date line right after it, the rights line a final line matching one
of the configured patterns in full. Extraction never leaves an empty body: when taking a
line would empty it, the line stays in the text. Title and rights lines are recorded
without the indentation or trailing spaces they may have had.
"""

from __future__ import annotations

import re
from functools import cache

from .config import ExtractConfig
from .dates import parse_date_line
from .language import iso639_1
from .models import Extracted

_NOT_TITLE_ENDINGS = (".", ",", ";", ":")


@cache
def _rights_rules(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


def is_rights_line(line: str, config: ExtractConfig) -> bool:
    return "\n" not in line and any(
        rule.fullmatch(line) for rule in _rights_rules(config.rights_patterns)
    )


def _is_title(paragraph: str, config: ExtractConfig) -> bool:
    return (
        "\n" not in paragraph
        and 0 < len(paragraph) <= config.title_max_chars
        and not paragraph.endswith(_NOT_TITLE_ENDINGS)
        and parse_date_line(paragraph) is None
        and not is_rights_line(paragraph, config)
    )


def extract(text: str, config: ExtractConfig) -> Extracted:
    """Split normalized ``text`` into title, date, rights and body; identify the language."""
    paragraphs = text.rstrip("\n").split("\n\n")
    title = date = rights = None
    if config.title and len(paragraphs) > 1 and _is_title(paragraphs[0].strip(), config):
        title = paragraphs.pop(0).strip()
    if config.date and len(paragraphs) > 1 and "\n" not in paragraphs[0]:
        date = parse_date_line(paragraphs[0])
        if date is not None:
            paragraphs.pop(0)
    if config.rights and len(paragraphs) > 1 and is_rights_line(paragraphs[-1].strip(), config):
        rights = paragraphs.pop().strip()
    body = "\n\n".join(paragraphs) + "\n"
    language = (
        iso639_1(body, min_chars=config.language_min_chars,
                 min_confidence=config.language_min_confidence)
        if config.language else "und"
    )
    return Extracted(title=title, date=date, rights=rights, language=language, text=body)
