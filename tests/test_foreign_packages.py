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
from typing import Any

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


#: A Croissant 1.0 document as mlcroissant writes one (and Hugging Face datasets ship):
#: its own FileObject, data.csv, and a record set of its columns.
_THEIR_CROISSANT = {
    "@context": {"@language": "en", "@vocab": "https://schema.org/",
                 "cr": "http://mlcommons.org/croissant/", "sc": "https://schema.org/",
                 "dct": "http://purl.org/dc/terms/", "conformsTo": "dct:conformsTo",
                 "recordSet": "cr:recordSet", "field": "cr:field", "source": "cr:source",
                 "fileObject": "cr:fileObject", "extract": "cr:extract",
                 "column": "cr:column", "dataType": {"@id": "cr:dataType",
                                                     "@type": "@vocab"}},
    "@type": "sc:Dataset",
    "name": "iris",
    "description": "Measurements of 3 species of iris flowers.",
    "conformsTo": "http://mlcommons.org/croissant/1.0",
    "license": "https://creativecommons.org/licenses/by/4.0/",
    "url": "https://example.org/iris",
    "version": "1.0.0",
    "distribution": [{
        "@type": "cr:FileObject", "@id": "data.csv", "name": "data.csv",
        "contentUrl": "data.csv", "encodingFormat": "text/csv",
        "sha256": "9d0f5f2e0ed0cbd8c3e1b2a0c4f6b7d8e9fa0b1c2d3e4f5a6b7c8d9e0f1a2b3c",
    }],
    "recordSet": [{
        "@type": "cr:RecordSet", "@id": "records", "name": "records",
        "field": [{"@type": "cr:Field", "@id": f"records/{column}", "name": column,
                   "dataType": kind, "source": {"fileObject": {"@id": "data.csv"},
                                                "extract": {"column": column}}}
                  for column, kind in (("sepal_length", "sc:Float"),
                                       ("species", "sc:Text"))],
    }],
}


def _croissant_dataset(tmp_path: Path, raw: bool = False) -> Path:
    """A Frictionless Data Package that ships a croissant.json of its own (and, if ``raw``,
    its sources in data/raw/), as many published datasets do."""
    folder = _frictionless(tmp_path)
    (folder / "croissant.json").write_text(json.dumps(_THEIR_CROISSANT, indent=2), "utf-8")
    if raw:
        (folder / "data" / "raw").mkdir(parents=True)
        (folder / "data" / "raw" / "iris.data").write_text("5.1,setosa\n", "utf-8")
    return folder


def _croissant_dataset_with_raw(tmp_path: Path) -> Path:
    return _croissant_dataset(tmp_path, raw=True)


def _croissant_zip(tmp_path: Path, raw: bool = False, descriptor: bool = False) -> Path:
    """A dataset's zip as a hub publishes it: its croissant.json, its data, no
    datapackage.json (or, if ``descriptor``, another tool's), its sources in data/raw/
    if ``raw``."""
    target = tmp_path / "iris.zip"
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("iris/croissant.json", json.dumps(_THEIR_CROISSANT, indent=2))
        archive.writestr("iris/data.csv", "sepal_length,species\n5.1,setosa\n")
        if raw:
            archive.writestr("iris/data/raw/iris.data", "5.1,setosa\n")
        if descriptor:
            archive.writestr("iris/datapackage.json",
                             '{"name": "iris", "resources": [{"path": "data.csv"}]}')
    return target


def _croissant_zip_with_raw(tmp_path: Path) -> Path:
    return _croissant_zip(tmp_path, raw=True)


def _croissant_package_zip_with_raw(tmp_path: Path) -> Path:
    return _croissant_zip(tmp_path, raw=True, descriptor=True)


def _raw_zip(tmp_path: Path) -> Path:
    """A dataset's zip that keeps its sources in data/raw/ (no croissant.json)."""
    target = tmp_path / "sources.zip"
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("sources/README.md", "# Sources\n")
        archive.writestr("sources/data/raw/a.txt", "A text.\n")
    return target


_THEIR_FOLDER = ("a Data Package of another tool, not a corpuskit package: its "
                 "datapackage.json has no 'corpuskit' section")
_THEIR_ZIP = ("a zip archive of another tool, not a corpuskit package archive: it holds no "
              "datapackage.json")
_THEIR_ZIPPED_PACKAGE = ("a zip archive of another tool, not a corpuskit package archive: "
                         "it holds a Data Package of another tool")


