"""Untrusted archives: hostile entries are reported and never written anywhere; garbage,
empty or truncated files give a clear archive-error, never a traceback; memory stays
bounded whatever the archive declares.
"""

from __future__ import annotations

import json
import stat
import struct
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from _validate_support import built, codes, run, sealed
from conftest import make_seeds

from corpuskit.build import build
from corpuskit.errors import InputError
from corpuskit.reader import open_package
from corpuskit.validation import ValidationReport, render_github, render_text, validate
from corpuskit.zipfiles.archiveseal import SEAL_BYTES
from corpuskit.zipfiles.zipdirectory import ArchiveReadError
from corpuskit.zipfiles.zipsource import ArchiveLimits, ZipSource

TOP = "validate-sample-1.0.0"


def _copy_members(dst: zipfile.ZipFile) -> None:
    with zipfile.ZipFile(built().archive) as src:
        for info in src.infolist():
            dst.writestr(info, src.read(info))


def _hostile(tmp_path: Path, name: str, data: bytes = b"payload\n",
             info: zipfile.ZipInfo | None = None) -> Path:
    archive = tmp_path / f"{TOP}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as dst:
        _copy_members(dst)
        dst.writestr(info or zipfile.ZipInfo(name), data)
    return archive


def _assert_reported(report: ValidationReport, code: str, path_part: str) -> None:
    problems = report.problems
    assert any(p.code == code and path_part in p.path for p in problems), render_text(report)
    assert "internal-error" not in {p.code for p in problems}


def _nothing_written(tmp_path: Path, before: set[Path]) -> None:
    after = set(tmp_path.rglob("*"))
    assert after == before, after - before
    assert not Path("/tmp/escape.txt").exists()


@pytest.mark.parametrize("name, code", [
    (f"{TOP}/../escape.txt", "unsafe-path"),
    (f"{TOP}/data/../../escape.txt", "unsafe-path"),
    ("/tmp/escape.txt", "unsafe-path"),
    (f"{TOP}\\..\\escape.txt", "unsafe-path"),
    ("C:/escape.txt", "unsafe-path"),
    (f"{TOP}/data/raw/a\x01b.txt", "unsafe-path"),
    (f"{TOP}//data/raw/x.txt", "unsafe-path"),
    ("other-top/escape.txt", "unsafe-path"),
    ("escape.txt", "unsafe-path"),
])
def test_hostile_names(tmp_path: Path, name: str, code: str) -> None:
    archive = _hostile(tmp_path, name)
    before = set(tmp_path.rglob("*"))
    report = validate(archive, jobs=1)
    _assert_reported(report, code, name[:12])
    _nothing_written(tmp_path, before)
    with pytest.raises(InputError):
        open_package(archive)  # strict by default: load and diff refuse it


RENAMED = f"{TOP}/data/raw/en/harbour.txt"


def _unicode_path_field(name: bytes, name_crc: int | None = None, kind: int = 0x7075) -> bytes:
    """An Info-ZIP Unicode Path extra field naming ``name``, its CRC-32 that of the entry
    :data:`RENAMED`'s header name unless ``name_crc`` is given."""
    crc = zlib.crc32(RENAMED.encode()) if name_crc is None else name_crc
    return struct.pack("<HHBI", kind, 5 + len(name), 1, crc) + name


def _renamed(tmp_path: Path, extra: bytes) -> Path:
    """The release zip, sealed again, with the extra field ``extra`` on :data:`RENAMED`'s
    entry (its central directory record and local header, as zipfile writes it)."""
    rewritten = tmp_path / "rewritten.zip"
    with zipfile.ZipFile(built().archive) as src, zipfile.ZipFile(rewritten, "w") as dst:
        for info in src.infolist():
            if info.filename == RENAMED:
                info.extra = extra
            dst.writestr(info, src.read(info))
    archive = tmp_path / f"{TOP}.zip"
    archive.write_bytes(sealed(rewritten.read_bytes()))
    return archive


#: Names a Unicode Path extra field gives an entry, each with why it is refused.
RENAMINGS = [
    ("../../escape.txt", "an unsafe path ('..' in path)"),
    ("/tmp/escape.txt", "an unsafe path (absolute path)"),
    (f"{TOP}/data/raw/en/elsewhere.txt", f"another name than its header's '{RENAMED}'"),
]


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
@pytest.mark.parametrize(("name", "said"), RENAMINGS)
def test_a_unicode_path_extra_field_renaming_an_entry_is_an_unsafe_path(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, name: str,
        said: str) -> None:
    """QA s88: an entry whose Unicode Path field (0x7075) said ../../evil.txt was reported
    only as an extra field (archive-metadata), and unzip extracted it as evil.txt, out of
    the folder it was told. Whatever the field names but the header's name is refused."""
    archive = _renamed(tmp_path, _unicode_path_field(name.encode()))
    before = set(tmp_path.rglob("*"))
    code, out, _ = run(capsys, "validate", "--jobs", "1", "--format", fmt, str(archive))
    assert code == 1
    if fmt == "json":
        found = [p for p in json.loads(out)["problems"] if p["code"] == "unsafe-path"]
        assert [p["path"] for p in found] == ["data/raw/en/harbour.txt"], out
        message = found[0]["message"]
    else:
        lines = [line for line in out.splitlines() if "unsafe-path" in line]
        assert len(lines) == 1 and "data/raw/en/harbour.txt" in lines[0], out
        message = lines[0]
    assert f"Unicode Path extra field (0x7075) names it '{name}', {said}: unzip" in message
    assert "corpuskit never writes the field" in message
    _nothing_written(tmp_path, before)
    with pytest.raises(InputError):
        open_package(archive)


def test_a_unicode_path_extra_field_of_the_headers_own_name_is_only_an_extra_field(
        tmp_path: Path) -> None:
    """The field naming the entry as its header does moves nothing an extractor writes:
    not an unsafe path; it is an extra field corpuskit never writes (archive-metadata)."""
    report = validate(_renamed(tmp_path, _unicode_path_field(RENAMED.encode())), jobs=1)
    assert codes(report) == {"archive-metadata"}, render_text(report)
    assert any(p.path.endswith("data/raw/en/harbour.txt") and "extra field" in p.message
               for p in report.problems)


def test_a_unicode_path_extra_field_tools_skip_is_refused_and_said_so(tmp_path: Path) -> None:
    """Its CRC-32 not that of the header's name, unzip and zipfile skip the field; a tool
    that checks no CRC-32 does not, so it is refused all the same, the message saying so."""
    report = validate(_renamed(tmp_path, _unicode_path_field(b"../escape.txt", 12345)),
                      jobs=1)
    _assert_reported(report, "unsafe-path", "harbour.txt")
    assert any("a tool that checks neither follows it" in p.message for p in report.problems)


def test_a_unicode_path_extra_field_not_in_utf8_is_refused(tmp_path: Path) -> None:
    report = validate(_renamed(tmp_path, _unicode_path_field(b"caf\xe9.txt")), jobs=1)
    _assert_reported(report, "unsafe-path", "harbour.txt")
    assert any(r"names it 'caf\xe9.txt', in bytes that are not UTF-8" in p.message
               for p in report.problems), render_text(report)


