"""Stage 2, decode: raw bytes to text, with the codec recorded so anyone can replay it.

Order: byte order mark → strict UTF-8 → the configured legacy code pages. When several
legacy code pages decode a file strictly, the one whose text is most plausible wins:
fewest implausible words (mixed scripts ``naпve``, case flips ``пРХБЕР``, symbols between
letters ``Za¿ó³æ``), then the highest probability that the text is in a language the
code page is made for, then the configured order. Nothing is ever decoded with
replacement characters; binary data is refused.

A wrong code page can still give words that look typed: Hebrew in cp1255 read as cp1251 is
Cyrillic letters in lower case, and py3langid, which only compares languages with each
other, calls it Bulgarian. So the chosen reading is looked at once more when it is
doubtful (:func:`_second_look`): another code page that reads the file clearly better
(in a language it is made for, by the letters' frequencies) wins if it is configured, and
the file is refused, naming that code page, if it is not.
"""

from __future__ import annotations

import codecs
import re
import string
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import cache, lru_cache
from itertools import pairwise
from typing import NamedTuple

from charset_normalizer.cd import coherence_ratio

from .config import CONFIG_SCHEMA, DecodeConfig
from .language import rank
from .models import Decoded, DocumentProblem, RawDocument
from .normalize import Repairs, fix_encoding, fix_encoding_line, looks_bad
from .problems import Problem
from .schemacheck import load_schema
from .wording import counted

#: (BOM, codec recorded, codec used) — UTF-32 before UTF-16: FF FE 00 00 starts with FF FE.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: Share of control characters (other than tab, LF, CR, FF, VT) that marks a file as binary.
MAX_CONTROL_SHARE = 0.01


def decode_with(data: bytes, encoding: str) -> str:
    """Decode ``data`` with a recorded encoding name, strictly (used to replay a record)."""
    if encoding == "utf-8-sig" or encoding.startswith(("utf-16-", "utf-32-")):
        bom = next(b for b, name in BOMS if name == encoding)
        if not data.startswith(bom):
            raise UnicodeDecodeError(encoding, data[:4], 0, min(4, len(data)), "missing BOM")
        codec = "utf-8" if encoding == "utf-8-sig" else encoding
        return data[len(bom):].decode(codec, errors="strict")
    return data.decode(encoding, errors="strict")


_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
#: The characters of _CONTROLS as UTF-8 bytes (each is one ASCII byte, and ASCII bytes
#: stand only for themselves in UTF-8).
_CONTROL_BYTES = bytes(range(0x00, 0x09)) + bytes(range(0x0e, 0x20)) + b"\x7f"


def _has_controls(text: str, utf8: bytes | None = None) -> bool:
    """``_CONTROLS.search(text) is not None``, several times faster: deleting bytes from
    the UTF-8 form is a table look-up per byte, a regex class is tried per character.
    ``utf8``: that form already, when the text was decoded from it (no encoding again)."""
    encoded = text.encode("utf-8", "surrogatepass") if utf8 is None else utf8
    return len(encoded.translate(None, _CONTROL_BYTES)) != len(encoded)


def _looks_binary(text: str, utf8: bytes | None = None) -> bool:
    """Whether ``text`` holds a NUL or more than :data:`MAX_CONTROL_SHARE` control
    characters; ``utf8``: its UTF-8 form, when it was decoded from that."""
    if "\x00" in text:
        return True
    if text.isprintable() or not _has_controls(text, utf8):
        return False
    return len(_CONTROLS.findall(text)) > MAX_CONTROL_SHARE * max(len(text), 1)


