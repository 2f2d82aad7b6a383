"""Whether a chosen legacy reading is doubtful (:func:`doubtful`), and whether another code
page's reading is clearly better than it (:func:`why_better`), on the :class:`Evidence` of
each: its implausible words, the probability that it is in a language of its code page,
and how well its letters fit a language (charset-normalizer's coherence, :func:`coherence`).
"""

from __future__ import annotations

import codecs
import re
from functools import cache
from typing import NamedTuple

from charset_normalizer.cd import coherence_ratio

from ..normalize import C1_CONTROLS
from ..wording import counted
from .centralspelling import misplaced_letter_words
from .codepagelanguages import (
    CYRILLIC_PAGES,
    MULTIBYTE,
    NO_LANGUAGE,
    SURE,
    Reading,
    addable_code_pages,
    language_fits,
    lettered_fit,
    reads_alike,
)
from .cyrillicspelling import misread_as_cyrillic
from .hebrewspelling import hebrew_by_letters, spelled_as_hebrew
from .latinalphabets import mixed_alphabet_words
from .plausibility import JUDGED_CHARS, Judgement, foreign_letter_words, judge, plausible, words_of

#: A reading whose letters fit a language this well (charset-normalizer's coherence, 0 to
#: 1) is not doubted on that ground. Legacy files of the benchmark corpus in cp1252,
#: cp1250, cp1251 and KOI8-R fit at 0.45 to 1; Hebrew read as cp1251 fits at 0.28.
#: Judged only over :data:`_SURE_CHARS` characters of non-ASCII words or more: a sentence
#: of Czech or Russian read right fits at 0.32 to 0.36.
_COHERENT = 0.4
#: How much better another reading's letters must fit a language to win on that alone
#: (Hebrew: 0.92 in cp1255 against 0.28 in cp1251; Polish: 0.71 in iso8859-2, its wrong
#: code page, against 0.66 in cp1250, its right one).
_COHERENCE_MARGIN = 0.3
#: A reading whose most probable language of its code page has less than this probability,
#: over at least :data:`_SURE_CHARS` characters of non-ASCII words, is doubtful, and one
#: that has :data:`SURE` or more may win over it. Coherence tells little of Chinese,
#: Japanese and Korean (0 to 0.3, read right or not); Japanese in Shift_JIS read as
#: gb18030 is 49% Wu Chinese and 37% Mandarin, in Shift_JIS 100% Japanese, and Chinese
#: read right is Mandarin at 88-96%.
_UNSURE = 0.8
#: The same for a reading in a code page of Chinese, Japanese or Korean: Korean read as
#: gb18030 was 82% Mandarin (QA), Chinese read right 88% or more (the benchmark corpus's
#: files 93% or more).
_UNSURE_CJK = 0.9
#: Readings of a file in other code pages are ranked first by whether the probability that
#: they are in a language of their code page reaches this: Korean read as EUC-JP is 18%
#: Japanese; two Greek words read right are 89% Greek, read as iso8859-5 (``Ъсычьнёс``)
#: 100% "in a Cyrillic language" (13 of them), but 40% in its most probable one.
LIKELY = 0.8
_SURE_CHARS = 100
#: The same for a reading in a code page of Chinese, Japanese or Korean, whose characters
#: are a syllable or a word each. Japanese in Shift_JIS read as gb18030 (gnupg's help.ja.txt
#: in pieces, the default code pages): of 53 pieces of 40-70 such characters all were
#: taken, of 34 of 70-100 half; from 60 on, 41 and none are, and are refused naming
#: cp932. Chinese read right (gnupg's help.zh_CN.txt and Rust by Example's Chinese pages):
#: one piece of 344 of 40-70 characters more is refused (a code comment: 2 of 1,020 of
#: 20-160 before); from 40 on, eleven more.
_SURE_CHARS_CJK = 60
#: Implausible words that make a reading worse than one with fewer: a word or two may be a
#: typed oddity ("Дом№5" in Russian); Greek read as cp1251 flips case in most words.
_MISTYPED = 3
#: A reading with :data:`_MISTYPED` implausible words or more, holding at least this share
#: of the characters of its non-ASCII words (of :data:`_SURE_CHARS` or more: a line of
#: Polish in cp1250 between UTF-8 lines has 4 of 10 words mistyped, and iso8859-2 none, but
#: reads the UTF-8 no better), is beaten by one with none whatever their letters' fit:
#: Greek read as cp1251 with a title line (15 of 42 words, 92 of 203 characters, mixed
#: case inside words) fit a language better (0.45) than in cp1253 (0.39), and was kept as
#: gibberish tagged Russian (QA).
_MOSTLY_MISTYPED = 0.25


