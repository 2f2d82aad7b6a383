"""Which legacy code page reads a file: the strict decodings of its bytes
(:func:`candidates`) ranked (:func:`best_legacy`).

When several configured code pages decode a file strictly, the one whose text is most
plausible wins (:func:`best_legacy`): fewest implausible words
(:mod:`corpuskit.decoding.plausibility`), then no C1 control, then fewest words writing a letter of
Central Europe's where no language writes it (``piů``: :mod:`corpuskit.decoding.centralspelling`),
then fewest words holding letters of a language the text is not in (``Tðehhi``), then,
against a code page that reads alike, words spelled as a language of Central Europe spells
them (:mod:`corpuskit.decoding.centraleurope`), then, of Cyrillic code pages, spelling, letter pairs
and letter case (cp1251 and KOI8-R read each other's small letters as capitals:
:mod:`corpuskit.decoding.cyrillicspelling`), then Hebrew's and Japanese's spelling
(:mod:`corpuskit.decoding.hebrewspelling`, :mod:`corpuskit.decoding.kanaspelling`), then fewest
words mixing letters no one alphabet writes together (``Pawe³``:
:mod:`corpuskit.decoding.latinalphabets`), then the highest
probability that the text is in a language a code page reading it so is made for
(:data:`~corpuskit.decoding.codepagelanguages.CODEPAGE_LANGUAGES`), then the configured order.

The chosen reading is looked at once more when it is doubtful
(:mod:`corpuskit.decoding.secondlook`).
"""

from __future__ import annotations

import codecs
from collections.abc import Callable

from ..normalize import C1_CONTROLS, Repairs
from .centraleurope import one_alphabet
from .centralspelling import fewest_misplaced
from .codepagelanguages import NO_LANGUAGE, Reading, language_fit, lettered_fit
from .cyrillicspelling import cyrillic_by_spelling_and_case
from .greekspelling import greek_by_quotes
from .hebrewspelling import hebrew_by_spelling
from .kanaspelling import kana_by_spelling
from .latinalphabets import fewest_mixed_alphabets
from .plausibility import JUDGED_CHARS, Judgement, judge, more_implausible_than, odd_words, words_of

#: Characters of each candidate glanced at to choose the order candidates are judged in.
_PROBE_CHARS = 1000


def _judging_order(decodings: list[tuple[str, str]]) -> list[int]:
    """The candidates' indices in the order to judge them: fewest implausible words among
    the first :data:`_PROBE_CHARS` characters first, then the configured order.

    The order changes no result (the ranking is a minimum); judging the likely winner
    first lets :func:`more_implausible_than` drop the others soonest.
    """
    def probe(order: int) -> tuple[int, int]:
        words = words_of(decodings[order][1][:_PROBE_CHARS])
        return len(odd_words(words)), order

    return sorted(range(len(decodings)), key=probe)


def candidates(data: bytes, encodings: tuple[str, ...]) -> list[tuple[str, str]]:
    """The distinct strict decodings of ``data`` (codec name, text), in configured order;
    of code pages decoding to the same text, the first is kept."""
    return [(readers[0], text) for readers, text in _read_alike(data, encodings)]


def _read_alike(data: bytes, encodings: tuple[str, ...]) -> list[tuple[tuple[str, ...], str]]:
    """The distinct strict decodings of ``data``, in configured order, each with every code
    page of ``encodings`` that decodes it to that text (codec names, in configured order)."""
    decodings: list[tuple[tuple[str, ...], str]] = []
    for encoding in encodings:
        try:
            text = data.decode(encoding, errors="strict")
        except UnicodeDecodeError:
            continue
        name = codecs.lookup(encoding).name
        for at, (readers, seen) in enumerate(decodings):
            if text == seen:
                if name not in readers:
                    decodings[at] = ((*readers, name), seen)
                break
        else:
            decodings.append(((name,), text))
    return decodings


