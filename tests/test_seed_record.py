"""Issue 2 §3: the record of the shipped seed text, field by field."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import SEED_FILE, SEED_SHA256, SEEDS, build_into, read_records

SEED_ID = "000_5126d78043eeafc4"
TITLE = "For development of Non-Aligned Movement"


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's seeds folder (copied) built once into a temporary folder."""
    root = tmp_path_factory.mktemp("seed-record")
    seeds = root / "seeds"
    shutil.copytree(SEEDS, seeds)
    return build_into(seeds, root / "out").release


@pytest.fixture
def record(release: Path) -> dict[str, Any]:
    records = read_records(release)
    assert len(records) == 1
    return records[0]


@pytest.fixture
def raw() -> bytes:
    return (SEEDS / SEED_FILE).read_bytes()


def test_the_seed_file_is_the_shared_one_byte_for_byte(raw: bytes) -> None:
    assert hashlib.sha256(raw).hexdigest() == SEED_SHA256


def test_id_is_the_file_name_without_extension(record: dict[str, Any]) -> None:
    assert record["id"] == SEED_ID
    assert record["source_path"] == SEED_FILE


def test_title_date_language_and_rights(record: dict[str, Any]) -> None:
    assert record["title"] == TITLE
    assert record["date"] == "2023-08-25"
    assert record["language"] == "en"
    assert record["rights"] == "2023 © All rights reserved."


def test_text_has_thirteen_paragraphs(record: dict[str, Any]) -> None:
    assert record["paragraphs"] == 13
    assert len(record["text"].rstrip("\n").split("\n\n")) == 13
    assert "\n\n\n" not in record["text"]


def test_text_holds_no_title_date_or_footer_line(record: dict[str, Any]) -> None:
    lines = record["text"].split("\n")
    assert TITLE not in lines
    assert "August 25, 2023" not in lines
    assert not any("All rights reserved" in line for line in lines)
    assert record["text"].startswith("The DPRK was admitted to the Non-Aligned Movement")
    assert record["text"].endswith("in the struggle for global independence.\n")


def test_text_has_no_trailing_spaces_and_ends_with_one_newline(record: dict[str, Any]) -> None:
    text = record["text"]
    assert all(line == line.rstrip() for line in text.split("\n"))
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_body_words_are_kept_verbatim(record: dict[str, Any], raw: bytes) -> None:
    """Normalization only trimmed whitespace: every body line of the raw file is in the text."""
    source = raw.decode("utf-8").split("\n")
    body = [line.rstrip() for line in source[4:] if line.strip()]
    body = [line for line in body if line != "2023 © All rights reserved."]
    assert record["text"] == "\n\n".join(body) + "\n"


def test_source_fields_describe_the_raw_file(record: dict[str, Any], raw: bytes) -> None:
    assert record["source_sha256"] == hashlib.sha256(raw).hexdigest() == SEED_SHA256
    assert record["source_bytes"] == len(raw)
    assert record["source_encoding"] == "utf-8"


def test_counts_and_text_hash_match_the_text(record: dict[str, Any]) -> None:
    text = record["text"]
    assert record["chars"] == len(text)
    assert record["words"] == len(text.split())
    assert record["text_sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_normalization_names_the_steps_that_changed_it(record: dict[str, Any]) -> None:
    # The raw file has lines ending in a space and a double blank line before the footer.
    assert record["normalization"] == ["trim-trailing-whitespace", "paragraph-spacing"]


def test_raw_file_is_packaged_unchanged(release: Path, raw: bytes) -> None:
    assert (release / "data" / "raw" / SEED_FILE).read_bytes() == raw


def test_a_document_that_normalizes_to_nothing_is_refused_not_emptied() -> None:
    from corpuskit.config import ProcessConfig
    from corpuskit.models import DocumentProblem, RawDocument
    from corpuskit.records import process_document

    with pytest.raises(DocumentProblem) as refused:
        process_document(RawDocument("zw", "zw.txt", "\u200b\u200b\n".encode()), ProcessConfig())
    assert refused.value.problem.code == "empty-document"
    assert refused.value.problem.path == "zw.txt"


@pytest.mark.parametrize(("raw", "taken"), [
    ("My Title\n\n\u00ad\n", "its title:"),
    ("My Title\n\n2023-08-25\n\n\u2800\n", "its title and date:"),
    ("Report\n\n\u200d\n", "its title:"),
    ("Report\n\n\u200d\n\n2023 \u00a9 Ann Lee\n", "its title and rights line:"),
])
def test_a_document_whose_body_shows_nothing_once_extracted_is_refused(raw: str,
                                                                       taken: str) -> None:
    """QA: the title (and date, rights line) took every character that shows, leaving a
    record whose text was a soft hyphen, a Braille blank or a ZWJ; it is refused as a
    document holding only those is, saying what was taken and what to do."""
    from corpuskit.config import ProcessConfig
    from corpuskit.models import DocumentProblem, RawDocument
    from corpuskit.records import process_document

    with pytest.raises(DocumentProblem) as refused:
        process_document(RawDocument("doc", "sub/doc.txt", raw.encode()), ProcessConfig())
    problem = refused.value.problem
    assert (problem.path, problem.code) == ("sub/doc.txt", "empty-document")
    assert f"holds no text besides {taken}" in problem.message
    assert "add the document's text to it, or remove the file" in problem.message
