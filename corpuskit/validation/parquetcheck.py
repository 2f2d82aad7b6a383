"""data/documents.parquet against data/documents.jsonl: the same records, row for row.

A package built with ``[output] parquet = true`` holds its records twice, and the Parquet
copy is the one the data card points Hugging Face ``datasets`` at. The checksums only say
that each file is what the manifests list, which a forger can recompute; this check says
that the two hold the same records: the same number of rows in the same order, every
column equal to the record's field (types included: ``1`` is not ``true``), and the
columns named and typed as :func:`corpuskit.parquet.arrow_schema` writes them.

Memory stays bounded: the Parquet file is read a batch of rows at a time
(``ParquetFile.iter_batches``, within one row group), documents.jsonl a block of lines at a
time, in step; nothing outlives a batch. A folder's file is read in place; an archive's
member through the package's opener, as a stream made seekable by :class:`_SeekableFile`
(the footer is read from a copy of the member's last bytes, the rows from the start).
Before any row is read, the sizes the file declares are checked against the limits an
archive's member is held to: its footer's, then its pages' (:mod:`.parquetpages`, whose
headers a forged footer does not change). Then only the columns compared are read, their
strings as dictionary indices (``read_dictionary``): a dictionary page holds each distinct
value once, and rows may repeat a long one without end (a 531 KB file repeating one 1 MiB
text in 1,000 rows took 1.1 GB), so what a batch's rows hold once decoded is weighed from
the indices first, and they are decoded a slice of :data:`DECODED_BUDGET` at a time; a
row, or all rows so far, decoding to more than the bomb limits allow is ``too-large``, and
the rest is not read.
A record equal to its row is recognized by its bytes: corpuskit writes each line as
``orjson.dumps`` of the record, so the row's dump equals the line; any other row is
compared field by field, and its first differing column named.

Differences are ``record-mismatch`` problems (rows, values, counts) at ``row N`` (the
JSONL line N), and ``metadata-mismatch`` ones for columns named or typed otherwise. pyarrow
is optional (corpuskit's ``parquet`` extra): without it nothing is compared, and
:attr:`ParquetComparison.not_checked` says so, for the report to show; the package is not
invalid for it.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

import orjson

from ..arrownumbers import int_values
from ..parquet import INSTALL_PARQUET, PARQUET_PATH, pyarrow_not_loaded
from ..problems import Problem
from ..systemlimits import MEMORY, exhausted_resource
from ..wording import counted
from ..zipfiles.zipsource import DEFAULT_LIMITS
from .lines import line_blocks
from .parquetfooter import StatisticsCheck

#: Why the comparison cannot run without the optional dependency.
NO_PYARROW = ("not compared with data/documents.jsonl: pyarrow is not installed "
              f"({INSTALL_PARQUET})")
#: Why it cannot run without thrift (the same extra), which reads its page headers.
NO_THRIFT = ("not compared with data/documents.jsonl: thrift, which reads its page headers, "
             f"is not installed ({INSTALL_PARQUET})")
#: Why it is not compared when its checksum differs from the recorded one: damaged bytes
#: can abort pyarrow's C++ reader, and the process with it (QA), so they are not read.
CHANGED = ("not compared with data/documents.jsonl: its checksum differs from the recorded "
           "one, so it was not read as Parquet")
#: Rows read from the Parquet file at once (at most a row group: corpuskit cuts them at
#: 4,096 records or 32 MiB of text).
BATCH_ROWS = 1024
#: A Parquet file whose column chunks declare more than this uncompressed, at more than
#: MAX_RATIO times its own size, is not read: a possible decompression bomb, as an
#: archive's member is (a 28 KB file holding one 700 MiB text took 3.7 GB, QA).
RATIO_FLOOR_BYTES = DEFAULT_LIMITS.ratio_floor_bytes
MAX_RATIO = DEFAULT_LIMITS.max_ratio
#: Bytes of values decoded into Python objects at once (strings' lengths, and
#: :data:`PER_VALUE_BYTES` for each value a list holds): a batch's rows are compared in
#: slices of at most this much (a row holding more, alone).
DECODED_BUDGET = 64 << 20
#: What a list's value takes beyond its bytes once decoded (a Python object and its
#: reference, an Arrow offset): a list of millions of empty strings is not weightless.
PER_VALUE_BYTES = 64
#: Rows whose differences are listed one by one; the others are counted.
LISTED_ROWS = 20
#: Characters of a value quoted in a message (a text is never shown whole).
EXCERPT_CHARS = 80
#: Characters shown before the first difference of two long strings.
_LEAD = 20
#: Bytes of an archive member's end kept while it is streamed to its end for the footer.
TAIL_BYTES = 4 * 1024 * 1024
_CHUNK = 1 << 20

#: A field a record lacks.
_ABSENT = object()

#: One line of documents.jsonl: its file, its number, and its bytes (None when too long).
_Line = tuple[str, int, "bytes | memoryview | None"]


class ParquetOutOfMemory(MemoryError):
    """pyarrow ran out of memory reading data/documents.parquet (its ArrowMemoryError,
    "malloc of size N failed", or a MemoryError of its own): the run failed, not the file,
    which is neither found to hold its records nor not to (QA: a sound package under
    ``ulimit -v`` was failed as a ``record-mismatch``). A plain exception of one string,
    sent whole from the forked child to the parent."""


#: pyarrow's words for an allocation that failed (its ArrowMemoryError's, or an error of
#: another type wrapping one).
_MALLOC_FAILED = re.compile(r"\w*alloc of size \d+ failed")


def _memory_failure(exc: BaseException) -> bool:
    """Whether ``exc`` is the process running out of memory, not the file being wrong."""
    return exhausted_resource(exc) == MEMORY or bool(_MALLOC_FAILED.search(str(exc)))


def _raise_if_out_of_memory(exc: BaseException) -> None:
    """Raise :class:`ParquetOutOfMemory` where ``exc`` is a memory failure: a verdict on
    the file only for what the file holds."""
    if _memory_failure(exc):
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise ParquetOutOfMemory(f"pyarrow could not read {PARQUET_PATH}: {reason[:200]}") \
            from None


@dataclass
class ParquetComparison:
    """What the comparison found: problems, and why it could not run (else None)."""

    problems: list[Problem] = field(default_factory=list)
    not_checked: str | None = None


class _SeekableFile(io.RawIOBase):
    """A file of the package, opened with ``opener``, as pyarrow reads it: seekable.

    A folder's file is seekable already. An archive member is a stream: reading forward
    skips what lies between, reading backward opens it again. pyarrow reads the footer
    first, at the end, then the row groups from the start onwards: the first read near the
    end streams the member to its end once and keeps its last :data:`TAIL_BYTES`, which
    serve the footer reads; the rows are then read forward from a fresh stream. An error
    of the underlying file is kept in ``failure`` (pyarrow may wrap it in its own).
    """

    def __init__(self, opener: Callable[[str], IO[bytes]], rel: str, size: int) -> None:
        super().__init__()
        self._opener = opener
        self._rel = rel
        self._size = size
        self._handle: IO[bytes] | None = None
        self._seekable = False
        self._at = 0  # the handle's position
        self._position = 0
        self._tail = b""
        self._tail_start = size
        self.failure: BaseException | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._position = base + offset
        return self._position

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def read(self, size: int | None = -1) -> bytes:
        start = self._position
        left = max(0, self._size - start)
        size = left if size is None or size < 0 else min(size, left)
        if size == 0:
            return b""
        try:
            data = self._read(start, size)
        except (OSError, ValueError) as exc:
            self.failure = exc
            raise
        self._position = start + len(data)
        return data

    def _read(self, start: int, size: int) -> bytes:
        if start >= self._tail_start:
            offset = start - self._tail_start
            return self._tail[offset:offset + size]
        handle = self._open(start)
        if not self._seekable and start >= self._size - TAIL_BYTES \
                and self._tail_start == self._size:
            self._keep_tail(handle)
            return self._read(start, size)
        if self._seekable:
            handle.seek(start)
        else:
            self._skip(handle, start - self._at)
        data = self._take(handle, size)
        self._at = start + len(data)
        if len(data) != size:
            raise OSError(f"{self._rel}: ends after {self._at} of its {self._size} bytes")
        return data

    def _open(self, start: int) -> IO[bytes]:
        """The handle, opened again when it is past ``start`` (a stream cannot go back)."""
        if self._handle is not None and (self._seekable or self._at <= start):
            return self._handle
        self.close_handle()
        self._handle = self._opener(self._rel)
        self._seekable = self._handle.seekable()
        self._at = 0
        return self._handle

    @staticmethod
    def _take(handle: IO[bytes], size: int) -> bytes:
        parts = []
        while size > 0 and (data := handle.read(min(size, _CHUNK))):
            parts.append(data)
            size -= len(data)
        return b"".join(parts)

    def _skip(self, handle: IO[bytes], count: int) -> None:
        while count > 0:
            data = handle.read(min(count, _CHUNK))
            if not data:
                raise OSError(f"{self._rel}: ends after {self._at} of its {self._size} bytes")
            count -= len(data)
            self._at += len(data)

    def _keep_tail(self, handle: IO[bytes]) -> None:
        """Read the stream to its end, keeping its last :data:`TAIL_BYTES`."""
        kept: deque[bytes] = deque()
        held = 0
        while data := handle.read(_CHUNK):
            self._at += len(data)
            kept.append(data)
            held += len(data)
            while held - len(kept[0]) >= TAIL_BYTES:
                held -= len(kept.popleft())
        if self._at != self._size:
            raise OSError(f"{self._rel}: holds {self._at} bytes, not {self._size}")
        tail = b"".join(kept)
        self._tail = tail[max(0, len(tail) - TAIL_BYTES):]
        self._tail_start = self._size - len(self._tail)
        self.close_handle()

    def close_handle(self) -> None:
        if self._handle is not None:
            handle, self._handle = self._handle, None
            handle.close()

    def close(self) -> None:
        self.close_handle()
        super().close()


class _Lines:
    """The lines of documents.jsonl (all its parts, in order), numbered as the records
    pass numbers them. A line over ``max_line`` bytes is given as None (the records pass
    reports it). A read error ends the lines and is kept in ``failure``."""

    def __init__(self, opener: Callable[[str], IO[bytes]], parts: Sequence[str],
                 max_line: int) -> None:
        self.opener = opener
        self.parts = parts
        self.max_line = max_line
        self.failure: tuple[str, BaseException] | None = None
        self.count = 0

    def __iter__(self) -> Iterator[_Line]:
        for part in self.parts:
            skipped: list[int] = []
            try:
                with self.opener(part) as handle:
                    chunks = iter(lambda: handle.read(_CHUNK), b"")
                    for block in line_blocks(chunks, skipped.append, keep=True,
                                             max_line=self.max_line):
                        yield from self._too_long(part, skipped, block.first)
                        assert block.data is not None
                        # Views of the block, not copies: a line of a document of many MB
                        # was held twice while its block was.
                        data, view, start = block.data, memoryview(block.data), 0
                        for index in range(block.lines):
                            end = data.find(b"\n", start)
                            end = len(data) if end < 0 else end
                            line, start = view[start:end], end + 1
                            if not line or bytes(line).isspace():
                                continue  # no record, and no row stands for it
                            self.count += 1
                            yield part, block.first + index, line
            except (OSError, ValueError) as exc:
                self.failure = (part, exc)
                return
            yield from self._too_long(part, skipped, None)

    def _too_long(self, part: str, skipped: list[int], before: int | None) -> Iterator[_Line]:
        while skipped and (before is None or skipped[0] < before):
            self.count += 1
            yield part, skipped.pop(0), None


def _pyarrow() -> tuple[Any, Any] | str:
    """pyarrow and pyarrow.parquet, or why the comparison cannot run without them: not
    installed (:data:`NO_PYARROW`), or installed and failed to load, said as
    :func:`corpuskit.parquet.pyarrow_not_loaded` says it (QA: a pyarrow not mapped under
    ``ulimit -v`` was called not installed)."""
    try:
        import pyarrow  # type: ignore[import-untyped,unused-ignore]
        import pyarrow.parquet  # type: ignore[import-untyped,unused-ignore]  # (submodule)
    except ModuleNotFoundError:
        return NO_PYARROW
    except (ImportError, MemoryError, OSError) as error:
        return f"not compared with data/documents.jsonl: {pyarrow_not_loaded(error)}"
    return pyarrow, pyarrow.parquet


def compare_parquet(opener: Callable[[str], IO[bytes]], size: int, parts: Sequence[str], *,
                    max_line: int, read_error: Callable[[str, BaseException], None]
                    ) -> ParquetComparison:
    """:func:`compare_in_process`, in a forked child where the platform forks: pyarrow's
    C++ reader throws, on some bytes it does not expect, where nothing catches it, and the
    process aborts (QA: a re-signed file with one flipped bit gave exit 134 and no
    report). The child's abort is a problem of the file's; its read errors are the
    parent's to report."""
    from ..errors import WorkerDied
    from ..forkpool import ForkPool, fork_available

    if not fork_available():
        return compare_in_process(opener, size, parts, max_line=max_line,
                                  read_error=read_error)
    _CHILD_ARGS[:] = [(opener, size, tuple(parts), max_line)]  # the child's, at its fork
    try:
        with ForkPool(1, initializer=_quiet) as pool:
            found, errors = pool.apply_async(_compare_task).get()
    except WorkerDied as died:
        how = str(died).partition("(")[2].partition(";")[0] or "it died"
        return ParquetComparison(problems=[Problem(
            PARQUET_PATH, "record-mismatch",
            f"cannot be read as Parquet: pyarrow aborted ({how}), so its rows cannot be "
            f"compared with {' + '.join(parts)}")])
    finally:
        _CHILD_ARGS.clear()
    for path, error in errors:
        read_error(path, error)
    return found


