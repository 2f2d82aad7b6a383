"""A folder of releases where a release belongs (QA s81 docs 1): a mistyped ``build --out
dist/t-1.0.0`` into an existing empty folder wrote dist/t-1.0.0/t-1.0.0/ and its zip; then
build called dist/t-1.0.0 a release changed after its build, to restore from a published
copy, validate dist sent a CLI user to ``corpuskit.validate_all``, and check listed every
file of both releases as missing or extra (24 problems). Such an ``--out`` is refused now,
and a folder left so is named once, by each command, with advice to move it out."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import build_into, make_seeds, tree_bytes

import corpuskit
from corpuskit.cli import main

GOOD = {"good.txt": "A good title\n\nA perfectly ordinary paragraph of English text.\n"}
RELEASE = "test-corpus-1.0.0"
#: What no message about a folder of releases may say: it was never a release, and has
#: no published copy; a CLI user is given no Python call.
WRONG_ADVICE = ("restore", "changed after it was built", "validate_all")


def _said(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    return captured.out + captured.err


@pytest.mark.parametrize("command", ["build", "release"])
@pytest.mark.parametrize("out", [RELEASE, "test-corpus-0.9.0", f"{RELEASE}/",
                                 "Test-Corpus-0.9.0"])  # (its name in any case: QA)
@pytest.mark.parametrize("exists", [True, False])
def test_an_out_named_as_a_release_of_the_corpus_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        command: str, out: str, exists: bool) -> None:
    """``--out dist/<name>-<version>`` (of any version; an empty folder, or none yet) is a
    usage error naming the folder of releases to give, and nothing is written there."""
    make_seeds(tmp_path, GOOD)
    monkeypatch.chdir(tmp_path)
    given = f"dist/{out}"
    folder = tmp_path / "dist" / out.rstrip("/")
    if exists:
        folder.mkdir(parents=True)
    args = ["build", "--out", given] if command == "build" else ["release", "--out", given]
    assert main([*args, "-j", "1"]) == 2
    err = capsys.readouterr().err
    assert (f"--out dist/{out.rstrip('/')} names a release's own folder ({folder.name}, a "
            "release of test-corpus), not the folder that holds releases") in err, err
    assert err.rstrip().endswith("give --out the folder that holds releases, for example "
                                 "--out dist"), err
    if exists:
        assert os.listdir(tmp_path / "dist") == [folder.name]
        assert os.listdir(folder) == []  # not even a lock file
    else:
        assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize("command", ["build", "release"])
@pytest.mark.parametrize(("out", "what", "taken_for"), [
    (f"{RELEASE}.zip", "a release's zip", "a damaged release"),
    ("test-corpus-0.9.0.ZIP", "a release's zip", "a damaged release"),
    ("TEST-CORPUS-0.9.0.zip", "a release's zip", "a damaged release"),
    (f"{RELEASE}.zip.sha256", "a release's published checksum",
     "a damaged checksum of a release's zip"),
])
def test_an_out_named_as_a_release_zip_or_its_checksum_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        command: str, out: str, what: str, taken_for: str) -> None:
    """``--out dist/<name>-<version>.zip`` (or its published ``.sha256``) made a folder
    of that name holding the release's folder and zip, which validate then refused as the
    release's zip and build as in its way (QA s81 review 2): a usage error as for the
    release's folder's name, nothing written."""
    make_seeds(tmp_path, GOOD)
    monkeypatch.chdir(tmp_path)
    assert main([command, "--out", f"dist/{out}", "-j", "1"]) == 2
    err = capsys.readouterr().err
    assert (f"--out dist/{out} names {what} ({out}, of a release of test-corpus), not the "
            f"folder that holds releases") in err, err
    assert f"would take {out} for {taken_for}; give --out the folder that holds releases, " \
        "for example --out dist" in err, err
    assert not (tmp_path / "dist").exists()


def test_an_out_named_as_no_release_part_is_built_into(tmp_path: Path) -> None:
    """A ``.sha256`` of a folder's name, or another corpus's zip name, is no part of a
    release of this corpus: built into as any folder."""
    seeds = make_seeds(tmp_path, GOOD)
    for out in (f"{RELEASE}.sha256", "other-corpus-1.0.0.zip"):
        assert build_into(seeds, tmp_path / out).status == "built", out


def test_an_out_named_as_another_corpus_release_is_built_into(tmp_path: Path) -> None:
    """Only a release name of the corpus being built is refused: a folder of releases
    named after another corpus's release is no place any command takes for this one's."""
    seeds = make_seeds(tmp_path, GOOD)
    assert build_into(seeds, tmp_path / "other-corpus-1.0.0").status == "built"


def _releases_in_place(tmp_path: Path, version: str = "1.0.0") -> tuple[Path, Path, Path]:
    """Seeds, dist/ with their release, and a folder of releases named as the release
    of ``version`` in dist/ (moved there: no build writes one any more)."""
    seeds = make_seeds(tmp_path, GOOD)
    build_into(seeds, tmp_path / "elsewhere")
    dist = tmp_path / "dist"
    dist.mkdir()
    nested = dist / f"test-corpus-{version}"
    (tmp_path / "elsewhere").rename(nested)
    return seeds, dist, nested


def test_build_validate_check_and_release_name_a_folder_of_releases_once(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds, dist, nested = _releases_in_place(tmp_path)
    before = tree_bytes(nested)
    what = (f"it is a folder of releases, not a release (it holds {RELEASE}, probably "
            f"from an earlier 'corpuskit build --out {nested}')")

    assert main(["build", str(seeds), "--out", str(dist), "-j", "1"]) == 1
    said = _said(capsys)
    assert said == (f"corpuskit: error: {nested} is where the folder of release {RELEASE} "
                    f"goes, but {what}: move it out of {dist}, then build again\n")

    assert main(["validate", str(dist), "-j", "1"]) == 1
    said = _said(capsys)
    assert (f"{nested}: named as a release in {dist}, but {what}: move it out of {dist} "
            "[not-a-package]\n") in said, said
    assert not any(wrong in said for wrong in WRONG_ADVICE), said
    report = corpuskit.validate_all([dist], jobs=1)  # the library's says the same
    assert [problem.message for problem in report.reports[0].problems] == [
        f"named as a release in {dist}, but {what}: move it out of {dist}"]

    assert main(["check", "--seeds", str(seeds), "--dist", str(dist), "-j", "1"]) == 1
    said = _said(capsys)
    assert said.splitlines()[0] == (
        f"{nested}: named as the folder of version 1.0.0, but {what}: move it out of "
        f"{dist}, then run 'corpuskit build {seeds} --out {dist}' to put the folder and "
        "its zip there [not-a-package]")
    assert f"{dist}: not current, 1 problem" in said.splitlines(), said
    assert not any(wrong in said for wrong in WRONG_ADVICE), said

    assert main(["release", "--seeds", str(seeds), "--out", str(dist), "-j", "1"]) == 1
    said = _said(capsys)
    assert said == (f"corpuskit: error: {nested} is named as a release of test-corpus but "
                    f"{what}; move it out of {dist}, then release again\n")
    assert tree_bytes(nested) == before  # (dist/ holds the build's lock file besides)
    assert [name for name in os.listdir(dist) if not name.startswith(".")] == [RELEASE]

    shutil.move(nested, tmp_path / "kept")  # as advised: then the release is built there
    assert main(["build", str(seeds), "--out", str(dist), "-j", "1"]) == 0
    assert main(["check", "--seeds", str(seeds), "--dist", str(dist), "-j", "1"]) == 0


def test_a_folder_of_releases_named_as_an_older_release_is_moved_not_restored(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Named as another version than the seeds', it is no release of that version either:
    check and validate say to move it out, not to restore it."""
    seeds, dist, nested = _releases_in_place(tmp_path, "0.9.0")
    assert build_into(seeds, dist).status == "built"
    capsys.readouterr()
    for argv in (["check", "--seeds", str(seeds), "--dist", str(dist), "-j", "1"],
                 ["validate", str(dist), "-j", "1"]):
        assert main(argv) == 1
        said = _said(capsys)
        told = [line for line in said.splitlines() if line.startswith(f"{nested}: named")]
        assert len(told) == 1 and told[0].endswith(
            f"it is a folder of releases, not a release (it holds {RELEASE}, probably from "
            f"an earlier 'corpuskit build --out {nested}'): move it out of {dist} "
            "[not-a-package]"), said
        assert not any(wrong in said for wrong in WRONG_ADVICE), said
