"""CHANGELOG.md of a package: what no build ships is named by validate, re-signed or not.

A re-signed release whose CHANGELOG.md was emptied or given an entry of a later version
passed validate (QA), and 'release' reads the latest release's changelog as the corpus's
history. What a build ships from the seeds (a maintainer's text, a version built alone
with no entry of its own, a fix of an older line below a later release's entry) passes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _validate_support import EPOCH, copy_release, resign, write_seeds, zip_of

import corpuskit
from corpuskit.validation import validate

#: The entry a build of the sample with EPOCH writes, as 'release' heads a release's.
OWN = "## 1.0.0 (2023-11-14)"

EDITS: dict[str, tuple[object, list[tuple[str, str, str]]]] = {
    "emptied": (lambda text: "", [("schema-error", "", "is empty: ")]),
    "white space alone": (lambda text: " \n\n", [("schema-error", "", "is empty: ")]),
    "a later version above": (
        lambda text: text.replace(OWN, "## 2.0.0 (2030-01-01)\n\nRemoved everything.\n\n"
                                       + OWN),
        [("metadata-mismatch", "line 3", "has an entry for 2.0.0, a version after the "
                                         "package's own (1.0.0, datapackage.json), whose "
                                         "entry (line 7) 'corpuskit release' wrote")]),
    "a later version below": (
        lambda text: text + "\n## v1.1.0\n\nLater.\n",
        [("metadata-mismatch", "line 7", "has an entry for v1.1.0, a version after")]),
    "its version twice": (
        lambda text: text + "\n## 1.0.0\n\nAgain.\n",
        [("metadata-mismatch", "line 7", "has a second entry for the package's version "
                                         "1.0.0 (the first, line 3,")]),
    "an earlier version above": (
        lambda text: text.replace(OWN, "## 0.9.0 (2023-11-01)\n\nEarlier.\n\n" + OWN),
        [("metadata-mismatch", "line 3", "has an entry for 0.9.0 above the package's own "
                                         "(1.0.0, line 7), which 'corpuskit release' "
                                         "writes above every other entry")]),
    "a control character": (
        lambda text: text + "\x00\n",
        [("schema-error", "line 6", "holds U+0000, a control character, not Markdown "
                                    "text, which no build ships")]),
    "not UTF-8": (lambda text: b"\xff" + text.encode(),
                  [("schema-error", "", "is not UTF-8 text (byte 0 is not)")]),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_re_signed_changelog_no_build_ships_is_named(edit: str, tmp_path: Path) -> None:
    """Each edit, with every checksum and the seal made to agree again, is named at its
    line, in the folder and in the zip alike; an edit that only adds an older entry below
    the release's own is history a release may carry, and passes."""
    change, expected = EDITS[edit]
    package = copy_release(tmp_path)
    changelog = package / "CHANGELOG.md"
    text = changelog.read_text("utf-8")
    assert text.splitlines()[2] == OWN  # the entry the edits are placed by
    changed = change(text)  # type: ignore[operator]
    changelog.write_bytes(changed if isinstance(changed, bytes) else changed.encode())
    resign(package)
    (tmp_path / "zips").mkdir()
    archive = zip_of(package, tmp_path / "zips")
    for target in (package, archive):
        report = validate(target, jobs=1)
        found = [(p.path, p.code, p.location, p.message) for p in report.problems]
        assert len(found) == len(expected), found
        for (path, code, location, message), (want_code, want_location, start) in zip(
                found, expected, strict=True):
            assert (path, code, location) == ("CHANGELOG.md", want_code, want_location)
            assert message.startswith(start), message
            assert "CHANGELOG.md was changed after the build; restore the file" in message


def test_older_history_below_a_release_entry_passes(tmp_path: Path) -> None:
    """Entries below the release's own, of earlier versions in any order and spelling
    (history written by hand before corpuskit, a fix of an older line), are not checked."""
    package = copy_release(tmp_path)
    changelog = package / "CHANGELOG.md"
    changelog.write_text(changelog.read_text("utf-8") + "\n## [0.2.0] - 2020-01-01\n\nOld."
                         "\n\n## 0.2.1\n\nA fix.\n\n## [Unreleased]\n", "utf-8")
    resign(package)
    assert validate(package, jobs=1).valid


@pytest.mark.parametrize("changelog, version", [
    ("hello\n", "1.0.0"),  # a maintainer's text, no entry at all
    ("# Changes\n\n## 1.0.0 (2023-11-14)\n\nFirst.\n", "1.1.0"),  # bumped by hand
    ("# Changes\n\n## 1.0.0 (2023-11-14)\n\nFirst.\n", "0.9.1"),  # below a later release
    ("## [1.1.0] - 2024-01-01\n\nBy hand.\n\n## 1.0.0\n", "1.1.0"),  # by hand
    ("# Changes\n\n## 1.1.0 (2030-01-01)\n\nWritten ahead.\n\n## 1.0.0\n", "1.1.0"),
])
def test_every_changelog_a_build_ships_passes(changelog: str, version: str,
                                               tmp_path: Path) -> None:
    """A build ships the seeds' CHANGELOG.md as written (its checks refuse only entries
    after both its version and the latest release in its output folder, which validate
    cannot see): a version built alone, with no entry of its own or one written by hand,
    passes, folder and zip."""
    seeds = write_seeds(tmp_path / "seeds", version=version)
    (seeds / "CHANGELOG.md").write_text(changelog, "utf-8")
    out = tmp_path / "dist"
    if version == "0.9.1":  # a fix of an older line: 1.0.0 is released there
        corpuskit.build(write_seeds(tmp_path / "later"), out, source_date_epoch=EPOCH, jobs=1)
    result = corpuskit.build(seeds, out, source_date_epoch=EPOCH, jobs=1)
    assert (result.release / "CHANGELOG.md").read_text("utf-8") == changelog
    for target in (result.release, result.archive):
        report = validate(target, jobs=1)
        assert report.valid, report.problems
