"""Byte-reproducible zip archives of a package folder.

Entries are sorted, carry a fixed time stamp (the release's, or 1980-01-01), fixed
permissions and a fixed creator system, and are deflated with zlib level 6. The members are
identical everywhere; the compressed bytes are identical wherever the same zlib is used.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_CHUNK = 1 << 20


def zip_date_time(created: str | None) -> tuple[int, int, int, int, int, int]:
    """The zip time stamp for an RFC 3339 UTC ``created`` (zip cannot go before 1980)."""
    if not created:
        return ZIP_EPOCH
    stamp = (int(created[0:4]), int(created[5:7]), int(created[8:10]),
             int(created[11:13]), int(created[14:16]), int(created[17:19]) // 2 * 2)
    return max(stamp, ZIP_EPOCH)


def package_files(folder: Path) -> Iterator[str]:
    """Relative POSIX paths of every file under ``folder``, sorted by code point."""
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        rel = Path(dirpath).relative_to(folder).as_posix()
        for name in filenames:
            found.append(name if rel == "." else f"{rel}/{name}")
    yield from sorted(found)


def write_zip(folder: Path, target: BinaryIO, root: str, created: str | None) -> None:
    """Write a zip of ``folder`` (members under ``root/``) to the open binary file ``target``."""
    date_time = zip_date_time(created)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6,
                         allowZip64=True) as archive:
        for rel in package_files(folder):
            info = zipfile.ZipInfo(f"{root}/{rel}", date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            source = folder / rel
            info.file_size = source.stat().st_size
            with source.open("rb") as src, archive.open(info, "w", force_zip64=False) as dst:
                while chunk := src.read(_CHUNK):
                    dst.write(chunk)


def zip_signature(path: Path) -> list[tuple[str, tuple[int, ...], int, int, int]]:
    """What makes two reproducible zips the same, whatever zlib compressed them."""
    with zipfile.ZipFile(path) as archive:
        return [
            (i.filename, i.date_time, i.external_attr, i.CRC, i.file_size)
            for i in archive.infolist()
        ]
