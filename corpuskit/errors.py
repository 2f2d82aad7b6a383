"""Exceptions corpuskit raises on purpose, and the one place that maps them to exit codes.

Library functions raise these; the CLI catches them in :func:`exit_code_for` and never
shows a traceback for them. Anything else escaping is a bug in corpuskit.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .problems import Problem, ordered
from .signals import EXIT_INTERRUPTED as EXIT_INTERRUPTED
from .signals import Terminated as Terminated
from .wording import counted

_resource: Any
try:  # imported now: with no descriptor left, importing it would fail (QA: ulimit -n 14)
    import resource as _resource
except ImportError:  # (Windows)
    _resource = None

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
#: stdout was closed by its reader (``corpuskit info ... | head -1``): the status of a
#: process a broken pipe ends (128 + SIGPIPE), not "problems found".
EXIT_PIPE_CLOSED = 141


class CorpuskitError(Exception):
    """Base class: a failure corpuskit understands and can explain in one message."""

    exit_code = EXIT_PROBLEMS


class InputError(CorpuskitError):
    """The input (seeds folder, corpus.toml, a package) has problems; nothing was written."""

    def __init__(self, problems: Sequence[Problem], summary: str = "",
                 skipped: Sequence[tuple[str, str]] = (), notes: Sequence[str] = ()) -> None:
        self.problems = tuple(ordered(problems))
        #: The files the run skipped (hidden, excluded), ``(path, reason)``: said on a
        #: failure too, as they may be why a document is missing.
        self.skipped = tuple(skipped)
        #: What the run would have noted had it succeeded (a ``discover.exclude`` pattern
        #: that matched nothing as written): said on a failure too, as it may be why a
        #: refused file was not kept out (QA: seeds 1).
        self.notes = tuple(notes)
        count = len(self.problems)
        self.summary = summary or f"{counted(count, 'problem')} found"
        super().__init__(self.summary)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled (a worker's error, sent to the build's process) as it is, never made
        again through ``__init__``: exceptions are unpickled by calling their class with
        their ``args`` (here the summary alone, which ``__init__`` would take for the
        problems), which a subclass's own ``__init__`` may not even take."""
        return (_restored, (type(self), self.args, self.__dict__))

    def __str__(self) -> str:
        """The summary and the first problems, each naming its file: what a caller of the
        library sees (the CLI prints the summary after one line per problem)."""
        if not self.problems:
            return self.summary
        shown = "; ".join(problem.render() for problem in self.problems[:_SHOWN])
        more = len(self.problems) - _SHOWN
        return f"{self.summary}: {shown}" + (f"; and {more} more" if more > 0 else "")


#: Problems named in the message of an :class:`InputError`.
_SHOWN = 3


def _restored(kind: type[InputError], args: tuple[Any, ...], state: dict[str, Any]
              ) -> InputError:
    """An :class:`InputError` (of class ``kind``) as it was pickled (see its ``__reduce__``)."""
    error = kind.__new__(kind, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class ReleaseProblems(InputError):
    """Problems of a release in the output folder that a command must read (the release a
    build finds there already, the earlier one a release is diffed against), named under
    the output folder as given (``dist/x-1.0.0/README.md``), not relative to the seeds."""


class OutputError(CorpuskitError):
    """The output could not be written (read-only, disk full, ...); nothing half-written.
    ``errno``: the system's error number, when a system call failed."""

    errno: int | None = None


class ReleaseExistsError(CorpuskitError):
    """A release with this version exists with other content; releases are immutable."""


class UnreadableRelease(ReleaseProblems):
    """A release already in the output folder (its folder, its zip, a file in it) that
    this user may not read: its permissions are at fault, not its content, so it is
    neither called changed nor damaged. Its problems name it as given (``dist/x-1.0.0``),
    not relative to the seeds."""


class ReleaseError(CorpuskitError):
    """A release was refused (bump too small, nothing changed, ...); nothing was written."""


class WorkerDied(CorpuskitError):
    """A worker process died (killed by a signal, out of memory) before finishing its work:
    what it was doing is lost, so the command stops instead of waiting for it."""


class OutOfMemory(CorpuskitError):
    """A check ran out of memory (a ``MemoryError``): the run failed, not the package, which
    is neither valid nor invalid for it."""


class OutOfResources(CorpuskitError):
    """The system refused the run something it needed: memory, an open file, a thread
    (:func:`ran_out`). The run failed, not its input, which is neither found good nor bad
    for it; what a limit (``ulimit``) or fewer ``--jobs`` changes, not corpuskit."""


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
#: defaults to), set by the CLI for the command's work (:func:`jobs_of_run`); None where
#: it takes no ``--jobs`` or none is under way. Read where a file cannot be written for
#: lack of descriptors, far below any function that is told the jobs.
_run_jobs: int | None = None


@contextmanager
def jobs_of_run(jobs: int | None) -> Iterator[None]:
    """The command's work, run with ``jobs`` worker processes (None: it takes no
    ``--jobs``): what :func:`open_files_advice` advises depends on them. A module's
    variable, not a context variable: the threads that write files start with a context
    of their own, and the worker processes forked meanwhile keep it."""
    global _run_jobs
    earlier, _run_jobs = _run_jobs, jobs
    try:
        yield
    finally:
        _run_jobs = earlier


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


class FileChanged(CorpuskitError):
    """A file a build made or took from its cache (a shard's records, its archive pieces)
    changed while the build used it: another process wrote into it. Nothing is written;
    the build can be run again (a changed cache entry is a miss then)."""


class ProblemsFound(CorpuskitError):
    """A report holds problems (validate, check): exit status 1 once it has been shown."""

    exit_code = EXIT_PROBLEMS


class UsageError(CorpuskitError):
    """The command was called wrongly (bad argument combination, unknown target kind), or
    so that it cannot run here (the temporary folder inside the seeds, an extra not
    installed); the CLI's exit 2. Exported by ``corpuskit``: library functions raise it
    (QA: library 4); a value an argument does not take is its :class:`ArgumentError`, a
    ``ValueError`` too."""

    exit_code = EXIT_USAGE


class ArgumentError(UsageError, ValueError):
    """A library function was given a value one of its parameters does not take (an
    unknown engine, format or bump, a jobs count out of range, a scheduler address of no
    such form), or arguments that exclude each other. One rule across the library: such
    misuse is a :class:`ValueError`, as ``validate(fast=True, reproduce=True)`` raises
    (a value of the wrong type is a :class:`TypeError`), and a usage error (exit 2) where
    the CLI's options gave it (QA: api 5: ``load``'s conflict was a UsageError, which
    ``corpuskit`` does not export, where ``validate``'s was a ValueError)."""


class FileNamesMisread(UsageError):
    """Python was told to read file names in an encoding other than UTF-8 (the locale's,
    with PYTHONUTF8 unset or 0), and a folder to be read holds UTF-8 names it cannot
    decode: run as the message says. Nothing is judged of the folder, which is not at
    fault (a package read so would look tampered with: its manifests name files that
    seem not to be there)."""


def exit_code_for(error: BaseException) -> int:
    """The process exit status for an error raised by the library."""
    if isinstance(error, CorpuskitError):
        return error.exit_code
    raise error


class OutputClosed(CorpuskitError):
    """stdout's reader closed it before corpuskit had written everything."""

    exit_code = EXIT_PIPE_CLOSED
