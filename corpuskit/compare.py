"""Byte-for-byte comparison of two package folders (and of their archives)."""

from __future__ import annotations

import filecmp
import os
import stat
import zipfile
from collections.abc import Collection
from pathlib import Path

from .regularfiles import permission_advice
from .zipfiles.archive import zip_signature


def tree_differences(expected: Path, actual: Path,
                     unreadable: list[tuple[Path, OSError]] | None = None,
                     in_place: Collection[str] = ()) -> list[str]:
    """Relative paths that are missing, extra or different in ``actual``, sorted (see
    :func:`compare_trees`). ``in_place``: files of ``expected`` known to hold what
    ``actual`` would, and left out of it (a build of a release that exists found these
    raw files of it holding the bytes it read, as regular files of mode 0644:
    :attr:`corpuskit.engine.ShardResult.in_place`)."""
    differing, _, present = compare_trees(expected, actual, unreadable)
    if not in_place:
        return differing
    return [rel for rel in differing if rel not in in_place or rel in present]


def compare_trees(expected: Path, actual: Path,
                  unreadable: list[tuple[Path, OSError]] | None = None
                  ) -> tuple[list[str], set[str], set[str]]:
    """The relative paths that are missing, extra or different in ``actual``, sorted, and
    the entries of each folder (:func:`tree_entries`), each listed once.

    A file of either that is not a regular file (a symbolic link, even to the very bytes
    expected, a pipe) differs: a package holds regular files only, and a link is not
    followed (``filecmp`` would follow it, so a release whose README.md links to a file
    outside it was "current"). A file that cannot be read (its permissions) is neither
    the same nor different: it goes to ``unreadable``, its path (of either folder) and
    why, in order; without that list, it differs (never a traceback). So does a folder that
    cannot be listed, and an empty folder differs (:func:`tree_entries`)."""
    left = tree_entries(expected, unreadable)
    right = tree_entries(actual, unreadable)
    differing = {rel for rel in left ^ right
                 if not (rel.endswith("/") and _stands_in(rel, right if rel in left else left))}
    for rel in sorted(left & right):
        first, second = _regular(expected / rel), _regular(actual / rel)
        if first is None or second is None:
            differing.add(rel)
            continue
        if first == second:  # one file, linked into both: the same bytes, not read
            continue
        try:
            same = filecmp.cmp(expected / rel, actual / rel, shallow=False)
        except OSError as exc:  # this user may not read it: the caller says so
            if unreadable is None:
                differing.add(rel)
                continue
            unreadable.append((Path(os.fsdecode(exc.filename)) if exc.filename is not None
                               else actual / rel, exc))
            continue
        if not same:
            differing.add(rel)
    return sorted(differing), left, right


def tree_entries(folder: Path, unreadable: list[tuple[Path, OSError]] | None = None
                 ) -> set[str]:
    """The relative POSIX paths of the files under ``folder`` (a link is one: never
    followed), and ``<path>/`` of each folder below it that holds no file in all its depth
    (the topmost such: a build makes none, and its zip could not hold one) or that cannot
    be listed: that one goes to ``unreadable`` instead, with why, if that list is given.
    A folder that cannot be listed was passed over as
    :func:`corpuskit.zipfiles.archive.package_files` passes over it, so that a release holding
    one, or an empty one, was "equal to a fresh build" (QA).
    Nothing for a ``folder`` that is not one; one that cannot be listed goes to
    ``unreadable``, if given."""
    found: set[str] = set()
    empty: list[str] = []
    if not folder.is_dir():
        return found
    stack = [(folder, "")]
    while stack:
        path, prefix = stack.pop()
        try:
            with os.scandir(path) as listing:
                entries = [(entry.name, entry.is_dir(follow_symlinks=False))
                           for entry in listing]
        except OSError as exc:
            if unreadable is not None:
                unreadable.append((path, exc))
            elif prefix:
                found.add(prefix)
            continue
        if prefix and not entries:
            empty.append(prefix)
        for name, is_dir in entries:
            if is_dir:
                stack.append((path / name, f"{prefix}{name}/"))
            else:
                found.add(prefix + name)
    return found | _topmost_empty(found, empty) if empty else found


