"""cp1253 against ISO-8859-7: Greek's two code pages read its letters alike but for ``Ά``
(A2 in cp1253, ISO-8859-7's quote mark ``’``; B6 in ISO-8859-7, cp1253's pilcrow ``¶``),
so that neither reading looks mistyped, and both are Greek. Where Greek writes those
bytes tells (corpuskit.decoding.greekspelling): ``’`` after a word (elision) or after a short word
aphaeresis follows, ``Ά`` opening a word of small unaccented letters anywhere else. With
only the other code page listed the file is refused naming its own; with both listed its
own wins, whichever is listed first (QA s82 fix-greek: cp1253's ``Άγιος`` was built as
ISO-8859-7's ``’γιος`` with exit 0)."""

from __future__ import annotations

import pytest

from corpuskit.config import DecodeConfig
from corpuskit.decoding.decode import decode
from corpuskit.decoding.greekspelling import greek_code_page
from corpuskit.models import Decoded, DocumentProblem, RawDocument

ISO_ONLY = DecodeConfig(("iso8859-7",))
CP1253_ONLY = DecodeConfig(("cp1253",))
BOTH = [DecodeConfig(("iso8859-7", "cp1253")), DecodeConfig(("cp1253", "iso8859-7"))]

#: Greek in cp1253 with capital ``Ά`` at a sentence's start, after a capital word and
#: after a word ending in a consonant (the first three QA's, the last a system message,
#: which was built as ISO-8859-7's with both listed).
CAPITAL_ALPHA = [
    "Άγιος Νικόλαος είναι μια πόλη στην Κρήτη. Άλλες πόλεις είναι το Ηράκλειο και τα Χανιά.",
    "Η Άννα πήγε στην Άνδρο το καλοκαίρι και έμεινε εκεί δύο εβδομάδες με την οικογένειά της.",
    "Άρθρο 5: Όλοι οι πολίτες έχουν δικαίωμα στην εκπαίδευση.",
    "Άγνωστη εντολή %s",
]
#: Greek in ISO-8859-7 with its ``’``: elision, aphaeresis, quotes, and its own ``Ά``.
APOSTROPHES = [
    "Σ’ αγαπώ, μου είπε, και θα ’ρθω αύριο το πρωί να σε δω.",
    "Το υπομενού που ’ναι προσδεμένο σε αυτό το στοιχείο του μενού.",
    "βοήθεια μη διαθέσιμη σ’ αυτήν την έκδοση",
    "Δεν υπάρχει κλάδος με όνομα ’%s’.",
    "Ενεργοποίηση ‘πλήκτρων εναλλαγής’",
    "Ν’ είναι ο νέος ρόλος υπερχρήστης;",
    "Άγνωστη μορφή αρχειοθέτησης: δεν είναι έγκυρο αρχείο.",
]


def run(data: bytes, config: DecodeConfig) -> Decoded:
    return decode(RawDocument(id="doc", path="doc.txt", data=data), config)


def refusal(data: bytes, config: DecodeConfig) -> str:
    with pytest.raises(DocumentProblem) as caught:
        run(data, config)
    assert caught.value.problem.code == "undecodable"
    return caught.value.problem.message


@pytest.mark.parametrize("text", CAPITAL_ALPHA)
def test_cp1253_with_capital_alpha_is_refused_with_iso8859_7_alone_listed(text: str) -> None:
    message = refusal(text.encode("cp1253"), ISO_ONLY)
    assert 'add "cp1253" to decode.fallback_encodings' in message
    assert "iso8859-7 reads it as '" in message and "’" in message


@pytest.mark.parametrize("text", APOSTROPHES)
def test_iso8859_7_with_its_quote_marks_is_read_with_it_alone_listed(text: str) -> None:
    decoded = run(text.encode("iso8859-7"), ISO_ONLY)
    assert (decoded.text, decoded.encoding) == (text, "iso8859-7")


@pytest.mark.parametrize("config", BOTH, ids=["iso-first", "cp1253-first"])
@pytest.mark.parametrize(("text", "page"), [(text, "cp1253") for text in CAPITAL_ALPHA]
                         + [(text, "iso8859-7") for text in APOSTROPHES])
def test_each_greek_page_is_read_where_both_are_listed(
        text: str, page: str, config: DecodeConfig) -> None:
    """cp1253's ``Ά`` and ISO-8859-7's quote marks (elision, aphaeresis, quotes, its own
    ``Ά``), whichever of the two is listed first."""
    decoded = run(text.encode(page), config)
    assert (decoded.text, decoded.encoding) == (text, page)


