"""Stage 2, decode: raw bytes to text, with the codec recorded so anyone can replay it.

Order: byte order mark → strict UTF-8 → the configured legacy code pages, the most
plausible reading of them (:mod:`corpuskit.decoding.codepages`, judged by
:mod:`corpuskit.decoding.plausibility` and the spelling rules of each script's module), looked at
once more when doubtful (:mod:`corpuskit.decoding.secondlook`: a code page that reads the file
clearly better is used if listed, else named in the refusal). Nothing is ever decoded with
replacement characters; binary data is refused.
"""

from __future__ import annotations

import codecs
import re
from typing import TYPE_CHECKING

from ..config import DecodeConfig
from ..gitlfs import LFS_FILE_ADVICE, is_lfs_pointer_data
from ..models import Decoded, DocumentProblem, RawDocument
from ..normalize import fix_encoding, looks_bad, mojibake_at
from ..problems import Problem
from ..wording import counted
from .byteorder import misread_part
from .iso2022 import iso2022_advice, iso2022_text
from .plausibility import (
    Judgement,
    assess,
    judge,
    miscased,
    miscased_throughout,
    odd_words,
    plausible,
    words_of,
)
from .refusal import BetterElsewhere, excerpt
from .utf8chance import by_chance, east_asian_elsewhere, east_asian_reading

if TYPE_CHECKING:
    from .codepagelanguages import Reading
    from .damagedreading import DamagedReading

# The legacy code pages' modules (codepagelanguages, codepages, damagedreading,
# hebrewspelling, secondlook with charset_normalizer) are imported by the functions that
# read a file that is not UTF-8, or UTF-8 only by chance: a process that decodes UTF-8
# only never imports them (about 18 ms of the pipeline's import).

#: (BOM, codec recorded, codec used) — UTF-32 before UTF-16: FF FE 00 00 starts with FF FE.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: The codecs recorded for a file that starts with a byte order mark.
_BOM_CODECS = frozenset(name for _, name in BOMS)
#: Share of control characters (other than tab, LF, CR, FF, VT and the information
#: separators FS, GS, RS, US) that marks a file as binary.
MAX_CONTROL_SHARE = 0.01


def decode_with(data: bytes, encoding: str) -> str:
    """Decode ``data`` with a recorded encoding name, strictly (used to replay a record)."""
    if encoding == "utf-8-sig" or encoding.startswith(("utf-16-", "utf-32-")):
        bom = next(b for b, name in BOMS if name == encoding)
        if not data.startswith(bom):
            raise UnicodeDecodeError(encoding, data[:4], 0, min(4, len(data)), "missing BOM")
        codec = "utf-8" if encoding == "utf-8-sig" else encoding
        return data[len(bom):].decode(codec, errors="strict")
    return data.decode(encoding, errors="strict")


#: The control characters that count towards a binary file. Not the information
#: separators FS, GS, RS and US (U+001C-U+001F), which delimit fields and records in
#: text (separator-breaks makes them line breaks and spaces): a short text of fields
#: separated by RS was refused as binary, two of 57 characters, where a longer one was
#: built (QA s95).
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x7f]")
#: The characters of _CONTROLS as UTF-8 bytes (each is one ASCII byte, and ASCII bytes
#: stand only for themselves in UTF-8).
_CONTROL_BYTES = bytes(range(0x00, 0x09)) + bytes(range(0x0e, 0x1c)) + b"\x7f"


#: Characters (or bytes) of a text looked at a time for control characters.
_CONTROLS_CHUNK = 1 << 20


def _has_controls(text: str, utf8: bytes | None = None) -> bool:
    """``_CONTROLS.search(text) is not None``, several times faster: deleting bytes from
    the UTF-8 form is a table look-up per byte, a regex class is tried per character.
    ``utf8``: that form already, when the text was decoded from it (no encoding again).
    A megabyte at a time (a control is one ASCII character, one byte: cut anywhere), so
    that a document of one long line is not copied whole, twice for a code page's."""
    whole: str | bytes = text if utf8 is None else utf8
    for start in range(0, len(whole), _CONTROLS_CHUNK):
        piece = whole[start:start + _CONTROLS_CHUNK]  # (all of a short one, not copied)
        encoded = piece.encode("utf-8", "surrogatepass") if isinstance(piece, str) else piece
        if len(encoded.translate(None, _CONTROL_BYTES)) != len(encoded):
            return True
    return False


def _looks_binary(text: str, utf8: bytes | None = None) -> bool:
    """Whether ``text`` holds a NUL or more than :data:`MAX_CONTROL_SHARE` control
    characters; ``utf8``: its UTF-8 form, when it was decoded from that."""
    # The NUL looked for in the UTF-8 form when at hand: U+0000 is byte 00 there and no
    # other character holds one, and a byte is found four times faster than a character
    # of a text of two-byte characters (0.28 against 1.06 µs, the kit's corpus).
    if (b"\x00" in utf8) if utf8 is not None else ("\x00" in text):
        return True
    if text.isprintable() or not _has_controls(text, utf8):
        return False
    return len(_CONTROLS.findall(text)) > MAX_CONTROL_SHARE * max(len(text), 1)


#: What to do with a file found binary, after its evidence.
REMOVE_BINARY = "remove it or exclude it with discover.exclude"


def _binary_evidence(data: bytes, decoded: tuple[str, str] | None) -> tuple[str, int, str]:
    """What made a file binary, for its message: where its first NUL is, or how many
    control characters it holds and where the first is; the line of either (as decoded,
    where it was); and what to do (a text in UTF-16 or UTF-32 without a byte order mark
    is to be saved again, not removed: QA)."""
    if decoded is None:  # a NUL byte, and no byte order mark
        nul = data.find(0)
        said = f"a NUL byte at byte {nul}"
        save = ("re-save it as UTF-8, or as {} with a byte order mark; or exclude it with "
                "discover.exclude")
        utf32 = _utf32_order(data)
        if utf32 is not None:
            if _ascii_utf32(data):
                how = "three bytes in four are NUL, as in"
                line = _line_number(data, nul)
            else:  # (QA s83 qa-decode F6: Japanese and Russian were told to remove it)
                how = "it reads as"
                read = data[:nul - nul % 4].decode(utf32, "replace")
                line = _line_number(read, len(read))
            return (f"{said}; {how} UTF-32 text without a byte order mark", line,
                    save.format("UTF-32"))
        order = _utf16_order(data)
        if order is not None:
            how = ("every other byte is NUL, as in" if _ascii_utf16(data)
                   else "it reads as")
            # The line as the text reads: a byte 0A of a character (《 is U+300A) is no
            # line break (QA s79: a one-line Chinese title was told "line 2")
            read = data[:nul - nul % 2].decode(order, "replace")
            return (f"{said}; {how} UTF-16 text without a byte order mark",
                    _line_number(read, len(read)), save.format("UTF-16"))
        return said, _line_number(data, nul), REMOVE_BINARY
    encoding, text = decoded
    found = text.find("\x00")
    if found < 0:
        first = _CONTROLS.search(text)
        found = first.start() if first is not None else 0
        count = len(_CONTROLS.findall(text))
        what = (f"{count} control characters in {len(text)}, over "
                f"{MAX_CONTROL_SHARE:.0%}; the first, U+{ord(text[found]):04X},")
    else:
        what = "a NUL character"
    line = _line_number(text, found)
    return f"{what} on line {line} as {encoding} reads it", line, REMOVE_BINARY


def _ascii_utf32(data: bytes) -> bool:
    """Whether NULs fill (nearly) three bytes in four of ``data``, as in ASCII-range text
    in UTF-32, little- or big-endian: each character's one non-NUL byte in one place."""
    sample = data[:4096]
    if len(sample) < 8:
        return False
    quarters = [sample[i::4] for i in range(4)]
    zeros = sorted(quarter.count(0) / len(quarter) for quarter in quarters)
    return zeros[0] <= 0.1 and zeros[1] >= 0.9


