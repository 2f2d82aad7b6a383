"""validate holds a package's document ids to the rule build holds the seeds' names to: no
two ids may differ only in characters nothing shows (``m`` and ``m`` + U+200B). build
refuses such seeds, so only a forged package holds them; an id with such a character and
no look-alike is a valid package."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _validate_support import EPOCH, resign, write_seeds

import corpuskit

ZWSP = "\u200b"


def _built(tmp_path: Path, files: dict[str, bytes]) -> Path:
    seeds = write_seeds(tmp_path / "seeds", files)
    return corpuskit.build(seeds, tmp_path / "dist", source_date_epoch=EPOCH, jobs=1).release


def _renamed(package: Path, old_id: str, new_id: str, extension: str) -> None:
    """The document ``old_id`` given the id ``new_id`` (its raw file renamed to match),
    records kept sorted, every checksum made to agree again: what a forger would do."""
    raw = package / "data" / "raw"
    (raw / f"{old_id}{extension}").rename(raw / f"{new_id}{extension}")
    records_path = package / "data" / "documents.jsonl"
    records = [json.loads(line) for line in records_path.read_bytes().splitlines()]
    for record in records:
        if record["id"] == old_id:
            record["id"], record["source_path"] = new_id, f"{new_id}{extension}"
    records.sort(key=lambda record: record["id"])
    records_path.write_bytes(b"".join(
        json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        for record in records))
    resign(package)


@pytest.mark.parametrize("jobs", [1, 2])
def test_ids_that_differ_only_in_what_nothing_shows_are_refused(tmp_path: Path,
                                                                  jobs: int) -> None:
    package = _built(tmp_path, {"m.md": b"The first text.\n", "mz.txt": b"The second.\n"})
    assert corpuskit.validate(package, jobs=jobs).valid
    _renamed(package, "mz", f"m{ZWSP}", ".txt")

    problems = corpuskit.validate(package, jobs=jobs).problems
    assert [(p.path, p.code, p.location) for p in problems] == [
        ("data/documents.jsonl", "name-collision", "line 2")], problems
    assert "m\\u200b as escapes, differs from m only in characters nothing shows" \
        in problems[0].message
    assert problems[0].message.endswith("then build the release again")


def test_an_archive_with_look_alike_ids_is_refused_too(tmp_path: Path) -> None:
    from corpuskit.writer import write_archive
    from corpuskit.zipfiles.deflate import COMPRESSIONS

    package = _built(tmp_path, {"m.md": b"The first text.\n", "mz.txt": b"The second.\n"})
    _renamed(package, "mz", f"m{ZWSP}", ".txt")
    created = json.loads((package / "datapackage.json").read_text("utf-8"))["created"]
    archive = write_archive(package, tmp_path / "forged.zip", created, root=package.name,
                            compression=COMPRESSIONS["zlib-4"])

    problems = corpuskit.validate(archive, jobs=1).problems
    assert [(p.path, p.code, p.location) for p in problems] == [
        ("data/documents.jsonl", "name-collision", "line 2")], problems


def test_ids_with_hidden_characters_are_refused_beside_each_other(tmp_path: Path) -> None:
    package = _built(tmp_path, {"a.txt": b"One.\n", "b.txt": b"Two.\n", "c.md": b"Three.\n"})
    _renamed(package, "b", f"k{ZWSP}", ".txt")
    _renamed(package, "c", f"k{ZWSP}{ZWSP}", ".md")

    problems = corpuskit.validate(package, jobs=1).problems
    assert sorted((p.path, p.code, p.location) for p in problems) == [
        ("data/documents.jsonl", "name-collision", "line 2"),
        ("data/documents.jsonl", "name-collision", "line 3")], problems


def test_ids_from_file_names_that_collide_are_said_once_at_the_files(tmp_path: Path) -> None:
    """Names that differ only in what nothing shows collide as files (reported at each
    file, naming the id too); their ids are not reported again."""
    package = _built(tmp_path, {"a.txt": b"One.\n", "b.txt": b"Two.\n", "c.txt": b"Three.\n"})
    _renamed(package, "b", f"k{ZWSP}", ".txt")
    _renamed(package, "c", f"k{ZWSP}{ZWSP}", ".txt")

    problems = corpuskit.validate(package, jobs=1).problems
    assert sorted((p.path, p.code) for p in problems) == [
        (f"data/raw/k{ZWSP}.txt", "name-collision"),
        (f"data/raw/k{ZWSP}{ZWSP}.txt", "name-collision")], problems
    assert all("(a record's id)" in p.message for p in problems)


def test_an_id_with_a_hidden_character_and_no_look_alike_is_valid(tmp_path: Path) -> None:
    package = _built(tmp_path, {f"n{ZWSP}.txt": b"A text.\n", "m.txt": b"Another.\n"})
    report = corpuskit.validate(package, jobs=1)
    assert report.valid, report.problems
    assert report.documents == 2


def test_look_alikes_of_an_id_are_named_though_their_own_files_collide(tmp_path: Path) -> None:
    """``m`` (m.md) beside ``m``+U+200B and ``m``+U+2060 (.txt): the two .txt files collide
    with each other (said at the files), and both ids look like ``m``, whose file collides
    with neither: that is said too, in the same run, as build says it of such seeds."""
    package = _built(tmp_path, {"m.md": b"One.\n", "a1.txt": b"Two.\n", "a2.txt": b"Three.\n"})
    _renamed(package, "a1", f"m{ZWSP}", ".txt")
    _renamed(package, "a2", "m\u2060", ".txt")

    problems = corpuskit.validate(package, jobs=1).problems
    assert sorted((p.path, p.code, p.location) for p in problems) == [
        ("data/documents.jsonl", "name-collision", "line 2"),
        ("data/documents.jsonl", "name-collision", "line 3"),
        (f"data/raw/m{ZWSP}.txt", "name-collision", ""),
        ("data/raw/m\u2060.txt", "name-collision", "")], problems
    for problem in (p for p in problems if p.location):
        assert "differs from m only in characters nothing shows" in problem.message


NFC_E = "\u00e9"  # é as one character
NFD_E = "e\u0301"  # e and a combining acute accent: shows as é


@pytest.mark.parametrize("jobs", [1, 2])
def test_ids_that_differ_only_in_unicode_normalization_are_refused(tmp_path: Path,
                                                                   jobs: int) -> None:
    """U+00E9 and ``e`` + U+0301 show the same: ids that differ only so look alike, as
    ids that differ only in characters nothing shows do; in a folder and in an archive."""
    from corpuskit.writer import write_archive
    from corpuskit.zipfiles.deflate import COMPRESSIONS

    package = _built(tmp_path, {f"caf{NFC_E}.md": b"The first text.\n",
                                "cafz.txt": b"The second.\n"})
    assert corpuskit.validate(package, jobs=jobs).valid
    _renamed(package, "cafz", f"caf{NFD_E}", ".txt")
    created = json.loads((package / "datapackage.json").read_text("utf-8"))["created"]
    archive = write_archive(package, tmp_path / "forged.zip", created, root=package.name,
                            compression=COMPRESSIONS["zlib-4"])

    for target in (package, archive):
        problems = corpuskit.validate(target, jobs=jobs).problems
        # caf + e + U+0301 sorts before caf + U+00E9: line 1.
        assert [(p.path, p.code, p.location) for p in problems] == [
            ("data/documents.jsonl", "name-collision", "line 1")], problems
        assert ("cafe\\u0301 as escapes, differs from caf\\u00e9 only in Unicode "
                "normalization") in problems[0].message


def test_ids_that_differ_in_normalization_and_hidden_characters_are_refused(
        tmp_path: Path) -> None:
    package = _built(tmp_path, {f"{NFC_E}.md": b"One.\n", "z.txt": b"Two.\n"})
    _renamed(package, "z", f"{NFD_E}{ZWSP}", ".txt")

    problems = corpuskit.validate(package, jobs=1).problems
    assert [(p.path, p.code, p.location) for p in problems] == [
        ("data/documents.jsonl", "name-collision", "line 1")], problems
    assert "\\u00e9 only in Unicode normalization (two encodings of the same characters, " \
        "as U+00E9 is one character or e and the combining accent U+0301) and characters " \
        "nothing shows (such as U+200B, a zero-width space): the two look" in problems[0].message


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_id_not_in_nfc_and_with_no_look_alike_is_valid(tmp_path: Path, jobs: int) -> None:
    """Names written in NFD (as macOS's older file systems stored them) are fine alone."""
    package = _built(tmp_path, {f"caf{NFD_E}.txt": b"A text.\n", "cafe.txt": b"Another.\n",
                                f"{NFC_E}t{NFC_E}.txt": b"Summer.\n"})
    report = corpuskit.validate(package, jobs=jobs)
    assert report.valid, report.problems
    assert report.documents == 3



def _clean_pass(target: Path, jobs: int) -> object:
    """What the clean pass makes of ``target`` (None: it gave up)."""
    from corpuskit.validation.clean import CleanChecker
    from corpuskit.validation.view import archive_view, folder_view
    from corpuskit.zipfiles.zipsource import ZipSource

    if target.is_dir():
        view = folder_view(target, measure_raw=False, stream_raw=True)
        return CleanChecker(view, fast=False, reproduce=False, jobs=jobs).check()
    with ZipSource(target, strict=False) as source:
        view = archive_view(source, stream_raw=True)
        return CleanChecker(view, fast=False, reproduce=False, jobs=jobs).check()


def _archive_of(package: Path, tmp_path: Path) -> Path:
    from corpuskit.writer import write_archive
    from corpuskit.zipfiles.deflate import COMPRESSIONS

    created = json.loads((package / "datapackage.json").read_text("utf-8"))["created"]
    return write_archive(package, tmp_path / f"{package.name}.zip", created,
                         root=package.name, compression=COMPRESSIONS["zlib-4"])


@pytest.mark.parametrize("jobs", [1, 2])
def test_ids_not_in_nfc_or_with_hidden_characters_keep_the_fast_pass(tmp_path: Path,
                                                                     jobs: int) -> None:
    """An id written in NFD, or holding a character nothing shows, with no look-alike: the
    clean pass (which reads each file once) accepts the package; whether ids look alike is
    asked of the raw files' listing, not left to the precise check (twice as slow)."""
    package = _built(tmp_path, {f"caf{NFD_E}.txt": b"A text.\n", f"n{ZWSP}.md": b"Two.\n",
                                f"d/{NFD_E}t{NFD_E}.txt": b"Summer.\n", "cafe.txt": b"More.\n"})
    for target in (package, _archive_of(package, tmp_path)):
        assert _clean_pass(target, jobs) is not None, target


@pytest.mark.parametrize("where", ["one folder", "look-alike folders"])
def test_the_fast_pass_leaves_look_alike_ids_to_the_precise_check(tmp_path: Path,
                                                                   where: str) -> None:
    """Look-alike ids in one folder (the listing of that folder says so), or in two folders
    whose names look alike (their names collide): the clean pass gives up, in a folder and
    in an archive, and validate names them."""
    package = _built(tmp_path, {f"d/caf{NFC_E}.md": b"One.\n", "d/z.txt": b"Two.\n",
                                f"{NFC_E}/x.txt": b"Three.\n", "f/x.md": b"Four.\n"})
    if where == "one folder":
        _renamed(package, "d/z", f"d/caf{NFD_E}", ".txt")
    else:
        (package / "data" / "raw" / NFD_E).mkdir()
        _renamed(package, "f/x", f"{NFD_E}/x", ".md")
        (package / "data" / "raw" / "f").rmdir()
    archive = _archive_of(package, tmp_path)
    for target in (package, archive):
        assert _clean_pass(target, 2) is None, target
        problems = corpuskit.validate(target, jobs=2).problems
        assert problems and {p.code for p in problems} == {"name-collision"}, problems


def test_names_that_print_alike_are_spelled_out_in_their_problems(tmp_path: Path) -> None:
    """QA: a raw file renamed to its NFD spelling was "present but not listed" and
    "listed but absent" under one printed name, and a record whose id was renamed so,
    with its source_path alone, said its id "does not match" what printed as the same."""
    nfc, nfd = "caf\u00e9", "cafe\u0301"
    package = _built(tmp_path, {f"{nfc}.txt": b"A text about coffee.\n",
                                "other.txt": b"Another text.\n"})
    raw = package / "data" / "raw"
    (raw / f"{nfc}.txt").rename(raw / f"{nfd}.txt")
    said = {(p.code, p.message) for p in corpuskit.validate(package, jobs=1).problems
            if p.path.startswith("data/raw/caf")}
    spelled = f" (spelled data/raw/{nfd.encode('unicode_escape').decode()}.txt)"
    assert ("unlisted-file", f"present but not listed in manifest-sha256.txt{spelled}") \
        in said, said
    assert ("missing-file", "listed in manifest-sha256.txt (line 1) but absent") in said
    # The record now names the NFD file, its id left in NFC.
    records_path = package / "data" / "documents.jsonl"
    lines = records_path.read_bytes().split(b"\n")
    lines[0] = lines[0].replace(f'"source_path":"{nfc}.txt"'.encode(),
                                f'"source_path":"{nfd}.txt"'.encode())
    records_path.write_bytes(b"\n".join(lines))
    resign(package)
    [mismatch] = [p.message for p in corpuskit.validate(package, jobs=1).problems
                  if p.code == "record-mismatch"]
    assert mismatch.endswith("they differ only in how they are spelled: caf\\u00e9 and "
                             "cafe\\u0301)"), mismatch
