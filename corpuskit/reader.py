"""Read-only access to a built package, whether a folder or a ``.zip``, without extracting.

Used by validate, diff, load and info. An archive is read in place, one member at a
time; member names are checked before use and nothing from an archive is ever written.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any

import orjson

from .archive import package_files
from .errors import InputError
from .models import Record
from .package import DOCUMENTS_PATH
from .problems import Problem
from .records import record_from_dict

DESCRIPTOR = "datapackage.json"


def unsafe_member_reason(name: str) -> str | None:
    """Why an archive member name must not be used, or None."""
    if not name or name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "absolute path"
    if "\\" in name:
        return "backslash in name"
    parts = PurePosixPath(name).parts
    if any(part == ".." for part in parts):
        return "'..' in path"
    if "\x00" in name:
        return "NUL in name"
    return None


class PackageSource:
    """A package's files by relative path. Subclasses read a folder or an archive."""

    location: Path
    name: str

    def files(self) -> list[str]:
        raise NotImplementedError

    def size(self, rel: str) -> int:
        raise NotImplementedError

    def open(self, rel: str) -> IO[bytes]:
        raise NotImplementedError

    def read_bytes(self, rel: str) -> bytes:
        with self.open(rel) as handle:
            return handle.read()

    def exists(self, rel: str) -> bool:
        raise NotImplementedError

    def close(self) -> None:
        """Release the archive handle (no-op for folders)."""

    def __enter__(self) -> PackageSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class FolderSource(PackageSource):
    def __init__(self, folder: Path) -> None:
        self.location = folder
        self.name = folder.name
        self._files: list[str] | None = None

    def files(self) -> list[str]:
        if self._files is None:
            self._files = list(package_files(self.location))
        return self._files

    def size(self, rel: str) -> int:
        return (self.location / rel).stat().st_size

    def open(self, rel: str) -> IO[bytes]:
        return (self.location / rel).open("rb")

    def exists(self, rel: str) -> bool:
        return (self.location / rel).is_file()


class ZipSource(PackageSource):
    """A package archive: every member under one top folder ``<name>-<version>/``."""

    def __init__(self, path: Path) -> None:
        self.location = path
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise InputError([Problem(path.name, "archive-error",
                                      f"not a readable zip archive: {exc}")]) from None
        self._members: dict[str, zipfile.ZipInfo] = {}
        names = [info.filename for info in self._zip.infolist() if not info.is_dir()]
        tops = {name.split("/", 1)[0] for name in names}
        self.name = tops.pop() if len(tops) == 1 else path.stem
        prefix = self.name + "/"
        for info in self._zip.infolist():
            if info.is_dir():
                continue
            if unsafe_member_reason(info.filename) or not info.filename.startswith(prefix):
                continue
            self._members.setdefault(info.filename[len(prefix):], info)

    def files(self) -> list[str]:
        return sorted(self._members)

    def info(self, rel: str) -> zipfile.ZipInfo:
        return self._members[rel]

    def size(self, rel: str) -> int:
        return self._members[rel].file_size

    def open(self, rel: str) -> IO[bytes]:
        try:
            return self._zip.open(self._members[rel])
        except KeyError:
            raise FileNotFoundError(rel) from None

    def exists(self, rel: str) -> bool:
        return rel in self._members

    @property
    def archive(self) -> zipfile.ZipFile:
        return self._zip

    def close(self) -> None:
        self._zip.close()


def open_package(path: Path) -> PackageSource:
    """A package folder (holding datapackage.json) or a ``.zip`` archive of one."""
    if path.is_dir():
        if not (path / DESCRIPTOR).is_file():
            raise InputError([Problem(str(path), "not-a-package",
                                      f"no {DESCRIPTOR} here; pass a package folder or archive")])
        return FolderSource(path)
    if path.is_file():
        return ZipSource(path)
    raise InputError([Problem(str(path), "not-a-package", "no such file or folder")])


def read_descriptor(source: PackageSource) -> dict[str, Any]:
    try:
        data = orjson.loads(source.read_bytes(DESCRIPTOR))
    except (FileNotFoundError, KeyError):
        raise InputError([Problem(DESCRIPTOR, "missing-file", "the package has no descriptor")]
                         ) from None
    except orjson.JSONDecodeError as exc:
        raise InputError([Problem(DESCRIPTOR, "schema-error", f"not valid JSON: {exc}")]
                         ) from None
    if not isinstance(data, dict):
        raise InputError([Problem(DESCRIPTOR, "schema-error", "not a JSON object")])
    return data


def iter_record_lines(source: PackageSource) -> Iterator[tuple[int, bytes]]:
    """``(line number, raw line)`` of data/documents.jsonl, streamed."""
    with source.open(DOCUMENTS_PATH) as handle:
        for number, line in enumerate(io.BufferedReader(handle) if not hasattr(handle, "peek")
                                      else handle, start=1):
            yield number, line


def iter_records(source: PackageSource) -> Iterator[Record]:
    """Every record of the package, in file order (sorted by id), one at a time."""
    for number, line in iter_record_lines(source):
        try:
            yield record_from_dict(orjson.loads(line))
        except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError([Problem(DOCUMENTS_PATH, "schema-error",
                                      f"not a valid record: {exc}", f"line {number}")]) from None
