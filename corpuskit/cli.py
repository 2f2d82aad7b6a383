"""The command line: parse options, call one library function, render its result.

An error that ends a command is said in :func:`main` only, and its exit status is
:func:`corpuskit.errors.exit_status`'s for it. Machine output goes to stdout; messages and
progress go to stderr.
"""

from __future__ import annotations

import codecs
import errno
import io
import json
import os
import re
import select
import signal
import sys
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import BrokenExecutor
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, NoReturn

import click
from click.core import ParameterSource

from . import __version__, earlyhashes
from .cores import MAX_JOBS, checked_jobs
from .errors import (
    EXIT_PIPE_CLOSED,
    CorpuskitError,
    InputError,
    OutputClosed,
    OutputError,
    ProblemsFound,
    ReleaseProblems,
    UsageError,
    WorkerDied,
    exit_status,
)
from .heap import fewer_collections
from .problems import of_target, one_line, printable, printable_data
from .progress import terminal_progress
from .signals import LateSignals, ending_said
from .systemlimits import jobs_of_run, out_of_resources, size_limit_advice
from .wording import LINK_LOOP, counted, shown_in, shown_name


def _skipped_line(path: str, reason: str) -> str:
    """The line naming a file a build skips: on one line whatever its name holds (a name
    with LF, CR or ESC wrote lines of its own, a forged ``::error`` among them: QA)."""
    return f"skipped: {one_line(path)} ({one_line(reason)})"


def _echo(message: str, *, err: bool = False, nl: bool = True) -> None:
    """Print a line; a name that is not UTF-8 is shown escaped, never a UnicodeEncodeError
    (nor, on a terminal of another encoding, a character it lacks: see :func:`main`). A
    stdout its reader closed ends the command (:class:`OutputClosed`)."""
    shown = printable(message)
    stream = sys.stderr if err else sys.stdout
    if stream is None and not err:  # started with stdout closed (>&-): click writes nothing
        raise OutputError("cannot write to standard output: there is none (it was closed); "
                          "run the command with a standard output, or send it to a file")
    encoding = getattr(stream, "encoding", None)  # none: a str stream (io.StringIO) takes all
    if encoding and not shown.isascii() and not _utf8(stream):
        # click writes UTF-8 to a stream it takes for a misconfigured ASCII one: the
        # characters the stream's encoding lacks are escaped here instead.
        shown = shown.encode(encoding, _UNICODE_ESCAPES).decode(encoding)
    try:
        click.echo(shown, err=err, nl=nl)
    except BrokenPipeError:
        if err:  # messages lost; the work and its machine output on stdout go on (QA: a
            _StandardError.gone = True  # skipped file's note ended validate --json unwritten)
            _drop_stream(sys.stderr)
            return
        raise OutputClosed() from None
    except OSError as exc:  # a full disk behind a redirection, an I/O error
        where = "standard error" if err else "standard output"
        # (QA: s77 newc 6: "File too large" alone, a redirection to a file under ulimit -f)
        raise OutputError(f"cannot write to {where}: {exc.strerror or exc}"
                          f"{size_limit_advice(exc)}") from None


def _why(exc: Exception) -> str:
    """``: <reason>; <what to do>`` of an OSError writing standard output; ``""`` of any
    other (a closed stream's ValueError). (QA: s77 newc 6: a redirection to a file over
    ulimit -f was said without "File too large", nor what to do.)"""
    if not isinstance(exc, OSError):
        return ""
    return f": {exc.strerror or exc}{size_limit_advice(exc)}"


class _StandardError:
    """Whether standard error's reader went away during the command (its messages then go
    nowhere, and a command that did its work ends with 141: :func:`_flush_stderr`)."""

    gone = False


def _unicode_escapes(error: UnicodeError) -> tuple[str, int]:
    """``\\u00fc`` for a character a stream lacks, never ``\\xfc``: corpuskit shows a
    byte of a name that is not UTF-8 as ``\\xfc`` (:func:`corpuskit.problems.printable`),
    and a valid ``ü`` must not look like it."""
    assert isinstance(error, UnicodeEncodeError)
    lacking = error.object[error.start:error.end]
    return "".join(f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}"
                   for c in lacking), error.end


#: The name of :func:`_unicode_escapes` as an error handler of ``str.encode``.
_UNICODE_ESCAPES = "corpuskit-unicode-escapes"
codecs.register_error(_UNICODE_ESCAPES, _unicode_escapes)


def _utf8(stream: Any) -> bool:
    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "ascii").name == "utf-8"
    except LookupError:
        return False


class _WaitingFileIO(io.FileIO):
    """A descriptor written to as a blocking one is: where it is non-blocking (a pipe or
    terminal shared with a parent that made it so, as ssh and Node.js do) and full, a
    write waits until it takes bytes, rather than failing (QA s87: ``export --out -``
    read slowly exited 1, "write could not complete without blocking", its export cut
    short)."""

    def write(self, data: Any) -> int:
        while True:
            written = super().write(data)
            if written is not None:  # (None: it would block)
                return written
            select.select([], [self.fileno()], [])


def _whole_writes() -> None:
    """Standard output and error that write all they are given, or raise.

    With ``PYTHONUNBUFFERED=1`` (or ``python -u``), as many container images set, Python
    gives ``sys.stdout`` a raw ``FileIO`` under its text layer, and a short write (a
    reader that closed early, a signal in the middle of a large write) loses the rest
    without a word: ``export --out - | head -c 10`` exited 0 and said it wrote megabytes.
    A ``BufferedWriter`` over the same descriptor writes the rest or raises; the stream
    stays line-buffered and every message is flushed (click.echo), so nothing waits.
    Buffered or not, the descriptor is written as a blocking one (:class:`_WaitingFileIO`);
    a buffered stream keeps its buffering."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        buffer = getattr(stream, "buffer", None)
        unbuffered = isinstance(buffer, io.FileIO)
        raw = getattr(buffer, "raw", None)
        if not (unbuffered or isinstance(raw, io.FileIO)) or isinstance(raw, _WaitingFileIO):
            continue
        try:
            stream.flush()
            waiting = _WaitingFileIO(stream.fileno(), "w", closefd=False)
        except (OSError, ValueError):  # no descriptor behind it
            continue
        setattr(sys, name, io.TextIOWrapper(
            io.BufferedWriter(waiting), encoding=stream.encoding, errors=stream.errors,
            line_buffering=unbuffered or stream.line_buffering, write_through=unbuffered))


def _tolerant_streams() -> None:
    """stdout and stderr in an encoding other than UTF-8 (a Latin-1 locale) write the
    characters they lack as escapes (``\\u2019``) instead of failing the command."""
    for stream in (sys.stdout, sys.stderr):
        if not _utf8(stream) and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def _drop_stream(stream: Any) -> None:
    """Point ``stream`` (stdout or stderr) at the null device once its reader has gone, so
    that the interpreter's last flush does not report the broken pipe (as Python's
    documentation advises)."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, stream.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass


