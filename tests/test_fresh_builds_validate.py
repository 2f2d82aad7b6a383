"""Every package a build writes passes ``validate``, whatever its metadata and documents hold.

validate compares the data card and croissant.json with what corpuskit writes for the
package, line by line and, where they differ, by their rendered structure
(:mod:`corpuskit.validation.card`, :mod:`corpuskit.validation.cardrender`). Markdown,
HTML or card-like lines in the description, a title, a keyword, a contributor or a
document's text are the user's, not forgeries: a description holding ``  Decoding: ...``
made a fresh build fail validate (found and fixed, 2026-12-05). This holds every fresh
build of such seeds to a clean report, for its folder and its zip.

Seeds that corpus.toml's checks refuse (a blank title, one that shows nothing) are
skipped: refusing them is tested where those checks are.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from property_budget import examples
from reliability_support import EPOCH

import corpuskit
from corpuskit.errors import InputError

#: Pieces of Markdown, HTML and of corpuskit's own card lines that metadata and texts are
#: made of, with plain words and characters that render alike (NBSP, a zero-width space,
#: a decomposed accent).
PIECES = ("#", "## ", "### Composition", "| a | b |", "|---|", "| Dates |", "*", "**", "_",
          "`", "```", "~~~", "<b>", "</b>", "<!--", "-->", "<details>", "[x]: http://e.org",
          "[x]", "(y)", "\\", "---", "===", "> ", "- ", "1. ", "    ", "&amp;", "&", "<", ">",
          "Decoding:", "  Decoding: utf-8", "* **License:** CC0-1.0", "License:", "Language",
          "Documents", "[^1]", "$", "{", "}", "'", '"', "https://x.org", "\u200b", "\u00a0",
          "é", "e\u0301", "中文", "word", "Title", "42", " ")


def _words(max_size: int) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(PIECES), min_size=1, max_size=max_size).map("".join)


def _line(max_size: int) -> st.SearchStrategy[str]:
    """One line: refused or not, corpus.toml's checks decide (a blank one is skipped)."""
    return _words(max_size).map(lambda text: text.strip() or "x")


def _lines(max_size: int) -> st.SearchStrategy[str]:
    """Text of several lines, a blank line, or an indented one, between the pieces."""
    breaks = st.sampled_from(("", "", "", "\n", "\n\n", "\n    "))
    return st.lists(st.tuples(_words(4), breaks).map("".join), min_size=1,
                    max_size=max_size).map(lambda text: "".join(text).strip() or "x")


@st.composite
def _seeds(draw: st.DrawFn) -> tuple[str, dict[str, str]]:
    """corpus.toml and the documents of seeds with Markdown everywhere a user may put it."""
    toml = json.dumps  # a TOML basic string is a JSON string (no control characters here)
    config = "\n".join([
        'name = "fresh"', f"title = {toml(draw(_line(6)))}", 'version = "1.0.0"',
        f"description = {toml(draw(_lines(8)))}",
        'licenses = [{ name = "CC-BY-4.0", '
        'path = "https://creativecommons.org/licenses/by/4.0/" }]',
        f'sources = [{{ title = {toml(draw(_line(4)))}, path = "https://example.org" }}]',
        f"keywords = [{toml(draw(_line(3)))}, {toml(draw(_line(2)))}]",
        f'contributors = [{{ title = {toml(draw(_line(3)))}, roles = ["author"] }}]', ""])
    documents = {}
    for number in range(draw(st.integers(1, 3))):
        paragraphs = draw(st.lists(_lines(6), min_size=1, max_size=3))
        documents[f"d{number}.txt"] = "\n\n".join([draw(_line(5)), *paragraphs]) + "\n"
    return config, documents


def _fresh_build_validates(tmp_path: Path, drawn: tuple[str, dict[str, str]]) -> None:
    config, documents = drawn
    case = Path(tmp_path) / f"case-{len(list(tmp_path.iterdir()))}"
    seeds = case / "seeds"
    seeds.mkdir(parents=True)
    (seeds / "corpus.toml").write_text(config, encoding="utf-8")
    for name, text in documents.items():
        (seeds / name).write_text(text, encoding="utf-8")
    out = case / "dist"
    try:
        result = corpuskit.build(seeds, out, jobs=1, source_date_epoch=EPOCH)
    except InputError:
        return  # refused by corpus.toml's checks (tested where they are)
    for target in (result.release, result.archive):
        report = corpuskit.validate(target)
        assert not report.problems, (target, config, documents, report.problems)


@settings(max_examples=examples(45), deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(drawn=_seeds())
def test_a_fresh_build_of_markdown_laden_seeds_validates(
        tmp_path: Path, drawn: tuple[str, dict[str, str]]) -> None:
    _fresh_build_validates(tmp_path, drawn)


@pytest.mark.fuzz
@settings(max_examples=1500, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(drawn=_seeds())
def test_a_fresh_build_of_markdown_laden_seeds_validates_deep(
        tmp_path: Path, drawn: tuple[str, dict[str, str]]) -> None:
    _fresh_build_validates(tmp_path, drawn)
