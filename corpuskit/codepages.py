"""Which legacy code page reads a file: the strict decodings of its bytes ranked, the chosen one
looked at again when doubtful, and the code page a refused file is told to add.

When several configured code pages decode a file strictly, the one whose text is most
plausible wins (:func:`best_legacy`): fewest implausible words (:mod:`corpuskit.plausibility`),
then no C1 control, then fewest words holding letters of a language the text is not in
(``Tðehhi``), then, against a code page that reads alike, words spelled as a language of
Central Europe spells them (:func:`mixes_alphabets`), then, of Cyrillic code
pages, spelling, letter pairs and letter case (cp1251 and KOI8-R read each other's small
letters as capitals), then Hebrew's and Japanese's spelling, then the highest probability that the
text is in a language a code page reading it so is made for
(:data:`CODEPAGE_LANGUAGES`), then the configured order.

A wrong code page can still give words that look typed: Hebrew in cp1255 read as cp1251 is
Cyrillic letters in lower case, and py3langid, which only compares languages with each
other, calls it Bulgarian. So the chosen reading is looked at once more when it is
doubtful (:func:`second_look`): another code page that reads the file clearly better
(in a language it is made for, by the letters' frequencies) wins if it is configured, and
the file is refused, naming that code page, if it is not. Japanese in Shift_JIS read as
gb18030 is told by the hanzi gb18030 reads its kana as (:func:`kana_read_as_hanzi`).
"""

from __future__ import annotations

import codecs
import heapq
import math
import re
import unicodedata
from collections.abc import Iterator
from functools import cache, lru_cache
from typing import NamedTuple

from charset_normalizer.cd import coherence_ratio

from .config import CONFIG_SCHEMA, DecodeConfig
from .cyrillicpairs import pair_cost
from .language import rank
from .normalize import C1_CONTROLS, Repairs, mojibake_at
from .plausibility import (
    JUDGED_CHARS,
    Judgement,
    foreign_letter_words,
    judge,
    more_implausible_than,
    odd_words,
    plausible,
    words_of,
)
from .schemacheck import load_schema
from .wording import counted

#: Languages (py3langid labels) each legacy code page is made for. A decoding is judged
#: by how probable it is that its text is in one of its code page's languages, so that
#: Russian read as cp1252 (``Ïðèâåò``) loses to the same bytes read as cp1251.
_ASCII_LATIN = frozenset({
    "ace", "bcl", "en", "eo", "id", "jv", "kik", "la", "lg", "ln", "mg", "ms", "nso", "om",
    "pcm", "qu", "rw", "sn", "so", "st", "sw", "tl", "vo", "xh", "zu",
})
_WESTERN = _ASCII_LATIN | {
    "af", "an", "br", "ca", "cy", "da", "de", "es", "et", "eu", "ext", "fi", "fo", "fr",
    "fy", "ga", "gcf", "gcr", "gd", "gl", "ht", "is", "it", "lb", "lij", "nl", "nn", "no",
    "oc", "pt", "sq", "sv", "vec", "wa",
}
_CENTRAL = _ASCII_LATIN | {"bs", "cs", "de", "hr", "hu", "pl", "ro", "sk", "sl", "sq", "sr"}
_CYRILLIC = frozenset({"ba", "be", "bg", "kk", "ky", "mk", "mn", "ru", "sr", "tg", "tt", "uk",
                       "uz"})
_CHINESE = frozenset({"wuu", "yue", "zh"})
CODEPAGE_LANGUAGES: dict[str, frozenset[str]] = {
    "cp1252": _WESTERN, "iso8859-1": _WESTERN, "iso8859-15": _WESTERN,
    "cp1250": _CENTRAL, "iso8859-2": _CENTRAL,
    "cp1251": _CYRILLIC, "koi8-r": _CYRILLIC, "koi8-u": _CYRILLIC, "iso8859-5": _CYRILLIC,
    "gb18030": _CHINESE, "gbk": _CHINESE, "gb2312": _CHINESE, "big5": _CHINESE,
    "cp950": _CHINESE, "big5hkscs": _CHINESE,
    "shift_jis": frozenset({"ja"}), "euc_jp": frozenset({"ja"}), "cp932": frozenset({"ja"}),
    "shift_jisx0213": frozenset({"ja"}), "euc_jisx0213": frozenset({"ja"}),
    "euc_kr": frozenset({"ko"}), "cp949": frozenset({"ko"}),
    "cp1253": frozenset({"el"}), "iso8859-7": frozenset({"el"}),
    "cp1254": _WESTERN | {"az", "ku", "tr"},
    "cp1255": frozenset({"hbo", "he"}),
    "cp1256": frozenset({"ar", "ary", "arz", "fa", "ku", "ps", "sdh", "ug", "ur"}),
    "cp1257": _ASCII_LATIN | {"et", "lt", "ltg", "lv"},
}
#: Characters of a reading whose language is identified.
_LANGUAGE_SAMPLE = 1500
#: Characters of each candidate glanced at to choose the order candidates are judged in.
_PROBE_CHARS = 1000


class Reading(NamedTuple):
    """The chosen legacy decoding; ``judgement`` is ``None`` when it was the only candidate
    (nothing was judged to choose it)."""

    encoding: str
    text: str
    judgement: Judgement | None

def language_fit(text: str, encoding: str) -> float:
    """Probability that the non-ASCII lines of ``text`` are in a language of ``encoding``."""
    return language_fits(text, encoding)[0]


@lru_cache(maxsize=16)  # a file's readings are ranked, then the chosen one looked at again
def language_fits(text: str, encoding: str) -> tuple[float, float]:
    """Probability that the non-ASCII lines of ``text`` are in a language of ``encoding``,
    and that they are in the most probable one of those languages."""
    sample = "\n".join(line for line in text.splitlines() if not line.isascii())
    ranked = rank(sample[:_LANGUAGE_SAMPLE])
    languages = CODEPAGE_LANGUAGES.get(encoding)
    if languages is None:
        top = ranked[0][1] if ranked else 0.0
        return top, top
    probs = [prob for lang, prob in ranked if lang in languages]
    return sum(probs), max(probs, default=0.0)


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
    is no misreading of the other (:func:`_one_alphabet`),
    then, of cp1255 and a Cyrillic code page, Hebrew's spelling and letters
    (:func:`_hebrew_by_spelling`), then,
    of Cyrillic code pages whose readings are both surely in their languages, Cyrillic
    spelling, letter pairs, then letter case (:func:`_cyrillic_by_spelling_and_case`), then
    Japanese's spelling of small kana (:func:`_kana_by_spelling`), then the highest
    probability that the text is in a language of one of the code pages that read it so
    (:func:`_best_fit`), then the configured order. Candidates decoding to the same text
    are one candidate, recorded in the first of those code pages (where its text is in no
    language that one is made for, kana that gb18030 reads alike with EUC-JP, the second
    look reads it in one it is: :func:`second_look`). Each candidate is
    judged as normalization's fix-encoding step will leave it, so a file mixing UTF-8 with
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
        tied = _fewest_foreign_letters(tied, grouped, judged)
    if len(tied) > 1:
        tied = _one_alphabet(tied, grouped, judged, _listing(encodings))
    if len(tied) > 1:
        tied = _hebrew_by_spelling(tied, decodings, data)
    if len(tied) > 1:
        tied = _cyrillic_by_spelling_and_case(tied, decodings, judged)
    if len(tied) > 1:
        tied = _kana_by_spelling(tied, judged)
    winner = tied[0] if len(tied) == 1 else min(tied, key=lambda order: (
        -_best_fit(judged[order].text, grouped[order][0]), order))
    return Reading(*decodings[winner], judged[winner])


