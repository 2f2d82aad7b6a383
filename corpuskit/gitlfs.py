"""Git LFS pointers: what a checkout holds in place of a file kept in Git LFS that it did
not fetch (actions/checkout's default), a few lines of text such as::

    version https://git-lfs.github.com/spec/v1
    oid sha256:4d7a2146...
    size 12345

Such a file is no damage to report nor text to package: each reader that meets one in
place of a release's zip, a package's file or a seeds document says so, with
``git lfs pull`` (QA: a pointer in place of a zip was told to be rebuilt; one in place of a
document was packaged as its text).
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

#: How a Git LFS pointer file begins.
LFS_POINTER = b"version https://git-lfs.github.com/spec/"
#: A pointer is a few lines: a file this long or longer is none.
_MAX_POINTER_BYTES = 1024
#: How to fetch what the pointers stand for.
_FETCH = ("run 'git lfs pull' (in GitHub Actions, check out with 'lfs: true')")
#: What to tell of one in place of a release's zip (QA: it was told to get the archive
#: again, and check to delete it and build, which would commit a zip over the LFS object).
LFS_ADVICE = ("a Git LFS pointer, not the archive: the repository keeps the archive in Git "
              f"LFS and this checkout did not fetch it; {_FETCH}, and do not replace it with "
              "a build")
#: ... and of one in place of any other file.
LFS_FILE_ADVICE = ("a Git LFS pointer, not the file: the repository keeps the file in Git "
                   f"LFS and this checkout did not fetch it; {_FETCH}")


#: A pointer's lines, as the Git LFS specification has them: its version first, then its
#: keys in order, the oid and size among them (line ends converted to CRLF too).
_POINTER = re.compile(rb"version https://git-lfs\.github\.com/spec/v\d+\r?\n"
                      rb"(?:[a-z0-9.-]+ [^\r\n]*\r?\n)*?oid sha256:[0-9a-f]{64}\r?\n"
                      rb"(?:[a-z0-9.-]+ [^\r\n]*\r?\n)*?size \d+\r?\n"
                      rb"(?:[a-z0-9.-]+ [^\r\n]*\r?\n)*")


def is_lfs_pointer_data(data: bytes) -> bool:
    """Whether ``data``, a whole file or its first :data:`_MAX_POINTER_BYTES` bytes, is a
    Git LFS pointer: its lines, each key and value, not only its first (QA: a note about
    Git LFS that began with that line was refused as one)."""
    return len(data) < _MAX_POINTER_BYTES and data.startswith(LFS_POINTER) \
        and _POINTER.fullmatch(data) is not None


def is_lfs_pointer(path: Path) -> bool:
    """Whether ``path`` is a regular file that is a Git LFS pointer, never one of its
    errors. A pipe is opened without waiting for a writer (a test of validate hung on
    one in a package), and read from only if it turns out to be a file."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return False
        return is_lfs_pointer_data(os.read(descriptor, _MAX_POINTER_BYTES))
    except OSError:
        return False
    finally:
        os.close(descriptor)


def pointers_in(folder: Path) -> list[str]:
    """The regular files below ``folder`` that are Git LFS pointers, by their paths in it
    (``/``-separated, sorted): of the files the seeds' discovery considers
    (:func:`~corpuskit.discover.candidate_paths`: hidden files and folders, ``.git``, are
    left out, no link to a folder is followed), those that are no symbolic link.
    corpus.toml and CHANGELOG.md are among them, and discover.exclude is not applied: what
    a checkout that did not fetch a seeds folder kept in Git LFS holds, named when its
    corpus.toml, a pointer too, says nothing of which files are documents (QA: its TOML
    error hid them)."""
    from .discover import candidate_paths  # (discover reads with this module: imported here)

    return sorted(relpath for relpath, entry in candidate_paths(folder, (), ordered=False)
                  if not _is_link(entry) and is_lfs_pointer(Path(entry.path)))


def _is_link(entry: os.DirEntry[str]) -> bool:
    """Whether ``entry`` is a symbolic link (or cannot be looked at: not read either)."""
    try:
        return entry.is_symlink()
    except OSError:
        return True
