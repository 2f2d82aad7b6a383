"""The one writer: every byte corpuskit puts on disk goes through here.

A package is written into a hidden temporary folder beside its destination and renamed
into place only when complete, so a failed or killed build leaves no partial release and
never touches an existing one; an export's file goes the same way, through a temporary
file beside it (:func:`replace_file`). Disk errors become :class:`OutputError` naming the
path. The lock a build or release holds on the folder it writes is :mod:`corpuskit.locks`'s;
what a process killed outright left is removed by :mod:`corpuskit.orphans`.
"""

from __future__ import annotations

import errno
import hashlib
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from .errors import OutputError
from .folders import folders_within
from .orphans import left_by_gone_processes, remove_orphans
from .package import FileEntry
from .regularfiles import folder_not_entered
from .systemlimits import open_files_advice, size_limit_advice
from .wording import LINK_LOOP, given_as, link_loop_on, shell_word, shown_name
from .zipfiles.archive import write_zip
from .zipfiles.deflate import Compression
from .zipfiles.preparedpieces import PreparedPieces

#: Names corpuskit keeps for itself in the folders it writes (its lock, its temporary
#: files): a build removes those it left.
RESERVED_PREFIX = ".corpuskit-"
TEMP_PREFIX = f"{RESERVED_PREFIX}tmp-"
FILE_MODE = 0o644
DIR_MODE = 0o755
#: The buffer of a file written piece by piece (:func:`stream_file`, a shard's archive
#: pieces). Python's default is the filesystem's block, 4 KiB on ext4: a shard's records,
#: a line of about 3 KB per document of the benchmark, and its deflated raw files took a
#: ``write`` call per document; with this, one per 256 KiB. Writing 20,000 such lines and
#: pieces took 1.22-1.36 µs of CPU a document against 2.52-2.67 µs (ext4, four rounds).
STREAM_BUFFER = 256 * 1024

#: The longest name of a file, in bytes (NAME_MAX of the filesystems corpuskit writes to).
NAME_MAX = 255
#: The bytes a temporary name keeps after :func:`temp_prefix`: the longest tail a writer
#: adds, ``<pid>-<8 random characters>`` (a 32-bit process id at most).
_TAIL_ROOM = len(f"{2**32}-") + 8
#: The hash's characters that stand for the cut part of a name too long to keep whole.
_NAME_HASH_CHARACTERS = 16


def temp_prefix(name: str) -> str:
    """``.corpuskit-tmp-<name>-``: how the name of a temporary file or folder made for
    ``name`` (a file or release written beside it) starts; the writer adds its process id
    and/or random characters. A name too long for that to fit in :data:`NAME_MAX` bytes
    (as the filesystem encodes it, UTF-8) is cut at a character and ends with ``~`` and a
    hash of the whole name: the same name always gets the same prefix, so what a killed
    process left is still found by it (:func:`~corpuskit.orphans.remove_orphans`), and by
    :data:`TEMP_PREFIX`."""
    room = NAME_MAX - len(TEMP_PREFIX) - len("-") - _TAIL_ROOM
    if len(os.fsencode(name)) > room:
        digest = hashlib.sha256(os.fsencode(name)).hexdigest()[:_NAME_HASH_CHARACTERS]
        kept = name
        while len(os.fsencode(kept)) > room - len("~") - len(digest):
            kept = kept[:-1]
        name = f"{kept}~{digest}"
    return f"{TEMP_PREFIX}{name}-"


#: What a write is, for its error message: text, or a function making it (only on error).
Doing = str | Callable[[], str] | None


def output_error(path: Path, exc: OSError, doing: Doing = None) -> OutputError:
    """The :class:`OutputError` for ``exc``, met writing ``path``: ``doing`` (else "cannot
    write <path>"), the system's reason and :func:`write_advice`."""
    reason = exc.strerror or str(exc)
    what = doing() if callable(doing) else doing
    what = what or f"cannot write {shown_name(path)}"
    error = OutputError(f"{what}: {reason}{write_advice(path, exc)}")
    error.errno = exc.errno
    return error


