"""Byte-reproducible zip archives of a package folder, compressed on all cores.

Entries are sorted, carry a fixed time stamp (the release's, or 1980-01-01), fixed
permissions and a fixed creator system, and are deflated by the corpus's compression
(:class:`corpuskit.deflate.Compression`: ISA-L's level 2, or zlib's level 6) in the pieces
:mod:`corpuskit.deflate` defines; every header is what :mod:`zipfile` writes
(:mod:`corpuskit.zipformat`). The members are identical everywhere; the compressed bytes
are identical wherever the same library deflates them (see
:data:`corpuskit.deflate.COMPRESSIONS`), whatever the number of threads, and whether the
build's workers deflated the pieces beforehand (:class:`PreparedPieces`) or this module
deflates them from the folder (in threads: both libraries release the GIL).

Writing is two independent steps: :func:`write_members` writes the entries, the central
directory and the end record; :func:`corpuskit.archiveseal.seal` then makes the archive's
zip comment its seal (the sha256 of every byte before it). :func:`write_zip` does both.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from .archiveseal import FOLLOW_BYTES, FollowingDigest, seal
from .cores import default_jobs
from .crc32 import crc32, crc32_combine
from .deflate import (
    END,
    PIECE_BYTES,
    Compression,
)
from .models import document_id
from .package import RAW_PREFIX
from .zipcopies import COPY_THREADS, Copies, Copy, Entries, ToCopy
from .zipformat import (
    ZIP_EPOCH,
    DateTime,
    EntryHeaders,
    central_record,
    end_records,
    local_header,
    member_info,
    zip_date_time,
)
from .zippieces import (
    CHUNK,
    MANIFEST_MEMBER,
    RECORDS_MEMBER,
    Deflated,
    Piece,
    file_bytes,
    file_chunks,
    file_pieces,
    read_and_deflate,
)
from .zipsegments import (
    Segment,
    entry_batches,
    place_records,
    segment_index_path,
    segment_parts,
    segment_path,
)

#: Pieces compressed or waiting to be written, per thread (bounds memory).
_AHEAD_PER_THREAD = 3
#: Bytes of pieces deflated beforehand that wait to be written, at most (about).
_READY_BYTES = 8 * 1024 * 1024
#: Bytes of the pieces being deflated ahead of the writer, at most (but always one).
_PLANNED_BYTES = 32 * 1024 * 1024


def package_files(folder: Path) -> Iterator[str]:
    """Relative POSIX paths of every file under ``folder``, sorted by code point.

    Streamed one folder at a time (a folder's entries sort as ``name`` for a file and
    ``name/`` for a folder, which orders whole paths by code point), so memory does not grow
    with the number of files. Like :func:`os.walk`: links to folders are not followed and
    folders that cannot be listed are passed over. One generator walks every folder (a
    stack of the folders being listed): a generator per folder passed each of 100,000 names
    up through every folder above it.
    """
    stack = [(folder, "", iter(_entries(folder)))]
    while stack:
        path, prefix, entries = stack[-1]
        for key, is_dir in entries:
            if is_dir:
                below = path / key[:-1]
                stack.append((below, prefix + key, iter(_entries(below))))
                break
            yield prefix + key
        else:
            stack.pop()


def _entries(folder: Path) -> list[tuple[str, bool]]:
    """The entries of ``folder``, sorted: ``(name, False)`` for a file, ``(name + "/", True)``
    for a folder (not a link to one); none if it cannot be listed."""
    try:
        with os.scandir(folder) as entries:
            listed = []
            for entry in entries:
                try:
                    is_dir = entry.is_dir()
                    linked_dir = is_dir and entry.is_symlink()
                except OSError:
                    is_dir = linked_dir = False
                if not linked_dir:
                    listed.append((entry.name + "/" if is_dir else entry.name, is_dir))
    except OSError:
        return []
    listed.sort()
    return listed


def _pieces(folder: Path, prepared: PreparedPieces | None = None, root: str = "",
            date_time: DateTime = ZIP_EPOCH) -> Iterator[Piece | Segment]:
    """The pieces of every file, in order, and the workers' ready segments.

    Where the next files listed are exactly the raw files of a shard whose worker made its
    zip entries for this ``root`` and ``date_time``
    (:func:`~corpuskit.zipsegments.make_segment`), that
    :class:`Segment` comes instead of their pieces; any other file comes in pieces.
    """
    files = package_files(folder)
    unmatched: list[str] = []  # a name read ahead while matching a segment, not in it
    while (rel := unmatched.pop() if unmatched else next(files, None)) is not None:
        segment = prepared.segment_at(rel) if prepared is not None else None
        if segment is None:
            yield from file_pieces(folder, rel, prepared)
            continue
        matched = [rel]
        if segment.root == root and segment.date_time == date_time:
            # The names listed next, taken at once and compared with the segment's in one
            # call; those after a difference go back, in order, to be taken again.
            rest = [entry[0] for entry in segment.entries[1:]]
            listed = list(islice(files, len(rest)))
            if listed == rest:
                assert prepared is not None  # it offered the segment
                prepared.passed(segment)
                yield segment
                continue
            same = next((i for i, (a, b) in enumerate(zip(listed, rest, strict=False)) if a != b),
                        len(listed))
            matched += listed[:same]
            unmatched.extend(reversed(listed[same:]))
        for name in matched:
            yield from file_pieces(folder, name, prepared)


#: Where a piece is in a shard's archive pieces: ``(offset, length, size, crc32)``.
PieceEntry = tuple[int, int, int, int]
#: Where each piece of a shard's records is (``shardpieces.PiecesWriter``).
RecordPieces = tuple[PieceEntry, ...]


def _piece_entry(entry: Any) -> PieceEntry | None:
    if isinstance(entry, list) and len(entry) == 4 \
            and all(type(value) is int for value in entry):
        return entry[0], entry[1], entry[2], entry[3]
    return None


def manifest_entry(index: dict[str, Any]) -> PieceEntry | None:
    """Where a pieces index says the group of its manifest lines is; None if it does not
    say (a shard deflated before that member was) or not as four integers (a piece that
    does not match then is deflated anew)."""
    return _piece_entry(index.get("manifest"))


def records_entry(index: dict[str, Any]) -> RecordPieces | None:
    """Where a pieces index says each piece of its records is; None if it does not say
    it, piece by piece, as four integers each."""
    entries = index.get("records")
    if not isinstance(entries, list) or not entries:
        return None
    pieces = tuple(map(_piece_entry, entries))
    return None if None in pieces else pieces  # type: ignore[return-value]


class WrittenRecords:
    """Where the build wrote the pieces of each shard's records in data/documents.jsonl:
    ``(offset, length, CRC-32)``, taken as it copied them there. When each shard was cut
    as its worker cut it, these are the record groups of the file
    (:func:`~corpuskit.deflate.record_groups`: its blocks are the shards), and a group
    whose worker deflated the very bytes written (same length and CRC) is taken as it is:
    the writer then reads the file neither to cut it into groups nor to take their CRCs
    again."""

    def __init__(self) -> None:
        self.groups: list[tuple[int, int, int]] = []
        #: Each shard's pieces are known.
        self._whole = True

    def add(self, pieces: Sequence[tuple[int, int, int]], *, known: bool = True) -> None:
        """The next shard, written as ``pieces``, each ``(offset, length, crc)``; not
        ``known``: not cut as its worker cut it (then the file is read to find its
        groups)."""
        self._whole = self._whole and known
        self.groups.extend(pieces)

    def record_groups(self, size: int) -> list[tuple[int, int]] | None:
        """The record groups of the file if it is ``size`` bytes, as written; None if they
        cannot be told from the shards (then the file is read to find them)."""
        if not self._whole:
            return None
        groups, end = [], 0
        for offset, length, _ in self.groups:
            if offset != end or length <= 0:
                return None
            groups.append((offset, length))
            end += length
        return groups if groups and end == size else None

    def holds(self, number: int, piece: Piece, crc: int) -> bool:
        """Whether record group ``number`` is ``piece``'s bytes, of CRC ``crc``, as written."""
        return (number < len(self.groups)
                and self.groups[number] == (piece.offset, piece.length, crc))


