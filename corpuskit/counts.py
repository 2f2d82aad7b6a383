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
import sys
from typing import Any

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


#: Below this many texts :func:`count_many_utf8` counts each text alone: numpy's fixed
#: costs (and, in a process that has not loaded it, its import) outweigh what it saves.
MANY = 64
#: ... unless they hold this many bytes and numpy is loaded already (as in validate's
#: workers): a block of ten texts of 100 KB was counted text by text at 2.8 ns a byte, and
#: takes 1.2 with numpy.
MANY_BYTES = 1 << 16


#: Whitespace bytes to 0, the first byte of a wide space to 2, every other byte to 1.
_CLASSES = bytes(2 if any(char.encode("utf-8")[0] == b for char in WIDE_SPACE) else value
                 for b, value in enumerate(_ZERO_ONE))


def _wide_tables() -> tuple[bytes, bytes]:
    """Two tables that tell a wide space by its bytes: one bit per lead byte (a table of
    256), and for each pair of the two bytes after a lead, the bits of the leads whose
    wide space they end (a table of 65,536: for a two-byte wide space, every byte may
    follow, since only its second byte counts)."""
    leads = sorted({char.encode("utf-8")[0] for char in WIDE_SPACE})
    bit = {lead: 1 << at for at, lead in enumerate(leads)}
    lead_bits = bytes(bit.get(b, 0) for b in range(256))
    tails = bytearray(1 << 16)
    for char in WIDE_SPACE:
        encoded = char.encode("utf-8")
        following = [encoded[2]] if len(encoded) == 3 else range(256)
        for third in following:
            tails[encoded[1] << 8 | third] |= bit[encoded[0]]
    return lead_bits, bytes(tails)


_LEAD_BITS, _TAIL_BITS = _wide_tables()


def load_many() -> None:
    """Import what :func:`count_many_utf8` needs for many texts (numpy): a process that
    forks workers to count calls it first, so that they share one import instead of each
    making its own (0.2 s in each of two workers that compete for two cores, 0.08 s
    alone)."""
    import numpy  # noqa: F401


def count_many_utf8(encoded: list[bytes]) -> tuple[list[int], list[int]]:
    """``([count_words_utf8(e) ...], [count_paragraphs_utf8(e, words) ...])`` for many
    texts at once, exactly (the tests hold it to those two).

    The texts are joined with one space before each and after the last (a space starts
    and ends no word and makes no blank line), and the whole block is classified with a
    few numpy passes over one ``bytes.translate``: whitespace 0, other bytes 1, the first
    byte of a wide space 2, which is then settled by the two bytes after it (looked up in
    a table): the bytes of a wide space become 0, any other character's first byte 1. A
    word starts where a 0 is followed by a 1, and each text's words are summed over its
    span; an ``\\n\\n`` pair is two LF bytes, found by position (they are few). A block
    whose texts hold a run of three LFs or more (where ``bytes.count`` takes pairs without
    overlap) has its paragraphs counted text by text.
    """
    if len(encoded) < MANY and not ("numpy" in sys.modules
                                    and sum(map(len, encoded)) >= MANY_BYTES):
        words = [count_words_utf8(text) for text in encoded]
        return words, list(map(count_paragraphs_utf8, encoded, words))
    longest = max(map(len, encoded))
    if longest > SLICE:  # the block's arrays would be several times its size
        return _with_long_texts_alone(encoded)
    words, pairs = _block_counts(encoded, longest)
    if pairs is None:
        paragraphs = list(map(count_paragraphs_utf8, encoded, words))
    else:
        paragraphs = [count and pair + 1 for count, pair in zip(words, pairs, strict=True)]
    return words, paragraphs


