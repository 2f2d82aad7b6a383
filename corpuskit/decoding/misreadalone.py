"""Readings misread on their own evidence, whether or not a code page corpuskit decodes
reads the file better (:func:`misread_alone`), and what a file so read is told
(:func:`undecoded_advice`).

A file in a code page corpuskit does not decode (cp866, mac-cyrillic, kz1048, ISO-8859-15,
-13, -4, -6, mac-roman, cp1258, cp874) reads in one it decodes as text with a few words
misread: the bytes the two pages share read alike, the others as letters or signs of
another alphabet. With no other reading clearly better (none reads it right), it was
built, exit 0 (QA s82 qa-decode2 3: ``t¨ent¨u``, ``n½uds``, ``представлениЯ``,
``ќўжаты``, ``Japonø (¥Sun``). The signs below are those such readings show and sound text
does not: of 7,340 paragraphs of the system's messages in the language and code page
pairs corpuskit decodes (QA s81 and s82 sets), none shows one, and none of 27,380
decodings of them under four lists each changes; of 5,708 decodings of 2,654 paragraphs in
code pages it does not decode, 2,459 were built misread, 955 still are (README).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import NamedTuple

from ..languageid.language import SAMPLE_CHARS, rank
from .codepagelanguages import CODEPAGE_LANGUAGES, language_fits, sample_fits
from .cyrillicspelling import CYRILLIC_WORD
from .plausibility import (
    _BETWEEN_LETTERS,
    JUDGED_CHARS,
    foreign_letter_words,
    judge,
    miscased,
    plausible,
    script,
    words_beyond_ascii,
)
from .textholds import holds_any

#: Signs that may stand between two letters of sound text beside those of
#: :data:`~corpuskit.decoding.plausibility._BETWEEN_LETTERS`: Hebrew's maqaf, geresh and gershayim,
#: the acute accent typed for an apostrophe (``geht´s``), an ellipsis (``wait…what``).
_SOUND_BETWEEN = _BETWEEN_LETTERS | frozenset("\u05be\u05f3\u05f4´…")
#: Categories of characters that may stand between letters: marks, format characters
#: (Persian's zero-width non-joiner, ``ستون\u200cها``; bidirectional marks; soft hyphens),
#: quotes, brackets and dashes.
_SOUND_CATEGORIES = frozenset({"Cf", "Pi", "Pf", "Ps", "Pe", "Pd"})
#: Currency signs that a wrong code page reads a letter or a quote as (ISO-8859-13's
#: ``„`` is cp1252's ``¥``: ``¥Sun´``); typed text writes them before numbers.
_CURRENCIES = frozenset("¥¤£¢")
#: Letters of one or two Cyrillic alphabets (py3langid's labels), which a wrong code page
#: reads another alphabet's letters as: cp1251 reads kz1048's ``қ ұ ғ ү ң`` as
#: Macedonian's, Belarusian's and Ukrainian's ``ќ ў є ї ѕ`` (``ќўжаты`` for ``құжаты``),
#: and mac-cyrillic's capitals as Serbian's and Macedonian's (``Ђшанти``, ``Ќе``).
#: ``і``, which many write, is none of them.
_CYRILLIC_FEW_WRITE: dict[str, frozenset[str]] = {
    letter: frozenset(languages) for letters, languages in (
        ("ђЂћЋ", ("sr",)), ("јЈљЉњЊџЏ", ("sr", "mk")), ("ѓЃќЌѕЅ", ("mk",)),
        ("ўЎ", ("be", "uz")), ("єЄїЇґҐ", ("uk", "rue")))
    for letter in letters}
#: Below this probability that a text is in one of the languages that write such a letter,
#: a word holding it is misread (as for the Latin letters of
#: :data:`~corpuskit.decoding.plausibility._FEW_WRITE`).
_FEW_WRITE_SHARE = 0.5
#: The small letters of the alphabets of the languages of :data:`_CYRILLIC_FEW_WRITE`. A
#: word holding one of those letters whose letters no alphabet of that letter's languages
#: holds all of is misread, whatever the identifier says: no Cyrillic alphabet writes
#: Serbian's ``ј`` beside ``ю`` (GBK's ``文件`` read as cp1251, ``ОДјю``), Belarusian's
#: ``ў`` beside ``щ``, Ukrainian's ``є`` beside ``э``.
_CYRILLIC_ALPHABETS: dict[str, frozenset[str]] = {
    "sr": frozenset("абвгдђежзијклљмнњопрстћуфхцчџш"),
    "mk": frozenset("абвгдѓежзѕијклљмнњопрстќуфхцчџш"),
    "be": frozenset("абвгдеёжзійклмнопрстуўфхцчшыьэюя"),
    "uz": frozenset("абвгдеёжзийклмнопрстуфхцчшъьэюяўқғҳ"),
    "uk": frozenset("абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"),
    "rue": frozenset("абвгґдеєёжзиіїыйклмнопрстуфхцчшщьъюя"),
}
#: The fewest Cyrillic letters in a text for the language identifier's verdict to tell
#: that a letter of :data:`_CYRILLIC_FEW_WRITE` is the text's own. Asked of one word
#: (``ОДјю``, ``СЎПо``: short GBK Chinese read as cp1251 beside ASCII) it names the
#: letter's languages (Serbian 0.41, Uzbek 0.43) as surely as of real text; with fewer
#: letters, a word holding such a letter must also be cased as typed words are
#: (:func:`~corpuskit.decoding.plausibility.miscased`, ``СЎПо`` is not) (QA s83 qa-decode2 R2).
_CYRILLIC_SURE_LETTERS = 20
#: Words holding a Latin letter only a few languages write, in a text in none of them
#: (:func:`~corpuskit.decoding.plausibility.foreign_letter_words`), that make a reading misread on
#: their own: one is a name (``Guðmundsdóttir`` in English, ``AÐERTY`` in Danish); and
#: below what probability of its most probable language of its code page: an English
#: text naming ``Guðmundsdóttir`` and ``Þingvellir`` is English, Lithuanian in
#: ISO-8859-13 read as cp1252 (``Japonø``, ``deðinëje``) 5% in any of cp1252's.
_FOREIGN_WORDS = 2
_FOREIGN_UNSURE = 0.8
#: The fewest letters the rest of a text's lines beyond ASCII must hold, the words holding
#: such letters taken out, for its language to tell that they are names in a text of
#: another language (:func:`_fluent_without`).
_REST_LETTERS = 20
#: Symbols beyond ASCII in one word that make it noise (cp866's Russian read as cp1252,
#: ``¢à¥¬ï``).
_NOISE_SYMBOLS = 3
_LETTER_RUNS = re.compile(r"[^\W\d_]+")
#: Words a message quotes.
_SHOWN = 3


def _east_asian(char: str) -> bool:
    """Whether ``char`` is CJK or full-width punctuation, which Chinese and Japanese write
    between their words and ASCII ones with no space (``FSFAP、MIT``, ``%s：clean``)."""
    return "\u3000" <= char <= "\u303f" or "\uff00" <= char <= "\uffef"


#: Signs beyond ASCII that typed text writes between two letters now and then, beside
#: those of :data:`_SOUND_BETWEEN`: the degree sign (``n°NOMBRE``, French's numero before a
#: placeholder, where :func:`_numero` does not tell it) and the multiplication sign
#: (``m×n``). A wrong code page reads letters as them too (ISO-8859-16's ``Ś`` as cp1252's
#: ``×``), so a reading is misread by them only where they stand between letters in one
#: word in :data:`_WRITTEN_SIGN_SHARE` of its words beyond ASCII or more, and in
#: :data:`_WRITTEN_SIGN_WORDS` words at least: one ``n°NOMBRE`` made GNU tar's whole French
#: catalogue in cp1252, 922 such words, refused, cp1252 listed alone (QA s83 qa-foreign 2).
_WRITTEN_SIGNS = frozenset("°×")
_WRITTEN_SIGN_SHARE = 10
_WRITTEN_SIGN_WORDS = 2
#: Spanish's opening question and exclamation marks, which begin a sentence: before a
#: capital they follow a letter only where markup glues them to it (``%0A¿Quiere`` in
#: GnuPG's Spanish catalogue, refused as cp1252: :func:`_sign_at`). Between small letters
#: they are a wrong code page's letters (cp1250's ``ż``, mac-roman's ``ø``: ``mo¿e``).
_OPENING_MARKS = frozenset("¿¡")


def _numero(word: str, at: int) -> bool:
    """Whether the ``°`` at ``at`` in ``word`` follows a lone ``n`` or ``N``: the numero
    abbreviation of French, Italian, Spanish and Portuguese (``n°NOMBRE``, ``N°SÉRIE``)."""
    return at >= 1 and word[at - 1] in "nN" and (at == 1 or not word[at - 2].isalpha())


def _sign_at(word: str, at: int) -> bool:
    """Whether character ``at`` of ``word`` is a sign beyond ASCII between two letters
    that sound text does not write there: neither East Asian (whose text has no spaces),
    nor the sign their punctuation (:func:`_east_asian`), nor a numero (:func:`_numero`),
    nor an opening mark before a capital (:data:`_OPENING_MARKS`)."""
    char = word[at]
    if char.isascii() or char.isalpha() or char in _SOUND_BETWEEN:
        return False
    category = unicodedata.category(char)
    if category[0] == "M" or category in _SOUND_CATEGORIES or _east_asian(char) \
            or unicodedata.name(char, "").startswith("ARABIC"):  # (``،`` unspaced)
        return False
    before, after = word[at - 1], word[at + 1]
    if not (before.isalpha() and after.isalpha()) or "CJK" in (script(before), script(after)):
        return False
    return not ((char == "°" and _numero(word, at))
                or (char in _OPENING_MARKS and after.isupper()))


def _signs_between_letters(word: str) -> frozenset[str]:
    """The signs of ``word`` beyond ASCII that stand between two letters where sound text
    does not write them (:func:`_sign_at`)."""
    return frozenset(word[at] for at in range(1, len(word) - 1) if _sign_at(word, at))


def _sign_between_letters(word: str) -> bool:
    """Whether ``word`` holds a sign beyond ASCII between two letters (:func:`_sign_at`)
    but those of :data:`_WRITTEN_SIGNS`: ``t¨ent¨u``, ``n½uds``, ``Sada¶as``, ``أس×ر``
    (an Arabic letter, not a Latin one, each side of a ``×``: :func:`_written_sign`)."""
    return any(not _written_sign(word, sign) for sign in _signs_between_letters(word))


def _written_sign(word: str, sign: str) -> bool:
    """Whether ``sign``, between letters in ``word``, is one of :data:`_WRITTEN_SIGNS`
    and Latin letters stand each side of it wherever it does (cp1256 reads ISO-8859-6's
    ``ط`` as ``×``: ``أس×ر``)."""
    return sign in _WRITTEN_SIGNS and all(
        script(word[at - 1]) == script(word[at + 1]) == "LATIN"
        for at in range(1, len(word) - 1) if word[at] == sign and _sign_at(word, at))


def _written_sign_between_letters(word: str) -> bool:
    """Whether ``word``'s signs between letters (:func:`_sign_at`) are all written ones
    (:func:`_written_sign`), and it has one."""
    signs = _signs_between_letters(word)
    return bool(signs) and all(_written_sign(word, sign) for sign in signs)


def _symbol_between_east_asian(word: str) -> bool:
    """Whether ``word`` holds a symbol beyond ASCII but an arrow between two East Asian
    letters: Thai in cp874 read as Big5, gb18030 or a Japanese code page (``抉△彃``,
    ``禮珗÷蹴``), where Chinese and Japanese write quotes and stops and, of symbols,
    arrows (``右→左``); none of 2,400 paragraphs of theirs holds one."""
    for at in range(1, len(word) - 1):
        char = word[at]
        if char.isascii() or unicodedata.category(char)[0] != "S" \
                or "ARROW" in unicodedata.name(char, ""):
            continue
        before, after = word[at - 1], word[at + 1]
        if before.isalpha() and after.isalpha() and script(before) == script(after) == "CJK":
            return True
    return False


def _capital_after_small(word: str) -> bool:
    """Whether a run of letters of ``word`` has a capital beyond ASCII after two small
    letters, last in the run (``представлениЯ``: mac-cyrillic's ``я`` read as cp1251) or,
    Latin, anywhere (``hiĚnh``, ``fźr``... ``thõÌi``). Camel case writes a capital
    after small letters to begin a part of two letters or more, Latin ones in ASCII
    (``СимВек``, ``ИксКБ``, ``ΔημοσΚλειδί``)."""
    for run in _LETTER_RUNS.findall(word):
        for at in range(2, len(run)):
            char = run[at]
            if char.isupper() and not char.isascii() and run[at - 1].islower() \
                    and run[at - 2].islower() \
                    and (at == len(run) - 1 or script(char) == "LATIN"):
                return True
    return False


def _scripts_touching(word: str) -> bool:
    """Whether two letters beyond ASCII of two scripts touch in ``word`` (``هطçر``;
    Chinese writes Greek letters so, ``的α混色``, and no other)."""
    for one, other in pairwise(word):
        if one.isalpha() and other.isalpha() and not one.isascii() \
                and not other.isascii():
            scripts = {script(one), script(other)}
            if len(scripts) == 2 and "" not in scripts and scripts != {"CJK", "GREEK"}:
                return True
    return False


def _currency_before_letter(word: str) -> bool:
    """Whether ``word`` has a currency sign of :data:`_CURRENCIES` right before a letter."""
    return any(one in _CURRENCIES and other.isalpha() for one, other in pairwise(word))


def _noise(word: str) -> bool:
    """Whether ``word`` holds letters and :data:`_NOISE_SYMBOLS` symbols beyond ASCII."""
    symbols = sum(1 for char in word
                  if not char.isascii() and unicodedata.category(char)[0] == "S")
    return symbols >= _NOISE_SYMBOLS and any(char.isalpha() for char in word)


def _sign_beyond_ascii(char: str) -> bool:
    """Whether ``char`` may be a sign :func:`_sign_at` finds between letters: beyond ASCII,
    no letter, none of :data:`_SOUND_BETWEEN` (a word without one has no such sign)."""
    return not char.isascii() and not char.isalpha() and char not in _SOUND_BETWEEN


def _symbol_beyond_ascii(char: str) -> bool:
    """Whether ``char`` is a symbol beyond ASCII, which :func:`_symbol_between_east_asian`
    and :func:`_noise` look for (a word without one has neither sign)."""
    return not char.isascii() and unicodedata.category(char)[0] == "S"


def _capital_beyond_ascii(char: str) -> bool:
    """Whether ``char`` is a capital beyond ASCII (a word without one has no capital after
    small letters, :func:`_capital_after_small`)."""
    return char.isupper() and not char.isascii()


def _currency(char: str) -> bool:
    """Whether ``char`` is one of :data:`_CURRENCIES` (:func:`_currency_before_letter`)."""
    return char in _CURRENCIES


def _letter_beyond_ascii(char: str) -> bool:
    """Whether ``char`` is a letter beyond ASCII, two of which :func:`_scripts_touching`
    looks for."""
    return char.isalpha() and not char.isascii()


#: The word signs (name as a message says it, test, and what the test needs a word to
#: hold: one character of which it holds is so), in the order a message names them.
_WORD_SIGNS: tuple[tuple[str, Callable[[str], bool], Callable[[str], bool]], ...] = (
    ("a sign between letters", _sign_between_letters, _sign_beyond_ascii),
    ("a symbol between East Asian letters", _symbol_between_east_asian, _symbol_beyond_ascii),
    ("a capital after small letters", _capital_after_small, _capital_beyond_ascii),
    ("letters of two scripts touching", _scripts_touching, _letter_beyond_ascii),
    ("a currency sign before a letter", _currency_before_letter, _currency),
    ("symbols among letters throughout", _noise, _symbol_beyond_ascii),
)


def _words_holding(words: Sequence[str], characters: set[str],
                   needed: Callable[[str], bool]) -> list[str]:
    """The ``words`` (in order) holding a character that is ``needed``, of
    ``characters``, those the words hold beyond ASCII: the only words a word sign of
    :data:`_WORD_SIGNS` may find (each needs such a character), found by set operations
    in C where each test looped over every word's characters in Python."""
    wanted = {char for char in characters if needed(char)}
    if not wanted:
        return []
    return [word for word in words if not wanted.isdisjoint(word)]


def _two_scripts(characters: set[str]) -> bool:
    """Whether ``characters`` hold letters of two scripts that may touch in a word, as
    :func:`_scripts_touching` finds them (any but Chinese's with Greek's): else no word
    of them can."""
    scripts = {script(char) for char in characters if char.isalpha()} - {""}
    return len(scripts) >= 2 and scripts != {"CJK", "GREEK"}


def _word_sign_words(words: Sequence[str], characters: set[str]
                     ) -> tuple[str, list[str]] | None:
    """The first word sign of :data:`_WORD_SIGNS` that ``words`` (a text's words beyond
    ASCII, holding ``characters`` beyond ASCII) show, and the words showing it, in order;
    None if they show none. Each sign is looked for only in the words holding a character
    it needs (:func:`_words_holding`), letters of two scripts only where the text holds
    two (:func:`_two_scripts`), and first the words holding a character any of them needs:
    :func:`misread_alone` took 420 µs of CPU a legacy file of the kit's where each test
    was asked of every word (a text's words have no sign, mostly), 125 µs so."""
    signs = [sign for sign in _WORD_SIGNS
             if sign[1] is not _scripts_touching or _two_scripts(characters)]
    # The words holding a character any sign needs, in one pass; each sign's of those.
    words = _words_holding(words, characters,
                           lambda char: any(needed(char) for _, _, needed in signs))
    holding: dict[Callable[[str], bool], list[str]] = {}  # (two signs need symbols)
    for what, test, needed in signs:
        if needed not in holding:
            holding[needed] = _words_holding(words, characters, needed)
        found = [word for word in holding[needed] if test(word)]
        if found:
            return what, found
    return None


def _cyrillic_sample(text: str) -> str:
    """The Cyrillic words of ``text``, a line each, as many as the language identifier
    reads (:data:`~corpuskit.languageid.language.SAMPLE_CHARS`): which Cyrillic language a text
    writes is asked of its Cyrillic words alone.

    Asked of its lines beyond ASCII, as it was, a Serbian man page's markup and options
    (``\\fB\\-a\\fP,\\fB\\ \\-\\-arguments``) filled what the identifier reads, Serbian came
    out 0.29 and Macedonian 0.18, and the page's own ``је``, ``приказује`` were taken for
    another alphabet's: refused, told it may be in cp866 (QA s83 qa-decode F5). Of 97
    Serbian, Russian and Ukrainian man pages in cp1251 holding such letters, 2 were so
    refused, and of 215 paragraphs of the system's messages in Russian, Bulgarian,
    Ukrainian, Serbian, Belarusian and Macedonian, none, but all 215 with man page markup
    around them; now none is, and of 251 readings of such paragraphs in mac-cyrillic as
    cp1251, 236 are told misread (233 before), of 58 in kz1048 all, as before. Words a
    line each gave the fewest wrong: joined by spaces, one short Serbian paragraph came out
    0.497 Serbian and was refused (QA s83 fix-decodemsg)."""
    words: list[str] = []
    length = 0
    for found in CYRILLIC_WORD.finditer(text):
        words.append(found.group())
        length += len(found.group()) + 1
        if length >= SAMPLE_CHARS:
            break
    return "\n".join(words)


def _mixed_cyrillic_alphabets(word: str) -> bool:
    """Whether ``word`` holds a letter of :data:`_CYRILLIC_FEW_WRITE` beside a letter that
    no alphabet of that letter's languages (:data:`_CYRILLIC_ALPHABETS`) writes with it
    (``ОДјю``: no alphabet with ``ј`` has ``ю``)."""
    for run in CYRILLIC_WORD.findall(word.lower()):
        letters = frozenset(run)
        for letter in letters.intersection(_CYRILLIC_FEW_WRITE):
            if not any(letters <= _CYRILLIC_ALPHABETS[language]
                       for language in _CYRILLIC_FEW_WRITE[letter]):
                return True
    return False


def _other_cyrillic_alphabet(text: str, words: Sequence[str]) -> list[str]:
    """The ``words`` of ``text`` holding a letter of :data:`_CYRILLIC_FEW_WRITE` that are
    misread: beside a letter no alphabet writing it has (:func:`_mixed_cyrillic_alphabets`),
    or in a text unlikely to be in the letter's languages (the language asked only of a
    text holding one, and of its Cyrillic words: :func:`_cyrillic_sample`), or, in a text
    of fewer than :data:`_CYRILLIC_SURE_LETTERS` Cyrillic letters, where the identifier
    cannot tell, miscased (:func:`~corpuskit.decoding.plausibility.miscased`)."""
    if not holds_any(text, _CYRILLIC_FEW_WRITE):  # (in C, where a generator was)
        return []
    sample = _cyrillic_sample(text)
    shares = dict(rank(sample))
    foreign = {letter for letter, languages in _CYRILLIC_FEW_WRITE.items()
               if sum(shares.get(language, 0.0) for language in languages)
               < _FEW_WRITE_SHARE}
    short = sum(1 for char in sample if char.isalpha()) < _CYRILLIC_SURE_LETTERS
    return [word for word in words
            if not foreign.isdisjoint(word) or _mixed_cyrillic_alphabets(word)
            or (short and miscased(word) and not _CYRILLIC_FEW_WRITE.keys().isdisjoint(word))]


class Misreading(NamedTuple):
    """Why a reading is misread on its own evidence (:func:`misread_alone`), for a message,
    and whether the sign is words holding letters only languages the text is not in write
    (names of another language in a text of the reading's code page, too: the advice says
    so, :func:`undecoded_advice`)."""

    why: str
    foreign_letters: bool = False


def misread_alone(text: str, encoding: str) -> Misreading | None:
    """Why ``text``, a legacy reading in ``encoding`` (its codec name) as normalization's
    fix-encoding step leaves it, is misread on its own evidence, naming a few of its
    words; None if it shows no such sign.
    The signs: a word with a sign between letters (:func:`_sign_between_letters`), or
    signs a language writes there in many of its words (:data:`_WRITTEN_SIGNS`), a
    capital after small letters (:func:`_capital_after_small`), letters of two scripts
    touching, a currency sign before a letter, or symbols among its letters throughout;
    words holding letters of another Cyrillic alphabet than the text's; two words or more
    holding Latin letters only languages the text is not in write, in a text unsure of its
    language (:data:`_FOREIGN_UNSURE`) whose other words are no fluent text of a language
    of its code page either (:func:`_fluent_without`)."""
    words = words_beyond_ascii(text)
    characters = {char for char in set("".join(words)) if not char.isascii()}
    signed = _word_sign_words(words, characters)
    if signed is not None:
        return Misreading(_said(*signed))
    written = [word for word in _words_holding(words, characters, _sign_beyond_ascii)
               if _written_sign_between_letters(word)]
    if len(written) >= max(_WRITTEN_SIGN_WORDS, len(words) / _WRITTEN_SIGN_SHARE):
        return Misreading(_said("a sign between letters", written))
    cyrillic = _other_cyrillic_alphabet(text, words)
    if cyrillic:
        return Misreading(_said("letters of another Cyrillic alphabet than the text's",
                                cyrillic))
    foreign = foreign_letter_words(text, words)
    if len(set(foreign)) >= _FOREIGN_WORDS \
            and language_fits(text, encoding)[1] < _FOREIGN_UNSURE \
            and not _fluent_without(text, foreign, encoding):
        return Misreading(_said("letters only languages the text is not in write", foreign),
                          foreign_letters=True)
    return None


def _fluent_without(text: str, foreign: list[str], encoding: str) -> bool:
    """Whether the lines of ``text`` beyond ASCII, the ``foreign`` words taken out, hold
    :data:`_REST_LETTERS` letters or more and are surely (:data:`_FOREIGN_UNSURE`) in a
    language of ``encoding``: the words are names of another language in fluent text.

    The names themselves sway the identifier: German naming ``Pardubický kraj`` and
    ``Královéhradecký kraj`` is 70.5% German, 27% Slovak or Czech, whose ``ý`` made both
    words misread, and the file, sound cp1252 with cp1252 alone listed, was refused, told
    to add cp1254 (``Pardubickı``; QA s83 qa-decode F4); without them it is 99.4% German.
    A misreading's other words stay in their own language: Turkish in cp1254 read as
    cp1252 is Turkish without its ``aþaðýdaki``, and Lithuanian without its ``raidþiø``
    Lithuanian, neither a language of cp1252."""
    dropped = set(foreign)
    rest = "\n".join(" ".join(word for word in line.split() if word not in dropped)
                     for line in text.splitlines() if not line.isascii())
    return sum(1 for char in rest if char.isalpha()) >= _REST_LETTERS \
        and sample_fits(rest, encoding)[1] >= _FOREIGN_UNSURE


#: From how many cased letters beyond ASCII, and what share of them capitals, a reading
#: is in capitals only (:func:`capitals_only`).
_CAPITALS_LETTERS = 20
_CAPITALS_SHARE = 0.9


def capitals_only(text: str) -> bool:
    """Whether ``text`` writes its cased letters beyond ASCII in capitals, nearly all of
    :data:`_CAPITALS_LETTERS` or more: as KOI8 reads the small letters of Cyrillic in
    another code page (mac-cyrillic's ``представления`` as ``ОПЕДЯРЮБКЕМХЪ``), never
    offered as a code page to add (QA s82 qa-decode2 4)."""
    cased = [char for char in text if not char.isascii() and char.isalpha()
             and (char.isupper() or char.islower())]
    return len(cased) >= _CAPITALS_LETTERS \
        and sum(1 for char in cased if char.isupper()) >= _CAPITALS_SHARE * len(cased)


def _said(what: str, words: list[str]) -> str:
    """That ``words`` show ``what``, a few quoted."""
    shown = ", ".join(repr(word[:30]) for word in list(dict.fromkeys(words))[:_SHOWN])
    return f"words in it are misread, with {what}, such as {shown}"


#: Code pages corpuskit does not decode whose text a code page it decodes reads with
#: such signs (by that page's codec name), which the advice may name.
_UNDECODED_KIN: dict[str, tuple[str, ...]] = {
    "cp1252": ("iso8859-15", "mac-roman", "iso8859-13"), "cp1254": ("iso8859-15", "mac-roman"),
    "cp1250": ("iso8859-16", "cp1258", "mac-latin2"), "iso8859-2": ("iso8859-16", "iso8859-4"),
    "cp1257": ("iso8859-13", "iso8859-4"), "cp1251": ("cp866", "mac-cyrillic", "kz1048"),
    "koi8-r": ("cp866", "mac-cyrillic"), "koi8-u": ("cp866", "mac-cyrillic"),
    "iso8859-5": ("cp866", "mac-cyrillic"), "cp1256": ("iso8859-6",),
}
#: Those named where the reading's code page has none of its own above.
_UNDECODED_OTHERS = ("cp874", "cp1258", "iso8859-15", "cp866")
#: The languages each of those code pages is made for: those of the code page corpuskit
#: decodes for the same alphabet, or its own (Kazakh's kz1048, Vietnamese's cp1258, Thai's
#: cp874).
_UNDECODED_LANGUAGES: dict[str, frozenset[str]] = {
    "kz1048": frozenset({"kk"}), "cp1258": frozenset({"vi"}), "cp874": frozenset({"th"}),
    **{page: CODEPAGE_LANGUAGES[kin] for page, kin in (
        ("cp866", "cp1251"), ("mac-cyrillic", "cp1251"), ("iso8859-15", "iso8859-15"),
        ("mac-roman", "cp1252"), ("iso8859-13", "cp1257"), ("iso8859-4", "cp1257"),
        ("iso8859-16", "cp1250"), ("mac-latin2", "cp1250"), ("iso8859-6", "cp1256"))},
}
#: The least probability that a reading is in a language of its code page for the
#: advice to name that code page (doubtfulreading's ``LIKELY``, which a code page to add
#: must reach).
_LIKELY = 0.8


def _reads_as_text(data: bytes, encoding: str) -> bool:
    """Whether ``data`` (its first :data:`~corpuskit.decoding.plausibility.JUDGED_CHARS` bytes:
    these code pages are of one byte a character) reads in ``encoding`` as text: plausible, not
    in capitals only (:func:`capitals_only`), not misread on its own
    (:func:`misread_alone`), and likely in a language ``encoding`` is made for (Serbian
    in cp1251 read as kz1048 has Kazakh's ``ә`` for ``ј``: ``приказуәе``)."""
    try:
        judged = judge(data[:JUDGED_CHARS].decode(encoding))
    except UnicodeDecodeError:
        return False
    if not plausible(judged) or capitals_only(judged.text) \
            or misread_alone(judged.text, encoding) is not None:
        return False
    sample = "\n".join(line for line in judged.text.splitlines() if not line.isascii())
    languages = _UNDECODED_LANGUAGES[encoding]
    return sum(prob for language, prob in rank(sample) if language in languages) >= _LIKELY


def undecoded_advice(data: bytes, encoding: str, misread: Misreading) -> str:
    """What a file of ``data`` whose reading in ``encoding`` is ``misread`` on its own, and
    which no code page corpuskit decodes reads better, is told: that it may be in a code
    page corpuskit does not decode, naming those of them that read it as text
    (:func:`_reads_as_text`), and to re-save it as UTF-8. A correct Serbian man page in
    cp1251, refused as misread, was told it may be in cp866 or mac-cyrillic, whose
    readings are garbage (QA s83 qa-decode F5).

    Where the sign is words holding letters of languages the text is not in, the reading
    may be right, those words names of another language (a list of the world's places in
    Indonesian naming ``Pardubický kraj`` and ``Suðurland``): the message says so, where
    it said that no code page corpuskit decodes reads the file as text (QA s83 qa-decode
    F4)."""
    pages = [page for page in _UNDECODED_KIN.get(encoding, _UNDECODED_OTHERS)
             if _reads_as_text(data, page)]
    such = f", such as {', '.join(pages)}" if pages else ""
    if misread.foreign_letters:
        return (f"no code page corpuskit decodes reads those words with fewer such letters: "
                f"if they are words of other languages in a {encoding} text, or it is in a "
                f"code page corpuskit does not decode{such}, re-save it as UTF-8")
    # Not that no code page reads it: ``encoding`` read every byte (QA s83 qa-foreign 2, a
    # sound cp1252 file was told so, and pointed to iso8859-15 and mac-roman).
    return (f"no other code page corpuskit decodes reads it without such words: it may be "
            f"in one corpuskit does not decode{such}; in {encoding} or in another, re-save "
            "it as UTF-8")
