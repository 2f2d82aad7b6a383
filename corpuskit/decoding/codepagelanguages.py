"""The legacy code pages corpuskit knows and the languages each is made for: how probable it
is that a reading is in one of them (:func:`language_fit`), which code pages read most
letters alike (:func:`reads_alike`), which are Chinese, Japanese or Korean
(:func:`multibyte`), and which a configuration may add (:func:`addable_code_pages`).

The ranking of a file's readings (:mod:`corpuskit.decoding.codepages`), the spelling rules of each
script and the second look at a doubtful reading all judge a reading (a :class:`Reading`:
one code page's decoding of a file) on these.
"""

from __future__ import annotations

import codecs
from collections.abc import Sequence
from functools import cache, lru_cache
from typing import NamedTuple

from ..config import CONFIG_SCHEMA
from ..languageid.language import rank
from ..schemacheck import load_schema
from .plausibility import Judgement, languages_beyond_ascii


class Reading(NamedTuple):
    """A legacy decoding of a file: the code page (codec name), the text it gives, and how
    plausible that text was judged; ``judgement`` is ``None`` when it was the only candidate
    (nothing was judged to choose it)."""

    encoding: str
    text: str
    judgement: Judgement | None


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
CENTRAL = _ASCII_LATIN | {"bs", "cs", "de", "hr", "hu", "pl", "ro", "sk", "sl", "sq", "sr"}
_CYRILLIC = frozenset({"ba", "be", "bg", "kk", "ky", "mk", "mn", "ru", "sr", "tg", "tt", "uk",
                       "uz"})
_CHINESE = frozenset({"wuu", "yue", "zh"})
CODEPAGE_LANGUAGES: dict[str, frozenset[str]] = {
    "cp1252": _WESTERN, "iso8859-1": _WESTERN, "iso8859-15": _WESTERN,
    "cp1250": CENTRAL, "iso8859-2": CENTRAL,
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
#: Code pages of Cyrillic, which read Hebrew's letters as Cyrillic ones (cp1251 in small
#: letters, KOI8 in capitals) that may look typed.
CYRILLIC_PAGES = frozenset(name for name, languages in CODEPAGE_LANGUAGES.items()
                            if languages == _CYRILLIC)
#: The code pages of Chinese, Japanese and Korean (codec names), which are not judged by
#: their letters' frequencies (:func:`~corpuskit.decoding.doubtfulreading.coherence`).
MULTIBYTE = frozenset(codecs.lookup(name).name for name in (
    "gb18030", "gbk", "gb2312", "big5", "cp950", "big5hkscs", "shift_jis", "cp932", "euc_jp",
    "shift_jisx0213", "euc_jisx0213", "euc_kr", "cp949"))
#: Characters of a reading whose language is identified.
_LANGUAGE_SAMPLE = 1500
#: At most this probability that a reading is in a language of its code page makes it
#: doubtful (Turkish read as cp1252: 0.0, in cp1254: 1.0).
NO_LANGUAGE = 0.5
#: From this probability on, a reading is surely in a language of its code page (or in its
#: most probable one, as asked): sure enough to win over a doubtful reading
#: (:mod:`corpuskit.decoding.doubtfulreading`), to be told from another Cyrillic reading by its
#: spelling and letters (:mod:`corpuskit.decoding.cyrillicspelling`), or to be taken as sound.
SURE = 0.95


def language_fit(text: str, encoding: str) -> float:
    """Probability that the non-ASCII lines of ``text`` are in a language of ``encoding``."""
    return language_fits(text, encoding)[0]


@lru_cache(maxsize=16)  # a file's readings are ranked, then the chosen one looked at again
def language_fits(text: str, encoding: str) -> tuple[float, float]:
    """Probability that the non-ASCII lines of ``text`` are in a language of ``encoding``,
    and that they are in the most probable one of those languages (the lines ranked once
    for every code page asked: :func:`~corpuskit.decoding.plausibility.languages_beyond_ascii`)."""
    return _ranked_fits(languages_beyond_ascii(text), encoding)


def sample_fits(sample: str, encoding: str) -> tuple[float, float]:
    """Probability that ``sample`` (its first characters the identifier reads) is in a
    language of ``encoding``, and that it is in the most probable one of those languages:
    :func:`language_fits` of a text's lines beyond ASCII, or of a part of them."""
    return _ranked_fits(rank(sample[:_LANGUAGE_SAMPLE]), encoding)


def _ranked_fits(ranked: Sequence[tuple[str, float]], encoding: str) -> tuple[float, float]:
    """:func:`sample_fits` of a sample the identifier ranked so (``ranked``)."""
    languages = CODEPAGE_LANGUAGES.get(encoding)
    if languages is None:
        top = ranked[0][1] if ranked else 0.0
        return top, top
    probs = [prob for lang, prob in ranked if lang in languages]
    return sum(probs), max(probs, default=0.0)


def lettered_fit(text: str, encoding: str) -> float:
    """Probability that the non-ASCII lines of ``text`` are in a language of ``encoding``
    that writes letters beyond ASCII (not English, Latin, Swahili...: every Latin code page
    is made for those, and reads a word of another language in them with its own letters,
    which are then no sign of the right code page: an English text naming
    ``Guðmundsdóttir`` reads in cp1257 as ``Gušmundsdóttir``, Icelandic's letter read as
    a Baltic one)."""
    languages = CODEPAGE_LANGUAGES.get(encoding)
    if languages is None:
        return language_fit(text, encoding)
    return sum(prob for lang, prob in languages_beyond_ascii(text)
               if lang in languages and lang not in _ASCII_LATIN)


#: Of the bytes A0-FF, those two code pages made for the same languages must read as the
#: same characters to read alike (:func:`reads_alike`).
_ALIKE_SHARE = 3 / 4


def character(encoding: str, byte: int) -> str | None:
    """What the single-byte code page ``encoding`` reads ``byte`` as; None if it defines
    no character there."""
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
               if (char := character(one, byte)) is not None
               and char == character(other, byte))
    return same >= _ALIKE_SHARE * 0x60


def multibyte(encoding: str) -> bool:
    """Whether ``encoding`` is a code page of Chinese, Japanese or Korean
    (:data:`MULTIBYTE`)."""
    try:
        return codecs.lookup(encoding).name in MULTIBYTE
    except LookupError:
        return False


@cache
def addable_code_pages() -> dict[str, str]:
    """The code pages ``decode.fallback_encodings`` accepts (corpus.toml's schema), each by
    its codec name (as ``codecs.lookup`` and the records spell it) → as corpus.toml spells it."""
    schema = load_schema(CONFIG_SCHEMA)
    names = schema["properties"]["decode"]["properties"]["fallback_encodings"]["items"]["enum"]
    return {codecs.lookup(name).name: name for name in names}
