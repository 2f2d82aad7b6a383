"""Words whose letters no one Latin alphabet writes together: what a wrong code page reads
a name of another language as, in a text otherwise read alike (QA s83 qa-decode2 R4, P1).

An English text naming ``Paweł`` in cp1250 reads in cp1252 as ``Pawe³``, a Dutch
one naming ``Kemal Kılıçdaroğlu`` in cp1254 as ``Kýlýçdaroðlu``, and both readings look
typed, and the text's language (English, Dutch) is one of both code pages'. But no
language writes ``ý`` and ``ð`` beside ``ç``, where Turkish writes ``ı``, ``ç`` and ``ğ``
together (:func:`mixed_alphabet_words`). A letter
sign read as a digit or a fraction glued to a name's letters (``Pawe³``, ``¼udovít`` for
cp1250's ``Paweł``, ``Ľudovít``) is no letter of any alphabet either; a unit's
superscript (``km²``, ``m³``) is.

The ranking of a file's readings drops those with more such words than another
(:func:`fewest_mixed_alphabets`), before the language identifier's confidence, which a
text's own language decides whatever its names' letters (German is a language of cp1252
and of cp1250, Dutch one of cp1252 and of cp1254).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from .plausibility import Judgement, words_beyond_ascii

#: The letters beyond ASCII (small) of the alphabets of the Latin code pages' languages
#: (cp1252, cp1250, cp1254, cp1257), each with the letters its loanwords and names commonly
#: keep (Dutch ``café``, ``één``, German ``Café``). Faroese writes ``ø`` beside ``á`` and
#: ``ð`` (``høvuðsstaður``), so cp1252's ``Dvoøák`` for ``Dvořák`` is no mix.
_ALPHABETS: tuple[frozenset[str], ...] = tuple(frozenset(letters) for letters in (
    "áàâäéèêëíìîïóòôöúùûüçñæœÿß",  # French, Dutch, German, Afrikaans, Catalan, Occitan
    "áâãàçéêíóôõúü",  # Portuguese
    "áéíóúñü",  # Spanish, Galician
    "àèéìíîòóùú",  # Italian
    "åäöéü",  # Swedish, Finnish
    "æøåéóèêàôü",  # Danish, Norwegian
    "áðéíóúýþæö",  # Icelandic
    "áðíóúýæø",  # Faroese
    "âêîôûŵŷáéíóúẁẃẅÿäëïöüàèìòù",  # Welsh
    "çë",  # Albanian
    "šžõäöü",  # Estonian
    "áčďéěíňóřšťúůýž",  # Czech
    "áäčďéíĺľňóôŕšťúýž",  # Slovak
    "ąćęłńóśźż",  # Polish
    "áéíóöőúüű",  # Hungarian
    "čćđšžé",  # Slovenian, Croatian, Bosnian, Serbian
    "ăâîșşțţ",  # Romanian
    "âçğıîöşûü",  # Turkish
    "çəğıöşü",  # Azerbaijani
    "çêîşû",  # Kurdish
    "ąčęėįšųūž",  # Lithuanian
    "āčēģīķļņšūžōŗ",  # Latvian
))
#: Signs a wrong code page reads a name's letter as, which no alphabet writes inside a word.
_FRACTIONS = frozenset("¼½¾")
_SUPERSCRIPTS = frozenset("¹²³")
#: Letters before a superscript digit in a unit's symbol (``km²``, ``cm³``), at most.
_UNIT_LETTERS = 2


def mixed_alphabet_words(text: str) -> list[str]:
    """The words of ``text`` (in order) whose Latin letters beyond ASCII no one alphabet of
    :data:`_ALPHABETS` holds together, or holding a fraction or superscript digit glued to
    letters where no unit writes it (``Pawe³``, ``¼udovít``)."""
    return [word for word in words_beyond_ascii(text) if _mixes_alphabets(word)]


@lru_cache(maxsize=4096)
def _mixes_alphabets(word: str) -> bool:
    letters = frozenset(char for char in word.lower()
                        if not char.isascii() and char.isalpha() and _latin(char))
    if letters and not any(letters <= alphabet for alphabet in _ALPHABETS):
        return True
    return _sign_among_letters(word)


def _latin(letter: str) -> bool:
    """Whether ``letter`` is one of the Latin script's (other scripts' words are judged by
    their own spelling rules)."""
    return unicodedata.name(letter, "").startswith("LATIN ")


def _sign_among_letters(word: str) -> bool:
    """Whether ``word`` glues a fraction to a letter, or a superscript digit after more
    letters than a unit's symbol has (``Pawe³``; ``km²`` is a unit)."""
    for at, char in enumerate(word):
        before = word[at - 1] if at else ""
        after = word[at + 1] if at + 1 < len(word) else ""
        if char in _FRACTIONS and (before.isalpha() or after.isalpha()):
            return True
        if char in _SUPERSCRIPTS and _letters_before(word, at) > _UNIT_LETTERS:
            return True
    return False


def _letters_before(word: str, at: int) -> int:
    """How many letters come right before ``word[at]``."""
    start = at
    while start and word[start - 1].isalpha():
        start -= 1
    return at - start


def fewest_mixed_alphabets(tied: list[int], judged: dict[int, Judgement]) -> list[int]:
    """The readings ``tied`` (indices, none with more implausible words) but those with
    more words mixing letters of several alphabets (:func:`mixed_alphabet_words`) than
    another."""
    mixed = {order: len(mixed_alphabet_words(judged[order].text)) for order in tied}
    fewest = min(mixed.values())
    if fewest == max(mixed.values()):
        return tied
    return [order for order in tied if mixed[order] == fewest]
