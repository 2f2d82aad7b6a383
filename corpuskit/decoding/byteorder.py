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
  "0" (QA: a check of ASCII bytes alone took Japanese for them);
- bytes of a code page's letters, of UTF-8 Chinese, a short line or a line break alone,
  which read as no words of 12 characters, where that run holds a character no text
  holds (private use, unassigned, half of a surrogate pair: an accented letter as the
  high byte, CR LF as U+0A0D) and its bytes read as UTF-8 or a listed one-byte code page
  (:func:`_joined_at_end`: a code page's one or two words where they begin a line, QA
  s79); and where the file's length is odd, a line of text before its last byte: bytes
  appended, not a file cut short (QA s78).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, deque
from functools import cache

from .plausibility import assess

#: The bytes of ASCII-range text: tab, line feed, carriage return and the printable ones.
_ASCII_TEXT = (0x09, 0x0A, 0x0D, *range(0x20, 0x7F))
#: A run of characters of the other byte order, and the part of the text judged at once
#: as bytes of another encoding.
_SWAPPED_RUN = 8
_CHUNK = 12


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    highs = [high for high in range(256) if not 0xD8 <= high <= 0xDF]  # (no surrogates)
    swapped = "".join(f"{re.escape(chr(high << 8))}-{re.escape(chr(high << 8 | 6))}"
                      for high in highs)
    # the bytes of text: ASCII text, or any byte of a code page or UTF-8 (0x80 to 0xFF);
    # a lone surrogate too (read with "surrogatepass"), which a code page's letter makes
    # (cp1251's Ш to Я are D8 to DF): strict UTF-16 decoding never gives one
    text_bytes = "".join(
        f"{re.escape(chr(high << 8 | low))}-{re.escape(chr(high << 8 | top))}"
        for high in range(256) if high in _ASCII_TEXT or high >= 0x80
        for low, top in ((0x09, 0x0A), (0x0D, 0x0D), (0x20, 0x7E), (0x80, 0xFF)))
    return (re.compile(f"[{swapped}]{{{_SWAPPED_RUN},}}"),
            re.compile(f"[{text_bytes}]{{{_CHUNK},}}"), re.compile(f"[{text_bytes}]"))


def misread_part(text: str, encoding: str, tail: bytes = b"",
                 encodings: tuple[str, ...] = ()) -> tuple[int, str] | None:
    """Where ``text``, read as ``encoding`` (UTF-16 of one byte order, from its mark),
    holds what is not UTF-16 of that order, and what it is (words that follow "it
    holds"); or None. ``tail``: an odd byte after ``text`` (the file's last), and
    ``encodings``: the code pages bytes appended to it may be in (see
    :func:`_joined_at_end`); ``text`` may hold lone surrogates ("surrogatepass")."""
    other = "utf-16-be" if encoding == "utf-16-le" else "utf-16-le"
    at = text.find("\ufffe")
    if at != -1:
        return at, (f"U+FFFE, which is no character but the byte order mark of {other} read "
                    f"as {encoding}: it joins texts of two byte orders")
    swapped, text_bytes, text_char = _patterns()
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
        raw = found.encode(encoding, "surrogatepass")  # once: each chunk is a slice of it
        last = len(found) - _CHUNK
        for start in sorted({*range(0, last + 1, _CHUNK), last}):
            chunk = found[start:start + _CHUNK]
            read = _as_text(raw[2 * start:2 * (start + _CHUNK)])
            if read is not None:
                return appended.start() + start, (
                    f"bytes of a one-byte encoding or UTF-8 ({read[:24]!r} read as "
                    f"{chunk[:6]!r}...), joined to its UTF-16 text")
    # ... else a run of any length: a short line or a line break alone (QA s78)
    start = appended.start() if appended is not None else len(text)
    while start > len(text) - _CHUNK and start and text_char.fullmatch(text[start - 1]):
        start -= 1
    return _joined_at_end(text, start, encoding, tail, encodings)


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


