"""Write a package's records in other shapes, on demand: Parquet, CSV, Dolma.

Every export streams the package (verified first, see :func:`corpuskit.load`) and writes
through :func:`corpuskit.writer.replace_file`: once, into a temporary file beside the output
that is synced and renamed over it only when complete, so a failed or interrupted export
leaves no partial file and the earlier output as it was, and needs free space for one copy
of the output only. A new output gets the mode the umask gives; a replaced one keeps its
permission bits. Output bytes depend only on the records and the package metadata: the
same package gives the same file.

- ``parquet``: the same bytes as the package's ``data/documents.parquet`` (explicit Arrow
  schema; pinned pyarrow, see :mod:`corpuskit.parquet`).
- ``csv``: UTF-8, a header row, RFC 4180 quoting, ``\\n`` line ends; null is an empty cell
  and ``normalization`` is a JSON array (``["nfc"]``).
- ``dolma``: gzipped JSON lines in the Dolma document format: ``id``, ``text``,
  ``source`` (the package name), ``created`` (the document date, when known), ``added``
  (the release time stamp, when known) and ``metadata`` (every other record field and the
  release name); each line's schema is ``schemas/dolma.schema.json``. The gzip header
  carries no file name and mtime 0.

Example::

    >>> from corpuskit.export import export                            # doctest: +SKIP
    >>> export("dist/corpuskit-seeds-1.0.0.zip", "dolma", "seeds.jsonl.gz")  # doctest: +SKIP
    ExportResult(format='dolma', path=PosixPath('seeds.jsonl.gz'), documents=1, ...)
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import select
import stat
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO, cast

import orjson

from .dist import a_release_in, releases_given
from .errors import ArgumentError, InputError, OutputClosed, OutputError, UsageError
from .load import Corpus, load
from .models import RECORD_FIELDS, Record
from .parquet import write_records
from .pathargs import given_choice, given_flag, given_path
from .problems import Problem
from .reader import folder_kind
from .semver import named_as_release
from .systemlimits import size_limit_advice
from .wording import LINK_LOOP, as_given, given_as, link_loop_on, shell_word, shown_name
from .writer import NAME_MAX, RESERVED_PREFIX, HashingWriter, out_of_reach, replace_file
from .zipfiles.archiveseal import ends_in_a_seal, published_for

FORMATS = ("parquet", "csv", "dolma")
GZIP_LEVEL = 6
_CSV_FLUSH_ROWS = 256


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: the file, its size and sha256, and how many records."""

    format: str
    path: Path
    documents: int
    bytes: int
    sha256: str


def _check_target(target: Path, package: Path, option: str) -> None:
    """Refuse an ``--out`` that is not a plain file to replace, or that lies in the package:
    the export would replace a link, pipe or device with a file (as root, ``/dev/full``
    too), or change a release, and releases are never modified. ``option``: how the
    messages name it (:data:`OUT_ARGUMENT`, or the CLI's ``--out``). Each is a value
    ``out`` does not take: an :class:`~corpuskit.errors.ArgumentError`, a ``ValueError``
    (QA: library 4: a UsageError, which corpuskit neither exported nor named)."""
    out = given_as(option, target)  # a blank name in quotes (QA s87)
    name_bytes = len(os.fsencode(target.name))
    if name_bytes > NAME_MAX:  # (else "a path longer than this system opens", QA)
        raise ArgumentError(f"{out}: its name is {name_bytes} bytes, over the "
                            f"{NAME_MAX}-byte limit of a file's name; give a shorter name")
    unreachable = out_of_reach(target, folder=False, option=option)
    if unreachable is not None:
        raise OutputError(unreachable)
    if target.is_dir():
        raise ArgumentError(f"{out} is a folder; give a file name")
    if any(part.lower().startswith(RESERVED_PREFIX) for part in target.parts):
        raise ArgumentError(f"{out}: names starting with {RESERVED_PREFIX} are "
                            "corpuskit's own (a build removes those it left); name it otherwise")
    loop = link_loop_on(target.parent)
    if loop is not None:  # (not "a file", and no traceback from resolve() below)
        raise ArgumentError(f"{out}: {loop} is {LINK_LOOP}, which names no folder; "
                            "give the path of a file in a folder")
    for folder in target.parents:
        if os.path.lexists(folder) and not folder.is_dir():
            raise ArgumentError(f"{out}: {shown_name(folder)} is a file, not a folder; give the "
                                "path of a file in a folder")
    try:
        kind = os.lstat(target).st_mode
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise OutputError(f"cannot write {shown_name(target)}: {exc.strerror or exc}") from None
    else:
        if not stat.S_ISREG(kind):
            raise ArgumentError(f"{out} exists and is not a regular file (a link, pipe "
                                "or device); give the path of a file to write")
    inside = target.parent.resolve() / target.name
    source = package.resolve()
    if inside == source or source in inside.parents:
        where = "is the package" if inside == source else "is inside the package"
        raise ArgumentError(f"{out} {where} {package}; releases are never modified, "
                            "write the export elsewhere")
    release = _release_at(inside, target)
    if release is not None:
        raise ArgumentError(f"{out} would change {release}, a corpuskit release; "
                            "releases are never modified, write the export elsewhere")
    seeds = next((folder for folder in inside.parents if folder_kind(folder) == "seeds"),
                 None)
    if seeds is not None:  # as build refuses an --out there (QA: export wrote there)
        seeds = as_given(seeds, inside, target)
        raise ArgumentError(f"{out} is inside the seeds folder {seeds}, whose next "
                            "build would take the export for one of its documents; write the "
                            "export elsewhere")
    if target.suffix.lower() == ".zip" and not target.name.startswith(".") \
            and _holds_releases(target.parent):  # (validate and check pass over .names)
        raise ArgumentError(f"{out} would put a file named .zip among the releases in "
                            f"{target.parent}, where validate and check take every .zip for a "
                            "release; write the export elsewhere, or name it otherwise")
    # A release's published checksum, <archive>.sha256: of its archive, or one to come.
    checked = published_for(target.name)
    archive = target.with_name(checked) if checked is not None else None
    if archive is not None and archive.suffix.lower() == ".zip" \
            and _sealed_file(archive):
        raise ArgumentError(f"{out} would replace the published checksum of the "
                            f"release {archive.name} (validate and load check it against the "
                            "archive); write the export elsewhere, or name it otherwise")
    named = checked if checked is not None else target.name
    if named_as_release(named) and not target.name.startswith(".") \
            and _holds_releases(target.parent):
        what = ("a release (<name>-<version>)" if named == target.name
                else "a release's published checksum (<name>-<version>.zip.sha256)")
        raise ArgumentError(f"{out} is named as {what} among the releases in "
                            f"{target.parent}, where release, check and validate would take it "
                            "for one; write the export elsewhere, or name it otherwise")


