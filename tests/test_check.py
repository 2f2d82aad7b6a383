"""corpuskit check: dist/ must be exactly what a fresh build of seeds/ makes now.

Every test works on a temporary repository layout (seeds/ + dist/); the repository's own
seeds/ and dist/ are never written.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import struct
import tempfile
import zipfile
from pathlib import Path

import jsonschema
import pytest
from _consumers import rewrite_tagmanifest, rewrite_zip
from _deep_folders import nested
from _validate_support import EPOCH, built, codes, run, sealed, write_seeds

import corpuskit
from corpuskit.build import build
from corpuskit.changelog import versions_in
from corpuskit.check import check
from corpuskit.errors import InputError, ReleaseError
from corpuskit.schemacheck import load_schema
from corpuskit.semver import Version
from corpuskit.validation import validate
from corpuskit.validation.report import ValidationReport


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A corpus repository whose dist/ is current (built with SOURCE_DATE_EPOCH=EPOCH)."""
    shutil.copytree(built().seeds, tmp_path / "seeds")
    shutil.copytree(built().dist, tmp_path / "dist",
                    ignore=shutil.ignore_patterns(".corpuskit-*"))
    return tmp_path


@pytest.mark.parametrize("renamed", ["folder", "zip"])
def test_a_release_renamed_by_mistake_is_told_to_be_renamed_back(repo: Path,
                                                                  renamed: str) -> None:
    """A release folder renamed (x-1.0.0 to x-1.0.5) was told "restore it from a published
    copy, or move it out of dist" (QA): renaming it back is the fix, and is said first; the
    same for its zip."""
    [folder] = [path for path in (repo / "dist").iterdir() if path.is_dir()]
    old = folder if renamed == "folder" else folder.with_name(f"{folder.name}.zip")
    assert folder.name.endswith("-1.0.0")
    moved = old.with_name(old.name.replace("-1.0.0", "-1.0.5"))
    old.rename(moved)
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    [said] = [p.message for p in report.problems if p.path == str(moved)]
    assert said.endswith(f"(renamed): rename it back to {old.name}, the release it holds, if "
                         "it was renamed by mistake; else restore it from a published copy, "
                         f"or move it out of {repo / 'dist'}"), said
    moved.rename(old)
    assert check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1).valid


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_current_dist_passes(repo: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    assert report.valid, report.problems
    assert report.kind == "release" and report.command == "check" and report.documents == 14
    jsonschema.validate(report.as_dict(), load_schema("report.schema.json"))
    monkeypatch.chdir(repo)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    code, out, _ = run(capsys, "check")
    assert code == 0 and "current" in out


def test_the_library_takes_source_date_epoch_from_the_environment(
        repo: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """build, check and release took no SOURCE_DATE_EPOCH from the environment, which the
    CLI and validate() take: in a job that exports it, check() called dist/ current where
    'corpuskit check' called it stale, and build() built seeds validate() refused (QA: api
    1). Given none, each takes the environment's now; an argument wins, and "" is none."""
    seeds, dist = repo / "seeds", repo / "dist"  # dist built at EPOCH; no created
    monkeypatch.chdir(repo)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert check(seeds, dist, jobs=1).valid
    assert run(capsys, "check")[0] == 0  # the CLI's verdict, the same
    day_after = str(int(EPOCH) + 86400)  # 2023-11-15T22:13:20Z, not dist's release time
    monkeypatch.setenv("SOURCE_DATE_EPOCH", day_after)
    assert codes(check(seeds, dist, jobs=1)) == {"stale-release"}
    assert run(capsys, "check")[0] == 1
    assert check(seeds, dist, source_date_epoch=EPOCH, jobs=1).valid
    assert not check(seeds, dist, source_date_epoch="", jobs=1).valid
    created = {folder: json.loads((build(seeds, repo / folder, jobs=1, **given).release
                                   / "datapackage.json").read_bytes()).get("created")
               for folder, given in [("env", {}), ("given", {"source_date_epoch": EPOCH}),
                                     ("none", {"source_date_epoch": ""})]}
    assert created == {"env": "2023-11-15T22:13:20Z", "given": "2023-11-14T22:13:20Z",
                       "none": None}
    (seeds / "new.txt").write_text("New\n\nA new document.\n", "utf-8")
    assert corpuskit.release(seeds, dist, dry_run=True, jobs=1).created == \
        "2023-11-15T22:13:20Z"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "abc")  # refused as validate and the CLI do
    assert not validate(seeds).valid
    for call in (lambda: build(seeds, repo / "bad", jobs=1),
                 lambda: corpuskit.release(seeds, dist, dry_run=True, jobs=1)):
        with pytest.raises(InputError) as refused:
            call()
        assert [(p.path, p.code) for p in refused.value.problems] == [
            ("SOURCE_DATE_EPOCH", "config-error")]
    assert [(p.path, p.code) for p in check(seeds, dist, jobs=1).problems] == [
        ("SOURCE_DATE_EPOCH", "config-error")]
    assert not (repo / "bad").exists()


def _checked_out_with_crlf(folder: Path) -> None:
    """``folder`` as Git checks it out with core.autocrlf=true: its text files with CR LF."""
    for path in folder.rglob("*"):
        data = path.read_bytes() if path.is_file() else b"\0"
        if b"\0" not in data and path.suffix not in (".zip", ".parquet"):  # Git's text
            path.write_bytes(data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))


def test_a_checkout_that_converted_line_ends_is_told_so(repo: Path) -> None:
    """A clone with core.autocrlf=true and no .gitattributes: Git writes CR LF into every
    text file, of dist/ and of seeds/. check said to restore the release from version
    control, which writes the same bytes again (QA); it names the cause and the fix."""
    from corpuskit.lineends import CONVERTED

    (repo / ".git").mkdir()  # a Git work tree (outside one, no Git is blamed: QA s101)
    for folder in (repo / "seeds", repo / "dist"):
        _checked_out_with_crlf(folder)
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    assert not report.valid
    told = [p for p in report.problems if CONVERTED in p.message]
    assert len(told) == 1, report.problems  # the advice once: the others point at it
    [bagit] = [p for p in report.problems if p.path.endswith("/bagit.txt")]
    assert bagit in told or f"line ends converted by Git (see {told[0].path})" in \
        bagit.message, report.problems
    assert all("Git converted the seeds' files too" in p.message for p in told)
    assert not any("(git checkout)" in p.message for p in report.problems), report.problems


@pytest.mark.parametrize("folder", [True, False])
def test_a_release_zip_git_converted_is_named_so(repo: Path, folder: bool,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The release's zip checked out with a text attribute forced on it (every LF made CR
    LF), its folder converted too: check said of the zip "restore it from a published
    copy (the seeds changed since version 1.0.0 ...)", which they had not (QA ciauthor 4).
    Its problem says Git converted it and points at the folder's advice; kept as its zip
    only, it gives that advice itself."""
    import re as patterns

    from corpuskit.lineends import CONVERTED

    monkeypatch.chdir(repo)
    Path(".git").mkdir()  # a Git work tree (outside one, no Git is blamed: QA s101)
    archive = Path("dist/validate-sample-1.0.0.zip")
    archive.write_bytes(patterns.sub(rb"(?<!\r)\n", b"\r\n", archive.read_bytes()))
    if folder:
        for each in ("seeds", "dist"):
            _checked_out_with_crlf(Path(each))
    else:
        shutil.rmtree("dist/validate-sample-1.0.0")
    report = check(Path("seeds"), Path("dist"), source_date_epoch=EPOCH, jobs=1)
    [seal] = [p for p in report.problems if p.code == "archive-seal-mismatch"]
    assert CONVERTED in seal.message and "seeds changed" not in seal.message, seal
    assert "published copy" not in seal.message, seal
    if folder:
        [advised] = [p for p in report.problems if ".gitattributes" in p.message]
        assert seal.message.endswith(f"; line ends converted by Git (see {advised.path})")
    else:  # the zip alone cannot be read: its not-a-package problem holds the advice
        [advised] = [p for p in report.problems if ".gitattributes" in p.message]
        assert (advised.path, advised.code) == (str(archive), "not-a-package"), advised
        assert "'dist/** -text'" in advised.message, advised
        assert "published copy" not in advised.message, advised  # (QA s82 review 6)
        assert seal.message.endswith("; line ends converted by Git (its not-a-package "
                                     "problem says what to do)"), seal


@pytest.mark.parametrize("converted", ["seeds and dist", "dist"])
def test_line_end_advice_is_given_once_in_every_format(
        repo: Path, converted: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """core.autocrlf=true and no .gitattributes: the same advice, some 900 characters,
    was repeated on 7 of 9 annotations (QA check 7). It is given in full on the first file
    that it is of, the others saying only that Git converted line ends, and where the
    advice is; text, JSON and GitHub annotations alike."""
    from corpuskit.lineends import CONVERTED

    (repo / ".git").mkdir()  # a Git work tree (outside one, no Git is blamed: QA s101)
    for folder in (["seeds"] if converted == "seeds and dist" else []) + ["dist"]:
        _checked_out_with_crlf(repo / folder)
    monkeypatch.chdir(repo)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    report = check(Path("seeds"), Path("dist"), jobs=1)
    [advised] = [p for p in report.problems if CONVERTED in p.message]
    release = "dist/validate-sample-1.0.0/"
    files = [p for p in report.problems if p.path.startswith(release)]
    pointing = [p for p in files if f"; line ends converted by Git (see {advised.path})"
                in p.message]
    assert advised == files[0] and len(pointing) >= 5, report.problems
    assert all(len(p.message) < 200 for p in pointing), pointing
    # tagmanifest-sha256.txt too, which no manifest records (QA s77 finding 7: "differs")
    assert {p.path for p in pointing} >= {release + name for name in (
        "bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt")}, \
        pointing
    code, out, _ = run(capsys, "check", "-j", "1", "--format", "json")
    assert code == 1 and json.loads(out)["problems"] == [
        {"code": p.code, "path": p.path, "location": p.location, "message": p.message}
        for p in report.problems]
    # The summary points at it (QA s101: with the seeds converted too, it said nothing).
    assert report.summary().endswith(
        f": line ends converted by Git: the problem of {advised.path} says which "
        ".gitattributes lines stop it and how to check the files out again"), report.summary()
    for form in ("text", "github"):
        code, out, _ = run(capsys, "check", "-j", "1", "--format", form)
        assert code == 1 and out.count(CONVERTED) == 1, (form, out)
        assert out.count(f"line ends converted by Git (see {advised.path})") == len(pointing)


def test_line_end_advice_is_right_whatever_gitattributes_holds(repo: Path) -> None:
    """Only dist/ converted (seeds/ protected by -text): check said "the seeds' files were
    converted too", and told to add the .gitattributes lines that a later '* text=auto'
    overrode (QA). It says the seeds were converted only where one is, and that no later
    line may override the lines it names."""
    from corpuskit.lineends import CONVERTED

    (repo / ".git").mkdir()  # a Git work tree (outside one, no Git is blamed: QA s101)
    _checked_out_with_crlf(repo / "dist")
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    told = [p.message for p in report.problems if CONVERTED in p.message]
    assert told, report.problems
    assert not any("seeds' files" in message for message in told), told
    assert all("with no later line that overrides them" in message for message in told)


def test_line_end_advice_names_the_folders_as_the_work_tree_has_them(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A corpus below the top of its repository (corpora/news/seeds): the hint said to add
    'seeds/** -text' and 'dist/** -text', which a top-level .gitattributes anchors at the
    top, matching nothing there (QA). It names the folders as the work tree has them, and
    the checkout command as they were given."""
    from corpuskit.lineends import CONVERTED

    top = repo / "work"
    (top / ".git").mkdir(parents=True)
    (top / "corpora").mkdir()
    for name in ("seeds", "dist"):
        shutil.move(repo / name, top / "corpora" / name)
        _checked_out_with_crlf(top / "corpora" / name)
    monkeypatch.chdir(top / "corpora")
    report = check(Path("seeds"), Path("dist"), source_date_epoch=EPOCH, jobs=1)
    told = [p.message for p in report.problems if CONVERTED in p.message]
    assert told, report.problems
    assert all("'corpora/seeds/** -text' and 'corpora/dist/** -text'" in message
               and "'git checkout -- seeds dist'" in message for message in told), told


#: What the advice for line ends Git converted says, which is wrong where no Git work
#: tree holds the folders ('git checkout -- seeds dist' in a repository around them
#: discards its uncommitted work).
_GIT_WORDS = ("git checkout", ".gitattributes", "renormalize", "Git's line-end handling")


def _crlf_text_files(folder: Path) -> None:
    """``folder`` as Git with core.autocrlf=true, or unix2dos, leaves it: CR LF in every
    text file that has no CR."""
    for path in folder.rglob("*"):
        data = path.read_bytes() if path.is_file() else b"\0"
        if b"\0" not in data and b"\r" not in data:
            path.write_bytes(data.replace(b"\n", b"\r\n"))


def test_seeds_whose_line_ends_git_converted_are_not_called_changed(repo: Path) -> None:
    """dist/ protected by 'dist/** -text', seeds/ not: Git checks the seeds out with CR LF.
    check said the seeds changed, and to run 'corpuskit release', which proposed a major
    release of line ends (QA). It says Git converted the seeds' line ends, and how to stop
    it; a seeds file that really changed is still a change to release."""
    from corpuskit.lineends import CONVERTED

    (repo / ".git").mkdir()  # a Git work tree (outside one, no Git is blamed: QA s101)
    _crlf_text_files(repo / "seeds")  # as Git: the text files that have no CR
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    [descriptor] = [p for p in report.problems if p.path.endswith("/datapackage.json")]
    assert CONVERTED in descriptor.message and "nothing to release" in descriptor.message
    assert "run 'corpuskit release" not in descriptor.message, descriptor.message
    # (QA: a change made on purpose was told only how to stop Git)
    assert "if the line ends were changed on purpose, 'corpuskit release --allow-line-ends " \
        in descriptor.message, descriptor.message
    raw = [p for p in report.problems if "/data/raw/" in p.path]
    assert raw and all("in line ends only: Git converted" in p.message for p in raw), raw
    [document] = sorted(path for path in (repo / "seeds").rglob("*.txt")
                        if b"\r\n" in path.read_bytes())[:1]
    document.write_bytes(document.read_bytes() + b"A sentence added.\r\n")
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    [descriptor] = [p for p in report.problems if p.path.endswith("/datapackage.json")]
    assert "the seeds changed since version" in descriptor.message, descriptor.message
    assert "nothing to release" not in descriptor.message


@pytest.mark.parametrize("git", ["none", "seeds"])
def test_seeds_converted_outside_git_are_not_told_the_git_advice(repo: Path, git: str) -> None:
    """Seeds whose line ends an editor or unix2dos converted, where no Git work tree holds
    them: check said Git's line-end handling did it, to add .gitattributes lines and to run
    'git checkout -- seeds dist', which in a repository around them would discard its work.
    It names the other converters and says to put the line ends back (or to release them,
    if changed on purpose). With the seeds alone in a work tree, the Git advice names the
    seeds only, and dist/ is named as in none."""
    from corpuskit.gitworktree import work_tree
    from corpuskit.lineends import CONVERTED, CONVERTED_NOT_BY_GIT, FILES_AS_BUILT

    seeds, dist = repo / "seeds", repo / "dist"
    if git == "seeds":
        (repo / "work" / ".git").mkdir(parents=True)
        seeds = Path(shutil.move(seeds, repo / "work" / "seeds"))
    assert work_tree(dist) is None  # (pytest's tmp_path is in no work tree)
    _crlf_text_files(seeds)
    report = check(seeds, dist, source_date_epoch=EPOCH, jobs=1)
    [descriptor] = [p for p in report.problems if p.path.endswith("/datapackage.json")]
    said = descriptor.message
    assert "nothing to release" in said and "run 'corpuskit release" not in said, said
    assert "if the line ends were changed on purpose, 'corpuskit release --allow-line-ends " \
        in said, said
    raw = [p for p in report.problems if "/data/raw/" in p.path]
    assert raw, report.problems
    if git == "none":
        assert (f"differ from the raw files {dist}/validate-sample-1.0.0 holds only in line "
                f"ends: {CONVERTED_NOT_BY_GIT} (no Git work tree holds {seeds} or {dist}); "
                f"{FILES_AS_BUILT}; if the line ends") in said, said
        told = " ".join([report.summary(), *(p.message for p in report.problems)])
        assert not any(word in told for word in _GIT_WORDS), told
        assert CONVERTED not in told and "Git converted" not in told, told
        assert all(p.message.endswith(", not by Git (see datapackage.json)")
                   and "in line ends only: " in p.message for p in raw), raw
    else:  # the Git advice for the seeds alone; dist/ as in no work tree
        assert CONVERTED in said and "'seeds/** -text'" in said, said
        assert f"'git checkout -- {seeds}'" in said and "dist/** -text" not in said, said
        assert (f"; no Git work tree holds {dist}: where files there were converted, they "
                f"were {CONVERTED_NOT_BY_GIT}: {FILES_AS_BUILT}") in said, said
        assert all("in line ends only: Git converted" in p.message for p in raw), raw


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_seeds_an_editor_converted_where_git_keeps_their_bytes_are_not_told_to_add_the_lines(
        repo: Path) -> None:
    """A seeds file an editor saved with CR LF, in a work tree whose .gitattributes already
    holds 'seeds/** -text' and 'dist/** -text': check blamed Git's line-end handling and
    told to add those very lines (QA s101). Git converts no file whose text attribute is
    unset: it says the file was converted otherwise, and how to put it back and commit it.
    The same file where no attribute keeps its bytes still gets the Git advice."""
    from corpuskit.lineends import CONVERTED, CONVERTED_NOT_BY_GIT, FILES_AS_BUILT

    _git(repo, "init", "-q")
    [document] = sorted((repo / "seeds").rglob("*.txt"))[:1]
    document.write_bytes(document.read_bytes().replace(b"\n", b"\r\n"))
    for attributes, by_git in (("seeds/** -text\ndist/** -text\n", False),
                               ("dist/** -text\n", True)):
        (repo / ".gitattributes").write_text(attributes)
        report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
        [descriptor] = [p for p in report.problems if p.path.endswith("/datapackage.json")]
        said = descriptor.message
        assert "nothing to release" in said, said
        [raw] = [p for p in report.problems if "/data/raw/" in p.path]
        if by_git:
            assert CONVERTED in said and "'seeds/** -text'" in said, said
            assert "in line ends only: Git converted" in raw.message, raw
            continue
        assert (f"holds only in line ends: {CONVERTED_NOT_BY_GIT} (the attributes of the Git "
                "work tree already keep their bytes as they are: 'git check-attr text' says "
                f"unset); {FILES_AS_BUILT}, then commit them where a commit holds them "
                "converted; if the line ends were changed on purpose") in said, said
        told = " ".join([report.summary(), *(p.message for p in report.problems)])
        assert CONVERTED not in told and ".gitattributes" not in told, told
        assert "git checkout" not in told and "renormalize" not in told, told
        assert raw.message.endswith(", not by Git (see datapackage.json)"), raw


