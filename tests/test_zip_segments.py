"""Workers make their shard's raw files into zip entries; the archive is still the folder's.

A build's zip must be byte for byte the zip :func:`corpuskit.zipfiles.archive.write_zip` makes from
the release folder alone, whether the workers' segments are used, refused (another root,
another order of files), or placed past the ZIP64 offset limit.
"""

from __future__ import annotations

import io
import json
import shutil
import threading
import time
import zipfile
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from conftest import make_seeds, shard_sizes_of, shard_sizes_of_ids

from corpuskit import build, engine, shardpieces, writer
from corpuskit.compare import tree_differences
from corpuskit.config import DEFAULT_COMPRESSION
from corpuskit.package import RAW_PREFIX
from corpuskit.zipfiles import (
    archive,
    archiveseal,
    deflate,
    preparedpieces,
    zipcopies,
    zipformat,
    zippieces,
    zipsegments,
)

#: Three shards with names doc-0000.txt...
DOCUMENTS = 1200
SHARDS = shard_sizes_of(f"doc-{i:04d}.txt" for i in range(DOCUMENTS))
assert len(SHARDS) == 3, SHARDS


def _corpus(tmp_path: Path, names: Callable[[int], str]) -> Path:
    return make_seeds(tmp_path, {
        names(i): f"Note {i}\n\nThe harbour report number {i} is {'long ' * (i % 13)}here.\n"
        for i in range(DOCUMENTS)})


#: The compression a build uses when corpus.toml names none, and zipfile's.
BUILT = deflate.COMPRESSIONS[DEFAULT_COMPRESSION]
ZLIB = deflate.COMPRESSIONS["zlib"]
BOTH = pytest.mark.parametrize("compression", list(deflate.COMPRESSIONS.values()),
                               ids=list(deflate.COMPRESSIONS))


def _release(out: Path) -> Path:
    return next(p for p in out.iterdir() if p.is_dir() and not p.name.startswith("."))


def _folder_zip(release: Path, compression: deflate.Compression = BUILT) -> bytes:
    created = json.loads((release / "datapackage.json").read_bytes()).get("created")
    alone = io.BytesIO()
    archive.write_zip(release, alone, release.name, created, compression=compression,
                      threads=2)
    return alone.getvalue()


def _compressed(path: Path, archive: zipfile.ZipFile) -> dict[str, bytes]:
    """Each member's compressed bytes, by name."""
    data = path.read_bytes()
    found: dict[str, bytes] = {}
    for info in archive.infolist():
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
        found[info.filename] = data[start:start + info.compress_size]
    return found


def test_the_corpus_chooses_the_compression_and_the_cache_keeps_them_apart(
        tmp_path: Path) -> None:
    """``[output] compression``: the same package folder and members, each zip made
    throughout by its own compression (the workers' pieces, the cached ones, the writer's),
    also when one cache serves builds of both: a piece deflated by one is never taken by
    the other. ``"fast"``'s bytes are not reproducible (ISA-L's deflate depends on the
    process: the CI once saw a member one byte off), so its zip is held to the folder's
    member by member, and its members' compressed bytes to none of zlib's."""
    seeds = _corpus(tmp_path, lambda i: f"d{i:04d}.txt")
    cache = tmp_path / "cache"
    toml = (seeds / "corpus.toml").read_text(encoding="utf-8")
    made: dict[str, Path] = {}
    for run, name in enumerate(["zlib", "fast", "zlib"]):
        (seeds / "corpus.toml").write_text(toml + f'\n[output]\ncompression = "{name}"\n',
                                           encoding="utf-8")
        out = tmp_path / f"out-{run}"
        result = build(seeds, out, jobs=2, cache=cache)
        folder_zip = _folder_zip(_release(out), deflate.COMPRESSIONS[name])
        if name == "fast":
            with zipfile.ZipFile(result.archive) as ours, \
                    zipfile.ZipFile(io.BytesIO(folder_zip)) as folders:
                assert [(i.filename, i.CRC, i.file_size) for i in ours.infolist()] == \
                    [(i.filename, i.CRC, i.file_size) for i in folders.infolist()]
                assert ours.testzip() is None
        else:
            assert result.archive.read_bytes() == folder_zip
        made[f"{name}-{run}"] = result.archive
    assert made["zlib-0"].read_bytes() == made["zlib-2"].read_bytes()
    assert made["zlib-0"].read_bytes() != made["fast-1"].read_bytes()
    with zipfile.ZipFile(made["zlib-0"]) as slow, zipfile.ZipFile(made["fast-1"]) as fast:
        assert slow.namelist() == fast.namelist()
        assert all(slow.read(name) == fast.read(name) for name in slow.namelist())
        raw = _compressed(made["zlib-0"], slow)
        other = _compressed(made["fast-1"], fast)
        same = [name for name in raw if raw[name] == other[name]]
        # (a text too short for a match may deflate alike: a few; a cached zlib shard would
        # be hundreds of members)
        assert len(same) < len(raw) // 20, (len(same), same[:5])
    assert not tree_differences(_release(tmp_path / "out-0"), _release(tmp_path / "out-1"))


