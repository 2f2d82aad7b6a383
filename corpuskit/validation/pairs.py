"""A release is one package: its folder and the zip beside it must hold the same files.

Each is validated alone; two that pass can still hold different packages (a zip rebuilt
from other seeds beside an older folder). Their tag manifests cover every file (the
payload manifest, which covers the payload, is one of the files they list), so equal tag
manifests of two valid packages mean the same files, byte for byte.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..problems import Problem
from ..zipsource import ZipSource
from .precise import MAX_TAG_FILE_BYTES, STRICT_MANIFESTS

#: The tag manifest every corpuskit package holds (sha256).
TAG_MANIFEST = STRICT_MANIFESTS[1]


def _tag_manifest(target: Path) -> bytes | None:
    """The tag manifest of a package folder or archive; None if it cannot be read (the
    check of the target itself reports why)."""
    try:
        if target.is_dir():
            with (target / TAG_MANIFEST).open("rb") as handle:
                return handle.read(MAX_TAG_FILE_BYTES + 1)
        with ZipSource(target, strict=False) as source, source.open(TAG_MANIFEST) as member:
            return member.read(MAX_TAG_FILE_BYTES + 1)
    except (OSError, ValueError, InputError):
        return None


def release_pair_problems(folder: Path, archive: Path) -> list[Problem]:
    """The problem with ``archive`` if it holds other files than ``folder``, the release
    folder it is the zip of (both valid)."""
    folder_tags, archive_tags = _tag_manifest(folder), _tag_manifest(archive)
    if folder_tags is None or archive_tags is None or folder_tags == archive_tags:
        return []
    folder_lines = set(folder_tags.splitlines())
    differing = sorted(line.split(b"  ", 1)[-1].decode("utf-8", "replace")
                       for line in set(archive_tags.splitlines()) ^ folder_lines)
    shown = ", ".join(dict.fromkeys(differing))
    return [Problem(".", "metadata-mismatch",
                    f"holds another package than the release folder {folder.name}/ beside "
                    f"it ({shown} differ{'s' if len(set(differing)) == 1 else ''}); a "
                    "release is one package: restore the folder and the zip from the "
                    "published release, or, if it was never published, remove both and run "
                    "'corpuskit build' to write them again from the seeds (a build never "
                    "replaces a release's zip)")]
