"""Sizes and kinds of input: the configurable size limit, empty folders, non-text files,
and the memory a very large document costs.

Documented behaviour (corpus.schema.json, ``[discover]``):
- ``max_file_bytes`` (default 268435456 = 256 MiB): a larger file is refused as
  ``too-large``, naming the file and the limit, from its size alone (it is never read);
- an empty folder holds no documents and changes nothing in the package;
- a file that is not text (an image, an archive, ...) is refused as ``binary-file``;
  ``exclude`` patterns leave such files out, and the build names them as skipped.

Memory: one document is held in memory while it is processed, so the peak of a build
grows with its largest file (see :data:`MEMORY_PER_BYTE`), which the limit bounds.
"""

from __future__ import annotations

import errno
import gzip
import io
import json
import os
import random
import stat
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from reliability_support import (
    DOCS_V1,
    EPOCH,
    REPO,
    build_args,
    child_env,
    cli_command,
    run_here,
    tree_files,
    visible_entries,
    write_seeds,
)

import corpuskit
from corpuskit.config import DEFAULT_MAX_FILE_BYTES, read_regular
from corpuskit.errors import InputError

#: The bound this file documents and tests: a build's peak resident memory is at most
#: MEMORY_PER_BYTE bytes per byte of its largest input file, plus MEMORY_BASE.
MEMORY_PER_BYTE = 8
MEMORY_BASE = 300 * 1024 * 1024


def problems_of(seeds: Path, out: Path) -> set[tuple[str, str]]:
    with pytest.raises(InputError) as refused:
        corpuskit.build(seeds, out, jobs=1)
    return {(p.path, p.code) for p in refused.value.problems}


# -- the size limit ------------------------------------------------------------------------

def test_default_limit_is_the_documented_one() -> None:
    schema = json.loads((REPO / "schemas" / "corpus.schema.json").read_text("utf-8"))
    described = schema["properties"]["discover"]["properties"]["max_file_bytes"]["description"]
    assert DEFAULT_MAX_FILE_BYTES == 256 * 1024 * 1024
    assert str(DEFAULT_MAX_FILE_BYTES) in described


def test_file_over_the_limit_is_refused_naming_file_and_limit(tmp_path: Path) -> None:
    exact = "Title\n\n" + "x" * 192 + "\n"
    assert len(exact) == 200
    seeds = write_seeds(tmp_path / "seeds", {"fits.txt": exact, "sub/over.txt": exact + "y"},
                        {"discover": {"max_file_bytes": 200}})
    out = tmp_path / "out"
    assert problems_of(seeds, out) == {("sub/over.txt", "too-large")}
    assert visible_entries(out) == set()
    assert {(p.path, p.code) for p in corpuskit.validate(seeds, jobs=1).problems} == {
        ("sub/over.txt", "too-large")}

    done = run_here(build_args(seeds, out))
    assert done.code == 1
    assert "sub/over.txt" in done.stderr and "[too-large]" in done.stderr
    assert "201 bytes" in done.stderr and "limit of 200" in done.stderr
    assert "max_file_bytes" in done.stderr
    assert "Traceback" not in done.stderr

    (seeds / "sub" / "over.txt").unlink()
    result = corpuskit.build(seeds, out, jobs=1)
    assert [doc.source_bytes for doc in corpuskit.load(result.release)] == [200]


def test_link_to_a_large_file_is_measured_by_its_target(tmp_path: Path) -> None:
    seeds = write_seeds(tmp_path / "seeds", {"fine.txt": "Fine\n\nText.\n",
                                             "store/big.txt": "Big\n\n" + "z" * 500 + "\n"},
                        {"discover": {"max_file_bytes": 300}})
    os.symlink("store/big.txt", seeds / "link.txt")  # (a link to a hidden file is refused)
    assert problems_of(seeds, tmp_path / "out") == {("link.txt", "too-large"),
                                                    ("store/big.txt", "too-large")}


