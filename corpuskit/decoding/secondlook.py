"""The second look at a doubtful legacy reading, and the code page a refused file is told to
add: the readings of a file in the other code pages corpuskit knows, ranked
(:func:`readings_elsewhere`).

A wrong code page can still give words that look typed: Hebrew in cp1255 read as cp1251 is
Cyrillic letters in lower case, and py3langid, which only compares languages with each
other, calls it Bulgarian. So the chosen reading is looked at once more when it is
doubtful (:func:`second_look`): another code page that reads the file clearly better
(:func:`clearly_better`: in a language it is made for, by the letters' frequencies) wins if
it is configured, and the file is refused, naming that code page, if it is not. Japanese in
Shift_JIS read as gb18030 is told by the hanzi gb18030 reads its kana as
(:func:`~corpuskit.decoding.kanaspelling.kana_read_as_hanzi`), Hebrew by its spelling
(:mod:`corpuskit.decoding.hebrewspelling`). A file no configured code page reads as text is told the
one that does (:func:`what_to_do`), and one whose reading looks like UTF-8 cut short is
told of a sound reading, if it has one (:func:`sound_reading`).
"""

from __future__ import annotations

import codecs
import re

from ..config import DecodeConfig
from ..normalize import Repairs, mojibake_at
from .centraleurope import mixed_alphabets_advice, one_alphabet_elsewhere
from .centralspelling import misplaced_letter_words
from .codepagelanguages import (
    MULTIBYTE,
    SURE,
    Reading,
    addable_code_pages,
    language_fits,
    lettered_fit,
    reads_alike,
)
from .codepages import candidates
from .damagedreading import damaged_code_page
from .doubtfulreading import LIKELY, Evidence, coherence, doubtful, evidence, why_better
from .eucjapanese import read_as_euc_jp
from .greekspelling import other_greek_page, told_greek_page
from .hebrewspelling import hebrew_by_letters, read_as_hebrew, spelled_as_hebrew
from .kanaspelling import read_as_japanese
from .misreadalone import Misreading, capitals_only, misread_alone, undecoded_advice
from .plausibility import JUDGED_CHARS, Judgement, judge, more_implausible_than, plausible
from .refusal import BetterElsewhere, excerpt

#: Bytes of a refused file judged to suggest a code page (cut after its last LF there, a
#: byte that is no part of a longer character in any of them).
_SUGGESTION_BYTES = 1 << 16


