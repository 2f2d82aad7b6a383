"""A build remembers the listing of each top folder of the seeds (corpuskit.listings) and
takes it again only while none of its folders changed: the discovery is always the one a
fresh listing gives."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import make_seeds

from corpuskit import build, discover, listings
from corpuskit.config import DiscoverConfig, load_config

FILES = {
    "a/one.txt": "One.\n",
    "a/deep/two.txt": "Two.\n",
    "a/deep/deeper/three.txt": "Three.\n",
    "b/four.txt": "Four.\n",
    "b/.hidden.txt": "Hidden.\n",
    "top.txt": "Top.\n",
}


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Folders count as settled as soon as they are listed (the tests wait a tick of the
    filesystem's clock before changing one: see :func:`_later`)."""
    monkeypatch.setattr(discover, "SETTLE_NS", 0)


def _later() -> None:
    """Let the filesystem's clock (coarse: a few ms) move past the last listing."""
    time.sleep(0.05)


def _listed_tops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The top folders listed (not taken from the cache) from now on."""
    listed: list[str] = []
    original = discover._listed

    def counted(root: Path, rel: str, *args: Any) -> Any:
        listed.append(rel)
        return original(root, rel, *args)

    monkeypatch.setattr(discover, "_listed", counted)
    return listed


def _discover(seeds: Path, cache: Path | None) -> discover.Discovery:
    return discover.discover(seeds, load_config(seeds).discover, cache=cache)


def _same(found: discover.Discovery, fresh: discover.Discovery) -> None:
    assert (found.sources, found.problems, found.skipped) == \
        (fresh.sources, fresh.problems, fresh.skipped)


def _listed_once(tmp_path: Path) -> tuple[Path, Path, discover.Discovery]:
    """Seeds of FILES, a cache folder, and the seeds' first discovery with it."""
    seeds = make_seeds(tmp_path, FILES)
    cache = tmp_path / "cache"
    return seeds, cache, _discover(seeds, cache)


@pytest.mark.usefixtures("settled")
def test_a_listing_is_taken_while_no_folder_of_it_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seeds, cache, first = _listed_once(tmp_path)
    _same(first, _discover(seeds, None))
    assert [ref.path for ref in first.sources] == [
        "a/deep/deeper/three.txt", "a/deep/two.txt", "a/one.txt", "b/four.txt", "top.txt"]
    assert first.skipped == (("b/.hidden.txt", "hidden"),)
    [remembered] = (cache / listings.FOLDER).iterdir()
    before = remembered.read_bytes()
    listed = _listed_tops(monkeypatch)
    _same(_discover(seeds, cache), first)
    assert listed == []  # neither a/ nor b/ listed again
    # The listing taken is the one kept: one file, with the same bytes.
    assert [path.read_bytes() for path in (cache / listings.FOLDER).iterdir()] == [before]


def _add_deep(seeds: Path) -> None:
    (seeds / "a/deep/deeper/five.txt").write_text("Five.\n", encoding="utf-8")


def _remove(seeds: Path) -> None:
    (seeds / "a/deep/two.txt").unlink()


def _rename(seeds: Path) -> None:
    (seeds / "a/one.txt").rename(seeds / "a/uno.txt")


def _new_folder(seeds: Path) -> None:
    (seeds / "a/deep/new/newer").mkdir(parents=True)
    (seeds / "a/deep/new/newer/six.txt").write_text("Six.\n", encoding="utf-8")


def _remove_folder(seeds: Path) -> None:
    (seeds / "a/deep/deeper/three.txt").unlink()
    (seeds / "a/deep/deeper").rmdir()


def _hidden(seeds: Path) -> None:
    (seeds / "a/deep/.draft.txt").write_text("Draft.\n", encoding="utf-8")


def _fifo(seeds: Path) -> None:
    (seeds / "a/deep/two.txt").unlink()
    os.mkfifo(seeds / "a/deep/two.txt")


def _symlink(seeds: Path) -> None:
    (seeds / "a/one.txt").unlink()
    (seeds / "a/one.txt").symlink_to(seeds / "b/four.txt")