def write_advice(path: Path, exc: OSError) -> str:
    """``; <what to do>`` for an error writing the file ``path`` that says this user may
    not write there, or that its file system is mounted read-only; ``""`` for any other
    (or where what is refused cannot be told). Writing a file makes it in its folder
    (corpuskit writes a temporary file and renames it), so the folder is looked at first:
    the nearest one on the path that exists (missing ones are made in it). "cannot write
    seeds/corpus.toml: Permission denied" said nothing of what to do (QA)."""
    if exc.errno == errno.EROFS:
        return "; its file system is mounted read-only: write to another one"
    if exc.errno in (errno.EMFILE, errno.ENFILE):  # (QA: said without advice, ulimit -n 16)
        return open_files_advice()
    if exc.errno == errno.EFBIG:  # (QA: s77 concurrency 1, "File too large" alone)
        return size_limit_advice(exc)
    if exc.errno not in (errno.EACCES, errno.EPERM):
        return ""
    folder = _made_in(path)
    if folder is None:
        return ""
    if unwritable(folder):
        return f"; this user may not write into {shown_name(folder)}: {_grant(folder)}"
    sticky = sticky_folder_advice(folder, path)
    if sticky is not None:
        return f"; {sticky}"
    if os.path.isfile(path) and not os.access(path, os.W_OK):
        return (f"; this user may not write {shown_name(path)}: make it writable for this "
                "user, or run corpuskit as its owner")
    return ""


def unwritable(folder: Path) -> bool:
    """Whether this user may not make files in ``folder`` (write into it and enter it)."""
    return not os.access(folder, os.W_OK | os.X_OK)


def _made_in(path: Path) -> Path | None:
    """The folder a file or folder at ``path`` is made in: the nearest one on its path
    that exists (the missing ones are made in it); None if none can be seen."""
    return next((parent for parent in path.parents if os.path.isdir(parent)), None)


def sticky_folder_advice(folder: Path, path: Path, remedy: str = "have them remove it"
                         ) -> str | None:
    """What to say if ``path`` is another user's, in a sticky ``folder`` (``/tmp``'s mode)
    that is not this user's either: there only their owners may replace or remove it,
    whatever its permissions (a rename over it fails with "Operation not permitted"), so
    making it writable is no advice (QA); else None. ``remedy``: what to have them do."""
    try:
        folder_info, info = os.stat(folder), os.lstat(path)
    except OSError:
        return None
    me = os.geteuid()
    if not folder_info.st_mode & stat.S_ISVTX or me in (folder_info.st_uid, info.st_uid):
        return None
    return (f"{shown_name(folder)} is sticky (chmod +t, as /tmp is): only the owner of "
            f"{shown_name(path)} (or of "
            f"the folder) may replace or remove it; {remedy}, or write to another path")


def file_in_the_way(out: Path, option: str = "--out") -> str | None:
    """What to say of an output (or, ``option`` ``--cache``, cache) folder that is a file, a
    symbolic link to nothing, under a file, or through a symbolic link that leads back to
    itself (a usage error, found before any work, ``release --dry-run`` included); None if
    there is none."""
    loop = link_loop_on(out)
    if loop is not None:  # (QA: Path.resolve()'s RuntimeError, a traceback)
        return (f"cannot write into {shown_name(out)}: {shown_name(loop)} is {LINK_LOOP}, "
                f"which names no folder; give {option} a folder (it is made if missing)")
    if os.path.islink(out) and not os.path.exists(out):
        return (f"cannot write into {shown_name(out)}: it is a symbolic link to nothing; "
                f"give {option} a folder (it is made if missing)")
    path = file_on_the_way(out)
    if path is not None:
        return (f"cannot write into {shown_name(out)}: {shown_name(path)} {IS_A_FILE}; give "
                f"{option} a folder (it is made if missing)")
    return None


#: What a path that goes through a file is told of that file.
IS_A_FILE = "is a file, not a folder"


def file_on_the_way(path: Path) -> Path | None:
    """The file ``path`` or a folder on its way is (not a folder), if any: ``dist/x.zip``
    of ``dist/x.zip/sub``, which the system calls "Not a directory"; else None."""
    for part in (path, *path.parents):
        # (os.path's: a path inside a folder that cannot be entered is none, said later)
        if os.path.exists(part) and not os.path.isdir(part):
            return part
    return None


