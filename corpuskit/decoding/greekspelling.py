"""Which of Greek's two code pages, cp1253 or ISO-8859-7, a file is in, where the bytes they
read differently tell (:func:`greek_code_page`).

The two read Greek's letters alike but for ``Ά``: A2 in cp1253, which ISO-8859-7 reads as
the quote mark ``’``, and B6 in ISO-8859-7, which cp1253 reads as ``¶``. Both readings
look typed (a quote mark or a pilcrow may stand before a word), are Greek to the language
identifier, and read most letters alike, so nothing else told them apart: with
iso8859-7 alone listed, Greek in cp1253 was built with exit 0 as ``’γιος Νικόλαος ...
’λλες πόλεις`` (QA s82 fix-greek).

Greek writes ``’`` where a vowel is dropped: after a word (elision, ``σ’ αγαπώ``, ``απ’
την``) and, mid-sentence, before a word after a short word or one ending in a vowel
(aphaeresis, ``που ’ναι``, ``θα ’ρθω``, ``το ’ξερα``), and as a closing quote. A capital
``Ά`` begins a word whose other letters are small and unaccented (the ``Ά`` bears its
accent: ``Άγιος``, ``Άννα``), at a sentence's start or as a name, after an article (``το
Άργος``) or any word. Where the byte A2 stands before small letters with no accent, so,
both may: at a sentence's start and after an article it is cp1253's ``Ά``, after a
particle (``θα``, ``μη``) ISO-8859-7's ``’``, and after another word the letters' ending
tells, a verb form's (``’ναι``, ``’ρθει``) from a name's or a noun's (``Άργος``, ``Άρη``),
or, where both end so (``τα Άγραφα``, ``τα ’πα``), nothing (QA s82 review 1, 2). Where
A2 follows a small letter, or stands before an accented word, a Latin word or no letter,
it is ISO-8859-7's ``’``. The bytes A1 (ISO-8859-7's opening quote
``‘``, cp1253's spacing accent ``΅``, which no text writes alone), B5 (cp1253's micro sign
``µ``, ISO-8859-7's ``΅``) and B6 beside a Greek letter (ISO-8859-7's ``Ά``) tell too.
"""

from __future__ import annotations

import codecs
import re
from typing import NamedTuple

from ..wording import counted

CP1253 = codecs.lookup("cp1253").name
ISO_8859_7 = codecs.lookup("iso8859-7").name
_GREEK_PAGES = frozenset({CP1253, ISO_8859_7})

#: Bytes of a file judged (a code page's bytes are one character each, so its reading's
#: characters stand where its bytes do).
_JUDGED_BYTES = 1 << 16
#: The bytes the two code pages read differently that tell them apart.
_TELLING = re.compile(rb"[\xa1\xa2\xb5\xb6]")
#: Small Greek letters (with and without accents) and those bearing an accent.
_SMALL_GREEK = re.compile("[\u03ac-\u03ce]+")
_ACCENTED = frozenset("άέήίόύώΐΰ")
_ACCENTED_CAPITALS = frozenset("ΆΈΉΊΌΎΏ")
_VOWELS = frozenset("αεηιουωάέήίόύώϊϋΐΰ")
#: The particles that Greek's aphaeresis follows and no name does (``θα ’ρθω``, ``να
#: ’χει``, ``που ’ναι``, ``μη ’ρθεις``, ``τι ’ναι``, ``κι ’ρθε``; ``ό,τι`` ends in ``τι``).
#: Not the articles and pronouns ``το``, ``τα``, ``του``, ``μου``, ``σου``, which it
#: follows too (``το ’ξερα``, ``μου ’πε``) but so does a name (``το Άργος``, ``του Άρη``:
#: :data:`_VERB_ENDINGS` tell), nor ``με`` and ``σε``, which are elided themselves (``μ’
#: αρέσει``, ``σ’ αγαπώ``) (QA s82 review 1, 2).
_APHAERESIS_HOSTS = frozenset({"να", "θα", "που", "πού", "μη", "μην", "δε", "δεν", "κι", "τι",
                               "τί"})
