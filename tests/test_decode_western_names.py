"""Western text in cp1252 naming Czechs and Slovaks (QA s83 qa-decode F3, F4).

F3: cp1250 reads cp1252's ``à ù ñ ì`` as ``ŕ ů ń ě``, the rest of a Western text alike, and
a short text naming ``Tomáš Rosický`` is Czech to the language identifier in either
reading: ``giocň ... piů``, ``signé ŕ Londres`` were built as cp1250, exit 0, with cp1252
listed first. F4: German naming ``Pardubický kraj`` was refused even with cp1252 alone
listed, told to add cp1254 (``Pardubickı``), which reads it worse.
"""

from __future__ import annotations

import pytest

from corpuskit.config import DEFAULT_FALLBACK_ENCODINGS, DecodeConfig
from corpuskit.decoding.centralspelling import misplaced_letter_words
from corpuskit.decoding.decode import decode
from corpuskit.models import Decoded, DocumentProblem, RawDocument

DEFAULT = tuple(DEFAULT_FALLBACK_ENCODINGS)


def run(data: bytes, encodings: tuple[str, ...]) -> Decoded:
    return decode(RawDocument(id="doc", path="doc.txt", data=data), DecodeConfig(encodings))


@pytest.mark.parametrize("text", [
    "Il ceco Tomáš Rosický giocò all'Arsenal e tornò a Praga più tardi.\n",
    "Tomáš Rosický a signé à Londres.\n",
    # The system's Indonesian names of places (QA's catalogue documents)
    "Palikúr\n\nHövsgöl\n\nÑeembucú\n\nChortí\n\nCaazapá\n",
    "Kénitra Olomoucký kraj\n\nGuajá\n\nMarek Hamšík Nariño\n\nCoatlán Mixe\n",
    "Yanomamö\n\nIñapari\n\nCopán\n\nKrálovéhradecký kraj Sìcìté Sénoufo\n",
], ids=["italian", "french", "places", "places-names", "places-sicite"])
def test_short_western_text_naming_czechs_is_read_in_cp1252(text: str) -> None:
    """Before: built as cp1250's ``giocň``, ``ŕ``, ``Ńeembucú``, ``Narińo``, ``Sěcěté``."""
    decoded = run(text.encode("cp1252"), DEFAULT)
    assert (decoded.encoding, decoded.text) == ("cp1252", text)


@pytest.mark.parametrize(("text", "encoding"), [
    ("Příliš žluťoučký kůň úpěl ďábelské ódy. Dům stojí u řeky, domů se vrátíme večer.\n",
     "cp1250"),
    ("Kůň běží domů přes město, kde bydlí naši přátelé.\n", "cp1250"),
    ("Vŕba rastie pri potoku, dĺžka cesty je veľká a kŕdeľ vtákov letí.\n", "cp1250"),
    ("Koń stał w słońcu, a pański dzień był długi i piękny.\n", "cp1250"),
    ("Kůň běží domů přes město, kde bydlí naši přátelé.\n", "iso8859-2"),
    ("Koń stał w słońcu, a pański dzień był długi i piękny.\n", "iso8859-2"),
], ids=["czech", "czech-short", "slovak", "polish", "czech-latin2", "polish-latin2"])
def test_central_european_text_keeps_its_code_page(text: str, encoding: str) -> None:
    """Czech's ``ů ě``, Slovak's ``ŕ ĺ`` and Polish's ``ń`` where their languages write
    them are no misplaced letters: still read in cp1250 or ISO-8859-2."""
    decoded = run(text.encode(encoding), (*DEFAULT, "iso8859-2"))
    assert decoded.text == text
    assert misplaced_letter_words(text) == []


def test_misplaced_letters_are_found_where_no_language_writes_them() -> None:
    misread = "giocň piů oů cosě sě ŕ cittŕ ĺr pĺ ańo Ńandú Espańa"
    assert misplaced_letter_words(misread) == [
        "piů", "oů", "cosě", "sě", "ŕ", "cittŕ", "ĺr", "pĺ", "ańo", "Ńandú", "Espańa"]
    sound = "dům domů může běh město děti někdo vŕba dĺžka stĺp koń słońce pański ňadra"
    assert misplaced_letter_words(sound) == []


GERMAN = "Wir fuhren über Pardubický kraj und Královéhradecký kraj nach Brünn.\n"
ITALIAN = ("il file sparse-checkout potrebbe avere Tomáš Rosický dei Praha-východ problemi: "
           "il pattern '%s' è ripetuto\n")


@pytest.mark.parametrize("text", [GERMAN, ITALIAN], ids=["german", "italian"])
@pytest.mark.parametrize("encodings", [("cp1252",), DEFAULT], ids=["alone", "default"])
def test_names_of_another_language_in_fluent_text_are_no_misreading(
        text: str, encodings: tuple[str, ...]) -> None:
    """The words holding ``ý`` taken out, the rest is surely German or Italian: those are
    names (before: refused, told to add cp1254, whose reading is ``Pardubickı``)."""
    decoded = run(text.encode("cp1252"), encodings)
    assert (decoded.encoding, decoded.text) == ("cp1252", text)


#: Indonesian names of places in cp1252, no fluent text around the Slovak ones: refused,
#: as no reading tells their letters; its readings elsewhere read it worse (cp1257's
#: ``Olomouckż``, ``Kanoé`` alike: Indonesian is every Latin code page's).
PLACES = ("Olomoucký kraj Khün\n\nKanoé\n\nBété, Daloa\n\nHerdé\n\nMakuráp\n\nHuamalíes-Dos "
          "de Mayo Huánuco Quechua\n\nMixe, Mazatlán Trnavský kraj\n\nCsongrád\n\n"
          "Saint-Barthélemy\n\nPenimpa bagi kunci “%s” dalam skema “%s” di berkas penimpa "
          "“%s” tak ada di dalam daftar pilihan yang valid; mengabaikan penimpa untuk kunci "
          "ini.\n")


def test_refusal_names_no_code_page_that_reads_it_worse() -> None:
    """Before: told to add cp1257, whose reading is ``Olomouckż kraj``."""
    with pytest.raises(DocumentProblem) as caught:
        run(PLACES.encode("cp1252"), ("cp1252",))
    message = caught.value.problem.message
    assert "cp1252 reads it as 'Olomoucký kraj" in message, message
    assert "such as 'Olomoucký', 'Trnavský'" in message, message
    assert "add \"" not in message, message
    assert "reads it as text" not in message, message
    assert ("no code page corpuskit decodes reads those words with fewer such letters: if "
            "they are words of other languages in a cp1252 text") in message, message


def test_a_reading_misplacing_letters_is_not_clearly_better() -> None:
    """With cp1252 alone listed, a list of places in cp1252 was refused, told to add
    cp1250, whose ``Ińapari`` for ``Iñapari`` no language writes: the second look took it
    for clearly better (its text, Czech to the identifier, in a language of cp1250's)."""
    text = "Yanomamö\n\nIñapari\n\nCopán\n\nKrálovéhradecký kraj Sìcìté Sénoufo\n"
    decoded = run(text.encode("cp1252"), ("cp1252",))
    assert (decoded.encoding, decoded.text) == ("cp1252", text)