#: Categories of characters no text holds: private use, unassigned, and a half of a
#: surrogate pair alone. Bytes of a code page or UTF-8 read as UTF-16 give them (an
#: accented letter, a Cyrillic one or a UTF-8 lead byte as the high byte: U+E000 to U+F8FF;
#: CR LF as U+0A0D), UTF-16 text next to never (QA s78: a Latin-1, cp1251 or UTF-8
#: Chinese line, a bare CRLF or "Build OK" CRLF appended built as such characters).
_NO_TEXT = frozenset({"Co", "Cn", "Cs"})
#: How far before the first such character of the run ending a text appended bytes are
#: looked for (in characters): a line appended holds them from its first letter beyond
#: ASCII, or its line break; a longer ASCII line is found in any part of it all the same.
_LOOK_BACK = 64


def _joined_at_end(text: str, run: int, encoding: str, tail: bytes,
                   encodings: tuple[str, ...]) -> tuple[int, str] | None:
    """Where bytes of a one-byte encoding or UTF-8 appended to ``text`` (read as
    ``encoding``; ``tail``, an odd byte at the end of the file) begin, and what they read
    as, when no part of them reads as words (:func:`_as_text`: a code page's accented
    letters, UTF-8 Chinese, a short line, a bare line break): the run ending the text
    (from character ``run``) holds a character no text holds (:data:`_NO_TEXT`), or the
    file's length is odd, and from some character of the run (up to that character) to
    the end its bytes read as text in UTF-8 or a one-byte code page of ``encodings``
    (:func:`_read_as_text`). An odd length alone is a file cut short, unless those bytes
    read as words or a line (:func:`_a_line`: "note added" LF was told it was cut short)."""
    found = text[run:]
    if tail and tail[0] not in _ASCII_TEXT and tail[0] < 0x80:  # (a NUL: a UTF-16 unit cut)
        tail = b""
    if not found:
        return None
    first = next((at for at, char in enumerate(found)
                  if unicodedata.category(char) in _NO_TEXT), None)
    raw = found.encode(encoding, "surrogatepass") + tail
    if first is None and not found[-1:].encode(encoding, "surrogatepass").strip(b"\r\n"):
        first = len(found) - 1  # CR LF is U+0D0A big-endian, a letter (ഊ): appended
    if first is None and not tail:
        return None
    last = len(found) - 1 if first is None else first
    # A line appended with ``echo`` begins after the text's last line break: there a code
    # page's one or two words are enough (QA s79: Latin-1 "Café" CR LF after a line of
    # Chinese was built as U+6143 U+E966 U+0A0D, and "Café" LF told it was cut short)
    begins_line = run > 0 and text[run - 1] in "\n\r"
    ends_oddly = not tail and unicodedata.category(found[-1]) in _NO_TEXT
    for start in range(max(0, last - _LOOK_BACK), last + 1):
        read = _read_as_text(raw[2 * start:], encodings,
                             begins_line and start == 0, ends_oddly)
        if read is not None and (first is not None or _a_line(read)):
            return run + start, (
                f"bytes of a one-byte encoding or UTF-8 ({read[:24]!r} read as "
                f"{found[start:start + 6]!r}...), joined to its UTF-16 text")
    return None


