"""Disks that refuse: read-only output, a full disk, unreadable input, read-only seeds.

Every failure is a one-line error naming the path, exit 1, no traceback, nothing
half-written in the output folder and the earlier release untouched. The seeds folder is
only ever read.

The tests run as root here, where permission bits do not stop anyone: the child process
drops CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH before it starts (see
``drop_file_permission_override``), so it is refused like an ordinary user. Full disks are
simulated twice: with RLIMIT_FSIZE (EFBIG, works for anyone) and, where the tests may
mount, with a real tmpfs that is too small (ENOSPC); read-only filesystems with a
read-only remount (EROFS).
"""

from __future__ import annotations

import errno
import json
import os
import random
import re
import stat
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

import jsonschema
import pytest
from conftest import make_seeds
from forked_cli import run_forked
from reliability_support import (
    DOCS_V1,
    EPOCH,
    TEMP_PREFIX,
    Outcome,
    assert_valid_release,
    build_args,
    child_env,
    cli_command,
    drop_file_permission_override,
    file_size_limit,
    permission_bits_enforceable,
    read_only_bind,
    remount_read_only,
    run_cli,
    run_here,
    snapshot,
    snapshot_with_times,
    stale_entries,
    tmpfs,
    tree_files,
    visible_entries,
    write_seeds,
)

import corpuskit
from corpuskit.schemacheck import load_schema

OLD, NEW = "test-corpus-1.0.0", "test-corpus-1.1.0"
PERMISSIONS = permission_bits_enforceable()
needs_permissions = pytest.mark.skipif(PERMISSIONS is not None, reason=str(PERMISSIONS))


def words(size: int, seed: int) -> str:
    """About ``size`` characters of made-up words: text that compresses poorly."""
    rng = random.Random(seed)
    out: list[str] = []
    length = 0
    while length < size:
        word = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9)))
        out.append(word)
        length += len(word) + 1
    lines = [" ".join(out[i:i + 12]) for i in range(0, len(out), 12)]
    return "\n".join(lines) + "\n"


def big_docs(size: int) -> dict[str, str]:
    return {**DOCS_V1, "big.txt": "A big document\n\n" + words(size, 7)}


def run_source(source: str, argv: Sequence[str] = (), *, cwd: Path | None = None,
               preexec_fn: Callable[[], None] | None = None) -> Outcome:
    """Python ``source`` run as ``python -c`` runs it, with ``argv``, in a child forked
    from this process (:mod:`forked_cli`): a process of its own (its limits, its
    privileges), without a new interpreter's start-up (0.3-0.5 s of CPU importing
    corpuskit). None of these tests is about that start-up; a patch in ``source`` changes
    the child's modules, already imported, not this process's."""
    started = time.monotonic()
    done = run_forked(partial(exec, source, {"__name__": "__main__"}), ["-c", *argv],
                      env=child_env(), cwd=cwd, preexec_fn=preexec_fn)
    return Outcome(done.returncode, done.stdout, done.stderr, time.monotonic() - started)


def run_patched(args: Sequence[str | Path], patch: str, *,
                preexec_fn: Callable[[], None] | None = None) -> Outcome:
    """The CLI with ``patch`` applied first, as ``run_cli(args, patch)`` runs it (the same
    script), in a forked child rather than a new interpreter (:func:`run_source`)."""
    argv = [str(a) for a in args]
    return run_source(cli_command(argv, patch)[2], argv, preexec_fn=preexec_fn)


def assert_clean_failure(outcome_code: int, stderr: str, *, naming: str) -> None:
    assert outcome_code == 1, stderr
    assert "Traceback" not in stderr
    assert naming in stderr, stderr
    assert stderr.strip().splitlines()[-1].startswith("corpuskit: "), stderr


def released(tmp_path: Path, out: Path) -> tuple[Path, dict[str, tuple[int, str]]]:
    """Release 1.0.0 in ``out``; the seeds, now at 1.1.0 with one big document."""
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
    first = run_here(build_args(seeds, out))
    assert first.code == 0, first.stderr
    write_seeds(seeds, big_docs(60_000), {"version": "1.1.0"})
    return seeds, snapshot(out)


def assert_untouched(out: Path, before: dict[str, tuple[int, str]]) -> None:
    assert snapshot(out) == before, "the output folder changed"
    assert stale_entries(out) == []


# -- read-only output ----------------------------------------------------------------------

def build_read_only(seeds: Path, out: Path) -> str:
    """A build of ``seeds`` into ``out`` made read-only, by a user without root's override:
    its stderr, once it failed cleanly, naming ``out``."""
    out.chmod(0o555)
    try:
        failed = run_cli(build_args(seeds, out), preexec_fn=drop_file_permission_override)
    finally:
        out.chmod(0o755)
    assert_clean_failure(failed.code, failed.stderr, naming=str(out))
    return failed.stderr


@needs_permissions
def test_read_only_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    seeds, before = released(tmp_path, out)
    stderr = build_read_only(seeds, out)
    assert "Permission denied" in stderr
    assert f"this user may not write into {out}; make it enterable and writable for this " \
           f"user (chmod u+rwx {out}), or give --out a folder this user can write" in stderr
    assert_untouched(out, before)


@needs_permissions
def test_a_release_already_there_in_a_read_only_output_folder(tmp_path: Path) -> None:
    """The message was "cannot write out: Permission denied" for the very release there:
    it says why a build writes, and what compares without writing (QA)."""
    out = tmp_path / "out"
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
    assert run_here(build_args(seeds, out)).code == 0
    before = snapshot(out)
    assert "there already; to compare the releases there with a fresh build without " \
           f"writing, run corpuskit check --dist {out}" in build_read_only(seeds, out)
    assert_untouched(out, before)


@needs_permissions
def test_output_folder_that_cannot_be_made(tmp_path: Path) -> None:
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
    parent = tmp_path / "locked"
    parent.mkdir(mode=0o555)
    try:
        failed = run_cli(build_args(seeds, parent / "dist"),
                         preexec_fn=drop_file_permission_override)
    finally:
        parent.chmod(0o755)
    assert_clean_failure(failed.code, failed.stderr, naming=str(parent / "dist"))
    # The folder to open up is the one dist would be made in (QA: "make it writable").
    assert f"this user may not write into {parent}; make it enterable and writable for " \
           f"this user (chmod u+rwx {parent})" in failed.stderr
    assert list(parent.iterdir()) == []


@needs_permissions
def test_a_release_into_seeds_this_user_may_not_write_says_what_to_do(tmp_path: Path) -> None:
    """"cannot write seeds/corpus.toml: Permission denied" said nothing of what to do (QA):
    the folder that may not be written is named, with the chmod for its owner; and an
    export into a folder this user may not write says the same."""
    out = tmp_path / "out"
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
    assert run_here(build_args(seeds, out)).code == 0
    (seeds / "docs" / "extra.txt").parent.mkdir(exist_ok=True)
    (seeds / "docs" / "extra.txt").write_text("Extra\n\nOne more document.\n", "utf-8")
    before = snapshot(seeds)
    seeds.chmod(0o555)
    try:
        failed = run_cli(["release", "--seeds", seeds, "--out", out, "--jobs", "1",
                          "--no-cache"], preexec_fn=drop_file_permission_override)
    finally:
        seeds.chmod(0o755)
    assert failed.code == 1, failed.stderr
    assert f"cannot write {seeds / 'corpus.toml'}: Permission denied; this user may not " \
           f"write into {seeds}: make it enterable and writable for this user (chmod u+rwx " \
           f"{seeds})" in failed.stderr
    assert snapshot(seeds) == before

    [release] = [p for p in out.iterdir() if p.is_dir()]
    locked = tmp_path / "exports"
    locked.mkdir(mode=0o555)
    try:
        exported = run_cli(["export", release, "--format", "csv", "--out",
                            locked / "docs.csv"], preexec_fn=drop_file_permission_override)
    finally:
        locked.chmod(0o755)
    assert exported.code == 1, exported.stderr
    assert f"this user may not write into {locked}: make it enterable and writable for " \
           f"this user (chmod u+rwx {locked})" in exported.stderr
    assert list(locked.iterdir()) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root, to give files to another user")
def test_another_users_file_in_a_sticky_folder_is_said_to_be_theirs(tmp_path: Path) -> None:
    """In a sticky folder (/tmp's mode) only a file's owner, or the folder's, may replace
    it: "make it writable" was no advice, and once followed the error said nothing (QA)."""
    from corpuskit.writer import write_advice

    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o1777)
    theirs = folder / "docs.csv"
    theirs.write_text("old\n", "utf-8")
    os.chown(folder, 65534, 65534)
    os.chown(theirs, 65534, 65534)
    refused = PermissionError(errno.EPERM, "Operation not permitted")
    assert write_advice(theirs, refused) == (
        f"; {folder} is sticky (chmod +t, as /tmp is): only the owner of {theirs} (or of the "
        "folder) may replace or remove it; have them remove it, or write to another path")
    os.chown(theirs, os.geteuid(), os.getegid())  # this user's own file: no such advice
    assert "sticky" not in write_advice(theirs, refused)
    folder.chmod(0o777)
    os.chown(theirs, 65534, 65534)
    assert "sticky" not in write_advice(theirs, refused)


@needs_permissions
def _their_lock_in_a_shared_folder(tmp_path: Path, lock_mode: int, out_mode: int
                                   ) -> tuple[Path, Path, Path]:
    """Seeds, and an output folder of mode ``out_mode`` holding a lock file of mode
    ``lock_mode``, both another user's (nobody's)."""
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
    out = tmp_path / "shared"
    out.mkdir()
    lock = out / ".corpuskit-lock"
    lock.write_bytes(b"")
    lock.chmod(lock_mode)
    for path in (out, lock):
        os.chown(path, 65534, 65534)
    out.chmod(out_mode)
    return seeds, out, lock


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root, to give files to another user")
def test_another_users_lock_file_in_a_shared_output_folder(tmp_path: Path) -> None:
    """A folder every user may write, holding the lock file another user's build left:
    the lock was opened to write, so every other user's build failed with "cannot write
    to <out>", naming the folder they could write (QA). A lock needs the file only to be
    read: the build goes on; a lock file they may not even read is named, with what to do."""
    seeds, out, lock = _their_lock_in_a_shared_folder(tmp_path, 0o644, 0o777)
    built = run_cli(build_args(seeds, out), preexec_fn=drop_file_permission_override)
    assert built.code == 0, built.stderr
    release = next(p for p in out.iterdir() if p.is_dir())
    assert_valid_release(release, out / f"{release.name}.zip")
    lock.chmod(0o600)
    write_seeds(seeds, DOCS_V1, {"version": "1.0.1"})
    before = snapshot(out)
    failed = run_cli(build_args(seeds, out), preexec_fn=drop_file_permission_override)
    assert failed.code == 1, failed.stderr
    assert f"cannot open {lock} (Permission denied), the lock that builds and releases into " \
        f"{out} take to write one at a time; it holds nothing: ask its owner to make it " \
        "readable to every user (chmod a+r), or, when no build or release is running " \
        f"there, remove it (rm {lock})" in failed.stderr, failed.stderr
    assert snapshot(out) == before


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root, to give files to another user")
def test_another_users_unreadable_lock_file_in_a_sticky_folder(tmp_path: Path) -> None:
    """In a sticky output folder only the lock file's owner may remove it: the advice said
    to have them remove it, without "when no build or release is running there" (removed
    under a running build, a second build could take a lock of its own and write at the
    same time)."""
    seeds, out, lock = _their_lock_in_a_shared_folder(tmp_path, 0o600, 0o1777)
    failed = run_cli(build_args(seeds, out), preexec_fn=drop_file_permission_override)
    assert failed.code == 1, failed.stderr
    assert f"cannot open {lock} (Permission denied), the lock that builds and releases into " \
        f"{out} take to write one at a time; it holds nothing; {out} is sticky (chmod +t, as " \
        f"/tmp is): only the owner of {lock} (or of the folder) may replace or remove it; " \
        "have them make it readable to every user (chmod a+r) or, when no build or release " \
        "is running there, remove it, or write to another path" in failed.stderr, failed.stderr
    assert sorted(p.name for p in out.iterdir()) == [".corpuskit-lock"]


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root, to give files to another user")
def test_read_advice_for_another_users_file_asks_its_owner(tmp_path: Path) -> None:
    """"make it readable to this user (chmod a+r)" was the advice for another user's file
    too, where only its owner may run that chmod (QA): they are asked to."""
    from corpuskit.regularfiles import not_permitted, permission_advice

    theirs = tmp_path / "README.md"
    theirs.write_text("text\n", "utf-8")
    own = not_permitted("a+r", theirs)
    assert own == "make it readable to this user (chmod a+r), or run corpuskit as its owner"
    os.chown(theirs, 65534, 65534)
    asked = "ask its owner to make it readable (chmod a+r), or run corpuskit as its owner"
    assert not_permitted("a+r", theirs) == asked
    refused = PermissionError(errno.EACCES, "Permission denied", str(theirs))
    assert permission_advice(refused) == f"; {asked}"
    relative = PermissionError(errno.EACCES, "Permission denied", "README.md")
    assert permission_advice(relative) == f"; {own}"  # relative to what: not guessed


