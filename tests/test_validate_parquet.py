"""validate compares data/documents.parquet with the records of data/documents.jsonl.

Each forgery rewrites the Parquet file and then recomputes every checksum and size that
covers it (payload manifest, datapackage.json hash, croissant.json sha256/contentSize,
Payload-Oxum, tag manifest) and, for an archive, writes it as corpuskit does (sealed):
only the comparison of the rows with the records can find it. Without pyarrow nothing
is compared, and the report says so.
"""

from __future__ import annotations

import builtins
import hashlib
import io
import json
import random
import shutil
import string
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from _consumers import rewrite_tagmanifest, sample
from conftest import SCHEMAS, SEED_RELEASE
from jsonschema import Draft202012Validator

from corpuskit.package import pretty_json
from corpuskit.parquet import INSTALL_PARQUET, PARQUET_PATH
from corpuskit.validation import (
    ValidationReport,
    parquetcheck,
    precise,
    render_github,
    render_text,
    validate,
)
from corpuskit.writer import write_archive
from corpuskit.zipfiles.deflate import COMPRESSIONS

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

#: The schema of this checkout (``load_schema`` may find an installed copy's).
REPORT_SCHEMA = Draft202012Validator(json.loads((SCHEMAS / "report.schema.json").read_text()))

Forgery = Callable[[Any], Any]


def _rows(table: Any, change: Callable[[list[dict[str, Any]]], None]) -> Any:
    rows = table.to_pylist()
    change(rows)
    return pa.Table.from_pylist(rows, schema=table.schema)


def _set(row: int, column: str, value: Any) -> Forgery:
    def forge(table: Any) -> Any:
        return _rows(table, lambda rows: rows[row - 1].__setitem__(column, value))
    return forge


def _swap(table: Any) -> Any:
    def swap(rows: list[dict[str, Any]]) -> None:
        rows[0], rows[1] = rows[1], rows[0]
    return _rows(table, swap)


def _drop_third(table: Any) -> Any:
    return _rows(table, lambda rows: rows.pop(2))


def _repeat_last(table: Any) -> Any:
    return _rows(table, lambda rows: rows.append(dict(rows[-1])))


def _rename_title(table: Any) -> Any:
    return table.rename_columns(["heading" if name == "title" else name
                                 for name in table.column_names])


def _chars_as_strings(table: Any) -> Any:
    index = table.schema.get_field_index("chars")
    return table.set_column(index, pa.field("chars", pa.string(), nullable=False),
                            table["chars"].cast(pa.string()))


def _date_as_date(table: Any) -> Any:
    """Values that read back as the very same text in JSON (2023-03-01), typed otherwise."""
    index = table.schema.get_field_index("date")
    return table.set_column(index, pa.field("date", pa.date32()),
                            table["date"].cast(pa.date32()))


#: Forgery → (code, location, a fragment of the message) of every problem expected.
FORGERIES: dict[str, tuple[Forgery, set[tuple[str, str, str]]]] = {
    "text changed": (_set(2, "text", "Something else entirely.\n"),
                     {("record-mismatch", "row 2", "column 'text' is \"Something else")}),
    "title changed": (_set(4, "title", "Forged"),
                      {("record-mismatch", "row 4",
                        "column 'title' is \"Forged\", data/documents.jsonl line 4 has "
                        "\"Harbour reopens after storm\"")}),
    "null for a value": (_set(3, "rights", None),
                         {("record-mismatch", "row 3", "column 'rights' is null")}),
    "row dropped": (_drop_third,
                    {("record-mismatch", "row 3", "column 'id' is \"news/harbour\""),
                     ("record-mismatch", "row 4", "column 'id'"),
                     ("record-mismatch", "row 5", "column 'id'"),
                     ("record-mismatch", "", "holds 5 rows, data/documents.jsonl 6 records: "
                                             "line 6 and on have no row")}),
    "row added": (_repeat_last,
                  {("record-mismatch", "", "holds 7 rows, data/documents.jsonl 6 records: "
                                           "row 7 and on have no record")}),
    "row group's count forged under its rows": (
        lambda table: _row_counts(file=5, group_1=5)(table),  # (defined below)
        {("record-mismatch", "", "holds 5 rows, data/documents.jsonl 6 records: line 6 and "
                                 "on have no row"),
         ("metadata-mismatch", "row group 1",
          "its footer gives 5 rows, which hold 5 values of column 'id', but its pages hold 6: "
          "a reader that goes by the footer leaves out rows")}),
    "rows swapped": (_swap,
                     {("record-mismatch", "row 1", "record 'letters/brief-de': column 'id' is "
                                                   "\"misc/short\""),
                      ("record-mismatch", "row 2", "record 'misc/short': column 'id' is "
                                                   "\"letters/brief-de\"")}),
    "column renamed": (_rename_title,
                       {("metadata-mismatch", "schema",
                         "the columns lack 'title' and include 'heading'")}),
    "column retyped": (_chars_as_strings,
                       {("metadata-mismatch", "schema",
                         "column 'chars' is string not null, corpuskit writes it as int64 not "
                         "null")}),
    "date typed as a date": (_date_as_date,
                             {("metadata-mismatch", "schema", "column 'date' is date32[day]")}),
}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def reseal(package: Path) -> None:
    """Every checksum and size covering data/documents.parquet made to agree with it."""
    data = (package / PARQUET_PATH).read_bytes()
    digest = _sha256(data)
    manifest = package / "manifest-sha256.txt"
    manifest.write_text("".join(
        f"{digest}  {PARQUET_PATH}\n" if line.endswith(f"  {PARQUET_PATH}") else f"{line}\n"
        for line in manifest.read_text().splitlines()))
    descriptor = json.loads((package / "datapackage.json").read_text())
    (resource,) = [r for r in descriptor["resources"] if r["path"] == PARQUET_PATH]
    resource["hash"] = f"sha256:{digest}"
    (package / "datapackage.json").write_bytes(pretty_json(descriptor))
    croissant = json.loads((package / "croissant.json").read_text())
    (item,) = [d for d in croissant["distribution"] if d.get("contentUrl") == PARQUET_PATH]
    item["sha256"], item["contentSize"] = digest, f"{len(data)} B"
    (package / "croissant.json").write_bytes(pretty_json(croissant))
    payload = [p for p in (package / "data").rglob("*") if p.is_file()]
    oxum = f"Payload-Oxum: {sum(p.stat().st_size for p in payload)}.{len(payload)}"
    info = package / "bag-info.txt"
    info.write_text("".join(f"{oxum}\n" if line.startswith("Payload-Oxum:") else f"{line}\n"
                            for line in info.read_text().splitlines()))
    rewrite_tagmanifest(package)


