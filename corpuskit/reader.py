"""Read-only access to a built package, whether a folder or a ``.zip``, without extracting:
opening it (:func:`open_package`, :class:`FolderSource`), and reading its descriptor and
its records, each checked.

Used by validate, diff, load and info. An archive is read in place, one member at a time
(:mod:`corpuskit.zipfiles.zipsource`); member names are checked before use and nothing from an
archive is ever written.
"""

from __future__ import annotations

import codecs
import io
import os
import stat
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import orjson

from .errors import InputError
from .foreignpackages import foreign_package
from .gitlfs import LFS_ADVICE, is_lfs_pointer
from .models import RECORD_FIELDS, Record, record_from_dict
from .otherarchives import misplaced_package, other_archive, seeds_in_zip, seeds_zip_advice
from .package import DOCUMENTS_PATH
from .packagesource import DESCRIPTOR, PackageSource
from .pathargs import missing_given
from .problems import Problem, one_line
from .recordshape import NOT_CANONICAL, RECORD_SCHEMA, not_written, real_date, record_shape
from .regularfiles import (
    LinkedFolder,
    UnenteredFolder,
    open_regular,
    read_problem,
    unreadable_given,
)
from .schemacheck import (
    DATAPACKAGE_V2_PROFILE,
    duplicate_key_problems,
    iter_problems,
    json_problems,
    not_json,
)
from .wording import shell_word
from .zipfiles.archive import package_files
from .zipfiles.archiveseal import ends_in_a_seal
from .zipfiles.zipdirectory import ArchiveReadError
from .zipfiles.zipsource import ZipSource

#: The longest record line a reader takes, as ``validate`` does (three times the largest
#: raw file a build accepts: JSON escapes can triple a text's size).
MAX_RECORD_LINE_BYTES = 3 * 256 * 1024 * 1024
#: Records and archive members are read this many bytes at a time.
_CHUNK = 1 << 20


class FolderSource(PackageSource):
    def __init__(self, folder: Path) -> None:
        self.location = folder
        #: Files are read from here: the folder made absolute when opened, so that a
        #: change of the working directory afterwards does not lose it.
        self.root = folder.absolute()
        self.name = self.root.name
        self._files: list[str] | None = None
        self._real_folders: set[str] = set()  # checked: not a symbolic link

    def files(self) -> list[str]:
        if self._files is None:
            self._files = list(package_files(self.root))
        return self._files

    def size(self, rel: str) -> int:
        return (self.root / rel).stat().st_size

    def open(self, rel: str) -> IO[bytes]:
        self._refuse_linked_folders(rel)
        try:
            return os.fdopen(open_regular(str(self.root / rel)), "rb")
        except PermissionError as exc:
            raise self._unentered_folder(rel) or exc from None

    def exists(self, rel: str) -> bool:
        return (self.root / rel).is_file()

    def _unentered_folder(self, rel: str) -> UnenteredFolder | None:
        """The folder on the way to ``rel`` that this user may not enter, if that is why
        ``rel`` could not be opened (info and diff, reading the records of a package
        whose data/ was 644, advised a chmod a+r of the records file, which fails: QA
        s83); None if the file itself is what may not be read."""
        parts = rel.split("/")
        for depth in range(1, len(parts) + 1):
            try:
                os.lstat(self.root.joinpath(*parts[:depth]))
            except PermissionError as exc:
                folder = "/".join(parts[:depth - 1]) or "."
                return UnenteredFolder(folder, str(self.root.joinpath(*parts[:depth - 1])), exc)
            except OSError:
                return None
        return None

    def _refuse_linked_folders(self, rel: str) -> None:
        """A :class:`~corpuskit.regularfiles.LinkedFolder` (ELOOP) if a folder on ``rel``
        is a symbolic link: the file would be read from outside the package (``data/raw``
        linked elsewhere). The file itself is opened without following a link
        (:data:`OPEN_FLAGS`); each folder is looked at once."""
        folder = rel.rpartition("/")[0]
        while folder and folder not in self._real_folders:
            if os.path.islink(self.root / folder):
                raise LinkedFolder(folder, str(self.root / folder))
            self._real_folders.add(folder)
            folder = folder.rpartition("/")[0]


#: Files every package holds; seeds may hold a document of one of these names, not more.
PACKAGE_MARKERS = (DESCRIPTOR, "bagit.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt",
                   DOCUMENTS_PATH)