@pytest.mark.parametrize("value", [0, -1, "big", 1.5, True])
def test_bad_limit_is_a_config_error_naming_the_key(value: Any, tmp_path: Path) -> None:
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1, {"discover": {"max_file_bytes": value}})
    with pytest.raises(InputError) as refused:
        corpuskit.build(seeds, tmp_path / "out", jobs=1)
    rendered = " ".join(p.render() for p in refused.value.problems)
    assert {p.code for p in refused.value.problems} == {"config-error"}
    assert "max_file_bytes" in rendered


def peak_rss(args: list[str | Path], patch: str = "") -> tuple[int, int, str]:
    """Run the CLI in a child; its exit code, its own peak RSS in bytes, its stderr."""
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(cli_command([str(a) for a in args], patch),
                                   stdout=subprocess.DEVNULL, stderr=err, env=child_env())
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        return process.returncode, usage.ru_maxrss * 1024, err.read().decode()


def test_file_over_the_default_limit_is_refused_without_reading_it(tmp_path: Path) -> None:
    """A sparse file one byte over 256 MiB: refused from its size, in little memory."""
    seeds = write_seeds(tmp_path / "seeds", DOCS_V1)
    with (seeds / "huge.txt").open("wb") as handle:
        handle.truncate(DEFAULT_MAX_FILE_BYTES + 1)
    code, peak, stderr = peak_rss(build_args(seeds, tmp_path / "out"))
    assert code == 1, stderr
    assert "huge.txt" in stderr and "[too-large]" in stderr
    assert str(DEFAULT_MAX_FILE_BYTES) in stderr
    # ru_maxrss of a forked child starts at the size of this (test) process, so compare
    # with a child that reads nothing at all.
    _, baseline, _ = peak_rss(["--version"])
    assert peak - baseline < 150 * 1024 * 1024, f"{peak - baseline} bytes: the file was read"


# -- empty folders, empty files, files that are not text -----------------------------------

def test_empty_folders_change_nothing(tmp_path: Path) -> None:
    plain = write_seeds(tmp_path / "plain", DOCS_V1)
    with_empty = write_seeds(tmp_path / "with-empty", DOCS_V1)
    for folder in ("empty", "nested/empty/deeper", "sub with space/"):
        (with_empty / folder).mkdir(parents=True)
    built = [corpuskit.build(seeds, tmp_path / f"out-{seeds.name}", jobs=1,
                             source_date_epoch=EPOCH) for seeds in (plain, with_empty)]
    assert tree_files(built[0].release) == tree_files(built[1].release)
    assert built[0].archive.read_bytes() == built[1].archive.read_bytes()
    assert built[1].skipped == ()


@pytest.mark.parametrize("content", [b"", b"   \n\t\n\r\n"])
def test_empty_file_is_refused(content: bytes, tmp_path: Path) -> None:
    seeds = write_seeds(tmp_path / "seeds", {**DOCS_V1, "blank.txt": content})
    assert problems_of(seeds, tmp_path / "out") == {("blank.txt", "empty-document")}


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def zipped() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "hello")
    return buffer.getvalue()


BINARIES: dict[str, bytes] = {
    "images/logo.png": png(),
    "images/photo.jpg": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
                         + random.Random(0).randbytes(300) + b"\xff\xd9"),
    "notes.txt.gz": gzip.compress(b"hello world " * 50, mtime=0),
    "bundle.zip": zipped(),
    "report.pdf": (b"%PDF-1.4\n1 0 obj\n<< /Length 44 >>\nstream\n"
                   + zlib.compress(b"BT /F1 12 Tf 72 712 Td (Hello) Tj ET" * 5)
                   + b"\nendstream\nendobj\n%%EOF\n"),
    "tool": Path(sys.executable).resolve().read_bytes()[:4096],
}