def test_only_the_unicode_path_extra_field_is_read_as_a_name() -> None:
    """The Unicode Comment field (0x6375) is a comment, not a name; a Unicode Path field
    too short for its version and CRC-32 names nothing; a field running past the end
    ends the walk."""
    from corpuskit.zipfiles.zipdirectory import UnicodePath, unicode_path_fields

    comment = _unicode_path_field(b"../comment.txt", kind=0x6375)
    short = struct.pack("<HHB", 0x7075, 1, 1)
    path = _unicode_path_field(b"../x.txt")
    assert unicode_path_fields(comment + short + path + b"\x75\x70\xff\x00") == (
        UnicodePath(1, zlib.crc32(RENAMED.encode()), b"../x.txt"),)
    assert unicode_path_fields(b"") == ()


def _renamed_locally(tmp_path: Path, extra: bytes, *, central: bool = False) -> Path:
    """The release zip, sealed again, with the extra field ``extra`` in the local header of
    :data:`RENAMED`'s entry only (and in its central directory record too if
    ``central``): the headers after it, and the central directory, moved by its length."""
    data = built().archive.read_bytes()  # (sealed() replaces its seal)
    end = data.rindex(b"PK\x05\x06")
    count, size, start = struct.unpack_from("<H2L", data, end + 10)
    records, at, header_at = [], start, -1
    for _ in range(count):
        name_length, extra_length, comment_length = struct.unpack_from("<3H", data, at + 28)
        record = bytearray(data[at:at + 46 + name_length + extra_length + comment_length])
        if record[46:46 + name_length] == RENAMED.encode():
            header_at = struct.unpack_from("<L", record, 42)[0]
            if central:
                record[46 + name_length:46 + name_length] = extra
                struct.pack_into("<H", record, 30, len(extra))
        records.append(record)
        at += 46 + name_length + extra_length + comment_length
    assert header_at >= 0 and at == start + size
    entries = bytearray(data[:start])
    name_length, extra_length = struct.unpack_from("<2H", entries, header_at + 26)
    assert extra_length == 0  # corpuskit writes none
    entries[header_at + 30 + name_length:header_at + 30 + name_length] = extra
    struct.pack_into("<H", entries, header_at + 28, len(extra))
    for record in records:
        if (offset := struct.unpack_from("<L", record, 42)[0]) > header_at:
            struct.pack_into("<L", record, 42, offset + len(extra))
    directory = b"".join(records)
    tail = bytearray(data[end:])
    struct.pack_into("<2L", tail, 12, len(directory), len(entries))
    archive = tmp_path / f"{TOP}.zip"
    archive.write_bytes(sealed(bytes(entries) + directory + bytes(tail)))
    return archive


def _local_renaming(report: ValidationReport) -> list[str]:
    """The messages of the unsafe-path problems of :data:`RENAMED`'s local header."""
    return [p.message for p in report.problems
            if p.code == "unsafe-path" and "of its local header" in p.message]


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
@pytest.mark.parametrize(("name", "said"), RENAMINGS)
def test_a_unicode_path_extra_field_in_a_local_header_only_is_an_unsafe_path(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, name: str,
        said: str) -> None:
    """The field in the entry's local header, not in its central directory record, was
    only an extra field (archive-metadata), while bsdtar (libarchive 3.6) listed the entry
    under the field's name and, with -P, extracted ../../evil.txt two folders above the
    one it was run in. It is an unsafe path, said once, beside the extra field."""
    archive = _renamed_locally(tmp_path, _unicode_path_field(name.encode()))
    before = set(tmp_path.rglob("*"))
    code, out, _ = run(capsys, "validate", "--jobs", "1", "--format", fmt, str(archive))
    assert code == 1
    if fmt == "json":
        problems = json.loads(out)["problems"]
        found = [p for p in problems if p["code"] == "unsafe-path"]
        assert [p["path"] for p in found] == [RENAMED], out
        assert any(p["code"] == "archive-metadata" and p["path"] == RENAMED
                   and "extra field length" in p["message"] for p in problems), out
        message = found[0]["message"]
    else:
        lines = [line for line in out.splitlines() if "unsafe-path" in line]
        assert len(lines) == 1 and RENAMED in lines[0], out
        message = lines[0]
    assert (f"the Unicode Path extra field (0x7075) of its local header names it '{name}', "
            f"{said}: libarchive (bsdtar) extracts") in message
    assert "its central directory record has no such field" in message
    _nothing_written(tmp_path, before)


def test_a_unicode_path_extra_field_in_both_headers_is_said_once(tmp_path: Path) -> None:
    """The same field in the local header and the central directory record: the entry is
    refused for the central one, and the local one is not said again."""
    extra = _unicode_path_field(b"../../escape.txt")
    report = validate(_renamed_locally(tmp_path, extra, central=True), jobs=1)
    unsafe = [p for p in report.problems if p.code == "unsafe-path"]
    assert len(unsafe) == 1 and "its Unicode Path extra field (0x7075) names it" in \
        unsafe[0].message, render_text(report)
    # another field in the local header than in the central record is said too
    other = _renamed_locally(tmp_path, _unicode_path_field(b"../../other.txt"))
    local_only = validate(other, jobs=1)
    assert len(_local_renaming(local_only)) == 1, render_text(local_only)


def test_a_local_unicode_path_extra_field_of_the_headers_own_name_is_only_an_extra_field(
        tmp_path: Path) -> None:
    report = validate(_renamed_locally(tmp_path, _unicode_path_field(RENAMED.encode())),
                      jobs=1)
    assert "unsafe-path" not in codes(report), render_text(report)
    assert any(p.path == RENAMED and "extra field length" in p.message
               for p in report.problems), render_text(report)


def test_a_local_unicode_path_extra_field_tools_skip_is_refused_and_said_so(
        tmp_path: Path) -> None:
    """A CRC-32 not that of the header's name: said as a field a careful tool skips."""
    report = validate(_renamed_locally(tmp_path, _unicode_path_field(b"../escape.txt", 1)),
                      jobs=1)
    [message] = _local_renaming(report)
    assert "a tool that checks the field's version and CRC-32 skips this one" in message
    assert "one that checks neither follows it" in message


def test_symlink_entry(tmp_path: Path) -> None:
    info = zipfile.ZipInfo(f"{TOP}/data/raw/link.txt")
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = _hostile(tmp_path, "", b"/etc/passwd", info)
    report = validate(archive, jobs=1)
    _assert_reported(report, "unsafe-path", "link.txt")
    assert any("symbolic link" in p.message for p in report.problems)


def test_device_entry(tmp_path: Path) -> None:
    info = zipfile.ZipInfo(f"{TOP}/data/raw/dev")
    info.create_system = 3
    info.external_attr = (stat.S_IFCHR | 0o666) << 16
    _assert_reported(validate(_hostile(tmp_path, "", b"", info), jobs=1), "unsafe-path", "dev")


