"""The structure of a package archive, byte for byte, except the compressed data itself.

corpuskit's archives are reproducible: entries sorted, one time stamp, fixed permissions,
no extra fields or entry comments, and one archive comment of fixed length, the seal
(:mod:`corpuskit.zipfiles.archive`). So every header byte of a valid archive is known from its
entries' names, sizes and CRCs. This module rebuilds those headers (local headers, central
directory, end records with the seal's comment length; :mod:`corpuskit.zipfiles.zipformat`) and
compares them with the archive, so that a changed byte anywhere in the archive's
structure is found; the archive must end right after a comment of the seal's length. The
seal's contents are checked by :mod:`.seal`. The compressed data between the headers is
checked by reading it: :class:`corpuskit.zipfiles.zipsource.ZipSource` inflates each entry to
exactly its declared size and CRC and refuses stray bytes or bits, and the contents are then
checked against the manifests; the seal also covers compressed bytes that inflate to the
same contents.
"""

from __future__ import annotations

import struct
from collections.abc import Generator, Iterator
from dataclasses import dataclass

from ..problems import Problem, ProblemList
from ..wording import counted
from ..zipfiles.archiveseal import SEAL_BYTES
from ..zipfiles.zipdirectory import unicode_path_fields
from ..zipfiles.zipformat import (
    CENTRAL,
    LOCAL,
    LOCAL_SIGNATURE,
    DateTime,
    central_record,
    end_records,
    local_header,
    member_info,
    zip_date_time,
)
from ..zipfiles.zipsource import ZipSource, unicode_path_reason

_LOCAL_FIELDS = ("signature", "version needed", "reserved", "flags", "compression method",
                 "modification time", "modification date", "CRC-32", "compressed size",
                 "uncompressed size", "name length", "extra field length")
_CENTRAL_FIELDS = ("signature", "version made by", "host system", "version needed",
                   "reserved", "flags", "compression method", "modification time",
                   "modification date", "CRC-32", "compressed size", "uncompressed size",
                   "name length", "extra field length", "comment length", "disk number",
                   "internal attributes", "external attributes (permissions)",
                   "local header offset")


def _fields(layout: struct.Struct, names: tuple[str, ...], actual: bytes,
            expected: bytes) -> list[str]:
    """Names of the header fields (or 'name'/'extra field') in which two headers differ."""
    if len(actual) < layout.size:
        return ["header (cut short)"]
    got, want = layout.unpack_from(actual), layout.unpack_from(expected)
    differing = [name for name, a, b in zip(names, got, want, strict=True) if a != b]
    if actual[layout.size:] != expected[layout.size:] and not differing:
        differing.append("name or extra field")
    return differing


#: The fields a local header and its central directory record both hold, the values of
#: which the reproducible form takes from the central directory: where the local header
#: has others, the two disagree, and which of them was changed cannot be told from the
#: headers (QA: a central directory's CRC-32 changed was told as the intact local header
#: differing).
_SHARED = {"CRC-32": 7, "compressed size": 8, "uncompressed size": 9}


def _disagreement(name: str, local_at: int, central_at: int, header: bytes,
                  central: dict[str, int], shared: list[str]) -> Problem:
    """The problem of an entry whose local header (``header``, at byte ``local_at``) gives
    other ``shared`` values than its central directory record (at ``central_at``,
    ``central`` its values by field name), naming both."""
    values = LOCAL.unpack_from(header)

    def shown(field: str, value: int) -> str:
        return f"{value:#010x}" if field == "CRC-32" else str(value)

    told = "; ".join(f"{field} {shown(field, central[field])} in the central directory, "
                     f"{shown(field, values[_SHARED[field]])} in the local header"
                     for field in shared)
    return Problem(name, "archive-metadata",
                   f"the central directory record at byte {central_at} and the local header "
                   f"at byte {local_at} disagree ({told}): corpuskit writes the same values "
                   "in both, so one of them was changed, which the headers cannot tell; "
                   "its data is read as the central directory says, as zip tools read it")