def _binary_evidence(data: bytes, decoded: tuple[str, str] | None) -> str:
    """What made a file binary, for its message: where its first NUL is, or how many
    control characters it holds and where the first is (a line number, as decoded)."""
    if decoded is None:  # a NUL byte, and no byte order mark
        said = f"a NUL byte at byte {data.find(0)}"
        if _looks_utf32(data):
            said += ("; three bytes in four are NUL, as in UTF-32 text without a byte order "
                     "mark: re-save it as UTF-8, or as UTF-32 with one")
        elif _looks_utf16(data):
            said += ("; every other byte is NUL, as in UTF-16 text without a byte order "
                     "mark: re-save it as UTF-8, or as UTF-16 with one")
        return said
    encoding, text = decoded
    found = text.find("\x00")
    if found < 0:
        first = _CONTROLS.search(text)
        found = first.start() if first is not None else 0
        count = len(_CONTROLS.findall(text))
        what = (f"{count} control characters in {len(text)}, over "
                f"{MAX_CONTROL_SHARE:.0%}; the first, U+{ord(text[found]):04X},")
    else:
        what = "a NUL character"
    line = text.count("\n", 0, found) + 1
    return f"{what} on line {line} as {encoding} reads it"


def _looks_utf32(data: bytes) -> bool:
    """Whether NULs fill (nearly) three bytes in four of ``data``, as in ASCII-range text
    in UTF-32, little- or big-endian: each character's one non-NUL byte in one place."""
    sample = data[:4096]
    if len(sample) < 8:
        return False
    quarters = [sample[i::4] for i in range(4)]
    zeros = sorted(quarter.count(0) / len(quarter) for quarter in quarters)
    return zeros[0] <= 0.1 and zeros[1] >= 0.9


def _looks_utf16(data: bytes) -> bool:
    """Whether NULs fill (nearly) every other byte of ``data`` and no other: ASCII-range
    text in UTF-16, little- or big-endian."""
    sample = data[:4096]
    if len(sample) < 4:
        return False
    halves = (sample[0::2], sample[1::2])
    zeros = [half.count(0) / len(half) for half in halves]
    return max(zeros) >= 0.9 and min(zeros) <= 0.1


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
#: Characters of a candidate decoding that are judged (enough to tell code pages apart).
_JUDGED_CHARS = 65536
_LANGUAGE_SAMPLE = 1500
#: Characters of each candidate glanced at to choose the order candidates are judged in.
_PROBE_CHARS = 1000
#: Scripts told apart when judging a word (first word of a letter's Unicode name). East
#: Asian scripts mix within one word, so they count as one; other letters (``ª``, ``µ``)
#: belong to no script here.
_SCRIPTS = {
    "LATIN": "LATIN", "CYRILLIC": "CYRILLIC", "GREEK": "GREEK", "ARABIC": "ARABIC",
    "HEBREW": "HEBREW", "ARMENIAN": "ARMENIAN", "GEORGIAN": "GEORGIAN", "THAI": "THAI",
    "CJK": "CJK", "HIRAGANA": "CJK", "KATAKANA": "CJK", "HANGUL": "CJK", "BOPOMOFO": "CJK",
    "HALFWIDTH": "CJK", "FULLWIDTH": "CJK", "IDEOGRAPHIC": "CJK",
}
#: Non-letters that may sit between two letters: apostrophes, hyphens, the Catalan l·l, and
#: East Asian punctuation (those languages put no spaces between words).
_BETWEEN_LETTERS = frozenset("'’‐‑–—·・")
#: Non-letters that may touch a letter on one side: quotes, marks and common symbols
#: (the numero sign too: Russian writes ``Приказ№123`` as well as ``Приказ №123``).
_BESIDE_LETTERS = _BETWEEN_LETTERS | frozenset("«»“”„‘‚‹›…¡¿™®©°€£¥¢§¶†‡•‰±×÷²³¹¼½¾¬№")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
#: A non-ASCII character right after a letter: inside a word, not at its start.
_INNER_NON_ASCII = re.compile(r"(?<=[^\W\d_])[^\x00-\x7f]")
_ASCII_LETTERS = string.ascii_letters.encode()
_ASCII_UPPER = string.ascii_uppercase.encode()
#: Categories that no typed text holds: private use, unassigned and control characters.
_NEVER_IN_TEXT = frozenset({"Co", "Cn", "Cc"})


