"""What a build remembers of each seeds file, so that the next build need not read it.

An incremental build reads every seeds file to learn its sha256 (the shard cache's key),
and reads the earlier release's copy of it to be sure a hard link would give the same
bytes. For each file it placed, a build remembers in its cache folder:

- the seeds file's identity as it was read (device, inode, size, mtime and ctime: see
  :func:`corpuskit.writer.file_identity`) and the sha256 of its bytes;
- the identity of the release's raw file right after the build placed it.

The next build that finds both files with the same identities hard-links the copy and
takes the sha256 without reading either: as ``git status`` trusts its index, and
``rsync`` its quick check (which looks at size and mtime only). A file's ctime is set to
now by any change to its bytes, mode, links or times, and no call sets it back, so a file
edited and given its old mtime back (``touch -r``) is still seen as changed, and so is
one replaced by another (a new inode).

A file changed within :data:`SETTLE_NS` of the time it is read is not remembered (it is
read again next time): two changes within one tick of the filesystem's clock would leave
the same times. This looks at the clock only to decide what to read; what is written into
the release never depends on it. ``--no-cache`` (or deleting the cache folder) reads
everything; ``corpuskit check`` never uses a cache.

The states of one shard are kept in one file keyed by the shard's paths, in their order
(an entry per path, in binary, marked as not remembered for a file not remembered: the
paths themselves are not written again), with the key of the shard cache entry the build
made or used and the sha256 of each of its files: when a few files of a shard change, the
next build takes the records of the others from that entry (:mod:`corpuskit.engine`). The
file ends with a sha256 of its format and content: a damaged or foreign file is ignored,
and so the next build's states of a shard are written over the last in place (a file read
half written is one whose seal fails: :meth:`SeedStates.save`).
"""

from __future__ import annotations

import hashlib
import os
import stat
import struct
import time
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from .config import read_regular
from .errors import OutputError
from .folders import OpenFolder
from .writer import DIR_MODE, FILE_MODE, Identity, overwrite_file, write_file

#: A shard's seeds states are a few hundred KB; anything far larger is no such file.
_MAX_STATE_BYTES = 256 * 1024 * 1024

FOLDER = "seed-states"
FORMAT = "corpuskit-seed-states-v5"
#: A listing (:mod:`corpuskit.listings`) ends with its check: the sha256 of its format and
#: of the file's bytes before it (with ``}`` for ``,``), so it is checked without being
#: written out again (:func:`with_check`).
_CHECK_HEAD = b',"check":"'
_CHECK_BYTES = len(_CHECK_HEAD) + 64 + 2
#: A seeds file whose mtime or ctime is this recent when it is read is not remembered.
SETTLE_NS = 2_000_000_000


class SeedState(NamedTuple):
    """One seeds file as a build read it, and the raw file the build placed for it."""

    seed: Identity
    sha256: str
    copy: Identity


#: A shard cache entry's key and the sha256 of each file of the shard, in order.
ShardEntry = tuple[str, list[str]]


def _digest(form: str, *content: bytes | memoryview) -> bytes:
    """The sha256 of a cache file's format ``form`` and of its ``content`` (its parts, in
    order, hashed where they are: a million documents' listing is a hundred megabytes, and
    each copy of it counted): what its check (a listing's, :func:`with_check`) or seal (a
    states file's, :func:`_sealed`) is."""
    hasher = hashlib.sha256(form.encode() + b"\0")
    for part in content:
        hasher.update(part)
    return hasher.digest()


def with_check(form: str, document: bytes) -> tuple[memoryview, bytes]:
    """``document`` (a JSON object, of format ``form``) with its check as its last member,
    in two parts to write one after the other (no copy of the document is made): the
    cache's files of this form (:mod:`corpuskit.listings`) are checked without being
    parsed and written out again."""
    check = _digest(form, document).hex().encode()
    return memoryview(document)[:-1], _CHECK_HEAD + check + b'"}'


def checked_json(form: str, data: bytes) -> Any:
    """The JSON object of a file of format ``form``, without its check, if the check
    matches; else None. The check is verified on ``data`` where it is, and the whole is
    parsed once (a copy of the document without its check cost as much as the file)."""
    cut = len(data) - _CHECK_BYTES
    if cut < 1 or data[cut:cut + len(_CHECK_HEAD)] != _CHECK_HEAD or data[-2:] != b'"}':
        return None
    check = _digest(form, memoryview(data)[:cut], b"}").hex().encode()
    if data[cut + len(_CHECK_HEAD):-2] != check:
        return None
    document = orjson.loads(data)
    if not isinstance(document, dict):
        return None
    document.pop("check", None)
    return document