#: What the forked child compares: (opener, size, parts, max_line).
_CHILD_ARGS: list[tuple[Callable[[str], IO[bytes]], int, tuple[str, ...], int]] = []


def _quiet() -> None:
    """The child writes nothing to standard error (the C++ runtime's words on an abort:
    the parent reports it, as a problem)."""
    from ..forkpool import _quiet_standard_error

    _quiet_standard_error()


def _compare_task() -> tuple[ParquetComparison, list[tuple[str, BaseException]]]:
    """In the child: the comparison, and the read errors it met (sent to the parent)."""
    opener, size, parts, max_line = _CHILD_ARGS[0]
    errors: list[tuple[str, BaseException]] = []
    found = compare_in_process(opener, size, parts, max_line=max_line,
                               read_error=lambda path, error: errors.append((path, error)))
    return found, errors


def compare_in_process(opener: Callable[[str], IO[bytes]], size: int, parts: Sequence[str],
                       *, max_line: int, read_error: Callable[[str, BaseException], None]
                       ) -> ParquetComparison:
    """Compare ``data/documents.parquet`` (``size`` bytes) with the records of ``parts``
    (documents.jsonl), both read through ``opener``. Read errors of either file go to
    ``read_error(path, exception)``; the comparison then ends there."""
    modules = _pyarrow()
    if isinstance(modules, str):
        return ParquetComparison(not_checked=modules)
    if not _thrift():
        return ParquetComparison(not_checked=NO_THRIFT)
    from ..parquet import arrow_schema, parquet_schema
    from .parquetfooter import footer_problems

    _, parquet = modules
    found = ParquetComparison()
    source = _SeekableFile(opener, PARQUET_PATH, size)
    try:
        try:
            reader = parquet.ParquetFile(source, pre_buffer=False)
            schema = reader.schema_arrow
        except Exception as exc:  # pyarrow's errors are its own, OSError or ValueError
            _raise_if_out_of_memory(exc)
            if source.failure is not None:
                read_error(PARQUET_PATH, source.failure)
            else:
                found.problems.append(_unreadable(exc, None, parts))
            return found
        declared = _declared_bytes(reader.metadata)
        if declared > RATIO_FLOOR_BYTES and declared > MAX_RATIO * max(size, 1):
            found.problems.append(Problem(
                PARQUET_PATH, "too-large",
                f"its column chunks declare {declared} bytes uncompressed from a {size}-byte "
                f"file (ratio over {MAX_RATIO:g}); not read, as a possible decompression "
                "bomb (an archive's member is refused alike)"))
            return found
        from .parquetpages import Layout

        layout = Layout()
        if _pages_refused(reader.metadata, source, size, parts, found.problems, read_error,
                          layout):
            return found
        columns, exact = _columns(schema, arrow_schema(), found.problems)
        found.problems.extend(footer_problems(reader, arrow_schema(), parquet_schema()))
        try:
            rows = parquet.ParquetFile(source, pre_buffer=False, metadata=reader.metadata,
                                       read_dictionary=_string_paths(reader.schema, columns))
        except Exception as exc:  # as above (its footer is the one read already)
            _raise_if_out_of_memory(exc)
            if source.failure is not None:
                read_error(PARQUET_PATH, source.failure)
            else:
                found.problems.append(_unreadable(exc, None, parts))
            return found
        plain = modules[0].schema([schema.field(name) for name in columns])
        _compare_rows(rows, source, _Weigher(size),
                      plain, exact, _Lines(opener, parts, max_line), found.problems,
                      read_error, StatisticsCheck(reader.metadata, columns, layout))
    except ParquetOutOfMemory:
        raise
    except MemoryError as exc:  # out of memory anywhere else in it (importing pyarrow.compute)
        _raise_if_out_of_memory(exc)
        raise
    finally:
        source.close()
    return found