@cache
def _script(char: str) -> str:
    """The script of a letter (``LATIN``, ``CYRILLIC``, ``CJK``...), or ``""`` if none."""
    return _SCRIPTS.get(unicodedata.name(char, "").split(" ", 1)[0], "")


def _east_asian_punctuation(char: str) -> bool:
    return "\u3000" <= char <= "\u303f" or "\uff00" <= char <= "\uffef"


def _implausible_word(word: str) -> bool:
    """A word no one types: mixed scripts (``naпve``), a case flip (``пРХБЕР``), a control or
    private-use character, or an odd symbol touching a letter (``Za¿ó³æ``, ``╚ЯОЮ``).

    The verdict depends on the word alone, and the words of a text recur (each candidate
    decoding of a file is judged, then the winner once more), so short words are judged
    once per process (:data:`_VERDICTS`).
    """
    verdict = _VERDICTS.get(word)
    if verdict is None:
        verdict = _judge_word(word)
        if len(word) <= _MEMO_WORD_CHARS:
            if len(_VERDICTS) >= _MEMO_WORDS:
                _VERDICTS.clear()  # a bound of a few MB; a verdict judged again is the same
            _VERDICTS[word] = verdict
    return verdict


def _odd_words(words: Iterable[str]) -> list[str]:
    """The implausible words among ``words`` that are not ASCII (an ASCII word never is):
    ``[w for w in words if not w.isascii() and _implausible_word(w)]``, the remembered
    verdicts looked up in the loop (a text's words are most of the time spent judging a
    code page, and nearly all of them are remembered)."""
    known = _VERDICTS.get
    odd = []
    for word in words:
        if word.isascii():
            continue
        verdict = known(word)
        if verdict is None:
            verdict = _implausible_word(word)
        if verdict:
            odd.append(word)
    return odd


def _judge_word(word: str) -> bool:
    """:func:`_implausible_word`, judged afresh."""
    if len({_script(c) for c in word if c.isalpha()} - {""}) > 1:
        return True
    for before, after in pairwise(word):
        if before.isalpha() and after.isalpha() and before.islower() and after.isupper():
            return True
    last = len(word) - 1
    for i, char in enumerate(word):
        if char.isascii() or char.isalpha():
            continue
        category = unicodedata.category(char)
        if category in _NEVER_IN_TEXT:
            return True
        if category[0] == "M" or _east_asian_punctuation(char):
            continue
        left = i > 0 and word[i - 1].isalpha()
        right = i < last and word[i + 1].isalpha()
        if (category[0] in "PS" or category == "No") and "CJK" in (
                _script(word[i - 1]) if i > 0 else "", _script(word[i + 1]) if i < last else ""):
            # 计划”为: Chinese and Japanese put quotes and stops between words, and signs
            # and numbers (①名前, ※注意) beside them: their text has no spaces, and one
            # such character made a whole paragraph one implausible word.
            continue
        if left and right and char not in _BETWEEN_LETTERS:
            return True
        if (left or right) and char not in _BESIDE_LETTERS:
            return True
    return False


#: Words up to _MEMO_WORD_CHARS characters long whose verdicts are remembered, up to
#: _MEMO_WORDS of them (a bound of a few MB: longer words are rare and judged each time).
_MEMO_WORD_CHARS = 48
_MEMO_WORDS = 1 << 15
_VERDICTS: dict[str, bool] = {}


def _mostly_capitals(letters: Counter[str]) -> bool:
    """Whether at least four of ``letters`` (characters, counted) are capitals or small
    letters, and more than half of those capitals."""
    cased = sum(n for c, n in letters.items() if c.isupper() or c.islower())
    return cased >= 4 and 2 * sum(n for c, n in letters.items() if c.isupper()) > cased


