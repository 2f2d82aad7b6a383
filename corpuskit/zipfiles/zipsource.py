"""A package archive read in place (:class:`ZipSource`): the archive and each of its
entries checked against :class:`ArchiveLimits` and refused when unsafe or corrupt, then
members opened one at a time by relative path."""

from __future__ import annotations

import errno
import os
import stat
import struct
import weakref
import zipfile
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import groupby, islice
from pathlib import Path
from typing import IO, Any, overload

from ..errors import InputError
from ..membernames import unsafe_member_reason
from ..names import collision_problems
from ..packagesource import DESCRIPTOR, PackageSource
from ..problems import Problem, problem_order
from ..schemacheck import shown_value
from ..wording import shown_name
from .memberstream import ArchiveClosed, MemberStream
from .zipdirectory import (
    ArchiveReadError,
    CentralDirectory,
    Member,
    MemberTable,
    TooManyEntries,
    UnicodePath,
    member_name_bytes,
    read_central_directory,
    read_members,
)
from .zipformat import LOCAL, LOCAL_SIGNATURE


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

    max_members: int = 2_000_000
    max_total_bytes: int = 1 << 40
    max_ratio: float = 200.0
    ratio_floor_bytes: int = 256 << 20
    max_central_directory_bytes: int = 256 * 1024**2


DEFAULT_LIMITS = ArchiveLimits()
#: The flag of an entry whose sizes and CRC-32 follow its data (a data descriptor).
_DATA_DESCRIPTOR = 0x08
_LOCAL_HEADER_BYTES = 30
_SUPPORTED_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
#: A member compressed to at most this many bytes is read with its local header, in one call.
_READ_WITH_HEADER = 1 << 16


def _unix_mode(info: Member) -> int:
    return (info.external_attr >> 16) & 0xFFFF if info.create_system == 3 else 0


def _undecodable_name(exc: UnicodeDecodeError) -> str:
    """An entry name flagged UTF-8 (bit 11) that is not, in words: the name with escapes
    for its bytes that are not UTF-8, and the first of them (the codec's own words named no
    entry: "can't decode byte 0xff in position 33", QA)."""
    name = bytes(exc.object)
    first = name[exc.start:exc.start + 1]
    return (f"the entry name '{name.decode('utf-8', 'backslashreplace')}' is marked as UTF-8 "
            f"(flag bit 11) but is not (byte {exc.start + 1} of the name is {first!r}); "
            "zipfile refuses it too: the archive was damaged or made by a faulty tool")


def unicode_path_reason(info: Member, fields: tuple[UnicodePath, ...], *,
                        local: bool = False) -> str | None:
    """Why the entry ``info``, whose central directory record holds the Info-ZIP Unicode
    Path extra fields ``fields`` (0x7075), is refused, or None when each of them names it
    as its header does. ``local``: the fields are its local header's, not its central
    directory record's (a tool that reads the local headers follows them: libarchive's
    bsdtar 3.6 listed and extracted an entry under such a field's name, whether it read
    the archive from a file or as a stream; unzip and zipfile read the central ones only).

    An extractor that reads the field writes the entry where the field says (unzip did:
    ``../../evil.txt`` was extracted as ``evil.txt`` out of the folder it was told, QA), so
    a name in it is judged by the rule of a header's name (:func:`unsafe_member_reason`),
    and any other name than the header's is refused too: corpuskit never writes the field,
    so one that renames the entry was put there to extract it elsewhere than where the
    package's manifests and checks say. One that names the entry as its header does
    changes nothing an extractor writes; the archive's structure check reports it, as any
    extra field (``archive-metadata``)."""
    for field in fields:
        try:
            name = field.name.decode("utf-8")
        except UnicodeDecodeError:
            name = field.name.decode("utf-8", "backslashreplace")
            why = "in bytes that are not UTF-8"
        else:
            if name == info.filename:
                continue
            reason = unsafe_member_reason(name[:-1] if name.endswith("/") else name)
            why = (f"an unsafe path ({reason})" if reason
                   else f"another name than its header's '{info.filename}'")
        if local:
            told = (f"the Unicode Path extra field (0x7075) of its local header names it "
                    f"'{name}', {why}: libarchive (bsdtar) extracts the entry under that "
                    "name instead of its header's, though its central directory record has "
                    "no such field")
        else:
            told = (f"its Unicode Path extra field (0x7075) names it '{name}', {why}: unzip, "
                    "libarchive and Python's zipfile (from 3.12) extract the entry under that "
                    "name instead of its header's")
        if field.version != 1 or field.name_crc != zlib.crc32(member_name_bytes(info)):
            told += (" (a tool that checks the field's version and CRC-32 skips this one, "
                     "they not matching the header's name; one that checks neither follows "
                     "it)" if local else
                     " (these three skip this one, its version or CRC-32 not matching the "
                     "header's name; a tool that checks neither follows it)")
        return (f"{told}; corpuskit never writes the field, so the archive was changed to "
                "extract this entry elsewhere than its manifests say")
    return None


