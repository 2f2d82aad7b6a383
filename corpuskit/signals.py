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
