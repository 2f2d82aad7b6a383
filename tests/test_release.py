"""corpuskit release: bump rules, corpus.toml and CHANGELOG.md edits, failure recovery."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import json
import os
import re
import shutil
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from _consumers import rewrite_tagmanifest, rewrite_zip
from _validate_support import resign, zip_of
from conftest import copy_seeds_at_first_release
from jsonschema import Draft202012Validator

from corpuskit import release, validate
from corpuskit.build import build
from corpuskit.check import check
from corpuskit.cli import main
from corpuskit.diff import diff
from corpuskit.dist import find_releases, latest_release, survey_releases
from corpuskit.errors import FileChanged, InputError, OutputError, ReleaseExistsError
from corpuskit.release import (
    ReleaseError,
    changelog_entry,
    has_entry,
    insert_changelog_entry,
    release_time,
    remove_changelog_entry,
    update_corpus_toml,
)
from corpuskit.semver import Version, bump_rank
from corpuskit.validation import validate_all

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SEED_ID = "000_5126d78043eeafc4"
DAY = 86_400
EPOCH = 1_800_000_000  # 2027-01-15T08:00:00Z


def epoch(days: int) -> str:
    return str(EPOCH + days * DAY)


def write_doc(seeds: Path, name: str, title: str, *paragraphs: str) -> None:
    (seeds / name).write_text(f"{title}\n\n" + "\n\n".join(paragraphs) + "\n", "utf-8")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    return copy_seeds_at_first_release(tmp_path / "seeds")


@pytest.fixture
def dist(seeds: Path, tmp_path: Path) -> Path:
    """1.0.0, as ``seeds`` record its release (created, CHANGELOG.md), built into a fresh
    dist (release refuses to make a recorded release again elsewhere)."""
    out = tmp_path / "dist"
    result = build(seeds, out, source_date_epoch=None, jobs=1, cache=None)
    assert result.status == "built" and result.release.name == "corpuskit-seeds-1.0.0"
    return out


# -- semver ------------------------------------------------------------------------------

def test_semver_precedence_and_bumps() -> None:
    ordered = ["0.9.0", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
               "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.9.0",
               "1.10.0", "2.0.0"]
    parsed = [Version.parse(v) for v in ordered]
    assert sorted(reversed(parsed)) == parsed
    assert [str(v) for v in parsed] == ordered
    v = Version.parse("1.4.2")
    assert (str(v.bump("major")), str(v.bump("minor")), str(v.bump("patch"))) == \
        ("2.0.0", "1.5.0", "1.4.3")
    assert str(Version.parse("2.0.0-rc.1").bump("major")) == "2.0.0"
    assert str(Version.parse("1.2.0-rc.1").bump("minor")) == "1.2.0"
    assert str(Version.parse("1.2.3-rc.1").bump("patch")) == "1.2.3"
    for bad in ("1.0", "01.0.0", "1.0.0-", "v1.0.0"):
        with pytest.raises(ValueError):
            Version.parse(bad)
    assert bump_rank("none") < bump_rank("patch") < bump_rank("minor") < bump_rank("major")


def test_find_releases_picks_the_highest_semver(tmp_path: Path) -> None:
    for name in ("c-1.9.0", "c-1.10.0", "c-2.0.0-rc.1", "other-9.0.0", "c-3.0.0", "c-x.y.z"):
        folder = tmp_path / name
        folder.mkdir()
        package, _, version = name.partition("-")
        if name != "c-3.0.0":  # no descriptor: not a release
            (folder / "datapackage.json").write_text(
                json.dumps({"name": package, "version": version}))
    (tmp_path / "c-5.0.0").mkdir()  # a copy renamed: its descriptor says another version
    (tmp_path / "c-5.0.0" / "datapackage.json").write_text('{"name": "c", "version": "1.9.0"}')
    (tmp_path / "c-4.0.0.zip").write_bytes(b"")  # a zip without its folder: no archive
    assert [str(v) for v, _ in find_releases(tmp_path, "c")] == ["1.9.0", "1.10.0", "2.0.0-rc.1"]
    assert [item.path.name for item in survey_releases(tmp_path, "c").damaged] == [
        "c-3.0.0", "c-4.0.0.zip", "c-5.0.0"]
    latest = latest_release(tmp_path, "c")
    assert latest is not None and latest[1].name == "c-2.0.0-rc.1"
    assert latest_release(tmp_path / "missing", "c") is None


# -- corpus.toml -----------------------------------------------------------------------------

def test_update_corpus_toml_keeps_comments_and_layout() -> None:
    text = (
        "# My corpus\n"
        'name = "c"\n'
        "version   =  '1.0.0'   # bumped by corpuskit release\n"
        'description = """\n'
        'version = "9.9.9" appears in this text\n'
        '"""\n'
        'created = "2020-01-01T00:00:00Z"\n'
        "\n"
        "[extract]\n"
        "version = 3\n"
    )
    assert update_corpus_toml(text, "1.1.0", "2027-01-15T08:00:00Z") == (
        "# My corpus\n"
        'name = "c"\n'
        'version   =  "1.1.0"   # bumped by corpuskit release\n'
        'description = """\n'
        'version = "9.9.9" appears in this text\n'
        '"""\n'
        'created = "2027-01-15T08:00:00Z"\n'
        "\n"
        "[extract]\n"
        "version = 3\n"
    )


@pytest.mark.parametrize("quote", ['"', "'"])
def test_update_corpus_toml_finds_a_quoted_key(quote: str) -> None:
    """'"version" = ...' is TOML's version key too, which build reads: release said it
    could not find the line, and to write the version by hand (QA)."""
    text = f'name = "c"\n{quote}version{quote} = "1.0.0"\n{quote}created{quote} = "x"\n'
    assert update_corpus_toml(text, "1.1.0", "2027-01-15T08:00:00Z") == (
        f'name = "c"\n{quote}version{quote} = "1.1.0"\n'
        f'{quote}created{quote} = "2027-01-15T08:00:00Z"\n')
    with pytest.raises(ReleaseError):  # a key of another name is not taken for it
        update_corpus_toml(f'{quote}versions{quote} = "1.0.0"\n', "1.1.0", "2027")


def test_update_corpus_toml_adds_created_after_version_keeping_line_ends() -> None:
    text = 'name = "c"\r\nversion = "1.0.0"\r\ntitle = "T"\r\n'
    assert update_corpus_toml(text, "2.0.0", "2027-01-15T08:00:00Z") == (
        'name = "c"\r\nversion = "2.0.0"\r\ncreated = "2027-01-15T08:00:00Z"\r\ntitle = "T"\r\n')
    assert update_corpus_toml('version = "1.0.0"', "1.0.1", "2027-01-15T08:00:00Z") == \
        'version = "1.0.1"\ncreated = "2027-01-15T08:00:00Z"\n'


def test_update_corpus_toml_sets_the_content_hash_after_created() -> None:
    """A release records its content hash beside its time: added after created (after the
    created it adds too), replaced where there is one; not touched where none is given."""
    digest = "sha256:" + "a" * 64
    assert update_corpus_toml('name = "c"\nversion = "1.0.0"\ntitle = "T"\n', "1.1.0",
                              "2027-01-15T08:00:00Z", digest) == (
        'name = "c"\nversion = "1.1.0"\ncreated = "2027-01-15T08:00:00Z"\n'
        f'content_hash = "{digest}"\ntitle = "T"\n')
    text = (f'version = "1.0.0"\ntitle = "T"\ncreated = "x"\ncontent_hash = "{"sha256:1"}"'
            '  # by release\n')
    assert update_corpus_toml(text, "1.1.0", "2027-01-15T08:00:00Z", digest) == (
        'version = "1.1.0"\ntitle = "T"\ncreated = "2027-01-15T08:00:00Z"\n'
        f'content_hash = "{digest}"  # by release\n')
    assert update_corpus_toml(text, "1.1.0", "y") == text.replace('"1.0.0"', '"1.1.0"').replace(
        '"x"', '"y"')


def test_update_corpus_toml_refuses_what_it_cannot_edit_safely() -> None:
    with pytest.raises(ReleaseError, match=r"cannot update corpus\.toml safely.*by hand"):
        # a table named created, where the release time would go
        update_corpus_toml('version = "1.0.0"\n\n[created]\nby = "x"\n', "1.1.0",
                           "2027-01-15T08:00:00Z")
    with pytest.raises(ReleaseError, match=r"cannot find the line 'version = \.\.\.'"):
        update_corpus_toml('version.major = 1\n', "1.1.0", "2027-01-15T08:00:00Z")



def test_update_corpus_toml_refuses_rather_than_fails_without_tomlkits_private_insert(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """tomlkit has no public insert: release uses the private _insert_at its own append
    uses. A tomlkit without it gets the "by hand" refusal, not a traceback (review s83)."""
    import tomlkit.container

    monkeypatch.delattr(tomlkit.container.Container, "_insert_at")
    with pytest.raises(ReleaseError, match=r"cannot update corpus\.toml safely.*by hand"):
        update_corpus_toml('version = "1.0.0"\ntitle = "T"\n', "1.1.0", "2027-01-15T08:00:00Z")
    # where nothing is inserted, the edit needs no private name
    assert update_corpus_toml('title = "T"\nversion = "1.0.0"\n', "1.1.0", "x") == (
        'title = "T"\nversion = "1.1.0"\ncreated = "x"\n')

@pytest.mark.parametrize(("text", "updated"), [
    # the key written with an escape: TOML's version key, as build reads it
    ('"vers\\u0069on" = "1.0.0"\ncreated = "x"\n',
     '"vers\\u0069on" = "1.1.0"\ncreated = "2027-01-15T08:00:00Z"\n'),
    # a multi-line string
    ('version = """1.0.0"""  # v\ncreated = "x"\n',
     'version = "1.1.0"  # v\ncreated = "2027-01-15T08:00:00Z"\n'),
    # a literal string holding three quotes, before the version: no multi-line string
    ("title = 'Say \"\"\" twice'\nversion = '1.0.0'\ntitle2 = 'a'\n",
     "title = 'Say \"\"\" twice'\nversion = \"1.1.0\"\ncreated = \"2027-01-15T08:00:00Z\"\n"
     "title2 = 'a'\n"),
])
def test_update_corpus_toml_edits_what_a_line_by_line_edit_refused(text: str,
                                                                    updated: str) -> None:
    """corpus.toml is edited as TOML (tomlkit), not line by line: a version key spelled
    with an escape, a version in a multi-line string, or a version after a string that
    holds three quotes (taken by the line edit for the start of a multi-line string) was
    refused with "set ... by hand" (QA s83 review 11); each is TOML that load_config reads."""
    assert update_corpus_toml(text, "1.1.0", "2027-01-15T08:00:00Z") == updated


def test_the_repository_corpus_toml_round_trips() -> None:
    text = (SEEDS / "corpus.toml").read_text("utf-8")
    released = tomllib.loads(text)  # the version and time of the seeds' latest release
    updated = update_corpus_toml(text, "9.2.3", "2037-01-15T08:00:00Z")
    assert tomllib.loads(updated) == {**released, "version": "9.2.3",
                                      "created": "2037-01-15T08:00:00Z"}
    changed = [(a, b) for a, b in zip(text.splitlines(), updated.splitlines(), strict=True)
               if a != b]
    assert changed == [
        (f'version = "{released["version"]}"', 'version = "9.2.3"'),
        (f'created = "{released["created"]}"', 'created = "2037-01-15T08:00:00Z"')]


# -- CHANGELOG.md --------------------------------------------------------------------------

def test_changelog_entry_goes_above_the_newest_section() -> None:
    existing = "# Changelog of c\n\nIntro.\n\n## 1.0.0 (2026-11-28)\n\nInitial release.\n"
    entry = "## 1.1.0 (2027-01-15)\n\nNew.\n"
    assert insert_changelog_entry(existing, "c", entry) == (
        "# Changelog of c\n\nIntro.\n\n## 1.1.0 (2027-01-15)\n\nNew.\n\n"
        "## 1.0.0 (2026-11-28)\n\nInitial release.\n")
    assert insert_changelog_entry(None, "c", entry) == f"# Changelog of c\n\n{entry}"
    assert insert_changelog_entry("# Log\n", "c", entry) == f"# Log\n\n{entry}"
    assert has_entry(existing, "1.0.0") and not has_entry(existing, "1.0")
    assert not has_entry(None, "1.0.0")
    # A changelog kept with CRLF line ends got an entry with LF ones: mixed line ends.
    crlf = existing.replace("\n", "\r\n")
    assert insert_changelog_entry(crlf, "c", entry) == insert_changelog_entry(
        existing, "c", entry).replace("\n", "\r\n")
    assert insert_changelog_entry("# Log\r\n", "c", entry) == \
        "# Log\r\n\r\n" + entry.replace("\n", "\r\n")


@pytest.mark.parametrize("existing", [
    None, "", "# Log\n", "# Log\n\n\n",
    "# Changelog of c\n\nIntro.\n\n## 1.0.0 (2026-11-28)\n\nInitial release.\n",
    "## 1.0.0 (2026-11-28)\n\nInitial release.\n\n## 0.9.0\n\nBeta.\n",
    "# Changelog of c\r\n\r\n## 1.0.0 (2026-11-28)\r\n\r\nInitial release.\r\n",
])
def test_removing_an_inserted_changelog_entry_undoes_the_insertion(existing: str | None) -> None:
    entry = "## 1.1.0 (2027-01-15)\n\nNew.\n"
    inserted = insert_changelog_entry(existing, "c", entry)
    before = remove_changelog_entry(inserted, "c", entry)
    assert before is not None
    other = "## 1.1.0 (2027-01-16)\n\nOther.\n"
    assert insert_changelog_entry(before, "c", other) == \
        insert_changelog_entry(existing, "c", other)
    # a section that is not exactly the entry is never removed
    assert remove_changelog_entry(inserted.replace("New.", "New!"), "c", entry) is None
    assert remove_changelog_entry(inserted, "c", other) is None


def test_changelog_entry_names_every_change(seeds: Path, dist: Path) -> None:
    write_doc(seeds, "new.txt", "A new arrival", "The new document arrived in the spring.")
    raw = (seeds / f"{SEED_ID}.txt").read_text("utf-8")
    (seeds / f"{SEED_ID}.txt").write_text(raw.replace("For development of", "On"), "utf-8")
    result = diff(dist / "corpuskit-seeds-1.0.0", seeds)
    entry = changelog_entry("2.0.0", "2027-01-15T08:00:00Z", result, "1.0.0", "major")
    assert entry == (
        "## 2.0.0 (2027-01-15)\n\n"
        "Changes since 1.0.0: 1 document added, 1 document changed. Major release.\n\n"
        "### Added\n\n"
        "- `new` (A new arrival)\n\n"
        "### Changed\n\n"
        f"- `{SEED_ID}` (For development of Non-Aligned Movement → On Non-Aligned Movement): "
        "metadata changed: title\n")


# -- release -----------------------------------------------------------------------------

def test_build_refuses_a_second_other_release_of_a_version_whose_release_is_gone(
        seeds: Path, dist: Path) -> None:
    """1.1.0 released, then its folder and zip removed and a document added: build made a
    second, other 1.1.0, with 1.1.0's time and an entry naming only what 1.1.0 added,
    where release refused (QA). The seeds 1.1.0 was released from build it again, byte for
    byte; others are refused, naming what changed and what to do."""
    write_doc(seeds, "b.txt", "Bee", "The second document, about bees and their hives.")
    made = release(seeds, dist, source_date_epoch=epoch(1), jobs=1, cache=None)
    assert made.version == "1.1.0" and made.build is not None
    published = snapshot(made.build.release), made.build.archive.read_bytes()
    shutil.rmtree(made.build.release)
    made.build.archive.unlink()
    again = build(seeds, dist, jobs=1, cache=None)  # the same seeds: the same release
    assert (snapshot(again.release), again.archive.read_bytes()) == published
    shutil.rmtree(again.release)
    again.archive.unlink()
    # its entry as an earlier corpuskit wrote it (a title unescaped), the changes the same:
    # the release still (QA: refused as a second, other one)
    changelog = seeds / "CHANGELOG.md"
    entry_form = changelog.read_text("utf-8")
    changelog.write_text(entry_form.replace("`b` (Bee)", "`b` (Bee, *the first*)"), "utf-8")
    assert changelog.read_text("utf-8") != entry_form
    earlier_form = build(seeds, dist, jobs=1, cache=None)
    shutil.rmtree(earlier_form.release)
    earlier_form.archive.unlink()
    changelog.write_text(entry_form, "utf-8")
    with pytest.raises(ReleaseExistsError) as refused:  # at another time: other bytes (QA)
        build(seeds, dist, source_date_epoch=epoch(5), jobs=1, cache=None)
    assert f"records the release time of corpuskit-seeds 1.1.0 (created = {made.created})" \
        in str(refused.value)
    assert str(refused.value).endswith(f"Unset SOURCE_DATE_EPOCH (or set it to {epoch(1)}, "
                                       "that time), and build again")
    write_doc(seeds, "c.txt", "Sea", "The third document, about the sea and its tides.")
    _refused_as_a_second_release(seeds, dist, "corpuskit-seeds", "1.0.0", "2 documents added")
    # Two releases behind (a clone whose dist was not pulled), the latest entry follows a
    # release not here either: built, byte for byte (QA: refused as a second, other one)
    (seeds / "c.txt").unlink()
    elsewhere = dist.with_name("elsewhere")
    shutil.copytree(dist, elsewhere, ignore=shutil.ignore_patterns(".*"))
    assert release(seeds, elsewhere, source_date_epoch=epoch(1), jobs=1).version == "1.1.0"
    write_doc(seeds, "c.txt", "Sea", "The third document, about the sea and its tides.")
    latest = release(seeds, elsewhere, source_date_epoch=epoch(2), jobs=1)
    assert latest.version == "1.2.0" and latest.build is not None
    again = build(seeds, dist, jobs=1, cache=None)
    assert again.archive.read_bytes() == latest.build.archive.read_bytes()


def test_build_and_release_refuse_other_content_inside_what_the_entry_names(
        seeds: Path, dist: Path) -> None:
    """1.1.0 released (b added), then not in dist and b's text edited: the entry a release
    of these seeds writes is 1.1.0's still ("1 document added", b), and build and release
    both made a second, other 1.1.0, which check called current (QA). release records the
    content hash beside created; the build and the release of 1.1.0 compare it with theirs
    and refuse, naming the version and what to do. Without that key (seeds released before)
    the same seeds build the same bytes."""
    write_doc(seeds, "b.txt", "Bee", "The second document, about bees and their hives.")
    made = release(seeds, dist, source_date_epoch=epoch(1), jobs=1, cache=None)
    assert made.version == "1.1.0" and made.build is not None
    toml = seeds / "corpus.toml"
    recorded = tomllib.loads(toml.read_text("utf-8"))
    assert recorded["content_hash"] == made.build.content_hash
    published = made.build.archive.read_bytes()
    shutil.rmtree(made.build.release)
    made.build.archive.unlink()
    write_doc(seeds, "b.txt", "Bee", "The second document, about wasps and their nests.")
    with pytest.raises(ReleaseExistsError) as refused:
        build(seeds, dist, jobs=1, cache=None)
    said = str(refused.value)
    assert (f"records the release of corpuskit-seeds 1.1.0 (created, and content_hash = "
            f"{made.build.content_hash})") in said
    assert "A build would make a second, other 1.1.0; nothing was written" in said
    assert "put back the seeds it was released from" in said
    with pytest.raises(ReleaseError, match=re.escape("A release would make a second, other 1.1.0")):
        release(seeds, dist, jobs=1, cache=None)
    assert sorted(p.name for p in dist.iterdir() if not p.name.startswith(".")) == [
        "corpuskit-seeds-1.0.0", "corpuskit-seeds-1.0.0.zip"]
    assert tomllib.loads(toml.read_text("utf-8")) == recorded  # release left it as it was
    # The seeds 1.1.0 was released from make it again, with the key or without it (the
    # key is not part of the package).
    write_doc(seeds, "b.txt", "Bee", "The second document, about bees and their hives.")
    toml.write_text(re.sub(r"(?m)^content_hash = .*\n", "", toml.read_text("utf-8")),
                    "utf-8")
    assert "content_hash" not in tomllib.loads(toml.read_text("utf-8"))
    assert build(seeds, dist, jobs=1, cache=None).archive.read_bytes() == published


def test_build_refuses_other_content_of_a_release_sharing_the_time_of_the_one_before(
        seeds: Path, dist: Path) -> None:
    """1.0.1 and 1.1.0 released with one SOURCE_DATE_EPOCH share their created; 1.1.0 not
    in dist, and a document its entry names edited inside: the shared time was taken for
    a version bumped by hand, which keeps the release before's time and hash, and a
    second, other 1.1.0 was built. The hash tells them apart, as check does."""
    toml = seeds / "corpus.toml"
    text = toml.read_text("utf-8")
    toml.write_text(text.replace(tomllib.loads(text)["description"], "Second words.", 1),
                    "utf-8")
    assert release(seeds, dist, source_date_epoch=epoch(1), jobs=1).version == "1.0.1"
    write_doc(seeds, "b.txt", "Bee", "The second document, about bees and their hives.")
    made = release(seeds, dist, source_date_epoch=epoch(1), jobs=1, cache=None)
    assert made.version == "1.1.0" and made.build is not None
    shutil.rmtree(made.build.release)
    made.build.archive.unlink()
    write_doc(seeds, "b.txt", "Bee", "The second document, about wasps and their nests.")
    with pytest.raises(ReleaseExistsError,
                       match=re.escape("A build would make a second, other 1.1.0")):
        build(seeds, dist, jobs=1, cache=None)
    write_doc(seeds, "b.txt", "Bee", "The second document, about bees and their hives.")
    assert build(seeds, dist, jobs=1, cache=None).archive.read_bytes() \
        == made.build.archive.read_bytes()


def test_build_two_releases_behind_refuses_other_content(seeds: Path, dist: Path) -> None:
    """A clone whose dist holds 1.0.0, the seeds at 1.2.0 (released elsewhere, after
    1.1.0): the entry cannot be compared, and any seeds were built as 1.2.0 (QA). The
    recorded content hash tells: the same seeds build it, others are refused."""
    elsewhere = dist.with_name("elsewhere")
    shutil.copytree(dist, elsewhere, ignore=shutil.ignore_patterns(".*"))
    write_doc(seeds, "b.txt", "Bee", "The second document, about bees and their hives.")
    assert release(seeds, elsewhere, source_date_epoch=epoch(1), jobs=1).version == "1.1.0"
    write_doc(seeds, "c.txt", "Sea", "The third document, about the sea and its tides.")
    latest = release(seeds, elsewhere, source_date_epoch=epoch(2), jobs=1)
    assert latest.version == "1.2.0" and latest.build is not None
    write_doc(seeds, "b.txt", "Bee", "The second document, about wasps and their nests.")
    with pytest.raises(ReleaseExistsError,
                       match=re.escape("A build would make a second, other 1.2.0")):
        build(seeds, dist, jobs=1, cache=None)
    write_doc(seeds, "b.txt", "Bee", "The second document, about bees and their hives.")
    again = build(seeds, dist, jobs=1, cache=None)
    assert again.archive.read_bytes() == latest.build.archive.read_bytes()


def test_build_and_release_into_an_empty_out_refuse_other_content_of_a_recorded_version(
        seeds: Path, dist: Path, tmp_path: Path) -> None:
    """A clone that does not keep its releases: 1.1.0 released elsewhere, then b's text
    edited and the seeds built or released into an empty folder. Both made a second, other
    1.1.0, and release wrote its other hash over the record (QA: s76's open list); the
    recorded hash is compared there too. The seeds 1.1.0 was released from make it again
    there, byte for byte, and check (whose build runs in a folder of its own) still calls a
    dist of the edited seeds stale rather than refusing."""
    write_doc(seeds, "b.txt", "Bee", "The second document, about bees and their hives.")
    made = release(seeds, dist, source_date_epoch=epoch(1), jobs=1, cache=None)
    assert made.version == "1.1.0" and made.build is not None
    toml = seeds / "corpus.toml"
    recorded = toml.read_bytes()
    write_doc(seeds, "b.txt", "Bee", "The second document, about wasps and their nests.")
    empty = tmp_path / "empty"
    with pytest.raises(ReleaseExistsError) as refused:
        build(seeds, empty, jobs=1, cache=None)
    said = str(refused.value)
    assert (f"records the release of corpuskit-seeds 1.1.0 (created, and content_hash = "
            f"{made.build.content_hash})") in said, said
    assert f"1.1.0 is not in {empty}" in said and "A build would make a second" in said
    with pytest.raises(ReleaseError, match=re.escape("A release would make a second, other 1.1.0")):
        release(seeds, empty, jobs=1, cache=None)
    assert toml.read_bytes() == recorded  # the record kept as it was
    assert not empty.exists() or not [p for p in empty.iterdir() if not p.name.startswith(".")]
    report = check(seeds, dist, jobs=1)  # stale, as before: not a refusal
    assert not report.valid and report.compared
    write_doc(seeds, "b.txt", "Bee", "The second document, about bees and their hives.")
    again = release(seeds, empty, jobs=1, cache=None)
    assert again.version == "1.1.0" and again.build is not None
    assert again.build.archive.read_bytes() == made.build.archive.read_bytes()


def test_build_refuses_another_value_of_a_field_a_patch_entry_names(
        seeds: Path, dist: Path) -> None:
    """1.0.1 released with a new description, then not in dist and the description changed
    again: its entry ("metadata changed: description") is the same, its content not (QA)."""
    toml = seeds / "corpus.toml"
    text = toml.read_text("utf-8")
    old = tomllib.loads(text)["description"]
    toml.write_text(text.replace(old, "Second words.", 1), "utf-8")
    made = release(seeds, dist, source_date_epoch=epoch(1), jobs=1, cache=None)
    assert made.version == "1.0.1" and made.build is not None
    shutil.rmtree(made.build.release)
    made.build.archive.unlink()
    toml.write_text(toml.read_text("utf-8").replace("Second words.", "Third words.", 1),
                    "utf-8")
    with pytest.raises(ReleaseExistsError,
                       match=re.escape("A build would make a second, other 1.0.1")):
        build(seeds, dist, jobs=1, cache=None)


def test_a_release_into_a_folder_behind_the_seeds_is_refused(seeds: Path, dist: Path,
                                                             tmp_path: Path) -> None:
    """Seeds at 2.0.0 released into an old copy of dist holding 1.0.0 alone (a typo for
    dist): the refusal named the 1.1.0 entry and ended "otherwise remove that entry", and
    following it released a second, other 1.1.0 (QA). It names the releases the seeds
    record and the folder does not hold, and changes nothing."""
    old = tmp_path / "old-dist"
    shutil.copytree(dist, old, ignore=shutil.ignore_patterns(".corpuskit-*"))
    write_doc(seeds, "b.txt", "Bee", "The second document, about bees and their hives.")
    assert release(seeds, dist, source_date_epoch=epoch(1), jobs=1, cache=None).version \
        == "1.1.0"
    (seeds / "b.txt").unlink()
    assert release(seeds, dist, source_date_epoch=epoch(2), jobs=1, cache=None).version \
        == "2.0.0"
    write_doc(seeds, "c.txt", "Sea", "The third document, about the sea and its tides.")
    before, kept = snapshot(seeds), snapshot(old)
    with pytest.raises(ReleaseError) as refused:
        release(seeds, old, source_date_epoch=epoch(3), jobs=1, cache=None)
    assert str(refused.value).startswith(
        f"{seeds / 'corpus.toml'} has version 2.0.0 with its release time, and "
        f"{seeds / 'CHANGELOG.md'} its entry (line 3), but the latest release in {old} is "
        f"1.0.0: the seeds record releases that {old} does not hold (2.0.0, 1.1.0). If "
        f"{old} is not the folder of corpuskit-seeds's releases, give --out the one that is")
    assert str(refused.value).endswith("Releasing here would make 1.1.0 after 1.0.0, another "
                                       "release than the seeds' 1.1.0")
    assert snapshot(seeds) == before
    assert {rel: data for rel, data in snapshot(old).items() if not rel.startswith(".")} \
        == kept
    assert release(seeds, dist, source_date_epoch=epoch(3), jobs=1, cache=None).version \
        == "2.1.0"  # into the folder of its releases


def test_a_recorded_release_of_another_bump_is_not_replaced_by_a_plain_release(
        seeds: Path, dist: Path) -> None:
    """A forced 'release major' (a document added: minor required), published, and a clone
    whose dist holds 1.0.0: a plain release took its 2.0.0 entry for an interrupted
    release's, deleted it, and released 1.1.0 (QA). It is refused with the ways out;
    'release major', as told, makes 2.0.0 again, byte for byte."""
    write_doc(seeds, "b.txt", "Bee", "The second document, about bees and their hives.")
    made = release(seeds, dist, "major", source_date_epoch=epoch(1), jobs=1, cache=None)
    assert made.version == "2.0.0" and made.build is not None
    published = made.build.archive.read_bytes()
    shutil.rmtree(made.build.release)
    made.build.archive.unlink()
    before = snapshot(seeds)
    with pytest.raises(ReleaseError) as refused:
        release(seeds, dist, source_date_epoch=epoch(2), jobs=1, cache=None)
    assert str(refused.value) == (
        f"{seeds / 'corpus.toml'} and {seeds / 'CHANGELOG.md'} record the release of "
        f"corpuskit-seeds 2.0.0 after 1.0.0 (its time and entry), which is not in {dist}, "
        "and this minor release would be 1.1.0: if 2.0.0 was published, put it (its folder "
        f"and zip) into {dist} first; if its release was interrupted, finish it with "
        f"'corpuskit release major --seeds {seeds} --out {dist}'; to release 1.1.0 instead, "
        "remove its entry from CHANGELOG.md, then release again")
    assert snapshot(seeds) == before
    again = release(seeds, dist, "major", source_date_epoch=epoch(2), jobs=1, cache=None)
    assert again.build is not None and again.build.archive.read_bytes() == published


def test_a_release_the_seeds_record_made_again_elsewhere_says_so(
        seeds: Path, tmp_path: Path) -> None:
    """corpus.toml records 1.0.0's release time and CHANGELOG.md an entry for it: a release
    into a folder holding no release (a typo for dist) made a second, other 1.0.0 when a
    document was added, in silence (QA). It says so in a note, naming what to remove and
    what to give --out; it is not refused, as a maintainer may write the entry and time of
    a first release by hand (refused, that was a regression: QA round 2)."""
    write_doc(seeds, "extra.txt", "Extra", "An extra document about rivers and bridges.")
    before = snapshot(seeds)
    made = release(seeds, tmp_path / "dits", source_date_epoch=None, jobs=1)
    assert (made.version, made.previous, made.changelog_entry) == ("1.0.0", None, "")
    assert snapshot(seeds) == before
    [note] = made.notes
    assert note.startswith(f"{tmp_path / 'dits'} holds no release of corpuskit-seeds, but "
                           "corpus.toml records a release time (created = 2026-11-28T00:00:00Z)")
    assert f"remove {tmp_path / 'dits' / 'corpuskit-seeds-1.0.0'} and its zip" in note


def test_a_later_release_the_seeds_record_made_again_in_a_clone_is_not_called_another(
        seeds: Path, dist: Path, tmp_path: Path) -> None:
    """1.1.0 released, and the seeds committed without dist/: release in a clone made 1.1.0
    again byte for byte, yet said "this is another 1.1.0, which may hold other documents"
    (QA). It says it makes the release the seeds record again, byte for byte if they are
    the ones it was made from, and what to do if not; with another time (SOURCE_DATE_EPOCH)
    it is another 1.1.0, said so as before."""
    write_doc(seeds, "b.txt", "Another harbour", "Boats came back to the quay at dawn.")
    made = release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert made.version == "1.1.0" and made.build is not None
    before = snapshot(seeds)
    clone = tmp_path / "clone-dist"
    again = release(seeds, clone, source_date_epoch=None, jobs=1)
    assert again.build is not None and snapshot(seeds) == before
    assert again.build.archive.read_bytes() == made.build.archive.read_bytes()
    [note] = again.notes
    assert note == (
        f"{clone} holds no release of corpuskit-seeds: this makes 1.1.0 again as corpus.toml "
        "and CHANGELOG.md record its release after 1.0.0 (created = 2027-01-16T08:00:00Z, "
        "and its entry), byte for byte that release if these seeds are the ones it was made "
        f"from (a clone that does not keep {clone}); if they changed since, it holds other "
        f"documents than the published 1.1.0: then remove {clone / 'corpuskit-seeds-1.1.0'} "
        "and its zip, and give --out the folder that holds the releases")
    other = release(seeds, tmp_path / "other", source_date_epoch=epoch(2), jobs=1)
    assert any("this is another 1.1.0, which may hold other documents" in note
               for note in other.notes), other.notes


def test_a_first_release_keeps_the_entry_and_time_its_maintainer_wrote(
        seeds: Path, tmp_path: Path) -> None:
    """A new corpus whose maintainer wrote created and the 1.0.0 entry by hand is released
    as it stands (QA round 2: refused as "released elsewhere", a regression)."""
    (seeds / "CHANGELOG.md").write_text("# Changelog\n\n## 1.0.0 (2024-01-01)\n\nFirst.\n",
                                        "utf-8")
    toml = seeds / "corpus.toml"
    toml.write_text(toml.read_text("utf-8").replace('created = "2026-11-28T00:00:00Z"',
                                                    'created = "2024-01-01T00:00:00Z"'), "utf-8")
    before = snapshot(seeds)
    made = release(seeds, tmp_path / "dist", source_date_epoch=None, jobs=1)
    assert (made.version, made.created, made.changelog_entry) == (
        "1.0.0", "2024-01-01T00:00:00Z", "")
    assert snapshot(seeds) == before
    assert made.build is not None
    assert (made.build.release / "CHANGELOG.md").read_bytes() == before["CHANGELOG.md"]

def test_first_release_without_changelog_or_created(seeds: Path, tmp_path: Path) -> None:
    (seeds / "CHANGELOG.md").unlink()
    toml = seeds / "corpus.toml"
    toml.write_text(toml.read_text("utf-8").replace('created = "2026-11-28T00:00:00Z"\n', ""),
                    "utf-8")
    result = release(seeds, tmp_path / "dist", source_date_epoch=epoch(0), jobs=1)
    assert result.created == "2027-01-15T08:00:00Z"
    assert 'version = "1.0.0"\ncreated = "2027-01-15T08:00:00Z"\n' in toml.read_text("utf-8")
    assert (seeds / "CHANGELOG.md").read_text("utf-8") == (
        "# Changelog of corpuskit-seeds\n\n## 1.0.0 (2027-01-15)\n\n"
        "Initial release: 1 document.\n\n### Added\n\n"
        f"- `{SEED_ID}` (For development of Non-Aligned Movement)\n")
    shipped = tmp_path / "dist" / "corpuskit-seeds-1.0.0" / "CHANGELOG.md"
    assert shipped.read_bytes() == (seeds / "CHANGELOG.md").read_bytes()


def test_a_compression_changed_alone_is_said_by_check_and_release(seeds: Path,
                                                                   dist: Path) -> None:
    """[output] compression changed after a release: check said "current" and release "the
    same processing settings, outputs", of seeds that now build that version's zip in other
    bytes, another sha256 and seal (QA). The compression is no part of a release: check
    notes it, and release, refusing as before, says so, each naming the compression the
    zip was deflated with, the seeds', and how to build the zip again byte for byte."""
    toml = seeds / "corpus.toml"
    published = toml.read_text("utf-8")
    toml.write_text(published.replace('compression = "zlib"', 'compression = "zlib-4"'),
                    "utf-8")
    said = (f'{toml} has [output] compression = "zlib-4", but corpuskit-seeds-1.0.0.zip was '
            'deflated with "zlib": the compression is no part of a release')
    report = check(seeds, dist, jobs=1)
    assert report.valid, report.problems
    [(path, note)] = report.notes
    assert path == str(dist / "corpuskit-seeds-1.0.0.zip")
    assert note.startswith(said) and note.endswith('set compression = "zlib" back'), note
    assert report.as_dict()["notes"] == [{"path": path, "message": note}]
    Draft202012Validator(json.loads((REPO / "schemas" / "report.schema.json").read_text(
        "utf-8"))).validate(report.as_dict())
    before = snapshot(seeds)
    for bump in (None, "patch"):
        with pytest.raises(ReleaseError, match="nothing to release") as refused:
            release(seeds, dist, bump, source_date_epoch=epoch(1), jobs=1)
        assert f"CHANGELOG.md; change something first. {said}" in str(refused.value), \
            refused.value
    assert snapshot(seeds) == before
    # diff of the release (its zip, or its folder with the zip beside it) and the seeds
    # says so too (QA: "same content", and nothing of the compression), in either order
    # (QA: the seeds as OLD were silent)
    releases = (dist / "corpuskit-seeds-1.0.0.zip", dist / "corpuskit-seeds-1.0.0")
    for old, new in [*((given, seeds) for given in releases),
                     *((seeds, given) for given in releases)]:
        found = diff(old, new)
        assert (found.same_content, found.bump) == (True, "none")
        assert [note for note in found.notes if note.startswith(said)] == [found.compression]
        assert found.as_dict()["notes"] == list(found.notes)
    toml.write_text(published, "utf-8")  # set back: nothing to say
    assert check(seeds, dist, jobs=1).notes == ()
    assert diff(dist / "corpuskit-seeds-1.0.0", seeds).compression is None
    assert diff(seeds, dist / "corpuskit-seeds-1.0.0.zip").compression is None
    with pytest.raises(ReleaseError) as refused:
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert "[output] compression" not in str(refused.value)


def test_nothing_to_release_is_refused(seeds: Path, dist: Path) -> None:
    """With nothing changed at all, 'release patch' is not named: it refuses too (QA: the
    refusal sent the user to it, which then said to change something first). Every form
    of the refusal says it alike (QA s83 newuser 3c: 'release --dry-run' said "change
    documents or metadata first", 'release minor' "change something first")."""
    before = snapshot(seeds)
    with pytest.raises(ReleaseError, match="nothing to release") as caught:
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert "release patch" not in str(caught.value)
    said = str(caught.value)
    assert said.endswith(
        "and the same processing settings, outputs and CHANGELOG.md; change something first")
    assert snapshot(seeds) == before
    for bump, dry_run in [(None, True), ("patch", False), ("minor", False), ("minor", True)]:
        with pytest.raises(ReleaseError) as refused:
            release(seeds, dist, bump, source_date_epoch=epoch(1), jobs=1, dry_run=dry_run)
        assert str(refused.value) == said, (bump, dry_run)


def test_a_release_time_edited_by_hand_is_named_when_there_is_nothing_to_release(
        seeds: Path, dist: Path) -> None:
    """check named corpus.toml's edited created; release said only "nothing to release"
    (QA)."""
    toml = seeds / "corpus.toml"
    text = toml.read_text("utf-8")
    toml.write_text(text.replace('created = "2026-11-28T00:00:00Z"',
                                 'created = "2026-11-29T10:00:00Z"'), "utf-8")
    with pytest.raises(ReleaseError) as refused:
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1, cache=None)
    assert str(refused.value).endswith(
        f"{toml}'s created (2026-11-29T10:00:00Z) is not the release time of 1.0.0 "
        "(2026-11-28T00:00:00Z), which release set there: put it back, and 'corpuskit "
        "check' finds dist current again")


