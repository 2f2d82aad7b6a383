"""What a package looks like to its checks: its files and how to open them, folder or archive.

:class:`PackageView` holds a package's listing (relative path → size) and its opener;
:func:`folder_view` lists a folder (symbolic links and special files are problems, names
held to ``build``'s rules), :func:`archive_view` an archive's members. Either can leave the
raw files out of the listing and only count them (``stream_raw``), for the clean pass.
"""

from __future__ import annotations

import errno
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO

from ..errors import FileNamesMisread
from ..names import (
    MAX_PATH_BYTES,
    collision_problems,
    escaped,
    ids_look_alike,
    locale_misreads,
    name_shown,
    names_read_as_utf8,
    raw_name_problems,
    siblings_collide,
)
from ..package import RAW_PREFIX
from ..problems import Problem, printable
from ..regularfiles import (
    LINK_IN_A_PACKAGE,
    cannot_enter,
    open_regular,
    permission_advice,
    special_kind,
)
from ..zipfiles.zipsource import ZipSource
from .records import HASH_MASK, path_token, sum_of_path_tokens

#: Size of a listed file not measured yet (raw files of a folder: measured while hashed).
UNKNOWN = -1


@dataclass
class PackageView:
    """A package's files (relative path → size) and how to open them, folder or archive.

    ``sizer`` measures one file again (folders only), for a size the listing left
    :data:`UNKNOWN` and that could not be measured by reading the file.
    """

    kind: str
    files: dict[str, int]
    opener: Callable[[str], IO[bytes]]
    problems: list[Problem] = field(default_factory=list)
    archive: ZipSource | None = None
    sizer: Callable[[str], int] | None = None
    #: The folder (None for an archive): its files can be read without ``opener``.
    root: str | None = None
    #: Listed with ``stream_raw``: the files under data/raw/ are not in ``files``, only
    #: counted, with the sum of ``path_token`` of their paths (modulo 2**128), by ``walk_raw``
    #: (which yields the listing problems found there, folder by folder, so that the caller
    #: can keep workers busy between two folders; they are counted once it is exhausted).
    streamed: bool = False
    raw_files: int = 0
    raw_hash: int = 0
    #: The raw files' sizes summed (``stream_raw``: an archive's always, a folder's where
    #: listed with ``measure_raw``, for ``--fast``'s Payload-Oxum; else 0).
    raw_bytes: int = 0
    walk_raw: Callable[[], Iterator[list[Problem]]] | None = None
    #: Two entries of one folder share a collision key (their names merge on some
    #: filesystems), or two raw files' document ids look alike (``ids_look_alike``).
    #: Listed with ``stream_raw``, the files that collide cannot be named: the clean pass
    #: gives up, and the precise check names them.
    may_collide: bool = False
    #: Files present but refused, never read (symbolic links, pipes; an archive's entries
    #: named twice or of an unsafe kind): their own problems say why, so they are not
    #: "absent" too.
    refused: frozenset[str] = frozenset()
    #: Folders that could not be listed ("" for the package's own): their own problems
    #: say why, so the files the package lists in them are not "absent" too.
    unlisted: set[str] = field(default_factory=set)


def folder_view(root: Path, *, measure_raw: bool = True, stream_raw: bool = False
                ) -> PackageView:
    """The regular files under ``root``; symbolic links and special files are problems.

    Without ``measure_raw``, files under data/raw/ are listed without a stat call (their
    size is :data:`UNKNOWN` until the hash pass reads them): a full check reads them anyway.
    With ``stream_raw`` they are not listed at all, only counted (see :mod:`.clean`),
    and not even that until ``view.walk_raw()`` is called (so that it can be done while
    workers check records): memory then does not grow with the number of documents. Their
    sizes are then summed (``raw_bytes``) only with ``measure_raw`` (``--fast``, which reads
    no raw file: :mod:`.fastclean`).

    The names are held to ``build``'s rules (:mod:`corpuskit.names`), as an archive's
    are: names that merge on other filesystems, found folder by folder, and raw files
    ``build`` would refuse. With ``stream_raw`` the walk only notes the first
    (``may_collide``), and the records' pass checks the raw names (those of its records).
    """
    base = str(root)
    walk = _FolderWalk(base, measure_raw=measure_raw, stream_raw=stream_raw)
    deque(walk.steps(""), maxlen=0)
    if not stream_raw:
        walk.add_name_problems()
    view = PackageView("package", dict(sorted(walk.files.items())), _folder_opener(base),
                       walk.problems, sizer=_folder_sizer(base), root=base,
                       streamed=stream_raw, may_collide=walk.may_collide,
                       refused=frozenset(walk.refused), unlisted=walk.unlisted)
    if stream_raw:
        view.walk_raw = partial(walk.raw_steps, view)
    return view