@pytest.mark.parametrize("kind", ["fifo", "folder", "link"])
def test_a_lock_file_that_is_no_file_is_named(kind: str, tmp_path: Path) -> None:
    """Opened to read, a FIFO as the lock file made the build wait for a writer forever
    (QA); a link was followed, and the build made a file where it pointed; a folder gave
    "cannot write <out>: Is a directory". Each is named, with what to do, at once."""
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
    out = tmp_path / "out"
    out.mkdir()
    lock = out / ".corpuskit-lock"
    victim = tmp_path / "victim"
    if kind == "fifo":
        os.mkfifo(lock)
    elif kind == "folder":
        lock.mkdir()
    else:
        lock.symlink_to(victim)
    failed = run_cli(build_args(seeds, out), timeout=60)
    said = {"fifo": "no regular file (a FIFO, socket or device)", "folder": "a folder",
            "link": "a symbolic link"}[kind]
    assert failed.code == 1, failed.stderr
    assert f"{lock}, the lock that builds and releases into {out} take to write one at a " \
        f"time, is {said}: remove it (a build makes it again)" in failed.stderr, failed.stderr
    assert not os.path.lexists(victim)
    assert sorted(p.name for p in out.iterdir()) == [".corpuskit-lock"]


def test_the_lock_file_is_readable_to_every_user(tmp_path: Path) -> None:
    """Under umask 077, the first build made a lock file of mode 600 in the output folder,
    which then stopped the builds of every other user sharing it (QA)."""
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
    out = tmp_path / "out"
    out.mkdir()
    before = os.umask(0o077)
    try:
        assert run_here(build_args(seeds, out)).code == 0
    finally:
        os.umask(before)
    assert stat.S_IMODE((out / ".corpuskit-lock").stat().st_mode) == 0o644


def test_read_only_filesystem(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "mnt", 8 * 1024 * 1024) as mount:
        out = mount / "dist"
        seeds, before = released(tmp_path, out)
        remount_read_only(mount)
        failed = run_here(build_args(seeds, out))
        assert_clean_failure(failed.code, failed.stderr, naming=str(out))
        assert "Read-only file system" in failed.stderr
        # 1.1.0 is not there to compare, and no chmod would help
        assert "its file system is mounted read-only; give --out a folder this user can " \
               "write on another one" in failed.stderr
        assert snapshot(out) == before


# -- full disk -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sizes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    """File sizes of an undisturbed 1.1.0 build: where a file-size limit will bite."""
    root = tmp_path_factory.mktemp("sizes")
    seeds = write_seeds(root / "seeds", big_docs(60_000), {"version": "1.1.0"})
    result = corpuskit.build(seeds, root / "out", source_date_epoch=EPOCH, jobs=1)
    files = {rel: len(data) for rel, data in tree_files(result.release).items()}
    found = {
        "raw": files["data/raw/big.txt"],
        "documents": files["data/documents.jsonl"],
        "zip": result.archive.stat().st_size,
        "others": max(size for rel, size in files.items()
                      if rel not in ("data/raw/big.txt", "data/documents.jsonl")),
    }
    # the limits below only mean something if each stage writes a bigger file than the last
    assert found["others"] < found["raw"] < found["documents"] < found["zip"], found
    return found


