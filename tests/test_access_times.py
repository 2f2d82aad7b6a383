"""``validate`` leaves the access times of the files it checks as they were (O_NOATIME,
where the kernel allows it), and opens them as usual where it does not."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _validate_support import copy_release

import corpuskit.accesstimes as accesstimes
import corpuskit.regularfiles as regularfiles
from corpuskit.validation import precise, recordpass, validate

NOATIME = getattr(os, "O_NOATIME", 0)
#: An access time well before any file's modification time: a read updates it under
#: ``relatime`` (Linux's default) and ``strictatime``.
LONG_AGO_NS = 1_000_000_000 * 1_000_000_000


def _files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def _set_long_ago(paths: list[Path]) -> None:
    for path in paths:
        info = path.stat()
        os.utime(path, ns=(LONG_AGO_NS, info.st_mtime_ns))


def _records_access_times(folder: Path) -> bool:
    """Whether reading a file in ``folder`` updates its access time here (not on a
    filesystem mounted ``noatime``)."""
    probe = folder / "atime-probe"
    probe.write_bytes(b"probe")
    _set_long_ago([probe])
    probe.read_bytes()
    return probe.stat().st_atime_ns != LONG_AGO_NS


@pytest.fixture
def noatime_kept(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The flag as a fresh process has it, whatever a test before this one did."""
    monkeypatch.setattr(accesstimes._NoAccessTime, "flag", NOATIME)
    yield


@pytest.mark.skipif(not NOATIME, reason="this system has no O_NOATIME")
@pytest.mark.parametrize("jobs", [1, 2])
def test_validate_leaves_the_access_times_of_a_package(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, noatime_kept: None,
        jobs: int) -> None:
    if not _records_access_times(tmp_path):
        pytest.skip(f"{tmp_path} does not record access times on read (mounted noatime)")
    if jobs > 1:  # workers even for a small package: the raw files are read by them
        monkeypatch.setattr(precise, "PARALLEL_MIN_FILES", 0)
        monkeypatch.setattr(recordpass, "PARALLEL_MIN_BYTES", 0)
    package = copy_release(tmp_path / "copy")
    files = _files(package)
    _set_long_ago(files)
    report = validate(package, jobs=jobs)
    assert report.valid, report
    touched = [str(path.relative_to(package)) for path in files
               if path.stat().st_atime_ns != LONG_AGO_NS]
    assert touched == []
    # The files were read all the same: a plain read now updates them.
    (package / "data" / "documents.jsonl").read_bytes()
    assert (package / "data" / "documents.jsonl").stat().st_atime_ns != LONG_AGO_NS


def _fake_open(refusal: int, calls: list[int]) -> Any:
    real_open = os.open

    def fake(path: str, flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
        calls.append(flags)
        if flags & NOATIME:
            raise PermissionError(refusal, os.strerror(refusal), path)
        return real_open(path, flags, mode, dir_fd=dir_fd)

    return fake


@pytest.mark.skipif(not NOATIME, reason="this system has no O_NOATIME")
def test_a_file_of_another_owner_is_opened_as_usual(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, noatime_kept: None) -> None:
    """The kernel refuses O_NOATIME (EPERM) on a file the process does not own: the file
    is opened without it, and so is every later one (one refusal, not one per file)."""
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_bytes(b"first")
    second.write_bytes(b"second")
    calls: list[int] = []
    monkeypatch.setattr(os, "open", _fake_open(errno.EPERM, calls))
    for path, data in ((first, b"first"), (second, b"second")):
        fd = regularfiles.open_regular(str(path), checking=True)
        try:
            assert os.read(fd, 100) == data
        finally:
            os.close(fd)
    assert [bool(flags & NOATIME) for flags in calls] == [True, False, False]
    assert accesstimes._NoAccessTime.flag == 0


@pytest.mark.skipif(not NOATIME, reason="this system has no O_NOATIME")
def test_a_file_that_may_not_be_read_is_still_an_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, noatime_kept: None) -> None:
    """EACCES (no read permission) is the file's problem, not the flag's: it is raised,
    and the flag is still used for the next file."""
    path = tmp_path / "a.txt"
    path.write_bytes(b"data")
    calls: list[int] = []
    monkeypatch.setattr(os, "open", _fake_open(errno.EACCES, calls))
    with pytest.raises(PermissionError) as raised:
        regularfiles.open_checked(str(path))
    assert raised.value.errno == errno.EACCES
    assert accesstimes._NoAccessTime.flag == NOATIME


def test_load_and_other_readers_open_without_the_flag(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, noatime_kept: None) -> None:
    """Only checks keep access times: reading the data (``load``, ``export``) is a use of
    it, which tools that clean up by access time must see."""
    path = tmp_path / "a.txt"
    path.write_bytes(b"data")
    calls: list[int] = []
    monkeypatch.setattr(os, "open", _fake_open(errno.EPERM, calls))
    os.close(regularfiles.open_regular(str(path)))
    assert calls == [regularfiles.OPEN_FLAGS]
