"""corpuskit.load: metadata, typed records, streaming filters, and refusing tampered packages."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import shutil
import sys
import tracemalloc
import types
import zipfile
from pathlib import Path
from typing import Any

import orjson
import pytest
from _consumers import (
    copy_package,
    rewrite_tagmanifest,
    rewrite_zip,
    sample,
    sha256_file,
    write_seeds,
)

import corpuskit
from corpuskit.cli import main
from corpuskit.errors import CorpuskitError, InputError
from corpuskit.models import RECORD_FIELDS, Record
from corpuskit.package import manifest_order


def jsonl_records(package: Path) -> list[dict[str, object]]:
    lines = (package / "data/documents.jsonl").read_bytes().splitlines()
    return [orjson.loads(line) for line in lines]


@pytest.mark.parametrize("kind", ["folder", "zip"])
def test_metadata_and_records(kind: str) -> None:
    built = sample()
    path = built.release if kind == "folder" else built.archive
    with corpuskit.load(path) as corpus:
        assert corpus.name == "consumer-sample"
        assert corpus.version == "2.1.0"
        assert corpus.release_name == "consumer-sample-2.1.0"
        assert corpus.content_hash == built.content_hash
        assert corpus.created == "2023-11-14T22:13:20Z"
        assert corpus.verified
        assert corpus.licenses == (corpuskit.License(
            "CC-BY-4.0", "Creative Commons Attribution 4.0",
            "https://creativecommons.org/licenses/by/4.0/"),)
        assert len(corpus) == corpus.documents == built.documents == 6
        records = list(corpus)
    assert all(isinstance(r, Record) for r in records)
    expected = jsonl_records(built.release)
    assert [dataclasses.asdict(r) | {"normalization": list(r.normalization)} for r in records] \
        == expected
    assert [r.id for r in records] == sorted(r.id for r in records)
    assert tuple(expected[0]) == RECORD_FIELDS


def test_records_are_typed_and_frozen() -> None:
    record = next(iter(corpuskit.load(sample().release)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.text = "changed"  # type: ignore[misc]
    assert isinstance(record.normalization, tuple)
    assert isinstance(record.chars, int)


def test_iterating_twice_streams_again() -> None:
    corpus = corpuskit.load(sample().archive)
    assert [r.id for r in corpus] == [r.id for r in corpus]
    corpus.close()


def test_filter_by_language_and_dates() -> None:
    corpus = corpuskit.load(sample().release)
    ids = lambda docs: [d.id for d in docs]  # noqa: E731
    assert ids(corpus.filter(language="en")) == ["news/harbour", "notes/crlf-bom",
                                                  "notes/plain"]
    assert ids(corpus.filter(language=["fr", "de"])) == ["letters/brief-de", "news/budget-fr"]
    assert ids(corpus.filter(language="und")) == ["misc/short"]
    assert ids(corpus.filter(since="2023-06-01")) == ["news/budget-fr", "notes/crlf-bom"]
    assert ids(corpus.filter(until="2023-12-31")) == ["news/harbour", "notes/crlf-bom"]
    assert ids(corpus.filter(language="en", since="2023-01-01", until="2023-12-31")) == [
        "news/harbour", "notes/crlf-bom"]
    # Bounds are inclusive and accept dates; undated documents never match a date bound.
    assert ids(corpus.filter(since=dt.date(2023, 3, 1), until=dt.date(2023, 3, 1))) == [
        "news/harbour"]
    assert ids(corpus.filter()) == ids(corpus)


def test_filter_streams_lazily() -> None:
    corpus = corpuskit.load(sample().release)
    stream = corpus.filter(language="en")
    assert isinstance(stream, types.GeneratorType)
    assert next(stream).id == "news/harbour"
    stream.close()


@pytest.mark.parametrize("bad", ["2023-13-01", "01/02/2023", "2023"])
def test_filter_refuses_bad_dates(bad: object) -> None:
    corpus = corpuskit.load(sample().release)
    with pytest.raises(ValueError, match="since"):
        list(corpus.filter(since=bad))  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["since", "until"])
@pytest.mark.parametrize("bad", [20230101, 2023, 20230825.0, b"2023-01-01", ["2023-01-01"]])
def test_filter_refuses_a_date_of_another_type_naming_it(name: str, bad: object) -> None:
    """since=2023 was a ValueError, where language=5 is a TypeError, as README says a
    value of the wrong type is (QA: library 3)."""
    corpus = corpuskit.load(sample().release)
    with pytest.raises(TypeError) as refused:
        corpus.filter(**{name: bad})
    assert not isinstance(refused.value, ValueError)
    assert str(refused.value) == (f"{name} must be a date (datetime.date) or an ISO 8601 "
                                  f"'YYYY-MM-DD' string, not {type(bad).__name__}: {bad!r}")


@pytest.mark.parametrize(("name", "bad", "why"), [
    ("since", "2023-02-30", "February 2023 has 28 days"),
    ("until", "2024-02-30", "February 2024 has 29 days"),
    ("since", "2023-04-31", "April 2023 has 30 days"),
    ("since", "2023-13-01", "there is no month 13 (months run from 01 to 12)"),
    ("until", "2023-01-00", "there is no day 00 (days run from 01)"),
    ("since", "0000-01-01", "there is no year 0000 (years run from 0001)"),
])
def test_filter_says_a_date_of_the_right_form_does_not_exist(
        name: str, bad: str, why: str) -> None:
    """since="2023-02-30" was told it "must be a date or an ISO 8601 'YYYY-MM-DD'
    string", which it is in form (QA: consumer 2): the argument, the value and why."""
    corpus = corpuskit.load(sample().release)
    with pytest.raises(ValueError) as raised:
        list(corpus.filter(**{name: bad}))
    assert str(raised.value) == f"{name} {bad!r} is no calendar date: {why}"


@pytest.mark.parametrize("bad", ["2023-01-01\n", "\u0662\u0660\u0662\u0663-01-01"])
def test_filter_refuses_a_date_of_another_form_as_such(bad: str) -> None:
    """A line end after the date, or digits other than ASCII's, are not the form: said so,
    not called a date that does not exist."""
    corpus = corpuskit.load(sample().release)
    with pytest.raises(ValueError, match="since must be a date or an ISO 8601 'YYYY-MM-DD' "
                                         "string"):
        list(corpus.filter(since=bad))


@pytest.mark.parametrize("bad", ["EN", "eng", "en\n", "", ["en", "Fr"]])
def test_filter_refuses_language_codes_no_record_holds(bad: object) -> None:
    """filter(language="EN") matched nothing, silently; the error comes at the call."""
    corpus = corpuskit.load(sample().release)
    with pytest.raises(ValueError, match="is not a code records hold"):
        corpus.filter(language=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [b"en", bytearray(b"en"), 5, 1.5])
def test_filter_refuses_a_language_of_another_type_naming_it(bad: object) -> None:
    """bytes were iterated as numbers ("language 101 is not a code"), an int raised
    Python's "'int' object is not iterable", naming no argument (QA)."""
    corpus = corpuskit.load(sample().release)
    with pytest.raises(TypeError, match=f"language must be a code \\(str\\) or several "
                                        f"\\(a list of str\\), not {type(bad).__name__}"):
        corpus.filter(language=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [["en", 5], [None], ("fr", b"en")])
def test_filter_refuses_a_list_holding_a_language_of_another_type_as_a_type_error(
        bad: object) -> None:
    """A value of the wrong type in the list is a TypeError, as language=5 is (QA: it was
    a ValueError, "language 5 is not a code records hold"), naming its type."""
    corpus = corpuskit.load(sample().release)
    odd = next(item for item in bad if not isinstance(item, str))  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match=f"language must be a code \\(str\\) or several "
                                        f"\\(a list of str\\), not a list holding "
                                        f"{type(odd).__name__}"):
        corpus.filter(language=bad)  # type: ignore[arg-type]


