"""Stage 1, discover: list the seeds folder and read input files.

The only stage that touches the input folder. Everything it finds ends either as a
:class:`SourceRef` or as a problem with a reason; hidden files are skipped and named.
"""

from __future__ import annotations

import errno
import os
import stat
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import BrokenExecutor, CancelledError, Executor, Future
from contextlib import suppress
from dataclasses import dataclass
from fnmatch import fnmatchcase
from itertools import groupby, islice
from operator import itemgetter
from pathlib import Path
from unicodedata import normalize

from .changelog import text_problems
from .config import CHANGELOG_NAME, CONFIG_NAME, DiscoverConfig, link_problem, read_regular
from .errors import InputError
from .gitlfs import LFS_FILE_ADVICE, is_lfs_pointer_data
from .gitworktree import recorded_as_link
from .listings import FolderIdentity, Listings, TopListing, folder_identity, paths_digest
from .models import DocumentProblem, RawDocument, SourceRef
from .models import document_id as document_id  # part of this stage's interface
from .names import MAX_PATH_BYTES as MAX_PATH_BYTES  # the name rules, shared with validate
from .names import RESERVED_NAMES as RESERVED_NAMES
from .names import WINDOWS_DEVICE_NAMES as WINDOWS_DEVICE_NAMES
from .names import WINDOWS_FORBIDDEN as WINDOWS_FORBIDDEN
from .names import (
    check_name,
    collisions,
    is_hidden,
    lookalike_ids,
    name_shown,
    reserved_lookalike,
)
from .names import collision_key as collision_key
from .problems import Problem, not_utf8, ordered, printable
from .regularfiles import not_permitted, owner_is_other, special_kind
from .seedstate import SETTLE_NS
from .sourcerefs import SourceRefs


def not_regular(kind: str) -> str:
    """Why a seeds entry that is not a regular file (``kind``: what it is, where known) is
    refused, when listed, and when read."""
    return (f"not a regular file ({kind}); move it out of the seeds folder, or exclude it "
            "with discover.exclude in corpus.toml")

#: Bytes read at a time from a seeds file that grew after it was discovered.
_READ_CHUNK = 1 << 20


#: A seeds folder in which discovery found no document to build.
NO_DOCUMENTS = Problem(".", "empty-document",
                       "the seeds folder holds no documents; add text files (hidden files and "
                       "those discover.exclude in corpus.toml names are skipped)")


@dataclass(frozen=True)
class Discovery:
    """The documents found (sorted by id), problems, and files deliberately skipped."""

    #: Held compactly (:mod:`corpuskit.sourcerefs`): a million of them are a build's
    #: largest table.
    sources: SourceRefs
    problems: tuple[Problem, ...]
    skipped: tuple[tuple[str, str], ...]
    #: The document files listed: the sources and those refused for their names or ids.
    listed: int = 0
    #: Regular files refused for their names or ids alone (not packaged): their content is
    #: still checked, so that renaming them brings up no new problem.
    held_back: tuple[SourceRef, ...] = ()
    #: What to say of ``discover.exclude`` patterns that matched nothing but would match
    #: if written otherwise (:func:`exclude_notes`).
    notes: tuple[str, ...] = ()


#: Why a file or folder matched by a ``discover.exclude`` pattern is skipped.
EXCLUDED = "excluded by discover.exclude"


def skip_reason(relpath: str, exclude: tuple[str, ...], *, folder: bool = False
                ) -> str | None:
    """Why the file or ``folder`` ``relpath`` is skipped, or None: hidden (a name starting
    with ``.``), or matched by a ``discover.exclude`` pattern. A folder skipped is not
    walked: nothing in it is a document (as a folder in ``.gitignore``). Patterns match
    the whole relative path (fnmatch); as in ``.gitignore``, one ending in ``/`` matches
    folders only, and a leading ``/`` or ``./`` only says that the path starts at the top
    of the seeds folder, as every path does."""
    if is_hidden(relpath.rpartition("/")[2]):
        return "hidden"
    if exclude and any(_excludes(pattern, relpath, folder) for pattern in exclude):
        return EXCLUDED
    return None


def excluded_by(relpath: str, exclude: tuple[str, ...], *, folder: bool = False
                ) -> int | None:
    """The index of the first ``exclude`` pattern that matches the file or ``folder``
    ``relpath``, or None."""
    return next((index for index, pattern in enumerate(exclude)
                 if _excludes(pattern, relpath, folder)), None)


