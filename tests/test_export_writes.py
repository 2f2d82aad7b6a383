"""How export writes --out: once, into a temporary file in --out's own folder that is
synced and renamed over --out; a failure at any moment (a full disk, Ctrl-C) leaves no
temporary file and --out exactly as it was; a new --out gets the mode the umask gives, a
replaced one keeps its permission bits.

A full disk is simulated without root: the write, the sync or the rename raises ENOSPC.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _consumers import sample
from conftest import umask
from reliability_support import TEMP_PREFIX, run_cli

from corpuskit import writer
from corpuskit.cli import main
from corpuskit.export import export

EARLIER = b"an earlier export\n"
MOMENTS = ["writing", "syncing", "moving into place"]


@pytest.fixture
def package() -> Path:
    """The sample package, built (once per session) before any fault is injected."""
    return sample().release


def _fail_at(monkeypatch: pytest.MonkeyPatch, moment: str, out: Path,
             error: Callable[[], BaseException]) -> None:
    """Make the export of ``out`` raise ``error()`` at ``moment``."""
    if moment == "writing":  # the second write: some of the output has been written
        real_write = writer.HashingWriter.write

        def write(self: writer.HashingWriter, data: bytes | memoryview) -> None:
            if self.bytes:
                self._handle.flush()
                raise error()
            real_write(self, data)

        monkeypatch.setattr(writer.HashingWriter, "write", write)
    elif moment == "syncing":  # where a delayed allocation reports a full disk
        def fsync(fd: int) -> None:
            raise error()

        monkeypatch.setattr(os, "fsync", fsync)
    else:
        real_replace = os.replace

        def replace(source: Any, target: Any, **kwargs: Any) -> None:
            if Path(target) == out:
                raise error()
            real_replace(source, target, **kwargs)

        monkeypatch.setattr(os, "replace", replace)


def _earlier_output(folder: Path, name: str = "out.dolma") -> tuple[Path, os.stat_result]:
    out = folder / name
    out.write_bytes(EARLIER)
    out.chmod(0o640)
    return out, out.stat()


def _assert_as_it_was(out: Path, before: os.stat_result) -> None:
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name], "a file was left"
    after = out.stat()
    assert out.read_bytes() == EARLIER
    assert (after.st_ino, after.st_mode, after.st_size, after.st_mtime_ns) == (
        before.st_ino, before.st_mode, before.st_size, before.st_mtime_ns)


@pytest.mark.parametrize("moment", MOMENTS)
def test_a_full_disk_leaves_no_temporary_file_and_out_as_it_was(
        moment: str, package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Before, a rename that failed left the temporary copy beside --out, and nothing was
    synced: a disk that reports itself full only then gave a complete-looking export."""
    out, before = _earlier_output(tmp_path)
    _fail_at(monkeypatch, moment, out, lambda: OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    capsys.readouterr()
    assert main(["export", str(package), "--format", "dolma", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"cannot write {out}: No space left on device" in err, err
    assert TEMP_PREFIX not in err and "Traceback" not in err
    _assert_as_it_was(out, before)


@pytest.mark.parametrize("moment", MOMENTS)
def test_ctrl_c_leaves_no_temporary_file_and_out_as_it_was(
        moment: str, package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out, before = _earlier_output(tmp_path)
    _fail_at(monkeypatch, moment, out, KeyboardInterrupt)
    with pytest.raises(KeyboardInterrupt):
        export(package, "dolma", out)
    _assert_as_it_was(out, before)


def test_an_export_needs_room_for_one_copy_of_its_output(
        package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The output is written once, beside --out: it was written into a scratch folder,
    then copied beside --out, and a volume with room for one copy was full."""
    folder, elsewhere = tmp_path / "exports", tmp_path / "tmp"
    folder.mkdir()
    elsewhere.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(elsewhere))  # any scratch file shows
    out, _ = _earlier_output(folder, "out.parquet")
    written: set[Path] = set()
    peak = 0

    def measure() -> None:
        nonlocal peak
        total = 0
        for root, _, names in os.walk(tmp_path):
            for name in names:
                path = Path(root, name)
                written.add(path)
                total += path.lstat().st_size
        peak = max(peak, total)

    real_replace = os.replace

    def replace(source: Any, target: Any, **kwargs: Any) -> None:
        measure()  # everything is on disk now, just before the output takes its name
        real_replace(source, target, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    result = export(package, "parquet", out)
    assert peak <= len(EARLIER) + result.bytes, "more than one copy of the output on disk"
    assert {path.parent for path in written} == {folder}
    assert sorted(p.name for p in folder.iterdir()) == ["out.parquet"]
    assert list(elsewhere.iterdir()) == []


def test_concurrent_exports_to_one_file_use_temporary_files_of_their_own(
        package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two exports of one process (two threads) to the same --out, both with their output
    written and about to rename it: the temporary name was the same for both
    (``.corpuskit-tmp-out.csv-PID``), so one export moved the other's file away and failed."""
    out = tmp_path / "out.csv"
    export(package, "csv", tmp_path / "expected.csv")
    both_written = threading.Barrier(2, timeout=30)
    real_replace = os.replace

    def replace(source: Any, target: Any, **kwargs: Any) -> None:
        if Path(target) == out:
            both_written.wait()
        real_replace(source, target, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    failures: list[BaseException] = []

    def run() -> None:
        try:
            export(package, "csv", out, verify=False)
        except BaseException as exc:  # reported below
            failures.append(exc)
            both_written.abort()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert out.read_bytes() == (tmp_path / "expected.csv").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["expected.csv", "out.csv"]




@pytest.mark.parametrize(("mask", "mode"), [(0o077, 0o600), (0o027, 0o640), (0o002, 0o664)],
                         ids=["umask-077", "umask-027", "umask-002"])
def test_a_new_export_gets_the_mode_the_umask_gives(mask: int, mode: int, package: Path,
                                                    tmp_path: Path) -> None:
    """It was always 0644: readable by everyone under umask 077."""
    with umask(mask):
        for fmt in ("parquet", "csv", "dolma"):
            export(package, fmt, tmp_path / f"new.{fmt}")
    for fmt in ("parquet", "csv", "dolma"):
        assert stat.S_IMODE((tmp_path / f"new.{fmt}").stat().st_mode) == mode, fmt


@pytest.mark.parametrize("mode", [0o600, 0o664], ids=["0600", "0664"])
def test_a_replaced_export_keeps_its_permission_bits(mode: int, package: Path,
                                                     tmp_path: Path) -> None:
    """A private 0600 --out became 0644. The file is hard-linked to another name, which
    the export leaves as it was: only the name --out is replaced."""
    out, _ = _earlier_output(tmp_path, "out.csv")
    out.chmod(mode)
    os.link(out, tmp_path / "kept.csv")
    with umask(0o022):
        export(package, "csv", out)
    assert out.read_text("utf-8").startswith("id,title,date")
    assert stat.S_IMODE(out.stat().st_mode) == mode
    kept = tmp_path / "kept.csv"
    assert kept.read_bytes() == EARLIER
    assert stat.S_IMODE(kept.stat().st_mode) == mode and kept.stat().st_nlink == 1


#: The export child writes some of its output, then is killed outright (SIGKILL).
KILL_WHILE_WRITING = """
    import corpuskit.writer as writer
    _write = writer.HashingWriter.write
    def write(self, data):
        _write(self, data)
        self._handle.flush()
        _die()
    writer.HashingWriter.write = write
"""


def test_the_next_export_removes_what_a_killed_export_left(package: Path,
                                                          tmp_path: Path) -> None:
    """A killed export cannot remove its temporary file: the next export to the same
    --out does, once the process that wrote it is gone, and nothing else: not the file
    of a running export, of another --out, nor a link."""
    out = tmp_path / "out.csv"
    killed = run_cli(["export", package, "--format", "csv", "--out", out],
                     KILL_WHILE_WRITING)
    assert killed.code == -signal.SIGKILL, killed.stderr
    left = list(tmp_path.iterdir())
    assert len(left) == 1 and left[0].is_file() and left[0].stat().st_size > 0
    assert re.fullmatch(r"\.corpuskit-tmp-out\.csv-[0-9]+-[a-z0-9_]{8}", left[0].name)

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    also_dead = tmp_path / f".corpuskit-tmp-out.csv-{dead.pid}-abcd_123"
    kept = [tmp_path / f".corpuskit-tmp-out.csv-{os.getpid()}-efgh_456",  # running
            tmp_path / f".corpuskit-tmp-other.csv-{dead.pid}-abcd_123",  # another --out
            tmp_path / f".corpuskit-tmp-out.csv-2-{dead.pid}-ijkl_789",  # ... "out.csv-2"
            tmp_path / f".corpuskit-tmp-out.csv-{dead.pid}"]  # not a name export makes
    for path in (also_dead, *kept):
        path.write_text("partial")
    aim = tmp_path / "aim.txt"
    aim.write_text("kept")
    link = tmp_path / f".corpuskit-tmp-out.csv-{dead.pid}-link_123"
    link.symlink_to(aim)

    export(package, "csv", out)
    assert not left[0].exists() and not also_dead.exists()
    assert all(path.read_text() == "partial" for path in kept)
    assert link.is_symlink() and aim.read_text() == "kept"
    assert out.read_text("utf-8").startswith("id,title,date")


@pytest.mark.parametrize("name", ["a" * 246 + ".csv", "é" * 123 + ".csv", "a" * 251 + ".csv"],
                         ids=["250 bytes", "250 bytes of 2-byte characters", "255 bytes"])
def test_an_out_with_a_long_name_is_written(name: str, package: Path, tmp_path: Path) -> None:
    """An --out of a legal name of 229 to 255 bytes failed ("File name too long", exit 1):
    its temporary file ``.corpuskit-tmp-<name>-<pid>-<random>`` was longer than 255 bytes.
    A name too long for that is cut and hashed in the temporary name, which still starts
    with the prefix: the next export to that --out removes what a killed one left."""
    assert len(name.encode("utf-8")) in (250, 255)
    out = tmp_path / name
    killed = run_cli(["export", package, "--format", "csv", "--out", out], KILL_WHILE_WRITING)
    assert killed.code == -signal.SIGKILL, killed.stderr  # the temporary file was opened
    [left] = tmp_path.iterdir()
    assert left.name.startswith(TEMP_PREFIX) and len(left.name.encode("utf-8")) <= 255
    export(package, "csv", tmp_path / "short.csv")
    done = run_cli(["export", package, "--format", "csv", "--out", out])
    assert done.code == 0, done.stderr
    assert out.read_bytes() == (tmp_path / "short.csv").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, "short.csv"])


def test_an_out_whose_name_no_file_may_have_is_a_usage_error(package: Path,
                                                              tmp_path: Path) -> None:
    """A name of 256 bytes gave exit 1, no failure JSON with --json, and advice to run
    from a shorter folder, which fails the same way (QA): no file may have that name."""
    name = "a" * 252 + ".csv"
    done = run_cli(["export", package, "--format", "csv", "--out", tmp_path / name, "--json"])
    assert done.code == 2 and done.stdout == "", done.stderr
    assert "its name is 256 bytes, over the 255-byte limit of a file's name; give a " \
        "shorter name" in done.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("out", ["a-file/x.csv", "a-file/sub/x.csv", "new.csv/", "", "."],
                         ids=["under a file", "under a file, deeper", "a trailing slash",
                              "empty", "a folder"])
def test_an_out_that_names_no_file_is_a_usage_error(out: str, tmp_path: Path) -> None:
    """--out under a file gave exit 1 with the system's "Not a directory" and a failure
    JSON document; --out new.csv/ wrote a file new.csv; an empty --out said to give '.',
    which is then refused as a folder. Each is a usage error now: exit 2, one message
    saying what to give, no JSON, nothing written."""
    (tmp_path / "a-file").write_text("keep\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    done = run_cli(["export", sample().archive, "--format", "csv", "--out", out, "--json"],
                   cwd=tmp_path)
    assert done.code == 2, done.stderr
    assert done.stdout == "" and "Traceback" not in done.stderr
    assert "give a file name" in done.stderr or "give the path of a file" in done.stderr
    assert "'.'" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert (tmp_path / "a-file").read_text() == "keep\n"


def test_an_export_over_a_published_checksum_or_named_as_a_release_is_refused(
        tmp_path: Path) -> None:
    """An export written over dist/<release>.zip.sha256 replaced the published checksum
    (validate then refused the release, load raised PackageIntegrityError), and one named
    dist/<name>-3.0.0 made the next 'corpuskit release' call a CSV a release (QA); beside
    no release, or named otherwise, they are written."""
    import hashlib
    import shutil

    dist = tmp_path / "dist"
    dist.mkdir()
    archive = dist / sample().archive.name
    shutil.copy(sample().archive, archive)
    sidecar = dist / f"{archive.name}.sha256"
    published = f"{hashlib.sha256(archive.read_bytes()).hexdigest()}  {archive.name}\n"
    sidecar.write_text(published)
    done = run_cli(["export", archive, "--format", "csv", "--out", sidecar])
    assert done.code == 2 and "would replace the published checksum of the release " \
        f"{archive.name}" in done.stderr, done.stderr
    assert sidecar.read_text() == published and main(["validate", str(dist)]) == 0
    for named in (dist / "corpus-3.0.0", dist / "Corpus-3.0.0"):  # (any case: QA)
        done = run_cli(["export", archive, "--format", "csv", "--out", named])
        assert done.code == 2 and "is named as a release (<name>-<version>) among the " \
            "releases" in done.stderr, done.stderr
        assert not named.exists()
    checksum = dist / "corpus-9.0.0.zip.sha256"  # of a release not there (yet): QA
    done = run_cli(["export", archive, "--format", "csv", "--out", checksum])
    assert done.code == 2 and "is named as a release's published checksum " \
        "(<name>-<version>.zip.sha256) among the releases" in done.stderr, done.stderr
    assert not checksum.exists()
    for allowed in (dist / "notes.sha256", tmp_path / "corpus-3.0.0"):
        done = run_cli(["export", archive, "--format", "csv", "--out", allowed])
        assert done.code == 0 and allowed.is_file(), done.stderr


def test_an_export_named_zip_among_releases_is_refused(tmp_path: Path) -> None:
    """An export written as dist/<name>-3.0.0.zip beside releases made 'corpuskit validate
    dist' fail (every .zip there is taken for a release); beside no release, or named
    otherwise, it is written."""
    import shutil

    dist = tmp_path / "dist"
    dist.mkdir()
    shutil.copy(sample().archive, dist / sample().archive.name)
    assert main(["validate", str(dist)]) == 0
    refused = dist / "corpus-3.0.0.zip"
    done = run_cli(["export", dist / sample().archive.name, "--format", "csv", "--out", refused])
    assert done.code == 2 and "among the releases" in done.stderr, done.stderr
    assert not refused.exists() and main(["validate", str(dist)]) == 0
    # corpuskit's own names: a build removes its .corpuskit-tmp-* files (QA)
    for own in (dist / ".corpuskit-tmp-probe-corpus.zip", dist / ".CORPUSKIT-x.csv",
                tmp_path / ".corpuskit-tmp-x" / "y.csv"):  # a file in such a folder too
        own.parent.mkdir(exist_ok=True)
        done = run_cli(["export", dist / sample().archive.name, "--format", "csv", "--out",
                        own])
        assert done.code == 2 and "corpuskit's own" in done.stderr and not own.exists()
    # validate and check pass over names that start with a dot, as over hidden files.
    for allowed in (dist / "corpus.csv", tmp_path / "corpus-3.0.0.zip",
                    dist / ".corpus-3.0.0.zip"):
        assert run_cli(["export", dist / sample().archive.name, "--format", "csv",
                        "--out", allowed]).code == 0
        assert allowed.is_file()
    assert main(["validate", str(dist)]) == 0


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
@pytest.mark.parametrize("out", ["x.zip", "corpus-3.0.0.zip.sha256"],
                         ids=["a zip beside it", "its published checksum"])
def test_a_pipe_named_as_a_release_zip_is_never_opened(out: str, package: Path,
                                                       tmp_path: Path) -> None:
    """A pipe named dist/corpus-3.0.0.zip was opened to look for a seal, whether dist held
    releases (an --out named .zip there) or it was the archive of the published checksum
    an --out would replace: the export waited on it for ever. It is no release (as a folder
    of releases takes none, :func:`corpuskit.dist.a_release_in`), never opened: the
    export is written at once, the pipe left as it was."""
    dist = tmp_path / "dist"
    dist.mkdir()
    pipe = dist / "corpus-3.0.0.zip"
    os.mkfifo(pipe)
    done = run_cli(["export", package, "--format", "csv", "--out", dist / out], timeout=30)
    assert done.code == 0, done.stderr
    assert done.seconds < 20 and (dist / out).is_file()
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)


def test_a_link_to_a_release_is_no_release_an_export_is_refused_beside(
        package: Path, tmp_path: Path) -> None:
    """A symbolic link named as a release (to a sealed zip, or to a package folder) is not
    followed, as a folder of releases (:mod:`corpuskit.dist`) and build never follow one:
    it makes no folder of releases, so an export named .zip is written beside it, and the
    link and what it points to are left as they were. A release of its own there is."""
    dist = tmp_path / "dist"
    dist.mkdir()
    zipped = tmp_path / sample().archive.name
    shutil.copy(sample().archive, zipped)
    (dist / zipped.name).symlink_to(zipped)
    (dist / "corpus-2.0.0").symlink_to(package, target_is_directory=True)
    before = zipped.read_bytes()
    allowed = dist / "x.zip"
    done = run_cli(["export", package, "--format", "csv", "--out", allowed])
    assert done.code == 0 and allowed.is_file(), done.stderr
    assert zipped.read_bytes() == before and (dist / zipped.name).is_symlink()
    # Named as the published checksum of the link: not of a release here either.
    sidecar = dist / f"{zipped.name}.sha256"
    done = run_cli(["export", package, "--format", "csv", "--out", sidecar])
    assert done.code == 0 and sidecar.is_file(), done.stderr
    sidecar.unlink()
    # The release itself in dist: the export beside it is refused, as it was.
    (dist / zipped.name).unlink()
    shutil.copy(zipped, dist / zipped.name)
    refused = dist / "y.zip"
    done = run_cli(["export", package, "--format", "csv", "--out", refused])
    assert done.code == 2 and "among the releases" in done.stderr, done.stderr
    assert not refused.exists()


def test_an_export_refused_in_a_release_or_seeds_folder_names_them_as_given(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """QA: ``--out dist/x-1.0.0/x.csv`` was refused naming the release folder by its
    absolute path, and so was the seeds folder; messages name paths as given."""
    dist = tmp_path / "dist"
    shutil.copytree(sample().release, dist / sample().release.name)
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "corpus.toml").write_text('name = "c"\n', "utf-8")
    monkeypatch.chdir(tmp_path)
    release = f"dist/{sample().release.name}"
    done = run_cli(["export", sample().archive, "--format", "csv", "--out", f"{release}/x.csv"])
    assert done.code == 2, done.stderr
    assert f"would change the package folder {release}, a corpuskit release" in done.stderr
    done = run_cli(["export", sample().archive, "--format", "csv", "--out", "seeds/x.csv"])
    assert done.code == 2, done.stderr
    assert "is inside the seeds folder seeds, whose next build" in done.stderr


@pytest.mark.parametrize("depth", ["x.csv", "notes/x.csv"])
def test_an_export_into_a_seeds_folder_is_refused(depth: str, tmp_path: Path) -> None:
    """An export written into the seeds folder (or a folder of it) was taken for one of
    its documents by the next build (QA); build refuses an --out there, and so does
    export: exit 2, nothing written."""
    seeds = tmp_path / "seeds"
    (seeds / "notes").mkdir(parents=True)
    (seeds / "corpus.toml").write_text('name = "c"\n', "utf-8")
    before = sorted(p.relative_to(seeds) for p in seeds.rglob("*"))
    done = run_cli(["export", sample().archive, "--format", "csv", "--out", seeds / depth])
    assert done.code == 2 and done.stdout == "", done.stderr
    assert f"is inside the seeds folder {seeds}, whose next build would take the export " \
        "for one of its documents; write the export elsewhere" in done.stderr
    assert sorted(p.relative_to(seeds) for p in seeds.rglob("*")) == before


def test_an_export_into_a_folder_that_does_not_exist_says_what_to_do(tmp_path: Path) -> None:
    """It said only that the folder does not exist (QA): it says how to make it."""
    out = tmp_path / "no such folder" / "x.csv"
    done = run_cli(["export", sample().archive, "--format", "csv", "--out", out])
    assert done.code == 1, done.stderr
    from corpuskit.wording import shell_word

    assert f"folder {out.parent} does not exist; make it first (mkdir -p " \
        f"{shell_word(str(out.parent))}), or give --out a path in a folder that exists" \
        in done.stderr
    assert not out.parent.exists()


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.parametrize("name", [b"nodir\xfe", b"new\nline", b"tab\there", b"zw\xe2\x80\x8bsp",
                                  b"it's \\ \xc3\xa9t\xc3\xa9"])
def test_the_mkdir_advice_for_an_odd_folder_name_makes_that_folder(
        tmp_path: Path, name: bytes) -> None:
    """The advice was ``mkdir -p "nodir\\xfe"`` for a folder named with the byte 0xFE
    (and ``'new\\nline'`` for one holding a line break): the shell makes a folder of
    those backslashes, and the export fails again (QA s87). A word holding what the
    message escapes is written in ``$'...'``, which reads the escapes."""
    out = tmp_path / os.fsdecode(name) / "x.csv"
    done = run_cli(["export", sample().archive, "--format", "csv", "--out", out])
    assert done.code == 1, done.stderr
    advice = re.search(r"make it first \((mkdir -p .*)\), or give --out", done.stderr)
    assert advice is not None, done.stderr
    subprocess.run(["bash", "-c", advice.group(1)], cwd=tmp_path, check=True)
    assert os.path.isdir(os.fsencode(tmp_path) + b"/" + name), sorted(os.listdir(tmp_path))
