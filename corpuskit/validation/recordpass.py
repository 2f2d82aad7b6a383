"""The pass over documents.jsonl: its blocks of records checked, on worker processes if large.

:class:`RecordPass` reads and hashes the records file, cuts it into blocks of whole lines
and has each checked (:func:`~corpuskit.validation.records.check_records`, or
:func:`~corpuskit.validation.records.check_clean_block` in the clean pass), in-process or
by forked workers (the module-level task functions below), and merges the results in order.
In the clean pass it compares the manifest lines each block implies with the payload
manifest as it is read (:class:`ManifestStream`).
"""

from __future__ import annotations

import hashlib
import os
from collections import deque
from collections.abc import Callable, Generator, Iterable
from typing import IO, Any

from .. import earlyhashes
from ..forkpool import Pending
from ..problems import KEPT_OF_A_CODE, Problem
from ..regularfiles import open_regular
from .digest import CHUNK, FileDigester, read_reason
from .lines import LineBlock, line_blocks
from .reading import (
    IN_FLIGHT,
    MAX_RECORD_LINE,
    ByteCounter,
    PackageReader,
    worker_digester,
    worker_view,
)
from .records import (
    HASH_MASK,
    BlockResult,
    IdOrder,
    StreamBlock,
    Tally,
    check_clean_block,
    check_records,
    manifest_digest,
    prepare_clean_workers,
)
from .reproduce import reproducer_for
from .view import PackageView

#: Blocks of records in flight per worker when workers read the blocks themselves (a
#: task is then a few numbers; its result a few hundred bytes per record). Enough to keep
#: the workers busy between two pumps of the parent while it parses the manifests.
_RANGES_IN_FLIGHT = 8
#: Below this size of records, worker processes cost more than they save: the records are
#: checked in-process.
PARALLEL_MIN_BYTES = 16 * 1024 * 1024
#: The problems of the record lines (:func:`check_records`'), counted in line order, at
#: which the lines after are not checked (a ``not_checked`` entry says from which line): a
#: records file of 250 MiB of empty lines, 270 KB zipped, made a problem of each, and
#: validate ran over 10 minutes with 1.5 GB; lines of ``{}`` cost jsonschema's errors each
#: (QA s95 validate 1). The problems of the ids (duplicate, out of order) and of absent raw
#: files are not counted: each costs what the check of a valid record costs.
LINE_PROBLEMS_CHECKED = 50_000
#: The problems at which a worker stops checking its block: the blocks in flight when the
#: pass stops (16 with two workers) are checked for nothing, and cost at most this many
#: each. A block stopped short of the pass's limit is checked again in the parent.
BLOCK_PROBLEMS_CHECKED = 5_000


class ManifestStream:
    """The payload manifest read alongside the records of a clean pass: the lines each
    block of records implies must be its next bytes, exactly (compared by their size and
    sha256, :func:`~corpuskit.validation.records.manifest_digest`). It is hashed as it is
    read (it is a tag file). ``ok`` turns False at the first difference or read error."""

    def __init__(self, view: PackageView, rel: str) -> None:
        self.hasher = hashlib.sha256()
        self.size = 0
        self.ok = True
        self.handle: IO[bytes] | None = None
        try:
            self.handle = view.opener(rel)
        except OSError:
            self.ok = False

    def _read(self, size: int) -> bytes:
        assert self.handle is not None
        parts = []
        while size > 0 and (data := self.handle.read(min(size, CHUNK))):
            parts.append(data)
            size -= len(data)
        data = b"".join(parts)
        self.hasher.update(data)
        self.size += len(data)
        return data

    def expect(self, lines: tuple[int, bytes]) -> bool:
        """Whether the next bytes are the lines of size and sha256 ``lines``."""
        if self.ok and lines[0]:
            try:
                self.ok = manifest_digest(self._read(lines[0])) == lines
            except OSError:
                self.ok = False
        return self.ok

    def end(self) -> bool:
        """True if the manifest held exactly the lines expected, and nothing more."""
        if self.ok:
            try:
                self.ok = self._read(1) == b""
            except OSError:
                self.ok = False
        return self.ok

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None


