"""The releases kept in an output folder (``dist/``): ``<name>-X.Y.Z/`` folders.

Used by ``release`` (the latest release is what the seeds are diffed against) and by
``build`` (the latest release lends its unchanged raw files to the new one).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import orjson

from .config import read_regular
from .reader import DESCRIPTOR, MAX_METADATA_BYTES
from .semver import VERSION_PATTERN, Version


def _release_folders(dist: Path, name: str) -> list[tuple[Version, Path]]:
    """Folders named as releases of ``name``: ``<name>-X.Y.Z/``, descriptor or not."""
    pattern = re.compile(rf"^{re.escape(name)}-(?P<version>{VERSION_PATTERN})\Z")
    if not dist.is_dir():
        return []
    return [(Version.parse(match.group("version")), entry) for entry in dist.iterdir()
            if (match := pattern.match(entry.name)) and entry.is_dir()]


def descriptor_of(folder: Path) -> dict[str, Any] | None:
    """The folder's datapackage.json as an object, or None when there is none, it cannot
    be read (a pipe there is refused, never waited on) or it is not a JSON object."""
    try:
        descriptor = orjson.loads(read_regular(folder / DESCRIPTOR, MAX_METADATA_BYTES,
                                                checking=True))
    except (OSError, ValueError):
        return None
    return descriptor if isinstance(descriptor, dict) else None


def _names_itself(folder: Path, name: str, version: Version) -> bool:
    """Whether the folder's datapackage.json names it: ``name`` at ``version``."""
    descriptor = descriptor_of(folder)
    return (descriptor is not None and descriptor.get("name") == name
            and descriptor.get("version") == str(version))


def find_releases(dist: Path, name: str) -> list[tuple[Version, Path]]:
    """Releases of ``name`` in ``dist``, oldest first: ``<name>-X.Y.Z/`` folders whose
    datapackage.json is that name and version (a copy renamed to another version is not
    one: it would pass for the latest release)."""
    return sorted(((version, entry) for version, entry in _release_folders(dist, name)
                   if _names_itself(entry, name, version)), key=lambda item: item[0])


def damaged_releases(dist: Path, name: str) -> list[Path]:
    """Folders named as releases of ``name`` that :func:`find_releases` does not count:
    without a readable datapackage.json (damaged or incomplete), or with one that names
    another name or version (renamed)."""
    return sorted(entry for version, entry in _release_folders(dist, name)
                  if not _names_itself(entry, name, version))


def other_corpora(dist: Path, name: str) -> list[str]:
    """Names of the other corpora released in ``dist``: ``<other>-X.Y.Z/`` folders whose
    datapackage.json names them so (what a rename of the corpus leaves behind)."""
    if not dist.is_dir():
        return []
    found: set[str] = set()
    for entry in dist.iterdir():
        descriptor = descriptor_of(entry) if entry.is_dir() else None
        if descriptor is None:
            continue
        other, version = descriptor.get("name"), descriptor.get("version")
        if isinstance(other, str) and other != name and entry.name == f"{other}-{version}":
            found.add(other)
    return sorted(found)


def latest_release(dist: Path, name: str) -> tuple[Version, Path] | None:
    """The release of ``name`` in ``dist`` with the highest semantic version, or None."""
    releases = find_releases(dist, name)
    return releases[-1] if releases else None