def _bad_name(seeds: Path) -> None:
    (seeds / "a/deep/CON.txt").write_text("Device.\n", encoding="utf-8")


@pytest.mark.usefixtures("settled")
@pytest.mark.parametrize("change", [_add_deep, _remove, _rename, _new_folder, _remove_folder,
                                    _hidden, _fifo, _symlink, _bad_name],
                         ids=lambda change: change.__name__.strip("_"))
def test_a_top_folder_in_which_anything_changed_is_listed_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        change: Callable[[Path], None]) -> None:
    """A file added, removed or renamed, a folder added or removed at any depth, a file
    replaced by a pipe or a link: that top folder is listed again, and the discovery is
    the fresh one (a pipe, a bad name: problems; a hidden file: skipped)."""
    seeds, cache, _ = _listed_once(tmp_path)
    _later()
    change(seeds)
    listed = _listed_tops(monkeypatch)
    found = _discover(seeds, cache)
    assert listed == ["a"]
    _same(found, _discover(seeds, None))
    listed.clear()
    _same(_discover(seeds, cache), found)
    # remembered again unless it holds a link or a problem
    assert listed == (["a"] if found.problems or change is _symlink else [])


def test_a_folder_changed_lately_is_not_remembered(tmp_path: Path) -> None:
    """Folders changed within SETTLE_NS of their listing may change again within the same
    tick of the clock, unseen: nothing of them is remembered."""
    seeds = make_seeds(tmp_path, FILES)
    cache = tmp_path / "cache"
    _same(_discover(seeds, cache), _discover(seeds, None))
    assert listings.Listings(cache, seeds.resolve(), DiscoverConfig()).remembered == {}


def test_the_same_list_of_paths_is_not_checked_for_clashes_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Duplicate ids and names that merge elsewhere depend on the list of paths alone: a
    list found free of them is not checked again (folders settled or not); another list
    is, and a clash in it is reported every time."""
    seeds = make_seeds(tmp_path, FILES)
    cache = tmp_path / "cache"
    checked: list[int] = []
    original = discover._identity_problems

    def counted(refs: Any, ids: Any) -> Any:
        checked.append(len(refs))
        return original(refs, ids)

    monkeypatch.setattr(discover, "_identity_problems", counted)
    _discover(seeds, cache)
    _discover(seeds, cache)
    assert checked == [5]
    (seeds / "a/One.txt").write_text("Another one.\n", encoding="utf-8")
    for _ in range(2):
        found = _discover(seeds, cache)
        assert {problem.code for problem in found.problems} == {"name-collision"}
    assert checked == [5, 6, 6]
    (seeds / "a/One.txt").unlink()
    _same(_discover(seeds, cache), _discover(seeds, None))
    assert checked == [5, 6, 6, 5, 5]  # (the last one without a cache)


@pytest.mark.usefixtures("settled")
def test_a_damaged_or_foreign_listing_file_is_ignored(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seeds, cache, first = _listed_once(tmp_path)
    [remembered] = (cache / listings.FOLDER).iterdir()
    data = remembered.read_bytes()
    for damaged in (data.replace(b"b/four.txt", b"b/fout.txt"), data[:-10], b"", b"[]"):
        remembered.write_bytes(damaged)
        listed = _listed_tops(monkeypatch)
        _same(_discover(seeds, cache), first)
        assert listed == ["a", "b"]
        monkeypatch.undo()
        monkeypatch.setattr(discover, "SETTLE_NS", 0)
    assert remembered.read_bytes() == data  # written again, whole


@pytest.mark.usefixtures("settled")
def test_another_configuration_or_seeds_folder_has_its_own_listing(tmp_path: Path) -> None:
    seeds = make_seeds(tmp_path, FILES)
    cache = tmp_path / "cache"
    root = seeds.resolve()
    _discover(seeds, cache)
    assert listings.Listings(cache, root, DiscoverConfig()).remembered.keys() == {"a", "b"}
    assert listings.Listings(cache, root, DiscoverConfig(exclude=("b/*",))).remembered == {}
    assert listings.Listings(cache, tmp_path, DiscoverConfig()).remembered == {}


@pytest.mark.usefixtures("settled")
def test_other_corpuskit_code_has_its_own_listing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A listing is found free of problems by the code's rules for names: an edited
    checkout of the same version took the listing the earlier code made (QA s96 scale 1).
    corpuskit's code digest is part of the listing's key."""
    seeds = make_seeds(tmp_path, FILES)
    cache = tmp_path / "cache"
    root = seeds.resolve()
    _discover(seeds, cache)
    assert listings.Listings(cache, root, DiscoverConfig()).remembered.keys() == {"a", "b"}
    monkeypatch.setattr(listings, "code_identity", lambda: "sha256:" + "0" * 16)
    assert listings.Listings(cache, root, DiscoverConfig()).remembered == {}


