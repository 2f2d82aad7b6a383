"""Run the per-document pipeline over a corpus: in shards, on all cores, with a cache.

The sorted documents are cut into shards of about 512 by their ids
(:mod:`corpuskit.shards`); shard boundaries depend only on the sorted input, never on
the number of workers, so one worker and many write the same bytes. Each shard's worker
reads its raw files, copies them into the package folder (or hard-links the same bytes
from the latest earlier release), writes its records as a JSONL shard file and its
archive pieces, and returns only the shard's statistics and manifest lines; the parent
concatenates shard files in order. A content-addressed cache (see :class:`ShardCache`)
lets an incremental build skip shards whose inputs did not
change; its entries are hard-linked in and out where the filesystem allows.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, contextmanager, nullcontext, suppress
from dataclasses import asdict, dataclass, replace
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from . import __version__
from .archive import (
    PieceEntry,
    RecordPieces,
    make_segment,
    manifest_entry,
    read_range,
    records_entry,
    segment_index_path,
    segment_path,
)
from .config import DEFAULT_COMPRESSION, ProcessConfig, read_regular
from .crc32 import crc32
from .deflate import (
    COMPRESSIONS,
    PIECE_BYTES,
    WINDOW,
    Compression,
    RecordsDeflater,
    deflate_piece,
    record_groups,
)
from .discover import read_source, read_source_stat
from .errors import CorpuskitError, OutputError, UsageError
from .forkpool import end_on_interrupt, threads_without_interrupt
from .heap import start_worker_heap
from .language import use_model_cache
from .listings import FOLDER as LISTINGS_FOLDER
from .models import DocumentProblem, RawDocument, Record, SourceRef, record_from_dict
from .package import DOCUMENTS_PATH, RAW_PREFIX, CorpusStats, manifest_lines
from .problems import Problem
from .reader import open_regular
from .seedstate import FOLDER as SEED_STATES_FOLDER
from .seedstate import SeedStates, UnchangedCopies
from .shards import cut
from .writer import (
    TEMP_PREFIX,
    copy_into,
    file_identity,
    link_or_write_file,
    stream_file,
    write_file,
)

SHARD_FOLDER = ".shards"
#: Part of every cache key: changed with the entries' format, and with anything that gives
#: other records for the same bytes within one corpuskit version (v11: decoding no longer
#: refuses Latin text whose accented letters are mostly capitals that start words), so
#: that no entry made before serves records a fresh build would not make.
CACHE_FORMAT = "corpuskit-shard-cache-v11"
#: The characters of a shard folder's name (the first two hex digits of its keys).
_HEX = frozenset("0123456789abcdef")
#: Raw bytes a worker keeps in memory per shard; bigger shards are re-read on a cache miss.
_MAX_SHARD_MEMORY = 16 * 1024 * 1024
#: Bytes of a shard file read at a time to deflate its records.
_RECORDS_CHUNK = 1 << 20
#: Documents processed together (their languages identified in one batch: about 100 µs a
#: document less than one at a time), unless their raw bytes reach :data:`BATCH_BYTES`
#: first: a batch's documents are held until it is done, so large ones go alone or nearly
#: (their identification is a small part of their processing anyway). As many as a shard
#: holds: the walk's rounds and the features' passes are numpy calls per batch, and
#: identifying the benchmark's texts took 56 µs a document in batches of 512 against 68
#: in batches of 128 (six alternating runs of 16,384 texts, medians; 400 and 1,024 as 512:
#: the benchmark's batches, of about 2.5 KB documents, stop at the bytes, near 400).
BATCH_DOCUMENTS = 512
BATCH_BYTES = 1 << 20


@dataclass(frozen=True)
class DocSummary:
    """The small facts about one built record that the parent needs (stats, manifests)."""

    id: str
    title: str | None
    date: str | None
    language: str
    rights: str | None
    chars: int
    words: int
    source_path: str
    source_bytes: int
    source_sha256: str
    source_encoding: str
    normalization: tuple[str, ...]

    @classmethod
    def of(cls, record: Record) -> DocSummary:
        return cls(record.id, record.title, record.date, record.language, record.rights,
                   record.chars, record.words, record.source_path, record.source_bytes,
                   record.source_sha256, record.source_encoding, record.normalization)


@dataclass(frozen=True)
class ShardTask:
    """One shard's work. ``package`` is the temporary folder written into; ``release`` is
    the release folder it becomes, the one error messages name (a temporary path means
    nothing to the user). ``earlier`` is an earlier release whose raw files, where they
    hold the same bytes, are hard-linked rather than copied (see
    :func:`corpuskit.writer.link_or_write_file`). With ``archive_root``, the worker also
    makes the shard's raw files into zip entries under that folder name, time-stamped
    ``created`` (see :func:`corpuskit.archive.make_segment`)."""

    index: int
    refs: tuple[SourceRef, ...]
    seeds: Path
    package: Path
    config: ProcessConfig
    cache: Path | None
    #: discover.max_file_bytes: a larger seeds file is refused unread (read_source).
    max_file_bytes: int
    release: Path | None = None
    earlier: Path | None = None
    archive_root: str | None = None
    created: str | None = None
    #: How the archive pieces are deflated (a name in :data:`~corpuskit.deflate.COMPRESSIONS`).
    compression: str = DEFAULT_COMPRESSION

    def __reduce__(self) -> tuple[Callable[..., ShardTask], tuple[Any, ...]]:
        """Pickled (to a worker) with its refs as bare paths: a tuple of 512 strings
        pickles fifty times faster than 512 ``SourceRef`` objects (0.7 ms a shard, paid
        by the parent's feeder thread for every shard, and about as much to unpickle)."""
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        values["refs"] = tuple(ref.path for ref in self.refs)
        return _shard_task, (values,)

    @property
    def shown_release(self) -> Path:
        return self.release if self.release is not None else self.package

    def copying(self, ref: SourceRef) -> str:
        """What the raw copy of ``ref`` is, for an error message: seeds path → release path."""
        return (f"cannot copy {self.seeds / ref.path} to "
                f"{self.shown_release / (RAW_PREFIX + ref.path)}")

    def _files(self) -> str:
        first, last = self.refs[0].path, self.refs[-1].path
        return (f"{self.seeds / first}" if first == last else
                f"{self.seeds / first} to {self.seeds / last} ({len(self.refs)} files)")

    def writing_records(self) -> str:
        """What writing this shard's records is, for an error message."""
        return (f"cannot write the records of {self._files()} for "
                f"{self.shown_release / DOCUMENTS_PATH}")

    def writing_pieces(self) -> str:
        """What writing this shard's archive pieces is, for an error message."""
        release = self.shown_release
        return (f"cannot write the compressed archive pieces of {self._files()} for "
                f"{release.with_name(release.name + '.zip')}")


@dataclass(frozen=True)
class ShardResult:
    """What the parent needs of a shard: its records file, the statistics and manifest
    lines of its documents (made by the worker: per document, that work would be the
    parent's, on the one core everything else waits for), and its problems."""

    index: int
    jsonl: Path
    stats: CorpusStats
    manifest: bytes
    problems: tuple[Problem, ...]
    cached: bool
    #: Where each piece of the shard's records is in its archive pieces: ``(offset,
    #: length, size, crc32)`` (``PiecesWriter``), if the worker knows it (the archive
    #: writer then need not read the pieces' index for it).
    records: RecordPieces | None = None
    #: Where the group of its manifest lines is in its archive pieces, likewise.
    manifest_group: PieceEntry | None = None

    @classmethod
    def of(cls, index: int, jsonl: Path, summaries: Sequence[DocSummary], cached: bool
           ) -> ShardResult:
        stats = CorpusStats()
        for summary in summaries:
            stats.add(summary)
        manifest = manifest_lines((RAW_PREFIX + summary.source_path, summary.source_sha256)
                                  for summary in summaries)
        return cls(index, jsonl, stats, manifest, (), cached)

    @property
    def pieces(self) -> Path:
        """The shard's archive pieces (see :func:`write_pieces`)."""
        return pieces_path(self.jsonl)


def pieces_path(jsonl: Path) -> Path:
    return jsonl.with_suffix(".deflate")


def pieces_index_path(jsonl: Path) -> Path:
    return jsonl.with_suffix(".deflate.json")


def large_pieces(data: bytes, compression: Compression) -> Iterator[tuple[int, bytes]]:
    """The CRC-32 and deflated bytes of each piece of a file over :data:`PIECE_BYTES`: what
    the archive writer makes of its pieces (``archive._deflate``: every
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
    :mod:`corpuskit.deflate` and :class:`corpuskit.archive.PreparedPieces`). A raw file
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
                        for chunk in read_range(jsonl, offset, length, chunk=_RECORDS_CHUNK):
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


def config_fingerprint(config: ProcessConfig, compression: Compression) -> str:
    """What, besides the raw bytes, decides a shard's cached records and archive pieces:
    config, corpuskit and Unicode versions, and the compression (library, version, level)."""
    return _fingerprint(config, CACHE_FORMAT, __version__, unicodedata.unidata_version,
                        compression.library, compression.level)


@lru_cache(maxsize=16)
def _fingerprint(config: ProcessConfig, form: str, version: str, unicode: str,
                 deflate_library: str, deflate_level: int) -> str:
    """:func:`config_fingerprint`, made once per worker for all its shards (0.1 ms each)."""
    data = {
        "format": form,
        "corpuskit": version,
        "unicode": unicode,
        "deflate": deflate_library,  # the archive pieces are cached too,
        "deflate_level": deflate_level,  # and deflated at this level
        "config": asdict(config),
    }
    return hashlib.sha256(orjson.dumps(data, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _file_check(path: Path) -> str:
    """What tells a cache file damaged from sound: its CRC-32 and size, ``<crc>:<size>``.

    A cache is checked against damage (a disk error, a file cut short, a byte changed by
    hand), not against whoever can write to it: they could write any entry, whatever its
    digest. That is what zip and gzip check their contents with; here it runs at twice the
    speed of sha256, over every cached file that a build takes (the records and pieces of
    every shard: about 490 MB for 100,000 documents).
    """
    buffer, view = _check_buffer()
    crc = size = 0
    fd = open_regular(str(path))  # a pipe there: refused, a miss
    try:
        while count := os.readv(fd, [buffer]):
            crc = crc32(view[:count], crc)
            size += count
    finally:
        os.close(fd)
    return f"{crc:08x}:{size}"


#: Bytes :func:`_file_check` reads at a time.
_CHECK_BYTES = 1 << 20
#: Each thread's buffer for :func:`_file_check` (a Dask worker runs tasks in threads).
_CHECK_BUFFERS = threading.local()


def _check_buffer() -> tuple[bytearray, memoryview]:
    """The calling thread's buffer for :func:`_file_check`, and a view of it, read into
    again and again. A fresh megabyte for every read (``handle.read``) cost the kernel a
    new zeroed page for every 4 KB in a process whose malloc hands freed memory back (a
    build with ``--jobs 1``, a Dask worker): the checks of the 490 MB of a cached build of
    100,000 documents took 0.26 s that way, 0.11 s so (tmpfs). The local engine's workers
    keep freed memory (:func:`corpuskit.heap.keep_freed_memory`): 0.112 s and 0.104 s."""
    held: tuple[bytearray, memoryview] | None = getattr(_CHECK_BUFFERS, "buffer", None)
    if held is None:
        buffer = bytearray(_CHECK_BYTES)
        held = _CHECK_BUFFERS.buffer = (buffer, memoryview(buffer))
    return held


#: Seconds after which a cache entry no build used is removed (:meth:`ShardCache.prune`).
CACHE_MAX_AGE = 30 * 24 * 3600


class ShardCache:
    """Processed shards, keyed by the shard's paths, raw sha256s and the config fingerprint.

    An entry is the shard's files (records, archive pieces and their index) and what the
    parent needs of the shard: its statistics and manifest lines, so that a hit costs the
    same for a shard of ten documents as for one of a thousand. Entries are written
    atomically (temporary file + rename) with each file's CRC-32 and size, so a cache folder
    can be deleted at any moment; a missing or damaged entry (a changed byte included) is
    simply a miss.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def holds_entries(self) -> bool:
        """Whether the cache folder holds shards (in folders named by two hex digits of
        their keys; the decoded language model beside them does not count)."""
        return bool(self._shard_folders())

    @staticmethod
    def key(fingerprint: str, entries: Sequence[tuple[str, str]]) -> str:
        hashed = "".join([f"\0{path}\0{sha}" for path, sha in entries])
        return hashlib.sha256(fingerprint.encode() + hashed.encode("utf-8", "surrogateescape")
                              ).hexdigest()

    def _paths(self, key: str) -> tuple[Path, Path]:
        folder = self.root / key[:2]
        return folder / f"{key}.jsonl", folder / f"{key}.json"

    def entry(self, key: str) -> tuple[Path, CorpusStats, bytes] | None:
        """The records file of the cached shard ``key`` (its archive pieces are beside it,
        :func:`pieces_path`), its statistics and manifest lines; None if there is no such
        entry, or if any byte of it changed."""
        jsonl, meta = self._paths(key)
        try:
            raw = orjson.loads(read_regular(meta, _MAX_META_BYTES))
            if raw["check"] != _meta_check(key, raw["files"], raw["stats"], raw["manifest"]):
                return None  # damaged, or filed under another key: a miss
            stats, manifest = CorpusStats.from_json(raw["stats"]), raw["manifest"].encode()
            files = (jsonl, pieces_path(jsonl), pieces_index_path(jsonl))
            for source, digest in zip(files, raw["files"], strict=True):
                if _file_check(source) != digest:
                    return None  # damaged: a miss, processed and written again
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        with suppress(OSError):  # used now: kept by prune for another MAX_AGE
            os.utime(meta)
        return jsonl, stats, manifest

    def prune(self, max_age: float = CACHE_MAX_AGE) -> int:
        """Remove the entries no build has used for ``max_age`` seconds (a build uses an
        entry it writes or takes: its description's mtime), and the seeds states and
        listings no build has saved for as long; the number of files removed. Without it
        the cache grew by a shard for every shard that changed, for ever. Entries in use
        are never that old."""
        horizon = time.time() - max_age
        removed = 0
        single = (SEED_STATES_FOLDER, LISTINGS_FOLDER)  # folders of files standing alone
        for folder in [*self._shard_folders(), *(self.root / name for name in single)]:
            try:
                names = os.listdir(folder)
            except OSError:
                continue
            for name in names:
                path = folder / name
                try:
                    old = path.stat().st_mtime < horizon
                except OSError:
                    continue
                if not old:
                    continue
                if folder.name in single or name.startswith(TEMP_PREFIX):
                    doomed = [path]  # a state, a listing, or what a killed build left half-written
                elif name.endswith(".json") and not name.endswith(".deflate.json"):
                    jsonl = path.with_suffix(".jsonl")
                    doomed = [path, jsonl, pieces_path(jsonl), pieces_index_path(jsonl)]
                elif name.endswith(".jsonl") and not path.with_suffix(".json").exists():
                    # an entry whose description was never written (a killed build)
                    doomed = [path, pieces_path(path), pieces_index_path(path)]
                else:
                    continue
                for file in doomed:
                    with suppress(OSError):
                        file.unlink()
                        removed += 1
        return removed

    def _shard_folders(self) -> list[Path]:
        """The folders of shard entries (two hex digits of their keys)."""
        try:
            with os.scandir(self.root) as entries:
                return [Path(entry.path) for entry in entries
                        if len(entry.name) == 2 and set(entry.name) <= _HEX]
        except OSError:
            return []

    def get(self, key: str, target: Path) -> tuple[CorpusStats, bytes] | None:
        """Copy a cached shard (records and archive pieces) to the shard file ``target``;
        its statistics and manifest lines."""
        found = self.entry(key)
        if found is None:
            return None
        jsonl, stats, manifest = found
        try:
            for source, copy in ((jsonl, target), (pieces_path(jsonl), pieces_path(target)),
                                 (pieces_index_path(jsonl), pieces_index_path(target))):
                copy_into(source, copy, atomic=False, link=True)
        except (OSError, OutputError):
            return None
        return stats, manifest

    def put(self, key: str, jsonl_source: Path, stats: CorpusStats, manifest: bytes) -> None:
        jsonl, meta = self._paths(key)
        try:
            digests = []
            for source, entry in ((jsonl_source, jsonl),
                                  (pieces_path(jsonl_source), pieces_path(jsonl)),
                                  (pieces_index_path(jsonl_source), pieces_index_path(jsonl))):
                copy_into(source, entry, link=True)
                digests.append(_file_check(source))
            stats_json, lines = stats.as_json(), manifest.decode()
            meta_doc = {"files": digests, "stats": stats_json, "manifest": lines,
                        "check": _meta_check(key, digests, stats_json, lines)}
            write_file(meta.parent, meta.name, orjson.dumps(meta_doc), atomic=True)
        except (OSError, OutputError):
            pass  # a cache that cannot be written is only a slower next build


def _meta_check(key: str, digests: Any, stats: Any, manifest: Any) -> str:
    """The sha256 of a cache entry's description (the checks of its files, its statistics
    and manifest lines, which go into the release as they are) and of its key: a changed
    byte in the entry's .json file is a miss, like one in its other files, and so is an
    entry copied or linked to another key's place."""
    return hashlib.sha256(orjson.dumps([key, digests, stats, manifest],
                                       option=orjson.OPT_SORT_KEYS)).hexdigest()


#: A cache entry's description is a few KB a shard; anything far larger is no description.
_MAX_META_BYTES = 64 * 1024 * 1024


def _shard_task(values: dict[str, Any]) -> ShardTask:
    """A :class:`ShardTask` from what its ``__reduce__`` gave (refs as paths)."""
    return ShardTask(**{**values, "refs": tuple(SourceRef(path) for path in values["refs"])})


def plan_shards(refs: Sequence[SourceRef]) -> list[tuple[int, tuple[SourceRef, ...]]]:
    """The shards of the sorted ``refs``, numbered: cut by their ids
    (:mod:`corpuskit.shards`); each is one block of the archive's data/documents.jsonl
    (cut into pieces of about a MiB, see :func:`corpuskit.deflate.record_groups`)."""
    shards: list[tuple[int, tuple[SourceRef, ...]]] = []
    first = 0
    for size in cut(len(refs), lambda i: refs[i].id):
        shards.append((len(shards), tuple(refs[first:first + size])))
        first += size
    return shards


#: Why a seeds file whose bytes differ between the two reads of one build is refused.
CHANGED_WHILE_READ = ("the file changed while the build read it; run the build again once "
                      "the seeds stop changing")


def _records() -> Any:
    """:mod:`corpuskit.records`, imported when a shard has documents to process: it brings
    ftfy and the rest of the pipeline (about 70 ms), which a build's parent and a worker
    whose shards are all cache hits never need."""
    from . import records

    return records


def process_shard(task: ShardTask) -> ShardResult:
    """Worker body: read, copy and process one shard; write its JSONL shard file."""
    use_model_cache(task.cache)  # a miss loads the language model from there
    problems: list[Problem] = []
    datas: list[bytes | None] = []
    keyed: list[tuple[str, str]] = []
    kept = 0
    earlier = f"{task.earlier}/" if task.earlier is not None else None
    states = (SeedStates(task.cache, [ref.path for ref in task.refs])
              if task.cache is not None else None)
    remembered = states.load() if states is not None else []
    earlier_raw = task.earlier / RAW_PREFIX if task.earlier is not None else None
    with UnchangedCopies(task.seeds, earlier_raw, task.package / RAW_PREFIX,
                         task.max_file_bytes) as unchanged:
        for position, ref in enumerate(task.refs):
            known = remembered[position] if remembered else None
            if known is not None and earlier is not None and states is not None \
                    and not problems:
                # If neither the seeds file nor the earlier copy changed since a build
                # read them, the copy is linked, unread (corpuskit.seedstate).
                linked = unchanged.link(ref.path, known)
                if linked is not None:
                    keyed.append((ref.path, known.sha256))
                    states.keep(position, known, linked)
                    datas.append(None)
                    continue
            try:
                raw, seed = read_source_stat(task.seeds, ref, max_bytes=task.max_file_bytes)
            except DocumentProblem as bad:
                problems.append(bad.problem)
                datas.append(None)
                continue
            sha = hashlib.sha256(raw.data).hexdigest()
            keyed.append((ref.path, sha))
            if not problems:
                member = RAW_PREFIX + ref.path
                placed = link_or_write_file(task.package, member, raw.data,
                                            earlier + member if earlier else None,
                                            doing=partial(task.copying, ref),
                                            seed=(seed.st_dev, seed.st_ino))
                if states is not None:
                    states.learn(position, file_identity(seed), sha, file_identity(placed))
            kept += len(raw.data)
            datas.append(raw.data if kept <= _MAX_SHARD_MEMORY else None)

    shard_file = task.package / SHARD_FOLDER / f"{task.index:08d}.jsonl"
    compression = COMPRESSIONS[task.compression]
    cache = ShardCache(task.cache) if task.cache is not None else None
    key = ""
    shas = [sha for _, sha in keyed]
    reused: EarlierShard | None = None
    if cache is not None and not problems:
        fingerprint = config_fingerprint(task.config, compression)
        key = ShardCache.key(fingerprint, keyed)
        if states is not None:
            states.made(key, shas)
        hit = cache.get(key, shard_file)
        if hit is not None and hit[1] != manifest_lines(
                (RAW_PREFIX + path, sha) for path, sha in keyed):
            hit = None  # not the records of these files: processed again, never published
        if hit is not None:
            groups = _make_segment(task, shard_file)
            if states is not None:
                states.save()
            return ShardResult(task.index, shard_file, *hit, (), True, *groups)
        if states is not None:
            reused = EarlierShard.find(cache, states, fingerprint, keyed)

    summaries: list[DocSummary] = []
    shard_file.parent.mkdir(parents=True, exist_ok=True)
    pieces = PiecesWriter(shard_file, task.writing_pieces(), compression)
    unreadable = {p.path for p in problems}
    # Records are made a batch of documents at a time (their languages are identified
    # together) and written as each batch is done: at most a batch of them is held.
    batch: list[RawDocument] = []
    held = 0

    def write_batch() -> None:
        nonlocal held
        if not batch:
            return
        records_module = _records()
        for raw, made in zip(batch, records_module.process_documents_reported(
                batch, task.config), strict=True):
            if isinstance(made, Problem):
                if made not in problems:
                    problems.append(made)
            elif not problems:
                records.write(records_module.record_line(made))
                summaries.append(DocSummary.of(made))
                pieces.add_raw(RAW_PREFIX + raw.path, raw.data)
        batch.clear()
        held = 0

    with reused if reused is not None else nullcontext():
        with stream_file(shard_file, doing=task.writing_records()) as records:
            for position, (ref, data) in enumerate(zip(task.refs, datas, strict=True)):
                if ref.path in unreadable:
                    continue
                if reused is not None:
                    # The documents whose bytes the earlier build of this shard had: its
                    # records and raw pieces (made with this very configuration).
                    write_batch()  # the documents before it go first
                    taken = reused.take(position, ref.path, shas[position], pieces)
                    if taken is not None:
                        records.write(taken[0])
                        summaries.append(DocSummary.of(taken[1]))
                        continue
                try:
                    raw = (RawDocument(ref.id, ref.path, data) if data is not None
                           else read_source(task.seeds, ref, max_bytes=task.max_file_bytes))
                    if data is None and not problems and \
                            hashlib.sha256(raw.data).hexdigest() != shas[position]:
                        # Read again (its bytes were not kept): they must be the ones
                        # placed in data/raw/ and keyed in the cache, or record and raw
                        # file disagree.
                        raise DocumentProblem(Problem(ref.path, "unreadable-file",
                                                      CHANGED_WHILE_READ))
                except DocumentProblem as bad:
                    write_batch()  # problems are reported in the documents' order
                    if bad.problem not in problems:
                        problems.append(bad.problem)
                    continue
                batch.append(raw)
                held += len(raw.data)
                if len(batch) == BATCH_DOCUMENTS or held >= BATCH_BYTES:
                    write_batch()
            write_batch()
        if problems:
            pieces.handle.close()
            return ShardResult(task.index, shard_file, CorpusStats(), b"", tuple(problems),
                               False)
        result = ShardResult.of(task.index, shard_file, summaries, False)
        # The pieces of records the earlier build deflated are taken from its entry.
        records_pieces, manifest_group = pieces.finish(result.manifest, reused)
    result = replace(result, records=records_pieces, manifest_group=manifest_group)
    if cache is not None:
        cache.put(key, shard_file, result.stats, result.manifest)
    _make_segment(task, shard_file, pieces.raw)
    if states is not None:
        states.save()
    return result


class EarlierShard:
    """The cache entry of the last build of a shard's paths, read along as the shard is
    built again: the record and raw piece of each document whose bytes did not change are
    taken from it, so that a shard in which one document changed processes that one
    document, not the shard. Its records are read one at a time, as they are needed."""

    def __init__(self, jsonl: Path, shas: list[str]) -> None:
        index = orjson.loads(pieces_index_path(jsonl).read_bytes())
        self.raw: dict[str, tuple[int, int, int, int]] = {
            member: (size, crc, offset, length)
            for member, size, crc, offset, length in index["raw"]}
        self.large: dict[str, tuple[int, list[list[int]]]] = {
            member: (size, pieces) for member, size, pieces in index["large"]}
        #: Each piece of its records by size and CRC: where it starts in its shard file,
        #: and where its deflated bytes are in the pieces.
        self.records_pieces: dict[tuple[int, int], tuple[int, int, int]] = {}
        start = 0
        for offset, length, size, crc in index["records"]:
            self.records_pieces.setdefault((size, crc), (start, offset, length))
            start += size
        self.shas = shas
        self.pieces = pieces_path(jsonl).open("rb")
        try:
            self.records = jsonl.open("rb")
        except OSError:
            self.pieces.close()
            raise
        self.position = 0

    @classmethod
    def find(cls, cache: ShardCache, states: SeedStates, fingerprint: str,
             keyed: Sequence[tuple[str, str]]) -> EarlierShard | None:
        """The entry the last build of these paths made, if it was made with this
        configuration (``fingerprint``: corpuskit's version included) and is intact."""
        if states.last_shard is None:
            return None
        key, shas = states.last_shard
        if len(shas) != len(keyed) or key != ShardCache.key(
                fingerprint, [(path, sha) for (path, _), sha in zip(keyed, shas, strict=True)]):
            return None  # another configuration or version: every document is processed
        found = cache.entry(key)
        if found is None:
            return None
        try:
            return cls(found[0], shas)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def __enter__(self) -> EarlierShard:
        return self

    def __exit__(self, *exc: object) -> None:
        self.records.close()
        self.pieces.close()

    def take(self, position: int, path: str, sha: str, pieces: PiecesWriter
             ) -> tuple[bytes, Record] | None:
        """The record line (and record) of the shard's document at ``position``, ``path``,
        if its bytes are still those of sha256 ``sha`` (its raw piece is added to
        ``pieces``), else None."""
        line = b""
        while self.position <= position:
            line = self.records.readline()
            self.position += 1
        if not line.endswith(b"\n") or self.shas[position] != sha:
            return None
        try:
            record = record_from_dict(orjson.loads(line))
        except (ValueError, KeyError, TypeError):
            return None  # (the entry's checks matched: not seen) processed again
        if record.source_path != path:
            return None
        member = RAW_PREFIX + path
        where = self.raw.get(member)
        if where is not None:
            size, crc, offset, length = where
            deflated = self._read(offset, length)
            if deflated is None:
                return None
            pieces.add_deflated(member, size, crc, deflated)
        elif member in self.large:
            size, large = self.large[member]
            read: list[tuple[int, bytes]] = []
            for crc, offset, length in large:
                deflated = self._read(offset, length)
                if deflated is None:
                    return None
                read.append((crc, deflated))
            pieces.add_large(member, size, read)
        else:
            return None
        return line, record

    def records_piece(self, jsonl: BinaryIO, offset: int, length: int
                      ) -> tuple[int, bytes] | None:
        """The CRC-32 and deflated bytes of the piece of records at ``offset`` in the shard
        file ``jsonl`` (``length`` bytes), if the earlier build deflated the same bytes:
        found by size and CRC, then compared byte for byte with its own shard file (read
        with ``pread``: :meth:`take` reads it in order)."""
        crc = 0
        for chunk in read_range(jsonl, offset, length, chunk=_RECORDS_CHUNK):
            crc = crc32(chunk, crc)
        found = self.records_pieces.get((length, crc))
        if found is None:
            return None
        start, deflated_at, deflated_length = found
        earlier = self.records.fileno()
        for chunk in read_range(jsonl, offset, length, chunk=_RECORDS_CHUNK):
            try:
                same = os.pread(earlier, len(chunk), start) == chunk
            except OSError:  # the earlier entry cannot be read: a miss, deflated anew
                return None
            if not same:
                return None
            start += len(chunk)
        deflated = self._read(deflated_at, deflated_length)
        return (crc, deflated) if deflated is not None else None

    def _read(self, offset: int, length: int) -> bytes | None:
        """Deflated bytes of the earlier entry's pieces; None if they cannot be read whole
        (a cache is safe to damage or delete: a miss, never a failed build)."""
        try:
            self.pieces.seek(offset)
            deflated = self.pieces.read(length)
        except OSError:
            return None
        return deflated if len(deflated) == length else None


#: The groups of a shard's pieces (records, manifest lines), where known.
Groups = tuple[RecordPieces | None, PieceEntry | None]


def _make_segment(task: ShardTask, shard_file: Path, raw: list[list[Any]] | None = None
                  ) -> Groups:
    """The headers of the shard's raw files as zip entries for this release's archive, if
    it asks (their bytes stay in the pieces file); ``raw``: the pieces' raw index, if this
    worker just made it (else it is read from the shard's index, and its groups' entries
    returned)."""
    placed: Groups = (None, None)
    if task.archive_root is None:
        return placed
    pieces = pieces_path(shard_file)
    segment = segment_path(pieces)
    try:
        if raw is None:
            index = orjson.loads(pieces_index_path(shard_file).read_bytes())
            raw = index["raw"]
            placed = (records_entry(index), manifest_entry(index))
        with stream_file(segment, doing=task.writing_pieces()) as target:
            made = make_segment(raw, target, task.archive_root, task.created)
    except OSError as exc:
        raise OutputError(f"{task.writing_pieces()}: {exc.strerror or exc}") from None
    write_file(shard_file.parent, segment_index_path(pieces).name, made,
               doing=task.writing_pieces())
    return placed


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/corpuskit``, else ``~/.cache/corpuskit`` (never inside dist/)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "corpuskit"


ENGINES = ("local", "dask")


@contextmanager
def local_pool(jobs: int, *, warm_up: Callable[[], None] | None = None
               ) -> Iterator[ProcessPoolExecutor | None]:
    """Worker processes for the local engine, forked at once (None for one job); each
    runs ``warm_up`` as it starts (it must return at once: start a thread).

    Start it before discovering the corpus: a forked worker shares the parent's memory
    as it is at that moment, so workers forked early stay as small for a million
    documents as for ten. ProcessPoolExecutor, not Pool: a worker killed by a signal or
    the OOM killer breaks the pool (an error) instead of leaving the build waiting forever.
    """
    if jobs <= 1:
        yield None
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context,
                             initializer=_start_worker, initargs=(os.getpid(), warm_up)
                             ) as pool:
        pool.submit(os.getpid).result()  # a fork start method forks every worker now
        yield pool


