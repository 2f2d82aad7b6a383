"""Stage 1, discover: list the seeds folder and read input files.

The only stage that touches the input folder. Everything it finds ends either as a
:class:`SourceRef` or as a problem with a reason; hidden files are skipped and named.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import time
import unicodedata
from collections.abc import Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from pathlib import Path

from .config import CHANGELOG_NAME, CONFIG_NAME, DiscoverConfig, read_regular
from .errors import InputError
from .listings import FolderIdentity, Listings, TopListing, folder_identity, paths_digest
from .models import DocumentProblem, RawDocument, SourceRef
from .models import document_id as document_id  # part of this stage's interface
from .problems import Problem, printable
from .seedstate import SETTLE_NS

#: Files at the top of a seeds folder that are configuration, not documents.
RESERVED_NAMES = frozenset({CONFIG_NAME, CHANGELOG_NAME})
#: Longest relative path accepted (bytes of UTF-8): fits zip, tar (ustar+pax) and most filesystems.
MAX_PATH_BYTES = 1024
#: Why a seeds entry that is not a regular file is refused (when listed, and when read).
NOT_REGULAR = ("not a regular file (device, socket or pipe); move it out of the seeds "
               "folder, or exclude it with discover.exclude in corpus.toml")
#: Bytes read at a time from a seeds file that grew after it was discovered.
_READ_CHUNK = 1 << 20


#: A seeds folder in which discovery found no document to build.
NO_DOCUMENTS = Problem(".", "empty-document",
                       "the seeds folder holds no documents; add text files (hidden files and "
                       "those discover.exclude in corpus.toml names are skipped)")


@dataclass(frozen=True)
class Discovery:
    """The documents found (sorted by id), problems, and files deliberately skipped."""

    sources: tuple[SourceRef, ...]
    problems: tuple[Problem, ...]
    skipped: tuple[tuple[str, str], ...]
    #: The document files listed: the sources and those refused for their names or ids.
    listed: int = 0


def collision_key(name: str) -> str:
    """Names equal under this key collide on case-insensitive or normalizing filesystems."""
    if name.isascii():  # NFC leaves ASCII as it is: skip asking
        return name.casefold()
    return unicodedata.normalize("NFC", name).casefold()


def _walk(root: Path, problems: list[Problem], rel: str = "", *, deep: bool = True,
          folders: list[FolderIdentity | None] | None = None
          ) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every entry under folder ``rel`` of ``root``, sorted (only its own if not ``deep``);
    a folder that cannot be listed is a problem. ``folders``: where to put the identity of
    each folder as it was before it was listed (see :mod:`corpuskit.listings`)."""
    if folders is not None:
        folders.append(folder_identity(root, rel))
    try:
        with os.scandir(root / rel if rel else root) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        problems.append(Problem(rel or ".", "unreadable-file",
                                f"cannot list this folder: {exc.strerror or exc}; make it "
                                "readable or move it out of the seeds folder"))
        return
    for entry in entries:
        relpath = f"{rel}/{entry.name}" if rel else entry.name
        yield relpath, entry
        if deep and entry.is_dir(follow_symlinks=False) and not entry.name.startswith("."):
            yield from _walk(root, problems, relpath, folders=folders)


#: Names Windows keeps for devices, with or without an extension and in any case
#: (Microsoft's "Naming Files, Paths, and Namespaces" lists the 0 and superscript forms too).
WINDOWS_DEVICE_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{port}{n}" for port in ("COM", "LPT") for n in "0123456789\u00b9\u00b2\u00b3"}
)
#: Characters Windows does not allow in a name (besides control characters and "/").
WINDOWS_FORBIDDEN = '<>:"|?*\\'


#: Control characters (exactly Unicode's category Cc) and the backslash.
_CONTROL_OR_BACKSLASH = re.compile(r"[\x00-\x1f\x7f-\x9f\\]")
_FORBIDDEN = re.compile("[" + re.escape(WINDOWS_FORBIDDEN) + "]")


