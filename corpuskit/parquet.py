"""Write records as Parquet with an explicit Arrow schema and reproducible bytes.

pyarrow is an optional dependency (corpuskit's ``parquet`` extra) and is imported
only when a Parquet file is written. Every column has a declared type, so no reader has
to guess: ``date`` is a *string* (``YYYY-MM-DD`` or null), never a timestamp, and
``normalization`` is ``list<string>``.

Reproducibility: the same records give the same bytes with the same pyarrow version.
Row groups are cut by a fixed number of records and of text bytes (never by time,
memory or worker count), compression and format options are fixed here, and no pandas
metadata is stored. pyarrow writes its own version into the file footer (``created_by``),
so corpuskit pins pyarrow exactly in its ``parquet`` extra; another pyarrow version may
give other bytes for the same values.

Example::

    >>> from corpuskit.parquet import write_records   # doctest: +SKIP
    >>> with open("documents.parquet", "wb") as out:  # doctest: +SKIP
    ...     write_records(corpuskit.load("dist/corpus-1.0.0"), out)
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .arrownumbers import int_values
from .errors import CorpuskitError
from .models import RECORD_FIELDS, Record
from .package import table_schema
from .systemlimits import exhausted_resource, ran_out

#: How to install what writes Parquet: corpuskit's 'parquet' extra, which pins pyarrow (the
#: name corpuskit on PyPI is another project's, so not ``pip install 'corpuskit[parquet]'``).
INSTALL_PARQUET = ("install corpuskit's 'parquet' extra: pip install '.[parquet]' in "
                   "corpuskit's source folder (it pins pyarrow)")

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow  # type: ignore[import-untyped,unused-ignore]

PARQUET_PATH = "data/documents.parquet"
#: The name of its resource in datapackage.json.
PARQUET_RESOURCE = "documents-parquet"
MEDIATYPE = "application/vnd.apache.parquet"
#: At most this many records per row group ...
ROW_GROUP_RECORDS = 4_096
#: ... and at most about this many characters of text (bounded memory while writing).
ROW_GROUP_TEXT_BYTES = 32 * 1024 * 1024
COMPRESSION = "zstd"
COMPRESSION_LEVEL = 3
FORMAT_VERSION = "2.6"

#: The Arrow type of each record field, in record order. Nullability follows the schema.
_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("id", "string", False),
    ("title", "string", True),
    ("date", "string", True),
    ("language", "string", False),
    ("text", "string", False),
    ("rights", "string", True),
    ("chars", "int64", False),
    ("words", "int64", False),
    ("paragraphs", "int64", False),
    ("text_sha256", "string", False),
    ("source_path", "string", False),
    ("source_bytes", "int64", False),
    ("source_sha256", "string", False),
    ("source_encoding", "string", False),
    ("normalization", "list<string>", False),
)
assert tuple(name for name, _, _ in _COLUMNS) == RECORD_FIELDS


class ParquetUnavailableError(CorpuskitError):
    """pyarrow is not installed; Parquet output needs the ``parquet`` extra."""


class BinarySink(Protocol):
    """Anything with ``write(bytes)``: an open binary file or the package writer's stream."""

    def write(self, data: bytes, /) -> Any: ...


def _pyarrow() -> Any:
    try:
        import pyarrow  # type: ignore[import-untyped,unused-ignore]
        import pyarrow.parquet  # type: ignore[import-untyped,unused-ignore]  # (submodule)
    except ModuleNotFoundError:
        # A build never gets here: it refuses parquet = true without pyarrow up front,
        # naming corpus.toml (runsettings.NO_PYARROW). This is export's case.
        raise ParquetUnavailableError(
            "writing Parquet needs pyarrow, which is not installed: "
            f"{INSTALL_PARQUET}") from None
    except (ImportError, MemoryError, OSError) as error:
        raise pyarrow_not_loaded(error) from None
    return pyarrow


def pyarrow_not_loaded(error: BaseException) -> ParquetUnavailableError:
    """The error of a pyarrow that is installed but failed to load (``error``): its shared
    libraries not mapped under a memory limit (``ulimit -v``), a damaged installation. Not
    "not installed", whose advice to install it would not help (QA: export under ulimit -v
    300000)."""
    resource = exhausted_resource(error)
    if resource is not None:
        said = ran_out(resource, "while loading pyarrow, which writes Parquet",
                       detail="" if isinstance(error, MemoryError) else str(error),
                       jobs=None)  # (export takes none)
        return ParquetUnavailableError(str(said))
    return ParquetUnavailableError(
        f"pyarrow, which writes Parquet, is installed but could not be loaded "
        f"({type(error).__name__}: {error}): reinstall it ({INSTALL_PARQUET}), then run the "
        "command again")