def _implausibility(text: str, words: list[str], odd: int) -> int:
    """How many non-ASCII words of ``text`` look like a wrong code page (0 is best), given
    those ``words`` (in order) and how many of them are ``odd`` (implausible)."""
    count = odd
    ascii_text = text.encode("ascii", "ignore")
    plain = len(ascii_text) - len(ascii_text.translate(None, _ASCII_LETTERS))
    plain_upper = len(ascii_text) - len(ascii_text.translate(None, _ASCII_UPPER))
    counted = Counter(_NON_ASCII.findall(text))
    non_ascii = counted.items()  # each distinct character once
    accented = sum(n for c, n in non_ascii if c.isalpha() and _script(c) == "LATIN")
    if accented >= 4 and accented * 4 > (plain + accented) * 3:
        # Latin-script languages write most letters in ASCII; text where three in four
        # letters are accented is another script read in a Latin code page.
        count += len(words)
    if plain >= 4 and 2 * plain_upper < plain and _mostly_capitals(counted) \
            and _mostly_capitals(Counter(_INNER_NON_ASCII.findall(text))):
        # Mostly capital non-ASCII letters in lower-case text, inside words too: KOI8-R
        # read as cp1251 or back (each swaps the other's capitals and small letters). The
        # capitals that start words are no sign: the titles of French text in a Latin
        # code page ("État de l'Économie") had it refused.
        count += len(words)
    return count


class _Judgement(NamedTuple):
    """A candidate decoding as it is judged: its first :data:`_JUDGED_CHARS` characters as
    normalization's fix-encoding step will leave them, and the verdicts on their words
    (each word is judged once, for both the ranking and :func:`_plausible`)."""

    text: str
    implausibility: int
    #: Characters of the words holding non-ASCII characters, and of the implausible ones.
    word_chars: int
    odd_chars: int
    words: int


def _assess(judged: str) -> _Judgement:
    """The verdicts on ``judged``, a candidate's text as fix-encoding leaves it."""
    words = [word for word in judged.split() if not word.isascii()]
    odd = _odd_words(words)
    return _Judgement(judged, _implausibility(judged, words, len(odd)), sum(map(len, words)),
                      sum(map(len, odd)), len(words))


def _judge(text: str, repairs: Repairs | None = None) -> _Judgement:
    # Mojibake (UTF-8 read as cp1252, in a file mixing both) is repaired by normalize's
    # fix-encoding step; judge the text it will become. ``repairs``: lines repaired
    # already (by :func:`_more_implausible_than`, for the same file).
    return _assess(fix_encoding(text[:_JUDGED_CHARS], repairs))


def _plausible(judgement: _Judgement) -> bool:
    """Whether a legacy decoding reads as text, judged on its words holding non-ASCII
    characters: at most half of them (and of their characters) implausible.

    Mojibake that normalization repairs is not held against a decoding. Every byte is a
    character in KOI8-R, so any file without NUL bytes "decodes"; what
    comes out of noise is box drawing glued to letters of several scripts, refused here.
    """
    return (2 * judgement.implausibility <= judgement.words
            and 2 * judgement.odd_chars <= judgement.word_chars)


class _Reading(NamedTuple):
    """The chosen legacy decoding; ``judgement`` is ``None`` when it was the only candidate
    (nothing was judged to choose it)."""

    encoding: str
    text: str
    judgement: _Judgement | None


def _language_fit(text: str, encoding: str) -> float:
    """Probability that the non-ASCII lines of ``text`` are in a language of ``encoding``."""
    return _language_fits(text, encoding)[0]


@lru_cache(maxsize=16)  # a file's readings are ranked, then the chosen one looked at again
def _language_fits(text: str, encoding: str) -> tuple[float, float]:
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


