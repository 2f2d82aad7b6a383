"""What data/documents.parquet's footer tells readers, against what corpuskit writes there.

The comparison of rows (:mod:`.parquetcheck`) proves the values equal the records, as
pyarrow reads them. Readers also act on the footer, and a forger who recomputes every
checksum can change it without touching a value (QA):

- key-value metadata: pandas takes column names from its ``pandas`` key, so a key that
  maps the field ``text`` to the label ``title`` and back made ``pd.read_parquet`` give
  the title as the text; pyarrow takes types from ``ARROW:schema``;
- the Parquet schema itself (logical types, repetition), which readers other than pyarrow
  go by;
- row counts: the file's (``num_rows``), which pyarrow's ``metadata.num_rows`` and a
  dataset's ``count_rows`` give without reading a row, and each row group's;
- statistics: a column chunk's min, max and null count let a reader skip its row group
  for a filter, so ``en`` rewritten ``zz`` in the ``language`` column's statistics made
  ``filters=[('language', '==', 'en')]`` return no row; a data page's, in its header, let
  it skip the page; the deprecated ``min`` and ``max`` beside ``min_value`` and
  ``max_value``, which pyarrow does not show, older readers go by (QA);
- what corpuskit never writes and readers may use to skip or find data: page indexes,
  bloom filters, sort orders, column chunks in other files, a column chunk's own
  key-value metadata, geospatial statistics.

The footer must be what corpuskit writes: the same key-value metadata and schemas, row
counts that agree with one another and the rows read, none of the parts corpuskit never
writes, and statistics that hold every value they cover, a column chunk's or a data
page's (between min and max, as many nulls as counted; deprecated min and max absent or
equal to those, as pyarrow writes them): a reader that skips by them skips no row it
should have read.
Differences are ``metadata-mismatch`` problems.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from ..arrownumbers import int64_array, int_values
from ..parquet import PARQUET_PATH
from ..problems import Problem

if TYPE_CHECKING:  # pragma: no cover  (parquetpages needs thrift, an optional dependency)
    from .parquetpages import Layout, Page, Statistics

#: The key-value metadata corpuskit's Parquet file holds: the Arrow schema pyarrow stores,
#: and corpuskit's own key (:func:`corpuskit.parquet.arrow_schema`).
ARROW_SCHEMA_KEY = b"ARROW:schema"


def footer_problems(reader: Any, expected_arrow: Any, expected_parquet: Any) -> list[Problem]:
    """How the footer of ``reader`` (a ``pyarrow.parquet.ParquetFile``) differs from the
    one corpuskit writes: its key-value metadata, Arrow schema (``expected_arrow``, with
    its metadata) and Parquet schema (``expected_parquet``), and the parts corpuskit never
    writes. Columns named or typed otherwise in the Arrow schema are problems of the rows'
    comparison, which says which: the schemas are then not compared further. Statistics
    are checked as the rows are read (:class:`StatisticsCheck`)."""
    metadata = reader.metadata
    problems: list[Problem] = []
    arrow = reader.schema_arrow
    if not arrow.equals(expected_arrow):
        return problems  # its columns' names and types differ: said with the rows
    keys = dict(metadata.metadata or {})
    wanted = {ARROW_SCHEMA_KEY, *expected_arrow.metadata}
    extra = sorted(key for key in keys if key not in wanted)
    missing = sorted(key for key in wanted if key not in keys)
    if extra or missing:
        said = []
        if extra:
            said.append("holds " + ", ".join(repr(_text(key)) for key in extra))
        if missing:
            said.append("lacks " + ", ".join(repr(_text(key)) for key in missing))
        problems.append(Problem(PARQUET_PATH, "metadata-mismatch",
                                f"its footer's key-value metadata {' and '.join(said)}; "
                                "corpuskit writes only "
                                + ", ".join(repr(_text(key)) for key in sorted(wanted))
                                + " (readers such as pandas take column names and types "
                                "from such keys)", "footer"))
    for key, value in expected_arrow.metadata.items():
        if key in keys and keys[key] != value:
            problems.append(Problem(PARQUET_PATH, "metadata-mismatch",
                                    f"its footer's {_text(key)!r} is {_text(keys[key])!r}, "
                                    f"corpuskit writes {_text(value)!r}", "footer"))
    if not problems and not arrow.equals(expected_arrow, check_metadata=True):
        # Its keys are corpuskit's: what differs is in the Arrow schema (its fields').
        problems.append(Problem(PARQUET_PATH, "metadata-mismatch",
                                "its Arrow schema (ARROW:schema) holds metadata other than "
                                "corpuskit writes", "footer"))
    if not reader.schema.equals(expected_parquet):
        differs = _schema_difference(reader.schema, expected_parquet)
        problems.append(Problem(PARQUET_PATH, "metadata-mismatch",
                                f"its Parquet schema {differs} (readers other than "
                                "pyarrow go by it)", "footer"))
    problems.extend(_row_count(metadata))
    problems.extend(_never_written(metadata))
    return problems


def _row_count(metadata: Any) -> Iterator[Problem]:
    """The file's row count (FileMetaData ``num_rows``) against its row groups': readers
    count rows by it without reading one (QA: 8 rows forged as 2 passed validate, and
    pyarrow's ``metadata.num_rows`` and a dataset's ``count_rows`` said 2). Each group's
    own count is held to the rows read from it (:class:`StatisticsCheck`), and the rows
    read to the records."""
    groups = sum(metadata.row_group(index).num_rows
                 for index in range(metadata.num_row_groups))
    if metadata.num_rows != groups:
        yield Problem(PARQUET_PATH, "metadata-mismatch",
                      f"its footer gives {metadata.num_rows} rows (num_rows), its row groups "
                      f"hold {groups}: readers that count rows by the footer (pyarrow's "
                      f"metadata.num_rows, a dataset's count_rows) are told "
                      f"{metadata.num_rows}; corpuskit writes the rows its groups hold",
                      "footer")


def _text(value: bytes) -> str:
    shown = value.decode("utf-8", "backslashreplace")
    return shown if len(shown) <= 80 else shown[:77] + "..."


def _schema_difference(found: Any, expected: Any) -> str:
    """The first leaf column that differs, in words."""
    columns = [found.column(i) for i in range(len(found))]
    wanted = [expected.column(i) for i in range(len(expected))]
    for index, (one, two) in enumerate(zip(columns, wanted, strict=False)):
        if one.equals(two):
            continue
        if _leaf(one) != _leaf(two):
            return (f"has {_leaf(one)} as leaf column {index + 1}, where corpuskit writes "
                    f"{_leaf(two)}")
        # What differs is not in a leaf's description (a PARQUET:field_id): the message
        # gave two identical ones (QA s81 forge2); the schema's own lines show it.
        return f"has leaf column {index + 1} ({one.path}) {_line_difference(found, expected)}"
    if len(columns) != len(wanted):
        return f"has {len(columns)} leaf columns, corpuskit writes {len(wanted)}"
    return f"differs in its groups or annotations: {_line_difference(found, expected)}"


def _line_difference(found: Any, expected: Any) -> str:
    """The first line of the two schemas' printed forms that differs, in words."""
    lines, wanted = _schema_lines(found), _schema_lines(expected)
    for one, two in zip(lines, wanted, strict=False):
        if one != two:
            return f"as {one!r}, where corpuskit writes {two!r}"
    return "as printed alike"