def _thrift() -> bool:
    """Whether thrift, which :mod:`.parquetpages` reads page headers with, is installed."""
    try:
        import thrift.protocol.TCompactProtocol  # type: ignore[import-untyped,unused-ignore]  # noqa: F401
    except ImportError:
        return False
    return True


def _pages_refused(metadata: Any, source: _SeekableFile, size: int, parts: Sequence[str],
                   problems: list[Problem],
                   read_error: Callable[[str, BaseException], None], layout: Any) -> bool:
    """Whether the page headers stop the comparison before any row is read: a page (or
    all of them) past the bomb limits, a header that cannot be read, or a read error.
    ``layout`` (a :class:`.parquetpages.Layout`) is filled with the data pages and the
    footer's statistics as stored, for the statistics' check."""
    from .parquetpages import PageError, page_problem

    try:
        problem = page_problem(source, size, metadata, floor=RATIO_FLOOR_BYTES,
                               max_ratio=MAX_RATIO, layout=layout)
    except (OSError, ValueError) as exc:
        if source.failure is not None:
            read_error(PARQUET_PATH, source.failure)
            return True
        if not isinstance(exc, PageError):
            raise
        problem = _unreadable(exc, None, parts)
    if problem is not None:
        problems.append(problem)
    return problem is not None