def test_duplicate_names(tmp_path: Path) -> None:
    archive = tmp_path / f"{TOP}.zip"
    with pytest.warns(UserWarning), zipfile.ZipFile(archive, "w") as dst:
        _copy_members(dst)
        dst.writestr(f"{TOP}/README.md", b"a second README\n")
    report = validate(archive, jobs=1)
    _assert_reported(report, "unsafe-path", "README.md")
    assert any("2 entries have this name" in p.message for p in report.problems)


@pytest.mark.parametrize("member", ["README.md", "data/raw/en/harbour.txt"])
def test_a_name_given_twice_is_one_problem_not_also_an_absent_file(
        tmp_path: Path, member: str) -> None:
    """The file is there (twice) but never read: not "listed in tagmanifest but absent",
    "the raw input of record ... is absent", or a Payload-Oxum that counts it out."""
    archive = tmp_path / f"{TOP}.zip"
    with zipfile.ZipFile(built().archive) as src:
        entries = [(info, src.read(info)) for info in src.infolist()]
    with pytest.warns(UserWarning), zipfile.ZipFile(archive, "w") as dst:
        for info, data in entries:
            dst.writestr(info, data)
            if info.filename == f"{TOP}/{member}":
                dst.writestr(info, data)
    archive.write_bytes(sealed(archive.read_bytes()))
    report = validate(archive, jobs=1)
    assert [(p.path, p.code) for p in report.problems] == [
        (member, "unsafe-path")], render_text(report)


def test_case_collision(tmp_path: Path) -> None:
    report = validate(_hostile(tmp_path, f"{TOP}/readme.MD"), jobs=1)
    _assert_reported(report, "name-collision", "readme.MD")


def test_zip_bomb_by_ratio(tmp_path: Path) -> None:
    archive = tmp_path / f"{TOP}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        _copy_members(dst)
        with dst.open(f"{TOP}/data/raw/bomb.txt", "w") as member:
            block = b"\0" * (1 << 20)
            for _ in range(320):  # over ratio_floor_bytes, at a ratio of about 1000
                member.write(block)
    assert archive.stat().st_size < 1 << 20
    tracemalloc.start()
    report = validate(archive, jobs=1)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert {"archive-error"} <= codes(report), render_text(report)
    assert any("ratio" in p.message for p in report.problems)
    assert peak < 32 << 20


def test_a_release_of_very_repetitive_text_is_no_bomb(tmp_path: Path) -> None:
    """A log of a few MB can deflate at over 200:1; corpuskit's own archive of it must pass
    validate (it was refused as a zip bomb once), the folder and the zip alike."""
    log = "OK\n" * 1_000_000
    seeds = make_seeds(tmp_path, {"log.txt": log, "a.txt": "Hello world, a test.\n"})
    result = build(seeds, tmp_path / "dist", jobs=1, cache=None)
    assert result.archive is not None
    with zipfile.ZipFile(result.archive) as archive:
        member = next(i for i in archive.infolist() if i.filename.endswith("raw/log.txt"))
    assert member.file_size > 200 * member.compress_size  # the ratio the old guard refused
    for target in (result.archive, result.archive.with_suffix("")):
        report = validate(target, jobs=1)
        assert report.valid, render_text(report)


def test_limits_on_total_size_and_members(tmp_path: Path) -> None:
    archive = built().archive
    report = validate(archive, limits=ArchiveLimits(max_total_bytes=10_000))
    assert codes(report) == {"archive-error"} and "over the limit" in report.problems[0].message
    report = validate(archive, limits=ArchiveLimits(max_members=5))
    assert codes(report) == {"archive-error"} and "entries" in report.problems[0].message
    # What the end record says is told as said (a zip64 one may declare 2**40 entries
    # over 15 real ones: it was "more than ... entries").
    with zipfile.ZipFile(archive) as zf:
        count = len(zf.infolist())
    assert report.problems[0].message.startswith(
        f"its end record declares {count} entries, more than 5; "), report.problems[0].message
    report = validate(archive, limits=ArchiveLimits(max_central_directory_bytes=100))
    assert codes(report) == {"archive-error"}


def _patch_central(archive: Path, member: str, field_offset: int, fmt: str, value: int) -> None:
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        directory_start = zf.start_dir
    position = directory_start
    while data[position:position + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack_from("<3H", data, position + 28)
        name = bytes(data[position + 46:position + 46 + name_len]).decode()
        if name == member:
            struct.pack_into(fmt, data, position + field_offset, value)
        position += 46 + name_len + extra_len + comment_len
    archive.write_bytes(bytes(data))


@pytest.mark.parametrize("declared_change", [-1, +1, +10_000])
def test_declared_size_is_enforced_while_reading(tmp_path: Path, declared_change: int) -> None:
    archive = tmp_path / f"{TOP}.zip"
    archive.write_bytes(built().archive.read_bytes())
    member = f"{TOP}/data/documents.jsonl"
    with zipfile.ZipFile(archive) as zf:
        size = zf.getinfo(member).file_size
    _patch_central(archive, member, 24, "<L", size + declared_change)
    report = validate(archive, jobs=1)
    assert "archive-error" in codes(report) or "archive-metadata" in codes(report)
    assert any("declares" in p.message for p in report.problems), render_text(report)
    assert "internal-error" not in codes(report)


def test_lying_entry_count_and_overlapping_entries(tmp_path: Path) -> None:
    """A quoted-overlap bomb: many central entries pointing at one compressed stream."""
    payload = b"A" * 100_000
    compressed = zlib.compress(payload, 9)[2:-4]
    name = f"{TOP}/data/raw/a.txt".encode()
    local = struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, 0, 8, 0, 0x21,
                        zlib.crc32(payload), len(compressed), len(payload), len(name), 0)
    body = local + name + compressed
    central = b""
    count = 50
    for index in range(count):
        entry = f"{TOP}/data/raw/{index:03d}.txt".encode()
        central += struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 3, 20, 0, 0, 8, 0, 0x21,
                               zlib.crc32(payload), len(compressed), len(payload), len(entry),
                               0, 0, 0, 0, 0o100644 << 16, 0) + entry
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(central), len(body), 0)
    archive = tmp_path / "overlap.zip"
    archive.write_bytes(sealed(body + central + end))
    report = validate(archive, jobs=1)
    assert "archive-error" in codes(report), render_text(report)
    assert any("overlaps" in p.message or "2 entries" in p.message or "ratio" in p.message
               for p in report.problems)
    lying = body + central + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central),
                                         len(body), 0)
    archive.write_bytes(sealed(lying))
    report = validate(archive, limits=ArchiveLimits(max_members=10))
    assert codes(report) == {"archive-error"}
    assert report.problems[0].message.startswith("more than 10 entries; ")  # it said 1


def test_an_empty_end_record_in_the_comment_of_a_package_archive(tmp_path: Path) -> None:
    """A package archive whose comment is an end record of no entries: readers find that
    one, last, and see an empty zip. It was told as "an empty zip archive", not a package
    archive (QA s95); its first bytes are an entry's local header, so it is checked as a
    damaged package archive, its end record said to be no archive's own."""
    data = built().archive.read_bytes()
    forged = data[:-SEAL_BYTES - 2] + struct.pack("<H", 22) + b"PK\x05\x06" + bytes(18)
    archive = tmp_path / built().archive.name
    archive.write_bytes(forged)
    with zipfile.ZipFile(archive) as opened:
        assert opened.infolist() == []  # what Python's reader sees
    report = validate(archive, jobs=1)
    assert report.kind == "archive" and not report.valid
    assert "not-a-package" not in codes(report), render_text(report)
    [told] = [p for p in report.problems if p.code == "archive-error"]
    assert told.message.startswith("its end record says the archive holds no entries, yet "
                                   "an entry's local header starts it"), told.message