def _schema_lines(schema: Any) -> list[str]:
    """A Parquet schema's nodes as pyarrow prints them (after the object's own repr)."""
    return [line.strip().rstrip(";{ ") for line in str(schema).splitlines()
            if not line.startswith("<")]


def _leaf(column: Any) -> str:
    logical = str(column.logical_type)
    return (f"{column.path} ({column.physical_type}"
            + (f", {logical}" if logical not in ("None", "") else "")
            + f", definition level {column.max_definition_level}, repetition level "
            f"{column.max_repetition_level})")


def _never_written(metadata: Any) -> Iterator[Problem]:
    """The parts of the footer corpuskit never writes, which readers may use to skip or
    find data: one problem per kind, at the first row group and column holding it."""
    seen: set[str] = set()
    for index in range(metadata.num_row_groups):
        group = metadata.row_group(index)
        if group.sorting_columns and "sorting" not in seen:
            seen.add("sorting")
            yield Problem(PARQUET_PATH, "metadata-mismatch",
                          "its row groups claim a sort order (sorting_columns), which "
                          "corpuskit never writes: readers may rely on it",
                          f"row group {index + 1}")
        for column in map(group.column, range(group.num_columns)):
            for kind, what in _unwritten_parts(column):
                if kind in seen:
                    continue
                seen.add(kind)
                yield Problem(PARQUET_PATH, "metadata-mismatch",
                              f"column {column.path_in_schema!r} has {what}, which corpuskit "
                              "never writes: readers may use it to skip or find rows",
                              f"row group {index + 1}")