def _fewest_foreign_letters(tied: list[int], grouped: list[tuple[tuple[str, ...], str]],
                            judged: dict[int, Judgement]) -> list[int]:
    """The readings ``tied`` (indices in ``grouped``, none with more implausible words) but
    those with more words holding letters of a language they are not in
    (:func:`~corpuskit.plausibility.foreign_letter_words`) than one in a language of its
    code page.

    Estonian in cp1257 writes ``š`` and ``ž`` where cp1252 reads Icelandic's ``ð`` and
    ``þ`` (``Tðehhi``), its other letters alike: both readings are Estonian to the
    identifier, whose noise then chose cp1252 (it is made for more languages, Finnish's
    share added to Estonian's), even with cp1257 listed first (QA s81 qa-decodelong 2).
    Only against a reading in a language of its code page that writes letters beyond
    ASCII (:func:`_lettered_fit`): Danish in cp1252 naming a Vietnamese keyboard
    ``AÐERTY`` reads in cp1257 with no such letter, but as ``Udtręk``, ``fųr``, in no
    language of cp1257, and English naming ``Guðmundsdóttir`` as ``Gušmundsdóttir``,
    English to the identifier, whose letters are all ASCII."""
    foreign = {order: judged[order].foreign for order in tied}
    fewest = min(foreign.values())
    if fewest == max(foreign.values()) or not any(
            foreign[order] == fewest and max(
                _lettered_fit(judged[order].text, encoding)
                for encoding in grouped[order][0]) > _NO_LANGUAGE
            for order in tied):
        return tied
    return [order for order in tied if foreign[order] == fewest]


def _lettered_fit(text: str, encoding: str) -> float:
    """Probability that the non-ASCII lines of ``text`` are in a language of ``encoding``
    that writes letters beyond ASCII (not English, Latin, Swahili...: every Latin code page
    is made for those, and reads a word of another language in them with its own letters,
    which are then no sign of the right code page: an English text naming
    ``Guðmundsdóttir`` reads in cp1257 as ``Gušmundsdóttir``, Icelandic's letter read as
    a Baltic one)."""
    languages = CODEPAGE_LANGUAGES.get(encoding)
    if languages is None:
        return language_fit(text, encoding)
    sample = "\n".join(line for line in text.splitlines() if not line.isascii())
    return sum(prob for lang, prob in rank(sample[:_LANGUAGE_SAMPLE])
               if lang in languages and lang not in _ASCII_LATIN)


def _best_fit(text: str, readers: tuple[str, ...]) -> float:
    """The highest probability (rounded, so that noise decides nothing) that ``text`` is in
    a language of one of the code pages ``readers`` that all read a file as ``text``.

    Any of them may be the file's: all-kana Japanese in EUC-JP is the same text in gb18030
    (GB2312 put kana where JIS X 0208 did), and judged only as gb18030's, "in no language
    gb18030 is made for", it lost to Big5's reading of the same bytes as a run of hanzi
    ending in an opening bracket (``歹凶仄反互仁六中匹允﹝`` for ``わたしはがくせいです。``),
    with exit 0, where with gb18030 not listed EUC-JP won (QA s80 qa-judge6 1)."""
    return max(round(language_fit(text, encoding), 6) for encoding in readers)


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
#: s81). Not before ``s``: Slovak's ``ľsť`` (cunning), ``ľstivý``.
_NOT_SLOVAK_L_BEFORE_CONSONANT = re.compile(
    f"(?:^|(?<=[^{_VOWELS}]))[ľĽ](?=[^{_VOWELS}sS])")


def misspelt_words(text: str) -> Iterator[tuple[str, str]]:
    """The words of ``text`` that no language of Central Europe spells so, in order, each
    with what in it is so spelled: ``ľ`` where Slovak never writes it
    (:data:`_NOT_SLOVAK_L`, :data:`_NOT_SLOVAK_L_BEFORE_CONSONANT`), ``Ą`` or ``Ę``
    beginning a word, and, in a word that begins in lower case, Polish's own letters
    beside letters Polish lacks (``srediąče``, ``będš``) or ``ą``, ``ę`` where Polish never
    writes them (:data:`_NOT_POLISH_NASAL`); and a sign that the code page reading alike
    reads as a letter, where no word holds a sign (:func:`_signs_in_words`: ``©túr``).

    Words, not the whole text, are judged, and a capitalised word only for ``ľ`` and a
    word-initial ``Ą``: a Czech text naming Poles (``Zając``, ``Dąbrowski``, ``Wałęsově``)
    writes Polish's letters beside its own in a text, and in a name, where a misreading
    writes them in its common words too (QA s80: such a Czech text in cp1250 was refused,
    and built as ISO-8859-2's ``Zajšc`` once iso8859-2 was listed)."""
    for _, word, why in heapq.merge(_misspelt_letters(text), _signs_in_words(text)):
        yield word, why


def _misspelt_letters(text: str) -> Iterator[tuple[int, str, str]]:
    """The words of ``text`` whose letters :func:`misspelt_words` finds spelled as no
    language of Central Europe spells them, each with where it starts and why."""
    if "ľ" not in text and "Ľ" not in text and _POLISH_ONLY.isdisjoint(text):
        return
    for match in _JUDGED_WORD.finditer(text):
        at, word = match.start(), match.group()
        wrong_l = _NOT_SLOVAK_L.search(word)
        if wrong_l is not None:
            yield at, word, (f"ľ before {wrong_l.group()[1]}, where Slovak, the one language "
                             "that writes ľ, writes l")
            continue
        wrong_l = _NOT_SLOVAK_L_BEFORE_CONSONANT.search(word)
        if wrong_l is not None:
            where = "at a word's start" if wrong_l.start() == 0 else "after a consonant"
            yield at, word, (f"{wrong_l.group()} before a consonant {where}, where Slovak, "
                             "the one language that writes ľ, writes it before a consonant "
                             "only after a vowel")
            continue
        if not word[0].islower():
            # A capitalised word may be a name (Zając), but no name begins with Ą or Ę.
            if _NOT_POLISH_CAPITAL_NASAL.search(word) is not None:
                yield at, word, (f"{word[0]} at a word's start, where Polish, the one "
                                 "language that writes it, never does")
            continue
        letters = set(word)
        if letters & _POLISH_ONLY and letters & _NOT_POLISH:
            yield at, word, (f"Polish's own {', '.join(sorted(letters & _POLISH_ONLY))} "
                             f"beside {', '.join(sorted(letters & _NOT_POLISH))}, which "
                             "Polish lacks")
            continue
        nasal = _NOT_POLISH_NASAL.search(word)
        if nasal is not None:
            yield at, word, (f"{nasal.group().strip('aeiouyóáéěíýúůäô')} "
                             f"{_where_nasal(nasal.group(), nasal.start())}, where Polish, "
                             "the one language that writes it, never does")


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
    pages = [page for page, languages in CODEPAGE_LANGUAGES.items() if languages is _CENTRAL]
    signs = set()
    for one in pages:
        for other in pages:
            if not reads_alike(one, other):
                continue
            for byte in range(0x80, 0x100):
                mine, theirs = _character(one, byte), _character(other, byte)
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
        why = _misplaced_sign(text[start:done], signs)
        if why is not None:
            yield start, text[start:done], why


