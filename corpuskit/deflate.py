"""Deflate as corpuskit's archives hold it, in pieces that can be made apart and joined.

An archive member is one raw deflate stream (zlib level :data:`LEVEL`). It is made of pieces, each
ended with a sync flush (byte-aligned, not final) except the last, so pieces made in any
process, at any time, join into the same stream:

- a file of up to :data:`PIECE_BYTES` is one piece, byte for byte what :mod:`zipfile`
  writes;
- a larger file is cut every :data:`PIECE_BYTES`, each piece deflated with the 32 KiB
  before it as dictionary (pigz's method: the joined stream compresses as well as one);
- ``data/documents.jsonl`` is cut into blocks that are a build's shards (cut by the
  records' ids, :mod:`corpuskit.shards`), and a block into pieces of whole records: a piece
  ends after the record that brings it to :data:`RECORDS_PIECE_BYTES` or more
  (:func:`record_groups`). Each piece is deflated alone, and the file ended with
  :data:`END`; so a build's workers deflate their own shard of records, and an
  incremental build reuses the pieces that did not change: those of the shards that did
  not, and in a shard of large documents that did, the pieces before and after the
  changed one (deflating a whole shard of 512 documents of 100 KB took longer than the
  rest of the build);
- the payload manifest, ``manifest-sha256.txt``, if larger than :data:`PIECE_BYTES`,
  likewise: cut after the lines that name the raw files of each shard, and the lines
  from the first that does not (those of data/documents.jsonl and the other data files)
  are the last piece (:func:`manifest_groups`). A shard's raw files are one piece: its
  worker deflates their lines, and an incremental build reuses them (deflating the 10 MB
  of a corpus of 100,000 documents took a third of a second on the path every build waits
  for). A smaller manifest is one piece, as any small file (the zips of small corpora,
  released before, keep their bytes).
"""

from __future__ import annotations

import json
import sys
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from .crc32 import crc32
from .models import document_id
from .package import unbagit_path
from .shards import ShardCutter

#: zipfile's default. Level 2 deflated the benchmark's records 3x faster and its raw files
#: 1.4x (a cold build of 100,000 documents 12-20% shorter) for an archive 7% larger: not
#: taken, as a corpus is built once and downloaded many times. Part of the shard cache's key.
#:
#: zlib-ng (the ``zlib-ng`` package) at this level made the same cold build 18% shorter for
#: an archive 0.5% larger, but not taken either: its output depends on how the input is
#: cut into ``compress()`` calls (a piece made in parts would differ from the same piece
#: made at once, see :class:`RecordsDeflater`) and, as reported, on the CPU architecture.
LEVEL = 6
#: Bytes of a file deflated as one piece. Fixed: the output must not depend on the machine.
PIECE_BYTES = 1 << 20
#: A piece of data/documents.jsonl ends after the record that brings it to this many bytes
#: (a shard of 512 documents of about 2 KB is two pieces). Fixed: part of the archive's
#: bytes.
RECORDS_PIECE_BYTES = 1 << 20
WINDOW = 32 * 1024
#: An empty final block: ends a stream of sync-flushed pieces.
END = zlib.compressobj(LEVEL, zlib.DEFLATED, -15).flush()


