"""The word and paragraph counts equal their definitions exactly, on any text."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from property_budget import examples

from corpuskit import counts
from corpuskit.counts import (
    ASCII_SPACE,
    MANY,
    WIDE_SPACE,
    count_many_utf8,
    count_paragraphs,
    count_paragraphs_utf8,
    count_words,
    count_words_utf8,
)

TOKEN = re.compile(r"\S+")


def words_by_definition(text: str) -> int:
    return len(TOKEN.findall(text))


def paragraphs_by_definition(text: str) -> int:
    return text.count("\n\n") + 1 if text.strip() else 0


#: Every whitespace character, and non-space characters that share UTF-8 bytes with the
#: wide spaces (same lead byte, same second byte, neighbouring code points).
ALPHABET = [*ASCII_SPACE, *WIDE_SPACE, "a", "Z", "é", "\x84", "\x86", "\x9f", "¡", "\u167f",
            "\u1681", "\u200b", "\u2019", "\u201c", "\u2027", "\u202a", "\u202e", "\u2030",
            "\u205e", "\u2060", "\u2fff", "\u3001", "\u3002", "中", "\U0001f600", "\x00"]


def test_whitespace_tables_are_python_whitespace() -> None:
    every = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert set(ASCII_SPACE) == {c for c in every if c.isascii()}
    assert set(WIDE_SPACE) == {c for c in every if not c.isascii()}
    assert all(re.fullmatch(r"\s", c) for c in every)  # the definition's \s is isspace()
    assert len(WIDE_SPACE) == len(set(WIDE_SPACE))


@settings(max_examples=examples(400))
@given(st.text(alphabet=st.sampled_from(ALPHABET), max_size=60))
def test_words_equal_the_definition(text: str) -> None:
    assert count_words(text) == words_by_definition(text)
    assert count_words_utf8(text.encode("utf-8")) == words_by_definition(text)


@settings(max_examples=examples(200))
@given(st.text(max_size=40))
def test_words_of_any_text(text: str) -> None:
    assert count_words(text) == words_by_definition(text)


@pytest.mark.parametrize("size", [1, 2, 3, 7])
def test_words_counted_in_slices(size: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Long texts are counted a slice at a time: words across slice ends count once."""
    monkeypatch.setattr(counts, "SLICE", size)

    @settings(max_examples=examples(150))
    @given(st.text(alphabet=st.sampled_from(ALPHABET), max_size=40))
    def agree(text: str) -> None:
        assert count_words(text) == words_by_definition(text)

    agree()
    for text in ("a b", "ab  cd", " abc def ", "a\u3000b", "é" * 9, "a" * 20 + " b"):
        assert count_words(text) == words_by_definition(text), text


def test_words_of_text_with_lone_surrogates() -> None:
    text = "one \ud800 two\udfff three"
    assert count_words(text) == words_by_definition(text) == 4


@settings(max_examples=examples(300))
@given(st.text(alphabet=st.sampled_from(["\n", " ", "a", "\u3000", "\x0b"]), max_size=30))
def test_paragraphs_equal_the_definition(text: str) -> None:
    assert count_paragraphs(text) == paragraphs_by_definition(text)


@settings(max_examples=examples(300))
@given(st.text(alphabet=st.sampled_from(["\n", " ", "a", "\u3000", "\x1c", "\x0b", "é"]),
               max_size=30))
def test_paragraphs_of_the_utf8_bytes_equal_the_definition(text: str) -> None:
    encoded = text.encode("utf-8")
    assert count_paragraphs_utf8(encoded, count_words_utf8(encoded)) == \
        paragraphs_by_definition(text)


