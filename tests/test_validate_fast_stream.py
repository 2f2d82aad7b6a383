"""``--fast``'s clean pass: sizes, presence and counts as a stream, memory flat.

It may only ever accept a package the precise check with ``fast`` finds clean: anything
else must make it give up, and the report is then the precise check's, exactly. These
tests damage the sample package in the ways a count of the raw files and of the payload
manifest's lines could overlook, and compare with the precise check.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from _validate_support import copy_release, resign, zip_of
from test_validate_stream import DAMAGES, Damage

from corpuskit.problems import Problem
from corpuskit.validation import fastclean, validate
from corpuskit.validation import package as checker
from corpuskit.validation.fastclean import FastCleanChecker
from corpuskit.validation.precise import PackageResult
from corpuskit.validation.report import sort_problems
from corpuskit.validation.view import archive_view, folder_view
from corpuskit.zipfiles.zipsource import ZipSource


def fast_clean(target: Path, jobs: int = 1) -> PackageResult | None:
    if target.suffix == ".zip":
        with ZipSource(target, strict=False) as source:
            return FastCleanChecker(archive_view(source, stream_raw=True), fast=True,
                                    reproduce=False, jobs=jobs).check()
    view = folder_view(target, measure_raw=True, stream_raw=True)
    return FastCleanChecker(view, fast=True, reproduce=False, jobs=jobs).check()


def fast_precise(target: Path) -> PackageResult:
    if target.suffix == ".zip":
        with ZipSource(target, strict=False) as source:
            return checker.check_package(archive_view(source), fast=True, jobs=1)
    return checker.check_package(folder_view(target, measure_raw=True), fast=True, jobs=1)


def _raw_files(target: Path) -> list[Path]:
    return sorted(p for p in (target / "data/raw").rglob("*") if p.is_file())


def _raw_file_grown(target: Path) -> None:
    """A raw file one byte longer, nothing re-sealed: Payload-Oxum tells it, fast."""
    raw = _raw_files(target)[0]
    raw.write_bytes(raw.read_bytes() + b"x")


def _raw_file_renamed(target: Path) -> None:
    raw = _raw_files(target)[0]
    raw.rename(raw.with_name("zz-" + raw.name))


def _raw_files_names_swapped(target: Path) -> None:
    """Two raw files' names exchanged: the same names and sizes as before if the two are
    the same size, else Payload-Oxum agrees still; fast sees no difference of names."""
    first, second = _raw_files(target)[:2]
    first.rename(target / "moving")
    second.rename(first)
    (target / "moving").rename(second)


def _documents_resource_bytes(target: Path) -> None:
    descriptor = target / "datapackage.json"
    descriptor.write_text(descriptor.read_text().replace('"bytes": ', '"bytes": 1', 1))


def _documents_counted_wrong_resealed(target: Path) -> None:
    """corpuskit.documents one more than the raw files, the tag manifest made again:
    fast compares the two."""
    descriptor = target / "datapackage.json"
    data = json.loads(descriptor.read_text())
    data["corpuskit"]["documents"] += 1
    descriptor.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    _tag_manifest_again(target)


def _tag_manifest_again(target: Path) -> None:
    tags = sorted(rel for rel in (p.relative_to(target).as_posix() for p in target.iterdir()
                                  if p.is_file()) if not rel.startswith("tagmanifest-"))
    (target / "tagmanifest-sha256.txt").write_text("".join(
        f"{hashlib.sha256((target / rel).read_bytes()).hexdigest()}  {rel}\n" for rel in tags))


def _raw_file_in_a_subfolder_resigned(target: Path) -> None:
    """A raw file moved into a folder of data/raw/, re-sealed: a layout a build makes of
    seeds in folders; only the records tell that theirs is elsewhere."""
    raw = _raw_files(target)[0]
    (target / "data/raw/deeper").mkdir()
    raw.rename(target / "data/raw/deeper" / raw.name)
    resign(target)


def _raw_file_refused_name_resigned(target: Path) -> None:
    """A raw file build refuses for its name (hidden), listed and counted as any other."""
    raw = _raw_files(target)[0]
    raw.rename(raw.with_name("." + raw.name))
    resign(target)


def _payload_manifest_digest_changed(target: Path) -> None:
    """A payload digest off: the full check's problem, not --fast's (nothing is hashed)."""
    manifest = target / "manifest-sha256.txt"
    data = manifest.read_bytes()
    manifest.write_bytes(b"f" + data[1:] if data[:1] != b"f" else b"e" + data[1:])


def _manifest_lists_an_absent_payload_file(target: Path) -> None:
    """A line for a payload file outside data/raw/ that is absent, in its place, the tag
    manifest made again."""
    manifest = target / "manifest-sha256.txt"
    manifest.write_bytes(manifest.read_bytes() + b"0" * 64 + b"  data/documents.parquet\n")
    _tag_manifest_again(target)


FAST_DAMAGES: dict[str, Damage] = {**DAMAGES, **{f.__name__.strip("_"): f for f in (
    _raw_file_grown, _raw_file_renamed, _raw_files_names_swapped, _documents_resource_bytes,
    _documents_counted_wrong_resealed, _raw_file_in_a_subfolder_resigned,
    _raw_file_refused_name_resigned, _payload_manifest_digest_changed,
    _manifest_lists_an_absent_payload_file,
)}}

#: What --fast cannot see (it reads no file but the small ones): the precise check with
#: ``fast`` finds nothing either, and both passes accept the package.
UNSEEN_BY_FAST = {"raw_file_replaced_resigned", "records_swapped_resigned",
                  "blank_record_line", "raw_files_names_swapped",
                  "payload_manifest_digest_changed", "raw_file_in_a_subfolder_resigned"}


@pytest.mark.parametrize("form", ["folder", "archive"])
@pytest.mark.parametrize("kind", ["default", "percent"])
def test_a_sound_package_is_accepted_with_the_precise_counts(tmp_path: Path, kind: str,
                                                             form: str) -> None:
    target = copy_release(tmp_path / "folder", kind)
    if form == "archive":
        target = zip_of(target, tmp_path)
    slow = fast_precise(target)
    assert slow.problems == []
    for jobs in (1, 2):
        fast = fast_clean(target, jobs)
        assert fast is not None, f"the fast clean pass refused a sound {form}"
        assert (fast.documents, fast.files, fast.bytes, fast.not_checked) == \
            (slow.documents, slow.files, slow.bytes, slow.not_checked)


@pytest.mark.parametrize("form", ["folder", "archive"])
def test_validate_fast_reads_a_sound_package_in_the_clean_pass_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, form: str) -> None:
    target = copy_release(tmp_path / "folder")
    if form == "archive":
        target = zip_of(target, tmp_path)
    expected = fast_precise(target)
    monkeypatch.setattr(checker, "check_package", None)  # any call fails
    report = validate(target, fast=True, jobs=1)
    assert report.valid and report.mode == "fast"
    assert (report.documents, report.files, report.bytes) == \
        (expected.documents, expected.files, expected.bytes)


@pytest.mark.parametrize(("name", "form"), [
    (name, form) for name in sorted(FAST_DAMAGES) for form in ("folder", "archive")
    # (corpuskit's zip writer makes no symbolic link of one: test_validate_stream's tests)
    if (name, form) != ("symlinked_raw_file", "archive")])
def test_damage_is_refused_and_reported_as_the_precise_fast_check_does(
        tmp_path: Path, name: str, form: str) -> None:
    target = copy_release(tmp_path / "folder")
    FAST_DAMAGES[name](target)
    if form == "archive":
        target = zip_of(target, tmp_path)
    expected = fast_precise(target)
    if name in UNSEEN_BY_FAST:
        assert expected.problems == [], "--fast saw what it does not read"
        assert fast_clean(target) is not None
    else:
        assert expected.problems, "the damage should be a problem for --fast"
        assert fast_clean(target, 1) is None, "the fast clean pass accepted a damaged package"
        assert fast_clean(target, 2) is None
    report = validate(target, fast=True, jobs=1)
    assert report.problems == sort_problems(expected.problems)
    assert (report.files, report.bytes, report.documents) == \
        (expected.files, expected.bytes, expected.documents)


def _manifest_edited(edit: Callable[[list[bytes]], list[bytes]]) -> Damage:
    def damage(target: Path) -> None:
        manifest = target / "manifest-sha256.txt"
        lines = manifest.read_bytes().splitlines(keepends=True)
        manifest.write_bytes(b"".join(edit(lines)))
    return damage


@pytest.mark.parametrize("edit", [
    lambda lines: [lines[1], lines[0], *lines[2:]],  # across the first two batches
    lambda lines: [*lines[:2], lines[1], *lines[2:]],  # a line repeated in the next batch
    lambda lines: [*lines[:-2], lines[-1], lines[-2]],  # the last two swapped
], ids=["swapped", "repeated", "last-swapped"])
def test_the_manifests_order_is_held_across_its_batches(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        edit: Callable[[list[bytes]], list[bytes]]) -> None:
    """The manifest is parsed a batch at a time: its order, which says no line is there
    twice, is held from one batch to the next (batches of one line here)."""
    monkeypatch.setattr(fastclean, "MANIFEST_BATCH", 1)
    target = copy_release(tmp_path)
    assert fast_clean(target) is not None
    _manifest_edited(edit)(target)
    expected = fast_precise(target)
    assert expected.problems
    assert fast_clean(target) is None
    assert validate(target, fast=True, jobs=1).problems == sort_problems(expected.problems)


def test_the_raw_files_listed_must_be_those_present(tmp_path: Path) -> None:
    """As many raw files as manifest lines is not enough: their paths must be the same."""
    target = copy_release(tmp_path)
    view = folder_view(target, measure_raw=True, stream_raw=True)
    walk = view.walk_raw
    assert walk is not None

    def another_path() -> Iterator[list[Problem]]:
        yield from walk()
        view.raw_hash ^= 1

    view.walk_raw = another_path
    assert FastCleanChecker(view, fast=True, reproduce=False, jobs=1).check() is None


def test_the_fast_clean_pass_lists_no_raw_file(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Memory flat in the number of documents: no table holds a raw file's path, and the
    manifest is held a batch at a time (parse_manifest never sees more than a batch)."""
    monkeypatch.setattr(fastclean, "MANIFEST_BATCH", 2)
    seen: list[int] = []
    parse = fastclean.parse_manifest

    def counting(lines: list[tuple[int, bytes]], *args: object, **kwargs: object
                 ) -> object:
        seen.append(len(lines))
        return parse(lines, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fastclean, "parse_manifest", counting)
    target = copy_release(tmp_path)
    raw = _raw_files(target)
    assert len(raw) >= 2
    view = folder_view(target, measure_raw=True, stream_raw=True)
    pass_ = FastCleanChecker(view, fast=True, reproduce=False, jobs=1)
    assert pass_.check() is not None
    assert not any(rel.startswith("data/raw/") for rel in pass_.files)
    assert max(seen) <= 2 and sum(seen) == len(raw) + 1  # + data/documents.jsonl
    assert view.raw_bytes == sum(path.stat().st_size for path in raw)


