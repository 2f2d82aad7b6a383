"""A build killed with SIGKILL at any moment loses nothing and blocks nothing.

Each test builds release 1.0.0, then runs the CLI for 1.1.0 in a child process with one
function patched to SIGKILL the process at a chosen moment (``--jobs 1``, so the kill hits
the process that holds the lock and writes the package). After the kill the output folder
holds either no new release or a complete, valid folder (its zip is written after it, so a
kill in between leaves the folder without its zip); release 1.0.0 keeps every byte; and the
next build, with no manual clean-up, succeeds and writes exactly what an undisturbed build
writes. A zip whose folder was removed by hand is a release all the same.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from reliability_support import (
    DOCS_V1,
    DOCS_V2,
    EPOCH,
    assert_valid_release,
    build_args,
    run_cli,
    run_here,
    snapshot,
    stale_entries,
    tree_files,
    visible_entries,
    write_seeds,
)

import corpuskit
from corpuskit.dist import find_releases

NAME = "test-corpus"
OLD, NEW = f"{NAME}-1.0.0", f"{NAME}-1.1.0"

#: Patches that kill the build at one moment each; ``_die()`` is SIGKILL (see the helpers).
KILL_POINTS: dict[str, str] = {
    # the 3rd input file is being read: two raw copies are in the temporary folder
    "reading": """
        import corpuskit.engine as engine
        _read, _calls = engine.read_source_stat, []
        def read_source_stat(seeds, ref, **limits):
            _calls.append(ref)
            if len(_calls) == 3:
                _die()
            return _read(seeds, ref, **limits)
        engine.read_source_stat = read_source_stat
    """,
    # a shard is processed: raw copies and its JSONL shard file are written
    "shard-processed": """
        import corpuskit.engine as engine
        _process = engine.process_shard
        def process_shard(task, *more):
            _process(task, *more)
            _die()
        engine.process_shard = process_shard
    """,
    # documents.jsonl and part of the manifest are written (and flushed to the file)
    "writing-records": """
        from corpuskit.writer import HashingWriter
        _write, _calls = HashingWriter.write, []
        def write(self, data):
            _write(self, data)
            _calls.append(len(data))
            if len(_calls) == 2:
                self._handle.flush()
                _die()
        HashingWriter.write = write
    """,
    # the folder is in place; four members of the zip are written into its temporary file
    "archiving": """
        import corpuskit.zipfiles.archive as archive
        _files = archive.package_files
        def package_files(folder):
            for index, rel in enumerate(_files(folder)):
                if index == 4:
                    _die()
                yield rel
        archive.package_files = package_files
    """,
    # the folder is in place; the zip is complete in its temporary file, about to be
    # renamed into place
    "zip-rename": """
        _replace = os.replace
        def replace(src, dst, **kwargs):
            if str(dst).endswith(".zip"):
                _die()
            return _replace(src, dst, **kwargs)
        os.replace = replace
    """,
    # the folder is complete but not committed (nor the zip written)
    "before-commit": """
        from corpuskit.writer import PackageWriter
        def commit(self):
            _die()
        PackageWriter.commit = commit
    """,
    # commit's own os.rename of the folder, after it fixed the folder modes
    "folder-rename": """
        _rename = os.rename
        def rename(src, dst, **kwargs):
            if Path(dst).name.startswith("test-corpus-"):
                _die()
            return _rename(src, dst, **kwargs)
        os.rename = rename
    """,
    # the folder is renamed into place, its zip not written yet; the lock is still held
    "after-commit": """
        _rename = os.rename
        def rename(src, dst, **kwargs):
            _rename(src, dst, **kwargs)
            if Path(dst).name.startswith("test-corpus-"):
                _die()
        os.rename = rename
    """,
}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """What an undisturbed build of 1.1.0 writes: the folder's files and the zip's bytes."""
    root = tmp_path_factory.mktemp("reference")
    seeds = write_seeds(root / "seeds", DOCS_V2, {"version": "1.1.0"})
    result = corpuskit.build(seeds, root / "out", source_date_epoch=EPOCH, jobs=1)
    files = {f"{NEW}/{rel}": data for rel, data in tree_files(result.release).items()}
    files[f"{NEW}.zip"] = result.archive.read_bytes()
    return files


@pytest.fixture(scope="module")
def first_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An output folder holding release 1.0.0, built once; tests work on copies."""
    root = tmp_path_factory.mktemp("first-release")
    seeds = write_seeds(root / "seeds", DOCS_V1)
    first = run_here(build_args(seeds, root / "out"))
    assert first.code == 0, first.stderr
    return root / "out"