@lru_cache(maxsize=4096)  # folder names recur on every file below them
def _check_component(name: str, what: str) -> str | None:
    """Why one name (of the file, or of a folder on its path) cannot be packaged, or None.

    ``what`` is "the file name" or "the folder name". The rules make a package that unpacks on
    Linux, macOS and Windows alike, and whose manifests BagIt tools and ``sha256sum -c``
    read back as written.
    """
    if _CONTROL_OR_BACKSLASH.search(name):
        return (f"{what} {name!r} holds a line break, backslash or control character, which "
                "manifests and Windows cannot hold; rename it")
    if "%" in name:
        return (f"{what} {name!r} holds '%', which BagIt manifests write as '%25' and which "
                "bagit-python and 'sha256sum -c' then cannot find; rename it without '%'")
    bad = sorted(set(_FORBIDDEN.findall(name)))
    if bad:
        shown = ", ".join(f"'{c}'" for c in bad)
        return (f"{what} {name!r} holds {shown}, which Windows does not allow in names "
                f"(< > : \" | ? * \\); rename it")
    if name.endswith((".", " ")):
        return (f"{what} {name!r} ends with a dot or a space, which Windows drops from "
                "names; rename it")
    if name.split(".", 1)[0].rstrip(" ").upper() in WINDOWS_DEVICE_NAMES:
        return (f"{what} {name!r} is a device name on Windows (CON, PRN, AUX, NUL, COM0-9, "
                "LPT0-9, with any extension), which no file there can have; rename it")
    return None