class _Placements:
    """Counts the segments placed, by how their central records were made."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.shifted = self.remade = 0
        original = archive.place_records

        def place(segment: zipsegments.Segment, records: bytes, base: int,
                  date_time: Any) -> bytes:
            placed = original(segment, records, base, date_time)
            if len(placed) == len(records):  # ZIP64 fields make records longer
                self.shifted += 1
            else:
                self.remade += 1
            return placed

        monkeypatch.setattr(archive, "place_records", place)


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_workers_segments_make_the_zip_the_folder_makes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    seeds = _corpus(tmp_path, lambda i: f"part-{i % 2}/doc-{i:04d}.txt")
    count = len(shard_sizes_of(f"part-{i % 2}/doc-{i:04d}.txt" for i in range(DOCUMENTS)))
    assert count > 1
    placements = _Placements(monkeypatch)
    result = build(seeds, tmp_path / "out", jobs=jobs)
    if jobs == 1:  # the count is seen in this process only
        assert (placements.shifted, placements.remade) == (count, 0)
    assert result.archive.read_bytes() == _folder_zip(_release(tmp_path / "out"))


def test_segments_placed_past_the_zip64_offset_limit_get_zip64_records(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the limit, a central record holds its offset in a ZIP64 field: those segments'
    records are made one by one, as for any other file, and match the folder's zip."""
    seeds = _corpus(tmp_path, lambda i: f"doc-{i:04d}.txt")
    size = build(seeds, tmp_path / "probe", jobs=1).archive.stat().st_size
    monkeypatch.setattr(zipformat, "LIMIT", size // 2)  # the later shards are past it
    placements = _Placements(monkeypatch)
    result = build(seeds, tmp_path / "out", jobs=1)
    assert placements.remade >= 1 and placements.shifted >= 1
    data = result.archive.read_bytes()
    assert data == _folder_zip(_release(tmp_path / "out"))
    with zipfile.ZipFile(io.BytesIO(data)) as opened:
        assert opened.testzip() is None
        raw = [i for i in opened.infolist() if "/data/raw/" in i.filename]
        assert len(raw) == DOCUMENTS
        assert max(i.header_offset for i in raw) > size // 2


def test_segments_made_for_another_root_are_not_used(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seeds = _corpus(tmp_path, lambda i: f"doc-{i:04d}.txt")
    made = engine.make_segment
    monkeypatch.setattr(engine, "make_segment",
                        lambda raw, target, root, created:
                        made(raw, target, "elsewhere", created))
    placements = _Placements(monkeypatch)
    result = build(seeds, tmp_path / "out", jobs=1)
    assert (placements.shifted, placements.remade) == (0, 0)
    assert result.archive.read_bytes() == _folder_zip(_release(tmp_path / "out"))


def test_a_shard_whose_files_list_in_another_order_by_id_is_still_one_segment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Shards follow document ids, the zip follows paths: ``d-1.txt`` lists before
    ``d.txt`` though its id ``d-1`` sorts after ``d``. A segment's entries are made in
    the zip's order, so such a shard's segment is used like the others."""
    seeds = _corpus(tmp_path,
                    lambda i: f"d{i // 2:04d}" + ("-1.txt" if i % 2 else ".txt") if i < 40
                    else f"e{i:04d}.txt")
    placements = _Placements(monkeypatch)
    result = build(seeds, tmp_path / "out", jobs=1)
    assert (placements.shifted, placements.remade) == (3, 0)
    assert result.archive.read_bytes() == _folder_zip(_release(tmp_path / "out"))


@pytest.mark.parametrize("jobs", [1, 2])
def test_raw_files_far_out_of_shard_order_are_taken_by_name_not_deflated_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    """``a.txt`` (id ``a``) is the first document of the first shard, but the zip lists it
    after the whole folder ``a-b/`` (``-`` sorts before ``.``), whose files fill more than
    two shards; ``a-b/c.txt`` and ``a-b/c-d.txt`` swap places too. Every raw file still
    comes from the workers' pieces, and the zip is the folder's."""
    seeds = _corpus(tmp_path, lambda i: "a.txt" if i == 0
                    else "a-b/c.txt" if i == 1 else "a-b/c-d.txt" if i == 2
                    else f"a-b/f{i:04d}.txt")
    deflated = _deflated_in_the_archive_writer(monkeypatch)
    result = build(seeds, tmp_path / "out", jobs=jobs)
    assert [rel for rel in deflated if rel.startswith("data/raw/")] == []
    assert result.archive.read_bytes() == _folder_zip(_release(tmp_path / "out"))


def test_a_large_raw_file_out_of_shard_order_is_taken_by_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A raw file over one piece, listed by the zip far from its shard's place, is taken
    piece by piece from the worker's pieces as well."""
    for module in (deflate, archive, zippieces, preparedpieces, shardpieces):
        monkeypatch.setattr(module, "PIECE_BYTES", 4096)
    long_text = "".join(f"Line {i} of the long harbour report.\n" for i in range(600))
    files = {f"a-b/f{i:04d}.txt": f"Note {i}\n\nThe report number {i}.\n"
             for i in range(517)}
    assert len(shard_sizes_of([*files, "a.txt"])) == 2
    files["a.txt"] = "Long report\n\n" + long_text
    seeds = make_seeds(tmp_path, files)
    deflated = _deflated_in_the_archive_writer(monkeypatch)
    result = build(seeds, tmp_path / "out", jobs=1)
    assert [rel for rel in deflated if rel.startswith("data/raw/")] == []
    assert result.archive.read_bytes() == _folder_zip(_release(tmp_path / "out"))


def test_a_builds_segment_files_are_removed_once_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build's segments are scratch: each is gone once the writer read its headers,
    before a thread writes its entries from its shard's pieces (which are still there);
    none is left when the zip is sealed, and the zip is still the folder's."""
    seeds = _corpus(tmp_path, lambda i: f"doc-{i:04d}.txt")
    read: list[Path] = []
    when_written: list[tuple[bool, bool]] = []
    gone_when_sealed: list[bool] = []
    segment_parts, write_entries, seal = (archive.segment_parts, zipcopies.write_entries,
                                          archiveseal.seal)

    def parts(segment: zipsegments.Segment) -> tuple[bytes, bytes]:
        read.append(segment.path)
        return segment_parts(segment)

    def write(segment: zipsegments.Segment, *where: Any) -> None:
        when_written.append((segment.path.exists(), segment.pieces.exists()))
        write_entries(segment, *where)

    def sealed(handle: Any, follower: Any = None) -> str:
        gone_when_sealed.extend(not path.exists() for path in read)
        return seal(handle, follower)

    monkeypatch.setattr(archive, "segment_parts", parts)
    monkeypatch.setattr(zipcopies, "write_entries", write)
    monkeypatch.setattr(archive, "seal", sealed)
    result = build(seeds, tmp_path / "out", jobs=1)
    assert [path.suffix for path in read] == [".zipseg"] * 3
    assert when_written == [(False, True)] * 3
    assert gone_when_sealed == [True] * 3
    assert result.archive.read_bytes() == _folder_zip(_release(tmp_path / "out"))


@pytest.mark.parametrize("bound", [1, 1 << 30])
def test_the_writer_waits_for_its_threads_beyond_a_bound_of_bytes_to_write(
        bound: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A segment handed to a thread holds its headers in memory until it is written: the
    writer waits for the oldest ranges once those pending would pass a bound of bytes to
    write, so that memory does not grow with the corpus however far ahead it is. The zip
    is the folder's whatever the bound (1: one range at a time). The threads are slowed
    down here, so that the writer is ahead."""
    import time

    seeds = _corpus(tmp_path, lambda i: f"doc-{i:04d}.txt")
    monkeypatch.setattr(zipcopies, "_PENDING_BYTES", bound)
    pending: list[tuple[int, int]] = []  # ranges and their bytes, once each is handed out
    start, write_entries = zipcopies.Copies.start, zipcopies.write_entries

    def started(self: Any, copy: Any, at: int) -> None:
        start(self, copy, at)
        pending.append((len(self.pending), self.pending_bytes))

    def slowly(*args: Any) -> None:
        time.sleep(0.05)
        write_entries(*args)

    monkeypatch.setattr(zipcopies.Copies, "start", started)
    monkeypatch.setattr(zipcopies, "write_entries", slowly)
    result = build(seeds, tmp_path / "out", jobs=1)
    assert result.archive.read_bytes() == _folder_zip(_release(tmp_path / "out"))
    assert len(pending) >= 4  # the record group and the three segments at least
    if bound == 1:  # each range waited for the one before
        assert {ranges for ranges, _ in pending} == {1}
    else:
        assert max(ranges for ranges, _ in pending) > 1
        assert all(waiting <= bound for _, waiting in pending)


def test_segments_not_marked_scratch_are_left_in_place(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without ``scratch`` the writer only reads the segments (copied aside here, and
    used: their records are placed)."""
    seeds = _corpus(tmp_path, lambda i: f"doc-{i:04d}.txt")
    kept = tmp_path / "kept"
    original = writer.write_zip

    def from_a_copy(folder: Path, target: Any, root: str, created: str | None,
                    **options: Any) -> str:
        shards = options["prepared"].shards
        shutil.copytree(shards[0].parent, kept)
        options["prepared"] = preparedpieces.PreparedPieces([kept / shard.name for shard in shards])
        return original(folder, target, root, created, **options)

    monkeypatch.setattr(writer, "write_zip", from_a_copy)
    placements = _Placements(monkeypatch)
    result = build(seeds, tmp_path / "out", jobs=1)
    assert placements.shifted == 3
    assert len(list(kept.glob("*.zipseg"))) == 3
    assert result.archive.read_bytes() == _folder_zip(_release(tmp_path / "out"))


@BOTH
@pytest.mark.parametrize("cuts", [(1,), (7, 4096), (65536,), (1 << 20, 3)])
def test_a_record_group_deflated_in_parts_is_the_group_deflated_at_once(
        cuts: tuple[int, ...], compression: deflate.Compression) -> None:
    """Workers and the archive writer feed a record group to zlib a part at a time (it is
    never held whole); the bytes are those of the whole group deflated at once, whatever
    the cuts, as the archive's reproducibility needs."""
    group = b"".join(b'{"id":"doc-%05d","text":"%s"}\n' % (i, b"word " * (i % 97))
                     for i in range(3000))
    parts = deflate.RecordsDeflater(compression)
    out, at, turn = [], 0, 0
    while at < len(group):
        size = cuts[turn % len(cuts)]
        out.append(parts.feed(group[at:at + size]))
        at, turn = at + size, turn + 1
    out.append(parts.end())
    if compression.name != "fast":  # (ISA-L's bytes depend on the process's state too)
        assert b"".join(out) == deflate.deflate_piece(group, last=False,
                                                      compression=compression)
    assert zlib.decompress(b"".join(out) + deflate.END, -15) == group
    assert (parts.size, parts.crc) == (len(group), zlib.crc32(group))


@BOTH
@pytest.mark.parametrize("cuts", [(1,), (7, 4096), (4096,), (5000, 3), (1 << 16,)])
def test_a_record_group_reaches_the_compressor_in_the_same_slices_whatever_the_cuts(
        monkeypatch: pytest.MonkeyPatch, cuts: tuple[int, ...],
        compression: deflate.Compression) -> None:
    """zlib-ng, which some platforms link Python's zlib against, deflates the same input to
    other bytes when it comes in other cuts: the compressor is handed the group's slices of
    FEED_BYTES and the rest, whatever parts the group was fed in."""
    handed: list[list[object]] = []

    class Recorder:
        def __init__(self) -> None:
            self.calls: list[object] = []
            handed.append(self.calls)

        def compress(self, data: bytes) -> bytes:
            self.calls.append(bytes(data))
            return b""

        def flush(self, mode: int) -> bytes:
            self.calls.append(("flush", mode))
            return b""

    monkeypatch.setattr(deflate, "FEED_BYTES", 4096)
    monkeypatch.setattr(compression.module, "compressobj", lambda *args, **kwargs: Recorder())
    group = bytes(range(256)) * 41 + b"tail"  # 2.5 slices and more
    parts = deflate.RecordsDeflater(compression)
    at, turn = 0, 0
    while at < len(group):
        size = cuts[turn % len(cuts)]
        parts.feed(group[at:at + size])
        at, turn = at + size, turn + 1
    parts.end()
    at_once = deflate.RecordsDeflater(compression)
    at_once.feed(group)
    at_once.end()
    expected: list[object] = [group[at:at + 4096] for at in range(0, len(group), 4096)]
    assert handed == [[*expected, ("flush", zlib.Z_SYNC_FLUSH)]] * 2
    assert (parts.size, parts.crc) == (len(group), zlib.crc32(group))


def _large_text(size: int, seed: int) -> str:
    """A text of about ``size`` characters that does not compress to nothing."""
    words = [f"w{(seed * 7919 + i * 104729) % 50021:x}" for i in range(size // 6)]
    return "Large\n\n" + "\n\n".join(" ".join(words[i:i + 12])
                                     for i in range(0, len(words), 12)) + "\n"


def _deflated_in_the_archive_writer(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The members whose pieces the archive writer deflates itself (not a worker)."""
    deflated: list[str] = []
    original = archive.read_and_deflate

    def counted(folder: Path, piece: zippieces.Piece,
                compression: deflate.Compression) -> zippieces.Deflated:
        deflated.append(piece.rel)
        return original(folder, piece, compression)

    monkeypatch.setattr(archive, "read_and_deflate", counted)
    return deflated


@pytest.mark.parametrize("jobs", [1, 2])
def test_large_raw_files_are_deflated_by_the_workers_as_the_writer_would(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    """A raw file over PIECE_BYTES is deflated by its shard's worker, piece by piece with
    the bytes before each as dictionary: the zip is byte for byte the folder's alone,
    and (in this process) the archive writer deflates none of its pieces."""
    files: dict[str, bytes | str] = {
        f"doc-{i:04d}.txt": f"Note {i}\n\nThe report number {i}.\n" for i in range(40)}
    files["doc-0007.txt"] = _large_text(int(2.6 * deflate.PIECE_BYTES), 1)
    files["doc-0030.txt"] = _large_text(deflate.PIECE_BYTES + 5000, 2)
    seeds = make_seeds(tmp_path, files, {"extract": {"language": False}})
    deflated = _deflated_in_the_archive_writer(monkeypatch)
    result = build(seeds, tmp_path / "out", jobs=jobs)
    # the archive writer runs in this process whatever the jobs
    assert [rel for rel in deflated if rel.startswith("data/raw/")] == []
    assert result.archive.read_bytes() == _folder_zip(_release(tmp_path / "out"))


def test_large_raw_files_come_from_the_cache_and_from_an_earlier_shard(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An incremental build deflates no piece of an unchanged large file: a cached shard
    brings them, and so does a shard in which another document changed."""
    files: dict[str, bytes | str] = {
        f"doc-{i:04d}.txt": f"Note {i}\n\nThe report number {i}.\n" for i in range(40)}
    files["doc-0007.txt"] = _large_text(int(2.6 * deflate.PIECE_BYTES), 3)
    seeds = make_seeds(tmp_path, files, {"extract": {"language": False}})
    cache = tmp_path / "cache"
    build(seeds, tmp_path / "a", jobs=1, cache=cache)
    pieces_made: list[str] = []
    original = shardpieces.large_pieces

    def counted(data: bytes, compression: deflate.Compression) -> Any:
        pieces_made.append(str(len(data)))
        return original(data, compression)

    monkeypatch.setattr(shardpieces, "large_pieces", counted)
    deflated = _deflated_in_the_archive_writer(monkeypatch)
    warm = build(seeds, tmp_path / "b", jobs=1, cache=cache)  # every shard cached
    assert warm.cached_shards == 1
    (seeds / "doc-0003.txt").write_text("Changed\n\nOther words.\n", encoding="utf-8")
    changed = build(seeds, tmp_path / "c", jobs=1, cache=cache)  # the large file reused
    assert changed.cached_shards == 0
    assert pieces_made == []
    assert [rel for rel in deflated if rel.startswith("data/raw/")] == []
    fresh = build(seeds, tmp_path / "d", jobs=1)
    name = fresh.release.name
    assert (tmp_path / "c" / f"{name}.zip").read_bytes() == fresh.archive.read_bytes()
    assert fresh.archive.read_bytes() == _folder_zip(_release(tmp_path / "d"))


def _counting(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[Any]:
    """Record the calls of ``module.name`` (their first argument after the folder)."""
    calls: list[Any] = []
    original = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[1] if len(args) > 1 else args)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_record_groups_as_written_are_not_read_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build tells the writer where each shard's records went and their CRC: the
    writer neither reads data/documents.jsonl to cut it into groups nor to take the
    groups' CRCs again, and the zip is still the folder's."""
    seeds = _corpus(tmp_path, lambda i: f"doc-{i:04d}.txt")
    monkeypatch.setattr(zippieces, "GROUPED_MANIFEST_BYTES", 0)  # this small one in groups too
    scans = _counting(monkeypatch, zippieces, "record_groups")
    rechecked = _counting(monkeypatch, archive, "_prepared")
    deflated = _deflated_in_the_archive_writer(monkeypatch)
    manifest_scans = _counting(monkeypatch, zippieces, "manifest_groups")
    result = build(seeds, tmp_path / "out", jobs=1)
    assert (scans, manifest_scans, rechecked) == ([], [], [])
    assert zippieces.RECORDS_MEMBER not in deflated
    # of the payload manifest, only the last group (the data files' lines): no worker has it
    assert deflated.count(zippieces.MANIFEST_MEMBER) == 1
    release = _release(tmp_path / "out")
    assert result.archive.read_bytes() == _folder_zip(release)
    assert len(scans) == len(manifest_scans) == 1  # the folder's own zip cut both files


def test_an_incremental_build_deflates_only_the_changed_shards_manifest_lines(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The groups of the payload manifest come from the workers, cached with their shard:
    after one document changed, the archive writer deflates none of the shards' groups,
    and the zip is byte for byte a fresh build's and the folder's."""
    seeds = _corpus(tmp_path, lambda i: f"doc-{i:04d}.txt")
    monkeypatch.setattr(zippieces, "GROUPED_MANIFEST_BYTES", 0)
    cache = tmp_path / "cache"
    build(seeds, tmp_path / "a", jobs=1, cache=cache)
    (seeds / "doc-0600.txt").write_text("Changed\n\nOther words.\n", encoding="utf-8")
    lines_deflated: list[int] = []

    class Counted(deflate.RecordsDeflater):
        """Counts the manifest lines of each group deflated (records hold none)."""

        lines = 0

        def feed(self, data: bytes) -> bytes:
            self.lines += bytes(data).count(b"  data/raw/")
            return super().feed(data)

        def end(self) -> bytes:
            if self.lines:
                lines_deflated.append(self.lines)
            return super().end()

    monkeypatch.setattr(shardpieces, "RecordsDeflater", Counted)
    deflated = _deflated_in_the_archive_writer(monkeypatch)
    changed = build(seeds, tmp_path / "b", jobs=1, cache=cache)
    assert changed.cached_shards == 2
    assert lines_deflated == [SHARDS[1]]  # the lines of the changed document's shard
    assert deflated.count(zippieces.MANIFEST_MEMBER) == 1  # the data files' lines
    fresh = build(seeds, tmp_path / "c", jobs=1)
    assert changed.archive.read_bytes() == fresh.archive.read_bytes()
    assert fresh.archive.read_bytes() == _folder_zip(_release(tmp_path / "c"))


def test_shards_cached_before_their_manifest_lines_were_deflated_still_give_the_zip(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache entry whose pieces index does not say where its manifest lines are (made
    before workers deflated them) is still used: the writer deflates those groups."""
    seeds = _corpus(tmp_path, lambda i: f"doc-{i:04d}.txt")
    monkeypatch.setattr(zippieces, "GROUPED_MANIFEST_BYTES", 0)
    cache = tmp_path / "cache"
    finish = shardpieces.PiecesWriter.finish

    def as_before(self: shardpieces.PiecesWriter, manifest: bytes, earlier: Any = None,
                  line_lengths: Any = None) -> Any:
        placed = finish(self, manifest, earlier, line_lengths)
        index = shardpieces.pieces_index_path(self.jsonl_file)
        data = json.loads(index.read_bytes())
        del data["manifest"]
        index.write_bytes(json.dumps(data).encode())
        return placed[0], None

    with monkeypatch.context() as old:
        old.setattr(shardpieces.PiecesWriter, "finish", as_before)
        build(seeds, tmp_path / "a", jobs=1, cache=cache)
    deflated = _deflated_in_the_archive_writer(monkeypatch)
    warm = build(seeds, tmp_path / "b", jobs=1, cache=cache)
    assert warm.cached_shards == 3
    assert deflated.count(zippieces.MANIFEST_MEMBER) == 4  # three shards', the data files'
    assert zippieces.RECORDS_MEMBER not in deflated
    assert warm.archive.read_bytes() == (tmp_path / "a" / warm.archive.name).read_bytes()


def test_the_payload_manifest_is_cut_after_each_shards_raw_files() -> None:
    """manifest_groups: the lines naming each shard's raw files (shards cut by the ids of
    their paths, as a build cuts them), then the rest in one group; WrittenManifest says
    the same from the shards' lines and the tail."""
    paths = [f"d{i:06d}.txt" for i in range(1100)]
    sizes = shard_sizes_of_ids(path[:-4] for path in paths)
    assert len(sizes) >= 2
    raw = [b"%064x  data/raw/%s\n" % (i, path.encode()) for i, path in enumerate(paths)]
    tail = [b"%064x  data/documents.jsonl\n" % 1, b"%064x  data/documents.parquet\n" % 2]
    data = b"".join(raw + tail)
    groups = list(deflate.manifest_groups(io.BytesIO(data)))
    blocks, first = [], 0
    for size in sizes:
        blocks.append(raw[first:first + size])
        first += size
    lengths = [len(b"".join(block)) for block in [*blocks, tail]]
    assert [length for _, length in groups] == lengths
    assert [offset for offset, _ in groups] == [sum(lengths[:i]) for i in range(len(lengths))]
    written, offset = preparedpieces.WrittenManifest(), 0
    for block in blocks:
        chunk = b"".join(block)
        written.add([(offset, len(chunk), zlib.crc32(chunk))])
        offset += len(chunk)
    assert written.record_groups(len(data)) == groups
    assert written.record_groups(offset) is None  # no data files' lines: not a build's
    # a shard's lines then the data files': the data files' lines are a group of their own
    full = b"".join(blocks[0] + tail)
    assert list(deflate.manifest_groups(io.BytesIO(full))) == [
        (0, lengths[0]), (lengths[0], len(b"".join(tail)))]
    # a path with an encoded LF is cut by its id as it is
    odd = [b"%064x  data/raw/%s\n" % (i, path.replace("d", "d%0A").encode())
           for i, path in enumerate(paths)]
    odd_sizes = shard_sizes_of_ids(path[:-4].replace("d", "d\n") for path in paths)
    assert odd_sizes != sizes
    assert [length for _, length in deflate.manifest_groups(io.BytesIO(b"".join(odd)))] == \
        [len(b"".join(odd[sum(odd_sizes[:i]):sum(odd_sizes[:i + 1])]))
         for i in range(len(odd_sizes))]
    # a raw file's line after the data files' stays in the last group; no raw line at all
    mixed = b"".join(raw[:3] + tail + raw[3:5])
    assert list(deflate.manifest_groups(io.BytesIO(mixed))) == [
        (0, len(b"".join(raw[:3]))), (len(b"".join(raw[:3])), len(mixed) - len(b"".join(raw[:3])))]
    assert list(deflate.manifest_groups(io.BytesIO(b"".join(tail)))) == [(0, len(b"".join(tail)))]
    assert list(deflate.manifest_groups(io.BytesIO(b""))) == []
    assert deflate.RAW_PATH.decode() == RAW_PREFIX


def test_a_payload_manifest_up_to_a_piece_is_one_piece_as_zipfile_writes_it(
        tmp_path: Path) -> None:
    """Only a manifest larger than GROUPED_MANIFEST_BYTES is cut into groups: a small one
    (every release of a small corpus made before groups) keeps zipfile's bytes."""
    line = b"%064x  data/raw/doc-%06d.txt\n"
    for count, grouped in ((100, False), (zippieces.GROUPED_MANIFEST_BYTES // 80, True)):
        folder = tmp_path / str(count)
        folder.mkdir()
        manifest = b"".join(line % (i * 7919, i) for i in range(count))
        assert (len(manifest) > zippieces.GROUPED_MANIFEST_BYTES) is grouped
        (folder / zippieces.MANIFEST_MEMBER).write_bytes(manifest)
        pieces = list(zippieces.file_pieces(folder, zippieces.MANIFEST_MEMBER, None))
        assert all(piece.records is grouped for piece in pieces)
        assert len(pieces) == (len(shard_sizes_of_ids(f"doc-{i:06d}" for i in range(count)))
                               if grouped else 1)
        made = io.BytesIO()
        archive.write_zip(folder, made, "root", None, compression=ZLIB, threads=2)
        with zipfile.ZipFile(made) as zipped:
            info = zipped.getinfo(f"root/{zippieces.MANIFEST_MEMBER}")
            assert zipped.read(info) == manifest
        ours = made.getvalue()[info.header_offset:info.header_offset + 30 + len(info.filename)
                               + info.compress_size]
        by_zipfile = io.BytesIO()
        with zipfile.ZipFile(by_zipfile, "w", zipfile.ZIP_DEFLATED) as other:
            other.writestr(info, manifest)  # the same header fields, zipfile's deflate
        assert (by_zipfile.getvalue()[:len(ours)] == ours) is not grouped


@pytest.mark.parametrize("member", [zippieces.RECORDS_MEMBER, zippieces.MANIFEST_MEMBER])
def test_a_group_not_deflated_from_the_bytes_written_is_checked_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, member: str) -> None:
    """Where the CRC the build took of a shard's records (or manifest lines) is not the
    one its worker's piece has, the writer reads the group and checks it, as with no word
    from the build."""
    seeds = _corpus(tmp_path, lambda i: f"doc-{i:04d}.txt")
    monkeypatch.setattr(zippieces, "GROUPED_MANIFEST_BYTES", 0)
    original = preparedpieces.WrittenRecords.add
    kind = (preparedpieces.WrittenRecords if member == zippieces.RECORDS_MEMBER
            else preparedpieces.WrittenManifest)

    def misremembered(self: preparedpieces.WrittenRecords, pieces: list[tuple[int, int, int]], *,
                      known: bool = True) -> None:
        if type(self) is kind and len(self.groups) == 1:
            (offset, length, crc), *rest = pieces
            pieces = [(offset, length, crc ^ 1), *rest]
        original(self, pieces, known=known)

    monkeypatch.setattr(preparedpieces.WrittenRecords, "add", misremembered)
    rechecked = _counting(monkeypatch, archive, "_prepared")
    result = build(seeds, tmp_path / "out", jobs=1)
    assert [(piece.rel, piece.offset) for piece in rechecked] == [
        (member, offset) for offset, _ in _groups_of(_release(tmp_path / "out"), member)[1:2]]
    assert result.archive.read_bytes() == _folder_zip(_release(tmp_path / "out"))


def _groups_of(release: Path, member: str = zippieces.RECORDS_MEMBER) -> list[tuple[int, int]]:
    cut = deflate.record_groups if member == zippieces.RECORDS_MEMBER else deflate.manifest_groups
    with (release / member).open("rb") as handle:
        return list(cut(handle))


def test_written_records_are_the_files_record_groups_only_when_all_are_known() -> None:
    ids = [f"d{i:05d}" for i in range(1100)]
    lines = [b'{"id":"%s"}\n' % doc.encode() for doc in ids]
    data = b"".join(lines)
    written, offset, first = preparedpieces.WrittenRecords(), 0, 0
    for size in shard_sizes_of_ids(ids):
        chunk = b"".join(lines[first:first + size])
        written.add([(offset, len(chunk), zlib.crc32(chunk))])
        offset += len(chunk)
        first += size
    assert written.record_groups(len(data)) == list(deflate.record_groups(io.BytesIO(data)))
    assert written.record_groups(len(data) + 1) is None  # not the file written

    gap = preparedpieces.WrittenRecords()  # the shards' records are not one after the other
    gap.add([(0, 10, 0)])
    gap.add([(11, 5, 0)])
    assert gap.record_groups(16) is None
    unknown = preparedpieces.WrittenRecords()  # a shard not copied as the pieces its worker made
    unknown.add([(0, 10, 0)])
    unknown.add([], known=False)
    assert unknown.record_groups(15) is None
    pieces = preparedpieces.WrittenRecords()  # a shard in several pieces
    pieces.add([(0, 10, 0), (10, 6, 0)])
    pieces.add([(16, 5, 0)])
    assert pieces.record_groups(21) == [(0, 10), (10, 6), (16, 5)]
    assert preparedpieces.WrittenRecords().record_groups(0) is None


def test_large_top_level_files_are_deflated_ahead_into_the_same_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The payload manifest of a large corpus is deflated while the raw files are written
    (it comes last): each of its pieces once, as the writer would deflate them."""
    folder = tmp_path / "package"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "a.txt").write_bytes(b"a" * 1000)
    manifest = b"".join(b"%064x  data/raw/doc-%06d.txt\n" % (i * 7919, i) for i in range(40000))
    assert len(manifest) > 2 * deflate.PIECE_BYTES
    (folder / "manifest-sha256.txt").write_bytes(manifest)
    (folder / "small.txt").write_bytes(b"small")
    ahead = _counting(monkeypatch, archive, "_deflate_ahead")
    deflated = _deflated_in_the_archive_writer(monkeypatch)
    made = io.BytesIO()
    archive.write_zip(folder, made, "root", None, compression=BUILT, threads=2)
    assert len(ahead) == 1
    pieces = len(list(deflate.manifest_groups(io.BytesIO(manifest))))
    assert pieces == len(shard_sizes_of_ids(f"doc-{i:06d}" for i in range(40000)))
    assert sorted(deflated) == ["data/a.txt"] + ["manifest-sha256.txt"] * pieces + ["small.txt"]
    with zipfile.ZipFile(made) as zipped:
        assert zipped.read("root/manifest-sha256.txt") == manifest
    one_thread = io.BytesIO()
    monkeypatch.setattr(archive, "_AHEAD_BYTES", 0)  # nothing ahead: the same archive
    archive.write_zip(folder, one_thread, "root", None, compression=BUILT, threads=1)
    assert one_thread.getvalue() == made.getvalue()


@pytest.mark.parametrize("name", ["zlib", "zlib-4"])
@pytest.mark.parametrize("size", [0, 1, 2400, 70_000])
def test_a_whole_small_file_deflates_as_zipfile_does(size: int, name: str) -> None:
    """The one-shot path of deflate_piece (a whole file, no dictionary) gives the bytes of
    the streaming one, which is how zipfile deflates a member at that level."""
    compression = deflate.COMPRESSIONS[name]
    data = bytes((i * 7919 + i // 13) % 251 for i in range(size)) + b"text " * (size // 5)
    streaming = zlib.compressobj(compression.level, zlib.DEFLATED, -15)
    assert deflate.deflate_piece(data, last=True, compression=compression) == \
        streaming.compress(data) + streaming.flush()


@pytest.mark.parametrize(("block", "entries", "pwritev"),
                         [(1, 512, True), (700, 512, True), (4 << 20, 2, True),
                          (4 << 20, 512, True), (700, 512, False)])
def test_a_segment_is_each_files_header_and_deflated_bytes_in_name_order(
        block: int, entries: int, pwritev: bool, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """make_segment writes each file's local header, in name order, then the central
    records; the writer places each header followed by the file's deflated bytes from the
    pieces, a batch of files per call: the same bytes as each file's header then data,
    whether the index lists them in that order or not (a file before the batch read is
    read alone), whatever the bytes and entries a batch may hold, with ``pwritev`` or
    without it."""
    import os

    monkeypatch.setattr(zipsegments, "_SEGMENT_BLOCK", block)
    monkeypatch.setattr(zipsegments, "_BATCH_ENTRIES", entries)
    if not pwritev:
        monkeypatch.delattr(os, "pwritev", raising=False)
    files = {f"data/raw/{name}": bytes((j * 31 + i) % 256 for j in range(200 + 37 * i % 300))
             for i, name in enumerate(["b.txt", "a.txt", "c/d.txt", "c-e.txt", "z.txt"])}
    blob = bytearray(b"records piece first ")
    raw: list[list[Any]] = []
    for member, data in files.items():  # in the order of the index: not by name
        deflated = deflate.deflate_piece(data, last=True, compression=BUILT)
        raw.append([member, len(data), zlib.crc32(data), len(blob), len(deflated)])
        blob += deflated
    target = io.BytesIO()
    index = json.loads(zipsegments.make_segment(raw, target, "root", "2024-05-06T07:08:09Z"))
    date_time = zipformat.zip_date_time("2024-05-06T07:08:09Z")
    expected, headers, records, offset = b"", b"", b"", 0
    for member, size, crc, start, length in sorted(raw):
        local, record = zipformat.whole_member_headers(
            f"root/{member}", date_time, size=size, compress_size=length, crc=crc,
            header_offset=offset)
        expected += local + blob[start:start + length]
        headers += local
        records += record
        offset += len(local) + length
    assert target.getvalue() == headers + records
    assert (index["entry_bytes"], index["header_bytes"], index["record_bytes"]) == \
        (len(expected), len(headers), len(records))
    (tmp_path / "pieces").write_bytes(blob)
    (tmp_path / "segment").write_bytes(target.getvalue())
    segment = zipsegments.Segment(tmp_path / "segment", tmp_path / "pieces", 0, "root", date_time,
                                  sorted(raw), index["entry_bytes"], index["header_bytes"],
                                  index["record_bytes"], index["offsets"])
    assert zipsegments.segment_parts(segment) == (headers, records)
    with (tmp_path / "zip").open("w+b") as out:
        out.write(b"before")
        zipsegments.write_entries(segment, headers, out.fileno(), 6)
        assert out.tell() == 6  # the thread leaves the writer's position as it is
    assert (tmp_path / "zip").read_bytes() == b"before" + expected
    (tmp_path / "pieces").write_bytes(blob[:-3])
    with (tmp_path / "zip").open("r+b") as out, \
            pytest.raises(OSError, match="shorter than its index"):
        zipsegments.write_entries(segment, headers, out.fileno(), 0)
    (tmp_path / "segment").write_bytes(target.getvalue()[:-1])
    with pytest.raises(OSError, match="not the size its index says"):
        zipsegments.segment_parts(segment)


@pytest.mark.parametrize("refusal", ["absent", "exdev"])
def test_ranges_are_copied_through_memory_where_the_kernel_cannot(
        refusal: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer's threads copy record groups with copy_file_range; without
    it (another system), or where it refuses the two files (another filesystem on an older
    kernel), they are read and written: the same zip."""
    import errno
    import os

    seeds = _corpus(tmp_path, lambda i: f"doc-{i:04d}.txt")
    tried: list[int] = []
    if refusal == "absent":
        monkeypatch.delattr(os, "copy_file_range", raising=False)
    else:
        def refuse(*args: Any) -> int:
            tried.append(1)
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        monkeypatch.setattr(os, "copy_file_range", refuse)
    result = build(seeds, tmp_path / "out", jobs=1)
    assert result.archive.read_bytes() == _folder_zip(_release(tmp_path / "out"))
    assert (len(tried) > 0) == (refusal == "exdev")


@pytest.mark.parametrize("damage", ["segment", "record group"])
def test_scratch_shorter_than_its_index_fails_the_build_cleanly(
        damage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A segment, or a shard's pieces (which the writer's threads copy record groups
    from), cut short after the worker made it: the build ends with an error naming the
    archive, from the writer or from the copying thread, and no zip is left."""
    from corpuskit.errors import OutputError

    seeds = _corpus(tmp_path, lambda i: f"doc-{i:04d}.txt")
    original = writer.write_zip

    def cut_first(folder: Path, target: Any, root: str, created: str | None,
                  **options: Any) -> str:
        first = options["prepared"].shards[0]
        victim = zipsegments.segment_path(first) if damage == "segment" else first
        with victim.open("r+b") as handle:
            handle.truncate(10)
        return original(folder, target, root, created, **options)

    monkeypatch.setattr(writer, "write_zip", cut_first)
    out = tmp_path / "out"
    with pytest.raises(OutputError, match=r"cannot write .*test-corpus-1\.0\.0\.zip: .*index says"):
        build(seeds, out, jobs=1)
    assert not list(out.glob("*.zip")) and not list(out.glob(".*zip*"))


def test_prepared_pieces_into_a_target_without_a_descriptor(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A target with no file descriptor (io.BytesIO) gets the segments and record groups
    through memory, not through the copying threads: the same zip as the build's."""
    seeds = _corpus(tmp_path, lambda i: f"doc-{i:04d}.txt")
    kept = tmp_path / "kept"
    original = writer.write_zip
    in_memory = io.BytesIO()
    copied: list[Path] = []
    copy_range = zipcopies._copy_range

    def copy(source: Path, *where: Any) -> None:
        copied.append(source)
        copy_range(source, *where)

    def also_in_memory(folder: Path, target: Any, root: str, created: str | None,
                       **options: Any) -> str:
        shards = options["prepared"].shards
        shutil.copytree(shards[0].parent, kept)
        prepared = options["prepared"]
        aside = preparedpieces.PreparedPieces([kept / shard.name for shard in shards],
                                              groups=prepared.groups,
                                              manifest_groups=prepared.manifest_groups)
        placements = _Placements(monkeypatch)
        archive.write_zip(folder, in_memory, root, created, compression=BUILT, prepared=aside)
        assert placements.shifted == 3 and not copied  # segments used, no thread copied
        return original(folder, target, root, created, **options)

    monkeypatch.setattr(zipcopies, "_copy_range", copy)
    monkeypatch.setattr(writer, "write_zip", also_in_memory)
    result = build(seeds, tmp_path / "out", jobs=1)
    assert copied  # the build's own zip, into a file, was copied by the threads
    assert in_memory.getvalue() == result.archive.read_bytes()


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_seal_followed_member_by_member_is_the_folders_seal(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    """The seal's thread is told what is final after every member (a threshold of one
    byte), while threads still copy record groups of data/documents.jsonl, whose local
    header is rewritten once its last group is placed: nothing from that header on may be
    reported final before then. (A copy finished ahead of it let the thread hash the header
    before its rewrite: every zip of over 8 MB of records had a seal that did not match.)"""
    monkeypatch.setattr(archive, "FOLLOW_BYTES", 1)
    copy_range = zipcopies._copy_range

    def slow_copy(*args: Any) -> None:  # still copying when the writer goes on
        time.sleep(0.05)
        copy_range(*args)

    monkeypatch.setattr(zipcopies, "_copy_range", slow_copy)
    report = archiveseal.FollowingDigest.final_up_to

    def hashed_at_once(self: archiveseal.FollowingDigest, offset: int) -> None:
        report(self, offset)  # and wait until the thread has hashed it (not later, by luck)
        deadline = time.monotonic() + 10
        while self._hashed < offset and self._error is None and time.monotonic() < deadline:
            time.sleep(0.001)

    monkeypatch.setattr(archiveseal.FollowingDigest, "final_up_to", hashed_at_once)
    seeds = _corpus(tmp_path, lambda i: f"part-{i % 2}/doc-{i:04d}.txt")
    result = build(seeds, tmp_path / "out", jobs=jobs)
    assert result.archive.read_bytes() == _folder_zip(_release(tmp_path / "out"))


def test_what_is_final_stops_before_the_member_being_written() -> None:
    """``settled`` is the end of the last member written whole, or the start of the first
    range still being copied, whichever comes first."""
    release = threading.Event()
    with ThreadPoolExecutor(max_workers=1) as pool:
        try:
            copies = zipcopies.Copies(pool, -1)
            copies.pending.append((500, pool.submit(release.wait), 300))
            copies.pending_bytes = 300
            assert copies.settled(100) == 100  # a copy past the member's header runs
            assert copies.settled(800) == 500
        finally:
            release.set()
        assert copies.settled(800, wait=True) == 800
        assert copies.pending_bytes == 0


def test_a_shard_file_is_read_a_window_at_a_time(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer took each shard file whole to copy the pieces of its large raw files:
    135 MB held for a shard of large documents. Read a window at a time (here 4 KB; a
    piece larger than that is read alone), every raw file still comes from the workers'
    pieces, the zip is the folder's, and no read is larger than a piece."""
    monkeypatch.setattr(preparedpieces, "BLOB_WINDOW", 4096)
    reads: list[int] = []
    original = preparedpieces.file_bytes

    def counted(path: Path, start: int, length: int) -> bytes:
        reads.append(length)
        return original(path, start, length)

    monkeypatch.setattr(preparedpieces, "file_bytes", counted)
    import random

    seeds = _corpus(tmp_path, lambda i: f"doc-{i:04d}.txt")
    rng = random.Random(5)  # words that deflate to about half: pieces of several windows
    words = ["".join(rng.choice("abcdefghij") for _ in range(rng.randint(2, 8)))
             for _ in range(3000)]
    for name in ("doc-0005.txt", "doc-0600.txt"):  # large raw files: taken by pieces
        (seeds / name).write_text("Big\n\n" + " ".join(
            rng.choice(words) for _ in range(deflate.PIECE_BYTES // 3)) + "\n")
    deflated = _deflated_in_the_archive_writer(monkeypatch)
    result = build(seeds, tmp_path / "out", jobs=1)
    assert [rel for rel in deflated if rel.startswith("data/raw/")] == []
    assert result.archive.read_bytes() == _folder_zip(_release(tmp_path / "out"))
    assert len(reads) >= 4 and max(reads) <= deflate.PIECE_BYTES + 4096
