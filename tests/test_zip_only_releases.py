"""A release kept as its zip only (its folder removed) is a release, for every command.

``release``, ``check`` and ``build`` looked for release folders only: with dist/ holding
1.0.0 (folder and zip) and 1.1.0 as its zip only, ``check`` of seeds at 1.0.0 said
"current", plain ``release`` tried to write 1.1.0 again and was refused with advice to run
``corpuskit release``, and ``release major`` diffed against 1.0.0 (a changelog that never
named the document 1.1.0 removed). A zip's version is what its own datapackage.json says:
a zip named as another release than it holds is damaged, and a pipe or link named as a
release's zip is never opened or followed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import copy_seeds_at_first_release
from forked_cli import corpuskit_in_child as _corpuskit

from corpuskit import build, release
from corpuskit.check import check
from corpuskit.dist import (
    find_releases,
    latest_release,
    latest_release_folder,
    other_corpora,
    survey_releases,
)
from corpuskit.errors import InputError, ReleaseExistsError
from corpuskit.release import ReleaseError
from corpuskit.semver import Version
from corpuskit.zipfiles.zipsource import ZipSource

REPO = Path(__file__).resolve().parents[1]
NAME = "corpuskit-seeds"
SEED_FILE = "000_5126d78043eeafc4.txt"
EPOCH = 1_800_000_000  # 2027-01-15T08:00:00Z
DAY = 86_400


def epoch(days: int) -> str:
    return str(EPOCH + days * DAY)


def _doc(folder: Path, name: str, title: str) -> None:
    (folder / name).write_text(f"{title}\n\nA document of the zip-only release tests, long "
                               "enough for the language identifier to tell English.\n",
                               "utf-8")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``dist/`` with 1.0.0 (folder and zip) and 1.1.0 (``c.txt`` added) as its zip only;
    ``seeds-1.0.0/`` and ``seeds-1.1.0/`` as they were released. Copy before changing."""
    root = tmp_path_factory.mktemp("zip-only")
    seeds, dist = root / "seeds", root / "dist"
    copy_seeds_at_first_release(seeds)
    assert build(seeds, dist, jobs=1).status == "built"  # 1.0.0, as the seeds record it
    shutil.copytree(seeds, root / "seeds-1.0.0")
    _doc(seeds, "c.txt", "Doc C")
    assert release(seeds, dist, source_date_epoch=epoch(1), jobs=1).version == "1.1.0"
    shutil.rmtree(dist / f"{NAME}-1.1.0")
    seeds.rename(root / "seeds-1.1.0")
    return root


@pytest.fixture
def repo(template: Path, tmp_path: Path) -> Path:
    shutil.copytree(template, tmp_path / "repo", symlinks=True)
    return tmp_path / "repo"


def test_the_releases_in_dist_count_a_zip_whose_folder_was_removed(repo: Path) -> None:
    dist = repo / "dist"
    assert [(str(v), p.name) for v, p in find_releases(dist, NAME)] == [
        ("1.0.0", f"{NAME}-1.0.0"), ("1.1.0", f"{NAME}-1.1.0.zip")]
    assert latest_release(dist, NAME) == (Version.parse("1.1.0"), dist / f"{NAME}-1.1.0.zip")
    assert [item.path for item in survey_releases(dist, NAME).damaged] == []
    # build lends raw files from a folder only: the zip-only release is passed over
    assert latest_release_folder(dist, NAME) == (Version.parse("1.0.0"), dist / f"{NAME}-1.0.0")
    # what a rename of the corpus leaves behind is found in a zip too
    shutil.rmtree(dist / f"{NAME}-1.0.0")
    assert other_corpora(dist, "renamed-corpus") == [NAME]


def test_check_names_a_newer_release_kept_as_its_zip_only(repo: Path) -> None:
    report = check(repo / "seeds-1.0.0", repo / "dist", jobs=1)
    newer = repo / "dist" / f"{NAME}-1.1.0.zip"
    assert [(p.path, p.code) for p in report.problems] == [(str(newer), "stale-release")]
    assert ("holds version 1.1.0 (its zip only, the folder removed), newer than the seeds' "
            "version 1.0.0") in report.problems[0].message


