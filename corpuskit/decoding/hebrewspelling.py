"""Hebrew in cp1255, which Cyrillic code pages read as letters that look typed (cp1251 as
its small letters, KOI8-R as its capitals), told by its spelling (QA s79 hebrew2): final
forms only at a word's end, no word of one letter, Hebrew's own signs inside its words
(:func:`spelled_as_hebrew`); or, in a longer text, by its letters' shares
(:func:`hebrew_by_letters`).

The ranking asks it where cp1255's reading ties with a Cyrillic one
(:func:`hebrew_by_spelling`); the second look reads a file so written in cp1255 if that is
listed, and refuses it naming cp1255 if not (:func:`read_as_hebrew`).
"""

from __future__ import annotations

import codecs
import math
import re
import unicodedata
from functools import cache
from typing import NamedTuple

from ..config import DecodeConfig
from .codepagelanguages import CYRILLIC_PAGES, Reading, character
from .cyrillicspelling import CYRILLIC_WORD, letter_case, unspelled_word
from .plausibility import JUDGED_CHARS
from .refusal import BetterElsewhere, excerpt

#: The code page a file spelled as Hebrew is read in (:func:`spelled_as_hebrew`).
HEBREW_CODE_PAGE = "cp1255"
#: cp1255's Hebrew letters, א to ת. Read in cp1251 they are its small letters а to ъ only
#: (never ы ь э ю я, nor a capital): a line of Hebrew reads as Cyrillic in small letters
#: (``щмен темн`` for ``שלום עולם``), too short for its letters' fit to tell.
_HEBREW_WORD = re.compile(rb"[\xe0-\xfa]+")
#: cp1255's geresh and gershayim (``׳`` D7, ``״`` D8) after a Hebrew letter, and its
#: maqaf (``־`` CE) between one and a letter or what else a word may begin with (a digit,
#: ``%s``, a quote, ``‚`` and ``“`` too): Hebrew's signs in its words (``צ׳כית``,
#: ``ארה״ב``, ``ע״י``, ``ב־Ctrl``, ``מ־%s``), which most Hebrew texts hold; and its
#: left-to-right and right-to-left marks (FD, FE, U+200E and U+200F) where no letter
#: beyond ASCII touches them, which Hebrew sets beside Latin words, numbers and signs to
#: keep them in order (``JPEG``, RLM, `` (%s)``). cp1251 reads them as its letters ``Ч``,
#: ``Ш``, ``О``, ``э``, ``ю``, KOI8-R as ``в``, ``ь``, ``н``, ``Щ``, ``Ч``; there, and
#: nowhere else, they are Hebrew's, not letters of a Cyrillic reading (QA s81 decodelong
#: 1: a Hebrew text holding one was built as KOI8-R's capitals, ``ЫЛЕМ ЛКЕЛМ, ...
#: (ЖвКИЗ)``, exit 0, cp1255 listed first or not).
_HEBREW_SIGN_IN_WORD = re.compile(
    rb"(?<=[\xe0-\xfa])(?:[\xd7\xd8](?![\xc0-\xd6])|\xce(?=[\xe0-\xfa\x21-\x7e\x82\x84\x91-\x94]))"
    rb"|(?<![\xc0-\xff])[\xfd\xfe](?![\xc0-\xff])")
_GERESH = (b"\xd7", b"\xd8")
_MAQAF = b"\xce"
#: ך ם ן ף ץ, the final forms, which only end a word, and כ מ נ פ צ, their other forms,
#: which never do. Russian read as cp1255 breaks both all the time: its к н п у х stand
#: inside words, and many of its words end in о л р ф ц.
_FINAL_FORMS = frozenset(b"\xea\xed\xef\xf3\xf5")
_MEDIAL_FORMS = frozenset(b"\xeb\xee\xf0\xf4\xf6")
#: The letters Russian writes its vowels with: a word of Hebrew letters read in a Cyrillic
#: code page often has none (Hebrew writes few vowels).
_RUSSIAN_VOWELS = frozenset("аеёиоуыэюя")


