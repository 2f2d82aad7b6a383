"""Document-level diff of two corpus versions, and the semver bump it requires.

Each side is a package folder, a package ``.zip``, or a seeds folder (processed in memory
by the build's own stages, nothing written). Both sides are streamed in id order and
merge-joined, so memory stays flat however large the corpus: only the list of changes is
kept, never the records. Two packages with the same content hash are "same content" at
once, without reading their records.

The bump follows Croissant's versioning rules: MAJOR when existing records change or
disappear, MINOR when records are only added, PATCH when the records are the same but
package metadata (title, description, licenses, ...) changed. The version and the release
time stamp are labels, not content, and never count as a change.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import zipfile
import zlib
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import package
from .config import CONFIG_NAME, CorpusConfig, load_config
from .discover import NO_DOCUMENTS, discover, read_changelog, read_source
from .dist import ARCHIVE_SUFFIX, releases_given
from .errors import CorpuskitError, InputError
from .foreignpackages import foreign_package
from .models import RECORD_FIELDS, DocumentProblem, Record
from .names import escaped, shown_id
from .otherarchives import seeds_in_zip, seeds_zip_advice
from .package import CONTENT_METADATA_KEYS, DOCUMENTS_PATH, process_settings
from .packagesource import PackageSource
from .parquet import PARQUET_PATH
from .pathargs import given_flag, given_path
from .problems import (
    Problem,
    escaped_controls,
    named_under,
    one_line,
    ordered,
    printable,
    under,
)
from .reader import (
    NOT_AN_ARCHIVE,
    descriptor_given,
    folder_kind,
    iter_records,
    not_an_archive,
    open_package,
    read_descriptor,
)
from .records import process_document_reported, record_line, use_the_users_model
from .regularfiles import unreadable_given
from .semver import Version, named_as_release, names_its_release
from .wording import counted, shown_name
from .zipfiles.archivecompression import archive_compression, compression_changed
from .zipfiles.zipsource import ZipSource

if TYPE_CHECKING:  # (progress imports click: not for an annotation alone)
    from .progress import Progress

#: Version of the machine-readable diff (``schemas/diff.schema.json``).
DIFF_VERSION = 1
#: Record fields that describe the document rather than its text.
DOCUMENT_METADATA_FIELDS: tuple[str, ...] = ("title", "date", "language", "rights")
#: Record fields about the raw input and how it was normalized.
SOURCE_FIELDS: tuple[str, ...] = ("source_path", "source_bytes", "source_sha256",
                                  "source_encoding", "normalization")
#: Record fields of the raw file itself (the other source fields say how it was read).
RAW_INPUT_FIELDS: frozenset[str] = frozenset({"source_path", "source_bytes", "source_sha256"})
#: Documents of the seeds processed between two reports to a diff's ``progress`` (a bar
#: redrawn for each document of a large corpus costs more than the bar is worth).
PROGRESS_EVERY = 64


@dataclass(frozen=True)
class SideInfo:
    """One side of a diff: where it is, what it is, and its labels and identity."""

    path: str
    kind: str  # "seeds", "folder" or "zip"
    name: str
    version: str
    created: str | None
    content_hash: str | None
    documents: int
    #: A seeds folder's files left out, as build leaves them out (hidden ones, excluded
    #: ones): ``(path, why)``, told on stderr as build tells them, not part of the diff.
    skipped: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "name": self.name,
            "version": self.version,
            "created": self.created,
            "content_hash": self.content_hash,
            "documents": self.documents,
        }


@dataclass(frozen=True)
class DocumentRef:
    """A document added or removed: its id and title."""

    id: str
    title: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title}


@dataclass(frozen=True)
class DocumentChange:
    """A document present on both sides whose record differs.

    ``kind`` is ``text`` when the text changed, else ``metadata`` when a document field
    (title, date, language, rights) changed, else ``source`` when only the raw input or
    normalization record changed, else ``derived`` (only counts or hashes differ).
    ``fields`` lists every differing record field in schema order, derived ones included.
    """

    id: str
    title: str | None
    old_title: str | None
    kind: str
    fields: tuple[str, ...]
    text_diff: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "old_title": self.old_title,
            "kind": self.kind,
            "fields": list(self.fields),
        }
        if self.text_diff is not None:
            data["text_diff"] = self.text_diff
        return data


@dataclass(frozen=True)
class MetadataChange:
    """A package-level content field (``title``, ``licenses``, ...) that differs."""

    field: str
    old: Any
    new: Any

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "old": self.old, "new": self.new}


class SideError(InputError):
    """What stopped a diff: problems of one side or of both. ``problems`` names each under
    its side's path as given (``seeds/a.txt``, ``x.zip:data/documents.jsonl``), as the text
    shows them; ``sided`` holds each as its side names it (relative to it, ``.`` for the
    side itself, as ``validate --format json`` names a problem) with the side it is of,
    ``old`` or ``new``: both sides hold files of the same names (corpus.toml,
    data/documents.jsonl). ``problems`` are in the order given: OLD's, then NEW's, as the
    command line gives the sides and as ``sided`` and the summary name them."""

    def __init__(self, problems: Sequence[Problem], summary: str,
                 sided: Sequence[tuple[str, Problem]], skipped: Sequence[tuple[str, str]] = (),
                 notes: Sequence[str] = (), side: str = "") -> None:
        super().__init__(problems, summary, skipped, notes)
        # Not all in the order of their paths (InputError's): NEW's path sorting first put
        # its problems first on stderr (QA review: diff told NEW's first, its JSON OLD's)
        self.problems = tuple(problems)
        #: The side (as given) whose files ``skipped`` names, relative to it.
        self.side = side
        self.sided = tuple(sorted(sided, key=lambda found: (found[0] != "old", found[1])))

    def problem_dicts(self) -> list[dict[str, str]]:
        """The problems as ``diff --format json`` writes them (``schemas/diff.schema.json``,
        its ``failure`` form): each relative to its side, with the side."""
        return [{"side": side, **problem.as_dict()} for side, problem in self.sided]


@dataclass(frozen=True)
class Diff:
    """What changed from ``old`` to ``new`` and the bump it requires."""

    old: SideInfo
    new: SideInfo
    same_content: bool
    bump: str  # "none", "patch", "minor" or "major"
    added: tuple[DocumentRef, ...] = ()
    removed: tuple[DocumentRef, ...] = ()
    changed: tuple[DocumentChange, ...] = ()
    metadata: tuple[MetadataChange, ...] = ()
    unchanged: int = 0
    by_hash: bool = False
    #: What differs in how the two sides are packaged, which no document or metadata
    #: change shows: "processing settings", "outputs (data/documents.parquet)".
    packaging: tuple[str, ...] = ()
    #: What is said when one side's zip was deflated with another compression than the
    #: other side's seeds now choose
    #: (:func:`~corpuskit.zipfiles.archivecompression.compression_changed`), else None.
    compression: str | None = None

    @property
    def underived(self) -> tuple[str, ...]:
        """The ids of changed documents whose raw file is the same bytes on both sides,
        under the same path and processing settings: a record is derived from those alone,
        so one side's record is not what its raw file gives (QA: a release whose record was
        edited and re-signed was diffed as a text changed in the seeds, and released so)."""
        if "processing settings" in self.packaging:
            return ()
        raw = {"source_path", "source_bytes", "source_sha256"}
        return tuple(change.id for change in self.changed if not raw & set(change.fields))

    @property
    def notes(self) -> tuple[str, ...]:
        """What a reader of the diff should know about the pair itself: OLD and NEW are
        two corpora, or NEW is the older version (the diff then reads backwards), the
        packaging differs, or one side's zip was deflated otherwise than the other side's
        seeds choose."""
        compression = (self.compression,) if self.compression is not None else ()
        return (*self._pair_notes(), *compression)

    def _pair_notes(self) -> tuple[str, ...]:
        old, new = self.old, self.new
        if "empty" in (old.kind, new.kind):
            return ()
        misnamed = tuple(note for label, side in (("OLD", old), ("NEW", new))
                         if (note := _misnamed(label, side)) is not None)
        packaging: tuple[str, ...] = ()
        if self.packaging:  # what release patch releases; the bump does not count it (QA)
            differ = f"the {' and '.join(self.packaging)} differ"
            # 'release patch' releases seeds against their own release (OLD of the seeds'
            # version); NEW a package was released already, and seeds of a later version
            # were released since OLD: there it refuses, nothing to release (QA).
            advice = (": 'corpuskit release patch' releases such a change"
                      if new.kind == "seeds" and new.version == old.version else "")
            packaging = ((f"{differ}, which changes the package's files but no document or "
                          f"metadata{advice}",)
                         if self.same_content else
                         # (QA: said to change no document, above a changed one)
                         (f"{differ} too: the bump counts the changes to documents and metadata "
                          "listed below, not the settings themselves",))
        underived = self.underived
        if underived:
            packaging = (*packaging, underived_note(underived, old, new))
        if old.name != new.name:
            return (*misnamed, f"OLD and NEW are different corpora ({old.name} and "
                    f"{new.name}): every document is compared by id all the same", *packaging)
        try:
            older = Version.parse(new.version) < Version.parse(old.version)
        except ValueError:
            return (*misnamed, *packaging)
        if older:
            return (*misnamed, f"NEW ({new.version}) is an older version than OLD "
                    f"({old.version}): the changes and the bump read from OLD back to NEW; "
                    "swap them to see what the newer release changed", *packaging)
        return (*misnamed, *packaging)

    def as_dict(self) -> dict[str, Any]:
        """The machine-readable diff (``schemas/diff.schema.json``, ``diff_version`` 1)."""
        return {
            "diff_version": DIFF_VERSION,
            "old": self.old.as_dict(),
            "new": self.new.as_dict(),
            "same_content": self.same_content,
            "by_hash": self.by_hash,
            "bump": self.bump,
            "summary": {
                "added": len(self.added),
                "removed": len(self.removed),
                "changed": len(self.changed),
                "unchanged": self.unchanged,
                "metadata": len(self.metadata),
            },
            "added": [d.as_dict() for d in self.added],
            "removed": [d.as_dict() for d in self.removed],
            "changed": [c.as_dict() for c in self.changed],
            "metadata": [m.as_dict() for m in self.metadata],
            "notes": list(self.notes),
        }


def _misnamed(label: str, side: SideInfo) -> str | None:
    """A note when ``side``, a package folder or zip, is named as a release
    (``<name>-<version>``) other than the one it holds: the diff reads what it holds, under
    its own name and version, and a reader who went by the file's name would take the
    changes for another pair's (QA: a zip named as another corpus's release was diffed as
    what it held, without a word). ``validate`` reports such a name as a problem."""
    if side.kind not in ("folder", "zip") or not side.name or not side.version:
        return None
    given = Path(side.path).name
    held = f"{side.name}-{side.version}"
    stem = given[:-len(".zip")] if side.kind == "zip" and given.lower().endswith(".zip") \
        else given
    # its own name in other letter case is the user's, another version's so spelled is
    # not (QA: T-2.0.0.zip holding t-1.0.0 was diffed without a word)
    if names_its_release(stem, held) or not named_as_release(given):
        return None
    suffix = ".zip" if side.kind == "zip" else ""
    return (f"{label} is named as the release {stem}, but it holds {held}, which the diff "
            f"reads; rename it to {held}{suffix}")


def required_bump(added: int, removed: int, changed: int, metadata: int) -> str:
    """Croissant's rule: records changed/removed → major, only added → minor,
    same records but other metadata → patch, nothing → none."""
    if removed or changed:
        return "major"
    if added:
        return "minor"
    if metadata:
        return "patch"
    return "none"


def change_kind(fields: tuple[str, ...]) -> str:
    """The kind of a record change from the fields that differ (derived ones decide last)."""
    names = set(fields)
    if "text" in names:
        return "text"
    if names & set(DOCUMENT_METADATA_FIELDS):
        return "metadata"
    if names & set(SOURCE_FIELDS):
        return "source"
    return "derived"


def source_change(fields: tuple[str, ...]) -> str:
    """What changed of a document whose change is of kind ``source``, as diff and the
    changelog both word it: ``raw input`` when its raw file differs, else ``how its raw
    input was read`` (its decoding, or the normalization steps its record lists: the raw
    bytes the same). QA: diff said "source changed" where the changelog said how its raw
    input was read."""
    return "raw input" if RAW_INPUT_FIELDS.intersection(fields) else \
        "how its raw input was read"


# -- the two sides ------------------------------------------------------------------------

class _Side:
    """A corpus version to stream: its labels, its content metadata, its records in id order."""

    kind = ""

    def packaging(self) -> tuple[Any, bool] | None:
        """Its processing settings (as a descriptor records them) and whether it has the
        Parquet output; None where unknown."""
        return None

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self.skipped: tuple[tuple[str, str], ...] = ()

    @property
    def name(self) -> str:
        raise NotImplementedError

    @property
    def version(self) -> str:
        raise NotImplementedError

    @property
    def created(self) -> str | None:
        raise NotImplementedError

    def known_content_hash(self) -> str | None:
        """The content hash if known without reading records (packages), else None."""
        return None

    def content_hash(self) -> str | None:
        """The content hash, once :meth:`records` has been read to the end."""
        return self.known_content_hash()

    def metadata(self) -> dict[str, Any]:
        raise NotImplementedError

    def declared_documents(self) -> int | None:
        return None

    def records(self) -> Iterator[Record]:
        raise NotImplementedError

    def info(self) -> SideInfo:
        count = self.count
        if count == 0:
            count = self.declared_documents() or 0
        path = "" if self.kind == "empty" else str(self.path)
        return SideInfo(path, self.kind, self.name, self.version, self.created,
                        self.content_hash(), count, self.skipped)

    def close(self) -> None:
        """Release open files."""


class _PackageSide(_Side):
    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.source: PackageSource = open_package(path)
        self.kind = "zip" if isinstance(self.source, ZipSource) else "folder"
        self._measured: str | None = None
        try:
            self.descriptor = read_descriptor(self.source)
        except BaseException:
            self.source.close()
            raise

    @property
    def name(self) -> str:
        return str(self.descriptor.get("name", ""))

    @property
    def version(self) -> str:
        return str(self.descriptor.get("version", ""))

    @property
    def created(self) -> str | None:
        created = self.descriptor.get("created")
        return str(created) if created else None

    def _extension(self) -> dict[str, Any]:
        ext = self.descriptor.get("corpuskit")
        return ext if isinstance(ext, dict) else {}

    def packaging(self) -> tuple[Any, bool] | None:
        resources = self.descriptor.get("resources")
        process = self._extension().get("process")
        if not isinstance(resources, list) or process is None:
            return None
        return process, any(isinstance(resource, dict)
                            and resource.get("path") == PARQUET_PATH for resource in resources)

    def known_content_hash(self) -> str | None:
        """The stated content hash, if the records file gives it: one sha256 pass over
        data/documents.jsonl, no parsing. A hand-edited or damaged package never takes
        the shortcut of two equal stated hashes; its records are compared instead."""
        stated = self._extension().get("content_hash")
        if not isinstance(stated, str):
            return None
        return stated if stated == self.content_hash() else None

    def content_hash(self) -> str | None:
        """The content hash the records and metadata give (None if unreadable). The
        records file must have the sha256 that datapackage.json states for it: a package
        changed after it was built is not compared as if it were a release."""
        if self._measured is None:
            digest = hashlib.sha256()
            try:
                with self.source.open(DOCUMENTS_PATH) as handle:
                    while chunk := handle.read(1 << 20):
                        digest.update(chunk)
            except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile, zlib.error,
                    CorpuskitError):
                self._measured = ""  # reading the records reports what is wrong
            else:
                self._check_stated_hash(digest.hexdigest())
                self._measured = package.content_hash_of(self.descriptor, digest.hexdigest())
        return self._measured or None

    def _check_stated_hash(self, measured: str) -> None:
        stated = [resource.get("hash") for resource in self.descriptor.get("resources", [])
                  if isinstance(resource, dict) and resource.get("path") == DOCUMENTS_PATH]
        if stated != [f"sha256:{measured}"]:
            raise InputError([Problem(
                DOCUMENTS_PATH, "checksum-mismatch",
                "does not have the sha256 datapackage.json states for it: the package was "
                "changed after it was built; run 'corpuskit validate' on it, and compare "
                "a release that passes")])

    def declared_documents(self) -> int | None:
        value = self._extension().get("documents")
        if isinstance(value, float) and value.is_integer() and value >= 0:
            return int(value)  # 165.0, as a JSON tool may write it (QA: diff said 0)
        return value if isinstance(value, int) and not isinstance(value, bool) \
            and value >= 0 else None

    def metadata(self) -> dict[str, Any]:
        return {k: self.descriptor[k] for k in CONTENT_METADATA_KEYS if k in self.descriptor}

    def records(self) -> Iterator[Record]:
        for record in iter_records(self.source):  # in id order, each once (checked there)
            self.count += 1
            yield record

    def close(self) -> None:
        self.source.close()


class _Tally:
    """The documents a diff's seeds sides have processed (each side's once it is opened:
    of both, where both are seeds), told to ``progress`` every :data:`PROGRESS_EVERY` and
    at the last."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.done = self.total = 0
        self.started = False

    def expect(self, documents: int) -> None:
        """A seeds side opened, of ``documents`` to process."""
        self.total += documents

    def start(self) -> None:
        """A side's processing begins: the bar from the start, of every side opened (told
        once, with both sides' total where both are seeds)."""
        if not self.started and self.total:
            self.started = True
            self.progress(self.done, self.total)

    def advance(self) -> None:
        self.done += 1
        if self.done % PROGRESS_EVERY == 0 or self.done == self.total:
            self.progress(self.done, self.total)