#: Seconds between a worker's looks at whether its parent is still there.
PARENT_CHECK_SECONDS = 0.5


def _start_worker(parent: int, warm_up: Callable[[], None] | None) -> None:
    """A pool worker's start: watch the parent, then ``warm_up``.

    A parent killed outright (SIGKILL, the OOM killer) cannot stop its workers, and they
    wait for work forever: each holding its share of memory and the descriptors it
    inherited, among them the lock on the output folder (a release takes it before its
    build forks), so every later build of that folder would wait for them. A worker whose
    parent is gone exits.

    The threads it starts (the watch, and the model's loading that ``warm_up`` may
    start) block SIGINT, so that Ctrl-C reaches the worker's main thread
    (:func:`~corpuskit.forkpool.threads_without_interrupt`), and Ctrl-C ends it whenever
    it comes (:func:`~corpuskit.forkpool.end_on_interrupt`)."""
    end_on_interrupt()
    with threads_without_interrupt():
        threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True,
                         name="corpuskit-parent-watch").start()
        start_worker_heap()
        if warm_up is not None:
            warm_up()


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


def run_shards(tasks: Sequence[ShardTask], jobs: int, *, engine: str = "local",
               scheduler: str | None = None,
               pool: ProcessPoolExecutor | None = None) -> Iterator[ShardResult]:
    """Results in shard order.

    ``local``: in-process for one job or one shard, else on ``pool`` (or a process pool of
    ``jobs`` made here). ``dask``: the shards run on the Dask cluster at ``scheduler``
    (``tcp://host:port``).
    """
    check_engine(engine, scheduler)
    if engine == "dask":
        yield from _run_on_dask(tasks, scheduler)
        return
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            yield process_shard(task)
        return
    with ExitStack() as stack:
        if pool is None:
            pool = stack.enter_context(local_pool(min(jobs, len(tasks))))
        assert pool is not None
        try:
            yield from _in_order(pool, tasks, jobs)
        except BrokenProcessPool:
            raise OutputError("a worker process died (killed, or out of memory) while "
                              "processing documents; nothing was written, run the build "
                              "again (with fewer --jobs if memory is short)") from None