class _FolderWalk:
    """The walk of a package folder by :func:`folder_view`: the folders listed and their
    entries looked at, and what was found in them so far."""

    def __init__(self, base: str, *, measure_raw: bool, stream_raw: bool) -> None:
        self.base = base
        self.measure_raw, self.stream_raw = measure_raw, stream_raw
        self.files: dict[str, int] = {}
        self.problems: list[Problem] = []
        self.raw_files = 0  # files under data/raw/ (stream_raw) ...
        self.raw_hash = 0  # ... the sum of their path tokens ...
        self.raw_bytes = 0  # ... and of their sizes (with measure_raw)
        self.deferred: list[str] = []  # data/raw, when its walk waits for walk_raw()
        self.may_collide = False  # two entries of a folder share a collision key
        self.refused: set[str] = set()  # links and special files: present, never read
        self.unlisted: set[str] = set()  # folders that cannot be listed

    def _count_regular(self, rel: str, entries: Iterable[os.DirEntry[str]]
                       ) -> list[os.DirEntry[str]]:
        """Counts the regular files of a folder of data/raw/ (stream_raw), and returns the
        other entries, and files whose names cannot be listed, for :meth:`steps` to look
        at (the many raw files need no sorting and no look each)."""
        regular: list[os.DirEntry[str]] = []
        others: list[os.DirEntry[str]] = []
        for entry in entries:
            (regular if entry.is_file(follow_symlinks=False) else others).append(entry)
        names = [entry.name for entry in regular]
        if siblings_collide([*names, *(entry.name for entry in others)]) \
                or ids_look_alike(names):
            self.may_collide = True
        paths = [f"{rel}/{name}" for name in names]
        if not all(map(str.isascii, paths)):
            # A name that cannot be listed, or that may be misread (walk looks at it).
            utf8 = names_read_as_utf8()
            listable = [(utf8 or path.isascii()) and printable(path) == path for path in paths]
            others += [entry for entry, ok in zip(regular, listable, strict=True) if not ok]
            regular = [entry for entry, ok in zip(regular, listable, strict=True) if ok]
            paths = [path for path, ok in zip(paths, listable, strict=True) if ok]
        if self.measure_raw:
            measured = self._measured(regular)
            if len(measured) < len(regular):  # one could not be measured: looked at, told
                return [*others, *regular]
            self.raw_bytes += sum(measured)
        self.raw_files += len(paths)
        self.raw_hash += sum_of_path_tokens(paths)
        return others

    @staticmethod
    def _measured(regular: list[os.DirEntry[str]]) -> list[int]:
        """The sizes of the files ``regular``, up to the first that cannot be measured."""
        sizes = []
        for entry in regular:
            try:
                sizes.append(entry.stat(follow_symlinks=False).st_size)
            except OSError:
                break
        return sizes

    def _listing(self, rel: str) -> list[os.DirEntry[str]] | None:
        """The entries of the folder ``rel`` to look at, unsorted (the raw files of a
        folder of data/raw/ only counted, with ``stream_raw``), or None if it cannot be
        listed (a problem)."""
        base, problems = self.base, self.problems
        try:
            with os.scandir(os.path.join(base, rel) if rel else base) as it:
                listed = list(it)
        except OSError as exc:
            if exc.errno == errno.ENAMETOOLONG and len(os.fsencode(rel)) > MAX_PATH_BYTES:
                # Nested past the system's longest path: an unsafe path, as a shallower
                # folder's files past MAX_PATH_BYTES are (QA s95: 3,000 folders down, it was
                # an unreadable-file, "File name too long")
                problems.append(Problem(rel, "unsafe-path", (
                    f"the folder's path is longer than {MAX_PATH_BYTES} bytes, too long for "
                    "this system to list it, and so is that of everything in it; shorten it")))
            else:
                advice = permission_advice(exc, folder=True, path=os.path.join(base, rel))
                problems.append(Problem(rel or ".", "unreadable-file",
                                        f"cannot list the folder: {exc.strerror or exc}{advice}"))
            self.unlisted.add(rel)
            return None
        unentered = _not_entered(listed)
        if unentered is not None:  # listed, but nothing in it can be looked at
            problems.append(Problem(
                rel or ".", "unreadable-file",
                cannot_enter(unentered.strerror, os.path.join(base, rel))))
            self.unlisted.add(rel)
            return None
        count_only = self.stream_raw and (rel + "/").startswith(RAW_PREFIX)
        entries = self._count_regular(rel, listed) if count_only else listed
        if rel and not listed:  # as a zip's folder entry is refused: one verdict for both
            problems.append(Problem(rel, "unexpected-file",
                                    "an empty folder; corpuskit packages hold files only "
                                    "(their zip could not hold it): remove it"))
        return entries

    def _looked_at(self, rel: str, entries: list[os.DirEntry[str]]
                   ) -> tuple[str, bool, Iterator[os.DirEntry[str]]]:
        """The folder ``rel`` listed as ``entries``, to be looked at: its path, whether its
        files are listed without a stat call, and its entries in the order of their names
        (whether two of them collide noted)."""
        in_raw = (rel + "/").startswith(RAW_PREFIX)
        entries.sort(key=lambda e: e.name)
        if not (self.stream_raw and in_raw) \
                and siblings_collide([entry.name for entry in entries]):
            self.may_collide = True
        return rel, not self.measure_raw and in_raw, iter(entries)

    def _unlistable_name(self, relpath: str) -> Problem:
        """The problem of an entry whose path ``relpath`` cannot be listed in a manifest
        (not valid UTF-8); raises :class:`FileNamesMisread` if it is a name this locale
        misreads."""
        misread = locale_misreads(relpath)
        if misread is not None:
            # In escapes: where names read as ASCII, so may the message be.
            # The name as its bytes spell in UTF-8 (QA: cafÃ© under Latin-1)
            raise FileNamesMisread(
                f"{escaped(os.path.join(self.base, name_shown(relpath)))}: {misread}")
        return Problem(printable(relpath), "unsafe-path",
                       "the name is not valid UTF-8; it cannot be listed in a manifest")

    def steps(self, top: str) -> Iterator[None]:
        """Lists ``top`` and the folders below it, pausing after each folder's listing.
        One generator, with a stack of the folders being looked at: a generator a folder,
        each yielding from the one below, was a RecursionError about 980 folders down
        (QA s83). The loop over the entries runs once per file: what it adds to is in
        locals, and it calls out only for a name it cannot list."""
        entries = self._listing(top)
        if entries is None:
            return
        yield
        files, problems, refused, deferred = \
            self.files, self.problems, self.refused, self.deferred
        stream_raw, listing = self.stream_raw, self._listing
        stack = [self._looked_at(top, entries)]
        while stack:
            rel, skip_stat, left = stack[-1]
            for entry in left:
                relpath = f"{rel}/{entry.name}" if rel else entry.name
                if not relpath.isascii() and (printable(relpath) != relpath
                                              or not names_read_as_utf8()):
                    problems.append(self._unlistable_name(relpath))
                    continue
                folder = False
                try:
                    if entry.is_symlink():
                        refused.add(relpath)
                        problems.append(Problem(relpath, "unsafe-path", LINK_IN_A_PACKAGE))
                    elif entry.is_dir(follow_symlinks=False):
                        if stream_raw and relpath + "/" == RAW_PREFIX:
                            deferred.append(relpath)
                        else:
                            folder = True
                    elif entry.is_file(follow_symlinks=False):
                        files[relpath] = (UNKNOWN if skip_stat
                                          else entry.stat(follow_symlinks=False).st_size)
                    else:
                        refused.add(relpath)
                        kind = special_kind(entry.stat(follow_symlinks=False).st_mode)
                        problems.append(Problem(relpath, "unsafe-path",
                                                f"not a regular file ({kind})"))
                except OSError as exc:
                    problems.append(Problem(relpath, "unreadable-file",
                                            f"cannot stat: {exc.strerror or exc}"))
                if folder and (below := listing(relpath)) is not None:
                    yield
                    stack.append(self._looked_at(relpath, below))
                    break  # the entries of this folder left are looked at after it
            else:
                stack.pop()

    def add_name_problems(self) -> None:
        """Adds the problems of the names listed (not with ``stream_raw``): raw files
        ``build`` would refuse, then names that merge on other filesystems, if two entries
        of a folder were seen to collide."""
        self.problems.extend(raw_name_problems(
            [rel for rel in self.files if rel.startswith(RAW_PREFIX)]))
        if self.may_collide:
            self.problems.extend(collision_problems(list(self.files)))

    def raw_steps(self, view: PackageView) -> Iterator[list[Problem]]:
        """``view.walk_raw``: the problems found in data/raw/, as its folders are listed,
        then its counts and whether names collide set on ``view``. :meth:`steps` pauses
        after listing a folder, before looking at its entries: what the entries of the
        last folder give (all of them, in a folder without subfolders) comes after its
        last pause, and is handed over once the walk ends."""
        problems, deferred = self.problems, self.deferred
        while deferred:
            start = len(problems)
            for _ in self.steps(deferred.pop()):
                yield problems[start:]
                start = len(problems)
            yield problems[start:]
        view.raw_files, view.raw_hash = self.raw_files, self.raw_hash & HASH_MASK
        view.raw_bytes = self.raw_bytes
        view.may_collide = self.may_collide


