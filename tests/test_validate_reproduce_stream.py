"""``validate --reproduce`` of a package the clean pass proves clean: the clean pass, then the
records re-derived as a stream (:mod:`corpuskit.validation.reproducepass`), memory flat in
the number of documents, where the precise check held tables per file (about 0.7 KB a
document: 383 MB at 200,000 documents).

The report must be the precise check's with ``reproduce``, exactly: a package whose records
were forged consistently (text, hashes, counts and manifests re-sealed, so that only
re-deriving them can tell) is reported the same way by both. A package changed between the
two passes is left to the precise check, which reports it as it then is.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from _validate_support import (
    built,
    copy_archive,
    copy_release,
    records,
    resign,
    write_records,
    zip_of,
)

from corpuskit.errors import WorkerDied
from corpuskit.package import DOCUMENTS_PATH
from corpuskit.packagesource import DESCRIPTOR
from corpuskit.validation import (
    ValidationReport,
    reading,
    reproduce,
    reproducepass,
    validate,
)
from corpuskit.validation import package as checker
from corpuskit.validation.clean import CleanChecker
from corpuskit.validation.precise import PackageResult
from corpuskit.validation.reading import PackageReader
from corpuskit.validation.report import sort_problems
from corpuskit.validation.view import archive_view, folder_view
from corpuskit.zipfiles.zipsource import ZipSource


def _forged(target: Path) -> None:
    """Two records of the package folder ``target`` forged, everything re-sealed: the text
    of the fifth (its hash and counts made to agree), the title of the seventh."""
    from corpuskit.records import count_paragraphs, count_words, sha256_hex

    items = records(target)
    text = str(items[4]["text"]).replace("a", "o", 1)
    items[4].update(text=text, chars=len(text), words=count_words(text),
                    paragraphs=count_paragraphs(text), text_sha256=sha256_hex(text.encode()))
    items[6]["title"] = "A forged title"
    write_records(target, items)
    resign(target)


def _target(tmp_path: Path, form: str, damage: Callable[[Path], None] | None = None
            ) -> Path:
    """A copy of the sample release, ``damage`` done to it, as a folder or its archive."""
    folder = copy_release(tmp_path / "folder")
    if damage is not None:
        damage(folder)
    return folder if form == "folder" else zip_of(folder, tmp_path)


def _precise(target: Path, jobs: int) -> PackageResult:
    """The precise check of ``target`` with ``reproduce`` (as validate ran it before)."""
    if target.is_dir():
        return checker.check_package(folder_view(target, measure_raw=False), reproduce=True,
                                     jobs=jobs)
    with ZipSource(target, strict=False) as source:
        return checker.check_package(archive_view(source), reproduce=True, jobs=jobs)


def _checked(target: Path, jobs: int, progress: Any = None) -> PackageResult:
    """What validate's check of ``target`` with ``reproduce`` gives (the clean pass first)."""
    if target.is_dir():
        return checker.check_folder(target, reproduce=True, jobs=jobs, progress=progress)
    with ZipSource(target, strict=False) as source:
        return checker.check_archive(source, reproduce=True, jobs=jobs, progress=progress)


@pytest.fixture
def no_precise_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any use of the precise check fails the test."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the precise check ran")

    monkeypatch.setattr(checker, "check_package", refuse)


@pytest.fixture
def streamed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """Yields, for each streamed reproduction, whether it gave a result (False: it gave up
    and the precise check ran)."""
    taken: list[bool] = []
    original = checker.reproduce_clean

    def spied(*args: Any, **kwargs: Any) -> PackageResult | None:
        result = original(*args, **kwargs)
        taken.append(result is not None)
        return result

    monkeypatch.setattr(checker, "reproduce_clean", spied)
    yield taken


