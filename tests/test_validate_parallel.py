"""Large packages are checked on worker processes: the report is the same as in-process.

The sample package is small, so the thresholds are lowered to zero and the records file is
read in chunks of a few bytes: many blocks, lines across chunk ends, a window of one block
per worker. Each kind of damage must give the very same report either way.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from _validate_support import (
    copy_archive,
    copy_release,
    records,
    resign,
    write_records,
    zip_of,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from property_budget import examples

from corpuskit import problems
from corpuskit.cli import main
from corpuskit.errors import WorkerDied
from corpuskit.validation import (
    ValidationReport,
    clean,
    precise,
    reading,
    recordpass,
    reproduce,
    validate,
)
from corpuskit.validation.lines import LineBlock, line_blocks
from corpuskit.validation.reading import PackageReader
from corpuskit.validation.records import check_line

Damage = Callable[[Path], None]


@pytest.fixture
def forced(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[bool, bool]]]:
    """Workers for every package, records read 97 bytes at a time; yields, per record
    pass, whether it had workers and whether they read the blocks themselves."""
    monkeypatch.setattr(precise, "PARALLEL_MIN_FILES", 0)
    monkeypatch.setattr(recordpass, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(reading, "CHUNK", 97)
    monkeypatch.setattr(recordpass, "CHUNK", 97)
    monkeypatch.setattr(recordpass, "_RANGES_IN_FLIGHT", 1)
    monkeypatch.setattr(recordpass, "IN_FLIGHT", 1)
    monkeypatch.setattr(reproduce, "IN_FLIGHT", 1)
    passes: list[tuple[bool, bool]] = []

    class Spied(recordpass.RecordPass):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            passes.append((self.pool is not None, self.by_range))

    monkeypatch.setattr(precise, "RecordPass", Spied)
    monkeypatch.setattr(clean, "RecordPass", Spied)
    yield passes


Passes = list[tuple[bool, bool]]


def in_process_one_block(patch: pytest.MonkeyPatch) -> None:
    """The record pass in this process, the records read as one block."""
    patch.setattr(precise, "PARALLEL_MIN_FILES", 10**9)
    patch.setattr(recordpass, "PARALLEL_MIN_BYTES", 10**18)
    patch.setattr(reading, "CHUNK", 1 << 20)
    patch.setattr(recordpass, "CHUNK", 1 << 20)


def both(target: Path, forced: Passes) -> tuple[ValidationReport, ValidationReport]:
    with pytest.MonkeyPatch.context() as patch:  # the plain in-process run first
        in_process_one_block(patch)
        serial = validate(target, jobs=1)
    assert forced[-1] == (False, False)
    parallel = validate(target, jobs=2)
    assert forced[-1] == (True, target.is_dir()), "the records were not checked on workers"
    return serial, parallel


def change_records(change: Callable[[list[dict[str, Any]]], None]) -> Damage:
    def damage(target: Path) -> None:
        items = records(target)
        change(items)
        write_records(target, items)
        resign(target)
    return damage


def _text(items: list[dict[str, Any]]) -> None:
    items[0]["text"] = str(items[0]["text"]).replace("e", "E", 1)


def _counts(items: list[dict[str, Any]]) -> None:
    items[1]["words"] += 1
    items[2]["chars"] += 1
    items[3]["paragraphs"] += 1


def _sources(items: list[dict[str, Any]]) -> None:
    items[0]["source_sha256"] = "0" * 64
    items[1]["source_bytes"] = 5
    items[2]["source_path"] = "absent.txt"
    items[2]["id"] = "absent"


def _ids(items: list[dict[str, Any]]) -> None:
    items[0], items[1] = items[1], items[0]
    items.append(dict(items[-1]))


def _schema(items: list[dict[str, Any]]) -> None:
    items[0]["language"] = "english"
    items[1]["extra"] = 1
    del items[2]["title"]
    items[4]["source_path"] = "../outside.txt"


def _lines(target: Path) -> None:
    path = target / "data/documents.jsonl"
    data = path.read_bytes().splitlines(keepends=True)
    data[1] = b"{broken\n"
    data.insert(3, b"\n")
    data[-1] = data[-1].rstrip(b"\n")  # no final line break
    path.write_bytes(b"".join(data))
    resign(target)


def _raw_changed(target: Path) -> None:
    raw = sorted((target / "data/raw").rglob("*.txt"))[2]
    raw.write_bytes(raw.read_bytes() + b"more\n")


def _raw_removed(target: Path) -> None:
    sorted((target / "data/raw").rglob("*.txt"))[1].unlink()


def _raw_unreferenced(target: Path) -> None:
    (target / "data/raw/stray.txt").write_bytes(b"Nobody names me.\n")
    resign(target)


def _records_removed(target: Path) -> None:
    (target / "data/documents.jsonl").unlink()


DAMAGES: dict[str, Damage] = {
    "none": lambda target: None,
    "text": change_records(_text),
    "counts": change_records(_counts),
    "sources": change_records(_sources),
    "ids": change_records(_ids),
    "schema": change_records(_schema),
    "lines": _lines,
    "raw-changed": _raw_changed,
    "raw-removed": _raw_removed,
    "raw-unreferenced": _raw_unreferenced,
    "records-removed": _records_removed,
}


@pytest.mark.parametrize("name", list(DAMAGES))
def test_folder_report_is_the_same_on_workers(tmp_path: Path, forced: Passes,
                                             name: str) -> None:
    target = copy_release(tmp_path)
    DAMAGES[name](target)
    serial, parallel = both(target, forced)
    assert parallel.as_dict() == serial.as_dict()
    assert serial.valid == (name == "none")


def _flip_member(archive: Path, member_suffix: str) -> None:
    with zipfile.ZipFile(archive) as zf:
        info = next(i for i in zf.infolist() if i.filename.endswith(member_suffix))
    data = bytearray(archive.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0x01
    archive.write_bytes(bytes(data))


@pytest.mark.parametrize("member", [None, "data/documents.jsonl", ".txt"])
def test_archive_report_is_the_same_on_workers(tmp_path: Path, forced: Passes,
                                              member: str | None) -> None:
    target = copy_archive(tmp_path)
    if member is not None:
        _flip_member(target, member)
    serial, parallel = both(target, forced)
    assert parallel.as_dict() == serial.as_dict()
    assert serial.valid == (member is None)


#: Records files of one line repeated, each line a problem or more: a zip of 270 KB holding
#: 250 MiB of empty lines took validate over 10 minutes and 1.5 GB, its workers sending a
#: million problems a block that the parent then dropped (QA s95 validate 1).
FLOODS = {"empty lines": b"\n", "not JSON": b"x\n", "empty objects": b"{}\n"}


@pytest.mark.parametrize("form", ["folder", "archive"])
@pytest.mark.parametrize("flood", list(FLOODS))
def test_a_flood_of_bad_record_lines_is_checked_up_to_a_limit(
        tmp_path: Path, forced: Passes, monkeypatch: pytest.MonkeyPatch, flood: str,
        form: str) -> None:
    """The record pass stops at the line where its problems reach LINE_PROBLEMS_CHECKED
    (here 30) and says from which line it did not check, the same line in-process and on
    workers whose blocks stop sooner (BLOCK_PROBLEMS_CHECKED, here 7); the problems past
    the 10 kept of a code are counted, as they were found, never sent: a worker sends at
    most 10 of a code a block, and the whole check makes a bounded number of problems
    however long the file."""
    monkeypatch.setattr(recordpass, "LINE_PROBLEMS_CHECKED", 30)
    monkeypatch.setattr(recordpass, "BLOCK_PROBLEMS_CHECKED", 7)
    monkeypatch.setattr(problems, "KEPT_OF_A_CODE", 10)
    line = FLOODS[flood]
    each: list[problems.Problem] = []
    check_line("data/documents.jsonl", 1, line.rstrip(b"\n"), each)
    per_line = len(each)  # 1, 1, and one for each required field of a record
    stop = -(-30 // per_line)  # the line at which the problems reach 30
    target = copy_release(tmp_path / "release")
    assert not (target / "data/documents.parquet").exists()
    (target / "data/documents.jsonl").write_bytes(line * 3000)
    resign(target)
    if form == "archive":
        target = zip_of(target, tmp_path)

    made = [0]
    post_init = problems.Problem.__post_init__

    def counted(self: problems.Problem) -> None:
        made[0] += 1
        post_init(self)

    received: list[int] = []  # the problems of each ProblemList a worker sent
    unpickle = problems._problem_list

    def spied(kept: list[problems.Problem], dropped: dict[str, int]) -> problems.ProblemList:
        received.append(len(kept))
        return unpickle(kept, dropped)

    # Pickled by reference, in the workers too (forked after): named as the function it is.
    spied.__module__, spied.__qualname__ = unpickle.__module__, unpickle.__qualname__
    monkeypatch.setattr(problems, "_problem_list", spied)
    with pytest.MonkeyPatch.context() as patch:  # in-process, one block
        patch.setattr(problems.Problem, "__post_init__", counted)
        in_process_one_block(patch)
        serial = validate(target, jobs=1)
    assert forced[-1] == (False, False)
    assert made[0] < 30 + per_line + 100, made  # the other files' problems: a few dozen
    parallel = validate(target, jobs=2)
    assert forced[-1] == (True, target.is_dir())
    assert received and max(received) <= 10, received
    assert parallel.as_dict() == serial.as_dict()

    found = stop * per_line
    assert ("data/documents.jsonl", f"not checked from line {stop + 1:,} on: the lines "
            f"before had {found} problems, and the record check stops at 30 so that its "
            "time stays bounded (the records were not counted, nor raw files that no record "
            "names told)") in serial.not_checked
    assert len(serial.not_checked) == 1  # the sample holds no data/documents.parquet
    listed = [p for p in serial.problems if p.code == "schema-error" and p.path != "."]
    assert len(listed) == 10
    lines = [p for p in listed if p.path == "data/documents.jsonl"]
    assert max(int(p.location.split()[1]) for p in lines) <= stop
    # (resign wrote corpuskit.documents 0, a schema-error of datapackage.json, found first)
    more = found + len(listed) - len(lines) - 10
    assert f"{more:,} more problems of this kind, not listed" in " ".join(
        p.message for p in serial.problems if p.code == "schema-error")
    assert serial.as_dict()["counts"]["problems"] == len(serial.problems) - 1 + more
    assert not serial.valid
    assert "unreferenced-file" not in {p.code for p in serial.problems}


def test_a_record_line_repeated_is_checked_to_the_end(
        tmp_path: Path, forced: Passes, monkeypatch: pytest.MonkeyPatch) -> None:
    """One valid record repeated makes a duplicate-id of each line after the first, made in
    the parent, not counted towards the limit (each costs what a valid record costs): every
    line checked, their problems counted past the 10 kept, the same on workers."""
    monkeypatch.setattr(recordpass, "LINE_PROBLEMS_CHECKED", 30)
    monkeypatch.setattr(recordpass, "BLOCK_PROBLEMS_CHECKED", 7)
    monkeypatch.setattr(problems, "KEPT_OF_A_CODE", 10)
    target = copy_release(tmp_path)
    path = target / "data/documents.jsonl"
    path.write_bytes(path.read_bytes().splitlines(keepends=True)[0] * 200)
    resign(target)
    serial, parallel = both(target, forced)
    assert parallel.as_dict() == serial.as_dict()
    assert not serial.not_checked
    assert len([p for p in serial.problems if p.code == "duplicate-id"
                and p.path == "data/documents.jsonl"]) == 10
    assert "189 more problems of this kind, not listed" in " ".join(
        p.message for p in serial.problems if p.code == "duplicate-id")


def test_records_file_changed_while_read(tmp_path: Path, forced: Passes,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker that finds fewer bytes than the parent hashed reports the file, never a
    traceback or a valid package."""
    target = copy_release(tmp_path)
    documents = target / "data/documents.jsonl"
    original = recordpass._read_range

    def truncating(path: str, start: int, size: int) -> bytes:
        documents.write_bytes(documents.read_bytes()[:start])
        return original(path, start, size)

    monkeypatch.setattr(recordpass, "_read_range", truncating)
    report = validate(target, jobs=2)
    assert not report.valid
    assert any(p.path == "data/documents.jsonl" and p.code == "unreadable-file"
               and "changed while it was read" in p.message for p in report.problems)
    assert "internal-error" not in {p.code for p in report.problems}