#: Entries checked between two pauses of :func:`archive_structure_steps`.
STEP_ENTRIES = 2048
#: The flag of an entry whose sizes and CRC-32 follow its data (a data descriptor).
_DATA_DESCRIPTOR = 0x08
#: The flag bit of a name stored as UTF-8 (else code page 437).
_UTF8_NAME = 0x800


class _Window:
    """``size`` bytes of an archive from ``start``, read :data:`WINDOW_BYTES` at a time:
    :meth:`read` asks for bytes at increasing positions, mostly."""

    def __init__(self, source: ZipSource, start: int, size: int) -> None:
        self._source, self._start, self.size = source, start, size
        self._at, self._data = 0, b""

    def read(self, position: int, length: int) -> bytes:
        """The ``length`` bytes at ``position`` (fewer at the end)."""
        length = min(length, self.size - position)
        if length <= 0:
            return b""
        if not self._at <= position <= position + length <= self._at + len(self._data):
            self._at = position
            self._data = self._source.read_at(self._start + position,
                                              min(max(length, WINDOW_BYTES),
                                                  self.size - position))
        return self._data[position - self._at:position - self._at + length]


#: How much of the central directory :class:`_Window` reads at a time.
WINDOW_BYTES = 1 << 20


def check_archive_structure(source: ZipSource, created: str | None,
                            disputed: dict[str, int] | None = None) -> list[Problem]:
    """Every header byte of ``source`` against the reproducible form corpuskit writes.

    ``created`` is the package's release time stamp (from datapackage.json), which decides
    every entry's time stamp: "" when the package has none (1980-01-01); None when it is
    unknown (no readable descriptor), and the first entry's time stamp is the reference.
    ``disputed``, if given, gets the uncompressed size the local header gives of each
    entry whose central directory record gives another (by the entry's name).
    """
    problems: list[Problem] = ProblemList()
    for _ in archive_structure_steps(source, created, problems, disputed):
        pass
    return problems


def archive_structure_steps(source: ZipSource, created: str | None,
                            problems: list[Problem],
                            disputed: dict[str, int] | None = None) -> Iterator[None]:
    """:func:`check_archive_structure`, adding its problems to ``problems`` (and to
    ``disputed``), pausing after every :data:`STEP_ENTRIES` entries (a caller has other
    work to hand out meanwhile)."""
    infos = source.entries
    if not infos:
        starts = source.read_at(0, 4) == LOCAL_SIGNATURE
        problems.append(Problem(".", "archive-error", (
            "its end record says the archive holds no entries, yet an entry's local header "
            "starts it: that is not the end record written with its entries (another may "
            "be in its comment; forged or damaged)") if starts
            else "the archive holds no entries"))
        return
    date_time = _entries_date_time(source, created)
    problems.extend(_whole_archive_problems(source))
    directory = source.directory
    # The central directory and end records, read a window at a time as the records are
    # compared (read whole, they were 9 MB of an archive of 100,000 documents).
    tail = _Window(source, directory.offset, directory.file_size - directory.offset)
    ended = yield from _entry_steps(source, tail, date_time, problems, disputed)
    end_problem = _end_problem(source, tail, ended)
    if end_problem is not None:
        problems.append(end_problem)


def _entries_date_time(source: ZipSource, created: str | None) -> DateTime:
    """The time stamp every entry of ``source`` has in the reproducible form: that of
    ``created`` (see :func:`check_archive_structure`), or the first entry's where it is
    unknown or no valid time stamp."""
    infos = source.entries
    try:
        return zip_date_time(created) if created is not None else infos[0].date_time
    except ValueError:
        return infos[0].date_time


