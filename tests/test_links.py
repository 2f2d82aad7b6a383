"""A build hard-links the raw files an earlier release in the output folder holds already.

Creating a file is the costliest step of an incremental build on some filesystems, so
raw files are shared with the latest earlier release (as ``rsync --link-dest`` does),
but only after a byte-for-byte comparison, and never at the cost of a byte of output.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest
from conftest import build_into, corpus_config, make_seeds, toml_text, tree_bytes

from corpuskit import writer
from corpuskit.compare import tree_differences
from corpuskit.writer import holds_exactly, link_or_write_file

DOCS = {f"part-{i % 2}/doc-{i:03d}.txt": f"Note {i}\n\nThe {i}th note of the test corpus.\n"
        for i in range(12)}


def _inode(path: Path) -> tuple[int, int]:
    info = os.lstat(path)
    return info.st_dev, info.st_ino


def _next_version(seeds: Path, version: str, changes: dict[str, str]) -> None:
    (seeds / "corpus.toml").write_text(toml_text(corpus_config({"version": version})),
                                       encoding="utf-8")
    for relpath, text in changes.items():
        (seeds / relpath).write_text(text, encoding="utf-8")


@pytest.fixture()
def two_releases(tmp_path: Path) -> tuple[Path, Path, Path]:
    """seeds, out with 1.0.0 and 1.0.1 (one document changed), and 1.0.1 built alone."""
    seeds = make_seeds(tmp_path, DOCS, {"version": "1.0.0"})
    out = tmp_path / "dist"
    build_into(seeds, out)
    _next_version(seeds, "1.0.1", {"part-1/doc-003.txt": "Note 3\n\nRewritten.\n"})
    build_into(seeds, out)
    alone = tmp_path / "alone"
    build_into(seeds, alone)
    return seeds, out, alone


def test_unchanged_raw_files_are_shared_with_the_earlier_release(
        two_releases: tuple[Path, Path, Path]) -> None:
    _, out, _ = two_releases
    old, new = out / "test-corpus-1.0.0" / "data/raw", out / "test-corpus-1.0.1" / "data/raw"
    shared = {rel for rel in DOCS if _inode(old / rel) == _inode(new / rel)}
    assert shared == set(DOCS) - {"part-1/doc-003.txt"}
    assert (new / "part-1/doc-003.txt").read_text(encoding="utf-8") == "Note 3\n\nRewritten.\n"
    assert (old / "part-1/doc-003.txt").read_text(encoding="utf-8") == DOCS["part-1/doc-003.txt"]


def test_a_change_to_a_shared_file_is_said_to_change_every_release_sharing_it(
        two_releases: tuple[Path, Path, Path]) -> None:
    """A raw file edited in the newest release is the earlier release's too (one inode):
    check and build named the newest release only, and once it was restored as they
    advised, check said "current" while the earlier one stayed damaged (QA). Both now
    name the releases that changed with it; a file of the newest release alone (changed
    in 1.0.1, never linked) names none."""
    from corpuskit.check import check
    from corpuskit.errors import ReleaseExistsError

    seeds, out, _ = two_releases
    newest = out / "test-corpus-1.0.1"
    with (newest / "data/raw/part-0/doc-000.txt").open("a", encoding="utf-8") as handle:
        handle.write("edited\n")
    with (newest / "data/raw/part-1/doc-003.txt").open("a", encoding="utf-8") as handle:
        handle.write("edited\n")
    report = check(seeds, out, jobs=1)
    messages = {Path(p.path).relative_to(newest).as_posix(): p.message
                for p in report.problems}
    shared = ("; this file is hard-linked with the same files of test-corpus-1.0.0 (a build "
              "links the files that did not change into the next release), which changed "
              f"with it: restore that release too ('corpuskit validate {out}' checks every "
              "release)")
    assert messages["data/raw/part-0/doc-000.txt"].endswith(shared)
    assert "hard-linked" not in messages["data/raw/part-1/doc-003.txt"]
    with pytest.raises(ReleaseExistsError, match="was changed after it was built") as caught:
        build_into(seeds, out)
    assert str(caught.value).endswith(
        "; its changed files are hard-linked with the same files of test-corpus-1.0.0 (a "
        "build links the files that did not change into the next release), which changed "
        f"with them: restore that release too ('corpuskit validate {out}' checks every "
        "release)")


def test_linking_changes_no_byte_of_the_release(two_releases: tuple[Path, Path, Path]) -> None:
    _, out, alone = two_releases
    name = "test-corpus-1.0.1"
    assert tree_differences(out / name, alone / name) == []
    assert tree_bytes(out / name) == tree_bytes(alone / name)
    assert (out / f"{name}.zip").read_bytes() == (alone / f"{name}.zip").read_bytes()
    # nothing of the build is shared with the seeds themselves
    seeds_inodes = {_inode(path) for path in (two_releases[0]).rglob("*.txt")}
    assert not seeds_inodes & {_inode(p) for p in (out / name).rglob("*") if p.is_file()}


def _earlier_and_seeds(tmp_path: Path) -> tuple[Path, Path, Path]:
    seeds = make_seeds(tmp_path, DOCS, {"version": "1.0.0"})
    out = tmp_path / "dist"
    build_into(seeds, out)
    _next_version(seeds, "1.0.1", {})
    return seeds, out, out / "test-corpus-1.0.0" / "data/raw"


def test_an_earlier_file_with_other_bytes_is_not_linked(tmp_path: Path) -> None:
    """A damaged earlier release (same size, other bytes) lends nothing, and stays as it is."""
    seeds, out, old = _earlier_and_seeds(tmp_path)
    damaged = old / "part-0/doc-000.txt"
    data = bytearray(damaged.read_bytes())
    data[3] ^= 0x20
    os.chmod(damaged, 0o644)
    damaged.write_bytes(bytes(data))
    build_into(seeds, out)
    new = out / "test-corpus-1.0.1" / "data/raw/part-0/doc-000.txt"
    assert _inode(new) != _inode(damaged)
    assert new.read_bytes() == (seeds / "part-0/doc-000.txt").read_bytes()
    assert damaged.read_bytes() == bytes(data)
    assert _inode(out / "test-corpus-1.0.1/data/raw/part-0/doc-002.txt") == \
        _inode(old / "part-0/doc-002.txt")


def test_an_earlier_file_with_another_mode_or_a_link_is_not_linked(tmp_path: Path) -> None:
    seeds, out, old = _earlier_and_seeds(tmp_path)
    os.chmod(old / "part-0/doc-000.txt", 0o600)
    target = old / "part-0/doc-002.txt"
    os.replace(target, old / "moved.txt")
    os.symlink(seeds / "part-0/doc-002.txt", target)
    build_into(seeds, out)
    new = out / "test-corpus-1.0.1" / "data/raw/part-0"
    assert _inode(new / "doc-000.txt") != _inode(old / "part-0/doc-000.txt")
    assert not (new / "doc-002.txt").is_symlink()
    assert _inode(new / "doc-002.txt") != _inode(seeds / "part-0/doc-002.txt")
    assert (new / "doc-002.txt").read_bytes() == (seeds / "part-0/doc-002.txt").read_bytes()
    assert os.stat(new / "doc-000.txt").st_mode & 0o777 == 0o644


def test_where_no_link_can_be_made_the_file_is_copied(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    seeds, out, old = _earlier_and_seeds(tmp_path)

    def cross_device(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(writer.os, "link", cross_device)
    build_into(seeds, out)
    alone = tmp_path / "alone"
    monkeypatch.undo()
    build_into(seeds, alone)
    name = "test-corpus-1.0.1"
    assert tree_bytes(out / name) == tree_bytes(alone / name)
    new = out / name / "data/raw/part-0/doc-000.txt"
    assert _inode(new) != _inode(old / "part-0/doc-000.txt")


def test_holds_exactly(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"abc")
    os.chmod(path, 0o644)
    assert holds_exactly(path, b"abc") == _inode(path)
    assert holds_exactly(path, b"abd") is None
    assert holds_exactly(path, b"ab") is None
    assert holds_exactly(path, b"abcd") is None
    assert holds_exactly(tmp_path / "missing", b"abc") is None
    big = tmp_path / "big.bin"
    data = os.urandom(3 * (1 << 20) + 5)
    big.write_bytes(data)
    os.chmod(big, 0o644)
    assert holds_exactly(big, data) == _inode(big)
    assert holds_exactly(big, data[:-1] + bytes([data[-1] ^ 1])) is None
    link = tmp_path / "link.txt"
    link.symlink_to(path)
    assert holds_exactly(link, b"abc") is None


def test_a_fallback_copy_never_writes_through_an_existing_file(tmp_path: Path) -> None:
    """If the target exists (a link left behind), the copy refuses to write into it: it
    would change the earlier release's file through the shared inode."""
    earlier = tmp_path / "earlier.txt"
    earlier.write_bytes(b"old")
    os.chmod(earlier, 0o644)
    root = tmp_path / "pkg"
    root.mkdir()
    os.link(earlier, root / "a.txt")
    with pytest.raises(writer.OutputError, match="cannot copy"):
        link_or_write_file(root, "a.txt", b"new", None, doing="cannot copy a.txt")
    assert earlier.read_bytes() == b"old"
    placed = link_or_write_file(root, "b/c.txt", b"old", earlier, doing="x")
    assert (placed.st_dev, placed.st_ino) == _inode(earlier)
    assert _inode(root / "b/c.txt") == _inode(earlier)


