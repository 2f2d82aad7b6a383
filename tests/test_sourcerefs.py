"""SourceRefs: the discovery's documents held as one block of bytes, read back as they were."""

from __future__ import annotations

import os
import pickle
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from property_budget import examples

from corpuskit.config import load_config
from corpuskit.discover import discover
from corpuskit.engine import ShardTask, plan_shards
from corpuskit.models import SourceRef
from corpuskit.sourcerefs import SourceRefs

PATHS = ["a.txt", "b/ç.txt", "b/日本語.md", os.fsdecode(b"c/\xff\xfe.txt"), "d/\U0001f600.txt",
         "e/\ud800.txt"]  # a name that is not UTF-8, and a lone surrogate, come back as they were


def test_paths_come_back_as_they_were() -> None:
    refs = SourceRefs(PATHS)
    assert len(refs) == len(PATHS)
    assert list(refs.paths()) == PATHS
    assert [ref.path for ref in refs] == PATHS
    assert [refs[i] for i in range(len(PATHS))] == [SourceRef(p) for p in PATHS]
    assert refs[-1] == SourceRef(PATHS[-1])
    assert refs[-len(PATHS)] == SourceRef(PATHS[0])
    for index in (len(PATHS), -len(PATHS) - 1):
        with pytest.raises(IndexError):
            refs[index]
    assert not SourceRefs() and list(SourceRefs()) == []


def test_slices_are_views_equal_to_a_tuple_s_slices() -> None:
    refs, plain = SourceRefs(PATHS), tuple(map(SourceRef, PATHS))
    bounds = range(-len(PATHS) - 2, len(PATHS) + 3)
    for start in [None, *bounds]:
        for stop in [None, *bounds]:
            view = refs[start:stop]
            assert isinstance(view, SourceRefs)
            assert view == plain[start:stop], (start, stop)
            assert tuple(view) == plain[start:stop]
            assert list(view.paths()) == [ref.path for ref in plain[start:stop]]
            # a view of a view
            assert view[1:-1] == plain[start:stop][1:-1]
    assert refs[::2] == plain[::2] and refs[::-1] == plain[::-1]


def test_equality_is_by_content_and_order() -> None:
    refs = SourceRefs(PATHS)
    assert refs == tuple(map(SourceRef, PATHS)) == refs
    assert refs == list(map(SourceRef, PATHS))
    assert refs == SourceRefs(iter(PATHS))
    assert refs != tuple(map(SourceRef, reversed(PATHS)))
    assert refs != tuple(map(SourceRef, PATHS[:-1]))
    assert refs != tuple(PATHS)  # paths are not refs
    assert refs != "a.txt"
    with pytest.raises(TypeError):
        hash(refs)


@given(st.lists(st.text(min_size=1, max_size=12)), st.integers(-15, 15), st.integers(-15, 15))
@settings(max_examples=examples(300))
def test_any_paths_round_trip(paths: list[str], start: int, stop: int) -> None:
    refs = SourceRefs(paths)
    assert list(refs.paths()) == paths
    assert refs[start:stop] == tuple(map(SourceRef, paths))[start:stop]


def test_a_path_costs_a_third_of_a_tuple_of_refs() -> None:
    """The point of it: about 33 bytes a path of 25 characters where a tuple of
    SourceRef held about 122 (a million documents: 90 MB of the build's process)."""
    paths = [f"part-{i // 1000:04d}/doc-{i:07d}.txt" for i in range(20_000)]
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        refs = SourceRefs(paths)
        compact = tracemalloc.get_traced_memory()[0] - base
        plain = tuple(SourceRef(path.encode().decode()) for path in paths)  # strs of its own
        both = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    assert compact / len(paths) < 40
    assert (both - compact) / len(paths) > 3 * compact / len(paths)
    assert len(refs) == len(plain)


def test_discovery_holds_its_documents_compactly_and_shards_are_views(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    (seeds / "b").mkdir(parents=True)
    (seeds / "corpus.toml").write_text(
        'name = "t"\ntitle = "T"\nversion = "1.0.0"\ndescription = "d"\n'
        'licenses = [{ name = "CC0-1.0", path = "https://creativecommons.org/'
        'publicdomain/zero/1.0/", title = "CC0 1.0" }]\n'
        'sources = [{ title = "s" }]\n', encoding="utf-8")
    names = [f"b/{i:04d}.txt" for i in range(1500)] + ["a.txt"]
    for name in names:
        (seeds / name).write_text("x\n", encoding="utf-8")
    found = discover(seeds, load_config(seeds).discover)
    assert isinstance(found.sources, SourceRefs)
    assert list(found.sources.paths()) == sorted(names)
    shards = plan_shards(found.sources)
    assert len(shards) > 1
    assert [ref for _, shard in shards for ref in shard] == list(found.sources)
    for _, shard in shards:
        assert isinstance(shard, SourceRefs)
    # A task sent to a worker carries its paths, and comes back the same shard.
    task = ShardTask(0, shards[1][1], seeds, tmp_path / "out", load_config(seeds).process,
                     None, 1 << 20)
    back = pickle.loads(pickle.dumps(task))
    assert tuple(back.refs) == tuple(shards[1][1]) and back.refs == task.refs