def _holds_releases(folder: Path) -> bool:
    """Whether ``folder`` holds a corpuskit release, as a folder of releases does
    (:func:`~corpuskit.dist.a_release_in`): a package folder or a sealed archive, neither
    through a symbolic link, and a pipe, socket or device named ``.zip`` never opened (a
    pipe would block the export for ever)."""
    return a_release_in(folder) is not None


def _sealed_file(path: Path) -> bool:
    """Whether ``path`` is a sealed corpuskit archive: a regular file (a symbolic link not
    followed, a pipe never waited on) that ends in a seal."""
    try:
        regular = stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False
    return regular and ends_in_a_seal(path, follow_links=False)


def _release_at(path: Path, given: Path) -> str | None:
    """The release ``path`` (resolved; ``given``: as given) would change, if any: a
    package folder that holds it (any release, the package's own zip or folder beside it,
    or another version), or the sealed corpuskit archive it is."""
    for folder in path.parents:
        if folder_kind(folder) == "package":
            return f"the package folder {as_given(folder, path, given)}"
    if ends_in_a_seal(path, follow_links=False):  # nothing there, or unreadable: not one
        return f"the sealed archive {given}"
    return None


@contextmanager
def _output_file(target: Path, option: str) -> Iterator[HashingWriter]:
    """A stream to ``target`` that appears only complete: written once, to a temporary
    file beside it that is renamed over it (see :func:`corpuskit.writer.replace_file`)."""
    folder = target.parent
    if not folder.is_dir():
        if folder.exists():
            raise OutputError(f"cannot write {shown_name(target)}: {shown_name(folder)} is not "
                              f"a folder; give {option} a path in a folder")
        raise OutputError(f"cannot write {shown_name(target)}: folder {shown_name(folder)} "
                          "does not exist; make it "
                          f"first (mkdir -p {shell_word(str(folder))}), or give {option} a "
                          "path in a folder that exists")
    with replace_file(target) as sink:  # removes what killed exports to ``target`` left
        yield sink


def _csv_records(corpus: Corpus, sink: HashingWriter) -> int:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(RECORD_FIELDS)
    count = 0
    for record in corpus:
        row: list[Any] = [getattr(record, name) for name in RECORD_FIELDS]
        row[-1] = orjson.dumps(list(record.normalization)).decode()
        writer.writerow(["" if value is None else value for value in row])
        count += 1
        if count % _CSV_FLUSH_ROWS == 0:
            sink.write(buffer.getvalue().encode("utf-8"))
            buffer.seek(0)
            buffer.truncate()
    sink.write(buffer.getvalue().encode("utf-8"))
    return count