@pytest.mark.parametrize("name", list(BINARIES))
def test_non_text_file_is_refused_naming_it(name: str, tmp_path: Path) -> None:
    seeds = write_seeds(tmp_path / "seeds", {**DOCS_V1, name: BINARIES[name]})
    assert problems_of(seeds, tmp_path / "out") == {(name, "binary-file")}


def test_png_beside_texts_refused_then_excluded(tmp_path: Path) -> None:
    seeds = write_seeds(tmp_path / "seeds", {**DOCS_V1, "images/logo.png": png()})
    out = tmp_path / "out"
    done = run_here(build_args(seeds, out))
    assert done.code == 1
    assert "images/logo.png" in done.stderr and "[binary-file]" in done.stderr
    assert visible_entries(out) == set()

    write_seeds(seeds, {**DOCS_V1, "images/logo.png": png()},
                {"discover": {"exclude": ["*.png"]}})
    assert corpuskit.validate(seeds, jobs=1).valid
    done = run_here(build_args(seeds, out))
    assert done.code == 0, done.stderr
    assert f"skipped: {seeds}/images/logo.png (excluded by discover.exclude)" in done.stderr
    release = out / "test-corpus-1.0.0"
    assert not any(path.suffix == ".png" for path in release.rglob("*"))
    with zipfile.ZipFile(out / "test-corpus-1.0.0.zip") as archive:
        assert not any(name.endswith(".png") for name in archive.namelist())
    assert {doc.source_path for doc in corpuskit.load(release)} == set(DOCS_V1)
    assert corpuskit.validate(release, jobs=1).valid


# -- memory --------------------------------------------------------------------------------

_MEASURE = """
import json, resource, sys
from corpuskit.config import ExtractConfig, ProcessConfig
from corpuskit.models import RawDocument
from corpuskit.records import process_document
size = int(sys.argv[1])
line = b"Lorem ipsum dolor sit amet, consectetur adipiscing elit sed do.\\n"
data = b"A title\\n\\n" + line * (size // len(line))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
record = process_document(RawDocument("big", "big.txt", data),
                          ProcessConfig(extract=ExtractConfig(language=False)))
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"size": len(data), "extra": after - before, "words": record.words}))
"""


def test_processing_one_document_costs_a_few_bytes_per_byte() -> None:
    size = 16 * 1024 * 1024
    done = subprocess.run([sys.executable, "-c", _MEASURE, str(size)], capture_output=True,
                          text=True, env=child_env(), timeout=120, check=True)
    measured = json.loads(done.stdout)
    assert measured["extra"] <= (MEMORY_PER_BYTE - 2) * measured["size"], measured


_COPIES = r"""
import json, sys, tracemalloc
from corpuskit.config import ExtractConfig, ProcessConfig
from corpuskit.models import RawDocument
from corpuskit.records import process_document
paragraph = "Ce paragraphe est \u00e9crit en fran\u00e7ais, avec des espaces en fin.  \n" * 5
data = ("Un titre\n\n" + "\n\n\n".join([paragraph] * 4000) + "\U0001F600\n").encode()
tracemalloc.start()
record = process_document(RawDocument("big", "big.txt", data),
                          ProcessConfig(extract=ExtractConfig(language=False)))
peak = tracemalloc.get_traced_memory()[1]
print(json.dumps({"peak": peak, "text": sys.getsizeof(record.text),
                  "steps": record.normalization, "title": record.title}))
"""


def test_a_long_text_is_held_about_three_times_at_most_while_processed() -> None:
    """A text beyond U+FFFF takes 4 bytes a character: its copies are what a large
    document costs. The decoded text is freed by the first step that changes it, the
    steps make one copy each, and extraction copies nothing it does not take (it used to
    split the whole text into paragraphs and join them again: 4.4 copies at the peak)."""
    done = subprocess.run([sys.executable, "-c", _COPIES], capture_output=True, text=True,
                          env=child_env(), timeout=120, check=True)
    measured = json.loads(done.stdout)
    assert measured["steps"] == ["trim-trailing-whitespace", "paragraph-spacing"]
    assert measured["title"] == "Un titre"
    assert measured["peak"] <= 3.5 * measured["text"], measured


