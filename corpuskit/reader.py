"""Read-only access to a built package, whether a folder or a ``.zip``, without extracting.

Used by validate, diff, load and info. An archive is read in place, one member at a
time; member names are checked before use and nothing from an archive is ever written.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import struct
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, NamedTuple

import orjson

from .archive import package_files
from .crc32 import crc32
from .errors import InputError
from .membernames import unsafe_member_reason
from .models import RECORD_FIELDS, Record, record_from_dict
from .names import collision_problems
from .package import DOCUMENTS_PATH
from .packagesource import DESCRIPTOR, PackageSource
from .problems import Problem
from .recordshape import NOT_CANONICAL, RECORD_SCHEMA, not_written, real_date, record_shape
from .regularfiles import open_regular, read_problem
from .schemacheck import (
    DATAPACKAGE_V2_PROFILE,
    duplicate_key_problems,
    iter_problems,
    json_problems,
)

#: The longest record line a reader takes, as ``validate`` does (three times the largest
#: raw file a build accepts: JSON escapes can triple a text's size).
MAX_RECORD_LINE_BYTES = 3 * 256 * 1024 * 1024


class FolderSource(PackageSource):
    def __init__(self, folder: Path) -> None:
        self.location = folder
        #: Files are read from here: the folder made absolute when opened, so that a
        #: change of the working directory afterwards does not lose it.
        self.root = folder.absolute()
        self.name = self.root.name
        self._files: list[str] | None = None
        self._real_folders: set[str] = set()  # checked: not a symbolic link

    def files(self) -> list[str]:
        if self._files is None:
            self._files = list(package_files(self.root))
        return self._files

    def size(self, rel: str) -> int:
        return (self.root / rel).stat().st_size

    def open(self, rel: str) -> IO[bytes]:
        self._refuse_linked_folders(rel)
        return os.fdopen(open_regular(str(self.root / rel)), "rb")

    def exists(self, rel: str) -> bool:
        return (self.root / rel).is_file()

    def _refuse_linked_folders(self, rel: str) -> None:
        """An ``OSError`` (ELOOP) if a folder on ``rel`` is a symbolic link: the file would
        be read from outside the package (``data/raw`` linked elsewhere). The file itself
        is opened without following a link (:data:`OPEN_FLAGS`); each folder is looked at
        once."""
        folder = rel.rpartition("/")[0]
        while folder and folder not in self._real_folders:
            if os.path.islink(self.root / folder):
                raise OSError(errno.ELOOP, f"{folder} is a symbolic link",
                              str(self.root / folder))
            self._real_folders.add(folder)
            folder = folder.rpartition("/")[0]


class ArchiveReadError(OSError):
    """An archive member cannot be read: corrupt, truncated, or beyond the archive's limits."""


@dataclass(frozen=True)
class ArchiveLimits:
    """What an untrusted archive may hold before it is refused (zip-bomb and DoS guards).

    Sizes are the members' declared uncompressed sizes, enforced again while reading: a
    member never yields more (or fewer) bytes than its central directory entry declares.
    A member's compression ratio is only judged when it declares more than
    ``ratio_floor_bytes``; the archive as a whole is judged whenever it declares more than
    that. Repetitive text compresses very well (a log file of a few MB reaches 226:1), and
    every member is read as a stream with its size enforced, so memory stays bounded
    whatever the ratio: the ratio guard is for the time a bomb would cost, and a corpuskit
    release of any size must pass it. ``max_total_bytes`` bounds that time too, far above
    any corpus of tens of GB.
    """

    max_members: int = 1_000_000
    max_total_bytes: int = 1 << 40
    max_ratio: float = 200.0
    ratio_floor_bytes: int = 256 << 20
    max_central_directory_bytes: int = 256 * 1024**2


DEFAULT_LIMITS = ArchiveLimits()
_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"
_CENTRAL_HEADER = b"PK\x01\x02"
_LOCAL_HEADER = b"PK\x03\x04"
_LOCAL_HEADER_BYTES = 30
_SUPPORTED_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_CHUNK = 1 << 20
#: A member compressed to at most this many bytes is read with its local header, in one call.
_READ_WITH_HEADER = 1 << 16