def _flush_stderr(status: int) -> int:
    """``status``, once what a failed write left in stderr's buffer is written or dropped:
    a reader of standard error that went away (``corpuskit build 2>&1 | head -1``) made
    the interpreter's last flush fail, and the exit status 120. A command that ended well
    then ends as one a broken pipe ends (141), as for stdout."""
    if sys.stderr is None:
        return status
    try:
        sys.stderr.flush()
    except (OSError, ValueError):
        _drop_stream(sys.stderr)
        return EXIT_PIPE_CLOSED if status == 0 else status
    return EXIT_PIPE_CLOSED if status == 0 and _StandardError.gone else status


def _emit_json(data: Any) -> None:
    # ASCII with \u escapes where stdout is not UTF-8: the same JSON, whatever the locale.
    _echo(json.dumps(printable_data(data), ensure_ascii=not _utf8(sys.stdout), indent=2))


def _refuse_cache_file(cache: Path | None) -> None:
    """``--cache`` naming a file (or a path under one, or a link to nothing): a usage error,
    as ``--out``'s is (README; QA: it was a note, and the build went on without a cache)."""
    from .writer import file_in_the_way

    if cache is not None and (in_the_way := file_in_the_way(cache, "--cache")) is not None:
        raise UsageError(in_the_way)


def _emit_failure(fields: dict[str, Any], error: CorpuskitError,
                  problems: list[dict[str, str]] | None = None, **after: Any) -> None:
    """The JSON a ``--json`` command prints when it fails (the ``failure`` form of its
    schema): a consumer parsing stdout gets a document saying why, not nothing. A usage
    error (exit 2) prints none, wherever it is found: as for an unknown option, the
    command line is what is wrong. ``problems``: the error's problems as the schema has
    them, if not as :meth:`Problem.as_dict` writes them; ``after``: the command's own
    fields, after them (build's ``skipped``)."""
    if isinstance(error, UsageError):
        return
    if problems is None:
        problems = ([p.as_dict() for p in error.problems] if isinstance(error, InputError)
                    else [])
    summary = error.summary if isinstance(error, InputError) else str(error)
    try:
        _emit_json({**fields, "error": summary, "problems": problems, **after,
                    "corpuskit_version": __version__})
    except OutputError as lost:  # a full disk behind stdout: said, and then the error that
        with suppress(CorpuskitError):  # failed the command, on stderr as without --json
            _report_error(lost)          # (QA: the seeds' problems were lost)


def _emit_github_failure(error: CorpuskitError) -> None:
    """``--format github``'s :func:`_emit_failure`: one ``::error`` saying why the check
    stopped (none for a usage error)."""
    from .validation.report import github_failure

    if not isinstance(error, UsageError):
        _echo(github_failure(error.summary if isinstance(error, InputError) else str(error)))