class _SeedsSide(_Side):
    """A seeds folder, diffed as it would build (one process, nothing written)."""

    kind = "seeds"

    def __init__(self, path: Path, tally: _Tally | None = None) -> None:
        super().__init__(path)
        self.tally = tally
        try:
            self.config: CorpusConfig = load_config(path)
        except InputError as error:  # with the documents' problems, where they can be found
            from .validation.seeds import with_document_problems

            raise with_document_problems(path, error) from None
        discovery = discover(path, self.config.discover)
        self.sources = discovery.sources
        if tally is not None:
            tally.expect(len(self.sources))
        self.skipped = tuple(discovery.skipped)
        #: Why an exclude pattern kept nothing out: said with the problems, as build does.
        self.notes = tuple(discovery.notes)
        refused = list(discovery.problems)
        try:  # a CHANGELOG.md that build refuses (a link, unreadable) makes no diff either
            read_changelog(path)
        except InputError as error:
            refused += error.problems
        if refused:  # with every document's own, as build reports them: those of the
            # files refused for their names too, which are read and checked all the same
            from .validation.seeds import held_back_problems

            problems = [*refused, *self._document_problems(),
                        *held_back_problems(path, discovery, self.config.process,
                                            self.config.discover.max_file_bytes)]
            raise InputError(problems,
                             f"{counted(len(problems), 'problem')} in {shown_name(path)}",
                             self.skipped, self.notes)
        if not self.sources:  # nothing would build: as build, validate and info refuse it
            raise InputError([NO_DOCUMENTS], f"{counted(1, 'problem')} in {shown_name(path)}",
                             self.skipped, self.notes)
        self._digest = hashlib.sha256()
        self._done = False

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def version(self) -> str:
        return self.config.version

    @property
    def created(self) -> str | None:
        created = self.config.metadata.get("created")
        return str(created) if created else None

    def content_hash(self) -> str | None:
        if not self._done:
            return None
        return package.content_hash(self.config, self._digest.hexdigest())

    def metadata(self) -> dict[str, Any]:
        meta = self.config.metadata
        return {k: meta[k] for k in CONTENT_METADATA_KEYS if k in meta}

    def packaging(self) -> tuple[Any, bool] | None:
        # JSON's form, as a descriptor holds it (tuples as lists)
        return json.loads(json.dumps(process_settings(self.config))), self.config.parquet

    def _processed(self) -> Iterator[Record | Problem]:
        """Each document as a build makes it, in id order (discover sorts them): its record,
        or the problem that refuses it."""
        if self.tally is not None:
            self.tally.start()
        use_the_users_model(self.path)
        for ref in self.sources:
            try:
                found: Record | Problem = process_document_reported(
                    read_source(self.path, ref, max_bytes=self.config.discover.max_file_bytes),
                    self.config.process)
            except DocumentProblem as bad:
                found = bad.problem
            if self.tally is not None:  # (QA: release's comparison drew no bar)
                self.tally.advance()
            yield found

    def _document_problems(self) -> list[Problem]:
        return [found for found in self._processed() if isinstance(found, Problem)]

    def records(self) -> Iterator[Record]:
        problems: list[Problem] = []
        for record in self._processed():
            if isinstance(record, Problem):
                problems.append(record)
                continue
            self._digest.update(record_line(record))
            self.count += 1
            yield record
        if problems:
            raise InputError(problems, f"{counted(len(problems), 'problem')} in "
                                       f"{shown_name(self.path)}",
                             self.skipped, self.notes)
        self._done = True


