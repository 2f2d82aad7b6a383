"""A corpus taken through a history of releases, as a maintainer would with the CLI.

1.0.0 first release → add a document (minor, 1.1.0) → correct a document's text (major,
2.0.0; a minor release is refused naming major) → withdraw a document (major, 3.0.0) →
change only package metadata (patch, 3.0.1). After every step: the versions in dist, the
changelog entry, the diff between consecutive releases (JSON, schema-valid, equal to the
library), content hashes, and every older release folder and zip byte for byte unchanged.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import copy_seeds_at_first_release
from jsonschema import Draft202012Validator

from corpuskit.cli import main
from corpuskit.diff import diff

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SCHEMA = json.loads((REPO / "schemas" / "diff.schema.json").read_text("utf-8"))
NAME = "corpuskit-seeds"
SEED_ID = "000_5126d78043eeafc4"
SEED_TITLE = "For development of Non-Aligned Movement"
EPOCH = 1_800_000_000  # 2027-01-15T08:00:00Z
DAY = 86_400


def dist_hashes(dist: Path) -> dict[str, str]:
    """sha256 of every file of every release in dist (the lock file is not a release)."""
    return {
        path.relative_to(dist).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(dist.rglob("*"))
        if path.is_file() and not path.name.startswith(".corpuskit")
    }


def releases(dist: Path) -> list[str]:
    return sorted(p.name for p in dist.iterdir() if not p.name.startswith("."))


def descriptor(dist: Path, version: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(
        (dist / f"{NAME}-{version}" / "datapackage.json").read_text("utf-8"))
    return data


def content_hash(dist: Path, version: str) -> str:
    extension = descriptor(dist, version)["corpuskit"]
    assert isinstance(extension, dict)
    value = extension["content_hash"]
    bag_info = (dist / f"{NAME}-{version}" / "bag-info.txt").read_text("utf-8")
    assert f"Content-Hash: {value}\n" in bag_info
    return str(value)


def top_entry(changelog: str) -> str:
    """The newest ``## `` section of a changelog."""
    sections = changelog.split("\n## ")
    return "## " + sections[1].rstrip("\n") + "\n"


@dataclass
class History:
    seeds: Path
    dist: Path
    capsys: pytest.CaptureFixture[str]
    monkeypatch: pytest.MonkeyPatch
    day: int = 0

    def release(self, *bump: str) -> tuple[int, str, str]:
        """Run ``corpuskit release`` on day ``self.day`` of the history."""
        self.monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + self.day * DAY))
        code = main(["release", *bump, "--seeds", str(self.seeds), "--out", str(self.dist),
                     "-j", "1", "--no-cache"])
        out = self.capsys.readouterr()
        return code, out.out, out.err

    def diff_json(self, old: str, new: str) -> dict[str, Any]:
        old_path = self.dist / f"{NAME}-{old}"
        new_path = self.dist / f"{NAME}-{new}"
        assert main(["diff", str(old_path), str(new_path), "--format", "json"]) == 0
        data: dict[str, Any] = json.loads(self.capsys.readouterr().out)
        assert data == diff(old_path, new_path).as_dict()
        assert [e.message for e in Draft202012Validator(SCHEMA).iter_errors(data)] == []
        return data

    def step(self, previous: str, version: str, *bump: str) -> tuple[dict[str, Any], str]:
        """Release ``version``; check immutability, versions, changelog copy and hashes."""
        before = dist_hashes(self.dist)
        self.day += 1
        code, _, err = self.release(*bump)
        assert code == 0, err
        after = dist_hashes(self.dist)
        # Every file of every older release is still there with the same bytes ...
        assert {k: v for k, v in after.items() if k in before} == before
        # ... and the only new files are the new release's folder and zip.
        new_files = set(after) - set(before)
        assert all(f.startswith(f"{NAME}-{version}/") or f == f"{NAME}-{version}.zip"
                   for f in new_files)
        assert f"{NAME}-{version}.zip" in new_files
        assert f"released {NAME} {version}" in err

        folder = self.dist / f"{NAME}-{version}"
        assert descriptor(self.dist, version)["version"] == version
        created = f"2027-01-{15 + self.day:02d}T08:00:00Z"
        assert descriptor(self.dist, version)["created"] == created
        toml = (self.seeds / "corpus.toml").read_text("utf-8")
        assert f'\nversion = "{version}"\n' in toml and f'\ncreated = "{created}"\n' in toml
        changelog = (self.seeds / "CHANGELOG.md").read_text("utf-8")
        assert (folder / "CHANGELOG.md").read_text("utf-8") == changelog
        entry = top_entry(changelog)
        assert entry.startswith(f"## {version} ({created[:10]})\n\n"
                                f"Changes since {previous}: ")
        # The seeds now have the same content as the release, in its folder and its zip.
        assert diff(folder, self.seeds).same_content
        same = diff(folder, folder.with_name(folder.name + ".zip"))
        assert same.same_content and same.by_hash
        data = self.diff_json(previous, version)
        assert content_hash(self.dist, previous) == data["old"]["content_hash"]
        assert content_hash(self.dist, version) == data["new"]["content_hash"]
        assert data["old"]["content_hash"] != data["new"]["content_hash"]
        return data, entry


