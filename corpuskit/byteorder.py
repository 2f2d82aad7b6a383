"""A file with a UTF-16 byte order mark whose text is not all UTF-16 of that order.

The mark decides the codec, and decoding UTF-16 fails only on a lone surrogate: any other
pair of bytes is a character. So a file whose mark is the other byte order's (``FF FE``
then big-endian text), two files of two byte orders joined (``cat``), or a UTF-8 line
appended to a UTF-16 file (``echo ... >> notes.txt`` on Windows) decoded as text of CJK
characters and was built as it (QA). Such parts show in the characters read:

- U+FFFE is no character: it is the other byte order's mark, read in this one;
- text of the alphabets (Latin, Greek, Cyrillic, Hebrew, Arabic: U+0000 to U+06FF) in the
  other byte order reads as characters whose low byte is 0 to 6, with its spaces as
  U+2000 and its line feeds as U+0A00: eight such in a row, of three high bytes or more,
  with a space or line feed among them, are no text (text holds one such character in
  forty, and U+2000 hardly ever);
- bytes of a one-byte encoding or of UTF-8 read as UTF-16 are found as they are, at the
  end of the file, where they were appended: each 12 characters of the run of characters
  ending the text whose bytes are those of text (no NUL or control byte), taken as
  UTF-8, that read as text of words (spaces or line breaks between them, letters, no
  character over a quarter of them). UTF-16 of Chinese or Japanese, so taken, is no
  valid UTF-8; hiragana (U+3041 to U+307E, both bytes ASCII) read as every other byte
  "0" (QA: a check of ASCII bytes alone took Japanese for them).
"""

from __future__ import annotations

import re
from collections import Counter, deque
from functools import cache

#: The bytes of ASCII-range text: tab, line feed, carriage return and the printable ones.
_ASCII_TEXT = (0x09, 0x0A, 0x0D, *range(0x20, 0x7F))
#: A run of characters of the other byte order, and the part of the text judged at once
#: as bytes of another encoding.
_SWAPPED_RUN = 8
_CHUNK = 12


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    highs = [high for high in range(256) if not 0xD8 <= high <= 0xDF]  # (no surrogates)
    swapped = "".join(f"{re.escape(chr(high << 8))}-{re.escape(chr(high << 8 | 6))}"
                      for high in highs)
    # the bytes of text: ASCII text, or any byte of a code page or UTF-8 (0x80 to 0xFF)
    text_bytes = "".join(
        f"{re.escape(chr(high << 8 | low))}-{re.escape(chr(high << 8 | top))}"
        for high in highs if high in _ASCII_TEXT or high >= 0x80
        for low, top in ((0x09, 0x0A), (0x0D, 0x0D), (0x20, 0x7E), (0x80, 0xFF)))
    return (re.compile(f"[{swapped}]{{{_SWAPPED_RUN},}}"),
            re.compile(f"[{text_bytes}]{{{_CHUNK},}}"))


def misread_part(text: str, encoding: str) -> tuple[int, str] | None:
    """Where ``text``, read as ``encoding`` (UTF-16 of one byte order, from its mark),
    holds what is not UTF-16 of that order, and what it is (words that follow "it
    holds"); or None."""
    other = "utf-16-be" if encoding == "utf-16-le" else "utf-16-le"
    at = text.find("\ufffe")
    if at != -1:
        return at, (f"U+FFFE, which is no character but the byte order mark of {other} read "
                    f"as {encoding}: it joins texts of two byte orders")
    swapped, text_bytes = _patterns()
    for run in swapped.finditer(text):
        found = run.group()
        if ("\u2000" in found or "\u0a00" in found) \
                and len({ord(char) >> 8 for char in found}) >= 3:
            sample = found[:12].encode(encoding).decode(other)
            return run.start(), (f"text of the other byte order ({other}: {sample!r} read "
                                 f"as {found[:6]!r}...), so its byte order mark is not the "
                                 "one of all its text")
    appended = _appended_run(text, text_bytes)
    if appended is not None:
        found = appended.group()
        raw = found.encode(encoding)  # once: each chunk is a slice of it
        last = len(found) - _CHUNK
        for start in sorted({*range(0, last + 1, _CHUNK), last}):
            chunk = found[start:start + _CHUNK]
            read = _as_text(raw[2 * start:2 * (start + _CHUNK)])
            if read is not None:
                return appended.start() + start, (
                    f"bytes of a one-byte encoding or UTF-8 ({read[:24]!r} read as "
                    f"{chunk[:6]!r}...), joined to its UTF-16 text")
    return None


def _appended_run(text: str, text_bytes: re.Pattern[str]) -> re.Match[str] | None:
    """The run of ``text_bytes`` (characters whose two bytes are bytes of text) that ends
    ``text``, or None: where bytes of another encoding appended to a UTF-16 file are.

    Such text holds no NUL byte, so none of its code units is a line break of UTF-16
    (0A 00 little-endian, 00 0A big-endian, at an even offset), an ASCII character or
    any U+xx00: read as UTF-16 it is one run of such characters, to the end of the file.
    A run that something else follows is UTF-16 text, whatever its bytes read as, and a
    text that ends in a line break has no run at its end: it is never judged so (QA:
    Chinese holding 上, 0A 4E in UTF-16-LE, whose bytes read as words with line feeds
    between them, was refused in one text in 8,000). Text of another encoding joined in
    the middle, with UTF-16 text after it, is not found."""
    last = deque(text_bytes.finditer(text), maxlen=1)  # the last run alone
    return last[0] if last and last[0].end() == len(text) else None


def _as_text(data: bytes) -> str | None:
    """``data`` as UTF-8 if it reads as text of words (at most two bytes cut at its ends),
    else None."""
    if data.count(b" ") + data.count(b"\n") < 2:  # (most chunks of genuine text: at once)
        return None
    read = data.decode("utf-8", errors="replace")
    if read.count("\ufffd") > 2:
        return None
    spaces = sum(read.count(space) for space in (" ", "\n"))
    letters = sum(char.isalpha() for char in read)
    most = Counter(read).most_common(1)[0][1]
    if spaces >= 2 and letters * 2 >= len(read) and most * 4 <= len(read) \
            and len(_WORD_GAP.findall(read)) >= 2:
        return read
    return None


#: Two words: a letter, a space or line feed, a letter; a chunk of text holds two such
#: gaps. UTF-16 of Chinese holding "……" (U+2026: a byte 0x20) or 上 (U+4E0A: a byte
#: 0x0A) read as bytes of text has its spaces beside "&", or one gap by chance (QA: one
#: such text in a hundred was refused, then one in 4,000; one in 8,000 now, and no line of
#: text appended in the tests, UTF-8 or a code page, is missed).
_WORD_GAP = re.compile(r"[^\W\d_][^\w\s]*[ \n]+[^\W\d_]")