def test_a_release_converted_outside_git_is_not_told_the_git_advice(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A release and its seeds copied in text mode (every LF made CR LF), in no Git work
    tree: check named Git's line-end handling on the release's files and in its summary,
    with the .gitattributes lines and 'git checkout -- seeds dist'. The advice, given once,
    names the other converters and says to put the line ends back; the other files and
    the summary point at it without naming Git."""
    from corpuskit.lineends import CONVERTED_NOT_BY_GIT, FILES_AS_BUILT

    monkeypatch.chdir(repo)
    for folder in ("seeds", "dist"):
        _checked_out_with_crlf(repo / folder)
    report = check(Path("seeds"), Path("dist"), source_date_epoch=EPOCH, jobs=1)
    [advised] = [p for p in report.problems if CONVERTED_NOT_BY_GIT in p.message]
    assert "the seeds' files were converted too" in advised.message, advised
    assert advised.message.endswith(
        f"{CONVERTED_NOT_BY_GIT} (no Git work tree holds seeds or dist); {FILES_AS_BUILT}")
    pointing = [p for p in report.problems
                if f"; line ends converted, not by Git (see {advised.path})" in p.message]
    assert len(pointing) >= 4, report.problems
    summary = report.summary()
    assert summary.endswith(f": line ends converted since the release was built, not by Git: "
                            f"the problem of {advised.path} says how to put them back"), summary
    told = " ".join([summary, *(p.message for p in report.problems)])
    assert not any(word in told for word in _GIT_WORDS), told
    assert "by Git" not in told.replace("not by Git", ""), told


def test_a_release_file_git_converted_is_told_so_whatever_its_bagit_txt(repo: Path) -> None:
    """'*.md text eol=crlf' (a common rule for docs) converts the release's README.md and
    CHANGELOG.md, not its bagit.txt; '* text=auto' with 'git add --renormalize' made a raw
    file's CR LF LF. check said to restore them from version control (git checkout),
    which converts them again (QA): it names Git's line-end handling for any file whose
    bytes match its manifest once their line ends are swapped."""
    from corpuskit.lineends import CONVERTED

    (repo / ".git").mkdir()  # a Git work tree (outside one, no Git is blamed: QA s101)
    [release] = [p for p in (repo / "dist").iterdir() if p.is_dir()]
    for name in ("README.md", "CHANGELOG.md"):
        for folder in (release, repo / "seeds"):
            path = folder / name
            if path.is_file():
                path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    [readme] = [p for p in report.problems if p.path.endswith("/README.md")]
    [advised] = [p for p in report.problems if CONVERTED in p.message]  # (CHANGELOG.md's)
    assert "README.md" in advised.message and (
        readme == advised or f"line ends converted by Git (see {advised.path})" in
        readme.message), readme
    assert not any("(git checkout)" in p.message for p in report.problems), report.problems
    shutil.rmtree(repo / "dist")
    shutil.copytree(built().dist, repo / "dist", ignore=shutil.ignore_patterns(".corpuskit-*"))
    [raw] = [path for path in sorted((release / "data/raw").rglob("*"))
             if path.is_file() and b"\r\n" in path.read_bytes()][:1]
    raw.write_bytes(raw.read_bytes().replace(b"\r\n", b"\n"))
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    told = [p for p in report.problems if CONVERTED in p.message]
    assert told, report.problems
    assert not any("(git checkout)" in p.message for p in report.problems), report.problems


def test_a_checkout_without_git_lfs_is_told_to_fetch_the_archives(repo: Path) -> None:
    """actions/checkout fetches no Git LFS files by default: the release zip is a pointer.
    validate said to get it again, check to delete it and build, which would commit a zip
    over the LFS object (QA). Both name Git LFS, once, and what to run."""
    from corpuskit.gitlfs import LFS_ADVICE

    [archive] = (repo / "dist").glob("*.zip")
    archive.write_text("version https://git-lfs.github.com/spec/v1\n"
                       f"oid sha256:{'0' * 64}\nsize 12345\n", "utf-8")
    for report in (check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1),
                   validate(archive, jobs=1)):
        assert [(p.code, p.message) for p in report.problems] == [
            ("archive-error", LFS_ADVICE)], report.problems
    assert "run 'git lfs pull'" in LFS_ADVICE
    with pytest.raises(InputError, match="a Git LFS pointer"):
        corpuskit.load(archive)


def test_git_lfs_pointers_in_place_of_documents_or_package_files_are_named(
        repo: Path) -> None:
    """Seeds documents kept in Git LFS, not fetched, were packaged as their pointers' text
    (validate seeds passed them), and a release folder whose records file was a pointer
    had a dozen checksum and schema problems, none naming Git LFS (QA)."""
    from corpuskit.gitlfs import LFS_FILE_ADVICE

    pointer = f"version https://git-lfs.github.com/spec/v1\noid sha256:{'0' * 64}\nsize 9\n"
    [release] = [p for p in (repo / "dist").iterdir() if p.is_dir()]
    records = release / "data/documents.jsonl"
    records.write_text(pointer, "utf-8")
    assert [(p.path, p.code, p.message) for p in validate(release, jobs=1).problems] == [
        ("data/documents.jsonl", "lfs-pointer", LFS_FILE_ADVICE)]
    document = sorted((repo / "seeds").rglob("*.txt"))[0]
    document.write_text(pointer, "utf-8")
    said = [(Path(p.path).name, p.code) for p in validate(repo / "seeds", jobs=1).problems]
    assert said == [(document.name, "lfs-pointer")]
    with pytest.raises(InputError) as refused:
        build(repo / "seeds", repo / "out", source_date_epoch=EPOCH, jobs=1)
    assert [(Path(p.path).name, p.code, p.message) for p in refused.value.problems] == [
        (document.name, "lfs-pointer", LFS_FILE_ADVICE)]
    assert not (repo / "out").exists() or not any((repo / "out").iterdir())
    # a note about Git LFS that begins with a pointer's first line is a document (QA)
    document.write_text("version https://git-lfs.github.com/spec/v1\n\nThis note says "
                        "what that line starts: a Git LFS pointer, kept in place of a file.\n",
                        "utf-8")
    assert validate(repo / "seeds", jobs=1).valid


def _lfs_pointer(path: Path) -> None:
    """``path`` as a checkout without Git LFS leaves it: a pointer to its bytes."""
    data = path.read_bytes()
    path.write_text("version https://git-lfs.github.com/spec/v1\n"
                    f"oid sha256:{hashlib.sha256(data).hexdigest()}\nsize {len(data)}\n",
                    "utf-8")


def test_a_git_lfs_pointer_never_hides_the_other_problems_of_a_package(
        repo: Path, tmp_path: Path) -> None:
    """One file shaped as a Git LFS pointer made validate drop every other problem of the
    package: an edited documents.jsonl went unsaid, and check took the release for
    intact (QA). Where another file is wrong too, every problem is said; an unlisted file
    or a link shaped as a pointer is never taken for one."""
    [release] = [p for p in (repo / "dist").iterdir() if p.is_dir()]
    records = release / "data/documents.jsonl"
    records.write_bytes(records.read_bytes().replace(b"e", b"E", 1))
    raw = sorted((release / "data/raw").rglob("*.txt"))[0]
    _lfs_pointer(raw)
    report = validate(release, jobs=1)
    codes = {(p.path, p.code) for p in report.problems}
    assert (raw.relative_to(release).as_posix(), "lfs-pointer") in codes
    assert ("data/documents.jsonl", "checksum-mismatch") in codes, report.problems
    checked = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    told = " ".join([checked.summary(), *(p.message for p in checked.problems)])
    assert "restore it" in told and "release patch" not in told, told
    extra = release / "data/raw/zz.txt"
    extra.write_text("version https://git-lfs.github.com/spec/v1\n"
                     f"oid sha256:{'0' * 64}\nsize 12\n", "utf-8")
    outside = tmp_path / "outside"
    outside.write_bytes(extra.read_bytes())
    linked = release / "data/raw/zy.txt"
    linked.symlink_to(outside)
    said = {(p.path, p.code) for p in validate(release, jobs=1).problems}
    assert ("data/raw/zz.txt", "unlisted-file") in said and \
        ("data/raw/zy.txt", "unsafe-path") in said, said
    assert not {path for path, code in said if code == "lfs-pointer"} - {
        raw.relative_to(release).as_posix()}, said


def test_release_files_that_are_git_lfs_pointers_are_named_as_pointers_by_check(
        repo: Path) -> None:
    """A release folder kept in Git LFS, checked out without it: one raw file a pointer
    was "changed after it was built ... remove the folder and run build" (a rebuild to be
    committed over the LFS object); with every file a pointer, the folder "holds no
    datapackage.json (damaged or incomplete)", and validate counted the pointer
    documents.jsonl's three lines as 3 documents (QA). Each pointer is named as one."""
    from corpuskit.gitlfs import LFS_ADVICE, LFS_FILE_ADVICE

    [release] = [p for p in (repo / "dist").iterdir() if p.is_dir()]
    [archive] = (repo / "dist").glob("*.zip")
    raw = sorted((release / "data/raw").rglob("*.txt"))[0]
    _lfs_pointer(raw)
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    assert [(p.path, p.code, p.message) for p in report.problems] == [
        (str(raw), "lfs-pointer", LFS_FILE_ADVICE)], report.problems
    files = sorted(p for p in release.rglob("*") if p.is_file())
    for path in (*files, archive):
        if path != raw:
            _lfs_pointer(path)
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    assert sorted((p.path, p.code, p.message) for p in report.problems) == sorted(
        [(str(archive), "archive-error", LFS_ADVICE)]
        + [(str(path), "lfs-pointer", LFS_FILE_ADVICE) for path in files]), report.problems
    folder = validate(release, jobs=1)
    assert {p.code for p in folder.problems} == {"lfs-pointer"}, folder.problems
    assert folder.documents == 0


def test_a_corpus_toml_or_changelog_that_is_a_git_lfs_pointer_is_named_as_one(
        repo: Path) -> None:
    """Seeds kept in Git LFS, checked out without it: a pointer corpus.toml was "not valid
    TOML ... an unclosed quote", which stopped the run before the documents' pointers were
    named; a pointer CHANGELOG.md passed validate seeds, was shipped by build as the
    release's CHANGELOG.md, and release wrote its entry after the pointer's lines (QA)."""
    from corpuskit import release
    from corpuskit.gitlfs import LFS_FILE_ADVICE

    seeds = repo / "seeds"
    document = sorted(seeds.rglob("*.txt"))[0]
    config, changelog = seeds / "corpus.toml", seeds / "CHANGELOG.md"
    kept = config.read_bytes()
    for path in (config, document):
        _lfs_pointer(path)
    pointers = sorted([("corpus.toml", "lfs-pointer", LFS_FILE_ADVICE),
                       (document.relative_to(seeds).as_posix(), "lfs-pointer",
                        LFS_FILE_ADVICE)])
    said = validate(seeds, jobs=1).problems
    assert sorted((p.path, p.code, p.message) for p in said) == pointers, said
    report = check(seeds, repo / "dist", source_date_epoch=EPOCH, jobs=1)
    assert sorted((Path(p.path).relative_to(seeds).as_posix(), p.code, p.message)
                  for p in report.problems) == pointers, report.problems
    with pytest.raises(InputError) as refused:
        build(seeds, repo / "out", source_date_epoch=EPOCH, jobs=1)
    assert sorted((p.path, p.code, p.message) for p in refused.value.problems) == pointers
    config.write_bytes(kept)
    shutil.copy2(repo / "dist" / sorted(p.name for p in (repo / "dist").iterdir()
                                        if p.is_dir())[0] / "data/raw" /
                 document.relative_to(seeds), document)
    assert check(seeds, repo / "dist", source_date_epoch=EPOCH, jobs=1).valid
    changelog.write_text("## 1.0.0\n\nThe first release.\n", "utf-8")
    _lfs_pointer(changelog)
    pointer = changelog.read_bytes()
    said = validate(seeds, jobs=1).problems
    assert [(p.path, p.code, p.message) for p in said] == [
        ("CHANGELOG.md", "lfs-pointer", LFS_FILE_ADVICE)], said
    report = check(seeds, repo / "dist", source_date_epoch=EPOCH, jobs=1)
    assert [(Path(p.path).name, p.code) for p in report.problems] == [
        ("CHANGELOG.md", "lfs-pointer")], report.problems
    for run_it in (lambda: build(seeds, repo / "out", source_date_epoch=EPOCH, jobs=1),
                   lambda: release(seeds, repo / "dist", source_date_epoch=EPOCH, jobs=1,
                                   bump="patch")):
        with pytest.raises(InputError) as refused:
            run_it()
        assert [(p.path, p.code) for p in refused.value.problems] == [
            ("CHANGELOG.md", "lfs-pointer")]
    assert changelog.read_bytes() == pointer and not (repo / "out").exists()


def test_the_builds_of_checks_killed_outright_are_removed(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A check killed with SIGKILL (a CI job's timeout) left its build in the temporary
    folder, which no later check removed (QA): a check removes those whose process is
    gone, never a running one's, nor anything else there."""
    import os

    temp = repo / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    gone = temp / "corpuskit-check-999999999-abcd1234"  # no process has that id
    running = temp / f"corpuskit-check-{os.getpid()}-abcd1234"
    other = temp / "corpuskit-check-notes"
    for folder in (gone, running, other):
        (folder / "dist").mkdir(parents=True)
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    assert report.valid, report.problems
    assert sorted(p.name for p in temp.iterdir()) == sorted([running.name, other.name])


def test_a_temporary_folder_inside_the_seeds_is_named_as_tmpdir(
        repo: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """TMPDIR inside the seeds: check's build would go there; it was refused as "--out
    .../seeds/corpuskit-check-... is inside the seeds folder", of a check that has no
    --out (QA). It is a usage error naming TMPDIR, and nothing is written."""
    temp = repo / "seeds" / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.chdir(repo)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    code, _, err = run(capsys, "check")
    said = " ".join(err.split())
    assert code == 2 and f"the temporary folder {temp} (TMPDIR) is inside the seeds folder " \
        "seeds, where check's build of them would be taken for documents; set TMPDIR to a " \
        "folder outside it" in said, said
    assert "--out" not in said and list(temp.iterdir()) == []


def test_nothing_written_and_temporary_build_removed(repo: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    temp = repo / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    before = _tree(repo)
    check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    (repo / "seeds/nfd.txt").write_text("Changed\n\nNow it differs.\n")
    check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    assert list(temp.iterdir()) == []
    after = _tree(repo)
    del before["seeds/nfd.txt"], after["seeds/nfd.txt"]
    assert after == before


def test_changed_seeds_make_dist_stale(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "seeds/nfd.txt").write_text("A new title\n\nA new body.\n")
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    release = repo / "dist/validate-sample-1.0.0"
    paths = {p.path for p in report.problems}
    assert codes(report) == {"stale-release"}
    assert {str(release / "data/documents.jsonl"), str(release / "data/raw/nfd.txt"),
            str(repo / "dist/validate-sample-1.0.0.zip")} <= paths
    monkeypatch.chdir(repo)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    code, out, err = run(capsys, "check")
    assert code == 1 and "dist/validate-sample-1.0.0/data/raw/nfd.txt" in out
    assert "not current" in err
    [advice] = [p.message for p in report.problems if p.path == str(release / "datapackage.json")]
    assert ("the seeds changed since version 1.0.0 was released (to publish the change, run "
            f"'corpuskit release --seeds {repo / 'seeds'} --out {repo / 'dist'}', which builds "
            "the next version beside this one") in advice


def test_the_summary_of_a_stale_dist_says_what_to_do_in_every_format(
        repo: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Seeds changed since the release: the descriptor's problem says to release, and so
    does the summary, which comes first with --format github. There, each kind of problem
    comes before the repeats of a kind, so that GitHub's 10 error annotations of a step
    hold the advice however many raw files differ (QA: the summary said only "not
    current, 16 problems", and the advice was the 15th annotation)."""
    changed = sorted(path for path in (repo / "seeds").rglob("*.txt"))
    assert len(changed) >= 10  # more raw files differ than GitHub shows annotations
    for path in changed:
        path.write_text(f"{path.stem} rewritten\n\nA body that differs.\n")
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    release = repo / "dist/validate-sample-1.0.0"
    advice = ("the seeds changed since version 1.0.0 was released (to publish the change, "
              f"run 'corpuskit release --seeds {repo / 'seeds'} --out {repo / 'dist'}', "
              "which builds the next version beside this one")
    assert report.advice.startswith(advice)
    assert report.summary() == (f"{repo / 'dist'}: not current, {len(report.problems)} "
                                f"problems: {report.advice}")
    assert report.as_dict()["summary"] == report.summary()
    monkeypatch.chdir(repo)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    code, out, _ = run(capsys, "check", "--format", "github")
    lines = out.splitlines()
    assert code == 1 and len(lines) == len(report.problems) + 1 > 11
    assert lines[0].startswith("::error title=corpuskit::dist: not current, ")
    assert "run 'corpuskit release', which builds the next version" in lines[0]
    # every problem annotated once; the descriptor's among the first 10
    descriptor = f"::error file=dist/{release.name}/datapackage.json,"
    assert [line.startswith(descriptor) for line in lines[1:11]].count(True) == 1
    assert sorted(lines[1:]) == sorted(set(lines[1:]))
    code, out, _ = run(capsys, "check")
    assert code == 1 and out.splitlines()[-1].endswith(
        "run 'corpuskit release', which builds the next version beside this one; released "
        "versions are never rebuilt), or they did not and this corpuskit builds them "
        "otherwise (check with the version that made the release)")


def _damage(seeds: Path, dist: Path, what: str) -> None:
    """One of the states of :func:`test_the_summary_says_what_to_do_first`."""
    release = dist / "validate-sample-1.1.0"
    if "seeds" in what:
        (seeds / "nfd.txt").write_text("A new title\n\nA new body.\n")
    if "changelog" in what:
        (seeds / "CHANGELOG.md").write_text(
            (seeds / "CHANGELOG.md").read_text("utf-8") + "\nA note.\n", "utf-8")
    if "edited" in what:
        (release / "README.md").write_text("edited\n")
    if "added" in what:
        (release / "notes.txt").write_text("mine\n")
    if "zip" in what:
        archive = dist / "validate-sample-1.1.0.zip"
        data = bytearray(archive.read_bytes())
        data[len(data) // 2] ^= 1
        archive.write_bytes(bytes(data))


@pytest.mark.parametrize("what", ["edited", "added", "edited seeds", "edited changelog",
                                  "changelog", "zip seeds"])
def test_the_summary_says_what_to_do_first(two_releases: tuple[Path, Path, str],
                                           what: str) -> None:
    """The summary's advice is what to do first, and each problem's advice agrees (QA):
    a release changed after its build is mended first, then the seeds' change released
    (release alone refuses a latest release that does not pass validate); an added file
    is removed, not restored from the zip (which leaves it); a changed seeds CHANGELOG.md
    beside an edited release file is the seeds', not an edit of the release; a damaged
    zip is mended before the seeds are released."""
    seeds, dist, later = two_releases
    _damage(seeds, dist, what)
    report = check(seeds, dist, source_date_epoch=later, jobs=1)
    release = dist / "validate-sample-1.1.0"
    mend = ("the release changed after it was built: mend each file as its problem says "
            "(restore it from the release's zip or from version control, or remove it if "
            "it was added)")
    rebuild = (f", or remove the folder {release.name}/ and run 'corpuskit build {seeds} "
               f"--out {dist}', which puts it back")
    publish = ("the seeds changed since version 1.1.0 was released (to publish the change, "
               f"run 'corpuskit release --seeds {seeds} --out {dist}', which builds the next "
               "version beside this one; released versions are never rebuilt), or they did "
               "not and this corpuskit builds them otherwise (check with the version that "
               "made the release)")
    expected = {
        "edited": mend + rebuild,
        "added": mend + rebuild,
        "edited seeds": f"{mend}; once it is mended: {publish}",
        "edited changelog": (f"{mend}; once it is mended: the seeds changed since version "
                             "1.1.0 was released (the other files named): run 'corpuskit "
                             f"release --seeds {seeds} --out {dist}' to publish the change"),
        "changelog": (f"{seeds / 'CHANGELOG.md'} changed since version 1.1.0 was released "
                      "(to publish the change, run 'corpuskit release patch --seeds "
                      f"{seeds} --out {dist}', which builds the next version beside "
                      "this one; released versions are never rebuilt), or restore it as "
                      "released (git checkout)"),
        "zip seeds": ("mend the release first, as its archive-seal-mismatch problem says; "
                      f"then: {publish}"),
    }[what]
    assert report.advice == expected
    assert report.summary().endswith(f": {expected}")
    said = {p.path: p.message for p in report.problems}
    if what == "added":
        assert said[str(release / "notes.txt")].endswith("it was added after the release was "
                                                         "built: remove it")
    if what == "edited changelog":  # the release's copy is as its tag manifest records
        assert "changed after it was built" in said[str(release / "README.md")]
        assert not any("changed after it was built" in said[str(release / name)]
                       for name in ("CHANGELOG.md", "tagmanifest-sha256.txt"))


def test_added_and_removed_documents(repo: Path) -> None:
    (repo / "seeds/new.txt").write_text("New\n\nA new document.\n")
    (repo / "seeds/mojibake.txt").unlink()
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    messages = {Path(p.path).name: p.message for p in report.problems}
    assert messages["new.txt"].startswith("missing")
    assert messages["mojibake.txt"].startswith("extra")


def test_edited_dist_file_is_named(repo: Path) -> None:
    """The file is named, with what to do (QA: it named the file only); the advice, followed
    to the letter, makes dist/ current."""
    (repo / "dist/validate-sample-1.0.0/README.md").write_text("edited by hand\n")
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    assert [p.path for p in report.problems] == [
        str(repo / "dist/validate-sample-1.0.0/README.md")]
    # The seeds folder given, not a hard-coded "seeds/".
    assert report.problems[0].message == (
        f"differs from what a fresh build of {repo / 'seeds'} makes; the release changed "
        "after it was built: restore it from the release's zip or from version control "
        "(git checkout), or remove the "
        f"folder validate-sample-1.0.0/ and run 'corpuskit build {repo / 'seeds'} --out "
        f"{repo / 'dist'}', which puts it back")
    shutil.rmtree(repo / "dist/validate-sample-1.0.0")
    build(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    assert check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1).valid


def test_an_edited_release_without_its_zip_is_restored_before_build(repo: Path) -> None:
    """With the zip gone too, neither problem sends the user to that zip, nor to a build
    that refuses the edited folder (QA); restoring the folder, then building, as told,
    makes dist/ current."""
    folder = repo / "dist/validate-sample-1.0.0"
    card = (folder / "README.md").read_bytes()
    (repo / "dist/validate-sample-1.0.0.zip").unlink()
    (folder / "README.md").write_text("edited by hand\n")
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    messages = {Path(p.path).name: p.message for p in report.problems}
    assert sorted(messages) == ["README.md", "validate-sample-1.0.0.zip"]
    assert "release's zip" not in messages["README.md"]
    assert "restore it from a published copy of the release or from version control" \
        in messages["README.md"]
    assert messages["validate-sample-1.0.0.zip"].endswith(
        f"once its folder is restored (see its files), run 'corpuskit build "
        f"{repo / 'seeds'} --out {repo / 'dist'}', which writes the zip")
    with pytest.raises(corpuskit.errors.ReleaseExistsError):  # as told: not before
        build(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    (folder / "README.md").write_bytes(card)
    build(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    assert check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1).valid


@pytest.mark.parametrize("zip_too", [True, False])
def test_a_release_that_passes_validate_but_differs_in_its_metadata_files(
        repo: Path, zip_too: bool) -> None:
    """A release intact by its manifests, whose datapackage.json is a fresh build's, but
    whose card differs from this corpuskit's: written by another corpuskit (or edited and
    re-signed whole), not an edit to restore from the zip, which holds the same card
    (QA: the new form of croissant.json and the card was called an edit of the release).
    Beside a zip that is this corpuskit's build, the folder alone was edited since (QA:
    called written otherwise, and 'release patch' then refused the two unlike copies)."""
    release = repo / "dist/validate-sample-1.0.0"
    card = release / "README.md"
    text = card.read_text("utf-8")
    assert "## Uses\n" in text
    card.write_text(text.replace("## Uses\n", "## Uses\n\nProse another version wrote.\n"),
                    "utf-8")
    rewrite_tagmanifest(release)
    archive = release.with_name(f"{release.name}.zip")
    assert archive.is_file()
    if zip_too:
        rewrite_zip(release)
    assert validate(release, jobs=1).valid
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    said = {Path(p.path).name: p.message for p in report.problems}
    if not zip_too:
        assert set(said) == {"README.md", "tagmanifest-sha256.txt"}
        assert "the release changed after it was built: restore it from the release's zip" \
            in said["README.md"]
        return
    assert set(said) == {"README.md", "tagmanifest-sha256.txt", archive.name}
    assert said["README.md"] == (
        f"differs from what a fresh build of {repo / 'seeds'} makes, in a release that passes "
        "validate and whose datapackage.json is a fresh build's: this corpuskit writes the "
        "file otherwise than the one that built the release (to publish the new form, run "
        f"'corpuskit release patch --seeds {repo / 'seeds'} --out {repo / 'dist'}', which "
        "builds the next version beside this one; released versions are never rebuilt), or "
        "it was edited and re-signed after the build (restore it from the release's zip or "
        "from version control)")


def test_a_zip_alone_written_otherwise_is_told_to_release_patch(repo: Path) -> None:
    """A release kept as its zip alone, intact, whose datapackage.json is what the seeds
    build but whose card is not: this corpuskit writes it otherwise, which 'release patch'
    publishes, and the advice followed makes dist current (QA: "the seeds changed", and
    plain release, named, refused)."""
    release = repo / "dist/validate-sample-1.0.0"
    card = release / "README.md"
    card.write_text(card.read_text("utf-8").replace("## Uses\n", "## Uses\n\nOlder.\n"),
                    "utf-8")
    rewrite_tagmanifest(release)
    archive = rewrite_zip(release)
    shutil.rmtree(release)
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    said = {Path(p.path).name: p.message for p in report.problems}
    assert set(said) == {release.name, archive.name}
    patch = (f"'corpuskit release patch --seeds {repo / 'seeds'} --out {repo / 'dist'}'")
    assert "its datapackage.json is what the seeds build" in said[release.name]
    assert patch in said[release.name]
    later = str(int(EPOCH) + 86_400)
    corpuskit.release(repo / "seeds", repo / "dist", "patch", source_date_epoch=later, jobs=1)
    assert check(repo / "seeds", repo / "dist", source_date_epoch=later, jobs=1).valid


@pytest.fixture
def two_releases(repo: Path) -> tuple[Path, Path, str]:
    """``repo`` after a minor release (1.1.0, current) beside 1.0.0: the seeds, dist and
    the release time to check with."""
    later = str(int(EPOCH) + 86_400)
    (repo / "seeds/added.txt").write_text("Added\n\nA document about rivers and bridges.\n")
    corpuskit.release(repo / "seeds", repo / "dist", source_date_epoch=later, jobs=1)
    assert check(repo / "seeds", repo / "dist", source_date_epoch=later, jobs=1).valid
    return repo / "seeds", repo / "dist", later


@pytest.mark.parametrize("damage", ["garbage", "another-version", "truncated"])
def test_an_older_release_zip_beside_its_folder_that_is_none_fails_check_and_release(
        two_releases: tuple[Path, Path, str], damage: str) -> None:
    """An older release's zip, beside its folder, replaced by 7 bytes: check said "dist:
    current" and release went on, where README says check names a zip named as a release
    that holds none (not-a-package) and release refuses until it is restored; only a zip
    whose folder was removed was read (QA forge3 1). It is read as that one is."""
    seeds, dist, later = two_releases
    older = dist / "validate-sample-1.0.0.zip"
    if damage == "garbage":
        older.write_bytes(b"garbage")
    elif damage == "another-version":
        shutil.copyfile(dist / "validate-sample-1.1.0.zip", older)
    else:
        older.write_bytes(older.read_bytes()[:-200])
    report = check(seeds, dist, source_date_epoch=later, jobs=1)
    assert [(p.path, p.code) for p in report.problems] == [(str(older), "not-a-package")]
    assert report.problems[0].message.startswith("named as a release of validate-sample, "
                                                 "but ")
    assert "restore it from a published copy" in report.problems[0].message
    (seeds / "more.txt").write_text("More\n\nAnother document about the long roads.\n")
    with pytest.raises(ReleaseError, match=rf"{re.escape(str(older))} is named as a release"):
        corpuskit.release(seeds, dist, source_date_epoch=later, jobs=1)
    assert sorted(p.name for p in dist.iterdir() if not p.name.startswith(".")) == [
        "validate-sample-1.0.0", "validate-sample-1.0.0.zip", "validate-sample-1.1.0",
        "validate-sample-1.1.0.zip"]


def test_an_older_release_zip_is_checked_for_its_seal_and_sha256_form_unhashed(
        two_releases: tuple[Path, Path, str]) -> None:
    """Of an older release's zip check reads its end, as validate --fast does: a seal that
    is none (bytes appended) and a published .sha256 that is no checksum of it are named
    (QA forge3 1); the digests are not computed (an older release's zip may be hundreds of
    MB: README says 'validate dist' compares them)."""
    seeds, dist, later = two_releases
    older = dist / "validate-sample-1.0.0.zip"
    sound = older.read_bytes()
    older.write_bytes(sound + b"x")
    report = check(seeds, dist, source_date_epoch=later, jobs=1)
    assert [(p.path, p.code, p.location) for p in report.problems] == [
        (str(older), "archive-seal-mismatch", "zip comment")]
    assert report.problems[0].message.endswith(
        f"; restore it from a published copy ('corpuskit validate {dist}' checks every "
        "release in full)")
    older.write_bytes(sound)
    sidecar = dist / "validate-sample-1.0.0.zip.sha256"
    sidecar.write_text("not a checksum\n")
    report = check(seeds, dist, source_date_epoch=later, jobs=1)
    assert [(p.path, p.code, p.location) for p in report.problems] == [
        (str(older), "archive-error", "published sha256")]
    sidecar.write_text(f"{hashlib.sha256(sound).hexdigest()}  {older.name}\n")
    assert check(seeds, dist, source_date_epoch=later, jobs=1).valid
    sidecar.write_text(f"{'0' * 64}  {older.name}\n")  # a digest: not compared by check
    assert check(seeds, dist, source_date_epoch=later, jobs=1).valid
    assert not validate(dist).valid


def _crlf(archive: Path) -> None:
    """``archive`` as Git checks it out with a text attribute forced on it."""
    archive.write_bytes(re.sub(rb"(?<!\r)\n", b"\r\n", archive.read_bytes()))


@pytest.mark.parametrize("converted", ["older", "both"])
def test_older_release_zips_git_converted_are_told_the_gitattributes_advice(
        two_releases: tuple[Path, Path, str], converted: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """An older release's zip whose every LF Git made CR LF on checkout: check told it
    "restore it from a published copy" (a checkout from Git writes the same bytes) where
    the latest zip was given the .gitattributes advice, and release never named Git (QA
    s82 review 6). Both give the advice, once; the latest zip's problem points at it."""
    from corpuskit.lineends import CONVERTED

    seeds, dist, later = two_releases
    monkeypatch.chdir(seeds.parent)
    Path(".git").mkdir()  # a Git work tree (outside one, no Git is blamed: QA s101)
    seeds, dist = Path("seeds"), Path("dist")
    older, latest = dist / "validate-sample-1.0.0.zip", dist / "validate-sample-1.1.0.zip"
    _crlf(older)
    if converted == "both":
        _crlf(latest)
    report = check(seeds, dist, source_date_epoch=later, jobs=1)
    [told] = [p for p in report.problems if p.path == str(older)]
    assert told.code == "not-a-package", told
    assert told.message.startswith("named as a release of validate-sample, but "), told
    assert CONVERTED in told.message and "'dist/** -text'" in told.message, told
    assert "published copy" not in told.message, told
    assert sum(".gitattributes" in p.message for p in report.problems) == 1, report.problems
    if converted == "both":
        [seal] = [p for p in report.problems if p.code == "archive-seal-mismatch"]
        assert seal.path == str(latest) and seal.message.endswith(
            f"; line ends converted by Git (see {older})"), seal
    else:
        assert [p.path for p in report.problems] == [str(older)]
    (seeds / "more.txt").write_text("More\n\nAnother document about the long roads.\n")
    with pytest.raises(ReleaseError) as refused:
        corpuskit.release(seeds, dist, source_date_epoch=later, jobs=1)
    said = str(refused.value)
    assert f"{older} is named as a release of validate-sample but " in said, said
    assert CONVERTED in said and "'dist/** -text'" in said, said
    assert "published copy" not in said, said
    assert not (dist / "validate-sample-1.2.0").exists()


def test_build_tells_the_gitattributes_advice_for_a_zip_git_converted(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """build, finding the release's zip Git converted (its seal says so), said "released
    archives are immutable: restore it from a published copy", which a checkout from Git
    converts again (QA s82 review 6). It gives the .gitattributes advice."""
    from corpuskit.errors import ReleaseExistsError
    from corpuskit.lineends import CONVERTED

    monkeypatch.chdir(repo)
    Path(".git").mkdir()  # a Git work tree (outside one, no Git is blamed: QA s101)
    archive = Path("dist/validate-sample-1.0.0.zip")
    _crlf(archive)
    with pytest.raises(ReleaseExistsError) as refused:
        build(Path("seeds"), Path("dist"), source_date_epoch=EPOCH, jobs=1)
    said = str(refused.value)
    assert said.startswith(f"{archive} is not as it was built ("), said
    assert CONVERTED in said and "'dist/** -text'" in said, said
    assert "published copy" not in said and said.endswith("; then build again"), said


def test_an_older_release_zip_converted_outside_git_is_not_told_the_git_advice(
        two_releases: tuple[Path, Path, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """An older release's zip whose every LF an FTP transfer in ASCII mode made CR LF, in
    no Git work tree: check and release said Git's line-end handling converted it, with the
    .gitattributes lines and 'git checkout -- dist'. Both say it was converted otherwise
    and to take the zip again as binary."""
    from corpuskit.lineends import CONVERTED_NOT_BY_GIT, ZIPS_AS_BUILT

    seeds, dist, later = two_releases
    monkeypatch.chdir(seeds.parent)
    seeds, dist = Path("seeds"), Path("dist")
    older = dist / "validate-sample-1.0.0.zip"
    _crlf(older)
    report = check(seeds, dist, source_date_epoch=later, jobs=1)
    [told] = [p for p in report.problems if p.path == str(older)]
    assert told.code == "not-a-package", told
    assert told.message.endswith(f"as written has LF: {CONVERTED_NOT_BY_GIT} (no Git work "
                                 f"tree holds dist); {ZIPS_AS_BUILT}"), told
    assert not any(word in told.message for word in _GIT_WORDS), told
    (seeds / "more.txt").write_text("More\n\nAnother document about the long roads.\n")
    with pytest.raises(ReleaseError) as refused:
        corpuskit.release(seeds, dist, source_date_epoch=later, jobs=1)
    said = str(refused.value)
    assert f"{older} is named as a release of validate-sample but " in said, said
    assert f"{CONVERTED_NOT_BY_GIT} (no Git work tree holds dist); {ZIPS_AS_BUILT}" in said
    assert not any(word in said for word in _GIT_WORDS), said
    assert not (dist / "validate-sample-1.2.0").exists()


def test_the_other_zips_converted_point_at_the_first_as_git_or_not(tmp_path: Path) -> None:
    """Of several release zips converted, the first gives the advice and the others point
    at it: they said "converted by Git's line-end handling" in no Git work tree too; they
    say what validate says of such a zip there, and name Git only in a work tree."""
    from types import SimpleNamespace

    from corpuskit.check import _converted_zip_problems
    from corpuskit.lineends import CONVERTED, CONVERTED_NOT_BY_GIT, CONVERTED_OUTSIDE_GIT

    dist = tmp_path / "dist"
    zips = [dist / "x-1.0.0.zip", dist / "x-1.1.0.zip"]
    releases = SimpleNamespace(damaged=[SimpleNamespace(path=path, reason="it is unreadable")
                                        for path in zips])
    first, second = _converted_zip_problems(releases, zips, "x", dist)  # type: ignore[arg-type]
    assert CONVERTED_NOT_BY_GIT in first.message, first
    assert second.message == (f"named as a release of x, but it is unreadable: it was "
                              f"{CONVERTED_OUTSIDE_GIT}, as every LF byte in it follows a CR "
                              f"(see {zips[0]})"), second
    assert not any(word in first.message + second.message for word in _GIT_WORDS)
    (tmp_path / ".git").mkdir()
    first, second = _converted_zip_problems(releases, zips, "x", dist)  # type: ignore[arg-type]
    assert CONVERTED in first.message and f"'git checkout -- {dist}'" in first.message, first
    assert second.message == (f"named as a release of x, but it is unreadable: {CONVERTED}, "
                              f"as every LF byte in it follows a CR (see {zips[0]})"), second


def test_changed_seeds_leave_the_advice_to_the_descriptor(repo: Path) -> None:
    """Where the seeds changed, every file that follows from them differs; the advice
    that the release folder was edited is for files whose datapackage.json is as fresh."""
    (repo / "seeds/nfd.txt").write_text("Changed\n\nNow it differs.\n")
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    assert report.problems and not any("changed after the release was built" in p.message
                                       for p in report.problems), report.problems
    assert any("the seeds changed since version" in p.message for p in report.problems)


def test_a_file_replaced_by_a_link_to_the_same_bytes_is_named(repo: Path) -> None:
    """check followed the link and called the release current; validate refuses it."""
    readme = repo / "dist/validate-sample-1.0.0/README.md"
    outside = repo / "README-copy.md"
    outside.write_bytes(readme.read_bytes())
    readme.unlink()
    readme.symlink_to(outside)
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    assert str(readme) in [p.path for p in report.problems]
    assert not report.valid


@pytest.mark.parametrize("seeds_changed", [False, True])
def test_a_file_replaced_by_a_link_is_said_to_be_a_link(repo: Path,
                                                        seeds_changed: bool) -> None:
    """A raw file replaced by a link to the very bytes a build makes "differs from what a
    fresh build makes", which the user could not see (cmp finds them equal), where
    validate says it is a symbolic link; with the seeds changed as well, every file of the
    release was said to be edited after its build (QA check 2). The link is named as
    validate names it, never followed, and the seeds' changes as theirs."""
    from corpuskit.regularfiles import LINK_IN_A_PACKAGE

    release = repo / "dist/validate-sample-1.0.0"
    raw = release / "data/raw/spaces & #hash.txt"
    outside = repo / "raw-copy.txt"
    outside.write_bytes(raw.read_bytes())
    raw.unlink()
    raw.symlink_to(outside)
    if seeds_changed:
        (repo / "seeds/nfd.txt").write_text("Changed\n\nNow it differs.\n")
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    said = {p.path: p for p in report.problems}
    link = said[str(raw)]
    assert link.code == "unsafe-path", link
    assert link.message.startswith(f"{LINK_IN_A_PACKAGE}; ") and "differs" not in link.message
    assert "restore it from the release's zip" in link.message, link
    edited = [p.path for p in report.problems if "changed after it was built" in p.message]
    assert edited == [str(raw)], report.problems
    descriptor = said.get(str(release / "datapackage.json"))
    assert (descriptor is not None
            and "the seeds changed since version" in descriptor.message) is seeds_changed


@pytest.mark.parametrize("seeds_changed", [False, True])
def test_a_folder_replaced_by_a_link_is_said_to_be_a_link(repo: Path,
                                                          seeds_changed: bool) -> None:
    """A release's data/ replaced by a link to a copy of it was 'extra ... remove it', and
    every file under it missing, where validate says it is a symbolic link (QA s77
    finding 4): it is one unsafe-path, never followed, with the advice to restore it."""
    from corpuskit.regularfiles import LINK_IN_A_PACKAGE

    release = repo / "dist/validate-sample-1.0.0"
    outside = repo / "data-copy"
    (release / "data").rename(outside)
    (release / "data").symlink_to(outside, target_is_directory=True)
    if seeds_changed:
        (repo / "seeds/nfd.txt").write_text("Changed\n\nNow it differs.\n")
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    said = {p.path: p for p in report.problems}
    link = said[str(release / "data")]
    assert link.code == "unsafe-path", link
    assert link.message.startswith(f"{LINK_IN_A_PACKAGE}; ") and "extra" not in link.message
    assert "restore it from the release's zip" in link.message, link
    assert not [p for p in report.problems if p.path.startswith(f"{release / 'data'}/")], \
        report.problems
    descriptor = said.get(str(release / "datapackage.json"))
    assert (descriptor is not None
            and "the seeds changed since version" in descriptor.message) is seeds_changed


@pytest.mark.parametrize("where", ["", "data/raw"])
def test_an_empty_folder_added_to_a_release_is_named(repo: Path, where: str) -> None:
    """A release folder holding an empty folder was "current, equal to a fresh build"
    (files alone were compared), while validate refuses it: a build makes none, and the
    zip could not hold one (QA)."""
    release = repo / "dist/validate-sample-1.0.0"
    empty = release / where / "notes"
    empty.mkdir()
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    assert not report.valid
    assert [(p.path, p.code) for p in report.problems] == [(str(empty), "stale-release")]
    assert "makes no empty folder; remove it" in report.problems[0].message
    empty.rmdir()
    assert check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1).valid


@pytest.mark.parametrize("change", ["emptied", "nested", "folder for a file"])
def test_folders_are_named_once_and_rightly(repo: Path, change: str) -> None:
    """A folder of the release emptied of its files was also called an "extra" empty folder
    to remove; empty folders nested were named one level per check; an empty folder in a
    file's place was both "extra" and "missing" (QA). Each difference is named once."""
    release = repo / "dist/validate-sample-1.0.0"
    raw = release / "data/raw"
    if change == "emptied":
        removed = sorted(p for p in raw.rglob("*") if p.is_file())
        for path in removed:
            path.unlink()
        for folder in sorted((p for p in raw.rglob("*") if p.is_dir()), reverse=True):
            folder.rmdir()
        expected = {(str(path), "stale-release") for path in removed}
    elif change == "nested":
        (raw / "x/y/z").mkdir(parents=True)
        expected = {(str(raw / "x"), "stale-release")}
    else:
        (release / "README.md").unlink()
        (release / "README.md").mkdir()
        expected = {(str(release / "README.md"), "stale-release")}
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    found = {(p.path, p.code) for p in report.problems if not p.path.endswith(".zip")}
    assert found == expected, report.problems
    if change == "folder for a file":
        assert "a folder stands where a fresh build of" in report.problems[-1].message


def test_tree_entries_name_empty_and_unlisted_folders(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Files by their paths, an empty folder by its path and a slash; a folder that cannot
    be listed the same, or handed to the list of what cannot be read, if one is given."""
    from corpuskit import compare

    (tmp_path / "a/b").mkdir(parents=True)
    (tmp_path / "a/f.txt").write_text("x")
    (tmp_path / "empty").mkdir()
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked/g.txt").write_text("y")
    (tmp_path / "link").symlink_to(tmp_path / "a")
    real = compare.os.scandir

    def scandir(path: object) -> object:
        if Path(str(path)).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(compare.os, "scandir", scandir)
    assert compare.tree_entries(tmp_path) == {"a/b/", "a/f.txt", "empty/", "link", "locked/"}
    unreadable: list[tuple[Path, OSError]] = []
    assert compare.tree_entries(tmp_path, unreadable) == {"a/b/", "a/f.txt", "empty/", "link"}
    assert [(path, exc.errno) for path, exc in unreadable] == [(tmp_path / "locked", 13)]
    assert compare.tree_entries(tmp_path / "missing") == set()


def test_other_time_stamp_is_explained(repo: Path) -> None:
    """The release's own time, as the SOURCE_DATE_EPOCH that gives it; or, where it has
    none, that the build must have none either."""
    import datetime as dt

    kept = dt.datetime.fromtimestamp(int(EPOCH), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for given, fresh in (("1800000000", "2027-01-15T08:00:00Z"), (None, "absent")):
        report = check(repo / "seeds", repo / "dist", source_date_epoch=given, jobs=1)
        [said] = [p.message for p in report.problems if p.location == "/created"]
        assert said == (f"created is {kept} in dist/ and {fresh} in a fresh build: build "
                        f"with SOURCE_DATE_EPOCH={EPOCH}, which is {kept} (or with it unset "
                        f'and created = "{kept}" in corpus.toml)')


@pytest.mark.parametrize("change", ["document", "settings", "changelog"])
def test_seeds_changed_and_built_at_another_time_are_told_to_release(
        repo: Path, change: str) -> None:
    """Seeds changed since the release, checked with another SOURCE_DATE_EPOCH (a CI
    job's): the one piece of advice was the release time to build with, which leaves the
    change (datapackage.json "differs", nothing more), so that check failed again once
    followed (QA). The change is told, with the release that publishes it; the time alone
    only where nothing else differs (test_other_time_stamp_is_explained)."""
    seeds = repo / "seeds"
    if change == "document":
        (seeds / "nfd.txt").write_text("Changed\n\nNow it differs.\n")
    elif change == "settings":
        toml = seeds / "corpus.toml"
        toml.write_text(toml.read_text("utf-8") + '\n[normalize]\nskip = ["remove-bom"]\n',
                        "utf-8")
    else:
        (seeds / "CHANGELOG.md").write_text("# Changelog\n\nNotes written since.\n", "utf-8")
    report = check(seeds, repo / "dist", source_date_epoch="1800000000", jobs=1)
    release = repo / "dist/validate-sample-1.0.0"
    assert not [p for p in report.problems if p.location == "/created"], report.problems
    [advice] = [p.message for p in report.problems
                if p.path == str(release / "datapackage.json")]
    bump = "" if change == "document" else " patch"
    assert (f"the seeds changed since version 1.0.0 was released (to publish the change, "
            f"run 'corpuskit release{bump} --seeds {seeds} --out {repo / 'dist'}'") in advice


def test_missing_release_and_archive(repo: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.rmtree(repo / "dist/validate-sample-1.0.0")
    (repo / "dist/validate-sample-1.0.0.zip").unlink()
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    assert codes(report) == {"missing-file"} and len(report.problems) == 2
    monkeypatch.chdir(repo)
    code, out, _ = run(capsys, "check", "--format", "github")
    assert code == 1 and out.count("::error file=dist/validate-sample-1.0.0") == 2
    # and the summary, as for a current dist/ (QA: none when not current)
    assert out.splitlines()[0] == "::error title=corpuskit::dist: not current, 2 problems"


def test_github_annotations_of_check_name_files_from_the_repository_top(
        repo: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """check run in a corpus below the repository's top (working-directory:) named its
    files from there, which GitHub reads from the top: annotations on no file (QA
    ciauthor 2). With GITHUB_WORKSPACE set, they are named from the workspace."""
    (repo / "dist/validate-sample-1.0.0/README.md").write_text("edited\n")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(repo.parent))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.chdir(repo / "seeds")
    code, out, _ = run(capsys, "check", "-j", "1", "--format", "github", "--seeds", ".",
                       "--dist", "../dist")
    assert code == 1 and (f"::error file={repo.name}/dist/validate-sample-1.0.0/README.md,"
                          in out), out
    assert "file=../" not in out, out


def test_version_bump_without_release(repo: Path) -> None:
    toml = (repo / "seeds/corpus.toml").read_text().replace('"1.0.0"', '"1.1.0"')
    (repo / "seeds/corpus.toml").write_text(toml)
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    assert codes(report) == {"missing-file"}
    assert "1.1.0" in report.problems[0].message


def test_different_archive_is_stale(repo: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    seeds = write_seeds(other / "seeds")
    (seeds / "nfd.txt").write_text("Other\n\nOther text.\n")
    result = corpuskit.build(seeds, other / "dist", source_date_epoch=EPOCH, jobs=1)
    shutil.copyfile(result.archive, repo / "dist" / result.archive.name)
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    assert [p.path for p in report.problems] == [str(repo / "dist" / result.archive.name)]
    # The entries that differ are named, and what differs in each (QA: none was).
    top = result.release.name
    assert report.problems[0].message.startswith(
        f"its entries differ from a fresh build's archive: {top}/README.md (contents), "), \
        report.problems[0].message
    assert f"{top}/data/documents.jsonl (contents)" in report.problems[0].message


def test_archive_differences_name_each_member_and_what_differs(tmp_path: Path) -> None:
    from corpuskit.compare import NAMED_MEMBERS, archive_differences

    def zipped(path: Path, members: dict[str, tuple[bytes, tuple[int, ...], int]]) -> Path:
        with zipfile.ZipFile(path, "w") as archive:
            for name, (data, when, mode) in members.items():
                info = zipfile.ZipInfo(name, date_time=when)  # type: ignore[arg-type]
                info.external_attr = mode << 16
                archive.writestr(info, data)
        return path

    day, other_day = (2024, 1, 2, 0, 0, 0), (2024, 1, 3, 0, 0, 0)
    fresh = zipped(tmp_path / "fresh.zip", {"a": (b"1", day, 0o644), "b": (b"2", day, 0o644),
                                            "c": (b"3", day, 0o644)})
    kept = zipped(tmp_path / "kept.zip", {"a": (b"1", other_day, 0o600), "b": (b"22", day, 0o644),
                                          "d": (b"4", day, 0o644)})
    assert archive_differences(fresh, kept) == (
        "a (time stamp, permissions), b (contents), c (absent), d (only in this one)")
    assert archive_differences(fresh, fresh) == ""
    assert archive_differences(fresh, tmp_path / "missing.zip") == ""
    many = zipped(tmp_path / "many.zip", {f"m{n}": (b"x", day, 0o644) for n in range(8)})
    assert archive_differences(fresh, many).endswith(f" and {3 + 8 - NAMED_MEMBERS} more")


def test_an_archive_whose_data_is_damaged_under_a_new_seal_is_reported(repo: Path) -> None:
    """One byte of deflate data changed, the seal written again to match: the central
    directory still declares the fresh build's CRCs, so only inflating finds it."""
    [archive] = (repo / "dist").glob("*.zip")
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as opened:
        info = max(opened.infolist(), key=lambda i: i.compress_size)
    at = info.header_offset + 30 + len(info.filename.encode()) + info.compress_size // 2
    data[at] ^= 0xFF
    archive.write_bytes(sealed(bytes(data)))
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    assert not report.valid
    [problem] = report.problems
    assert (problem.path, problem.code) == (str(archive), "archive-error")
    assert f"validate refuses it: {info.filename.split('/', 1)[1]}: " in problem.message


def _forged(archive: Path, how: str) -> None:
    """The release's zip made otherwise than corpuskit writes it, its members' names, time
    stamps, permissions, CRCs and sizes kept, then sealed again, as a forger would."""
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as opened:
        members, start = opened.infolist(), opened.start_dir
    if how == "encrypted":  # the flag bit 0 of the first member, in both its headers
        data[members[0].header_offset + 6] |= 1
        data[start + 8] |= 1
    elif how == "prefixed":  # a self-extracting stub before it: offsets still hold
        data[:0] = b"MZ" + bytes(1000)
    else:  # 64 KB past the last member's deflate stream, counted in its compressed size
        last = members[-1]
        name, extra = struct.unpack("<HH", data[last.header_offset + 26:last.header_offset + 30])
        end = last.header_offset + 30 + name + extra + last.compress_size
        data[end:end] = bytes(1 << 16)
        struct.pack_into("<I", data, last.header_offset + 18, last.compress_size + (1 << 16))
        entry = start + (1 << 16)
        for _ in members[:-1]:
            entry += 46 + sum(struct.unpack("<HHH", data[entry + 28:entry + 34]))
        struct.pack_into("<I", data, entry + 20, last.compress_size + (1 << 16))
        end_record = data.rfind(b"PK\x05\x06")
        struct.pack_into("<I", data, end_record + 16, start + (1 << 16))
    archive.write_bytes(sealed(bytes(data)))


@pytest.mark.parametrize("how", ["encrypted", "prefixed", "stuffed"])
def test_an_archive_of_the_fresh_members_that_validate_refuses_is_not_current(
        repo: Path, how: str) -> None:
    """QA: sealed again, a zip of the fresh build's members with bytes past a member's
    deflate stream, or a stub before it, was "current, equal to a fresh build", and one
    with a member flagged encrypted stopped check with a traceback. Each is refused, with
    what validate says of it."""
    [archive] = (repo / "dist").glob("*.zip")
    _forged(archive, how)
    assert not validate(archive, jobs=1).valid
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    assert not report.valid
    [problem] = report.problems
    assert (problem.path, problem.code) == (str(archive), "archive-error"), problem
    # A member validate refuses (encrypted, stuffed) is not said to be a fresh build's.
    opening = ("its members are a fresh build's" if how == "prefixed" else
               "its central directory lists a fresh build's members")
    assert problem.message.startswith(opening), problem.message
    assert ", but validate refuses it: " in problem.message, problem.message


@pytest.mark.parametrize("damage", ["comment", "member"])
def test_a_damaged_zip_is_one_problem_of_one_code_that_names_no_archive_as_a_place(
        repo: Path, damage: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """QA check 5: a damaged release zip's line carried two codes ("... cannot be read:
    ... [archive-error]: restore it ... [archive-error]"), the archive itself named as
    a place in it ("validate refuses it: .: the archive ends 1 byte past ..."), and, of a
    member that cannot be inflated, "its members are a fresh build's". One code, the
    check's, the member named where it is the one refused, and only the directory's
    records of the members said to be a fresh build's then; so in every format."""
    [archive] = (repo / "dist").glob("*.zip")
    if damage == "comment":  # one byte more in the comment: the archive ends past its seal
        with zipfile.ZipFile(archive, "a") as opened:
            opened.comment += b" "
    else:  # a byte of the largest member's deflate data, not sealed again
        data = bytearray(archive.read_bytes())
        with zipfile.ZipFile(archive) as opened:
            info = max(opened.infolist(), key=lambda i: i.compress_size)
        data[info.header_offset + 30 + len(info.filename.encode()) + 200] ^= 1
        archive.write_bytes(bytes(data))
    monkeypatch.chdir(repo)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    report = check(Path("seeds"), Path("dist"), jobs=1)
    [problem] = [p for p in report.problems if p.code == "archive-error"]
    message = problem.message
    assert not re.search(r"\[[a-z-]+\]", message), message  # no code of its own
    assert ".:" not in message, message
    if damage == "comment":
        assert message.startswith("its members are a fresh build's, but validate refuses it: "
                                  "the archive ends 1 byte past "), message
    else:
        member = info.filename.split("/", 1)[1]
        assert "members are a fresh build's" not in message, message
        assert message.startswith("its central directory lists a fresh build's members"), \
            message
        assert f"validate refuses it: {member}: cannot be read: " in message, message
    assert "; restore the zip from a published copy" in message, message
    for form in ("text", "github"):
        code, out, _ = run(capsys, "check", "-j", "1", "--format", form)
        [line] = [line for line in out.splitlines() if "validate refuses it" in line]
        assert code == 1 and message in line.replace("%2C", ","), (form, line)
        assert len(re.findall(r"\[[a-z-]+\]|title=[a-z-]+", line)) == 1, (form, line)


def test_a_release_newer_than_the_seeds_is_reported(repo: Path) -> None:
    """dist/ holds a release newer than the seeds' version: the seeds are behind."""
    [release] = (path for path in (repo / "dist").iterdir() if path.is_dir())
    newer = release.with_name(release.name.replace("-1.0.0", "-1.2.0"))
    shutil.copytree(release, newer)
    descriptor = json.loads((newer / "datapackage.json").read_text("utf-8"))
    descriptor["version"] = "1.2.0"  # its descriptor names it (else: a renamed copy)
    (newer / "datapackage.json").write_text(json.dumps(descriptor), "utf-8")
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    assert [(p.path, p.code) for p in report.problems] == [(str(newer), "stale-release")]
    assert "newer than the seeds' version 1.0.0" in report.problems[0].message


def test_seeds_taken_back_behind_a_newer_release_are_told_both_ways_out(
        tmp_path: Path) -> None:
    """A release made, then its seeds' changes taken away (a 'git stash' leaves the new
    release in dist/, untracked): restored if by mistake, released as the next version
    if on purpose (QA: "restore them, or release again" said neither how)."""
    seeds, dist = tmp_path / "seeds", tmp_path / "dist"
    shutil.copytree(built().seeds, seeds)
    shutil.copytree(built().dist, dist, ignore=shutil.ignore_patterns(".corpuskit-*"))
    before = {path: path.read_bytes() for path in seeds.rglob("*") if path.is_file()}
    (seeds / "nfd.txt").write_text("A new title\n\nA new body.\n")
    released = corpuskit.release(seeds, dist, "major", source_date_epoch=EPOCH, jobs=1)
    for path in seeds.rglob("*"):  # the seeds as the stash left them
        if path.is_file() and path not in before:
            path.unlink()
    for path, data in before.items():
        path.write_bytes(data)
    report = check(seeds, dist, source_date_epoch=EPOCH, jobs=1)
    assert released.build is not None
    assert [(p.path, p.code) for p in report.problems] == [(str(released.build.release),
                                                            "stale-release")]
    assert report.problems[0].message == (
        f"{dist} holds version 2.0.0, newer than the seeds' version 1.0.0: the seeds are "
        "behind the latest release: restore those of 2.0.0 (where 'git stash' or a checkout "
        "took their changes away: 'git stash pop', or check out a commit that holds them), "
        "or, to undo its changes, release the seeds as they are as the next version "
        f"('corpuskit release --seeds {seeds} --out {dist}', which builds it beside 2.0.0; "
        "released versions are never rebuilt)")
    assert report.summary() == f"{dist}: not current, 1 problem: {report.advice}"
    assert report.problems[0].message.endswith(f": {report.advice}")
    assert report.advice.startswith("the seeds are behind the latest release: restore ")
    # and the way out on purpose ends the problem (the other, the seeds restored, is the
    # state the release left)
    undone = corpuskit.release(seeds, dist, source_date_epoch=EPOCH, jobs=1)
    assert undone.version == "3.0.0"
    assert not check(seeds, dist, source_date_epoch=EPOCH, jobs=1).problems


def test_unreproducible_build_is_reported(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_build = corpuskit.build

    def flaky_build(*args: object, **kwargs: object) -> corpuskit.BuildResult:
        result = real_build(*args, **kwargs)  # type: ignore[arg-type]
        with (result.release / "CHANGELOG.md").open("a") as handle:
            handle.write("a clock or a random number slipped in\n")
        return result

    monkeypatch.setattr("corpuskit.check.build", flaky_build)
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    assert [Path(p.path).name for p in report.problems] == ["CHANGELOG.md"]


def test_bad_seeds_are_reported_with_their_paths(repo: Path,
                                                 capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / "seeds/empty.txt").write_bytes(b"")
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    assert [(p.path, p.code) for p in report.problems] == [
        (str(repo / "seeds/empty.txt"), "empty-document")]
    (repo / "seeds/corpus.toml").write_text("name = 'x'\n")
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    # The keys missing are package metadata: the documents are checked too.
    assert codes(report) == {"config-error", "empty-document"}
    monkeypatch.chdir(repo)
    code, out, _ = run(capsys, "check", "--json")
    data = json.loads(out)
    assert code == 1 and data["command"] == "check" and data["valid"] is False
    assert data == check(Path("seeds"), Path("dist")).as_dict()
    # The seeds are at fault, not dist/: said so (it was "dist is not current").
    count = len(data["problems"])
    code, out, err = run(capsys, "check")
    assert code == 1 and count > 1
    assert out.splitlines()[-1] == (f"dist: not compared, the seeds cannot be built "
                                    f"({count} problems)")
    assert err.splitlines()[-1] == (f"corpuskit: error: seeds cannot be built ({count} "
                                    "problems); dist was not compared")
    assert "not current" not in out + err


def test_why_nothing_was_compared_is_a_value_of_the_report_and_in_its_json(
        repo: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The verdict was told in the CLI from the words of the report's not_compared
    (startswith "--dist", endswith "cannot be read by this user", ...), so rewording one
    changed it, and neither --json nor a library caller got it (QA s83 review 3). The
    report says why nothing was compared as a value, its summary and verdict follow from
    it and the problems' codes, and its JSON holds the reason and the summary."""
    seeds, dist = repo / "seeds", repo / "dist"
    schema = load_schema("report.schema.json")
    current = check(seeds, dist, source_date_epoch=EPOCH, jobs=1)
    (repo / "notes.txt").write_text("notes\n")
    unusable = check(seeds, repo / "notes.txt", source_date_epoch=EPOCH, jobs=1)
    (seeds / "corpus.toml").write_text("name = 'x'\n")
    unbuildable = check(seeds, dist, source_date_epoch=EPOCH, jobs=1)
    assert [(report.compared, report.not_compared_reason)
            for report in (current, unusable, unbuildable)] == [
        (True, None), (False, "dist-unusable"), (False, "seeds-unbuildable")]
    for report in (current, unusable, unbuildable):
        data = report.as_dict()
        jsonschema.validate(data, schema)
        assert data["summary"] == report.summary()
        assert data["not_compared_reason"] == report.not_compared_reason
    assert current.verdict() == current.summary()
    assert unusable.verdict() == f"--dist {repo / 'notes.txt'} is no folder of releases; " \
        "nothing was compared"
    count = len(unbuildable.problems)
    assert unbuildable.verdict() == f"{seeds} cannot be built ({count} problems); {dist} " \
        "was not compared"
    monkeypatch.chdir(repo)
    code, out, err = run(capsys, "check", "--json")
    assert code == 1 and err.splitlines()[-1] == (
        f"corpuskit: error: seeds cannot be built ({count} problems); dist was not compared")
    data = json.loads(out)
    assert data["not_compared_reason"] == "seeds-unbuildable"
    assert data["summary"] == f"dist: not compared, the seeds cannot be built ({count} problems)"


def test_a_report_that_compared_gives_no_reason_it_did_not(repo: Path) -> None:
    """validate's reports (of a folder, a zip, seeds) showed ``compared=True,
    not_compared='the seeds cannot be built'``, a check's default, in their repr and
    attributes (QA s83 consumer 4): they carry neither, and a check that compared says
    no reason it did not."""
    release = built().release
    for target in (release, release.parent / f"{release.name}.zip", repo / "seeds"):
        report = corpuskit.validate(target, jobs=1)
        assert not hasattr(report, "not_compared"), (target, report)
        assert "compared=" not in repr(report), (target, report)
    current = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    assert (current.valid, current.compared, current.not_compared) == (True, True, "")

def test_check_counts_the_files_and_bytes_of_the_release(repo: Path) -> None:
    """check --json said "bytes": 0 for every release."""
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    release = next(p for p in (repo / "dist").iterdir() if p.is_dir())
    files = [p for p in release.rglob("*") if p.is_file()]
    assert report.valid and report.compared
    assert (report.files, report.bytes) == (len(files), sum(p.stat().st_size for p in files))
    assert report.counts == corpuskit.validate(release).counts


@pytest.mark.parametrize("kind", ["empty", "no-descriptor", "renamed"])
def test_a_damaged_or_renamed_release_folder_fails_check_and_validate(
        kind: str, repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder named as a newer release of the corpus that is none (empty, its
    datapackage.json lost, or a copy of 1.0.0 renamed): check said "current" and validate
    dist passed over it or called it valid, while release refused it (or, for the renamed
    copy, took it for the latest release and proposed 9.10.0). Now check names it, as
    release does, and validate dist checks it."""
    dist = repo / "dist"
    config = corpuskit.config.load_config(repo / "seeds")
    stray = dist / f"{config.name}-9.9.9"
    if kind == "empty":
        stray.mkdir()
    else:
        shutil.copytree(dist / config.release_name, stray)
        if kind == "no-descriptor":
            (stray / "datapackage.json").unlink()
    report = check(repo / "seeds", dist, source_date_epoch=EPOCH, jobs=1)
    assert [(p.path, p.code) for p in report.problems] == [(str(stray), "not-a-package")]
    from corpuskit.dist import latest_release, survey_releases

    assert [item.path for item in survey_releases(dist, config.name).damaged] == [stray]
    assert latest_release(dist, config.name) == (
        corpuskit.semver.Version.parse(config.version), dist / config.release_name)
    if kind != "renamed":  # a renamed copy is a valid package under any folder name
        code, out, _ = run(capsys, "validate", str(dist))
        assert code == 1 and f"{stray}: " in out and "valid" not in out.split(f"{stray}: ")[1]
        if kind == "empty":
            assert "[not-a-package]" in out


@pytest.mark.parametrize("kind", ["the release's zip", "a text file", "missing",
                                  "a dangling link", "the release folder", "a pipe",
                                  "the seeds folder"])
def test_a_dist_that_is_no_folder_of_releases_is_named_with_what_to_pass(
        kind: str, repo: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """--dist given a file (the release's zip) said the release was not in it and to run
    a build, which would fail on the file; a missing folder or a dangling link was told
    the same. Each is now named for what it is, with the folder to pass; nothing is
    built or compared."""
    import os

    monkeypatch.chdir(repo)
    [archive] = Path("dist").glob("*.zip")
    name = archive.name.removesuffix(".zip")
    holds = f"pass the folder that holds {name}/ and {name}.zip"
    dist, says, why = {
        "the release's zip": (str(archive), f"--dist is a file, not a folder of releases: "
                                            f"{holds} (this one is in dist: --dist dist) "
                                            "[not-a-package]", "is no folder of releases"),
        "a text file": ("notes.txt", f"--dist is a file, not a folder of releases: {holds} "
                                     "(by default dist) [not-a-package]",
                        "is no folder of releases"),
        "missing": ("releases", f"--dist releases does not exist: run 'corpuskit build --out "
                                f"releases' to make the release there, or {holds} "
                                "[missing-file]", "does not exist"),
        "a dangling link": ("link", "--dist is a symbolic link to 'gone', which does not "
                                    "exist; point it at the folder of releases, or "
                                    f"{holds} [missing-file]", "is no folder of releases"),
        "the release folder": (f"dist/{name}", "--dist is a release folder, not the folder "
                                               f"of releases: {holds} (this one is in dist: "
                                               "--dist dist) [not-a-package]",
                               "is no folder of releases"),
        "a pipe": ("pipe", f"--dist is not a folder (a device, socket or pipe): {holds} "
                           "[not-a-package]", "is no folder of releases"),
        # the two options swapped: it said to build into the seeds, which build refuses
        "the seeds folder": ("seeds", "--dist is a seeds folder (it holds corpus.toml), not "
                                      "the folder of releases: give the seeds with --seeds "
                                      f"and {holds} with --dist (by default dist) "
                                      "[not-a-package]", "is no folder of releases"),
    }[kind]
    if kind == "a text file":
        Path("notes.txt").write_text("notes\n")
    elif kind == "a dangling link":
        Path("link").symlink_to("gone")
    elif kind == "a pipe":
        os.mkfifo("pipe")
    code, out, err = run(capsys, "check", "--dist", dist, "--jobs", "1")
    assert code == 1
    assert out.splitlines() == [f"{dist}: {says}",
                                f"{dist}: not compared, --dist {dist} {why} (1 problem)"]
    assert err.splitlines()[-1] == f"corpuskit: error: --dist {dist} {why}; nothing was compared"
    assert "run 'corpuskit build' or" not in out + err


def test_a_dist_that_cannot_be_listed_is_named(repo: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder this user may not list (as root every folder can be: the listing is made
    to fail) is said so, not taken for a folder without the release; nor called no folder
    of releases in the summary (QA): what it is cannot be told, only that it cannot be
    read, and what permission to grant (it is this user's: the chmod)."""
    import os

    real = os.scandir

    def refused(path: object) -> object:
        if Path(str(path)) == repo / "dist":
            raise PermissionError(13, "Permission denied")
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", refused)
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    assert not report.compared
    assert [(p.path, p.code, p.message) for p in report.problems] == [
        (str(repo / "dist"), "unreadable-file", "--dist cannot be read: this user may not "
         "list it (Permission denied); make it readable and enterable for this user (chmod "
         f"u+rx {repo / 'dist'}), or pass the folder that holds validate-sample-1.0.0/ and "
         "validate-sample-1.0.0.zip")]
    assert report.summary() == (f"{repo / 'dist'}: not compared, --dist {repo / 'dist'} "
                                "cannot be read by this user (1 problem)")


def test_a_settings_only_change_is_said_to_need_release_patch(repo: Path) -> None:
    """A change of settings alone made check say "run 'corpuskit release'", which refuses
    it ("nothing to release"): 'release patch' releases it (QA)."""
    toml = repo / "seeds/corpus.toml"
    toml.write_text(toml.read_text("utf-8") + '\n[normalize]\nskip = ["remove-bom"]\n',
                    "utf-8")
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    release = repo / "dist/validate-sample-1.0.0"
    [advice] = [p.message for p in report.problems if p.path == str(release / "datapackage.json")]
    assert ("to publish the change, run 'corpuskit release patch --seeds "
            f"{repo / 'seeds'} --out {repo / 'dist'}', which builds") in advice


@pytest.mark.parametrize("change", ["appended", "created"])
def test_a_change_of_the_seeds_changelog_is_the_seeds_not_the_release(
        repo: Path, change: str) -> None:
    """A line added to seeds/CHANGELOG.md was said to be an edit of the release (its
    datapackage.json is as fresh), with the advice to restore it from its zip (which holds
    the same file) or to remove the folder and build (which build refuses): the user was
    left with a zip alone (QA). It is the seeds' change, released by 'release patch'; doing
    so makes dist/ current."""
    changelog = repo / "seeds/CHANGELOG.md"
    assert not changelog.exists()
    if change == "appended":  # released with a changelog of its own, then changed
        changelog.write_text("# Changelog\n\n## 1.0.0\n\n- First release.\n", "utf-8")
        shutil.rmtree(repo / "dist")
        build(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
        assert check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1).valid
        changelog.write_text(changelog.read_text("utf-8") + "- A typo fixed.\n", "utf-8")
    else:  # released without one, then written
        changelog.write_text("# Changelog\n\nNotes written after the release.\n", "utf-8")
    release = repo / "dist/validate-sample-1.0.0"
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    said = {Path(p.path).name: p.message for p in report.problems}
    assert set(said) == {"CHANGELOG.md", "tagmanifest-sha256.txt", f"{release.name}.zip"}, said
    assert not any("changed after it was built" in message for message in said.values()), said
    assert said["CHANGELOG.md"] == (
        f"differs from what a fresh build of {repo / 'seeds'} makes: "
        f"{changelog} changed since version 1.0.0 was released (to publish the change, run "
        f"'corpuskit release patch --seeds {repo / 'seeds'} --out {repo / 'dist'}', which "
        "builds the next version beside this one; released versions are never rebuilt), or "
        "restore it as released (git checkout)")
    assert said["tagmanifest-sha256.txt"].endswith("(its line for CHANGELOG.md)")
    corpuskit.release(repo / "seeds", repo / "dist", "patch", source_date_epoch=EPOCH, jobs=1)
    assert check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1).valid


def test_a_release_changelog_edited_and_resigned_beside_a_sound_zip_is_the_release_edit(
        repo: Path) -> None:
    """The release folder's CHANGELOG.md edited and its tag manifest re-signed, the seeds
    and the zip as released: check blamed seeds/CHANGELOG.md and advised 'release patch',
    which would publish a needless version (QA forge3 3). The zip beside it is a fresh
    build's and holds the seeds' CHANGELOG.md: the folder changed, to be restored from
    the zip, as check says of the edit unsigned."""
    changelog = repo / "seeds/CHANGELOG.md"
    changelog.write_text("# Changelog\n\n## 1.0.0\n\n- First release.\n", "utf-8")
    shutil.rmtree(repo / "dist")
    build(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    release = repo / "dist/validate-sample-1.0.0"
    edited = release / "CHANGELOG.md"
    edited.write_text("# Changelog\n\n## 1.0.0\n\n- First release, 3 documents.\n", "utf-8")
    unsigned = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    rewrite_tagmanifest(release)
    assert validate(release).valid
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    said = {Path(p.path).name: p for p in report.problems}
    assert set(said) == {"CHANGELOG.md", "tagmanifest-sha256.txt"}, said
    assert {p.code for p in said.values()} == {"stale-release"}
    restore = ("the release changed after it was built: restore it from the release's zip "
               "or from version control (git checkout)")
    for problem in said.values():
        assert restore in problem.message, problem
        assert "release patch" not in problem.message and "seeds/CHANGELOG.md" not in \
            problem.message, problem
    [before] = [p.message for p in unsigned.problems if p.path == str(edited)]
    assert said["CHANGELOG.md"].message == before  # as said of the edit unsigned


@pytest.mark.parametrize("gone", ["missing", "empty"])
def test_a_seeds_changelog_deleted_is_said_missing_and_to_be_restored_first(
        repo: Path, gone: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """seeds/CHANGELOG.md deleted since the release: check said it "changed since version
    1.0.0 was released", with 'release patch' first and "restore it as released (git
    checkout)" after (QA check 6). It is said to be missing (or empty), with the command
    that restores it first; restored, the release is current."""
    changelog = repo / "seeds/CHANGELOG.md"
    text = "# Changelog\n\n## 1.0.0\n\n- First release.\n"
    changelog.write_text(text, "utf-8")
    shutil.rmtree(repo / "dist")
    build(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    if gone == "missing":
        changelog.unlink()
    else:
        changelog.write_text("\n  \n", "utf-8")
    monkeypatch.chdir(repo)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    report = check(Path("seeds"), Path("dist"), jobs=1)
    said = {Path(p.path).name: p for p in report.problems}
    assert set(said) == {"CHANGELOG.md", "tagmanifest-sha256.txt", "validate-sample-1.0.0.zip"}
    how = "deleted" if gone == "missing" else "emptied (white space alone)"
    assert said["CHANGELOG.md"].message == (
        f"differs from what a fresh build of seeds makes: seeds/CHANGELOG.md is {gone}: it "
        f"was {how} after version 1.0.0 was released; restore it (git checkout -- "
        "seeds/CHANGELOG.md), and the release is current again ('corpuskit release patch' "
        "would only publish a next version in which nothing else changed)")
    assert "changed since" not in said["CHANGELOG.md"].message
    code, out, _ = run(capsys, "check", "-j", "1", "--format", "github")
    assert code == 1 and "seeds/CHANGELOG.md is " + gone in out, out
    changelog.write_text(text, "utf-8")  # as 'git checkout' puts it back
    assert check(Path("seeds"), Path("dist"), jobs=1).valid


def test_an_edited_changelog_in_the_release_is_still_an_edit(repo: Path) -> None:
    """The release's own CHANGELOG.md edited (the seeds' as released) disagrees with its
    tag manifest: that is still an edit of the release, restored from its zip."""
    edited = repo / "dist/validate-sample-1.0.0/CHANGELOG.md"
    edited.write_text(edited.read_text("utf-8") + "- edited in dist\n", "utf-8")
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    said = {Path(p.path).name: p.message for p in report.problems}
    assert "the release changed after it was built" in said["CHANGELOG.md"], said
    assert "release patch" not in said["CHANGELOG.md"]


def test_a_zip_of_another_package_gets_advice_that_works(
        repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """validate said to "rebuild it with 'corpuskit build'", which refuses to replace a
    release's zip (QA). Its advice, followed to the letter, gives a valid release; and a
    damaged package's summary says what to do."""
    other = tmp_path / "other"
    shutil.copytree(repo / "seeds", other)
    toml = other / "corpus.toml"
    toml.write_text(toml.read_text().replace('description = "', 'description = "Other: '))
    assert 'description = "Other: ' in toml.read_text()
    build(other, tmp_path / "other-dist", source_date_epoch=EPOCH, jobs=1)
    release = repo / "dist/validate-sample-1.0.0"
    shutil.copy(tmp_path / "other-dist/validate-sample-1.0.0.zip", f"{release}.zip")
    code, out, _ = run(capsys, "validate", str(repo / "dist"))
    assert code == 1 and "remove both and run 'corpuskit build'" in out, out
    # The zip is sound alone: the pair's advice, not the summary's "not as it was built"
    # (QA: removing the zip as that said left a release build refused to finish).
    assert "[metadata-mismatch]" in out and "not as it was built" not in out, out
    shutil.rmtree(release)
    Path(f"{release}.zip").unlink()
    build(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    code, out, _ = run(capsys, "validate", str(repo / "dist"))
    assert code == 0, out


def test_a_package_changed_since_its_build_is_told_what_to_do(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """validate named the problems of an edited package, not what to do (QA); following
    the summary's advice for a build of one's own gives a valid release."""
    release = repo / "dist/validate-sample-1.0.0"
    raw = next((release / "data/raw").rglob("*.txt"))
    raw.write_bytes(raw.read_bytes() + b"edited\n")
    code, out, _ = run(capsys, "validate", str(release))
    assert code == 1 and out.splitlines()[-1].endswith(
        "; it is not as it was built: get it again from where it was published, or restore "
        "it from version control (a build of your own of the seeds' version that was never "
        "published: remove it and run 'corpuskit build')"), out
    shutil.rmtree(release)
    build(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    assert run(capsys, "validate", str(release))[0] == 0


def test_a_release_edited_by_hand_is_told_apart_from_changed_seeds(repo: Path) -> None:
    """An edited datapackage.json was taken for changed seeds, and check said to run
    release, which refused; a file added or removed got no advice (QA). The release
    disagrees with its own manifests: each file is told to be restored or removed, and
    doing so makes dist/ current."""
    release = repo / "dist/validate-sample-1.0.0"
    descriptor = release / "datapackage.json"
    descriptor.write_text(descriptor.read_text().replace('"description": "',
                                                         '"description": "Edited: ', 1))
    (release / "data/extra.txt").write_text("added by hand\n")
    removed = next((release / "data/raw").rglob("*.txt"))
    removed.unlink()
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    said = {Path(p.path).name: p.message for p in report.problems}
    assert "the release changed after it was built" in said["datapackage.json"], said
    assert "corpuskit release" not in said["datapackage.json"]
    assert said["extra.txt"].endswith("it was added after the release was built: remove it")
    assert "the release changed after it was built" in said[removed.name]
    shutil.rmtree(release)
    build(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    assert check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1).valid


def test_an_edited_release_and_changed_seeds_are_each_told(repo: Path) -> None:
    """A release edited in one file, with a document added to the seeds as well: every
    differing file was said to be the release's edit, and its rebuild advised, which
    build refuses (QA). The edited file is told to be restored, the files the seeds
    changed are told as stale, and no rebuild of the release is advised."""
    release = repo / "dist/validate-sample-1.0.0"
    documents = release / "data/documents.jsonl"
    data = documents.read_bytes()
    at = data.index(b'"text":"') + len(b'"text":"')
    documents.write_bytes(data[:at] + data[at:at + 1].swapcase() + data[at + 1:])
    (repo / "seeds/added.txt").write_text("Added\n\nA new document.\n")
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    said = {p.path.removeprefix(f"{release}/"): p.message for p in report.problems}
    assert "the release changed after it was built" in said["data/documents.jsonl"], said
    assert "the seeds changed since version 1.0.0 was released as well" \
        in said["data/documents.jsonl"]
    assert not any("run 'corpuskit build" in message for message in said.values()), said
    assert said["data/raw/added.txt"] == \
        f"missing: a fresh build of {repo / 'seeds'} makes this file"
    assert "changed after it was built" not in said["manifest-sha256.txt"]
    assert "corpuskit release" in said["datapackage.json"]


def test_a_raw_file_edited_beside_changed_seeds_blames_it_alone(repo: Path) -> None:
    """A raw file of the release edited (a line added), a document added to the seeds as
    well: bag-info.txt was told to be restored too, its Payload-Oxum no longer the
    payload's size, though its bytes are what the tag manifest records (QA). Only the
    file whose bytes its manifests no longer match is told to be restored."""
    release = repo / "dist/validate-sample-1.0.0"
    raw = sorted((release / "data/raw").iterdir())[0]
    raw.write_bytes(raw.read_bytes() + b"A line added by hand.\n")
    (repo / "seeds/added.txt").write_text("Added\n\nA new document.\n")
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    said = {p.path.removeprefix(f"{release}/"): p.message for p in report.problems}
    restore = "the release changed after it was built"
    assert [rel for rel, message in said.items() if restore in message] == \
        [raw.relative_to(release).as_posix()], said
    assert said["bag-info.txt"] == \
        f"differs from what a fresh build of {repo / 'seeds'} makes"


def test_a_sound_zip_is_not_called_to_be_deleted_beside_an_edited_folder(
        repo: Path) -> None:
    """With the seeds changed and the release folder edited, check told the user to
    delete the untouched zip, the one copy to restore the folder from (QA)."""
    (repo / "seeds/nfd.txt").write_text("Changed\n\nNow it differs.\n")
    readme = repo / "dist/validate-sample-1.0.0/README.md"
    readme.write_text(readme.read_text() + "edited\n")
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    [zip_problem] = [p for p in report.problems if p.path.endswith(".zip")]
    assert "delete it" not in zip_problem.message


def test_a_damaged_zip_beside_changed_seeds_is_told_to_be_restored(repo: Path) -> None:
    """A byte of the release's zip changed and a document added to the seeds: check said
    to delete the zip and run build, which then refuses (the release would be unfinished
    with changed seeds: QA). It is told to be restored from a published copy."""
    archive = repo / "dist/validate-sample-1.0.0.zip"
    data = bytearray(archive.read_bytes())
    data[300] ^= 1
    archive.write_bytes(bytes(data))
    (repo / "seeds/added.txt").write_text("Added\n\nA new document.\n")
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    [sealed] = [p for p in report.problems if p.code == "archive-seal-mismatch"]
    assert sealed.message.endswith(
        "a fresh build's archive is sealed: restore it from a published copy (the seeds "
        "changed since version 1.0.0, so a build no longer writes it)"), sealed.message
    assert not any("delete it" in p.message for p in report.problems if p.path == str(archive))


def test_unbuildable_seeds_and_a_dist_without_their_release(
        repo: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Seeds that cannot be built, and a --dist without their release (another corpus's,
    or none): the missing release was to be made by 'corpuskit build', which refuses the
    seeds (QA). It is made once the seeds' problems are mended."""
    (repo / "seeds/empty.txt").write_bytes(b"")
    other = repo / "other"
    other.mkdir()
    monkeypatch.chdir(repo)
    code, out, _ = run(capsys, "check", "--dist", "other")
    assert code == 1
    missing = [line for line in out.splitlines() if "[missing-file]" in line]
    assert len(missing) == 2
    for line in missing:
        assert "once the problems of seeds are mended" in line, line
    assert "seeds/empty.txt" in out
    assert "not compared, the seeds cannot be built" in out.splitlines()[-1]
    code, _, _ = run(capsys, "build", "--out", "other")
    assert code == 1 and not list(other.iterdir())  # the advice without mending fails


@pytest.mark.parametrize("where", ["", "data/raw/a/b"])
def test_an_empty_folder_in_a_release_with_the_seeds_changed_since(repo: Path,
                                                                   where: str) -> None:
    """An empty folder added to the release, a document added to the seeds: every file
    of the release was said to be changed after its build, to be put back by a build,
    which refuses the seeds (QA). The folder is to be removed; the seeds' change released."""
    release = repo / "dist/validate-sample-1.0.0"
    (release / where / "notes").mkdir(parents=True)
    (repo / "seeds/added.txt").write_text("A document added after the release.\n")
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    messages = {Path(p.path).relative_to(release).as_posix(): p.message
                for p in report.problems if Path(p.path).is_relative_to(release)}
    empty = Path(where, "notes").as_posix() if where != "data/raw/a/b" else "data/raw/a"
    assert "makes no empty folder; remove it" in messages.pop(empty)
    assert messages and not any("changed after it was built" in m for m in messages.values())
    assert "run 'corpuskit release" in messages["datapackage.json"]
    assert messages["data/raw/added.txt"] == (
        f"missing: a fresh build of {repo / 'seeds'} makes this file")


def test_a_dist_inside_the_seeds_is_named_not_built_into(
        repo: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """check --dist seeds/out advised 'corpuskit build --out seeds/out', which build
    refuses as a usage error (QA): the folder is named as inside the seeds."""
    monkeypatch.chdir(repo)
    code, out, err = run(capsys, "check", "--dist", "seeds/out", "--jobs", "1")
    assert code == 1
    assert out.splitlines()[0].startswith(
        "seeds/out: --dist seeds/out is inside the seeds folder seeds, where no build "
        "writes"), out
    assert "corpuskit build" not in out + err and not Path("seeds/out").exists()


def test_a_corpus_renamed_since_its_releases_is_told_so(repo: Path) -> None:
    """The seeds' name changed after their releases: check called the new name's release
    one an interrupted release left, and told to run release to finish it (QA)."""
    toml = repo / "seeds" / "corpus.toml"
    toml.write_text(toml.read_text("utf-8").replace('name = "validate-sample"',
                                                    'name = "renamed-sample"'), "utf-8")
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    said = {Path(p.path).name: p.message for p in report.problems}
    assert said["renamed-sample-1.0.0"] == (
        f"the release of {repo / 'seeds'} (version 1.0.0) is not in {repo / 'dist'}, which "
        "holds releases of validate-sample and none of renamed-sample: if the corpus was "
        "renamed, set its old name back in corpus.toml to carry on that history; else "
        f"'corpuskit release --seeds {repo / 'seeds'} --out {repo / 'dist'}' makes the "
        "first release of renamed-sample")
    assert said["renamed-sample-1.0.0.zip"].endswith("(see its folder)")


def test_a_renamed_corpus_still_recording_the_old_release_time_is_told_how_to_start_its_own(
        repo: Path) -> None:
    """Seeds renamed that keep the old name's release time: 'release' refuses them, so
    check, which sent the user there, says what to do first."""
    toml = repo / "seeds" / "corpus.toml"
    created = json.loads((repo / "dist" / "validate-sample-1.0.0" / "datapackage.json")
                         .read_text("utf-8"))["created"]
    text = toml.read_text("utf-8").replace('name = "validate-sample"', 'name = "renamed-sample"')
    toml.write_text(text + f'created = "{created}"\n', "utf-8")
    report = check(repo / "seeds", repo / "dist", source_date_epoch=EPOCH, jobs=1)
    said = {Path(p.path).name: p.message for p in report.problems}
    assert said["renamed-sample-1.0.0"].endswith(
        "set its old name back in corpus.toml to carry on that history; else remove the "
        "created line from corpus.toml (it is validate-sample-1.0.0's release time) and move "
        f"CHANGELOG.md out of {repo / 'seeds'}, then 'corpuskit release --seeds "
        f"{repo / 'seeds'} --out {repo / 'dist'}' makes the first release of renamed-sample")


def _git(work: Path, *args: str) -> None:
    """``git ARGS`` in ``work``, with no user's configuration."""
    import os
    import subprocess

    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", "-C", str(work), *args], capture_output=True, check=True, env=env)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_under_pre_commit_a_release_git_does_not_track_is_named(
        repo: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """pre-commit stashes the unstaged changes of tracked files only: a release left
    untracked in dist/ passed the corpuskit-check hook, and a clean clone of the commit
    failed check (QA check 1)."""
    monkeypatch.setenv("PRE_COMMIT", "1")
    dist = repo / "dist"
    release = built().release.name
    assert check(repo / "seeds", dist, source_date_epoch=EPOCH, jobs=1).valid  # no Git
    (repo / ".gitignore").write_text("dist/.corpuskit-*\n")
    (dist / ".corpuskit-lock").touch()  # ignored, as the README says to
    (repo / "seeds" / ".notes").write_text("hidden: never built\n")
    _git(repo, "init", "-q")
    _git(repo, "add", "seeds", ".gitignore")
    _git(repo, "reset", "-q", "--", "seeds/.notes")  # untracked, and skipped by a build
    _git(repo, "commit", "-q", "-m", "seeds alone: dist/ forgotten")
    report = check(repo / "seeds", dist, source_date_epoch=EPOCH, jobs=1)
    assert [(p.path, p.code) for p in report.problems] == [(str(dist), "untracked-file")]
    _git(repo, "add", "dist")
    _git(repo, "commit", "-q", "-m", "dist")
    assert check(repo / "seeds", dist, source_date_epoch=EPOCH, jobs=1).valid
    _git(repo, "rm", "-q", "-r", "--cached", f"dist/{release}")  # its zip still tracked
    report = check(repo / "seeds", dist, source_date_epoch=EPOCH, jobs=1)
    assert [(p.path, p.code) for p in report.problems] == [
        (str(dist / release), "untracked-file")]
    assert "commits, and so clean clones, leave it out" in report.problems[0].message
    assert "git add it" in report.problems[0].message
    assert "current in the work tree" in report.summary()
    jsonschema.validate(report.as_dict(), load_schema("report.schema.json"))
    monkeypatch.chdir(repo)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    code, out, err = run(capsys, "check", "-j", "1")
    assert code == 1 and f"dist/{release}: not tracked by Git" in out
    assert "commits, and so clean clones, leave out what Git does not track" in err
    monkeypatch.delenv("PRE_COMMIT")  # outside pre-commit: the work tree, as before
    assert run(capsys, "check", "-j", "1")[0] == 0


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_under_pre_commit_seeds_files_git_does_not_track_are_named_if_built(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An untracked draft among the seeds made a commit that did not hold it fail the
    hook, saying only that dist/ lacked it (QA check 1): it is named as untracked. Files a
    build passes over (excluded, hidden) are not, nor is corpuskit's lock in dist/, but
    where the .gitignore does not name it, it is, with the line to add."""
    seeds = write_seeds(tmp_path / "seeds", {"news/a.txt": b"A\n\nAn item.\n"},
                        discover={"exclude": ["drafts/*", "*.md"]})
    build(seeds, tmp_path / "dist", source_date_epoch=EPOCH, jobs=1)
    (tmp_path / "dist" / ".corpuskit-lock").unlink(missing_ok=True)  # the build's
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "r")
    for rel in ("drafts/x.txt", "notes/todo.md", ".hidden/y.txt", "news/.z.txt"):
        (seeds / rel).parent.mkdir(parents=True, exist_ok=True)
        (seeds / rel).write_text("Skipped\n\nNever built.\n")
    monkeypatch.setenv("PRE_COMMIT", "1")
    assert check(seeds, tmp_path / "dist", source_date_epoch=EPOCH, jobs=1).valid
    (seeds / "news" / "draft.txt").write_text("Draft\n\nNot meant for this commit.\n")
    (seeds / "notes" / "n.txt").write_text("Note\n\nBuilt: not excluded.\n")
    report = check(seeds, tmp_path / "dist", source_date_epoch=EPOCH, jobs=1)
    untracked = [(p.path, p.code) for p in report.problems if p.code == "untracked-file"]
    assert untracked == [(str(seeds / "news" / "draft.txt"), "untracked-file"),
                         (str(seeds / "notes"), "untracked-file")]
    # The summary says what the one stale-release problem says, not to release them, which
    # would publish files the commit leaves out (QA s101: "run 'corpuskit release'").
    assert report.advice == (
        f"the seeds hold files Git does not track, which the fresh build read: git add "
        f"{seeds / 'news' / 'draft.txt'} {seeds / 'notes'}, or move them out of {seeds}, then "
        "check again (a release made now would hold them, though commits leave them out)")
    assert report.summary().endswith(report.advice) and "release" not in \
        report.summary().split(": ", 1)[1].replace("a release made now", ""), report.summary()
    (seeds / "news" / "draft.txt").unlink()
    shutil.rmtree(seeds / "notes")
    (tmp_path / "dist" / ".corpuskit-lock").touch()  # no .gitignore here
    report = check(seeds, tmp_path / "dist", source_date_epoch=EPOCH, jobs=1)
    [lock] = report.problems
    assert lock.path == str(tmp_path / "dist" / ".corpuskit-lock")
    assert lock.code == "untracked-file" and "should hold dist/.corpuskit-*" in lock.message


def _committed_seeds(tmp_path: Path) -> Path:
    """Seeds with their release in dist/, both committed in a Git work tree at ``tmp_path``."""
    seeds = write_seeds(tmp_path / "seeds", {"news/a.txt": b"A\n\nAn item.\n"})
    build(seeds, tmp_path / "dist", source_date_epoch=EPOCH, jobs=1)
    (tmp_path / "dist" / ".corpuskit-lock").unlink(missing_ok=True)  # the build's
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "r")
    return seeds


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_under_pre_commit_an_untracked_seeds_folder_a_thousand_deep_is_named(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An untracked folder of the seeds nested 990 deep, a text at the bottom: check under
    pre-commit walked it with os.walk, which recurses, to see whether a build reads it,
    and failed with a RecursionError (QA s83 review finding 6). It is named as untracked,
    beside the build's problem with it (its path is too long from 513 folders down)."""
    seeds = _committed_seeds(tmp_path)
    monkeypatch.setenv("PRE_COMMIT", "1")
    with nested(seeds, b"Bottom\n\nThe deepest text.\n"):
        report = check(seeds, tmp_path / "dist", source_date_epoch=EPOCH, jobs=1)
    too_long = seeds.joinpath(*["d"] * 513)
    assert sorted((p.path, p.code) for p in report.problems) == [
        (str(seeds / "d"), "untracked-file"), (str(too_long), "unsafe-path")]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_under_pre_commit_an_untracked_folder_holding_a_link_to_a_folder_is_named(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An untracked folder of the seeds holding only a symbolic link to another of its
    folders: a build refuses the link, so the work tree fails where a clean clone of the
    commit passes, but check's own walk (os.walk, which lists such a link among the
    folders, not the files, and does not follow it) found nothing in it a build reads and
    did not name it. Found when its walk became the build's (QA s83 review finding 6)."""
    seeds = _committed_seeds(tmp_path)
    (seeds / "extra").mkdir()
    (seeds / "extra" / "news").symlink_to("../news", target_is_directory=True)
    monkeypatch.setenv("PRE_COMMIT", "1")
    report = check(seeds, tmp_path / "dist", source_date_epoch=EPOCH, jobs=1)
    assert sorted((p.path, p.code) for p in report.problems) == [
        (str(seeds / "extra"), "untracked-file"),
        (str(seeds / "extra" / "news"), "unsafe-path")]


def test_a_content_hash_in_corpus_toml_that_is_not_the_releases_is_named(
        repo: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A content_hash edited in corpus.toml passed check, the release being current; a
    build of the same seeds where that version was not in --out then refused them as
    changed since the release (QA check 4)."""
    seeds, dist = repo / "seeds", repo / "dist"
    later = str(int(EPOCH) + 86_400)
    (seeds / "added.txt").write_text("Added\n\nA document of the next release.\n")
    made = corpuskit.release(seeds, dist, source_date_epoch=later, jobs=1)
    assert check(seeds, dist, source_date_epoch=later, jobs=1).valid
    config = seeds / "corpus.toml"
    assert made.build is not None
    right = made.build.content_hash
    wrong = right[:-1] + ("0" if right[-1] != "0" else "1")
    config.write_text(config.read_text().replace(right, wrong))
    report = check(seeds, dist, source_date_epoch=later, jobs=1)
    [problem] = report.problems
    assert (problem.path, problem.code, problem.location) == (
        str(config), "metadata-mismatch", "content_hash")
    assert f'set it back: content_hash = "{right}"' in problem.message
    assert "records another content hash than the release's" in report.summary()
    monkeypatch.chdir(repo)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", later)
    code, out, _ = run(capsys, "check", "-j", "1")
    assert code == 1 and f"seeds/corpus.toml:content_hash: {wrong} is not" in out
    config.write_text(config.read_text().replace(wrong, right))
    assert check(seeds, dist, source_date_epoch=later, jobs=1).valid


def test_a_release_the_seeds_changelog_does_not_list_is_named(repo: Path) -> None:
    """A release built from other seeds into dist/, between two versions the seeds'
    CHANGELOG.md lists, passed check (QA check 3). Versions made with build alone after
    its newest entry are not named (the next release lists them), nor is one made so
    before a release, which lists it."""
    seeds, dist = repo / "seeds", repo / "dist"
    first = built().release.name.rpartition("-")[2]  # made with build alone
    later = str(int(EPOCH) + 86_400)
    (seeds / "added.txt").write_text("Added\n\nA document of the next release.\n")
    made = corpuskit.release(seeds, dist, source_date_epoch=later, jobs=1)
    assert f"## {first} (" in (seeds / "CHANGELOG.md").read_text()  # listed, as made
    assert check(seeds, dist, source_date_epoch=later, jobs=1).valid
    config = seeds / "corpus.toml"
    for version, document in (("1.3.0", "b.txt"), ("1.4.0", "c.txt")):  # build alone
        config.write_text(config.read_text().replace(
            f'version = "{made.version if version == "1.3.0" else "1.3.0"}"',
            f'version = "{version}"'))
        (seeds / document).write_text(f"Doc {document}\n\nMade with build alone.\n")
        assert build(seeds, dist, source_date_epoch=later, jobs=1).release.name.endswith(
            f"-{version}")
    assert check(seeds, dist, source_date_epoch=later, jobs=1).valid
    other = repo / "other"
    shutil.copytree(seeds, other)
    (other / "corpus.toml").write_text(config.read_text().replace(
        'version = "1.4.0"', 'version = "1.0.5"'))
    (other / "forged.txt").write_text("Forged\n\nA document nobody released.\n")
    forged = build(other, dist, source_date_epoch=later, jobs=1)
    report = check(seeds, dist, source_date_epoch=later, jobs=1)
    [problem] = report.problems
    assert (problem.path, problem.code) == (str(forged.release), "unlisted-release")
    assert f"{seeds / 'CHANGELOG.md'} does not list" in problem.message
    assert f"out of {dist}" in problem.message
    jsonschema.validate(report.as_dict(), load_schema("report.schema.json"))
    shutil.rmtree(forged.release)  # its zip alone is a release too
    assert [p.path for p in check(seeds, dist, source_date_epoch=later, jobs=1).problems] \
        == [str(forged.archive)]


def _released_twice(repo: Path) -> tuple[Path, Path, str, str]:
    """The repo's release made with build alone, then one made with release (listed by the
    seeds' CHANGELOG.md, with the first as unreleased): (seeds, dist, the later release's
    SOURCE_DATE_EPOCH, its version)."""
    seeds, dist = repo / "seeds", repo / "dist"
    later = str(int(EPOCH) + 86_400)
    (seeds / "added.txt").write_text("Added\n\nA document of the next release.\n")
    made = corpuskit.release(seeds, dist, source_date_epoch=later, jobs=1)
    assert check(seeds, dist, source_date_epoch=later, jobs=1).valid
    return seeds, dist, later, made.version


def _built_from_a_copy(seeds: Path, copy: Path, dist: Path, version: str, epoch: str,
                       changelog: bool = True) -> Path:
    """A release of ``version`` built into ``dist`` from a copy of ``seeds`` with a document
    nobody released (without its CHANGELOG.md, unless ``changelog``): its folder."""
    shutil.copytree(seeds, copy)
    if not changelog:
        (copy / "CHANGELOG.md").unlink()
    config = copy / "corpus.toml"
    config.write_text(re.sub(r'(?m)^version = ".*"$', f'version = "{version}"',
                             config.read_text()))
    (copy / "forged.txt").write_text("Forged\n\nA document nobody released.\n")
    return build(copy, dist, source_date_epoch=epoch, jobs=1).release


def test_a_release_older_than_the_oldest_entry_is_named_unless_made_before_it(
        repo: Path) -> None:
    """A release built from other seeds older than the oldest version the seeds'
    CHANGELOG.md lists passed check (QA s78). One whose own CHANGELOG.md lists a later
    version was made after it, so not before the changelog was begun (or trimmed): named.
    One made before (its CHANGELOG.md has no later version: a build of seeds without one,
    or of a history since trimmed away) is not."""
    seeds, dist, later, version = _released_twice(repo)
    oldest = versions_in((seeds / "CHANGELOG.md").read_text())[-1]
    assert Version.parse(oldest) < Version.parse(version)
    forged = _built_from_a_copy(seeds, repo / "other", dist, "0.9.0", later)
    report = check(seeds, dist, source_date_epoch=later, jobs=1)
    [problem] = report.problems
    assert (problem.path, problem.code) == (str(forged), "unlisted-release")
    assert problem.message.startswith("a release of ") and " (0.9.0) that " in problem.message
    assert f"{seeds / 'CHANGELOG.md'} does not list, older than its oldest entry " \
        f"({oldest}), though the release's own CHANGELOG.md lists a later version" \
        in problem.message
    assert f"out of {dist}" in problem.message
    jsonschema.validate(report.as_dict(), load_schema("report.schema.json"))
    shutil.rmtree(forged)
    (dist / f"{forged.name}.zip").unlink()
    # Made before the changelog was begun: a build of seeds that had none.
    _built_from_a_copy(seeds, repo / "begun", dist, "0.9.0", later, changelog=False)
    assert check(seeds, dist, source_date_epoch=later, jobs=1).valid
    # A changelog trimmed on purpose: its oldest entry dropped, the release stays.
    text = (seeds / "CHANGELOG.md").read_text()
    trimmed = text[:text.index(f"## {oldest} (")].rstrip("\n") + "\n"
    assert versions_in(trimmed) == [version]
    (seeds / "CHANGELOG.md").write_text(trimmed)
    assert "unlisted-release" not in codes(check(seeds, dist, source_date_epoch=later, jobs=1))


def test_a_release_newer_than_the_seeds_version_is_named_unless_the_seeds_are_behind_it(
        repo: Path) -> None:
    """A release newer than both the seeds' version and the CHANGELOG.md's newest entry
    was called stale alone, never unlisted (QA s78): it is unlisted too where the latest
    release does not list it beside the seeds' newest entry, as one made from other seeds
    (here without their history) does not. Seeds put back from an earlier commit, behind a
    release made from them, are stale only: that release lists both."""
    seeds, dist, later, version = _released_twice(repo)
    forged = _built_from_a_copy(seeds, repo / "other", dist, "3.0.0", later, changelog=False)
    report = check(seeds, dist, source_date_epoch=later, jobs=1)
    said = {(p.path, p.code): p.message for p in report.problems}
    assert set(said) == {(str(forged), "stale-release"), (str(forged), "unlisted-release")}
    assert (f"does not list, newer than the seeds' version ({version}), and the latest "
            f"release in {dist} ({forged.name}) does not list it beside the seeds' newest "
            f"entry ({version})") in said[(str(forged), "unlisted-release")]
    jsonschema.validate(report.as_dict(), load_schema("report.schema.json"))
    shutil.rmtree(forged)
    (dist / f"{forged.name}.zip").unlink()
    # A release made from these seeds, which are then put back as they were before it.
    before = {name: (seeds / name).read_bytes() for name in ("corpus.toml", "CHANGELOG.md")}
    (seeds / "more.txt").write_text("More\n\nA document of a later release.\n")
    ahead = corpuskit.release(seeds, dist, source_date_epoch=str(int(later) + 86_400), jobs=1)
    (seeds / "more.txt").unlink()
    for name, data in before.items():
        (seeds / name).write_bytes(data)
    assert codes(check(seeds, dist, source_date_epoch=later, jobs=1)) == {"stale-release"}, \
        ahead.version

def test_a_pre_release_made_with_build_alone_is_not_unlisted_where_the_seeds_are_behind_it(
        repo: Path) -> None:
    """A pre-release made as the README says, with the version set by hand and 'build',
    then seeds put back from the commit before it (a branch begun earlier): it was named
    unlisted-release, "not released from the history of these seeds", though no release
    lists a version built alone until the next one (QA s78 check finding 1). Stale only."""
    seeds, dist, later, version = _released_twice(repo)
    before = (seeds / "corpus.toml").read_bytes()
    (seeds / "corpus.toml").write_text(re.sub(
        r'(?m)^version = ".*"$', 'version = "3.0.0-rc.1"', before.decode()))
    (seeds / "more.txt").write_text("More\n\nA document of the pre-release.\n")
    rc = build(seeds, dist, source_date_epoch=later, jobs=1).release
    (seeds / "more.txt").unlink()
    (seeds / "corpus.toml").write_bytes(before)
    report = check(seeds, dist, source_date_epoch=later, jobs=1)
    assert {(p.path, p.code) for p in report.problems} == {(str(rc), "stale-release")}, version


def test_a_mistyped_content_hash_is_named_where_releases_share_one_release_time(
        repo: Path) -> None:
    """Two releases made with one SOURCE_DATE_EPOCH (allowed) share their created: the
    latest's mistyped content_hash was taken for the one a version bumped by hand keeps
    from the release before, and passed check (QA s77 finding 3)."""
    seeds, dist = repo / "seeds", repo / "dist"
    (seeds / "added.txt").write_text("Added\n\nA document of the next release.\n")
    made = corpuskit.release(seeds, dist, source_date_epoch=EPOCH, jobs=1)
    assert made.build is not None and check(seeds, dist, source_date_epoch=EPOCH, jobs=1).valid
    config = seeds / "corpus.toml"
    right = made.build.content_hash
    wrong = right[:-1] + ("0" if right[-1] != "0" else "1")
    config.write_text(config.read_text().replace(right, wrong))
    [problem] = check(seeds, dist, source_date_epoch=EPOCH, jobs=1).problems
    assert (problem.path, problem.code, problem.location) == (
        str(config), "metadata-mismatch", "content_hash")
    assert f"{wrong} is not the content hash of release 1.1.0" in problem.message
    assert f'set it back: content_hash = "{right}"' in problem.message
    # A version bumped by hand keeps the time and hash of the release before: not named.
    before = json.loads((next(dist.glob("*-1.0.0")) / "datapackage.json").read_text())
    config.write_text(config.read_text().replace(wrong, before["corpuskit"]["content_hash"]))
    assert check(seeds, dist, source_date_epoch=EPOCH, jobs=1).valid


def _hook_repo(top: Path, files: dict[str, bytes], gitignore: str,
               **config: object) -> tuple[Path, Path]:
    """A Git work tree at ``top`` holding seeds of ``files`` and their release in dist/,
    committed but for what ``gitignore`` (its .gitignore) ignores: (seeds, dist)."""
    seeds = write_seeds(top / "seeds", files, **config)
    dist = top / "dist"
    build(seeds, dist, source_date_epoch=EPOCH, jobs=1)
    (top / ".gitignore").write_text(gitignore)
    _git(top, "init", "-q")
    _git(top, "add", "-A")
    _git(top, "commit", "-q", "-m", "r")
    return seeds, dist


def _untracked_named(report: ValidationReport) -> dict[str, str]:
    """The untracked-file problems of a check report: path to message."""
    return {p.path: p.message for p in report.problems if p.code == "untracked-file"}


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_under_pre_commit_a_release_or_seed_git_ignores_is_named_with_its_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A release zip matched by a "*.zip" line of .gitignore, or an ignored seed, is left
    out of the commit as surely as an untracked one: the hook passed, a clean clone failed
    check (QA newa 1). Each is named, with the line that ignores it; an ignored folder
    once; corpuskit's own lock and seeds files a build skips are not."""
    seeds, dist = _hook_repo(tmp_path, {"news/a.txt": b"A\n\nAn item.\n"},
                             "dist/.corpuskit-*\n*.zip\nprivate-*\ndrafts/\n.cache/\n",
                             discover={"exclude": ["drafts/*"]})
    [release] = [p for p in dist.iterdir() if p.is_dir()]
    monkeypatch.setenv("PRE_COMMIT", "1")
    report = check(seeds, dist, source_date_epoch=EPOCH, jobs=1)
    assert _untracked_named(report) == {str(dist / f"{release.name}.zip"): (
        "ignored by Git (.gitignore:2: *.zip): commits, and so clean clones, leave it out, "
        "but check reads the work tree, where it is: un-ignore it (change that line) and "
        "git add it (a "
        "release is committed whole, its folder and zip), or move it out of "
        f"{dist}")}
    assert "current in the work tree" in report.summary()
    _git(tmp_path, "add", "-f", f"dist/{release.name}.zip")
    (dist / ".corpuskit-lock").touch()  # ignored, as the README says to
    for rel in ("drafts/x.txt", ".cache/y.txt"):  # ignored, and skipped by a build
        (seeds / rel).parent.mkdir(parents=True, exist_ok=True)
        (seeds / rel).write_text("Skipped\n\nNever built.\n")
    assert check(seeds, dist, source_date_epoch=EPOCH, jobs=1).valid
    (seeds / "more").mkdir()
    (seeds / "more" / "b.txt").write_text("B\n\nA new item.\n")  # untracked, not ignored
    (seeds / "more" / "private-c.txt").write_text("C\n\nIgnored, and built.\n")
    (seeds / "logs").mkdir()
    for name in ("private-d.txt", "private-e.txt"):  # a folder of ignored files only: named once
        (seeds / "logs" / name).write_text("D\n\nIgnored, and built.\n")
    named = _untracked_named(check(seeds, dist, source_date_epoch=EPOCH, jobs=1))
    assert sorted(named) == [str(seeds / "logs"), str(seeds / "more"),
                             str(seeds / "more" / "private-c.txt")]
    assert named[str(seeds / "more")].endswith(f"git add it, or move it out of {seeds}")
    assert named[str(seeds / "logs")].startswith("ignored by Git (.gitignore:3: private-*): ")
    assert "un-ignore it (change that line) and git add it" in named[
        str(seeds / "more" / "private-c.txt")]
    monkeypatch.delenv("PRE_COMMIT")  # outside pre-commit: the work tree, as before
    assert not _untracked_named(check(seeds, dist, source_date_epoch=EPOCH, jobs=1))


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_under_pre_commit_a_dist_linked_within_the_work_tree_is_asked_by_its_real_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Git refuses a path beyond a symbolic link, which was taken as nothing untracked: a
    release left untracked in releases/, which dist links to, passed the hook (QA newa 2).
    It is named, with the path git add takes."""
    seeds, dist = _hook_repo(tmp_path, {"news/a.txt": b"A\n\nAn item.\n"}, "")
    (tmp_path / "dist").rename(tmp_path / "releases")
    (tmp_path / "dist").symlink_to("releases")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "dist is a link")
    [release] = [p.name for p in dist.iterdir() if p.is_dir()]
    _git(tmp_path, "rm", "-q", "-r", "--cached", f"releases/{release}")
    monkeypatch.setenv("PRE_COMMIT", "1")
    assert _untracked_named(check(seeds, dist, source_date_epoch=EPOCH, jobs=1)) == {
        str(dist / release): (
            "not tracked by Git: commits, and so clean clones, leave it out, but check reads "
            "the work tree, "
            f"where it is: git add releases/{release} (its real path, from the top of the "
            f"work tree: {dist} is, or is under, a symbolic link) (a release is committed "
            f"whole, its folder and zip), or move it out of {dist}")}
    _git(tmp_path, "add", "releases")
    assert check(seeds, dist, source_date_epoch=EPOCH, jobs=1).valid
    _git(tmp_path, "rm", "-q", "--cached", "dist")  # the link itself: a clone lacks it
    assert _untracked_named(check(seeds, dist, source_date_epoch=EPOCH, jobs=1)) == {
        str(dist): (f"the symbolic link on the way to {dist}, not tracked by Git: commits, "
                    "and so clean clones, leave it out, but check reads the work tree, "
                    "where it is: git add it")}


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_under_pre_commit_a_dist_or_seeds_linked_out_of_the_work_tree_is_a_problem(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A dist (or seeds) that links out of the work tree, or into another repository,
    has none of its files in the commit: that is said, not taken for nothing untracked
    (QA newa 2)."""
    top = tmp_path / "repo"
    seeds, dist = _hook_repo(top, {"news/a.txt": b"A\n\nAn item.\n"}, "")
    (top / "dist").rename(tmp_path / "releases")
    (top / "dist").symlink_to(tmp_path / "releases")
    _git(top, "add", "-A")
    _git(top, "commit", "-q", "-m", "dist is a link out of the work tree")
    monkeypatch.setenv("PRE_COMMIT", "1")
    report = check(seeds, dist, source_date_epoch=EPOCH, jobs=1)
    assert _untracked_named(report) == {str(dist): (
        f"a symbolic link (or under one) to {tmp_path / 'releases'}, outside the Git work "
        f"tree (the work tree is {top}): commits, and so clean clones, hold none of the "
        "files check reads there, at most the link: put the folder itself in the work tree "
        "in place of the link, and git add it")}
    assert "current in the work tree" in report.summary()
    (top / "dist").unlink()
    (tmp_path / "releases").rename(top / "nested")
    _git(top / "nested", "init", "-q")  # another repository within the work tree
    (top / "dist").symlink_to("nested")
    assert "in another Git repository" in _untracked_named(
        check(seeds, dist, source_date_epoch=EPOCH, jobs=1))[str(dist)]
    (top / "dist").unlink()
    shutil.rmtree(top / "nested" / ".git")
    (top / "nested").rename(top / "dist")
    seeds.rename(tmp_path / "seeds")
    seeds.symlink_to(tmp_path / "seeds")
    assert list(_untracked_named(check(seeds, dist, source_date_epoch=EPOCH, jobs=1))) == [
        str(seeds)]
    monkeypatch.delenv("PRE_COMMIT")  # outside pre-commit: the work tree, as before
    assert check(seeds, dist, source_date_epoch=EPOCH, jobs=1).valid



@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_under_pre_commit_run_all_files_the_untracked_are_not_said_of_a_commit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """'pre-commit run --all-files' runs the hook with PRE_COMMIT=1 and nothing else, as a
    commit's hook does, and makes no commit: what Git does not track was said to be left
    out of "the commit" (QA s78). The words are of commits and clean clones, true of both."""
    seeds, dist = _hook_repo(tmp_path, {"news/a.txt": b"A\n\nAn item.\n"}, "*.zip\n")
    [release] = [p for p in dist.iterdir() if p.is_dir()]
    _git(tmp_path, "rm", "-q", "-r", "--cached", f"dist/{release.name}")  # untracked now
    (dist / "NOTES.md").write_text("to do\n", encoding="utf-8")  # no release's file
    for name in ("PRE_COMMIT_FROM_REF", "PRE_COMMIT_TO_REF", "GIT_INDEX_FILE"):
        monkeypatch.delenv(name, raising=False)  # as pre-commit run --all-files sets them
    monkeypatch.setenv("PRE_COMMIT", "1")
    report = check(seeds, dist, source_date_epoch=EPOCH, jobs=1)
    named = _untracked_named(report)
    assert sorted(named) == [str(dist / "NOTES.md"), str(release),
                             str(dist / f"{release.name}.zip")]  # the zip ignored
    # (QA: a file of no release was told "a release is committed whole")
    assert named[str(dist / "NOTES.md")].endswith(f"where it is: git add it, or move it out "
                                                  f"of {dist}")
    for message in named.values():
        assert "the commit" not in message
        assert "commits, and so clean clones, leave it out" in message
    assert named[str(release)].endswith(
        f"where it is: git add it (a release is committed whole, its folder and zip), or "
        f"move it out of {dist}")
    assert "the commit" not in report.summary()
    assert report.summary().endswith("which commits, and so clean clones, leave out")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    code, out, err = run(capsys, "check", "-j", "1")
    assert code == 1 and "the commit" not in out + err
    assert "commits, and so clean clones, leave out what Git does not track" in err


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_under_pre_commit_an_untracked_draft_is_said_to_make_the_release_stale(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An untracked draft in seeds/ beside a committed, current release made one
    stale-release problem per file of the release, the descriptor's advising 'corpuskit
    release', which would publish the draft the commit leaves out (QA s78 check finding
    2). The draft is named, and the release's difference said in one line, of it."""
    seeds, dist = _hook_repo(tmp_path, {"news/a.txt": b"A\n\nAn item.\n"}, "")
    [release] = [p for p in dist.iterdir() if p.is_dir()]
    (seeds / "draft.txt").write_text("Draft\n\nNot ready, not added.\n")
    monkeypatch.setenv("PRE_COMMIT", "1")
    report = check(seeds, dist, source_date_epoch=EPOCH, jobs=1)
    said = [(p.path, p.code) for p in report.problems]
    assert said == [(str(release), "stale-release"), (str(seeds / "draft.txt"), "untracked-file")]
    [stale] = [p.message for p in report.problems if p.code == "stale-release"]
    assert "corpuskit release" not in stale
    assert f"files Git does not track ({seeds / 'draft.txt'})" in stale
    monkeypatch.delenv("PRE_COMMIT")  # without the hook: what a fresh build of them makes
    assert any("run 'corpuskit release" in p.message
               for p in check(seeds, dist, source_date_epoch=EPOCH, jobs=1).problems)