@pytest.fixture
def released(first_release: Path,
             tmp_path: Path) -> tuple[Path, Path, dict[str, tuple[int, str]]]:
    """Seeds at 1.1.0 and an output folder holding release 1.0.0 (and its snapshot)."""
    out = Path(shutil.copytree(first_release, tmp_path / "out", symlinks=True))
    seeds = write_seeds(tmp_path / "seeds", DOCS_V2, {"version": "1.1.0"})
    return seeds, out, snapshot(out)


def old_release(out: Path) -> dict[str, tuple[int, str]]:
    return {rel: value for rel, value in snapshot(out).items()
            if rel == f"{OLD}.zip" or rel == OLD or rel.startswith(f"{OLD}/")}


def assert_no_partial_release(out: Path) -> None:
    """The new release is absent or a complete folder; its zip, if there, is complete: the
    zip is written after the folder, never without it."""
    entries = visible_entries(out)
    assert entries <= {OLD, f"{OLD}.zip", NEW, f"{NEW}.zip"}, entries
    if f"{NEW}.zip" in entries:
        assert NEW in entries, "a build wrote a zip without its folder"
    if NEW in entries:
        assert_valid_release(out / NEW, out / f"{NEW}.zip" if f"{NEW}.zip" in entries
                             else None)
    releases = [path.name for _, path in find_releases(out, NAME)]
    assert releases == sorted(entries & {OLD, NEW})


def assert_recovered(out: Path, reference: dict[str, bytes],
                     old: dict[str, tuple[int, str]]) -> None:
    assert stale_entries(out) == []
    assert visible_entries(out) == {OLD, f"{OLD}.zip", NEW, f"{NEW}.zip"}
    assert old_release(out) == old
    assert_valid_release(out / NEW, out / f"{NEW}.zip")
    rebuilt = {f"{NEW}/{rel}": data for rel, data in tree_files(out / NEW).items()}
    rebuilt[f"{NEW}.zip"] = (out / f"{NEW}.zip").read_bytes()
    assert rebuilt == reference


@pytest.mark.parametrize("moment", list(KILL_POINTS))
def test_killed_build_leaves_no_partial_release_and_next_build_succeeds(
        moment: str, released: tuple[Path, Path, dict[str, tuple[int, str]]],
        reference: dict[str, bytes]) -> None:
    seeds, out, before = released
    old = old_release(out)
    assert old == {rel: v for rel, v in before.items() if rel.startswith(OLD)}

    killed = run_cli(build_args(seeds, out), KILL_POINTS[moment])
    assert killed.code == -9, f"the patch never fired: {killed.stderr}"
    assert old_release(out) == old, "release 1.0.0 changed"
    assert_no_partial_release(out)

    again = run_here(build_args(seeds, out))
    assert again.code == 0, again.stderr
    assert "Traceback" not in again.stderr
    assert_recovered(out, reference, old)


def test_kill_after_commit_leaves_the_complete_folder_and_the_next_build_writes_its_zip(
        released: tuple[Path, Path, dict[str, tuple[int, str]]],
        reference: dict[str, bytes]) -> None:
    seeds, out, _ = released
    old = old_release(out)
    assert run_cli(build_args(seeds, out), KILL_POINTS["after-commit"]).code == -9
    assert not (out / f"{NEW}.zip").exists()
    assert_valid_release(out / NEW, None)
    again = run_here(build_args(seeds, out))
    assert again.code == 0, again.stderr
    assert "identical content" in again.stderr
    assert_recovered(out, reference, old)