def arrow_schema() -> pyarrow.Schema:
    """The explicit Arrow schema of ``data/documents.parquet``."""
    pa = _pyarrow()
    types = {"string": pa.string(), "int64": pa.int64(),
             "list<string>": pa.list_(pa.field("element", pa.string(), nullable=False))}
    return pa.schema(
        [pa.field(name, types[kind], nullable=nullable) for name, kind, nullable in _COLUMNS],
        metadata={b"corpuskit.schema": b"https://corpuskit.dev/schemas/document.schema.json"},
    )


@functools.lru_cache(maxsize=1)
def parquet_schema() -> Any:
    """The Parquet schema (``pyarrow.parquet.ParquetSchema``) of the files corpuskit writes:
    that of an empty file written with its writer's options, as readers other than pyarrow
    see the columns (logical types, repetition)."""
    pa = _pyarrow()
    out = io.BytesIO()
    _parquet_writer(pa, arrow_schema(), out).close()
    return pa.parquet.ParquetFile(io.BytesIO(out.getvalue())).schema


class _Sink:
    """The small file-like face pyarrow's PythonFile needs, in front of any ``write``."""

    closed = False

    def __init__(self, target: BinarySink) -> None:
        self._target = target

    def write(self, data: bytes) -> int:
        self._target.write(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing is buffered here."""

    def close(self) -> None:
        """The caller owns (and closes) the target."""


def _batches(records: Iterable[Record]) -> Iterator[list[Record]]:
    batch: list[Record] = []
    text_bytes = 0
    for record in records:
        batch.append(record)
        text_bytes += len(record.text)
        if len(batch) >= ROW_GROUP_RECORDS or text_bytes >= ROW_GROUP_TEXT_BYTES:
            yield batch
            batch, text_bytes = [], 0
    if batch:
        yield batch


def _parquet_writer(pa: Any, schema: Any, out: BinarySink) -> Any:
    """The writer of ``out``, with corpuskit's fixed options."""
    return pa.parquet.ParquetWriter(
        pa.PythonFile(_Sink(out), mode="w"),
        schema,
        version=FORMAT_VERSION,
        compression=COMPRESSION,
        compression_level=COMPRESSION_LEVEL,
        use_dictionary=True,
        write_statistics=True,
        data_page_version="1.0",
        use_compliant_nested_type=True,
        store_schema=True,
    )


def write_records(records: Iterable[Record], out: BinarySink) -> int:
    """Stream ``records`` into ``out`` as Parquet; return the number of records written.

    Memory holds one row group at a time. ``out`` only needs ``write(bytes)``; it is not
    closed. Raises :class:`ParquetUnavailableError` when pyarrow is not installed.
    """
    pa = _pyarrow()
    schema = arrow_schema()
    count = 0
    writer = _parquet_writer(pa, schema, out)
    try:
        for batch in _batches(records):
            columns = {name: [getattr(r, name) for r in batch] for name in RECORD_FIELDS}
            columns["normalization"] = [list(r.normalization) for r in batch]
            writer.write_table(pa.Table.from_pydict(columns, schema=schema),
                               row_group_size=len(batch))
            count += len(batch)
    finally:
        writer.close()
    return count


#: Bytes of the records file read and parsed at a time (whole lines: more where a line is
#: longer), and the least the JSON reader's threads each take of them.
JSON_CHUNK_BYTES = 16 * 1024 * 1024
JSON_BLOCK_BYTES = 2 * 1024 * 1024


def _line_chunks(path: Path) -> Iterator[bytes]:
    """The file at ``path`` in chunks of whole lines, about :data:`JSON_CHUNK_BYTES` each."""
    carry = b""
    with path.open("rb") as handle:
        while data := handle.read(JSON_CHUNK_BYTES):
            data = carry + data
            end = data.rfind(b"\n") + 1
            if end == 0:  # a line longer than a chunk: read on
                carry = data
                continue
            carry = data[end:]
            yield data[:end]
    if carry:
        yield carry


def _longest_line(chunk: bytes) -> int:
    """The length of the longest line of ``chunk`` (its LF included)."""
    import numpy as np

    ends = np.flatnonzero(np.frombuffer(chunk, np.uint8) == 0x0A) + 1
    starts = np.concatenate([[0], ends[:-1]]) if len(ends) else np.zeros(1, np.int64)
    ends = ends if len(ends) else np.array([len(chunk)])
    return int(np.max(ends - starts))


def write_records_file(path: Path, out: BinarySink) -> int:
    """:func:`write_records` of the records of a records file corpuskit wrote (one record
    per line, in its own form: the build's ``data/documents.jsonl``), the same bytes, made
    faster: the lines are parsed by Arrow's JSON reader, on all cores, into the columns,
    with no :class:`Record` per line. Row groups are cut where :func:`write_records` cuts
    them (every :data:`ROW_GROUP_RECORDS` records, or after the record that brings the
    text to :data:`ROW_GROUP_TEXT_BYTES` characters), each written from contiguous arrays
    as ``Table.from_pydict`` makes them. On the records of 25,180 documents (202 MB of man
    pages, Python sources and Debian documentation) this took 1.1-1.4 s against 1.7-1.9 s
    (three alternating runs); most of what is left is Parquet's own encoding and zstd.
    The file is read a chunk of lines at a time (:data:`JSON_CHUNK_BYTES`), each parsed
    whole: Arrow's own streaming reader read ahead, and took 610 MB there against 425.
    Memory holds a row group and a chunk or two of the file.
    """
    pa = _pyarrow()
    import numpy as np
    import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]
    import pyarrow.json as pj  # type: ignore[import-untyped,unused-ignore]

    schema = arrow_schema()
    parse = pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="error")
    count = 0
    writer = _parquet_writer(pa, schema, out)
    try:
        pending = None  # the records read and not yet written: a table, and its text sizes
        sizes = np.zeros(0, np.int64)

        def cut(end: int) -> None:
            nonlocal pending, sizes, count
            assert pending is not None
            writer.write_table(pending.slice(0, end).combine_chunks(), row_group_size=end)
            pending, sizes, count = pending.slice(end), sizes[end:], count + end

        for chunk in _line_chunks(path):
            block = max(JSON_BLOCK_BYTES, _longest_line(chunk) + 1)  # a block holds a line
            table = pj.read_json(pa.py_buffer(chunk), pj.ReadOptions(block_size=block),
                                 parse).cast(schema)
            del chunk
            pending = table if pending is None else pa.concat_tables([pending, table])
            sizes = np.concatenate([sizes, int_values(
                pc.utf8_length(table.column("text"))).astype(np.int64)])
            while len(sizes):
                full = np.flatnonzero(np.cumsum(sizes[:ROW_GROUP_RECORDS])
                                      >= ROW_GROUP_TEXT_BYTES)
                end = int(full[0]) + 1 if len(full) else ROW_GROUP_RECORDS
                if end > len(sizes):
                    break  # the group may take records of the next chunk
                cut(end)
        if len(sizes):
            cut(len(sizes))
    finally:
        writer.close()
    return count


def parquet_resource() -> dict[str, Any]:
    """The Data Package resource entry of ``data/documents.parquet`` (hash added later).

    The same table as ``data/documents.jsonl``, with two concessions to frictionless-py 5,
    the reference validator, so that ``frictionless validate`` passes on every package:
    its Parquet reader measures no byte count (it reports any declared ``bytes`` as wrong,
    "actual is None"), so ``bytes`` is not declared here — the size is in croissant.json,
    the BagIt Payload-Oxum and ``corpuskit validate`` checks it; and it hands list cells over
    as numpy arrays that its ``array`` type refuses, so ``normalization`` is typed ``any``.
    """
    schema = table_schema()
    for field in schema["fields"]:
        if field["name"] == "normalization":
            field["type"] = "any"
            field["description"] += " Parquet type list<string>."
    return {
        "name": PARQUET_RESOURCE,
        "format": "parquet",
        "mediatype": MEDIATYPE,
        "description": "The records of data/documents.jsonl as Parquet, with explicit column "
                       "types (date as string, normalization as list<string>).",
        "schema": schema,
        "bytes": None,
    }