#: The articles that are no pronoun a verb follows: a name or a noun follows them
#: (``η Άννα``, ``την Άνοιξη``, ``στις Άλπεις``), not aphaeresis (QA s82 review 1).
_ARTICLES = frozenset({"ο", "η", "οι", "τον", "την", "τη", "των", "τις", "στον", "στην", "στη",
                       "στου", "στης", "στων", "στους", "στις"})
#: How the verb forms aphaeresis leaves end (``’ναι``, ``’μαι``, ``’ρθει``, ``’ρθεις``,
#: ``’πε``, ``’μαστε``, ``’ταν``, ``’χουν``), where no word Greek writes with an initial
#: ``Ά`` does in the system's messages (Άκυρος, Άγνωστη, Άνοιγμα, Άρθρωμα, Άχρηστοι).
_VERB_ENDINGS = ("αι", "ει", "εις", "ε", "αν", "ουν")
#: How both end: ``’πα``, ``’ξερα``, ``’χω``, ``’πες`` as ``Άγραφα``, ``Άδεια``, ``Άνω``,
#: ``Άξονες``; the other endings (``Άργος``, ``Άρη``, ``Άλλο``, ``Άλλοι``) and a noun's
#: ``-μα`` and ``-ια`` (``Άνοιγμα``, ``Άδεια``) are a name's or a noun's, which cp1253's
#: ``Ά`` opens.
_SHARED_ENDINGS = ("α", "ω", "ες")
_NOUN_ENDINGS = ("μα", "ια")
#: Letters of the longest short word (a pronoun, conjunction or particle: ``τους ’πα``,
#: ``όταν ’ρθα``, ``ποιος ’χα``), which aphaeresis follows whatever its last letter;
#: after a longer word, a noun's or a verb's, only where that ends in a vowel.
_SHORT_WORD = 5
#: What the letters after a word's dropped vowel never begin with: a vowel or a doubled
#: consonant (``Άιλαντ``, ``Άννα``, ``Άλλες``, ``Άρρητα``).
_NO_APHAERESIS = re.compile(r"[αεηιουωϊϋ]|(.)\1")
#: Marks of a menu's key (GTK's ``_``, Qt's ``&``), which may stand inside a word.
_ACCELERATORS = frozenset("_&")
#: Words a message names as telling.
_EXAMPLES = 3


class GreekPage(NamedTuple):
    """The code page a Greek file's telling bytes say it is in, and why, for a message."""

    encoding: str
    why: str


def greek_code_page(data: bytes) -> GreekPage | None:
    """The code page of cp1253 and ISO-8859-7 (codec names) that the bytes they read
    differently (:data:`_TELLING`, in the first :data:`_JUDGED_BYTES`) say ``data`` is in,
    by most words, with why; None where none of them stands, or as many say either."""
    head = data[:_JUDGED_BYTES]
    text = head.decode(ISO_8859_7, errors="replace")
    votes: dict[str, list[int]] = {CP1253: [], ISO_8859_7: []}
    for match in _TELLING.finditer(head):
        page = _vote(text, match.start())
        if page is not None:
            votes[page].append(match.start())
    cp1253, iso = len(votes[CP1253]), len(votes[ISO_8859_7])
    if cp1253 == iso:
        return None
    page = CP1253 if cp1253 > iso else ISO_8859_7
    # The words as the other code page, the one misreading them, reads them.
    misread = text if page == CP1253 else head.decode(CP1253, errors="replace")
    return GreekPage(page, _why(page, [_word_at(misread, at) for at in votes[page]]))