def out_of_reach(out: Path, *, folder: bool = True, option: str = "--out") -> str | None:
    """What to say of an ``--out`` this user may not reach (named as ``option``: ``out=``
    for a Python argument, see :func:`~corpuskit.wording.given_as`), or None (a path that is
    missing, or may not be written, is said where it is made or written). Out of reach:
    inside a folder it may not enter, and, for a ``folder`` (a build's, a release's), one
    it may not list or enter (a build lists it for the releases there, then writes into
    it). Python's ``Path.exists()`` and ``is_dir()`` raise for such a path: the commands
    met it as a traceback from the library, and the CLI's last resort printed no failure
    JSON and advice on reading (QA)."""
    try:
        mode = os.stat(out).st_mode
    except PermissionError as exc:  # a folder on its path may not be entered: which one
        found = folder_not_entered(out)
        blocked = Path(found[0]) if found is not None else out.parent
        return (f"cannot reach {given_as(option, out)}: this user may not enter "
                f"{shown_name(blocked)} ({exc.strerror or exc}); {_grant(blocked)}, or give "
                f"{option} another {'folder' if folder else 'file'}")
    except OSError:
        return None
    if not folder or not stat.S_ISDIR(mode):
        return None
    doing = "list"
    try:
        with os.scandir(out) as entries:
            next(entries, None)
        doing = "enter"
        os.stat(os.path.join(out, "."))
    except PermissionError as exc:
        return (f"cannot use {given_as(option, out)}: this user may not {doing} it "
                f"({exc.strerror or exc}), and a build looks there for the releases it "
                f"holds and writes beside them; {_grant(out)}, or give {option} another "
                "folder")
    except OSError:
        return None
    return None


def _grant(folder: Path) -> str:
    """The advice to let this user enter, list and write ``folder``: ``chmod u+rwx`` for
    its owner; else its owner's to give (opening it to every user is no advice to give)."""
    return _granted(folder, write=True)


def grant_reading(folder: Path) -> str:
    """The advice to let this user list and enter ``folder``, which a command only reads
    (``check --dist``): ``chmod u+rx`` for its owner, else its owner's to give."""
    return _granted(folder, write=False)


def _granted(folder: Path, *, write: bool) -> str:
    try:
        own = os.stat(folder).st_uid == os.geteuid()
    except OSError:
        own = False
    if own:
        if write:
            return ("make it enterable and writable for this user "
                    f"(chmod u+rwx {shell_word(str(folder))})")
        return ("make it readable and enterable for this user "
                f"(chmod u+rx {shell_word(str(folder))})")
    return f"ask its owner to let this user {'enter and write' if write else 'list and enter'} it"


def not_a_folder(out: Path, exc: OSError) -> str | None:
    """What to say of an output folder that cannot be made because it, or a folder on its
    path, is a file; None for any other error."""
    if exc.errno not in (errno.EEXIST, errno.ENOTDIR):
        return None
    return file_in_the_way(out)


def read_only(out: Path, exc: OSError, release: str | None) -> str | None:
    """What to say of an output folder that may not be written (its permissions, a
    read-only mount), or None for any other error. A build writes its lock and its release
    there, even to find ``release`` there already: check compares without writing. The
    folder to open up is named (``out``, or the folder a missing ``out`` is made in), with
    the chmod for its owner, or whose it is to give (QA: "make it writable" named a folder
    not made yet, and was no advice for a folder of another user's)."""
    if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
        return None
    said = f"cannot write to {shown_name(out)} ({exc.strerror})"
    if release is not None and (os.path.lexists(out / release)
                                or os.path.lexists(out / f"{release}.zip")):
        return (f"{said}: a build writes its lock and its release there, even to find "
                f"{release} there already; to compare the releases there with a fresh build "
                f"without writing, run corpuskit check --dist {shell_word(str(out))}")
    elsewhere = "give --out a folder this user can write"
    if exc.errno == errno.EROFS:
        return f"{said}: its file system is mounted read-only; {elsewhere} on another one"
    folder = out if os.path.isdir(out) else _made_in(out)
    if exc.errno == errno.EPERM and folder is not None:
        # Not the permissions (those say EACCES): an attribute or a policy, which chmod
        # does not change (QA: "chmod u+rwx" was advised for an immutable folder).
        return (f"{said}: the system refuses it whatever the permissions of "
                f"{shown_name(folder)} (an immutable or append-only attribute: lsattr -d "
                f"{shell_word(str(folder))}; or a security policy); {elsewhere}")
    if folder is not None and unwritable(folder):
        return (f"{said}: this user may not write into {shown_name(folder)}; "
                f"{_grant(folder)}, or {elsewhere}")
    return f"{said}; make it writable, or {elsewhere}"