@cache
def _hebrew_file_bytes(encoding: str) -> bytes:
    """The bytes a file spelled as Hebrew may hold: ASCII, Hebrew letters, and those that
    neither cp1255 nor the code page ``encoding`` reads as a letter or a mark (dashes,
    quotes, ``…``, ``₪`` read as ``¤``), which tell neither reading from the other."""
    kept = [*range(0x80), *range(0xE0, 0xFB)]
    for value in (*range(0x80, 0xE0), *range(0xFB, 0x100)):
        chars = [character(name, value) for name in (HEBREW_CODE_PAGE, encoding)]
        if all(char is not None and unicodedata.category(char)[0] not in "LM"
               for char in chars):
            kept.append(value)
    return bytes(kept)


def _joined(data: bytes, start: int, end: int) -> bool:
    """Whether the Hebrew letters ``data[start:end]`` are part of a word with more: a
    geresh or gershayim typed as an apostrophe or a quote follows them (``ג'ירפה``,
    ``פרופ'``, ``מנכ"ל``) or stands between them and letters before, or a hyphen follows
    (a prefix before a number or a name, ``מ-9``); or cp1255's own geresh, gershayim or
    maqaf does so (``צ׳כית``, ``ארה״ב``, ``ב־Ctrl``: :data:`_HEBREW_SIGN_IN_WORD`). A
    medial form may stand before such a sign, and a prefix of one letter alone."""
    after = data[end:end + 1]
    if after in (b"'", b"-", _GERESH[0], _MAQAF):
        return True
    if after in (b'"', _GERESH[1]) and _HEBREW_WORD.match(data, end + 1) is not None:
        return True
    return start >= 2 and data[start - 1:start] in (b"'", b'"', *_GERESH, _MAQAF) \
        and 0xE0 <= data[start - 2] <= 0xFA


def _not_russian(word: str) -> bool:
    """Whether ``word``, Hebrew letters read in a Cyrillic code page, holds a spelling
    Russian never has: no vowel in two letters or more, ``й`` after a consonant, or ``ъ``
    other than inside a word before ``е ё ю я``."""
    word = word.lower()
    if len(word) >= 2 and not _RUSSIAN_VOWELS.intersection(word):
        return True
    for at, letter in enumerate(word):
        if letter == "й" and at and word[at - 1] not in _RUSSIAN_VOWELS:
            return True
        if letter == "ъ" and not (0 < at < len(word) - 1 and word[at + 1] in "еёюя"):
            return True
    return False


#: Of the words of Hebrew letters a file holds, one in this many may break the way Hebrew
#: writes them (a letter alone, a final form inside a word or another form ending one, an
#: ASCII letter glued on) and the file still be written as Hebrew writes: Hebrew writes a
#: prefix alone before a number, a Latin word or a quote (``ב 2023``, ``ב Google``, ``ו
#: "שלום"``), and typos happen. Fewer than this many words may break none (a short line
#: is told by every word: Russian's ``в``, ``и``, ``с`` are words of one letter). One such
#: word in a Hebrew text of 21 had it built as KOI8-R's capitals (``А ИЦИ ДНЫХЬД ...``),
#: exit 0, cp1255 listed or not (QA s81). Cyrillic is not written so by chance over ten
#: words: each of the others must keep Hebrew's final forms in their places (Russian's к н
#: п у х are its ך ם ן ף ץ, inside words all the time) and hold no letter cp1255 has not
#: (cp1251's ы ь я, its capitals). Of 6,000 lines of ten words or more of the system's
#: Russian, Ukrainian and Bulgarian messages, made lower case in cp1251 or capitals in
#: KOI8-R, none more is read as cp1255 with it listed, nor refused naming it without.
_HEBREW_WORDS_PER_SLIP = 10


class _HebrewSpelling(NamedTuple):
    """A file's words of Hebrew letters, as :func:`_hebrew_spelling` found them."""

    #: The words of two letters or more written as Hebrew writes them.
    words: list[bytes]
    #: How many words break that, of how many words of Hebrew letters in all.
    slips: int
    total: int


def _slip(data: bytes, start: int, end: int) -> bool:
    """Whether the Hebrew letters ``data[start:end]``, a word, break the way Hebrew writes
    its words: an ASCII letter glued to them, a final form before the word's end, another
    form ending it, or one letter alone (a sign joining them to more aside,
    :func:`_joined`)."""
    if data[start - 1:start].isalpha() or data[end:end + 1].isalpha():
        return True
    word = data[start:end]
    joined = _joined(data, start, end)
    return any(letter in _FINAL_FORMS for letter in word[:-1]) \
        or (word[-1] in _MEDIAL_FORMS and not joined) or (len(word) == 1 and not joined)