@dataclass(frozen=True)
class CentralDirectory:
    """Where an archive's central directory is, from its end records."""

    entries: int
    size: int
    offset: int
    file_size: int


def read_central_directory(handle: IO[bytes], file_size: int) -> CentralDirectory:
    """The central directory's place and declared entry count, from the end records.

    Raises :class:`ArchiveReadError` when there is no end-of-central-directory record
    (garbage or a truncated download). Looks where zipfile looks: at the very end first,
    then at the last signature within the longest possible archive comment.
    """
    tail_len = min(file_size, 22 + 0xFFFF)
    handle.seek(file_size - tail_len)
    tail = handle.read(tail_len)
    at = len(tail) - 22 if tail[-22:-18] == _EOCD else tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        raise ArchiveReadError("no end-of-central-directory record: not a zip archive, or a "
                               "truncated one")
    _, _, _, _, entries, size, offset, _ = struct.unpack("<4s4H2LH", tail[at:at + 22])
    if entries == 0xFFFF or size == 0xFFFFFFFF or offset == 0xFFFFFFFF:
        locator_at = file_size - tail_len + at - 20
        if locator_at >= 0:
            handle.seek(locator_at)
            locator = handle.read(20)
            if locator[:4] == _EOCD64_LOCATOR:
                record_at = struct.unpack("<4sLQL", locator)[2]
                if record_at + 56 > file_size:
                    raise ArchiveReadError("the zip64 end record points past the end of the "
                                           "file (truncated or corrupt)")
                handle.seek(record_at)
                record = handle.read(56)
                if record[:4] != _EOCD64:
                    raise ArchiveReadError("the zip64 end record is missing or corrupt")
                entries, size, offset = struct.unpack("<4sQ2H2L4Q", record)[7:10]
    return CentralDirectory(entries, size, offset, file_size)


def _count_central_entries(handle: IO[bytes], offset: int, size: int, limit: int) -> int:
    """Count central directory entries by walking their headers (stops past ``limit``).

    The declared entry count of the end record can lie, and zipfile parses whatever the
    directory holds, so the real count is taken before zipfile builds its member list.
    (zipfile reads the whole directory into memory too; its size is limited before this.)
    """
    handle.seek(offset)
    directory = handle.read(size)
    count = position = 0
    while count <= limit and directory[position:position + 4] == _CENTRAL_HEADER:
        if position + 46 > len(directory):
            break
        name_len, extra_len, comment_len = struct.unpack_from("<3H", directory, position + 28)
        position += 46 + name_len + extra_len + comment_len
        count += 1
    return count


class Member(NamedTuple):
    """One central directory entry, compactly (zipfile's ``ZipInfo`` is three times larger).

    Field names follow ``zipfile.ZipInfo``.
    """

    filename: str
    orig_filename: str
    flag_bits: int
    compress_type: int
    CRC: int
    compress_size: int
    file_size: int
    header_offset: int
    date_time: tuple[int, int, int, int, int, int]
    create_system: int
    external_attr: int

    def is_dir(self) -> bool:
        return self.filename.endswith("/")


def _members_of(archive: zipfile.ZipFile) -> list[Member]:
    stamps: dict[tuple[int, ...], tuple[int, int, int, int, int, int]] = {}
    return [Member(info.filename, info.orig_filename, info.flag_bits, info.compress_type,
                   info.CRC, info.compress_size, info.file_size, info.header_offset,
                   stamps.setdefault(info.date_time, info.date_time), info.create_system,
                   info.external_attr)
            for info in archive.infolist()]


def member_name_bytes(info: Member | zipfile.ZipInfo) -> bytes:
    """The entry name as stored in the archive (UTF-8 when flagged, else code page 437)."""
    name = info.orig_filename
    if name.isascii():
        return name.encode("ascii")
    return name.encode("utf-8" if info.flag_bits & 0x800 else "cp437", "surrogateescape")


def _unix_mode(info: Member) -> int:
    return (info.external_attr >> 16) & 0xFFFF if info.create_system == 3 else 0