def test_validate_holds_a_large_text_a_few_times_at_most(tmp_path: Path) -> None:
    """A record of 24 MB took validate to about ten times its size (numpy's arrays of the
    block that held it, the block encoded again): each is now counted a slice at a time,
    and the copy freed once compared."""
    seeds = write_seeds(tmp_path / "seeds", {"small.txt": "Small\n\nA small text.\n"})
    paragraph = " ".join(["harbour", "boats", "dawn", "quay", "market"] * 24)
    (seeds / "big.txt").write_text("Big\n\n" + "\n\n".join([paragraph] * 40_000) + "\n",
                                   encoding="utf-8")
    size = (seeds / "big.txt").stat().st_size
    assert run_here(build_args(seeds, tmp_path / "out")).code == 0
    small = write_seeds(tmp_path / "small-seeds", {"small.txt": "Small\n\nA small text.\n"})
    assert run_here(build_args(small, tmp_path / "small-out")).code == 0
    release = "test-corpus-1.0.0"
    baseline = _peak_from_a_small_parent(["validate", tmp_path / "small-out" / release])
    peak = _peak_from_a_small_parent(["validate", tmp_path / "out" / release])
    assert peak - baseline <= 4.5 * size, (peak - baseline) / size


#: Runs the command after it, and prints its peak RSS in bytes: Linux keeps a child's
#: ru_maxrss from the process it forked from (this test process is far larger).
_PEAK_OF = ("import os, subprocess, sys\n"
            "child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
            "_, status, usage = os.wait4(child.pid, 0)\n"
            "assert os.waitstatus_to_exitcode(status) == 0\n"
            "print(usage.ru_maxrss * 1024)\n")


def _peak_from_a_small_parent(args: list[str | Path]) -> int:
    done = subprocess.run([sys.executable, "-c", _PEAK_OF,
                           *cli_command([str(a) for a in args])],
                          capture_output=True, text=True, env=child_env(), timeout=120)
    assert done.returncode == 0, done.stderr
    return int(done.stdout)


@pytest.mark.slow
def test_very_large_file_is_built_in_bounded_memory(tmp_path: Path) -> None:
    size = 200 * 1000 * 1000
    seeds = write_seeds(tmp_path / "seeds", {"small.txt": "Small\n\nA small text.\n"},
                        {"extract": {"language": True}})
    rng = random.Random(1)
    vocabulary = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz")
                          for _ in range(rng.randint(2, 9))) for _ in range(5000)]
    block = "\n\n".join(" ".join(rng.choice(vocabulary) for _ in range(120))
                        for _ in range(200)).encode() + b"\n\n"
    with (seeds / "big.txt").open("wb") as handle:
        handle.write(b"A very big document\n\n")
        for _ in range(size // len(block) + 1):
            handle.write(block)
    file_size = (seeds / "big.txt").stat().st_size
    code, peak, stderr = peak_rss(build_args(seeds, tmp_path / "out"))
    assert code == 0, stderr
    bound = MEMORY_PER_BYTE * file_size + MEMORY_BASE
    assert peak <= bound, f"peak {peak / 2**20:.0f} MiB > bound {bound / 2**20:.0f} MiB"
    release = tmp_path / "out" / "test-corpus-1.0.0"
    assert corpuskit.validate(release, jobs=1, fast=True).valid


# -- read_regular: a whole small file, within a limit ------------------------------------------

@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 100_000])
def test_read_regular_gives_every_byte_up_to_the_limit(size: int, tmp_path: Path) -> None:
    path = tmp_path / "f"
    data = os.urandom(size)
    path.write_bytes(data)
    assert read_regular(path) == data
    assert read_regular(path, size) == data  # exactly at the limit
    if size:
        with pytest.raises(OSError) as raised:
            read_regular(path, size - 1)
        assert raised.value.errno == errno.EFBIG


