"""Packages of other tools: a plain Frictionless Data Package, or a dataset's zip, handed
to corpuskit as if it were one of its packages.

Such a package is no corpuskit package that was damaged: it never had corpuskit's files.
Checked as one, it was given every file missing and every key corpus.toml needs, ending
in "the package was modified, damaged or renamed" (QA: consumer 1). A package or archive
is told to be another tool's only when nothing of corpuskit's is in it: no BagIt file, no
records file, no ``corpuskit`` section in its ``datapackage.json`` and, for an archive, no
seal; nor the records' Parquet copy, nor a descriptor naming corpuskit's records file or
its Parquet copy as a resource, nor a ``croissant.json`` that is corpuskit's by what it
says: a FileObject of the records or their Parquet copy, or the record set of corpuskit's
record (QA: a package stripped of its bag files, records file and section, its 300 raw
texts there still, was "another tool's"). Any one of them makes it corpuskit's, checked
(and reported damaged) as such. A ``croissant.json`` or ``data/raw/`` folder alone is no
mark: mlcroissant writes the one and Hugging Face datasets ship it, and many datasets
keep their sources in the other (QA: such a dataset was told to be a damaged corpuskit
package, with dozens of problems). A zip without a seal that holds nothing at all is no
one's package, and is told to be empty. Nothing here reads more than the descriptor and
``croissant.json``; a file that cannot be read says nothing.
"""

from __future__ import annotations

import json
import os
import zipfile
from contextlib import suppress
from pathlib import Path, PurePosixPath

from .croissant import CROISSANT_PATH, RECORD_SET_ID
from .package import DOCUMENTS_PATH
from .packagesource import DESCRIPTOR
from .parquet import PARQUET_PATH
from .zipfiles.archiveseal import ends_in_a_seal
from .zipfiles.zipformat import LOCAL_SIGNATURE

__all__ = ["foreign_package"]

#: What every package corpuskit builds holds beside its descriptor (the records file too).
_OWN_FILES = ("bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt")
#: The paths in a package that only corpuskit's packages hold, beside those: the records
#: and their Parquet copy. Neither data/raw/ nor croissant.json is one: other tools'
#: datasets hold them too (QA: a dataset's zip with a croissant.json was a damaged
#: corpuskit package); a croissant.json is told by what it says (:func:`_own_croissant`).
_OWN_PATHS = (DOCUMENTS_PATH, PARQUET_PATH)
#: The fields of a record set only corpuskit's record has (its Croissant ``@id``s): a
#: record set with one of them is corpuskit's, of a croissant.json stripped of its files.
#: (A tuple: an ``@id`` that is a list or object is compared, not hashed.)
_OWN_FIELDS = tuple(f"{RECORD_SET_ID}/{name}" for name in ("text_sha256", "source_sha256"))
#: A seeds folder's configuration: a zip holding one is seeds, refused with how to unzip it.
_CONFIG = "corpus.toml"
#: The section of datapackage.json that only corpuskit writes.
_SECTION = "corpuskit"
#: The largest descriptor or croissant.json read; a larger one is taken to be corpuskit's
#: (checked as such).
_DESCRIPTOR_BYTES = 1 << 20
#: Entries of a zip listed at most to tell whose it is (a larger one is checked as ours).
_ZIP_ENTRIES = 1 << 21
#: Descriptors, and croissant.json files, of a zip read at most each (a zip of many
#: packages is told by its first ones).
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
              f"a {CROISSANT_PATH} of its records)")


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
    croissant = folder / CROISSANT_PATH
    if os.path.lexists(croissant) and (  # (a folder, a broken link: corpuskit's, damaged)
            not croissant.is_file() or croissant.stat().st_size > _DESCRIPTOR_BYTES
            or _own_croissant(croissant.read_bytes())):
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
            read: dict[str, list[bytes]] = {DESCRIPTOR: [], CROISSANT_PATH: []}
            for info in opened.infolist():
                name = PurePosixPath(info.filename)
                if name.name in (*_OWN_FILES, _CONFIG) or _own_path(info.filename):
                    return None
                if name.name in read and len(read[name.name]) < _ZIP_DESCRIPTORS:
                    if info.file_size > _DESCRIPTOR_BYTES:
                        return None
                    read[name.name].append(opened.read(info))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError,
            RuntimeError, zipfile.LargeZipFile):  # (encrypted, damaged: no telling whose)
        return None
    if not entries:  # no one's package: one problem saying so everywhere (QA: validate
        # found 7, export "modified, damaged", info "no descriptor"); unless an entry's local
        # header starts it: then its end record is not the one written with its entries (a
        # forged one in its comment, QA s95), and it is checked as a damaged package's
        return None if _starts_with_an_entry(archive) else _EMPTY_ZIP
    descriptors = read[DESCRIPTOR]
    if not all(_another_tools(raw) for raw in descriptors) or any(
            _own_croissant(raw) for raw in read[CROISSANT_PATH]):
        return None
    held = (f"a Data Package of another tool ({DESCRIPTOR} with no '{_SECTION}' section)"
            if descriptors else f"no {DESCRIPTOR}")
    return (f"a zip archive of another tool, not a corpuskit package archive: it holds "
            f"{held}, none of {_OWN_SHOWN} and no corpuskit seal (its zip comment); "
            f"{_ADVICE}")


def _starts_with_an_entry(archive: Path) -> bool:
    """Whether ``archive`` starts with a zip entry's local header, as a zip holding entries
    does (an empty one starts with its end record)."""
    with archive.open("rb") as opened:
        return opened.read(len(LOCAL_SIGNATURE)) == LOCAL_SIGNATURE


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


def _own_croissant(raw: bytes) -> bool:
    """Whether the ``croissant.json`` ``raw`` is corpuskit's: one naming its records or their
    Parquet copy in its distribution (as ``@id`` or ``contentUrl``), or with a record set of
    corpuskit's record (:data:`_OWN_FIELDS`). One that is no JSON object may be corpuskit's,
    damaged, and is checked as such; another tool's names its own files and fields."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):  # (UnicodeDecodeError too; nested too deep)
        return True
    if not isinstance(data, dict):
        return True
    return (any(_names_records(item) for item in _dicts(data.get("distribution")))
            or any(field.get("@id") in _OWN_FIELDS
                   for record_set in _dicts(data.get("recordSet"))
                   for field in _dicts(record_set.get("field"))))


def _names_records(item: dict[str, object]) -> bool:
    """Whether the distribution ``item`` is the FileObject of corpuskit's records or their
    Parquet copy."""
    return any(item.get(key) in (DOCUMENTS_PATH, PARQUET_PATH) for key in ("@id", "contentUrl"))


def _dicts(value: object) -> list[dict[str, object]]:
    """The objects of a JSON-LD value: one object, or a list (other items left out)."""
    return [item for item in _listed(value) if isinstance(item, dict)]


def _listed(value: object) -> list[object]:
    """A JSON-LD value as a list: JSON-LD gives one item as itself, not in a list."""
    return value if isinstance(value, list) else [value]