def _hebrew_only(data: bytes, encoding: str) -> bool:
    """Whether ``data``, which the Cyrillic code page ``encoding`` reads as text, holds
    beyond ASCII Hebrew's letters only, in cp1255: and signs that neither reading takes
    for letters (:func:`_hebrew_file_bytes`), and Hebrew's own where Hebrew writes them
    (:data:`_HEBREW_SIGN_IN_WORD`)."""
    return encoding in CYRILLIC_PAGES and not data.isascii() \
        and not _HEBREW_SIGN_IN_WORD.sub(b"", data).translate(
            None, _hebrew_file_bytes(encoding))


def _hebrew_spelling(data: bytes, encoding: str) -> _HebrewSpelling | None:
    """The words of ``data``, which the Cyrillic code page ``encoding`` reads as text, if
    it is written in Hebrew's letters as Hebrew writes them; else None. So written: beyond
    ASCII it holds Hebrew letters only (and signs that neither reading takes for letters,
    :func:`_hebrew_file_bytes`); and its words of Hebrew letters have no ASCII letter glued
    to them, every final form ends its word and no other form does, and no letter stands
    alone as a word (Hebrew joins its words of one letter to the next, :func:`_joined`),
    but for one word in :data:`_HEBREW_WORDS_PER_SLIP` (:func:`_slip`)."""
    if not _hebrew_only(data, encoding):
        return None
    words: list[bytes] = []
    slips = total = 0
    for found in _HEBREW_WORD.finditer(data):
        total += 1
        if _slip(data, found.start(), found.end()):
            slips += 1
        elif found.end() - found.start() > 1:
            words.append(found.group())
    if slips * _HEBREW_WORDS_PER_SLIP > total:
        return None
    return _HebrewSpelling(words, slips, total)


def _hebrew_words(data: bytes, encoding: str) -> list[bytes] | None:
    """The words of two letters or more of ``data`` written as Hebrew writes them, if the
    file is (:func:`_hebrew_spelling`); else None."""
    spelling = _hebrew_spelling(data, encoding)
    return None if spelling is None else spelling.words


def spelled_as_hebrew(data: bytes, encoding: str) -> bool:
    """Whether ``data``, which the Cyrillic code page ``encoding`` reads as text, is
    Hebrew in cp1255 by its spelling: beyond ASCII it holds Hebrew letters only (and signs
    that neither reading takes for letters, :func:`_hebrew_file_bytes`), with no ASCII
    letter glued to them; every final form ends its word and no other form does; no
    letter stands alone as a word (Hebrew joins its words of one letter to the next); one
    word in ten aside, in a text of ten or more (:func:`_hebrew_spelling`); it
    has two words or more; and, read in cp1251, one holds a spelling Russian never has
    (:func:`_not_russian`) or two end in final forms; read in ``encoding``, if another
    (KOI8-R's capitals), one holds such a spelling too.

    Final forms alone are not enough: of 49,445 Russian lines (the system's message
    catalogues) made lower case, 903 keep them where Hebrew does, such as
    ``где мой телефон?``; 11 pass all of it, lower-cased names (``саймон джозефсон``) and
    abbreviations (``тип цп``); in KOI8-R capitals, 168 the spelling and one the rest. Of
    2,457 Hebrew lines of two words or more, 2,247 pass.
    """
    words = _hebrew_words(data, encoding)
    if words is None or len(words) < 2:
        return False
    finals = sum(word[-1] in _FINAL_FORMS for word in words)
    if finals < 2 and not any(_not_russian(word.decode("cp1251")) for word in words):
        return False
    return encoding == "cp1251" or any(_not_russian(word.decode(encoding))
                                       for word in words)