def _declared_bytes(metadata: Any) -> int:
    """The uncompressed bytes the footer ``metadata`` declares: its column chunks' sizes."""
    return sum(group.column(column).total_uncompressed_size
               for group in map(metadata.row_group, range(metadata.num_row_groups))
               for column in range(group.num_columns))


def _columns(schema: Any, expected: Any, problems: list[Problem]) -> tuple[list[str], bool]:
    """The columns whose values can be compared (named and typed as corpuskit writes them),
    and whether the schema is exactly corpuskit's (so that rows can be compared by their
    JSON bytes); differences are problems."""
    names, wanted = list(schema.names), list(expected.names)
    if names != wanted:
        problems.append(Problem(PARQUET_PATH, "metadata-mismatch",
                                f"the columns {_renamed(names, wanted)}, but corpuskit writes "
                                "the fields of document.schema.json, in its order", "schema"))
    comparable = []
    for name in wanted:
        if names.count(name) != 1:
            continue
        actual, target = schema.field(name), expected.field(name)
        if actual.type.equals(target.type) and actual.nullable == target.nullable:
            comparable.append(name)
            continue
        problems.append(Problem(PARQUET_PATH, "metadata-mismatch",
                                f"column {name!r} is {_typed(actual)}, corpuskit writes it as "
                                f"{_typed(target)}", "schema"))
        if actual.type.equals(target.type):
            comparable.append(name)  # only its nullability differs: its values compare
    return comparable, names == wanted and comparable == wanted