def _open_for_writing(path: Path, buffering: int = -1) -> BinaryIO:
    """``path`` open for writing (with a buffer of ``buffering`` bytes, or Python's
    default), its folder made if missing."""
    try:
        return path.open("wb", buffering=buffering)
    except FileNotFoundError:  # the first file of its folder
        path.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        return path.open("wb", buffering=buffering)


def write_file(root: Path, relpath: str,
               data: bytes | memoryview | tuple[bytes | memoryview, ...], *,
               atomic: bool = False, doing: Doing = None) -> None:
    """Write ``root/relpath`` (parents made, mode 0644): ``data``, or its parts one after
    the other; ``atomic`` goes through a rename. (:func:`create_file` makes a new file,
    never writing into an existing one.)

    Used for files inside a package's temporary folder (by the parent and by workers) and
    for cache entries. An error says ``doing`` ("cannot copy seeds/a.txt to ...") and the
    reason; without ``doing`` it names the path written, which may be a temporary one.
    """
    path = root / relpath
    target = path.with_name(f"{temp_prefix(path.name)}{os.getpid()}") if atomic else path
    try:
        try:
            with _open_for_writing(target) as handle:
                for part in data if isinstance(data, tuple) else (data,):
                    handle.write(part)
                os.fchmod(handle.fileno(), FILE_MODE)
            if atomic:
                os.replace(target, path)
        except BaseException:  # a full disk, Ctrl-C: no half-written temporary file left
            if atomic:
                with suppress(OSError):
                    os.unlink(target)
            raise
    except OSError as exc:
        raise output_error(path, exc, doing) from None


#: How :func:`overwrite_file` opens: never through a symbolic link, and never waiting for a
#: reader (a FIFO put in the file's place refuses at once, ENXIO).
_OVERWRITE = os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) \
    | getattr(os, "O_CLOEXEC", 0)


def overwrite_file(path: Path, data: bytes) -> bool:
    """Write ``data`` over the bytes of the file at ``path``, in place, if it is a regular
    file of exactly that size with no other link, in a folder this user may write (where
    it could be replaced as well); whether it was written (else nothing was: write it
    with :func:`write_file`, ``atomic``).

    Only for a cache file whose content ends in a check of itself (a seeds states file:
    :mod:`corpuskit.seedstate`): a build that reads it while another writes it, or after
    a build was killed while writing it, finds a mix of two contents whose check fails,
    and takes it for no file, as it does a damaged one. Writing in place takes no new
    inode, no new blocks and no removal of the old file: the atomic replace of a shard's
    states (100 KB) took 0.5-0.8 ms of system time on ext4, against 0.1 ms in place, and
    an incremental build of 100,000 documents saves 200 of them.
    """
    if not hasattr(os, "pwrite"):  # Windows: replaced, as before
        return False
    if not os.access(path.parent, os.W_OK | os.X_OK):
        # A folder this user may not write (a cache locked to keep it as it is) is not
        # written into through its files either: the build's note says nothing is kept.
        return False
    try:
        fd = os.open(path, _OVERWRITE)
    except OSError:
        return False
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(data) or info.st_nlink != 1:
            return False
        return os.pwrite(fd, data, 0) == len(data)
    except OSError:
        return False
    finally:
        os.close(fd)


@contextmanager
def stream_file(path: Path, *, doing: Doing = None) -> Iterator[BinaryIO]:
    """Write ``path`` piece by piece through a buffered handle (mode 0644, parents made,
    :data:`STREAM_BUFFER`), for files whose content is never held whole in memory (a
    shard's records); errors, in the ``with`` block's writes too, as for
    :func:`write_file`."""
    try:
        with _open_for_writing(path, STREAM_BUFFER) as handle:
            yield handle
            os.fchmod(handle.fileno(), FILE_MODE)
    except OSError as exc:
        raise output_error(path, exc, doing) from None


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL


def create_file(root: Path, relpath: str, data: bytes, *, doing: Doing) -> os.stat_result:
    """Create ``root/relpath`` holding ``data`` (mode 0644, parents made), never writing
    into an existing file (so never through a hard link), with system calls only; the
    new file's status. A build creates one file per document, where a file object and
    the entry's sha256 that :func:`write_file` returns cost more than the calls (14 µs of
    27 per file on tmpfs). Its mode is set only if the umask (or a default ACL) left
    another: the status taken anyway tells, and a ``fchmod`` per file was one call in five
    for nothing under the usual umask 022."""
    path = f"{root}/{relpath}"  # strings: this runs once per raw file
    try:
        try:
            fd = os.open(path, _CREATE, FILE_MODE)
        except FileNotFoundError:  # the first file of its folder
            os.makedirs(os.path.dirname(path), mode=DIR_MODE, exist_ok=True)
            fd = os.open(path, _CREATE, FILE_MODE)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            info = os.fstat(fd)
            if stat.S_IMODE(info.st_mode) == FILE_MODE:
                return info
            os.fchmod(fd, FILE_MODE)  # whatever the umask
            return os.fstat(fd)  # (its ctime changed)
        finally:
            os.close(fd)
    except OSError as exc:
        raise output_error(Path(path), exc, doing) from None


#: Bytes compared at a time when checking an earlier release's file before linking it.
_COMPARE_CHUNK = 1 << 20


def holds_exactly(path: str | Path, data: bytes) -> tuple[int, int] | None:
    """``(device, inode)`` of ``path`` if it is a regular file (not a symbolic link) of mode
    0644 holding exactly ``data``, else None.

    Any doubt (missing, unreadable, another mode, other bytes) is None: the caller then
    writes a fresh copy.
    """
    info = holding_exactly(path, data)
    return (info.st_dev, info.st_ino) if info is not None else None


def holding_exactly(path: str | Path, data: bytes) -> os.stat_result | None:
    """The status of ``path`` as it was opened, before its bytes were read, if it is a
    regular file (not a symbolic link) of mode 0644 holding exactly ``data``, else None
    (see :func:`holds_exactly`). A change made to the file while or after it is read
    leaves it with another identity than this status gives (:func:`file_identity`)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if (not stat.S_ISREG(info.st_mode) or stat.S_IMODE(info.st_mode) != FILE_MODE
                or info.st_size != len(data)):
            return None
        if len(data) < _COMPARE_CHUNK:
            # One read asks for a byte more than expected: a file that grew shows, and a
            # short read (never seen on a regular file) only means a copy is written.
            return info if os.read(fd, len(data) + 1) == data else None
        view, offset = memoryview(data), 0
        while chunk := os.read(fd, _COMPARE_CHUNK):
            if view[offset:offset + len(chunk)] != chunk:
                return None
            offset += len(chunk)
        return info if offset == len(data) else None
    except OSError:
        return None
    finally:
        os.close(fd)


#: What tells a file apart from any other, and from itself before a change: device,
#: inode, size, and the times of the last change of its bytes (mtime) and of its inode
#: (ctime: set to now by every write, chmod, link or utime; no call sets it back).
Identity = tuple[int, int, int, int, int]


def file_identity(info: os.stat_result) -> Identity:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def _link(earlier: str | Path, target: str, checked: tuple[int, int]) -> os.stat_result | None:
    """Hard-link ``earlier`` to ``target`` (its folder made if missing); the link's status
    if it is the inode ``checked`` (device, inode), else None, with nothing left at
    ``target``: the file was replaced after it was checked, or no link can be made
    (another filesystem, no hard links, too many links)."""
    try:
        try:
            os.link(earlier, target, follow_symlinks=False)
        except FileNotFoundError:  # the first file of its folder
            os.makedirs(os.path.dirname(target), mode=DIR_MODE, exist_ok=True)
            os.link(earlier, target, follow_symlinks=False)
        linked = os.stat(target, follow_symlinks=False)
        if (linked.st_dev, linked.st_ino) == checked:
            return linked
        os.unlink(target)  # replaced between the check and the link
    except OSError:
        pass
    return None


def link_or_write_file(root: Path, relpath: str, data: bytes, earlier: str | Path | None, *,
                       doing: Doing, seed: tuple[int, int] | None = None) -> os.stat_result:
    """Create ``root/relpath`` as :func:`create_file` does, or hard-link ``earlier`` there
    if that file holds exactly ``data`` (see :func:`holds_exactly`); the status of the
    file placed (a link shares the inode of ``earlier``).

    ``earlier`` is the same raw file in an earlier release, which is immutable: sharing its
    inode saves creating a file, by far the costliest step of an incremental build on
    filesystems where that is slow (as ``rsync --link-dest`` does for backups). Where no
    link can be made (another filesystem, no hard links, too many links), it writes a copy.
    ``seed`` is the (device, inode) of the seeds file the bytes were read from: an earlier
    file that is that very inode (hard-linked to the seeds by hand) is never linked, so
    that no release shares its bytes with a file someone may edit.
    """
    checked = holds_exactly(earlier, data) if earlier is not None else None
    if checked is not None and checked != seed:
        assert earlier is not None
        linked = _link(earlier, f"{root}/{relpath}", checked)  # strings: once per raw file
        if linked is not None:
            return linked
    return create_file(root, relpath, data, doing=doing)


def copy_into(source: Path, target: Path, *, atomic: bool = True, link: bool = False,
              doing: str | None = None) -> None:
    """Copy a file corpuskit made (a shard, a cache entry) to ``target``; errors as for
    :func:`write_file`.

    ``link``: hard-link instead where the filesystem allows, for files that nobody changes
    after they are written (cache entries and a build's shard files are only read, renamed
    and deleted): no bytes are copied. A ``target`` in the way is removed first, so that
    a copy never writes through a link into ``source``.
    """
    temp = target.with_name(f"{temp_prefix(target.name)}{os.getpid()}") if atomic else target
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        if link:
            with suppress(FileNotFoundError):
                temp.unlink()
        if not (link and _linked(source, temp)):
            shutil.copyfile(source, temp)
            temp.chmod(FILE_MODE)
        if atomic:
            os.replace(temp, target)
    except OSError as exc:
        if atomic:  # a copy cut short (a full disk) leaves nothing behind (QA)
            with suppress(OSError):
                temp.unlink()
        raise output_error(target, exc, doing) from None


def _linked(source: Path, target: Path) -> bool:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:  # another filesystem, or none with hard links: copy
        return False
    return True


class HashingWriter:
    """A binary file being written, hashed and counted on the way."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self._hash = hashlib.sha256()
        self.bytes = 0

    def write(self, data: bytes | memoryview) -> None:
        self._handle.write(data)
        self._hash.update(data)
        self.bytes += len(data)

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()