def _skipped_json(skipped: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    """Build's ``skipped`` (``schemas/build.schema.json``), in success and in failure."""
    return [{"path": path, "reason": reason} for path, reason in skipped]


def _say_left_out(skipped: Iterable[tuple[str, str]], notes: Iterable[str] = ()) -> None:
    """Say on standard error the files a command left out (hidden, excluded), ``(path as
    the user finds it, reason)``, a line each, then its notes (an exclude pattern that
    matched nothing as written): on a failure too, as they may be why a document is
    missing, or why a refused file was not kept out (QA: seeds 1, s76)."""
    for path, reason in skipped:
        _echo(_skipped_line(path, reason), err=True)
    for note in notes:  # (one_line: a path in it as given, --out $'o\a', rang the bell)
        _echo(f"note: {one_line(note)}", err=True)


def _in_seeds(seeds: str, skipped: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """``skipped``, whose paths are relative to the seeds folder ``seeds`` (as given), each
    path joined to it: as build names the files it left out."""
    return [(shown_in(seeds, "package", path), reason) for path, reason in skipped]


def _seeds_failure(error: CorpuskitError, seeds: Path, out: Path, as_json: bool, *,
                   json_left_out: bool) -> NoReturn:
    """End a command that builds the seeds folder ``seeds`` into ``out`` (build, release)
    with ``error``: what it left out said first (:func:`_say_left_out`), its failure JSON
    printed with ``--json`` (with what it left out where ``json_left_out``: build's schema
    has them, release's not), then ``error`` raised, the seeds' problems named under the
    seeds folder as given (a rights pattern's too: QA); a release's are named already."""
    skipped, notes = getattr(error, "skipped", ()), getattr(error, "notes", ())
    _say_left_out(_in_seeds(str(seeds), skipped), notes)
    if as_json:
        left_out = ({"skipped": _skipped_json(skipped), "notes": list(notes)}
                    if json_left_out else {})
        _emit_failure({"seeds": str(seeds), "out": str(out)}, error, **left_out)
    if isinstance(error, InputError) and not isinstance(error, ReleaseProblems):
        raise _named_in(seeds, error, "package") from None
    raise error


def _report_error(error: CorpuskitError) -> None:
    """The problems, a line each, then the summary on one line: a path in it holding an
    LF (a seeds folder so named) is escaped as in the problems' lines (QA: it split the
    summary in two, which a CI log reads as two messages)."""
    if isinstance(error, InputError):
        for problem in error.problems:
            _echo(f"error: {problem.render()}", err=True)
        _echo(f"corpuskit: {one_line(error.summary)}", err=True)
    else:
        _echo(f"corpuskit: error: {one_line(str(error))}", err=True)


def _named_in(target: Path, error: InputError, kind: str | None = None) -> InputError:
    """``error`` with each problem's file named as ``validate`` names it: joined to the
    package or seeds folder as given (``dist/x-1.0.0/README.md``,
    ``dist/x-1.0.0.zip:README.md``, ``seeds/news/a.txt``), so that the path opens from
    where the command ran. ``kind``: ``package`` (a folder) or ``archive``, as the target
    is if not given. Problems about the target itself carry its path already, and a
    problem with an environment variable stays bare. (A ``--json`` failure keeps the paths
    relative to the target.)"""
    from dataclasses import replace

    from .problems import about_environment

    shown = str(target)
    kind = kind or ("archive" if os.path.isfile(target) else "package")
    return InputError([problem if problem.path == shown or about_environment(problem) else
                       replace(problem, path=shown_in(shown, kind, problem.path))
                       for problem in error.problems], error.summary,
                      getattr(error, "skipped", ()), getattr(error, "notes", ()))


def _output_format(fmt: str, as_json: bool) -> str:
    """The format asked for by ``--format`` and ``--json`` ("Same as --format json"):
    ``--json`` with another ``--format`` given is a usage error, not one of them ignored
    (QA: ``--format github --json`` printed JSON, and CI got no annotations)."""
    given = click.get_current_context().get_parameter_source("fmt")
    if as_json and fmt != "json" and given not in (None, ParameterSource.DEFAULT):
        raise click.UsageError(f"--json and --format {fmt} exclude each other; give one")
    return "json" if as_json else fmt


def _refuse_both(given: bool, one: str, other: str) -> None:
    """Options that contradict each other: a usage error, not one of them ignored."""
    if given:
        raise click.UsageError(f"{one} and {other} exclude each other; give one")


#: A path whose first part is ``~`` or ``~user``: the shell's, left as it is where the
#: shell expands none (after ``=``, inside quotes).
_TILDE = re.compile(r"~[A-Za-z0-9._-]*(?:/|$)")


def _unexpanded_tilde(value: object, param: click.Parameter | None) -> str | None:
    """What to say of a path that starts with a ``~`` the shell did not expand (``--out=~/x``
    made a folder named ``~`` in the working folder, QA), or None: no such start, or a
    file or folder of that name is there (it was meant)."""
    if not isinstance(value, str) or not _TILDE.match(value):
        return None
    first = value.split("/", 1)[0]
    if os.path.lexists(first):
        return None
    if first != "~" and not _is_user(first[1:]):
        # No shell expands it, quoted or not: "write it as two words" went round in a
        # circle (QA).
        return (f"{value} starts with {first!r}, which would name the home folder of a user "
                f"{first[1:]!r}, and there is no such user here; ./{value} names a folder "
                f"{first!r} here")
    option = max(param.opts, key=len) if isinstance(param, click.Option) else None
    instead = (f"write {option} {value} as two words" if option is not None
               else "write it without quotes")
    home = "$HOME" if first == "~" else os.path.expanduser(first)
    return (f"{value} starts with {first!r}, which the shell did not expand (it does so only "
            f"at the start of a word: not after '=' nor in quotes); {instead}, or start it "
            f"with {home}; ./{value} names a folder {first!r} here")


def _is_user(name: str) -> bool:
    """Whether ``name`` is a user of this system (whose ``~name`` a shell expands); True
    where users cannot be looked up."""
    try:
        import pwd
    except ImportError:  # not a POSIX system
        return True
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _option_taken(value: object, param: click.Parameter | None,
                  ctx: click.Context | None) -> str | None:
    """What to say of a path value that is one of the command's own options (``--out
    $OUT --no-cache`` with OUT unset or empty made a folder named ``--no-cache`` and used the
    cache, QA), or None. A file of that name that is there was meant (``./--x`` names
    it either way)."""
    if not isinstance(value, str) or not value.startswith("-") or ctx is None \
            or os.path.lexists(value):
        return None
    name = value.split("=", 1)[0]
    if not any(name in param.opts or name in param.secondary_opts
               for param in ctx.command.params if isinstance(param, click.Option)):
        return None
    option = max(param.opts, key=len) if isinstance(param, click.Option) else "the option"
    return (f"{value!r} is an option of this command, not a path: {option} was given no "
            f"value (a variable unset or empty?); give it one, or write ./{value} for a "
            "file of that name")


class Jobs(click.IntRange):
    """``--jobs``: worker processes, a whole number from 1 to :data:`MAX_JOBS` (click said
    of ``-j x`` that "'x' is not a valid integer range", QA)."""

    name = "jobs"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip().lstrip("+-").isdigit():
            self.fail(f"{value!r} is not a whole number: give the worker processes to run, "
                      f"from 1 to {MAX_JOBS}", param, ctx)
        return super().convert(value, param, ctx)


#: The type of every command's ``--jobs``.
JOBS = Jobs(min=1, max=MAX_JOBS)


class NonEmptyPath(click.Path):
    """A path that need not exist yet. An empty value is refused, not taken as the current
    folder: ``--out "$DIST"`` with the variable unset would otherwise write there."""

    #: What to give instead of an empty value.
    instead = "give a path ('.' for the current folder)"

    def __init__(self, **options: Any) -> None:
        # A folder that cannot be read is the command's to report (see InputPath).
        super().__init__(**{"readable": False, **options})

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        if value == "":
            self.fail(f"is empty; {self.instead}", param, ctx)
        taken = _option_taken(value, param, ctx)
        if taken is not None:
            self.fail(taken, param, ctx)
        tilde = _unexpanded_tilde(value, param)
        if tilde is not None:
            self.fail(tilde, param, ctx)
        return super().convert(value, param, ctx)


class InputPath(click.Path):
    """A path to read that must exist. Whether it can be read is left to the command,
    which says so in its own error form (exit 1, and its failure JSON with ``--json``):
    click's "Path 'x' is not readable" was a usage error (exit 2) that said nothing of
    what to do. So is a path inside a folder this user may not enter, which click called
    one that "does not exist" (QA): whether it exists cannot be known."""

    def __init__(self, *, as_given: bool = False) -> None:
        # as_given: the string typed, "./seeds" and "seeds/" kept (validate reports the
        # target "as given"; QA: click's Path made both "seeds").
        super().__init__(exists=True, readable=False, path_type=str if as_given else Path)

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        try:
            os.stat(value)
        except PermissionError:  # a folder above it cannot be entered: the command says so
            return self.coerce_path_result(value)
        except OSError as error:
            if error.errno == errno.ELOOP:  # click said "does not exist" (QA)
                self.fail(f"{printable(os.fsdecode(value))}: {LINK_LOOP}, which names no "
                          "file; give the path of the file or folder it was meant for",
                          param, ctx)
            if error.errno == errno.ENOTDIR:  # through a file: click said "does not exist"
                from .writer import IS_A_FILE, file_on_the_way

                found = file_on_the_way(Path(os.fsdecode(value)))
                if found is not None:  # (QA: dist/x.zip/x-1.0.0, dist/x.zip/)
                    shown = printable(str(found))
                    self.fail(f"{printable(os.fsdecode(value))}: {shown} {IS_A_FILE}; give "
                              f"the file itself ({shown}), or the path of a folder",
                              param, ctx)
            if (tilde := _unexpanded_tilde(value, param)) is not None:
                self.fail(tilde, param, ctx)
        except (TypeError, ValueError):  # no path: click's own message
            pass
        return super().convert(value, param, ctx)


class SeedsPath(InputPath):
    """A seeds folder (or a path to summarize) that must exist. Its default, ``seeds``,
    missing means corpuskit runs outside the corpus repository: click's "Path 'seeds' does
    not exist" said nothing of where to run it."""

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        if str(value) == "seeds" and not os.path.lexists(value):
            here = printable(os.getcwd())
            self.fail(f"there is no folder 'seeds' in {here}; run corpuskit in the corpus "
                      "repository (the folder that holds seeds/ and dist/), or give the seeds "
                      "folder's path", param, ctx)
        return super().convert(value, param, ctx)


class OutputFilePath(NonEmptyPath):
    """The path of a file to write. A trailing slash names a folder (``--out exports/``),
    never a file to make there: refused, as the path would lose it (``Path`` drops it)."""

    instead = "give a file name ('-' for standard output)"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        if isinstance(value, str) and value.endswith(("/", os.sep)):
            self.fail(f"{value} ends with a slash, which names a folder; give a file name",
                      param, ctx)
        return super().convert(value, param, ctx)


class _Command(click.Command):
    """A command whose usage errors found as it runs (``--out`` a file, a release folder, a
    folder inside the seeds: :class:`UsageError`) are said as click says those of its
    options, with the usage line and where to find help (README; QA: they were one line of
    their own, unlike every other usage error). It runs with its jobs known
    (:func:`corpuskit.systemlimits.jobs_of_run`), which what it advises where memory, open
    files or threads ran out depends on, and such a lack is its :class:`OutOfResources`."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with jobs_of_run(_jobs_of(ctx)), _resources_said():
                return super().invoke(ctx)
        except UsageError as error:
            raise click.UsageError(str(error), ctx=ctx) from error


def _jobs_of(ctx: click.Context) -> int | None:
    """The worker processes a command runs with: its ``--jobs``, else the cores it
    defaults to; None for a command that takes no ``--jobs``."""
    return checked_jobs(ctx.params["jobs"]) if "jobs" in ctx.params else None


class _Group(click.Group):
    command_class = _Command


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="corpuskit")
def cli() -> None:
    """Package raw text corpora as reproducible, checksummed data packages.

    \b
    Example:
      corpuskit build seeds --out dist
      corpuskit validate dist/*.zip
    """


@cli.command()
@click.argument("seeds", default="seeds", type=SeedsPath())
@click.option("--out", "out", default="dist", show_default=True, type=NonEmptyPath(path_type=Path),
              help="Folder that receives <name>-<version>/ and <name>-<version>.zip.")
@click.option("--jobs", "-j", type=JOBS, default=None,
              help="Worker processes for the per-document work [default: all cores]; "
                   "not with --engine dask, whose workers decide.")
@click.option("--cache", "cache", type=NonEmptyPath(path_type=Path),
              default=None,
              help="Cache folder for incremental builds (processed shards, the seeds "
                   "files' sizes, times and sha256s, and the decoded language model) "
                   "[default: $XDG_CACHE_HOME/corpuskit or ~/.cache/corpuskit].")
@click.option("--no-cache", is_flag=True,
              help="Read and process every document, use no cache.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local",
              show_default=True, help="Where the per-document work runs.")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT",
              help="Dask scheduler address (with --engine dask).")
@click.option("--json", "as_json", is_flag=True,
              help="Print the result as JSON on stdout (schemas/build.schema.json).")
def build(seeds: Path, out: Path, jobs: int | None, cache: Path | None, no_cache: bool,
          engine: str, scheduler: str | None, as_json: bool) -> None:
    """Build the release of SEEDS (default: seeds) into --out (default: dist).

    Every file in SEEDS except corpus.toml, CHANGELOG.md and hidden files is a document.
    The per-document work runs on all cores (--jobs) and is cached by content (--cache),
    so rebuilding after a small change is fast; neither changes a byte of the output.
    Bad input is reported one line per problem and nothing is written (exit 1). A release
    that already exists with identical content is left as it is; one with other content is
    refused, because released versions are immutable.

    \b
    Examples:
      corpuskit build seeds --out dist
      corpuskit build seeds --jobs 8 --cache /var/tmp/corpuskit/cache
      corpuskit build seeds --engine dask --scheduler tcp://scheduler-host:8786
    """
    from .build import build as build_package
    from .engine import check_engine
    from .usercache import default_cache_dir

    _refuse_both(cache is not None and no_cache, "--cache", "--no-cache")
    _refuse_cache_file(cache)
    if scheduler is not None and engine != "dask":
        raise click.UsageError("--scheduler is for --engine dask; add --engine dask, or drop "
                               "--scheduler to build here")

    try:
        check_engine(engine, scheduler, cli=True,  # in the options' words; build's: Python's
                     jobs=jobs)
        with _resources_said(), terminal_progress("building") as progress:
            result = build_package(seeds, out,
                                   source_date_epoch=os.environ.get("SOURCE_DATE_EPOCH"),
                                   jobs=jobs, cache=None if no_cache else (
                                       cache or default_cache_dir(seeds, out)),
                                   engine=engine, scheduler=scheduler, progress=progress)
            _hold_ending_signals()  # the release is in place: it is said, not ended
    except CorpuskitError as error:
        # what was skipped in the JSON too, as a build that succeeds tells it (QA)
        _seeds_failure(error, seeds, out, as_json, json_left_out=True)
    _say_left_out(_in_seeds(str(seeds), result.skipped), result.notes)
    if as_json:
        _emit_json({
            "status": result.status,
            "release": str(result.release),
            "archive": str(result.archive),
            "documents": result.documents,
            "content_hash": result.content_hash,
            "cached_shards": result.cached_shards,
            "skipped": _skipped_json(result.skipped),
            "notes": list(result.notes),
        })
    elif result.status == "unchanged":
        _echo(f"{shown_name(result.release)} already built with identical content; "
              "nothing to do",
                   err=True)
    elif result.status == "restored" and result.restored == "archive":
        _echo(f"{shown_name(result.release)} was there without its zip, with "
              f"identical content; wrote {shown_name(result.archive)}", err=True)
    elif result.status == "restored":
        _echo(f"{shown_name(result.archive)} was there without its folder, with "
              f"identical content; restored {shown_name(result.release)}", err=True)
    else:
        _echo(f"built {shown_name(result.release)} and {shown_name(result.archive.name)} "
              f"({counted(result.documents, 'document')}, {result.content_hash})", err=True)


@cli.command("diff")
@click.argument("old", type=InputPath())
@click.argument("new", type=InputPath())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text for people; json is the versioned diff "
                                      "(schemas/diff.schema.json).")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("--text", "show_text", is_flag=True,
              help="Add a unified diff of the text of every document whose text changed.")
def diff_command(old: Path, new: Path, fmt: str, as_json: bool, show_text: bool) -> None:
    """Show what changed from OLD to NEW, document by document, and the bump it requires.

    OLD and NEW are each a package folder, a package .zip or a seeds folder (diffed as it
    would build, nothing written). Documents are matched by id: added, removed, changed
    (text, document metadata such as title or date, or only the raw input), plus changed
    package metadata (title, description, licenses, ...). The version and release date are
    labels and never count. The required bump follows Croissant's rules: major when
    documents changed or were removed, minor when documents were only added, patch when
    only package metadata changed, none for the same content. Packages with equal content
    hashes are the same content at once. Exit 0 whatever the differences; 1 when a side
    cannot be read (its problems are listed).

    \b
    Example:
      corpuskit diff dist/corpuskit-seeds-1.0.0 seeds
      corpuskit diff dist/corpuskit-seeds-1.0.0.zip seeds --text
      corpuskit diff dist/corpuskit-seeds-1.0.0 dist/corpuskit-seeds-1.0.1 --format json
    """
    from .diff import SideError, render_text
    from .diff import diff as diff_packages

    fmt = _output_format(fmt, as_json)
    try:
        with _resources_said():
            result = diff_packages(old, new, text=show_text)
    except CorpuskitError as error:
        if isinstance(error, SideError):  # a seeds side's files left out, as build says them
            _say_left_out(_in_seeds(error.side, error.skipped), error.notes)
        if fmt == "json":  # each problem relative to its side, and which side
            _emit_failure({"old": str(old), "new": str(new)}, error,
                          error.problem_dicts() if isinstance(error, SideError) else None)
        raise
    for side in (result.old, result.new):  # a seeds folder's files left out, as build says
        _say_left_out(_in_seeds(side.path, side.skipped))
    if fmt == "json":
        _emit_json(result.as_dict())
    else:
        _echo(render_text(result), nl=False)


@cli.command("release")
@click.argument("bump", required=False, type=click.Choice(["major", "minor", "patch"]))
@click.option("--seeds", "seeds", default="seeds", show_default=True,
              type=SeedsPath(), help="The seeds folder to release.")
@click.option("--out", "out", default="dist", show_default=True, type=NonEmptyPath(path_type=Path),
              help="Folder holding the earlier releases; the new one is built beside them.")
@click.option("--dry-run", is_flag=True,
              help="Print the changelog entry it would add (stdout) and the version "
                   "(stderr); write nothing.")
@click.option("--jobs", "-j", type=JOBS, default=None,
              help="Worker processes for the build [default: all cores].")
@click.option("--cache", "cache", type=NonEmptyPath(path_type=Path),
              default=None,
              help="Cache folder for the build [default: as for 'corpuskit build'].")
@click.option("--no-cache", is_flag=True, help="Build without a cache.")
@click.option("--allow-line-ends", is_flag=True,
              help="Release even when the only changes are documents' raw files whose line "
                   "ends changed (CR LF for LF, as Git's line-end handling converts them), "
                   "which is refused otherwise.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the result as JSON on stdout (schemas/release.schema.json).")
def release_command(bump: str | None, seeds: Path, out: Path, dry_run: bool, jobs: int | None,
                    cache: Path | None, no_cache: bool, allow_line_ends: bool,
                    as_json: bool) -> None:
    """Release the seeds folder (--seeds, default: seeds) as the next version: diff, bump,
    changelog, build.

    Compares --seeds with the latest release in --out (the highest version among its
    <name>-X.Y.Z/ folders and <name>-X.Y.Z.zip archives) and picks the next version:
    BUMP (major, minor or patch) if given, else the bump the changes require. A bump
    smaller than required is refused (exit 1) with the bump that is required (after a
    pre-release, one that gives the same version, 1.0.0 from 1.0.0-rc.1, is taken as the
    required one, and the version is held to the changes since the latest final release
    too); so is a release with no change at all. Then writes version and release time
    (SOURCE_DATE_EPOCH if set, else now) into corpus.toml, adds a CHANGELOG.md entry
    naming every added, removed and changed document by id and title, and builds the
    release beside the older ones, which are never modified. If the build fails,
    corpus.toml and CHANGELOG.md are restored, unless the new release's folder was in
    place already (stopped while it wrote the zip): then 'corpuskit build' finishes it,
    as release says. With no earlier release, the version in
    corpus.toml is built as the first release. The changelog entry is printed on stdout
    (--dry-run: the one it would add), what was done on stderr.

    \b
    Example:
      corpuskit release            # the bump the changes require
      corpuskit release major --dry-run > notes.md
      corpuskit release minor --seeds seeds --out dist
    """
    from .release import release as release_seeds
    from .usercache import default_cache_dir

    _refuse_both(cache is not None and no_cache, "--cache", "--no-cache")
    _refuse_cache_file(cache)

    try:
        # The bar of the build it runs, as build draws it (QA: docs 1, a cold release said
        # nothing until it ended), after that of its comparison of the seeds with the
        # latest release, which processes every document too (QA: it drew none).
        with _resources_said(), \
                terminal_progress("comparing") as comparing, \
                terminal_progress("building") as progress:
            result = release_seeds(seeds, out, bump,
                                   source_date_epoch=os.environ.get("SOURCE_DATE_EPOCH"),
                                   dry_run=dry_run, jobs=jobs, allow_line_ends=allow_line_ends,
                                   cache=None if no_cache else (
                                       cache or default_cache_dir(seeds, out)),
                                   progress=progress, compare_progress=comparing)
            if not dry_run:  # (a dry run has nothing in place: Ctrl-C ends it, QA)
                _hold_ending_signals()  # the release is in place: it is said, not ended
    except CorpuskitError as error:
        # The seeds' files left out and the exclude notes, as build says them on a failure
        # (QA: s76, a release refused for a file an exclude pattern missed said neither).
        _seeds_failure(error, seeds, out, as_json, json_left_out=False)
    # The seeds' files left out, as build names them (QA: a hidden file went unsaid).
    skipped = result.build.skipped if result.build is not None else result.diff.new.skipped
    _say_left_out(_in_seeds(str(seeds), skipped), result.notes)
    if as_json:
        _emit_json(result.as_dict())
        return
    if result.changelog_entry:  # the release's notes: output, as diff's text is
        _echo(result.changelog_entry)
    how = (f"{result.bump} release after {result.previous}" if result.previous
           else "first release")
    if result.build is None:
        _echo(f"dry run: would release {result.name} {result.version} ({how}); "
                   "nothing written", err=True)
    else:
        built = result.build
        _echo(f"released {result.name} {result.version} ({how}): "
              f"{shown_name(built.release)} and {shown_name(built.archive.name)} "
              f"({counted(built.documents, 'document')}, {built.content_hash})", err=True)


@cli.command("export")
@click.argument("package", type=InputPath())
@click.option("--format", "fmt", required=True, type=click.Choice(["parquet", "csv", "dolma"]),
              help="parquet: explicit column types; csv: header row, null as empty cell, "
                   "normalization as a JSON array; "
                   "dolma: gzipped JSON lines (id, text, source, metadata; created and "
                   "added when known).")
@click.option("--out", "out", required=True, type=OutputFilePath(path_type=str),
              help="The file to write (replaced only once the new one is complete); - for "
                   "standard output (./- for a file named -).")
@click.option("--no-verify", is_flag=True,
              help="Skip checking the package's checksums first.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the result as JSON on stdout (schemas/export.schema.json).")
def export_command(package: Path, fmt: str, out: str, no_verify: bool, as_json: bool) -> None:
    """Write the documents of PACKAGE (a package folder or .zip) to --out as --format.

    The package's checksums are verified first (a modified package is refused, exit 1).
    Output depends only on the package (CSV and Parquet on its records alone; dolma also
    on its name, version and release time): exporting it twice gives the same bytes.
    Parquet needs the 'parquet' extra (pip install '.[parquet]' in corpuskit's source) and is
    byte-identical to the package's own data/documents.parquet.

    \b
    Example:
      corpuskit export dist/corpuskit-seeds-1.0.1.zip --format dolma --out seeds.jsonl.gz
      corpuskit export dist/corpuskit-seeds-1.0.1 --format csv --out seeds.csv
    """
    from .export import STDOUT, export_named

    # --out kept as given, not as a Path: "./-" is a file named "-" (QA: a Path made it "-")
    if out == STDOUT and as_json:
        raise click.UsageError("--out - writes the export to standard output, and --json its "
                               "result there too: choose one")
    try:
        with _resources_said():
            result = export_named(package, fmt, out, verify=not no_verify, option="--out")
    except CorpuskitError as error:
        if as_json:  # its problems relative to the package, "." for itself (QA: as given)
            _emit_failure({"package": str(package), "out": str(out), "format": fmt}, error,
                          [p.as_dict() for p in of_target(package, error.problems)]
                          if isinstance(error, InputError) else None)
        if isinstance(error, InputError):
            raise _named_in(package, error) from None
        raise
    if as_json:
        _emit_json({"format": result.format, "path": out,  # as given (schema)
                    "documents": result.documents, "bytes": result.bytes,
                    "sha256": result.sha256})
    else:
        noun = "document" if result.documents == 1 else "documents"
        shown = "standard output" if out == STDOUT else shown_name(out)
        _echo(f"wrote {shown} ({result.format}, {result.documents} {noun}, "
                   f"{result.bytes} bytes, sha256 {result.sha256})", err=True)


@cli.command("info")
@click.argument("path", default="seeds", type=SeedsPath())
@click.option("--json", "as_json", is_flag=True,
              help="Print the summary as JSON on stdout (schemas/info.schema.json).")
def info_command(path: Path, as_json: bool) -> None:
    """Summarize PATH: a package folder, a package .zip or a seeds folder (default: seeds).

    Shows documents, languages, date range, text and file sizes, version and changelog
    versions, licenses and the content hash, all measured from the records (for a seeds
    folder: the records a build would make, nothing written). Checksums are not verified
    here; use 'corpuskit validate' for that.

    \b
    Example:
      corpuskit info dist/corpuskit-seeds-1.0.1.zip
      corpuskit info seeds --json
    """
    from .info import failure_document, info, render, shown_problems

    try:
        with _resources_said():
            summary = info(path)
    except CorpuskitError as unreadable:
        if as_json and not isinstance(unreadable, UsageError):  # a document, not nothing
            _emit_json(failure_document(path, unreadable))
        if isinstance(unreadable, InputError):
            raise _named_in(path, unreadable) from None
        raise
    if as_json:
        _emit_json(summary.as_dict())
    else:
        _echo(render(summary))
    if summary.problems:  # exit 1, as every command does; in the JSON, or said on stderr
        count = len(summary.problems)
        found = f"{counted(count, 'problem')} found in {shown_name(path)}"
        if as_json:
            raise ProblemsFound(found)
        raise InputError(shown_problems(summary), f"error: {found}")


@cli.command("validate")
@click.argument("paths", nargs=-1, required=True,
                type=InputPath(as_given=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help="text for people; json is the versioned report "
                                      "(schemas/report.schema.json); github prints GitHub "
                                      "Actions ::error annotations.")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("--fast", is_flag=True,
              help="Sizes, presence and counts only (Payload-Oxum, resource bytes); no "
                   "hashing, and no record read: the documents counted are those "
                   "datapackage.json states.")
@click.option("--reproduce", is_flag=True,
              help="Also re-derive every record from data/raw/ with the recorded settings.")
@click.option("--jobs", "-j", type=JOBS, default=None,
              help="Worker processes for large packages, seeds folders and --reproduce "
                   "(default: all cores).")
def validate_command(paths: tuple[str, ...], fmt: str, as_json: bool, fast: bool,
                     reproduce: bool, jobs: int | None) -> None:
    """Check that each PATH is an intact package, archive or seeds folder.

    PATH is a package folder (dist/<name>-<version>), a package .zip (checked in place,
    never extracted; hostile entries and zip bombs are reported, not read), a seeds
    folder (the checks build makes; nothing written but the language model, kept decoded
    in the user's cache folder as builds keep it), or a folder of releases such as
    dist/, which stands for every package folder and .zip in it. A package is checked against the
    Data Package v2 profile and corpuskit's own, as a BagIt bag (every manifest line, no
    missing or unlisted file, Payload-Oxum), every resource's bytes and hash, and every
    record against its schema and its own text and raw file, and data/documents.parquet,
    row by row, against those records (with pyarrow and thrift installed, the parquet
    extra; the report says when it was not). Every problem is reported, one per line:
    path:location: message [code].

    An archive's seal, its zip comment (corpuskit-sha256: and the sha256 of every byte
    before it), is checked first, and its published checksum, <archive>.sha256 beside
    it, too (--fast: the form of each only, no digest). The manifests must have the exact
    form corpuskit writes ('<sha256>  <path>' lines ending in LF, sorted as written).

    Exit 0 when every PATH is valid, 1 when any problem is found, 2 for usage errors,
    including a PATH that does not exist. For one target, --format json prints its report
    (schemas/report.schema.json); for several (several PATHs, or a folder of releases),
    one document {"report_version", "tool", "valid", "reports": [...]}.

    \b
    Example:
      corpuskit validate dist
      corpuskit validate dist/corpuskit-seeds-1.0.1 dist/corpuskit-seeds-1.0.1.zip
      corpuskit validate seeds
      corpuskit validate --reproduce --format json dist/corpuskit-seeds-1.0.1.zip
      corpuskit validate --format github dist
    """
    if fast and reproduce:
        raise click.UsageError("--fast and --reproduce exclude each other")
    if not (fast or reproduce):  # before the checks' imports: it hashes while they run
        earlyhashes.start(paths[0], jobs)
    try:
        _validate(paths, _output_format(fmt, as_json), fast, reproduce, jobs)
    finally:
        earlyhashes.stop()


def _validate(paths: tuple[str, ...], fmt: str, fast: bool, reproduce: bool,
              jobs: int | None) -> None:
    from .validation import render_github_all, render_text, validate_all

    try:
        # --reproduce re-derives every record, as slow as a cold build: a bar for each
        # target, as build draws its own (QA: it drew none)
        with _resources_said(), terminal_progress("reproducing") as progress:
            reports = validate_all(paths, fast=fast, reproduce=reproduce, jobs=jobs,
                                   progress=progress)
    except CorpuskitError as error:
        if fmt == "json":  # (QA: a worker killed, a full disk: nothing on stdout for jq)
            _emit_failure({"targets": list(paths)}, error)
        elif fmt == "github":
            _emit_github_failure(error)
        raise
    if (fast or reproduce) and any(report.kind == "seeds" for report in reports):
        _echo(f"note: --{'fast' if fast else 'reproduce'} checks packages and archives; a "
              "seeds folder is checked as build reads it, each document decoded", err=True)
    for report in reports:  # as build names them
        _say_left_out(_in_seeds(report.target, report.skipped))
        if fmt == "json":  # the other formats say it in the report's summary
            for path, message in report.not_checked:
                _echo(f"not checked: {shown_name(report.shown_path(path))}: {message}", err=True)
    if fmt == "json":
        _emit_json(reports.as_dict() if reports.several else reports[0].as_dict())
    elif fmt == "github":  # every summary first, then the problems (render_github_all)
        for line in render_github_all(reports):
            _echo(line)
    else:
        for report in reports:
            for line in render_text(report):
                _echo(line)
    failed = [report for report in reports if not report.valid]
    if failed:
        count = sum(report.problem_count for report in failed)  # those not listed too (QA)
        raise ProblemsFound(f"{counted(count, 'problem')} found in "
                            f"{len(failed)} of {counted(len(reports), 'target')}")


@cli.command("check")
@click.option("--seeds", "seeds", default="seeds", show_default=True,
              type=SeedsPath(), help="The seeds folder to rebuild.")
@click.option("--dist", "dist", default="dist", show_default=True,
              type=NonEmptyPath(path_type=Path), help="The folder holding the releases.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help="Output format, as for validate.")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("--jobs", "-j", type=JOBS, default=None,
              help="Worker processes for the rebuild (default: all cores).")
def check_command(seeds: Path, dist: Path, fmt: str, as_json: bool, jobs: int | None) -> None:
    """Check that dist/ holds the current, reproducible release of seeds/.

    Rebuilds --seeds in a temporary folder (removed afterwards; SOURCE_DATE_EPOCH is used
    exactly as by build) and compares it byte for byte with dist/<name>-<version>/, and
    with its .zip member by member (names, times, modes, contents: the compressed bytes may
    come from another deflate; each member is inflated and checked against its CRC-32).
    Exit 0 when they are equal; 1, naming every differing file, when the release
    is missing or stale (seeds, corpus.toml or corpuskit changed without a release) or the
    build is not reproducible; 2 for usage errors.

    \b
    Example:
      corpuskit check
      corpuskit check --seeds seeds --dist dist --format github
    """
    from .check import check
    from .validation import render_github, render_text

    fmt = _output_format(fmt, as_json)
    try:
        with _resources_said(), \
                terminal_progress("building") as progress:  # (QA: docs 1)
            report = check(seeds, dist, source_date_epoch=os.environ.get("SOURCE_DATE_EPOCH"),
                           jobs=jobs, progress=progress)
    except CorpuskitError as error:
        if fmt == "json":
            _emit_failure({"seeds": str(seeds), "dist": str(dist)}, error)
        elif fmt == "github":
            _emit_github_failure(error)
        raise
    if fmt == "json":
        _emit_json(report.as_dict())
    else:
        for line in (render_github if fmt == "github" else render_text)(report):
            _echo(line)
    if not report.valid:
        raise ProblemsFound(report.verdict())


#: The ending signals held from the moment a build's or release's work is in place to the
#: end of the command (see :func:`_hold_ending_signals`).
_HELD: list[LateSignals] = []


def _hold_ending_signals() -> None:
    """Note, not raise, the ending signals (Ctrl-C, SIGTERM, SIGHUP) from now to the end of
    the command: its release is in place, and what is left is to say so. The build held
    them while it put the release in place and let them go as it returned; one that came
    after, as the command said what it did, ended it with "terminated", exit 143, for a
    complete release, or with a traceback as Python exited (QA)."""
    late = LateSignals()
    late.hold()
    _HELD.append(late)


def _release_ending_signals(status: int) -> None:
    """Let the signals :func:`_hold_ending_signals` held end a run again; say those that
    came (the command's work stands: its status is kept)."""
    came = [signum for late in _HELD for signum in late.came]
    while _HELD:
        _HELD.pop().release()
    if came:
        with suppress(CorpuskitError, OSError, ValueError):
            _echo(f"note: {signal.Signals(came[0]).name} came once the command's work was "
                  "in place: it stands, complete", err=True)
            sys.stderr.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit status: an error that ended the command is said,
    and its status is :func:`corpuskit.errors.exit_status`'s for it."""
    status = 1
    try:
        status = _main(argv)
    finally:
        _release_ending_signals(status)
    return status


def _main(argv: Sequence[str] | None) -> int:
    """:func:`main`, but for the ending signals held at the end."""
    _whole_writes()
    _tolerant_streams()
    _StandardError.gone = False  # (main may run again in one process: the tests)
    status = _run(argv)
    if sys.stdout is None:  # started without one
        return _flush_stderr(status)
    try:  # what a failed write left in stdout's buffer (a full disk behind it)
        sys.stdout.flush()
    except (OSError, ValueError) as exc:  # lost: said already, or said now; never at exit
        _drop_stream(sys.stdout)
        if status == 0:
            lost = OutputError(f"cannot write to standard output{_why(exc)}")
            _say_ending(lost)
            return _flush_stderr(exit_status(lost))
    return _flush_stderr(status)


#: Options that only print (to standard output), and end the command.
_ONLY_PRINTING = frozenset({"-h", "--help", "--version"})


def _run(argv: Sequence[str] | None) -> int:
    """:func:`main` but for what is left to write at the end."""
    args = list(argv) if argv is not None else sys.argv[1:]
    try:
        if sys.stdout is None and _ONLY_PRINTING.intersection(args):
            # click writes the help or version to no stream, exit 0 (QA); said as any
            # command's output to a closed standard output is
            _echo("", nl=False)
        with fewer_collections():  # (corpuskit.heap)
            cli.main(args=list(argv) if argv is not None else None, prog_name="corpuskit",
                     standalone_mode=False)
    except (Exception, SystemExit) as raised:
        if isinstance(raised, click.UsageError) and raised.ctx is None:
            raised.ctx = _context_of(args)  # (for its usage line)
        ending = _understood(raised)
        if ending is None:  # a bug in corpuskit: its traceback
            raise
        _say_ending(ending)
        return exit_status(ending)
    return 0


def _context_of(args: list[str]) -> click.Context:
    """The context of the command ``args`` run, for a usage error click's parser raised
    without one: an option's missing value (``validate dist --format``) was said alone,
    where every other usage error is said after the usage line and where to find help
    (QA s96). The command is the first argument that is no option (the group's own,
    ``--version`` and ``--help``, take no value)."""
    top = click.Context(cli, info_name="corpuskit", **cli.context_settings)
    name = next((arg for arg in args if not arg.startswith("-")), None)
    command = cli.get_command(top, name) if name is not None else None
    return top if command is None else click.Context(command, info_name=name, parent=top)


#: How a command ended that did not end well, as :func:`_say_ending` says it and
#: :func:`corpuskit.errors.exit_status` gives its status.
_Ending = CorpuskitError | click.ClickException | click.exceptions.Exit | KeyboardInterrupt


def _understood(raised: BaseException) -> _Ending | None:
    """``raised``, which ended the command, as it is said: corpuskit's errors and click's as
    they are, click's Abort as the interrupt behind it, and a failure of Python's or of
    the system that corpuskit can explain (where no stage foresaw it) as the
    :class:`CorpuskitError` that says it and what to do; None for any other (a bug)."""
    if isinstance(raised, click.BadParameter) and _working_folder_missing():
        # A relative path click checked for itself (validate's, diff's, export's): it
        # "does not exist" because the working folder does not (QA)
        return UsageError(WORKING_FOLDER_GONE)
    if isinstance(raised, (CorpuskitError, click.ClickException, click.exceptions.Exit)):
        return raised
    if isinstance(raised, click.exceptions.Abort):  # Ctrl-C, SIGTERM, SIGHUP
        ended = raised.__cause__ or raised.__context__
        return ended if isinstance(ended, KeyboardInterrupt) else KeyboardInterrupt()
    if isinstance(raised, SystemExit):
        # click itself ends with 1 when its own output (--help, --version) meets a closed
        # pipe, having wrapped the streams so that their last flush stays quiet.
        closed = raised.code == 1 and type(sys.stdout).__name__ == "_PacifyFlushWrapper"
        return OutputClosed() if closed else None
    if isinstance(raised, BrokenExecutor):  # a worker died where no stage said what it did
        return WorkerDied("a worker process died (killed, or out of memory); nothing was "
                          "written: run the command again")
    if isinstance(raised, BrokenPipeError):  # a write no stage expected to a reader gone
        return OutputClosed()
    # Memory, open files or threads run out outside a command's work (its own are its
    # OutOfResources already: see _Command)
    said = out_of_resources(raised)
    if said is not None:
        return said
    return _os_error_understood(raised) if isinstance(raised, OSError) else None


def _os_error_understood(error: OSError) -> CorpuskitError | None:
    """:func:`_understood` for an OSError that is no lack of resources."""
    if isinstance(error, PermissionError):
        # A path inside a folder this user may not enter, met where no stage foresaw it
        # (Python's Path.exists() and is_dir() raise it): said, never a traceback.
        name = (shown_name(os.fsdecode(error.filename)) if error.filename is not None
                else "a path")
        return CorpuskitError(
            f"{name}: {error.strerror or 'permission denied'}; this user may not "
            "enter a folder on its path, or read it: make them readable to this user "
            "(chmod a+rx for a folder, a+r for a file), or run corpuskit as their owner")
    if error.filename is None and _stdout_failing():
        # click's own output (--help, --version) met a full disk or an I/O error behind a
        # redirection: said as any command's output that cannot be written.
        _drop_stream(sys.stdout)
        return OutputError("cannot write to standard output: "
                           f"{error.strerror or error}{size_limit_advice(error)}")
    if _working_folder_gone(error):
        # Removed or moved since the shell entered it (an rm -rf and a fresh clone in
        # another terminal): a relative path, or the default seeds, met a traceback (QA).
        # A usage error, as a path that does not exist is.
        return UsageError(WORKING_FOLDER_GONE)
    if error.errno != errno.ENAMETOOLONG:
        return None
    # A working folder deeper than the system's longest path (PATH_MAX) makes even a
    # short relative path one too long to open, wherever it is first met.
    name = os.fsdecode(error.filename) if error.filename is not None else "a path"
    shown = printable(name if len(name) <= 120 else f"...{name[-120:]}")
    return OutputError(f"{shown}: a path longer than this system opens ({error.strerror}); "
                       "run corpuskit from a folder with a shorter path, or give shorter "
                       "paths")


def _say_ending(ending: _Ending) -> None:
    """Say on standard error how the command ended (:func:`_understood`), where its exit
    status does not say it all."""
    if isinstance(ending, OutputClosed):  # its reader has what it wanted: nothing to say
        _drop_stream(sys.stdout)
    elif isinstance(ending, CorpuskitError):
        with suppress(CorpuskitError):  # standard error cannot be written either: the
            _report_error(ending)        # exit status says it
    elif isinstance(ending, click.ClickException):
        with suppress(OSError):  # standard error's reader gone: the exit status says it
            ending.show()
    elif isinstance(ending, KeyboardInterrupt):
        for note in getattr(ending, "__notes__", ()):  # what the interrupt left to finish
            with suppress(CorpuskitError):
                _echo(f"corpuskit: {one_line(note)}", err=True)
        _echo(ending_said(ending), err=True)  # (SIGTERM, SIGHUP: corpuskit.launch)


@contextmanager
def _resources_said() -> Iterator[None]:
    """A command's work, whose lack of memory, open files or threads is raised as its
    :class:`OutOfResources`: the command's own failure, which ``--json`` and ``--format
    github`` print in their form (QA: ``build --json`` printed nothing on stdout, the
    one-line error alone). What it advises depends on the jobs of the command
    (:func:`corpuskit.systemlimits.jobs_of_run`, set for it by :class:`_Command`)."""
    try:
        yield
    except (MemoryError, RuntimeError, LookupError, ImportError, OSError) as error:
        said = out_of_resources(error)
        if said is None:
            raise
        raise said from None


def _stdout_failing() -> bool:
    """Whether standard output cannot take what is waiting in its buffer."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except (OSError, ValueError):
        return True
    return False


#: What a command is told when the working folder is gone.
WORKING_FOLDER_GONE = (
    "the current folder no longer exists (it was removed or moved after this shell entered "
    "it), so no path relative to it can be found: cd into the corpus repository again (cd "
    "\"$PWD\" if it was made anew at the same path), or give absolute paths")


def _working_folder_gone(error: OSError) -> bool:
    """Whether ``error`` is the working folder's own absence: ``os.getcwd()``, which
    resolving a relative path calls, names no file when it fails."""
    if error.errno != errno.ENOENT or error.filename is not None:
        return False
    return _working_folder_missing()


def _working_folder_missing() -> bool:
    try:
        os.getcwd()
    except FileNotFoundError:
        return True
    return False


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
