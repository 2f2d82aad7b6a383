"""Where the tests' temporary folders go (tests/temp_root.py)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest
import temp_root
from temp_root import (
    ROOM_BYTES,
    TEMP_ROOT_VARIABLE,
    available_memory,
    choose_temp_root,
    memory_temp_root,
    mount_types,
)

ROOT_ON_EXT4 = {"/": "ext4", "/dev/shm": "tmpfs", "/proc": "proc"}


@pytest.fixture
def roomy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every folder has ROOM_BYTES free, whatever the machine running the tests has."""
    monkeypatch.setattr(os, "statvfs",
                        lambda path: SimpleNamespace(f_bavail=ROOM_BYTES // 4096, f_frsize=4096))


def test_a_tmpfs_with_room_takes_the_temporary_folders(tmp_path: Path, roomy: None) -> None:
    types = {"/": "ext4", str(tmp_path): "tmpfs"}
    assert memory_temp_root(types, Path("/tmp"), tmp_path, ROOM_BYTES) == tmp_path


def test_nothing_changes_where_the_system_temporary_folder_is_a_tmpfs(
        tmp_path: Path, roomy: None) -> None:
    types = {"/": "ext4", "/tmp": "tmpfs", str(tmp_path): "tmpfs"}
    assert memory_temp_root(types, Path("/tmp/sub"), tmp_path, ROOM_BYTES) is None


def test_nothing_changes_without_a_tmpfs(tmp_path: Path, roomy: None) -> None:
    types = {"/": "ext4", str(tmp_path): "ext4"}
    assert memory_temp_root(types, Path("/tmp"), tmp_path, ROOM_BYTES) is None
    assert memory_temp_root({"/": "ext4"}, Path("/tmp"), tmp_path, ROOM_BYTES) is None


def test_nothing_changes_without_room(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    types = {"/": "ext4", str(tmp_path): "tmpfs"}
    monkeypatch.setattr(os, "statvfs",  # a container's 64 MB /dev/shm
                        lambda path: SimpleNamespace(f_bavail=(64 << 20) // 4096, f_frsize=4096))
    assert memory_temp_root(types, Path("/tmp"), tmp_path, ROOM_BYTES) is None
    monkeypatch.undo()
    monkeypatch.setattr(os, "statvfs",
                        lambda path: SimpleNamespace(f_bavail=ROOM_BYTES // 4096, f_frsize=4096))
    assert memory_temp_root(types, Path("/tmp"), tmp_path, ROOM_BYTES - 1) is None  # memory


def test_a_run_that_says_where_keeps_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                        roomy: None) -> None:
    monkeypatch.setattr(temp_root, "mount_types", lambda: {"/": "ext4", "/dev/shm": "tmpfs"})
    monkeypatch.setattr(temp_root, "available_memory", lambda: ROOM_BYTES)
    monkeypatch.setattr(os, "access", lambda path, mode: True)
    monkeypatch.setattr(tempfile, "gettempdir", lambda: "/tmp")
    monkeypatch.setenv(TEMP_ROOT_VARIABLE, str(tmp_path))
    assert choose_temp_root(None) is None
    assert os.environ[TEMP_ROOT_VARIABLE] == str(tmp_path)
    monkeypatch.delenv(TEMP_ROOT_VARIABLE)
    assert choose_temp_root(str(tmp_path / "given")) is None
    assert TEMP_ROOT_VARIABLE not in os.environ
    assert choose_temp_root(None) == Path("/dev/shm")
    assert os.environ[TEMP_ROOT_VARIABLE] == "/dev/shm"


def test_mounts_and_memory_are_read_from_proc(tmp_path: Path) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text("/dev/vda / ext4 rw 0 0\ntmpfs /dev/shm tmpfs rw,size=1k 0 0\nbad\n")
    assert mount_types(mounts) == {"/": "ext4", "/dev/shm": "tmpfs"}
    assert mount_types(tmp_path / "absent") == {}
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal: 24105 kB\nMemAvailable:   1000 kB\n")
    assert available_memory(meminfo) == 1000 * 1024
    meminfo.write_text("MemTotal: 24105 kB\n")
    assert available_memory(meminfo) == 0
    assert available_memory(tmp_path / "absent") == 0
