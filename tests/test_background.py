"""An interrupt during validate's clean pass is not held up by the thread checking the
descriptor: a Ctrl-C at the wrong moment left that thread waiting on an import lock and
the process (which joined it, as a pool thread, at exit) hung with no worker left."""

from __future__ import annotations

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


def test_an_interrupt_of_the_clean_pass_does_not_wait_for_the_schema_thread(
        monkeypatch: pytest.MonkeyPatch) -> None:
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
        assert time.monotonic() - start < 10
    finally:
        release.set()
