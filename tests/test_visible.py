"""A document that shows nothing once normalized is refused, whatever invisible
characters it is made of (a file holding only a soft hyphen became a record)."""

from __future__ import annotations

import sys
import unicodedata
from itertools import pairwise
from pathlib import Path

import pytest
from conftest import make_seeds
from hypothesis import given, settings
from hypothesis import strategies as st

from corpuskit.build import build
from corpuskit.errors import InputError
from corpuskit.problems import one_line
from corpuskit.visible import BLANK_CATEGORIES, BLANK_GLYPHS, DEFAULT_IGNORABLE, shows_text

IGNORABLE = [chr(code) for first, last in DEFAULT_IGNORABLE for code in range(first, last + 1)]


def test_the_default_ignorable_table_is_sound() -> None:
    """Ranges in order, apart, and none holding a character that is drawn in its own
    right (a letter, number, punctuation or symbol), apart from the fillers Unicode
    lists: Hangul fillers (Lo) are the only letters; marks are the variation selectors,
    the combining grapheme joiner and the two Khmer inherent vowels."""
    assert all(a[1] < b[0] for a, b in pairwise(DEFAULT_IGNORABLE))
    letters = {char for char in IGNORABLE if unicodedata.category(char)[0] in "LNPS"}
    assert letters == {"\u115f", "\u1160", "\u3164", "\uffa0"}
    marks = {char for char in IGNORABLE if unicodedata.category(char)[0] == "M"}
    assert "\u034f" in marks and "\ufe0f" in marks and "\U000e0100" in marks
    assert all(unicodedata.category(char) in {"Mn", "Cf", "Cn", "Lo"} for char in IGNORABLE)


@pytest.mark.parametrize("char", sorted({
    *(chr(end) for bounds in DEFAULT_IGNORABLE for end in bounds),
    "\u00ad", "\u034f", "\u3164", "\ufe0f", "\u200d", "\u200e", "\u2028",
    "\u3000", "\x85", "\x1f", "\U000e0001", *BLANK_GLYPHS, "\u115f", "\uffa0",
}))
def test_a_text_of_one_invisible_character_shows_nothing(char: str) -> None:
    assert not shows_text(f"{char}\n{char}{char} \n")


@pytest.mark.parametrize("text", [
    "a", " \u00ad.", "\u200b\u4e2d", "\u0301", "\u2801", "\ue000", "\u0378", "\U0001f600",
    "\u00ad" * 1000 + "é", "\u3164\u1100", "\u2800\u2801", "\U0001d158",
])
def test_a_text_with_one_drawn_character_shows_text(text: str) -> None:
    assert shows_text(text)


def test_every_category_outside_the_blank_ones_shows() -> None:
    """One character of each category that is drawn (or may be: private use, unassigned)."""
    seen: dict[str, str] = {}
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        seen.setdefault(unicodedata.category(char), char)
    for category, char in seen.items():
        if category in BLANK_CATEGORIES:
            assert not shows_text(char), category
        elif char not in IGNORABLE and char not in BLANK_GLYPHS:
            assert shows_text(char), category


def _plain_shows_text(text: str) -> bool:
    """The module doc's definition, a character at a time: the one shows_text's fast
    paths (its first character, then any printable ASCII one) are held to."""
    return any(char not in IGNORABLE and char not in BLANK_GLYPHS
               and unicodedata.category(char) not in BLANK_CATEGORIES for char in text)


#: Characters of every kind a text may begin with: drawn ones of several scripts, the
#: invisible ones, whitespace, controls, surrogates, blank glyphs, and any at all.
_FIRST_CHARACTERS = st.one_of(
    st.sampled_from([*IGNORABLE[:64], *BLANK_GLYPHS, "\u3164", "\uffa0", " ", "\n", "\t",
                     "\x00", "\x7f", "\x85", "\xa0", "\u2028", "\u3000", "\ud800", "\udfff",
                     "a", "!", "~", "\u201c", "\u0416", "\u4e2d", "\u0301", "\ue000",
                     "\u0378", "\U0001f600", "\U000e0001"]),
    st.characters())


@settings(max_examples=500, deadline=None)
@given(st.lists(_FIRST_CHARACTERS, max_size=6), st.text(max_size=20))
def test_shows_text_is_its_definition(start: list[str], rest: str) -> None:
    text = "".join(start) + rest
    assert shows_text(text) == _plain_shows_text(text)
    assert shows_text(text[:1]) == _plain_shows_text(text[:1])


def test_the_blank_glyphs_are_symbols_unicode_marks_neither_blank_nor_ignorable() -> None:
    """U+2800 BRAILLE PATTERN BLANK passed as a title (QA): Unicode gives the blank glyphs
    no property that says they show nothing (hence the list), and a message escapes them,
    as it does U+00A0, instead of showing a space."""
    for char in BLANK_GLYPHS:
        assert unicodedata.category(char) == "So" and not char.isspace(), hex(ord(char))
        assert char not in IGNORABLE, hex(ord(char))
    assert one_line("a\u2800b") == "a\\u2800b"
    assert one_line("a\U0001d159b") == "a\\U0001d159b"
    assert one_line("a\u00a0b") == "a\\xa0b"


@pytest.mark.parametrize("content", [
    "\u00ad\n", "\u2060\u00ad\n", "\u200e\u200f\n", "\u3164\n", "\ufe0f\ufe0f\n",
    "\u034f\n\n\u00ad\n", "\u2800\u2800\n\u2800\n",
])
def test_a_file_of_invisible_characters_is_refused(tmp_path: Path, content: str) -> None:
    seeds = make_seeds(tmp_path, {"good.txt": "Some text.\n", "blank.txt": content})
    with pytest.raises(InputError) as refused:
        build(seeds, tmp_path / "out", jobs=1)
    [problem] = refused.value.problems
    assert (problem.path, problem.code) == ("blank.txt", "empty-document")
    assert "remove it or add text" in problem.message
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_kept_invisible_characters_are_refused_too(tmp_path: Path) -> None:
    """With remove-zero-width skipped, a file of zero-width spaces still shows nothing."""
    overrides = {"normalize": {"skip": ["remove-zero-width"]}}
    seeds = make_seeds(tmp_path, {"good.txt": "Some text.\n", "zw.txt": "\u200b\u200b\n"},
                       overrides)
    with pytest.raises(InputError) as refused:
        build(seeds, tmp_path / "out", jobs=1)
    assert [(p.path, p.code) for p in refused.value.problems] == [("zw.txt", "empty-document")]
