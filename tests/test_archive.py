"""The archive writer: zipfile's bytes for small files, pieces for large ones, any thread count."""

from __future__ import annotations

import hashlib
import io
import os
import random
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from corpuskit.config import DEFAULT_COMPRESSION
from corpuskit.zipfiles import archive, archiveseal, zippieces
from corpuskit.zipfiles.archive import PIECE_BYTES, package_files, write_members, write_zip
from corpuskit.zipfiles.deflate import COMPRESSIONS, Compression
from corpuskit.zipfiles.zipformat import zip_date_time

#: zipfile's compression: zlib at its default level.
ZLIB = COMPRESSIONS["zlib"]
#: corpuskit's default: zlib at level 4.
ZLIB_4 = COMPRESSIONS["zlib-4"]
FAST = COMPRESSIONS["fast"]


def _zipfile_zip(folder: Path, root: str, created: str | None, level: int = ZLIB.level
                 ) -> bytes:
    """The same archive written by Python's zipfile, one deflate stream per member."""
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level,
                         allowZip64=True) as out:
        for rel in package_files(folder):
            info = zipfile.ZipInfo(f"{root}/{rel}", date_time=zip_date_time(created))
            info.compress_type = zipfile.ZIP_DEFLATED
            # open(info, "w") takes the level from the ZipInfo, not from the ZipFile
            # (``_compresslevel``; from Python 3.13 an alias of ``compress_level``).
            info._compresslevel = level  # type: ignore[attr-defined]
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            info.file_size = (folder / rel).stat().st_size
            with out.open(info, "w", force_zip64=False) as member:
                member.write((folder / rel).read_bytes())
    return target.getvalue()


def _ours(folder: Path, root: str, created: str | None, threads: int,
          compression: Compression = ZLIB) -> bytes:
    """corpuskit's archive without its seal (the comment zipfile does not write)."""
    target = io.BytesIO()
    write_members(folder, target, root, created, compression=compression, threads=threads)
    return target.getvalue()


def test_the_default_compression_is_a_reproducible_one() -> None:
    """The default is zlib's (level 4), whose bytes a rebuild reproduces, not ISA-L's."""
    assert COMPRESSIONS[DEFAULT_COMPRESSION] is ZLIB_4
    assert ZLIB_4.module is ZLIB.module and (ZLIB_4.level, ZLIB.level) == (4, 6)
    assert {name: c.name for name, c in COMPRESSIONS.items()} == {
        "fast": "fast", "zlib": "zlib", "zlib-4": "zlib-4"}


def test_the_sealed_archive_is_the_members_and_a_seal(folder: Path) -> None:
    sealed = io.BytesIO()
    digest = write_zip(folder, sealed, "pkg", None, compression=FAST, threads=2)
    unsealed = _ours(folder, "pkg", None, 2, FAST)
    assert sealed.getvalue()[:len(unsealed) - 2] == unsealed[:-2]
    assert sealed.getvalue().endswith(b"corpuskit-sha256:" + digest.encode())


@pytest.mark.parametrize("follow_bytes", [1, 1 << 40])
def test_a_file_is_sealed_as_it_is_written_into_the_same_archive(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, follow_bytes: int) -> None:
    """A zip written to a file is hashed by a thread that follows the writer: reported
    after every member (a threshold of one byte, the multi-piece member's rewritten header
    included) or only at the end. Same bytes and seal as a zip hashed once written (a
    BytesIO has no descriptor to follow)."""
    reports: list[int] = []
    report = archiveseal.FollowingDigest.final_up_to

    def spy(self: archiveseal.FollowingDigest, offset: int) -> None:
        reports.append(offset)
        report(self, offset)

    monkeypatch.setattr(archive, "FOLLOW_BYTES", follow_bytes)
    monkeypatch.setattr(archiveseal.FollowingDigest, "final_up_to", spy)
    in_memory = io.BytesIO()
    expected = write_zip(folder, in_memory, "pkg", None, compression=FAST, threads=2)
    assert not reports
    with (tmp_path / "pkg.zip").open("w+b") as handle:
        assert write_zip(folder, handle, "pkg", None, compression=FAST, threads=2) == expected
    data = (tmp_path / "pkg.zip").read_bytes()
    assert data == in_memory.getvalue()
    assert hashlib.sha256(data[:-archiveseal.SEAL_BYTES]).hexdigest() == expected
    assert reports[-1] == len(data) - archiveseal.SEAL_BYTES - 2  # all but the comment length
    assert reports == sorted(reports)
    members = len(list(package_files(folder)))
    assert len(reports) == (1 if follow_bytes > len(data) else members)


