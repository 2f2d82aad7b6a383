"""Tamper evidence: one changed byte anywhere in a package, or in its archive, fails validate.

Every file of a built package is damaged in turn (in a copy), at its first, middle and
last byte and a few more; the archive is damaged at every header field of every entry, in
each entry's compressed data, in the central directory, in the end record and in its seal
(the zip comment). Each must give exit 1 and a report, never a traceback. The archive's
seal is broken by a flip of every one of its bytes (default run, seal check only); under
``-m fuzz`` every byte of the archive is flipped and checked by a full validate, and under
``-m slow`` every byte of every file of the package folder.
"""

from __future__ import annotations

import hashlib
import shutil
import struct
import zipfile
from pathlib import Path

import pytest
from _validate_support import built, copy_release, flipped, run, sealed
from conftest import DIST, SEEDS, tree_bytes

from corpuskit.compare import archives_match
from corpuskit.config import load_config
from corpuskit.validation import render_text, validate
from corpuskit.validation.seal import check_archive_checksums
from corpuskit.zipfiles.archive import zip_signature
from corpuskit.zipfiles.archiveseal import SEAL_BYTES

FLIPS = (0x01, 0x80, 0xFF)


def _package_files() -> list[str]:
    release = built().release
    return sorted(p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file())


def _offsets(size: int) -> list[int]:
    picks = {0, 1, size // 3, size // 2, (2 * size) // 3, size - 2, size - 1}
    return sorted(o for o in picks if 0 <= o < size)


@pytest.mark.parametrize("rel", _package_files())
def test_one_flipped_byte_in_any_file_is_found(tmp_path: Path, rel: str) -> None:
    source = built().release
    target = copy_release(tmp_path)
    for offset in _offsets((source / rel).stat().st_size):
        for flip in FLIPS:
            with flipped(target / rel, offset, flip):
                report = validate(target, jobs=1)
            assert not report.valid, f"{rel}: byte {offset} ^ {flip:#x} went unnoticed"
            assert "internal-error" not in {p.code for p in report.problems}, \
                render_text(report)
    assert tree_bytes(target) == tree_bytes(source)  # each flip was put back


def test_cli_exit_code_for_a_damaged_file(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / built().release.name
    shutil.copytree(built().release, target)
    path = target / "data/documents.jsonl"
    data = bytearray(path.read_bytes())
    data[100] ^= 0x01
    path.write_bytes(bytes(data))
    code, out, err = run(capsys, "validate", str(target))
    assert code == 1 and "checksum-mismatch" in out and "Traceback" not in out + err


def _archive_offsets(archive: Path) -> list[int]:
    """Offsets in every structure of the archive: headers field by field, data, directory."""
    data = archive.read_bytes()
    offsets: set[int] = set()
    with zipfile.ZipFile(archive) as zf:
        infos = zf.infolist()
    for info in infos:
        start = info.header_offset
        offsets.update(start + field for field in (0, 4, 6, 8, 10, 12, 14, 18, 22, 26, 28, 30))
        name_len, extra_len = struct.unpack_from("<2H", data, start + 26)
        data_start = start + 30 + name_len + extra_len
        size = info.compress_size
        offsets.update({data_start, data_start + size // 2, data_start + size - 1})
    cd_offset = struct.unpack_from("<L", data, len(data) - 6)[0]
    position = cd_offset
    while data[position:position + 4] == b"PK\x01\x02":
        offsets.update(position + field for field in
                       (0, 4, 5, 6, 8, 10, 12, 14, 16, 20, 24, 28, 30, 32, 34, 36, 38, 42, 46))
        name_len, extra_len, comment_len = struct.unpack_from("<3H", data, position + 28)
        position += 46 + name_len + extra_len + comment_len
    offsets.update(range(position, len(data)))  # the end record and the seal, every byte
    return sorted(o for o in offsets if o < len(data))


def _flip_archive(tmp_path: Path, offsets: list[int], flips: tuple[int, ...],
                  sidecar: bool = False, source: Path | None = None) -> list[tuple[int, int]]:
    """Flip each byte (``flips`` masks, or 0 for bit ``offset % 8``) and validate; return
    the flips that went unnoticed. Every flip must break the archive's seal."""
    source = source or built().archive
    original = source.read_bytes()
    target = tmp_path / source.name
    target.write_bytes(original)
    if sidecar:
        (tmp_path / f"{source.name}.sha256").write_text(
            f"{hashlib.sha256(original).hexdigest()}  {source.name}\n")
    quiet = []
    for offset in offsets:
        for flip in flips:
            mask = flip or 1 << offset % 8
            with flipped(target, offset, mask):
                report = validate(target, jobs=1)
            found = {p.code for p in report.problems}
            assert "internal-error" not in found, render_text(report)
            assert "archive-seal-mismatch" in found, (offset, mask, render_text(report))
            if report.valid:
                quiet.append((offset, mask))
    assert target.read_bytes() == original  # each flip was put back
    return quiet


def test_flipped_bytes_across_the_archive_are_found(tmp_path: Path) -> None:
    offsets = _archive_offsets(built().archive)
    assert len(offsets) > 200
    assert _flip_archive(tmp_path, offsets, FLIPS) == []


def _recompressed(source: Path, target: Path, level: int) -> bytes:
    """``source``'s members, metadata and order, deflated at another level: other compressed
    bytes that inflate to the very same contents (as another zlib would write them)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info), compresslevel=level)
    return target.read_bytes()


def test_compressed_bytes_that_inflate_the_same_break_only_the_seal(tmp_path: Path) -> None:
    """The gap the seal closes. An archive whose deflate streams were changed so that they
    inflate to the same bytes passes every CRC, every header check and every content check;
    only its seal sees the change. Comparing releases (check, build) ignores both."""
    source = built().archive
    original = source.read_bytes()
    other = _recompressed(source, tmp_path / "other.zip", level=1)
    assert other[:-2] != original[:-SEAL_BYTES - 2]  # other deflate bytes
    target = tmp_path / source.name
    # the original's seal on the recompressed archive: the seal check alone reports it
    target.write_bytes(other[:-2] + original[-SEAL_BYTES - 2:])
    report = validate(target, jobs=1)
    assert [(p.path, p.code, p.location) for p in report.problems] == [
        (".", "archive-seal-mismatch", "zip comment")], render_text(report)
    assert "the seal says" in report.problems[0].message
    # unsealed, as another tool would write it
    target.write_bytes(other)
    report = validate(target, jobs=1)
    assert [p.code for p in report.problems] == ["archive-seal-mismatch"], render_text(report)
    assert "not sealed" in report.problems[0].message
    # sealed, as corpuskit with another zlib would write it: valid, and the same release
    target.write_bytes(sealed(other))
    assert validate(target, jobs=1).valid
    assert archives_match(source, target) and zip_signature(source) == zip_signature(target)


def test_the_seal_covers_every_byte(tmp_path: Path) -> None:
    """A flip of any byte of the archive (bit ``offset % 8``), the seal itself included,
    breaks the seal: the seal check alone, every byte of the test archive and of the seeds
    release in dist/."""
    config = load_config(SEEDS)
    for source in (built().archive, DIST / f"{config.release_name}.zip"):
        original = source.read_bytes()
        target = tmp_path / source.name
        target.write_bytes(original)
        assert check_archive_checksums(target) == []
        assert original[-SEAL_BYTES:].startswith(b"corpuskit-sha256:")
        unnoticed = []
        for offset in range(len(original)):
            with flipped(target, offset, 1 << offset % 8):
                problems = check_archive_checksums(target)
            if [(p.code, p.location) for p in problems] != [("archive-seal-mismatch",
                                                             "zip comment")]:
                unnoticed.append(offset)
        assert unnoticed == [], (source.name, unnoticed[:20])
        assert target.read_bytes() == original  # each flip was put back


def test_archive_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = built().archive
    data = source.read_bytes()
    with zipfile.ZipFile(source) as zf:
        member = zf.getinfo(f"{source.stem}/data/documents.jsonl")
    middle = member.header_offset + 30 + len(member.filename) + member.compress_size // 2
    for offset in (10, middle, len(data) - 30, len(data) - 10):
        damaged = bytearray(data)
        damaged[offset] ^= 0x55
        target = tmp_path / source.name
        target.write_bytes(bytes(damaged))
        code, out, err = run(capsys, "validate", str(target))
        assert code == 1, (offset, out)
        assert "Traceback" not in out + err


def test_published_archive_checksum_covers_compressed_bytes(tmp_path: Path) -> None:
    """With <archive>.sha256 beside it, even an equal-output deflate change is found."""
    source = built().archive
    with zipfile.ZipFile(source) as zf:
        info = zf.getinfo(f"{source.stem}/README.md")
    data_start = info.header_offset + 30 + len(info.filename)
    offsets = list(range(data_start, data_start + info.compress_size, 7))
    assert _flip_archive(tmp_path, offsets, (0x01,), sidecar=True) == []
    target = tmp_path / source.name
    shutil.copyfile(source, target)
    assert validate(target, jobs=1).valid


@pytest.mark.slow
def test_every_byte_of_every_file(tmp_path: Path) -> None:
    source = built().release
    target = tmp_path / "pkg" / source.name
    for rel in _package_files():
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target)
        for offset in range((source / rel).stat().st_size):
            with flipped(target / rel, offset, 0x01):
                assert not validate(target, jobs=1).valid, (rel, offset)
        assert (target / rel).read_bytes() == (source / rel).read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("which", ["sample", "seeds"])
def test_every_byte_of_the_archive(tmp_path: Path, which: str) -> None:
    """A full validate of the archive with each of its bytes flipped (bit ``offset % 8``):
    every one is reported, the seal among the problems. ``sample`` is the test package
    (odd names), ``seeds`` the release of seeds/ committed in dist/. (About 7 minutes; the
    default run flips every byte against the seal check alone.)"""
    source = (built().archive if which == "sample"
              else DIST / f"{load_config(SEEDS).release_name}.zip")
    size = source.stat().st_size
    assert _flip_archive(tmp_path, list(range(size)), (0,), source=source) == []