class _EmptySide(_Side):
    """No corpus at all: the other side of a first release."""

    kind = "empty"

    def __init__(self, name: str) -> None:
        super().__init__(Path(""))
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    @property
    def version(self) -> str:
        return ""

    @property
    def created(self) -> str | None:
        return None

    def metadata(self) -> dict[str, Any]:
        return {}

    def records(self) -> Iterator[Record]:
        return iter(())


def _open_side(path: Path, role: str, tally: _Tally | None = None) -> _Side:
    """A seeds folder (holds corpus.toml), a package folder, or a package archive: the
    ``role`` side of the diff, ``old`` or ``new`` (its errors say which); a seeds folder
    tells ``tally`` the documents it processes."""
    denied = unreadable_given(path)
    if denied is not None:  # its permissions: said as such, not as what it is not
        raise _side_error(path, role, InputError([denied], "1 problem found"))
    try:
        if path.is_dir() and folder_kind(path) == "seeds":
            return _SeedsSide(path, tally)
        side = _PackageSide(path)
        try:
            side.content_hash()  # its records file is the one the package states
        except BaseException:
            side.close()
            raise
        return side
    except InputError as error:
        if [problem.code for problem in error.problems] == ["not-a-package"] \
                and (path.is_dir() or path.is_file()):
            why = ("neither a seeds folder (no corpus.toml) nor a package folder (no "
                   "datapackage.json)" if path.is_dir() else
                   "a file that is no package archive (it does not start as a zip archive "
                   "does)")
            # Another tool's package is said to be so, as load and info say it (QA); so
            # is a zip of seeds, which is no file that fails to start as a zip does (QA).
            given = foreign_package(path) or (
                releases_given(path) if path.is_dir()
                else descriptor_given(path) or _config_given(path) or _seeds_zip_given(path)
                or (None if (refused := not_an_archive(path)) == NOT_AN_ARCHIVE
                    else refused))
            error = InputError([Problem(
                str(path), "not-a-package", given or
                f"{why}; pass a seeds folder, a package folder or a package archive")])
        raise _side_error(path, role, error) from None