def _folder_opener(base: str) -> Callable[[str], IO[bytes]]:
    """``PackageView.opener`` of the package folder ``base``: a file of it opened for
    reading, unbuffered, if it is a regular file."""
    def opener(rel: str) -> IO[bytes]:
        return os.fdopen(open_regular(os.path.join(base, rel), checking=True), "rb", buffering=0)
    return opener


def _folder_sizer(base: str) -> Callable[[str], int]:
    """``PackageView.sizer`` of the package folder ``base``: a file of it measured again."""
    def sizer(rel: str) -> int:
        return os.lstat(os.path.join(base, rel)).st_size
    return sizer


def _not_entered(listed: list[os.DirEntry[str]]) -> PermissionError | None:
    """Why the folder whose entries are ``listed`` cannot be entered, if this user may list
    it but not enter it (read permission without execute, after a ``chmod -R 644``): each
    of its files was "absent" beside its "cannot stat", a Payload-Oxum wrong, with advice
    to make the files readable (QA s83); None if it can be (or is empty: nothing in it to
    look at)."""
    if not listed:
        return None
    try:
        os.lstat(listed[0].path)
    except PermissionError as exc:
        return exc
    except OSError:
        return None  # gone meanwhile: the file's own problem, if any
    return None


def archive_view(source: ZipSource, *, stream_raw: bool = False) -> PackageView:
    """The members of an archive. With ``stream_raw``, those under data/raw/ are left out
    of ``files`` and only counted, as :func:`folder_view` does (``walk_raw`` then has
    nothing left to do): the clean pass reads each with its record, and checks the raw
    names. Otherwise the raw names are checked here, as :func:`folder_view` checks a
    folder's (names that merge are the archive's problems: :class:`ZipSource`)."""
    if not stream_raw:
        names = source.files()
        raw = [rel for rel in names if rel.startswith(RAW_PREFIX)]
        return PackageView("archive", {rel: source.size(rel) for rel in names}, source.open,
                           [*source.problems, *raw_name_problems(raw)], source,
                           refused=source.refused)
    # The names made as they are gone through, the raw ones counted and hashed, none
    # kept (a list of them held 8 MB at 100,000 documents): two raw files' ids look alike
    # only where a name is not ASCII (ids_look_alike), and then they are listed.
    files: dict[str, int] = {}
    raw_files = raw_hash = raw_bytes = 0
    for rel in source.file_names():
        if rel.startswith(RAW_PREFIX):
            raw_files += 1
            raw_hash += path_token(rel)
            raw_bytes += source.size(rel)
        else:
            files[rel] = source.size(rel)
    may_collide = not source.ascii_names and ids_look_alike(
        [rel for rel in source.file_names() if rel.startswith(RAW_PREFIX)])
    view = PackageView("archive", files, source.open, list(source.problems), source,
                       streamed=True, raw_files=raw_files, raw_hash=raw_hash & HASH_MASK,
                       raw_bytes=raw_bytes, may_collide=may_collide, refused=source.refused)
    view.walk_raw = lambda: iter(())
    return view