def best_legacy(data: bytes, encodings: tuple[str, ...]) -> Reading | None:
    """The most plausible strict decoding among ``encodings`` (deterministic).

    Candidates are ranked by: fewest implausible words (mixed scripts, case flips, symbols
    between letters, accents everywhere), then a reading without C1 controls
    (:func:`_without_c1_controls`), then fewest words holding letters of a language the
    text is not in, against a reading in a language of its code page
    (:func:`_fewest_foreign_letters`), then, of code pages that read alike (cp1250 and
    ISO-8859-2, whichever code page of its candidate each is recorded in), a reading that
    is no misreading of the other (:func:`one_alphabet`),
    then, of cp1255 and a Cyrillic code page, Hebrew's spelling and letters
    (:func:`hebrew_by_spelling`), then,
    of Cyrillic code pages whose readings are both surely in their languages, Cyrillic
    spelling, letter pairs, then letter case (:func:`cyrillic_by_spelling_and_case`), then
    Japanese's spelling of small kana (:func:`kana_by_spelling`), then fewest words mixing
    letters no one alphabet writes together (:func:`fewest_mixed_alphabets`), then the highest
    probability that the text is in a language of one of the code pages that read it so
    (:func:`_best_fit`), then the configured order. Candidates decoding to the same text
    are one candidate, recorded in the first of those code pages (where its text is in no
    language that one is made for, kana that gb18030 reads alike with EUC-JP, the second
    look reads it in one it is: :func:`~corpuskit.decoding.secondlook.second_look`). Each candidate
    is judged as normalization's fix-encoding step will leave it, so a file mixing UTF-8 with
    cp1252 reads as cp1252 (whose mojibake ftfy repairs), not as CJK (``L'茅t茅``).

    The ranking is exactly that minimum, computed lazily: a candidate shown to be more
    implausible than one already judged cannot win and is not judged in full, and the
    language fit (a language identification) is asked only of candidates tied on the
    fewest implausible words.
    """
    grouped = _read_alike(data, encodings)
    decodings = [(readers[0], text) for readers, text in grouped]
    if len(decodings) <= 1:
        return Reading(*decodings[0], None) if decodings else None
    judged: dict[int, Judgement] = {}
    fewest: int | None = None
    repairs: Repairs = {}  # the lines of this file's readings that ftfy repaired
    for order in _judging_order(decodings):
        text = decodings[order][1]
        if fewest is not None and more_implausible_than(text[:JUDGED_CHARS], fewest,
                                                         repairs):
            continue
        judgement = judged[order] = judge(text, repairs)
        if fewest is None or judgement.implausibility < fewest:
            fewest = judgement.implausibility
    tied = [order for order, judgement in judged.items() if judgement.implausibility == fewest]
    if len(tied) > 1:
        tied = _without_c1_controls(tied, decodings)
    if len(tied) > 1:
        tied = fewest_misplaced(tied, judged)  # (QA s83 qa-decode F3: piů, ŕ for più, à)
    if len(tied) > 1:
        tied = _fewest_foreign_letters(tied, grouped, judged)
    if len(tied) > 1:
        tied = one_alphabet(tied, grouped, judged, _listing(encodings))
    if len(tied) > 1:
        tied = greek_by_quotes(tied, grouped, data)  # (QA s82 fix-greek: Άγιος, ’γιος)
    if len(tied) > 1:
        tied = hebrew_by_spelling(tied, decodings, data)
    if len(tied) > 1:
        tied = cyrillic_by_spelling_and_case(tied, decodings, judged)
    if len(tied) > 1:
        tied = kana_by_spelling(tied, judged)
    if len(tied) > 1:
        tied = fewest_mixed_alphabets(tied, judged)  # (QA s83 qa-decode2 R4, P1: Pawe³)
    winner = tied[0] if len(tied) == 1 else _most_fitting(
        tied, lambda order: _best_fit(judged[order].text, grouped[order][0]))
    return Reading(*decodings[winner], judged[winner])


#: The highest fit there is (:func:`_best_fit`: a sum of probabilities, rounded).
_FULL_FIT = 1.0


