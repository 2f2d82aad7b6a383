"""The page headers of data/documents.parquet, checked against the bomb limits before any
of its rows is read.

:mod:`.parquetcheck` first checks what the footer declares (the column chunks'
uncompressed sizes), but a footer can be forged to understate them while each page header
still declares, truthfully, what pyarrow then allocates and inflates: a 700 MiB page from
a few bytes. pyarrow shows no page headers, so they are read here, with thrift's compact
protocol (their encoding: parquet.thrift's ``PageHeader``), every field not needed
skipped by the protocol. The column chunks are walked in file order, header after header,
forward only (an archive's member is a stream, which cannot go back cheaply): only the
headers' bytes are read (:class:`_Window`), the pages' skipped.

A page is refused as an archive's member is, past the same floor and ratio: when it
declares more bytes uncompressed than the floor, at more than the ratio times its
compressed size; a data page also when its values, at the 8 bytes at least Arrow holds for
each (an offset, an index), come to that (a run of millions of values in a few bytes); and
the file when all its pages together do, at more than the ratio times the file's size. A
header that cannot be read, or a page outside its column chunk, is a :class:`PageError`:
the file cannot be read as Parquet.

The walk also keeps, when asked (:class:`Layout`), each data page's count of values and
statistics, and reads the footer's statistics as they are stored: pyarrow shows neither a
page's statistics nor a column chunk's deprecated ``min`` and ``max``, which readers may
skip pages or row groups by (:class:`.parquetfooter.StatisticsCheck` checks them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from thrift.protocol.TCompactProtocol import (  # type: ignore[import-untyped,unused-ignore]
    TCompactProtocol,
)
from thrift.Thrift import TException, TType  # type: ignore[import-untyped,unused-ignore]
from thrift.transport.TTransport import (  # type: ignore[import-untyped,unused-ignore]
    TMemoryBuffer,
    TTransportException,
)

from ..parquet import PARQUET_PATH
from ..problems import Problem

#: The bytes read at first for a page header, and the most it may take (Arrow's own limit).
HEADER_BYTES = 64 * 1024
MAX_HEADER_BYTES = 16 * 1024 * 1024
#: The least Arrow holds for each value of a data page (an offset, a dictionary index).
VALUE_BYTES = 8
#: Parquet's magic, at the file's start and end; the footer's length precedes the last.
_MAGIC = b"PAR1"
_I32 = (-(1 << 31), (1 << 31) - 1)
#: parquet.thrift's PageType of the data pages, and the PageHeader field of each one's own
#: header (whose field 1 is its count of values).
DATA_PAGE, DATA_PAGE_V2 = 0, 3
_VALUES_FIELD = {DATA_PAGE: 5, DATA_PAGE_V2: 8}
#: The field of each data page header's statistics (DataPageHeader's 5, DataPageHeaderV2's
#: 8), by the PageHeader field holding that header.
_STATISTICS_FIELD = {5: 5, 8: 8}
_BOMB = "not read, as a possible decompression bomb (an archive's member is refused alike)"


class Source(Protocol):
    """The file read: seekable (an archive's member made so, read forward)."""

    def seek(self, offset: int, whence: int = ..., /) -> int: ...

    def read(self, size: int = ..., /) -> bytes: ...


class PageError(ValueError):
    """A page header that cannot be read, or a page where its column chunk has none."""


@dataclass(frozen=True)
class Chunk:
    """One column chunk: its row group (from 0), its column's path, its pages' span, and
    its leaf index."""

    group: int
    path: str
    start: int
    end: int
    leaf: int = 0


@dataclass(frozen=True)
class Statistics:
    """A Statistics struct of parquet.thrift as stored: its values' plain-encoded bytes
    (an INT64's 8 little-endian bytes, a string's UTF-8) and counts; None where absent."""

    max: bytes | None = None  # deprecated (field 1)
    min: bytes | None = None  # deprecated (field 2)
    null_count: int | None = None
    distinct_count: int | None = None
    max_value: bytes | None = None
    min_value: bytes | None = None


@dataclass(frozen=True)
class Page:
    """One page header: where it starts, its length, and what it declares."""

    offset: int
    header_bytes: int
    kind: int
    uncompressed: int
    compressed: int
    values: int  # a data page's values (0 for the other kinds)
    statistics: Statistics | None = None  # a data page's, where its header holds them


@dataclass
class Layout:
    """What the walk keeps beyond the limits' checks: the data pages of each column chunk,
    in order, by (row group, leaf index), and the footer's statistics of each chunk."""

    pages: dict[tuple[int, int], list[Page]] = field(default_factory=dict)
    statistics: dict[tuple[int, int], Statistics] = field(default_factory=dict)


class _Protocol(TCompactProtocol):  # type: ignore[misc,unused-ignore]
    """The compact protocol, whose strings are skipped as bytes (thrift decodes them as
    UTF-8, and a page's statistics hold any bytes)."""

    def readString(self) -> bytes:
        return self.readBinary()  # type: ignore[no-any-return,unused-ignore]


class _Window:
    """Bytes of ``source`` read forward only: a request at or after the last one is served
    from the bytes already read as far as they go, the rest read after them."""

    def __init__(self, source: Source) -> None:
        self._source = source
        self._start = 0
        self._data = b""

    def bytes_at(self, offset: int, size: int) -> bytes:
        """``size`` bytes from ``offset`` (fewer at the file's end)."""
        end = self._start + len(self._data)
        if self._start <= offset and offset + size <= end:
            return self._data[offset - self._start:offset - self._start + size]
        kept = self._data[offset - self._start:] if self._start <= offset < end else b""
        self._source.seek(offset + len(kept))
        self._data = kept + self._source.read(size - len(kept))
        self._start = offset
        return self._data


def page_problem(source: Source, file_size: int, metadata: Any,
                 columns: Iterable[int] | None = None, *, floor: int,
                 max_ratio: float, layout: Layout | None = None) -> Problem | None:
    """The ``too-large`` problem of the first page (or of all of them) past the limits, or
    None: the pages of the column chunks ``columns`` (leaf indices; all if None) of every
    row group of ``metadata`` (pyarrow's FileMetaData of ``source``, ``file_size`` bytes).
    ``layout``, if given, is filled with the data pages walked and the footer's statistics.
    Raises :class:`PageError` for a page or footer that cannot be read; ``source``'s own
    errors pass through."""
    footer = _footer_start(source, file_size)
    if layout is not None:
        layout.statistics = footer_statistics(source, file_size, footer)
    window = _Window(source)
    total = 0
    for chunk in _chunks(metadata, columns, footer):
        kept = None if layout is None else layout.pages.setdefault((chunk.group, chunk.leaf),
                                                                   [])
        for page in walk_chunk(window, chunk):
            if kept is not None and page.kind in _VALUES_FIELD:
                kept.append(page)
            problem = _page_too_large(chunk, page, floor, max_ratio)
            if problem is not None:
                return problem
            total += page.uncompressed + VALUE_BYTES * page.values
            if total > floor and total > max_ratio * max(file_size, 1):
                return Problem(PARQUET_PATH, "too-large",
                               f"its pages declare {total} bytes uncompressed (with "
                               f"{VALUE_BYTES} for each value of a data page) from a "
                               f"{file_size}-byte file (ratio over {max_ratio:g}); {_BOMB}")
    return None


def _footer_start(source: Source, file_size: int) -> int:
    """Where the footer begins: its length is the 4 bytes before the closing magic."""
    if file_size < 12:
        raise PageError(f"{file_size} bytes are too few for a Parquet file")
    source.seek(file_size - 8)
    tail = source.read(8)
    length = int.from_bytes(tail[:4], "little")
    if tail[4:] != _MAGIC or length > file_size - 12:
        raise PageError("its footer's length is not where Parquet keeps it")
    return file_size - 8 - length


def _chunks(metadata: Any, columns: Iterable[int] | None, footer: int) -> list[Chunk]:
    """The column chunks to walk, in file order; each must lie between the first magic and
    the footer, and none overlap another (every one is then read forward)."""
    chunks = []
    wanted = None if columns is None else tuple(columns)
    for group in range(metadata.num_row_groups):
        row_group = metadata.row_group(group)
        for column in range(row_group.num_columns) if wanted is None else wanted:
            chunks.append(_chunk(group, row_group.column(column), column))
    chunks.sort(key=lambda chunk: (chunk.start, chunk.end))
    before = len(_MAGIC)
    for chunk in chunks:
        if chunk.end < chunk.start:
            wrong = "has a negative size"
        elif chunk.start < before:
            wrong = "overlaps another" if before > len(_MAGIC) else "starts before the pages"
        elif chunk.end > footer:
            wrong = "runs into the footer"
        else:
            before = chunk.end
            continue
        raise PageError(f"row group {chunk.group + 1}, column {chunk.path!r}: its column "
                        f"chunk (bytes {chunk.start} to {chunk.end}) {wrong}")
    return chunks


def _chunk(group: int, column: Any, leaf: int = 0) -> Chunk:
    """A column chunk's pages' span, from where Arrow starts reading it: the dictionary
    page when it has one before the data pages, else the first data page."""
    start = column.data_page_offset
    dictionary = column.dictionary_page_offset
    if column.has_dictionary_page and dictionary and 0 < dictionary < start:
        start = dictionary
    return Chunk(group, column.path_in_schema, start, start + column.total_compressed_size,
                 leaf)


def walk_chunk(window: _Window, chunk: Chunk) -> Iterator[Page]:
    """The pages of ``chunk``, one header after another to the end of its span."""
    offset = chunk.start
    while offset < chunk.end:
        page = _header(window, chunk, offset)
        end = offset + page.header_bytes + page.compressed
        if end > chunk.end:
            raise PageError(f"{_where(chunk, offset)} runs to byte {end}, past its column "
                            f"chunk's end ({chunk.end})")
        yield page
        offset = end


def _header(window: _Window, chunk: Chunk, offset: int) -> Page:
    """The page header at ``offset``: read a window of bytes, and a larger one (up to
    :data:`MAX_HEADER_BYTES`, and the chunk's end) while the header runs past it."""
    limit = min(MAX_HEADER_BYTES, chunk.end - offset)
    size = min(HEADER_BYTES, limit)
    while True:
        data = window.bytes_at(offset, size)
        try:
            return _parse(data, offset)
        except (EOFError, TTransportException) as exc:
            if isinstance(exc, TTransportException) \
                    and exc.type != TTransportException.SIZE_LIMIT:
                raise PageError(f"{_where(chunk, offset)}: its header cannot be read "
                                f"({exc})") from None
            if size >= limit or len(data) < size:
                raise PageError(f"{_where(chunk, offset)}: its header is cut short at byte "
                                f"{offset + len(data)}") from None
            size = min(size * 4, limit)
        except (TException, KeyError, ValueError, AssertionError) as exc:
            reason = ("a field of an unknown type" if isinstance(exc, KeyError)
                      else str(exc) or type(exc).__name__)
            raise PageError(f"{_where(chunk, offset)}: its header cannot be read "
                            f"({reason})") from None


def _parse(data: bytes, offset: int) -> Page:
    """The page header at the start of ``data`` (from the file's ``offset``)."""
    transport = TMemoryBuffer(data)
    protocol = _Protocol(transport, string_length_limit=len(data),
                         container_length_limit=len(data))
    fields = _fields(protocol, {1: TType.I32, 2: TType.I32, 3: TType.I32, 5: TType.STRUCT,
                                8: TType.STRUCT})
    kind, uncompressed, compressed = fields.get(1), fields.get(2), fields.get(3)
    if not isinstance(kind, int) or not isinstance(uncompressed, int) \
            or not isinstance(compressed, int):
        raise ValueError("it lacks its type or sizes")
    if uncompressed < 0 or compressed < 0:
        raise ValueError(f"a negative size ({uncompressed} uncompressed, "
                         f"{compressed} compressed)")
    values, statistics = 0, None
    if kind in _VALUES_FIELD:
        data_header = fields.get(_VALUES_FIELD[kind])
        values, statistics = data_header if isinstance(data_header, tuple) else (-1, None)
        if values < 0:
            raise ValueError("a data page without its count of values")
    return Page(offset, transport.cstringio_buf.tell(), kind, uncompressed, compressed,
                values, statistics)


def _fields(protocol: Any, wanted: dict[int, int]
            ) -> dict[int, int | tuple[int, Statistics | None]]:
    """The i32 fields of the struct at the protocol's position whose ids ``wanted`` names
    (with their type), and, for a struct field (a data page's own header), its count of
    values (its field 1, -1 if it has none) and its statistics; every other field
    skipped."""
    found: dict[int, int | tuple[int, Statistics | None]] = {}

    def read(number: int, kind: int) -> bool:
        if wanted.get(number) != kind:
            return False
        if kind == TType.STRUCT:
            found[number] = _data_header(protocol, _STATISTICS_FIELD[number])
        else:
            found[number] = _i32(protocol.readI32())
        return True

    _struct(protocol, read)
    return found


def _data_header(protocol: Any, statistics_field: int) -> tuple[int, Statistics | None]:
    """A data page's own header: its count of values (-1 if absent) and statistics."""
    values, statistics = -1, None

    def read(number: int, kind: int) -> bool:
        nonlocal values, statistics
        if number == 1 and kind == TType.I32:
            values = _i32(protocol.readI32())
        elif number == statistics_field and kind == TType.STRUCT:
            statistics = _statistics(protocol)
        else:
            return False
        return True

    _struct(protocol, read)
    return values, statistics


def _struct(protocol: Any, read: Callable[[int, int], bool]) -> None:
    """Each field of the struct at the protocol's position, by its id and type, to
    ``read``, which reads it and returns True, or returns False for it to be skipped."""
    protocol.readStructBegin()
    while True:
        _, kind, number = protocol.readFieldBegin()
        if kind == TType.STOP:
            break
        if not read(number, kind):
            protocol.skip(kind)
        protocol.readFieldEnd()
    protocol.readStructEnd()


def _each(protocol: Any, kind: int, read: Callable[[int], None]) -> bool:
    """The items of the list at the protocol's position to ``read(index)``, if a list of
    structs (else False: the caller skips it)."""
    if kind != TType.LIST:
        return False
    item, count = protocol.readListBegin()
    if item != TType.STRUCT:
        raise ValueError("a list of another type than parquet.thrift gives")
    for index in range(count):
        read(index)
    protocol.readListEnd()
    return True


#: Statistics' fields of bytes (max, min, max_value, min_value) and of counts.
_STATISTICS_BYTES = {1: "max", 2: "min", 5: "max_value", 6: "min_value"}
_STATISTICS_COUNTS = {3: "null_count", 4: "distinct_count"}


def _statistics(protocol: Any) -> Statistics:
    """The Statistics struct at the protocol's position."""
    found: dict[str, Any] = {}

    def read(number: int, kind: int) -> bool:
        if number in _STATISTICS_BYTES and kind == TType.STRING:
            found[_STATISTICS_BYTES[number]] = protocol.readBinary()
        elif number in _STATISTICS_COUNTS and kind == TType.I64:
            found[_STATISTICS_COUNTS[number]] = protocol.readI64()
        else:
            return False
        return True

    _struct(protocol, read)
    return Statistics(**found)


def footer_statistics(source: Source, file_size: int, footer: int
                      ) -> dict[tuple[int, int], Statistics]:
    """The statistics of each column chunk in the footer (which starts at ``footer``), by
    (row group, leaf index): FileMetaData's row groups (4), their columns (1), each one's
    ColumnMetaData (3) and its statistics (12). Raises :class:`PageError` where the
    footer cannot be read so."""
    source.seek(footer)
    data = source.read(file_size - 8 - footer)
    protocol = _Protocol(TMemoryBuffer(data), string_length_limit=len(data),
                         container_length_limit=len(data))
    found: dict[tuple[int, int], Statistics] = {}

    def metadata(group: int, leaf: int) -> Callable[[int, int], bool]:
        def read(number: int, kind: int) -> bool:
            if number != 12 or kind != TType.STRUCT:
                return False
            found[group, leaf] = _statistics(protocol)
            return True
        return read

    def chunk(group: int, leaf: int) -> Callable[[int, int], bool]:
        def read(number: int, kind: int) -> bool:
            if number != 3 or kind != TType.STRUCT:
                return False
            _struct(protocol, metadata(group, leaf))
            return True
        return read

    def row_group(group: int) -> Callable[[int, int], bool]:
        return lambda number, kind: number == 1 and _each(
            protocol, kind, lambda leaf: _struct(protocol, chunk(group, leaf)))

    try:
        _struct(protocol, lambda number, kind: number == 4 and _each(
            protocol, kind, lambda group: _struct(protocol, row_group(group))))
    except (TException, EOFError, KeyError, ValueError, AssertionError) as exc:
        reason = ("a field of an unknown type" if isinstance(exc, KeyError)
                  else str(exc) or type(exc).__name__)
        raise PageError(f"its footer cannot be read ({reason})") from None
    return found


def _i32(value: int) -> int:
    if not _I32[0] <= value <= _I32[1]:
        raise ValueError(f"{value} is no 32-bit integer")
    return value


def _page_too_large(chunk: Chunk, page: Page, floor: int, max_ratio: float) -> Problem | None:
    """The ``too-large`` problem of one page past the limits, else None."""
    bound = max_ratio * max(page.compressed, 1)
    if page.uncompressed > floor and page.uncompressed > bound:
        return Problem(PARQUET_PATH, "too-large",
                       f"{_where(chunk, page.offset)} declares {page.uncompressed} bytes "
                       f"uncompressed from {page.compressed} (ratio over {max_ratio:g}); "
                       + _BOMB)
    held = VALUE_BYTES * page.values
    if held > floor and held > bound:
        return Problem(PARQUET_PATH, "too-large",
                       f"{_where(chunk, page.offset)} holds {page.values} values, "
                       f"{held} bytes in memory at least, from {page.compressed} bytes "
                       f"(ratio over {max_ratio:g}); " + _BOMB)
    return None


def _where(chunk: Chunk, offset: int) -> str:
    return f"row group {chunk.group + 1}, column {chunk.path!r}: the page at byte {offset}"
