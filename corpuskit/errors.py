"""Exceptions corpuskit raises on purpose, their exit codes, and the one place that maps
an error that ended a run to the process's exit status (:func:`exit_status`).

Library functions raise these; the CLI says them and never shows a traceback for them.
Anything else escaping is a bug in corpuskit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .problems import Problem, ordered
from .signals import EXIT_INTERRUPTED as EXIT_INTERRUPTED
from .signals import Terminated as Terminated
from .signals import interrupted_status
from .wording import counted

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
    (:func:`corpuskit.systemlimits.ran_out`). The run failed, not its input, which is
    neither found good nor bad for it; what a limit (``ulimit``) or fewer ``--jobs``
    changes, not corpuskit."""


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


class OutputClosed(CorpuskitError):
    """stdout's reader closed it before corpuskit had written everything."""

    exit_code = EXIT_PIPE_CLOSED


def exit_status(error: BaseException) -> int:
    """The exit status of a run that ``error`` ended, once said: the one table of them.
    corpuskit's errors carry their own (:attr:`CorpuskitError.exit_code`); click's are a
    usage error's (:data:`EXIT_USAGE`) or their own (0 once ``--help`` is shown); an
    interrupt's is the shell's (130, or 128 + the signal that ended it). Any other error
    is a bug in corpuskit, raised again."""
    if isinstance(error, CorpuskitError):
        return error.exit_code
    if isinstance(error, KeyboardInterrupt):
        return interrupted_status(error)
    import click  # (here: the library's modules, which import this one, need no click)

    if isinstance(error, click.UsageError):
        return EXIT_USAGE
    if isinstance(error, (click.ClickException, click.exceptions.Exit)):
        return error.exit_code
    raise error
