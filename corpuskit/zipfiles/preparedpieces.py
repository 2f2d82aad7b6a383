"""The pieces a build hands over to the archive writer: what its workers deflated
already, and where the build wrote each shard's records and manifest lines.

Each shard's worker deflates its raw files, record groups and manifest lines into the
shard's pieces, with an index (``shardpieces.PiecesWriter``), and may make its raw files a
zip segment (:mod:`corpuskit.zipfiles.zipsegments`). :class:`PreparedPieces` finds, for each piece
the writer (:mod:`corpuskit.zipfiles.archive`) asks for, where those deflated bytes are, or says
there are none (then the writer deflates the piece itself); :class:`WrittenRecords` and
:class:`WrittenManifest` tell it which record groups are the very bytes the build wrote,
so that it needs not read them again. :func:`records_entry` and :func:`manifest_entry`
read where a pieces index says its record groups and manifest lines are.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from pathlib import Path
from typing import Any

import orjson

from ..errors import FileChanged
from ..models import document_id
from ..package import RAW_PREFIX
from .deflate import PIECE_BYTES
from .zippieces import MANIFEST_MEMBER, RECORDS_MEMBER, Deflated, Piece, file_bytes
from .zipsegments import Segment, segment_index_path, segment_path

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
    (:func:`~corpuskit.zipfiles.deflate.record_groups`: its blocks are the shards), and a group
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
    (:func:`corpuskit.zipfiles.deflate.manifest_groups`)."""

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


#: Bytes of the shard file being taken that are read at a time (see
#: :meth:`PreparedPieces.raw_piece`).
BLOB_WINDOW = 8 << 20


class PreparedPieces:
    """Pieces a build's workers deflated already, shard by shard (``shardpieces.PiecesWriter``).

    ``shards`` are the shard files' ``.deflate`` paths in order; each has an index beside it
    (``.deflate.json``), and may have its raw files as zip entries
    (:func:`~corpuskit.zipfiles.zipsegments.make_segment`).
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
    read. ``entries``: each shard's cache entry (its pieces file), if it has one.
    """

    def __init__(self, shards: Sequence[Path], *, scratch: bool = False,
                 records: WrittenRecords | None = None,
                 groups: Sequence[RecordPieces | None] | None = None,
                 manifest: WrittenManifest | None = None,
                 manifest_groups: Sequence[PieceEntry | None] | None = None,
                 entries: Sequence[Path | None] | None = None) -> None:
        self.shards = shards
        #: The pieces file of the cache entry each shard's is linked to, if any: what an
        #: error about a change to them names (:meth:`load_index`).
        self.entries = entries
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
        #: The shard file whose raw pieces are being taken, its size, and the part of it
        #: read last (at most :data:`BLOB_WINDOW` bytes, or one piece), from ``_window_at``.
        self._blob: Path | None = None
        self._blob_size = 0
        self._window = b""
        self._window_at = 0
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
    def load_index(blob: Path, entry: Path | None = None) -> dict[str, Any]:
        """The index of the archive pieces ``blob``; ``entry``: the pieces file of the cache
        entry ``blob`` is linked to, which a change is told as (a file of the hidden
        temporary folder, gone by the time the error is read, means nothing: QA)."""
        index = blob.with_name(blob.name + ".json")
        changed = (f"the index of the archive pieces {index.name}" if entry is None else
                   f"the cache entry's index of archive pieces "
                   f"{entry.with_name(entry.name + '.json')}")
        try:
            data = orjson.loads(index.read_bytes())
        except ValueError:  # checked when the worker took it: written into since
            raise FileChanged(f"{changed} changed while this build used it (another process "
                              "wrote into it, or into the cache entry it was linked from); "
                              "run the build again (a changed cache entry is not used), or "
                              "with --no-cache") from None
        if not isinstance(data, dict):
            raise FileChanged(f"{changed} changed while this build used it; run the build "
                              "again, or with --no-cache")
        return data

    def _index(self, shard: int) -> dict[str, Any]:
        """The index of shard ``shard``'s archive pieces (see :meth:`load_index`)."""
        entry = self.entries[shard] if self.entries is not None else None
        return self.load_index(self.shards[shard], entry)

    def _read_next(self) -> str | None:
        """Read the next shard's index; the smallest document id it holds (None if it
        holds no raw file)."""
        shard = self._read
        blob = self.shards[shard]
        self._read += 1
        index = self._index(shard)
        entries: list[list[Any]] = index["raw"]
        large: list[list[Any]] = index.get("large", [])
        for entry in entries:
            self._waiting[entry[0]] = (blob, entry)
        for member, size, pieces in large:
            self._large[member] = (blob, size, pieces)
        if shard >= self._segment:
            self._unoffered[shard] = sorted(entries, key=itemgetter(0))  # (names unique)
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
                entries = records_entry(self._index(shard))
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
            entry = manifest_entry(self._index(number))
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

        Raw files come mostly in shard order, so the last shard file read is read
        :data:`BLOB_WINDOW` bytes at a time, in the writing thread: cheaper than a task and
        a file opening per raw file, and bounded (a shard of large documents has a shard
        file of 100 MB and more: read whole, it was held whole). A file of an earlier
        shard, out of order, is read alone."""
        blob, offset, length, crc = where
        if blob != self._blob and blob == self.shards[self._read - 1]:
            self._blob, self._blob_size, self._window = blob, blob.stat().st_size, b""
        if blob != self._blob:
            deflated = file_bytes(blob, offset, length)
        else:
            at = offset - self._window_at
            if not (at >= 0 and at + length <= len(self._window)):
                if offset + length > self._blob_size:
                    raise OSError(f"{blob} is shorter than its index says")
                # A shard file up to the window is read whole, once, whatever the order
                # its raw files are taken in; a larger one from the piece on.
                start = 0 if self._blob_size <= BLOB_WINDOW else offset
                self._window_at, at = start, offset - start
                self._window = file_bytes(blob, start, max(
                    length, min(BLOB_WINDOW, self._blob_size - start)))
            deflated = self._window[at:at + length]
        if len(deflated) != length:
            raise OSError(f"{blob} is shorter than its index says")
        return Deflated(deflated, crc)