def _unwritten_parts(column: Any) -> Iterator[tuple[str, str]]:
    if column.has_column_index or column.has_offset_index:
        yield "page-index", "a page index"
    if column.bloom_filter_offset is not None:
        yield "bloom", "a bloom filter"
    if column.file_path:
        yield "file-path", f"its data in another file ({column.file_path!r})"
    if column.metadata:
        yield "chunk-metadata", "key-value metadata of its own"
    if column.is_geo_stats_set:
        yield "geo", "geospatial statistics"


@dataclass
class _Seen:
    """What a row group's (or a page's) values of one column hold: least and greatest, and
    nulls."""

    low: Any = None
    high: Any = None
    nulls: int = 0

    def add(self, nulls: int, low: Any, high: Any) -> None:
        """Values holding ``nulls`` nulls, and ``low`` to ``high`` (None: no value)."""
        self.nulls += nulls
        if low is not None and (self.low is None or low < self.low):
            self.low = low
        if high is not None and (self.high is None or high > self.high):
            self.high = high


@dataclass
class _PageSeen:
    """A data page, the values of it not yet read, and what those read hold."""

    page: Page
    left: int
    seen: _Seen = field(default_factory=_Seen)


class _ChunkPages:
    """The data pages of one column chunk, in order, as its values are read: how many they
    hold, and how many were read."""

    def __init__(self, pages: list[Page]) -> None:
        self._pages = deque(pages)
        self._current: _PageSeen | None = None
        self.held = sum(page.values for page in pages)
        self.read = 0

    def pieces(self, values: Any) -> Iterator[tuple[Any, _PageSeen | None]]:
        """``values`` (the chunk's next, as Parquet lays them out: :func:`_values`) cut
        where its pages end, each piece with its page (None past the last page)."""
        self.read += len(values)
        start = 0
        while start < len(values):
            if self._current is None:
                if not self._pages:
                    yield values.slice(start), None
                    return
                page = self._pages.popleft()
                self._current = _PageSeen(page, page.values)
            current = self._current
            take = min(current.left, len(values) - start)
            current.left -= take
            if current.left == 0:
                self._current = None
            yield (values if take == len(values) else values.slice(start, take)), current
            start += take


