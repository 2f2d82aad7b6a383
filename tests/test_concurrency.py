"""Two writers on one output folder never mix: one holds the lock, the other fails fast.

The first build is held inside its work by a patch (it writes a "started" flag file, then
waits for a "go" flag), so the second one runs while the first holds the output lock.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
from reliability_support import (
    DOCS_V1,
    LOCK_NAME,
    LOCKED_MESSAGE,
    assert_valid_release,
    build_args,
    run_cli,
    snapshot,
    stale_entries,
    start_cli,
    visible_entries,
    wait_for_file,
    write_seeds,
)

import corpuskit
from corpuskit.errors import OutputError

NAME = "test-corpus-1.0.0"
#: The same name and version as DOCS_V1, other content: a mixed result would show.
DOCS_OTHER = {f"other{i}.txt": f"Other title {i}\n\nA different corpus, text {i}.\n"
              for i in range(4)}


def pause_patch(started: Path, go: Path) -> str:
    """Hold the build in its first read until ``go`` exists (after it took the lock)."""
    return f"""
        import corpuskit.engine as engine
        _read = engine.read_source_stat
        def read_source_stat(seeds, ref, **limits):
            _wait_for({str(go)!r}, {str(started)!r})
            return _read(seeds, ref, **limits)
        engine.read_source_stat = read_source_stat
    """


def document_ids(release: Path) -> set[str]:
    return {doc.id for doc in corpuskit.load(release)}


@pytest.fixture
def two_seeds(tmp_path: Path) -> tuple[Path, Path, Path]:
    return (write_seeds(tmp_path / "a", DOCS_V1), write_seeds(tmp_path / "b", DOCS_OTHER),
            tmp_path / "out")


def finish(process: subprocess.Popen[str], go: Path) -> tuple[int, str]:
    go.write_text("go")
    _, err = process.communicate(timeout=60)
    return process.returncode, err


def assert_refused(outcome_code: int, stderr: str, out: Path) -> None:
    assert outcome_code == 1, stderr
    assert LOCKED_MESSAGE in stderr
    assert str(out) in stderr
    assert "Traceback" not in stderr


def test_second_build_fails_fast_while_the_first_writes(
        two_seeds: tuple[Path, Path, Path], tmp_path: Path) -> None:
    first_seeds, second_seeds, out = two_seeds
    started, go = tmp_path / "started", tmp_path / "go"
    first = start_cli(build_args(first_seeds, out), pause_patch(started, go))
    try:
        wait_for_file(started, first)
        second = run_cli(build_args(second_seeds, out), timeout=30)
        assert_refused(second.code, second.stderr, out)
        assert second.seconds < 10
        assert visible_entries(out) == set(), "the refused build wrote something"
    finally:
        code, err = finish(first, go)
    assert code == 0, err
    assert visible_entries(out) == {NAME, f"{NAME}.zip"}
    assert_valid_release(out / NAME, out / f"{NAME}.zip")
    assert document_ids(out / NAME) == {p.removesuffix(".txt") for p in DOCS_V1}
    assert document_ids(out / f"{NAME}.zip") == {p.removesuffix(".txt") for p in DOCS_V1}
    assert stale_entries(out) == []


def test_release_fails_fast_while_a_build_writes_and_edits_nothing(
        two_seeds: tuple[Path, Path, Path], tmp_path: Path) -> None:
    first_seeds, second_seeds, out = two_seeds
    started, go = tmp_path / "started", tmp_path / "go"
    seeds_before = snapshot(second_seeds)
    first = start_cli(build_args(first_seeds, out), pause_patch(started, go))
    try:
        wait_for_file(started, first)
        second = run_cli(["release", "--seeds", second_seeds, "--out", out, "--jobs", "1",
                          "--no-cache"], timeout=30)
        assert_refused(second.code, second.stderr, out)
        assert snapshot(second_seeds) == seeds_before, "release edited its seeds anyway"
    finally:
        code, err = finish(first, go)
    assert code == 0, err
    assert_valid_release(out / NAME, out / f"{NAME}.zip")
    assert document_ids(out / NAME) == {p.removesuffix(".txt") for p in DOCS_V1}


def test_build_fails_fast_while_a_release_writes(
        two_seeds: tuple[Path, Path, Path], tmp_path: Path) -> None:
    first_seeds, second_seeds, out = two_seeds
    started, go = tmp_path / "started", tmp_path / "go"
    first = start_cli(["release", "--seeds", first_seeds, "--out", out, "--jobs", "1",
                       "--no-cache"], pause_patch(started, go))
    try:
        wait_for_file(started, first)
        second = run_cli(build_args(second_seeds, out), timeout=30)
        assert_refused(second.code, second.stderr, out)
    finally:
        code, err = finish(first, go)
    assert code == 0, err
    assert_valid_release(out / NAME, out / f"{NAME}.zip")
    assert document_ids(out / NAME) == {p.removesuffix(".txt") for p in DOCS_V1}


def test_lock_of_a_killed_build_does_not_block_the_next(
        two_seeds: tuple[Path, Path, Path], tmp_path: Path) -> None:
    first_seeds, second_seeds, out = two_seeds
    started, go = tmp_path / "started", tmp_path / "go"
    first = start_cli(build_args(first_seeds, out), pause_patch(started, go))
    wait_for_file(started, first)
    assert stale_entries(out), "the held build has a temporary folder"
    first.kill()
    first.communicate(timeout=30)
    assert (out / LOCK_NAME).exists(), "the lock file stays; only the flock is gone"

    second = run_cli(build_args(second_seeds, out), timeout=30)
    assert second.code == 0, second.stderr
    assert stale_entries(out) == []
    assert_valid_release(out / NAME, out / f"{NAME}.zip")
    assert document_ids(out / NAME) == {p.removesuffix(".txt") for p in DOCS_OTHER}


def test_builds_started_together_never_mix(two_seeds: tuple[Path, Path, Path]) -> None:
    """No pause: whichever wins, the release is wholly one corpus, and the loser either
    saw the lock or found the release already there (and refused it as immutable)."""
    first_seeds, second_seeds, out = two_seeds
    for _ in range(3):
        runs = [start_cli(build_args(seeds, out)) for seeds in (first_seeds, second_seeds)]
        results = [(p.wait(timeout=60), p.communicate()[1]) for p in runs]
        codes = sorted(code for code, _ in results)
        assert codes == [0, 1], results
        loser = next(err for code, err in results if code == 1)
        assert LOCKED_MESSAGE in loser or "immutable" in loser, loser
        ids = document_ids(out / NAME)
        assert ids in ({p.removesuffix(".txt") for p in DOCS_V1},
                       {p.removesuffix(".txt") for p in DOCS_OTHER})
        assert_valid_release(out / NAME, out / f"{NAME}.zip")
        assert document_ids(out / f"{NAME}.zip") == ids
        assert stale_entries(out) == []
        shutil.rmtree(out)


def test_two_threads_of_one_process_do_not_share_the_lock(
        two_seeds: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The lock is re-entrant for the thread that holds it (release → build), not for
    another thread of the same process that builds into the same folder."""
    import corpuskit.engine as engine
    from corpuskit.discover import read_source_stat as read
    from corpuskit.models import RawDocument, SourceRef

    first_seeds, second_seeds, out = two_seeds
    entered, go = threading.Event(), threading.Event()

    def held_read(seeds: Path, ref: SourceRef, *, max_bytes: int
                  ) -> tuple[RawDocument, os.stat_result]:
        if seeds == first_seeds:
            entered.set()
            go.wait(30)
        return read(seeds, ref, max_bytes=max_bytes)

    monkeypatch.setattr(engine, "read_source_stat", held_read)
    errors: list[BaseException] = []

    def first_build() -> None:
        try:
            corpuskit.build(first_seeds, out, jobs=1)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=first_build)
    thread.start()
    try:
        assert entered.wait(30)
        started = time.monotonic()
        with pytest.raises(OutputError, match=LOCKED_MESSAGE):
            corpuskit.build(second_seeds, out, jobs=1)
        assert time.monotonic() - started < 10
    finally:
        go.set()
        thread.join(60)
    assert errors == []
    assert document_ids(out / NAME) == {p.removesuffix(".txt") for p in DOCS_V1}
    assert stale_entries(out) == []