def _reason(exc: BaseException) -> str:
    if isinstance(exc, EOFError):
        return "unexpected end of data (truncated)"
    if isinstance(exc, zlib.error):
        return f"compressed data is corrupt ({exc})"
    return str(exc) or type(exc).__name__


class _MemberStream(io.RawIOBase):
    """One archive member, inflated in bounded chunks straight from the archive file.

    It yields exactly the bytes the central directory declares, with their CRC-32, and
    checks that the compressed data is exactly the declared compressed size, ends where
    the deflate stream ends and leaves no stray bits in its last byte: any change to a
    member's data is an error here, never silently equal output.
    """

    def __init__(self, fd: int, info: Member, data_offset: int, read: bytes = b"") -> None:
        """``read``: the member's compressed bytes, if read already (all of them)."""
        super().__init__()
        self._fd = fd
        self._read = read
        self._name = info.filename
        self._position = data_offset
        self._compressed_left = info.compress_size
        self._declared = info.file_size
        self._expected_crc = info.CRC
        self._crc = 0
        self._count = 0
        self._buffer = b""
        self._done = False
        self._inflater = (zlib.decompressobj(-15)
                          if info.compress_type == zipfile.ZIP_DEFLATED else None)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            parts = []
            while chunk := self.read(_CHUNK):
                parts.append(chunk)
            return b"".join(parts)
        while not self._buffer and not self._done and size > 0:
            try:
                self._fill(max(size, 1 << 16))
            except ArchiveReadError:
                raise
            except (OSError, zlib.error, EOFError, ValueError, MemoryError) as exc:
                raise ArchiveReadError(f"{self._name}: cannot be read: {_reason(exc)}") from None
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def _error(self, message: str) -> ArchiveReadError:
        return ArchiveReadError(f"{self._name}: {message}")

    def _pread(self, size: int) -> bytes:
        if self._read:
            data, self._read = self._read[:size], self._read[size:]
        else:
            data = os.pread(self._fd, size, self._position)
        if len(data) != size:
            raise self._error("the archive ends inside this entry's data (truncated)")
        self._position += size
        self._compressed_left -= size
        return data

    def _emit(self, data: bytes) -> None:
        self._count += len(data)
        if self._count > self._declared:
            raise self._error(f"yields more bytes than the {self._declared} its entry declares "
                              "(corrupt, or a zip bomb)")
        self._crc = crc32(data, self._crc)
        self._buffer += data

    def _finish(self) -> None:
        self._done = True
        if self._count != self._declared:
            raise self._error(f"yields {self._count} of the {self._declared} bytes its entry "
                              "declares (truncated or corrupt)")
        if self._crc != self._expected_crc:
            raise self._error("CRC-32 does not match its entry (corrupt)")

    def _fill(self, want: int) -> None:
        inflater = self._inflater
        if inflater is None:  # stored
            if self._compressed_left > 0:
                self._emit(self._pread(min(want, self._compressed_left, _CHUNK)))
            if self._compressed_left <= 0:
                self._finish()
            return
        room = max(1, min(want, self._declared - self._count + 1))
        if inflater.unconsumed_tail:
            self._emit(inflater.decompress(inflater.unconsumed_tail, room))
        elif self._compressed_left > 1:
            chunk = self._pread(min(_CHUNK, self._compressed_left - 1))
            self._emit(inflater.decompress(chunk, room))
        else:
            pending = inflater.decompress(b"", room)
            if pending:
                self._emit(pending)
                return
            self._last_byte()
            return
        if inflater.eof:
            raise self._error("the compressed data ends before its declared compressed size "
                              "(corrupt)")

    def _last_byte(self) -> None:
        """Feed the final compressed byte; it must end the stream with zero padding bits."""
        inflater = self._inflater
        assert inflater is not None
        if self._compressed_left != 1:
            raise self._error("the compressed data does not end where its entry says (corrupt)")
        last = self._pread(1)[0]
        before = inflater.copy()
        tail = inflater.decompress(bytes([last]))
        if not inflater.eof or inflater.unused_data or inflater.unconsumed_tail:
            raise self._error("the compressed data does not end where its entry says (corrupt)")
        # Padding bits sit above the last used bit and zlib writes them as zeros. If the
        # highest set bit can be cleared and the stream still ends with the same output,
        # that bit was padding: a stray bit (a used bit changes the decoding).
        if last:
            probe = before
            try:
                same = probe.decompress(bytes([last & ~(1 << (last.bit_length() - 1))])) \
                    == tail and probe.eof
            except zlib.error:
                same = False
            if same:
                raise self._error("stray bits after the end of the compressed data (corrupt)")
        self._emit(tail)
        self._finish()