def exclude_notes(exclude: tuple[str, ...], seeds_name: str, paths: Sequence[str],
                  skipped: Iterable[tuple[str, str]]) -> list[str]:
    """A note for each ``discover.exclude`` pattern that matched no file or folder while
    the same pattern written as it was likely meant matches one of ``paths`` (the
    documents found): the seeds folder's own name before it, ``\\`` between folders, or
    another case (QA: "seeds/news/doc2.txt", "news\\doc1.txt" and "*.TXT" matched
    nothing, said nothing, and the files they were to keep out were packaged). A pattern
    that matches nothing and nothing like it (``*.bak`` with no backup file) is no
    mistake: nothing is said of it."""
    excluded = [path for path, reason in skipped if reason == EXCLUDED]
    notes = []
    for index, pattern in enumerate(exclude):
        if any(_excludes(pattern, path, True) or _excludes(pattern, path, False)
               for path in excluded):
            notes.extend(_top_left_in(index, pattern, paths))
            continue
        said = f"discover.exclude[{index}] {pattern!r} matches no file or folder"
        taken_back = _first_match(pattern[1:], excluded) if pattern.startswith("!") else None
        if taken_back is not None:  # (QA: s77 newc 11, a .gitignore's "!" said nothing)
            notes.append(f"{said}: {_NOT_TAKEN_BACK}; {_left_out(taken_back, exclude)}: "
                         "to keep it in, change that pattern")
            continue
        bare = pattern.removeprefix("./").lstrip("/")
        fixes = ([("folders are separated by '/', not '\\'", pattern.replace("\\", "/"))]
                 if "\\" in pattern else [])
        if pattern != pattern.rstrip():  # (a name may begin with a space: QA)
            fixes.append(("no name the build takes ends with a space", pattern.rstrip()))
        if bare.startswith(seeds_name + "/"):
            fixes.append(("patterns are paths from inside the seeds folder, without its "
                          "name", bare[len(seeds_name) + 1:]))
        # The .gitignore habits (QA: "**/*.md" left the top's b.md in, "../b.md" all)
        fixes.extend(_habit_fixes(pattern, seeds_name))
        # "read as documents", not "packaged": said by a build that failed and by validate
        # too, which package nothing (QA: seeds 1)
        for why, fixed in fixes:
            if _first_match(fixed, paths) is not None:
                notes.append(f"{said}: {why}; {fixed!r} matches, and what it matches was "
                             "read as documents")
                break
        else:
            alike = _first_match(pattern, paths, ignore_case=True)
            if alike is not None:
                what = (f"the folder {alike[:-1]!r}, whose files were read as documents"
                        if alike.endswith("/") else f"{alike!r}, which was read as a document")
                notes.append(f"{said}: patterns match the case of names exactly; with case "
                             f"ignored it would match {what}")
    return notes


#: Why a pattern with a .gitignore's leading "!" matches nothing.
_NOT_TAKEN_BACK = ("a leading '!' does not take back what other patterns leave out (unlike "
                   "in a .gitignore), it is read as part of the name")


def _left_out(path: str, exclude: tuple[str, ...]) -> str:
    """``'b.md', which it was to keep in, was left out by discover.exclude[0] '*.md'``:
    the first pattern that matches the file or folder (ending in ``/``) ``path``."""
    index = excluded_by(path.rstrip("/"), exclude, folder=path.endswith("/"))
    by = "" if index is None else f" by discover.exclude[{index}] {exclude[index]!r}"
    return f"{path!r}, which it was to keep in, was left out{by}"


def _top_left_in(index: int, pattern: str, paths: Sequence[str]) -> list[str]:
    """A note for ``pattern``, with a leading ``**/``, that matched inside folders while
    the same without it matches some of ``paths`` (the documents found) at the top of the
    seeds folder, which the pattern left in, as a .gitignore's would not (QA s77: "**/*.md"
    kept sub/c.md out and packaged the top's b.md without a word, once it matched any
    file in a folder)."""
    if not pattern.startswith("**/"):
        return []
    fixed = pattern
    while fixed.startswith("**/"):
        fixed = fixed[3:]
    left = [path for path in paths if _first_match(fixed, [path]) is not None]
    if not left:
        return []
    first = _first_match(fixed, left[:1]) or left[0]
    top = "at the top of the seeds folder"
    what = (f"the folder {first[:-1]!r}, {top}, whose files were read as documents"
            if first.endswith("/") else
            f"{first!r}, {top}, which was read as a document" if len(left) == 1 else
            f"{len(left)} files {top}, such as {first!r}, which were read as documents")
    them = "it" if len(left) == 1 and not first.endswith("/") else "them"
    return [f"discover.exclude[{index}] {pattern!r} matches only inside folders: a leading "
            "'**/' needs a folder before the name (unlike in a .gitignore), so it leaves "
            f"{what}; add {fixed!r} to discover.exclude to keep {them} out too"]


def _habit_fixes(pattern: str, seeds_name: str) -> list[tuple[str, str]]:
    """``(why, fixed)`` for ``pattern`` written as in a ``.gitignore``: with a leading
    ``**/``, which there matches at the top too, and here (fnmatch) needs a folder before
    the name; or climbing out of the seeds folder with ``../``, where no file is read (as
    ``../seeds/...`` from a repository's root); with a leading ``!``, which there takes
    back what other patterns leave out, and here is part of the name; or a file's name
    with the trailing ``/`` that matches folders only (QA: s77 newc 11, both silent)."""
    fixes = []
    if pattern.startswith("!"):
        fixes.append((_NOT_TAKEN_BACK, pattern[1:]))
    if pattern.endswith("/") and pattern.rstrip("/"):
        fixes.append(("a pattern ending in '/' matches folders only, and there is no such "
                      "folder", pattern.rstrip("/")))
    if pattern.startswith("**/"):
        fixed = pattern
        while fixed.startswith("**/"):
            fixed = fixed[3:]
        fixes.append(("a leading '**/' needs a folder before the name (unlike in a "
                      ".gitignore), so it matches no file at the top of the seeds folder; "
                      "'*' already crosses '/'", fixed))
    if pattern.startswith("../"):
        fixed = pattern
        while fixed.startswith("../"):
            fixed = fixed[3:]
        if fixed.startswith(seeds_name + "/"):
            fixed = fixed[len(seeds_name) + 1:]
        fixes.append(("patterns are paths from inside the seeds folder, and '..' climbs out "
                      "of it, where no file is read", fixed))
    return fixes


