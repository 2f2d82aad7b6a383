"""What a build remembers of the seeds files (corpuskit.seedstate): an incremental build
links unchanged files unread, and any change it cannot see by their times is impossible:
an edit with the old mtime put back, a replaced file, a changed earlier copy, a damaged
states file all lead to reading, and the release is byte for byte a fresh build's."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from conftest import corpus_config, make_seeds, shard_sizes_of, toml_text

from corpuskit import engine, seedstate
from corpuskit.build import build
from corpuskit.compare import archives_match, tree_differences
from corpuskit.errors import OutputError
from corpuskit.writer import file_identity

DOCS = {f"part-{i % 2}/doc-{i:03d}.txt": f"Note {i}\n\nThe river rose by {i} cm in the night.\n"
        for i in range(12)}
NAME = "test-corpus"


@pytest.fixture()
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written by the test count as settled at once (they are seconds old at most)."""
    monkeypatch.setattr(seedstate, "SETTLE_NS", 0)


@pytest.fixture()
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The seeds files the build's (in-process) worker reads."""
    read: list[str] = []
    real = engine.read_source_stat

    def counted(seeds: Path, ref: object, **kwargs: object) -> object:
        read.append(ref.path)  # type: ignore[attr-defined]
        return real(seeds, ref, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "read_source_stat", counted)
    return read


def _bump(seeds: Path, version: str) -> None:
    (seeds / "corpus.toml").write_text(toml_text(corpus_config({"version": version})),
                                       encoding="utf-8")


def _inode(path: Path) -> tuple[int, int]:
    info = os.lstat(path)
    return info.st_dev, info.st_ino


def _first_and_second(tmp_path: Path) -> tuple[Path, Path, Path]:
    """seeds and out holding 1.0.0, built with a cache; the seeds bumped to 1.0.1."""
    seeds = make_seeds(tmp_path, DOCS, {"version": "1.0.0"})
    out, cache = tmp_path / "dist", tmp_path / "cache"
    build(seeds, out, jobs=1, cache=cache)
    _bump(seeds, "1.0.1")
    return seeds, out, cache


def _change_keeping_size_and_mtime(path: Path) -> None:
    """Flip the case of ``path``'s first byte in place and put its mtime back: only its
    ctime shows the change."""
    before = path.stat()
    data = bytearray(path.read_bytes())
    data[0] ^= 0x20
    path.write_bytes(bytes(data))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def _same_as_fresh(seeds: Path, out: Path, tmp_path: Path) -> None:
    """The 1.0.1 release in ``out`` is byte for byte a build without cache or history."""
    fresh = tmp_path / "fresh"
    build(seeds, fresh, jobs=1)
    name = f"{NAME}-1.0.1"
    assert tree_differences(out / name, fresh / name) == []
    assert archives_match(out / f"{name}.zip", fresh / f"{name}.zip")
    assert (out / f"{name}.zip").read_bytes() == (fresh / f"{name}.zip").read_bytes()


def test_unchanged_seeds_are_linked_unread(settled: None, reads: list[str],
                                          tmp_path: Path) -> None:
    seeds, out, cache = _first_and_second(tmp_path)
    assert sorted(reads) == sorted(DOCS)  # the first build reads everything
    reads.clear()
    result = build(seeds, out, jobs=1, cache=cache)
    assert result.status == "built" and result.cached_shards == 1
    assert reads == []
    old, new = out / f"{NAME}-1.0.0/data/raw", out / f"{NAME}-1.0.1/data/raw"
    assert all(_inode(old / rel) == _inode(new / rel) for rel in DOCS)
    _same_as_fresh(seeds, out, tmp_path)


def test_a_seed_edited_with_its_old_mtime_put_back_is_read(settled: None, reads: list[str],
                                                           tmp_path: Path) -> None:
    """Same size, same mtime (``touch -r``): the ctime still moved, so it is read."""
    seeds, out, cache = _first_and_second(tmp_path)
    edited = seeds / "part-1/doc-003.txt"
    before = edited.stat()
    text = DOCS["part-1/doc-003.txt"]
    edited.write_text(text.replace("river", "RIVER"), encoding="utf-8")
    os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert edited.stat().st_size == before.st_size
    assert edited.stat().st_mtime_ns == before.st_mtime_ns
    reads.clear()
    build(seeds, out, jobs=1, cache=cache)
    assert reads == ["part-1/doc-003.txt"]
    raw = out / f"{NAME}-1.0.1/data/raw/part-1/doc-003.txt"
    assert b"RIVER" in raw.read_bytes()
    _same_as_fresh(seeds, out, tmp_path)


