"""Which Cyrillic code page's reading of a file is its text where each looks typed: cp1251
and KOI8-R read each other's small letters as capitals, in another order, and the language
identifier is sure of both. Told by spellings no Cyrillic language writes
(:func:`unspelled_word`), by which letters follow which
(:func:`~corpuskit.decoding.cyrillicpairs.pair_cost`), by the language fit, then by letter case
(:func:`letter_case`): :func:`cyrillic_by_spelling_and_case`, a step of the ranking
(:func:`~corpuskit.decoding.codepages.best_legacy`).
"""

from __future__ import annotations

import re
from fractions import Fraction

from .codepagelanguages import CYRILLIC_PAGES, SURE, language_fit
from .cyrillicpairs import pair_cost
from .plausibility import Judgement, miscased, words_of

#: The letters the Cyrillic languages of cp1251 and KOI8 write their vowels with
#: (Bulgarian's ``ъ``, Ukrainian's and Belarusian's ``і``, ``ї``, ``є`` too).
_CYRILLIC_VOWELS = frozenset("аеёиоуыэюяіїєъ")
CYRILLIC_WORD = re.compile("[\u0400-\u04ff]+")


def unspelled_word(word: str) -> bool:
    """Whether ``word`` (Cyrillic letters) holds a spelling none of the Cyrillic code
    pages' languages writes: no vowel in two letters or more, ``й`` after a consonant,
    ``ь`` first or after a vowel, or ``ъ`` last. Unlike
    :func:`~corpuskit.decoding.hebrewspelling._not_russian`, it takes Bulgarian's ``ъ`` for the
    vowel it is there (``път``, ``държава``: of 515 short lines of Bulgarian, the Russian rule
    took 61 for gibberish)."""
    word = word.lower()
    if len(word) >= 2 and (not _CYRILLIC_VOWELS.intersection(word) or word.endswith("ъ")):
        return True
    return any((letter == "й" and at and word[at - 1] not in _CYRILLIC_VOWELS)
               or (letter == "ь" and (not at or word[at - 1] in _CYRILLIC_VOWELS))
               for at, letter in enumerate(word))


#: A Cyrillic reading is misread (:func:`misread_as_cyrillic`) with this many words spelled
#: or cased as no Cyrillic language writes them, a third of its Cyrillic words at least,
#: or with one and letter pairs costing this many bits on average
#: (:func:`~corpuskit.decoding.cyrillicpairs.pair_cost`).
_MISREAD_WORDS = 2
_MISREAD_SHARE = 3
_MISREAD_PAIR_COST = Fraction(15, 2)


def _misspelled(word: str) -> bool:
    """Whether ``word`` (a word of a text, split at whitespace) has a run of two Cyrillic
    letters or more that no Cyrillic language spells (:func:`unspelled_word`), or mixes
    capitals and small letters as no typed word does
    (:func:`~corpuskit.decoding.plausibility.miscased`)."""
    runs = [run for run in CYRILLIC_WORD.findall(word) if len(run) >= 2]
    return bool(runs) and (any(map(unspelled_word, runs)) or miscased(word))


def misread_as_cyrillic(text: str) -> list[str]:
    """The words of ``text``, a Cyrillic code page's reading in capitals and small letters
    both, that show it misread: those spelled or cased as no Cyrillic language writes them
    (:func:`_misspelled`) where they are :data:`_MISREAD_WORDS` or more and a third of its
    words with Cyrillic letters, or one where its letter pairs cost
    :data:`_MISREAD_PAIR_COST` bits or more on average; else none.

    Greek in cp1253 or ISO-8859-7 read as cp1251 writes Greek's vowels as consonants and
    its accented small letters as capitals (``Фп ўсгпт еЯнбй`` for ``Το Άργος είναι``),
    as KOI8-R small letters among capitals (``СчЛЕЯА ЕъМАИ``), and a short line of it, with
    a word or two that look mistyped and a Cyrillic language sure, was built so with the
    default code pages, exit 0 (QA s82 review 3). A reading in one case only tells
    nothing so: Hebrew's letters are cp1251's small letters and KOI8-R's capitals, spelled
    as no Cyrillic language spells them (the Hebrew rules, :mod:`corpuskit.decoding.hebrewspelling`,
    tell those), and so are a line of abbreviations in capitals (``ГБ``, ``ТЛС``). Of
    11,195 decodings read right of 2,400 short messages of the system's Russian,
    Ukrainian, Belarusian, Bulgarian, Serbian and Macedonian in cp1251 and KOI8-R, in
    small letters, as written and in capitals, none is so but ``ИЛд`` (twice);
    abbreviations mixing cases (``кВт``, ``МГц``, ``ИксМЛ``) are a word or two of a
    longer line."""
    letters = "".join(CYRILLIC_WORD.findall(text))
    if letters.islower() or letters.isupper():
        return []
    words = [word for word in words_of(text)
             if any(len(run) >= 2 for run in CYRILLIC_WORD.findall(word))]
    odd = [word for word in words if _misspelled(word)]
    if len(odd) >= _MISREAD_WORDS and len(odd) * _MISREAD_SHARE >= len(words):
        return odd
    cost = pair_cost(text) if odd else None
    return odd if cost is not None and cost >= _MISREAD_PAIR_COST else []