def folder_kind(path: Path) -> str | None:
    """``seeds`` or ``package`` for a folder, or None.

    Seeds hold a corpus.toml, and may hold a document named like a package file
    (``datapackage.json``, ``bagit.txt``): a folder with a corpus.toml and at most one of
    :data:`PACKAGE_MARKERS` is seeds. One with two or more is a package, so that a
    corpus.toml added to a package (with a file or two taken away) is reported as an
    unlisted file, never a reason to check the package as seeds. Any entry named
    corpus.toml counts (a folder, a broken link...): loading it then says what is wrong
    with it, rather than that there is none. A folder this user may not enter is neither
    (:func:`~corpuskit.regularfiles.unreadable_given` says why)."""
    try:
        found = {marker for marker in PACKAGE_MARKERS if _is_file(path / marker)}
        if os.path.lexists(path / "corpus.toml") and len(found) <= 1:
            return "seeds"
        if DESCRIPTOR in found or "bagit.txt" in found or len(found) > 1:
            return "package"
    except PermissionError:
        pass
    return None


def _is_file(path: Path) -> bool:
    """Whether ``path`` is a file, False where this user may not look (a package whose
    data/ they may not enter is still a package: QA found it called none)."""
    try:
        return path.is_file()
    except PermissionError:
        return False


def descriptor_given(path: Path) -> str | None:
    """What to tell of ``path`` if it is the datapackage.json of a package folder, given
    for the package (as frictionless takes it), else None."""
    if path.name == DESCRIPTOR and path.is_file() and folder_kind(path.parent) == "package":
        return (f"the descriptor of a package, not the package; pass its folder, "
                f"{path.parent}, or its .zip archive")
    return None


#: The first bytes of a zip archive: a member's local header, or the end of an empty one.
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def starts_as_zip(path: Path) -> bool:
    """Whether the file ``path`` starts as a zip archive does (one cut short still does)."""
    try:
        with path.open("rb") as handle:
            return handle.read(4) in ZIP_MAGIC
    except OSError:
        return False


def may_be_archive(path: Path) -> bool:
    """Whether the file ``path`` may be a package archive, whole or damaged: it starts as
    a zip archive does (one cut short still does), or ends in corpuskit's seal (bytes put
    before one). A corpus.toml, a records file or a text renamed ``.zip`` is neither."""
    return starts_as_zip(path) or ends_in_a_seal(path)


def is_archive_file(path: Path) -> bool:
    """Whether the regular file ``path`` is taken for a package archive: named ``.zip``, or
    starting as a zip archive does (a corpus.toml or a records file is neither, and is not
    to be called a truncated archive)."""
    return path.suffix.lower() == ".zip" or starts_as_zip(path)


#: Why a file that is not a package archive is refused, after its path.
NOT_AN_ARCHIVE = ("not a package folder nor a .zip package archive (the file does not start "
                  "as a zip archive does); pass a release's folder or its .zip")
#: Why an empty file is refused, after its path.
EMPTY_ARCHIVE = ("an empty file, not a package archive (a download or copy that wrote "
                 "nothing): get it again from where it was published, or restore it")


#: What to do about an archive member that does not inflate whole and intact (QA: info,
#: diff and export said zlib's words, "corrupt, or a zip bomb", and no step to take).
DAMAGED_MEMBER = "the archive is damaged: get it again from where it was published, or restore it"


def member_problem(rel: str, exc: ArchiveReadError) -> Problem:
    """The ``archive-error`` of the member ``rel`` that cannot be read (``exc``), worded
    as validate words it ("cannot be read: ..."), with what to do: the member named by
    the problem's path, not again in its message."""
    reason = exc.reason
    said = reason if reason.startswith("cannot be read") else f"cannot be read: {reason}"
    return Problem(rel, "archive-error", f"{said}; {DAMAGED_MEMBER}")


def not_an_archive(path: Path) -> str:
    """Why the file ``path``, which is no package archive, is refused: empty, an archive of
    another format (a ``.tar.gz``: named, with the command that unpacks it), or not one."""
    try:
        empty = path.stat().st_size == 0
    except OSError:
        empty = False
    if empty:
        return EMPTY_ARCHIVE
    if is_lfs_pointer(path):
        return LFS_ADVICE
    other = other_archive(path)
    if other is not None:
        return other.advice(path)
    if path.suffix.lower() == ".zip":  # what a download saved in its place (QA consumer 1)
        return not_a_zip(path)
    return NOT_AN_ARCHIVE


#: A file's first bytes read, and of those shown in hex where they are no text, where it
#: is refused as no zip archive.
_SHOWN_START = 24
_HEX_SHOWN = 8


