"""Central Europe's Latin letters in cp1250 and ISO-8859-2, two code pages that read most
letters alike and each other's few others as letters that look typed: words spelled as no
language of Central Europe spells them (:func:`misspelt_words`, :func:`mixes_alphabets`),
Polish's own letters beside Czech's, ``ą``, ``ę`` and ``ľ`` where Polish and Slovak never
write them (or in a text writing letters they lack), a sign the other code page reads as a
letter inside a word (``©túr``) or a quotation mark closing none (``nastavi»``).

Of the two readings, the one not so misread wins in the ranking (:func:`one_alphabet`);
with only the misread one's code page listed, the file is refused naming the other
(:func:`one_alphabet_elsewhere`, :func:`mixed_alphabets_advice`).
"""

from __future__ import annotations

import codecs
import heapq
import re
import unicodedata
from collections.abc import Iterator
from functools import cache, lru_cache

from ..config import DecodeConfig
from ..normalize import C1_CONTROLS
from .codepagelanguages import (
    CENTRAL,
    CODEPAGE_LANGUAGES,
    Reading,
    addable_code_pages,
    character,
    reads_alike,
)
from .plausibility import JUDGED_CHARS, Judgement, judge, languages_beyond_ascii, plausible
from .refusal import excerpt
from .textholds import holds_any

#: Letters of Central Europe's Latin alphabets that only Polish writes, and those that
#: Czech, Slovak, Slovenian and Croatian write but Polish does not. No language of cp1250
#: and ISO-8859-2 mixes the two in a word (but Sorbian, which keeps its code page's order).
_POLISH_ONLY = frozenset("ąęłśźżĄĘŁŚŹŻ")
_NOT_POLISH = frozenset("čřůěďťňľĺŕšžđČŘŮĚĎŤŇĽĹŔŠŽĐ")
#: The words :func:`misspelt_words` judges: those holding a letter of Polish's own or
#: ``ľ``, ``Ľ`` (a word with neither is spelled as some language of Central Europe spells
#: it); anchored at a word's start, which makes it three times as fast.
_JUDGED_WORD = re.compile("(?<![^\\W\\d_])[^\\W\\d_]*[ąęłśźżĄĘŁŚŹŻľĽ][^\\W\\d_]*")
#: ``ľ`` before e, i or í: Slovak, the one language that writes ``ľ``, writes a soft l
#: there without the caron (``leží``, ``že``), so there it is ISO-8859-2's ``ž`` read in
#: cp1250 (``Leľí``, ``ľe``).
_NOT_SLOVAK_L = re.compile("ľ[eií]")
#: ``ą`` or ``ę`` where Polish, the one language that writes them, never does: at a
#: word's start, or beside a vowel (Polish writes them after a consonant or the ``i``
#: that softens one, ``piąty``, ``więcej``, and before a consonant or a word's end). There
#: they are ISO-8859-2's ``š`` read in cp1250 (``ąkola``, ``naąich``, ``vąak``).
_NOT_POLISH_NASAL = re.compile("^[ąę]|[aeoóuyáéěíýúůäô][ąę]|[ąę][aeiouyóáéěíýúůäô]")
#: ``Ą`` or ``Ę`` at a word's start, which no Polish word, a name neither, begins with:
#: ISO-8859-2's ``Ľ`` read in cp1250 (``Ąudovít``; QA s81).
_NOT_POLISH_CAPITAL_NASAL = re.compile("^[ĄĘ]")
#: The vowels of the languages of cp1250 and ISO-8859-2 (``y`` too: Czech's and Polish's).
_VOWELS = "aáäâăeéěëiíîoóôöőuúůüűyýąęAÁÄÂĂEÉĚËIÍÎOÓÔÖŐUÚŮÜŰYÝĄĘ"
#: ``ľ`` or ``Ľ`` before a consonant at a word's start or after a consonant: Slovak, the
#: one language that writes it, writes it before a consonant only after a vowel
#: (``veľký``, ``Poľsko``), and after a consonant only before one (``kľúč``, ``sľub``);
#: there it is ISO-8859-2's ``ž`` or ``ź`` read in cp1250 (``ľganje``, ``Ľródło``; QA
#: s81). Not before ``s``: Slovak's ``ľsť`` (cunning), ``ľstivý``; nor, at a word's start,
#: before ``p``, ``n`` or ``v``: ``ľpieť``, ``ľnúť`` (to cling), ``Ľvov`` (Lviv), where
#: Czech's, Slovenian's and Croatian's ``ž`` stands in 2 words of their catalogues
#: (``žvýkat``; QA s82 review 4).
_NOT_SLOVAK_L_BEFORE_CONSONANT = re.compile(
    f"^[ľĽ](?=[^{_VOWELS}sSpPnNvV])|(?<=[^{_VOWELS}])[ľĽ](?=[^{_VOWELS}sS])")