def dolma_document(record: Record, corpus: Corpus) -> dict[str, Any]:
    """One record in the Dolma document format (optional keys left out when unknown)."""
    doc: dict[str, Any] = {"id": record.id, "text": record.text, "source": corpus.name}
    if record.date is not None:
        doc["created"] = record.date
    if corpus.created:
        doc["added"] = corpus.created
    metadata: dict[str, Any] = {name: getattr(record, name) for name in RECORD_FIELDS
                                if name not in ("id", "text")}
    metadata["normalization"] = list(record.normalization)
    metadata["package"] = corpus.release_name
    doc["metadata"] = metadata
    return doc


def _dolma_records(corpus: Corpus, sink: HashingWriter) -> int:
    count = 0
    with gzip.GzipFile(filename="", mode="wb", fileobj=sink,  # type: ignore[call-overload]
                       compresslevel=GZIP_LEVEL, mtime=0) as packed:
        for record in corpus:
            packed.write(orjson.dumps(dolma_document(record, corpus)) + b"\n")
            count += 1
    return count


def _parquet_records(corpus: Corpus, sink: HashingWriter) -> int:
    return write_records(corpus, sink)


_WRITERS: dict[str, Callable[[Corpus, HashingWriter], int]] = {
    "parquet": _parquet_records,
    "csv": _csv_records,
    "dolma": _dolma_records,
}


#: How the messages of :func:`export` name its ``out``: as a Python caller gives it (the
#: CLI's are said of its option, ``--out``: :func:`export_named`).
OUT_ARGUMENT = "out="
#: The ``out`` that means standard output.
STDOUT = "-"
#: Formats whose bytes are no text (Parquet; dolma's gzip): never written to a terminal.
BINARY_FORMATS = frozenset({"parquet", "dolma"})


def _stdout_is_a_terminal() -> bool:
    stream = getattr(sys.stdout, "buffer", sys.stdout)
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # no stdout, or a closed one
        return False


class _StandardOutput(io.RawIOBase):
    """``sys.stdout``'s bytes, as it is when written to (tests replace it); a closed
    reader is :class:`OutputClosed`, as for every command's output, and any other failure
    (no standard output at all, a full disk behind it) an :class:`OutputError`.
    ``option``: how its messages name ``out``."""

    def __init__(self, option: str) -> None:
        super().__init__()
        self._option = option

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        """All of ``data``, written as to a blocking descriptor (:func:`_written`)."""
        view = memoryview(data).cast("B")
        done = 0
        while done < len(view):
            done += _to_stdout(partial(_written, data=view[done:]), self._option)
        return done

    def flush(self) -> None:
        _to_stdout(_flushed, self._option)


def _written(out: Any, data: memoryview) -> int:
    """How many bytes of ``data`` ``out`` (``sys.stdout``'s binary stream) took, after
    waiting, where it takes none now (its descriptor non-blocking, as a parent such as ssh
    or Node.js leaves it, and full), for it to take more: a raw stream (``python -u``,
    PYTHONUNBUFFERED=1) then returns None, or takes part, and a buffered one raises
    BlockingIOError, saying how many it took (QA s87: the rest was lost, and the export
    said it wrote all, or failed)."""
    try:
        written = out.write(data)
    except BlockingIOError as exc:  # a buffered stream
        written = exc.characters_written
    else:
        if not isinstance(out, io.RawIOBase):  # took all, or raised (another stream: as
            return len(data)                   # it says; tests replace sys.stdout)
    if not written:
        _wait_until_writable(out)
    return written or 0


def _flushed(out: Any) -> None:
    """``out`` flushed, waiting as :func:`_written` does while it takes nothing."""
    while True:
        try:
            out.flush()
            return
        except BlockingIOError:
            _wait_until_writable(out)


def _wait_until_writable(out: Any) -> None:
    """Wait until the descriptor under ``out`` takes bytes (a stream without one, a
    tenth of a second)."""
    try:
        descriptor = out.fileno()
    except (AttributeError, OSError, ValueError):
        time.sleep(0.1)
        return
    select.select([], [descriptor], [])


def _to_stdout(action: Callable[[Any], Any], option: str) -> Any:
    stream = _stdout_bytes(option)
    try:
        return action(stream)
    except BrokenPipeError:
        raise OutputClosed() from None
    except OSError as exc:
        # (QA: s77 newc 6: "File too large" alone, stdout redirected to a file under ulimit -f)
        raise OutputError(f"cannot write the export to standard output: "
                          f"{exc.strerror or exc}{size_limit_advice(exc)}") from None
    except ValueError:  # "I/O operation on closed file": closed while written to
        if not _closed(stream):
            raise
        raise _stdout_closed(option) from None


