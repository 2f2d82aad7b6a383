"""The data card (README.md): a datasheet whose every number is measured and whose every
statement comes from corpus.toml; what the maintainer did not give is marked missing."""

from __future__ import annotations

import random
import re
import statistics
from collections import Counter
from dataclasses import asdict
from html import escape
from itertools import pairwise
from pathlib import Path

import orjson
import pytest
from _consumers import build_sample, sample
from hypothesis import given, settings
from hypothesis import strategies as st
from property_budget import examples

import corpuskit
from corpuskit.config import FAITHFUL_STEPS, parse_config
from corpuskit.engine import DocSummary
from corpuskit.markdowntext import code_span
from corpuskit.package import MISSING, CorpusStats, Lengths, bibtex

HEADINGS = [
    "# Dataset Card for Consumer sample corpus",
    "## Dataset Details",
    "### Dataset Description",
    "### Dataset Sources",
    "## Uses",
    "## Dataset Structure",
    "### Composition",
    "### Fields",
    "## Dataset Creation",
    "### Curation Rationale",
    "#### Data Collection and Processing",
    "#### Who are the source data producers?",
    "### Personal and Sensitive Information",
    "## Bias, Risks, and Limitations",
    "## Distribution and Rights",
    "## Maintenance",
    "## How to Verify and Load",
    "## Citation",
]


def card(package: Path) -> str:
    return (package / "README.md").read_text("utf-8")


def table_rows(text: str, header: str) -> dict[str, str]:
    """The rows of the Markdown table whose header line is ``header``."""
    lines = text.splitlines()
    start = lines.index(header) + 2
    rows: dict[str, str] = {}
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0].strip("`")] = cells[1]
    return rows


def test_sections_in_order() -> None:
    text = card(sample().release)
    positions = [text.index("\n" + heading + "\n") for heading in HEADINGS]
    assert positions == sorted(positions)


def test_composition_is_measured() -> None:
    package = sample().release
    text = card(package)
    records = list(corpuskit.load(package))
    languages = Counter(r.language for r in records)
    rows = table_rows(text, "| language | documents |")
    assert {k: int(v.split()[0]) for k, v in rows.items()} == dict(languages)
    dates = sorted(r.date for r in records if r.date)
    assert f"Dates: {dates[0]} to {dates[-1]}. Documents with a date: {len(dates)} of 6;" in text
    lengths = table_rows(text, "| characters per document | value |")
    chars = [r.chars for r in records]
    assert lengths["minimum"] == f"{min(chars):,}"
    assert lengths["maximum"] == f"{max(chars):,}"
    assert lengths["median"] == f"{statistics.median(chars):,.0f}"
    assert lengths["total"] == f"{sum(chars):,}"
    assert lengths["words (total)"] == f"{sum(r.words for r in records):,}"


def test_every_normalization_step_with_its_count() -> None:
    package = sample().release
    records = list(corpuskit.load(package))
    rows = table_rows(card(package), "| step | documents changed |")
    assert list(rows) == list(FAITHFUL_STEPS)
    for step, cell in rows.items():
        assert int(cell.split()[0]) == sum(step in r.normalization for r in records), step
    assert int(rows["line-endings"].split()[0]) == 1


def test_citation_names_version_and_content_hash() -> None:
    built = sample()
    text = card(built.release)
    bibtex = re.search(r"```bibtex\n(.*?)\n```", text, re.S)
    assert bibtex
    entry = bibtex.group(1)
    assert entry.startswith("@misc{consumersample_2_1_0,")
    assert "version = {2.1.0}" in entry
    assert built.content_hash in entry
    assert "author = {Example, Ada}" in entry and "year = {2023}" in entry