@dataclass
class StatisticsCheck:
    """The statistics of each column chunk, and of each of its data pages, against its
    values, a batch at a time; and the row groups' counts against the rows and values
    read.

    ``columns``: the compared columns' names; a list column is checked on its values (its
    leaf, whose null count counts the empty and null lists and null values, as Parquet's
    definition levels do). ``layout``: the data pages and the footer's statistics as
    stored (:func:`.parquetpages.page_problem`); without it only the statistics pyarrow
    gives are checked. Batches come in row order; one that spans two row groups is cut
    where the first ends."""

    metadata: Any
    columns: list[str]
    layout: Layout | None = None
    problems: list[Problem] = field(default_factory=list)
    _group: int = 0
    _rows: int = 0  # rows of the current group seen
    _seen: dict[str, _Seen] = field(default_factory=dict)
    _pages: dict[str, _ChunkPages | None] = field(default_factory=dict)
    _pages_said: set[str] = field(default_factory=set)  # columns whose page was reported

    def add(self, batch: Any) -> None:
        """The next rows, in order (cut where a row group ends)."""
        start = 0
        while start < batch.num_rows:
            while self._group < self.metadata.num_row_groups \
                    and self._rows >= self.metadata.row_group(self._group).num_rows:
                self._close_group()
            if self._group >= self.metadata.num_row_groups:
                return  # more rows than the footer's groups hold: pyarrow says so
            room = self.metadata.row_group(self._group).num_rows - self._rows
            part = batch if start == 0 and batch.num_rows <= room \
                else batch.slice(start, min(room, batch.num_rows - start))
            self._take(part)
            start += part.num_rows

    def _take(self, batch: Any) -> None:
        for name in self.columns:
            seen = self._seen.setdefault(name, _Seen())
            values = _values(batch.column(name))
            pages = self._chunk_pages(name)
            for piece, page in [(values, None)] if pages is None else pages.pieces(values):
                low, high = _min_max(piece)
                seen.add(piece.null_count, low, high)
                if page is not None:
                    page.seen.add(piece.null_count, low, high)
                    if page.left == 0:
                        self._check_page(name, page)
        self._rows += batch.num_rows

    def _leaf(self, name: str) -> tuple[int, Any] | None:
        """The leaf index and column chunk of the column ``name`` in the current group."""
        group = self.metadata.row_group(self._group)
        for index in range(group.num_columns):
            chunk = group.column(index)
            if chunk.path_in_schema.split(".")[0] == name:
                return index, chunk
        return None

    def _chunk_pages(self, name: str) -> _ChunkPages | None:
        if self.layout is None:
            return None
        if name not in self._pages:
            leaf = self._leaf(name)
            self._pages[name] = None if leaf is None else \
                _ChunkPages(self.layout.pages.get((self._group, leaf[0]), []))
        return self._pages[name]

    def _check_page(self, name: str, page: _PageSeen) -> None:
        """A data page's statistics, once all its values are read (the first page of a
        column chunk that differs is reported)."""
        leaf = self._leaf(name)
        if page.page.statistics is None or leaf is None or name in self._pages_said:
            return
        stored, physical = page.page.statistics, leaf[1].physical_type
        problem = _unwritten_statistics(stored, physical)
        if problem is None:
            problem = _stored_problem(stored, physical, page.seen)
            problem = problem and (f"{problem}: a reader that skips pages by them leaves "
                                   "out rows it should read")
        if problem is not None:
            self._pages_said.add(name)
            self.problems.append(Problem(
                PARQUET_PATH, "metadata-mismatch",
                f"column {name!r}: the statistics of its data page at byte "
                f"{page.page.offset} {problem}", f"row group {self._group + 1}"))

    def finish(self) -> list[Problem]:
        """Check the last row group (or the ones left with no rows read)."""
        while self._group < self.metadata.num_row_groups:
            self._close_group()
        return self.problems

    def _close_group(self) -> None:
        group = self.metadata.row_group(self._group)
        counts = self._count_problem(group)
        if counts is not None:
            self.problems.append(Problem(PARQUET_PATH, "metadata-mismatch", counts,
                                         f"row group {self._group + 1}"))
        for name in self.columns:
            leaf = self._leaf(name)
            if leaf is None:
                continue
            stored = None if self.layout is None \
                else self.layout.statistics.get((self._group, leaf[0]))
            unwritten = None if stored is None \
                else _unwritten_statistics(stored, leaf[1].physical_type)
            if unwritten is not None:
                self.problems.append(Problem(
                    PARQUET_PATH, "metadata-mismatch", f"column {name!r}: its statistics "
                    f"{unwritten}", f"row group {self._group + 1}"))
            column = leaf[1]
            if not column.is_stats_set or counts is not None:
                continue  # (values left unread are in no statistics' check: said above)
            try:
                problem = _statistics_problem(column.statistics,
                                              self._seen.get(name, _Seen()))
            except MemoryError:  # the run's failure, not the statistics' (QA: ulimit -v)
                raise
            except Exception as exc:  # pyarrow's own errors; bytes no string decodes to
                problem = None
                self.problems.append(Problem(
                    PARQUET_PATH, "metadata-mismatch",
                    f"column {name!r}: its statistics cannot be read ({type(exc).__name__}: "
                    f"{_text(str(exc).encode())}), where corpuskit writes its values' least "
                    "and greatest", f"row group {self._group + 1}"))
            if problem is not None:
                self.problems.append(Problem(
                    PARQUET_PATH, "metadata-mismatch",
                    f"column {name!r}: its statistics {problem}: a reader that skips row "
                    "groups by them leaves out rows it should read",
                    f"row group {self._group + 1}"))
        self._group += 1
        self._rows = 0
        self._seen = {}
        self._pages = {}
        self._pages_said = set()

    def _count_problem(self, group: Any) -> str | None:
        """How the group's counts differ from what was read, or None: its rows (pyarrow
        reads what the pages hold, at most the group's count: a count over it is read
        short without an error, QA: a group of 8 rows forged as 9), and, for each column,
        the values its pages hold (a count under them leaves values unread, that readers
        going by the footer never see) and its footer's count of them."""
        if self._rows != group.num_rows:
            return (f"its footer gives {group.num_rows} rows, {self._rows} are read from its "
                    f"pages: readers that count rows by the footer are told {group.num_rows}")
        for name in self.columns:
            pages, leaf = self._chunk_pages(name), self._leaf(name)
            if pages is None or leaf is None:
                continue
            if pages.read != pages.held:
                return (f"its footer gives {group.num_rows} rows, which hold {pages.read} "
                        f"values of column {name!r}, but its pages hold {pages.held}: a "
                        "reader that goes by the footer leaves out rows")
            if leaf[1].num_values != pages.held:
                return (f"its footer gives column {name!r} {leaf[1].num_values} values, its "
                        f"pages hold {pages.held}")
        return None


