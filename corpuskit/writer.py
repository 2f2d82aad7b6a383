"""The one writer: every byte corpuskit puts on disk goes through here.

A package is written into a hidden temporary folder beside its destination and renamed
into place only when complete, so a failed or killed build leaves no partial release and
never touches an existing one. Disk errors become :class:`OutputError` naming the path.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from .archive import write_zip
from .errors import OutputError
from .package import FileEntry

TEMP_PREFIX = ".corpuskit-tmp-"
FILE_MODE = 0o644
DIR_MODE = 0o755


def _output_error(path: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc)
    return OutputError(f"cannot write {path}: {reason}")


class HashingWriter:
    """A binary file being written, hashed and counted on the way."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self._hash = hashlib.sha256()
        self.bytes = 0

    def write(self, data: bytes) -> None:
        self._handle.write(data)
        self._hash.update(data)
        self.bytes += len(data)

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()


class PackageWriter:
    """Writes one release folder atomically: ``with PackageWriter(out, name) as w: ...``."""

    def __init__(self, out: Path, release_name: str) -> None:
        self.out = out
        self.release_name = release_name
        self.final = out / release_name
        self.temp: Path | None = None
        self._created_out = False

    def __enter__(self) -> PackageWriter:
        try:
            if not self.out.exists():
                self.out.mkdir(parents=True)
                self._created_out = True
            self.temp = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{self.release_name}-",
                                              dir=self.out))
            self.temp.chmod(DIR_MODE)
        except OSError as exc:
            raise _output_error(self.out, exc) from None
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.discard()

    def discard(self) -> None:
        """Remove the temporary folder (and the output folder if this build created it)."""
        if self.temp is not None and self.temp.exists():
            shutil.rmtree(self.temp, ignore_errors=True)
        self.temp = None
        if self._created_out:
            try:
                self.out.rmdir()
            except OSError:
                pass

    def _path(self, relpath: str) -> Path:
        assert self.temp is not None, "PackageWriter used outside its with-block"
        path = self.temp / relpath
        parent = path.parent
        if not parent.exists():
            try:
                parent.mkdir(parents=True, mode=DIR_MODE)
                for folder in [parent, *parent.parents]:
                    if folder == self.temp:
                        break
                    folder.chmod(DIR_MODE)
            except OSError as exc:
                raise _output_error(parent, exc) from None
        return path

    def write(self, relpath: str, data: bytes) -> FileEntry:
        """Write a whole file and return its manifest entry."""
        path = self._path(relpath)
        try:
            with path.open("wb") as handle:
                handle.write(data)
            path.chmod(FILE_MODE)
        except OSError as exc:
            raise _output_error(self.final / relpath, exc) from None
        return FileEntry(relpath, len(data), hashlib.sha256(data).hexdigest())

    @contextmanager
    def stream(self, relpath: str) -> Iterator[HashingWriter]:
        """Write a file piece by piece; its entry is ``writer.bytes``/``writer.sha256``."""
        path = self._path(relpath)
        try:
            with path.open("wb") as handle:
                yield HashingWriter(handle)
            path.chmod(FILE_MODE)
        except OSError as exc:
            raise _output_error(self.final / relpath, exc) from None

    def commit(self) -> Path:
        """Rename the finished folder into place; refuses to replace an existing release."""
        assert self.temp is not None
        try:
            os.rename(self.temp, self.final)
        except OSError as exc:
            raise OutputError(
                f"cannot move the new release into place as {self.final}: "
                f"{exc.strerror or exc}") from None
        self.temp = None
        self._created_out = False
        return self.final


def write_archive(folder: Path, target: Path, created: str | None) -> Path:
    """Write ``target`` (a .zip of ``folder``) through a temporary file and an atomic rename."""
    handle = None
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{target.name}-",
                                         dir=target.parent)
        handle = os.fdopen(fd, "wb")
        with handle:
            write_zip(folder, handle, folder.name, created)
        os.chmod(temp_name, FILE_MODE)
        os.replace(temp_name, target)
    except OSError as exc:
        if handle is not None and Path(temp_name).exists():
            Path(temp_name).unlink()
        raise _output_error(target, exc) from None
    return target


def remove_tree(path: Path) -> None:
    """Delete a temporary tree corpuskit made (never a release)."""
    shutil.rmtree(path, ignore_errors=True)