def not_a_zip(path: Path) -> str:
    """Why the file ``path``, named ``.zip`` but no zip archive at all (it neither starts
    as one does nor ends in corpuskit's seal), is refused, with what it starts with: a
    web page saved in the archive's place (an error or sign-in page) is named one. (QA:
    validate called such a file a damaged corpuskit archive, to restore from version
    control, where load said "does not start as a zip archive does".)"""
    head, text, shown = _file_start(path)
    page = text.lstrip().lower().startswith(("<!doctype html", "<html"))
    begun = [magic for magic in ZIP_MAGIC if head and magic.startswith(head) and magic != head]
    if begun:
        # 'PK' alone: the start of a zip's signature, so no "it starts with 'PK', where a
        # zip archive starts with 'PK'" (QA s82 review 5)
        what = (f": it holds only {_bytes(len(head))} {shown}, the start of a zip archive's "
                f"signature '{one_line(begun[0].decode('ascii'))}' and no more: a download "
                "or copy cut short")
    else:
        what = ("" if not shown else f": it starts with {shown}"
                + (", a web page (a download that saved an error or sign-in page in the "
                   "archive's place)" if page else "")
                + f", where a zip archive starts with {_ZIP_SIGNATURE}"
                  " ('PK\\x05\\x06' if it holds no files)")
    return f"named .zip but not a zip archive{what}; get it again from where it was published"


#: A zip archive's first four bytes, as a file's start is shown (QA s82 review 5: 'PK'
#: alone was said, which a text starting "PKG-INFO" starts with too).
_ZIP_SIGNATURE = "'PK\\x03\\x04'"


def _bytes(count: int) -> str:
    """``count`` bytes in words: "the 1 byte", "the 3 bytes"."""
    return f"the {count} byte" + ("" if count == 1 else "s")


def _file_start(path: Path) -> tuple[bytes, str, str]:
    """The first bytes of the file ``path``, the text they are ("" if no UTF-8) and its
    start in words: that text quoted, else its first bytes in hex; (b"", "", "") if it
    cannot be read."""
    try:
        fd = open_regular(str(path))  # a pipe is never waited on
        with os.fdopen(fd, "rb") as handle:
            head = handle.read(_SHOWN_START)
    except OSError:
        return b"", "", ""
    try:  # a character cut by the read's end is held back, not called invalid
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return head, "", ("the bytes " + " ".join(f"{byte:02x}" for byte in head[:_HEX_SHOWN])
                          + ("..." if len(head) > _HEX_SHOWN else ""))
    return head, text, f"'{one_line(text)}" + ("...'" if len(head) == _SHOWN_START else "'")


def seeds_given(folder: Path) -> str:
    """Why the seeds folder ``folder`` is refused where a package is asked for."""
    return (f"a seeds folder (it holds corpus.toml), not a package: build it "
            f"('corpuskit build {shell_word(str(folder))}'), then pass the release it "
            "writes (dist/<name>-<version> or its .zip)")


