"""A short file in a code page of Chinese, Japanese or Korean whose bytes are valid UTF-8 by
chance (QA s79 decode-false 2).

Those code pages write a character as two bytes, a first one from 0x81 and a second one, and
UTF-8 writes U+0080 to U+07FF as two bytes too, a first one from C2 to DF and a second one
from 80 to BF. A line of Chinese whose every character falls in those ranges is valid
UTF-8: ``职业学院实习通知`` in gb18030 reads ``ְҵѧԺʵϰ֪ͨ``, and strict UTF-8, tried before
any code page, took it. Read so, its words are letters of the scripts of that range mixed
inside one word (Hebrew, Cyrillic, Armenian, Greek, Arabic, Syriac, Thaana, NKo, Latin
beyond ASCII), a script's own mark or point on another script's letter or on none, or a
symbol or a character no text holds between letters: no text is so written.

So a file valid as UTF-8 whose characters beyond ASCII all lie in U+0080 to U+07FF and more
than half of whose words with such characters (of its first 32) are so (:func:`by_chance`)
is read in a listed code page of Chinese, Japanese or Korean when one reads it as their
text (:func:`east_asian_reading`), and refused, naming one that would, when only an
unlisted one does. ASCII letters are of no script here (``IT-компания`` is a Russian word,
and gb18030 reads its UTF-8 as ``IT-讼托廖裳``), nor are the letters of the Greek alphabet,
which science writes beside letters of any script (``μg``, ``Δt-интервал``); Latin letters
mix with Cyrillic (Ossetian's ``æ``, Chuvash's ``ĕ``), and a combining mark of no script
(an accent, a stress mark: ``приве́т``) may go on any letter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache
from itertools import islice
from typing import TYPE_CHECKING

from .plausibility import Judgement, judge, plausible, script

if TYPE_CHECKING:  # the legacy code pages' modules: imported for a text read by chance
    from .codepagelanguages import Reading

#: A character beyond U+07FF: UTF-8 writes it in three bytes or four, which no two-byte
#: character of a code page makes by chance as easily (and its text is never judged here).
_BEYOND_TWO_BYTES = re.compile("[^\x00-\u07ff]")
#: A character of U+0080 to U+07FF but printable Latin (U+00A0 to U+024F): a text with none
#: is not judged. The characters a Chinese, Japanese or Korean code page's give as UTF-8
#: by chance are spread over the range by their first byte (C2 to C9 give U+0080 to U+027F,
#: CA to DF the rest up to U+07FF): a text whose every one falls in Latin's is a word of
#: one or two characters at most, and judging every French or German text's accented words
#: cost about 4% of a cold build's CPU (the kit's corpus: 9,143 of 10,000 files judged).
_BEYOND_LATIN = re.compile("[\x80-\x9f\u0250-\u07ff]")
#: The scripts of U+0080 to U+07FF, by the first word of a character's Unicode name.
_SCRIPTS = frozenset({"LATIN", "GREEK", "COPTIC", "CYRILLIC", "ARMENIAN", "HEBREW", "ARABIC",
                      "SYRIAC", "THAANA", "NKO"})
#: Characters no text holds: unassigned, private use, controls (C1: 0x80-0x9F).
_NEVER_IN_TEXT = frozenset({"Cn", "Co", "Cc"})
#: Symbols and punctuation that may stand between two letters: the Catalan l·l.
_BETWEEN_LETTERS = frozenset("·")


@cache
def _script(char: str) -> str:
    """The script of a letter, digit, mark or sign of U+0080 to U+07FF (``HEBREW`` for a
    Hebrew point, ``LATIN`` for a combining Latin letter, ``ARABIC`` for an Arabic-Indic
    digit), or ``""`` for none: modifier letters, signs of no script, combining marks of
    any script (accents)."""
    name = unicodedata.name(char, "")
    first, _, rest = name.partition(" ")
    if first == "COMBINING":
        first = rest.partition(" ")[0]
    elif first in ("ARABIC-INDIC", "EXTENDED"):  # (EXTENDED ARABIC-INDIC DIGIT)
        first = "ARABIC"
    return first if first in _SCRIPTS else ""


def _greek_letter(char: str) -> bool:
    """Whether ``char`` is a letter of the Greek alphabet, Α to ω (no accents, symbols or
    Coptic), which science text writes beside any script."""
    return "\u0391" <= char <= "\u03a9" or "\u03b1" <= char <= "\u03c9"


def _mark_misplaced(char: str, base: str | None) -> bool:
    """Whether the combining mark ``char`` sits where no text puts it: on no letter
    (``base`` None: it begins a word or follows a sign), or, a mark of a script (a Hebrew
    point, a combining Latin letter), on a letter of another script (``base``)."""
    if base is None:
        return True
    own = _script(char)
    return bool(own) and bool(base) and own != base


def _symbol_between_letters(word: str, at: int) -> bool:
    """Whether the sign at ``at`` in ``word`` stands between two letters beyond ASCII and
    is of neither's script (Hebrew's maqaf and gershayim, Armenian's question mark on a
    vowel, are of theirs)."""
    if at == 0 or at == len(word) - 1:
        return False
    before, char, after = word[at - 1], word[at], word[at + 1]
    if before.isascii() or after.isascii() or not (before.isalpha() and after.isalpha()):
        return False
    return char not in _BETWEEN_LETTERS and _script(char) not in (_script(before),
                                                                   _script(after))


def chance_word(word: str) -> bool:
    """Whether ``word``, read as UTF-8, is no word of any text: letters beyond ASCII of two
    scripts or more (the Greek alphabet of none), a misplaced mark (:func:`_mark_misplaced`),
    a sign between two letters (:func:`_symbol_between_letters`), or a character no text
    holds. ASCII letters are of no script here but are the letters an accent goes on
    (decomposed ``é``). A word of one script's letters is told at once
    (:func:`_letters_of_one_script`)."""
    if _letters_of_one_script(word):
        return False
    return _chance_word_judged(word)


def _chance_word_judged(word: str) -> bool:
    """:func:`chance_word`, character by character."""
    if len(word) == 1 and unicodedata.category(word)[0] == "M":
        return False  # a mark shown alone, as a text about marks may (a table of points)
    scripts: set[str] = set()
    base: str | None = None  # the script of the letter a mark would go on; None: no letter
    for at, char in enumerate(word):
        if char.isascii():
            base = "LATIN" if char.isalpha() else None
            continue
        if char > "\u07ff":  # (not of two bytes: :func:`by_chance` finds it UTF-8)
            return False
        category = unicodedata.category(char)
        if category in _NEVER_IN_TEXT:
            return True
        if category[0] == "M":
            if _mark_misplaced(char, base):
                return True
            continue  # (marks stacked on one letter keep its script)
        own = _script(char)
        if char.isalpha():
            base = "GREEK" if _greek_letter(char) else own
            if own and not _greek_letter(char):
                scripts.add(own)
            continue
        base = None
        if category == "Nd" and own:  # a script's digits glued to another's letters
            scripts.add(own)
        elif (category[0] in "PS" or category == "No") and _symbol_between_letters(word, at):
            return True
    if "CYRILLIC" in scripts:  # Ossetian writes Latin æ in Cyrillic words, Chuvash ĕ, ă, ç
        scripts.discard("LATIN")
    return len(scripts) > 1


def _script_letters() -> dict[str, str]:
    """Per script of :data:`_SCRIPTS`, its letters of U+0080 to U+07FF (each a letter to
    ``str.isalpha``, of that script to :func:`_script`, not of the Greek alphabet), as the
    body of a regex class; ``""``: the letters of none (modifier letters, the Greek
    alphabet), which count for no script."""
    letters: dict[str, list[str]] = {}
    for code in range(0x80, 0x800):
        char = chr(code)
        if char.isalpha():
            own = "" if _greek_letter(char) else _script(char)
            letters.setdefault(own, []).append(re.escape(char))
    return {own: "".join(chars) for own, chars in letters.items()}


def _one_script_words(ascii_chars: str = "\\x00-\\x7f", repeat: str = "*+") -> str:
    """The pattern of words of ASCII (``ascii_chars``, a class's body) and letters of one
    script beyond it (and letters of none), Latin's also with Cyrillic's, maybe between two
    signs of U+0080 to U+07FF (punctuation or symbols, ``«слово»``), each script's
    characters taken ``repeat`` (possessive): :func:`_chance_word_judged` finds every such
    word a word. A sign is taken at a word's ends only (between two letters it may make a
    chance word), and no mark (whether one is misplaced depends on the letter before
    it)."""
    letters = _script_letters()
    signs = "".join(re.escape(chr(code)) for code in range(0x80, 0x800)
                    if unicodedata.category(chr(code))[0] in "PS"
                    or unicodedata.category(chr(code)) == "No")
    none = letters.pop("", "")
    latin = letters.get("LATIN", "")
    ways = "|".join(
        f"[{ascii_chars}{none}{chars}{latin if own == 'CYRILLIC' else ''}]{repeat}"
        for own, chars in sorted(letters.items()))
    return f"[{signs}]?(?:{ways})[{signs}]?"


_ONE_SCRIPT_WORD = re.compile(_one_script_words())


def _letters_of_one_script(word: str) -> bool:
    """Whether ``word`` is ASCII and letters of one script (:func:`_one_script_words`):
    no word :func:`chance_word` judges so is a chance word, and nearly every word of a
    language written in U+0080 to U+07FF is one. Told with one regex rather than a loop of
    Python's over its characters: 0.24 µs a word judged against 2.2, the first words of a
    Russian text judged in 24 µs against 53 (the kit's corpus)."""
    return _ONE_SCRIPT_WORD.fullmatch(word) is not None


#: Words beyond ASCII of a text judged (its first): a text UTF-8 by chance is so throughout,
#: and a text of a language written in U+0080 to U+07FF shows itself in half of them.
WORDS_JUDGED = 32
#: A character beyond ASCII that is no space (U+00A0 splits words as ASCII spaces do).
_BEYOND_ASCII = re.compile(r"[^\x00-\x7f\s]")
_SPACE = re.compile(r"\s")
#: Characters of a word judged on either side of its first character beyond ASCII.
_WORD_CHARS = 64
#: Text up to its last whitespace (the regex engine looks back, not a loop of Python's).
_TO_LAST_SPACE = re.compile(r".*\s", re.DOTALL)


def _words_beyond_ascii(text: str) -> Iterator[str]:
    """The words of ``text`` (split at whitespace, as ``str.split``) that hold a character
    beyond ASCII, in order, found from those characters: a long text is not split whole
    for its first words. Of a longer word, the :data:`_WORD_CHARS` characters before its
    first character beyond ASCII and after it (a Chinese paragraph is one word)."""
    end = 0
    while (found := _BEYOND_ASCII.search(text, end)) is not None:
        start = max(end, found.start() - _WORD_CHARS)
        space_before = _TO_LAST_SPACE.match(text, start, found.start())
        if space_before is not None:
            start = space_before.end()
        space = _SPACE.search(text, found.end())
        end = len(text) if space is None else space.start()
        yield text[start:min(end, found.end() + _WORD_CHARS)]


def by_chance(text: str) -> tuple[list[str], int] | None:
    """The words that show ``text`` (a file's strict UTF-8 reading) to be UTF-8 by chance,
    and how many words beyond ASCII were judged; or None. Of its first
    :data:`WORDS_JUDGED` words that hold characters beyond ASCII, more than half are no
    words (:func:`chance_word`), and its characters beyond ASCII all lie in U+0080 to
    U+07FF. A text of a language written in that range has a word or two such at most (a
    brand, a formula): its judging ends when half of those words are words."""
    first = _first_judged(text)
    if first is None or _FIRST_WORDS_OF_ONE_SCRIPT.match(text) is not None:
        return None
    odd: list[str] = []
    words = 0
    for word in islice(_words_beyond_ascii(text), WORDS_JUDGED):
        if _BEYOND_TWO_BYTES.search(word):  # (Chinese in UTF-8: told at its first word)
            return None
        words += 1
        if chance_word(word):
            odd.append(word)
        elif 2 * (words - len(odd)) >= WORDS_JUDGED:
            return None
    # The rest of the text is searched only now, for a verdict that is not None: a text
    # of one script, most of them, is judged by its first words alone (QA s84: a Cyrillic
    # text of 34 M characters was searched to its end, 0.3 -> 70.7 ms).
    if 2 * len(odd) <= words or _BEYOND_TWO_BYTES.search(text, first) is not None:
        return None
    return odd, words


#: The longest word (and run of ASCII of one) :func:`_first_words_of_one_script` matches.
_FIRST_WORD_CHARS = 200


def _first_words_of_one_script() -> re.Pattern[str]:
    """The start of a text whose first ``WORDS_JUDGED // 2`` words holding a character
    beyond ASCII (runs of what is not whitespace, as :func:`_words_beyond_ascii` finds
    them) are each a word of one script (:func:`_one_script_words`), whatever words of
    ASCII come between: :func:`by_chance` would judge each a word, and stop there.

    A text of Cyrillic, Greek, Hebrew or Arabic is told so by one match of its first
    words (3.6 µs), where each was cut out of the text and judged alone (23 µs): 190 of
    the 226 such texts of the kit's first 4,000 documents (the others hold a word with a
    mark, judged as before); by_chance 3.4 -> 2.7 µs a UTF-8 document. A piece of a long
    word that :func:`_words_beyond_ascii` cuts is of one script when the word is."""
    no_space = "!-~\\x00-\\x08\\x0e-\\x1b\\x7f"  # ASCII but whitespace (str.isspace's)
    # A word longer than _FIRST_WORD_CHARS is left to the judging of each word: a file of
    # one long line is not looked through once for each script.
    repeat = f"{{0,{_FIRST_WORD_CHARS}}}+"
    word = _one_script_words(no_space, repeat)
    ascii_word = f"[{no_space}]{{1,{_FIRST_WORD_CHARS}}}+(?:\\s++|\\Z)"
    beyond_ascii = f"(?=[{no_space}]{repeat}[^\\x00-\\x7f\\s])(?:{word})(?=\\s|\\Z)"
    # Each word matched atomically: it can be matched one way only, up to the whitespace
    # after it, and a word of ASCII and letters of no script (``μg``) matched each script's
    # way in turn when a later one failed: 10 ** n tries for n such words (nine took 484 s).
    return re.compile(
        f"(?>\\s*+(?:{ascii_word})*+{beyond_ascii}\\s*+){{{WORDS_JUDGED // 2}}}")


_FIRST_WORDS_OF_ONE_SCRIPT = _first_words_of_one_script()


#: A character of :data:`_BEYOND_LATIN` or :data:`_BEYOND_TWO_BYTES`: neither printable
#: Latin nor ASCII.
_BEYOND_LATIN_OR_TWO_BYTES = re.compile("[^\x00-\x7f\xa0-\u024f]")


def _first_judged(text: str) -> int | None:
    """Where the first character of :data:`_BEYOND_LATIN` in ``text`` ends, if no
    character of :data:`_BEYOND_TWO_BYTES` comes before it; else None: :func:`by_chance`
    judges no text without one, nor a text holding a character beyond U+07FF (``’``,
    ``—``, Chinese), which is never UTF-8 by chance (the rest of the text is searched for
    one only when its words are judged so). Told by one search up to the first character
    of either: most texts with a character beyond Latin hold a typographic quotation mark
    or dash early, where the words were judged up to one holding it, and a Latin text's
    search for one beyond Latin ran to its end (by_chance, with
    :func:`_letters_of_one_script`: 9.8 -> 3.4 µs a UTF-8 document of the kit's
    corpus)."""
    first = _BEYOND_LATIN_OR_TWO_BYTES.search(text)
    return first.end() if first is not None and first.group() <= "\u07ff" else None


def _east_asian_text(encoding: str, text: str, judgement: Judgement) -> bool:
    """Whether ``text``, read in ``encoding``, is text of Chinese, Japanese or Korean: the
    code page is one of theirs, the reading is plausible (``judgement``) and its letters
    beyond ASCII are all of their scripts (Han, kana, Hangul)."""
    from .codepagelanguages import multibyte

    if not multibyte(encoding) or not plausible(judgement):
        return False
    letters = {char for char in text if char.isalpha() and not char.isascii()}
    return bool(letters) and all(script(char) == "CJK" for char in letters)


def east_asian_reading(data: bytes, encodings: tuple[str, ...], odd: int) -> Reading | None:
    """The best reading of ``data`` in the listed code pages of Chinese, Japanese or Korean
    among ``encodings``, if it is their text (:func:`_east_asian_text`) with fewer
    implausible words than the ``odd`` words of its UTF-8 reading; else None."""
    from .codepagelanguages import Reading, multibyte
    from .codepages import best_legacy

    listed = tuple(name for name in encodings if multibyte(name))
    reading = best_legacy(data, listed) if listed else None
    if reading is None:
        return None
    judgement = reading.judgement or judge(reading.text)
    if judgement.implausibility >= odd \
            or not _east_asian_text(reading.encoding, reading.text, judgement):
        return None
    return Reading(reading.encoding, reading.text, judgement)


def east_asian_elsewhere(data: bytes, encodings: tuple[str, ...]) -> Reading | None:
    """The best reading of ``data`` as Chinese, Japanese or Korean text in a code page the
    configuration could add (not among ``encodings``), or None."""
    from .secondlook import readings_elsewhere

    for found in readings_elsewhere(data, encodings):
        if _east_asian_text(found.reading.encoding, found.reading.text, found.judgement):
            return found.reading
    return None
