"""A shard's archive pieces: its raw files, records and manifest lines deflated by its
worker for the release's zip, in one file beside the shard's records, with an index.

The archive writer (:class:`corpuskit.zipfiles.preparedpieces.PreparedPieces`) takes them as they
are, so that the parent of a build deflates nothing it could share out; the cache
(:mod:`corpuskit.shardcache`) keeps them with the shard's records.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import orjson

from .crc32 import crc32
from .errors import OutputError
from .writer import FILE_MODE, STREAM_BUFFER, write_advice, write_file
from .zipfiles import deflate
from .zipfiles.deflate import (
    PIECE_BYTES,
    WINDOW,
    Compression,
    RecordsDeflater,
    deflate_piece,
    record_groups,
)
from .zipfiles.preparedpieces import PieceEntry, RecordPieces
from .zipfiles.zippieces import read_range

if TYPE_CHECKING:
    from .shardcache import EarlierShard

#: Bytes of a shard file read at a time to deflate its records.
RECORDS_CHUNK = 1 << 20
#: With deflating threads, the bytes of raw files and records handed to them and not yet
#: written (a raw file's bytes are held until its pieces are written).
WAITING_BYTES = 16 << 20

def _place_taken(place: Callable[[int, int, bytes], None], length: int,
                 taken: tuple[int, bytes], _: list[tuple[int, bytes]]) -> None:
    place(length, *taken)


def _place_deflated(place: Callable[[int, int, bytes], None], length: int,
                    made: list[tuple[int, bytes]]) -> None:
    place(length, *made[0])


def pieces_path(jsonl: Path) -> Path:
    return jsonl.with_suffix(".deflate")


def pieces_index_path(jsonl: Path) -> Path:
    return jsonl.with_suffix(".deflate.json")


def large_pieces(data: bytes, compression: Compression) -> Iterator[tuple[int, bytes]]:
    """The CRC-32 and deflated bytes of each piece of a file over :data:`PIECE_BYTES`: what
    the archive writer makes of its pieces (``zippieces.read_and_deflate``: every
    :data:`PIECE_BYTES`, with the :data:`WINDOW` bytes before as dictionary)."""
    view = memoryview(data)
    for start in range(0, len(data), PIECE_BYTES):
        end = min(start + PIECE_BYTES, len(data))
        chunk = view[start:end]
        yield crc32(chunk), deflate_piece(chunk, view[max(start - WINDOW, 0):start],
                                          last=end >= len(data), compression=compression)


def _large_piece(data: bytes, start: int, compression: Compression) -> tuple[int, bytes]:
    """The piece of ``data`` at ``start`` of a file over :data:`PIECE_BYTES` (as
    :func:`large_pieces` makes it)."""
    view = memoryview(data)
    end = min(start + PIECE_BYTES, len(data))
    chunk = view[start:end]
    return crc32(chunk), deflate_piece(chunk, view[max(start - WINDOW, 0):start],
                                       last=end >= len(data), compression=compression)


def _small_file(data: bytes, compression: Compression) -> tuple[int, bytes]:
    """The CRC-32 and deflated bytes of a file of up to :data:`PIECE_BYTES`."""
    return crc32(data), deflate_piece(data, last=True, compression=compression)


def line_groups(lengths: Iterable[int]) -> list[tuple[int, int]]:
    """``record_groups(handle, blocks=False)`` of a file of lines of these ``lengths``
    (each line ending with its one newline), from the lengths alone: a worker knows the
    length of each record line it writes, and finding the line ends again read its
    shard file back whole and looked for each newline: 0.45-0.51 µs of CPU a record of
    the benchmark (a shard of 512, five rounds), against 0.04-0.05 µs from the lengths."""
    piece_bytes = deflate.RECORDS_PIECE_BYTES  # (read when called, as record_groups does)
    groups: list[tuple[int, int]] = []
    start = position = 0
    for length in lengths:
        position += length
        if position - start >= piece_bytes:
            groups.append((start, position - start))
            start = position
    if position > start:
        groups.append((start, position - start))
    return groups


def _groups(jsonl: BinaryIO, line_lengths: Sequence[int] | None) -> list[tuple[int, int]]:
    """The pieces of the shard file ``jsonl``: from its ``line_lengths`` where they add up
    to its size, else found by reading it."""
    if line_lengths is not None and sum(line_lengths) == os.fstat(jsonl.fileno()).st_size:
        return line_groups(line_lengths)
    return list(record_groups(jsonl, blocks=False))


def _records_piece(jsonl: Path, offset: int, length: int, compression: Compression
                   ) -> tuple[int, bytes]:
    """The CRC-32 and deflated bytes of the piece of records at ``offset`` of ``jsonl``."""
    records = RecordsDeflater(compression)
    with jsonl.open("rb") as handle:
        deflated = [records.feed(chunk)
                    for chunk in read_range(handle, offset, length, chunk=RECORDS_CHUNK)]
    deflated.append(records.end())
    return records.crc, b"".join(deflated)


class PiecesWriter:
    """Deflates a shard for the archive as it goes, beside its JSONL shard file: each raw
    file, then the pieces of the shard's records in data/documents.jsonl and the group of
    its lines in the payload manifest, all in one file, with an index ``{"raw": [[member,
    size, crc32, offset, length], ...], "large": [[member, size, [[crc32, offset, length],
    ...]], ...], "records": [[offset, length, size, crc32], ...], "manifest": [offset,
    length, size, crc32]}`` (see
    :mod:`corpuskit.zipfiles.deflate` and
    :class:`corpuskit.zipfiles.preparedpieces.PreparedPieces`). A raw file over
    :data:`PIECE_BYTES` is "large": deflated in pieces, each with the bytes before it as
    dictionary, exactly as the archive writer deflates it. Nothing it writes is kept in
    memory: a shard of large documents costs no more than one of small.

    With ``deflaters`` (threads: zlib and ISA-L deflate without Python's lock), the pieces
    are deflated there while the caller goes on, and written in the order they were
    added, as they would be without: the pieces file is the same, byte for byte. At most
    :data:`WAITING_BYTES` of input wait for them (then the caller waits)."""

    def __init__(self, jsonl_file: Path, doing: str, compression: Compression,
                 deflaters: Executor | None = None) -> None:
        self.jsonl_file = jsonl_file
        self.doing = doing
        self.compression = compression
        self.raw: list[list[Any]] = []
        self.large: list[list[Any]] = []
        self.offset = 0
        self._deflaters = deflaters
        #: What was handed to the deflaters, in order: its futures, how to write it once
        #: they are done, and the bytes it holds.
        self._waiting: deque[tuple[list[Future[tuple[int, bytes]]],
                                   Callable[[list[tuple[int, bytes]]], None], int]] = deque()
        self._waiting_bytes = 0
        try:
            self.handle = pieces_path(jsonl_file).open("wb", buffering=STREAM_BUFFER)
        except OSError as exc:
            raise self._error(exc) from None

    def _error(self, exc: OSError) -> OutputError:
        # What to do too: out of descriptors, "Too many open files" alone (QA: ulimit -n 6).
        advice = write_advice(pieces_path(self.jsonl_file), exc)
        return OutputError(f"{self.doing}: {exc.strerror or exc}{advice}")

    def add_raw(self, member: str, data: bytes) -> None:
        size = len(data)
        if self._deflaters is not None:
            if size > PIECE_BYTES:
                self._hand_over(
                    [self._deflaters.submit(_large_piece, data, start, self.compression)
                     for start in range(0, size, PIECE_BYTES)],
                    lambda pieces: self._add_large(member, size, pieces), size)
            else:
                self._hand_over(
                    [self._deflaters.submit(_small_file, data, self.compression)],
                    lambda pieces: self._add_deflated(member, size, *pieces[0]), size)
            return
        if size > PIECE_BYTES:
            self._add_large(member, size, large_pieces(data, self.compression))
            return
        self._add_deflated(member, size, *_small_file(data, self.compression))

    def add_deflated(self, member: str, size: int, crc: int, deflated: bytes) -> None:
        """A raw file of ``size`` bytes and CRC ``crc``, deflated already."""
        self._write_waiting()
        self._add_deflated(member, size, crc, deflated)

    def _add_deflated(self, member: str, size: int, crc: int, deflated: bytes) -> None:
        self.raw.append([member, size, crc, self.offset, len(deflated)])
        self._write(deflated)

    def add_large(self, member: str, size: int, pieces: Iterable[tuple[int, bytes]]) -> None:
        """A large raw file of ``size`` bytes: the CRC and deflated bytes of each piece."""
        self._write_waiting()
        self._add_large(member, size, pieces)

    def _add_large(self, member: str, size: int, pieces: Iterable[tuple[int, bytes]]
                   ) -> None:
        where = []
        for crc, deflated in pieces:
            where.append([crc, self.offset, len(deflated)])
            self._write(deflated)
        self.large.append([member, size, where])

    def finish(self, manifest: bytes, earlier: EarlierShard | None = None,
               line_lengths: Sequence[int] | None = None) -> tuple[RecordPieces, PieceEntry]:
        """Deflate the pieces of the shard's records
        (:func:`~corpuskit.zipfiles.deflate.record_groups`), read back from its finished shard
        file, and its ``manifest`` lines; where each is in the pieces (the index's ``records``
        and ``manifest``). A piece whose bytes the ``earlier`` build of the shard deflated is
        taken from it, not deflated again. ``line_lengths``: those of the shard file's lines,
        in order, if the caller knows them (the pieces are then cut by :func:`line_groups`,
        unless they do not add up to the file's size)."""
        placed: list[tuple[int, int, int, int]] = []

        def place(length: int, crc: int, deflated: bytes) -> None:
            placed.append((self.offset, len(deflated), length, crc))
            self._write(deflated)

        self._write_waiting()
        try:
            with self.jsonl_file.open("rb") as jsonl:
                for offset, length in _groups(jsonl, line_lengths):
                    taken = earlier.records_piece(jsonl, offset, length) \
                        if earlier is not None else None
                    if taken is not None:
                        self._hand_over([], partial(_place_taken, place, length, taken), 0)
                    elif self._deflaters is not None:
                        self._hand_over(
                            [self._deflaters.submit(_records_piece, self.jsonl_file, offset,
                                                    length, self.compression)],
                            partial(_place_deflated, place, length), length)
                    else:
                        start = self.offset
                        records = RecordsDeflater(self.compression)
                        for chunk in read_range(jsonl, offset, length, chunk=RECORDS_CHUNK):
                            self._write(records.feed(chunk))
                        self._write(records.end())
                        placed.append((start, self.offset - start, length, records.crc))
            self._write_waiting()
        except OSError as exc:
            raise self._error(exc) from None
        start = self.offset
        # As the archive writer deflates a group of lines (handed over in the same slices,
        # which ISA-L's output may depend on).
        manifest_deflater = RecordsDeflater(self.compression)
        self._write(manifest_deflater.feed(manifest))
        self._write(manifest_deflater.end())
        lines = (start, self.offset - start, len(manifest), manifest_deflater.crc)
        index = {"raw": self.raw, "large": self.large, "records": [list(p) for p in placed],
                 "manifest": list(lines)}
        try:
            # 0644 whatever the umask, as every file a build writes (it was 0600 under
            # umask 077, beside the 0644 records and index of the same cache entry)
            os.fchmod(self.handle.fileno(), FILE_MODE)
            self.handle.close()
        except OSError as exc:
            raise self._error(exc) from None
        write_file(self.jsonl_file.parent, pieces_index_path(self.jsonl_file).name,
                   orjson.dumps(index), doing=self.doing)
        return tuple(placed), lines

    def _hand_over(self, futures: list[Future[tuple[int, bytes]]],
                   then: Callable[[list[tuple[int, bytes]]], None], held: int) -> None:
        """Wait for the deflaters' ``futures`` (``held`` bytes of input), and ``then``
        write what they made, after everything handed over before: the pieces done
        already are written now, and the oldest waited for while too much waits."""
        self._waiting.append((futures, then, held))
        self._waiting_bytes += held
        while self._waiting and (self._waiting_bytes > WAITING_BYTES
                                 or all(future.done() for future in self._waiting[0][0])):
            self._write_next()

    def _write_waiting(self) -> None:
        """Write everything handed to the deflaters (waiting for them)."""
        while self._waiting:
            self._write_next()

    def _write_next(self) -> None:
        futures, then, held = self._waiting.popleft()
        self._waiting_bytes -= held
        then([future.result() for future in futures])

    def discard(self) -> None:
        """Give up the pieces (the shard has problems): stop waiting, close the file."""
        for futures, _, _ in self._waiting:
            for future in futures:
                future.cancel()
        self._waiting.clear()
        self.handle.close()

    def _write(self, data: bytes) -> None:
        try:
            self.handle.write(data)
        except OSError as exc:
            raise self._error(exc) from None
        self.offset += len(data)