class PackageWriter:
    """Writes one release folder atomically: ``with PackageWriter(out, name) as w: ...``."""

    def __init__(self, out: Path, release_name: str) -> None:
        self.out = out
        self.release_name = release_name
        self.final = out / release_name
        self.temp: Path | None = None
        self._scratch: list[Path] = []

    def __enter__(self) -> PackageWriter:
        try:
            self.temp = Path(tempfile.mkdtemp(prefix=temp_prefix(self.release_name),
                                              dir=self.out))
            self.temp.chmod(DIR_MODE)
        except OSError as exc:
            told = read_only(self.out, exc, self.release_name)
            raise (OutputError(told) if told else output_error(self.out, exc)) from None
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.discard()

    def discard(self) -> None:
        """Remove the temporary folder, if the package was not committed."""
        if self.temp is not None and self.temp.exists():
            shutil.rmtree(self.temp, ignore_errors=True)
        self.temp = None
        for scratch in self._scratch:
            shutil.rmtree(scratch, ignore_errors=True)
        self._scratch.clear()

    @property
    def root(self) -> Path:
        """The temporary folder the package is being written into."""
        assert self.temp is not None, "PackageWriter used outside its with-block"
        return self.temp

    def write(self, relpath: str, data: bytes) -> FileEntry:
        """Write a whole file and return its manifest entry (errors name the release path)."""
        write_file(self.root, relpath, data, doing=f"cannot write {self.final / relpath}")
        return FileEntry(relpath, len(data), hashlib.sha256(data).hexdigest())

    @contextmanager
    def stream(self, relpath: str, shown: Path | None = None) -> Iterator[HashingWriter]:
        """Write a file piece by piece; its entry is ``writer.bytes``/``writer.sha256``.
        An error names ``shown`` (default: the file's path in the release)."""
        path = self.root / relpath
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as handle:
                yield HashingWriter(handle)
            path.chmod(FILE_MODE)
        except OSError as exc:
            raise output_error(shown or self.final / relpath, exc) from None

    def set_aside(self, relpath: str) -> Path:
        """Move the folder ``relpath`` out of the package, into a temporary folder beside it
        that lives as long as this writer (scratch files the package must not hold)."""
        try:
            scratch = Path(tempfile.mkdtemp(prefix=temp_prefix(self.release_name),
                                            dir=self.out))
            self._scratch.append(scratch)
            moved = scratch / Path(relpath).name
            if (self.root / relpath).exists():
                os.rename(self.root / relpath, moved)
            else:
                moved.mkdir()
        except OSError as exc:  # made in --out: its advice is that folder's (QA: none was
            # given when --out was made read-only while the build ran)
            raise output_error(self.out / temp_prefix(self.release_name), exc,
                                f"cannot write into {shown_name(self.out)}") from None
        return moved

    def commit(self) -> Path:
        """Rename the finished folder into place; refuses to replace an existing release."""
        assert self.temp is not None
        try:
            for folder in folders_within(self.temp):
                os.chmod(folder, DIR_MODE)  # the same modes whatever the umask
            os.rename(self.temp, self.final)
        except OSError as exc:
            raise OutputError(
                f"cannot move the new release into place as {self.final}: "
                f"{exc.strerror or exc}") from None
        self.temp = None
        return self.final


