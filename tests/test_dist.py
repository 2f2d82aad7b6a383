"""The committed release in dist/ is exactly what building seeds/ makes today."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import DIST, SEEDS, build_into, tree_bytes

from corpuskit.compare import archives_match, tree_differences
from corpuskit.config import load_config

CONFIG = load_config(SEEDS)
COMMITTED = DIST / CONFIG.release_name
COMMITTED_ZIP = DIST / f"{CONFIG.release_name}.zip"



def test_the_release_of_seeds_is_committed() -> None:
    assert COMMITTED.is_dir() and COMMITTED_ZIP.is_file(), (
        f"{COMMITTED} and its zip must be committed: run 'corpuskit build' and commit dist/")


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """seeds/ (copied, so nothing is written into the repository) built into a temp folder."""
    root = tmp_path_factory.mktemp("dist-check")
    seeds = Path(shutil.copytree(SEEDS, root / "seeds"))
    result = build_into(seeds, root / "dist")
    assert result.status == "built"
    return result.release, result.archive


def test_dist_folder_equals_a_fresh_build_byte_for_byte(rebuilt: tuple[Path, Path]) -> None:
    release, _ = rebuilt
    assert tree_differences(COMMITTED, release) == [], (
        "dist/ is stale: rebuild it with 'corpuskit build' and commit it")


def test_dist_zip_has_the_members_of_a_fresh_build(rebuilt: tuple[Path, Path]) -> None:
    _, archive = rebuilt
    assert archives_match(COMMITTED_ZIP, archive)
    with zipfile.ZipFile(COMMITTED_ZIP) as committed, zipfile.ZipFile(archive) as fresh:
        assert committed.namelist() == fresh.namelist()
        for name in fresh.namelist():
            assert committed.read(name) == fresh.read(name), name


def test_dist_zip_holds_the_dist_folder(rebuilt: tuple[Path, Path]) -> None:
    prefix = CONFIG.release_name + "/"
    with zipfile.ZipFile(COMMITTED_ZIP) as committed:
        members = {name.removeprefix(prefix): committed.read(name)
                   for name in committed.namelist()}
        assert all(name.startswith(prefix) for name in committed.namelist())
    assert members == tree_bytes(COMMITTED)


def test_dist_zip_compressed_bytes_match_where_zlib_is_the_same(
        rebuilt: tuple[Path, Path]) -> None:
    """The promise is identical members everywhere; identical compressed bytes only with the
    same zlib. CI uses one zlib, so the committed zip must match byte for byte there."""
    import zlib

    _, archive = rebuilt
    if "ng" in getattr(zlib, "ZLIBNG_VERSION", "") or "ng" in zlib.ZLIB_RUNTIME_VERSION:
        pytest.skip("zlib-ng compresses to other bytes")
    assert COMMITTED_ZIP.read_bytes() == archive.read_bytes()


def test_dist_holds_only_released_versions() -> None:
    names = {p.name for p in DIST.iterdir() if not p.name.startswith(".")}
    for name in names:
        stem = name.removesuffix(".zip")
        assert stem.startswith(CONFIG.name + "-"), name
        assert (DIST / stem).is_dir() and (DIST / f"{stem}.zip").is_file(), name


def test_the_zip_signature_gives_zipfiles_values(tmp_path: Path) -> None:
    """archives_match compares what corpuskit's own reader of central directories gives:
    zipfile's values for every member of the committed release's zip; a pipe named as a
    zip is refused at once (never waited on), and a file that is no zip is no match."""
    import os
    import threading

    from corpuskit.zipfiles.archive import zip_signature

    with zipfile.ZipFile(COMMITTED_ZIP) as archive:
        expected = [(i.filename, i.date_time, i.external_attr, i.CRC, i.file_size)
                    for i in archive.infolist()]
    assert zip_signature(COMMITTED_ZIP) == expected
    pipe = tmp_path / "x.zip"
    os.mkfifo(pipe)
    outcome: list[bool] = []
    reader = threading.Thread(target=lambda: outcome.append(
        archives_match(COMMITTED_ZIP, pipe)), daemon=True)
    reader.start()
    reader.join(10)
    if reader.is_alive():  # let the blocked open go before failing
        os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
    assert outcome == [False]
    damaged = tmp_path / "damaged.zip"
    data = COMMITTED_ZIP.read_bytes()
    damaged.write_bytes(data[:len(data) // 2])  # no end record: no readable zip
    assert not archives_match(COMMITTED_ZIP, damaged)
    assert archives_match(COMMITTED_ZIP, COMMITTED_ZIP)
