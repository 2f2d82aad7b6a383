"""Letters only languages of Central Europe write, where none of them writes them: what
cp1250 and ISO-8859-2 read a Western code page's accented letters as (QA s83 qa-decode
F3).

cp1252's ``à ù ñ å ì`` are cp1250's and ISO-8859-2's ``ŕ ů ń ĺ ě``, the other letters of
a Western text read alike: Italian ``più`` and ``così`` read as ``piů`` and ``cosě``,
French ``à`` as ``ŕ``, Spanish ``año`` as ``ańo``. No word looks typed, and a short text
naming a Czech (``Tomáš Rosický``) is Czech to the language identifier in either reading,
so the Central European one won, exit 0, with cp1252 listed first. Where the one language
that writes each letter writes it tells (:func:`misplaced_letter_words`); the ranking of
a file's readings drops those with more such words than another (:func:`fewest_misplaced`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .plausibility import Judgement, words_beyond_ascii
from .textholds import holds_any

#: Vowels of the Latin alphabets, as the code pages of Europe read them (``y`` too).
_VOWELS = "aáàâäăåãeéèêëěęiíìîïoóòôöőõøuúùûüůűyýąAÁÀÂÄĂÅÃEÉÈÊËĚĘIÍÌÎÏOÓÒÔÖŐÕØUÚÙÛÜŮŰYÝĄ"
_LETTER = "[^\\W\\d_]"
#: Where no language writes each letter, in a word:
#:
#: - ``ů``, which Czech alone writes, after a consonant only (``dům``, ``domů``,
#:   ``může``): after a vowel it is cp1252's ``ù`` (``piů``, ``oů`` for ``più``, ``où``);
#: - ``ě``, which Czech writes after b, p, v, f, m, d, t and n only (``běh``, ``město``,
#:   ``děti``, ``někdo``): after another letter it is cp1252's ``ì`` (``cosě``, ``sě``);
#: - ``ŕ`` and ``ĺ``, Slovak's long syllabic r and l, between two consonants only
#:   (``vŕba``, ``dĺžka``, ``stĺp``): at a word's start or end, or beside a vowel, they are
#:   cp1252's ``à`` and ``å`` (``ŕ``, ``cittŕ``, ``pĺ``, ``ĺr``);
#: - ``ń``, which Polish writes after a vowel, at a word's end or before a consonant
#:   (``koń``, ``słońce``, ``pański``), never before a vowel, where it writes ``ni``
#:   (``konia``): there, or at a word's start, it is cp1252's ``ñ`` (``ańo``, ``Ńandú``).
#:
#: Of the 71,212 words beyond ASCII of the system's Czech messages, 41,193 of Slovak's,
#: 57,781 of Polish's and those of Hungarian, Slovenian, Croatian and Romanian, these find
#: two, slips both: Slovak's ``[VOĹBA]`` (for ``VOĽBA``) and Polish's ``łańuchu`` (for
#: ``łańcuchu``).
_MISPLACED = re.compile(
    f"(?<=[{_VOWELS}])[ůŮ]"
    f"|(?<={_LETTER})(?<![bpvfmdtnBPVFMDTN])[ěĚ]"
    f"|(?<!{_LETTER})[ŕŔĺĹ]|[ŕŔĺĹ](?!{_LETTER})|(?<=[{_VOWELS}])[ŕŔĺĹ]|[ŕŔĺĹ](?=[{_VOWELS}])"
    f"|(?<!{_LETTER})[ńŃ]|[ńŃ](?=[{_VOWELS}])")
_LETTERS = frozenset("ůŮěĚŕŔĺĹńŃ")


def misplaced_letter_words(text: str) -> list[str]:
    """The words of ``text`` (split at whitespace) writing a letter only languages of
    Central Europe write where none of them writes it (:data:`_MISPLACED`), in order."""
    if not holds_any(text, _LETTERS):
        return []
    return [word for word in _words_beyond_ascii(text)
            if not _LETTERS.isdisjoint(word) and _MISPLACED.search(word) is not None]


def _words_beyond_ascii(text: str) -> Sequence[str]:
    """The words of ``text`` split at whitespace that may hold one of :data:`_LETTERS`:
    those beyond ASCII, split once for the judge and kept
    (:func:`~corpuskit.decoding.plausibility.words_beyond_ascii`), where its words are split at
    whitespace alone (no backslash markup nor byte order mark to take out), else all."""
    if "\\" in text or "\ufeff" in text:
        return text.split()
    return words_beyond_ascii(text)


def fewest_misplaced(tied: list[int], judged: dict[int, Judgement]) -> list[int]:
    """The readings ``tied`` (indices, none with more implausible words) but those with
    more words misplacing a letter of Central Europe's (:func:`misplaced_letter_words`)
    than another: a Western text read in cp1250 or ISO-8859-2 (``giocň all'Arsenal e tornň
    a Praga piů tardi``, ``a signé ŕ Londres``).

    Asked before the words holding letters of a language the text is not in
    (:func:`~corpuskit.decoding.codepages._fewest_foreign_letters`), which the language identifier
    decides: the Italian text's cp1252 reading names ``Rosický``, whose ``ý`` Italian does
    not write, and its cp1250 reading, Czech to the identifier, none; a misplaced letter
    is in no language's spelling, whatever the text's language."""
    misplaced = {order: len(misplaced_letter_words(judged[order].text)) for order in tied}
    fewest = min(misplaced.values())
    if fewest == max(misplaced.values()):
        return tied
    return [order for order in tied if misplaced[order] == fewest]