def _more_implausible_than(text: str, bound: int, repairs: Repairs | None = None) -> bool:
    """Whether ``text`` as fix-encoding will leave it surely has more than ``bound``
    implausible words (``False`` means: perhaps not).

    The words of a line count as fix-encoding will leave the line. Fix-encoding works line
    by line: it hands a line to ftfy only if the line is not ASCII and the whole text
    looks bad, and ftfy returns a line unchanged unless its badness pattern matches there.
    Implausibility never subtracts, so the implausible words of some lines, as they will
    be, are a lower bound. First the lines no repair can change are counted; then, if
    that is not enough, the lines that hold implausible words and may be repaired, each
    repaired as fix-encoding will repair it (:func:`~corpuskit.normalize.fix_encoding_line`).
    A decoding that reads as noise usually shows more implausible words in its first
    lines than the best one so far has in all, and is dropped without repairing and
    judging all of it: Chinese read as cp1252 looks bad on every line, and its first
    repaired line is enough. ``repairs``: lines repaired already, looked up and added to,
    so that a reading judged after all is not repaired twice.
    """
    count = 0
    repairable: list[tuple[str, int]] = []  # lines ftfy may change, and their odd words now
    for line in text.split("\n"):
        if line.isascii():
            continue
        odd = len(_odd_words(line.split()))
        if not odd:
            continue
        if looks_bad(line):
            repairable.append((line, odd))
            continue
        count += odd
        if count > bound:
            return True
    if not repairable:
        return False
    repaired = looks_bad(text)  # fix-encoding's own test: else it changes no line
    for line, odd in repairable:
        count += (len(_odd_words(fix_encoding_line(line, repairs).split())) if repaired
                  else odd)
        if count > bound:
            return True
    return False


def _judging_order(decodings: list[tuple[str, str]]) -> list[int]:
    """The candidates' indices in the order to judge them: fewest implausible words among
    the first :data:`_PROBE_CHARS` characters first, then the configured order.

    The order changes no result (the ranking is a minimum); judging the likely winner
    first lets :func:`_more_implausible_than` drop the others soonest.
    """
    def probe(order: int) -> tuple[int, int]:
        words = decodings[order][1][:_PROBE_CHARS].split()
        return len(_odd_words(words)), order

    return sorted(range(len(decodings)), key=probe)


def _candidates(data: bytes, encodings: tuple[str, ...]) -> list[tuple[str, str]]:
    """The distinct strict decodings of ``data`` (codec name, text), in configured order;
    of code pages decoding to the same text, the first is kept."""
    decodings: list[tuple[str, str]] = []
    for encoding in encodings:
        try:
            text = data.decode(encoding, errors="strict")
        except UnicodeDecodeError:
            continue
        if any(text == seen for _, seen in decodings):
            continue
        decodings.append((codecs.lookup(encoding).name, text))
    return decodings


def _best_legacy(data: bytes, encodings: tuple[str, ...]) -> _Reading | None:
    """The most plausible strict decoding among ``encodings`` (deterministic).

    Candidates are ranked by: fewest implausible words (mixed scripts, case flips, symbols
    between letters, accents everywhere), then the highest probability that the text is in
    a language its code page is made for, then the configured order. Candidates decoding
    to the same text are one candidate (the first code page is recorded). Each candidate is
    judged as normalization's fix-encoding step will leave it, so a file mixing UTF-8 with
    cp1252 reads as cp1252 (whose mojibake ftfy repairs), not as CJK (``L'茅t茅``).

    The ranking is exactly that minimum, computed lazily: a candidate shown to be more
    implausible than one already judged cannot win and is not judged in full, and the
    language fit (a language identification) is asked only of candidates tied on the
    fewest implausible words.
    """
    decodings = _candidates(data, encodings)
    if len(decodings) <= 1:
        return _Reading(*decodings[0], None) if decodings else None
    judged: dict[int, _Judgement] = {}
    fewest: int | None = None
    repairs: Repairs = {}  # the lines of this file's readings that ftfy repaired
    for order in _judging_order(decodings):
        text = decodings[order][1]
        if fewest is not None and _more_implausible_than(text[:_JUDGED_CHARS], fewest,
                                                         repairs):
            continue
        judgement = judged[order] = _judge(text, repairs)
        if fewest is None or judgement.implausibility < fewest:
            fewest = judgement.implausibility
    tied = [order for order, judgement in judged.items() if judgement.implausibility == fewest]
    winner = tied[0] if len(tied) == 1 else min(tied, key=lambda order: (
        -round(_language_fit(judged[order].text, decodings[order][0]), 6), order))
    return _Reading(*decodings[winner], judged[winner])


@cache
def _addable_code_pages() -> dict[str, str]:
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