def _same(found: PackageResult, expected: PackageResult) -> None:
    assert sort_problems(found.problems) == sort_problems(expected.problems)
    assert (found.documents, found.files, found.bytes, found.not_checked) == \
        (expected.documents, expected.files, expected.bytes, expected.not_checked)


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("form", ["folder", "archive"])
def test_a_sound_package_is_reproduced_without_the_precise_check(
        tmp_path: Path, form: str, jobs: int, no_precise_check: None) -> None:
    target = built().release if form == "folder" else copy_archive(tmp_path)
    report = validate(target, reproduce=True, jobs=jobs)
    assert report.valid, report.problems
    assert report.reproduce and report.documents == len(records(built().release))


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("form", ["folder", "archive"])
def test_a_consistent_forgery_is_reported_as_the_precise_check_reports_it(
        tmp_path: Path, form: str, jobs: int, streamed: list[bool]) -> None:
    """Only re-deriving the records tells a forgery re-sealed everywhere: the clean pass
    accepts the package, and the streamed reproduction names the two records, as the
    precise check with ``reproduce`` does, with the same counts; the whole report is the
    same with or without the streamed pass."""
    target = _target(tmp_path, form, _forged)
    expected = _precise(target, jobs)
    assert [(p.code, p.location) for p in sort_problems(expected.problems)] == \
        [("record-mismatch", "line 5"), ("record-mismatch", "line 7")]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(checker, "check_package", None)  # any call fails
        _same(_checked(target, jobs), expected)
    report = validate(target, reproduce=True, jobs=jobs)
    assert streamed == [True, True]
    with pytest.MonkeyPatch.context() as patch:  # the precise path, as before
        patch.setattr(checker, "reproduce_clean", lambda *args, **kwargs: None)
        before = validate(target, reproduce=True, jobs=jobs)
    assert report.as_dict() == before.as_dict()


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize(("lines", "size"), [(1, 1 << 20), (3, 1 << 20), (64, 1), (64, 2000)])
def test_batches_of_any_size_give_the_same_problems(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, streamed: list[bool], jobs: int,
        lines: int, size: int) -> None:
    """The records read 97 bytes at a time (lines across many blocks), in batches of at
    most ``lines`` lines and ``size`` bytes (one line at least): the same problems, at
    the same lines, as the precise check."""
    target = _target(tmp_path, "folder", _forged)
    expected = _precise(target, jobs)
    monkeypatch.setattr(reading, "CHUNK", 97)
    monkeypatch.setattr(reproducepass, "REPRODUCE_BATCH", lines)
    monkeypatch.setattr(reproducepass, "BATCH_BYTES", size)
    monkeypatch.setattr(reproducepass, "BATCHES_IN_FLIGHT", 1)
    _same(_checked(target, jobs), expected)
    assert streamed == [True]


def test_problems_beyond_those_kept_are_counted_as_the_precise_check_counts_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, streamed: list[bool]) -> None:
    """Past KEPT_OF_A_CODE problems of a code, the others are counted, not kept: the same
    ones, and the same count, as the precise check."""
    from corpuskit import problems

    target = _target(tmp_path, "folder", _forged)
    monkeypatch.setattr(problems, "KEPT_OF_A_CODE", 1)
    expected = _precise(target, 1)
    found = _checked(target, 1)
    assert streamed == [True]
    _same(found, expected)
    assert getattr(found.problems, "dropped", None) == {"record-mismatch": 1}
    assert getattr(expected.problems, "dropped", None) == {"record-mismatch": 1}


def _after_the_clean_pass(monkeypatch: pytest.MonkeyPatch, change: Callable[[], None]) -> None:
    """``change`` made to the package once the clean pass has found it clean."""
    original = CleanChecker.check

    def check(self: CleanChecker) -> PackageResult | None:
        result = original(self)
        if result is not None:
            change()
        return result

    monkeypatch.setattr(CleanChecker, "check", check)


def _raw_flipped(target: Path) -> None:
    """A byte of a raw file changed, its size the same."""
    raw = target / "data/raw/nfd.txt"
    data = bytearray(raw.read_bytes())
    data[0] ^= 0x01
    raw.write_bytes(bytes(data))