def test_a_version_made_with_build_alone_is_named_with_how_to_release_it(
        seeds: Path, dist: Path) -> None:
    """A version bumped by hand and built: release said "nothing to release ... change
    documents or metadata first", never that the version was only built, nor how to make
    it a release (QA). Following the advice releases it, with its entry."""
    write_doc(seeds, "b.txt", "Bee", "The second document, about bees and their hives.")
    toml = seeds / "corpus.toml"
    toml.write_text(toml.read_text("utf-8").replace('version = "1.0.0"', 'version = "1.1.0"'),
                    "utf-8")
    built_alone = build(seeds, dist, source_date_epoch=epoch(1), jobs=1, cache=None)
    with pytest.raises(ReleaseError) as refused:
        release(seeds, dist, source_date_epoch=epoch(2), jobs=1, cache=None)
    assert str(refused.value).endswith(
        "1.1.0 was made with 'corpuskit build' alone (the seeds record no release of it: no "
        "CHANGELOG.md entry or release time): if it was never published, remove "
        "corpuskit-seeds-1.1.0 and its zip from "
        f"{dist} and run 'corpuskit release --seeds {seeds} --out {dist}', which makes it with its "
        "entry and time; if it was, the next change is released after it")
    shutil.rmtree(built_alone.release)
    built_alone.archive.unlink()
    made = release(seeds, dist, source_date_epoch=epoch(2), jobs=1, cache=None)
    assert made.version == "1.1.0" and made.changelog_entry.startswith("## 1.1.0 (")


def _without_changelog_or_created(seeds: Path) -> None:
    """The seeds as the README's first corpus has them: no CHANGELOG.md, no release time."""
    (seeds / "CHANGELOG.md").unlink()
    toml = seeds / "corpus.toml"
    toml.write_text(toml.read_text("utf-8").replace('created = "2026-11-28T00:00:00Z"\n', ""),
                    "utf-8")


def test_a_try_build_without_a_seeds_changelog_is_named_with_how_to_release_it(
        seeds: Path, tmp_path: Path) -> None:
    """The README's try build (no seeds CHANGELOG.md), then release: "change documents or
    metadata first", the advice for a version built alone left out, as the build's own
    "## 1.0.0 (unreleased)" was taken for the entry of a release (QA: qa-newuser 1)."""
    _without_changelog_or_created(seeds)
    dist = tmp_path / "dist"
    tried = build(seeds, dist, source_date_epoch="", jobs=1, cache=None)
    assert "## 1.0.0 (unreleased)" in (tried.release / "CHANGELOG.md").read_text("utf-8")
    with pytest.raises(ReleaseError) as refused:
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1, cache=None)
    assert str(refused.value).endswith(
        "1.0.0 was made with 'corpuskit build' alone (the seeds record no release of it: no "
        "CHANGELOG.md entry or release time): if it was never published, remove "
        f"corpuskit-seeds-1.0.0 and its zip from {dist} and run 'corpuskit release --seeds "
        f"{seeds} --out {dist}', which makes it with its entry and time; if it was, the next "
        "change is released after it"), refused.value
    shutil.rmtree(tried.release)
    tried.archive.unlink()
    made = release(seeds, dist, source_date_epoch=epoch(1), jobs=1, cache=None)
    assert made.version == "1.0.0" and made.changelog_entry.startswith("## 1.0.0 (2027-01-16)")


def test_nothing_to_release_but_a_changelog_edit_names_release_patch(
        seeds: Path, dist: Path) -> None:
    """A CHANGELOG.md edited since the release (a typo fixed) is what 'release patch'
    releases: the refusal names it, and it then releases."""
    changelog = seeds / "CHANGELOG.md"
    changelog.write_text(changelog.read_text("utf-8") + "\nA note.\n", encoding="utf-8")
    with pytest.raises(ReleaseError, match="nothing to release") as caught:
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert "CHANGELOG.md changed since, which 'corpuskit release patch " in str(caught.value)
    done = release(seeds, dist, "patch", source_date_epoch=epoch(1), jobs=1)
    assert (done.previous, done.version, done.bump) == ("1.0.0", "1.0.1", "patch")


def _written_by_another_corpuskit(released: Path) -> None:
    """The release folder and its zip as another corpuskit could have written them: the
    card's prose otherwise, every manifest and the zip made to agree."""
    card = released / "README.md"
    text = card.read_text("utf-8")
    assert "## Uses\n" in text
    card.write_text(text.replace("## Uses\n", "## Uses\n\nAn older wording.\n"), "utf-8")
    rewrite_tagmanifest(released)
    rewrite_zip(released)  # the zip of the same package


@pytest.mark.parametrize("case", ["folder and zip", "zip alone", "no release time"])
def test_files_this_corpuskit_writes_otherwise_are_released_by_release_patch(
        seeds: Path, dist: Path, case: str) -> None:
    """With the same documents, metadata, settings and CHANGELOG.md, a release whose files
    this corpuskit writes otherwise (a new form of the card; here the card's prose
    changed and re-signed, as another corpuskit would have written it) is what 'check'
    calls stale, naming 'release patch', which releases it (QA: refused, "change something
    first", with nothing left to change; then, for a release without a release time and
    for a zip whose folder was removed). Plain release, which builds nothing to find it
    out, says there is nothing to release."""
    released = dist / "corpuskit-seeds-1.0.0"
    if case == "no release time":
        toml = seeds / "corpus.toml"
        toml.write_text(re.sub(r"(?m)^created = .*\n", "", toml.read_text("utf-8")), "utf-8")
        shutil.rmtree(dist)
        build(seeds, dist, source_date_epoch=None, jobs=1, cache=None)
        assert "created" not in json.loads((released / "datapackage.json").read_bytes())
    _written_by_another_corpuskit(released)
    if case == "zip alone":
        shutil.rmtree(released)
    else:
        assert any("'corpuskit release patch " in problem.message
                   for problem in check(seeds, dist, jobs=1).problems)
    with pytest.raises(ReleaseError, match="nothing to release"):
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    done = release(seeds, dist, "patch", source_date_epoch=epoch(1), jobs=1)
    assert (done.previous, done.version, done.bump) == ("1.0.0", "1.0.1", "patch")
    assert "An older wording" not in (dist / "corpuskit-seeds-1.0.1/README.md").read_text()
    assert check(seeds, dist, jobs=1).valid


def test_a_settings_only_change_is_released_when_a_bump_is_asked_for(
        seeds: Path, dist: Path) -> None:
    """Turning off [output] parquet changes the package's files, not its documents or
    metadata: the diff requires no bump, build refuses the existing version, and release
    refused too, so it could never be released. An explicit patch releases it."""
    toml = seeds / "corpus.toml"
    text = toml.read_text("utf-8")
    assert text.count("parquet = true") == 1
    toml.write_text(text.replace("parquet = true", "parquet = false"), "utf-8")
    with pytest.raises(ReleaseError, match="corpuskit release patch"):
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    result = release(seeds, dist, "patch", source_date_epoch=epoch(1), jobs=1)
    assert (result.version, result.required, result.bump) == ("1.0.1", "none", "patch")
    assert (dist / "corpuskit-seeds-1.0.0/data/documents.parquet").is_file()
    assert not (dist / "corpuskit-seeds-1.0.1/data/documents.parquet").exists()
    assert "No document or package metadata changed since 1.0.0; the package's outputs " \
        "(data/documents.parquet removed) changed. Patch release." in result.changelog_entry, \
        result.changelog_entry  # (QA: "settings, outputs or CHANGELOG.md did": which?)
    assert validate(dist / "corpuskit-seeds-1.0.1", jobs=1).valid


def test_an_edited_changelog_is_released_when_a_bump_is_asked_for(
        seeds: Path, dist: Path) -> None:
    """A typo fixed in seeds/CHANGELOG.md after a release: check calls dist stale, build
    refuses the released version, and release and release patch both said nothing had
    changed, so no command could make dist current again. release patch releases it."""
    changelog = seeds / "CHANGELOG.md"
    if not changelog.exists():
        shutil.copyfile(dist / "corpuskit-seeds-1.0.0" / "CHANGELOG.md", changelog)
    changelog.write_text(changelog.read_text("utf-8") + "\nA note added by hand.\n", "utf-8")
    with pytest.raises(ReleaseError, match=r"CHANGELOG\.md changed .*corpuskit release patch"):
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    result = release(seeds, dist, "patch", source_date_epoch=epoch(1), jobs=1)
    assert (result.version, result.required, result.bump) == ("1.0.1", "none", "patch")
    shipped = (dist / "corpuskit-seeds-1.0.1" / "CHANGELOG.md").read_text("utf-8")
    assert "A note added by hand." in shipped
    assert check(seeds, dist, source_date_epoch=epoch(1), jobs=1).valid


@pytest.mark.parametrize("bump", ["patch", "minor", "major"])
def test_an_asked_for_bump_with_nothing_changed_at_all_is_refused(
        bump: str, seeds: Path, dist: Path) -> None:
    """Same documents, metadata, settings and outputs: no release, whatever bump is asked
    for (a release patch wrote a changelog entry claiming settings had changed)."""
    before, released = snapshot(seeds), snapshot(dist)
    with pytest.raises(ReleaseError, match=re.escape(
            "same processing settings, outputs and CHANGELOG.md; change something first")):
        release(seeds, dist, bump, source_date_epoch=epoch(1), jobs=1)
    assert snapshot(seeds) == before and snapshot(dist) == released


def test_a_changed_setting_that_changes_no_text_is_released_when_asked_for(
        seeds: Path, dist: Path) -> None:
    toml = seeds / "corpus.toml"
    text = toml.read_text("utf-8")
    assert "[decode]" not in text  # the seed is UTF-8: no code page is ever tried
    toml.write_text(text + '\n[decode]\nfallback_encodings = ["koi8-r"]\n', "utf-8")
    planned = release(seeds, dist, "patch", source_date_epoch=epoch(1), jobs=1, dry_run=True)
    assert (planned.version, planned.required) == ("1.0.1", "none")


def test_a_damaged_release_in_dist_is_named(seeds: Path, dist: Path) -> None:
    """A release folder without its descriptor is not counted as a release; the next
    release used to blame CHANGELOG.md or call it 'not the latest release'."""
    (seeds / "new-note.txt").write_text("A new note\n\nWith a few new words.\n", "utf-8")
    release(seeds, dist, source_date_epoch=epoch(1), jobs=1)  # 1.1.0
    (dist / "corpuskit-seeds-1.1.0/datapackage.json").unlink()
    (seeds / "another.txt").write_text("Another\n\nMore new words here.\n", "utf-8")
    before = snapshot(seeds)
    with pytest.raises(ReleaseError, match=r"corpuskit-seeds-1\.1\.0 is named as a release "
                                           r".* no datapackage\.json"):
        release(seeds, dist, source_date_epoch=epoch(2), jobs=1)
    assert snapshot(seeds) == before