def _statistics_problem(statistics: Any, seen: _Seen) -> str | None:
    if statistics.has_null_count and statistics.null_count != seen.nulls:
        return f"count {statistics.null_count} nulls, its values hold {seen.nulls}"
    if statistics.has_min_max and seen.low is not None:
        low, high = statistics.min, statistics.max
        if type(low) is not type(seen.low) or type(high) is not type(seen.high):
            return (f"give a min and max of another type ({type(low).__name__}) than its "
                    f"values ({type(seen.low).__name__})")
        if seen.low < low:
            return f"give {_shown(low)} as the least value, its values hold {_shown(seen.low)}"
        if seen.high > high:
            return (f"give {_shown(high)} as the greatest value, its values hold "
                    f"{_shown(seen.high)}")
    return None


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _values(array: Any) -> Any:
    """The values of a column as Parquet lays them out in its pages, nulls included: a
    list column's items, with a null in place of each empty or null list (one definition
    level each, counted as a null: its statistics' null count counts them)."""
    import numpy as np
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
    import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]

    if not pa.types.is_list(array.type):
        return array
    lengths = int_values(pc.list_value_length(array), null=0)
    items = array.flatten()
    if len(lengths) == 0 or lengths.min() > 0:
        return items
    counts = np.maximum(lengths, 1)  # the values of each row, a placeholder for none
    row = np.repeat(np.arange(len(lengths)), counts)
    within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    index = (np.cumsum(lengths) - lengths)[row] + within
    return items.take(int64_array(index, nulls=lengths[row] == 0))


def _int64(data: bytes) -> int:
    if len(data) != 8:
        raise ValueError(f"{len(data)} bytes, not an INT64's 8")
    return int.from_bytes(data, "little", signed=True)


def _utf8(data: bytes) -> str:
    return data.decode("utf-8")


#: How a statistics value's plain-encoded bytes read, by its column's physical type.
_PLAIN: dict[str, Callable[[bytes], Any]] = {"INT64": _int64, "BYTE_ARRAY": _utf8}


def _stored_shown(data: bytes, physical: str) -> str:
    try:
        return _shown(_PLAIN[physical](data))
    except (KeyError, ValueError):
        return _shown(data)


def _unwritten_statistics(stored: Statistics, physical: str) -> str | None:
    """What statistics as stored hold that corpuskit's writer never gives, in words, or
    None: a distinct count, or deprecated ``min`` and ``max`` (Statistics fields 2 and 1)
    other than its ``min_value`` and ``max_value``. pyarrow writes the deprecated fields,
    equal to those, for INT64 columns and none for strings; pyarrow reads them only where
    those are absent, but readers of older files (parquet-mr, Impala) go by them (QA:
    ``chars``' deprecated max forged 149 -> 100 passed validate)."""
    if stored.distinct_count is not None:
        return (f"give a distinct count ({stored.distinct_count}), which corpuskit never "
                "writes: readers may plan by it")
    for old, new, name in ((stored.min, stored.min_value, "min"),
                           (stored.max, stored.max_value, "max")):
        if old is not None and old != new:
            current = "none" if new is None else _stored_shown(new, physical)
            return (f"give {_stored_shown(old, physical)} in their deprecated {name} field, "
                    f"where corpuskit writes it equal to their {name}_value ({current}): "
                    "readers that go by the deprecated fields (older parquet-mr and Impala) "
                    "may skip rows by it")
    return None


def _stored_problem(stored: Statistics, physical: str, seen: _Seen) -> str | None:
    """How statistics as stored (a data page's) fail to hold the values ``seen``, in
    words, or None: :func:`_statistics_problem` on their values read by the column's
    physical type."""
    low, high = stored.min_value, stored.max_value
    if low is None or high is None:
        low, high = stored.min, stored.max  # (reported unless both absent)
    plain = _PLAIN.get(physical)
    try:
        bounds = None if low is None or high is None or plain is None \
            else (plain(low), plain(high))
    except ValueError as exc:  # UnicodeDecodeError too
        return (f"cannot be read ({type(exc).__name__}: {_text(str(exc).encode())}), where "
                "corpuskit writes its values' least and greatest")
    return _statistics_problem(SimpleNamespace(
        has_null_count=stored.null_count is not None, null_count=stored.null_count,
        has_min_max=bounds is not None, min=bounds and bounds[0], max=bounds and bounds[1]),
        seen)


def _min_max(array: Any) -> tuple[Any, Any]:
    """The least and greatest values of ``array`` (a dictionary's values referenced by it:
    its dictionary may hold others), or None, None if it has none."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_dictionary(array.type):
        array = array.dictionary.take(pc.unique(array.indices).drop_null())
    if len(array) == 0 or array.null_count == len(array):
        return None, None
    found = pc.min_max(array).as_py()
    return found["min"], found["max"]