def archive_of(package: Path) -> Path:
    """``package`` as corpuskit archives a release (sealed), whatever was done to it."""
    created = json.loads((package / "datapackage.json").read_bytes()).get("created")
    archive = package.parent / f"{package.name}.zip"
    write_archive(package, archive, created, root=package.name,
                  compression=COMPRESSIONS["zlib"])
    return archive


def forged(tmp_path: Path, forge: Forgery, form: str, *, row_group: int | None = None,
           source: Path | None = None) -> Path:
    """A copy of the sample (or ``source``) whose Parquet file ``forge`` rewrote, resealed;
    the folder, or the archive of it."""
    package = tmp_path / (source or sample().release).name
    shutil.copytree(source or sample().release, package)
    path = package / PARQUET_PATH
    table = forge(pq.read_table(path))
    if isinstance(table, bytes):
        path.write_bytes(table)
    else:
        pq.write_table(table, path, row_group_size=row_group)
    reseal(package)
    return archive_of(package) if form == "archive" else package


def only_parquet_problems(report: ValidationReport) -> set[tuple[str, str, str]]:
    assert not report.valid, "the forged Parquet file went unnoticed"
    assert {p.path for p in report.problems} == {PARQUET_PATH}, render_text(report)
    return {(p.code, p.location, p.message) for p in report.problems}


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The comparisons that ran: the size of each Parquet file compared."""
    calls: list[int] = []
    real = precise.compare_parquet

    def spy(*args: Any, **kwargs: Any) -> parquetcheck.ParquetComparison:
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(precise, "compare_parquet", spy)
    yield calls


@pytest.fixture
def no_pyarrow(monkeypatch: pytest.MonkeyPatch) -> None:
    """Importing pyarrow fails, as where the ``parquet`` extra is not installed (the
    samples are built before: building Parquet needs it)."""
    sample(), sample(parquet=False)
    real_import = builtins.__import__

    def refuse(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return real_import(name, *args, **kwargs)

    for module in [m for m in sys.modules if m == "pyarrow" or m.startswith("pyarrow.")]:
        monkeypatch.delitem(sys.modules, module)
    monkeypatch.setattr(builtins, "__import__", refuse)


# -- forgeries found ------------------------------------------------------------------------

@pytest.mark.parametrize("form", ["folder", "archive"])
@pytest.mark.parametrize("name", list(FORGERIES))
def test_a_forged_parquet_file_is_reported(tmp_path: Path, name: str, form: str) -> None:
    forge, expected = FORGERIES[name]
    report = validate(forged(tmp_path, forge, form), jobs=1)
    found = only_parquet_problems(report)
    for code, location, fragment in expected:
        assert any(c == code and where == location and fragment in message
                   for c, where, message in found), (fragment, render_text(report))
    assert len(found) == len(expected), render_text(report)
    REPORT_SCHEMA.validate(report.as_dict())


def _written(**options: Any) -> Forgery:
    """The same rows, written with other writer ``options``."""
    def forge(table: Any) -> bytes:
        out = io.BytesIO()
        pq.write_table(table, out, **options)
        return out.getvalue()
    return forge


def _metadata(change: Callable[[dict[bytes, bytes]], None]) -> Forgery:
    def forge(table: Any) -> Any:
        metadata = dict(table.schema.metadata)
        change(metadata)
        return table.replace_schema_metadata(metadata)
    return forge


def _pandas_labels(metadata: dict[bytes, bytes]) -> None:
    """QA: the labels pandas gives the Arrow fields, ``text`` and ``title`` swapped."""
    swap = {"text": "title", "title": "text"}
    columns = [{"name": swap.get(name, name), "field_name": name, "pandas_type": "unicode",
                "numpy_type": "object", "metadata": None}
               for name in ("id", "title", "date", "language", "text")]
    metadata[b"pandas"] = json.dumps({"index_columns": [], "column_indexes": [],
                                      "columns": columns}).encode()


def _field_metadata(table: Any) -> Any:
    index = table.schema.get_field_index("text")
    field = table.schema.field(index).with_metadata({b"note": b"not corpuskit's"})
    return table.set_column(index, field, table["text"])


def _narrowed_statistics(table: Any) -> bytes:
    """QA: the footer's statistics of ``language`` say its least value is ``zz``, which no
    row holds (the same length, so every offset stays right): a reader filtering on
    ``language == 'de'`` skips the row group."""
    data = _written()(table)
    assert isinstance(data, bytes)
    footer = len(data) - 8 - int.from_bytes(data[-8:-4], "little")
    assert data[footer:].count(b"\x02de") >= 1
    return data[:footer] + data[footer:].replace(b"\x02de", b"\x02zz")


def _undecodable_statistics(table: Any) -> bytes:
    """The least value of ``language`` in the footer made bytes that are no UTF-8: pyarrow
    raises reading it, and validate reported a bug."""
    data = _narrowed_statistics(table)
    footer = len(data) - 8 - int.from_bytes(data[-8:-4], "little")
    return data[:footer] + data[footer:].replace(b"\x02zz", b"\x02\xff\xfe")


def _footer_i64s(data: bytes) -> dict[str, tuple[int, int]]:
    """Where the footer's row counts are (byte offset and length of each zigzag varint):
    ``file`` (FileMetaData num_rows) and ``group N`` (RowGroup num_rows), read with
    thrift's compact protocol."""
    from thrift.protocol.TCompactProtocol import TCompactProtocol
    from thrift.Thrift import TType
    from thrift.transport.TTransport import TMemoryBuffer

    footer = len(data) - 8 - int.from_bytes(data[-8:-4], "little")
    class Binary(TCompactProtocol):  # type: ignore[misc]
        def readString(self) -> bytes:  # statistics hold any bytes, not UTF-8
            return self.readBinary()  # type: ignore[no-any-return]

    buffer = TMemoryBuffer(data[footer:-8])
    protocol = Binary(buffer)
    found: dict[str, tuple[int, int]] = {}

    def i64_at(name: str) -> None:
        start = buffer.cstringio_buf.tell()
        protocol.readI64()
        found[name] = (footer + start, buffer.cstringio_buf.tell() - start)

    def fields(read: Callable[[int, int], None]) -> None:
        """Each field of the struct here to ``read(number, type)`` (which reads it)."""
        protocol.readStructBegin()
        while (field := protocol.readFieldBegin())[1] != TType.STOP:
            read(field[2], field[1])
            protocol.readFieldEnd()
        protocol.readStructEnd()

    def group_field(group: int, number: int, kind: int) -> None:
        i64_at(f"group {group + 1}") if number == 3 else protocol.skip(kind)

    def file_field(number: int, kind: int) -> None:
        if number == 3:
            i64_at("file")
        elif number == 4:
            _, count = protocol.readListBegin()
            for group in range(count):
                fields(lambda number, kind, group=group: group_field(group, number, kind))
            protocol.readListEnd()
        else:
            protocol.skip(kind)

    fields(file_field)
    return found