#: An identity (:func:`corpuskit.writer.file_identity`) in binary: device and inode
#: unsigned (an inode number may use all 64 bits), size and times signed (a time before
#: 1970 is negative).
_IDENTITY_FORMAT = "2Q3q"
#: One file's state in a states file: whether it is remembered (1) or not (0), the seeds
#: file's identity, the sha256 of its bytes and the placed copy's identity, in binary.
_ENTRY = struct.Struct(f"<B{_IDENTITY_FORMAT}32s{_IDENTITY_FORMAT}")
#: The part of an entry before the copy's identity, and that identity.
_IDENTITY = struct.Struct(f"<{_IDENTITY_FORMAT}")
_HEAD_BYTES = _ENTRY.size - _IDENTITY.size
#: Where an entry's seeds identity ends (after the flag and the identity).
_SEED_END = 1 + _IDENTITY.size
#: A mode's file type bits, and those with the permission bits: a copy that may be linked
#: is a regular file of mode 0644 (``S_ISREG`` and ``S_IMODE`` at once).
_FORMAT_BITS = stat.S_IFMT(0o177777)
_MODE_BITS = _FORMAT_BITS | 0o7777
_COPY_MODE = stat.S_IFREG | FILE_MODE
#: The count of a states file's entries, and of its shard entry's files.
_COUNT = struct.Struct("<I")
_DIGEST_BYTES = 32
_NOT_REMEMBERED = bytes(_ENTRY.size)


def _sealed(form: str, content: bytes) -> bytes:
    """``content`` followed by the sha256 of ``form`` and of it: a states file."""
    return content + _digest(form, content)


def _unsealed(form: str, data: bytes) -> bytes | None:
    """The content of a states file of format ``form``, if its sha256 matches."""
    content = data[:-_DIGEST_BYTES]
    if len(data) < _DIGEST_BYTES or _digest(form, content) != data[-_DIGEST_BYTES:]:
        return None
    return content


class Remembered:
    """What the last build remembered of a shard's files, by position: the states file's
    entries, unpacked one at a time as they are asked for (a shard's 500 were a JSON
    list of lists, 1.7-2.2 ms to parse and make into tuples; unpacked as needed, about a
    fifth of that)."""

    def __init__(self, data: bytes, start: int, count: int) -> None:
        #: The states file's content, and where its first entry starts in it.
        self.data = data
        self.start = start
        self._count = count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, position: int) -> SeedState | None:
        at = self.start + position * _ENTRY.size
        if not 0 <= position < self._count or not self.data[at]:
            return None
        entry = _ENTRY.unpack_from(self.data, at)
        return tuple.__new__(SeedState, (entry[1:6], entry[6].hex(), entry[7:]))