#: ``ľ`` or ``Ľ`` beside a consonant Slovak never writes it beside: after a vowel before
#: one but b č g h k m n ň p s š t ť v ž, except in the prefix ``veľ-`` (great), which
#: Slovak writes before any (``veľdielo``, ``veľryba``, ``veľchrám``, ``veľjašter``), and
#: in the name ``Iľja`` (``Iľjič``, ``iľjušin``); after a consonant but b c č d f g h k m p
#: s š t v x z ž ŕ, ``j`` in the prefix ``naj-`` (``najľahší``), and ``r`` after a vowel
#: or ``h`` (``horľavý``, ``vychrľ``). There it is ISO-8859-2's ``ž`` read in cp1250,
#: where Czech, Slovak, Slovenian and Croatian write ``ž`` most (``kaľdé``,
#: ``razpoloľljivi``, ``poloľce``, ``dĺľka``, ``oranľový``, ``Drľava``, ``drľať``,
#: ``Omreľje``, ``Najstroľja``; QA s82 qa-decode2), or Polish capitals' ``Ą`` read in
#: ISO-8859-2 (``DAJĽ``, ``WŁĽCZ``, ``DOWIĽZANIE``). Beside the others Slovak writes ``ľ``
#: too, and only the text tells (``moľnost``, ``veľký``). Of the 116,370 forms with ``ľ``
#: of Debian 12's Slovak spelling dictionary (hunspell-sk 7.5, expanded by its unmunch),
#: those beside a consonant stand after a vowel before every one but l, ď, z, f and, out
#: of ``veľ-`` and ``Iľja``, d, r, j, c (``Oľga``, ``Topoľčany``, ``kuľhať``,
#: ``pokiaľže``, ``voľba``, ``veľký``), and after every one but l, ĺ, n, ň, ď, ť
#: (``fľaša``, ``džungľa``, ``nocľah``, ``horľavý``, ``bŕľať``, ``fixľovať``, ``kľúč``,
#: ``hľadať``, ``podľa``); this finds ``ľ`` in 117 of them (3,659 before): rare words
#: (``špajľa``, ``pachoľce``, ``teľce``, ``mrľa``), a name (``Oľdza``) and a slip
#: (``džugnľa``). The Slovak catalogues, which the first such rule was counted in (QA s82
#: fix-latin2b), hold too few words: ``Oľga``, ``veľryba``, ``fľak`` were misread (QA
#: s82 review 4).
_SLOVAK_AFTER_L = "bčghkmnňpsštťvžBČGHKMNŇPSŠTŤVŽ"
_SLOVAK_BEFORE_L = "bcčdfghkmpsštvxzžŕBCČDFGHKMPSŠTVXZŽŔ"
_NOT_SLOVAK_L_NEIGHBOUR = re.compile(
    f"(?<=[{_VOWELS}])(?<![vV][eE])(?<!^[iI])[ľĽ](?=[^{_VOWELS}{_SLOVAK_AFTER_L}])"
    f"|(?<=[^{_VOWELS}{_SLOVAK_BEFORE_L}jJrR])[ľĽ]"
    "|(?<=[jJ])(?<![nN][aA][jJ])[ľĽ]"
    f"|(?<=[^{_VOWELS}hH][rR])[ľĽ]")
#: Letters Slovak lacks that Czech (``ř ě ů``) and Croatian (``ć đ``) write: a text
#: writing them in its words is in no language that writes ``ľ``, and its ``ľ`` is
#: ISO-8859-2's ``ž`` read in cp1250 (``je vyľadováno ověření``; QA s82). Only words
#: beginning in lower case count, for the letters and the ``ľ``: names (``Dvořák``, ``Veľký
#: Krtíš``) may stand in another language's text.
_NOT_SLOVAK = frozenset("řěůćđŘĚŮĆĐ")
#: ``š``: a text writing Polish's own letters in its words, and no letter Polish lacks but
#: ``š``, is Polish, which has no ``š``: its ``š`` is cp1250's ``ą`` read in ISO-8859-2
#: (``opcjš``, ``cišgle``, ``Błšd``; QA s82 fix-latin2c). Sorbian writes ``ł`` beside
#: ``š``, but ``č``, ``ě`` and ``ř`` too (``Hornjoserbšćina je jich rěč``).
_POLISH_LACKS_S = frozenset("šŠ")
#: ``ť`` or ``Ť`` at a word's start before a consonant, where Czech and Slovak, the
#: languages that write it, never write it (``ťava``, ``ťukať``): cp1250's ``«`` and ``»``
#: read in ISO-8859-2 (``Ťdupť`` for ``«dup»``; QA s82 fix-latin2c).
_NOT_CZECH_T = re.compile(f"(?<![^\\W\\d_])[Ťť](?=[^\\W\\d_{_VOWELS}])")
#: One of ISO-8859-2's small letters that cp1250 reads as a sign, or ``Ť`` (cp1250's
#: ``«``), standing alone, with no letter (nor ``_``, a mnemonic's mark) beside it and no
#: full stop after it, or ``Š`` (cp1250's ``©``) before a year: no language of Central
#: Europe has such a one-letter word (``zaključni ť;Ť``, ``Copyright Š 2022``; QA s82
#: fix-latin2c). Not ``Š`` or ``Ž`` otherwise, which label things alone (``Ž``, ``Š_irina``).
_LONE_SIGN_LETTER = re.compile(
    "(?<![^\\W\\d])(?:[ąľśťŤ](?![^\\W\\d]|\\.)|Š(?= ?(?:1[89]|20)\\d\\d(?!\\d)))")
