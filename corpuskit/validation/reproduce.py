"""``--reproduce``: re-derive each record from its raw file, on the worker processes.

The records pass hands each valid record to a :class:`Reproducer` (its raw file's digest
just checked), which batches (record, raw bytes) for the workers and collects a
``record-mismatch`` problem for each record the recorded settings do not derive again. It
tells the checker's ``progress`` the records done as each batch's results come back.
"""

from __future__ import annotations

from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import DEFAULT_MAX_FILE_BYTES, ProcessConfig
from ..forkpool import ForkPool, Pending
from ..models import Record
from ..package import DOCUMENTS_PATH, RAW_PREFIX
from ..packagesource import DESCRIPTOR
from ..problems import Problem
from .descriptor import process_config_from_settings
from .reading import IN_FLIGHT, PackageReader
from .records import reproduce_record

if TYPE_CHECKING:  # (progress imports click: not for an annotation alone)
    from ..progress import Progress

#: Records sent to a worker at once.
REPRODUCE_BATCH = 64


def reproduction_problem(part: str, number: int, record: Record, data: bytes,
                         config: ProcessConfig) -> Problem | None:
    """The ``record-mismatch`` problem of the record at line ``number`` of ``part`` if a
    fresh derivation of it from its raw bytes ``data`` under ``config`` differs, else None."""
    reason = reproduce_record(record, data, config)
    if reason is None:
        return None
    return Problem(part, "record-mismatch", f"record {record.id!r}: {reason}", f"line {number}")


def too_large_to_reproduce(rel: str, source_bytes: int) -> Problem:
    """The problem of a record not re-derived: its raw file ``rel`` (``source_bytes``) is
    larger than any file corpuskit reads."""
    return Problem(rel, "too-large", f"{source_bytes} bytes; not re-derived (over "
                                     f"{DEFAULT_MAX_FILE_BYTES})")


def _reproduce_batch(batch: list[tuple[str, int, Record, bytes]], config: ProcessConfig
                     ) -> list[Problem]:
    found = (reproduction_problem(part, number, record, data, config)
             for part, number, record, data in batch)
    return [problem for problem in found if problem is not None]


class Reproducer:
    """Re-derives records on worker processes while the records pass goes on.

    The parent reads each raw file (its digest was just checked) and sends batches of
    (record, raw bytes); at most a few batches per worker are in flight, so memory stays
    bounded. With one job everything runs in-process.

    ``progress`` is told ``(done, total)`` as each batch comes back: the records done (a
    record not re-derived, its raw file too large or unreadable, is done with the batch
    it would have joined) of ``total``, the count the descriptor records; :meth:`finish`
    tells ``(n, n)`` last, the records there were. The problems found are the same with it
    or without it.
    """

    def __init__(self, checker: PackageReader, config: ProcessConfig, pool: ForkPool | None,
                 jobs: int, progress: Progress | None = None, total: int = 0) -> None:
        self.checker = checker
        self.config = config
        self.batch: list[tuple[str, int, Record, bytes]] = []
        self.results: list[Problem] = []
        #: Each batch in flight, with the records it stands for (those skipped with it too).
        self.pending: deque[tuple[int, Pending[list[Problem]]]] = deque()
        self.pool = pool
        self.limit = jobs * IN_FLIGHT
        self.part = DOCUMENTS_PATH
        self.told = RecordsTold(progress, total)
        self.unsent = 0

    def add(self, number: int, record: Record) -> None:
        self.unsent += 1
        rel = RAW_PREFIX + record.source_path
        if record.source_bytes > DEFAULT_MAX_FILE_BYTES:
            self.results.append(too_large_to_reproduce(rel, record.source_bytes))
            return
        data = b"".join(self.checker.chunks(rel))
        if rel in self.checker.unreadable:
            return
        self.batch.append((self.part, number, record, data))
        if len(self.batch) >= REPRODUCE_BATCH:
            self.submit()

    def submit(self) -> None:
        batch, self.batch = self.batch, []
        count, self.unsent = self.unsent, 0
        if not batch:
            self.told.advance(count)
            return
        if self.pool is None:
            self.results.extend(_reproduce_batch(batch, self.config))
            self.told.advance(count)
            return
        self.pending.append((count, self.pool.apply_async(_reproduce_batch,
                                                          (batch, self.config))))
        while len(self.pending) > self.limit:
            self._collect()

    def _collect(self) -> None:
        """The results of the oldest batch in flight (in order: the report is the same)."""
        count, pending = self.pending.popleft()
        self.results.extend(pending.get())
        self.told.advance(count)

    def finish(self) -> list[Problem]:
        self.submit()
        while self.pending:
            self._collect()
        self.told.end()
        return self.results