@pytest.mark.parametrize(("make", "what"), [
    (_frictionless, _THEIR_FOLDER),
    (_dataset_zip, _THEIR_ZIP),
    (_zipped_frictionless, _THEIR_ZIPPED_PACKAGE),
    # Another tool's croissant.json, or a data/raw/ folder, is no mark of corpuskit's: such
    # a dataset was a damaged corpuskit package, dozens of problems long (QA: a dataset's
    # zip with a croissant.json).
    (_croissant_dataset, _THEIR_FOLDER),
    (_croissant_dataset_with_raw, _THEIR_FOLDER),
    (_croissant_zip, _THEIR_ZIP),
    (_croissant_zip_with_raw, _THEIR_ZIP),
    (_croissant_package_zip_with_raw, _THEIR_ZIPPED_PACKAGE),
    (_raw_zip, _THEIR_ZIP),
], ids=lambda value: getattr(value, "__name__", "what"))
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


#: How a croissant.json of corpuskit's is kept, stripped, by a package that kept it.
_CROISSANT_KEPT: dict[str, Callable[[dict[str, Any]], object]] = {
    "croissant.json": lambda doc: doc,
    # Its records' FileObject alone tells it.
    "croissant.json without its record set": lambda doc: doc.pop("recordSet"),
    # Its record set of corpuskit's record alone tells it.
    "croissant.json without its records' FileObjects": lambda doc: doc.update(
        distribution=[item for item in doc["distribution"]
                      if item["@type"] != "cr:FileObject"]),
}


@pytest.mark.parametrize("kept", [
    ("croissant.json",), ("croissant.json without its record set",),
    ("croissant.json without its records' FileObjects",), ("a croissant.json cut short",),
    ("data/raw/", "croissant.json"), ("data/raw/", "croissant.json without its record set"),
    ("data/documents.parquet",), ("the records as a resource",),
    ("data/raw/", "the records as a resource"), ("data/raw/", "data/documents.parquet"),
])
def test_a_corpuskit_package_stripped_of_its_bag_records_and_section_is_damaged_still(
        tmp_path: Path, kept: tuple[str, ...]) -> None:
    """A package that lost its bag files, records file and corpuskit section, its raw
    texts, croissant.json and a descriptor listing data/documents.jsonl there still, was
    "a Data Package of another tool" (QA: newb 7). A croissant.json of corpuskit's (by what
    it says), the Parquet copy or the records as a resource is corpuskit's mark: such a
    package is damaged, its raw texts there or not."""
    for given in _stripped(tmp_path, kept):
        codes = {p.code for p in validate(given, jobs=1).problems}
        assert "not-a-package" not in codes, (given, codes)
        with pytest.raises(corpuskit.PackageIntegrityError, match="modified, damaged"):
            corpuskit.load(given)


@pytest.mark.parametrize("kept", [("data/raw/",), ()])
def test_a_corpuskit_package_stripped_of_every_mark_is_another_tools(
        tmp_path: Path, kept: tuple[str, ...]) -> None:
    """One that kept none of them, its raw texts in data/raw/ or not, is told from another
    tool's dataset by nothing: many keep their sources in data/raw/ (QA: a dataset's zip
    with data/raw/ was a damaged corpuskit package)."""
    for given in _stripped(tmp_path, kept):
        assert [p.code for p in validate(given, jobs=1).problems] == ["not-a-package"], given
        with pytest.raises(InputError) as raised:
            corpuskit.load(given)
        assert [p.code for p in raised.value.problems] == ["not-a-package"], given


def _stripped(tmp_path: Path, kept: tuple[str, ...]) -> tuple[Path, Path]:
    """A release stripped of its bag files, records file and section, and of all else of
    corpuskit's but what ``kept`` names; as a folder and zipped by another tool."""
    release = copy_release(tmp_path / "a")
    for name in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt",
                 "tagmanifest-sha256.txt", "data/documents.jsonl"):
        (release / name).unlink()
    descriptor = release / "datapackage.json"
    data = json.loads(descriptor.read_text("utf-8"))
    del data["corpuskit"]
    if "the records as a resource" not in kept:
        data["resources"] = [resource for resource in data["resources"] if resource["path"]
                             not in ("data/documents.jsonl", "data/documents.parquet")]
    descriptor.write_text(json.dumps(data), "utf-8")
    if "data/raw/" not in kept:
        shutil.rmtree(release / "data" / "raw")
    croissant = release / "croissant.json"
    strip = next((_CROISSANT_KEPT[name] for name in kept if name in _CROISSANT_KEPT), None)
    if strip is not None:
        doc = json.loads(croissant.read_text("utf-8"))
        strip(doc)
        croissant.write_text(json.dumps(doc), "utf-8")
    elif "a croissant.json cut short" in kept:
        croissant.write_bytes(croissant.read_bytes()[:100])
    else:
        croissant.unlink()
    if "data/documents.parquet" in kept:
        (release / "data" / "documents.parquet").write_bytes(b"PAR1")
    return release, _zipped(release, tmp_path / f"{release.name}.zip")