def _typed(column: Any) -> str:
    return f"{column.type}" + ("" if column.nullable else " not null")


def _renamed(names: list[str], expected: list[str]) -> str:
    """How the column names differ from corpuskit's, in words."""
    missing = [name for name in expected if name not in names]
    extra = [name for name in names if name not in expected]
    said = []
    if missing:
        said.append("lack " + ", ".join(map(repr, missing)))
    if extra:
        said.append("include " + ", ".join(map(repr, extra)))
    if said:
        return " and ".join(said)
    if names[:len(expected)] == expected:  # corpuskit's columns, then one repeated
        return f"repeat {names[len(expected)]!r} as column {len(expected) + 1}"
    first = next(n for n, (a, b) in enumerate(zip(names, expected, strict=False)) if a != b)
    return (f"have {names[first]!r} as column {first + 1}, where corpuskit writes "
            f"{expected[first]!r}")


def _string_paths(schema: Any, columns: list[str]) -> list[str]:
    """The paths of the string leaves (``BYTE_ARRAY``) of ``columns`` in the Parquet
    ``schema``, a list's values too (``normalization.list.element``): read as dictionary
    indices, to be weighed before they are decoded. (Arrow then makes a dictionary of the
    values of pages that have none: on 100,000 documents the comparison took a quarter
    longer, and sizing batches by the largest page of each column instead, twice as long.)"""
    leaves = map(schema.column, range(len(schema)))
    return [leaf.path for leaf in leaves
            if leaf.physical_type == "BYTE_ARRAY" and leaf.path.split(".")[0] in columns]