def _suggested_code_page(data: bytes, configured: tuple[str, ...]) -> _Reading | None:
    """For a file that no configured code page reads as text: the best reading in a code
    page the configuration could add, if one reads as text (:func:`_readings_elsewhere`).
    Asked only of a file that is refused, so it costs a build nothing else."""
    readings = _readings_elsewhere(data, configured)
    return readings[0].reading if readings else None


def _readings_elsewhere(data: bytes, excluded: tuple[str, ...],
                        preferred: tuple[str, ...] = ()) -> list[_Evidence]:
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
    tried = {codecs.lookup(name).name for name in excluded}
    first = {codecs.lookup(name).name for name in preferred}
    others = sorted((name for name in _addable_code_pages() if name not in tried),
                    key=lambda name: (name not in first, not name.startswith("cp")))
    head = data
    if len(data) > _SUGGESTION_BYTES:
        cut = data.rfind(b"\n", 0, _SUGGESTION_BYTES) + 1
        head = data[:cut or _SUGGESTION_BYTES]
        others = [name for name in others if _decodes(data, name)]
    judged = [(order, _evidence(_Reading(encoding, text, None)))
              for order, (encoding, text) in enumerate(_candidates(head, tuple(others)))]
    plausible = [(order, found) for order, found in judged if _plausible(found.judgement)]
    plausible.sort(key=lambda item: (item[1].fit < _LIKELY, item[1].judgement.implausibility,
                                     -item[1].coherence, -round(item[1].top, 6), item[0]))
    return [found for _, found in plausible]


def _what_to_do(data: bytes, config: DecodeConfig) -> str:
    """The end of an undecodable file's message: the code page to add, if one reads the
    file as text, else the two ways out."""
    suggestion = _suggested_code_page(data, config.fallback_encodings)
    if suggestion is None:
        return "re-save it as UTF-8 or add its code page to decode.fallback_encodings"
    name = _addable_code_pages()[suggestion.encoding]
    return (f"in {name} it reads as {suggestion.text[:40]!r}: if that is its code page, add "
            f"\"{name}\" to decode.fallback_encodings in corpus.toml, or re-save it as UTF-8")


#: A reading whose letters fit a language this well (charset-normalizer's coherence, 0 to
#: 1) is not doubted on that ground. Legacy files of the benchmark corpus in cp1252,
#: cp1250, cp1251 and KOI8-R fit at 0.45 to 1; Hebrew read as cp1251 fits at 0.28.
#: Judged only over :data:`_SURE_CHARS` characters of non-ASCII words or more: a sentence
#: of Czech or Russian read right fits at 0.32 to 0.36.
_COHERENT = 0.4
#: At least this probability that a reading is in a language of its code page makes it one
#: that may win over the chosen reading; at most :data:`_NO_LANGUAGE` makes the chosen
#: one doubtful (Turkish read as cp1252: 0.0, in cp1254: 1.0).
_OWN_LANGUAGE = 0.9
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
#: Implausible words that make a reading worse than one with fewer: a word or two may be a
#: typed oddity ("Дом№5" in Russian); Greek read as cp1251 flips case in most words.
_MISTYPED = 3
#: The code pages of Chinese, Japanese and Korean (codec names), which are not judged by
#: their letters' frequencies (:func:`_coherence`).
_MULTIBYTE = frozenset(codecs.lookup(name).name for name in (
    "gb18030", "gbk", "gb2312", "big5", "cp950", "big5hkscs", "shift_jis", "cp932", "euc_jp",
    "shift_jisx0213", "euc_jisx0213", "euc_kr", "cp949"))


def _unsure(reading: _Reading) -> float:
    """Below what probability of its most probable language a reading is doubtful:
    :data:`_UNSURE`, or :data:`_UNSURE_CJK` in a code page of Chinese, Japanese or Korean,
    whose letters' fit cannot vouch for it."""
    return _UNSURE_CJK if reading.encoding in _MULTIBYTE else _UNSURE


