"""Two builds of the same seeds give the same bytes, whatever the machine's state.

Each build runs in its own process (``python -m corpuskit build``) so that time zone,
locale, umask, hash seed and environment really differ between the two.
"""

from __future__ import annotations

import io
import os
import random
import stat
import subprocess
import sys
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pytest
from conftest import MESSY_FILES, make_seeds, shard_sizes_of, tree_bytes

RELEASE = "test-corpus-1.0.0"


def cli_build(seeds: Path, out: Path, env: Mapping[str, str], *, umask: int = 0o022,
              extra: tuple[str, ...] = ()) -> None:
    """``python -m corpuskit build`` in a fresh process with exactly ``env`` and ``umask``."""
    base = {k: v for k, v in os.environ.items()
            if k not in ("SOURCE_DATE_EPOCH", "TZ", "LC_ALL", "LANG", "LC_CTYPE",
                         "LC_TIME", "PYTHONHASHSEED")}
    command = ["sh", "-c", f'umask {umask:03o} && exec "$@"', "sh", sys.executable, "-m",
               "corpuskit", "build", str(seeds), "--out", str(out), *extra]
    done = subprocess.run(command, env={**base, **env}, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr


def make_messy_seeds(root: Path, *, reverse: bool, seed: int) -> Path:
    """The messy corpus, its files created in forward or reverse order, random mtimes."""
    items = list(MESSY_FILES.items())
    seeds = make_seeds(root, dict(reversed(items) if reverse else items))
    rng = random.Random(seed)
    for path in sorted(seeds.rglob("*"), reverse=reverse):
        stamp = rng.randrange(0, 2_000_000_000)
        os.utime(path, (stamp, stamp), follow_symlinks=False)
    return seeds


def modes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix() or ".": stat.S_IMODE(p.stat().st_mode)
            for p in [folder, *folder.rglob("*")]}


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    one = tmp_path_factory.mktemp("one")
    two = tmp_path_factory.mktemp("two") / "a" / "much" / "deeper" / "place"
    two.mkdir(parents=True)
    seeds_one = make_messy_seeds(one, reverse=False, seed=1)
    seeds_two = make_messy_seeds(two, reverse=True, seed=2)
    cli_build(seeds_one, one / "out",
              {"TZ": "UTC", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "PYTHONHASHSEED": "0",
               "XDG_CACHE_HOME": str(one / "cache")},
              umask=0o022, extra=("--jobs", "1", "--no-cache"))
    cli_build(seeds_two, two / "out",
              {"TZ": "Pacific/Kiritimati", "LC_ALL": "C", "LANG": "C",
               "PYTHONHASHSEED": "4242", "XDG_CACHE_HOME": str(two / "cache")},
              umask=0o077, extra=("--jobs", "2"))
    return one / "out", two / "out"


def test_folders_are_byte_identical(two_builds: tuple[Path, Path]) -> None:
    one, two = two_builds
    first, second = tree_bytes(one / RELEASE), tree_bytes(two / RELEASE)
    assert len(first) == len(MESSY_FILES) + 9
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_zips_are_byte_identical(two_builds: tuple[Path, Path]) -> None:
    one, two = two_builds
    assert (one / f"{RELEASE}.zip").read_bytes() == (two / f"{RELEASE}.zip").read_bytes()


def test_file_modes_do_not_depend_on_the_umask(two_builds: tuple[Path, Path]) -> None:
    one, two = two_builds
    assert modes(one / RELEASE) == modes(two / RELEASE)
    assert set(modes(two / RELEASE).values()) == {0o644, 0o755}
    assert stat.S_IMODE((two / f"{RELEASE}.zip").stat().st_mode) == 0o644


def test_no_build_path_leaks_into_the_package(two_builds: tuple[Path, Path]) -> None:
    one, two = two_builds
    for folder in (one, two):
        for name, data in tree_bytes(folder / RELEASE).items():
            if not name.startswith("data/raw/"):
                assert str(folder.parent).encode() not in data, name


def test_without_source_date_epoch_no_clock_time_is_written(
        two_builds: tuple[Path, Path]) -> None:
    one, _ = two_builds
    assert b'"created"' not in (one / RELEASE / "datapackage.json").read_bytes()
    with zipfile.ZipFile(one / f"{RELEASE}.zip") as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