@pytest.mark.parametrize("stage", ["raw copy", "records", "archive"])
def test_full_disk_as_a_file_size_limit(stage: str, sizes: dict[str, int],
                                        tmp_path: Path) -> None:
    """RLIMIT_FSIZE: the first write past the limit fails with EFBIG ("File too large")."""
    limit = {"raw copy": sizes["raw"] // 2,
             "records": (sizes["raw"] + sizes["documents"]) // 2,
             "archive": (sizes["documents"] + sizes["zip"]) // 2}[stage]
    out = tmp_path / "out"
    seeds, before = released(tmp_path, out)
    failed = run_cli(build_args(seeds, out), preexec_fn=file_size_limit(limit))
    assert_clean_failure(failed.code, failed.stderr, naming=str(out))
    # The archive's deflated pieces are made beside the records, then joined into the zip:
    # a limit between the records' size and the zip's bites at whichever is written first.
    where = {"raw copy": r"data/raw/big\.txt", "records": r"\.jsonl",
             "archive": rf"{NEW}\.zip"}
    assert re.search(f"{where[stage]}: File too large", failed.stderr), failed.stderr
    assert "File too large" in failed.stderr
    assert TEMP_PREFIX not in failed.stderr, "the message names a temporary path"
    assert_untouched(out, before)

    again = run_here(build_args(seeds, out))
    assert again.code == 0, again.stderr
    assert_valid_release(out / NEW, out / f"{NEW}.zip")
    assert stale_entries(out) == []


def test_export_to_a_full_disk_names_the_file_asked_for(tmp_path: Path) -> None:
    """The message named the scratch file (``out.csv-PID/out.csv``), gone by then."""
    out = tmp_path / "out"
    seeds = write_seeds(tmp_path / "seeds", big_docs(200_000))
    assert run_here(build_args(seeds, out)).code == 0
    target = tmp_path / "export" / "all.csv"
    target.parent.mkdir()
    target.write_text("earlier\n")
    failed = run_cli(["export", out / OLD, "--format", "csv", "--out", target],
                     preexec_fn=file_size_limit(50_000))
    assert_clean_failure(failed.code, failed.stderr, naming=f"cannot write {target}: ")
    assert "File too large" in failed.stderr
    assert f"{target.name}-" not in failed.stderr, "the message names a temporary path"
    assert sorted(p.name for p in target.parent.iterdir()) == ["all.csv"]
    assert target.read_text() == "earlier\n"


#: Two shards (of four documents), so that ``--jobs 2`` runs them in two worker processes.
TWO_SHARDS = """
    import corpuskit.engine as engine
    import corpuskit.shards as shards
    import corpuskit.validation.seeds as seeds_check
    shards.SHARD_MIN = shards.SHARD_MAX = seeds_check.CHUNK = 4
    engine.SHARD_MAX = 4  # engine copied it when imported: in a forked child, before this
"""


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_failed_raw_copy_names_the_seeds_file(jobs: int, sizes: dict[str, int],
                                                tmp_path: Path) -> None:
    """The raw copy runs in the worker (a process of its own with --jobs 2) and writes into
    the hidden temporary folder: its error names the seeds file and the release path it
    was copied to, never the temporary folder."""
    out = tmp_path / "out"
    seeds, before = released(tmp_path, out)
    failed = run_patched(["build", seeds, "--out", out, "--jobs", str(jobs), "--no-cache"],
                         TWO_SHARDS, preexec_fn=file_size_limit(sizes["raw"] // 2))
    assert_clean_failure(failed.code, failed.stderr, naming=str(seeds / "big.txt"))
    assert (f"cannot copy {seeds / 'big.txt'} to {out / NEW / 'data/raw/big.txt'}: "
            "File too large") in failed.stderr, failed.stderr
    assert TEMP_PREFIX not in failed.stderr and ".shards" not in failed.stderr
    assert_untouched(out, before)


@pytest.mark.parametrize("jobs", [1, 2])
def test_failed_records_of_a_worker_name_the_seeds_files(jobs: int, sizes: dict[str, int],
                                                         tmp_path: Path) -> None:
    """A worker's records (its shard file, in the temporary folder) that cannot be written:
    the error names the shard's seeds files and the documents file they were for."""
    out = tmp_path / "out"
    seeds, before = released(tmp_path, out)
    # big.txt sorts first: the shard of big.txt and three small documents is the first
    # file over the limit (the raw copies are all smaller)
    failed = run_patched(["build", seeds, "--out", out, "--jobs", str(jobs), "--no-cache"],
                         TWO_SHARDS, preexec_fn=file_size_limit(sizes["raw"] + 1))
    assert_clean_failure(failed.code, failed.stderr, naming=str(seeds / "big.txt"))
    assert (f"cannot write the records of {seeds / 'big.txt'} to {seeds / 'doc2.txt'} "
            f"(4 files) for {out / NEW / 'data/documents.jsonl'}: File too large"
            ) in failed.stderr, failed.stderr
    assert TEMP_PREFIX not in failed.stderr and ".shards" not in failed.stderr
    assert_untouched(out, before)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_bug_on_one_document_is_a_problem_naming_that_file(jobs: int,
                                                             tmp_path: Path) -> None:
    """An unexpected exception while processing one document, in a worker process: build
    and 'validate SEEDS' report it on that seeds file (internal-error), with no traceback,
    and nothing is written."""
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
    out = tmp_path / "out"
    patch = TWO_SHARDS + """
    import corpuskit.records as records
    _decode = records.decode
    def decode(raw, config):
        if raw.path == "doc5.txt":
            raise RuntimeError("an unforeseen failure")
        return _decode(raw, config)
    records.decode = decode
    """
    failed = run_patched(["build", seeds, "--out", out, "--jobs", str(jobs), "--no-cache"],
                         patch)
    assert_clean_failure(failed.code, failed.stderr, naming="doc5.txt")
    assert (f"error: {seeds}/doc5.txt: corpuskit failed on this file (RuntimeError: an "
            "unforeseen failure); this is a bug in corpuskit") in failed.stderr, failed.stderr
    assert "[internal-error]" in failed.stderr and "nothing was written" in failed.stderr
    assert visible_entries(out) == set() and stale_entries(out) == []
    checked = run_patched(["validate", seeds, "--jobs", str(jobs)], patch)
    assert checked.code == 1 and "Traceback" not in checked.stderr, checked.stderr
    assert "doc5.txt: corpuskit failed on this file" in checked.stdout
    assert "[internal-error]" in checked.stdout


def test_a_cache_that_cannot_be_written_only_slows_the_build(tmp_path: Path) -> None:
    """The shard cache is an optimization: a cache path that cannot be written (here a
    file where the default cache folder should be; ``--cache FILE`` is a usage error)
    never fails the build or changes its bytes."""
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
    cache = tmp_path / "xdg" / "corpuskit"
    cache.parent.mkdir()
    cache.write_text("not a folder\n")
    done = run_cli(["build", seeds, "--out", tmp_path / "out", "--jobs", "1"],
                   env={"XDG_CACHE_HOME": str(cache.parent)})
    assert done.code == 0 and f"note: the cache folder {cache} cannot be written" \
        in done.stderr, done.stderr
    plain = run_here(build_args(seeds, tmp_path / "plain"))
    assert plain.code == 0, plain.stderr
    assert tree_files(tmp_path / "out") == tree_files(tmp_path / "plain")


@needs_permissions
@pytest.mark.parametrize("locked", ["the cache folder at 100", "a shard folder at 000"])
def test_a_cache_this_user_may_not_write_is_said_as_it_is(locked: str, tmp_path: Path) -> None:
    """A cache folder at 100 (entered, neither listed nor written) was said to be read no
    more ("reads and processes those documents again", not "though what earlier builds
    kept there is still read"), while its entries were (a cached shard); a shard folder
    of the cache at 000 stopped caching without a word. Each is a note saying what is so
    (QA)."""
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
    cache = tmp_path / "cache"
    assert run_here(["build", seeds, "--out", tmp_path / "first", "--jobs", "1",
                     "--cache", cache]).code == 0
    at_100 = locked == "the cache folder at 100"
    folder = cache if at_100 else next(p for p in sorted(cache.iterdir()) if len(p.name) == 2)
    folder.chmod(0o100 if at_100 else 0)
    try:
        done = run_cli(["build", seeds, "--out", tmp_path / "out", "--jobs", "1",
                        "--cache", cache, "--json"], preexec_fn=drop_file_permission_override)
    finally:
        folder.chmod(0o755)
    assert done.code == 0, done.stderr
    result = json.loads(done.stdout)
    not_kept = ("nothing new can be kept there (later builds then do again what a build "
                "would keep: processing the documents that changed, reading the seeds files)"
                if at_100 else NOT_KEPT["a0"])
    if at_100:
        assert result["cached_shards"] >= 1
        assert result["notes"] == [
            f"the cache folder {cache} cannot be written (Permission denied): {not_kept}, "
            "though what earlier builds kept there is still read; fix it, or pass --cache "
            "DIR (or --no-cache)"]
    else:
        assert result["notes"] == [
            f"the folder {folder} of the cache cannot be written by this user: {not_kept}; "
            "fix it, or pass --cache DIR (or --no-cache)"]
    assert tree_files(tmp_path / "out") == tree_files(tmp_path / "first")


#: What a note says the next build does again, for each folder of the cache (QA: the note
#: said of the listings that the documents would be read and processed again).
NOT_KEPT = {
    "a0": "the documents a build processes cannot be kept there (later builds then process "
          "them again)",
    "seed-states": "what a build learns of the seeds files might not be kept there (later "
                   "builds then read those files again, though they take the processed "
                   "documents from the cache)",
    "listings": "the listings of the seeds folders cannot be kept there (later builds then "
                "list those folders again)",
    "models": "the decoded language model cannot be kept there (a build that does not find "
              "it kept elsewhere then decodes it again: about half a second)",
}


@pytest.mark.parametrize("misplaced", [("seed-states",), ("listings",), ("a0",), ("models",),
                                       ("seed-states", "listings", "a0", "models")])
def test_a_file_where_the_cache_keeps_a_folder_is_said(misplaced: tuple[str, ...],
                                                        tmp_path: Path) -> None:
    """A file named like one of the cache's folders (its seeds states, listings, a shard
    folder) kept the build from keeping anything there, without a word: every later build
    read every document again (QA). It is now a note naming each, with what the next
    build does again; the release is the same, and once they are removed the next build
    keeps its states again."""
    cache = tmp_path / "cache"
    cache.mkdir()
    for name in misplaced:
        (cache / name).write_text("not a folder\n")
    if misplaced == ("models",):  # a build that identifies no language needs no model
        quiet = write_seeds(tmp_path / "quiet", DOCS_V1)
        done = run_cli(["build", quiet, "--out", tmp_path / "quiet-out", "--jobs", "1",
                        "--cache", cache, "--json"])
        assert done.code == 0 and json.loads(done.stdout)["notes"] == []
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1,
                        {"extract": {"language": True}} if "models" in misplaced else None)
    done = run_cli(["build", seeds, "--out", tmp_path / "out", "--jobs", "1",
                    "--cache", cache, "--json"])
    assert done.code == 0, done.stderr
    assert json.loads(done.stdout)["notes"] == [
        f"the file {cache / name} of the cache is where the cache keeps a folder: "
        f"{NOT_KEPT[name]}; remove it (a build makes the folder), or pass --cache DIR (or "
        "--no-cache)" for name in ("a0", "seed-states", "listings", "models")
        if name in misplaced]
    assert all((cache / name).is_file() for name in misplaced)  # left as they were
    assert run_here(["build", seeds, "--out", tmp_path / "fresh", "--no-cache"]).code == 0
    assert tree_files(tmp_path / "out") == tree_files(tmp_path / "fresh")
    for name in misplaced:
        (cache / name).unlink()
    again = run_cli(["build", seeds, "--out", tmp_path / "again", "--jobs", "1",
                     "--cache", cache, "--json"])
    assert again.code == 0 and json.loads(again.stdout)["notes"] == []
    assert any((cache / "seed-states").iterdir())


@needs_permissions
def test_a_seeds_folder_listed_but_not_entered_is_one_problem(tmp_path: Path) -> None:
    """A seeds folder of mode 644 may be listed, not entered: each of its files was a
    problem of its own, with advice to make that file readable, which the chmod could not
    do (QA). It is one problem naming the folder, for build and validate alike."""
    seeds = write_seeds(tmp_path / "seeds", {**DOCS_V1, "sub/one.txt": "One\n\nA text.\n",
                                             "sub/two.txt": "Two\n\nA text.\n"})
    (seeds / "sub").chmod(0o644)
    try:
        built = run_cli(build_args(seeds, tmp_path / "out"),
                        preexec_fn=drop_file_permission_override)
        checked = run_cli(["validate", seeds], preexec_fn=drop_file_permission_override)
    finally:
        (seeds / "sub").chmod(0o755)
    said = ("cannot enter this folder: Permission denied, so none of its files can be read "
            "(it may be listed, not entered); make it enterable (chmod a+x), or move it out "
            "of the seeds folder [unreadable-file]")
    assert built.code == 1 and checked.code == 1, built.stderr + checked.stdout
    assert [line for line in built.stderr.splitlines() if line.startswith("error:")] == [
        f"error: {seeds}/sub: {said}"]
    assert f"{seeds}/sub: {said}" in checked.stdout
    assert "one.txt" not in built.stderr + checked.stdout
    assert not (tmp_path / "out").exists()


@needs_permissions
def test_a_link_into_a_folder_that_cannot_be_entered_is_told_as_a_link(tmp_path: Path) -> None:
    """A link to a file in a folder this user may not enter was told "cannot look at it:
    ...; make it a readable file", a chmod of the link that cannot work (QA): it is told as
    a link, with where it points."""
    seeds = write_seeds(tmp_path / "seeds", {**DOCS_V1, "sub/one.txt": "One\n\nA text.\n"})
    (seeds / "alias.txt").symlink_to("sub/one.txt")
    (seeds / "sub").chmod(0o644)
    try:
        built = run_cli(build_args(seeds, tmp_path / "out"),
                        preexec_fn=drop_file_permission_override)
    finally:
        (seeds / "sub").chmod(0o755)
    assert built.code == 1, built.stderr
    assert f"error: {seeds}/alias.txt: a symbolic link to sub/one.txt, which cannot be looked " \
        "at: Permission denied; make the folders on its way enterable (chmod a+x), or " \
        "replace the link with the file it should name [unreadable-file]" in built.stderr


@needs_permissions
@pytest.mark.skipif(os.geteuid() != 0, reason="needs root, to give files to another user")
def test_another_users_seeds_files_ask_their_owner(tmp_path: Path) -> None:
    """Another user's folder or file in the seeds that this user may not read: the advice
    was a chmod only its owner may run, or to move it out of a seeds folder this user may
    not change (QA); they are asked to, or corpuskit is to run as them."""
    seeds = write_seeds(tmp_path / "seeds", {**DOCS_V1, "sub/one.txt": "One\n\nA text.\n",
                                             "listed/two.txt": "Two\n\nA text.\n",
                                             "closed/three.txt": "Three\n\nA text.\n"})
    modes = {seeds / "sub": 0o644, seeds / "listed" / "two.txt": 0o600,
             seeds / "closed": 0o311}
    for path, mode in modes.items():
        os.chown(path, 65534, 65534)
        path.chmod(mode)
    try:
        built = run_cli(build_args(seeds, tmp_path / "out"),
                        preexec_fn=drop_file_permission_override)
    finally:
        for path in modes:
            path.chmod(0o755)
    assert built.code == 1, built.stderr
    errors = sorted(line for line in built.stderr.splitlines() if line.startswith("error:"))
    assert errors == [
        f"error: {seeds}/closed: cannot list this folder: Permission denied; ask its owner to "
        "make it readable (chmod a+rx), or run corpuskit as its owner [unreadable-file]",
        f"error: {seeds}/listed/two.txt: cannot be read: Permission denied; ask its owner to "
        "make it readable (chmod a+r), or run corpuskit as its owner [unreadable-file]",
        f"error: {seeds}/sub: cannot enter this folder: Permission denied, so none of its "
        "files can be read (it may be listed, not entered); ask its owner to make it "
        "enterable (chmod a+x), or run corpuskit as its owner [unreadable-file]"]


def tmpfs_used(path: Path) -> int:
    info = os.statvfs(path)
    return (info.f_blocks - info.f_bfree) * info.f_frsize


@pytest.mark.parametrize("big", [40_000, 90_000, 400_000])
def test_full_disk_on_a_small_filesystem(big: int, tmp_path: Path) -> None:
    """A 256 KiB tmpfs: the big document makes the build run out of space at some point
    (raw copy, records or zip, depending on its size); all space is given back."""
    with tmpfs(tmp_path / "mnt", 256 * 1024) as mount:
        out = mount / "dist"
        seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
        assert run_here(build_args(seeds, out)).code == 0
        write_seeds(seeds, {**DOCS_V1, "big.txt": "A big document\n\n" + words(big, 3)},
                    {"version": "1.1.0"})
        before, used = snapshot(out), tmpfs_used(mount)
        failed = run_here(build_args(seeds, out))
        assert_clean_failure(failed.code, failed.stderr, naming=str(out))
        assert "No space left on device" in failed.stderr
        assert_untouched(out, before)
        assert tmpfs_used(mount) == used, "space of the failed build was not given back"


# -- input that cannot be read -------------------------------------------------------------

@needs_permissions
def test_unreadable_file(tmp_path: Path) -> None:
    seeds = write_seeds(tmp_path / "seeds", {**DOCS_V1, "secret/locked.txt": "Hidden\n\nText.\n"})
    (seeds / "secret" / "locked.txt").chmod(0)
    out = tmp_path / "out"
    failed = run_cli(build_args(seeds, out), preexec_fn=drop_file_permission_override)
    assert_clean_failure(failed.code, failed.stderr, naming="secret/locked.txt")
    assert "[unreadable-file]" in failed.stderr
    assert "Permission denied" in failed.stderr
    assert visible_entries(out) == set() and stale_entries(out) == []

    checked = run_cli(["validate", seeds, "--jobs", "1"], preexec_fn=drop_file_permission_override)
    assert checked.code == 1
    assert "secret/locked.txt" in checked.stdout and "unreadable-file" in checked.stdout


@needs_permissions
def test_an_unreadable_corpus_toml_is_told_what_to_do(tmp_path: Path) -> None:
    """It said "corpus.toml must be a readable text file", with no word of the chmod or
    the owner every other unreadable file is told of (QA)."""
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
    (seeds / "corpus.toml").chmod(0)
    failed = run_cli(build_args(seeds, tmp_path / "out"),
                     preexec_fn=drop_file_permission_override)
    assert failed.code == 1, failed.stderr
    assert f"error: {seeds}/corpus.toml: cannot be read: Permission denied; make it readable to " \
        "this user (chmod a+r), or run corpuskit as its owner [unreadable-file]" \
        in failed.stderr, failed.stderr


@needs_permissions
def test_unreadable_folder(tmp_path: Path) -> None:
    seeds = write_seeds(tmp_path / "seeds", {**DOCS_V1, "secret/locked.txt": "Hidden\n\nText.\n"})
    (seeds / "secret").chmod(0)
    out = tmp_path / "out"
    try:
        failed = run_cli(build_args(seeds, out), preexec_fn=drop_file_permission_override)
    finally:
        (seeds / "secret").chmod(0o755)
    assert_clean_failure(failed.code, failed.stderr, naming="secret")
    assert "[unreadable-file]" in failed.stderr
    assert visible_entries(out) == set()


def inputs_of_every_command(root: Path, given: str, tmp_path: Path
                            ) -> tuple[Path, list[list[str | Path]]]:
    """A release built under ``root`` (seeds in ``root/seeds``, releases in ``root/out``),
    its ``given`` input (``archive``, ``package`` or ``seeds``), and the commands that read
    it: info, diff and validate, and build and check of seeds or export of a
    package, which would write into ``tmp_path`` (``again/``, ``x.csv``)."""
    seeds = write_seeds(root / "seeds", DOCS_V1)
    out = root / "out"
    assert run_here(build_args(seeds, out)).code == 0
    release = next(p for p in out.iterdir() if p.is_dir())
    archive = out / f"{release.name}.zip"
    target = {"archive": archive, "package": release, "seeds": seeds}[given]
    other = release if given == "archive" else archive
    commands: list[list[str | Path]] = [
        ["info", target, "--json"], ["diff", target, other, "--json"],
        ["validate", target]]
    if given == "seeds":
        commands += [build_args(seeds, tmp_path / "again", "--json"),
                     ["check", "--seeds", target, "--dist", out]]
    else:
        commands += [["export", target, "--format", "csv", "--out", tmp_path / "x.csv",
                      "--json"]]
    return target, commands


def assert_each_says(commands: list[list[str | Path]], *said: str) -> None:
    """Each command, run as an ordinary user (see drop_file_permission_override), fails
    (exit 1, no traceback, no usage error) saying all of ``said``, with its failure JSON
    for --json."""
    for args in commands:
        failed = run_cli(args, preexec_fn=drop_file_permission_override)
        assert failed.code == 1, (args, failed.stderr)
        assert "Traceback" not in failed.stderr and "Usage:" not in failed.stderr, failed.stderr
        shown = failed.stdout + failed.stderr
        for phrase in said:
            assert phrase in shown, (args, phrase, shown)
        if "--json" in args:
            assert json.loads(failed.stdout)["problems"][0]["code"] == "unreadable-file"


@needs_permissions
@pytest.mark.parametrize("given", ["archive", "package", "seeds"])
def test_unreadable_input_names_it_and_what_to_do(given: str, tmp_path: Path) -> None:
    """An input this user may not read (a package's zip, its folder, a seeds folder) was
    click's "Path '...' is not readable": a usage error (exit 2), with no failure JSON
    for --json, that said nothing of what to do. Every command now names it, says how to
    read it, exits 1 and prints its failure JSON with --json (QA)."""
    target, commands = inputs_of_every_command(tmp_path, given, tmp_path)
    what = "folder" if target.is_dir() else "file"
    target.chmod(0)
    try:
        assert_each_says(commands, f"{target}: this {what} cannot be read: Permission denied; "
                         "make it readable to this user", "or run corpuskit as its owner")
    finally:
        target.chmod(0o755 if what == "folder" else 0o644)
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "again").exists()


@needs_permissions
@pytest.mark.parametrize(("given", "mode", "kind"), [
    ("seeds", 0o311, "seeds"), ("package", 0o311, "package"), ("seeds", 0o000, "unreadable"),
    ("package", 0o000, "package"), ("seeds", 0o600, "seeds"), ("package", 0o600, "package"),
    ("renamed package", 0o600, "package"), ("renamed package", 0o311, "package"),
    ("corpus.toml", 0o000, "seeds")])
def test_an_unreadable_folder_is_reported_as_what_it_can_be_told_to_be(
        given: str, mode: int, kind: str, tmp_path: Path) -> None:
    """validate of a seeds folder that can be entered but not listed (chmod 311) called it
    a package: the files it holds tell what it is, as they do for a readable one, and the
    names of those of one that can be listed only (chmod 600) (QA). Where nothing can be
    seen (chmod 000) a seeds folder was called a package still (QA): a package folder's
    name tells, that of a release (``<name>-<version>``); any other, seeds or a folder of
    releases, is not guessed (``unreadable``: QA, a dist/ was called seeds). A corpus.toml
    given that cannot be read was called an archive: it is its seeds folder's."""
    target, _ = inputs_of_every_command(tmp_path, given.split()[-1].replace(
        "corpus.toml", "seeds"), tmp_path)
    if given == "renamed package":  # its name no longer tells: its files do
        target = target.rename(target.with_name("mine"))
    elif given == "corpus.toml":
        target = target / "corpus.toml"
    target.chmod(mode)
    try:
        runs = [run_cli(["validate", target, *extra], preexec_fn=drop_file_permission_override)
                for extra in ([], ["--format", "json"])]
    finally:
        target.chmod(0o755 if target.is_dir() else 0o644)
    assert [done.code for done in runs] == [1, 1], runs
    said = "1 problem: this user may not read it" if kind == "unreadable" else \
        f"1 problem in {kind} (0 documents"
    assert f"{target}: {said}" in runs[0].stdout, runs[0].stdout
    report = json.loads(runs[1].stdout)
    assert (report["kind"], [p["code"] for p in report["problems"]]) == \
        (kind, ["unreadable-file"]), report


@needs_permissions
@pytest.mark.parametrize("mode", [0o000, 0o311, 0o600])
def test_a_folder_of_releases_that_cannot_be_read_is_named_so(mode: int, tmp_path: Path) -> None:
    """validate of a dist/ this user may not read called it seeds ("1 problem in seeds",
    "kind": "seeds"): nothing in it can be seen, and it is not named as a release, so it
    was taken for one (QA). check said it "is no folder of releases", and of one it could
    list but not enter it gave an error on its datapackage.json. Each now says it cannot
    be read, by this user, and what to grant; build and release as they did. One listed,
    not entered (600), whose kind validate said could not be told, is named a folder of
    releases by the names it lists (QA); the others are not guessed at."""
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
    dist = tmp_path / "dist"
    assert run_here(build_args(seeds, dist)).code == 0
    dist.chmod(mode)
    try:
        validated, as_json, checked, built, released = (
            run_cli(args, preexec_fn=drop_file_permission_override) for args in (
                ["validate", dist], ["validate", dist, "--format", "json"],
                ["check", "--seeds", seeds, "--dist", dist, "--jobs", "1"],
                build_args(seeds, dist),
                ["release", "--seeds", seeds, "--out", dist, "--jobs", "1", "--dry-run"]))
    finally:
        dist.chmod(0o755)
    for done in (validated, as_json, checked, built, released):
        assert done.code == 1, done.stdout + done.stderr
        assert "Traceback" not in done.stdout + done.stderr
    name = next(p.name for p in dist.iterdir() if p.is_dir())
    # Listed, not entered (600), it was said to be what cannot be told (QA): its names tell.
    assert validated.stdout.splitlines() == [
        f"{dist}: this folder cannot be read: Permission denied; make it readable to this user "
        "(chmod a+rx), or run corpuskit as its owner" + (
            f"; by the names it lists, it is a folder of releases (2 releases: {name}/, "
            f"{name}.zip), none of them checked" if mode == 0o600 else "")
        + " [unreadable-file]",
        f"{dist}: 1 problem: this user may not enter it, a folder of releases by the names it "
        "lists, so none of its releases can be read; nothing checked" if mode == 0o600 else
        f"{dist}: 1 problem: this user may not read it, so what it is (a seeds folder, a "
        "package folder or a folder of releases) cannot be told; nothing checked"]
    report = json.loads(as_json.stdout)
    assert (report["kind"], [p["code"] for p in report["problems"]]) == \
        ("unreadable", ["unreadable-file"]), report
    jsonschema.validate(report, load_schema("report.schema.json"))
    doing = "enter" if mode == 0o600 else "list"  # 600: listed, not entered
    assert checked.stdout.splitlines() == [
        f"{dist}: --dist cannot be read: this user may not {doing} it (Permission denied); "
        f"make it readable and enterable for this user (chmod u+rx {dist}), or pass the "
        f"folder that holds {name}/ and {name}.zip [unreadable-file]",
        f"{dist}: not compared, --dist {dist} cannot be read by this user (1 problem)"]
    assert checked.stderr.splitlines()[-1] == \
        f"corpuskit: error: --dist {dist} cannot be read by this user; nothing was compared"
    for done in (built, released):
        assert f"cannot use --out {dist}: this user may not {doing} it (Permission denied)" \
            in done.stderr and f"(chmod u+rwx {dist})" in done.stderr, done.stderr


@needs_permissions
@pytest.mark.parametrize("given", ["archive", "package", "seeds"])
def test_input_inside_a_folder_that_cannot_be_entered(given: str, tmp_path: Path) -> None:
    """An input inside a folder this user may not enter was click's "Path '...' does not
    exist" (exit 2), and with that check gone, tracebacks where commands asked whether
    it was a folder (Python's Path.is_dir() raises then). Every command now says it cannot
    be reached, names the folder in the command to run, exits 1 and prints its failure
    JSON with --json (QA)."""
    locked = tmp_path / "locked"
    _, commands = inputs_of_every_command(locked, given, tmp_path)
    locked.chmod(0o600)  # listed, not entered
    try:
        assert_each_says(commands, f"cannot be reached: the folder {locked} above it cannot be "
                         "entered (Permission denied)", f"(chmod a+rx {locked})",
                         "or run corpuskit as its owner")
    finally:
        locked.chmod(0o755)
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "again").exists()