def _coherence(text: str) -> float:
    """How well the letters of ``text`` fit the language whose letter frequencies they fit
    best (charset-normalizer's coherence ratio, 0 to 1; 0 for too few letters). It tells
    little of Chinese, Japanese and Korean (0 to 0.3, read right or not): a reading in one
    of their code pages (:data:`_MULTIBYTE`) is neither doubted nor beaten on it."""
    ratios = coherence_ratio(text[:_JUDGED_CHARS])
    return ratios[0][1] if ratios else 0.0


class _Evidence(NamedTuple):
    """What a legacy reading is judged on when another may be clearly better."""

    reading: _Reading
    judgement: _Judgement
    #: Probability that its text is in a language of its code page (:func:`_language_fit`),
    #: and in the most probable one of them.
    fit: float
    top: float
    #: How well its letters fit a language (:func:`_coherence`).
    coherence: float


def _evidence(reading: _Reading) -> _Evidence:
    judgement = reading.judgement or _judge(reading.text)
    return _Evidence(reading, judgement, *_language_fits(judgement.text, reading.encoding),
                     _coherence(judgement.text))


def _doubtful(reading: _Reading) -> _Evidence | None:
    """The evidence on a chosen legacy reading if it is doubtful (it has :data:`_MISTYPED`
    implausible words or more, it is in no language of its code page, or, over
    :data:`_SURE_CHARS` characters of non-ASCII words, its letters fit no language well or
    its most probable language is unsure), else None: the readings another may be clearly
    better than (:func:`_why_better`)."""
    judgement = reading.judgement or _judge(reading.text)
    coherence = _coherence(judgement.text)
    fit, top = _language_fits(judgement.text, reading.encoding)
    coherent = coherence >= _COHERENT or reading.encoding in _MULTIBYTE
    if judgement.implausibility < _MISTYPED and fit > _NO_LANGUAGE and (
            judgement.word_chars < _SURE_CHARS or (coherent and top >= _unsure(reading))):
        return None  # no reading could be clearly better (_why_better): none is looked for
    return _Evidence(reading, judgement, fit, top, coherence)


def _why_better(other: _Evidence, chosen: _Evidence) -> str | None:
    """Why reading ``other`` is clearly better than the ``chosen`` one, or None if it is
    not. It must be plausible, surely in one language of its code page (:data:`_SURE`),
    and have no more implausible words; then it is clearly better if the chosen one has
    :data:`_MISTYPED` implausible words or more and it has fewer (and its letters fit a
    language at least as well), or if the chosen one is in no language of its code page;
    and, over :data:`_SURE_CHARS` characters of non-ASCII words, if its letters fit a
    language much better, or no language of the chosen one's code page is probable."""
    if other.fit < _OWN_LANGUAGE or not _plausible(other.judgement) \
            or other.judgement.implausibility > chosen.judgement.implausibility:
        return None
    if other.top < _SURE:
        return None
    odd = chosen.judgement.implausibility
    if odd >= _MISTYPED and odd > other.judgement.implausibility \
            and other.coherence >= chosen.coherence:
        return f"{counted(odd, 'word')} in it look mistyped"
    if chosen.fit <= _NO_LANGUAGE:
        return f"that is in no language {chosen.reading.encoding} is made for"
    if chosen.judgement.word_chars < _SURE_CHARS:
        return None  # too little text for the letters' fit, or one language's probability
    if other.coherence >= chosen.coherence + _COHERENCE_MARGIN \
            and not {chosen.reading.encoding, other.reading.encoding} & _MULTIBYTE:
        return "its letters are not those of a language"
    if chosen.top < _unsure(chosen.reading):
        return f"no language {chosen.reading.encoding} is made for fits it well"
    return None