def _config_given(path: Path) -> str | None:
    """What to tell of ``path`` if it is a seeds folder's corpus.toml, given for the seeds
    (QA: "a file that is no package archive"), else None."""
    if path.name != CONFIG_NAME or folder_kind(path.parent) != "seeds":
        return None
    return (f"the configuration of a seeds folder, not the seeds; pass its folder, "
            f"{path.parent}")


def _seeds_zip_given(path: Path) -> str | None:
    """What to tell of the file ``path`` if it is a zip of a seeds folder (how to unpack
    it, as validate, info and load tell it), else None."""
    zipped = seeds_in_zip(path)
    return None if zipped is None else seeds_zip_advice(path, zipped)


def _side_error(side: Path, role: str, error: InputError) -> SideError:
    """``error`` from the ``role`` side of a diff, each problem's path put under that
    side's (and, in :attr:`SideError.sided`, relative to it, with ``role``)."""
    root = printable(str(side))
    relative = [problem if problem.path not in (root, "") else replace(problem, path=".")
                for problem in error.problems]
    return SideError(ordered(under(str(side), error.problems, archive=os.path.isfile(side))),
                     f"{shown_name(side)} cannot be compared: {error.summary}",
                     [(role, problem) for problem in relative],
                     # a seeds side's files left out, and its exclude notes, which may be
                     # why a refused file was read (relative to that side, as build's)
                     error.skipped, error.notes, str(side))