def _in_order(pool: ProcessPoolExecutor, tasks: Sequence[ShardTask], jobs: int
              ) -> Iterator[ShardResult]:
    """Every task's result, in order (they are started in :func:`start_order`). However
    this ends (an error in one shard, or the caller stopping early), no task is still
    running when it returns: the caller removes the folder the workers write into right
    after, and a worker still writing would recreate part of it."""
    futures: list[Future[ShardResult] | None] = [None] * len(tasks)
    try:
        for index in start_order(tasks, jobs):
            futures[index] = pool.submit(process_shard, tasks[index])
        for future in futures:
            assert future is not None
            yield future.result()
    finally:
        started = [future for future in futures if future is not None]
        for future in started:
            future.cancel()
        wait(started)


#: With at most this many shards per worker, the largest shards are started first.
FEW_SHARDS_PER_WORKER = 8


def start_order(tasks: Sequence[ShardTask], jobs: int) -> list[int]:
    """The order in which to start the shards: theirs, except that a corpus of a few shards
    per worker starts its largest first (by the sizes of their files).

    With few shards, one that holds the large files (an 8 MB HTML manual, a folder of
    changelogs) took as long as the others together, and started last it kept one core
    busy alone at the end (Debian documentation, 5 shards on 2 cores: 2.5 s of one core
    idle in a 4.8 s build). Started first, the other shards share the rest of the time.
    Sizing them is one ``stat`` per file, done only when shards are few (4,096 files at
    most on 2 cores); with many, the last one is a small part of the build. The results
    are taken in shard order whatever the starting order: the output does not change.
    """
    order = list(range(len(tasks)))
    if len(tasks) > FEW_SHARDS_PER_WORKER * jobs:
        return order
    sizes = [sum(_seeds_size(task.seeds, ref) for ref in task.refs) for task in tasks]
    return sorted(order, key=lambda index: -sizes[index])