def _row_counts(**counts: int) -> Forgery:
    """The rows as corpuskit writes them, the footer's row counts (``file``, ``group_1``)
    set to ``counts`` (each a one-byte varint, so that no offset moves)."""
    def forge(table: Any) -> bytes:
        data = bytearray(_written()(table))
        places = _footer_i64s(bytes(data))
        for name, count in counts.items():
            start, length = places[name.replace("_", " ")]
            assert length == 1 and 0 <= count < 64
            data[start] = count << 1  # zigzag
        return bytes(data)
    return forge


def _chars_bounds(table: Any) -> bytes:
    """The stored form of the ``chars`` column's statistics as pyarrow writes them, for
    INT64: its deprecated max and min (Statistics fields 1 and 2) as thrift's compact
    protocol writes them, 8 little-endian bytes each."""
    chars = table["chars"].to_pylist()
    return b"".join(b"\x18\x08" + value.to_bytes(8, "little", signed=True)
                    for value in (max(chars), min(chars)))


def _deprecated_max(where: str) -> Forgery:
    """QA: the deprecated max of ``chars`` (which pyarrow reads only where ``max_value``
    is absent, but older readers go by) made one less than its values' greatest, in the
    footer's statistics or its data page's header: same length, every offset stays."""
    def forge(table: Any) -> bytes:
        data = _written()(table)
        assert isinstance(data, bytes)
        footer = len(data) - 8 - int.from_bytes(data[-8:-4], "little")
        stored = _chars_bounds(table)
        lower = b"\x18\x08" + (max(table["chars"].to_pylist()) - 1).to_bytes(8, "little") \
            + stored[10:]
        head, tail = data[:footer], data[footer:]
        if where == "footer":
            assert tail.count(stored) == 1
            return head + tail.replace(stored, lower)
        assert head.count(stored) == 1
        return head.replace(stored, lower) + tail
    return forge


def _page_statistics_narrowed(table: Any) -> bytes:
    """QA: the statistics in the header of ``language``'s data page say its least value
    is ``zz``, which no row holds: a reader skipping pages by them skips the page."""
    data = _written()(table)
    assert isinstance(data, bytes)
    footer = len(data) - 8 - int.from_bytes(data[-8:-4], "little")
    assert data[:footer].count(b"\x02de") == 1
    return data[:footer].replace(b"\x02de", b"\x02zz") + data[footer:]


#: Forgeries of the footer alone: the rows as corpuskit writes them, which pyarrow reads
#: alike, and other things said to readers that go by the footer (QA: pandas gave the
#: title as the text, and a filter on a column lost rows).
FOOTER_FORGERIES: dict[str, tuple[Forgery, str, str]] = {
    "pandas labels": (_metadata(_pandas_labels), "footer",
                      "its footer's key-value metadata holds 'pandas'; corpuskit writes only "
                      "'ARROW:schema', 'corpuskit.schema'"),
    "schema key changed": (
        _metadata(lambda m: m.__setitem__(b"corpuskit.schema", b"https://example.org/x")),
        "footer", "its footer's 'corpuskit.schema' is 'https://example.org/x', corpuskit "
                  "writes 'https://corpuskit.dev/schemas/document.schema.json'"),
    "field metadata": (_field_metadata, "footer",
                       "its Arrow schema (ARROW:schema) holds metadata other than corpuskit "
                       "writes"),
    "sort order claimed": (_written(sorting_columns=[pq.SortingColumn(0)]), "row group 1",
                           "its row groups claim a sort order (sorting_columns)"),
    "page index": (_written(write_page_index=True), "row group 1",
                   "column 'id' has a page index, which corpuskit never writes"),
    "bloom filter": (_written(bloom_filter_options={"language": True}), "row group 1",
                     "column 'language' has a bloom filter, which corpuskit never writes"),
    "statistics narrowed": (_narrowed_statistics, "row group 1",
                            "column 'language': its statistics give 'zz' as the least value, "
                            "its values hold 'de': a reader that skips row groups by them "
                            "leaves out rows it should read"),
    "row count forged": (_row_counts(file=2), "footer",
                         "its footer gives 2 rows (num_rows), its row groups hold 6: readers "
                         "that count rows by the footer (pyarrow's metadata.num_rows, a "
                         "dataset's count_rows) are told 2"),
    "row group's count forged over its rows": (
        _row_counts(file=7, group_1=7), "row group 1",
        "its footer gives 7 rows, 6 are read from its pages: readers that count rows by the "
        "footer are told 7"),
    "deprecated max narrowed": (
        _deprecated_max("footer"), "row group 1",
        "column 'chars': its statistics give 179 in their deprecated max field, where "
        "corpuskit writes it equal to their max_value (180): readers that go by the "
        "deprecated fields (older parquet-mr and Impala) may skip rows by it"),
    "a page's deprecated max narrowed": (
        _deprecated_max("page"), "row group 1",
        "column 'chars': the statistics of its data page at byte 1852 give 179 in their "
        "deprecated max field, where corpuskit writes it equal to their max_value (180)"),
    "a page's statistics narrowed": (
        _page_statistics_narrowed, "row group 1",
        "column 'language': the statistics of its data page at byte 534 give 'zz' as the "
        "least value, its values hold 'de': a reader that skips pages by them leaves out "
        "rows it should read"),
    "statistics undecodable": (_undecodable_statistics, "row group 1",
                               "column 'language': its statistics cannot be read "
                               "(UnicodeDecodeError: "),
}


@pytest.mark.parametrize("form", ["folder", "archive"])
@pytest.mark.parametrize("name", list(FOOTER_FORGERIES))
def test_a_forged_parquet_footer_is_reported(tmp_path: Path, name: str, form: str) -> None:
    forge, location, fragment = FOOTER_FORGERIES[name]
    report = validate(forged(tmp_path, forge, form), jobs=1)
    ((code, where, message),) = only_parquet_problems(report)
    assert (code, where) == ("metadata-mismatch", location), render_text(report)
    assert fragment in message, message
    REPORT_SCHEMA.validate(report.as_dict())