def _records_of(side: _Side, role: str) -> Iterator[Record]:
    """``side.records()``, its errors naming the side, the ``role`` side of the diff."""
    try:
        yield from side.records()
    except InputError as error:
        raise _side_error(side.path, role, error) from None


# -- the diff -------------------------------------------------------------------------------

def _text_diff(old: Record, new: Record, old_label: str, new_label: str) -> str:
    lines = difflib.unified_diff(
        _lines(old.text), _lines(new.text),
        fromfile=f"{old_label}/{old.id}", tofile=f"{new_label}/{new.id}")
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _lines(text: str) -> list[str]:
    """The lines of a record's text, each with its LF: a text's lines end at LF alone
    (``str.splitlines`` also ends one at a form feed, CR or U+2028, which a text may hold
    where its control characters are kept: QA, a one-line text diffed as two)."""
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


def _compare(old: Record, new: Record, text: bool, labels: tuple[str, str]
             ) -> DocumentChange | None:
    fields_ = tuple(f for f in RECORD_FIELDS if getattr(old, f) != getattr(new, f))
    if not fields_:
        return None
    kind = change_kind(fields_)
    text_diff = _text_diff(old, new, *labels) if text and "text" in fields_ else None
    return DocumentChange(new.id, new.title, old.title, kind, fields_, text_diff)


