"""``--reproduce``: re-derive each record from its raw file, on the worker processes.

The records pass hands each valid record to a :class:`Reproducer` (its raw file's digest
just checked), which batches (record, raw bytes) for the workers and collects a
``record-mismatch`` problem for each record the recorded settings do not derive again.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from ..config import DEFAULT_MAX_FILE_BYTES, ProcessConfig
from ..forkpool import ForkPool, Pending
from ..models import Record
from ..package import DOCUMENTS_PATH, RAW_PREFIX
from ..packagesource import DESCRIPTOR
from ..problems import Problem
from .descriptor import process_config_from_settings
from .reading import IN_FLIGHT, PackageReader
from .records import reproduce_record

#: Records sent to a worker at once.
REPRODUCE_BATCH = 64


def _reproduce_batch(batch: list[tuple[str, int, Record, bytes]], config: ProcessConfig
                     ) -> list[Problem]:
    problems = []
    for part, number, record, data in batch:
        reason = reproduce_record(record, data, config)
        if reason is not None:
            problems.append(Problem(part, "record-mismatch", f"record {record.id!r}: {reason}",
                                    f"line {number}"))
    return problems


class Reproducer:
    """Re-derives records on worker processes while the records pass goes on.

    The parent reads each raw file (its digest was just checked) and sends batches of
    (record, raw bytes); at most a few batches per worker are in flight, so memory stays
    bounded. With one job everything runs in-process.
    """

    def __init__(self, checker: PackageReader, config: ProcessConfig, pool: ForkPool | None,
                 jobs: int) -> None:
        self.checker = checker
        self.config = config
        self.batch: list[tuple[str, int, Record, bytes]] = []
        self.results: list[Problem] = []
        self.pending: deque[Pending[list[Problem]]] = deque()
        self.pool = pool
        self.limit = jobs * IN_FLIGHT
        self.part = DOCUMENTS_PATH

    def add(self, number: int, record: Record) -> None:
        rel = RAW_PREFIX + record.source_path
        if record.source_bytes > DEFAULT_MAX_FILE_BYTES:
            self.results.append(Problem(rel, "too-large",
                                        f"{record.source_bytes} bytes; not re-derived (over "
                                        f"{DEFAULT_MAX_FILE_BYTES})"))
            return
        data = b"".join(self.checker.chunks(rel))
        if rel in self.checker.unreadable:
            return
        self.batch.append((self.part, number, record, data))
        if len(self.batch) >= REPRODUCE_BATCH:
            self.submit()

    def submit(self) -> None:
        batch, self.batch = self.batch, []
        if not batch:
            return
        if self.pool is None:
            self.results.extend(_reproduce_batch(batch, self.config))
            return
        self.pending.append(self.pool.apply_async(_reproduce_batch, (batch, self.config)))
        while len(self.pending) > self.limit:
            self.results.extend(self.pending.popleft().get())

    def finish(self) -> list[Problem]:
        self.submit()
        while self.pending:
            self.results.extend(self.pending.popleft().get())
        return self.results


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
    return Reproducer(reader, config, reader.pool(), reader.jobs)
