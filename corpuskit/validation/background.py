"""A call run in a daemon thread beside the main work, whose result is waited for.

validate checks the descriptor against its schemas (importing jsonschema on first use)
while the workers check the records. An interrupt (Ctrl-C) that reaches the main thread
in the middle of an import can leave that import's lock held, and a thread importing the
same module then waits forever; a pool thread (ThreadPoolExecutor) is joined when the
interpreter exits, so the interrupted validate hung instead of exiting with 130. A daemon
thread is not joined at exit, and the main thread waits for it only on the way to a result,
never while an interrupt is on its way out for longer than :data:`INTERRUPTED_WAIT_SECONDS`.

The interpreter must not be left to exit while the thread still runs, though: a daemon
thread in the middle of an import (jsonschema's, with its compiled extensions) as the
interpreter finalizes crashed it, exit status -11 instead of the command's (5 validate
runs in 200 under load, the clean pass raising at once). Whoever ends early waits for it
as it can (:meth:`Background.wait`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")

#: Seconds an interrupt waits for a background call before going on without it: enough
#: for an import to end, not for one stuck on a lock an interrupted import left held.
INTERRUPTED_WAIT_SECONDS = 1.0


class Background(Generic[T]):
    """``function(*args)`` started at once in a daemon thread."""

    def __init__(self, function: Callable[..., T], *args: Any) -> None:
        self._result: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(function, args), daemon=True,
                                        name="corpuskit-background")
        self._thread.start()

    def _run(self, function: Callable[..., T], args: tuple[Any, ...]) -> None:
        try:
            self._result = function(*args)
        except BaseException as exc:  # handed to the caller of result()
            self._error = exc

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the call has returned, or ``timeout`` seconds at most (an interrupt
        of the wait propagates); whether it has returned."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def result(self) -> T:
        """The call's return value, or its exception raised here, once it has returned."""
        self.wait()
        if self._error is not None:
            raise self._error
        return self._result  # type: ignore[return-value]