#: The letters one of which :data:`_LONE_SIGN_LETTER` or :data:`_NOT_CZECH_T` needs.
_LONE_LETTERS = frozenset("ąľśťŤŠ")
#: At most this probability that a text is in Slovak (Polish) makes its ``ľ`` (``ą``)
#: ISO-8859-2's ``ž`` (``š``) read in cp1250 (:func:`_misspelt_by_language`). The
#: system's Slovak and Polish catalogues in cp1250, 1,000 messages and 300 paragraphs
#: each, are that language with at least 0.16 and 0.14; Czech, Slovenian and Croatian
#: paragraphs in ISO-8859-2 read in cp1250 are Slovak with at most 0.01 (but Czech, up to
#: 0.5, whose ř ě ů already tell) and Polish with at most 0.003.
_NOT_THE_LANGUAGE = 0.05
#: Languages whose texts name few Slovaks and Poles: in a text in one of them, a
#: capitalised word's ``ľ`` or ``ą`` is misread too (:func:`_misspelt_by_language`).
_FEW_SLOVAK_OR_POLISH_NAMES = frozenset({"sl", "hr", "bs", "sr"})


def misspelt_words(text: str) -> Iterator[tuple[str, str]]:
    """The words of ``text`` that no language of Central Europe spells so, in order, each
    with what in it is so spelled: ``ľ`` where Slovak never writes it
    (:data:`_NOT_SLOVAK_L`, :data:`_NOT_SLOVAK_L_BEFORE_CONSONANT`,
    :data:`_NOT_SLOVAK_L_NEIGHBOUR`; and, in a word beginning in lower case, in a text
    writing letters Slovak lacks in such words, :data:`_NOT_SLOVAK`), ``Ą`` or ``Ę``
    beginning a word, ``ą`` beside a vowel, and, in a word that begins in lower case,
    Polish's own letters beside letters Polish lacks (``srediąče``, ``będš``), ``ą``, ``ę``
    where Polish never writes them (:data:`_NOT_POLISH_NASAL`) or ``ą`` in a text writing
    letters Polish lacks in such words; and a sign that the code page reading alike reads
    as a letter, where no word holds a sign (:func:`_signs_in_words`: ``©túr``,
    ``nastavi»``).

    Words, not the whole text, are judged, and a capitalised word only for ``ľ``, a
    word-initial ``Ą`` and ``ą`` beside a vowel, and a text by its words beginning in lower
    case: a Czech text naming Poles (``Zając``, ``Dąbrowski``, ``Wałęsově``)
    writes Polish's letters beside its own in a text, and in a name, where a misreading
    writes them in its common words too (QA s80: such a Czech text in cp1250 was refused,
    and built as ISO-8859-2's ``Zajšc`` once iso8859-2 was listed)."""
    for _, word, why in heapq.merge(_misspelt_letters(text), _s_in_polish(text),
                                    _lone_letters(text), _signs_in_words(text)):
        yield word, why


