"""The clean pass: a package folder checked as a stream (each raw file read with its record,
the payload manifest compared byte for byte with the lines the records imply), with memory
flat in the number of documents.

It may only ever accept a package the precise check finds clean: anything else must make
it give up, and the report is then the precise check's, exactly. These tests damage the
sample package in the ways a merge-join could overlook (files no record names, lines out
of order, a raw file that is not the one listed, ...) and compare with the precise check.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from _validate_support import built, copy_release, records, resign, write_records

from corpuskit.problems import Problem
from corpuskit.validation import package as checker
from corpuskit.validation import validate
from corpuskit.validation.report import sort_problems

Damage = Callable[[Path], None]


def clean(target: Path, jobs: int = 1) -> checker.PackageResult | None:
    view = checker.folder_view(target, measure_raw=False, stream_raw=True)
    return checker._CleanChecker(view, fast=False, reproduce=False, jobs=jobs).check()


def precise(target: Path) -> checker.PackageResult:
    return checker.check_package(checker.folder_view(target, measure_raw=False), jobs=1)


@pytest.mark.parametrize("kind", ["default", "percent"])
def test_a_sound_package_is_accepted_with_the_precise_counts(tmp_path: Path, kind: str
                                                             ) -> None:
    target = copy_release(tmp_path, kind)
    slow = precise(target)
    assert slow.problems == []
    for jobs in (1, 2):
        fast = clean(target, jobs)
        assert fast is not None, "the clean pass refused a sound package"
        assert (fast.documents, fast.files, fast.bytes) == \
            (slow.documents, slow.files, slow.bytes)


def _raw_files(target: Path) -> list[Path]:
    return sorted(p for p in (target / "data/raw").rglob("*") if p.is_file())


def _extra_raw_file(target: Path) -> None:
    (target / "data/raw/zz-nobody.txt").write_bytes(b"no record names me\n")


def _extra_raw_file_resigned(target: Path) -> None:
    _extra_raw_file(target)
    resign(target)


def _raw_file_removed_resigned(target: Path) -> None:
    _raw_files(target)[0].unlink()
    resign(target)


def _raw_file_replaced_resigned(target: Path) -> None:
    raw = _raw_files(target)[-1]
    raw.write_bytes(raw.read_bytes() + b"more\n")
    resign(target)


def _records_swapped_resigned(target: Path) -> None:
    items = records(target)
    items[0], items[1] = items[1], items[0]
    write_records(target, items)
    resign(target)


def _record_dropped_resigned(target: Path) -> None:
    items = records(target)
    del items[len(items) // 2]
    write_records(target, items)
    resign(target)


def _manifest_lines_swapped(target: Path) -> None:
    manifest = target / "manifest-sha256.txt"
    lines = manifest.read_bytes().splitlines(keepends=True)
    lines[0], lines[1] = lines[1], lines[0]
    manifest.write_bytes(b"".join(lines))


def _manifest_line_dropped(target: Path) -> None:
    manifest = target / "manifest-sha256.txt"
    lines = manifest.read_bytes().splitlines(keepends=True)
    manifest.write_bytes(b"".join(lines[:-2] + lines[-1:]))


def _manifest_line_repeated(target: Path) -> None:
    manifest = target / "manifest-sha256.txt"
    lines = manifest.read_bytes().splitlines(keepends=True)
    manifest.write_bytes(b"".join(lines[:1] + lines))


def _manifest_crlf(target: Path) -> None:
    manifest = target / "manifest-sha256.txt"
    manifest.write_bytes(manifest.read_bytes().replace(b"\n", b"\r\n", 1))


def _manifest_no_final_lf(target: Path) -> None:
    manifest = target / "manifest-sha256.txt"
    manifest.write_bytes(manifest.read_bytes()[:-1])


def _manifest_extra_line(target: Path) -> None:
    manifest = target / "manifest-sha256.txt"
    manifest.write_bytes(manifest.read_bytes() + b"0" * 64 + b"  data/raw/gone.txt\n")


def _payload_file_added_resigned(target: Path) -> None:
    (target / "data/notes.txt").write_bytes(b"a payload file of its own\n")
    resign(target)


def _blank_record_line(target: Path) -> None:
    documents = target / "data/documents.jsonl"
    documents.write_bytes(documents.read_bytes() + b"\n")
    resign(target)


def _symlinked_raw_file(target: Path) -> None:
    raw = _raw_files(target)[0]
    moved = target / "elsewhere.txt"
    raw.rename(moved)
    raw.symlink_to(moved)


def _other_manifest(target: Path) -> None:
    shutil.copyfile(target / "manifest-sha256.txt", target / "manifest-md5.txt")


DAMAGES: dict[str, Damage] = {f.__name__.strip("_"): f for f in (
    _extra_raw_file, _extra_raw_file_resigned, _raw_file_removed_resigned,
    _raw_file_replaced_resigned, _records_swapped_resigned, _record_dropped_resigned,
    _manifest_lines_swapped, _manifest_line_dropped, _manifest_line_repeated,
    _manifest_crlf, _manifest_no_final_lf, _manifest_extra_line,
    _payload_file_added_resigned, _blank_record_line, _symlinked_raw_file, _other_manifest,
)}


@pytest.mark.parametrize("name", sorted(DAMAGES))
def test_damage_is_refused_and_reported_as_the_precise_check_does(tmp_path: Path,
                                                                  name: str) -> None:
    target = copy_release(tmp_path)
    DAMAGES[name](target)
    expected = precise(target)
    if name != "payload_file_added_resigned":  # a sound package still
        assert expected.problems, "the damage should be a problem"
        assert clean(target) is None, "the clean pass accepted a damaged package"
        assert clean(target, jobs=2) is None
    report = validate(target, jobs=1)
    assert report.problems == sort_problems(expected.problems)
    assert (report.files, report.bytes, report.documents) == \
        (expected.files, expected.bytes, expected.documents)
    assert validate(target, jobs=2).as_dict() == report.as_dict()


def test_the_raw_files_listed_must_be_those_the_records_name(tmp_path: Path) -> None:
    """As many raw files as records is not enough: their paths must be the same (on a
    file system that folds case, a record could open a file listed under another name)."""
    target = copy_release(tmp_path)
    view = checker.folder_view(target, measure_raw=False, stream_raw=True)
    walk = view.walk_raw
    assert walk is not None

    def another_path() -> list[Problem]:
        found = walk()
        view.raw_hash ^= 1
        return found

    view.walk_raw = another_path
    assert checker._CleanChecker(view, fast=False, reproduce=False, jobs=1).check() is None


@pytest.mark.parametrize("rel", ["manifest-sha256.txt", "data/documents.jsonl"])
def test_every_flipped_byte_of_the_streamed_files_is_refused(tmp_path: Path, rel: str
                                                            ) -> None:
    """The two files the clean pass reads its own way: a flip of any of their bytes."""
    source = built().release
    target = copy_release(tmp_path)
    data = (source / rel).read_bytes()
    step = max(1, len(data) // 400)
    for offset in range(0, len(data), step):
        damaged = bytearray(data)
        damaged[offset] ^= 0x20
        (target / rel).write_bytes(bytes(damaged))
        assert clean(target) is None, f"{rel}: byte {offset} went unnoticed"
    (target / rel).write_bytes(data)
    assert clean(target) is not None


@pytest.mark.parametrize("algorithms", [("sha256",), ("md5", "sha256")])
def test_a_file_read_to_its_expected_size_is_read_whole(tmp_path: Path,
                                                        algorithms: tuple[str, ...]) -> None:
    """The read that stops at the size a record expects: whatever the file's real size,
    the digests and size are those of all its bytes."""
    import hashlib

    from corpuskit.validation.digest import CHUNK, FileDigester

    for size in (0, 1, 2047, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + 5):
        data = bytes(i % 251 for i in range(size))
        (tmp_path / "f").write_bytes(data)
        expected = tuple(hashlib.new(name, data).digest() for name in algorithms)
        with FileDigester(str(tmp_path), lambda rel: open(rel, "rb"), algorithms) as digester:
            for guess in {-1, 0, 1, size - 1, size, size + 1, CHUNK}:
                assert digester.digest("f", guess) == (size, expected), (size, guess)


def test_path_tokens_tell_apart_names_a_folding_file_system_would_merge() -> None:
    from corpuskit.validation.records import HASH_MASK, path_token

    names = ["data/raw/a.txt", "data/raw/A.txt", "data/raw/é.txt", "data/raw/e\u0301.txt"]
    tokens = [path_token(name) for name in names]
    assert len(set(tokens)) == len(names)
    assert tokens == [path_token(name) for name in names]  # stable within a run
    assert all(0 <= token <= HASH_MASK for token in tokens)
    listed = (tokens[0] + tokens[2]) & HASH_MASK
    named = (tokens[1] + tokens[2]) & HASH_MASK
    assert listed != named
