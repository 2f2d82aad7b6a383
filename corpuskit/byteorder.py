"""A file with a UTF-16 byte order mark whose text is not all UTF-16 of that order.

The mark decides the codec, and decoding UTF-16 fails only on a lone surrogate: any other
pair of bytes is a character. So a file whose mark is the other byte order's (``FF FE``
then big-endian text), two files of two byte orders joined (``cat``), or a UTF-8 line
appended to a UTF-16 file (``echo ... >> notes.txt`` on Windows) decoded as text of CJK
characters and was built as it (QA). Such parts show in the characters read:

- ASCII-range text in the other byte order reads as characters whose low byte is NUL
  and whose high byte is ASCII (``H`` as U+4800); eight in a row with a space or line
  break among them (U+2000, U+0A00) are no text (an ideographic space, U+3000, is such a
  character, and text may hold eight of them in a row, but not with U+2000);
- ASCII or UTF-8 bytes read as UTF-16 give characters both of whose bytes are ASCII
  (``He`` as U+6548); sixteen in a row, two of whose bytes are spaces or line breaks,
  are no text (in Chinese, about one character in five is such; in Japanese most
  hiragana are, but a space or line break among their bytes is a rare character);
- U+FFFE is no character: it is the other byte order's mark, read in this one.
"""

from __future__ import annotations

import re
from functools import cache

#: The bytes of ASCII-range text: tab, line feed, carriage return and the printable ones.
_ASCII_TEXT = (0x09, 0x0A, 0x0D, *range(0x20, 0x7F))
#: The runs :func:`misread_part` takes for misread bytes.
_SWAPPED_RUN = 8
_ASCII_RUN = 16


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    swapped = "".join(re.escape(chr(high << 8)) for high in _ASCII_TEXT)
    ranges = "".join(f"{re.escape(chr(high << 8 | 0x20))}-{re.escape(chr(high << 8 | 0x7E))}"
                     + "".join(re.escape(chr(high << 8 | low)) for low in (0x09, 0x0A, 0x0D))
                     for high in _ASCII_TEXT)
    return (re.compile(f"[{swapped}]{{{_SWAPPED_RUN},}}"),
            re.compile(f"[{ranges}]{{{_ASCII_RUN},}}"))


def misread_part(text: str, encoding: str) -> tuple[int, str] | None:
    """Where ``text``, read as ``encoding`` (UTF-16 of one byte order, from its mark),
    holds what is not UTF-16 of that order, and what it is (words that follow "it
    holds"); or None."""
    other = "utf-16-be" if encoding == "utf-16-le" else "utf-16-le"
    at = text.find("\ufffe")
    if at != -1:
        return at, (f"U+FFFE, which is no character but the byte order mark of {other} read "
                    f"as {encoding}: it joins texts of two byte orders")
    swapped, ascii_pairs = _patterns()
    found = next((run for run in swapped.finditer(text)
                  if "\u2000" in run.group() or "\u0a00" in run.group()), None)
    if found is not None:
        sample = found.group()[:12].encode(encoding).decode(other)
        return found.start(), (f"text of the other byte order ({other}: {sample!r} read "
                               f"as {found.group()[:6]!r}...), so its byte order mark is "
                               "not the one of all its text")
    found = next((run for run in ascii_pairs.finditer(text)
                  if sum(_spaces(char) for char in run.group()) >= 2), None)
    if found is not None:
        sample = found.group()[:12].encode(encoding).decode("latin-1")
        return found.start(), (f"bytes of a one-byte encoding or UTF-8 ({sample!r} read "
                               f"as {found.group()[:6]!r}...), joined to its UTF-16 text")
    return None


def _spaces(char: str) -> int:
    """The bytes of ``char`` (a UTF-16 code unit) that are a space or a line feed."""
    code = ord(char)
    return ((code >> 8) in (0x20, 0x0A)) + ((code & 0xFF) in (0x20, 0x0A))