def _most_fitting(tied: list[int], fit: Callable[[int], float]) -> int:
    """``min(tied, key=lambda order: (-fit(order), order))``: the reading of ``tied``
    whose language fits best (:func:`_best_fit`), the first listed of those that fit
    alike; each fit asked in the configured order, and none after one that fits fully
    (:data:`_FULL_FIT`), which no later one can beat. A fit is a language
    identification: of the kit's 135 legacy files whose readings tied until the fit (two
    each), the first fit fully in every one, and the other's identification was work
    whose result could not matter."""
    best, best_fit = tied[0], -1.0
    for order in sorted(tied):
        found = fit(order)
        if found > best_fit:
            best, best_fit = order, found
        if best_fit >= _FULL_FIT:
            break
    return best


def _fewest_foreign_letters(tied: list[int], grouped: list[tuple[tuple[str, ...], str]],
                            judged: dict[int, Judgement]) -> list[int]:
    """The readings ``tied`` (indices in ``grouped``, none with more implausible words) but
    those with more words holding letters of a language they are not in
    (:func:`~corpuskit.decoding.plausibility.foreign_letter_words`) than one in a language of its
    code page.

    Estonian in cp1257 writes ``š`` and ``ž`` where cp1252 reads Icelandic's ``ð`` and
    ``þ`` (``Tðehhi``), its other letters alike: both readings are Estonian to the
    identifier, whose noise then chose cp1252 (it is made for more languages, Finnish's
    share added to Estonian's), even with cp1257 listed first (QA s81 qa-decodelong 2).
    Only against a reading in a language of its code page that writes letters beyond
    ASCII (:func:`lettered_fit`): Danish in cp1252 naming a Vietnamese keyboard
    ``AÐERTY`` reads in cp1257 with no such letter, but as ``Udtręk``, ``fųr``, in no
    language of cp1257, and English naming ``Guðmundsdóttir`` as ``Gušmundsdóttir``,
    English to the identifier, whose letters are all ASCII."""
    foreign = {order: judged[order].foreign for order in tied}
    fewest = min(foreign.values())
    if fewest == max(foreign.values()) or not any(
            foreign[order] == fewest and max(
                lettered_fit(judged[order].text, encoding)
                for encoding in grouped[order][0]) > NO_LANGUAGE
            for order in tied):
        return tied
    return [order for order in tied if foreign[order] == fewest]


def _best_fit(text: str, readers: tuple[str, ...]) -> float:
    """The highest probability (rounded, so that noise decides nothing) that ``text`` is in
    a language of one of the code pages ``readers`` that all read a file as ``text``.

    Any of them may be the file's: all-kana Japanese in EUC-JP is the same text in gb18030
    (GB2312 put kana where JIS X 0208 did), and judged only as gb18030's, "in no language
    gb18030 is made for", it lost to Big5's reading of the same bytes as a run of hanzi
    ending in an opening bracket (``歹凶仄反互仁六中匹允﹝`` for ``わたしはがくせいです。``),
    with exit 0, where with gb18030 not listed EUC-JP won (QA s80 qa-judge6 1)."""
    return max(round(language_fit(text, encoding), 6) for encoding in readers)


def _without_c1_controls(tied: list[int], decodings: list[tuple[str, str]]) -> list[int]:
    """The readings ``tied`` (indices in ``decodings``, none with more implausible words)
    but those holding a C1 control (U+0080-U+009F), where one does not.

    No text holds a C1 control: an ISO 8859 code page reads there the bytes a Windows code
    page gives its letters and signs (cp1250's ``š``, 9A, is one in ISO-8859-2), and the
    judge, reading each as fix-encoding will (as cp1252's byte), finds no word mistyped.
    Against code pages that read alike only (:func:`one_alphabet`), ISO-8859-2's
    ``Š2024 Firma s.r.o., v\\x9aechna`` won against cp1250's ``©2024 ... všechna``, exit
    0, when cp1252, listed first, read that cp1250 file alike and so recorded its reading
    (QA s81)."""
    clean = [order for order in tied if C1_CONTROLS.search(decodings[order][1]) is None]
    return clean or tied


def _listing(encodings: tuple[str, ...]) -> dict[str, int]:
    """Where each code page of ``encodings`` is first listed, by its codec name."""
    listing: dict[str, int] = {}
    for at, encoding in enumerate(encodings):
        listing.setdefault(codecs.lookup(encoding).name, at)
    return listing
