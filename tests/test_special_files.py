"""A package folder holding a pipe where a file should be: every command that reads the
folder reports it at once. ``open`` on a FIFO blocks until something writes to it, and a
device can be read forever; corpuskit opens package files without blocking and reads
only regular files (validate and info used to hang)."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from _validate_support import built
from conftest import SEED_RELEASE
from forked_cli import corpuskit_in_child as _corpuskit

import corpuskit
from corpuskit.errors import CorpuskitError

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")


def _with_fifo(tmp_path: Path, member: str) -> Path:
    """A copy of the sample package with ``member`` replaced by a FIFO nobody writes to."""
    package = tmp_path / built().release.name
    shutil.copytree(built().release, package)
    (package / member).unlink()
    os.mkfifo(package / member)
    return package


def _raw_member() -> str:
    return next(str(path.relative_to(built().release))
                for path in sorted((built().release / "data/raw").rglob("*.txt")))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_validate_reports_a_fifo_among_the_raw_files(jobs: str, tmp_path: Path) -> None:
    member = _raw_member()
    package = _with_fifo(tmp_path, member)
    done = _corpuskit("validate", "--jobs", jobs, "--format", "text", str(package))
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{member}: not a regular file (a pipe) [unsafe-path]" in done.stdout  # (QA)
    assert "Traceback" not in done.stderr


def test_validate_and_info_report_a_fifo_in_place_of_the_records(tmp_path: Path) -> None:
    package = _with_fifo(tmp_path, "data/documents.jsonl")
    done = _corpuskit("validate", str(package))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "data/documents.jsonl: not a regular file" in done.stdout
    info = _corpuskit("info", str(package))
    assert info.returncode == 1, info.stdout + info.stderr
    assert "data/documents.jsonl: not a regular file" in info.stderr
    assert "Traceback" not in done.stderr + info.stderr


def test_load_refuses_a_fifo_in_place_of_the_records(tmp_path: Path) -> None:
    package = _with_fifo(tmp_path, "data/documents.jsonl")
    with pytest.raises(CorpuskitError, match=r"data/documents\.jsonl: not a regular file"):
        list(corpuskit.load(package, verify=False))


@pytest.mark.parametrize("member", ["manifest-sha256.txt", "tagmanifest-sha256.txt", "raw"])
def test_load_verifying_names_a_fifo_as_a_failed_file(member: str, tmp_path: Path) -> None:
    """load() verifies the checksums first: a pipe among the package's files is a
    PackageIntegrityError naming it (a manifest that was a pipe escaped as an OSError)."""
    member = _raw_member() if member == "raw" else member
    package = _with_fifo(tmp_path, member)
    with pytest.raises(corpuskit.PackageIntegrityError) as failed:
        corpuskit.load(package)
    assert member in failed.value.paths


@pytest.mark.parametrize("document", ["datapackage.json", "bagit.txt"])
def test_seeds_holding_a_document_named_like_a_package_file_are_seeds(
        document: str, tmp_path: Path) -> None:
    """A folder with a corpus.toml is seeds even when one document is named like a
    package file: validate and info agree with build (they took it for a package)."""
    seeds = tmp_path / "seeds"
    shutil.copytree(built().seeds, seeds)
    (seeds / document).write_text('{"note": "a document of the corpus"}\n')
    report = corpuskit.validate(seeds, jobs=1)
    assert report.valid and report.kind == "seeds", report.problems
    assert corpuskit.build(seeds, tmp_path / "dist", jobs=1).documents == report.documents
    assert _corpuskit("info", str(seeds)).returncode == 0


def test_a_corpus_toml_added_to_a_package_is_reported_not_taken_for_seeds(
        tmp_path: Path) -> None:
    package = tmp_path / built().release.name
    shutil.copytree(built().release, package)
    shutil.copyfile(built().seeds / "corpus.toml", package / "corpus.toml")
    (package / "bagit.txt").unlink()
    report = corpuskit.validate(package, jobs=1)
    assert report.kind == "package"
    assert {("corpus.toml", "unlisted-file"), ("bagit.txt", "missing-file")} <= \
        {(p.path, p.code) for p in report.problems}


@pytest.mark.parametrize("command", ["validate", "info", "build"])
@pytest.mark.parametrize("kind", ["fifo", "folder", "broken link", "link loop",
                                  "link outside", "link inside"])
def test_a_corpus_toml_that_is_no_file_is_named_not_missing(command: str, kind: str,
                                                            tmp_path: Path) -> None:
    """Seeds whose corpus.toml is a pipe, a folder, a dangling link or a loop of links:
    every command says what corpus.toml is, at once (a pipe used to block build forever),
    and never that the folder is no seeds folder at all. A link is refused as CHANGELOG.md's
    is, in the folder or out of it (QA: accepted, the build depended on a file the
    repository does not hold, or took the config for a document too, and release replaced
    the link with a file)."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("Title\n\nSome text.\n", encoding="utf-8")
    config = seeds / "corpus.toml"
    if kind == "fifo":
        os.mkfifo(config)
    elif kind == "folder":
        config.mkdir()
    elif kind == "broken link":
        config.symlink_to("missing.toml")
    elif kind == "link loop":
        config.symlink_to("corpus.toml")
    else:
        real = tmp_path / "elsewhere.toml" if kind == "link outside" else seeds / "sub" / "c.toml"
        real.parent.mkdir(exist_ok=True)
        real.write_text(
            'name = "c"\ntitle = "C"\nversion = "1.0.0"\ndescription = "A corpus."\n'
            'licenses = [{ name = "CC0-1.0" }]\n[[sources]]\ntitle = "Mine"\n',
            encoding="utf-8")
        config.symlink_to(real)
    args = [command, str(seeds)] + (["--out", str(tmp_path / "out")] if command == "build"
                                    else [])
    done = _corpuskit(*args)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    output = done.stdout + done.stderr
    assert "corpus.toml" in output and "not-a-package" not in output
    if kind == "broken link":
        assert "symbolic link to 'missing.toml'" in output
    elif kind == "link loop":
        assert "a loop of links" in output
    elif kind.startswith("link "):
        assert ("outside the seeds folder" in output) == (kind == "link outside")
        assert "must be a regular file of the seeds folder" in output
        assert ("remove the link, then copy '" + str(tmp_path / "elsewhere.toml") + "'"
                if kind == "link outside" else "remove the link, then move 'sub/c.toml'") \
            in output
    else:
        assert "not a regular file" in output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["info", "diff", "export"])