def _what_it_is(path: Path) -> str:
    """What ``path``, which is there but no regular file, is, in words."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return "not a readable file"
    return ("a folder" if stat.S_ISDIR(mode) else "a symbolic link" if stat.S_ISLNK(mode)
            else "a pipe, socket or device")


def open_package(path: Path) -> PackageSource:
    """A package folder (holding datapackage.json) or a ``.zip`` archive of one."""
    denied = unreadable_given(path)
    if denied is not None:
        raise InputError([denied])
    if path.is_dir():
        kind = folder_kind(path)
        if kind == "seeds":  # one that holds a document named datapackage.json too (QA)
            raise InputError([Problem(str(path), "not-a-package", seeds_given(path))])
        if not (path / DESCRIPTOR).is_file():
            if os.path.lexists(path / DESCRIPTOR):  # there, but no file (QA: "missing")
                raise InputError([Problem(str(path), "not-a-package", (
                    f"its {DESCRIPTOR} is {_what_it_is(path / DESCRIPTOR)}, not a file: a "
                    "corpuskit package damaged; get it again from where it was "
                    "published"))])
            if kind == "package":  # its other files are there (QA: "no package here")
                # The file missing is named, relative to the package, as validate and
                # export name it (QA: info and diff named the folder, "." in their JSON)
                held = [marker for marker in PACKAGE_MARKERS if _is_file(path / marker)]
                raise InputError([Problem(DESCRIPTOR, "missing-file", (
                    f"a package folder without this file (it holds {', '.join(held)}): a "
                    "corpuskit package damaged, or a bag of another tool; 'corpuskit "
                    f"validate {shell_word(str(path))}' names every problem; get the "
                    "package again from where it was published"))])
            raise InputError([Problem(str(path), "not-a-package",
                                      f"no {DESCRIPTOR} here; pass a package folder or archive")])
        _refuse_foreign(path)
        return FolderSource(path)
    given = descriptor_given(path)
    if given is not None:
        raise InputError([Problem(str(path), "not-a-package", given)])
    if path.is_file():
        if not may_be_archive(path):
            raise InputError([Problem(str(path), "not-a-package", not_an_archive(path))])
        _refuse_foreign(path)
        try:
            source = ZipSource(path)
        except InputError:
            zipped = seeds_in_zip(path)
            if zipped is not None:
                raise InputError([Problem(str(path), "not-a-package",
                                          seeds_zip_advice(path, zipped))]) from None
            misplaced = misplaced_package(path)  # (QA: data/ taken for the package's folder)
            if misplaced is None:
                raise
            raise InputError([Problem(str(path), "archive-error", misplaced)]) from None
        if not source.exists(DESCRIPTOR):
            zipped = seeds_in_zip(path)
            misplaced = misplaced_package(path) if zipped is None else None
            if zipped is not None or misplaced is not None:
                source.close()
                raise InputError([
                    Problem(str(path), "not-a-package", seeds_zip_advice(path, zipped))
                    if zipped is not None else Problem(str(path), "archive-error",
                                                       str(misplaced))])
        return source
    if os.path.lexists(path):  # a pipe, socket or device (never opened) or a broken link
        kind = ("a symbolic link to nothing" if path.is_symlink() and not path.exists()
                else "not a regular file or folder (a pipe, socket or device)")
        raise InputError([Problem(str(path), "not-a-package",
                                  f"{kind}; pass a package folder or .zip archive")])
    raise InputError([Problem(str(path), "not-a-package", missing_given(str(path)))])


def _refuse_foreign(path: Path) -> None:
    """An :class:`InputError` (``not-a-package``) if the package folder or zip ``path``
    is another tool's: one problem saying so, not each file and key of corpuskit's it
    lacks (QA: a plain Data Package was "modified, damaged or renamed")."""
    foreign = foreign_package(path)
    if foreign is not None:
        raise InputError([Problem(str(path), "not-a-package", foreign)])


#: corpuskit's profile of datapackage.json (the Data Package v2 profile and more).
DESCRIPTOR_SCHEMA = "datapackage.schema.json"
#: Schema problems of one file or record shown at most (a wrong shape has many).
SHOWN_PROBLEMS = 5


def read_descriptor(source: PackageSource) -> dict[str, Any]:
    try:
        raw = source.read_bytes(DESCRIPTOR)
        data = orjson.loads(raw)
    except (FileNotFoundError, KeyError):
        raise InputError([Problem(DESCRIPTOR, "missing-file", "the package has no descriptor")]
                         ) from None
    except orjson.JSONDecodeError as exc:
        raise InputError([Problem(DESCRIPTOR, "schema-error", not_json(raw, exc))]
                         ) from None
    except ArchiveReadError as exc:
        raise InputError([member_problem(DESCRIPTOR, exc)]) from None
    except OSError as exc:
        raise InputError([read_problem(DESCRIPTOR, exc)]) from None
    if not isinstance(data, dict):
        raise InputError([Problem(DESCRIPTOR, "schema-error", "not a JSON object")])
    # Readers of a package (load, info, diff, export) take fields from it: checked first
    # against corpuskit's profile, so that a hand-edited one is an error naming the key.
    problems = duplicate_key_problems(raw, DESCRIPTOR) or list(
        json_problems(DESCRIPTOR_SCHEMA, data, DESCRIPTOR))
    if not problems:  # the Data Package v2 profile types what corpuskit's leaves open
        problems = json_problems(DATAPACKAGE_V2_PROFILE, data, DESCRIPTOR)
    if problems:
        raise InputError(problems[:SHOWN_PROBLEMS],
                         f"{DESCRIPTOR} is not a valid corpuskit package descriptor")
    return data


def iter_record_lines(source: PackageSource) -> Iterator[tuple[int, bytes]]:
    """``(line number, raw line)`` of data/documents.jsonl, streamed; a file that cannot be
    opened or read is an :class:`InputError` naming it."""
    try:
        with source.open(DOCUMENTS_PATH) as handle:
            # An archive member is a raw stream, whose lines would be read a byte per call.
            lines: IO[bytes] = handle if not isinstance(handle, io.RawIOBase) \
                else io.BufferedReader(handle, _CHUNK)
            number = 0
            while line := lines.readline(MAX_RECORD_LINE_BYTES + 1):
                number += 1
                if len(line) > MAX_RECORD_LINE_BYTES:
                    raise InputError([Problem(
                        DOCUMENTS_PATH, "too-large",
                        f"longer than {MAX_RECORD_LINE_BYTES} bytes, more "
                        "than any record corpuskit writes", f"line {number}")])
                yield number, line
    except ArchiveReadError as exc:
        raise InputError([member_problem(DOCUMENTS_PATH, exc)]) from None
    except OSError as exc:
        raise InputError([read_problem(DOCUMENTS_PATH, exc)]) from None


def read_error(location: Path | str, error: InputError) -> InputError:
    """``error``, met reading the records of the package at ``location`` (as given), with
    a summary that names the package (``dist/x-1.0.0: 1 problem found``) as diff and the
    CLI name it, its problems' paths kept relative to the package: of several packages
    open, the message says which one (QA: "data/documents.jsonl:line 5" alone)."""
    return InputError(error.problems, f"{one_line(str(location))}: {error.summary}",
                      error.skipped)


def iter_records(source: PackageSource) -> Iterator[Record]:
    """Every record of the package, one at a time, in id order (checked: see
    :func:`record_after`)."""
    previous = ""
    for number, line in iter_record_lines(source):
        record = checked_record(source, line, number, previous)
        previous = record.id
        yield record


def checked_record(source: PackageSource, line: bytes, number: int, previous: str) -> Record:
    """:func:`record_after`, except that a line refused in an archive whose records member
    is damaged is reported as the damage (``archive-error``): a flipped bit in deflated
    data inflates to a garbled line well before the member's end, where its CRC-32 is
    checked, and the line is only a symptom."""
    try:
        return record_after(line, number, previous)
    except InputError as refused:
        damage = member_damage(source, DOCUMENTS_PATH)
        if damage is None:
            raise
        raise InputError([Problem(DOCUMENTS_PATH, "archive-error",
                                  f"the archive member is damaged ({damage}); line {number} "
                                  "inflates to something that is not a record: restore the "
                                  "archive from its release")]) from refused


def member_damage(source: PackageSource, rel: str) -> str | None:
    """Why the archive member ``rel`` of ``source`` does not inflate whole and intact (its
    CRC-32 and size checked, streaming), or None: it does, or ``source`` is a folder."""
    if not isinstance(source, ZipSource):
        return None
    try:
        with source.open(rel) as handle:
            while handle.read(_CHUNK):
                pass
    except ArchiveReadError as exc:
        return str(exc)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        return str(exc) or type(exc).__name__
    return None


def record_after(line: bytes, number: int, previous: str) -> Record:
    """:func:`record_of_line`, refusing a record whose id does not come after the id
    ``previous`` of the line before it: records are sorted by id, each once."""
    record = record_of_line(line, number)
    if record.id <= previous:
        raise InputError([Problem(DOCUMENTS_PATH, "order-error",
                                  f"record {record.id!r} comes after {previous!r}; records "
                                  "are sorted by id, each once", f"line {number}")])
    return record


def record_of_line(line: bytes, number: int) -> Record:
    """The record on line ``number`` of data/documents.jsonl, checked against the record
    schema (:mod:`corpuskit.recordshape`); else an :class:`InputError` naming the line and
    each field that is wrong. Every reader of records that is not ``validate`` takes them
    from here: a record edited by hand never reaches code that trusts its fields."""
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise InputError([Problem(DOCUMENTS_PATH, "schema-error",
                                  not_json(line, exc, line=True), f"line {number}")]) from None
    shape = record_shape()
    if shape is None or not shape(data):
        problems = [Problem(p.path, p.code, f"not a valid record: {p.message}",
                            p.location.rstrip())
                    for p in iter_problems(RECORD_SCHEMA, data, DOCUMENTS_PATH,
                                           location_prefix=f"line {number} ")]
        if not problems and shape is not None:
            problems = [Problem(DOCUMENTS_PATH, "schema-error", f"the record {not_written(data)}",
                                f"line {number}")]
        if problems:
            raise InputError(problems[:SHOWN_PROBLEMS])
    if data["date"] is not None and not real_date(data["date"]):
        raise InputError([Problem(DOCUMENTS_PATH, "schema-error",
                                  f"record {data['id']!r}: date {data['date']!r} is not a "
                                  "real calendar date", f"line {number}")])
    if tuple(data) != RECORD_FIELDS or orjson.dumps(data) + b"\n" != line:
        raise InputError([Problem(DOCUMENTS_PATH, "schema-error",
                                  f"record {data['id']!r} {NOT_CANONICAL}", f"line {number}")])
    return record_from_dict(data)
