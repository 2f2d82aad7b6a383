"""Deflate as corpuskit's archives hold it, in pieces that can be made apart and joined.

An archive member is one raw deflate stream, made by the corpus's :class:`Compression`
(``[output] compression`` in corpus.toml: zlib's level 4 by default, zlib's level 6, or
ISA-L's level 2; see :data:`COMPRESSIONS`).
It is made of pieces, each ended with a sync flush (byte-aligned, not final) except the
last, so pieces made in any process, at any time, join into the same stream:

- a file of up to :data:`PIECE_BYTES` is one piece (with zlib, byte for byte what
  :mod:`zipfile` writes);
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
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol

import isal
from isal import isal_zlib

from ..crc32 import crc32
from ..models import document_id
from ..package import unbagit_path
from ..shards import ShardCutter


class Compressor(Protocol):
    """A deflate compressor object (zlib's ``compressobj``, or ISA-L's)."""

    def compress(self, data: bytes | bytearray | memoryview, /) -> bytes: ...

    def flush(self, mode: int = ..., /) -> bytes: ...


@dataclass(frozen=True)
class Compression:
    """How a corpus's archive members are deflated: a library (a module with zlib's
    ``compress`` and ``compressobj``) at one level. Each kind of piece is always made
    with the same call (one-shot or a compressor object; with ISA-L the two give
    different bytes), so a piece's bytes depend only on its input."""

    #: As ``[output] compression`` names it.
    name: str
    level: int
    #: The library and its version: part of the shard cache's key (cached pieces are
    #: deflated bytes).
    library: str
    module: Any

    def compress(self, chunk: bytes | memoryview) -> bytes:
        """A whole raw deflate stream of ``chunk``: zlib's in one call, ISA-L's through a
        compressor object.

        ISA-L's one-shot deflate (``isal_zlib.compress``) is not used: its bytes depend on
        the process far more often (the cause is not established: python-isal gives both
        its one-shot call and its compressor objects a working buffer it does not clear,
        and the two drive ISA-L differently). On this machine (isal 1.9.1) 3,000 short
        lines deflated in 16 fresh processes gave 12 different outputs, through a
        compressor object one; but a compressor object too deflated a few files to other
        bytes, now and then (QA: 4 of about 30 incremental builds of 2,500 documents gave
        a zip whose members differed from a cold build's in 1 to 3 compressed streams), so
        ``fast`` is still not reproducible (:data:`COMPRESSIONS`). A compressor object
        deflated 2 KB texts at 171 MB/s against the one-shot's 187."""
        if self.module is isal_zlib:
            compressor = self.compressor()
            return bytes(compressor.compress(chunk) + compressor.flush())
        result: bytes = self.module.compress(chunk, self.level, wbits=-15)
        return result

    def compressor(self, window: bytes | memoryview = b"") -> Compressor:
        """A raw deflate compressor, with ``window`` (the bytes before) as dictionary."""
        made: Compressor = (
            self.module.compressobj(self.level, zlib.DEFLATED, -15, zdict=window) if window
            else self.module.compressobj(self.level, zlib.DEFLATED, -15))
        return made


#: The compressions a corpus may choose, by name (``zlib-4`` unless corpus.toml says, see
#: :data:`corpuskit.config.DEFAULT_COMPRESSION`).
#:
#: ``zlib-4`` (the default): zlib at level 4, as reproducible as ``zlib`` (the archive is
#: byte for byte what Python's :mod:`zipfile` writes at ``compresslevel=4`` for its small
#: files, wherever the same zlib runs). On the benchmark corpus (100,000 documents of about
#: 2 KB) it deflated the records at 86 MB/s against level 6's 43 and the raw files at 71
#: against 61, for a zip 1.7% larger (224.5 MB against 220.8); cold builds took 14.1 and
#: 16.1 s against 17.3 and 19.5 (alternating); on 1,500 documents of about 95 KB, 4.26 s
#: against 7.89, for a zip 6% larger. Level 4 is zlib's lightest with lazy
#: matching: level 3 was no faster on the records (87 MB/s) for records 5% larger, levels 2
#: and 1 deflated them at 119 and 131 MB/s, 7% and 11% larger.
#:
#: ``fast``: ISA-L (the ``isal`` package, which corpuskit has for its CRC-32)
#: at level 2. On this machine it deflates text 10-30 times faster than zlib's level 6
#: (355 against 27 MB/s on English prose, 415 against 31 on the benchmark's records) for
#: members 10-16% larger on prose (6% for the benchmark corpus); with the benchmark kit, a
#: cold build of its 100,000 documents took 14.9 s against 22.1, one of 60,000 documents of
#: another mix 9.8 against 26.4 (docs/performance.md). Its bytes are **not reproducible**:
#: ISA-L's deflate depends on the process's state (:meth:`Compression.compress`), so two
#: builds of the same seeds on one machine may give zips that differ in a few members'
#: compressed bytes; ISA-L also picks its code by the CPU's features. The members
#: themselves, and the package folder, are identical everywhere (``corpuskit check``
#: compares members).
#:
#: ``zlib``: zlib at level 6, zipfile's default: the archive is byte for byte what Python's
#: :mod:`zipfile` writes for its small files, wherever the same zlib runs, and about 10%
#: smaller than ``fast``'s; a cold build spends most of its time deflating. zlib-ng (the
#: ``zlib-ng`` package) was not taken: its output depends on how the input is cut into
#: ``compress()`` calls and, as its maintainers say, on the CPU architecture.
COMPRESSIONS = {
    # "stream": pieces deflated by a compressor object (cached one-shot pieces are not).
    "fast": Compression("fast", 2, f"isal {isal.__version__} stream", isal_zlib),
    "zlib": Compression("zlib", 6, f"zlib {zlib.ZLIB_RUNTIME_VERSION}", zlib),
    "zlib-4": Compression("zlib-4", 4, f"zlib {zlib.ZLIB_RUNTIME_VERSION}", zlib),
}
#: Bytes of a file deflated as one piece. Fixed: the output must not depend on the machine.
PIECE_BYTES = 1 << 20
#: A piece of data/documents.jsonl ends after the record that brings it to this many bytes
#: (a shard of 512 documents of about 2 KB is two pieces). Fixed: part of the archive's
#: bytes.
RECORDS_PIECE_BYTES = 1 << 20
WINDOW = 32 * 1024
#: An empty final block (fixed Huffman codes, end of block): ends a stream of sync-flushed
#: pieces, whichever library deflated them.
END = b"\x03\x00"


def deflate_piece(chunk: bytes | memoryview, window: bytes | memoryview = b"", *,
                  last: bool, compression: Compression) -> bytes:
    """Deflate ``chunk`` (``window``: the bytes before it, as dictionary)."""
    if last and not window:
        # A whole small file, the usual case: one call into zlib instead of two (the same
        # bytes as a compressor object's, 10-15% faster on files of a few KB).
        return compression.compress(chunk)
    compressor = compression.compressor(window)
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
    some platforms link Python's zlib against, does not, nor does ISA-L (cut into a few KB
    at a time, seen here). Every group of lines, records or the payload manifest's, is
    deflated through this class, by the build's workers and by the archive writer alike.
    Callers feed slices of that size anyway (the rest waits here, copied, until the next
    part or :meth:`end`)."""

    def __init__(self, compression: Compression) -> None:
        self._compressor = compression.compressor()
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
