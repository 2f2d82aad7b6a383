"""What the zip's members are made of: pieces of the package's files, and their deflated
bytes.

A member is one piece (most files), a piece every :data:`corpuskit.zipfiles.deflate.PIECE_BYTES`
bytes (a large file), or, for data/documents.jsonl and a large payload manifest, its
groups of lines (:func:`corpuskit.zipfiles.deflate.record_groups`,
:func:`corpuskit.zipfiles.deflate.manifest_groups`): :func:`file_pieces`. :func:`read_and_deflate`
reads a piece from the folder and deflates it as :mod:`corpuskit.zipfiles.deflate` defines; the
writer (:mod:`corpuskit.zipfiles.archive`) joins the pieces into members, or takes pieces the
build's workers deflated already (:mod:`corpuskit.zipfiles.preparedpieces`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, NamedTuple

from ..crc32 import crc32
from .deflate import (
    PIECE_BYTES,
    WINDOW,
    Compression,
    RecordsDeflater,
    deflate_piece,
    manifest_groups,
    record_groups,
)

if TYPE_CHECKING:
    from .preparedpieces import PreparedPieces

#: Bytes read (or copied) at a time.
CHUNK = 1 << 20
#: The member deflated in record groups (see :mod:`corpuskit.zipfiles.deflate`).
RECORDS_MEMBER = "data/documents.jsonl"
#: The payload manifest, deflated in groups too when larger than
#: :data:`GROUPED_MANIFEST_BYTES`: a shard's lines are one.
MANIFEST_MEMBER = "manifest-sha256.txt"
GROUPED_MANIFEST_BYTES = PIECE_BYTES


class Piece(NamedTuple):
    """Bytes ``offset`` to ``offset + length`` of the member ``rel`` (``size`` bytes)."""

    rel: str
    size: int
    offset: int
    length: int
    #: The piece is a group of lines: records, or lines of the payload manifest (no
    #: dictionary; the member ends with ``END``).
    records: bool
    #: The member's last piece.
    last: bool


def file_pieces(folder: Path, rel: str, prepared: PreparedPieces | None) -> Iterator[Piece]:
    """The pieces of one file; a raw file the build's workers deflated has its size from
    their index (they wrote the file), any other is measured."""
    size = prepared.raw_size(rel) if prepared is not None else None
    if size is None:
        size = os.stat(os.path.join(folder, rel)).st_size
    if (rel == RECORDS_MEMBER and size) or (rel == MANIFEST_MEMBER
                                             and size > GROUPED_MANIFEST_BYTES):
        groups = prepared.written_groups(rel, size) if prepared is not None else None
        if groups is None:
            cut = record_groups if rel == RECORDS_MEMBER else manifest_groups
            with (folder / rel).open("rb") as handle:
                groups = list(cut(handle))
        for offset, length in groups:
            yield Piece(rel, size, offset, length, True, offset + length >= size)
        return
    for offset in range(0, max(size, 1), PIECE_BYTES):
        length = min(PIECE_BYTES, size - offset)
        yield Piece(rel, size, offset, length, False, offset + length >= size)


class Deflated(NamedTuple):
    """A piece's deflated bytes and the CRC-32 of its data (the writer combines a member's
    from its pieces': :func:`corpuskit.crc32.crc32_combine`)."""

    deflated: bytes
    crc: int


def read_range(handle: BinaryIO, start: int, length: int, *, chunk: int = CHUNK,
               short: str = "") -> Iterator[bytes]:
    """Bytes ``[start, start + length)`` of the open file ``handle``, ``chunk`` at a time;
    an OSError (``short``, if given) if the file ends before."""
    handle.seek(start)
    while length > 0:
        data = handle.read(min(length, chunk))
        if not data:
            raise OSError(short or f"{getattr(handle, 'name', 'a file')} ended {length} "
                                   "bytes early")
        length -= len(data)
        yield data


def file_chunks(path: Path, start: int, length: int) -> Iterator[bytes]:
    """Bytes ``[start, start + length)`` of ``path``, :data:`CHUNK` at a time."""
    with path.open("rb") as source:
        yield from read_range(source, start, length,
                              short=f"{path} changed size while it was being archived")


def file_bytes(path: Path, start: int, length: int) -> bytes:
    """Bytes ``[start, start + length)`` of ``path``, whole (a piece: a few MB at most)."""
    return b"".join(file_chunks(path, start, length))


def read_and_deflate(folder: Path, piece: Piece, compression: Compression) -> Deflated:
    """Read one piece (and the window before it), deflate it and take its CRC."""
    if piece.records:  # a record group: no bigger than its deflated bytes in memory
        records = RecordsDeflater(compression)
        deflated = [records.feed(chunk)
                    for chunk in file_chunks(folder / piece.rel, piece.offset, piece.length)]
        deflated.append(records.end())
        return Deflated(b"".join(deflated), records.crc)
    start = max(piece.offset - WINDOW, 0)
    data = file_bytes(folder / piece.rel, start, piece.offset + piece.length - start)
    window, chunk = data[:piece.offset - start], data[piece.offset - start:]
    return Deflated(deflate_piece(chunk, window, last=piece.last, compression=compression),
                    crc32(chunk))
