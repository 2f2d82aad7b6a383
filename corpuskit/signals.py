"""The signals that end a run as Ctrl-C does, as an exception: kept apart from
:mod:`corpuskit.errors` so that the console script (:mod:`corpuskit.launch`) can handle
them before anything else is imported (the fewer milliseconds without handling, the
better: a signal then ends Python with a traceback, or outright)."""

from __future__ import annotations

import signal

#: Interrupted (Ctrl-C): the status the shell gives a process SIGINT ends (128 + 2).
EXIT_INTERRUPTED = 128 + signal.SIGINT


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP (``timeout``, a cancelled CI job, systemd, a closed terminal),
    raised in the main thread as Ctrl-C's KeyboardInterrupt is (see
    :func:`corpuskit.launch.main`), so that the run ends as an interrupted one does: its
    temporary files removed, its workers stopped. Its exit status is the shell's for the
    signal, 128 + its number."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def interrupted_status(interrupt: KeyboardInterrupt) -> int:
    """The exit status of a run ``interrupt`` ended: :data:`EXIT_INTERRUPTED` for Ctrl-C,
    the shell's status for the signal of a :class:`Terminated` one (143, 129). The
    interrupts' rows of :func:`corpuskit.errors.exit_status`, here for the console script,
    which handles them before it imports :mod:`corpuskit.errors`."""
    return interrupt.exit_code if isinstance(interrupt, Terminated) else EXIT_INTERRUPTED


def ending_said(interrupt: KeyboardInterrupt) -> str:
    """What the CLI says, last, of a run ``interrupt`` ended."""
    return "corpuskit: terminated" if isinstance(interrupt, Terminated) else "corpuskit: aborted"


#: The signals a run ends on as Ctrl-C does (SIGINT, and SIGTERM and SIGHUP where they exist).
ENDING_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                       if hasattr(signal, name))


class LateSignals:
    """The ending signals that come once a run's work is committed (a release in place):
    noted, not raised, from :meth:`hold` until :meth:`release`, so that the run still
    removes its temporary files and says what it did (QA: Ctrl-C just after a release's
    zip was in place said "aborted", exit 130, for a complete release, and left the
    build's temporary folder, as large as the zip, in the output folder). A signal the
    process ignores stays ignored; only the main thread can hold them (elsewhere, nothing
    is raised in the thread anyway)."""

    def __init__(self) -> None:
        #: The signals that came while held, in order.
        self.came: list[int] = []
        self._saved: dict[int, object] = {}

    def _note(self, signum: int, frame: object) -> None:
        self.came.append(signum)

    def hold(self) -> None:
        """From now on, note the ending signals instead of ending the run."""
        import threading  # (not at the launcher's start: see the module's doc)

        if self._saved or threading.current_thread() is not threading.main_thread():
            return
        for signum in ENDING_SIGNALS:
            if signal.getsignal(signum) not in (signal.SIG_IGN, None):
                self._saved[signum] = signal.signal(signum, self._note)

    def release(self) -> None:
        """Let the ending signals end the run again, as before :meth:`hold`."""
        saved, self._saved = self._saved, {}
        for signum, handler in saved.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]

    def note(self, what: str) -> str | None:
        """What to tell the user, if a signal came while held: that ``what`` stands."""
        if not self.came:
            return None
        name = signal.Signals(self.came[0]).name
        return f"{name} came once {what} was in place: it stands, complete"


def told_when_ended(interrupt: BaseException, note: str, *, replace: bool = False) -> None:
    """Have the CLI say ``note`` when ``interrupt`` (Ctrl-C, :class:`Terminated`; or memory,
    threads or open files run out) ends the run: what it left to finish ("aborted" alone said
    nothing of a release folder left without its zip, QA). Kept as the exception's
    ``__notes__`` (``add_note``); ``replace``: this note instead of those added on the way."""
    if replace:
        interrupt.__notes__ = []
    interrupt.add_note(note)