def test_encrypted_and_unsupported_compression(tmp_path: Path) -> None:
    archive = tmp_path / f"{TOP}.zip"
    with zipfile.ZipFile(archive, "w") as dst:
        _copy_members(dst)
        dst.writestr(zipfile.ZipInfo(f"{TOP}/data/raw/b.txt"), b"bzip2 data\n",
                     compress_type=zipfile.ZIP_BZIP2)
    report = validate(archive, jobs=1)
    assert any("compression method 12" in p.message for p in report.problems)
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo(f"{TOP}/README.md")
    struct.pack_into("<H", data, info.header_offset + 6, 1)  # local "encrypted" flag
    archive.write_bytes(bytes(data))
    _patch_central(archive, f"{TOP}/README.md", 8, "<H", 1)
    report = validate(archive, jobs=1)
    assert any(p.message == "encrypted entry" for p in report.problems)


def test_a_name_marked_utf8_that_is_not_is_named_in_the_error(tmp_path: Path) -> None:
    """An entry name flagged UTF-8 (bit 11) holding bytes that are not was told as
    "'utf-8' codec can't decode byte 0xff in position 33: invalid start byte": no entry,
    no word of names (QA). zipfile refuses the archive too; the message now names the
    entry, with escapes, and what is wrong with it."""
    archive = _hostile(tmp_path, f"{TOP}/data/raw/zz\u00e9.txt")
    archive.write_bytes(archive.read_bytes().replace("zz\u00e9".encode(), b"zz\xff\xfe"))
    report = validate(archive, jobs=1)
    (problem,) = [p for p in report.problems if p.code == "archive-error"]
    assert f"{TOP}/data/raw/zz\\xff\\xfe.txt" in problem.message, problem.message
    assert "marked as UTF-8" in problem.message and "codec" not in problem.message


