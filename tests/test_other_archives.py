"""A package handed over in another archive format (a ``.tar.gz``...) is named for what it
is, with the command that unpacks it, by every command that takes a package or seeds:
``validate`` told a ``.tar.gz`` to write its corpus.toml, and ``info``, ``diff``,
``export`` and ``load`` that it did not start as a zip does."""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import random
import tarfile
import threading
from pathlib import Path

import pytest
from _validate_support import built, run

import corpuskit
from corpuskit import validate
from corpuskit.errors import InputError
from corpuskit.otherarchives import other_archive


def _tar_of(folder: Path, dest: Path, mode: str) -> Path:
    with tarfile.open(dest, mode) as archive:
        archive.add(folder, arcname=folder.name)
    return dest


@pytest.fixture(scope="module")
def archives(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("other")
    release = built().release
    made = {suffix: _tar_of(release, folder / f"{release.name}{suffix}", mode)
            for suffix, mode in ((".tar", "w"), (".tar.gz", "w:gz"), (".tgz", "w:gz"),
                                 (".tar.bz2", "w:bz2"), (".tar.xz", "w:xz"))}
    records = (release / "data/documents.jsonl").read_bytes()
    made[".jsonl.gz"] = folder / "documents.jsonl.gz"
    made[".jsonl.gz"].write_bytes(gzip.compress(records))
    # bzip2 shows nothing of a block cut short: a file larger than what is read is
    # told by its name, here not a tar archive's
    made[".bz2"] = folder / "documents.bz2"
    made[".bz2"].write_bytes(bz2.compress(random.Random(0).randbytes(1 << 16)))
    assert made[".bz2"].stat().st_size > 8192
    made[".big.tar.bz2"] = folder / "big.tar.bz2"
    made[".big.tar.bz2"].write_bytes(made[".bz2"].read_bytes())
    made[".jsonl.xz"] = folder / "documents.jsonl.xz"
    made[".jsonl.xz"].write_bytes(lzma.compress(records))
    for suffix, magic in ((".7z", b"7z\xbc\xaf\x27\x1c"), (".rar", b"Rar!\x1a\x07\x00"),
                          (".tar.zst", b"\x28\xb5\x2f\xfd")):
        made[suffix] = folder / f"release{suffix}"
        made[suffix].write_bytes(magic + bytes(100))
    return made


@pytest.mark.parametrize(("suffix", "what", "unpack"), [
    (".tar", "a tar archive", "tar -xf"),
    (".tar.gz", "a gzip-compressed tar archive", "tar -xzf"),
    (".tgz", "a gzip-compressed tar archive", "tar -xzf"),
    (".tar.bz2", "a bzip2-compressed tar archive", "tar -xjf"),
    (".tar.xz", "an xz-compressed tar archive", "tar -xJf"),
    (".jsonl.gz", "a gzip-compressed file that holds no tar archive", None),
    (".bz2", "a bzip2-compressed file", None),
    (".big.tar.bz2", "a bzip2-compressed tar archive", "tar -xjf"),
    (".jsonl.xz", "an xz-compressed file that holds no tar archive", None),
    (".7z", "a 7-Zip archive", "7z x"),
    (".rar", "a RAR archive", "unrar x"),
    (".tar.zst", "a zstd-compressed file (a .tar.zst?)", "tar --zstd -xf"),
])
def test_each_format_is_named_with_its_unpacking(archives: dict[str, Path], suffix: str,
                                                 what: str, unpack: str | None) -> None:
    path = archives[suffix]
    other = other_archive(path)
    assert other is not None and (other.what, other.unpack) == (what, unpack)
    [problem] = validate(path).problems
    assert problem.code == "not-a-package"
    assert problem.message.startswith(f"{what}, not a package folder or a .zip package "
                                      "archive")
    if unpack is None:
        assert "unpack" not in problem.message
        assert problem.message.endswith("; pass a release's folder or its .zip")
    else:
        assert f"unpack it ('{unpack} {path}')" in problem.message


def test_what_is_not_another_archive_is_not_named_one(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("ustar is a word in this text, at its start.\n" * 20)
    empty = tmp_path / "empty.tar.gz"
    empty.write_bytes(b"")
    short_gzip = tmp_path / "cut.tar.gz"  # a gzip header and nothing that inflates
    short_gzip.write_bytes(b"\x1f\x8b")
    for path in (built().archive, text, empty, built().release, tmp_path / "nothing"):
        assert other_archive(path) is None, path
    assert other_archive(short_gzip) == other_archive(short_gzip)  # no error either
    assert "corpus.toml" in validate(text).problems[0].message  # as before


def test_a_pipe_is_never_read(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.tar.gz"
    os.mkfifo(pipe)
    found: list[object] = []
    worker = threading.Thread(target=lambda: found.append(other_archive(pipe)), daemon=True)
    worker.start()
    worker.join(5)
    assert found == [None]


def test_every_command_names_a_tar_gz_and_how_to_unpack_it(
        archives: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = archives[".tar.gz"]
    advice = f"unpack it ('tar -xzf {archive}') and pass the package folder it holds"
    code, out, _ = run(capsys, "validate", str(archive))
    assert code == 1 and "a gzip-compressed tar archive" in out and advice in out
    for args in (("info", str(archive)),
                 ("diff", str(archive), str(built().release)),
                 ("export", str(archive), "--format", "csv", "--out", str(tmp_path / "o.csv"))):
        code, _, err = run(capsys, *args)
        assert code == 1 and advice in err, args
    assert not (tmp_path / "o.csv").exists()
    with pytest.raises(InputError, match=r"tar -xzf"):
        corpuskit.load(archive)
    code, _, err = run(capsys, "build", str(archive), "--out", str(tmp_path / "dist"))
    assert code == 1
    assert (f"a file, not a seeds folder; pass the folder that holds corpus.toml and the "
            f"texts (a gzip-compressed tar archive: unpack it with 'tar -xzf {archive}' "
            "first)") in err


@pytest.mark.parametrize("inside", ["top", "one folder"])
def test_a_zip_of_a_seeds_folder_is_named_with_how_to_unpack_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], inside: str) -> None:
    """A seeds folder zipped to hand it over: build said "a file, not a seeds folder" and
    nothing of unzipping it, validate listed a dozen problems of a damaged package ("get
    it again from where it was published"), info called its entries unsafe (QA)."""
    import zipfile

    from conftest import make_seeds

    seeds = make_seeds(tmp_path, {"good.txt": "A good title\n\nAn ordinary paragraph.\n",
                                  "news/a.txt": "A text in a folder.\n"})
    target = tmp_path / "corpus.zip"
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(seeds.rglob("*")):
            if path.is_file():
                name = path.relative_to(seeds if inside == "top" else tmp_path).as_posix()
                archive.write(path, name)
    says = (f"{target}: a zip of a seeds folder (it holds corpus.toml at its top), not a "
            f"package archive nor a seeds folder: unpack it into a folder ('unzip {target} "
            "-d corpus') and pass that folder" if inside == "top" else
            f"{target}: a zip of a seeds folder (seeds/ in it holds corpus.toml), not a "
            f"package archive nor a seeds folder: unpack it ('unzip {target}') and pass the "
            "folder seeds it holds")
    code, out, _ = run(capsys, "validate", str(target))
    assert code == 1 and out.splitlines()[0] == f"{says} [not-a-package]", out
    report = validate(target, jobs=1)
    assert [p.code for p in report.problems] == ["not-a-package"]
    assert report.kind == "other"  # no package archive (QA: its JSON said "archive")
    code, _, err = run(capsys, "build", str(target), "--out", str(tmp_path / "out"))
    assert code == 1 and f"error: {says} [not-a-package]" in err, err  # as validate says
    code, _, err = run(capsys, "info", str(target))
    assert code == 1 and f"error: {says} [not-a-package]" in err, err
    # diff, which takes seeds folders, said "it does not start as a zip archive does" (QA).
    code, _, err = run(capsys, "diff", str(target), str(seeds))
    assert code == 1 and f"error: {says} [not-a-package]" in err, err
    with pytest.raises(InputError) as raised:  # as info says it: no verification failed
        corpuskit.load(target)
    assert not isinstance(raised.value, corpuskit.PackageIntegrityError)
    assert f"{says} [not-a-package]" in str(raised.value)
    assert not (tmp_path / "out").exists()
    # A package's zip is a package still, whatever its problems.
    damaged = tmp_path / built().archive.name
    with zipfile.ZipFile(built().archive) as source, zipfile.ZipFile(damaged, "w") as copy:
        for info in source.infolist():
            if not info.filename.endswith("/datapackage.json"):
                copy.writestr(info, source.read(info))
    assert "not-a-package" not in {p.code for p in validate(damaged, jobs=1).problems}
    assert validate(damaged, jobs=1).kind == "archive"


def test_build_names_a_tar_archive_given_as_seeds_as_validate_does(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """build said config-error of a .tar.gz given for its seeds, where the README and
    validate say not-a-package (QA)."""
    import tarfile

    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "a.txt").write_text("Some text.\n", "utf-8")
    target = tmp_path / "texts.tar.gz"
    with tarfile.open(target, "w:gz") as made:
        made.add(folder, arcname="texts")
    code, _, err = run(capsys, "build", str(target), "--out", str(tmp_path / "out"))
    assert code == 1 and err.splitlines()[0].endswith("[not-a-package]"), err
    assert "tar -xzf" in err or "unpack it" in err, err