class RecordPass:
    """The pass over documents.jsonl: hashes, record checks, raw files, and --reproduce.

    The parent reads and hashes each part, cutting it into blocks of whole lines. A block
    is checked by :func:`check_records` (on a worker for large files: the worker reads the
    block's range of a folder's file itself, an archive's block is sent to it), which also
    reads each raw file its records name, once, for both the record checks and the
    manifests. The parent merges the results in order: ids unique and sorted, digests.

    ``pump()`` keeps up to a few blocks per worker in flight without waiting (it is
    called while the manifests are parsed); ``finish()`` does the rest. ``--reproduce``
    checks lines in-process and re-derives records on the workers.
    """

    def __init__(self, checker: PackageReader, parts: tuple[str, ...],
                 algorithms: dict[str, tuple[str, ...]], payload_algorithms: tuple[str, ...],
                 descriptor: dict[str, Any] | None,
                 stream: ManifestStream | None = None) -> None:
        self.checker = checker
        #: Checking a package expected to be clean (:mod:`.clean`): blocks are
        #: checked by :func:`check_clean_block`, their manifest lines compared with
        #: ``stream`` as they come; the first deviation sets ``failed`` and ends the pass.
        self.stream = stream
        self.failed = False
        self.last_id = ""
        self.clean_lines = 0
        self.raw_bytes = 0
        self.path_hash = 0
        self.parts = parts
        self.algorithms = algorithms
        self.payload_algorithms = payload_algorithms
        self.reproducer = reproducer_for(checker, descriptor) if checker.reproduce else None
        self.ids = IdOrder()
        #: The problems of the lines checked (:func:`check_records`'), and where lines
        #: were left unchecked once they reached :data:`LINE_PROBLEMS_CHECKED`: for each
        #: part, its first line not checked (the same line whatever the blocks).
        self.found = 0
        self.unchecked: dict[str, int] = {}
        self.referenced: set[str] = set()
        #: Record lines that name no raw file that could be read (not JSON, or no
        #: source_path of the right form): a raw file no record names may be theirs.
        self.unread = 0
        self.count = 0
        #: The languages and normalization steps of the records (for croissant.json and
        #: the data card), gathered by the blocks' checks.
        self.tally = Tally()
        # One part (the usual case): the resource's sha256 is the file's, computed once.
        self.resource_hash = hashlib.sha256() if len(parts) > 1 else None
        view = checker.view
        size = sum(max(checker.files.get(part, 0), 0) for part in parts)
        parallel = self.reproducer is None and size >= PARALLEL_MIN_BYTES
        if parallel and stream is not None:
            prepare_clean_workers()  # before the workers are forked: made once, shared
        # The raw files validate's helper hashed while the command started (a clean pass
        # of a folder only: the precise checks read every file themselves).
        known = earlyhashes.take(view.root) if stream is not None else None
        self.pool = checker.pool(known) if parallel else None
        #: Workers read a folder's blocks themselves; an archive's are sent to them.
        self.by_range = self.pool is not None and view.root is not None
        self.limit = checker.jobs * (_RANGES_IN_FLIGHT if self.by_range else IN_FLIGHT)
        self.pending: deque[tuple[str, LineBlock, Pending[BlockResult | StreamBlock]]] = \
            deque()
        self.digester = FileDigester(view.root, view.opener, payload_algorithms, known)
        self.blocks = self._blocks()
        self.done = False

    def _blocks(self) -> Generator[tuple[str, LineBlock], None, None]:
        checker = self.checker
        for part in self.parts:
            if part not in checker.files:
                continue
            names = self.algorithms.get(part, ("sha256",))
            hashers = [hashlib.new(name) for name in names]
            counter = ByteCounter()
            feeds: list[Any] = [*hashers, counter]
            if self.resource_hash is not None:
                feeds.append(self.resource_hash)

            def too_long(number: int, part: str = part) -> None:
                self.count += 1
                checker.too_long(part, number)

            def unterminated(number: int, part: str = part) -> None:
                checker.problems.append(Problem(part, "schema-error", "the last line has no "
                                                "line break; corpuskit ends every record "
                                                "with LF", f"line {number}" if number else ""))

            for block in line_blocks(checker.chunks(part, feeds), too_long,
                                     keep=not self.by_range, max_line=MAX_RECORD_LINE,
                                     numbered=self.stream is None, unterminated=unterminated):
                yield part, block
            if part not in checker.unreadable:
                checker.record_digests(part, counter.bytes, names,
                                       tuple(h.digest() for h in hashers))

    def _left_unchecked(self, part: str, first: int) -> None:
        self.unchecked[part] = min(self.unchecked.get(part, first), first)

    def _submit(self, part: str, block: LineBlock) -> None:
        if self.found >= LINE_PROBLEMS_CHECKED and self.stream is None:
            self._left_unchecked(part, block.first)
            return
        self.count += block.lines
        if self.stream is not None:
            self._submit_clean(part, block)
        elif self.pool is None:
            assert block.data is not None
            on_valid = None
            if self.reproducer is not None:
                self.reproducer.part = part
                on_valid = self.reproducer.add
            self._merge(part, block, check_records(
                part, block.first, block.data, self.checker.files, self.digester, on_valid,
                LINE_PROBLEMS_CHECKED - self.found))
        else:
            self._to_workers(part, block, _records_task, _records_range_task,
                             BLOCK_PROBLEMS_CHECKED)

    def _submit_clean(self, part: str, block: LineBlock) -> None:
        if self.pool is None:
            assert block.data is not None
            self._merge_clean(part, check_clean_block(block.data, self.digester))
        else:
            self._to_workers(part, block, _clean_task, _clean_range_task)

    def _to_workers(self, part: str, block: LineBlock, by_data: Callable[..., Any],
                    by_range: Callable[..., Any], *more: Any) -> None:
        """Queue a block for the workers: its bytes, or where they read it themselves
        (``more``: the task's arguments after the algorithms)."""
        assert self.pool is not None
        where = ((block.start, block.end) if self.by_range else (block.data,))
        task = by_range if self.by_range else by_data
        # Weighed by its bytes, which its raw files' follow: a record of megabytes is a
        # block of its own (LONG_LINE), and the next blocks go to the other workers.
        pending = self.pool.apply_async(
            task, (part, block.first, *where, self.payload_algorithms, *more),
            weight=block.end - block.start)
        # Its bytes are kept for :meth:`_exactly` unless a block of one line (which a
        # limit cannot cut: a long line is held no longer than before).
        self.pending.append((part, block if block.lines > 1 else block._replace(data=None),
                             pending))

    def _merge_clean(self, part: str, block: StreamBlock) -> None:
        """One block of a clean pass: ids still increasing, its manifest lines next."""
        if block.unreadable and part not in self.checker.unreadable:
            self.checker.read_error(part, block.unreadable)
        if self.failed:
            return
        assert self.stream is not None
        if not block.clean or (block.lines and block.first_id <= self.last_id) \
                or not self.stream.expect(block.manifest):
            self.failed = self.done = True
            return
        if block.lines:
            self.last_id = block.last_id
        self.clean_lines += block.lines
        self.tally.merge(block.tally)
        self.raw_bytes += block.raw_bytes
        self.path_hash = (self.path_hash + block.path_hash) & HASH_MASK

    def _fill(self) -> None:
        while not self.done and len(self.pending) < self.limit:
            item = next(self.blocks, None)
            if item is None:
                self.done = True
            else:
                self._submit(*item)

    def _exactly(self, part: str, block: LineBlock, result: BlockResult) -> BlockResult:
        """``result`` of a worker, or where the worker stopped short
        (:data:`BLOCK_PROBLEMS_CHECKED`) or its problems take the pass's past
        :data:`LINE_PROBLEMS_CHECKED` (the worker knew neither those found before nor
        those left), its block checked again here up to the problems left: the line the
        pass stops after is the same whatever the blocks and wherever they were checked.
        Blocks checked again hold at most that many problems in all."""
        left = LINE_PROBLEMS_CHECKED - self.found
        if (not result.stopped and result.problems.found < left) or block.lines < 2:
            return result
        data = block.data
        if data is None:
            assert self.checker.view.root is not None
            try:
                data = _read_range(os.path.join(self.checker.view.root, part), block.start,
                                   block.end - block.start)
            except OSError:
                return result
            if len(data) != block.end - block.start:
                return result
        return check_records(part, block.first, data, self.checker.files, self.digester,
                             limit=left)

    def _merge(self, part: str, block: LineBlock, result: BlockResult | StreamBlock) -> None:
        if isinstance(result, StreamBlock):
            self._merge_clean(part, result)
            return
        if self.found >= LINE_PROBLEMS_CHECKED:  # a block handed out before the stop
            self._left_unchecked(part, block.first)
            return
        checker = self.checker
        checker.problems.extend(result.problems)
        checker.problems.extend(result.absent)
        for problem, raw, source_bytes in result.sizes:
            if len(checker.size_mismatches) < KEPT_OF_A_CODE:  # no more are kept
                checker.size_mismatches[problem] = (raw, source_bytes)
        # An empty line is no record (reported as a line): counted, the card's and the
        # descriptor's counts were called wrong beside it (QA).
        self.count -= result.empty
        self.unread += result.unread
        ids, referenced = self.ids, self.referenced
        for number, doc_id, raw_path in result.lines:
            if doc_id is not None:
                ids.add(part, number, doc_id)
            if raw_path is not None:
                referenced.add(raw_path)
        checker.record_many(self.payload_algorithms, result.digests)
        self.tally.merge(result.tally)
        for rel, reason in result.errors:
            if rel not in checker.unreadable:
                checker.read_error(rel, reason)
        self.found += result.problems.found
        if result.stopped:
            self._left_unchecked(part, result.stopped)

    def _merge_done(self) -> None:
        """Merge the oldest block handed out (waits for it)."""
        part, block, pending = self.pending.popleft()
        result = pending.get()
        if isinstance(result, BlockResult) and self.found < LINE_PROBLEMS_CHECKED:
            result = self._exactly(part, block, result)
        self._merge(part, block, result)

    def pump(self) -> None:
        """Merge the blocks done, in order, and hand out more (never waits)."""
        if self.pool is None:
            return
        while self.pending and self.pending[0][2].ready():
            self._merge_done()
        self._fill()

    def finish(self, meanwhile: Iterable[object] = ()) -> tuple[int, str | None]:
        """The line count and the resource's sha256 (None if a part is missing or
        unreadable). ``meanwhile`` is stepped through once the workers have blocks to
        check, with the blocks done merged and more handed out between two steps."""
        try:
            if self.pool is None:
                deque(meanwhile, maxlen=0)
                for item in self.blocks:
                    self._submit(*item)
                    if self.failed:
                        break
            else:
                self._fill()
                for _ in meanwhile:
                    self.pump()
                while self.pending:
                    self._merge_done()
                    self._fill()
        finally:
            self.digester.close()
            # A pass given up holds its last block no more (a record line of 150 MB was
            # still held while the precise check read it again).
            self.blocks.close()
        # Not on the way out of an error or an interrupt: waiting for the reproducer's
        # results then took a worker's exit (Ctrl-C, SIGTERM to the process group) for its
        # death, and "a worker process died" replaced the interrupt.
        if self.reproducer is not None:
            self.checker.problems.extend(self.reproducer.finish())
        self.checker.problems.extend(self.ids.problems)
        self.checker.problems.extend(self.ids.lookalikes(
            {problem.path for problem in self.checker.problems
             if problem.code == "name-collision"}))
        files, unreadable = self.checker.files, self.checker.unreadable
        complete = all(p in files and p not in unreadable for p in self.parts)
        if self.resource_hash is not None:
            digest: str | None = self.resource_hash.hexdigest()
        else:
            part_digest = self.checker.sha256.get(self.parts[0])
            digest = part_digest.hex() if part_digest is not None else None
        lines = self.count if self.stream is None else self.clean_lines
        return lines, digest if complete else None


