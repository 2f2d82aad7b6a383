"""Byte-for-byte comparison of two package folders (and of their archives)."""

from __future__ import annotations

import filecmp
import os
import stat
import zipfile
import zlib
from pathlib import Path

from .archive import zip_signature


def tree_differences(expected: Path, actual: Path,
                     unreadable: list[tuple[Path, OSError]] | None = None) -> list[str]:
    """Relative paths that are missing, extra or different in ``actual``, sorted.

    A file of either that is not a regular file (a symbolic link, even to the very bytes
    expected, a pipe) differs: a package holds regular files only, and a link is not
    followed (``filecmp`` would follow it, so a release whose README.md links to a file
    outside it was "current"). A file that cannot be read (its permissions) is neither
    the same nor different: it goes to ``unreadable``, its path (of either folder) and
    why, in order; without that list, it differs (never a traceback). So does a folder that
    cannot be listed, and an empty folder differs (:func:`tree_entries`)."""
    left = tree_entries(expected, unreadable)
    right = tree_entries(actual, unreadable)
    differing = left ^ right
    for rel in sorted(left & right):
        if not (_regular(expected / rel) and _regular(actual / rel)):
            differing.add(rel)
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
    return sorted(differing)


def tree_entries(folder: Path, unreadable: list[tuple[Path, OSError]] | None = None
                 ) -> set[str]:
    """The relative POSIX paths of the files under ``folder`` (a link is one: never
    followed), and ``<path>/`` of each folder below it that holds nothing (a build makes
    none, and its zip could not hold one) or that cannot be listed: that one goes to
    ``unreadable`` instead, with why, if that list is given. A folder that cannot be
    listed was passed over as :func:`corpuskit.archive.package_files` passes over it, so
    that a release holding one, or an empty one, was "equal to a fresh build" (QA).
    Nothing for a ``folder`` that is not one; one that cannot be listed goes to
    ``unreadable``, if given."""
    found: set[str] = set()
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
            found.add(prefix)
        for name, is_dir in entries:
            if is_dir:
                stack.append((path / name, f"{prefix}{name}/"))
            else:
                found.add(prefix + name)
    return found


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def archives_match(expected: Path, actual: Path) -> bool:
    """Two reproducible zips hold the same members with the same metadata and contents."""
    try:
        return zip_signature(expected) == zip_signature(actual)
    except (OSError, ValueError, zipfile.BadZipFile):  # not a zip (or not one read whole)
        return False


def unreadable_member(archive: Path) -> str | None:
    """Why a member of ``archive`` cannot be read whole, naming it, or None: every member
    is inflated (streaming) and checked against its CRC-32 and size, which zip_signature
    only reads from the central directory."""
    try:
        with zipfile.ZipFile(archive) as opened:
            for info in opened.infolist():
                try:
                    with opened.open(info) as member:
                        while member.read(1 << 20):
                            pass
                except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
                    return f"its member {info.filename} cannot be read whole: {exc}"
    except (zipfile.BadZipFile, OSError) as exc:
        return f"it is not a readable zip archive: {exc}"
    return None