def test_filter_refuses_what_no_record_can_match_at_the_call() -> None:
    """since after until, and an empty list of languages, matched nothing, silently, while
    the docstring says a filter no record can match raises ValueError at once (QA)."""
    corpus = corpuskit.load(sample().release)
    with pytest.raises(ValueError, match="since 2024-12-31 is after until 2024-01-01"):
        corpus.filter(since="2024-12-31", until="2024-01-01")
    with pytest.raises(ValueError, match="language is an empty list"):
        corpus.filter(language=[])
    assert list(corpus.filter(since="2023-08-25", until="2023-08-25")) == [
        record for record in corpus if record.date == "2023-08-25"]  # one day: fine


def test_readme_example_loads_the_seeds_release(tmp_path: Path) -> None:
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    built = corpuskit.build(seeds, tmp_path, source_date_epoch=None, jobs=1, cache=None)
    corpus = corpuskit.load(built.archive)
    docs = list(corpus.filter(language="en", since="2023-01-01", until="2023-12-31"))
    assert [d.id for d in docs] == ["000_5126d78043eeafc4"]
    assert docs[0].date == "2023-08-25"
    assert corpus.content_hash == built.content_hash


# -- tampering -----------------------------------------------------------------------------

def _flip_byte(path: Path, offset: int = 10) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def _refusal(path: Path) -> corpuskit.PackageIntegrityError:
    """load's refusal of ``path``, whose problems are exactly validate's."""
    with pytest.raises(corpuskit.PackageIntegrityError) as caught:
        corpuskit.load(path)
    found = corpuskit.validate(path, jobs=1).problems
    assert found
    assert caught.value.problems == corpuskit.PackageIntegrityError(str(path), found).problems
    return caught.value


@pytest.mark.parametrize("target", [
    "data/documents.jsonl",
    "data/raw/news/harbour.txt",
    "data/documents.parquet",
    "datapackage.json",
    "README.md",
    "croissant.json",
])
def test_tampered_folder_is_refused_naming_the_file(tmp_path: Path, target: str) -> None:
    package = copy_package(sample(), tmp_path)
    _flip_byte(package / target)
    error = _refusal(package)
    assert isinstance(error, CorpuskitError)
    assert target in error.paths
    assert target in str(error)
    assert "checksum-mismatch" in [p.code for p in error.problems if p.path == target]


def test_tampered_record_with_fixed_manifests_is_still_refused(tmp_path: Path) -> None:
    # A forger who also rewrites both manifests is caught by the descriptor's own hashes.
    package = copy_package(sample(), tmp_path)
    docs = package / "data/documents.jsonl"
    docs.write_bytes(docs.read_bytes().replace(b"harbour reopened", b"harbour re-opened"))
    manifest = package / "manifest-sha256.txt"
    manifest.write_text("".join(
        f"{sha256_file(docs)}  data/documents.jsonl\n" if line.endswith("data/documents.jsonl")
        else line + "\n" for line in manifest.read_text().splitlines()))
    rewrite_tagmanifest(package)
    problems = _refusal(package).problems
    assert {"/resources/0/hash", "/corpuskit/content_hash"} <= {
        p.location for p in problems if p.path == "datapackage.json"}
    assert "record-mismatch" in [p.code for p in problems if p.path == "data/documents.jsonl"]


def test_missing_and_unlisted_files_are_refused(tmp_path: Path) -> None:
    package = copy_package(sample(), tmp_path)
    (package / "data/raw/notes/plain.txt").unlink()
    (package / "data/extra.jsonl").write_text("{}\n")
    codes = {(p.path, p.code) for p in _refusal(package).problems}
    assert {("data/raw/notes/plain.txt", "missing-file"),
            ("data/extra.jsonl", "unlisted-file")} <= codes


def test_manifest_that_drops_the_records_is_refused(tmp_path: Path) -> None:
    package = copy_package(sample(), tmp_path)
    manifest = package / "manifest-sha256.txt"
    manifest.write_text("".join(line + "\n" for line in manifest.read_text().splitlines()
                                if not line.endswith("data/documents.jsonl")))
    rewrite_tagmanifest(package)
    with pytest.raises(corpuskit.PackageIntegrityError) as caught:
        corpuskit.load(package)
    assert "data/documents.jsonl" in caught.value.paths


def _rezip(source: Path, target: Path, change: str) -> None:
    """Copy an archive, changing one member's content (a valid zip with other bytes)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename.endswith(change):
                data = data.replace(b"storm", b"STORM")
            new.writestr(info, data)


def test_tampered_archive_member_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "consumer-sample-2.1.0.zip"
    _rezip(sample().archive, target, "data/documents.jsonl")
    error = _refusal(target)
    # zipfile wrote no seal: the archive itself is named by its path, not "."
    assert error.paths[0] == str(target) and "data/documents.jsonl" in error.paths
    assert str(error).startswith(f"{target} failed verification: {len(error.problems)} "
                                 "problems in the archive itself, ")


def test_a_renamed_folder_is_said_to_be_one_not_an_archive(tmp_path: Path) -> None:
    """Its one problem is its name: the summary said "in the archive itself" and called
    the package modified or damaged."""
    renamed = tmp_path / "consumer-sample-9.9.9"
    shutil.copytree(sample().release, renamed)
    error = _refusal(renamed)
    assert [(p.path, p.code) for p in error.problems] == [(str(renamed), "metadata-mismatch")]
    assert str(error).startswith(f"{renamed} failed verification: 1 problem in the folder "
                                 "itself; the package was modified, damaged or renamed: do "
                                 "not use it as it is")
    assert "rename it to consumer-sample-2.1.0" in str(error)


@pytest.mark.parametrize("sidecar", ["a line of another form", "another sha256"])
def test_a_bad_published_checksum_is_not_called_damage_of_the_archive(
        tmp_path: Path, sidecar: str) -> None:
    """The archive's seal holds and only its ``.sha256`` fails: load said the package was
    "modified, damaged or renamed" (QA), which sent its user after a sound archive."""
    target = tmp_path / sample().archive.name
    shutil.copyfile(sample().archive, target)
    text = {"a line of another form": "sha256=" + "0" * 64,
            "another sha256": f"{'0' * 64}  {target.name}"}[sidecar]
    (tmp_path / f"{target.name}.sha256").write_text(text + "\n")
    error = _refusal(target)
    assert str(error).startswith(f"{target} failed verification: 1 problem in the archive "
                                 "itself; the archive's own seal holds, and it is the "
                                 "published checksum beside it that cannot be read or does "
                                 "not match: mend or remove that file"), str(error)
    with target.open("r+b") as handle:  # the seal broken too: damage, as before
        handle.seek(100)
        byte = handle.read(1)
        handle.seek(100)
        handle.write(bytes([byte[0] ^ 1]))
    assert "the package was modified, damaged or renamed" in str(_refusal(target))


def test_a_folder_loaded_by_a_relative_path_survives_a_change_of_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its records were read from the folder relative to the working directory of the
    moment: after a chdir, "data/documents.jsonl: cannot read"."""
    monkeypatch.chdir(sample().release.parent)
    corpus = corpuskit.load(sample().release.name)
    monkeypatch.chdir(tmp_path)
    assert [r.id for r in corpus] == [r.id for r in corpuskit.load(sample().release)]
    assert len(list(corpus)) == corpus.documents