# -- worker processes ---------------------------------------------------------------------

def _records_task(part: str, first: int, block: bytes, algorithms: tuple[str, ...],
                  limit: int) -> BlockResult:
    digester = worker_digester(algorithms)
    return check_records(part, first, block, worker_view().files, digester, limit=limit)


def _records_range_task(part: str, first: int, start: int, end: int,
                        algorithms: tuple[str, ...], limit: int) -> BlockResult:
    """:func:`_records_task` of bytes ``[start, end)`` of a folder's file, read here."""
    digester = worker_digester(algorithms)
    assert digester.root is not None
    try:
        block = _read_range(os.path.join(digester.root, part), start, end - start)
    except OSError as exc:
        return BlockResult(errors=[(part, read_reason(exc))])
    if len(block) != end - start:
        return BlockResult(errors=[(part, "the file changed while it was read")])
    return check_records(part, first, block, worker_view().files, digester, limit=limit)


def _clean_task(part: str, first: int, block: bytes, algorithms: tuple[str, ...]
                ) -> StreamBlock:
    return check_clean_block(block, worker_digester(algorithms))


def _clean_range_task(part: str, first: int, start: int, end: int,
                      algorithms: tuple[str, ...]) -> StreamBlock:
    """:func:`_clean_task` of bytes ``[start, end)`` of a folder's file, read here."""
    digester = worker_digester(algorithms)
    assert digester.root is not None
    try:
        block = _read_range(os.path.join(digester.root, part), start, end - start)
    except OSError as exc:
        return StreamBlock(False, unreadable=read_reason(exc))
    if len(block) != end - start:
        return StreamBlock(False, unreadable="the file changed while it was read")
    return check_clean_block(block, digester)


def _read_range(path: str, start: int, size: int) -> bytes:
    fd = open_regular(path, checking=True)
    try:
        parts = []
        while size > 0 and (data := os.pread(fd, size, start)):
            parts.append(data)
            start += len(data)
            size -= len(data)
        return parts[0] if len(parts) == 1 else b"".join(parts)
    finally:
        os.close(fd)