def test_a_zip_without_its_folder_is_a_release(
        released: tuple[Path, Path, dict[str, tuple[int, str]]],
        reference: dict[str, bytes]) -> None:
    """A build never leaves a zip without its folder; a zip whose folder was removed by hand
    is a release, published perhaps: other content under its version is refused and the
    zip kept as it was; the same content puts the folder back."""
    seeds, out, _ = released
    old = old_release(out)
    assert run_here(build_args(seeds, out)).code == 0
    shutil.rmtree(out / NEW)
    published = (out / f"{NEW}.zip").read_bytes()

    (seeds / "doc9.txt").write_text("Fixed before release\n\nThis text came in late.\n")
    refused = run_here(build_args(seeds, out))
    assert refused.code == 1, refused.stderr
    assert f"{NEW}.zip" in refused.stderr and "other content" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert (out / f"{NEW}.zip").read_bytes() == published
    assert not (out / NEW).exists() and stale_entries(out) == []

    (seeds / "doc9.txt").unlink()
    again = run_here(build_args(seeds, out))
    assert again.code == 0, again.stderr
    assert "restored" in again.stderr
    assert_recovered(out, reference, old)


def test_killed_build_into_a_new_output_folder(tmp_path: Path) -> None:
    """The first build into a folder that did not exist: killed, then built again."""
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
    out = tmp_path / "new" / "dist"
    assert run_cli(build_args(seeds, out), KILL_POINTS["reading"]).code == -9
    assert visible_entries(out) == set()
    assert run_cli(build_args(seeds, out), KILL_POINTS["archiving"]).code == -9
    assert visible_entries(out) == {OLD}  # the folder is in place, its zip is not yet
    again = run_here(build_args(seeds, out))
    assert again.code == 0, again.stderr
    assert visible_entries(out) == {OLD, f"{OLD}.zip"}
    assert stale_entries(out) == []
    assert_valid_release(out / OLD, out / f"{OLD}.zip")


def test_killed_build_in_a_worker_process(
        released: tuple[Path, Path, dict[str, tuple[int, str]]],
        reference: dict[str, bytes]) -> None:
    """With two jobs and two shards, a worker killed while reading: the build fails
    (no hang, no release) and the next build succeeds. Undisturbed, this build takes
    about one second."""
    seeds, out, _ = released
    old = old_release(out)
    patch = """
        import corpuskit.engine as engine
        import corpuskit.shards as shards
        shards.SHARD_MIN = shards.SHARD_MAX = 4
        _read = engine.read_source_stat
        def read_source_stat(seeds, ref, **limits):
            if ref.path == "doc5.txt":
                _die()
            return _read(seeds, ref, **limits)
        engine.read_source_stat = read_source_stat
    """
    killed = run_cli(["build", seeds, "--out", out, "--jobs", "2", "--no-cache"], patch,
                     timeout=8)
    assert killed.code != 0
    assert old_release(out) == old
    assert_no_partial_release(out)
    again = run_here(build_args(seeds, out))
    assert again.code == 0, again.stderr
    assert_recovered(out, reference, old)


# -- release -------------------------------------------------------------------------------

def changelog_versions(text: str) -> list[str]:
    return re.findall(r"^## \[?([0-9][^\]\s]*)", text, flags=re.MULTILINE)


def release_outcome(seeds: Path, out: Path) -> dict[str, bytes]:
    """The bytes a release leaves: the new folder's files, its zip, and the seeds' edits."""
    files = {f"{NEW}/{rel}": data for rel, data in tree_files(out / NEW).items()}
    files[f"{NEW}.zip"] = (out / f"{NEW}.zip").read_bytes()
    for name in ("corpus.toml", "CHANGELOG.md"):
        files[f"seeds/{name}"] = (seeds / name).read_bytes()
    return files


#: When the killed release below is run (a day later than 1.0.0, and than the run again).
KILLED_AT = {"SOURCE_DATE_EPOCH": str(int(EPOCH) + 86_400)}


