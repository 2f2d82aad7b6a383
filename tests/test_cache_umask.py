"""The umask decides nothing a build writes in a release, nor whether the cache serves.

A release's files are 0644 and its folders 0755, its zip's members 0644, whatever the
umask (DESIGN: the same bytes whatever the umask). A cache written under umask 077 and
then used under 022, or the other way round, serves its entries (whole shards, and the
unchanged documents of a changed shard), and the release is byte- and mode-identical to
one built without a cache. The cache's files are 0644, as every file a build writes; its
folders are made as the umask gives (under 077 only their owner may enter them: the
cache holds the corpus's texts). Each build here sets the umask in this process and
restores it (``os.umask`` returns the one before), so that no other test is affected.
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest
from conftest import MESSY_FILES, corpus_config, make_seeds, toml_text, tree_bytes, umask

from corpuskit.build import build

RELEASE = "test-corpus-1.0.0"
NEXT = "test-corpus-1.0.1"
CHANGED = "nfd.txt"




def _modes(folder: Path) -> dict[str, int]:
    """The permission bits of ``folder`` and of everything in it, by relative path."""
    return {path.relative_to(folder).as_posix() or ".": stat.S_IMODE(path.lstat().st_mode)
            for path in [folder, *folder.rglob("*")]}


def _member_modes(archive: Path) -> set[int]:
    with zipfile.ZipFile(archive) as opened:
        return {info.external_attr >> 16 for info in opened.infolist()}




def _same_release(built: Path, fresh: Path, name: str) -> None:
    """``built``'s release ``name`` is ``fresh``'s, byte for byte and mode for mode: its
    folder (0644 files, 0755 folders) and its zip (regular files of mode 0644)."""
    assert tree_bytes(built / name) == tree_bytes(fresh / name)
    assert _modes(built / name) == _modes(fresh / name)
    assert set(_modes(built / name).values()) == {0o644, 0o755}
    assert (built / f"{name}.zip").read_bytes() == (fresh / f"{name}.zip").read_bytes()
    assert stat.S_IMODE((built / f"{name}.zip").stat().st_mode) == 0o644
    assert _member_modes(built / f"{name}.zip") == {stat.S_IFREG | 0o644}


@pytest.mark.parametrize(("first", "then"), [(0o077, 0o022), (0o022, 0o077)],
                         ids=["077-then-022", "022-then-077"])
def test_a_cache_made_under_one_umask_serves_a_build_under_another(
        tmp_path: Path, processed: list[str], first: int, then: int) -> None:
    seeds = make_seeds(tmp_path, MESSY_FILES)
    cache = tmp_path / "cache"
    with umask(0o022):
        build(seeds, tmp_path / "fresh", jobs=1)  # no cache
    processed.clear()
    with umask(first):
        made = build(seeds, tmp_path / "a", jobs=1, cache=cache)
    assert made.cached_shards == 0 and len(processed) == len(MESSY_FILES)
    processed.clear()
    with umask(then):
        served = build(seeds, tmp_path / "b", jobs=1, cache=cache)
    assert served.status == "built" and served.cached_shards == 1 and processed == []
    for built in (tmp_path / "a", tmp_path / "b"):
        _same_release(built, tmp_path / "fresh", RELEASE)

    # The next version, one document changed: the others' records come from the entry
    # the first umask's build made, and the unchanged raw files are hard-linked from
    # its release.
    (seeds / CHANGED).write_text("Changed\n\nA text of its own, in other words.\n",
                                 encoding="utf-8")
    (seeds / "corpus.toml").write_text(toml_text(corpus_config({"version": "1.0.1"})),
                                       encoding="utf-8")
    with umask(0o022):
        build(seeds, tmp_path / "fresh", jobs=1)
    processed.clear()
    with umask(then):
        build(seeds, tmp_path / "a", jobs=1, cache=cache)
    assert processed == [CHANGED]
    _same_release(tmp_path / "a", tmp_path / "fresh", NEXT)
    linked = tmp_path / "a" / NEXT / "data" / "raw" / "fr_bom.txt"
    assert linked.stat().st_nlink == 2  # one with the release made under the first umask


@pytest.mark.parametrize("mask", [0o077, 0o022], ids=["umask-077", "umask-022"])
def test_the_cache_files_are_0644_and_its_folders_as_the_umask_gives(
        tmp_path: Path, mask: int) -> None:
    """The archive pieces of an entry were 0600 under umask 077 while its records,
    description and index were 0644: every file a build writes is 0644, the cache's
    too; its folders, made as the umask gives, are what keeps a private cache private."""
    seeds = make_seeds(tmp_path, MESSY_FILES)
    cache = tmp_path / "cache"
    with umask(mask):
        build(seeds, tmp_path / "dist", jobs=1, cache=cache)
    files = {rel: mode for rel, mode in _modes(cache).items() if (cache / rel).is_file()}
    assert any(rel.endswith(".deflate") for rel in files)
    assert {rel: mode for rel, mode in files.items() if mode != 0o644} == {}
    made = [folder for folder in cache.iterdir() if folder.is_dir()]
    assert len(made) >= 3  # its shards', seeds states' and listings' folders
    assert {stat.S_IMODE(folder.stat().st_mode) for folder in made} == {0o777 & ~mask}
