"""Shards are cut by their documents' ids (corpuskit.shards): within bounds, the same by
the plan and by a stream of ids, and an added or removed document moves one boundary."""

from __future__ import annotations

from conftest import shard_sizes_of_ids
from hypothesis import given, settings
from hypothesis import strategies as st
from property_budget import examples

from corpuskit import shards


def _stream(ids: list[str]) -> list[int]:
    cutter, sizes, held = shards.ShardCutter(), [], 0
    for doc_id in ids:
        held += 1
        if cutter.ends_after(doc_id):
            sizes.append(held)
            held = 0
    return [*sizes, held] if held else sizes


def test_shards_are_cut_by_ids_with_a_least_and_a_most() -> None:
    """A shard ends after a boundary id once it holds SHARD_MIN documents, and at
    SHARD_MAX whatever the ids; one id added or removed moves its own shard's end only."""
    ids = [f"part-{i // 1000:03d}/doc-{i:06d}" for i in range(20000)]
    sizes = shard_sizes_of_ids(ids)
    assert sum(sizes) == len(ids)
    assert all(shards.SHARD_MIN <= size <= shards.SHARD_MAX for size in sizes[:-1])
    assert 300 < len(ids) / len(sizes) < 800
    ends, at = [], 0
    for size in sizes:
        at += size
        ends.append(ids[at - 1])
    for doc, size in zip(ends[:-1], sizes, strict=False):
        assert shards.is_boundary(doc) or size == shards.SHARD_MAX
    added = sorted([*ids, "part-003/doc-003500a"])
    removed = [doc for doc in ids if doc != "part-007/doc-007123"]
    for changed in (added, removed):
        after = shard_sizes_of_ids(changed)
        moved = [a != b for a, b in zip(after, sizes, strict=False)]
        assert sum(moved) == 1 and len(after) == len(sizes)


@settings(max_examples=examples(60), deadline=None)
@given(st.sets(st.integers(0, 10**7), max_size=3000), st.text(max_size=3))
def test_the_plan_cuts_as_a_stream_of_ids_does(numbers: set[int], prefix: str) -> None:
    """A build's plan (which looks at the ids that can end a shard only) and the cut of a
    package's files (every id, in a stream) agree."""
    ids = sorted(f"{prefix}/{n:08d}" for n in numbers)
    assert shard_sizes_of_ids(ids) == _stream(ids)


def test_about_one_id_in_boundary_one_in_is_a_boundary() -> None:
    ids = [f"corpus/{i:07d}" for i in range(200_000)]
    found = sum(map(shards.is_boundary, ids))
    expected = len(ids) / shards.BOUNDARY_ONE_IN
    assert 0.88 * expected < found < 1.12 * expected
    assert shards.is_boundary("\udcff") in (True, False)  # a name that is not UTF-8