def write_archive(folder: Path, target: Path, created: str | None, *, root: str,
                  compression: Compression, prepared: PreparedPieces | None = None,
                  doing: str | None = None,
                  before_placing: Callable[[], None] | None = None) -> Path:
    """Write ``target``, a sealed zip of ``folder`` with members under ``root/`` deflated by
    ``compression``, atomically (``prepared``: pieces the build's workers deflated
    already); errors as for :func:`write_file`.

    The temporary file is opened for reading too: :func:`corpuskit.zipfiles.archiveseal.seal` reads
    the written archive back to compute its seal. On any failure (an error, ``KeyboardInterrupt``)
    it is removed: Ctrl-C while the zip was written left it in the output folder.
    ``before_placing`` is called once the archive is whole, right before it is put in
    place (a build holds the ending signals from then on: see
    :class:`corpuskit.signals.LateSignals`).
    """
    temp_name: Path | None = None
    try:
        # The name is known before the file is made: an interrupt as it is made (inside
        # mkstemp, before it returned its name) left an empty temporary zip (QA)
        for _ in range(100):
            temp_name = target.parent / (temp_prefix(target.name) + "".join(
                secrets.choice(_RANDOM_CHARACTERS) for _ in range(8)))
            try:
                fd = os.open(temp_name, os.O_RDWR | os.O_CREAT | os.O_EXCL
                             | getattr(os, "O_NOFOLLOW", 0), 0o600)
                break
            except FileExistsError:
                temp_name = None  # another's: never removed here
        else:
            raise FileExistsError(errno.EEXIST, "no unused temporary file name",
                                  str(target.parent))
        with os.fdopen(fd, "w+b") as handle:
            write_zip(folder, handle, root, created, compression=compression,
                      prepared=prepared)
        os.chmod(temp_name, FILE_MODE)
        if before_placing is not None:
            before_placing()
        os.replace(temp_name, target)
        temp_name = None
    except OSError as exc:
        raise output_error(target, exc, doing) from None
    finally:
        if temp_name is not None:
            with suppress(OSError):
                os.unlink(temp_name)
    return target


def remove_tree(path: Path) -> None:
    """Delete a temporary tree corpuskit made (never a release)."""
    shutil.rmtree(path, ignore_errors=True)


def replace_file_atomically(path: Path, data: bytes) -> None:
    """Replace (or create) ``path`` with ``data``: a synced temporary file in the same folder,
    then ``os.replace``, so readers see the old bytes or the new ones, never a mix.

    Used by ``release`` for ``corpus.toml`` and ``CHANGELOG.md``; an existing file keeps
    its permission bits, a new one gets mode 0644.
    """
    temp = path.with_name(f"{temp_prefix(path.name)}{os.getpid()}")
    remove_replacing_leftovers(path)
    try:
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = FILE_MODE
        with temp.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temp.chmod(mode)
        os.replace(temp, path)
    except BaseException as exc:  # an interrupt too (QA: Ctrl-C left it in seeds/)
        with suppress(OSError):
            temp.unlink()
        if isinstance(exc, OSError):
            raise output_error(path, exc) from None
        raise


