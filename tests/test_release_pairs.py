"""A release folder and the zip beside it hold one package: a zip of other content, valid
on its own, is reported when both are validated (``validate dist`` passed such a pair)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import make_seeds

from corpuskit.build import build
from corpuskit.cli import main
from corpuskit.validation import validate_all


def _dist(tmp_path: Path, name: str, text: str) -> Path:
    seeds = make_seeds(tmp_path / name, {"a.txt": text, "b.txt": "The same in both.\n"})
    build(seeds, tmp_path / name / "dist", jobs=1)
    return tmp_path / name / "dist"


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """dist/ holding the folder of one build and the zip of another of the same release."""
    dist = _dist(tmp_path, "one", "A first text.\n")
    other = _dist(tmp_path, "two", "Another text.\n")
    [archive] = dist.glob("*.zip")
    shutil.copyfile(other / archive.name, archive)
    return dist


def test_a_zip_of_other_content_beside_its_folder_is_reported(mixed: Path) -> None:
    folder, archive = validate_all([mixed])
    assert folder.valid and folder.kind == "package"
    [problem] = archive.problems
    assert problem.code == "metadata-mismatch" and problem.path == "."
    assert problem.message.startswith(f"holds another package than the release folder "
                                      f"{Path(folder.target).name}/ beside it (")
    assert "datapackage.json" in problem.message and "manifest-sha256.txt" in problem.message
    # the data files that differ too, not only the manifest that lists them (QA)
    assert "data/documents.jsonl" in problem.message and "data/raw/a.txt" in problem.message
    assert "data/raw/b.txt" not in problem.message  # the same in both
    # Named one by one, each is valid alone; named together, the pair is compared.
    assert all(report.valid for path in sorted(mixed.iterdir()) if not path.name.startswith(".")
               for report in validate_all([path]))
    assert not validate_all(sorted(p for p in mixed.iterdir()
                                       if not p.name.startswith(".")))[1].valid


def test_the_cli_fails_on_the_pair(mixed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(mixed)]) == 1
    assert "[metadata-mismatch]" in capsys.readouterr().out
    assert main(["validate", "--fast", str(mixed)]) == 1  # two small files compared


def test_a_release_and_its_own_zip_pass(tmp_path: Path) -> None:
    dist = _dist(tmp_path, "one", "A first text.\n")
    reports = validate_all([dist])
    assert [report.kind for report in reports] == ["package", "archive"]
    assert all(report.valid for report in reports)
