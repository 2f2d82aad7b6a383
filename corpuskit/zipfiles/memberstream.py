"""Reading one archive member: :class:`MemberStream` inflates it in bounded chunks straight
from the archive file and checks its size, CRC-32 and compressed data while it does."""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from collections.abc import Callable
from typing import Any

from ..crc32 import crc32
from .zipdirectory import ArchiveReadError, Member

#: A member is read from the archive at most this many compressed bytes at a time.
_CHUNK = 1 << 20


def failure_reason(exc: BaseException) -> str:
    """What went wrong reading an archive, in words: a truncated or corrupt stream named
    as such."""
    if isinstance(exc, EOFError):
        return "unexpected end of data (truncated)"
    if isinstance(exc, zlib.error):
        # zlib's reason, without the code and call it prefixes ("Error -3 while
        # decompressing data: "), which tell a reader nothing (QA: zlib's words)
        return f"compressed data is corrupt ({str(exc).rpartition(': ')[2] or exc})"
    return str(exc) or type(exc).__name__


class ArchiveClosed(ValueError):
    """The archive a member is read from was closed: I/O on a closed file, as Python
    refuses it (a ``ValueError``), never a problem of the archive."""


class MemberStream(io.RawIOBase):
    """One archive member, inflated in bounded chunks straight from the archive file.

    It yields exactly the bytes the central directory declares, with their CRC-32, and
    checks that the compressed data is exactly the declared compressed size, ends where
    the deflate stream ends and leaves no stray bits in its last byte: any change to a
    member's data is an error here, never silently equal output.
    """

    def __init__(self, fileno: Callable[[], int], info: Member, data_offset: int,
                 read: bytes = b"") -> None:
        """``fileno``: the archive's descriptor as it is at each read, which raises
        :class:`ArchiveClosed` once the archive is closed (a number kept would be another
        file's once it is reused: QA, a healthy archive read at another's offsets);
        ``read``: the member's compressed bytes, if read already (all of them)."""
        super().__init__()
        self._fileno = fileno
        self._read = read
        self._name = info.filename
        self._position = data_offset
        self._compressed_left = info.compress_size
        self._declared = info.file_size
        self._expected_crc = info.CRC
        self._crc = 0
        self._count = 0
        self._buffer = b""
        self._done = False
        #: An error found after the data it inflated was whole: raised once that is read.
        self._failed: ArchiveReadError | None = None
        self._inflater = (zlib.decompressobj(-15)
                          if info.compress_type == zipfile.ZIP_DEFLATED else None)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            parts = []
            while chunk := self.read(_CHUNK):
                parts.append(chunk)
            return b"".join(parts)
        while not self._buffer and not self._done and size > 0:
            if self._failed is not None:
                raise self._failed
            try:
                self._fill(max(size, 1 << 16))
            except (ArchiveReadError, ArchiveClosed):
                raise
            except (OSError, zlib.error, EOFError, ValueError, MemoryError) as exc:
                raise ArchiveReadError(f"cannot be read: {failure_reason(exc)}",
                                       self._name) from None
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def _error(self, message: str) -> ArchiveReadError:
        return ArchiveReadError(message, self._name)

    def _pread(self, size: int) -> bytes:
        if self._read:
            data, self._read = self._read[:size], self._read[size:]
        else:
            data = os.pread(self._fileno(), size, self._position)
        if len(data) != size:
            raise self._error("the archive ends inside this entry's data (truncated)")
        self._position += size
        self._compressed_left -= size
        return data

    def _emit(self, data: bytes) -> None:
        self._count += len(data)
        if self._count > self._declared:
            raise self._error(f"yields more bytes than the {self._declared} its entry declares "
                              "(corrupt, or a zip bomb)")
        self._crc = crc32(data, self._crc)
        self._buffer += data

    def _finish(self) -> None:
        self._done = True
        if self._count != self._declared:
            raise self._error(f"yields {self._count} of the {self._declared} bytes its entry "
                              "declares (truncated or corrupt)")
        if self._crc != self._expected_crc:
            raise self._error("CRC-32 does not match its entry (corrupt)")

    def _fill(self, want: int) -> None:
        inflater = self._inflater
        if inflater is None:  # stored
            if self._compressed_left > 0:
                self._emit(self._pread(min(want, self._compressed_left, _CHUNK)))
            if self._compressed_left <= 0:
                self._finish()
            return
        room = max(1, min(want, self._declared - self._count + 1))
        if inflater.unconsumed_tail:
            self._emit(inflater.decompress(inflater.unconsumed_tail, room))
        elif self._compressed_left > 1:
            chunk = self._pread(min(_CHUNK, self._compressed_left - 1))
            self._emit(inflater.decompress(chunk, room))
        else:
            pending = inflater.decompress(b"", room)
            if pending:
                self._emit(pending)
                return
            self._last_byte()
            return
        if inflater.eof:
            # What it inflated up to there is handed out first, then this error: a reader
            # sees the member's data whole where it is (QA: bytes after the stream of
            # documents.jsonl dropped the last chunk inflated, and its cut line was
            # reported as not JSON, with no line break, beside this error).
            after = len(inflater.unused_data) + self._compressed_left
            self._failed = self._error(f"the compressed data ends {after} bytes before its "
                                       "declared compressed size (corrupt)")

    def _last_byte(self) -> None:
        """Feed the final compressed byte; it must end the stream with zero padding bits."""
        inflater = self._inflater
        assert inflater is not None
        if self._compressed_left != 1:
            raise self._error("the compressed data does not end where its entry says (corrupt)")
        last = self._pread(1)[0]
        before = inflater.copy()
        tail = inflater.decompress(bytes([last]))
        if not inflater.eof or inflater.unused_data or inflater.unconsumed_tail:
            raise self._error("the compressed data does not end where its entry says (corrupt)")
        # Padding bits sit above the last used bit and zlib writes them as zeros. If the
        # highest set bit can be cleared and the stream still ends with the same output,
        # that bit was padding: a stray bit (a used bit changes the decoding).
        if last:
            probe = before
            try:
                same = probe.decompress(bytes([last & ~(1 << (last.bit_length() - 1))])) \
                    == tail and probe.eof
            except zlib.error:
                same = False
            if same:
                raise self._error("stray bits after the end of the compressed data (corrupt)")
        self._emit(tail)
        self._finish()
