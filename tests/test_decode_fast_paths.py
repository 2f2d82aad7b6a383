"""The fast paths of decoding legacy code pages, each held to the plain computation it
stands for, over varied text: bytes or words a check skips could not have been found, a
pattern rewritten finds the same, one ranking shared is the one each check asked for, a
fit not asked could not have won (docs/performance.md, "Legacy code pages, each thing
once")."""

from __future__ import annotations

import re
from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from property_budget import examples

#: Characters the checks look for, and others: ASCII, Latin letters of Western and Central
#: Europe (capitals too), Cyrillic of several alphabets, Greek, Hebrew, Arabic, Chinese,
#: kana (small ones too), signs code pages read letters as, currencies, symbols, arrows,
#: marks, format characters, spaces and line breaks.
_ALPHABET = ("aZe0 \n\t-'.,\\" "éÉàŕľĽąśťŤŠšðýÐğş" "аЯјўєЃќЎ" "αΩ" "א׳" "ع" "中文" "あぃゃきアァ"
             "¨½¶×°¿¡¥£¤©®«»’…´·µ" "→÷☺" "\u0301\u200c\ufeff")
_TEXT = st.text(alphabet=_ALPHABET, max_size=80)
#: Bytes that begin the forms of UTF-8 that encode no character, continue them, or neither.
_BYTES = st.lists(st.one_of(st.integers(0, 255), st.integers(0x80, 0xBF),
                            st.sampled_from([0xC0, 0xC1, 0xE0, 0xED, 0xF0, 0xF4, 0xF5, 0xF7,
                                             0x8F, 0x90, 0x9F, 0xA0])),
                  max_size=24).map(bytes)
#: Lines of a file mixing such bytes, UTF-8 and cp1252.
_MIXED_BYTES = st.lists(st.one_of(_BYTES, _TEXT.map(lambda text: text.encode("utf-8")),
                                  _TEXT.map(lambda text: text.encode("cp1252", "replace"))),
                        max_size=5).map(b"".join)


# -- decode: a legacy file's bytes ----------------------------------------------------------

#: decode._ILL_FORMED as it was written first: one alternative a form.
_ILL_FORMED_PLAIN = re.compile(rb"[\xc0\xc1][\x80-\xbf]|\xe0[\x80-\x9f][\x80-\xbf]"
                               rb"|\xed[\xa0-\xbf][\x80-\xbf]|\xf0[\x80-\x8f][\x80-\xbf]{2}"
                               rb"|\xf4[\x90-\xbf][\x80-\xbf]{2}|[\xf5-\xf7][\x80-\xbf]{3}")


@settings(max_examples=examples(2000), deadline=None)
@given(_BYTES)
def test_ill_formed_utf8_found_as_before(data: bytes) -> None:
    from corpuskit.decoding.decode import _ILL_FORMED

    assert [(found.span(), found.group()) for found in _ILL_FORMED.finditer(data)] \
        == [(found.span(), found.group()) for found in _ILL_FORMED_PLAIN.finditer(data)]


@settings(max_examples=examples(1000), deadline=None)
@given(_MIXED_BYTES)
def test_utf8_beyond_ascii_counts_every_run(line: bytes) -> None:
    from corpuskit.decoding.decode import _UTF8_RUN, _utf8_beyond_ascii

    read = line.decode("utf-8", "replace")
    assert _utf8_beyond_ascii(read) == sum(len(run) - len(run.encode("ascii", "ignore"))
                                           for run in _UTF8_RUN.findall(read))


@settings(max_examples=examples(1000), deadline=None)
@given(_MIXED_BYTES)
def test_damaged_utf8_left_early_only_where_its_counts_say_none(data: bytes) -> None:
    """Where :func:`~corpuskit.decoding.decode._damaged_utf8` leaves early (fewer than two
    characters beyond ASCII read as UTF-8, no ED byte), its counts, as it takes them
    after, find no damaged UTF-8 either."""
    from corpuskit.decoding.decode import DAMAGED_UTF8_CHARACTERS, _damaged_utf8

    text = data.decode("utf-8", "surrogateescape")
    bad = len(data) - len(text.encode("utf-8", "ignore"))
    utf8 = len(text) - (len(data) - len(data.translate(None, bytes(range(0x80))))) - bad
    if utf8 >= DAMAGED_UTF8_CHARACTERS or b"\xed" in data:
        return
    read = data.decode("utf-8", "replace")
    forms = _ILL_FORMED_PLAIN.findall(data)
    places = read.count("\ufffd") - data.count(b"\xef\xbf\xbd") \
        - sum(len(form) - 1 for form in forms)
    halves = [form for form in forms if form[0] == 0xED]
    surrogates = bool(halves) and bad == 3 * len(halves)
    assert not bad or (not surrogates and utf8 < DAMAGED_UTF8_CHARACTERS * max(places, 1))
    assert _damaged_utf8(data, None) is None