def _record_text_changed(target: Path) -> None:
    """A letter of the text of a record changed (the records file's size the same)."""
    path = target / "data/documents.jsonl"
    data = path.read_bytes()
    at = data.index(b'"text":"') + len(b'"text":"')
    path.write_bytes(data[:at] + bytes([data[at] ^ 0x20]) + data[at + 1:])


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("change", [_raw_flipped, _record_text_changed, _forged])
def test_a_package_changed_after_the_clean_pass_is_left_to_the_precise_check(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, streamed: list[bool],
        change: Callable[[Path], None], jobs: int) -> None:
    """A raw file, the records or the descriptor changed between the clean pass and the
    reproduction: the streamed pass gives up (it re-derives only what the clean pass
    proved clean), and the report is the precise check's of the package as it now is."""
    target = copy_release(tmp_path)
    _after_the_clean_pass(monkeypatch, lambda: change(target))
    report = validate(target, reproduce=True, jobs=jobs)
    assert streamed == [False]
    monkeypatch.undo()
    expected = _precise(target, jobs)
    assert expected.problems
    assert report.problems == sort_problems(expected.problems)
    assert report.documents == expected.documents


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_raw_member_of_an_archive_read_otherwise_is_left_to_the_precise_check(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, streamed: list[bool],
        jobs: int) -> None:
    """A raw member that reads otherwise in the reproduction (read on the workers, as a
    folder's raw files are) than in the clean pass: the precise check reports the archive."""
    archive = copy_archive(tmp_path)
    original = reproducepass._raw_bytes

    def other(opener: Callable[[str], Any], rel: str, size: int) -> bytes | None:
        data = original(opener, rel, size)
        return None if data is None else bytes([data[0] ^ 1]) + data[1:]

    monkeypatch.setattr(reproducepass, "_raw_bytes", other)
    report = validate(archive, reproduce=True, jobs=jobs)
    assert streamed == [False]
    assert report.valid, report.problems  # the precise check read it as it is


class _Told(list[tuple[int, int]]):
    """A progress callback that keeps each ``(done, total)`` it is told."""

    def __call__(self, done: int, total: int) -> None:
        self.append((done, total))


@pytest.mark.parametrize("jobs", [1, 2])
def test_progress_is_told_as_the_precise_check_tells_it(
        monkeypatch: pytest.MonkeyPatch, streamed: list[bool], jobs: int) -> None:
    """The records re-derived, of the count recorded, from (0, count) to (count, count),
    as each batch comes back; in batches of REPRODUCE_BATCH records (none cut by its
    bytes), the same calls as the precise check's."""
    count = len(records(built().release))
    told = _Told()
    assert not _checked(built().release, jobs, told).problems
    assert told == [(0, count), (count, count)]  # one batch
    monkeypatch.setattr(reproducepass, "BATCH_BYTES", 1)  # a record a batch
    told = _Told()
    assert not _checked(built().release, jobs, told).problems
    assert told == [(done, count) for done in range(count + 1)]
    monkeypatch.setattr(reproducepass, "REPRODUCE_BATCH", 3)
    monkeypatch.setattr(reproducepass, "BATCH_BYTES", 1 << 30)
    monkeypatch.setattr(reproduce, "REPRODUCE_BATCH", 3)
    told = _Told()
    assert not _checked(built().release, jobs, told).problems
    precise = _Told()
    _precise_told(built().release, jobs, precise)
    assert told == precise and len(told) > 3, told
    assert streamed == [True, True, True]


def _precise_told(target: Path, jobs: int, progress: _Told) -> None:
    checker.check_package(folder_view(target, measure_raw=False), reproduce=True, jobs=jobs,
                          progress=progress)


def _die(*args: object) -> None:
    """A worker's task that kills its worker (SIGKILL, as the OOM killer does)."""
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_worker_killed_in_the_reproduction_stops_validate_and_leaves_none_behind(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """As in the precise check's reproduction: the run failed, not the package."""
    monkeypatch.setattr(reproducepass, "_reproduce_task", _die)
    with pytest.raises(WorkerDied, match="killed by signal 9"):
        validate(built().release, reproduce=True, jobs=2)
    assert not multiprocessing.active_children()


def _reports(target: Path, jobs: int) -> tuple[ValidationReport, ValidationReport]:
    """validate --reproduce of ``target`` by the streamed pass, and by the precise check."""
    streamed = validate(target, reproduce=True, jobs=jobs)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(checker, "reproduce_clean", lambda *args, **kwargs: None)
        return streamed, validate(target, reproduce=True, jobs=jobs)


def test_a_raw_file_too_large_to_read_is_reported_as_the_precise_check_reports_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, streamed: list[bool]) -> None:
    """A record whose raw file is beyond the size corpuskit reads is not re-derived, and
    said so, by either pass."""
    monkeypatch.setattr(reproducepass, "DEFAULT_MAX_FILE_BYTES", 40)
    monkeypatch.setattr(reproduce, "DEFAULT_MAX_FILE_BYTES", 40)
    target = built().release
    new, before = _reports(target, 1)
    assert streamed == [True]
    assert new.as_dict() == before.as_dict()
    assert "too-large" in {p.code for p in new.problems}


