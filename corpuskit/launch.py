"""The console script's entry point: the CLI imported where an interrupt is handled.

``corpuskit.cli.main`` turns Ctrl-C into "corpuskit: aborted" and exit 130, but only once
it runs; the modules it needs take a tenth of a second or two to import, and a Ctrl-C in
that time used to end the program with Python's KeyboardInterrupt traceback. Importing
them here, inside the same handling, closes that window, all but Python's own start-up
and the import of the ``corpuskit`` package and of this small module, which imports only
:mod:`corpuskit.signals` of corpuskit's own before its handling runs (about 15 ms in all
on an idle machine, most of it Python's start-up; more under load).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from types import FrameType

from .signals import Terminated, ending_said, interrupted_status

#: The signals that end a run as Ctrl-C does, rather than at once with whatever it was
#: writing left behind (a build's temporary folder, an export's temporary file).
ENDING_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP")
                       if hasattr(signal, name))  # (no SIGHUP on Windows)


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated(signum)


#: The signals :func:`end_on_termination` handles (not those the caller ignores).
_HANDLED: list[int] = []


def _defaults_in_child() -> None:
    """In a forked worker: the default action again for the signals this process handles
    (its own handling, if any, is the worker's: :func:`corpuskit.forkpool.end_on_interrupt`);
    one the caller ignores stays ignored (``nohup``)."""
    for signum in _HANDLED:
        signal.signal(signum, signal.SIG_DFL)


def end_on_termination() -> None:
    """Have SIGTERM and SIGHUP raise :class:`~corpuskit.errors.Terminated` in the main
    thread, unless they are ignored (``nohup``) or handled already."""
    handled = [signum for signum in ENDING_SIGNALS
               if signal.getsignal(signum) is signal.SIG_DFL and signum not in _HANDLED]
    for signum in handled:
        signal.signal(signum, _terminate)
    if handled and not _HANDLED and hasattr(os, "register_at_fork"):  # (Windows: no fork)
        os.register_at_fork(after_in_child=_defaults_in_child)
    _HANDLED.extend(handled)


#: OpenBLAS, numpy's linear algebra, starts a thread per core when numpy is imported, which
#: spins for a while waiting for work: about 1% of validate's CPU time on two cores. The
#: CLI's numpy work runs in its worker processes, one per core, and the one product it
#: computes (language identification) gives the same bits on one thread as on several: the
#: command runs OpenBLAS on one thread, unless the environment says otherwise.
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "1")


def _ignore_ending_signals() -> None:
    """Once the CLI has returned its status, an ending signal ends nothing: ignored while
    Python exits (QA: a SIGTERM then raised Terminated in the threading module's shutdown,
    "Exception ignored", with a traceback, after a complete release)."""
    for signum in (signal.SIGINT, *_HANDLED):
        with contextlib.suppress(OSError, ValueError):
            signal.signal(signum, signal.SIG_IGN)


#: The signals whose interrupt Python's finalizers swallowed, in order.
LOST_INTERRUPTS: list[int] = []


def keep_interrupts_from_finalizers(unraisable: sys.UnraisableHookArgs) -> None:
    """``sys.unraisablehook``: an interrupt raised while Python ran an object's finalizer
    (a ``__del__``, a weak reference's callback, during a garbage collection the run's
    code happened to start) cannot leave it: Python printed "Exception ignored in ...",
    with a traceback, and went on as if the signal had not come (QA s101: 2 of about 70
    Ctrl-C sent to a release as it wrote its zip, which then finished, exit 0, with that
    traceback and no word of the signal). It is noted instead, and said once the command
    ends (:func:`say_lost_interrupts`). Raising it again from here raised it in this hook,
    which Python reports the same way. Any other unraisable exception is Python's to
    print, as before."""
    if issubclass(unraisable.exc_type, KeyboardInterrupt):
        LOST_INTERRUPTS.append(getattr(unraisable.exc_value, "signum", signal.SIGINT))
        return
    sys.__unraisablehook__(unraisable)


def say_lost_interrupts() -> None:
    """Say, on standard error, the first signal :func:`keep_interrupts_from_finalizers`
    noted: the command did not stop for it, and what it did stands as it says."""
    if LOST_INTERRUPTS:
        name = signal.Signals(LOST_INTERRUPTS[0]).name
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.write(f"note: {name} came while Python was cleaning up an object, "
                             "which no signal interrupts; the command went on to its end, "
                             "and what it says it did stands, complete\n")


def main() -> int:
    """Import the CLI and run it; an interrupt while importing exits 130, quietly, and so
    does one that comes while the CLI says how it ended (in ``cli.main``'s handlers of
    errors, outside the handling of interrupts inside it). SIGTERM and SIGHUP end it the
    same way (:func:`end_on_termination`), with the shell's status for them (143, 129);
    one that came while Python ran a finalizer too (:func:`keep_interrupts_from_finalizers`)."""
    sys.unraisablehook = keep_interrupts_from_finalizers
    try:
        end_on_termination()
        os.environ.setdefault(*BLAS_THREADS)  # before anything imports numpy
        from .cli import main as run
        from .heap import before_exit

        status = run()
        _ignore_ending_signals()
        say_lost_interrupts()
        before_exit()
        return status
    except KeyboardInterrupt as interrupt:
        with contextlib.suppress(OSError, ValueError):  # standard error may be gone too
            sys.stderr.write(f"{ending_said(interrupt)}\n")
        return interrupted_status(interrupt)  # (corpuskit.errors.exit_status's, for it)
