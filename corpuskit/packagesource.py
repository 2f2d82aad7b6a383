"""What every reader of a package reads through: :class:`PackageSource`, a package's files
by relative path, whether in a folder or an archive, and how much of a metadata file it
takes."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import IO

#: The package descriptor, at the top of every package.
DESCRIPTOR = "datapackage.json"
#: The most bytes a reader takes of a package's metadata file, as ``validate`` does.
MAX_METADATA_BYTES = 64 * 1024 * 1024
#: A metadata file is read this many bytes at a time.
_CHUNK = 1 << 20


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

    def read_bytes(self, rel: str, limit: int | None = None) -> bytes:
        """The whole of a metadata file (the descriptor, a manifest, the changelog), at
        most ``limit`` bytes (default :data:`MAX_METADATA_BYTES`): a larger one raises
        ``OSError`` (EFBIG) rather than filling memory."""
        limit = MAX_METADATA_BYTES if limit is None else limit
        parts: list[bytes] = []
        total = 0
        with self.open(rel) as handle:  # in chunks: a read of ``limit`` would take it all
            while chunk := handle.read(min(_CHUNK, limit + 1 - total)):
                parts.append(chunk)
                total += len(chunk)
                if total > limit:
                    raise OSError(errno.EFBIG, f"larger than {limit} bytes, more than "
                                               "corpuskit ever writes there", rel)
        return b"".join(parts)

    def exists(self, rel: str) -> bool:
        raise NotImplementedError

    def close(self) -> None:
        """Release the archive handle (no-op for folders)."""

    def __enter__(self) -> PackageSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
