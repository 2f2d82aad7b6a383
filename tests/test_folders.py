"""corpuskit.folders: a folder held open while its files are worked on."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from corpuskit import folders
from corpuskit.folders import OpenFolder, folders_within

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


def test_a_folder_is_closed_once_when_an_interrupt_lands_right_after_its_close(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A KeyboardInterrupt raised as the close returns: the with-block's exit must not
    close the number again (it may be another file's by then)."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    closed: list[int] = []
    real_close = os.close

    def close_then_interrupt(fd: int) -> None:
        real_close(fd)
        closed.append(fd)
        if len(closed) == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt), OpenFolder(tmp_path) as opened:
        first = opened.at("a/x.txt")
        assert first is not None
        monkeypatch.setattr(folders.os, "close", close_then_interrupt)
        opened.at("b/y.txt")  # closes a/, interrupted
    monkeypatch.undo()
    assert closed == [first[0]]


def test_no_root_has_no_folders() -> None:
    with OpenFolder(None) as folders:
        assert folders.at("data/raw/doc.txt") is None


def make_tree(root: Path) -> set[str]:
    """Folders of files, nested folders, an empty folder and a link to a folder; the
    folders :func:`os.walk` gives for ``root``."""
    for rel in ("data/raw/a/1.txt", "data/raw/a/2.txt", "data/raw/b/c/3.txt",
                "data/raw/b/4.txt", "data/top.jsonl", "README.md"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(rel)
    (root / "data" / "empty").mkdir()
    (root / "data" / "raw" / "link").symlink_to(root / "data" / "raw" / "b")
    return {folder for folder, _, _ in os.walk(root)}


def kept_convention(path: str) -> int:
    """The link count of a folder on a filesystem that keeps the Unix convention."""
    with os.scandir(path) as entries:
        return 2 + sum(entry.is_dir(follow_symlinks=False) for entry in entries)


@pytest.mark.parametrize("link_count", [kept_convention, lambda path: 1, lambda path: 2],
                         ids=["convention", "btrfs-like", "always-2"])
def test_folders_within_are_the_folders_os_walk_finds(tmp_path: Path, monkeypatch:
                                                      pytest.MonkeyPatch, link_count) -> None:
    walked = make_tree(tmp_path)
    monkeypatch.setattr(folders, "_link_count", link_count)
    found = list(folders_within(tmp_path))
    assert sorted(found) == sorted(walked)
    assert found[0] == str(tmp_path)


def recorded_listings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The folders :func:`folders_within` lists from now on, in order."""
    listed: list[str] = []
    real = folders._subfolders

    def recording(path: str) -> list[str] | None:
        listed.append(path)
        return real(path)

    monkeypatch.setattr(folders, "_subfolders", recording)
    return listed


def test_folders_of_files_only_are_not_listed_where_the_convention_holds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    walked = make_tree(tmp_path)
    listed = recorded_listings(monkeypatch)
    monkeypatch.setattr(folders, "_link_count", kept_convention)
    assert set(folders_within(tmp_path)) == walked
    # The folders that hold a folder are listed; those of files only (or none) are not.
    assert sorted(listed) == sorted(str(tmp_path / rel) for rel in ("", "data", "data/raw",
                                                                    "data/raw/b"))


def test_a_filesystem_without_the_convention_has_every_folder_listed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    walked = make_tree(tmp_path)
    listed = recorded_listings(monkeypatch)
    monkeypatch.setattr(folders, "_link_count", lambda path: 2)  # says 2 for any folder
    assert set(folders_within(tmp_path)) == walked
    assert sorted(listed) == sorted(walked)


def test_a_folder_that_cannot_be_listed_is_given_but_not_looked_into(tmp_path: Path) -> None:
    (tmp_path / "shut" / "inner").mkdir(parents=True)
    (tmp_path / "open").mkdir()
    (tmp_path / "shut").chmod(0o300)  # no listing
    try:
        if os.access(tmp_path / "shut", os.R_OK):
            found = set(folders_within(tmp_path))  # root reads anything: it is listed
            assert str(tmp_path / "shut" / "inner") in found
        else:
            found = set(folders_within(tmp_path))
            assert str(tmp_path / "shut" / "inner") not in found
        assert {str(tmp_path), str(tmp_path / "shut"), str(tmp_path / "open")} <= found
    finally:
        (tmp_path / "shut").chmod(0o755)
