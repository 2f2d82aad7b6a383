"""A package's CHANGELOG.md is held to what a build packages (QA: once re-signed, one
holding NUL and ESC bytes, bytes that are not UTF-8, an entry for a version after the
package's, or nothing at all, passed every mode of validate, even --reproduce).

Each edit below changes CHANGELOG.md and re-signs the package (every checksum, count and
seal made to agree): the changelog's own check is all that can see it, in the package
folder and its zip alike. A changelog a maintainer may write (no entry for the version
built, which ``build`` alone never adds; a heading that names no version; CRLF line ends)
stays valid, and so does an older line's release built beside the newer one whose entry
its changelog holds, as ``build`` allows.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from _validate_support import EPOCH, copy_release, resign, write_seeds, zip_of

import corpuskit

#: How each package is checked.
MODES: dict[str, dict[str, Any]] = {
    "full": {"jobs": 1}, "fast": {"fast": True, "jobs": 1},
    "reproduce": {"reproduce": True, "jobs": 1},
}

CHANGELOG = "CHANGELOG.md"


def _version(package: Path) -> str:
    version: str = json.loads((package / "datapackage.json").read_bytes())["version"]
    return version


#: An edit of a built CHANGELOG.md (its bytes and the package's version → the new bytes),
#: and the problems it must give: (code, location).
FORGED: dict[str, tuple[Any, set[tuple[str, str]]]] = {
    "NUL and ESC": (lambda data, v: data + b"\x00\x1b[2J\x1b[31mpwned\n",
                    {("binary-file", "line 6")}),
    "C1 control": (lambda data, v: data.replace(b"\n\n", "\n\u009b31m\n".encode(), 1),
                   {("binary-file", "line 2")}),
    "not UTF-8": (lambda data, v: data + b"caf\xe9\n", {("undecodable", "line 6")}),
    "empty": (lambda data, v: b"", {("empty-document", "")}),
    "whitespace only": (lambda data, v: b" \n\n\t\n", {("empty-document", "")}),
    "an entry after the package's version": (
        lambda data, v: data.replace(f"## {v}".encode(),
                                     f"## 9.0.0 (2024-01-01)\n\n- 5 documents removed.\n\n"
                                     f"## {v}".encode()),
        {("metadata-mismatch", "line 3")}),
    "two entries ahead, spelled otherwise": (
        lambda data, v: data.replace(f"## {v}".encode(),
                                     f"## [Unreleased]\n\n## v2.0.0\n\n- x\n\n1.1\n---\n\n"
                                     f"## {v}".encode()),
        {("metadata-mismatch", "line 5"), ("metadata-mismatch", "line 9")}),
}

#: Edits a maintainer's CHANGELOG.md may hold, which a build packages as they are.
KEPT: dict[str, Any] = {
    "no entry for its own version": lambda data, v: data.replace(f"## {v}".encode(),
                                                                 b"## 0.1.0"),
    "no entry at all": lambda data, v: b"# History\n\nWritten by hand.\n",
    "an entry for no version, and one in a code block": lambda data, v: data.replace(
        f"## {v}".encode(), f"## [Unreleased]\n\n    ## 9.0.0\n\n## {v}".encode()),
    "CRLF, TAB and FF": lambda data, v: data.replace(b"\n", b"\r\n") + b"\tx\x0c\r\n",
}


def _forged(tmp_path: Path, edit: Any) -> tuple[Path, Path]:
    release = copy_release(tmp_path)
    path = release / CHANGELOG
    path.write_bytes(edit(path.read_bytes(), _version(release)))
    resign(release)
    return release, zip_of(release, tmp_path)


@pytest.mark.parametrize("case", list(FORGED))
def test_a_changelog_no_build_writes_is_reported(case: str, tmp_path: Path) -> None:
    edit, expected = FORGED[case]
    release, archive = _forged(tmp_path, edit)
    for target in (release, archive):
        for mode, options in MODES.items():
            report = corpuskit.validate(target, **options)
            found = {(p.path, p.code, p.location) for p in report.problems}
            assert found == {(CHANGELOG, code, where) for code, where in expected}, (
                target.name, mode, [p.render() for p in report.problems])
            for problem in report.problems:
                assert "no build packages" in problem.message
                assert "restore the file from the release" in problem.message


@pytest.mark.parametrize("case", list(KEPT))
def test_a_changelog_a_build_may_package_stays_valid(case: str, tmp_path: Path) -> None:
    release, archive = _forged(tmp_path, KEPT[case])
    for target in (release, archive):
        report = corpuskit.validate(target, jobs=1)
        assert report.valid, (target.name, [p.render() for p in report.problems])


def test_an_older_line_keeps_the_newer_entry_beside_its_release(tmp_path: Path) -> None:
    """0.9.1 built after 1.0.0 into the same folder, its changelog holding 1.0.0's entry
    (which build allows): valid there, and named, with what to do, away from 1.0.0."""
    files = {"a.txt": b"Title\n\nA body of text, long enough to be a document.\n"}
    seeds = write_seeds(tmp_path / "seeds", files, version="1.0.0")
    dist = tmp_path / "dist"
    corpuskit.build(seeds, dist, source_date_epoch=EPOCH, jobs=1)
    (seeds / CHANGELOG).write_text("# Changelog\n\n## 1.0.0 (2023-11-14)\n\n- 1 document.\n")
    seeds = write_seeds(seeds, files, version="0.9.1")
    older = corpuskit.build(seeds, dist, source_date_epoch=EPOCH, jobs=1)
    assert corpuskit.validate_all([dist], jobs=1).valid
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copyfile(older.archive, alone / older.archive.name)
    report = corpuskit.validate(alone / older.archive.name, jobs=1)
    assert [(p.path, p.code, p.location) for p in report.problems] == [
        (CHANGELOG, "metadata-mismatch", "line 3")]
    assert "validate it beside that release" in report.problems[0].message