class ZipSource(PackageSource):
    """A package archive: every member under one top folder ``<name>-<version>/``.

    The archive is read in place and never extracted. Before zipfile parses it, the end
    records and the central directory are checked against :class:`ArchiveLimits`; then
    every entry is checked: names that are absolute, hold ``..``, backslashes or control
    characters, symbolic links and other special files, duplicates, entries outside the
    single top folder, encrypted entries, compression other than stored or deflated,
    overlapping entries and entries beyond the size or ratio limits are refused (never
    readable through :meth:`open`). With ``strict`` (the default) any refused entry
    raises :class:`InputError`; otherwise they are listed in :attr:`problems` (for
    ``validate``). A garbage, empty or truncated file, or one beyond the archive-wide
    limits, always raises :class:`InputError` with an ``archive-error`` problem, and so
    does a path that is no regular file: a pipe, socket or device is refused at once,
    never waited on. ``follow_links`` False refuses a symbolic link too (the releases
    found in an output folder are files of their own, :mod:`corpuskit.dist`).
    Members are inflated by :class:`_MemberStream` in bounded chunks.
    """

    def __init__(self, path: Path, *, strict: bool = True,
                 limits: ArchiveLimits = DEFAULT_LIMITS, follow_links: bool = True) -> None:
        self.location = path
        self.limits = limits
        self._follow_links = follow_links
        self.name = path.stem
        self.problems: tuple[Problem, ...] = ()
        self._members: dict[str, Member] = {}
        self._handle: IO[bytes] | None = None
        #: Every central directory entry, in directory order (refused ones too).
        self.entries: list[Member] = []
        try:
            self.directory = self._open(path)
            problems = self._check_members()
        except BaseException:
            self.close()
            raise
        self.problems = tuple(problems)
        if strict and problems:
            self.close()
            raise InputError(problems, f"{path.name} holds unsafe or corrupt entries; "
                                       "it was not read")

    def _fatal(self, message: str) -> InputError:
        return InputError([Problem(str(self.location), "archive-error", message)])

    def _open(self, path: Path) -> CentralDirectory:
        limits = self.limits
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)  # a pipe: refused, not waited on
        if not self._follow_links:
            flags |= getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(path, flags)
        except OSError as exc:
            if exc.errno == errno.ELOOP and not self._follow_links:
                raise self._fatal("a symbolic link, never followed here; put the archive "
                                  "itself in its place") from None
            raise self._fatal(f"cannot read: {exc.strerror or exc}") from None
        try:
            regular = stat.S_ISREG(os.fstat(fd).st_mode)
        except OSError as exc:
            os.close(fd)
            raise self._fatal(f"cannot read: {exc.strerror or exc}") from None
        if not regular:
            os.close(fd)
            raise self._fatal("not a regular file (a folder, pipe, socket or device); "
                              "never read")
        handle: IO[bytes] = os.fdopen(fd, "rb")
        self._handle = handle
        try:
            file_size = os.fstat(handle.fileno()).st_size
            if file_size == 0:
                raise self._fatal("empty file, not a zip archive")
            directory = read_central_directory(handle, file_size)
            if directory.size > limits.max_central_directory_bytes:
                raise self._fatal(f"central directory of {directory.size} bytes is over the "
                                  f"limit of {limits.max_central_directory_bytes}")
            if directory.offset + directory.size > file_size:
                raise self._fatal("the central directory lies past the end of the file "
                                  "(truncated or corrupt)")
            if directory.entries > limits.max_members or _count_central_entries(
                    handle, directory.offset, directory.size,
                    limits.max_members) > limits.max_members:
                raise self._fatal(f"more than {limits.max_members} entries; refused as a "
                                  "possible zip bomb")
            handle.seek(0)
        except ArchiveReadError as exc:
            raise self._fatal(str(exc)) from None
        except OSError as exc:
            raise self._fatal(f"cannot read: {exc.strerror or exc}") from None
        try:
            with zipfile.ZipFile(handle) as parsed:
                self.entries = _members_of(parsed)
        except Exception as exc:  # zipfile raises many types on hostile input; all mean "bad zip"
            raise self._fatal(f"not a readable zip archive: {_reason(exc)}") from None
        declared = sum(info.file_size for info in self.entries)
        if declared > limits.max_total_bytes:
            raise self._fatal(f"entries declare {declared} bytes uncompressed, over the limit "
                              f"of {limits.max_total_bytes}; refused as a possible zip bomb")
        if declared > limits.ratio_floor_bytes and declared > limits.max_ratio * file_size:
            raise self._fatal(f"entries declare {declared} bytes uncompressed from a "
                              f"{file_size}-byte archive (ratio over {limits.max_ratio:g}); "
                              "refused as a possible zip bomb")
        return directory

    def _check_members(self) -> list[Problem]:
        limits = self.limits
        problems: list[Problem] = []
        refused: set[int] = set()
        infos = self.entries

        def refuse(index: int, code: str, message: str) -> None:
            refused.add(index)
            problems.append(Problem(infos[index].orig_filename, code, message))

        names: dict[str, int] = {}
        repeated: dict[str, list[int]] = {}
        for index, info in enumerate(infos):
            first = names.setdefault(info.filename, index)
            if first != index:
                repeated.setdefault(info.filename, [first]).append(index)
        for name, indexes in repeated.items():
            refused.update(indexes)
            problems.append(Problem(name, "unsafe-path",
                                    f"{len(indexes)} entries have this name; which one a "
                                    "tool extracts is undefined"))

        for index, info in enumerate(infos):
            if index in refused:
                continue
            raw_name = info.orig_filename
            reason = unsafe_member_reason(raw_name[:-1] if raw_name.endswith("/") else raw_name)
            if reason:
                refuse(index, "unsafe-path", f"unsafe entry name: {reason}")
                continue
            kind = stat.S_IFMT(_unix_mode(info))
            if kind == stat.S_IFLNK:
                refuse(index, "unsafe-path", "symbolic link entry; links are never followed")
            elif kind not in (0, stat.S_IFREG, stat.S_IFDIR):
                refuse(index, "unsafe-path", "special file entry (device, pipe or socket)")
            elif info.is_dir():
                continue
            elif info.flag_bits & 0x1:
                refuse(index, "archive-error", "encrypted entry")
            elif info.compress_type not in _SUPPORTED_METHODS:
                refuse(index, "archive-error",
                       f"compression method {info.compress_type} is not supported; corpuskit "
                       "reads stored and deflated entries")
            elif info.file_size > limits.max_total_bytes:
                refuse(index, "archive-error",
                       f"declares {info.file_size} bytes, over the limit of "
                       f"{limits.max_total_bytes}")
            elif (info.file_size > limits.ratio_floor_bytes
                  and info.file_size > limits.max_ratio * max(info.compress_size, 1)):
                refuse(index, "archive-error",
                       f"declares {info.file_size} bytes from {info.compress_size} compressed "
                       f"(ratio over {limits.max_ratio:g}); refused as a possible zip bomb")
            elif info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
                refuse(index, "archive-error",
                       "stored entry whose compressed and uncompressed sizes differ")

        # Entries whose data overlaps the next entry or the central directory: quoted-overlap
        # zip bombs point many entries at one compressed stream.
        ordered = list(range(len(infos)))
        if any(infos[i].header_offset >= infos[i + 1].header_offset
               for i in range(len(infos) - 1)):
            ordered.sort(key=lambda i: infos[i].header_offset)
        for position, index in enumerate(ordered):
            info = infos[index]
            end = (info.header_offset + _LOCAL_HEADER_BYTES + len(member_name_bytes(info))
                   + info.compress_size)
            following = (infos[ordered[position + 1]].header_offset
                         if position + 1 < len(ordered) else self.directory.offset)
            if index not in refused and end > following:
                refuse(index, "archive-error",
                       "entry data overlaps another entry or the central directory "
                       "(corrupt, or a zip bomb)")

        tops: Counter[str] = Counter()
        for index, info in enumerate(infos):
            top, slash, _ = info.filename.partition("/")
            if slash and index not in refused:
                tops[top] += 1
        markers = sorted(top for top in tops if f"{top}/{DESCRIPTOR}" in names
                         or f"{top}/bagit.txt" in names)
        if len(markers) == 1:
            self.name = markers[0]
        elif tops:
            self.name = min(tops, key=lambda t: (-tops[t], t))
        prefix = self.name + "/"
        for index, info in enumerate(infos):
            if index in refused or info.filename == prefix:
                continue
            if not info.filename.startswith(prefix):
                refuse(index, "unsafe-path",
                       f"outside the package's top folder {prefix}; a package archive holds "
                       "one folder")
                continue
            if info.is_dir():
                continue
            self._members[info.filename[len(prefix):]] = info
        # Names that merge when extracted on many filesystems: reported as a package
        # folder's are (relative to the package, by the same rule), the members kept.
        problems.extend(collision_problems(list(self._members)))
        problems.sort()
        return problems

    def files(self) -> list[str]:
        return sorted(self._members)

    def info(self, rel: str) -> Member:
        return self._members[rel]

    def size(self, rel: str) -> int:
        return self._members[rel].file_size

    def _fileno(self) -> int:
        """The open archive's descriptor; a closed one is refused as Python refuses I/O
        on a closed file (an ``assert`` vanished under ``python -O``)."""
        if self._handle is None:
            raise ValueError(f"I/O operation on {self.location}, which is closed; open it "
                             "again (corpuskit.load) to read it")
        return self._handle.fileno()

    def read_at(self, offset: int, size: int) -> bytes:
        """Raw bytes of the archive file (for checks of its structure)."""
        return os.pread(self._fileno(), size, offset)

    def open(self, rel: str) -> IO[bytes]:
        """A stream of one member; errors while reading raise :class:`ArchiveReadError`."""
        try:
            info = self._members[rel]
        except KeyError:
            raise FileNotFoundError(rel) from None
        expected_name = member_name_bytes(info)
        # A small member is read with its header in one call (corpuskit writes no extra
        # field); the data read is used only if it is where the header says it starts.
        small = info.compress_size <= _READ_WITH_HEADER
        start = _LOCAL_HEADER_BYTES + len(expected_name)
        block = self.read_at(info.header_offset,
                             start + (info.compress_size if small else 0))
        header = block[:_LOCAL_HEADER_BYTES]
        if len(header) != _LOCAL_HEADER_BYTES or header[:4] != _LOCAL_HEADER:
            raise ArchiveReadError(f"{info.filename}: no local header where the central "
                                   "directory says (corrupt)")
        name_len, extra_len = struct.unpack_from("<2H", header, 26)
        # A name of another length, or cut short by the end of the file, differs too.
        if block[_LOCAL_HEADER_BYTES:_LOCAL_HEADER_BYTES + name_len] != expected_name:
            raise ArchiveReadError(f"{info.filename}: its local header names another file "
                                   "(corrupt or forged)")
        data_offset = info.header_offset + _LOCAL_HEADER_BYTES + name_len + extra_len
        if data_offset + info.compress_size > self.directory.offset:
            raise ArchiveReadError(f"{info.filename}: its data runs into the central directory "
                                   "(corrupt)")
        read = block[start:] if small and not extra_len and info.compress_size \
            and len(block) == start + info.compress_size else b""
        stream = _MemberStream(self._fileno(), info, data_offset, read)
        return stream  # type: ignore[return-value]

    def exists(self, rel: str) -> bool:
        return rel in self._members

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


