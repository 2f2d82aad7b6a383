"""The one table from the error that ended a run to the process's exit status
(``corpuskit.errors.exit_status``), which the CLI and the console script both follow."""

from __future__ import annotations

import signal

import click
import pytest

from corpuskit.errors import (
    CorpuskitError,
    OutputClosed,
    OutputError,
    ProblemsFound,
    UsageError,
    exit_status,
)
from corpuskit.signals import Terminated, ending_said, interrupted_status


@pytest.mark.parametrize(("error", "status"), [
    (CorpuskitError("x"), 1),
    (ProblemsFound("1 problem found"), 1),
    (OutputError("cannot write"), 1),
    (UsageError("--out inside the seeds"), 2),
    (OutputClosed(), 141),
    (click.UsageError("no such option"), 2),
    (click.BadParameter("not a whole number"), 2),
    (click.ClickException("click's own failure"), 1),
    (click.exceptions.Exit(0), 0),
    (KeyboardInterrupt(), 130),
    (Terminated(signal.SIGTERM), 143),
    (Terminated(signal.SIGHUP), 129),
], ids=lambda value: type(value).__name__ if isinstance(value, BaseException) else str(value))
def test_each_ending_has_its_status(error: BaseException, status: int) -> None:
    assert exit_status(error) == status


def test_any_other_error_is_a_bug_raised_again() -> None:
    bug = RuntimeError("a bug")
    with pytest.raises(RuntimeError) as raised:
        exit_status(bug)
    assert raised.value is bug


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt(), Terminated(signal.SIGTERM)],
                         ids=["ctrl-c", "sigterm"])
def test_the_console_script_ends_an_interrupt_as_the_table_does(
        interrupt: KeyboardInterrupt) -> None:
    """The console script handles interrupts before it imports corpuskit.errors: its
    status and its line come from corpuskit.signals, whose rows the table uses."""
    assert interrupted_status(interrupt) == exit_status(interrupt)
    assert ending_said(interrupt) == ("corpuskit: aborted" if type(interrupt) is KeyboardInterrupt
                                      else "corpuskit: terminated")