def _first_match(pattern: str, paths: Sequence[str], *, ignore_case: bool = False
                 ) -> str | None:
    """The first of ``paths`` or of their folders (ending in ``/``) that ``pattern``
    matches as ``discover.exclude`` does (``ignore_case``: as if it and they were lower
    case)."""
    if ignore_case:
        pattern = pattern.lower()
    for path in paths:
        name = path.lower() if ignore_case else path
        # (the folders of each, side by side: lower case may change a name's length)
        for folder, shown in zip(_folders(name), _folders(path), strict=True):
            if _excludes(pattern, folder, True):
                return shown + "/"
        if _excludes(pattern, name, False):
            return path
    return None


def _folders(path: str) -> Iterator[str]:
    """The folders ``path`` is in, from the top (``a``, ``a/b`` of ``a/b/c.txt``)."""
    at = path.find("/")
    while at != -1:
        yield path[:at]
        at = path.find("/", at + 1)


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:  # looked at again, and said, as a file is
        return False


def _excludes(pattern: str, relpath: str, folder: bool) -> bool:
    """Whether ``pattern`` matches ``relpath``, both in NFC: a name typed with "ü" matches
    one a Mac wrote as "u" and a combining diaeresis (QA: such a folder of drafts was
    packaged, with no note)."""
    if not (pattern.isascii() and relpath.isascii()):
        pattern, relpath = normalize("NFC", pattern), normalize("NFC", relpath)
    if pattern.startswith("./"):
        pattern = pattern[2:]
    pattern = pattern.lstrip("/")
    if pattern.endswith("/"):
        return folder and fnmatchcase(relpath, pattern.rstrip("/"))
    return fnmatchcase(relpath, pattern)


def _not_entered(folder: Path, entries: list[os.DirEntry[str]]) -> str | None:
    """What to say of a folder this user may list but not enter (read permission without
    execute, ``chmod 644``): each of its files was its own problem, with advice to make the
    file readable, which the chmod could not follow (QA); None if it can be entered (or
    is empty: nothing in it to read)."""
    if not entries:
        return None
    try:
        os.lstat(entries[0].path)
    except PermissionError as exc:
        what = ("ask its owner to make it enterable (chmod a+x), or run corpuskit as its owner"
                if owner_is_other(os.path.abspath(folder)) else
                "make it enterable (chmod a+x), or move it out of the seeds folder")
        return (f"cannot enter this folder: {exc.strerror}, so none of its files can be read "
                f"(it may be listed, not entered); {what}")
    except OSError:
        return None  # gone meanwhile: the file's own problem, if any
    return None


def _unlisted(root: Path, rel: str, exc: OSError) -> Problem:
    """The problem of folder ``rel`` of ``root``, which could not be listed for ``exc``."""
    if exc.errno == errno.ENAMETOOLONG:  # "make it readable" would not help
        return Problem(rel or ".", "unsafe-path",
                       f"the folder's full path is longer than this system opens "
                       f"({exc.strerror}); shorten it, or work from a folder with a shorter "
                       "path")
    folder = os.path.abspath(root / rel if rel else root)
    what = (not_permitted("a+rx", folder) if owner_is_other(folder)
            else "make it readable or move it out of the seeds folder")
    return Problem(rel or ".", "unreadable-file",
                   f"cannot list this folder: {exc.strerror or exc}; {what}")


def _too_long(relpath: str) -> Problem | None:
    """The problem of the folder ``relpath`` if its path is too long to be walked into."""
    if len(os.fsencode(relpath)) <= MAX_PATH_BYTES:
        return None
    return Problem(relpath, "unsafe-path",  # so is every path in it
                   f"the folder's path is longer than {MAX_PATH_BYTES} bytes, and so is that "
                   "of every file in it; shorten it (nothing in it was looked at)")


def _listing(root: Path, rel: str, problems: list[Problem],
             folders: list[FolderIdentity | None] | None) -> list[os.DirEntry[str]] | None:
    """The entries of folder ``rel`` of ``root``, sorted by name; None if it cannot be
    listed or entered (a problem). ``folders``: where to put its identity as it was before
    it was listed (see :mod:`corpuskit.listings`)."""
    if folders is not None:
        folders.append(folder_identity(root, rel))
    try:
        with os.scandir(root / rel if rel else root) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        problems.append(_unlisted(root, rel, exc))
        return None
    unentered = _not_entered(root / rel if rel else root, entries)
    if unentered is not None:  # listed, but none of its files can be read: one problem
        problems.append(Problem(rel or ".", "unreadable-file", unentered))
        return None
    return entries


