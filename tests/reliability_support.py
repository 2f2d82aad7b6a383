"""Helpers of the reliability tests (crash safety, concurrency, write failures, names,
size limits, fuzzing): seeds folders made on the fly, the CLI run in a child process with
a patch applied first (a SIGKILL at a chosen moment, a pause, a limit), and snapshots of
output folders to prove that nothing changed.

Nothing here touches the repository's ``seeds/`` or ``dist/``.
"""

from __future__ import annotations

import ctypes
import hashlib
import io
import os
import resource
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from conftest import corpus_config, toml_text
from forked_cli import run_forked

import corpuskit

PYTHON = sys.executable
REPO = Path(__file__).resolve().parents[1]
#: A fixed release time, so every build of the same seeds writes the same bytes.
EPOCH = "1700000000"
TEMP_PREFIX = ".corpuskit-tmp-"
LOCK_NAME = ".corpuskit-lock"
LOCKED_MESSAGE = "another corpuskit build or release is writing"

#: Six small documents; version 1.1.0 adds one and changes one.
DOCS_V1: dict[str, str] = {
    f"doc{i}.txt": f"Title number {i}\n\nThe body of document {i} talks about harbours, "
                   f"ferries and the weather on day {i}. It is long enough to be a text.\n"
    for i in range(6)
}
DOCS_V2: dict[str, str] = {
    **DOCS_V1,
    "doc2.txt": "Title number 2, revised\n\nA revised body for the second document.\n",
    "sub/doc9.txt": "A new document\n\nIt was added in version 1.1.0 of the test corpus.\n",
}


#: Language identification loads a model (0.7 s per process); most tests do not need it.
FAST: dict[str, Any] = {"extract": {"language": False}}


def write_seeds(folder: Path, files: Mapping[str, bytes | str],
                overrides: Mapping[str, Any] | None = None) -> Path:
    """(Re)write ``folder`` as a seeds folder holding exactly ``files`` and a corpus.toml.

    ``overrides`` change corpus.toml keys; language identification is off unless an
    ``extract`` table is given.
    """
    overrides = {**FAST, **(overrides or {})}
    if folder.exists():
        for path in sorted(folder.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() and not path.is_symlink() else path.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "corpus.toml").write_text(toml_text(corpus_config(overrides)), encoding="utf-8")
    for relpath, content in files.items():
        path = folder / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return folder


# -- child processes ----------------------------------------------------------------------

#: Run before every patch: ``_die()`` kills the child the hard way, as `kill -9` would.
_PRELUDE = """
import os, signal, sys, time
from pathlib import Path

def _die():
    sys.stdout.flush(); sys.stderr.flush()
    os.kill(os.getpid(), signal.SIGKILL)

def _wait_for(flag, started=None):
    if started:
        Path(started).write_text("started")
    deadline = time.monotonic() + 60
    while not Path(flag).exists() and time.monotonic() < deadline:
        time.sleep(0.02)
"""

_MAIN = """
from corpuskit.cli import main
sys.exit(main(sys.argv[1:]))
"""


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str
    seconds: float


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update({"SOURCE_DATE_EPOCH": EPOCH, "PYTHONHASHSEED": "0", "LC_ALL": "C.UTF-8",
                "PYTHONIOENCODING": "utf-8"})
    env.update(extra or {})
    return env


def cli_command(args: Sequence[str], patch: str = "") -> list[str]:
    """``python -c <prelude + patch + corpuskit main> ARGS...``."""
    script = _PRELUDE + textwrap.dedent(patch) + _MAIN
    return [PYTHON, "-c", script, *map(str, args)]


def run_cli(args: Sequence[str | Path], patch: str = "", *, timeout: float = 60,
            preexec_fn: Callable[[], None] | None = None,
            env: Mapping[str, str] | None = None, cwd: Path | None = None) -> Outcome:
    """Run the corpuskit CLI in a child process, ``patch`` (Python source) applied first
    in a new interpreter; without a patch, forked from this process (:mod:`forked_cli`)."""
    started = time.monotonic()
    argv = [str(a) for a in args]
    if patch:
        done = subprocess.run(cli_command(argv, patch), capture_output=True, text=True,
                              timeout=timeout, preexec_fn=preexec_fn, env=child_env(env),
                              cwd=cwd)
    else:
        done = run_forked(partial(_cli_main, argv), ["-c", *argv], env=child_env(env),
                          cwd=cwd, preexec_fn=preexec_fn, timeout=timeout)
    return Outcome(done.returncode, done.stdout, done.stderr, time.monotonic() - started)


def _cli_main(args: list[str]) -> int:
    """What :data:`_MAIN` runs."""
    from corpuskit.cli import main

    return main(args)


def run_here(args: Sequence[str | Path]) -> Outcome:
    """Run the CLI in this process (no patch needed): what a next, ordinary run does.

    As fast as a library call, with the child's SOURCE_DATE_EPOCH, so its output is
    byte-identical to a child's.
    """
    from corpuskit.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    started = time.monotonic()
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main([str(a) for a in args])
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved
    return Outcome(code, out.getvalue(), err.getvalue(), time.monotonic() - started)


