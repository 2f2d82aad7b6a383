"""A shard's archive pieces: its raw files, records and manifest lines deflated by its
worker for the release's zip, in one file beside the shard's records, with an index.

The archive writer (:class:`corpuskit.preparedpieces.PreparedPieces`) takes them as they are, so
that the parent of a build deflates nothing it could share out; the cache
(:mod:`corpuskit.shardcache`) keeps them with the shard's records.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from .crc32 import crc32
from .deflate import PIECE_BYTES, WINDOW, Compression, RecordsDeflater, deflate_piece, record_groups
from .errors import OutputError
from .preparedpieces import PieceEntry, RecordPieces
from .writer import write_file
from .zippieces import read_range

if TYPE_CHECKING:
    from .shardcache import EarlierShard

#: Bytes of a shard file read at a time to deflate its records.
RECORDS_CHUNK = 1 << 20

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


class PiecesWriter:
    """Deflates a shard for the archive as it goes, beside its JSONL shard file: each raw
    file, then the pieces of the shard's records in data/documents.jsonl and the group of
    its lines in the payload manifest, all in one file, with an index ``{"raw": [[member,
    size, crc32, offset, length], ...], "large": [[member, size, [[crc32, offset, length],
    ...]], ...], "records": [[offset, length, size, crc32], ...], "manifest": [offset,
    length, size, crc32]}`` (see
    :mod:`corpuskit.deflate` and :class:`corpuskit.preparedpieces.PreparedPieces`). A raw file
    over :data:`PIECE_BYTES` is "large": deflated in pieces, each with the bytes before it
    as dictionary, exactly as the archive writer deflates it. Nothing it writes is kept in
    memory: a shard of large documents costs no more than one of small."""

    def __init__(self, jsonl_file: Path, doing: str, compression: Compression) -> None:
        self.jsonl_file = jsonl_file
        self.doing = doing
        self.compression = compression
        self.raw: list[list[Any]] = []
        self.large: list[list[Any]] = []
        self.offset = 0
        try:
            self.handle = pieces_path(jsonl_file).open("wb")
        except OSError as exc:
            raise self._error(exc) from None

    def _error(self, exc: OSError) -> OutputError:
        return OutputError(f"{self.doing}: {exc.strerror or exc}")

    def add_raw(self, member: str, data: bytes) -> None:
        if len(data) > PIECE_BYTES:
            self.add_large(member, len(data), large_pieces(data, self.compression))
            return
        self.add_deflated(member, len(data), crc32(data),
                          deflate_piece(data, last=True, compression=self.compression))

    def add_deflated(self, member: str, size: int, crc: int, deflated: bytes) -> None:
        """A raw file of ``size`` bytes and CRC ``crc``, deflated already."""
        self.raw.append([member, size, crc, self.offset, len(deflated)])
        self._write(deflated)

    def add_large(self, member: str, size: int, pieces: Iterable[tuple[int, bytes]]) -> None:
        """A large raw file of ``size`` bytes: the CRC and deflated bytes of each piece."""
        where = []
        for crc, deflated in pieces:
            where.append([crc, self.offset, len(deflated)])
            self._write(deflated)
        self.large.append([member, size, where])

    def finish(self, manifest: bytes, earlier: EarlierShard | None = None
               ) -> tuple[RecordPieces, PieceEntry]:
        """Deflate the pieces of the shard's records (:func:`~corpuskit.deflate.record_groups`),
        read back from its finished shard file, and its ``manifest`` lines; where each is
        in the pieces (the index's ``records`` and ``manifest``). A piece whose bytes the
        ``earlier`` build of the shard deflated is taken from it, not deflated again."""
        placed: list[tuple[int, int, int, int]] = []
        try:
            with self.jsonl_file.open("rb") as jsonl:
                for offset, length in list(record_groups(jsonl, blocks=False)):
                    start = self.offset
                    taken = earlier.records_piece(jsonl, offset, length) \
                        if earlier is not None else None
                    if taken is not None:
                        crc, deflated = taken
                        self._write(deflated)
                    else:
                        records = RecordsDeflater(self.compression)
                        for chunk in read_range(jsonl, offset, length, chunk=RECORDS_CHUNK):
                            self._write(records.feed(chunk))
                        self._write(records.end())
                        crc = records.crc
                    placed.append((start, self.offset - start, length, crc))
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
            self.handle.close()
        except OSError as exc:
            raise self._error(exc) from None
        write_file(self.jsonl_file.parent, pieces_index_path(self.jsonl_file).name,
                   orjson.dumps(index), doing=self.doing)
        return tuple(placed), lines

    def _write(self, data: bytes) -> None:
        try:
            self.handle.write(data)
        except OSError as exc:
            raise self._error(exc) from None
        self.offset += len(data)
