"""A configured code page that reads a file as its language's text but for a few bytes it
does not define (:func:`damaged_code_page`): where the chosen reading is in no language of
its own code page, the file may be that code page's text, damaged there.
"""

from __future__ import annotations

import codecs
from functools import cache
from typing import NamedTuple

from ..config import DecodeConfig
from .codepagelanguages import MULTIBYTE, NO_LANGUAGE, SURE, Reading, language_fit, language_fits

#: At most this share of a file's bytes (and at least one or two) may be bytes its code
#: page does not define, for the rest to be that code page's text damaged there.
_DAMAGED_SHARE = 1 / 500


@cache
def _undefined_bytes(encoding: str) -> bytes:
    """The byte values a single-byte code page does not define (cp1252: 81, 8D, 8F, 90,
    9D)."""
    undefined = []
    for value in range(256):
        try:
            bytes([value]).decode(encoding)
        except UnicodeDecodeError:
            undefined.append(value)
    return bytes(undefined)


class DamagedReading(NamedTuple):
    """A configured code page that reads a file as surely its language's text but for a
    few bytes it does not define: the first at ``first`` (an offset), ``bytes_undefined``
    in all."""

    encoding: str
    text: str
    bytes_undefined: int
    first: int


def damaged_code_page(data: bytes, reading: Reading, config: DecodeConfig
                      ) -> DamagedReading | None:
    """A configured single-byte code page that reads ``data`` surely in a language it is
    made for, but for a few bytes it does not define, when the chosen ``reading`` is in
    no language of its own code page; else None. A French cp1252 text with one byte that
    cp1252 leaves undefined (9D) was read whole in cp1250, which defines it, as
    ``trčs``, ``ŕ``, ``déjŕ``, exit 0 (QA): cp1252 could not read it, so it was no
    candidate against which the reading could be found wrong."""
    if language_fit(reading.text, reading.encoding) > NO_LANGUAGE:
        return None
    for name in config.fallback_encodings:
        encoding = codecs.lookup(name).name
        if encoding == reading.encoding or encoding in MULTIBYTE:
            continue
        undefined = _undefined_bytes(encoding)
        count = len(data) - len(data.translate(None, undefined)) if undefined else 0
        if not count or count > max(2, int(len(data) * _DAMAGED_SHARE)):
            continue
        try:
            text = data.translate(bytes.maketrans(undefined, b" " * len(undefined))
                                  ).decode(encoding)
        except UnicodeDecodeError:
            continue
        if language_fits(text, encoding)[0] >= SURE:  # (its language, whichever it is)
            first = min(at for at in (data.find(bytes([b])) for b in undefined) if at >= 0)
            return DamagedReading(encoding, text, count, first)
    return None