#: Paths that pass every rule of :func:`_check_component` on sight: ASCII letters, digits,
#: ``_`` and ``-`` in dot-separated parts, no name a Windows device name. Most corpora name
#: their files like this; any other path gets the full check (tested to agree).
_PLAIN_COMPONENT = (r"(?!(?i:CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])(?:[./]|\Z))"
                    r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*")
_PLAIN_PATH = re.compile(f"{_PLAIN_COMPONENT}(?:/{_PLAIN_COMPONENT})*")


def _not_utf8(relpath: str) -> str:
    """Why a name Python could not decode as UTF-8 is refused, and what to do."""
    encoding = sys.getfilesystemencoding()
    if encoding.lower().replace("-", "") != "utf8":
        try:
            os.fsencode(relpath).decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:  # the bytes are UTF-8: Python was told the file system is not
            return (f"the name is UTF-8, but Python reads file names as {encoding} here "
                    "(a C or POSIX locale with PYTHONUTF8=0); run corpuskit with "
                    "PYTHONUTF8=1 or a UTF-8 locale (LC_ALL=C.UTF-8)")
    return ("the name is not valid UTF-8 (the bytes that are not are shown as \\x "
            "escapes), so it cannot be written in the UTF-8 manifests of a package; "
            "rename the file")


def _check_name(relpath: str) -> str | None:
    """Why a file's path cannot be packaged, or None; every folder on the path counts."""
    if len(relpath) <= MAX_PATH_BYTES and _PLAIN_PATH.fullmatch(relpath):
        return None  # ASCII: as many bytes as characters
    try:
        encoded = relpath.encode("utf-8")
    except UnicodeEncodeError:
        return _not_utf8(relpath)
    if len(encoded) > MAX_PATH_BYTES:
        return f"the path is longer than {MAX_PATH_BYTES} bytes; shorten it"
    *folders, name = relpath.split("/")
    for folder in folders:
        reason = _check_component(folder, "the folder name")
        if reason:
            return reason
    return _check_component(name, "the file name")


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
    found, problems, skipped = listing.found, listing.problems, listing.skipped
    listed = listing.ids()
    order = sorted(range(len(found)), key=listed.__getitem__)  # stable: ties keep order
    ids = [listed[i] for i in order]
    paths = [found[i] for i in order]
    refs = list(map(SourceRef, paths))
    if listings is None:
        problems.extend(_identity_problems(refs, ids))
    else:
        digest = paths_digest(paths)
        clashes = [] if digest == listings.clean else list(_identity_problems(refs, ids))
        problems.extend(clashes)
        listings.found_clean = None if clashes else digest
        listings.save()
    bad = {p.path for p in problems}
    sources = tuple(ref for ref in refs if ref.path not in bad) if bad else tuple(refs)
    return Discovery(sources, tuple(sorted(problems)), tuple(skipped), len(refs))


class _Listing:
    """The files a walk of the seeds folder found, the problems and the files skipped,
    each in the order of the walk."""

    def __init__(self) -> None:
        self.found: list[str] = []  # relative paths
        self.problems: list[Problem] = []
        self.skipped: list[tuple[str, str]] = []
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
        for relpath, entry in _walk(root, self.problems, rel, folders=self.folders):
            self.take(root, relpath, entry, config)

    def walk_top(self, root: Path, config: DiscoverConfig, pool: Executor | None,
                 listings: Listings | None = None) -> None:
        """:meth:`walk` of the whole folder, each folder at its top walked by ``pool`` (or
        here), or taken from ``listings`` if none of its folders changed."""
        remember = listings is not None
        # Each entry, and for a folder to walk: its remembered listing, or the pool's task
        # walking it, or None (walked here).
        top: list[tuple[str, os.DirEntry[str], bool,
                        Future[_Listing] | TopListing | None]] = []
        for relpath, entry in _walk(root, self.problems, "", deep=False):
            folder = entry.is_dir(follow_symlinks=False) and not relpath.startswith(".")
            under: Future[_Listing] | TopListing | None = None
            if folder:
                under = listings.get(relpath) if listings is not None else None
                if under is None and pool is not None:
                    under = pool.submit(_listed, root, relpath, config, remember)
            top.append((relpath, entry, folder, under))
        for relpath, entry, folder, under in top:
            self.take(root, relpath, entry, config)
            if not folder:
                continue
            if isinstance(under, TopListing):
                below = _Listing()
                below.found, below._ids, below.skipped = under.found, under.ids, under.skipped
            else:
                try:
                    below = (under.result() if under is not None
                             else _listed(root, relpath, config, remember))
                except Exception:  # the pool failed (a worker lost): walked here instead
                    below = _listed(root, relpath, config, remember)
                if listings is not None and (kept := below.remembered()) is not None:
                    listings.keep(relpath, kept)
            self.ids()  # those of the files before (at the top, taken here)
            self._ids += below.ids()
            self.found += below.found
            self.problems += below.problems
            self.skipped += below.skipped

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
             config: DiscoverConfig) -> None:
        """File ``relpath`` as a document, a problem or a file skipped (a folder is none:
        its name is checked with each file in it)."""
        name = entry.name
        if "/" not in relpath and name in RESERVED_NAMES:
            return
        if name.startswith("."):
            self.skipped.append((printable(relpath), "hidden"))
            return
        if config.exclude and any(fnmatchcase(relpath, pattern) for pattern in config.exclude):
            self.skipped.append((printable(relpath), "excluded by discover.exclude"))
            return
        problems = self.problems
        try:
            # The entry's type comes with the listing (d_type): no stat per file. Its size
            # is checked against max_file_bytes by the worker that opens it (read_source).
            if entry.is_dir(follow_symlinks=False):
                return
            reason = _check_name(relpath)
            if reason:
                problems.append(Problem(relpath, "unsafe-path", reason))
                return
            if entry.is_symlink():
                self.linked = True
                target = Path(os.path.realpath(root / relpath))
                if not target.is_relative_to(root):
                    problems.append(Problem(relpath, "unsafe-path",
                                            "symbolic link pointing outside the seeds folder; "
                                            "copy the file in instead"))
                    return
                if target.is_dir():
                    problems.append(Problem(relpath, "unsafe-path",
                                            "symbolic link to a folder; folders are not followed "
                                            "through links, move the files instead"))
                    return
                try:
                    regular = stat.S_ISREG(target.stat().st_mode)
                except FileNotFoundError:
                    problems.append(Problem(relpath, "unreadable-file", _dangling(root, relpath)))
                    return
            else:
                regular = entry.is_file(follow_symlinks=False)
            if not regular:
                problems.append(Problem(relpath, "unsafe-path", NOT_REGULAR))
                return
        except OSError as exc:
            problems.append(Problem(relpath, "unreadable-file", f"cannot stat: {exc.strerror}"))
            return
        reserved = _reserved_lookalike(relpath)
        if reserved is not None:
            problems.append(Problem(relpath, "name-collision", reserved))
            return
        self.found.append(relpath)


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