def write_doc(seeds: Path, name: str, title: str, date: str, *paragraphs: str) -> None:
    body = "\n\n".join(paragraphs)
    (seeds / name).write_text(f"{title}\n\n{date}\n\n{body}\n", encoding="utf-8")


def test_a_corpus_through_its_history(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    seeds = copy_seeds_at_first_release(tmp_path / "seeds")
    history = History(seeds, tmp_path / "dist", capsys, monkeypatch)

    # -- 1.0.0: the first release is the version in corpus.toml --------------------------
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert main(["release", "--seeds", str(seeds), "--out", str(history.dist), "-j", "1",
                 "--no-cache"]) == 0
    assert f"released {NAME} 1.0.0 (first release)" in capsys.readouterr().err
    assert releases(history.dist) == [f"{NAME}-1.0.0", f"{NAME}-1.0.0.zip"]
    hashes = [content_hash(history.dist, "1.0.0")]

    # Nothing changed: nothing to release.
    code, _, err = history.release()
    assert code == 1 and "nothing to release" in err

    # -- 1.1.0: a document is added (minor) -------------------------------------------
    write_doc(seeds, "harbour.txt", "The harbour at dawn", "March 3, 2024",
              "Fishing boats return to the harbour before the sun rises over the hills.",
              "The market opens an hour later and the first buyers arrive by bicycle.")
    code, _, err = history.release("patch")
    assert code == 1 and "require a minor release" in err
    data, entry = history.step("1.0.0", "1.1.0")
    assert data["bump"] == "minor"
    assert data["added"] == [{"id": "harbour", "title": "The harbour at dawn"}]
    assert data["removed"] == [] and data["changed"] == [] and data["metadata"] == []
    assert entry == (
        "## 1.1.0 (2027-01-16)\n\n"
        "Changes since 1.0.0: 1 document added. Minor release.\n\n"
        "### Added\n\n"
        "- `harbour` (The harbour at dawn)\n")
    assert releases(history.dist) == [f"{NAME}-1.0.0", f"{NAME}-1.0.0.zip",
                                      f"{NAME}-1.1.0", f"{NAME}-1.1.0.zip"]
    hashes.append(content_hash(history.dist, "1.1.0"))

    # -- 2.0.0: a document's text is corrected (major; minor is refused) ----------------
    raw = (seeds / f"{SEED_ID}.txt").read_text("utf-8")
    assert "noble duty" in raw
    (seeds / f"{SEED_ID}.txt").write_text(raw.replace("noble duty", "noble and solemn duty"),
                                          "utf-8")
    code, _, err = history.release("minor")
    assert code == 1
    assert "a minor release is too small" in err and SEED_ID in err
    assert ("require a major release; run 'corpuskit release major --seeds "
            f"{history.seeds} --out {history.dist}'") in err
    assert releases(history.dist)[-1] == f"{NAME}-1.1.0.zip"
    data, entry = history.step("1.1.0", "2.0.0", "major")
    assert data["bump"] == "major"
    assert data["added"] == [] and data["removed"] == []
    assert data["changed"] == [{
        "id": SEED_ID, "title": SEED_TITLE, "old_title": SEED_TITLE, "kind": "text",
        "fields": ["text", "chars", "words", "text_sha256", "source_bytes", "source_sha256"],
    }]
    assert entry == (
        "## 2.0.0 (2027-01-17)\n\n"
        "Changes since 1.1.0: 1 document changed. Major release.\n\n"
        "### Changed\n\n"
        f"- `{SEED_ID}` ({SEED_TITLE}): text changed\n")
    hashes.append(content_hash(history.dist, "2.0.0"))

    # -- 3.0.0: a document is withdrawn (major) ----------------------------------------
    (seeds / "harbour.txt").unlink()
    data, entry = history.step("2.0.0", "3.0.0")
    assert data["bump"] == "major"
    assert data["removed"] == [{"id": "harbour", "title": "The harbour at dawn"}]
    assert data["added"] == [] and data["changed"] == []
    assert entry == (
        "## 3.0.0 (2027-01-18)\n\n"
        "Changes since 2.0.0: 1 document removed. Major release.\n\n"
        "### Removed\n\n"
        "- `harbour` (The harbour at dawn)\n")
    hashes.append(content_hash(history.dist, "3.0.0"))

    # -- 3.0.1: only package metadata changes (patch) -----------------------------------
    toml = seeds / "corpus.toml"
    old_description = tomllib_description(toml)
    toml.write_text(toml.read_text("utf-8").replace(
        "used to demonstrate and test corpus packaging.",
        "used to demonstrate and test corpus packaging and releases."), "utf-8")
    data, entry = history.step("3.0.0", "3.0.1")
    assert data["bump"] == "patch"
    assert data["added"] == data["removed"] == data["changed"] == []
    assert data["metadata"] == [{"field": "description", "old": old_description,
                                 "new": tomllib_description(toml)}]
    assert data["summary"] == {"added": 0, "removed": 0, "changed": 0, "unchanged": 1,
                               "metadata": 1}
    assert entry == (
        "## 3.0.1 (2027-01-19)\n\n"
        "Changes since 3.0.0: 1 package metadata field changed. Patch release.\n\n"
        "### Package metadata\n\n"
        "- `description` changed\n")
    hashes.append(content_hash(history.dist, "3.0.1"))

    # -- the whole history ---------------------------------------------------------------
    versions = ["1.0.0", "1.1.0", "2.0.0", "3.0.0", "3.0.1"]
    assert releases(history.dist) == sorted(
        [f"{NAME}-{v}" for v in versions] + [f"{NAME}-{v}.zip" for v in versions])
    assert len(set(hashes)) == len(hashes)
    changelog = (seeds / "CHANGELOG.md").read_text("utf-8")
    headings = [line for line in changelog.splitlines() if line.startswith("## ")]
    assert headings == ["## 3.0.1 (2027-01-19)", "## 3.0.0 (2027-01-18)",
                        "## 2.0.0 (2027-01-17)", "## 1.1.0 (2027-01-16)",
                        "## 1.0.0 (2026-11-28)"]
    # First to last: the withdrawn document never shows; the correction and the metadata do.
    overall = history.diff_json("1.0.0", "3.0.1")
    assert overall["bump"] == "major"
    assert overall["added"] == overall["removed"] == []
    assert [c["id"] for c in overall["changed"]] == [SEED_ID]
    assert [m["field"] for m in overall["metadata"]] == ["description"]
    # Going back in time is a diff too: 3.0.0 → 1.1.0 re-adds harbour and changes the text.
    backwards = history.diff_json("3.0.0", "1.1.0")
    assert backwards["added"] == [{"id": "harbour", "title": "The harbour at dawn"}]
    assert backwards["bump"] == "major"
    # A later rebuild of the latest release from the seeds is a no-op: immutable, reproducible.
    before = dist_hashes(history.dist)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert main(["build", str(seeds), "--out", str(history.dist), "-j", "1", "--no-cache"]) == 0
    assert "identical content" in capsys.readouterr().err
    assert dist_hashes(history.dist) == before


def tomllib_description(toml: Path) -> str:
    return str(tomllib.loads(toml.read_text("utf-8"))["description"])