@needs_permissions
def test_the_folder_that_cannot_be_entered_is_named(tmp_path: Path) -> None:
    """With two such folders on the way, "a folder above it" left the user to guess which
    (QA); through a symbolic link, the folder is not on the path given at all. The first
    one is named (then the next, once it is entered), and a link is said to lead there."""
    seeds = write_seeds(tmp_path / "two" / "a" / "b" / "seeds", DOCS_V1)
    (tmp_path / "link").symlink_to(seeds)
    (tmp_path / "two" / "a").chmod(0o600)
    try:
        deep = run_cli(["validate", seeds], preexec_fn=drop_file_permission_override)
        linked = run_cli(["info", tmp_path / "link"], preexec_fn=drop_file_permission_override)
        (tmp_path / "two").chmod(0o600)
        first = run_cli(["validate", seeds], preexec_fn=drop_file_permission_override)
    finally:
        (tmp_path / "two").chmod(0o755)
        (tmp_path / "two" / "a").chmod(0o755)
    for failed, folder in [(deep, tmp_path / "two" / "a"), (first, tmp_path / "two")]:
        assert failed.code == 1, failed.stderr
        assert f"{seeds}: cannot be reached: the folder {folder} above it cannot be entered " \
            f"(Permission denied); make that folder readable to this user (chmod a+rx " \
            f"{folder}), or run corpuskit as its owner [unreadable-file]" in failed.stdout, \
            failed.stdout
    assert linked.code == 1, linked.stderr
    assert f"{tmp_path / 'link'}: cannot be reached: a folder above it cannot be entered " \
        f"(Permission denied), on the way of the symbolic link {tmp_path / 'link'}" \
        in linked.stderr, linked.stderr


