"""The CLI run in a forked child of the test process: a process of its own (its exit
status, its standard streams, its privileges and limits, its signals), without a new
interpreter's start-up.

A child started with ``subprocess`` spends 0.2-0.5 s importing corpuskit (and decoding
the language model with ``--no-cache``) before the command runs: the suite's children
took about a third of its CPU time, most of it in that. A forked child has all of it
already. It is made to look like a new interpreter's: standard input from the null
device, standard output and error to pipes (UTF-8, as ``PYTHONIOENCODING=utf-8`` gives),
none of the test process's other descriptors, a descriptor closed before the command
(``preexec_fn``) leaves that stream ``None``, the signals as Python started from a
terminal sets them (whatever the test process does with them; a signal ignored by
``preexec_fn`` stays ignored), the environment given. It ends with ``os._exit``: never
back into pytest, none of the test process's exit handlers.

What a new interpreter alone shows (which modules a command imports, what a Ctrl-C during
start-up does, a patch applied before corpuskit is imported) is tested with ``subprocess``.
"""

from __future__ import annotations

import faulthandler
import io
import os
import selectors
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from pathlib import Path
from typing import NoReturn

#: Signals a test process may handle that a new interpreter starts with their default.
_DEFAULT_AT_START = tuple(getattr(signal, name) for name in (
    "SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGCHLD")
    if hasattr(signal, name))
#: Above the highest descriptor the test process may have open.
_MAX_FD = os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 1 << 16
#: Signals Python ignores at start-up.
_IGNORED_AT_START = tuple(getattr(signal, name) for name in ("SIGPIPE", "SIGXFSZ")
                          if hasattr(signal, name))


def _stream(fd: int, mode: str, errors: str) -> io.TextIOWrapper | None:
    """A text stream over ``fd`` as Python makes ``sys.stdin``/``stdout``/``stderr``, or
    None when ``fd`` is not open."""
    try:
        os.fstat(fd)
    except OSError:
        return None
    raw = io.FileIO(fd, mode, closefd=False)
    buffered = io.BufferedReader(raw) if mode == "r" else io.BufferedWriter(raw)
    return io.TextIOWrapper(buffered, encoding="utf-8", errors=errors,
                            line_buffering=fd == 2)


def _cover_inherited() -> None:
    """Point every descriptor from 3 on at the null device rather than closing it.

    An object of the test process that holds one of them (a module's cache of folders held
    open, a file) may close it in the child: closed here, its number went to a file the
    command opened next, which that object then closed under it (builds in a forked
    child failed now and then with "cannot write .../manifest-sha256.txt: Bad file
    descriptor"). Covered, the number stays taken, and such a close closes the null
    device; none of the test process's files is open in the child either way."""
    held = [int(name) for name in os.listdir("/proc/self/fd")] \
        if os.path.isdir("/proc/self/fd") else range(3, _MAX_FD)
    null = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
    for fd in held:
        if fd >= 3 and fd != null:
            with suppress(OSError):  # not open (the listing's own, or no /proc)
                os.fstat(fd)
                os.dup2(null, fd, inheritable=False)
    os.close(null)


def _child(entry: Callable[[], int | None], argv: Sequence[str], env: Mapping[str, str],
           cwd: Path | None, preexec_fn: Callable[[], None] | None, out: int,
           err: int) -> NoReturn:
    status: object = 1
    interrupted = False
    try:
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        os.dup2(out, 1)
        os.dup2(err, 2)
        os.close(out)
        os.close(err)
        faulthandler.disable()
        _cover_inherited()  # as subprocess's close_fds: none of the test process's
        for signum in _DEFAULT_AT_START:
            signal.signal(signum, signal.SIG_DFL)
        if cwd is not None:
            os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        if preexec_fn is not None:
            preexec_fn()
        if signal.getsignal(signal.SIGINT) is signal.SIG_DFL:
            signal.signal(signal.SIGINT, signal.default_int_handler)
        for signum in _IGNORED_AT_START:
            signal.signal(signum, signal.SIG_IGN)
        sys.stdin = _stream(0, "r", "strict")
        sys.stdout = _stream(1, "w", "strict")
        sys.stderr = _stream(2, "w", "backslashreplace")
        sys.argv = list(argv)
        status = entry()
    except SystemExit as end:
        status = end.code
    except BaseException as error:
        traceback.print_exc()
        interrupted = isinstance(error, KeyboardInterrupt)
        status = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                if stream is not None:
                    stream.flush()
            except BaseException:
                pass
        if status is None:
            code = 0
        elif isinstance(status, int):
            code = status & 0xFF
        else:  # sys.exit("message")
            with open(2, "w", closefd=False) as stderr:
                print(status, file=stderr)
            code = 1
        if interrupted:  # as Python ends on a KeyboardInterrupt nothing caught: by SIGINT
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGINT)
        os._exit(code)


def run_forked(entry: Callable[[], int | None], argv: Sequence[str], *,
               env: Mapping[str, str], cwd: Path | None = None,
               preexec_fn: Callable[[], None] | None = None,
               timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``entry()`` (the CLI's main) in a forked child with ``sys.argv`` = ``argv``; its
    exit status and what it wrote, as :func:`subprocess.run` with ``capture_output=True,
    text=True`` gives them (a child killed after ``timeout`` seconds raises
    :class:`subprocess.TimeoutExpired`)."""
    out_read, out_write = os.pipe()
    err_read, err_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(out_read)
        os.close(err_read)
        _child(entry, argv, env, cwd, preexec_fn, out_write, err_write)
    os.close(out_write)
    os.close(err_write)
    chunks: dict[int, list[bytes]] = {out_read: [], err_read: []}
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        for fd in chunks:
            selector.register(fd, selectors.EVENT_READ)
        try:
            while selector.get_map():
                left = deadline - time.monotonic()
                if left <= 0:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    raise subprocess.TimeoutExpired(list(argv), timeout)
                for key, _ in selector.select(left):
                    data = os.read(key.fd, 1 << 16)
                    if data:
                        chunks[key.fd].append(data)
                    else:
                        selector.unregister(key.fd)
        finally:
            os.close(out_read)
            os.close(err_read)
    _, wait_status = os.waitpid(pid, 0)
    return subprocess.CompletedProcess(
        list(argv), os.waitstatus_to_exitcode(wait_status),
        b"".join(chunks[out_read]).decode("utf-8"), b"".join(chunks[err_read]).decode("utf-8"))


def corpuskit_module() -> int | None:
    """What ``python -m corpuskit`` runs."""
    from corpuskit.launch import main

    return main()


def corpuskit_in_child(*args: str | Path, timeout: float = 120
                       ) -> subprocess.CompletedProcess[str]:
    """``python -m corpuskit ARGS`` in a forked child with this process's environment,
    killed (failing the test) if it blocks for ``timeout`` seconds."""
    return run_forked(corpuskit_module, ["corpuskit", *map(str, args)],
                      env=dict(os.environ), timeout=timeout)