def other_greek_page(data: bytes, encoding: str) -> GreekPage | None:
    """Where ``encoding`` (a codec name) is one of Greek's two code pages: the other, if
    :func:`greek_code_page` says ``data`` is in it and it reads ``data``; else None."""
    if encoding not in _GREEK_PAGES:
        return None
    found = greek_code_page(data)
    if found is None or found.encoding == encoding:
        return None
    try:
        data.decode(found.encoding)
    except UnicodeDecodeError:
        return None
    return found


def told_greek_page(data: bytes, first: str, second: str) -> str | None:
    """Where ``first`` and ``second`` (codec names) are Greek's two code pages, the one
    :func:`greek_code_page` says ``data`` is in; else None."""
    if {first, second} != _GREEK_PAGES:
        return None
    found = greek_code_page(data)
    return found.encoding if found is not None else None


def greek_by_quotes(tied: list[int], grouped: list[tuple[tuple[str, ...], str]],
                    data: bytes) -> list[int]:
    """The readings ``tied`` (indices in ``grouped``: the code pages that read each, and
    its text) but, where one is cp1253's and another ISO-8859-7's, the one
    :func:`greek_code_page` says ``data`` is not in."""
    pages = {order: set(grouped[order][0]) & _GREEK_PAGES for order in tied}
    if not any(CP1253 in found for found in pages.values()) \
            or not any(ISO_8859_7 in found for found in pages.values()):
        return tied
    found = greek_code_page(data)
    if found is None:
        return tied
    return [order for order in tied if not pages[order] or found.encoding in pages[order]]


def _vote(text: str, at: int) -> str | None:
    """The code page the byte at ``at`` says the file is in (:func:`greek_code_page`),
    ``text`` being ISO-8859-7's reading; None if it tells neither."""
    char = text[at]
    before = text[at - 1] if at else ""
    start = at + 1
    if text[start:start + 1] in _ACCELERATORS:  # (a menu's key: ``Ά_δεια``)
        start += 1
    after = text[start:start + 1]
    if char == "‘":  # A1: cp1253's ΅, an accent no text writes alone
        return ISO_8859_7
    if char == "΅":  # B5: cp1253's µ (µs, 5µm)
        return CP1253
    if char == "Ά":  # B6: cp1253's ¶, a pilcrow, which stands beside no letter
        return ISO_8859_7 if _greek(before) or _greek(after) else CP1253
    if _greek(before):  # A2 after a letter: an elision or a closing quote
        return _after_letter(text, at, after)
    return _quote_or_capital(text, at, start)


def _after_letter(text: str, at: int, after: str) -> str | None:
    """What ISO-8859-7's ``’`` at ``at`` (A2, cp1253's ``Ά``) after a Greek letter says:
    ISO-8859-7 after a small letter (an elision, ``σ’``, or a closing quote: cp1253's
    ``σΆ`` is no word) or after a capital that is a word alone, before no letter (``Ν’
    είναι``); else None (cp1253's ``Ά`` ends a word written in capitals, ``ΚΑΛΆ``)."""
    before = text[at - 1]
    if before.islower():
        return ISO_8859_7
    alone = at < 2 or not text[at - 2].isalpha()
    return ISO_8859_7 if alone and not after.isalpha() else None


def _quote_or_capital(text: str, at: int, start: int) -> str | None:
    """What ISO-8859-7's ``’`` at ``at`` (A2, cp1253's ``Ά``; after no Greek letter)
    says, its word's letters from ``start``: before no letter or a Latin one (a quote),
    ISO-8859-7; before small Greek letters, ISO-8859-7 where they bear an accent (a word
    has one, and ``Ά`` would be it), else what the word before and the letters' ending
    say (:func:`_capital_or_aphaeresis`); None before a capital (``ΆΓΙΟΣ`` written in
    capitals, or a sentence beginning with aphaeresis, ``’Ρθε``), but a capital beginning
    a word written as typed (``’Όνομα``), which ISO-8859-7 says."""
    after = text[start:start + 1]
    if not after.isalpha():
        return ISO_8859_7
    rest = _SMALL_GREEK.match(text, start)
    if rest is None:
        # Before a capital: a quote before a word written as typed (``’Όνομα``), which
        # cp1253's ``Ά`` makes a word of two capitals, one accented, then small letters.
        word = _SMALL_GREEK.match(text, start + 1)
        typed = after in _ACCENTED_CAPITALS or word is not None
        return ISO_8859_7 if typed or not after.isupper() else None
    if _ACCENTED.intersection(rest.group()):
        return ISO_8859_7
    return _capital_or_aphaeresis(_word_before(text, at), rest.group())