def test_lock_file_removal_never_lets_two_builds_hold_the_lock(
        two_seeds: tuple[Path, Path, Path], tmp_path: Path) -> None:
    """A failed first build into a new folder removes the folder and its lock file again.
    Held just as it removes the lock file, a second build may start, but then a third one
    must still see the lock: never two holders (the third would delete the second's
    temporary folder as stale)."""
    first_seeds, second_seeds, out = two_seeds
    bad = write_seeds(tmp_path / "bad", {"empty.txt": ""})
    unlinking, go_first = tmp_path / "unlinking", tmp_path / "go-first"
    held_first = f"""
        import pathlib
        _unlink = pathlib.Path.unlink
        def unlink(self, missing_ok=False):
            if self.name == ".corpuskit-lock":
                _wait_for({str(go_first)!r}, {str(unlinking)!r})
            return _unlink(self, missing_ok=missing_ok)
        pathlib.Path.unlink = unlink
    """
    first = start_cli(build_args(bad, out), held_first)
    second: subprocess.Popen[str] | None = None
    started, go = tmp_path / "started", tmp_path / "go"
    try:
        wait_for_file(unlinking, first)
        second = start_cli(build_args(first_seeds, out), pause_patch(started, go))
        deadline = time.monotonic() + 30
        while not started.exists() and second.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        code, err = finish(first, go_first)
        assert code == 1 and "empty" in err, err
        if second.poll() is not None:  # refused: the first build still held the lock
            _, err = second.communicate()
            assert_refused(second.returncode, err, out)
            return
        third = run_cli(build_args(second_seeds, out), timeout=30)
        assert_refused(third.code, third.stderr, out)
    finally:
        if second is not None and second.poll() is None:
            code, err = finish(second, go)
            assert code == 0, err
    assert_valid_release(out / NAME, out / f"{NAME}.zip")
    assert document_ids(out / NAME) == {p.removesuffix(".txt") for p in DOCS_V1}


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat_file.parent.name))
    return found


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie is not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_workers_of_a_killed_release_exit_and_free_its_lock(
        two_seeds: tuple[Path, Path, Path], tmp_path: Path) -> None:
    """A release takes the lock before its build forks workers, which inherit it: killed
    outright (SIGKILL), the release left them waiting for work forever, holding the lock,
    and every later build of that folder was refused. Its workers now exit with it."""
    first_seeds, second_seeds, out = two_seeds
    # a megabyte of text: two batches of documents for two workers (a build forks no more
    # workers than it has shards, or a shard's batches, to give them)
    (first_seeds / "long.txt").write_text("A long text\n\n" + "Words of a long text. " * 50_000
                                          + "\n", "utf-8")
    started, go = tmp_path / "started", tmp_path / "go"
    first = start_cli(["release", "--seeds", first_seeds, "--out", out, "--jobs", "2",
                       "--no-cache"], pause_patch(started, go))
    wait_for_file(started, first)
    workers = _children(first.pid)
    assert len(workers) >= 2, "release --jobs 2 forks its workers before it reads"
    first.kill()
    first.communicate(timeout=30)
    deadline = time.monotonic() + 20
    while any(map(_running, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(_running, workers)), "the workers outlived their killed parent"

    second = run_cli(build_args(second_seeds, out), timeout=30)
    assert second.code == 0, second.stderr
    assert document_ids(out / NAME) == {p.removesuffix(".txt") for p in DOCS_OTHER}


@pytest.mark.parametrize("inside", [".", "sub"])
def test_release_into_the_seeds_is_refused_before_it_locks_anything(
        inside: str, two_seeds: tuple[Path, Path, Path]) -> None:
    """The seeds folder is only ever read: a refused --out inside it used to leave the
    release's lock file there."""
    seeds = two_seeds[0]
    before = snapshot(seeds)
    done = run_cli(["release", "--seeds", seeds, "--out", seeds / inside, "--jobs", "1",
                    "--no-cache"], timeout=30)
    assert done.code == 2, done.stderr
    assert "is inside the seeds folder" in done.stderr
    assert snapshot(seeds) == before
    assert not list(seeds.rglob(LOCK_NAME))


def test_the_lock_leaves_a_running_exports_temporary_file_alone(tmp_path: Path) -> None:
    """A build took every .corpuskit-tmp-* in its --out for a killed build's leftover: an
    export writing into the folder of releases (it takes no lock) lost its temporary file
    and failed with 'No such file or directory' (QA). A leftover of a process that is gone
    is still removed, and so is a killed build's folder."""
    from corpuskit.locks import output_lock
    from corpuskit.writer import TEMP_PREFIX

    out = tmp_path / "dist"
    out.mkdir()
    ended = subprocess.Popen(["true"])  # a process that has ended: its pid is free
    ended.wait()
    running = out / f"{TEMP_PREFIX}export.csv-{os.getpid()}-abcd1234"
    left = out / f"{TEMP_PREFIX}export.csv-{ended.pid}-abcd1234"
    built = out / f"{TEMP_PREFIX}x-1.0.0-abcd1234"
    running.write_bytes(b"half")
    left.write_bytes(b"half")
    built.mkdir()
    with output_lock(out):
        pass
    assert running.read_bytes() == b"half"
    assert not left.exists() and not built.exists()


def test_a_failed_build_into_an_empty_folder_leaves_it_empty(tmp_path: Path) -> None:
    """A build into an existing empty --out that refused a document said "nothing was
    written" and left .corpuskit-lock there (QA). The lock file it made goes with it; one
    that was there stays, as does the lock file of a build that wrote its release."""
    seeds = write_seeds(tmp_path / "seeds", {"bad.txt": b"Bad\x00\x01binary\n", **DOCS_V1})
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(corpuskit.InputError):
        corpuskit.build(seeds, out, jobs=1, cache=None)
    assert list(out.iterdir()) == []
    (out / LOCK_NAME).write_bytes(b"")  # a lock file of earlier builds stays
    with pytest.raises(corpuskit.InputError):
        corpuskit.build(seeds, out, jobs=1, cache=None)
    assert [p.name for p in out.iterdir()] == [LOCK_NAME]
    (seeds / "bad.txt").unlink()
    (out / LOCK_NAME).unlink()
    corpuskit.build(seeds, out, jobs=1, cache=None)
    assert (out / LOCK_NAME).exists() and (out / NAME).is_dir()