def test_check_of_the_seeds_release_kept_as_its_zip_only_says_to_build_its_folder(
        repo: Path) -> None:
    seeds, dist = repo / "seeds-1.1.0", repo / "dist"
    report = check(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert [(p.path, p.code) for p in report.problems] == [
        (str(dist / f"{NAME}-1.1.0"), "missing-file")]
    message = report.problems[0].message
    assert "as its zip only" in message
    assert f"run 'corpuskit build {seeds} --out {dist}' to put the folder back" in message
    assert "corpuskit release" not in message
    assert build(seeds, dist, source_date_epoch=epoch(1), jobs=1).restored == "folder"
    assert check(seeds, dist, source_date_epoch=epoch(1), jobs=1).valid


@pytest.mark.parametrize("bump", [None, "major"])
def test_release_diffs_against_a_latest_release_kept_as_its_zip_only(
        bump: str | None, repo: Path) -> None:
    """Another change on top of 1.0.0: 1.1.0 (its zip) is the latest release, so ``c``,
    added in 1.1.0 and not in these seeds, is removed: a major release, 2.0.0."""
    seeds, dist = repo / "seeds-1.0.0", repo / "dist"
    _doc(seeds, "z.txt", "Doc Z")
    published = (dist / f"{NAME}-1.1.0.zip").read_bytes()
    result = release(seeds, dist, bump, source_date_epoch=epoch(2), jobs=1)
    assert (result.previous, result.required, result.version) == ("1.1.0", "major", "2.0.0")
    assert [d.id for d in result.diff.added] == ["z"]
    assert [d.id for d in result.diff.removed] == ["c"]
    entry = result.changelog_entry
    assert "Changes since 1.1.0: 1 document added, 1 document removed." in entry
    assert "- `c` (Doc C)" in entry and "- `z` (Doc Z)" in entry
    assert (dist / f"{NAME}-1.1.0.zip").read_bytes() == published
    assert not (dist / f"{NAME}-1.1.0").exists()
    new = dist / f"{NAME}-2.0.0" / "data/raw" / SEED_FILE
    old = dist / f"{NAME}-1.0.0" / "data/raw" / SEED_FILE
    assert os.stat(new).st_ino == os.stat(old).st_ino  # lent by the latest release folder
    assert check(seeds, dist, source_date_epoch=epoch(2), jobs=1).valid


def test_nothing_to_release_since_a_zip_only_release_says_to_build_its_folder(
        repo: Path) -> None:
    seeds, dist = repo / "seeds-1.1.0", repo / "dist"
    before = _snapshot(repo)
    with pytest.raises(ReleaseError, match="nothing to release") as caught:
        release(seeds, dist, source_date_epoch=epoch(2), jobs=1)
    message = str(caught.value)
    assert f"{NAME}-1.1.0.zip" in message
    assert ("its zip only, the folder removed: "
            f"'corpuskit build {seeds} --out {dist}' puts the folder back") in message
    assert _snapshot(repo) == before


def test_build_notes_a_newer_release_kept_as_its_zip_only(repo: Path) -> None:
    result = build(repo / "seeds-1.0.0", repo / "dist", jobs=1)
    assert result.status == "unchanged"
    [note] = result.notes
    assert f"holds {NAME} 1.1.0, newer than 1.0.0" in note


def _renamed_top(archive: Path, target: Path, version: str) -> None:
    """A copy of ``archive`` whose datapackage.json says ``version`` (its files still
    under the old top folder)."""
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(target, "w") as copy:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("/datapackage.json"):
                data = data.replace(b'"version": "1.0.0"', f'"version": "{version}"'.encode())
                assert version.encode() in data
            copy.writestr(info, data)


@pytest.mark.parametrize("kind", ["copy", "top-folder"])
def test_a_zip_named_as_another_release_than_it_holds_is_damaged(kind: str,
                                                                repo: Path) -> None:
    """A copy of 1.0.0's zip named 1.2.0 would pass for the latest release; so would a zip
    whose datapackage.json says 1.2.0 while its files are under the folder of 1.0.0."""
    seeds, dist = repo / "seeds-1.0.0", repo / "dist"
    stray = dist / f"{NAME}-1.2.0.zip"
    if kind == "copy":
        shutil.copyfile(dist / f"{NAME}-1.0.0.zip", stray)
        reason = f"its datapackage.json is of {NAME} 1.0.0, not {NAME} 1.2.0"
    else:
        _renamed_top(dist / f"{NAME}-1.0.0.zip", stray, "1.2.0")
        reason = f"its files are under {NAME}-1.0.0/, not {NAME}-1.2.0/"
    assert [item.path for item in survey_releases(dist, NAME).damaged] == [stray]
    assert latest_release(dist, NAME) == (Version.parse("1.1.0"), dist / f"{NAME}-1.1.0.zip")
    report = check(seeds, dist, jobs=1)
    problems = {p.path: p for p in report.problems}
    assert problems[str(stray)].code == "not-a-package"
    assert reason in problems[str(stray)].message
    _doc(seeds, "z.txt", "Doc Z")
    before = _snapshot(repo)
    with pytest.raises(ReleaseError, match=f"{stray} is named as a release") as caught:
        release(seeds, dist, source_date_epoch=epoch(2), jobs=1)
    assert reason in str(caught.value) and "corpuskit release" not in str(caught.value)
    assert _snapshot(repo) == before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
@pytest.mark.parametrize("kind", ["pipe", "link"])
@pytest.mark.parametrize("command", ["check", "release", "build"])
def test_a_pipe_or_link_named_as_a_release_zip_is_never_opened(
        kind: str, command: str, repo: Path) -> None:
    """A pipe nobody writes to would block an ``open``; a link (here to such a pipe) is
    never followed: each is named as no release, at once."""
    seeds, dist = repo / "seeds-1.1.0", repo / "dist"
    build(seeds, dist, source_date_epoch=epoch(1), jobs=1)  # 1.1.0's folder back
    stray = dist / f"{NAME}-1.3.0.zip"
    if kind == "pipe":
        os.mkfifo(stray)
    else:
        os.mkfifo(repo / "elsewhere")
        stray.symlink_to(repo / "elsewhere")
    args = {"check": ["--seeds", seeds, "--dist", dist],
            "release": ["--seeds", seeds, "--out", dist, "--no-cache"],
            "build": [seeds, "--out", dist, "--no-cache"]}[command]
    done = _corpuskit(command, *args)
    output = done.stdout + done.stderr
    assert "Traceback" not in output
    if command == "build":  # nothing in its way: the identical release is there
        assert done.returncode == 0, output
        assert "identical" in output
    else:
        assert done.returncode == 1, output
        said = "a symbolic link" if kind == "link" else "a pipe, socket or device"
        assert f"{stray}" in output and said in output


_OPEN_ZIP = """
import sys
from pathlib import Path
from corpuskit.errors import InputError, ReleaseExistsError
from corpuskit.zipfiles.zipsource import ZipSource
try:
    with ZipSource(Path(sys.argv[1]), follow_links=sys.argv[2] == "follow") as source:
        print("read", source.files())
except InputError as error:
    print("refused", error)
"""


def _open_zip(path: Path, links: str) -> str:
    """What ZipSource makes of ``path``, in a child process killed if it blocks."""
    done = subprocess.run([sys.executable, "-c", _OPEN_ZIP, str(path), links],
                          capture_output=True, text=True, timeout=60, check=True)
    return done.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_zip_source_refuses_a_pipe_at_once_and_a_link_when_told(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.zip"
    os.mkfifo(pipe)
    said = _open_zip(pipe, "follow")
    assert said.startswith("refused") and "not a regular file" in said
    archive = tmp_path / "real.zip"
    with zipfile.ZipFile(archive, "w") as made:
        made.writestr("x-1.0.0/datapackage.json", "{}")
    link = tmp_path / "link.zip"
    link.symlink_to(archive)
    with ZipSource(link) as source:  # followed unless told not to
        assert source.files() == ["datapackage.json"]
    with pytest.raises(InputError, match="a symbolic link, never followed"):
        ZipSource(link, follow_links=False)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
@pytest.mark.parametrize("kind", ["pipe", "link"])
@pytest.mark.parametrize("command", ["check", "build"])
def test_a_pipe_or_link_in_place_of_the_seeds_own_zip_is_never_opened(
        kind: str, command: str, repo: Path) -> None:
    """build of a version whose zip was a pipe waited on it for ever (to compare it with
    the build), and followed a link there; check called a pipe a missing archive."""
    seeds, dist = repo / "seeds-1.0.0", repo / "dist"
    archive = dist / f"{NAME}-1.0.0.zip"
    archive.unlink()
    if kind == "pipe":  # the folder removed too: the zip is what a build compares with
        shutil.rmtree(dist / f"{NAME}-1.0.0")
        os.mkfifo(archive)
    else:
        os.mkfifo(repo / "elsewhere")
        archive.symlink_to(repo / "elsewhere")
    args = {"check": ["--seeds", seeds, "--dist", dist],
            "build": [seeds, "--out", dist, "--no-cache"]}[command]
    done = _corpuskit(command, *args)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "Traceback" not in output
    said = "a symbolic link" if kind == "link" else "a pipe, socket or device"
    assert f"{archive}" in output and said in output
    if command == "check":
        assert "[not-a-package]" in output
    else:
        assert "move it out of" in output
    assert os.path.lexists(archive)  # left as it was, and nothing written in its place
    assert (dist / f"{NAME}-1.0.0").exists() == (kind == "link")


def test_a_zip_only_release_built_again_says_what_differs(repo: Path) -> None:
    """1.1.0 kept as its zip only, built again at another release time, was said to have
    "other content", with the advice to remove the zip (QA): as for a folder, it is the
    same documents and metadata at another time, with the SOURCE_DATE_EPOCH to build it
    with; other content names what differs."""
    seeds, dist = repo / "seeds-1.1.0", repo / "dist"
    archive = dist / f"{NAME}-1.1.0.zip"
    sealed = archive.read_bytes()
    with pytest.raises(ReleaseExistsError) as raised:
        build(seeds, dist, source_date_epoch=epoch(5), jobs=1, cache=None)
    said = str(raised.value)
    assert "with the same documents and metadata, but another release time" in said
    assert f"build with SOURCE_DATE_EPOCH={epoch(1)}" in said and "remove it" not in said
    assert build(seeds, dist, source_date_epoch=epoch(1), jobs=1, cache=None).status == \
        "restored"  # the folder put back, as advised
    shutil.rmtree(dist / f"{NAME}-1.1.0")
    _doc(seeds, "d.txt", "Doc D")
    with pytest.raises(ReleaseExistsError, match=r"with other content \(.*added.*d.*\); "):
        build(seeds, dist, source_date_epoch=epoch(1), jobs=1, cache=None)
    assert archive.read_bytes() == sealed and not (dist / f"{NAME}-1.1.0").exists()


def test_check_of_a_damaged_zip_only_release_says_to_mend_the_zip_first(repo: Path) -> None:
    """A release kept as its zip only, that zip damaged: check said to run build to put
    the folder back, which refuses a zip that is not what it makes (QA). It says to
    restore the zip first, or, if never published, to delete it and build; both work."""
    seeds, dist = repo / "seeds-1.1.0", repo / "dist"
    archive = dist / f"{NAME}-1.1.0.zip"
    sealed = archive.read_bytes()
    damaged = bytearray(sealed)
    damaged[len(damaged) // 3] ^= 0x01
    archive.write_bytes(bytes(damaged))
    report = check(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    folder = [p for p in report.problems if p.path == str(dist / f"{NAME}-1.1.0")]
    assert [p.code for p in folder] == ["missing-file"]
    message = folder[0].message
    assert "the zip is not what a fresh build makes" in message
    assert "restore the zip from a published copy, then run" in message
    assert "(a build of the same content does)" not in message
    assert any(p.path == str(archive) for p in report.problems)  # its own problems listed
    with pytest.raises((ReleaseExistsError, InputError)):  # as said: build refuses it
        build(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    archive.write_bytes(sealed)  # restored from a published copy, then build
    assert build(seeds, dist, source_date_epoch=epoch(1), jobs=1).status == "restored"
    assert check(seeds, dist, source_date_epoch=epoch(1), jobs=1).valid
    shutil.rmtree(dist / f"{NAME}-1.1.0")  # or, never published: delete it and build
    archive.write_bytes(bytes(damaged))
    archive.unlink()
    assert build(seeds, dist, source_date_epoch=epoch(1), jobs=1).status == "built"
    assert check(seeds, dist, source_date_epoch=epoch(1), jobs=1).valid


def test_check_of_a_sound_zip_only_release_with_seeds_changed_says_to_release(
        repo: Path) -> None:
    """Published, folder removed, seeds edited: the commonest case. check called the
    sound zip damaged and offered to delete it (QA); it says the seeds changed, and
    release publishes the change."""
    seeds, dist = repo / "seeds-1.1.0", repo / "dist"
    _doc(seeds, "c.txt", "Doc C changed")
    report = check(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    folder, = (p for p in report.problems if p.path == str(dist / f"{NAME}-1.1.0"))
    assert "the seeds changed since version 1.1.0 was released" in folder.message
    assert f"run 'corpuskit release --seeds {seeds} --out {dist}'" in folder.message
    assert "delete it" not in folder.message and "fails validate" not in folder.message
    assert release(seeds, dist, source_date_epoch=epoch(2), jobs=1).previous == "1.1.0"
    assert check(seeds, dist, source_date_epoch=epoch(2), jobs=1).valid


def test_check_of_a_damaged_zip_only_release_beside_seeds_problems(repo: Path) -> None:
    """Seeds that cannot be built: the zip is not compared, and check said to run build
    to put the folder back, even beside a damaged zip (QA). It says what state the zip is
    in on its own."""
    seeds, dist = repo / "seeds-1.1.0", repo / "dist"
    archive = dist / f"{NAME}-1.1.0.zip"
    (seeds / "c.txt").write_bytes(b"")  # an empty document: the seeds cannot be built
    folder = str(dist / f"{NAME}-1.1.0")

    def said() -> str:
        report = check(seeds, dist, source_date_epoch=epoch(1), jobs=1)
        assert not report.compared
        message, = (p.message for p in report.problems if p.path == folder)
        return message

    assert "once the seeds' problems are mended, 'corpuskit check' says" in said()
    damaged = bytearray(archive.read_bytes())
    damaged[len(damaged) // 3] ^= 0x01
    archive.write_bytes(bytes(damaged))
    message = said()
    assert "fails validate" in message and "restore the zip from a published copy" in message
    assert "(a build of the same content does)" not in message


def test_a_wrong_published_checksum_beside_a_sound_zip_is_said_to_be_the_checksum(
        repo: Path) -> None:
    """A .sha256 beside the zip that disagrees with it, the zip's own seal holding: every
    command called the zip damaged, and deleting it and building again, as advised, wrote
    the same zip, still refused (QA: a loop). The checksum is named as what may be wrong,
    with the command that writes it again; following that ends with check valid."""
    seeds, dist = repo / "seeds-1.1.0", repo / "dist"
    archive = dist / f"{NAME}-1.1.0.zip"
    sidecar = dist / f"{archive.name}.sha256"
    sidecar.write_text(f"{'0' * 64}  {archive.name}\n")
    report = check(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    by_path = {p.path: p for p in report.problems}
    assert by_path[str(archive)].code == "checksum-mismatch"
    assert f"sha256sum {archive.name} > {sidecar.name}" in by_path[str(archive)].message
    assert "delete it and run" not in by_path[str(archive)].message
    assert "once its .sha256 agrees with the zip" in by_path[str(dist / f"{NAME}-1.1.0")].message
    with pytest.raises(ReleaseExistsError) as refused:
        build(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert "is damaged" not in str(refused.value)
    assert f"sha256sum {archive.name} > {sidecar.name}" in str(refused.value)
    subprocess.run(f"sha256sum {archive.name} > {sidecar.name}", shell=True, cwd=dist,
                   check=True)  # as advised
    assert build(seeds, dist, source_date_epoch=epoch(1), jobs=1).status == "restored"
    assert check(seeds, dist, source_date_epoch=epoch(1), jobs=1).valid


def test_build_judges_a_zip_only_release_by_what_it_holds_not_its_name(repo: Path) -> None:
    """1.0.0's zip under 1.1.0's name, the folder removed: build said 1.1.0 exists with
    other content and to bump with release, which refused the zip as another release's
    (QA); build names what the zip holds, as release and check do."""
    seeds, dist = repo / "seeds-1.1.0", repo / "dist"
    archive = dist / f"{NAME}-1.1.0.zip"
    shutil.copyfile(dist / f"{NAME}-1.0.0.zip", archive)
    with pytest.raises(ReleaseExistsError) as refused:
        build(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    said = str(refused.value)
    assert f"{archive} is named as release {NAME}-1.1.0 but its datapackage.json is of " \
        f"{NAME} 1.0.0" in said
    assert "corpuskit release" not in said and "move it out of" in said
    archive.unlink()  # moved out, as advised: the build writes 1.1.0 again
    assert build(seeds, dist, source_date_epoch=epoch(1), jobs=1).status == "built"


def _named_alike(tmp_path: Path) -> tuple[Path, Path, Path]:
    """Corpus "a-1.0.0" at 2.0.0 released into dist/ (folder and zip), and the seeds of
    corpus "a" at 1.0.0-2.0.0, whose release is named a-1.0.0-2.0.0 too: ``(seeds, dist,
    release folder)``."""
    seeds, other, dist = tmp_path / "seeds", tmp_path / "other", tmp_path / "dist"
    for folder, name, version in ((other, "a-1.0.0", "2.0.0"), (seeds, "a", "1.0.0-2.0.0")):
        shutil.copytree(REPO / "seeds", folder)
        toml = folder / "corpus.toml"
        text = re.sub(r'(?m)^name = ".*"$', f'name = "{name}"', toml.read_text("utf-8"))
        text = re.sub(r'(?m)^version = ".*"$', f'version = "{version}"', text)
        toml.write_text(re.sub(r'(?m)^created = ".*"\n', "", text), "utf-8")
        (folder / "CHANGELOG.md").unlink()
    _doc(other, "b.txt", "Doc B of the other corpus")
    assert build(other, dist, source_date_epoch=epoch(0), jobs=1).status == "built"
    return seeds, dist, dist / "a-1.0.0-2.0.0"


@pytest.mark.parametrize("kept", ["folder and zip", "zip only"])
def test_another_corpus_whose_release_is_named_alike_is_not_called_renamed(
        kept: str, tmp_path: Path) -> None:
    """Corpus "a" 1.0.0-2.0.0 beside the release a-1.0.0-2.0.0 of corpus "a-1.0.0"
    2.0.0 kept as its zip only: check called the zip renamed, to be restored, and said it
    failed validate, which it passes (QA); build and release called it renamed too. As
    build says of such a folder: another corpus's release, named alike; the seeds' name
    or --dist/--out is what to change. It is not compared with the seeds' build."""
    seeds, dist, folder = _named_alike(tmp_path)
    archive = dist / "a-1.0.0-2.0.0.zip"
    if kept == "zip only":
        shutil.rmtree(folder)
    advice = (f"set another name than 'a' in {seeds / 'corpus.toml'}, or give --dist the "
              "folder that holds the releases of a")
    only = " (its zip only, the folder removed)" if kept == "zip only" else ""
    expected = [(str(archive), "not-a-package",
                 f"the release of another corpus, a-1.0.0 2.0.0{only}, whose release zip is "
                 f"named as the seeds' (a-1.0.0-2.0.0): not renamed, nor damaged; {advice}")]
    if kept == "folder and zip":
        expected.insert(0, (str(folder), "not-a-package",
                            "the release of another corpus, a-1.0.0 2.0.0, whose release "
                            "folder is named as the seeds' (a-1.0.0-2.0.0): not renamed, nor "
                            f"damaged; {advice}"))
    before = _snapshot(tmp_path)
    report = check(seeds, dist, source_date_epoch=epoch(0), jobs=1)
    assert [(p.path, p.code, p.message) for p in report.problems] == expected
    if kept == "zip only":
        with pytest.raises(ReleaseExistsError) as refused:
            build(seeds, dist, source_date_epoch=epoch(0), jobs=1)
        assert str(refused.value) == (
            f"{archive} is the release of another corpus, a-1.0.0 2.0.0, whose release zip "
            "is named as this one's (a-1.0.0-2.0.0); set another name than 'a' in "
            f"{seeds / 'corpus.toml'}, or build it into another --out")
    with pytest.raises(ReleaseError) as caught:
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert "renamed" not in str(caught.value)
    assert f"{archive} is the release of another corpus, a-1.0.0 2.0.0, named as a " \
        f"release of a; set another name than 'a' in {seeds / 'corpus.toml'}, or give " \
        "--out the folder that holds the releases of a" in str(caught.value)
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize("kept", ["folder and zip", "zip only"])
def test_another_corpus_in_the_seeds_place_is_said_so_in_the_summary(
        kept: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With another corpus's release named alike where the seeds' goes, the problem lines
    said so, but the summary and the error still called dist/ "not current", as if the
    seeds' release were there and stale (QA). What is true: another corpus's release is
    where this one's goes, the seeds' release is missing, nothing was compared (exit 1)."""
    seeds, dist, folder = _named_alike(tmp_path)
    if kept == "zip only":
        shutil.rmtree(folder)
    taken = "a-1.0.0-2.0.0 and a-1.0.0-2.0.0.zip" if kept == "folder and zip" \
        else "a-1.0.0-2.0.0.zip"
    said = (f"{dist} holds the release of another corpus where that of the seeds goes "
            f"({taken}): the release of {seeds} (a 1.0.0-2.0.0) is missing")
    count = "2 problems" if kept == "folder and zip" else "1 problem"
    report = check(seeds, dist, source_date_epoch=epoch(0), jobs=1)
    assert not report.compared
    assert report.summary() == f"{dist}: not compared, {said} ({count})"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(0))
    done = _corpuskit("check", "--seeds", seeds, "--dist", dist, "--jobs", "1")
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines()[-1] == f"{dist}: not compared, {said} ({count})"
    assert done.stderr.splitlines()[-1] == \
        f"corpuskit: error: {said} ({count}); nothing was compared"
    assert "not current" not in done.stdout + done.stderr


def test_the_verdict_does_not_follow_the_words_of_a_folder_of_releases_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI told why nothing was compared from the words of the report's not_compared:
    one that began with "--dist" was --dist's own problem. A folder of releases named
    --dist, holding another corpus's release where the seeds' goes, was said so, without
    its problems' count (QA s83 review 3: found by reading the CLI). The report's reason
    says it, whatever the folder's name."""
    _, dist, _ = _named_alike(tmp_path)
    dist.rename(tmp_path / "--dist")
    monkeypatch.chdir(tmp_path)
    said = ("--dist holds the release of another corpus where that of the seeds goes "
            "(a-1.0.0-2.0.0 and a-1.0.0-2.0.0.zip): the release of seeds (a 1.0.0-2.0.0) "
            "is missing")
    report = check("seeds", "./--dist", source_date_epoch=epoch(0), jobs=1)
    assert report.not_compared_reason == "another-corpus"
    assert report.verdict() == f"{said} (2 problems); nothing was compared"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(0))
    done = _corpuskit("check", "--seeds", "seeds", "--dist", "./--dist", "--jobs", "1")
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines()[-1] == f"--dist: not compared, {said} (2 problems)"
    assert done.stderr.splitlines()[-1] == \
        f"corpuskit: error: {said} (2 problems); nothing was compared"


def test_another_corpus_named_as_an_older_release_leaves_the_seeds_current(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another corpus's release named as an older release of this one (a-1.0.0-2.0.0 beside
    a 3.0.0, released and current): the summary called dist/ "not current" (QA). The
    seeds' release is current; dist/ holds another corpus's release as well (exit 1)."""
    seeds, dist, _ = _named_alike(tmp_path)
    toml = seeds / "corpus.toml"
    toml.write_text(toml.read_text("utf-8").replace('"1.0.0-2.0.0"', '"3.0.0"'), "utf-8")
    assert build(seeds, dist, source_date_epoch=epoch(0), jobs=1).status == "built"
    report = check(seeds, dist, source_date_epoch=epoch(0), jobs=1)
    assert [p.code for p in report.problems] == ["not-a-package", "not-a-package"]
    assert report.compared
    said = (f"{dist}: the seeds' release is current, equal to a fresh build (1 document, 11 "
            f"files), but 2 problems: {dist} holds another corpus's release, named as a "
            "release of this one")
    assert report.summary() == said
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(0))
    done = _corpuskit("check", "--seeds", seeds, "--dist", dist, "--jobs", "1")
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines()[-1] == said
    assert done.stderr.splitlines()[-1] == (
        f"corpuskit: error: {dist} holds another corpus's release, named as a release of "
        f"this one (2 problems); the release of {seeds} is current")
    assert "not current" not in done.stdout + done.stderr


@pytest.mark.parametrize("kind", ["file", "dangling link"])
def test_something_in_place_of_a_zip_only_release_folder_is_named_in_the_way(
        kind: str, repo: Path) -> None:
    """A file, or a link to nothing, where the folder of a release kept as its zip only
    goes: check said to run build, which failed (the file called a release changed after
    its build; "Not a directory" for the link: QA). Both say to move it out, and then
    build puts the folder back."""
    seeds, dist = repo / "seeds-1.1.0", repo / "dist"
    folder = dist / f"{NAME}-1.1.0"
    if kind == "file":
        folder.write_text("not a release\n")
    else:
        folder.symlink_to(repo / "no-such-folder")  # (not /nonexistent: a machine may have it)
    report = check(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert [(p.path, p.code) for p in report.problems] == [(str(folder), "not-a-package")]
    assert f"move it out of {dist}, then run 'corpuskit build" in report.problems[0].message
    before = _snapshot(dist)
    with pytest.raises(ReleaseExistsError, match="move it out of"):
        build(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert _snapshot(dist) == before and os.path.lexists(folder)
    folder.unlink()  # moved out, as advised
    assert build(seeds, dist, source_date_epoch=epoch(1), jobs=1).status == "restored"
    assert check(seeds, dist, source_date_epoch=epoch(1), jobs=1).valid


@pytest.mark.parametrize("sidecar_text", ["", "zzz  {name}\n", "{digest}  other.zip\n"])
def test_a_published_checksum_that_reads_as_none_is_named_not_the_zip(
        sidecar_text: str, repo: Path) -> None:
    """An empty or malformed .sha256, or one of another file, beside a sound zip-only
    release: check said to delete the zip and build, which wrote the same zip, and build
    called it damaged (QA: a loop). The checksum file is what is named, with how to write
    it again; following that ends with check valid."""
    seeds, dist = repo / "seeds-1.1.0", repo / "dist"
    archive = dist / f"{NAME}-1.1.0.zip"
    sidecar = dist / f"{archive.name}.sha256"
    sidecar.write_text(sidecar_text.format(name=archive.name, digest="0" * 64))
    report = check(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    folder, = (p for p in report.problems if p.path == str(dist / f"{NAME}-1.1.0"))
    assert "once its .sha256 agrees with the zip" in folder.message
    told = [p for p in report.problems if p.path == str(archive)]
    assert told and all(f"sha256sum {archive.name} > {sidecar.name}" in p.message
                        and "delete it and run" not in p.message for p in told)
    with pytest.raises(ReleaseExistsError) as refused:
        build(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert "is damaged" not in str(refused.value) and sidecar.name in str(refused.value)
    subprocess.run(f"sha256sum {archive.name} > {sidecar.name}", shell=True, cwd=dist,
                   check=True)  # as advised
    assert build(seeds, dist, source_date_epoch=epoch(1), jobs=1).status == "restored"
    assert check(seeds, dist, source_date_epoch=epoch(1), jobs=1).valid


def test_a_wrong_checksum_beside_seeds_that_cannot_be_built_is_no_damaged_zip(
        repo: Path) -> None:
    """Seeds with a problem and a wrong .sha256 beside a sound zip-only release: check
    called the zip damaged and advised deleting it and building, which would have made
    another 1.1.0 of the changed seeds (QA). The zip is intact: the seeds first, and the
    checksum is named."""
    seeds, dist = repo / "seeds-1.1.0", repo / "dist"
    archive = dist / f"{NAME}-1.1.0.zip"
    (dist / f"{archive.name}.sha256").write_text(f"{'f' * 64}  {archive.name}\n")
    (seeds / "empty.txt").write_bytes(b"")
    report = check(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    folder, = (p for p in report.problems if p.path == str(dist / f"{NAME}-1.1.0"))
    assert "once the seeds' problems are mended" in folder.message
    assert "fails validate" not in folder.message
    assert any(p.path == str(archive) and p.code == "checksum-mismatch"
               and "is what is wrong" in p.message for p in report.problems)


def test_validate_of_an_older_release_whose_checksum_is_wrong_blames_the_checksum(
        repo: Path) -> None:
    """validate's summary said the zip was not as it was built and to remove it and run
    build, beside the problem naming the .sha256: followed, it deleted 1.0.0's zip for
    good (QA). A wrong checksum alone is no zip changed since its build."""
    from corpuskit import validate

    archive = repo / "dist" / f"{NAME}-1.0.0.zip"
    (archive.parent / f"{archive.name}.sha256").write_text(f"{'f' * 64}  {archive.name}\n")
    report = validate(archive, jobs=1)
    assert [p.code for p in report.problems] == ["checksum-mismatch"]
    assert "is what is wrong" in report.problems[0].message
    assert "not as it was built" not in report.summary()


def test_check_of_a_folder_without_its_zip_beside_changed_seeds_says_to_finish_it(
        repo: Path) -> None:
    """A release folder whose zip is gone, the seeds changed since: check said to run
    build, and release on the descriptor, and both refuse until the release is finished
    (QA: a detour). It gives build's own advice; followed, check ends valid."""
    seeds, dist = repo / "seeds-1.1.0", repo / "dist"
    assert build(seeds, dist, source_date_epoch=epoch(1), jobs=1).restored == "folder"
    (dist / f"{NAME}-1.1.0.zip").unlink()
    _doc(seeds, "d.txt", "Doc D")
    report = check(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    archive, = (p for p in report.problems if p.path == str(dist / f"{NAME}-1.1.0.zip"))
    assert "has no zip beside it" in archive.message and "finish 1.1.0 first" in archive.message
    assert not any("corpuskit release" in p.message and "finish" not in p.message
                   for p in report.problems)
    aside = repo / "d.txt"
    (seeds / "d.txt").rename(aside)  # as advised: set aside the document added, build
    assert build(seeds, dist, source_date_epoch=epoch(1), jobs=1).restored == "archive"
    aside.rename(seeds / "d.txt")  # bring it back, release
    assert release(seeds, dist, source_date_epoch=epoch(2), jobs=1).previous == "1.1.0"
    assert check(seeds, dist, source_date_epoch=epoch(2), jobs=1).valid
