"""Byte-reproducible zip archives of a package folder, compressed on all cores.

Entries are sorted, carry a fixed time stamp (the release's, or 1980-01-01), fixed
permissions and a fixed creator system, and are deflated with zlib level 6; every header
is what :mod:`zipfile` writes (:mod:`corpuskit.zipformat`). The members are identical
everywhere; the compressed bytes are identical wherever the same zlib is used, whatever
the number of threads.

Compression runs in threads (zlib releases the GIL). A file up to :data:`PIECE_BYTES` is
one deflate stream, byte for byte what :mod:`zipfile` makes of it; a larger one is cut into
pieces of that size, each deflated with the 32 KiB before it as dictionary and ended with
a sync flush (pigz's method), so the pieces join into one valid deflate stream whose
compression matches a single stream's within a fraction of a percent.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO, NamedTuple

from .zipformat import DateTime, central_record, end_records, local_header, member_info

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
LEVEL = 6
#: Bytes of a file deflated as one piece. Fixed: the output must not depend on the machine.
PIECE_BYTES = 1 << 20
_WINDOW = 32 * 1024
#: Pieces compressed or waiting to be written, per thread (bounds memory).
_AHEAD_PER_THREAD = 8


def zip_date_time(created: str | None) -> DateTime:
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


class _Piece(NamedTuple):
    rel: str
    size: int
    offset: int
    length: int


def _pieces(folder: Path) -> Iterator[_Piece]:
    for rel in package_files(folder):
        size = (folder / rel).stat().st_size
        for offset in range(0, max(size, 1), PIECE_BYTES):
            yield _Piece(rel, size, offset, min(PIECE_BYTES, size - offset))


def _deflate(folder: Path, piece: _Piece) -> tuple[bytes, bytes]:
    """Read one piece (and the window before it) and deflate it: (data, deflated)."""
    start = max(piece.offset - _WINDOW, 0)
    with (folder / piece.rel).open("rb") as source:
        source.seek(start)
        data = source.read(piece.offset + piece.length - start)
    if len(data) != piece.offset + piece.length - start:
        raise OSError(f"{folder / piece.rel} changed size while it was being archived")
    window, chunk = data[:piece.offset - start], data[piece.offset - start:]
    compressor = (zlib.compressobj(LEVEL, zlib.DEFLATED, -15, zdict=window) if window
                  else zlib.compressobj(LEVEL, zlib.DEFLATED, -15))
    last = piece.offset + piece.length >= piece.size
    return chunk, compressor.compress(chunk) + compressor.flush(
        zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


def _threads() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def write_zip(folder: Path, target: BinaryIO, root: str, created: str | None, *,
              threads: int | None = None) -> None:
    """Write a zip of ``folder`` (members under ``root/``) to the seekable file ``target``."""
    date_time = zip_date_time(created)
    threads = threads or _threads()
    central: list[bytes] = []
    offset = 0
    header_at = crc = compressed = 0
    with ThreadPoolExecutor(max_workers=threads) as pool:
        ahead: deque[tuple[_Piece, Future[tuple[bytes, bytes]]]] = deque()
        pieces = _pieces(folder)

        def fill() -> None:
            while len(ahead) < threads * _AHEAD_PER_THREAD:
                piece = next(pieces, None)
                if piece is None:
                    return
                ahead.append((piece, pool.submit(_deflate, folder, piece)))

        fill()
        while ahead:
            piece, future = ahead.popleft()
            data, deflated = future.result()
            fill()
            info = member_info(f"{root}/{piece.rel}", date_time, size=piece.size,
                               compress_size=0, crc=0)
            whole = piece.length == piece.size
            if piece.offset == 0:
                header_at, crc, compressed = offset, 0, 0
                if whole:  # the common case: the header can be written as it will stay
                    info.CRC, info.compress_size = zlib.crc32(data), len(deflated)
                header = local_header(info)
                target.write(header)
                offset += len(header)
            crc = zlib.crc32(data, crc)
            compressed += len(deflated)
            target.write(deflated)
            offset += len(deflated)
            if piece.offset + piece.length >= piece.size:
                info.CRC, info.compress_size = crc, compressed
                if not whole:  # a file of several pieces: its sizes are known only now
                    target.seek(header_at)
                    target.write(local_header(info))
                    target.seek(offset)
                central.append(central_record(info, header_at))
    directory = b"".join(central)
    target.write(directory)
    target.write(end_records(len(central), len(directory), offset))


def zip_signature(path: Path) -> list[tuple[str, tuple[int, ...], int, int, int]]:
    """What makes two reproducible zips the same, whatever zlib compressed them."""
    with zipfile.ZipFile(path) as archive:
        return [
            (i.filename, i.date_time, i.external_attr, i.CRC, i.file_size)
            for i in archive.infolist()
        ]
