"""Pools of helper threads whose work's lack of memory is the caller's failure.

A task of a :class:`~concurrent.futures.ThreadPoolExecutor` that raises has the pool store
its exception in the task's future (``set_exception``, which allocates: the waiters are
notified through a new deque). A ``MemoryError``'s traceback still holds the task's frames
then, and with them whatever it had allocated before the allocation that failed (the
copying thread's batch of a segment's entries): memory is as short as when the task
failed, the future's ``set_exception`` fails too, and that error reaches the pool's own
handler ("Exception in worker", which logs a traceback: more allocations). Under ``ulimit
-v`` that ended a build in one of two ways (QA s95 build 1, ``build -j 2`` at 300,000 KB):
the handler's traceback printed, or the thread spinning in the interpreter's allocator
inside that handler, holding the GIL, for good (7 runs in 10): the future never done, the
main thread waiting on it and never run again, so SIGTERM's handler never ran either.

:class:`HelperThreads` runs each task so that a ``MemoryError`` is caught in the task,
its traceback (and the frames and buffers it held) let go there, and the error raised
again, alone, for the future to carry: whoever takes the task's result raises it, and the
command says so in one line (:func:`corpuskit.systemlimits.out_of_resources`)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class HelperThreads(ThreadPoolExecutor):
    """A :class:`~concurrent.futures.ThreadPoolExecutor` whose tasks' ``MemoryError`` is
    handed to the future without the memory the task held (see the module)."""

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        return super().submit(run_releasing_memory, fn, args, kwargs)


def run_releasing_memory(fn: Callable[..., T], args: tuple[Any, ...],
                         kwargs: dict[str, Any]) -> T:
    """``fn(*args, **kwargs)``; a ``MemoryError`` it raises is raised again once its
    traceback, and every frame of ``fn`` it kept (with their buffers), is let go."""
    try:
        return fn(*args, **kwargs)
    except MemoryError as exc:
        failed = exc.with_traceback(None)
        failed.__context__ = failed.__cause__ = None
    raise failed  # outside the handler: nothing of the task's frames is held any more