def _utf32_order(data: bytes) -> str | None:
    """The byte order (``utf-32-le`` or ``utf-32-be``) in which ``data`` (its first 4 KB)
    is UTF-32 text, or None: ASCII-range text (:func:`_ascii_utf32`), or text that reads
    in that order, four bytes a character, as text (:func:`_reads_as_text`). Text beyond
    Latin-1 has one NUL byte in four, not three: Japanese and Russian in UTF-32 without a
    byte order mark were told they held binary data, to remove (QA s83 qa-decode F6).
    Other data read so is no UTF-32: a value over U+10FFFF or a surrogate in a few
    characters, or controls."""
    sample = data[:4096]
    if _ascii_utf32(sample):
        return "utf-32-le" if sample[0::4].count(0) < sample[3::4].count(0) else "utf-32-be"
    sample = sample[:len(sample) - len(sample) % 4]
    if len(sample) < _UTF16_LEAST_BYTES:
        return None
    return next((order for order in ("utf-32-le", "utf-32-be")
                 if _reads_as_text(sample, order)), None)


def _utf16_order(data: bytes) -> str | None:
    """The byte order (``utf-16-le`` or ``utf-16-be``) in which ``data`` (its first 4 KB)
    is UTF-16 text, or None: NULs fill (nearly) every other byte and no other (ASCII-range
    text), or it reads in that order as text in which every character is printable, or a
    line break or tab (Cyrillic, Greek or Chinese text, whose characters have few NUL
    bytes: QA, the hint was given to French text only). Bytes of a binary file, read so,
    give unassigned or private-use characters, controls or lone surrogates."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    if _ascii_utf16(sample):  # the NULs of ASCII characters: high bytes
        return "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
    if len(data) % 2 or len(sample) < _UTF16_LEAST_BYTES:  # UTF-16 is pairs of bytes
        return None
    return next((order for order in ("utf-16-le", "utf-16-be")
                 if _reads_as_text(sample, order)), None)


def _ascii_utf16(data: bytes) -> bool:
    """Whether NULs fill (nearly) every other byte of ``data`` (its first 4 KB) and no
    other: ASCII-range text in UTF-16, little- or big-endian."""
    sample = data[:4096]
    if len(sample) < 4:
        return False
    halves = (sample[0::2], sample[1::2])
    zeros = [half.count(0) / len(half) for half in halves]
    return max(zeros) >= 0.9 and min(zeros) <= 0.1


def _reads_as_text(sample: bytes, order: str) -> bool:
    """Whether ``sample`` reads as ``order`` (UTF-16 or UTF-32, of a byte order) into
    printable text, line breaks and tabs, with at least :data:`_UTF16_LEAST_SPACES`
    spaces, line breaks or East Asian stops or commas (。、，) (a pair of surrogates cut at
    the sample's end is left out). Short runs of any bytes often read as printable
    Chinese characters (QA: a gzip file was told it read as UTF-16); text has spaces or
    line breaks, each a byte pair that other data rarely holds."""
    try:
        text = sample.decode(order)
    except UnicodeDecodeError as error:
        if error.start < len(sample) - 2:  # (UTF-32: a character of 4 bytes, never so)
            return False
        text = sample[:error.start].decode(order)
    # Chinese and Japanese put no spaces between words: their stops and commas count (QA
    # s78: a paragraph of Chinese without line breaks was told to be removed as binary)
    spaces = sum(text.count(space) for space in " \n\u3002\u3001\uff0c")
    return (spaces >= _UTF16_LEAST_SPACES or _han_text(text)) \
        and text.translate(_LINE_BREAKS_AND_TABS).isprintable()


def _han_text(text: str) -> bool:
    """Whether ``text`` is Chinese or Japanese of :data:`_UTF16_LEAST_HAN` hanzi at least,
    with kana, their punctuation and ASCII (digits, signs) alone beside them: a title
    needs no spaces or stops (QA s79: ``关于发布《2024年度数据开放计划》的通知`` was told to
    be removed as binary). Bytes of a binary file read as UTF-16 give such characters
    only by chance, fewer than one in two, and ASCII ones (a NUL byte beside each) hardly
    ever: 16 in a row, one time in a million."""
    return _HAN_TEXT.fullmatch(text) is not None \
        and len(_HAN.findall(text)) >= _UTF16_LEAST_HAN


#: Hanzi (CJK unified and compatibility ideographs, of any plane), and text of them:
#: hanzi, kana, CJK and full-width punctuation, ASCII, line breaks and tabs.
_HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
_HAN = re.compile(f"[{_HAN_RANGES}]")
_HAN_TEXT = re.compile(f"[{_HAN_RANGES}\u3000-\u30ff\uff00-\uffef\x20-\x7e\t\n\r]*")


#: The fewest bytes, and spaces or line breaks (or hanzi, :func:`_han_text`), a file must
#: hold for :func:`_utf16_order` to take it for UTF-16 text beyond ASCII.
_UTF16_LEAST_BYTES = 32
_UTF16_LEAST_SPACES = 2
_UTF16_LEAST_HAN = 8


#: Line breaks and tabs, which text holds and ``str.isprintable`` refuses, made spaces.
_LINE_BREAKS_AND_TABS = str.maketrans("\n\r\t", "   ")


def _line_of(data: bytes, offset: int) -> str:
    """The location of byte ``offset`` of ``data`` (ASCII-compatible): its line."""
    return f"line {_line_number(data, offset)}"


def _line_number(text: bytes | str, offset: int) -> int:
    """The line of ``text`` that ``offset`` is on; lines end at LF, CR or CRLF."""
    if isinstance(text, str):
        return text.count("\n", 0, offset) + text.count("\r", 0, offset) \
            - text.count("\r\n", 0, offset) + 1
    return text.count(b"\n", 0, offset) + text.count(b"\r", 0, offset) \
        - text.count(b"\r\n", 0, offset) + 1


def _not_utf8(data: bytes, start: int) -> str:
    """That ``data`` is not UTF-8, and where: the first byte that is not, and its line
    (a file of 50 MB with one Latin-1 byte was refused with no hint of where it was)."""
    line = _line_number(data, start)
    return f"not valid UTF-8 (byte {start:,}, on line {line:,}, is {data[start:start + 1]!r})"


#: A file that is not UTF-8 as a whole is taken for damaged UTF-8 when at least this many
#: characters beyond ASCII read as UTF-8, and this many times as many as the places that
#: do not, and its UTF-8 reads better than the code page's reading (:func:`_damaged_utf8`).
DAMAGED_UTF8_CHARACTERS = 2


def _damaged_utf8(data: bytes, legacy: Reading | None) -> str | None:
    """Why ``data``, which is not UTF-8 as a whole, is UTF-8 all the same but for a few bytes
    (cut short, a stray byte, a piece in another encoding), or None. In a code page that
    reads it, its UTF-8 characters come out as mojibake, which ftfy then repairs in part:
    a Russian text cut in its last character was kept half in Cyrillic and half in
    ``РїРѕРіРѕРґР°`` (QA), on one line, where :func:`_mixed_encodings` finds nothing, and a
    Greek one was told to add a code page that garbled it. A text in a code page is UTF-8
    only by chance, a character here and there (``Ні`` in cp1251), against a byte that is
    not for nearly every other character beyond ASCII; and where chance makes several
    (``NESCAFÉ®``, C9 AE: ``ɮ``, QA), the code page's reading (``legacy``, the best) reads
    no worse than the UTF-8 one: no more implausible words."""
    text = data.decode("utf-8", "surrogateescape")  # each byte that is not UTF-8: U+DCxx
    bad = len(data) - len(text.encode("utf-8", "ignore"))
    ascii_bytes = len(data) - len(data.translate(None, bytes(range(0x80))))
    utf8 = len(text) - ascii_bytes - bad  # characters beyond ASCII read as UTF-8
    if utf8 < DAMAGED_UTF8_CHARACTERS and b"\xed" not in data:
        # Too few to count against any number of places below, and no form of a surrogate
        # (ED A0-BF ..): no need to count them (a legacy file's reading, mostly).
        return None
    # The places that are not UTF-8 (a character cut short is one, of two or three bytes,
    # and so is the form of one that encodes none, whose every byte "replace" replaces).
    read = data.decode("utf-8", "replace")
    forms = _ILL_FORMED.findall(data)
    places = read.count("\ufffd") - data.count(b"\xef\xbf\xbd") \
        - sum(len(form) - 1 for form in forms)
    # Every byte that is not UTF-8 in the form UTF-8 would give a surrogate: bytes a code
    # page holds only as a letter and two symbols after it (cp1252's "í\xa0»"), which a
    # text of that code page has beside its other letters beyond ASCII, never alone.
    halves = [form for form in forms if form[0] == 0xED]
    surrogates = bool(halves) and bad == 3 * len(halves)
    if not bad or (not surrogates and utf8 < DAMAGED_UTF8_CHARACTERS * max(places, 1)):
        return None
    if legacy is not None:
        legacy_odd = assess(legacy.text).implausibility
        utf8_odd = assess(read.replace("\ufffd", " ")).implausibility
        if legacy_odd < utf8_odd or (legacy_odd == utf8_odd and not surrogates):
            return None
    if surrogates:
        what = ("the form UTF-8 would give half of a UTF-16 surrogate pair"
                 if len(halves) == 1 else
                 f"{len(halves)} forms UTF-8 would give halves of UTF-16 surrogate pairs")
        elsewhere = (f"; if it is text in {legacy.encoding}, where the first reads "
                     f"{halves[0].decode(legacy.encoding)!r}, convert it to UTF-8"
                     if legacy is not None and not _SURROGATE_PAIR.search(data) else "")
        return (f"though the rest of it is UTF-8: the bytes that are not are {what}, "
                "which UTF-8 never holds (CESU-8 and Java's modified UTF-8 write a "
                "character past U+FFFF, such as an emoji, as two such halves); save it as "
                "UTF-8 again with a tool that writes each such character as one piece of "
                f"four bytes{elsewhere}")
    those = "that byte" if bad == 1 else "those bytes"
    return (f"though the rest of it is UTF-8 ({counted(utf8, 'character')} beyond ASCII "
            f"read as UTF-8, against {counted(bad, 'byte')} that "
            f"{'does' if bad == 1 else 'do'} not): a UTF-8 file cut short or damaged there, "
            "or holding a piece in another encoding, comes out garbled in any code page; "
            f"restore the file from where it came, or correct {those} and keep it UTF-8")


def _repaired_whole(data: bytes, legacy: Reading | None) -> bool:
    """Whether the code page ``legacy`` read the file that :func:`_damaged_utf8` found
    UTF-8 but for a few bytes as mojibake that normalization repairs whole: into the text
    it holds as UTF-8, each of those bytes read in that code page (a UTF-8 file with one
    cp1252 quote in it, ``C\\x92est``, comes out as ``C’est`` and the rest as written)."""
    if legacy is None:
        return False
    if _CUT_CHARACTER.search(data) or _ILL_FORMED.search(data):  # no stray bytes, either
        return False
    text = data.decode("utf-8", "surrogateescape")
    try:
        meant = _ESCAPED_BYTE.sub(
            lambda byte: bytes([ord(byte.group()) - 0xDC00]).decode(legacy.encoding), text)
    except UnicodeDecodeError:  # a byte that code page reads only with others
        return False
    # ... and no mojibake is left in what it holds (QA: "â€" of a "’" cut short, before
    # cut characters were refused above).
    repaired = fix_encoding(meant)
    if fix_encoding(legacy.text) != repaired or looks_bad(repaired):
        return False
    # ... and the bytes so read fit in as text: a byte changed in a word ("Straße" with
    # C3 9F made A9 9F came out "Stra©Ÿe", QA) reads worse than the word without them.
    without = _ESCAPED_BYTE.sub(" ", text)
    return assess(repaired).implausibility <= assess(without).implausibility


#: A byte that is not UTF-8, as ``surrogateescape`` decodes it.
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
#: A byte that begins a UTF-8 character of two, three or four bytes, not followed by as
#: many continuation bytes: a character cut short (or a code page's letter; the two cannot
#: be told apart). A stray byte of a code page that begins no character (``\x92``, ``’`` in
#: cp1252) is one a repair may keep; a cut character becomes a letter that was never
#: written (``mang\xc3 une`` repaired to ``mangà une``, QA).
_CUT_CHARACTER = re.compile(rb"[\xc2-\xdf](?![\x80-\xbf])|[\xe0-\xef](?![\x80-\xbf]{2})"
                            rb"|[\xf0-\xf4](?![\x80-\xbf]{3})")

#: Bytes in the form of a UTF-8 character, a first byte and its continuation bytes, that
#: encode none: an overlong form (C0 or C1; E0 then 80-9F; F0 then 80-8F), a surrogate (ED
#: then A0-BF: CESU-8 writes the two halves of a character past U+FFFF so, Java's "modified
#: UTF-8" too), a code point past U+10FFFF (F4 then 90-BF; F5-F7). UTF-8 damaged or
#: written by a program that encodes otherwise, never stray bytes of a code page: read in
#: cp1252, ED A0 80 of a French UTF-8 text came out ``í\xa0€`` and was built (QA).
#: Written as the first byte of any form, then the rest of the form that byte begins (each
#: form's first bytes are its own): a pattern that begins with a set of bytes is scanned for
#: them in C, where one of six alternatives was tried at every byte (35 µs a legacy file
#: of the kit's, 14 µs so; the same matches: ``tests/test_decode_fast_paths.py``).
_ILL_FORMED = re.compile(rb"[\xc0\xc1\xe0\xed\xf0\xf4-\xf7]"
                         rb"(?:(?<=[\xc0\xc1])[\x80-\xbf]|(?<=\xe0)[\x80-\x9f][\x80-\xbf]"
                         rb"|(?<=\xed)[\xa0-\xbf][\x80-\xbf]|(?<=\xf0)[\x80-\x8f][\x80-\xbf]{2}"
                         rb"|(?<=\xf4)[\x90-\xbf][\x80-\xbf]{2}|(?<=[\xf5-\xf7])[\x80-\xbf]{3})")

#: UTF-8's forms of a UTF-16 surrogate pair, a high half then a low one: CESU-8's form of
#: one character past U+FFFF, never six bytes of a code page's text.
_SURROGATE_PAIR = re.compile(rb"\xed[\xa0-\xaf][\x80-\xbf]\xed[\xb0-\xbf][\x80-\xbf]")

#: A UTF-8 character begun by the last bytes of a file and cut short by its end.
_CUT_AT_END = re.compile(rb"(?:[\xc2-\xdf]|[\xe0-\xef][\x80-\xbf]?|[\xf0-\xf4][\x80-\xbf]{0,2})\Z")


#: A byte UTF-8 writes only after a character's first byte (80-BF) where none can own it,
#: after an ASCII byte or at the start, then a byte that begins a UTF-8 character: a sign
#: of the code page's own before one of its letters (cp1252's ``»Ü``, BB DC), which no
#: UTF-8 character cut short makes (that would take its first byte lost as well).
_STRAY_SIGN = re.compile(rb"(?<![\x80-\xff])[\x80-\xbf](?=[\xc2-\xf4])")


def _made_by_stray_signs(data: bytes, encoding: str) -> bool:
    """Whether the mojibake the single-byte code page ``encoding`` reads in ``data`` is
    made by :data:`_STRAY_SIGN` bytes, a sign such as ``»`` before a letter beyond ASCII,
    not by UTF-8 characters cut short: the reading with them replaced shows none (QA s82
    decode2 1: German quoting ``»Überblick«`` in cp1252, Czech ``»Čeština«`` in cp1250,
    Lithuanian ``»Šiauliai«``, Turkish ``»Şehir«``, were refused as UTF-8 damaged there,
    their code page listed alone, though the files held no UTF-8)."""
    from .codepagelanguages import multibyte

    if multibyte(encoding) or not _STRAY_SIGN.search(data):  # (its bytes go in pairs)
        return False
    try:
        unsigned = decode_with(_STRAY_SIGN.sub(b"?", data), encoding)
    except UnicodeDecodeError:  # (never: the code page read each byte alone, and "?" too)
        return False
    return not looks_bad(unsigned)


#: A whole UTF-8 character of two to four bytes right beside one cut short (either side):
#: ``\xc2\xbb\xc3b``, a ``»`` then an ``Ü`` that lost its second byte. A code page's text
#: has it only where a letter's byte and a sign's make a UTF-8 character by chance beside
#: another letter whose byte begins one: 6 of the system's 632,556 messages in cp1252,
#: cp1250, ISO-8859-2, cp1254 and cp1257 (``CZĘŚĆ``, ``BĚŽÍ``), none read as mojibake.
_WHOLE_CHARACTER = (rb"(?:[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                    rb"|[\xf0-\xf4][\x80-\xbf]{3})")
_WHOLE_BESIDE_CUT = re.compile(rb"%s(?:%s)|(?:%s)%s" % (
    _WHOLE_CHARACTER, _CUT_CHARACTER.pattern, _CUT_CHARACTER.pattern, _WHOLE_CHARACTER))


def _made_beside_whole_characters(data: bytes, encoding: str) -> bool:
    """Whether the mojibake the code page ``encoding`` reads in ``data`` is made by UTF-8
    characters cut short and whole ones right beside them: the reading with both replaced
    shows none (QA s82 fix-decodemisc 1: ``Titel \\xc2\\xbb\\xc3berblick``, UTF-8 whose
    ``Ü`` after a ``»`` lost its second byte, was built in cp1252 as ``Â»Ãberblick``, exit
    0: with the cut ``Ã`` alone replaced, the whole ``»``'s ``Â»`` is mojibake still, and
    one whole character is too few for :func:`_damaged_utf8` to count the file UTF-8)."""
    if not _WHOLE_BESIDE_CUT.search(data):
        return False
    try:
        without = decode_with(_CUT_CHARACTER.sub(b"?", _WHOLE_BESIDE_CUT.sub(b"?", data)),
                              encoding)
    except UnicodeDecodeError:  # a byte that code page reads only with those replaced
        return False
    return not looks_bad(without)


def _cut_characters_repaired(data: bytes, encoding: str, text: str) -> tuple[str, str] | None:
    """Why the code page ``encoding``'s reading ``text`` of ``data`` is no text, and the
    line where it shows, or None: it holds mojibake made of UTF-8 characters cut short,
    which the repair of mojibake turns into letters never written (``Le caf\\xc3 est bon``
    reads ``cafÃ est`` in cp1252, and ftfy makes that ``cafà``; QA) or leaves as it is
    (``Le caf\\xe2\\x80``: ``cafâ€``). With no UTF-8 character left whole,
    :func:`_damaged_utf8` has nothing to count; the sign is that the reading looks like
    mojibake with the cut characters' first bytes and not without them. A code page's own
    letter there (``caf\\xe9``, ``é`` in cp1252) makes no mojibake."""
    at = mojibake_at(text)
    if at < 0 or not _CUT_CHARACTER.search(data):
        return None
    try:
        without = decode_with(_CUT_CHARACTER.sub(b"?", data), encoding)
    except UnicodeDecodeError:  # a byte that code page reads only with the one replaced
        return None
    if (looks_bad(without) and not _made_beside_whole_characters(data, encoding)) \
            or _made_by_stray_signs(data, encoding):
        return None
    repaired = fix_encoding(text)
    made = ", which no repair makes text"
    if repaired != text:
        at = next((place for place, (was, now) in enumerate(zip(text, repaired, strict=False))
                   if was != now), min(len(text), len(repaired)))
        made = (", which the repair of mojibake would make into letters never written "
                f"({_word_at(repaired, at)!r})")
    return (f"read in {encoding}, UTF-8 characters cut short come out as mojibake "
            f"({_word_at(text, at)!r}){made}: a UTF-8 file damaged there; restore the file "
            "from where it came, or correct those bytes and keep it UTF-8",
            f"line {_line_number(text, at)}")


def _sound_elsewhere(data: bytes, chosen: Reading, sound: Reading) -> str:
    """Why a file is refused that the code page ``chosen`` reads as UTF-8 characters cut
    short and ``sound``'s, which is not listed, reads as text
    (:func:`~corpuskit.decoding.secondlook.sound_reading`), and what to do: not to restore a sound
    file (QA s81 decodelong 8)."""
    from .codepagelanguages import addable_code_pages

    name = addable_code_pages()[sound.encoding]
    return (f"{chosen.encoding} reads it as {excerpt(data, chosen.text, chosen.encoding)!r}, "
            "mojibake such as UTF-8 characters cut short make, but its bytes are no UTF-8: "
            f"in {name} it reads as {excerpt(data, sound.text, sound.encoding)!r}: if that is its "
            f"code page, add \"{name}\" to decode.fallback_encodings in corpus.toml, or "
            "re-save it as UTF-8")


def _damage_told(damaged: DamagedReading, chosen: Reading, data: bytes) -> str:
    """What to say of a file :func:`~corpuskit.decoding.damagedreading.damaged_code_page` found."""
    them = "that byte" if damaged.bytes_undefined == 1 else "those bytes"
    return (f"{damaged.encoding} reads it as text in a language it is made for "
            f"({excerpt(data, damaged.text, damaged.encoding)!r}) but for "
            f"{counted(damaged.bytes_undefined, 'byte')} it does "
            f"not define (the first, {data[damaged.first:damaged.first + 1]!r}, is byte "
            f"{damaged.first:,}), which {chosen.encoding} "
            f"reads, with the rest, as {excerpt(data, chosen.text, chosen.encoding)!r}, in no "
            f"language it is made for: a {damaged.encoding} file damaged there; correct "
            f"{them}, or re-save the file as UTF-8")


def _damage_problem(path: str, data: bytes, legacy: Reading, config: DecodeConfig,
                    not_utf8: str, at: str) -> Problem | None:
    """The problem of a file a listed code page reads in its language but for a few bytes
    it does not define (:func:`~corpuskit.decoding.damagedreading.damaged_code_page`), ``legacy``
    being the reading chosen, in no language of its own; or of one that mixes encodings, as that
    code page shows (it may not show in ``legacy``'s); else None."""
    from .damagedreading import damaged_code_page

    torn = damaged_code_page(data, legacy, config)
    if torn is None:
        return None
    mixed = _mixed_encodings(data, torn.encoding)
    if mixed is not None:
        return Problem(path, "undecodable", f"{not_utf8}; it {mixed}", at)
    return Problem(path, "undecodable", f"{not_utf8}, and {_damage_told(torn, legacy, data)}",
                   _line_of(data, torn.first))


def _word_at(text: str, at: int) -> str:
    """The word of ``text`` that holds character ``at`` (at most 40 characters of it)."""
    start = max(text.rfind(" ", 0, at), text.rfind("\n", 0, at)) + 1
    ends = [end for end in (text.find(" ", at), text.find("\n", at)) if end >= 0]
    word = text[start:min(ends, default=len(text))]
    return word if len(word) <= 40 else word[:40] + "..."


def _cut_at_end(data: bytes) -> str | None:
    """What to do with ``data`` if it is UTF-8 but for a character its end cuts short
    (``Le caf\\xc3``), or None. Such a file was told to add a code page that reads the
    cut byte as a letter (cp1255's point in ``Le cafֳ``); asked only once no listed code
    page has read the file as text."""
    cut = _CUT_AT_END.search(data)
    if cut is None or not cut.start():
        return None
    try:
        data[:cut.start()].decode("utf-8")
    except UnicodeDecodeError:
        return None
    cut_bytes = "last byte, which begins" if cut.end() - cut.start() == 1 \
        else f"last {cut.end() - cut.start()} bytes, which begin"
    return (f"it is UTF-8 but for its {cut_bytes} a character the file ends before: a UTF-8 "
            "file cut short; restore it from where it came, or remove the character cut "
            "short and keep it UTF-8")


#: A run of a line that is not UTF-8 as a whole, read as UTF-8 between the bytes that are
#: not, is a sign of mixed encodings from this many characters beyond ASCII when the code
#: page reads it as the mojibake ftfy knows (``L’été`` as ``Lâ€™Ã©tÃ©``), and from
#: :data:`MIXED_RUN_LONG` when it only reads it as more implausible words (KOI8-R,
#: gb18030: no repair knows them). A code page's own text makes such a run by chance only,
#: a few characters long (all-caps Czech in cp1250, ``ČŠ ŘŽ ÝŠ``, is ``Ȋ ؎ ݊`` in UTF-8).
MIXED_MOJIBAKE_CHARACTERS = 2
MIXED_RUN_LONG = 16


def _shown_part(text: str) -> str:
    """A line, or part of one, as a message quotes it: its first 40 characters."""
    return text if len(text) <= 40 else text[:40] + "..."


#: A run of a line decoded with "replace" between the replacement characters (the parts
#: ``split("\ufffd")`` gives but the empty ones).
_UTF8_RUN = re.compile("[^\ufffd]+")


def _utf8_part(line: bytes, encoding: str) -> str | None:
    """A run of ``line``, which is not UTF-8 as a whole, that is UTF-8 and reads as
    mojibake in the code page ``encoding`` (see :data:`MIXED_MOJIBAKE_CHARACTERS`), or None. A
    sentence in UTF-8 and one in cp1251 on one line were read whole in cp1251, and ftfy
    repaired the UTF-8 one in part (QA)."""
    read = line.decode("utf-8", "replace")
    if _utf8_beyond_ascii(read) < MIXED_MOJIBAKE_CHARACTERS:
        return None  # (nor has any run of it: a code page's line, mostly, looked at in C)
    repair_leaves_some: bool | None = None  # of the whole line: asked once, if at all
    # (one run at a time, never a list of them all: a line can be a file of many MB)
    for found in _UTF8_RUN.finditer(read):
        run = found.group()
        beyond = len(run) - len(run.encode("ascii", "ignore"))
        if beyond < MIXED_MOJIBAKE_CHARACTERS:
            continue
        # (a byte the code page does not define, as 9D of "”" in cp1252: a mark)
        legacy = run.encode("utf-8").decode(encoding, "replace")
        if mojibake_at(legacy) >= 0 and mojibake_at(run) < 0:
            # ... and the repair of mojibake leaves some in the line: a cp1252 file holding
            # "Ã©tÃ©", which it repairs whole, is read as before
            if repair_leaves_some is None:
                repair_leaves_some = mojibake_at(
                    fix_encoding(line.decode(encoding, "replace"))) >= 0
            if repair_leaves_some:
                return run.strip()
        if beyond >= MIXED_RUN_LONG \
                and assess(legacy).implausibility > assess(run).implausibility:
            return run.strip()
    return None


def _utf8_beyond_ascii(read: str) -> int:
    """How many characters beyond ASCII ``read``, a line decoded as UTF-8 with "replace",
    holds but its replacement characters: those of all its runs (:func:`_utf8_part`).
    Counted in C where each run was looked at in Python, most lines of a legacy file
    holding no run of UTF-8 at all: :func:`_mixed_named` took 42 µs a legacy file of the
    kit's, 24 µs so."""
    return len(read) - len(read.encode("ascii", "ignore")) - read.count("\ufffd")


def _mixed_encodings(data: bytes, encoding: str, *, parts: bool = True) -> str | None:
    """Why ``data``, which is not UTF-8 as a whole and which the code page ``encoding``
    reads, mixes encodings, or None: one of its lines is UTF-8 with characters beyond
    ASCII that read as text in UTF-8 and as mojibake in ``encoding`` (more implausible
    words: ``“`` as ``â€ś``, ``café`` as ``cafÃ©``), and another is not UTF-8. Read whole
    in ``encoding``, such a file came out garbled on one side or the other (ftfy repairs
    the UTF-8 lines, and the others keep ``déjŕ`` where cp1250 won); a UTF-8 file cut in
    the middle of a character is one too. A legacy line that is valid UTF-8 by chance
    (``Ні`` in cp1251, ``IRMÃ”`` in cp1252) reads as text in its code page, no worse
    than in UTF-8, and is no sign. Lines end at LF, CR or CRLF. A line that is not UTF-8
    may hold a UTF-8 part (see :func:`_utf8_part`), unless not ``parts``: a file found
    UTF-8 but for a few bytes is told so (a character cut short in a line is no second
    encoding)."""
    utf8: tuple[int, str] | None = None
    other: int | None = None
    for number, line in enumerate(data.splitlines(), 1):
        if line.isascii():
            continue
        read = _read_utf8(line)  # (the error, with its copy of the line, let go at once)
        if isinstance(read, int):
            other = other or number
            part = _utf8_part(line, encoding) if parts and utf8 is None else None
            if part is not None:  # both on this line
                return (f"mixes encodings: line {number:,} is UTF-8 in part "
                        f"({_shown_part(part)!r}), "
                        f"which {encoding} would read as mojibake, and not UTF-8 in another "
                        "part; re-save the file in one encoding (UTF-8), converting the "
                        "part that is not")
        else:
            text = read
            if utf8 is None:
                try:
                    legacy = decode_with(line, encoding)
                except UnicodeDecodeError:  # a byte it does not define: UTF-8's, read so
                    legacy = line.decode(encoding, "replace")  # (QA s78: Greek, cp1253)
                utf8_judged = assess(text)
                if assess(legacy).implausibility > utf8_judged.implausibility \
                        or _utf8_not_by_chance(text, utf8_judged, encoding) \
                        or _letters_lost(text, legacy):
                    utf8 = (number, text.strip())
        if utf8 is not None and other is not None:
            return (f"mixes encodings: line {other:,} is not UTF-8, but line {utf8[0]:,} "
                    f"is ({_shown_part(utf8[1])!r}), which {encoding} would read as "
                    "mojibake; re-save the file in one encoding (UTF-8), converting the "
                    "lines that are not")
    return None


#: Letters beyond ASCII a UTF-8 line must hold for :func:`_letters_lost` to judge it.
LOST_LETTERS = 2


def _letters_lost(text: str, legacy: str) -> bool:
    """Whether ``text``, a line valid as UTF-8, holds :data:`LOST_LETTERS` letters beyond
    ASCII or more and its reading in a code page, ``legacy``, none: UTF-8 Hebrew read in
    cp1255 is its geresh and signs (``׳©׳ś``), no word of which looks mistyped, and a
    file of it beside cp1255 lines was not found mixed (QA s79). A code page's own text
    holds letters."""
    letters = sum(1 for char in text if char.isalpha() and not char.isascii())
    return letters >= LOST_LETTERS and not any(
        char.isalpha() and not char.isascii() for char in legacy)


#: A line valid as UTF-8 in a file a code page of Chinese, Japanese or Korean reads is
#: UTF-8 from this many characters beyond ASCII, read as text (:func:`_utf8_not_by_chance`).
MIXED_MULTIBYTE_CHARACTERS = 6


def _utf8_not_by_chance(text: str, judged: Judgement, encoding: str) -> bool:
    """Whether ``text``, a line valid as UTF-8, is UTF-8 in a file the code page of
    Chinese, Japanese or Korean ``encoding`` reads: :data:`MIXED_MULTIBYTE_CHARACTERS`
    characters beyond ASCII at least, and no implausible word (``judged``). Such a code
    page reads UTF-8 of any script as its own characters, which no judge of words tells
    from text (gb18030 made ``Привет`` into ``袩褉懈胁械褌``, and the file was built: QA
    s78); its own text is valid UTF-8 by chance only in a few characters, read as letters
    of scripts mixed (of 100,000 lines of random Chinese, Japanese and Korean in gb18030,
    Big5, Shift_JIS, EUC-JP and EUC-KR, none with four such characters read as text)."""
    from .codepagelanguages import multibyte

    if not multibyte(encoding) or not plausible(judged):
        return False
    beyond = len(text) - len(text.encode("ascii", "ignore"))
    return beyond >= MIXED_MULTIBYTE_CHARACTERS and judged.implausibility == 0


#: A character of text decoded with ``surrogateescape`` that is neither ASCII nor a byte
#: that is not UTF-8: a UTF-8 character beyond ASCII.
_UTF8_BEYOND_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")


def _mixed_from_the_start(data: bytes, config: DecodeConfig) -> str | None:
    """Why ``data``, which is not UTF-8 as a whole and is refused, mixes encodings, or None:
    it holds UTF-8 characters beyond ASCII, and the code page that reads it as text (a
    listed one, else one to add) finds it mixed, as it would once added
    (:func:`_mixed_encodings`); where none reads the whole file (UTF-8 holds bytes the
    code page does not define), the code page that reads the rest of it, its bytes that
    are not UTF-8. Said before any code page is advised, which could not read the file
    either: Greek in UTF-8 beside Greek in cp1253 was told to add cp1253, and then that
    it mixes encodings (QA s78)."""
    text = data.decode("utf-8", "surrogateescape")
    rest = _UTF8_BEYOND_ASCII.sub("", text)
    if len(rest) == len(text):  # no UTF-8 beyond ASCII
        return None
    # The code page that reads the lines that are not UTF-8 names the mix, a listed one
    # first: read whole, UTF-8 Chinese beside gb18030 was read best in shift_jisx0213,
    # and the message named it, though gb18030 was listed (QA s78 new-decode 4)
    others = _lines_not_utf8(data)
    reading = _reading_as_text(others, config.fallback_encodings) if others else None
    mixed = _mixed_named(data, reading.encoding) if reading is not None else None
    if mixed is not None:
        return mixed
    whole = _reading_as_text(data, config.fallback_encodings)
    if whole is not None:
        return _mixed_named(data, whole.encoding)
    # Lines only: in a line that is not UTF-8, what the code page of the rest cannot read
    # may be its own multi-byte characters that are UTF-8 by chance (gb18030's D2 A6, "Ҧ")
    reading = _reading_as_text(rest.encode("utf-8", "surrogateescape"),
                               config.fallback_encodings)
    return (_mixed_named(data, reading.encoding, parts=False) if reading is not None
            else None)


def _lines_not_utf8(data: bytes) -> bytes:
    """The lines of ``data`` that are not UTF-8, joined by LF."""
    return b"\n".join(line for line in data.splitlines() if not _is_utf8(line))


def _mixed_named(data: bytes, encoding: str, *, parts: bool = True) -> str | None:
    """:func:`_mixed_encodings` of ``data`` in ``encoding``, said in cp1255's words where
    the lines that are not UTF-8 are Hebrew (:func:`_mix_code_page`), looked for only once
    a mix is found (every legacy file is asked)."""
    mixed = _mixed_encodings(data, encoding, parts=parts)
    if mixed is None:
        return None
    named = _mix_code_page(data, encoding)
    return mixed if named == encoding else _mixed_encodings(data, named, parts=parts) or mixed


def _mix_code_page(data: bytes, encoding: str) -> str:
    """The code page to name the encodings ``data`` mixes in: cp1255 where its lines that
    are not UTF-8 are spelled as Hebrew
    (:func:`~corpuskit.decoding.hebrewspelling.spelled_as_hebrew`), which Cyrillic code pages and
    gb18030 read as text too (QA s79: UTF-8 Hebrew beside cp1255 was said to mix with koi8-r or
    gb18030), else ``encoding``."""
    from .hebrewspelling import HEBREW_CODE_PAGE, spelled_as_hebrew

    others = _lines_not_utf8(data)
    return HEBREW_CODE_PAGE if others and spelled_as_hebrew(others, "cp1251") else encoding


def _read_utf8(data: bytes) -> str | int:
    """``data`` decoded as UTF-8, or the offset of its first byte that is not UTF-8. The
    error is let go here: it holds a copy of all of ``data`` (CPython's), which a file's
    reading in its code pages held beside it (QA: 50 MB more of a 50 MB file)."""
    try:
        return data.decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        return exc.start


def _is_utf8(line: bytes) -> bool:
    """Whether ``line`` is valid UTF-8."""
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _reading_as_text(data: bytes, encodings: tuple[str, ...]) -> Reading | None:
    """The reading of ``data`` in the listed code pages ``encodings`` if it is text, else
    the best in a code page the configuration could add, or None."""
    from .codepages import best_legacy
    from .secondlook import suggested_code_page

    reading = best_legacy(data, encodings)
    if reading is not None and plausible(reading.judgement or judge(reading.text)):
        return reading
    return suggested_code_page(data, encodings)


def _unreadable(judgement: Judgement) -> str:
    """Why the best legacy reading of a file is no text, as its judgement found: its
    mistyped words, a few shown (the first characters of the file said nothing where they
    were an ASCII preamble), or its letters, accented or of swapped case throughout."""
    words = [word for word in words_of(judgement.text) if not word.isascii()]
    odd = odd_words(words)
    if miscased_throughout(words):  # its words mix capitals and small letters: shown
        mistyped = set(odd)
        odd = [word for word in words if word in mistyped or miscased(word)]
    elif judgement.implausibility > len(odd) or not odd:  # the letters' verdict, not words'
        return ("reads its letters outside ASCII as a wrong code page does: accented letters "
                "throughout, or capitals and small letters swapped")
    shown = ", ".join(repr(word[:30]) for word in odd[:3])
    return (f"makes {len(odd)} of its {counted(len(words), 'word')} with letters outside "
            f"ASCII look mistyped, such as {shown}")


def _misread(path: str, text: str, name: str, encodings: tuple[str, ...],
             tail: bytes = b"") -> Problem | None:
    """The problem of ``text``, read as ``name`` from its byte order mark, if it holds
    what is not text of that encoding (:func:`~corpuskit.decoding.byteorder.misread_part`, told
    the code pages ``encodings`` and an odd last byte ``tail``)."""
    misread = misread_part(text, name, tail, encodings) if name.startswith("utf-16") \
        else None
    if misread is None:
        return None
    return Problem(path, "undecodable",
                   f"starts with a {name} byte order mark, but it holds {misread[1]}; "
                   "re-save it in one encoding, UTF-8", f"line {_line_number(text, misread[0])}")


def _not_valid_after_bom(path: str, data: bytes, bom: bytes, name: str, start: int,
                         encodings: tuple[str, ...]) -> Problem:
    """The problem of ``data``, which starts with the byte order mark ``bom`` of ``name``
    but is not valid ``name`` from byte ``start`` after the mark: text of another
    encoding joined to it, or a character cut short or cut in half (QA: a UTF-16 file cut
    short was told to be re-saved in one encoding, which it was)."""
    body = data[len(bom):]
    read = body[:start].decode("utf-8" if name == "utf-8-sig" else name, "replace")
    if name.startswith("utf-16"):  # (decoding fails only on a surrogate or an odd end)
        # Lone surrogates kept as they are, and an odd last byte apart: bytes appended
        # make both (QA s78: "note added" LF appended was told the file was cut short).
        even = len(body) - len(body) % 2
        misread = _misread(path, body[:even].decode(name, "surrogatepass"), name,
                           encodings, body[even:])
        if misread is not None:
            return misread
    damage = _broken_character(body, name, start, len(bom)) or (
        f"is not valid {name} (byte {start + len(bom):,}); re-save it in one encoding")
    return Problem(path, "undecodable", f"starts with a {name} byte order mark but {damage}",
                   f"line {_line_number(read, len(read))}")


#: What to do with a UTF-16 or UTF-32 file that is cut short or damaged.
_RESTORE = "restore it from where it came"


def _broken_character(body: bytes, name: str, start: int, offset: int) -> str | None:
    """What is wrong at ``start`` in ``body``, the bytes after the byte order mark (of
    ``offset`` bytes) of a UTF-16 or UTF-32 file ``name``, and what to do: a character
    the end of the file cuts short, half of a surrogate pair, or 4 bytes that are no
    character; None for another encoding."""
    unit = 4 if name.startswith("utf-32") else 2 if name.startswith("utf-16") else 0
    if not unit:
        return None
    piece = body[start:start + unit]
    if len(piece) < unit:
        return (f"ends in the middle of a character ({offset + len(body):,} bytes, not a "
                f"multiple of {unit}): the file is cut short; {_RESTORE}")
    value = int.from_bytes(piece, "little" if name.endswith("-le") else "big")
    at = f"at byte {start + offset:,}"
    if unit == 4:
        if 0xD800 <= value <= 0xDFFF:
            return (f"holds U+{value:04X} {at}, half of a UTF-16 surrogate pair, which UTF-32 "
                    "never holds: the file is damaged there, or was converted from UTF-16 "
                    f"half a character at a time; {_RESTORE}, or remove that character")
        return (f"holds 4 bytes {at} that are no character (0x{value:08X}, beyond U+10FFFF): "
                "the file is damaged there, or text of another encoding is joined to it; "
                f"{_RESTORE}, or re-save it in one encoding, UTF-8")
    if 0xD800 <= value <= 0xDBFF and len(body) - start < 4:
        return (f"ends in the middle of a character (U+{value:04X}, the first half of a "
                f"surrogate pair, with no second half): the file is cut short; {_RESTORE}")
    if 0xD800 <= value <= 0xDFFF:
        half = ("no low half after it" if value <= 0xDBFF else "no high half before it")
        return (f"holds half of a surrogate pair (U+{value:04X} with {half}) {at}: the file "
                f"is damaged there (a character cut in half); {_RESTORE}, or remove that "
                "half of a character")
    return None


def _utf8_by_chance(path: str, data: bytes, text: str, config: DecodeConfig
                   ) -> tuple[str, str] | None:
    """The reading of ``data``, valid UTF-8 read as ``text``, in a listed code page of
    Chinese, Japanese or Korean when it is UTF-8 only by chance
    (:func:`~corpuskit.decoding.utf8chance.by_chance`) and that code page reads it as their text;
    None to keep the UTF-8 reading. Raises :class:`DocumentProblem` when only a code page
    the configuration could add reads it so, or one reads it clearly better than the
    listed one (QA s79: ``职业学院实习通知`` in gb18030 was built as UTF-8's
    ``ְҵѧԺʵϰ֪ͨ``, Hebrew points, Cyrillic and Armenian in one word)."""
    found = by_chance(text)
    if found is None:
        return None
    from .codepagelanguages import addable_code_pages
    from .secondlook import second_look

    odd, words = found
    chance = (f"is valid UTF-8 only by chance: read so, its words with letters outside ASCII "
              f"are no text ({len(odd)} of the first {words}: letters of scripts mixed in one "
              f"word, or marks on letters of another script, such as {odd[0][:30]!r}), as "
              "Chinese, Japanese or Korean in its code page makes")
    at = f"line {_line_number(text, text.find(odd[0]))}"
    reading = east_asian_reading(data, config.fallback_encodings, len(odd))
    if reading is not None:
        try:
            reading = second_look(data, reading, config)
        except BetterElsewhere as doubt:
            raise DocumentProblem(Problem(path, "undecodable", f"{chance}; and {doubt}",
                                          at)) from None
        return reading.encoding, reading.text
    other = east_asian_elsewhere(data, config.fallback_encodings)
    if other is None:  # no code page of theirs reads it: UTF-8 as it was
        return None
    name = addable_code_pages()[other.encoding]
    raise DocumentProblem(Problem(
        path, "undecodable",
        f"{chance}; in {name} it reads as {excerpt(data, other.text, other.encoding)!r}: "
        f"if that is its code page, add \"{name}\" to decode.fallback_encodings in "
        "corpus.toml, or re-save it as UTF-8", at))


def _empty_or_pointer(path: str, data: bytes) -> DocumentProblem:
    """The refusal of ``data``, empty or only whitespace, or a Git LFS pointer."""
    if not data or data.isspace():
        return DocumentProblem(Problem(path, "empty-document",
                                       "the file is empty or only whitespace; remove it or "
                                       "add text"))
    return DocumentProblem(Problem(path, "lfs-pointer", LFS_FILE_ADVICE))


def _read_after_bom(path: str, data: bytes, config: DecodeConfig) -> tuple[str, str] | None:
    """The codec recorded and the text of ``data`` when it starts with a byte order mark
    (:data:`BOMS`), or None. Raises :class:`DocumentProblem` when the bytes after the mark
    are not valid in its encoding, or hold what is not text of it (:func:`_misread`)."""
    for bom, name in BOMS:
        if data.startswith(bom):
            try:
                decoded = (name, decode_with(data, name))
            except UnicodeDecodeError as exc:  # where in the text after the mark
                raise DocumentProblem(_not_valid_after_bom(
                    path, data, bom, name, exc.start, config.fallback_encodings)) from None
            misread = _misread(path, decoded[1], name, config.fallback_encodings)
            if misread is not None:
                raise DocumentProblem(misread)
            return decoded
    return None


def _iso2022_refusal(path: str, data: bytes, found: tuple[str, str, int]) -> DocumentProblem:
    """The refusal of ``data``, text in an ISO-2022 encoding (``found``: its name, the
    escape sequence and where it is, :func:`~corpuskit.decoding.iso2022.iso2022_text`)."""
    encoding, escape, offset = found
    line = _line_number(data, offset)
    return DocumentProblem(Problem(
        path, "undecodable",
        f"is {encoding} text (the escape sequence {escape} on line {line} marks "
        f"characters of two bytes), which corpuskit does not decode; "
        f"{iso2022_advice(encoding)}", f"line {line}"))


def _binary_refusal(path: str, data: bytes, decoded: tuple[str, str] | None
                    ) -> DocumentProblem:
    """The refusal of ``data``, found binary: a NUL byte and no byte order mark
    (``decoded`` None), or a NUL or too many control characters in its reading
    ``decoded`` (:func:`_binary_evidence`)."""
    evidence, line, advice = _binary_evidence(data, decoded)
    return DocumentProblem(Problem(path, "binary-file",
                                   f"holds binary data ({evidence}), not text; {advice}",
                                   f"line {line}"))


class _LegacyReading:
    """A file that is not UTF-8 as a whole, read in the code page of
    decode.fallback_encodings that reads it best: the reading chosen, its refusals (each
    names the first byte that is not UTF-8 and its line) and the checks of the reading once
    it is found to be text. Made only for such a file, never for one in UTF-8."""

    def __init__(self, path: str, data: bytes, config: DecodeConfig, start: int) -> None:
        self.path = path
        self.data = data
        self.config = config
        self.not_utf8 = _not_utf8(data, start)
        self.at = _line_of(data, start)  # the line of the first byte that is not UTF-8
        #: The reading to look at again (:meth:`checked`); None for UTF-8 with stray bytes
        #: of the code page that normalization repairs whole (:meth:`read`).
        self.doubted: Reading | None = None

    def _undecodable(self, message: str, at: str | None = None) -> DocumentProblem:
        """The refusal of the file as ``message`` says, at ``at`` (the first byte that is
        not UTF-8 unless told)."""
        return DocumentProblem(Problem(self.path, "undecodable", message,
                                       self.at if at is None else at))

    def read(self) -> tuple[str, str]:
        """The code page that reads the file best and its reading (the codec recorded and
        the text). Raises :class:`DocumentProblem` for UTF-8 damaged in a few bytes that
        normalization would not repair whole, text of mixed encodings from the start, or a
        file no listed code page reads."""
        from .codepages import best_legacy
        from .secondlook import what_to_do

        data, config, not_utf8 = self.data, self.config, self.not_utf8
        legacy = best_legacy(data, config.fallback_encodings)
        damaged = _damaged_utf8(data, legacy)
        if damaged is not None and not _repaired_whole(data, legacy):
            mixed = (_mixed_named(data, legacy.encoding, parts=False)
                     if legacy is not None else None)
            raise self._undecodable(
                f"{not_utf8}; it {mixed}" if mixed is not None else f"{not_utf8}, {damaged}")
        if legacy is None:
            mixed = _mixed_from_the_start(data, config)
            if mixed is not None:
                raise self._undecodable(f"{not_utf8}; it {mixed}")
            raise self._undecodable(
                f"{not_utf8}, nor in any of decode.fallback_encodings "
                f"({', '.join(config.fallback_encodings)}); "
                f"{_cut_at_end(data) or what_to_do(data, config)}")
        # UTF-8 with stray bytes of this code page, which normalization repairs whole
        # (proven): no doubt left for the checks of a legacy file's reading, whose advice
        # to add a code page would be wrong here (QA).
        self.doubted = legacy if damaged is None else None
        return legacy.encoding, legacy.text

    def checked(self, encoding: str, text: str) -> tuple[str, str]:
        """The reading kept (the codec recorded and the text): ``encoding`` and ``text``,
        as :meth:`read` gave them, when no doubt is left; else the doubted reading once
        found readable, looked at once more and found whole, or the sound reading of a
        listed code page where it holds characters cut and repaired. Raises
        :class:`DocumentProblem` for each refusal of those checks."""
        legacy = self.doubted
        if legacy is None:
            return encoding, text
        self._refuse_unreadable(legacy)
        legacy = self._second_look(legacy)
        self._refuse_mixed_or_damaged(legacy)
        return self._sound(legacy)

    def _refuse_unreadable(self, legacy: Reading) -> None:
        """Raises :class:`DocumentProblem` when ``legacy``, the best reading of the listed
        code pages, is no plausible text: the file mixes encodings from the start, or a
        listed code page reads it but for a byte it leaves undefined, or none reads it."""
        from .secondlook import what_to_do

        judgement = legacy.judgement or judge(legacy.text)
        if plausible(judgement):
            return
        data, config, not_utf8 = self.data, self.config, self.not_utf8
        mixed = _mixed_from_the_start(data, config)  # not a code page to add (QA s78)
        if mixed is not None:
            raise self._undecodable(f"{not_utf8}; it {mixed}")
        # A listed single-byte code page that reads it in its language but for a byte it
        # leaves undefined (cp1252's 81, 90) damaged there, not one to add (QA: seeds 2,
        # cp1256 was advised, naming cp1251's reading)
        torn = _damage_problem(self.path, data, legacy, config, not_utf8, self.at)
        if torn is not None:
            raise DocumentProblem(torn)
        raise self._undecodable(
            f"{not_utf8}, and no code page of decode.fallback_encodings gives readable "
            f"text (the best, {legacy.encoding}, {_unreadable(judgement)}); "
            f"{_cut_at_end(data) or what_to_do(data, config)}")

    def _second_look(self, legacy: Reading) -> Reading:
        """The reading kept after a second look at ``legacy``
        (:func:`~corpuskit.decoding.secondlook.second_look`); raises
        :class:`DocumentProblem` when a code page reads the file clearly better."""
        from .secondlook import second_look

        try:
            return second_look(self.data, legacy, self.config)
        except BetterElsewhere as doubt:
            mixed = _mixed_from_the_start(self.data, self.config)  # not a code page to add (QA s78)
            raise self._undecodable(
                f"{self.not_utf8}; it {mixed}" if mixed is not None
                else f"{self.not_utf8}, and {doubt}") from None

    def _refuse_mixed_or_damaged(self, legacy: Reading) -> None:
        """Raises :class:`DocumentProblem` when the file mixes encodings, as ``legacy``'s
        code page shows, or is damaged in a listed code page (:func:`_damage_problem`)."""
        mixed = _mixed_named(self.data, legacy.encoding)
        if mixed is not None:
            raise self._undecodable(f"{self.not_utf8}; it {mixed}")
        torn = _damage_problem(self.path, self.data, legacy, self.config, self.not_utf8,
                               self.at)
        if torn is not None:
            raise DocumentProblem(torn)

    def _sound(self, legacy: Reading) -> tuple[str, str]:
        """``legacy``'s codec and text, or, where its characters cut short are repaired
        (:func:`_cut_characters_repaired`), those of the listed code page that reads the
        file soundly. Raises :class:`DocumentProblem` when none reads it so, or only one
        not listed does."""
        from .secondlook import sound_reading

        data = self.data
        cut = _cut_characters_repaired(data, legacy.encoding, legacy.text)
        if cut is None:
            return legacy.encoding, legacy.text
        sound = sound_reading(data, legacy.encoding, self.config)
        if sound is None:
            raise self._undecodable(f"{self.not_utf8}; {cut[0]}", cut[1])
        if sound.encoding not in {codecs.lookup(name).name
                                  for name in self.config.fallback_encodings}:
            raise self._undecodable(
                f"{self.not_utf8}, and {_sound_elsewhere(data, legacy, sound)}")
        return sound.encoding, sound.text


def decode(raw: RawDocument, config: DecodeConfig) -> Decoded:
    """Decode one document or raise :class:`DocumentProblem` naming it."""
    data = raw.data
    # data.isspace(): data.strip() without a copy of the data; a Git LFS pointer (QA: a
    # checkout without Git LFS packaged its pointers)
    if not data or data.isspace() or is_lfs_pointer_data(data):
        raise _empty_or_pointer(raw.path, data)
    decoded = _read_after_bom(raw.path, data, config)
    legacy: _LegacyReading | None = None
    if decoded is None:
        iso2022 = iso2022_text(data)
        if iso2022 is not None:  # (7-bit: valid UTF-8, ESC among ASCII letters)
            raise _iso2022_refusal(raw.path, data, iso2022)
        if b"\x00" not in data:
            read = _read_utf8(data)
            if isinstance(read, int):  # where the first byte that is not UTF-8 is
                legacy = _LegacyReading(raw.path, data, config, read)
                decoded = legacy.read()
            else:  # (a code page's own two-byte characters may be valid UTF-8 by chance)
                decoded = _utf8_by_chance(raw.path, data, read, config) or ("utf-8", read)
            del read  # (the UTF-8 reading, when another was chosen, is not held beside it)
    # A file that is UTF-8 as it is holds the text's UTF-8 form: no need to make it again.
    if decoded is None or _looks_binary(decoded[1], data if decoded[0] == "utf-8" else None):
        raise _binary_refusal(raw.path, data, decoded)
    encoding, text = decoded if legacy is None else legacy.checked(*decoded)
    if not text or text.isspace():
        # A byte order mark is no whitespace: said as what the file holds (QA s95)
        what = ("only whitespace after its byte order mark" if text else
                "only a byte order mark") if encoding in _BOM_CODECS else "only whitespace"
        raise DocumentProblem(Problem(raw.path, "empty-document",
                                      f"the file holds {what}; remove it or add text"))
    return Decoded(text=text, encoding=encoding)