def not_compared_reason(path: Path, exc: OSError) -> str:
    """Why a file or folder of a release this user may not read (:func:`tree_differences`'
    ``unreadable``) was not compared, and how to read it."""
    if os.path.isdir(path):
        return f"cannot list the folder: {exc.strerror or exc}" \
            f"{permission_advice(exc, folder=True, path=path)}"
    return f"cannot be read: {exc.strerror or exc}{permission_advice(exc, path=path)}"


def _stands_in(folder: str, other: set[str]) -> bool:
    """Whether the other tree has a file where ``folder`` (``<path>/``, empty or not
    listed) is, or files in a folder there: then those are what differs (one problem for
    a folder in a file's place, and no "extra" folder where the files of a fresh build's
    folder are missing: QA)."""
    return folder[:-1] in other or any(rel.startswith(folder) for rel in other)


def _topmost_empty(found: set[str], empty: list[str]) -> set[str]:
    """For each empty folder, the topmost folder above it that holds no file (nor a
    folder that cannot be listed) in all its depth: one folder to remove, not one per
    level (QA)."""
    holding: set[str] = set()
    for rel in found:
        parts = rel.rstrip("/").split("/")[:-1]
        for end in range(1, len(parts) + 1):
            holding.add("/".join(parts[:end]) + "/")
    topmost: set[str] = set()
    for folder in empty:
        parts = folder.rstrip("/").split("/")
        while len(parts) > 1 and "/".join(parts[:-1]) + "/" not in holding:
            parts = parts[:-1]
        topmost.add("/".join(parts) + "/")
    return topmost


def _regular(path: Path) -> tuple[int, int] | None:
    """The device and inode of the regular file ``path`` (never following a link), or
    None if it is no regular file or cannot be looked at.

    A build of a release that exists links the unchanged raw files of that very release
    into the folder it builds (:mod:`corpuskit.seedstate`): two names of one file hold the
    same bytes, so they are not read (a build of 100,000 documents with nothing changed
    read both copies of every raw file, 400 MB, to compare them)."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISREG(info.st_mode) else None


def archives_match(expected: Path, actual: Path) -> bool:
    """Two reproducible zips hold the same members with the same metadata and contents."""
    try:
        return zip_signature(expected) == zip_signature(actual)
    except (OSError, ValueError, zipfile.BadZipFile):  # not a zip (or not one read whole)
        return False


#: Members named in :func:`archive_differences`; the others are counted.
NAMED_MEMBERS = 5
#: What each field of a member's :func:`~corpuskit.zipfiles.archive.zip_signature` is, in words.
_SIGNATURE_WORDS = ("time stamp", "permissions", "contents", "contents")


def archive_differences(expected: Path, actual: Path) -> str:
    """How the members of the zip ``actual`` differ from those of ``expected``, in words
    (``CHANGELOG.md (contents), x.txt (only in this one)``), the first
    :data:`NAMED_MEMBERS` of them named; "" if either cannot be read or none differs."""
    try:
        wanted = {name: tuple(rest) for name, *rest in zip_signature(expected)}
        found = {name: tuple(rest) for name, *rest in zip_signature(actual)}
    except (OSError, ValueError, zipfile.BadZipFile):
        return ""
    said: list[str] = []
    for name in sorted(wanted.keys() | found.keys()):
        if name not in found:
            said.append(f"{name} (absent)")
        elif name not in wanted:
            said.append(f"{name} (only in this one)")
        elif found[name] != wanted[name]:
            fields = dict.fromkeys(word for word, a, b in zip(
                _SIGNATURE_WORDS, found[name], wanted[name], strict=True) if a != b)
            said.append(f"{name} ({', '.join(fields)})")
    if not said and list(found) != list(wanted):
        said.append("the members' order")
    more = len(said) - NAMED_MEMBERS
    return ", ".join(said[:NAMED_MEMBERS]) + (f" and {more} more" if more > 0 else "")


def same_bytes(one: Path, other: Path) -> bool:
    """Whether two files hold the same bytes (False if either cannot be read)."""
    try:
        return filecmp.cmp(one, other, shallow=False)
    except OSError:
        return False