@needs_permissions
@pytest.mark.parametrize("locked", ["folder 000", "folder 311", "zip 000", "data 311",
                                    "data 000", "README 000", "datapackage.json 000",
                                    "extra 000"])
def test_an_unreadable_release_is_not_called_changed(locked: str, tmp_path: Path) -> None:
    """A release already in --out that this user may not read (its folder, its zip, a
    folder or file in it) was called changed after it was built, or damaged, with advice
    to restore it or delete it (build); stale, no package or every file missing, with
    advice to delete it (check): a published release whose only fault is its permissions.
    Both now name what cannot be read and say how to read it (QA)."""
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
    out = tmp_path / "out"
    assert run_here(build_args(seeds, out)).code == 0
    release = next(p for p in out.iterdir() if p.is_dir())
    where, mode = locked.split()
    target = {"folder": release, "zip": out / f"{release.name}.zip", "data": release / "data",
              "README": release / "README.md",
              "datapackage.json": release / "datapackage.json", "extra": release / "extra"}[where]
    if where == "extra":  # a folder added to the release that cannot be listed (QA)
        target.mkdir()
        (target / "notes.txt").write_text("notes\n", encoding="utf-8")
    before = snapshot(out)
    target.chmod(int(mode, 8))
    try:
        runs = [run_cli(args, preexec_fn=drop_file_permission_override) for args in (
            build_args(seeds, out), build_args(seeds, out, "--json"),
            ["check", "--seeds", seeds, "--dist", out])]
    finally:
        target.chmod(0o644 if target.is_file() else 0o755)
    assert snapshot(out) == before
    problem = json.loads(runs[1].stdout)["problems"][0]
    assert (problem["code"], problem["path"]) == ("unreadable-file", str(target)), problem
    for failed in runs:
        assert failed.code == 1, failed.stderr
        shown = failed.stdout + failed.stderr
        assert "Traceback" not in shown, shown
        assert f"{target}: " in shown and "[unreadable-file]" in shown, shown
        assert "chmod a+r" in shown and "or run corpuskit as its owner" in shown, shown
        for wrong in ("changed after", "damaged", "stale-release", "not-a-package",
                      "missing", "delete", "restore", "remove", "not current"):
            assert wrong not in shown, (wrong, shown)


@needs_permissions
@pytest.mark.parametrize("locked", ["datapackage.json", "folder"])
def test_an_older_unreadable_release_leaves_the_comparison_standing(
        locked: str, tmp_path: Path) -> None:
    """check of a dist/ whose older release this user may not read, and whose latest is
    stale: it compared the latest, reported what differed, and then said "not compared,
    <the older release> cannot be read (N problems)", every finding laid on that file
    (QA). The older release is its own problem; the comparison stands."""
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1, {"version": "1.0.0"})
    out = tmp_path / "out"
    assert run_here(build_args(seeds, out)).code == 0
    write_seeds(seeds, DOCS_V1, {"version": "1.1.0"})
    assert run_here(build_args(seeds, out)).code == 0
    write_seeds(seeds, {**DOCS_V1, "doc1.txt": "Title number 1\n\nChanged since 1.1.0.\n"},
                {"version": "1.1.0"})
    older = next(p for p in out.iterdir() if p.name.endswith("-1.0.0"))
    target = older / "datapackage.json" if locked == "datapackage.json" else older
    target.chmod(0)
    try:
        runs = [run_cli(["check", "--seeds", seeds, "--dist", out, *more],
                        preexec_fn=drop_file_permission_override) for more in ([], ["--json"])]
    finally:
        target.chmod(0o755 if target.is_dir() else 0o644)
    text, as_json = runs
    assert text.code == 1 and as_json.code == 1, text.stderr
    assert f"{target}: this " in text.stdout and "[unreadable-file]" in text.stdout
    assert "doc1.txt: differs from what a fresh build" in text.stdout, text.stdout
    assert "not compared" not in text.stdout + text.stderr, text.stdout + text.stderr
    assert "not current" in text.stdout, text.stdout
    report = json.loads(as_json.stdout)
    codes = {(problem["path"], problem["code"]) for problem in report["problems"]}
    assert (str(target), "unreadable-file") in codes, codes
    assert any(code == "stale-release" and path.endswith("doc1.txt") for path, code in codes)
    assert "not_compared" not in report or not report["not_compared"], report


@needs_permissions
def test_an_older_unreadable_release_beside_a_current_one_is_said_so(tmp_path: Path) -> None:
    """With the seeds' release current and an older one that this user may not read, check
    said "not current, 1 problem" and "is not current: 1 difference", where nothing
    differed (QA)."""
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1, {"version": "1.0.0"})
    out = tmp_path / "out"
    assert run_here(build_args(seeds, out)).code == 0
    write_seeds(seeds, DOCS_V1, {"version": "1.1.0"})
    assert run_here(build_args(seeds, out)).code == 0
    older = next(p for p in out.iterdir() if p.name.endswith("-1.0.0"))
    older.chmod(0)
    try:
        failed = run_cli(["check", "--seeds", seeds, "--dist", out, "--jobs", "1"],
                         preexec_fn=drop_file_permission_override)
    finally:
        older.chmod(0o755)
    assert failed.code == 1, failed.stderr
    assert f"{out}: what could be read is equal to a fresh build" in failed.stdout, \
        failed.stdout
    assert f"{out}: 1 release or file of a release cannot be read by this user; the rest " \
        "compared equal" in failed.stderr, failed.stderr
    assert "not current" not in failed.stdout + failed.stderr


@needs_permissions
def test_the_seeds_release_that_cannot_be_read_is_not_compared_and_says_why(
        tmp_path: Path) -> None:
    """The seeds' own release whose datapackage.json this user may not read is not
    compared: the CLI told so from the words of the report's not_compared ("... cannot be
    read by this user"), which --json never held (QA s83 review 3). The JSON report says
    why (release-unreadable), and its summary."""
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1, {"version": "1.0.0"})
    out = tmp_path / "out"
    assert run_here(build_args(seeds, out)).code == 0
    descriptor = next(p for p in out.iterdir() if p.is_dir()) / "datapackage.json"
    descriptor.chmod(0)
    try:
        text, as_json = [run_cli(["check", "--seeds", seeds, "--dist", out, "--jobs", "1",
                                  *more], preexec_fn=drop_file_permission_override)
                         for more in ([], ["--json"])]
    finally:
        descriptor.chmod(0o644)
    assert text.code == 1 and as_json.code == 1, text.stderr
    said = f"{descriptor} cannot be read by this user"
    assert text.stdout.splitlines()[-1] == f"{out}: not compared, {said} (1 problem)", \
        text.stdout
    assert text.stderr.splitlines()[-1] == \
        f"corpuskit: error: {said} (1 problem), so it was not compared", text.stderr
    report = json.loads(as_json.stdout)
    assert report["not_compared_reason"] == "release-unreadable", report
    assert report["summary"] == text.stdout.splitlines()[-1]


@needs_permissions
@pytest.mark.skipif(os.geteuid() != 0, reason="needs root, to give files to another user")
def test_another_users_folder_in_a_package_named_from_a_relative_path(tmp_path: Path) -> None:
    """A package whose data/ is another user's, not to be entered: validate called the
    folder no package at all (it looked for data/documents.jsonl and gave up), and the
    advice was a chmod only that user may run, unless the package was given by an
    absolute path (QA). It is a package whose data/ cannot be read; its owner is asked."""
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
    out = tmp_path / "out"
    assert run_here(build_args(seeds, out)).code == 0
    release = next(p for p in out.iterdir() if p.is_dir())
    data = release / "data"
    os.chown(data, 65534, 65534)
    data.chmod(0o700)
    try:
        failed = run_cli(["validate", release.relative_to(tmp_path)], cwd=tmp_path,
                         preexec_fn=drop_file_permission_override)
        loaded = run_source(
            "import corpuskit, sys\ntry:\n    list(corpuskit.load("
            f"{str(release.relative_to(tmp_path))!r}))\nexcept Exception as exc:\n"
            "    print(exc)", cwd=tmp_path, preexec_fn=drop_file_permission_override)
    finally:
        data.chmod(0o755)
        os.chown(data, os.geteuid(), os.getegid())
    assert failed.code == 1, failed.stderr
    assert "not a seeds folder" not in failed.stdout, failed.stdout
    assert f"{data.relative_to(tmp_path)}: cannot list the folder: Permission denied; ask its " \
        "owner to make it readable (chmod a+rx), or run corpuskit as its owner " \
        "[unreadable-file]" in failed.stdout, failed.stdout
    shown = release.relative_to(tmp_path)
    # The one problem: the files listed in data/ are not "absent", nor Payload-Oxum wrong
    # (QA: each was told absent, twice or three times, and the payload's count off).
    assert f"{shown}: 1 problem in package (0 documents, 8 files; full checks); " \
        f"{shown / 'data'} cannot be read by this user: ask its owner to make it readable " \
        f"(chmod -R a+rX {shown}), or run corpuskit as its owner, then validate it again" \
        in failed.stdout, failed.stdout
    assert "absent" not in failed.stdout and "Payload-Oxum" not in failed.stdout, \
        failed.stdout
    assert f"{shown} cannot be verified: data cannot be read by this user; ask its owner " \
        f"to make it readable (chmod -R a+rX {shown})" in loaded.stdout, \
        loaded.stdout + loaded.stderr


@needs_permissions
@pytest.mark.parametrize("fast", [False, True])
@pytest.mark.parametrize("folder", ["data/raw", "data"])
def test_the_files_of_a_folder_that_cannot_be_listed_are_not_called_absent(
        tmp_path: Path, folder: str, fast: bool) -> None:
    """validate of a package whose data/raw/ (or data/) cannot be listed said that folder
    cannot be read, then called each raw file absent from the manifest and from its record
    and Payload-Oxum wrong: problems of content, on a package intact but for its
    permissions, and --fast counted no documents in it (a mismatch with the metadata's
    count). The one problem is the folder's; a file listed elsewhere is still absent when
    it is."""
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
    out = tmp_path / "out"
    assert run_here(build_args(seeds, out)).code == 0
    release = next(p for p in out.iterdir() if p.is_dir())
    (release / "README.md").unlink()  # outside the folder: absent all the same
    shut = release / folder
    shut.chmod(0)
    try:
        failed = run_cli(["validate", release, "--format", "json", *(["--fast"] * fast)],
                         preexec_fn=drop_file_permission_override)
    finally:
        shut.chmod(0o755)
    assert failed.code == 1, failed.stderr
    found = sorted((p["path"], p["code"]) for p in json.loads(failed.stdout)["problems"])
    assert (folder, "unreadable-file") in found, found
    missing = [path for path, code in found if code == "missing-file"]
    assert missing and set(missing) == {"README.md"}, found
    assert not [entry for entry in found if entry[0].startswith(f"{folder}/")], found
    assert ("bag-info.txt", "size-mismatch") not in found, found
    assert not [entry for entry in found if entry[1] == "metadata-mismatch"], found