def test_a_raw_file_that_cannot_be_measured_is_left_to_the_precise_check(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = copy_release(tmp_path)
    stat = os.DirEntry.stat  # type: ignore[attr-defined]
    victim = _raw_files(target)[0].name
    calls: list[str] = []

    def failing(entry: os.DirEntry[str], *, follow_symlinks: bool = True) -> os.stat_result:
        if entry.name == victim:
            calls.append(entry.name)
            raise PermissionError(13, "Permission denied")
        return stat(entry, follow_symlinks=follow_symlinks)  # type: ignore[no-any-return]

    class Entry:  # os.DirEntry cannot be patched: wrap scandir's entries
        def __init__(self, entry: os.DirEntry[str]) -> None:
            self._entry = entry

        def __getattr__(self, name: str) -> object:
            return getattr(self._entry, name)

        def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
            return failing(self._entry, follow_symlinks=follow_symlinks)

    scandir = os.scandir

    class Scan:
        def __init__(self, path: str) -> None:
            self._it = scandir(path)

        def __enter__(self) -> Iterator[Entry]:
            return (Entry(entry) for entry in self._it)

        def __exit__(self, *exc: object) -> None:
            self._it.close()

    monkeypatch.setattr("corpuskit.validation.view.os.scandir", Scan)
    assert fast_clean(target) is None
    assert calls