_RESERVED_KEYS = {collision_key(name): name for name in sorted(RESERVED_NAMES)}


def _reserved_lookalike(relpath: str) -> str | None:
    """Why a document (or the top folder it is in) is refused for differing from
    corpus.toml or CHANGELOG.md only in case or Unicode normalization, or None. On
    macOS or Windows the two are one name: the file would be read as the configuration
    or the changelog there, and as a document here."""
    top = relpath.partition("/")[0]
    reserved = _RESERVED_KEYS.get(collision_key(top))
    if reserved is None or top == reserved:
        return None
    what = "the file" if top == relpath else "the folder"
    return (f"{what} {top} differs from {reserved} only in case or Unicode normalization; on "
            f"many filesystems (macOS, Windows) it and {reserved} are one name: rename it")


def _identity_problems(refs: list[SourceRef], ids: list[str]) -> Iterator[Problem]:
    """Two files with one id, or names that a case-insensitive/normalizing disk would merge.

    ``refs`` are sorted by id, and ``ids`` are their ids. Names collide at every level: two
    files, a file and a folder, or two folders (``Notes`` beside ``notes/x.txt``,
    ``Sub/a.txt`` beside ``sub/b.txt``). Each file is reported once, for the shallowest
    collision on its path, naming both sides.
    """
    duplicates = len(set(ids)) != len(ids)  # a set in C: the common case has none
    for doc_id, group in groupby(zip(ids, refs, strict=True) if duplicates else (),
                                 key=itemgetter(0)):
        paths = [ref.path for _, ref in group]
        if len(paths) > 1:
            for path in paths:
                others = ", ".join(p for p in paths if p != path)
                yield Problem(path, "duplicate-id",
                              f"document id {doc_id!r} is also the id of {others}; "
                              "rename one of them")
    if not _may_collide(refs):
        return
    folder_keys: dict[str, str] = {}  # folders recur on every file below them

    def on_path(path: str) -> Iterator[tuple[str, str]]:
        """Each folder on ``path``, then the file: (path, collision key)."""
        end = path.find("/")
        while end != -1:
            folder = path[:end]
            key = folder_keys.get(folder)
            if key is None:
                key = folder_keys[folder] = collision_key(folder)
            yield folder, key
            end = path.find("/", end + 1)
        yield path, collision_key(path)

    first: dict[str, str] = {}  # collision key → the first file or folder with it
    clashes: dict[str, set[str]] = {}  # collision key → every name with it, if several
    for ref in refs:
        for path, key in on_path(ref.path):
            seen = first.setdefault(key, path)
            if seen != path:
                clashes.setdefault(key, {seen}).add(path)
    if not clashes:
        return
    files = {ref.path for ref in refs}
    for ref in refs:
        for path, key in on_path(ref.path):
            if key in clashes:
                colliding = sorted(clashes[key] - {path})
                yield Problem(ref.path, "name-collision",
                              _collision_message(path, colliding, files))
                break


def _may_collide(refs: list[SourceRef]) -> bool:
    """False if no two names (of files, or of folders on their paths) share a collision key.

    Counting is cheaper than finding which names collide: distinct names, distinct keys.
    """
    names = {ref.path for ref in refs}
    folders = {ref.path.rpartition("/")[0] for ref in refs} - {""}
    for folder in list(folders):
        while (folder := folder.rpartition("/")[0]) and folder not in folders:
            folders.add(folder)
    names |= folders
    if all(map(str.isascii, names)):  # the usual case: the keys in one pass in C
        return len(set(map(str.casefold, names))) != len(names)
    return len({collision_key(name) for name in names}) != len(names)


