"""validate's helper (corpuskit.earlyhashes), which hashes a package's raw files while the
command starts: it records each file as it read it, leaves out what it cannot vouch for,
and validate's reports are the same with it as without it, damaged packages included."""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest
from _validate_support import copy_release, flipped, run

from corpuskit import earlyhashes
from corpuskit.validation import recordpass
from corpuskit.validation.digest import FileDigester


def entry(package: Path, rel: str) -> str:
    data = (package / rel).read_bytes()
    return f"{rel}\0{len(data)}\0{hashlib.sha256(data).hexdigest()}"


def raw_files(package: Path) -> list[str]:
    return sorted(path.relative_to(package).as_posix()
                  for path in (package / "data/raw").rglob("*") if path.is_file())


def hashed(package: Path) -> frozenset[str]:
    """What the helper records of ``package``, run to its end in this process."""
    region = mmap.mmap(-1, earlyhashes.REGION_BYTES)
    try:
        earlyhashes._hash_listed(str(package), region)
        return earlyhashes._read_entries(region)
    finally:
        region.close()


def set_manifest(package: Path, lines: list[str]) -> None:
    (package / "manifest-sha256.txt").write_text("".join(f"{'0' * 64}  {line}\n"
                                                         for line in lines))


@pytest.fixture
def helper_finished(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[frozenset[str]]]:
    """The helper started for any package folder, and always done before validate takes
    what it found (a test's package is checked sooner than it starts); yields what each
    take returned."""
    monkeypatch.setattr(earlyhashes, "MIN_RECORD_BYTES", 0)
    monkeypatch.setattr(earlyhashes, "default_jobs", lambda: 2)
    taken: list[frozenset[str]] = []
    real_take = earlyhashes.take

    def take(root: str | None) -> frozenset[str]:
        helper = earlyhashes._helper
        if helper is not None and helper.pid:
            wait_for(helper)
        found = real_take(root)
        taken.append(found)
        return found

    monkeypatch.setattr(earlyhashes, "take", take)
    yield taken
    earlyhashes.stop()


def wait_for(helper: earlyhashes._Helper) -> None:
    """Until the helper has ended on its own (reaped here, so not killed)."""
    deadline = time.monotonic() + 60
    while os.waitpid(helper.pid, os.WNOHANG) == (0, 0):
        assert time.monotonic() < deadline, "the helper did not end"
        time.sleep(0.005)
    helper.pid = 0


def test_its_names_and_flags_are_validates() -> None:
    """Repeated in the helper's module, which imports neither their modules nor
    ``corpuskit.validation``."""
    from corpuskit.package import RAW_PREFIX
    from corpuskit.regularfiles import OPEN_FLAGS
    from corpuskit.validation import digest, pairs

    assert earlyhashes._FILE_FLAGS == OPEN_FLAGS
    assert earlyhashes._FOLDER_FLAGS == digest._FOLDER_FLAGS
    assert RAW_PREFIX.encode() == earlyhashes.RAW_PREFIX
    assert earlyhashes.PAYLOAD_MANIFEST == pairs.PAYLOAD_MANIFEST
    assert earlyhashes.RECORDS == "data/documents.jsonl"


def test_it_records_every_raw_file_as_it_read_it(tmp_path: Path) -> None:
    package = copy_release(tmp_path)
    rels = raw_files(package)
    assert len(rels) > 5
    assert hashed(package) == {entry(package, rel) for rel in rels}


def test_it_closes_every_file_and_folder_it_opens(tmp_path: Path) -> None:
    package = copy_release(tmp_path)
    fds = sorted(os.listdir("/proc/self/fd"))
    assert hashed(package)
    assert sorted(os.listdir("/proc/self/fd")) == fds


