"""A build worker's shortcuts per document give what the plain way gives: the record that
takes the sha256 its worker already has, the pieces of a shard's records cut from the
lengths of the lines written, the raw file whose mode is set only when it needs to be, the
statistics' count of normalization steps, and a record's own ``__init__``."""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import io
import os
import stat
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest
from conftest import MESSY_FILES, make_seeds, umask
from hypothesis import given, settings
from hypothesis import strategies as st
from property_budget import examples

from corpuskit import discover, engine, shardpieces
from corpuskit.config import ProcessConfig, load_config
from corpuskit.models import RECORD_FIELDS, RawDocument, Record, SourceRef
from corpuskit.package import CorpusStats
from corpuskit.records import process_documents_reported, record_line
from corpuskit.writer import FILE_MODE, create_file
from corpuskit.zipfiles import deflate

#: Line lengths around a piece's end, where a cut falls or not.
_EDGES = st.sampled_from([1, 2, deflate.RECORDS_PIECE_BYTES - 1, deflate.RECORDS_PIECE_BYTES,
                          deflate.RECORDS_PIECE_BYTES + 1])


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.one_of(st.integers(1, 400_000), _EDGES), max_size=14))
def test_line_groups_are_the_record_groups_of_the_file(lengths: list[int]) -> None:
    """Cut from the lines' lengths, the pieces are those found by reading the file."""
    data = b"".join(b"x" * (length - 1) + b"\n" for length in lengths)
    assert shardpieces.line_groups(lengths) == \
        list(deflate.record_groups(io.BytesIO(data), blocks=False))


def _documents() -> list[RawDocument]:
    return [RawDocument(path.rsplit(".", 1)[0], path, data)
            for path, data in sorted(MESSY_FILES.items())]


def test_a_record_given_its_sha256_is_the_record_made_without() -> None:
    """The sha256 the worker hashed is the one the record would hash; where the caller has
    none (``""``), the record hashes the bytes, as before."""
    raws = _documents()
    config = ProcessConfig()
    plain = process_documents_reported(raws, config)
    assert all(isinstance(made, Record) for made in plain)
    given_all = process_documents_reported(
        raws, config, [hashlib.sha256(raw.data).hexdigest() for raw in raws])
    given_some = process_documents_reported(
        raws, config, [hashlib.sha256(raw.data).hexdigest() if i % 2 else ""
                       for i, raw in enumerate(raws)])
    assert given_all == plain and given_some == plain