@pytest.mark.parametrize(("contributors", "author"), [
    ([{"title": "Smith and Sons"}], "{Smith and Sons}"),
    ([{"title": "Acme, Inc."}, {"title": "Ada Lovelace", "givenName": "Ada",
                                "familyName": "Lovelace"}], "{Acme, Inc.} and Lovelace, Ada"),
    ([{"title": "Ludwig van Beethoven", "givenName": "Ludwig",
       "familyName": "van Beethoven"}], "van Beethoven, Ludwig"),
    ([{"title": "Jo Bloggs", "organization": "Smith AND Jones"}], "Jo Bloggs"),
    ([{"title": "Team", "givenName": "Mary and Ann", "familyName": "Smith"}],
     "Smith, {Mary and Ann}"),
])
def test_citation_names_each_contributor_once(contributors: list[dict[str, str]],
                                              author: str) -> None:
    """BibTeX splits authors at " and " and a name at its comma: "Smith and Sons" was two
    authors, "Acme, Inc." one named Inc. Acme (QA). An organization (as Croissant tells
    one: no given or family name, no affiliation) is braced whole, a corporate author; a
    person is "Family, Given" when both are known."""
    config = parse_config({"name": "news", "title": "T", "version": "1.0.0",
                           "description": "News.", "licenses": [{"name": "CC0-1.0"}],
                           "sources": [{"title": "Wire"}], "contributors": contributors})
    [field] = re.findall(r"^  author = \{(.*)\},$", bibtex(config, "sha256:00"), re.M)
    assert field == author


def _printed(field: str) -> str:
    """What LaTeX prints of a BibTeX field corpuskit writes (its escapes undone; a brace
    pair BibTeX reads as a group prints nothing of itself)."""
    for written, char in ((r"\textasciitilde{}", "~"), (r"\textasciicircum{}", "^"),
                         (r"\textbackslash{}", "\\"), (r"\textbraceleft{}", "\x01"),
                         (r"\textbraceright{}", "\x02")):
        field = field.replace(written, char)
    assert not re.search(r"(?<!\\)[&%$#_]", field), field  # each special one escaped
    field = re.sub(r"\\([&%$#_])", r"\1", field)
    return field.replace("{", "").replace("}", "").replace("\x01", "{").replace("\x02", "}")


@pytest.mark.parametrize(("title", "printed"), [
    ("News & Views: 100% of {Reuters} #1 texts_v2 $5 ~ ^ back\\slash",
     "News & Views: 100% of Reuters #1 texts_v2 $5 ~ ^ back\\slash"),
    ("Braces { that do not } pair }", "Braces { that do not } pair }"),
])
def test_citation_prints_the_title_as_written(title: str, printed: str) -> None:
    """A title's LaTeX special characters went into the citation as they were: "News &
    Views" broke the entry, "100%" commented out the rest of its line; its braces were
    dropped, so "{Reuters}" lost the capital they keep (QA)."""
    config = parse_config({"name": "news", "title": title, "version": "1.0.0",
                           "description": "News.", "licenses": [{"name": "CC0-1.0"}],
                           "sources": [{"title": "Wire"}]})
    entry = bibtex(config, "sha256:00")
    [field] = re.findall(r"^  title = \{(.*)\},$", entry, re.M)
    assert _printed(field) == printed, field
    if "{Reuters}" in title:
        assert "{Reuters}" in field  # the group BibTeX keeps the case of
    config = parse_config({"name": "my_corpus", "title": "T", "version": "1.0.0",
                           "description": "News.", "licenses": [{"name": "CC0-1.0"}],
                           "sources": [{"title": "Wire"}]})
    [note] = re.findall(r"^  note = \{(.*)\}$", bibtex(config, "sha256:00"), re.M)
    assert note == r"corpuskit package my\_corpus-1.0.0, content hash sha256:00"  # (QA)


def test_missing_fields_are_marked_never_invented(tmp_path: Path) -> None:
    built = build_sample(tmp_path, contributors=False)
    text = card(built.release)
    assert f"- **Curated by:** {MISSING}" in text
    assert f"## Uses\n\n### Direct Use\n\n{MISSING}" in text
    assert f"## Bias, Risks, and Limitations\n\n{MISSING}" in text
    assert f"Contact: {MISSING}" in text
    assert "author =" not in text
    assert "task_categories" not in text


