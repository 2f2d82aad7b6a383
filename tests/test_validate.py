"""corpuskit validate: reports, output formats, and each check on its own kind of damage."""

from __future__ import annotations

import json
import os
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from _validate_support import (
    EPOCH,
    NAME,
    built,
    codes,
    copy_archive,
    copy_release,
    records,
    resign,
    restate_metadata,
    run,
    write_records,
    write_seeds,
    zip_of,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from property_budget import examples

import corpuskit
from corpuskit.config import UNICODE_ENCODINGS, ProcessConfig
from corpuskit.errors import InputError, ReleaseExistsError
from corpuskit.package import process_settings
from corpuskit.problems import CODES, Problem
from corpuskit.recordshape import (
    KNOWN_COLUMN_PATTERNS,
    KNOWN_PATTERNS,
    compile_columns,
    compile_shape,
    compile_table,
)
from corpuskit.schemacheck import load_schema
from corpuskit.validation import (
    ValidationReport,
    process_config_from_settings,
    render_github,
    render_text,
    validate,
)
from corpuskit.validation.croissant import croissant_mismatches

REPORT_SCHEMA = jsonschema.Draft202012Validator(load_schema("report.schema.json"))


# -- valid targets, every format ----------------------------------------------------------

@pytest.mark.parametrize("which", ["release", "archive", "seeds"])
def test_valid_targets_pass(which: str) -> None:
    target = getattr(built(), which)
    report = validate(target, jobs=1)
    assert report.valid, render_text(report)
    assert report.kind == {"release": "package", "archive": "archive", "seeds": "seeds"}[which]
    assert report.documents == 14
    REPORT_SCHEMA.validate(report.as_dict())


def test_validate_is_exported() -> None:
    assert corpuskit.validate is validate


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_cli_valid_in_every_format(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    paths = [str(built().release), str(built().archive), str(built().seeds)]
    code, out, err = run(capsys, "validate", "--format", fmt, *paths)
    assert code == 0, out + err
    if fmt == "json":
        data = json.loads(out)
        REPORT_SCHEMA.validate(data)
        assert data["valid"] is True and len(data["reports"]) == 3
    elif fmt == "text":
        assert out.count(": valid ") == 3 and "problem" not in out
    else:
        assert "::error" not in out and out.count("::notice") == 3


@pytest.mark.parametrize("which", ["release", "archive", "seeds", "damaged"])
def test_cli_json_equals_library_result(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                        which: str) -> None:
    if which == "damaged":
        target = copy_release(tmp_path)
        (target / "README.md").write_text("changed\n")
        (target / "stray.txt").write_text("not listed\n")
    else:
        target = getattr(built(), which)
    code, out, _ = run(capsys, "validate", "--json", "--jobs", "1", str(target))
    expected = validate(target, jobs=1).as_dict()
    assert json.loads(out) == expected
    REPORT_SCHEMA.validate(expected)
    assert code == (1 if which == "damaged" else 0)


@pytest.mark.parametrize("form", ["./{}", "{}/", "{}"])
def test_the_target_is_reported_as_given(form: str, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The schema says the target is "the path checked, as given": the CLI, through
    click's Path, reported ./seeds and seeds/ as "seeds", the library as given (QA)."""
    release = built().release
    monkeypatch.chdir(release.parent)
    given = form.format(release.name)
    code, out, _ = run(capsys, "validate", "--json", "--jobs", "1", given)
    assert code == 0
    assert json.loads(out)["target"] == given == validate(given, jobs=1).as_dict()["target"]
    code, out, _ = run(capsys, "validate", "--jobs", "1", given)
    assert out.startswith(f"{given}: valid package (")


def test_report_lists_every_problem_with_path_code_and_location(tmp_path: Path) -> None:
    target = copy_release(tmp_path)
    (target / "README.md").write_text("changed\n")
    (target / "stray.txt").write_text("not listed\n")
    (target / "data/raw/nfd.txt").unlink()
    report = validate(target, jobs=1)
    found = {(p.path, p.code) for p in report.problems}
    assert ("README.md", "checksum-mismatch") in found
    assert ("stray.txt", "unlisted-file") in found
    assert ("data/raw/nfd.txt", "missing-file") in found
    assert ("bag-info.txt", "size-mismatch") in found  # Payload-Oxum
    assert any(p.code == "missing-file" and p.location == "" for p in report.problems)
    data = report.as_dict()
    REPORT_SCHEMA.validate(data)
    assert data["counts"]["problems"] == len(data["problems"]) == len(report.problems)
    assert data["valid"] is False and data["report_version"] == 1


def test_text_format_lines(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = copy_release(tmp_path)
    lines = (target / "manifest-sha256.txt").read_text().splitlines()
    lines[2] = "nothex  data/raw/x.txt"
    (target / "manifest-sha256.txt").write_text("\n".join(lines) + "\n")
    code, out, err = run(capsys, "validate", str(target))
    assert code == 1
    assert f"{target}/manifest-sha256.txt:line 3: " in out and "[bagit-error]" in out
    assert out.strip().splitlines()[-1].startswith(f"{target}: ")
    assert "problem" in err


def test_github_format_escapes_and_annotates(tmp_path: Path) -> None:
    report = ValidationReport("dist/a,b:c", "package", (
        Problem("data/x%.jsonl", "schema-error", "50% bad\nsecond line\r", "line 7 /title"),
        Problem("datapackage.json", "checksum-mismatch", "differs", "/resources/0/hash"),
    ))
    lines = render_github(report)[1:]  # after the summary
    assert lines[0] == ("::error file=dist/a%2Cb%3Ac/data/x%25.jsonl,line=7,title=schema-error"
                        "::/title: 50%25 bad%0Asecond line%0D")
    assert lines[1] == ("::error file=dist/a%2Cb%3Ac/datapackage.json,title=checksum-mismatch"
                        "::/resources/0/hash: differs")


def test_github_format_for_archives_names_the_member(capsys: pytest.CaptureFixture[str],
                                                     tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(built().archive) as src, zipfile.ZipFile(archive, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("validate-sample-1.0.0/../escape.txt", b"x")
    code, out, _ = run(capsys, "validate", "--format", "github", str(archive))
    assert code == 1
    assert f"::error file={archive},title=unsafe-path::validate-sample-1.0.0/../escape.txt" in out


def test_github_format_for_archives_sets_no_line_of_the_archive() -> None:
    """A line number is of the member, not of the zip: it goes into the message, after the
    member, as the text format writes it; other locations likewise."""
    report = ValidationReport("dist/a.zip", "archive", (
        Problem("data/documents.jsonl", "record-mismatch", "words differ", "line 3"),
        Problem("bag-info.txt", "bagit-error", "says 9 files", "Payload-Oxum"),
        Problem(".", "archive-error", "truncated"),
    ))
    assert render_github(report) == [
        "::error title=corpuskit::dist/a.zip: 3 problems in archive (0 documents, 0 files; "
        "full checks); it is not as it was built: get it again from where it was published, "
        "or restore it from version control (a build of your own of the seeds' version that "
        "was never published: remove it and run 'corpuskit build')",
        "::error file=dist/a.zip,title=record-mismatch::data/documents.jsonl:line 3: "
        "words differ",
        "::error file=dist/a.zip,title=bagit-error::bag-info.txt:Payload-Oxum: says 9 files",
        "::error file=dist/a.zip,title=archive-error::truncated",
    ]


def test_github_format_sums_up_every_target_with_its_advice(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A valid target's summary was a ::notice, an invalid one's nothing: what the text
    format's summary says to do (get the package again, chmod, how many are not listed)
    was in no annotation, and the log said only "1 problem found" (QA). Each target's
    summary is an annotation: ``::error`` when it is invalid."""
    damaged = copy_release(tmp_path)
    (damaged / "README.md").write_text("changed\n")
    sound = built().release
    code, out, _ = run(capsys, "validate", "--format", "github", "--jobs", "1", str(damaged),
                       str(sound))
    assert code == 1
    summaries = [line for line in out.splitlines() if "title=corpuskit::" in line]
    assert summaries == [
        f"::error title=corpuskit::{validate(damaged, jobs=1).summary()}",
        f"::notice title=corpuskit::{validate(sound, jobs=1).summary()}"]
    assert "it is not as it was built: get it again from where it was published" \
        in summaries[0]


def test_github_annotations_name_files_from_the_repository_top(
        capsys: pytest.CaptureFixture[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """From a step with ``working-directory: corpora/news`` (or with ``../dist``), file=
    was relative to that folder, which GitHub's runner reads from the repository's top:
    the annotations pointed at no file (QA ciauthor 2). With GITHUB_WORKSPACE set, a path
    inside it is named from it; one outside it is left as it was."""
    news = tmp_path / "corpora" / "news"
    damaged = copy_release(news / "dist")
    (damaged / "README.md").write_text("changed\n")
    (news / "seeds").mkdir()
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    top = f"corpora/news/dist/{damaged.name}"
    for where, path in ((news, f"dist/{damaged.name}"),
                        (news / "seeds", f"../dist/{damaged.name}"), (tmp_path, top),
                        (news, str(damaged))):
        monkeypatch.chdir(where)
        code, out, _ = run(capsys, "validate", "--format", "github", "--jobs", "1", path)
        assert code == 1 and f"::error file={top}/README.md,title=checksum-mismatch::" in out, \
            (path, out)
        assert "file=dist/" not in out and "file=../" not in out
    monkeypatch.setenv("GITHUB_WORKSPACE", str(news / "seeds"))  # the package is outside it
    monkeypatch.chdir(news)
    code, out, _ = run(capsys, "validate", "--format", "github", "--jobs", "1",
                       f"dist/{damaged.name}")
    assert code == 1 and f"::error file=dist/{damaged.name}/README.md," in out, out


def test_github_annotations_name_a_file_reached_through_a_link_from_the_workspace(
        capsys: pytest.CaptureFixture[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A release given through a symbolic link into the workspace, the workspace given by
    its real path: file= kept the absolute path through the link, which GitHub's runner
    makes relative only under the workspace as it names it (QA s82 review 7). The path is
    compared where its links lead, and named from the workspace."""
    repo = tmp_path / "repo"
    damaged = copy_release(repo / "dist")
    (damaged / "README.md").write_text("changed\n")
    (tmp_path / "link").symlink_to(repo)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.setenv("GITHUB_WORKSPACE", str(repo))
    monkeypatch.chdir(tmp_path / "elsewhere")
    code, out, _ = run(capsys, "validate", "--format", "github", "--jobs", "1",
                       str(tmp_path / "link" / "dist" / damaged.name))
    assert code == 1 and (f"::error file=dist/{damaged.name}/README.md,"
                          "title=checksum-mismatch::") in out, out
    assert f"file={tmp_path}" not in out, out


def test_github_format_gives_each_target_s_advice_before_its_problems(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A release whose text files Git checked out with CR LF: its summary, the one
    annotation that says what to do (the .gitattributes lines), was the 130th of 130
    ::error lines, and GitHub shows the first 10 of a step (QA ciauthor 3). Each target's
    summary comes before its problems' annotations."""
    from corpuskit.lineends import CONVERTED

    (tmp_path / ".git").mkdir()  # a repository's checkout
    damaged = copy_release(tmp_path / "dist")
    for path in damaged.rglob("*"):
        data = path.read_bytes() if path.is_file() else b"\0"
        if b"\0" not in data and path.suffix != ".parquet":  # as Git converts text files
            path.write_bytes(data.replace(b"\n", b"\r\n"))
    code, out, _ = run(capsys, "validate", "--format", "github", "--jobs", "1",
                       str(tmp_path / "dist"))
    errors = [line for line in out.splitlines() if line.startswith("::error")]
    assert code == 1 and len(errors) > 10, out
    assert errors[0].startswith(f"::error title=corpuskit::{damaged}: ")
    assert "dist/** -text" in errors[0] and CONVERTED in errors[0], errors[0]


def test_a_zip_git_converted_is_said_to_be_so(
        capsys: pytest.CaptureFixture[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A release kept as its zip, checked out with a text attribute forced on it (a later
    '* text eol=crlf' in .gitattributes): every LF became CR LF, and validate told to get
    it again or restore it from version control, which writes the same bytes (QA ciauthor
    4). Its seal's problem says Git converted it, and the summary what to do."""
    from corpuskit.lineends import CONVERTED

    monkeypatch.chdir(tmp_path)
    Path(".git").mkdir()  # a repository's checkout
    Path("dist").mkdir()
    archive = copy_archive(Path("dist"))
    archive.write_bytes(re.sub(rb"(?<!\r)\n", b"\r\n", archive.read_bytes()))  # as Git
    report = validate(archive, jobs=1)
    [seal] = [p for p in report.problems if p.code == "archive-seal-mismatch"]
    assert CONVERTED in seal.message, seal
    summary = report.summary()
    assert "'dist/** -text'" in summary and "git checkout -- dist" in summary, summary
    assert "restore it from version control" not in summary, summary
    code, out, _ = run(capsys, "validate", "--format", "github", "--jobs", "1", str(archive))
    assert code == 1 and out.startswith(f"::error title=corpuskit::{archive}: ") \
        and "dist/** -text" in out.splitlines()[0], out
    # a zip damaged otherwise is not said to be converted: an LF of it stands alone
    damaged = built().archive.read_bytes()
    archive.write_bytes(damaged[:100] + bytes([damaged[100] ^ 1]) + damaged[101:])
    assert not any(CONVERTED in p.message for p in validate(archive, jobs=1).problems)


def _with_crlf_readme(dist: Path) -> tuple[Path, Any, Problem]:
    """A copy of the sample release in ``dist`` whose README.md has CR LF line ends (as Git,
    an editor or a transfer in text mode writes it), its report, and that file's one
    checksum-mismatch."""
    release = copy_release(dist)
    readme = release / "README.md"
    readme.write_bytes(readme.read_bytes().replace(b"\n", b"\r\n"))
    report = validate(release, jobs=1)
    [converted] = [p for p in report.problems if p.code == "checksum-mismatch"]
    return release, report, converted


def test_line_ends_converted_where_no_git_work_tree_is_not_blamed_on_git(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A consumer's package in no repository, a file of it made CR LF by an editor or
    unix2dos, or its zip by an FTP transfer in ASCII mode: validate said Git's line-end
    handling did it and advised a .gitattributes and 'git checkout -- .', which in a
    repository around it would discard uncommitted work (QA s101). Where no Git work tree
    holds the package, the conversion is named, and the advice is to get it again as
    binary, or to restore the line ends."""
    from corpuskit.lineends import CONVERTED, CONVERTED_OUTSIDE_GIT

    release, report, converted = _with_crlf_readme(tmp_path / "dist")
    assert converted.path == "README.md" and converted.message.endswith(
        f"once their line ends are made LF again: {CONVERTED_OUTSIDE_GIT}"), converted
    summary = report.summary()
    assert "README.md holds other line ends than its manifests record: get the package " \
        "again from where it was published, and copy or transfer it as binary" in summary
    assert "git" not in summary.lower() and CONVERTED not in summary, summary
    code, out, _ = run(capsys, "validate", "--format", "github", str(release))
    assert code == 1 and "as binary" in out.splitlines()[0] and "git checkout" not in out
    # The same in a Git work tree is Git's, as before.
    (tmp_path / ".git").mkdir()
    summary = validate(release, jobs=1).summary()
    assert CONVERTED in summary and "'dist/** -text'" in summary, summary
    (tmp_path / ".git").rmdir()
    # A zip whose every LF became CR LF in a transfer in text mode.
    archive = copy_archive(tmp_path / "dist")
    archive.write_bytes(re.sub(rb"(?<!\r)\n", b"\r\n", archive.read_bytes()))
    report = validate(archive, jobs=1)
    [seal] = [p for p in report.problems if p.code == "archive-seal-mismatch"]
    assert CONVERTED_OUTSIDE_GIT in seal.message and CONVERTED not in seal.message, seal
    summary = report.summary()
    assert ("it has CR LF where the zip as written has LF: get it again from where it was "
            "published, and copy or transfer it as binary") in summary, summary
    assert "git" not in summary.lower(), summary


def test_an_archive_another_tool_zipped_again_is_told_so_in_its_summary(
        tmp_path: Path) -> None:
    """A package unzipped and zipped again by another tool (folder entries, other local
    headers, no seal) got a problem per entry, and only the seal's, among them, said why:
    the summary said "not as it was built" (QA s101). It says the zip is not the one
    corpuskit wrote, as when another tool zips a package again, and what to do; a zip
    damaged otherwise is not told so."""
    release = built().release
    archive = tmp_path / f"{release.name}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as rezipped:
        for path in sorted(release.rglob("*")):  # folders too, as zip -r writes them
            rezipped.write(path, f"{release.name}/{path.relative_to(release).as_posix()}")
    report = validate(archive, jobs=1)
    assert {"archive-metadata", "archive-seal-mismatch"} <= {p.code for p in report.problems}
    assert report.summary().endswith(
        "it is not the zip corpuskit wrote: it is not sealed and its entries are not in "
        "corpuskit's form, as when a package is unzipped and zipped again by another tool: get "
        "the zip again from where it was published, or validate the folder it was unzipped "
        "from"), report.summary()
    (tmp_path / "dist").mkdir()
    sealed = copy_archive(tmp_path / "dist")  # its seal cut only: not another tool's zip
    data = sealed.read_bytes()
    sealed.write_bytes(data[:-81 - 2] + b"\0\0")  # the comment's length 0, the seal gone
    report = validate(sealed, jobs=1)
    [seal] = [p for p in report.problems if p.code == "archive-seal-mismatch"]
    assert seal.message.startswith("the archive is not sealed"), seal
    assert "not the zip corpuskit wrote" not in report.summary(), report.summary()


def test_missing_path_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "validate", str(tmp_path / "nowhere"))
    assert code == 2 and "does not exist" in err
    report = validate(tmp_path / "nowhere")
    assert codes(report) == {"not-a-package"}


def test_a_seeds_folders_corpus_toml_given_is_sent_to_its_folder(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """'validate seeds/corpus.toml' was told "not a seeds folder (no corpus.toml)" (QA)."""
    seeds = tmp_path / "seeds"
    shutil.copytree(built().seeds, seeds)
    [problem] = validate(seeds / "corpus.toml").problems
    assert (problem.code, problem.message) == (
        "not-a-package", f"a corpus configuration, not a package: give its folder ({seeds}), "
        "which validate checks as a seeds folder")
    assert validate(seeds).valid
    (tmp_path / "corpus.toml").mkdir()  # a folder of that name is no configuration
    assert "a corpus configuration" not in validate(tmp_path / "corpus.toml").problems[0].message


def test_other_files_and_folders_are_not_packages(capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello\n")
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "a.txt").write_text("A text.\n")
    for path in (tmp_path / "notes.txt", tmp_path / "texts"):
        report = validate(path)
        assert codes(report) == {"not-a-package"}
        code, out, _ = run(capsys, "validate", str(path))
        assert code == 1 and "[not-a-package]" in out
        assert "write its corpus.toml" in out  # what to do, for a folder of texts
        # the summary does not call a text file an archive, nor a folder a package
        assert out.splitlines()[-1] == (f"{path}: not a seeds folder, package or archive; "
                                        "nothing checked")
        # ... and nor does the report's kind (QA: "archive", "package"): none of those
        assert report.kind == "other"
        code, out, _ = run(capsys, "validate", str(path), "--format", "json")
        assert code == 1 and json.loads(out)["kind"] == "other"
        REPORT_SCHEMA.validate(json.loads(out))
    assert validate(tmp_path / "nosuch").kind == "other"
    (tmp_path / "empty").mkdir()
    assert validate(tmp_path / "empty").kind == "other"
    assert validate(tmp_path / "texts.zip").kind == "other"  # no such file, named as one


@pytest.mark.parametrize("hidden", [(), (".gitkeep",), (".gitkeep", ".corpuskit-lock")])
def test_an_empty_folder_is_named_empty(hidden: tuple[str, ...], tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    """An empty folder (an empty dist/ kept by a .gitkeep) was told to write its
    corpus.toml, as a folder of texts is (QA): it is named empty, with what to do for
    either kind of folder."""
    folder = tmp_path / "dist"
    folder.mkdir()
    for name in hidden:
        (folder / name).write_text("")
    [problem] = validate(folder).problems
    assert problem.code == "not-a-package"
    assert problem.message.startswith("an empty folder (nothing but hidden files), so "
                                      "nothing to check: for a folder of releases, build "
                                      f"into it first ('corpuskit build --out {folder}')")
    code, out, _ = run(capsys, "validate", str(folder))
    assert code == 1 and "an empty folder" in out and "write its corpus.toml" not in out


def test_a_folder_holding_only_an_interrupted_builds_leftover_says_so(tmp_path: Path) -> None:
    """A folder where a build was killed held only its temporary folder, and was called
    empty (QA): it is named as such a leftover, which the next build removes."""
    folder = tmp_path / "dist"
    (folder / ".corpuskit-tmp-corpus-1.0.0-4242").mkdir(parents=True)
    (folder / ".corpuskit-lock").write_text("")
    [problem] = validate(folder).problems
    assert (problem.code, problem.message) == (
        "not-a-package", "no release yet: it holds only what an interrupted build left "
        "(.corpuskit-tmp-corpus-1.0.0-4242), which the next build into it removes: build into "
        f"it again ('corpuskit build --out {folder}'), then check it")


def test_a_misnamed_copy_beside_the_release_it_holds_is_not_renamed_over_it(
        tmp_path: Path) -> None:
    """'rename it to x-1.0.0.zip' beside x-1.0.0.zip told the user to replace the
    release with its copy (QA): the advice is then to remove the copy or move it out."""
    release, archive = built().release, built().archive
    own = release.name
    other = f"{own.rpartition('-')[0]}-9.0.0"
    shutil.copytree(release, tmp_path / own)
    shutil.copyfile(archive, tmp_path / f"{own}.zip")
    shutil.copytree(release, tmp_path / other)
    shutil.copyfile(archive, tmp_path / f"{other}.zip")
    for target, suffix in ((tmp_path / other, ""), (tmp_path / f"{other}.zip", ".zip")):
        message, = (p.message for p in validate(target, jobs=1).problems)
        assert f"{own}{suffix} is beside it already" in message, message
        assert "rename it" not in message and f"move it out of {tmp_path}" in message


@pytest.mark.parametrize("fast", [False, True])
def test_a_copy_named_as_another_release_is_reported(tmp_path: Path, fast: bool) -> None:
    """A 1.0.0 package or archive renamed to 2.0.0 validated as valid; other names are the
    user's own (a download folder, a browser's "(1)").

    A release's name in other letter case is still a release's name, its corpus's name
    compared folded to lower case: ``T-2.0.0.zip`` holding t-1.0.0 passed validate, where
    ``t-2.0.0.zip`` is reported, and on a case-insensitive file system the two are one
    file (QA s81 review2 finding 3). Only the corpus's name may differ in case: a
    pre-release's letters are the version's (1.0.0-RC.1 is not 1.0.0-rc.1)."""
    release, archive = built().release, built().archive
    own = release.name
    name = own.rpartition("-")[0]
    for other in (f"{name}-9.0.0", f"{name.upper()}-9.0.0", f"{name.capitalize()}-9.0.0",
                  f"{own.upper()}-RC.1", f"{name.upper()}-9.0.0-rc.1"):
        for target, suffix in ((tmp_path / other, ""), (tmp_path / f"{other}.zip", ".zip")):
            if suffix:
                shutil.copyfile(archive, target)
            else:
                shutil.copytree(release, target)
            report = validate(target, fast=fast, jobs=1)
            assert [(p.path, p.code, p.message) for p in report.problems] == [
                (".", "metadata-mismatch", f"named as the release {other}, but it holds "
                 f"{own}; rename it to {own}{suffix}")], target
    shutil.copytree(release, tmp_path / "my copy")
    for kept in (f"{own} (1).zip", "latest.zip"):
        shutil.copyfile(archive, tmp_path / kept)
    for kept in ("my copy", f"{own} (1).zip", "latest.zip"):
        assert validate(tmp_path / kept, fast=fast, jobs=1).valid, kept


def test_a_copy_named_as_its_release_in_other_letter_case_is_valid(tmp_path: Path) -> None:
    """Corpus names are lower case only, so ``Forge-1.0.0.zip`` or ``FORGE-1.0.0`` holding
    forge-1.0.0 is the release it holds, named as a case-insensitive file system or a
    browser may leave it, and was refused as named as another release (QA)."""
    release, archive = built().release, built().archive
    own = release.name
    for spelled in (own.capitalize(), own.upper()):
        assert validate(shutil.copytree(release, tmp_path / spelled), jobs=1).valid, spelled
        zipped = shutil.copyfile(archive, tmp_path / f"{spelled}.zip")
        assert validate(zipped, jobs=1).valid, spelled


def test_an_empty_folder_named_as_a_release_in_other_letter_case_is_one(
        tmp_path: Path) -> None:
    """Every reader of a release's name takes a corpus's name in any letter case (QA s81
    review2 finding 3): an emptied ``T-2.0.0`` in a folder of releases, or given alone, is
    reported as ``t-2.0.0`` is, not passed over or called an empty folder."""
    from corpuskit.validation import expand_targets

    release, archive = built().release, built().archive
    name = release.name.rpartition("-")[0]
    for n, spelled in enumerate((f"{name}-2.0.0", f"{name.upper()}-2.0.0")):
        emptied = tmp_path / f"dist{n}" / spelled
        emptied.mkdir(parents=True)
        shutil.copytree(release, emptied.parent / release.name)
        shutil.copyfile(archive, emptied.parent / archive.name)
        assert expand_targets([emptied.parent]) == sorted(
            [emptied.parent / release.name, emptied.parent / archive.name, emptied])
        report = validate(emptied.parent, jobs=1)
        assert [p.code for p in report.problems] == ["not-a-package"], spelled
        [problem] = validate(emptied, jobs=1).problems
        assert problem.code == "not-a-package" and "an empty folder" not in problem.message


def test_a_release_name_is_named_as_the_schemas_name_a_corpus() -> None:
    """What counts as a release's name (``<name>-<version>``) takes ``<name>`` as the
    schemas allow a corpus's name, no other."""
    from corpuskit.semver import CORPUS_NAME_PATTERN

    for schema in ("corpus.schema.json", "datapackage.schema.json"):
        assert load_schema(schema)["properties"]["name"]["pattern"] == \
            f"^{CORPUS_NAME_PATTERN}$"


def test_fast_and_reproduce_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "validate", "--fast", "--reproduce", str(built().release))
    assert code == 2 and "exclude" in err
    with pytest.raises(ValueError):
        validate(built().release, fast=True, reproduce=True)


def test_several_paths_exit_one_if_any_fails(capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path) -> None:
    damaged = copy_release(tmp_path)
    (damaged / "CHANGELOG.md").write_text("rewritten\n")
    code, out, _ = run(capsys, "validate", "--json", str(built().release), str(damaged))
    data = json.loads(out)
    assert code == 1 and data["valid"] is False
    assert [r["valid"] for r in data["reports"]] == [True, False]


# -- BagIt ---------------------------------------------------------------------------------

def _edit_manifest(target: Path, name: str, change: dict[int, str] | None = None,
                   append: list[str] | None = None) -> None:
    lines = (target / name).read_text().splitlines()
    for index, line in (change or {}).items():
        lines[index] = line
    (target / name).write_text("\n".join(lines + (append or [])) + "\n")


@pytest.mark.parametrize("line, code", [
    ("nothex  data/raw/nfd.txt", "bagit-error"),
    ("483346344613EE7D3B94E24A46AECE654CD47525BC94CC1A8CED904613BB43E2  data/raw/nfd.txt",
     "bagit-error"),
    ("0" * 64, "bagit-error"),
    ("0" * 64 + "  data/../../etc/passwd", "unsafe-path"),
    ("0" * 64 + "  /etc/passwd", "unsafe-path"),
    ("0" * 64 + "  data/raw/50%off.txt", "bagit-error"),
    ("0" * 64 + "  README.md", "bagit-error"),
])
def test_malformed_manifest_lines(tmp_path: Path, line: str, code: str) -> None:
    target = copy_release(tmp_path)
    _edit_manifest(target, "manifest-sha256.txt", append=[line])
    report = validate(target, jobs=1)
    assert any(p.code == code and p.path == "manifest-sha256.txt" for p in report.problems)


def _edit_lines(data: bytes, edit: str) -> tuple[bytes, int]:
    """One deviation from the form corpuskit writes; returns the bytes and its line number."""
    lines = data.split(b"\n")[:-1]
    at = len(lines) // 2
    line = lines[at]
    if edit == "tab":
        lines[at] = line[:64] + b"\t" + line[66:]
    elif edit == "one space":
        lines[at] = line[:64] + b" " + line[66:]
    elif edit == "three spaces":
        lines[at] = line[:64] + b"   " + line[66:]
    elif edit == "crlf":
        lines[at] = line + b"\r"
    elif edit == "blank line":
        lines.insert(at, b"")
    elif edit == "swapped":
        lines[at - 1], lines[at] = lines[at], lines[at - 1]
    elif edit == "no final LF":
        return data[:-1], len(lines)
    elif edit == "capitals":
        lines[at] = line[:64].upper() + line[64:]
    elif edit == "binary mark":  # sha256sum's "<sha256> *<path>"
        lines[at] = line[:64] + b" *" + line[66:]
    elif edit == "dot slash":
        lines[at] = line[:66] + b"./" + line[66:]
    return b"".join(part + b"\n" for part in lines), at + 1


#: The last three were each reported with a knock-on (the file unlisted, or the path out
#: of data/): the line's entry is now read as meant, and the deviation is the one problem.
STRICT_EDITS = ["tab", "one space", "three spaces", "crlf", "blank line", "swapped",
                "no final LF", "capitals", "binary mark", "dot slash"]


@pytest.mark.parametrize("name", ["tagmanifest-sha256.txt", "manifest-sha256.txt"])
@pytest.mark.parametrize("edit", STRICT_EDITS)
def test_manifests_must_have_the_exact_form_corpuskit_writes(tmp_path: Path, name: str,
                                                             edit: str) -> None:
    """``<64 lowercase hex>  <path>`` LF, sorted as written, no blank line, a final LF: the
    tag manifest is covered by no checksum, so a change of its form is its only trace."""
    target = copy_release(tmp_path)
    data, line = _edit_lines((target / name).read_bytes(), edit)
    (target / name).write_bytes(data)
    if name == "manifest-sha256.txt":
        resign_tags_only(target)  # so that only the form can be found
    report = validate(target, jobs=1)
    assert [(p.path, p.code, p.location) for p in report.problems] == [
        (name, "bagit-error", f"line {line}")], render_text(report)
    message = report.problems[0].message
    expected = {"tab": "'\\t'", "one space": "' '", "three spaces": "'   '", "crlf": "CR LF",
                "blank line": "blank", "swapped": "out of order",
                "no final LF": "no line break", "capitals": "the checksum is in capitals",
                "binary mark": "sha256sum's binary-mode mark",
                "dot slash": "the path starts with './'"}[edit]
    assert expected in message, message


def test_form_deviations_are_listed_up_to_a_limit() -> None:
    from corpuskit.validation.bagit import MAX_FORM_PROBLEMS, parse_manifest

    lines = [(number, b"0" * 64 + f"\tdata/raw/{number:03d}.txt\r".encode())
             for number in range(1, 51)]
    manifest, problems = parse_manifest(lines, "manifest-sha256.txt", max_entries=100,
                                        strict=True)
    assert len(manifest.entries) == 50  # the entries are still read
    assert len(problems) == MAX_FORM_PROBLEMS + 1
    assert problems[-1].message.startswith(f"{100 - MAX_FORM_PROBLEMS} more lines deviate")
    assert problems[-1].location == f"line {MAX_FORM_PROBLEMS // 2 + 1}"
    _, lenient = parse_manifest(lines, "manifest-md5.txt", max_entries=100)
    assert all("checksum" in p.message for p in lenient)  # other manifests: RFC 8493 form


def test_payload_manifest_order_is_the_record_order() -> None:
    """Raw files by document id (the records' order), then documents.jsonl: not by path."""
    from corpuskit.package import manifest_order, unbagit_path

    lines = (built().release / "manifest-sha256.txt").read_text().splitlines()
    paths = [unbagit_path(line.split("  ", 1)[1]) for line in lines]
    assert paths == sorted(paths, key=manifest_order) and paths[-1] == "data/documents.jsonl"
    sources = [json.loads(line)["source_path"] for line in
               (built().release / "data/documents.jsonl").read_text().splitlines()]
    assert [p.removeprefix("data/raw/") for p in paths[:-1]] == sources
    # "a" sorts before "a-b" as an id, "a-b.txt" before "a.txt" as a path
    assert manifest_order("data/raw/a.txt") < manifest_order("data/raw/a-b.txt")
    assert manifest_order("data/raw/z.txt") < manifest_order("data/documents.jsonl")


def test_names_whose_id_and_path_orders_differ_validate(tmp_path: Path) -> None:
    names = ["a.txt", "a-b.txt", "a.b.txt", "ab.txt", "a b.txt", "A.md", "é.txt",
             "e\u0301x.txt"]
    seeds = write_seeds(tmp_path / "seeds", {
        name: f"Title {i}\n\nSome body text number {i} here.\n".encode()
        for i, name in enumerate(names)})
    result = corpuskit.build(seeds, tmp_path / "dist", jobs=1, source_date_epoch=EPOCH)
    for target in (result.release, result.archive):
        report = validate(target, jobs=1)
        assert report.valid, render_text(report)


@pytest.mark.parametrize("rel", ["data/raw/huge.txt", "data/huge.bin", "huge.txt"])
def test_an_unlisted_large_file_is_not_read(tmp_path: Path, rel: str,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A file no manifest line, resource or croissant.json claims a hash for is told by its
    name and size, not read: a sparse unlisted data/raw/huge.txt of 50 GB was hashed whole
    (QA: past 120 s; 2 GB took about 10 s), for problems that need no hash."""
    from corpuskit.validation import digest, reading

    target = copy_release(tmp_path)
    with open(target / rel, "wb") as handle:
        handle.truncate(1 << 30)  # sparse: cheap to make, 1 GB to read
    read: list[str] = []

    def spy(real: Callable[..., Any]) -> Callable[..., Any]:
        def reading_file(self: Any, rel: str, *args: Any, **kwargs: Any) -> Any:
            read.append(rel)
            return real(self, rel, *args, **kwargs)
        return reading_file

    for owner, name in ((digest.FileDigester, "digest"), (digest.FileDigester, "sha256"),
                        (reading.PackageReader, "chunks")):
        monkeypatch.setattr(owner, name, spy(getattr(owner, name)))
    report = validate(target, jobs=1)
    found = {(p.path, p.code) for p in report.problems}
    assert (rel, "unlisted-file") in found, render_text(report)
    assert rel not in read
    assert "README.md" in read  # (the spies see what is read)
    assert report.as_dict()["counts"]["bytes"] > 1 << 30


def test_an_unlisted_file_croissant_names_is_hashed(tmp_path: Path) -> None:
    """A file no manifest lists is still hashed where croissant.json states its sha256."""
    target = copy_release(tmp_path)
    (target / "data/raw/extra.txt").write_text("x\n")
    path = target / "croissant.json"
    document = json.loads(path.read_text("utf-8"))
    document["distribution"][0].update(contentUrl="data/raw/extra.txt", sha256="0" * 64)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", "utf-8")
    report = validate(target, jobs=1)
    found = {(p.path, p.code, p.location) for p in report.problems}
    assert ("croissant.json", "checksum-mismatch", "/distribution/0/sha256") in found
    assert ("data/raw/extra.txt", "unlisted-file", "") in found


def test_duplicate_manifest_path(tmp_path: Path) -> None:
    target = copy_release(tmp_path)
    first = (target / "manifest-sha256.txt").read_text().splitlines()[0]
    _edit_manifest(target, "manifest-sha256.txt", append=[first])
    report = validate(target, jobs=1)
    assert any("listed twice" in p.message for p in report.problems)


def test_unlisted_tag_file_and_payload_file(tmp_path: Path) -> None:
    target = copy_release(tmp_path)
    (target / "notes.txt").write_text("x\n")
    (target / "data/raw/extra.txt").write_text("x\n")
    report = validate(target, jobs=1)
    found = {(p.path, p.code) for p in report.problems}
    assert ("notes.txt", "unlisted-file") in found
    assert ("data/raw/extra.txt", "unlisted-file") in found
    assert ("data/raw/extra.txt", "unreferenced-file") in found


def test_percent_escaped_paths_decode(tmp_path: Path) -> None:
    """corpuskit refuses '%' in seeds names, but decodes the %25 of other BagIt tools."""
    text = (built("percent").release / "manifest-sha256.txt").read_text()
    assert "percent%25sign.txt" in text
    assert validate(built("percent").release, jobs=1).valid
    assert validate(built("percent").archive, jobs=1).valid


@pytest.mark.parametrize("content", [
    b"BagIt-Version: 1.0\n",
    b"BagIt-Version: 9.9\nTag-File-Character-Encoding: UTF-8\n",
    b"BagIt-Version: 1.0\nTag-File-Character-Encoding: Latin-1\n",
    b"BagIt-Version: 1.0\r\nTag-File-Character-Encoding: UTF-8",
])
def test_bagit_txt(tmp_path: Path, content: bytes) -> None:
    target = copy_release(tmp_path)
    (target / "bagit.txt").write_bytes(content)
    resign(target)
    report = validate(target, jobs=1)
    assert any(p.path == "bagit.txt" and p.code == "bagit-error" for p in report.problems)


def test_payload_oxum_and_bag_info_cross_checks(tmp_path: Path) -> None:
    target = copy_release(tmp_path)
    resign(target)
    info = (target / "bag-info.txt").read_text()
    info = info.replace("Version: 1.0.0", "Version: 1.0.1")
    info = "\n".join(line if not line.startswith("Payload-Oxum") else "Payload-Oxum: 1.2"
                     for line in info.splitlines()) + "\n"
    (target / "bag-info.txt").write_text(info)
    resign_tags_only(target)
    report = validate(target, jobs=1)
    found = {(p.code, p.location) for p in report.problems}
    assert ("size-mismatch", "Payload-Oxum") in found
    assert ("metadata-mismatch", "Version") in found


def resign_tags_only(target: Path) -> None:
    from _validate_support import sha256
    lines = []
    for line in (target / "tagmanifest-sha256.txt").read_text().splitlines():
        rel = line.split("  ", 1)[1]
        lines.append(f"{sha256((target / rel).read_bytes())}  {rel}")
    (target / "tagmanifest-sha256.txt").write_text("\n".join(lines) + "\n")


def test_symlinks_and_special_files_in_a_package_folder(tmp_path: Path) -> None:
    target = copy_release(tmp_path)
    (target / "data/raw/link.txt").symlink_to("/etc/passwd")
    report = validate(target, jobs=1)
    assert ("data/raw/link.txt", "unsafe-path") in {(p.path, p.code) for p in report.problems}


@pytest.mark.parametrize("folder", ["data/raw", "data/raw/unicode"])
@pytest.mark.parametrize("kind", ["link", "dangling-link", "pipe", "undecodable-name"])
def test_an_entry_listed_last_in_a_raw_folder_fails_the_full_check(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], folder: str, kind: str) -> None:
    """The full check streams data/raw/ folder by folder; what the last folder listed holds
    after its subfolders (data/raw/zzz, after data/raw/unicode/), or anything in a folder
    without subfolders, is reported like the rest (it once passed unseen)."""
    target = copy_release(tmp_path)
    place = target / folder
    if kind == "link":
        (place / "zzz").symlink_to(target / "bagit.txt")
    elif kind == "dangling-link":
        (place / "zzz").symlink_to(tmp_path / "no-such-file")
    elif kind == "pipe":
        os.mkfifo(place / "zzz")
    else:
        os.close(os.open(os.fsencode(place) + b"/zz\xff", os.O_CREAT | os.O_WRONLY, 0o644))
    report = validate(target, jobs=1)
    assert not report.valid
    unsafe = [p for p in report.problems if p.code == "unsafe-path"]
    assert [p.path.startswith(f"{folder}/zz") for p in unsafe] == [True]
    code, out, _ = run(capsys, "validate", str(target))  # the CLI, on all cores
    assert code == 1 and "[unsafe-path]" in out


# -- descriptor ----------------------------------------------------------------------------

def test_descriptor_against_both_profiles(tmp_path: Path) -> None:
    target = copy_release(tmp_path)
    descriptor = json.loads((target / "datapackage.json").read_text())
    descriptor["$schema"] = "https://example.org/other.json"
    descriptor["resources"][0]["hash"] = "sha256:XYZ"
    descriptor["licenses"] = []
    del descriptor["corpuskit"]["process"]
    (target / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    resign_tags_only(target)
    report = validate(target, jobs=1)
    locations = {p.location for p in report.problems if p.code == "schema-error"}
    assert {"/$schema", "/resources/0/hash", "/licenses", "/corpuskit"} <= locations


def test_a_key_corpuskit_never_writes_in_its_own_object_is_refused(tmp_path: Path) -> None:
    """A key added to the descriptor's corpuskit object (its own, of four keys) passed
    (QA); the Data Package's other objects stay open to extensions, as its spec says."""
    target = copy_release(tmp_path)
    descriptor = json.loads((target / "datapackage.json").read_text())
    descriptor["corpuskit"]["x-evil"] = 1
    (target / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    resign_tags_only(target)
    report = validate(target, jobs=1)
    assert [(p.code, p.path, p.location) for p in report.problems] == [
        ("schema-error", "datapackage.json", "/corpuskit")], render_text(report)
    assert "x-evil" in report.problems[0].message


def test_a_hash_without_its_prefix_is_a_schema_error_not_also_a_checksum(
        tmp_path: Path) -> None:
    """A resource hash of 64 hex digits without "sha256:" was also compared as an md5 (the
    Data Package's reading of an unprefixed hash) and called a mismatch (QA): it is no md5
    at all, which the profiles' patterns say."""
    target = copy_release(tmp_path)
    descriptor = json.loads((target / "datapackage.json").read_text())
    descriptor["resources"][0]["hash"] = descriptor["resources"][0]["hash"].split(":")[1]
    (target / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    resign_tags_only(target)
    report = validate(target, jobs=1)
    assert {(p.code, p.location) for p in report.problems} == {
        ("schema-error", "/resources/0/hash")}, render_text(report)


def test_descriptor_not_json(tmp_path: Path) -> None:
    target = copy_release(tmp_path)
    (target / "datapackage.json").write_text("{not json")
    report = validate(target, jobs=1)
    assert any(p.path == "datapackage.json" and p.code == "schema-error"
               and "not valid JSON" in p.message for p in report.problems)


def test_resource_bytes_hash_and_unsafe_paths(tmp_path: Path) -> None:
    target = copy_release(tmp_path)
    descriptor = json.loads((target / "datapackage.json").read_text())
    descriptor["resources"][0]["bytes"] += 1
    descriptor["resources"][0]["hash"] = "sha256:" + "0" * 64
    descriptor["resources"].append({"name": "evil", "path": "../../etc/passwd",
                                    "bytes": 1, "hash": "sha256:" + "0" * 64})
    (target / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    resign_tags_only(target)
    report = validate(target, jobs=1)
    found = {(p.code, p.location) for p in report.problems}
    assert ("size-mismatch", "/resources/0/bytes") in found
    assert ("checksum-mismatch", "/resources/0/hash") in found
    assert ("unsafe-path", "/resources/1/path") in found


@pytest.mark.parametrize("fast", [False, True])
def test_a_stated_count_of_one_record_off_is_told_in_the_singular(
        fast: bool, tmp_path: Path) -> None:
    """The seed release (one record) stated as two was told "the package holds 1 records
    in data/documents.jsonl" (QA)."""
    from conftest import SEED_RELEASE

    target = Path(shutil.copytree(SEED_RELEASE, tmp_path / SEED_RELEASE.name))
    descriptor = json.loads((target / "datapackage.json").read_text())
    descriptor["corpuskit"]["documents"] = 2
    (target / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    resign_tags_only(target)
    (problem,) = [p for p in validate(target, jobs=1, fast=fast).problems
                  if p.location == "/corpuskit/documents"]
    assert problem.message.endswith(
        "holds 1 raw file in data/raw/ (a build writes one for each record): this count "
        "was changed, or a raw file added or removed with its manifest line; 'corpuskit "
        "validate' without --fast reads the records and tells which"
        if fast else "holds 1 record in data/documents.jsonl"), problem.message


def test_content_hash_and_document_count(tmp_path: Path) -> None:
    target = copy_release(tmp_path)
    descriptor = json.loads((target / "datapackage.json").read_text())
    descriptor["corpuskit"]["documents"] = 13
    descriptor["description"] = "Changed description, same records."
    (target / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    resign_tags_only(target)
    report = validate(target, jobs=1)
    found = {(p.code, p.location) for p in report.problems}
    assert ("metadata-mismatch", "/corpuskit/documents") in found
    assert ("checksum-mismatch", "/corpuskit/content_hash") in found


@pytest.mark.parametrize("count", [2**31, 2**63, 2**64, 10**20])
@pytest.mark.parametrize("reproduce", [False, True])
def test_a_document_count_beyond_64_bits_is_a_mismatch(count: int, reproduce: bool,
                                                       tmp_path: Path) -> None:
    """orjson reads integers beyond 64 bits as floats (or inf); the count was then skipped
    and the package called valid."""
    target = copy_release(tmp_path)
    data = (target / "datapackage.json").read_text()
    descriptor = json.loads(data)
    stated = f'"documents": {descriptor["corpuskit"]["documents"]}'
    assert data.count(stated) == 1
    (target / "datapackage.json").write_text(data.replace(stated, f'"documents": {count}'))
    resign_tags_only(target)
    report = validate(target, jobs=1, reproduce=reproduce)
    assert ("metadata-mismatch", "/corpuskit/documents") in \
        {(p.code, p.location) for p in report.problems}, render_text(report)


def test_croissant_checked_when_present(tmp_path: Path) -> None:
    target = copy_release(tmp_path)
    croissant = target / "croissant.json"
    assert croissant.exists()
    document = json.loads(croissant.read_text())
    document["distribution"][0]["sha256"] = "0" * 64
    croissant.write_text(json.dumps(document))
    resign_tags_only(target)
    report = validate(target, jobs=1)
    assert any(p.path == "croissant.json" and p.code == "checksum-mismatch"
               for p in report.problems)


def test_process_settings_round_trip() -> None:
    config = ProcessConfig()
    assert process_config_from_settings(process_settings_of(config)) == config
    descriptor = json.loads((built().release / "datapackage.json").read_text())
    assert process_config_from_settings(descriptor["corpuskit"]["process"]) == config
    broken = process_settings_of(config)
    broken["extract"]["title"] = "yes"
    with pytest.raises(ValueError, match=r"extract\.title"):
        process_config_from_settings(broken)
    del broken["extract"]["date"]
    with pytest.raises(ValueError, match="date"):
        process_config_from_settings(broken)


def process_settings_of(process: ProcessConfig) -> dict[str, Any]:
    from corpuskit.config import CorpusConfig, DiscoverConfig
    config = CorpusConfig("x", "1.0.0", {}, DiscoverConfig(), process)
    data: dict[str, Any] = json.loads(json.dumps(process_settings(config)))
    return data


@pytest.mark.parametrize(("file", "edit", "found"), [
    # The data card's summary and citation, croissant.json's citation restate it too.
    ("datapackage.json", lambda d: d.update(created="2020-01-02T03:04:05Z"),
     [("README.md", "line 63"), ("README.md", "line 275"), ("bag-info.txt", "Bagging-Date"),
      ("croissant.json", "/citeAs"), ("croissant.json", "/datePublished")]),
    ("croissant.json", lambda d: d.update(version="9.9.9"), [("croissant.json", "/version")]),
    ("croissant.json", lambda d: d.update(name="other"), [("croissant.json", "/name")]),
    ("croissant.json", lambda d: d.pop("datePublished"),
     [("croissant.json", "/datePublished")]),
])
def test_metadata_files_must_agree_with_the_descriptor(
        tmp_path: Path, file: str, edit: Callable[[dict[str, Any]], None],
        found: list[tuple[str, str]]) -> None:
    """A re-signed package whose datapackage.json created, or croissant.json name, version,
    datePublished or identifier, was changed in one file only validated as valid."""
    target = copy_release(tmp_path)
    data = json.loads((target / file).read_text("utf-8"))
    edit(data)
    (target / file).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")
    resign(target)
    report = validate(target, jobs=1)
    assert [(p.path, p.location) for p in report.problems
            if p.code == "metadata-mismatch"] == found, render_text(report)


def test_croissant_identifier_is_the_content_hash() -> None:
    descriptor = {"name": "x", "version": "1.0.0", "corpuskit": {"content_hash": "sha256:a"}}
    same = {"name": "x", "version": "1.0.0", "identifier": "sha256:a"}
    assert croissant_mismatches(same, descriptor) == []
    assert croissant_mismatches({**same, "identifier": "sha256:b"}, descriptor) == [
        Problem("croissant.json", "metadata-mismatch", "identifier is 'sha256:b', "
                "datapackage.json says 'sha256:a' at /corpuskit/content_hash", "/identifier")]


# -- records -------------------------------------------------------------------------------

def _damage_records(tmp_path: Path, change) -> ValidationReport:  # type: ignore[no-untyped-def]
    target = copy_release(tmp_path)
    items = records(target)
    change(items)
    write_records(target, items)
    resign(target)
    return validate(target, jobs=1)


def test_resigned_package_with_changed_text_is_caught_by_cross_checks(tmp_path: Path) -> None:
    def change(items: list[dict[str, object]]) -> None:
        items[0]["text"] = str(items[0]["text"]).replace("e", "E", 1)
    report = _damage_records(tmp_path, change)
    assert codes(report) == {"record-mismatch"}
    assert "text_sha256" in report.problems[0].message
    assert report.problems[0].location == "line 1"


@pytest.mark.parametrize("reproduce", [False, True], ids=["full", "reproduce"])
def test_a_record_whose_text_shows_nothing_is_refused(tmp_path: Path, reproduce: bool) -> None:
    """A package an earlier build made of 'My Title', a blank line and a soft hyphen: its
    record's text shows nothing, which build now refuses (QA: validate passed it). Each
    such record is named once, --reproduce or not, with its raw file."""
    import hashlib

    target = copy_release(tmp_path)
    items = records(target)
    raw = b"My Title\n\n\xc2\xad\n"
    (target / "data/raw" / items[0]["source_path"]).write_bytes(raw)
    items[0].update(title="My Title", date=None, rights=None, language="und", text="\xad\n",
                    chars=2, words=1, paragraphs=1,
                    text_sha256=hashlib.sha256("\xad\n".encode()).hexdigest(),
                    source_bytes=len(raw), source_sha256=hashlib.sha256(raw).hexdigest(),
                    normalization=[])
    write_records(target, items)
    restate_metadata(target)  # the card and croissant.json as that build wrote them
    report = validate(target, reproduce=reproduce, jobs=1)
    assert [(p.path, p.code, p.location) for p in report.problems] == [
        ("data/documents.jsonl", "empty-document", "line 1")], render_text(report)
    message = report.problems[0].message
    assert f"its raw file data/raw/{items[0]['source_path']} holds no text" in message
    assert "rebuild the package" in message


def test_counts_must_match_text(tmp_path: Path) -> None:
    def change(items: list[dict[str, int]]) -> None:
        items[1]["words"] += 1
        items[2]["chars"] += 1
        items[3]["paragraphs"] += 1
    report = _damage_records(tmp_path, change)
    messages = " ".join(p.message for p in report.problems)
    assert {p.location for p in report.problems} == {"line 2", "line 3", "line 4"}
    assert "words" in messages and "chars" in messages and "paragraphs" in messages


def test_source_facts_must_match_raw_file(tmp_path: Path) -> None:
    def change(items: list[dict[str, object]]) -> None:
        items[0]["source_sha256"] = "0" * 64
        items[1]["source_bytes"] = 5
        items[2]["source_path"] = "absent.txt"
        items[2]["id"] = "absent"
    report = _damage_records(tmp_path, change)
    found = {(p.code, p.location) for p in report.problems}
    assert ("record-mismatch", "line 1") in found and ("record-mismatch", "line 2") in found
    assert any(p.code == "missing-file" and p.path == "data/raw/absent.txt"
               for p in report.problems)


def test_ids_unique_and_sorted(tmp_path: Path) -> None:
    def change(items: list[dict[str, object]]) -> None:
        items[0], items[1] = items[1], items[0]
        items.append(dict(items[-1]))
    report = _damage_records(tmp_path, change)
    assert {"order-error", "duplicate-id"} <= codes(report)


def test_schema_errors_name_line_and_pointer(tmp_path: Path) -> None:
    def change(items: list[dict[str, object]]) -> None:
        items[0]["language"] = "english"
        items[1]["extra"] = 1
        del items[2]["title"]
        items[3]["normalization"] = ["not-a-step"]
    report = _damage_records(tmp_path, change)
    locations = {p.location for p in report.problems if p.code == "schema-error"}
    assert {"line 1 /language", "line 2", "line 3", "line 4 /normalization/0"} <= locations


@pytest.mark.parametrize("field", ["title", "rights", "language", "date", "text"])
def test_a_value_ending_in_a_line_feed_breaks_its_pattern_as_ecma_262_reads_it(
        tmp_path: Path, field: str) -> None:
    """A record's title, rights, language or date ending in LF, or a text ending in two,
    passed validate (exit 0, without --reproduce): Python's re, which jsonschema uses,
    lets ``$`` match before a final LF, where JSON Schema's dialect (ECMA-262) does not
    (QA). Each is now a schema error at its record's line and field, in the compiled
    check and in jsonschema's alike."""
    import hashlib

    def change(items: list[dict[str, Any]]) -> None:
        record = items[0]
        if field == "text":  # its counts and hash made to agree: only the pattern is left
            record["text"] += "\n"
            record["chars"] += 1
            record["text_sha256"] = hashlib.sha256(record["text"].encode()).hexdigest()
        else:
            record[field] = (record[field] or {"title": "A title", "rights": "Rights",
                                               "language": "en", "date": "2020-01-02"}[field])
            record[field] += "\n"
    report = _damage_records(tmp_path, change)
    assert ("schema-error", f"line 1 /{field}") in {(p.code, p.location)
                                                   for p in report.problems}, \
        render_text(report)


def test_jsonschema_checks_read_patterns_as_ecma_262(tmp_path: Path) -> None:
    """Every schema's patterns, through jsonschema as corpuskit runs it: a final LF is no
    end of the value, and ``\\d`` is an ASCII digit."""
    from corpuskit.schemacheck import validator

    check = validator("document.schema.json")
    sound = records(built().release)[0]
    assert check.is_valid(sound)
    for field, value in [("title", "Title\n"), ("language", "en\n"),
                         ("date", "2020-01-02\n"), ("date", "\u0662\u0660\u0662\u0660-01-02"),
                         ("text_sha256", "0" * 64 + "\n")]:
        errors = list(check.iter_errors({**sound, field: value}))
        assert [(e.validator, list(e.absolute_path)) for e in errors] == [("pattern", [field])], \
            (field, value, errors)


def test_not_json_and_empty_lines(tmp_path: Path) -> None:
    target = copy_release(tmp_path)
    data = (target / "data/documents.jsonl").read_bytes().splitlines(keepends=True)
    data[1] = b"{broken\n"
    data.insert(3, b"\n")
    (target / "data/documents.jsonl").write_bytes(b"".join(data))
    resign(target)
    report = validate(target, jobs=1)
    found = {(p.code, p.location) for p in report.problems}
    assert ("schema-error", "line 2") in found and ("schema-error", "line 4") in found


@pytest.mark.parametrize("where", ["last", "middle"])
@pytest.mark.parametrize("package", ["sample", "seed release, with Parquet"])
def test_an_empty_line_is_reported_once_and_counted_as_no_record(tmp_path: Path, where: str,
                                                                 package: str) -> None:
    """An empty line was counted as a record: beside its own problem, the card's and the
    descriptor's counts were called wrong and the Parquet file short of a row, with advice
    to rebuild files that were right (QA). It is one problem, and no record."""
    from conftest import SEED_RELEASE

    if package == "sample":
        target = copy_release(tmp_path)
    else:
        target = tmp_path / SEED_RELEASE.name
        shutil.copytree(SEED_RELEASE, target)
        assert (target / "data/documents.parquet").is_file()
    documents = target / "data/documents.jsonl"
    lines = documents.read_bytes().splitlines(keepends=True)
    at = len(lines) if where == "last" else 1
    documents.write_bytes(b"".join([*lines[:at], b"\n", *lines[at:]]))
    resign(target)
    report = validate(target, jobs=1)
    assert [(p.code, p.path, p.location) for p in report.problems] == [
        ("schema-error", "data/documents.jsonl", f"line {at + 1}")], render_text(report)
    assert report.problems[0].message == "an empty line; every line must be one record"
    assert report.documents == len(lines)
    # a line of spaces is said to be one, not an empty line (QA s95)
    documents.write_bytes(b"".join([*lines[:at], b"  \t\n", *lines[at:]]))
    resign(target)
    [problem] = validate(target, jobs=1).problems
    assert (problem.location, problem.message) == (
        f"line {at + 1}", "a line of whitespace only; every line must be one record")


def test_compiled_record_shape_never_accepts_what_the_schema_refuses() -> None:
    schema = load_schema("document.schema.json")
    shape = compile_shape(schema)
    assert shape is not None, "the record schema should compile to the fast check"
    from corpuskit.schemacheck import validator as schema_validator

    # The schema as JSON Schema reads it (patterns in ECMA-262's dialect), as corpuskit's
    # jsonschema runs it: "abc\n" is no one-line title there.
    validator = schema_validator("document.schema.json")
    base = records(built().release)[0]
    values: list[object] = [None, "", "x", "\n", "abc\n", "a/", "/a", "en", "und", "EN",
                            0, -1, 1, 1.0, 2.5, True, False, [], ["nfc", "nfc"], ["nfc"],
                            ["bogus"], {}, "2023-02-30", "2023-13-01", "0" * 64,
                            "0" * 63 + "\n", "cp1252", "latin-1", "a\nb\n", "\na\n"]
    checked = 0
    for field_name in base:
        for value in values:
            instance = {**base, field_name: value}
            accepted = shape(instance)
            valid = validator.is_valid(instance)
            assert not accepted or valid, (field_name, value)
            assert accepted or not valid or value == 1.0, (field_name, value)
            checked += 1
        trimmed = {k: v for k, v in base.items() if k != field_name}
        assert not shape(trimmed) and not validator.is_valid(trimmed)
    assert shape(base) and validator.is_valid(base) and checked > 300


def test_compiled_record_table_refuses_exactly_what_the_shape_refuses() -> None:
    """The clean pass checks records a column at a time (compile_table); a block is
    refused exactly when the per-record predicate refuses one of its records, wherever it
    is in the block, and the columns are the records' values."""
    schema = load_schema("document.schema.json")
    shape, table = compile_shape(schema), compile_table(schema)
    assert shape is not None and table is not None
    base = records(built().release)
    values: list[object] = [None, "", "x", "\n", "abc\n", "a/", "/a", "en", "und", "EN",
                            0, -1, 1, 1.0, 2.5, True, False, [], ["nfc", "nfc"], ["nfc"],
                            ["bogus"], [1, 1], [["nfc"]], {}, "2023-02-30", "2023-13-01",
                            "0" * 64, "0" * 63 + "\n", "cp1252", "latin-1", "a\nb\n", "\na\n"]
    instances: list[object] = [{**base[0], name: value} for name in base[0] for value in values]
    instances += [{k: v for k, v in base[0].items() if k != name} for name in base[0]]
    instances += [{**base[0], "extra": 1}, {**{k: v for k, v in base[0].items() if k != "id"},
                                            "extra": 1}, [], "record", None, list(base[0])]
    instances += [dict(reversed(base[0].items())), {"text": base[0]["text"], **base[0]}]
    in_order = compile_table(schema, in_order=True)
    by_columns = compile_columns(schema)  # what msgspec's reader runs on its columns
    assert in_order is not None and by_columns is not None
    names = tuple(schema["properties"])
    refused = 0
    for instance in instances:
        for at in (0, len(base) // 2, len(base)):
            block = [*base[:at], instance, *base[at:]]
            columns = table(block)
            assert (columns is not None) == shape(instance), (instance, at)
            ordered = isinstance(instance, dict) and tuple(instance) == names
            assert (in_order(block) is not None) == (shape(instance) and ordered)
            if columns is not None:
                assert columns == {name: tuple(item[name] for item in block)
                                   for name in names}
                assert not ordered or in_order(block) == columns
            if ordered:
                assert isinstance(instance, dict)
                split = [tuple(item[name] for item in block) for name in names]
                assert (by_columns(split) is not None) == shape(instance), (instance, at)
                assert by_columns(split) is None or by_columns(split) == in_order(block)
        refused += not shape(instance)
    assert refused > 250 and table(base) is not None and table([]) is not None


# -- fast and reproduce ----------------------------------------------------------------------

def test_fast_checks_sizes_and_counts_only(tmp_path: Path) -> None:
    target = copy_release(tmp_path)
    report = validate(target, fast=True)
    assert report.valid and report.mode == "fast"
    raw = target / "data/raw/nfd.txt"
    raw.write_bytes(raw.read_bytes().replace(b"Caf", b"Kaf"))  # same size: fast cannot see
    assert validate(target, fast=True).valid
    assert not validate(target, jobs=1).valid
    raw.write_bytes(raw.read_bytes() + b"more")
    report = validate(target, fast=True)
    assert ("bag-info.txt", "size-mismatch") in {(p.path, p.code) for p in report.problems}
    (target / "data/raw/fr_bom.txt").unlink()
    report = validate(target, fast=True)  # (no count blamed: QA, the file alone is told)
    assert codes(report) == {"missing-file", "size-mismatch"}, render_text(report)


def _title_twice(line: bytes) -> bytes:
    """The line with a second, forged "title" key at its end (orjson keeps the last)."""
    return line[:-1] + b',"title":"Forged"}'


NON_CANONICAL: dict[str, Callable[[bytes], bytes]] = {
    "CRLF line end": lambda line: line + b"\r",
    "spaces after separators": lambda line: line.replace(b'","', b'", "', 1),
    "keys in another order": lambda line: json.dumps(
        dict(reversed(list(json.loads(line).items()))), ensure_ascii=False,
        separators=(",", ":")).encode(),
    "ASCII escapes": lambda line: json.dumps(json.loads(line), ensure_ascii=True,
                                             separators=(",", ":")).encode(),
    "a key given twice": _title_twice,
}


@pytest.mark.parametrize("form", sorted(NON_CANONICAL))
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_record_line_not_in_canonical_form_is_refused(form: str, jobs: int,
                                                        tmp_path: Path) -> None:
    """Re-serialized records, re-signed everywhere, parse to valid records but are not
    the bytes corpuskit writes: the records file is canonical, and a key given twice is
    read one way by one JSON reader and another way by the next."""
    target = copy_release(tmp_path)
    path = target / "data/documents.jsonl"
    lines = path.read_bytes().split(b"\n")
    lines[2] = NON_CANONICAL[form](lines[2])
    path.write_bytes(b"\n".join(lines))
    resign(target)
    report = validate(target, jobs=jobs)
    assert [(p.code, p.location) for p in report.problems
            if "form corpuskit writes" in p.message] == [("schema-error", "line 3")], \
        render_text(report)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_date_that_is_no_day_of_the_calendar_is_refused(jobs: int, tmp_path: Path) -> None:
    """The record schema's pattern lets 2023-02-30 through; re-signed, it passed."""
    target = copy_release(tmp_path)
    items = records(target)
    items[3]["date"] = "2023-02-30"
    write_records(target, items)
    resign(target)
    report = validate(target, jobs=jobs)
    assert [(p.code, p.location) for p in report.problems] == [("schema-error", "line 4")]
    assert "not a real calendar date" in report.problems[0].message


@pytest.mark.parametrize("change", ["a whole number as a float", "no final line break"])
@pytest.mark.parametrize("jobs", [1, 2])
def test_records_jsonschema_lets_through_are_refused(change: str, jobs: int,
                                                      tmp_path: Path) -> None:
    """"chars":74.0 is an integer to JSON Schema and orjson writes it back as 74.0, and a
    last line without LF parses: both passed, re-signed, while every reader refused the
    second and crashed on the first."""
    target = copy_release(tmp_path)
    path = target / "data/documents.jsonl"
    data = path.read_bytes()
    if change == "no final line break":
        path.write_bytes(data[:-1])
        line = str(len(data.splitlines()))
    else:
        lines = data.split(b"\n")
        chars = json.loads(lines[1])["chars"]
        lines[1] = lines[1].replace(f'"chars":{chars},'.encode(), f'"chars":{chars}.0,'.encode())
        path.write_bytes(b"\n".join(lines))
        line = "2"
    resign(target)
    report = validate(target, jobs=jobs)
    assert ("schema-error", f"line {line}") in {(p.code, p.location) for p in report.problems}, \
        render_text(report)


@pytest.mark.parametrize("jobs", [1, 2])
def test_reproduce_catches_a_consistent_forgery(tmp_path: Path, jobs: int) -> None:
    """A record whose text was edited and re-hashed everywhere passes every other check."""
    from corpuskit.records import count_paragraphs, count_words, sha256_hex
    target = copy_release(tmp_path)
    items = records(target)
    item = items[4]
    text = str(item["text"]).replace("a", "o", 1)
    item.update(text=text, chars=len(text), words=count_words(text),
                paragraphs=count_paragraphs(text), text_sha256=sha256_hex(text.encode()))
    items[6]["title"] = "A forged title"
    write_records(target, items)
    resign(target)
    assert validate(target, jobs=jobs).valid
    report = validate(target, reproduce=True, jobs=jobs)
    assert codes(report) == {"record-mismatch"}
    assert {p.location for p in report.problems} == {"line 5", "line 7"}
    messages = " ".join(p.message for p in report.problems)
    assert "text" in messages and "title" in messages
    assert report.reproduce and report.as_dict()["reproduce"] is True


#: The steps a package built with the default [normalize] recorded before separator-breaks.
STEPS_BEFORE_SEPARATOR_BREAKS = [
    "fix-encoding-short-lines", "fix-encoding", "remove-bom", "line-endings",
    "remove-control-chars", "remove-zero-width", "nfc", "trim-trailing-whitespace",
    "paragraph-spacing"]


@pytest.mark.parametrize("skip", [[], ["separator-breaks"]], ids=["now", "as before"])
def test_information_separators_separate_words_and_older_packages_still_reproduce(
        tmp_path: Path, skip: list[str]) -> None:
    """FS, GS and RS become LF and US a space (QA: remove-control-chars deleted them,
    gluing five words into one). A package built before the step records settings
    without it (as one built skipping it does): --reproduce replays its records as they
    were made, the separators deleted."""
    text = ("alpha\x1cbeta\x1dgamma\x1edelta\x1fepsilon"
            + " and then some ordinary English words so the separators are few." * 6 + "\n")
    result, record, steps = _built_skipping(tmp_path, text, skip)
    if skip:
        assert steps == STEPS_BEFORE_SEPARATOR_BREAKS
        assert record["text"].startswith("alphabetagammadeltaepsilon and")
        assert record["normalization"] == ["remove-control-chars"]
    else:
        assert steps == [*STEPS_BEFORE_SEPARATOR_BREAKS[:4], "separator-breaks",
                         *STEPS_BEFORE_SEPARATOR_BREAKS[4:]]
        assert record["text"].startswith("alpha\nbeta\ngamma\ndelta epsilon and")
        assert record["normalization"] == ["separator-breaks"]
        assert record["words"] == len(text.split())
    report = validate(result.release, reproduce=True, jobs=1)
    assert report.valid, render_text(report)


def _built_skipping(tmp_path: Path, text: str, skip: list[str]
                     ) -> tuple[corpuskit.BuildResult, dict[str, Any], list[str]]:
    """The build of one document ``text`` with the steps ``skip`` skipped: its result,
    its record and the normalization steps its datapackage.json records."""
    seeds = write_seeds(tmp_path / "seeds", {"a.txt": text.encode()},
                        normalize={"skip": skip})
    result = corpuskit.build(seeds, tmp_path / "dist", source_date_epoch=EPOCH, jobs=1)
    [record] = records(result.release)
    steps = json.loads((result.release / "datapackage.json").read_text("utf-8"))[
        "corpuskit"]["process"]["normalize"]["steps"]
    return result, record, steps


@pytest.mark.parametrize("skip", [[], ["separator-breaks"]], ids=["now", "as before"])
def test_a_paragraph_separator_is_a_blank_line_and_older_packages_still_reproduce(
        tmp_path: Path, skip: list[str]) -> None:
    """U+2029 PARAGRAPH SEPARATOR becomes a blank line by separator-breaks (QA: 017dcde
    made it one in line-endings, a step every package records, so a package built before
    it, holding U+2029 as one LF, failed --reproduce with record-mismatch). A package
    whose settings list no separator-breaks (built before the step, or skipping it) keeps
    the one LF, and --reproduce replays it so."""
    sentence = " and then some ordinary English words to make a paragraph of it."
    text = ("The first paragraph ends here" + sentence * 3 + "\u2029"
            "The second paragraph follows it" + sentence * 3 + "\n")
    result, record, steps = _built_skipping(tmp_path, text, skip)
    break_ = "\n" if skip else "\n\n"
    assert record["text"] == text.replace("\u2029", break_)
    assert record["normalization"] == (["line-endings"] if skip else ["separator-breaks"])
    assert ("separator-breaks" in steps) is not bool(skip)
    report = validate(result.release, reproduce=True, jobs=1)
    assert report.valid, render_text(report)


@pytest.mark.parametrize(("section", "key", "value", "says"), [
    ("extract", "rights_patterns", ["(unclosed"], "not a valid Python regular expression"),
    ("decode", "fallback_encodings", ["nope-enc"], "not a code page corpuskit decodes"),
    ("normalize", "steps", ["shout"], "not a normalization step"),
])
def test_reproduce_with_settings_it_cannot_use_reports_them_and_keeps_the_rest(
        section: str, key: str, value: list[str], says: str, tmp_path: Path) -> None:
    """Recorded settings that cannot be used (edited by hand) are a schema error at
    /corpuskit/process, and every other problem is still reported: they used to end the
    check with an internal error that dropped all the others."""
    target = copy_release(tmp_path)
    path = target / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["corpuskit"]["process"][section][key] = value
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    report = validate(target, reproduce=True, jobs=1)
    assert "internal-error" not in codes(report)
    assert "checksum-mismatch" in codes(report)  # datapackage.json no longer matches
    assert any(p.location == "/corpuskit/process" and says in p.message
               for p in report.problems), render_text(report)


def test_reproduce_archive(tmp_path: Path) -> None:
    report = validate(built().archive, reproduce=True, jobs=2)
    assert report.valid, render_text(report)


def test_reproduce_needs_process_settings(tmp_path: Path) -> None:
    target = copy_release(tmp_path)
    descriptor = json.loads((target / "datapackage.json").read_text())
    descriptor["corpuskit"]["process"]["extract"]["bogus"] = 1
    (target / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    resign_tags_only(target)
    for reproduce in (True, False):  # settings no build records fail either way, once
        report = validate(target, reproduce=reproduce, jobs=1)
        [problem] = [p for p in report.problems if p.location == "/corpuskit/process"]
        assert problem.message.startswith("corpuskit.process.extract has unknown keys: bogus; "
                                          "a package that records settings no build writes "
                                          "cannot be reproduced")


@pytest.mark.parametrize(("section", "key", "value", "newer"), [
    ("normalize", "steps", ["fix-encoding-later", "nfc"], True),
    ("decode", "fallback_encodings", ["cp1252", "cp874"], True),
    ("extract", "title_max_chars", "200", False),
])
def test_a_setting_this_corpuskit_does_not_know_may_be_a_newer_ones(
        tmp_path: Path, section: str, key: str, value: object, newer: bool) -> None:
    """A release built by a newer corpuskit than the one validating it (a CI pinned to an
    older commit, as the README's snippets pin one) records a step it does not know, and
    was only told to restore the datapackage.json corpuskit wrote, which it is (QA). A
    value of the wrong type is no newer corpuskit's."""
    target = copy_release(tmp_path)
    descriptor = json.loads((target / "datapackage.json").read_text())
    descriptor["corpuskit"]["process"][section][key] = value
    (target / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    resign_tags_only(target)
    [problem] = [p for p in validate(target, jobs=1).problems
                 if p.location == "/corpuskit/process"]
    assert problem.message.endswith(
        "restore the datapackage.json corpuskit wrote; if a newer corpuskit made the package, "
        "validate it with that one (this one does not know that setting)" if newer else
        "restore the datapackage.json corpuskit wrote"), problem.message


@pytest.mark.parametrize(("edit", "where", "says"), [
    ("steps reversed", "/corpuskit/process/normalize/steps",
     "corpuskit records these steps once each, as"),
    ("a step twice", "/corpuskit/process/normalize/steps",
     "corpuskit records these steps once each, as"),
    ("an integer beyond 64 bits", "/corpuskit/process",
     "corpuskit.process.extract.language_min_chars must be of type int"),
    ("a code page corpuskit does not decode", "/corpuskit/process",
     "'rot13' is not a code page corpuskit decodes"),
])
def test_recorded_settings_are_checked_without_reproduce(tmp_path: Path, edit: str,
                                                         where: str, says: str) -> None:
    """Settings no build records passed validate (only --reproduce, which runs them, saw
    them); steps listed in another order than they ran passed even --reproduce."""
    target = copy_release(tmp_path)
    path = target / "datapackage.json"
    text = path.read_text()
    descriptor = json.loads(text)
    process = descriptor["corpuskit"]["process"]
    if edit == "steps reversed":
        process["normalize"]["steps"].reverse()
    elif edit == "a step twice":
        process["normalize"]["steps"].append(process["normalize"]["steps"][0])
    elif edit == "a code page corpuskit does not decode":
        process["decode"]["fallback_encodings"] = ["rot13"]
    else:
        process["extract"]["language_min_chars"] = 10**30
    path.write_text(json.dumps(descriptor, indent=2))
    resign(target)
    for reproduce in (False, True):
        report = validate(target, reproduce=reproduce, jobs=1)
        found = [p for p in report.problems if p.path == "datapackage.json"]
        assert {p.location for p in found} == {where}, found  # (twice: the profile too)
        assert any(says in p.message for p in found)


# -- seeds folders -------------------------------------------------------------------------

def test_seeds_problems_without_writing(tmp_path: Path) -> None:
    seeds = write_seeds(tmp_path / "seeds", {
        "good.txt": b"A title\n\nSome text here.\n",
        "empty.txt": b"   \n",
        "binary.bin": b"\x00\x01\x02\x03" * 20,
        "dup.txt": b"one\n",
        "dup.md": b"two\n",
    })
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    report = validate(seeds, jobs=1)
    assert report.kind == "seeds"
    assert {"empty-document", "binary-file", "duplicate-id"} <= codes(report)
    # Every file is counted, those refused for their ids (dup.*) and corpus.toml too; one
    # builds.
    assert (report.files, report.documents) == (6, 1)
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


@pytest.mark.parametrize("option", ["--fast", "--reproduce"])
def test_fast_or_reproduce_on_seeds_says_it_checks_them_as_build_reads_them(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str) -> None:
    """A seeds folder is checked whole whatever is asked; its report said "fast checks"
    and its JSON "mode": "fast" (QA)."""
    seeds = write_seeds(tmp_path / "seeds", {"good.txt": b"A title\n\nSome text here.\n"})
    code, out, err = run(capsys, "validate", str(seeds), option, "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert (report["kind"], report["mode"], report["reproduce"]) == ("seeds", "full", False)
    assert f"note: {option} checks packages and archives; a seeds folder is checked as " \
        "build reads it, each document decoded" in err
    code, out, _ = run(capsys, "validate", str(seeds), option)
    assert code == 0 and "fast checks" not in out and "full checks" in out, out


def test_seeds_config_errors_name_the_key(tmp_path: Path) -> None:
    seeds = write_seeds(tmp_path / "seeds", {"a.txt": b"text\n"}, version="one")
    report = validate(seeds)
    assert any(p.code == "config-error" and p.location == "version" for p in report.problems)


@pytest.mark.parametrize("damage", ["[discovr]\nexclude = []\n", "name = \"unclosed\n"])
def test_seeds_whose_corpus_toml_stops_the_run_are_not_said_to_be_checked(
        tmp_path: Path, damage: str) -> None:
    """A misspelled document table, or corpus.toml that is no TOML, stops a run before the
    documents: its report said "0 documents, 0 files; full checks", without a word of the
    documents never checked (here an empty one: QA). It says so, with no counts."""
    from corpuskit.validation.report import SEEDS_STOPPED

    seeds = write_seeds(tmp_path / "seeds", {"a.txt": b"A title\n\nSome text.\n",
                                             "empty.txt": b""})
    with open(seeds / "corpus.toml", "a", encoding="utf-8") as config:
        config.write(damage)
    report = validate(seeds, jobs=1)
    assert codes(report) == {"config-error"}, report.problems
    assert report.not_checked == ((".", SEEDS_STOPPED),)
    assert report.summary() == f"{seeds}: 1 problem in seeds (full checks; {SEEDS_STOPPED})"
    data = report.as_dict()
    assert data["not_checked"] == [{"path": ".", "message": SEEDS_STOPPED}]
    REPORT_SCHEMA.validate(data)
    # A problem of the package metadata stops nothing: the documents are checked, counted
    metadata = validate(write_seeds(tmp_path / "other", {"empty.txt": b"",
                                                         "a.txt": b"A title\n\nText.\n"},
                                    version="one"), jobs=1)
    assert codes(metadata) == {"config-error", "empty-document"}
    assert metadata.not_checked == () and "1 document, 3 files" in metadata.summary()


def test_seeds_in_parallel_match_serial(tmp_path: Path) -> None:
    files = {f"doc-{i:04d}.txt": f"Title {i}\n\nBody {i} text.\n".encode()
             for i in range(600)}
    files["bad.txt"] = b""
    seeds = write_seeds(tmp_path / "seeds", files)
    serial, parallel = validate(seeds, jobs=1), validate(seeds, jobs=2)
    assert serial.as_dict() == parallel.as_dict()
    assert codes(serial) == {"empty-document"} and serial.documents == 600


#: The documents of a seeds folder released once (:func:`released_seeds`).
RELEASED_FILES = {f"doc-{i:02d}.txt": f"Title {i}\n\nThe text of document {i}.\n".encode()
                  for i in range(12)}
#: The record lines of a released seeds folder hashed as build writes them: its content hash.
CONTENT = re.compile(r"other content \((sha256:[0-9a-f]{64})\)")


def released_seeds(tmp_path: Path) -> tuple[Path, str]:
    """A seeds folder released once (1.0.0 at EPOCH) into a dist/ beside it, which a clone
    would not keep: corpus.toml records created and content_hash, CHANGELOG.md the entry;
    and the content hash recorded."""
    seeds = write_seeds(tmp_path / "seeds", RELEASED_FILES)
    made = corpuskit.release(seeds, tmp_path / "dist", source_date_epoch=EPOCH, jobs=1,
                             cache=None)
    assert made.version == "1.0.0" and made.build is not None
    assert f'content_hash = "{made.build.content_hash}"' in (seeds / "corpus.toml").read_text()
    return seeds, made.build.content_hash


def edit_a_document(seeds: Path, name: str = "doc-05.txt") -> None:
    (seeds / name).write_text("Title 5\n\nAnother text, edited since the release.\n", "utf-8")


def build_into_empty(seeds: Path, out: Path, source_date_epoch: str | None = None) -> str:
    """What a build of ``seeds`` into the empty folder ``out`` says: "built", or why it
    refused them."""
    try:
        return corpuskit.build(seeds, out, source_date_epoch=source_date_epoch, jobs=1,
                               cache=None).status
    except (ReleaseExistsError, InputError) as refused:
        return str(refused)


def test_seeds_that_make_other_content_than_their_recorded_release_are_refused_as_build_does(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Released (created, content_hash, the CHANGELOG.md entry), then a document edited:
    a build into a folder without that release refuses them as a second, other 1.0.0, and
    validate passed them, never having computed the content hash. It names corpus.toml's
    content_hash, both hashes (the seeds' the very one build computes) and what to do."""
    seeds, recorded = released_seeds(tmp_path)
    edit_a_document(seeds)
    report = validate(seeds, jobs=1)
    [problem] = report.problems
    assert (problem.path, problem.code, problem.location) == (
        "corpus.toml", "metadata-mismatch", "content_hash")
    assert problem.message.startswith(
        f"records the release of {NAME} 1.0.0 (created = 2023-11-14T22:13:20Z, "
        f"content_hash = {recorded}) and CHANGELOG.md its entry (line 3), but these seeds "
        "make other content (sha256:"), problem.message
    assert ("A build of 1.0.0 into an output folder that does not hold it refuses them, as "
            "a second, other 1.0.0") in problem.message
    assert (f"run 'corpuskit release --seeds {seeds}' with --out the folder that holds "
            "1.0.0") in problem.message
    # The check that names the hash release wrote is given the folder of releases, not a
    # release's (QA: "check of the release's folder", taken literally, was refused).
    assert (f"'corpuskit check --seeds {seeds} --dist DIR', DIR the folder that holds "
            "1.0.0, names it") in problem.message
    assert ("(an interrupted release, or a version set by hand that kept the created and "
            "content_hash of the release before it)") in problem.message
    refused = build_into_empty(seeds, tmp_path / "empty")
    assert "A build would make a second, other 1.0.0; nothing was written" in refused
    said = CONTENT.search(problem.message)
    assert said is not None and said.group(1) != recorded
    assert CONTENT.findall(refused) == [said.group(1)]
    code, out, _ = run(capsys, "validate", str(seeds))
    assert code == 1 and "corpus.toml:content_hash: records the release" in out, out
    # A refused document: build reports it alone, never reaching the content; so does
    # validate (the content its fix makes is not known yet).
    (seeds / "doc-05.txt").write_bytes(b"   \n")
    assert codes(validate(seeds, jobs=1)) == {"empty-document"}
    assert "empty" in build_into_empty(seeds, tmp_path / "empty")


def test_unchanged_released_seeds_pass_and_their_recorded_hash_is_compared(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The seeds a release was made from pass, as build makes that release again from them
    into an empty folder; a content_hash mistyped in corpus.toml, which build refuses, is
    named: the content hash is computed, not taken on trust."""
    seeds, recorded = released_seeds(tmp_path)
    report = validate(seeds, jobs=1)
    assert report.valid, report.problems
    assert run(capsys, "validate", str(seeds))[0] == 0
    assert build_into_empty(seeds, tmp_path / "empty") == "built"
    toml = seeds / "corpus.toml"
    typo = recorded[:-1] + ("0" if recorded[-1] != "0" else "1")
    toml.write_text(toml.read_text("utf-8").replace(recorded, typo), "utf-8")
    [problem] = validate(seeds, jobs=1).problems
    assert (problem.code, problem.location) == ("metadata-mismatch", "content_hash")
    assert f"content_hash = {typo})" in problem.message
    assert CONTENT.findall(problem.message) == [recorded]  # what the seeds make: the release's
    assert "A build would make a second, other 1.0.0" in build_into_empty(
        seeds, tmp_path / "other-empty")


def test_seeds_of_a_recorded_release_validated_with_source_date_epoch_as_build_takes_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SOURCE_DATE_EPOCH the recorded release time: the build makes that release again and
    refuses other content. Another time would make a second, other release whatever the
    content: build refuses it into a folder holding no release of the corpus, as into one
    holding an earlier release (QA: it built one, and validate passed the seeds, with
    SOURCE_DATE_EPOCH set to a commit's time). validate says so, naming the time to
    build with, and compares the content whatever the time."""
    seeds, _ = released_seeds(tmp_path)
    later = str(int(EPOCH) + 86_400)
    for edited in (False, True):
        if edited:
            edit_a_document(seeds)
        for epoch in (EPOCH, later):
            monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
            report = validate(seeds, jobs=1)
            built = build_into_empty(seeds, tmp_path / f"empty-{edited}-{epoch}")
            found = sorted((p.path, p.code, p.location) for p in report.problems)
            expected = [("corpus.toml", "metadata-mismatch", "content_hash")] if edited else []
            if epoch == EPOCH:
                assert found == expected, report.problems
                assert (built == "built") is not edited, built
                assert edited is ("A build would make a second, other 1.0.0" in built)
                continue
            assert found == sorted([*expected, ("SOURCE_DATE_EPOCH", "config-error", "")])
            [timed] = [p for p in report.problems if p.path == "SOURCE_DATE_EPOCH"]
            assert timed.message.startswith(
                "gives 2023-11-15T22:13:20Z, but corpus.toml records the release time of "
                "validate-sample 1.0.0 (created = 2023-11-14T22:13:20Z) and CHANGELOG.md its "
                "entry (line 3): ")
            assert timed.message.endswith(
                f"would make a second, other 1.0.0; unset SOURCE_DATE_EPOCH (or set it to "
                f"{EPOCH}, that time)"), timed.message
            assert "building it at another time would make a second, other 1.0.0" in built
            assert built.endswith(f"Unset SOURCE_DATE_EPOCH (or set it to {EPOCH}, that "
                                  "time), and build again"), built
            out = tmp_path / f"empty-{edited}-{epoch}"
            assert not out.exists() or not any(out.iterdir())  # nothing written


def test_the_content_of_released_seeds_is_the_same_in_parallel_as_in_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 4 documents (3 of them) checked on two workers: their record lines come
    back in order, so the unchanged seeds pass and an edit in the middle chunk is named,
    with the same report as in one process."""
    import corpuskit.validation.seeds as seeds_check

    pools: list[int] = []

    class Counted(seeds_check.ForkPool):
        def __init__(self, processes: int) -> None:
            pools.append(processes)
            super().__init__(processes)

    monkeypatch.setattr(seeds_check, "CHUNK", 4)
    monkeypatch.setattr(seeds_check, "ForkPool", Counted)
    seeds, _ = released_seeds(tmp_path)
    for edited in (False, True):
        if edited:
            edit_a_document(seeds)
        serial, parallel = validate(seeds, jobs=1), validate(seeds, jobs=2)
        assert serial.as_dict() == parallel.as_dict()
        assert pools == [2] * (1 + edited)  # the parallel run's, on two workers
        assert serial.valid is not edited, serial.problems
        if edited:
            assert [(p.code, p.location) for p in parallel.problems] == [
                ("metadata-mismatch", "content_hash")]


def test_every_code_is_documented_and_slug_shaped() -> None:
    import re
    for code, text in CODES.items():
        assert re.fullmatch(r"[a-z]+(?:-[a-z]+)*", code) and text


def test_no_release_written_by_validate(tmp_path: Path) -> None:
    target = copy_archive(tmp_path)
    before = sorted(tmp_path.rglob("*"))
    validate(target, reproduce=True, jobs=1)
    assert sorted(tmp_path.rglob("*")) == before


def test_epoch_is_the_test_epoch() -> None:
    descriptor = json.loads((built().release / "datapackage.json").read_text())
    assert descriptor["created"] == "2023-11-14T22:13:20Z" and EPOCH == "1700000000"


# -- fast paths equal the definitions they replace ------------------------------------------

def test_known_patterns_equal_the_schema_patterns_they_stand_for() -> None:
    """As ECMA-262 reads them (JSON Schema's dialect: corpuskit.ecmaregex), not re."""
    import itertools

    from corpuskit.ecmaregex import ecma_search
    from corpuskit.recordshape import KNOWN_PATTERNS

    for pattern, predicate in KNOWN_PATTERNS.items():
        search = ecma_search(pattern)
        if pattern == DATE_PATTERN:  # every text of one character changed or added
            for day in ("2023-11-14", "1999-12-31", "2000-01-09", "2024-10-20"):
                for at in range(len(day) + 1):
                    for char in DATE_ALPHABET:
                        for text in (day[:at] + char + day[at + 1:], day[:at] + char + day[at:],
                                     day[:at] + day[at + 1:]):
                            assert predicate(text) == (search(text) is not None), repr(text)
        else:
            for size in range(7):
                for chars in itertools.product("a\n \r/\u2028", repeat=size):
                    text = "".join(chars)
                    assert predicate(text) == (search(text) is not None), repr(text)

        alphabet = DATE_ALPHABET if pattern == DATE_PATTERN else "ab\n\r \u2028é/"
        _property(predicate, search, alphabet)()
    properties = load_schema("document.schema.json")["properties"]
    for name in ("text", "title", "id", "date"):
        pattern = properties[name]["pattern"]
        assert pattern in KNOWN_PATTERNS, f"the {name} pattern changed: update KNOWN_PATTERNS"
    assert properties["date"]["pattern"] == DATE_PATTERN


#: The record schema's pattern of a date, and characters to make near misses of one with:
#: digits, a dash, an Arabic-Indic three (a digit to ``re``'s ``\d``, not to ECMA-262's),
#: a line feed (which ``re``'s ``$`` lets end a text), a comma.
DATE_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
DATE_ALPHABET = "0123459-\u0663\n,a"


_DAYS = st.builds(lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}", st.integers(0, 9999),
                  st.integers(0, 13), st.integers(0, 32))
_COLUMN_VALUES = st.lists(st.one_of(
    _DAYS, _DAYS.map(lambda day: day + "," + day),
    st.text(alphabet=st.sampled_from(DATE_ALPHABET), min_size=9, max_size=11),
    st.text(alphabet=st.sampled_from("ab\n \u2028"), max_size=6)), max_size=6)


@pytest.mark.parametrize("pattern", sorted(KNOWN_COLUMN_PATTERNS))
@settings(max_examples=examples(150))
@given(values=_COLUMN_VALUES)
def test_known_column_patterns_equal_their_predicates_on_every_value(
        pattern: str, values: list[str]) -> None:
    """A column's pattern check, made in a few loops over it or one match of them all,
    says what the pattern's predicate says of each of its values."""
    assert pattern in KNOWN_PATTERNS
    column = KNOWN_COLUMN_PATTERNS[pattern]
    assert column(values) == all(map(KNOWN_PATTERNS[pattern], values)), values
    assert column([]) is True


def _property(predicate: Callable[[str], bool], search: Callable[[str], object],
              alphabet: str) -> Callable[[], None]:
    from hypothesis import given
    from hypothesis import strategies as st

    @given(st.text(alphabet=st.sampled_from(alphabet), max_size=40))
    def agree(text: str) -> None:
        assert predicate(text) == (search(text) is not None)

    return agree


def test_document_id_equals_pathlibs_suffix_rule_on_every_short_member_name() -> None:
    import itertools
    from pathlib import PurePosixPath

    from corpuskit.discover import document_id
    from corpuskit.membernames import unsafe_member_reason

    for size in range(1, 8):
        for chars in itertools.product("a./", repeat=size):
            path = "".join(chars)
            if unsafe_member_reason(path) is None:
                pure = PurePosixPath(path)
                expected = str(pure.with_suffix("")) if pure.suffix else path
                assert document_id(path) == expected, path


def test_a_folder_of_releases_stands_for_each(capsys: pytest.CaptureFixture[str]) -> None:
    from corpuskit.validation import expand_targets

    dist = built().dist
    assert expand_targets([dist]) == [built().release, built().archive]
    code, out, _ = run(capsys, "validate", "--json", str(dist))
    data = json.loads(out)
    assert code == 0 and [r["kind"] for r in data["reports"]] == ["package", "archive"]
    # The library's validate_all is what the command runs: the very JSON it prints.
    reports = corpuskit.validate_all([dist], jobs=1)
    assert reports.valid and len(reports) == 2 and reports.as_dict() == data


def test_a_target_named_twice_is_checked_once(capsys: pytest.CaptureFixture[str]) -> None:
    """'validate x.zip x.zip' checked and reported the archive twice (QA): it is checked
    once, named as first given; a folder of releases named twice, each release once."""
    from corpuskit.validation import expand_targets

    dist, archive = built().dist, built().archive
    assert expand_targets([archive, archive]) == [archive]
    assert expand_targets([dist, dist]) == [built().release, archive]
    dotted = f"./{archive.relative_to(Path.cwd())}" if archive.is_relative_to(Path.cwd()) \
        else str(archive)
    reports = corpuskit.validate_all([str(archive), dotted, str(archive)], jobs=1)
    assert [r.target for r in reports] == [str(archive)]
    code, out, _ = run(capsys, "validate", str(archive), str(archive))
    assert code == 0 and out.count("valid archive") == 1, out
    # Named beside its folder of releases, which lists it: once too (QA).
    assert [r.target for r in corpuskit.validate_all([dist, archive], jobs=1)] == [
        str(built().release), str(archive)]


def test_a_folder_of_one_release_prints_the_collection_form(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--format json printed the one-target form for a folder of releases holding one, as
    the README says it does not (and as validate_all(...).as_dict() did not; QA)."""
    dist = tmp_path / "dist"
    dist.mkdir()
    shutil.copy(built().archive, dist)
    code, out, _ = run(capsys, "validate", "--format", "json", str(dist))
    data = json.loads(out)
    assert code == 0 and [r["kind"] for r in data["reports"]] == ["archive"]
    assert corpuskit.validate_all([dist], jobs=1).as_dict() == data
    code, out, _ = run(capsys, "validate", "--format", "json", str(dist / built().archive.name))
    assert code == 0 and json.loads(out)["kind"] == "archive"  # one target named: its report


def test_a_folder_of_releases_names_a_linked_release_and_a_zip_that_is_none(
        tmp_path: Path) -> None:
    """validate dist followed a release zip that is a symbolic link (to anything: it read
    the file linked to), which check refuses; a folder named x-2.0.0.zip was passed over
    in silence (QA)."""
    dist = tmp_path / "dist"
    shutil.copytree(built().release, dist / built().release.name)
    (tmp_path / "elsewhere.zip").write_bytes(built().archive.read_bytes())
    (dist / built().archive.name).symlink_to(tmp_path / "elsewhere.zip")
    (dist / "other-2.0.0.zip").mkdir()
    reports = {Path(r.target).name: r for r in corpuskit.validate_all([dist], jobs=1)}
    assert {name: report.valid for name, report in reports.items()} == {
        built().release.name: True, built().archive.name: False, "other-2.0.0.zip": False}
    assert [(p.code, p.message) for p in reports[built().archive.name].problems] == [
        ("not-a-package", f"named as a release in {dist}, but it is a symbolic link (never "
                          "followed: a release's zip is a file)")]
    assert [(p.code, p.message) for p in reports["other-2.0.0.zip"].problems] == [
        ("not-a-package", f"named as a release in {dist}, but it is a folder, not a zip "
                          "file, and was not read")]
    assert reports["other-2.0.0.zip"].summary() == f"{dist / 'other-2.0.0.zip'}: not read; " \
        "nothing checked"  # it said "not a seeds folder, package or archive" too
    # Named by itself, a zip that is a link is the user's own choice, and followed; named
    # with its folder of releases too, it is still refused as one of its releases.
    linked = dist / built().archive.name
    assert corpuskit.validate_all([linked], jobs=1).valid
    assert [r.valid for r in corpuskit.validate_all([dist, linked], jobs=1)
            if Path(r.target) == linked] == [False, True]
    # A release folder reached through a link is read, as check compares it (its zip a
    # file beside it: a release folder without one is unfinished).
    (dist / "other-2.0.0.zip").rmdir()
    linked.unlink()
    shutil.copyfile(built().archive, linked)
    shutil.move(dist / built().release.name, tmp_path / "folder")
    (dist / built().release.name).symlink_to(tmp_path / "folder")
    assert corpuskit.validate_all(dist, jobs=1).valid  # one path, not its characters


@pytest.mark.parametrize("given", [[], (), iter([])])
def test_validate_all_of_no_path_is_no_verdict(given: object) -> None:
    """``validate_all([])`` was valid: a CI job whose glob matched nothing passed (QA).
    The command refuses to run without a path; the function refuses as clearly."""
    with pytest.raises(ValueError, match="validate_all was given no path, and nothing "
                                         "checked is not valid"):
        corpuskit.validate_all(given)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"fast and reproduce exclude each other: .* ask "
                                         r"for one"):
        corpuskit.validate(built().release, fast=True, reproduce=True)


def test_a_copy_of_a_release_in_a_folder_of_releases_is_named_a_copy(tmp_path: Path) -> None:
    """A backup copy (old-copy/, x-1.0.0.bak/) was told its zip was missing and to run
    build, which found nothing to do (QA). A copy beside its release is named one; under
    another name alone, it is told to be renamed."""
    dist = tmp_path / "dist"
    release = copy_release(dist)
    copy_archive(dist)
    shutil.copytree(release, dist / "old-copy")
    shutil.copytree(release, dist / f"{release.name}.bak")
    said = {Path(report.target).name: [(p.code, p.location, p.message) for p in report.problems]
            for report in corpuskit.validate_all([dist], jobs=1)}
    copy = (f"a copy of the release {release.name}, which is beside it ({release.name}), "
            f"with no zip of its own: remove the copy, or move it out of {dist}")
    assert said["old-copy"] == said[f"{release.name}.bak"] == [
        ("unexpected-file", "release zip", copy)]
    assert said[release.name] == said[f"{release.name}.zip"] == []
    shutil.rmtree(release)
    # Renamed, beside its zip: renaming it back is all (QA: told to build the zip too).
    [report] = [r for r in corpuskit.validate_all([dist], jobs=1)
                if Path(r.target).name == "old-copy"]
    assert [(p.code, p.message) for p in report.problems] == [(
        "unexpected-file", f"holds the release {release.name} under another name, beside "
                           f"that release's zip ({release.name}.zip): rename it back to "
                           f"{release.name}")]
    (dist / f"{release.name}.zip").unlink()
    [report] = corpuskit.validate_all([dist / "old-copy"], jobs=1)
    assert report.valid  # named alone, a package
    [report] = [r for r in corpuskit.validate_all([dist], jobs=1)
                if Path(r.target).name == "old-copy"]
    assert report.problems[0].message.startswith(
        f"holds the release {release.name} under another name, with no zip beside it: "
        f"rename it to {release.name}")


def test_a_release_folder_without_its_zip_in_a_folder_of_releases_is_unfinished(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """validate dist called a release folder whose zip is missing valid, which check,
    build and release call unfinished (QA): a release is its folder and its zip. The
    missing zip is named, with what writes it; a release kept as its zip only is one
    still, and the folder named by its own path is a valid package."""
    folder_only, zip_only = tmp_path / "folder-only", tmp_path / "zip-only"
    zip_only.mkdir()
    folder = copy_release(folder_only)
    copy_archive(zip_only)
    code, out, _ = run(capsys, "validate", str(folder_only))
    assert code == 1, out
    zip_name = built().archive.name
    assert out.splitlines() == [
        f"{folder}:release zip: the release has no zip beside it ({zip_name} is not in "
        f"{folder_only}): a build or release was interrupted after the folder was in place, "
        f"or the zip was removed; run 'corpuskit build --out {folder_only}' with the seeds it "
        "was built from, which writes the zip of a folder they build the same, or restore "
        "the zip from a published copy; a package unpacked from its zip and kept without "
        f"it is checked alone by its own path: 'corpuskit validate {folder}' "
        "[missing-file]",
        f"{folder}: 1 problem in package ({len(records(folder))} documents, "
        f"{sum(p.is_file() for p in folder.rglob('*'))} files; full checks)"], out
    code, out, _ = run(capsys, "validate", str(folder_only), "--format", "json")
    [report] = json.loads(out)["reports"]
    assert [(p["code"], p["path"], p["location"]) for p in report["problems"]] == [
        ("missing-file", ".", "release zip")]
    assert [report.valid for report in corpuskit.validate_all([zip_only], jobs=1)] == [True]
    assert [report.valid for report in corpuskit.validate_all([folder], jobs=1)] == [True]
    # named beside its folder of releases, in either order, it is a release of that folder
    # (QA: "validate PKG dist" passed what "validate dist" fails)
    for targets in ([folder, folder_only], [folder_only, folder]):
        assert [report.valid for report in corpuskit.validate_all(targets, jobs=1)] == [False]
    copy_archive(folder_only)  # its zip back beside it: the release is whole
    assert [report.valid for report in corpuskit.validate_all([folder_only], jobs=1)] == \
        [True, True]


def test_the_library_validate_of_a_folder_of_releases_names_validate_all() -> None:
    """``corpuskit.validate("dist")`` checks one package: it told a user with a folder of
    releases to write a corpus.toml, while ``corpuskit validate dist`` passed. A release's
    folder and zip are one release (QA: "2 releases" of one, where load said "1")."""
    dist = built().dist
    report = corpuskit.validate(dist, jobs=1)
    [problem] = report.problems
    assert not report.valid and problem.code == "not-a-package"
    assert problem.message == (f"a folder of releases (1 release, 2 folders and zips), not "
                               f"one package: "
                               f"corpuskit.validate_all([{str(dist)!r}]) checks every release "
                               f"in it, as 'corpuskit validate {dist}' does")


@pytest.mark.parametrize("created", ["2026-02-30T00:00:00Z", "9999-99-99T99:99:99Z",
                                     "2026-11-28T24:00:00Z"])
def test_a_release_time_the_calendar_lacks_is_refused(created: str, tmp_path: Path) -> None:
    """The profile's pattern lets 2026-02-30 and hour 99 through: a re-signed package
    stating such a release time passed, and info showed it."""
    target = copy_release(tmp_path)
    descriptor = json.loads((target / "datapackage.json").read_text())
    descriptor["created"] = created
    (target / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    resign_tags_only(target)
    problems = [(p.path, p.code, p.location) for p in validate(target, jobs=1).problems
                if p.location == "/created"]
    assert problems == [("datapackage.json", "schema-error", "/created")]


def test_validate_of_seeds_names_the_files_a_build_skips(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The README says hidden files are skipped and named on stderr: build named them,
    validate of the same seeds did not. Named on stderr, and in the JSON report (as
    build --json names them) and the GitHub annotations, as notes: the seeds are valid."""
    seeds = write_seeds(tmp_path / "seeds", {"good.txt": b"A title\n\nSome text here.\n",
                                             ".notes.txt": b"a hidden file\n"})
    code, out, err = run(capsys, "validate", str(seeds))
    assert code == 0 and "valid seeds" in out
    assert f"skipped: {seeds}/.notes.txt (hidden)" in err
    # a seeds folder given with a trailing slash: named as build names it (was seeds//.notes.txt)
    code, out, err = run(capsys, "validate", f"{seeds}/")
    assert code == 0 and f"skipped: {seeds}/.notes.txt (hidden)" in err, err
    code, out, err = run(capsys, "validate", "--format", "json", str(seeds))
    report = json.loads(out)
    REPORT_SCHEMA.validate(report)
    assert code == 0 and report["valid"]
    assert report["skipped"] == [{"path": ".notes.txt", "reason": "hidden"}]
    code, out, err = run(capsys, "validate", "--format", "github", str(seeds))
    assert code == 0
    assert f"::notice file={seeds}/.notes.txt,title=skipped::not packaged: hidden" in out


def test_names_looked_at_together_are_unsafe_exactly_when_one_of_them_is() -> None:
    """The clean pass asks whether any of a block's raw paths is unsafe by looking at
    them joined; every list of up to three names of up to three characters (of those
    that make names unsafe, and one that does not) gets unsafe_member_reason's answer."""
    import itertools

    from corpuskit.membernames import any_unsafe_member, unsafe_member_reason

    names = ["".join(chars) for size in range(4)
             for chars in itertools.product("a./\\:\x00", repeat=size)]
    short = [name for name in names if len(name) <= 2]
    checked = unsafe = 0
    for count in range(4):
        for group in itertools.product(short if count > 1 else names, repeat=count):
            expected = any(unsafe_member_reason(name) is not None for name in group)
            assert any_unsafe_member(list(group)) == expected, group
            checked += 1
            unsafe += expected
    assert checked > 50_000 and 0 < unsafe < checked


def test_a_long_value_is_quoted_short(tmp_path: Path) -> None:
    """A record whose text of a megabyte lacked its final LF gave one problem line of a
    megabyte (jsonschema quotes the whole value), in every output format."""
    package = copy_release(tmp_path)
    items = records(package)
    items[0]["text"] = "word " * 200_000  # no final LF: the record schema's pattern fails
    write_records(package, items)
    resign(package)
    [problem] = [p for p in corpuskit.validate(package, jobs=1).problems
                 if p.location.endswith("/text")]
    assert problem.code == "schema-error" and len(problem.render()) < 300, problem.render()
    assert problem.message.startswith("'word word ")
    assert "... word word ' (1,000,000 characters) does not match" in problem.message


@pytest.mark.parametrize("change", ["chars as a float", "a field of the wrong type",
                                    "an unknown field"])
def test_a_record_that_fails_its_schema_still_names_its_raw_file(tmp_path: Path,
                                                                 change: str) -> None:
    """Its raw file was reported as the source of no record (unreferenced-file)."""
    package = copy_release(tmp_path)
    items = records(package)
    if change == "chars as a float":
        items[0]["chars"] = float(items[0]["chars"])
    elif change == "a field of the wrong type":
        items[0]["words"] = str(items[0]["words"])
    else:
        items[0]["extra"] = 1
    write_records(package, items)
    resign(package)
    problems = corpuskit.validate(package, jobs=1).problems
    assert problems and {p.code for p in problems} == {"schema-error"}, problems


@pytest.mark.parametrize("damage", [b"\xef\xbb\xbf", b"NaN"])
def test_a_raw_file_whose_record_cannot_be_read_is_not_said_to_be_no_records(
        tmp_path: Path, damage: bytes) -> None:
    """QA: a record line that is not JSON made its raw file "the source_path of no
    record", inviting its removal: the message says that a record could not be read."""
    package = copy_release(tmp_path)
    path = package / "data" / "documents.jsonl"
    lines = path.read_bytes().split(b"\n")
    raw = "data/raw/" + json.loads(lines[0])["source_path"]
    lines[0] = damage + lines[0] if damage.startswith(b"\xef") \
        else lines[0].replace(b'"chars":', b'"chars":NaN,"x":', 1)
    path.write_bytes(b"\n".join(lines))
    [said] = [p for p in corpuskit.validate(package, jobs=1).problems if p.path == raw]
    assert (said.code, said.message) == (
        "unreferenced-file", "no record that could be read has this raw file as its "
        "source_path (1 record line could not be read: see its problem)")
    (package / "data/raw/extra.txt").write_text("x\n")  # no record names it, whatever
    assert [p.message for p in corpuskit.validate(package, jobs=1).problems
            if p.path == "data/raw/extra.txt" and p.code == "unreferenced-file"] \
        == [said.message]


def test_a_count_written_as_a_float_is_named(tmp_path: Path) -> None:
    """It was told "holds a value corpuskit never writes (such as 74.0 for an integer)",
    naming neither the field nor its value."""
    package = copy_release(tmp_path)
    items = records(package)
    paragraphs = items[0]["paragraphs"]
    items[0]["paragraphs"] = float(paragraphs)
    write_records(package, items)
    resign(package)
    [problem] = corpuskit.validate(package, jobs=1).problems
    assert problem.message == (
        f"the record holds paragraphs {float(paragraphs)!r}: a whole number written as a "
        f"float (with a decimal point or an exponent), which corpuskit never writes "
        f"(paragraphs {paragraphs}); every field must have the type the record schema gives "
        "it")


def test_a_bag_info_label_given_twice_is_told_so(tmp_path: Path) -> None:
    """Content-Hash given twice, both equal to the descriptor's, was reported as a
    mismatch of the descriptor's value."""
    package = copy_release(tmp_path)
    info = package / "bag-info.txt"
    [line] = [line for line in info.read_text().splitlines() if line.startswith("Content-Hash:")]
    info.write_text(info.read_text() + line + "\n")
    resign(package)
    [problem] = corpuskit.validate(package, jobs=1).problems
    assert (problem.path, problem.code, problem.location) == ("bag-info.txt", "bagit-error",
                                                              "Content-Hash")
    assert problem.message.startswith("Content-Hash is given 2 times (")
    assert problem.message.endswith("corpuskit writes it once: remove the others")


def test_bagit_txt_with_crlf_line_ends_is_told_so(tmp_path: Path) -> None:
    """It was told "BagIt-Version '1.0\\r' is not 1.0"."""
    package = copy_release(tmp_path)
    declaration = package / "bagit.txt"
    declaration.write_bytes(declaration.read_bytes().replace(b"\n", b"\r\n"))
    resign(package)
    [problem] = corpuskit.validate(package, jobs=1).problems
    assert (problem.path, problem.code, problem.location) == ("bagit.txt", "bagit-error",
                                                              "line 1")
    assert problem.message == ("2 lines end in CR LF; corpuskit writes bagit.txt with LF "
                               "line ends: restore the file it wrote")


@pytest.mark.parametrize("rel", ["datapackage.json", "data/raw/en/harbour.txt", "README.md"])
def test_a_file_replaced_by_a_link_is_one_problem(tmp_path: Path, rel: str) -> None:
    """The link is refused, never followed; the file is not also "absent" from the
    manifests, "always held", the raw input its record lacks, nor counted out of
    Payload-Oxum, and the data files are not "undeclared" for a descriptor not read."""
    target = copy_release(tmp_path)
    moved = tmp_path / "moved"
    (target / rel).rename(moved)
    (target / rel).symlink_to(moved)
    for options in ({}, {"fast": True}, {"reproduce": True}):
        report = validate(target, jobs=1, **options)
        assert [(p.path, p.code) for p in report.problems] == [(rel, "unsafe-path")], \
            (options, [p.render() for p in report.problems])


def _first_raw_folder() -> str:
    """The folder of data/raw/ that holds the sample release's first raw file."""
    raw = built().release / "data/raw"
    return next(str(path.parent.relative_to(built().release))
                for path in sorted(raw.rglob("*")) if path.is_file() and path.parent != raw)


@pytest.mark.parametrize("rel", ["data", "data/raw", "first raw folder"])
def test_a_folder_replaced_by_a_link_is_one_problem(tmp_path: Path, rel: str) -> None:
    """A release folder whose data/raw/news/ was a link to an identical copy had the link
    reported, then each of the 20 files behind it "absent" twice, from its manifest line
    and from its record, which `ls` showed there; check named the link alone, as README
    says validate does (QA s80 judge3 finding 1). The link is the one problem, in every
    mode, and it says how many of the files the package lists it keeps from being
    checked; the payload behind it is not counted out of Payload-Oxum either."""
    rel = _first_raw_folder() if rel == "first raw folder" else rel
    target = copy_release(tmp_path)
    under = sum(1 for path in (target / rel).rglob("*") if path.is_file())
    moved = tmp_path / "moved"
    (target / rel).rename(moved)
    (target / rel).symlink_to(moved, target_is_directory=True)
    for options in ({}, {"fast": True}, {"reproduce": True}):
        report = validate(target, jobs=1, **options)
        assert [(p.path, p.code) for p in report.problems] == [(rel, "unsafe-path")], \
            (options, [p.render() for p in report.problems])
        assert report.problems[0].message == (
            "symbolic link; a package holds regular files only (not followed); "
            f"{under} file{'s' * (under != 1)} the package lists under it were not checked")


def test_the_files_behind_a_link_are_not_counted_past_the_problems_kept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the 20,000 problems of a code a check keeps (a linked data/raw/ of 10,001
    documents: two "absent" each), those not kept were told as more missing-file problems
    "not listed", after the ones kept had been left out as the link's, and the link said
    to keep fewer files from being checked than it does. Here with 3 kept of a code."""
    monkeypatch.setattr("corpuskit.problems.KEPT_OF_A_CODE", 3)
    target = copy_release(tmp_path)
    under = sum(1 for path in (target / "data/raw").rglob("*") if path.is_file())
    (target / "data/raw").rename(tmp_path / "moved")
    (target / "data/raw").symlink_to(tmp_path / "moved", target_is_directory=True)
    for options in ({}, {"fast": True}):
        report = validate(target, jobs=1, **options)
        assert [(p.path, p.code) for p in report.problems] == [("data/raw", "unsafe-path")], \
            (options, [p.render() for p in report.problems])
        assert report.problems[0].message.endswith(
            f"; {under} files the package lists under it were not checked")
        assert report.as_dict()["counts"]["problems"] == 1


def test_a_folder_replaced_by_a_link_is_one_annotation(capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path) -> None:
    """--format github made an error annotation of each file behind a linked folder,
    pointing at a file that is there (QA s80 judge3 finding 1): one, on the link."""
    target = copy_release(tmp_path)
    rel = _first_raw_folder()
    (target / rel).rename(tmp_path / "moved")
    (target / rel).symlink_to(tmp_path / "moved", target_is_directory=True)
    code, out, _ = run(capsys, "validate", "--format", "github", "--jobs", "1", str(target))
    assert code == 1
    errors = [line for line in out.splitlines() if line.startswith("::error file=")]
    assert len(errors) == 1 and errors[0].startswith(
        f"::error file={target / rel},title=unsafe-path::symbolic link; "), out


@pytest.mark.parametrize("kind", ["link to nothing", "link to a file", "pipe"])
def test_a_stray_link_among_the_raw_files_is_one_problem_in_fast_mode_too(
        tmp_path: Path, kind: str) -> None:
    """A link (or pipe) added to data/raw/, which no record names, was counted as a
    document by validate --fast, which then blamed README.md and datapackage.json for
    their (right) count (QA); as the full check, it reports the entry alone."""
    import os

    target = copy_release(tmp_path)
    stray = target / "data" / "raw" / "stale-link.txt"
    if kind == "link to nothing":
        stray.symlink_to("nowhere")
    elif kind == "link to a file":
        stray.symlink_to(target / "README.md")
    else:
        os.mkfifo(stray)
    for options in ({}, {"fast": True}):
        report = validate(target, jobs=1, **options)
        assert [(p.path, p.code) for p in report.problems] == [
            ("data/raw/stale-link.txt", "unsafe-path")], \
            (options, [p.render() for p in report.problems])
        assert report.documents == validate(built().release, jobs=1, **options).documents


def test_an_unlisted_raw_file_is_no_document_in_fast_mode_either(tmp_path: Path) -> None:
    """A regular file added to data/raw/ was counted as a document by validate --fast,
    which then blamed README.md and datapackage.json for their right count (QA). As the
    full check, it counts the documents the manifests list, and names the file."""
    target = copy_release(tmp_path)
    (target / "data" / "raw" / "added.txt").write_text("An added file.\n", "utf-8")
    for options in ({}, {"fast": True}):
        report = validate(target, jobs=1, **options)
        assert report.documents == validate(built().release, jobs=1, **options).documents
        blamed = {p.path for p in report.problems}  # (bag-info.txt: its payload's size)
        assert blamed <= {"data/raw/added.txt", "bag-info.txt"} and \
            "data/raw/added.txt" in blamed, (options, [p.render() for p in report.problems])


@pytest.mark.parametrize("zipped", [False, True])
def test_a_missing_raw_file_is_told_alone_in_fast_mode(tmp_path: Path, zipped: bool) -> None:
    """A raw file deleted made validate --fast count one document fewer and blame the
    intact README.md and datapackage.json for their right count, both told to be restored
    (QA); it names the file (and Payload-Oxum), and counts the documents the descriptor
    states, which it cannot count without the records."""
    target = copy_release(tmp_path)
    (target / "data/raw/fr_bom.txt").unlink()
    checked = zip_of(target, tmp_path) if zipped else target
    report = validate(checked, jobs=1, fast=True)
    assert sorted((p.path, p.code, p.location) for p in report.problems) == [
        ("bag-info.txt", "size-mismatch", "Payload-Oxum"),
        ("bag-info.txt", "size-mismatch", "Payload-Oxum"),
        ("data/raw/fr_bom.txt", "missing-file", ""),
    ], render_text(report)
    assert report.documents == validate(built().release, jobs=1, fast=True).documents


@pytest.mark.parametrize("zipped", [False, True])
def test_a_raw_file_added_and_signed_is_no_card_problem_in_fast_mode(
        tmp_path: Path, zipped: bool) -> None:
    """A raw file added with its manifest line made validate --fast tell README.md that
    corpuskit writes one document more "from the number of records", and to be restored
    (QA). --fast counts raw files, not records: the count that disagrees is told once, on
    datapackage.json, saying the raw files may be what changed."""
    target = copy_release(tmp_path)
    (target / "data/raw/added.txt").write_text("An added file.\n", "utf-8")
    resign(target)
    checked = zip_of(target, tmp_path) if zipped else target
    report = validate(checked, jobs=1, fast=True)
    [problem] = report.problems
    assert (problem.path, problem.code, problem.location) == (
        "datapackage.json", "metadata-mismatch", "/corpuskit/documents"), render_text(report)
    assert "a raw file added or removed" in problem.message
    assert "without --fast" in problem.message
    assert {(p.path, p.code) for p in validate(checked, jobs=1).problems} == {
        ("data/raw/added.txt", "unreferenced-file")}


@pytest.mark.parametrize("zipped", [False, True])
def test_a_raw_file_left_out_of_its_manifest_is_told_alone_in_fast_mode(
        tmp_path: Path, zipped: bool) -> None:
    """A raw file present whose manifest line was removed was left out of --fast's count,
    and datapackage.json blamed for its right count: "the package holds 1 raw file in
    data/raw/" of 2 (QA). The file is told alone, as the full check tells it (with the
    manifest's changed checksum), and the documents counted are those stated."""
    target = copy_release(tmp_path)
    manifest = target / "manifest-sha256.txt"
    lines = manifest.read_text("utf-8").splitlines(keepends=True)
    [dropped] = [line for line in lines if line.endswith("  data/raw/fr_bom.txt\n")]
    manifest.write_text("".join(line for line in lines if line != dropped), "utf-8")
    checked = zip_of(target, tmp_path) if zipped else target
    report = validate(checked, jobs=1, fast=True)
    assert [(p.path, p.code) for p in report.problems] == [
        ("data/raw/fr_bom.txt", "unlisted-file")], render_text(report)
    assert report.documents == validate(built().release, jobs=1).documents
    full = validate(checked, jobs=1)
    assert ("data/raw/fr_bom.txt", "unlisted-file") in {(p.path, p.code) for p in full.problems}
    assert "datapackage.json" not in {p.path for p in full.problems}


def test_a_raw_file_added_with_its_manifest_line_is_told_by_payload_oxum_in_fast_mode(
        tmp_path: Path) -> None:
    """A raw file added with a manifest line (not the rest re-signed) was counted a
    document by --fast, and datapackage.json blamed for its right count (QA). data/ holds
    a file more than Payload-Oxum states: that is told, the count left uncompared."""
    target = copy_release(tmp_path)
    (target / "data/raw/added.txt").write_text("An added file.\n", "utf-8")
    with (target / "manifest-sha256.txt").open("a", encoding="utf-8") as manifest:
        manifest.write(f"{'0' * 64}  data/raw/added.txt\n")
    report = validate(target, jobs=1, fast=True)
    blamed = {(p.path, p.location) for p in report.problems}
    assert ("bag-info.txt", "Payload-Oxum") in blamed, render_text(report)
    assert not {path for path, _ in blamed} & {"datapackage.json", "README.md"}, \
        render_text(report)
    assert report.documents == validate(built().release, jobs=1).documents


def test_fast_mode_counts_the_documents_the_descriptor_states(tmp_path: Path) -> None:
    """--fast's documents (summary, counts.documents) were the raw files', where the
    report's schema says records: 2 documents of a package without data/documents.jsonl
    (QA). It reads no record, so it gives corpuskit.documents, the raw files' count only
    where datapackage.json states none."""
    stated = validate(built().release, jobs=1).documents
    target = copy_release(tmp_path)
    (target / "data/raw/added.txt").write_text("An added file.\n", "utf-8")
    resign(target)  # (one raw file more, every count signed but corpuskit.documents)
    report = validate(target, jobs=1, fast=True)
    assert report.documents == stated, render_text(report)
    assert report.as_dict()["counts"]["documents"] == stated
    assert f"({stated} documents, " in "\n".join(render_text(report))
    assert "/corpuskit/documents" in {p.location for p in report.problems}
    descriptor = target / "datapackage.json"
    descriptor.write_text("not JSON", "utf-8")
    raw = sum(1 for path in (target / "data/raw").rglob("*") if path.is_file())
    assert validate(target, jobs=1, fast=True).documents == raw == stated + 1


@pytest.mark.parametrize("edited", ["README.md", "datapackage.json"])
def test_a_count_edited_and_signed_is_still_told_in_fast_mode(tmp_path: Path,
                                                             edited: str) -> None:
    """Where the raw files agree with their manifest, --fast still compares the stated
    document counts with them: an edited card, or descriptor, is named."""
    target = copy_release(tmp_path)
    path = target / edited
    if edited == "README.md":
        text = path.read_text("utf-8")
        row = next(line for line in text.split("\n") if line.startswith("| Documents |"))
        path.write_text(text.replace(row, "| Documents | 999 |", 1), "utf-8")
    else:
        descriptor = json.loads(path.read_text())
        descriptor["corpuskit"]["documents"] = 999
        path.write_text(json.dumps(descriptor, indent=2))
    resign_tags_only(target)
    report = validate(target, jobs=1, fast=True)
    assert {(p.path, p.code) for p in report.problems} == {(edited, "metadata-mismatch")}, \
        render_text(report)


@pytest.mark.parametrize("written", ["1e4", "5009.0", "18446744073709551616"])
@pytest.mark.parametrize("fast", [False, True])
def test_a_resource_size_not_written_as_an_integer_is_refused(written: str, fast: bool,
                                                              tmp_path: Path) -> None:
    """``"bytes": 1e4`` (or past 64 bits) reads as a float, which JSON Schema takes for an
    integer: the size was then never compared and validate passed what frictionless
    refuses (QA)."""
    target = copy_release(tmp_path)
    text = (target / "datapackage.json").read_text()
    descriptor = json.loads(text)
    size = descriptor["resources"][0]["bytes"]
    old = f'"bytes": {size},'
    assert text.count(old) == 1
    (target / "datapackage.json").write_text(text.replace(old, f'"bytes": {written},'))
    resign_tags_only(target)
    problems = [(p.path, p.code, p.location) for p in validate(target, jobs=1, fast=fast).problems]
    assert ("datapackage.json", "schema-error", "/resources/0/bytes") in problems


def test_a_document_count_not_written_as_an_integer_is_refused(tmp_path: Path) -> None:
    target = copy_release(tmp_path)
    descriptor = json.loads((target / "datapackage.json").read_text())
    descriptor["corpuskit"]["documents"] = float(descriptor["corpuskit"]["documents"])
    (target / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    resign_tags_only(target)
    [problem] = [p for p in validate(target, jobs=1).problems if p.path == "datapackage.json"]
    assert (problem.code, problem.location) == ("schema-error", "/corpuskit/documents")
    assert problem.message.startswith(f"{descriptor['corpuskit']['documents']!r} is a number ")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_record_that_fails_its_schema_is_still_compared_with_its_text(
        jobs: int, tmp_path: Path) -> None:
    """A schema error hid that the text no longer matched its hash and counts: the user
    learnt of the second problem only once the first was fixed (QA)."""
    target = copy_release(tmp_path)
    path = target / "data/documents.jsonl"
    lines = path.read_bytes().split(b"\n")
    record = json.loads(lines[1])
    record["text"] = "Another text entirely.\n"
    record["language"] = "english"
    lines[1] = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()
    path.write_bytes(b"\n".join(lines))
    resign(target)
    found = {(p.code, p.location, p.message) for p in validate(target, jobs=jobs).problems
             if p.location.startswith("line 2")}
    assert ("schema-error", "line 2 /language", "'english' does not match '^([a-z]{2}|und)$'"
            ) in found, found
    assert any(code == "record-mismatch" and where == "line 2"
               and message.startswith(f"record {record['id']!r}: text_sha256, chars (")
               for code, where, message in found), found


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda text: text.replace("Bag-Software-Agent: corpuskit", "Bag-Software-Agent: other"),
     ("metadata-mismatch", "Bag-Software-Agent",
      "Bag-Software-Agent says 'other', corpuskit writes 'corpuskit'")),
    (lambda text: re.sub(r"External-Description: .*", "External-Description: Another",
                         text),
     ("metadata-mismatch", "External-Description",
      "External-Description says 'Another', datapackage.json's title says ")),
    (lambda text: text + "Contact-Name: Someone\n",
     ("bagit-error", "Contact-Name", "'Contact-Name' is not a label corpuskit writes")),
    (lambda text: text.replace("\n", "\r\n"),
     ("bagit-error", "", "not in the form corpuskit writes")),
    (lambda text: "\n".join(reversed(text.splitlines())) + "\n",
     ("bagit-error", "", "not in the form corpuskit writes")),
    (lambda text: re.sub(r"Payload-Oxum: (\d+)\.(\d+)", r"Payload-Oxum: 0\1.0\2", text),
     ("bagit-error", "", "not in the form corpuskit writes")),
    (lambda text: re.sub(r"Payload-Oxum: (\d+)\.(\d+)", r"Payload-Oxum: \1.³", text),
     ("bagit-error", "Payload-Oxum", "Payload-Oxum '")),  # isdigit: an internal-error (QA)

    (lambda text: re.sub(r"Payload-Oxum: (\d+)\.", "Payload-Oxum: " + "9" * 5000 + ".", text),
     ("size-mismatch", "Payload-Oxum", "Payload-Oxum says 99999")),  # past int()'s 4300 digits
    (lambda text: re.sub(r"Payload-Oxum: (\d+)\.", "Payload-Oxum: " + "0" * 5000 + r"\1.", text),
     ("bagit-error", "", "not in the form corpuskit writes")),  # an internal-error (QA)
])
def test_bag_info_is_held_to_what_corpuskit_writes(
        edit: Callable[[str], str], expected: tuple[str, str, str], tmp_path: Path) -> None:
    """An added label, another agent or description, CR LF, reordered lines and a
    Payload-Oxum with leading zeros all passed once re-signed (QA)."""
    package = copy_release(tmp_path)
    info = package / "bag-info.txt"
    info.write_bytes(edit(info.read_text()).encode())
    resign_tags_only(package)  # (resign would rewrite bag-info.txt)
    problems = corpuskit.validate(package, jobs=1).problems
    code, location, message = expected
    assert any((p.path, p.code, p.location) == ("bag-info.txt", code, location)
               and p.message.startswith(message) for p in problems), problems


@pytest.mark.parametrize("declaration", [
    b"BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n",
    b"BagIt-Version: 1.0\nTag-File-Character-Encoding: utf-8\n"])
def test_bagit_txt_is_the_declaration_corpuskit_writes(declaration: bytes,
                                                        tmp_path: Path) -> None:
    """BagIt-Version 0.97 passed while 2.0 was refused as "not 1.0" (QA)."""
    package = copy_release(tmp_path)
    (package / "bagit.txt").write_bytes(declaration)
    resign_tags_only(package)
    [problem] = corpuskit.validate(package, jobs=1).problems
    assert (problem.path, problem.code) == ("bagit.txt", "bagit-error")


@pytest.mark.parametrize("fast", [False, True])
def test_an_empty_folder_in_a_package_folder_is_reported_as_in_its_zip(
        fast: bool, tmp_path: Path) -> None:
    """An empty folder passed in a package folder, while the same folder as an entry of
    its zip is refused (QA): one verdict for both."""
    package = copy_release(tmp_path)
    (package / "data/raw/zz").mkdir()
    (package / "extra").mkdir()
    problems = [(p.path, p.code) for p in validate(package, jobs=1, fast=fast).problems]
    assert problems == [("data/raw/zz", "unexpected-file"), ("extra", "unexpected-file")]


def test_a_number_past_a_doubles_range_is_said_to_be_one(tmp_path: Path) -> None:
    """QA: a record's 5,000-digit integer (valid JSON: RFC 8259 sets no limit) was said to
    be "not valid JSON"."""
    package = copy_release(tmp_path)
    path = package / "data" / "documents.jsonl"
    lines = path.read_bytes().split(b"\n")
    chars = json.loads(lines[0])["chars"]
    lines[0] = lines[0].replace(f'"chars":{chars},'.encode(), b'"chars":' + b"9" * 400 + b",")
    path.write_bytes(b"\n".join(lines))
    [said] = [p for p in corpuskit.validate(package, jobs=1).problems
              if p.path == "data/documents.jsonl" and p.location == "line 1"]
    assert said.message.startswith("a number too large to read, past a double's range "
                                   "(about 1.8e308): line 1 column "), said.message
    assert said.message.endswith("; corpuskit writes none") and said.code == "schema-error"


@pytest.mark.parametrize("manifest", ["tagmanifest-sha256.txt", "manifest-sha256.txt"])
def test_a_manifest_none_of_whose_lines_reads_calls_no_file_unlisted(
        tmp_path: Path, manifest: str) -> None:
    """QA: a tag manifest of random bytes was reported, and every tag file again as
    unlisted-file, seven problems that follow from its one. What it lists is not known."""
    package = copy_release(tmp_path)
    (package / manifest).write_bytes(bytes(range(0x80, 0x100)) * 2)
    report = validate(package, jobs=1)
    assert not report.valid
    assert "unlisted-file" not in codes(report), report.problems
    assert {p.path for p in report.problems if p.code == "bagit-error"} == {manifest}
    (package / manifest).write_bytes(b"")  # read, and listing nothing: every file unlisted
    assert "unlisted-file" in codes(validate(package, jobs=1))


def test_records_of_a_lossy_step_validate_in_the_order_steps_run(tmp_path: Path) -> None:
    """The check of records' step lists took the configuration's order (the lossy steps
    listed after the faithful) for the order steps run: a fresh build with nfkc failed
    validate (QA)."""
    from corpuskit.config import STEP_ORDER
    from corpuskit.normalize import STEPS

    assert tuple(STEPS) == STEP_ORDER
    seeds = write_seeds(tmp_path / "seeds", {
        "a.txt": "A title\n\nSome ﬁne text with a ligature.   \n\n\n\nMore text.\n".encode()},
        normalize={"lossy": ["nfkc"]})
    built = corpuskit.build(seeds, tmp_path / "dist", jobs=1)
    [record] = records(built.release)
    assert record["normalization"] == ["nfkc", "trim-trailing-whitespace", "paragraph-spacing"]
    report = validate(built.release, jobs=1)
    assert report.valid, render_text(report)


@pytest.mark.parametrize(("steps", "said"), [
    (["trim-trailing-whitespace", "line-endings", "paragraph-spacing"],
     "them out of the order they run in"),
    (["line-endings", "nfkc"], "'nfkc', which the package's configuration does not run"),
])
def test_a_record_listing_steps_no_build_of_the_package_runs_is_found(
        tmp_path: Path, steps: list[str], said: str) -> None:
    """A re-signed record whose normalization listed a step the configuration does not run,
    or the steps out of its order, passed validate; only --reproduce found it (QA)."""
    package = copy_release(tmp_path, "plain")
    items = records(package)
    at = next(index for index, item in enumerate(items)
              if item["normalization"] == ["line-endings", "trim-trailing-whitespace",
                                           "paragraph-spacing"])
    items[at]["normalization"] = steps
    write_records(package, items)
    resign(package)
    report = validate(package, jobs=1)
    found = [p for p in report.problems if p.code == "record-mismatch"]
    assert len(found) == 1 and found[0].path == "data/documents.jsonl", render_text(report)
    assert f"1 record lists the normalization steps {steps}: {said}" in found[0].message
    assert "'corpuskit validate --reproduce' names each" in found[0].message
    # Under --reproduce, the run that names each (at its line), it is not told to run it
    # (QA: it was)
    again = [p for p in validate(package, jobs=1, reproduce=True).problems
             if p.code == "record-mismatch"]
    assert any(p.location.startswith("line ") for p in again), again
    [summed] = [p for p in again if not p.location]
    assert f"1 record lists the normalization steps {steps}: {said}" in summed.message
    assert "--reproduce" not in summed.message and summed.message.endswith(
        "records edited by hand? Rebuild the package with corpuskit build, or restore it "
        "from the release"), summed.message


def test_a_json_file_that_is_no_json_is_located_at_its_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """datapackage.json's syntax error carried no location, so --format github gave no
    line= to point at (QA); a byte that is not UTF-8 is located at its line too."""
    package = copy_release(tmp_path)
    descriptor = package / "datapackage.json"
    lines = descriptor.read_text("utf-8").splitlines(keepends=True)
    lines[4] = lines[4].rstrip("\n").rstrip(",") + " oops,\n"
    descriptor.write_text("".join(lines), "utf-8")
    report = validate(package, jobs=1)
    found = [p for p in report.problems if p.path == "datapackage.json"]
    assert ("schema-error", "line 5") in [(p.code, p.location) for p in found], \
        render_text(report)
    code, out, _ = run(capsys, "validate", str(package), "--format", "github")
    assert code == 1 and ",line=5," in next(line for line in out.splitlines()
                                            if "datapackage.json" in line and "JSON" in line)
    lines[4] = lines[4].replace(" oops,", ",")
    descriptor.write_bytes("".join(lines[:6]).encode() + b"\xff" + "".join(lines[6:]).encode())
    found = [p for p in validate(package, jobs=1).problems if p.path == "datapackage.json"]
    assert ("schema-error", "line 7") in [(p.code, p.location) for p in found]


def test_a_package_zipped_from_inside_its_folder_is_told_so_once(tmp_path: Path) -> None:
    """'cd pkg && zip -r ../pkg.zip .' puts the files at the archive's root: validate gave
    20 problems, took data/ for the top folder ("rename it to data.zip") and called files
    that are there missing (QA). One problem says what happened and what to run."""
    import zipfile

    release = built().release
    archive = tmp_path / f"{release.name}.zip"
    with zipfile.ZipFile(archive, "w") as made:
        for path in sorted(release.rglob("*")):
            if path.is_file():
                made.write(path, path.relative_to(release).as_posix())
    report = validate(archive, jobs=1)
    assert [(p.code, p.path) for p in report.problems] == [("archive-error", ".")]
    assert report.problems[0].message.startswith(
        "the package's files are at the archive's root (datapackage.json, bagit.txt...), "
        f"not in one top folder {release.name}/")
    # No zip tool writes a package archive's form: its advice 'zip -r ...' gave 26
    # problems (QA); the release's zip, or the folder unzipped, is the way out.
    assert report.problems[0].message.endswith(
        "get the release's zip again ('corpuskit build' writes it), or unzip this one into "
        f"a folder ('unzip {archive} -d {release.name}') and pass that folder")
    # The release is named from its descriptor, not from the zip's name.
    renamed = archive.rename(tmp_path / "download.zip")
    assert f"not in one top folder {release.name}/" in validate(renamed, jobs=1).problems[
        0].message
    for read in (lambda: corpuskit.load(renamed, verify=False),
                 lambda: corpuskit.diff(renamed, renamed)):
        with pytest.raises(InputError) as refused:  # (QA: data/ taken for the top folder)
            read()
        assert [p.code for p in refused.value.problems] == ["archive-error"]
        assert "zipped from inside the package folder" in refused.value.problems[0].message


def test_a_package_one_folder_deep_in_a_zip_is_told_so_once(tmp_path: Path) -> None:
    """A zip of the folder of releases (dist/x-1.0.0/... inside): validate named every
    file of the package missing and each one there unexpected, and info said "the package
    has no descriptor" (QA). One problem says where the package is and what to do."""
    import zipfile

    release = built().release
    archive = tmp_path / "dist.zip"
    with zipfile.ZipFile(archive, "w") as made:
        for path in sorted(release.rglob("*")):
            if path.is_file():
                made.write(path, f"dist/{release.name}/{path.relative_to(release).as_posix()}")
    said = (f"the package is in dist/{release.name}/ inside the archive, one folder deeper "
            f"than a package archive holds it ({release.name}/ at its top)")
    report = validate(archive, jobs=1)
    assert [(p.code, p.path) for p in report.problems] == [("archive-error", ".")]
    assert report.problems[0].message.startswith(said)
    assert report.problems[0].message.endswith(
        f"('unzip {archive}') and pass the folder dist/{release.name} it holds")
    with pytest.raises(InputError) as refused:
        corpuskit.load(archive, verify=False)
    assert refused.value.problems[0].message.startswith(said)


@pytest.mark.parametrize("key", ["title", "date", "rights", "language"])
def test_records_holding_what_the_settings_never_take_out_are_found(tmp_path: Path,
                                                                     key: str) -> None:
    """Re-signed settings that turn extraction off, beside records that hold what it
    takes out, passed without --reproduce (QA); a build with it off validates."""
    package = copy_release(tmp_path, "plain")
    descriptor = package / "datapackage.json"
    data = json.loads(descriptor.read_text("utf-8"))
    data["corpuskit"]["process"]["extract"][key] = False
    descriptor.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
    resign(package)
    report = validate(package, jobs=1)
    found = [p for p in report.problems if f"corpuskit.process.extract.{key} is false" in
             p.message]
    assert [(p.code, p.path) for p in found] == [("record-mismatch", "data/documents.jsonl")], \
        render_text(report)
    seeds = write_seeds(tmp_path / "seeds", {"a.txt": b"A title\n\n2023-05-01\n\nSome "
                                             b"English text here, long enough.\n\n"
                                             b"(c) 2023 Someone\n"},
                        extract={key: False})
    built = corpuskit.build(seeds, tmp_path / "dist", jobs=1)
    assert validate(built.release, jobs=1).valid


@pytest.mark.parametrize(("name", "make", "kind"), [
    ("validate-sample-2.0.0.zip", "folder", "other"),
    ("validate-sample-2.0.0.zip", "pipe", "other"),
])
def test_what_is_named_as_a_release_but_is_none_has_the_kind_it_has_named_alone(
        tmp_path: Path, name: str, make: str, kind: str) -> None:
    """A folder or pipe named like a release's zip in a folder of releases was reported as
    an "archive", though it is none and was not read; named alone it is "other" (QA)."""
    dist = tmp_path / "dist"
    shutil.copytree(built().dist, dist, ignore=shutil.ignore_patterns(".corpuskit-*"))
    path = dist / name
    if make == "folder":
        path.mkdir()
    else:
        os.mkfifo(path)
    [report] = [r for r in corpuskit.validate_all([dist], jobs=1).reports
                if r.target == str(path)]
    assert (report.kind, [p.code for p in report.problems]) == (kind, ["not-a-package"])
    assert validate(path, jobs=1).kind == kind


@pytest.mark.parametrize(("change", "said"), [
    ({"extract": {"title_max_chars": 3}},
     "records hold a title of {longest} characters, but "
     "corpuskit.process.extract.title_max_chars is 3"),
    ({"extract": {"language_min_chars": 100000}},
     "records hold a language on a text of {shortest} characters, but "
     "corpuskit.process.extract.language_min_chars is 100000"),
    ({"decode": {"fallback_encodings": ["koi8-r"]}},
     "records hold source_encoding {legacy}, which "
     "corpuskit.process.decode.fallback_encodings does not list (['koi8-r'])"),
    ({"title": "A sentence, not a title."},
     "records hold 1 title ending with . , ; : or of more than one line"),
])
def test_records_no_build_with_the_settings_writes_are_found(
        tmp_path: Path, change: dict[str, Any], said: str) -> None:
    """Re-signed records or settings: a title longer than title_max_chars or ending as a
    sentence, a language on a text shorter than language_min_chars, a code page
    fallback_encodings does not list, passed without --reproduce (QA)."""
    import orjson

    package = copy_release(tmp_path, "plain")
    lines = (package / "data/documents.jsonl").read_bytes().splitlines()
    records = [orjson.loads(line) for line in lines]
    titled = [record for record in records if record["title"] is not None]
    facts = {"longest": max(len(record["title"]) for record in titled),
             "shortest": min(record["chars"] for record in records
                             if record["language"] != "und"),
             "legacy": ", ".join(sorted({repr(record["source_encoding"]) for record in records
                                         if record["source_encoding"] not in
                                         (*UNICODE_ENCODINGS, "koi8-r")}))}
    assert facts["legacy"], "the sample holds documents in a code page"
    if "title" in change:
        titled[0]["title"] = change["title"]
        (package / "data/documents.jsonl").write_bytes(
            b"".join(orjson.dumps(record) + b"\n" for record in records))
    else:
        descriptor = package / "datapackage.json"
        data = json.loads(descriptor.read_text("utf-8"))
        for stage, settings in change.items():
            data["corpuskit"]["process"][stage].update(settings)
        descriptor.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
    resign(package)
    report = validate(package, jobs=1)
    found = [p for p in report.problems if p.message.startswith(said.format(**facts))]
    assert [(p.code, p.path) for p in found] == [("record-mismatch", "data/documents.jsonl")], \
        render_text(report)


@pytest.mark.parametrize("listed", ["euc-jp", "euc-kr"])
def test_a_code_page_listed_by_another_of_its_names_validates(tmp_path: Path,
                                                              listed: str) -> None:
    """Records name a code page as Python's codec registry does (euc_jp, euc_kr): a fresh
    build of a code page listed as euc-jp was refused as "not listed" (QA)."""
    text = ("天気の記録\n\n" + "東京の天気について書かれた文書です。今日は晴れていました。" * 4
            if listed == "euc-jp" else "날씨 기록\n\n" + "오늘은 서울의 날씨가 맑고 따뜻했습니다. "
            "내일도 좋은 날씨가 될 것입니다. " * 4) + "\n"
    seeds = write_seeds(tmp_path / "seeds", {"a.txt": text.encode(listed)},
                        decode={"fallback_encodings": [listed]})
    built = corpuskit.build(seeds, tmp_path / "dist", jobs=1, cache=None)
    [record] = records(built.release)
    assert record["source_encoding"] != "utf-8"
    report = validate(built.release, jobs=1)
    assert report.valid, render_text(report)


@pytest.mark.parametrize("question", ["Ποιος πληρώνει", "Πόσο κοστίζει το 2023",
                                      "Τι είναι το COVID", "Τι είναι το iPhone 15 Pro Max",
                                      "Πού είναι ο Jean-Pierre Dupont"])
def test_a_greek_question_taken_for_a_title_validates(tmp_path: Path, question: str) -> None:
    """The nfc step makes U+037E GREEK QUESTION MARK a ``;``: a build takes the question
    for a title, and validate, which holds titles to no ``;`` ending, must not call the
    record one no build writes (QA), nor where the question ends in a number or a Latin
    word, a title since the line's script decides (QA), nor where it names a brand or a
    person in more Latin letters than Greek ones, a title since its words decide (QA)."""
    text = (f"{question}\u037e\n\n" + "Το δημοτικό συμβούλιο συζήτησε χθες ποιος θα "
            "πληρώσει για το νέο πλοίο της γραμμής. " * 3 + "\n")
    seeds = write_seeds(tmp_path / "seeds", {"a.txt": text.encode()})
    built = corpuskit.build(seeds, tmp_path / "dist", jobs=1, cache=None)
    [record] = records(built.release)
    assert record["title"] == f"{question};"
    report = validate(built.release, jobs=1)
    assert report.valid, render_text(report)


def test_line_ends_are_blamed_on_git_only_where_git_could_have_converted_them(
        tmp_path: Path) -> None:
    """A zip's member with its line ends swapped, sealed again, was said to be converted by
    Git, which never rewrites bytes inside a zip, and its advice restored the committed,
    tampered zip; a converted documents.jsonl was told "its other files that differ were
    changed otherwise" for the checksums its metadata holds of it, and a converted file
    beside an added one was told nothing of the added one (QA)."""
    from _consumers import rewrite_zip

    from corpuskit.lineends import CONVERTED

    (tmp_path / ".git").mkdir()
    release = copy_release(tmp_path / "dist")
    records = release / "data/documents.jsonl"
    kept = records.read_bytes()
    records.write_bytes(kept.replace(b"\n", b"\r\n"))
    summary = validate(release, jobs=1).summary()
    assert CONVERTED in summary and "changed otherwise" not in summary, summary
    (release / "data/raw/added.txt").write_bytes(b"An added file.\n")
    summary = validate(release, jobs=1).summary()
    assert CONVERTED in summary and "changed otherwise" in summary, summary
    (release / "data/raw/added.txt").unlink()
    archive = rewrite_zip(release)  # the swapped member in a zip sealed again
    records.write_bytes(kept)
    report = validate(archive, jobs=1)
    assert not report.valid and not any(CONVERTED in p.message for p in report.problems)
    assert "git" not in report.summary().lower(), report.summary()


def test_files_whose_line_ends_git_converted_are_told_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A release committed after Git turned its CR LF into LF ('* text=auto' and 'git add
    --renormalize'), or checked out with CR LF ('*.md text eol=crlf'): validate said to
    restore it from version control, which gives the same converted bytes (QA). A file
    whose bytes match its manifest once their line ends are swapped is said to be
    converted by Git, and the summary names the .gitattributes line that stops it."""
    from corpuskit.lineends import CONVERTED

    (tmp_path / ".git").mkdir()
    release, report, converted = _with_crlf_readme(tmp_path / "dist")
    readme = release / "README.md"
    assert converted.path == "README.md" and converted.message.endswith(
        f"once their line ends are made LF again: {CONVERTED}"), converted
    summary = report.summary()
    assert "'dist/** -text'" in summary and "restore it from version control" not in summary
    code, out, _ = run(capsys, "validate", "--format", "github", str(release))
    assert code == 1 and "'dist/** -text'" in out
    # CR LF made LF, in a raw file (a document with CR LF line ends)
    readme.write_bytes(built().release.joinpath("README.md").read_bytes())
    [raw] = [path for path in sorted((release / "data/raw").rglob("*"))
             if path.is_file() and b"\r\n" in path.read_bytes()][:1]
    raw.write_bytes(raw.read_bytes().replace(b"\r\n", b"\n"))
    [converted] = [p for p in validate(release, jobs=1).problems
                   if p.code == "checksum-mismatch"]
    assert converted.message.endswith(f"made CR LF again: {CONVERTED}"), converted
    # another change is damage, as before
    raw.write_bytes(raw.read_bytes() + b"edited\n")
    report = validate(release, jobs=1)
    assert not any(CONVERTED in p.message for p in report.problems)
    assert "restore it from version control" in report.summary()


def test_malformed_manifest_lines_count_toward_its_line_cap() -> None:
    """Lines that add no entry (blank, not a checksum line) are read only up to the cap,
    so a manifest of millions of them costs no more than one of as many files (QA: 20
    million blank lines took 80 s)."""
    from corpuskit.validation.bagit import parse_manifest

    for line, strict in ((b"", False), (b"x y", False), (b"", True)):
        lines = ((number, line) for number in range(1, 10_001))
        name = "manifest-sha256.txt" if strict else "manifest-md5.txt"
        _, problems = parse_manifest(lines, name, max_entries=50, strict=strict)
        assert ("more than 50 lines; not read further", "line 51") in [
            (p.message, p.location) for p in problems]
        assert len(problems) <= 51
        assert next(lines) == (52, line)  # not read further


def test_a_manifest_line_over_the_limit_is_refused_wherever_it_falls() -> None:
    """A line longer than the limit is refused inside a read chunk too, not only when it
    spans chunks (QA: a whole line of 200 KB in one chunk was read as an entry)."""
    from corpuskit.validation.bagit import split_lines

    long = b"0" * 32 + b"  data/" + b"a" * 200
    for chunks in ([b"a\n" + long + b"\nb\n"], [b"a\n" + long[:100], long[100:] + b"\nb\n"]):
        problems: list[Problem] = []
        assert list(split_lines(iter(chunks), "manifest-md5.txt", problems,
                                max_line=100)) == [(1, b"a")]
        assert [(p.message, p.location) for p in problems] == [
            ("line longer than 100 bytes; not read further", "line 2")]


def test_a_folder_nested_past_the_systems_longest_path_is_an_unsafe_path(
        tmp_path: Path) -> None:
    """A folder of data/raw/ nested so deep that its path is too long for the system to
    list (ENAMETOOLONG, past 4,096 bytes here) was an unreadable-file, "cannot list the
    folder: File name too long" (QA s95), where a shallower one's files past 1,024 bytes
    are unsafe paths: it is an unsafe path too."""
    from _deep_folders import nested

    package = copy_release(tmp_path)
    raw = package / "data" / "raw"
    with nested(raw, b"hi\n", depth=45, name="d" * 100) as below:
        report = validate(package, jobs=1)
        folder = "data/raw/" + "/".join(below.split("/")[:-1])
        [told] = [p for p in report.problems if p.path.startswith("data/raw/d")]
        assert (told.code, len(told.path) > 1024) == ("unsafe-path", True), told
        assert folder.startswith(told.path) and told.message.startswith(
            "the folder's path is longer than 1024 bytes, too long for this system to list "
            "it"), told
        assert "unreadable-file" not in codes(report), report.problems


def test_the_summary_groups_every_count_as_it_groups_those_not_listed() -> None:
    """The summary mixed forms: "41002 problems in package (1,000 of them not listed;
    20000 documents, 20539 files" (QA s96). Every count is grouped."""
    from corpuskit.problems import Problem
    from corpuskit.validation.report import ValidationReport

    problem = Problem("data/raw/a.txt", "checksum-mismatch", "differs")
    report = ValidationReport("pkg", "package", problems=(problem,) * 40_002, files=20_539,
                              documents=20_000, unlisted=1_000)
    assert report.summary().startswith(
        "pkg: 41,002 problems in package (1,000 of them not listed; 20,000 documents, "
        "20,539 files; full checks)"), report.summary()
    small = ValidationReport("pkg", "package", files=39, documents=30)
    assert small.summary() == "pkg: valid package (30 documents, 39 files; full checks)"