@pytest.mark.parametrize("fast", [False, True])
def test_an_archive_redated_when_the_package_has_no_release_time_is_refused(
        two_builds: tuple[Path, Path], tmp_path: Path, fast: bool) -> None:
    """Without ``created``, corpuskit dates every entry 1980-01-01: an archive rewritten with
    another date (and sealed again) is not the reproducible form, as check and build say."""
    from _validate_support import sealed

    import corpuskit

    one, _ = two_builds
    original = one / f"{RELEASE}.zip"
    assert corpuskit.validate(original, fast=fast, jobs=1).valid
    buffer = io.BytesIO()
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(buffer, "w") as redated:
        for info in source.infolist():
            moved = zipfile.ZipInfo(info.filename, (2020, 1, 1, 0, 0, 0))
            moved.compress_type, moved.create_system = info.compress_type, info.create_system
            moved.external_attr = info.external_attr
            redated.writestr(moved, source.read(info), compresslevel=6)
    archive = tmp_path / f"{RELEASE}.zip"
    archive.write_bytes(sealed(buffer.getvalue()))
    report = corpuskit.validate(archive, fast=fast, jobs=1)
    with zipfile.ZipFile(archive) as redated:
        members = [info.filename for info in redated.infolist()]
    dated = [p.path for p in report.problems
             if p.code == "archive-metadata" and "modification date" in p.message]
    assert set(dated) == set(members)


def test_source_date_epoch_sets_created_and_zip_times(tmp_path: Path) -> None:
    seeds = make_messy_seeds(tmp_path, reverse=False, seed=3)
    builds = {}
    for label, epoch, tz in [("a", "1700000000", "UTC"), ("b", "1700000000", "Asia/Tokyo"),
                             ("c", "1700000001", "UTC")]:
        out = tmp_path / f"out-{label}"
        cli_build(seeds, out, {"SOURCE_DATE_EPOCH": epoch, "TZ": tz,
                               "XDG_CACHE_HOME": str(tmp_path / "cache")})
        builds[label] = out
    descriptor = (builds["a"] / RELEASE / "datapackage.json").read_text("utf-8")
    assert '"created": "2023-11-14T22:13:20Z"' in descriptor
    assert "Bagging-Date: 2023-11-14" in (builds["a"] / RELEASE / "bag-info.txt").read_text()
    with zipfile.ZipFile(builds["a"] / f"{RELEASE}.zip") as archive:
        assert {i.date_time for i in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    # The same epoch in another time zone: the same bytes.
    assert tree_bytes(builds["a"] / RELEASE) == tree_bytes(builds["b"] / RELEASE)
    assert (builds["a"] / f"{RELEASE}.zip").read_bytes() == (
        builds["b"] / f"{RELEASE}.zip").read_bytes()
    # Another epoch: another created, and nothing but the time stamps differ.
    other = (builds["c"] / RELEASE / "datapackage.json").read_text("utf-8")
    assert '"created": "2023-11-14T22:13:21Z"' in other
    assert other.replace("22:13:21Z", "22:13:20Z") == descriptor
    assert tree_bytes(builds["a"] / RELEASE)["data/documents.jsonl"] == tree_bytes(
        builds["c"] / RELEASE)["data/documents.jsonl"]


def test_library_build_equals_cli_build(two_builds: tuple[Path, Path], tmp_path: Path) -> None:
    from corpuskit import build

    seeds = make_messy_seeds(tmp_path, reverse=True, seed=4)
    result = build(seeds, tmp_path / "out", jobs=1)
    one, _ = two_builds
    assert tree_bytes(result.release) == tree_bytes(one / RELEASE)
    assert result.archive.read_bytes() == (one / f"{RELEASE}.zip").read_bytes()


def test_workers_and_cache_do_not_change_a_byte(tmp_path: Path) -> None:
    """More documents than one shard: 1 worker, 2 workers, and a cached rebuild agree."""
    from corpuskit import build

    files = {f"part{i % 3}/doc{i:04d}.txt":
             f"Report {i}\n\nThis is document number {i} of a larger corpus.\n"
             for i in range(1034)}
    shards = len(shard_sizes_of(files))
    assert shards >= 2
    seeds = make_seeds(tmp_path, files)
    cache = tmp_path / "cache"
    results = [
        build(seeds, tmp_path / "one", jobs=1),
        build(seeds, tmp_path / "two", jobs=2),
        build(seeds, tmp_path / "cold", jobs=2, cache=cache),
        build(seeds, tmp_path / "warm", jobs=2, cache=cache),
    ]
    assert results[3].cached_shards == shards
    reference = tree_bytes(results[0].release)
    assert len(reference) == len(files) + 9
    for result in results[1:]:
        assert tree_bytes(result.release) == reference
        assert result.archive.read_bytes() == results[0].archive.read_bytes()


def test_the_fast_compression_never_calls_isa_l_s_one_shot_deflate(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """ISA-L's one-shot deflate made other bytes in other processes far more often than its
    compressor objects (12 outputs of 16 processes, against 1): every ``"fast"`` piece,
    a whole small file too, is deflated through a compressor object, and inflates back."""
    import zlib

    from isal import isal_zlib

    from corpuskit.zipfiles.deflate import COMPRESSIONS, deflate_piece

    def refused(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("isal_zlib.compress was called")

    monkeypatch.setattr(isal_zlib, "compress", refused)
    line = b"le rapport du port est ici, long et clair.\n" * 3
    for made in (deflate_piece(line, last=True, compression=COMPRESSIONS["fast"]),
                 COMPRESSIONS["fast"].compress(line)):
        assert zlib.decompress(made, -15) == line