def test_a_following_digest_hashes_only_what_the_file_holds(tmp_path: Path) -> None:
    path = tmp_path / "written"
    path.write_bytes(b"corpus" * 1000)
    fd = os.open(path, os.O_RDONLY)
    try:
        with archiveseal.FollowingDigest(fd) as follower:
            follower.final_up_to(100)
            assert follower.result(6000).digest() == hashlib.sha256(b"corpus" * 1000).digest()
        with archiveseal.FollowingDigest(fd) as follower, \
                pytest.raises(OSError, match="ends at byte 6000"):
            follower.result(7000)
    finally:
        os.close(fd)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    rng = random.Random(7)
    words = [bytes(rng.choice(b"abcdefghij") for _ in range(rng.randint(2, 8)))
             for _ in range(2000)]
    top = tmp_path / "pkg"
    (top / "data" / "raw").mkdir(parents=True)
    (top / "data" / "big.jsonl").write_bytes(
        b" ".join(rng.choice(words) for _ in range(3 * PIECE_BYTES // 5)))
    (top / "data" / "exact").write_bytes(bytes(rng.randrange(256) for _ in range(PIECE_BYTES)))
    (top / "data" / "raw" / "empty.txt").write_bytes(b"")
    (top / "data" / "raw" / "été.txt").write_bytes("un été\n".encode())
    (top / "README.md").write_bytes(b"# pkg\n" * 100)
    return top


@pytest.mark.parametrize("compression", [ZLIB, ZLIB_4], ids=["zlib", "zlib-4"])
def test_small_members_are_byte_for_byte_what_zipfile_writes_with_zlib(
        tmp_path: Path, compression: Compression) -> None:
    """At either level, what zipfile writes at that ``compresslevel`` (and the two levels
    deflate to other bytes: the level is not ignored)."""
    folder = tmp_path / "small"
    (folder / "data").mkdir(parents=True)
    for i in range(40):
        (folder / "data" / f"{i:02d}-é.txt").write_bytes(
            " ".join(f"document {i} line {j % 7} of {j % 5}" for j in range(i * 9)).encode())
    ours = _ours(folder, "pkg-1.0.0", "2026-11-28T00:00:00Z", 3, compression)
    assert ours == _zipfile_zip(folder, "pkg-1.0.0", "2026-11-28T00:00:00Z", compression.level)
    other = ZLIB_4 if compression is ZLIB else ZLIB
    assert ours != _ours(folder, "pkg-1.0.0", "2026-11-28T00:00:00Z", 3, other)


@pytest.mark.parametrize("compression", [ZLIB, ZLIB_4, FAST], ids=["zlib", "zlib-4", "fast"])
def test_large_members_unpack_exactly_and_do_not_depend_on_threads(
        folder: Path, compression: Compression) -> None:
    """With ``"fast"``, whose bytes are not reproducible (ISA-L's deflate depends on the
    process's state: QA saw one file deflated otherwise in threads), the members are."""
    one = _ours(folder, "pkg", None, 1, compression)
    others = [_ours(folder, "pkg", None, threads, compression) for threads in (2, 5)]
    if compression is FAST:
        for other in others:
            with zipfile.ZipFile(io.BytesIO(one)) as first, \
                    zipfile.ZipFile(io.BytesIO(other)) as second:
                assert [(i.filename, i.CRC, i.file_size) for i in first.infolist()] == \
                    [(i.filename, i.CRC, i.file_size) for i in second.infolist()]
    else:
        assert others == [one, one]
    with zipfile.ZipFile(io.BytesIO(one)) as unpacked:
        assert unpacked.testzip() is None
        assert sorted(unpacked.namelist()) == [f"pkg/{rel}" for rel in package_files(folder)]
        for rel in package_files(folder):
            assert unpacked.read(f"pkg/{rel}") == (folder / rel).read_bytes()
    if compression is not FAST:
        # Pieces with a dictionary compress within a fraction of a percent of one stream.
        assert len(one) < len(_zipfile_zip(folder, "pkg", None, compression.level)) * 1.002


def test_the_fast_compression_deflates_other_bytes_to_the_same_members(folder: Path) -> None:
    """ISA-L's deflate is not zlib's: the same members, other compressed bytes, each
    member's larger than zlib's by a bounded share on this text (and smaller than the
    file: it does compress)."""
    fast = zipfile.ZipFile(io.BytesIO(_ours(folder, "pkg", None, 2, FAST)))
    zlib_made = zipfile.ZipFile(io.BytesIO(_ours(folder, "pkg", None, 2, ZLIB)))
    assert _ours(folder, "pkg", None, 2, FAST) != _ours(folder, "pkg", None, 2, ZLIB)
    for mine, other in zip(fast.infolist(), zlib_made.infolist(), strict=True):
        assert fast.read(mine) == zlib_made.read(other)
        if mine.filename == "pkg/data/big.jsonl":
            assert other.compress_size < mine.compress_size < 1.5 * other.compress_size
            assert mine.compress_size < mine.file_size / 2


@pytest.mark.parametrize("compression", [ZLIB, FAST], ids=["zlib", "fast"])
def test_headers_match_zipfile_whatever_the_data(folder: Path, compression: Compression) -> None:
    """Pieces change only the deflate bytes: every header and the central directory are
    zipfile's (the validator rebuilds them from corpuskit.zipfiles.zipformat)."""
    ours = zipfile.ZipFile(io.BytesIO(_ours(folder, "pkg", None, 2, compression)))
    theirs = zipfile.ZipFile(io.BytesIO(_zipfile_zip(folder, "pkg", None)))
    for mine, reference in zip(ours.infolist(), theirs.infolist(), strict=True):
        for field in ("filename", "date_time", "compress_type", "create_system",
                      "create_version", "extract_version", "flag_bits", "external_attr",
                      "CRC", "file_size", "extra"):
            assert getattr(mine, field) == getattr(reference, field), field


@pytest.mark.skipif(shutil.which("unzip") is None, reason="unzip is not installed")
def test_unzip_tests_the_archive_clean(folder: Path, tmp_path: Path) -> None:
    target = tmp_path / "pkg.zip"
    target.write_bytes(_ours(folder, "pkg", None, 2, FAST))
    done = subprocess.run(["unzip", "-t", str(target)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No errors detected" in done.stdout


def test_a_file_that_shrinks_while_archived_is_an_error(folder: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    original = archive.read_and_deflate

    def shrink_then_deflate(base: Path, piece: zippieces.Piece,
                            compression: Compression) -> zippieces.Deflated:
        if piece.rel == "data/big.jsonl":
            (base / piece.rel).write_bytes(b"short")
        return original(base, piece, compression)

    monkeypatch.setattr(archive, "read_and_deflate", shrink_then_deflate)
    with pytest.raises(OSError, match="changed size"):
        _ours(folder, "pkg", None, 2)


def test_package_files_streams_the_order_of_sorted_paths(tmp_path: Path) -> None:
    """Folder by folder, yet the same order as sorting every relative path by code point
    (``a/b.txt`` < ``a/b/c.txt`` < ``a/b0.txt``); links to folders are not followed."""
    import os

    names = ["a/b.txt", "a/b/c.txt", "a/b-x.txt", "a/b0.txt", "a/B/z", "é/x", "e/x",
             "a.txt", "a-/q", "z", "a/b/c/d/e.txt"]
    for rel in names:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    os.symlink(tmp_path / "a", tmp_path / "link-to-folder")
    os.symlink(tmp_path / "z", tmp_path / "link-to-file")
    assert list(package_files(tmp_path)) == sorted([*names, "link-to-file"])


@pytest.mark.parametrize("name", ["pkg/data/raw/a.txt", "pkg/data/raw/é/ü.txt", "pkg/x"])
@pytest.mark.parametrize("size,compress_size,offset", [
    (0, 2, 0), (2000, 900, 123_456), (0xFFFFFFFF // 2, 10, 5),
    (int(zipfile.ZIP64_LIMIT / 1.05), 100, 7), (int(zipfile.ZIP64_LIMIT / 1.05) + 1, 100, 7),
    (zipfile.ZIP64_LIMIT + 1, zipfile.ZIP64_LIMIT + 9, 0), (10, 5, zipfile.ZIP64_LIMIT),
    (10, 5, zipfile.ZIP64_LIMIT + 1),
])
def test_whole_member_headers_are_the_zipinfo_headers(name: str, size: int,
                                                      compress_size: int, offset: int) -> None:
    """The packed-directly headers (alone, and with their shared part packed once: the
    EntryHeaders of the segments and the writer) equal those built from a ZipInfo, on both
    sides of every ZIP64 threshold (the local header's 1.05 rule included) and for
    non-ASCII names, whatever the time stamp."""
    from corpuskit.zipfiles.zipformat import (
        EntryHeaders,
        central_record,
        local_header,
        member_info,
        whole_member_headers,
    )
    for stamp in [(2024, 2, 29, 13, 37, 59), (1980, 1, 1, 0, 0, 0), (2107, 12, 31, 23, 59, 58)]:
        info = member_info(name, stamp, size=size, compress_size=compress_size, crc=0xDEADBEEF)
        expected = (local_header(info), central_record(info, offset))
        assert whole_member_headers(name, stamp, size=size, compress_size=compress_size,
                                    crc=0xDEADBEEF, header_offset=offset) == expected
        assert EntryHeaders(stamp)(name, size=size, compress_size=compress_size,
                                   crc=0xDEADBEEF, header_offset=offset) == expected


def test_consecutive_entry_headers_are_each_entrys_headers() -> None:
    """EntryHeaders.consecutive (a segment's raw files, packed in one loop) gives each
    entry the headers whole_member_headers gives it at its offset: the offsets add up
    each local header and its data, and an entry takes the ZIP64 or UTF-8 form where its
    size, its offset (past an entry of more than 4 GB) or its name asks for it."""
    from corpuskit.zipfiles.zipformat import EntryHeaders, whole_member_headers
    big = zipfile.ZIP64_LIMIT + 9
    entries = [("pkg/data/raw/a.txt", 2000, 900, 1), ("pkg/data/raw/é.txt", 10, 5, 2),
               ("pkg/data/raw/b.txt", int(zipfile.ZIP64_LIMIT / 1.05) + 1, 100, 3),
               ("pkg/data/raw/c.txt", big + 1, big, 4), ("pkg/data/raw/d.txt", 10, 5, 5),
               ("pkg/data/raw/e.txt", 0, 2, 6)]
    stamp = (2024, 2, 29, 13, 37, 59)
    locals_, records, offsets = EntryHeaders(stamp).consecutive(entries)
    offset = 0
    for (name, size, compress_size, crc), local, record, at in zip(
            entries, locals_, records, offsets, strict=True):
        assert at == offset
        assert (local, record) == whole_member_headers(
            name, stamp, size=size, compress_size=compress_size, crc=crc, header_offset=at)
        offset += len(local) + compress_size
    assert offsets[-1] > zipfile.ZIP64_LIMIT  # the last two entries' offsets need ZIP64
    assert EntryHeaders(stamp).consecutive([]) == ([], [], [])