def deflate_piece(chunk: bytes | memoryview, window: bytes | memoryview = b"", *,
                  last: bool) -> bytes:
    """Deflate ``chunk`` (``window``: the bytes before it, as dictionary)."""
    if last and not window and sys.version_info >= (3, 11):  # wbits: Python 3.11 on
        # A whole small file, the usual case: the one-shot call gives the same bytes (the
        # same defaults) with one call into zlib instead of two, 10-15% faster on files of
        # a few KB.
        return zlib.compress(chunk, LEVEL, wbits=-15)
    compressor = (zlib.compressobj(LEVEL, zlib.DEFLATED, -15, zdict=window) if window
                  else zlib.compressobj(LEVEL, zlib.DEFLATED, -15))
    return compressor.compress(chunk) + compressor.flush(
        zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


#: A record group goes to the compressor in slices of this many bytes, and then the rest.
FEED_BYTES = 1 << 20


class RecordsDeflater:
    """One piece of data/documents.jsonl (whole records; not the last piece's END), fed in
    parts, so that a group of large documents is never held whole, with the CRC-32 and size
    of what was fed.

    Whatever the parts, the compressor is handed the group's :data:`FEED_BYTES` slices and
    then the rest, one call each: the output then depends on the group's bytes only, with
    any deflate library. Python's usual zlib gives the same bytes however its input is cut
    (so these are those of ``deflate_piece(group, last=False)``, tested); zlib-ng, which
    some platforms link Python's zlib against, does not. Callers feed slices of that size
    anyway (the rest waits here, copied, until the next part or :meth:`end`)."""

    def __init__(self) -> None:
        self._compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
        self._rest = bytearray()  # fed but not yet handed to the compressor
        self.crc = 0
        self.size = 0

    def feed(self, data: bytes) -> bytes:
        """Deflated bytes ready so far (often none)."""
        self.crc = crc32(data, self.crc)
        self.size += len(data)
        view = memoryview(data)
        out: list[bytes] = []
        if self._rest:
            taken = FEED_BYTES - len(self._rest)
            self._rest += view[:taken]
            view = view[taken:]
            if len(self._rest) < FEED_BYTES:
                return b""
            out.append(self._compressor.compress(self._rest))
            self._rest.clear()
        whole = len(view) - len(view) % FEED_BYTES
        out += [self._compressor.compress(view[at:at + FEED_BYTES])
                for at in range(0, whole, FEED_BYTES)]
        self._rest += view[whole:]
        return b"".join(out)

    def end(self) -> bytes:
        """The last deflated bytes of the piece (sync-flushed, not final)."""
        rest = self._compressor.compress(self._rest) if self._rest else b""
        self._rest.clear()
        return rest + self._compressor.flush(zlib.Z_SYNC_FLUSH)


#: Bytes of a record line looked at for its id (a corpuskit record starts with it).
ID_HEAD = 32 * 1024
_ID_START = b'{"id":'
_JSON = json.JSONDecoder()


def record_id(head: bytes | bytearray) -> str:
    """The id of the record whose line starts with ``head``, or ``""`` if it does not start
    with one (then no shard ends after it: a file corpuskit did not write is cut
    differently, and its pieces are deflated anew)."""
    if not head.startswith(_ID_START):
        return ""
    try:
        value, _ = _JSON.raw_decode(head[len(_ID_START):].decode("utf-8", "surrogateescape"))
    except ValueError:
        return ""
    return value if isinstance(value, str) else ""


def record_groups(handle: BinaryIO, *, blocks: bool = True, block: int = 1 << 20
                  ) -> Iterator[tuple[int, int]]:
    """``(offset, length)`` of each piece of a JSONL file of records: blocks that are the
    build's shards (:mod:`corpuskit.shards`, by the records' ids), each cut after the line
    that brings a piece to :data:`RECORDS_PIECE_BYTES` or more. ``blocks=False``: the file
    is one block (a shard file)."""
    cutter = ShardCutter() if blocks else None
    start = position = 0
    head = bytearray()  # the first bytes of the current line
    while data := handle.read(block):
        at = 0
        while True:
            end = data.find(b"\n", at)
            if cutter is not None and len(head) < ID_HEAD:
                stop = end if end >= 0 else len(data)
                head += data[at:min(stop, at + ID_HEAD - len(head))]
            if end < 0:
                break
            line_end = position + end + 1
            if (cutter is not None and cutter.ends_after(record_id(head))) \
                    or line_end - start >= RECORDS_PIECE_BYTES:
                yield start, line_end - start
                start = line_end
            head.clear()
            at = end + 1
        position += len(data)
    if position > start:
        yield start, position - start


#: Where the path of a line of a sha256 manifest starts (64 hex digits, two spaces).
MANIFEST_PATH_AT = 66
#: How the path of a manifest line naming a raw file starts.
RAW_PATH = b"data/raw/"


def manifest_groups(handle: BinaryIO) -> Iterator[tuple[int, int]]:
    """``(offset, length)`` of each piece of a payload manifest: the lines naming the raw
    files of each shard (:mod:`corpuskit.shards`, by the documents' ids), then every line
    from the first that does not name a raw file, as one piece."""
    cutter = ShardCutter()
    start = position = 0
    raw = True
    end = MANIFEST_PATH_AT + len(RAW_PATH)
    for line in handle:
        if raw and line[MANIFEST_PATH_AT:end] != RAW_PATH:
            raw = False
            if position > start:
                yield start, position - start
                start = position
        position += len(line)
        if raw:
            path = unbagit_path(line[end:].rstrip(b"\n").decode("utf-8", "surrogateescape"))
            if cutter.ends_after(document_id(path)):
                yield start, position - start
                start = position
    if position > start:
        yield start, position - start