def test_it_records_what_the_file_holds_not_what_the_manifest_says(tmp_path: Path) -> None:
    package = copy_release(tmp_path)
    rels = raw_files(package)
    with flipped(package / rels[1], 0, 0x01):
        found = hashed(package)
        assert entry(package, rels[1]) in found  # the flipped bytes' size and sha256
    assert entry(package, rels[1]) not in found


def test_it_leaves_out_what_it_cannot_vouch_for(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    package = copy_release(tmp_path)
    rels = raw_files(package)
    linked, pipe, large, kept = rels[0], rels[1], rels[2], rels[3:]
    (package / linked).unlink()
    (package / linked).symlink_to(package / rels[3])  # the same bytes as a file kept
    (package / pipe).unlink()
    os.mkfifo(package / pipe)
    monkeypatch.setattr(earlyhashes, "SMALL_FILE", (package / large).stat().st_size)
    found = hashed(package)
    assert found == {entry(package, rel) for rel in kept
                     if (package / rel).stat().st_size < earlyhashes.SMALL_FILE}
    assert not any(item.startswith((f"{linked}\0", f"{pipe}\0", f"{large}\0"))
                   for item in found)


@pytest.mark.parametrize("odd", ["data/raw/../bagit.txt", "data/raw/./{0}", "data/raw//{0}",
                                 "data/raw/%25{0}"])
def test_it_reads_only_plain_paths_under_data_raw(tmp_path: Path, odd: str) -> None:
    package = copy_release(tmp_path)
    first, second = raw_files(package)[:2]
    name = first.removeprefix("data/raw/")
    folder, _, base = name.rpartition("/")
    # A file of that very name too: "%25" is read as it stands only by a reader that
    # does not decode it (the name's "%" is encoded so in a manifest).
    (package / "data/raw" / folder / f"%25{base}").write_bytes(b"not the record's file\n")
    set_manifest(package, [odd.format(name), second])
    assert hashed(package) == {entry(package, second)}


def test_it_stops_at_the_first_line_that_is_not_a_raw_files(tmp_path: Path) -> None:
    package = copy_release(tmp_path)
    first, second, third = raw_files(package)[:3]
    set_manifest(package, [first, "data/documents.jsonl", second])
    assert hashed(package) == {entry(package, first)}
    (package / "manifest-sha256.txt").write_text(f"{'0' * 64} {second}\n{'0' * 64}  {third}\n")
    assert hashed(package) == frozenset()  # one space: not a manifest line


def test_a_manifest_that_is_no_file_gives_nothing(tmp_path: Path) -> None:
    package = copy_release(tmp_path)
    (package / "manifest-sha256.txt").unlink()
    os.mkfifo(package / "manifest-sha256.txt")
    assert hashed(package) == frozenset()  # not blocked on the pipe either


def test_it_stops_when_its_memory_is_full(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    package = copy_release(tmp_path)
    rels = raw_files(package)
    room = sum(len(entry(package, rel).encode()) + 1 for rel in rels[:2])
    monkeypatch.setattr(earlyhashes, "REGION_BYTES", 8 + room)
    assert hashed(package) == {entry(package, rel) for rel in rels[:2]}


def test_the_started_helper_finds_what_it_finds_in_process(tmp_path: Path,
                                                           helper_finished: object) -> None:
    package = copy_release(tmp_path)
    earlyhashes.start(str(package), None)
    helper = earlyhashes._helper
    assert helper is not None
    assert earlyhashes.take(str(tmp_path)) == frozenset()  # another folder's: not taken
    assert helper.hashes is None  # left for its own folder
    found = earlyhashes.take(str(package))
    assert found == hashed(package) != frozenset()
    assert earlyhashes.take(str(package)) is found


def test_stop_ends_and_reaps_a_running_helper(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(earlyhashes, "MIN_RECORD_BYTES", 0)
    monkeypatch.setattr(earlyhashes, "default_jobs", lambda: 2)
    package = copy_release(tmp_path)
    earlyhashes.start(str(package), None)
    helper = earlyhashes._helper
    assert helper is not None and helper.pid
    pid = helper.pid
    earlyhashes.stop()
    assert earlyhashes._helper is None
    with pytest.raises(ChildProcessError):  # reaped: no zombie is left
        os.waitpid(pid, os.WNOHANG)


@pytest.mark.parametrize("case", ["one job", "small records", "one core", "archive", "seeds"])
def test_no_helper_where_it_cannot_help(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        case: str) -> None:
    package = copy_release(tmp_path)
    if case != "small records":
        monkeypatch.setattr(earlyhashes, "MIN_RECORD_BYTES", 0)
    monkeypatch.setattr(earlyhashes, "default_jobs", lambda: 1 if case == "one core" else 2)
    path = {"archive": str(package) + ".zip", "seeds": str(tmp_path)}.get(case, str(package))
    earlyhashes.start(path, 1 if case == "one job" else None)
    try:
        assert earlyhashes._helper is None
    finally:
        earlyhashes.stop()


def no_opener(rel: str) -> IO[bytes]:
    raise AssertionError(f"{rel}: a folder's files are opened by their paths")


def test_a_known_file_is_not_read_again_and_any_other_claim_is_read(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    data = b"the raw file\n"
    (tmp_path / "a/x.txt").write_bytes(data)
    real = hashlib.sha256(data).hexdigest()
    said = "f" * 64  # what the helper is taken to have read: trusted as it is
    digester = FileDigester(str(tmp_path), no_opener, ("sha256",), frozenset({
        f"a/x.txt\0{len(data)}\0{said}", f"a/gone.txt\0{len(data)}\0{real}"}))
    with digester:
        assert digester.sha256_hex_all(["a/x.txt"], [len(data)], [said]) == [said]
        assert digester.sha256_hex_all(["a/gone.txt"], [len(data)], [real]) == [real]
        assert digester.sha256_hex_all(["a/x.txt"], [len(data)], [real]) == [real]
        assert digester.sha256_hex_all(["a/x.txt"], [len(data) + 1], [said]) == [""]
        assert digester.sha256_hex_all(["a/x.txt"], [len(data)]) == [real]
        with pytest.raises(FileNotFoundError):  # not in known as claimed: read
            digester.sha256_hex_all(["a/gone.txt"], [len(data)], [said])


Damage = Callable[[Path], None]


def _flip_raw(package: Path) -> None:  # one byte of a raw file, its size kept
    path = package / raw_files(package)[2]
    data = bytearray(path.read_bytes())
    data[0] ^= 0x20
    path.write_bytes(bytes(data))


def _grow_raw(package: Path) -> None:
    path = package / raw_files(package)[1]
    path.write_bytes(path.read_bytes() + b"more\n")


DAMAGES: dict[str, Damage] = {"none": lambda package: None, "flipped": _flip_raw,
                              "grown": _grow_raw}


@pytest.mark.parametrize("workers", [False, True])
@pytest.mark.parametrize("damage", list(DAMAGES))
def test_validate_reports_the_same_with_the_helper(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        helper_finished: list[frozenset[str]], damage: str, workers: bool) -> None:
    package = copy_release(tmp_path)
    DAMAGES[damage](package)
    if workers:
        monkeypatch.setattr(recordpass, "PARALLEL_MIN_BYTES", 0)
    jobs = ["--jobs", "2"] if workers else []
    code, out, _ = run(capsys, "validate", "--format", "json", *jobs, str(package))
    assert len(helper_finished) == 1 and len(helper_finished[0]) == len(raw_files(package))
    with monkeypatch.context() as patch:
        patch.setattr(earlyhashes, "start", lambda path, jobs: None)
        code_without, out_without, _ = run(capsys, "validate", "--format", "json", *jobs,
                                           str(package))
    assert not any(helper_finished[1:])  # the second run had no helper
    assert (code, json.loads(out)) == (code_without, json.loads(out_without))
    assert code == (0 if damage == "none" else 1)
