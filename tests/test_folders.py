"""corpuskit.folders: a folder held open while its files are worked on."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from corpuskit.folders import OpenFolder

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self/fd"),
                                reason="counts open descriptors in /proc/self/fd")


def open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_files_are_named_within_their_folder_one_folder_open_at_a_time(tmp_path: Path
                                                                       ) -> None:
    for rel in ("a/x.txt", "a/y.txt", "b/c/z.txt", "top.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(rel)
    before = open_descriptors()
    with OpenFolder(str(tmp_path)) as folders:
        found = {}
        for rel in ("a/x.txt", "a/y.txt", "b/c/z.txt", "top.txt"):
            where = folders.at(rel)
            assert where is not None
            fd, name = where
            assert name == rel.rsplit("/", 1)[-1]
            assert os.stat(name, dir_fd=fd) == os.stat(tmp_path / rel)
            found[rel] = fd
            assert open_descriptors() == before + 1  # the previous folder was closed
        assert found["a/x.txt"] == found["a/y.txt"]  # the same folder stays open
    assert open_descriptors() == before


def test_a_folder_that_cannot_be_opened_gives_none_and_the_next_one_works(tmp_path: Path
                                                                         ) -> None:
    (tmp_path / "file").write_text("not a folder")
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok/doc.txt").write_text("x")
    before = open_descriptors()
    with OpenFolder(str(tmp_path)) as folders:
        assert folders.at("missing/doc.txt") is None
        assert folders.at("missing/other.txt") is None
        assert folders.at("file/doc.txt") is None
        assert open_descriptors() == before
        assert folders.at("ok/doc.txt") is not None
    assert not (tmp_path / "missing").exists()  # nothing made without make=True


def test_make_creates_a_missing_folder_with_its_mode(tmp_path: Path) -> None:
    with OpenFolder(str(tmp_path / "package"), make=True, mode=0o750) as folders:
        where = folders.at("data/raw/part/doc.txt")
        assert where is not None
        fd, name = where
        os.close(os.open(name, os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd))
    made = tmp_path / "package/data/raw/part"
    assert (made / "doc.txt").is_file()
    assert stat.S_IMODE(made.stat().st_mode) == 0o750 & ~current_umask()


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_no_root_has_no_folders() -> None:
    with OpenFolder(None) as folders:
        assert folders.at("data/raw/doc.txt") is None
