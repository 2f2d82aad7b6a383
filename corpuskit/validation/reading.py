"""What every pass of one package check shares: its reading, its findings, its workers.

:class:`PackageReader` holds one check's state: the package's files (sizes, the digests of
every file read, those that could not be read) and the problems found so far. It reads
each file once, streaming, through the hashers that need it; a read error becomes a
problem. It also forks the worker processes, which read the package as the parent does
(:func:`worker_view`, :func:`worker_digester`). The precise check
(:class:`~corpuskit.validation.precise.Checker`) and the records pass build on it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any

from ..config import DEFAULT_MAX_FILE_BYTES
from ..forkpool import ForkPool, fork_available, import_before_forking
from ..heap import start_worker_heap
from ..problems import Problem, ProblemList
from .digest import CHUNK, FileDigester, read_reason
from .view import PackageView

if TYPE_CHECKING:  # (progress imports click: not for an annotation alone)
    from ..progress import Progress

#: Longest line of documents.jsonl assembled in memory (a record of a 256 MiB raw file fits).
MAX_RECORD_LINE = 3 * DEFAULT_MAX_FILE_BYTES
#: Tasks in flight per worker: blocks of records sent whole, or batches of --reproduce.
IN_FLIGHT = 3


class ByteCounter:
    """A "hasher" that counts the bytes it is fed."""

    def __init__(self) -> None:
        self.bytes = 0

    def update(self, data: bytes) -> None:
        self.bytes += len(data)


class PackageReader:
    """The state of one package check (one object per call; not reused): its reading."""

    def __init__(self, view: PackageView, *, fast: bool, reproduce: bool, jobs: int,
                 progress: Progress | None = None) -> None:
        self.view = view
        self.fast = fast
        self.reproduce = reproduce
        self.jobs = jobs
        #: Told the records ``reproduce`` has re-derived so far, and of how many.
        self.progress = progress
        self.files = view.files
        self.problems: list[Problem] = ProblemList(view.problems)
        self.unreadable: set[str] = set()
        #: sha256 of every file read, and other algorithms' digests when a manifest uses them
        #: (raw bytes: half the memory of hex strings).
        self.sha256: dict[str, bytes] = {}
        self.other: dict[str, dict[str, bytes]] = {}
        #: Files present that no manifest line or resource claims a hash for, left unread
        #: by the precise check (hashed only if a check asks for their sha256).
        self.unhashed: set[str] = set()
        #: Files whose bytes differ from a checksum recorded for them (a manifest's or the
        #: descriptor's): known damaged, so no parser that may abort on them is given them.
        self.changed: set[str] = set()
        #: The raw file and the record's source_bytes of each record-mismatch problem kept
        #: that is about a record's source_bytes alone (a :data:`~.records.SizeMismatch`).
        self.size_mismatches: dict[Problem, tuple[str, int]] = {}
        self.read_error_code = "archive-error" if view.kind == "archive" else "unreadable-file"
        self._pool: ForkPool | None = None

    def read_error(self, rel: str, exc: BaseException | str) -> None:
        self.unreadable.add(rel)
        root = self.view.root
        reason = exc if isinstance(exc, str) else read_reason(
            exc, os.path.join(root, rel) if root is not None else None)
        said = reason if reason.startswith("cannot be read") else f"cannot be read: {reason}"
        self.problems.append(Problem(rel, self.read_error_code, said))

    def chunks(self, rel: str, hashers: list[Any] | None = None) -> Iterator[bytes]:
        """The file's bytes in chunks (read errors become problems and end the stream)."""
        try:
            with self.view.opener(rel) as handle:
                while chunk := handle.read(CHUNK):
                    if hashers:
                        for hasher in hashers:
                            hasher.update(chunk)
                    yield chunk
        except (OSError, ValueError) as exc:
            self.read_error(rel, exc)

    def record_digests(self, rel: str, size: int, algorithms: tuple[str, ...],
                       digests: tuple[bytes, ...]) -> None:
        self.files[rel] = size
        for algorithm, digest in zip(algorithms, digests, strict=True):
            if algorithm == "sha256":
                self.sha256[rel] = digest
            else:
                self.other.setdefault(algorithm, {})[rel] = digest

    def record_many(self, algorithms: tuple[str, ...],
                    found: list[tuple[str, int, tuple[bytes, ...]]]) -> None:
        """:meth:`record_digests` of many files (the common sha256-only case inlined)."""
        if algorithms == ("sha256",):
            files, sha256 = self.files, self.sha256
            for rel, size, digests in found:
                files[rel] = size
                sha256[rel] = digests[0]
        else:
            for rel, size, digests in found:
                self.record_digests(rel, size, algorithms, digests)

    def forks(self) -> bool:
        """Whether :meth:`pool` forks worker processes (else everything runs here)."""
        return self.jobs > 1 and fork_available()

    def pool(self, known: AbstractSet[str] | None = None) -> ForkPool | None:
        """Worker processes (forked, so they read the package as the parent does), or None.
        ``known``: raw files read already (:class:`FileDigester`), for the workers' digesters
        if this call forks them."""
        global _WORKER_VIEW, _WORKER_KNOWN
        if self._pool is None and self.forks():
            if self.reproduce:
                import_before_forking()
            with _FORKING:  # (another thread's validation sets or clears them too)
                _WORKER_VIEW = self.view
                _WORKER_KNOWN = known
                self._pool = ForkPool(self.jobs, initializer=start_worker_heap)
        return self._pool

    def close(self) -> None:
        global _WORKER_VIEW, _WORKER_KNOWN
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        with _FORKING:
            if _WORKER_VIEW is self.view:  # not another thread's, forking now
                _WORKER_VIEW = _WORKER_KNOWN = None

    def too_long(self, part: str, number: int) -> None:
        self.problems.append(Problem(part, "too-large", f"line longer than {MAX_RECORD_LINE} "
                                     "bytes; not checked", f"line {number}"))


# -- worker processes ---------------------------------------------------------------------


#: Held while the package a pool's workers read is set and they are forked, and while it
#: is cleared: two validations in threads of one program (a notebook, a web server) set
#: them in turn, and a worker forked while the other thread cleared them started without
#: a package (QA s101, CI: "worker started without a package", under load) or with the
#: other thread's.
_FORKING = threading.Lock()
#: The package a forked worker reads (set in the parent just before the pool forks).
_WORKER_VIEW: PackageView | None = None
#: Raw files of that package read already (:func:`corpuskit.earlyhashes.take`).
_WORKER_KNOWN: AbstractSet[str] | None = None
#: One FileDigester per set of algorithms in a worker (each holds its read buffer).
_WORKER_DIGESTERS: dict[tuple[str, ...], FileDigester] = {}


def worker_view() -> PackageView:
    """The package this worker reads."""
    assert _WORKER_VIEW is not None, "worker started without a package"
    return _WORKER_VIEW


def worker_digester(algorithms: tuple[str, ...]) -> FileDigester:
    assert _WORKER_VIEW is not None, "worker started without a package"
    digester = _WORKER_DIGESTERS.get(algorithms)
    if digester is None:
        digester = FileDigester(_WORKER_VIEW.root, _WORKER_VIEW.opener, algorithms,
                                _WORKER_KNOWN)
        _WORKER_DIGESTERS[algorithms] = digester
    return digester