@needs_permissions
def test_release_says_an_unreadable_descriptor_is_to_be_made_readable(tmp_path: Path) -> None:
    """A release in --out whose datapackage.json this user may not read was called a
    release that "holds no datapackage.json, or one that cannot be read (damaged or
    incomplete)", with advice to restore it from a published copy or move it out (QA):
    its permissions are at fault. release names the file and how to read it, and writes
    nothing."""
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
    out = tmp_path / "out"
    assert run_here(build_args(seeds, out)).code == 0
    release = next(p for p in out.iterdir() if p.is_dir())
    descriptor = release / "datapackage.json"
    before, config = snapshot(out), (seeds / "corpus.toml").read_bytes()
    descriptor.chmod(0)
    try:
        runs = [run_cli(["release", "patch", "--seeds", seeds, "--out", out, *more],
                        preexec_fn=drop_file_permission_override)
                for more in (["--dry-run"], ["--json"])]
    finally:
        descriptor.chmod(0o644)
    assert snapshot(out) == before and (seeds / "corpus.toml").read_bytes() == config
    for failed in runs:
        assert failed.code == 1, failed.stderr
        shown = failed.stdout + failed.stderr
        assert f"{descriptor}: this file cannot be read: Permission denied; make it readable " \
            "to this user (chmod a+r), or run corpuskit as its owner" in shown, shown
        for wrong in ("damaged", "restore", "move it out", "Traceback"):
            assert wrong not in shown, (wrong, shown)


@needs_permissions
def test_release_names_an_unreadable_and_a_damaged_release_at_once(tmp_path: Path) -> None:
    """With one release this user may not read and another damaged beside it, release
    named the first alone; once that was mended it failed again over the second (QA).
    Both are named in one run, each with what to do."""
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
    out = tmp_path / "out"
    assert run_here(build_args(seeds, out)).code == 0
    release = next(p for p in out.iterdir() if p.is_dir())
    damaged = out / release.name.replace("1.0.0", "0.5.0")
    (damaged / "data").mkdir(parents=True)
    (damaged / "README.md").write_text("hi\n", encoding="utf-8")
    descriptor = release / "datapackage.json"
    descriptor.chmod(0)
    try:
        failed = run_cli(["release", "patch", "--seeds", seeds, "--out", out, "--dry-run"],
                         preexec_fn=drop_file_permission_override)
    finally:
        descriptor.chmod(0o644)
    assert failed.code == 1, failed.stderr
    assert f"{descriptor}: this file cannot be read: Permission denied; make it readable " \
        "to this user (chmod a+r)" in failed.stderr, failed.stderr
    assert f"{damaged} is named as a release of " in failed.stderr, failed.stderr
    assert "restore it from a published copy" in failed.stderr, failed.stderr


@needs_permissions
@pytest.mark.parametrize("locked", ["data 311", "data 644", "data/raw 644",
                                    "manifest-sha256.txt 000"])
def test_validate_says_what_cannot_be_read_not_to_get_the_package_again(
        locked: str, tmp_path: Path) -> None:
    """A package whose data/ this user may enter but not list, or whose
    manifest-sha256.txt they may not read: validate's line for data/ said nothing of what
    to do, and its verdict, over the files it then found absent or unlisted, was "it is
    not as it was built: get it again from where it was published". The line says how to
    read it, and the verdict that the other problems may only follow from it (QA).

    A folder this user may list but not enter (644, after a ``chmod -R 644``) had each
    file in it "absent [missing-file]" beside its "cannot stat", a Payload-Oxum wrong,
    and the advice to make its files readable (chmod a+r), which cannot help (QA s83):
    it is one problem, that of the folder, which says to make it enterable."""
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
    out = tmp_path / "out"
    assert run_here(build_args(seeds, out)).code == 0
    release = next(p for p in out.iterdir() if p.is_dir())
    name, mode = locked.split()
    target = release / name
    target.chmod(int(mode, 8))
    try:
        runs = [run_cli(["validate", release, *fast], preexec_fn=drop_file_permission_override)
                for fast in ([], ["--fast"])]
        loaded = run_source(_LIBRARY_CALL.format(call=f"corpuskit.load({str(release)!r})"),
                            preexec_fn=drop_file_permission_override).stdout
        summed = run_cli(["info", release], preexec_fn=drop_file_permission_override)
        compared = run_cli(["diff", release, seeds], preexec_fn=drop_file_permission_override)
    finally:
        target.chmod(0o755 if target.is_dir() else 0o644)
    if mode == "644":  # info summarizes the rest: records read, or not (data/ 644)
        # With data/ itself 644, info and diff advised a chmod a+r of its records file,
        # which fails even for its owner (QA s83 review2): validate's one problem.
        for told in (summed, compared) if name == "data" else (summed,):
            assert told.code == 1 and "Traceback" not in told.stderr, told.stderr
            assert [line for line in told.stderr.splitlines()
                    if line.startswith("error:")] == [
                f"error: {target}: cannot enter the folder: Permission denied, so none of "
                "its files can be read (it may be listed, not entered); make it enterable "
                "to this user (chmod a+x), or run corpuskit as its owner [unreadable-file]"
            ], told.stderr
    # load quoted the files "absent" before the one that cannot be read (QA s83)
    assert loaded.startswith(f"PackageIntegrityError {release} cannot be verified: {name} "
                             "cannot be read by this user; "), loaded
    assert "absent" not in loaded and "size-mismatch" not in loaded, loaded
    why = {"311": "cannot list the folder: Permission denied; make it readable to this user "
                  "(chmod a+rx)",
           "644": "cannot enter the folder: Permission denied, so none of its files can be "
                  "read (it may be listed, not entered); make it enterable to this user "
                  "(chmod a+x)",
           "000": "cannot be read: Permission denied; make it readable to this user (chmod "
                  "a+r)"}[mode]
    for failed in runs:
        assert failed.code == 1, failed.stderr
        assert "Traceback" not in failed.stderr, failed.stderr
        assert f"{target}: {why}, or run corpuskit as its owner [unreadable-file]" \
            in failed.stdout, failed.stdout
        verdict = failed.stdout.strip().splitlines()[-1]
        # An unread manifest calls no file unlisted, and the files of a folder that cannot
        # be listed are not absent: its problem is the one there is.
        assert f"{release}: 1 problem in package (" in verdict, verdict
        assert f"{target} cannot be read by this user: make it readable (chmod -R a+rX " \
            f"{release}), or run corpuskit as its owner, then validate it again" in verdict, \
            verdict
        assert "get it again" not in failed.stdout, failed.stdout


@needs_permissions
def test_output_and_cache_inside_a_folder_that_cannot_be_entered(tmp_path: Path) -> None:
    """An --out there failed with a traceback, and a --cache there failed the build after
    its release was written (the note about the cache asked whether it was a folder):
    the first is said, naming it, with what to do (exit 1); the second is the note it
    always was (exit 0)."""
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o600)
    try:
        out_failed = run_cli(build_args(seeds, locked / "out"),
                             preexec_fn=drop_file_permission_override)
        exported = run_cli(["export", seeds, "--format", "csv", "--out", locked / "x.csv"],
                           preexec_fn=drop_file_permission_override)
        cached = run_cli(["build", seeds, "--out", tmp_path / "out", "--jobs", "1",
                          "--cache", locked / "cache"],
                         preexec_fn=drop_file_permission_override)
    finally:
        locked.chmod(0o755)
    for failed, path in [(out_failed, locked / "out"), (exported, locked / "x.csv")]:
        assert failed.code == 1, failed.stderr
        assert "Traceback" not in failed.stderr, failed.stderr
        assert f"cannot reach --out {path}: this user may not enter {locked} (Permission " \
            f"denied); make it enterable and writable for this user (chmod u+rwx {locked})" \
            in failed.stderr, failed.stderr
    assert cached.code == 0, cached.stderr
    assert f"note: the cache folder {locked / 'cache'} cannot be written" in cached.stderr
    built = next(p for p in (tmp_path / "out").iterdir() if p.is_dir())
    assert_valid_release(built, built.with_name(f"{built.name}.zip"))
    assert list(locked.iterdir()) == []


#: The library called as a user without root's override: what it raised, or "ok".
_LIBRARY_CALL = """
import sys
import corpuskit
from corpuskit.export import export
try:
    {call}
except corpuskit.CorpuskitError as error:
    print(type(error).__name__, error)
else:
    print("ok")
"""


@needs_permissions
@pytest.mark.parametrize("where", ["inside a folder not entered", "a folder not listed"])
def test_an_output_folder_this_user_may_not_reach_is_an_output_error(
        where: str, tmp_path: Path) -> None:
    """build, release and export --out inside a folder this user may not enter, and build
    and release --out a folder it may not list (chmod 311), raised a PermissionError from
    the library (Path.is_dir() and iterdir()): the CLI's last resort printed no failure
    JSON for --json, and its advice was about reading; the folder not listed kept the
    build's lock file. Each is an OutputError naming --out as given and how to make the
    folder usable, with the failure JSON, and nothing is left in the folder (QA)."""
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
    folder = tmp_path / "folder"
    folder.mkdir()
    out = folder / "dist" if where == "inside a folder not entered" else folder
    commands: list[list[str | Path]] = [
        build_args(seeds, out, "--json"),
        ["release", "--seeds", seeds, "--out", out, "--no-cache", "--json"],
        ["release", "--seeds", seeds, "--out", out, "--dry-run", "--json"]]
    calls = [f"corpuskit.build({str(seeds)!r}, {str(out)!r}, jobs=1)",
             f"corpuskit.release({str(seeds)!r}, {str(out)!r}, jobs=1)"]
    if where == "inside a folder not entered":
        commands.append(["export", seeds, "--format", "csv", "--out", folder / "x.csv",
                         "--json"])
        calls.append(f"export({str(seeds)!r}, 'csv', {str(folder / 'x.csv')!r})")
    folder.chmod(0o600 if where == "inside a folder not entered" else 0o311)
    try:
        runs = [(args, run_cli(args, preexec_fn=drop_file_permission_override))
                for args in commands]
        raised = [run_source(_LIBRARY_CALL.format(call=call),
                             preexec_fn=drop_file_permission_override)
                  for call in calls]
    finally:
        folder.chmod(0o755)
    said = (f"this user may not enter {folder} (Permission denied)"
            if where == "inside a folder not entered" else
            f"cannot use --out {out}: this user may not list it (Permission denied)")
    for args, failed in runs:
        assert failed.code == 1, (args, failed.stderr)
        assert "Traceback" not in failed.stderr, failed.stderr
        error = json.loads(failed.stdout)["error"]
        assert said in error and f"(chmod u+rwx {folder}), or give --out another" in error
        assert "run corpuskit as" not in error, error
    for done in raised:
        assert done.stdout.startswith("OutputError ") and said in done.stdout, \
            done.stdout + done.stderr
    assert list(folder.iterdir()) == []