#: Files every package holds; seeds may hold a document of one of these names, not more.
PACKAGE_MARKERS = (DESCRIPTOR, "bagit.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt",
                   DOCUMENTS_PATH)


def folder_kind(path: Path) -> str | None:
    """``seeds`` or ``package`` for a folder, or None.

    Seeds hold a corpus.toml, and may hold a document named like a package file
    (``datapackage.json``, ``bagit.txt``): a folder with a corpus.toml and at most one of
    :data:`PACKAGE_MARKERS` is seeds. One with two or more is a package, so that a
    corpus.toml added to a package (with a file or two taken away) is reported as an
    unlisted file, never a reason to check the package as seeds. Any entry named
    corpus.toml counts (a folder, a broken link...): loading it then says what is wrong
    with it, rather than that there is none."""
    markers = sum((path / marker).is_file() for marker in PACKAGE_MARKERS)
    if os.path.lexists(path / "corpus.toml") and markers <= 1:
        return "seeds"
    if (path / DESCRIPTOR).is_file() or (path / "bagit.txt").is_file() or markers > 1:
        return "package"
    return None


def open_package(path: Path) -> PackageSource:
    """A package folder (holding datapackage.json) or a ``.zip`` archive of one."""
    if path.is_dir():
        if not (path / DESCRIPTOR).is_file():
            raise InputError([Problem(str(path), "not-a-package",
                                      f"no {DESCRIPTOR} here; pass a package folder or archive")])
        return FolderSource(path)
    if path.is_file():
        return ZipSource(path)
    if os.path.lexists(path):  # a pipe, socket or device (never opened) or a broken link
        kind = ("a symbolic link to nothing" if path.is_symlink() and not path.exists()
                else "not a regular file or folder (a pipe, socket or device)")
        raise InputError([Problem(str(path), "not-a-package",
                                  f"{kind}; pass a package folder or .zip archive")])
    raise InputError([Problem(str(path), "not-a-package", "no such file or folder")])