# -- memory flat in the number of documents -------------------------------------------------

def _many_records(folder: Path, count: int) -> dict[str, bytes]:
    """A package folder of ``count`` records, each the sample's first record naming a raw
    file of its own (each of the same bytes), with the sample's datapackage.json: all the
    streamed reproduction reads. Returns the sha256 of the files the clean pass would
    have read (datapackage.json, the records)."""
    template = records(built().release)[0]
    raw = (built().release / "data/raw" / template["source_path"]).read_bytes()
    (folder / "data/raw/many").mkdir(parents=True)
    lines = []
    for index in range(count):
        source = f"many/d{index:06d}.txt"
        (folder / "data/raw" / source).write_bytes(raw)
        lines.append(orjson.dumps({**template, "id": source[:-4], "source_path": source}))
    (folder / "data/documents.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    shutil.copyfile(built().release / DESCRIPTOR, folder / DESCRIPTOR)
    return {rel: hashlib.sha256((folder / rel).read_bytes()).digest()
            for rel in (DESCRIPTOR, DOCUMENTS_PATH)}


def _reproduction_peak(folder: Path, count: int) -> int:
    """The peak of the memory the streamed reproduction of :func:`_many_records` allocates
    (tracemalloc), each record re-derived in no time and found as it is."""
    digests = _many_records(folder, count)
    reader = PackageReader(folder_view(folder, measure_raw=False, stream_raw=True),
                           fast=False, reproduce=True, jobs=1)
    reproduction = reproducepass.StreamedReproduction(reader, digests)
    tracemalloc.start()
    try:
        found = reproduction.run()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        reader.close()
    assert found == [] and reproduction.records == count
    return peak


def test_the_streamed_reproduction_holds_nothing_per_record(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ten times the records, the same peak: nothing per record outlives its batch (the
    precise check's tables held about 0.7 KB a record). The re-derivation itself, a
    build's pipeline on one document, is left out: its memory is a document's."""
    monkeypatch.setattr(reproducepass, "reproduction_problem", lambda *args: None)
    monkeypatch.setattr(reproducepass, "ready_language_model", lambda *args, **kwargs: None)
    monkeypatch.setattr(reading, "CHUNK", 16 * 1024)  # many blocks of lines either way
    small = _reproduction_peak(tmp_path / "small", 1_000)
    large = _reproduction_peak(tmp_path / "large", 10_000)
    assert large - small < 32 * 1024, (small, large)


#: Runs the command after it, and prints its peak RSS in bytes (its largest process's,
#: workers included): Linux keeps a child's ru_maxrss from the process it forked from, so
#: the command is started by this small process, not by the test's.
_PEAK_OF = ("import os, subprocess, sys\n"
            "child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
            "_, status, usage = os.wait4(child.pid, 0)\n"
            "assert os.waitstatus_to_exitcode(status) == 0\n"
            "print(usage.ru_maxrss * 1024)\n")
_BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _built_corpus(work: Path, documents: int) -> Path:
    """The package folder of a synthetic corpus of ``documents`` (the benchmarks' kind)."""
    seeds = work / f"seeds-{documents}"
    subprocess.run([sys.executable, str(_BENCHMARKS / "generate_corpus.py"), str(seeds),
                    "--documents", str(documents)], check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "corpuskit", "build", str(seeds), "--out",
                    str(work / f"dist-{documents}"), "--no-cache"], check=True,
                   capture_output=True, env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"})
    [package] = [path for path in (work / f"dist-{documents}").iterdir() if path.is_dir()]
    return package


def _reproduce_peak(package: Path) -> int:
    done = subprocess.run([sys.executable, "-c", _PEAK_OF, sys.executable, "-m", "corpuskit",
                           "validate", "--reproduce", "--jobs", "2", str(package)],
                          capture_output=True, text=True, check=True)
    return int(done.stdout)


@pytest.mark.slow
def test_validate_reproduce_peak_memory_is_flat_in_the_number_of_documents(
        tmp_path: Path) -> None:
    """Ten times the documents, about the same peak RSS (the precise check's was 223 MB at
    20,000 documents and 383 MB at 200,000; here 2,000 and 20,000 documents)."""
    small = _reproduce_peak(_built_corpus(tmp_path, 2_000))
    large = _reproduce_peak(_built_corpus(tmp_path, 20_000))
    assert large <= small * 1.1, (small >> 20, large >> 20)