class ZipSource(PackageSource):
    """A package archive: every member under one top folder ``<name>-<version>/``.

    The archive is read in place and never extracted. Its end records and central directory
    are checked against :class:`ArchiveLimits` as they are read (entry by entry, as zipfile
    reads them: :func:`~corpuskit.zipfiles.zipdirectory.read_members`); then every entry is
    checked: names that are absolute, hold ``..``, backslashes or control characters,
    entries that an Info-ZIP Unicode Path extra field of their central directory record
    names otherwise (:func:`unicode_path_reason`; one only in a local header, which this
    class does not read, validate's structure check reports), symbolic links and other
    special files, duplicates, entries outside the single top folder, encrypted entries,
    compression other than stored or deflated, overlapping entries and entries beyond the
    size or ratio limits are refused (never readable through :meth:`open`). With ``strict``
    (the default) any refused entry raises :class:`InputError`; otherwise they are listed in
    :attr:`problems` (for ``validate``). A garbage, empty or truncated file, or one beyond
    the archive-wide limits, always raises :class:`InputError` with an ``archive-error``
    problem, and so does a path that is no regular file: a pipe, socket or device is refused
    at once, never waited on. ``follow_links`` False refuses a symbolic link too (the
    releases found in an output folder are files of their own, :mod:`corpuskit.dist`).
    Members are inflated by :class:`MemberStream` in bounded chunks.

    It pickles (and copies) as its path and settings, never its open file: unpickled, the
    archive is opened again by that path (made absolute when it was first opened), and
    checked again as it is then (a :class:`~corpuskit.Corpus` loaded verified refuses an
    archive changed since). A worker process of ``multiprocessing`` (spawn), a PyTorch
    DataLoader worker, takes a corpus read from an archive so (QA: "cannot pickle
    '_io.BufferedReader' object").
    """

    def __init__(self, path: Path, *, strict: bool = True,
                 limits: ArchiveLimits = DEFAULT_LIMITS, follow_links: bool = True) -> None:
        self.location = path
        self.limits = limits
        self._strict = strict
        self._follow_links = follow_links
        #: Where it is opened again when unpickled: the working folder may change.
        self._absolute = path.absolute()
        self.name = path.stem
        self.problems: tuple[Problem, ...] = ()
        #: 1 for each entry that is one of the package's files (neither refused, nor a
        #: folder, nor outside its top folder), found by name in :attr:`entries`: a byte an
        #: entry, where a dict of them by name took about 100.
        self._is_file = bytearray()
        self._prefix = ""
        self._handle: IO[bytes] | None = None
        #: Every central directory entry, in directory order (refused ones too).
        self.entries = MemberTable().finish()
        #: The package's files (relative to its top folder) whose entries were refused:
        #: present, but never read (their problems say why), so not "absent" either.
        self.refused: frozenset[str] = frozenset()
        try:
            self.directory = self._open(path)
            problems = self._check_members()
        except BaseException:
            self.close()
            raise
        self.problems = tuple(problems)
        if strict and problems:
            self.close()
            # The archive as given (QA: its name alone did not say which of several
            # copies of a release was refused).
            raise InputError(problems, f"{shown_name(path)} holds unsafe or corrupt "
                                       "entries; it was not read")

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
            raise self._fatal(f"cannot be read: {exc.strerror or exc}") from None
        try:
            regular = stat.S_ISREG(os.fstat(fd).st_mode)
        except OSError as exc:
            os.close(fd)
            raise self._fatal(f"cannot be read: {exc.strerror or exc}") from None
        if not regular:
            os.close(fd)
            raise self._fatal("not a regular file (a folder, pipe, socket or device); "
                              "never read")
        handle: IO[bytes] = os.fdopen(fd, "rb")
        self._handle = handle
        # Closed when this object goes, if close() was not called (a corpuskit.load()
        # read without ``with``), as zipfile.ZipFile closes its file: quietly, with no
        # ResourceWarning for a handle the caller never saw.
        weakref.finalize(self, handle.close)
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
            if directory.entries > limits.max_members:  # what its end record says
                raise self._fatal(f"its end record declares {directory.entries} entries, "
                                  f"more than {limits.max_members}; refused as a possible "
                                  "zip bomb")
        except ArchiveReadError as exc:
            raise self._fatal(str(exc)) from None
        except OSError as exc:
            raise self._fatal(f"cannot be read: {exc.strerror or exc}") from None
        try:
            self.entries = read_members(handle, directory, limits.max_members)
        except TooManyEntries:  # whatever the end record declares
            raise self._fatal(f"more than {limits.max_members} entries; refused as a "
                              "possible zip bomb") from None
        except ArchiveReadError as exc:  # where zipfile raises BadZipFile
            raise self._fatal(f"not a readable zip archive: {exc}") from None
        except UnicodeDecodeError as exc:  # a name flagged UTF-8 that is not
            raise self._fatal(f"not a readable zip archive: {_undecodable_name(exc)}") from None
        except OSError as exc:
            raise self._fatal(f"cannot be read: {exc.strerror or exc}") from None
        declared = sum(self.entries.file_sizes())
        if declared > limits.max_total_bytes:
            raise self._fatal(f"entries declare {declared} bytes uncompressed, over the limit "
                              f"of {limits.max_total_bytes}; refused as a possible zip bomb")
        if declared > limits.ratio_floor_bytes and declared > limits.max_ratio * file_size:
            raise self._fatal(f"entries declare {declared} bytes uncompressed from a "
                              f"{file_size}-byte archive (ratio over {limits.max_ratio:g}); "
                              "refused as a possible zip bomb")
        return directory

    def _check_members(self) -> list[Problem]:
        """The problems of the archive's entries, in :func:`problem_order`: those of each
        refused entry (named relative to the package's top folder unless unsafe), then
        the names that merge when extracted. Sets :attr:`name` (the package's top
        folder), :attr:`refused` and the package's files found by :meth:`_files`."""
        infos = self.entries
        count = len(infos)
        refusals = _Refusals(infos)
        self._refuse_duplicate_names(refusals)
        self._refuse_unsafe_entries(refusals)
        self._refuse_overlapping_entries(refusals)
        refused = refusals.marks
        self.name = self._top_folder(refused)
        prefix = self.name + "/"
        cut = len(prefix)
        refusals.problems = _relative_to_top(refusals.problems, prefix)
        self.refused = frozenset(infos.name(index)[cut:] for index in range(count)
                                 if refused[index] and infos.name(index).startswith(prefix))
        self._is_file = self._refuse_outside_top(refusals, prefix)
        self._prefix = prefix
        problems = refusals.problems
        # Names that merge when extracted on many filesystems: reported as a package
        # folder's are (relative to the package, by the same rule), the members kept. The
        # names are made each time they are gone through (a list of them held 90 MB more at
        # a million entries; going through them takes 14 ms at 100,000).
        problems.extend(collision_problems(_Names(self._files, self._is_file.count(1))))
        problems.sort(key=problem_order)
        return problems

    def _refuse_duplicate_names(self, refusals: _Refusals) -> None:
        """Refuses (in ``refusals``) every entry whose name another entry has too, with
        one problem for each such name, in the order of names; returns nothing."""
        infos = self.entries
        refused, problems = refusals.marks, refusals.problems
        # Names given twice are next to each other in the order of names (a set of every
        # name took 60 bytes an entry); there are none when the names ascend.
        if not infos.ascending:
            for _, named in groupby(infos.by_name(), key=infos.name_bytes):
                indexes = list(named)
                if len(indexes) > 1:
                    for index in indexes:
                        refused[index] = 1
                    problems.append(Problem(infos.name(indexes[0]), "unsafe-path",
                                            f"{len(indexes)} entries have this name; which "
                                            "one a tool extracts is undefined"))

    def _refuse_unsafe_entries(self, refusals: _Refusals) -> None:
        """Refuses (in ``refusals``), in directory order, each entry not yet refused whose
        name is unsafe, that is a link or special file, or (a file) that is encrypted,
        compressed otherwise than stored or deflated, over the size or ratio limits, or
        stored with two sizes; returns nothing. One loop of locals, run once per entry."""
        limits = self.limits
        infos = self.entries
        refused, refuse = refusals.marks, refusals.refuse
        renamed = infos.unicode_paths()  # (empty in an archive corpuskit writes)
        for index, info in enumerate(infos):
            if refused[index]:
                continue
            raw_name = info.orig_filename
            reason = unsafe_member_reason(raw_name[:-1] if raw_name.endswith("/") else raw_name)
            if reason:
                refuse(index, "unsafe-path", f"unsafe entry name: {reason}")
                continue
            if renamed and index in renamed:
                reason = unicode_path_reason(info, renamed[index])
                if reason:
                    refuse(index, "unsafe-path", reason)
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

    def _refuse_overlapping_entries(self, refusals: _Refusals) -> None:
        """Refuses (in ``refusals``), in the order of their offsets, each entry not yet
        refused whose data overlaps the next entry or the central directory; returns
        nothing."""
        infos = self.entries
        count = len(infos)
        refused, refuse = refusals.marks, refusals.refuse
        # Entries whose data overlaps the next entry or the central directory: quoted-overlap
        # zip bombs point many entries at one compressed stream. The entries are in the
        # order of their offsets as an archive is written; otherwise they are sorted by it.
        offsets, sizes = infos.header_offsets(), infos.compress_sizes()
        name_lengths = infos.name_lengths()
        ordered: Sequence[int] = range(count)
        if any(offset >= following
               for offset, following in zip(offsets, islice(offsets, 1, None), strict=False)):
            ordered = array("Q", sorted(range(count), key=offsets.__getitem__))
        for position, index in enumerate(ordered):
            end = offsets[index] + _LOCAL_HEADER_BYTES + name_lengths[index] + sizes[index]
            following = (offsets[ordered[position + 1]] if position + 1 < count
                         else self.directory.offset)
            if not refused[index] and end > following:
                named = self._local_name_refusal(index, following)
                if named is not None:
                    refuse(index, *named)
                else:
                    refuse(index, "archive-error", self._overlap_reason(index, following))

    def _local_name_refusal(self, index: int, following: int) -> tuple[str, str] | None:
        """The refusal of entry ``index`` whose local header names another file than its
        central directory record, a shorter name (the entry then seems to overlap what
        follows: its data is placed by the record's name), or None if it names the same,
        or if its data placed by its local header still runs past byte ``following`` (a
        quoted-overlap bomb's entries point at one header: what they are is an overlap).
        A local name that is no safe path is ``unsafe-path``: a streaming extractor
        (bsdtar, a reader of the entries in order) writes the file where the local header
        says (QA s95: ``../../evil.txt`` there was told as an overlap, "corrupt, or a zip
        bomb")."""
        offset = self.entries.header_offsets()[index]
        try:
            header = self.read_at(offset, LOCAL.size)
            if len(header) < LOCAL.size or header[:4] != LOCAL_SIGNATURE:
                return None
            length, extra = LOCAL.unpack_from(header)[10:12]  # the name's and extra's
            local = self.read_at(offset + LOCAL.size, length)
        except OSError:
            return None
        if len(local) != length or local == member_name_bytes(self.entries.member(index)) \
                or offset + LOCAL.size + length + extra \
                + self.entries.compress_sizes()[index] > following:
            return None
        read = local.decode("utf-8", "replace")
        unsafe = unsafe_member_reason(read.rstrip("/"))
        said = (f"its local header at byte {offset} names {shown_value(read)}, not the file "
                "its central directory record names (corrupt or forged)")
        if unsafe is not None:
            return "unsafe-path", (f"{said}: {unsafe}, which a reader of the local headers "
                                   "would write outside the package")
        return "archive-error", said

    def _top_folder(self, refused: bytearray) -> str:
        """The name of the package's top folder, given the entries ``refused`` (1 for
        each): the one folder at the archive's top holding a package's marker, else the
        folder at its top holding the most entries (the first by name of those) where no
        file is beside it, else :attr:`name` as it is (the archive's name)."""
        infos = self.entries
        tops: Counter[str] = Counter()
        for index, name in enumerate(infos.names()):
            top, slash, _ = name.partition("/")
            if slash and not refused[index]:
                tops[top] += 1
        if not tops:  # every entry refused (QA: each of another compression): their
            # folder all the same, so that the files a package holds are not said missing
            for name in infos.names():
                top, slash, _ = name.partition("/")
                if slash and top not in ("", ".", "..") and not unsafe_member_reason(name):
                    tops[top] += 1
        markers = sorted(top for top in tops if infos.find(f"{top}/{DESCRIPTOR}") >= 0
                         or infos.find(f"{top}/bagit.txt") >= 0)
        # Files at the archive's top beside a folder and no package's marker: that folder
        # is one of the files' (data/), not a package's top, which keeps the archive's
        # name, and each entry is named as the archive has it (QA s78: data/documents.parquet
        # of a zip without a top folder was shown as documents.parquet).
        at_top = any("/" not in name and not refused[index]
                     for index, name in enumerate(infos.names()))
        if len(markers) == 1:
            return markers[0]
        if tops and not at_top:
            return min(tops, key=lambda t: (-tops[t], t))
        return self.name

    def _refuse_outside_top(self, refusals: _Refusals, prefix: str) -> bytearray:
        """Refuses (in ``refusals``) each entry not yet refused outside the top folder
        ``prefix``; returns 1 for each entry that is one of the package's files (neither
        refused, nor a folder, nor outside its top folder), 0 for the others."""
        infos = self.entries
        refused, refuse = refusals.marks, refusals.refuse
        is_file = bytearray(len(infos))
        for index, name in enumerate(infos.names()):
            if refused[index] or name == prefix:
                continue
            if not name.startswith(prefix):
                refuse(index, "unsafe-path",
                       f"outside the package's top folder {prefix}; a package archive holds "
                       "one folder")
                continue
            if not name.endswith("/"):
                is_file[index] = 1
        return is_file

    def _overlap_reason(self, index: int, following: int) -> str:
        """Why the entry ``index``, whose data as its central directory record gives its
        compressed size overlaps what follows it (at byte ``following``), is refused. Where
        its local header gives another compressed size, with which it ends in time, the
        two headers disagree, and that is what is told, as validate tells headers that
        disagree on a size that overlaps nothing (QA: a central directory's compressed
        size made larger was told as an overlap, "corrupt, or a zip bomb", where one made
        smaller was told as the two headers disagreeing)."""
        overlap = ("entry data overlaps another entry or the central directory (corrupt, "
                   "or a zip bomb)")
        infos = self.entries
        offset = infos.header_offsets()[index]
        try:
            header = self.read_at(offset, LOCAL.size)
        except OSError:
            return overlap
        if len(header) < LOCAL.size or header[:4] != LOCAL_SIGNATURE:
            return overlap
        values = LOCAL.unpack_from(header)
        flags, crc, compressed, size, name_length, extra_length = values[3], *values[7:]
        # A data descriptor's entry has no sizes in its local header, a zip64 one has them
        # in its extra field: nothing to compare them with.
        if flags & _DATA_DESCRIPTOR or compressed == 0xFFFFFFFF \
                or compressed == infos.compress_sizes()[index] \
                or offset + LOCAL.size + name_length + extra_length + compressed > following:
            return overlap

        def shown(field: str, value: int) -> str:
            return f"{value:#010x}" if field == "CRC-32" else str(value)

        pairs = [("CRC-32", infos.crcs()[index], crc),
                 ("compressed size", infos.compress_sizes()[index], compressed),
                 ("uncompressed size", infos.file_sizes()[index], size)]
        told = "; ".join(f"{field} {shown(field, central)} in the central directory, "
                         f"{shown(field, local)} in the local header"
                         for field, central, local in pairs if central != local)
        return (f"its central directory record and its local header at byte {offset} "
                f"disagree ({told}): corpuskit writes the same values in both, so one of "
                "them was changed, which the headers cannot tell; read as the central "
                "directory says, its data would overlap what follows it, so it is not read")

    def _files(self, order: Iterable[int] | None = None) -> Iterator[str]:
        """The package's files (relative to its top folder), in the directory's order or
        in ``order`` (indexes of entries)."""
        cut, is_file, infos = len(self._prefix), self._is_file, self.entries
        if order is None:
            yield from infos.names(cut, is_file)
        else:
            for index in order:
                if is_file[index]:
                    yield infos.name(index)[cut:]

    def _index(self, name: str) -> int:
        """The index of the entry of the package's file ``name`` (its name in the
        archive), or -1 when it has none."""
        index = self.entries.find(name)
        return index if 0 <= index < len(self._is_file) and self._is_file[index] else -1

    def files(self) -> list[str]:
        return list(self.file_names())

    def file_names(self) -> Iterator[str]:
        """The package's files (relative to its top folder) in the order of their names,
        as :meth:`files` lists them: each name made as it is gone through, none kept (a
        list of them held 8 MB at 100,000 entries)."""
        # (One top folder: the names in the archive sort as the names in the package.)
        order = self.entries.by_name()
        return self._files(None if isinstance(order, range) else order)

    @property
    def ascii_names(self) -> bool:
        """Whether every entry's name is ASCII."""
        return self.entries.ascii

    def info(self, rel: str) -> Member:
        name = self._prefix + rel
        index = self._index(name)
        if index < 0:
            raise KeyError(name)
        return self.entries.member(index, name)

    def size(self, rel: str) -> int:
        index = self._index(self._prefix + rel)
        if index < 0:
            raise KeyError(self._prefix + rel)
        return self.entries.file_sizes()[index]

    def _fileno(self) -> int:
        """The open archive's descriptor; a closed one is refused as Python refuses I/O
        on a closed file (an ``assert`` vanished under ``python -O``): a ``ValueError``,
        :class:`~corpuskit.zipfiles.memberstream.ArchiveClosed`."""
        if self._handle is None:
            raise ArchiveClosed(f"I/O operation on {self.location}, which is closed; open "
                                "it again (corpuskit.load) to read it")
        return self._handle.fileno()

    def status(self) -> os.stat_result:
        """The status (``os.fstat``) of the archive file open here, the one every member is
        read from, whatever file its path names now."""
        return os.fstat(self._fileno())

    def read_at(self, offset: int, size: int) -> bytes:
        """Raw bytes of the archive file (for checks of its structure)."""
        return os.pread(self._fileno(), size, offset)

    def open(self, rel: str) -> IO[bytes]:
        """A stream of one member; errors while reading raise :class:`ArchiveReadError`."""
        name = self._prefix + rel
        index = self._index(name)
        if index < 0:
            raise FileNotFoundError(rel)
        info = self.entries.member(index, name)
        expected_name = member_name_bytes(info)
        # A small member is read with its header in one call (corpuskit writes no extra
        # field); the data read is used only if it is where the header says it starts.
        small = info.compress_size <= _READ_WITH_HEADER
        start = _LOCAL_HEADER_BYTES + len(expected_name)
        block = self.read_at(info.header_offset,
                             start + (info.compress_size if small else 0))
        header = block[:_LOCAL_HEADER_BYTES]
        if len(header) != _LOCAL_HEADER_BYTES or header[:4] != LOCAL_SIGNATURE:
            raise ArchiveReadError("no local header where the central directory says "
                                   "(corrupt)", info.filename)
        name_len, extra_len = struct.unpack_from("<2H", header, 26)
        # A name of another length, or cut short by the end of the file, differs too.
        if block[_LOCAL_HEADER_BYTES:_LOCAL_HEADER_BYTES + name_len] != expected_name:
            raise ArchiveReadError("its local header names another file (corrupt or forged)",
                                   info.filename)
        data_offset = info.header_offset + _LOCAL_HEADER_BYTES + name_len + extra_len
        if data_offset + info.compress_size > self.directory.offset:
            raise ArchiveReadError("its data runs into the central directory (corrupt)",
                                   info.filename)
        read = block[start:] if small and not extra_len and info.compress_size \
            and len(block) == start + info.compress_size else b""
        # Its descriptor asked for at each read: a member read on after close() is refused
        # then, never read through the number another file took since.
        stream = MemberStream(self._fileno, info, data_offset, read)
        return stream  # type: ignore[return-value]

    def exists(self, rel: str) -> bool:
        return self._index(self._prefix + rel) >= 0

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its path and settings; see the class."""
        return (_reopened, (self.location, self._absolute, self._strict, self.limits,
                            self._follow_links, self._handle is None))



class _Refusals:
    """The entries of an archive refused as they are checked (:attr:`marks`) and the
    problems saying why, in the order they were found."""

    def __init__(self, infos: MemberTable) -> None:
        self._infos = infos
        #: 1 for each entry refused (a set of their indexes took 60 bytes each).
        self.marks = bytearray(len(infos))
        self.problems: list[Problem] = []

    def refuse(self, index: int, code: str, message: str) -> None:
        """Refuses the entry ``index``, its problem (``code``, ``message``) named as the
        archive has it; returns nothing."""
        self.marks[index] = 1
        self.problems.append(Problem(self._infos.orig_filename(index), code, message))


def _relative_to_top(problems: list[Problem], prefix: str) -> list[Problem]:
    """``problems`` with those of the package's files named relative to its top folder
    ``prefix``: a new list, in the same order."""
    cut = len(prefix)
    # A refused member of the package is named as the package's files are, relative
    # to its top folder (QA: 'x-1.0.0/README.md' beside 'CHANGELOG.md'); an unsafe
    # name stays as the archive has it, the top folder and all.
    return [replace(problem, path=problem.path[cut:])
            if problem.path.startswith(prefix) and len(problem.path) > cut
            and not unsafe_member_reason(problem.path) else problem
            for problem in problems]

def _reopened(location: Path, absolute: Path, strict: bool, limits: ArchiveLimits,
              follow_links: bool, closed: bool) -> ZipSource:
    """A pickled :class:`ZipSource`: its archive opened again at ``absolute`` (closed
    again if it was closed), named ``location`` as it was given."""
    source = ZipSource(absolute, strict=strict, limits=limits, follow_links=follow_links)
    source.location = location
    if closed:
        source.close()
    return source


class _Names(Sequence[str]):
    """``count`` names, made again each time they are gone through by ``names`` (a
    function that gives an iterator of them): for a function that goes through a long
    list of names a few times and keeps none of them."""

    def __init__(self, names: Callable[[], Iterator[str]], count: int) -> None:
        self._names = names
        self._count = count

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[str]:
        return self._names()

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        return list(self._names())[index]  # (not asked for by collision_problems)
