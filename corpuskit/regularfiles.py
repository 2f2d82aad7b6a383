"""Opening a package's files safely: regular files only, never through a symbolic link,
never waiting on a pipe; and the problem to report for one that could not be read."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .accesstimes import open_for_check
from .problems import Problem, printable
from .wording import shell_word

#: How a package's files are opened: never through a symbolic link, and without waiting
#: (a FIFO in place of a file would block ``open`` until something writes to it).
OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


class NotRegularFile(OSError):
    """A package path that is a folder, pipe, device or socket: it is never read."""

    def __init__(self, path: str, kind: str = "device, socket or pipe") -> None:
        super().__init__(f"{path} is not a regular file ({kind})")
        self.strerror = f"not a regular file ({kind})"


#: What validate (and info) say of a symbolic link in a package folder.
LINK_IN_A_PACKAGE = "symbolic link; a package holds regular files only (not followed)"


class LinkedFolder(OSError):
    """A folder on the way to a package file that is a symbolic link (``data``, linked
    elsewhere): the file is never read through it. ``folder`` is the link, relative to
    the package, as validate names it."""

    def __init__(self, folder: str, path: str) -> None:
        super().__init__(errno.ELOOP, f"{folder} is a symbolic link", path)
        self.folder = folder


class UnenteredFolder(OSError):
    """A folder on the way to a package file that this user may not enter (listed or
    not: read permission without execute, after a ``chmod -R 644``): making the file
    readable cannot help. ``folder`` is the folder, relative to the package (``.`` for the
    package itself), as validate names it."""

    def __init__(self, folder: str, path: str, cause: OSError) -> None:
        super().__init__(cause.errno, cause.strerror, path)
        self.folder = folder


def cannot_enter(strerror: str | None, path: str | os.PathLike[str] | None = None) -> str:
    """What is said of a folder this user may list but not enter, ``path`` if known (to
    ask its owner if it is another user's): validate's words, and info's and diff's."""
    return (f"cannot enter the folder: {strerror}, so none of its files can be read (it "
            f"may be listed, not entered); {not_enterable(path)}")


def special_kind(mode: int) -> str:
    """What a file of ``mode`` that is not a regular file is: a folder, a pipe, a socket
    or a device (QA: each was called a "device, socket or pipe")."""
    return ("a folder" if stat.S_ISDIR(mode) else "a pipe" if stat.S_ISFIFO(mode) else
            "a socket" if stat.S_ISSOCK(mode) else "a device")


def check_regular(fd: int, path: str) -> None:
    """Raise :class:`NotRegularFile` unless ``fd`` is a regular file (the caller closes it),
    saying what it is."""
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        raise NotRegularFile(path, special_kind(mode))


def read_problem(rel: str, exc: OSError) -> Problem:
    """The problem of a package file that could not be read: ``unsafe-path`` for a pipe or
    device (:class:`NotRegularFile`) or a linked folder on its way (:class:`LinkedFolder`,
    naming the folder), else ``unreadable-file``."""
    if isinstance(exc, NotRegularFile):
        return Problem(rel, "unsafe-path", exc.strerror or str(exc))
    if isinstance(exc, LinkedFolder):  # the link is the folder, not ``rel`` (QA: info
        # called data/documents.jsonl the link, and advised copying that file in)
        return Problem(exc.folder, "unsafe-path", f"{LINK_IN_A_PACKAGE}; replace the link "
                                                  "with a copy of the folder it leads to")
    if isinstance(exc, UnenteredFolder):  # not ``rel``: chmod a+r of it cannot help (QA s83)
        return Problem(exc.folder, "unreadable-file", cannot_enter(exc.strerror, exc.filename))
    if exc.errno == errno.EFBIG:
        return Problem(rel, "too-large", exc.strerror or str(exc))
    if exc.errno == errno.ELOOP:  # O_NOFOLLOW met a link: not "too many levels of links"
        return Problem(rel, "unsafe-path", "a symbolic link; a package holds regular files "
                                           "only, copy the file in")
    if exc.errno == errno.ENOENT:  # (QA: "cannot be read: No such file", no advice)
        return Problem(rel, "missing-file", "not found: the package is damaged, or was "
                                            "changed while it was read; 'corpuskit validate' "
                                            "names every problem; get it again from where "
                                            "it was published")
    return Problem(rel, "unreadable-file", f"cannot be read: {exc.strerror or exc}"
                                           f"{permission_advice(exc)}")


#: What to do about a file this user may not read.
def not_permitted(bits: str = "a+r", path: str | os.PathLike[str] | None = None) -> str:
    """What to do about a file (a folder: ``bits`` ``a+rx``) this user may not read: make
    it readable, or, if ``path`` is known to be another user's, ask its owner to (only
    they may change its mode: QA)."""
    if path is not None and owner_is_other(path):
        return f"ask its owner to make it readable (chmod {bits}), or run corpuskit as its owner"
    return f"make it readable to this user (chmod {bits}), or run corpuskit as its owner"


def not_enterable(path: str | os.PathLike[str] | None = None) -> str:
    """What to do about a folder this user may list but not enter (read permission without
    execute, after a ``chmod -R 644``): make it enterable (``a+x``; making its files
    readable cannot help), or, if ``path`` is known to be another user's, ask its owner
    to."""
    if path is not None and owner_is_other(path):
        return "ask its owner to make it enterable (chmod a+x), or run corpuskit as its owner"
    return "make it enterable to this user (chmod a+x), or run corpuskit as its owner"


def readable_request(paths: list[str], *, one: bool) -> str:
    """``make it readable`` (``them``), or ``ask its owner to make it readable`` where one
    of ``paths`` (relative to the working folder) is another user's: only its owner may
    change its mode (QA: the verdicts advised a chmod that failed)."""
    pronoun = "it" if one else "them"
    if any(owner_is_other(os.path.abspath(path)) for path in paths):
        return f"ask {'its' if one else 'their'} owner to make {pronoun} readable"
    return f"make {pronoun} readable"


def owner_is_other(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` belongs to another user than this one (False if it cannot be
    looked at, or is relative: an error's file name may be relative to a folder opened
    apart, not to the working folder)."""
    try:
        return os.path.isabs(path) and os.lstat(path).st_uid != os.geteuid()
    except (OSError, ValueError, AttributeError):  # AttributeError: no geteuid (Windows)
        return False