def _stdout_bytes(option: str) -> Any:
    """The binary stream under ``sys.stdout``, which takes the export's bytes; where
    there is none, an :class:`OutputError` that says why and what to do (``option``:
    how to name ``out``). A closed ``sys.stdout`` ended in a bare "ValueError: I/O
    operation on closed file", and a text stream with no binary buffer (``io.StringIO``,
    ``contextlib.redirect_stdout``, IDLE) was called closed (QA: api 4)."""
    stdout = sys.stdout
    if stdout is None:  # started with no standard output (>&-), or pythonw
        raise OutputError("cannot write the export to standard output: there is none (it "
                          f"was closed); give {option} a file")
    stream = getattr(stdout, "buffer", None)
    if _closed(stdout) or (stream is not None and _closed(stream)):
        raise _stdout_closed(option)
    if stream is None:
        raise OutputError(
            f"cannot write the export to standard output: sys.stdout is a text stream "
            f"({type(stdout).__name__}) with no binary buffer (sys.stdout.buffer) for the "
            f"export's bytes, as io.StringIO and contextlib.redirect_stdout give; give "
            f"{option} a file, and read the export from it")
    return stream


def _closed(stream: Any) -> bool:
    """Whether ``stream`` says it is closed (one that cannot say is taken as open)."""
    try:
        return bool(getattr(stream, "closed", False))
    except (OSError, ValueError):
        return True


def _stdout_closed(option: str) -> OutputError:
    return OutputError("cannot write the export to standard output: sys.stdout is closed; "
                       f"give {option} a file, or export while it is open")



def export(package: str | os.PathLike[str], format: str, out: str | os.PathLike[str],
           *, verify: bool = True) -> ExportResult:
    """Write the records of ``package`` (folder or ``.zip``) to ``out`` as ``format``.

    ``format`` is one of ``parquet``, ``csv``, ``dolma`` (another ``str`` is a
    ``ValueError``, a value of another type a ``TypeError``).
    The package is verified first unless ``verify=False``. An existing ``out`` is replaced
    only once the new file is complete, and keeps its permission bits; a new one gets the
    mode the umask gives.
    ``out="-"``, the string, writes to standard output instead (``"./-"``, or any
    :class:`~pathlib.Path`, ``Path("-")`` too, names a file: a Path drops the ``./``, QA):
    a reader that closes it early raises :class:`~corpuskit.errors.OutputClosed`.

    Example::

        >>> export("dist/corpuskit-seeds-1.0.0", "csv", "seeds.csv")  # doctest: +SKIP
    """
    return export_named(package, format, out, verify=verify, option=OUT_ARGUMENT)


def export_named(package: str | os.PathLike[str], format: str,
                 out: str | os.PathLike[str], *, verify: bool, option: str) -> ExportResult:
    """:func:`export`, its messages naming ``out`` as ``option``: :data:`OUT_ARGUMENT`
    as a Python caller gives it, ``--out`` as the CLI's (QA: Python callers were told
    "--out ... is a folder")."""
    verify = given_flag(verify, "verify")
    format = given_choice(format, "format", FORMATS, "export format")
    target = given_path(out, "out")
    given = given_path(package, "package")
    if isinstance(out, str) and out == STDOUT:
        if format in BINARY_FORMATS and _stdout_is_a_terminal():  # as gzip refuses (QA)
            raise UsageError(f"{given_as(option, STDOUT)} would write {format}'s binary "
                             "bytes to the terminal; redirect them to a file (> FILE), pipe "
                             f"them to a program, or give {option} a file")
        _stdout_bytes(option)  # refused before the package is read (and verified)
        with load(package, verify=verify) as corpus:
            stdout = _StandardOutput(option)
            sink = HashingWriter(cast(BinaryIO, stdout))
            count = _WRITERS[format](corpus, sink)
            stdout.flush()
        return ExportResult(format, target, count, sink.bytes, sink.sha256)
    releases = (releases_given(given) if os.path.isdir(given) and folder_kind(given) is None
                else None)
    if releases is not None:  # before --out is called inside "the package dist" (QA)
        raise InputError([Problem(str(given), "not-a-package", releases)])
    if os.path.isdir(given) and folder_kind(given) != "package" \
            and given.resolve() in (target.parent.resolve() / target.name).parents:
        # --out inside a folder that is no package: that it is none is said first, as with
        # --out elsewhere (QA: "inside the package", exit 2, and no failure JSON).
        with load(given, verify=False):
            pass
    _check_target(target, given, option)
    with load(package, verify=verify) as corpus, _output_file(target, option) as sink:
        count = _WRITERS[format](corpus, sink)
    return ExportResult(format, target, count, sink.bytes, sink.sha256)

