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
                               "truncated one (a download or copy cut short): get it again "
                               "from where it was published, or restore it")
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


class TooManyEntries(ArchiveReadError):
    """The central directory holds more entries than the reader's limit."""


#: A central directory entry's fixed part (46 bytes), as zipfile reads it.
_CENTRAL_ENTRY = struct.Struct("<4s4B4HL2L5H2L")
#: The highest "version needed to extract" zipfile reads (6.3); above it, it refuses.
_MAX_EXTRACT_VERSION = 63
#: A size or offset whose value is in the entry's zip64 extra field.
_IN_ZIP64 = 0xFFFFFFFF


def read_members(handle: IO[bytes], directory: CentralDirectory, limit: int) -> list[Member]:
    """Every entry of the central directory, in its order: the values zipfile's
    ``ZipFile.infolist()`` gives (its name decoded and cut at a NUL as zipfile cuts it,
    sizes and offset from a zip64 extra field, offsets moved by the bytes in front of the
    archive; tested against zipfile), without making zipfile's ``ZipInfo`` of each entry
    and its table of names: on a million entries those held twice what the entries do
    at once. Raises :class:`TooManyEntries` past ``limit`` entries (whatever the end record
    declares), and :class:`ArchiveReadError` where zipfile raises ``BadZipFile``."""
    handle.seek(directory.offset)
    data = handle.read(directory.size)
    members: list[Member] = []
    stamps: dict[tuple[int, ...], tuple[int, int, int, int, int, int]] = {}
    unpack = _CENTRAL_ENTRY.unpack_from
    total, size = 0, directory.size
    while total < size:
        if total + _CENTRAL_ENTRY.size > len(data):
            raise ArchiveReadError("Truncated central directory")
        (signature, _, create_system, extract_version, _, flag_bits, compress_type, time,
         date, crc, compress_size, file_size, name_length, extra_length, comment_length, _,
         _, external_attr, header_offset) = unpack(data, total)
        if signature != _CENTRAL_HEADER:
            raise ArchiveReadError("Bad magic number for central directory")
        if len(members) == limit:
            raise TooManyEntries(f"more than {limit} entries")
        at = total + _CENTRAL_ENTRY.size
        orig_filename = data[at:at + name_length].decode(
            "utf-8" if flag_bits & 0x800 else "cp437")
        if extract_version > _MAX_EXTRACT_VERSION:
            raise ArchiveReadError(f"zip file version {extract_version / 10:.1f}")
        at += name_length
        if extra_length:
            file_size, compress_size, header_offset = _zip64_values(
                data[at:at + extra_length], file_size, compress_size, header_offset)
        cut = orig_filename.find("\0")
        stamp = ((date >> 9) + 1980, (date >> 5) & 0xF, date & 0x1F, time >> 11,
                 (time >> 5) & 0x3F, (time & 0x1F) * 2)
        members.append(Member(orig_filename if cut < 0 else orig_filename[:cut],
                              orig_filename, flag_bits, compress_type, crc, compress_size,
                              file_size, header_offset + directory.prefix,
                              stamps.setdefault(stamp, stamp), create_system, external_attr))
        total = at + extra_length + comment_length
    return members


def _zip64_values(extra: bytes, file_size: int, compress_size: int,
                  header_offset: int) -> tuple[int, int, int]:
    """The sizes and offset of an entry, those marked as in its zip64 extra field (ID 1)
    read from there, as zipfile reads them; a malformed extra field raises as it does."""
    while len(extra) >= 4:
        kind, length = struct.unpack("<HH", extra[:4])
        if length + 4 > len(extra):
            raise ArchiveReadError(f"Corrupt extra field {kind:04x} (size={length})")
        if kind == 0x0001:
            values = extra[4:length + 4]
            field = "File size"
            try:
                if file_size in (0xFFFF_FFFF_FFFF_FFFF, _IN_ZIP64):
                    file_size, = struct.unpack("<Q", values[:8])
                    values = values[8:]
                field = "Compress size"
                if compress_size == _IN_ZIP64:
                    compress_size, = struct.unpack("<Q", values[:8])
                    values = values[8:]
                field = "Header offset"
                if header_offset == _IN_ZIP64:
                    header_offset, = struct.unpack("<Q", values[:8])
            except struct.error:
                raise ArchiveReadError(f"Corrupt zip64 extra field. {field} not found."
                                       ) from None
        extra = extra[length + 4:]
    return file_size, compress_size, header_offset


def member_name_bytes(info: Member | zipfile.ZipInfo) -> bytes:
    """The entry name as stored in the archive (UTF-8 when flagged, else code page 437)."""
    name = info.orig_filename
    if name.isascii():
        return name.encode("ascii")
    return name.encode("utf-8" if info.flag_bits & 0x800 else "cp437", "surrogateescape")
