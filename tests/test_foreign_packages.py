"""A package of another tool (a plain Frictionless Data Package, a dataset's zip) handed to
corpuskit is said to be none of corpuskit's, in one problem, by every command that reads a
package: export and load called it "modified, damaged or renamed", with a problem for each
of corpuskit's files and keys it lacks and advice to add them to corpus.toml (QA:
consumer 1). A corpuskit package that lost some of them is damaged still."""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from _validate_support import built, copy_release, run

import corpuskit
from corpuskit import validate
from corpuskit.errors import InputError

#: What every command says of another tool's package, and what it must not say.
NOT_OURS = "not a corpuskit package"
DAMAGED = ("modified, damaged or renamed", "corpus.toml", "failed verification")


def _frictionless(tmp_path: Path) -> Path:
    folder = tmp_path / "fdp"
    folder.mkdir()
    (folder / "datapackage.json").write_text(
        '{"name": "fdp", "resources": [{"name": "t", "path": "data.csv"}]}', "utf-8")
    (folder / "data.csv").write_text("a,b\n1,2\n", "utf-8")
    return folder


def _dataset_zip(tmp_path: Path) -> Path:
    target = tmp_path / "hfds.zip"
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("hfds/README.md", "# A dataset\n")
        archive.writestr("hfds/data/train.parquet", "PAR1")
    return target


def _zipped_frictionless(tmp_path: Path) -> Path:
    folder = _frictionless(tmp_path)
    target = tmp_path / "fdp.zip"
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"fdp/{path.name}")
    return target


@pytest.mark.parametrize(("make", "what"), [
    (_frictionless, "a Data Package of another tool, not a corpuskit package: its "
                    "datapackage.json has no 'corpuskit' section"),
    (_dataset_zip, "a zip archive of another tool, not a corpuskit package archive: it "
                   "holds no datapackage.json"),
    (_zipped_frictionless, "a zip archive of another tool, not a corpuskit package "
                           "archive: it holds a Data Package of another tool"),
])
def test_another_tools_package_is_one_not_a_package_problem_everywhere(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], make: Callable[[Path], Path],
        what: str) -> None:
    given = make(tmp_path)
    says = f"{given}: {what}"
    for args in (["export", str(given), "--format", "csv", "--out", str(tmp_path / "o.csv")],
                 ["info", str(given)], ["diff", str(given), str(given)]):
        code, _, err = run(capsys, *args)
        lines = [line for line in err.splitlines() if line.startswith("error: ")]
        assert code == 1 and len(lines) == 1 and lines[0].startswith(f"error: {says}"), err
        assert lines[0].endswith("pass a release's folder or its .zip "
                                 "(dist/<name>-<version>) [not-a-package]"), err
        assert not any(words in err for words in DAMAGED), err
    assert not (tmp_path / "o.csv").exists()
    code, out, _ = run(capsys, "validate", str(given))
    assert code == 1 and out.splitlines()[0].startswith(says), out
    report = validate(given, jobs=1)
    assert [p.code for p in report.problems] == ["not-a-package"]
    assert report.kind == "other"
    for verify in (True, False):
        with pytest.raises(InputError) as raised:
            corpuskit.load(given, verify=verify)
        assert not isinstance(raised.value, corpuskit.PackageIntegrityError)
        assert [p.code for p in raised.value.problems] == ["not-a-package"]
        assert says in str(raised.value) and NOT_OURS in str(raised.value)
        assert not any(words in str(raised.value) for words in DAMAGED)


def test_a_corpuskit_package_that_lost_its_section_or_files_is_damaged_still(
        tmp_path: Path) -> None:
    """Any one of corpuskit's files, or its section, makes a package corpuskit's: one that
    lost the rest is reported damaged, as before."""
    release = copy_release(tmp_path / "a")
    descriptor = release / "datapackage.json"
    data = json.loads(descriptor.read_text("utf-8"))
    del data["corpuskit"]
    descriptor.write_text(json.dumps(data), "utf-8")
    for name in ("bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt"):
        (release / name).unlink()  # bagit.txt and the records file are left
    with pytest.raises(corpuskit.PackageIntegrityError, match="modified, damaged"):
        corpuskit.load(release)
    assert "not-a-package" not in {p.code for p in validate(release, jobs=1).problems}
    # An archive re-zipped by another tool (no seal) holds corpuskit's files still.
    rezipped = tmp_path / built().archive.name
    with zipfile.ZipFile(built().archive) as source, zipfile.ZipFile(rezipped, "w") as copy:
        for info in source.infolist():
            copy.writestr(info.filename, source.read(info))
    with pytest.raises(corpuskit.PackageIntegrityError, match="modified, damaged"):
        corpuskit.load(rezipped)
    assert validate(rezipped, jobs=1).kind == "archive"
    # A package folder with its descriptor alone left is corpuskit's by its section.
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(built().release / "datapackage.json", alone)
    assert "not-a-package" not in {p.code for p in validate(alone, jobs=1).problems}
    with pytest.raises(corpuskit.PackageIntegrityError):
        corpuskit.load(alone)