def _misplaced_sign(word: str, signs: frozenset[str]) -> str | None:
    """Why a sign of ``signs`` in ``word`` (letters and those signs) stands where no word
    of a language of Central Europe holds one, for a message; None if none does: between
    letters, before them but for a quotation mark (Czech and Slovak write ``»so«`` as well
    as ``„so“``), a sign marking a name before a capital (``©Microsoft``) and the micro
    sign as a unit's prefix (``µm``, ``µA``: not before a small vowel, where it is Slovak's
    ``ľ``, ``µahko``), or after them but for a quotation mark and a sign marking a name
    (``Microsoft®``)."""
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
        if at > last and not (quote or category == "So"):
            return f"{sign} after its letters, where no word holds a sign"
    return None


def mixes_alphabets(text: str) -> bool:
    """Whether a word of ``text`` is spelled as no language of Central Europe spells it
    (:func:`misspelt_words`): Polish's own letters beside Czech's, Slovak's, Slovenian's or
    Croatian's in one lower-case word, ``ą`` or ``ę`` where Polish never writes them,
    ``ľ`` where Slovak never does, or a sign the code page that reads alike reads as a
    letter, where no word holds a sign (``©túr``)."""
    return next(misspelt_words(text), None) is not None


def _without_c1_controls(tied: list[int], decodings: list[tuple[str, str]]) -> list[int]:
    """The readings ``tied`` (indices in ``decodings``, none with more implausible words)
    but those holding a C1 control (U+0080-U+009F), where one does not.

    No text holds a C1 control: an ISO 8859 code page reads there the bytes a Windows code
    page gives its letters and signs (cp1250's ``š``, 9A, is one in ISO-8859-2), and the
    judge, reading each as fix-encoding will (as cp1252's byte), finds no word mistyped.
    Against code pages that read alike only (:func:`_one_alphabet`), ISO-8859-2's
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
               if CODEPAGE_LANGUAGES.get(second) is _CENTRAL and reads_alike(first, second))


def _one_alphabet(tied: list[int], grouped: list[tuple[tuple[str, ...], str]],
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


def _hebrew_by_spelling(tied: list[int], decodings: list[tuple[str, str]],
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
    cyrillic = [order for order in tied if decodings[order][0] in _CYRILLIC_PAGES]
    if not hebrew or not cyrillic:
        return tied
    if any(spelled_as_hebrew(data, decodings[order][0]) for order in cyrillic) \
            or all(_hebrew_not_cyrillic(data, *decodings[order]) for order in cyrillic):
        return [order for order in tied if order not in cyrillic]
    return [order for order in tied if order not in hebrew]


#: The letters the Cyrillic languages of cp1251 and KOI8 write their vowels with
#: (Bulgarian's ``ъ``, Ukrainian's and Belarusian's ``і``, ``ї``, ``є`` too).
_CYRILLIC_VOWELS = frozenset("аеёиоуыэюяіїєъ")
_CYRILLIC_WORD = re.compile("[\u0400-\u04ff]+")


def _unspelled(word: str) -> bool:
    """Whether ``word`` (Cyrillic letters) holds a spelling none of the Cyrillic code
    pages' languages writes: no vowel in two letters or more, ``й`` after a consonant,
    ``ь`` first or after a vowel, or ``ъ`` last. Unlike :func:`_not_russian`, it takes
    Bulgarian's ``ъ`` for the vowel it is there (``път``, ``държава``: of 515 short lines
    of Bulgarian, the Russian rule took 61 for gibberish)."""
    word = word.lower()
    if len(word) >= 2 and (not _CYRILLIC_VOWELS.intersection(word) or word.endswith("ъ")):
        return True
    return any((letter == "й" and at and word[at - 1] not in _CYRILLIC_VOWELS)
               or (letter == "ь" and (not at or word[at - 1] in _CYRILLIC_VOWELS))
               for at, letter in enumerate(word))


def _letter_case(text: str) -> str | None:
    """``"lower"`` if ``text``'s Cyrillic letters are all small, ``"upper"`` if all
    capitals, else None (none, or both: words written as typed, ``Привет``)."""
    letters = "".join(_CYRILLIC_WORD.findall(text))
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


def _cyrillic_by_spelling_and_case(tied: list[int], decodings: list[tuple[str, str]],
                                   judged: dict[int, Judgement]) -> list[int]:
    """The readings ``tied`` (indices in ``decodings``, none with more implausible words)
    but, of Cyrillic code pages' readings that are all surely in their languages
    (:data:`_SURE`): those with more words no Cyrillic language spells
    (:func:`_unspelled`); then those whose letter pairs cost more, by a margin
    (:func:`_likelier_letter_pairs`); then those the language fit says :data:`_FIT_FACTOR` times
    likelier to be in no language of their code page than another; then, where one left
    is in small letters only, those in capitals only (:func:`_letter_case`).

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
    cyrillic = [order for order in tied if decodings[order][0] in _CYRILLIC_PAGES
                and language_fit(judged[order].text, decodings[order][0]) >= _SURE]
    if len(cyrillic) < 2:
        return tied
    unspelled = {order: sum(map(_unspelled, _CYRILLIC_WORD.findall(judged[order].text)))
                 for order in cyrillic}
    kept = [order for order in cyrillic if unspelled[order] == min(unspelled.values())]
    kept = _likelier_letter_pairs(kept, judged)
    doubt = {order: max(1 - round(language_fit(judged[order].text, decodings[order][0]), 6),
                        _FIT_FLOOR) for order in kept}
    kept = [order for order in kept if doubt[order] < _FIT_FACTOR * min(doubt.values())]
    cases = {order: _letter_case(judged[order].text) for order in kept}
    if "lower" in cases.values():
        kept = [order for order in kept if cases[order] != "upper"]
    return [order for order in tied if order not in cyrillic or order in kept]