def _collision_message(path: str, colliding: list[str], files: set[str]) -> str:
    how = _difference(path, colliding)
    # Names that differ in normalization look the same printed: their escapes tell them apart.
    spelled = ""
    if "normalization" in how:
        others = "the other" if len(colliding) == 1 else "the others"
        spelled = (f": as escapes, this name is {_escaped(path)}, {others} "
                   f"{', '.join(map(_escaped, colliding))}")
    if path in files and all(other in files for other in colliding):
        return (f"differs from {', '.join(colliding)} only in {how}{spelled}; such names "
                "merge on many filesystems, rename one of them")
    shown = ", ".join(_entry_name(other, files) for other in colliding)
    if path in files or any(other in files for other in colliding):
        merged = "a file and a folder with these names cannot both exist there"
    else:
        merged = "the folders become one"
    return (f"{_entry_name(path, files)} and {shown} differ only in {how}{spelled}; on many "
            f"filesystems (macOS, Windows) {merged}: rename one of them")


def _difference(path: str, colliding: list[str]) -> str:
    """How names that share a collision key differ: in case, in Unicode normalization
    (one spells an accent as a letter and a combining mark, ``e`` + U+0301, the other as
    one character, U+00E9), or in both."""
    if len({unicodedata.normalize("NFC", name) for name in (path, *colliding)}) == 1:
        return "Unicode normalization (an accent composed or decomposed)"
    if len({name.casefold() for name in (path, *colliding)}) == 1:
        return "case"
    return "case and Unicode normalization"


def _escaped(name: str) -> str:
    """``name`` with every character outside ASCII as its code point (``caf\\u00e9``)."""
    return "".join(char if char.isascii() else
                   f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}"
                   for char in name)


def _entry_name(path: str, files: set[str]) -> str:
    return f"the file {path}" if path in files else f"the folder {path}/"


def read_source(seeds: Path, ref: SourceRef, *, max_bytes: int) -> RawDocument:
    """Read one input file's bytes (see :func:`read_source_stat`)."""
    return read_source_stat(seeds, ref, max_bytes=max_bytes)[0]


def read_source_stat(seeds: Path, ref: SourceRef, *, max_bytes: int
                     ) -> tuple[RawDocument, os.stat_result]:
    """Read one input file's bytes, and its status as it was opened; a file over
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
                raise DocumentProblem(Problem(ref.path, "unsafe-path", NOT_REGULAR))
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
        raise DocumentProblem(
            Problem(ref.path, "unreadable-file", f"cannot read: {exc.strerror or exc}")
        ) from None
    return RawDocument(id=ref.id, path=ref.path, data=data), info


def _too_large(ref: SourceRef, why: str) -> DocumentProblem:
    return DocumentProblem(Problem(ref.path, "too-large", f"{why}; raise "
                                   "discover.max_file_bytes in corpus.toml or split the file"))


def read_changelog(seeds: Path) -> bytes | None:
    """The maintainer's ``CHANGELOG.md`` of the seeds folder, or None if there is none.

    It ships in every release, so it must be a UTF-8 regular file of the seeds folder: a
    symbolic link that leaves the folder or leads nowhere is refused like a document's,
    and a pipe or device is refused at once (never waited on)."""
    path = seeds / CHANGELOG_NAME
    try:
        if path.is_symlink():
            link = os.readlink(path)
            target = path.resolve()
            if not target.exists():
                raise InputError([Problem(CHANGELOG_NAME, "unreadable-file",
                                          f"a symbolic link to {link!r}, which does not "
                                          "exist; point it at the file or copy the file in")])
            if seeds.resolve() not in target.parents:
                raise InputError([Problem(CHANGELOG_NAME, "unsafe-path",
                                          f"a symbolic link to {link!r}, outside the seeds "
                                          "folder; copy the file into the seeds folder")])
        data = read_regular(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError([Problem(CHANGELOG_NAME, "unreadable-file",
                                  f"cannot read: {exc.strerror or exc}; CHANGELOG.md must be "
                                  "a readable text file")]) from None
    try:  # it ships as Markdown text: build, release and validate refuse it alike
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(CHANGELOG_NAME, "unreadable-file",
                                  f"not UTF-8 (byte {exc.start}); save it as UTF-8")]) from None
    return data