#: corpuskit's profile of datapackage.json (the Data Package v2 profile and more).
DESCRIPTOR_SCHEMA = "datapackage.schema.json"
#: Schema problems of one file or record shown at most (a wrong shape has many).
SHOWN_PROBLEMS = 5


def read_descriptor(source: PackageSource) -> dict[str, Any]:
    try:
        raw = source.read_bytes(DESCRIPTOR)
        data = orjson.loads(raw)
    except (FileNotFoundError, KeyError):
        raise InputError([Problem(DESCRIPTOR, "missing-file", "the package has no descriptor")]
                         ) from None
    except orjson.JSONDecodeError as exc:
        raise InputError([Problem(DESCRIPTOR, "schema-error", f"not valid JSON: {exc}")]
                         ) from None
    except ArchiveReadError as exc:
        raise InputError([Problem(DESCRIPTOR, "archive-error", str(exc))]) from None
    except OSError as exc:
        raise InputError([read_problem(DESCRIPTOR, exc)]) from None
    if not isinstance(data, dict):
        raise InputError([Problem(DESCRIPTOR, "schema-error", "not a JSON object")])
    # Readers of a package (load, info, diff, export) take fields from it: checked first
    # against corpuskit's profile, so that a hand-edited one is an error naming the key.
    problems = duplicate_key_problems(raw, DESCRIPTOR) or list(
        json_problems(DESCRIPTOR_SCHEMA, data, DESCRIPTOR))
    if not problems:  # the Data Package v2 profile types what corpuskit's leaves open
        problems = json_problems(DATAPACKAGE_V2_PROFILE, data, DESCRIPTOR)
    if problems:
        raise InputError(problems[:SHOWN_PROBLEMS],
                         f"{DESCRIPTOR} is not a valid corpuskit package descriptor")
    return data