class _TooLarge(Exception):
    """Rows ``first`` to ``last`` (from 1) decode to ``decoded`` bytes, more than the bomb
    limits allow; ``row``: the first row not compared."""

    def __init__(self, first: int, last: int, decoded: int, row: int) -> None:
        super().__init__(first, last, decoded, row)
        self.first, self.last, self.decoded, self.row = first, last, decoded, row


class _Weigher:
    """What rows hold once decoded, weighed from their dictionary indices before any is
    decoded, and the slices of a batch to decode at once (:data:`DECODED_BUDGET`)."""

    def __init__(self, file_size: int) -> None:
        self.file_size = file_size
        self.total = 0  # decoded so far

    def _over(self, decoded: int) -> bool:
        return decoded > RATIO_FLOOR_BYTES and decoded > MAX_RATIO * max(self.file_size, 1)

    def slices(self, batch: Any, first_row: int) -> Iterator[tuple[int, int]]:
        """The slices ``(start, stop)`` of ``batch`` (whose first row is row
        ``first_row + 1`` of the file) to decode and compare in turn; raises
        :class:`_TooLarge` before a row or the file so far decodes past the limits."""
        import numpy as np

        weights = np.zeros(batch.num_rows, np.int64)
        for column in batch.columns:
            weights += _decoded_bytes(column)
        ends = np.cumsum(weights)
        start = 0
        while start < batch.num_rows:
            before = int(ends[start - 1]) if start else 0
            stop = max(int(np.searchsorted(ends, before + DECODED_BUDGET, side="right")),
                       start + 1)
            decoded = int(ends[stop - 1]) - before
            row = first_row + start + 1
            if self._over(int(weights[start])):
                raise _TooLarge(row, row, int(weights[start]), row)
            if self._over(self.total + decoded):
                raise _TooLarge(1, first_row + stop, self.total + decoded, row)
            self.total += decoded
            yield start, stop
            start = stop


def _decoded_bytes(column: Any) -> Any:
    """For each row of ``column`` (an Arrow array of a batch), the bytes its values take
    once decoded: a string's length (its dictionary entry's), and :data:`PER_VALUE_BYTES`
    more for each value of a list; nothing for a number. Read from the arrays' buffers
    (pyarrow.compute's calls cost 0.4 s on 100,000 documents)."""
    import numpy as np
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    kind = column.type
    if pa.types.is_dictionary(kind):
        lengths = np.append(_lengths(column.dictionary), 0)  # a null row's: no entry
        indices = column.indices
        return lengths[int_values(indices, null=len(lengths) - 1)]
    if pa.types.is_list(kind):
        values = _decoded_bytes(column.values) + PER_VALUE_BYTES
        ends = np.concatenate([[0], np.cumsum(values, dtype=np.int64)])
        offsets = int_values(column.offsets)
        return ends[offsets[1:]] - ends[offsets[:-1]]
    if pa.types.is_string(kind) or pa.types.is_binary(kind) \
            or pa.types.is_large_string(kind) or pa.types.is_large_binary(kind):
        return _lengths(column)  # not read as a dictionary
    return np.zeros(len(column), np.int64)


def _lengths(strings: Any) -> Any:
    """The byte lengths of an Arrow array of strings (a null's: what its offsets give,
    nothing as Arrow writes them), from its offsets."""
    import numpy as np
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    if not len(strings):
        return np.zeros(0, np.int64)
    large = pa.types.is_large_string(strings.type) or pa.types.is_large_binary(strings.type)
    width = 8 if large else 4
    offsets = np.frombuffer(strings.buffers()[1], np.int64 if large else np.int32,
                            len(strings) + 1, strings.offset * width)
    return np.diff(offsets).astype(np.int64)


