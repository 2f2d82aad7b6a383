"""``--reproduce`` of a package the clean pass proved clean: its records re-derived as a stream.

The precise check re-derives the records as it checks them (:mod:`.reproduce`), with its
tables per file: its memory grows with the number of documents (about 0.7 KB each). A
package that the clean pass (:mod:`.clean`) proves clean, with flat memory, has every
record valid and consistent, each naming a raw file whose size and sha256 it records: the
precise check would re-derive every one of them and find nothing else. So ``--reproduce``
first runs the clean pass, and if it proves the package clean, this pass re-derives the
records, a stream again: documents.jsonl is read in blocks of whole lines, handed to the
worker processes a batch of :data:`~.reproduce.REPRODUCE_BATCH` lines at a time (and at
most :data:`BATCH_BYTES`), with at most :data:`BATCHES_IN_FLIGHT` batches per worker in
flight; each worker reads the raw files its records name (a folder's files or an
archive's members, both read by offset, as the clean pass's workers read them). The
problems are those the precise check gives: the same ``record-mismatch`` (and
``too-large``) problems, made by the same functions, in record order.

It re-derives what the clean pass read: datapackage.json and each part of documents.jsonl
must have the sha256 the clean pass found for them, and each raw file the size and sha256
its record says. If anything differs (the package changed between the two passes), or
cannot be read, it gives up (:func:`reproduce_clean` returns None), and the precise check
with ``--reproduce`` runs from the start and names what it finds: the package as it is then.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable, Generator, Mapping
from contextlib import closing
from dataclasses import replace
from typing import IO, TYPE_CHECKING, Any

import orjson

from ..config import DEFAULT_MAX_FILE_BYTES, ProcessConfig
from ..forkpool import ForkPool, Pending
from ..models import Record, record_from_dict
from ..package import RAW_PREFIX
from ..packagesource import DESCRIPTOR
from ..problems import Problem, ProblemList
from ..schemacheck import read_json
from .descriptor import descriptor_resources, documents_resource, process_config_from_settings
from .digest import CHUNK
from .lines import line_blocks
from .precise import PackageResult
from .reading import MAX_RECORD_LINE, PackageReader, worker_view
from .reproduce import (
    REPRODUCE_BATCH,
    RecordsTold,
    ready_language_model,
    recorded_documents,
    reproduction_problem,
    too_large_to_reproduce,
)
from .view import PackageView

if TYPE_CHECKING:  # (progress imports click: not for an annotation alone)
    from ..progress import Progress

#: Batches of records in flight per worker: enough that a batch slower than the others (a
#: legacy code page's document is tried in several) leaves no worker waiting while the
#: parent waits for it, the results being taken in order.
BATCHES_IN_FLIGHT = 8
#: The bytes of record lines a batch holds at most (unless one line is longer): a task
#: well within a pipe's buffer (64 KiB on Linux). The pool's one sending thread hands the
#: tasks out in order, and a task larger than a busy worker's pipe holds waits until that
#: worker reads it, the other workers' tasks with it: batches of 64 records (about 190 KB
#: at 200,000 documents) left the workers idle a quarter of the time, 16 KiB 1%.
BATCH_BYTES = 16 * 1024
#: What a batch of lines gives back: its problems, or None where a line is no record or
#: a raw file is not the one its record names (the package changed: the precise check runs).
Reproduced = list[Problem] | None


def reproduce_clean(view: PackageView, digests: Mapping[str, bytes], clean: PackageResult,
                    *, jobs: int, progress: Progress | None = None) -> PackageResult | None:
    """The result of ``validate --reproduce`` of the package ``view`` that the clean pass
    found ``clean`` (its result) after reading its files with the sha256 ``digests``: the
    clean result with the problems of re-deriving its records, or None if the package is
    not as the clean pass read it (the caller then runs the precise check).

    ``jobs`` > 1 re-derives the records on that many forked workers; ``progress`` is told
    the records re-derived, and of how many, as the precise check tells it."""
    reader = PackageReader(view, fast=False, reproduce=True, jobs=jobs, progress=progress)
    reproduction = StreamedReproduction(reader, digests)
    try:
        problems = reproduction.run()
    finally:
        reader.close()
    if problems is None or reproduction.records != clean.documents:
        return None
    return replace(clean, problems=problems)


class StreamedReproduction:
    """The records of a package the clean pass proved clean, re-derived (see the module).

    :meth:`run` reads datapackage.json (the recorded settings) and documents.jsonl again,
    each checked against the sha256 the clean pass found for it, cuts the records into
    batches of lines and has them re-derived in order, on the workers if ``reader`` forks
    them, with at most :data:`BATCHES_IN_FLIGHT` batches per worker in flight: memory
    stays flat in the number of documents.
    """

    def __init__(self, reader: PackageReader, digests: Mapping[str, bytes]) -> None:
        self.reader = reader
        self.digests = digests
        #: The problems found (at most KEPT_OF_A_CODE of a code kept, the others counted).
        self.problems = ProblemList()
        #: The record lines re-derived so far (or found too large to be).
        self.records = 0
        self.pool: ForkPool | None = None
        self.limit = reader.jobs * BATCHES_IN_FLIGHT
        #: Each batch in flight, with its count of records.
        self.pending: deque[tuple[int, Pending[Reproduced]]] = deque()
        self.told = RecordsTold(None, 0)
        #: Set once documents.jsonl is seen not to be the file the clean pass read.
        self.changed = False

    def run(self) -> ProblemList | None:
        """The problems of re-deriving every record, or None if the package is not the one
        the clean pass read (the precise check then says what is wrong with it)."""
        descriptor = self._descriptor()
        settings = descriptor.get("corpuskit") if descriptor is not None else None
        process = settings.get("process") if isinstance(settings, dict) else None
        if descriptor is None or not isinstance(process, dict):
            return None
        try:
            config = process_config_from_settings(process)
        except ValueError:
            return None
        docs = documents_resource(descriptor_resources(descriptor)[0])
        if docs is None:
            return None
        reader = self.reader
        # Loaded before the workers are forked, so that they share it (as a build's do).
        ready_language_model(descriptor, reader.view.root, forking=reader.forks())
        self.pool = reader.pool()
        self.told = RecordsTold(reader.progress, recorded_documents(settings))
        for part in docs.parts:
            if not self._part(part, config):
                return None
        # Not on the way out of an error or an interrupt (RecordPass.finish says why).
        while self.pending:
            if not self._collect():
                return None
        self.told.end()
        return self.problems

    def _descriptor(self) -> dict[str, Any] | None:
        """datapackage.json as the clean pass read it (its sha256 the same), else None."""
        data = b"".join(self.reader.chunks(DESCRIPTOR))
        if DESCRIPTOR in self.reader.unreadable \
                or hashlib.sha256(data).digest() != self.digests.get(DESCRIPTOR):
            return None
        value, _ = read_json(data, DESCRIPTOR)
        return value if isinstance(value, dict) else None

    def _part(self, part: str, config: ProcessConfig) -> bool:
        """Hands the records of ``part`` of documents.jsonl out in batches; whether it is
        the file the clean pass read, and every batch back so far found nothing changed."""
        expected = self.digests.get(part)
        if expected is None:
            return False
        hasher = hashlib.sha256()

        def changed(number: int) -> None:  # a line too long, or unterminated: not clean
            self.changed = True

        with closing(self._batches(part, hasher, changed)) as batches:
            for first, lines in batches:
                if self.changed or not self._submit(part, first, lines, config):
                    return False
        return not self.changed and part not in self.reader.unreadable \
            and hasher.digest() == expected

    def _batches(self, part: str, hasher: Any, changed: Callable[[int], None]
                 ) -> Generator[tuple[int, list[bytes]], None, None]:
        """The lines of ``part`` (read through ``hasher``; ``changed`` told of a line too
        long or unterminated), each batch with the number of its first line: at most
        :data:`~.reproduce.REPRODUCE_BATCH` lines, as the precise check's batches, and no
        more than :data:`BATCH_BYTES` of them unless one line is longer."""
        batch: list[bytes] = []
        first = size = 0
        for block in line_blocks(self.reader.chunks(part, [hasher]), changed, keep=True,
                                 max_line=MAX_RECORD_LINE, unterminated=changed):
            assert block.data is not None
            for number, line in enumerate(block.data.split(b"\n"), start=block.first):
                if batch and (len(batch) == REPRODUCE_BATCH or size + len(line) > BATCH_BYTES):
                    yield first, batch
                    batch, size = [], 0
                if not batch:
                    first = number
                batch.append(line)
                size += len(line)
        if batch:
            yield first, batch

    def _submit(self, part: str, first: int, lines: list[bytes], config: ProcessConfig
                ) -> bool:
        """Re-derive the records ``lines`` (the first at line ``first`` of ``part``): here,
        or on a worker, the oldest batches' results taken in while too many are in flight;
        False as soon as a batch found the package changed."""
        if self.pool is None:
            return self._merge(len(lines), reproduce_lines(self.reader.view.opener, part,
                                                           first, lines, config))
        # Weighed by its bytes, which its raw files' and its work follow.
        self.pending.append((len(lines), self.pool.apply_async(
            _reproduce_task, (part, first, lines, config), weight=sum(map(len, lines)))))
        while len(self.pending) > self.limit:
            if not self._collect():
                return False
        return True

    def _collect(self) -> bool:
        """The results of the oldest batch in flight (in order: the report is the same)."""
        count, pending = self.pending.popleft()
        return self._merge(count, pending.get())

    def _merge(self, count: int, found: Reproduced) -> bool:
        """A batch's ``count`` records done, ``found`` their problems (None: the package
        changed); False if it did."""
        if found is None:
            return False
        self.problems.extend(found)
        self.records += count
        self.told.advance(count)
        return True


# -- the records re-derived (on the workers) -----------------------------------------------

def _reproduce_task(part: str, first: int, lines: list[bytes], config: ProcessConfig
                    ) -> Reproduced:
    """:func:`reproduce_lines` on a worker, reading the package the parent reads."""
    return reproduce_lines(worker_view().opener, part, first, lines, config)


def reproduce_lines(opener: Callable[[str], IO[bytes]], part: str, first: int,
                    lines: list[bytes], config: ProcessConfig) -> Reproduced:
    """The problems of re-deriving the records ``lines`` (the first at line ``first`` of
    ``part``) from their raw files, opened with ``opener``: a ``record-mismatch`` for each
    that a fresh derivation makes otherwise, a ``too-large`` for each whose raw file is
    too large to be read (as :class:`~.reproduce.Reproducer` finds them). None if a line is
    no record, or a raw file not of the size and sha256 its record says (or unreadable):
    the package is not the one the clean pass proved clean."""
    problems: list[Problem] = []
    for number, line in enumerate(lines, start=first):
        record = _record(line)
        if record is None:
            return None
        rel = RAW_PREFIX + record.source_path
        if record.source_bytes > DEFAULT_MAX_FILE_BYTES:
            problems.append(too_large_to_reproduce(rel, record.source_bytes))
            continue
        data = _raw_bytes(opener, rel, record.source_bytes)
        if data is None or hashlib.sha256(data).hexdigest() != record.source_sha256:
            return None
        problem = reproduction_problem(part, number, record, data, config)
        if problem is not None:
            problems.append(problem)
    return problems


def _record(line: bytes) -> Record | None:
    """The record of a line the clean pass found valid, or None if it is not one."""
    try:
        data = orjson.loads(line)
        return record_from_dict(data) if isinstance(data, dict) else None
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None


def _raw_bytes(opener: Callable[[str], IO[bytes]], rel: str, size: int) -> bytes | None:
    """The bytes of the raw file ``rel`` if it holds ``size`` bytes, else None (None too if
    it cannot be read)."""
    parts: list[bytes] = []
    left = size + 1  # one byte more: a file that grew is seen to
    try:
        with opener(rel) as handle:
            while left > 0 and (data := handle.read(min(left, CHUNK))):
                parts.append(data)
                left -= len(data)
    except (OSError, ValueError):
        return None
    data = parts[0] if len(parts) == 1 else b"".join(parts)
    return data if len(data) == size else None