class SeedStates:
    """The remembered seeds files of one shard (its paths, in order)."""

    def __init__(self, cache: Path, paths: Sequence[str]) -> None:
        digest = hashlib.sha256(FORMAT.encode())
        for path in paths:
            digest.update(b"\0" + path.encode("utf-8", "surrogateescape"))
        self.file = cache / FOLDER / f"{digest.hexdigest()}.states"
        #: Per path, in order: its entry in the states file (:data:`_ENTRY`), packed; the
        #: entry of a file not remembered where nothing is learned.
        self.learned: list[bytes] = [_NOT_REMEMBERED] * len(paths)
        #: The shard's cache entry in this build (see :meth:`made`).
        self.shard: ShardEntry | None = None
        #: The shard's cache entry in the last build, as :meth:`load` found it.
        self.last_shard: ShardEntry | None = None
        self._settled_before = time.time_ns() - SETTLE_NS
        self.remembered: Remembered | None = None

    def load(self) -> Remembered | list[SeedState | None]:
        """What the last build of these paths remembered, per path in order (None where
        nothing); empty if nothing at all (or the file is damaged)."""
        try:
            data = read_regular(self.file, _MAX_STATE_BYTES)  # a pipe: refused
        except OSError:
            return []
        content = _unsealed(FORMAT, data)
        if content is None:
            return []
        try:
            (count,) = _COUNT.unpack_from(content, 0)
            at = _COUNT.size
            shard = None
            if content[at]:  # the shard's cache entry: its key, its files' sha256s
                key = content[at + 1:at + 1 + _DIGEST_BYTES].hex()
                (files,) = _COUNT.unpack_from(content, at + 1 + _DIGEST_BYTES)
                at += 1 + _DIGEST_BYTES + _COUNT.size
                shas = [content[start:start + _DIGEST_BYTES].hex()
                        for start in range(at, at + files * _DIGEST_BYTES, _DIGEST_BYTES)]
                at += files * _DIGEST_BYTES
                shard = (key, shas)
            else:
                at += 1
        except (struct.error, IndexError):
            return []
        if count != len(self.learned) or len(content) != at + count * _ENTRY.size:
            return []
        self.last_shard = shard
        self.remembered = Remembered(content, at, count)
        return self.remembered

    def made(self, key: str, shas: list[str]) -> None:
        """The shard is cache entry ``key``, made of files with these sha256s."""
        self.shard = (key, shas)

    def learn(self, position: int, seed: Identity, sha256: str, copy: Identity) -> None:
        """Remember the shard's file at ``position`` (seeds identity ``seed``, bytes
        ``sha256``), placed as a file of identity ``copy``, unless the seeds file changed
        too recently to be sure."""
        if max(seed[3], seed[4]) < self._settled_before:
            self.learned[position] = _ENTRY.pack(1, *seed, bytes.fromhex(sha256), *copy)

    def save(self) -> None:
        """Write what was learned: over the last build's states of the shard, in place,
        where they are of the same size (as they are unless the shard's cache entry came or
        went), else atomically. A build that reads them meanwhile finds the old states, the
        new, or a mix whose seal fails (then nothing is remembered). A cache that cannot be
        written only costs the next build its reads."""
        if self.shard is None and all(entry is _NOT_REMEMBERED for entry in self.learned):
            return
        parts = [_COUNT.pack(len(self.learned))]
        if self.shard is None:
            parts.append(b"\0")
        else:
            key, shas = self.shard
            parts += [b"\1", bytes.fromhex(key), _COUNT.pack(len(shas)),
                      bytes.fromhex("".join(shas))]
        data = _sealed(FORMAT, b"".join(parts + self.learned))
        if overwrite_file(self.file, data):  # the same shard's states again, in place
            return
        with suppress(OutputError):
            write_file(self.file.parent, self.file.name, data, atomic=True)


def remembered_as_found(cache: Path, paths: Sequence[str],
                        found: Sequence[os.stat_result | None]) -> bool:
    """Whether the last build remembered every one of a shard's seeds files (``paths``, in
    order) with the identity it has now (``found``: each file's status, None where it
    could not be taken). An incremental build links such a shard's earlier copies unread
    (if those did not change either, :class:`UnchangedCopies`), and processes any other:
    a guess the build uses to start its shards in a good order, never to decide what is
    read or written."""
    remembered = SeedStates(cache, paths).load()
    if not isinstance(remembered, Remembered) or len(found) != len(remembered):
        return False
    data, size, pack = remembered.data, _ENTRY.size, _IDENTITY.pack
    at = remembered.start
    try:
        for info in found:
            if info is None or not data[at] or pack(
                    info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns,
                    info.st_ctime_ns) != data[at + 1:at + _SEED_END]:
                return False
            at += size
    except struct.error:  # an identity out of range: never remembered
        return False
    return True