def _capital_or_aphaeresis(before: str | None, rest: str) -> str | None:
    """What A2 before the small unaccented letters ``rest`` says, ``before`` being the
    word before it and spaces (:func:`_word_before`): cp1253's capital ``Ά`` at a
    sentence's start, after a sign or nothing (aphaeresis follows a word), and after an
    article; ISO-8859-7's aphaeresis after a particle (``θα ’ρθω``, ``μη ’ρθεις``); after
    another word (``το``, ``του``, ``εγώ``), what the letters' ending says: a verb form's
    (``εγώ ’μαι``, ``μου ’πε``) ISO-8859-7, a name's or a noun's (``το Άργος``, ``του
    Άρη``) cp1253, and None where both end so (``τα Άγραφα``, ``τα ’πα``), so that the
    other votes, the other tie-breakers or the listed order decide (QA s82 review 1, 2:
    the articles counted as aphaeresis's words, ``το ’ργος``, and any other word as a
    name's, ``μη Άρθεις``)."""
    if before is None or before in _ARTICLES:
        return CP1253
    if before in _APHAERESIS_HOSTS:
        return ISO_8859_7
    if _NO_APHAERESIS.match(rest):
        return CP1253
    if rest.endswith(_VERB_ENDINGS):
        return ISO_8859_7
    if not rest.endswith(_SHARED_ENDINGS) or rest.endswith(_NOUN_ENDINGS):
        return CP1253
    # Aphaeresis follows a vowel (``το ’πα``) or a short word, a name any word
    # (``διαγραφής Άξονες``).
    return None if before[-1] in _VOWELS or len(before) <= _SHORT_WORD else CP1253


def _greek(char: str) -> bool:
    """Whether ``char`` is a Greek letter (not a Latin one: cp1253's ``Ά`` may follow
    ``%s``, a name put in before it)."""
    return "\u0386" <= char <= "\u03ce" and char.isalpha()


def _word_before(text: str, at: int) -> str | None:
    """The word (in small letters) that stands before ``at`` with spaces between; None
    where no space does (a sign, a Latin letter of ``%s``) or none stands before them (the
    text's or a line's start, a sign: a sentence's start)."""
    end = at
    while end > 0 and text[end - 1] in " \t\xa0":
        end -= 1
    start = end
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    return text[start:end].lower() if start < end < at else None


def _word_at(text: str, at: int) -> str:
    """The word ``text`` holds at ``at``, with the character there, for a message."""
    start, end = at, at + 1
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    while end < len(text) and text[end].isalpha():
        end += 1
    return text[start:end]


def _why(page: str, words: list[str]) -> str:
    """Why the telling bytes say a file is in ``page``, naming a few of ``words`` (as the
    other code page misreads them), for a message."""
    shown = ", ".join(repr(word) for word in list(dict.fromkeys(words))[:_EXAMPLES])
    count = len(words)
    holds = f"{counted(count, 'word')} in it {'holds' if count == 1 else 'hold'}"
    if page == CP1253:
        return (f"{holds} a sign where Greek writes the letter cp1253 reads, such as {shown} "
                "(A2, cp1253's capital Ά, is iso8859-7's quote mark ’)")
    return (f"{holds} a letter or sign where Greek writes the character iso8859-7 reads, "
            f"such as {shown} (B6, iso8859-7's Ά, is cp1253's ¶; A2 and A1, its quote "
            "marks ’ and ‘, are cp1253's Ά and ΅)")
