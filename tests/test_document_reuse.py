"""A shard in which a few documents changed processes those documents only: the records
and raw pieces of the others come from the cache entry of the last build of the shard
(shardcache.EarlierShard), and the release is byte for byte a fresh build's."""

from __future__ import annotations

import io
import json
import zlib
from pathlib import Path

import pytest
from conftest import corpus_config, make_seeds, shard_sizes_of, shard_sizes_of_ids, toml_text

from corpuskit import engine, shardcache, shardpieces
from corpuskit.build import build
from corpuskit.compare import archives_match, tree_differences
from corpuskit.config import DEFAULT_COMPRESSION
from corpuskit.package import DOCUMENTS_PATH
from corpuskit.zipfiles import archive, deflate

WORDS = ("river", "market", "council", "harbour", "winter", "school", "bridge", "station")
COUNT = 532
#: Two shards (405 documents and 127): d/0007.txt and d/0300.txt are in the first.
SHARDS = shard_sizes_of(f"d/{i:04d}.txt" for i in range(COUNT))
assert len(SHARDS) == 2 and SHARDS[0] > 300, SHARDS


#: The compression a build uses when corpus.toml names none.
BUILT = deflate.COMPRESSIONS[DEFAULT_COMPRESSION]


def _text(i: int) -> str:
    body = " ".join(WORDS[(i * 3 + j) % len(WORDS)] for j in range(30))
    return f"Report {i}\n\n2024-0{1 + i % 9}-1{i % 10}\n\n{body.capitalize()}.\n"


@pytest.fixture()
def seeds(tmp_path: Path) -> Path:
    return make_seeds(tmp_path, {f"d/{i:04d}.txt": _text(i) for i in range(COUNT)})