def _misspelt_letters(text: str) -> Iterator[tuple[int, str, str]]:
    """The words of ``text`` whose letters :func:`misspelt_words` finds spelled as no
    language of Central Europe spells them, each with where it starts and why."""
    if "ľ" not in text and "Ľ" not in text and not holds_any(text, _POLISH_ONLY):
        return
    not_slovak = _written_in_small_words(text, _NOT_SLOVAK)
    not_polish = _written_in_small_words(text, _NOT_POLISH)
    for match in _JUDGED_WORD.finditer(text):
        at, word = match.start(), match.group()
        why = _misspelt_l(word, not_slovak) or _misspelt_by_language(word, text, "ľĽ")
        if why is not None:
            yield at, word, why
            continue
        nasal = _NOT_POLISH_NASAL.search(word)
        if not word[0].islower():
            # A capitalised word may be a name (Zając), but no name begins with Ą or Ę,
            # nor writes ą beside a vowel, where it is ISO-8859-2's š read in cp1250
            # (Greąka, Faleąné: QA s82; ę is one letter in both, and tells neither).
            if _NOT_POLISH_CAPITAL_NASAL.search(word) is not None:
                yield at, word, (f"{word[0]} at a word's start, where Polish, the one "
                                 "language that writes it, never does")
            elif nasal is not None and "ą" in nasal.group():
                yield at, word, _misplaced_nasal(nasal)
            elif (why := _misspelt_by_language(word, text, "ą")) is not None:
                yield at, word, why
            continue
        letters = set(word)
        if letters & _POLISH_ONLY and letters & _NOT_POLISH:
            yield at, word, (f"Polish's own {', '.join(sorted(letters & _POLISH_ONLY))} "
                             f"beside {', '.join(sorted(letters & _NOT_POLISH))}, which "
                             "Polish lacks")
            continue
        if nasal is not None:
            yield at, word, _misplaced_nasal(nasal)
            continue
        if not_polish is not None and "ą" in word:
            # A text writing letters Polish lacks in its common words is no Polish: its
            # small words' ą is ISO-8859-2's š read in cp1250 (miąke, hmonąka), where a
            # text naming Poles writes it in names (QA s82). Not ę, one letter in both.
            yield at, word, (f"ą in a text that writes {not_polish} in its words (such as "
                             f"{_first_small_word(text, not_polish)!r}), which Polish, the "
                             "one language that writes ą, lacks")
            continue
        why = _misspelt_by_language(word, text, "ą")
        if why is not None:
            yield at, word, why


#: Which language of Central Europe writes each letter :func:`_misspelt_by_language`
#: judges, and its code for the language identifier.
_ONE_LANGUAGE = {"ľ": ("Slovak", "sk"), "Ľ": ("Slovak", "sk"), "ą": ("Polish", "pl")}


def _misspelt_by_language(word: str, text: str, letters: str) -> str | None:
    """Why ``word``'s first of ``letters`` (``ľ`` and ``Ľ``, or ``ą``) is misread, in a
    text the language identifier finds in no language that writes it, for a message; None
    if it is not (or ``word`` writes none).

    Slovenian, Croatian and Czech ``ž`` and ``š`` in ISO-8859-2 read in cp1250 as ``ľ``
    and ``ą`` where Slovak and Polish could write them (``moľnost``, ``teľave``,
    ``najviąjo``, ``Moľnost``; QA s82 fix-latin2c: 5 and 9 of 100 and 200 Slovenian
    paragraphs built as cp1250) are told by the text's language only. A capitalised word
    counts only in a text in a language whose texts name few Slovaks and Poles
    (:data:`_FEW_SLOVAK_OR_POLISH_NAMES`): a Czech text names ``Veľký Krtíš`` and
    ``Zając``. The language is asked only of a text holding such a letter that nothing
    else tells, once (:func:`_language_shares`)."""
    letter = next((char for char in word if char in letters), None)
    if letter is None:
        return None
    language, code = _ONE_LANGUAGE[letter]
    shares = _language_shares(text)
    if shares.get(code, 0.0) > _NOT_THE_LANGUAGE:
        return None
    top = max(shares, key=shares.__getitem__, default="")
    if not word[0].islower() and top not in _FEW_SLOVAK_OR_POLISH_NAMES:
        return None
    return (f"{letter} in a text in {top or 'no language'} (the language identifier finds "
            f"it in {language}, the one language that writes {letter}, with "
            f"{shares.get(code, 0.0):.2f})")


@lru_cache(maxsize=8)  # a file's readings are judged, then the chosen one looked at again
def _language_shares(text: str) -> dict[str, float]:
    """Each language's probability for the lines of ``text`` holding letters beyond ASCII
    (the identifier reads its first :data:`~corpuskit.languageid.language.SAMPLE_CHARS`: ranked once
    a text, :func:`~corpuskit.decoding.plausibility.languages_beyond_ascii`)."""
    return dict(languages_beyond_ascii(text))