@pytest.mark.parametrize("kind", ["link to nothing", "loop of links", "pipe"])
def test_what_stands_in_a_newer_release_folders_place_is_named(
        kind: str, seeds: Path, dist: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A link to storage that is gone (or a loop of links, a file, a pipe) named as a newer
    release folder was passed over: validate dist was valid, check current, and release
    numbered the next version below it (QA). It is named as an empty folder of that name
    is: damaged, to restore or move out."""
    newer = dist / "corpuskit-seeds-3.0.0"
    if kind == "link to nothing":
        newer.symlink_to(tmp_path / "store" / newer.name)
    elif kind == "loop of links":
        newer.symlink_to(dist / "other")
        (dist / "other").symlink_to(newer)
    else:
        os.mkfifo(newer)
    assert [item.path for item in survey_releases(dist, "corpuskit-seeds").damaged] == [newer]
    assert [version for version, _ in find_releases(dist, "corpuskit-seeds")] == \
        [Version.parse("1.0.0")]
    (seeds / "new-note.txt").write_text("A new note\n\nWith a few new words.\n", "utf-8")
    with pytest.raises(ReleaseError, match=r"corpuskit-seeds-3\.0\.0 is named as a release "
                                           r".* not a folder; restore it"):
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1, dry_run=True)
    (seeds / "new-note.txt").unlink()
    for argv in (["check", "--seeds", str(seeds), "--dist", str(dist), "-j", "1"],
                 ["validate", str(dist), "-j", "1"]):
        capsys.readouterr()
        assert main(argv) == 1
        captured = capsys.readouterr()
        err = captured.out + captured.err
        assert (f"{newer}: named as a release " in err and "not a folder: restore it from a "
                f"published copy, or move it out of {dist} [not-a-package]" in err), err
        assert err.count(f"{newer}:") == 1 + (argv[0] == "validate"), err  # and "not read"


def test_files_kept_beside_the_releases_named_alike_are_no_releases(
        seeds: Path, dist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Release notes or a checksum list kept in dist/ (corpuskit-seeds-1.0.0-SHA256SUMS,
    whose "1.0.0-SHA256SUMS" is a version; README-2.0.0-draft.md) were called damaged
    releases, and validate dist, check and release refused (QA): a regular file named
    alike is a file kept beside the releases, as before."""
    for name in ("corpuskit-seeds-1.0.0-SHA256SUMS", "corpuskit-seeds-1.0.0-notes.md",
                 "README-2.0.0-draft.md", "corpuskit-seeds-3.0.0"):
        (dist / name).write_text("kept beside the releases\n", "utf-8")
    assert [item.path for item in survey_releases(dist, "corpuskit-seeds").damaged] == []
    for argv in (["check", "--seeds", str(seeds), "--dist", str(dist), "-j", "1"],
                 ["validate", str(dist), "-j", "1"]):
        assert main(argv) == 0, capsys.readouterr()
    (seeds / "new-note.txt").write_text("A new note\n\nWith a few new words.\n", "utf-8")
    assert release(seeds, dist, source_date_epoch=epoch(1), jobs=1,
                   dry_run=True).version == "1.1.0"


def test_too_small_bump_is_refused_and_names_the_required_one(
        seeds: Path, dist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (seeds / f"{SEED_ID}.txt").write_text("Replaced\n\nAll new words in this body.\n", "utf-8")
    before, released = snapshot(seeds), snapshot(dist)
    for bump in ("patch", "minor"):
        with pytest.raises(ReleaseError, match="require a major release") as caught:
            release(seeds, dist, bump, source_date_epoch=epoch(1), jobs=1)
        assert f"a {bump} release is too small" in str(caught.value)
        assert SEED_ID in str(caught.value)
    assert main(["release", "minor", "--seeds", str(seeds), "--out", str(dist), "-j", "1",
                 "--no-cache"]) == 1
    err = capsys.readouterr().err
    assert ("require a major release; run 'corpuskit release major --seeds "
            f"{seeds} --out {dist}'") in err
    assert snapshot(seeds) == before and snapshot(dist) == released


def test_bigger_bump_than_required_is_allowed(seeds: Path, dist: Path) -> None:
    write_doc(seeds, "extra.txt", "Extra", "An extra document about rivers and bridges.")
    result = release(seeds, dist, "major", source_date_epoch=epoch(1), jobs=1)
    assert (result.version, result.bump, result.required) == ("2.0.0", "major", "minor")
    assert "Major release (minor required)." in result.changelog_entry


def test_a_release_time_before_the_latest_release_is_refused(seeds: Path, dist: Path) -> None:
    """1.0.0 was released at corpus.toml's created (2026-11-28); a SOURCE_DATE_EPOCH of
    1980 would date 1.1.0 before it, in the changelog above its entry."""
    write_doc(seeds, "b.txt", "Another harbour", "Boats came back to the quay at dawn.")
    before = (snapshot(seeds), snapshot(dist))
    with pytest.raises(ReleaseError) as refused:
        release(seeds, dist, source_date_epoch="315532800", jobs=1)
    assert str(refused.value) == (
        "the release time 1980-01-01T00:00:00Z (from SOURCE_DATE_EPOCH=315532800) is before "
        "that of the latest release, 1.0.0, 2026-11-28T00:00:00Z: set SOURCE_DATE_EPOCH to "
        "the time of the sources' last change, as `git log -1 --format=%ct` gives it, or "
        "unset it to release at the current time; nothing was written")
    assert (snapshot(seeds), snapshot(dist)) == before
    later = release(seeds, dist, source_date_epoch=epoch(0), jobs=1)
    assert later.version == "1.1.0"


def test_a_release_time_equal_to_the_latest_release_is_said_by_release_itself(
        seeds: Path, dist: Path) -> None:
    """A SOURCE_DATE_EPOCH equal to the latest release's time (fixed for a run of releases,
    or from `git log -1` on the commit that release was made from): release printed its
    build's advice to "let 'corpuskit release' make releases" about its own release (QA).
    Released (a fixed SOURCE_DATE_EPOCH is a common setting), it says in its own words
    that the two releases say they were made at once, naming the time and where it came
    from."""
    write_doc(seeds, "b.txt", "Another harbour", "Boats came back to the quay at dawn.")
    same = str(int(dt.datetime(2026, 11, 28, tzinfo=dt.UTC).timestamp()))
    made = release(seeds, dist, source_date_epoch=same, jobs=1)
    assert (made.version, made.created) == ("1.1.0", "2026-11-28T00:00:00Z")
    assert made.notes == (
        "corpuskit-seeds 1.1.0 has the release time of corpuskit-seeds 1.0.0, "
        f"2026-11-28T00:00:00Z (from SOURCE_DATE_EPOCH={same}): the two releases say they "
        "were made at once; to tell them apart, release each change with SOURCE_DATE_EPOCH "
        "set to its own time, as `git log -1 --format=%ct` gives it once the change is "
        "committed",)
    write_doc(seeds, "c.txt", "A third", "Gulls circled the harbour all afternoon long.")
    later = release(seeds, dist, source_date_epoch=str(int(same) + 1), jobs=1)
    assert later.version == "1.2.0" and later.notes == ()


@pytest.mark.parametrize("epoch", [None, " "])
def test_a_clock_behind_the_latest_release_is_named_as_the_clock(epoch: str | None) -> None:
    """Without SOURCE_DATE_EPOCH the time is the clock's: unsetting it is no remedy."""
    from corpuskit.release import _require_later

    with pytest.raises(ReleaseError) as refused:
        _require_later("2020-01-01T00:00:00Z", "2026-11-28T00:00:00Z", "1.0.0", epoch)
    assert str(refused.value) == (
        "the release time 2020-01-01T00:00:00Z (from this machine's clock) is before that of "
        "the latest release, 1.0.0, 2026-11-28T00:00:00Z: set the clock right, or set "
        "SOURCE_DATE_EPOCH to the time of the sources' last change, as `git log -1 "
        "--format=%ct` gives it; if the clock is right, 1.0.0's time is 2,523 days ahead of "
        "it (a mistyped created?), and a released version stands as it was released: set "
        "SOURCE_DATE_EPOCH to a time after it to release; nothing was written")
    _require_later("2026-11-28T00:00:00Z", "2026-11-28T00:00:00Z", "1.0.0", epoch)  # equal
    # (QA: a created mistyped as 2206 was blamed on the clock alone)
    with pytest.raises(ReleaseError) as refused:
        _require_later("2026-11-28T00:00:00Z", "2026-11-28T12:00:00Z", "1.0.0", epoch)
    assert "mistyped" not in str(refused.value)  # hours apart: a clock a little behind


def test_a_rename_of_normalization_alone_is_told_apart_in_the_changelog(
        seeds: Path, dist: Path, tmp_path: Path) -> None:
    """A document named ``cafe`` + U+0301 (NFD, as macOS writes names) renamed ``caf`` +
    U+00E9: the entry listed `café` as added and `café` as removed, which read alike
    (QA s101; diff told them apart). Each id that shows as another could is spelled out
    in escapes, as problems spell such names; the NFC one, as it shows, is not. The
    release made with it finishes and passes validate, and a changed document's line
    spells its id too."""
    nfd, nfc, tea = "cafe\u0301", "caf\u00e9", "the\u0301"
    write_doc(seeds, f"{nfd}.txt", "Cafe", "A text about coffee houses and their tables.")
    write_doc(seeds, f"{tea}.txt", "Tea", "A text about tea rooms and their pots.")
    first = release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert f"- `{nfd}` (spelled `cafe\\u0301`) (Cafe)" in first.changelog_entry
    (seeds / f"{nfd}.txt").rename(seeds / f"{nfc}.txt")
    renamed = release(seeds, dist, source_date_epoch=epoch(2), jobs=1)
    entry = renamed.changelog_entry
    assert f"### Added\n\n- `{nfc}` (Cafe)\n" in entry, entry
    assert f"### Removed\n\n- `{nfd}` (spelled `cafe\\u0301`) (Cafe)\n" in entry, entry
    assert renamed.build is not None and validate(renamed.build.release, jobs=1).valid
    # a changed document whose id shows as another could: its line spells it
    write_doc(seeds, f"{tea}.txt", "Tea", "Another text about tea rooms and their cups.")
    third = release(seeds, dist, source_date_epoch=epoch(3), jobs=1)
    assert f"### Changed\n\n- `{tea}` (spelled `the\\u0301`) (Tea): text changed" \
        in third.changelog_entry, third.changelog_entry


def test_dry_run_writes_nothing(seeds: Path, dist: Path, capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    write_doc(seeds, "extra.txt", "Extra", "An extra document about rivers and bridges.")
    before, released = snapshot(seeds), snapshot(dist)
    result = release(seeds, dist, dry_run=True, source_date_epoch=epoch(1), jobs=1)
    assert (result.version, result.build) == ("1.1.0", None)
    assert "- `extra` (Extra)" in result.changelog_entry
    assert main(["release", "--dry-run", "--json", "--seeds", str(seeds), "--out", str(dist)]
                ) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["dry_run"] is True and out["version"] == "1.1.0" and out["bump"] == "minor"
    assert out["diff"]["added"] == [{"id": "extra", "title": "Extra"}]
    # The preview is the command's output (it was all on stderr: `> notes.md` got nothing).
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(1))
    assert main(["release", "--dry-run", "--seeds", str(seeds), "--out", str(dist)]) == 0
    printed = capsys.readouterr()
    assert printed.out == result.changelog_entry + "\n"
    assert printed.err.startswith("dry run: would release ") and "extra" not in printed.err
    assert snapshot(seeds) == before and snapshot(dist) == released


def test_failed_build_restores_corpus_toml_and_changelog(
        seeds: Path, dist: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_doc(seeds, "extra.txt", "Extra", "An extra document about rivers and bridges.")
    before = snapshot(seeds)

    def broken_build(*args: object, **kwargs: object) -> None:
        # The release wrote its new version before building.
        assert 'version = "1.1.0"' in (seeds / "corpus.toml").read_text("utf-8")
        raise OutputError("disk full")

    # corpuskit.release is the function (exported by the package); patch the module.
    monkeypatch.setattr(sys.modules["corpuskit.release"], "build", broken_build)
    with pytest.raises(OutputError):
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert snapshot(seeds) == before
    (seeds / "CHANGELOG.md").unlink()
    before = snapshot(seeds)
    with pytest.raises(OutputError):
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert snapshot(seeds) == before  # the CHANGELOG.md it created is gone again
    assert sorted(p.name for p in dist.iterdir() if not p.name.startswith(".")) == [
        "corpuskit-seeds-1.0.0", "corpuskit-seeds-1.0.0.zip"]


def test_release_is_reproducible_from_the_recorded_time(seeds: Path, dist: Path) -> None:
    write_doc(seeds, "extra.txt", "Extra", "An extra document about rivers and bridges.")
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    result = release(seeds, dist, jobs=1)  # no SOURCE_DATE_EPOCH: the clock, recorded
    stamp = dt.datetime.strptime(result.created, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=dt.UTC)
    assert before <= stamp <= dt.datetime.now(dt.UTC)
    assert f'created = "{result.created}"' in (seeds / "corpus.toml").read_text("utf-8")
    assert result.build is not None
    release_bytes = snapshot(result.build.release)
    zip_bytes = result.build.archive.read_bytes()
    again = build(seeds, dist, jobs=1)
    assert again.status == "unchanged"
    elsewhere = build(seeds, dist.parent / "elsewhere", jobs=1)
    assert snapshot(elsewhere.release) == release_bytes
    assert elsewhere.archive.read_bytes() == zip_bytes


def test_a_zip_without_its_folder_is_a_release_the_next_one_never_replaces(
        seeds: Path, dist: Path) -> None:
    # build puts the folder into place before its zip: a zip without its folder is a
    # release whose folder was removed (or a file in its name), never a killed build's
    # leftover. One that is no readable release is named before anything is written
    # (a release of other content under its version was refused by the build).
    write_doc(seeds, "extra.txt", "Extra", "An extra document about rivers and bridges.")
    (dist / "corpuskit-seeds-1.1.0.zip").write_bytes(b"not a zip at all")
    before = snapshot(seeds)
    with pytest.raises(ReleaseError, match=r"corpuskit-seeds-1\.1\.0\.zip is named as a "
                                           r"release .* no readable package archive"):
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert (dist / "corpuskit-seeds-1.1.0.zip").read_bytes() == b"not a zip at all"
    assert not (dist / "corpuskit-seeds-1.1.0").exists()
    assert snapshot(seeds) == before  # corpus.toml and CHANGELOG.md put back


def test_an_existing_folder_of_the_next_version_is_refused(seeds: Path, dist: Path) -> None:
    write_doc(seeds, "extra.txt", "Extra", "An extra document about rivers and bridges.")
    (dist / "corpuskit-seeds-1.1.0").mkdir()
    (dist / "corpuskit-seeds-1.1.0" / "note.txt").write_bytes(b"someone's folder")
    with pytest.raises(ReleaseError, match=r"corpuskit-seeds-1\.1\.0 is named as a release"):
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert (dist / "corpuskit-seeds-1.1.0" / "note.txt").read_bytes() == b"someone's folder"


def test_bad_source_date_epoch(seeds: Path, dist: Path) -> None:
    write_doc(seeds, "extra.txt", "Extra", "An extra document about rivers and bridges.")
    with pytest.raises(InputError):
        release(seeds, dist, source_date_epoch="yesterday", jobs=1)
    assert release_time("315532800") == "1980-01-01T00:00:00Z"
    with pytest.raises(InputError, match="before 1980-01-01T00:00:00Z"):  # what zips date
        release_time("0")


def test_cli_release_json(seeds: Path, dist: Path, capsys: pytest.CaptureFixture[str],
                          monkeypatch: pytest.MonkeyPatch) -> None:
    write_doc(seeds, "extra.txt", "Extra", "An extra document about rivers and bridges.")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(2))
    assert main(["release", "--seeds", str(seeds), "--out", str(dist), "--json", "-j", "1",
                 "--no-cache"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["version"], out["previous"], out["bump"], out["required_bump"]) == \
        ("1.1.0", "1.0.0", "minor", "minor")
    assert out["created"] == "2027-01-17T08:00:00Z" and out["dry_run"] is False
    descriptor = json.loads((dist / "corpuskit-seeds-1.1.0" / "datapackage.json").read_text())
    assert out["content_hash"] == descriptor["corpuskit"]["content_hash"]
    assert descriptor["version"] == "1.1.0" and descriptor["created"] == out["created"]


def _pre_release_built(tmp_path: Path, version: str) -> tuple[Path, Path]:
    """Seeds of one document at the pre-release ``version``, built into a dist beside them."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    write_doc(seeds, "a.txt", "A", "Some English text about the sea, the sky and the weather.")
    (seeds / "corpus.toml").write_text(
        f'name = "pre"\ntitle = "Pre"\nversion = "{version}"\ndescription = "d"\n'
        'licenses = [{ name = "CC-BY-4.0" }]\nsources = [{ title = "s" }]\n', "utf-8")
    dist = tmp_path / "dist"
    assert build(seeds, dist, jobs=1).status == "built"
    return seeds, dist


def test_after_a_pre_release_a_smaller_bump_giving_the_same_version_is_taken(
        tmp_path: Path) -> None:
    """From 1.0.0-rc.1, patch, minor and major all complete it as 1.0.0: 'release patch'
    for changes that require a minor release makes that release (QA: refused as too small,
    with 'run release minor', which made the same 1.0.0), recorded as the release of major
    version 1 that it is, whatever the bump typed. A bump that gives a smaller version is
    still refused."""
    seeds, dist = _pre_release_built(tmp_path, "1.0.0-rc.1")
    write_doc(seeds, "b.txt", "B", "Another English text about rivers, hills and forests.")
    for bump in ("patch", "minor", "major"):
        planned = release(seeds, dist, bump, source_date_epoch=epoch(1), dry_run=True, jobs=1)
        assert (planned.version, planned.bump, planned.required) == ("1.0.0", "major",
                                                                       "minor"), bump
    made = release(seeds, dist, "patch", source_date_epoch=epoch(1), jobs=1)
    assert made.version == "1.0.0" and made.build is not None
    assert "1 document added. Major release.\n" in made.changelog_entry, made.changelog_entry
    write_doc(seeds, "c.txt", "C", "A third English text, about towns, roads and bridges.")
    with pytest.raises(ReleaseError, match="a patch release is too small"):
        release(seeds, dist, "patch", source_date_epoch=epoch(2), dry_run=True, jobs=1)


@pytest.mark.parametrize("change", ["removed", "appended"])
def test_seeds_changed_while_the_release_is_built_release_nothing(
        seeds: Path, dist: Path, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    """A seeds file removed or appended to after release made its diff, while it built
    (an editor saving, a git pull): a minor release shipped an entry naming one document
    added, which check and validate then passed (QA). The build's records are held to
    the content the entry was made from: nothing is released, the seeds keep their
    corpus.toml and CHANGELOG.md, and the release run again is right."""
    releasing = importlib.import_module("corpuskit.release")

    write_doc(seeds, "new.txt", "A new arrival", "The new document arrived in the spring.")
    victim = next(p for p in sorted(seeds.glob("*.txt")) if p.name != "new.txt")
    real_build = releasing.build

    def build_after_a_change(*args: Any, **kwargs: Any) -> Any:
        if change == "removed":
            victim.unlink()
        else:
            with victim.open("a", encoding="utf-8") as edited:
                edited.write("\nA paragraph added while the release was built.\n")
        return real_build(*args, **kwargs)

    before, released = snapshot(seeds), snapshot(dist)
    monkeypatch.setattr(releasing, "build", build_after_a_change)
    with pytest.raises(FileChanged, match=r"changed while release corpuskit-seeds-1\.1\.0 "
                                          r"was built: .* nothing was released: run the "
                                          r"release again"):
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    monkeypatch.setattr(releasing, "build", real_build)
    assert snapshot(dist) == released
    after = snapshot(seeds)
    assert {name: data for name, data in after.items() if name != victim.name} == \
        {name: data for name, data in before.items() if name != victim.name}
    again = release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert [ref.id for ref in again.diff.added] == ["new"]
    assert (again.diff.removed if change == "removed" else again.diff.changed), again.diff
    assert again.bump == again.required == ("major" if change == "removed" else again.bump)
    assert victim.stem in again.changelog_entry, again.changelog_entry


def test_a_pre_release_unchanged_is_made_final_by_release(tmp_path: Path) -> None:
    """1.1.0-rc.1 built and published, nothing changed since: release said "nothing to
    release", and its advice went in a circle (QA). It makes 1.1.0, whose entry says so."""
    seeds, dist = _pre_release_built(tmp_path, "1.1.0-rc.1")
    made = release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert (made.version, made.previous) == ("1.1.0", "1.1.0-rc.1")
    assert "The release of 1.1.0-rc.1, made final: no document or package metadata " \
        "changed since." in made.changelog_entry, made.changelog_entry
    assert validate(dist / "pre-1.1.0", jobs=1).valid
    with pytest.raises(ReleaseError, match="nothing to release"):
        release(seeds, dist, source_date_epoch=epoch(2), jobs=1, dry_run=True)


def _refused_as_a_second_release(seeds: Path, dist: Path, name: str, after: str,
                                 counted: str) -> None:
    """build of ``seeds`` refused as a second, other 1.1.0 of ``name``, whose entry the
    seeds hold, after ``after`` (the latest release in ``dist``, alone there) with the
    changes ``counted`` since; nothing written."""
    with pytest.raises(ReleaseExistsError) as refused:
        build(seeds, dist, jobs=1, cache=None)
    said = str(refused.value)
    assert f"{seeds / 'CHANGELOG.md'} has the entry of release {name} 1.1.0" in said
    assert f"the entry a release of these seeds after {after} (" in said
    assert f"writes ({counted} since then) is not that one" in said
    assert "Building would make a second, other 1.1.0; nothing was written" in said
    assert sorted(p.name for p in dist.iterdir() if not p.name.startswith(".")) == [
        f"{name}-{after}", f"{name}-{after}.zip"]


def test_build_refuses_a_second_other_release_of_a_pre_release_made_final(
        tmp_path: Path) -> None:
    """1.1.0 made final from 1.1.0-rc.1, then not in dist and a document added: build made
    a second, other 1.1.0, its entry still saying nothing changed since 1.1.0-rc.1, where
    an ordinary release is refused (QA). The same seeds build it again byte for byte."""
    seeds, dist = _pre_release_built(tmp_path, "1.1.0-rc.1")
    made = release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert made.version == "1.1.0" and made.build is not None
    published = snapshot(made.build.release), made.build.archive.read_bytes()
    shutil.rmtree(made.build.release)
    made.build.archive.unlink()
    again = build(seeds, dist, jobs=1, cache=None)
    assert (snapshot(again.release), again.archive.read_bytes()) == published
    shutil.rmtree(again.release)
    again.archive.unlink()
    write_doc(seeds, "b.txt", "B", "Another English text about rivers, hills and forests.")
    _refused_as_a_second_release(seeds, dist, "pre", "1.1.0-rc.1", "1 document added")


def test_build_refuses_a_second_other_release_after_settings_alone(
        seeds: Path, dist: Path) -> None:
    """An entry saying no document or metadata changed (a change of settings alone) counts
    nothing: seeds with a document added since are not those of that release either."""
    toml = seeds / "corpus.toml"
    toml.write_text(toml.read_text("utf-8").replace("parquet = true", "parquet = false"),
                    "utf-8")
    made = release(seeds, dist, "patch", source_date_epoch=epoch(1), jobs=1)
    assert made.version == "1.0.1" and made.build is not None
    assert "No document or package metadata changed since 1.0.0;" in made.changelog_entry
    shutil.rmtree(made.build.release)
    made.build.archive.unlink()
    write_doc(seeds, "b.txt", "Bee", "The second document, about bees and their hives.")
    with pytest.raises(ReleaseExistsError, match="writes \\(1 document added since then\\) "
                                                 "is not that one"):
        build(seeds, dist, jobs=1, cache=None)


def _pre_release_after_the_first(seeds: Path, dist: Path, version: str) -> None:
    """The pre-release ``version`` of the seeds as they are, built after their 1.0.0."""
    toml = seeds / "corpus.toml"
    toml.write_text(toml.read_text("utf-8").replace('version = "1.0.0"',
                                                    f'version = "{version}"'), "utf-8")
    assert build(seeds, dist, jobs=1).status == "built"


def test_a_pre_release_is_made_final_only_as_the_changes_since_the_final_one_require(
        seeds: Path, dist: Path) -> None:
    """1.0.1-rc.1 numbered by hand below its changes (a document added since 1.0.0: minor),
    then made final by a plain release: 1.0.1, a patch release that adds a document (QA).
    Held to the changes since 1.0.0, it is refused, naming the bump that makes 1.1.0."""
    write_doc(seeds, "b.txt", "Bee", "The second document, about bees and their hives.")
    _pre_release_after_the_first(seeds, dist, "1.0.1-rc.1")
    for bump in (None, "patch"):
        with pytest.raises(ReleaseError) as refused:
            release(seeds, dist, bump, source_date_epoch=epoch(1), dry_run=True, jobs=1)
        assert str(refused.value) == (
            "1.0.1 is too small a release: it follows corpuskit-seeds 1.0.1-rc.1, a "
            "pre-release, and the changes since the latest final release, 1.0.0 (added: b), "
            "require a minor release, 1.1.0 or later; run 'corpuskit release minor "
            f"--seeds {seeds} --out {dist}', which makes 1.1.0"), bump
    # changed since the pre-release too, a patch by itself: held to 1.0.0 all the same
    toml = seeds / "corpus.toml"
    before = toml.read_text("utf-8")
    toml.write_text(re.sub(r'(?m)^title = ".*"$', 'title = "Another title"', before), "utf-8")
    with pytest.raises(ReleaseError, match=r"1\.0\.1 is too small a release: .* 1\.0\.0 "
                                           r"\(added: b; package metadata: title\), require "
                                           r"a minor release"):
        release(seeds, dist, source_date_epoch=epoch(1), dry_run=True, jobs=1)
    toml.write_text(before, "utf-8")
    made = release(seeds, dist, "minor", source_date_epoch=epoch(1), jobs=1)
    assert (made.version, made.bump, made.previous) == ("1.1.0", "minor", "1.0.1-rc.1")
    # 1.0.1-rc.1 made final is 1.0.1: 1.1.0 is its content under another version
    assert made.changelog_entry.startswith(
        "## 1.1.0 (2027-01-16)\n\nNo document or package metadata changed since "
        "1.0.1-rc.1; its content is released as 1.1.0, not as 1.0.1. Minor release.\n"), \
        made.changelog_entry


def test_a_pre_release_made_final_is_labelled_by_its_bump_from_the_final_one(
        seeds: Path, dist: Path) -> None:
    """1.1.0-rc.1 (a document added since 1.0.0) made final as 1.1.0 was a "Patch",
    "Minor" or "Major release" as the bump typed (QA): the same release, the same entry."""
    write_doc(seeds, "b.txt", "Bee", "The second document, about bees and their hives.")
    _pre_release_after_the_first(seeds, dist, "1.1.0-rc.1")
    for bump in (None, "patch", "minor"):
        planned = release(seeds, dist, bump, source_date_epoch=epoch(1), dry_run=True, jobs=1)
        assert (planned.version, planned.bump) == ("1.1.0", "minor"), bump
        assert "made final: no document or package metadata changed since. Minor " \
            "release.\n" in planned.changelog_entry, (bump, planned.changelog_entry)
    planned = release(seeds, dist, "major", source_date_epoch=epoch(1), dry_run=True, jobs=1)
    assert (planned.version, planned.bump) == ("2.0.0", "major")
    # not "The release of 1.1.0-rc.1, made final", 1.1.0's words (QA: lifecycle 3)
    assert "\n\nNo document or package metadata changed since 1.1.0-rc.1; its content is " \
        "released as 2.0.0, not as 1.1.0. Major release.\n" in planned.changelog_entry, \
        planned.changelog_entry


@pytest.mark.parametrize(("version", "changed", "bump", "made", "label"), [
    ("2.0.0-rc.1", False, "major", "2.0.0", "Major release."),
    ("2.0.0-rc.1", False, "patch", "2.0.0", "Major release."),
    ("2.0.0-rc.1", True, None, "2.0.0", "Major release."),
    ("2.0.0-rc.1", True, "major", "2.0.0", "Major release."),
    ("1.4.0-beta", False, "minor", "1.4.0", "Minor release."),
    ("1.4.0-beta", True, "patch", "1.4.0", "Minor release."),
    ("1.4.0-beta", False, "major", "2.0.0", "Major release."),
    ("1.4.0-beta", True, "major", "2.0.0", "Major release (minor required)."),
    ("1.4.3-beta", False, "patch", "1.4.3", "Patch release."),
    ("1.4.3-beta", False, "minor", "1.5.0", "Minor release."),
])
def test_a_first_pre_release_made_final_is_labelled_by_the_version_it_makes(
        tmp_path: Path, version: str, changed: bool, bump: str | None, made: str,
        label: str) -> None:
    """2.0.0 of 2.0.0-rc.1, the first release, was a "Patch release" (QA): SemVer's
    release of major version 2. With no final release before, a release after a
    pre-release is labelled by its own numbers (X.0.0 major, X.Y.0 minor, else patch),
    whatever the bump typed; a bump beyond what the changes require still says so."""
    seeds, dist = _pre_release_built(tmp_path, version)
    if changed:
        write_doc(seeds, "b.txt", "B", "Another English text about rivers, hills and forests.")
    planned = release(seeds, dist, bump, source_date_epoch=epoch(1), dry_run=True, jobs=1)
    assert (planned.version, planned.bump) == (made, label.split()[0].lower())
    summary = planned.changelog_entry.split("\n")[2]
    assert summary.endswith(f" {label}"), planned.changelog_entry


def test_a_changed_pre_release_made_final_is_labelled_from_the_final_one(
        seeds: Path, dist: Path) -> None:
    """2.0.0-rc.1 after 1.0.0, a document added since, released: 2.0.0 was a "Minor
    release", the bump the changes since the pre-release require (QA). It is the major
    release after 1.0.0, said without a bump "required" below it: the minor one that the
    changes require makes the same 2.0.0."""
    _pre_release_after_the_first(seeds, dist, "2.0.0-rc.1")
    write_doc(seeds, "b.txt", "Bee", "The second document, about bees and their hives.")
    for bump in (None, "patch", "minor", "major"):
        planned = release(seeds, dist, bump, source_date_epoch=epoch(1), dry_run=True, jobs=1)
        assert (planned.version, planned.bump, planned.required) == ("2.0.0", "major",
                                                                       "minor"), bump
        assert "Changes since 2.0.0-rc.1: 1 document added. Major release.\n" in \
            planned.changelog_entry, (bump, planned.changelog_entry)
    made = release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert made.version == "2.0.0" and made.build is not None
    assert "Major release." in (made.build.release / "CHANGELOG.md").read_text("utf-8")


def test_a_version_built_alone_after_a_pre_release_is_labelled_from_the_final_one(
        seeds: Path, dist: Path) -> None:
    """2.0.0 made with 'corpuskit build' alone after 2.0.0-rc.1 (after 1.0.0), a document
    added since: the entry the next release writes for it is labelled from 1.0.0, as
    'release' labels it, not by the changes since the pre-release ("Minor release.")."""
    _pre_release_after_the_first(seeds, dist, "2.0.0-rc.1")
    write_doc(seeds, "b.txt", "Bee", "The second document, about bees and their hives.")
    toml = seeds / "corpus.toml"
    toml.write_text(toml.read_text("utf-8").replace('"2.0.0-rc.1"', '"2.0.0"'), "utf-8")
    assert build(seeds, dist, jobs=1).status == "built"
    write_doc(seeds, "c.txt", "Sea", "The third document, about the sea and its tides.")
    made = release(seeds, dist, source_date_epoch=epoch(3), jobs=1)
    assert made.version == "2.1.0"
    assert "\n\nChanges since 2.0.0-rc.1: 1 document added. Major release.\n" in \
        (seeds / "CHANGELOG.md").read_text("utf-8")


def test_a_pre_release_made_final_with_the_earlier_label_is_finished(
        tmp_path: Path) -> None:
    """2.0.0 of 2.0.0-rc.1, its entry labelled as an earlier corpuskit did ("Patch
    release."), its release not in dist: still that release's entry, made again byte for
    byte, not refused as an entry this release does not write."""
    seeds, dist = _pre_release_built(tmp_path, "2.0.0-rc.1")
    made = release(seeds, dist, "major", source_date_epoch=epoch(1), jobs=1)
    assert made.version == "2.0.0"
    _made_again_with_earlier_words(seeds, dist, made, "major", {
        "changed since. Major release.": "changed since. Patch release."})


def test_release_names_differing_only_in_case_are_refused(tmp_path: Path) -> None:
    """1.1.0-RC.1 and 1.1.0-rc.1, two versions, were both built into dist and passed check
    (QA): on macOS or Windows their folders and zips are one path each, and a clone merges
    them. Build refuses the second, before any work; check names such a pair."""
    seeds, dist = _pre_release_built(tmp_path, "1.1.0-RC.1")
    toml = seeds / "corpus.toml"
    toml.write_text(toml.read_text("utf-8").replace("1.1.0-RC.1", "1.1.0-rc.1"), "utf-8")
    before = snapshot(dist)
    with pytest.raises(ReleaseExistsError) as refused:
        build(seeds, dist, jobs=1)
    assert str(refused.value).startswith(
        f"{dist / 'pre-1.1.0-RC.1'} is named as a release of pre whose name differs from "
        "pre-1.1.0-rc.1 only in case: on macOS or Windows"), str(refused.value)
    assert snapshot(dist) == before
    elsewhere = tmp_path / "elsewhere"
    assert build(seeds, elsewhere, jobs=1).status == "built"
    for made in ("pre-1.1.0-rc.1", "pre-1.1.0-rc.1.zip"):
        (elsewhere / made).rename(dist / made)
    report = check(seeds, dist, jobs=1)
    collisions = [(Path(p.path).name, p.message) for p in report.problems
                  if p.code == "name-collision"]
    assert [name for name, _ in collisions] == ["pre-1.1.0-rc.1", "pre-1.1.0-rc.1.zip"]
    assert collisions[0][1].startswith(
        f"named as a release of pre whose name differs from that of "
        f"{dist / 'pre-1.1.0-RC.1'} only in case"), collisions[0][1]
    assert not report.valid
    # validate dist names the pair too, on the later name of each (QA: it passed both)
    checked = validate_all(dist, jobs=1)
    named = sorted((Path(r.target).name, p.message) for r in checked.reports
                   for p in r.problems if p.code == "name-collision")
    assert [name for name, _ in named] == ["pre-1.1.0-rc.1", "pre-1.1.0-rc.1.zip"]
    assert named[0][1].startswith(
        f"its name differs from that of pre-1.1.0-RC.1, beside it in {dist}, only in case"), \
        named[0][1]
    assert not checked.valid
    assert all(r.valid for r in checked.reports if "RC" in Path(r.target).name)


def test_too_small_message_names_the_changes(seeds: Path, dist: Path) -> None:
    write_doc(seeds, "extra.txt", "Extra", "An extra document about rivers and bridges.")
    with pytest.raises(ReleaseError) as caught:
        release(seeds, dist, "patch", source_date_epoch=epoch(1), jobs=1)
    assert str(caught.value) == (
        "a patch release is too small: the changes since 1.0.0 (added: extra) require a "
        f"minor release; run 'corpuskit release minor --seeds {seeds} --out {dist}'")


def test_changelog_line_for_a_raw_input_only_change(seeds: Path, dist: Path) -> None:
    path = seeds / f"{SEED_ID}.txt"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    # line ends alone: released only when asked for (else taken for Git's conversion)
    result = release(seeds, dist, source_date_epoch=epoch(1), jobs=1, allow_line_ends=True)
    assert result.version == "2.0.0"
    # normalization is the record's, and changed (line-endings): not "metadata the same"
    # with it listed among the raw file's fields (QA: lifecycle 4)
    assert result.changelog_entry.endswith(
        f"- `{SEED_ID}` (For development of Non-Aligned Movement): raw input changed "
        "(source_bytes, source_sha256), and how it was read (normalization); text and "
        "document metadata the same\n"), result.changelog_entry


def test_changelog_line_for_a_change_of_the_steps_listed_alone(seeds: Path,
                                                              dist: Path) -> None:
    """A lossy step whose change the later steps undo (the seed's one no-break space ends
    a line, which is trimmed anyway) changes the steps the record lists, not its text nor
    its raw file: the changelog said "raw input changed" (QA)."""
    assert "\u00a0\n" in (seeds / f"{SEED_ID}.txt").read_text("utf-8")
    toml = seeds / "corpus.toml"
    text = toml.read_text("utf-8")  # (the repository's seeds have a [normalize] table)
    lossy = '[normalize]\nlossy = ["nbsp-to-space"]\n'
    toml.write_text(text.replace("[normalize]\n", lossy, 1) if "[normalize]\n" in text
                    else f"{text}\n{lossy}", "utf-8")
    result = release(seeds, dist, source_date_epoch=epoch(1), dry_run=True, jobs=1)
    assert result.changelog_entry.endswith(
        f"- `{SEED_ID}` (For development of Non-Aligned Movement): how its raw input was "
        "read changed (normalization); text and document metadata the same\n"), \
        result.changelog_entry


def test_changelog_entry_says_the_settings_changed_beside_the_documents(
        seeds: Path, dist: Path) -> None:
    """An extract setting that changes records: the entry listed the changed documents and
    never said the settings changed, their cause, where diff says so and a settings-only
    entry does (QA: lifecycle 2). Documents edited alone get no such sentence."""
    raw = seeds / f"{SEED_ID}.txt"
    edited = raw.read_text("utf-8").replace("For development of", "On")
    toml = seeds / "corpus.toml"
    toml.write_text(toml.read_text("utf-8") + "\n[extract]\nrights = false\n", "utf-8")
    result = release(seeds, dist, source_date_epoch=epoch(1), dry_run=True, jobs=1)
    assert result.diff.changed and result.diff.packaging == ("processing settings",)
    summary = result.changelog_entry.split("\n")[2]
    assert summary == (
        "Changes since 1.0.0: 1 document changed. Major release. The package's processing "
        "settings changed too: the documents listed below include those whose records "
        "they changed."), result.changelog_entry
    toml.write_text(toml.read_text("utf-8").replace("\n[extract]\nrights = false\n", ""),
                    "utf-8")
    raw.write_text(edited, "utf-8")
    result = release(seeds, dist, source_date_epoch=epoch(1), dry_run=True, jobs=1)
    assert result.diff.changed and not result.diff.packaging
    assert "settings" not in result.changelog_entry, result.changelog_entry


def _made_again_with_earlier_words(seeds: Path, dist: Path, made: Any, bump: str | None,
                                   words: dict[str, str], **options: Any) -> None:
    """``made``, a release whose seeds' entry is then put in the ``words`` an earlier
    corpuskit wrote (new: old), is not in ``dist``: build makes it again, and release
    finishes it, byte for byte alike, the entry kept as it was released."""
    assert made.build is not None
    shutil.rmtree(made.build.release)
    made.build.archive.unlink()
    changelog = seeds / "CHANGELOG.md"
    text = changelog.read_text("utf-8")
    for new, old in words.items():
        assert text.count(new) == 1, (new, text)
        text = text.replace(new, old)
    changelog.write_text(text, "utf-8")
    released = snapshot(seeds)
    again = build(seeds, dist, jobs=1, cache=None)
    assert again.status == "built" and again.release.name == made.build.release.name
    built = snapshot(again.release), again.archive.read_bytes()
    shutil.rmtree(again.release)
    again.archive.unlink()
    finished = release(seeds, dist, bump, source_date_epoch=epoch(9), jobs=1, **options)
    assert finished.version == made.version and finished.build is not None
    assert any("this release finishes it with that time" in note
               for note in finished.notes), finished.notes
    assert snapshot(seeds) == released  # the entry as released, not rewritten
    assert (snapshot(finished.build.release), finished.build.archive.read_bytes()) == built
    assert all(old in (finished.build.release / "CHANGELOG.md").read_text("utf-8")
               for old in words.values() if old)


def test_seeds_released_with_earlier_entry_words_for_settings_are_made_again(
        seeds: Path, dist: Path) -> None:
    """A release's entry as an earlier corpuskit wrote it (no word of the settings, a
    source change's fields in one list: QA, lifecycle 2 and 4), its release not in dist:
    still recognized as that release's, not refused as an entry this release does not
    write."""
    toml = seeds / "corpus.toml"
    text = toml.read_text("utf-8")
    lossy = '[normalize]\nlossy = ["nbsp-to-space"]\n'
    toml.write_text(text.replace("[normalize]\n", lossy, 1) if "[normalize]\n" in text
                    else f"{text}\n{lossy}", "utf-8")
    made = release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert made.version == "2.0.0"
    _made_again_with_earlier_words(seeds, dist, made, None, {
        " The package's processing settings changed too: the documents listed below "
        "include those whose records they changed.": "",
        "how its raw input was read changed (normalization); text and document metadata "
        "the same": "how its raw input was read changed, text and metadata the same: "
        "normalization"})


def test_seeds_released_with_earlier_entry_words_for_a_pre_release_are_made_again(
        seeds: Path, dist: Path) -> None:
    """2.0.0 of an unchanged 1.1.0-rc.1, its entry as an earlier corpuskit wrote it ("made
    final": QA, lifecycle 3), its release not in dist: made again, not refused."""
    write_doc(seeds, "b.txt", "Bee", "The second document, about bees and their hives.")
    _pre_release_after_the_first(seeds, dist, "1.1.0-rc.1")
    made = release(seeds, dist, "major", source_date_epoch=epoch(1), jobs=1)
    assert made.version == "2.0.0"
    _made_again_with_earlier_words(seeds, dist, made, "major", {
        "No document or package metadata changed since 1.1.0-rc.1; its content is released "
        "as 2.0.0, not as 1.1.0.": "The release of 1.1.0-rc.1, made final: no document or "
        "package metadata changed since."})


def test_a_changelog_holding_control_characters_is_refused(seeds: Path,
                                                          tmp_path: Path) -> None:
    """A changelog of NUL bytes shipped in the release as its Markdown (QA): refused by
    build and validate alike, at its line, and nothing is written."""
    (seeds / "CHANGELOG.md").write_bytes(b"# Changelog\n\n## 1.0.0\n\n- one\x00 document\n")
    with pytest.raises(InputError) as caught:
        build(seeds, tmp_path / "out", jobs=1)
    [problem] = caught.value.problems
    assert (problem.path, problem.code, problem.location) == ("CHANGELOG.md", "binary-file",
                                                              "line 5")
    assert problem.message == ("holds U+0000, a control character, not Markdown text; "
                               "remove it")
    assert not (tmp_path / "out").exists()
    assert [(p.path, p.code) for p in validate(seeds).problems] == [("CHANGELOG.md",
                                                                     "binary-file")]


@pytest.mark.parametrize("control", ["\u009b", "\u0085"])
def test_a_changelog_holding_a_c1_control_is_refused(control: str, seeds: Path,
                                                     tmp_path: Path) -> None:
    """U+009B (a terminal's escape) and U+0085 were shipped (QA): C1 controls are control
    characters too."""
    (seeds / "CHANGELOG.md").write_text(f"# Changelog\n\n## 1.0.0\n\n- one{control}31m\n",
                                        "utf-8")
    with pytest.raises(InputError) as caught:
        build(seeds, tmp_path / "out", jobs=1)
    assert [(p.code, p.message) for p in caught.value.problems] == [
        ("binary-file", f"holds U+{ord(control):04X}, a control character, not Markdown "
                        "text; remove it")]


def test_a_heading_in_a_code_block_heads_no_section(seeds: Path, dist: Path) -> None:
    """A changelog quoting its heading format in a code block: release put the new entry
    inside the block, and info listed the quoted version (QA). The entry goes above the
    first heading outside code blocks; info lists the versions of those."""
    from corpuskit.info import info

    changelog = seeds / "CHANGELOG.md"
    head, _, rest = changelog.read_text("utf-8").partition("\n## ")
    changelog.write_text(f"{head}\n## [Unreleased]\n\nHeadings look like this:\n\n```\n"
                         f"## 0.9.0 (2020-01-01)\n```\n\n## {rest}", "utf-8")
    write_doc(seeds, "extra.txt", "Extra", "An extra document about rivers and bridges.")
    result = release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    text = changelog.read_text("utf-8")
    block = text[text.index("```"):text.rindex("```")]
    assert "## 1.1.0" not in block and text.index("## 1.1.0") > text.rindex("```")
    assert text.index("## 1.1.0") < text.index("## 1.0.0")
    assert result.version == "1.1.0"
    assert info(dist / "corpuskit-seeds-1.1.0").versions == ["1.1.0", "1.0.0"]


def test_check_of_seeds_behind_dist_names_no_released_entry_as_never_released(
        seeds: Path, dist: Path, tmp_path: Path) -> None:
    """With the seeds back at 1.0.0 and 1.1.0 in dist, whose entry the changelog keeps,
    check called that entry "never released": its build, into a temporary folder, knew no
    release (QA). check names the releases in dist as released."""
    old_seeds = tmp_path / "old-seeds"
    shutil.copytree(seeds, old_seeds)
    write_doc(seeds, "two.txt", "Two", "The second document, about mountains.")
    release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    shutil.copyfile(seeds / "CHANGELOG.md", old_seeds / "CHANGELOG.md")
    report = check(old_seeds, dist, source_date_epoch=None, jobs=1)
    assert not report.valid  # behind 1.1.0: said so
    assert not any("never released" in p.message for p in report.problems), report.problems
    assert any("newer than the seeds' version 1.0.0" in p.message for p in report.problems)


def test_a_changelog_of_whitespace_is_none(seeds: Path, tmp_path: Path) -> None:
    """An empty CHANGELOG.md shipped empty, with no entry for the version built (QA): one
    of whitespace only says nothing, and the release gets the changelog a build writes
    when there is none."""
    (seeds / "CHANGELOG.md").unlink()
    without = build(seeds, tmp_path / "without", source_date_epoch=epoch(0), jobs=1).release
    (seeds / "CHANGELOG.md").write_text(" \n\n")
    result = build(seeds, tmp_path / "empty", source_date_epoch=epoch(0), jobs=1)
    shipped = (result.release / "CHANGELOG.md").read_text("utf-8")
    assert shipped == (without / "CHANGELOG.md").read_text("utf-8")
    assert "## 1.0.0 (" in shipped


def test_a_changelog_entry_never_released_is_refused(seeds: Path, tmp_path: Path) -> None:
    """A changelog whose entry is for 2.0.0, never released, shipped inside 1.0.0 (QA):
    refused by build, as release refuses it; an entry of a release the output folder holds
    is not (see the older line's fix below)."""
    changelog = seeds / "CHANGELOG.md"
    changelog.write_text("# Changelog\n\n## 2.0.0\n\nRemoved every document.\n\n"
                         + changelog.read_text("utf-8").split("\n", 1)[1], "utf-8")
    with pytest.raises(InputError) as caught:
        build(seeds, tmp_path / "out", jobs=1)
    assert [(p.path, p.code, p.message) for p in caught.value.problems] == [(
        "CHANGELOG.md", "config-error",
        "has an entry for 2.0.0, after the version built (1.0.0), never released: the release "
        "would ship it as released; remove it, or set that version in corpus.toml "
        "('corpuskit release' writes a release's entry)")]
    assert not (tmp_path / "out").exists()


def _entries_above_1_0_0(seeds: Path, *versions: str) -> None:
    """seeds/CHANGELOG.md with ``## [Unreleased]`` and an entry for each of ``versions``
    (four lines each, the first at line 5) above that of 1.0.0."""
    changelog = seeds / "CHANGELOG.md"
    entries = "".join(f"## {version}\n\nA change.\n\n" for version in versions)
    changelog.write_text(changelog.read_text("utf-8").replace(
        "## 1.0.0", f"## [Unreleased]\n\n{entries}## 1.0.0", 1), "utf-8")


@pytest.mark.parametrize("zip_only", [False, True])
def test_an_entry_ahead_in_the_history_carried_on_names_the_release_it_is_in(
        seeds: Path, dist: Path, zip_only: bool) -> None:
    """Seeds without a CHANGELOG.md carry on the latest release's: an entry there for a
    version after it, never released (its CHANGELOG.md edited and re-signed, its own
    heading too, so that validate passes it), was blamed on 'seeds/CHANGELOG.md (line 3)',
    a file that did not exist, with "remove that entry" (QA). The release's own file is
    named (its zip where the folder is gone), and what to do with that release."""
    folder = dist / "corpuskit-seeds-1.0.0"
    changelog = folder / "CHANGELOG.md"
    changelog.write_text(changelog.read_text("utf-8").replace(
        "## 1.0.0 (2026-11-28)", "## 2.0.0 (2030-01-01)\n\nRemoved everything.\n\n## 1.0.0"),
        "utf-8")
    resign(folder)
    (dist / "corpuskit-seeds-1.0.0.zip").unlink()
    archive = zip_of(folder, dist)
    if zip_only:
        shutil.rmtree(folder)
    release_path = archive if zip_only else folder
    assert validate(release_path, jobs=1).valid
    (seeds / "CHANGELOG.md").unlink()
    write_doc(seeds, "extra.txt", "Extra", "An extra document about rivers and bridges.")
    before = snapshot(seeds)
    for dry_run in (True, False):
        with pytest.raises(ReleaseError) as caught:
            release(seeds, dist, source_date_epoch=epoch(1), jobs=1, dry_run=dry_run)
        where = f"CHANGELOG.md in {archive}" if zip_only else str(changelog)
        assert str(caught.value) == (
            f"{where} has an entry for 2.0.0 (line 3), after the latest release 1.0.0 in "
            f"{dist}, which no release of it writes; the seeds have no CHANGELOG.md, so this "
            f"release would carry that history on: {release_path} is not as corpuskit wrote "
            f"it. Run 'corpuskit validate {release_path}', restore it from its published "
            "copy, then release again")
        assert snapshot(seeds) == before


def test_every_changelog_entry_never_released_is_named_at_its_line(
        seeds: Path, dist: Path, tmp_path: Path) -> None:
    """Three entries of versions never released were one problem at the first one's line
    (QA): each is a problem of its own, at its line, in build's refusal and in check's
    report; setting a version in corpus.toml is advice for the newest alone."""
    _entries_above_1_0_0(seeds, "2.1.0", "3.0.0", "v2.0.0")  # at lines 5, 9 and 13
    with pytest.raises(InputError) as caught:
        build(seeds, tmp_path / "out", jobs=1)
    after = "after the version built (1.0.0), never released: the release would ship it as " \
        "released; remove it"
    said = "('corpuskit release' writes a release's entry)"
    expected = {
        ("line 5", f"has an entry for 2.1.0, {after} {said}"),
        ("line 9", f"has an entry for 3.0.0, {after}, or set that version in corpus.toml "
                   f"{said}"),
        ("line 13", f"has an entry for v2.0.0, {after} {said}")}
    assert {(p.location, p.message) for p in caught.value.problems} == expected
    assert {(p.path, p.code) for p in caught.value.problems} == {
        ("CHANGELOG.md", "config-error")}
    # In the order of their lines (not of their messages, nor line 13 before line 5).
    assert [p.location for p in caught.value.problems] == ["line 5", "line 9", "line 13"]
    assert not (tmp_path / "out").exists()
    report = check(seeds, dist, source_date_epoch=None, jobs=1)
    assert {(p.path, p.location, p.message) for p in report.problems
            if p.code == "config-error"} == {
        (str(seeds / "CHANGELOG.md"), *problem) for problem in expected}
    # A first release builds them and is refused so; its dry run said it would release.
    before = snapshot(seeds)
    for dry_run in (True, False):
        with pytest.raises(InputError) as caught:
            release(seeds, tmp_path / "first", source_date_epoch=epoch(1), jobs=1,
                    dry_run=dry_run)
        assert {(p.location, p.message) for p in caught.value.problems} == expected
        assert snapshot(seeds) == before
    assert not (tmp_path / "first" / "corpuskit-seeds-1.0.0").exists()


def test_nothing_else_to_release_names_the_changelog_entry_never_released(
        seeds: Path, dist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An entry for 1.1.0 written above the latest release's, nothing else changed: plain
    'release' (and its dry run) said there was nothing to release and, CHANGELOG.md having
    changed, to run 'release patch', which then refused the entry (QA): the entry is
    named first, at its line, as 'release patch' names it, and nothing is written."""
    _entries_above_1_0_0(seeds, "1.1.0")  # at line 5
    before, released = snapshot(seeds), snapshot(dist)
    said = (f"{seeds / 'CHANGELOG.md'} has an entry for 1.1.0, after the latest release "
            f"1.0.0 in {dist} and never released (written by hand, or left by an "
            "interrupted release of other content); remove that entry (line 5) and run the "
            "release again")
    for dry_run in (True, False):
        with pytest.raises(ReleaseError) as caught:
            release(seeds, dist, source_date_epoch=epoch(1), jobs=1, dry_run=dry_run)
        assert str(caught.value) == said
        assert snapshot(seeds) == before and snapshot(dist) == released
    capsys.readouterr()
    assert main(["release", "--seeds", str(seeds), "--out", str(dist), "--jobs", "1",
                 "--no-cache"]) == 1
    err = capsys.readouterr().err
    assert said in err and "nothing to release" not in err, err
    with pytest.raises(ReleaseError, match=r"and this release is 1\.0\.1 .* \(line 5\)"):
        release(seeds, dist, "patch", source_date_epoch=epoch(1), jobs=1)
    assert snapshot(seeds) == before and snapshot(dist) == released


def test_validate_of_seeds_names_a_changelog_entry_never_released_as_build_does(
        seeds: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """'corpuskit validate seeds' passed a seeds folder whose CHANGELOG.md has an entry
    for 1.1.0 above that of 1.0.0, the seeds' version, which build refuses (QA): validate
    has no output folder to look at, so the entry's version is compared with the seeds'
    own, as build compares it where there is no newer release; the same problem, at its
    line, and validate's exit code for invalid seeds."""
    _entries_above_1_0_0(seeds, "1.1.0")  # at line 5
    with pytest.raises(InputError) as caught:
        build(seeds, tmp_path / "out", jobs=1)
    refused = [(p.path, p.code, p.location, p.message) for p in caught.value.problems]
    assert refused == [("CHANGELOG.md", "config-error", "line 5",
                        "has an entry for 1.1.0, after the version built (1.0.0), never "
                        "released: the release would ship it as released; remove it, or set "
                        "that version in corpus.toml ('corpuskit release' writes a release's "
                        "entry)")]
    report = validate(seeds, jobs=1)
    assert not report.valid
    assert [(p.path, p.code, p.location, p.message) for p in report.problems] == refused
    capsys.readouterr()
    assert main(["build", str(seeds), "--out", str(tmp_path / "out"), "--jobs", "1"]) == 1
    [built] = [line for line in capsys.readouterr().err.splitlines() if "CHANGELOG" in line]
    assert main(["validate", str(seeds), "--jobs", "1"]) == 1
    said = capsys.readouterr().out.splitlines()
    assert built.removeprefix("error: ") in said, (built, said)  # its report's line
    # Setting that version in corpus.toml, as the advice says, makes the seeds valid.
    toml = seeds / "corpus.toml"
    toml.write_text(re.sub(r'(?m)^version = ".*"$', 'version = "1.1.0"',
                           toml.read_text("utf-8")), "utf-8")
    assert validate(seeds, jobs=1).valid


def test_changelog_entries_never_released_are_named_in_the_order_of_their_lines(
        seeds: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Build's refusal names a file's problems by line number, not in the order of their
    messages (1.1.0 before 1.10.0 before 1.2.0) nor of their locations as text (line 13
    before line 5)."""
    _entries_above_1_0_0(seeds, "1.10.0", "1.2.0", "1.1.0")  # at lines 5, 9 and 13
    with pytest.raises(InputError) as caught:
        build(seeds, tmp_path / "out", jobs=1)
    assert [(p.location, p.message.split(",")[0]) for p in caught.value.problems] == [
        ("line 5", "has an entry for 1.10.0"), ("line 9", "has an entry for 1.2.0"),
        ("line 13", "has an entry for 1.1.0")]
    capsys.readouterr()
    assert main(["build", str(seeds), "--out", str(tmp_path / "out")]) == 1
    named = re.findall(r"^error: .*CHANGELOG\.md:(line \d+): ", capsys.readouterr().err, re.M)
    assert named == ["line 5", "line 9", "line 13"]
    assert not (tmp_path / "out").exists()


def test_a_changelog_that_is_not_utf8_is_refused(seeds: Path, dist: Path) -> None:
    write_doc(seeds, "extra.txt", "Extra", "An extra document about rivers and bridges.")
    (seeds / "CHANGELOG.md").write_bytes(b"# Changelog\n\n## 1.0.0 \xe9t\xe9\n")
    before = snapshot(seeds)
    with pytest.raises(InputError) as caught:
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert caught.value.problems[0].path == "CHANGELOG.md"
    assert snapshot(seeds) == before


def _rename(seeds: Path, name: str) -> None:
    toml = seeds / "corpus.toml"
    old = next(line for line in toml.read_text("utf-8").splitlines()
               if line.startswith("name = "))
    toml.write_text(toml.read_text("utf-8").replace(old, f'name = "{name}"'), "utf-8")


@pytest.mark.parametrize("dry_run", [True, False])
@pytest.mark.parametrize("zip_alone", [False, True])
def test_a_renamed_corpus_recording_the_old_names_release_is_refused(
        seeds: Path, dist: Path, dry_run: bool, zip_alone: bool) -> None:
    """Seeds renamed in corpus.toml that still record the release time of the old name's
    release (and its changelog): a first release of the new name took that time and that
    changelog, headed with the old name, as its own (QA). Refused, saying both ways on;
    the old release is found by its zip too when its folder was removed."""
    if zip_alone:
        shutil.rmtree(dist / "corpuskit-seeds-1.0.0")
    _rename(seeds, "renamed-seeds")
    before, released = snapshot(seeds), sorted(p.name for p in dist.iterdir())
    with pytest.raises(ReleaseError) as refused:
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1, dry_run=dry_run)
    said = str(refused.value)
    assert said.startswith("corpus.toml records the release time of corpuskit-seeds-1.0.0 "
                           f"in {dist} (created = ")
    assert "and CHANGELOG.md its history: a first release of renamed-seeds would carry " \
        "them over under its new name" in said
    assert 'set name = "corpuskit-seeds" back in corpus.toml' in said
    assert said.endswith("remove the created line from corpus.toml and move CHANGELOG.md "
                         f"out of {seeds}, then release again")
    assert snapshot(seeds) == before
    assert sorted(p.name for p in dist.iterdir()) == released


def test_a_renamed_corpus_with_a_history_of_its_own_is_a_first_release_and_says_so(
        seeds: Path, dist: Path) -> None:
    """A new name, its release time and changelog left out as the refusal above says: a
    first release of its own, with a note about the releases of the old name beside it."""
    _rename(seeds, "renamed-seeds")
    toml = seeds / "corpus.toml"
    toml.write_text("".join(line for line in toml.read_text("utf-8").splitlines(True)
                            if not line.startswith("created = ")), "utf-8")
    (seeds / "CHANGELOG.md").unlink()
    result = release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert result.previous is None
    assert list(result.notes) == [
        f"{dist} holds releases of corpuskit-seeds, none of renamed-seeds: this is the first "
        "release of renamed-seeds, its own history; if the corpus was renamed, set its old "
        "name back in corpus.toml to carry on that history"]
    assert result.created == release_time(epoch(1))
    assert (seeds / "CHANGELOG.md").read_text("utf-8").startswith(
        "# Changelog of renamed-seeds\n\n## 1.0.0 (2027-01-16)\n")
    assert f'created = "{release_time(epoch(1))}"' in toml.read_text("utf-8")


def test_without_a_seeds_changelog_the_history_carries_on(seeds: Path, dist: Path) -> None:
    (seeds / "CHANGELOG.md").unlink()
    write_doc(seeds, "extra.txt", "Extra", "An extra document about rivers and bridges.")
    release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    changelog = (seeds / "CHANGELOG.md").read_text("utf-8")
    assert changelog.startswith("# Changelog of corpuskit-seeds\n\n## 1.1.0 (2027-01-16)\n")
    assert "\n## 1.0.0 (2026-11-28)\n" in changelog  # taken from the 1.0.0 release


def test_update_corpus_toml_keeps_a_byte_order_mark() -> None:
    """corpus.toml written by a Windows editor starts with a BOM, which load_config skips:
    release refused to edit it ('cannot update corpus.toml safely')."""
    text = '\ufeffname = "x"\nversion = "1.0.0"\n'
    assert update_corpus_toml(text, "1.1.0", "2027-01-15T08:00:00Z") == (
        '\ufeffname = "x"\nversion = "1.1.0"\ncreated = "2027-01-15T08:00:00Z"\n')


@pytest.mark.parametrize("kind", ["folder", "pipe", "link-outside", "link-inside",
                                  "dangling-link"])
def test_a_changelog_that_is_no_file_of_the_seeds_is_refused_by_every_command(
        kind: str, seeds: Path, dist: Path, tmp_path: Path) -> None:
    """CHANGELOG.md ships in the release: a folder or a pipe (which must not hang
    anything), a link out of the seeds folder (which would ship another file) or a link
    to nothing is one problem naming it, for release, build and validate alike, with no
    traceback and nothing written."""
    write_doc(seeds, "extra.txt", "Extra", "An extra document about rivers and bridges.")
    changelog = seeds / "CHANGELOG.md"
    changelog.unlink()
    outside = tmp_path / "elsewhere.md"
    outside.write_text("# Somebody else's file\n")
    if kind == "folder":
        changelog.mkdir()
    elif kind == "pipe":
        os.mkfifo(changelog)
    elif kind == "link-outside":
        changelog.symlink_to(outside)
    elif kind == "link-inside":  # release would replace the link, leaving notes/ stale
        (seeds / "notes").mkdir()
        (seeds / "notes" / "CHANGELOG.md").write_text("# Changelog\n")
        changelog.symlink_to("notes/CHANGELOG.md")
    else:
        changelog.symlink_to(tmp_path / "nothing-here.md")
    code = {"link-outside": "unsafe-path", "link-inside": "config-error"}.get(
        kind, "unreadable-file")
    before = snapshot(dist)
    with pytest.raises(InputError) as caught:
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert [(p.path, p.code) for p in caught.value.problems] == [("CHANGELOG.md", code)]
    with pytest.raises(InputError) as caught:
        build(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert [(p.path, p.code) for p in caught.value.problems] == [("CHANGELOG.md", code)]
    report = validate(seeds)
    assert [(p.path, p.code) for p in report.problems] == [("CHANGELOG.md", code)]
    assert snapshot(dist) == before


@pytest.mark.parametrize("damage", ["records", "changelog"])
def test_a_damaged_latest_release_is_not_released_against(
        damage: str, seeds: Path, dist: Path) -> None:
    """A hand-edited title in the latest release made the next release a major one, with
    a changelog line about the edit; an edited CHANGELOG.md in it would be carried on.
    The latest release must pass validate first: refused, and nothing is written."""
    latest = dist / "corpuskit-seeds-1.0.0"
    if damage == "records":
        records = latest / "data" / "documents.jsonl"
        first = json.loads(records.read_bytes().splitlines()[0])
        records.write_bytes(records.read_bytes().replace(
            json.dumps(first["title"]).encode(), b'"Tampered"', 1))
    else:
        (seeds / "CHANGELOG.md").unlink()  # the history is carried on from the release
        with (latest / "CHANGELOG.md").open("a", encoding="utf-8") as changelog:
            changelog.write("\n## 9.9.9\n\nNever released.\n")
    write_doc(seeds, "extra.txt", "Extra", "An extra document about rivers and bridges.")
    before_seeds, before_dist = snapshot(seeds), snapshot(dist)
    with pytest.raises(ReleaseError, match="does not pass validation") as caught:
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert f"; the first: {latest}/" in str(caught.value)  # its file, as validate names it
    assert snapshot(seeds) == before_seeds and snapshot(dist) == before_dist


def test_a_damaged_zip_beside_the_latest_release_folder_is_not_released_against(
        seeds: Path, dist: Path) -> None:
    """A byte flipped in the zip of the latest release, its folder intact: release went
    ahead, checking the folder only (QA). A release is its folder and its zip: refused,
    naming the zip, and nothing is written."""
    archive = dist / "corpuskit-seeds-1.0.0.zip"
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    archive.write_bytes(bytes(data))
    write_doc(seeds, "extra.txt", "Extra", "An extra document about rivers and bridges.")
    before_seeds, before_dist = snapshot(seeds), snapshot(dist)
    with pytest.raises(ReleaseError, match="does not pass validation") as caught:
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert f"the latest release {archive} does not pass" in str(caught.value)
    assert snapshot(seeds) == before_seeds and snapshot(dist) == before_dist


def test_a_zip_of_another_build_beside_the_latest_release_is_not_released_against(
        seeds: Path, dist: Path, tmp_path: Path) -> None:
    """The latest release's zip from another build of that version (two branches each
    released 1.1.0): both pass validate alone, and release diffed against the folder
    only, so the next release's bump and changelog were wrong for whoever holds the
    published zip (QA). Refused, naming the files that differ."""
    other_seeds, other_dist = tmp_path / "other-seeds", tmp_path / "other-dist"
    shutil.copytree(seeds, other_seeds)
    shutil.copytree(dist, other_dist)
    write_doc(seeds, "two.txt", "Two", "The second document, about mountains.")
    write_doc(other_seeds, "three.txt", "Three", "Another second document, about lakes.")
    for folder, out in ((seeds, dist), (other_seeds, other_dist)):
        assert release(seeds=folder, dist=out, source_date_epoch=epoch(1), jobs=1) \
            .version == "1.1.0"
    shutil.copyfile(other_dist / "corpuskit-seeds-1.1.0.zip", dist / "corpuskit-seeds-1.1.0.zip")
    assert validate(dist / "corpuskit-seeds-1.1.0.zip").valid  # sound on its own
    write_doc(seeds, "four.txt", "Four", "A fourth document, about forests.")
    before_seeds, before_dist = snapshot(seeds), snapshot(dist)
    with pytest.raises(ReleaseError, match="holds another package than the release folder"
                       ) as caught:
        release(seeds, dist, source_date_epoch=epoch(2), jobs=1)
    assert str(caught.value).startswith(
        f"the latest release's zip {dist / 'corpuskit-seeds-1.1.0.zip'} holds")
    assert "datapackage.json" in str(caught.value)
    assert snapshot(seeds) == before_seeds and snapshot(dist) == before_dist


def test_a_damaged_zip_only_latest_release_is_named_in_its_problem(
        seeds: Path, dist: Path) -> None:
    """The first problem of a damaged zip was shown with the path '.' (the archive's own
    problems are at its root): it names the zip."""
    archive = dist / "corpuskit-seeds-1.0.0.zip"
    shutil.rmtree(dist / "corpuskit-seeds-1.0.0")
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    archive.write_bytes(bytes(data))
    write_doc(seeds, "extra.txt", "Extra", "An extra document about rivers and bridges.")
    with pytest.raises(ReleaseError, match="does not pass validation") as caught:
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert f"; the first: {archive}:" in str(caught.value)
    assert "; the first: .:" not in str(caught.value)


@pytest.mark.parametrize("folder", ["kept", "removed"])
def test_a_damaged_zip_of_a_release_is_named_not_called_identical(
        folder: str, seeds: Path, dist: Path) -> None:
    """Two bytes changed inside a member of a release's zip: its central directory still
    matched a fresh build's, so build said "identical content; nothing to do" (and with
    the folder removed it would have put it back). The zip's seal tells: refused, naming
    the zip, and nothing is changed."""
    archive = dist / "corpuskit-seeds-1.0.0.zip"
    data = bytearray(archive.read_bytes())
    data[200:202] = bytes(255 - b for b in data[200:202])
    archive.write_bytes(bytes(data))
    if folder == "removed":
        shutil.rmtree(dist / "corpuskit-seeds-1.0.0")
    before = snapshot(dist)
    with pytest.raises(ReleaseExistsError, match="is damaged") as caught:
        build(seeds, dist, jobs=1)
    assert str(archive) in str(caught.value)
    assert snapshot(dist) == before


@pytest.mark.parametrize("folder", ["kept", "removed"])
def test_a_release_zip_that_is_a_git_lfs_pointer_is_named_as_one_by_build(
        folder: str, seeds: Path, dist: Path) -> None:
    """A checkout that did not fetch the zip kept in Git LFS: build called the pointer
    damaged and said to remove it and build again, which would commit a zip over the LFS
    object (QA); validate and check name it as a pointer, and so does build now."""
    from corpuskit.gitlfs import LFS_ADVICE

    archive = dist / "corpuskit-seeds-1.0.0.zip"
    data = archive.read_bytes()
    archive.write_text("version https://git-lfs.github.com/spec/v1\n"
                       f"oid sha256:{hashlib.sha256(data).hexdigest()}\nsize {len(data)}\n",
                       "utf-8")
    if folder == "removed":
        shutil.rmtree(dist / "corpuskit-seeds-1.0.0")
    before = snapshot(dist)
    with pytest.raises(ReleaseExistsError) as caught:
        build(seeds, dist, jobs=1)
    assert str(caught.value) == f"{archive}: {LFS_ADVICE}"
    assert "damaged" not in str(caught.value) and "remove it" not in str(caught.value)
    assert snapshot(dist) == before


def test_a_release_changed_by_hand_is_named_as_changed_not_as_needing_a_bump(
        seeds: Path, dist: Path) -> None:
    """A stray file in a release folder (.DS_Store) made build say the version exists
    with other content and advise a bump, though the seeds had not changed: the release
    had. It says so now, with what validate finds in it; nothing is written."""
    (dist / "corpuskit-seeds-1.0.0" / ".DS_Store").write_bytes(b"Finder was here")
    before = snapshot(dist)
    with pytest.raises(ReleaseExistsError, match="was changed after it was built") as caught:
        build(seeds, dist, jobs=1)
    assert ".DS_Store: " in str(caught.value)
    assert "[unexpected-file]" in str(caught.value)  # (and unlisted-file: the first named)
    assert "bump" not in str(caught.value)
    assert snapshot(dist) == before


def test_building_an_earlier_release_again_does_not_advise_removing_it(
        seeds: Path, dist: Path, tmp_path: Path) -> None:
    """With the seeds of 1.0.0 back (an old tag checked out) after 1.1.0 was released, a
    build found 1.0.0 identical and did nothing, but noted to remove 1.0.0 "if not
    published" and set the version to 1.1.0, which build then refused (QA). The note says
    the seeds are behind and how to carry on, and removes nothing."""
    old_seeds = tmp_path / "old-seeds"
    shutil.copytree(seeds, old_seeds)
    write_doc(seeds, "two.txt", "Two", "The second document, about mountains.")
    assert release(seeds, dist, source_date_epoch=epoch(1), jobs=1).version == "1.1.0"
    before = snapshot(dist)
    result = build(old_seeds, dist, jobs=1)
    assert result.status == "unchanged" and result.release.name == "corpuskit-seeds-1.0.0"
    [note] = result.notes
    assert "corpuskit-seeds 1.1.0, newer than 1.0.0, the release these seeds make" in note
    assert "remove" not in note and "set version back" not in note
    assert "to carry on from 1.1.0, bring back the seeds it was released from" in note
    assert snapshot(dist) == before


@pytest.mark.parametrize("zip_only", [False, True])
def test_changed_seeds_of_an_earlier_release_are_told_of_the_newer_one(
        seeds: Path, dist: Path, tmp_path: Path, zip_only: bool) -> None:
    """Seeds at 1.0.0 with changes, 1.1.0 already in dist/: build refused with "bump the
    version" and no word of 1.1.0, so 1.0.1, below it, was the bump to make (QA). The
    refusal names 1.1.0 and what to do after it: release, which numbers the next version
    after 1.1.0 (as it does), or, for seeds that hold 1.1.0's content, version 1.1.0."""
    write_doc(seeds, "two.txt", "Two", "The second document, about mountains.")
    assert release(seeds, dist, source_date_epoch=epoch(1), jobs=1).version == "1.1.0"
    if zip_only:  # 1.0.0 as its zip alone: the same refusal
        shutil.rmtree(dist / "corpuskit-seeds-1.0.0")
    toml = seeds / "corpus.toml"
    released = toml.read_text("utf-8")
    toml.write_text(released.replace('version = "1.1.0"', 'version = "1.0.0"'), "utf-8")
    behind = (f"released versions are immutable: {dist} holds corpuskit-seeds 1.1.0, newer "
              f"than 1.0.0, the version in {toml}, so a version bumped from 1.0.0 (such as "
              "1.0.1) would still be below 1.1.0")
    before = snapshot(dist)
    with pytest.raises(ReleaseExistsError) as caught:  # 1.1.0's content, labelled 1.0.0
        build(seeds, dist, jobs=1)
    assert str(caught.value).endswith(
        f"{behind}; these seeds hold the documents and metadata of 1.1.0 "
        f"({dist / 'corpuskit-seeds-1.1.0'}): set version = \"1.1.0\" in {toml} to build "
        f"1.1.0 again, or change them and run 'corpuskit release --seeds {seeds} --out "
        f"{dist}'"), str(caught.value)
    write_doc(seeds, "three.txt", "Three", "A third document, about lakes.")
    with pytest.raises(ReleaseExistsError) as caught:
        build(seeds, dist, jobs=1)
    assert str(caught.value).endswith(
        f"{behind}: run 'corpuskit release --seeds {seeds} --out {dist}', which diffs the "
        "seeds against 1.1.0 and releases the next version after it (1.2.0, a minor "
        f"release, for these changes), or set a version above 1.1.0 in {toml}"), \
        str(caught.value)
    assert snapshot(dist) == before
    # What the refusal says is so: release makes 1.2.0; without three.txt, version 1.1.0
    # builds 1.1.0 as it is.
    assert release(seeds, dist, source_date_epoch=epoch(2), dry_run=True,
                   jobs=1).version == "1.2.0"
    (seeds / "three.txt").unlink()
    toml.write_text(released, "utf-8")
    assert build(seeds, dist, jobs=1).status == "unchanged"
    assert snapshot(dist) == before


@pytest.mark.parametrize("label", ["1.0.0", "1.0.5", "1.2.0"])
def test_seeds_of_a_release_under_another_version_are_told_so_by_release(
        label: str, seeds: Path, dist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Seeds that hold 1.1.0's content, labelled 1.0.0 in corpus.toml: build refused them,
    naming the label and 1.1.0, but release said only "nothing to release" (QA), leaving
    the seeds in a state no command accepts. Release refuses them (exit 1: the label is to
    be mended, and release makes no release to mend it) with build's words: the version
    they say, the release that holds them, and to set its version; nothing is written."""
    write_doc(seeds, "two.txt", "Two", "The second document, about mountains.")
    assert release(seeds, dist, source_date_epoch=epoch(1), jobs=1).version == "1.1.0"
    toml = seeds / "corpus.toml"
    released = toml.read_text("utf-8")
    toml.write_text(released.replace('version = "1.1.0"', f'version = "{label}"'), "utf-8")
    what = {"1.0.0": "a version released with other content, which build refuses to build "
                     "again",
            "1.0.5": "not released, and below the latest release 1.1.0",
            "1.2.0": "not released"}[label]
    said = (f"nothing to release: {seeds} has the same documents and metadata as "
            f"corpuskit-seeds 1.1.0 ({dist / 'corpuskit-seeds-1.1.0'}), and the same "
            f"processing settings and outputs, but version {label} in {toml} ({what}): set "
            f"version = \"1.1.0\" in {toml} to build 1.1.0 again, or change them and run "
            f"'corpuskit release --seeds {seeds} --out {dist}'")
    before, seeds_before = snapshot(dist), snapshot(seeds)
    for bump in (None, "patch"):
        for dry_run in (True, False):
            with pytest.raises(ReleaseError) as caught:
                release(seeds, dist, bump, source_date_epoch=epoch(2), dry_run=dry_run, jobs=1)
            assert str(caught.value) == said
    assert main(["release", "--seeds", str(seeds), "--out", str(dist), "--jobs", "1"]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == f"corpuskit: error: {said}"
    assert snapshot(dist) == before and snapshot(seeds) == seeds_before
    # What it says is so: with version 1.1.0 the seeds build 1.1.0 as it is.
    toml.write_text(released, "utf-8")
    assert build(seeds, dist, jobs=1).status == "unchanged"


def _released_then_labelled(seeds: Path, dist: Path, version: str) -> tuple[Path, Path, str]:
    """Release 1.1.0 (a document added), then label the seeds ``version``: their
    corpus.toml, the 1.1.0 release, and what build and release say to do."""
    write_doc(seeds, "two.txt", "Two", "The second document, about mountains.")
    assert release(seeds, dist, source_date_epoch=epoch(1), jobs=1).version == "1.1.0"
    toml = seeds / "corpus.toml"
    toml.write_text(toml.read_text("utf-8").replace('version = "1.1.0"',
                                                    f'version = "{version}"'), "utf-8")
    relabel = (f"set version = \"1.1.0\" in {toml} to build 1.1.0 again, or change them and "
               f"run 'corpuskit release --seeds {seeds} --out {dist}'")
    return toml, dist / "corpuskit-seeds-1.1.0", relabel


def test_seeds_of_a_release_under_another_version_are_told_so_by_check(
        seeds: Path, dist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Seeds that hold 1.1.0's content, labelled 1.0.0: check said of 1.0.0's
    datapackage.json that the seeds changed since it was released, to be published with
    'corpuskit release', and of 1.1.0 to restore the seeds or release again (QA): release
    refuses that. Check says what build and release say: the version they say, the
    release that holds them, and to set its version."""
    toml, newer, relabel = _released_then_labelled(seeds, dist, "1.0.0")
    with pytest.raises(ReleaseExistsError) as caught:  # what build says, in its words
        build(seeds, dist, jobs=1)
    assert str(caught.value).endswith(f"({newer}): {relabel}")
    descriptor = str(dist / "corpuskit-seeds-1.0.0" / "datapackage.json")
    # With the seeds' release time (1.1.0's), or 1.0.0's: then to build 1.1.0 with its.
    at_newer = (" (its release time is not this build's: build with "
                "SOURCE_DATE_EPOCH=1800086400, which is 2027-01-16T08:00:00Z (or with it unset "
                "and created = \"2027-01-16T08:00:00Z\" in corpus.toml))")
    for source_date_epoch, timed in ((None, ""), ("1795824000", at_newer)):
        advice = relabel.replace(" again,", f" again{timed},")
        report = check(seeds, dist, source_date_epoch=source_date_epoch, jobs=1)
        said = {p.path: p.message for p in report.problems if p.location == ""}
        assert said[descriptor] == (
            f"differs from what a fresh build of {seeds} makes: the seeds hold the documents "
            f"and metadata of 1.1.0 ({newer}), not of 1.0.0, the version in {toml}: {advice}")
        assert said[str(newer)] == (f"{dist} holds version 1.1.0, newer than the seeds' "
                                    "version 1.0.0, and the seeds hold its documents and "
                                    f"metadata: {advice}")
        assert not any("publish" in p.message or "release again" in p.message
                       or p.location == "/created" for p in report.problems)
    assert main(["check", "--seeds", str(seeds), "--dist", str(dist)]) == 1
    assert f"{descriptor}: differs from what a fresh build of {seeds} makes: the seeds hold " \
        "the documents and metadata of 1.1.0" in capsys.readouterr().out
    # 1.0.0 kept as its zip only: what to do about its folder says so too.
    shutil.rmtree(dist / "corpuskit-seeds-1.0.0")
    report = check(seeds, dist, jobs=1)
    [kept] = [p for p in report.problems if p.path == str(dist / "corpuskit-seeds-1.0.0")]
    assert kept.message.endswith("the seeds hold the documents and metadata of a newer "
                                 f"release, not of version 1.0.0: {relabel}")
    assert not any("publish" in p.message for p in report.problems)


@pytest.mark.parametrize("version", ["1.0.5", "1.2.0"])
def test_seeds_of_a_release_under_a_version_never_released_are_told_so_by_check(
        version: str, seeds: Path, dist: Path) -> None:
    """Seeds that hold 1.1.0's content under a version never released, below or above it:
    check said to run build or release (QA), and release refuses them, saying to set the
    version to 1.1.0. Check says what release says, of the folder and the zip not there."""
    _, newer, relabel = _released_then_labelled(seeds, dist, version)
    with pytest.raises(ReleaseError) as caught:  # what release says, in its words
        release(seeds, dist, jobs=1)
    assert str(caught.value).endswith(f": {relabel}")
    held = (f", and the seeds hold the documents and metadata of 1.1.0 ({newer}) under "
            f"this version, never released: {relabel}")
    report = check(seeds, dist, jobs=1)
    said = {p.path: p.message for p in report.problems}
    folder = dist / f"corpuskit-seeds-{version}"
    assert said[str(folder)] == (f"the release of {seeds} (version {version}) is not in "
                                 f"{dist}{held}")
    assert said[f"{folder}.zip"] == f"the archive of version {version} is not in {dist}{held}"
    assert not any("corpuskit build" in message for message in said.values())
    # Changed since 1.1.0: a version of their own, to be built or released.
    write_doc(seeds, "three.txt", "Three", "The third document, about rivers.")
    said = {p.path: p.message for p in check(seeds, dist, jobs=1).problems}
    assert said[str(folder)].endswith(f"is not in {dist}; run 'corpuskit build {seeds} --out "
                                      f"{dist}' or 'corpuskit release --seeds {seeds} --out "
                                      f"{dist}'")


def test_a_build_of_the_latest_release_under_a_newer_version_never_released_says_so(
        seeds: Path, dist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Seeds holding 1.1.0's content labelled 1.2.0, never released: release refuses them
    and check names them, but build built 1.2.0 without a word (QA). It still builds it (a
    version may be meant as a release of its own) and says what release and check say;
    once the documents, settings or CHANGELOG.md differ from 1.1.0's, nothing is said."""
    toml, newer, relabel = _released_then_labelled(seeds, dist, "1.2.0")
    result = build(seeds, dist, jobs=1)
    assert result.status == "built"
    command = f"corpuskit release --seeds {seeds} --out {dist}"
    [note] = result.notes
    assert note == (f"corpuskit-seeds-1.2.0 holds the documents and metadata of corpuskit-seeds "
                    f"1.1.0 ({newer}), with its settings, outputs and CHANGELOG.md: "
                    f"'{command}' finds nothing to release in these seeds; unless 1.2.0 is "
                    "meant as a release of its own, remove corpuskit-seeds-1.2.0 and "
                    f"corpuskit-seeds-1.2.0.zip from {dist} (if not published), then {relabel}")
    with pytest.raises(ReleaseError):  # what the note says release does
        release(seeds, dist, jobs=1)
    for built in (dist / "corpuskit-seeds-1.2.0", dist / "corpuskit-seeds-1.2.0.zip"):
        shutil.rmtree(built) if built.is_dir() else built.unlink()
    assert main(["build", str(seeds), "--out", str(dist), "--jobs", "1"]) == 0
    assert f"note: {note}\n" in capsys.readouterr().err
    # A CHANGELOG.md edited since 1.1.0: what release patch releases; no note.
    changelog = seeds / "CHANGELOG.md"
    for built in (dist / "corpuskit-seeds-1.2.0", dist / "corpuskit-seeds-1.2.0.zip"):
        shutil.rmtree(built) if built.is_dir() else built.unlink()
    changelog.write_text(changelog.read_text("utf-8") + "\nA typo fixed.\n", "utf-8")
    # (The version was set by hand, its release time left as 1.1.0's: only that is said.)
    same_time = "has the release time of corpuskit-seeds 1.1.0"
    assert [same_time in note for note in build(seeds, dist, jobs=1).notes] == [True]
    # A document added since 1.1.0: a version of its own, built without a note of it.
    write_doc(seeds, "three.txt", "Three", "The third document, about rivers.")
    toml.write_text(toml.read_text("utf-8").replace('version = "1.2.0"', 'version = "1.3.0"'),
                    "utf-8")
    assert [note.split(" (")[0] for note in build(seeds, dist, jobs=1).notes] \
        == ["corpuskit-seeds-1.3.0 has the release time of corpuskit-seeds 1.2.0"]


def test_another_corpus_whose_release_is_named_alike_is_not_told_to_bump(
        seeds: Path, tmp_path: Path) -> None:
    """Corpus "a-1.0.0" at 2.0.0 and corpus "a" at 1.0.0-2.0.0 both release into
    a-1.0.0-2.0.0/: the second was refused with "released versions are immutable: bump the
    version", which no bump of it fixes (QA). It is told the folder is another corpus's."""
    other = tmp_path / "other"
    shutil.copytree(seeds, other)
    for folder, name, version in ((seeds, "a-1.0.0", "2.0.0"), (other, "a", "1.0.0-2.0.0")):
        toml = folder / "corpus.toml"
        text = re.sub(r'(?m)^name = ".*"$', f'name = "{name}"', toml.read_text("utf-8"))
        text = re.sub(r'(?m)^version = ".*"$', f'version = "{version}"', text)
        toml.write_text(re.sub(r'(?m)^created = ".*"\n', "", text), "utf-8")
        (folder / "CHANGELOG.md").unlink()
    out = tmp_path / "out"
    assert build(seeds, out, jobs=1).release.name == "a-1.0.0-2.0.0"
    before = snapshot(out)
    with pytest.raises(ReleaseExistsError) as caught:
        build(other, out, jobs=1)
    assert str(caught.value) == (
        f"{out / 'a-1.0.0-2.0.0'} is the release of another corpus, a-1.0.0 2.0.0, whose "
        "release folder is named as this one's (a-1.0.0-2.0.0); set another name than 'a' "
        f"in {other / 'corpus.toml'}, or build it into another --out")
    assert snapshot(out) == before


def test_building_a_version_below_the_latest_release_says_so(seeds: Path, dist: Path) -> None:
    """A version lowered by mistake was built beside the newer release without a word;
    check then called the seeds behind. Allowed (a fix of an older line), with a note."""
    toml = seeds / "corpus.toml"
    toml.write_text(re.sub(r'(?m)^version = ".*"$', 'version = "0.9.0"',
                           toml.read_text("utf-8")), "utf-8")
    result = build(seeds, dist, jobs=1)
    assert result.status == "built" and result.release.name == "corpuskit-seeds-0.9.0"
    [note] = result.notes
    assert "corpuskit-seeds 1.0.0, newer than 0.9.0" in note
    # What the note says to do when 0.9.0 was a mistake (it said to bump the version with
    # 'corpuskit release', which then found nothing to release: QA): it leads back.
    assert "remove corpuskit-seeds-0.9.0 and corpuskit-seeds-0.9.0.zip" in note
    assert "set version back to 1.0.0" in note
    shutil.rmtree(dist / "corpuskit-seeds-0.9.0")
    (dist / "corpuskit-seeds-0.9.0.zip").unlink()
    toml.write_text(re.sub(r'(?m)^version = ".*"$', 'version = "1.0.0"',
                           toml.read_text("utf-8")), "utf-8")
    assert check(seeds, dist, source_date_epoch=None).valid
    toml.write_text(re.sub(r'(?m)^version = ".*"$', 'version = "1.1.0"',
                           toml.read_text("utf-8")), "utf-8")
    # Above the latest release: not behind it, but the same content, which is said.
    [note] = build(seeds, dist, jobs=1).notes
    assert note.startswith("corpuskit-seeds-1.1.0 holds the documents and metadata of "
                           "corpuskit-seeds 1.0.0")


@pytest.mark.parametrize("failure", [KeyboardInterrupt, OutputError])
def test_a_release_stopped_between_its_folder_and_its_zip_is_finished_by_build(
        seeds: Path, dist: Path, monkeypatch: pytest.MonkeyPatch,
        failure: type[BaseException]) -> None:
    """Ctrl-C or a full disk after the new release's folder was in place, before its zip:
    the release put corpus.toml and CHANGELOG.md back to 1.0.0 and left the 1.1.0 folder,
    which no command would finish (build refused 1.0.0's other content; release and check
    sent the user to build). The seeds now keep 1.1.0, and build writes the zip."""
    write_doc(seeds, "extra.txt", "Extra", "An extra document about rivers and bridges.")
    module = sys.modules["corpuskit.build"]
    real = module._write_release_archive

    def stopped(*args: object, **kwargs: object) -> None:
        raise failure("No space left on device") if failure is OutputError else failure()

    monkeypatch.setattr(module, "_write_release_archive", stopped)
    with pytest.raises(ReleaseError if failure is OutputError else failure) as raised:
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    if failure is OutputError:
        assert "No space left on device" in str(raised.value)
        assert f"run 'corpuskit build {seeds} --out {dist}'" in str(raised.value)
    assert 'version = "1.1.0"' in (seeds / "corpus.toml").read_text("utf-8")
    assert "## 1.1.0" in (seeds / "CHANGELOG.md").read_text("utf-8")
    assert (dist / "corpuskit-seeds-1.1.0").is_dir()
    assert not (dist / "corpuskit-seeds-1.1.0.zip").exists()
    with pytest.raises(ReleaseError, match="has no zip beside it"):
        release(seeds, dist, source_date_epoch=epoch(2), jobs=1)  # says what to run

    monkeypatch.setattr(module, "_write_release_archive", real)
    finished = build(seeds, dist, source_date_epoch=None, jobs=1, cache=None)
    assert (finished.status, finished.restored) == ("restored", "archive")
    assert check(seeds, dist, source_date_epoch=None).valid
    assert validate(dist / "corpuskit-seeds-1.1.0.zip").valid


def test_no_release_follows_one_whose_zip_is_missing(seeds: Path, dist: Path) -> None:
    """With a change in the seeds, a release went ahead of a latest release that had lost
    its zip (QA), and nothing wrote that zip again; without one it said to run build."""
    (dist / "corpuskit-seeds-1.0.0.zip").unlink()
    with pytest.raises(ReleaseError, match=r"has no zip beside it.*run " + re.escape(
            f"'corpuskit build {seeds} --out {dist}' to write its zip")):
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    corpus_toml = (seeds / "corpus.toml").read_bytes()
    write_doc(seeds, "extra.txt", "Extra", "An extra document about rivers and bridges.")
    seed_doc = next(p for p in seeds.iterdir() if p.suffix == ".txt" and p.name != "extra.txt")
    edited = seed_doc.read_bytes() + b"\nA paragraph added since.\n"
    renamed = seed_doc.with_suffix(".md")  # changed and renamed: the same id
    seed_doc.rename(renamed)
    renamed.write_bytes(edited)
    with pytest.raises(ReleaseError, match=r"have changed since .*: finish 1\.0\.0 first"
                                           r".*set aside the documents added since \(a "
                                           r"renamed one under its new name too\), copy those "
                                           r"changed, removed or renamed since from "
                                           r".*data/raw/") as said:
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert (seeds / "corpus.toml").read_bytes() == corpus_toml
    assert sorted(p.name for p in dist.iterdir() if not p.name.startswith(".")) == [
        "corpuskit-seeds-1.0.0"]
    # The advice followed to the letter (QA: setting aside a changed document, as it said
    # before, left the seeds changed and build refused again).
    raw = dist / "corpuskit-seeds-1.0.0" / "data" / "raw"
    assert f"{dist / 'corpuskit-seeds-1.0.0'}/data/raw/" in str(said.value)
    aside = seeds.parent / "aside"
    aside.mkdir()
    (seeds / "extra.txt").rename(aside / "extra.txt")
    renamed.rename(aside / renamed.name)
    shutil.copyfile(raw / seed_doc.name, seed_doc)
    assert build(seeds, dist, source_date_epoch=None, jobs=1, cache=None).restored == "archive"
    seed_doc.unlink()
    for kept in aside.iterdir():  # the changes back
        kept.rename(seeds / kept.name)
    assert release(seeds, dist, source_date_epoch=epoch(1), jobs=1).version == "2.0.0"
    assert check(seeds, dist, source_date_epoch=None).valid


def test_the_advice_for_a_lost_zip_covers_package_metadata(seeds: Path, dist: Path) -> None:
    """With only package metadata changed (a description), the advice spoke of documents
    and settings, and following it left the seeds changed (QA): it says to put back the
    package metadata, which the release's datapackage.json holds; followed, build
    finishes the release and release goes on."""
    (dist / "corpuskit-seeds-1.0.0.zip").unlink()
    config = seeds / "corpus.toml"
    original = config.read_text("utf-8")
    changed = re.sub(r'(?m)^description = .*$', 'description = "Another description."',
                     original)
    assert changed != original
    config.write_text(changed, "utf-8")
    with pytest.raises(ReleaseExistsError) as built:
        build(seeds, dist, source_date_epoch=None, jobs=1, cache=None)
    assert "put back in corpus.toml the package metadata" in str(built.value)
    assert "datapackage.json holds them" in str(built.value)
    config.write_text(original, "utf-8")  # the description as 1.0.0 has it
    assert build(seeds, dist, source_date_epoch=None, jobs=1, cache=None).restored == "archive"
    config.write_text(changed, "utf-8")
    assert release(seeds, dist, source_date_epoch=epoch(1), jobs=1).version == "1.0.1"


def test_build_gives_release_s_advice_when_the_latest_release_lost_its_zip(
        seeds: Path, dist: Path) -> None:
    """build said to bump the version with 'corpuskit release', which then refused as no
    release follows one whose zip is missing (QA): both say to finish that release first.
    With settings changed (no document), release said to run build, and build to run
    'release patch': each sent the user to the other. Following the advice works."""
    (dist / "corpuskit-seeds-1.0.0.zip").unlink()
    write_doc(seeds, "extra.txt", "Extra", "An extra document about rivers and bridges.")
    with pytest.raises(ReleaseExistsError) as built:
        build(seeds, dist, source_date_epoch=None, jobs=1, cache=None)
    with pytest.raises(ReleaseError) as released:
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert str(built.value) == str(released.value)
    assert "finish 1.0.0 first" in str(built.value) and "bump" not in str(built.value)
    (seeds / "extra.txt").unlink()

    config = seeds / "corpus.toml"
    original = config.read_text("utf-8")
    config.write_text(original.replace("parquet = true", "parquet = false"), "utf-8")
    with pytest.raises(ReleaseExistsError) as built:
        build(seeds, dist, source_date_epoch=None, jobs=1, cache=None)
    with pytest.raises(ReleaseError) as released:
        release(seeds, dist, bump="patch", source_date_epoch=epoch(1), jobs=1)
    assert str(built.value) == str(released.value)
    assert "processing settings, outputs or CHANGELOG.md" in str(built.value)
    assert f"'corpuskit release patch --seeds {seeds} --out {dist}'" in str(built.value)
    config.write_text(original, "utf-8")  # put back: build finishes 1.0.0
    assert build(seeds, dist, source_date_epoch=None, jobs=1, cache=None).restored == "archive"
    config.write_text(original.replace("parquet = true", "parquet = false"), "utf-8")
    assert release(seeds, dist, bump="patch", source_date_epoch=epoch(1),
                   jobs=1).version == "1.0.1"


@pytest.mark.parametrize("heading", ["##  1.1.0 (2027-01-16)", "##\t1.1.0", "# 1.1.0",
                                     "## v1.1.0", "## [1.1.0] - 2027-01-16"])
def test_a_hand_written_entry_of_the_next_version_is_refused_however_headed(
        seeds: Path, dist: Path, heading: str) -> None:
    """``##  1.1.0`` (two spaces), a tab or another heading level passed as no entry, and
    the release shipped two 1.1.0 entries (QA)."""
    assert has_entry(f"x\n{heading}\n", "1.1.0") == ("v1.1.0" not in heading)
    assert not has_entry(f"x\n{heading}\n", "1.0.0")
    write_doc(seeds, "extra.txt", "Extra", "An extra document about rivers and bridges.")
    changelog = seeds / "CHANGELOG.md"
    changelog.write_text(changelog.read_text("utf-8").replace(
        "## 1.0.0", f"{heading}\n\nWritten ahead by hand.\n\n## 1.0.0", 1), "utf-8")
    before = snapshot(seeds)
    with pytest.raises(ReleaseError, match=r"1\.1\.0"):
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert snapshot(seeds) == before


def test_titles_in_the_changelog_are_shown_as_they_are(seeds: Path, dist: Path) -> None:
    """A title went into CHANGELOG.md as Markdown: ``<span>`` was dropped as HTML,
    ``[x](url)`` made a link, ``*x*`` emphasis (QA)."""
    import markdown_it  # CommonMark, as GitHub renders CHANGELOG.md (installed with rich)

    write_doc(seeds, "html.txt", "Styling the <span> element in HTML\\_5 & *more*",
              "A document whose title names an HTML element.")
    write_doc(seeds, "link.txt", "See [the site](https://example.org) `now`",
              "A document whose title holds Markdown link syntax.")
    release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    text = (seeds / "CHANGELOG.md").read_text("utf-8")
    assert ("(Styling the \\<span\\> element in HTML\\\\\\_5 \\& \\*more\\*)" in text), text
    rendered = markdown_it.MarkdownIt("commonmark").render(text)
    assert "Styling the &lt;span&gt; element in HTML\\_5 &amp; *more*" in rendered
    assert "See [the site](https://example.org) `now`" in rendered
    assert "<a " not in rendered and "<em>" not in rendered


def test_a_release_entry_goes_below_the_unreleased_section() -> None:
    """Keep a Changelog's ``## [Unreleased]`` stays on top: the entry went above it, so that
    the section of changes not yet released followed a release (QA)."""
    entry = "## 1.1.0 (2027-01-15)\n\nNew.\n"
    existing = ("# Changelog of c\n\n## [Unreleased]\n\n- A note for later.\n\n"
                "## 1.0.0 (2026-11-28)\n\nInitial release.\n")
    inserted = insert_changelog_entry(existing, "c", entry)
    assert inserted == ("# Changelog of c\n\n## [Unreleased]\n\n- A note for later.\n\n"
                        "## 1.1.0 (2027-01-15)\n\nNew.\n\n"
                        "## 1.0.0 (2026-11-28)\n\nInitial release.\n")
    assert remove_changelog_entry(inserted, "c", entry) == existing
    alone = "# Changelog of c\n\n## Unreleased\n\n- Soon.\n"
    assert insert_changelog_entry(alone, "c", entry) == f"{alone}\n{entry}"
    removed = remove_changelog_entry(f"{alone}\n{entry}", "c", entry)
    assert removed is not None and removed.rstrip("\n") == alone.rstrip("\n")


def test_a_first_release_killed_before_its_build_is_finished_by_release(
        seeds: Path, tmp_path: Path) -> None:
    """A first release killed outright (SIGKILL) after writing created and its entry into
    the seeds, before its build: the seeds then record the release of documents that are
    exactly these, and release again makes it, as an undisturbed one would."""
    (seeds / "CHANGELOG.md").unlink()
    toml = seeds / "corpus.toml"
    toml.write_text(toml.read_text("utf-8").replace('created = "2026-11-28T00:00:00Z"\n', ""),
                    "utf-8")
    undisturbed = release(seeds, tmp_path / "dist", source_date_epoch=epoch(0), jobs=1)
    # The seeds as the killed release left them (it wrote them before building).
    again = release(seeds, tmp_path / "after-kill", source_date_epoch=epoch(0), jobs=1)
    assert (again.version, again.changelog_entry) == ("1.0.0", "")
    assert undisturbed.build is not None and again.build is not None
    assert snapshot(undisturbed.build.release) == snapshot(again.build.release)
    assert undisturbed.build.archive.read_bytes() == again.build.archive.read_bytes()


def test_sub_headings_and_code_blocks_of_a_changelog_name_no_entry(seeds: Path,
                                                                   dist: Path) -> None:
    """``### 2.0 migration notes`` under an entry, or ``# 3.0 ...`` in a code block, were
    taken for entries of versions never released, and the release refused (QA round 2: a
    regression of headings read at any level)."""
    changelog = seeds / "CHANGELOG.md"
    changelog.write_text(changelog.read_text("utf-8") + "\n### 2.0 migration notes\n\n"
                         "Read them.\n\n```sh\n# 3.0 and later need this\n```\n", "utf-8")
    assert not has_entry(changelog.read_text("utf-8"), "2.0.0")
    write_doc(seeds, "extra.txt", "Extra", "An extra document about rivers and bridges.")
    assert release(seeds, dist, source_date_epoch=epoch(1), jobs=1).version == "1.1.0"


# Headings as CommonMark reads them (QA: a hand-written walk of the lines read neither
# setext nor indented headings, nor "## Version 1.2.0", and read a heading in an HTML
# comment or block). Each is written where the seeds' changelog has its 1.0.0 entry.
READ_HEADINGS = {
    "setext =": "2.0.0\n=====",
    "setext -": "2.0.0 (2027-01-16)\n------------------",
    "indented 1": " ## 2.0.0",
    "indented 3": "   # 2.0.0",
    "closing #s": "## 2.0.0 ##",
    "Version": "## Version 2.0.0",
    "version": "## version 2.0.0 (2027-01-16)",
    "v": "## v2.0.0",
    "Keep a Changelog": "## [2.0.0] - 2027-01-16",
    "link": "## [2.0.0](https://example.org/compare/1.0.0...2.0.0) (2027-01-16)",
}
UNREAD_HEADINGS = {
    "HTML comment": "<!-- ## 2.0.0 -->",
    "HTML comment block": "<!--\n## 2.0.0\n\nNot yet.\n-->",
    "HTML block": "<details>\n## 2.0.0\n</details>",
    "indented code block": "Headings look like this:\n\n    ## 2.0.0",
    "tab-indented code block": "\t## 2.0.0",
    "fence in a longer fence": "````\n```\n## 2.0.0\n```\n````",
    "block quote": "> ## 2.0.0",
    "list item": "- ## 2.0.0",
    "deeper heading": "### 2.0.0",
}


def _with_heading(seeds: Path, heading: str) -> str:
    """The seeds' changelog with ``heading`` and a line of text above its 1.0.0 entry (on
    line 3, below its title)."""
    changelog = seeds / "CHANGELOG.md"
    text = changelog.read_text("utf-8").replace(
        "## 1.0.0", f"{heading}\n\nWritten by hand.\n\n## 1.0.0", 1)
    changelog.write_text(text, "utf-8")
    return text


@pytest.mark.parametrize("heading", READ_HEADINGS.values(), ids=READ_HEADINGS.keys())
def test_a_version_heading_is_read_as_commonmark_reads_it(
        seeds: Path, tmp_path: Path, heading: str) -> None:
    """build refuses the entry of a version never released however it is headed, and
    names its line; info lists its version."""
    from corpuskit.changelog import versions_in

    text = _with_heading(seeds, heading)
    assert versions_in(text) == ["2.0.0", "1.0.0"]
    assert has_entry(text, "2.0.0") == ("v2.0.0" not in heading)
    with pytest.raises(InputError) as caught:
        build(seeds, tmp_path / "out", jobs=1)
    word = "v2.0.0" if "v2.0.0" in heading else "2.0.0"
    assert [(p.path, p.code, p.location) for p in caught.value.problems] == [
        ("CHANGELOG.md", "config-error", "line 3")]
    assert caught.value.problems[0].message.startswith(f"has an entry for {word}, after ")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("heading", UNREAD_HEADINGS.values(), ids=UNREAD_HEADINGS.keys())
def test_a_heading_in_a_comment_html_or_code_names_no_version(
        seeds: Path, tmp_path: Path, heading: str) -> None:
    """A heading in an HTML comment or block, a code block, a block quote or a list item
    heads no section of the changelog: build ships it, info lists no version of it, and
    release's entry goes below it, above the 1.0.0 entry."""
    from corpuskit.changelog import versions_in

    text = _with_heading(seeds, heading)
    assert versions_in(text) == ["1.0.0"] and not has_entry(text, "2.0.0")
    entry = "## 1.1.0 (2027-01-16)\n\nNew.\n"
    inserted = insert_changelog_entry(text, "corpuskit-seeds", entry)
    assert inserted == text.replace("## 1.0.0", f"{entry}\n## 1.0.0", 1)
    assert remove_changelog_entry(inserted, "corpuskit-seeds", entry) == text
    result = build(seeds, tmp_path / "out", jobs=1)  # at the release time they record
    assert (result.release / "CHANGELOG.md").read_text("utf-8") == text


@pytest.mark.parametrize("heading", [
    "1.1.0\n=====", "1.1.0 (2027-01-16)\n---", " ## 1.1.0", "   # 1.1.0",
    "## Version 1.1.0", "## [1.1.0](https://example.org/compare/1.0.0...1.1.0)", "## v1.1.0"])
def test_release_refuses_a_hand_written_entry_headed_as_commonmark_reads_it(
        seeds: Path, dist: Path, heading: str) -> None:
    """A setext, indented, ``Version`` or linked heading of the next version passed as no
    entry, and the release shipped two 1.1.0 entries; the refusal names the line."""
    write_doc(seeds, "extra.txt", "Extra", "An extra document about rivers and bridges.")
    _with_heading(seeds, heading)
    before = snapshot(seeds)
    with pytest.raises(ReleaseError) as caught:
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    said = str(caught.value)
    assert said.startswith(f"{seeds / 'CHANGELOG.md'} "), said
    assert ("already has an entry for 1.1.0 (line 3)" in said if "v1.1.0" not in heading
            else "has an entry for v1.1.0, after the latest release 1.0.0" in said
            and "remove that entry (line 3)" in said), said
    assert snapshot(seeds) == before


def test_release_puts_its_entry_above_setext_headings(seeds: Path, dist: Path) -> None:
    """A changelog headed in setext form (underlined): the entry went to its end, below
    the 1.0.0 entry, as no line started with "## " (QA). It goes above the newest entry;
    a release killed after writing it is recognized (the entry removed byte for byte)."""
    from corpuskit.info import info

    changelog = seeds / "CHANGELOG.md"
    original = changelog.read_text("utf-8")
    setext = original.replace("# Changelog of corpuskit-seeds\n",
                              "Changelog of corpuskit-seeds\n============================\n", 1
                              ).replace("## 1.0.0 (2026-11-28)\n",
                                        "1.0.0 (2026-11-28)\n------------------\n", 1)
    assert setext != original
    changelog.write_text(setext, "utf-8")
    write_doc(seeds, "extra.txt", "Extra", "An extra document about rivers and bridges.")
    result = release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert result.version == "1.1.0"
    text = changelog.read_text("utf-8")
    assert text == setext.replace("1.0.0 (2026-11-28)\n", f"{result.changelog_entry}\n"
                                  "1.0.0 (2026-11-28)\n", 1)
    assert remove_changelog_entry(text, "corpuskit-seeds", result.changelog_entry) == setext
    assert info(dist / "corpuskit-seeds-1.1.0").versions == ["1.1.0", "1.0.0"]


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_release_out_that_is_a_file_is_a_usage_error(seeds: Path, tmp_path: Path,
                                                       dry_run: bool) -> None:
    """--out a file was a usage error for release, but --dry-run went on, saying what it
    would release there (QA round 2)."""
    from corpuskit.errors import UsageError

    (tmp_path / "taken").write_text("a file\n", "utf-8")
    for out in (tmp_path / "taken", tmp_path / "taken" / "dist"):
        with pytest.raises(UsageError, match="is a file, not a folder; give --out a folder"):
            release(seeds, out, source_date_epoch=epoch(1), jobs=1, dry_run=dry_run)
    assert (tmp_path / "taken").read_text("utf-8") == "a file\n"


def test_release_names_seeds_files_as_build_does(
        seeds: Path, dist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """release printed ``corpus.toml:keywrods: ...`` where build, check and validate print
    ``seeds/corpus.toml`` (QA): joined to the seeds folder as given; documents' problems,
    named under the seeds already, are not joined twice; the JSON keeps them relative."""
    config = seeds / "corpus.toml"
    original = config.read_text("utf-8")
    config.write_text(original.replace("\nkeywords", "\nkeywrods", 1), "utf-8")
    args = ["release", "--seeds", str(seeds), "--out", str(dist), "--no-cache"]
    capsys.readouterr()
    assert main(args) == 1
    assert f"error: {seeds}/corpus.toml:keywrods: " in capsys.readouterr().err
    assert main([*args, "--json"]) == 1
    assert [p["path"] for p in json.loads(capsys.readouterr().out)["problems"]] == [
        "corpus.toml"]
    config.write_text(original, "utf-8")
    (seeds / "empty.txt").write_text("")
    (seeds / "seeds").mkdir()
    (seeds / "seeds" / "blank.txt").write_text("  \n")  # a sub-folder named seeds too
    assert main(args) == 1
    err = capsys.readouterr().err
    assert f"error: {seeds}/empty.txt: " in err and f"{seeds}/{seeds}" not in err, err
    assert f"error: {seeds}/seeds/blank.txt: " in err, err  # not taken for joined already
    assert main([*args, "--json"]) == 1
    assert sorted(p["path"] for p in json.loads(capsys.readouterr().out)["problems"]) == [
        "empty.txt", "seeds/blank.txt"]


def test_release_tells_a_seeds_folder_named_as_out_from_out(
        seeds: Path, dist: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A document in seeds/dist/ was named dist/b.txt, a path into the releases (QA): a
    seeds problem is joined to the seeds, whatever its path starts with; a problem of the
    earlier release keeps the name diff gives it, under --out as given."""
    from corpuskit.problems import Problem

    monkeypatch.chdir(seeds.parent)
    (seeds / "dist").mkdir()
    (seeds / "dist" / "b.txt").write_text(" \n")
    args = ["release", "--seeds", "seeds", "--out", "dist", "--no-cache", "--dry-run"]
    capsys.readouterr()
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "error: seeds/dist/b.txt: " in err and "error: dist/b.txt" not in err, err
    (seeds / "dist" / "b.txt").unlink()
    (seeds / "dist").rmdir()

    module = sys.modules["corpuskit.release"]
    released = Problem("dist/corpuskit-seeds-1.0.0/README.md", "checksum-mismatch", "changed")

    def failing(*_: object, **__: object) -> None:
        raise InputError([released], "dist/corpuskit-seeds-1.0.0 cannot be compared")

    monkeypatch.setattr(module, "diff", failing)
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "error: dist/corpuskit-seeds-1.0.0/README.md: changed" in err, err


def test_release_names_the_problems_of_seeds_named_not_in_utf8_relative(
        seeds: Path, dist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Seeds in a folder whose name is not UTF-8: diff names its problems with the name
    in escapes, and release took them for an earlier release's (QA): --json gave
    s\\xffd/empty.txt where it gives empty.txt for any other name."""
    other = seeds.parent / os.fsdecode(b"s\xffd")
    shutil.copytree(seeds, other)
    (other / "empty.txt").write_text("")
    capsys.readouterr()
    assert main(["release", "--seeds", str(other), "--out", str(dist), "--no-cache",
                 "--dry-run", "--json"]) == 1
    assert [p["path"] for p in json.loads(capsys.readouterr().out)["problems"]] == [
        "empty.txt"]


@pytest.mark.parametrize("heading", ["## v1.0.0", "## 1.0", "## Version 1.0.0",
                                     "1.0.0\n-----", "## [1.0.0] - 2026-11-28"])
def test_a_first_release_keeps_its_hand_written_entry_however_headed(
        seeds: Path, tmp_path: Path, heading: str) -> None:
    """The first release keeps the entry its maintainer wrote for its version: one headed
    ``## v1.0.0`` (or ``## 1.0``, setext, ...) got a second entry for 1.0.0 above it, as
    only ``## 1.0.0`` was taken for one."""
    changelog = seeds / "CHANGELOG.md"
    text = f"# Changelog\n\n{heading}\n\nMy own notes.\n"
    changelog.write_text(text, "utf-8")
    result = release(seeds, tmp_path / "dist", source_date_epoch=None, jobs=1)
    assert (result.version, result.changelog_entry) == ("1.0.0", "")
    assert changelog.read_text("utf-8") == text
    assert result.build is not None
    assert (result.build.release / "CHANGELOG.md").read_text("utf-8") == text


def test_an_earlier_version_built_of_the_latest_release_is_told_so_by_both(
        seeds: Path, dist: Path) -> None:
    """QA: 1.1.0-rc.1, built from the seeds of 1.1.0 after it, was said by release to be
    "a version released with other content", and a second build told the user to bring
    back the seeds of 1.1.0, which they hold. Both say what is so, and the advice works."""
    write_doc(seeds, "two.txt", "Two", "The second document, about mountains.")
    assert release(seeds, dist, source_date_epoch=epoch(1), jobs=1).version == "1.1.0"
    toml = seeds / "corpus.toml"
    released = toml.read_text("utf-8")
    toml.write_text(released.replace('version = "1.1.0"', 'version = "1.1.0-rc.1"'), "utf-8")
    assert build(seeds, dist, jobs=1).status == "built"
    rc = dist / "corpuskit-seeds-1.1.0-rc.1"
    with pytest.raises(ReleaseError) as caught:
        release(seeds, dist, source_date_epoch=epoch(2), dry_run=True, jobs=1)
    assert f"but version 1.1.0-rc.1 in {toml} (released too, with this content: {rc}): " \
        f"set version = \"1.1.0\" in {toml} to build 1.1.0 again" in str(caught.value)
    again = build(seeds, dist, jobs=1)
    assert again.status == "unchanged"
    [note] = again.notes
    assert "bring back" not in note, note
    assert note.endswith(f"to carry on from 1.1.0, set version = \"1.1.0\" in {toml} to "
                         f"build 1.1.0 again, or change them and run 'corpuskit release "
                         f"--seeds {seeds} --out {dist}'"), note
    toml.write_text(released, "utf-8")  # the advice: 1.1.0, as it is
    assert build(seeds, dist, jobs=1).status == "unchanged"


def test_release_and_diff_name_the_seeds_files_they_leave_out(
        seeds: Path, dist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A hidden file is left out of the release, as build leaves it out, and named on
    stderr as build names it: release, its dry run and diff said nothing of it (QA)."""
    (seeds / ".notes.txt").write_text("Not a document.\n", "utf-8")
    write_doc(seeds, "two.txt", "Two", "The second document, about mountains.")
    said = f"skipped: {seeds / '.notes.txt'} (hidden)"
    for argv in (["diff", str(dist / "corpuskit-seeds-1.0.0"), str(seeds)],
                 ["diff", str(seeds), str(dist / "corpuskit-seeds-1.0.0"), "--format", "json"],
                 ["release", "--seeds", str(seeds), "--out", str(dist), "--dry-run"],
                 ["release", "--seeds", str(seeds), "--out", str(dist), "--jobs", "1"]):
        assert main(argv) == 0, argv
        assert capsys.readouterr().err.splitlines().count(said) == 1, argv
    assert not (dist / "corpuskit-seeds-1.1.0" / "data" / "raw" / ".notes.txt").exists()


def test_a_release_whose_dist_was_not_kept_is_made_again_with_its_own_time(
        seeds: Path, dist: Path, tmp_path: Path) -> None:
    """A maintainer released 1.1.0 and committed the seeds but not dist/: a clone holds
    seeds that record 1.1.0 (its time, its changelog entry) and a dist/ with 1.0.0 only.
    release re-stamped it, "the entry of an interrupted release", and made a second 1.1.0
    whose zip differed from the one the maintainer had (QA). It is finished with the time
    the seeds record: the same bytes, corpus.toml and CHANGELOG.md untouched."""
    clone_dist = tmp_path / "clone-dist"
    shutil.copytree(dist, clone_dist)
    write_doc(seeds, "added.txt", "Added", "A document added for 1.1.0.")
    made = release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert made.version == "1.1.0"
    first = snapshot(dist / "corpuskit-seeds-1.1.0")
    first_zip = (dist / "corpuskit-seeds-1.1.0.zip").read_bytes()
    recorded = {name: (seeds / name).read_bytes() for name in ("corpus.toml", "CHANGELOG.md")}

    again = release(seeds, clone_dist, source_date_epoch=epoch(2), jobs=1)
    assert again.version == "1.1.0" and again.created == made.created
    assert any("held the release time and entry of corpuskit-seeds 1.1.0, which is not in "
               f"{clone_dist}" in note and "(not SOURCE_DATE_EPOCH's)" in note
               for note in again.notes), again.notes
    assert snapshot(clone_dist / "corpuskit-seeds-1.1.0") == first
    assert (clone_dist / "corpuskit-seeds-1.1.0.zip").read_bytes() == first_zip
    assert {name: (seeds / name).read_bytes() for name in recorded} == recorded


def test_a_release_killed_before_its_changelog_entry_keeps_its_recorded_time(
        seeds: Path, dist: Path, tmp_path: Path) -> None:
    """A release writes corpus.toml (version and created) first, then CHANGELOG.md, then
    builds. Killed between the first two, it left the version and time without an entry;
    run again later it took a new time (QA), where one killed after both keeps the time it
    recorded. It keeps it too: the same bytes as the release made undisturbed."""
    undisturbed_seeds, undisturbed_dist = tmp_path / "u-seeds", tmp_path / "u-dist"
    shutil.copytree(seeds, undisturbed_seeds)
    shutil.copytree(dist, undisturbed_dist)
    for folder in (seeds, undisturbed_seeds):
        write_doc(folder, "added.txt", "Added", "A document added for 1.1.0.")
    made = release(undisturbed_seeds, undisturbed_dist, source_date_epoch=epoch(1), jobs=1)
    toml = seeds / "corpus.toml"  # as the killed release left it: corpus.toml written
    assert made.build is not None
    toml.write_text(update_corpus_toml(toml.read_text("utf-8"), "1.1.0", made.created,
                                       made.build.content_hash), "utf-8")
    again = release(seeds, dist, source_date_epoch=epoch(2), jobs=1)
    assert (again.version, again.created) == ("1.1.0", made.created)
    assert any("held the version and release time of corpuskit-seeds 1.1.0" in note
               and "(not SOURCE_DATE_EPOCH's)" in note for note in again.notes), again.notes
    assert snapshot(dist / "corpuskit-seeds-1.1.0") == \
        snapshot(undisturbed_dist / "corpuskit-seeds-1.1.0")
    for name in ("corpus.toml", "CHANGELOG.md"):
        assert (seeds / name).read_bytes() == (undisturbed_seeds / name).read_bytes()


def test_versions_built_alone_get_their_entries_in_the_next_release(
        seeds: Path, dist: Path) -> None:
    """A version made with 'corpuskit build' alone (bumped by hand, or a pre-release)
    between two releases had no changelog entry, and the next release's began "Changes
    since 1.1.0": the documents 1.1.0 added were named nowhere (QA). The next release
    writes each such version's entry too, as a release of it would have, below its own."""
    toml = seeds / "corpus.toml"
    write_doc(seeds, "five.txt", "Doc five", "A document added in a version built alone.")
    toml.write_text(update_corpus_toml(toml.read_text("utf-8"), "1.1.0", "2026-12-01T00:00:00Z"),
                    "utf-8")
    assert build(seeds, dist, source_date_epoch=None, jobs=1, cache=None).status == "built"
    write_doc(seeds, "six.txt", "Doc six", "A document added for the next release.")
    dry = release(seeds, dist, source_date_epoch=epoch(400), jobs=1, dry_run=True)
    made = release(seeds, dist, source_date_epoch=epoch(400), jobs=1)
    assert made.version == dry.version == "1.2.0"
    noted = ("CHANGELOG.md had no entry for 1.1.0, made with 'corpuskit build' alone: it "
             "gets one for each, with the changes since the release before it, below this "
             "release's")
    assert noted in dry.notes and noted in made.notes
    changelog = (seeds / "CHANGELOG.md").read_text("utf-8")
    headings = [line for line in changelog.splitlines() if line.startswith("## ")]
    assert headings[:3] == [f"## 1.2.0 ({made.created[:10]})", "## 1.1.0 (2026-12-01)",
                            "## 1.0.0 (2026-11-28)"], headings
    between = changelog.split("## 1.1.0", 1)[1].split("## 1.0.0", 1)[0]
    assert "Changes since 1.0.0: 1 document added. Minor release." in between
    assert "- `five` (Doc five)" in between and "six" not in between
    assert (dist / "corpuskit-seeds-1.2.0" / "CHANGELOG.md").read_text("utf-8") == changelog
    assert check(seeds, dist).valid  # the release is what a fresh build makes


def test_versions_built_alone_without_a_seeds_changelog_get_their_entries(
        seeds: Path, tmp_path: Path) -> None:
    """Two versions made with 'corpuskit build' alone from seeds without CHANGELOG.md, then
    a release: its changelog, carried on from the latest's, the one line "- 2 documents."
    of 1.1.0, lost 1.0.0 and the documents 1.1.0 added, and said nothing of it (QA:
    qa-newuser 2). Each gets the entry a release of it would have written, and a note."""
    _without_changelog_or_created(seeds)
    dist, toml = tmp_path / "dist", seeds / "corpus.toml"
    assert build(seeds, dist, source_date_epoch="", jobs=1, cache=None).status == "built"
    toml.write_text(toml.read_text("utf-8").replace('version = "1.0.0"', 'version = "1.1.0"'),
                    "utf-8")
    write_doc(seeds, "five.txt", "Doc five", "A document added in a version built alone.")
    assert build(seeds, dist, source_date_epoch="", jobs=1, cache=None).status == "built"
    write_doc(seeds, "six.txt", "Doc six", "A document added by the first release.")
    dry = release(seeds, dist, source_date_epoch=epoch(1), jobs=1, dry_run=True)
    made = release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert made.version == dry.version == "1.2.0"
    noted = (f"{seeds} had no CHANGELOG.md, and no release in {dist} held an entry for "
             "1.0.0, 1.1.0, made with 'corpuskit build' alone: the CHANGELOG.md this release "
             "writes gets one for each, with the changes since the release before it (for "
             "1.0.0, the first, its documents), below this release's")
    assert noted in dry.notes and noted in made.notes, made.notes
    assert (seeds / "CHANGELOG.md").read_text("utf-8") == (
        "# Changelog of corpuskit-seeds\n\n"
        "## 1.2.0 (2027-01-16)\n\nChanges since 1.1.0: 1 document added. Minor release.\n\n"
        "### Added\n\n- `six` (Doc six)\n\n"
        "## 1.1.0 (unreleased)\n\nChanges since 1.0.0: 1 document added. Minor release.\n\n"
        "### Added\n\n- `five` (Doc five)\n\n"
        "## 1.0.0 (unreleased)\n\nInitial release: 1 document.\n\n### Added\n\n"
        f"- `{SEED_ID}` (For development of Non-Aligned Movement)\n")
    assert (dist / "corpuskit-seeds-1.2.0" / "CHANGELOG.md").read_bytes() == \
        (seeds / "CHANGELOG.md").read_bytes()
    assert check(seeds, dist).valid  # the release is what a fresh build makes


def test_a_release_note_shows_a_folder_name_holding_controls_escaped(
        seeds: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A release's notes name --out as given: one whose name holds a BEL and an escape
    sequence (which retitles a terminal) rang and retitled it from a note, where the
    build's own lines showed it as $'...'. Every note is shown so, and no line of the
    command's standard error holds a raw control character."""
    _without_changelog_or_created(seeds)
    dist = tmp_path / "o\a\x1b]0;owned\ax"
    assert main(["build", str(seeds), "--out", str(dist), "-j", "1", "--no-cache"]) == 0
    write_doc(seeds, "six.txt", "Doc six", "A document added by the first release.")
    capsys.readouterr()
    assert main(["release", "--seeds", str(seeds), "--out", str(dist), "-j", "1",
                 "--no-cache"]) == 0
    err = capsys.readouterr().err
    assert f"no release in $'{tmp_path}/o\\x07\\x1b]0;owned\\x07x' held an entry" in err, err
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", err), err


def test_a_version_built_alone_after_a_release_keeps_the_history_without_a_seeds_changelog(
        seeds: Path, dist: Path) -> None:
    """Seeds without CHANGELOG.md carry the history on from the latest release's: where
    that was built alone, its one line lost the release before it (QA: qa-newuser 2). The
    history is that of the newest release that records one, 1.0.0's, and the version
    built alone gets its entry."""
    (seeds / "CHANGELOG.md").unlink()
    toml = seeds / "corpus.toml"
    toml.write_text(toml.read_text("utf-8").replace('version = "1.0.0"', 'version = "1.1.0"'),
                    "utf-8")
    write_doc(seeds, "five.txt", "Doc five", "A document added in a version built alone.")
    assert build(seeds, dist, source_date_epoch="", jobs=1, cache=None).status == "built"
    write_doc(seeds, "six.txt", "Doc six", "A document added for the next release.")
    made = release(seeds, dist, source_date_epoch=epoch(400), jobs=1)
    assert made.version == "1.2.0"
    assert any(note.startswith(f"{seeds} had no CHANGELOG.md, and no release in {dist} held "
                               "an entry for 1.1.0, made with")
               and "(for 1.1.0, the first" not in note for note in made.notes), made.notes
    assert not any("released with one" in note for note in made.notes), made.notes
    changelog = (seeds / "CHANGELOG.md").read_text("utf-8")
    headings = [line for line in changelog.splitlines() if line.startswith("## ")]
    assert headings == [f"## 1.2.0 ({made.created[:10]})", "## 1.1.0 (2026-11-28)",
                        "## 1.0.0 (2026-11-28)"], headings
    between = changelog.split("## 1.1.0", 1)[1].split("## 1.0.0", 1)[0]
    assert "Changes since 1.0.0: 1 document added. Minor release." in between
    assert "- `five` (Doc five)" in between and "documents.\n" not in between
    assert changelog.endswith(
        (dist / "corpuskit-seeds-1.0.0" / "CHANGELOG.md").read_text("utf-8").split("\n", 2)[2])


def test_a_version_built_alone_of_the_same_content_and_one_damaged(
        seeds: Path, dist: Path) -> None:
    """A version built alone with the documents and metadata of the one before got an
    entry saying its settings or outputs had changed, "None release." (QA); one damaged
    had its problems named as files of the seeds folder (QA)."""
    toml = seeds / "corpus.toml"
    toml.write_text(update_corpus_toml(toml.read_text("utf-8"), "1.0.1", "2026-12-01T00:00:00Z"),
                    "utf-8")
    assert build(seeds, dist, source_date_epoch=None, jobs=1, cache=None).status == "built"
    write_doc(seeds, "six.txt", "Doc six", "A document added for the next release.")
    made = release(seeds, dist, source_date_epoch=epoch(400), jobs=1)
    changelog = (seeds / "CHANGELOG.md").read_text("utf-8")
    assert "## 1.0.1 (2026-12-01)\n\nNo document or package metadata changed since " \
        "1.0.0.\n" in changelog, changelog
    assert "None release" not in changelog and made.version == "1.1.0"

    # A version built alone, damaged, before the latest: named by its path in dist.
    write_doc(seeds, "seven.txt", "Doc seven", "Another document.")
    toml.write_text(update_corpus_toml(toml.read_text("utf-8"), "1.2.0", "2026-12-02T00:00:00Z"),
                    "utf-8")
    assert build(seeds, dist, source_date_epoch=None, jobs=1, cache=None).status == "built"
    write_doc(seeds, "eight.txt", "Doc eight", "One more document.")
    toml.write_text(update_corpus_toml(toml.read_text("utf-8"), "1.3.0", "2026-12-03T00:00:00Z"),
                    "utf-8")
    assert build(seeds, dist, source_date_epoch=None, jobs=1, cache=None).status == "built"
    records = dist / "corpuskit-seeds-1.2.0" / "data" / "documents.jsonl"
    records.write_bytes(records.read_bytes().replace(b"Doc seven", b"HACKED!!!"))
    write_doc(seeds, "nine.txt", "Doc nine", "And another.")
    with pytest.raises(ReleaseError) as refused:
        release(seeds, dist, source_date_epoch=epoch(401), jobs=1)
    assert str(refused.value).startswith(
        f"{dist / 'corpuskit-seeds-1.2.0'}, version 1.2.0, made with 'corpuskit build' "
        f"alone, cannot be compared with {dist / 'corpuskit-seeds-1.1.0'} for its "
        "changelog entry: 'corpuskit validate"), refused.value


def test_a_release_left_in_the_seeds_is_sent_to_release_not_build(
        seeds: Path, dist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A release killed once it had written corpus.toml and its CHANGELOG.md entry, then a
    document added: check said to run build or release, and build shipped the entry of the
    killed release, naming one of the two documents added (QA). check names release,
    which refuses that entry; with it removed, the release names both."""
    write_doc(seeds, "new.txt", "New doc", "A document added for 1.1.0.")
    planned = release(seeds, dist, source_date_epoch=epoch(1), jobs=1, dry_run=True)
    toml, changelog = seeds / "corpus.toml", seeds / "CHANGELOG.md"
    toml.write_text(update_corpus_toml(toml.read_text("utf-8"), "1.1.0", planned.created),
                    "utf-8")  # what the killed release wrote
    changelog.write_text(insert_changelog_entry(changelog.read_text("utf-8"),
                                                "corpuskit-seeds", planned.changelog_entry),
                         "utf-8")
    write_doc(seeds, "another.txt", "Another doc", "A document added after the kill.")
    capsys.readouterr()
    assert main(["check", "--seeds", str(seeds), "--dist", str(dist), "--jobs", "1"]) == 1
    out = capsys.readouterr().out
    assert f"CHANGELOG.md hold its release time and entry, as a release leaves them before it " \
        f"builds (an interrupted release, or one made in another folder or clone and not kept " \
        f"here): run 'corpuskit release --seeds {seeds} --out {dist}'" in out, out
    assert "run 'corpuskit build" not in out, out
    with pytest.raises(ReleaseError, match=r"already has an entry for 1\.1\.0 .* put that "
                                           r"release into .* first: the next release then "
                                           r"follows it"):
        release(seeds, dist, source_date_epoch=epoch(2), jobs=1)
    changelog.write_text(remove_changelog_entry(changelog.read_text("utf-8"),
                                                "corpuskit-seeds", planned.changelog_entry)
                         or "", "utf-8")
    made = release(seeds, dist, source_date_epoch=epoch(2), jobs=1)
    assert made.version == "1.1.0"
    assert {doc.id for doc in made.diff.added} == {"new", "another"}
    assert "`another`" in made.changelog_entry and "`new`" in made.changelog_entry


def test_a_version_bumped_by_hand_with_the_last_release_time_is_noted(
        seeds: Path, dist: Path) -> None:
    """A maintainer bumped the version in corpus.toml by hand and built: the new release
    carried the release time of the one before (corpus.toml's created, which release sets)
    and nothing said so (QA). Built all the same, with a note saying what to do."""
    toml = seeds / "corpus.toml"
    created = tomllib.loads(toml.read_text("utf-8"))["created"]
    write_doc(seeds, "added.txt", "Added", "A document added by hand.")
    toml.write_text(toml.read_text("utf-8").replace('version = "1.0.0"', 'version = "1.0.1"'),
                    "utf-8")
    result = build(seeds, dist, source_date_epoch=None, jobs=1, cache=None)
    assert result.status == "built"
    assert any(note.startswith(
        f"corpuskit-seeds-1.0.1 has the release time of corpuskit-seeds 1.0.0 ({created}, "
        "corpus.toml's created): if it is released as it is, two releases say they were made "
        "at once; set created to this release's time, or let 'corpuskit release") and
        "which sets it (and checks the version against the changes)" in note
        for note in result.notes), result.notes
    # With a release time of its own: no such note.
    shutil.rmtree(dist / "corpuskit-seeds-1.0.1")
    (dist / "corpuskit-seeds-1.0.1.zip").unlink()
    later = build(seeds, dist, source_date_epoch=epoch(3), jobs=1, cache=None)
    assert later.status == "built"
    assert not any("has the release time of" in note for note in later.notes), later.notes


def test_a_version_bumped_by_hand_after_a_release_is_told_to_drop_its_content_hash_too(
        seeds: Path, dist: Path) -> None:
    """After a release (which records created and content_hash), the version bumped by
    hand, with an entry written by hand: built, with the note. The kept content_hash is
    1.0.1's to a build where 1.0.1 is not, so the note says to remove it with setting
    created (QA: created set alone, as the note said, and build refused the seeds as other
    content than the 1.0.1 they seemed to record). Followed, the seeds build, validate and
    check."""
    from corpuskit.check import check
    from corpuskit.validation import validate

    write_doc(seeds, "b.txt", "Bee", "The second document, about bees and their hives.")
    made = release(seeds, dist, source_date_epoch=epoch(1), jobs=1, cache=None)
    assert made.version == "1.1.0" and made.build is not None
    toml, changelog = seeds / "corpus.toml", seeds / "CHANGELOG.md"
    write_doc(seeds, "b.txt", "Bee", "The second document, about bees and their combs.")
    toml.write_text(toml.read_text("utf-8").replace('version = "1.1.0"', 'version = "1.1.1"'),
                    "utf-8")
    changelog.write_text(changelog.read_text("utf-8").replace(
        "## 1.1.0", "## 1.1.1 (2027-01-17)\n\nFixed a word in `b`.\n\n## 1.1.0", 1), "utf-8")
    result = build(seeds, dist, jobs=1, cache=None)
    [note] = [note for note in result.notes if "has the release time of" in note]
    assert "set created to this release's time and remove content_hash (1.1.0's too), or " \
        "let 'corpuskit release" in note, note
    # Built again where it is: the kept hash is the release before's, no mistyped key.
    in_place = build(seeds, dist, jobs=1, cache=None)
    assert in_place.status == "unchanged"
    assert not any("has content_hash =" in note for note in in_place.notes), in_place.notes
    shutil.rmtree(result.release)
    result.archive.unlink()
    text = toml.read_text("utf-8")
    text = text.replace(f'created = "{made.created}"', 'created = "2027-01-17T08:00:00Z"')
    text = "".join(line for line in text.splitlines(keepends=True)
                   if not line.startswith("content_hash = "))
    toml.write_text(text, "utf-8")
    again = build(seeds, dist, jobs=1, cache=None)
    assert again.status == "built"
    assert not any("has the release time of" in note for note in again.notes), again.notes
    assert validate(seeds, jobs=1).valid
    assert check(seeds, dist, jobs=1).valid


def test_a_build_of_a_release_in_place_names_a_mistyped_content_hash(
        seeds: Path, dist: Path) -> None:
    """A content_hash mistyped after the release, the seeds unchanged: the build finds the
    release in place ("already built") and said nothing, while check, validate of the
    seeds and a clone's build refuse the seeds. It notes the key and the value to set back;
    set back, no note."""
    write_doc(seeds, "b.txt", "Bee", "The second document, about bees and their hives.")
    made = release(seeds, dist, source_date_epoch=epoch(1), jobs=1, cache=None)
    assert made.build is not None
    toml = seeds / "corpus.toml"
    right = toml.read_text("utf-8")
    real = made.build.content_hash
    wrong = real[:7] + ("0" if real[7] != "0" else "1") + real[8:]
    toml.write_text(right.replace(real, wrong), "utf-8")
    result = build(seeds, dist, jobs=1, cache=None)
    assert result.status == "unchanged"
    assert f"{seeds / 'corpus.toml'} has content_hash = {wrong}, which is not the content " \
        f"hash of corpuskit-seeds 1.1.0 ({real}), the release in {dist}: a build of 1.1.0 " \
        "into an output folder that does not hold it (a clone's) compares the seeds with " \
        "that key, and refuses them as changed since the release; set it back: " \
        f'content_hash = "{real}"' in result.notes, result.notes
    toml.write_text(right, "utf-8")
    assert not any("has content_hash =" in note
                   for note in build(seeds, dist, jobs=1, cache=None).notes)


def test_what_an_interrupted_release_wrote_in_the_seeds_is_not_left(
        seeds: Path, dist: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while release wrote CHANGELOG.md left .corpuskit-tmp-CHANGELOG.md-<pid> in
    seeds/ for good (as a kill -9 did): every later build skipped it as hidden, no run
    removed it, and it could be committed (QA). An interrupt removes it; the next release
    removes what a process killed outright left, never a running one's."""
    import subprocess

    from corpuskit import writer

    write_doc(seeds, "extra.txt", "Extra", "An extra document about rivers and bridges.")
    real = os.fsync

    def interrupted(fd: int) -> None:
        if os.readlink(f"/proc/self/fd/{fd}").endswith(f"CHANGELOG.md-{os.getpid()}"):
            raise KeyboardInterrupt
        real(fd)

    monkeypatch.setattr(writer.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    monkeypatch.undo()
    assert sorted(p.name for p in seeds.iterdir() if p.name.startswith(".corpuskit")) == []
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    dead = seeds / f".corpuskit-tmp-CHANGELOG.md-{gone}"
    live = seeds / f".corpuskit-tmp-corpus.toml-{os.getppid()}"  # a process that runs
    dead.write_text("half a changelog")
    live.write_text("a release running")
    result = release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert result.version == "1.1.0"
    assert not dead.exists() and live.exists()


def test_build_names_release_patch_when_only_settings_changed(
        seeds: Path, dist: Path) -> None:
    """With only a setting changed under the released version, build named plain
    'corpuskit release' first, which says there is nothing to release (QA); it names
    'release patch', as check and diff do, and plain release for a document changed."""
    extra = seeds / "extra.txt"
    write_doc(seeds, "extra.txt", "Extra", "An extra document about rivers and bridges.")
    with pytest.raises(ReleaseExistsError) as built:
        build(seeds, dist, source_date_epoch=None, jobs=1, cache=None)
    assert str(built.value).endswith(
        f"bump the version with 'corpuskit release --seeds {seeds} --out {dist}'"), \
        str(built.value)
    extra.unlink()
    config = seeds / "corpus.toml"
    config.write_text(config.read_text("utf-8").replace("parquet = true", "parquet = false"),
                      "utf-8")
    with pytest.raises(ReleaseExistsError) as built:
        build(seeds, dist, source_date_epoch=None, jobs=1, cache=None)
    assert f"release them with 'corpuskit release patch --seeds {seeds} --out {dist}': the " \
           "documents and metadata are the release's" in str(built.value), str(built.value)
    assert release(seeds, dist, "patch", source_date_epoch=epoch(1), jobs=1).version == "1.0.1"


def test_a_second_release_of_the_same_seeds_is_refused_while_one_runs(tmp_path: Path) -> None:
    """Two releases of one seeds folder into two dist folders undid each other's edits of
    corpus.toml and CHANGELOG.md (QA): one runs at a time, whatever its dist."""
    import fcntl

    seeds = copy_seeds_at_first_release(tmp_path / "seeds")
    before = {path.name: path.read_bytes() for path in seeds.iterdir() if path.is_file()}
    held = os.open(seeds, os.O_RDONLY)
    try:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running release holds it
        with pytest.raises(OutputError, match=f"another release of {re.escape(str(seeds))} "
                                              "is running"):
            release(seeds, tmp_path / "other-dist", source_date_epoch=epoch(0), jobs=1)
    finally:
        os.close(held)
    assert {path.name: path.read_bytes() for path in seeds.iterdir() if path.is_file()} \
        == before
    assert not (tmp_path / "other-dist").exists()
    release(seeds, tmp_path / "other-dist", source_date_epoch=epoch(0), jobs=1)  # then it runs


def _checked_out_with_crlf(folder: Path) -> None:
    """``folder`` as Git checks it out with core.autocrlf=true: CR LF in every text file
    that has no CR (Git leaves alone one that has)."""
    for path in folder.rglob("*"):
        data = path.read_bytes() if path.is_file() else b"\0"
        if b"\0" not in data and b"\r" not in data:
            path.write_bytes(data.replace(b"\n", b"\r\n"))


def test_seeds_whose_line_ends_git_converted_are_no_change_to_release(
        seeds: Path, dist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A checkout with core.autocrlf=true whose .gitattributes protects dist/ and not
    seeds/: every seeds file gets CR LF. Build said to bump the version, and release
    proposed a major release, "raw input changed" (QA). Both say that Git converted the
    seeds' line ends, and how to stop it; release refuses unless --allow-line-ends."""
    from corpuskit.lineends import CONVERTED

    (seeds.parent / ".git").mkdir()  # a Git work tree (outside one, no Git is blamed)
    _checked_out_with_crlf(seeds)
    before = snapshot(seeds)
    with pytest.raises(ReleaseExistsError) as refused:
        build(seeds, dist, source_date_epoch=None, jobs=1, cache=None)
    said = str(refused.value)
    assert CONVERTED in said and f"{seeds / (SEED_ID + '.txt')} differs from the raw file" \
        in said and "bump the version" not in said, said
    with pytest.raises(ReleaseError) as refused_release:
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1, dry_run=True)
    said = str(refused_release.value)
    assert said.startswith("nothing to release since corpuskit-seeds 1.0.0"), said
    assert CONVERTED in said and "raw input changed" not in said
    assert "'corpuskit release --allow-line-ends --seeds" in said, said
    assert main(["release", "--dry-run", "--seeds", str(seeds), "--out", str(dist)]) == 1
    assert "--allow-line-ends" in capsys.readouterr().err
    assert snapshot(seeds) == before
    forced = release(seeds, dist, source_date_epoch=epoch(1), jobs=1, dry_run=True,
                     allow_line_ends=True)
    assert forced.version == "2.0.0" and len(forced.diff.changed) == 1


def test_seeds_converted_outside_git_are_not_told_the_git_advice(seeds: Path,
                                                                dist: Path) -> None:
    """Seeds whose every LF an editor or unix2dos made CR LF, where no Git work tree holds
    them: build and release said Git's line-end handling did it, to add .gitattributes lines
    and to run 'git checkout -- seeds dist', which in a repository around them would
    discard its work. Both name the other converters and say to put the line ends back as
    they were built, or to release them with --allow-line-ends."""
    from corpuskit.gitworktree import work_tree
    from corpuskit.lineends import CONVERTED_NOT_BY_GIT, FILES_AS_BUILT

    assert work_tree(seeds) is None and work_tree(dist) is None  # (pytest's tmp_path)
    _checked_out_with_crlf(seeds)
    told = (f"only in line ends: {CONVERTED_NOT_BY_GIT} (no Git work tree holds {seeds} or "
            f"{dist}); {FILES_AS_BUILT}; if the line ends were changed on purpose, "
            "'corpuskit release --allow-line-ends --seeds")
    git_words = ("git checkout", ".gitattributes", "renormalize", "Git's line-end handling")
    with pytest.raises(ReleaseExistsError) as refused:
        build(seeds, dist, source_date_epoch=None, jobs=1, cache=None)
    said = str(refused.value)
    assert f"{seeds / (SEED_ID + '.txt')} differs from the raw file" in said, said
    assert told in said and not any(word in said for word in git_words), said
    with pytest.raises(ReleaseError) as refused_release:
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1, dry_run=True)
    said = str(refused_release.value)
    assert said.startswith("nothing to release since corpuskit-seeds 1.0.0"), said
    assert told in said and not any(word in said for word in git_words), said


def test_a_release_of_line_ends_alone_is_told_once_how_to_make_it(seeds: Path,
                                                                 dist: Path) -> None:
    """The refusal gave the --allow-line-ends advice twice, once without the bump given
    (QA: docs 4): it is given once, with that bump."""
    _checked_out_with_crlf(seeds)
    for bump, forced in ((None, "'corpuskit release --allow-line-ends --seeds"),
                         ("major", "'corpuskit release major --allow-line-ends --seeds")):
        with pytest.raises(ReleaseError) as refused:
            release(seeds, dist, bump, source_date_epoch=epoch(1), jobs=1, dry_run=True)
        said = str(refused.value)
        assert said.count("--allow-line-ends") == 1 and forced in said, said
        assert "if the line ends were changed on purpose" in said, said


def test_line_ends_converted_beside_a_real_change_are_released(seeds: Path,
                                                                dist: Path) -> None:
    """Seeds converted by Git and a document added: a change to release, not refused."""
    _checked_out_with_crlf(seeds)
    write_doc(seeds, "added.txt", "Added", "A new document of its own.")
    result = release(seeds, dist, source_date_epoch=epoch(1), jobs=1, dry_run=True)
    assert result.diff.added and result.version == "2.0.0"


def test_a_latest_release_git_converted_is_told_so(seeds: Path, dist: Path) -> None:
    """A checkout with core.autocrlf=true: the latest release's text files have CR LF.
    release said to restore it from a published copy, and validate did not say why (QA):
    both name Git's line-end handling and the .gitattributes lines that stop it."""
    from corpuskit.lineends import CONVERTED

    (dist.parent / ".git").mkdir()  # a Git work tree (outside one, no Git is blamed: QA s101)
    _checked_out_with_crlf(dist)
    with pytest.raises(ReleaseError) as refused:
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1, dry_run=True)
    said = str(refused.value)
    assert CONVERTED in said and "/** -text'" in said, said
    assert "restore it from a published copy" not in said, said
    with pytest.raises(ReleaseExistsError) as refused_build:
        build(seeds, dist, source_date_epoch=None, jobs=1, cache=None)
    assert CONVERTED in str(refused_build.value), refused_build.value
    assert "restore it from a published copy" not in str(refused_build.value)


def test_a_pre_release_made_final_and_killed_is_finished_by_the_same_release_again(
        seeds: Path, dist: Path) -> None:
    """A release making 1.1.0-rc.1 final, killed before its folder was in place, leaves
    the seeds at 1.1.0 with its entry and time: the same release again was refused ("an
    entry for 1.1.0 ... never released; remove that entry"), while check said to run it
    (QA). It finishes that release: the same bytes as one undisturbed."""
    write_doc(seeds, "b.txt", "Bee", "The second document, about bees and their hives.")
    _pre_release_after_the_first(seeds, dist, "1.1.0-rc.1")
    before = snapshot(seeds)
    finished = release(seeds, dist, source_date_epoch=epoch(2), jobs=1)
    assert finished.version == "1.1.0" and finished.build is not None
    published = finished.build.archive.read_bytes()
    shutil.rmtree(finished.build.release)  # as if killed before its folder was in place
    finished.build.archive.unlink()
    again = release(seeds, dist, source_date_epoch=epoch(3), jobs=1)
    assert (again.version, again.created) == ("1.1.0", finished.created)
    assert any("held the release time and entry of" in note for note in again.notes)
    assert again.build is not None and again.build.archive.read_bytes() == published
    assert snapshot(seeds) != before  # the release's edits, kept


def _put_back(seeds: Path, files: dict[str, bytes]) -> None:
    """The seeds folder as ``files`` (a :func:`snapshot`) had it, as `git checkout <commit>
    -- seeds` puts it back."""
    for path in [p for p in seeds.rglob("*") if p.is_file()]:
        path.unlink()
    for rel, data in files.items():
        (seeds / rel).parent.mkdir(parents=True, exist_ok=True)
        (seeds / rel).write_bytes(data)


def test_seeds_put_back_from_an_earlier_commit_take_the_released_entries(
        seeds: Path, dist: Path) -> None:
    """Seeds put back as they were at 1.0.0 after 1.1.0 and 1.1.1 were released: the next
    release said both were 'made with corpuskit build alone' and wrote their entries again,
    in other words than the published ones (QA). They are taken as the latest release's
    CHANGELOG.md has them."""
    at_first = snapshot(seeds)
    write_doc(seeds, "b.txt", "Bee", "The second document, about bees and their hives.")
    release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    toml = seeds / "corpus.toml"
    toml.write_text(toml.read_text("utf-8").replace('title = "', 'title = "Revised: '), "utf-8")
    latest = release(seeds, dist, "patch", source_date_epoch=epoch(2), jobs=1)
    assert latest.version == "1.1.1" and latest.build is not None
    published = (latest.build.release / "CHANGELOG.md").read_text("utf-8")
    _put_back(seeds, at_first)
    made = release(seeds, dist, source_date_epoch=epoch(3), jobs=1)
    assert made.version == "2.0.0"  # b.txt removed since 1.1.1
    assert not any("alone" in note for note in made.notes), made.notes
    assert any(note.startswith("CHANGELOG.md had no entry for 1.1.0, 1.1.1, released with one")
               for note in made.notes), made.notes
    changelog = (seeds / "CHANGELOG.md").read_text("utf-8")
    assert changelog.endswith(published.split("\n", 2)[2]), changelog  # below its title
    assert changelog.count("## 1.1.0 ") == 1 and changelog.count("## 1.1.1 ") == 1


def test_seeds_put_back_with_nothing_to_release_are_not_said_to_be_built_alone(
        seeds: Path, dist: Path) -> None:
    """The seeds put back as at 1.0.0, but for their documents, which are 1.1.0's: nothing
    to release, said without calling 1.1.0 a version made with 'corpuskit build' alone, to
    be removed if never published (QA)."""
    at_first = snapshot(seeds)
    write_doc(seeds, "b.txt", "Bee", "The second document, about bees and their hives.")
    release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    documents = {rel: data for rel, data in snapshot(seeds).items() if rel.endswith(".txt")}
    _put_back(seeds, {**at_first, **documents})
    toml = seeds / "corpus.toml"
    toml.write_text(toml.read_text("utf-8").replace('version = "1.0.0"', 'version = "1.1.0"'),
                    "utf-8")
    with pytest.raises(ReleaseError) as refused:
        release(seeds, dist, source_date_epoch=epoch(2), jobs=1)
    assert str(refused.value).startswith("nothing to release"), str(refused.value)
    assert "alone" not in str(refused.value), str(refused.value)


@pytest.mark.parametrize("gone", ["missing", "empty"])
def test_release_says_a_seeds_changelog_gone_since_the_release_is_to_be_restored(
        seeds: Path, dist: Path, gone: str) -> None:
    """seeds/CHANGELOG.md deleted after the release: plain release said the seeds had "the
    same ... CHANGELOG.md" where check says it is missing, to be restored first, and 'release
    patch' said it changed (QA s77 finding 5). Release says it in check's words."""
    changelog = seeds / "CHANGELOG.md"
    kept = changelog.read_bytes()
    if gone == "missing":
        changelog.unlink()
    else:
        changelog.write_text("\n  \n", "utf-8")
    with pytest.raises(ReleaseError) as caught:
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1, dry_run=True)
    message = str(caught.value)
    assert message.startswith("nothing to release: "), message
    assert f"but {changelog} is {gone}: it was " in message
    assert f"restore it (git checkout -- {changelog})" in message
    assert "'corpuskit release patch" in message and "would only publish a next version" \
        in message
    assert "and the same processing settings, outputs and CHANGELOG.md" not in message
    changelog.write_bytes(kept)  # restored, the message is what it was
    with pytest.raises(ReleaseError, match="same processing settings, outputs and CHANGELOG"):
        release(seeds, dist, source_date_epoch=epoch(1), jobs=1, dry_run=True)


def test_a_build_into_an_empty_out_refused_for_a_mistyped_content_hash_names_the_key(
        seeds: Path, dist: Path, tmp_path: Path) -> None:
    """The seeds exactly as released, only content_hash in corpus.toml mistyped: a build
    into an empty --out said the seeds changed since the release, which putting them back
    does not mend (QA s77 finding 6). The key's edit is named too, and how to set it back."""
    write_doc(seeds, "b.txt", "Another harbour", "Boats came back to the quay at dawn.")
    made = release(seeds, dist, source_date_epoch=epoch(1), jobs=1)
    assert made.build is not None
    right = made.build.content_hash
    wrong = right[:-1] + ("0" if right[-1] != "0" else "1")
    toml = seeds / "corpus.toml"
    toml.write_text(toml.read_text("utf-8").replace(right, wrong), "utf-8")
    empty = tmp_path / "empty"
    with pytest.raises(ReleaseExistsError) as refused:
        build(seeds, empty, source_date_epoch=None, jobs=1, cache=None)
    said = str(refused.value)
    assert f"other content ({right}): they changed since 1.1.0 was released" in said
    assert "or content_hash in corpus.toml was edited" in said
    assert "If content_hash was edited, set it back to what release wrote" in said