@pytest.mark.parametrize("content", [
    b"", b"garbage" * 100, b"PK\x03\x04" + b"\0" * 40, b"PK\x05\x06" + b"\0" * 18,
    b"\x89PNG\r\n\x1a\n" + b"\0" * 100,
])
def test_garbage_and_empty_files(tmp_path: Path, content: bytes,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    archive = tmp_path / "bad.zip"
    archive.write_bytes(content)
    report = validate(archive, jobs=1)
    assert not report.valid
    code, out, err = run(capsys, "validate", str(archive))
    assert code == 1 and "Traceback" not in out + err
    if content == b"PK\x05\x06" + b"\0" * 18:  # a zip of no entries: no package (QA: newb 6)
        assert codes(report) == {"not-a-package"} and "an empty zip archive" in out, out
        return
    if not content.startswith(b"PK"):  # no zip at all, damaged or not (QA consumer 1)
        assert codes(report) == {"not-a-package"} and report.kind == "other", out
        return
    assert codes(report) <= {"archive-error", "missing-file", "archive-seal-mismatch"}
    assert "[archive-error]" in out


def test_truncated_archives(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = built().archive.read_bytes()
    target = tmp_path / "cut.zip"
    for cut in sorted({1, 4, 30, 100, len(data) // 4, len(data) // 2, len(data) - 200,
                       len(data) - 23, len(data) - 1}):
        target.write_bytes(data[:cut])
        report = validate(target, jobs=1)
        assert not report.valid, cut
        assert "internal-error" not in codes(report), render_text(report)
    target.write_bytes(data[: len(data) // 2])
    code, out, err = run(capsys, "validate", str(target))
    assert code == 1 and "Traceback" not in out + err and "truncated" in out


def test_appended_and_prepended_bytes(tmp_path: Path) -> None:
    data = built().archive.read_bytes()
    unsealed = data[:-SEAL_BYTES - 2]  # without the seal and the comment length
    target = tmp_path / f"{TOP}.zip"
    for damaged in (b"junk" + data, data + b"junk", unsealed + b"\x05\x00other",
                    unsealed + b"\x00\x00", data[:-1] + b"\n"):
        target.write_bytes(damaged)
        report = validate(target, jobs=1)
        assert "archive-seal-mismatch" in codes(report), render_text(report)
        assert "internal-error" not in codes(report)
    # sealed again after the change, as a forger would: the other checks still see it
    target.write_bytes(sealed(b"junk" + data))
    report = validate(target, jobs=1)
    assert not report.valid and "archive-seal-mismatch" not in codes(report)


def _changed_member(data: bytes, member: str) -> bytes:
    """The archive ``data`` with one byte of ``member``'s contents changed, the entry's
    data deflated again and its sizes and CRC in both headers made to match, as a forger
    would: only the package's manifests can tell."""
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as src:
        infos = [(info, src.read(info)) for info in src.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info, contents in infos:
            if info.filename == f"{TOP}/{member}":
                contents = contents.replace(b"1.0.0", b"6.6.6", 1)
            dst.writestr(info, contents)
    return out.getvalue()


@pytest.mark.parametrize("front", [1, 100, 4096])
def test_bytes_in_front_are_said_once_and_hide_no_other_problem(
        tmp_path: Path, front: int, capsys: pytest.CaptureFixture[str]) -> None:
    """Bytes put in front of an archive (a self-extracting stub), sealed again, were taken
    for its last entry overlapping the central directory (readers move every entry by as
    many bytes, and the check did not): the intact tag manifest was refused, and with it
    every check of the tag files, so a changed CHANGELOG.md went unreported (QA). They are
    now said once, and every other check runs on the entries where readers find them."""
    data = built().archive.read_bytes()
    stub = b"MZ" + bytes(front - 2) if front >= 2 else b"#"
    target = tmp_path / f"{TOP}.zip"
    target.write_bytes(sealed(stub + data))
    report = validate(target, jobs=1)
    assert [(p.code, p.path) for p in report.problems] == [("archive-metadata", ".")], \
        render_text(report)
    assert report.problems[0].message.startswith(f"{front} bytes before the archive's first "
                                                 "entry"), render_text(report)
    assert report.documents == validate(built().archive, jobs=1).documents

    changed = _changed_member(data, "CHANGELOG.md")
    target.write_bytes(sealed(changed))
    alone = {(p.code, p.path) for p in validate(target, jobs=1).problems}
    assert ("checksum-mismatch", "CHANGELOG.md") in alone, alone
    target.write_bytes(sealed(stub + changed))
    both = {(p.code, p.path) for p in validate(target, jobs=1).problems}
    assert ("archive-metadata", ".") in both and alone <= both, both
    assert not any("overlaps" in p.message for p in validate(target, jobs=1).problems)
    code, out, err = run(capsys, "validate", str(target))
    assert code == 1 and "Traceback" not in out + err and f"{front} bytes before" in out


def test_bytes_put_before_the_central_directory_are_found(tmp_path: Path) -> None:
    """Bytes inserted between the last entry and the central directory look to readers
    like bytes in front (every entry moved): the entries are then not where they are
    looked for, and that is said, never a traceback."""
    data = built().archive.read_bytes()
    end = data.rindex(b"PK\x05\x06")
    offset = struct.unpack("<L", data[end + 16:end + 20])[0]
    target = tmp_path / f"{TOP}.zip"
    target.write_bytes(sealed(data[:offset] + b"inserted" + data[offset:]))
    report = validate(target, jobs=1)
    assert not report.valid and "internal-error" not in codes(report), render_text(report)
    assert any(p.message.startswith("8 bytes before the archive's first entry")
               for p in report.problems), render_text(report)


def test_member_stream_memory_is_bounded(tmp_path: Path) -> None:
    """A 48 MiB member is read in chunks: validate never holds it in memory."""
    archive = tmp_path / f"{TOP}.zip"
    chunk = bytes(range(256)) * 4096  # 1 MiB, poorly compressible by repetition only
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as dst:
        _copy_members(dst)
        with dst.open(f"{TOP}/data/raw/large.bin", "w") as member:
            for index in range(48):
                member.write(bytes([index]) + chunk[1:])
    tracemalloc.start()
    report = validate(archive, jobs=1)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert {"unlisted-file", "unreferenced-file"} <= codes(report)
    assert peak < 24 << 20, peak


def test_zip_source_stream_errors_are_typed(tmp_path: Path) -> None:
    data = bytearray(built().archive.read_bytes())
    with zipfile.ZipFile(built().archive) as zf:
        info = zf.getinfo(f"{TOP}/data/documents.jsonl")
    data[info.header_offset + 30 + len(info.filename) + 50] ^= 0xFF
    target = tmp_path / "bad.zip"
    target.write_bytes(bytes(data))
    with ZipSource(target) as source, source.open("data/documents.jsonl") as handle, \
            pytest.raises(ArchiveReadError):
        while handle.read(1 << 16):
            pass


def test_zip64_end_records_are_read(tmp_path: Path) -> None:
    """Archives of more than 65535 entries end in zip64 records; their values are used."""
    from corpuskit.zipfiles.zipdirectory import read_central_directory

    data = built().archive.read_bytes()
    end = data.rindex(b"PK\x05\x06")
    _, _, _, _, count, size, offset, _ = struct.unpack("<4s4H2LH", data[end:end + 22])
    record = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, size,
                         offset)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, end, 1)
    classic = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF,
                          0xFFFFFFFF, 0)
    archive = tmp_path / "zip64.zip"
    archive.write_bytes(sealed(data[:end] + record + locator + classic))
    with archive.open("rb") as handle:
        found = read_central_directory(handle, archive.stat().st_size)
    assert (found.entries, found.size, found.offset, found.prefix) == (count, size, offset, 0)
    # With bytes in front, the zip64 records are found where zipfile finds them (before the
    # classic end record), and every offset moved as far.
    archive.write_bytes(sealed(b"stub" + data[:end] + record + locator + classic))
    with archive.open("rb") as handle:
        found = read_central_directory(handle, archive.stat().st_size)
    assert (found.entries, found.size, found.offset, found.prefix) == (count, size, offset + 4, 4)
    assert "archive-error" not in codes(validate(archive, jobs=1))
    with ZipSource(archive) as source:
        assert len(source.files()) == count
        with source.open("bagit.txt") as handle:
            assert handle.read().startswith(b"BagIt-Version: 1.0")
    report = validate(archive, jobs=1)
    assert codes(report) == {"archive-metadata"}, render_text(report)  # not as written


@pytest.mark.parametrize("points_past_the_end", [False, True])
def test_zip64_end_records_beside_a_classic_record_that_needs_none_are_read(
        tmp_path: Path, points_past_the_end: bool) -> None:
    """zipfile (and unzip) read the zip64 end records whenever their locator is right
    before the classic end record, whether or not its values are the 0xFFFF... marks that
    send a reader there (writers may always add them). They were taken for 76 bytes in
    front of the archive: every offset moved, "not a readable zip archive: Bad magic number
    for central directory", nothing else checked (QA)."""
    data = built().archive.read_bytes()
    end = data.rindex(b"PK\x05\x06")
    classic = data[end:end + 22]
    _, _, _, _, count, size, offset, _ = struct.unpack("<4s4H2LH", classic)
    record = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, size,
                         offset)
    # zipfile reads the record right before the locator, wherever the locator points
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0,
                          len(data) * 2 if points_past_the_end else end, 1)
    archive = tmp_path / f"{TOP}.zip"
    archive.write_bytes(sealed(data[:end] + record + locator + classic[:-2] + b"\0\0"))
    with zipfile.ZipFile(archive) as theirs:
        assert len(theirs.infolist()) == count
    with ZipSource(archive) as source:
        assert len(source.files()) == count
    report = validate(archive, jobs=1)
    assert codes(report) == {"archive-metadata"}, render_text(report)  # not as written


@pytest.mark.parametrize(("change", "said"), [
    (lambda data: data + b"xx", "the archive ends 2 bytes past where its end record"),
    (lambda data: data[:-5], "the archive ends 5 bytes short of where its end record"),
    (lambda data: data[:-1], "the archive ends 1 byte short of where its end record")])
def test_an_archive_that_ends_elsewhere_says_by_how_much_in_words(
        tmp_path: Path, change: Callable[[bytes], bytes], said: str) -> None:
    """It said "ends -5 bytes away from where..." (QA)."""
    target = tmp_path / f"{TOP}.zip"
    target.write_bytes(change(built().archive.read_bytes()))
    messages = [p.message for p in validate(target, jobs=1).problems]
    assert any(message.startswith(said) for message in messages), messages


def test_a_member_that_cannot_be_inflated_is_named_once(tmp_path: Path) -> None:
    """A member whose deflated bytes are corrupt: validate said "README.md: cannot be read:
    <release>/README.md: cannot be read: compressed data is corrupt" (QA). The report names
    the member as the problem's path, once; load's error, which has no path of its own,
    still names it."""
    archive = tmp_path / built().archive.name
    data = bytearray(built().archive.read_bytes())
    with zipfile.ZipFile(built().archive) as zf:
        info = next(i for i in zf.infolist() if i.filename.endswith("/README.md"))
    assert info.compress_type == zipfile.ZIP_DEFLATED
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0xFF
    archive.write_bytes(bytes(data))
    [problem] = [p for p in validate(archive, jobs=1).problems if p.path == "README.md"]
    assert problem.code == "archive-error"
    assert problem.message.startswith("cannot be read: ")
    assert problem.message.count("cannot be read") == 1 and "README.md" not in problem.message
    with pytest.raises(ArchiveReadError) as raised, ZipSource(archive) as source, \
            source.open("README.md") as member:
        member.read()
    assert str(raised.value).startswith(f"{info.filename}: ")