def _s_in_polish(text: str) -> Iterator[tuple[int, str, str]]:
    """The words of ``text`` writing ``š`` (:data:`_POLISH_LACKS_S`) in a text whose words
    beginning in small letters write Polish's own letters and no other letter Polish lacks,
    each with where it starts and why: those beginning in small letters, and capitalised
    ones beside Polish's own letters (``Błšd``; another may be a name, ``Škoda``). Small
    words writing Polish's letters beside ``š`` :func:`_misspelt_letters` finds."""
    if not holds_any(text, _POLISH_LACKS_S):
        return
    polish = _written_in_small_words(text, _POLISH_ONLY)
    if polish is None or _written_in_small_words(text, _NOT_POLISH - _POLISH_LACKS_S):
        return
    for match in _WORD.finditer(text):
        word = match.group()
        if _POLISH_LACKS_S.isdisjoint(word):
            continue
        own = _POLISH_ONLY.intersection(word)
        if word[0].islower() != bool(own):
            yield match.start(), word, (
                f"š in a text that writes {polish} in its words (such as "
                f"{_first_small_word(text, polish)!r}) and no other letter Polish lacks: "
                "Polish, the one language that writes " + polish + ", has no š")


def _lone_letters(text: str) -> Iterator[tuple[int, str, str]]:
    """The letters of ``text`` that cp1250 reads as signs standing as a word alone
    (:data:`_LONE_SIGN_LETTER`), and ``ť`` or ``Ť`` before a consonant at a word's start
    (:data:`_NOT_CZECH_T`), each as a word with where it starts and why. A text with none
    of those letters (:data:`_LONE_LETTERS`) is not searched: the two patterns, tried at
    each of its characters, took 3% of decoding the kit's legacy files to find nothing."""
    if not holds_any(text, _LONE_LETTERS):
        return
    lone = ((match.start(), match.group(),
             f"{match.group()} alone{' before a year' * (match.group() == 'Š')}, where no "
             "language of Central Europe has such a one-letter word")
            for match in _LONE_SIGN_LETTER.finditer(text))
    first_t = ((match.start(), _WORD.findall(text, match.start())[0],
                f"{match.group()} before a consonant at a word's start, where Czech and "
                "Slovak, the languages that write it, never do")
               for match in _NOT_CZECH_T.finditer(text))
    yield from heapq.merge(lone, first_t)


#: A word.
_WORD = re.compile("[^\\W\\d_]+")


def _written_in_small_words(text: str, letters: frozenset[str]) -> str | None:
    """The first of ``letters`` that a word of ``text`` beginning with a small letter
    writes, or None: what a text writes in its common words, not in names (a Czech text
    naming ``Dvořák`` or ``Veľký Krtíš`` writes their letters in capitalised words)."""
    if not holds_any(text, letters):
        return None
    for match in _WORD.finditer(text):
        word = match.group()
        if word[0].islower() and not letters.isdisjoint(word):
            return next(char for char in word if char in letters)
    return None


def _first_small_word(text: str, letter: str) -> str:
    """The first word of ``text`` beginning with a small letter that writes ``letter``,
    for a message."""
    return next(match.group() for match in _WORD.finditer(text)
                if match.group()[0].islower() and letter in match.group())


def _misspelt_l(word: str, not_slovak: str | None) -> str | None:
    """Why ``word``'s ``ľ`` or ``Ľ`` is written where Slovak, the one language that writes
    it, never does, for a message; None if it is not. ``not_slovak`` is a letter Slovak
    lacks that the text writes in its common words (:func:`_written_in_small_words`), if
    any."""
    wrong_l = _NOT_SLOVAK_L.search(word)
    if wrong_l is not None:
        return (f"ľ before {wrong_l.group()[1]}, where Slovak, the one language that writes "
                "ľ, writes l")
    wrong_l = _NOT_SLOVAK_L_BEFORE_CONSONANT.search(word)
    if wrong_l is not None:
        where = "at a word's start" if wrong_l.start() == 0 else "after a consonant"
        return (f"{wrong_l.group()} before a consonant {where}, where Slovak, the one "
                "language that writes ľ, writes it before a consonant only after a vowel")
    wrong_l = _NOT_SLOVAK_L_NEIGHBOUR.search(word)
    if wrong_l is not None:
        at = wrong_l.start()
        before = 2 if word[at - 1] in "rR" and at > 1 else 1
        pair = word[at - 1:at + 2] if word[at - 1] in _VOWELS else word[at - before:at + 1]
        return (f"{wrong_l.group()} in {pair}, where Slovak, the one language that writes "
                "it, never writes it")
    if not_slovak is not None and word[0].islower() and "ľ" in word:
        return (f"ľ in a text that writes {not_slovak} in its words, which Slovak, the one "
                "language that writes ľ, lacks")
    return None