@needs_permissions
def test_a_release_file_this_user_may_not_read_is_said_by_build_and_check(
        tmp_path: Path) -> None:
    """A file of the release already in --out (or --dist) that this user may not read
    raised a PermissionError from comparing it with a fresh build: build and check
    printed the CLI's last-resort line, and no JSON for --json. It is an unreadable-file
    problem naming it, in build's failure JSON and in check's report (QA)."""
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
    out = tmp_path / "out"
    assert run_here(build_args(seeds, out)).code == 0
    release = next(p for p in out.iterdir() if p.is_dir())
    locked = release / "data" / "raw" / "doc3.txt"
    locked.chmod(0)
    try:
        built = run_cli(build_args(seeds, out, "--json"),
                        preexec_fn=drop_file_permission_override)
        checked = run_cli(["check", "--seeds", seeds, "--dist", out, "--jobs", "1", "--json"],
                          preexec_fn=drop_file_permission_override)
    finally:
        locked.chmod(0o644)
    for failed in (built, checked):
        assert failed.code == 1, failed.stderr
        assert "Traceback" not in failed.stderr, failed.stderr
        problems = json.loads(failed.stdout)["problems"]
        assert [(p["path"], p["code"]) for p in problems] == \
            [(str(locked), "unreadable-file")], problems
        assert "Permission denied; make it readable to this user (chmod a+r)" \
            in problems[0]["message"]
    assert f"release {release.name} in {out} cannot be compared with this build" \
        in json.loads(built.stdout)["error"]
    assert_valid_release(release, out / f"{release.name}.zip")


@needs_permissions
def test_release_does_not_say_to_restore_a_latest_release_it_may_not_read(
        tmp_path: Path) -> None:
    """release said the latest release "does not pass validation ... restore it from a
    published copy" when a file of it could not be read by this user: its permissions,
    not its content (QA)."""
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
    out = tmp_path / "out"
    assert run_here(build_args(seeds, out)).code == 0
    release = next(p for p in out.iterdir() if p.is_dir())
    (seeds / "doc1.txt").write_text("Changed\n\nA new text.\n", "utf-8")
    before = snapshot(out)
    (release / "README.md").chmod(0)
    try:
        failed = run_cli(["release", "patch", "--seeds", seeds, "--out", out, "--jobs", "1",
                          "--no-cache", "--json"], preexec_fn=drop_file_permission_override)
    finally:
        (release / "README.md").chmod(0o644)
    assert failed.code == 1, failed.stderr
    shown = failed.stdout + failed.stderr
    assert f"the latest release {release} cannot be read by this user" in shown, shown
    assert f"chmod -R a+rX {release}" in shown, shown
    assert "restore" not in shown and "does not pass validation" not in shown, shown
    problems = json.loads(failed.stdout)["problems"]
    assert [(p["code"], p["path"]) for p in problems] == [
        ("unreadable-file", str(release / "README.md"))], problems
    assert snapshot(out) == before


def test_file_vanishing_after_discovery(tmp_path: Path) -> None:
    """A file deleted between listing and reading: named as unreadable, nothing written."""
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
    out = tmp_path / "out"
    patch = f"""
        import importlib
        build = importlib.import_module("corpuskit.build")
        _discover = build.discover
        def discover(seeds, config, **options):
            found = _discover(seeds, config, **options)
            Path({str(seeds / "doc3.txt")!r}).unlink()
            return found
        build.discover = discover
    """
    failed = run_patched(build_args(seeds, out), patch)
    assert_clean_failure(failed.code, failed.stderr, naming="doc3.txt")
    assert "[unreadable-file]" in failed.stderr
    assert visible_entries(out) == set() and stale_entries(out) == []


@pytest.mark.parametrize("kind", ["fifo", "link-to-fifo"])
def test_named_pipe_is_refused_not_read(kind: str, tmp_path: Path) -> None:
    """Reading a FIFO would block forever: it is refused from its file type."""
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
    os.mkfifo(seeds / "pipe")
    if kind == "link-to-fifo":
        os.rename(seeds / "pipe", seeds / "real-pipe")  # (not hidden: a link to one is refused)
        os.symlink("real-pipe", seeds / "pipe")
    out = tmp_path / "out"
    failed = run_cli(build_args(seeds, out), timeout=30)
    assert_clean_failure(failed.code, failed.stderr, naming="pipe")
    assert "[unsafe-path]" in failed.stderr
    assert visible_entries(out) == set()


# -- read-only seeds -----------------------------------------------------------------------

