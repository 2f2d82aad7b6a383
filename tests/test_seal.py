"""The archive seal: every archive corpuskit writes ends in the zip comment
``corpuskit-sha256:<sha256 of every byte before the comment>``; validate checks it first.

The format is checked here from first principles (struct and hashlib, not corpuskit's own
code); tools nobody here wrote still read sealed archives; a missing, malformed or wrong
seal is one ``archive-seal-mismatch`` problem at ``zip comment``, reported beside every
other problem. Flipping bytes is in test_tamper.py.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import struct
import subprocess
import zipfile
from pathlib import Path

import pytest
from _validate_support import EPOCH, built, codes, run, sealed

import corpuskit
from corpuskit.check import check
from corpuskit.config import DEFAULT_COMPRESSION
from corpuskit.problems import Problem
from corpuskit.validation import render_text, validate
from corpuskit.zipfiles.archive import write_members
from corpuskit.zipfiles.archiveseal import SEAL_BYTES, seal
from corpuskit.zipfiles.deflate import COMPRESSIONS

SEAL = re.compile(rb"corpuskit-sha256:([0-9a-f]{64})")


def _end_record(data: bytes) -> int:
    """Where the end-of-central-directory record starts (the last one)."""
    return data.rindex(b"PK\x05\x06")


@pytest.mark.parametrize("kind", ["default", "plain"])
def test_the_seal_is_the_sha256_of_every_byte_before_the_comment(kind: str) -> None:
    data = built(kind).archive.read_bytes()
    end = _end_record(data)
    comment_length = struct.unpack_from("<H", data, end + 20)[0]
    assert comment_length == SEAL_BYTES == 81
    assert len(data) == end + 22 + comment_length  # the comment is the last thing
    match = SEAL.fullmatch(data[end + 22:])
    assert match is not None, data[end + 22:]
    assert match.group(1).decode() == hashlib.sha256(data[:end + 22]).hexdigest()
    with zipfile.ZipFile(built(kind).archive) as archive:
        assert archive.comment == data[end + 22:]


def test_seal_on_an_open_file_and_what_it_refuses() -> None:
    handle = io.BytesIO()
    with zipfile.ZipFile(handle, "w") as archive:
        archive.writestr("a.txt", b"a\n")
    unsealed = handle.getvalue()
    digest = seal(handle)
    data = handle.getvalue()
    assert data == unsealed[:-2] + b"\x51\x00" + b"corpuskit-sha256:" + digest.encode()
    assert digest == hashlib.sha256(data[:-SEAL_BYTES]).hexdigest()
    with pytest.raises(ValueError):
        seal(handle)  # sealed already: the comment length is not 0
    with pytest.raises(ValueError):
        seal(io.BytesIO(b"not a zip at all, no end record"))


def test_members_are_written_apart_from_the_seal(tmp_path: Path) -> None:
    """write_members (the part that compresses) writes no comment; the seal is added after."""
    release = built().release
    with (tmp_path / "members.zip").open("w+b") as handle:
        write_members(release, handle, release.name, "2023-11-14T22:13:20Z",
                      compression=COMPRESSIONS[DEFAULT_COMPRESSION])
    members = (tmp_path / "members.zip").read_bytes()
    assert members.endswith(b"\x00\x00") and _end_record(members) == len(members) - 22
    assert sealed(members) == built().archive.read_bytes()


def test_a_sealed_archive_is_valid_and_checked_in_fast_mode_too(tmp_path: Path) -> None:
    for fast in (False, True):
        assert validate(built().archive, jobs=1, fast=fast).valid
    target = tmp_path / built().archive.name
    data = built().archive.read_bytes()
    target.write_bytes(data[:-1] + (b"0" if data[-1:] != b"0" else b"1"))
    assert codes(validate(target, jobs=1)) == {"archive-seal-mismatch"}
    assert validate(target, jobs=1, fast=True).valid  # fast: the seal's form, not its digest
    target.write_bytes(data[:-1] + b"X")
    assert codes(validate(target, jobs=1, fast=True)) == {"archive-seal-mismatch"}


def test_a_wrong_seal_is_one_problem_at_the_zip_comment(tmp_path: Path) -> None:
    data = built().archive.read_bytes()
    target = tmp_path / built().archive.name
    wrong = "0" * 64
    target.write_bytes(data[:-64] + wrong.encode())
    report = validate(target, jobs=1)
    assert len(report.problems) == 1, render_text(report)
    problem = report.problems[0]
    assert (problem.path, problem.code, problem.location) == (".", "archive-seal-mismatch",
                                                              "zip comment")
    actual = hashlib.sha256(data[:-SEAL_BYTES]).hexdigest()
    assert actual in problem.message and wrong in problem.message


@pytest.mark.parametrize("change", ["missing", "another comment", "appended", "truncated",
                                    "uppercase"])
def test_a_missing_or_malformed_seal_is_reported(tmp_path: Path, change: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    data = built().archive.read_bytes()
    bare = data[:-SEAL_BYTES - 2]  # up to the comment length field
    damaged = {
        "missing": bare + b"\0\0",
        "another comment": bare + struct.pack("<H", 7) + b"release",
        "appended": data + b"\n",
        "truncated": data[:-1],
        "uppercase": data[:-64] + data[-64:].upper(),
    }[change]
    target = tmp_path / built().archive.name
    target.write_bytes(damaged)
    report = validate(target, jobs=1)
    seal_problems = [p for p in report.problems if p.code == "archive-seal-mismatch"]
    assert len(seal_problems) == 1 and seal_problems[0].location == "zip comment", \
        render_text(report)
    assert "internal-error" not in codes(report)
    if change == "missing":
        assert codes(report) == {"archive-seal-mismatch"}
        assert "not sealed" in seal_problems[0].message
    code, out, _ = run(capsys, "validate", str(target), "--format", "json", "--jobs", "1")
    assert code == 1
    assert {"code": "archive-seal-mismatch", "path": ".", "location": "zip comment",
            "message": seal_problems[0].message} in json.loads(out)["problems"]


def test_the_seal_and_other_problems_are_reported_together(tmp_path: Path) -> None:
    """A damaged member in an unparseable or unsealed archive: every problem is reported."""
    data = bytearray(built().archive.read_bytes())
    with zipfile.ZipFile(built().archive) as archive:
        info = archive.getinfo(f"{built().archive.stem}/data/documents.jsonl")
    data[info.header_offset + 30 + len(info.filename) + info.compress_size // 2] ^= 0x10
    target = tmp_path / built().archive.name
    target.write_bytes(bytes(data))
    found = codes(validate(target, jobs=1))
    assert "archive-seal-mismatch" in found and "archive-error" in found
    target.write_bytes(b"PK\x03\x04" + b"garbage" * 20)  # a zip's start, no more: both
    assert codes(validate(target, jobs=1)) == {"archive-error", "archive-seal-mismatch"}
    target.write_bytes(b"garbage" * 20)  # no zip at all: no seal to speak of (QA consumer 1)
    assert codes(validate(target, jobs=1)) == {"not-a-package"}


def test_a_published_checksum_is_still_verified(tmp_path: Path) -> None:
    source = built().archive
    target = tmp_path / source.name
    shutil.copyfile(source, target)
    sidecar = tmp_path / f"{source.name}.sha256"
    sidecar.write_text(f"{hashlib.sha256(source.read_bytes()).hexdigest()}  {source.name}\n")
    assert validate(target, jobs=1).valid
    sidecar.write_text(f"{'0' * 64}  {source.name}\n")
    report = validate(target, jobs=1)
    assert [(p.path, p.code) for p in report.problems] == [(".", "checksum-mismatch")]
    assert validate(target, jobs=1, fast=True).valid  # fast hashes no archive
    sidecar.write_text(f"{hashlib.sha256(source.read_bytes()).hexdigest()}  other.zip\n")
    assert codes(validate(target, jobs=1)) == {"archive-error"}
    assert codes(validate(target, jobs=1, fast=True)) == {"archive-error"}  # its form


@pytest.mark.parametrize("written", ["hello, not a checksum\n", "", "{digest}\n{digest}\n",
                                     "{digest}  other.zip\n"])
def test_fast_checks_the_form_of_a_published_checksum(tmp_path: Path, written: str) -> None:
    """validate --fast never read <archive>.sha256: one holding "hello, not a checksum"
    passed it, where README and --help qualify only the seal's check as "its form only"
    (QA). It reads it as the full check does, and tells the same problem, hashing nothing:
    a well-formed line of a wrong sha256 passes it."""
    source = built().archive
    target = tmp_path / source.name
    shutil.copyfile(source, target)
    sidecar = tmp_path / f"{source.name}.sha256"
    sidecar.write_text(written.format(digest="0" * 64), "utf-8")
    full = validate(target, jobs=1).problems
    assert [(p.path, p.code) for p in full] == [(".", "archive-error")], full
    fast = validate(target, jobs=1, fast=True)
    assert [p.render() for p in fast.problems] == [p.render() for p in full]
    assert "published sha256" in render_text(fast)[0]
    sidecar.write_text(f"{'0' * 64}  {source.name}\n", "utf-8")
    assert validate(target, jobs=1, fast=True).valid


def test_the_published_checksum_of_an_archive_given_through_a_link_is_verified(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``latest.zip -> downloads/x.zip`` skipped ``downloads/x.zip.sha256``: validate,
    export and load took an archive that failed its published checksum (QA). The one
    beside the file it resolves to is checked, named by its path, and the one beside the
    link as given too."""
    source = built().archive
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    archive = downloads / source.name
    shutil.copyfile(source, archive)
    sidecar = downloads / f"{source.name}.sha256"
    sidecar.write_text(f"{'0' * 64}  {source.name}\n")
    link = tmp_path / "latest.zip"
    link.symlink_to(Path("downloads") / source.name)
    monkeypatch.chdir(tmp_path)
    for given, shown in ((link, str(sidecar)), (Path("latest.zip"), f"downloads/{sidecar.name}")):
        [problem] = validate(given, jobs=1).problems
        assert (problem.path, problem.code) == (".", "checksum-mismatch")
        assert problem.message.startswith(f"sha256 of the archive is "
                                          f"{hashlib.sha256(source.read_bytes()).hexdigest()}, "
                                          f"{shown} says {'0' * 64}"), problem.message
        with pytest.raises(corpuskit.PackageIntegrityError):
            corpuskit.load(given)
    sidecar.write_text(f"{hashlib.sha256(source.read_bytes()).hexdigest()}  {source.name}\n")
    assert validate(link, jobs=1).valid
    beside_link = tmp_path / "latest.zip.sha256"  # the link's own, as given: checked too
    beside_link.write_text(f"{'0' * 64}  latest.zip\n")
    [problem] = validate(link, jobs=1).problems
    assert problem.code == "checksum-mismatch" and "latest.zip.sha256 says" in problem.message
    beside_link.unlink()
    # a folder reached through a link holds the same sidecar: checked once
    (tmp_path / "mirror").symlink_to(downloads)
    sidecar.write_text(f"{'0' * 64}  {source.name}\n")
    assert [p.code for p in validate(tmp_path / "mirror" / source.name, jobs=1).problems] \
        == ["checksum-mismatch"]


