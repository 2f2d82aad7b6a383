"""Byte ranges copied into the zip by a thread while the writer goes on.

The workers' record groups (in their shards' pieces) and segments' entries
(:mod:`corpuskit.zipfiles.zipsegments`) are most of an archive's bytes: the writer
(:func:`corpuskit.zipfiles.archive.write_members`) hands each to a copying thread (:class:`Copies`)
at the offset it takes in the archive, and goes on with the headers and pieces after it.
"""

from __future__ import annotations

import errno
import os
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

from .zippieces import CHUNK
from .zipsegments import Segment, write_entries

#: Bytes that the ranges handed to the writer's threads may have left to write before it
#: waits for them (:class:`Copies`): with segments of about 1 MB, a few dozen segments'
#: headers (about 40 KB each) in memory.
_PENDING_BYTES = 32 << 20
#: Threads that copy ranges into the archive (:class:`Copies`). One: the kernel writes a
#: file's pages under the file's lock (tmpfs and ext4 both take it for every write), so a
#: second thread copying into the same archive only waits, spinning on that lock. Measured
#: on an incremental build of 100,000 documents (tmpfs, 2 cores, four alternating runs
#: each): 2.55 s with two copying threads, 2.37 s with one, and 5% of the samples spent
#: spinning on the lock (``rwsem_spin_on_owner``) down to 0.04%.
COPY_THREADS = 1


def _copy_range(source: Path, start: int, length: int, fd: int, at: int) -> None:
    """Copy bytes ``[start, start + length)`` of ``source`` to offset ``at`` of the open file
    ``fd`` (the file's position is left as it is): in the kernel where it can
    (``copy_file_range``), else read and written a chunk at a time."""
    with source.open("rb") as handle:
        src = handle.fileno()
        copy_file_range = getattr(os, "copy_file_range", None)
        while length > 0:
            if copy_file_range is not None:
                try:
                    count = copy_file_range(src, fd, length, start, at)
                except OSError as exc:
                    if exc.errno not in _NO_COPY_FILE_RANGE:
                        raise
                    copy_file_range = None
                    continue
            else:
                chunk = os.pread(src, min(length, CHUNK), start)
                count = os.pwrite(fd, chunk, at) if chunk else 0
                if count != len(chunk):
                    raise OSError(f"could not write {len(chunk)} bytes at offset {at}")
            if count <= 0:
                raise OSError(f"{source} is shorter than its index says")
            start += count
            at += count
            length -= count


#: Why ``copy_file_range`` may refuse files it cannot copy between (another filesystem on
#: an older kernel, a filesystem without it): they are then copied through memory.
_NO_COPY_FILE_RANGE = {errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP,
                       errno.ENOTSUP, errno.EPERM, errno.EBADF}


class Copy(NamedTuple):
    """Deflated bytes in a file, placed in the archive by a copying thread, unread."""

    path: Path
    offset: int
    length: int


class ToCopy(NamedTuple):
    """A piece deflated beforehand that the writer has copied (:class:`Copies`), and the
    CRC-32 of its data."""

    copy: Copy
    crc: int


class Entries(NamedTuple):
    """A segment's entries, written into the archive by a copying thread: its headers,
    read already, and its entries' bytes, from the shard's pieces."""

    segment: Segment
    headers: bytes

    @property
    def length(self) -> int:
        return self.segment.entry_bytes


class Copies:
    """Byte ranges copied into the archive by a thread (:func:`_copy_range`,
    :func:`corpuskit.zipfiles.zipsegments.write_entries`; :data:`COPY_THREADS`) while the writer
    goes on past them: the workers' record groups and raw files' entries, which are most
    of an archive's bytes, are placed while the writer's own work (headers, the next
    files' pieces) runs.
    ``settled(offset)`` is how far the file is final: the start of the first range still
    being copied.

    A segment's headers wait in memory until a thread writes them: ``start`` first waits
    for the oldest ranges while those pending would pass :data:`_PENDING_BYTES` to write,
    so that the writer, which may go on faster than they are written, holds a bounded
    number of them whatever the size of the corpus."""

    def __init__(self, pool: ThreadPoolExecutor, fd: int) -> None:
        self.pool = pool
        self.fd = fd
        self.pending: deque[tuple[int, Future[None], int]] = deque()
        #: The bytes the pending ranges write.
        self.pending_bytes = 0

    def start(self, copy: Copy | Entries, at: int) -> None:
        while self.pending and self.pending_bytes + copy.length > _PENDING_BYTES:
            self._done(self.pending.popleft())
        future = (self.pool.submit(write_entries, copy.segment, copy.headers, self.fd, at)
                  if isinstance(copy, Entries)
                  else self.pool.submit(_copy_range, copy.path, copy.offset, copy.length,
                                        self.fd, at))
        self.pending.append((at, future, copy.length))
        self.pending_bytes += copy.length

    def _done(self, pending: tuple[int, Future[None], int]) -> None:
        """Wait for a range to be written (raising what its thread raised)."""
        _, future, length = pending
        self.pending_bytes -= length
        future.result()

    def settled(self, offset: int, *, wait: bool = False) -> int:
        """``offset`` (the end of the last member written whole), or the start of the
        first range not copied yet if that comes first (raising what a copy raised); with
        ``wait``, once every range is copied. A range still being copied may belong to the
        member being written, past its local header, which is rewritten once its sizes
        are known: nothing from ``offset`` on is final."""
        while self.pending and (wait or self.pending[0][1].done()):
            self._done(self.pending.popleft())
        return min(self.pending[0][0], offset) if self.pending else offset