def make_read_only(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(stat.S_IMODE(mode) & ~0o222)


def make_writable(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        path.chmod(stat.S_IMODE(path.stat().st_mode) | 0o200)


def exercise_read_only_seeds(seeds: Path, tmp_path: Path,
                             preexec_fn: Callable[[], None] | None = None) -> None:
    """Every command that reads seeds works on a read-only seeds folder and changes nothing
    in it; ``release``, which must edit corpus.toml, fails cleanly before building."""
    before = snapshot_with_times(seeds)
    older = write_seeds(tmp_path / "older", {k: v for k, v in DOCS_V1.items() if k != "doc5.txt"})
    dist = tmp_path / "dist"
    assert run_here(build_args(older, dist)).code == 0

    def cli(*args: str | Path) -> tuple[int, str]:
        done = run_cli(list(args), preexec_fn=preexec_fn)
        assert "Traceback" not in done.stderr, done.stderr
        return done.code, done.stdout + done.stderr

    out = tmp_path / "out"
    code, output = cli(*build_args(seeds, out))
    assert code == 0, output
    assert_valid_release(out / OLD, out / f"{OLD}.zip")
    commands: list[list[str | Path]] = [["validate", seeds, "--jobs", "1"], ["info", seeds],
                 ["diff", dist / OLD, seeds],
                 ["release", "--dry-run", "--seeds", seeds, "--out", dist]]
    for args in commands:
        code, output = cli(*args)
        assert code == 0, (args, output)

    kept = snapshot(dist)
    code, output = cli("release", "--seeds", seeds, "--out", dist, "--jobs", "1", "--no-cache")
    assert code == 1, output
    assert str(seeds / "corpus.toml") in output, output
    assert snapshot(dist) == kept
    assert snapshot_with_times(seeds) == before, "the seeds folder changed"


@needs_permissions
def test_read_only_seeds_by_permissions(tmp_path: Path) -> None:
    seeds = write_seeds(tmp_path / "seeds", {**DOCS_V1, "sub/more.txt": "More\n\nText here.\n"})
    make_read_only(seeds)
    try:
        exercise_read_only_seeds(seeds, tmp_path, preexec_fn=drop_file_permission_override)
    finally:
        make_writable(seeds)


def test_read_only_seeds_on_a_read_only_mount(tmp_path: Path) -> None:
    source = write_seeds(tmp_path / "source", {**DOCS_V1, "sub/more.txt": "More\n\nText.\n"})
    with read_only_bind(source, tmp_path / "seeds") as seeds:
        exercise_read_only_seeds(seeds, tmp_path)


# -- refused builds ------------------------------------------------------------------------

@pytest.mark.parametrize("case", ["bad input", "other content, same version"])
def test_refused_build_leaves_nothing(case: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
    assert run_here(build_args(seeds, out)).code == 0
    before = snapshot(out)
    if case == "bad input":
        write_seeds(seeds, {**DOCS_V1, "bad.bin": b"\x00\x01\x02binary"}, {"version": "1.1.0"})
        expected = "[binary-file]"
    else:
        write_seeds(seeds, {**DOCS_V1, "doc0.txt": "Changed\n\nOther text.\n"})
        expected = "immutable"
    failed = run_here(build_args(seeds, out))
    assert_clean_failure(failed.code, failed.stderr, naming=expected)
    assert_untouched(out, before)


@pytest.mark.parametrize("failure", [KeyboardInterrupt(), OSError(28, "No space left on device")])
def test_an_atomic_write_that_fails_leaves_no_temporary_file(
        failure: BaseException, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache file's write interrupted by Ctrl-C or a full disk left its temporary file
    (``.corpuskit-tmp-<name>-<pid>``, 0 bytes) in the cache for 30 days (QA)."""
    from corpuskit import writer
    from corpuskit.errors import OutputError

    (tmp_path / "entry.json").write_bytes(b"old")

    def fail(fd: int, mode: int) -> None:
        raise failure

    monkeypatch.setattr(writer.os, "fchmod", fail)
    with pytest.raises(OutputError if isinstance(failure, OSError) else KeyboardInterrupt):
        writer.write_file(tmp_path, "entry.json", b"new", atomic=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["entry.json"]
    assert (tmp_path / "entry.json").read_bytes() == b"old"


@pytest.mark.parametrize("failure", [KeyboardInterrupt(), OSError(28, "No space left on device")])
def test_a_zip_whose_writing_fails_leaves_no_temporary_file(
        failure: BaseException, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while a release's zip was written left its temporary file
    (``.corpuskit-tmp-<name>.zip-...``) in the output folder, beside the release folder
    already in place (QA, 1 run in 40)."""
    from corpuskit import writer
    from corpuskit.errors import OutputError
    from corpuskit.zipfiles.deflate import COMPRESSIONS

    folder = tmp_path / "release"
    folder.mkdir()
    (folder / "data.txt").write_bytes(b"some bytes\n" * 1000)
    written: list[int] = []

    def fail(*args: object, **kwargs: object) -> None:
        handle = args[1]
        handle.write(b"PK\x03\x04 half a zip")  # type: ignore[attr-defined]
        written.append(1)
        raise failure

    monkeypatch.setattr(writer, "write_zip", fail)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(OutputError if isinstance(failure, OSError) else KeyboardInterrupt):
        writer.write_archive(folder, out / "release.zip", None, root="release",
                             compression=COMPRESSIONS["zlib"])
    assert written and list(out.iterdir()) == []


def test_an_interrupt_as_the_temporary_zip_is_made_leaves_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C or SIGTERM inside mkstemp, after it made the file but before it returned its
    name, left an empty temporary zip in the output folder (QA): the name is known first."""
    from corpuskit import writer
    from corpuskit.zipfiles.deflate import COMPRESSIONS

    folder = tmp_path / "release"
    folder.mkdir()
    (folder / "data.txt").write_bytes(b"some bytes\n")
    out = tmp_path / "out"
    out.mkdir()
    real_open = os.open

    def made_then_interrupted(path: object, flags: int, *args: object) -> int:
        fd = real_open(path, flags, *args)  # type: ignore[arg-type]
        if Path(str(path)).parent == out:
            os.close(fd)
            raise KeyboardInterrupt
        return fd

    monkeypatch.setattr(writer.os, "open", made_then_interrupted)
    with pytest.raises(KeyboardInterrupt):
        writer.write_archive(folder, out / "release.zip", None, root="release",
                             compression=COMPRESSIONS["zlib"])
    assert list(out.iterdir()) == []


def test_a_copy_cut_short_leaves_no_temporary_file(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache entry copied onto a full disk left its temporary file in the cache, one more
    each build (QA): the copy removes it, and says what failed."""
    import errno
    import shutil

    from corpuskit import writer
    from corpuskit.errors import OutputError

    source = tmp_path / "entry.deflate"
    source.write_bytes(b"x" * 100_000)
    target = tmp_path / "cache" / "4a" / "entry.deflate"

    def full_disk(src: object, dst: object, *args: object, **kwargs: object) -> None:
        Path(str(dst)).write_bytes(b"x" * 4096)  # part of it, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copyfile", full_disk)
    monkeypatch.setattr(writer, "_linked", lambda source, target: False)  # another device
    with pytest.raises(OutputError, match="No space left on device"):
        writer.copy_into(source, target, link=True)
    assert list(target.parent.iterdir()) == []


#: A document any build takes.
ORDINARY = "A title\n\nAn ordinary text of a few words.\n"


def test_what_a_late_worker_writes_after_a_failed_build_is_removed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker still running when the build gave up (Ctrl-C, a worker killed) wrote into
    the temporary folder after the build had removed it, and the folder stayed in --out
    (QA). Once the workers are gone, it goes (the lock file may stay, as it may after
    any build)."""
    import corpuskit
    from corpuskit import writer
    from corpuskit.errors import InputError

    # b.txt is refused: the build fails inside its writer
    seeds = make_seeds(tmp_path, {"a.txt": ORDINARY, "b.txt": ""})
    discard = writer.PackageWriter.discard
    late: list[Path] = []

    def discard_then_written_into(self: writer.PackageWriter) -> None:
        temp = self.temp
        discard(self)
        if temp is not None:  # a worker's late write makes the folder again
            (temp / "data/raw").mkdir(parents=True)
            (temp / "data/raw/a.txt").write_text("late\n")
            late.append(temp)

    monkeypatch.setattr(writer.PackageWriter, "discard", discard_then_written_into)
    out = tmp_path / "dist"
    with pytest.raises(InputError):
        corpuskit.build(seeds, out, jobs=1, cache=None)
    assert late and [p.name for p in out.iterdir()] in ([], [".corpuskit-lock"])


def test_a_zip_that_cannot_be_written_says_the_folder_is_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk while the zip was written said only "No space left on device", with the
    release folder in place (QA): it says the folder is complete and how to finish, and
    doing so writes the zip."""
    import sys

    import corpuskit
    from corpuskit.errors import OutputError
    from corpuskit.validation import validate

    build_module = sys.modules["corpuskit.build"]
    seeds = make_seeds(tmp_path, {"a.txt": ORDINARY})
    out = tmp_path / "dist"

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OutputError(f"cannot write {out}/test-corpus-1.0.0.zip: No space left on device")

    monkeypatch.setattr(build_module, "_write_release_archive", full_disk)
    with pytest.raises(OutputError) as failed:
        corpuskit.build(seeds, out, jobs=1, cache=None)
    assert f"the release folder {out / 'test-corpus-1.0.0'} is complete" in str(failed.value)
    assert f"run 'corpuskit build {seeds} --out {out}' again" in str(failed.value)
    monkeypatch.undo()
    corpuskit.build(seeds, out, jobs=1, cache=None)
    assert validate(out / "test-corpus-1.0.0.zip").valid
    assert validate(out / "test-corpus-1.0.0").valid


@pytest.mark.parametrize("denied", [errno.EACCES, errno.EPERM])
def test_a_package_file_this_user_may_not_read_says_what_to_do(denied: int) -> None:
    """info, diff and validate said "cannot be read: Permission denied" of a file inside a
    package, and no more (QA); a read that failed otherwise is said as before."""
    from corpuskit.regularfiles import NOT_PERMITTED, read_problem
    from corpuskit.validation.digest import read_reason

    refused = PermissionError(denied, os.strerror(denied))
    assert read_problem("data/raw/a.txt", refused).message == \
        f"cannot be read: {os.strerror(denied)}; {NOT_PERMITTED}"
    assert read_reason(refused) == f"{os.strerror(denied)}; {NOT_PERMITTED}"
    failed = OSError(errno.EIO, os.strerror(errno.EIO))
    assert read_problem("data/raw/a.txt", failed).message == \
        f"cannot be read: {os.strerror(errno.EIO)}"
    assert read_reason(failed) == os.strerror(errno.EIO)


def test_a_folder_the_system_refuses_whatever_its_permissions_gets_no_chmod_advice(
        tmp_path: Path) -> None:
    """QA: an immutable output folder (chattr +i; EPERM, where permissions give EACCES)
    was told "chmod u+rwx", which changes nothing there."""
    import errno

    from corpuskit.writer import read_only

    refused = PermissionError(errno.EPERM, "Operation not permitted")
    said = read_only(tmp_path, refused, None)
    assert said is not None and "chmod" not in said, said
    assert f"the system refuses it whatever the permissions of {tmp_path} (an immutable or " \
        f"append-only attribute: lsattr -d {tmp_path}; or a security policy)" in said, said
    denied = read_only(tmp_path, PermissionError(errno.EACCES, "Permission denied"), None)
    assert denied is not None and "lsattr" not in denied, denied


@pytest.mark.parametrize(("code", "noted"), [(errno.ENOSPC, True), (errno.EDQUOT, True),
                                             (errno.EIO, False)])
def test_a_cache_whose_disk_is_full_is_noted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             code: int, noted: bool) -> None:
    """QA: a cache folder on a full disk kept nothing, and the build said nothing, where a
    read-only one is noted: every later build did the work again without a word. The
    release is the same."""
    import corpuskit.shardcache
    from corpuskit.build import build

    seeds = make_seeds(tmp_path, {"a.txt": "Alpha\n\nThe first text.\n",
                                  "b.txt": "Beta\n\nThe second text.\n"})

    def full(*_: object, **__: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(corpuskit.shardcache, "copy_into", full)
    result = build(seeds, tmp_path / "out", cache=tmp_path / "cache", jobs=1)
    said = [note for note in result.notes if "could not keep" in note]
    if noted:
        assert said == [f"the cache folder {tmp_path / 'cache'} could not keep 1 shard of this "
                        f"build's 1 ({os.strerror(code)}): later builds process their "
                        "documents again; free space there, or pass --cache DIR (or "
                        "--no-cache)"], result.notes
    else:  # another failure: a slower next build, as before (a folder it may not write is
        assert said == []  # noted apart)
    reference = build(seeds, tmp_path / "plain", cache=None, jobs=1)
    assert result.archive.read_bytes() == reference.archive.read_bytes()


def test_a_cache_entry_cut_short_by_a_full_disk_leaves_none_of_its_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The records of a shard copied into the cache, then its archive pieces met a full
    disk: the records stayed, with no description, so no build could take them, and held
    the room the note asks to free; the next build met the same wall (QA s96 scale 3). An
    entry's files copied before the failure are removed with it."""
    import errno

    import corpuskit.shardcache
    from corpuskit.build import build

    seeds = make_seeds(tmp_path, {"a.txt": "Alpha\n\nThe first text.\n",
                                  "b.txt": "Beta\n\nThe second text.\n"})
    copy = corpuskit.shardcache.copy_into
    copied: list[Path] = []

    def full_after_the_first(source: Path, target: Path, **options: bool) -> None:
        if copied:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        copy(source, target, **options)
        copied.append(target)

    monkeypatch.setattr(corpuskit.shardcache, "copy_into", full_after_the_first)
    cache = tmp_path / "cache"
    result = build(seeds, tmp_path / "out", cache=cache, jobs=1)
    assert any("could not keep 1 shard" in note for note in result.notes), result.notes
    assert copied and copied[0].suffix == ".jsonl" and not copied[0].exists()
    assert list(copied[0].parent.iterdir()) == []  # none of the entry's files


def test_an_output_folder_made_read_only_while_the_build_runs_gets_its_advice(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--out made read-only once the build had begun: the build's scratch folder could not
    be made in it, and the error said "cannot write out: Permission denied" with no advice
    (QA), where --out read-only from the start is told to chmod it. It names the folder
    and what to do."""
    import tempfile

    from corpuskit import writer
    from corpuskit.errors import OutputError

    seeds = make_seeds(tmp_path, {"a.txt": "A title\n\nSome text of the body.\n"})
    out = tmp_path / "out"
    made = tempfile.mkdtemp
    in_out: list[str] = []  # the writer's own folder first, then the scratch one

    def refused_in_out(*args: object, **kwargs: object) -> str:
        if Path(str(kwargs.get("dir"))) == out:
            in_out.append("made")
            if len(in_out) == 2:  # chmod 555 out, between the two
                raise PermissionError(errno.EACCES, "Permission denied")
        return made(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(writer.tempfile, "mkdtemp", refused_in_out)
    monkeypatch.setattr(writer, "unwritable",
                        lambda folder: len(in_out) >= 2 and Path(folder) == out)
    with pytest.raises(OutputError) as failed:
        corpuskit.build(seeds, out, jobs=1, cache=None)
    assert str(failed.value) == (
        f"cannot write into {out}: Permission denied; this user may not write into {out}: "
        f"make it enterable and writable for this user (chmod u+rwx {out})"), str(failed.value)


@pytest.mark.parametrize("with_cache", [True, False])
def test_a_full_disk_shared_with_the_cache_says_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, with_cache: bool) -> None:
    """A cache on the disk of --out keeps the build's entries (links to its shard files,
    which a build without one frees before the zip): a build that ran out of room there
    was told to free space for the zip, and the rerun failed again, neither naming the
    cache (QA). The error says that the cache shares the disk and what to do; a build
    without a cache is told nothing of one."""
    import importlib

    from corpuskit.errors import OutputError

    build_module = importlib.import_module("corpuskit.build")

    def full_disk(*args: object, **kwargs: object) -> None:
        error = OutputError(f"cannot write {tmp_path / 'out' / 'x.zip'}: No space left on "
                            "device")
        error.errno = errno.ENOSPC
        raise error

    monkeypatch.setattr(build_module, "_write_release_archive", full_disk)
    seeds = make_seeds(tmp_path, {"a.txt": ORDINARY})
    cache = tmp_path / "cache"
    with pytest.raises(OutputError) as failed:
        corpuskit.build(seeds, tmp_path / "out", jobs=1, cache=cache if with_cache else None)
    said = str(failed.value)
    assert "No space left on device; the release folder " in said
    shared = (f"; the cache folder {cache} is on the same disk and keeps this build's entries "
              "there: run the build again with --no-cache, or with --cache on another disk")
    assert (shared in said) is with_cache, said


@pytest.mark.parametrize(("code", "room"), [(errno.ENOSPC, True), (errno.EDQUOT, True),
                                            (errno.EMFILE, False), (errno.EIO, False)])
def test_a_zip_not_written_is_told_to_free_space_only_for_want_of_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, room: bool) -> None:
    """Out of descriptors as the zip was written, a build was told to "free space for the
    zip, and for a second copy of the folder" beside the advice to raise the limit (QA):
    that is said only where the disk or the quota was full."""
    import importlib

    from corpuskit.errors import OutputError

    build_module = importlib.import_module("corpuskit.build")

    def failing(*args: object, **kwargs: object) -> None:
        error = OutputError(f"cannot write {tmp_path / 'out' / 'x.zip'}: "
                            f"{os.strerror(code)}")
        error.errno = code
        raise error

    monkeypatch.setattr(build_module, "_write_release_archive", failing)
    seeds = make_seeds(tmp_path, {"a.txt": ORDINARY})
    with pytest.raises(OutputError) as failed:
        corpuskit.build(seeds, tmp_path / "out", jobs=1, cache=None)
    said = str(failed.value)
    assert "its zip not written: fix that" in said, said
    assert ("free space for the zip" in said) is room, said
    assert said.endswith("again to write the zip"), said
