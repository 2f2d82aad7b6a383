"""Byte-reproducible, sealed zip archives of a package folder.

Entries are sorted, carry a fixed time stamp (the release's, or 1980-01-01), fixed
permissions and a fixed creator system, and are deflated with zlib level 6. The members are
identical everywhere; the compressed bytes are identical wherever the same zlib is used.

Writing is two independent steps: :func:`write_members` writes the entries, the central
directory and the end record; :func:`seal` then makes the archive's zip comment its
**seal**, the ASCII text ``corpuskit-sha256:`` and the 64 lowercase hex digits of the sha256
of every archive byte before the comment (everything up to and including the
end-of-central-directory record, whose comment-length field already says
:data:`SEAL_BYTES`). A zip's CRC-32s cover uncompressed data only; the seal covers every
byte, so any change to the file (a compressed stream that still inflates to the same bytes
included) breaks it. It is self-contained evidence against accidental damage, not a
signature: whoever changes an archive on purpose can compute a new seal.
"""

from __future__ import annotations

import hashlib
import os
import re
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_CHUNK = 1 << 20
#: The seal: this prefix and a sha256 in lowercase hex, as the archive comment.
SEAL_PREFIX = b"corpuskit-sha256:"
SEAL_BYTES = len(SEAL_PREFIX) + 64
SEAL_FORM = re.compile(rb"corpuskit-sha256:[0-9a-f]{64}")
#: Signature and size of the end-of-central-directory record (without its comment).
END_SIGNATURE = b"PK\x05\x06"
END_RECORD_BYTES = 22


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


def write_zip(folder: Path, target: BinaryIO, root: str, created: str | None) -> str:
    """Write a sealed zip of ``folder`` (members under ``root/``) to ``target``.

    ``target`` is an empty binary file open for reading and writing (``w+b``): the seal is
    computed by reading back what was written. Returns the seal's sha256.
    """
    write_members(folder, target, root, created)
    return seal(target)


def write_members(folder: Path, target: BinaryIO, root: str, created: str | None) -> None:
    """The zip of ``folder`` (members under ``root/``), without a comment, into ``target``."""
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


def seal(handle: BinaryIO) -> str:
    """Seal the finished zip in ``handle`` (readable, writable, seekable); return the sha256.

    The zip must end in an end-of-central-directory record without a comment, as
    :func:`write_members` (zipfile) writes it. That record's comment length becomes
    :data:`SEAL_BYTES`, every byte from the start of the file through the record is hashed
    (read back in chunks), and ``corpuskit-sha256:<hex>`` is appended as the comment.
    Raises ``ValueError`` for anything else (an archive sealed already, or not a zip).
    """
    end = handle.seek(0, os.SEEK_END)
    handle.seek(max(0, end - END_RECORD_BYTES))
    record = handle.read(END_RECORD_BYTES)
    if len(record) != END_RECORD_BYTES or record[:4] != END_SIGNATURE \
            or record[-2:] != b"\0\0":
        raise ValueError("not a zip archive ending in an end record without a comment")
    handle.seek(end - 2)
    handle.write(struct.pack("<H", SEAL_BYTES))
    handle.seek(0)
    digest = sha256_of_prefix(handle, end).hexdigest()
    handle.seek(end)
    handle.write(SEAL_PREFIX + digest.encode("ascii"))
    handle.flush()
    return digest


def sha256_of_prefix(handle: BinaryIO, size: int) -> hashlib._Hash:
    """sha256 of the next ``size`` bytes of ``handle``, read in chunks (fewer if it ends)."""
    digest = hashlib.sha256()
    while size > 0 and (chunk := handle.read(min(_CHUNK, size))):
        digest.update(chunk)
        size -= len(chunk)
    return digest


def zip_signature(path: Path) -> list[tuple[str, tuple[int, ...], int, int, int]]:
    """What makes two reproducible zips the same, whatever zlib compressed them.

    The members' names, time stamps, permissions, CRCs and sizes; never the compressed
    bytes, and so never the seal (the archive comment), which depends on them.
    """
    with zipfile.ZipFile(path) as archive:
        return [
            (i.filename, i.date_time, i.external_attr, i.CRC, i.file_size)
            for i in archive.infolist()
        ]
