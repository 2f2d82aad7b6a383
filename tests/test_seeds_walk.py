"""The walk of a seeds folder (:func:`corpuskit.discover.candidate_paths`): one set of rules
for which files a build considers, shared by discovery, check's untracked files, the count
of a build's useful workers and the Git LFS pointers named when corpus.toml is one (QA s83
review finding 6: each walked the seeds with its own copy of the rules), and no recursion
that a folder a thousand deep can exhaust."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from _deep_folders import DEPTH, nested
from _validate_support import EPOCH, write_seeds

from corpuskit.build import build
from corpuskit.config import DiscoverConfig
from corpuskit.discover import candidate_paths, discover, is_seeds_own, skipped_on_the_way
from corpuskit.engine import useful_jobs
from corpuskit.errors import InputError
from corpuskit.gitlfs import pointers_in
from corpuskit.problems import Problem
from corpuskit.validation import validate

TEXT = b"A title\n\nA paragraph of text.\n"


def _pointer(data: bytes) -> bytes:
    """What a checkout without Git LFS holds in place of ``data``."""
    return (f"version https://git-lfs.github.com/spec/v1\noid sha256:"
            f"{hashlib.sha256(data).hexdigest()}\nsize {len(data)}\n").encode()


def _seeds(tmp_path: Path) -> Path:
    """Seeds with each kind of entry the rules tell apart."""
    seeds = write_seeds(tmp_path / "seeds", {
        "a.txt": TEXT, "news/b.txt": TEXT, "news/.draft.txt": TEXT, ".notes/c.txt": TEXT,
        "drafts/d.txt": TEXT, "old.bak": TEXT, "CHANGELOG.md": b"## 1.0.0\n\nFirst.\n"},
        discover={"exclude": ["drafts/", "*.bak"]})
    (seeds / "linked").mkdir()
    (seeds / "linked" / "news").symlink_to("../news", target_is_directory=True)
    return seeds


def test_the_walk_gives_what_a_build_considers_in_either_order(tmp_path: Path) -> None:
    """Hidden and excluded entries are left out with everything in a folder that is; a
    link to a folder is given (the build refuses it), not followed; corpus.toml and
    CHANGELOG.md are given (the build reads them); in no order, the same entries."""
    seeds = _seeds(tmp_path)
    exclude = ("drafts/", "*.bak")
    ordered = [path for path, _ in candidate_paths(seeds, exclude)]
    assert ordered == ["CHANGELOG.md", "a.txt", "corpus.toml", "linked/news", "news/b.txt"]
    assert sorted(path for path, _ in candidate_paths(seeds, exclude, ordered=False)) \
        == ordered
    assert [path for path in ordered if is_seeds_own(path)] == ["CHANGELOG.md", "corpus.toml"]
    assert [path for path, _ in candidate_paths(seeds, exclude, under="news")] \
        == ["news/b.txt"]
    found = discover(seeds, DiscoverConfig(exclude=exclude))
    assert [ref.path for ref in found.sources] == ["a.txt", "news/b.txt"]
    assert [(p.path, p.code) for p in found.problems] == [("linked/news", "unsafe-path")]
    assert skipped_on_the_way("drafts/d.txt", exclude) == ("drafts", "excluded by "
                                                           "discover.exclude")
    assert skipped_on_the_way(".notes/c.txt", exclude) == (".notes", "hidden")
    assert skipped_on_the_way("drafts", exclude) is None  # a file: "drafts/" is for folders
    assert skipped_on_the_way("news/b.txt", exclude) is None


def test_useful_jobs_counts_the_documents_the_walk_gives(tmp_path: Path) -> None:
    """A build forks no more workers than its documents' batches (a megabyte of text
    each): corpus.toml, CHANGELOG.md and what the walk leaves out count for none."""
    large = b"A title\n\n" + b"word " * 300_000 + b"\n"  # 1.5 MB
    seeds = write_seeds(tmp_path / "seeds", {
        name: large for name in ("a.txt", "news/b.txt", "news/.draft.txt", ".notes/c.txt",
                                 "drafts/d.txt", "old.bak", "CHANGELOG.md")},
        discover={"exclude": ["drafts/", "*.bak"]})
    config = DiscoverConfig(exclude=("drafts/", "*.bak"))
    assert useful_jobs(seeds, config, 64) == 2  # two documents, one batch each at most
    (seeds / "a.txt").unlink()
    assert useful_jobs(seeds, config, 64) == 1


def test_a_seeds_folder_a_thousand_deep_is_a_clear_problem(tmp_path: Path) -> None:
    """Folders nested 990 deep, a text at the bottom: build and validate report the folder
    whose path is too long, as they report any, never a RecursionError."""
    seeds = write_seeds(tmp_path / "seeds", {"a.txt": TEXT})
    with nested(seeds, TEXT):
        said = validate(seeds, jobs=1).problems
        with pytest.raises(InputError) as refused:
            build(seeds, tmp_path / "dist", source_date_epoch=EPOCH, jobs=2)
        walked: list[Problem] = []
        given = [path for path, _ in candidate_paths(seeds, (), problems=walked)]
        streamed: list[Problem] = []
        given_streamed = sorted(path for path, _ in candidate_paths(
            seeds, (), problems=streamed, ordered=False))
    too_long = "/".join(["d"] * 513)  # the first folder over 1024 bytes
    assert [(p.path, p.code) for p in said] == [(too_long, "unsafe-path")]
    assert [(p.path, p.code) for p in refused.value.problems] == [(too_long, "unsafe-path")]
    assert given == given_streamed == ["a.txt", "corpus.toml"]
    assert walked == streamed == list(said)


def test_pointers_are_named_beside_a_folder_a_thousand_deep(tmp_path: Path) -> None:
    """A seeds folder kept in Git LFS, not fetched, holding folders 990 deep: the walk for
    the pointers to name (os.walk, which recurses) was a RecursionError from a stack as
    deep as a test's; those the build considers are named."""
    config_bytes = b'name = "x"\n'
    seeds = write_seeds(tmp_path / "seeds", {"a.txt": _pointer(TEXT), "b.txt": TEXT,
                                             ".hidden.txt": _pointer(TEXT)})
    (seeds / "corpus.toml").write_bytes(_pointer(config_bytes))
    (seeds / "linked.txt").symlink_to("a.txt")  # its target is named, not the link
    with nested(seeds, _pointer(TEXT)):
        assert pointers_in(seeds) == ["a.txt", "corpus.toml"]
        said = validate(seeds, jobs=1).problems
    assert [(p.path, p.code) for p in said] == [("a.txt", "lfs-pointer"),
                                                ("corpus.toml", "lfs-pointer")]


def test_the_deep_folders_are_removed(tmp_path: Path) -> None:
    """(The tests' own helper: pytest's rmtree recurses too.)"""
    with nested(tmp_path, TEXT, depth=DEPTH) as bottom:
        assert os.path.isfile(tmp_path / bottom)
    assert os.listdir(tmp_path) == []