def iter_record_lines(source: PackageSource) -> Iterator[tuple[int, bytes]]:
    """``(line number, raw line)`` of data/documents.jsonl, streamed; a file that cannot be
    opened or read is an :class:`InputError` naming it."""
    try:
        with source.open(DOCUMENTS_PATH) as handle:
            # An archive member is a raw stream, whose lines would be read a byte per call.
            lines: IO[bytes] = handle if not isinstance(handle, io.RawIOBase) \
                else io.BufferedReader(handle, _CHUNK)
            number = 0
            while line := lines.readline(MAX_RECORD_LINE_BYTES + 1):
                number += 1
                if len(line) > MAX_RECORD_LINE_BYTES:
                    raise InputError([Problem(
                        DOCUMENTS_PATH, "too-large",
                        f"longer than {MAX_RECORD_LINE_BYTES} bytes, more "
                        "than any record corpuskit writes", f"line {number}")])
                yield number, line
    except ArchiveReadError as exc:
        raise InputError([Problem(DOCUMENTS_PATH, "archive-error", str(exc))]) from None
    except OSError as exc:
        raise InputError([read_problem(DOCUMENTS_PATH, exc)]) from None


def iter_records(source: PackageSource) -> Iterator[Record]:
    """Every record of the package, one at a time, in id order (checked: see
    :func:`record_after`)."""
    previous = ""
    for number, line in iter_record_lines(source):
        record = checked_record(source, line, number, previous)
        previous = record.id
        yield record