def test_a_published_checksum_given_as_a_target_stands_for_its_archive(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``corpuskit validate dist/*`` took an archive's .sha256 for a package that is not
    there: exit 1 for a sound folder of releases that ``validate dist`` passes."""
    source = built()
    folder, target = tmp_path / source.release.name, tmp_path / source.archive.name
    shutil.copytree(source.release, folder)
    shutil.copyfile(source.archive, target)
    sidecar = tmp_path / f"{target.name}.sha256"
    sidecar.write_text(f"{hashlib.sha256(target.read_bytes()).hexdigest()}  {target.name}\n")
    code, out, _ = run(capsys, "validate", str(folder), str(target), str(sidecar))
    assert code == 0 and out.count(f"{target}: valid archive") == 1 and "sha256:" not in out
    reports = corpuskit.validate_all([sidecar])
    assert [report.target for report in reports.reports] == [str(target)]
    # the library's validate as the CLI's (QA: "...zip is no package archive")
    alone = corpuskit.validate(sidecar, jobs=1)
    assert (alone.target, alone.kind, alone.valid) == (str(target), "archive", True)
    assert alone.as_dict() == reports.reports[0].as_dict()
    sidecar.write_text(f"{'0' * 64}  {target.name}\n")  # checked as the archive's checksum
    code, out, _ = run(capsys, "validate", str(sidecar))
    assert code == 1 and f"{target}:published sha256: " in out \
        and "[checksum-mismatch]" in out
    sidecar.write_bytes(f"# published\n{'0' * 64}  \xff.zip\n".encode("latin-1"))
    code, out, _ = run(capsys, "validate", str(sidecar))  # said "position 0" of no line (QA)
    assert code == 1 and f"{sidecar.name} line 2 is not UTF-8 (byte 67 of the line is " \
        "b'\\xff'); write it again" in out, out
    sidecar.unlink()
    sidecar.mkdir()  # no file: the archive's problem, once, as 'validate' of the folder says
    code, out, _ = run(capsys, "validate", str(folder), str(target), str(sidecar))
    assert code == 1 and out.count("[archive-error]") == 1 and "not-a-package" not in out
    assert f"{sidecar.name} is a folder" in out
    sidecar.rmdir()
    sidecar.write_text(f"{'0' * 64}  {target.name}\n")
    target.unlink()  # no archive beside it: named for what it is
    code, out, _ = run(capsys, "validate", str(sidecar))
    assert code == 1 and f"{sidecar}: a published checksum (sha256sum format), not a " \
        f"package: it is checked with the archive it is for, but {target.name} is not " \
        "beside it" in out and "[not-a-package]" in out


@pytest.mark.parametrize(("kind", "told"), [
    ("folder", "is a folder"),
    ("dangling link", "is a symbolic link to nothing"),
    ("pipe", "is not a regular file (a pipe, socket or device)"),
])
def test_a_published_checksum_that_is_no_file_is_reported(tmp_path: Path, kind: str,
                                                           told: str) -> None:
    """A ``.sha256`` folder (or pipe, or link to nothing) was passed over in silence."""
    target = tmp_path / built().archive.name
    shutil.copyfile(built().archive, target)
    sidecar = tmp_path / f"{target.name}.sha256"
    if kind == "folder":
        sidecar.mkdir()
    elif kind == "dangling link":
        sidecar.symlink_to("nothing.sha256")
    else:
        os.mkfifo(sidecar)
    [problem] = validate(target, jobs=1).problems
    assert (problem.path, problem.code) == (".", "archive-error")
    assert problem.message.startswith(f"{sidecar.name} {told}, so the checksum it publishes "
                                      "cannot be read; replace it")
    assert list(validate(target, jobs=1, fast=True).problems) == [problem]  # (its form, too)


@pytest.mark.parametrize("form", ["name with spaces", "folder before the name",
                                  "upper-case hex", "binary mode", "bsd tag", "one space",
                                  "a comment and a blank line first", "tag without space"])
def test_every_line_sha256sum_checks_is_taken(form: str, tmp_path: Path) -> None:
    """What ``sha256sum -c`` accepts: a name holding spaces (a browser's "name (1).zip"),
    the path it was made with, upper-case hex, binary mode, the --tag form. They were all
    refused, and load called the intact archive damaged."""
    name = "release (1).zip" if form == "name with spaces" else built().archive.name
    target = tmp_path / name
    shutil.copyfile(built().archive, target)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    line = {"name with spaces": f"{digest}  {name}",
            "folder before the name": f"{digest}  published/{name}",
            "upper-case hex": f"{digest.upper()}  {name}",
            "binary mode": f"{digest} *{name}",
            "bsd tag": f"SHA256 ({name}) = {digest}",
            "one space": f"{digest} {name}",
            "a comment and a blank line first": f"# published today\n\n{digest}  {name}",
            "tag without space": f"SHA256 ({name})= {digest}"}[form]
    (tmp_path / f"{name}.sha256").write_text(line + "\n")
    assert validate(target, jobs=1).valid
    assert len(list(corpuskit.load(target))) > 0
    (tmp_path / f"{name}.sha256").write_text(line.replace(digest, "0" * 64)
                                             .replace(digest.upper(), "0" * 64) + "\n")
    assert codes(validate(target, jobs=1)) == {"checksum-mismatch"}


def test_every_line_naming_the_archive_must_match(tmp_path: Path) -> None:
    """sha256sum -c checks every line: a second, wrong line for the archive failed there
    and passed here."""
    target = tmp_path / built().archive.name
    shutil.copyfile(built().archive, target)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    sidecar = tmp_path / f"{target.name}.sha256"
    sidecar.write_text(f"{digest}  {target.name}\n{'0' * 64}  {target.name}\n")
    assert codes(validate(target, jobs=1)) == {"checksum-mismatch"}


@pytest.mark.parametrize("bad", ["not a checksum line", "\udcff", "0" * 64,
                                 "{digest}  /abs/{name}"])
def test_a_malformed_line_hides_no_wrong_sha256_on_another(bad: str, tmp_path: Path) -> None:
    """A line 2 that is no checksum line (malformed, not UTF-8, a bare sha256 beside
    named ones, the archive named from the root) was the only problem told, and line 1's
    sha256, another than the archive's, was not compared (QA); ``sha256sum -c`` reports
    both. Both are problems; two such lines are told once, with how many there are."""
    target = tmp_path / built().archive.name
    shutil.copyfile(built().archive, target)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    sidecar = tmp_path / f"{target.name}.sha256"
    line = bad.format(digest=digest, name=target.name).encode("utf-8", "surrogateescape")
    sidecar.write_bytes(f"{'1' * 64}  {target.name}\n".encode() + line + b"\n")
    problems = validate(target, jobs=1).problems
    assert sorted((p.code, p.location) for p in problems) == [
        ("archive-error", "published sha256"), ("checksum-mismatch", "published sha256")]
    told = next(p.message for p in problems if p.code == "archive-error")
    assert told.startswith(f"{sidecar.name} line 2 "), told
    assert f"{sidecar.name} says {'1' * 64}" in next(
        p.message for p in problems if p.code == "checksum-mismatch")
    sidecar.write_bytes(f"{digest}  {target.name}\n".encode() + line + b"\n" + line + b"\n")
    [problem] = validate(target, jobs=1).problems  # the archive's sha256 is right
    assert problem.code == "archive-error" and problem.message.startswith(
        f"{sidecar.name} line 2 ") and "(1 more line of it cannot be read as a checksum " \
        "either)" in problem.message, problem.message


@pytest.mark.parametrize("form", ["alone", "upper case, CRLF, no final newline",
                                  "after a comment"])
def test_a_bare_digest_alone_is_the_archives_checksum(form: str, tmp_path: Path) -> None:
    """Maven repositories and many download pages publish ``<file>.sha256`` as the digest
    alone. It was refused as no line ``sha256sum -c`` takes, and load called the intact
    archive damaged (QA); alone in the file named for the archive, it is the archive's,
    and verified as any published checksum. Among named lines it is still refused."""
    target = tmp_path / built().archive.name
    shutil.copyfile(built().archive, target)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    sidecar = tmp_path / f"{target.name}.sha256"
    text = {"alone": f"{digest}\n",
            "upper case, CRLF, no final newline": f"{digest.upper()}\r\n",
            "after a comment": f"# sha256 of {target.name}\n\n{digest}\n"}[form]
    sidecar.write_bytes(text.encode("ascii"))
    assert validate(target, jobs=1).valid
    assert len(list(corpuskit.load(target))) > 0
    wrong = "0" * 64
    sidecar.write_bytes(text.replace(digest, wrong).replace(digest.upper(), wrong)
                        .encode("ascii"))
    [problem] = validate(target, jobs=1).problems
    assert (problem.code, problem.location) == ("checksum-mismatch", "published sha256")
    assert f"{sidecar.name} says {wrong}" in problem.message
    sidecar.write_text(f"{digest}\n{digest}  {target.name}\n")
    [problem] = validate(target, jobs=1).problems
    assert problem.code == "archive-error" and problem.message.startswith(
        f"{sidecar.name} line 1 is a sha256 that names no file, beside other lines")
    sidecar.write_text(f"{digest}\n{digest}\n")
    assert codes(validate(target, jobs=1)) == {"archive-error"}


@pytest.mark.parametrize("name", ["/home/maintainer/dist/{}", "\\\\server\\dist\\{}",
                                  "C:\\dist\\{}", "c:/dist/{}"])
def test_a_published_checksum_naming_the_archive_from_the_root_is_refused(
        name: str, tmp_path: Path) -> None:
    """sha256sum -c reads the file a line names: from the root, that is a file on the
    machine the line was made on, not the archive beside it (QA: accepted, the digest
    being right). Named relative to where sha256sum ran, it is taken."""
    target = tmp_path / built().archive.name
    shutil.copyfile(built().archive, target)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    sidecar = tmp_path / f"{target.name}.sha256"
    sidecar.write_text(f"{digest}  {name.format(target.name)}\n")
    [problem] = validate(target, jobs=1).problems
    assert (problem.code, problem.path, problem.location) == ("archive-error", ".",
                                                              "published sha256")
    assert problem.message.startswith(f"{sidecar.name} line 1 names the archive by an "
                                      "absolute path (")
    assert f"sha256sum {target.name} > {sidecar.name}" in problem.message
    sidecar.write_text(f"{digest}  dist/{target.name}\n")
    assert validate(target, jobs=1).valid


@pytest.mark.parametrize("case", ["wrong line after 64 KiB", "right line after 64 KiB",
                                  "character across 64 KiB", "long line"])
def test_a_published_checksum_file_is_read_whole(case: str, tmp_path: Path) -> None:
    """Only its first 64 KiB were read (the whole file was read into memory first): a
    wrong line for the archive past them passed, where sha256sum -c fails; the right line
    past them, in a SHA256SUMS file of many archives, was cut in two and refused; and a
    character cut at 64 KiB was not UTF-8. Now it is streamed whole, a line at a time."""
    target = tmp_path / built().archive.name
    shutil.copyfile(built().archive, target)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    right, wrong = f"{digest}  {target.name}\n", f"{'0' * 64}  {target.name}\n"
    others = "".join(f"{index:064x}  other-{index}.zip\n" for index in range(1000))
    text, expected = {
        "wrong line after 64 KiB": (right + "# " + "x" * 70_000 + "\n" + wrong,
                                    {"checksum-mismatch"}),
        "right line after 64 KiB": (others + right, set()),
        "character across 64 KiB": (right + "# " + "é" * 40_000 + "\n", set()),
        "long line": (right + "f" * 70_000 + "\n", {"archive-error"}),
    }[case]
    (tmp_path / f"{target.name}.sha256").write_text(text, "utf-8")
    assert codes(validate(target, jobs=1)) == expected


def test_sealed_archives_read_everywhere(tmp_path: Path) -> None:
    """Python's zipfile, unzip -t (if installed), bagit on the extracted folder and
    corpuskit.load all read a sealed archive."""
    bagit = pytest.importorskip("bagit")
    archive = built("plain").archive  # bagit-python does not decode %25 (see built())
    with zipfile.ZipFile(archive) as zf:
        assert zf.testzip() is None
        assert zf.comment.startswith(b"corpuskit-sha256:")
        zf.extractall(tmp_path)
    bagit.Bag(str(tmp_path / archive.stem)).validate()
    if shutil.which("unzip"):
        done = subprocess.run(["unzip", "-t", str(archive)], capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 0 and "No errors detected" in done.stdout, done.stdout
    if shutil.which("zipinfo"):
        done = subprocess.run(["zipinfo", str(archive)], capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
    corpus = corpuskit.load(archive)
    folder = corpuskit.load(built("plain").release)
    assert [r.id for r in corpus] == [r.id for r in folder] and len(list(corpus)) > 0


def test_check_requires_a_sealed_archive_in_dist(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """check compares zips by members (the seal depends on zlib) but the one in dist/ must
    carry a valid seal of its own."""
    shutil.copytree(built().seeds, tmp_path / "seeds")
    shutil.copytree(built().dist, tmp_path / "dist",
                    ignore=shutil.ignore_patterns(".corpuskit-*"))
    archive = tmp_path / "dist" / built().archive.name
    assert check(tmp_path / "seeds", tmp_path / "dist", source_date_epoch=EPOCH,
                 jobs=1).valid
    archive.write_bytes(archive.read_bytes()[:-SEAL_BYTES - 2] + b"\0\0")  # an older build
    report = check(tmp_path / "seeds", tmp_path / "dist", source_date_epoch=EPOCH, jobs=1)
    assert [(p.path, p.code) for p in report.problems] == [(str(archive),
                                                            "archive-seal-mismatch")]
    assert "corpuskit build" in report.problems[0].message
    code, out, _ = run(capsys, "validate", str(archive))
    assert code == 1 and "archive-seal-mismatch" in out


def test_bytes_put_before_an_archive_are_named_so(tmp_path: Path) -> None:
    """A self-extractor's stub before the first entry, the archive sealed again: its one
    problem blamed "a data descriptor, an extra field", which come after an entry (QA)."""
    archive = tmp_path / built().archive.name
    buffer = io.BytesIO(b"#!/bin/sh\nexit 0\n")  # entries written after it, offsets and all
    with zipfile.ZipFile(built().archive) as made, \
            zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED, compresslevel=4) as stubbed:
        for info in made.infolist():
            entry = zipfile.ZipInfo(info.filename, info.date_time)
            entry.compress_type, entry.external_attr, entry.create_system = \
                zipfile.ZIP_DEFLATED, info.external_attr, info.create_system
            stubbed.writestr(entry, made.read(info))
    archive.write_bytes(sealed(buffer.getvalue()))
    moved = [problem.message for problem in validate(archive, jobs=1).problems
             if "the entries after it are moved too" in problem.message]
    assert moved == ["the local header is at byte 17, where the reproducible form has byte 0, "
                     "and the entries after it are moved too: 17 bytes precede the archive's "
                     "first entry (put before it: a self-extractor's stub, or a file joined "
                     "in front of it)"]


def _entry_records(data: bytes, member: str) -> tuple[int, int]:
    """Where the central directory record of ``member`` is, and its local header."""
    at = data.find(b"PK\x01\x02")
    while struct.unpack_from("<H", data, at + 28)[0] != len(member) \
            or data[at + 46:at + 46 + len(member)] != member.encode():
        at = data.find(b"PK\x01\x02", at + 4)
        assert at > 0, member
    return at, struct.unpack_from("<L", data, at + 42)[0]


@pytest.mark.parametrize("header", ["central directory", "local header"])
@pytest.mark.parametrize(("field", "place"), [("CRC-32", 16), ("compressed size", 20),
                                              ("uncompressed size", 24)])
def test_headers_that_disagree_are_told_as_such(tmp_path: Path, header: str, field: str,
                                                place: int) -> None:
    """A bit of a central directory record's CRC-32 or size changed (the archive sealed
    again) was told as the intact local header differing "from the reproducible form", a
    compressed size as every entry after it moved, and an uncompressed size as Payload-Oxum
    wrong and the record's source_bytes too, "the file has 35" bytes of 34 (QA). The two
    headers are named as disagreeing on that field, with both values, and nothing else of
    the entry's headers or sizes is told wrong: which of them was changed, the headers
    cannot tell."""
    source = built().archive
    data = bytearray(source.read_bytes())
    member = f"{source.stem}/data/raw/en/harbour.txt"
    central, local = _entry_records(bytes(data), member)
    changed = central + place if header == "central directory" else local + place - 2
    data[changed] ^= data[changed] & -data[changed]  # a value made smaller (larger:
    # test_headers_that_disagree_on_a_larger_value_are_told_as_such)
    assert data[changed] != source.read_bytes()[changed]
    archive = tmp_path / source.name
    archive.write_bytes(sealed(bytes(data)))
    for fast in (True, False):
        problems = validate(archive, jobs=1, fast=fast).problems
        told = [p for p in problems if p.code == "archive-metadata"]
        assert [(p.path, p.location) for p in told] == [(member, "")], problems
        assert told[0].message.startswith(
            f"the central directory record at byte {central} and the local header at byte "
            f"{local} disagree ({field} "), told[0].message
        others = [(p.path, p.code) for p in problems if p.code != "archive-metadata"]
        # (the data is read as the central directory says: it may fail so, in full)
        assert others in ([], [("data/raw/en/harbour.txt", "archive-error")]), problems
        assert not others or (not fast and header == "central directory"), problems


def _renamed_in_its_local_header(data: bytes, member: str, name: bytes) -> bytes:
    """``data`` with ``member``'s local header naming ``name`` (shorter), the bytes after it
    moved back and every offset after it (central directory records, end record) made to
    agree: the one difference is the local header's name."""
    _, local = _entry_records(data, member)
    length = len(member.encode())
    cut = length - len(name)
    assert cut > 0
    moved = bytearray(data[:local + 26]) + struct.pack("<H", len(name)) \
        + data[local + 28:local + 30] + name + data[local + 30 + length:]
    at = moved.find(b"PK\x01\x02")
    while at >= 0:  # each central directory record's local header offset
        offset = struct.unpack_from("<L", moved, at + 42)[0]
        if offset > local:
            struct.pack_into("<L", moved, at + 42, offset - cut)
        at = moved.find(b"PK\x01\x02", at + 4)
    end = moved.rfind(b"PK\x05\x06")
    struct.pack_into("<L", moved, end + 16, struct.unpack_from("<L", moved, end + 16)[0] - cut)
    return bytes(moved)


@pytest.mark.parametrize(("name", "code", "said"), [
    ("../../evil.txt", "unsafe-path", ": '..' in path, which a reader of the local headers "
                                      "would write outside the package"),
    ("data/raw/a.txt", "archive-error", "")])
def test_a_local_header_naming_a_shorter_path_is_told_as_such(
        tmp_path: Path, name: str, code: str, said: str) -> None:
    """A local header naming a shorter path than its central directory record (every
    offset after it made to agree) was told as the entry's data overlapping what follows,
    "corrupt, or a zip bomb" (QA s95): its data is placed by the record's name. It is
    told as the local header naming another file, and as an unsafe path where that name
    is one, which a streaming extractor (reading the local headers) would write."""
    source = built().archive
    member = f"{source.stem}/data/raw/en/harbour.txt"
    forged = f"{source.stem}/{name}".encode()
    archive = tmp_path / source.name
    data = source.read_bytes()
    archive.write_bytes(sealed(_renamed_in_its_local_header(data, member, forged)))
    with zipfile.ZipFile(archive) as opened, pytest.raises(zipfile.BadZipFile, match="differ"):
        opened.read(member)  # Python's reader sees the two names too
    _, local = _entry_records(data, member)
    for fast in (True, False):
        problems = validate(archive, jobs=1, fast=fast).problems
        assert [(p.path, p.code) for p in problems] == [("data/raw/en/harbour.txt", code)], \
            problems
        assert problems[0].message == (
            f"its local header at byte {local} names {forged.decode()!r}, not the file its "
            f"central directory record names (corrupt or forged){said}")


@pytest.mark.parametrize("header", ["central directory", "local header"])
@pytest.mark.parametrize(("field", "place"), [("CRC-32", 16), ("compressed size", 20),
                                              ("uncompressed size", 24)])
def test_headers_that_disagree_on_a_larger_value_are_told_as_such(
        tmp_path: Path, header: str, field: str, place: int) -> None:
    """test_headers_that_disagree_are_told_as_such with the value made larger (by 256).
    A central directory's compressed size made larger makes the entry's data, as the
    central directory says, overlap the next entry's, and the entry is refused unread: it
    was told as "entry data overlaps another entry or the central directory (corrupt, or a
    zip bomb)" alone, where its local header, intact, ends its data in time (QA). It is
    told as the two headers disagreeing, with both values, and nothing else."""
    source = built().archive
    data = bytearray(source.read_bytes())
    member = f"{source.stem}/data/raw/en/harbour.txt"
    central, local = _entry_records(bytes(data), member)
    changed = central + place if header == "central directory" else local + place - 2
    was = struct.unpack_from("<L", data, changed)[0]
    struct.pack_into("<L", data, changed, was + 256)
    archive = tmp_path / source.name
    archive.write_bytes(sealed(bytes(data)))
    in_central, in_local = (was + 256, was) if header == "central directory" \
        else (was, was + 256)
    shown = "{:#010x}" if field == "CRC-32" else "{}"
    values = (f"{field} {shown.format(in_central)} in the central directory, "
              f"{shown.format(in_local)} in the local header")
    for fast in (True, False):
        problems = validate(archive, jobs=1, fast=fast).problems
        if (header, field) == ("central directory", "compressed size"):
            assert [(p.path, p.code) for p in problems] == [
                ("data/raw/en/harbour.txt", "archive-error")], problems
            assert problems[0].message == (
                f"its central directory record and its local header at byte {local} "
                f"disagree ({values}): corpuskit writes the same values in both, so one of "
                "them was changed, which the headers cannot tell; read as the central "
                "directory says, its data would overlap what follows it, so it is not read")
            continue
        told = [p for p in problems if p.code == "archive-metadata"]
        assert [(p.path, p.location) for p in told] == [(member, "")], problems
        assert told[0].message.startswith(
            f"the central directory record at byte {central} and the local header at byte "
            f"{local} disagree ({values})"), told[0].message
        others = [(p.path, p.code) for p in problems if p.code != "archive-metadata"]
        # (the data is read as the central directory says: it may fail so, in full)
        assert others in ([], [("data/raw/en/harbour.txt", "archive-error")]), problems
        assert not others or (not fast and header == "central directory"), problems


def test_a_size_in_dispute_is_known_by_what_the_record_check_found(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The record's source_bytes that a central directory's uncompressed size in dispute
    makes wrong is not told (test_headers_that_disagree_are_told_as_such) by what the
    record check found it about, the raw file and the size: it was by the end of the
    problem's message (QA), and came back as soon as the record check worded it
    otherwise, as it does here."""
    import corpuskit.validation.records as records_module

    worded: list[Problem] = []

    def reworded(path: str, code: str, message: str, location: str = "") -> Problem:
        problem = Problem(path, code, message.replace(" does not match ", " disagrees with "),
                          location)
        if problem.message != message:
            worded.append(problem)
        return problem

    monkeypatch.setattr(records_module, "Problem", reworded)
    source = built().archive
    data = bytearray(source.read_bytes())
    central, _ = _entry_records(bytes(data), f"{source.stem}/data/raw/en/harbour.txt")
    struct.pack_into("<L", data, central + 24, struct.unpack_from("<L", data, central + 24)[0]
                     - 1)
    archive = tmp_path / source.name
    archive.write_bytes(sealed(bytes(data)))
    problems = validate(archive, jobs=1).problems
    assert [problem.code for problem in worded] == ["record-mismatch"]  # reworded, found
    assert sorted((p.path, p.code) for p in problems) == [
        ("data/raw/en/harbour.txt", "archive-error"),
        (f"{source.stem}/data/raw/en/harbour.txt", "archive-metadata")], problems


def test_a_long_published_checksum_is_read_with_bounded_memory(tmp_path: Path) -> None:
    """Only what the verdict needs is kept of a ``.sha256`` file: its distinct sha256s (the
    first few), not every line (QA: 4 million lines held 567 MB)."""
    import tracemalloc

    from corpuskit.validation.seal import SIDECAR_DIGESTS_MAX, _read_sidecar

    source = built().archive
    target = tmp_path / source.name
    shutil.copyfile(source, target)
    sidecar = tmp_path / f"{source.name}.sha256"
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    line = f"{digest}  {source.name}\n"
    sidecar.write_text(line * 20_000 + f"{'1' * 64}\n" * 20_000 + f"{'0' * 64}  b.zip\n" * 20_000)
    tracemalloc.start()
    try:
        digests, problems = _read_sidecar(target, sidecar)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20, peak  # every line kept: about 6 MB
    assert digests == [digest]
    [problem] = problems  # the bare sha256s and the other name are counted, not kept
    assert "line 20001 is a sha256 that names no file" in problem.message
    assert "(19999 more lines of it cannot be read as a checksum either)" in problem.message
    sidecar.write_text(line * 50_000)
    assert validate(target, jobs=1).valid
    # More distinct sha256s than are kept: those are compared, the rest counted.
    many = [f"{number:064x}  {source.name}\n" for number in range(SIDECAR_DIGESTS_MAX + 5)]
    sidecar.write_text(line + "".join(many))
    report = validate(target, jobs=1)
    mismatches = [p for p in report.problems if p.code == "checksum-mismatch"]
    assert len(mismatches) == SIDECAR_DIGESTS_MAX - 1
    [more] = [p for p in report.problems if p.code == "archive-error"]
    assert (f"gives more than {SIDECAR_DIGESTS_MAX} different sha256s of {source.name}, and "
            f"only one can be its: 6 more lines from line {SIDECAR_DIGESTS_MAX + 1} on are "
            "not compared one by one") in more.message