class WrittenManifest(WrittenRecords):
    """Where the build wrote each shard's lines in the payload manifest, as
    :class:`WrittenRecords` does for the records. After the shards' lines come those of the
    data files (never a raw file's): the manifest's last group
    (:func:`corpuskit.deflate.manifest_groups`)."""

    def record_groups(self, size: int) -> list[tuple[int, int]] | None:
        end = self.groups[-1][0] + self.groups[-1][1] if self.groups else 0
        if not 0 < end < size:
            return None
        groups = super().record_groups(end)
        return [*groups, (end, size - end)] if groups is not None else None


def _raw_id(member: str) -> str:
    """The document id of raw file ``member`` (a package path under data/raw/): the order
    of the shards and of their raw files."""
    return document_id(member[len(RAW_PREFIX):])


class PreparedPieces:
    """Pieces a build's workers deflated already, shard by shard (``shardpieces.PiecesWriter``).

    ``shards`` are the shard files' ``.deflate`` paths in order; each has an index beside it
    (``.deflate.json``), and may have its raw files as zip entries
    (:func:`~corpuskit.zipsegments.make_segment`).
    Shard ``k`` holds the ``k``-th block of data/documents.jsonl (its record groups, in
    order), the raw files of its documents and (if its index says where) the ``k``-th group
    of the payload manifest.
    A piece that does not match what the index says is deflated from the folder instead.

    Raw files are found by name. The zip lists them by path, the shards by document id
    (the path without its extension), and the two orders differ where names share a
    prefix: ``manual-core-adv.html`` comes before ``manual-core.html`` in the zip, after it
    by id, and a folder ``a-b/`` comes before a file ``a.txt``. So the shards' indexes are
    read in order, each only once the zip asks for a raw file whose id may be in it, and
    an entry waits, by name, until the zip gets to it (the ones out of order only: memory
    stays that of a shard or two).

    ``scratch``: the segment files are the build's scratch, removed as soon as they are
    read.
    """

    def __init__(self, shards: Sequence[Path], *, scratch: bool = False,
                 records: WrittenRecords | None = None,
                 groups: Sequence[RecordPieces | None] | None = None,
                 manifest: WrittenManifest | None = None,
                 manifest_groups: Sequence[PieceEntry | None] | None = None
                 ) -> None:
        self.shards = shards
        self.scratch = scratch
        #: Each shard's record groups and group of manifest lines, as its worker said it
        #: placed them in the pieces (the index's ``records`` and ``manifest``), or None
        #: where it did not say: then the index is read.
        self.groups = groups
        self.manifest_groups = manifest_groups
        #: The record groups of the shards looked at so far, in order, with their shard
        #: files; None once a shard's are not known (the rest are deflated anew).
        self._record_groups: list[tuple[Path, PieceEntry]] | None = []
        self._record_shards = 0
        #: Where the build wrote the shards' records and manifest lines, if it says.
        self.written: dict[str, WrittenRecords | None] = {
            RECORDS_MEMBER: records, MANIFEST_MEMBER: manifest}
        #: The groups of each member taken so far.
        self._taken = dict.fromkeys((RECORDS_MEMBER, MANIFEST_MEMBER), 0)
        #: The shard file whose raw pieces are being taken, read whole (a few MB at most).
        self._blob: Path | None = None
        self._blob_bytes = b""
        #: Raw files of the shards read so far that the zip has not taken yet: their shard
        #: file and index entry ``[member, size, crc32, offset, length]``.
        self._waiting: dict[str, tuple[Path, list[Any]]] = {}
        #: The large raw files of the shards read so far, not yet taken whole: their shard
        #: file, size and pieces (``shardpieces.PiecesWriter``).
        self._large: dict[str, tuple[Path, int, list[list[int]]]] = {}
        #: Shards whose indexes were read (a prefix of ``shards``).
        self._read = 0
        #: The raw entries, sorted by name, of the shards read whose segment was not
        #: offered or passed yet.
        self._unoffered: dict[int, list[list[Any]]] = {}
        #: The next shard whose segment may be offered.
        self._segment = 0

    @staticmethod
    def load_index(blob: Path) -> dict[str, Any]:
        data: dict[str, Any] = orjson.loads(blob.with_name(blob.name + ".json").read_bytes())
        return data

    def _read_next(self) -> str | None:
        """Read the next shard's index; the smallest document id it holds (None if it
        holds no raw file)."""
        shard = self._read
        blob = self.shards[shard]
        self._read += 1
        index = self.load_index(blob)
        entries: list[list[Any]] = index["raw"]
        large: list[list[Any]] = index.get("large", [])
        for entry in entries:
            self._waiting[entry[0]] = (blob, entry)
        for member, size, pieces in large:
            self._large[member] = (blob, size, pieces)
        if shard >= self._segment:
            self._unoffered[shard] = sorted(entries)
        ids = [_raw_id(group[0][0]) for group in (entries, large) if group]
        return min(ids) if ids else None

    def _find(self, rel: str) -> None:
        """Read the indexes of the shards that may hold raw file ``rel``: up to the one
        that holds it, or whose first document comes after it (so do all later ones)."""
        if not rel.startswith(RAW_PREFIX):
            return
        wanted = _raw_id(rel)
        while rel not in self._waiting and rel not in self._large \
                and self._read < len(self.shards):
            first = self._read_next()
            if first is not None and first > wanted:
                return

    def raw_size(self, rel: str) -> int | None:
        """The size of raw file ``rel`` if a worker deflated it."""
        self._find(rel)
        waiting = self._waiting.get(rel)
        if waiting is not None:
            size: int = waiting[1][1]
            return size
        large = self._large.get(rel)
        return large[1] if large is not None else None

    def segment_at(self, rel: str) -> Segment | None:
        """The next shard's zip entries if its first raw file by name is ``rel`` (shards
        whose first raw file was passed are passed too: their files come in pieces)."""
        self._find(rel)
        while self._segment < self._read:
            entries = self._unoffered.pop(self._segment, [])
            if entries and entries[0][0] > rel:
                self._unoffered[self._segment] = entries
                return None
            self._segment += 1
            if entries and entries[0][0] == rel:
                return self._load_segment(self._segment - 1, entries)
        return None

    def _load_segment(self, shard: int, entries: list[list[Any]]) -> Segment | None:
        blob = self.shards[shard]
        try:
            index = orjson.loads(segment_index_path(blob).read_bytes())
        except FileNotFoundError:
            return None  # made without segments: piece by piece
        return Segment(segment_path(blob), blob, shard, index["root"],
                       tuple(index["date_time"]), entries, index["entry_bytes"],
                       index["header_bytes"], index["record_bytes"], index["offsets"])

    def passed(self, segment: Segment) -> None:
        """``segment`` is written whole: none of its raw files is offered again."""
        for entry in segment.entries:
            self._waiting.pop(entry[0], None)

    def written_groups(self, rel: str, size: int) -> list[tuple[int, int]] | None:
        """The groups of ``rel`` (a member deflated in groups, of ``size`` bytes) as the
        build wrote them, if it says where."""
        written = self.written[rel]
        return written.record_groups(size) if written is not None else None

    def take(self, piece: Piece) -> tuple[Path, int, int, int] | None:
        """Where the piece's deflated bytes are: ``(file, offset, length, CRC of its data)``."""
        if piece.records:
            number = self._taken[piece.rel]
            self._taken[piece.rel] += 1
            group = (self._record_group(number) if piece.rel == RECORDS_MEMBER
                     else self._manifest_group(number))
            if group is None:
                return None
            blob, (offset, length, size, crc) = group
            return (blob, offset, length, crc) if size == piece.length else None
        if not (piece.offset == 0 and piece.last):
            return self._large_piece(piece)
        self._find(piece.rel)
        found = self._waiting.pop(piece.rel, None)
        if found is None:
            return None
        blob, (_, size, crc, offset, length) = found
        return (blob, offset, length, crc) if size == piece.size else None

    def _record_group(self, number: int) -> tuple[Path, PieceEntry] | None:
        """Record group ``number`` of data/documents.jsonl: the shards' groups in order."""
        known = self._record_groups
        while known is not None and len(known) <= number \
                and self._record_shards < len(self.shards):
            shard = self._record_shards
            self._record_shards += 1
            blob = self.shards[shard]
            entries = self.groups[shard] if self.groups is not None else None
            if entries is None:
                entries = records_entry(self.load_index(blob))
            if entries is None:  # a shard made before its worker deflated its records
                self._record_groups = known = None
            else:
                known.extend((blob, entry) for entry in entries)
        return known[number] if known is not None and number < len(known) else None

    def _manifest_group(self, number: int) -> tuple[Path, PieceEntry] | None:
        """Group ``number`` of the payload manifest: shard ``number``'s lines."""
        if number >= len(self.shards):
            return None
        blob = self.shards[number]
        entry = self.manifest_groups[number] if self.manifest_groups is not None else None
        if entry is None:
            entry = manifest_entry(self.load_index(blob))
        return (blob, entry) if entry is not None else None

    def as_written(self, piece: Piece, where: tuple[Path, int, int, int]) -> bool:
        """Whether the record group :meth:`take` just found for ``piece`` was deflated from
        the bytes the build wrote there (then it needs no second reading)."""
        written = self.written[piece.rel] if piece.records else None
        return written is not None and written.holds(self._taken[piece.rel] - 1, piece, where[3])

    def _large_piece(self, piece: Piece) -> tuple[Path, int, int, int] | None:
        """Where a piece of a large raw file is, if a worker deflated that file (its shard's
        index is read by then: :meth:`raw_size` looked for the file)."""
        found = self._large.get(piece.rel)
        if found is None:
            return None
        blob, size, pieces = found
        number = piece.offset // PIECE_BYTES
        if piece.last:
            del self._large[piece.rel]
        if size != piece.size or number >= len(pieces) \
                or piece.offset != number * PIECE_BYTES:
            return None
        crc, offset, length = pieces[number]
        return blob, offset, length, crc

    def raw_piece(self, where: tuple[Path, int, int, int]) -> Deflated:
        """The deflated bytes of a whole raw file :meth:`take` found (its CRC is known).

        Raw files come mostly in shard order, so the last shard file read is read whole,
        once, in the writing thread: cheaper than a task and a file opening per raw file.
        A file of an earlier shard, out of order, is read alone."""
        blob, offset, length, crc = where
        if blob != self._blob and blob == self.shards[self._read - 1]:
            self._blob, self._blob_bytes = blob, blob.read_bytes()
        deflated = (self._blob_bytes[offset:offset + length] if blob == self._blob
                    else file_bytes(blob, offset, length))
        if len(deflated) != length:
            raise OSError(f"{blob} is shorter than its index says")
        return Deflated(deflated, crc)