@dataclass
class _Collector:
    added: list[DocumentRef] = field(default_factory=list)
    removed: list[DocumentRef] = field(default_factory=list)
    changed: list[DocumentChange] = field(default_factory=list)
    unchanged: int = 0


def _merge(old: Iterator[Record], new: Iterator[Record], text: bool,
           labels: tuple[str, str]) -> _Collector:
    """Merge-join two id-sorted record streams (one record of each side in memory)."""
    out = _Collector()
    a = next(old, None)
    b = next(new, None)
    while a is not None or b is not None:
        if b is None or (a is not None and a.id < b.id):
            assert a is not None
            out.removed.append(DocumentRef(a.id, a.title))
            a = next(old, None)
        elif a is None or b.id < a.id:
            out.added.append(DocumentRef(b.id, b.title))
            b = next(new, None)
        else:
            change = _compare(a, b, text, labels)
            if change is None:
                out.unchanged += 1
            else:
                out.changed.append(change)
            a = next(old, None)
            b = next(new, None)
    return out


def _label(side: _Side) -> str:
    """What a text diff calls ``side``: a release by its name and version, a seeds folder
    by its folder's name (QA: the seeds were labelled as the release their corpus.toml
    names, which they are not until built)."""
    if side.kind == "seeds":
        return side.path.name or side.path.resolve().name or "seeds"
    return f"{side.name}-{side.version}" if side.version else "empty"


def _labels(old: _Side, new: _Side) -> tuple[str, str]:
    left, right = _label(old), _label(new)
    if left == right:
        left, right = f"a/{left}", f"b/{right}"
    return left, right


def _diff_sides(old: _Side, new: _Side, *, text: bool = False) -> Diff:
    """The diff of two opened sides (see :func:`diff`)."""
    known_old, known_new = old.known_content_hash(), new.known_content_hash()
    packaging = _packaging_differences(old, new)
    compression = _compression_note(old, new)
    declared = new.declared_documents()
    if known_old is not None and known_old == known_new and declared is not None:
        return Diff(old.info(), new.info(), same_content=True, bump="none",
                    unchanged=declared, by_hash=True, packaging=packaging,
                    compression=compression)
    old_meta, new_meta = old.metadata(), new.metadata()
    metadata = tuple(
        MetadataChange(key, old_meta.get(key), new_meta.get(key))
        for key in CONTENT_METADATA_KEYS if old_meta.get(key) != new_meta.get(key)
    )
    found = _merge(_records_of(old, "old"), _records_of(new, "new"), text,
                   _labels(old, new))
    bump = required_bump(len(found.added), len(found.removed), len(found.changed),
                         len(metadata))
    return Diff(old.info(), new.info(), same_content=bump == "none", bump=bump,
                added=tuple(found.added), removed=tuple(found.removed),
                changed=tuple(found.changed), metadata=metadata, unchanged=found.unchanged,
                packaging=packaging, compression=compression)


def _compression_note(old: _Side, new: _Side) -> str | None:
    """What to say when one side is a seeds folder whose ``[output] compression`` is not
    the one that deflated the other side's zip (that side itself, or the zip beside its
    release folder), else None: the compression is no part of a release, so no document or
    metadata change shows it, but it decides the zip's bytes (QA: check and release said
    so, diff did not). Said whichever side the seeds are, as the outputs' note is (QA: the
    seeds as OLD were silent)."""
    if isinstance(new, _SeedsSide):
        seeds, package = new, old
    elif isinstance(old, _SeedsSide):
        seeds, package = old, new
    else:
        return None
    if package.kind not in ("zip", "folder"):
        return None
    archive = package.path if package.kind == "zip" else package.path.with_name(
        f"{package.path.name}{ARCHIVE_SUFFIX}")
    if not archive.is_file():
        return None
    made = archive_compression(archive)
    now = seeds.config.compression
    if made is None or made == now:
        return None
    return compression_changed(archive.name, made, now, seeds.path / CONFIG_NAME)


def _packaging_differences(old: _Side, new: _Side) -> tuple[str, ...]:
    """What differs between the two sides' processing settings and outputs (see
    :attr:`Diff.packaging`); nothing where a side's are unknown."""
    known_old, known_new = old.packaging(), new.packaging()
    if known_old is None or known_new is None:
        return ()
    differing = []
    if known_old[0] != known_new[0]:
        differing.append("processing settings")
    if known_old[1] != known_new[1]:
        differing.append(f"outputs ({PARQUET_PATH} in "
                         f"{'NEW' if known_new[1] else 'OLD'} only)")
    return tuple(differing)