# -- codepages: the language fit of tied readings ---------------------------------------------

@settings(max_examples=examples(1000), deadline=None)
@given(st.lists(st.sampled_from([0.0, 0.25, 0.5, 0.999999, 1.0]), min_size=2, max_size=6),
       st.randoms(use_true_random=False))
def test_most_fitting_is_the_minimum(fits: list[float], random: Random) -> None:
    from corpuskit.decoding.codepages import _most_fitting

    tied = list(range(len(fits)))
    random.shuffle(tied)  # (best_legacy's ties come in any order)
    asked: list[int] = []

    def fit(order: int) -> float:
        asked.append(order)
        return fits[order]

    assert _most_fitting(tied, fit) == min(tied, key=lambda order: (-fits[order], order))
    assert len(asked) == len(set(asked))


# -- plausibility: one ranking, one split, a text at a time -----------------------------------

@settings(max_examples=examples(500), deadline=None)
@given(_TEXT)
def test_words_beyond_ascii(text: str) -> None:
    from corpuskit.decoding.plausibility import words_beyond_ascii, words_of

    assert words_beyond_ascii(text) == tuple(word for word in words_of(text)
                                             if not word.isascii())


@settings(max_examples=examples(1000), deadline=None)
@given(st.lists(st.text(alphabet="aAéÉгАМФЦлЕДЯя-«", min_size=1, max_size=8), max_size=12))
def test_miscased_throughout_looks_only_at_words_with_capitals(words: list[str]) -> None:
    from corpuskit.decoding.plausibility import miscased_throughout

    capitals = {char for char in "".join(words) if char.isupper() and not char.isascii()}
    assert miscased_throughout(words, capitals) == miscased_throughout(words)


#: The characters whose presence a check asks of a text (:func:`holds_any`).
_ASKED: list[str] = ["ľĽ", "", "a", "ąęłśźżĄĘŁŚŹŻ", "šŠ", "ůŮěĚŕŔĺĹńŃ", "ąľśťŤŠ",
                     "ðÐþÞýÝğĞıİşŞţŢđĐ", "ђЂћЋјЈљЉњЊџЏѓЃќЌѕЅўЎєЄїЇґҐ",
                     "ゃゅょャュョぁぃぅぇぉゎァィゥェォヮ"]


@settings(max_examples=examples(500), deadline=None)
@given(_TEXT)
def test_holds_any_is_not_disjoint(text: str) -> None:
    from corpuskit.decoding.textholds import holds_any

    for characters in _ASKED:
        assert holds_any(text, characters) == (not frozenset(characters).isdisjoint(text))


def test_the_characters_asked_are_those_of_the_checks() -> None:
    from corpuskit.decoding.kanaspelling import _SMALL_KANA
    from corpuskit.decoding.misreadalone import _CYRILLIC_FEW_WRITE
    from corpuskit.decoding.plausibility import _FEW_WRITE

    for characters in (_SMALL_KANA, _CYRILLIC_FEW_WRITE, _FEW_WRITE):
        assert "".join(sorted(characters)) in {"".join(sorted(asked)) for asked in _ASKED}


#: Texts whose lines beyond ASCII the identifier ranks: two readings of one file alike in
#: their first characters, a text of ASCII lines only, Cyrillic, Central European.
_RANKED = [
    "Hello\nLe café est à côté de la gare, près de l'église.\n" * 20 + "déjŕ vu\n",
    "Hello\nLe café est à côté de la gare, près de l'église.\n" * 20 + "déjà vu\n",
    "only ASCII here\nand here\n",
    "Привет, мир! Это проверка.\nascii line\nЕщё одна строка.\n",
    "Příliš žluťoučký kůň úpěl ďábelské ódy. Zażółć gęślą jaźń.\n",
]


