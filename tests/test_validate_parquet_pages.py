"""validate reads data/documents.parquet's page headers before any of its rows.

The footer's sizes can be forged to understate them (the footer check then passes), while
each page header still declares what pyarrow would allocate and inflate: the headers are
read (corpuskit.validation.parquetpages), and a page past the bomb limits, or a header
that cannot be read, stops the comparison before any row is. Forgeries are resealed
(tests/test_validate_parquet.py's ``forged``): only this check can find them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _consumers import sample
from _validate_support import run
from test_validate_parquet import forged, only_parquet_problems

from corpuskit.parquet import PARQUET_PATH
from corpuskit.validation import parquetcheck, parquetpages, precise, render_text, validate

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
TCompactProtocol = pytest.importorskip("thrift.protocol.TCompactProtocol").TCompactProtocol
TType = pytest.importorskip("thrift.Thrift").TType
TMemoryBuffer = pytest.importorskip("thrift.transport.TTransport").TMemoryBuffer

#: FileMetaData.row_groups, RowGroup.columns and total_byte_size, ColumnChunk.meta_data,
#: ColumnMetaData.total_uncompressed_size and total_compressed_size (parquet.thrift).
ROW_GROUPS, COLUMNS, GROUP_BYTES, META_DATA, UNCOMPRESSED, COMPRESSED = 4, 1, 2, 3, 6, 7


# -- a footer rewritten: the thrift struct tree, read and written back -----------------------

def _read(protocol: Any, kind: int) -> Any:
    """A value of the compact protocol, as a tree: a struct is a list of [id, type, value]."""
    if kind == TType.STRUCT:
        fields = []
        protocol.readStructBegin()
        while True:
            _, ftype, fid = protocol.readFieldBegin()
            if ftype == TType.STOP:
                break
            fields.append([fid, ftype, _read(protocol, ftype)])
            protocol.readFieldEnd()
        protocol.readStructEnd()
        return fields
    if kind in (TType.LIST, TType.SET):
        etype, size = protocol.readListBegin()
        items = [_read(protocol, etype) for _ in range(size)]
        protocol.readListEnd()
        return (etype, items)
    if kind == TType.MAP:
        ktype, vtype, size = protocol.readMapBegin()
        pairs = [(_read(protocol, ktype), _read(protocol, vtype)) for _ in range(size)]
        protocol.readMapEnd()
        return (ktype, vtype, pairs)
    return {TType.BOOL: protocol.readBool, TType.BYTE: protocol.readByte,
            TType.I16: protocol.readI16, TType.I32: protocol.readI32,
            TType.I64: protocol.readI64, TType.DOUBLE: protocol.readDouble,
            TType.STRING: protocol.readBinary}[kind]()


def _write(protocol: Any, kind: int, value: Any) -> None:
    if kind == TType.STRUCT:
        protocol.writeStructBegin(None)
        for fid, ftype, item in value:
            protocol.writeFieldBegin(None, ftype, fid)
            _write(protocol, ftype, item)
            protocol.writeFieldEnd()
        protocol.writeFieldStop()
        protocol.writeStructEnd()
    elif kind in (TType.LIST, TType.SET):
        etype, items = value
        protocol.writeListBegin(etype, len(items))
        for item in items:
            _write(protocol, etype, item)
        protocol.writeListEnd()
    elif kind == TType.MAP:
        ktype, vtype, pairs = value
        protocol.writeMapBegin(ktype, vtype, len(pairs))
        for key, item in pairs:
            _write(protocol, ktype, key)
            _write(protocol, vtype, item)
        protocol.writeMapEnd()
    else:
        {TType.BOOL: protocol.writeBool, TType.BYTE: protocol.writeByte,
         TType.I16: protocol.writeI16, TType.I32: protocol.writeI32,
         TType.I64: protocol.writeI64, TType.DOUBLE: protocol.writeDouble,
         TType.STRING: protocol.writeBinary}[kind](value)


def _field(fields: list[list[Any]], fid: int) -> list[Any]:
    (found,) = [field for field in fields if field[0] == fid]
    return found


def understated(data: bytes) -> bytes:
    """The Parquet file ``data`` whose footer declares each column chunk's uncompressed
    size as its compressed one (and each row group's as theirs); its pages as they were."""
    length = int.from_bytes(data[-8:-4], "little")
    footer = data[-8 - length:-8]
    tree = _read(TCompactProtocol(TMemoryBuffer(footer)), TType.STRUCT)
    for group in _field(tree, ROW_GROUPS)[2][1]:
        total = 0
        for chunk in _field(group, COLUMNS)[2][1]:
            meta = _field(chunk, META_DATA)[2]
            _field(meta, UNCOMPRESSED)[2] = _field(meta, COMPRESSED)[2]
            total += _field(meta, COMPRESSED)[2]
        _field(group, GROUP_BYTES)[2] = total
    out = TMemoryBuffer()
    _write(TCompactProtocol(out), TType.STRUCT, tree)
    new = out.getvalue()
    return data[:-8 - length] + new + len(new).to_bytes(4, "little") + b"PAR1"


def _bomb(table: Any, dictionary: bool = True) -> bytes:
    """The sample, every text 4 MiB of one letter (zstd): a few KB (as in
    test_a_parquet_file_that_inflates_past_the_bomb_limits_is_not_read); without a
    dictionary, each text in its own page."""
    text = pa.array(["a" * (4 << 20)] * table.num_rows, type=table.schema.field("text").type)
    table = table.set_column(table.schema.get_field_index("text"),
                             table.schema.field("text"), text)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd", use_dictionary=dictionary,
                   write_batch_size=1)
    return bytes(sink.getvalue().to_pybytes())


