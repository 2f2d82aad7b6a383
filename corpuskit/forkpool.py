"""Worker processes forked from this one, each fed through pipes of its own.

``validate`` hands a few hundred blocks of records to two or more workers. A
``multiprocessing.Pool`` runs three threads in the parent for that, and one of them wakes
on every result to look after the workers: about a fifth of a second of CPU for 100,000
records, taken from the cores that check them. Worse, a worker killed by a signal or the
OOM killer leaves its task's result waiting forever, and ``validate`` with it.

:class:`ForkPool` keeps the parent lean and the failure loud:

- Each worker has a pipe for its tasks and one for its results. Results are read by the
  thread that asks for them (:meth:`Pending.get`, :meth:`Pending.ready`); only the
  sending of tasks runs in a thread of its own, so that the parent never waits to send a
  large task (an archive's block of records) while the worker waits to send its result.
- Whoever waits for a result also takes in every other result that is ready, so no worker
  ever waits long on a full result pipe.
- A worker that dies (its result pipe ends) raises :class:`~corpuskit.errors.WorkerDied`
  in whoever waits for one of its results; a parent that dies ends its workers' task
  pipes, and they exit.

Tasks are module-level functions and their arguments (pickled by reference, as for any
pool); a task's exception is raised again in the parent, with the worker's traceback as
its cause. Fork only: the workers share the parent's memory as it was when they started.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from multiprocessing.connection import Connection, wait
from queue import SimpleQueue
from typing import Any, Generic, TypeVar

from .cores import may_start_processes
from .errors import WorkerDied
from .parentdeath import end_with_parent

T = TypeVar("T")

#: The signals that end a worker as Ctrl-C does: SIGINT, and SIGTERM and SIGHUP, which
#: ``timeout``, systemd and a closed terminal send to the whole process group (the
#: parent's own handling: :mod:`corpuskit.launch`). Each is blocked and handled alike.
ENDING = frozenset(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                   if hasattr(signal, name))  # (no SIGHUP on Windows)

#: A task's outcome as a worker sends it: ``(True, result, "")`` or
#: ``(False, exception, the worker's traceback)``.
Outcome = tuple[bool, Any, str]


def quit_on_interrupt(signum: int, frame: object) -> None:
    """Ctrl-C in a worker (the terminal signals the whole process group): the parent
    reports the abort; an idle worker printed a KeyboardInterrupt traceback of its own.
    SystemExit ends a worker silently, and releases the locks it holds on the way. A
    signal after the first (:func:`end_on_interrupt` sends more) is let pass: the worker
    is ending already.

    From then on the worker writes nothing to standard error: a pool's worker whose task
    the SystemExit ended goes on to its next message until it ends, and one read what
    another worker, ended halfway through reading it, had left of a message: its
    ``EOFError`` traceback followed "corpuskit: aborted" (1 Ctrl-C in 30)."""
    if _INTERRUPTED[0]:
        return
    _INTERRUPTED[0] = True
    _quiet_standard_error()
    raise SystemExit(128 + signum)


def _quiet_standard_error() -> None:
    """Point this process's standard error (file descriptor 2) at the null device, if it
    is its standard error: in a process started without one (``2>&-``), descriptor 2 is
    the first file it opened, which stays as it is (QA s87: the Parquet comparison's child
    read the archive, or the records, as the null device: an intact release with Parquet
    failed validation, "pyarrow aborted" or "Bad file descriptor")."""
    if not _has_standard_error():
        return
    try:
        null = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    try:
        os.dup2(null, 2)
    except OSError:
        pass
    finally:
        os.close(null)


def _has_standard_error() -> bool:
    """Whether descriptor 2 is this process's standard error: Python found it open at
    start-up (else ``sys.__stderr__`` is None, and 2 is free for the next file opened)."""
    stream = sys.__stderr__
    try:
        return stream is not None and stream.fileno() == 2
    except (OSError, ValueError, AttributeError):  # closed, or no descriptor behind it
        return False


#: Whether :func:`quit_on_interrupt` ran in this process.
_INTERRUPTED = [False]
#: Seconds between the signals :func:`end_on_interrupt`'s thread sends the main thread,
#: how many it sends at most, and the seconds it then gives the worker to end.
_NUDGE_SECONDS = 0.05
_NUDGES = 20
_GRACE_SECONDS = 1.0


def end_on_interrupt() -> None:
    """Make Ctrl-C end this worker (:func:`quit_on_interrupt`) whenever it comes, within
    about a second at most. Call it in the worker's main thread.

    Python runs a signal's handler in the main thread when that thread next runs Python
    code, which goes wrong two ways in a pool's worker (each seen under load, once in 10
    to 40 tries: a worker still alive 10 s after Ctrl-C):

    - the signal comes after the thread last looked and before it blocks (in
      ``sem_wait`` for a queue's lock, in a ``read`` for its next task): it is only
      noted, and the wait goes on, the handler not run;
    - the handler runs while the worker sends back a result, and the pool's code catches
      its SystemExit (``except BaseException``) as the task's error: the worker goes on.

    So Python also writes each signal's number to a pipe (``signal.set_wakeup_fd``), which
    a thread of the worker reads. After SIGINT it sends SIGINT to the main thread, every
    50 ms until the handler has run (each one ends the thread's wait: EINTR), gives the
    worker a second to end, and ends it with :func:`os._exit` if it has not (with the exit
    status the handler gives). The thread blocks SIGINT itself, as the worker's other
    threads do (:func:`threads_without_interrupt`).

    A worker whose parent ignores Ctrl-C (a job a non-interactive shell started in the
    background: POSIX has it ignore SIGINT) ignores it too: its own handler ended the
    workers under a parent that went on, which then failed with a traceback or hung.

    SIGTERM and SIGHUP (:data:`ENDING`) are handled alike, unless ignored (``nohup``):
    ``timeout`` and systemd signal the whole process group, and a worker that SIGTERM
    ended outright, in the middle of its task, left the parent's pool in a state where
    the build hung (its own handling: :mod:`corpuskit.launch`)."""
    ending = sorted(signum for signum in ENDING
                    if signal.getsignal(signum) is not signal.SIG_IGN)
    if not ending:
        return
    _INTERRUPTED[0] = False
    reader, writer = os.pipe()
    os.set_blocking(writer, False)
    for signum in ending:
        signal.signal(signum, quit_on_interrupt)
    signal.set_wakeup_fd(writer, warn_on_full_buffer=False)
    main = threading.main_thread().ident
    assert main is not None
    with threads_without_interrupt():
        threading.Thread(target=_end_after_interrupt, args=(reader, main, frozenset(ending)),
                         daemon=True, name="corpuskit-interrupt").start()


def _end_after_interrupt(reader: int, main: int, ending: frozenset[int]) -> None:
    while True:
        try:
            noted = os.read(reader, 64)
        except OSError:
            return
        if not noted:
            return
        came = [signum for signum in noted if signum in ending]
        if came:
            break
    for _ in range(_NUDGES):
        if _INTERRUPTED[0]:
            break
        signal.pthread_kill(main, came[0])
        time.sleep(_NUDGE_SECONDS)
    time.sleep(_GRACE_SECONDS)
    os._exit(128 + came[0])


def _block_interrupt() -> None:
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, ENDING)


def unblock_interrupt() -> None:
    """Let this thread take the ending signals (:data:`ENDING`) again: a worker forked
    with them blocked (:meth:`ForkPool.__init__`, :func:`corpuskit.engine.local_pool`)
    calls it once its own handling is set (:func:`end_on_interrupt`); a signal that came
    meanwhile is handled then."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, ENDING)


@contextmanager
def threads_without_interrupt() -> Iterator[None]:
    """Threads started in the block never take SIGINT: the kernel hands a signal sent to
    the process to any thread that does not block it, and Python runs its handler in the
    main thread only once that thread next runs Python code. A worker's main thread
    waiting for work in a ``read`` is woken (EINTR) only if the signal is its own: taken
    by a helper thread, it stayed pending while the worker waited on, and Ctrl-C left
    workers behind (seen in CI: an idle worker still alive 10 s after SIGINT). Threads
    inherit the mask of the thread that starts them; the caller's is restored after."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, ENDING)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


class RemoteTraceback(Exception):
    """The traceback of an exception raised in a worker (the cause of its copy)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def _serve(tasks: Connection, results: Connection, inherited: list[Connection],
           initializer: Callable[[], None] | None, parent: int) -> None:
    """A worker: run the tasks that come, in order, and send each outcome back, until the
    parent says stop (None) or is gone (its end of the task pipe closed, or, on Linux, at
    once: a worker that does not read its pipe, stuck, outlived a parent killed with
    SIGKILL, QA)."""
    end_with_parent(parent)
    # The parent's ends of the pipes (this worker's and those of the workers before it):
    # held here too, they would keep this worker from seeing the parent go (no end of its
    # tasks, no broken result pipe).
    for connection in inherited:
        connection.close()
    end_on_interrupt()
    unblock_interrupt()
    if initializer is not None:
        initializer()
    while True:
        try:
            task = tasks.recv()
        except EOFError:
            return
        if task is None:
            return
        function, args = task
        try:
            outcome: Outcome = (True, function(*args), "")
        except Exception as error:
            outcome = (False, error, traceback.format_exc())
        try:
            try:
                results.send(outcome)  # pickled whole before a byte is written
            except OSError:
                raise
            except Exception as error:  # a result or an exception that cannot be pickled
                name = getattr(function, "__name__", function)
                results.send((False, RuntimeError(f"{name}: cannot send its outcome: "
                                                  f"{error}"), ""))
        except OSError:  # the parent is gone (a broken pipe): nobody to tell
            return


def _out_of_memory() -> None:
    """The task a worker runs in place of one the parent ran out of memory sending."""
    raise MemoryError


class Pending(Generic[T]):
    """The result of a task given to a :class:`ForkPool`, once its worker sends it."""

    def __init__(self, worker: _Worker, weight: int = 1) -> None:
        self._worker = worker
        #: The work it stands for, as :meth:`ForkPool.apply_async` was told.
        self.weight = weight
        self._done = False
        self._outcome: Outcome = (False, None, "")

    def _settle(self, outcome: Outcome) -> None:
        self._outcome = outcome
        self._done = True

    def ready(self) -> bool:
        """Whether the result is in (takes in what the workers sent; never waits)."""
        if not self._done:
            self._worker.pool.take_ready()
        return self._done

    def get(self) -> T:
        """The result: waits for it, and raises the task's exception if it raised one."""
        while not self._done:
            self._worker.pool.take_next(self._worker)
        ok, value, remote = self._outcome
        if ok:
            result: T = value
            return result
        if remote:
            raise value from RemoteTraceback(remote)
        raise value


class _Worker:
    """One worker process, its two pipes, and its tasks in the order it got them."""

    def __init__(self, pool: ForkPool, process: Any, tasks: Connection,
                 results: Connection) -> None:
        self.pool = pool
        self.process = process
        self.tasks = tasks
        self.results = results
        self.waiting: deque[Pending[Any]] = deque()
        #: The weights of the tasks waiting (their count where none was given).
        self.load = 0

    def take(self) -> None:
        """Read one outcome (waits for it) and settle the oldest task waiting for it."""
        try:
            outcome: Outcome = self.results.recv()
        except (EOFError, OSError):  # the pipe ended, or in the middle of an outcome
            self.process.join(timeout=1)
            code = self.process.exitcode
            if code is None or code >= 0:  # it may have ended because another was killed:
                code = next((other.process.exitcode for other in self.pool._workers
                             if (other.process.exitcode or 0) < 0), code)  # name that one
            how = (f"killed by signal {-code}" if code is not None and code < 0
                   else f"exit status {code}" if code is not None else "no longer answering")
            # fewer --jobs only where there were two or more (QA: -j 1 told to use -j 1)
            fewer = (" (with fewer --jobs if memory is short)"
                     if len(self.pool._workers) > 1 else "")
            died = WorkerDied(f"a worker process died ({how}; killed, or out of memory?) "
                              f"before finishing its work; run the command again{fewer}")
            # Its tasks are settled with its death: waiting no more, it is not read again
            # when another worker's outcome is awaited (which then came in as a second
            # death, where the other worker's outcome came in after the first: a flaky
            # test).
            for pending in self.waiting:
                pending._settle((False, died, ""))
            self.waiting.clear()
            self.load = 0
            raise died from None
        done = self.waiting.popleft()
        self.load -= done.weight
        done._settle(outcome)


#: How long :meth:`ForkPool.terminate` waits for the sending thread to finish.
SENDER_GRACE_SECONDS = 5.0


class ForkPool:
    """``processes`` workers forked now, each running ``initializer`` first.

    :meth:`apply_async` hands a task to the worker with the least waiting; :meth:`imap`
    runs a function over many inputs, in order. :meth:`close` (or leaving a ``with``
    block) lets the workers finish and exit; :meth:`terminate` stops them at once.
    """

    def __init__(self, processes: int,
                 initializer: Callable[[], None] | None = None) -> None:
        context = multiprocessing.get_context("fork")
        self._workers: list[_Worker] = []
        self._outbox: SimpleQueue[tuple[Connection, Any] | None] = SimpleQueue()
        opened: list[Connection] = []
        # Ctrl-C while a worker is being forked would interrupt what runs in it before
        # its own handler is set (at-fork hooks print "Exception ignored"): the signal
        # waits, in the parent and the worker, until each is ready for it.
        _block_interrupt()
        try:
            for _ in range(processes):
                task_reader, task_writer = context.Pipe(duplex=False)
                result_reader, result_writer = context.Pipe(duplex=False)
                process = context.Process(
                    target=_serve, daemon=True,
                    args=(task_reader, result_writer,
                          [*opened, task_writer, result_reader], initializer,
                          os.getpid()))
                process.start()
                task_reader.close()
                result_writer.close()
                opened += (task_writer, result_reader)
                self._workers.append(_Worker(self, process, task_writer, result_reader))
        except BaseException:
            self.terminate()
            raise
        finally:
            unblock_interrupt()
        self._sender = threading.Thread(target=self._send_all, daemon=True,
                                        name="corpuskit-task-sender")
        self._sender.start()

    def __enter__(self) -> ForkPool:
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        if kind is None:
            self.close()
        else:
            self.terminate()

    def _send_all(self) -> None:
        """The sending thread: tasks in the order they were given, each to its worker."""
        while (item := self._outbox.get()) is not None:
            connection, task = item
            with suppress(OSError):  # the worker is gone: reading its outcome reports it
                try:
                    connection.send(task)
                except MemoryError:  # pickling the task (a block of records) ran out:
                    # its worker is sent a task that raises it instead, whose outcome the
                    # parent takes in its place, as of a task that raised (escaping, it
                    # printed a traceback, and the parent waited for that outcome for
                    # good; QA s95 build 2)
                    connection.send((_out_of_memory, ()))

    def apply_async(self, function: Callable[..., T], args: tuple[Any, ...] = (), *,
                    weight: int = 1) -> Pending[T]:
        """Run ``function(*args)`` on the worker with the least work waiting: the sum of
        its tasks' ``weight`` (by default their count), then the fewest tasks.

        A task is handed out when it is given, not when a worker is free, so tasks of
        very different sizes need their weights: counted alone, a block of records of
        8.7 MB weighed as much as one of 1 MB, and the blocks given to its worker after
        it waited behind it while the other worker ran out of work (validate of Debian's
        documentation: one worker busy 2.6 times as long as the other)."""
        worker = min(self._workers,
                     key=lambda candidate: (candidate.load, len(candidate.waiting)))
        pending: Pending[T] = Pending(worker, weight)
        worker.waiting.append(pending)
        worker.load += weight
        self._outbox.put((worker.tasks, (function, args)))
        return pending

    def imap(self, function: Callable[[Any], T], inputs: Iterable[Any],
             ahead: int = 2) -> Iterator[T]:
        """``function(x)`` for each of ``inputs``, in order, with up to ``ahead`` tasks
        per worker given out at a time."""
        pending: deque[Pending[T]] = deque()
        limit = ahead * len(self._workers)
        for item in inputs:
            pending.append(self.apply_async(function, (item,)))
            if len(pending) >= limit:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()

    def take_ready(self) -> None:
        """Settle every task whose outcome has come in (never waits)."""
        for worker in self._workers:
            while worker.waiting and worker.results.poll(0):
                worker.take()

    def take_next(self, worker: _Worker) -> None:
        """Wait until ``worker`` sends an outcome, and take in the others' on the way."""
        if not worker.waiting:
            raise RuntimeError("a result was awaited from a worker with no task")
        busy = {w.results: w for w in self._workers if w.waiting}
        for ready in wait(list(busy)):
            busy[ready].take()  # type: ignore[index]

    def close(self) -> None:
        """Let the workers finish what they were given (their outcomes are taken in,
        unless a worker died), then end them."""
        if not self._workers:
            return
        for worker in self._workers:
            self._outbox.put((worker.tasks, None))
        self._outbox.put(None)
        try:
            while busy := [worker for worker in self._workers if worker.waiting]:
                self.take_next(busy[0])
        except WorkerDied:
            self.terminate()
            return
        self._sender.join()
        for worker in self._workers:
            worker.process.join()
            self._end(worker)
        self._workers = []

    def terminate(self) -> None:
        """Stop the workers now (what they were doing is lost).

        The sending thread is waited for before the pipes are closed: it may still hold
        tasks or stop signals for the workers, and a pipe's descriptor, once closed, is
        soon another's (the next pool's). A stop signal written by a thread that took the
        number before the close went to the next pool's worker, which ended at once with
        its task unread ("a worker process died (exit status 0)"), or to a pipe of
        outcomes, where the parent read ``None`` for one (a TypeError): under load, about
        one validate in 40 whose workers were killed."""
        self._outbox.put(None)
        for worker in self._workers:
            if worker.process.is_alive():
                worker.process.kill()
        for worker in self._workers:
            worker.process.join()
        sender = getattr(self, "_sender", None)  # none yet if forking failed
        if sender is not None:
            # The workers are gone: what it still sends fails at once (a pipe with no
            # reader), unless a process forked elsewhere meanwhile holds a reading end and
            # the pipe is full: then a bounded wait, rather than a hang, and the task
            # pipes are left open (a leak, not a write under a number reused).
            sender.join(timeout=SENDER_GRACE_SECONDS)
        still_sending = sender is not None and sender.is_alive()
        for worker in self._workers:
            self._end(worker, tasks=not still_sending)
        self._workers = []

    @staticmethod
    def _end(worker: _Worker, tasks: bool = True) -> None:
        """Close the worker's pipes (its task pipe only if ``tasks``) and its process."""
        if tasks:
            worker.tasks.close()
        worker.results.close()
        worker.process.close()


#: The modules the document pipeline imports as it runs (the language model's, the rights
#: patterns' matcher): what the workers of a build, of a seeds folder's validation and of
#: --reproduce import.
PIPELINE_MODULES = ("corpuskit.decoding.decode", "corpuskit.records",
                    "corpuskit.languageid.fastlangid", "corpuskit.languageid.languagemodel",
                    "py3langid", "regex")


def import_before_forking(modules: Iterable[str] = PIPELINE_MODULES) -> None:
    """Import ``modules`` now, if threads other than this one run: workers are about to be
    forked that import them. A module another thread is importing when a worker is forked
    stays locked in the worker: two validations in threads of one program, one of them
    --reproduce, hung for good, a worker waiting for the lock of corpuskit.languageid.fastlangid
    (QA). With no other thread, nothing can hold such a lock, and a build's parent keeps
    from importing the pipeline (about 70 ms) that its workers may never need."""
    if threading.active_count() > 1:
        for name in modules:
            importlib.import_module(name)


def fork_available() -> bool:
    """Whether this process can fork workers: not on Windows, nor in a daemonic process
    (:func:`~corpuskit.cores.may_start_processes`)."""
    return "fork" in multiprocessing.get_all_start_methods() and hasattr(os, "fork") \
        and may_start_processes()