def _prepared(folder: Path, piece: Piece, where: tuple[Path, int, int, int],
              compression: Compression) -> Deflated:
    """A piece deflated beforehand, with the CRC the worker took. A group of lines is part
    of a file of the package (data/documents.jsonl, the payload manifest), so it is read
    and its CRC taken again: the piece is used only if it was made from that very data
    (else it is deflated here)."""
    blob, offset, length, crc = where
    deflated = file_bytes(blob, offset, length)
    if not piece.records:
        return Deflated(deflated, crc)
    found = 0
    for chunk in file_chunks(folder / piece.rel, piece.offset, piece.length):
        found = crc32(chunk, found)
    if found != crc:
        return read_and_deflate(folder, piece, compression)
    return Deflated(deflated, crc)


#: Bytes of the package's large top-level files deflated ahead, at most (see
#: :func:`_deflate_ahead`).
_AHEAD_BYTES = 64 * 1024 * 1024


def _deflate_ahead(folder: Path, pool: ThreadPoolExecutor, prepared: PreparedPieces | None,
                   compression: Compression) -> dict[Piece, Future[Deflated]]:
    """Start deflating the pieces of the package's files larger than a piece that sit
    beside data/ (the payload manifest: 10 MB at 100,000 documents), keyed by piece (a
    piece the writer finds different, as the file changed meanwhile, is deflated anew).
    With ``prepared`` pieces, not the payload manifest: the build's workers deflated its
    groups.

    They come last in the archive, after every raw file: deflated only when the writer
    got there, they made the end of every build wait on two threads. Deflated now, on a
    thread of their own, they are ready by then. Same pieces, same bytes: only when they
    are made changes. At most :data:`_AHEAD_BYTES` of them (their deflated bytes wait).
    """
    ahead: dict[Piece, Future[Deflated]] = {}
    planned = 0
    try:
        with os.scandir(folder) as entries:
            files = sorted((entry.name, entry.stat().st_size) for entry in entries
                           if entry.is_file(follow_symlinks=False))
    except OSError:
        return ahead
    for name, size in files:
        if size <= PIECE_BYTES or planned + size > _AHEAD_BYTES \
                or (name == MANIFEST_MEMBER and prepared is not None):
            continue
        planned += size
        for piece in file_pieces(folder, name, None):
            ahead[piece] = pool.submit(read_and_deflate, folder, piece, compression)
    return ahead