def _compare_rows(reader: Any, source: _SeekableFile, weigher: _Weigher, plain: Any,
                  exact: bool, lines: _Lines, problems: list[Problem],
                  read_error: Callable[[str, BaseException], None],
                  statistics: StatisticsCheck) -> None:
    """Every row against its line, in step; then the counts, and the column chunks'
    ``statistics``. ``reader`` reads the strings as dictionaries, ``plain`` is the schema
    the rows are decoded into (the columns compared)."""
    jsonl = " + ".join(lines.parts)
    columns = list(plain.names)
    records = iter(lines)
    row = listed = unlisted = 0
    try:
        for values in _decoded_rows(reader, weigher, plain, statistics):
            row += 1
            line = next(records, None)
            if line is None:
                continue  # counted below
            part, number, data = line
            if data is None or (exact and orjson.dumps(values) == data):
                continue
            message = _row_message(values, part, number, data, columns)
            if message is None:
                continue
            if listed < LISTED_ROWS:
                listed += 1
                problems.append(Problem(PARQUET_PATH, "record-mismatch", message,
                                        f"row {row}"))
            else:
                unlisted += 1
    except _TooLarge as exc:
        rows = f"row {exc.first}" if exc.first == exc.last \
            else f"rows {exc.first} to {exc.last}"
        problems.append(Problem(PARQUET_PATH, "too-large",
                                f"{rows} decode to {exc.decoded} bytes from a "
                                f"{weigher.file_size}-byte file (ratio over {MAX_RATIO:g}); "
                                f"not read{' further' if exc.row > 1 else ''}, as a possible "
                                "decompression bomb", f"row {exc.row}"))
        return
    except Exception as exc:  # the file is not Parquet as far as this row
        _raise_if_out_of_memory(exc)  # (QA: "malloc of size 410944 failed" at row 1)
        if source.failure is not None:
            read_error(PARQUET_PATH, source.failure)
        else:
            problems.append(_unreadable(exc, row + 1, lines.parts))
        return
    if lines.failure is None:
        for _ in records:  # the lines no row stands for
            pass
    if lines.failure is not None:
        read_error(*lines.failure)
        return
    problems.extend(statistics.finish())
    if unlisted:
        problems.append(Problem(PARQUET_PATH, "record-mismatch",
                                f"{counted(unlisted, 'more row')} "
                                f"{'differs' if unlisted == 1 else 'differ'} from {jsonl}; "
                                f"only the first {LISTED_ROWS} are listed"))
    if row != lines.count:
        problems.append(Problem(PARQUET_PATH, "record-mismatch",
                                f"holds {counted(row, 'row')}, {jsonl} "
                                f"{counted(lines.count, 'record')}: "
                                + (f"line {row + 1} and on have no row" if row < lines.count
                                   else f"row {lines.count + 1} and on have no record")))


def _decoded_rows(reader: Any, weigher: _Weigher, plain: Any,
                  statistics: StatisticsCheck) -> Iterator[dict[str, Any]]:
    """The rows of ``reader``'s columns ``plain.names``, decoded a slice at a time
    (:meth:`_Weigher.slices`); each batch is shown to ``statistics`` first."""
    metadata = reader.metadata
    if not plain.names:  # nothing to compare: the rows are counted
        for group in range(metadata.num_row_groups):
            yield from ({} for _ in range(metadata.row_group(group).num_rows))
        return
    first = 0
    # A row group at a time: a batch across two groups held the list column read as a
    # dictionary in two chunks, which Arrow cannot return ("Nested data conversions not
    # implemented for chunked array outputs"), and a fresh build of over 32 MiB of text
    # (two row groups) failed validate (QA).
    for batch in (batch for group in range(metadata.num_row_groups)
                  for batch in reader.iter_batches(batch_size=BATCH_ROWS, row_groups=[group],
                                                   columns=plain.names, use_threads=False)):
        statistics.add(batch)
        decoded = not batch.schema.equals(plain)  # strings read as dictionary indices
        for start, stop in weigher.slices(batch, first):
            rows = batch if stop - start == batch.num_rows else batch.slice(start, stop - start)
            # A slice's to_pylist costs a quarter more than its batch's: the whole batch, most
            # often, as is. Rows are decoded by Arrow first (a dictionary's values one at a
            # time cost 40% more), but a row alone (over the budget with others: a long text)
            # is not, to hold it once less.
            yield from (rows.cast(plain) if decoded and rows.num_rows > 1 else rows).to_pylist()
        first += batch.num_rows