def _unsure(reading: Reading) -> float:
    """Below what probability of its most probable language a reading is doubtful:
    :data:`_UNSURE`, or :data:`_UNSURE_CJK` in a code page of Chinese, Japanese or Korean,
    whose letters' fit cannot vouch for it."""
    return _UNSURE_CJK if reading.encoding in MULTIBYTE else _UNSURE


def _sure_chars(reading: Reading) -> int:
    """From how many characters of non-ASCII words a reading's language is judged:
    :data:`_SURE_CHARS`, or :data:`_SURE_CHARS_CJK` in a code page of Chinese, Japanese or
    Korean."""
    return _SURE_CHARS_CJK if reading.encoding in MULTIBYTE else _SURE_CHARS


def coherence(text: str) -> float:
    """How well the letters of ``text`` fit the language whose letter frequencies they fit
    best (charset-normalizer's coherence ratio, 0 to 1; 0 for too few letters). It tells
    little of Chinese, Japanese and Korean (0 to 0.3, read right or not): a reading in one
    of their code pages (:data:`MULTIBYTE`) is neither doubted nor beaten on it."""
    ratios = coherence_ratio(text[:JUDGED_CHARS])
    return ratios[0][1] if ratios else 0.0


class Evidence(NamedTuple):
    """What a legacy reading is judged on when another may be clearly better."""

    reading: Reading
    judgement: Judgement
    #: Probability that its text is in a language of its code page
    #: (:func:`~corpuskit.decoding.codepagelanguages.language_fit`), and in the most probable one of
    #: them.
    fit: float
    top: float
    #: How well its letters fit a language (:func:`coherence`).
    coherence: float


def evidence(reading: Reading) -> Evidence:
    judgement = reading.judgement or judge(reading.text)
    return Evidence(reading, judgement, *language_fits(judgement.text, reading.encoding),
                     coherence(judgement.text))


@cache
def _has_alike(encoding: str) -> bool:
    """Whether a code page corpuskit knows reads alike with ``encoding``."""
    return any(reads_alike(encoding, other) for other in addable_code_pages())


def doubtful(reading: Reading) -> Evidence | None:
    """The evidence on a chosen legacy reading if it is doubtful (it has :data:`_MISTYPED`
    implausible words or more, it is in no language of its code page, or, over
    :func:`_sure_chars` characters of non-ASCII words, its letters fit no language well or
    its most probable language is unsure, or, in a Cyrillic code page, its words show it
    misread, :func:`_cyrillic_misread`), else None: the readings another may be clearly
    better than (:func:`why_better`)."""
    found = evidence(reading)
    coherent = found.coherence >= _COHERENT or reading.encoding in MULTIBYTE
    if found.judgement.implausibility < _MISTYPED and found.fit > NO_LANGUAGE and (
            found.judgement.word_chars < _sure_chars(reading)
            or (coherent and found.top >= _unsure(reading))) \
            and not (found.judgement.implausibility and _has_alike(reading.encoding)) \
            and not found.judgement.foreign and not _cyrillic_misread(found):
        return None  # no reading could be clearly better (why_better): none is looked for
    return found


