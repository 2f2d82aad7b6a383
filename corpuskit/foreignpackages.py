"""Packages of other tools: a plain Frictionless Data Package, or a dataset's zip, handed
to corpuskit as if it were one of its packages.

Such a package is no corpuskit package that was damaged: it never had corpuskit's files.
Checked as one, it was given every file missing and every key corpus.toml needs, ending
in "the package was modified, damaged or renamed" (QA: consumer 1). A package or archive
is told to be another tool's only when nothing of corpuskit's is in it: no BagIt file, no
records file, no ``corpuskit`` section in its ``datapackage.json`` and, for an archive, no
seal; nor any other file or folder only corpuskit's packages hold (``data/raw/``,
``croissant.json``, the Parquet copy), nor a descriptor naming corpuskit's records file or
its Parquet copy as a resource (QA: a package stripped of its bag files, records file and
section, its 300 raw texts there still, was "another tool's"). Any one of them makes it
corpuskit's, checked (and reported damaged) as such. A zip
without a seal that holds nothing at all is no one's package, and is told to be empty.
Nothing here reads more than the descriptor; a file that cannot be read says nothing.
"""

from __future__ import annotations

import json
import os
import zipfile
from contextlib import suppress
from pathlib import Path, PurePosixPath

from .archiveseal import ends_in_a_seal
from .croissant import CROISSANT_PATH
from .package import DOCUMENTS_PATH, RAW_PREFIX
from .packagesource import DESCRIPTOR
from .parquet import PARQUET_PATH

__all__ = ["foreign_package"]

#: What every package corpuskit builds holds beside its descriptor (the records file too).
_OWN_FILES = ("bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt")
#: The paths in a package that only corpuskit's packages hold, beside those: the raw
#: texts' folder, the Croissant metadata, the records and their Parquet copy.
_OWN_PATHS = (RAW_PREFIX.rstrip("/"), CROISSANT_PATH, DOCUMENTS_PATH, PARQUET_PATH)
#: A seeds folder's configuration: a zip holding one is seeds, refused with how to unzip it.
_CONFIG = "corpus.toml"
#: The section of datapackage.json that only corpuskit writes.
_SECTION = "corpuskit"
#: The largest descriptor read; a larger one is taken to be corpuskit's (checked as such).
_DESCRIPTOR_BYTES = 1 << 20
#: Entries of a zip listed at most to tell whose it is (a larger one is checked as ours).
_ZIP_ENTRIES = 1 << 21
#: Descriptors of a zip read at most (a zip of many packages is told by its first ones).
_ZIP_DESCRIPTORS = 8
#: What to do with it, after what it is.
_ADVICE = ("corpuskit reads only the packages it builds: pass a release's folder or its "
           ".zip (dist/<name>-<version>)")
#: What to tell of a zip without a seal that holds no entries (a zip of nothing).
_EMPTY_ZIP = ("an empty zip archive (it holds no entries), not a package archive: get it "
              "again from where it was published, or pass a release's folder or its .zip "
              "(dist/<name>-<version>)")
#: corpuskit's files that it lacks, after "none of".
_OWN_SHOWN = (f"corpuskit's files (bagit.txt, the manifests, {DOCUMENTS_PATH}, "
              f"{RAW_PREFIX}, {CROISSANT_PATH})")


def foreign_package(path: Path) -> str | None:
    """What to tell of the package folder or zip ``path`` if it is another tool's, or an
    empty zip (see the module's docstring), after its path in a ``not-a-package``
    problem; else None."""
    with suppress(OSError):
        if path.is_dir():
            return _foreign_folder(path)
        if path.is_file() and not ends_in_a_seal(path):
            return _foreign_zip(path)
    return None


def _foreign_folder(folder: Path) -> str | None:
    # Any entry of those names counts (a folder, a broken link): a package damaged so.
    if any(os.path.lexists(folder / name) for name in (*_OWN_FILES, *_OWN_PATHS)):
        return None
    descriptor = folder / DESCRIPTOR
    if not descriptor.is_file() or descriptor.stat().st_size > _DESCRIPTOR_BYTES:
        return None
    if not _another_tools(descriptor.read_bytes()):
        return None
    return (f"a Data Package of another tool, not a corpuskit package: its {DESCRIPTOR} "
            f"has no '{_SECTION}' section, and none of {_OWN_SHOWN} is beside it; "
            f"{_ADVICE}")


def _foreign_zip(archive: Path) -> str | None:
    try:
        with zipfile.ZipFile(archive) as opened:
            entries = len(opened.filelist)
            if entries > _ZIP_ENTRIES:
                return None
            descriptors: list[bytes] = []
            for info in opened.infolist():
                name = PurePosixPath(info.filename)
                if name.name in (*_OWN_FILES, _CONFIG) or _own_path(info.filename):
                    return None
                if name.name == DESCRIPTOR and len(descriptors) < _ZIP_DESCRIPTORS:
                    if info.file_size > _DESCRIPTOR_BYTES:
                        return None
                    descriptors.append(opened.read(info))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError,
            RuntimeError, zipfile.LargeZipFile):  # (encrypted, damaged: no telling whose)
        return None
    if not entries:  # no one's package: one problem saying so everywhere (QA: validate
        return _EMPTY_ZIP  # found 7, export "modified, damaged", info "no descriptor")
    if not all(_another_tools(raw) for raw in descriptors):
        return None
    held = (f"a Data Package of another tool ({DESCRIPTOR} with no '{_SECTION}' section)"
            if descriptors else f"no {DESCRIPTOR}")
    return (f"a zip archive of another tool, not a corpuskit package archive: it holds "
            f"{held}, none of {_OWN_SHOWN} and no corpuskit seal (its zip comment); "
            f"{_ADVICE}")


def _own_path(name: str) -> bool:
    """Whether the zip entry ``name`` is one of :data:`_OWN_PATHS` (or in the raw texts'
    folder), at the zip's top or in a folder (a package archive's top folder)."""
    return any(name == path or name.endswith(f"/{path}") or name.startswith(f"{path}/")
               or f"/{path}/" in name for path in _OWN_PATHS)


def _another_tools(raw: bytes) -> bool:
    """Whether the descriptor ``raw`` is a JSON object without corpuskit's section nor a
    resource of corpuskit's records or their Parquet copy; one that is no JSON object may
    be corpuskit's, damaged, and is checked as such."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):  # (UnicodeDecodeError too; nested too deep)
        return False
    if not isinstance(data, dict) or _SECTION in data:
        return False
    resources = data.get("resources")
    return not (isinstance(resources, list) and any(
        isinstance(resource, dict) and resource.get("path") in (DOCUMENTS_PATH, PARQUET_PATH)
        for resource in resources))