def _misplaced_nasal(nasal: re.Match[str]) -> str:
    """Why the ``ą`` or ``ę`` :data:`_NOT_POLISH_NASAL` found is misplaced, for a
    message."""
    return (f"{nasal.group().strip('aeiouyóáéěíýúůäô')} "
            f"{_where_nasal(nasal.group(), nasal.start())}, where Polish, the one language "
            "that writes it, never does")


def _where_nasal(found: str, start: int) -> str:
    """Where :data:`_NOT_POLISH_NASAL` found ``ą`` or ``ę`` in a word, for a message."""
    if start == 0 and found[0] in "ąę":
        return "at a word's start"
    return "after a vowel" if found[1] in "ąę" else "before a vowel"


@cache
def _signs_read_as_letters() -> frozenset[str]:
    """The characters of a code page made for Central Europe's languages, in its upper
    half (80-FF), that are no Latin letter and so stand in no word of those languages
    (signs, punctuation, and the micro sign ``µ`` and spacing caron ``ˇ``, letters to
    Unicode but of no alphabet here), where a code page that reads most letters alike
    (:func:`reads_alike`) reads a Latin letter: cp1250's ``ˇ ¦ © « ¬ ® ± µ ¶ »``, which
    ISO-8859-2 reads as ``Ą Ś Š Ť Ź Ž ą ľ ś ť``. In a word they are that letter misread.
    ISO-8859-2 has none: its signs are cp1250's too (``° §``, which tell neither reading
    from the other) or, its ``ˇ``, cp1250's ``·``, and its C1 controls, cp1250's ``š ž
    ť``..., are judged as such (:func:`_misread`)."""
    pages = [page for page, languages in CODEPAGE_LANGUAGES.items() if languages is CENTRAL]
    signs = set()
    for one in pages:
        for other in pages:
            if not reads_alike(one, other):
                continue
            for byte in range(0x80, 0x100):
                mine, theirs = character(one, byte), character(other, byte)
                if mine is not None and theirs is not None and _latin_letter(theirs) \
                        and not _latin_letter(mine) and unicodedata.category(mine) != "Cc":
                    signs.add(mine)
    return frozenset(signs)


def _latin_letter(char: str) -> bool:
    """Whether ``char`` is a letter of the Latin alphabets (not ``µ``, ``ˇ``, ``ª``)."""
    return char.isalpha() and unicodedata.name(char, "").startswith("LATIN ")


@cache
def _sign_pattern() -> re.Pattern[str]:
    """Any of :func:`_signs_read_as_letters`."""
    return re.compile(f"[{re.escape(''.join(sorted(_signs_read_as_letters())))}]")


def _signs_in_words(text: str) -> Iterator[tuple[int, str, str]]:
    """The words of ``text`` (runs of letters and :func:`_signs_read_as_letters`) that hold
    such a sign where no word holds it (:func:`_misplaced_sign`), each with where it starts
    and why, in order.

    cp1250 reads ISO-8859-2's ``Š Ž ś ą ľ Ź`` as ``© ® ¶ ± µ ¬``: Slovak, Croatian,
    Slovenian and Polish in ISO-8859-2 read as cp1250 are ``©túr``, ``©iąmią``, ``®uta``,
    ``¶lub``, ``veµký``, ``¬le``, where no word was mistyped (a sign may touch a word on one
    side, ``©`` before a year, ``«`` or ``»`` around it), and with both listed, cp1250
    first, such short files were built as that mojibake (QA s81)."""
    signs = _signs_read_as_letters()
    done = 0
    for match in _sign_pattern().finditer(text):
        if match.start() < done:
            continue
        start = done = match.start()
        while start > 0 and (text[start - 1].isalpha() or text[start - 1] in signs):
            start -= 1
        while done < len(text) and (text[done].isalpha() or text[done] in signs):
            done += 1
        why = _misplaced_sign(text[start:done], signs, text[:start])
        if why is not None:
            yield start, text[start:done], why


#: The quotation mark that opens a quote each of :func:`_signs_read_as_letters`' closes:
#: ``«so»`` (Polish, Slovenian, Croatian) and ``»so«`` (Czech, Slovak, Hungarian).
_OPENING = {"»": "«", "«": "»"}


