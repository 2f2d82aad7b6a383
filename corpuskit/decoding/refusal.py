"""What a file refused for its code page is told: the excerpt of a reading its message
quotes, from the word that holds the first byte that is not UTF-8 (:func:`excerpt`), and
:class:`BetterElsewhere`, raised where a code page the configuration could add reads it
clearly better than the configured ones.
"""

from __future__ import annotations

import codecs
import re

#: Characters of a code page's reading an undecodable file's message quotes.
QUOTED_CHARS = 40
#: ... starting at most this many characters before the first byte that is not UTF-8, at
#: the start of the word that holds it.
_WORD_BEFORE = 20
_BEYOND_ASCII = re.compile(rb"[\x80-\xff]")


def excerpt(data: bytes, text: str, encoding: str | None = None) -> str:
    """What an undecodable file's message quotes of ``text``, ``encoding``'s reading of
    ``data`` from its first byte: :data:`QUOTED_CHARS` characters from the word that holds
    the first byte that is not UTF-8, the byte the message names, where the file stops
    being read alike. From the file's start, two readings of a file opening with ASCII
    markup (HTML, XML, front matter) were quoted as the same ``'<!DOCTYPE html>...'``
    (QA); from the first byte beyond ASCII, a line opening with 'Café —' in UTF-8 was
    quoted as 'CafΓ© β€” and some more English words', none of the bytes refused (QA s77)."""
    at = _char_at(data, text, _first_not_utf8(data), encoding)
    start = at
    while start > max(0, at - _WORD_BEFORE) and text[start - 1].isalnum():
        start -= 1
    return text[start:start + QUOTED_CHARS]


def _first_not_utf8(data: bytes) -> int:
    """The offset of the first byte of ``data`` that is not UTF-8 (as the message names
    it), or of the first beyond ASCII in data that is UTF-8 throughout."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    found = _BEYOND_ASCII.search(data)
    return 0 if found is None else found.start()


def _char_at(data: bytes, text: str, at: int, encoding: str | None) -> int:
    """The character of ``text`` (``encoding``'s reading of ``data``) that byte ``at``
    begins: ``at`` itself where the bytes before it are ASCII, one character each in
    every code page corpuskit knows; else as many as ``encoding`` reads those bytes as
    (of several bytes a character in the CJK pages), or, where that cannot be told, the
    character of the first byte beyond ASCII."""
    if data[:at].isascii():
        return at
    if encoding is not None:
        before = codecs.getincrementaldecoder(encoding)(errors="replace").decode(data[:at])
        if text.startswith(before):
            return len(before)
    found = _BEYOND_ASCII.search(data)
    return 0 if found is None else found.start()


class BetterElsewhere(Exception):
    """A file a code page the configuration could add reads clearly better than the
    configured ones (:func:`~corpuskit.decoding.secondlook.second_look`); the message says both
    readings and what to do."""
