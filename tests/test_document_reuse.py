"""A shard in which a few documents changed processes those documents only: the records
and raw pieces of the others come from the cache entry of the last build of the shard
(engine.EarlierShard), and the release is byte for byte a fresh build's."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import corpus_config, make_seeds, toml_text

from corpuskit import engine, records
from corpuskit.build import build
from corpuskit.compare import archives_match, tree_differences
from corpuskit.models import RawDocument

WORDS = ("river", "market", "council", "harbour", "winter", "school", "bridge", "station")
#: Two shards: 512 documents and 20.
COUNT = engine.SHARD_SIZE + 20


def _text(i: int) -> str:
    body = " ".join(WORDS[(i * 3 + j) % len(WORDS)] for j in range(30))
    return f"Report {i}\n\n2024-0{1 + i % 9}-1{i % 10}\n\n{body.capitalize()}.\n"


@pytest.fixture()
def seeds(tmp_path: Path) -> Path:
    return make_seeds(tmp_path, {f"d/{i:04d}.txt": _text(i) for i in range(COUNT)})


@pytest.fixture()
def processed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The documents the build's (in-process) worker runs the pipeline on."""
    done: list[str] = []
    real = records.process_documents_reported

    def counted(raws: list[RawDocument], config: object) -> object:
        done.extend(raw.path for raw in raws)
        return real(raws, config)  # type: ignore[arg-type]

    monkeypatch.setattr(records, "process_documents_reported", counted)
    return done


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
    assert len(processed) == engine.SHARD_SIZE  # the whole first shard, nothing reused
    _same_as_fresh(seeds, tmp_path / "b", tmp_path)