def _misplaced_sign(word: str, signs: frozenset[str], preceding: str) -> str | None:
    """Why a sign of ``signs`` in ``word`` (letters and those signs) stands where no word
    of a language of Central Europe holds one, for a message; None if none does: between
    letters, before them but for a quotation mark (Czech and Slovak write ``»so«`` as well
    as ``„so“``), a sign marking a name before a capital (``©Microsoft``) and the micro
    sign as a unit's prefix (``µm``, ``µA``: not before a small vowel, where it is Slovak's
    ``ľ``, ``µahko``), or after them but for a sign marking a name (``Microsoft®``) and a
    quotation mark that one in ``preceding``, the text before the word, opens (``«so»``,
    ``»so«``): a ``»`` closing no ``«`` is ISO-8859-2's ``ť`` read in cp1250, which ends
    every Slovak infinitive (``nastavi»``, ``by»``; QA s82)."""
    letters = [at for at, char in enumerate(word) if char not in signs]
    if not letters:
        return None
    first, last = letters[0], letters[-1]
    for at, sign in enumerate(word):
        if sign not in signs:
            continue
        category = unicodedata.category(sign)
        quote = category in ("Pi", "Pf")
        if first < at < last:
            return f"{sign} between letters, where no word holds a sign"
        if at < first and not (quote or (category == "So" and word[first].isupper())
                               or (category == "Ll" and (word[first].isupper()
                                                         or word[first] not in _VOWELS))):
            return f"{sign} before its letters, where no word holds a sign"
        opened = quote and (_OPENING[sign] in preceding or _OPENING[sign] in word[:at])
        if at > last and not (opened or category == "So"):
            closing = f", closing no {_OPENING[sign]}," if quote else ""
            return f"{sign} after its letters{closing} where no word holds a sign"
    return None


@lru_cache(maxsize=8)
def mixes_alphabets(text: str) -> bool:
    """Whether a word of ``text`` is spelled as no language of Central Europe spells it
    (:func:`misspelt_words`): Polish's own letters beside Czech's, Slovak's, Slovenian's or
    Croatian's in one lower-case word, ``ą`` or ``ę`` where Polish never writes them,
    ``ľ`` where Slovak never does, or a sign the code page that reads alike reads as a
    letter, where no word holds a sign (``©túr``). Kept for the last 8 texts: the ranking
    of a file's readings asks it of the chosen one (:func:`one_alphabet`), and the second
    look again (:func:`one_alphabet_elsewhere`), most often of the same text, which cost
    3.5% of decoding the kit's legacy files the second time."""
    return next(misspelt_words(text), None) is not None


