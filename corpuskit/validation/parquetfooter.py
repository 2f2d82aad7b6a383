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
  ``filters=[('language', '==', 'en')]`` return no row;
- what corpuskit never writes and readers may use to skip or find data: page indexes,
  bloom filters, sort orders, column chunks in other files, a column chunk's own
  key-value metadata, geospatial statistics.

The footer must be what corpuskit writes: the same key-value metadata and schemas, row
counts that agree with one another and the rows read, none of the parts corpuskit never
writes, and statistics that hold every value of their column chunk (between min and max,
as many nulls as counted): a reader that skips by them skips no row it should have read.
Differences are ``metadata-mismatch`` problems.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..parquet import PARQUET_PATH
from ..problems import Problem

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
        if not one.equals(two):
            return (f"has {_leaf(one)} as leaf column {index + 1}, where corpuskit writes "
                    f"{_leaf(two)}")
    if len(columns) != len(wanted):
        return f"has {len(columns)} leaf columns, corpuskit writes {len(wanted)}"
    return "differs in its groups or annotations"


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
    """What a row group's values of one column hold: least and greatest, and nulls."""

    low: Any = None
    high: Any = None
    nulls: int = 0


@dataclass
class StatisticsCheck:
    """The statistics of each column chunk against its values, a batch at a time.

    ``columns``: the compared columns' names; a list column is checked on its values (its
    leaf, whose null count counts the empty and null lists and null values, as Parquet's
    definition levels do). Batches come in row order; one that spans two row groups is
    cut where the first ends."""

    metadata: Any
    columns: list[str]
    problems: list[Problem] = field(default_factory=list)
    _group: int = 0
    _rows: int = 0  # rows of the current group seen
    _seen: dict[str, _Seen] = field(default_factory=dict)

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
            values, nulls = _values(batch.column(name))
            seen.nulls += nulls
            low, high = _min_max(values)
            if low is not None and (seen.low is None or low < seen.low):
                seen.low = low
            if high is not None and (seen.high is None or high > seen.high):
                seen.high = high
        self._rows += batch.num_rows

    def finish(self) -> list[Problem]:
        """Check the last row group (or the ones left with no rows read)."""
        while self._group < self.metadata.num_row_groups:
            self._close_group()
        return self.problems

    def _close_group(self) -> None:
        group = self.metadata.row_group(self._group)
        if self._rows != group.num_rows:
            # pyarrow reads what the pages hold, at most the group's count: a count over
            # it is read short without an error (QA: a group of 8 rows forged as 9).
            self.problems.append(Problem(
                PARQUET_PATH, "metadata-mismatch",
                f"its footer gives {group.num_rows} rows, {self._rows} are read from its "
                "pages: readers that count rows by the footer are told "
                f"{group.num_rows}", f"row group {self._group + 1}"))
        chunks = map(group.column, range(group.num_columns))
        paths = {chunk.path_in_schema.split(".")[0]: chunk for chunk in chunks}
        for name in self.columns:
            column = paths.get(name)
            if column is None or not column.is_stats_set:
                continue
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


def _values(array: Any) -> tuple[Any, int]:
    """The values of a column (a list column's items) and the nulls Parquet counts for it."""
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
    import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]

    if pa.types.is_list(array.type):
        lengths = pc.list_value_length(array)
        # A scalar made here, not a Python 0: pyarrow turns any error of converting one,
        # a MemoryError too, into "Got unexpected argument type" (QA: ulimit -v).
        empty = int(pc.sum(pc.equal(lengths, pa.scalar(0, lengths.type))).as_py() or 0)
        items = array.flatten()
        return items, array.null_count + empty + items.null_count
    return array, array.null_count


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
