"""Resources that run out in the command's own process: open files (``ulimit -n``),
memory (``ulimit -v``) and the threads it then cannot start (QA: s76 reliability).

Documented behaviour (README, Reliability): such a run ends with one line naming the
resource, the limit and what to do (raise it, fewer ``--jobs``), exit 1, no traceback, no
worker left behind and nothing half-written; ``validate`` says the target was neither
found valid nor invalid; ``export`` tells a pyarrow that failed to load from one that is
not installed.

A low open-files limit is tested for real, in a fresh interpreter (where the workers'
pipes run out depends only on the limit). A memory limit is not: where it bites (loading
the language model, a codec, a library, starting a thread) varies from run to run, so the
mapping of each of its failures is tested directly instead.
"""

from __future__ import annotations

import builtins
import errno
import importlib
import json
import os
import resource
import subprocess
import threading
import time
import traceback
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest
from reliability_support import (
    REPO,
    child_env,
    cli_command,
    run_cli,
    stale_entries,
    visible_entries,
    write_seeds,
)

import corpuskit.errors as errors
import corpuskit.systemlimits as systemlimits
from corpuskit.errors import CorpuskitError

#: Enough documents for two batches, so that a build forks two workers (engine.useful_jobs).
MANY = {f"d{i:04d}.txt": f"Title {i}\n\nThe body of document {i}, about ferries.\n"
        for i in range(600)}
#: A fresh interpreter, not a fork of this one (which holds pytest's descriptors).
FRESH = "# a fresh interpreter\n"


def open_files_limit(limit: int) -> Any:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))
    return apply


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_seeds(tmp_path_factory.mktemp("many") / "seeds", MANY)


@pytest.fixture(scope="module")
def dist(many: Path) -> Path:
    """The release of :func:`many`, for check."""
    out = many.parent / "dist"
    assert run_cli(["build", many, "--out", out, "-j", "1", "--no-cache"]).code == 0
    return out


def build_module() -> Any:
    return importlib.import_module("corpuskit.build")  # (corpuskit.build: the function)


@pytest.mark.parametrize("limit", [13, 14, 15, 16])
@pytest.mark.parametrize("command", ["build", "check"])
def test_too_few_open_files_for_the_workers_ends_the_run_at_once(
        many: Path, dist: Path, tmp_path: Path, limit: int, command: str) -> None:
    """(QA 1, 2) At 15 the second worker's fork found no descriptor for its pipe: the first
    one waited for work forever and the command for it (killed by timeout after 60 s);
    at 13-14 a traceback; at 16 a worker's own start failed ("Exception in initializer"
    and a traceback), then "a worker process died (killed, or out of memory)"."""
    out = tmp_path / "out"
    args: list[str | Path] = (
        ["build", many, "--out", out, "-j", "2", "--no-cache"] if command == "build"
        else ["check", "--seeds", many, "--dist", dist, "-j", "2"])
    try:
        done = run_cli(args, FRESH, timeout=30, preexec_fn=open_files_limit(limit))
    except subprocess.TimeoutExpired:
        pytest.fail(f"{command} under ulimit -n {limit} did not end within 30 s (a hang)")
    assert "Traceback" not in done.stderr, done.stderr
    assert done.code == 1, (done.code, done.stderr)
    last = done.stderr.splitlines()[-1]
    assert last.startswith("corpuskit: error: "), done.stderr
    assert "too many open files" in last.lower(), last  # (or a file it could not write)
    assert f"(ulimit -n {limit})" in last and "raise the limit" in last, last
    assert "-j 1" in last and "worker process died" not in done.stderr, done.stderr
    if command == "build":
        assert visible_entries(out) == set() and stale_entries(out) == [], list(out.iterdir())