#: An entry of the seeds' walk: its path relative to the seeds folder, itself, whether it
#: is a folder (not a link to one), and why it is skipped (None if it is not).
Walked = tuple[str, os.DirEntry[str], bool, str | None]


def _walk(root: Path, problems: list[Problem], rel: str = "", *, deep: bool = True,
          folders: list[FolderIdentity | None] | None = None, exclude: tuple[str, ...] = ()
          ) -> Iterator[Walked]:
    """The walk of the seeds folder ``root``, below its folder ``rel`` (only that folder's
    own entries if not ``deep``): each entry, with whether it is a folder and why it is
    skipped (:func:`skip_reason`), each folder's entries sorted by name, a folder's after
    it. With :func:`_walk_streamed`, the one place that says which folders are walked:
    not those skipped (hidden, or ``exclude``), nor one whose path is over
    :data:`MAX_PATH_BYTES` (a problem, as is a folder that cannot be listed).
    ``folders``: where to put the identity of each folder as it was before it was listed
    (see :mod:`corpuskit.listings`).

    One generator, with a stack of the folders being listed: a generator a folder, each
    yielding from the one below, passed every name up through every folder above it, and
    os.walk, which recurses so, was a RecursionError about 980 folders down (QA s83)."""
    entries = _listing(root, rel, problems, folders)
    if entries is None:
        return
    stack = [(rel, iter(entries))]
    while stack:
        here, left = stack[-1]
        for entry in left:
            relpath = f"{here}/{entry.name}" if here else entry.name
            try:  # (:func:`_is_folder` inline: a call per file was a few % of discovery)
                folder = entry.is_dir(follow_symlinks=False)
            except OSError:
                folder = False
            reason = skip_reason(relpath, exclude, folder=folder)
            yield relpath, entry, folder, reason
            if not (folder and deep and reason is None):
                continue
            too_long = _too_long(relpath)
            if too_long is not None:
                problems.append(too_long)
                continue
            below = _listing(root, relpath, problems, folders)
            if below is not None:
                stack.append((relpath, iter(below)))
                break
        else:
            stack.pop()


def _walk_streamed(root: Path, problems: list[Problem], rel: str = "", *,
                   exclude: tuple[str, ...] = ()) -> Iterator[Walked]:
    """:func:`_walk`, in no order: each folder's entries as the system lists them, its
    folders walked once it is (one folder open at a time), so that a caller that stops
    early does not list the whole of a folder of a million files first (0.26 s for
    100,000, where the first 2,049 take 1 ms)."""
    waiting = [rel]
    while waiting:
        here = waiting.pop()
        folder_path = root / here if here else root
        below: list[str] = []
        try:
            with os.scandir(folder_path) as it:
                for count, entry in enumerate(it):
                    if not count and (unentered := _not_entered(folder_path, [entry])):
                        problems.append(Problem(here or ".", "unreadable-file", unentered))
                        break
                    relpath = f"{here}/{entry.name}" if here else entry.name
                    folder = _is_folder(entry)
                    reason = skip_reason(relpath, exclude, folder=folder)
                    yield relpath, entry, folder, reason
                    if folder and reason is None:
                        too_long = _too_long(relpath)
                        if too_long is None:
                            below.append(relpath)
                        else:
                            problems.append(too_long)
        except OSError as exc:
            problems.append(_unlisted(root, here, exc))
        waiting += reversed(below)


def candidate_paths(seeds: Path, exclude: tuple[str, ...], *, under: str = "",
                    problems: list[Problem] | None = None, ordered: bool = True
                    ) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """What a build of the seeds folder ``seeds`` considers (below its folder ``under``,
    which the caller has seen is not skipped itself: :func:`skipped_on_the_way`): every
    entry that is no folder (a file, a symbolic link of any kind, a pipe...), with its path
    relative to ``seeds``, in the order of the build's walk (:func:`_walk`; with
    ``ordered`` false, in none, which is quicker for a caller that stops early). Left out,
    as the build leaves them: hidden entries and those ``exclude`` (``discover.exclude``)
    matches, and everything in a folder that is either; links to folders are not
    followed. corpus.toml and CHANGELOG.md at the top are among them (the build reads
    them; :func:`is_seeds_own` tells them). Each folder the build reports instead of
    walking (it cannot be listed, or its path is too long) is one of ``problems``, if
    given. Discovery, check's untracked files, the count of a build's useful workers and
    the Git LFS pointers named when corpus.toml is one all walk the seeds so."""
    sink = [] if problems is None else problems
    walked = (_walk(seeds, sink, under, exclude=exclude) if ordered
              else _walk_streamed(seeds, sink, under, exclude=exclude))
    for relpath, entry, folder, reason in walked:
        if reason is None and not folder:
            yield relpath, entry


def is_seeds_own(relpath: str) -> bool:
    """Whether the seeds entry ``relpath`` is corpus.toml or CHANGELOG.md at the top of the
    seeds folder: read by a build as its configuration and changelog, never as a document."""
    return "/" not in relpath and relpath in RESERVED_NAMES


