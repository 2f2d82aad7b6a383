"""The system's limits a run meets (``ulimit``): which resource a failure says ran out
(memory, open files, threads), what to tell the user to do about it, and the worker
processes of the run under way, on which that advice depends.

Kept apart from :mod:`corpuskit.errors`, which holds the exceptions and exit statuses: the
error of a run out of resources is its :class:`~corpuskit.errors.OutOfResources`.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .errors import OutOfResources

_resource: Any
try:  # imported now: with no descriptor left, importing it would fail (QA: ulimit -n 14)
    import resource as _resource
except ImportError:  # (Windows)
    _resource = None


#: The resources :func:`exhausted_resource` tells apart.
MEMORY, OPEN_FILES, THREADS = "memory", "open files", "threads"


def exhausted_resource(error: BaseException) -> str | None:
    """The resource whose lack ``error`` is (:data:`MEMORY`, :data:`OPEN_FILES`,
    :data:`THREADS`), or None for any other error: the failures of a process under a low
    ``ulimit -v`` or ``-n`` that met no stage foreseeing them (QA: a traceback each)."""
    if isinstance(error, MemoryError):
        return MEMORY
    if isinstance(error, OSError):
        return {errno.EMFILE: OPEN_FILES, errno.ENFILE: OPEN_FILES,
                errno.ENOMEM: MEMORY}.get(error.errno or 0)
    if isinstance(error, RuntimeError) and str(error) == "can't start new thread":
        return THREADS
    if isinstance(error, ImportError) and _MAP_FAILED in str(error):
        return MEMORY  # a shared library that could not be mapped (dlopen's message)
    if isinstance(error, LookupError) and _codec_failed_to_load(error):
        return MEMORY
    return None


#: dlopen's message for a library it could not map into memory (under ``ulimit -v``).
_MAP_FAILED = "failed to map segment from shared object"


def _codec_failed_to_load(error: LookupError) -> bool:
    """Whether ``error`` is Python's "unknown encoding: NAME" for a codec Python has: its
    module failed to import (an extension module not mapped for lack of memory), which
    the codec registry reports as if the encoding did not exist (QA: shift_jis)."""
    prefix = "unknown encoding: "
    message = str(error)
    if not message.startswith(prefix):
        return False
    try:
        from encodings import aliases, normalize_encoding
        from importlib.util import find_spec

        name = normalize_encoding(message[len(prefix):]).lower()
        return find_spec(f"encodings.{aliases.aliases.get(name, name)}") is not None
    except Exception:  # (short of memory to find out: not said to be one)
        return False


#: What to do where a process may open no more files.
RAISE_OPEN_FILES = "raise the limit (ulimit -n 1024 or more)"


#: The worker processes of the command under way (its ``--jobs``, or the cores it
#: defaults to), set by the CLI for the whole command once its options are read
#: (:func:`jobs_of_run`); None where it takes no ``--jobs`` or none is under way. Read
#: where a file cannot be written for lack of descriptors, far below any function that is
#: told the jobs, and where the CLI says what ran out (:func:`out_of_resources`).
_run_jobs: int | None = None


@contextmanager
def jobs_of_run(jobs: int | None) -> Iterator[None]:
    """The command's work, run with ``jobs`` worker processes (None: it takes no
    ``--jobs``): what :func:`open_files_advice` and :func:`out_of_resources` advise
    depends on them. A module's variable, not a context variable: the threads that write
    files start with a context of their own, and the worker processes forked meanwhile
    keep it."""
    global _run_jobs
    earlier, _run_jobs = _run_jobs, jobs
    try:
        yield
    finally:
        _run_jobs = earlier


def run_jobs() -> int | None:
    """The worker processes of the command being run, as :func:`jobs_of_run` set them:
    None for a command without ``--jobs`` (export, info, diff) and for a library call
    (``load()``), which no ``--jobs`` advice fits."""
    return _run_jobs


def fewer_jobs_advice(jobs: int | None) -> str:
    """``, or run with fewer --jobs (-j 1)`` for a run of ``jobs`` worker processes (None:
    a command without ``--jobs``), where fewer would need less; ``""`` for a run of one,
    which cannot have fewer (QA: ``-j 1`` under ``ulimit -v`` was told to use ``-j 1``)."""
    return ", or run with fewer --jobs (-j 1)" if jobs is not None and jobs > 1 else ""


def open_files_advice() -> str:
    """``; <what to do>`` for a file that could not be opened for lack of descriptors,
    in a command run with the jobs :func:`jobs_of_run` set."""
    return (f"; this process may open no more files{_limit('-n', 'RLIMIT_NOFILE', 1)}: "
            f"{RAISE_OPEN_FILES}{fewer_jobs_advice(_run_jobs)}, then run the command again")


def size_limit_advice(exc: OSError) -> str:
    """``; <what to do>`` for a write over the size limit of the process or the file
    system (EFBIG); ``""`` for any other error. Also said where standard output is
    written, which a CI job redirects to a file (QA: s77 newc 6, "File too large" alone)."""
    if exc.errno != errno.EFBIG:
        return ""
    return ("; the file is larger than this process may write (its limit on the size of "
            "a file, ulimit -f) or than the file system takes: raise the limit (ulimit -f "
            "unlimited), or write to another file system, then run the command again")


def ran_out(resource: str, doing: str = "", detail: str = "", *, jobs: int | None
            ) -> OutOfResources:
    """The error of a run that ran out of ``resource`` (see :func:`exhausted_resource`)
    ``doing`` something (``"while starting 2 worker processes"``): what ran out, the limit
    that set it, and what to do. ``detail``: what failed, said after; ``jobs``: the
    worker processes the run used, fewer of which need less where there are two or more
    (None: the command takes no ``--jobs``)."""
    doing = f" {doing}" if doing else ""
    detail = f" ({detail})" if detail else ""
    if resource == OPEN_FILES:
        said = (f"too many open files{_limit('-n', 'RLIMIT_NOFILE', 1)}{doing}{detail}: "
                f"{RAISE_OPEN_FILES}")
    elif resource == THREADS:
        said = (f"the system refused to start a thread{doing}{detail}: it ran out of memory "
                f"for the thread's stack{_limit('-v', 'RLIMIT_AS', 1024)}, or of the "
                f"processes and threads it allows{_limit('-u', 'RLIMIT_NPROC', 1)}: raise "
                "that limit (ulimit -v, or -u)")
    else:
        said = (f"ran out of memory{_limit('-v', 'RLIMIT_AS', 1024)}{doing}{detail}: give "
                "the process more memory (raise ulimit -v)")
    return OutOfResources(f"{said}{fewer_jobs_advice(jobs)}, then run the command again")


def memory_limit() -> str:
    """`` (ulimit -v 150000)``: the process's limit on its memory as ``ulimit -v`` shows it,
    or ``""`` where it has none."""
    return _limit("-v", "RLIMIT_AS", 1024)


def _limit(option: str, name: str, unit: int) -> str:
    """`` (ulimit -n 15)``: the process's soft limit ``name`` as ``ulimit option`` shows it
    (in units of ``unit`` bytes), or ``""`` where there is none or it cannot be read."""
    if _resource is None:
        return ""
    try:
        soft = _resource.getrlimit(getattr(_resource, name))[0]
    except (AttributeError, OSError, ValueError):  # (no such limit here)
        return ""
    if soft == _resource.RLIM_INFINITY:
        return ""
    return f" (ulimit {option} {soft // unit})"


def out_of_resources(error: BaseException) -> OutOfResources | None:
    """``error``, a lack of memory, open files or threads, as the one-line error that says
    it (with the notes of what the run left to finish: see
    :func:`corpuskit.signals.told_when_ended`); None for any other error. Fewer jobs is
    advice only in a run of two or more worker processes (:func:`jobs_of_run`)."""
    resource = exhausted_resource(error)
    if resource is None:
        return None
    said = ran_out(resource, detail=_failed_part(error), jobs=_run_jobs)
    notes = getattr(error, "__notes__", ())
    return OutOfResources("; ".join([str(said), *notes])) if notes else said


def _failed_part(error: BaseException) -> str:
    """What failed, where the resource's name alone does not say it: a library or codec
    that could not be loaded (its message), not a bare MemoryError or EMFILE."""
    if not isinstance(error, (ImportError, LookupError)):
        return ""
    message = str(error)
    # numpy wraps dlopen's words in a page of advice on a bad install, quoted whole in the
    # one line (QA: diff under ulimit -v): the line that says what was not mapped.
    mapped = [line for line in message.splitlines() if _MAP_FAILED in line]
    return mapped[0].removeprefix("Original error was: ").strip() if mapped else message
