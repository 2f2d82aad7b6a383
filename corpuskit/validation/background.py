"""A call run in a daemon thread beside the main work, whose result is waited for.

validate checks the descriptor against its schemas (importing jsonschema on first use)
while the workers check the records. An interrupt (Ctrl-C) that reaches the main thread
in the middle of an import can leave that import's lock held, and a thread importing the
same module then waits forever; a pool thread (ThreadPoolExecutor) is joined when the
interpreter exits, so the interrupted validate hung instead of exiting with 130. A daemon
thread is not joined at exit, and the main thread waits for it only on the way to a result,
never while an interrupt is on its way out.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


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

    def wait(self) -> None:
        """Wait until the call has returned (an interrupt of the wait propagates)."""
        self._thread.join()

    def result(self) -> T:
        """The call's return value, or its exception raised here, once it has returned."""
        self.wait()
        if self._error is not None:
            raise self._error
        return self._result  # type: ignore[return-value]