def why_better(other: Evidence, chosen: Evidence) -> str | None:
    """Why reading ``other`` is clearly better than the ``chosen`` one, or None if it is
    not. It must be plausible, likely in one language of its code page (:data:`LIKELY`),
    and have no more implausible words, nor more words misplacing a letter of Central
    Europe's (:func:`~corpuskit.decoding.centralspelling.misplaced_letter_words`: a list of places
    in cp1252, Indonesian, Czech or Hungarian to the identifier, was told to add cp1250,
    whose ``Ińapari`` for ``Iñapari`` no language writes; QA s83 qa-decode F3), nor more
    words mixing letters no one alphabet writes together
    (:func:`~corpuskit.decoding.latinalphabets.mixed_alphabet_words`: English naming ``Paweł`` in
    cp1250, listed first, doubtful as English is in every code page's languages, was
    built as cp1252's ``Pawe³``; QA s83 qa-decode2 P1); then it
    is clearly better if the chosen one is misread in its words or language
    (:func:`_misread_words`). Else it must be surely in
    one language of its code page (:data:`SURE`; so its probability of being in any of
    them is that at least); then it is clearly better if the chosen one has
    :data:`_MISTYPED` implausible words or more and it has fewer (and its letters fit a
    language at least as well, unless it has none and they are :data:`_MOSTLY_MISTYPED`
    of the chosen one's); and, over :func:`_sure_chars` characters of non-ASCII words (the
    chosen one's), if its letters fit a language much better, or no language of the chosen
    one's code page is probable."""
    if other.top < LIKELY or not plausible(other.judgement) \
            or other.judgement.implausibility > chosen.judgement.implausibility \
            or hangul_before_hanja(other) \
            or len(misplaced_letter_words(other.judgement.text)) \
            > len(misplaced_letter_words(chosen.judgement.text)) \
            or len(mixed_alphabet_words(other.judgement.text)) \
            > len(mixed_alphabet_words(chosen.judgement.text)):
        return None
    if C1_CONTROLS.search(other.reading.text) and not C1_CONTROLS.search(chosen.reading.text):
        # No text holds a C1 control (:func:`~corpuskit.decoding.codepages._without_c1_controls`):
        # ISO-8859-2's ``V\x9aechna`` was taken for clearly better than cp1252's
        # ``Spoleènost`` and built, exit 0, where cp1250, not listed, reads ``Všechna ...
        # Společnost`` (QA s81).
        return None
    misread = _misread_words(other, chosen)
    if misread is not None:
        return misread
    if other.top < SURE:
        return None  # the rest judge by letters' fit and language: it must be sure
    odd = chosen.judgement.implausibility
    if odd >= _MISTYPED and odd > other.judgement.implausibility \
            and (other.coherence >= chosen.coherence
                 or (other.judgement.implausibility == 0
                     and chosen.judgement.word_chars >= _SURE_CHARS
                     and chosen.judgement.odd_chars
                     >= _MOSTLY_MISTYPED * chosen.judgement.word_chars)):
        return f"{counted(odd, 'word')} in it look mistyped"
    if chosen.judgement.word_chars < _sure_chars(chosen.reading):
        return None  # too little text for the letters' fit, or one language's probability
    if other.coherence >= chosen.coherence + _COHERENCE_MARGIN \
            and not {chosen.reading.encoding, other.reading.encoding} & MULTIBYTE:
        return "its letters are not those of a language"
    if chosen.top < _unsure(chosen.reading):
        return f"no language {chosen.reading.encoding} is made for fits it well"
    return None