# -- spies ----------------------------------------------------------------------------------

@pytest.fixture
def rows_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each call of ``ParquetFile.iter_batches`` (the comparison's only read of rows)."""
    # Spies count in this process: not in the child validate compares in
    monkeypatch.setattr(precise, "compare_parquet", parquetcheck.compare_in_process)
    read: list[int] = []
    real = pq.ParquetFile.iter_batches
    monkeypatch.setattr(pq.ParquetFile, "iter_batches",
                        lambda self, *a, **k: read.append(1) or real(self, *a, **k))
    return read


@pytest.fixture
def walked(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str, int]]:
    """Each column chunk whose pages were walked: (row group, column, pages)."""
    # Spies count in this process: not in the child validate compares in
    monkeypatch.setattr(precise, "compare_parquet", parquetcheck.compare_in_process)
    chunks: list[tuple[int, str, int]] = []
    real = parquetpages.walk_chunk

    def spy(window: Any, chunk: parquetpages.Chunk) -> Iterator[parquetpages.Page]:
        pages = 0
        for page in real(window, chunk):
            pages += 1
            yield page
        chunks.append((chunk.group, chunk.path, pages))

    monkeypatch.setattr(parquetpages, "walk_chunk", spy)
    return chunks


@pytest.fixture
def low_floor(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bomb limits' floor at 1 MiB (256 MiB by default), for small files."""
    monkeypatch.setattr(parquetcheck, "RATIO_FLOOR_BYTES", 1 << 20)


# -- intact packages --------------------------------------------------------------------------

@pytest.mark.parametrize("form", ["folder", "archive"])
def test_an_intact_package_passes_and_its_pages_are_walked(
        form: str, walked: list[tuple[int, str, int]], rows_read: list[int]) -> None:
    path = sample().archive if form == "archive" else sample().release
    report = validate(path, jobs=1)
    assert report.valid, render_text(report)
    metadata = pq.ParquetFile(sample().release / PARQUET_PATH).metadata
    assert len(walked) == metadata.num_row_groups * metadata.num_columns
    assert all(pages >= 1 for _, _, pages in walked), walked
    assert rows_read == [1]


@pytest.mark.parametrize("form", ["folder", "archive"])
def test_every_column_chunk_of_every_row_group_is_walked(
        tmp_path: Path, form: str, walked: list[tuple[int, str, int]]) -> None:
    report = validate(forged(tmp_path, lambda table: table, form, row_group=1), jobs=1)
    assert report.valid, render_text(report)
    metadata = pq.ParquetFile(tmp_path / sample().release.name / PARQUET_PATH).metadata
    assert metadata.num_row_groups == 6
    expected = [(group, metadata.row_group(group).column(column).path_in_schema)
                for group in range(metadata.num_row_groups)
                for column in range(metadata.num_columns)]
    assert sorted((group, path) for group, path, _ in walked) == sorted(expected)
    assert all(pages >= 1 for _, _, pages in walked), walked


# -- bombs ------------------------------------------------------------------------------------

@pytest.mark.parametrize("form", ["folder", "archive"])
def test_a_bomb_behind_a_forged_footer_is_refused_from_its_page_headers(
        tmp_path: Path, form: str, low_floor: None, rows_read: list[int]) -> None:
    """The footer says each column chunk inflates to its own size: the footer check is
    fooled, the page headers are not (a text page declares its 4 MiB)."""
    target = forged(tmp_path, lambda table: understated(_bomb(table)), form)
    path = tmp_path / sample().release.name / PARQUET_PATH
    metadata = pq.ParquetFile(path).metadata
    assert parquetcheck._declared_bytes(metadata) < 1 << 20  # under the floor: passed
    assert pq.read_table(path).column("text")[0].as_py() == "a" * (4 << 20)  # still a bomb
    report = validate(target, jobs=1)
    ((code, location, message),) = only_parquet_problems(report)
    assert (code, location) == ("too-large", "")
    assert message.startswith("row group 1, column 'text': the page at byte "), message
    assert " bytes uncompressed from " in message and "ratio over 200" in message
    assert message.endswith("not read, as a possible decompression bomb (an archive's member "
                            "is refused alike)")
    assert not rows_read


def _many_values(table: Any) -> Any:
    """Three million empty strings in the first record's normalization: a few KB of runs."""
    rows = table.to_pylist()
    rows[0]["normalization"] = [""] * 3_000_000
    return pa.Table.from_pylist(rows, schema=table.schema)


@pytest.mark.parametrize("form", ["folder", "archive"])
def test_a_data_page_of_millions_of_values_in_a_few_bytes_is_refused(
        tmp_path: Path, form: str, low_floor: None, rows_read: list[int]) -> None:
    target = forged(tmp_path, _many_values, form)
    path = tmp_path / sample().release.name / PARQUET_PATH
    assert path.stat().st_size < 100_000
    assert parquetcheck._declared_bytes(pq.ParquetFile(path).metadata) < 1 << 20
    report = validate(target, jobs=1)
    ((code, location, message),) = only_parquet_problems(report)
    assert (code, location) == ("too-large", "")
    assert message.startswith("row group 1, column 'normalization.list.element': the page "
                              "at byte "), message
    # The other records' few values are in the same page.
    assert re.search(r" holds 300000\d values, 240000\d\d bytes in memory at least, from "
                     r"\d\d bytes \(ratio over 200\)", message), message
    assert not rows_read


@pytest.mark.parametrize("form", ["folder", "archive"])
def test_pages_past_the_limits_together_are_refused(
        tmp_path: Path, form: str, monkeypatch: pytest.MonkeyPatch,
        rows_read: list[int]) -> None:
    """No page is past the limits alone (the floor is above each), all of them are."""
    monkeypatch.setattr(parquetcheck, "RATIO_FLOOR_BYTES", 5 << 20)
    target = forged(tmp_path, lambda table: understated(_bomb(table, dictionary=False)), form)
    report = validate(target, jobs=1)
    ((code, location, message),) = only_parquet_problems(report)
    assert (code, location) == ("too-large", "")
    assert message.startswith("its pages declare "), message
    assert "ratio over 200" in message and "decompression bomb" in message
    assert not rows_read


# -- headers that cannot be read --------------------------------------------------------------

def _damaged(at: str, data: bytes) -> Any:
    """A forgery writing ``data`` over the first page header of the 'title' column, at its
    data page offset (``at``: "data") or dictionary page offset ("dictionary")."""
    def forge(table: Any) -> bytes:
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink)
        raw = bytearray(sink.getvalue().to_pybytes())
        column = pq.ParquetFile(pa.BufferReader(bytes(raw))).metadata.row_group(0).column(1)
        assert column.path_in_schema == "title" and column.has_dictionary_page
        offset = column.data_page_offset if at == "data" else column.dictionary_page_offset
        raw[offset:offset + len(data)] = data
        return bytes(raw)
    return forge