@pytest.mark.parametrize("text", APOSTROPHES)
def test_iso8859_7_is_refused_with_cp1253_alone_listed(text: str) -> None:
    """cp1253 reads ISO-8859-7's ``’`` as ``Ά`` (``που Άναι``, ``σΆ``), its ``‘`` as
    ``΅`` and its ``Ά`` as ``¶`` (``¶γνωστη``); the aphaeresis was built so, exit 0."""
    message = refusal(text.encode("iso8859-7"), CP1253_ONLY)
    assert 'add "iso8859-7" to decode.fallback_encodings' in message


def test_the_refusal_names_the_words_that_tell() -> None:
    message = refusal(CAPITAL_ALPHA[0].encode("cp1253"), ISO_ONLY)
    assert "2 words in it hold a sign where Greek writes the letter cp1253 reads, such as " \
           "'’γιος', '’λλες'" in message
    assert "in cp1253 it reads as 'Άγιος Νικόλαος" in message


#: Greek in cp1253 with ``Ά`` opening a name after an article that is also a pronoun
#: aphaeresis follows (``το``, ``τα``, ``του``): built as ISO-8859-7's ``Το ’ργος`` with both
#: listed, refused with cp1253 alone (QA s82 review 1).
NAME_AFTER_ARTICLE = [
    "Το Άργος είναι μια από τις αρχαιότερες πόλεις της Ευρώπης.",
    "Η ομάδα του Άρη κέρδισε χθες στο γήπεδο της Θεσσαλονίκης.",
]
#: Greek in ISO-8859-7 with aphaeresis after a word that is no article (``μη``, ``εγώ``):
#: refused with iso8859-7 alone, built as cp1253's ``Μη Άρθεις`` with both (QA s82 review 2).
APHAERESIS_AFTER_OTHERS = [
    "Ο υπουργός είπε: «Μη ’ρθεις αύριο, η σύσκεψη αναβλήθηκε».",
    "Εγώ ’μαι εδώ από το πρωί και κανείς δεν ήρθε να μου μιλήσει.",
    "Μου ’ρεσε πολύ η ταινία, αλλά αυτό ’ναι άλλο θέμα.",
]


@pytest.mark.parametrize("config", [CP1253_ONLY, *BOTH], ids=["alone", "iso-first", "cp1253-first"])
@pytest.mark.parametrize("text", NAME_AFTER_ARTICLE)
def test_cp1253_with_a_name_after_an_article_is_read_in_it(
        text: str, config: DecodeConfig) -> None:
    decoded = run(text.encode("cp1253"), config)
    assert (decoded.text, decoded.encoding) == (text, "cp1253")


@pytest.mark.parametrize("text", NAME_AFTER_ARTICLE)
def test_cp1253_with_a_name_after_an_article_is_refused_with_iso8859_7_alone(text: str) -> None:
    assert 'add "cp1253" to decode.fallback_encodings' in refusal(text.encode("cp1253"), ISO_ONLY)


def test_two_names_after_articles_outvote_none() -> None:
    """``του Άρη`` and ``η Άννα`` tied 1 to 1 (the article ``του`` counted as a word
    aphaeresis follows) and were built as ``του ’ρη ... η ’ννα`` with iso8859-7 alone."""
    text = "Η συνάντηση έγινε στο σπίτι του Άρη, όπου ήταν και η αδελφή του η Άννα."
    assert "2 words in it hold a sign where Greek writes the letter cp1253 reads" \
        in refusal(text.encode("cp1253"), ISO_ONLY)


@pytest.mark.parametrize("config", [ISO_ONLY, *BOTH], ids=["alone", "iso-first", "cp1253-first"])
@pytest.mark.parametrize("text", APHAERESIS_AFTER_OTHERS)
def test_iso8859_7_with_aphaeresis_after_any_word_is_read_in_it(
        text: str, config: DecodeConfig) -> None:
    decoded = run(text.encode("iso8859-7"), config)
    assert (decoded.text, decoded.encoding) == (text, "iso8859-7")