def remove_replacing_leftovers(path: Path) -> None:
    """Remove the temporary files that a :func:`replace_file_atomically` of ``path``, in a
    process killed outright, left beside it (``.corpuskit-tmp-<name>-<pid>``: QA, one
    in seeds/ was skipped as hidden by every later build, and could be committed); those
    of a process that runs are left alone."""
    for leftover, kind in left_by_gone_processes(path.parent, temp_prefix(path.name),
                                                 _bare_pid):
        if stat.S_ISREG(kind):
            with suppress(OSError):
                leftover.unlink()


def _bare_pid(tail: str) -> int | None:
    """The process id that is the whole tail of a temporary file's name, or None."""
    return int(tail) if tail.isascii() and tail.isdigit() else None


#: The characters of the random part of a temporary file's name (as :mod:`tempfile` uses).
_RANDOM_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"


def _create_temporary(folder: Path, prefix: str) -> tuple[int, Path]:
    """A new, empty file ``<prefix><random>`` in ``folder`` (8 random characters) open for
    writing. Unlike :func:`tempfile.mkstemp` (always mode 0600) it is created with mode
    0666 as any program creates a file: the umask (or the folder's default ACL) decides."""
    for _ in range(100):
        name = prefix + "".join(secrets.choice(_RANDOM_CHARACTERS) for _ in range(8))
        path = folder / name
        try:
            fd = os.open(path, _CREATE | getattr(os, "O_NOFOLLOW", 0), 0o666)
        except FileExistsError:
            continue
        return fd, path
    raise FileExistsError(errno.EEXIST, "no unused temporary file name", str(folder))


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable, where the filesystem lets a folder be synced."""
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextmanager
def replace_file(target: Path, *, doing: Doing = None) -> Iterator[HashingWriter]:
    """Write ``target`` piece by piece, so that it appears only complete: the bytes go once,
    into a temporary file ``.corpuskit-tmp-<name>-<pid>-<random>`` (see :func:`temp_prefix`)
    in ``target``'s own folder (same filesystem: no second copy, no scratch space
    elsewhere), which is flushed, synced and renamed over ``target`` when the ``with``
    block ends.

    On any failure (an error, a full disk, ``KeyboardInterrupt``) the temporary file is
    removed and ``target`` is left exactly as it was. The rename replaces the name only:
    a file hard-linked to an old ``target`` keeps its bytes. A new ``target`` gets the
    mode any program's new file gets (0666 less the umask); a replaced one keeps its
    permission bits. What a killed process left (it cannot remove its file) is removed by
    the next call for the same ``target``, see :func:`~corpuskit.orphans.remove_orphans`. OS
    errors, in the ``with`` block's writes too, name ``target`` (or say ``doing``), never
    the temporary file.
    """
    folder = target.parent
    prefix = temp_prefix(target.name)
    remove_orphans(folder, prefix, files=True)
    temp: Path | None = None
    try:
        fd, temp = _create_temporary(folder, f"{prefix}{os.getpid()}-")
        handle = os.fdopen(fd, "wb")
        try:
            yield HashingWriter(handle)
            handle.flush()
            _keep_permissions(handle.fileno(), target)
            os.fsync(handle.fileno())
        except BaseException:
            with suppress(OSError):  # its unwritten bytes may fail too: the first error counts
                handle.close()
            raise
        handle.close()
        os.replace(temp, target)
        temp = None
    except OSError as exc:
        raise output_error(target, exc, doing) from None
    finally:
        if temp is not None:  # failed or interrupted: the old target stays as it was
            with suppress(OSError):
                temp.unlink()
    _sync_folder(folder)


def _keep_permissions(fd: int, target: Path) -> None:
    """Give the open file ``fd`` the permission bits of the regular file ``target`` it is
    about to replace, if there is one (else it keeps the mode it was created with)."""
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return
    if stat.S_ISREG(info.st_mode):
        os.fchmod(fd, stat.S_IMODE(info.st_mode))


def remove_file(path: Path) -> None:
    """Delete a file corpuskit wrote outside a package (e.g. undoing a failed release)."""
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        if not os.path.lexists(path):
            return  # nothing to remove: a read-only filesystem says EROFS even then
        raise output_error(path, exc) from None