def _seeds_size(seeds: Path, ref: SourceRef) -> int:
    """The size of a seeds file (0 if it cannot be measured: its worker reports why)."""
    try:
        return os.stat(os.path.join(seeds, ref.path)).st_size
    except (OSError, ValueError):
        return 0


#: A Dask scheduler address: a protocol, a host and a port (``tcp://10.0.0.5:8786``).
_SCHEDULER = re.compile(r"(?:tcp|tls|ucx|ws|wss)://(?:\[[0-9A-Fa-f:.]+\]|[^\s/:\[\]]+):\d{1,5}")


def check_engine(engine: str, scheduler: str | None) -> None:
    """Refuse an unknown engine, or the Dask engine without a usable scheduler address."""
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if engine == "dask":
        check_scheduler(scheduler)


def check_scheduler(scheduler: str | None) -> str:
    """The ``--scheduler`` address, refused at once (before any work) when missing or not
    of the form ``tcp://HOST:PORT`` (Dask itself would fail late, or wait for a minute)."""
    if not scheduler:
        raise UsageError("--engine dask needs --scheduler tcp://HOST:PORT")
    if not _SCHEDULER.fullmatch(scheduler):
        raise UsageError(f"--scheduler {scheduler!r} is not a Dask scheduler address; give "
                         "it as tcp://HOST:PORT (tls://, ws:// and ucx:// work too)")
    return scheduler


