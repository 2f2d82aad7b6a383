"""The engine: shards on all cores, the shard cache and the Dask engine give the same bytes."""

from __future__ import annotations

import io
import json
import os
import pickle
import random
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from conftest import make_seeds, shard_sizes_of
from reliability_support import process_runs

from corpuskit import build, daskengine, engine, shardcache, shardpieces
from corpuskit import discover as discover_module
from corpuskit.compare import archives_match, tree_differences
from corpuskit.config import DEFAULT_COMPRESSION, ProcessConfig, load_config
from corpuskit.discover import read_source
from corpuskit.errors import InputError, OutputError, UsageError
from corpuskit.models import DocumentProblem, SourceRef
from corpuskit.shardcache import ShardCache
from corpuskit.usercache import MODELS_FOLDER
from corpuskit.zipfiles import deflate, zipformat, zipsegments

#: Documents in three shards, so that every engine really splits the work.
DOCUMENTS = 1061


def _path(i: int) -> str:
    return f"part-{i % 3}/doc-{i:05d}.txt"


SHARDS = shard_sizes_of(map(_path, range(DOCUMENTS)))
assert len(SHARDS) == 3, SHARDS

WORDS = ("river", "market", "council", "harbour", "winter", "school", "bridge", "station",
         "garden", "museum", "festival", "library", "village", "factory", "election")


def _corpus(tmp_path: Path) -> Path:
    files: dict[str, bytes | str] = {}
    for i in range(DOCUMENTS):
        words = [WORDS[(i * 7 + j * 3) % len(WORDS)] for j in range(40)]
        body = " ".join(words).capitalize() + "."
        text = f"Report {i}\n\n2024-0{1 + i % 9}-1{i % 10}\n\n{body}\n\n{body[::-1]}\n"
        files[_path(i)] = text.encode("utf-8") if i % 5 else \
            text.replace("\n", "\r\n").encode("cp1252")
    return make_seeds(tmp_path, files)


def _same(a: Path, b: Path, name: str) -> None:
    assert tree_differences(a / name, b / name) == []
    assert archives_match(a / f"{name}.zip", b / f"{name}.zip")
    assert (a / f"{name}.zip").read_bytes() == (b / f"{name}.zip").read_bytes()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _corpus(tmp_path_factory.mktemp("engine"))


