"""The seal of a release's archive: its zip comment, ``corpuskit-sha256:`` and the sha256
of every byte before it.

:func:`corpuskit.zipfiles.archive.write_members` writes a zip without a comment; :func:`seal` then
makes that comment the seal, hashing the bytes as they were written
(:class:`FollowingDigest`) or read back. A zip's CRC-32s cover uncompressed data only; the
seal covers every byte, so any change to the file (a compressed stream that still inflates
to the same bytes included) breaks it. It is evidence against accidental damage, not a
signature: whoever changes an archive on purpose can compute a new seal. Its check is
:mod:`corpuskit.validation.seal`.
"""

from __future__ import annotations

import hashlib
import os
import re
import struct
import threading
from pathlib import Path
from typing import BinaryIO

#: Bytes read at a time to hash an archive.
_CHUNK = 1 << 20
#: The seal: this prefix and a sha256 in lowercase hex, as the archive comment.
SEAL_PREFIX = b"corpuskit-sha256:"
SEAL_BYTES = len(SEAL_PREFIX) + 64
SEAL_FORM = re.compile(rb"corpuskit-sha256:[0-9a-f]{64}")
#: Signature and size of the end-of-central-directory record (without its comment).
END_SIGNATURE = b"PK\x05\x06"
END_RECORD_BYTES = 22

#: Bytes a writer lets become final between two reports to its :class:`FollowingDigest`
#: (each report flushes the writer's buffer).
FOLLOW_BYTES = 8 << 20


class FollowingDigest:
    """The sha256 of a file being written, read back and hashed by a thread that follows
    the writer: the archive's seal then costs no time after the last byte is written.

    The writer reports with :meth:`final_up_to` that the bytes before an offset are in
    the file (flushed) and will not change again; :meth:`result` waits for every byte up
    to the end it names. hashlib releases the GIL on large updates, so hashing runs beside
    the writer on another core. Use it as a context manager: leaving stops the thread.
    """

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._digest = hashlib.sha256()
        self._final = 0  # every byte before this offset is final
        self._hashed = 0  # written only by the thread
        self._stopping = False
        self._error: OSError | MemoryError | None = None
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._follow, name="corpuskit-seal",
                                        daemon=True)
        self._thread.start()

    def __enter__(self) -> FollowingDigest:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop()

    def final_up_to(self, offset: int) -> None:
        with self._changed:
            if offset > self._final:
                self._final = offset
                self._changed.notify()

    def result(self, end: int) -> hashlib._Hash:
        """The sha256 (a hashlib object, to update further) of the first ``end`` bytes;
        ``OSError`` if they could not be read back (``MemoryError``: no memory to)."""
        if end < self._final:
            raise ValueError("the end is before bytes reported final")
        self.final_up_to(end)
        self._stop()
        if self._error is not None:
            raise self._error
        if self._hashed != end:
            raise OSError(f"read back {self._hashed} of the {end} bytes written")
        return self._digest

    def _stop(self) -> None:
        with self._changed:
            self._stopping = True
            self._changed.notify()
        self._thread.join()

    def _follow(self) -> None:
        while True:
            with self._changed:
                while self._hashed >= self._final and not self._stopping:
                    self._changed.wait()
                final = self._final
            if self._hashed >= final:
                return  # stopping, and every final byte is hashed
            try:
                while self._hashed < final:
                    chunk = os.pread(self._fd, min(_CHUNK, final - self._hashed),
                                     self._hashed)
                    if not chunk:
                        raise OSError(f"the file ends at byte {self._hashed}")
                    self._digest.update(chunk)
                    self._hashed += len(chunk)
            except (OSError, MemoryError) as exc:  # raised by result(), in the writer's thread
                self._error = exc.with_traceback(None)  # (a MemoryError: what it held, let go)
                return


def seal(handle: BinaryIO, follower: FollowingDigest | None = None) -> str:
    """Seal the finished zip in ``handle`` (readable, writable, seekable); return the sha256.

    The zip must end in an end-of-central-directory record without a comment, as
    :func:`write_members` (zipfile) writes it. That record's comment length becomes
    :data:`SEAL_BYTES`, every byte from the start of the file through the record is hashed
    (read back in chunks, or by ``follower`` as the zip was written: every byte but the
    comment length, which is final only now), and ``corpuskit-sha256:<hex>`` is appended
    as the comment. Raises ``ValueError`` for anything else (an archive sealed already, or
    not a zip).
    """
    end = handle.seek(0, os.SEEK_END)
    handle.seek(max(0, end - END_RECORD_BYTES))
    record = handle.read(END_RECORD_BYTES)
    if len(record) != END_RECORD_BYTES or record[:4] != END_SIGNATURE \
            or record[-2:] != b"\0\0":
        raise ValueError("not a zip archive ending in an end record without a comment")
    comment_length = struct.pack("<H", SEAL_BYTES)
    handle.seek(end - 2)
    handle.write(comment_length)
    if follower is not None:
        handle.flush()
        hashed = follower.result(end - 2)
        hashed.update(comment_length)
        digest = hashed.hexdigest()
    else:
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


#: The suffix of an archive's published checksum, ``<archive>.sha256`` (``sha256sum``
#: format), which ``validate`` and ``load`` check beside the archive.
SIDECAR_SUFFIX = ".sha256"


def published_for(name: str) -> str | None:
    """The name of the archive whose published checksum a file named ``name`` would be
    (``name`` without :data:`SIDECAR_SUFFIX`, in any case), or None."""
    return name[:-len(SIDECAR_SUFFIX)] if name.lower().endswith(SIDECAR_SUFFIX) else None


def ends_in_a_seal(archive: Path, *, follow_links: bool = True) -> bool:
    """Whether ``archive`` ends in a corpuskit seal (whatever it says); False for a file
    that cannot be read, and for a pipe, socket or device, never waited on (a build with
    a pipe where ``<out>.zip`` would be waited for ever: QA). Not ``follow_links``: False
    for a symbolic link too (:func:`~corpuskit.regularfiles.open_regular`)."""
    from ..regularfiles import check_regular, open_regular

    def opened() -> int:
        if not follow_links:
            return open_regular(os.fspath(archive))
        fd = os.open(archive, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            check_regular(fd, os.fspath(archive))
        except OSError:
            os.close(fd)
            raise
        return fd

    try:
        with os.fdopen(opened(), "rb") as handle:
            if handle.seek(0, os.SEEK_END) < SEAL_BYTES:
                return False
            handle.seek(-SEAL_BYTES, os.SEEK_END)
            return SEAL_FORM.fullmatch(handle.read()) is not None
    except OSError:
        return False