@pytest.mark.parametrize("text", ["a\n\n\nb\n\n\n\nc\n", "\n\n" * 9, "a" + "\n\n" * 9])
def test_paragraphs_of_long_utf8_texts_are_counted_alike(
        text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    encoded = text.encode("utf-8")
    short = count_paragraphs_utf8(encoded, count_words_utf8(encoded))
    monkeypatch.setattr(counts, "SLICE", 4)
    assert count_paragraphs_utf8(encoded, count_words_utf8(encoded)) == short == \
        paragraphs_by_definition(text)


def counts_one_by_one(encoded: list[bytes]) -> tuple[list[int], list[int]]:
    words = [count_words_utf8(text) for text in encoded]
    return words, list(map(count_paragraphs_utf8, encoded, words))


#: Texts made of every whitespace character and its UTF-8 neighbours, of LFs in runs of one
#: to four (a run of three or more is counted text by text), of texts of one character.
MANY_TEXTS = st.lists(st.lists(st.sampled_from([*ALPHABET, "\n\n", "\n\n\n"]), max_size=30)
                      .map("".join), min_size=MANY, max_size=MANY + 40)


@settings(max_examples=examples(300))
@given(MANY_TEXTS)
def test_many_texts_are_counted_as_one_by_one(texts: list[str]) -> None:
    encoded = [text.encode("utf-8") for text in texts]
    words, paragraphs = count_many_utf8(encoded)
    assert (words, paragraphs) == counts_one_by_one(encoded)
    assert words == [words_by_definition(text) for text in texts]
    assert paragraphs == [paragraphs_by_definition(text) for text in texts]


@settings(max_examples=examples(200))
@given(MANY_TEXTS.map(lambda texts: [re.sub("\n{3,}", "\n\n", text) for text in texts]))
def test_many_texts_without_three_lfs_in_a_row_are_counted_as_one_by_one(
        texts: list[str]) -> None:
    """Pairs of LFs are counted in one pass over the block when no text has three."""
    encoded = [text.encode("utf-8") for text in texts]
    assert count_many_utf8(encoded) == counts_one_by_one(encoded)


@pytest.mark.parametrize("space", [*ASCII_SPACE, *WIDE_SPACE])
@pytest.mark.parametrize("where", ["start", "middle", "end", "alone", "twice"])
def test_many_texts_find_each_space_wherever_it_is(space: str, where: str) -> None:
    """Each whitespace character splits words (and each wide space is told apart from
    the characters that share its first bytes) at a text's start, middle and end, and
    between texts: the neighbours of a text never join its words."""
    body = {"start": space + "ab cd", "middle": "ab" + space + "cd", "end": "ab cd" + space,
            "alone": space, "twice": "é" + space + space + "\u2019"}[where]
    texts = [body, "\u2030x", body + "\n\n" + body, "", "\u200bq\u3001"] * (MANY // 4)
    encoded = [text.encode("utf-8") for text in texts]
    assert count_many_utf8(encoded) == counts_one_by_one(encoded)
    assert count_many_utf8(encoded)[0][:3] == [words_by_definition(text) for text in texts[:3]]


@settings(max_examples=examples(60))
@given(st.lists(st.lists(st.sampled_from([*ALPHABET, "\n\n", "\n\n\n"]), min_size=1,
                         max_size=200).map("".join), min_size=1, max_size=4))
def test_a_few_large_texts_are_counted_with_numpy_as_one_by_one(texts: list[str]) -> None:
    """Few texts holding MANY_BYTES or more take numpy's way once numpy is loaded (as in
    validate's workers), and count as one by one."""
    import numpy  # noqa: F401  (loaded, as load_many loads it before workers fork)

    encoded = [(text * (1 + counts.MANY_BYTES // len(text))).encode("utf-8") for text in texts]
    assert len(encoded) < counts.MANY and sum(map(len, encoded)) >= counts.MANY_BYTES
    expected = counts_one_by_one(encoded)
    one_by_one = counts.count_words_utf8

    def not_one_by_one(text: bytes) -> int:
        raise AssertionError("counted text by text")

    counts.count_words_utf8 = not_one_by_one  # type: ignore[assignment]
    try:
        assert count_many_utf8(encoded) == expected
    finally:
        counts.count_words_utf8 = one_by_one


def test_few_texts_are_counted_one_by_one_without_numpy() -> None:
    encoded = [b"a b", b"\xc2\xa0c", b"d\n\ne\n"]
    assert count_many_utf8(encoded) == ([2, 1, 2], [1, 1, 2]) == counts_one_by_one(encoded)
    assert count_many_utf8([]) == ([], [])


def test_a_text_over_a_slice_is_counted_alone_among_many(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A text longer than SLICE is counted a slice at a time, not in the block (whose numpy
    arrays would be several times its size): the same counts, and the block holds only
    the short texts."""
    monkeypatch.setattr(counts, "SLICE", 4096)
    long_text = ("Zwei Wörter\u3000und\n\ndrei\u2003Wörter. " * 400).encode("utf-8")
    short = [f"text {n}\n\nits second paragraph".encode() for n in range(MANY + 3)]
    encoded = [short[0], long_text, *short[1:], long_text[:100]]
    blocks: list[int] = []
    original = counts.count_many_utf8

    def recorded(texts: list[bytes]) -> tuple[list[int], list[int]]:
        blocks.append(max(map(len, texts)))
        return original(texts)

    monkeypatch.setattr(counts, "count_many_utf8", recorded)
    assert counts.count_many_utf8(encoded) == counts_one_by_one(encoded)
    assert blocks[0] == len(long_text) and max(blocks[1:]) <= counts.SLICE


@pytest.mark.parametrize("longest", [counts.SHORT_TEXT - 1, counts.SHORT_TEXT,
                                     counts.SHORT_TEXT + 1, 140_001])
def test_words_summed_in_16_bits_only_where_no_text_can_overflow_them(longest: int) -> None:
    """A block's word starts are summed in 16 bits where every text is SHORT_TEXT bytes or
    shorter (at most 0xFFFF words each), else in 32: texts of one-letter words as long as
    that bound, and past it (70,001 words, which 16 bits would wrap), at the block's start,
    middle and end, count as one by one."""
    import numpy  # noqa: F401  (loaded, as in validate's workers)

    dense = ("a " * longest)[:longest].encode("utf-8")
    short = [f"text {n}\n\nits second paragraph".encode() for n in range(MANY)]
    for encoded in ([dense, *short], [*short[:9], dense, *short[9:]], [*short, dense]):
        assert count_many_utf8(encoded) == counts_one_by_one(encoded)
    assert count_many_utf8([dense, *short])[0][0] == (longest + 1) // 2


#: Texts of every whitespace character and its UTF-8 neighbours, of runs of LFs, of spaces
#: (where a long text is cut) and of runs without any.
LONG_TEXTS = st.lists(st.sampled_from([*ALPHABET, "\n\n", "\n\n\n", " ", "xyzxyzxyz"]),
                      max_size=120).map("".join)


@settings(max_examples=examples(300))
@given(LONG_TEXTS, st.integers(min_value=4, max_value=40), st.integers(min_value=1,
                                                                        max_value=24))
def test_a_long_text_is_counted_in_pieces_as_by_the_definition(
        text: str, slice_bytes: int, window: int) -> None:
    """A text over SLICE bytes is counted a piece at a time, cut at spaces (or whole, where
    the window before a cut holds none): the counts of the definitions, whatever the
    slice and the window."""
    encoded = text.encode("utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(counts, "SLICE", slice_bytes)
        patch.setattr(counts, "CUT_WINDOW", window)
        assert counts._long_text_counts(encoded) == (words_by_definition(text),
                                                     paragraphs_by_definition(text))


def test_a_long_text_is_cut_into_pieces_of_a_slice_at_most_before_spaces(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each piece is at most SLICE bytes and each after the first starts at a space, where
    the words of two pieces cannot join; LFs in runs of three (counted without overlap) and
    wide spaces are counted as in the whole text."""
    monkeypatch.setattr(counts, "SLICE", 64)
    text = "Zwei Wörter\u3000und\n\n\ndrei\u2003Wörter.\n\n" * 40
    encoded = text.encode("utf-8")
    pieces: list[bytes] = []
    original = counts._block_counts

    def recorded(texts: list[bytes], longest: int) -> tuple[list[int], list[int] | None]:
        pieces.extend(texts)
        return original(texts, longest)

    monkeypatch.setattr(counts, "_block_counts", recorded)
    assert counts._long_text_counts(encoded) == (words_by_definition(text),
                                                 paragraphs_by_definition(text))
    assert b"".join(pieces) == encoded and len(pieces) > len(encoded) // 64
    assert max(map(len, pieces)) <= 64
    assert all(piece.startswith(b" ") for piece in pieces[1:])


def test_a_long_text_without_a_space_to_cut_at_is_counted_whole(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """No space in the window before a cut: the text is counted a slice at a time by
    count_words_utf8, which needs no cut (its counts are the definition's)."""
    monkeypatch.setattr(counts, "SLICE", 16)
    monkeypatch.setattr(counts, "CUT_WINDOW", 8)
    text = "a\u3000" + "中" * 40 + "\n\n\nb c"
    monkeypatch.setattr(counts, "_block_counts", None)  # never called
    assert counts._long_text_counts(text.encode("utf-8")) == (words_by_definition(text),
                                                             paragraphs_by_definition(text))


def test_many_texts_count_a_long_one_in_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Among many texts, one over SLICE is counted by _long_text_counts, the others in one
    block; the counts are the definitions'."""
    monkeypatch.setattr(counts, "SLICE", 256)
    texts = [f"text {n}\n\nits second paragraph" for n in range(MANY)]
    texts[3] = "ein Wort\u00a0und\n\n\nnoch eins " * 30
    long_ones: list[bytes] = []
    original = counts._long_text_counts

    def recorded(encoded: bytes) -> tuple[int, int]:
        long_ones.append(encoded)
        return original(encoded)

    monkeypatch.setattr(counts, "_long_text_counts", recorded)
    assert count_many_utf8([text.encode("utf-8") for text in texts]) == (
        [words_by_definition(text) for text in texts],
        [paragraphs_by_definition(text) for text in texts])
    assert long_ones == [texts[3].encode("utf-8")]
