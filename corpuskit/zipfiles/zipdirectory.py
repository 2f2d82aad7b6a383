"""An archive's central directory, read without trusting it: where the end records put it,
how many entries it really holds, and each entry compactly (:class:`Member`); and
:class:`ArchiveReadError`, raised for an archive that cannot be read."""

from __future__ import annotations

import struct
import zipfile
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import compress, islice
from typing import IO, NamedTuple, overload

from ..gitlfs import LFS_ADVICE, LFS_POINTER


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
    if at < 0 and file_size == tail_len and tail.startswith(LFS_POINTER):
        raise ArchiveReadError(LFS_ADVICE)
    if at < 0 or len(tail) - at < 22:
        raise ArchiveReadError("no end-of-central-directory record: not a zip archive, or a "
                               "truncated one (a download or copy cut short): get it again "
                               "from where it was published, or restore it")
    _, _, _, _, entries, size, offset, _ = struct.unpack("<4s4H2LH", tail[at:at + 22])
    # Where the central directory ends: right before the end record, or before the zip64
    # end record and its locator (zipfile takes them to be there, and so does this).
    ends_at = file_size - tail_len + at
    # zipfile reads the zip64 records whenever their locator is right before the end
    # record, whether or not its values are the marks (0xFFFF...) that send a reader
    # there; only then must the zip64 record be found (taken for bytes in front of the
    # archive, they moved every offset: "Bad magic number", QA).
    marked = entries == 0xFFFF or size == 0xFFFFFFFF or offset == 0xFFFFFFFF
    locator_at = ends_at - 20
    if locator_at >= 0:
        handle.seek(locator_at)
        locator = handle.read(20)
        if locator[:4] == _EOCD64_LOCATOR:
            record_at = struct.unpack("<4sLQL", locator)[2]
            if marked and record_at + 56 > file_size:  # (zipfile reads past it alike)
                raise ArchiveReadError("the zip64 end record points past the end of the "
                                       "file (truncated or corrupt)")
            # Read where zipfile reads it, right before its locator (where the locator
            # says, moved by the bytes in front of the archive, if any).
            record = b""
            if locator_at >= 56:
                handle.seek(locator_at - 56)
                record = handle.read(56)
            if record[:4] == _EOCD64:
                ends_at = locator_at - 56
                entries, size, offset = struct.unpack("<4sQ2H2L4Q", record)[7:10]
            elif marked:
                raise ArchiveReadError("the zip64 end record is missing or corrupt")
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


class UnicodePath(NamedTuple):
    """An entry's Info-ZIP Unicode Path extra field (header ID 0x7075): the UTF-8 name
    that unzip, libarchive and Python's zipfile (from 3.12) extract the entry under,
    instead of the name in its header, when ``name_crc`` is the CRC-32 of that name (and,
    for zipfile, ``version`` is 1). corpuskit never writes one."""

    version: int
    name_crc: int
    #: The name's bytes, as the field holds them (UTF-8, unless the field is forged).
    name: bytes


#: The header ID of an Info-ZIP Unicode Path extra field.
UNICODE_PATH_ID = 0x7075


class TooManyEntries(ArchiveReadError):
    """The central directory holds more entries than the reader's limit."""


#: Array type codes of four bytes at least (``"I"`` is four bytes on every platform CPython
#: runs on; ``"L"`` is eight on 64-bit Linux).
_U32 = "I" if array("I").itemsize >= 4 else "L"