def _status_shrunk_by(monkeypatch: pytest.MonkeyPatch, shrink: int) -> None:
    """os.fstat reports files ``shrink`` bytes smaller than they are, as for a file that
    grows by that much between its status and its read."""
    real = os.fstat

    def fstat(fd: int) -> os.stat_result:
        info = real(fd)
        fields = list(info)
        fields[stat.ST_SIZE] = max(0, info.st_size - shrink)
        return os.stat_result(fields)

    monkeypatch.setattr(os, "fstat", fstat)


@pytest.mark.parametrize("grown", [1, 10, 70_000])
def test_read_regular_reads_on_past_the_status_of_a_file_that_grew(
        grown: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The read is sized by the file's status: bytes appended since are read too, up to
    the limit, and past it the file is refused."""
    path = tmp_path / "f"
    data = os.urandom(100_000)
    path.write_bytes(data)
    _status_shrunk_by(monkeypatch, grown)
    assert read_regular(path, 1 << 20) == data
    assert read_regular(path, len(data)) == data
    with pytest.raises(OSError) as raised:
        read_regular(path, len(data) - 1)
    assert raised.value.errno == errno.EFBIG


@pytest.mark.parametrize("kind", ["package", "seeds"])
def test_a_check_that_runs_out_of_memory_fails_the_run_not_the_package(
        kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A MemoryError (QA: a record line of 640 MB in a forged package, under a memory
    limit) was reported as the package's internal-error, "please report this as a bug":
    it is the run that failed, said so with what to do, exit 1 and no verdict."""
    import corpuskit
    import corpuskit.validation as validation
    import corpuskit.validation.seeds as seeds_check
    from corpuskit.cli import main
    from corpuskit.errors import OutOfMemory
    from corpuskit.systemlimits import jobs_of_run

    seeds = write_seeds(tmp_path / "seeds", {"a.txt": "Title\n\nA first text.\n",
                                             "b.txt": "Title\n\nA second text.\n"})
    target = seeds if kind == "seeds" else corpuskit.build(seeds, tmp_path / "dist",
                                                           jobs=1).release

    def exhausted(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(validation, "check_folder", exhausted)
    monkeypatch.setattr(seeds_check, "validate_seeds", exhausted)
    with pytest.raises(OutOfMemory) as stopped:
        corpuskit.validate(target, jobs=1)
    held = ("each document is read whole" if kind == "seeds" else
            "each record line of data/documents.jsonl is held whole, a few times over")
    assert str(stopped.value) == (
        f"ran out of memory while checking {target}, which was neither found valid nor "
        "invalid: give the process more memory, then validate it again "
        f"({held}, so the memory it needs grows with the largest one too)")
    # (not "with --jobs 1", which it was checked with: s78)
    with pytest.raises(OutOfMemory) as stopped_with_two, jobs_of_run(2):  # validate -j 2
        corpuskit.validate(target, jobs=2)
    assert "give the process more memory, or check with --jobs 1 (one worker's copy " \
        "fewer), then validate it again (" in str(stopped_with_two.value)
    capsys.readouterr()
    assert main(["validate", str(target), "--jobs", "1"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err == f"corpuskit: error: {stopped.value}\n", (out, err)
    # Under a memory limit, the limit is named, and raising it is the advice (QA s96: a
    # limit of 150 MB was blamed on record lines of 20 KB).
    monkeypatch.setattr(validation, "memory_limit", lambda: " (ulimit -v 150000)")
    with pytest.raises(OutOfMemory) as limited:
        corpuskit.validate(target, jobs=1)
    assert str(limited.value).startswith(
        f"ran out of memory (ulimit -v 150000) while checking {target}, which was neither "
        "found valid nor invalid: give the process more memory (raise ulimit -v), then "
        "validate it again ("), limited.value
