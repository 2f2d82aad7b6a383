"""What a build remembers of the seeds folder's listing, so that the next need not list it.

Listing a corpus of 100,000 files in 100 folders, with the checks of every name and the
ids, took 0.3-0.5 s of an incremental build of 4 s, and gave the same answer as the build
before whenever no file was added, removed or renamed. So a build that lists a folder at
the top of the seeds folder (with its workers: :func:`corpuskit.discover.discover`)
remembers, in its cache folder, what it found there, with the identity of every folder
it listed below (device, inode, mtime and ctime). The next build takes the listing of a
top folder as remembered if each of those folders still has that identity.

Creating, removing or renaming an entry sets its folder's mtime and ctime to now, and no
call sets a ctime back: a folder whose identity did not change holds the same names (and
the same folders, whose own identities are checked too). A file's bytes may change: that
is no part of a listing (the workers read and check every file: :mod:`corpuskit.seedstate`).
As there, a folder changed within :data:`~corpuskit.seedstate.SETTLE_NS` of its listing
is not remembered (two changes within one tick of the filesystem's clock leave the same
times), and the clock decides only what is listed again, never what a release holds.

Only listings that need nothing but names are remembered: a folder holding a symbolic
link (whose target may change without its folder) or a problem is listed every time. The
checks of the whole list of paths (no two ids alike, no names that merge on other systems)
depend on that list alone: the sha256 of the last list found free of such problems is kept
too, and the same list is not checked again. The file is one per seeds folder and
configuration, checked by its sha256 (a damaged one is ignored), and safe to delete at
any time like the rest of the cache.
"""

from __future__ import annotations

import hashlib
import os
import sys
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson

from . import __version__
from .config import DiscoverConfig, read_regular
from .errors import OutputError
from .outputidentity import code_identity
from .seedstate import checked_json, with_check
from .writer import write_file

FOLDER = "listings"
#: v2: ``discover.exclude`` patterns match names in NFC (a listing of v1 kept NFD names
#: that a pattern in NFC meant to keep out). v3: a name whose document id shows nothing is
#: refused (a listing of v2 kept one, and would be taken again free of problems; QA: seeds 3).
FORMAT = "corpuskit-listing-v3"
#: A listing file is a few MB per 100,000 files; anything far larger is no such file.
_MAX_LISTING_BYTES = 1 << 30

#: A folder as listed: its path under the seeds folder, device, inode, mtime and ctime.
FolderIdentity = tuple[str, int, int, int, int]


def folder_identity(root: Path, rel: str) -> FolderIdentity | None:
    """The identity of folder ``rel`` of ``root`` (not followed if a link), or None."""
    try:
        info = os.lstat(os.path.join(root, rel))
    except OSError:
        return None
    return (rel, info.st_dev, info.st_ino, info.st_mtime_ns, info.st_ctime_ns)


@dataclass
class TopListing:
    """The listing of one folder at the top of the seeds folder: the files found (and
    their ids), the files skipped, and the identity of every folder listed."""

    found: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    folders: list[FolderIdentity] = field(default_factory=list)

    def unchanged(self, root: Path) -> bool:
        """Whether every folder listed still has the identity it had."""
        return all(folder_identity(root, identity[0]) == identity for identity in self.folders)


class Listings:
    """The remembered listings of one seeds folder's top folders, for one configuration of
    discovery and one corpuskit: its version and its very code (an edited checkout's
    rules for names may differ; QA s96 scale 1, as for the shards)."""

    def __init__(self, cache: Path, root: Path, config: DiscoverConfig) -> None:
        # The names are kept as Python read them: in another encoding of file names (the
        # locale's), they are other strings for the same bytes (QA: a listing made under a
        # UTF-8 locale, taken under LC_ALL=C, named files that could not be opened).
        key = hashlib.sha256(orjson.dumps(
            [FORMAT, __version__, code_identity(), os.fsencode(root).hex(), asdict(config),
             sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()])).hexdigest()
        self.file = cache / FOLDER / f"{key}.json"
        self.root = root
        #: The sha256 of the last list of paths found free of problems (see
        #: :func:`paths_digest`), as remembered.
        self.clean: str | None = None
        self.remembered = self._load()
        #: What this build found to remember, by top folder.
        self.found: dict[str, TopListing] = {}
        #: The sha256 of this build's list of paths, if it is free of problems.
        self.found_clean: str | None = None

    def _load(self) -> dict[str, TopListing]:
        try:
            loaded = checked_json(FORMAT, read_regular(self.file, _MAX_LISTING_BYTES))
            if loaded is None:
                return {}
            tops = {name: TopListing(top["found"], top["ids"],
                                     [(path, reason) for path, reason in top["skipped"]],
                                     [(rel, dev, ino, mtime, ctime)
                                      for rel, dev, ino, mtime, ctime in top["folders"]])
                    for name, top in loaded["tops"].items()}
            clean = loaded["clean"]
            self.clean = clean if isinstance(clean, str) else None
            return {name: top for name, top in tops.items()
                    if isinstance(top.found, list) and len(top.found) == len(top.ids)}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}

    def get(self, top: str) -> TopListing | None:
        """The listing of top folder ``top`` as remembered, if no folder in it changed."""
        listing = self.remembered.get(top)
        if listing is None or not listing.unchanged(self.root):
            return None
        self.found[top] = listing
        return listing

    def keep(self, top: str, listing: TopListing) -> None:
        """Remember ``listing`` of top folder ``top``, listed by this build."""
        self.found[top] = listing

    def save(self) -> None:
        """Write what this build listed, if it is not what was remembered (atomically); a
        cache that cannot be written only costs the next build its listing."""
        if self.found_clean == self.clean and self.found.keys() == self.remembered.keys() \
                and all(self.found[top] is self.remembered[top] for top in self.found):
            return
        tops: dict[str, Any] = {
            top: {"found": listing.found, "ids": listing.ids, "skipped": listing.skipped,
                  "folders": listing.folders}
            for top, listing in sorted(self.found.items())}
        with suppress(OutputError, TypeError):  # TypeError: a name that is not UTF-8
            write_file(self.file.parent, self.file.name, with_check(FORMAT, orjson.dumps(
                {"tops": tops, "clean": self.found_clean})), atomic=True)


def paths_digest(paths: list[str]) -> str:
    """The sha256 of a list of paths joined by NULs, in order (no path holds a NUL), made
    a slice of paths at a time (a million paths joined were a string and its bytes of
    70 MB each, at once)."""
    hasher = hashlib.sha256()
    for start in range(0, len(paths), _DIGEST_SLICE):
        if start:
            hasher.update(b"\0")
        hasher.update("\0".join(paths[start:start + _DIGEST_SLICE])
                      .encode("utf-8", "surrogateescape"))
    return hasher.hexdigest()


#: Paths joined at a time by :func:`paths_digest`.
_DIGEST_SLICE = 4096
