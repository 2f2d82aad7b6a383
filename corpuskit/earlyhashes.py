"""A large package's raw files hashed by a helper process while ``validate`` starts up.

Before ``validate`` checks a record it imports corpuskit's checks, numpy and jsonschema:
about a tenth of a second on one core, with the other cores idle. The command starts a
helper first (:func:`start`), before those imports. The helper reads the payload
manifest and hashes the raw files it lists, in its order, which is the records' order.
It writes what it read into memory shared with the command. When the clean pass is about
to fork its workers, it stops the helper (:func:`take`), and the workers look up each raw
file there before reading it (:class:`corpuskit.validation.digest.FileDigester`). A raw
file the helper hashed is not read again. On 7,000 source files (73 MB) the workers'
reading and hashing of raw files was 45 ms of validate's 0.55 s.

The helper imports nothing of ``corpuskit.validation`` (that package's import is what it
runs beside), so it reads the files with a loop of its own rather than with
``FileDigester``. It only reads. It opens each file as validate's own reads do: relative
to the package folder, not following a final symbolic link, regular files only, access
times left as they were. It records the size and sha256 of the bytes it read, never what
the manifest says of them, so the checks compare the records with the files exactly as
before. What it records is whatever the files held when it read them: a file is read
once either way. Anything else it meets it leaves to the workers, which read such files
as they always did: a line of another form, a name with a percent sign (an encoded
character), a file it cannot open, one that is not regular, one that changed size while
it was read, and any file of :data:`SMALL_FILE` or more. It stops at the first line that
is not a raw file's, when its memory is full, or when validate stops it.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import signal
import stat
import struct
import sys

from .accesstimes import open_for_check
from .cores import default_jobs

#: Packages whose records are smaller than this are checked in-process in a few
#: hundredths of a second: a helper would save nothing.
MIN_RECORD_BYTES = 4 * 1024 * 1024
#: The shared memory the helper writes into (its pages touched only as it writes them):
#: about 40,000 raw files of the kit's names, twice what it hashes before the kit's
#: workers are forked. It bounds what validate holds of the helper's findings.
REGION_BYTES = 4 * 1024 * 1024
#: Files this large or larger are left to the workers (they read them in pieces).
SMALL_FILE = 1024 * 1024
#: The manifest is read in pieces of this size.
MANIFEST_READ = 256 * 1024

PAYLOAD_MANIFEST = "manifest-sha256.txt"
RECORDS = "data/documents.jsonl"
RAW_PREFIX = b"data/raw/"
_HEADER = struct.Struct("<Q")  # the bytes written so far, entries included
_DIGEST_HEX = 64
# validate's own flags (corpuskit.validation.digest's for folders, corpuskit.regularfiles'
# OPEN_FLAGS for files), repeated so that the helper imports neither module (a test holds
# them equal, and the layout's names above to the package's).
_FOLDER_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
_FILE_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)

#: What the helper read: ``"<path>\0<size>\0<sha256 hex>"`` of each raw file (a path
#: holds no NUL), which a worker asks for with the record's claims about the file.
Hashes = frozenset[str]


class _Helper:
    """A helper started: its folder, process (0 once ended), memory and, once taken, what
    it found. (No dataclass: the helper imports this module too, and ``dataclasses``
    with the ``inspect`` it imports took 8 of the 18 ms that import took.)"""

    __slots__ = ("hashes", "pid", "region", "root")

    def __init__(self, root: str, pid: int, region: mmap.mmap) -> None:
        self.root = root
        self.pid = pid
        self.region = region
        self.hashes: Hashes | None = None


_helper: _Helper | None = None
#: The folder that holds the ``corpuskit`` package: the helper imports this module from there.
_PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def start(path: str, jobs: int | None) -> None:
    """Start the helper for the package folder ``path`` if it is worth it: a folder with a
    payload manifest and at least :data:`MIN_RECORD_BYTES` of records, more than one
    core to run on (``jobs``: the workers asked for, None for all cores), and Linux's
    ``memfd_create`` for the memory it shares. Anything else, and any error, starts
    nothing: validate reads every raw file itself.

    The helper is a new Python process (``-I -S``: no site, no environment; ``-B`` if
    this one writes no bytecode) that imports only this module. A fork would cost more:
    the pages a fork shares are copied when either process writes them, and validate's
    imports, writing all over its heap, took a fifth longer beside a forked helper (158
    ms to 192 before its workers were forked)."""
    global _helper
    if _helper is not None or jobs == 1 or not hasattr(os, "memfd_create") \
            or not hasattr(os, "posix_spawn") or not _python() or default_jobs() < 2:
        return
    try:
        if not os.path.isfile(os.path.join(path, PAYLOAD_MANIFEST)) \
                or os.stat(os.path.join(path, RECORDS)).st_size < MIN_RECORD_BYTES:
            return
        shared = os.memfd_create("corpuskit-early-hashes", 0)  # inherited by the helper
    except OSError:
        return
    region = None
    try:
        os.ftruncate(shared, REGION_BYTES)
        region = mmap.mmap(shared, REGION_BYTES)
        quiet = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_RDWR, 0) for fd in (0, 1, 2)]
        code = (f"import sys; sys.path.insert(0, sys.argv[1]); "
                f"from {__name__} import helper_main; helper_main(sys.argv[2], int(sys.argv[3]))")
        flags = ["-I", "-S", *(["-B"] if sys.flags.dont_write_bytecode else [])]
        pid = os.posix_spawn(sys.executable, [
            sys.executable, *flags, "-c", code, _PACKAGE_PARENT, path, str(shared)],
            os.environ, file_actions=quiet, setsigdef=(signal.SIGINT,))
    except (OSError, ValueError):
        if region is not None:
            region.close()
        return
    finally:
        os.close(shared)
    _helper = _Helper(os.path.abspath(path), pid, region)


def helper_main(path: str, shared: int) -> None:
    """The helper's program: the raw files of ``path`` hashed into the memory of
    descriptor ``shared``. It ends when done or killed; nothing it meets is an error."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends it quietly
    try:
        region = mmap.mmap(shared, REGION_BYTES)
        _hash_listed(path, region)
    except OSError:
        pass


