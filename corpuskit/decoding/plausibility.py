"""Whether a decoding reads as typed text: the words of a candidate reading judged one by one
(mixed scripts ``naпve``, case flips ``пРХБЕР``, symbols between letters ``Za¿ó³æ``,
accents everywhere), as normalization's fix-encoding step will leave them.

:func:`judge` gives a reading's :class:`Judgement`, :func:`plausible` says whether it reads as
text at all, and :func:`more_implausible_than` drops a reading that cannot win without judging
all of it. The code pages are ranked on these verdicts in :mod:`corpuskit.decoding.codepages`.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence, Set
from functools import cache, lru_cache
from itertools import pairwise
from typing import NamedTuple

from ..languageid.language import SAMPLE_CHARS, rank
from ..normalize import Repairs, fix_encoding, fix_encoding_line, lines_of, looks_bad
from .textholds import holds_any

#: Characters of a candidate decoding that are judged (enough to tell code pages apart).
JUDGED_CHARS = 65536
#: Scripts told apart when judging a word (first word of a letter's Unicode name). East
#: Asian scripts mix within one word, so they count as one; other letters (``ª``, ``µ``)
#: belong to no script here.
_SCRIPTS = {
    "LATIN": "LATIN", "CYRILLIC": "CYRILLIC", "GREEK": "GREEK", "ARABIC": "ARABIC",
    "HEBREW": "HEBREW", "ARMENIAN": "ARMENIAN", "GEORGIAN": "GEORGIAN", "THAI": "THAI",
    "CJK": "CJK", "HIRAGANA": "CJK", "KATAKANA": "CJK", "HANGUL": "CJK", "BOPOMOFO": "CJK",
    "HALFWIDTH": "CJK", "FULLWIDTH": "CJK", "IDEOGRAPHIC": "CJK",
}
#: Non-letters that may sit between two letters: apostrophes, hyphens, the Catalan l·l, and
#: East Asian punctuation (those languages put no spaces between words).
_BETWEEN_LETTERS = frozenset("'’‐‑–—·・")
#: Non-letters that may touch a letter on one side: quotes, marks and common symbols
#: (the numero sign too: Russian writes ``Приказ№123`` as well as ``Приказ №123``). Not
#: the plus-minus sign, which stands beside numbers: it is ISO-8859-2's ``ą`` (B1) read in
#: cp1250 or cp1252, and Polish in ISO-8859-2 was taken for cp1250, ``Stolic± jest``, with
#: no word implausible but two with a broken bar (``¦``, its ``Ś``) (QA).
_BESIDE_LETTERS = _BETWEEN_LETTERS | frozenset("«»“”„‘‚‹›…¡¿™®©°€£¥¢§¶†‡•‰×÷²³¹¼½¾¬№")
#: Hebrew's geresh and gershayim (``׳``, ``״``) after a Hebrew letter, inside a word or
#: ending it (``צ׳כית``, ``ארה״ב``, ``ע״י``, ``פרופ׳``), as an apostrophe stands in Latin
#: words; and its maqaf (``־``) after one, which joins a word or a prefix letter to the
#: next word, a Latin one too (``אל־עראש``, ``ב־Ctrl``), as a hyphen does. Not a geresh
#: before a point or a Yiddish ligature, which no Hebrew word writes: KOI8-R's ``Вв``
#: (``Автор``) is cp1255's ``ב׳`` before them. Most Hebrew
#: texts hold them, and a word with one was judged mistyped in cp1255, so that even with
#: cp1255 listed first a Hebrew text was built as KOI8-R's capitals (QA s81 decodelong 1).
_HEBREW_SIGNS = frozenset("\u05be\u05f3\u05f4")
_HEBREW_IN_WORD = re.compile("(?<=[\u05d0-\u05ea])[\u05f3\u05f4](?![\u0590-\u05cf\u05f0-\u05ff])")
_HEBREW_MAQAF = re.compile("(?<=[\u05d0-\u05ea])\u05be")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
#: A non-ASCII character right after a letter: inside a word, not at its start.
_INNER_NON_ASCII = re.compile(r"(?<=[^\W\d_])[^\x00-\x7f]")
_ASCII_LETTERS = string.ascii_letters.encode()
_ASCII_UPPER = string.ascii_uppercase.encode()
#: Categories that no typed text holds: private use, unassigned and control characters.
_NEVER_IN_TEXT = frozenset({"Co", "Cn", "Cc"})


#: Backslash markup glued to words: troff's font escapes (``\\fB``, ``\\f(CW``, ``\\f[BI]``:
#: its fonts' names only) and the command names of TeX and RTF (``\\textbf{``, ``\\par ``:
#: ASCII letters that no letter follows, so that a Windows path's ``\\Zażółć`` keeps its
#: word whole). Their letters are ASCII, the same in every code page, and belong to no
#: word: judged with one, they made a man page's words implausible in its own code page
#: (``\\fIversão``: a small letter before a capital; ``\\fB路径``: two scripts), and a
#: cp1252 or GB18030 troff file was refused (QA).
_BACKSLASH_MARKUP = re.compile(
    r"\\f(?:[BIRP1-9]|\([0-9A-Za-z]{2}|\[[0-9A-Za-z]*\])|\\[A-Za-z]+(?![^\W\d_])")


def words_of(text: str) -> list[str]:
    """The words of ``text`` as they are judged: split at whitespace, backslash markup
    (:data:`_BACKSLASH_MARKUP`) taken out first, and byte order marks (GB18030's decodes to
    U+FEFF: glued to the first word, it made a one-line Chinese text one mistyped word)."""
    if "\\" in text:
        text = _BACKSLASH_MARKUP.sub(" ", text)
    if "\ufeff" in text:
        text = text.replace("\ufeff", " ")
    return text.split()


@lru_cache(maxsize=8)
def words_beyond_ascii(text: str) -> tuple[str, ...]:
    """The words of ``text`` (:func:`words_of`) holding characters beyond ASCII, in order:
    those a reading is judged on. A file's chosen reading is split so by its judge
    (:func:`assess`), then by the ranking's and the second look's checks of its words
    (:func:`~corpuskit.decoding.latinalphabets.mixed_alphabet_words`,
    :func:`~corpuskit.decoding.misreadalone.misread_alone`): about 20 µs each time for a legacy
    file of the kit's (2.2 KB). Kept for the last 8 texts (a file's readings; at most a
    few MB, for texts of :data:`JUDGED_CHARS`)."""
    return tuple(word for word in words_of(text) if not word.isascii())


@cache
def script(char: str) -> str:
    """The script of a letter (``LATIN``, ``CYRILLIC``, ``CJK``...), or ``""`` if none."""
    return _SCRIPTS.get(unicodedata.name(char, "").split(" ", 1)[0], "")


def _east_asian_punctuation(char: str) -> bool:
    return "\u3000" <= char <= "\u303f" or "\uff00" <= char <= "\uffef"


#: The punctuation of Chinese and Japanese (of :func:`_east_asian_punctuation`'s ranges).
_EAST_ASIAN_STOPS = re.compile("[" + re.escape("".join(
    chr(code) for ranges in ((0x3000, 0x303F), (0xFF00, 0xFFEF))
    for code in range(ranges[0], ranges[1] + 1)
    if unicodedata.category(chr(code))[0] == "P")) + "]")
_EAST_ASIAN_AND_LATIN = frozenset({"CJK", "LATIN"})
#: Halfwidth katakana and Hangul (U+FF61-U+FFDC): what Latin-1 capitals read as in Shift_JIS
#: (``ﾄrger``, ``Straﾟe``), never taken for East Asian text glued to ASCII.
_HALFWIDTH_LETTERS = ("\uff61", "\uffdc")


def east_asian_with_ascii(word: str) -> bool:
    """Whether ``word``, whose letters are East Asian and Latin, reads as Chinese, Japanese
    or Korean with ASCII words glued to it (``シフトJISで書かれています``, ``使用Python编程``),
    not as Latin text read in an East Asian code page.

    Those languages put no spaces between their words and ASCII ones. A wrong code page
    reads two bytes of a Latin word, an accented letter and the letter after it, as one
    East Asian character inside ASCII letters or at their start or end (``Gr鲞e`` for
    ``Größe``, ``ann閑`` for ``année``, ``it痴`` for cp1252's ``it’s`` in Shift_JIS), two
    characters at most in a row (``g駭駻al`` for ``général``, ``Za矿虫`` for ``Zażółć``),
    and Latin-1 capitals as halfwidth katakana (``ﾄrger``). So: the Latin letters are ASCII,
    none is halfwidth, and the East Asian letters (the non-ASCII ones) come in a run of
    three or more, or in two runs or more of at most two with ASCII letters between them,
    never on both sides of one (``这是PC版``). Of 1,201 words of French, German, Spanish,
    Portuguese, Czech, Polish, English and Russian read in Shift_JIS, EUC-JP, GB18030, Big5
    or EUC-KR from cp1252, Latin-1, cp1250, KOI8-R and others, with letters of both, three
    pass: ``IT-компания`` in KOI8-R read as CJK (``IT-讼托廖裳``), whose Cyrillic reads
    as Han characters with or without the ``IT-`` (a Russian text's other words too: told
    from Chinese by its language, as before). A short word alone (``PC版``, ``iPhoneを``,
    Korean's ``iPhone을``) stays implausible, as before.
    """
    runs = 0  # runs of non-ASCII letters
    longest = 0
    run = 0
    between_ascii = False  # a run with ASCII letters right before and after it
    for i, char in enumerate(word):
        if char.isalpha() and not char.isascii():
            if _HALFWIDTH_LETTERS[0] <= char <= _HALFWIDTH_LETTERS[1] \
                    or script(char) == "LATIN":
                return False
            run += 1
            continue
        if run:
            if char.isascii() and char.isalpha() and i > run \
                    and word[i - run - 1].isascii() and word[i - run - 1].isalpha():
                between_ascii = True
            runs += 1
            longest = max(longest, run)
            run = 0
    if run:
        runs += 1
        longest = max(longest, run)
    return longest >= 3 or (longest == 2 and runs > 1 and not between_ascii)


def _mixes_scripts(part: str) -> bool:
    """Whether ``part`` holds letters of two scripts, unless it is Chinese, Japanese or
    Korean with ASCII words glued to it (:func:`east_asian_with_ascii`)."""
    scripts = {script(c) for c in part if c.isalpha()} - {""}
    return len(scripts) > 1 and not (scripts == _EAST_ASIAN_AND_LATIN
                                     and east_asian_with_ascii(part))


def _one_script_between_punctuation(word: str) -> bool:
    """Whether ``word``, whose letters are of two scripts or more, holds one script in each
    part its punctuation and ASCII symbols leave (:func:`_parts_words`: brackets, quotes,
    hyphens, ``=``, ``<``) (QA s81
    decodelong 7, 8). Option syntax and quotes join words of two scripts with no space,
    ``--arm64[=ПАРАМ]``, ``[--data=<파일>]``, ``和“exact”``, ``PDF-файл``: each such word was
    mistyped, and sound cp1251, cp949 and gb18030 text refused. A wrong code page mixes
    scripts inside a run of letters, turning the accented letter of a Latin word into
    another script's among its ASCII ones (``naпve``, ``Gr鲞e``); punctuation, which reads
    alike in every code page or as a symbol itself, parts nothing there."""
    if not _mixes_scripts(word):  # (``公開鍵のアルゴリズム%dは``: ``dは`` alone would)
        return True
    parts = "".join(" " if _parts_words(c) else c for c in word).split()
    return len(parts) > 1 and not any(_mixes_scripts(part) or _lone_letter(part)
                                      for part in parts)


def _lone_letter(part: str) -> bool:
    """Whether ``part`` of a word has one letter alone, beyond ASCII and not East Asian
    (whose one character may be a word, ``和``): a wrong code page reads a byte beside
    ASCII punctuation as such a letter, cp1255's right-to-left mark as cp1251's ``ю`` in
    ``QTIF:ю`` and ``C++э``, where Hebrew text was so told from its Cyrillic reading."""
    letters = [char for char in part if char.isalpha()]
    return len(letters) == 1 and not letters[0].isascii() and script(letters[0]) != "CJK"


@cache
def _parts_words(char: str) -> bool:
    """Whether ``char`` is punctuation, or an ASCII symbol (``=``, ``<``, ``>``, ``+``),
    which parts a word into words judged apart (:func:`_one_script_between_punctuation`).
    Not a symbol beyond ASCII: a wrong code page reads letters as those (``Za¿ó³æ``)."""
    category = unicodedata.category(char)
    return category[0] == "P" or (char.isascii() and category[0] == "S")


def implausible_word(word: str) -> bool:
    """A word no one types: mixed scripts (``naпve``), a case flip (``пРХБЕР``), a control or
    private-use character, or an odd symbol touching a letter (``Za¿ó³æ``, ``╚ЯОЮ``).

    The verdict depends on the word alone, and the words of a text recur (each candidate
    decoding of a file is judged, then the winner once more), so short words are judged
    once per process (:data:`_VERDICTS`).
    """
    verdict = _VERDICTS.get(word)
    if verdict is None:
        verdict = _EARLIER_VERDICTS.get(word)
        if verdict is None:
            verdict = judge_word(word)
        if len(word) <= _MEMO_WORD_CHARS:
            _remember(word, verdict)
    return verdict


def _remember(word: str, verdict: bool) -> None:
    """Keep ``verdict`` in this generation of :data:`_VERDICTS`; a full generation becomes
    the earlier one, and the one before it is dropped (a verdict judged again is the
    same). A word met in both generations is kept from one to the next: the
    words a corpus uses most stay remembered, where emptying the memo when full had each
    judged afresh (each wrong reading of a legacy file brings a few hundred new words: on a
    mix of 9,906 cp1251, cp1252, GB18030, Latin-1 and UTF-16 files of 2-6 KB, decoding took
    1.15-1.17 ms a file that way, 1.04-1.08 so)."""
    global _VERDICTS, _EARLIER_VERDICTS
    if len(_VERDICTS) >= _MEMO_WORDS:
        _EARLIER_VERDICTS, _VERDICTS = _VERDICTS, {}
    _VERDICTS[word] = verdict


def odd_words(words: Iterable[str]) -> list[str]:
    """The implausible words among ``words`` that are not ASCII (an ASCII word never is):
    ``[w for w in words if not w.isascii() and implausible_word(w)]``, the remembered
    verdicts looked up in the loop (a text's words are most of the time spent judging a
    code page, and nearly all of them are remembered)."""
    known = _VERDICTS.get
    odd = []
    for word in words:
        if word.isascii():
            continue
        verdict = known(word)
        if verdict is None:
            verdict = implausible_word(word)
        if verdict:
            odd.append(word)
    return odd


def judge_word(word: str) -> bool:
    """:func:`implausible_word`, judged afresh (each distinct character looked at once
    where it can be: a word of Chinese or Japanese is a whole paragraph)."""
    chars = set(word)
    if not _HEBREW_SIGNS.isdisjoint(chars):
        # Judged as the words Hebrew's signs leave (:data:`_HEBREW_SIGNS`): a geresh or
        # gershayim after a Hebrew letter is part of its word, a maqaf after one joins two.
        parts = _HEBREW_MAQAF.split(_HEBREW_IN_WORD.sub("", word))
        if parts != [word]:
            return any(implausible_word(part) for part in parts if not part.isascii())
    if _EAST_ASIAN_STOPS.search(word):
        # Chinese and Japanese end their words with these (、。「」（）): a word is judged
        # in the parts they leave (QA: ``は、main,`` and ``A-Z)、数字`` in Japanese read as
        # Shift_JIS were two odd words, and the same bytes read as gb18030 won on fewer).
        parts = _EAST_ASIAN_STOPS.split(word)
        return any(implausible_word(part) for part in parts if not part.isascii())
    scripts = {script(c) for c in chars if c.isalpha()} - {""}
    if len(scripts) > 1 and not _one_script_between_punctuation(word):
        return True
    if any(c.isupper() for c in chars):  # else no case flip
        for before, after in pairwise(word):
            # Of a letter that is not ASCII: a wrong code page swaps the case of those
            # letters only (ASCII reads the same in every one), so "iPhone" tells nothing.
            if before.isalpha() and after.isalpha() and before.islower() and after.isupper() \
                    and not (before.isascii() and after.isascii()):
                return True
    if all(c.isascii() or c.isalpha() for c in chars):
        return False
    last = len(word) - 1
    for i, char in enumerate(word):
        if char.isascii() or char.isalpha():
            continue
        category = unicodedata.category(char)
        if category in _NEVER_IN_TEXT:
            return True
        if category[0] == "M":
            # A mark goes on the letter before it: one that begins a word has none (QA:
            # Russian read as cp1255 began its words with Hebrew vowel points, and won)
            if i == 0 or not (word[i - 1].isalpha()
                              or unicodedata.category(word[i - 1])[0] == "M"):
                return True
            continue
        if _east_asian_punctuation(char):
            continue
        left = i > 0 and word[i - 1].isalpha()
        right = i < last and word[i + 1].isalpha()
        if (category[0] in "PS" or category == "No") and "CJK" in (
                script(word[i - 1]) if i > 0 else "", script(word[i + 1]) if i < last else ""):
            # 计划”为: Chinese and Japanese put quotes and stops between words, and signs
            # and numbers (①名前, ※注意) beside them: their text has no spaces, and one
            # such character made a whole paragraph one implausible word.
            continue
        if left and right and char not in _BETWEEN_LETTERS \
                and not _ellipsis_after_ascii(word, i):
            return True
        if (left or right) and char not in _BESIDE_LETTERS:
            return True
    return False


def _ellipsis_after_ascii(word: str, at: int) -> bool:
    """Whether character ``at`` of ``word`` is an ellipsis after an ASCII letter, as typed
    text writes one between words (``try…catch``, ``wait…what``): a cp1252 JSON file of 50
    KB whose one character beyond ASCII was that ellipsis was one mistyped word of one,
    and refused with cp1252 listed alone (QA s83 qa-foreign 2). UTF-8 read in a Windows
    code page puts one after the letter its first byte reads as (C2-DF: ``Ã…rsrapport``
    for ``Årsrapport``, ``Ñ…`` for Cyrillic ``х``), never after an ASCII letter."""
    return word[at] == "…" and word[at - 1].isascii()


#: Words up to _MEMO_WORD_CHARS characters long whose verdicts are remembered, up to
#: _MEMO_WORDS of them in each of two generations (a bound of about 8 MB: longer words are
#: rare and judged each time).
_MEMO_WORD_CHARS = 48
_MEMO_WORDS = 1 << 15
#: The verdicts remembered: this generation, and the one before (see :func:`_remember`).
_VERDICTS: dict[str, bool] = {}
_EARLIER_VERDICTS: dict[str, bool] = {}


def _mostly_capitals(letters: Counter[str]) -> bool:
    """Whether at least four of ``letters`` (characters, counted) are capitals or small
    letters, and more than half of those capitals."""
    cased = sum(n for c, n in letters.items() if c.isupper() or c.islower())
    return cased >= 4 and 2 * sum(n for c, n in letters.items() if c.isupper()) > cased


def _implausibility(text: str, words: Sequence[str], odd: int) -> int:
    """How many non-ASCII words of ``text`` look like a wrong code page (0 is best), given
    those ``words`` (in order) and how many of them are ``odd`` (implausible)."""
    count = odd
    ascii_text = text.encode("ascii", "ignore")
    plain = len(ascii_text) - len(ascii_text.translate(None, _ASCII_LETTERS))
    plain_upper = len(ascii_text) - len(ascii_text.translate(None, _ASCII_UPPER))
    counted = Counter(_NON_ASCII.findall(text))
    non_ascii = counted.items()  # each distinct character once
    accented = sum(n for c, n in non_ascii if c.isalpha() and script(c) == "LATIN")
    if accented >= 4 and accented * 4 > (plain + accented) * 3:
        # Latin-script languages write most letters in ASCII; text where three in four
        # letters are accented is another script read in a Latin code page.
        count += len(words)
    if plain >= 4 and 2 * plain_upper < plain and _mostly_capitals(counted) \
            and _mostly_capitals(Counter(_INNER_NON_ASCII.findall(_without_capital_words(
                text)))):
        # Mostly capital non-ASCII letters in lower-case text, inside words too: KOI8-R
        # read as cp1251 or back (each swaps the other's capitals and small letters). The
        # capitals that start words are no sign: the titles of French text in a Latin
        # code page ("État de l'Économie") had it refused; nor are those of a word written
        # in capitals, ASCII letters too: a Portuguese heading ("A NAÇÃO E A
        # CONSTITUIÇÃO") above lower-case text had its cp1252 file refused.
        count += len(words)
    if miscased_throughout(words, {char for char in counted if char.isupper()}):
        count += len(words)
    return count


#: Runs of letters: the parts of a word whose case is judged (``Санкт-Петербург``, ``«Война»``).
_LETTER_RUNS = re.compile(r"[^\W\d_]+")


def miscased(word: str) -> bool:
    """Whether a run of letters of ``word`` has a capital outside ASCII after its first
    letter and is not written in capitals: ``гАМФЦ``, ``ААгнйхгя``, ``ЕДг`` (a capital after
    a small letter, or capitals before small ones), as a code page of another script
    makes of its letters (cp1256's Arabic read in KOI8-R); not ``Епг``, ``МФЦ``, nor
    ``iPhone``'s ASCII capital (a wrong code page changes no ASCII letter)."""
    if word.islower() or word.isupper() or word[1:].islower() \
            or inflected_capital_word(word):  # (QA s81 decodelong 7: KÄÄNNÖSJOUKOsta)
        return False  # the words of typed text, quickly (a word of no case is neither)
    for run in _LETTER_RUNS.findall(word):
        if any(c.islower() for c in run) and any(
                c.isupper() and not c.isascii() for c in run[1:]):
            return True
    return False


#: Of a reading's words with letters outside ASCII, the share miscased (:func:`miscased`)
#: from which the reading is no text, and the fewest such words that can tell.
_MISCASED_SHARE = 3
_MISCASED_WORDS = 3


def miscased_throughout(words: Sequence[str], capitals: Set[str] | None = None) -> bool:
    """Whether at least a third of ``words`` (the non-ASCII words of a reading, and at
    least :data:`_MISCASED_WORDS` of them) are :func:`miscased`.

    (QA: kit 2) Arabic in cp1256 read as KOI8-R gives words of Cyrillic capitals and small
    letters mixed (``гАМФЦ гАлЦА ААгнйхгя ЕДг МФЦ``); only a capital after a small letter
    made a word implausible, and a text of a small vocabulary whose other words happened
    to be written in capitals or as titles (``МФЦ``, ``Епг``) had at most half of its words
    so, and was built in KOI8-R, language und, where its siblings were refused with the
    advice to add cp1256. Typed text writes a word in small letters, as a title, or in
    capitals: a few brand names (``МегаФон``) or Irish (``na hÉireann``) mix them, never a
    third of a text's words.

    ``capitals``: the capitals beyond ASCII the words hold, if known. A word with none is
    not miscased, and is not looked at: the words of a legacy file's readings were each
    looked at, where most hold no such capital (miscased alone took 2% of decoding them).
    """
    needed = max(_MISCASED_WORDS, -(-len(words) // _MISCASED_SHARE))
    if capitals is not None:
        words = [word for word in words if not capitals.isdisjoint(word)] if capitals else ()
    found = 0
    for word in words:
        if miscased(word):
            found += 1
            if found >= needed:
                return True
    return False


def capital_word(word: str) -> bool:
    """A word written in capitals, with an ASCII letter among them (``NAÇÃO``, ``ÚŘAD``):
    a heading's, not the case swap of a wrong code page (whose words are all non-ASCII
    letters: KOI8-R's ``спасибо`` read in cp1252 is ``ÓÐÁÓÉÂÏ``)."""
    return word.isupper() and any(c.isascii() and c.isalpha() for c in word)


def inflected_capital_word(word: str) -> bool:
    """A :func:`capital_word` with an ending in small letters glued to it: Finnish and
    Estonian inflect a word written in capitals so (``KÄÄNNÖSJOUKOsta``), where a sound
    cp1252 file was refused as "capitals and small letters swapped" (QA s81 decodelong
    7). A wrong code page's capitals are all non-ASCII letters (``ÐÒÉ×ÅÔ``), with no
    ASCII letter among them."""
    capitals = [at for at, char in enumerate(word) if char.isupper()]
    if not capitals or capitals[-1] == len(word) - 1:
        return False
    ending = word[capitals[-1] + 1:]
    return capital_word(word[:capitals[-1] + 1]) and ending.islower() \
        and ending[0].isalpha()


def _without_capital_words(text: str) -> str:
    """``text``'s words but its :func:`capital_word` ones and those with an ending
    (:func:`inflected_capital_word`), a space between two."""
    return " ".join(word for word in text.split()
                    if not (capital_word(word) or inflected_capital_word(word)))


class Judgement(NamedTuple):
    """A candidate decoding as it is judged: its first :data:`JUDGED_CHARS` characters as
    normalization's fix-encoding step will leave them, and the verdicts on their words
    (each word is judged once, for both the ranking and :func:`plausible`)."""

    text: str
    implausibility: int
    #: Characters of the words holding non-ASCII characters, and of the implausible ones.
    word_chars: int
    odd_chars: int
    words: int
    #: Words that look typed but hold a letter of a language the text is not in
    #: (:func:`foreign_letter_words`): misread, but not counted as implausible, since a
    #: text may name a word of another language (``Guðmundsson``); the code pages are
    #: told apart on them in :mod:`corpuskit.decoding.codepages`.
    foreign: int = 0


def assess(judged: str) -> Judgement:
    """The verdicts on ``judged``, a candidate's text as fix-encoding leaves it."""
    words = words_beyond_ascii(judged)
    odd = odd_words(words)
    return Judgement(judged, _implausibility(judged, words, len(odd)), sum(map(len, words)),
                     sum(map(len, odd)), len(words), len(foreign_letter_words(judged, words)))


# -- Letters of a few languages, in a text in none of them (QA s81 qa-decodelong 2-3) ------

#: Letters of the Latin alphabets that only a few languages write (py3langid's labels),
#: which a wrong code page reads other languages' letters as: cp1252 reads cp1257's ``š ž``
#: and cp1254's ``ğ ş ı`` as Icelandic's and Faroese's ``ð þ ý`` (``Tðehhi``, ``aþaðýdaki``
#: for Estonian ``Tšehhi``, Turkish ``aşağıdaki``), cp1254 reads cp1257's ``š ž`` as
#: ``ğ ş`` (``Tğehhi``), cp1250 reads them as ``đ ţ`` (``Tđehhi``). Each is a letter, and
#: the word looks typed; only the text's language tells that none of its languages writes
#: it. A letter written by many (``š``, ``ç``, ``ø``) tells nothing so.
_FEW_WRITE: dict[str, frozenset[str]] = {
    letter: frozenset(languages) for letters, languages in (
        ("ðÐ", ("is", "fo")), ("þÞ", ("is",)), ("ýÝ", ("is", "fo", "cs", "sk", "tk")),
        ("ğĞıİ", ("tr", "az", "crh")), ("şŞ", ("tr", "az", "crh", "ku", "tk", "ro")),
        ("ţŢ", ("ro",)), ("đĐ", ("hr", "bs", "sr", "vi")))
    for letter in letters}
#: Below this probability that a text is in one of the languages that write such a letter
#: (by py3langid, over its lines beyond ASCII), a word holding it is misread: Estonian read
#: as cp1252 is 99.7% Estonian, Turkish 34% Turkish, 22% Turkmen (which writes ``ý``); of
#: 100 paragraphs each of the system's Icelandic and Faroese messages, the least so is
#: 87% and 76% Icelandic or Faroese, half of them 99.9% or more.
_FEW_WRITE_SHARE = 0.5


def foreign_letter_words(text: str, words: Sequence[str]) -> list[str]:
    """The ``words`` of ``text`` (its words beyond ASCII, in order) holding a letter of
    :data:`_FEW_WRITE` whose languages ``text`` is unlikely to be in
    (:data:`_FEW_WRITE_SHARE`): such a letter there is another language's letter read in
    a wrong code page. The language is asked only of a text holding such a letter."""
    if not holds_any(text, _FEW_WRITE):
        return []
    shares = _language_shares(text)
    foreign = {letter for letter, languages in _FEW_WRITE.items()
               if sum(shares.get(language, 0.0) for language in languages)
               < _FEW_WRITE_SHARE}
    if not foreign:
        return []
    return [word for word in words if not foreign.isdisjoint(word)]


def _language_shares(text: str) -> dict[str, float]:
    """The probability of each language for ``text``'s lines beyond ASCII."""
    return dict(languages_beyond_ascii(text))


@lru_cache(maxsize=16)
def languages_beyond_ascii(text: str) -> tuple[tuple[str, float], ...]:
    """Every language with its probability for the lines of ``text`` beyond ASCII (the
    identifier reads their first :data:`~corpuskit.languageid.language.SAMPLE_CHARS` characters),
    most probable first.

    One ranking of a reading serves each check that asks its language: the words holding
    letters of a language it is not in (:func:`foreign_letter_words`), the fit of each
    code page that reads the file so (:mod:`corpuskit.decoding.codepagelanguages`), the second
    look, the spelling of Central Europe's letters. Each asked the identifier itself: on
    the kit's legacy files, 795 rankings for 572 files, 150 of them of a sample ranked
    already (the same text for two code pages or checks, or two readings of a file alike
    in the characters the identifier reads: cp1252's and cp1250's ``é á í ó ú ü ö``).
    Kept for the last 16 texts and samples (a file's readings, a file at a time)."""
    sample = "\n".join(line for line in text.splitlines() if not line.isascii())
    return _ranked(sample[:SAMPLE_CHARS])  # (all the identifier reads of it)


@lru_cache(maxsize=16)
def _ranked(sample: str) -> tuple[tuple[str, float], ...]:
    """The identifier's ranking of ``sample`` (:func:`languages_beyond_ascii`)."""
    return tuple(rank(sample))


def judge(text: str, repairs: Repairs | None = None) -> Judgement:
    # Mojibake (UTF-8 read as cp1252, in a file mixing both) is repaired by normalize's
    # fix-encoding step; judge the text it will become. ``repairs``: lines repaired
    # already (by :func:`more_implausible_than`, for the same file).
    return assess(fix_encoding(text[:JUDGED_CHARS], repairs))


def plausible(judgement: Judgement) -> bool:
    """Whether a legacy decoding reads as text, judged on its words holding non-ASCII
    characters: at most half of them (and of their characters) implausible.

    Mojibake that normalization repairs is not held against a decoding. Every byte is a
    character in KOI8-R, so any file without NUL bytes "decodes"; what
    comes out of noise is box drawing glued to letters of several scripts, refused here.
    """
    return (2 * judgement.implausibility <= judgement.words
            and 2 * judgement.odd_chars <= judgement.word_chars)



def more_implausible_than(text: str, bound: int, repairs: Repairs | None = None) -> bool:
    """Whether ``text`` as fix-encoding will leave it surely has more than ``bound``
    implausible words (``False`` means: perhaps not).

    The words of a line count as fix-encoding will leave the line. Fix-encoding works line
    by line: it hands a line to ftfy only if the line is not ASCII and the whole text
    looks bad, and ftfy returns a line unchanged unless its badness pattern matches there.
    Implausibility never subtracts, so the implausible words of some lines, as they will
    be, are a lower bound. First the lines no repair can change are counted; then, if
    that is not enough, the lines that hold implausible words and may be repaired, each
    repaired as fix-encoding will repair it (:func:`~corpuskit.normalize.fix_encoding_line`).
    A decoding that reads as noise usually shows more implausible words in its first
    lines than the best one so far has in all, and is dropped without repairing and
    judging all of it: Chinese read as cp1252 looks bad on every line, and its first
    repaired line is enough. ``repairs``: lines repaired already, looked up and added to,
    so that a reading judged after all is not repaired twice.
    """
    count = 0
    repairable: list[tuple[str, int]] = []  # lines ftfy may change, and their odd words now
    for line in lines_of(text):  # fix-encoding's lines, whatever their breaks
        if line.isascii():
            continue
        odd = len(odd_words(words_of(line)))
        if not odd:
            continue
        if looks_bad(line):
            repairable.append((line, odd))
            continue
        count += odd
        if count > bound:
            return True
    if not repairable:
        return False
    repaired = looks_bad(text)  # fix-encoding's own test: else it changes no line
    for line, odd in repairable:
        count += (len(odd_words(words_of(fix_encoding_line(line, repairs)))) if repaired
                  else odd)
        if count > bound:
            return True
    return False