def _row_message(values: dict[str, Any], part: str, number: int, line: bytes | memoryview,
                 columns: list[str]) -> str | None:
    """How a row differs from its record, or None if it does not (in the columns that
    can be compared) or the line is no JSON object (the records pass reports it)."""
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(record, dict):
        return None
    differing = [name for name in columns
                 if not _same(values.get(name, _ABSENT), record.get(name, _ABSENT))]
    if not differing:
        return None
    name = differing[0]
    found, expected, where = _excerpts(values.get(name, _ABSENT), record.get(name, _ABSENT))
    doc_id = record.get("id")
    message = (f"record {doc_id!r}: " if isinstance(doc_id, str) and len(doc_id) <= 200
               else "")
    message += f"column {name!r} is {found}{where}, {part} line {number} has {expected}"
    others = differing[1:]
    if others:
        message += (f"; column {others[0]!r} differs too" if len(others) == 1 else
                    f"; columns {', '.join(map(repr, others))} differ too")
    return message


def _same(found: Any, expected: Any) -> bool:
    """Equal values of the same JSON types (``1`` is not ``true``, nor ``1.0``)."""
    if type(found) is not type(expected):
        return False
    if isinstance(found, list):
        return len(found) == len(expected) and all(map(_same, found, expected))
    return bool(found == expected)


def _excerpts(found: Any, expected: Any) -> tuple[str, str, str]:
    """Both values as a message quotes them, at most about :data:`EXCERPT_CHARS` characters
    each; two long strings from a little before their first difference, which is named."""
    if isinstance(found, str) and isinstance(expected, str) \
            and max(len(found), len(expected)) > EXCERPT_CHARS:
        begin = max(0, _common_prefix(found, expected) - _LEAD)
        where = f" (from character {begin + 1})" if begin else ""
        shown = _cut(found, begin), _cut(expected, begin)
        if shown[0] == shown[1] or _alike(*shown):
            return (_cut(found, begin, escaped=True), _cut(expected, begin, escaped=True),
                    where + _ESCAPED)
        return shown[0], shown[1], where
    shown = _shown(found), _shown(expected)
    if _alike(*shown):
        return _shown(found, escaped=True), _shown(expected, escaped=True), _ESCAPED
    return shown[0], shown[1], ""


#: Said after two values that print alike, shown with their non-ASCII characters escaped.
_ESCAPED = " (the two print alike: shown with non-ASCII characters as \\u escapes)"


def _alike(one: str, two: str) -> bool:
    """Whether two different values would be quoted alike, or as what a reader cannot
    tell apart: the same text in another Unicode normalization (NFD against NFC), or with
    characters that show nothing (QA: a mismatch of that kind was quoted as two equal
    strings)."""
    return one == two or _seen(one) == _seen(two)


def _seen(text: str) -> str:
    """``text`` as a reader sees it: NFC, without format characters (ZWSP, ZWJ, ...)."""
    return "".join(char for char in unicodedata.normalize("NFC", text)
                   if unicodedata.category(char) != "Cf")


def _common_prefix(one: str, two: str) -> int:
    """The length of the longest common prefix (slices compared in C, not characters)."""
    low, high = 0, min(len(one), len(two))
    while low < high:
        middle = (low + high + 1) // 2
        if one[:middle] == two[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _cut(text: str, begin: int, *, escaped: bool = False) -> str:
    piece = json.dumps(text[begin:begin + EXCERPT_CHARS], ensure_ascii=escaped)
    return ("..." if begin else "") + piece + ("..." if begin + EXCERPT_CHARS < len(text)
                                               else "")


def _shown(value: Any, *, escaped: bool = False) -> str:
    if value is _ABSENT:
        return "no such field"
    text = json.dumps(value, ensure_ascii=escaped)
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS - 3] + "..."


def _unreadable(exc: BaseException, row: int | None, parts: Sequence[str]) -> Problem:
    reason = " ".join(str(exc).split()) or type(exc).__name__
    if len(reason) > 200:
        reason = reason[:197] + "..."
    return Problem(PARQUET_PATH, "record-mismatch",
                   f"cannot be read as Parquet ({reason}), so its rows cannot be compared "
                   f"with {' + '.join(parts)}", f"row {row}" if row else "")