def start_cli(args: Sequence[str | Path], patch: str = "", *,
              env: Mapping[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(cli_command([str(a) for a in args], patch), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=child_env(env))


def build_args(seeds: Path, out: Path, *extra: str) -> list[str | Path]:
    return ["build", seeds, "--out", out, "--jobs", "1", "--no-cache", *extra]


def wait_for_file(path: Path, process: subprocess.Popen[str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if process.poll() is not None:
            _, err = process.communicate()
            raise AssertionError(f"child ended ({process.returncode}) before {path.name}: {err}")
        if time.monotonic() > deadline:
            raise AssertionError(f"child never reached {path.name}")
        time.sleep(0.02)


# -- privileges ---------------------------------------------------------------------------

_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 1, 2
_LINUX_CAPABILITY_VERSION_3 = 0x20080522


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapSets(ctypes.Structure):
    """One of capget's two words of sets (capabilities 0-31, then 32-63)."""
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def drop_file_permission_override() -> None:
    """preexec_fn: the child honours file permission bits even when it runs as root.

    Root bypasses permission bits through CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH;
    dropping both from the bounding set before ``exec`` leaves the new program without
    them, exactly like an ordinary user (it keeps its uid, so it can still read the
    root-only Python installation), and dropping them from this process's own sets does
    so for a child that goes on without ``exec`` (:mod:`forked_cli`). A no-op for an
    ordinary user.
    """
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")
    # and from this process's own sets, for a child that runs on without exec (forked_cli)
    header = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)
    sets = (_CapSets * 2)()
    if libc.capget(ctypes.byref(header), sets) != 0:
        raise OSError(ctypes.get_errno(), "capget failed")
    keep = ~(1 << _CAP_DAC_OVERRIDE | 1 << _CAP_DAC_READ_SEARCH) & 0xFFFFFFFF
    for name in ("effective", "permitted", "inheritable"):
        setattr(sets[0], name, getattr(sets[0], name) & keep)
    if libc.capset(ctypes.byref(header), sets) != 0:
        raise OSError(ctypes.get_errno(), "capset failed")


def permission_bits_enforceable() -> str | None:
    """None if a child can be made to honour permission bits, else why not."""
    with tempfile.TemporaryDirectory() as folder:
        probe_file = Path(folder) / "probe"
        probe_file.write_bytes(b"x")
        probe_file.chmod(0)
        probe = subprocess.run([PYTHON, "-c", f"open({str(probe_file)!r}, 'rb')"],
                               preexec_fn=drop_file_permission_override, capture_output=True)
    if probe.returncode == 0:
        return "permission bits are not enforced for this user, even without CAP_DAC_OVERRIDE"
    return None


def file_size_limit(limit: int) -> Callable[[], None]:
    """preexec_fn: files may not grow beyond ``limit`` bytes (a full disk: EFBIG)."""
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


# -- snapshots ----------------------------------------------------------------------------

def snapshot(folder: Path) -> dict[str, tuple[int, str]]:
    """Every entry under ``folder``: relative path → (mode, sha256 of bytes or link target)."""
    found: dict[str, tuple[int, str]] = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(root) / name
            info = path.lstat()
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                digest = "->" + os.readlink(path)
            elif path.is_file():
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                digest = "dir"
            found[rel] = (info.st_mode, digest)
    return found


def snapshot_with_times(folder: Path) -> dict[str, tuple[int, str, int]]:
    times = {p.relative_to(folder).as_posix(): p.lstat().st_mtime_ns
             for p in folder.rglob("*")}
    return {rel: (*value, times[rel]) for rel, value in snapshot(folder).items()}


def stale_entries(out: Path) -> list[str]:
    """Temporary files or folders corpuskit left in ``out`` (anything ``.corpuskit-tmp-*``)."""
    if not out.exists():
        return []
    return sorted(p.relative_to(out).as_posix() for p in out.rglob(f"{TEMP_PREFIX}*"))


def visible_entries(out: Path) -> set[str]:
    """Top-level names in ``out``, without the lock file and temporary entries."""
    if not out.exists():
        return set()
    return {p.name for p in out.iterdir()
            if p.name != LOCK_NAME and not p.name.startswith(TEMP_PREFIX)}


def assert_valid_release(folder: Path, archive: Path | None) -> None:
    """The folder (and the zip, if given) pass validate."""
    for target in (folder, archive) if archive is not None else (folder,):
        report = corpuskit.validate(target, jobs=1)
        assert report.valid, [p.render() for p in report.problems]


def tree_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# -- filesystems the tests make (root only) ----------------------------------------------

def _mount(*args: str) -> str | None:
    """Run mount(8); None on success, else why it failed."""
    try:
        done = subprocess.run(["mount", *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    return None if done.returncode == 0 else (done.stderr.strip() or f"exit {done.returncode}")


def _unmount(target: Path) -> None:
    if subprocess.run(["umount", str(target)], capture_output=True).returncode != 0:
        subprocess.run(["umount", "-l", str(target)], capture_output=True)


@contextmanager
def tmpfs(target: Path, size: int) -> Iterator[Path]:
    """A tmpfs of ``size`` bytes mounted at ``target`` (skips the test if that fails)."""
    target.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    failure = _mount("-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(target))
    if failure:
        pytest.skip(f"cannot mount a tmpfs here: {failure}")
    try:
        yield target
    finally:
        _unmount(target)


def remount_read_only(target: Path) -> None:
    failure = _mount("-o", "remount,ro", str(target))
    assert failure is None, failure


@contextmanager
def read_only_bind(source: Path, target: Path) -> Iterator[Path]:
    """``source`` seen read-only at ``target`` (a read-only bind mount; skips if impossible)."""
    target.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("a read-only bind mount needs root")
    failure = _mount("--bind", str(source), str(target))
    if failure:
        pytest.skip(f"cannot bind-mount here: {failure}")
    try:
        failure = _mount("-o", "remount,bind,ro", str(target))
        if failure:
            pytest.skip(f"cannot remount read-only: {failure}")
        yield target
    finally:
        _unmount(target)


def process_runs(pid: int | None) -> bool:
    """Whether process ``pid`` runs (a zombie, dead but not yet reaped, does not)."""
    assert pid is not None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return os.path.isdir("/proc/self")  # no /proc: it exists, so it runs