#: Japanese's small ya, yu and yo, and the kana they follow: those of the i row (``きゃ``,
#: ``しゅ``, ``ちょ``), and, in words taken from other languages, te, de, fu and vu
#: (``テューバ``, ``デュエット``, ``フュージョン``).
_SMALL_Y = frozenset("ゃゅょャュョ")
_BEFORE_SMALL_Y = frozenset("きぎしじちぢにひびぴみりキギシジチヂニヒビピミリてでふゔテデフヴ")
#: Small kana that follow another kana and never begin a word (small tsu, which a word
#: written as speech may begin with, and ヵ ヶ, counters after a number, aside).
_SMALL_KANA = _SMALL_Y | frozenset("ぁぃぅぇぉゎァィゥェォヮ")


def _kana(char: str) -> bool:
    """Whether ``char`` is a kana, or the prolonged sound mark or iteration mark that
    stands among them (not the middle dot ``・``, which separates words)."""
    return "\u3041" <= char <= "\u309f" or ("\u30a1" <= char <= "\u30ff" and char != "・")


def misspells_kana(text: str) -> bool:
    """Whether ``text`` writes a small kana where Japanese never does: after no kana (at
    the start of a word, or after a kanji: ``ぃゎ``) or, a small ya, yu or yo, after a kana
    it does not follow (:data:`_BEFORE_SMALL_Y`: ``いゅ``).

    Chinese in Big5 made only of the hanzi Big5 puts at A4A1-A5F6 (``中文``, ``不止``;
    no Big5 punctuation, which EUC-JP does not decode) reads as kana in EUC-JP and in
    gb18030 (``いゅ``, ``ぃゎ``), and the language identifier is as sure that such kana
    are Japanese as that Big5's reading is Chinese; Japanese spelling is what tells."""
    previous = ""
    for char in text:
        if char in _SMALL_KANA and (not _kana(previous)
                                    or (char in _SMALL_Y and previous not in _BEFORE_SMALL_Y)):
            return True
        previous = char
    return False


def _kana_by_spelling(tied: list[int], judged: dict[int, Judgement]) -> list[int]:
    """The readings ``tied`` (indices, none with more implausible words) but those whose
    kana are spelled as Japanese never spells them (:func:`misspells_kana`), where another
    reading tied with them is not."""
    misspelled = {order for order in tied if misspells_kana(judged[order].text)}
    if not misspelled or len(misspelled) == len(tied):
        return tied
    return [order for order in tied if order not in misspelled]


@cache
def addable_code_pages() -> dict[str, str]:
    """The code pages ``decode.fallback_encodings`` accepts (corpus.toml's schema), each by
    its codec name (as ``codecs.lookup`` and the records spell it) → as corpus.toml spells it."""
    schema = load_schema(CONFIG_SCHEMA)
    names = schema["properties"]["decode"]["properties"]["fallback_encodings"]["items"]["enum"]
    return {codecs.lookup(name).name: name for name in names}


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
    (:data:`_LIKELY`), then by fewest implausible words, then by how well their letters
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
    return [found for _, found in _letters_before_symbols(readable)]