def test_a_parquet_schema_other_than_corpuskits_is_named_by_its_first_differing_leaf(
        tmp_path: Path) -> None:
    """Readers other than pyarrow go by the Parquet schema (logical types, repetition),
    which pyarrow's own writer keeps in step with the Arrow schema: a forger's footer may
    not. The footer of a file whose Arrow schema is corpuskit's, with the Parquet schema
    of another (``chars`` as INT32), is told by its first differing leaf."""
    from types import SimpleNamespace

    from corpuskit.parquet import arrow_schema, parquet_schema
    from corpuskit.validation.parquetfooter import footer_problems

    genuine = pq.ParquetFile(sample().release / PARQUET_PATH)
    assert footer_problems(genuine, arrow_schema(), parquet_schema()) == []
    table = pq.read_table(sample().release / PARQUET_PATH)
    index = table.schema.get_field_index("chars")
    other = table.set_column(index, pa.field("chars", pa.int32(), nullable=False),
                             table["chars"].cast(pa.int32()))
    pq.write_table(other, tmp_path / "other.parquet")
    reader = SimpleNamespace(metadata=genuine.metadata, schema_arrow=genuine.schema_arrow,
                             schema=pq.ParquetFile(tmp_path / "other.parquet").schema)
    ((problem),) = footer_problems(reader, arrow_schema(), parquet_schema())
    assert (problem.code, problem.location) == ("metadata-mismatch", "footer")
    assert problem.message == (
        "its Parquet schema has chars (INT32, definition level 0, repetition level 0) as leaf "
        "column 7, where corpuskit writes chars (INT64, definition level 0, repetition level "
        "0) (readers other than pyarrow go by it)"), problem.message


def test_a_parquet_schema_differing_in_a_field_id_says_what_differs(tmp_path: Path) -> None:
    """A PARQUET:field_id on a column is in the Parquet schema but in no leaf's
    description: the message gave two identical ones (QA); it shows the schema's lines."""
    from types import SimpleNamespace

    from corpuskit.parquet import arrow_schema, parquet_schema
    from corpuskit.validation.parquetfooter import footer_problems

    genuine = pq.ParquetFile(sample().release / PARQUET_PATH)
    table = pq.read_table(sample().release / PARQUET_PATH)
    index = table.schema.get_field_index("text")
    numbered = table.schema.set(index, table.schema.field(index).with_metadata(
        {b"PARQUET:field_id": b"7"}))
    pq.write_table(table.cast(numbered), tmp_path / "numbered.parquet")
    reader = SimpleNamespace(metadata=genuine.metadata, schema_arrow=genuine.schema_arrow,
                             schema=pq.ParquetFile(tmp_path / "numbered.parquet").schema)
    ((problem),) = footer_problems(reader, arrow_schema(), parquet_schema())
    assert (problem.code, problem.location) == ("metadata-mismatch", "footer")
    assert problem.message == (
        "its Parquet schema has leaf column 5 (text) as 'required binary field_id=7 text "
        "(String)', where corpuskit writes 'required binary field_id=-1 text (String)' "
        "(readers other than pyarrow go by it)"), problem.message


def test_statistics_that_hold_every_value_are_accepted_and_others_are_not() -> None:
    """Statistics wider than the values (a reader skips less), or truncated (a prefix as
    the least value), hold every value; narrower ones or a wrong count of nulls do not."""
    from types import SimpleNamespace

    from corpuskit.validation.parquetfooter import _Seen, _statistics_problem

    seen = _Seen(low="de", high="fr", nulls=1)

    def stats(low: Any, high: Any, nulls: int = 1) -> Any:
        return SimpleNamespace(has_null_count=True, null_count=nulls, has_min_max=True,
                               min=low, max=high)

    assert _statistics_problem(stats("de", "fr"), seen) is None
    assert _statistics_problem(stats("a", "zz"), seen) is None
    assert _statistics_problem(stats("d", "fr"), seen) is None
    assert _statistics_problem(stats("df", "fr"), seen) \
        == "give 'df' as the least value, its values hold 'de'"
    assert _statistics_problem(stats("de", "fq"), seen) \
        == "give 'fq' as the greatest value, its values hold 'fr'"
    assert _statistics_problem(stats("de", "fr", nulls=0), seen) \
        == "count 0 nulls, its values hold 1"
    assert _statistics_problem(stats(1, 2), seen) is not None


def test_statistics_as_stored_are_what_corpuskits_writer_gives() -> None:
    """pyarrow shows neither a column chunk's deprecated min and max nor a page's
    statistics: as stored, the deprecated fields are absent or equal to min_value and
    max_value (pyarrow writes them so for INT64, and none for strings), no distinct count
    is given, and a page's hold its values as a column chunk's must."""
    from corpuskit.validation.parquetfooter import (
        _Seen,
        _stored_problem,
        _unwritten_statistics,
    )
    from corpuskit.validation.parquetpages import Statistics

    def int64(value: int) -> bytes:
        return value.to_bytes(8, "little", signed=True)

    written = Statistics(max=int64(149), min=int64(81), null_count=0, max_value=int64(149),
                         min_value=int64(81))
    assert _unwritten_statistics(written, "INT64") is None
    assert _unwritten_statistics(Statistics(null_count=0, max_value=b"en", min_value=b"de"),
                                 "BYTE_ARRAY") is None
    assert _unwritten_statistics(Statistics(min=int64(120), min_value=int64(81)), "INT64") \
        .startswith("give 120 in their deprecated min field, where corpuskit writes it "
                    "equal to their min_value (81)")
    assert _unwritten_statistics(Statistics(max=b"dz"), "BYTE_ARRAY") \
        .startswith("give 'dz' in their deprecated max field, where corpuskit writes it "
                    "equal to their max_value (none)")
    assert _unwritten_statistics(Statistics(distinct_count=2), "INT64") \
        == "give a distinct count (2), which corpuskit never writes: readers may plan by it"
    seen = _Seen(low=81, high=149, nulls=0)
    assert _stored_problem(written, "INT64", seen) is None
    assert _stored_problem(Statistics(max_value=int64(100), min_value=int64(81)), "INT64",
                           seen) == "give 100 as the greatest value, its values hold 149"
    assert _stored_problem(Statistics(null_count=1), "INT64", seen) \
        == "count 1 nulls, its values hold 0"
    assert _stored_problem(Statistics(max_value=int64(149), min_value=b"\x01"), "INT64",
                           seen) == ("cannot be read (ValueError: 1 bytes, not an INT64's 8), "
                                     "where corpuskit writes its values' least and greatest")