#: Garbage (an unknown field type), a string field running past the column chunk (the
#: header cut short), and a negative page size.
DAMAGE = {"garbage": (b"\xff" * 8, "its header cannot be read"),
          "cut short": (b"\x18\x80\x80\x80\x08", "its header is cut short at byte"),
          "negative size": (b"\x15\x00\x15\x01\x15\x01\x00", "a negative size")}


@pytest.mark.parametrize("form", ["folder", "archive"])
@pytest.mark.parametrize("damage", list(DAMAGE))
@pytest.mark.parametrize("at", ["dictionary", "data"])
def test_a_page_header_that_cannot_be_read_is_reported_before_any_row(
        tmp_path: Path, form: str, damage: str, at: str, rows_read: list[int],
        capsys: pytest.CaptureFixture[str]) -> None:
    data, reason = DAMAGE[damage]
    target = forged(tmp_path, _damaged(at, data), form)
    report = validate(target, jobs=1)
    ((code, location, message),) = only_parquet_problems(report)
    assert (code, location) == ("record-mismatch", "")
    assert message.startswith("cannot be read as Parquet (row group 1, column 'title': the "
                              "page at byte "), message
    assert reason in message, message
    assert message.endswith("), so its rows cannot be compared with data/documents.jsonl")
    assert not rows_read
    status, out, err = run(capsys, "validate", "--jobs", "1", str(target))
    assert status == 1 and "Traceback" not in out + err
    assert "cannot be read as Parquet (row group 1, column 'title'" in out + err