def skipped_on_the_way(relpath: str, exclude: tuple[str, ...], *, folder: bool = False
                       ) -> tuple[str, str] | None:
    """The first of the folders on the way to the seeds entry ``relpath`` (a ``folder`` or
    not), or the entry itself, that a build skips, with why (:func:`skip_reason`): nothing
    under it is walked. None if there is none: a build considers ``relpath``."""
    parts = relpath.split("/")
    for end in range(1, len(parts) + 1):
        path = "/".join(parts[:end])
        reason = skip_reason(path, exclude, folder=folder or end < len(parts))
        if reason is not None:
            return path, reason
    return None


def discover(seeds: Path, config: DiscoverConfig, *,
             pool: Executor | None = None, cache: Path | None = None) -> Discovery:
    """Find the documents under ``seeds``: sorted, relative POSIX paths, checked names.

    With a ``pool`` (a build's idle workers), each folder at the top of ``seeds`` is
    listed by the pool, all at once: the same discovery, in a fraction of the time when
    the corpus is spread over several folders (100,000 files in 100 folders: 0.5 s on
    one core). With a ``cache`` folder, a top folder in which no folder changed since a
    build listed it is not listed again (:mod:`corpuskit.listings`).
    """
    root = seeds.resolve()
    listing = _Listing()
    listings = Listings(cache, root, config) if cache is not None else None
    if pool is None and listings is None:
        listing.walk(root, "", config)
    else:
        listing.walk_top(root, config, pool, listings)
    problems, skipped = listing.problems, listing.skipped
    # Sorted by id (stable: ties keep their order), each list let go as soon as it is
    # used: a corpus of a million documents held them all at once, and its discovery
    # peaked at 435 bytes a document (a build of it at 540 MB).
    found, listed = listing.found, listing.ids()
    listing.found, listing._ids = [], []
    order = sorted(range(len(found)), key=listed.__getitem__)
    ids = [listed[i] for i in order]
    del listed
    paths = [found[i] for i in order]
    del found, order
    if listings is None:
        problems.extend(_identity_problems(paths, ids))
    else:
        digest = paths_digest(paths)
        clashes = [] if digest == listings.clean else list(_identity_problems(paths, ids))
        problems.extend(clashes)
        listings.found_clean = None if clashes else digest
        listings.save()
    del ids
    notes = tuple(exclude_notes(config.exclude, root.name, paths, skipped)) \
        if config.exclude else ()
    bad = {p.path for p in problems}
    sources = SourceRefs(paths if not bad else (path for path in paths if path not in bad))
    held_back = sorted({*listing.held_back, *(path for path in paths if path in bad)})
    count = len(paths) + len(listing.held_back)
    del paths
    return Discovery(sources, tuple(ordered(problems)), tuple(skipped), count,
                     tuple(map(SourceRef, held_back)), notes)