def _letters_before_symbols(ranked: list[tuple[int, Evidence]]
                            ) -> list[tuple[int, Evidence]]:
    """``ranked`` (readings elsewhere, in :func:`_ranking`'s order), but a reading in a code
    page that reads alike with one before it (:func:`reads_alike`) moved before that one
    where it has letters where that one has symbols, and no symbol where that one has a
    letter (:func:`_letters_where_symbols`).

    cp1253 and ISO-8859-7 read Greek's letters alike but ``Ά``, A2 in cp1253 and B6 in
    ISO-8859-7, each of which the other reads as a symbol (``’``, ``¶``); their readings
    tie on mistyped words (a quote or a pilcrow may begin a word), and the ranking, on the
    letters' fit, advised the other code page, whose reading ``’γιος`` was then built
    with exit 0 (QA s81 decodelong 9)."""
    result = list(ranked)
    for at in range(len(result)):
        chosen = result[at][1].reading
        for later in range(at + 1, len(result)):
            other = result[later][1].reading
            if reads_alike(chosen.encoding, other.encoding) \
                    and _letters_where_symbols(other.text, chosen.text):
                result.insert(at, result.pop(later))
                break
    return result


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
    return (found.fit < _LIKELY, found.judgement.implausibility, found.judgement.foreign,
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
    more implausible words (:func:`~corpuskit.plausibility.more_implausible_than`, most
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
        if top < _LIKELY:  # (why_better asks more of it, but where the chosen is misread)
            continue
        survivors.append((order, Evidence(Reading(encoding, text, None), judgement, fit, top,
                                          _coherence(judgement.text))))
    survivors.sort(key=_ranking)
    for _, found in _letters_before_symbols(survivors):
        why = why_better(found, chosen)
        if why is not None:
            return found, why
    return None


#: Characters of a code page's reading an undecodable file's message quotes.
QUOTED_CHARS = 40
#: ... starting at most this many characters before the first byte that is not UTF-8, at
#: the start of the word that holds it.
_WORD_BEFORE = 20
_BEYOND_ASCII = re.compile(rb"[\x80-\xff]")


def excerpt(data: bytes, text: str, encoding: str | None = None) -> str:
    """What an undecodable file's message quotes of ``text``, ``encoding``'s reading of
    ``data`` from its first byte: :data:`QUOTED_CHARS` characters from the word that holds
    the first byte that is not UTF-8, the byte the message names, where the file stops
    being read alike. From the file's start, two readings of a file opening with ASCII
    markup (HTML, XML, front matter) were quoted as the same ``'<!DOCTYPE html>...'``
    (QA); from the first byte beyond ASCII, a line opening with 'Café —' in UTF-8 was
    quoted as 'CafΓ© β€” and some more English words', none of the bytes refused (QA s77)."""
    at = _char_at(data, text, _first_not_utf8(data), encoding)
    start = at
    while start > max(0, at - _WORD_BEFORE) and text[start - 1].isalnum():
        start -= 1
    return text[start:start + QUOTED_CHARS]


def _first_not_utf8(data: bytes) -> int:
    """The offset of the first byte of ``data`` that is not UTF-8 (as the message names
    it), or of the first beyond ASCII in data that is UTF-8 throughout."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    found = _BEYOND_ASCII.search(data)
    return 0 if found is None else found.start()


def _char_at(data: bytes, text: str, at: int, encoding: str | None) -> int:
    """The character of ``text`` (``encoding``'s reading of ``data``) that byte ``at``
    begins: ``at`` itself where the bytes before it are ASCII, one character each in
    every code page corpuskit knows; else as many as ``encoding`` reads those bytes as
    (of several bytes a character in the CJK pages), or, where that cannot be told, the
    character of the first byte beyond ASCII."""
    if data[:at].isascii():
        return at
    if encoding is not None:
        before = codecs.getincrementaldecoder(encoding)(errors="replace").decode(data[:at])
        if text.startswith(before):
            return len(before)
    found = _BEYOND_ASCII.search(data)
    return 0 if found is None else found.start()


#: What a file no code page reads as text is told to do. Adding its code page helps only
#: if that is not listed already: a sound cp1252 file with cp1252 alone listed, refused,
#: was told to "add its code page" (QA s81 decodelong 7).
NO_CODE_PAGE_ADVICE = ("re-save it as UTF-8, or, if its code page is not among those listed, "
                       "add it to decode.fallback_encodings")


def what_to_do(data: bytes, config: DecodeConfig) -> str:
    """The end of an undecodable file's message: the code page to add, if one reads the
    file as text, else the two ways out (:data:`NO_CODE_PAGE_ADVICE`)."""
    suggestion = suggested_code_page(data, config.fallback_encodings)
    if suggestion is None:
        return NO_CODE_PAGE_ADVICE
    name = addable_code_pages()[suggestion.encoding]
    quoted = excerpt(data, suggestion.text, suggestion.encoding)
    return (f"in {name} it reads as {quoted!r}: if that is its code page, add "
            f"\"{name}\" to decode.fallback_encodings in corpus.toml, or re-save it as UTF-8")


def sound_reading(data: bytes, chosen: str, config: DecodeConfig) -> Reading | None:
    """A reading of ``data`` that is sound where the chosen code page's, ``chosen``, reads
    as UTF-8 characters cut short (mojibake): plausible, with no mojibake, and surely in
    a language its code page is made for (:data:`_SURE`); one in a listed code page
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
    return plausible(found.judgement) and found.fit >= _SURE \
        and mojibake_at(found.reading.text[:JUDGED_CHARS]) < 0


#: A reading whose letters fit a language this well (charset-normalizer's coherence, 0 to
#: 1) is not doubted on that ground. Legacy files of the benchmark corpus in cp1252,
#: cp1250, cp1251 and KOI8-R fit at 0.45 to 1; Hebrew read as cp1251 fits at 0.28.
#: Judged only over :data:`_SURE_CHARS` characters of non-ASCII words or more: a sentence
#: of Czech or Russian read right fits at 0.32 to 0.36.
_COHERENT = 0.4
#: At most this probability that a reading is in a language of its code page makes it
#: doubtful (Turkish read as cp1252: 0.0, in cp1254: 1.0).
_NO_LANGUAGE = 0.5
#: How much better another reading's letters must fit a language to win on that alone
#: (Hebrew: 0.92 in cp1255 against 0.28 in cp1251; Polish: 0.71 in iso8859-2, its wrong
#: code page, against 0.66 in cp1250, its right one).
_COHERENCE_MARGIN = 0.3
#: A reading whose most probable language of its code page has less than this probability,
#: over at least :data:`_SURE_CHARS` characters of non-ASCII words, is doubtful, and one
#: that has :data:`_SURE` or more may win over it. Coherence tells little of Chinese,
#: Japanese and Korean (0 to 0.3, read right or not); Japanese in Shift_JIS read as
#: gb18030 is 49% Wu Chinese and 37% Mandarin, in Shift_JIS 100% Japanese, and Chinese
#: read right is Mandarin at 88-96%.
_UNSURE = 0.8
#: The same for a reading in a code page of Chinese, Japanese or Korean: Korean read as
#: gb18030 was 82% Mandarin (QA), Chinese read right 88% or more (the benchmark corpus's
#: files 93% or more).
_UNSURE_CJK = 0.9
_SURE = 0.95
#: Readings of a file in other code pages are ranked first by whether the probability that
#: they are in a language of their code page reaches this: Korean read as EUC-JP is 18%
#: Japanese; two Greek words read right are 89% Greek, read as iso8859-5 (``Ъсычьнёс``)
#: 100% "in a Cyrillic language" (13 of them), but 40% in its most probable one.
_LIKELY = 0.8
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
#: The code pages of Chinese, Japanese and Korean (codec names), which are not judged by
#: their letters' frequencies (:func:`_coherence`).
_MULTIBYTE = frozenset(codecs.lookup(name).name for name in (
    "gb18030", "gbk", "gb2312", "big5", "cp950", "big5hkscs", "shift_jis", "cp932", "euc_jp",
    "shift_jisx0213", "euc_jisx0213", "euc_kr", "cp949"))


def multibyte(encoding: str) -> bool:
    """Whether ``encoding`` is a code page of Chinese, Japanese or Korean
    (:data:`_MULTIBYTE`)."""
    try:
        return codecs.lookup(encoding).name in _MULTIBYTE
    except LookupError:
        return False


def _unsure(reading: Reading) -> float:
    """Below what probability of its most probable language a reading is doubtful:
    :data:`_UNSURE`, or :data:`_UNSURE_CJK` in a code page of Chinese, Japanese or Korean,
    whose letters' fit cannot vouch for it."""
    return _UNSURE_CJK if reading.encoding in _MULTIBYTE else _UNSURE


def _sure_chars(reading: Reading) -> int:
    """From how many characters of non-ASCII words a reading's language is judged:
    :data:`_SURE_CHARS`, or :data:`_SURE_CHARS_CJK` in a code page of Chinese, Japanese or
    Korean."""
    return _SURE_CHARS_CJK if reading.encoding in _MULTIBYTE else _SURE_CHARS


def _coherence(text: str) -> float:
    """How well the letters of ``text`` fit the language whose letter frequencies they fit
    best (charset-normalizer's coherence ratio, 0 to 1; 0 for too few letters). It tells
    little of Chinese, Japanese and Korean (0 to 0.3, read right or not): a reading in one
    of their code pages (:data:`_MULTIBYTE`) is neither doubted nor beaten on it."""
    ratios = coherence_ratio(text[:JUDGED_CHARS])
    return ratios[0][1] if ratios else 0.0


class Evidence(NamedTuple):
    """What a legacy reading is judged on when another may be clearly better."""

    reading: Reading
    judgement: Judgement
    #: Probability that its text is in a language of its code page (:func:`language_fit`),
    #: and in the most probable one of them.
    fit: float
    top: float
    #: How well its letters fit a language (:func:`_coherence`).
    coherence: float


def evidence(reading: Reading) -> Evidence:
    judgement = reading.judgement or judge(reading.text)
    return Evidence(reading, judgement, *language_fits(judgement.text, reading.encoding),
                     _coherence(judgement.text))


#: Of the bytes A0-FF, those two code pages made for the same languages must read as the
#: same characters to read alike (:func:`reads_alike`).
_ALIKE_SHARE = 3 / 4


def _character(encoding: str, byte: int) -> str | None:
    try:
        return bytes([byte]).decode(encoding)
    except UnicodeDecodeError:
        return None


@cache
def reads_alike(one: str, other: str) -> bool:
    """Whether code pages ``one`` and ``other`` (codec names) are made for the same
    languages and read three in four of the bytes A0-FF, their letters, as the same
    characters: cp1250 and ISO-8859-2, cp1253 and ISO-8859-7. A text in one, read in the
    other, keeps most of its letters and swaps a few for others that look typed (Czech's
    ``Příliš žluťoučký`` in ISO-8859-2 read as cp1250 is ``Přílią ľlu»oučký``: one
    word mistyped, QA), so that one word that looks mistyped where the other reads none
    tells them apart."""
    if one == other or CODEPAGE_LANGUAGES.get(one) != CODEPAGE_LANGUAGES.get(other) \
            or one not in CODEPAGE_LANGUAGES:
        return False
    same = sum(1 for byte in range(0xA0, 0x100)
               if (char := _character(one, byte)) is not None
               and char == _character(other, byte))
    return same >= _ALIKE_SHARE * 0x60


@cache
def _has_alike(encoding: str) -> bool:
    """Whether a code page corpuskit knows reads alike with ``encoding``."""
    return any(reads_alike(encoding, other) for other in addable_code_pages())


def doubtful(reading: Reading) -> Evidence | None:
    """The evidence on a chosen legacy reading if it is doubtful (it has :data:`_MISTYPED`
    implausible words or more, it is in no language of its code page, or, over
    :func:`_sure_chars` characters of non-ASCII words, its letters fit no language well or
    its most probable language is unsure), else None: the readings another may be clearly
    better than (:func:`why_better`)."""
    found = evidence(reading)
    coherent = found.coherence >= _COHERENT or reading.encoding in _MULTIBYTE
    if found.judgement.implausibility < _MISTYPED and found.fit > _NO_LANGUAGE and (
            found.judgement.word_chars < _sure_chars(reading)
            or (coherent and found.top >= _unsure(reading))) \
            and not (found.judgement.implausibility and _has_alike(reading.encoding)) \
            and not found.judgement.foreign:
        return None  # no reading could be clearly better (why_better): none is looked for
    return found


def why_better(other: Evidence, chosen: Evidence) -> str | None:
    """Why reading ``other`` is clearly better than the ``chosen`` one, or None if it is
    not. It must be plausible, likely in one language of its code page (:data:`_LIKELY`),
    and have no more implausible words; then it is clearly better if the chosen one is
    misread in its words or language (:func:`_misread_words`). Else it must be surely in
    one language of its code page (:data:`_SURE`; so its probability of being in any of
    them is that at least); then it is clearly better if the chosen one has
    :data:`_MISTYPED` implausible words or more and it has fewer (and its letters fit a
    language at least as well, unless it has none and they are :data:`_MOSTLY_MISTYPED`
    of the chosen one's); and, over :func:`_sure_chars` characters of non-ASCII words (the
    chosen one's), if its letters fit a language much better, or no language of the chosen
    one's code page is probable."""
    if other.top < _LIKELY or not plausible(other.judgement) \
            or other.judgement.implausibility > chosen.judgement.implausibility \
            or hangul_before_hanja(other):
        return None
    if C1_CONTROLS.search(other.reading.text) and not C1_CONTROLS.search(chosen.reading.text):
        # No text holds a C1 control (:func:`_without_c1_controls`): ISO-8859-2's
        # ``V\x9aechna`` was taken for clearly better than cp1252's ``Spoleènost`` and
        # built, exit 0, where cp1250, not listed, reads ``Všechna ... Společnost`` (QA s81).
        return None
    misread = _misread_words(other, chosen)
    if misread is not None:
        return misread
    if other.top < _SURE:
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
            and not {chosen.reading.encoding, other.reading.encoding} & _MULTIBYTE:
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
    """Why reading ``other``, likely in a language of its code page (:data:`_LIKELY`; it is
    plausible, with no more implausible words), is clearly better than the ``chosen`` one
    on the chosen one's words or language, or None: the chosen one has more words that
    look mistyped and its code page reads most letters alike with the other's, or words
    holding letters of a language it is not in
    (:func:`~corpuskit.plausibility.foreign_letter_words`) where the other has fewer and
    is likely in a language that writes letters beyond ASCII (:func:`_lettered_fit`), or
    it is in no language of its code page where the other is surely in its own
    (:data:`_SURE`, of them all).

    Such a reading is misread in its words, which tells more than any language's
    probability: a text mixing languages, or close ones, is less than :data:`_SURE` in
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
    if chosen.fit <= _NO_LANGUAGE and other.fit >= _SURE:
        return f"that is in no language {chosen.reading.encoding} is made for"
    if chosen.judgement.foreign > other.judgement.foreign \
            and _lettered_fit(other.judgement.text, other.reading.encoding) >= _LIKELY:
        return _foreign_letters(chosen)
    return None


#: Words a message names as holding letters of a language the text is not in.
_FOREIGN_EXAMPLES = 3


def _foreign_letters(chosen: Evidence) -> str:
    """Why the ``chosen`` reading's words holding letters of a language it is not in are
    misread, naming a few (:func:`~corpuskit.plausibility.foreign_letter_words`)."""
    text = chosen.judgement.text
    words = foreign_letter_words(text, [word for word in words_of(text)
                                        if not word.isascii()])
    shown = ", ".join(repr(word[:30])
                      for word in list(dict.fromkeys(words))[:_FOREIGN_EXAMPLES])
    count = chosen.judgement.foreign
    return (f"{counted(count, 'word')} in it {'holds' if count == 1 else 'hold'} letters "
            f"only languages it is not in write, such as {shown}")


class BetterElsewhere(Exception):
    """A file a code page the configuration could add reads clearly better than the
    configured ones (:func:`second_look`); the message says both readings and what to do."""


def second_look(data: bytes, reading: Reading, config: DecodeConfig) -> Reading:
    """The chosen legacy ``reading``, or a clearly better one (:func:`why_better`) in a
    configured code page; raises :class:`BetterElsewhere` if the clearly better one is in a
    code page the configuration could add. Asked of doubtful readings
    only (:func:`doubtful`), so the files of a corpus whose code pages are right cost one
    coherence ratio and one language identification more."""
    chosen = doubtful(reading)
    found = clearly_better(data, chosen, config) if chosen is not None else None
    if found is None:
        # Shift_JIS's Japanese read as gb18030 is a run of hanzi with no word mistyped,
        # where its own reading may have one (``名前(N)``): neither doubtful when short
        # nor beaten when long (QA s81 decodelong 5); the hanzi its kana read as tell.
        japanese = _read_as_japanese(data, reading, config)
        if japanese is not None:
            return japanese
        if spelled_as_hebrew(data, reading.encoding) \
                or hebrew_by_letters(data, reading.encoding):
            # A line or two of Hebrew read as Cyrillic is too short for the letters' fit
            # or a language to tell, and looks typed (QA s79: ``щмен темн`` was built as
            # cp1251, cp1255 listed or not); its spelling tells, or, in a longer text not
            # spelled so throughout, its letters' shares (QA s81 decodelong).
            return _read_as_hebrew(data, reading, config)
        alike = _one_alphabet_elsewhere(data, reading, config)
        if alike is not None:
            # Czech in ISO-8859-2 read as cp1250 with ISO-8859-2 not listed: no word looks
            # mistyped (``příąí``, ``Leľí``) and the language is the same, so only its
            # letters tell, as they do between the two when both are listed (QA s80).
            raise BetterElsewhere(_mixed_alphabets_advice(data, reading, alike))
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


def _one_alphabet_elsewhere(data: bytes, reading: Reading, config: DecodeConfig
                            ) -> Reading | None:
    """The reading of ``data`` in a code page that reads alike with the chosen
    ``reading``'s (ISO-8859-2 for cp1250, and the other way round) and is not listed, if
    the chosen one is misread (:func:`_misread`: words no language of Central Europe
    spells so, or C1 controls) and that one is not, and is plausible, with no more
    implausible words; else None. Where both are listed, :func:`_one_alphabet` tells them
    apart in :func:`best_legacy`; a mix of letters the two code pages read alike (a Czech
    text's ``Wałęsově``) is in both readings, and no sign."""
    # Words judged in the judge's share of the text, as in best_legacy: a Polish file of
    # 800 kB took 0.6 s to look through whole.
    if CODEPAGE_LANGUAGES.get(reading.encoding) != _CENTRAL \
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


def _mixed_alphabets_advice(data: bytes, reading: Reading, alike: Reading) -> str:
    """Why a file is refused that the code page ``alike``, not listed, reads as text where
    the chosen ``reading`` is misread (:func:`_one_alphabet_elsewhere`), and what to do."""
    name = addable_code_pages()[alike.encoding]
    return (f"{reading.encoding} reads it as "
            f"{excerpt(data, reading.text, reading.encoding)!r}, but {_why_misread(reading)}; in "
            f"{name}, which reads most letters alike and is made for the same languages, it "
            f"reads as {excerpt(data, alike.text, alike.encoding)!r}: if that is its code "
            f"page, add \"{name}\" to decode.fallback_encodings in corpus.toml, or re-save it "
            "as UTF-8")


#: At most this share of a file's bytes (and at least one or two) may be bytes its code
#: page does not define, for the rest to be that code page's text damaged there.
_DAMAGED_SHARE = 1 / 500


@cache
def _undefined_bytes(encoding: str) -> bytes:
    """The byte values a single-byte code page does not define (cp1252: 81, 8D, 8F, 90,
    9D)."""
    undefined = []
    for value in range(256):
        try:
            bytes([value]).decode(encoding)
        except UnicodeDecodeError:
            undefined.append(value)
    return bytes(undefined)


class DamagedReading(NamedTuple):
    """A configured code page that reads a file as surely its language's text but for a
    few bytes it does not define: the first at ``first`` (an offset), ``bytes_undefined``
    in all."""

    encoding: str
    text: str
    bytes_undefined: int
    first: int


def damaged_code_page(data: bytes, reading: Reading, config: DecodeConfig
                      ) -> DamagedReading | None:
    """A configured single-byte code page that reads ``data`` surely in a language it is
    made for, but for a few bytes it does not define, when the chosen ``reading`` is in
    no language of its own code page; else None. A French cp1252 text with one byte that
    cp1252 leaves undefined (9D) was read whole in cp1250, which defines it, as
    ``trčs``, ``ŕ``, ``déjŕ``, exit 0 (QA): cp1252 could not read it, so it was no
    candidate against which the reading could be found wrong."""
    if language_fit(reading.text, reading.encoding) > _NO_LANGUAGE:
        return None
    for name in config.fallback_encodings:
        encoding = codecs.lookup(name).name
        if encoding == reading.encoding or encoding in _MULTIBYTE:
            continue
        undefined = _undefined_bytes(encoding)
        count = len(data) - len(data.translate(None, undefined)) if undefined else 0
        if not count or count > max(2, int(len(data) * _DAMAGED_SHARE)):
            continue
        try:
            text = data.translate(bytes.maketrans(undefined, b" " * len(undefined))
                                  ).decode(encoding)
        except UnicodeDecodeError:
            continue
        if language_fits(text, encoding)[0] >= _SURE:  # (its language, whichever it is)
            first = min(at for at in (data.find(bytes([b])) for b in undefined) if at >= 0)
            return DamagedReading(encoding, text, count, first)
    return None


# -- Hebrew in cp1255, told by its spelling (QA s79 hebrew2) ------------------------------

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
#: Code pages of Cyrillic, which read Hebrew's letters as Cyrillic ones (cp1251 in small
#: letters, KOI8 in capitals) that may look typed.
_CYRILLIC_PAGES = frozenset(name for name, languages in CODEPAGE_LANGUAGES.items()
                            if languages == _CYRILLIC)


@cache
def _hebrew_file_bytes(encoding: str) -> bytes:
    """The bytes a file spelled as Hebrew may hold: ASCII, Hebrew letters, and those that
    neither cp1255 nor the code page ``encoding`` reads as a letter or a mark (dashes,
    quotes, ``…``, ``₪`` read as ``¤``), which tell neither reading from the other."""
    kept = [*range(0x80), *range(0xE0, 0xFB)]
    for value in (*range(0x80, 0xE0), *range(0xFB, 0x100)):
        chars = [_character(name, value) for name in (HEBREW_CODE_PAGE, encoding)]
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
    return encoding in _CYRILLIC_PAGES and not data.isascii() \
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
#: words or more of the system's message catalogues (Debian's, /usr/share/locale: 12,794
#: Hebrew letters, 2.4 million Cyrillic ones). A letter of Cyrillic not among them (``ґ``)
#: is taken to be as rare as :data:`_RAREST_SHARE`.
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
        cyrillic = _character(encoding, value)
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
    a word no Cyrillic language spells so (:func:`_unspelled`), or has letters likelier
    Hebrew's than Cyrillic's (:data:`_HEBREW_ODDS`).

    Hebrew's letters read in cp1251 are its small letters ``а`` to ``ъ``, with Hebrew's
    frequencies: ``й``, ``ъ``, ``щ`` and ``ш`` (י ת ש ר) often, ``и``, ``у``, ``к``, ``н``
    (ט ף ך ם) seldom, where Russian, Ukrainian and Bulgarian write the other way round
    (``бечш иеб`` for ``בוקר טוב``, ``щмен`` for ``שלום``). Read in KOI8-R they are its
    capitals, always (``АЕВЬ ХЕА``): a line in capitals only is far rarer than one in small
    letters (:func:`_cyrillic_by_spelling_and_case`), and such a reading alone kept
    ``בוקר טוב`` from cp1255. Short lower-case Cyrillic that cp1255 reads as Hebrew's
    letters as Hebrew writes them is rare (KOI8-R's small letters are none of them), and
    with cp1255 listed, where its letters or spelling are Hebrew's (``ардеш``, ``чей``,
    ``тб``), it is now read as Hebrew; so is Cyrillic in capitals only in KOI8-R so written
    (README)."""
    words = _hebrew_words(data, encoding)
    if not words:
        return False
    if _letter_case(text) == "upper" \
            or any(map(_unspelled, _CYRILLIC_WORD.findall(text[:JUDGED_CHARS]))):
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


def _read_as_hebrew(data: bytes, reading: Reading, config: DecodeConfig) -> Reading:
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


# -- Japanese in Shift_JIS read as gb18030's hanzi (QA s81 decodelong 5) -----------------

#: The code pages of GBK's characters, which read Shift_JIS's two bytes as one hanzi.
_GBK_PAGES = frozenset({"gb18030", "gbk"})
#: The code pages of Shift_JIS's bytes (codec names, as corpus.toml spells them too), in
#: the order one is named to add: the Windows one first, as :func:`readings_elsewhere`
#: names it.
_SHIFT_JIS_PAGES = ("cp932", "shift_jis", "shift_jisx0213")
#: Japanese's kana (ぁ to ん, ァ to ヶ) and its commonest punctuation, whose Shift_JIS
#: bytes (81-83 and a second byte) gb18030 reads as hanzi of GBK's extension, which
#: Chinese seldom writes: ``偁 偄 偆`` for ``あ い う``, ``僒`` for ``サ``, ``丄 丅 乕 乿``
#: for ``、 。 ー 」``.
_KANA_AND_STOPS = ("".join(map(chr, range(0x3041, 0x3094)))
                   + "".join(map(chr, range(0x30A1, 0x30F7))) + "、。・ー「」")
#: The least share of a gb18030 reading's characters beyond ASCII that must be such
#: hanzi, and the fewest of them, for it to be Shift_JIS's Japanese read so
#: (:func:`kana_read_as_hanzi`). Of 100 paragraphs of the system's Japanese messages in
#: Shift_JIS and 100 in cp932 (100 to 2,000 characters), all hold 55% or more; of 38,589
#: Chinese messages (zh_CN) none holds one, and of 30,792 in traditional characters
#: (zh_TW, zh_HK, in gb18030) 0.2% of their characters are such (備 側 僅 傾), and 6
#: short messages hold enough, none of which cp932 reads as Japanese.
_KANA_AS_HANZI_SHARE = 1 / 4
_KANA_AS_HANZI_LEAST = 2


@cache
def _without_kana_as_hanzi() -> dict[int, None]:
    """A table for ``str.translate`` that deletes the hanzi gb18030 reads the Shift_JIS
    bytes of :data:`_KANA_AND_STOPS` as."""
    return {ord(char.encode("cp932").decode("gb18030")): None for char in _KANA_AND_STOPS}


def kana_read_as_hanzi(reading: Reading) -> bool:
    """Whether ``reading``, in gb18030 (or GBK), is dense in the hanzi it reads Shift_JIS's
    kana and punctuation as (:data:`_KANA_AND_STOPS`): at least
    :data:`_KANA_AS_HANZI_SHARE` of its characters beyond ASCII, and
    :data:`_KANA_AS_HANZI_LEAST`.

    Such a reading is Japanese misread, the classic ``偁偄偆`` mojibake, however its words
    look: its punctuation read as hanzi too, a paragraph is one run of them, where the
    Japanese reading splits at ``、`` and a word such as ``名前(N)`` or ``精度%d`` (a
    kanji pair glued to ASCII) counts as mistyped; so gb18030 won on fewer mistyped words,
    with Shift_JIS listed first, and its language, Chinese at a third, was no surer than
    its unsureness could be told from (QA s81: 1 paragraph in 100, 679 characters long,
    with shift_jis or cp932 listed first; 2 or 3 in 100 with the default list)."""
    if reading.encoding not in _GBK_PAGES:
        return False
    kana, beyond = _kana_as_hanzi_counts(reading.text)
    return kana >= max(_KANA_AS_HANZI_LEAST, _KANA_AS_HANZI_SHARE * beyond)


def _kana_as_hanzi_counts(text: str) -> tuple[int, int]:
    """How many of the first :data:`JUDGED_CHARS` characters of ``text`` are hanzi that
    gb18030 reads Shift_JIS's kana and punctuation as (:data:`_KANA_AND_STOPS`), and how
    many are beyond ASCII."""
    text = text[:JUDGED_CHARS]
    return (len(text) - len(text.translate(_without_kana_as_hanzi())),
            len(text) - len(text.encode("ascii", "ignore")))


def _shift_jis_reading(data: bytes, config: DecodeConfig) -> tuple[Reading, bool] | None:
    """The reading of ``data`` in the first code page of Shift_JIS's bytes that reads it
    as plausible text surely in Japanese (:data:`_SURE`), the listed ones first, and
    whether that one is listed; None if none does."""
    listed = [name for name in (codecs.lookup(name).name for name in config.fallback_encodings)
              if name in _SHIFT_JIS_PAGES]
    for encoding in (*listed, *(name for name in _SHIFT_JIS_PAGES if name not in listed)):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        judgement = judge(text)
        if plausible(judgement) and language_fits(judgement.text, encoding)[1] >= _SURE:
            return Reading(encoding, text, judgement), encoding in listed
    return None


def _read_as_japanese(data: bytes, reading: Reading, config: DecodeConfig) -> Reading | None:
    """``data``, chosen as ``reading``, read in a code page of Shift_JIS's where
    ``reading`` is :func:`kana_read_as_hanzi` and that code page reads it as Japanese
    (:func:`_shift_jis_reading`), if it is listed; :class:`BetterElsewhere` naming it if
    not; None where ``reading`` is no such misreading."""
    if not kana_read_as_hanzi(reading):
        return None
    found = _shift_jis_reading(data, config)
    if found is None:
        return None
    japanese, listed = found
    if listed:
        return Reading(japanese.encoding, japanese.text, None)
    name = addable_code_pages()[japanese.encoding]
    kana, beyond = _kana_as_hanzi_counts(reading.text)
    raise BetterElsewhere(
        f"{reading.encoding} reads it as {excerpt(data, reading.text, reading.encoding)!r}, "
        f"but {kana:,} of its {counted(beyond, 'character', grouped=True)} beyond ASCII "
        "are hanzi it reads Shift_JIS's kana and punctuation as (偁 偄 偆 for あ い う, 丄 丅 "
        f"for 、 。), as Japanese misread makes them; in {name} it reads as "
        f"{excerpt(data, japanese.text, japanese.encoding)!r}: if that is its code page, "
        f"add \"{name}\" to decode.fallback_encodings in corpus.toml, or re-save it as "
        "UTF-8")


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