class UnchangedCopies:
    """Links into a package the earlier copies of the seeds files that did not change,
    unread.

    A file is linked if the seeds file is still the file a build remembers (a regular
    file within ``max_bytes``, of the same identity) and so is the earlier release's copy
    (a regular file, not a symbolic link, of mode 0644) as that build saw it right after
    placing it. No change to a file's bytes or mode leaves its identity as it was: the
    write sets mtime and ctime to now, and nothing sets ctime back.

    The seeds file, the copy and the link are named by the file's name within its folder:
    the three folders (of the seeds, of the earlier release's ``data/raw/``, if there is
    one, and of the package's) are held open while their files are linked, one file's
    folder at a time (a shard's files are sorted by path), and looked up once for the
    three. That is four system calls a file (the seeds file's status, the copy's, the
    link and its status), and about a microsecond of Python less than a look-up per call
    and per name (12.0 µs a file down to 10.9, on tmpfs).
    """

    def __init__(self, seeds: str | Path, earlier_raw: str | Path | None,
                 package_raw: str | Path, max_bytes: int, *, in_place: bool = False) -> None:
        self.max_bytes = max_bytes
        #: The earlier copies are the files of the very release being built (it exists):
        #: an unchanged one is taken as it is, not linked (see :meth:`link_remembered`).
        self.in_place = in_place
        self._roots = (OpenFolder(seeds), OpenFolder(earlier_raw),
                       OpenFolder(None if in_place else package_raw, make=True,
                                  mode=DIR_MODE))
        self._folder: str | None = None
        #: The descriptors of the current folder in the three (the package's -1 in place),
        #: or None if one is missing.
        self._descriptors: tuple[int, int, int] | None = None

    def _enter(self, path: str, folder: str) -> None:
        self._folder = folder
        found = [root.at(path) for root in self._roots]
        self._descriptors = None
        if self.in_place:
            found[2] = (-1, "")
        if found[0] is not None and found[1] is not None and found[2] is not None:
            self._descriptors = (found[0][0], found[1][0], found[2][0])

    def link_remembered(self, paths: Sequence[str], states: SeedStates,
                        sizes: Sequence[int] | None = None) -> list[str | None]:
        """Link the earlier copies of a shard's ``paths`` (in order) whose files ``states``
        found remembered and unchanged: per path, the sha256 remembered of a file linked
        (and in ``states``, the file remembered again, with its link's identity), else
        None, with nothing left in the package (the caller then reads the file, and
        reports what is wrong with it).

        One loop over the states file's entries as they are: the identities are compared
        packed, as the file holds them, not unpacked into tuples, and nothing is called
        per file but the four system calls. Per file linked (20,000 files on ext4, in
        one process), that took 24.6-24.9 µs against 26.6-27.1 µs for a call per file
        that unpacked its entry; the four system calls alone take about 21.4 µs.

        :attr:`in_place` (the build of a release that exists, whose files are the earlier
        copies): an unchanged copy is the release's file already, and is neither linked
        nor looked at again; it is remembered as it was found. A link made and removed
        with the build's folder would change its ctime (its count of links), and the
        next build would read every file again (QA: every build with nothing changed
        read all 100,000 seeds files and raw files of the last, 14-20 s).

        ``sizes``: each file's size as the build's machine listed it (a Dask worker's
        shard, see :attr:`~corpuskit.engine.ShardTask.sizes`); a file of another size here
        is not linked, but read, and refused for it."""
        remembered = states.remembered
        found: list[str | None] = [None] * len(paths)
        if remembered is None or len(remembered) != len(paths):
            return found
        data, size, learned = remembered.data, _ENTRY.size, states.learned
        pack, max_bytes = _IDENTITY.pack, self.max_bytes
        stat_at, link_at, unlink_at = os.stat, os.link, os.unlink
        at = remembered.start - size
        for position, path in enumerate(paths):
            at += size
            if not data[at]:
                continue
            folder, _, name = path.rpartition("/")
            if folder != self._folder:
                self._enter(path, folder)
            if self._descriptors is None:
                continue
            seeds, earlier, package = self._descriptors
            try:
                seed = stat_at(name, dir_fd=seeds)  # follows a link, as reading it does
                if seed.st_mode & _FORMAT_BITS != stat.S_IFREG or seed.st_size > max_bytes \
                        or (sizes is not None and seed.st_size != sizes[position]) \
                        or pack(seed.st_dev, seed.st_ino, seed.st_size, seed.st_mtime_ns,
                                seed.st_ctime_ns) != data[at + 1:at + _SEED_END]:
                    continue
                copy = stat_at(name, dir_fd=earlier, follow_symlinks=False)
                if copy.st_mode & _MODE_BITS != _COPY_MODE \
                        or pack(copy.st_dev, copy.st_ino, copy.st_size, copy.st_mtime_ns,
                                copy.st_ctime_ns) != data[at + _HEAD_BYTES:at + size]:
                    continue
                if package < 0:  # in place: the release's own file, as it was found
                    learned[position] = data[at:at + size]
                    found[position] = data[at + _SEED_END:at + _HEAD_BYTES].hex()
                    continue
                link_at(name, name, src_dir_fd=earlier, dst_dir_fd=package,
                        follow_symlinks=False)
                linked = stat_at(name, dir_fd=package, follow_symlinks=False)
                if linked.st_ino != copy.st_ino or linked.st_dev != copy.st_dev:
                    unlink_at(name, dir_fd=package)  # replaced between the check and the link
                    continue
                learned[position] = data[at:at + _HEAD_BYTES] + pack(
                    linked.st_dev, linked.st_ino, linked.st_size, linked.st_mtime_ns,
                    linked.st_ctime_ns)
            except (OSError, struct.error):  # an identity out of range: never remembered
                continue
            found[position] = data[at + _SEED_END:at + _HEAD_BYTES].hex()
        return found

    def close(self) -> None:
        for root in self._roots:
            root.close()
        self._folder = self._descriptors = None

    def __enter__(self) -> UnchangedCopies:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
