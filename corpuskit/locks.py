"""The locks that let one corpuskit process at a time write a folder.

A build or release holds its output folder's lock (:func:`output_lock`, an advisory
``flock`` on ``<out>/.corpuskit-lock``) while it writes there, and a release holds its
seeds folder's (:func:`seeds_lock`) while it edits corpus.toml and CHANGELOG.md. The
kernel drops a lock when its process dies, so a killed build never blocks the next one;
under the output folder's lock, what killed builds left there is removed.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from .errors import ArgumentError, OutputError
from .orphans import written_by_a_running_process
from .wording import shell_word
from .writer import (
    RESERVED_PREFIX,
    TEMP_PREFIX,
    not_a_folder,
    output_error,
    read_only,
    remove_tree,
    sticky_folder_advice,
    unwritable,
)

LOCK_NAME = f"{RESERVED_PREFIX}lock"
#: Output folders whose lock this thread holds (a lock is re-entrant per thread only).
_HELD = threading.local()


def _held_locks() -> set[str]:
    held: set[str] | None = getattr(_HELD, "keys", None)
    if held is None:
        held = _HELD.keys = set()
    return held


def _is_current_lock_file(handle: BinaryIO, path: Path) -> bool:
    """False if the lock file was removed or replaced after ``handle`` opened it."""
    try:
        current = path.stat()
    except OSError:
        return False
    opened = os.fstat(handle.fileno())
    return (opened.st_dev, opened.st_ino) == (current.st_dev, current.st_ino)


#: How the lock file is opened: to read, made if missing, never through a symbolic link
#: (in a folder others may write, one could make a build create a file where it points),
#: and never waiting (a FIFO put there would wait for a writer: QA).
_LOCK_FLAGS = os.O_RDONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) \
    | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


class _LockNotAFile(OSError):
    """The output folder's lock file is something else (a FIFO, a folder, a link)."""


def _open_lock(lock: Path) -> int:
    """A descriptor of the output folder's lock file, made if missing and readable to every
    user (a build under umask 077 made one other users' builds could not open: QA)."""
    try:
        fd = os.open(lock, _LOCK_FLAGS, 0o644)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EISDIR, errno.ENXIO) or (
                exc.errno == errno.EMLINK and os.path.islink(lock)):
            raise _LockNotAFile(exc.errno, exc.strerror, str(lock)) from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _LockNotAFile(errno.EINVAL, "not a regular file", str(lock))
        if info.st_uid == os.geteuid() and info.st_mode & 0o444 != 0o444:
            with suppress(OSError):
                os.fchmod(fd, 0o644)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _lock_unreadable(out: Path, exc: OSError) -> str | None:
    """What to say of a lock file in ``out`` that this user may not open (another user's,
    not readable to others), in a folder this user may write; None otherwise."""
    lock = out / LOCK_NAME
    if isinstance(exc, _LockNotAFile):
        kind = "a symbolic link" if os.path.islink(lock) else \
            "a folder" if os.path.isdir(lock) else "no regular file (a FIFO, socket or device)"
        return (f"{lock}, the lock that builds and releases into {out} take to write one at "
                f"a time, is {kind}: remove it (a build makes it again)")
    if exc.errno not in (errno.EACCES, errno.EPERM) or not os.path.lexists(lock) \
            or unwritable(out):
        return None
    said = (f"cannot open {lock} ({exc.strerror}), the lock that builds and releases into "
            f"{out} take to write one at a time; it holds nothing")
    try:
        owner = os.lstat(lock).st_uid
    except OSError:
        owner = None
    if owner == os.geteuid():
        return f"{said}: make it readable (chmod u+r {shell_word(str(lock))})"
    # Removed while a build holds it, two builds could write at once: not "remove it" alone.
    sticky = sticky_folder_advice(
        out, lock, "have them make it readable to every user (chmod a+r) or, when no build "
        "or release is running there, remove it")
    if sticky is not None:
        return f"{said}; {sticky}"
    return (f"{said}: ask its owner to make it readable to every user (chmod a+r), or, "
            f"when no build or release is running there, remove it "
            f"(rm {shell_word(str(lock))})")