def _decodes(data: bytes, encoding: str) -> bool:
    """Whether ``data`` decodes strictly in ``encoding``, read a slice at a time (a file
    of many MB is never held decoded)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        for start in range(0, len(data), _SUGGESTION_BYTES):
            decoder.decode(data[start:start + _SUGGESTION_BYTES])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def suggested_code_page(data: bytes, configured: tuple[str, ...]) -> Reading | None:
    """For a file that no configured code page reads as text: the best reading in a code
    page the configuration could add, if one reads as text (:func:`readings_elsewhere`).
    Asked only of a file that is refused, so it costs a build nothing else."""
    readings = readings_elsewhere(data, configured)
    return readings[0].reading if readings else None


def readings_elsewhere(data: bytes, excluded: tuple[str, ...],
                        preferred: tuple[str, ...] = ()) -> list[Evidence]:
    """The plausible readings of ``data`` in the code pages corpuskit knows but
    ``excluded``, best first: those likely in a language of their code page
    (:data:`LIKELY`), then by fewest implausible words, then by how well their letters
    fit a language (Hebrew read as KOI8-R, ``ЗЛ ЮАИА``, is Cyrillic "surely" too, but fits
    at 0.48, in cp1255 at 0.74), then by the probability of their most probable language,
    then the order. Only code pages that decode the whole file are tried, each judged on
    the file's first :data:`_SUGGESTION_BYTES`.

    Every reading is judged in full: among a dozen code pages, the fewest implausible words
    alone chose Korean read as EUC-JP (one odd word, 18% Japanese) over EUC-KR (two, 100%
    Korean). Windows code pages come first: where one and an ISO 8859 page read a file
    alike (Greek in cp1253 and iso8859-7), it was most likely written by Windows software.
    Code pages ``preferred`` (the configured ones) come before all others: of code pages
    that read a file alike (Shift_JIS and cp932), a configured one is the one named.
    """
    judged = [(order, evidence(Reading(encoding, text, None))) for order, (encoding, text)
              in enumerate(_other_readings(data, excluded, preferred))]
    readable = [(order, found) for order, found in judged if plausible(found.judgement)]
    readable.sort(key=_ranking)
    return [found for _, found in _letters_before_symbols(readable, data)]


def _letters_before_symbols(ranked: list[tuple[int, Evidence]], data: bytes
                            ) -> list[tuple[int, Evidence]]:
    """``ranked`` (readings elsewhere, in :func:`_ranking`'s order), but a reading in a code
    page that reads alike with one before it (:func:`reads_alike`) moved before that one
    where it has letters where that one has symbols, and no symbol where that one has a
    letter (:func:`_letters_where_symbols`); of Greek's two code pages, the one where
    Greek writes the characters it reads (:func:`~corpuskit.decoding.greekspelling.told_greek_page`)
    wherever that tells.

    cp1253 and ISO-8859-7 read Greek's letters alike but ``Ά``, A2 in cp1253 and B6 in
    ISO-8859-7, each of which the other reads as a symbol (``’``, ``¶``); their readings
    tie on mistyped words (a quote or a pilcrow may begin a word), and the ranking, on the
    letters' fit, advised the other code page, whose reading ``’γιος`` was then built
    with exit 0 (QA s81 decodelong 9). But ISO-8859-7's ``’`` where Greek drops a vowel
    (``να ’ναι``) is cp1253's letter ``Ά`` (``να Άναι``): 200 of 283 such ISO-8859-7
    texts, no Greek page listed, were told to add cp1253, then, that added, refused again
    naming iso8859-7, where Greek's spelling told it (QA s82 fix-decodemisc 2)."""
    result = list(ranked)
    for at in range(len(result)):
        chosen = result[at][1].reading
        for later in range(at + 1, len(result)):
            other = result[later][1].reading
            if reads_alike(chosen.encoding, other.encoding) \
                    and _reads_better_alike(data, other, chosen):
                result.insert(at, result.pop(later))
                break
    return result


def _reads_better_alike(data: bytes, reading: Reading, other: Reading) -> bool:
    """Whether ``reading`` of ``data`` comes before ``other``, in a code page that reads
    alike (:func:`_letters_before_symbols`)."""
    told = told_greek_page(data, reading.encoding, other.encoding)
    if told is not None:
        return told == reading.encoding
    return _letters_where_symbols(reading.text, other.text)


def _letters_where_symbols(text: str, other: str) -> bool:
    """Whether ``text`` has a letter where ``other`` (a reading of the same bytes in a
    code page that reads alike: as many characters) has none, and never the other way
    round."""
    if len(text) != len(other):
        return False
    found = False
    for mine, theirs in zip(text, other, strict=True):
        if mine == theirs or mine.isalpha() == theirs.isalpha():
            continue
        if theirs.isalpha():
            return False
        found = True
    return found


def _ranking(item: tuple[int, Evidence]) -> tuple[bool, int, int, float, float, int]:
    """Where a reading (its order among the others, its evidence) comes among the readings
    elsewhere (:func:`readings_elsewhere`): first comes first."""
    order, found = item
    return (found.fit < LIKELY, found.judgement.implausibility, found.judgement.foreign,
            -found.coherence, -round(found.top, 6), order)


def _other_readings(data: bytes, excluded: tuple[str, ...], preferred: tuple[str, ...]
                    ) -> list[tuple[str, str]]:
    """The readings :func:`readings_elsewhere` judges, in its order (before ranking):
    ``(codec name, text of the file's head)``."""
    tried = {codecs.lookup(name).name for name in excluded}
    first = {codecs.lookup(name).name for name in preferred}
    others = sorted((name for name in addable_code_pages() if name not in tried),
                    key=lambda name: (name not in first, not name.startswith("cp")))
    head = data
    if len(data) > _SUGGESTION_BYTES:
        cut = data.rfind(b"\n", 0, _SUGGESTION_BYTES) + 1
        head = data[:cut or _SUGGESTION_BYTES]
        others = [name for name in others if _decodes(data, name)]
    return candidates(head, tuple(others))


def clearly_better(data: bytes, chosen: Evidence, config: DecodeConfig
                   ) -> tuple[Evidence, str] | None:
    """The first of :func:`readings_elsewhere` (the configured code pages preferred) that
    is clearly better than the ``chosen`` reading (:func:`why_better`), and why; None if
    none is.

    The same answer as going down that list, for a fraction of its cost: a reading can
    be clearly better only if it is plausible, has no more implausible words than the
    chosen one and is surely in one language of its code page, so a reading shown to have
    more implausible words (:func:`~corpuskit.decoding.plausibility.more_implausible_than`, most
    often from its first lines: the other code pages mostly read noise) is not judged in
    full, nor its language identified nor its letters' fit measured, unless it passes the
    checks before. A legacy file in doubt was judged in each of the 23 code pages
    corpuskit knows: 19 ms of CPU, and 6 ms for the average Cyrillic file of technical
    text (man pages naming options and commands)."""
    bound = chosen.judgement.implausibility
    repairs: Repairs = {}  # lines of this file's readings that ftfy repaired
    survivors: list[tuple[int, Evidence]] = []
    for order, (encoding, text) in enumerate(
            _other_readings(data, (chosen.reading.encoding,), config.fallback_encodings)):
        if more_implausible_than(text[:JUDGED_CHARS], bound, repairs):
            continue
        judgement = judge(text, repairs)
        if judgement.implausibility > bound or not plausible(judgement):
            continue
        fit, top = language_fits(judgement.text, encoding)
        if top < LIKELY:  # (why_better asks more of it, but where the chosen is misread)
            continue
        survivors.append((order, Evidence(Reading(encoding, text, None), judgement, fit, top,
                                          coherence(judgement.text))))
    survivors.sort(key=_ranking)
    for _, found in _letters_before_symbols(survivors, data):
        why = why_better(found, chosen)
        if why is not None:
            return _greek_page_told(data, found), why
    return None


def _greek_page_told(data: bytes, found: Evidence) -> Evidence:
    """``found``, or the reading in Greek's other code page where the characters Greek
    writes say the file is in that one (:func:`~corpuskit.decoding.greekspelling.other_greek_page`).
    The two read alike but for a letter or two, which may sway the language identifier's
    probability across :data:`~corpuskit.decoding.doubtfulreading.LIKELY` or
    :data:`~corpuskit.decoding.codepagelanguages.SURE`, or make a word look mistyped: what makes one
    clearly better than the chosen reading makes the other so (QA s82 fix-decodemisc 2:
    ISO-8859-7's ``να ’χει`` and ``’%lu’``, its ``’`` cp1253's ``Ά``, were told to add
    cp1253, and cp1253's ``%s%sΆγνωστο``, cp1253 added, to add iso8859-7)."""
    greek = other_greek_page(data, found.reading.encoding)
    if greek is None:
        return found
    return evidence(Reading(greek.encoding, data.decode(greek.encoding), None))


def second_look(data: bytes, reading: Reading, config: DecodeConfig) -> Reading:
    """The chosen legacy ``reading``, or a clearly better one (:func:`why_better`) in a
    configured code page; raises :class:`BetterElsewhere` if the clearly better one is in a
    code page the configuration could add. Asked of doubtful readings
    only (:func:`doubtful`), so the files of a corpus whose code pages are right cost one
    coherence ratio and one language identification more."""
    judged = reading.judgement or judge(reading.text)
    reading = reading._replace(judgement=judged)  # (judged once, here and when doubted)
    chosen = doubtful(reading)
    found = clearly_better(data, chosen, config) if chosen is not None else None
    if found is None and (greek := other_greek_page(data, reading.encoding)) is not None:
        # cp1253's Ά is ISO-8859-7's ’, and ISO-8859-7's cp1253's ¶: neither reading looks
        # mistyped nor doubtful, and cp1253's ``Άγιος`` was built as ``’γιος`` with
        # iso8859-7 alone listed (QA s82 fix-greek); where Greek writes them tells.
        found = evidence(Reading(greek.encoding, data.decode(greek.encoding), None)), greek.why
    if found is None:
        # Shift_JIS's Japanese read as gb18030 is a run of hanzi with no word mistyped,
        # where its own reading may have one (``名前(N)``): neither doubtful when short
        # nor beaten when long (QA s81 decodelong 5); the hanzi its kana read as tell.
        japanese = read_as_japanese(data, reading, config)
        if japanese is not None:
            return japanese
        # EUC-JP's Japanese read as gb18030 keeps its kana and turns its kanji into other,
        # common hanzi (``dpkg の肋年ファイル``), which the identifier calls Chinese as it
        # does the kanji (QA s83 qa-decode F1); Chinese writes no kana.
        japanese = read_as_euc_jp(data, reading, config)
        if japanese is not None:
            return japanese
        if spelled_as_hebrew(data, reading.encoding) \
                or hebrew_by_letters(data, reading.encoding):
            # A line or two of Hebrew read as Cyrillic is too short for the letters' fit
            # or a language to tell, and looks typed (QA s79: ``щмен темн`` was built as
            # cp1251, cp1255 listed or not); its spelling tells, or, in a longer text not
            # spelled so throughout, its letters' shares (QA s81 decodelong).
            return read_as_hebrew(data, reading, config)
        alike = one_alphabet_elsewhere(data, reading, config)
        if alike is not None:
            # Czech in ISO-8859-2 read as cp1250 with ISO-8859-2 not listed: no word looks
            # mistyped (``příąí``, ``Leľí``) and the language is the same, so only its
            # letters tell, as they do between the two when both are listed (QA s80).
            raise BetterElsewhere(mixed_alphabets_advice(data, reading, alike))
        misread = misread_alone(judged.text, reading.encoding)
        if misread is not None and damaged_code_page(data, reading, config) is None:
            # A file in a code page corpuskit does not decode: no reading is clearly
            # better, and this one was built, exit 0 (QA s82 qa-decode2 3: ``t¨ent¨u``).
            # (A listed code page's file damaged at a byte it leaves undefined is told so
            # after, by the decoding: cp1250's ``pasadoŤ`` is cp1252's ``pasado\x8d``.)
            raise BetterElsewhere(_misread_advice(data, reading, judged, misread, config))
        return reading
    better, why = found
    other = better.reading
    configured = {codecs.lookup(name).name for name in config.fallback_encodings}
    if other.encoding in configured:
        return Reading(other.encoding, data.decode(other.encoding), None)
    name = addable_code_pages()[other.encoding]
    raise BetterElsewhere(
        f"{reading.encoding} reads it as {excerpt(data, reading.text, reading.encoding)!r}, "
        f"but {why}; in {name} it reads as {excerpt(data, other.text, other.encoding)!r}: if "
        f"that is its code page, add \"{name}\" to "
        "decode.fallback_encodings in corpus.toml, or re-save it as UTF-8")


def _misread_advice(data: bytes, reading: Reading, judged: Judgement, misread: Misreading,
                    config: DecodeConfig) -> str:
    """What a file whose chosen ``reading`` (``judged`` so) is ``misread`` on its own
    (:func:`~corpuskit.decoding.misreadalone.misread_alone`) is told: the code page to add if one
    reads it as text in a language it is made for, and better (:func:`named_reading`),
    else that it may be in a code page corpuskit does not decode."""
    said = f"{reading.encoding} reads it as {excerpt(data, reading.text, reading.encoding)!r}, " \
        f"but {misread.why}"
    other = named_reading(data, config.fallback_encodings, (judged, misread))
    if other is None:
        return f"{said}; {undecoded_advice(data, reading.encoding, misread)}"
    name = addable_code_pages()[other.encoding]
    return (f"{said}; in {name} it reads as {excerpt(data, other.text, other.encoding)!r}: "
            f"if that is its code page, add \"{name}\" to decode.fallback_encodings in "
            "corpus.toml, or re-save it as UTF-8")


def named_reading(data: bytes, configured: tuple[str, ...],
                  chosen: tuple[Judgement, Misreading] | None = None) -> Reading | None:
    """The reading of ``data`` in a code page the configuration could add that a refused
    file is told to add: the best of :func:`readings_elsewhere` that is in a language
    the code page is made for (:func:`_in_its_language`) and not misread on its own
    (:func:`~corpuskit.decoding.misreadalone.misread_alone`), nor in capitals only
    (:func:`~corpuskit.decoding.misreadalone.capitals_only`: KOI8's reading of Cyrillic's small
    letters in another code page), nor, where a ``chosen`` reading was refused as so
    misread (its judgement, and why), one that reads the file no better
    (:func:`_reads_better`); None if none is. Thai in cp874 was told to add cp932,
    whose reading is half-width katakana, and Russian in mac-cyrillic iso8859-5, each of
    which built garbage (QA s82 qa-decode2 4). Of Greek's two code pages, the one the
    characters Greek writes say (:func:`_other_greek_reading`)."""
    named = next((found.reading for found in readings_elsewhere(data, configured)
                  if _in_its_language(found) and not capitals_only(found.judgement.text)
                  and misread_alone(found.judgement.text, found.reading.encoding) is None
                  and (chosen is None or _reads_better(found, *chosen))),
                 None)
    return _other_greek_reading(data, named, configured) if named is not None else None


def _reads_better(found: Evidence, chosen: Judgement, misread: Misreading) -> bool:
    """Whether a reading elsewhere, ``found``, reads a file better than the ``chosen``
    reading, ``misread`` on its own: with no more implausible words, words misplacing a
    letter of Central Europe's (:func:`~corpuskit.decoding.centralspelling.misplaced_letter_words`)
    or words holding letters of a language the text is not in; and, where those words
    made the chosen one misread, with fewer of them, in a language of its code page that
    writes letters beyond ASCII (:func:`~corpuskit.decoding.codepagelanguages.lettered_fit`: every
    Latin code page is made for Indonesian and English, and reads another language's
    name in them with its own letters).

    German in cp1252 naming ``Pardubický kraj`` (refused then as misread: QA s83
    qa-decode F4) was told to add cp1254, whose ``Pardubickı`` holds as many letters of a
    language it is not in, and an Indonesian list of places naming ``Suðurland`` to add
    cp1257, whose ``Panarį`` for ``Panará`` no Indonesian writes."""
    judged = found.judgement
    if judged.implausibility > chosen.implausibility or judged.foreign > chosen.foreign \
            or len(misplaced_letter_words(judged.text)) \
            > len(misplaced_letter_words(chosen.text)):
        return False
    return not misread.foreign_letters or (
        judged.foreign < chosen.foreign
        and lettered_fit(judged.text, found.reading.encoding) >= LIKELY)


def _other_greek_reading(data: bytes, named: Reading, configured: tuple[str, ...]
                         ) -> Reading:
    """``named``, or, where it is one of Greek's two code pages and the characters Greek
    writes say the file is in the other (:func:`~corpuskit.decoding.greekspelling.other_greek_page`)
    and that is not listed, the other's reading. Their letters' fit differs by ``’`` and
    ``Ά`` alone, which may put the right one below :data:`LIKELY` (QA s82 fix-decodemisc
    2: ISO-8859-7's ``Η ομάδα ’%s’``, 70% Greek, was told to add cp1253, 82%, and, that
    added, iso8859-7)."""
    greek = other_greek_page(data, named.encoding)
    if greek is None or greek.encoding in {codecs.lookup(name).name for name in configured}:
        return named
    return Reading(greek.encoding, data.decode(greek.encoding), None)


#: Half-width katakana, which a Japanese code page reads Thai's letters in cp874 as.
_HALFWIDTH_KATAKANA = re.compile("[\uff61-\uff9f]")


def _in_its_language(found: Evidence) -> bool:
    """Whether a reading elsewhere may be named to a refused file by its language: likely
    in a language its code page is made for (:data:`LIKELY`), or, in a code page of
    Chinese, Japanese or Korean with no word mistyped, in another script it also writes
    (Chinese in gb18030 holding Greek sentences is Greek to the identifier), but for
    Japanese pages' half-width katakana (Thai in cp874 read as cp932, ``菽靆ﾒﾁﾒﾃｶ``, 2%
    Japanese). A one-byte page's reading in no language of its own is no text to add it
    for (Latvian in ISO-8859-4 read as iso8859-2, ``Albŕnija``, 2% in its languages)."""
    return found.fit >= LIKELY or (
        found.judgement.implausibility == 0 and found.reading.encoding in MULTIBYTE
        and not _HALFWIDTH_KATAKANA.search(found.judgement.text))


def no_code_page_advice(listed: tuple[str, ...]) -> str:
    """What a file no code page reads as text is told to do, the code pages ``listed``
    (decode.fallback_encodings) named: adding its code page helps only if that is not one
    of them (QA s81 decodelong 7: a sound cp1252 file with cp1252 alone listed, refused,
    was told to "add its code page"; QA s83 qa-foreign 2: told "if its code page is not
    among those listed, add it", with no word of which were)."""
    return (f"re-save it as UTF-8, or, if its code page is none of those listed "
            f"({', '.join(listed)}), add it to decode.fallback_encodings")


def what_to_do(data: bytes, config: DecodeConfig) -> str:
    """The end of an undecodable file's message: the code page to add, if one reads the
    file as text, else the two ways out (:func:`no_code_page_advice`)."""
    suggestion = named_reading(data, config.fallback_encodings)
    if suggestion is None:
        return no_code_page_advice(config.fallback_encodings)
    name = addable_code_pages()[suggestion.encoding]
    quoted = excerpt(data, suggestion.text, suggestion.encoding)
    return (f"in {name} it reads as {quoted!r}: if that is its code page, add "
            f"\"{name}\" to decode.fallback_encodings in corpus.toml, or re-save it as UTF-8")


def sound_reading(data: bytes, chosen: str, config: DecodeConfig) -> Reading | None:
    """A reading of ``data`` that is sound where the chosen code page's, ``chosen``, reads
    as UTF-8 characters cut short (mojibake): plausible, with no mojibake, and surely in
    a language its code page is made for (:data:`SURE`); one in a listed code page
    first (in the configured order), else the first of :func:`readings_elsewhere` so.

    Bytes of a code page's letters begin UTF-8 characters too (cp1251's ``п`` is EF,
    cp1253's ``ό`` F3), and read in a wrong code page they look like UTF-8 cut short: a
    sound cp1251 file, cp1251 listed first, whose reading in cp1250 won on fewer mistyped
    words, and a sound cp1253 one with the default list were told they were UTF-8 files
    damaged there, to restore (QA s81 decodelong 8)."""
    for name in config.fallback_encodings:
        encoding = codecs.lookup(name).name
        if encoding == chosen:
            continue
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _sound(evidence(Reading(encoding, text, None))):
            return Reading(encoding, text, None)
    return next((found.reading for found in readings_elsewhere(data, config.fallback_encodings)
                 if _sound(found)), None)


def _sound(found: Evidence) -> bool:
    """Whether a reading (its evidence) is sound text (:func:`sound_reading`)."""
    return plausible(found.judgement) and found.fit >= SURE \
        and mojibake_at(found.reading.text[:JUDGED_CHARS]) < 0
