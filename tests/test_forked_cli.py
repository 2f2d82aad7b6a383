"""The forked child the CLI tests run corpuskit in (tests/forked_cli.py) looks, to the
command, like a new interpreter: its own environment, streams, signals and exit status."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from forked_cli import corpuskit_module, run_forked


def _is_null_device(fd: int) -> bool:
    """Whether ``fd`` is the null device (an inherited descriptor covered by it)."""
    try:
        return os.path.samestat(os.fstat(fd), os.stat(os.devnull))
    except OSError:
        return False


def _show_state() -> int:
    print(os.environ.get("FORKED_CLI_PROBE"), os.environ.get("FORKED_CLI_NOT_GIVEN"),
          os.getcwd(), sys.argv, sys.stdin.read(), sorted(
              fd for fd in map(int, os.listdir("/proc/self/fd"))
              if fd < 3 or not _is_null_device(fd)))
    print(signal.getsignal(signal.SIGINT) is signal.default_int_handler,
          signal.getsignal(signal.SIGTERM) is signal.SIG_DFL,
          signal.getsignal(signal.SIGPIPE) is signal.SIG_IGN, file=sys.stderr)
    print("é\u2019 \udcff", file=sys.stderr)
    return 3


def test_the_child_has_the_given_environment_folder_arguments_and_streams(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORKED_CLI_PROBE", "from the test process")
    monkeypatch.setenv("FORKED_CLI_NOT_GIVEN", "from the test process")
    kept_open = os.open(os.devnull, os.O_RDONLY)  # the test process's: not the child's
    before = signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the test process's alone
    try:
        done = run_forked(_show_state, ["prog", "a b"], env={"FORKED_CLI_PROBE": "given"},
                          cwd=tmp_path)
    finally:
        signal.signal(signal.SIGTERM, before)
        os.close(kept_open)
    assert done.returncode == 3, done.stderr
    # the three standard streams, and the descriptor listing /proc/self/fd (whatever its
    # number: the test process's descriptors are covered by the null device, not closed)
    head, _, listed = done.stdout.rpartition("  [")
    assert head == f"given None {tmp_path} ['prog', 'a b']"
    assert listed.startswith("0, 1, 2, ") and listed.count(",") == 3, done.stdout
    assert done.stderr == "True True True\né\u2019 \\udcff\n"


def _fail() -> int:
    raise ValueError("a bug")


def _exit_with(value: object) -> int:
    sys.exit(value)  # type: ignore[arg-type]


def _interrupt() -> int:
    raise KeyboardInterrupt


def test_the_child_ends_as_python_ends() -> None:
    failed = run_forked(_fail, ["prog"], env={})
    assert failed.returncode == 1 and "Traceback" in failed.stderr \
        and "ValueError: a bug" in failed.stderr, failed.stderr
    assert run_forked(lambda: _exit_with(None), ["prog"], env={}).returncode == 0
    assert run_forked(lambda: _exit_with(130), ["prog"], env={}).returncode == 130
    said = run_forked(lambda: _exit_with("gone"), ["prog"], env={})
    assert (said.returncode, said.stderr) == (1, "gone\n")
    interrupted = run_forked(_interrupt, ["prog"], env={})
    assert interrupted.returncode == -signal.SIGINT and "KeyboardInterrupt" in \
        interrupted.stderr


def _write_to_stdout() -> int:
    print("lost?", file=sys.stderr if sys.stdout is None else sys.stdout)
    return 0 if sys.stdout is None else 5


def test_a_stream_closed_before_the_command_is_none() -> None:
    done = run_forked(_write_to_stdout, ["prog"], env={}, preexec_fn=lambda: os.close(1))
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "lost?\n")


def test_a_signal_ignored_before_the_command_stays_ignored() -> None:
    def ignore() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    def check() -> int:
        return 0 if signal.getsignal(signal.SIGINT) is signal.SIG_IGN else 1

    assert run_forked(check, ["prog"], env={}, preexec_fn=ignore).returncode == 0
    assert run_forked(check, ["prog"], env={}).returncode == 1


def _hang() -> int:
    time.sleep(60)
    return 0


def test_a_child_that_blocks_is_killed_at_the_timeout() -> None:
    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired):
        run_forked(_hang, ["prog"], env={}, timeout=0.5)
    assert time.monotonic() - started < 10


def test_the_module_entry_is_what_python_m_corpuskit_runs() -> None:
    forked = run_forked(corpuskit_module, ["corpuskit", "--version"], env=dict(os.environ))
    fresh = subprocess.run([sys.executable, "-m", "corpuskit", "--version"],
                           capture_output=True, text=True, check=False)
    assert (forked.returncode, forked.stdout, forked.stderr) == \
        (fresh.returncode, fresh.stdout, fresh.stderr) == (0, fresh.stdout, "")
    assert fresh.stdout.startswith("corpuskit")
