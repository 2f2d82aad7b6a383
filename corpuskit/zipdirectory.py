"""An archive's central directory, read without trusting it: where the end records put it,
how many entries it really holds, and each entry compactly (:class:`Member`); and
:class:`ArchiveReadError`, raised for an archive that cannot be read."""

from __future__ import annotations

import struct
import zipfile
from dataclasses import dataclass
from typing import IO, NamedTuple


class ArchiveReadError(OSError):
    """An archive member cannot be read: corrupt, truncated, or beyond the archive's limits.

    ``member``, when given, is the member's name in the archive: it starts the message
    (a reader of the whole archive names it so) and stays out of ``reason``, which a
    report that names the member already says after it (validate said "README.md: cannot
    be read: r-1.0.0/README.md: cannot be read: ...", QA)."""

    def __init__(self, reason: str, member: str | None = None) -> None:
        super().__init__(f"{member}: {reason}" if member is not None else reason)
        self.reason = reason
        self.member = member

    def __reduce__(self) -> tuple[type[ArchiveReadError], tuple[str, str | None]]:
        return type(self), (self.reason, self.member)  # (a worker's, pickled whole)


_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"
_CENTRAL_HEADER = b"PK\x01\x02"


@dataclass(frozen=True)
class CentralDirectory:
    """Where an archive's central directory is, from its end records."""

    entries: int
    size: int
    #: Where it is in the file: where the end record says, moved by ``prefix``.
    offset: int
    file_size: int
    #: Bytes in front of the archive (a self-extracting stub, or bytes put before its central
    #: directory): how much further into the file the central directory is than its end
    #: record says. Every reader (zipfile, unzip) then finds each entry that much further
    #: on too, as this module's readers do; a corpuskit archive has none.
    prefix: int = 0

    @property
    def declared_offset(self) -> int:
        """The central directory's offset as its end record gives it."""
        return self.offset - self.prefix


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
    # Where the central directory ends: right before the end record, or before the zip64
    # end record and its locator (zipfile takes them to be there, and so does this).
    ends_at = file_size - tail_len + at
    if entries == 0xFFFF or size == 0xFFFFFFFF or offset == 0xFFFFFFFF:
        locator_at = ends_at - 20
        if locator_at >= 0:
            handle.seek(locator_at)
            locator = handle.read(20)
            if locator[:4] == _EOCD64_LOCATOR:
                record_at = struct.unpack("<4sLQL", locator)[2]
                if record_at + 56 > file_size:
                    raise ArchiveReadError("the zip64 end record points past the end of the "
                                           "file (truncated or corrupt)")
                # Read where zipfile reads it, right before its locator (where the locator
                # says, moved by the bytes in front of the archive, if any).
                ends_at = locator_at - 56
                record = b""
                if ends_at >= 0:
                    handle.seek(ends_at)
                    record = handle.read(56)
                if record[:4] != _EOCD64:
                    raise ArchiveReadError("the zip64 end record is missing or corrupt")
                entries, size, offset = struct.unpack("<4sQ2H2L4Q", record)[7:10]
    # Bytes in front (zipfile's "concat"): readers move every offset by as many. Fewer
    # bytes than the end record implies is an archive cut or corrupt, left to the checks
    # of the entries as before.
    prefix = max(ends_at - size - offset, 0)
    return CentralDirectory(entries, size, offset + prefix, file_size, prefix)


def count_central_entries(handle: IO[bytes], offset: int, size: int, limit: int) -> int:
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


def members_of(archive: zipfile.ZipFile) -> list[Member]:
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
