"""Folders nested about a thousand deep, which Python's recursion limit (1000) does not
allow a walk to recurse through: made and removed one level at a time (``os.makedirs``
and ``shutil.rmtree`` recurse so themselves)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: How deep: deeper than a recursing walk can go from a test's stack (QA s83: os.walk
#: failed about 980 folders down), and short enough for the system to open (2 bytes a level).
DEPTH = 990


@contextmanager
def nested(top: Path, file: bytes, *, depth: int = DEPTH, name: str = "d"
           ) -> Iterator[str]:
    """``top/d/d/.../d/bottom.txt`` (``depth`` folders named ``name``) holding ``file``,
    made in the folder ``top``; yields the file's path relative to ``top``, and removes the
    folders after."""
    fd = os.open(top, os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir(name, dir_fd=fd)
            below = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = below
        written = os.open("bottom.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(written, file)
        os.close(written)
    finally:
        os.close(fd)
    try:
        yield "/".join([name] * depth + ["bottom.txt"])
    finally:
        _remove(top, name)


def _remove(top: Path, name: str) -> None:
    """Remove ``top/name``, a chain of folders named ``name`` with one file at its bottom,
    by moving each folder's one folder up in its place (no path longer than two levels)."""
    spare = f"{name}.spare"
    while (top / name).is_dir():
        if (top / name / name).is_dir():
            os.rename(top / name / name, top / spare)
            for left in os.listdir(top / name):
                os.unlink(top / name / left)
            os.rmdir(top / name)
            os.rename(top / spare, top / name)
        else:
            for left in os.listdir(top / name):
                os.unlink(top / name / left)
            os.rmdir(top / name)