def test_statistics_of_many_pages_and_row_groups_are_checked_page_by_page() -> None:
    """Values cut into many pages (a list column's too, its empty lists one null value
    each, a row's values across two pages), v1 and v2 pages, row groups of 77 rows: each
    page's statistics hold its values; one page's narrowed is found, by its byte."""
    import dataclasses
    import random

    from corpuskit.parquet import arrow_schema
    from corpuskit.validation.parquetfooter import StatisticsCheck
    from corpuskit.validation.parquetpages import Layout, page_problem

    rng = random.Random(1)
    schema = arrow_schema()
    columns: dict[str, list[Any]] = {}
    for field in schema:
        if field.name == "normalization":
            columns[field.name] = [[rng.choice(["nfc", "lf", "bom"])
                                    for _ in range(rng.choice([0, 0, 1, 2, 5]))]
                                   for _ in range(500)]
        elif field.type == pa.int64():
            columns[field.name] = [rng.randint(-5, 10 ** 6) for _ in range(500)]
        else:
            columns[field.name] = [None if field.nullable and rng.random() < 0.3 else
                                   "".join(rng.choice("abcé€\U0001d11e")
                                           for _ in range(rng.randint(0, 30)))
                                   for _ in range(500)]
    table = pa.Table.from_pydict(columns, schema=schema)

    def checked(data: bytes, layout: Layout) -> list[str]:
        metadata = pq.ParquetFile(io.BytesIO(data)).metadata
        check = StatisticsCheck(metadata, schema.names, layout)
        rows = pq.ParquetFile(io.BytesIO(data), read_dictionary=["title", "id"])
        for group in range(metadata.num_row_groups):
            for batch in rows.iter_batches(batch_size=64, row_groups=[group]):
                check.add(batch)
        return [f"{problem.location}: {problem.message}" for problem in check.finish()]

    for version in ("1.0", "2.0"):
        out = io.BytesIO()
        pq.write_table(table, out, row_group_size=77, data_page_size=100, write_batch_size=5,
                       data_page_version=version)
        data = out.getvalue()
        layout = Layout()
        assert page_problem(io.BytesIO(data), len(data), pq.ParquetFile(out).metadata,
                            floor=1 << 26, max_ratio=200, layout=layout) is None
        pages = layout.pages[(1, 1)]  # row group 2's titles
        assert len(pages) > 4 and len(layout.pages[(1, 14)]) > 4
        assert checked(data, layout) == []
        page = pages[3]
        assert page.statistics is not None and page.statistics.max_value is not None
        pages[3] = dataclasses.replace(page, statistics=dataclasses.replace(
            page.statistics, min_value=page.statistics.max_value))
        ((problem),) = checked(data, layout)
        assert problem.startswith(f"row group 2: column 'title': the statistics of its data "
                                  f"page at byte {page.offset} give "), problem


@pytest.mark.parametrize("form", ["folder", "archive"])
def test_a_file_that_is_not_parquet_is_reported(tmp_path: Path, form: str) -> None:
    report = validate(forged(tmp_path, lambda _: b"PAR1 not really PAR1", form), jobs=1)
    ((code, location, message),) = only_parquet_problems(report)
    assert (code, location) == ("record-mismatch", "")
    assert message.startswith("cannot be read as Parquet (")


@pytest.mark.parametrize("form", ["folder", "archive"])
def test_a_parquet_file_that_inflates_past_the_bomb_limits_is_not_read(
        tmp_path: Path, form: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 28 KB Parquet file (zstd) holding one 700 MiB text took 3.7 GB to validate, as an
    archive's member too: its size passes the archive's limits, its rows are inflated
    whole (QA). It is refused as an archive's member is, past the same floor (lowered
    here, for a small file) and ratio, from what its footer declares, before any row is
    read."""
    monkeypatch.setattr(parquetcheck, "RATIO_FLOOR_BYTES", 1 << 20, raising=False)

    def bomb(table: Any) -> bytes:
        text = pa.array(["a" * (4 << 20)] * table.num_rows, type=table.schema.field("text").type)
        table = table.set_column(table.schema.get_field_index("text"),
                                 table.schema.field("text"), text)
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink, compression="zstd")
        return sink.getvalue().to_pybytes()

    read: list[int] = []
    real = pq.ParquetFile.iter_batches
    monkeypatch.setattr(pq.ParquetFile, "iter_batches",
                        lambda self, *a, **k: read.append(1) or real(self, *a, **k))
    report = validate(forged(tmp_path, bomb, form), jobs=1)
    ((code, location, message),) = only_parquet_problems(report)
    assert (code, location) == ("too-large", "")
    assert "uncompressed" in message and "ratio over 200" in message, message
    assert not read


@pytest.mark.parametrize("form", ["folder", "archive"])
def test_a_dictionary_entry_repeated_in_every_row_is_weighed_before_it_is_decoded(
        tmp_path: Path, form: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """QA: a 531 KB Parquet file whose footer truthfully declares 1 MB (one dictionary
    entry of 1 MiB, in each of 1,000 rows) took validate to 1.1 GB: pyarrow decoded every
    row's copy of it. Its strings are now read as dictionary indices and weighed before a
    slice of rows is decoded; the rows that decode past the bomb limits (lowered here: 2.5
    MiB, at over 3 times the file's size) are not read."""
    monkeypatch.setattr(parquetcheck, "RATIO_FLOOR_BYTES", 5 << 19)
    monkeypatch.setattr(parquetcheck, "MAX_RATIO", 3.0)
    monkeypatch.setattr(parquetcheck, "DECODED_BUDGET", 3 << 19)  # 1.5 MiB: a row at a time
    entry = random.Random(0).randbytes(1 << 19).hex()  # 1 MiB; zstd halves it

    def repeated(table: Any) -> bytes:
        field = table.schema.field("text")
        text = pa.DictionaryArray.from_arrays(pa.array([0] * table.num_rows, pa.int32()),
                                              pa.array([entry], field.type))
        table = table.set_column(table.schema.get_field_index("text"),
                                 pa.field("text", text.type, field.nullable), text)
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink, compression="zstd", store_schema=False)
        return sink.getvalue().to_pybytes()

    decoded: list[int] = []
    real = parquetcheck._Weigher.slices

    def spy(self: Any, batch: Any, first: int) -> Iterator[tuple[int, int]]:
        for start, stop in real(self, batch, first):
            decoded.append(stop - start)
            yield start, stop

    monkeypatch.setattr(parquetcheck._Weigher, "slices", spy)
    # The spy counts in this process: not in the child validate compares in
    monkeypatch.setattr(precise, "compare_parquet", parquetcheck.compare_in_process)
    target = forged(tmp_path, repeated, form)
    size = (tmp_path / sample().release.name / PARQUET_PATH).stat().st_size
    assert size < 600_000 and pq.ParquetFile(
        tmp_path / sample().release.name / PARQUET_PATH).metadata.num_rows == 6
    found = only_parquet_problems(validate(target, jobs=1))
    assert ("too-large", "row 3") in {(code, location) for code, location, _ in found}
    (message,) = [message for code, _, message in found if code == "too-large"]
    assert message.startswith("rows 1 to 3 decode to ") and f"a {size}-byte file" in message
    assert 3 << 20 < int(message.split()[6]) < (3 << 20) + 10_000  # three entries, and ids
    assert message.endswith("not read further, as a possible decompression bomb")
    # Each comparison (the package's passes may compare twice) decoded and compared rows 1
    # and 2, each alone, and no more.
    assert decoded in ([1, 1], [1, 1, 1, 1])