NOT_PERMITTED = not_permitted()


def permission_advice(exc: BaseException, *, folder: bool = False,
                      path: str | os.PathLike[str] | None = None) -> str:
    """``; <what to do>`` for an error that says this user may not read a file (a
    ``folder``: list it), else ``""`` (a package file's "Permission denied" said nothing
    of it, QA); ``path``: the file, to ask its owner if it is another user's."""
    denied = isinstance(exc, OSError) and exc.errno in (errno.EACCES, errno.EPERM)
    if not denied:
        return ""
    # ``path``, as the caller knows it (relative to the working folder), else the error's
    # file name, which may be relative to a folder opened apart (then not looked at).
    whose = os.path.abspath(path) if path is not None else getattr(exc, "filename", None)
    return f"; {not_permitted('a+rx' if folder else 'a+r', whose)}"


def open_checked(path: str, *, dir_fd: int | None = None) -> int:
    """``os.open`` of a file that ``validate`` checks, with :data:`OPEN_FLAGS`, leaving its
    access time as it was where the system allows (:mod:`corpuskit.accesstimes`)."""
    return open_for_check(path, OPEN_FLAGS, dir_fd=dir_fd)


def open_regular(path: str, *, dir_fd: int | None = None, checking: bool = False) -> int:
    """A descriptor of the regular file ``path`` (see :data:`OPEN_FLAGS`); a pipe, device or
    socket raises :class:`NotRegularFile` at once instead of blocking or reading forever.
    ``checking``: opened as :func:`open_checked` opens it."""
    fd = (open_checked(path, dir_fd=dir_fd) if checking
          else os.open(path, OPEN_FLAGS, dir_fd=dir_fd))
    try:
        check_regular(fd, path)
    except OSError:
        os.close(fd)
        raise
    return fd


def folder_not_entered(path: Path) -> tuple[str, bool] | None:
    """The first folder on ``path`` that this user may not enter, as written there (with
    whether it is reached through a symbolic link on the path: then the folder is on the
    link's way, not named in ``path``), or None if none is found (each part could be
    looked at)."""
    parts = Path(path).parts
    for end in range(1, len(parts) + 1):
        prefix = os.path.join(*parts[:end])
        try:
            os.stat(prefix)
        except PermissionError:
            above = os.path.join(*parts[:end - 1]) if end > 1 else "."
            try:
                linked = stat.S_ISLNK(os.lstat(prefix).st_mode)
            except OSError:
                linked = False
            return (prefix, True) if linked else (above, False)
        except OSError:
            return None
    return None


def _unreachable(path: Path, why: str) -> str:
    """What to say of ``path``, which cannot be looked at because a folder on its way may
    not be entered: that folder, named (QA: with two of them, which was it?)."""
    blocked = folder_not_entered(path)
    if blocked is None:
        return (f"cannot be reached: a folder above it cannot be entered ({why}); make that "
                "folder readable to this user (chmod a+rx), or run corpuskit as its owner")
    folder, linked = blocked
    if linked:
        return (f"cannot be reached: a folder above it cannot be entered ({why}), on the way "
                f"of the symbolic link {printable(folder)}; make the folders it leads "
                "through readable to this user (chmod a+rx), or run corpuskit as their owner")
    return (f"cannot be reached: the folder {printable(folder)} above it cannot be entered "
            f"({why}); make that folder readable to this user (chmod a+rx "
            f"{shell_word(folder)}), or run corpuskit as its owner")


def unreadable_given(path: Path) -> Problem | None:
    """The problem of a file or folder given to a command (a package, its archive, a seeds
    folder) that this user may not read, naming ``path``; None if it can be read, or is
    not there (said by the caller, as before). A folder is read when it can be listed and
    entered. Its permissions are at fault, not its content: it is never to be called
    something else (no zip archive, no package)."""
    mode = None
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            with os.scandir(path) as entries:
                next(entries, None)
            os.stat(os.path.join(path, "."))  # entered: its files can be reached
        elif stat.S_ISREG(mode):
            os.close(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)))
        return None
    except PermissionError as exc:
        why = exc.strerror or str(exc)
        if mode is None:
            return Problem(str(path), "unreadable-file", _unreachable(path, why))
        kind, bits = ("folder", "a+rx") if stat.S_ISDIR(mode) else ("file", "a+r")
        return Problem(str(path), "unreadable-file",
                       f"this {kind} cannot be read: {why}; "
                       f"{not_permitted(bits, os.path.abspath(path))}")
    except OSError:
        return None