def _run_on_dask(tasks: Sequence[ShardTask], scheduler: str | None) -> Iterator[ShardResult]:
    """Run shards on a Dask cluster; workers must see the seeds and output folders.

    Each worker runs :func:`process_shard` exactly as a local worker does, writing into the
    package's temporary folder, so the folders must be on a filesystem every worker mounts
    at the same path, and every worker must run the same corpuskit version (checked).
    """
    scheduler = check_scheduler(scheduler)
    import asyncio  # only for Dask (22 ms to import)

    try:
        from distributed import Client
        from distributed import wait as wait_for_futures
    except ImportError:
        raise UsageError("--engine dask needs the 'dask' extra: pip install 'corpuskit[dask]'"
                         ) from None
    try:
        identity = asyncio.run(_identify(scheduler))
    except Exception as exc:  # anything a peer that is no Dask scheduler may cause
        reason = ("it answered with bytes that are no Dask message"
                  if isinstance(exc, MemoryError)  # a greeting read as a message's length
                  else str(exc) or f"no answer within {IDENTIFY_SECONDS} s")
        raise OutputError(f"cannot reach the Dask scheduler at {scheduler}: {reason}; is a "
                          "Dask scheduler running there?") from None
    if not isinstance(identity, dict) or identity.get("type") != "Scheduler":
        raise OutputError(f"{scheduler} answers, but not as a Dask scheduler; give the "
                          "scheduler's address (dask scheduler prints it)")
    try:
        client = Client(scheduler, timeout="30s",  # type: ignore[no-untyped-call]
                        set_as_default=False)
    except Exception as exc:  # gone since it answered
        raise OutputError(f"cannot reach the Dask scheduler at {scheduler} "
                          f"({type(exc).__name__}: {exc})") from None
    with _quiet_dask_logs(), client:
        futures: list[Any] = []
        try:
            versions = set(client.run(_corpuskit_version).values())
            if not versions:
                raise OutputError(f"the Dask scheduler at {scheduler} has no workers; start "
                                  "some (dask worker " f"{scheduler}), then build again")
            if versions != {__version__}:
                raise OutputError(f"Dask workers run corpuskit {sorted(versions)}, this is "
                                  f"{__version__}; install the same version on every worker")
            futures = client.map(_rerunnable_shard, list(tasks), pure=False)
            for future in futures:
                yield future.result()
        except CorpuskitError:
            raise
        except Exception as exc:  # the cluster failed: scheduler lost, task cancelled, ...
            said = " ".join(str(exc).split())  # Dask's messages run over several lines
            raise OutputError(f"the Dask cluster at {scheduler} failed during the build "
                              f"({type(exc).__name__}: {said}); nothing was written") from None
        finally:
            # Given up: no task may go on writing into the build's folder after the build
            # removed it. Tasks not started are cancelled; those a worker holds (a task
            # running cannot be stopped) are waited for.
            pending = [future for future in futures if not future.done()]  # type: ignore[no-untyped-call]
            if pending:
                with suppress(Exception):
                    busy = {key for keys in client.processing().values()  # type: ignore[no-untyped-call]
                            for key in keys}
                    client.cancel(  # type: ignore[no-untyped-call]
                        [f for f in pending if f.key not in busy])
                    wait_for_futures(  # type: ignore[no-untyped-call]
                        [f for f in pending if f.key in busy], timeout=120)


