"""Open a built package for reading: ``corpuskit.load(path)``.

A package folder or its ``.zip`` archive (read in place, never extracted) becomes a
:class:`Corpus`: its metadata, and its documents as typed, frozen
:class:`~corpuskit.models.Record` values streamed one at a time, so memory stays flat
however large the corpus is.

By default the package goes through every check of :func:`corpuskit.validate` before a
single record is handed out (every checksum, the records against their texts and raw
files, the metadata): a package that was modified or damaged raises
:class:`PackageIntegrityError`, naming each problem as validate names it. As records are
read, each is checked again against its text, and the records file against its checksum,
so a package changed after it was loaded is caught too.

Example::

    >>> import corpuskit
    >>> corpus = corpuskit.load("dist/corpuskit-seeds-1.0.0.zip")   # doctest: +SKIP
    >>> corpus.name, corpus.version, len(corpus)                    # doctest: +SKIP
    ('corpuskit-seeds', '1.0.0', 1)
    >>> for doc in corpus.filter(language="en", since="2023-01-01"):  # doctest: +SKIP
    ...     print(doc.id, doc.date, doc.title)
    000_5126d78043eeafc4 2023-08-25 For development of Non-Aligned Movement
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import os
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from .counts import derived_mismatches
from .dist import releases_given
from .errors import ArgumentError, InputError
from .models import Record
from .package import DOCUMENTS_PATH
from .packagesource import DESCRIPTOR, PackageSource
from .pathargs import given_flag, given_path
from .problems import Problem, one_line, ordered
from .reader import (
    checked_record,
    folder_kind,
    iter_record_lines,
    may_be_archive,
    open_package,
    read_descriptor,
    read_error,
    seeds_given,
)
from .regularfiles import read_problem, readable_request, unreadable_given
from .validation.bagit import split_lines
from .validation.descriptor import NEWER_CORPUSKIT
from .validation.seal import sidecar_problem
from .wording import counted, shell_word, shown_name
from .zipfiles.zipsource import ZipSource

__all__ = ["Corpus", "License", "PackageIntegrityError", "load"]

MANIFEST = "manifest-sha256.txt"
#: A date of the form filter takes: ASCII digits, the whole string (no line end after).
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SHA256_HEX = re.compile(rb"[0-9a-f]{64}")


#: Why records are not read from a file that changed after :func:`load` verified it.
CHANGED_SINCE_VERIFIED = ("changed since it was verified (its size, times or inode differ); "
                          "load the package again to check it")
#: Why records of a verified package stopped: its file changed while they were read.
CHANGED_WHILE_READ = ("changed while it was read (its size, times or inode differ from when "
                      "load verified it); load the package again to check it")
#: Why a package is not loaded: a file :func:`load` reads itself (the archive, a folder's
#: descriptor, payload manifest or records) is not the one validate checked.
CHANGED_WHILE_VERIFIED = ("changed while load verified it (replaced or written to: its size, "
                          "times or inode differ from when the check began), so what would "
                          "be read is not what was checked; load the package again")
#: What to do about a package recording a setting this corpuskit does not know. corpuskit
#: is installed from its repository, as README says: the name on PyPI is another
#: project's, so "pip install the newer version" installed that (QA consumer 3).
NEWER_ADVICE = ("made by a newer corpuskit, it is read with that one: install the latest "
                "from corpuskit's repository (pip install 'corpuskit @ "
                "git+https://github.com/corpuskit/corpuskit', or @ the commit its publisher "
                "built it with), not by 'pip install corpuskit': that name on PyPI is another "
                "project's")
#: Why records are not read from a file that no longer exists where :func:`load` verified it.
GONE_SINCE_VERIFIED = ("no longer exists: deleted, moved or renamed since load verified it; "
                       "load the package again from where it is now")


class PackageIntegrityError(InputError):
    """The package fails :func:`corpuskit.validate`: it was modified or damaged.

    ``paths`` names every file that failed (relative to the package root; the archive
    itself, whose seal or published checksum did not match, by its path as given:
    ``location``); ``problems`` holds validate's problems, each a
    :class:`~corpuskit.problems.Problem` with its stable code (``checksum-mismatch``,
    ``missing-file``, ``unlisted-file``, ``record-mismatch``, ``metadata-mismatch``,
    ``archive-seal-mismatch``, ...). Where files or folders of a package folder are
    there but this user may not read them (``unreadable-file``: their permissions), the
    message says so and what to do, not that the package was modified.
    """

    def __init__(self, location: str, problems: Iterable[Problem]) -> None:
        found = ordered({Problem(location, p.code, p.message, p.location) if p.path == "."
                        else p for p in problems})
        self.location = location
        self.paths = tuple(dict.fromkeys(p.path for p in found))
        itself = "the folder itself" if os.path.isdir(location) else "the archive itself"
        shown = ", ".join(itself if path == location else one_line(path)
                          for path in self.paths[:5]) + (", ..." if len(self.paths) > 5
                                                         else "")
        verdict = ("corpuskit failed while checking it (a bug: please report it), so it is "
                   "not verified" if any(p.code == "internal-error" for p in found) else
                   "its file changed after load verified it (written to, or only its "
                   "status: a chmod, a link), so it is not verified as it is now"
                   if all(p.message == CHANGED_SINCE_VERIFIED for p in found) else
                   "its file changed while its records were read, after load "
                   "verified it: what was read is not what was verified"
                   if all(p.message == CHANGED_WHILE_READ for p in found) else
                   "its file is gone since load verified it, so nothing more of it is read"
                   if all(p.message == GONE_SINCE_VERIFIED for p in found) else
                   "its files were replaced or written to while load verified them, so "
                   "it was not loaded"
                   if all(p.message == CHANGED_WHILE_VERIFIED for p in found) else
                   f"it records a setting this corpuskit does not know: {NEWER_ADVICE}"
                   if any(NEWER_CORPUSKIT in p.message for p in found) else
                   # (QA: a sidecar of another form was called damage of the archive)
                   "the archive's own seal holds, and it is the published checksum beside "
                   "it that cannot be read or does not match: mend or remove that file as "
                   "the problem says, or restore the published archive"
                   if all(sidecar_problem(p) for p in found) else
                   "it is no corpuskit package, as the problem says"
                   if all(p.code == "not-a-package" for p in found) else
                   "the package was modified, damaged or renamed: do not use it as it is")
        denied = _denied(location, found)
        if denied:  # its permissions, which say nothing of its content
            one = len(denied) == 1
            what = (f"{one_line(denied[0])} cannot" if one else
                    f"{len(denied)} of its files or folders cannot")
            rest = ("" if len(found) == len(denied) else
                    " (the other problems may only follow from what cannot be read)")
            request = readable_request([os.path.join(location, rel) for rel in denied],
                                       one=one)
            super().__init__(found, f"{shown_name(location)} cannot be verified: {what} be read "
                                    f"by this user{rest}; {request} "
                                    f"(chmod -R a+rX {shell_word(location)}), or run corpuskit as "
                                    f"{'its' if one else 'their'} owner, then run it again")
            return
        super().__init__(found, f"{shown_name(location)} failed verification: "
                                f"{counted(len(found), 'problem')} in {shown}; {verdict}")


def _denied(location: str, problems: Iterable[Problem]) -> list[str]:
    """The files and folders of the package folder ``location`` among ``problems``
    (``unreadable-file``) that are there but this user may not read."""
    if not os.path.isdir(location):  # an archive's members have no permissions of their own
        return []
    return [p.path for p in problems if p.code == "unreadable-file" and p.path != location
            and unreadable_given(Path(location, p.path)) is not None]


@dataclass(frozen=True)
class License:
    """One license of the package, as its descriptor states it (any part may be absent)."""

    name: str | None
    title: str | None
    path: str | None


# -- verification -------------------------------------------------------------------------

def _documents_digest(source: PackageSource, problems: list[Problem]) -> str | None:
    """The sha256 the payload manifest gives ``data/documents.jsonl``, read a line at a
    time (validate has just proved the manifest, every line of it): nothing per line is
    kept, so memory stays flat however many raw files the manifest lists. A manifest
    changed since, so that it names the records file other than once, is a problem."""
    tail = b"  " + DOCUMENTS_PATH.encode("ascii")
    found: list[bytes] = []
    try:
        with source.open(MANIFEST) as handle:
            for _, line in split_lines(iter(lambda: handle.read(1 << 16), b""), MANIFEST,
                                       problems):
                if line.endswith(tail):
                    found.append(line[:-len(tail)])
    except (FileNotFoundError, KeyError):
        problems.append(Problem(MANIFEST, "missing-file", "the package has no such manifest"))
        return None
    except OSError as exc:
        problems.append(read_problem(MANIFEST, exc))
        return None
    if len(found) != 1 or not _SHA256_HEX.fullmatch(found[0]):
        problems.append(Problem(MANIFEST, "checksum-mismatch",
                                f"names {DOCUMENTS_PATH} with a sha256 {len(found)} times "
                                "(it did once when validate read it): changed since"))
        return None
    return found[0].decode("ascii")


# -- filtering ----------------------------------------------------------------------------

DateLike = str | dt.date


def _iso_date(value: DateLike | None, name: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):  # a wrong type, as language=5 is (QA: library 3)
        raise TypeError(f"{name} must be a date (datetime.date) or an ISO 8601 'YYYY-MM-DD' "
                        f"string, not {type(value).__name__}: {value!r}")
    if _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:  # of the right form: what is wrong is the date (QA: consumer 2)
            raise ValueError(f"{name} {value!r} is no calendar date: "
                             f"{_why_no_date(value)}") from None
    raise ValueError(f"{name} must be a date or an ISO 8601 'YYYY-MM-DD' string, "
                     f"got {value!r}")


#: The months' names, in English whatever the locale (calendar.month_name follows it).
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _why_no_date(value: str) -> str:
    """Why ``value``, of the form YYYY-MM-DD, names no day of the calendar."""
    year, month, day = (int(part) for part in value.split("-"))
    if year == 0:
        return "there is no year 0000 (years run from 0001)"
    if not 1 <= month <= 12:
        return f"there is no month {month:02d} (months run from 01 to 12)"
    days = calendar.monthrange(year, month)[1]
    if day == 0:
        return "there is no day 00 (days run from 01)"
    return f"{_MONTHS[month - 1]} {year} has {days} days"


_LANGUAGE = re.compile(r"[a-z]{2}|und")


def _languages(value: str | Iterable[str] | None) -> frozenset[str] | None:
    """The codes asked for; a code no record can hold (``EN``, ``eng``) is a ValueError,
    not a filter that silently matches nothing."""
    if value is None:
        return None
    if isinstance(value, (bytes, bytearray)) or not isinstance(value, (str, Iterable)):
        # bytes iterate as numbers ("language 101 is not a code"), an int as nothing (QA)
        raise TypeError(f"language must be a code (str) or several (a list of str), not "
                        f"{type(value).__name__}: {value!r}")
    codes = frozenset({value} if isinstance(value, str) else value)
    if not codes:
        raise ValueError("language is an empty list, which no record can match; leave it "
                         "out (None) for every language")
    for code in sorted(codes, key=repr):
        if not isinstance(code, str):  # a value of the wrong type, as language=5 is (QA)
            raise TypeError(f"language must be a code (str) or several (a list of str), "
                            f"not a list holding {type(code).__name__}: {code!r}")
        if not _LANGUAGE.fullmatch(code):
            raise ValueError(f"language {code!r} is not a code records hold: ISO 639-1 in "
                             "lowercase, such as 'en', or 'und' for undetermined")
    return codes


# -- the corpus ---------------------------------------------------------------------------

class Corpus:
    """A built package opened for reading; iterate it for its documents.

    Iterating (or calling :meth:`records`) streams ``data/documents.jsonl`` anew each
    time, in id order, one :class:`~corpuskit.models.Record` at a time. When the package
    was verified, a records file (or archive) changed since :func:`load` raises
    :class:`PackageIntegrityError` before anything is read, and the records file is hashed
    again while it streams: a change while it is read raises at the end of the pass.

    :meth:`close` (or leaving a ``with`` block) ends reading, of a folder as of an archive:
    iterating, :meth:`records`, :meth:`filter` or ``in`` after it, or going on with an
    iterator begun before it, raises ``ValueError`` ("... which is closed"), as I/O on a
    closed file does; its metadata (``name``, ``len()``, ...) stays. (QA s87: a folder's
    corpus was read on after close(), an archive's raised.)

    Example::

        >>> with corpuskit.load("dist/corpuskit-seeds-1.0.0") as corpus:  # doctest: +SKIP
        ...     english = [doc.id for doc in corpus.filter(language="en")]
    """

    def __init__(self, source: PackageSource, descriptor: dict[str, Any],
                 documents_sha256: str | None,
                 verified_as: FileIdentity | None = None) -> None:
        self._source = source
        #: The records file's sha256 as the payload manifest validate proved gives it
        #: (None: not verified).
        self._documents_sha256 = documents_sha256
        #: The records' file (a folder's documents.jsonl, or the archive) as it was when
        #: verified: a change since is refused before anything is read (see records()).
        self._verified_as = verified_as
        #: Whether :meth:`close` was called: no record is read after it.
        self._closed = False
        self.descriptor: dict[str, Any] = descriptor
        """The parsed ``datapackage.json``."""
        self.path: Path = source.location
        """The folder or archive this corpus was read from."""
        extra = descriptor.get("corpuskit") or {}
        self.name: str = str(descriptor.get("name", ""))
        self.version: str = str(descriptor.get("version", ""))
        self.title: str | None = descriptor.get("title")
        self.description: str | None = descriptor.get("description")
        self.created: str | None = descriptor.get("created")
        self.content_hash: str | None = extra.get("content_hash")
        self.documents: int = int(extra.get("documents", 0))
        self.licenses: tuple[License, ...] = tuple(
            License(lic.get("name"), lic.get("title"), lic.get("path"))
            for lic in descriptor.get("licenses") or [] if isinstance(lic, dict)
        )

    @property
    def verified(self) -> bool:
        """True when every file was checked against the manifests at load time."""
        return self._documents_sha256 is not None

    @property
    def release_name(self) -> str:
        """``<name>-<version>``, the package folder's name."""
        return f"{self.name}-{self.version}"

    def __len__(self) -> int:
        return self.documents

    def __iter__(self) -> Iterator[Record]:
        return self.records()

    def __contains__(self, item: object) -> bool:
        """``"news/a" in corpus``: whether a document has this id (or, given a
        :class:`Record`, whether it is one of the corpus's records). The records are
        streamed in id order, up to the place the id would be."""
        wanted = item.id if isinstance(item, Record) else item
        if not isinstance(wanted, str):
            return False
        for record in self.records():
            if record.id >= wanted:
                return record.id == wanted and (record == item or not isinstance(item, Record))
        return False

    def __repr__(self) -> str:
        return (f"<Corpus {self.release_name} documents={self.documents} "
                f"content_hash={self.content_hash} verified={self.verified}>")

    def records(self) -> Iterator[Record]:
        """Every document, in id order, streamed (one line in memory at a time).

        Of a verified package, a records file (or archive) written to since :func:`load`
        verified it is refused before any record is read, even by ``in`` or a loop left
        early: :class:`~corpuskit.errors.PackageIntegrityError` (its size, times or inode
        differ: any write sets its ctime; looked at again as the file is opened). Each of
        its records is checked against its text (its counts and text_sha256) before it is
        yielded. A change made while the records are read is caught by the file's sha256
        at the end of a full pass, or where a line cannot be read or parsed
        (:meth:`_failed`): a read left before that end has not compared it. (QA: a
        partial read once yielded records changed after the check, with no error; QA
        consumer 2: this said so as if it still did.)"""
        self._refuse_if_closed()
        changed = self._since_verified()
        if changed is not None:
            raise PackageIntegrityError(str(self.path), [changed])
        digest = hashlib.sha256()
        lines = iter_record_lines(self._source)
        previous, count = "", 0
        while True:
            self._refuse_if_closed()  # an iterator begun before close(): a folder's too
            try:
                number, line = next(lines)
            except StopIteration:
                break
            except (FileNotFoundError, KeyError):
                raise InputError([Problem(DOCUMENTS_PATH, "missing-file",
                                          "the package has no records file")]) from None
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
                raise PackageIntegrityError(str(self.path), [Problem(
                    DOCUMENTS_PATH, "archive-error", f"cannot be read: {exc}")]) from None
            except PackageIntegrityError:
                raise
            except InputError as error:
                raise self._failed(error) from None
            if number == 1:  # open now: the file opened is the one stamped (QA: library 1)
                changed = self._since_verified()
                if changed is not None:
                    raise PackageIntegrityError(str(self.path), [changed])
            digest.update(line)
            try:
                record = checked_record(self._source, line, number, previous)
            except InputError as error:
                raise self._failed(error) from None
            if self._documents_sha256 is not None:
                self._cross_check(record, number)
            previous, count = record.id, count + 1
            yield record
        # The checksum first: of a verified package, a count that differs is a change.
        if self._documents_sha256 is not None \
                and digest.hexdigest() != self._documents_sha256:
            raise PackageIntegrityError(str(self.path), [Problem(
                DOCUMENTS_PATH, "checksum-mismatch",
                "changed while it was read (it matched its manifest when loaded)")])
        if count != self.documents:
            raise read_error(self.path, InputError([Problem(
                DESCRIPTOR, "metadata-mismatch", f"corpuskit.documents says {self.documents}, "
                f"{DOCUMENTS_PATH} holds {count} records", "/corpuskit/documents")]))

    def _since_verified(self, *, while_read: bool = False) -> Problem | None:
        """Why the records' file (a folder's records file, or the archive) is not the one
        :func:`load` verified (its status differs, or it no longer exists), or None: it is,
        or the package was not verified. ``while_read``: found as its records were read."""
        if self._verified_as is None:
            return None
        where, named, stamp = self._verified_as
        now = _stamp(where)
        if now == stamp:
            return None
        if now is None and not os.path.lexists(where):  # (QA: "a chmod, a link" was said)
            return Problem(named, "missing-file", GONE_SINCE_VERIFIED)
        return Problem(named, "checksum-mismatch",
                       CHANGED_WHILE_READ if while_read else CHANGED_SINCE_VERIFIED)

    def _failed(self, error: InputError) -> InputError:
        """What to raise for ``error``, met reading or parsing a line of the records. Of a
        verified package, a :class:`PackageIntegrityError` naming it: its file changed
        while it was read (its status looked at again), or else the problems found, as a
        package verified cannot fail later for any other reason (QA: a plain InputError,
        "not valid JSON", "archive ends inside this entry's data", naming no package). Of
        one not verified, ``error`` with a summary naming the package
        (:func:`~corpuskit.reader.read_error`)."""
        if self._verified_as is None:
            return read_error(self.path, error)
        changed = self._since_verified(while_read=True)
        return PackageIntegrityError(str(self.path),
                                     [changed] if changed is not None else error.problems)

    def _cross_check(self, record: Record, number: int) -> None:
        """The checks of a verified package's record that no checksum makes (validate's
        cross-checks): its counts and text_sha256 against its text. A package re-signed
        after an edit passes every checksum; a record that disagrees with itself is never
        yielded from a package called verified. (Its source_sha256 is the one validate
        compared with its raw file: the records file is the one validate read, unless it
        changes while it is read, which its sha256 at the end of the pass finds.)"""
        wrong = derived_mismatches(record.text, record.text.encode("utf-8"),
                                   text_sha256=record.text_sha256, chars=record.chars,
                                   words=record.words, paragraphs=record.paragraphs)
        if wrong:
            raise PackageIntegrityError(str(self.path), [Problem(
                DOCUMENTS_PATH, "record-mismatch",
                f"record {record.id!r}: {', '.join(wrong)} "
                f"{'does' if len(wrong) == 1 else 'do'} not match its text",
                f"line {number}")])

    def filter(
        self,
        *,
        language: str | Iterable[str] | None = None,
        since: DateLike | None = None,
        until: DateLike | None = None,
    ) -> Iterator[Record]:
        """Documents in ``language`` (a code or several) dated ``since``..``until`` inclusive.

        Streams like iteration does. With ``since`` or ``until``, undated documents are
        left out. Dates are ``datetime.date`` values or ``"YYYY-MM-DD"`` strings (a
        ``datetime`` counts as its date). A language code or date of a form no record can
        hold (``"EN"``, ``"eng"``, ``"2023/01/01"``, an empty list) raises ``ValueError``
        at once, and one of another type (``5``, ``2023``) ``TypeError``; a well-formed
        code that no record holds (``"zz"``) matches nothing.

        Example::

            >>> docs = corpus.filter(language=["en", "fr"], since="2023-01-01",
            ...                      until="2023-12-31")          # doctest: +SKIP
            >>> [d.id for d in docs]                             # doctest: +SKIP
            ['000_5126d78043eeafc4']
        """
        low, high = _iso_date(since, "since"), _iso_date(until, "until")
        if low is not None and high is not None and low > high:
            raise ValueError(f"since {low} is after until {high}: no date is in between; "
                             "swap them")
        return self._filtered(_languages(language), low, high)

    def _filtered(self, wanted: frozenset[str] | None, low: str | None, high: str | None
                  ) -> Iterator[Record]:
        for record in self.records():
            if wanted is not None and record.language not in wanted:
                continue
            if low is not None or high is not None:
                if record.date is None:
                    continue
                if (low is not None and record.date < low) or (
                        high is not None and record.date > high):
                    continue
            yield record

    def _refuse_if_closed(self) -> None:
        """Raise ``ValueError`` if :meth:`close` was called, a folder's corpus as an
        archive's (whose handle is gone), as a closed file refuses I/O."""
        if self._closed:
            raise ValueError(f"I/O operation on {self.path}, which is closed; open it again "
                             "(corpuskit.load) to read it")

    def close(self) -> None:
        """End reading: release the archive handle (a folder holds none); reading a record
        after it, from a folder or an archive, raises ``ValueError`` (see the class)."""
        self._closed = True
        self._source.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


#: The file a change to the records changes (a folder's records file, or the archive;
#: absolute: the working folder may change), the path a problem with it is given
#: (:data:`DOCUMENTS_PATH`, or ``"."``: the archive itself; decided at load, not from the
#: working folder of the moment), with its device, inode, size, mtime and ctime (ns), or
#: None where it cannot be looked at.
FileIdentity = tuple[Path, str, "tuple[int, int, int, int, int] | None"]


def _identity(location: Path) -> FileIdentity:
    """:data:`FileIdentity` of the records of the package at ``location``."""
    where = location.absolute()
    if where.is_dir():
        where = where / DOCUMENTS_PATH
        return where, DOCUMENTS_PATH, _stamp(where)
    return where, ".", _stamp(where)


def _read_after_validate(location: Path) -> list[FileIdentity]:
    """:data:`FileIdentity` of each file :func:`load` reads itself once validate has checked
    the package at ``location``, taken before validate reads them: the records' file
    (:func:`_identity`, first), and a folder's descriptor and payload manifest, read by
    path (an archive's are members of it)."""
    records = _identity(location)
    if records[1] == ".":
        return [records]
    folder = location.absolute()
    return [records, *((folder / rel, rel, _stamp(folder / rel))
                       for rel in (DESCRIPTOR, MANIFEST))]


def _changed_while_verified(source: PackageSource, stamped: list[FileIdentity]
                            ) -> list[Problem]:
    """The files of ``stamped`` (see :func:`_read_after_validate`) that are not the ones
    validate checked: replaced or written to since they were stamped (validate opens
    them by path), or, for an archive, the file held open, which load and the records
    read, is another than the one its path named (QA: library 1: an archive renamed over
    while it was opened gave the old one's records, called verified)."""
    changed = [Problem(named, "checksum-mismatch", CHANGED_WHILE_VERIFIED)
               for where, named, stamp in stamped if stamp is None or _stamp(where) != stamp]
    if not changed and isinstance(source, ZipSource):
        try:
            held: tuple[int, int, int, int, int] | None = _of_status(source.status())
        except OSError:
            held = None
        if held != stamped[0][2]:
            changed.append(Problem(".", "checksum-mismatch", CHANGED_WHILE_VERIFIED))
    return changed


def _stamp(path: Path) -> tuple[int, int, int, int, int] | None:
    try:
        return _of_status(os.stat(path))
    except OSError:
        return None


def _of_status(status: os.stat_result) -> tuple[int, int, int, int, int]:
    """A file's device, inode, size, mtime and ctime (ns): any write sets its ctime."""
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns,
            status.st_ctime_ns)