def test_seeds_card_marks_homepage_missing(tmp_path: Path) -> None:
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    built = corpuskit.build(seeds, tmp_path, jobs=1, cache=None)
    text = card(built.release)
    assert f"- **Homepage:** {MISSING}" in text
    assert "1 document," in text and "1 documents" not in text
    assert "LicenseRef-All-Rights-Reserved" in text
    assert "`datasets` reads `data/documents.parquet`" in text


def test_how_to_load_matches_the_package() -> None:
    text = card(sample().release)
    assert 'datasets.load_dataset("path/to/consumer-sample-2.1.0", split="train")' in text
    assert "corpuskit.load(" in text and "sha256sum -c manifest-sha256.txt" in text
    assert 'mlcroissant.Dataset(jsonld="croissant.json")' in text
    text_without = card(sample(parquet=False).release)
    assert "This package has no Parquet file" in text_without
    assert "pandas.read_parquet" not in text_without


def test_statistics_merged_shard_by_shard_equal_those_added_one_by_one() -> None:
    """Workers make each shard's statistics; the parent merges them in shard order. The
    result must be the statistics of every document added in order, whatever the split."""
    rng = random.Random(7)

    def summary(i: int) -> DocSummary:
        date = rng.choice([None, f"19{rng.randint(10, 99)}-0{rng.randint(1, 9)}-1{i % 10}"])
        return DocSummary(f"d{i}", rng.choice([None, "T"]), date, rng.choice(["en", "de", "und"]),
                          rng.choice([None, "CC0"]), rng.randint(0, 5000), rng.randint(0, 900),
                          f"d{i}.txt", rng.randint(1, 9000), "0" * 64,
                          rng.choice(["utf-8", "cp1252"]),
                          tuple(rng.sample(["nfc", "crlf", "bom", "mojibake"], rng.randint(0, 3))))

    docs = [summary(i) for i in range(300)]
    whole = CorpusStats()
    for doc in docs:
        whole.add(doc)
    for cuts in ([0, 300], [0, 1, 300], [0, 17, 18, 200, 300], [0, 0, 150, 300, 300]):
        merged = CorpusStats()
        cached = CorpusStats()  # each shard's statistics as the shard cache keeps them
        for start, end in pairwise(cuts):
            shard = CorpusStats()
            for doc in docs[start:end]:
                shard.add(doc)
            merged.merge(shard)
            cached.merge(CorpusStats.from_json(orjson.loads(orjson.dumps(shard.as_json()))))
        assert asdict(merged) == asdict(whole), cuts
        assert asdict(cached) == asdict(whole), cuts
    assert whole.first_date is not None and whole.last_date is not None


@settings(max_examples=examples(600), deadline=None)
@given(st.lists(st.one_of(st.integers(0, 40), st.integers(0, 10**7),
                          st.integers(2**53 - 4, 2**53 + 4), st.integers(2**60, 2**60 + 8)),
                min_size=1, max_size=40))
def test_lengths_from_their_counts_are_those_of_the_list(chars: list[int]) -> None:
    """validate counts the lengths by value (no list of them); the card's minimum, median,
    mean, maximum and total must be what statistics.median and statistics.fmean give on the
    list, value and type (the mean of two middle values is a float), beyond 2**53 too."""
    lengths = Lengths.of_counts(Counter(chars))
    ordered = sorted(chars)
    assert lengths is not None
    found = (lengths.minimum, lengths.median, lengths.mean, lengths.maximum, lengths.total)
    assert found == (ordered[0], statistics.median(ordered), statistics.fmean(ordered),
                     ordered[-1], sum(ordered))
    assert type(lengths.median) is type(statistics.median(ordered))
    assert Lengths.of_counts(Counter()) is None
    assert Lengths.of_counts({5: 0}) is None


@pytest.mark.parametrize("text", ["plain", "a`b", "`tick", "tick`", "x``y` z", " a ", "a b"])
def test_code_span_renders_as_exactly_its_text(text: str) -> None:
    """A document id or license name holding a backtick closed its code span early in the
    changelog and the card, and the rest of the line became Markdown."""
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").renderInline(code_span(text))
    assert html == f"<code>{escape(text, quote=False)}</code>"