def test_a_package_path_that_is_a_pipe_is_named_as_one(command: str, tmp_path: Path) -> None:
    """info, diff and export of a named pipe said "no such file or folder"."""
    pipe = tmp_path / "pipe.zip"
    os.mkfifo(pipe)
    args = {"info": [str(pipe)], "diff": [str(pipe), str(built().release)],
            "export": [str(pipe), "--format", "csv", "--out", str(tmp_path / "x.csv")]}
    done = _corpuskit(command, *args[command])
    assert done.returncode == 1, done.stderr
    assert (f"error: {pipe}: not a regular file or folder (a pipe, socket or device); pass "
            "a package folder or .zip archive [not-a-package]") in done.stderr
    assert "no such file" not in done.stderr


def test_validate_reports_a_fifo_in_place_of_the_descriptor(tmp_path: Path) -> None:
    """Every reader of datapackage.json refuses a pipe at once (the check of the folder's
    name against its release, too): a read of one would block forever."""
    package = _with_fifo(tmp_path, "datapackage.json")
    done = _corpuskit("validate", str(package))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "datapackage.json: not a regular file" in done.stdout
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("command", ["build", "check", "release"])
def test_a_pipe_for_a_releases_descriptor_in_dist_never_blocks(command: str,
                                                               tmp_path: Path) -> None:
    """build, check and release read the descriptor of each release in the output folder
    (which is the latest, which lends its raw files): a pipe there hung all three."""
    repo = Path(__file__).resolve().parents[1]
    seeds = Path(shutil.copytree(repo / "seeds", tmp_path / "seeds"))
    dist = Path(shutil.copytree(repo / "dist", tmp_path / "dist"))
    release = dist / SEED_RELEASE.name  # the release of the seeds, the latest
    (release / "datapackage.json").unlink()
    os.mkfifo(release / "datapackage.json")
    args = {"build": [str(seeds), "--out", str(dist), "--no-cache"],
            "check": ["--seeds", str(seeds), "--dist", str(dist)],
            "release": ["--seeds", str(seeds), "--out", str(dist), "--no-cache"]}[command]
    done = _corpuskit(command, *args)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert release.name in done.stdout + done.stderr


def test_a_pipe_given_as_the_target_is_said_to_be_one(tmp_path: Path) -> None:
    """QA: ``validate x.zip`` of a pipe was told it had no corpus.toml and no
    datapackage.json; it is said to be a pipe, never opened (no hang)."""
    pipe = tmp_path / "x-1.0.0.zip"
    os.mkfifo(pipe)
    [problem] = corpuskit.validate(pipe, jobs=1).problems
    assert (problem.code, problem.message) == (
        "not-a-package", "a pipe, not a package folder, package archive or seeds folder; "
        "never read (give the path of a file or folder)")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_pipe_beside_the_output_folder_named_as_its_zip_is_never_opened(
        tmp_path: Path) -> None:
    """A pipe at ``<out>.zip`` was opened to see whether it was the sealed zip of a release
    whose folder ``--out`` would be (QA): the build waited on it for ever. It is no zip:
    the build is made at once, the pipe left as it was."""
    from conftest import make_seeds

    seeds = make_seeds(tmp_path, {"a.txt": "A note\n\nIt rained.\n"})
    pipe = tmp_path / "out.zip"
    os.mkfifo(pipe)
    done = _corpuskit("build", seeds, "--out", tmp_path / "out", "--no-cache", timeout=30)
    assert done.returncode == 0, done.stderr
    assert any((tmp_path / "out").glob("*.zip"))
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)


def test_a_folder_in_place_of_the_records_is_named_a_folder(tmp_path: Path) -> None:
    """It was "not a regular file (device, socket or pipe)" (QA)."""
    package = tmp_path / built().release.name
    shutil.copytree(built().release, package)
    (package / "data/documents.jsonl").unlink()
    (package / "data/documents.jsonl").mkdir()
    info = _corpuskit("info", str(package))
    assert info.returncode == 1, info.stdout + info.stderr
    assert "data/documents.jsonl: not a regular file (a folder) [unsafe-path]" in info.stderr