class _Listing:
    """The files a walk of the seeds folder found, the problems and the files skipped,
    each in the order of the walk."""

    def __init__(self) -> None:
        self.found: list[str] = []  # relative paths
        self.problems: list[Problem] = []
        self.skipped: list[tuple[str, str]] = []
        #: Regular files refused for their names (see :attr:`Discovery.held_back`).
        self.held_back: list[str] = []
        #: The ids of the first ``len(self._ids)`` paths found (a pool's worker makes them
        #: for its folder: :func:`_listed`).
        self._ids: list[str] = []
        #: The identity of each folder listed, if asked (None: one could not be taken).
        self.folders: list[FolderIdentity | None] | None = None
        #: A symbolic link was found (its target may change without its folder).
        self.linked = False
        #: Folders changed since this time (ns) are not remembered (with ``folders``).
        self.settled_before = 0

    def ids(self) -> list[str]:
        """The document id of every path found, in order."""
        self._ids += map(document_id, self.found[len(self._ids):])
        return self._ids

    def walk(self, root: Path, rel: str, config: DiscoverConfig) -> None:
        """Everything under folder ``rel`` of ``root`` (``""``: the seeds folder)."""
        for relpath, entry, _, skipped in _walk(root, self.problems, rel, folders=self.folders,
                                                exclude=config.exclude):
            self.take(root, relpath, entry, config, skipped)

    def walk_top(self, root: Path, config: DiscoverConfig, pool: Executor | None,
                 listings: Listings | None = None) -> None:
        """:meth:`walk` of the whole folder, each folder at its top walked by ``pool`` (or
        here), or taken from ``listings`` if none of its folders changed."""
        remember = listings is not None
        # Each entry, and for a folder to walk: its remembered listing, or the pool's task
        # walking it, or None (walked here).
        top: list[tuple[str, os.DirEntry[str], str | None, bool,
                        Future[_Listing] | TopListing | None]] = []
        for relpath, entry, is_folder, skipped in _walk(root, self.problems, "", deep=False,
                                                        exclude=config.exclude):
            folder = is_folder and skipped is None
            under: Future[_Listing] | TopListing | None = None
            if folder:
                under = listings.get(relpath) if listings is not None else None
                if under is None and pool is not None:
                    try:
                        under = pool.submit(_listed, root, relpath, config, remember)
                    except (BrokenExecutor, RuntimeError):  # a worker lost: walked here
                        pool = None
            top.append((relpath, entry, skipped, folder, under))
        for relpath, entry, skipped, folder, under in top:
            self.take(root, relpath, entry, config, skipped)
            if not folder:
                continue
            if isinstance(under, TopListing):
                below = _Listing()
                below.found, below._ids, below.skipped = under.found, under.ids, under.skipped
            else:
                try:
                    below = (under.result() if under is not None
                             else _listed(root, relpath, config, remember))
                except (BrokenExecutor, CancelledError):
                    # the pool failed (a worker lost): walked here instead (a task's own
                    # error is raised: walked here, the same error would come again)
                    below = _listed(root, relpath, config, remember)
                if listings is not None and (kept := below.remembered()) is not None:
                    listings.keep(relpath, kept)
            self.ids()  # those of the files before (at the top, taken here)
            self._ids += below.ids()
            self.found += below.found
            self.problems += below.problems
            self.skipped += below.skipped
            self.held_back += below.held_back

    def remembered(self) -> TopListing | None:
        """This listing of a top folder, to remember, if it may be (see
        :mod:`corpuskit.listings`): every folder's identity taken and settled, no
        symbolic link, no problem."""
        if self.folders is None or self.linked or self.problems:
            return None
        folders = [identity for identity in self.folders if identity is not None]
        if len(folders) != len(self.folders) or any(
                max(identity[3], identity[4]) >= self.settled_before for identity in folders):
            return None
        return TopListing(self.found, self.ids(), self.skipped, folders)

    def take(self, root: Path, relpath: str, entry: os.DirEntry[str],
             config: DiscoverConfig, skipped: str | None) -> None:
        """File ``relpath`` as a document, a problem or a file ``skipped`` (why, as the walk
        said: :func:`_walk`; a folder is none: its name is checked with each file in it)."""
        if "/" not in relpath and is_seeds_own(relpath):  # (no call for most files)
            return
        if skipped is not None:
            self.skipped.append((printable(relpath), skipped))
            return
        problems = self.problems
        shown = name_shown(relpath)  # misread under a legacy locale: as it is
        try:
            # The entry's type comes with the listing (d_type): no stat per file. Its size
            # is checked against max_file_bytes by the worker that opens it (read_source).
            if entry.is_dir(follow_symlinks=False):
                return
            # A name refused is one problem; what the entry is (a link out of the folder,
            # a pipe, ...) is looked at too, and a regular file is read (held_back).
            refused_name = check_name(relpath)
            if refused_name:
                problems.append(Problem(shown, "unsafe-path", refused_name))
            if entry.is_symlink():
                self.linked = True
                target = Path(os.path.realpath(root / relpath))
                if not target.is_relative_to(root):
                    problems.append(Problem(shown, "unsafe-path", (
                        "symbolic link to a folder outside the seeds folder; folders are not "
                        "followed through links: copy its files in instead"
                        if os.path.isdir(target) else
                        "symbolic link pointing outside the seeds folder; copy the file in "
                        "instead")))
                    return
                if target.is_dir():
                    problems.append(Problem(shown, "unsafe-path",
                                            "symbolic link to a folder; folders are not followed "
                                            "through links, move the files instead"))
                    return
                unlisted = _skipped_target(target.relative_to(root).as_posix(), config.exclude)
                if unlisted is not None:
                    problems.append(Problem(shown, "unsafe-path", unlisted))
                    return
                try:
                    regular = stat.S_ISREG(target.stat().st_mode)
                except FileNotFoundError:
                    problems.append(Problem(shown, "unreadable-file", _dangling(root, relpath)))
                    return
            else:
                regular = entry.is_file(follow_symlinks=False)
            if not regular:
                kind = special_kind((target.stat() if entry.is_symlink() else
                                     entry.stat(follow_symlinks=False)).st_mode)
                problems.append(Problem(shown, "unsafe-path", not_regular(kind)))
                return
            if refused_name:
                if not entry.is_symlink():  # a link is not followed to be read
                    self.held_back.append(relpath)
                return
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # a link to itself, or a ring of links
                problems.append(Problem(shown, "unreadable-file",
                                        "a symbolic link that leads back to itself (a loop of "
                                        "links); replace it with the file it should name, or "
                                        "remove it"))
            elif entry.is_symlink():  # what it points to is in a folder it may not enter
                problems.append(Problem(shown, "unreadable-file",
                                        f"a symbolic link to {_link_text(entry.path)}, which "
                                        f"cannot be looked at: {exc.strerror or exc}; make the "
                                        "folders on its way enterable (chmod a+x), or replace "
                                        "the link with the file it should name"))
            else:
                problems.append(Problem(shown, "unreadable-file",
                                        f"cannot look at it: {exc.strerror or exc}; make it a "
                                        "readable file, or remove it"))
            return
        reserved = reserved_lookalike(relpath)
        if reserved is not None:
            problems.append(Problem(shown, "name-collision", reserved))
            if regular and not entry.is_symlink():
                self.held_back.append(relpath)
            return
        self.found.append(relpath)


def _link_text(path: str) -> str:
    """Where the symbolic link ``path`` points, as it says (printable), or ``what it names``
    if that cannot be read."""
    try:
        return printable(os.readlink(path))
    except OSError:
        return "what it names"