def _folder_given(folder: Path) -> str | None:
    """Why ``folder``, no package, is refused, when it is a folder of releases (naming the
    one to pass, as info and diff do) or a seeds folder (QA: both were told "no
    datapackage.json here"); None for any other folder."""
    if folder_kind(folder) == "seeds":
        return seeds_given(folder)
    return releases_given(folder)


def load(path: str | os.PathLike[str], *, verify: bool = True,
         reproduce: bool = False) -> Corpus:
    """Open the package folder or ``.zip`` archive at ``path``.

    With ``verify=True`` (the default) the package goes through every check of
    :func:`corpuskit.validate` first (an archive's seal, every checksum, the records
    against their texts and raw files, the metadata): a package validate refuses is never
    loaded; :class:`PackageIntegrityError` names each of validate's problems; nothing is
    yielded from a package that fails.
    ``reproduce=True`` adds validate's ``reproduce`` check: every record derived again
    from its raw file with the package's recorded settings. Only that finds a package
    re-signed throughout by whoever changed a text (the record's hashes and counts, the
    manifests, the descriptor and the archive's seal rewritten to agree with it); it runs
    the whole pipeline again, at about the speed of a build.
    ``verify=False`` skips the check (faster on a package you just verified); with
    ``reproduce=True`` it is a ``ValueError``. Other unreadable input raises
    :class:`~corpuskit.errors.InputError`.

    Example::

        >>> import corpuskit
        >>> corpus = corpuskit.load("dist/corpuskit-seeds-1.0.0.zip")  # doctest: +SKIP
        >>> corpus.content_hash                                        # doctest: +SKIP
        'sha256:6fc6586a...'
        >>> next(iter(corpus)).title                                   # doctest: +SKIP
        'For development of Non-Aligned Movement'
    """
    verify, reproduce = given_flag(verify, "verify"), given_flag(reproduce, "reproduce")
    if reproduce and not verify:
        raise ArgumentError("load: reproduce=True is a check, and verify=False skips every "
                            "check; leave verify=True")
    location = given_path(path, "path")
    try:
        source = open_package(location)
    except InputError as error:
        # An archive that cannot even be opened (cut short by a download: it starts as
        # one; a flipped byte in its central directory, bytes put before it: it ends in
        # a seal) is a damaged package, as one whose checksums do not match: validate
        # names what it finds, the seal and the published <archive>.sha256 among them.
        # Anything else is not a package, even if named .zip.
        # So is a package folder whose datapackage.json is gone (QA: "no package here").
        damaged_folder = os.path.isdir(location) and [
            problem.code for problem in error.problems] == ["missing-file"]
        # A zip of another tool's or of a seeds folder is no package damaged: said as
        # info and export say it (QA: "modified, damaged or renamed", 9 problems).
        foreign = all(problem.code == "not-a-package" for problem in error.problems)
        if verify and not foreign and ((os.path.isfile(location)
                                        and may_be_archive(location)) or damaged_folder):
            from .validation import validate

            found = list(validate(location).problems)
            raise PackageIntegrityError(str(location), found or list(error.problems)) from None
        if damaged_folder:  # its datapackage.json named relative to it: the summary names it
            raise read_error(location, error) from None
        if os.path.isdir(location) and [p.code for p in error.problems] == ["not-a-package"]:
            given = _folder_given(location)
            if given is not None:
                raise InputError([Problem(str(location), "not-a-package", given)]) from None
        raise
    try:
        documents_sha256: str | None = None
        # Stamped before validate reads them: after it, what load reads is checked to be
        # what validate read, by these stamps (QA: library 1).
        stamped = _read_after_validate(location) if verify else []
        verified_as = stamped[0] if stamped else None
        if verify:
            # Every check validate makes (the seal, every checksum, the records against
            # their texts and raw files, the metadata): a package validate refuses is
            # never loaded, and its problems are named as validate names them. The files
            # are read once, by validate; records() then checks the records file against
            # the sha256 the payload manifest validate has just proved gives it (that line
            # alone is kept: memory stays flat in the number of documents).
            from .validation import validate

            problems = list(validate(location, reproduce=reproduce).problems)
            if problems:
                raise PackageIntegrityError(str(location), problems)
            documents_sha256 = _documents_digest(source, problems)
            if problems:  # changed since validate read it
                raise PackageIntegrityError(str(location), problems)
        try:
            descriptor = read_descriptor(source)
        except InputError as error:  # of a verified package: it changed since validate
            if not verify:  # named with its package, as verified (QA consumer 3: not so)
                raise read_error(location, error) from None
            raise PackageIntegrityError(str(location), _changed_while_verified(
                source, stamped) or error.problems) from None
        changed = _changed_while_verified(source, stamped) if verify else []
        if changed:  # validate checked other files than those read here
            raise PackageIntegrityError(str(location), changed)
        return Corpus(source, descriptor, documents_sha256, verified_as)
    except BaseException:
        source.close()
        raise