@pytest.mark.parametrize(("error", "resource_name"), [
    (MemoryError(), "memory"),
    (OSError(errno.EMFILE, "Too many open files"), "open files"),
    (OSError(errno.ENFILE, "Too many open files in system"), "open files"),
    (OSError(errno.ENOMEM, "Cannot allocate memory"), "memory"),
    (RuntimeError("can't start new thread"), "threads"),
    (ImportError("libstdc++.so.6: failed to map segment from shared object"), "memory"),
    (LookupError("unknown encoding: shift_jis"), "memory"),  # Python has it: not loaded
    (LookupError("unknown encoding: Shift-JIS"), "memory"),  # (an alias of it)
    (LookupError("unknown encoding: no-such-codec"), None),  # no codec: not a resource
    (OSError(errno.ENOENT, "No such file"), None),
    (RuntimeError("something else"), None),
    (ImportError("No module named x"), None),
])
def test_the_failures_of_a_resource_that_ran_out_are_told_apart(
        error: BaseException, resource_name: str | None) -> None:
    """(QA 2) MemoryError loading the language model, "can't start new thread", EMFILE, and
    "unknown encoding: shift_jis" (an encodings module that failed to load under a memory
    limit) each name a resource; other errors of the same kinds do not."""
    assert systemlimits.exhausted_resource(error) == resource_name


def test_the_message_of_a_resource_names_its_limit_and_what_to_do() -> None:
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    said = systemlimits.ran_out(systemlimits.OPEN_FILES, "while starting 2 worker processes",
                                jobs=2)
    assert isinstance(said, errors.OutOfResources) and said.exit_code == 1
    assert str(said) == (f"too many open files (ulimit -n {soft}) while starting 2 worker "
                         "processes: raise the limit (ulimit -n 1024 or more), or run with "
                         "fewer --jobs (-j 1), then run the command again")
    assert "--jobs" not in str(systemlimits.ran_out(systemlimits.MEMORY, jobs=None))
    assert "--jobs" not in str(systemlimits.ran_out(systemlimits.MEMORY, jobs=1))  # (QA s78)


@pytest.mark.parametrize("error", [MemoryError(), RuntimeError("can't start new thread"),
                                   OSError(errno.EMFILE, "Too many open files"),
                                   LookupError("unknown encoding: shift_jis")],
                         ids=["memory", "thread", "emfile", "codec"])
