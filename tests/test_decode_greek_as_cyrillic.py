"""Short Greek read as Cyrillic: with the default code pages (no Greek one listed), a line
of Greek in cp1253 or ISO-8859-7 read as cp1251 (``Фп ўсгпт еЯнбй``) or KOI8-R (``СчЛЕЯА
ЕъМАИ``) has a word or two that look mistyped and a Cyrillic language the identifier is
sure of, and was built so, exit 0, where a paragraph of it is refused (QA s82 review 3).
Its words are spelled and cased as no Cyrillic language writes them: the file is refused
naming the Greek code page. Short Cyrillic naming abbreviations (``кВт``, ``МГц``, ``ИЛд``)
is read as before."""

from __future__ import annotations

import pytest

from corpuskit.config import DEFAULT_FALLBACK_ENCODINGS, DecodeConfig
from corpuskit.decoding.cyrillicspelling import misread_as_cyrillic
from corpuskit.decoding.decode import decode
from corpuskit.models import Decoded, DocumentProblem, RawDocument

DEFAULT = DecodeConfig()

#: QA's lines, built as cp1251 (the first three) and KOI8-R (the last) with the default
#: code pages in either Greek code page.
SHORT_GREEK = [
    "Το Άργος είναι μια από τις αρχαιότερες πόλεις της Ευρώπης.",
    "Μετά την Άνοιξη έρχεται το καλοκαίρι.",
    "Ο Άγγελος και η Άρτεμις ήρθαν χθες.",
    "Ο καιρός σήμερα είναι καλός και ζεστός.",
]


def run(data: bytes, config: DecodeConfig) -> Decoded:
    return decode(RawDocument(id="doc", path="doc.txt", data=data), config)


@pytest.mark.parametrize("page", ["cp1253", "iso8859-7"])
@pytest.mark.parametrize("text", SHORT_GREEK)
def test_short_greek_read_as_cyrillic_is_refused_naming_a_greek_page(text: str,
                                                                      page: str) -> None:
    with pytest.raises(DocumentProblem) as caught:
        run(text.encode(page), DEFAULT)
    problem = caught.value.problem
    assert problem.code == "undecodable"
    assert "spelled or cased as no Cyrillic language writes" in problem.message
    named = problem.message.split("add \"")[1].split("\"")[0]
    assert named in ("cp1253", "iso8859-7")
    # The reading named is the text, but for Ά, which the other Greek page reads as a sign.
    assert text.encode(page).decode(named).replace("’", "Ά") \
        .replace("¶", "Ά") == text


@pytest.mark.parametrize("text", SHORT_GREEK)
def test_short_greek_is_read_in_its_page_listed_after_the_default_ones(text: str) -> None:
    decoded = run(text.encode("cp1253"), DecodeConfig((*DEFAULT_FALLBACK_ENCODINGS, "cp1253")))
    assert (decoded.encoding, decoded.text) == ("cp1253", text)


#: Short Cyrillic with abbreviations and words mixing cases, each read right before: the
#: words look misread, but Hebrew's and Arabic's pages (no letter case), a Latin page's
#: reading of a line the identifier is sure is Russian, and a Greek one in capitals only
#: are no better (cp1256, cp1255, cp1252 and cp1253 were named or built while the rule
#: lacked those conditions).
SHORT_CYRILLIC = [
    ("ЧАСТОТА 50 МГЦ, МОЩНОСТЬ 5 КВТ", "cp1251"),
    ("кВт МГц", "cp1251"),
    ("кВт МГц", "koi8-r"),
    ("ИЛд", "koi8-r"),
    ("тлс: %pa", "koi8-r"),
    ("--local-encoding=КДР      использовать КДР как локальную кодировку", "cp1251"),
    ("Наблюдение на КЛЮЧа за промени.", "cp1251"),
    ("ГнуТЛС: непримењена вредност %u опције", "cp1251"),
]


@pytest.mark.parametrize(("text", "page"), SHORT_CYRILLIC)
def test_short_cyrillic_with_abbreviations_is_read_right(text: str, page: str) -> None:
    decoded = run(text.encode(page), DEFAULT)
    assert (decoded.encoding, decoded.text) == (page, text)


def test_misread_as_cyrillic_counts_spelling_case_and_letter_pairs() -> None:
    # Two words or more, a third of the Cyrillic ones: no vowel, й after a consonant, case.
    assert misread_as_cyrillic("П ўггелпт кбй з ўсфемйт Юсибн чиет.") == ["кбй", "ўсфемйт"]
    assert misread_as_cyrillic("о ЙАИЯЭР СчЛЕЯА ЕъМАИ ЙАКЭР") == ["СчЛЕЯА", "ЕъМАИ"]
    # One, in a line whose letter pairs Russian seldom writes (``Αρχείο``: 7.6 bits a pair).
    assert misread_as_cyrillic("БсчеЯп") == ["БсчеЯп"]
    assert misread_as_cyrillic("Ден еЯнбй") == []  # (6.9 bits a pair)
    # One of many words, or one in letters Russian writes: not misread.
    assert misread_as_cyrillic("Частота 50 МГц на выходе усилителя мощности") == []
    assert misread_as_cyrillic("Наблюдение на КЛЮЧа за промени.") == []
    assert misread_as_cyrillic("Привет, как дела?") == []
    # One case only tells nothing: Hebrew in cp1251, abbreviations in capitals.
    assert misread_as_cyrillic("щмен темн ткс") == []
    assert misread_as_cyrillic("ГБ ТЛС МКД") == []