def _same_as_fresh(seeds: Path, built: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    result = build(seeds, fresh, jobs=1)
    name = result.release.name
    assert tree_differences(built / name, fresh / name) == []
    assert archives_match(built / f"{name}.zip", fresh / f"{name}.zip")
    assert (built / f"{name}.zip").read_bytes() == (fresh / f"{name}.zip").read_bytes()


@pytest.mark.parametrize(("changed", "cached", "jobs"), [
    (["d/0007.txt"], 1, 1),  # one document: the other shard is a cache hit
    (["d/0000.txt", "d/0300.txt", f"d/{COUNT - 1:04d}.txt"], 0, 2),  # in both shards
])
def test_changed_documents_are_the_only_ones_processed(
        changed: list[str], cached: int, jobs: int, seeds: Path, processed: list[str],
        tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    build(seeds, tmp_path / "a", jobs=jobs, cache=cache)
    if jobs == 1:  # (workers of other processes are not seen here)
        assert len(processed) == COUNT
    for rel in changed:
        (seeds / rel).write_text("Rewritten\n\nAll new text, in other words.\n",
                                 encoding="utf-8")
    processed.clear()
    result = build(seeds, tmp_path / "b", jobs=1, cache=cache)
    assert processed == changed
    assert result.cached_shards == cached
    _same_as_fresh(seeds, tmp_path / "b", tmp_path)


def test_another_configuration_processes_every_document(
        seeds: Path, processed: list[str], tmp_path: Path) -> None:
    """Records made with other settings are never reused, even of unchanged files."""
    cache = tmp_path / "cache"
    build(seeds, tmp_path / "a", jobs=1, cache=cache)
    (seeds / "corpus.toml").write_text(toml_text(corpus_config(
        {"normalize": {"lossy": ["straight-quotes"]}})), encoding="utf-8")
    (seeds / "d/0007.txt").write_text("Changed\n\nA “quoted” word.\n", encoding="utf-8")
    processed.clear()
    build(seeds, tmp_path / "b", jobs=1, cache=cache)
    assert len(processed) == COUNT
    _same_as_fresh(seeds, tmp_path / "b", tmp_path)


@pytest.mark.parametrize("damaged", [".jsonl", ".deflate", ".deflate.json"])
def test_a_damaged_earlier_entry_is_not_reused(
        damaged: str, seeds: Path, processed: list[str], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    build(seeds, tmp_path / "a", jobs=1, cache=cache)
    # the first shard's entry: the larger of the two
    entry = max(cache.rglob(f"*{damaged}"), key=lambda path: path.stat().st_size)
    data = bytearray(entry.read_bytes())
    data[len(data) // 3] ^= 0x01
    entry.write_bytes(bytes(data))
    (seeds / "d/0007.txt").write_text("Changed\n\nOther words now.\n", encoding="utf-8")
    processed.clear()
    build(seeds, tmp_path / "b", jobs=1, cache=cache)
    assert len(processed) == SHARDS[0]  # the whole first shard, nothing reused
    _same_as_fresh(seeds, tmp_path / "b", tmp_path)


def _pieces(records: bytes) -> list[bytes]:
    """The pieces of a data/documents.jsonl, as the archive cuts it."""
    return [records[at:at + length]
            for at, length in deflate.record_groups(io.BytesIO(records))]


def test_record_pieces_are_cut_in_blocks_of_a_shard_and_by_size(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A piece ends after the record that brings it to RECORDS_PIECE_BYTES, and at the end
    of every block, which is a build's shard (cut by the records' ids); a shard file alone
    is cut as its block is in the whole file."""
    monkeypatch.setattr(deflate, "RECORDS_PIECE_BYTES", 100)
    ids = [f"d/{i:04d}" for i in range(1100)]
    lines = [b'{"id":"%s","pad":"%s"}\n' % (doc.encode(), b"x" * (i % 7 * 10))
             for i, doc in enumerate(ids)]
    sizes = shard_sizes_of_ids(ids)
    assert len(sizes) >= 2 and sum(sizes) == len(lines)
    blocks: list[list[bytes]] = []
    first = 0
    for size in sizes:
        cut, piece = [], b""
        for line in lines[first:first + size]:
            piece += line
            if len(piece) >= 100:
                cut.append(piece)
                piece = b""
        blocks.append([*cut, piece] if piece else cut)
        first += size
    assert any(len(piece) < 100 for block in blocks for piece in block)  # a block's end
    assert _pieces(b"".join(lines)) == [piece for block in blocks for piece in block]
    second = b"".join(lines[sizes[0]:sizes[0] + sizes[1]])
    assert [second[at:at + length] for at, length in
            deflate.record_groups(io.BytesIO(second), blocks=False)] == blocks[1]


def test_a_record_id_is_read_from_its_line_or_is_none() -> None:
    assert deflate.record_id(b'{"id":"a/b c","title":"x"}') == "a/b c"
    assert deflate.record_id(b'{"id":"q\\"uote\\u00e9","t":1}') == 'q"uote\u00e9'
    assert deflate.record_id('{"id":"été/ü","t":1}'.encode()) == "été/ü"
    assert deflate.record_id(b'{"n":1,"id":"a"}') == ""  # not a corpuskit record
    assert deflate.record_id(b'{"id":"cut off') == ""
    assert deflate.record_id(b'{"id":7}') == ""


@pytest.mark.parametrize("change", ["added", "removed"])
def test_adding_or_removing_a_document_processes_its_shard_only(
        change: str, seeds: Path, processed: list[str], tmp_path: Path) -> None:
    """Shard boundaries come from the ids: the shards after an added or removed document
    keep their documents, and their cache entries are hits."""
    cache = tmp_path / "cache"
    build(seeds, tmp_path / "a", jobs=1, cache=cache)
    if change == "added":
        (seeds / "d/0100a.txt").write_text("Added\n\nA new report.\n", encoding="utf-8")
    else:
        (seeds / "d/0200.txt").unlink()
    processed.clear()
    result = build(seeds, tmp_path / "b", jobs=1, cache=cache)
    assert result.cached_shards == 1  # the second shard
    first = sorted(path.relative_to(seeds).as_posix() for path in seeds.rglob("d/*.txt")
                   )[:SHARDS[0] + (1 if change == "added" else -1)]
    assert sorted(processed) == first  # the first shard only, whose paths changed
    _same_as_fresh(seeds, tmp_path / "b", tmp_path)


@pytest.mark.parametrize("jobs", [1, 2])
def test_only_the_pieces_of_records_that_changed_are_deflated_again(
        jobs: int, seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a shard where a document changed, the pieces of its records that are the same
    bytes as the last build's are taken from its cache entry, not deflated again; the
    release is a fresh build's, and its zip the one the archive writer makes alone."""
    monkeypatch.setattr(deflate, "RECORDS_PIECE_BYTES", 8 * 1024)
    cache = tmp_path / "cache"
    first = build(seeds, tmp_path / "a", jobs=jobs, cache=cache)
    before = _pieces((first.release / DOCUMENTS_PATH).read_bytes())
    (seeds / "d/0300.txt").write_text("Rewritten\n\nAll new text, in other words.\n",
                                      encoding="utf-8")
    deflated: list[int] = []

    class Counted(deflate.RecordsDeflater):
        """Counts the groups of records deflated (not those of manifest lines)."""

        head = b""

        def feed(self, data: bytes) -> bytes:
            self.head = self.head or bytes(data[:1])
            return super().feed(data)

        def end(self) -> bytes:
            if self.head == b"{":
                deflated.append(self.size)
            return super().end()

    monkeypatch.setattr(shardpieces, "RecordsDeflater", Counted)
    result = build(seeds, tmp_path / "b", jobs=1, cache=cache)
    after = _pieces((result.release / DOCUMENTS_PATH).read_bytes())
    assert result.cached_shards == 1  # the second shard
    new = [piece for piece in after if piece not in before]
    assert len(after) > 10 and 1 <= len(new) <= 2
    assert sorted(deflated) == sorted(map(len, new))
    _same_as_fresh(seeds, tmp_path / "b", tmp_path)
    created = json.loads((result.release / "datapackage.json").read_bytes()).get("created")
    alone = io.BytesIO()
    archive.write_zip(result.release, alone, result.release.name, created,
                      compression=BUILT, threads=2)
    assert alone.getvalue() == result.archive.read_bytes()


def test_an_earlier_piece_with_the_same_size_and_crc_but_other_bytes_is_not_taken(
        tmp_path: Path) -> None:
    """EarlierShard finds a piece of records by size and CRC-32, then compares its bytes."""
    old, new = b'{"a":"x"}\n' * 50, b'{"a":"y"}\n' * 50
    jsonl = tmp_path / "earlier.jsonl"
    jsonl.write_bytes(old)
    deflated = deflate.deflate_piece(new, last=False, compression=BUILT)
    shardpieces.pieces_path(jsonl).write_bytes(deflated)
    for earlier_bytes, taken in ((old, False), (new, True)):
        jsonl.write_bytes(earlier_bytes)
        index = {"raw": [], "large": [], "manifest": [0, 0, 0, 0],
                 "records": [[0, len(deflated), len(new), zlib.crc32(new)]]}  # as if of new
        shardpieces.pieces_index_path(jsonl).write_bytes(json.dumps(index).encode())
        with shardcache.EarlierShard(jsonl, []) as earlier, io.BytesIO(new) as shard:
            found = earlier.records_piece(shard, 0, len(new))
        assert found == ((zlib.crc32(new), deflated) if taken else None)


def test_an_earlier_entry_that_cannot_be_read_is_a_miss_not_a_failure(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An I/O error reading the earlier entry (its records or its deflated pieces) leaves
    the piece to be deflated anew."""
    records = b'{"a":"x"}\n' * 50
    jsonl = tmp_path / "earlier.jsonl"
    jsonl.write_bytes(records)
    deflated = deflate.deflate_piece(records, last=False, compression=BUILT)
    shardpieces.pieces_path(jsonl).write_bytes(deflated)
    index = {"raw": [], "large": [], "manifest": [0, 0, 0, 0],
             "records": [[0, len(deflated), len(records), zlib.crc32(records)]]}
    shardpieces.pieces_index_path(jsonl).write_bytes(json.dumps(index).encode())

    def failing(*_: object) -> bytes:
        raise OSError(5, "Input/output error")

    with shardcache.EarlierShard(jsonl, []) as earlier, io.BytesIO(records) as shard:
        assert earlier.records_piece(shard, 0, len(records)) == (zlib.crc32(records), deflated)
        with monkeypatch.context() as broken:
            broken.setattr(engine.os, "pread", failing)
            assert earlier.records_piece(shard, 0, len(records)) is None
        with monkeypatch.context() as broken:
            broken.setattr(earlier.pieces, "read", failing)
            assert earlier.records_piece(shard, 0, len(records)) is None