class RecordsTold:
    """What a ``progress`` is told of the records re-derived: ``(0, total)`` at once (the
    bar from the start, not from the first batch back) where ``total``, the count the
    descriptor records, is one; ``(done, total)`` as :meth:`advance` counts records done;
    ``(n, n)`` last (:meth:`end`), the records there were. Each ``(done, total)`` is told
    once."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress = progress
        self.total = total
        self.done = 0
        self.told = (0, 0)
        if total > 0:
            self._tell(0, total)

    def advance(self, count: int) -> None:
        """``count`` more records done."""
        self.done += count
        # Up to the count recorded, not past it: a package that records fewer documents than
        # it holds (or none) would end its bar before the end, and start one per batch after
        # it; the rest is told by end().
        if count and self.done < self.total:
            self._tell(self.done, self.total)

    def end(self) -> None:
        """The records there were: the count recorded, or another where it is wrong (a
        problem of the package, reported as such) or where records were invalid, not
        re-derived."""
        self._tell(self.done, self.done)

    def _tell(self, done: int, total: int) -> None:
        if self.progress is not None and (done, total) != self.told:
            self.told = (done, total)
            self.progress(done, total)


def reproducer_for(reader: PackageReader, descriptor: dict[str, Any] | None
                   ) -> Reproducer | None:
    """The reproducer of the records, under the settings ``descriptor`` records; None if it
    records none (reported here) or invalid ones (reported with the descriptor's checks),
    or if there is no descriptor (absent, unreadable or refused: reported as such)."""
    if descriptor is None:
        return None
    settings = descriptor.get("corpuskit", {})
    process = settings.get("process") if isinstance(settings, dict) else None
    if not isinstance(process, dict):
        reader.problems.append(Problem(DESCRIPTOR, "schema-error",
                                       "cannot reproduce the records: corpuskit.process is "
                                       "missing", "/corpuskit/process"))
        return None
    try:
        config = process_config_from_settings(process)
    except ValueError:  # reported with the descriptor's checks (settings_problems)
        return None
    return Reproducer(reader, config, reader.pool(), reader.jobs, reader.progress,
                      recorded_documents(settings))


def ready_language_model(descriptor: dict[str, Any] | None, root: str | None, *,
                         forking: bool) -> None:
    """Ready the language model for re-deriving the records under the settings
    ``descriptor`` records, as a build readies it for its workers: read from the user's
    cache folder, where builds with the default cache keep it decoded, else decoded and
    kept there as such a build keeps it (:func:`_model_cache`). With workers to be forked
    (``forking``), it is loaded here, now, so that they share it; else on first use. A
    package whose settings identify no language (or that records none to re-derive with)
    needs no model: nothing is loaded.

    Call it before the workers are forked (QA: each worker decoded py3langid's model
    itself, about 0.6 s of CPU each, neither from the copy builds keep nor shared)."""
    if not _identifies_languages(descriptor):
        return
    from ..languageid.language import (  # (plain validate: not imported)
        load_model_now,
        use_model_cache,
    )

    use_model_cache(_model_cache(root))
    if forking:
        load_model_now()


def _identifies_languages(descriptor: dict[str, Any] | None) -> bool:
    """Whether the records are re-derived under settings that identify their languages
    (as :func:`reproducer_for` reads them; what it reports is not reported here)."""
    settings = descriptor.get("corpuskit") if descriptor is not None else None
    process = settings.get("process") if isinstance(settings, dict) else None
    if not isinstance(process, dict):
        return False
    try:
        return process_config_from_settings(process).extract.language
    except ValueError:
        return False


def _model_cache(root: str | None) -> Path | None:
    """The cache folder ``--reproduce`` reads the decoded language model from, and keeps it
    in when it decodes it: :func:`~corpuskit.usercache.model_cache_dir`, never inside the
    package folder ``root`` (validate never writes into the package it checks)."""
    from ..usercache import model_cache_dir

    return model_cache_dir(Path(root) if root is not None else None)


def recorded_documents(settings: object) -> int:
    """The count of documents ``corpuskit.documents`` records (``settings``), the total a
    progress bar starts from; 0 where it records none that is a count."""
    count = settings.get("documents") if isinstance(settings, dict) else None
    return count if isinstance(count, int) and not isinstance(count, bool) and count > 0 \
        else 0