def _whole_archive_problems(source: ZipSource) -> list[Problem]:
    """The problems of ``source`` as a whole, before its entries are compared one by one:
    entries out of sorted order, bytes in front of the archive, entries with a data
    descriptor (in that order)."""
    infos = source.entries
    problems: list[Problem] = []
    if not infos.in_order:  # (asked as the entries were read: no list of their names)
        problems.append(Problem(".", "archive-metadata",
                                "entries are not in sorted order, as corpuskit writes them"))
    # Bytes in front of the archive move every entry as far (every reader finds them
    # there): said once, and the rest compared from where the archive starts.
    front = source.directory.prefix
    if front:
        problems.append(Problem(".", "archive-metadata",
                                f"{front} bytes before the archive's first entry (a "
                                "self-extracting stub, or bytes added before its central "
                                "directory); a corpuskit archive starts with its first entry"))
    streamed = sum(1 for flag_bits in infos.flag_bits() if flag_bits & _DATA_DESCRIPTOR)
    if streamed:
        # The verb agrees with those that have one, the noun with the entries (QA: "1 of
        # its 14 entry has").
        entries = "entry" if len(infos) == 1 else "entries"
        has = "has" if streamed == 1 else "have"
        problems.append(Problem(".", "archive-metadata",
                                f"{streamed} of its {len(infos)} {entries} {has} a data "
                                "descriptor after the data (flag 3: an archive written to a "
                                "stream), which a corpuskit archive has not"))
    return problems


@dataclass(frozen=True)
class _EntriesEnd:
    """Where the comparison of an archive's entries ended, for that of its end records."""

    offset: int  # where the entries end (the central directory should start there)
    position: int  # where the end records start in the central directory and after
    #: Where the central directory starts by the last entry's local header's compressed
    #: size, where it and its central directory record disagree on it (else None).
    besides: int | None
    #: The first central directory record that differs from the reproducible form.
    tail_problem: Problem | None


def _entry_steps(source: ZipSource, tail: _Window, date_time: DateTime,
                 problems: list[Problem], disputed: dict[str, int] | None
                 ) -> Generator[None, None, _EntriesEnd]:
    """Each entry's local header and central directory record (read through ``tail``)
    against the reproducible form, adding their problems to ``problems`` (and to
    ``disputed``), pausing after every :data:`STEP_ENTRIES` entries; returns where the
    entries ended. One loop of locals, run once per entry: a call for each entry is
    made only where its headers are not as corpuskit writes them."""
    infos, directory = source.entries, source.directory
    front = directory.prefix
    offset, position = front, 0
    tail_problem: Problem | None = None
    moved = False
    # Where the entry after one whose headers disagree on its compressed size starts by
    # its local header's (by the central directory's, it starts at ``offset``): there, it
    # is not "moved" (QA: a changed central directory record moved every entry after it)
    besides: int | None = None
    # The entries' columns, not a Member of each (made on demand: MemberTable).
    for number, (name, file_size, compress_size, crc, header_offset, flag_bits,
                 name_length) in enumerate(zip(
            infos.names(), infos.file_sizes(), infos.compress_sizes(), infos.crcs(),
            infos.header_offsets(), infos.flag_bits(), infos.name_lengths(), strict=True), 1):
        if not number % STEP_ENTRIES:
            yield
        # A name not marked UTF-8 (flag 11) is read as code page 437, and the reproducible
        # form writes what that reads as UTF-8: said as such, and the entries after it
        # looked for past the name as stored (QA: 4 bytes more in the reproducible form
        # made the next entry "moved ... a data descriptor, an extra field").
        longer, not_utf8 = 0, ""
        if not name.isascii() and not flag_bits & _UTF8_NAME:
            longer, not_utf8 = _read_as_code_page_437(name, name_length)
        if name.endswith("/"):
            problems.append(Problem(name, "archive-metadata",
                                    "a folder entry; corpuskit archives hold files only"))
        expected = member_info(name, date_time, size=file_size,
                               compress_size=compress_size, crc=crc)
        local = local_header(expected)
        if header_offset == besides:
            offset = header_offset
        elif header_offset != offset and 0 <= header_offset < directory.offset:
            # Said once, and each entry then looked at where the archive has it (QA: a
            # data descriptor or extra field moved every later entry, each of which was
            # said to have "no local header here").
            if not moved:
                problems.append(_moved_problem(name, number, header_offset, offset))
                moved = True
            offset = header_offset
        actual = source.read_at(offset, len(local))
        besides = None
        if actual != local:
            besides = _local_header_problems(
                _LocalHeaderMismatch(name, offset, header_offset, directory.offset + position,
                                     actual, local, longer, not_utf8),
                {"CRC-32": crc, "compressed size": compress_size,
                 "uncompressed size": file_size}, problems, disputed)
            renamed = _local_unicode_path_problem(source, number - 1, name, offset, actual)
            if renamed is not None:
                problems.append(renamed)
        record = central_record(expected, offset - front)
        got = tail.read(position, len(record))
        if tail_problem is None and got != record:
            tail_problem = _central_record_problem(name, got, record, not_utf8)
        position += len(record) - longer
        offset += len(local) - longer + compress_size
    return _EntriesEnd(offset, position, besides, tail_problem)