def diff(old: str | os.PathLike[str], new: str | os.PathLike[str], *, text: bool = False,
         progress: Progress | None = None) -> Diff:
    """Compare two corpus versions document by document.

    ``old`` and ``new`` are each a package folder, a package ``.zip`` or a seeds folder.
    With ``text=True`` every change to a document's text carries a unified diff of it.
    ``progress`` is told ``(done, total)``, the documents of a seeds side processed so far
    (of both sides, where both are seeds folders) and of how many, ending at ``(n, n)``;
    a package's records are read, not processed, and tell nothing.
    A side that cannot be compared raises :class:`corpuskit.SideError` (an
    :class:`~corpuskit.errors.InputError`), with the problems of each side that has any.

    >>> d = diff("dist/corpuskit-seeds-1.0.0", "seeds")  # doctest: +SKIP
    >>> d.bump, [c.id for c in d.changed]                 # doctest: +SKIP
    ('none', [])
    """
    old_path, new_path = given_path(old, "old"), given_path(new, "new")
    text = given_flag(text, "text")
    tally = _tally(progress)
    try:
        old_side = _open_side(old_path, "old", tally)
        try:
            new_side = _open_side(new_path, "new", tally)
            try:
                return _diff_sides(old_side, new_side, text=text)
            finally:
                new_side.close()
        finally:
            old_side.close()
    except InputError as error:
        raise _with_the_other_side(error, old_path, new_path) from None


def _with_the_other_side(error: InputError, old: Path, new: Path) -> InputError:
    """``error``, which stopped the diff on one side, with the problems of the other side
    too, read whole for them (the diff may have stopped before reaching them): all
    problems of a run are reported together. Which side failed is told by the paths its
    problems are named under (:func:`_side_error`)."""
    failed_old, failed_new = (any(named_under(side, p) for p in error.problems)
                              for side in (old, new))
    if failed_old == failed_new:  # both named already, or the two paths nest
        return error
    other, role = (new, "new") if failed_old else (old, "old")
    try:
        side = _open_side(other, role)
        try:
            deque(_records_of(side, role), maxlen=0)
        finally:
            side.close()
    except SideError as also:
        sided = error.sided if isinstance(error, SideError) else ()
        # OLD's first, whichever side stopped the diff, as the command line gives them and
        # as ``sided`` lists them (QA review: NEW's summary came first where it stopped it)
        first, second = (error, also) if failed_old else (also, error)
        return SideError([*first.problems, *second.problems],
                         f"{first.summary}; {second.summary}", [*sided, *also.sided])
    return error


def _tally(progress: Progress | None) -> _Tally | None:
    """The tally telling ``progress``, if any (refused if it cannot be called, as build
    refuses it)."""
    if progress is None:
        return None
    if not callable(progress):
        raise TypeError(f"progress must be called with the documents done and their count, "
                        f"or be None; {progress!r} cannot be called")
    return _Tally(progress)


def diff_against_nothing(seeds: Path, progress: Progress | None = None) -> Diff:
    """Every document of ``seeds`` as added (the diff of a first release); ``progress`` as
    :func:`diff` tells it."""
    new_side = _open_side(seeds, "new", _tally(progress))
    try:
        return _diff_sides(_EmptySide(new_side.name), new_side)
    finally:
        new_side.close()


def summarize(result: Diff, limit: int = 5) -> str:
    """One line naming the first changes, e.g. ``changed: a, b; added: c; metadata: title``.

    Empty when the content is the same. Used in refusal messages (bump too small, a
    released version rebuilt with other content).
    """
    parts = []
    for label, ids in (("changed", [c.id for c in result.changed]),
                       ("removed", [d.id for d in result.removed]),
                       ("added", [d.id for d in result.added]),
                       ("package metadata", [m.field for m in result.metadata])):
        if ids:
            shown = ", ".join(ids[:limit]) + (f", ... ({len(ids)} in all)"
                                              if len(ids) > limit else "")
            parts.append(f"{label}: {shown}")
    return "; ".join(parts)


def diff_or_none(old: Path | str, new: Path | str) -> Diff | None:
    """``diff(old, new)``, or None if either side cannot be read (what is wrong with it is
    said where it is checked)."""
    try:
        return diff(old, new)
    except CorpuskitError:
        return None


# -- rendering --------------------------------------------------------------------------------

def display_title(title: str | None) -> str:
    return title if title is not None else "untitled"