def _second_look(data: bytes, reading: _Reading, config: DecodeConfig) -> _Reading:
    """The chosen legacy ``reading``, or a clearly better one (:func:`_why_better`) in a
    configured code page; raises :class:`ValueError` with the message's end if the clearly
    better one is in a code page the configuration could add. Asked of doubtful readings
    only (:func:`_doubtful`), so the files of a corpus whose code pages are right cost one
    coherence ratio and one language identification more."""
    chosen = _doubtful(reading)
    if chosen is None:
        return reading
    for better in _readings_elsewhere(data, (reading.encoding,), config.fallback_encodings):
        why = _why_better(better, chosen)
        if why is not None:
            break
    else:
        return reading
    other = better.reading
    configured = {codecs.lookup(name).name for name in config.fallback_encodings}
    if other.encoding in configured:
        return _Reading(other.encoding, data.decode(other.encoding), None)
    name = _addable_code_pages()[other.encoding]
    raise ValueError(
        f"{reading.encoding} reads it as {reading.text[:40]!r}, but {why}; in {name} it reads "
        f"as {other.text[:40]!r}: if that is its code page, add \"{name}\" to "
        "decode.fallback_encodings in corpus.toml, or re-save it as UTF-8")


def _not_utf8(data: bytes, start: int) -> str:
    """That ``data`` is not UTF-8, and where: the first byte that is not, and its line
    (a file of 50 MB with one Latin-1 byte was refused with no hint of where it was)."""
    line = data.count(b"\n", 0, start) + 1
    return f"not valid UTF-8 (byte {start:,}, on line {line:,}, is {data[start:start + 1]!r})"


def decode(raw: RawDocument, config: DecodeConfig) -> Decoded:
    """Decode one document or raise :class:`DocumentProblem` naming it."""
    data = raw.data
    if not data or data.isspace():  # data.strip() without a copy of the data
        raise DocumentProblem(Problem(raw.path, "empty-document",
                                      "the file is empty or only whitespace; remove it or "
                                      "add text"))
    decoded: tuple[str, str] | None = None
    legacy: _Reading | None = None
    for bom, name in BOMS:
        if data.startswith(bom):
            try:
                decoded = (name, decode_with(data, name))
            except UnicodeDecodeError as exc:
                raise DocumentProblem(Problem(
                    raw.path, "undecodable",
                    f"starts with a {name} byte order mark but is not valid {name} "
                    f"(byte {exc.start}); re-save it in one encoding")) from None
            break
    not_utf8 = "not valid UTF-8"
    if decoded is None and b"\x00" not in data:
        try:
            decoded = ("utf-8", data.decode("utf-8", errors="strict"))
        except UnicodeDecodeError as exc:
            not_utf8 = _not_utf8(data, exc.start)
            legacy = _best_legacy(data, config.fallback_encodings)
            if legacy is None:
                raise DocumentProblem(Problem(
                    raw.path, "undecodable",
                    f"{not_utf8}, nor in any of decode.fallback_encodings "
                    f"({', '.join(config.fallback_encodings)}); "
                    f"{_what_to_do(data, config)}")) from None
            decoded = (legacy.encoding, legacy.text)
    # A file that is UTF-8 as it is holds the text's UTF-8 form: no need to make it again.
    if decoded is None or _looks_binary(decoded[1], data if decoded[0] == "utf-8" else None):
        raise DocumentProblem(Problem(raw.path, "binary-file",
                                      f"holds binary data ({_binary_evidence(data, decoded)}), not "
                                      "text; remove it or exclude it with discover.exclude"))
    encoding, text = decoded
    if legacy is not None and not _plausible(legacy.judgement or _judge(text)):
        raise DocumentProblem(Problem(
            raw.path, "undecodable",
            f"{not_utf8}, and no code page of decode.fallback_encodings gives readable "
            f"text (the best, {encoding}, reads it as {text[:40]!r}); "
            f"{_what_to_do(data, config)}"))
    if legacy is not None:
        try:
            legacy = _second_look(data, legacy, config)
        except ValueError as doubt:
            raise DocumentProblem(Problem(raw.path, "undecodable",
                                          f"{not_utf8}, and {doubt}")) from None
        encoding, text = legacy.encoding, legacy.text
    if not text or text.isspace():
        raise DocumentProblem(Problem(raw.path, "empty-document",
                                      "the file holds only whitespace; remove it or add text"))
    return Decoded(text=text, encoding=encoding)