@pytest.mark.usefixtures("settled")
def test_another_encoding_of_file_names_has_its_own_listing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A listing made where Python reads file names as UTF-8, taken where it reads them as
    ASCII (LC_ALL=C, PYTHONUTF8=0), named files as strings that open nothing: a build
    ended in a traceback (QA). The encoding is part of the listing's key."""
    seeds = make_seeds(tmp_path, FILES)
    cache = tmp_path / "cache"
    root = seeds.resolve()
    _discover(seeds, cache)
    assert listings.Listings(cache, root, DiscoverConfig()).remembered.keys() == {"a", "b"}
    monkeypatch.setattr(listings.sys, "getfilesystemencoding", lambda: "ascii")
    assert listings.Listings(cache, root, DiscoverConfig()).remembered == {}


@pytest.mark.usefixtures("settled")
def test_a_build_with_a_cache_lists_the_seeds_once_and_gives_the_same_release(
        tmp_path: Path) -> None:
    """With the workers' pool: the second build takes both top folders from the cache;
    after a file is added, the release holds it, as a build without cache gives it."""
    seeds = make_seeds(tmp_path, FILES, {"extract": {"language": False}})
    cache = tmp_path / "cache"
    first = build(seeds, tmp_path / "out", jobs=2, cache=cache)
    assert [path.name for path in (cache / listings.FOLDER).iterdir()]
    _later()
    _add_deep(seeds)
    (seeds / "corpus.toml").write_text((seeds / "corpus.toml").read_text(
        encoding="utf-8").replace('version = "1.0.0"', 'version = "1.0.1"'), encoding="utf-8")
    second = build(seeds, tmp_path / "out", jobs=2, cache=cache)
    fresh = build(seeds, tmp_path / "fresh", jobs=2)
    assert second.documents == first.documents + 1 == fresh.documents
    assert second.archive.read_bytes() == fresh.archive.read_bytes()


def test_a_listing_is_checked_and_digested_without_copies_of_it(tmp_path: Path) -> None:
    """A million documents' listing is a hundred megabytes: its check was made over a copy
    of it, and written and read through more copies, and the digest of its paths joined
    them into one string. The same bytes and values, made a part at a time."""
    import hashlib

    import orjson

    from corpuskit.listings import paths_digest
    from corpuskit.seedstate import checked_json, with_check
    from corpuskit.writer import write_file

    paths = [f"p{number % 7}/x\u00e9{number}.txt" for number in range(10_000)]
    assert paths_digest(paths) == hashlib.sha256(
        "\0".join(paths).encode("utf-8", "surrogateescape")).hexdigest()
    assert paths_digest(paths[:1]) == hashlib.sha256(paths[0].encode()).hexdigest()
    document = orjson.dumps({"tops": {"a": {"found": paths}}, "clean": None})
    write_file(tmp_path, "listing.json", with_check("form-v1", document), atomic=True)
    data = (tmp_path / "listing.json").read_bytes()
    check = hashlib.sha256(b"form-v1\0" + document).hexdigest().encode()
    assert data == document[:-1] + b',"check":"' + check + b'"}'  # as before, byte for byte
    assert checked_json("form-v1", data) == orjson.loads(document)
    assert checked_json("form-v2", data) is None  # another format's
    damaged = data.replace(b"p3/", b"p4/", 1)
    assert checked_json("form-v1", damaged) is None