def _die(*args: object) -> None:
    """A worker's task that kills its worker (SIGKILL, as the OOM killer does)."""
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_worker_killed_in_the_clean_pass_leaves_the_check_to_the_precise_pass(
        tmp_path: Path, forced: Passes, monkeypatch: pytest.MonkeyPatch) -> None:
    target = copy_release(tmp_path)
    monkeypatch.setattr(recordpass, "_clean_range_task", _die)
    report = validate(target, jobs=2)
    assert report.valid, report.problems
    assert forced == [(True, True), (True, True)]  # the clean pass, then the precise one


def test_a_worker_killed_in_every_pass_stops_validate_instead_of_hanging(
        tmp_path: Path, forced: Passes, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A killed worker's task is lost: validate says so (exit 1) and leaves no worker
    behind, where a multiprocessing.Pool waited for the result forever."""
    target = copy_release(tmp_path)
    monkeypatch.setattr(recordpass, "_clean_range_task", _die)
    monkeypatch.setattr(recordpass, "_records_range_task", _die)
    with pytest.raises(WorkerDied, match="killed by signal 9"):
        validate(target, jobs=2)
    assert main(["validate", "--jobs", "2", str(target)]) == 1
    assert "corpuskit: error: a worker process died (killed by signal 9" \
        in capsys.readouterr().err
    assert not multiprocessing.active_children()


def test_many_raw_files_hashed_on_workers_when_no_record_names_them(
        tmp_path: Path, forced: Passes) -> None:
    """Files the records pass did not read (here: all, the records are gone) are hashed
    afterwards, on the workers, with the same findings."""
    target = copy_release(tmp_path)
    (target / "data/documents.jsonl").write_bytes(b"")
    resign(target)
    descriptor = json.loads((target / "datapackage.json").read_text())
    assert descriptor["corpuskit"]["documents"] == 0
    serial, parallel = both(target, forced)
    assert parallel.as_dict() == serial.as_dict()
    assert "unreferenced-file" in {p.code for p in serial.problems}


# -- blocks of lines ------------------------------------------------------------------------

def _reference_blocks(chunks: list[bytes], max_line: int) -> list[tuple[int, bytes, int]]:
    """The cutting corpuskit used before blocks were cut by offsets (kept as the spec)."""
    out: list[tuple[int, bytes, int]] = []
    number, pending, skipping = 1, b"", False
    for chunk in chunks:
        data = pending + chunk if pending else chunk
        cut = data.rfind(b"\n")
        if cut < 0:
            pending = b"" if skipping else data
            if len(pending) > max_line:
                out.append((number, b"TOO LONG", 0))
                pending, skipping = b"", True
            continue
        block, pending = data[:cut], data[cut + 1:]
        if skipping:
            end = block.find(b"\n")
            block = b"" if end < 0 else block[end + 1:]
            number += 1
            skipping = False
            if end < 0:
                continue
        lines = block.count(b"\n") + 1
        out.append((number, block, lines))
        number += lines
    if pending and not skipping:
        out.append((number, pending, 1))
    return out


def _cut(data: bytes, sizes: list[int]) -> list[bytes]:
    chunks, at = [], 0
    for size in sizes:
        if at >= len(data):
            break
        chunks.append(data[at:at + size])
        at += size
    if at < len(data):
        chunks.append(data[at:])
    return chunks


@settings(max_examples=examples(300))
@given(st.lists(st.sampled_from([b"", b"a", b"bb", b"ccccccc", b"\n"]), max_size=30),
       st.lists(st.integers(1, 9), max_size=20), st.integers(1, 12))
def test_line_blocks_cut_as_before_with_and_without_bytes(
        pieces: list[bytes], sizes: list[int], max_line: int) -> None:
    data = b"".join(pieces)
    chunks = _cut(data, sizes)
    found: dict[bool, list[LineBlock | int]] = {}
    for keep in (True, False):
        events: list[LineBlock | int] = []
        found[keep] = events
        events.extend(line_blocks(iter(chunks), events.append, keep=keep, max_line=max_line))
    kept, offsets = found[True], found[False]
    assert [e if isinstance(e, int) else e._replace(data=None) for e in kept] == offsets
    as_before = [(e, b"TOO LONG", 0) if isinstance(e, int) else (e.first, e.data, e.lines)
                 for e in kept]
    assert as_before == _reference_blocks(chunks, max_line)
    for event in kept:
        if not isinstance(event, int):
            assert event.data == data[event.start:event.end]
            assert event.lines == event.data.count(b"\n") + 1
    unnumbered: list[LineBlock | int] = []
    unnumbered.extend(line_blocks(iter(chunks), unnumbered.append, keep=True,
                                  max_line=max_line, numbered=False))
    assert [0 if isinstance(e, int) else (e.start, e.end, e.data, e.lines)
            for e in unnumbered] == \
        [0 if isinstance(e, int) else (e.start, e.end, e.data, 0) for e in kept]


def test_line_blocks_number_every_line() -> None:
    data = b"one\ntwo\n\nfour\nfive"
    chunks = _cut(data, [3, 2, 4, 1, 1, 1, 5])
    lines: list[tuple[int, bytes]] = []
    for block in line_blocks(iter(chunks), lambda n: None, keep=True, max_line=100):
        assert block.data is not None
        lines.extend(enumerate(block.data.split(b"\n"), start=block.first))
    assert lines == list(enumerate(data.split(b"\n"), start=1))



def test_the_clean_pass_makes_what_its_workers_share_before_forking_them(
        tmp_path: Path, forced: Passes, monkeypatch: pytest.MonkeyPatch) -> None:
    """numpy's import and the compiled record table are made in the parent, before the
    pool is forked: each worker would otherwise make its own on its first block."""
    target = copy_release(tmp_path)
    events: list[str] = []
    prepare, pool = recordpass.prepare_clean_workers, PackageReader.pool

    def spied_prepare() -> None:
        events.append("prepare")
        prepare()

    def spied_pool(self: PackageReader, *args: Any) -> Any:
        if self._pool is None:
            events.append("fork")
        return pool(self, *args)

    monkeypatch.setattr(recordpass, "prepare_clean_workers", spied_prepare)
    monkeypatch.setattr(PackageReader, "pool", spied_pool)
    assert validate(target, jobs=2).valid
    assert forced[-1] == (True, True)  # the records were checked on workers
    assert events == ["prepare", "fork"]


THREADED_VALIDATIONS = """
import sys, threading, corpuskit
folder, archive = sys.argv[1], sys.argv[2]
found = []
def run(path, reproduce):
    found.append(corpuskit.validate(path, reproduce=reproduce, jobs=2).valid)
threads = [threading.Thread(target=run, args=(folder, False)),
           threading.Thread(target=run, args=(archive, True))]
for thread in threads: thread.start()
for thread in threads: thread.join()
print(found)
"""


def test_validations_in_threads_of_one_program_finish(tmp_path: Path) -> None:
    """Two validations in threads of one program (a notebook, a web server), one of them
    --reproduce, hung for good two runs in three: a worker forked while another thread
    imported a module the pipeline needs waited for that module's lock (QA). Its modules
    are imported before the workers are forked; and a worker stuck anyway ends with its
    parent, never an orphan."""
    import subprocess
    import sys

    from corpuskit.build import build

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "corpus.toml").write_text(
        'name = "threads"\ntitle = "Threads"\nversion = "1.0.0"\n'
        'description = "Documents validated from two threads."\n'
        'licenses = [{ name = "CC0-1.0", title = "CC0 1.0" }]\n'
        'sources = [{ title = "tests" }]\n\n[output]\nparquet = true\n', "utf-8")
    for number in range(300):
        (seeds / f"doc{number:03d}.txt").write_text(
            f"Document {number}\n\nThe harbour opened at {number % 24} o'clock, and the "
            f"ferries left for the islands with {number} passengers aboard.\n", "utf-8")
    made = build(seeds, tmp_path / "dist", source_date_epoch="1700000000", jobs=2, cache=None)
    for _ in range(3):
        done = subprocess.run([sys.executable, "-c", THREADED_VALIDATIONS, str(made.release),
                               str(made.archive)], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0 and done.stdout == "[True, True]\n", done.stderr
