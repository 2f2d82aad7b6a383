"""The releases kept in an output folder (``dist/``): ``<name>-X.Y.Z/`` folders.

Used by ``release`` (the latest release is what the seeds are diffed against) and by
``build`` (the latest release lends its unchanged raw files to the new one).
"""

from __future__ import annotations

import re
from pathlib import Path

from .reader import DESCRIPTOR
from .semver import VERSION_PATTERN, Version


def _release_folders(dist: Path, name: str) -> list[tuple[Version, Path]]:
    """Folders named as releases of ``name``: ``<name>-X.Y.Z/``, descriptor or not."""
    pattern = re.compile(rf"^{re.escape(name)}-(?P<version>{VERSION_PATTERN})$")
    if not dist.is_dir():
        return []
    return [(Version.parse(match.group("version")), entry) for entry in dist.iterdir()
            if (match := pattern.match(entry.name)) and entry.is_dir()]


def find_releases(dist: Path, name: str) -> list[tuple[Version, Path]]:
    """Releases of ``name`` in ``dist``, oldest first: ``<name>-X.Y.Z/`` with a descriptor."""
    return sorted(((version, entry) for version, entry in _release_folders(dist, name)
                   if (entry / DESCRIPTOR).is_file()), key=lambda item: item[0])


def damaged_releases(dist: Path, name: str) -> list[Path]:
    """Folders named as releases of ``name`` without a descriptor: a damaged or incomplete
    release, which :func:`find_releases` does not count."""
    return sorted(entry for _, entry in _release_folders(dist, name)
                  if not (entry / DESCRIPTOR).is_file())


def latest_release(dist: Path, name: str) -> tuple[Version, Path] | None:
    """The release of ``name`` in ``dist`` with the highest semantic version, or None."""
    releases = find_releases(dist, name)
    return releases[-1] if releases else None