def test_create_file_makes_a_0644_file_whatever_the_umask(tmp_path: Path) -> None:
    data = bytes(range(256)) * 4000  # ~1 MB: more than one write may take
    old = os.umask(0o077)
    try:
        writer.create_file(tmp_path, "a/b/c.txt", data, doing="cannot copy c.txt")
    finally:
        os.umask(old)
    made = tmp_path / "a" / "b" / "c.txt"
    assert made.read_bytes() == data
    assert stat.S_IMODE(made.stat().st_mode) == 0o644
    with pytest.raises(writer.OutputError, match=r"cannot copy c\.txt: File exists"):
        writer.create_file(tmp_path, "a/b/c.txt", b"other", doing="cannot copy c.txt")
    assert made.read_bytes() == data


def test_one_file_linked_into_both_trees_is_not_read_to_compare_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build of a release that exists links that release's raw files into the folder
    it builds: two names of one file are the same bytes, compared without reading them.
    Copies of the same bytes are still read and found equal, other bytes differ, and a
    symbolic link to the very file still differs (a package holds regular files only)."""
    import filecmp

    left, right = tmp_path / "left", tmp_path / "right"
    for folder in (left, right):
        (folder / "raw").mkdir(parents=True)
    (left / "raw/linked.txt").write_bytes(b"shared bytes\n")
    os.link(left / "raw/linked.txt", right / "raw/linked.txt")
    for name, data in (("copied.txt", b"same\n"), ("other.txt", b"one\n")):
        (left / "raw" / name).write_bytes(data)
    (right / "raw/copied.txt").write_bytes(b"same\n")
    (right / "raw/other.txt").write_bytes(b"two\n")
    (left / "raw/symlinked.txt").write_bytes(b"x\n")
    os.symlink(left / "raw/symlinked.txt", right / "raw/symlinked.txt")
    read: list[str] = []
    real_cmp = filecmp.cmp

    def counting_cmp(a: Path, b: Path, shallow: bool = True) -> bool:
        read.append(Path(a).name)
        return real_cmp(a, b, shallow=shallow)

    monkeypatch.setattr(filecmp, "cmp", counting_cmp)
    assert tree_differences(left, right) == ["raw/other.txt", "raw/symlinked.txt"]
    assert sorted(read) == ["copied.txt", "other.txt"]