def _skipped_target(target: str, exclude: tuple[str, ...]) -> str | None:
    """What to tell of a symbolic link to ``target`` (relative to the seeds folder) if a
    build does not take that file as a document (hidden, excluded, in a folder that is, or
    corpus.toml or CHANGELOG.md): a link must not publish what the folder keeps out."""
    if is_seeds_own(target):
        return (f"symbolic link to {target}, which is not a document; remove the link, or "
                "copy the text in if it is one")
    skipped = skipped_on_the_way(target, exclude)
    if skipped is None:
        return None
    at, reason = skipped
    where = "" if at == target else f", in {printable(at)}"
    return (f"symbolic link to {printable(target)}{where}, which is {reason}: a build "
            "skips it, and a link must not publish what the seeds folder keeps out; "
            "remove the link, or copy the file in if it is a document")


def _dangling(root: Path, relpath: str) -> str:
    """What to tell of a symbolic link whose target does not exist."""
    try:
        shown = f" to {printable(os.readlink(root / relpath))}"
    except OSError:
        shown = ""
    return (f"symbolic link{shown}, which does not exist; remove the link or put the "
            "file it names in place")


def _listed(root: Path, rel: str, config: DiscoverConfig, remember: bool = False) -> _Listing:
    """A pool's task: the walk of folder ``rel``; ``remember``: with the identities of its
    folders, for :mod:`corpuskit.listings`."""
    listing = _Listing()
    if remember:
        listing.folders = []
        listing.settled_before = time.time_ns() - SETTLE_NS
    listing.walk(root, rel, config)
    listing.ids()  # made here, in parallel with the other folders' workers
    return listing


def _identity_problems(paths: list[str], ids: list[str]) -> Iterator[Problem]:
    """Two files with one id, or names that a case-insensitive/normalizing disk would merge.

    ``paths`` are sorted by id, and ``ids`` are their ids (so one id given twice is given
    in a row). Names collide at every level (:func:`corpuskit.names.collisions`).
    """
    duplicates = any(map(str.__eq__, ids, islice(ids, 1, None)))  # in C: usually none
    for doc_id, group in groupby(zip(ids, paths, strict=True) if duplicates else (),
                                 key=itemgetter(0)):
        named = [path for _, path in group]
        if len(named) > 1:
            for path in named:
                others = ", ".join(p for p in named if p != path)
                yield Problem(path, "duplicate-id",
                              f"document id {doc_id!r} is also the id of {others}; "
                              "rename one of them")
    colliding = set()
    for path, why, _ in collisions(paths):
        colliding.add(path)
        yield Problem(path, "name-collision", why)
    for path, why in lookalike_ids(paths, ids):
        if path not in colliding:  # names that differ only so: said once, above
            yield Problem(path, "name-collision", why)


def read_source(seeds: Path, ref: SourceRef, *, max_bytes: int) -> RawDocument:
    """Read one input file's bytes (see :func:`read_source_stat`)."""
    return RawDocument(id=ref.id, path=ref.path,
                       data=read_source_stat(seeds, ref, max_bytes=max_bytes)[0])


def read_source_stat(seeds: Path, ref: SourceRef, *, max_bytes: int
                     ) -> tuple[bytes, os.stat_result]:
    """Read one input file's bytes, and its status as it was opened (bytes, not a
    :class:`RawDocument`: a build's worker keeps only the bytes, and made a document and
    its id for nothing); a file over
    ``max_bytes`` (``discover.max_file_bytes``) is refused as ``too-large`` from its size
    alone, never read.

    Read with ``os.read``, asking for the size ``fstat`` gives plus one byte: no file
    object, no buffer (it costs a third of the time of ``Path.read_bytes`` for the small
    files a corpus holds). Getting exactly that size is the end of the file; anything else
    (a file that grew, or a short read) is read on to the end. A file that grows while it
    is read is read whole, unless it grows past ``max_bytes``: then it is refused too, and
    what was read is dropped.
    """
    try:
        fd = os.open(f"{seeds}/{ref.path}", os.O_RDONLY)  # a relative POSIX path
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):  # replaced since it was listed
                raise DocumentProblem(Problem(ref.path, "unsafe-path",
                                              not_regular(special_kind(info.st_mode))))
            if info.st_size > max_bytes:
                raise _too_large(ref, f"{info.st_size} bytes is over the limit of {max_bytes}")
            data = os.read(fd, info.st_size + 1)
            if data and len(data) != info.st_size:
                rest, size = [], len(data)
                while chunk := os.read(fd, _READ_CHUNK):
                    rest.append(chunk)
                    size += len(chunk)
                    if size > max_bytes:
                        raise _too_large(ref, f"grew past the limit of {max_bytes} bytes "
                                              "while it was read")
                if rest:
                    data = b"".join([data, *rest])
        finally:
            os.close(fd)
    except OSError as exc:
        raise DocumentProblem(Problem(ref.path, "unreadable-file",
                                      f"cannot be read: {exc.strerror or exc}; "
                                      f"{_unread(exc, seeds / ref.path)}")
                              ) from None
    linked = checked_out_link(seeds, ref.path, data)
    if linked is not None:
        raise DocumentProblem(linked)
    return data, info