@pytest.mark.parametrize(("text", "code_page"), [
    ("Τα Άγραφα είναι ορεινή περιοχή της Ευρυτανίας.", "cp1253"),
    ("Τα ’πα όλα στη μάνα μου χθες το βράδυ.", "iso8859-7"),
])
def test_a_word_either_could_be_tells_neither_and_refuses_no_listed_page(
        text: str, code_page: str) -> None:
    """``τα Άγραφα`` (a name) and ``τα ’πα`` (``είπα``) end alike after a word that is an
    article and a pronoun: no vote, so the file is read in its code page where that is
    listed, alone or with the other, as before the votes were counted."""
    assert greek_code_page(text.encode(code_page)) is None
    decoded = run(text.encode(code_page), DecodeConfig((code_page,)))
    assert (decoded.text, decoded.encoding) == (text, code_page)


DEFAULT = DecodeConfig()
#: Greek in ISO-8859-7 whose ``’`` cp1253 reads as its letter ``Ά``: where Greek drops a
#: vowel (aphaeresis, after ``να``: ``να Άναι``), and as quotes (``Ά%luΆ``). The first two
#: were told to add cp1253 where no code page judged them clearly better; the third and
#: fourth where cp1253's reading was clearly better than the chosen one and ISO-8859-7's,
#: its language less probable with ``’`` in it, was not; the last where ISO-8859-7's
#: reading was too little Greek (70%) to name, and cp1253's (82%) was not.
TOLD_ISO_8859_7 = [
    "%s: η μεταβλητή αναφοράς δεν μπορεί να ’ναι πίνακας",
    "%s χρειάζεται να ’χει οριστεί μία υποδοχή με --slot",
    "Η ποιότητα του JPEG πρέπει να ’χει τιμή μεταξύ 0 και 100· η τιμή «%d» δεν επιτρέπεται.",
    "%s: Ο GID ’%lu’ δεν υπάρχει",
    "%s: Η ομάδα ’%s’ δεν υπάρχει",
]


@pytest.mark.parametrize("text", TOLD_ISO_8859_7)
def test_iso8859_7_with_the_default_list_is_told_to_add_iso8859_7(text: str) -> None:
    """QA s82 fix-decodemisc 2: with no Greek code page listed, ISO-8859-7's aphaeresis was
    told to add cp1253 (the reading with a letter where ISO-8859-7 has a symbol), and,
    that added, was refused again naming iso8859-7. The advice, followed, reads it."""
    data = text.encode("iso8859-7")
    message = refusal(data, DEFAULT)
    assert 'add "iso8859-7" to decode.fallback_encodings' in message, message
    assert 'add "cp1253"' not in message, message
    decoded = run(data, DecodeConfig((*DEFAULT.fallback_encodings, "iso8859-7")))
    assert (decoded.text, decoded.encoding) == (text, "iso8859-7")


@pytest.mark.parametrize("text", [*CAPITAL_ALPHA[:3], "Άκυρη πίσω παραπομπή"])
def test_cp1253_with_the_default_list_is_told_to_add_cp1253(text: str) -> None:
    """The reverse: cp1253's ``Ά`` opening a word, which ISO-8859-7 reads as ``’``. The
    last was told to add iso8859-7, cp1253's reading too little Greek (79%) to name."""
    data = text.encode("cp1253")
    message = refusal(data, DEFAULT)
    assert 'add "cp1253" to decode.fallback_encodings' in message, message
    decoded = run(data, DecodeConfig((*DEFAULT.fallback_encodings, "cp1253")))
    assert (decoded.text, decoded.encoding) == (text, "cp1253")


def test_cp1253_that_greek_spelling_tells_is_read_where_it_alone_is_listed() -> None:
    """The same the other way round: cp1253's ``%s%sΆγνωστο`` (a name put before
    ``Άγνωστο``), whose word ISO-8859-7's ``s’γνωστο`` reads without a mistyped word, was
    refused with cp1253 listed, naming iso8859-7, though it had been told to add cp1253."""
    text = ("Εκκίνηση Αναλογία διαστάσεων γραμμής δρομέα %s%sΆγνωστο σήμα %d %s: μη "
            "αναγνωρίσιμος τύπος έναρξης «%s» Εβδομαδιαίως")
    data = text.encode("cp1253")
    assert 'add "cp1253" to decode.fallback_encodings' in refusal(data, DEFAULT)
    for config in (CP1253_ONLY, DecodeConfig((*DEFAULT.fallback_encodings, "cp1253"))):
        decoded = run(data, config)
        assert (decoded.text, decoded.encoding) == (text, "cp1253")