class MemberTable(Sequence[Member]):
    """Every entry of a central directory, in its order, in columns: a :class:`Member`
    is made of an entry only when it is asked for.

    A list of :class:`Member` took about 400 bytes an entry (the tuple, its name, five
    int objects; 39 MB for the 100,009 entries of a release of 100,000 documents), and
    ``validate`` kept a table of them by name too. Here an entry takes its name's UTF-8
    bytes, in one blob, and 51 bytes of numbers in arrays (9.9 MB for those entries); its
    time stamp is kept as the archive has it (two 16-bit DOS fields), its
    ``orig_filename`` only where it differs from its name (a name cut at a NUL, as zipfile
    cuts it: rare).

    A name is found by bisection (:meth:`find`): on the entries themselves when their
    names ascend, as corpuskit writes them, or on a permutation of them sorted by name
    (4 bytes an entry) otherwise; UTF-8 bytes sort as the names' code points do, as
    Python sorts strings.
    """

    __slots__ = ("_ascending", "_ascii", "_bounds", "_compress_size", "_compress_type", "_crc",
                 "_create_system", "_external_attr", "_file_size", "_flag_bits", "_header_offset",
                 "_hint", "_in_order", "_last", "_name_length", "_names", "_order", "_orig",
                 "_stamp", "_stamp_cache", "_unicode_paths")

    def __init__(self) -> None:
        self._names = bytearray()
        #: Where each name starts in ``_names``, and where the last one ends.
        self._bounds = array("Q", [0])
        #: The length of each name as the archive stores it.
        self._name_length = array("H")
        self._orig: dict[int, str] = {}
        #: The Unicode Path extra fields of the entries that have any (none in an archive
        #: corpuskit writes), by index.
        self._unicode_paths: dict[int, tuple[UnicodePath, ...]] = {}
        self._flag_bits = array("H")
        self._compress_type = array("H")
        self._crc = array(_U32)
        self._compress_size = array("Q")
        self._file_size = array("Q")
        self._header_offset = array("Q")
        #: The DOS date (high 16 bits) and time (low 16 bits).
        self._stamp = array(_U32)
        self._create_system = array("B")
        self._external_attr = array(_U32)
        #: The entries' indexes in the order of their names, when they are not in it.
        self._order: array[int] | None = None
        self._ascending = True  # every name after the one before it
        self._in_order = True  # none before the one before it (a name given twice, next)
        self._ascii = True  # every name ASCII: a character a byte
        self._last: bytes | bytearray = b""
        self._hint = 0  # where the last name found is in the order of names
        #: The last time stamp made a ``date_time`` (a corpuskit archive has one).
        self._stamp_cache: tuple[int, tuple[int, int, int, int, int, int]] = (
            0, _date_time(0, 0))

    def append(self, name: bytes | bytearray, name_length: int, orig_filename: str | None,
               flag_bits: int, compress_type: int, crc: int, compress_size: int,
               file_size: int, header_offset: int, stamp: int, create_system: int,
               external_attr: int, unicode_paths: tuple[UnicodePath, ...] = ()) -> None:
        """Add an entry: ``name`` its name's UTF-8 bytes, ``name_length`` the length of
        its name as stored; ``orig_filename`` its name as stored, when it is not the name
        (None otherwise); ``stamp`` its DOS date and time; ``unicode_paths`` its Unicode
        Path extra fields, if any."""
        if len(self._bounds) > 1 and name <= self._last:
            self._ascending = False
            self._in_order = self._in_order and name == self._last
        self._last = name
        self._ascii = self._ascii and name.isascii()
        if orig_filename is not None:
            self._orig[len(self._name_length)] = orig_filename
        if unicode_paths:
            self._unicode_paths[len(self._name_length)] = unicode_paths
        self._names += name
        self._bounds.append(len(self._names))
        self._name_length.append(name_length)
        self._flag_bits.append(flag_bits)
        self._compress_type.append(compress_type)
        self._crc.append(crc)
        self._compress_size.append(compress_size)
        self._file_size.append(file_size)
        self._header_offset.append(header_offset)
        self._stamp.append(stamp)
        self._create_system.append(create_system)
        self._external_attr.append(external_attr)

    def finish(self) -> MemberTable:
        """The table once every entry is in: its permutation by name made, if needed."""
        self._last = b""
        if not self._ascending:
            count = len(self)
            self._order = array(_U32 if count <= 0xFFFFFFFF else "Q",
                                sorted(range(count), key=self.name_bytes))
        return self

    def __len__(self) -> int:
        return len(self._name_length)

    @overload
    def __getitem__(self, index: int) -> Member: ...

    @overload
    def __getitem__(self, index: slice) -> list[Member]: ...

    def __getitem__(self, index: int | slice) -> Member | list[Member]:
        if isinstance(index, slice):
            return [self.member(i) for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self._file_size)
        if not 0 <= index < len(self._file_size):
            raise IndexError("member index out of range")
        return self.member(index)

    def member(self, index: int, name: str | None = None) -> Member:
        """Entry ``index`` (from 0), given its ``name`` if it is known (a name found,
        :meth:`find`: not decoded again)."""
        if name is None:
            bounds = self._bounds
            name = self._names[bounds[index]:bounds[index + 1]].decode()
        stamp = self._stamp[index]
        cached, date_time = self._stamp_cache
        if stamp != cached:
            date_time = _date_time(stamp >> 16, stamp & 0xFFFF)
            self._stamp_cache = (stamp, date_time)
        return _new(Member, (name, self._orig.get(index, name) if self._orig else name,
                             self._flag_bits[index], self._compress_type[index],
                             self._crc[index], self._compress_size[index],
                             self._file_size[index], self._header_offset[index], date_time,
                             self._create_system[index], self._external_attr[index]))

    def __iter__(self) -> Iterator[Member]:
        orig = self._orig
        last, date_time = self._stamp_cache
        for index, (name, flag_bits, compress_type, crc, compress_size, file_size,
                    header_offset, stamp, system, attr) in enumerate(zip(
                        self.names(), self._flag_bits, self._compress_type, self._crc,
                        self._compress_size, self._file_size, self._header_offset,
                        self._stamp, self._create_system, self._external_attr, strict=True)):
            if stamp != last:
                last, date_time = stamp, _date_time(stamp >> 16, stamp & 0xFFFF)
            yield _new(Member, (name, orig.get(index, name), flag_bits, compress_type, crc,
                                compress_size, file_size, header_offset, date_time, system,
                                attr))

    def name_bytes(self, index: int) -> bytearray:
        """The UTF-8 bytes of entry ``index``'s name."""
        return self._names[self._bounds[index]:self._bounds[index + 1]]

    def name(self, index: int) -> str:
        """Entry ``index``'s name (its ``filename``)."""
        return self._names[self._bounds[index]:self._bounds[index + 1]].decode()

    def names(self, skip: int = 0, where: bytes | bytearray | None = None
              ) -> Iterator[str]:
        """Every entry's name, in the directory's order, without its first ``skip``
        characters; with ``where`` (a byte an entry), only the names of the entries whose
        byte is not 0."""
        names, bounds = self._names, self._bounds
        if not self._ascii:
            pairs: Iterator[tuple[int, int]] = zip(bounds, islice(bounds, 1, None),
                                                   strict=False)
            for start, end in pairs if where is None else compress(pairs, where):
                yield names[start:end].decode()[skip:]
            return
        # ASCII: a batch of names decoded at once, and cut (twice as fast as a name at a
        # time; all of them at once held a string as long as the table's names).
        for first in range(0, len(bounds) - 1, _BATCH):
            batch = bounds[first:first + _BATCH + 1]
            base = batch[0]
            text = names[base:batch[-1]].decode("ascii")
            pairs = zip(batch, islice(batch, 1, None), strict=False)
            if where is not None:
                pairs = compress(pairs, where[first:first + _BATCH])
            for start, end in pairs:
                yield text[start - base + skip:end - base]

    def unicode_paths(self) -> dict[int, tuple[UnicodePath, ...]]:
        """The Unicode Path extra fields of the entries' central directory records, by
        the index of each entry that has any (in the directory's order); empty for an
        archive corpuskit writes. Not to be changed."""
        return self._unicode_paths

    def orig_filename(self, index: int) -> str:
        """Entry ``index``'s name as stored (zipfile's ``orig_filename``)."""
        return self._orig.get(index) or self.name(index)

    @property
    def ascending(self) -> bool:
        """Whether every name comes after the one before it (so none is given twice)."""
        return self._ascending

    @property
    def ascii(self) -> bool:
        """Whether every name is ASCII."""
        return self._ascii

    @property
    def in_order(self) -> bool:
        """Whether the names are in sorted order (a name given twice, twice in a row)."""
        return self._in_order

    def by_name(self) -> Sequence[int]:
        """The entries' indexes in the order of their names (of a name given twice, in
        the directory's order)."""
        return range(len(self)) if self._order is None else self._order

    def find(self, name: str) -> int:
        """The index of the first entry named ``name`` (in the directory's order), or -1
        when there is none.

        The entry after the one found last is tried first, then that one: members are
        mostly asked for in the order of their names (a bisection takes 5.8 us, this 0.5
        us, a dict took 0.1 us)."""
        try:
            key = name.encode()
        except UnicodeEncodeError:  # a lone surrogate: no entry's name holds one
            return -1
        names, bounds, permutation = self._names, self._bounds, self._order
        at = self._hint + 1
        order: Sequence[int]
        if permutation is None:  # the names ascend: none is given twice
            if at < len(bounds) - 1 and names[bounds[at]:bounds[at + 1]] == key:
                self._hint = at
                return at
            if at < len(bounds) and names[bounds[at - 1]:bounds[at]] == key:  # (the same again)
                return at - 1
            order = range(len(bounds) - 1)
        else:
            order = permutation
        if permutation is not None and at < len(order):
            index, before = order[at], order[at - 1]  # (the first of a name given twice)
            if names[bounds[index]:bounds[index + 1]] == key \
                    and names[bounds[before]:bounds[before + 1]] != key:
                self._hint = at
                return index
        at = bisect_left(order, bytearray(key), key=lambda i: names[bounds[i]:bounds[i + 1]])
        if at < len(order) and names[bounds[order[at]]:bounds[order[at] + 1]] == key:
            self._hint = at
            return order[at]
        return -1

    def file_sizes(self) -> array[int]:
        """Every entry's ``file_size``, in the directory's order."""
        return self._file_size

    def header_offsets(self) -> array[int]:
        """Every entry's ``header_offset``, in the directory's order."""
        return self._header_offset

    def compress_sizes(self) -> array[int]:
        """Every entry's ``compress_size``, in the directory's order."""
        return self._compress_size

    def crcs(self) -> array[int]:
        """Every entry's ``CRC``, in the directory's order."""
        return self._crc

    def flag_bits(self) -> array[int]:
        """Every entry's ``flag_bits``, in the directory's order."""
        return self._flag_bits

    def name_lengths(self) -> array[int]:
        """The length of every entry's name as the archive stores it (that of
        :func:`member_name_bytes`), in the directory's order."""
        return self._name_length