def checked_record(source: PackageSource, line: bytes, number: int, previous: str) -> Record:
    """:func:`record_after`, except that a line refused in an archive whose records member
    is damaged is reported as the damage (``archive-error``): a flipped bit in deflated
    data inflates to a garbled line well before the member's end, where its CRC-32 is
    checked, and the line is only a symptom."""
    try:
        return record_after(line, number, previous)
    except InputError as refused:
        damage = member_damage(source, DOCUMENTS_PATH)
        if damage is None:
            raise
        raise InputError([Problem(DOCUMENTS_PATH, "archive-error",
                                  f"the archive member is damaged ({damage}); line {number} "
                                  "inflates to something that is not a record: restore the "
                                  "archive from its release")]) from refused


def member_damage(source: PackageSource, rel: str) -> str | None:
    """Why the archive member ``rel`` of ``source`` does not inflate whole and intact (its
    CRC-32 and size checked, streaming), or None: it does, or ``source`` is a folder."""
    if not isinstance(source, ZipSource):
        return None
    try:
        with source.open(rel) as handle:
            while handle.read(_CHUNK):
                pass
    except ArchiveReadError as exc:
        return str(exc)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        return str(exc) or type(exc).__name__
    return None


def record_after(line: bytes, number: int, previous: str) -> Record:
    """:func:`record_of_line`, refusing a record whose id does not come after the id
    ``previous`` of the line before it: records are sorted by id, each once."""
    record = record_of_line(line, number)
    if record.id <= previous:
        raise InputError([Problem(DOCUMENTS_PATH, "order-error",
                                  f"record {record.id!r} comes after {previous!r}; records "
                                  "are sorted by id, each once", f"line {number}")])
    return record


def record_of_line(line: bytes, number: int) -> Record:
    """The record on line ``number`` of data/documents.jsonl, checked against the record
    schema (:mod:`corpuskit.recordshape`); else an :class:`InputError` naming the line and
    each field that is wrong. Every reader of records that is not ``validate`` takes them
    from here: a record edited by hand never reaches code that trusts its fields."""
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise InputError([Problem(DOCUMENTS_PATH, "schema-error", f"not valid JSON: {exc}",
                                  f"line {number}")]) from None
    shape = record_shape()
    if shape is None or not shape(data):
        problems = [Problem(p.path, p.code, f"not a valid record: {p.message}",
                            p.location.rstrip())
                    for p in iter_problems(RECORD_SCHEMA, data, DOCUMENTS_PATH,
                                           location_prefix=f"line {number} ")]
        if not problems and shape is not None:
            problems = [Problem(DOCUMENTS_PATH, "schema-error", f"the record {not_written(data)}",
                                f"line {number}")]
        if problems:
            raise InputError(problems[:SHOWN_PROBLEMS])
    if data["date"] is not None and not real_date(data["date"]):
        raise InputError([Problem(DOCUMENTS_PATH, "schema-error",
                                  f"record {data['id']!r}: date {data['date']!r} is not a "
                                  "real calendar date", f"line {number}")])
    if tuple(data) != RECORD_FIELDS or orjson.dumps(data) + b"\n" != line:
        raise InputError([Problem(DOCUMENTS_PATH, "schema-error",
                                  f"record {data['id']!r} {NOT_CANONICAL}", f"line {number}")])
    return record_from_dict(data)