@pytest.fixture(scope="module")
def uninterrupted_release(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """What one undisturbed ``release minor`` from 1.0.0 leaves behind, released when the
    killed one was."""
    root = tmp_path_factory.mktemp("uninterrupted-release")
    seeds = write_seeds(root / "seeds", DOCS_V1)
    out = root / "out"
    assert run_here(build_args(seeds, out)).code == 0
    write_seeds(seeds, {**DOCS_V1, "sub/doc9.txt": DOCS_V2["sub/doc9.txt"]})
    done = run_cli(["release", "minor", "--seeds", seeds, "--out", out, "--jobs", "1",
                    "--no-cache"], env=KILLED_AT)
    assert done.code == 0, done.stderr
    return release_outcome(seeds, out)


@pytest.mark.parametrize("moment", ["reading", "archiving"])
def test_killed_release_can_be_run_again(moment: str, tmp_path: Path,
                                         uninterrupted_release: dict[str, bytes]) -> None:
    """``release`` killed mid-build has already written corpus.toml and CHANGELOG.md;
    running it again finishes the release with one changelog entry per version, and
    leaves exactly the bytes of one undisturbed release made when it was: the seeds cannot
    tell a killed release from one made elsewhere and not kept in this --out (a dist not
    committed), whose time a new one would make a second, other release of that version
    (QA)."""
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
    out = tmp_path / "out"
    assert run_here(build_args(seeds, out)).code == 0
    old = old_release(out)
    write_seeds(seeds, {**DOCS_V1, "sub/doc9.txt": DOCS_V2["sub/doc9.txt"]})
    release: list[str | Path] = ["release", "minor", "--seeds", seeds, "--out", out, "--jobs",
                                 "1", "--no-cache"]
    # killed at another time than it is run again: the time it recorded is kept
    killed_at = KILLED_AT
    assert run_cli(release, KILL_POINTS[moment], env=killed_at).code == -9
    assert_no_partial_release(out)
    assert changelog_versions((seeds / "CHANGELOG.md").read_text("utf-8")).count("1.1.0") == 1

    again = run_here(release)
    if moment == "archiving":
        # The folder of 1.1.0 was in place: that is the release; release says how to
        # finish it, and build writes its zip.
        assert again.code == 1 and "has no zip beside it" in again.stderr, again.stderr
        assert (out / NEW).is_dir() and not (out / f"{NEW}.zip").exists()
        finished = run_cli(build_args(seeds, out), env=killed_at)  # the release's time
        assert finished.code == 0, finished.stderr
        assert_valid_release(out / NEW, out / f"{NEW}.zip")
        assert stale_entries(out) == [] and old_release(out) == old
        changelog = (out / NEW / "CHANGELOG.md").read_text("utf-8")
        assert changelog_versions(changelog).count("1.1.0") == 1, changelog
        return
    assert again.code == 0, again.stderr
    assert "held the release time and entry of test-corpus 1.1.0, which is not in " \
        in again.stderr, again.stderr
    assert "finishes it with that time (not SOURCE_DATE_EPOCH's), the same bytes as that " \
        "release" in again.stderr, again.stderr
    assert old_release(out) == old
    assert_valid_release(out / NEW, out / f"{NEW}.zip")
    assert stale_entries(out) == []
    changelog = (out / NEW / "CHANGELOG.md").read_text("utf-8")
    assert changelog_versions(changelog).count("1.1.0") == 1, changelog
    assert release_outcome(seeds, out) == uninterrupted_release


def test_release_refuses_a_changelog_entry_it_did_not_write(tmp_path: Path) -> None:
    """An unreleased version's entry that differs from the one the release writes (by
    hand, or an interrupted release of other content) is neither duplicated nor lost."""
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
    out = tmp_path / "out"
    assert run_here(build_args(seeds, out)).code == 0
    write_seeds(seeds, {**DOCS_V1, "sub/doc9.txt": DOCS_V2["sub/doc9.txt"]})
    shipped = (out / OLD / "CHANGELOG.md").read_text("utf-8")
    mine = shipped.replace("## 1.0.0", "## 1.1.0 (soon)\n\nMy own notes.\n\n## 1.0.0", 1)
    (seeds / "CHANGELOG.md").write_text(mine, "utf-8")
    before = snapshot(seeds)
    done = run_here(["release", "minor", "--seeds", seeds, "--out", out, "--jobs", "1",
                     "--no-cache"])
    assert done.code == 1, done.stderr
    assert "already has an entry for 1.1.0" in done.stderr and "remove that entry" in done.stderr
    assert snapshot(seeds) == before
    assert visible_entries(out) == {OLD, f"{OLD}.zip"}


@pytest.mark.parametrize(("headings", "said"), [
    ("## 1.0.1 (soon)\n\nHand written, never released.\n\n", "an entry for 1.0.1"),
    ("## 2.0.0 (2026-12-01)\n\nLeft by a killed release.\n\n## 1.0.1\n\nMore.\n\n",
     "entries for 2.0.0, 1.0.1"),
    # Spelled otherwise (QA): each was shipped beside the release's own "## 1.1.0".
    ("## v1.1.0\n\nWritten ahead.\n\n", "an entry for v1.1.0"),
    ("## 1.1.0+build.5\n\nWritten ahead.\n\n", "an entry for 1.1.0+build.5"),
    ("## 1.1\n\nWritten ahead.\n\n", "an entry for 1.1"),
])
def test_release_refuses_entries_of_versions_never_released(
        tmp_path: Path, headings: str, said: str) -> None:
    """Only an entry for the new version was refused: a 1.1.0 release shipped "## 1.0.1"
    and "## 2.0.0" entries of versions that were never released, out of order."""
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
    out = tmp_path / "out"
    assert run_here(build_args(seeds, out)).code == 0
    write_seeds(seeds, {**DOCS_V1, "sub/doc9.txt": DOCS_V2["sub/doc9.txt"]})
    shipped = (out / OLD / "CHANGELOG.md").read_text("utf-8")
    (seeds / "CHANGELOG.md").write_text(shipped.replace("## 1.0.0", headings + "## 1.0.0", 1),
                                        "utf-8")
    before = snapshot(seeds)
    done = run_here(["release", "minor", "--seeds", seeds, "--out", out, "--jobs", "1",
                     "--no-cache"])
    assert done.code == 1, done.stderr
    assert (f"has {said}, after the latest release 1.0.0 in {out} and never released, and "
            "this release is 1.1.0") in done.stderr, done.stderr
    assert snapshot(seeds) == before
    assert visible_entries(out) == {OLD, f"{OLD}.zip"}
    unreleased = shipped.replace("## 1.0.0", "## [Unreleased]\n\nNotes.\n\n## 1.0.0", 1)
    (seeds / "CHANGELOG.md").write_text(unreleased, "utf-8")  # no version: no refusal
    done = run_here(["release", "minor", "--seeds", seeds, "--out", out, "--jobs", "1",
                     "--no-cache", "--dry-run"])
    assert done.code == 0, done.stderr


def test_release_killed_before_commit_can_be_run_again(tmp_path: Path) -> None:
    """The orphan zip of a killed release does not block running the release again."""
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
    out = tmp_path / "out"
    assert run_here(build_args(seeds, out)).code == 0
    write_seeds(seeds, {**DOCS_V1, "sub/doc9.txt": DOCS_V2["sub/doc9.txt"]})
    release: list[str | Path] = ["release", "minor", "--seeds", seeds, "--out", out, "--jobs",
                                 "1", "--no-cache"]
    assert run_cli(release, KILL_POINTS["before-commit"]).code == -9
    again = run_here(release)
    assert again.code == 0, again.stderr
    assert_valid_release(out / NEW, out / f"{NEW}.zip")


def test_killed_rebuild_of_an_existing_release_leaves_it_alone(
        released: tuple[Path, Path, dict[str, tuple[int, str]]]) -> None:
    """Rebuilding 1.0.0 compares a probe zip with the existing one: killed while it writes
    the probe, the release keeps every byte and the next rebuild finds it unchanged."""
    seeds, out, before = released
    old = old_release(out)
    write_seeds(seeds, DOCS_V1)
    assert run_cli(build_args(seeds, out), KILL_POINTS["archiving"]).code == -9
    assert old_release(out) == old
    again = run_here(build_args(seeds, out))
    assert again.code == 0 and "identical content" in again.stderr, again.stderr
    assert snapshot(out) == before
    assert stale_entries(out) == []


def test_killed_build_does_not_poison_the_cache(
        released: tuple[Path, Path, dict[str, tuple[int, str]]],
        reference: dict[str, bytes], tmp_path: Path) -> None:
    """With a shard cache, a build killed right after a shard was processed (and cached):
    the next build, from the cache, writes exactly what an undisturbed build writes."""
    seeds, out, _ = released
    old = old_release(out)
    cached: list[str | Path] = ["build", seeds, "--out", out, "--jobs", "1",
                                "--cache", tmp_path / "cache"]
    assert run_cli(cached, KILL_POINTS["shard-processed"]).code == -9
    assert run_cli(cached, KILL_POINTS["reading"]).code == -9
    again = run_here([*cached, "--json"])
    assert again.code == 0, again.stderr
    assert '"cached_shards": 1' in again.stdout
    assert_recovered(out, reference, old)