#: How many names :meth:`MemberTable.names` decodes at once.
_BATCH = 1024

#: A :class:`Member` of its fields' values, made in C (NamedTuple's ``__new__`` is a
#: Python function: it made iterating over a table three times slower).
_new = tuple.__new__


def _date_time(date: int, time: int) -> tuple[int, int, int, int, int, int]:
    """A DOS date and time as zipfile's ``date_time``."""
    return ((date >> 9) + 1980, (date >> 5) & 0xF, date & 0x1F, time >> 11,
            (time >> 5) & 0x3F, (time & 0x1F) * 2)


#: A central directory entry's fixed part (46 bytes), as zipfile reads it.
_CENTRAL_ENTRY = struct.Struct("<4s4B4HL2L5H2L")
#: The highest "version needed to extract" zipfile reads (6.3); above it, it refuses.
_MAX_EXTRACT_VERSION = 63
#: A size or offset whose value is in the entry's zip64 extra field.
_IN_ZIP64 = 0xFFFFFFFF


def read_members(handle: IO[bytes], directory: CentralDirectory, limit: int) -> MemberTable:
    """Every entry of the central directory, in its order: the values zipfile's
    ``ZipFile.infolist()`` gives (its name decoded and cut at a NUL as zipfile cuts it,
    sizes and offset from a zip64 extra field, offsets moved by the bytes in front of the
    archive; tested against zipfile), without making zipfile's ``ZipInfo`` of each entry
    and its table of names: on a million entries those held twice what the entries do
    at once; nor a :class:`Member` of each (:class:`MemberTable`). Raises
    :class:`TooManyEntries` past ``limit`` entries (whatever the end record declares), and
    :class:`ArchiveReadError` where zipfile raises ``BadZipFile``."""
    handle.seek(directory.offset)
    size = directory.size
    # Read a chunk at a time (whole, the central directory was held beside the table made
    # of it: 9 MB more at 100,000 entries); as sliced from the whole of it, which ends
    # early in a file cut short.
    data, base = handle.read(min(size, _DIRECTORY_CHUNK)), 0  # base: where data starts
    fixed = _CENTRAL_ENTRY.size
    table = MemberTable()
    append = table.append
    unpack = _CENTRAL_ENTRY.unpack_from
    total, count = 0, 0
    while total < size:
        start = total - base
        if start + fixed > len(data):
            data, base, start = _more(handle, data, start, base, size, fixed), total, 0
            if fixed > len(data):
                raise ArchiveReadError("Truncated central directory")
        (signature, _, create_system, extract_version, _, flag_bits, compress_type, time,
         date, crc, compress_size, file_size, name_length, extra_length, comment_length, _,
         _, external_attr, header_offset) = unpack(data, start)
        if signature != _CENTRAL_HEADER:
            raise ArchiveReadError("Bad magic number for central directory")
        if count == limit:
            raise TooManyEntries(f"more than {limit} entries")
        length = fixed + name_length + extra_length + comment_length
        if start + length > len(data):
            data, base, start = _more(handle, data, start, base, size, length), total, 0
        at = start + fixed
        name = data[at:at + name_length]
        orig_filename: str | None = None
        if name.isascii():  # the usual case: the same in code page 437 and UTF-8
            cut = name.find(b"\0")
            if cut >= 0:
                orig_filename, name = name.decode("ascii"), name[:cut]
        else:
            decoded = name.decode("utf-8" if flag_bits & 0x800 else "cp437")
            cut = decoded.find("\0")
            if cut >= 0:
                orig_filename, name = decoded, decoded[:cut].encode()
            elif not flag_bits & 0x800:
                name = decoded.encode()
        if extract_version > _MAX_EXTRACT_VERSION:
            raise ArchiveReadError(f"zip file version {extract_version / 10:.1f}")
        at += name_length
        unicode_paths: tuple[UnicodePath, ...] = ()
        if extra_length:  # (none in an archive corpuskit writes)
            extra = data[at:at + extra_length]
            file_size, compress_size, header_offset = _zip64_values(
                extra, file_size, compress_size, header_offset)
            unicode_paths = unicode_path_fields(extra)
        append(name, name_length, orig_filename, flag_bits, compress_type, crc, compress_size,
               file_size, header_offset + directory.prefix, date << 16 | time, create_system,
               external_attr, unicode_paths)
        count += 1
        total = base + start + length
    return table.finish()