def _read_as_code_page_437(name: str, name_length: int) -> tuple[int, str]:
    """For an entry whose ``name`` is not ASCII and not marked UTF-8 (stored in
    ``name_length`` bytes): how many bytes longer its name is in the reproducible form,
    and the words that say why, added to its problems."""
    return (len(name.encode("utf-8", "surrogateescape")) - name_length,
            "; its name is not marked UTF-8 (flag 11), so it is read as code page 437")


def _moved_problem(name: str, number: int, header_offset: int, offset: int) -> Problem:
    """The problem of the first entry (the ``number``-th, named ``name``) whose local
    header is at ``header_offset``, not at ``offset`` where the reproducible form has it:
    the entries after it are moved too."""
    # Before the first entry, nothing of the archive's own comes: bytes put
    # before it (a self-extractor's stub) are named so (QA: blamed on a data
    # descriptor or an extra field).
    why = (f": {header_offset - offset} bytes precede the archive's first "
           "entry (put before it: a self-extractor's stub, or a file joined in "
           "front of it)" if number == 1 and header_offset > offset
           else " (bytes added or removed before it: a data descriptor, an "
                "extra field)")
    return Problem(name, "archive-metadata",
                   f"the local header is at byte {header_offset}, "
                   f"where the reproducible form has byte {offset}, and "
                   f"the entries after it are moved too{why}")


@dataclass(frozen=True)
class _LocalHeaderMismatch:
    """An entry whose local header is not the reproducible form's."""

    name: str
    offset: int  # where it is looked at
    header_offset: int  # where its central directory record says it is
    central_at: int  # where its central directory record is
    actual: bytes  # the archive's bytes there
    local: bytes  # the reproducible form's local header
    longer: int  # how much longer the name is in the reproducible form
    not_utf8: str  # the words on a name not marked UTF-8, or ""


def _local_header_problems(entry: _LocalHeaderMismatch, central: dict[str, int],
                           problems: list[Problem], disputed: dict[str, int] | None
                           ) -> int | None:
    """Adds to ``problems`` those of an ``entry`` whose local header differs from the
    reproducible form (``central``: its central directory record's CRC-32 and sizes, by
    field name): where the two disagree, then the fields that differ; records in
    ``disputed`` the uncompressed size its local header gives, if another. Returns where
    the next entry starts by its local header's compressed size, if that is another, else
    None."""
    name, offset, actual, local = entry.name, entry.offset, entry.actual, entry.local
    besides = None
    fields = _fields(LOCAL, _LOCAL_FIELDS, actual, local)
    here = entry.header_offset == offset or actual[:4] == LOCAL_SIGNATURE
    shared = [field for field in fields if field in _SHARED] \
        if actual[:4] == LOCAL_SIGNATURE else []
    if shared:
        problems.append(_disagreement(name, offset, entry.central_at, actual, central, shared))
        fields = [field for field in fields if field not in _SHARED]
        values = LOCAL.unpack_from(actual)
        if "compressed size" in shared:
            besides = offset + len(local) - entry.longer + values[_SHARED["compressed size"]]
        if "uncompressed size" in shared and disputed is not None:
            disputed[name] = values[_SHARED["uncompressed size"]]
    where = "no local header here" if not here else ", ".join(fields)
    if fields:
        problems.append(Problem(name, "archive-metadata",
                                f"local header at byte {offset} differs from the "
                                f"reproducible form ({where}{entry.not_utf8})"))
    return besides