def letter_case(text: str) -> str | None:
    """``"lower"`` if ``text``'s Cyrillic letters are all small, ``"upper"`` if all
    capitals, else None (none, or both: words written as typed, ``Привет``)."""
    letters = "".join(CYRILLIC_WORD.findall(text))
    if not letters or letters.islower() == letters.isupper():
        return None
    return "lower" if letters.islower() else "upper"


#: How many times another Cyrillic reading's doubt (``1 - fit``, the chance the language
#: identifier gives it of being in no language of its code page) one's must be for the fit
#: to tell them apart, and the least doubt told from none (the fit is compared to 6
#: decimals). Of short lines read in cp1251 and KOI8-R as equally plausible Cyrillic, the
#: fit chose the right reading 57-73% of the time where the two differed by less, 84-97%
#: where by more.
_FIT_FACTOR = 10
_FIT_FLOOR = 1e-6


#: How many bits a letter pair another Cyrillic reading's pairs must cost less, on average
#: (:func:`~corpuskit.decoding.cyrillicpairs.pair_cost`), for one reading to lose by its letters:
#: one bit, a pair half as likely. Of 3,000 short lines of the system's Russian, Ukrainian and
#: Bulgarian messages, the least cost alone read 98.7% of them right in capitals in cp1251
#: and 96.4% in KOI8-R, but in small letters 98.5% and 96.4%, where the letter case read
#: 99.3% and 98.4%; with one bit to spare (the fit and the letter case decide where the
#: pairs differ less), in small letters 99.6% and 99.0%, in capitals 97.5% and 94.9%.
_PAIRS_MARGIN = 1


def _likelier_letter_pairs(kept: list[int], judged: dict[int, Judgement]) -> list[int]:
    """The Cyrillic readings ``kept`` but those whose letter pairs cost, on average,
    :data:`_PAIRS_MARGIN` bits more than another's (:func:`pair_cost`, lower-cased).

    cp1251 and KOI8-R read each other's capitals as small letters: a line in capitals
    only read in the other code page is in small letters only, and the letter case,
    which decided once spelling and the fit told nothing, took it for the file's
    (``ИЗДАТЕЛЬ`` in cp1251 was built as KOI8-R's ``хгдюрекэ``, exit 0: of short lines in
    capitals, 57% were read right in cp1251; QA s81). Judged in one case, the two are
    told apart by which letters follow which (4.2 bits a pair against 9.3 there)."""
    costs = {order: cost for order in kept
             if (cost := pair_cost(judged[order].text)) is not None}
    if not costs:
        return kept
    least = min(costs.values())
    return [order for order in kept
            if order not in costs or costs[order] <= least + _PAIRS_MARGIN]


def cyrillic_by_spelling_and_case(tied: list[int], decodings: list[tuple[str, str]],
                                   judged: dict[int, Judgement]) -> list[int]:
    """The readings ``tied`` (indices in ``decodings``, none with more implausible words)
    but, of Cyrillic code pages' readings that are all surely in their languages
    (:data:`SURE`): those with more words no Cyrillic language spells
    (:func:`unspelled_word`); then those whose letter pairs cost more, by a margin
    (:func:`_likelier_letter_pairs`); then those the language fit says :data:`_FIT_FACTOR` times
    likelier to be in no language of their code page than another; then, where one left
    is in small letters only, those in capitals only (:func:`letter_case`).

    cp1251 and KOI8-R read each other's small letters as capitals, in another order: short
    lower-case Russian in cp1251 (``ну да``) is KOI8-R's ``МС ДЮ``, and in KOI8-R
    (``секретно``) cp1251's ``УЕЛТЕФОП``. The language identifier, which lower-cases what
    it reads, is sure of both readings (0.99969 and 0.99987 Cyrillic for ``ну да``), and
    the fifth decimal decided, or, both at 1.0 over a longer line, the configured order
    (QA s80: short lines of cp1251 built as KOI8-R's capitals with exit 0; of 1,887 short
    lines of the system's Russian messages made lower case, in KOI8-R, 724 were read
    right). Gibberish often spells what no language does (``мс``, ``онй``); where both
    readings spell alike and the fit tells little, a file in small letters only is far
    likelier than one in capitals only, but only where the letter pairs, judged in one
    case, tell nothing (QA s81: the letter case alone read 57% of short lines in capitals
    only right in cp1251, 87% before it). Of 3,000 short lines of the system's Russian,
    Ukrainian and Bulgarian messages, 99.6% in small letters are now read right in cp1251
    and 99.0% in KOI8-R, in capitals only 97.5% and 94.9% (README)."""
    cyrillic = [order for order in tied if decodings[order][0] in CYRILLIC_PAGES
                and language_fit(judged[order].text, decodings[order][0]) >= SURE]
    if len(cyrillic) < 2:
        return tied
    unspelled = {order: sum(map(unspelled_word, CYRILLIC_WORD.findall(judged[order].text)))
                 for order in cyrillic}
    kept = [order for order in cyrillic if unspelled[order] == min(unspelled.values())]
    kept = _likelier_letter_pairs(kept, judged)
    doubt = {order: max(1 - round(language_fit(judged[order].text, decodings[order][0]), 6),
                        _FIT_FLOOR) for order in kept}
    kept = [order for order in kept if doubt[order] < _FIT_FACTOR * min(doubt.values())]
    cases = {order: letter_case(judged[order].text) for order in kept}
    if "lower" in cases.values():
        kept = [order for order in kept if cases[order] != "upper"]
    return [order for order in tied if order not in cyrillic or order in kept]