def test_a_shards_pieces_cut_from_its_line_lengths_are_those_read_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A shard whose records pieces are cut from the lengths the worker wrote has the same
    pieces and index, byte for byte, as one whose shard file is read back to find its
    lines; lengths that do not add up to the file (never written so) are not trusted."""
    text = "Report\n\n" + "harbour council winter " * 9_000 + "\n"
    seeds = make_seeds(tmp_path, {f"d/{i:03d}.txt": f"{i}\n\n{text}" for i in range(12)})
    config = load_config(seeds)
    refs = tuple(discover.discover(seeds, config.discover).sources)

    def shard(name: str) -> dict[str, bytes]:
        package = tmp_path / name
        package.mkdir()
        task = engine.ShardTask(0, refs, seeds, package, config.process, None,
                                config.discover.max_file_bytes, archive_root="r-1.0.0",
                                created=None)
        result = engine.process_shard(task)
        assert result.problems == ()
        return {path.name: path.read_bytes() for path in result.jsonl.parent.iterdir()}

    cut = shard("cut")
    finish = shardpieces.PiecesWriter.finish
    monkeypatch.setattr(shardpieces.PiecesWriter, "finish",
                        lambda self, manifest, earlier=None, line_lengths=None:
                        finish(self, manifest, earlier))
    read = shard("read")
    monkeypatch.setattr(shardpieces.PiecesWriter, "finish",
                        lambda self, manifest, earlier=None, line_lengths=None:
                        finish(self, manifest, earlier, [*(line_lengths or []), 1]))
    mistrusted = shard("mistrusted")
    assert len(shardpieces.line_groups(
        [len(line) for line in cut["00000000.jsonl"].splitlines(keepends=True)])) > 1
    assert cut == read == mistrusted


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o000], ids=["022", "077", "000"])
def test_a_created_raw_file_is_0644_and_its_status_is_the_files(mask: int,
                                                                 tmp_path: Path) -> None:
    """Whatever the umask, the file is 0644 and the status returned is the file's as it
    is left (its ctime after any change of mode: the seeds states keep it)."""
    with umask(mask):
        made = create_file(tmp_path, "data/raw/a.txt", b"bytes", doing=None)
    now = os.stat(tmp_path / "data/raw/a.txt")
    assert stat.S_IMODE(now.st_mode) == FILE_MODE
    assert (made.st_dev, made.st_ino, made.st_size, made.st_mode, made.st_mtime_ns,
            made.st_ctime_ns) == (now.st_dev, now.st_ino, now.st_size, now.st_mode,
                                  now.st_mtime_ns, now.st_ctime_ns)


def test_the_read_bytes_and_status_are_the_files(tmp_path: Path) -> None:
    seeds = make_seeds(tmp_path, {"a.txt": "Title\n\nText.\n"})
    data, info = discover.read_source_stat(seeds, SourceRef("a.txt"), max_bytes=1 << 20)
    assert data == (seeds / "a.txt").read_bytes()
    assert (info.st_ino, info.st_size) == (os.stat(seeds / "a.txt").st_ino, len(data))
    assert discover.read_source(seeds, SourceRef("a.txt"), max_bytes=1 << 20) == \
        RawDocument("a", "a.txt", data)


@settings(max_examples=examples(200))
@given(st.lists(st.lists(st.sampled_from(["nfc", "newlines", "fix-encoding", "bom"]),
                         max_size=3).map(tuple), max_size=12))
def test_the_steps_counted_are_counted_as_counter_update_counts_them(
        steps: list[tuple[str, ...]]) -> None:
    """The same counts, in the same order of first appearance (the statistics' JSON)."""
    stats = CorpusStats()
    expected: Counter[str] = Counter()
    for normalization in steps:
        stats.add(Record("a", None, None, "en", "x", None, 1, 1, 1, "0" * 64, "a.txt", 1,
                         "0" * 64, "utf-8", normalization))
        expected.update(normalization)
    assert list(stats.steps.items()) == list(expected.items())


#: Record as the frozen dataclass's own ``__init__`` makes it: what its own is held to.
_PLAIN_RECORD = dataclasses.make_dataclass(
    "PlainRecord", [(field.name, field.type) for field in dataclasses.fields(Record)],
    frozen=True)
_TEXT = st.text(max_size=20)
_RECORD_VALUES = st.tuples(
    _TEXT, st.none() | _TEXT, st.none() | _TEXT, _TEXT, _TEXT, st.none() | _TEXT,
    st.integers(0, 10**9), st.integers(0, 10**9), st.integers(0, 10**6), _TEXT, _TEXT,
    st.integers(0, 10**12), _TEXT, _TEXT, st.lists(_TEXT, max_size=3).map(tuple))


@settings(max_examples=examples(300))
@given(_RECORD_VALUES)
def test_a_record_is_the_frozen_dataclass_its_fields_make(values: tuple[Any, ...]) -> None:
    """Made positionally or by keyword: the same fields in the same order (its JSON line),
    equal, hashed and shown alike, and still frozen."""
    plain = _PLAIN_RECORD(*values)
    for record in (Record(*values), Record(**dict(zip(RECORD_FIELDS, values, strict=True)))):
        assert list(vars(record).items()) == list(vars(plain).items())
        assert record_line(record) == orjson.dumps(plain, option=orjson.OPT_APPEND_NEWLINE)
        assert hash(record) == hash(Record(*values))
        assert repr(record) == repr(plain).replace("PlainRecord(", "Record(", 1)
        with pytest.raises(dataclasses.FrozenInstanceError):
            record.id = "other"  # type: ignore[misc]
        assert dataclasses.replace(record, id="other") == Record("other", *values[1:])


def test_a_records_init_takes_its_fields_in_their_order() -> None:
    assert list(inspect.signature(Record).parameters) == list(RECORD_FIELDS)
    with pytest.raises(TypeError):
        Record("a")  # type: ignore[call-arg]


def test_line_groups_read_the_piece_size_when_called(monkeypatch: pytest.MonkeyPatch) -> None:
    """As record_groups does: a test that makes pieces small gets small pieces from both."""
    monkeypatch.setattr(deflate, "RECORDS_PIECE_BYTES", 10)
    lengths = [3, 4, 3, 11, 1, 9, 2, 5, 5, 30]
    data = b"".join(b"x" * (length - 1) + b"\n" for length in lengths)
    assert shardpieces.line_groups(lengths) == \
        list(deflate.record_groups(io.BytesIO(data), blocks=False))
    assert len(shardpieces.line_groups(lengths)) == 5