def _shown_pair(old: Any, new: Any, limit: int = 120) -> tuple[str, str]:
    """Two values of a package metadata field as JSON, each cut to ``limit`` characters
    from a little before where they first differ: cut from their start, two long values
    that differ near their end printed alike (QA)."""
    texts = [json.dumps(value, ensure_ascii=False, sort_keys=True) for value in (old, new)]
    if all(len(text) <= limit for text in texts):
        return texts[0], texts[1]
    same = next((at for at, (a, b) in enumerate(zip(*texts, strict=False)) if a != b),
                min(map(len, texts)))
    start = max(0, same - limit // 3) if same > limit // 2 else 0

    def cut(text: str) -> str:
        shown = ("..." if start else "") + text[start:]
        return shown if len(shown) <= limit else shown[:limit - 3] + "..."

    return cut(texts[0]), cut(texts[1])


def underived_note(ids: tuple[str, ...], old: SideInfo, new: SideInfo) -> str:
    """What a diff says of documents whose records differ where their raw files and the
    processing settings do not (:attr:`Diff.underived`)."""
    packages = [side.path for side in (old, new) if side.kind != "seeds"]
    more = f" (and {len(ids) - 1} more)" if len(ids) > 1 else ""
    return (f"{ids[0]}{more}: its raw file and the processing settings are the same on both "
            "sides, but its record is not, which a build derives from them alone: a record "
            "is not what its raw file gives (a package changed after it was built and its "
            "checksums made to agree, or one made by a corpuskit that derived it otherwise); "
            f"'corpuskit validate --reproduce {' '.join(packages)}' says which")


def _side_label(side: SideInfo) -> str:
    if side.kind == "empty":
        return "(nothing)"
    # One line, whatever the path holds (QA: a seeds folder named with an LF split it)
    # and a blank or invisible one in quotes (QA s87: wording.shown_name)
    return one_line(f"{side.name} {side.version} ({side.kind}: {shown_name(side.path)})")


#: Unicode's space separators (category Zs) that print as a blank, as a space does: a
#: no-break space, the typographic spaces, the ideographic space (not U+1680, which
#: shows as a dash).
_BLANKS = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000]")


def _printed_as(doc_id: str) -> str:
    """What an id prints as on a terminal: what a reader sees of it
    (:func:`~corpuskit.names.shown_id`), with a blank for each space separator."""
    return _BLANKS.sub(" ", shown_id(doc_id))


def _shown_ids(ids: list[str]) -> dict[str, str]:
    """How each id is shown: as it is, unless another listed id prints the same (they
    differ only in Unicode normalization, a character nothing shows or the kind of space:
    a file renamed from NFD ``café`` to NFC ``café`` is one removed and one added that
    print alike, and so is ``a b`` renamed to ``a`` + U+00A0 + ``b``); those get their
    escapes beside them (``café (caf\\u00e9)``), as the JSON tells them apart."""
    keys: dict[str, set[str]] = {}
    for doc_id in ids:
        keys.setdefault(_printed_as(doc_id), set()).add(doc_id)
    alike = {doc_id for group in keys.values() if len(group) > 1 for doc_id in group}
    return {doc_id: f"{doc_id} ({escaped(doc_id)})" if doc_id in alike else doc_id
            for doc_id in ids}


def render_text(result: Diff) -> str:
    """The diff for people: a summary, then one line per change, then text diffs if any."""
    out = [f"old: {_side_label(result.old)}", f"new: {_side_label(result.new)}"]
    out += [f"note: {note}" for note in result.notes]
    if result.same_content:
        # Said to be the content only (QA: a package with a raw file removed was "same
        # content" with no word that nothing else was looked at).
        how = (" (content hashes are equal; the packages themselves are not checked: "
               "corpuskit validate does that)" if result.by_hash else "")
        ident = result.new.content_hash or ""
        count = result.new.documents
        out.append(f"same content{how}: {count} document{'' if count == 1 else 's'}"
                   + (f", {ident}" if ident else ""))
        out.append("required bump: none")
        return "\n".join(out) + "\n"
    out.append(f"{len(result.added)} added, {len(result.removed)} removed, "
               f"{len(result.changed)} changed, {result.unchanged} unchanged; "
               f"{counted(len(result.metadata), 'package metadata field')} changed")
    out.append(f"required bump: {result.bump}")
    shown = _shown_ids([d.id for d in (*result.added, *result.removed)]
                       + [c.id for c in result.changed])
    if result.added:
        out.append("added:")
        out += [f"  + {shown[d.id]} ({_shown_title(d.title)})" for d in result.added]
    if result.removed:
        out.append("removed:")
        out += [f"  - {shown[d.id]} ({_shown_title(d.title)})" for d in result.removed]
    if result.changed:
        out.append("changed:")
        for c in result.changed:
            title = _shown_title(c.title) if c.title == c.old_title else \
                f"{_shown_title(c.old_title)} -> {_shown_title(c.title)}"
            what = source_change(c.fields) if c.kind == "source" else c.kind
            out.append(f"  ~ {shown[c.id]} ({title}): {what} changed "
                       f"[{', '.join(c.fields)}]")
    if result.metadata:
        out.append("package metadata:")
        out += [f"  ~ {m.field}: {' -> '.join(_shown_pair(m.old, m.new))}"
                for m in result.metadata]
    text = "\n".join(out) + "\n"
    diffs = [c.text_diff for c in result.changed if c.text_diff]
    if diffs:
        # Each line's control characters escaped (QA: a package's ESC sequences reached
        # the terminal); the JSON's text_diff keeps them as the texts hold them.
        text += "\n" + "\n".join(map(escaped_controls, "".join(diffs).split("\n")))
    return text


def _shown_title(title: str | None) -> str:
    """A document's title on a line of the text report, its control characters escaped
    (QA: a title's ESC sequences cleared the terminal)."""
    return escaped_controls(display_title(title))