def _local_unicode_path_problem(source: ZipSource, index: int, name: str, offset: int,
                                actual: bytes) -> Problem | None:
    """``unsafe-path`` for the entry ``index`` (``name``) whose local header, at byte
    ``offset`` and beginning with ``actual``, holds an Info-ZIP Unicode Path extra field
    (0x7075) that names it otherwise than its header (:func:`unicode_path_reason`), unless
    its central directory record holds the same fields (the entry is refused for those
    already: said once). corpuskit writes no extra field, so this is read only where a
    local header has one."""
    if actual[:4] != LOCAL_SIGNATURE or len(actual) < LOCAL.size:
        return None
    name_length, extra_length = LOCAL.unpack_from(actual)[10:12]
    if not extra_length:
        return None
    fields = unicode_path_fields(source.read_at(offset + LOCAL.size + name_length,
                                                extra_length))
    if not fields or fields == source.entries.unicode_paths().get(index, ()):
        return None
    reason = unicode_path_reason(source.entries.member(index, name), fields, local=True)
    return Problem(name, "unsafe-path", reason) if reason is not None else None


def _central_record_problem(name: str, got: bytes, record: bytes, not_utf8: str) -> Problem:
    """The problem of the entry ``name`` whose central directory record is ``got``, not
    the reproducible form's ``record``."""
    differing = ", ".join(_fields(CENTRAL, _CENTRAL_FIELDS, got, record))
    return Problem(name, "archive-metadata",
                   f"central directory record differs from the reproducible "
                   f"form ({differing}{not_utf8})")


def _end_problem(source: ZipSource, tail: _Window, ended: _EntriesEnd) -> Problem | None:
    """The problem of where the entries of ``source`` end (``ended``) and of what follows
    them: the central directory not where they end, else the first central directory
    record that differs, else the archive's end not where the end records and seal end,
    or the end records not the reproducible form's; None if none (or if the archive has
    no seal at all: the seal check reports it)."""
    directory, position, offset = source.directory, ended.position, ended.offset
    if directory.offset == ended.besides:
        offset = ended.besides
    end = end_records(len(source.entries), position, offset - directory.prefix, SEAL_BYTES)
    if directory.offset != offset:
        return Problem(".", "archive-metadata",
                       f"the central directory starts at byte {directory.offset}, "
                       f"the entries end at byte {offset} (bytes added, removed or "
                       "moved)")
    if ended.tail_problem is not None:
        return ended.tail_problem
    if tail.read(position, len(end) + 1) == end[:-2] + b"\0\0":
        return None  # no seal at all: the seal check reports it
    if tail.size != position + len(end) + SEAL_BYTES:
        off = tail.size - position - len(end) - SEAL_BYTES
        return Problem(".", "archive-metadata",
                       f"the archive ends {counted(abs(off), 'byte')} "
                       f"{'past' if off > 0 else 'short of'} where its end record and "
                       f"{SEAL_BYTES}-byte seal should end (bytes added or removed, "
                       "or another comment)")
    if tail.read(position, len(end)) != end:
        return Problem(".", "archive-metadata",
                       "the end-of-central-directory record differs from the "
                       "reproducible form")
    return None