def _zipfile_members(path: Path) -> list[tuple[object, ...]]:
    """Every entry as zipfile's infolist() gives it, in the fields of a Member."""
    with zipfile.ZipFile(path) as archive:
        return [(i.filename, i.orig_filename, i.flag_bits, i.compress_type, i.CRC,
                 i.compress_size, i.file_size, i.header_offset, i.date_time, i.create_system,
                 i.external_attr) for i in archive.infolist()]


def _our_members(path: Path, limit: int = 1000) -> list[tuple[object, ...]]:
    from corpuskit.zipfiles.zipdirectory import read_central_directory, read_members

    with path.open("rb") as handle:
        directory = read_central_directory(handle, path.stat().st_size)
        return [tuple(member) for member in read_members(handle, directory, limit)]


class _Unseekable:
    """A write-only stream: zipfile then writes data descriptors (flag bit 3)."""

    def __init__(self) -> None:
        self.data = bytearray()

    def write(self, data: bytes) -> int:
        self.data += data
        return len(data)

    def flush(self) -> None:
        pass


def _with_zip64_extras(data: bytes) -> bytes:
    """``data``, a zip, with each central directory entry's sizes and offset moved into a
    zip64 extra field (0xFFFFFFFF in their places), as a writer of large archives puts
    them."""
    end = data.rfind(b"PK\x05\x06")
    offset = struct.unpack_from("<L", data, end + 16)[0]
    entries, at = [], offset
    while data[at:at + 4] == b"PK\x01\x02":
        name_length, extra_length, comment_length = struct.unpack_from("<3H", data, at + 28)
        entry = bytearray(data[at:at + 46 + name_length + extra_length + comment_length])
        compress_size, file_size = struct.unpack_from("<LL", entry, 20)
        header_offset = struct.unpack_from("<L", entry, 42)[0]
        struct.pack_into("<LL", entry, 20, 0xFFFFFFFF, 0xFFFFFFFF)
        struct.pack_into("<L", entry, 42, 0xFFFFFFFF)
        extra = struct.pack("<HHQQQ", 1, 24, file_size, compress_size, header_offset)
        entry[46 + name_length:46 + name_length] = extra
        struct.pack_into("<H", entry, 30, extra_length + len(extra))
        entries.append(bytes(entry))
        at += 46 + name_length + extra_length + comment_length
    directory = b"".join(entries)
    tail = bytearray(data[end:])
    struct.pack_into("<L", tail, 12, len(directory))
    return data[:offset] + directory + bytes(tail)


@pytest.mark.parametrize("shape", ["release", "zip64", "data descriptors", "cp437 names",
                                   "a NUL in a name", "a stub in front", "comments and extras",
                                   "no entries"])
def test_the_central_directory_reads_as_zipfile_reads_it(shape: str, tmp_path: Path) -> None:
    """corpuskit reads an archive's central directory itself (zipfile's ZipInfo of every
    entry held twice the memory of the entries, at once): the same entries, field by
    field, as zipfile gives, on archives of every form it reads."""
    path = tmp_path / "a.zip"
    if shape == "release":
        path.write_bytes(built().archive.read_bytes())
    elif shape == "data descriptors":
        stream = _Unseekable()
        with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:  # type: ignore[arg-type]
            archive.writestr("top/a.txt", b"a" * 1000)
            archive.writestr("top/b/c.txt", b"hello\n")
        path.write_bytes(bytes(stream.data))
    elif shape == "a stub in front":
        path.write_bytes(b"#!/bin/sh\nexit 0\n" * 50 + built().archive.read_bytes())
    else:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for number in range(3 if shape != "no entries" else 0):
                info = zipfile.ZipInfo(f"top/é{number}.txt", (2001 + number, 2, 3, 4, 5, 6))
                info.external_attr = 0o100644 << 16
                if shape == "cp437 names":
                    info.filename = f"top/X{number}.txt"  # made cp437's "▒" below
                elif shape == "a NUL in a name":
                    info.filename = f"top/x{number}.txt\0hidden"
                elif shape == "comments and extras":
                    info.comment = b"a comment"
                    info.extra = struct.pack("<HH", 0xCAFE, 4) + b"abcd"
                with archive.open(info, "w", force_zip64=shape == "zip64") as member:
                    member.write(b"text %d\n" % number)
    if shape == "zip64":  # the central directory's values in zip64 extra fields
        path.write_bytes(_with_zip64_extras(path.read_bytes()))
    if shape == "cp437 names":  # a name of code page 437 (no UTF-8 flag): "▒" is B1
        path.write_bytes(path.read_bytes().replace(b"top/X", b"top/\xb1"))
    expected = _zipfile_members(path)
    assert _our_members(path) == expected
    if shape == "zip64":
        with zipfile.ZipFile(path) as archive:
            assert all(len(info.extra) == 28 for info in archive.infolist())
    if shape == "a NUL in a name":
        assert all("\0" not in name and "\0" in orig for name, orig, *_ in expected)
    if shape == "cp437 names":
        assert [name for name, *_ in expected] == [f"top/\u2592{n}.txt" for n in range(3)]


@pytest.mark.parametrize("damage", ["signature", "truncated", "zip64 extra", "version"])
def test_a_central_directory_zipfile_refuses_is_refused_alike(damage: str,
                                                              tmp_path: Path) -> None:
    """Where zipfile raises BadZipFile (or NotImplementedError), the reader raises
    ArchiveReadError with zipfile's words, and validate reports it as an archive-error."""
    from corpuskit.zipfiles.zipdirectory import read_central_directory, read_members

    path = tmp_path / f"{TOP}.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{TOP}/a.txt", b"a")
    data = bytearray(path.read_bytes())
    central = data.find(b"PK\x01\x02")
    if damage == "signature":
        data[central + 3] = 0x09
    elif damage == "truncated":  # the end record says the directory is longer
        end = data.rfind(b"PK\x05\x06")
        struct.pack_into("<L", data, end + 12, struct.unpack_from("<L", data, end + 12)[0] + 4)
        struct.pack_into("<L", data, end + 16, struct.unpack_from("<L", data, end + 16)[0] - 4)
    elif damage == "zip64 extra":  # a size said to be in a zip64 field that is not there
        struct.pack_into("<L", data, central + 24, 0xFFFFFFFF)
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        data[central + 46 + name_length:central + 46 + name_length] = \
            struct.pack("<HH", 1, 0)
        struct.pack_into("<H", data, central + 30, 4)
        end = data.rfind(b"PK\x05\x06")
        struct.pack_into("<L", data, end + 12, struct.unpack_from("<L", data, end + 12)[0] + 4)
    else:
        struct.pack_into("<B", data, central + 6, 64)
    path.write_bytes(bytes(data))
    with pytest.raises((zipfile.BadZipFile, NotImplementedError)) as theirs:
        zipfile.ZipFile(path).close()
    with path.open("rb") as handle, pytest.raises(ArchiveReadError) as ours:
        read_members(handle, read_central_directory(handle, len(data)), 1000)
    assert str(ours.value) == str(theirs.value)
    report = validate(path, jobs=1)
    assert f"not a readable zip archive: {theirs.value}" in "\n".join(render_text(report))


