"""The user's cache folder (``$XDG_CACHE_HOME/corpuskit``, else ``~/.cache/corpuskit``),
which a build uses when given no ``--cache``: where it cannot be, the message says where it
came from and what to do; a cache that cannot be written is said, not silent."""

from __future__ import annotations

import importlib
import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import make_seeds, tree_bytes

from corpuskit.cli import main

GOOD = {"good.txt": "A good title\n\nA perfectly ordinary paragraph of English text.\n"}


#: What a note says a cache folder that cannot be written costs (QA: it said the next build
#: would read and process the documents again, and it took them from the cache).
NOTHING_KEPT = ("nothing new can be kept there (later builds then do again what a build "
                "would keep: processing the documents that changed, reading the seeds files)")


def _no_home(monkeypatch: pytest.MonkeyPatch) -> None:
    """A user id the system does not know, without HOME (a container run as
    ``--user 12345``): ``Path.home()`` raises RuntimeError."""
    def home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.setattr(Path, "home", staticmethod(home))


def _build(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["build", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_relative_xdg_cache_home_without_a_home_is_named(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The variable is set, but ignored: the message says so, not "not set"."""
    seeds = make_seeds(tmp_path, GOOD)
    _no_home(monkeypatch)
    monkeypatch.setenv("XDG_CACHE_HOME", "rel")
    code, out, err = _build([str(seeds), "--out", str(tmp_path / "dist"), "--json"], capsys)
    assert code == 2
    assert ("XDG_CACHE_HOME is 'rel', a relative path, which the XDG Base Directory "
            "Specification says to ignore, HOME is not set and this user has no home "
            "folder; set XDG_CACHE_HOME to an absolute path elsewhere, or pass --cache DIR "
            "(or --no-cache)") in err
    assert out == ""  # a usage error: one message, no JSON
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize(("home", "said"), [
    ("", "HOME is empty"),  # "/" to Path.home(): the cache would go to /.cache/corpuskit
    (".", "HOME is '.', a relative path"),  # wherever a build is run (seeds/, dist/)
])
def test_an_empty_or_relative_home_gives_no_cache_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], home: str, said: str) -> None:
    from corpuskit.usercache import user_cache_dir

    seeds = make_seeds(tmp_path, GOOD)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", home)
    monkeypatch.chdir(tmp_path)
    assert user_cache_dir() is None
    code, _, err = _build([str(seeds), "--out", str(tmp_path / "dist")], capsys)
    assert code == 2
    assert f"XDG_CACHE_HOME is not set, and {said}; set XDG_CACHE_HOME" in err, err
    assert not (tmp_path / ".cache").exists() and not (tmp_path / "dist").exists()
    code, _, err = _build([str(seeds), "--out", str(tmp_path / "dist"), "--no-cache"], capsys)
    assert code == 0, err


@pytest.mark.parametrize("where", ["seeds", "dist"])
def test_a_default_cache_folder_in_the_seeds_or_the_output_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], where: str) -> None:
    """No --cache was given: the message names the variable the folder came from, not an
    option the user never passed, nor "the default" as the way out."""
    seeds = make_seeds(tmp_path, GOOD)
    before = tree_bytes(seeds)
    dist = tmp_path / "dist"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / where / "cc"))
    code, out, err = _build([str(seeds), "--out", str(dist), "--json"], capsys)
    assert code == 2
    folder = "the seeds folder" if where == "seeds" else "the output folder"
    assert (f"the default cache folder {tmp_path / where / 'cc' / 'corpuskit'} "
            f"($XDG_CACHE_HOME/corpuskit) is inside {folder}") in err, err
    assert "--cache " + str(tmp_path) not in err
    assert out == ""
    assert tree_bytes(seeds) == before
    assert not dist.exists()


@pytest.mark.parametrize("inside", ["", "cache"])
def test_a_cache_folder_in_the_output_folder_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], inside: str) -> None:
    """The output folder holds releases only (the README: the cache is never in dist/)."""
    seeds = make_seeds(tmp_path, GOOD)
    dist = tmp_path / "dist"
    cache = dist / inside if inside else dist
    code, _, err = _build([str(seeds), "--out", str(dist), "--cache", str(cache)], capsys)
    assert code == 2
    assert f"--cache {cache} is inside the output folder {dist}, which holds releases only" \
        in err
    assert not dist.exists()


def test_a_cache_folder_that_cannot_be_written_is_said(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A cache only saves time, so the build goes on; but a mis-set folder would make
    every build a full one without a word."""
    seeds = make_seeds(tmp_path, GOOD)
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder\n")
    monkeypatch.setenv("XDG_CACHE_HOME", str(a_file))
    code, out, err = _build([str(seeds), "--out", str(tmp_path / "dist"), "--json"], capsys)
    assert code == 0, err
    note = (f"note: the cache folder {a_file / 'corpuskit'} cannot be written (Not a "
            f"directory): {NOTHING_KEPT}")
    assert note in err, err
    assert json.loads(out)["status"] == "built"
    code, _, err = _build([str(seeds), "--out", str(tmp_path / "dist-2"), "--cache",
                           str(tmp_path / "fine")], capsys)
    assert code == 0 and "cannot be written" not in err, err


@pytest.mark.parametrize("variable", ["XDG_CACHE_HOME", "HOME"])
def test_a_default_cache_folder_through_a_loop_of_links_is_a_note(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    """XDG_CACHE_HOME (or HOME) through a loop of links was a traceback (Path.resolve()'s
    RuntimeError, QA); it is a default cache folder that cannot be written, as one that
    is a file: a note, and the build goes on without a cache."""
    seeds = make_seeds(tmp_path, GOOD)
    loop = tmp_path / "loop1"
    loop.symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(loop)
    if variable == "HOME":
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv(variable, str(loop))
    folder = loop / (".cache/corpuskit" if variable == "HOME" else "corpuskit")
    for argv in (["build", str(seeds), "--out", str(tmp_path / "dist")],
                 ["release", "--seeds", str(seeds), "--out", str(tmp_path / "dist-2")]):
        capsys.readouterr()
        code = main([*argv, "--json"])
        captured = capsys.readouterr()
        assert code == 0, captured.err
        note = (f"note: the cache folder {folder} cannot be written ({loop} is a symbolic "
                f"link that leads back to itself (a loop of links)): {NOTHING_KEPT}")
        assert note in captured.err, captured.err
        assert json.loads(captured.out)["release"].endswith("test-corpus-1.0.0")


def test_release_says_its_cache_cannot_be_written(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """release builds as build does, and passes the build's notes on (a default cache
    folder that is a file: ``--cache FILE`` is a usage error)."""
    seeds = make_seeds(tmp_path, GOOD)
    a_file = tmp_path / "xdg" / "corpuskit"
    a_file.parent.mkdir()
    a_file.write_text("not a folder\n")
    monkeypatch.setenv("XDG_CACHE_HOME", str(a_file.parent))
    capsys.readouterr()
    code = main(["release", "--seeds", str(seeds), "--out", str(tmp_path / "dist"), "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    said = f"the cache folder {a_file} cannot be written"
    assert f"note: {said} (it is a file, not a folder): {NOTHING_KEPT}; fix it" \
        in captured.err, captured.err  # (it had "File exists", and "still read")
    assert any(note.startswith(said) for note in json.loads(captured.out)["notes"])


@pytest.mark.parametrize("given", [True, False])
def test_an_output_folder_in_the_cache_folder_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], given: bool) -> None:
    """The cache may be deleted at any time (the README): releases inside it would go
    with it. Refused whether the cache folder was given (--cache) or is the default."""
    seeds = make_seeds(tmp_path, GOOD)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    cache = tmp_path / "cache" if given else tmp_path / "xdg" / "corpuskit"
    dist = cache / "dist"
    code, out, err = _build([str(seeds), "--out", str(dist), "--json",
                             *(["--cache", str(cache)] if given else [])], capsys)
    assert code == 2
    said = (f"--out {dist} is inside the cache folder {cache}" if given else
            f"the output folder {dist} is inside the default cache folder {cache} "
            "($XDG_CACHE_HOME/corpuskit)")
    assert said in err, err
    assert "may be cleared at any time, and the releases with it" in err
    assert out == ""
    assert not dist.exists()


@pytest.mark.parametrize("command", ["build", "release"])
def test_a_cache_folder_that_cannot_be_read_is_a_note_however_it_is_named(
        command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """--cache of a folder that cannot be read was a usage error (exit 2), while the same
    folder as the default cache was a note saying what earlier builds kept there "is still
    read", which it is not (QA, as a user without root: chmod 000)."""
    seeds = make_seeds(tmp_path, GOOD)
    cache = tmp_path / "locked"
    cache.mkdir()
    real_access = os.access
    build_module = importlib.import_module("corpuskit.build")  # not the function "build"
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False
                        if Path(path) == cache else real_access(path, mode, **kw))
    monkeypatch.setattr(build_module, "cache_problem", lambda folder: "Permission denied")
    argv = ([command, str(seeds), "--out", str(tmp_path / "dist")] if command == "build" else
            [command, "--seeds", str(seeds), "--out", str(tmp_path / "dist")])
    capsys.readouterr()
    code = main([*argv, "--cache", str(cache)])
    err = capsys.readouterr().err
    assert code == 0, err
    assert f"note: the cache folder {cache} cannot be written (Permission denied): " \
           f"{NOTHING_KEPT}; fix it" in err, err
    assert "still read" not in err


def _folder_of_releases(tmp_path: Path) -> tuple[Path, Path]:
    """Seeds and a folder of releases (``dist/``) holding their release: its folder and
    its zip."""
    seeds = make_seeds(tmp_path, GOOD)
    dist = tmp_path / "dist"
    assert main(["build", str(seeds), "--out", str(dist), "--no-cache"]) == 0
    return seeds, dist


@pytest.mark.parametrize(("command", "where", "zip_only"), [
    ("build", "", False), ("build", "", True), ("release", "", False),
    ("build", "cache", False), ("build", "cache", True), ("release", "cache", False),
])
def test_a_cache_folder_in_another_folder_of_releases_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, where: str,
        zip_only: bool) -> None:
    """--cache dist --out OTHER was accepted: the cache wrote its entries, states and
    listings among the releases (which clearing the cache would delete), in a folder that
    holds releases only. A folder of releases is told by the releases it holds: a release
    folder, or a zip whose folder was removed."""
    seeds, dist = _folder_of_releases(tmp_path)
    if zip_only:
        shutil.rmtree(dist / "test-corpus-1.0.0")
    cache = dist / where if where else dist
    before = sorted(path.relative_to(dist) for path in dist.rglob("*"))
    other = tmp_path / "other"
    held = "test-corpus-1.0.0.zip" if zip_only else "test-corpus-1.0.0"
    argv = ([command, str(seeds)] if command == "build" else
            [command, "minor", "--seeds", str(seeds)])
    capsys.readouterr()
    code = main([*argv, "--out", str(other), "--cache", str(cache), "--json"])
    out, err = capsys.readouterr()
    assert code == 2, err
    said = (f"--cache {cache} is a folder of releases (it holds {held}), which holds "
            "releases only: clearing the cache would delete them; put the cache folder "
            "elsewhere (for example the default, " if not where else
            f"--cache {cache} is inside the folder of releases {dist} (it holds {held}), "
            "which holds releases only; put the cache folder elsewhere (for example the "
            "default, ")
    assert said in err, err
    assert out == ""
    assert sorted(path.relative_to(dist) for path in dist.rglob("*")) == before
    assert not other.exists()



@pytest.mark.parametrize("inside", ["", "data/cache"])
def test_a_cache_folder_in_a_release_folder_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], inside: str) -> None:
    seeds, dist = _folder_of_releases(tmp_path)
    release = dist / "test-corpus-1.0.0"
    cache = release / inside if inside else release
    before = tree_bytes(release)
    code, out, err = _build([str(seeds), "--out", str(tmp_path / "other"), "--cache",
                             str(cache), "--json"], capsys)
    assert code == 2, err
    where = "is inside the" if inside else "is the"
    assert (f"--cache {cache} {where} release folder {release}, which no build may change "
            "(released versions are immutable); put the cache folder elsewhere") in err, err
    assert out == ""
    assert tree_bytes(release) == before
    assert not (tmp_path / "other").exists()


def test_the_default_cache_folder_holding_releases_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Releases built there with --no-cache (the cache is not used, so not refused): the
    next build's default cache would be that folder of releases. The message names where
    the folder came from, not an option the user never passed."""
    seeds = make_seeds(tmp_path, GOOD)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    default = tmp_path / "xdg" / "corpuskit"
    code, _, err = _build([str(seeds), "--out", str(default), "--no-cache"], capsys)
    assert code == 0, err
    code, out, err = _build([str(seeds), "--out", str(tmp_path / "dist"), "--json"], capsys)
    assert code == 2, err
    assert out == ""
    assert (f"the default cache folder {default} is a folder of releases (it holds "
            "test-corpus-1.0.0), which holds releases only: clearing the cache would delete "
            "them; set XDG_CACHE_HOME to an absolute path elsewhere, or pass --cache DIR (or "
            "--no-cache)") in err, err
    assert "--cache " + str(default) not in err
    assert not (tmp_path / "dist").exists()


def test_a_cache_folder_with_other_files_or_beside_the_seeds_is_used(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Only releases make a folder of releases: a zip that is no release (no seal), a
    folder named as a release that is no package, and other files are the user's, kept;
    the default cache folder and one beside the seeds and the releases are used."""
    seeds, _ = _folder_of_releases(tmp_path)  # dist/ beside the seeds, and the cache
    cache = tmp_path / "mine"
    (cache / "notes-1.0.0").mkdir(parents=True)
    (cache / "photos.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    (cache / "todo.txt").write_text("the user's own\n")
    theirs = tree_bytes(cache)
    code, _, err = _build([str(seeds), "--out", str(tmp_path / "a"), "--cache", str(cache),
                           "--json"], capsys)
    assert code == 0, err
    assert {name: data for name, data in tree_bytes(cache).items() if name in theirs} \
        == theirs
    assert any(len(folder.name) == 2 for folder in cache.iterdir())  # its entries
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    for extra in ([], ["--cache", str(tmp_path / "cache")]):
        code, _, err = _build([str(seeds), "--out", str(tmp_path / "b"), *extra], capsys)
        assert code == 0, err
    assert (tmp_path / "xdg" / "corpuskit").is_dir() and (tmp_path / "cache").is_dir()


@pytest.mark.parametrize("cache", ["other", ""])
def test_an_output_folder_that_is_a_cache_folder_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], cache: str) -> None:
    """--out CACHE was accepted when the build's cache was another folder (or none): its
    releases went into a folder that may be cleared at any time. A cache folder is told by
    the entries a build wrote there."""
    seeds = make_seeds(tmp_path, GOOD)
    used = tmp_path / "used"
    code, _, err = _build([str(seeds), "--out", str(tmp_path / "dist"), "--cache",
                           str(used)], capsys)
    assert code == 0, err
    before = sorted(path.relative_to(used) for path in used.rglob("*"))
    option = ["--cache", str(tmp_path / cache)] if cache else ["--no-cache"]
    code, out, err = _build([str(seeds), "--out", str(used), *option, "--json"], capsys)
    assert code == 2, err
    assert f"--out {used} is a cache folder (it holds a build's cache entries, in " in err, err
    assert ("), which may be cleared at any time, and the releases with it; put the output "
            "folder elsewhere (for example dist/ beside seeds/)") in err
    assert out == ""
    assert sorted(path.relative_to(used) for path in used.rglob("*")) == before