def test_an_archive_loaded_by_a_relative_path_and_changed_after_a_chdir_is_named(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether the changed file is the archive itself was decided by comparing the path
    stored at load with the relative path made absolute from the working folder of the
    moment: after a chdir, the error named data/documents.jsonl, no file of its own (QA)."""
    (tmp_path / "here").mkdir()
    archive = tmp_path / "here" / "pkg.zip"
    shutil.copy(sample().archive, archive)
    monkeypatch.chdir(archive.parent)
    corpus = corpuskit.load("pkg.zip")
    monkeypatch.chdir(tmp_path)
    archive.write_bytes(archive.read_bytes())  # the same bytes: a write all the same
    with pytest.raises(corpuskit.PackageIntegrityError) as refused:
        next(iter(corpus))
    assert refused.value.paths == ("pkg.zip",)
    assert "the archive itself" in refused.value.summary


def test_corrupted_archive_bytes_are_refused(tmp_path: Path) -> None:
    target = tmp_path / "consumer-sample-2.1.0.zip"
    shutil.copy(sample().archive, target)
    with zipfile.ZipFile(target) as archive:
        info = archive.getinfo("consumer-sample-2.1.0/data/documents.jsonl")
        offset = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 20
    _flip_byte(target, offset)
    with pytest.raises(corpuskit.PackageIntegrityError) as caught:
        corpuskit.load(target)
    assert caught.value.paths == (str(target), "data/documents.jsonl")


def test_an_archive_whose_seal_does_not_match_is_refused(tmp_path: Path) -> None:
    """Every member intact, the seal wrong: only the seal can tell (it also covers bytes
    that inflate to the same data, which no member checksum sees)."""
    target = tmp_path / "consumer-sample-2.1.0.zip"
    shutil.copy(sample().archive, target)
    data = bytearray(target.read_bytes())
    data[-1] = ord("0") if data[-1] != ord("0") else ord("1")  # last hex digit of the seal
    target.write_bytes(bytes(data))
    with pytest.raises(corpuskit.PackageIntegrityError) as caught:
        corpuskit.load(target)
    assert caught.value.paths == (str(target),)
    assert [p.code for p in caught.value.problems] == ["archive-seal-mismatch"]
    assert len(list(corpuskit.load(target, verify=False))) == 6


def test_verify_false_skips_the_check(tmp_path: Path) -> None:
    package = copy_package(sample(), tmp_path)
    _flip_byte(package / "data/raw/news/harbour.txt")
    corpus = corpuskit.load(package, verify=False)
    assert not corpus.verified
    assert len(list(corpus)) == 6


def test_change_after_load_is_detected_while_streaming(tmp_path: Path) -> None:
    package = copy_package(sample(), tmp_path)
    corpus = corpuskit.load(package)
    docs = package / "data/documents.jsonl"
    docs.write_bytes(docs.read_bytes().replace(b"harbour reopened", b"harbour re-opened"))
    with pytest.raises(corpuskit.PackageIntegrityError, match=r"data/documents\.jsonl"):
        list(corpus)


@pytest.mark.parametrize("kind", ["folder", "archive"])
def test_a_change_after_load_is_refused_before_a_partial_read(kind: str,
                                                             tmp_path: Path) -> None:
    """The records file's sha256 was checked at the end of a full pass only: ``in``,
    ``next(iter(corpus))`` or a loop left early yielded a record forged after load, with
    no error (QA). A change since the check (any write sets a file's ctime) is refused
    before anything is read."""
    if kind == "folder":
        package = copy_package(sample(), tmp_path)
        changed = package / "data/documents.jsonl"
    else:
        package = changed = tmp_path / sample().archive.name
        shutil.copy(sample().archive, package)
    corpus = corpuskit.load(package)
    first = next(iter(corpus))
    changed.write_bytes(changed.read_bytes())  # the same bytes: a write all the same
    for read in (lambda: next(iter(corpus)), lambda: first.id in corpus,
                 lambda: next(iter(corpus.filter(language="en")))):
        with pytest.raises(corpuskit.PackageIntegrityError,
                           match="changed since it was verified") as refused:
            read()
        # Not said to be damaged: a chmod or a link changes the status too (QA).
        assert "its file changed after load verified it (written to, or only its status: " \
            "a chmod, a link), so it is not verified as it is now" in str(refused.value)
        assert "damaged" not in str(refused.value)
    assert next(iter(corpuskit.load(package))) == first  # loaded again: checked again
    corpus = corpuskit.load(package)
    changed.chmod(0o444)
    with pytest.raises(corpuskit.PackageIntegrityError, match="a chmod, a link"):
        next(iter(corpus))


def test_the_records_docstring_says_a_change_after_load_is_refused() -> None:
    """help(Corpus.records) ended "A partial read (``in``, a loop left early) yielded
    records changed after the check, with no error", which reads as how it behaves, where
    it raises as README says and the test above checks (QA consumer 2)."""
    said = " ".join((corpuskit.Corpus.records.__doc__ or "").split())
    assert "yielded records changed after the check, with no error (QA)." not in said
    assert ("written to since :func:`load` verified it is refused before any record is "
            "read, even by ``in`` or a loop left early") in said
    readme = " ".join((Path(__file__).parents[1] / "README.md").read_text("utf-8").split())
    assert ("written to since the check is refused before any record is read, even by `in` "
            "or a loop left early") in readme


@pytest.mark.parametrize("kind", ["folder", "archive"])
def test_a_package_deleted_after_load_is_said_to_be_gone(kind: str, tmp_path: Path) -> None:
    """A package removed after load was said to have changed ("its size, times or inode
    differ", "a chmod, a link"), never that it is gone (QA)."""
    if kind == "folder":
        package = copy_package(sample(), tmp_path)
    else:
        package = tmp_path / sample().archive.name
        shutil.copy(sample().archive, package)
    corpus = corpuskit.load(package)
    if kind == "folder":
        shutil.rmtree(package)
    else:
        package.unlink()
    with pytest.raises(corpuskit.PackageIntegrityError) as refused:
        next(iter(corpus))
    assert [(p.path, p.code) for p in refused.value.problems] == [
        ("data/documents.jsonl" if kind == "folder" else str(package), "missing-file")]
    assert "no longer exists" in str(refused.value)
    assert "load the package again from where it is now" in str(refused.value)
    assert "a chmod" not in str(refused.value)
    assert "inode" not in str(refused.value)


def test_a_change_while_records_are_read_is_an_integrity_error(tmp_path: Path) -> None:
    """A records file rewritten while a loop reads it: the line read next was "not valid
    JSON", a plain InputError that named no package, where a verified package promises
    PackageIntegrityError (QA). Its records file is longer than a read's buffer."""
    seeds = write_seeds(tmp_path / "seeds")
    for index in range(4):
        words = " ".join(f"w{index}x{n}" for n in range(900))
        (seeds / "long" / f"doc{index}.txt").parent.mkdir(exist_ok=True)
        (seeds / "long" / f"doc{index}.txt").write_text(f"Long {index}\n\n{words}\n")
    package = corpuskit.build(seeds, tmp_path / "dist", source_date_epoch=None, jobs=1,
                              cache=None).release
    records = package / "data/documents.jsonl"
    assert records.stat().st_size > 3 * 8192
    corpus = corpuskit.load(package)
    docs = iter(corpus)
    next(docs)
    with records.open("r+b") as handle:  # rewritten in place: cut short
        handle.truncate(records.stat().st_size // 2)
    with pytest.raises(corpuskit.PackageIntegrityError) as refused:
        list(docs)
    assert [(p.path, p.code) for p in refused.value.problems] == [
        ("data/documents.jsonl", "checksum-mismatch")]
    assert refused.value.summary.startswith(f"{package} failed verification")
    assert "changed while it was read" in str(refused.value)


def test_a_change_while_an_archive_is_read_is_an_integrity_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An archive overwritten while a loop reads it: "the archive ends inside this entry's
    data", a plain InputError naming no package (QA). Read here in small pieces, as a
    large archive is."""
    from corpuskit import reader
    from corpuskit.zipfiles import memberstream, zipsource

    monkeypatch.setattr(zipsource, "_READ_WITH_HEADER", 0)
    monkeypatch.setattr(memberstream, "_CHUNK", 256)
    monkeypatch.setattr(reader, "_CHUNK", 256)
    archive = tmp_path / "pkg.zip"
    shutil.copy(sample().archive, archive)
    corpus = corpuskit.load(archive)
    docs = iter(corpus)
    next(docs)
    with archive.open("r+b") as handle:
        handle.truncate(100)
    with pytest.raises(corpuskit.PackageIntegrityError) as refused:
        list(docs)
    assert refused.value.paths == (str(archive),)
    assert "changed while it was read" in str(refused.value)
    assert "the archive itself" in refused.value.summary


def test_a_verified_package_that_fails_later_unchanged_is_an_integrity_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A record of a verified package that cannot be parsed, its file unchanged (as load
    saw it): nothing can make that legitimate, so it is PackageIntegrityError too, with the
    problems found, naming the package."""
    import importlib

    from corpuskit.problems import Problem

    load_module = importlib.import_module("corpuskit.load")  # (corpuskit.load: the function)

    original = load_module.checked_record

    def refusing(source: object, line: bytes, number: int, previous: str) -> Record:
        if number == 2:
            raise InputError([Problem("data/documents.jsonl", "schema-error", "not valid JSON",
                                      "line 2")])
        return original(source, line, number, previous)  # type: ignore[arg-type]

    corpus = corpuskit.load(sample().archive)
    monkeypatch.setattr(load_module, "checked_record", refusing)
    with pytest.raises(corpuskit.PackageIntegrityError) as refused:
        list(corpus)
    assert [(p.path, p.code, p.location) for p in refused.value.problems] == [
        ("data/documents.jsonl", "schema-error", "line 2")]
    assert refused.value.summary.startswith(f"{sample().archive} failed verification")


def test_verification_memory_is_bounded(tmp_path: Path) -> None:
    package = copy_package(sample(), tmp_path)
    big = package / "data/raw/big.bin"
    with big.open("wb") as handle:
        for _ in range(48):
            handle.write(b"x" * (1 << 20))
    manifest = package / "manifest-sha256.txt"
    lines = manifest.read_text("utf-8").splitlines(keepends=True)
    lines.append(f"{sha256_file(big)}  data/raw/big.bin\n")
    manifest.write_text("".join(sorted(lines, key=lambda line: manifest_order(
        line.split("  ", 1)[1].rstrip("\n")))), "utf-8")  # in the order corpuskit writes
    rewrite_tagmanifest(package)
    tracemalloc.start()
    try:
        # Every checksum matches, so every check runs; no record names the file (so that
        # its data need not be text), which load refuses as validate does, once all is read.
        with pytest.raises(corpuskit.PackageIntegrityError) as refused:
            corpuskit.load(package)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * (1 << 20)
    assert {(p.path, p.code) for p in refused.value.problems} == {
        ("data/raw/big.bin", "unreferenced-file"), ("bag-info.txt", "size-mismatch")}


def test_not_a_package_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="problem"):
        corpuskit.load(tmp_path / "nothing-here")
    with pytest.raises(InputError):
        corpuskit.load(tmp_path)


def test_cli_refuses_a_tampered_package(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                        ) -> None:
    package = copy_package(sample(), tmp_path)
    _flip_byte(package / "data/documents.jsonl")
    out = tmp_path / "out.csv"
    assert main(["export", str(package), "--format", "csv", "--out", str(out)]) == 1
    assert "data/documents.jsonl" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("damage", ["central directory byte", "bytes before it"])
def test_a_sealed_archive_too_damaged_to_open_is_an_integrity_error(
        damage: str, tmp_path: Path) -> None:
    """Code that catches PackageIntegrityError, as the README shows, must catch accidental
    damage too: a flipped byte in the central directory, or bytes put before the archive,
    used to raise a plain InputError from opening it, before its seal was looked at."""
    data = bytearray(sample().archive.read_bytes())
    if damage == "central directory byte":
        data[data.rfind(b"PK\x01\x02") + 46] ^= 1  # a letter of the last entry's name
    else:
        data[:0] = b"MZ"
    target = tmp_path / sample().archive.name
    target.write_bytes(bytes(data))
    with pytest.raises(corpuskit.PackageIntegrityError) as caught:
        corpuskit.load(target)
    assert any(p.code == "archive-seal-mismatch" for p in caught.value.problems)


def test_an_archive_cut_short_is_an_integrity_error_with_validates_problems(
        tmp_path: Path) -> None:
    """A download cut short starts as a zip but has no central directory and no seal:
    load raised a plain InputError naming only that, while validate also names the
    published .sha256 it no longer matches (README: what validate refuses, load refuses,
    with validate's problems)."""
    target = tmp_path / sample().archive.name
    data = sample().archive.read_bytes()
    (tmp_path / f"{target.name}.sha256").write_text(f"{sha256_file(sample().archive)}  "
                                                    f"{target.name}\n")
    target.write_bytes(data[:len(data) // 2])
    with pytest.raises(corpuskit.PackageIntegrityError) as caught:
        corpuskit.load(target)
    codes = sorted(p.code for p in caught.value.problems)
    assert codes == sorted(p.code for p in corpuskit.validate(target).problems)
    assert {"archive-error", "checksum-mismatch", "archive-seal-mismatch"} <= set(codes)


@pytest.mark.parametrize("name", ["corpus.toml", "documents.jsonl", "notes.txt", "renamed.zip"])
def test_a_file_that_is_no_archive_is_named_so_by_every_consumer(
        name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A corpus.toml or a records file given for a package was called "not a zip
    archive, or a truncated one" by load, info, export and diff. (In a folder of its own:
    export refuses an --out beside a corpus.toml, in a seeds folder.)"""
    target = tmp_path / "given" / name
    target.parent.mkdir()
    target.write_text('name = "x"\n')
    with pytest.raises(InputError) as caught:
        corpuskit.load(target)
    assert not isinstance(caught.value, corpuskit.PackageIntegrityError)
    assert [p.code for p in caught.value.problems] == ["not-a-package"]
    assert "truncated" not in str(caught.value)
    for command in (["info", str(target)], ["diff", str(target), str(sample().release)],
                    ["export", str(target), "--format", "csv", "--out",
                     str(tmp_path / "out.csv")]):
        assert main(command) == 1, command
        err = capsys.readouterr().err
        assert "[not-a-package]" in err and "truncated" not in err, (command, err)


@pytest.mark.parametrize("kind", ["empty", "truncated"])
def test_an_empty_or_truncated_archive_is_told_to_be_fetched_again(
        kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An empty .zip was said not to start as a zip archive does, and a truncated one to
    have no end-of-central-directory record, neither saying what to do (QA)."""
    whole = sample().archive.read_bytes()
    target = tmp_path / "got.zip"
    target.write_bytes(b"" if kind == "empty" else whole[:len(whole) // 2])
    said = ("an empty file, not a package archive" if kind == "empty"
            else "a truncated one (a download or copy cut short)")
    with pytest.raises(InputError, match="get it again from where it was published") as caught:
        corpuskit.load(target)
    assert said in str(caught.value)
    for command in (["info", str(target)], ["diff", str(target), str(sample().release)],
                    ["export", str(target), "--format", "csv", "--out",
                     str(tmp_path / "out.csv")]):
        assert main(command) == 1, command
        err = capsys.readouterr().err
        assert said in err and "get it again from where it was published" in err, (command, err)
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(("content", "starts"), [
    (b"<!DOCTYPE html><html><body>404 Not Found</body></html>\n",
     "it starts with '<!DOCTYPE html><html><bo...', a web page"),
    (b"\xff\xfe\x00junk", "it starts with the bytes ff fe 00 6a 75 6e 6b, where"),
    (b"", "an empty file, not a package archive"),
    # QA s82 review 5: "it starts with 'PK', where a zip archive starts with 'PK'"
    (b"PK", "it holds only the 2 bytes 'PK', the start of a zip archive's signature "
            "'PK\\x03\\x04' and no more: a download or copy cut short; get it again"),
    (b"PKG-INFO: hello\nthis is text\n",
     "it starts with 'PKG-INFO: hello\\nthis is ...', where a zip archive starts with "
     "'PK\\x03\\x04' ('PK\\x05\\x06' if it holds no files); get it again"),
], ids=["web page", "binary", "empty", "PK alone", "text starting PK"])
def test_validate_calls_a_zip_that_is_no_zip_what_load_calls_it(
        content: bytes, starts: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """An HTML error page saved as the release's .zip was a damaged corpuskit archive to
    validate (archive-error, a seal "changed or appended", "restore it from version
    control"), where load, info, export and diff said not-a-package (QA consumer 1). It is
    one not-a-package problem from each, in the same words, saying what the file starts
    with and to get it again; a zip cut short stays an archive-error (tested above)."""
    target = tmp_path / f"{sample().release.name}.zip"
    target.write_bytes(content)
    with pytest.raises(InputError) as caught:
        corpuskit.load(target)
    [problem] = caught.value.problems
    assert problem.code == "not-a-package" and starts in problem.message
    assert "get it again from where it was published" in problem.message
    report = corpuskit.validate(target)
    assert report.kind == "other"
    assert [(p.code, p.message) for p in report.problems] == [
        ("not-a-package", problem.message)]
    assert main(["validate", str(target)]) == 1
    out = capsys.readouterr().out
    assert f"{target}: {problem.message} [not-a-package]" in out
    assert "version control" not in out and "seal" not in out, out
    for command in (["info", str(target)], ["diff", str(target), str(sample().release)],
                    ["export", str(target), "--format", "csv", "--out",
                     str(tmp_path / "out.csv")]):
        assert main(command) == 1, command
        assert f"{problem.message} [not-a-package]" in capsys.readouterr().err, command


def test_a_file_that_is_no_archive_is_still_an_input_error(tmp_path: Path) -> None:
    target = tmp_path / "notes.zip"
    target.write_bytes(b"not a zip at all")
    with pytest.raises(InputError) as caught:
        corpuskit.load(target)
    assert not isinstance(caught.value, corpuskit.PackageIntegrityError)


@pytest.mark.parametrize("change", ["an extra file", "a tag file taken off the list",
                                    "a vertical tab for the last line feed"])
def test_load_verifies_what_validate_verifies(change: str, tmp_path: Path) -> None:
    """Files outside data/ must be listed in the tag manifest, and the manifests must be
    in the form corpuskit writes: load called such packages verified while validate
    refused them (a README rewritten and taken off the list went unnoticed)."""
    package = copy_package(sample(), tmp_path)
    tags = package / "tagmanifest-sha256.txt"
    if change == "an extra file":
        (package / "EXTRA.txt").write_text("hi\n")
    elif change == "a tag file taken off the list":
        (package / "README.md").write_text("Anyone may redistribute this.\n")
        tags.write_text("".join(line for line in tags.read_text().splitlines(keepends=True)
                                if not line.endswith("  README.md\n")))
    else:
        tags.write_bytes(tags.read_bytes()[:-1] + b"\x0b")
    with pytest.raises(corpuskit.PackageIntegrityError):
        corpuskit.load(package)
    assert main(["validate", str(package)]) == 1


def test_a_closed_archive_corpus_says_so(tmp_path: Path) -> None:
    """Reading after close: a clear ValueError, as a closed file gives (an assert said
    'archive is closed', and became an AttributeError under python -O)."""
    corpus = corpuskit.load(sample().archive)
    corpus.close()
    with pytest.raises(ValueError, match="which is closed"):
        next(iter(corpus))


@pytest.mark.parametrize("kind", ["folder", "archive"])
def test_close_ends_reading_a_folder_as_an_archive(kind: str) -> None:
    """A folder's corpus was read on after close() (iterated anew, or by an iterator begun
    before it), where an archive's raised (QA s87): both raise the same ValueError, for
    iteration, records(), filter() and ``in``; their metadata stays."""
    corpus = corpuskit.load(sample().release if kind == "folder" else sample().archive)
    begun = iter(corpus)
    first = next(begun)
    corpus.close()
    for read in (lambda: next(iter(corpus)), lambda: list(corpus.records()),
                 lambda: list(corpus.filter(language="en")), lambda: first.id in corpus,
                 lambda: next(begun)):
        with pytest.raises(ValueError, match="which is closed; open it again") as refused:
            read()
        assert type(refused.value) is ValueError and str(corpus.path) in str(refused.value)
    assert len(corpus) == sample().documents and corpus.name


def test_an_iterator_that_outlives_close_says_so_not_reading_another_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An iterator of an archive's records read on after close() through the descriptor
    number it was given: once another file took that number, it read that file at the
    archive's offsets and called the healthy archive damaged (QA). Read here in small
    pieces, as a large archive is."""
    from corpuskit import reader
    from corpuskit.zipfiles import memberstream, zipsource

    monkeypatch.setattr(zipsource, "_READ_WITH_HEADER", 0)
    monkeypatch.setattr(memberstream, "_CHUNK", 256)
    monkeypatch.setattr(reader, "_CHUNK", 256)
    other = tmp_path / "other.bin"
    other.write_bytes(bytes(range(256)) * 64)
    with corpuskit.load(sample().archive, verify=False) as corpus:
        docs = iter(corpus)
        next(docs)
    with other.open("rb"), pytest.raises(ValueError, match="which is closed") as refused:
        list(docs)  # (the descriptor number the archive had is the other file's)
    assert not isinstance(refused.value, CorpuskitError)


def test_an_archive_corpus_pickles_and_is_read_in_a_spawned_process(tmp_path: Path) -> None:
    """A corpus read from an archive could not be pickled or copied ("cannot pickle
    '_io.BufferedReader' object"): no multiprocessing spawn worker, no PyTorch DataLoader
    worker took it, where a folder's corpus worked (QA). Its archive is opened again by its
    path; one changed since is refused, as it is without pickling."""
    import copy
    import multiprocessing
    import pickle

    archive = tmp_path / "pkg.zip"
    shutil.copy(sample().archive, archive)
    with corpuskit.load(archive) as corpus:
        expected = list(corpus)
        for copied in (pickle.loads(pickle.dumps(corpus)), copy.deepcopy(corpus)):
            with copied:
                assert copied.path == archive and copied.verified
                assert list(copied) == expected
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            assert pool.apply(list, (corpus,)) == expected
        pickled = pickle.dumps(corpus)
    closed = pickle.loads(pickle.dumps(corpus))  # closed, as it was
    with pytest.raises(ValueError, match="which is closed"):
        next(iter(closed))
    archive.write_bytes(archive.read_bytes())
    with pickle.loads(pickled) as changed, pytest.raises(
            corpuskit.PackageIntegrityError, match="changed since it was verified"):
        next(iter(changed))


def test_an_integrity_error_is_one_line_whatever_the_file_names(tmp_path: Path) -> None:
    """A file named with a line break: the summary shows it escaped, one line in all."""
    package = copy_package(sample(), tmp_path)
    (package / "data" / "raw" / "new\nline.txt").write_text("x")
    with pytest.raises(corpuskit.PackageIntegrityError) as caught:
        corpuskit.load(package)
    assert "new\\nline.txt" in caught.value.summary
    assert "\n" not in caught.value.summary


def test_a_raw_file_that_is_a_symbolic_link_is_named_as_one(tmp_path: Path) -> None:
    """It was 'cannot be read: [Errno 40] Too many levels of symbolic links [archive-error]'
    (O_NOFOLLOW refusing the link), for a folder that holds no archive at all."""
    package = copy_package(sample(), tmp_path)
    raw = next(p for p in sorted((package / "data" / "raw").rglob("*")) if p.is_file())
    copy = tmp_path / "elsewhere.txt"
    copy.write_bytes(raw.read_bytes())
    raw.unlink()
    raw.symlink_to(copy)
    found = [p for p in _refusal(package).problems if p.path == str(raw.relative_to(package))]
    assert ("unsafe-path", "symbolic link") in [(p.code, p.message.split(";")[0])
                                                for p in found]
    assert "archive-error" not in [p.code for p in found]


def test_records_of_an_archive_are_read_in_blocks_not_a_byte_per_call(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """An archive member is a raw stream; iterating its lines called read(1) once per
    byte (5.2 MB of records: 5.2 million calls, info took 12.8 s on the zip against 0.75 s
    on the folder). Readers now read it through a buffer."""
    from corpuskit import reader
    from corpuskit.zipfiles import memberstream, zipsource

    calls = {"read": 0}
    original = memberstream.MemberStream.read

    def counting(self: memberstream.MemberStream, size: int | None = -1) -> bytes:
        calls["read"] += 1
        return original(self, size)

    monkeypatch.setattr(memberstream.MemberStream, "read", counting)
    archive = sample().archive
    with zipsource.ZipSource(archive) as source:
        records = list(reader.iter_records(source))
    assert len(records) == 6
    with zipfile.ZipFile(archive) as opened:
        [member] = [i for i in opened.infolist() if i.filename.endswith(reader.DOCUMENTS_PATH)]
    assert member.file_size > 1000
    assert calls["read"] <= 4, calls  # one buffer fill (and the end), not one per byte


def test_a_package_folder_linked_out_of_the_package_is_refused(tmp_path: Path) -> None:
    """data/raw replaced by a symbolic link to a folder elsewhere: the files were opened
    through it (only the last component was opened without following links), and load
    called the package verified. A package is read only from its own folder."""
    package = copy_package(sample(), tmp_path)
    outside = tmp_path / "outside"
    (package / "data" / "raw").rename(outside)
    (package / "data" / "raw").symlink_to(outside, target_is_directory=True)
    problems = _refusal(package).problems
    assert ("data/raw", "unsafe-path") in [(p.path, p.code) for p in problems]
    assert all(p.path.startswith("data/raw") or p.path == "bag-info.txt" for p in problems)
    assert main(["export", str(package), "--format", "csv", "--out",
                 str(tmp_path / "out.csv")]) == 1
    assert not (tmp_path / "out.csv").exists()


def test_an_archive_resealed_around_a_changed_header_is_refused(tmp_path: Path) -> None:
    """A local header that says other than the central directory (another time stamp
    here; a forger can make it another method or CRC, which other unzip tools read), the
    archive then re-sealed: every member still hashed right, so load called it verified
    while validate refused it. load checks the headers as validate does now."""
    from _validate_support import sealed

    data = bytearray(sample().archive.read_bytes())
    assert data[:4] == b"PK\x03\x04"
    data[10:12] = bytes(b ^ 0xFF for b in data[10:12])  # the first entry's time
    forged = tmp_path / sample().archive.name
    forged.write_bytes(sealed(bytes(data)))
    assert not corpuskit.validate(forged, jobs=1).valid
    with pytest.raises(corpuskit.PackageIntegrityError) as caught:
        corpuskit.load(forged)
    assert any(p.code == "archive-metadata" for p in caught.value.problems)


def test_load_refuses_what_validate_refuses(tmp_path: Path) -> None:
    """bag-info's Content-Hash no longer the descriptor's (a re-signed edit that left it
    stale) was loaded with verified=True, while validate refused the package; so was a
    zip of 1.0.0 named as 2.0.0."""
    package = copy_package(sample(), tmp_path)
    info = package / "bag-info.txt"
    text = info.read_text("utf-8")
    start = text.index("Content-Hash: sha256:") + len("Content-Hash: sha256:")
    info.write_text(text[:start] + "0" * 64 + text[start + 64:], "utf-8")
    rewrite_tagmanifest(package)
    assert not corpuskit.validate(package).valid
    with pytest.raises(corpuskit.PackageIntegrityError) as refused:
        corpuskit.load(package)
    assert [(p.path, p.location) for p in refused.value.problems] == [
        ("bag-info.txt", "Content-Hash")]

    archive = sample().archive
    renamed = tmp_path / archive.name.replace(sample().release.name.rsplit("-", 1)[1], "9.9.9")
    assert renamed.name != archive.name
    shutil.copyfile(archive, renamed)
    with pytest.raises(corpuskit.PackageIntegrityError, match="named as the release"):
        corpuskit.load(renamed)
    assert corpuskit.load(archive).verified


def test_a_text_changed_and_re_signed_throughout_is_refused_with_reproduce(
        tmp_path: Path) -> None:
    """A forger who rewrites a record's text with its hashes and counts, the manifests,
    the descriptor and the card leaves a package every checksum agrees with: only deriving
    the record again from its raw file, which still says otherwise, finds it."""
    import hashlib

    from _validate_support import copy_release, records, restate_metadata, write_records

    package = copy_release(tmp_path)
    items = records(package)
    text = "A text nobody wrote, about a harbour that never reopened.\n"
    items[0].update(text=text, text_sha256=hashlib.sha256(text.encode()).hexdigest(),
                    chars=len(text), words=len(text.split()))
    write_records(package, items)
    restate_metadata(package)
    assert next(iter(corpuskit.load(package))).text == text  # every checksum agrees
    with pytest.raises(corpuskit.PackageIntegrityError) as refused:
        corpuskit.load(package, reproduce=True)
    assert [(p.path, p.code) for p in refused.value.problems] == [
        ("data/documents.jsonl", "record-mismatch")]
    assert f"record {items[0]['id']!r}" in refused.value.problems[0].message


def test_reproduce_without_verify_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CorpuskitError, match="verify=False skips every check"):
        corpuskit.load(sample(), verify=False, reproduce=True)


def test_membership_is_by_id_or_record() -> None:
    with corpuskit.load(sample().archive) as corpus:
        records = list(corpus)
        first, last = records[0], records[-1]
        assert first.id in corpus and last.id in corpus and last in corpus
        assert first.id + "-not" not in corpus and "" not in corpus and 3 not in corpus
        assert dataclasses.replace(last, title="another title") not in corpus


def test_a_descriptor_given_for_its_package_is_named_as_one() -> None:
    """frictionless takes datapackage.json; corpuskit said "no end-of-central-directory
    record: not a zip archive", and validate that there was no datapackage.json."""
    descriptor = sample().release / "datapackage.json"
    said = (f"the descriptor of a package, not the package; pass its folder, "
            f"{sample().release}, or its .zip archive")
    with pytest.raises(corpuskit.InputError) as caught:
        corpuskit.load(descriptor)
    assert [p.message for p in caught.value.problems] == [said]
    assert [p.message for p in corpuskit.validate(descriptor).problems] == [said]


def test_load_keeps_only_the_records_files_line_of_the_payload_manifest(
        tmp_path: Path) -> None:
    """load kept a table of every line of the payload manifest (about 330 bytes a
    document: 80 MB at 50,000 documents against 61 MB at 5,000, QA); it now reads the
    manifest a line at a time for the records file's sha256, which alone records() needs."""
    from corpuskit.load import _documents_digest
    from corpuskit.problems import Problem
    from corpuskit.reader import FolderSource

    digest = "ab" * 32
    lines = [f"{index:064x}  data/raw/part-{index // 1000:04d}/doc-{index:07d}.txt\n"
             for index in range(200_000)]
    lines.insert(150_000, f"{digest}  data/documents.jsonl\n")
    (tmp_path / "manifest-sha256.txt").write_text("".join(lines), "ascii")  # 18 MB
    problems: list[Problem] = []
    tracemalloc.start()
    try:
        found = _documents_digest(FolderSource(tmp_path), problems)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (found, problems) == (digest, [])
    assert peak < 2 * (1 << 20)

    # A manifest changed since validate read it, naming the records file twice or not at all.
    for changed in ([*lines, f"{'cd' * 32}  data/documents.jsonl\n"], lines[:150_000]):
        (tmp_path / "manifest-sha256.txt").write_text("".join(changed), "ascii")
        problems = []
        assert _documents_digest(FolderSource(tmp_path), problems) is None
        assert [(p.path, p.code) for p in problems] == [
            ("manifest-sha256.txt", "checksum-mismatch")]


def test_an_archive_loaded_without_with_is_closed_quietly_when_dropped() -> None:
    """corpuskit.load() as the README shows it, without ``with``: dropping the corpus
    closes its archive, with no ResourceWarning (noise under pytest and -X dev), as
    zipfile.ZipFile does."""
    import gc
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        corpus = corpuskit.load(sample().archive)
        assert sum(1 for _ in corpus) == len(corpus) > 0
        del corpus
        gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []


def test_a_check_that_failed_is_not_called_damage(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in a check (internal-error) made load say the package 'was modified, damaged
    or renamed' and, in the same breath, 'please report this as a bug' (QA): it is
    refused as not verified, and the message blames corpuskit, not the package."""
    import corpuskit.validation  # loaded: patched below through sys.modules

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(sys.modules["corpuskit.validation"], "check_folder", broken)
    with pytest.raises(corpuskit.PackageIntegrityError) as caught:
        corpuskit.load(sample().release)
    assert [p.code for p in caught.value.problems] == ["internal-error"]
    assert "a bug: please report it" in str(caught.value)
    assert "modified, damaged" not in str(caught.value)


def test_a_package_this_user_may_not_read_is_said_to_be_unreadable(tmp_path: Path) -> None:
    """load() of a valid zip this user may not read said it "does not start as a zip
    archive does", and of such a package folder raised a raw PermissionError, where an
    InputError is documented (QA). Both are now an InputError naming it and saying how to
    read it."""
    import subprocess

    from reliability_support import (
        PYTHON,
        child_env,
        drop_file_permission_override,
        permission_bits_enforceable,
    )

    if (why := permission_bits_enforceable()) is not None:
        pytest.skip(why)
    archive = tmp_path / sample().archive.name
    shutil.copyfile(sample().archive, archive)
    folder = copy_package(sample(), tmp_path)
    archive.chmod(0)
    folder.chmod(0o300)  # not listed: nothing in it can be found
    script = ("import corpuskit, sys\n"
              "try:\n    corpuskit.load(sys.argv[1])\n"
              "except Exception as exc:\n    print(type(exc).__name__, exc)\n")
    try:
        said = [subprocess.run([PYTHON, "-c", script, str(path)], capture_output=True,
                               text=True, env=child_env(), check=True,
                               preexec_fn=drop_file_permission_override).stdout.strip()
                for path in (archive, folder)]
    finally:
        folder.chmod(0o755)
    for path, kind, message in zip((archive, folder), ("file", "folder"), said, strict=True):
        assert message == (f"InputError 1 problem found: {path}: this {kind} cannot be "
                           "read: Permission denied; make it readable to this user "
                           f"(chmod a+r{'x' if kind == 'folder' else ''}), or run corpuskit "
                           "as its owner [unreadable-file]"), message


def _newer_package(tmp_path: Path) -> Path:
    """A copy of the sample as a newer corpuskit could write it: a normalization step this
    one does not know, its tag manifest signed again."""
    import json

    from corpuskit.package import pretty_json

    package = copy_package(sample(), tmp_path)
    descriptor = package / "datapackage.json"
    data = json.loads(descriptor.read_text("utf-8"))
    data["corpuskit"]["process"]["normalize"]["steps"].append("future-step")
    descriptor.write_bytes(pretty_json(data))
    rewrite_tagmanifest(package)
    return package


def test_a_package_of_a_newer_corpuskit_is_said_to_be_one_not_damaged(tmp_path: Path) -> None:
    """A normalization step this corpuskit does not know: validate said a newer corpuskit
    may have made the package, load that it was "modified, damaged or renamed: do not use
    it" (QA). load says what validate says, and what to do."""
    package = _newer_package(tmp_path)
    with pytest.raises(corpuskit.PackageIntegrityError) as refused:
        corpuskit.load(package)
    said = str(refused.value)
    assert "it records a setting this corpuskit does not know: made by a newer corpuskit, " \
        "it is read with that one" in said, said
    assert "damaged" not in said, said


def test_a_package_of_a_newer_corpuskit_is_told_how_corpuskit_is_installed(
        tmp_path: Path) -> None:
    """The advice was "pip install the newer version", which installs PyPI's corpuskit,
    another project (README); and with verify=False the descriptor's problem named
    datapackage.json without its package (QA consumer 3)."""
    package = _newer_package(tmp_path)
    with pytest.raises(corpuskit.PackageIntegrityError) as refused:
        corpuskit.load(package)
    said = str(refused.value)
    assert "pip install the newer version" not in said, said
    assert ("install the latest from corpuskit's repository (pip install 'corpuskit @ "
            "git+https://github.com/corpuskit/corpuskit', or @ the commit its publisher "
            "built it with), not by 'pip install corpuskit': that name on PyPI is another "
            "project's") in said, said
    with pytest.raises(InputError) as unverified:
        corpuskit.load(package, verify=False)
    assert str(unverified.value).startswith(
        f"{package}: datapackage.json is not a valid corpuskit package descriptor: "), \
        str(unverified.value)
    assert [(p.path, p.code) for p in unverified.value.problems] == [
        ("datapackage.json", "schema-error")]


def test_seeds_holding_a_document_named_datapackage_json_are_told_to_be_built(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Seeds may hold a document named as a package file (README); load and export took
    such seeds for a damaged package ("the package has no such manifest", QA)."""
    from conftest import make_seeds

    seeds = make_seeds(tmp_path, {"datapackage.json": "A Title\n\nA document of this "
                                                      "name, which seeds may hold.\n",
                                  "other.txt": "Other\n\nAnother document.\n"})
    assert corpuskit.validate(seeds).valid
    for verify in (True, False):
        with pytest.raises(InputError) as refused:
            corpuskit.load(seeds, verify=verify)
        [problem] = refused.value.problems
        assert (problem.code, problem.message.split(":")[0]) == (
            "not-a-package", "a seeds folder (it holds corpus.toml), not a package"), problem
    capsys.readouterr()
    assert main(["export", str(seeds), "--format", "csv", "--out",
                 str(tmp_path / "out.csv")]) == 1
    assert "a seeds folder (it holds corpus.toml), not a package: build it" \
        in capsys.readouterr().err


def test_a_package_folder_without_its_descriptor_is_a_damaged_package(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Its datapackage.json deleted, a package folder was "no package here" to load, export,
    info and diff (QA); the same damage in a zip was a PackageIntegrityError. It is a
    damaged package: validate's problems when verified, else named as one."""
    from corpuskit.info import info

    package = copy_package(sample(), tmp_path)
    (package / "datapackage.json").unlink()
    with pytest.raises(corpuskit.PackageIntegrityError) as failed:
        corpuskit.load(package)
    assert ("datapackage.json", "missing-file") in {
        (problem.path, problem.code) for problem in failed.value.problems}
    for refused_by in (lambda: corpuskit.load(package, verify=False), lambda: info(package),
                       lambda: corpuskit.diff(package, sample().release)):
        with pytest.raises(InputError) as refused:
            refused_by()
        assert [problem.code for problem in refused.value.problems] == ["missing-file"]
        assert "a package folder without this file (it holds bagit.txt, " \
            "manifest-sha256.txt, tagmanifest-sha256.txt, data/documents.jsonl): a corpuskit " \
            "package damaged, or a bag of another tool" in refused.value.problems[0].message
    # The file is named relative to the package, as validate names it; the library's
    # message names the package (as a records file's problem does)
    with pytest.raises(InputError) as refused:
        corpuskit.load(package, verify=False)
    assert [problem.path for problem in refused.value.problems] == ["datapackage.json"]
    assert str(refused.value).startswith(f"{package}: 1 problem found: datapackage.json: ")
    capsys.readouterr()
    assert main(["export", str(package), "--format", "csv", "--out",
                 str(tmp_path / "out.csv")]) == 1
    assert "datapackage.json: a corpuskit package always holds this file [missing-file]" \
        in capsys.readouterr().err


def test_an_unverified_packages_records_error_names_the_package(tmp_path: Path) -> None:
    """With verify=False a record refused as it is read said "1 problem found:
    data/documents.jsonl:line 4: ...", not which package (QA); the problem's path stays
    relative to it."""
    package = copy_package(sample(), tmp_path)
    records = package / "data/documents.jsonl"
    lines = records.read_bytes().splitlines(keepends=True)
    records.write_bytes(b"".join([*lines[:3], lines[2], *lines[3:]]))  # a record twice
    with pytest.raises(InputError) as refused:
        list(corpuskit.load(package, verify=False))
    assert not isinstance(refused.value, corpuskit.PackageIntegrityError)
    assert refused.value.summary == f"{package}: 1 problem found"
    assert [(p.path, p.code, p.location) for p in refused.value.problems] == [
        ("data/documents.jsonl", "order-error", "line 4")]


def _forged_title(package: Path, title: str) -> tuple[bytes, bytes]:
    """``package``'s records file with its first record's title changed (no checksum
    covers a title but the records file's), and the payload manifest that agrees with
    it: ``(records, manifest)`` as bytes."""
    records = (package / "data/documents.jsonl").read_bytes()
    lines = records.splitlines(keepends=True)
    first = orjson.loads(lines[0])
    first["title"] = title
    forged = orjson.dumps(first) + b"\n" + b"".join(lines[1:])
    manifest = (package / "manifest-sha256.txt").read_bytes().replace(
        sha256_file(package / "data/documents.jsonl").encode(),
        hashlib.sha256(forged).hexdigest().encode())
    return forged, manifest


def test_an_archive_replaced_while_load_opens_it_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """load opened the archive, then validate opened it again by path: an archive renamed
    over it in between (a download or sync finishing) was checked, and the records of the
    one held open, never checked, were yielded with verified=True (QA: library 1)."""
    import importlib

    load_module = importlib.import_module("corpuskit.load")  # (corpuskit.load: the function)
    forged_folder = copy_package(sample(), tmp_path / "forged")
    records, manifest = _forged_title(forged_folder, "FORGED TITLE")
    (forged_folder / "data/documents.jsonl").write_bytes(records)
    (forged_folder / "manifest-sha256.txt").write_bytes(manifest)
    archive = tmp_path / sample().archive.name
    shutil.copy(rewrite_zip(forged_folder), archive)
    real_open = load_module.open_package

    def opened_then_replaced(path: Path) -> object:
        source = real_open(path)
        incoming = tmp_path / "incoming.zip"  # the published one, renamed over it
        shutil.copy(sample().archive, incoming)
        os.replace(incoming, archive)
        return source

    monkeypatch.setattr(load_module, "open_package", opened_then_replaced)
    with pytest.raises(corpuskit.PackageIntegrityError) as refused:
        corpus = corpuskit.load(archive)
        assert next(r.title for r in corpus) != "FORGED TITLE"  # (how it failed before)
    assert refused.value.paths == (str(archive),)
    assert [p.code for p in refused.value.problems] == ["checksum-mismatch"]
    assert "changed while load verified it" in str(refused.value)
    assert "replaced or written to while load verified them" in refused.value.summary
    monkeypatch.undo()
    with corpuskit.load(archive) as corpus:  # loaded again: the one there now
        assert "FORGED TITLE" not in [r.title for r in corpus]


def test_a_descriptor_replaced_after_validate_read_it_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder's datapackage.json was read by path after validate: one renamed over it
    in between gave the Corpus a name, version and content hash never checked, called
    verified (QA: library 1)."""
    import importlib

    validation = importlib.import_module("corpuskit.validation")
    package = copy_package(sample(), tmp_path)
    real_validate = validation.validate

    def validated_then_replaced(*args: Any, **kwargs: Any) -> Any:
        report = real_validate(*args, **kwargs)
        descriptor = orjson.loads((package / "datapackage.json").read_bytes())
        descriptor["title"] = "FORGED TITLE"
        incoming = tmp_path / "incoming.json"
        incoming.write_bytes(orjson.dumps(descriptor))
        os.replace(incoming, package / "datapackage.json")
        return report

    monkeypatch.setattr(validation, "validate", validated_then_replaced)
    with pytest.raises(corpuskit.PackageIntegrityError) as refused:
        assert corpuskit.load(package).title != "FORGED TITLE"  # (how it failed before)
    assert [(p.path, p.code) for p in refused.value.problems] == [
        ("datapackage.json", "checksum-mismatch")]
    assert "changed while load verified it" in str(refused.value)


def test_a_records_file_replaced_as_it_is_opened_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder's records file is stamped, then opened by path: one renamed over it in
    between was read, its first records yielded before the sha256 at the end of the pass
    could find it (QA: library 1)."""
    package = copy_package(sample(), tmp_path)
    records, _ = _forged_title(package, "FORGED TITLE")
    corpus = corpuskit.load(package)
    source = corpus._source
    real_open = source.open

    def replaced_then_opened(rel: str) -> Any:
        if rel == "data/documents.jsonl":
            incoming = tmp_path / "incoming.jsonl"
            incoming.write_bytes(records)
            os.replace(incoming, package / rel)
        return real_open(rel)

    monkeypatch.setattr(source, "open", replaced_then_opened)
    with pytest.raises(corpuskit.PackageIntegrityError) as refused:
        assert next(iter(corpus)).title != "FORGED TITLE"  # (how it failed before)
    assert [(p.path, p.code) for p in refused.value.problems] == [
        ("data/documents.jsonl", "checksum-mismatch")]