#: Shares (per mille) of the letters of Hebrew, and of Russian's, Ukrainian's and
#: Bulgarian's (small letters, the three languages' shares averaged), in the lines of seven
#: words or more of the system's message catalogues (Debian's, /usr/share/locale; each
#: distinct line of a language once: 12,794 Hebrew letters, 2.4 million Cyrillic ones). A
#: letter of Cyrillic not among them (``ґ``, ``ѝ``: their shares round to 0.0) is taken to
#: be as rare as :data:`_RAREST_SHARE`, the least share. ``tools/derive_tables.py
#: hebrew-shares`` and ``cyrillic-shares`` count them again (``--check``: against these).
_HEBREW_SHARES = {
    "א": 48.6, "ב": 45.9, "ג": 14.5, "ד": 21.7, "ה": 80.2, "ו": 92.6, "ז": 8.4, "ח": 22.9,
    "ט": 9.5, "י": 114.4, "ך": 6.9, "כ": 20.9, "ל": 69.6, "ם": 21.7, "מ": 61.6, "ן": 14.9,
    "נ": 44.6, "ס": 17.6, "ע": 26.8, "ף": 1.7, "פ": 20.6, "ץ": 6.2, "צ": 14.5, "ק": 29.9,
    "ר": 50.6, "ש": 51.4, "ת": 82.1,
}
_CYRILLIC_SHARES = {
    "а": 99.6, "б": 14.3, "в": 47.2, "г": 9.0, "д": 36.2, "е": 84.1, "ж": 8.9, "з": 27.1,
    "и": 73.9, "й": 11.0, "к": 33.7, "л": 37.6, "м": 28.9, "н": 79.2, "о": 89.0, "п": 33.8,
    "р": 49.4, "с": 44.3, "т": 62.0, "у": 22.2, "ф": 6.7, "х": 5.4, "ц": 6.4, "ч": 11.4,
    "ш": 4.8, "щ": 4.1, "ъ": 6.1, "ы": 6.5, "ь": 10.3, "э": 0.7, "ю": 4.5, "я": 21.3,
    "ё": 0.5, "є": 2.5, "і": 16.3, "ї": 1.2,
}
_RAREST_SHARE = 0.5
#: The natural log of how much likelier a Cyrillic reading's letters must be as Hebrew's
#: (by :data:`_HEBREW_SHARES`) than as Cyrillic's for them to be Hebrew's, where its words
#: are spelled as Cyrillic's: e², about 7 times. With cp1255 after the default code
#: pages, of 1,999 short messages (1 to 6 words) of the system's Hebrew catalogues in
#: cp1255, 72% are so read right (40% before); of 1,994 short lower-case Russian,
#: Ukrainian and Bulgarian ones in cp1251, 3 more are read as cp1255 (``ардеш``, and
#: ``тб``, ``дп`` by their spelling), and of 120 common Russian words alone on a line,
#: ``чей``. At 1, 76% of the Hebrew, but ``где``, ``дом``, ``год``, ``чем``, ``без`` too:
#: a word of three letters tells little by its letters.
_HEBREW_ODDS = 2.0


@cache
def _letter_odds(encoding: str) -> dict[int, float]:
    """For each byte that cp1255 reads as a Hebrew letter and the Cyrillic code page
    ``encoding`` as a letter: the natural log of how much likelier that letter is in
    Cyrillic text than the Hebrew one in Hebrew (:data:`_CYRILLIC_SHARES`,
    :data:`_HEBREW_SHARES`)."""
    odds: dict[int, float] = {}
    for value in range(0xE0, 0xFB):
        cyrillic = character(encoding, value)
        if cyrillic is not None and cyrillic.isalpha():
            share = _CYRILLIC_SHARES.get(cyrillic.lower(), _RAREST_SHARE)
            odds[value] = math.log(share / _HEBREW_SHARES[bytes([value]).decode(
                HEBREW_CODE_PAGE)])
    return odds


