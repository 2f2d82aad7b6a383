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
from ..zipfiles.zipsource import ZipSource
from .precise import MAX_TAG_FILE_BYTES, STRICT_MANIFESTS

#: The tag manifest every corpuskit package holds (sha256).
TAG_MANIFEST = STRICT_MANIFESTS[1]


#: The payload manifest, whose lines name the data files that differ.
PAYLOAD_MANIFEST = STRICT_MANIFESTS[0]
#: Files named of those that differ, at most.
_SHOWN = 10
#: The largest payload manifests compared to name the data files that differ (about
#: 600,000 documents'): larger ones are named as the manifest alone, memory bounded.
_PAYLOAD_BYTES = 64 << 20


def _tag_manifest(target: Path, name: str = TAG_MANIFEST,
                  limit: int = MAX_TAG_FILE_BYTES) -> bytes | None:
    """The tag manifest (or the manifest ``name``) of a package folder or archive; None if
    it cannot be read (the check of the target itself reports why)."""
    try:
        if target.is_dir():
            with (target / name).open("rb") as handle:
                return handle.read(limit + 1)
        with ZipSource(target, strict=False) as source, source.open(name) as member:
            return member.read(limit + 1)
    except (OSError, ValueError, InputError):
        return None


def _differing(first: bytes, second: bytes) -> list[str]:
    """The files whose lines differ between two manifests, sorted, each once."""
    lines = set(first.splitlines()) ^ set(second.splitlines())
    return sorted({line.split(b"  ", 1)[-1].decode("utf-8", "replace") for line in lines})


def release_pair_problems(folder: Path, archive: Path) -> list[Problem]:
    """The problem with ``archive`` if it holds other files than ``folder``, the release
    folder it is the zip of (both valid)."""
    folder_tags, archive_tags = _tag_manifest(folder), _tag_manifest(archive)
    if folder_tags is None or archive_tags is None or folder_tags == archive_tags:
        return []
    differing = _differing(folder_tags, archive_tags)
    if PAYLOAD_MANIFEST in differing:  # which data files (QA: none was named)
        first, second = (_tag_manifest(target, PAYLOAD_MANIFEST, _PAYLOAD_BYTES)
                         for target in (folder, archive))
        if first is not None and second is not None \
                and max(len(first), len(second)) <= _PAYLOAD_BYTES:
            differing = sorted({*differing, *_differing(first, second)})
    shown = ", ".join(differing[:_SHOWN]) + (
        f" and {len(differing) - _SHOWN} more" if len(differing) > _SHOWN else "")
    return [Problem(".", "metadata-mismatch",
                    f"holds another package than the release folder {folder.name}/ beside "
                    f"it ({shown} differ{'s' if len(differing) == 1 else ''}); a "
                    "release is one package: restore the folder and the zip from the "
                    "published release, or, if it was never published, remove both and run "
                    "'corpuskit build' to write them again from the seeds (a build never "
                    "replaces a release's zip)")]