def _block_counts(encoded: list[bytes], longest: int) -> tuple[list[int], list[int] | None]:
    """The words of each of ``encoded`` (texts of at most ``longest`` bytes), and its pairs
    of LFs, or None for the pairs where a text holds three LFs in a row (where
    ``bytes.count`` takes pairs without overlap): the numpy passes of
    :func:`count_many_utf8`."""
    import numpy as np

    block = b" ".join([b"", *encoded, b"  "])  # two more: the tails of a wide space
    data = np.frombuffer(block, np.uint8)
    classes = np.frombuffer(bytearray(block).translate(_CLASSES), np.uint8)
    leads = np.flatnonzero(classes == 2)
    if len(leads):
        tails = data[leads + 1].astype(np.uint16) << 8 | data[leads + 2]
        bits = np.frombuffer(_TAIL_BITS, np.uint8)[tails] \
            & np.frombuffer(_LEAD_BITS, np.uint8)[data[leads]]
        classes[leads] = 1  # the first byte of any other character
        wide = leads[bits != 0]
        classes[wide] = 0
        classes[wide + 1] = 0
        three = wide[data[wide] >= 0xE0]  # a lead of three bytes (the others: of two)
        classes[three + 2] = 0
    lengths = np.fromiter(map(len, encoded), np.int64, len(encoded))
    bounds = np.zeros(len(encoded) + 1, np.int64)
    np.cumsum(lengths + 1, out=bounds[1:])  # text i and the space before it: [b[i], b[i+1])
    # A word starts at p + 1 when p is a space and p + 1 is not: counted at p.
    starts = (classes[:-1] < classes[1:]).view(np.uint8)
    words = np.add.reduceat(starts, bounds[:-1], dtype=_sum_type(longest, len(block))).tolist()
    # The pairs of LFs, found by a mask of LFs and the same mask one byte on, whose
    # positions are few: the positions of every LF were as many as the lines, and taking
    # them cost about 1 ns a byte of source code (a line every 30 bytes), a quarter of
    # this function's time there (2.0 ns a byte down to 1.5; the kit's prose the same).
    # Three LFs in a row are two pairs one apart.
    lf = data == 10
    pair_at = np.flatnonzero(lf[:-1] & lf[1:])
    if np.any(np.diff(pair_at) == 1):
        return words, None
    return words, np.diff(np.searchsorted(pair_at, bounds)).tolist()


#: The longest text whose words are summed in 16 bits: a word starts after a space, so a
#: span of ``n`` bytes holds at most ``(n + 1) // 2`` starts, and a text's span is its
#: bytes and at most two more (the space before it, the block's end after the last):
#: at most 0xFFFF starts for a text of this many bytes.
SHORT_TEXT = 2 * 0xFFFF - 4


def _sum_type(longest: int, block_bytes: int) -> Any:
    """The type that sums a block's word starts text by text without overflow, given its
    longest text: 16 bits where every text is :data:`SHORT_TEXT` or shorter. numpy sums
    bytes into 16 bits in half the time of 32 (the kit's texts of 2.4 KB: 1.05 µs a text
    against 0.50)."""
    import numpy as np

    if longest <= SHORT_TEXT:
        return np.uint16
    return np.int32 if block_bytes < 1 << 31 else np.int64


def _with_long_texts_alone(encoded: list[bytes]) -> tuple[list[int], list[int]]:
    """:func:`count_many_utf8`, each text over :data:`SLICE` counted alone, a piece at a
    time (:func:`_long_text_counts`): a block holding it would make numpy arrays of its
    size, several (a text of 80 MB took validate to 830 MB)."""
    short = [text for text in encoded if len(text) <= SLICE]
    words_of_short, paragraphs_of_short = count_many_utf8(short) if short else ([], [])
    next_words, next_paragraphs = iter(words_of_short), iter(paragraphs_of_short)
    words: list[int] = []
    paragraphs: list[int] = []
    for text in encoded:
        if len(text) <= SLICE:
            words.append(next(next_words))
            paragraphs.append(next(next_paragraphs))
        else:
            counted = _long_text_counts(text)
            words.append(counted[0])
            paragraphs.append(counted[1])
    return words, paragraphs


#: How far back from a piece's greatest end :func:`_long_text_counts` looks for a space to
#: cut it at.
CUT_WINDOW = 1 << 16


def _long_text_counts(encoded: bytes) -> tuple[int, int]:
    """``(words, paragraphs)`` of a text over :data:`SLICE` bytes, counted with numpy a
    piece of at most :data:`SLICE` bytes at a time (:func:`_block_counts`), each piece
    after the first starting at an ASCII space: no word, no character (an ASCII byte is
    never part of another character in UTF-8) and no run of LFs spans two pieces, so their
    words and their pairs of LFs add up. Counted a slice at a time with a search of the
    whole text for each wide space's first byte (:func:`count_words_utf8`), a page of 8 MB
    of HTML took 32 ms, and this 13. A text with no space in the :data:`CUT_WINDOW` bytes
    before a cut is counted that way."""
    words = pairs = 0
    start, size = 0, len(encoded)
    while start < size:
        end = start + SLICE
        if end < size:
            end = encoded.rfind(b" ", max(start + 1, end - CUT_WINDOW), end)
            if end < 0:
                words = count_words_utf8(encoded)
                return words, count_paragraphs_utf8(encoded, words)
        piece = encoded[start:end]
        piece_words, piece_pairs = _block_counts([piece], len(piece))
        words += piece_words[0]
        pairs += piece_pairs[0] if piece_pairs is not None else piece.count(b"\n\n")
        start = end
    return words, pairs + 1 if words else 0
