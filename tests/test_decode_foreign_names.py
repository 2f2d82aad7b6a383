"""Western text naming people of another language, saved in that language's code page
(QA s83 qa-decode2 R4, P1).

Both readings look typed and the text's language (German, French, Dutch) is one of both
code pages', so the language identifier's noise chose cp1252: ``Pawe³``,
``Kýlýçdaroðlu`` were built, exit 0, with the names' code page listed first. No one
alphabet writes ``ý`` and ``ð`` beside ``ç``, nor a superscript digit after a name's
letters.
"""

from __future__ import annotations

import pytest

from corpuskit.config import DEFAULT_FALLBACK_ENCODINGS, DecodeConfig
from corpuskit.decoding.decode import decode
from corpuskit.decoding.latinalphabets import mixed_alphabet_words
from corpuskit.models import Decoded, RawDocument

DEFAULT = tuple(DEFAULT_FALLBACK_ENCODINGS)

#: The QA's Dutch catalogue paragraphs naming Turks (R4).
DUTCH_NAMING_TURKS = (
    "gemultiplexed byte-apparaat (Kemal Kılıçdaroğlu, Nâzım Hikmet)\n\nSlovaakse Republiek\n\n"
    "leeg veld '%s' met archiefdetails\n\naudio-DVD\n\nTe veel aanmeldingen.\n\n"
    "Het scherm waar dit venster wordt getoond\n\nUrdu (Pakistan)\n\nJudeo-Italiaans\n\n"
    "Ongeldige uitbreidingsgegevens in cache-bestand %s\n\n"
    "tekenreeks is niet in Unicode-NFC-opmaak\n\n"
    "bestanden uitsluiten, gegeven als een PATROON\n\n"
    "namen van de geselecteerde categorieën tonen\n")


def run(data: bytes, encodings: tuple[str, ...]) -> Decoded:
    return decode(RawDocument(id="doc", path="doc.txt", data=data), DecodeConfig(encodings))


@pytest.mark.parametrize(("text", "encoding"), [
    ("The exhibition about Jiří Menzel and Paweł Kowalczyk opened on Monday and runs "
     "until the end of the month.\n", "cp1250"),
    (DUTCH_NAMING_TURKS, "cp1254"),
], ids=["english-jiri-pawel", "dutch-kilicdaroglu"])
def test_names_code_page_listed_first_reads_them(text: str, encoding: str) -> None:
    """Before: built as cp1252's ``Jiøí``, ``Pawe³``; ``Kýlýçdaroðlu``."""
    decoded = run(text.encode(encoding), (encoding, "cp1252"))
    assert (decoded.encoding, decoded.text) == (encoding, text)


@pytest.mark.parametrize("text", [
    "Gestern sprach Frau Müller mit Françoise über Ångström, Citroën und São Paulo.\n",
    "The café in Zürich served crème brûlée; Søren Kierkegaard's Ærø, 25 m² and 3 cm³.\n",
    "Señor Muñoz visitó Bogotá; la niña pidió un pingüino.\n",
], ids=["german", "english", "spanish"])
def test_western_text_stays_cp1252_with_the_default_list(text: str) -> None:
    decoded = run(text.encode("cp1252"), DEFAULT)
    assert (decoded.encoding, decoded.text) == ("cp1252", text)
    assert mixed_alphabet_words(text) == []


def test_words_mixing_alphabets_are_found() -> None:
    misread = "Dvoøák Kýlýçdaroðlu Nâzým Pawe³ ¼udovít Jiøí Kriðjânis km² Dvořák Kılıçdaroğlu"
    assert mixed_alphabet_words(misread) == [
        "Kýlýçdaroðlu", "Nâzým", "Pawe³", "¼udovít", "Kriðjânis"]


def test_other_scripts_words_mix_no_latin_alphabets() -> None:
    """Serbian's ``је`` is no Latin word: its cp1251 reading was built as cp1252's ``¼å``
    while only Latin letters were not told apart."""
    assert mixed_alphabet_words("Текстуална датотека је заузета אפשרויות") == []
    text = "„DW_OP_GNU_push_tls_address“ или „DW_OP_HP_unknown“\n\nТекстуална датотека је заузета\n"
    decoded = run(text.encode("cp1251"), DEFAULT)
    assert (decoded.encoding, decoded.text) == ("cp1251", text)