#: How much of a central directory :func:`read_members` reads at a time.
_DIRECTORY_CHUNK = 1 << 20


def _more(handle: IO[bytes], data: bytes, start: int, base: int, size: int,
          need: int) -> bytes:
    """``data`` from ``start`` on, and what follows it in the central directory (``size``
    bytes; ``data`` is its part from ``base``): ``need`` bytes, or a chunk, or what is left
    of it (or of the file)."""
    left = size - base - len(data)
    more = min(max(need - (len(data) - start), _DIRECTORY_CHUNK), left)
    return data[start:] + (handle.read(more) if more > 0 else b"")


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


def unicode_path_fields(extra: bytes) -> tuple[UnicodePath, ...]:
    """The Info-ZIP Unicode Path fields (0x7075) among the extra fields ``extra`` (of a
    central directory record or a local header), in their order. A field too short to
    hold its version and CRC-32 names nothing and is left out (zipfile, from 3.12,
    refuses the archive); the walk stops where a field runs past the end, as :func:`_zip64_values`
    raises there for a central directory record. The other extra fields in common use
    carry no name: the Unicode Comment (0x6375) is the entry's comment, and time stamps,
    Unix owners and modes, NTFS times, zip64 sizes, alignment padding are not names."""
    fields: list[UnicodePath] = []
    while len(extra) >= 4:
        kind, length = struct.unpack_from("<HH", extra)
        if length + 4 > len(extra):
            break
        if kind == UNICODE_PATH_ID and length >= 5:
            version, name_crc = struct.unpack_from("<BL", extra, 4)
            fields.append(UnicodePath(version, name_crc, bytes(extra[9:length + 4])))
        extra = extra[length + 4:]
    return tuple(fields)


def member_name_bytes(info: Member | zipfile.ZipInfo) -> bytes:
    """The entry name as stored in the archive (UTF-8 when flagged, else code page 437)."""
    name = info.orig_filename
    if name.isascii():
        return name.encode("ascii")
    return name.encode("utf-8" if info.flag_bits & 0x800 else "cp437", "surrogateescape")
