"""An interrupt during validate's clean pass is not held up long by the thread checking the
descriptor: a Ctrl-C at the wrong moment left that thread waiting on an import lock and
the process (which joined it, as a pool thread, at exit) hung with no worker left. Nor
does the process end while that thread may still be importing, which crashed it."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from _validate_support import built

from corpuskit.validation import clean
from corpuskit.validation.background import Background
from corpuskit.validation.recordpass import RecordPass
from corpuskit.validation.view import folder_view


def test_background_gives_the_result_or_the_error() -> None:
    assert Background(sum, [1, 2, 3]).result() == 6
    with pytest.raises(ZeroDivisionError):
        Background(lambda: 1 / 0).result()


def test_background_runs_in_a_daemon_thread() -> None:
    started = threading.Event()
    release = threading.Event()

    def stuck() -> None:
        started.set()
        release.wait()

    Background(stuck)
    assert started.wait(5)
    [thread] = [t for t in threading.enumerate() if t.name == "corpuskit-background"]
    assert thread.daemon  # not joined when the interpreter exits
    release.set()
    thread.join(5)


def test_an_interrupt_of_the_clean_pass_waits_for_the_schema_thread_only_briefly(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from corpuskit.validation.background import INTERRUPTED_WAIT_SECONDS

    release = threading.Event()

    def stuck_check(descriptor: Any) -> list[Any]:
        release.wait(15)  # as an import whose lock an interrupted import left held
        return []

    def interrupted(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(clean, "check_descriptor", stuck_check)
    monkeypatch.setattr(RecordPass, "finish", interrupted)
    view = folder_view(Path(built().release), stream_raw=True)
    start = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            clean.CleanChecker(view, fast=False, reproduce=False, jobs=1).check()
        took = time.monotonic() - start
        assert INTERRUPTED_WAIT_SECONDS - 0.05 <= took < 10, took
    finally:
        release.set()


def _schema_check_taking(seconds: float, done: threading.Event) -> Any:
    def check(descriptor: Any) -> list[Any]:
        time.sleep(seconds)  # as jsonschema's import on a loaded machine
        done.set()
        return []
    return check


@pytest.mark.parametrize("raised", [RuntimeError("a bug of the clean pass"), KeyboardInterrupt()])
def test_the_clean_pass_ends_with_the_schema_thread_done(
        raised: BaseException, monkeypatch: pytest.MonkeyPatch) -> None:
    """A clean pass that raised (a bug of its own, which the tests' CORPUSKIT_STRICT=1
    raises, or an interrupt) left the schema thread importing jsonschema, and the
    interpreter, exiting under it, crashed: exit status -11 (5 validate runs in 200 under
    load). The thread is waited for: a short wait after an interrupt, enough here."""
    done = threading.Event()

    def failed(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise raised

    monkeypatch.setattr(clean, "check_descriptor", _schema_check_taking(0.4, done))
    monkeypatch.setattr(RecordPass, "finish", failed)
    view = folder_view(Path(built().release), stream_raw=True)
    with pytest.raises(type(raised)):
        clean.CleanChecker(view, fast=False, reproduce=False, jobs=1).check()
    assert done.is_set()



def test_the_clean_pass_imports_the_changelog_parser_beside_the_records(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The changelog's check, the last after the records, reads the changelog with
    markdown-it: the clean pass's thread imports it while the records are checked, after
    the descriptor's schema checks, not the main thread after them."""
    loaded: list[str] = []
    monkeypatch.setattr(clean, "load_parser",
                        lambda: loaded.append(threading.current_thread().name))
    view = folder_view(Path(built().release), stream_raw=True)
    assert clean.CleanChecker(view, fast=False, reproduce=False, jobs=1).check() is not None
    assert loaded == ["corpuskit-background"]


def test_load_parser_imports_markdown_it() -> None:
    code = ("import sys; from corpuskit.changelog import load_parser; "
            "before = 'markdown_it' in sys.modules; load_parser(); "
            "print(before, 'markdown_it' in sys.modules)")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True)
    assert shown.stdout.split() == ["False", "True"]