def _hebrew_not_cyrillic(data: bytes, encoding: str, text: str) -> bool:
    """Whether ``data``, which the Cyrillic code page ``encoding`` reads as ``text`` and
    cp1255 as well, is plain Hebrew that ``text`` misreads: it is written in Hebrew's
    letters as Hebrew writes them (:func:`_hebrew_words`: final forms only at a word's end,
    no word of one letter, one word in ten aside), and ``text`` is in capitals only, holds
    a word no Cyrillic language spells so (:func:`unspelled_word`), or has letters likelier
    Hebrew's than Cyrillic's (:data:`_HEBREW_ODDS`).

    Hebrew's letters read in cp1251 are its small letters ``а`` to ``ъ``, with Hebrew's
    frequencies: ``й``, ``ъ``, ``щ`` and ``ш`` (י ת ש ר) often, ``и``, ``у``, ``к``, ``н``
    (ט ף ך ם) seldom, where Russian, Ukrainian and Bulgarian write the other way round
    (``бечш иеб`` for ``בוקר טוב``, ``щмен`` for ``שלום``). Read in KOI8-R they are its
    capitals, always (``АЕВЬ ХЕА``): a line in capitals only is far rarer than one in small
    letters (:func:`~corpuskit.decoding.cyrillicspelling.cyrillic_by_spelling_and_case`), and such a
    reading alone kept ``בוקר טוב`` from cp1255. Short lower-case Cyrillic that cp1255 reads
    as Hebrew's letters as Hebrew writes them is rare (KOI8-R's small letters are none of
    them), and with cp1255 listed, where its letters or spelling are Hebrew's (``ардеш``,
    ``чей``, ``тб``), it is now read as Hebrew; so is Cyrillic in capitals only in KOI8-R
    so written (README)."""
    words = _hebrew_words(data, encoding)
    if not words:
        return False
    if letter_case(text) == "upper" \
            or any(map(unspelled_word, CYRILLIC_WORD.findall(text[:JUDGED_CHARS]))):
        return True
    return _cyrillic_log_odds(data, encoding) < -_HEBREW_ODDS


def _cyrillic_log_odds(data: bytes, encoding: str) -> float:
    """The natural log of how much likelier the letters of ``data`` are Cyrillic's as the
    Cyrillic code page ``encoding`` reads them than Hebrew's in cp1255
    (:func:`_letter_odds`): below 0, likelier Hebrew's."""
    return sum(data.count(value) * weight for value, weight in _letter_odds(encoding).items())


#: How many Hebrew letters (in cp1255) a file must hold, and how much likelier, as a natural
#: log, they must be Hebrew's than a Cyrillic reading's letters (:func:`_letter_odds`), for
#: them alone to tell it is Hebrew (:func:`hebrew_by_letters`): 50 letters, a line or two,
#: and e¹⁰, about 22,000 times. Of the 163,876 messages of the system's Russian,
#: Ukrainian, Bulgarian, Belarusian, Serbian and Macedonian catalogues, those whose letters
#: beyond ASCII cp1255 reads as Hebrew's only (made lower case in cp1251 or capitals in
#: KOI8-R: 43,880 and 48,217) with 30 such letters or more are at most e⁹·⁵ likelier
#: Hebrew's, with 50 or more e⁶·³; the 100 long Hebrew paragraphs of the QA at most
#: e⁻⁷·⁴ in KOI8-R's reading, e⁻²¹ in cp1251's, most far less.
_HEBREW_LETTERS = 50
_HEBREW_LETTERS_ODDS = 10.0


def hebrew_by_letters(data: bytes, encoding: str) -> bool:
    """Whether ``data``, which the Cyrillic code page ``encoding`` reads as text, is long
    Hebrew in cp1255 by its letters, however its words are written: beyond ASCII it holds
    Hebrew's letters only (:func:`_hebrew_only`), :data:`_HEBREW_LETTERS` of them or more,
    and they are Hebrew's by their shares far likelier than Cyrillic's as ``encoding``,
    cp1251 and KOI8-R read them (:data:`_HEBREW_LETTERS_ODDS`).

    A long Hebrew text is seldom written as its spelling rule asks in every tenth word:
    the system's catalogues hold lines in visual order, written backwards (``ןמז`` for
    ``זמן``, final forms first), and one or two such lines in a paragraph had it built as
    cp1251's ``пож ъойъз``, exit 0, with cp1255 listed or not (QA s81 decodelong). Its
    letters tell it from Cyrillic text better the longer it is; Cyrillic whose letters
    beyond ASCII cp1255 reads as Hebrew's only is rare over a line (a long Russian text
    writes ``ы``, ``ь``, ``я``, which cp1255 does not read as letters)."""
    if not _hebrew_only(data, encoding) \
            or sum(data.count(value) for value in range(0xE0, 0xFB)) < _HEBREW_LETTERS:
        return False
    # As each Cyrillic code page reads Hebrew's letters, cp1251's small letters and
    # KOI8-R's capitals: not only ``encoding``'s, where it is not the file's (KOI8-R's
    # capitals read in cp1251, KOI8-R not listed, are small letters unlike Cyrillic's).
    return all(_cyrillic_log_odds(data, name) < -_HEBREW_LETTERS_ODDS
               for name in {encoding, "cp1251", "koi8-r"})


def hebrew_by_spelling(tied: list[int], decodings: list[tuple[str, str]],
                        data: bytes) -> list[int]:
    """The readings ``tied`` (indices in ``decodings``, none with more implausible words)
    where cp1255's and a Cyrillic code page's are tied: but the Cyrillic ones where
    ``data`` is spelled as Hebrew as one of those reads it (:func:`spelled_as_hebrew`) or
    each reads as no Cyrillic text (:func:`_hebrew_not_cyrillic`), else but cp1255's.

    Both are "in a language of their code page" to the identifier, short lower-case Russian
    and its Hebrew gibberish alike, which left the language fit to decide on noise: ``как
    дела?`` is 0.99998 Cyrillic (the rest on Crimean Tatar and others of no Cyrillic code
    page), ``ךאך הוכא?`` 0.99999 Hebrew, and cp1255, listed after cp1251, won (QA s80).
    Hebrew's spelling is what tells them apart; a longer Hebrew text not so spelled is
    still given to cp1255 by the second look, by its letters' fit. Plainer short Hebrew
    (``בוקר טוב``, ``שלום``, ``תודה``) was so read as cp1251's or KOI8-R's Cyrillic with
    cp1255 listed, exit 0, and so was Hebrew spelled as Hebrew as cp1251 reads it but not
    as KOI8-R does, which the fit gave to KOI8-R (``הרפובליקה של קיריבטי`` as ``ДЬТЕАЛИВД
    ЫЛ ВИЬИАХИ``) and the second look, asking KOI8-R's spelling, kept (QA s81: 40% of
    2,000 short Hebrew messages read right, now 72%)."""
    hebrew = [order for order in tied if decodings[order][0] == HEBREW_CODE_PAGE]
    cyrillic = [order for order in tied if decodings[order][0] in CYRILLIC_PAGES]
    if not hebrew or not cyrillic:
        return tied
    if any(spelled_as_hebrew(data, decodings[order][0]) for order in cyrillic) \
            or all(_hebrew_not_cyrillic(data, *decodings[order]) for order in cyrillic):
        return [order for order in tied if order not in cyrillic]
    return [order for order in tied if order not in hebrew]


def read_as_hebrew(data: bytes, reading: Reading, config: DecodeConfig) -> Reading:
    """``data``, :func:`spelled_as_hebrew` or :func:`hebrew_by_letters` and chosen as
    ``reading``, read in cp1255 if that is listed; else :class:`BetterElsewhere`, naming
    it."""
    hebrew = data.decode(HEBREW_CODE_PAGE)
    if HEBREW_CODE_PAGE in {codecs.lookup(name).name for name in config.fallback_encodings}:
        return Reading(HEBREW_CODE_PAGE, hebrew, None)
    raise BetterElsewhere(
        f"{reading.encoding} reads it as {excerpt(data, reading.text, reading.encoding)!r}, "
        f"but {_why_hebrew(data, reading.encoding)}; in cp1255 it reads as "
        f"{excerpt(data, hebrew, HEBREW_CODE_PAGE)!r}: if that is its code page, add "
        "\"cp1255\" to decode.fallback_encodings in corpus.toml, or re-save it as UTF-8")


def _why_hebrew(data: bytes, encoding: str) -> str:
    """Why ``data``, read in ``encoding``, is Hebrew: its spelling where it is
    :func:`spelled_as_hebrew`, else its letters (:func:`hebrew_by_letters`)."""
    if not spelled_as_hebrew(data, encoding):
        return ("its letters beyond ASCII are all Hebrew's in cp1255, each as often as "
                f"Hebrew writes it, not as a Cyrillic language writes those {encoding} reads")
    # (Said of all its words but those few that break it, where they do: QA s81.)
    spelling = _hebrew_spelling(data, encoding)
    but = (f"; all but {spelling.slips} of its {spelling.total} words"
           if spelling is not None and spelling.slips else "")
    return ("its words are spelled as Hebrew's are (ך ם ן ף ץ only at their ends, כ מ נ פ צ "
            f"never there, none of one letter{but})")
