"""The counts of a record's text: words and paragraphs, exactly, without a list of words.

A word is a maximal run of characters that are not whitespace in Python's sense
(``str.isspace``, which is also what ``\\s`` and ``str.split()`` use): the definition is
``len(re.findall(r"\\S+", text))``. Counting is done on the UTF-8 bytes, which
``validate`` has at hand anyway (for text_sha256): the bytes are mapped to 0 (whitespace)
and 1 (anything else), read as one big integer, and the runs of 1 are counted from the
bits that differ from their neighbour. This runs in C at a few ns per byte, about ten
times faster than iterating over regex matches, and allocates nothing per word.

Whitespace outside ASCII (NBSP, the U+2000 spaces, ...) is at least two bytes in UTF-8;
a text holding any is first rewritten with each such character replaced by one ASCII
space, which leaves the word count unchanged.
"""

from __future__ import annotations

import hashlib
import re

#: ASCII characters for which ``str.isspace()`` is true (0x1C-0x1F are separators).
ASCII_SPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "
#: The other characters for which ``str.isspace()`` is true (checked by the tests against
#: every code point of the running Python's Unicode database).
WIDE_SPACE = ("\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
              "\u200a\u2028\u2029\u202f\u205f\u3000")
_ZERO_ONE = bytes(0 if chr(b) in ASCII_SPACE else 1 for b in range(256))


def _alternatives(tails: list[bytes]) -> bytes:
    """A pattern matching exactly ``tails`` (byte strings of one length), factored by
    their first byte: ``\x80[\x80-\x8a]`` rather than eleven alternatives."""
    if len(tails[0]) == 1:
        return b"[" + b"".join(re.escape(tail) for tail in tails) + b"]"
    groups: dict[bytes, list[bytes]] = {}
    for tail in tails:
        groups.setdefault(tail[:1], []).append(tail[1:])
    return b"(?:" + b"|".join(re.escape(head) + _alternatives(rest)
                              for head, rest in sorted(groups.items())) + b")"


def _by_lead() -> tuple[tuple[bytes, re.Pattern[bytes]], ...]:
    """Per first byte, a pattern of the wide spaces starting with it. A pattern starting
    with a literal byte is scanned for with a fast search (one pattern of alternatives is
    tried byte by byte, several times slower), and most texts hold none of the bytes."""
    tails: dict[bytes, list[bytes]] = {}
    for char in WIDE_SPACE:
        encoded = char.encode("utf-8")
        tails.setdefault(encoded[:1], []).append(encoded[1:])
    return tuple((lead, re.compile(re.escape(lead) + _alternatives(found)))
                 for lead, found in sorted(tails.items()))


_WIDE_BY_LEAD = _by_lead()
#: Bytes counted at once (bounds the memory of the big integers to a few times this).
SLICE = 1 << 20


def _runs(ones: bytes) -> int:
    """Runs of 1 bytes in a string of 0 and 1 bytes."""
    x = int.from_bytes(ones, "little")
    # A bit of x ^ (x << 8) is set where a byte differs from the one before it (with a 0
    # before the first and after the last): two per run.
    return (x ^ (x << 8)).bit_count() >> 1


def _without_wide_space(encoded: bytes) -> bytes:
    """``encoded`` with each whitespace character outside ASCII replaced by one space.

    Only the patterns of the lead bytes the text holds are run (see :func:`_by_lead`;
    one pattern of all the wide spaces made a text holding one ten times slower to
    count). UTF-8 is self-synchronising: the patterns of two lead bytes never match
    overlapping bytes, so the order of the substitutions does not matter.
    """
    if encoded.isascii():
        return encoded
    for lead, pattern in _WIDE_BY_LEAD:
        if lead in encoded:
            encoded = pattern.sub(b" ", encoded)
    return encoded


def count_words_utf8(encoded: bytes) -> int:
    """The words of the text whose UTF-8 encoding is ``encoded`` (see the module doc)."""
    encoded = _without_wide_space(encoded)
    if len(encoded) <= SLICE:
        return _runs(encoded.translate(_ZERO_ONE))
    words = 0
    previous = 0  # 1 when the slice before ended inside a word
    for start in range(0, len(encoded), SLICE):
        ones = encoded[start:start + SLICE].translate(_ZERO_ONE)
        words += _runs(ones) - (previous & ones[0])
        previous = ones[-1]
    return words


_TOKEN = re.compile(r"\S+")


def count_words(text: str) -> int:
    """Whitespace-separated tokens (a CJK sentence without spaces counts as one)."""
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: no UTF-8 form; count the slow way
        return sum(1 for _ in _TOKEN.finditer(text))
    return count_words_utf8(encoded)


def count_paragraphs(text: str) -> int:
    """Blank-line separated paragraphs (0 for a text of whitespace only)."""
    # ``not text.isspace()`` is ``bool(text.strip())`` without copying the text.
    return text.count("\n\n") + 1 if text and not text.isspace() else 0


_BREAK = re.compile(b"\n\n")


def count_paragraphs_utf8(encoded: bytes, words: int) -> int:
    """:func:`count_paragraphs` of the text whose UTF-8 encoding is ``encoded`` and that
    has ``words`` words (none: whitespace only, which ``bytes.isspace`` cannot tell, as
    it ignores 0x1C-0x1F and the wide spaces).

    The regex engine finds the breaks of a text of a few KB in half the time of
    ``bytes.count``, which is slow on two-byte needles, but builds an object per break:
    a long text is counted with ``bytes.count``, so memory stays bounded.
    """
    if not words:
        return 0
    if len(encoded) > SLICE:
        return encoded.count(b"\n\n") + 1
    return len(_BREAK.findall(encoded)) + 1


def derived_mismatches(text: str, encoded: bytes, *, text_sha256: str, chars: int,
                       words: int, paragraphs: int) -> list[str]:
    """The fields a record derives from its text (``encoded`` is its UTF-8) that do not
    match it, each as validate names it (``chars (74, text has 73)``): the cross-checks
    ``validate`` and ``load`` make of every record."""
    wrong: list[str] = []
    if hashlib.sha256(encoded).hexdigest() != text_sha256:
        wrong.append("text_sha256")
    if len(text) != chars:
        wrong.append(f"chars ({chars}, text has {len(text)})")
    counted = count_words_utf8(encoded)
    if counted != words:
        wrong.append(f"words ({words}, text has {counted})")
    blocks = count_paragraphs_utf8(encoded, counted)
    if blocks != paragraphs:
        wrong.append(f"paragraphs ({paragraphs}, text has {blocks})")
    return wrong