@pytest.mark.parametrize("form", ["folder", "archive"])
def test_a_column_chunk_outside_the_pages_is_reported(
        tmp_path: Path, form: str, rows_read: list[int]) -> None:
    """A footer whose column chunk runs into the footer itself."""
    def forge(table: Any) -> bytes:
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink)
        data = bytes(sink.getvalue().to_pybytes())
        length = int.from_bytes(data[-8:-4], "little")
        tree = _read(TCompactProtocol(TMemoryBuffer(data[-8 - length:-8])), TType.STRUCT)
        group = _field(tree, ROW_GROUPS)[2][1][-1]
        meta = _field(_field(group, COLUMNS)[2][1][-1], META_DATA)[2]
        _field(meta, COMPRESSED)[2] += 100
        out = TMemoryBuffer()
        _write(TCompactProtocol(out), TType.STRUCT, tree)
        new = out.getvalue()
        return data[:-8 - length] + new + len(new).to_bytes(4, "little") + b"PAR1"

    report = validate(forged(tmp_path, forge, form), jobs=1)
    ((code, location, message),) = only_parquet_problems(report)
    assert (code, location) == ("record-mismatch", "")
    assert "column 'source_encoding'" in message or "column 'normalization" in message, \
        message
    assert "runs into the footer" in message, message
    assert not rows_read


def test_without_thrift_the_report_says_it_was_not_compared(
        monkeypatch: pytest.MonkeyPatch, rows_read: list[int]) -> None:
    """Its rows are never read unchecked: without thrift (pyarrow installed alone) the
    file is not compared, and the report says so, as without pyarrow."""
    monkeypatch.setattr(parquetcheck, "_thrift", lambda: False)
    report = validate(sample().release, jobs=1)
    assert report.valid, render_text(report)
    assert report.not_checked == ((PARQUET_PATH, parquetcheck.NO_THRIFT),)
    assert "thrift, which reads its page headers, is not installed" in render_text(report)[-1]
    assert not rows_read
