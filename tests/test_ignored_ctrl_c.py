"""The suite started with SIGINT ignored (a shell script's ``pytest &``) still passes the
tests that send Ctrl-C to the programs it starts (tests/conftest.py gives it back)."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: A test that sends SIGINT to a program it starts, and fails if that program ignores it.
CTRL_C_TEST = ("tests/test_forkpool.py::"
               "test_a_worker_ends_on_ctrl_c_that_its_main_thread_misses[caught-as-an-error]")


def _ignore_ctrl_c() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def test_a_run_started_with_ctrl_c_ignored_passes_the_ctrl_c_tests(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider",
         "--basetemp", str(tmp_path / "inner"), CTRL_C_TEST],
        cwd=REPO, capture_output=True, text=True, timeout=120, preexec_fn=_ignore_ctrl_c)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout
