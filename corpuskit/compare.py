"""Byte-for-byte comparison of two package folders (and of their archives)."""

from __future__ import annotations

import filecmp
from pathlib import Path

from .archive import package_files, zip_signature


def tree_differences(expected: Path, actual: Path) -> list[str]:
    """Relative paths that are missing, extra or different in ``actual``, sorted."""
    left = set(package_files(expected)) if expected.is_dir() else set()
    right = set(package_files(actual)) if actual.is_dir() else set()
    differing = left ^ right
    for rel in left & right:
        if not filecmp.cmp(expected / rel, actual / rel, shallow=False):
            differing.add(rel)
    return sorted(differing)


def archives_match(expected: Path, actual: Path) -> bool:
    """Two reproducible zips hold the same members with the same metadata and contents."""
    try:
        return zip_signature(expected) == zip_signature(actual)
    except (OSError, ValueError):
        return False
