"""The workers' zip segments: a shard's raw files as ready zip entries.

A build's worker makes a segment for its shard (:func:`make_segment`): each raw file's
local header, then their central directory records, in a ``.zipseg`` file beside the
shard's pieces (:mod:`corpuskit.shardpieces`), which hold the entries' deflated bytes. The
archive writer (:func:`corpuskit.zipfiles.archive.write_members`) places a segment whole: its
headers each followed by the entry's bytes from the pieces (:func:`entry_batches`,
:func:`write_entries`), and its central records with their offsets moved to where the
segment landed (:func:`place_records`).
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from operator import itemgetter
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

import orjson

from . import zipformat
from .zipformat import DateTime, EntryHeaders, zip_date_time


class Segment(NamedTuple):
    """A shard's raw files as zip entries (:func:`make_segment`): in ``path``, the entries'
    local headers (``header_bytes``), then their central directory records, whose header
    offsets count from the segment's start. Each entry's deflated bytes stay where the
    worker put them, in the shard's ``pieces`` file. Placing the segment at archive offset
    ``base`` is writing each header followed by its bytes from the pieces
    (``entry_bytes`` in all: :func:`entry_batches`), and adding ``base`` to each offset."""

    path: Path
    #: The shard's pieces file, which holds the entries' deflated bytes.
    pieces: Path
    #: The shard's number in :class:`corpuskit.zipfiles.preparedpieces.PreparedPieces`.
    shard: int
    root: str
    date_time: DateTime
    #: The raw files' prepared-pieces index entries, in order: ``[package path, size,
    #: crc32, offset, length]``.
    entries: list[list[Any]]
    entry_bytes: int
    header_bytes: int
    record_bytes: int
    #: Per record: where its header offset field is (in the records), and its value.
    offsets: list[list[int]]

    @property
    def size(self) -> int:
        """The bytes of its file: the headers and the records."""
        return self.header_bytes + self.record_bytes


def segment_path(pieces: Path) -> Path:
    """Where the zip entries made from the shard pieces ``pieces`` are (a ``.zipseg`` file)."""
    return pieces.with_suffix(".zipseg")


def segment_index_path(pieces: Path) -> Path:
    return pieces.with_suffix(".zipseg.json")


#: Where a central record (without ZIP64 fields) holds its local header's offset.
_HEADER_OFFSET_AT = 42
_HEADER_OFFSET = struct.Struct("<L")


#: Deflated bytes of a shard's raw files read at a time by :func:`entry_batches` (a batch
#: holds one large file whole, at most :data:`corpuskit.zipfiles.deflate.PIECE_BYTES` deflated, or
#: many small ones), and entries at most in one batch: a header and the data of each are
#: one ``pwritev`` call's buffers (of which Linux takes 1,024).
_SEGMENT_BLOCK = 4 << 20
_BATCH_ENTRIES = 512


def make_segment(raw: list[list[Any]], target: BinaryIO, root: str, created: str | None
                 ) -> bytes:
    """A shard's raw files as zip entries, for its pieces (``shardpieces.PiecesWriter``: ``raw``
    is the index's list of raw files): writes the ``.zipseg`` file's bytes to ``target``,
    each entry's local header then every central record, and returns those of its index,
    to be written beside the pieces (:func:`segment_path`).

    A worker makes them, so the archive writer makes no header: it writes each of them
    followed by the entry's deflated bytes, read from the pieces, a batch of entries per
    call (:func:`entry_batches`). Those bytes are not copied into the segment: they are
    written once, into the zip. The pieces stay root-free, since they are cached across
    versions; the headers name ``root`` and carry ``created``'s time stamp, so they are
    made again in every build.
    """
    date_time = zip_date_time(created)
    prefix = f"{root}/"
    # In the zip's order, by name (the index lists them by document id).
    entries = sorted(raw, key=itemgetter(0))  # (a shard's raw files: names unique)
    locals_, records, header_offsets = EntryHeaders(date_time).consecutive(
        [(prefix + name, size, length, crc) for name, size, crc, _, length in entries])
    offsets: list[list[int]] = []
    at = 0
    for record, header_offset in zip(records, header_offsets, strict=True):
        offsets.append([at + _HEADER_OFFSET_AT, header_offset])
        at += len(record)
    offset = header_offsets[-1] + len(locals_[-1]) + entries[-1][4] if entries else 0
    header_bytes = b"".join(locals_)
    target.write(header_bytes)
    target.write(b"".join(records))
    return orjson.dumps({
        "root": root, "date_time": date_time, "entry_bytes": offset,
        "header_bytes": len(header_bytes), "record_bytes": at, "offsets": offsets})


def segment_parts(segment: Segment) -> tuple[bytes, bytes]:
    """The segment's local headers and central records, once its size is checked."""
    with segment.path.open("rb") as source:
        if os.fstat(source.fileno()).st_size != segment.size:
            raise OSError(f"{segment.path} is not the size its index says")
        data = source.read()
    if len(data) != segment.size:
        raise OSError(f"{segment.path} is not the size its index says")
    return data[:segment.header_bytes], data[segment.header_bytes:]


def entry_batches(segment: Segment, headers: bytes) -> Iterator[list[memoryview]]:
    """The segment's entries, in order, as lists of buffers: each entry's local header
    (from ``headers``) and its deflated bytes (from the pieces). An entry's header is the
    gap its index leaves before the entry's data. The bytes of a batch of entries that
    follow one another in the pieces are read with one call (:data:`_SEGMENT_BLOCK`)."""
    view = memoryview(headers)
    ends = [offset for _, offset in segment.offsets[1:]] + [segment.entry_bytes]
    spans: list[tuple[int, int, int, int]] = []  # header start and end, data start and end
    taken = 0
    for (_, offset), end, entry in zip(segment.offsets, ends, segment.entries, strict=True):
        start, length = entry[3], entry[4]
        header = end - offset - length
        if header < zipformat.LOCAL.size or taken + header > len(headers):
            raise OSError(f"{segment.path} does not match its index")
        spans.append((taken, taken + header, start, start + length))
        taken += header
    if taken != len(headers):
        raise OSError(f"{segment.path} does not match its index")
    with segment.pieces.open("rb") as pieces:
        fd = pieces.fileno()
        first = 0
        while first < len(spans):
            last = first + 1
            while (last < len(spans) and last - first < _BATCH_ENTRIES
                   and spans[last][2] == spans[last - 1][3]
                   and spans[last][3] - spans[first][2] <= _SEGMENT_BLOCK):
                last += 1
            begin, finish = spans[first][2], spans[last - 1][3]
            data = memoryview(os.pread(fd, finish - begin, begin))
            if len(data) != finish - begin:
                raise OSError(f"{segment.pieces} is shorter than its index says")
            batch: list[memoryview] = []
            for head_start, head_end, start, end in spans[first:last]:
                batch += (view[head_start:head_end], data[start - begin:end - begin])
            yield batch
            first = last


def write_entries(segment: Segment, headers: bytes, fd: int, at: int) -> None:
    """Write the segment's entries (:func:`entry_batches`) at offset ``at`` of the open
    file ``fd`` (its position is left as it is)."""
    for batch in entry_batches(segment, headers):
        at += _pwrite_all(fd, batch, at)


def _pwrite_all(fd: int, buffers: list[memoryview], at: int) -> int:
    """Write ``buffers`` one after another at offset ``at`` of ``fd``; how many bytes."""
    total = sum(len(buffer) for buffer in buffers)
    done = os.pwritev(fd, buffers, at) if hasattr(os, "pwritev") else 0
    if done < total:  # no pwritev, or a short write: the rest through one buffer
        rest = memoryview(b"".join(buffers))[done:]
        while rest:
            count = os.pwrite(fd, rest, at + done)
            if count <= 0:
                raise OSError(f"could not write {len(rest)} bytes at offset {at + done}")
            done += count
            rest = rest[count:]
    return total


def place_records(segment: Segment, records: bytes, base: int, date_time: DateTime) -> bytes:
    """The segment's central records for entries that start at archive offset ``base``.

    An offset over the ZIP64 limit changes the record's shape: those segments get their
    records made one by one, exactly as the writer makes them for any other file."""
    if base + (segment.offsets[-1][1] if segment.offsets else 0) <= zipformat.LIMIT:
        placed = bytearray(records)
        for at, offset in segment.offsets:
            _HEADER_OFFSET.pack_into(placed, at, base + offset)
        return bytes(placed)
    headers = EntryHeaders(date_time)
    return b"".join(
        headers(f"{segment.root}/{name}", size=size, compress_size=length, crc=crc,
                header_offset=base + offset)[1]
        for (name, size, crc, _, length), (_, offset) in zip(segment.entries,
                                                             segment.offsets, strict=True))