def test_an_archive_of_more_entries_than_the_limit_is_refused_without_reading_them_all(
        tmp_path: Path) -> None:
    """Counted as they are read, whatever the end record declares: the limit is a bound on
    memory too."""
    from corpuskit.zipfiles.zipdirectory import TooManyEntries, read_central_directory, read_members

    path = tmp_path / f"{TOP}.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for number in range(11):
            archive.writestr(f"{TOP}/{number}.txt", b"x")
    assert len(_our_members(path, limit=11)) == 11
    data = bytearray(path.read_bytes())  # its end record declares 10 entries
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 10, 10)
    path.write_bytes(bytes(data))
    with path.open("rb") as handle, pytest.raises(TooManyEntries):
        read_members(handle, read_central_directory(handle, path.stat().st_size), 10)
    source = ZipSource.__new__(ZipSource)  # only the limit differs from a real reading
    with pytest.raises(InputError) as refused:
        ZipSource.__init__(source, path, limits=ArchiveLimits(max_members=10))
    assert "more than 10 entries; refused as a possible zip bomb" in str(refused.value)


def test_an_archive_written_to_a_stream_is_said_to_be_one_and_its_headers_found(
        tmp_path: Path) -> None:
    """QA: an archive written with data descriptors (to a stream) was said to have bytes
    "added, removed or moved" and "no local header here" at each later entry: the headers
    were looked for where the reproducible form puts them, not where they are."""
    stream = _Unseekable()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as dst:  # type: ignore[arg-type]
        _copy_members(dst)
    path = tmp_path / f"{TOP}.zip"
    path.write_bytes(bytes(stream.data))
    said = [p for p in validate(path, jobs=1).problems if p.code == "archive-metadata"]
    messages = [p.message for p in said]
    with zipfile.ZipFile(path) as archive:
        count = len(archive.infolist())
    assert f"{count} of its {count} entries have a data descriptor after the data (flag 3: " \
        "an archive written to a stream), which a corpuskit archive has not" in messages
    assert not any("no local header here" in message for message in messages), messages
    assert sum("where the reproducible form has byte" in message for message in messages) == 1
    headers = [p for p in said if p.message.startswith("local header at byte")]
    assert len(headers) == count and all("flags" in p.message for p in headers), messages


def test_problems_of_one_kind_past_a_bound_are_counted_not_listed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """QA: a million empty entries added to a release zip made three problems each and
    validate took 1.67 GB. Past a bound of each code, problems are counted, and one more
    problem of that code says how many were not listed; the report stays invalid."""
    import corpuskit.problems

    monkeypatch.setattr(corpuskit.problems, "KEPT_OF_A_CODE", 3)
    hostile = _with_ten_empty_raw_files(tmp_path / "many.zip")
    report = validate(hostile, jobs=1)
    assert not report.valid
    for code in ("unlisted-file", "unreferenced-file"):
        mine = [p for p in report.problems if p.code == code]
        listed = [p for p in mine if p.path.startswith("data/raw/extra-")]
        assert len(listed) == 3, mine
        assert [p.message for p in mine if p.path == "."] == [
            "7 more problems of this kind, not listed: a check lists the first 3 of each "
            "kind, so that its memory stays bounded"]


def _with_ten_empty_raw_files(hostile: Path) -> Path:
    """The release zip with ten empty raw files added that no manifest lists."""
    hostile.write_bytes(built().archive.read_bytes())
    with zipfile.ZipFile(hostile, "a") as opened:
        for number in range(10):
            opened.writestr(f"{TOP}/data/raw/extra-{number}.txt", b"")
    return hostile


def test_the_problem_total_counts_the_problems_not_listed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """QA: 60002 problems, 20,000 of them not listed, were said to be 40004 (the two lines
    saying how many were not listed counted as one problem each) in the summary, the
    error line and the JSON report's counts.problems."""
    import corpuskit.problems
    from corpuskit.cli import main

    hostile = _with_ten_empty_raw_files(tmp_path / "many.zip")
    every = validate(hostile, jobs=1)
    assert every.problem_count == len(every.problems) and every.unlisted == 0
    monkeypatch.setattr(corpuskit.problems, "KEPT_OF_A_CODE", 3)
    report = validate(hostile, jobs=1)
    total = len(every.problems)
    summaries = [p for p in report.problems if p.path == "." and "not listed" in p.message]
    unlisted = total - (len(report.problems) - len(summaries))
    assert unlisted > 10 and report.unlisted == unlisted
    assert report.problem_count == report.counts["problems"] == total
    assert f": {total} problems in archive ({unlisted:,} of them not listed; " \
        in report.summary()
    capsys.readouterr()
    assert main(["validate", "-j", "1", "--format", "json", str(hostile)]) == 1
    out, err = capsys.readouterr()
    document = json.loads(out)
    assert document["counts"]["problems"] == total
    assert len(document["problems"]) == len(report.problems) < total
    assert f"{total} problems found in 1 of 1 target" in err


def test_a_problem_list_keeps_its_counts_when_added_to_and_pickled(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import pickle

    import corpuskit.problems
    from corpuskit.problems import Problem, ProblemList

    monkeypatch.setattr(corpuskit.problems, "KEPT_OF_A_CODE", 2)
    one = ProblemList(Problem(f"f{n}", "missing-file", "gone") for n in range(5))
    assert len(one) == 2 and one.dropped == {"missing-file": 3}
    again = pickle.loads(pickle.dumps(one))
    assert list(again) == list(one) and again.dropped == one.dropped
    both = ProblemList([Problem("g", "unlisted-file", "extra")])
    both.extend(again)
    assert [p.path for p in both] == ["g", "f0", "f1"]
    assert both.dropped == {"missing-file": 3}
    assert [p.message for p in both.summaries()] == [
        "3 more problems of this kind, not listed: a check lists the first 2 of each kind, "
        "so that its memory stays bounded"]


def test_an_archive_whose_every_entry_is_refused_says_no_file_is_missing(
        tmp_path: Path) -> None:
    """QA: a release zipped again with bzip2 had each entry refused (a compression corpuskit
    does not read), and bagit.txt, datapackage.json and the manifests called missing as
    well, which they are not: present, not read."""
    again = tmp_path / "bzip2.zip"
    with zipfile.ZipFile(built().archive) as source, \
            zipfile.ZipFile(again, "w", zipfile.ZIP_BZIP2) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info), compress_type=zipfile.ZIP_BZIP2)
    report = validate(again, jobs=1)
    assert not report.valid
    assert "missing-file" not in codes(report), report.problems
    refused = [p for p in report.problems if p.code == "archive-error"]
    with zipfile.ZipFile(again) as opened:
        assert len(refused) == len(opened.infolist())
    assert all("compression method 12 is not supported" in p.message for p in refused)
    # named as the package's files are (QA: 'x-1.0.0/README.md' beside 'CHANGELOG.md')
    assert {p.path for p in refused} >= {"README.md", "bagit.txt", "data/documents.jsonl"}