def test_build_says_a_resource_ran_out_in_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        error: BaseException) -> None:
    """(QA 2) Each was a traceback, where no stage foresaw it; said where the CLI maps
    errors to exit codes, in one line with what to do, exit 1."""
    from corpuskit.cli import main

    def exhausted(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(build_module(), "build", exhausted)
    seeds = write_seeds(tmp_path / "seeds", {"a.txt": "Title\n\nA text.\n"})
    assert main(["build", str(seeds), "--out", str(tmp_path / "out"), "-j", "2"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1, (out, err)
    assert err.startswith("corpuskit: error: ") and "then run the command again" in err
    assert "fewer --jobs (-j 1)" in err and "ulimit" in err, err


def test_a_release_folder_left_without_its_zip_is_said_with_the_resource(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """(QA 2) A thread that could not start while the zip was written (after its folder
    was put in place): the one line says so, and how to finish, as after Ctrl-C."""
    from corpuskit.cli import main

    def no_thread(*args: object, **kwargs: object) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(build_module(), "write_archive", no_thread)
    seeds = write_seeds(tmp_path / "seeds", {"a.txt": "Title\n\nA text.\n"})
    out = tmp_path / "out"
    assert main(["build", str(seeds), "--out", str(out), "-j", "1", "--no-cache"]) == 1
    _, err = capsys.readouterr()
    assert len(err.splitlines()) == 1, err
    assert err.startswith("corpuskit: error: the system refused to start a thread"), err
    assert "is in place, its zip not written: run 'corpuskit build" in err, err
    assert stale_entries(out) == []


@pytest.mark.parametrize("error", [OSError(errno.EMFILE, "Too many open files"),
                                   RuntimeError("can't start new thread")],
                         ids=["emfile", "thread"])
def test_validate_that_runs_out_of_files_or_threads_gives_no_verdict(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        error: BaseException) -> None:
    """(QA 4) It said "internal-error ... please report this as a bug", counted a problem
    of the seeds and "valid": false; now as for memory: the run failed, not the seeds."""
    import corpuskit.validation.seeds as seeds_check
    from corpuskit.cli import main

    def exhausted(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(seeds_check, "validate_seeds", exhausted)
    seeds = write_seeds(tmp_path / "seeds", {"a.txt": "Title\n\nA text.\n"})
    assert main(["validate", str(seeds), "--jobs", "2"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1, (out, err)
    assert f"while checking {seeds}, which was neither found valid nor invalid" in err, err
    assert "internal-error" not in err and "bug" not in err, err
    assert main(["validate", str(seeds), "--jobs", "2", "--json"]) == 1
    out, _ = capsys.readouterr()
    assert '"valid"' not in out and "neither found valid nor invalid" in out, out


@pytest.mark.parametrize("error", [OSError(errno.EMFILE, "Too many open files"),
                                   MemoryError()], ids=["emfile", "memory"])
def test_running_out_while_checking_advises_jobs_only_where_there_are_any(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        error: BaseException) -> None:
    """export and ``load()`` check a package as validate does, with validate's default
    jobs (the cores): running out there told them to use "fewer --jobs (-j 1)" or to
    "check with --jobs 1", options they do not have (QA s83 review2, finding 3). The
    advice follows the jobs of the command run: ``validate -j 2`` gets it, they do not."""
    import corpuskit
    import corpuskit.validation as validation
    from corpuskit.cli import main

    seeds = write_seeds(tmp_path / "seeds", {"a.txt": "Title\n\nA text.\n"})
    release = corpuskit.build(seeds, tmp_path / "dist", jobs=1).release

    def exhausted(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(validation, "check_folder", exhausted)
    capsys.readouterr()
    assert main(["export", str(release), "--format", "csv",
                 "--out", str(tmp_path / "x.csv")]) == 1
    _, exported = capsys.readouterr()
    assert "while checking" in exported and "jobs" not in exported, exported
    with pytest.raises((errors.OutOfResources, errors.OutOfMemory)) as loading:
        corpuskit.load(release)
    assert "jobs" not in str(loading.value), loading.value
    assert main(["validate", str(release), "--jobs", "2"]) == 1
    _, validated = capsys.readouterr()
    assert "--jobs 1" in validated or "-j 1" in validated, validated


def test_validate_under_a_low_open_files_limit_gives_no_verdict(many: Path) -> None:
    """(QA 4) For real: ``ulimit -n 15; corpuskit validate seeds -j 2``. Where the
    descriptors run out depends on the interpreter's own: each limit here either lets the
    check through or gives no verdict, never an internal-error; one of them at least
    gives none."""
    stopped = 0
    for limit in range(10, 17):
        done = run_cli(["validate", many, "-j", "2", "--json"], FRESH, timeout=30,
                       preexec_fn=open_files_limit(limit))
        assert "Traceback" not in done.stderr and "internal-error" not in done.stdout, done
        if done.code == 0:
            continue
        stopped += 1
        assert done.code == 1 and '"valid"' not in done.stdout, done
        assert f"(ulimit -n {limit}) while checking" in done.stderr, done.stderr
        assert "neither found valid nor invalid" in done.stderr, done.stderr
    assert stopped


def test_export_tells_a_pyarrow_that_failed_to_load_from_a_missing_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """(QA 3) Under ``ulimit -v 300000`` pyarrow's libraries could not be mapped, and export
    said it "is not installed", with advice to install it. (The limit itself is not set
    here: where it bites varies; the ImportError it gives is raised instead.)"""
    from corpuskit.cli import main

    archive = next((REPO / "dist").glob("*.zip"))
    real_import = builtins.__import__
    failure: list[BaseException] = []

    def importing(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.split(".")[0] == "pyarrow" and failure:
            raise failure[0]
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", importing)
    out = tmp_path / "x.parquet"
    failure.append(ImportError("libstdc++.so.6: failed to map segment from shared object"))
    assert main(["export", str(archive), "--out", str(out), "--format", "parquet"]) == 1
    _, err = capsys.readouterr()
    assert err.startswith("corpuskit: error: ran out of memory"), err
    assert "while loading pyarrow" in err and "failed to map segment" in err, err
    assert "not installed" not in err and "--jobs" not in err and not out.exists(), err
    failure[0] = ModuleNotFoundError("No module named 'pyarrow'", name="pyarrow")
    assert main(["export", str(archive), "--out", str(out), "--format", "parquet"]) == 1
    _, err = capsys.readouterr()
    assert "writing Parquet needs pyarrow, which is not installed" in err, err
    failure[0] = ImportError("undefined symbol: arrow_foo")  # a damaged installation
    assert main(["export", str(archive), "--out", str(out), "--format", "parquet"]) == 1
    _, err = capsys.readouterr()
    assert "is installed but could not be loaded (ImportError: undefined symbol" in err, err


#: numpy's ImportError where its C extension could not be mapped (under ``ulimit -v``):
#: dlopen's words after a page of advice on a bad install.
NUMPY_NOT_MAPPED = ImportError(
    "\n\nIMPORTANT: PLEASE READ THIS FOR ADVICE ON HOW TO SOLVE THIS ISSUE!\n\nImporting "
    "the numpy C-extensions failed. This error can happen for\nmany reasons.\n\nOriginal "
    "error was: /venv/numpy/_core/_multiarray_umath.so: failed to map segment from shared "
    "object\n")


def test_diff_of_a_seeds_side_that_runs_out_of_memory_says_it_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """(QA s77 4) Under ``ulimit -v 61440`` diff gave each seeds file an internal-error,
    "this is a bug in corpuskit", quoting numpy's page of advice (301 of them), where build
    said it ran out of memory: one line, dlopen's words alone, exit 1; its JSON document
    the same ``error``."""
    import corpuskit.records as records
    from corpuskit.cli import main

    def not_mapped(*args: object, **kwargs: object) -> None:
        raise NUMPY_NOT_MAPPED

    monkeypatch.setattr(records, "process_document", not_mapped)
    archive = next((REPO / "dist").glob("*.zip"))
    seeds = write_seeds(tmp_path / "seeds", {"a.txt": "Title\n\nA text.\n",
                                             "b.txt": "Other\n\nA text.\n"})
    assert main(["diff", str(archive), str(seeds)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1, (out, err)
    assert err.startswith("corpuskit: error: ran out of memory"), err
    assert "(/venv/numpy/_core/_multiarray_umath.so: failed to map segment from shared " \
        "object)" in err and "IMPORTANT" not in err, err
    assert "internal-error" not in err and "bug" not in err and "--jobs" not in err, err
    assert main(["diff", str(archive), str(seeds), "--json"]) == 1
    out, _ = capsys.readouterr()
    assert json.loads(out)["error"].startswith("ran out of memory"), out


def test_writing_archive_pieces_out_of_open_files_says_what_to_do(tmp_path: Path) -> None:
    """(QA s77 8) At ``ulimit -n 6`` the build stopped with "cannot write the compressed
    archive pieces of ...: Too many open files" alone, where the records' writing (at 8)
    gave the limit and what to do."""
    from corpuskit.shardpieces import PiecesWriter
    from corpuskit.zipfiles.deflate import COMPRESSIONS

    writer = PiecesWriter(tmp_path / "shard.jsonl", "cannot write the pieces",
                          next(iter(COMPRESSIONS.values())))
    try:
        said = str(writer._error(OSError(errno.EMFILE, "Too many open files")))
    finally:
        writer.handle.close()
    assert said.startswith("cannot write the pieces: Too many open files; this process may "
                           "open no more files"), said
    assert "raise the limit (ulimit -n 1024 or more)" in said, said


def test_a_file_over_the_size_limit_of_the_process_is_said_with_what_to_do(
        many: Path, tmp_path: Path) -> None:
    """For real: ``ulimit -f`` below the size of data/documents.jsonl. The build said
    "cannot write .../documents.jsonl: File too large" and nothing of the limit or what to
    do (QA: s77 concurrency 1), where the language model's step named ``ulimit -f``."""
    def file_size_limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    out = tmp_path / "out"
    done = run_cli(["build", many, "--out", out, "-j", "1", "--no-cache"], FRESH,
                   timeout=60, preexec_fn=file_size_limit)
    assert done.code == 1 and "Traceback" not in done.stderr, done
    assert "File too large; the file is larger than this process may write" in done.stderr, done
    assert "(ulimit -f unlimited)" in done.stderr, done.stderr
    assert visible_entries(out) == set()  # nothing half-written


@pytest.mark.parametrize("args, said", [
    (["export", "{release}", "--format", "csv", "--out", "-"],
     "cannot write the export to standard output: File too large; "),
    (["info", "{release}"], "cannot write to standard output: File too large; "),
])
def test_standard_output_over_the_size_limit_of_the_process_is_said_with_what_to_do(
        tmp_path: Path, args: list[str], said: str) -> None:
    """For real: standard output redirected to a file (CI's ``> out.csv``), ``ulimit -f``
    below what is written to it. It said "File too large" alone, where ``--out out.csv``
    gave the limit and what to do (QA: s77 newc 6)."""
    def file_size_limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (512, 512))

    release = min((REPO / "dist").glob("*.zip"))
    argv = [str(release) if arg == "{release}" else arg for arg in args]
    with open(tmp_path / "out", "wb") as out:
        done = subprocess.run(cli_command(argv, FRESH), stdout=out, stderr=subprocess.PIPE,
                              text=True, timeout=60, preexec_fn=file_size_limit,
                              env=child_env(), check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"corpuskit: error: {said}the file is larger than this process may write" \
        in done.stderr, done.stderr
    assert "(ulimit -f unlimited)" in done.stderr, done.stderr


@pytest.mark.parametrize("error", [MemoryError(), RuntimeError("can't start new thread"),
                                   OSError(errno.EMFILE, "Too many open files")],
                         ids=["memory", "thread", "emfile"])
@pytest.mark.parametrize("command", ["build", "validate", "check"])
@pytest.mark.parametrize("jobs", [["-j", "1"], ["--jobs=1"], ["-j1"], ["-j", "2"]],
                         ids=["-j 1", "--jobs=1", "-j1", "-j 2"])
def test_a_run_of_one_job_is_not_told_to_run_with_fewer(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        error: BaseException, command: str, jobs: list[str]) -> None:
    """(QA s78) ``build -j 1`` (and validate, check) that ran out of memory, threads or
    open files was told "or run with fewer --jobs (-j 1)", the jobs it had run with: one
    job is told the rest of the advice only; two are told both."""
    import corpuskit.check as check_module
    import corpuskit.validation.seeds as seeds_check
    from corpuskit.cli import main

    def exhausted(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(build_module(), "build", exhausted)
    monkeypatch.setattr(seeds_check, "validate_seeds", exhausted)
    monkeypatch.setattr(check_module, "_check", exhausted)
    seeds = write_seeds(tmp_path / "seeds", {"a.txt": "Title\n\nA text.\n"})
    args = {"build": ["build", str(seeds), "--out", str(tmp_path / "out")],
            "validate": ["validate", str(seeds)],
            "check": ["check", "--seeds", str(seeds), "--dist", str(tmp_path / "dist")]}
    assert main([*args[command], *jobs]) == 1
    _, err = capsys.readouterr()
    assert err.startswith("corpuskit: error: ") and len(err.splitlines()) == 1, err
    assert "more memory" in err or "raise the limit" in err or "raise that limit" in err, err
    assert ("--jobs" in err) == (jobs == ["-j", "2"]), err


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_resource_that_ran_out_before_the_work_began_follows_the_jobs_given(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        jobs: str) -> None:
    """(QA s78) Out of memory before the command's work began (where the CLI maps errors
    to exit codes, from its command line): ``-j 1`` is not told to run with ``-j 1``."""
    import corpuskit.engine as engine
    from corpuskit.cli import main

    def exhausted(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(engine, "check_engine", exhausted)
    seeds = write_seeds(tmp_path / "seeds", {"a.txt": "Title\n\nA text.\n"})
    assert main(["build", str(seeds), "--out", str(tmp_path / "out"), "-j", jobs]) == 1
    _, err = capsys.readouterr()
    assert err.startswith("corpuskit: error: ran out of memory"), err
    assert ("fewer --jobs (-j 1)" in err) == (jobs == "2"), err


def test_a_build_of_one_job_out_of_open_files_is_not_told_to_run_with_fewer(
        many: Path, tmp_path: Path) -> None:
    """(QA s78) For real: ``ulimit -n 8; corpuskit build seeds -j 1``. Writing the records
    failed for lack of descriptors, and the advice was "or run with fewer --jobs (-j 1)"."""
    out = tmp_path / "out"
    done = run_cli(["build", many, "--out", out, "-j", "1", "--no-cache"], FRESH,
                   timeout=60, preexec_fn=open_files_limit(8))
    assert done.code == 1 and "Traceback" not in done.stderr, done.stderr
    last = done.stderr.splitlines()[-1]
    assert "Too many open files" in last and "raise the limit" in last, last
    assert "--jobs" not in last and "-j 1" not in last, last


def test_the_advice_on_open_files_follows_the_jobs_of_the_run() -> None:
    """(QA s78) Where a file cannot be opened, far below what is told the jobs: fewer
    --jobs for a run of two or more, not for one, nor a command without --jobs."""
    assert "--jobs" not in systemlimits.open_files_advice()
    with systemlimits.jobs_of_run(1):
        assert "--jobs" not in systemlimits.open_files_advice()
        with systemlimits.jobs_of_run(2):
            assert "fewer --jobs (-j 1)" in systemlimits.open_files_advice()
        assert "--jobs" not in systemlimits.open_files_advice()


def test_a_worker_ending_short_of_a_resource_after_the_start_is_said_wherever_the_pool_breaks(
        ) -> None:
    """A worker that ran out of descriptors as it started, once the pool had answered its
    first task, broke the pool later, outside the shards (during discovery): the command
    said "a worker process died (killed, or out of memory)" instead of what ran out (seen
    once under a full suite's load, ``check`` under ``ulimit -n 15``). The pool's own
    context says it, as the shards' loop does."""
    from concurrent.futures.process import BrokenProcessPool

    from corpuskit.engine import STARTING_FAILED, local_pool

    with pytest.raises(CorpuskitError) as caught, local_pool(2) as pool:
        assert pool is not None
        with suppress(BrokenProcessPool):
            pool.submit(os._exit, STARTING_FAILED["open files"]).result()
        pool.submit(os.getpid).result()  # broken: raised in the pool's context
    said = str(caught.value)
    assert "open files" in said and "as it started" in said, said


def test_a_worker_short_of_a_resource_is_named_when_the_pool_reaps_it_first(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The pool's manager thread, which breaks the pool, waits for each worker's exit; a
    wait of the parent's for the same worker found it reaped already, without its status,
    and the worker that ran out of open files was said to have died ("a worker process
    died (killed, or out of memory)": CI, ``check`` under ``ulimit -n 15``; a stress test,
    6 pools in 300 under load). Here the manager thread reaps each worker, then pauses
    before it records the status, as a loaded machine may make it: the status is read
    once it has."""
    from concurrent.futures.process import BrokenProcessPool, _ExecutorManagerThread
    from multiprocessing import popen_fork

    from corpuskit.engine import STARTING_FAILED, local_pool

    recorded = popen_fork.Popen.poll
    reaped = threading.Event()

    def slow_to_record(self: Any, flag: int = os.WNOHANG) -> int | None:
        if not isinstance(threading.current_thread(), _ExecutorManagerThread):
            if flag == 0 and self.returncode is None:  # a wait for a worker known to end
                reaped.wait(timeout=5)  # (after the manager thread's: the race lost)
            return recorded(self, flag)
        if self.returncode is not None:
            return self.returncode
        try:
            pid, status = os.waitpid(self.pid, flag)
        except OSError:
            return None
        if pid == self.pid:
            reaped.set()
            time.sleep(0.5)  # reaped: its status not yet kept
            self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    monkeypatch.setattr(popen_fork.Popen, "poll", slow_to_record)
    with pytest.raises(CorpuskitError) as caught, local_pool(2) as pool:
        assert pool is not None
        with suppress(BrokenProcessPool):
            pool.submit(os._exit, STARTING_FAILED["open files"]).result()
        pool.submit(os.getpid).result()
    said = str(caught.value)
    assert "open files" in said and "as it started" in said, said


#: In a child: a copying thread's task (a segment's entries, a record group) runs out of
#: memory holding what it allocated (``held``), and the future cannot store the error
#: while that is held: memory is as short as when the task failed (QA s95 build 1).
HELD_WHILE_FAILING = """
import weakref
import concurrent.futures._base as futures_base
import corpuskit.zipfiles.zipcopies as zipcopies

held = []

class Buffer:
    pass

def out_of_memory(*args, **kwargs):
    buffer = Buffer()  # what the task allocated before the allocation that failed
    held.append(weakref.ref(buffer))
    raise MemoryError

zipcopies.write_entries = zipcopies._copy_range = out_of_memory
real_set_exception = futures_base.Future.set_exception

def set_exception(self, exception):
    if any(ref() is not None for ref in held):
        raise MemoryError  # (notifying the waiters allocates)
    real_set_exception(self, exception)

futures_base.Future.set_exception = set_exception
"""


def test_a_copying_thread_out_of_memory_ends_the_build_in_one_line(
        many: Path, tmp_path: Path) -> None:
    """(QA s95 build 1) ``build -j 2`` under ``ulimit -v 300000``: the zip's copying thread
    ran out of memory, its future could not take the error while the task's frames held
    their buffers (the traceback kept them), and the error reached the pool's own
    handler: a traceback printed, or the thread spun in the allocator holding the GIL and
    the build hung until killed, SIGTERM unheard (7 runs in 10). The task's error is now
    raised again without them (:class:`corpuskit.helperthreads.HelperThreads`): one line,
    exit 1, nothing half-written left."""
    out = tmp_path / "out"
    done = run_cli(["build", many, "--out", out, "-j", "2", "--no-cache"],
                   HELD_WHILE_FAILING, timeout=60)
    assert done.code == 1, done
    assert len(done.stderr.splitlines()) == 1, done.stderr  # no "Exception in worker"
    assert done.stderr.startswith("corpuskit: error: ran out of memory"), done.stderr
    assert "its zip not written" in done.stderr, done.stderr
    assert stale_entries(out) == [], list(out.iterdir())


def test_helper_threads_let_a_failed_task_s_memory_go_before_the_future_takes_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The task's frames (and what they hold) are gone when its future stores the
    MemoryError; the caller of ``result()`` gets it, with no frame of the task."""
    import concurrent.futures._base as futures_base
    import weakref

    from corpuskit.helperthreads import HelperThreads

    class Buffer:
        pass

    held: list[weakref.ref[Buffer]] = []
    seen: list[bool] = []
    real = futures_base.Future.set_exception

    def set_exception(self: Any, exception: BaseException | None) -> None:
        seen.append(any(ref() is not None for ref in held))
        real(self, exception)

    monkeypatch.setattr(futures_base.Future, "set_exception", set_exception)

    def task() -> None:
        buffer = Buffer()
        held.append(weakref.ref(buffer))
        raise MemoryError("no room")

    with HelperThreads(max_workers=1) as pool:
        future = pool.submit(task)
        with pytest.raises(MemoryError, match="no room") as raised:
            future.result(timeout=10)
    assert seen == [False]
    frames = {frame.name for frame in traceback.extract_tb(raised.value.__traceback__)}
    assert "task" not in frames, frames


#: In a child: the language model cannot be loaded, for lack of memory.
MODEL_OUT_OF_MEMORY = """
from corpuskit.languageid.fastlangid import FastIdentifier

def out_of_memory(*args, **kwargs):
    raise MemoryError

FastIdentifier.load = out_of_memory
"""


def test_check_out_of_memory_loading_the_language_model_says_one_line(
        tmp_path: Path) -> None:
    """(QA s95 build 2) ``check -j 2`` under ``ulimit -v 300000``: the workers' thread that
    loads the language model ahead (corpuskit-language-model) printed its MemoryError's
    traceback, two of them, before the command's one line. The thread is a head start
    only: its failure is dropped, and met again where the model is used, in one line."""
    seeds = write_seeds(tmp_path / "seeds", MANY, {"extract": {"language": True}})
    dist = tmp_path / "dist"
    # (with the cache: the model kept there decoded, which check's workers then read
    # on their thread, as in QA's run, rather than the parent decoding it before forking)
    assert run_cli(["build", seeds, "--out", dist, "-j", "1"]).code == 0
    done = run_cli(["check", "--seeds", seeds, "--dist", dist, "-j", "2"],
                   MODEL_OUT_OF_MEMORY, timeout=60)
    assert done.code == 1, done
    assert len(done.stderr.splitlines()) == 1, done.stderr  # no "Exception in thread"
    assert done.stderr.startswith("corpuskit: error: ran out of memory"), done.stderr


def thread_exceptions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the threads whose exception reaches ``threading.excepthook`` (which
    prints its traceback), from now on."""
    escaped: list[str] = []
    monkeypatch.setattr(threading, "excepthook",
                        lambda args: escaped.append(getattr(args.thread, "name", "?")))
    return escaped


def test_the_language_model_s_preloading_thread_drops_its_failure(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """(QA s95 build 2) Whoever asks for the model next loads it again, and meets the
    failure there."""
    import corpuskit.languageid.language as language

    escaped = thread_exceptions(monkeypatch)
    tried: list[bool] = []

    def out_of_memory() -> None:
        tried.append(True)
        raise MemoryError

    monkeypatch.setattr(language, "_identifier", out_of_memory)
    started = set(threading.enumerate())
    language.preload(None)
    for thread in set(threading.enumerate()) - started:
        thread.join(10)
    assert tried == [True] and escaped == []


def test_the_thread_keeping_the_model_drops_a_memory_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """(QA s95 build 2, audit) Keeping the decoded model in the cache only saves the next
    build a decoding: a MemoryError writing it escaped its thread, a traceback."""
    build = build_module()
    escaped = thread_exceptions(monkeypatch)
    forgotten: list[bool] = []
    monkeypatch.setattr(build, "forget_model", lambda: forgotten.append(True))

    def out_of_memory() -> str | None:
        raise MemoryError

    notes: list[str] = []
    thread = threading.Thread(target=build._keep_and_forget, args=(out_of_memory, notes))
    thread.start()
    thread.join(10)
    assert escaped == [] and forgotten == [True] and notes == []


def test_the_seal_s_thread_hands_a_memory_error_to_the_writer(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """(QA s95 build 2, audit) The thread hashing the zip as it is written caught OSError
    only: a MemoryError escaped it (a traceback), and the writer said the bytes "read
    back" were too few. The writer now raises it, for the one line."""
    import corpuskit.zipfiles.archiveseal as archiveseal

    escaped = thread_exceptions(monkeypatch)

    def out_of_memory(*args: object) -> bytes:
        raise MemoryError

    path = tmp_path / "z"
    path.write_bytes(b"x" * 1000)
    monkeypatch.setattr(archiveseal.os, "pread", out_of_memory)
    with path.open("rb") as handle, archiveseal.FollowingDigest(handle.fileno()) as follower, \
            pytest.raises(MemoryError):
        follower.result(1000)
    assert escaped == []


class _UnpicklableForLackOfMemory:
    def __reduce__(self) -> Any:
        raise MemoryError


def test_a_task_the_fork_pool_cannot_send_for_lack_of_memory_raises_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """(QA s95 build 2, audit) The pool's sending thread suppressed OSError only: a
    MemoryError pickling a task (a block of records) escaped it, a traceback, and the
    parent waited for that task's outcome for good. Its worker now runs a task raising
    MemoryError in its place: ``get()`` raises it, and the pool goes on."""
    from corpuskit.forkpool import ForkPool, fork_available

    if not fork_available():
        pytest.skip("no fork here")
    escaped = thread_exceptions(monkeypatch)
    with ForkPool(1) as pool:
        failed = pool.apply_async(len, (_UnpicklableForLackOfMemory(),))
        after = pool.apply_async(len, ("abc",))
        with pytest.raises(MemoryError):
            failed.get()
        assert after.get() == 3
    assert escaped == []