def take(root: str | None) -> Hashes:
    """What the helper found in ``root`` (empty if it was started for no folder or for
    another), the helper stopped first: asked when the workers are about to be forked,
    which must not wait for it. The same set on every call for that folder."""
    helper = _helper
    if helper is None or root is None or os.path.abspath(root) != helper.root:
        return frozenset()
    if helper.hashes is None:
        _end(helper)
        helper.hashes = _read_entries(helper.region)
        helper.region.close()
    return helper.hashes


def stop() -> None:
    """Stop the helper if it still runs, and forget it (validate is done)."""
    global _helper
    helper, _helper = _helper, None
    if helper is not None and helper.hashes is None:
        _end(helper)
        helper.region.close()


def _end(helper: _Helper) -> None:
    """Kill the helper and wait for it: what it wrote and counted is complete (an entry
    is counted only once written), so it needs no say in when it stops."""
    import contextlib  # (the parent's: not the helper's import)

    if helper.pid:
        with contextlib.suppress(OSError):  # ended already (Ctrl-C reaches it too)
            os.kill(helper.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(helper.pid, 0)
        helper.pid = 0


def _read_entries(region: mmap.mmap) -> Hashes:
    """The entries the helper wrote, a line each."""
    (end,) = _HEADER.unpack_from(region, 0)
    if not _HEADER.size < end <= len(region):
        return frozenset()
    return frozenset(region[_HEADER.size:end - 1].decode("utf-8", "surrogateescape")
                     .split("\n"))


def _python() -> bool:
    """Whether ``sys.executable`` is a Python to start the helper with (not, say, the
    program a frozen application is)."""
    return bool(sys.executable) and not getattr(sys, "frozen", False) \
        and os.path.basename(sys.executable).startswith("python")


def _hash_listed(path: str, region: mmap.mmap) -> None:
    """In the helper: each raw file the manifest lists, in its order, hashed and written
    to ``region`` (the byte count at its start updated after each entry)."""
    root = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        manifest = open_for_check(PAYLOAD_MANIFEST, _FILE_FLAGS, dir_fd=root)
        try:
            if stat.S_ISREG(os.fstat(manifest).st_mode):
                _hash_lines(root, manifest, region)
        finally:
            os.close(manifest)
    finally:
        os.close(root)


def _hash_lines(root: int, manifest: int, region: mmap.mmap) -> None:
    written = _HEADER.size
    folder, folder_fd = b"", -1
    rest = b""
    sha256, fstat, read, close, is_regular = (hashlib.sha256, os.fstat, os.read, os.close,
                                              stat.S_ISREG)
    try:
        while piece := read(manifest, MANIFEST_READ):
            lines = (rest + piece).split(b"\n")
            rest = lines.pop()
            if len(rest) > MANIFEST_READ:  # no line of a raw file is this long
                return
            for line in lines:
                if line[_DIGEST_HEX:_DIGEST_HEX + 2 + len(RAW_PREFIX)] != b"  " + RAW_PREFIX:
                    return  # the raw files' lines come first: past them, or not a line of ours
                name = line[_DIGEST_HEX + 2:]
                if not _plain(name):
                    continue
                where, _, base = name.rpartition(b"/")
                try:
                    if where != folder:
                        if folder_fd >= 0:
                            close(folder_fd)
                        folder, folder_fd = where, -1
                        folder_fd = os.open(where, _FOLDER_FLAGS, dir_fd=root)
                    if folder_fd < 0:
                        continue
                    fd = open_for_check(base, _FILE_FLAGS, dir_fd=folder_fd)
                    try:
                        info = fstat(fd)
                        size = info.st_size if is_regular(info.st_mode) else SMALL_FILE
                        data = read(fd, size + 1) if size < SMALL_FILE else b""
                    finally:
                        close(fd)
                except OSError:
                    continue
                if len(data) != size or size >= SMALL_FILE:
                    continue
                entry = b"%s\0%d\0%s\n" % (name, size,
                                            sha256(data).hexdigest().encode("ascii"))
                if written + len(entry) > len(region):
                    return
                region[written:written + len(entry)] = entry
                written += len(entry)
                _HEADER.pack_into(region, 0, written)
    finally:
        if folder_fd >= 0:
            close(folder_fd)


def _plain(name: bytes) -> bool:
    """A relative path of whole names under data/raw/, encoding nothing: the path a
    record names, as it is (a ``%`` is the start of an encoded character)."""
    return b"%" not in name and not name.endswith(b"/") \
        and b"//" not in name and b"/./" not in name and b"/../" not in name \
        and not name.endswith((b"/.", b"/.."))