def _with_flags_changed(name: str, change: Callable[[int], int]) -> bytes:
    """The sample release zip with the flags of entry ``name`` changed in its local header
    and its central directory record alike, sealed again."""
    data = bytearray(built().archive.read_bytes())
    stored = name.encode("utf-8")
    for signature, flags_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        at = data.find(signature + b"", 0)
        while not data.startswith(stored, at + name_at):
            at = data.find(signature, at + 4)
            assert at >= 0, name
        flags = struct.unpack_from("<H", data, at + flags_at)[0]
        struct.pack_into("<H", data, at + flags_at, change(flags))
    return sealed(bytes(data))


def test_a_name_not_marked_utf8_is_said_so_and_moves_no_entry(tmp_path: Path) -> None:
    """QA: a name whose UTF-8 flag was cleared (read as code page 437, 4 bytes longer as
    UTF-8) made the next entry "moved ... bytes added or removed before it: a data
    descriptor, an extra field", none of which was there."""
    name = f"{TOP}/data/raw/unicode/café ñ.txt"
    path = tmp_path / f"{TOP}.zip"
    path.write_bytes(_with_flags_changed(name, lambda flags: flags & ~0x800))
    said = [p for p in validate(path, jobs=1).problems if p.code == "archive-metadata"]
    messages = [p.message for p in said]
    assert not any("moved" in message or "central directory starts" in message
                   for message in messages), messages
    not_utf8 = "; its name is not marked UTF-8 (flag 11), so it is read as code page 437)"
    assert [p.message.endswith(not_utf8) for p in said] == [True, True], messages
    assert {p.path for p in said} == {name.encode("utf-8").decode("cp437")}


def test_one_entry_with_a_data_descriptor_is_counted_in_words_that_agree(
        tmp_path: Path) -> None:
    """QA: "1 of its 14 entry has"."""
    path = tmp_path / f"{TOP}.zip"
    path.write_bytes(_with_flags_changed(f"{TOP}/bagit.txt", lambda flags: flags | 0x08))
    messages = [p.message for p in validate(path, jobs=1).problems]
    assert "1 of its 23 entries has a data descriptor after the data (flag 3: an archive " \
        "written to a stream), which a corpuskit archive has not" in messages, messages


@pytest.mark.parametrize("refusal", ["no top folder", "too many entries"])
def test_an_archive_refused_unread_is_not_said_to_be_fully_checked(
        tmp_path: Path, refusal: str) -> None:
    """QA: "1 problem in archive (0 documents, 0 files; full checks)" for a zip bomb
    refused, of which nothing was read."""
    path = tmp_path / f"{TOP}.zip"
    if refusal == "no top folder":  # zipped from inside the package folder
        with zipfile.ZipFile(built().archive) as source, \
                zipfile.ZipFile(path, "w") as target:
            for info in source.infolist():
                target.writestr(info.filename.removeprefix(f"{TOP}/"), source.read(info))
        report = validate(path, jobs=1)
    else:  # refused as a possible zip bomb
        path.write_bytes(built().archive.read_bytes())
        report = validate(path, jobs=1, limits=ArchiveLimits(max_members=10))
    assert [p.code for p in report.problems] == ["archive-error"], report.problems
    assert report.summary() == (
        f"{path}: 1 problem in archive (full checks; the archive was refused at the problem "
        "above, unread: nothing in it was checked or counted)")
    assert "0 documents" not in "\n".join(render_text(report))
    # Its annotation, shown alone, starts with no ".: " and names the problem by its code
    # (QA: ".: the archive was refused at the problem above"); so does the summary's
    lines = render_github(report)
    assert [line for line in lines if line.startswith("::warning")] == [
        f"::warning file={path},title=not-checked::the archive was refused at its "
        "archive-error problem, unread: nothing in it was checked or counted"]
    assert "at its archive-error problem, unread" in lines[0] and "above" not in lines[0]


def test_a_truncated_archive_s_annotation_names_the_refusal_not_the_seal(
        tmp_path: Path) -> None:
    """A truncated archive has two problems, its seal's and the refusal's: the warning
    that nothing in it was checked names the one it was refused at (QA)."""
    path = tmp_path / f"{TOP}.zip"
    path.write_bytes(built().archive.read_bytes()[:-100])
    report = validate(path, jobs=1)
    assert codes(report) == {"archive-error", "archive-seal-mismatch"}
    assert [line for line in render_github(report) if line.startswith("::warning")] == [
        f"::warning file={path},title=not-checked::the archive was refused at its "
        "archive-error problem, unread: nothing in it was checked or counted"]


def test_a_folder_beside_files_at_the_zips_top_is_not_taken_for_its_top_folder(
        tmp_path: Path) -> None:
    """A zip without a top folder (README.md, croissant.json and data/documents.parquet at
    its top) had data/ taken for the package's top folder, so its file was shown as
    documents.parquet (QA s78 check finding 3): each entry is named as the archive has it."""
    path = tmp_path / "hf-docs.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name in ("README.md", "croissant.json", "data/documents.parquet"):
            archive.writestr(name, b"x")
    source = ZipSource(path, strict=False)
    try:
        outside = {p.path for p in source.problems if p.code == "unsafe-path"}
        assert outside == {"README.md", "croissant.json", "data/documents.parquet"}
        assert all("top folder hf-docs/" in p.message for p in source.problems
                   if p.code == "unsafe-path")
    finally:
        source.close()
    report = validate(path, jobs=1)
    assert "documents.parquet" not in {p.path for p in report.problems}


def test_deeply_nested_names_cost_memory_in_proportion_to_their_length(tmp_path: Path) -> None:
    """The folders on an entry's name were each held as a string of the whole path up to
    them, to look for names that merge: memory grew with the square of a name's depth (QA
    s83: one entry named ``a/`` x 30,000, a 257 KB zip, took 0.9 GB, three took 2.7 GB)
    before the name was refused as longer than 1024 bytes. A name over that limit is
    left out of that search now, and the folders of the others are walked holding only
    the folders on one path: names of 500 folders each, a name at each of them, and
    two folders that merge (which sends the names to the search that names them), cost
    little more than the package's own."""
    archive = tmp_path / f"{TOP}.zip"
    raw = f"{TOP}/data/raw/"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as dst:
        _copy_members(dst)
        for letter in "abc":  # over the limit: refused, whatever they merge with
            dst.writestr(raw + f"{letter}/" * 12_000 + "f.txt", b"hi\n")
        for index in range(100):  # within it: 500 folders each, on a path of their own
            dst.writestr(raw + f"x{index}/" + "a/" * 500 + "f.txt", b"hi\n")
        dst.writestr(raw + "Q/x.txt", b"hi\n")
        dst.writestr(raw + "q/y.txt", b"hi\n")
    archive.write_bytes(sealed(archive.read_bytes()))
    tracemalloc.start()
    report = validate(archive, jobs=1)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    long_names = [p for p in report.problems if p.code == "unsafe-path"
                  and "longer than 1024 bytes" in p.message]
    assert len(long_names) == 3, render_text(report)
    merging = {p.path for p in report.problems if p.code == "name-collision"}
    assert merging == {"data/raw/Q/x.txt", "data/raw/q/y.txt"}, render_text(report)
    assert "internal-error" not in codes(report)
    assert peak < 32 << 20, peak