@pytest.fixture(scope="module")
def one_job(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("jobs1")
    build(corpus, out, jobs=1)
    return out


@pytest.fixture(scope="module")
def warm_cache(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder as a build of ``corpus`` with one job leaves it, for the tests that
    damage a warm cache's entries: each takes a copy (:func:`_warm_copy`) instead of
    warming its own with a build of the whole corpus."""
    root = tmp_path_factory.mktemp("warm-cache")
    build(corpus, root / "out", jobs=1, cache=root / "cache")
    return root / "cache"


def _warm_copy(warm_cache: Path, tmp_path: Path) -> Path:
    """A copy of :func:`warm_cache` at ``tmp_path / "cache"``: its shard entries copied (the
    tests change them in place), the language model's files, if kept there, hard links
    (about 97 MB no test changes: a kept model is replaced, never written into)."""
    cache = tmp_path / "cache"
    shutil.copytree(warm_cache, cache, ignore=shutil.ignore_patterns(MODELS_FOLDER))
    if (warm_cache / MODELS_FOLDER).is_dir():
        shutil.copytree(warm_cache / MODELS_FOLDER, cache / MODELS_FOLDER,
                        copy_function=os.link)
    return cache


def test_two_workers_write_the_bytes_of_one(corpus: Path, one_job: Path, tmp_path: Path) -> None:
    result = build(corpus, tmp_path, jobs=2)
    assert result.documents == DOCUMENTS
    _same(one_job, tmp_path, result.release.name)


def test_a_builds_workers_end_once_its_shards_are_done_and_are_gone_when_it_returns(
        corpus: Path, one_job: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The workers are let go as soon as the last shard is done (they end while the zip is
    written, engine.retire_workers), never watched as dead for it; the build waits for
    them all the same: none outlives it, and the bytes are those of one worker."""
    import importlib
    import multiprocessing

    building = importlib.import_module("corpuskit.build")
    real = building.write_archive
    alive_then: list[int] = []

    def writing(*args: Any, **options: Any) -> Any:
        alive_then.append(len(engine._WATCHES))  # no pool is watched while the zip is written
        return real(*args, **options)

    monkeypatch.setattr(building, "write_archive", writing)
    result = build(corpus, tmp_path, jobs=2)
    assert result.documents == DOCUMENTS and alive_then == [0]
    assert not multiprocessing.active_children()
    assert not engine._WATCHES and not engine._RETIRED
    _same(one_job, tmp_path, result.release.name)


def test_retiring_the_workers_of_another_pool_or_none_does_nothing() -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    engine.retire_workers(None)
    with ProcessPoolExecutor(max_workers=1) as pool:
        engine.retire_workers(pool)  # not a local_pool's: still takes work
        assert pool.submit(pow, 2, 3).result() == 8
    with engine.local_pool(2) as pool:
        assert pool is not None and pool.submit(pow, 2, 5).result() == 32
        engine.retire_workers(pool)
        engine.retire_workers(pool)  # again: nothing more
        with pytest.raises(RuntimeError):
            pool.submit(pow, 2, 3)
    assert not multiprocessing.active_children()


def test_no_more_workers_are_forked_than_there_are_shards(
        corpus: Path, one_job: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``-j 256`` forked 256 workers whatever the work: a one-document corpus took 11 s
    (QA). The workers forked before discovery are as many as the shards (a corpus of one
    shard: its batches of documents), never more; the bytes are those of one worker."""
    import importlib

    building = importlib.import_module("corpuskit.build")
    real = building.local_pool
    forked: list[int] = []

    def spy(jobs: int, **options: Any) -> Any:
        forked.append(jobs)
        return real(jobs, **options)

    monkeypatch.setattr(building, "local_pool", spy)
    result = build(corpus, tmp_path / "three", jobs=256)
    assert forked == [len(SHARDS)]
    _same(one_job, tmp_path / "three", result.release.name)
    one = make_seeds(tmp_path / "one", {"a.txt": "A title\n\nA paragraph of English text.\n"})
    forked.clear()
    build(one, tmp_path / "out", jobs=256)
    assert forked == [1]  # one batch of one document: processed here, no pool
    # a corpus of one shard whose documents go to the workers in batches of a MiB at most
    big = make_seeds(tmp_path / "big", {f"d{i}.txt": "Title\n\n" + "Word " * 300_000 + "\n"
                                        for i in range(3)})
    forked.clear()
    build(big, tmp_path / "big-out", jobs=256, cache=None)
    assert forked == [3]


def test_cache_makes_rebuilds_skip_unchanged_shards_without_changing_bytes(
        corpus: Path, one_job: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cold = build(corpus, tmp_path / "a", jobs=2, cache=cache)
    assert cold.cached_shards == 0
    warm = build(corpus, tmp_path / "b", jobs=2, cache=cache)
    assert warm.cached_shards == 3
    _same(one_job, tmp_path / "b", warm.release.name)

    # One changed document: only its shard is processed again, and the output is exactly
    # what an uncached build of the changed seeds writes.
    first = sorted(corpus.rglob("doc-*.txt"))[0]
    original = first.read_bytes()
    try:
        first.write_bytes(original + b"\r\nOne more paragraph, added later.\r\n")
        again = build(corpus, tmp_path / "c", jobs=2, cache=cache)
        assert again.cached_shards == 2
        fresh = build(corpus, tmp_path / "d", jobs=1)
        _same(tmp_path / "c", tmp_path / "d", fresh.release.name)
    finally:
        first.write_bytes(original)


@pytest.mark.parametrize(("suffix", "damage"), [
    (".jsonl", "truncate"), (".jsonl", "flip"), (".deflate", "flip"),
    (".deflate.json", "flip")])
def test_a_damaged_cache_entry_is_a_miss_not_a_wrong_record(
        corpus: Path, warm_cache: Path, one_job: Path, tmp_path: Path, suffix: str,
        damage: str) -> None:
    """A file of an entry cut short, or with one bit changed and its size kept: every
    shard is processed again, and the release is what a build without cache makes."""
    cache = _warm_copy(warm_cache, tmp_path)
    entries = [path for path in cache.rglob(f"*{suffix}") if path.parent.name != "models"]
    assert entries
    for entry in entries:
        data = bytearray(entry.read_bytes())
        if damage == "truncate":
            del data[-10:]
        else:
            data[len(data) // 2] ^= 0x04
        entry.write_bytes(bytes(data))
    result = build(corpus, tmp_path / "b", jobs=1, cache=cache)
    assert result.cached_shards == 0
    _same(one_job, tmp_path / "b", result.release.name)


def _change_entries_when_taken(monkeypatch: pytest.MonkeyPatch,
                               change: Callable[[str, Path], None]) -> None:
    """Each cache entry a build takes (of a cache warmed by a build of the corpus:
    :func:`_warm_copy`) is handed to ``change`` (its key, the shard file linked to it) once
    taken: linked, a change to the shard's file is a change to the entry, as another
    process makes it."""
    taken = ShardCache.get

    def get_then_changed(self: ShardCache, key: str, target: Path) -> Any:
        hit = taken(self, key, target)
        if hit is not None:
            change(key, target)
        return hit

    monkeypatch.setattr(ShardCache, "get", get_then_changed)


@pytest.mark.parametrize("what", ["records", "index"])
def test_a_cache_entry_written_into_during_the_build_stops_it(
        corpus: Path, warm_cache: Path, one_job: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, what: str) -> None:
    """A cache file changed in place after the worker checked it went into the release,
    and the build said "built" (QA: exit 0 for a release validate refused). The records
    copied are checked against the pieces deflated from them, and an index that no longer
    reads is said to have changed: nothing is written; the next build does not use the
    entry, and makes the bytes of a build without a cache."""
    from corpuskit.errors import FileChanged
    from corpuskit.validation import validate

    cache = _warm_copy(warm_cache, tmp_path)

    def write_into(key: str, target: Path) -> None:  # each entry taken
        changed = target if what == "records" else shardpieces.pieces_index_path(target)
        data = bytearray(changed.read_bytes())
        data[len(data) // 2] ^= 0x01 if what == "records" else 0xFF
        with changed.open("r+b") as handle:  # in place, as another process would
            handle.write(bytes(data))

    _change_entries_when_taken(monkeypatch, write_into)
    out = tmp_path / "out"
    with pytest.raises(FileChanged, match="changed while this build used") as raised:
        build(corpus, out, jobs=1, cache=cache)
    monkeypatch.undo()
    # The cache entry is named, not the temporary folder's file (QA: "the index of the
    # archive pieces 00000001.deflate.json changed"), which no user can find.
    assert str(cache / "") in str(raised.value) and "00000000." not in str(raised.value)
    releases = [p for p in out.iterdir() if not p.name.startswith(".")] \
        if out.exists() else []
    assert all(validate(p).valid for p in releases), releases
    result = build(corpus, out, jobs=1, cache=cache)
    assert result.cached_shards < len(SHARDS)
    _same(one_job, out, result.release.name)


@pytest.mark.parametrize("change", ["cut short", "appended to"])
def test_a_cache_entry_cut_short_during_the_build_stops_it(
        corpus: Path, warm_cache: Path, one_job: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    """A cache entry's records file cut short (or appended to) while a build used it was
    copied as it was into data/documents.jsonl, the statistics taken from the entry's
    description: "built", exit 0, a release of 1,269 records of 3,000 (QA). A shard file
    that is not the length of its pieces is a change: nothing is written, and the error
    names the cache entry, not the temporary folder's file."""
    from corpuskit.errors import FileChanged

    cache = _warm_copy(warm_cache, tmp_path)
    changed: list[Path] = []

    def cut_or_grow(key: str, target: Path) -> None:  # the first entry taken only
        if changed:
            return
        changed.append(cache / key[:2] / f"{key}.jsonl")
        if change == "cut short":
            os.truncate(target, target.stat().st_size // 2)
        else:
            with target.open("ab") as handle:
                handle.write(b'{"id":"more"}\n')

    _change_entries_when_taken(monkeypatch, cut_or_grow)
    out = tmp_path / "out"
    with pytest.raises(FileChanged, match="changed while this build used them") as raised:
        build(corpus, out, jobs=1, cache=cache)
    monkeypatch.undo()
    message = str(raised.value)
    assert f", in the cache entry {changed[0]}, changed" in message, message
    assert ".jsonl changed" not in message.replace(changed[0].name, "")  # no scratch file
    assert "nothing was written" in message and "--no-cache" in message
    assert not out.exists() or [p for p in out.iterdir() if not p.name.startswith(".")] == []
    result = build(corpus, out, jobs=1, cache=cache)  # the changed entry is a miss
    assert result.cached_shards == len(SHARDS) - 1
    _same(one_job, out, result.release.name)


@pytest.mark.parametrize("change", ["pieces cut short", "index cut short",
                                    "pieces written into"])
def test_a_cache_entry_changed_before_the_zip_is_said_so(
        corpus: Path, warm_cache: Path, one_job: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    """The cache entries' files changed once the records were copied, as the zip was
    written: the error named a file of the temporary folder, or called it a full disk, or
    (written into, no error) a zip of other bytes went out (QA: "00000001.deflate.json
    changed while this build used it", and a release folder left without a word). The
    folder in place is whole, and the error says so, names the cache entry, and how to
    finish; the next build writes the zip of a build without a cache."""
    from corpuskit.errors import FileChanged

    cache = _warm_copy(warm_cache, tmp_path)
    build_module = sys.modules["corpuskit.build"]  # the package's "build" is the function
    write_zip = build_module._write_release_archive
    suffix = ".deflate.json" if change.startswith("index") else ".deflate"
    changed = sorted(cache.glob(f"??/*{suffix}"))
    assert changed

    def changed_then_written(*args: Any, **kwargs: Any) -> Any:
        for entry in changed:  # in place: the build's shard files are linked to them
            if change.endswith("cut short"):
                os.truncate(entry, 0)
            else:
                with entry.open("r+b") as handle:
                    handle.seek(entry.stat().st_size // 2)
                    handle.write(b"\x00" * 8)
        return write_zip(*args, **kwargs)

    monkeypatch.setattr(build_module, "_write_release_archive", changed_then_written)
    out = tmp_path / "out"
    with pytest.raises(FileChanged) as raised:
        build(corpus, out, jobs=1, cache=cache)
    monkeypatch.undo()
    message = str(raised.value)
    # The first of them the build meets is named: which that is depends on the shards'
    # keys (the cache's format among them), not on the names' order.
    assert any(f"{entry} changed while this build used it" in message for entry in changed), \
        message
    assert ".corpuskit-tmp" not in message and "free space" not in message, message
    release = out / next(p.name for p in one_job.iterdir() if p.is_dir())
    assert f"the release folder {release} is complete and in place" in message, message
    assert "its zip not written: run 'corpuskit build" in message and "--no-cache" in message
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [release.name]
    assert tree_differences(one_job / release.name, release) == []
    result = build(corpus, out, jobs=1, cache=cache)  # writes its zip
    assert (result.status, result.restored) == ("restored", "archive")
    _same(one_job, out, result.release.name)


def test_cache_key_covers_config_and_inputs() -> None:
    entries = [("a.txt", "0" * 64)]
    assert ShardCache.key("f1", entries) != ShardCache.key("f2", entries)
    assert ShardCache.key("f1", entries) != ShardCache.key("f1", [("a.txt", "1" * 64)])
    assert ShardCache.key("f1", entries) != ShardCache.key("f1", [("b.txt", "0" * 64)])


def test_the_fingerprint_covers_the_libraries_that_decide_records(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An ftfy of the same minor series may repair mojibake otherwise: the cache took
    entries made under another (only corpuskit's version was in the key). The versions
    a Dask worker must share with the build are in it too."""
    from corpuskit import outputidentity

    config = load_config(make_seeds(tmp_path, {"a.txt": "Hello.\n"})).process
    zlib_made = deflate.COMPRESSIONS["zlib"]
    here = shardcache.config_fingerprint(config, zlib_made)
    found = outputidentity.output_identity()
    assert {"ftfy", "py3langid", "regex", "charset-normalizer"} <= set(found)
    monkeypatch.setattr(outputidentity, "_libraries",
                        lambda: tuple({**found, "ftfy": found["ftfy"] + ".post1"}.items()))
    monkeypatch.setattr(shardcache, "output_identity", outputidentity.output_identity)
    assert shardcache.config_fingerprint(config, zlib_made) != here


def test_the_cache_serves_no_entry_made_by_other_corpuskit_code(
        corpus: Path, one_job: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Code changed, its version not (0.1.0 since the first commit: an editable install
    edited, a checkout pulled), and CACHE_FORMAT not bumped: the build took the shards the
    earlier code made, and its records (QA s96 scale 1). corpuskit's code digest is in
    the key: every shard is processed again, and the same code takes them all."""
    from corpuskit import outputidentity

    cache = tmp_path / "cache"
    assert build(corpus, tmp_path / "a", jobs=1, cache=cache).cached_shards == 0
    here = outputidentity.code_identity()
    other = "sha256:" + "0" * 16
    assert here != other
    monkeypatch.setattr(shardcache, "code_identity", lambda: other)
    edited = build(corpus, tmp_path / "b", jobs=1, cache=cache)
    assert edited.cached_shards == 0
    _same(one_job, tmp_path / "b", edited.release.name)
    assert build(corpus, tmp_path / "c", jobs=1, cache=cache).cached_shards == 3
    monkeypatch.setattr(shardcache, "code_identity", lambda: here)
    assert build(corpus, tmp_path / "d", jobs=1, cache=cache).cached_shards == 3


def test_the_fingerprint_covers_the_compression(tmp_path: Path) -> None:
    """Cached shards hold deflated pieces: a build with another library, version or level
    must not take them."""
    config = load_config(make_seeds(tmp_path, {"a.txt": "Hello.\n"})).process
    fast, zlib_made = deflate.COMPRESSIONS["fast"], deflate.COMPRESSIONS["zlib"]
    prints = {shardcache.config_fingerprint(config, compression) for compression in (
        fast, zlib_made, replace(fast, level=fast.level + 1),
        replace(fast, library=fast.library + ".post1"))}
    assert len(prints) == 4
    assert shardcache.config_fingerprint(config, fast) == shardcache.config_fingerprint(
        config, deflate.Compression("fast", fast.level, fast.library, fast.module))


@pytest.mark.parametrize("scheduler", [None, "", "garbage", "tcp://127.0.0.1",
                                       "127.0.0.1:8786", "tcp://host:port",
                                       "tcp://127.0.0.1:99999", "tcp://127.0.0.1:0"])
def test_unknown_engine_and_bad_scheduler_are_usage_errors_before_any_work(
        scheduler: str | None, corpus: Path, tmp_path: Path) -> None:
    """Refused at once, before a worker starts or Dask is imported (an address without a
    port was a traceback from Dask, then a minute's wait)."""
    with pytest.raises(UsageError, match="unknown engine"):
        build(corpus, tmp_path, engine="spark")
    with pytest.raises(UsageError, match="scheduler") as refused:
        build(corpus, tmp_path, engine="dask", scheduler=scheduler)
    assert "--" not in str(refused.value)  # a Python caller's words (QA: api 5)
    assert list(tmp_path.iterdir()) == []
    if scheduler == "":  # given empty: said so, not "needs scheduler=" (QA s96)
        assert str(refused.value).startswith("scheduler is empty; give the address"), \
            str(refused.value)


@pytest.mark.parametrize("host", ["dask-scheduler..cluster.local", "a" * 64 + ".example.org",
                                  "sch\udce9duler"])
def test_a_scheduler_host_name_no_resolver_can_look_up_is_a_usage_error(
        host: str, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A host name the IDNA codec refuses (an empty label, one over 63 characters, a byte
    that is not UTF-8) was a UnicodeError traceback from the connection, after discovery
    (QA); it is a usage error naming the address, before any work."""
    import importlib

    from corpuskit.cli import main

    def never(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the seeds were discovered before the address was refused")

    monkeypatch.setattr(importlib.import_module("corpuskit.build"), "discover", never)
    scheduler = f"tcp://{host}:8786"
    with pytest.raises(UsageError) as refused:
        build(corpus, tmp_path / "out", engine="dask", scheduler=scheduler)
    assert str(refused.value).startswith(f"scheduler {scheduler!r}: {host!r} is no host "
                                         "name a resolver can look up ("), refused.value
    assert main(["build", str(corpus), "--out", str(tmp_path / "out"), "--engine", "dask",
                 "--scheduler", scheduler]) == 2
    assert f"--scheduler {scheduler!r}: {host!r} is no host name a resolver can look up" \
        in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    from corpuskit.daskengine import check_scheduler

    idn = "tcp://sch\u00e9duler.example:8786"  # a valid internationalized name is one
    assert check_scheduler(idn) == idn


@pytest.mark.parametrize(("jobs", "error"), [(0, UsageError), (-1, UsageError),
                                             (10**20, UsageError), ("2", TypeError),
                                             (2.0, TypeError), (True, TypeError)])
def test_jobs_must_be_a_sane_whole_number(jobs: Any, error: type[Exception], corpus: Path,
                                          tmp_path: Path) -> None:
    with pytest.raises(error, match="jobs"):
        build(corpus, tmp_path, jobs=jobs)
    assert list(tmp_path.iterdir()) == []


def test_argument_misuse_is_a_value_error_in_the_callers_words(
        corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """load(verify=False, reproduce=True) raised a UsageError, which corpuskit does not
    export, where validate(fast=True, reproduce=True) raises a ValueError; and
    build(engine="dask") with no scheduler told a Python caller of --engine and --scheduler
    (QA: api 5). Every misuse of an argument is a ValueError now, said in a Python
    caller's words; the CLI's, in its options' words, is a usage error (exit 2)."""
    import corpuskit
    from corpuskit.cli import main
    from corpuskit.export import export

    out = tmp_path / "out"
    misuses: list[tuple[Callable[[], object], str]] = [
        (lambda: corpuskit.load(corpus, verify=False, reproduce=True),
         "load: reproduce=True is a check, and verify=False skips every check"),
        (lambda: build(corpus, out, engine="dask"),
         "engine='dask' needs scheduler='tcp://HOST:PORT', the address of a Dask cluster's "
         "scheduler; give it too, or leave engine out to build here"),
        (lambda: build(corpus, out, jobs=0), "jobs must be from 1 to "),
        (lambda: corpuskit.release(corpus, out, "huge"), "unknown bump 'huge'"),
        (lambda: export(corpus, "xml", tmp_path / "x.xml"), "unknown export format 'xml'"),
    ]
    for misuse, said in misuses:
        with pytest.raises(ValueError) as refused:
            misuse()
        assert str(refused.value).startswith(said), refused.value
        assert isinstance(refused.value, UsageError)  # the CLI's exit 2
    assert main(["build", str(corpus), "--out", str(out), "--engine", "dask"]) == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith(
        "--engine dask needs --scheduler tcp://HOST:PORT")
    assert not out.exists() and not (tmp_path / "x.xml").exists()


@pytest.mark.parametrize("jobs", ["1", "8"])
def test_jobs_with_the_dask_engine_is_refused_before_any_work(
        jobs: str, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--jobs with --engine dask was taken and did nothing (QA: dask 3): a usage error, as
    --scheduler without --engine dask is, before the scheduler is reached (none listens
    here); build(jobs=, engine="dask") a ValueError in a Python caller's words."""
    from corpuskit.cli import main

    out, scheduler = tmp_path / "out", "tcp://127.0.0.1:9"
    assert main(["build", str(corpus), "--out", str(out), "-j", jobs, "--engine", "dask",
                 "--scheduler", scheduler]) == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith(
        "--jobs is for --engine local: on a Dask cluster its workers and their threads decide "
        "how many shards run at once (dask worker --nthreads N); drop --jobs")
    with pytest.raises(ValueError) as refused:
        build(corpus, out, jobs=int(jobs), engine="dask", scheduler=scheduler)
    assert str(refused.value) == (
        f"jobs={jobs} is for the local engine: on a Dask cluster (engine='dask') its workers "
        "and their threads decide how many shards run at once; leave jobs out")
    assert isinstance(refused.value, UsageError)
    assert not out.exists()


def test_dask_engine_writes_the_bytes_of_the_local_engine(
        corpus: Path, one_job: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative paths too: the workers run in their own working folder (the cluster's),
    so the build hands them absolute paths."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0", host="127.0.0.1") as cluster:
        monkeypatch.chdir(tmp_path)
        seeds = Path(os.path.relpath(corpus, tmp_path))
        result = build(seeds, Path("out"), engine="dask", scheduler=cluster.scheduler_address,
                       cache=Path("cache"))
    assert result.documents == DOCUMENTS
    assert (tmp_path / "cache").is_dir()
    _same(one_job, tmp_path / "out", result.release.name)
    # Named as given, as the local engine names them (they were made absolute).
    assert (result.release, result.archive) == (
        Path("out", result.release.name), Path("out", result.archive.name))


@contextmanager
def _fake_peer(answer: Callable[[socket.socket, list[socket.socket]], None]
               ) -> Iterator[str]:
    """The tcp:// address of a server on this machine that is no Dask scheduler: each
    connection is handed to ``answer`` with a list of those to close at the end."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def serve() -> None:
        with suppress(OSError):
            while True:
                answer(server.accept()[0], held)

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    finally:
        server.close()
        for peer in held:
            peer.close()


def _not_a_scheduler(address: str, seen: str) -> str:
    """The error for a peer at ``address`` that answers, but not as a Dask scheduler, and
    did what ``seen`` says."""
    return (f"something answers at {address}, but not as a Dask scheduler: {seen}; give the "
            "scheduler's address ('dask scheduler' prints it, as 'Scheduler at: "
            "tcp://HOST:PORT'; port 8786 by default)")


@contextmanager
def _http_server() -> Iterator[str]:
    """The tcp:// address of an HTTP server on this machine (as ``python -m http.server``
    is, which answers nothing to the bytes of Dask's handshake: they hold no line end)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"tcp://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_an_http_server_given_as_the_scheduler_is_named_so_at_once(
        corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """python -m http.server given for the scheduler was waited for 30 s, then said not to
    be reached ("no answer within 30 s", QA s102): an HTTP server waits for its client to
    speak, and Dask's handshake holds no line end. A peer silent for 2 s is asked an HTTP
    request, and one that answers it is named an HTTP server, with the exit status of an
    OutputError."""
    pytest.importorskip("distributed")
    from corpuskit.cli import main

    seen = ("it answered as an HTTP server (\"HTTP/1.0 501 Unsupported method ('HEAD')\"; a "
            "Dask scheduler's dashboard is one, on port 8787 by default)")
    with _http_server() as address:
        started = time.monotonic()
        with pytest.raises(OutputError) as caught:
            build(corpus, tmp_path / "out", engine="dask", scheduler=address)
        assert time.monotonic() - started < 8
        assert str(caught.value) == _not_a_scheduler(address, seen)
        assert main(["build", str(corpus), "--out", str(tmp_path / "out"), "--engine", "dask",
                     "--scheduler", address]) == OutputError.exit_code
    assert _not_a_scheduler(address, seen) in capsys.readouterr().err
    out = tmp_path / "out"
    assert not out.exists() or [p.name for p in out.iterdir()] in ([], [".corpuskit-lock"])


def test_a_peer_that_accepts_and_says_nothing_is_told_so_before_the_connect_timeout(
        corpus: Path, tmp_path: Path) -> None:
    """A peer that accepts and says nothing, not even to an HTTP request, was waited for
    the whole 30 s and said not to be reached (QA s102): a Dask scheduler writes its
    handshake as it accepts, so one silent for 10 s is told so, as no Dask scheduler."""
    pytest.importorskip("distributed")
    asked: list[bytes] = []

    def answer(client: socket.socket, held: list[socket.socket]) -> None:
        held.append(client)
        client.settimeout(20)
        with suppress(OSError):
            asked.append(client.recv(100))

    with _fake_peer(answer) as address:
        started = time.monotonic()
        with pytest.raises(OutputError) as caught:
            build(corpus, tmp_path / "out", engine="dask", scheduler=address)
        took = time.monotonic() - started
    assert str(caught.value) == _not_a_scheduler(
        address, "it accepted the connection, but said nothing in 10 s, where a Dask "
                 "scheduler speaks at once (nor did it answer an HTTP request)")
    assert 9 < took < 15, took
    assert asked == [b"HEAD / HTTP/1.0\r\n\r\n"]  # asked after 2 s of silence, once


def test_a_dask_worker_given_as_the_scheduler_is_named_so(corpus: Path,
                                                          tmp_path: Path) -> None:
    """A worker's address answers Dask's question of who it is: it was told "answers, but
    not as a Dask scheduler"; it is named a Dask worker."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, processes=False, protocol="tcp",
                                  dashboard_address=":0", host="127.0.0.1") as cluster:
        worker = next(iter(cluster.scheduler.workers))
        with pytest.raises(OutputError) as caught:
            build(corpus, tmp_path / "out", engine="dask", scheduler=worker)
    assert str(caught.value) == _not_a_scheduler(worker, "it is a Dask worker")


@pytest.mark.parametrize("greeting", [b"SSH-2.0-OpenSSH_9.6\r\n", None])
def test_a_peer_that_is_no_dask_scheduler_is_a_clean_error(
        greeting: bytes | None, corpus: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """An SSH server's greeting was read as a message length (a MemoryError traceback, then
    a minute's wait); a peer that says nothing was waited on for ever."""
    pytest.importorskip("distributed")
    monkeypatch.setattr(daskengine, "IDENTIFY_SECONDS", 2)

    def answer(peer: socket.socket, held: list[socket.socket]) -> None:
        held.append(peer)
        if greeting is not None:
            peer.sendall(greeting)

    with _fake_peer(answer) as address, pytest.raises(OutputError) as caught:
        build(corpus, tmp_path / "out", engine="dask", scheduler=address)
    seen = ("it answered as an SSH server ('SSH-2.0-OpenSSH_9.6')" if greeting is not None
            else "it accepted the connection, but said nothing in 2 s, where a Dask scheduler "
                 "speaks at once (nor did it answer an HTTP request)")
    assert str(caught.value) == _not_a_scheduler(address, seen)
    out = tmp_path / "out"
    assert not out.exists() or [p.name for p in out.iterdir()] in ([], [".corpuskit-lock"])


@pytest.mark.parametrize(("peer", "reason"), [
    ("http", "it answered as an HTTP server ('HTTP/1.1 200 OK'; a Dask scheduler's "
             "dashboard is one, on port 8787 by default)"),
    ("binary", "it answered with bytes that are no Dask message "
               "(b'\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff"
               "\\xff')"),
    ("close", "it closed the connection without answering as a Dask scheduler (if it is one "
              "that uses TLS, give its tls:// address)"),
    ("reset", "it closed the connection without answering as a Dask scheduler (if it is one "
              "that uses TLS, give its tls:// address)")])
def test_a_peer_that_is_no_dask_scheduler_is_told_so_whatever_it_does(
        peer: str, reason: str, corpus: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A peer sending bytes msgpack cannot decode was told msgpack's "Maximum allowed
    dimension exceeded", and one that closed at once a raw "in <TCP (closed) local=...
    remote=...>: ConnectionResetError: [Errno 104] Connection reset by peer" (QA): each is
    told, as an HTTP server is, what it did instead of answering as a Dask scheduler: a
    reset as the peer accepts is seen by the check that a connection is refused, or later
    by Dask's, as it comes; Dask connects again to a peer that closed at once, until its
    time is up, and then says so."""
    pytest.importorskip("distributed")

    # Dask's connect is given a second less than this: with 2 (one second), a loaded
    # machine's last attempt timed out before the peer closed it ("Timed out ... after
    # 1 s"), a flake seen twice with the suite beside other work, and with 4 once more
    # under a load of 12 ("after 3 s").
    monkeypatch.setattr(daskengine, "IDENTIFY_SECONDS", 6)

    def answer(client: socket.socket, held: list[socket.socket]) -> None:
        if peer == "http":
            client.recv(100)
            client.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")
            client.close()
        elif peer == "binary":
            client.sendall(b"\xff" * 64 + b"hello\n")
            held.append(client)
        else:  # gone at once: a FIN, or (no lingering) a reset
            if peer == "reset":
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                  struct.pack("ii", 1, 0))
            client.close()

    with _fake_peer(answer) as address, pytest.raises(OutputError) as caught:
        build(corpus, tmp_path / "out", engine="dask", scheduler=address)
    assert str(caught.value) == _not_a_scheduler(address, reason)
    out = tmp_path / "out"
    assert not out.exists() or [p.name for p in out.iterdir()] in ([], [".corpuskit-lock"])


def test_a_peer_dask_gave_up_connecting_to_is_told_it_closed_each_connection() -> None:
    """Dask connects again to a peer that closes each connection at once (as it comes:
    above, the connection is mostly made first), until its time is up, and then raises an
    OSError caused by the peer's closing: that is told as the closing is."""
    pytest.importorskip("distributed")
    from distributed.comm.core import CommClosedError

    address = "tcp://127.0.0.1:8786"
    gave_up = OSError(f"Timed out trying to connect to {address} after 29 s")
    gave_up.__cause__ = CommClosedError()
    assert daskengine._unanswered(gave_up, address) == _not_a_scheduler(
        address, "it closed the connection without answering as a Dask scheduler (if it is "
                 "one that uses TLS, give its tls:// address)")
    assert daskengine._unanswered(OSError(f"Timed out trying to connect to {address} after "
                                          "29 s"), address) == (
        f"cannot reach the Dask scheduler at {address}: Timed out trying to connect to "
        f"{address} after 29 s; is a Dask scheduler running there?")


def _self_signed(folder: Path, name: str) -> tuple[str, str]:
    """The files of a self-signed certificate and its key, made here: a cluster's CA and
    every role's certificate at once, as distributed's ``Security.temporary`` makes them
    (that takes cryptography, used where it is installed; else openssl)."""
    cert, key = folder / f"{name}-cert.pem", folder / f"{name}-key.pem"
    try:
        from distributed.security import Security

        made = Security.temporary()
        cert.write_text(made.tls_ca_file, "ascii")
        key.write_text(made.tls_client_key, "ascii")
    except ImportError:  # no cryptography
        openssl = shutil.which("openssl")
        if openssl is None:
            pytest.skip("neither cryptography nor openssl is installed to make a TLS "
                        "certificate")
        subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key),
                        "-out", str(cert), "-days", "2", "-subj", "/CN=dask-internal"],
                       check=True, capture_output=True)
    return str(cert), str(key)


def _client_tls(cert: str, key: str) -> dict[str, str]:
    """Dask's configuration of a client's TLS, as the README says to set it."""
    return {"distributed.comm.tls.ca-file": cert, "distributed.comm.tls.client.cert": cert,
            "distributed.comm.tls.client.key": key}


@pytest.fixture(scope="module")
def tls_cluster(request: pytest.FixtureRequest,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    """A cluster over TLS (its address, certificate and key), every role's certificate
    signed by its own CA, which it requires of its clients; its protocol tls, or the one
    its test gives (wss)."""
    distributed = pytest.importorskip("distributed")
    from distributed.security import Security

    cert, key = _self_signed(tmp_path_factory.mktemp("tls"), "cluster")
    security = Security(tls_ca_file=cert, tls_client_cert=cert, tls_client_key=key,
                        tls_scheduler_cert=cert, tls_scheduler_key=key, tls_worker_cert=cert,
                        tls_worker_key=key, require_encryption=True)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  protocol=getattr(request, "param", "tls"),
                                  security=security, dashboard_address=":0",
                                  host="127.0.0.1") as cluster:
        yield cluster.scheduler_address, cert, key


@pytest.mark.parametrize("tls_cluster", ["tls", "wss"], indirect=True)
def test_a_tls_scheduler_writes_the_bytes_of_the_local_engine(
        tls_cluster: tuple[str, str, str], corpus: Path, one_job: Path,
        tmp_path: Path) -> None:
    """With Dask's TLS configuration for clients set, as a distributed.Client reads it: the
    build's own check of who answers connected without it, and refused every tls://
    scheduler a Client reaches ("TLS expects a `ssl_context` argument ... Instead got None;
    is a Dask scheduler running there?", QA). wss:// likewise."""
    import dask

    address, cert, key = tls_cluster
    assert address.startswith(("tls://", "wss://"))
    with dask.config.set(_client_tls(cert, key)):
        result = build(corpus, tmp_path / "out", engine="dask", scheduler=address,
                       cache=None)
    assert result.documents == DOCUMENTS
    _same(one_job, tmp_path / "out", result.release.name)


def test_a_tls_scheduler_without_tls_configured_or_trusted_is_told_so(
        tls_cluster: tuple[str, str, str], corpus: Path, tmp_path: Path) -> None:
    """What to set is named: Dask's TLS configuration for clients, when none is set, a
    file of it cannot be read, or the handshake fails (another CA)."""
    import dask

    address, cert, key = tls_cluster
    unset = dict.fromkeys(_client_tls(cert, key))
    advice = daskengine._TLS_ADVICE  # what it names, each setting and its variable:
    for named in (*_client_tls(cert, key), "DASK_DISTRIBUTED__COMM__TLS__CA_FILE",
                  "DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT",
                  "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY",
                  "(README: Large corpora, A Dask cluster)"):
        assert named in advice, named
    with dask.config.set(unset), pytest.raises(OutputError) as caught:
        build(corpus, tmp_path / "out", engine="dask", scheduler=address)
    assert str(caught.value) == (
        f"cannot reach the Dask scheduler at {address}: tls:// needs Dask's TLS "
        "configuration for clients, a CA file and a client certificate at least (none of "
        "distributed.comm.tls.ca-file, distributed.comm.tls.client.cert, "
        f"distributed.comm.tls.client.key is set); {advice}")

    missing = str(tmp_path / "no-ca.pem")
    with dask.config.set({**_client_tls(cert, key), "distributed.comm.tls.ca-file": missing}), \
            pytest.raises(OutputError) as caught:
        build(corpus, tmp_path / "out", engine="dask", scheduler=address)
    assert str(caught.value) == (
        f"cannot reach the Dask scheduler at {address}: Dask's TLS configuration cannot be "
        f"used (set: distributed.comm.tls.ca-file {missing}, distributed.comm.tls.client.cert "
        f"{cert}, distributed.comm.tls.client.key {key}: FileNotFoundError: [Errno 2] No "
        f"such file or directory); {advice}")

    other, other_key = _self_signed(tmp_path, "other")
    with dask.config.set(_client_tls(other, other_key)), \
            pytest.raises(OutputError) as caught:
        build(corpus, tmp_path / "out", engine="dask", scheduler=address)
    said = str(caught.value)
    assert said.startswith(f"cannot reach the Dask scheduler at {address}: the TLS "
                           "handshake failed ("), said
    assert said.endswith("): the scheduler's certificate must be signed by the CA in "
                         "distributed.comm.tls.ca-file, and this machine's "
                         "(distributed.comm.tls.client.cert) by a CA the scheduler trusts "
                         f"(one without TLS fails it too: give its tcp:// address); {advice}")
    assert not (tmp_path / "out").exists() or \
        [p.name for p in (tmp_path / "out").iterdir()] in ([], [".corpuskit-lock"])


def test_a_dask_address_that_refuses_is_named_so_at_once(corpus: Path,
                                                         tmp_path: Path) -> None:
    """Dask retried a refused connection for its 30 s, and the build then said "no answer
    within 30 s" (QA)."""
    pytest.importorskip("distributed")
    import socket

    with socket.create_server(("127.0.0.1", 0)) as closed:
        port = closed.getsockname()[1]  # nothing listens there once it is closed
    started = time.monotonic()
    with pytest.raises(OutputError, match=f"at tcp://127.0.0.1:{port}: connection refused; "
                                          "is a Dask scheduler running there"):
        build(corpus, tmp_path / "out", engine="dask", scheduler=f"tcp://127.0.0.1:{port}")
    assert time.monotonic() - started < 10


def test_a_ucx_address_without_ucx_support_says_so(corpus: Path, tmp_path: Path) -> None:
    """A ucx:// address was told "Can't instantiate abstract class UCXConnector with
    abstract method connect" (QA): the package that brings UCX is named."""
    pytest.importorskip("distributed")
    try:
        import distributed_ucxx  # noqa: F401
        pytest.skip("UCX support is installed here")
    except ImportError:
        pass
    with pytest.raises(OutputError) as caught:
        build(corpus, tmp_path / "out", engine="dask", scheduler="ucx://127.0.0.1:1")
    assert str(caught.value) == (
        "cannot reach the Dask scheduler at ucx://127.0.0.1:1: this machine's Dask has no "
        "UCX support (the distributed-ucxx package); install it, or give the scheduler's "
        "tcp:// address")
    assert not (tmp_path / "out").exists()


def test_a_dask_scheduler_without_workers_is_named_so(corpus: Path, tmp_path: Path) -> None:
    """It was "Dask workers run corpuskit [], this is 0.1.0"."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=0, dashboard_address=":0",
                                  host="127.0.0.1") as cluster, \
            pytest.raises(OutputError, match="has no workers; start some"):
        build(corpus, tmp_path / "out", engine="dask", scheduler=cluster.scheduler_address)


def test_workers_of_other_versions_or_blind_to_the_folders_are_refused_by_name() -> None:
    """Only the corpuskit version was compared: a worker of Python 3.12 (another Unicode
    database) built other NFC text, exit 0; one that could not see the seeds gave an error
    per document to "run the command again" (QA). Each worker is named with what differs
    from this machine, and what it cannot see."""
    from corpuskit.daskengine import _identity_problems, output_identity

    here = output_identity()
    assert {"corpuskit", "python", "unicode", "zlib", "ftfy", "py3langid", "regex",
            "charset-normalizer", "orjson"} <= set(here)
    folders = {"the seeds folder": "/data/seeds", "the cache folder (--cache)": "/c"}
    found = {"tcp://10.0.0.2:4000": (here, []),
             "tcp://10.0.0.1:4000": ({**here, "unicode": "15.0.0", "python": "3.12"}, []),
             "tcp://10.0.0.3:4000": (here, ["the seeds folder"])}
    said = _identity_problems(found, here, folders)
    assert said == (
        "the Dask workers cannot make this build's output: tcp://10.0.0.1:4000 runs python "
        f"3.12 (here {here['python']}), unicode 15.0.0 (here {here['unicode']}); "
        "tcp://10.0.0.3:4000 cannot see the seeds folder (/data/seeds). Every worker must run "
        "the versions this machine runs (the output depends on them) and mount the seeds, "
        "--out and --cache folders at the same paths (README: Large corpora, A Dask "
        "cluster); nothing was written")
    assert _identity_problems({"tcp://10.0.0.2:4000": (here, [])}, here, folders) is None


def test_a_worker_that_sees_other_seeds_at_the_path_is_told(tmp_path: Path) -> None:
    """A worker with an empty folder, or another copy of the seeds, mounted at the seeds'
    path passed the check (it saw a folder there) and reported every document changed
    while read, or built the copy's text (QA): it must see the seeds' corpus.toml, byte
    for byte."""
    from corpuskit.daskengine import _identity_problems, _worker_identity, output_identity

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "corpus.toml").write_text('name = "x"\n')
    import hashlib

    probes = {"the seeds folder's corpus.toml": (
        str(seeds / "corpus.toml"), hashlib.sha256(b'name = "x"\n').hexdigest())}
    folders = {"the seeds folder": str(seeds)}
    assert _worker_identity(folders, probes) == (daskengine.worker_state(), [])
    (seeds / "corpus.toml").write_text('name = "y"\n')  # another copy at that path
    seen = _worker_identity(folders, probes)
    config = seeds / "corpus.toml"
    assert seen[1] == [f"the seeds folder's corpus.toml ({config}) as this machine does"]
    said = _identity_problems({"tcp://w:1": seen}, output_identity(), folders)
    assert said is not None and f"tcp://w:1 cannot see the seeds folder's corpus.toml " \
        f"({config}) as this machine does" in said
    (seeds / "corpus.toml").unlink()  # an empty folder there
    assert _worker_identity(folders, probes)[1] == [
        f"the seeds folder's corpus.toml ({config}) as this machine does"]


def test_a_worker_that_sees_another_cache_folder_at_the_path_is_told(tmp_path: Path) -> None:
    """A worker with a folder of its own at the cache's path passed the check (it saw a
    folder there), and kept the shards in it, which the build's machine never saw,
    cleared nor pruned (QA s96 scale 2): it must see a file the build writes there, byte
    for byte, removed once the workers are checked."""
    from types import SimpleNamespace

    from corpuskit.daskengine import (
        CACHE_FOLDER,
        _cache_probe,
        _identity_problems,
        _shared_folders,
        _worker_identity,
        output_identity,
    )

    cache = tmp_path / "cache"
    cache.mkdir()
    (tmp_path / "seeds").mkdir()
    tasks: Any = [SimpleNamespace(seeds=tmp_path / "seeds", cache=cache,
                                  package=tmp_path / "out" / ".tmp-x-1.0.0-42")]
    (tmp_path / "out" / ".tmp-x-1.0.0-42").mkdir(parents=True)
    folders = _shared_folders(tasks)
    assert folders[CACHE_FOLDER] == str(cache)
    probes: dict[str, tuple[str, str]] = {}
    with _cache_probe(tasks, folders, probes):
        assert CACHE_FOLDER not in folders and CACHE_FOLDER in probes
        probe = Path(probes[CACHE_FOLDER][0])
        assert probe.parent == cache and probe.is_file()
        assert _worker_identity(folders, probes) == (daskengine.worker_state(), [])
        probe.write_bytes(b"corpuskit build of another machine\n")  # another folder there
        seen = _worker_identity(folders, probes)
        assert seen[1] == [f"{CACHE_FOLDER} ({cache}) as this machine does"]
        said = _identity_problems({"tcp://w:1": seen}, output_identity(), folders)
        assert said is not None and \
            f"tcp://w:1 cannot see {CACHE_FOLDER} ({cache}) as this machine does" in said
        probe.unlink()  # an empty folder there
        assert _worker_identity(folders, probes)[1] == [
            f"{CACHE_FOLDER} ({cache}) as this machine does"]
    assert list(cache.iterdir()) == []  # the probe removed


def test_a_worker_that_reads_file_names_in_another_encoding_is_refused_by_name(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A worker whose Python read file names as ASCII (LC_ALL=C, PYTHONUTF8=0) or Latin-1
    passed the check, then failed the build with an empty "UnicodeEncodeError: ", or said
    a file was "removed or renamed while it was read" (QA). Its encoding is compared with
    this machine's: the worker is named, with what to do; one that joins later too."""
    from corpuskit.daskengine import FILE_NAMES, _checked_shard, _identity_problems

    here = {**daskengine.worker_state(), FILE_NAMES: "utf-8"}  # the build's machine
    monkeypatch.setattr(sys, "getfilesystemencoding", lambda: "ANSI_X3.4-1968")
    ascii_worker = daskengine.worker_state()
    assert ascii_worker == {**here, FILE_NAMES: "ascii"}
    said = _identity_problems({"tcp://10.0.0.1:4000": (ascii_worker, []),
                               "tcp://10.0.0.2:4000": (here, [])}, here, {})
    assert said == (
        "the Dask workers cannot make this build's output: tcp://10.0.0.1:4000 runs Python "
        "reading file names as ascii (here utf-8). Every worker must read file names as "
        "this machine does: run corpuskit and every worker with PYTHONUTF8=1 or a UTF-8 "
        "locale such as LC_ALL=C.UTF-8. Every worker must run the versions this machine "
        "runs (the output depends on them) and mount the seeds, --out and --cache folders "
        "at the same paths (README: Large corpora, A Dask cluster); nothing was written")
    task = engine.ShardTask(0, (), tmp_path, tmp_path / "package", ProcessConfig(), None,
                            1 << 20)
    with pytest.raises(OutputError) as caught:
        _checked_shard(here, task)  # on the ASCII worker, which joined after the check
    assert str(caught.value) == (
        f"the Dask workers cannot make this build's output: the Dask worker on "
        f"{socket.gethostname()}, which joined during the build, runs Python reading file "
        "names as ascii (here utf-8). Every worker must read file names as this machine "
        "does: run corpuskit and every worker with PYTHONUTF8=1 or a UTF-8 locale such as "
        "LC_ALL=C.UTF-8. Every worker must run the versions this machine runs (the output "
        "depends on them) and mount the seeds, --out and --cache folders at the same paths "
        "(README: Large corpora, A Dask cluster); nothing was written")
    assert not (tmp_path / "package").exists()


def test_a_dask_build_on_workers_that_read_names_as_ascii_is_refused_before_any_work(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """End to end: workers started with LC_ALL=C and PYTHONUTF8=0 (the scheduler's Nanny
    sets them before it starts each worker's Python)."""
    distributed = pytest.importorskip("distributed")
    import dask

    if daskengine.worker_state()[daskengine.FILE_NAMES] != "utf-8":
        pytest.skip("this Python reads file names in another encoding than UTF-8")
    seeds = make_seeds(tmp_path, {
        "plain.txt": "A plain English document with enough words to be a document.\n",
        "uni/Café.txt": "Le café est très bon à Paris, nous en buvons chaque matin.\n"})
    worker_env = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"}
    for name, value in worker_env.items():  # the Nanny sets them here too: restored after
        monkeypatch.setenv(name, value)
    with dask.config.set({"distributed.nanny.pre-spawn-environ": worker_env}), \
            distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                     dashboard_address=":0", host="127.0.0.1") as cluster:
        worker = next(iter(cluster.scheduler.workers))
        with pytest.raises(OutputError) as caught:
            build(seeds, tmp_path / "out", engine="dask", scheduler=cluster.scheduler_address,
                  cache=None)
    assert str(caught.value).startswith(
        f"the Dask workers cannot make this build's output: {worker} runs Python reading "
        "file names as ascii (here utf-8). Every worker must read file names as this "
        "machine does: run corpuskit and every worker with PYTHONUTF8=1 or a UTF-8 locale "
        "such as LC_ALL=C.UTF-8.")
    assert not any(p for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")) \
        if (tmp_path / "out").exists() else True


@contextmanager
def _worker_importing(pythonpath: Path, cwd: Path) -> Iterator[str]:
    """The address of a scheduler (a LocalCluster's) whose one worker is a ``dask worker``
    process that imports corpuskit from ``pythonpath`` first, as a worker installed
    elsewhere does (a LocalCluster's workers import what this process imports)."""
    distributed = pytest.importorskip("distributed")
    env = {**os.environ, "PYTHONPATH": str(pythonpath), "PYTHONUTF8": "1"}
    with distributed.LocalCluster(n_workers=0, dashboard_address=":0",
                                  host="127.0.0.1") as cluster:
        worker = subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", cluster.scheduler_address,
             "--nthreads", "1", "--no-dashboard", "--no-nanny"],
            env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while not cluster.scheduler.workers:
                assert worker.poll() is None and time.monotonic() < deadline, \
                    "the worker did not join"
                time.sleep(0.1)
            yield cluster.scheduler_address
        finally:
            worker.terminate()
            worker.wait(30)


def _small_seeds(tmp_path: Path) -> Path:
    return make_seeds(tmp_path, {
        "plain.txt": "A plain English document with enough words to be a document.\n"})


def test_a_worker_running_other_corpuskit_code_of_the_same_version_is_refused(
        tmp_path: Path) -> None:
    """Only version strings were compared: a worker installed from an older checkout
    (corpuskit 0.1.0 too) built other records, exit 0 (QA: dask 1). Its code is compared:
    here a copy of this corpuskit with one line added."""
    import corpuskit
    from corpuskit.outputidentity import code_identity

    other = tmp_path / "other"
    shutil.copytree(Path(corpuskit.__file__).parent, other / "corpuskit",
                    ignore=shutil.ignore_patterns("__pycache__"))
    with (other / "corpuskit" / "normalize.py").open("a") as changed:
        changed.write("# another corpuskit of the same version\n")
    seeds = _small_seeds(tmp_path)
    with _worker_importing(other, tmp_path) as scheduler, \
            pytest.raises(OutputError) as caught:
        build(seeds, tmp_path / "out", engine="dask", scheduler=scheduler, cache=None)
    said = str(caught.value)
    assert re.fullmatch(
        r"the Dask workers cannot make this build's output: tcp://127\.0\.0\.1:\d+ runs "
        rf"corpuskit code sha256:[0-9a-f]{{16}} \(here {code_identity()}; differing: "
        r"normalize\.py\)\. Every worker "
        r"must run the very corpuskit this machine runs, not only one of its version: "
        r"install the same corpuskit on each worker \(from the same source folder or "
        r"wheel: pip install '\.\[dask\]', with its dependencies\) and restart the "
        r"workers, whose processes keep the code they started with\. Every worker must "
        r"run the versions .*"
        r"\(README: Large corpora, A Dask cluster\); nothing was written", said), said
    assert not (tmp_path / "out").exists() or not any(
        p for p in (tmp_path / "out").iterdir() if not p.name.startswith("."))


def test_a_worker_without_corpuskit_is_named_before_any_work(tmp_path: Path) -> None:
    """It was "the Dask cluster ... failed during the build (Exception:
    ModuleNotFoundError(...))": no worker named, nothing to do (QA: dask 2). A corpuskit
    that cannot be imported stands in for none installed."""
    missing = tmp_path / "missing"
    (missing / "corpuskit").mkdir(parents=True)
    (missing / "corpuskit" / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'corpuskit'\", name='corpuskit')\n")
    seeds = _small_seeds(tmp_path)
    with _worker_importing(missing, tmp_path) as scheduler, \
            pytest.raises(OutputError) as caught:
        build(seeds, tmp_path / "out", engine="dask", scheduler=scheduler, cache=None)
    said = str(caught.value)
    assert re.fullmatch(
        r"the Dask workers cannot make this build's output: tcp://127\.0\.0\.1:\d+ cannot "
        r"import corpuskit \(ModuleNotFoundError: No module named 'corpuskit'\)\. Every "
        r"worker must run the very corpuskit this machine runs, .* with its dependencies\) "
        r"and restart the workers, whose processes keep the code they started with\. "
        r".*; nothing was written", said), said


def test_the_check_names_a_worker_whose_check_failed() -> None:
    """The errors a worker's check fails with, as distributed passes them on."""
    from corpuskit.daskengine import _failed_check

    assert _failed_check(Exception("ModuleNotFoundError(\"No module named 'ftfy'\")")) == (
        "cannot import corpuskit (ModuleNotFoundError: No module named 'ftfy')")
    assert _failed_check(Exception("KeyError('x')")) == "failed the check (KeyError: x)"
    assert _failed_check(ModuleNotFoundError("No module named 'corpuskit'")) == (
        "cannot import corpuskit (ModuleNotFoundError: No module named 'corpuskit')")
    assert _failed_check(OSError("disk\nfull")) == "failed the check (OSError: disk full)"


def test_a_worker_that_joins_during_a_build_checks_itself(tmp_path: Path) -> None:
    """Workers were checked once, before the shards were sent: one of another version that
    joined later ran shards unchecked (QA). Each task checks the worker it runs on, and is
    refused as the check at the start refuses one: named, with what to do and that nothing
    was written (it said neither, QA: dask 4); other code of the same version too (QA:
    dask 1)."""
    from corpuskit.daskengine import CODE, _checked_shard, worker_state

    here = worker_state()
    task = engine.ShardTask(0, (), tmp_path, tmp_path / "package", ProcessConfig(), None,
                            1 << 20)
    advice = (
        "Every worker must run the versions this machine runs (the output depends on them) "
        "and mount the seeds, --out and --cache folders at the same paths (README: Large "
        "corpora, A Dask cluster); nothing was written")
    code = ("Every worker must run the very corpuskit this machine runs, not only one of its "
            "version: install the same corpuskit on each worker (from the same source folder "
            "or wheel: pip install '.[dask]', with its dependencies) and restart the workers, "
            "whose processes keep the code they started with. ")
    worker = f"the Dask worker on {socket.gethostname()}, which joined during the build,"
    for expected, differing in (
            ({**here, "corpuskit": "0.0.1"}, f"corpuskit {here['corpuskit']} (here 0.0.1). "),
            ({**here, CODE: "sha256:0123456789abcdef"},
             f"corpuskit code {here[CODE]} (here sha256:0123456789abcdef). {code}")):
        with pytest.raises(OutputError) as caught:
            _checked_shard(expected, task)
        assert str(caught.value) == (
            f"the Dask workers cannot make this build's output: {worker} runs {differing}"
            + advice)
    assert not (tmp_path / "package").exists()


def test_a_worker_that_joins_during_a_build_is_named_by_its_address(tmp_path: Path) -> None:
    """On a worker, the refusal names it as the check at the start does: by address."""
    distributed = pytest.importorskip("distributed")
    from corpuskit.daskengine import _checked_shard, worker_state

    task = engine.ShardTask(0, (), tmp_path, tmp_path / "package", ProcessConfig(), None,
                            1 << 20)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  protocol="tcp", dashboard_address=":0",
                                  host="127.0.0.1") as cluster, \
            distributed.Client(cluster, set_as_default=False) as client:
        worker = next(iter(cluster.scheduler.workers))
        future = client.submit(_checked_shard, {**worker_state(), "corpuskit": "0.0.1"}, task)
        with pytest.raises(OutputError, match=re.escape(
                f"output: {worker}, which joined during the build, runs corpuskit ")):
            future.result()


def test_a_worker_state_says_the_code_and_the_cache_format(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """What a worker is held to besides versions: a digest of corpuskit's source files and
    schemas, and the shard cache's format (a version string does not tell them apart)."""
    from corpuskit import outputidentity
    from corpuskit.daskengine import CODE, SHARD_CACHE, _identity_problems, worker_state

    here = worker_state()
    assert here[SHARD_CACHE] == shardcache.CACHE_FORMAT
    assert re.fullmatch(r"sha256:[0-9a-f]{16}", here[CODE])
    assert outputidentity.code_identity() == here[CODE]
    old = {name: value for name, value in here.items() if name not in (CODE, SHARD_CACHE)}
    said = _identity_problems({"tcp://w:1": ({**here, SHARD_CACHE: "v30"}, []),
                               "tcp://w:2": (old, [])}, here, {})
    assert said is not None and said.startswith(
        f"the Dask workers cannot make this build's output: tcp://w:1 runs shard cache "
        f"format v30 (here {shardcache.CACHE_FORMAT}); tcp://w:2 runs corpuskit code not "
        f"said (an older corpuskit) (here {here[CODE]}), shard cache format not said (an "
        f"older corpuskit) (here {shardcache.CACHE_FORMAT}). Every worker must run the very "
        "corpuskit")
    # Computed once a process: the local engine never asks for it.
    reads: list[Path] = []
    monkeypatch.setattr(Path, "read_bytes", lambda path: reads.append(path) or b"")
    assert outputidentity.code_identity() == here[CODE] and reads == []


def _zipped_corpuskit(zip_path: Path, changed: dict[str, bytes] | None = None) -> Path:
    """This corpuskit as a wheel holds it (its schemas in ``corpuskit/schemas/``), in a zip,
    with ``changed`` files (by path in the package) given other bytes."""
    import corpuskit
    from corpuskit.schemacheck import schema_files

    package = Path(corpuskit.__file__).parent
    schemas = Path(str(schema_files()))
    with zipfile.ZipFile(zip_path, "w") as archive:
        for root, prefix in ((package, "corpuskit/"), (schemas, "corpuskit/schemas/")):
            for path in sorted(root.rglob("*")):
                name = path.relative_to(root).as_posix()
                if path.is_file() and "__pycache__" not in name and (
                        root == schemas or not name.startswith("schemas/")):
                    archive.writestr(prefix + name, (changed or {}).get(
                        prefix[len("corpuskit/"):] + name, path.read_bytes()))
    return zip_path


def test_corpuskit_imported_from_a_zip_is_held_to_its_code(tmp_path: Path) -> None:
    """Imported from a zip (a wheel on PYTHONPATH), corpuskit's folder does not exist: no
    module was hashed, so a worker running a wheel whose normalize turned "fox" into "FOX"
    had the sound wheel's digest and built other records, exit 0 (QA: dask 1, new). The
    modules are listed through the import system: a zip import's digest is that of the
    same code installed otherwise, and a changed module changes it."""
    from corpuskit.outputidentity import code_identity

    def digest_of(zip_path: Path) -> str:
        said = subprocess.run(
            [sys.executable, "-c", "import corpuskit, corpuskit.outputidentity as o; "
             "print(corpuskit.__file__); print(o.code_identity())"],
            env={**os.environ, "PYTHONPATH": str(zip_path)}, cwd=tmp_path,
            capture_output=True, text=True, timeout=120, check=True).stdout.split()
        assert said[0].startswith(str(zip_path) + os.sep), said  # imported from the zip
        return said[1]

    sound = _zipped_corpuskit(tmp_path / "sound.whl")
    normalize = (Path(corpuskit_module_file()).parent / "normalize.py").read_bytes()
    other = _zipped_corpuskit(tmp_path / "other.whl",
                              {"normalize.py": normalize + b"# other code\n"})
    assert digest_of(sound) == code_identity()
    assert digest_of(other) != code_identity()


def corpuskit_module_file() -> str:
    import corpuskit

    return corpuskit.__file__


def test_the_code_digest_is_of_the_modules_a_wheel_ships(tmp_path: Path) -> None:
    """An Emacs lock (``.#engine.py``, a dangling link) failed the build as "the Dask
    cluster ... failed"; a ``.py`` in a folder no wheel ships (no ``__init__.py``), a
    hidden folder or a name that is no module's was hashed, refusing workers installed
    from that folder's wheel (QA: dask 5 and 4, new). Only modules of packages are."""
    import corpuskit
    from corpuskit.outputidentity import _modules

    def listed(package: Path) -> list[tuple[str, bytes]]:
        return [(name, entry.read_bytes()) for name, entry in _modules(package, "")]

    copy = tmp_path / "corpuskit"
    shutil.copytree(Path(corpuskit.__file__).parent, copy,
                    ignore=shutil.ignore_patterns("__pycache__"))
    expected = listed(copy)
    assert ("engine.py", (copy / "engine.py").read_bytes()) in expected
    assert any(name.startswith("validation/") for name, _ in expected)
    (copy / ".#engine.py").symlink_to("root@host.1234:1700000000")  # dangling
    (copy / "not-a-module.py").write_text("x = 1\n")
    for folder in ("scratch", ".hidden", "__pycache__"):
        (copy / folder).mkdir(exist_ok=True)
        (copy / folder / "try_it.py").write_text("x = 1\n")
    (copy / "validation" / "gone.py").symlink_to(tmp_path / "missing.py")
    assert listed(copy) == expected


def test_no_code_digest_is_made_of_no_modules(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A corpuskit whose modules cannot be listed is refused, never hashed as empty (QA:
    dask 1, new); a file of its own it cannot read is this machine's problem, said so."""
    from importlib import resources

    from corpuskit import outputidentity

    real_files = resources.files
    monkeypatch.setattr(resources, "files", lambda name: tmp_path if name == "corpuskit"
                        else real_files(name))
    with pytest.raises(OutputError, match=r"^corpuskit's installation lists none of its "
                       r"modules \(.*\); reinstall corpuskit$"):
        outputidentity._code_bytes.__wrapped__()
    (tmp_path / "__init__.py").write_text("")
    (tmp_path / "engine.py").mkdir()  # a folder of that name: nothing to read
    (tmp_path / "normalize.py").write_text("")
    monkeypatch.setattr(Path, "read_bytes", lambda path: (_ for _ in ()).throw(
        PermissionError(13, "Permission denied")))
    with pytest.raises(OutputError, match=r"^cannot read corpuskit's file __init__\.py "
                       r"\(.*: Permission denied\); repair or reinstall corpuskit on this "
                       r"machine$"):
        outputidentity._code_bytes.__wrapped__()


def test_a_refusal_names_the_files_whose_code_differs() -> None:
    """Two digests did not say why a worker was refused (QA: dask 4, new): both sides say
    each file's digest, and the refusal names up to three that differ."""
    from corpuskit.daskengine import CODE, CODE_FILES, _differences, worker_state

    here = worker_state()
    files = json.loads(here[CODE_FILES])
    theirs = {**here, CODE: "sha256:0123456789abcdef", CODE_FILES: json.dumps(
        {**files, **{name: "0" * 16 for name in sorted(files)[:4]}, "scratch.py": "1" * 16})}
    first = sorted([*sorted(files)[:4], "scratch.py"])[:3]
    assert _differences(theirs, here, "here") == [
        f"corpuskit code sha256:0123456789abcdef (here {here[CODE]}; differing: "
        f"{', '.join(first)} and 2 more)"]
    older = {name: value for name, value in theirs.items() if name != CODE_FILES}
    assert _differences(older, here, "here") == [
        f"corpuskit code sha256:0123456789abcdef (here {here[CODE]})"]


def test_a_dask_worker_that_sees_another_version_of_the_seeds_refuses_its_files(
        tmp_path: Path) -> None:
    """A worker that saw a stale copy of the seeds (a network filesystem's cache, a
    lagging copy: same corpus.toml, a document older) built that copy's text, exit 0; one
    that did not see a file said it was "removed or renamed while it was read: run the
    command again" (QA). The build's machine gives each shard the sizes of its files, and
    the worker holds what it reads to them."""
    import socket

    from corpuskit.sourcerefs import SourceRefs

    seeds = make_seeds(tmp_path, {"a.txt": "Title A\n\nThe first document, as it is now.\n",
                                  "b.txt": "Title B\n\nThe second document.\n"})
    task = engine.ShardTask(0, SourceRefs(["a.txt", "b.txt", "gone.txt"]), seeds,
                            tmp_path / "package", ProcessConfig(), None, 1 << 20)
    listed = (seeds / "a.txt").stat().st_size, (seeds / "b.txt").stat().st_size
    placed = daskengine._absolute(task)  # on the build's machine
    assert placed.sizes == (*listed, -1)
    assert task.sizes is None  # the local engine's tasks: nothing compared
    assert pickle.loads(pickle.dumps(placed)) == replace(placed, refs=tuple(placed.refs))

    (seeds / "a.txt").write_text("Title A\n\nThe first document.\n")  # the worker's copy
    (tmp_path / "package").mkdir()
    (tmp_path / "package" / daskengine.ACTIVE).touch()
    placed = replace(placed, refs=(SourceRef("a.txt"), SourceRef("b.txt")), sizes=listed)
    result = daskengine._checked_shard(daskengine.worker_state(), placed)
    host = socket.gethostname()
    assert [(p.path, p.code, p.message) for p in result.problems] == [(
        "a.txt", "size-mismatch",
        f"{(seeds / 'a.txt').stat().st_size} bytes as the Dask worker on {host} reads it, "
        f"{listed[0]} as the build's machine listed it: the "
        "worker sees another version of the seeds than the build's machine (a stale copy, or "
        "a network filesystem's cache), unless the file changed during the build; make the "
        "seeds the same on every worker (README: Large corpora, A Dask cluster), then build "
        "again")]

    (seeds / "a.txt").unlink()  # a worker that does not see the file at all
    result = daskengine._checked_shard(daskengine.worker_state(), placed)
    assert [(p.path, p.code, p.message) for p in result.problems] == [(
        "a.txt", "unreadable-file",
        f"the Dask worker on {host} does not see it, which the build's machine listed: the "
        "worker sees another version of the seeds than the build's machine (a stale copy, or "
        "a network filesystem's cache), unless the file changed during the build; make the "
        "seeds the same on every worker (README: Large corpora, A Dask cluster), then build "
        "again")]
    # The local engine's worker sees the seeds the build listed: it says what it did.
    result = engine.process_shard(replace(placed, sizes=None))
    assert [p.message for p in result.problems] == [
        "cannot be read: No such file or directory; it was removed or renamed while it was "
        "read: run the command again"]


def test_pieces_deflated_by_workers_make_the_zip_deflating_the_folder_makes(
        one_job: Path, tmp_path: Path) -> None:
    """The workers' pieces are only a head start: the zip is byte for byte what the archive
    writer makes from the release folder alone."""
    import io

    from corpuskit.zipfiles.archive import write_zip

    release = next(p for p in one_job.iterdir() if p.is_dir() and not p.name.startswith("."))
    created = json.loads((release / "datapackage.json").read_bytes()).get("created")
    alone = io.BytesIO()
    write_zip(release, alone, release.name, created,
              compression=deflate.COMPRESSIONS[DEFAULT_COMPRESSION], threads=3)
    assert (one_job / f"{release.name}.zip").read_bytes() == alone.getvalue()


def test_a_shard_whose_names_list_apart_from_its_ids_makes_a_zip_in_listing_order(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files whose names sort otherwise than their ids ('p-s.txt' before 'p.txt', as '-'
    sorts before '.', where the id 'p' sorts first), cut into shards of four ('a' to
    'p-s', then 'p-s-t' to 'x'): the zip writer read names ahead of the first shard's
    segment that did not match it ('p-s-t.txt', the second's first, and 'p-s.txt'), and
    the second's segment, offered at the first of them, took its names from the listing
    past them, so that 'p-s.txt' was written after it (QA s102: a build of a Python
    installation's library wrote a zip that validate refused, 'entries are not in sorted
    order'). Its entries are in the folder's order, it is what the archive writer makes
    of the folder alone, and it is valid."""
    import io

    from corpuskit import shards
    from corpuskit.validation import validate
    from corpuskit.zipfiles.archive import write_zip

    monkeypatch.setattr(shards, "SHARD_MIN", 4)
    monkeypatch.setattr(shards, "SHARD_MAX", 4)
    monkeypatch.setattr(engine, "SHARD_MAX", 4)
    names = ["a", "p-a", "p-s-t", "p-s", "p-v", "p", "x"]
    seeds = make_seeds(tmp_path, {f"d/{name}.txt": f"The text of {name}, a document.\n"
                                  for name in names})
    assert shard_sizes_of(f"d/{name}.txt" for name in names) == [4, 3]
    result = build(seeds, tmp_path / "dist", jobs=1, cache=tmp_path / "cache")
    archive = result.release.with_name(f"{result.release.name}.zip")
    with zipfile.ZipFile(archive) as opened:
        raw = [name.split("/data/raw/d/", 1)[1] for name in opened.namelist()
               if "/data/raw/d/" in name]
    assert raw == sorted(f"{name}.txt" for name in names), raw
    created = json.loads((result.release / "datapackage.json").read_bytes()).get("created")
    alone = io.BytesIO()
    write_zip(result.release, alone, result.release.name, created,
              compression=deflate.COMPRESSIONS[DEFAULT_COMPRESSION])
    assert archive.read_bytes() == alone.getvalue()
    report = validate(archive)
    assert report.valid, report.problems


@pytest.mark.parametrize("pattern", ["*.jsonl", "*.deflate", "*.deflate.json"])
def test_a_cache_entry_with_one_changed_byte_is_a_miss(
        pattern: str, corpus: Path, warm_cache: Path, one_job: Path, tmp_path: Path) -> None:
    cache = _warm_copy(warm_cache, tmp_path)
    entries = sorted(cache.rglob(pattern))
    assert len(entries) == 3
    data = bytearray(entries[1].read_bytes())
    data[len(data) // 2] ^= 0x01  # same size, one bit: only a checksum sees it
    entries[1].write_bytes(bytes(data))
    result = build(corpus, tmp_path / "b", jobs=2, cache=cache)
    assert result.cached_shards == 2
    _same(one_job, tmp_path / "b", result.release.name)


@pytest.mark.parametrize("field", ["manifest", "stats"])
def test_a_cache_entry_whose_description_changed_is_a_miss(
        field: str, corpus: Path, warm_cache: Path, one_job: Path, tmp_path: Path) -> None:
    """An entry's .json holds its statistics and manifest lines, which go into the release
    as they are: a changed digit there (still valid JSON) must be a miss, not a release
    whose manifest or data card is wrong."""
    cache = _warm_copy(warm_cache, tmp_path)
    metas = sorted(p for p in cache.rglob("*.json")  # shard entries: folders of two hex digits
                   if len(p.stem) == 64 and len(p.parent.name) == 2)
    assert len(metas) == 3
    meta = json.loads(metas[1].read_bytes())
    if field == "manifest":
        digit = meta["manifest"][0]
        meta["manifest"] = ("0" if digit != "0" else "1") + meta["manifest"][1:]
    else:
        meta["stats"]["documents"] += 1
    metas[1].write_bytes(json.dumps(meta).encode())
    result = build(corpus, tmp_path / "b", jobs=2, cache=cache)
    assert result.cached_shards == 2
    _same(one_job, tmp_path / "b", result.release.name)


def _entry_files(jsonl: Path) -> list[Path]:
    return [jsonl, jsonl.with_suffix(".json"), shardpieces.pieces_path(jsonl),
            shardpieces.pieces_index_path(jsonl)]


@pytest.mark.parametrize("how", ["copied", "linked", "re-keyed"])
def test_a_cache_entry_under_another_shards_key_is_a_miss(
        how: str, corpus: Path, warm_cache: Path, one_job: Path, tmp_path: Path) -> None:
    """Another shard's entry in a shard's place passed every check of its own files and
    was published (exit 0): a release with duplicate ids and wrong manifests. "re-keyed"
    also rewrites its description's check for the key it now sits under."""
    cache = _warm_copy(warm_cache, tmp_path)
    entries = sorted(p for p in cache.rglob("*.jsonl") if len(p.stem) == 64)
    assert len(entries) == 3
    victim, other = entries[0], entries[1]
    for target, source in zip(_entry_files(victim), _entry_files(other), strict=True):
        target.unlink()
        if how == "linked":
            target.symlink_to(source)
        else:
            target.write_bytes(source.read_bytes())
    if how == "re-keyed":
        meta_path = victim.with_suffix(".json")
        meta = json.loads(meta_path.read_bytes())
        meta["check"] = shardcache._meta_check(victim.stem, meta["files"], meta["stats"],
                                           meta["manifest"])
        meta_path.write_bytes(json.dumps(meta).encode())
    result = build(corpus, tmp_path / "b", jobs=2, cache=cache)
    assert result.cached_shards == 2
    _same(one_job, tmp_path / "b", result.release.name)


@pytest.mark.parametrize("what", ["entry description", "entry records", "seeds states"])
def test_a_pipe_in_the_cache_is_a_miss_not_a_hang(what: str, corpus: Path, warm_cache: Path,
                                                  one_job: Path, tmp_path: Path) -> None:
    """A pipe in place of a cache file hung the build (a read of it waits for a writer);
    the language model's files: test_language_model_cache."""
    cache = _warm_copy(warm_cache, tmp_path)
    entry = sorted(p for p in cache.rglob("*.jsonl") if len(p.stem) == 64)[0]
    target = {"entry description": entry.with_suffix(".json"), "entry records": entry,
              "seeds states": sorted((cache / "seed-states").iterdir())[0]}[what]
    target.unlink()
    os.mkfifo(target)
    result = build(corpus, tmp_path / "b", jobs=2, cache=cache)
    _same(one_job, tmp_path / "b", result.release.name)


@pytest.mark.parametrize("size", [0, 1, 4999, 5000, 5001, 10**6])
def test_a_seeds_file_is_read_whole_up_to_the_limit(tmp_path: Path, size: int) -> None:
    """read_source learns the size with fstat and reads the file whole; a file over the
    limit is refused from its size alone, never read."""
    data = bytes(range(256)) * (size // 256 + 1)
    (tmp_path / "a.txt").write_bytes(data[:size])
    assert read_source(tmp_path, SourceRef("a.txt"), max_bytes=size).data == data[:size]
    assert read_source(tmp_path, SourceRef("a.txt"), max_bytes=10**6).data == data[:size]
    if size:
        with pytest.raises(DocumentProblem) as refused:
            read_source(tmp_path, SourceRef("a.txt"), max_bytes=size - 1)
        assert refused.value.problem.code == "too-large"
        assert f"{size} bytes is over the limit of {size - 1}" in refused.value.problem.message


def test_a_file_over_the_limit_is_not_read(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "big.txt").write_bytes(b"x" * 1000)

    def no_read(fd: int, size: int) -> bytes:
        raise AssertionError("read")

    monkeypatch.setattr(discover_module.os, "read", no_read)
    with pytest.raises(DocumentProblem) as refused:
        read_source(tmp_path, SourceRef("big.txt"), max_bytes=999)
    assert refused.value.problem.code == "too-large"


def test_a_file_growing_past_the_limit_while_read_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """fstat said it fits; the reads find more: refused once past the limit, not held."""
    (tmp_path / "grows.txt").write_bytes(b"x" * 10)
    reads = iter([b"x" * 11, b"y" * 600, b"z" * 600, b""])
    monkeypatch.setattr(discover_module.os, "read", lambda fd, size: next(reads))
    with pytest.raises(DocumentProblem) as refused:
        read_source(tmp_path, SourceRef("grows.txt"), max_bytes=1000)
    assert refused.value.problem.code == "too-large"
    assert "grew past the limit of 1000 bytes" in refused.value.problem.message


def test_a_file_read_to_the_size_fstat_gave_takes_one_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Asking for one byte more than fstat's size and getting exactly that size is the
    end of the file: no second read. A short read is read on to the end."""
    (tmp_path / "a.txt").write_bytes(b"0123456789")
    calls: list[int] = []
    real_read = os.read

    def counted(fd: int, size: int) -> bytes:
        calls.append(size)
        return real_read(fd, size)

    monkeypatch.setattr(discover_module.os, "read", counted)
    assert read_source(tmp_path, SourceRef("a.txt"), max_bytes=1000).data == b"0123456789"
    assert calls == [11]
    calls.clear()
    short = iter([b"0123", b"456789", b""])
    monkeypatch.setattr(discover_module.os, "read", lambda fd, size: next(short))
    assert read_source(tmp_path, SourceRef("a.txt"), max_bytes=1000).data == b"0123456789"


def test_a_shard_of_large_documents_is_written_without_holding_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker writes a shard's records, archive pieces and zip entries as it goes: its
    memory follows the largest document, not the shard (512 books are not held at once).
    Measured with tracemalloc over one shard of 24 documents of 400 KB; the raw bytes it
    may keep for a second pass are capped low here, as a larger shard would meet the cap."""
    monkeypatch.setattr(engine, "_MAX_SHARD_MEMORY", 1 << 20)
    paragraph = " ".join(WORDS * 6) + ".\n\n"
    text = paragraph * (400_000 // len(paragraph))
    seeds = make_seeds(tmp_path, {f"book-{i:02d}.txt": f"Book {i}\n\n{text}" for i in range(24)},
                       {"extract": {"language": False}})
    config = load_config(seeds)
    refs = tuple(discover_module.discover(seeds, config.discover).sources)
    package = tmp_path / "package"
    package.mkdir()
    task = engine.ShardTask(0, refs, seeds, package, config.process, None,
                            config.discover.max_file_bytes, archive_root="books-1.0.0",
                            created=None)
    shard_bytes = sum((seeds / ref.path).stat().st_size for ref in refs)
    tracemalloc.start()
    try:
        result = engine.process_shard(task)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.problems == () and result.stats.documents == 24
    records = result.jsonl.read_bytes()
    assert records.count(b"\n") == 24 and len(records) > shard_bytes
    # Measured: 5.8 MB, the processing of one document; 21.4 MB when the shard's records,
    # their deflated group and zip entries were held until the end of the shard.
    assert peak < shard_bytes, (peak, shard_bytes)
    # What was written is what the pieces' index says: the records, then the zip entries.
    index = json.loads(shardpieces.pieces_index_path(result.jsonl).read_bytes())
    blob = shardpieces.pieces_path(result.jsonl).read_bytes()
    # The records in pieces of about a MiB (whole records), as the file's groups are cut.
    cut = list(deflate.record_groups(io.BytesIO(records)))
    assert len(cut) > 1 and result.records is not None
    assert [(size, crc) for _, _, size, crc in index["records"]] == \
        [(length, zlib.crc32(records[at:at + length])) for at, length in cut]
    assert [tuple(entry) for entry in index["records"]] == list(result.records)
    deflated = b"".join(blob[start:start + length] for start, length, _, _ in index["records"])
    assert zlib.decompress(deflated + deflate.END, -15) == records
    segment = zipsegments.segment_path(shardpieces.pieces_path(result.jsonl)).read_bytes()
    with zipfile.ZipFile(io.BytesIO(_as_zip(segment, index["raw"], blob))) as opened:
        assert [info.filename for info in opened.infolist()] == \
            [f"books-1.0.0/data/raw/{ref.path}" for ref in refs]
        assert opened.read(f"books-1.0.0/data/raw/{refs[3].path}") == \
            (seeds / refs[3].path).read_bytes()


def _as_zip(segment: bytes, raw: list[list[Any]], pieces: bytes) -> bytes:
    """A segment made a zip of its own: each local header followed by its entry's bytes
    from the pieces, in name order, then the central records and an end record."""
    records = sum(46 + len(f"books-1.0.0/{name}".encode()) for name, *_ in raw)
    headers, entries = segment[:len(segment) - records], b""
    for name, _, _, start, length in sorted(raw):
        header = 30 + len(f"books-1.0.0/{name}".encode())
        entries += headers[:header] + pieces[start:start + length]
        headers = headers[header:]
    assert headers == b""
    return (entries + segment[len(segment) - records:]
            + zipformat.end_records(len(raw), records, len(entries)))


def test_a_dask_worker_gets_every_folder_as_an_absolute_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Dask worker runs in the cluster's working folder: every folder a task names goes
    to it absolute, the language model's among them (given relative, it was kept in a
    ``cache/models/`` of the worker's own working folder: QA, this project's checkout)."""
    from corpuskit.config import ProcessConfig
    from corpuskit.daskengine import _absolute

    monkeypatch.chdir(tmp_path)
    (tmp_path / "seeds").mkdir()
    task = engine.ShardTask(0, (), Path("seeds"), Path("package"), ProcessConfig(),
                            Path("cache"), 1000, earlier=Path("e"), model_cache=Path("models"))
    sent = _absolute(task)
    folders = {name: getattr(sent, name) for name in engine.ShardTask.__dataclass_fields__
               if isinstance(getattr(sent, name), Path)}
    assert set(folders) == {"seeds", "package", "cache", "earlier", "model_cache"}
    assert all(folder == tmp_path / getattr(task, name) for name, folder in folders.items())


def test_a_shard_task_goes_to_a_worker_with_its_refs_as_bare_paths(tmp_path: Path) -> None:
    """Every shard task is pickled to a worker: its 512 refs travel as strings (fifty
    times cheaper than SourceRef objects) and come back as the same task."""
    from corpuskit.config import ProcessConfig

    refs = tuple(SourceRef(f"part-{i // 100}/doc-{i:04d}.txt") for i in range(512))
    task = engine.ShardTask(7, refs, tmp_path / "seeds", tmp_path / "package",
                            ProcessConfig(), tmp_path / "cache", 1000, release=tmp_path / "r",
                            earlier=tmp_path / "e", archive_root="c-1.0.0",
                            created="2024-01-01T00:00:00Z")
    sent = pickle.dumps(task, protocol=pickle.HIGHEST_PROTOCOL)
    assert b"SourceRef" not in sent
    received = pickle.loads(sent)
    assert received == task
    assert all(type(ref) is SourceRef for ref in received.refs)


def _sized_tasks(tmp_path: Path, sizes: list[list[int]]) -> list[engine.ShardTask]:
    """Shard tasks whose files have the given sizes (a size of -1: a missing file)."""
    from corpuskit.config import ProcessConfig

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    tasks = []
    for index, shard in enumerate(sizes):
        refs = []
        for number, size in enumerate(shard):
            path = f"s{index}/f{number}.txt"
            if size >= 0:
                (seeds / f"s{index}").mkdir(exist_ok=True)
                (seeds / path).write_bytes(b"x" * size)
            refs.append(SourceRef(path))
        tasks.append(engine.ShardTask(index, tuple(refs), seeds, tmp_path / "package",
                                      ProcessConfig(), None, 1 << 20))
    return tasks


def test_few_shards_start_largest_first(tmp_path: Path) -> None:
    """A shard holding the large files would keep one core busy alone at the end if it
    started last: with few shards per worker they start by size, largest first (ties in
    shard order; a file that cannot be measured counts as empty)."""
    tasks = _sized_tasks(tmp_path, [[10, 10], [300, 5], [20], [9000, 1, 1], [20], [-1, 30]])
    assert engine.start_order(tasks, 2) == [3, 1, 5, 0, 2, 4]


def test_many_shards_start_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With many shards per worker the last one is a small part of the build: no file is
    measured, shards start in their order."""
    monkeypatch.setattr(engine, "FEW_SHARDS_PER_WORKER", 2)
    tasks = _sized_tasks(tmp_path, [[1], [50], [2], [70], [3]])
    assert engine.start_order(tasks, 2) == [0, 1, 2, 3, 4]
    assert engine.start_order(tasks, 3) == [3, 1, 4, 2, 0]


def test_many_shards_spread_over_folders(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Shards that write into one folder are not started one after the other while a
    shard of another folder waits next: two of every folder's shards, in order."""
    monkeypatch.setattr(engine, "FEW_SHARDS_PER_WORKER", 1)
    tasks = _sized_tasks(tmp_path, [[1], [1], [1], [1], [1], [1]])
    paired = [replace(task, refs=(SourceRef(f"f{task.index // 2}/d{task.index}.txt"),))
              for task in tasks]
    assert engine.start_order(paired, 2) == [0, 2, 1, 3, 4, 5]
    assert engine.start_order(paired, 3) == [0, 2, 4, 1, 3, 5]


@pytest.mark.parametrize(("folders", "jobs", "expected"), [
    (["a", "a", "b", "b", "c", "c"], 2, [0, 2, 1, 3, 4, 5]),
    (["", "", "", ""], 2, [0, 1, 2, 3]),  # one folder: nothing to spread
    (["a", "a", "b", "b"], 1, [0, 1, 2, 3]),  # one worker: nothing runs at once
    (["a", "b", "c", "d"], 2, [0, 1, 2, 3]),  # already spread
])
def test_spread_by_folder(folders: list[str], jobs: int, expected: list[int]) -> None:
    assert engine.spread_by_folder([frozenset({f}) for f in folders], jobs) == expected


def test_spread_by_folder_keeps_close_to_order() -> None:
    """Whatever the folders, every shard starts once, and none more than the window's
    places after its turn (so results taken in order wait little), even where one folder's
    shards run long."""
    rng = random.Random(7)
    for _ in range(200):
        count, jobs, window = rng.randint(1, 40), rng.randint(1, 4), rng.randint(1, 5)
        folders = [frozenset(rng.sample("abcde", rng.randint(1, 2))) for _ in range(count)]
        order = engine.spread_by_folder(folders, jobs, window)
        assert sorted(order) == list(range(count))
        assert all(at - index <= window for at, index in enumerate(order))
    long_run = [frozenset({"a"})] * 20 + [frozenset({"b"})] * 20
    order = engine.spread_by_folder(long_run, 2, window=4)
    assert all(at - index <= 4 for at, index in enumerate(order))


def test_shards_started_out_of_order_are_yielded_in_order(tmp_path: Path) -> None:
    """The results come in shard order whatever order the shards were started in."""
    from concurrent.futures import Future

    started: list[int] = []

    class Pool:
        def submit(self, function: Any, task: engine.ShardTask) -> Future[Any]:
            started.append(task.index)
            future: Future[Any] = Future()
            future.set_result(task.index)
            return future

    tasks = _sized_tasks(tmp_path, [[5], [500], [50]])
    assert list(engine._in_order(Pool(), tasks, 2)) == [0, 1, 2]  # type: ignore[arg-type]
    assert started == [1, 2, 0]


def test_a_seeds_file_that_changes_between_two_reads_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file whose bytes were not kept is read twice, once for data/raw/ and the cache
    key, once for its record. Changed in between, the build wrote a release whose record
    disagreed with its raw file (exit 0) and cached that record under the first bytes'
    key, for every later build to reuse."""
    from corpuskit.errors import InputError
    from corpuskit.validation import validate

    seeds = make_seeds(tmp_path, {"a.txt": "Title A\n\nSome text of the first file.\n",
                                  "b.txt": "Title B\n\nSome text of the second file.\n"})
    out, cache = tmp_path / "out", tmp_path / "cache"
    monkeypatch.setattr(engine, "_MAX_SHARD_MEMORY", 0)  # keep no bytes: read each twice
    real = engine.read_source

    def edited_on_the_second_read(folder: Path, ref: SourceRef, **limits: Any) -> Any:
        raw = real(folder, ref, **limits)
        if ref.path == "a.txt":
            return type(raw)(raw.id, raw.path, raw.data + b"Injected.\n")
        return raw

    monkeypatch.setattr(engine, "read_source", edited_on_the_second_read)
    with pytest.raises(InputError) as caught:
        build(seeds, out, jobs=1, cache=cache)
    assert [(p.path, p.code, p.message) for p in caught.value.problems] == [
        ("a.txt", "unreadable-file", engine.CHANGED_WHILE_READ)]
    assert not any(p for p in out.iterdir() if not p.name.startswith(".")) \
        if out.exists() else True

    monkeypatch.setattr(engine, "read_source", real)
    result = build(seeds, out, jobs=1, cache=cache)  # nothing of the bad read was cached
    assert validate(result.release, jobs=1).valid


def test_entries_no_build_used_for_long_are_pruned(corpus: Path, tmp_path: Path) -> None:
    """The cache grew by a shard for every shard that changed, for ever: a build removes
    the entries (and seeds states, listings) no build used for CACHE_MAX_AGE, and keeps
    the rest."""
    cache = tmp_path / "cache"
    build(corpus, tmp_path / "out", jobs=1, cache=cache)
    metas = sorted(p for p in cache.glob("??/*.json") if not p.name.endswith(".deflate.json"))
    states = sorted((cache / "seed-states").iterdir())
    kept_listings = sorted((cache / "listings").iterdir())
    assert len(metas) >= 2 and states and kept_listings
    old = metas[0]
    stale = __import__("time").time() - shardcache.CACHE_MAX_AGE - 3600
    for path in (old, old.with_suffix(".jsonl"), *states, *kept_listings):
        os.utime(path, (stale, stale))
    # A build of other seeds, sharing the cache, uses none of this corpus's entries.
    other = make_seeds(tmp_path / "other", {"x.txt": "Title\n\nSome other text.\n"})
    build(other, tmp_path / "other-out", jobs=1, cache=cache)
    assert not old.exists() and not old.with_suffix(".jsonl").exists()
    assert not shardpieces.pieces_path(old.with_suffix(".jsonl")).exists()
    assert all(p.exists() for p in metas[1:])
    assert not any(p.exists() for p in states)
    assert not any(p.exists() for p in kept_listings)
    assert len(list((cache / "listings").iterdir())) == 1  # the other seeds'
    # A hit keeps an entry: the corpus builds again from the entries it still has.
    again = build(corpus, tmp_path / "again", jobs=1, cache=cache)
    assert again.cached_shards == len(metas) - 1


def test_what_killed_builds_left_in_the_cache_is_pruned(corpus: Path, tmp_path: Path) -> None:
    """A half-written file, or an entry whose description was never written, stayed in a
    shard folder for ever (only described entries were pruned); then for 30 days, as an
    entry no build used (QA: a killed build's temporary seeds state outlived every later
    build). Once an hour old, it goes."""
    cache = tmp_path / "cache"
    build(corpus, tmp_path / "out", jobs=1, cache=cache)
    folder = sorted(cache.glob("??"))[0]
    half = folder / ".corpuskit-tmp-deadbeef.jsonl-99999"
    state = next((cache / "seed-states").iterdir())
    half_state = state.with_name(f".corpuskit-tmp-{state.name}-99999")
    orphan = folder / f"{folder.name}{'0' * 62}.jsonl"  # named by a key of its folder
    young = folder / f"{folder.name}{'1' * 62}.jsonl"
    young_half = folder / ".corpuskit-tmp-feed.jsonl-99998"
    for path in (half, half_state, orphan, young, young_half, shardpieces.pieces_path(orphan)):
        path.write_bytes(b"x" * 1000)
    now = __import__("time").time()
    stale = now - shardcache.HALF_WRITTEN_MAX_AGE - 60
    recent = now - shardcache.HALF_WRITTEN_MAX_AGE + 600
    for path in (half, half_state, orphan, shardpieces.pieces_path(orphan)):
        os.utime(path, (stale, stale))
    for path in (young, young_half):
        os.utime(path, (recent, recent))
    entries = sorted(p for p in cache.rglob("*") if p.is_file() and p.stat().st_mtime > stale)
    build(corpus, tmp_path / "again", jobs=1, cache=cache)
    assert not half.exists() and not half_state.exists() and not orphan.exists()
    assert not shardpieces.pieces_path(orphan).exists()
    assert young.exists() and young_half.exists()  # perhaps a build writing them now
    assert all(p.exists() for p in entries)


def test_pruning_removes_only_what_builds_write(corpus: Path, tmp_path: Path) -> None:
    """--cache given a folder that holds other files: a build removed a month-old
    'de/articles.jsonl' and 'fa/corpus.json' (two hex digits, a shard folder's name), any
    file in 'seed-states/' and 'listings/', and files a linked folder led to (QA). Only
    files named as a build names them, in folders of the cache itself, are pruned."""
    cache = tmp_path / "cache"
    elsewhere = tmp_path / "elsewhere"
    mine = [cache / "de" / "articles.jsonl", cache / "de" / "de-words.jsonl",
            cache / "fa" / "corpus.json",
            cache / "seed-states" / "notes.txt", cache / "listings" / "settings.json",
            cache / "ab" / f"cd{'0' * 62}.json",  # an entry's form, in another key's folder
            elsewhere / f"{'e' * 64}.json", elsewhere / f"{'e' * 64}.jsonl",
            elsewhere / f"{'0' * 64}.states"]
    for path in mine:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("mine\n")
    (cache / "ee").symlink_to(elsewhere, target_is_directory=True)
    stale = __import__("time").time() - shardcache.CACHE_MAX_AGE - 3600
    for path in mine:
        os.utime(path, (stale, stale))
    build(corpus, tmp_path / "out", jobs=1, cache=cache)
    assert all(path.read_text() == "mine\n" for path in mine)
    shutil.rmtree(cache / "seed-states")
    (cache / "seed-states").symlink_to(elsewhere, target_is_directory=True)
    build(corpus, tmp_path / "again", jobs=1, cache=cache)
    assert all(path.read_text() == "mine\n" for path in mine[5:])


@pytest.mark.parametrize("cached", [False, True])
def test_a_shard_run_again_on_dask_writes_what_one_run_writes(cached: bool,
                                                              tmp_path: Path) -> None:
    """Dask runs a task again when its worker is lost: the rerun failed on the raw files the
    lost attempt had placed ("File exists"), and a rerun writing through a shard file
    hard-linked to a cache entry would have changed the entry."""
    from corpuskit.config import ProcessConfig

    seeds = make_seeds(tmp_path, {f"d{i}.txt": f"Title {i}\n\nSome text about rivers {i}.\n"
                                  for i in range(5)})
    refs = tuple(SourceRef(f"d{i}.txt") for i in range(5))
    cache = tmp_path / "cache" if cached else None

    def task(package: Path) -> engine.ShardTask:
        return engine.ShardTask(0, refs, seeds, package, ProcessConfig(), cache, 10**6,
                                archive_root="c-1.0.0", created="2024-01-01T00:00:00Z")

    def tree(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes()
                for p in sorted(folder.rglob("*")) if p.is_file()}

    once = engine.process_shard(task(tmp_path / "once"))
    cache_before = tree(cache) if cache is not None else {}
    engine.process_shard(task(tmp_path / "twice"))  # the lost attempt (a hit if cached)
    (tmp_path / "twice" / daskengine.ACTIVE).touch()  # as the build marks its folder
    again = daskengine._rerunnable_shard(task(tmp_path / "twice"))
    (tmp_path / "twice" / daskengine.ACTIVE).unlink()
    assert (again.stats, again.manifest, again.problems) == (once.stats, once.manifest, ())
    assert tree(tmp_path / "twice") == tree(tmp_path / "once")
    if cache is not None:
        assert {k: v for k, v in tree(cache).items() if "seed-states" not in k} == {
            k: v for k, v in cache_before.items() if "seed-states" not in k}


def test_a_dask_shard_of_a_build_that_gave_up_leaves_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build that gives up removes its temporary folder, but cannot stop a shard running
    on a worker: that shard went on writing, making the folder again (QA: Ctrl-C, SIGTERM
    or a lost scheduler left .corpuskit-tmp-* behind). A shard starts only while the
    build's ACTIVE file is there, and removes the folder if it is gone when it ends."""
    from corpuskit.config import ProcessConfig

    seeds = make_seeds(tmp_path, {"d.txt": "Title\n\nSome text about rivers.\n"})
    package = tmp_path / "out" / ".corpuskit-tmp-c-1.0.0-x"
    task = engine.ShardTask(0, (SourceRef("d.txt"),), seeds, package, ProcessConfig(), None,
                            10**6, archive_root="c-1.0.0", created="2024-01-01T00:00:00Z")
    with pytest.raises(OutputError, match="no longer being built"):
        daskengine._rerunnable_shard(task)  # never marked (or given up before it started)
    assert not package.exists()
    package.mkdir(parents=True)
    (package / daskengine.ACTIVE).touch()
    real = engine.process_shard

    def given_up_meanwhile(task: engine.ShardTask) -> engine.ShardResult:
        shutil.rmtree(task.package)  # the build gave up and removed its folder
        return real(task)  # the shard writes on, making it again

    monkeypatch.setattr(daskengine, "process_shard", given_up_meanwhile)
    daskengine._rerunnable_shard(task)
    assert list((tmp_path / "out").iterdir()) == []


def test_a_dask_shard_that_ends_while_the_build_waits_leaves_the_folder_to_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build that gave up waits for the shards still running; the first of them to end
    removed the folder, under the others still writing into it (QA: "cannot write the
    compressed archive pieces ...: No such file or directory" on the workers). While the
    build's ENDING file is there, a shard that ends leaves the folder to the build."""
    from corpuskit.config import ProcessConfig

    seeds = make_seeds(tmp_path, {"d.txt": "Title\n\nSome text about rivers.\n"})
    package = tmp_path / "out" / ".corpuskit-tmp-c-1.0.0-x"
    package.mkdir(parents=True)
    (package / "another shard's file").write_text("still being written\n")
    (package / daskengine.ACTIVE).touch()
    task = engine.ShardTask(0, (SourceRef("d.txt"),), seeds, package, ProcessConfig(), None,
                            10**6, archive_root="c-1.0.0", created="2024-01-01T00:00:00Z")
    real = engine.process_shard

    def given_up_meanwhile(task: engine.ShardTask) -> engine.ShardResult:
        (task.package / daskengine.ENDING).touch()  # the build gave up, and waits
        (task.package / daskengine.ACTIVE).unlink()
        return real(task)

    monkeypatch.setattr(daskengine, "process_shard", given_up_meanwhile)
    daskengine._rerunnable_shard(task)
    assert (package / "another shard's file").read_text() == "still being written\n"


def test_a_build_stopped_between_shards_closes_them_before_removing_its_folder(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An interrupt while the build copied a shard's records (not while it waited for the
    next) left the shards' generator to the garbage collector, which closed it (waiting
    for the shards still running, or cancelling them) only after the build had removed the
    folder they write into (QA, on Dask). It is closed first."""
    import importlib

    build_module = importlib.import_module("corpuskit.build")  # (corpuskit.build: the function)
    seen: list[bool] = []
    real_run = build_module.run_shards

    def watched(tasks: list[engine.ShardTask], *args: object, **kwargs: object
                ) -> Iterator[engine.ShardResult]:
        try:
            yield from real_run(tasks, *args, **kwargs)  # type: ignore[arg-type]
        finally:  # where the shards still running are waited for: is their folder there?
            seen.append(tasks[0].package.is_dir())

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(build_module, "run_shards", watched)
    monkeypatch.setattr(build_module, "_copy_records", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(corpus, tmp_path / "out", jobs=2, cache=None)
    assert seen == [True]
    out = tmp_path / "out"
    assert not out.exists() or [p.name for p in out.iterdir()
                                if not p.name.startswith(".corpuskit-lock")] == []


def test_an_interrupted_dask_build_leaves_nothing(corpus: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """It waited for the shards still running with distributed.wait, which asks for a
    default client and so failed at once: the build removed its folder, and the shards
    wrote it again (QA)."""
    distributed = pytest.importorskip("distributed")
    build_module = sys.modules["corpuskit.build"]  # the package's "build" is the function

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(build_module, "_copy_records", interrupted)  # at the first shard
    out = tmp_path / "out"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0", host="127.0.0.1") as cluster:
        with pytest.raises(KeyboardInterrupt):
            build(corpus, out, engine="dask", scheduler=cluster.scheduler_address, cache=None)
        with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
            deadline = time.monotonic() + 60
            while any(client.processing().values()) and time.monotonic() < deadline:
                time.sleep(0.05)
    left = sorted(path.name for path in out.iterdir()) if out.exists() else []
    assert left in ([], [".corpuskit-lock"])  # the build made out, and removed it


def _helper_threads_blocking_sigint(_: object) -> list[tuple[str, bool]]:
    """In a worker: each thread but the main one, and whether its signal mask blocks
    SIGINT (Linux: /proc/self/task/<tid>/status)."""
    import signal
    import threading

    found = []
    for thread in threading.enumerate():
        if thread is threading.main_thread() or thread.native_id is None:
            continue
        status = Path(f"/proc/self/task/{thread.native_id}/status").read_text()
        blocked = int(next(line.split()[1] for line in status.splitlines()
                           if line.startswith("SigBlk:")), 16)
        found.append((thread.name, bool(blocked >> (signal.SIGINT - 1) & 1)))
    return found


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="no /proc task status")
def test_a_workers_helper_threads_leave_sigint_to_its_main_thread() -> None:
    """A signal sent to a process goes to any thread not blocking it; Python runs the
    handler in the main thread only when that thread runs, and a worker's main thread
    waiting for work is woken only by a signal of its own. A helper thread that took
    SIGINT left the worker waiting (CI: still alive 10 s after Ctrl-C)."""
    with engine.local_pool(2, warm_up=lambda: None) as pool:
        assert pool is not None
        threads = pool.submit(_helper_threads_blocking_sigint, None).result()
    assert ("corpuskit-interrupt", True) in threads
    assert all(blocked for _, blocked in threads), threads


def two_workers_started(setup: str = "") -> str:
    """A script's start: ``setup`` (lines of code), then a local pool of two workers, both
    started (their initializer ran), their pids in ``seen``; the script goes on inside the
    ``with`` block."""
    return ("import os, signal, sys, time\n"
            "from corpuskit import engine\n"
            f"{setup}"
            "def pid_later(_):\n"
            "    time.sleep(0.05)\n"
            "    return os.getpid()\n"
            "with engine.local_pool(2) as pool:\n"
            "    seen = set()\n"
            "    while len(seen) < 2:\n"
            "        seen.update(pool.map(pid_later, range(8)))\n")


def ctrl_c_to_a_worker(setup: str, then: str) -> subprocess.CompletedProcess[str]:
    """Run a script: ``setup``, two workers started, SIGINT sent to one (``worker``), then
    the lines ``then``; it must exit 0."""
    script = (setup + two_workers_started()
              + "    worker = next(iter(pool._processes.values()))\n"
              "    os.kill(worker.pid, signal.SIGINT)\n" + then)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done


def test_ctrl_c_ends_an_idle_worker_without_a_traceback() -> None:
    """The terminal sends SIGINT to every process of the build: a worker waiting for work
    printed a KeyboardInterrupt traceback (the parent reports the abort itself)."""
    done = ctrl_c_to_a_worker(
        "",
        # Not join(): the pool's own thread may reap the worker first, and a join that
        # finds it gone says None. Its status is set on the process either way.
        "    deadline = time.monotonic() + 20\n"
        "    while worker.exitcode is None and time.monotonic() < deadline:\n"
        "        time.sleep(0.02)\n"
        "    print(worker.exitcode)\n")
    assert done.stdout.strip() == "130"
    assert "Traceback" not in done.stderr and "KeyboardInterrupt" not in done.stderr


def test_build_workers_end_the_moment_their_parent_is_killed() -> None:
    """A parent killed outright (SIGKILL, the OOM killer): its workers looked for it every
    PARENT_CHECK_SECONDS, and one busy with a shard wrote it into the release's temporary
    folder after the next build had removed that folder as a dead build's leftover (QA: a
    partial .corpuskit-tmp-* folder in dist/ beside the release). The kernel ends them
    with their parent now; the watch is made too slow here to be what ends them."""
    script = (two_workers_started("engine.PARENT_CHECK_SECONDS = 600\n")
              + "    print(*seen, flush=True)\n"
              "    pool.submit(time.sleep, 60)  # one worker busy, one idle\n"
              "    time.sleep(0.2)\n"
              "    os.kill(os.getpid(), signal.SIGKILL)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == -signal.SIGKILL, done.stderr
    workers = [int(pid) for pid in done.stdout.split()]
    assert len(workers) == 2
    deadline = time.monotonic() + 5
    while any(map(process_runs, workers)):
        assert time.monotonic() < deadline, "a worker outlived its parent"
        time.sleep(0.02)


@pytest.mark.parametrize("size", [0, 1, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 5])
def test_a_cache_files_check_is_its_crc32_and_size_however_many_reads_it_takes(
        size: int, tmp_path: Path) -> None:
    data = bytes(range(256)) * (size // 256) + bytes(size % 256)
    path = tmp_path / "entry.jsonl"
    path.write_bytes(data)
    assert shardcache._file_check(path) == f"{zlib.crc32(data):08x}:{size}"
    if size:
        changed = bytearray(data)
        changed[-1] ^= 0x01  # in the last read
        path.write_bytes(bytes(changed))
        assert shardcache._file_check(path) == f"{zlib.crc32(changed):08x}:{size}"
        path.write_bytes(data[:-1])  # cut short by one byte
        assert shardcache._file_check(path) == f"{zlib.crc32(data[:-1]):08x}:{size - 1}"


def test_cache_files_checked_by_threads_at_once_are_each_checked_whole(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    paths = []
    for index in range(8):
        path = tmp_path / f"{index}.jsonl"
        path.write_bytes(bytes([index]) * (5 << 19) + bytes(range(index)))
        paths.append(path)
    expected = [f"{zlib.crc32(p.read_bytes()):08x}:{p.stat().st_size}" for p in paths]
    with ThreadPoolExecutor(max_workers=4) as pool:  # as a Dask worker's threads run tasks
        for _ in range(5):
            assert list(pool.map(shardcache._file_check, paths)) == expected


def test_a_worker_of_a_parent_that_ignores_ctrl_c_ignores_it_too() -> None:
    """A job a non-interactive shell starts in the background ignores SIGINT (POSIX); its
    workers installed their own handler anyway and died at Ctrl-C, under a parent that
    went on: a traceback, or a build hung for ever (QA: 2 runs in 24). They inherit the
    parent's choice now, and the worker lives on."""
    done = ctrl_c_to_a_worker(
        "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n",
        "    time.sleep(1.5)  # longer than a worker takes to end after Ctrl-C\n"
        "    print(worker.exitcode, sorted(set(pool.map(pid_later, range(8)))) "
        "== sorted(seen))\n")
    assert done.stdout.split() == ["None", "True"]


def test_discovery_walks_the_folders_itself_when_the_pool_is_broken(corpus: Path) -> None:
    """A worker killed at the start of a build broke the pool before discovery handed it
    the first folder: ``submit`` raised BrokenProcessPool, a traceback (QA: 2 runs in 34).
    Discovery walks those folders itself, and the build goes on to say a worker died."""
    from concurrent.futures import Executor
    from concurrent.futures.process import BrokenProcessPool

    from corpuskit.config import load_config
    from corpuskit.discover import discover

    class Broken(Executor):
        def submit(self, *args: object, **kwargs: object) -> Any:
            raise BrokenProcessPool("a child process terminated abruptly")

    config = load_config(corpus).discover
    walked = discover(corpus, config, pool=Broken())
    alone = discover(corpus, config)
    assert not walked.problems and walked.sources == alone.sources
    assert len(walked.sources) > 0


def test_a_broken_pool_anywhere_is_an_error_message_not_a_traceback(
        monkeypatch: pytest.MonkeyPatch, corpus: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    import importlib
    from concurrent.futures.process import BrokenProcessPool

    from corpuskit.cli import main

    build_module = importlib.import_module("corpuskit.build")

    def broken(*args: object, **kwargs: object) -> None:
        raise BrokenProcessPool("a child process terminated abruptly")

    monkeypatch.setattr(build_module, "discover", broken)
    assert main(["build", str(corpus), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "a worker process died (killed, or out of memory)" in err
    assert "Traceback" not in err and not (tmp_path / "out").exists()


class _Recording(ThreadPoolExecutor):
    """Threads that count what they are handed."""

    def __init__(self, workers: int) -> None:
        super().__init__(max_workers=workers)
        self.handed: list[str] = []
        self.documents: list[str] = []
        self.sent: list[int] = []  # the pickled size of each batch handed over

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        self.handed.append(getattr(fn, "__name__", repr(fn)))
        if fn is engine.process_batch:
            self.documents += args[1]
            self.sent.append(len(pickle.dumps((fn, args, kwargs))))
        return super().submit(fn, *args, **kwargs)


@pytest.mark.parametrize("waiting", [shardpieces.WAITING_BYTES, 1])
def test_pieces_deflated_by_threads_are_the_pieces_deflated_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, waiting: int) -> None:
    """Threads deflate a shard's pieces while its worker goes on; what they make is
    written in the order it was handed over: the pieces file and its index are byte for
    byte those of the worker alone (also when it must wait for each one: ``waiting``)."""
    monkeypatch.setattr(shardpieces, "WAITING_BYTES", waiting)
    rng = random.Random(7)
    words = [bytes(rng.choices(b"abcdefghij klmnop", k=rng.randrange(3, 9))) for _ in range(500)]

    def text(size: int) -> bytes:
        return b" ".join(rng.choice(words) for _ in range(size // 6))[:size]

    files = [(f"data/raw/f{i:02d}.txt", text(size)) for i, size in
             enumerate([300, 90_000, 2_600_000, 5, 700_000, 1_048_577, 40_000])]
    jsonl = b"".join(b'{"id":"d%d","text":"%s"}\n' % (i, text(size))
                     for i, size in enumerate([400_000, 900_000, 30, 2_200_000, 500_000]))
    compression = deflate.COMPRESSIONS[DEFAULT_COMPRESSION]
    made = []
    for threads in (None, _Recording(3)):
        folder = tmp_path / ("threads" if threads else "alone")
        folder.mkdir()
        shard = folder / "00000000.jsonl"
        shard.write_bytes(jsonl)
        writer = shardpieces.PiecesWriter(shard, "writing", compression, threads)
        for name, data in files[:3]:
            writer.add_raw(name, data)
        # One deflated already (an earlier build's), between files handed to the threads.
        writer.add_deflated("data/raw/taken.txt", 3, zlib.crc32(b"abc"),
                            deflate.deflate_piece(b"abc", last=True, compression=compression))
        for name, data in files[3:]:
            writer.add_raw(name, data)
        placed = writer.finish(b"0" * 64 + b"  data/raw/f00.txt\n")
        if threads is not None:
            threads.shutdown()
            # Every raw file and piece of records went to the threads.
            assert threads.handed.count("_records_piece") == len(
                list(deflate.record_groups(io.BytesIO(jsonl), blocks=False))) > 2
            assert len(threads.handed) > len(files) + 2
        made.append((placed, shardpieces.pieces_path(shard).read_bytes(),
                     shardpieces.pieces_index_path(shard).read_bytes()))
    assert made[0] == made[1]
    placed, blob, _ = made[0]
    records = b"".join(blob[start:start + length] for start, length, _, _ in placed[0])
    assert zlib.decompress(records + deflate.END, -15) == jsonl


def _large_single_shard(tmp_path: Path) -> Path:
    """One shard of documents, two of them over a piece (a MiB), one of them refused."""
    paragraph = " ".join(WORDS * 5) + ".\n\n"
    files: dict[str, bytes | str] = {
        f"doc-{i:03d}.txt": f"Document {i}\n\n" + paragraph * (1 + (i * 37) % 400)
        for i in range(60)}
    files["doc-007.txt"] = "Large\n\n" + paragraph * 5_000
    files["doc-031.txt"] = ("Larger\n\n" + paragraph * 7_000).replace("\n", "\r\n")
    return make_seeds(tmp_path, files)


def _large_single_shard_task(tmp_path: Path, folder: str = "package", **fields: Any
                             ) -> engine.ShardTask:
    """The task of the one shard of :func:`_large_single_shard`, writing into ``folder``."""
    seeds = tmp_path / "seeds"
    if not seeds.exists():
        _large_single_shard(tmp_path)
    config = load_config(seeds)
    refs = tuple(discover_module.discover(seeds, config.discover).sources)
    package = tmp_path / folder
    package.mkdir()
    return engine.ShardTask(0, refs, seeds, package, config.process, None,
                            config.discover.max_file_bytes, **fields)


def test_one_shard_is_processed_by_the_pool_with_the_bytes_of_one_job(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A corpus of one shard (a few hundred documents, maybe large) is processed by the
    pool's workers while the build deflates it in threads: the bytes of one job."""
    seeds = _large_single_shard(tmp_path)
    assert len(engine.plan_shards(discover_module.discover(
        seeds, load_config(seeds).discover).sources)) == 1
    one, two = tmp_path / "one", tmp_path / "two"
    build(seeds, one, jobs=1)
    handed: list[tuple[int, Any]] = []
    process_shard = engine.process_shard

    def spy(task: engine.ShardTask, processors: Any = None) -> engine.ShardResult:
        handed.append((task.deflate_threads, processors))
        return process_shard(task, processors)

    monkeypatch.setattr(engine, "process_shard", spy)
    result = build(seeds, two, jobs=2)
    assert [(threads, type(pool).__name__) for threads, pool in handed] == \
        [(2, "ProcessPoolExecutor")]
    _same(one, two, result.release.name)


@pytest.mark.parametrize("here", [engine.PROCESSED_HERE_BYTES, 5 << 19])
def test_a_shard_processed_by_other_processes_writes_what_it_writes_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, here: int) -> None:
    """Its batches of documents go to the processes, and its pieces to the threads; a
    document of :data:`~corpuskit.engine.PROCESSED_HERE_BYTES` or more is processed where
    the shard is (here two of 3 and 4 MB, with the limit lowered to 2.5 MiB)."""
    monkeypatch.setattr(engine, "PROCESSED_HERE_BYTES", here)
    made = []
    for helped in (False, True):
        task = _large_single_shard_task(tmp_path, f"package-{helped}",
                                        deflate_threads=2 if helped else 1)
        seeds, refs = task.seeds, task.refs
        processors = _Recording(2) if helped else None
        result = engine.process_shard(task, processors)
        if processors is not None:
            processors.shutdown()
            assert processors.handed.count("process_batch") > 2
            large = {ref.path for ref in refs if (seeds / ref.path).stat().st_size > here}
            assert len(large) == (2 if here < 3 << 20 else 0)
            assert not large & set(processors.documents)
            assert len(processors.documents) > len(refs) / 2
            # Paths go to the processes, not bytes (and the records come back in files):
            # a worker ended by Ctrl-C halfway through a message of megabytes left the
            # build waiting for the rest for ever.
            assert max(processors.sent) < 4096
            assert not list(result.jsonl.parent.glob("*.batch-*"))
        made.append((result.jsonl.read_bytes(), result.pieces.read_bytes(),
                     shardpieces.pieces_index_path(result.jsonl).read_bytes(),
                     result.stats, result.manifest))
    assert made[0] == made[1]


def test_the_problems_of_one_shard_processed_by_the_pool_are_those_of_one_job(
        tmp_path: Path) -> None:
    """Problems found by the workers (empty texts) and by the build as it reads (a file
    over the limit) are all reported, as one job reports them, and nothing is written."""
    seeds = make_seeds(tmp_path, {
        **{f"doc-{i:03d}.txt": f"Document {i}\n\nSome words of a text, number {i}.\n"
           for i in range(40)},
        "doc-005.txt": "", "doc-012.txt": "\x00\x00 \n", "doc-020.txt": b"\xef\xbb\xbf \n\n",
        "doc-027.txt": "Too large\n\n" + "word " * 400, "doc-033.txt": ""},
        {"discover": {"max_file_bytes": 1000}})
    outcomes = []
    for jobs in (1, 2):
        with pytest.raises(InputError) as raised:
            build(seeds, tmp_path / f"out-{jobs}", jobs=jobs)
        outcomes.append([(p.path, p.code) for p in raised.value.problems])
        assert not (tmp_path / f"out-{jobs}").exists() or not any(
            (tmp_path / f"out-{jobs}").iterdir())
    assert outcomes[0] == outcomes[1]
    assert [path for path, _ in outcomes[0]] == \
        ["doc-005.txt", "doc-012.txt", "doc-020.txt", "doc-027.txt", "doc-033.txt"]
    assert ("doc-027.txt", "too-large") in outcomes[0]


def test_a_worker_dying_while_one_shard_is_processed_is_an_error_message(
        tmp_path: Path) -> None:
    from concurrent.futures.process import BrokenProcessPool

    task = _large_single_shard_task(tmp_path)

    class Broken(ThreadPoolExecutor):
        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
            raise BrokenProcessPool("a child process terminated abruptly")

    with Broken(1) as broken, pytest.raises(OutputError, match="a worker process died"):
        list(engine.run_shards([task], 2, pool=broken))  # type: ignore[arg-type]


def test_an_error_in_a_shard_leaves_none_of_its_batches_running(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A shard whose batches other processes work on, stopped by an error or Ctrl-C,
    cancels the batches not started and waits for those running before it ends: its
    caller then removes the folder they write into (a worker still writing its records
    left a temporary folder in the output folder after Ctrl-C)."""
    task = _large_single_shard_task(tmp_path, deflate_threads=2)
    package = task.package
    process_batch = engine.process_batch

    def slow(*args: Any) -> None:
        time.sleep(0.2)
        process_batch(*args)

    def interrupted(*args: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(engine, "process_batch", slow)
    monkeypatch.setattr(engine, "_processed_batch", interrupted)
    futures: list[Any] = []

    class Kept(ThreadPoolExecutor):
        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
            futures.append(super().submit(fn, *args, **kwargs))
            return futures[-1]

    with Kept(4) as processors:
        with pytest.raises(KeyboardInterrupt):
            engine.process_shard(task, processors)
        assert len(futures) > 1 and all(future.done() for future in futures)
        written = sorted(path.name for path in (package / engine.SHARD_FOLDER).iterdir())
        time.sleep(0.3)
        assert sorted(path.name for path in (package / engine.SHARD_FOLDER).iterdir()) == written


def test_a_changed_document_of_a_cached_shard_is_processed_where_the_shard_is(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A shard an earlier build made takes most records from that build; its changed
    documents come one at a time between them, and are processed where the shard is
    (sent to a worker, each was waited for: slower than a cold build when most changed).
    The release is a fresh build's."""
    seeds = _large_single_shard(tmp_path)
    cache = tmp_path / "cache"
    handed: list[Any] = []
    process_documents = engine._process_documents

    def spy(*args: Any) -> Any:
        handed.append(args[-1])
        return process_documents(*args)

    monkeypatch.setattr(engine, "_process_documents", spy)
    build(seeds, tmp_path / "first", jobs=2, cache=cache)
    for name in ("doc-003.txt", "doc-040.txt", "doc-041.txt"):
        path = seeds / name
        path.write_bytes(path.read_bytes() + b"\nOne more line.\n")
    result = build(seeds, tmp_path / "again", jobs=2, cache=cache)
    assert [type(processors).__name__ for processors in handed] == \
        ["ProcessPoolExecutor", "NoneType"]
    build(seeds, tmp_path / "fresh", jobs=1)
    _same(tmp_path / "fresh", tmp_path / "again", result.release.name)


def _sleep_and_tell(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def test_a_pool_that_breaks_after_a_cancel_still_settles_every_future(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C reaches a build's workers with it: its pool broke just after the build had
    cancelled the shards not started, Python 3.11's pool failed on a cancelled future
    (InvalidStateError in its manager thread), and the build waited forever for the
    shards that had been running (QA: a hang in about one Ctrl-C in 25)."""
    import multiprocessing
    import threading
    from concurrent.futures import ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    failed: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: failed.append(args.exc_value))
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        worker = pool.submit(_sleep_and_tell, 0).result()
        running = pool.submit(_sleep_and_tell, 10)
        waiting = [pool.submit(_sleep_and_tell, 0) for _ in range(20)]
        while not running.running():
            time.sleep(0.01)
        # Those the pool already queued for its worker are running to it: not cancelled.
        left = engine.cancel_waiting([running, *waiting])
        assert left[0] is running and len(left) < len(waiting)
        os.kill(worker, signal.SIGKILL)  # the pool breaks
        not_done = wait(left, timeout=20).not_done
        assert not not_done
        assert all(future.cancelled() for future in waiting if future not in left)
        with pytest.raises(BrokenProcessPool):
            running.result()
    assert failed == []  # the pool's manager thread did not fail on a cancelled future


#: Script lines (after :func:`two_workers_started`'s imports) that define
#: ``result_queue_here()``: the pool's result queue, as the worker running a task holds it.
RESULT_QUEUE_HERE = ("import struct\n"
                     "from concurrent.futures import wait\n"
                     "def result_queue_here():\n"
                     "    frame = sys._getframe()\n"
                     "    while frame.f_code.co_name != '_process_worker':\n"
                     "        frame = frame.f_back\n"
                     "    return frame.f_locals['result_queue']\n")


def _output_of(script: str) -> str:
    """The standard output of ``script`` run by this Python, which must exit 0 within 90 s."""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=90, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout

def test_a_worker_ended_halfway_through_sending_its_result_breaks_the_pool() -> None:
    """Ctrl-C (or the OOM killer) ending a worker while it writes a result leaves part of
    a message in the pool's result pipe; its manager thread waited for the rest as long
    as the parent held the pipe open for writing, and the build hung (QA: 1 Ctrl-C in
    about 40 with --jobs 4 under load). Once the workers are gone the pool is broken and
    the task's future settled."""
    script = two_workers_started(
        RESULT_QUEUE_HERE
        + "def cut_message():\n"
        "    writer = result_queue_here()._writer\n"
        "    os.write(writer.fileno(), struct.pack('!i', 100_000) + b'part of a result')\n"
        "    os._exit(1)\n") + (
        "    cut = pool.submit(cut_message)\n"
        "    time.sleep(0.5)\n"
        "    for worker in seen:\n"
        "        try:\n"
        "            os.kill(worker, signal.SIGKILL)\n"
        "        except ProcessLookupError:\n"
        "            pass\n"
        "    wait([cut], timeout=20)\n"
        "    print(type(cut.exception(timeout=0)).__name__)\n")
    assert _output_of(script).strip() == "BrokenProcessPool"


def test_ctrl_c_while_a_worker_is_forked_waits_for_its_handling() -> None:
    """Ctrl-C that reaches a worker while it is being forked, before its own handling is
    set, interrupted multiprocessing's at-fork code: a KeyboardInterrupt traceback on
    standard error, and "a worker process died" (exit 1) where the build was interrupted
    (QA, and 1 Ctrl-C in 80 here with --jobs 4 under load). The signal waits until the
    worker is ready for it, and ends it without a word."""
    script = (
        "import os, signal\n"
        "from concurrent.futures.process import BrokenProcessPool\n"
        "from corpuskit import engine\n"
        "os.register_at_fork(after_in_child=lambda: os.kill(os.getpid(), signal.SIGINT))\n"
        "try:\n"
        "    with engine.local_pool(2) as pool:\n"
        "        pass\n"
        "except BrokenProcessPool:\n"
        "    print('ended')\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ended"
    assert "Traceback" not in done.stderr and "KeyboardInterrupt" not in done.stderr, \
        done.stderr


def test_a_worker_killed_while_it_holds_the_result_pipe_breaks_the_pool() -> None:
    """The OOM killer (or SIGKILL) ending one worker halfway through sending its result:
    part of a message in the result pipe, its lock held for good. The pool's manager
    thread waited for the rest, the other workers for the lock, and check hung (QA: once
    in about 60 single-worker kills). The other workers are ended after a grace period,
    and the pool breaks."""
    script = two_workers_started(
        RESULT_QUEUE_HERE
        + "def killed_while_sending():\n"
        "    results = result_queue_here()\n"
        "    results._wlock.acquire()\n"
        "    os.write(results._writer.fileno(), struct.pack('!i', 100_000) + b'part')\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n") + (
        "    started = time.monotonic()\n"
        "    killed = pool.submit(killed_while_sending)\n"
        "    others = [pool.submit(pid_later, None) for _ in range(4)]\n"
        "    left = wait([killed, *others], timeout=30).not_done\n"
        "    print(len(left), type(killed.exception(timeout=0)).__name__)\n"
        "    print(time.monotonic() - started < 10)\n")
    said = _output_of(script)
    assert said.split("\n")[:2] == ["0 BrokenProcessPool", "True"], said


def test_a_shard_result_taken_is_not_held_for_the_rest_of_the_build(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each shard's future was kept to the end, holding its result (manifest lines and
    statistics: 190 MB at a million documents) after the build had written it."""
    import gc
    import weakref
    from concurrent.futures import ThreadPoolExecutor

    from corpuskit import engine

    class Result:
        pass

    monkeypatch.setattr(engine, "start_order", lambda tasks, jobs: list(range(len(tasks))))
    monkeypatch.setattr(engine, "process_shard", lambda task: Result())
    taken: list[weakref.ref[Result]] = []
    with ThreadPoolExecutor(1) as pool:
        for result in engine._in_order(pool, [object()] * 5, 1):  # type: ignore[arg-type]
            taken.append(weakref.ref(result))
            del result
            gc.collect()
            assert all(ref() is None for ref in taken[:-1]), taken
    assert len(taken) == 5


def test_a_dask_build_whose_cluster_lost_every_worker_says_so() -> None:
    """A build whose cluster lost all its workers waited forever, saying nothing (QA): it
    waits while there are workers, or while one may join within the grace, then ends."""
    from corpuskit.daskengine import result_while_workers
    from corpuskit.errors import OutputError

    class Pending:
        def __init__(self, done_after: int) -> None:
            self.asked, self.done_after = 0, done_after

        def result(self, timeout: float) -> str:
            self.asked += 1
            if self.asked > self.done_after:
                return "shard"
            raise TimeoutError

    class Cluster:
        def __init__(self, workers: list[int]) -> None:
            self.workers = workers  # how many workers each time it is asked

        def scheduler_info(self) -> dict[str, object]:
            count = self.workers.pop(0) if len(self.workers) > 1 else self.workers[0]
            return {"workers": {f"tcp://w{n}": {} for n in range(count)}}

    # workers there all along: it waits as long as the shard takes
    assert result_while_workers(Cluster([2]), Pending(5), "tcp://s:1", poll=0, grace=1) \
        == "shard"
    # none for a while, then one joins within the grace: it goes on
    assert result_while_workers(Cluster([0, 0, 1]), Pending(4), "tcp://s:1", poll=0.25,
                                grace=1) == "shard"
    # none left: an error naming the cluster, after the grace
    with pytest.raises(OutputError, match=r"the Dask cluster at tcp://s:1 has had no "
                                          r"workers for 1 s"):
        result_while_workers(Cluster([0]), Pending(10**6), "tcp://s:1", poll=0.25, grace=1)
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=":0", host="127.0.0.1") as cluster, \
            distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
        slow = client.submit(time.sleep, 3)
        with pytest.raises(TimeoutError):  # what a Dask future raises when it is not done
            slow.result(timeout=0.01)


def test_a_file_read_empty_as_it_was_rewritten_is_said_to_have_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file caught between an editor's truncation and its write was read empty and
    refused as "empty or only whitespace; remove it or add text", though it holds text
    (QA: s77 concurrency 2): it changed while the build read it, run it again. A file that
    is empty on disk is still empty-document."""
    from corpuskit.errors import InputError

    seeds = make_seeds(tmp_path, {"a.txt": "Title\n\nSome text about ferries.\n",
                                  "b.txt": "Title\n\nMore text about ferries.\n"})
    reading = engine.read_source_stat

    def caught_emptied(seeds_folder: Path, ref: Any, **kwargs: Any) -> Any:
        data, info = reading(seeds_folder, ref, **kwargs)
        return (b"" if ref.path == "b.txt" else data), info

    monkeypatch.setattr(engine, "read_source_stat", caught_emptied)
    with pytest.raises(InputError) as refused:
        build(seeds, tmp_path / "out", jobs=1, cache=None)
    assert [(p.path, p.code) for p in refused.value.problems] == [("b.txt", "unreadable-file")]
    assert refused.value.problems[0].message == engine.CHANGED_WHILE_READ
    (seeds / "b.txt").write_bytes(b"")  # empty on disk: empty it is
    with pytest.raises(InputError) as refused:
        build(seeds, tmp_path / "out", jobs=1, cache=None)
    assert [(p.path, p.code) for p in refused.value.problems] == [("b.txt", "empty-document")]



@pytest.mark.parametrize("reset", [False, True], ids=["close", "reset"])
def test_a_peer_that_closes_at_once_is_told_so_before_dask_connects(reset: bool) -> None:
    """A peer that closes (or resets) each connection as it accepts it is named so by the
    first look at it (``_first_look``), not left to Dask, which connects to it again until
    its time is up and named it so only if its last try saw the close in time: the test of
    such peers through a whole build failed once with the suite running on two loaded
    cores. A peer whose first bytes may be a Dask message's length (as a scheduler's
    handshake's are) is left to Dask; one that says other bytes is named by them."""

    def answer(client: socket.socket, held: list[socket.socket]) -> None:
        if reset:
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()

    def greeting(said: bytes) -> Callable[[socket.socket, list[socket.socket]], None]:
        def greet(client: socket.socket, held: list[socket.socket]) -> None:
            client.sendall(said)
            client.close()
        return greet

    with _fake_peer(answer) as address:
        assert daskengine._first_look(address) == (None, (
            "it closed the connection without answering as a Dask scheduler (if it is one "
            "that uses TLS, give its tls:// address)"))
    # a scheduler's handshake: its length (58), its frames' count and lengths, msgpack
    handshake = (58).to_bytes(8, "little") + (1).to_bytes(8, "little") + \
        (42).to_bytes(8, "little") + b"\x83\xabcompression\xc0"
    for said, seen in [
            (handshake, None),
            (b"hello", "it answered with bytes that are no Dask message ('hello')"),
            (b"220 mail.example.org ESMTP\r\n", "it answered with bytes that are no Dask "
                                                 "message ('220 mail.example.org ESMTP')"),
            (b"\x15\x03\x03\x00\x02\x02\x46", "it answered as a TLS server does to what is "
             "no TLS (if it is a Dask scheduler that uses TLS, give its tls:// address)")]:
        with _fake_peer(greeting(said)) as address:
            assert daskengine._first_look(address) == (None, seen), said
    assert daskengine._first_look("tls://127.0.0.1:1")[0] == "connection refused"


def test_a_dask_worker_that_does_not_see_a_folder_says_so_once(tmp_path: Path) -> None:
    """A worker without one folder of the seeds gave a line for each of its files (QA: 1,000
    for a missing part-0001): it now names the highest folder it does not see, once; a file
    missing from a folder it sees is still named alone."""
    from corpuskit.sourcerefs import SourceRefs

    files = ["part-0001/a.txt", "part-0001/b.txt", "part-0002/c.txt", "part-0002/d.txt",
             "top.txt", "x/y/e.txt", "x/y/f.txt"]
    seeds = make_seeds(tmp_path, {name: f"Title {n}\n\nDocument {n}.\n"
                                  for n, name in enumerate(files)})
    task = engine.ShardTask(0, SourceRefs(files), seeds, tmp_path / "package",
                            ProcessConfig(), None, 1 << 20)
    placed = daskengine._absolute(task)  # on the build's machine: the sizes listed
    shutil.rmtree(seeds / "part-0001")
    shutil.rmtree(seeds / "x")
    (seeds / "part-0002" / "d.txt").unlink()
    (tmp_path / "package").mkdir()
    (tmp_path / "package" / daskengine.ACTIVE).touch()
    result = daskengine._checked_shard(daskengine.worker_state(), placed)
    host = socket.gethostname()
    assert [(p.path, p.code, p.message.split(": the worker sees")[0])
            for p in result.problems] == [
        ("part-0001", "unreadable-file", f"the Dask worker on {host} does not see this "
                                         "folder, whose files the build's machine listed"),
        ("part-0002/d.txt", "unreadable-file", f"the Dask worker on {host} does not see it, "
                                               "which the build's machine listed"),
        ("x", "unreadable-file", f"the Dask worker on {host} does not see this folder, whose "
                                 "files the build's machine listed")]
    assert all(p.message.endswith(engine.OTHER_SEEDS) for p in result.problems)


def test_a_problem_that_two_shards_give_is_said_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two shards of one folder a Dask worker does not see each give its problem: the
    build lists it once, and every other problem as given."""
    import importlib

    from corpuskit.errors import InputError
    from corpuskit.package import CorpusStats
    from corpuskit.problems import Problem

    seeds = make_seeds(tmp_path, {f"part-0001/doc{n}.txt": f"Title {n}\n\nDocument {n}.\n"
                                  for n in range(4)})
    folder = Problem("part-0001", "unreadable-file", "not seen here")
    others = [Problem("part-0001/doc0.txt", "empty-document", "empty"),
              Problem("part-0001/doc3.txt", "empty-document", "empty")]

    def shards(tasks: list[engine.ShardTask], *args: Any, **kwargs: Any) -> Iterator[Any]:
        for index, task in enumerate(tasks):
            yield engine.ShardResult(task.index, tmp_path / "none.jsonl", CorpusStats(), b"",
                                     (folder, others[index % 2]), False)

    build_module = importlib.import_module("corpuskit.build")
    monkeypatch.setattr(build_module, "run_shards", shards)
    monkeypatch.setattr(build_module, "plan_shards",
                        lambda refs: [(0, refs[:2]), (1, refs[2:])])
    with pytest.raises(InputError) as raised:
        build(seeds, tmp_path / "dist", jobs=1)
    assert list(raised.value.problems) == [folder, *others]