def test_an_empty_zip_is_one_not_a_package_problem_everywhere(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A zip of nothing got four verdicts: validate 7 problems ("not as it was built"),
    info and diff "no descriptor", export and load "modified, damaged or renamed" (QA:
    newb 6). It is one not-a-package problem, in the same words, from every command."""
    given = tmp_path / "empty.zip"
    zipfile.ZipFile(given, "w").close()
    says = (f"{given}: an empty zip archive (it holds no entries), not a package archive: "
            "get it again from where it was published, or pass a release's folder or its "
            ".zip (dist/<name>-<version>) [not-a-package]")
    for args in (["export", str(given), "--format", "csv", "--out", str(tmp_path / "o.csv")],
                 ["info", str(given)], ["diff", str(given), str(built().release)]):
        code, _, err = run(capsys, *args)
        lines = [line for line in err.splitlines() if line.startswith("error: ")]
        assert code == 1 and lines == [f"error: {says}"], err
        assert not any(words in err for words in DAMAGED), err
    assert not (tmp_path / "o.csv").exists()
    code, out, _ = run(capsys, "validate", str(given))
    assert code == 1 and out.splitlines()[0] == says, out
    report = validate(given, jobs=1)
    assert [p.code for p in report.problems] == ["not-a-package"] and report.kind == "other"
    for verify in (True, False):
        with pytest.raises(InputError) as raised:
            corpuskit.load(given, verify=verify)
        assert not isinstance(raised.value, corpuskit.PackageIntegrityError)
        assert [p.code for p in raised.value.problems] == ["not-a-package"]
        assert says in str(raised.value)


def _zipped(folder: Path, target: Path) -> Path:
    """``folder`` zipped as another zip tool would (no seal), in a top folder of its name."""
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(folder.rglob("*")):
            archive.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
    return target


@pytest.mark.parametrize("kept", ["data/raw/", "croissant.json", "data/documents.parquet",
                                  "the records as a resource", "nothing"])
def test_a_corpuskit_package_stripped_of_its_bag_records_and_section_is_damaged_still(
        tmp_path: Path, kept: str) -> None:
    """A package that lost its bag files, records file and corpuskit section, its raw
    texts, croissant.json and a descriptor listing data/documents.jsonl there still, was
    "a Data Package of another tool" (QA: newb 7). Each of them is corpuskit's mark too:
    such a package is damaged; one that kept none of them is another tool's."""
    release = copy_release(tmp_path / "a")
    for name in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt",
                 "tagmanifest-sha256.txt", "data/documents.jsonl"):
        (release / name).unlink()
    descriptor = release / "datapackage.json"
    data = json.loads(descriptor.read_text("utf-8"))
    del data["corpuskit"]
    if kept != "the records as a resource":
        data["resources"] = [resource for resource in data["resources"] if resource["path"]
                             not in ("data/documents.jsonl", "data/documents.parquet")]
    descriptor.write_text(json.dumps(data), "utf-8")
    if kept != "data/raw/":
        shutil.rmtree(release / "data" / "raw")
    if kept != "croissant.json":
        (release / "croissant.json").unlink()
    if kept == "data/documents.parquet":
        (release / "data" / "documents.parquet").write_bytes(b"PAR1")
    archive = _zipped(release, tmp_path / f"{release.name}.zip")
    for given in (release, archive):
        codes = {p.code for p in validate(given, jobs=1).problems}
        if kept == "nothing":
            assert codes == {"not-a-package"}, given
            continue
        assert "not-a-package" not in codes, (given, codes)
        with pytest.raises(corpuskit.PackageIntegrityError, match="modified, damaged"):
            corpuskit.load(given)