@contextmanager
def seeds_lock(seeds: Path) -> Iterator[None]:
    """Hold the seeds folder's lock while a release edits its corpus.toml and CHANGELOG.md:
    one release of a seeds folder at a time, whichever folder it releases into (QA: two
    releases of one seeds folder into two dist folders undid each other's edits). An
    advisory ``flock`` on the folder itself, no file written into it; dropped by the kernel
    when its process dies. A folder that cannot be opened to be locked is not locked (its
    own problem is told where it is read)."""
    try:
        fd = os.open(seeds, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(f"another release of {seeds} is running (it edits its "
                              "corpus.toml and CHANGELOG.md): wait until it ends, then run "
                              "this one again") from None
        except OSError:  # a filesystem without locks: as before
            pass
        yield
    finally:
        os.close(fd)


@contextmanager
def output_lock(out: Path, release: str | None = None) -> Iterator[None]:
    """Hold the output folder's lock: one build or release writes to a folder at a time.

    The lock is an advisory ``flock`` on ``out/.corpuskit-lock``: the kernel drops it when
    its process dies, so a killed build never blocks the next one. It is re-entrant for
    the thread holding it (``release`` holds it around its build); another thread or
    process fails fast. ``release``, the release a build makes, only words the message of
    an ``out`` that may not be written. Under the lock, stale temporary folders and files of
    killed builds are removed (not the temporary file of an export into ``out`` that is
    still running). A build that created ``out``, or its lock file, and leaves nothing
    else in it removes the lock file again (and ``out`` and the parents made for it, if it
    made them), while it still holds the lock: a failed build into an empty folder leaves
    it as it was, and one into a folder that was not there leaves none (QA).
    """
    key = os.path.realpath(out)
    held = _held_locks()
    if key in held:  # re-entrant: release holds the lock around its build
        yield
        return
    made = _missing_folders(out)  # out and its parents that are not there, deepest first
    created_out = bool(made)
    created_lock = created_out or not os.path.lexists(out / LOCK_NAME)
    try:
        out.mkdir(parents=True, exist_ok=True)
        # Opened to read: a lock is taken on a file, whatever it was opened for, and the
        # lock file another user's build left in a shared folder is as good (QA: opened to
        # write, it stopped every other user's build with "cannot write to <out>").
        handle = os.fdopen(_open_lock(out / LOCK_NAME), "rb")
    except OSError as exc:
        misnamed = not_a_folder(out, exc)
        if misnamed is not None:  # the command line names a file: a usage error (exit 2),
            raise ArgumentError(misnamed) from None  # as an --out that is a release folder is
        told = _lock_unreadable(out, exc) or read_only(out, exc, release)
        raise (OutputError(told) if told else output_error(out, exc)) from None
    locked = False
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            # a lock on a file that its last holder removed protects nothing
            locked = _is_current_lock_file(handle, out / LOCK_NAME)
        except BlockingIOError:
            pass
        if not locked:
            raise OutputError(
                f"another corpuskit build or release is writing to {out}; wait for it to "
                "finish and run this command again")
        held.add(key)
        for stale in out.glob(f"{TEMP_PREFIX}*"):
            if stale.is_dir():
                remove_tree(stale)
            elif not written_by_a_running_process(stale.name, TEMP_PREFIX):
                with suppress(OSError):
                    stale.unlink()
        yield
    finally:
        held.discard(key)
        if locked and created_lock:
            with suppress(OSError):
                if not any(p.name != LOCK_NAME for p in out.iterdir()):
                    (out / LOCK_NAME).unlink()
                    for folder in made:  # out, then the parents made for it (QA)
                        folder.rmdir()
        handle.close()


def _missing_folders(out: Path) -> list[Path]:
    """``out`` and its parents that do not exist, deepest first: the folders that making
    ``out`` makes."""
    missing: list[Path] = []
    folder = out.absolute()
    while not os.path.lexists(folder) and folder.parent != folder:
        missing.append(folder)
        folder = folder.parent
    return missing