def test_a_seed_replaced_by_a_file_of_the_same_size_and_times_is_read(
        settled: None, reads: list[str], tmp_path: Path) -> None:
    """Another inode (an editor's save: write aside, rename over): read."""
    seeds, out, cache = _first_and_second(tmp_path)
    target = seeds / "part-0/doc-004.txt"
    before = target.stat()
    aside = seeds / "part-0/new.tmp"
    aside.write_text(DOCS["part-0/doc-004.txt"].replace("night", "NIGHT"), encoding="utf-8")
    os.utime(aside, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(aside, target)
    reads.clear()
    build(seeds, out, jobs=1, cache=cache)
    assert reads == ["part-0/doc-004.txt"]
    _same_as_fresh(seeds, out, tmp_path)


def test_an_earlier_copy_changed_in_place_is_not_linked(settled: None, reads: list[str],
                                                        tmp_path: Path) -> None:
    """The earlier release's raw file was changed (same size, old mtime put back): its
    seeds file is read, compared with it, and a fresh copy is written."""
    seeds, out, cache = _first_and_second(tmp_path)
    copy = out / f"{NAME}-1.0.0/data/raw/part-0/doc-002.txt"
    _change_keeping_size_and_mtime(copy)
    reads.clear()
    build(seeds, out, jobs=1, cache=cache)
    assert reads == ["part-0/doc-002.txt"]
    new = out / f"{NAME}-1.0.1/data/raw/part-0/doc-002.txt"
    assert new.read_bytes() == (seeds / "part-0/doc-002.txt").read_bytes()
    assert _inode(new) != _inode(copy)
    _same_as_fresh(seeds, out, tmp_path)


@pytest.mark.parametrize("damage", ["byte", "truncate", "foreign"])
def test_a_damaged_states_file_is_ignored(damage: str, settled: None, reads: list[str],
                                          tmp_path: Path) -> None:
    seeds, out, cache = _first_and_second(tmp_path)
    [states] = (cache / seedstate.FOLDER).iterdir()
    data = bytearray(states.read_bytes())
    if damage == "byte":
        # A bit of the first file's seeds device: what it remembers would still read.
        at = len(data) - 32 - len(DOCS) * seedstate._ENTRY.size + 1
        assert seedstate.SeedStates(cache, sorted(DOCS)).load()[0] is not None
        data[at] ^= 0x01
    elif damage == "truncate":
        del data[len(data) // 2:]
    else:
        data = bytearray(b'{"entries": [], "check": "0"}')
    states.write_bytes(bytes(data))
    reads.clear()
    build(seeds, out, jobs=1, cache=cache)
    assert sorted(reads) == sorted(DOCS)
    _same_as_fresh(seeds, out, tmp_path)


def test_recently_changed_seeds_are_not_remembered(tmp_path: Path) -> None:
    """Files changed within SETTLE_NS of the build could change again within the same
    clock tick unseen: nothing of them is kept."""
    seeds = make_seeds(tmp_path, DOCS, {"version": "1.0.0"})
    cache = tmp_path / "cache"
    build(seeds, tmp_path / "dist", jobs=1, cache=cache)
    [states] = (cache / seedstate.FOLDER).iterdir()
    kept = seedstate.SeedStates(cache, sorted(DOCS))
    assert kept.file == states
    remembered = kept.load()
    assert len(remembered) == len(DOCS)
    assert [remembered[at] for at in range(len(DOCS))] == [None] * len(DOCS)
    assert kept.last_shard is not None  # the shard's cache entry is kept all the same


def test_no_cache_remembers_nothing(settled: None, tmp_path: Path) -> None:
    seeds = make_seeds(tmp_path, DOCS, {"version": "1.0.0"})
    build(seeds, tmp_path / "dist", jobs=1, cache=None)
    assert not list(tmp_path.rglob("*.states"))


def test_states_are_remembered_by_workers_too(settled: None, tmp_path: Path) -> None:
    """Two worker processes write one states file per shard, which the next build uses."""
    many = {f"d/{i:04d}.txt": f"Note {i}\n\nThe {i} bridges.\n"
            for i in range(521)}
    assert len(shard_sizes_of(many)) == 2
    seeds = make_seeds(tmp_path, many, {"version": "1.0.0"})
    out, cache = tmp_path / "dist", tmp_path / "cache"
    build(seeds, out, jobs=2, cache=cache)
    assert len(list((cache / seedstate.FOLDER).iterdir())) == 2
    _bump(seeds, "1.0.1")
    build(seeds, out, jobs=2, cache=cache)
    old, new = out / f"{NAME}-1.0.0/data/raw", out / f"{NAME}-1.0.1/data/raw"
    assert all(_inode(old / rel) == _inode(new / rel) for rel in many)


def _two_shards_first_larger(tmp_path: Path) -> tuple[Path, Path, Path, dict[str, str]]:
    """seeds of two shards, the first holding the larger files, built as 1.0.0 by two
    workers with a cache, then bumped to 1.0.1; and the documents."""
    many = {f"d/{i:04d}.txt": f"Note {i}\n\nThe {i} bridges.\n" * (20 if i < 100 else 1)
            for i in range(521)}
    sizes = shard_sizes_of(many)
    assert len(sizes) == 2 and sizes[0] > 100
    seeds = make_seeds(tmp_path, many, {"version": "1.0.0"})
    out, cache = tmp_path / "dist", tmp_path / "cache"
    build(seeds, out, jobs=2, cache=cache)
    _bump(seeds, "1.0.1")
    return seeds, out, cache, many


def _started(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """The orders in which the builds' shards are started (:func:`engine.start_order`)."""
    orders: list[list[int]] = []
    real = engine.start_order

    def recorded(tasks: list[engine.ShardTask], jobs: int) -> list[int]:
        orders.append(real(tasks, jobs))
        return orders[-1]

    monkeypatch.setattr(engine, "start_order", recorded)
    return orders


def test_a_shard_with_a_changed_document_starts_first(
        settled: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Few shards start largest first, but in an incremental build a shard whose files
    are all remembered as they are is only linked: the smaller shard, which holds the one
    changed document, starts before it (its worker imports the pipeline meanwhile), and
    the release is byte for byte a fresh build's."""
    seeds, out, cache, _ = _two_shards_first_larger(tmp_path)
    with (seeds / "d/0500.txt").open("a", encoding="utf-8") as edit:
        edit.write("A new line.\n")
    orders = _started(monkeypatch)
    build(seeds, out, jobs=2, cache=cache)
    assert orders == [[1, 0]]
    _same_as_fresh(seeds, out, tmp_path)


def test_shards_with_nothing_changed_start_largest_first(
        settled: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no document changed (or one of the larger shard's), the larger shard starts
    first, as in a build without a cache."""
    seeds, out, cache, _ = _two_shards_first_larger(tmp_path)
    orders = _started(monkeypatch)
    build(seeds, out, jobs=2, cache=cache)
    _bump(seeds, "1.0.2")
    with (seeds / "d/0001.txt").open("a", encoding="utf-8") as edit:
        edit.write("A new line.\n")
    build(seeds, out, jobs=2, cache=cache)
    assert orders == [[0, 1], [0, 1]]


def test_remembered_as_found(settled: None, tmp_path: Path) -> None:
    """A shard counts as remembered only if every file's status is the one its states
    file holds: a file edited with its size and mtime put back, one that cannot be looked
    at, another count of files, a damaged states file or none all count as changed."""
    seeds, _, cache, many = _two_shards_first_larger(tmp_path)
    paths = sorted(many)
    sizes = shard_sizes_of(many)
    first, second = paths[:sizes[0]], paths[sizes[0]:]

    def found(rels: list[str]) -> list[os.stat_result | None]:
        return [os.stat(seeds / rel) for rel in rels]

    assert seedstate.remembered_as_found(cache, first, found(first))
    assert seedstate.remembered_as_found(cache, second, found(second))
    _change_keeping_size_and_mtime(seeds / second[-1])
    assert not seedstate.remembered_as_found(cache, second, found(second))
    assert seedstate.remembered_as_found(cache, first, found(first))
    assert not seedstate.remembered_as_found(cache, first, [*found(first)[:-1], None])
    assert not seedstate.remembered_as_found(cache, first, found(first)[:-1])
    assert not seedstate.remembered_as_found(cache, first[:-1], found(first[:-1]))
    assert not seedstate.remembered_as_found(tmp_path / "no-cache", first, found(first))
    for states in (cache / seedstate.FOLDER).iterdir():
        data = bytearray(states.read_bytes())
        data[40] ^= 1
        states.write_bytes(bytes(data))
    assert not seedstate.remembered_as_found(cache, first, found(first))


@pytest.mark.parametrize("cache", [True, False])
def test_a_release_file_hard_linked_to_its_seed_is_copied_not_linked(
        cache: bool, settled: None, tmp_path: Path) -> None:
    """Someone hard-links a release's raw file to the seeds file (same bytes, mode 0644):
    the next release gets a fresh copy, never the seeds file's inode, so editing the seed
    cannot change a release ("nothing is ever linked to the seeds")."""
    seeds = make_seeds(tmp_path, DOCS, {"version": "1.0.0"})
    out, folder = tmp_path / "dist", (tmp_path / "cache" if cache else None)
    build(seeds, out, jobs=1, cache=folder)
    rel = "part-0/doc-000.txt"
    seed, old = seeds / rel, out / f"{NAME}-1.0.0/data/raw/{rel}"
    seed.chmod(0o644)
    old.unlink()
    os.link(seed, old)
    _bump(seeds, "1.0.1")
    build(seeds, out, jobs=1, cache=folder)
    new = out / f"{NAME}-1.0.1/data/raw/{rel}"
    assert new.read_bytes() == seed.read_bytes()
    assert _inode(new) != _inode(seed)
    with seed.open("a") as edit:
        edit.write("edited\n")
    assert new.read_bytes() == DOCS[rel].encode()


# -- UnchangedCopies: a shard's files in one loop -------------------------------------------

COPIED = ("sub/a.txt", "sub/b.txt", "top.txt")


def _remembered(cache: Path, seeds: Path, earlier: Path, rels: tuple[str, ...],
                shas: dict[str, str] | None = None, unknown: str = "") -> seedstate.SeedStates:
    """What a build remembers of ``rels`` but ``unknown`` (their seeds files and earlier
    copies as they are now), saved, as the next build loads it (``settled``: files count
    as settled)."""
    states = seedstate.SeedStates(cache, list(rels))
    for at, rel in enumerate(rels):
        if rel == unknown:
            continue
        sha = (shas or {}).get(rel, f"{at:064x}")
        states.learn(at, file_identity(os.stat(seeds / rel)), sha,
                     file_identity(os.lstat(earlier / rel)))
    states.save()
    loaded = seedstate.SeedStates(cache, list(rels))
    assert loaded.load()
    return loaded


def _kept(cache: Path, rels: tuple[str, ...], states: seedstate.SeedStates
          ) -> list[seedstate.SeedState | None]:
    """What ``states`` remember once saved, read back as the build after would."""
    states.save()
    again = seedstate.SeedStates(cache, list(rels))
    remembered = again.load()
    return [remembered[at] for at in range(len(rels))] if remembered else []


def _copies_setup(tmp_path: Path) -> tuple[Path, Path, Path]:
    seeds, earlier, package = tmp_path / "seeds", tmp_path / "earlier", tmp_path / "package"
    for root in (seeds, earlier):
        (root / "sub").mkdir(parents=True)
        for name, text in (("a.txt", b"text of a.txt"), ("b.txt", b"b")):
            (root / "sub" / name).write_bytes(text)
            (root / "sub" / name).chmod(0o644)
    (seeds / "top.txt").write_bytes(b"top")
    (earlier / "top.txt").write_bytes(b"top")
    (earlier / "top.txt").chmod(0o644)
    return seeds, earlier, package


def test_unchanged_copies_link_the_earlier_copy(settled: None, tmp_path: Path) -> None:
    """Each file is linked, its sha256 given as remembered, and remembered again with the
    identity of its link (the build after checks the link, the newest release's copy)."""
    seeds, earlier, package = _copies_setup(tmp_path)
    shas = {rel: f"{n + 7:064x}" for n, rel in enumerate(COPIED)}
    states = _remembered(tmp_path / "cache", seeds, earlier, COPIED, shas)
    seed_identities = [file_identity(os.stat(seeds / rel)) for rel in COPIED]
    with seedstate.UnchangedCopies(seeds, earlier, package, 1 << 20) as copies:
        assert copies.link_remembered(list(COPIED), states) == [shas[rel] for rel in COPIED]
    for rel in COPIED:
        assert _inode(package / rel) == _inode(earlier / rel)
        assert os.lstat(package / rel).st_nlink == 2
    assert oct((package / "sub").stat().st_mode & 0o777) == oct(0o755)
    assert _kept(tmp_path / "cache", COPIED, states) == [
        (seed, shas[rel], file_identity(os.lstat(package / rel)))  # the link's status, now
        for rel, seed in zip(COPIED, seed_identities, strict=True)]


def test_unchanged_copies_of_another_size_than_listed_are_read(settled: None,
                                                               tmp_path: Path) -> None:
    """A Dask worker whose copy of the seeds is stale remembered its copy's files: with
    the sizes the build's machine listed (ShardTask.sizes), a file of another size is not
    linked but read, and its worker refuses it (QA: the stale text was built)."""
    seeds, earlier, package = _copies_setup(tmp_path)
    shas = {rel: f"{n + 7:064x}" for n, rel in enumerate(COPIED)}
    states = _remembered(tmp_path / "cache", seeds, earlier, COPIED, shas)
    listed = [os.stat(seeds / rel).st_size for rel in COPIED]
    listed[0] += 40  # the build's machine sees a longer sub/a.txt
    with seedstate.UnchangedCopies(seeds, earlier, package, 1 << 20) as copies:
        assert copies.link_remembered(list(COPIED), states, listed) == [
            None, shas["sub/b.txt"], shas["top.txt"]]
    assert not (package / "sub" / "a.txt").exists()


@pytest.mark.parametrize("change", ["seed-touched", "seed-too-large", "seed-fifo",
                                    "copy-mode", "copy-symlink", "copy-fifo", "copy-missing",
                                    "no-earlier", "not-remembered"])
def test_unchanged_copies_refuse_what_changed(change: str, settled: None,
                                              tmp_path: Path) -> None:
    """Anything off leaves nothing in the package and the file not remembered: the caller
    then reads it. The next file of the folder is linked as ever."""
    seeds, earlier, package = _copies_setup(tmp_path)
    rel = "sub/a.txt"
    cache = tmp_path / "cache"
    states = _remembered(cache, seeds, earlier, COPIED)
    limit = 1 << 20
    if change == "seed-touched":
        os.utime(seeds / rel, ns=(0, os.stat(seeds / rel).st_mtime_ns + 1))
    elif change == "seed-too-large":
        limit = os.stat(seeds / rel).st_size - 1
    elif change == "seed-fifo":
        (seeds / rel).unlink()
        os.mkfifo(seeds / rel)
        states = _remembered(cache, seeds, earlier, COPIED)  # even remembered so: no file
    elif change == "copy-mode":
        (earlier / rel).chmod(0o600)
        states = _remembered(cache, seeds, earlier, COPIED)  # even remembered so: not 0644
    elif change == "copy-symlink":
        (earlier / "sub" / "target.txt").write_bytes((earlier / rel).read_bytes())
        (earlier / rel).unlink()
        (earlier / rel).symlink_to("target.txt")
        states = _remembered(cache, seeds, earlier, COPIED)  # even remembered so: a link
    elif change == "copy-fifo":
        (earlier / rel).unlink()
        os.mkfifo(earlier / rel)
        (earlier / rel).chmod(0o644)
        states = _remembered(cache, seeds, earlier, COPIED)  # even remembered so: no file
    elif change == "copy-missing":
        (earlier / rel).unlink()
    elif change == "not-remembered":
        states = _remembered(cache, seeds, earlier, COPIED, unknown=rel)
    before = list(states.learned)
    with seedstate.UnchangedCopies(seeds, None if change == "no-earlier" else earlier,
                                   package, limit) as copies:
        found = copies.link_remembered(list(COPIED), states)
    assert found[0] is None
    assert not (package / rel).exists() and not (package / rel).is_symlink()
    assert states.learned[0] == before[0]  # as it was found: not remembered anew
    if change == "no-earlier":
        assert found == [None] * 3 and not (package / "sub/b.txt").exists()
        assert states.learned == before
    else:  # unchanged: linked as ever
        assert found[1:] == [f"{1:064x}", f"{2:064x}"]
        assert _inode(package / "sub/b.txt") == _inode(earlier / "sub/b.txt")


def test_unchanged_copies_unlink_a_copy_replaced_before_the_link(
        monkeypatch: pytest.MonkeyPatch, settled: None, tmp_path: Path) -> None:
    """The earlier copy replaced by another file between its status and the link: the
    link, to the other inode, is removed again, and the file is not remembered."""
    seeds, earlier, package = _copies_setup(tmp_path)
    rel = "sub/a.txt"
    states = _remembered(tmp_path / "cache", seeds, earlier, (rel,))
    before = list(states.learned)
    real_link = os.link

    def replaced_first(src: str, dst: str, **kwargs: object) -> None:
        other = earlier / "sub" / "other"
        other.write_bytes(b"another file")
        os.replace(other, earlier / rel)
        real_link(src, dst, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "link", replaced_first)
    with seedstate.UnchangedCopies(seeds, earlier, package, 1 << 20) as copies:
        assert copies.link_remembered([rel], states) == [None]
    assert not (package / rel).exists()
    assert (earlier / rel).read_bytes() == b"another file"
    assert states.learned == before


def test_unchanged_copies_of_states_for_other_paths_link_nothing(settled: None,
                                                                 tmp_path: Path) -> None:
    """States that were not loaded (none kept, or damaged) link nothing."""
    seeds, earlier, package = _copies_setup(tmp_path)
    states = seedstate.SeedStates(tmp_path / "cache", list(COPIED))
    assert states.load() == []
    with seedstate.UnchangedCopies(seeds, earlier, package, 1 << 20) as copies:
        assert copies.link_remembered(list(COPIED), states) == [None] * 3
    assert not package.exists() or not any(package.rglob("*.txt"))


def test_states_read_back_as_written(tmp_path: Path) -> None:
    """Each file's state comes back as it was learned or kept, by position, with the
    shard's cache entry; a file of other paths (another count) is nothing."""
    paths = ["a/1.txt", "a/2.txt", "b/3.txt"]
    old = time.time_ns() - 10 * seedstate.SETTLE_NS
    seed = (1, 2, 3, old, old + 1)
    copy = (4, 5, 6, old + 2, old + 3)
    shas = [f"{n:064x}" for n in (7, 8, 9)]
    first = seedstate.SeedStates(tmp_path, paths)
    first.learn(0, seed, shas[0], copy)
    first.learn(1, (1, 2, 3, time.time_ns(), time.time_ns()), shas[1], copy)  # too recent
    first.learn(2, copy, shas[2], seed)
    first.save()
    states = seedstate.SeedStates(tmp_path, paths)
    remembered = states.load()
    assert [remembered[at] for at in range(3)] == [(seed, shas[0], copy), None,
                                                   (copy, shas[2], seed)]
    assert states.last_shard is None
    states.learn(0, seed, shas[0], copy)
    placed = (2**64 - 1, 2**63 + 5, 2**62, -5, 6)  # inode numbers may use all 64 bits
    states.learn(2, copy, shas[2], placed)  # placed anew: the copy's identity is another
    states.made("ab" * 32, shas)
    states.save()
    again = seedstate.SeedStates(tmp_path, paths)
    remembered = again.load()
    assert [remembered[at] for at in range(3)] == [
        (seed, shas[0], copy), None, (copy, shas[2], placed)]
    assert again.last_shard == ("ab" * 32, shas)
    other = seedstate.SeedStates(tmp_path, paths[:2])
    other.file = states.file
    assert other.load() == [] and other.last_shard is None


def _saved(tmp_path: Path, paths: list[str], sha: int) -> seedstate.SeedStates:
    """States of ``paths``, each remembered with the sha256 ``sha``, saved."""
    old = time.time_ns() - 10 * seedstate.SETTLE_NS
    states = seedstate.SeedStates(tmp_path, paths)
    for at in range(len(paths)):
        states.learn(at, (1, 2, 3, old, old + 1), f"{sha:064x}", (4, 5, 6, old, old + 2))
    states.save()
    return states


def _shas(tmp_path: Path, paths: list[str]) -> list[str | None]:
    remembered = seedstate.SeedStates(tmp_path, paths).load()
    return [entry.sha256 if entry is not None else None for entry in
            (remembered[at] for at in range(len(remembered)))] if remembered else []


def test_states_of_the_same_size_are_written_in_place(tmp_path: Path) -> None:
    """A shard's states saved again over the last, of the same size, keep their inode and
    read back as the new ones; a build killed half way through that write leaves a file
    whose seal fails, which is ignored, and the next save puts it right."""
    paths = ["a/1.txt", "a/2.txt"]
    first = _saved(tmp_path, paths, 7)
    inode = os.stat(first.file).st_ino
    _saved(tmp_path, paths, 8)
    assert os.stat(first.file).st_ino == inode
    assert _shas(tmp_path, paths) == [f"{8:064x}"] * 2
    whole = first.file.read_bytes()
    again = _saved(tmp_path / "other", paths, 9).file.read_bytes()  # the next content
    half = again[:len(again) // 2] + whole[len(whole) // 2:]  # killed half way through
    first.file.write_bytes(half)
    assert _shas(tmp_path, paths) == []
    _saved(tmp_path, paths, 9)
    assert _shas(tmp_path, paths) == [f"{9:064x}"] * 2


def test_states_are_replaced_where_writing_in_place_would_not_do(tmp_path: Path) -> None:
    """Another size (the shard's cache entry added), a second link to the file (written in
    place, the other name would change too), a symbolic link (never followed) and a FIFO
    (opened for writing, it would wait for a reader) are replaced, atomically."""
    paths = ["a/1.txt", "a/2.txt"]
    states = _saved(tmp_path, paths, 7)
    inode = os.stat(states.file).st_ino
    grown = seedstate.SeedStates(tmp_path, paths)
    grown.load()
    old = time.time_ns() - 10 * seedstate.SETTLE_NS
    grown.learn(0, (1, 2, 3, old, old + 1), f"{7:064x}", (4, 5, 6, 7, 8))
    grown.made("ab" * 32, [f"{7:064x}"] * 2)
    grown.save()
    assert os.stat(states.file).st_ino != inode and grown.load()[0] is not None
    _saved(tmp_path, paths, 7)  # of the size the next save writes
    other = tmp_path / "other-name"
    os.link(states.file, other)
    kept = other.read_bytes()
    _saved(tmp_path, paths, 8)
    assert other.read_bytes() == kept and _shas(tmp_path, paths) == [f"{8:064x}"] * 2
    target = tmp_path / "target"
    target.write_bytes(states.file.read_bytes())
    pointed = target.read_bytes()
    states.file.unlink()
    states.file.symlink_to(target)
    _saved(tmp_path, paths, 9)
    assert not states.file.is_symlink() and target.read_bytes() == pointed
    assert _shas(tmp_path, paths) == [f"{9:064x}"] * 2
    states.file.unlink()
    os.mkfifo(states.file)
    _saved(tmp_path, paths, 10)  # would hang, opening the FIFO to write
    assert states.file.is_file() and _shas(tmp_path, paths) == [f"{10:064x}"] * 2


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_states_in_a_folder_this_user_may_not_write_are_left_as_they_are(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache folder made read-only (to keep it as it is) was written into through its
    states files, in place, while the build's note said nothing was kept (QA): a folder
    this user may not write is written neither way."""
    paths = ["a/1.txt", "a/2.txt"]
    states = _saved(tmp_path, paths, 7)
    kept = states.file.read_bytes()
    real = os.access
    locked = states.file.parent

    def access(path: object, mode: int, **kwargs: object) -> bool:
        if Path(str(path)) == locked and mode & os.W_OK:
            return False  # as for a user without the right (root may write anywhere)
        return real(path, mode, **kwargs)  # type: ignore[arg-type]

    def refused(*args: object, **kwargs: object) -> None:
        raise OutputError(f"cannot write into {locked}: Permission denied")

    monkeypatch.setattr(os, "access", access)
    monkeypatch.setattr(seedstate, "write_file", refused)  # as root, the replace would do
    _saved(tmp_path, paths, 8)
    assert states.file.read_bytes() == kept


def _ctimes(release: Path) -> dict[str, int]:
    return {rel: os.lstat(release / "data/raw" / rel).st_ctime_ns for rel in DOCS}


@pytest.mark.parametrize("states", ["remembered", "forgotten"])
def test_a_build_with_nothing_changed_leaves_the_release_untouched(
        states: str, settled: None, reads: list[str], tmp_path: Path) -> None:
    """A build of a release that exists takes its raw files where they are, neither
    linked into the build's folder nor unlinked with it (which changed their ctime, so
    that the next build read every seeds file and raw file again, and the one after it,
    for ever): with the seeds states remembered, nothing is read, and without them (a
    cache cleared) each file is read once, and remembered for the builds after it."""
    seeds = make_seeds(tmp_path, DOCS, {"version": "1.0.0"})
    out, cache = tmp_path / "dist", tmp_path / "cache"
    build(seeds, out, jobs=1, cache=cache)
    release = out / f"{NAME}-1.0.0"
    if states == "forgotten":
        for states_file in (cache / seedstate.FOLDER).iterdir():
            states_file.unlink()
    before = _ctimes(release)
    reads.clear()
    time.sleep(0.01)  # a link made now would give another ctime
    assert build(seeds, out, jobs=1, cache=cache).status == "unchanged"
    assert reads == ([] if states == "remembered" else sorted(DOCS))
    assert _ctimes(release) == before
    reads.clear()
    assert build(seeds, out, jobs=1, cache=cache).status == "unchanged"
    assert reads == []
    assert _ctimes(release) == before
    _bump(seeds, "1.0.1")  # and the next release links them all, unread
    assert build(seeds, out, jobs=1, cache=cache).status == "built"
    assert reads == []
    _same_as_fresh(seeds, out, tmp_path)


def test_a_build_of_an_older_release_leaves_the_newer_one_untouched(
        settled: None, reads: list[str], tmp_path: Path) -> None:
    """The build of a release that exists, with a newer release beside it, takes the
    files of its own folder where they are: it linked the newer release's files into its
    temporary folder and removed the links, which changed their ctime (the files both
    releases share), so that the next build of either read every file again."""
    seeds = make_seeds(tmp_path, DOCS, {"version": "1.0.0"})
    out, cache = tmp_path / "dist", tmp_path / "cache"
    build(seeds, out, jobs=1, cache=cache)
    _bump(seeds, "1.0.1")
    assert build(seeds, out, jobs=1, cache=cache).status == "built"
    newer = out / f"{NAME}-1.0.1"
    before = _ctimes(newer)
    _bump(seeds, "1.0.0")
    reads.clear()
    time.sleep(0.01)  # a link made now would give another ctime
    assert build(seeds, out, jobs=1, cache=cache).status == "unchanged"
    assert reads == []
    assert _ctimes(newer) == before
    _bump(seeds, "1.0.1")
    assert build(seeds, out, jobs=1, cache=cache).status == "unchanged"
    assert reads == []
    assert _ctimes(newer) == before


def test_a_release_file_changed_in_place_fails_a_build_with_nothing_changed(
        settled: None, reads: list[str], tmp_path: Path) -> None:
    """Its raw file changed with its old size and mtime put back: the ctime shows it, the
    file is read and compared, and the build refuses the release (never takes it)."""
    seeds = make_seeds(tmp_path, DOCS, {"version": "1.0.0"})
    out, cache = tmp_path / "dist", tmp_path / "cache"
    build(seeds, out, jobs=1, cache=cache)
    _change_keeping_size_and_mtime(out / f"{NAME}-1.0.0/data/raw/part-1/doc-005.txt")
    reads.clear()
    with pytest.raises(Exception, match="changed after it was built") as caught:
        build(seeds, out, jobs=1, cache=cache)
    assert "doc-005.txt" in str(caught.value)
    assert reads == ["part-1/doc-005.txt"]
