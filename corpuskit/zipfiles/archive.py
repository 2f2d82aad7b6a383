"""Byte-reproducible zip archives of a package folder, compressed on all cores.

Entries are sorted, carry a fixed time stamp (the release's, or 1980-01-01), fixed
permissions and a fixed creator system, and are deflated by the corpus's compression
(:class:`corpuskit.zipfiles.deflate.Compression`: ISA-L's level 2, or zlib's level 6) in the pieces
:mod:`corpuskit.zipfiles.deflate` defines; every header is what :mod:`zipfile` writes
(:mod:`corpuskit.zipfiles.zipformat`). The members are identical everywhere; the compressed bytes
are identical wherever the same library deflates them (see
:data:`corpuskit.zipfiles.deflate.COMPRESSIONS`), whatever the number of threads, and whether the
build's workers deflated the pieces beforehand
(:class:`~corpuskit.zipfiles.preparedpieces.PreparedPieces`) or this module deflates them from the
folder (in threads: both libraries release the GIL).

Writing is two independent steps: :func:`write_members` writes the entries, the central
directory and the end record; :func:`corpuskit.zipfiles.archiveseal.seal` then makes the archive's
zip comment its seal (the sha256 of every byte before it). :func:`write_zip` does both.

How the pieces fit: :func:`package_files` lists the folder's files in the zip's order, and
each file comes in pieces (:mod:`corpuskit.zipfiles.zippieces`: a member's pieces, and how one is
read and deflated). Where the build's workers deflated a piece already,
:class:`~corpuskit.zipfiles.preparedpieces.PreparedPieces` says where its bytes are; where the next
files listed are exactly the raw files of a shard, its worker's zip segment comes instead
(:mod:`corpuskit.zipfiles.zipsegments`: the entries' headers, made beforehand, and their records,
placed at the segment's offset). The workers' record groups and segments' entries are
copied into the archive by a thread (:mod:`corpuskit.zipfiles.zipcopies`) while this module goes on
with the headers and the next pieces.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import BinaryIO

from ..cores import default_jobs
from ..crc32 import crc32, crc32_combine
from ..helperthreads import HelperThreads
from ..regularfiles import open_regular
from .archiveseal import FOLLOW_BYTES, FollowingDigest, seal
from .deflate import END, PIECE_BYTES, Compression
from .preparedpieces import PreparedPieces
from .zipcopies import COPY_THREADS, Copies, Copy, Entries, ToCopy
from .zipdirectory import ArchiveReadError, read_central_directory, read_members
from .zipformat import (
    ZIP_EPOCH,
    DateTime,
    EntryHeaders,
    central_record,
    end_records,
    local_header,
    member_info,
    zip_date_time,
)
from .zippieces import (
    CHUNK,
    MANIFEST_MEMBER,
    Deflated,
    Piece,
    file_bytes,
    file_chunks,
    file_pieces,
    read_and_deflate,
)
from .zipsegments import Segment, entry_batches, place_records, segment_parts

#: Pieces compressed or waiting to be written, per thread (bounds memory).
_AHEAD_PER_THREAD = 3
#: Bytes of pieces deflated beforehand that wait to be written, at most (about).
_READY_BYTES = 8 * 1024 * 1024
#: Bytes of the pieces being deflated ahead of the writer, at most (but always one).
_PLANNED_BYTES = 32 * 1024 * 1024


def package_files(folder: Path) -> Iterator[str]:
    """Relative POSIX paths of every file under ``folder``, sorted by code point.

    Streamed one folder at a time (a folder's entries sort as ``name`` for a file and
    ``name/`` for a folder, which orders whole paths by code point), so memory does not grow
    with the number of files. Like :func:`os.walk`: links to folders are not followed and
    folders that cannot be listed are passed over. One generator walks every folder (a
    stack of the folders being listed): a generator per folder passed each of 100,000 names
    up through every folder above it.
    """
    stack = [(folder, "", iter(_entries(folder)))]
    while stack:
        path, prefix, entries = stack[-1]
        for key, is_dir in entries:
            if is_dir:
                below = path / key[:-1]
                stack.append((below, prefix + key, iter(_entries(below))))
                break
            yield prefix + key
        else:
            stack.pop()


def _entries(folder: Path) -> list[tuple[str, bool]]:
    """The entries of ``folder``, sorted: ``(name, False)`` for a file, ``(name + "/", True)``
    for a folder (not a link to one); none if it cannot be listed."""
    try:
        with os.scandir(folder) as entries:
            listed = []
            for entry in entries:
                try:
                    is_dir = entry.is_dir()
                    linked_dir = is_dir and entry.is_symlink()
                except OSError:
                    is_dir = linked_dir = False
                if not linked_dir:
                    listed.append((entry.name + "/" if is_dir else entry.name, is_dir))
    except OSError:
        return []
    # By name alone (a folder's names are unique): comparing the pairs took a third of
    # the listing of a release of 100,000 raw files in 100 folders (0.28 s against 0.18).
    listed.sort(key=itemgetter(0))
    return listed


def _pieces(folder: Path, prepared: PreparedPieces | None = None, root: str = "",
            date_time: DateTime = ZIP_EPOCH) -> Iterator[Piece | Segment]:
    """The pieces of every file, in order, and the workers' ready segments.

    Where the next files listed are exactly the raw files of a shard whose worker made its
    zip entries for this ``root`` and ``date_time``
    (:func:`~corpuskit.zipfiles.zipsegments.make_segment`), that
    :class:`Segment` comes instead of their pieces; any other file comes in pieces.
    """
    files = package_files(folder)
    # The names read ahead while matching a segment and not in it, in the listing's
    # order: the next names are taken from them first, a segment's too (QA s102: a
    # segment that started among them took its names from the listing past them, and
    # the names left wrote after it, out of order, in a zip validate refused).
    unmatched: deque[str] = deque()
    while (rel := unmatched.popleft() if unmatched else next(files, None)) is not None:
        segment = prepared.segment_at(rel) if prepared is not None else None
        if segment is None:
            yield from file_pieces(folder, rel, prepared)
            continue
        matched = [rel]
        if segment.root == root and segment.date_time == date_time:
            # The names listed next, taken at once and compared with the segment's in one
            # call; those after a difference go back, in order, to be taken again.
            rest = [entry[0] for entry in segment.entries[1:]]
            ahead = [unmatched.popleft() for _ in range(min(len(rest), len(unmatched)))]
            listed = ahead + list(islice(files, len(rest) - len(ahead)))
            if listed == rest:
                assert prepared is not None  # it offered the segment
                prepared.passed(segment)
                yield segment
                continue
            same = next((i for i, (a, b) in enumerate(zip(listed, rest, strict=False)) if a != b),
                        len(listed))
            matched += listed[:same]
            unmatched.extendleft(reversed(listed[same:]))
        for name in matched:
            yield from file_pieces(folder, name, prepared)


def _prepared(folder: Path, piece: Piece, where: tuple[Path, int, int, int],
              compression: Compression) -> Deflated:
    """A piece deflated beforehand, with the CRC the worker took. A group of lines is part
    of a file of the package (data/documents.jsonl, the payload manifest), so it is read
    and its CRC taken again: the piece is used only if it was made from that very data
    (else it is deflated here)."""
    blob, offset, length, crc = where
    deflated = file_bytes(blob, offset, length)
    if not piece.records:
        return Deflated(deflated, crc)
    found = 0
    for chunk in file_chunks(folder / piece.rel, piece.offset, piece.length):
        found = crc32(chunk, found)
    if found != crc:
        return read_and_deflate(folder, piece, compression)
    return Deflated(deflated, crc)


#: Bytes of the package's large top-level files deflated ahead, at most (see
#: :func:`_deflate_ahead`).
_AHEAD_BYTES = 64 * 1024 * 1024


def _deflate_ahead(folder: Path, pool: ThreadPoolExecutor, prepared: PreparedPieces | None,
                   compression: Compression) -> dict[Piece, Future[Deflated]]:
    """Start deflating the pieces of the package's files larger than a piece that sit
    beside data/ (the payload manifest: 10 MB at 100,000 documents), keyed by piece (a
    piece the writer finds different, as the file changed meanwhile, is deflated anew).
    With ``prepared`` pieces, not the payload manifest: the build's workers deflated its
    groups.

    They come last in the archive, after every raw file: deflated only when the writer
    got there, they made the end of every build wait on two threads. Deflated now, on a
    thread of their own, they are ready by then. Same pieces, same bytes: only when they
    are made changes. At most :data:`_AHEAD_BYTES` of them (their deflated bytes wait).
    """
    ahead: dict[Piece, Future[Deflated]] = {}
    planned = 0
    try:
        with os.scandir(folder) as entries:
            files = sorted((entry.name, entry.stat().st_size) for entry in entries
                           if entry.is_file(follow_symlinks=False))
    except OSError:
        return ahead
    for name, size in files:
        if size <= PIECE_BYTES or planned + size > _AHEAD_BYTES \
                or (name == MANIFEST_MEMBER and prepared is not None):
            continue
        planned += size
        for piece in file_pieces(folder, name, None):
            ahead[piece] = pool.submit(read_and_deflate, folder, piece, compression)
    return ahead


def write_zip(folder: Path, target: BinaryIO, root: str, created: str | None, *,
              compression: Compression, threads: int | None = None,
              prepared: PreparedPieces | None = None) -> str:
    """Write a sealed zip of ``folder`` (members under ``root/``) to ``target``, its
    members deflated by ``compression``.

    ``target`` is an empty binary file open for reading and writing (``w+b``): the seal is
    computed by reading back what was written, for a file with a descriptor as it is
    written (:class:`~corpuskit.zipfiles.archiveseal.FollowingDigest`). Returns the seal's sha256.
    """
    try:
        fd = target.fileno()
    except (AttributeError, OSError):  # io.BytesIO and the like: hashed when sealed
        write_members(folder, target, root, created, compression=compression,
                      threads=threads, prepared=prepared)
        return seal(target)
    with FollowingDigest(fd) as follower:
        def final(offset: int) -> None:
            target.flush()  # the thread reads the file, not this buffer
            follower.final_up_to(offset)

        write_members(folder, target, root, created, compression=compression,
                      threads=threads, prepared=prepared, final=final)
        return seal(target, follower)


def write_members(folder: Path, target: BinaryIO, root: str, created: str | None, *,
                  compression: Compression, threads: int | None = None,
                  prepared: PreparedPieces | None = None,
                  final: Callable[[int], None] | None = None) -> None:
    """The zip of ``folder`` (members under ``root/``), without a comment, into the seekable
    file ``target``, deflated by ``compression``; ``prepared``: pieces the build's workers
    deflated already (by the same compression: they are cached under it).

    ``final`` is called now and then with an offset before which every byte is written
    for good (a member's header is rewritten once its sizes are known: only the bytes
    before the member being written are final).
    """
    date_time = zip_date_time(created)
    headers = EntryHeaders(date_time)
    threads = threads or default_jobs()
    fd = _descriptor(target)
    # The central directory grows with the number of files: it waits in a temporary file.
    with tempfile.TemporaryFile() as central:
        # (HelperThreads: a task out of memory is this call's failure, never a stuck pool)
        with HelperThreads(max_workers=threads) as pool, \
                HelperThreads(max_workers=1) as early_pool, \
                HelperThreads(max_workers=COPY_THREADS) as copy_pool:
            early = _deflate_ahead(folder, early_pool, prepared, compression)
            copies = Copies(copy_pool, fd) if fd is not None else None
            count, offset = _write_entries(
                folder, target, central, root, date_time, headers, compression, threads,
                prepared, final, pool, early, copies)
            if copies is not None:
                copies.settled(offset, wait=True)  # every byte before the directory copied
        _write_directory(central, target, count, offset)


def _descriptor(target: BinaryIO) -> int | None:
    """The file descriptor of ``target``, or None for io.BytesIO and the like (no copying
    threads)."""
    try:
        return target.fileno()
    except (AttributeError, OSError):  # io.BytesIO and the like: no copying threads
        return None


def _write_entries(folder: Path, target: BinaryIO, central: BinaryIO, root: str,
                   date_time: DateTime, headers: EntryHeaders, compression: Compression,
                   threads: int, prepared: PreparedPieces | None,
                   final: Callable[[int], None] | None, pool: ThreadPoolExecutor,
                   early: dict[Piece, Future[Deflated]], copies: Copies | None
                   ) -> tuple[int, int]:
    """Write every member of ``folder`` to ``target`` (its pieces deflated by ``pool``,
    those of ``early`` deflated ahead, the workers' bytes copied by ``copies``), its
    central records to ``central``. Returns the number of entries and the offset after
    the last one (bytes ``copies`` copies may still be on their way)."""
    count = 0
    offset = 0
    header_at = crc = compressed = 0
    # Each piece with its deflated bytes (a task's future, ready at once, or to be
    # copied from the workers' pieces), and the workers' segments.
    ahead: deque[tuple[Piece, Future[Deflated] | Deflated | ToCopy] | Segment] = deque()
    pieces = _pieces(folder, prepared, root, date_time)
    # Pieces in ``ahead`` that are tasks, and their bytes before deflating (a record
    # group has no bound of its own); bytes of the ready ones.
    tasks = planned = ready = 0

    def fill() -> None:
        nonlocal tasks, planned, ready
        while (tasks < threads * _AHEAD_PER_THREAD and ready < _READY_BYTES
               and (planned < _PLANNED_BYTES or not tasks)):
            piece = next(pieces, None)
            if piece is None:
                return
            if isinstance(piece, Segment):
                ahead.append(piece)
                ready += piece.size
                continue
            where = prepared.take(piece) if prepared is not None else None
            if where is not None and prepared is not None \
                    and (not piece.records or prepared.as_written(piece, where)):
                if piece.records and copies is not None:
                    blob, start, length, piece_crc = where
                    ahead.append((piece, ToCopy(Copy(blob, start, length), piece_crc)))
                    ready += length
                    continue
                done = prepared.raw_piece(where)
                ahead.append((piece, done))
                ready += len(done.deflated)
                continue
            started = early.pop(piece, None)
            ahead.append((piece, started if started is not None
                          else pool.submit(_prepared, folder, piece, where, compression)
                          if where is not None
                          else pool.submit(read_and_deflate, folder, piece, compression)))
            tasks += 1
            planned += piece.length

    fill()
    scratch = prepared is not None and prepared.scratch

    def put(data: bytes | Copy) -> None:
        """The next bytes of the archive, written, or copied by a thread."""
        nonlocal offset
        if isinstance(data, bytes):
            target.write(data)
            offset += len(data)
            return
        assert copies is not None
        copies.start(data, offset)
        offset += data.length
        target.seek(offset)  # on, past the bytes the thread copies

    settled = reported = 0  # the end of the last member written whole
    while ahead:
        final_up_to = copies.settled(settled) if copies is not None else settled
        if final is not None and final_up_to - reported >= FOLLOW_BYTES:
            final(final_up_to)
            reported = final_up_to
        item = ahead.popleft()
        if isinstance(item, Segment):
            ready -= item.size
            fill()
            _write_segment(item, target, central, copies, offset, date_time, scratch)
            offset += item.entry_bytes
            count += len(item.entries)
            settled = offset
            continue
        piece, pending = item
        if isinstance(pending, Future):
            tasks -= 1
            planned -= piece.length
            pending = pending.result()
        deflated: bytes | Copy
        if isinstance(pending, ToCopy):
            ready -= pending.copy.length
            deflated, piece_crc = pending
            length = deflated.length
        else:
            ready -= len(pending.deflated)
            deflated, piece_crc = pending
            length = len(deflated)
        fill()
        # A record group's member ends with the empty final block.
        tail = END if piece.records and piece.last else b""
        if piece.offset == 0 and piece.last:  # the common case: a member of one piece
            local, record = headers(
                f"{root}/{piece.rel}", size=piece.size,
                compress_size=length + len(tail), header_offset=offset, crc=piece_crc)
            put(local)
            put(deflated)
            put(tail)
            central.write(record)
            count += 1
            settled = offset
            continue
        info = member_info(f"{root}/{piece.rel}", date_time, size=piece.size,
                           compress_size=0, crc=0)
        if piece.offset == 0:
            header_at, crc, compressed = offset, 0, 0
            header = local_header(info)  # rewritten when the sizes are known
            target.write(header)
            offset += len(header)
        crc = (piece_crc if piece.offset == 0
               else crc32_combine(crc, piece_crc, piece.length))
        compressed += length + len(tail)
        put(deflated)
        put(tail)
        if piece.last:
            info.CRC, info.compress_size = crc, compressed
            target.seek(header_at)
            target.write(local_header(info))
            target.seek(offset)
            central.write(central_record(info, header_at))
            count += 1
            settled = offset
    return count, offset


def _write_segment(segment: Segment, target: BinaryIO, central: BinaryIO,
                   copies: Copies | None, offset: int, date_time: DateTime,
                   scratch: bool) -> None:
    """Write the entries of a worker's ``segment`` at ``offset`` of ``target`` (or have
    ``copies`` copy them there, ``target`` then placed after them), and their central
    records to ``central``; the segment's file is removed first where it is ``scratch``.
    Returns None."""
    locals_, records = segment_parts(segment)
    if scratch:
        segment.path.unlink()
    if copies is not None:
        copies.start(Entries(segment, locals_), offset)
        target.seek(offset + segment.entry_bytes)
    else:
        for batch in entry_batches(segment, locals_):
            for buffer in batch:
                target.write(buffer)
    central.write(place_records(segment, records, offset, date_time))


def _write_directory(central: BinaryIO, target: BinaryIO, count: int, offset: int) -> None:
    """Write the central directory waiting in ``central`` at the end of ``target``, then
    the end records (``count`` entries, the directory at ``offset``); returns None."""
    size = central.tell()
    central.seek(0)
    shutil.copyfileobj(central, target, CHUNK)
    target.write(end_records(count, size, offset))


def zip_signature(path: Path) -> list[tuple[str, tuple[int, ...], int, int, int]]:
    """What makes two reproducible zips the same, whatever zlib compressed them.

    The members' names, time stamps, permissions, CRCs and sizes; never the compressed
    bytes, and so never the seal (the archive comment), which depends on them.

    Read with corpuskit's reader of central directories, which gives the values zipfile
    does without a ``ZipInfo`` of each entry (a build with nothing changed compares the
    zip of 100,000 documents with a probe of it: zipfile took 0.52-0.55 s of CPU for
    each, this reader 0.32-0.40 s); a pipe is refused, never waited on. Raises :class:`OSError` (an
    :class:`~corpuskit.zipfiles.zipdirectory.ArchiveReadError` for no readable zip).
    """
    with os.fdopen(open_regular(str(path)), "rb") as handle:
        directory = read_central_directory(handle, os.fstat(handle.fileno()).st_size)
        if directory.size > MAX_SIGNED_DIRECTORY_BYTES:
            raise ArchiveReadError(f"a central directory of {directory.size} bytes")
        return [(m.filename, m.date_time, m.external_attr, m.CRC, m.file_size)
                for m in read_members(handle, directory, MAX_SIGNED_MEMBERS)]


#: What :func:`zip_signature` reads at most: as validate reads an untrusted archive
#: (:class:`corpuskit.zipfiles.zipsource.ArchiveLimits`).
MAX_SIGNED_MEMBERS = 2_000_000
MAX_SIGNED_DIRECTORY_BYTES = 256 * 1024**2
