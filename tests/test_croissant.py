"""croissant.json: Croissant 1.1 as the spec requires it, read by mlcroissant offline and
compared field by field with corpuskit.load."""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from _consumers import block_network, copy_package, rewrite_tagmanifest, sample, sha256_file
from hypothesis import given, settings
from hypothesis import strategies as st

import corpuskit
from corpuskit import croissant
from corpuskit.croissant import CONFORMS_TO, RAW_FILE_SET, check_croissant, raw_suffixes
from corpuskit.models import RECORD_FIELDS
from corpuskit.schemacheck import validator

mlc = pytest.importorskip("mlcroissant")


def croissant_of(package: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((package / "croissant.json").read_text("utf-8"))
    return doc


def test_croissant_is_a_tag_file_listed_in_the_tagmanifest() -> None:
    package = sample().release
    lines = (package / "tagmanifest-sha256.txt").read_text().splitlines()
    assert f"{sha256_file(package / 'croissant.json')}  croissant.json" in lines


def test_required_spec_fields() -> None:
    doc = croissant_of(sample().release)
    assert check_croissant(doc) == []
    context = doc["@context"]
    assert context["@vocab"] == "https://schema.org/"
    assert context["sc"] == "https://schema.org/"
    assert context["cr"] == "http://mlcommons.org/croissant/"
    assert doc["@type"] == "sc:Dataset"
    assert doc["conformsTo"] == CONFORMS_TO == "http://mlcommons.org/croissant/1.1"
    assert doc["name"] == "consumer-sample"
    assert doc["version"] == "2.1.0"
    assert doc["url"] == "https://example.org/consumer-sample"
    assert doc["datePublished"] == "2023-11-14T22:13:20Z"
    assert doc["license"] == [{
        "@type": "sc:CreativeWork", "name": "CC-BY-4.0",
        "description": "Creative Commons Attribution 4.0",
        "url": "https://creativecommons.org/licenses/by/4.0/"}]
    assert doc["creator"] == [{"@type": "sc:Person", "name": "Ada Example", "givenName": "Ada",
                               "familyName": "Example", "email": "ada@example.org"}]
    assert "2.1.0" in doc["citeAs"] and sample().content_hash in doc["citeAs"]
    assert doc["inLanguage"] == ["de", "en", "fr"]


def test_a_contributor_s_organization_is_their_affiliation() -> None:
    """The Data Package's contributor ``organization`` (an affiliation) was dropped, and a
    contributor known by title and organization was called an organization."""
    from corpuskit.croissant import _creator

    assert _creator({"title": "Li Lei", "organization": "大学", "email": "li@example.org"}) \
        == {"@type": "sc:Person", "name": "Li Lei", "email": "li@example.org",
            "affiliation": {"@type": "sc:Organization", "name": "大学"}}
    assert _creator({"title": "Ann", "givenName": "Ann", "organization": "Lab"}) == {
        "@type": "sc:Person", "name": "Ann", "givenName": "Ann",
        "affiliation": {"@type": "sc:Organization", "name": "Lab"}}
    assert _creator({"title": "The Wire Agency", "email": "desk@example.org"}) == {
        "@type": "sc:Organization", "name": "The Wire Agency", "email": "desk@example.org"}


def test_optional_fields_are_never_invented(tmp_path: Path) -> None:
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    built = corpuskit.build(seeds, tmp_path, jobs=1, cache=None)
    doc = croissant_of(built.release)
    assert check_croissant(doc) == []
    assert "url" not in doc and "creator" not in doc  # corpus.toml has no homepage/contributors


def test_every_data_file_is_a_file_object_with_its_sha256() -> None:
    package = sample().release
    doc = croissant_of(package)
    objects = {d["@id"]: d for d in doc["distribution"] if d["@type"] == "cr:FileObject"}
    assert set(objects) == {"data/documents.jsonl", "data/documents.parquet"}
    for path, item in objects.items():
        assert item["contentUrl"] == path
        assert item["sha256"] == sha256_file(package / path)
        assert item["contentSize"] == f"{(package / path).stat().st_size} B"
    assert objects["data/documents.jsonl"]["encodingFormat"] == "application/jsonlines"
    assert objects["data/documents.parquet"]["encodingFormat"] == "application/x-parquet"
    raw = [d for d in doc["distribution"] if d["@type"] == "cr:FileSet"]
    assert raw == [{**raw[0], "includes": "data/raw/**"}]


@pytest.mark.parametrize(("parquet", "source"), [(True, "data/documents.parquet"),
                                                  (False, "data/documents.jsonl")])
def test_record_set_maps_every_document_field(parquet: bool, source: str) -> None:
    """The record set reads the Parquet file when the package has one (mlcroissant reads
    JSON Lines with pandas' guessing of column types), else the JSON Lines file."""
    doc = croissant_of(sample(parquet=parquet).release)
    (record_set,) = doc["recordSet"]
    fields = record_set["field"]
    assert [f["name"] for f in fields] == list(RECORD_FIELDS)
    for item in fields:
        assert item["@id"] == f"documents/{item['name']}"
        assert item["source"] == {"fileObject": {"@id": source},
                                  "extract": {"column": item["name"]}}
    types = {f["name"]: f["dataType"] for f in fields}
    assert types["date"] == "sc:Date" and types["chars"] == "sc:Integer"
    assert types["text"] == "sc:Text"
    normalization = next(f for f in fields if f["name"] == "normalization")
    assert normalization["isArray"] is True
    assert record_set["key"] == {"@id": "documents/id"}


@pytest.mark.parametrize(("change", "location"), [
    (lambda d: d["@context"].pop("@vocab"), "/@context"),
    (lambda d: d.__setitem__("conformsTo", "http://mlcommons.org/croissant/1.0"), "/conformsTo"),
    (lambda d: d.pop("license"), ""),
    (lambda d: d["distribution"][0].pop("sha256"), "/distribution/0"),
    (lambda d: d["distribution"][0].__setitem__("sha256", "abc"), "/distribution/0/sha256"),
    (lambda d: d["recordSet"][0]["field"][2].pop("dataType"), "/recordSet/0/field/2"),
    (lambda d: d["recordSet"][0]["field"][2]["source"]["extract"].pop("column"),
     "/recordSet/0/field/2/source/extract"),
    (lambda d: d.__setitem__("@type", "sc:CreativeWork"), "/@type"),
])
def test_schema_catches_what_mlcroissant_would_let_through(change: Any, location: str) -> None:
    doc = copy.deepcopy(croissant_of(sample().release))
    change(doc)
    problems = check_croissant(doc)
    assert problems, "a spec violation went unnoticed"
    assert location in {p.location for p in problems}
    assert not validator("croissant.schema.json").is_valid(doc)


def test_field_source_must_name_a_file_object() -> None:
    doc = copy.deepcopy(croissant_of(sample().release))
    doc["recordSet"][0]["field"][0]["source"]["fileObject"]["@id"] = "data/missing.jsonl"
    (problem,) = check_croissant(doc)
    assert "data/missing.jsonl" in problem.message


def _plain(value: Any) -> Any:
    """An mlcroissant value as the JSON record would hold it."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp (or NaT)
        return None if str(value) == "NaT" else value.to_pydatetime().date().isoformat()
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, list | tuple):
        return tuple(_plain(v) for v in value)
    return value


@pytest.mark.parametrize("kind", ["parquet", "jsonl-only"])
def test_mlcroissant_validates_and_loads_the_same_records(
        kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built = sample(parquet=kind == "parquet")
    package = copy_package(built, tmp_path)  # mlcroissant may write beside the file
    block_network(monkeypatch)
    dataset = mlc.Dataset(jsonld=str(package / "croissant.json"))
    issues = dataset.metadata.ctx.issues
    assert not issues.errors, issues.errors
    assert not issues.warnings, issues.warnings
    rows = list(dataset.records("documents"))
    expected = list(corpuskit.load(package))
    assert len(rows) == len(expected) == 6
    by_id = {_plain(row["documents/id"]): row for row in rows}
    for record in expected:
        row = by_id[record.id]
        for name in RECORD_FIELDS:
            want = getattr(record, name)
            assert _plain(row[f"documents/{name}"]) == want, (record.id, name)


@pytest.mark.parametrize("parquet", [True, False])
def test_mlcroissant_refuses_a_tampered_data_file(parquet: bool, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    package = copy_package(sample(parquet=parquet), tmp_path)
    name = "data/documents.parquet" if parquet else "data/documents.jsonl"
    docs = package / name
    data = bytearray(docs.read_bytes())
    data[len(data) // 2] ^= 0x01
    docs.write_bytes(bytes(data))
    block_network(monkeypatch)
    dataset = mlc.Dataset(jsonld=str(package / "croissant.json"))
    with pytest.raises(Exception, match=rf"Download\({re.escape(name)}\)") as caught:
        list(dataset.records("documents"))
    chain, error = [], caught.value
    while error is not None:
        chain.append(str(error))
        error = error.__cause__ or error.__context__
    assert any("hash" in message.lower() for message in chain), chain


#: Seeds names whose ids pandas reads as numbers when it guesses column types (QA: with
#: mlcroissant, "0001" came back as b"1.0" and "nan" as None).
NUMBER_LIKE = ["0001", "0002", "007", "1e5", "nan"]


@pytest.mark.parametrize("parquet", [True, False])
def test_mlcroissant_gives_ids_that_look_like_numbers_exactly_from_parquet(
        parquet: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The record set reads the Parquet file, whose columns have explicit types: every id
    and title comes back as written. From JSON Lines, pandas turns them into numbers, as
    the data card says."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "corpus.toml").write_text(
        'name = "numbers"\ntitle = "Numbers"\nversion = "1.0.0"\n'
        'description = "Ids that look like numbers."\n'
        'licenses = [{ name = "CC0-1.0" }]\nsources = [{ title = "tests" }]\n'
        f"[output]\nparquet = {'true' if parquet else 'false'}\n", "utf-8")
    for name in NUMBER_LIKE:
        (seeds / f"{name}.txt").write_text(f"{name}\n\nA short text about the number {name}, "
                                           "written in plain English words.\n", "utf-8")
    built = corpuskit.build(seeds, tmp_path / "dist", source_date_epoch=315532800, jobs=1,
                            cache=None)
    block_network(monkeypatch)
    rows = list(mlc.Dataset(jsonld=str(built.release / "croissant.json")).records("documents"))
    ids = sorted((_plain(row["documents/id"]) for row in rows), key=repr)
    titles = sorted((_plain(row["documents/title"]) for row in rows), key=repr)
    card = (built.release / "README.md").read_text("utf-8")
    if parquet:
        assert ids == titles == sorted(NUMBER_LIKE, key=repr)
        assert "It reads `data/documents.parquet`" in card
    else:
        assert ids != sorted(NUMBER_LIKE, key=repr)  # what the card warns of
        assert "It reads `data/documents.jsonl` with pandas" in card


def _mixed_corpus(tmp_path: Path, names: list[str]) -> Path:
    seeds = tmp_path / "seeds"
    (seeds / "sub").mkdir(parents=True)
    (seeds / "corpus.toml").write_text(
        'name = "mixed"\ntitle = "Mixed"\nversion = "1.0.0"\n'
        'description = "Raw files of several types."\n'
        'licenses = [{ name = "CC0-1.0" }]\nsources = [{ title = "tests" }]\n', "utf-8")
    for number, name in enumerate(names):
        text = f"A short text number {number}, written in plain English words for a test."
        if name.endswith(".html"):
            text = f"<html><body><p>{text}</p></body></html>"
        (seeds / name).write_text(f"Title {number}\n\n{text}\n", "utf-8")
    return corpuskit.build(seeds, tmp_path / "dist", source_date_epoch=315532800, jobs=1,
                           cache=None).release


def _raw_paths(package: Path) -> list[str]:
    return sorted(str(p.relative_to(package)) for p in (package / "data/raw").rglob("*")
                  if p.is_file())


def _listed_by_mlcroissant(package: Path) -> list[str]:
    """Every file mlcroissant gives of croissant.json's FileSets, through a RecordSet
    per FileSet whose one field is its files' ``fullpath`` (a copy of croissant.json
    beside it, as a user would write one to read the raw files)."""
    doc = croissant_of(package)
    sets = [item["@id"] for item in doc["distribution"] if item["@type"] == "cr:FileSet"]
    for number, set_id in enumerate(sets):
        doc["recordSet"].append({
            "@type": "cr:RecordSet", "@id": f"files-{number}", "name": f"files-{number}",
            "field": [{"@type": "cr:Field", "@id": f"files-{number}/path", "name": "path",
                       "dataType": "sc:Text",
                       "source": {"fileSet": {"@id": set_id},
                                  "extract": {"fileProperty": "fullpath"}}}]})
    probe = package / "croissant-probe.json"
    probe.write_text(json.dumps(doc), "utf-8")
    try:
        dataset = mlc.Dataset(jsonld=str(probe))
        found = [row[f"files-{number}/path"] for number in range(len(sets))
                 for row in dataset.records(f"files-{number}")]
    finally:
        probe.unlink()
    return sorted(p.decode() if isinstance(p, bytes) else str(p) for p in found)


def test_raw_files_of_every_suffix_are_one_text_file_set_mlcroissant_reads(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """(QA: the FileSets per media type, text/markdown, text/html, application/json...,
    could not be read by mlcroissant, which reads a FileSet's files by its encodingFormat:
    it knows no text/markdown nor text/html, and parses a .json file holding prose as
    JSON.) Every raw file is in the one text/plain FileSet, which mlcroissant lists whole."""
    package = _mixed_corpus(tmp_path, ["a.txt", "b.md", "sub/c.md", "sub/d.html", "e.MD",
                                       "f.json", "g.csv"])
    assert corpuskit.validate(package, jobs=1).valid
    assert corpuskit.validate(package, jobs=1, fast=True).valid
    block_network(monkeypatch)
    dataset = mlc.Dataset(jsonld=str(package / "croissant.json"))
    issues = dataset.metadata.ctx.issues
    assert not issues.errors and not issues.warnings, (issues.errors, issues.warnings)
    listed = _listed_by_mlcroissant(package)
    raw = _raw_paths(package)
    assert len(raw) == 7 and [path[path.index("data/raw/"):] for path in listed] == raw, listed
    sets = [d for d in croissant_of(package)["distribution"] if d["@type"] == "cr:FileSet"]
    assert sets == [RAW_FILE_SET]


#: croissant.json's FileSets of the raw files of :func:`_typed_form_package` as some 0.1.0
#: builds wrote them (a FileSet per media type, by a fixed table of suffixes).
_TYPED_SETS = [("raw-html", "text/html", [".html"]),
               ("raw-markdown", "text/markdown", [".MD", ".md"]),
               ("raw-text", "text/plain", [".txt"])]


def _typed_form_package(tmp_path: Path) -> Path:
    """A package whose croissant.json has the FileSets per media type of some 0.1.0
    builds (written here by hand as they wrote them), in place of the one FileSet."""
    package = _mixed_corpus(tmp_path, ["a.txt", "b.md", "sub/c.md", "sub/d.html", "e.MD"])
    doc = croissant_of(package)
    doc["distribution"] = [d for d in doc["distribution"] if d["@type"] != "cr:FileSet"]
    doc["distribution"] += [{
        "@type": "cr:FileSet", "@id": set_id, "name": set_id,
        "description": f"The raw input files of type {media} ({', '.join(suffixes)}), byte "
                       "for byte (sha256 in manifest-sha256.txt and in each record's "
                       "source_sha256).",
        "encodingFormat": media,
        "includes": [glob for suffix in suffixes
                     for glob in (f"data/raw/*{suffix}", f"data/raw/**/*{suffix}")],
    } for set_id, media, suffixes in _TYPED_SETS]
    _rewrite_croissant(package, doc)
    return package


def _rewrite_croissant(package: Path, doc: dict[str, Any]) -> None:
    (package / "croissant.json").write_text(json.dumps(doc, indent=2), "utf-8")
    rewrite_tagmanifest(package)


def test_the_file_sets_per_media_type_of_earlier_builds_still_validate(
        tmp_path: Path) -> None:
    """croissant.json as some 0.1.0 builds wrote it (a FileSet per media type) is taken,
    as a release is immutable, by the precise check, --fast and the clean pass; a FileSet
    of that form changed is a metadata-mismatch, as compared with that form."""
    from corpuskit.validation.clean import CleanChecker
    from corpuskit.validation.view import folder_view

    package = _typed_form_package(tmp_path)
    assert corpuskit.validate(package, jobs=1).valid
    assert corpuskit.validate(package, jobs=1, fast=True).valid
    view = folder_view(package, measure_raw=False, stream_raw=True)  # (lists no raw file)
    assert CleanChecker(view, fast=False, reproduce=False, jobs=1).check() is not None
    doc = croissant_of(package)
    doc["distribution"][-2]["encodingFormat"] = "text/plain"  # raw-markdown
    _rewrite_croissant(package, doc)
    for fast in (False, True):
        problems = corpuskit.validate(package, jobs=1, fast=fast).problems
        assert [(p.path, p.code, p.location) for p in problems] == [
            ("croissant.json", "metadata-mismatch",
             f"/distribution/{len(doc['distribution']) - 2}/encodingFormat")], problems
        assert "text/markdown" in problems[0].message


def test_the_one_raw_file_set_changed_is_a_mismatch(tmp_path: Path) -> None:
    """The one text/plain FileSet with another encodingFormat, or in place of the FileSets
    per media type but of other files, is a metadata-mismatch at that FileSet."""
    package = _mixed_corpus(tmp_path, ["a.txt", "b.md"])
    doc = croissant_of(package)
    doc["distribution"][-1]["encodingFormat"] = "text/markdown"
    _rewrite_croissant(package, doc)
    problems = corpuskit.validate(package, jobs=1).problems
    at = f"/distribution/{len(doc['distribution']) - 1}"
    assert [(p.path, p.code, p.location) for p in problems] == [
        ("croissant.json", "metadata-mismatch", f"{at}/encodingFormat")], problems
    assert "text/plain" in problems[0].message and "text/markdown" in problems[0].message
    doc["distribution"][-1] = dict(RAW_FILE_SET, includes="data/raw/*.md")
    _rewrite_croissant(package, doc)
    problems = corpuskit.validate(package, jobs=1).problems
    assert [(p.path, p.code, p.location) for p in problems] == [
        ("croissant.json", "metadata-mismatch", f"{at}/includes")], problems


def _plain_raw_suffixes(paths: list[str]) -> frozenset[str]:
    """A suffix a path at a time: the definition raw_suffixes' passes are held to."""
    names = [path.rsplit("/", 1)[-1] for path in paths]
    return frozenset(name[name.rfind("."):] if "." in name else "" for name in names)


_PATH_PARTS = st.sampled_from(["a", "b.", ".", "..", ".txt", "txt", "/", "x.md", ".tar.gz",
                               "é", "\u200b", "c.TXT", "d.t/xt", ""])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(_PATH_PARTS, max_size=5).map("".join), max_size=12))
def test_raw_suffixes_is_each_paths_own(paths: list[str]) -> None:
    assert raw_suffixes(paths) == _plain_raw_suffixes(paths)
    assert raw_suffixes(iter(paths)) == _plain_raw_suffixes(paths)
    assert raw_suffixes(tuple(reversed(paths))) == _plain_raw_suffixes(paths)


def test_raw_suffixes_of_many_suffixes_are_each_paths_own() -> None:
    """Past FEW_SUFFIXES suffixes, the rest a path at a time: the same suffixes."""
    paths = [f"part-{n % 7}/doc-{n}.x{n % 40}" for n in range(400)] + ["part-1/plain"]
    assert raw_suffixes(paths) == _plain_raw_suffixes(paths)
    assert len(raw_suffixes(paths)) == 41 > croissant.FEW_SUFFIXES