@pytest.mark.parametrize("text", _RANKED)
def test_one_ranking_serves_every_check(text: str) -> None:
    """Each check's fit or shares are those of its own ranking, as it asked before."""
    from corpuskit.decoding import centraleurope, plausibility
    from corpuskit.decoding.codepagelanguages import (
        _ASCII_LATIN,
        CODEPAGE_LANGUAGES,
        language_fits,
        lettered_fit,
        sample_fits,
    )
    from corpuskit.languageid.language import rank

    sample = "\n".join(line for line in text.splitlines() if not line.isascii())
    for encoding in ("cp1252", "cp1250", "cp1251", "gb18030", "mac-roman"):
        assert language_fits(text, encoding) == sample_fits(sample, encoding)
        languages = CODEPAGE_LANGUAGES.get(encoding)
        if languages is not None:
            assert lettered_fit(text, encoding) == sum(
                prob for lang, prob in rank(sample[:1500])
                if lang in languages and lang not in _ASCII_LATIN)
    assert plausibility._language_shares(text) == dict(rank(sample[:1500]))
    assert centraleurope._language_shares(text) == dict(rank(sample[:512]))


# -- the spelling of Central Europe's letters and of kana --------------------------------------

@settings(max_examples=examples(500), deadline=None)
@given(_TEXT)
def test_lone_letters_need_their_letters(text: str) -> None:
    from corpuskit.decoding.centraleurope import _LONE_LETTERS, _LONE_SIGN_LETTER, _NOT_CZECH_T

    assert "".join(sorted(_LONE_LETTERS)) in {"".join(sorted(asked)) for asked in _ASKED}
    if _LONE_LETTERS.isdisjoint(text):
        assert _LONE_SIGN_LETTER.search(text) is None and _NOT_CZECH_T.search(text) is None


@settings(max_examples=examples(1000), deadline=None)
@given(st.text(alphabet="aeio btn\n\t\\\ufeffůŮěĚŕŔĺĹńŃéà", max_size=60))
def test_misplaced_letters_as_in_every_word(text: str) -> None:
    from corpuskit.decoding.centralspelling import _LETTERS, _MISPLACED, misplaced_letter_words

    assert misplaced_letter_words(text) == [
        word for word in text.split()
        if not _LETTERS.isdisjoint(word) and _MISPLACED.search(word) is not None]


@settings(max_examples=examples(500), deadline=None)
@given(st.text(alphabet="あいうきしゃゅょぃゎアキャァ中 a", max_size=20))
def test_kana_misspelt_as_before(text: str) -> None:
    from corpuskit.decoding.kanaspelling import (
        _BEFORE_SMALL_Y,
        _SMALL_KANA,
        _SMALL_Y,
        _kana,
        misspells_kana,
    )

    previous = ""
    plain = False
    for char in text:
        if char in _SMALL_KANA and (not _kana(previous)
                                    or (char in _SMALL_Y and previous not in _BEFORE_SMALL_Y)):
            plain = True
            break
        previous = char
    assert misspells_kana(text) == plain


# -- misreadalone: the signs of a misread word --------------------------------------------------

def _word_signs_both_ways(text: str) -> tuple[object, object, list[str], list[str]]:
    """The first word sign of ``text``'s words and those showing it, found the fast way
    and with every test asked of every word; and the words with signs written between
    letters, both ways."""
    from corpuskit.decoding.misreadalone import (
        _WORD_SIGNS,
        _sign_beyond_ascii,
        _word_sign_words,
        _words_holding,
        _written_sign_between_letters,
    )
    from corpuskit.decoding.plausibility import words_beyond_ascii

    words = words_beyond_ascii(text)
    characters = {char for char in set("".join(words)) if not char.isascii()}
    plain = next(((what, found) for what, test, _ in _WORD_SIGNS
                  if (found := [word for word in words if test(word)])), None)
    written = [word for word in _words_holding(words, characters, _sign_beyond_ascii)
               if _written_sign_between_letters(word)]
    return (_word_sign_words(words, characters), plain, written,
            [word for word in words if _written_sign_between_letters(word)])


@settings(max_examples=examples(1500), deadline=None)
@given(_TEXT)
def test_word_signs_are_those_of_every_word_tested(text: str) -> None:
    fast, plain, written, every = _word_signs_both_ways(text)
    assert fast == plain and written == every


@pytest.mark.parametrize("text", [
    "t¨ent¨u n½uds Sada¶as", "представлениЯ hiĚnh", "هطçر 的α混色", "¥Sun´ £5",
    "¢à¥¬ï word", "抉△彃 右→左", "n°NOMBRE m×n ×", "ќўжаты ОДјю", "plain café à Paris",
])
def test_word_signs_of_misread_words(text: str) -> None:
    fast, plain, written, every = _word_signs_both_ways(text)
    assert fast == plain and written == every