def write_zip(folder: Path, target: BinaryIO, root: str, created: str | None, *,
              compression: Compression, threads: int | None = None,
              prepared: PreparedPieces | None = None) -> str:
    """Write a sealed zip of ``folder`` (members under ``root/``) to ``target``, its
    members deflated by ``compression``.

    ``target`` is an empty binary file open for reading and writing (``w+b``): the seal is
    computed by reading back what was written, for a file with a descriptor as it is
    written (:class:`~corpuskit.archiveseal.FollowingDigest`). Returns the seal's sha256.
    """
    try:
        fd = target.fileno()
    except (AttributeError, OSError):  # io.BytesIO and the like: hashed when sealed
        write_members(folder, target, root, created, compression=compression,
                      threads=threads, prepared=prepared)
        return seal(target)
    with FollowingDigest(fd) as follower:
        def final(offset: int) -> None:
            target.flush()  # the thread reads the file, not this buffer
            follower.final_up_to(offset)

        write_members(folder, target, root, created, compression=compression,
                      threads=threads, prepared=prepared, final=final)
        return seal(target, follower)


def write_members(folder: Path, target: BinaryIO, root: str, created: str | None, *,
                  compression: Compression, threads: int | None = None,
                  prepared: PreparedPieces | None = None,
                  final: Callable[[int], None] | None = None) -> None:
    """The zip of ``folder`` (members under ``root/``), without a comment, into the seekable
    file ``target``, deflated by ``compression``; ``prepared``: pieces the build's workers
    deflated already (by the same compression: they are cached under it).

    ``final`` is called now and then with an offset before which every byte is written
    for good (a member's header is rewritten once its sizes are known: only the bytes
    before the member being written are final).
    """
    date_time = zip_date_time(created)
    headers = EntryHeaders(date_time)
    threads = threads or default_jobs()
    try:
        fd: int | None = target.fileno()
    except (AttributeError, OSError):  # io.BytesIO and the like: no copying threads
        fd = None
    # The central directory grows with the number of files: it waits in a temporary file.
    with tempfile.TemporaryFile() as central:
        count = 0
        offset = 0
        header_at = crc = compressed = 0
        with ThreadPoolExecutor(max_workers=threads) as pool, \
                ThreadPoolExecutor(max_workers=1) as early_pool, \
                ThreadPoolExecutor(max_workers=COPY_THREADS) as copy_pool:
            early = _deflate_ahead(folder, early_pool, prepared, compression)
            copies = Copies(copy_pool, fd) if fd is not None else None
            # Each piece with its deflated bytes (a task's future, ready at once, or to be
            # copied from the workers' pieces), and the workers' segments.
            ahead: deque[tuple[Piece, Future[Deflated] | Deflated | ToCopy] | Segment] = deque()
            pieces = _pieces(folder, prepared, root, date_time)
            # Pieces in ``ahead`` that are tasks, and their bytes before deflating (a record
            # group has no bound of its own); bytes of the ready ones.
            tasks = planned = ready = 0

            def fill() -> None:
                nonlocal tasks, planned, ready
                while (tasks < threads * _AHEAD_PER_THREAD and ready < _READY_BYTES
                       and (planned < _PLANNED_BYTES or not tasks)):
                    piece = next(pieces, None)
                    if piece is None:
                        return
                    if isinstance(piece, Segment):
                        ahead.append(piece)
                        ready += piece.size
                        continue
                    where = prepared.take(piece) if prepared is not None else None
                    if where is not None and prepared is not None \
                            and (not piece.records or prepared.as_written(piece, where)):
                        if piece.records and copies is not None:
                            blob, start, length, piece_crc = where
                            ahead.append((piece, ToCopy(Copy(blob, start, length), piece_crc)))
                            ready += length
                            continue
                        done = prepared.raw_piece(where)
                        ahead.append((piece, done))
                        ready += len(done.deflated)
                        continue
                    started = early.pop(piece, None)
                    ahead.append((piece, started if started is not None
                                  else pool.submit(_prepared, folder, piece, where, compression)
                                  if where is not None
                                  else pool.submit(read_and_deflate, folder, piece, compression)))
                    tasks += 1
                    planned += piece.length

            fill()
            scratch = prepared is not None and prepared.scratch

            def put(data: bytes | Copy) -> None:
                """The next bytes of the archive, written, or copied by a thread."""
                nonlocal offset
                if isinstance(data, bytes):
                    target.write(data)
                    offset += len(data)
                    return
                assert copies is not None
                copies.start(data, offset)
                offset += data.length
                target.seek(offset)  # on, past the bytes the thread copies

            settled = reported = 0  # the end of the last member written whole
            while ahead:
                final_up_to = copies.settled(settled) if copies is not None else settled
                if final is not None and final_up_to - reported >= FOLLOW_BYTES:
                    final(final_up_to)
                    reported = final_up_to
                item = ahead.popleft()
                if isinstance(item, Segment):
                    ready -= item.size
                    fill()
                    locals_, records = segment_parts(item)
                    if scratch:
                        item.path.unlink()
                    if copies is not None:
                        copies.start(Entries(item, locals_), offset)
                        target.seek(offset + item.entry_bytes)
                    else:
                        for batch in entry_batches(item, locals_):
                            for buffer in batch:
                                target.write(buffer)
                    central.write(place_records(item, records, offset, date_time))
                    offset += item.entry_bytes
                    count += len(item.entries)
                    settled = offset
                    continue
                piece, pending = item
                if isinstance(pending, Future):
                    tasks -= 1
                    planned -= piece.length
                    pending = pending.result()
                deflated: bytes | Copy
                if isinstance(pending, ToCopy):
                    ready -= pending.copy.length
                    deflated, piece_crc = pending
                    length = deflated.length
                else:
                    ready -= len(pending.deflated)
                    deflated, piece_crc = pending
                    length = len(deflated)
                fill()
                # A record group's member ends with the empty final block.
                tail = END if piece.records and piece.last else b""
                if piece.offset == 0 and piece.last:  # the common case: a member of one piece
                    local, record = headers(
                        f"{root}/{piece.rel}", size=piece.size,
                        compress_size=length + len(tail), header_offset=offset, crc=piece_crc)
                    put(local)
                    put(deflated)
                    put(tail)
                    central.write(record)
                    count += 1
                    settled = offset
                    continue
                info = member_info(f"{root}/{piece.rel}", date_time, size=piece.size,
                                   compress_size=0, crc=0)
                if piece.offset == 0:
                    header_at, crc, compressed = offset, 0, 0
                    header = local_header(info)  # rewritten when the sizes are known
                    target.write(header)
                    offset += len(header)
                crc = (piece_crc if piece.offset == 0
                       else crc32_combine(crc, piece_crc, piece.length))
                compressed += length + len(tail)
                put(deflated)
                put(tail)
                if piece.last:
                    info.CRC, info.compress_size = crc, compressed
                    target.seek(header_at)
                    target.write(local_header(info))
                    target.seek(offset)
                    central.write(central_record(info, header_at))
                    count += 1
                    settled = offset
            if copies is not None:
                copies.settled(offset, wait=True)  # every byte before the directory copied
        size = central.tell()
        central.seek(0)
        shutil.copyfileobj(central, target, CHUNK)
        target.write(end_records(count, size, offset))


def zip_signature(path: Path) -> list[tuple[str, tuple[int, ...], int, int, int]]:
    """What makes two reproducible zips the same, whatever zlib compressed them.

    The members' names, time stamps, permissions, CRCs and sizes; never the compressed
    bytes, and so never the seal (the archive comment), which depends on them.
    """
    with zipfile.ZipFile(path) as archive:
        return [
            (i.filename, i.date_time, i.external_attr, i.CRC, i.file_size)
            for i in archive.infolist()
        ]
