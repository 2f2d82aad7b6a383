"""Which Cyrillic code page's reading of a file is its text where each looks typed: cp1251
and KOI8-R read each other's small letters as capitals, in another order, and the language
identifier is sure of both. Told by spellings no Cyrillic language writes
(:func:`unspelled_word`), by which letters follow which
(:func:`~corpuskit.cyrillicpairs.pair_cost`), by the language fit, then by letter case
(:func:`letter_case`): :func:`cyrillic_by_spelling_and_case`, a step of the ranking
(:func:`~corpuskit.codepages.best_legacy`).
"""

from __future__ import annotations

import re

from .codepagelanguages import CYRILLIC_PAGES, SURE, language_fit
from .cyrillicpairs import pair_cost
from .plausibility import Judgement

#: The letters the Cyrillic languages of cp1251 and KOI8 write their vowels with
#: (Bulgarian's ``ъ``, Ukrainian's and Belarusian's ``і``, ``ї``, ``є`` too).
_CYRILLIC_VOWELS = frozenset("аеёиоуыэюяіїєъ")
CYRILLIC_WORD = re.compile("[\u0400-\u04ff]+")


def unspelled_word(word: str) -> bool:
    """Whether ``word`` (Cyrillic letters) holds a spelling none of the Cyrillic code
    pages' languages writes: no vowel in two letters or more, ``й`` after a consonant,
    ``ь`` first or after a vowel, or ``ъ`` last. Unlike
    :func:`~corpuskit.hebrewspelling._not_russian`, it takes Bulgarian's ``ъ`` for the vowel
    it is there (``път``, ``държава``: of 515 short lines of Bulgarian, the Russian rule
    took 61 for gibberish)."""
    word = word.lower()
    if len(word) >= 2 and (not _CYRILLIC_VOWELS.intersection(word) or word.endswith("ъ")):
        return True
    return any((letter == "й" and at and word[at - 1] not in _CYRILLIC_VOWELS)
               or (letter == "ь" and (not at or word[at - 1] in _CYRILLIC_VOWELS))
               for at, letter in enumerate(word))


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
#: (:func:`~corpuskit.cyrillicpairs.pair_cost`), for one reading to lose by its letters: one
#: bit, a pair half as likely. Of 3,000 short lines of the system's Russian, Ukrainian and
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