@contextmanager
def _quiet_dask_logs() -> Iterator[None]:
    """Dask's own logs of a cluster failure (tracebacks on stderr) silenced while a build
    uses the cluster: the build reports the failure itself, in one line."""
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)
               if name == "distributed" or name.startswith("distributed.")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


#: Seconds a peer has to connect and to answer who it is (see :func:`_identify`).
IDENTIFY_SECONDS = 30


async def _identify(address: str) -> Any:
    """What the peer at ``address`` says it is (a scheduler: ``{"type": "Scheduler",
    ...}``), within :data:`IDENTIFY_SECONDS` in all: a Client made for a peer that is no
    Dask scheduler (an SSH or HTTP server) failed with a MemoryError from reading its
    greeting as a message length, or waited for a reply for ever."""
    import asyncio

    from distributed.comm.core import connect

    comm = await asyncio.wait_for(
        connect(address, timeout=IDENTIFY_SECONDS),  # type: ignore[no-untyped-call]
        IDENTIFY_SECONDS)
    try:
        await asyncio.wait_for(comm.write({"op": "identity"}), IDENTIFY_SECONDS)
        return await asyncio.wait_for(comm.read(), IDENTIFY_SECONDS)
    finally:
        comm.abort()


def _rerunnable_shard(task: ShardTask) -> ShardResult:
    """:func:`process_shard` on a Dask worker. Dask runs a task again when the worker that
    ran it is lost; what that attempt placed is removed first (raw files are created, never
    overwritten, and a shard file may be a hard link into the cache), so the rerun writes
    what a first run does."""
    shard_file = task.package / SHARD_FOLDER / f"{task.index:08d}.jsonl"
    pieces = pieces_path(shard_file)
    for path in (shard_file, pieces, pieces_index_path(shard_file), segment_path(pieces),
                 segment_index_path(pieces),
                 *(task.package / (RAW_PREFIX + ref.path) for ref in task.refs)):
        with suppress(FileNotFoundError, NotADirectoryError):
            path.unlink()
    return process_shard(task)


def _corpuskit_version() -> str:
    from corpuskit import __version__ as version

    return version