#: Korean's code pages, and the runs of Hangul syllables and Han characters their text is
#: judged in (:func:`hangul_before_hanja`).
_KOREAN_PAGES = frozenset(codecs.lookup(name).name for name in ("cp949", "euc_kr"))
_HANGUL_AND_HANJA = re.compile("[\uac00-\ud7a3\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_HANGUL_THEN_HANJA = re.compile("[\uac00-\ud7a3][\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
#: The share of a Korean reading's runs (and the fewest of them) that
#: :func:`hangul_before_hanja` must find a Hangul syllable before a Han character in.
_HANJA_AFTER_HANGUL_SHARE = 1 / 4
_HANJA_AFTER_HANGUL_RUNS = 2


def hangul_before_hanja(found: Evidence) -> bool:
    """Whether a reading in a Korean code page writes a Hangul syllable right before a Han
    character in a quarter of its runs of them (two at least). Korean writes a word in
    Hanja with its ending in Hangul after it (``韓國의``), never Hangul before Hanja inside a
    word; Chinese in gb18030 read as cp949 mixes both anyhow (``加쨌弄薑伽``,
    ``俚륜롸몰몹契``), and the language identifier, seeing Hangul, is sure it is Korean: a
    sound gb18030 file with gb18030 listed was refused, told to add cp949 (QA s81
    decodelong 9)."""
    if found.reading.encoding not in _KOREAN_PAGES:
        return False
    runs = _HANGUL_AND_HANJA.findall(found.judgement.text)
    mixed = sum(1 for run in runs if _HANGUL_THEN_HANJA.search(run))
    return mixed >= max(_HANJA_AFTER_HANGUL_RUNS, _HANJA_AFTER_HANGUL_SHARE * len(runs))


def _misread_words(other: Evidence, chosen: Evidence) -> str | None:
    """Why reading ``other``, likely in a language of its code page (:data:`LIKELY`; it is
    plausible, with no more implausible words), is clearly better than the ``chosen`` one
    on the chosen one's words or language, or None: the chosen one has more words that
    look mistyped and its code page reads most letters alike with the other's, or words
    holding letters of a language it is not in
    (:func:`~corpuskit.decoding.plausibility.foreign_letter_words`) where the other has fewer and
    is likely in a language that writes letters beyond ASCII (:func:`lettered_fit`), or
    it is in no language of its code page where the other is surely in its own
    (:data:`SURE`, of them all), or it is a Cyrillic reading whose words show it misread
    (:func:`_cyrillic_misread`) where the other is in an alphabet with letter case
    (:func:`_cased`).

    Such a reading is misread in its words, which tells more than any language's
    probability: a text mixing languages, or close ones, is less than :data:`SURE` in
    its most probable one read right (Ukrainian quoting Russian 94.7% Ukrainian in KOI8-U
    against ``з╕`` in KOI8-R; Latvian 87.5%, the rest Latgalian, in cp1257; Turkish 93.5%
    in cp1254, against ``aþaðýdaki`` in cp1252), and was built misread, exit 0 (QA s81
    qa-decodelong 2-4)."""
    odd = chosen.judgement.implausibility
    fewer = odd > other.judgement.implausibility
    if fewer and reads_alike(chosen.reading.encoding, other.reading.encoding) \
            and not C1_CONTROLS.search(other.reading.text):
        # (Not a reading holding C1 controls, which ISO-8859 code pages leave to them and
        # no text holds: its words were judged after repair, UTF-8 read in ISO-8859-2,
        # ``zebraĹ\x82a``, being ftfy's to repair whole where ``zebraĹ‚a`` in cp1250 is
        # not, and a file mixing UTF-8 and cp1250 was told to add iso8859-2.)
        return (f"{counted(odd, 'word')} in it {'looks' if odd == 1 else 'look'} mistyped, "
                f"{other.judgement.implausibility or 'none'} in {other.reading.encoding}, "
                "which reads most letters alike and is made for the same languages")
    if chosen.fit <= NO_LANGUAGE and other.fit >= SURE:
        return f"that is in no language {chosen.reading.encoding} is made for"
    if odd < _MISTYPED and other.reading.encoding not in CYRILLIC_PAGES \
            and _cased(other.judgement.text) and (odd_words := _cyrillic_misread(chosen)):
        # Greek read as cp1251 or KOI8-R is a Cyrillic language to the identifier, and a
        # short line of it has a word or two that look mistyped, too few to doubt it
        # (QA s82 review 3): its words are spelled and cased as no Cyrillic language writes.
        # (With more, the reading is doubted and beaten on them, as it was, below.)
        # Only an alphabet of capitals and small letters tells its case: Hebrew and Arabic,
        # which have none, read the abbreviations of Cyrillic (``кВт МГц``, ``ИЛд``) as
        # text their language identifier is as sure of (cp1255's ``ךֲע ֳּצ``).
        return _unspelled_cyrillic(odd_words)
    if chosen.judgement.foreign > other.judgement.foreign \
            and lettered_fit(other.judgement.text, other.reading.encoding) >= LIKELY:
        return _foreign_letters(chosen)
    return None


#: Words a message names as holding letters of a language the text is not in.
_FOREIGN_EXAMPLES = 3


def _cyrillic_misread(found: Evidence) -> list[str]:
    """The words of a reading in a Cyrillic code page that show it misread
    (:func:`~corpuskit.decoding.cyrillicspelling.misread_as_cyrillic`) where the language
    identifier is unsure which Cyrillic language it is in (:func:`_unsure`); none in
    another code page. Greek read as cp1251 is 13% to 60% in its most probable one; a line
    of Russian naming abbreviations (``использовать КДР как локальную кодировку``) is
    surely Russian, and its reading in cp1252, in no alphabet of Cyrillic's spellings,
    was taken for clearly better."""
    if found.reading.encoding not in CYRILLIC_PAGES or found.top >= _unsure(found.reading):
        return []
    words = misread_as_cyrillic(found.judgement.text)
    if words and _hebrew(found.reading):
        # Hebrew read as cp1251 is spelled as no Cyrillic language spells either, and a
        # geresh read as a capital (``чшйцЧе``) mixes its case: the second look's Hebrew
        # rules name cp1255, where this named cp1253 (QA s82 fix-greekshort).
        return []
    return words


def _hebrew(reading: Reading) -> bool:
    """Whether a Cyrillic code page's ``reading`` is Hebrew in cp1255 by its spelling or
    its letters (:func:`~corpuskit.decoding.hebrewspelling.spelled_as_hebrew`,
    :func:`~corpuskit.decoding.hebrewspelling.hebrew_by_letters`)."""
    try:
        data = reading.text.encode(reading.encoding)
    except UnicodeEncodeError:  # (a reading is its code page's: never, but not Hebrew)
        return False
    return spelled_as_hebrew(data, reading.encoding) or hebrew_by_letters(data,
                                                                          reading.encoding)


def _cased(text: str) -> bool:
    """Whether ``text`` has letters beyond ASCII, all capitals or small letters (Greek's,
    not Hebrew's or Arabic's, which have no case), and small ones among them: KOI8-R reads
    Cyrillic's small letters as capitals, and a code page of another alphabet its capitals
    as small letters, so a small-letter line of KOI8-R is capitals only there (cp1253's
    ``ΤΜΣ: %pa`` for ``тлс: %pa``)."""
    letters = [char for char in text if char.isalpha() and not char.isascii()]
    return bool(letters) and all(char.isupper() or char.islower() for char in letters) \
        and any(char.islower() for char in letters)


def _unspelled_cyrillic(words: list[str]) -> str:
    """Why a Cyrillic reading whose ``words`` show it misread (:func:`_cyrillic_misread`) is
    so, naming a few."""
    shown = ", ".join(repr(word[:30]) for word in list(dict.fromkeys(words))[:_FOREIGN_EXAMPLES])
    return (f"{counted(len(words), 'word')} in it {'is' if len(words) == 1 else 'are'} "
            f"spelled or cased as no Cyrillic language writes "
            f"{'it' if len(words) == 1 else 'them'}, such as {shown}")


def _foreign_letters(chosen: Evidence) -> str:
    """Why the ``chosen`` reading's words holding letters of a language it is not in are
    misread, naming a few (:func:`~corpuskit.decoding.plausibility.foreign_letter_words`)."""
    text = chosen.judgement.text
    words = foreign_letter_words(text, [word for word in words_of(text)
                                        if not word.isascii()])
    shown = ", ".join(repr(word[:30])
                      for word in list(dict.fromkeys(words))[:_FOREIGN_EXAMPLES])
    count = chosen.judgement.foreign
    return (f"{counted(count, 'word')} in it {'holds' if count == 1 else 'hold'} letters "
            f"only languages it is not in write, such as {shown}")