def _alike(one: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """Whether a code page of ``one`` reads alike (:func:`reads_alike`) with one of
    ``other``: the code pages (codec names) that read two candidates each."""
    return any(reads_alike(first, second) for first in one for second in other)


def _listed_before(one: tuple[str, ...], other: tuple[str, ...],
                   listing: dict[str, int]) -> bool:
    """Whether a code page of ``one`` is listed (``listing``) before a code page of
    Central Europe of ``other`` that it reads alike with: cp1250 before ISO-8859-2, or
    the other way round, whichever code pages read each candidate besides."""
    return any(listing[first] < listing[second] for first in one for second in other
               if CODEPAGE_LANGUAGES.get(second) is CENTRAL and reads_alike(first, second))


def one_alphabet(tied: list[int], grouped: list[tuple[tuple[str, ...], str]],
                  judged: dict[int, Judgement], listing: dict[str, int]) -> list[int]:
    """The readings ``tied`` (indices in ``grouped``: the code pages that read each, and
    its text; none with more implausible words) but those misread (:func:`_misread`)
    where a code page that reads most letters alike (:func:`reads_alike`) reads the file
    without; and, of cp1250 and ISO-8859-2 reading it so both, the one listed first
    (``listing``).

    cp1250 and ISO-8859-2 differ in a few letters only, each read by the other as another
    letter: Czech, Slovenian or Croatian ``š`` and ``ž`` in ISO-8859-2 are cp1250's ``ą``
    and ``ľ`` (``příąí``, ``srediąče``), Polish ``ą`` and ``ś`` in cp1250 ISO-8859-2's
    ``š`` and the C1 control 9C (``stolicš``, ``czę\\x9cci``): no word looks mistyped,
    both readings are the same language to the identifier, and the one listed first won
    (QA s79). Nor does a sign at a word's edge, which the other reads as a letter
    (``©túr``, ``¶lub``): :func:`misspelt_words` counts it (QA s81). Where neither reading
    is misread (only ``ž`` and ``ľ`` apart, in no Slovak ``ľe``, ``veľký``; Polish names'
    ``ą`` in a Czech text, ``Zając`` or ``Zajšc``), nothing tells them apart but the
    language fit, which for so few letters is noise (``Zając přijel do Prahy.`` fits Czech
    less than ``Zajšc``, QA s80): the one listed first wins.

    Each candidate is all the code pages that read the file so, not the first alone: a
    cp1250 file that cp1252 reads alike (``© Seznam.cz``) is recorded in cp1252 where
    that is listed first, and was compared with ISO-8859-2's ``Š Seznam.cz`` as cp1252,
    which reads nothing alike with it, so the language fit gave it to ISO-8859-2 with
    cp1250 listed before (QA s81)."""
    misread = {order for order in tied
               if _misread(grouped[order][1][:JUDGED_CHARS], judged[order].text)}
    kept = [order for order in tied if order not in misread or not any(
        _alike(grouped[order][0], grouped[other][0])
        for other in tied if other not in misread)]
    return [order for order in kept if order in misread or not any(
        other != order and other not in misread
        and _listed_before(grouped[other][0], grouped[order][0], listing) for other in kept)]


def _misread(decoded: str, judged: str) -> bool:
    """Whether a reading, ``decoded`` as its code page reads it and ``judged`` as
    fix-encoding will leave it, is a code page's misreading of the other that reads alike:
    a word no language of Central Europe spells so (:func:`mixes_alphabets`), or a C1
    control, which no text holds (cp1250's ``š``, ``ś``, ``ž``, ``ť``, ``ź`` are C1
    controls in ISO-8859-2, that fix-encoding reads as cp1252's ``š``, ``œ``, ``ž``; so
    Polish in cp1250 naming no Czech is still told from its ISO-8859-2 reading, where
    ``Wisłš`` is a name, since words are judged)."""
    return C1_CONTROLS.search(decoded) is not None or mixes_alphabets(judged)


def one_alphabet_elsewhere(data: bytes, reading: Reading, config: DecodeConfig
                            ) -> Reading | None:
    """The reading of ``data`` in a code page that reads alike with the chosen
    ``reading``'s (ISO-8859-2 for cp1250, and the other way round) and is not listed, if
    the chosen one is misread (:func:`_misread`: words no language of Central Europe
    spells so, or C1 controls) and that one is not, and is plausible, with no more
    implausible words; else None. Where both are listed, :func:`one_alphabet` tells them
    apart in :func:`~corpuskit.decoding.codepages.best_legacy`; a mix of letters the two code pages
    read alike (a Czech text's ``Wałęsově``) is in both readings, and no sign."""
    # Words judged in the judge's share of the text, as in best_legacy: a Polish file of
    # 800 kB took 0.6 s to look through whole.
    if CODEPAGE_LANGUAGES.get(reading.encoding) != CENTRAL \
            or not _misread(reading.text, reading.text[:JUDGED_CHARS]):
        return None
    configured = {codecs.lookup(name).name for name in config.fallback_encodings}
    chosen = reading.judgement or judge(reading.text)
    for encoding in addable_code_pages():
        if encoding in configured or not reads_alike(reading.encoding, encoding):
            continue
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _misread(text, text[:JUDGED_CHARS]):
            continue
        judgement = judge(text)
        if plausible(judgement) and judgement.implausibility <= chosen.implausibility:
            return Reading(encoding, text, judgement)
    return None


#: Misspelt words a refusal names (:func:`_misspelt_examples`).
_EXAMPLES = 3


def _misspelt_examples(text: str) -> str:
    """The first :data:`_EXAMPLES` distinct words of ``text`` that no language of Central
    Europe spells so (:func:`misspelt_words`), each with why, for a message."""
    examples: dict[str, str] = {}
    for word, why in misspelt_words(text):
        examples.setdefault(word, why)
        if len(examples) == _EXAMPLES:
            break
    return "; ".join(f"{word!r}: {why}" for word, why in examples.items())


def _why_misread(reading: Reading) -> str:
    """Why ``reading`` is misread (:func:`_misread`), for a message: the words no language
    of Central Europe spells so, else its first C1 control."""
    examples = _misspelt_examples(reading.text[:JUDGED_CHARS])
    if examples:
        return ("words in it are spelled as no language of Central Europe spells them "
                f"({examples})")
    control = C1_CONTROLS.search(reading.text)
    assert control is not None  # (a reading misread for neither is not refused)
    return (f"it holds C1 controls (U+{ord(control.group()):04X} first, on line "
            f"{reading.text.count(chr(10), 0, control.start()) + 1}), which no text holds")


def mixed_alphabets_advice(data: bytes, reading: Reading, alike: Reading) -> str:
    """Why a file is refused that the code page ``alike``, not listed, reads as text where
    the chosen ``reading`` is misread (:func:`one_alphabet_elsewhere`), and what to do."""
    name = addable_code_pages()[alike.encoding]
    return (f"{reading.encoding} reads it as "
            f"{excerpt(data, reading.text, reading.encoding)!r}, but {_why_misread(reading)}; in "
            f"{name}, which reads most letters alike and is made for the same languages, it "
            f"reads as {excerpt(data, alike.text, alike.encoding)!r}: if that is its code "
            f"page, add \"{name}\" to decode.fallback_encodings in corpus.toml, or re-save it "
            "as UTF-8")