def test_rows_are_decoded_a_slice_at_a_time_and_compared_alike(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With room for one row at a time, an intact package still compares every row and
    passes; a forged one reports the same rows as with batches decoded whole."""
    target = forged(tmp_path, _rows_changed, "folder")
    whole = only_parquet_problems(validate(target, jobs=1))
    monkeypatch.setattr(parquetcheck, "DECODED_BUDGET", 1)
    report = validate(sample().release, jobs=1)
    assert report.valid, render_text(report)
    assert only_parquet_problems(validate(target, jobs=1)) == whole
    assert {location for _, location, _ in whole} == {"row 2", "row 5"}


def _rows_changed(table: Any) -> Any:
    def change(rows: list[dict[str, Any]]) -> None:
        rows[1]["title"] = "Forged"
        rows[4]["normalization"] = ["nfc", "forged"]
    return _rows(table, change)


def test_what_rows_hold_once_decoded_is_weighed_from_their_indices() -> None:
    """A string weighs its length (its dictionary entry's; a null nothing), a list its
    values' and :data:`PER_VALUE_BYTES` for each, a number nothing."""
    weigh = parquetcheck._decoded_bytes
    extra = parquetcheck.PER_VALUE_BYTES
    assert weigh(pa.array(["", "abc", None, "hello"]).dictionary_encode()).tolist() == \
        [0, 3, 0, 5]
    assert weigh(pa.array([None, None], pa.string()).dictionary_encode()).tolist() == [0, 0]
    values = pa.array(["ab", "c", "", "", "xyz"]).dictionary_encode()
    lists = pa.ListArray.from_arrays(pa.array([0, 2, 2, 5], pa.int32()), values)
    assert weigh(lists).tolist() == [3 + 2 * extra, 0, 3 + 3 * extra]
    assert weigh(pa.array(["abcd", None])).tolist() == [4, 0]  # read plain
    assert weigh(pa.array(["abcd", None, "xy"], pa.large_string())).tolist() == [4, 0, 2]
    assert weigh(pa.array(["a", "bcd", "ef"]).slice(1)).tolist() == [3, 2]  # a batch's slice
    assert weigh(values.slice(2)).tolist() == [0, 0, 3]
    assert weigh(lists.slice(1)).tolist() == [0, 3 + 3 * extra]
    assert weigh(pa.array([1, None, 3])).tolist() == [0, 0, 0]


@pytest.mark.parametrize("form", ["folder", "archive"])
def test_reproduce_compares_it_too(tmp_path: Path, form: str) -> None:
    """--reproduce runs the precise check only (no clean pass first)."""
    report = validate(forged(tmp_path, _set(1, "title", "Forged"), form), reproduce=True,
                      jobs=1)
    ((code, location, _),) = only_parquet_problems(report)
    assert (code, location) == ("record-mismatch", "row 1")


@pytest.mark.parametrize("form", ["folder", "archive"])
def test_a_long_text_is_quoted_in_excerpts_from_where_it_differs(tmp_path: Path,
                                                                  form: str) -> None:
    text = pq.read_table(SEED_RELEASE / PARQUET_PATH).to_pylist()[0]["text"]
    assert len(text) > 2_100
    forgery = text[:2_000] + "FORGED" + text[2_006:]
    report = validate(forged(tmp_path, _set(1, "text", forgery), form, source=SEED_RELEASE),
                      jobs=1)
    ((code, location, message),) = only_parquet_problems(report)
    assert (code, location) == ("record-mismatch", "row 1")
    assert "column 'text' is ...\"" in message and "(from character 1981)" in message
    assert "FORGED" in message and text[1_990:2_000] in message
    assert len(message) < 300, message
    assert "text_sha256" not in message  # the forger kept it: the same value


@pytest.mark.parametrize("form", ["folder", "archive"])
def test_a_whole_text_is_never_quoted(tmp_path: Path, form: str) -> None:
    report = validate(forged(tmp_path, _set(3, "text", "word " * 100_000), form), jobs=1)
    ((code, location, message),) = only_parquet_problems(report)
    assert (code, location) == ("record-mismatch", "row 3")
    assert message.startswith("record 'news/budget-fr': column 'text' is \"word word")
    assert len(message) < 400, message


@pytest.mark.parametrize("form", ["folder", "archive"])
def test_rows_beyond_the_first_few_are_counted_not_listed(
        tmp_path: Path, form: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parquetcheck, "LISTED_ROWS", 2)
    report = validate(forged(tmp_path, lambda t: _rows(t, lambda rows: rows.pop(0)), form),
                      jobs=1)
    found = only_parquet_problems(report)
    assert {location for _, location, _ in found} == {"row 1", "row 2", ""}
    messages = {message for _, location, message in found if location == ""}
    assert messages == {"3 more rows differ from data/documents.jsonl; only the first 2 are "
                        "listed",
                        "holds 5 rows, data/documents.jsonl 6 records: line 6 and on have "
                        "no row"}


@pytest.mark.parametrize("form", ["folder", "archive"])
@pytest.mark.parametrize("tail", [64, 70_000, parquetcheck.TAIL_BYTES])
def test_a_forged_row_in_a_later_row_group_is_found(
        tmp_path: Path, form: str, tail: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Three row groups read a row at a time, from a file larger than pyarrow's first read
    of its end (64 KiB). An archive member is a stream: read forward, opened again to go
    back, its last ``tail`` bytes kept when the footer is read (none of the rows, some,
    or all of them)."""
    monkeypatch.setattr(parquetcheck, "BATCH_ROWS", 1)
    monkeypatch.setattr(parquetcheck, "TAIL_BYTES", tail)
    noise = "".join(random.Random(0).choices(string.ascii_letters, k=150_000))
    target = forged(tmp_path, _set(6, "text", noise), form, row_group=2)
    parquet = pq.ParquetFile(tmp_path / sample().release.name / PARQUET_PATH)
    assert parquet.metadata.num_row_groups == 3
    assert (tmp_path / sample().release.name / PARQUET_PATH).stat().st_size > 100_000
    found = only_parquet_problems(validate(target, jobs=1))
    assert {(code, location) for code, location, _ in found} == {("record-mismatch", "row 6")}
    (message,) = [message for _, _, message in found]
    assert message.startswith(f"record 'notes/plain': column 'text' is \"{noise[:20]}")


def test_the_seed_release_forged_as_in_the_qa_report(tmp_path: Path) -> None:
    def forge(table: Any) -> Any:
        def change(rows: list[dict[str, Any]]) -> None:
            rows[0]["title"] = "Forged"
            rows[0]["text"] = "Something else entirely.\n"
        return _rows(table, change)

    folder = forged(tmp_path, forge, "folder", source=SEED_RELEASE)
    for target in (folder, archive_of(folder)):
        for reproduce in (False, True):
            ((code, location, message),) = only_parquet_problems(
                validate(target, reproduce=reproduce, jobs=1))
            assert (code, location) == ("record-mismatch", "row 1")
            assert "column 'title' is \"Forged\"" in message
            assert message.endswith("; column 'text' differs too")


# -- intact packages pass, compared -------------------------------------------------------

@pytest.mark.parametrize("target", ["seed release", "seed archive", "sample", "sample archive"])
def test_intact_packages_with_parquet_pass_and_are_compared(
        target: str, compared: list[int]) -> None:
    folder = SEED_RELEASE if target.startswith("seed") else sample().release
    path = folder.parent / f"{folder.name}.zip" if target.endswith("archive") else folder
    report = validate(path, jobs=1)
    assert report.valid, render_text(report)
    assert report.not_checked == () and "not_checked" not in report.as_dict()
    assert compared == [(folder / PARQUET_PATH).stat().st_size]


def test_no_comparison_without_a_parquet_file(compared: list[int], no_pyarrow: None) -> None:
    """The path of packages without Parquet (the benchmark's) does no work for it, and has
    nothing to say about it even without pyarrow (with a Parquet file, it would)."""
    for path in (sample(parquet=False).release, sample(parquet=False).archive):
        report = validate(path, jobs=1)
        assert report.valid and report.not_checked == (), render_text(report)
    assert compared == []
    assert validate(sample().release, jobs=1).not_checked != ()
    assert compared == [(sample().release / PARQUET_PATH).stat().st_size]


def test_fast_does_not_compare(compared: list[int]) -> None:
    """--fast reads no data (a full check of the same package does compare)."""
    assert validate(sample().release, fast=True).valid and compared == []
    assert validate(sample().release, jobs=1).valid and len(compared) == 1


# -- without pyarrow ----------------------------------------------------------------------

@pytest.mark.parametrize("form", ["folder", "archive"])
@pytest.mark.parametrize("damaged", [False, True])
def test_without_pyarrow_the_report_says_it_was_not_compared(
        tmp_path: Path, form: str, damaged: bool, no_pyarrow: None) -> None:
    """Never skipped in silence, and no reason to call a package invalid."""
    package = tmp_path / sample().release.name
    shutil.copytree(sample().release, package)
    target = archive_of(package) if form == "archive" else package
    if damaged:  # the precise check (the clean pass gave up) says it too
        (package / "README.md").write_text("changed\n")
        target = archive_of(package) if form == "archive" else package
    with pytest.raises(ImportError):
        import pyarrow  # noqa: F401
    report = validate(target, jobs=1)
    assert report.valid is not damaged
    assert report.not_checked == ((PARQUET_PATH, parquetcheck.NO_PYARROW),)
    summary = render_text(report)[-1]
    assert "data/documents.parquet not compared with data/documents.jsonl: pyarrow is not " \
        f"installed ({INSTALL_PARQUET})" in summary
    data = report.as_dict()
    REPORT_SCHEMA.validate(data)
    assert data["not_checked"] == [{"path": PARQUET_PATH,
                                    "message": parquetcheck.NO_PYARROW}]
    assert data["valid"] is not damaged
    warnings = [line for line in render_github(report) if line.startswith("::warning")]
    assert len(warnings) == 1 and "title=not-checked::" in warnings[0]


def test_a_pyarrow_that_fails_to_load_is_not_said_to_be_missing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A pyarrow installed but not mapped under ``ulimit -v`` was "not installed", with
    advice to install it (QA): the comparison says what export says of it."""
    sample()
    real_import = builtins.__import__

    def unmapped(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise ImportError("libarrow.so.2600: failed to map segment from shared object")
        return real_import(name, *args, **kwargs)

    for module in [m for m in sys.modules if m == "pyarrow" or m.startswith("pyarrow.")]:
        monkeypatch.delitem(sys.modules, module)
    monkeypatch.setattr(builtins, "__import__", unmapped)
    report = validate(sample().release, jobs=1)
    ((path, why),) = report.not_checked
    assert path == PARQUET_PATH and "not installed" not in why, why
    assert why.startswith("not compared with data/documents.jsonl: ran out of memory") and \
        "while loading pyarrow" in why, why
    assert report.valid


def test_a_fresh_build_of_several_row_groups_validates(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A build of over 32 MiB of text writes its Parquet file in row groups of a few
    hundred rows: validate read it in batches across two groups, whose normalization lists
    Arrow could not return as one, and refused a fresh build as damaged (QA). Cut here at
    a few KB, on texts whose normalization lists are not empty."""
    import subprocess

    import corpuskit
    from corpuskit import parquet

    seeds = tmp_path / "seeds"
    subprocess.run([sys.executable, str(Path(__file__).parents[1] / "benchmarks" /
                                        "generate_corpus.py"), str(seeds),
                    "--documents", "300", "--seed", "5", "--messy-share", "0.6"],
                   check=True, capture_output=True)
    with (seeds / "corpus.toml").open("a", encoding="utf-8") as config:
        config.write("\n[output]\nparquet = true\n")
    monkeypatch.setattr(parquet, "ROW_GROUP_TEXT_BYTES", 150_000)
    release = corpuskit.build(seeds, tmp_path / "dist", jobs=1, cache=None).release
    groups = pq.ParquetFile(release / PARQUET_PATH).metadata
    sizes = [groups.row_group(index).num_rows for index in range(groups.num_row_groups)]
    assert len(sizes) > 3, sizes  # batches of 1,024 rows cross them
    table = pq.read_table(release / PARQUET_PATH, columns=["normalization"])
    assert any(table.column("normalization").to_pylist())
    for package in (release, release.with_name(release.name + ".zip")):
        report = corpuskit.validate(package, jobs=1)
        assert report.valid, [(p.path, p.message) for p in report.problems]


@pytest.mark.parametrize("form", ["folder", "archive"])
def test_values_that_print_alike_are_quoted_escaped(tmp_path: Path, form: str) -> None:
    """A Parquet title differing from its record's by a character that shows nothing was
    quoted as two equal strings (QA): such a pair is shown with \\u escapes, and said so."""
    title = pq.read_table(SEED_RELEASE / PARQUET_PATH).to_pylist()[0]["title"]
    forgery = title[:3] + "\u200b" + title[3:]
    report = validate(forged(tmp_path, _set(1, "title", forgery), form, source=SEED_RELEASE),
                      jobs=1)
    ((code, location, message),) = only_parquet_problems(report)
    assert (code, location) == ("record-mismatch", "row 1")
    assert f"column 'title' is {json.dumps(forgery)} (the two print alike: shown with " \
        "non-ASCII characters as \\u escapes)" in message, message
    assert f"has {json.dumps(title)}" in message, message


def test_excerpts_escape_other_normalizations_short_and_long() -> None:
    """NFD against NFC, in a short value and from where two long ones differ."""
    nfc, nfd = "caf\u00e9", "cafe\u0301"
    found, expected, where = parquetcheck._excerpts(nfd, nfc)
    assert (found, expected) == ('"cafe\\u0301"', '"caf\\u00e9"')
    assert where.startswith(" (the two print alike")
    long_nfc, long_nfd = "x" * 3_000 + nfc, "x" * 3_000 + nfd
    found, expected, where = parquetcheck._excerpts(long_nfd, long_nfc)
    assert found.endswith('cafe\\u0301"') and expected.endswith('caf\\u00e9"')
    assert where.startswith(" (from character ") and "print alike" in where
    assert parquetcheck._excerpts("Bee", "Bees")[2] == ""  # told apart: as they are


def _arrow_out_of_memory() -> BaseException:
    return pa.lib.ArrowMemoryError("malloc of size 410944 failed")


@pytest.mark.parquet_fork  # (out of memory in the forked child, as outside tests)
@pytest.mark.parametrize("form", ["folder", "archive"])
@pytest.mark.parametrize("failure", [
    _arrow_out_of_memory,
    lambda: OSError("Out of memory: malloc of size 3328 failed"),  # (wrapped: its words)
    MemoryError,
])
@pytest.mark.parametrize("where", ["rows", "statistics"])
def test_pyarrow_out_of_memory_is_the_runs_failure_not_a_record_mismatch(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, form: str,
        failure: Callable[[], BaseException], where: str) -> None:
    """Under ``ulimit -v``, pyarrow's "malloc of size 410944 failed" reading the rows was a
    ``record-mismatch`` of a sound package, which export then refused as "modified,
    damaged or renamed" (QA): it is the run that ran out of memory, in the forked child
    that reads the file (or importing pyarrow.compute for the statistics), neither
    verdict given."""
    from corpuskit.errors import OutOfResources
    from corpuskit.validation import parquetfooter

    package = tmp_path / sample().release.name
    shutil.copytree(sample().release, package)
    target = archive_of(package) if form == "archive" else package

    def out_of_memory(*args: Any, **kwargs: Any) -> Any:
        raise failure()

    monkeypatch.setattr(*((parquetcheck, "_decoded_rows") if where == "rows"
                          else (parquetfooter, "_values")), out_of_memory)
    with pytest.raises(OutOfResources) as raised:
        validate(target, jobs=1)
    message = str(raised.value)
    assert message.startswith("ran out of memory") and "which was neither found valid nor " \
        "invalid (pyarrow could not read data/documents.parquet: " in message, message
    assert "record-mismatch" not in message and "get it again" not in message


# -- a damaged file is never handed to pyarrow ----------------------------------------------

def _abort_bit_flipped(package: Path) -> None:
    """The bit the QA flipped: the field header of the ``date`` column's repetition type,
    in the footer's schema, read as another type and skipped. The column is then required
    while its size statistics hold the histogram of an optional one, and pyarrow's C++
    reader throws where nothing catches it ("Definition level histogram size mismatch"):
    the process aborts (SIGABRT)."""
    path = package / PARQUET_PATH
    data = bytearray(path.read_bytes())
    footer = len(data) - 8 - int.from_bytes(data[-8:-4], "little")
    at = data.index(b"\x25\x02\x18\x04date", footer)
    data[at] ^= 1
    path.write_bytes(bytes(data))


def _validate_in_a_child(target: Path) -> tuple[int, dict[str, Any]]:
    import subprocess

    run = subprocess.run([sys.executable, "-m", "corpuskit", "validate", "-j", "1",
                          "--format", "json", str(target)],
                         capture_output=True, text=True, timeout=120, check=False)
    return run.returncode, json.loads(run.stdout) if run.stdout else {}


def test_a_parquet_file_whose_checksum_differs_is_not_read_as_parquet(tmp_path: Path) -> None:
    """One flipped bit made validate abort in pyarrow (exit 134, no report) though the
    manifest already said the file was damaged (QA): the checksum-mismatch is reported,
    exit 1, and the Parquet file is said not compared."""
    package = tmp_path / SEED_RELEASE.name
    shutil.copytree(SEED_RELEASE, package)
    _abort_bit_flipped(package)
    code, data = _validate_in_a_child(package)
    assert code == 1, data
    assert {"code": "checksum-mismatch", "path": PARQUET_PATH, "location": ""} in [
        {key: p[key] for key in ("code", "path", "location")} for p in data["problems"]]
    assert data["not_checked"] == [{"path": PARQUET_PATH, "message": parquetcheck.CHANGED}]


@pytest.mark.parametrize("form", ["folder", "archive"])
def test_a_resigned_parquet_file_that_aborts_pyarrow_is_a_problem(tmp_path: Path,
                                                                   form: str) -> None:
    """The same flipped bit with every checksum re-signed (a consistent forgery): pyarrow
    still aborts, in the child process validate reads it in, and the report says so."""
    package = tmp_path / SEED_RELEASE.name
    shutil.copytree(SEED_RELEASE, package)
    _abort_bit_flipped(package)
    reseal(package)
    code, data = _validate_in_a_child(archive_of(package) if form == "archive" else package)
    assert code == 1, data
    ((problem),) = data["problems"]
    assert (problem["code"], problem["path"]) == ("record-mismatch", PARQUET_PATH)
    assert problem["message"].startswith(
        "cannot be read as Parquet: pyarrow aborted (killed by signal 6)"), problem