def _read_as_text(data: bytes, encodings: tuple[str, ...], begins_line: bool = False,
                  ends_oddly: bool = False) -> str | None:
    """``data`` as text: UTF-8 with no control character but a tab or line break, line
    breaks alone or a line (:func:`_a_line`), or else in the first one-byte code page of
    ``encodings`` that reads it as words (:func:`_words`; where ``data`` begins a line,
    one or two words are enough, :func:`_few_words`, told whether the last character
    read as UTF-16 is one no text holds, ``ends_oddly``) none of which is implausible,
    no tab or lone CR among them; or None. (Any bytes read in a code page; a few
    characters of UTF-16 Chinese read as a short "word", ``Gò`N``, and Chinese holding a
    private-use character was refused, one text in 30.)"""
    try:
        read = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:  # a line, or line breaks alone
        return read if read.translate(_LINE_BREAKS).isprintable() \
            and (not read.strip() or _a_line(read)) else None
    for code_page in encodings:
        if not _one_byte(code_page):
            continue
        try:
            read = data.decode(code_page)
        except (UnicodeDecodeError, LookupError):
            continue
        if "\t" not in read and _LONE_CR.search(read) is None \
                and read.translate(_LINE_BREAKS).isprintable() \
                and (_words(read) or (begins_line and _few_words(read, ends_oddly))) \
                and assess(read).implausibility == 0:
            return read
    return None


#: Line breaks and tabs, which text holds and ``str.isprintable`` refuses, made spaces.
_LINE_BREAKS = str.maketrans("\n\r\t", "   ")
#: A carriage return that begins no CR LF. Neither it nor a tab is in a line of a code page
#: appended with ``echo``; UTF-16 Chinese's bytes hold both (``）`` is 09 FF, ``不`` 0D 4E).
_LONE_CR = re.compile("\r(?!\n)")


@cache
def _one_byte(code_page: str) -> bool:
    """Whether ``code_page`` reads each byte as one character (not a CJK one of two)."""
    try:
        return len(bytes(range(0x80, 0x100)).decode(code_page, "replace")) == 0x80
    except LookupError:
        return False


def _words(read: str) -> bool:
    """Whether ``read`` is words: three at least, and three in four of its pieces between
    white space letters, with marks at their ends and an apostrophe or hyphen inside
    (:data:`_A_WORD`). The plausibility of words does not judge ASCII signs inside them:
    Chinese read in cp1252 as ``SÌ–Áå=QÌ`` passed it (a few characters of UTF-16 Chinese
    holding a private-use one were taken for a code page's line, one text in 500)."""
    pieces = read.split()
    words = sum(_A_WORD.fullmatch(piece) is not None for piece in pieces)
    return words >= 3 and 4 * words >= 3 * len(pieces)


def _few_words(read: str, ends_oddly: bool) -> bool:
    """Whether ``read``, bytes that begin a line, are a line of one or two words: letters
    (an apostrophe or hyphen inside, a stop or comma after them) and nothing else, then a
    line break (``Café`` CR LF), or no line break where the last character read as UTF-16
    is one no text holds (``ends_oddly``: ``Café`` is U+6143 U+E966) and most letters
    are ASCII, as in a line of a Latin code page. (A last line of a few hanzi and a
    private-use character, their bytes read as ``Cfâð-n`` or ``Aàt—``, was taken for such
    a line with marks beside its letters or no line break asked, one such text in 80; one
    in 40,000, as before, so.)"""
    pieces = read.split()
    if not 0 < len(pieces) <= 2 or not all(_A_LETTERS_WORD.fullmatch(piece)
                                           for piece in pieces):
        return False
    if read.endswith(("\n", "\r")):
        return True
    letters = [char for char in read if char.isalpha()]
    return ends_oddly and 2 * sum(char.isascii() for char in letters) > len(letters)


#: A word of letters alone: an apostrophe or hyphen inside, a stop or comma after it.
_A_LETTERS_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*[.,;:!?]?")


#: A word of text: letters, marks before and after them, an apostrophe or hyphen inside.
_A_WORD = re.compile(r"[^\w\s]*[^\W\d_]+(?:['’-][^\W\d_]+)*[^\w\s]*")


def _a_line(read: str) -> bool:
    """Whether ``read``, bytes that end a file of odd length, are a line of text rather
    than the last characters of a UTF-16 text cut short: two letters at least, and words
    (:data:`_WORD_GAP`) or a line break at the end."""
    return sum(char.isalpha() for char in read) >= 2 \
        and (_WORD_GAP.search(read) is not None or read.endswith(("\n", "\r")))