#: The longest file that may be a symbolic link Git wrote as a file (its target's path).
MAX_LINK_TEXT_BYTES = 4096


def checked_out_link(seeds: Path, path: str, data: bytes) -> Problem | None:
    """The problem of the seeds file at ``path`` (in ``seeds``) whose bytes, ``data``, are
    what Git writes in place of a symbolic link where it makes none (``core.symlinks``
    false: Git for Windows without the right to make links, some CI caches): the link's
    target as one line with no line end; else None. Told narrowly, never of a text: one
    short line, no NUL, that read as a path from the file's folder names a file or folder
    there is in the seeds folder, not the file itself, and that Git's index records as a
    symbolic link (:func:`~corpuskit.gitworktree.recorded_as_link`). QA: check called the
    seeds changed, release planned a major release whose text was the path, validate
    passed it."""
    if not data or len(data) > MAX_LINK_TEXT_BYTES or b"\n" in data or b"\r" in data \
            or b"\0" in data or data.isspace():
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text.startswith(("/", "\\")):  # Git's links inside a work tree are relative
        return None
    root = os.path.abspath(seeds)
    own = os.path.normpath(os.path.join(root, path))
    target = os.path.normpath(os.path.join(os.path.dirname(own), text))
    if target in (own, root) or os.path.commonpath([root, target]) != root \
            or not os.path.exists(target) or not recorded_as_link(own):
        # (QA: an index.txt holding "chapter1.txt", a file Git records as a file, was
        # refused: only Git's index tells a link checked out as a file from a text)
        return None
    named = Path(target).relative_to(root).as_posix()
    what = "folder" if os.path.isdir(target) else "file"
    return Problem(path, "git-symlink", (
        f"holds only the path {printable(text)!r}, which names the {what} {named} of the "
        "seeds folder: it looks like a symbolic link that Git checked out as a file "
        "holding its target (core.symlinks=false); run 'git config core.symlinks true' "
        "(on Windows, enable symbolic links first: Developer Mode, or Git for Windows' "
        "symbolic links option), delete the file and check it out again (git checkout -- "
        "FILE), or replace the link in the repository by the file it names"))


def _unread(exc: OSError, path: Path) -> str:
    """What to do about the seeds file ``path`` that could not be read for ``exc``: only
    its owner may change the mode of another user's file, nor may this user move it out
    of a seeds folder that is not theirs (QA)."""
    if exc.errno in (errno.EACCES, errno.EPERM):
        if owner_is_other(os.path.abspath(path)):
            return not_permitted("a+r", os.path.abspath(path))
        return "make it readable to this user (chmod a+r), or move it out of the seeds folder"
    if exc.errno == errno.ENOENT:
        return "it was removed or renamed while it was read: run the command again"
    return "make it a readable regular file, or move it out of the seeds folder"


def _too_large(ref: SourceRef, why: str) -> DocumentProblem:
    return DocumentProblem(Problem(ref.path, "too-large", f"{why}; raise "
                                   "discover.max_file_bytes in corpus.toml or split the file"))


def seeds_files(seeds: Path, discovery: Discovery, changelog: bool) -> list[Path]:
    """The files of ``seeds`` a build reads: corpus.toml, CHANGELOG.md if there is one
    (``changelog``), and every document file listed (those refused for their names or ids
    too), as ``validate`` and ``info`` count them."""
    own = [seeds / CONFIG_NAME] + ([seeds / CHANGELOG_NAME] if changelog else [])
    return own + [seeds / ref.path for ref in (*discovery.sources, *discovery.held_back)]


def size_of(files: Iterable[Path]) -> int:
    """The bytes of ``files`` as they are now (a file gone since counts none)."""
    total = 0
    for path in files:
        with suppress(OSError):
            total += path.stat().st_size
    return total


def read_changelog(seeds: Path) -> bytes | None:
    """The maintainer's ``CHANGELOG.md`` of the seeds folder, or None if there is none (or
    it holds only whitespace).

    It ships in every release, so it must be a UTF-8 regular file of the seeds folder: a
    symbolic link that leaves the folder or leads nowhere is refused like a document's,
    and a pipe or device is refused at once (never waited on)."""
    path = seeds / CHANGELOG_NAME
    linked = link_problem(seeds, CHANGELOG_NAME)
    if linked is not None:
        raise InputError([linked])
    try:
        data = read_regular(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError([Problem(CHANGELOG_NAME, "unreadable-file",
                                  f"cannot be read: {exc.strerror or exc}; CHANGELOG.md must be "
                                  "a readable text file")]) from None
    if is_lfs_pointer_data(data):  # not fetched: neither shipped nor written after (QA:
        # a release shipped the pointer, its entry appended to the pointer's lines)
        raise InputError([Problem(CHANGELOG_NAME, "lfs-pointer", LFS_FILE_ADVICE)])
    try:  # it ships as Markdown text: build, release and validate refuse it alike
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError([not_utf8(CHANGELOG_NAME, "unreadable-file", data, exc)]) from None
    problems = text_problems(text)
    if problems:
        raise InputError(problems)
    # One of whitespace only says nothing: it is none, and the build writes the release's
    # own (QA: it shipped empty, with no entry for the version built).
    return data if text.strip() else None
