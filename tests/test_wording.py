"""Counts in messages: one document, two documents (a build of one said "1 documents")."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_seeds

from corpuskit.cli import main
from corpuskit.wording import as_given, counted


@pytest.mark.parametrize(("count", "noun", "grouped", "expected"), [
    (0, "document", False, "0 documents"),
    (1, "document", False, "1 document"),
    (2, "problem", False, "2 problems"),
    (12500, "document", False, "12500 documents"),
    (12500, "document", True, "12,500 documents"),
    (1, "package metadata field", True, "1 package metadata field"),
])
def test_counted(count: int, noun: str, grouped: bool, expected: str) -> None:
    assert counted(count, noun, grouped=grouped) == expected


@pytest.mark.parametrize(("files", "shown"), [
    ({"a.txt": "One document.\n"}, "(1 document, sha256:"),
    ({"a.txt": "One document.\n", "b.txt": "Another one.\n"}, "(2 documents, sha256:"),
])
def test_the_build_message_counts_its_documents(tmp_path: Path, files: dict[str, str],
                                                shown: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    seeds = make_seeds(tmp_path, files)
    assert main(["build", str(seeds), "--out", str(tmp_path / "dist")]) == 0
    assert shown in capsys.readouterr().err


def test_advice_names_the_folders_a_command_was_given() -> None:
    """check and release said "run 'corpuskit build'" where the user had given --seeds and
    --dist: run as shown, it built the default folders (QA)."""
    from pathlib import Path

    from corpuskit.wording import command

    assert command("build", seeds=Path("seeds"), out=Path("dist")) == "corpuskit build"
    assert command("build", seeds=Path("s Y"), out=Path("dY")) == \
        'corpuskit build "s Y" --out dY'  # in double quotes: advice quotes it in single
    assert command("build", seeds=Path("s $Y"), out=Path("d'Y")) == \
        "corpuskit build 's $Y' --out \"d'Y\""  # single quotes where double would not do
    assert command("release", seeds=Path("sY"), out=Path("dist"), arguments=("minor",)) == \
        "corpuskit release minor --seeds sY"
    assert command("check", seeds=Path("seeds"), dist=Path("small/dist")) == \
        "corpuskit check --dist small/dist"


def test_a_folder_is_named_as_the_path_given_names_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages name paths as given: a folder holding a path is named through the path as
    given (its parents, then ``..``), and where that names another folder, absolutely."""
    (tmp_path / "a" / "b" / "c").mkdir(parents=True)
    (tmp_path / "link").symlink_to(tmp_path / "a" / "b")
    monkeypatch.chdir(tmp_path / "a")
    folder = (tmp_path / "a" / "b").resolve()

    def named(given: str, folder: Path = folder) -> Path:
        return as_given(folder, Path(given).resolve(), Path(given))

    assert named("b/c/x.csv") == Path("b")
    assert named("b") == Path("b")
    assert named("b/c") == Path("b")
    assert named("../link/c") == Path("../link")  # through the link, as given
    assert named(str(tmp_path / "a" / "b" / "c")) == tmp_path / "a" / "b"
    assert named("b/../b/c") == Path("b/../b")  # which is that folder still
    above = (tmp_path / "a").resolve()  # its parent as given is another folder: absolute
    assert named("../link/c/x.csv", above) == above  # "../link" is a/b: ".." is not a
    monkeypatch.chdir(tmp_path / "a" / "b" / "c")
    assert named(".") == Path("..")
    assert named("x.csv") == Path("..")
    assert as_given(tmp_path.resolve(), Path("x.csv").resolve(), Path("x.csv")) \
        == Path("../../..")
