"""corpuskit diff: document-level changes between package folders, archives and seeds."""

from __future__ import annotations

import json
import os
import re
import shutil
import tomllib
import tracemalloc
import zipfile
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from conftest import copy_seeds_at_first_release
from jsonschema import Draft202012Validator

import corpuskit
from corpuskit import diff, validate
from corpuskit.build import build
from corpuskit.cli import main
from corpuskit.diff import (
    DIFF_VERSION,
    Diff,
    _merge,
    change_kind,
    render_text,
    required_bump,
)
from corpuskit.errors import InputError
from corpuskit.models import Record
from corpuskit.records import sha256_hex

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SCHEMA = REPO / "schemas" / "diff.schema.json"
SEED_ID = "000_5126d78043eeafc4"
EPOCH = "1800000000"


def write_doc(seeds: Path, name: str, title: str, date: str, *paragraphs: str) -> None:
    body = "\n\n".join(paragraphs)
    (seeds / name).write_text(f"{title}\n\n{date}\n\n{body}\n", encoding="utf-8")


def release_of(dist: Path, version: str) -> Path:
    return dist / f"corpuskit-seeds-{version}"


def normalize_also(text: str, key: str, step: str) -> str:
    """corpus.toml ``text`` whose [normalize] ``key`` (skip or lossy) lists ``step`` too: the
    repository's seeds have that table already (they skip separator-breaks, as their
    release was made before it)."""
    table = tomllib.loads(text).get("normalize")
    if table is None:
        return f'{text}\n[normalize]\n{key} = ["{step}"]\n'
    line = f"{key} = {json.dumps([*table.get(key, []), step])}"
    if key in table:
        return re.sub(rf"(?m)^{key} = .*$", line, text, count=1)
    return text.replace("\n[normalize]\n", f"\n[normalize]\n{line}\n", 1)


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A copy of the repository's seeds, at 1.0.0, with two more documents."""
    target = copy_seeds_at_first_release(tmp_path / "seeds")
    write_doc(target, "harbour.txt", "The harbour at dawn", "March 3, 2024",
              "Fishing boats return to the harbour before the sun rises over the hills.",
              "The market opens an hour later and the first buyers arrive by bicycle.")
    write_doc(target, "orchard.txt", "Apples in the old orchard", "October 12, 2022",
              "The old orchard behind the school still gives apples every autumn.",
              "Children from the village pick them and carry baskets to the kitchen.")
    return target


@pytest.fixture
def released(seeds: Path, tmp_path: Path) -> Path:
    """``seeds`` built as release 1.0.0, at the release time they record (another is
    refused: a second, other 1.0.0); returns the dist folder."""
    dist = tmp_path / "dist"
    build(seeds, dist, jobs=1)
    return dist


def validate_json(data: dict[str, object]) -> None:
    schema = json.loads(SCHEMA.read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    errors = [e.message for e in Draft202012Validator(schema).iter_errors(data)]
    assert errors == []


# -- same content ----------------------------------------------------------------------------

def test_folder_and_zip_of_one_release_are_the_same_content_by_hash(released: Path) -> None:
    folder = release_of(released, "1.0.0")
    result = diff(folder, folder.with_name(folder.name + ".zip"))
    assert result.same_content and result.by_hash
    assert result.bump == "none"
    assert result.old.kind == "folder" and result.new.kind == "zip"
    assert result.old.content_hash == result.new.content_hash
    assert result.new.documents == 3 and result.unchanged == 3
    assert not (result.added or result.removed or result.changed or result.metadata)
    assert "same content (content hashes are equal; the packages themselves are not "\
        "checked: corpuskit validate does that): 3 documents" in render_text(result)


def test_a_count_written_as_a_float_is_the_number_it_is(released: Path,
                                                       tmp_path: Path) -> None:
    """A descriptor whose ``documents`` a JSON tool rewrote as 3.0 (the schema's integer)
    was a diff of "0 documents", unchanged 0, where info and load read 3 (QA)."""
    folder = release_of(released, "1.0.0")
    copy = tmp_path / "copy" / folder.name
    shutil.copytree(folder, copy)
    descriptor = json.loads((copy / "datapackage.json").read_text("utf-8"))
    descriptor["corpuskit"]["documents"] = 3.0
    (copy / "datapackage.json").write_text(json.dumps(descriptor, indent=2), "utf-8")
    for old, new in ((folder, copy), (copy, copy)):
        result = diff(old, new)
        assert result.same_content and result.by_hash
        assert (result.new.documents, result.unchanged) == (3, 3)


def test_a_package_whose_records_are_not_the_ones_it_states_is_refused(
        released: Path, tmp_path: Path) -> None:
    """Equal stated hashes were a shortcut whatever the records held, and later a record
    edited by hand was compared as if it were released: a release diffed against such a
    package got a wrong bump and changelog. A records file whose sha256 is not the one
    datapackage.json states (edited, or unreadable) is refused, naming the side."""
    folder = release_of(released, "1.0.0")
    edited = tmp_path / "edited"
    shutil.copytree(folder, edited)
    records = edited / "data" / "documents.jsonl"
    lines = records.read_bytes().splitlines(keepends=True)
    first = json.loads(lines[0])
    first["text"] = first["text"].upper()
    lines[0] = orjson.dumps(first) + b"\n"  # as corpuskit writes it
    for content in (b"".join(lines), b'{"id": broken\n' + b"".join(lines[1:])):
        records.write_bytes(content)
        for old, new in ((folder, edited), (edited, folder)):
            with pytest.raises(InputError) as caught:
                diff(old, new)
            assert [(p.path, p.code) for p in caught.value.problems] == [
                (f"{edited}/data/documents.jsonl", "checksum-mismatch")]
            assert str(edited) in caught.value.summary
    assert main(["diff", str(folder), str(edited)]) == 1


def test_an_archive_side_names_its_members_as_validate_does(
        released: Path, tmp_path: Path) -> None:
    """``x.zip:data/documents.jsonl``, as validate and export write it, not x.zip/data/..."""

    original = released / "corpuskit-seeds-1.0.0.zip"
    edited = tmp_path / "corpuskit-seeds-1.0.0.zip"
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(edited, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, data.upper() if info.filename.endswith(".jsonl") else data)
    with pytest.raises(InputError) as caught:
        diff(release_of(released, "1.0.0"), edited)
    assert [(p.path, p.code) for p in caught.value.problems] == [
        (f"{edited}:data/documents.jsonl", "checksum-mismatch")]


def test_a_folder_that_is_neither_side_says_what_diff_takes(
        seeds: Path, tmp_path: Path) -> None:
    """diff takes a seeds folder too: a folder that is neither was told to pass "a package
    folder or archive" only."""
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "notes.txt").write_text("hello\n")
    for old, new in ((plain, seeds), (seeds, plain)):
        with pytest.raises(InputError) as caught:
            diff(old, new)
        [problem] = caught.value.problems
        assert (problem.path, problem.code) == (str(plain), "not-a-package")
        assert "pass a seeds folder, a package folder or a package archive" in problem.message


def test_a_folder_of_releases_on_either_side_names_the_release_to_pass(
        released: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """'diff dist <release>' said dist was "neither a seeds folder nor a package folder"
    (QA): it names the release to pass, as info does, on either side, in --json too."""
    folder = release_of(released, "1.0.0")
    said = (f"a folder of releases, not one package; pass one of its releases: {folder} "
            "(or its .zip), the only release of corpuskit-seeds")
    for old, new, role in ((released, folder, "old"), (folder, released, "new")):
        with pytest.raises(InputError) as caught:
            diff(old, new)
        assert [(p.path, p.code, p.message) for p in caught.value.problems] == [
            (str(released), "not-a-package", said)]
        capsys.readouterr()
        assert main(["diff", str(old), str(new), "--json"]) == 1
        data = json.loads(capsys.readouterr().out)
        validate_json(data)
        assert [(p["side"], p["message"]) for p in data["problems"]] == [(role, said)]


@pytest.mark.parametrize("member", ["data/documents.jsonl", "datapackage.json"])
def test_a_zip_with_a_damaged_member_names_it_once(
        member: str, released: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A zip whose records or descriptor do not inflate: the problem, named at the member,
    said its name again in its message ("x.zip:data/documents.jsonl: corpuskit-seeds-1.0.0/
    data/documents.jsonl: cannot be read: ...", QA); --text changes nothing of it, and
    export --no-verify says the same."""
    archive = release_of(released, "1.0.0").with_name("corpuskit-seeds-1.0.0.zip")
    damaged = tmp_path / archive.name
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as opened:
        entry = opened.getinfo(f"corpuskit-seeds-1.0.0/{member}")
    start = entry.header_offset + 30 + len(entry.filename.encode()) + len(entry.extra)
    data[start + entry.compress_size // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    capsys.readouterr()
    assert main(["diff", str(release_of(released, "1.0.0")), str(damaged), "--text"]) == 1
    [said, summary] = capsys.readouterr().err.splitlines()
    assert said.startswith(f"error: {damaged}:{member}: ")  # the damage zlib finds
    assert said.endswith(" [archive-error]") and "corpuskit-seeds-1.0.0/" not in said
    assert summary == f"corpuskit: {damaged} cannot be compared: 1 problem found"
    out = tmp_path / "out.csv"
    assert main(["export", str(damaged), "--no-verify", "--format", "csv", "--out",
                 str(out)]) == 1
    assert capsys.readouterr().err.splitlines()[0] == said
    assert not out.exists()


def test_a_descriptor_or_corpus_toml_given_for_a_side_names_its_folder(
        seeds: Path, released: Path) -> None:
    """A package's datapackage.json, or a seeds folder's corpus.toml, given for a side was
    told it was "a file that is no package archive" (QA), where info and export name the
    folder to pass: so does diff."""
    folder = release_of(released, "1.0.0")
    for given, said in (
            (folder / "datapackage.json", "the descriptor of a package, not the package; "
             f"pass its folder, {folder}, or its .zip archive"),
            (seeds / "corpus.toml", "the configuration of a seeds folder, not the seeds; "
             f"pass its folder, {seeds}")):
        for old, new in ((given, folder), (folder, given)):
            with pytest.raises(InputError) as caught:
                diff(old, new)
            assert [(p.path, p.code, p.message) for p in caught.value.problems] == [
                (str(given), "not-a-package", said)]


def test_seeds_against_their_release_is_the_same_content(seeds: Path, released: Path) -> None:
    folder = release_of(released, "1.0.0")
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    result = diff(folder, seeds)
    assert result.same_content and not result.by_hash
    assert result.new.kind == "seeds"
    # The seeds' content hash, computed in memory, is the one the build recorded.
    assert result.new.content_hash == descriptor["corpuskit"]["content_hash"]
    assert result.unchanged == 3 and result.new.documents == 3
    assert diff(seeds, folder.with_name(folder.name + ".zip")).same_content


@pytest.mark.parametrize("change", ["parquet off", "a normalization step skipped",
                                    "and a document added"])
def test_settings_and_outputs_that_differ_are_noted(seeds: Path, released: Path,
                                                    change: str) -> None:
    """With only settings or outputs changed, diff said "same content", "bump: none" and
    nothing else, where release knows they changed and releases them with 'release patch'
    (QA). A note says so; against its own release, seeds have none."""
    folder = release_of(released, "1.0.0")
    assert diff(folder, seeds).notes == ()
    toml = seeds / "corpus.toml"
    text = toml.read_text("utf-8")
    if change == "parquet off":
        assert "parquet = true" in text
        toml.write_text(text.replace("parquet = true", "parquet = false"), "utf-8")
        differs = "outputs (data/documents.parquet in OLD only)"
    else:
        toml.write_text(normalize_also(text, "skip", "remove-zero-width"), "utf-8")
        differs = "processing settings"
    if change == "and a document added":
        write_doc(seeds, "zz-new.txt", "New", "May 1, 2024", "A new document, added.")
    result = diff(folder, seeds)
    # With a document changed too, the note said that the settings changed no document,
    # above the one listed (QA).
    assert result.notes == ((f"the {differs} differ, which changes the package's files but "
                             "no document or metadata: 'corpuskit release patch' releases "
                             "such a change",) if result.same_content else
                            (f"the {differs} differ too: the bump counts the changes to "
                             "documents and metadata listed below, not the settings "
                             "themselves",))
    assert result.same_content == (change != "and a document added")
    assert result.as_dict()["notes"] == list(result.notes)
    assert result.bump == ("minor" if change == "and a document added" else "none")


def test_settings_released_already_are_noted_without_release_patch(seeds: Path,
                                                                   released: Path) -> None:
    """Two releases whose settings differ (the repository's own 1.0.0 and 1.0.1, diff
    --help's example), or seeds released since OLD, were told that 'corpuskit release
    patch' releases such a change, which then refused: nothing to release (QA). The
    note says what differs; the advice is for seeds against their own release only."""
    toml = seeds / "corpus.toml"
    text = toml.read_text("utf-8").replace('version = "1.0.0"', 'version = "1.0.1"')
    toml.write_text(normalize_also(text, "skip", "remove-zero-width"), "utf-8")
    build(seeds, released, source_date_epoch="1800086400", jobs=1)
    note = ("the processing settings differ, which changes the package's files but no "
            "document or metadata")
    for new in (release_of(released, "1.0.1"), seeds):
        result = diff(release_of(released, "1.0.0"), new)
        assert result.same_content and result.notes == (note,)
    assert diff(release_of(released, "1.0.1"), seeds).notes == ()


def test_version_and_created_are_labels_not_content(seeds: Path, released: Path) -> None:
    toml = seeds / "corpus.toml"
    text = toml.read_text("utf-8").replace('version = "1.0.0"', 'version = "7.0.0"')
    toml.write_text(text.replace("2026-11-28T00:00:00Z", "2030-01-01T00:00:00Z"), "utf-8")
    result = diff(release_of(released, "1.0.0"), seeds)
    assert result.same_content and result.bump == "none"
    assert (result.old.version, result.new.version) == ("1.0.0", "7.0.0")
    assert result.new.created == "2030-01-01T00:00:00Z"


# -- changes ---------------------------------------------------------------------------------

def test_added_removed_and_changed_documents(seeds: Path, released: Path) -> None:
    write_doc(seeds, "lighthouse.txt", "The lighthouse keeper", "May 1, 2021",
              "The keeper climbs the stairs of the lighthouse twice every night.")
    (seeds / "orchard.txt").unlink()
    raw = (seeds / f"{SEED_ID}.txt").read_text("utf-8")
    (seeds / f"{SEED_ID}.txt").write_text(raw.replace("noble duty", "noble and solemn duty"),
                                          "utf-8")
    harbour = (seeds / "harbour.txt").read_text("utf-8")
    (seeds / "harbour.txt").write_text(harbour.replace("The harbour at dawn",
                                                       "The harbour at first light"), "utf-8")

    result = diff(release_of(released, "1.0.0"), seeds)
    assert result.bump == "major" and not result.same_content
    assert [(d.id, d.title) for d in result.added] == [("lighthouse", "The lighthouse keeper")]
    assert [(d.id, d.title) for d in result.removed] == [("orchard", "Apples in the old orchard")]
    changes = {c.id: c for c in result.changed}
    assert sorted(changes) == [SEED_ID, "harbour"]
    text = changes[SEED_ID]
    assert text.kind == "text"
    assert text.fields == ("text", "chars", "words", "text_sha256", "source_bytes",
                           "source_sha256")
    meta = changes["harbour"]
    assert meta.kind == "metadata"
    assert (meta.old_title, meta.title) == ("The harbour at dawn", "The harbour at first light")
    assert meta.fields == ("title", "source_bytes", "source_sha256")
    assert result.unchanged == 0 and result.metadata == ()
    assert result.as_dict()["summary"] == {"added": 1, "removed": 1, "changed": 2,
                                           "unchanged": 0, "metadata": 0}
    shown = render_text(result)
    assert "+ lighthouse (The lighthouse keeper)" in shown
    assert "- orchard (Apples in the old orchard)" in shown
    assert "~ harbour (The harbour at dawn -> The harbour at first light): metadata" in shown
    assert "required bump: major" in shown


def test_raw_bytes_change_with_the_same_text_is_a_source_change(
        seeds: Path, released: Path) -> None:
    path = seeds / "harbour.txt"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    result = diff(release_of(released, "1.0.0"), seeds)
    [change] = result.changed
    assert change.kind == "source"
    assert "text" not in change.fields and "source_sha256" in change.fields
    assert result.bump == "major"  # an existing record changed


def test_only_added_documents_require_minor(seeds: Path, released: Path) -> None:
    write_doc(seeds, "zebra.txt", "Zebras crossing the river", "June 9, 2020",
              "A herd of zebras crossed the river at noon while the birds watched.")
    result = diff(release_of(released, "1.0.0"), seeds)
    assert result.bump == "minor"
    assert [d.id for d in result.added] == ["zebra"] and result.unchanged == 3


def test_metadata_only_change_requires_patch(seeds: Path, released: Path) -> None:
    toml = seeds / "corpus.toml"
    toml.write_text(toml.read_text("utf-8").replace(
        'keywords = ["corpuskit", "news", "english"]', 'keywords = ["corpuskit", "news"]'),
        "utf-8")
    result = diff(release_of(released, "1.0.0"), seeds)
    assert result.bump == "patch" and not result.same_content
    [change] = result.metadata
    assert change.field == "keywords"
    assert (change.old, change.new) == (["corpuskit", "news", "english"], ["corpuskit", "news"])
    assert result.old.content_hash != result.new.content_hash
    assert "~ keywords:" in render_text(result)


def test_long_metadata_values_are_shown_where_they_differ(seeds: Path,
                                                         released: Path) -> None:
    """Two long values that differ near their end were both cut at 120 characters from
    their start and printed alike (QA): each is shown from a little before where they
    first differ, so the difference is on the line."""
    toml = seeds / "corpus.toml"
    text = toml.read_text("utf-8")
    assert len(text.split("test corpus packaging.")[0].rpartition("description = ")[2]) > 150
    toml.write_text(text.replace("test corpus packaging.", "test corpus releases."), "utf-8")
    result = diff(release_of(released, "1.0.0"), seeds)
    [line] = [line for line in render_text(result).splitlines() if "~ description:" in line]
    old, new = line.split(": ", 1)[1].split(" -> ")
    assert old.endswith('corpus packaging."') and new.endswith('corpus releases."'), line
    assert old.startswith("...") and new.startswith("...") and len(old) <= 120
    toml.write_text(text.replace("test corpus packaging.", "test it."), "utf-8")
    [line] = [line for line in render_text(diff(release_of(released, "1.0.0"), seeds))
              .splitlines() if "~ description:" in line]
    assert line.endswith('...ed record, used to demonstrate and test it."'), line


def test_text_option_shows_a_unified_diff(seeds: Path, released: Path, tmp_path: Path
                                         ) -> None:
    raw = (seeds / f"{SEED_ID}.txt").read_text("utf-8")
    (seeds / f"{SEED_ID}.txt").write_text(raw.replace("noble duty", "great duty"), "utf-8")
    old = release_of(released, "1.0.0")
    assert diff(old, seeds).changed[0].text_diff is None
    [change] = diff(old, seeds, text=True).changed
    assert change.text_diff is not None
    # The release by its name and version, the seeds by their folder's name (they say
    # 1.0.0 too, not yet bumped, but are no release of it: QA).
    assert change.text_diff.startswith(f"--- corpuskit-seeds-1.0.0/{SEED_ID}\n"
                                       f"+++ {seeds.name}/{SEED_ID}\n")
    # Two sides of one label (two seeds folders of one name) are told apart by a/ and b/.
    twin = tmp_path / "twin" / seeds.name
    shutil.copytree(seeds, twin)
    (twin / f"{SEED_ID}.txt").write_text(raw.replace("noble duty", "grave duty"), "utf-8")
    [between] = diff(seeds, twin, text=True).changed
    assert between.text_diff is not None and between.text_diff.startswith(
        f"--- a/{seeds.name}/{SEED_ID}\n+++ b/{seeds.name}/{SEED_ID}\n")
    minus = [line for line in change.text_diff.splitlines() if line.startswith("-") and
             not line.startswith("---")]
    plus = [line for line in change.text_diff.splitlines() if line.startswith("+") and
            not line.startswith("+++")]
    assert len(minus) == len(plus) == 1
    assert "noble duty" in minus[0] and "great duty" in plus[0]


def test_required_bump_and_kind_rules() -> None:
    assert required_bump(0, 0, 0, 0) == "none"
    assert required_bump(0, 0, 0, 3) == "patch"
    assert required_bump(5, 0, 0, 3) == "minor"
    assert required_bump(5, 1, 0, 0) == "major"
    assert required_bump(0, 0, 1, 0) == "major"
    assert change_kind(("title", "text", "chars")) == "text"
    assert change_kind(("date", "source_sha256")) == "metadata"
    assert change_kind(("normalization",)) == "source"
    assert change_kind(("words",)) == "derived"


# -- the command -------------------------------------------------------------------------

def test_cli_json_equals_library_and_validates(seeds: Path, released: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    (seeds / "orchard.txt").unlink()
    old = release_of(released, "1.0.0")
    assert main(["diff", str(old), str(seeds), "--format", "json", "--text"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == diff(old, seeds, text=True).as_dict()
    assert out["diff_version"] == DIFF_VERSION == 1
    assert out["bump"] == "major" and out["removed"] == [
        {"id": "orchard", "title": "Apples in the old orchard"}]
    validate_json(out)
    assert main(["diff", str(old), str(old) + ".zip", "--json"]) == 0
    same = json.loads(capsys.readouterr().out)
    validate_json(same)
    assert same["same_content"] is True and same["by_hash"] is True


def test_cli_text_output(seeds: Path, released: Path,
                         capsys: pytest.CaptureFixture[str]) -> None:
    raw = (seeds / f"{SEED_ID}.txt").read_text("utf-8")
    (seeds / f"{SEED_ID}.txt").write_text(raw.replace("noble duty", "great duty"), "utf-8")
    assert main(["diff", str(release_of(released, "1.0.0")), str(seeds), "--text"]) == 0
    out = capsys.readouterr().out
    assert f"~ {SEED_ID} (For development of Non-Aligned Movement): text changed" in out
    assert "required bump: major" in out
    assert "-The DPRK was admitted to the Non-Aligned Movement on August 25 1975 with a " \
           "sense of noble duty" in out


@pytest.mark.parametrize("change", ["steps listed", "raw bytes"])
def test_a_source_change_is_worded_as_the_changelog_words_it(
        change: str, seeds: Path, released: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A record whose normalization steps alone changed (a lossy step the later steps
    undo) was "source changed" in diff, and "how its raw input was read changed" in the
    changelog release writes (QA); one whose raw file changed (CRLF line ends) is "raw
    input changed" in both. The JSON's kind stays "source", as its schema says."""
    raw = seeds / f"{SEED_ID}.txt"
    if change == "steps listed":
        assert "\u00a0\n" in raw.read_text("utf-8")
        toml = seeds / "corpus.toml"
        toml.write_text(normalize_also(toml.read_text("utf-8"), "lossy", "nbsp-to-space"),
                        "utf-8")
        what, fields = "how its raw input was read", "normalization"
        # the raw file the same: its normalization steps, the record's, said to change
        said = "how its raw input was read changed (normalization)"
    else:
        raw.write_bytes(raw.read_bytes().replace(b"\n", b"\r\n"))
        what, fields = "raw input", "source_bytes, source_sha256, normalization"
        # not "text and metadata the same" of a record whose normalization changed (QA)
        said = "raw input changed (source_bytes, source_sha256), and how it was read " \
            "(normalization)"
    old = release_of(released, "1.0.0")
    assert main(["diff", str(old), str(seeds)]) == 0
    assert f"~ {SEED_ID} (For development of Non-Aligned Movement): {what} changed " \
        f"[{fields}]" in capsys.readouterr().out
    entry = corpuskit.release(seeds, released, source_date_epoch=str(int(EPOCH) + 86_400),
                              dry_run=True, jobs=1, allow_line_ends=True).changelog_entry
    assert entry.endswith(f"): {said}; text and document metadata the same\n"), entry
    assert main(["diff", str(old), str(seeds), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    validate_json(out)
    assert [(c["kind"], ", ".join(c["fields"])) for c in out["changed"]] == [
        ("source", fields)]


def test_cli_help_has_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("diff", "release"):
        assert main([command, "--help"]) == 0
        assert "Example:" in capsys.readouterr().out


def test_the_diff_help_examples_run_in_a_clone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Two examples named releases a clone does not have (1.1.0, 2.0.0) and failed with
    exit 2 (QA): each runs where seeds/ and dist/ are the repository's."""
    root = SEEDS.parent
    shutil.copytree(SEEDS, tmp_path / "seeds")
    shutil.copytree(root / "dist", tmp_path / "dist")
    monkeypatch.chdir(tmp_path)
    assert main(["diff", "--help"]) == 0
    examples = [line.split()[1:] for line in capsys.readouterr().out.splitlines()
                if line.strip().startswith("corpuskit diff ")]
    assert len(examples) >= 2
    for example in examples:
        assert main(example) == 0, example
    capsys.readouterr()


def test_missing_side_is_a_usage_error(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    """As for validate: a path that does not exist is a usage error (exit 2)."""
    assert main(["diff", str(tmp_path / "nope"), str(SEEDS)]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["diff", str(SEEDS), str(tmp_path / "nope")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_a_side_that_is_no_package_is_an_error(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "plain.txt").write_text("not a package\n")
    assert main(["diff", str(tmp_path / "plain.txt"), str(SEEDS)]) == 1
    err = capsys.readouterr().err
    assert f"error: {tmp_path / 'plain.txt'}: a file that is no package archive" in err
    assert "[not-a-package]" in err and "truncated" not in err


def test_a_failed_diff_prints_its_failure_as_json(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """diff --json printed nothing on stdout when a side could not be read."""
    (tmp_path / "plain.txt").write_text("not a package\n")
    capsys.readouterr()
    assert main(["diff", str(tmp_path / "plain.txt"), str(SEEDS), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    Draft202012Validator(json.loads(SCHEMA.read_text("utf-8"))).validate(data)
    assert (data["old"], data["new"]) == (str(tmp_path / "plain.txt"), str(SEEDS))
    assert [p["code"] for p in data["problems"]] == ["not-a-package"]
    assert (data["problems"][0]["side"], data["problems"][0]["path"]) == ("old", ".")
    assert "cannot be compared" in data["error"]


def test_json_problems_are_named_relative_to_their_side(
        seeds: Path, released: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """diff --format json named a problem under its side's path as given
    (``"badseeds/bin.txt"``, or absolute), where info, validate and build write
    ``"bin.txt"`` (README: JSON paths are relative to the folder or package checked).
    Each is relative to its side now, with the side it is of; the text keeps the side's
    path in front, which is how it tells the two apart."""
    monkeypatch.chdir(tmp_path)
    (seeds / "bin.txt").write_bytes(b"abc\x00def\n")
    package = tmp_path / "damaged"
    shutil.copytree(release_of(released, "1.0.0"), package)
    with (package / "data" / "documents.jsonl").open("ab") as records:
        records.write(b"not json\n")
    assert main(["validate", "seeds", "--format", "json"]) == 1
    expected = [{"side": "new", **problem}
                for problem in json.loads(capsys.readouterr().out)["problems"]]
    assert [p["path"] for p in expected] == ["bin.txt"]
    for new in ("seeds", str(seeds)):  # as given, and absolute
        assert main(["diff", str(release_of(released, "1.0.0")), new, "--json"]) == 1
        data = json.loads(capsys.readouterr().out)
        validate_json(data)
        assert data["problems"] == expected
    assert main(["diff", "damaged", "seeds", "--format", "json"]) == 1
    out, err = capsys.readouterr()
    data = json.loads(out)
    validate_json(data)
    assert [(p["side"], p["path"], p["code"]) for p in data["problems"]] == [
        ("old", "data/documents.jsonl", "checksum-mismatch"),
        ("new", "bin.txt", "binary-file")]
    assert "error: damaged/data/documents.jsonl: " in err and "error: seeds/bin.txt:" in err


# -- input checks and streaming --------------------------------------------------------------

def test_bad_seed_document_is_reported(seeds: Path, released: Path) -> None:
    (seeds / "broken.txt").write_bytes(b"\x00\x01\x02binary\x00" * 20)
    with pytest.raises(InputError) as caught:
        diff(release_of(released, "1.0.0"), seeds)
    assert [p.path for p in caught.value.problems] == [f"{seeds}/broken.txt"]


def test_a_seeds_folder_with_no_documents_cannot_be_compared(
        seeds: Path, released: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A seeds folder holding corpus.toml and no document was diffed as an empty corpus
    ("0 added, 3 removed ... required bump: major", exit 0), where build, validate and
    info refuse it; a seeds folder is diffed as it would build."""
    empty = tmp_path / "empty"
    empty.mkdir()
    shutil.copy(seeds / "corpus.toml", empty / "corpus.toml")
    (empty / ".hidden.txt").write_text("Hidden\n\nA hidden file is no document.\n")
    old = release_of(released, "1.0.0")
    with pytest.raises(InputError) as caught:
        diff(old, empty)
    assert [(p.path, p.code) for p in caught.value.problems] == [
        (str(empty), "empty-document")]
    assert "cannot be compared" in caught.value.summary
    assert main(["diff", str(empty), str(old)]) == 1
    err = capsys.readouterr().err
    assert f"error: {empty}: the seeds folder holds no documents" in err, err
    assert main(["diff", str(old), str(empty), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    validate_json(data)
    assert [(p["side"], p["path"], p["code"]) for p in data["problems"]] == [
        ("new", ".", "empty-document")]


def test_seeds_problems_are_all_reported_at_once(seeds: Path, released: Path) -> None:
    """With a name collision, diff named it and not the other bad documents (build and
    validate name all of them in one run)."""
    (seeds / "Twin.txt").write_text("Twin\n\nOne text about rivers.\n", "utf-8")
    (seeds / "twin.txt").write_text("Twin\n\nAnother text about bridges.\n", "utf-8")
    (seeds / "empty.txt").write_bytes(b"")
    with pytest.raises(InputError) as caught:
        diff(release_of(released, "1.0.0"), seeds)
    found = sorted((p.path, p.code) for p in caught.value.problems)
    assert found == sorted((f"{seeds}/{p.path}", p.code)
                           for p in validate(seeds, jobs=1).problems)
    assert {code for _, code in found} == {"name-collision", "empty-document"}


def test_files_refused_for_their_names_are_checked_as_build_checks_them(
        seeds: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file refused for its name (con.txt, a%b.txt) was not read by diff: build and
    validate named its content problems too (binary, empty), diff only the name's (QA)."""
    (seeds / "con.txt").write_bytes(b"abc\x00def\n")
    (seeds / "a%b.txt").write_bytes(b"")
    expected = sorted((p.path, p.code) for p in validate(seeds, jobs=1).problems)
    assert expected == [("a%b.txt", "empty-document"), ("a%b.txt", "unsafe-path"),
                        ("con.txt", "binary-file"), ("con.txt", "unsafe-path")]
    with pytest.raises(InputError) as caught:
        diff(seeds, seeds)
    assert sorted((p.path, p.code) for p in caught.value.problems) == [
        (f"{seeds}/{path}", code) for path, code in expected]
    assert main(["diff", str(seeds), str(seeds), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert sorted((p["path"], p["code"]) for p in data["problems"]) == expected


def test_records_out_of_order_are_refused(released: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(release_of(released, "1.0.0"), copy)
    documents = copy / "data" / "documents.jsonl"
    lines = documents.read_bytes().splitlines(keepends=True)
    documents.write_bytes(b"".join(reversed(lines)))
    descriptor = json.loads((copy / "datapackage.json").read_text("utf-8"))
    descriptor["corpuskit"]["content_hash"] = "sha256:" + "0" * 64  # no shortcut
    for resource in descriptor["resources"]:  # re-signed: the file is the one stated
        if resource["path"] == "data/documents.jsonl":
            resource["hash"] = "sha256:" + sha256_hex(documents.read_bytes())
    (copy / "datapackage.json").write_text(json.dumps(descriptor), "utf-8")
    with pytest.raises(InputError) as caught:
        diff(release_of(released, "1.0.0"), copy)
    assert caught.value.problems[0].code == "order-error"


def _records(count: int, prefix: str, size: int) -> Iterator[Record]:
    for index in range(count):
        text = (f"{prefix} {index} " * (size // 8))[:size] + "\n"
        yield Record(id=f"doc{index:07d}", title=f"Title {index}", date=None, language="en",
                     text=text, rights=None, chars=len(text), words=len(text.split()),
                     paragraphs=1, text_sha256=sha256_hex(text.encode()),
                     source_path=f"doc{index:07d}.txt", source_bytes=len(text),
                     source_sha256=sha256_hex(text.encode()), source_encoding="utf-8",
                     normalization=())


def test_merge_join_memory_stays_flat() -> None:
    """8 MB of records per side pass through while the peak stays far below that."""
    tracemalloc.start()
    try:
        found = _merge(_records(4_000, "same", 2_000), _records(4_000, "same", 2_000),
                       False, ("a", "b"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert found.unchanged == 4_000
    assert peak < 1_000_000


def test_diff_result_is_frozen(released: Path) -> None:
    folder = release_of(released, "1.0.0")
    result = diff(folder, folder)
    assert isinstance(result, Diff)
    with pytest.raises(AttributeError):
        result.bump = "major"  # type: ignore[misc]


def test_summaries_name_the_first_changes(seeds: Path, released: Path) -> None:
    from corpuskit.diff import diff_or_none, summarize

    old = release_of(released, "1.0.0")
    for index in range(7):
        write_doc(seeds, f"new{index}.txt", f"New {index}", "May 1, 2021",
                  f"Document number {index} about the river and the bridge.")
    (seeds / "orchard.txt").unlink()
    toml = seeds / "corpus.toml"
    toml.write_text(toml.read_text("utf-8").replace('title = "corpuskit seed corpus"',
                                                    'title = "Seeds"'), "utf-8")
    assert summarize(diff(old, seeds)) == (
        "removed: orchard; added: new0, new1, new2, new3, new4, ... (7 in all); "
        "package metadata: title")
    # What build says of a release rebuilt with other content: nothing for the same content,
    # and no diff at all (nothing to summarize) for a side that cannot be read.
    assert summarize(diff(old, old.with_name(old.name + ".zip"))) == ""
    assert diff_or_none(old, seeds / "missing") is None


@pytest.mark.parametrize("bad_side", ["old", "new"])
def test_an_error_names_the_side_it_comes_from(bad_side: str, seeds: Path, released: Path,
                                              tmp_path: Path) -> None:
    """Both sides hold files of the same names: an error said corpus.toml or
    data/documents.jsonl, and not which of the two."""
    broken = tmp_path / "broken-seeds"
    shutil.copytree(seeds, broken)
    with (broken / "corpus.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n[bogus]\nx = 1\n")
    folder = release_of(released, "1.0.0")
    old, new = (broken, folder) if bad_side == "old" else (folder, broken)
    with pytest.raises(InputError) as caught:
        diff(old, new)
    assert [p.path for p in caught.value.problems] == [f"{broken}/corpus.toml"]
    assert str(broken) in caught.value.summary

    damaged = tmp_path / "damaged"
    shutil.copytree(folder, damaged)
    records = damaged / "data" / "documents.jsonl"
    records.write_bytes(b'{"id": broken\n' + records.read_bytes().split(b"\n", 1)[1])
    old, new = (damaged, seeds) if bad_side == "old" else (seeds, damaged)
    with pytest.raises(InputError) as caught:
        diff(old, new)
    assert {p.path for p in caught.value.problems} == {f"{damaged}/data/documents.jsonl"}


def _set_config(seeds: Path, old: str, new: str) -> None:
    config = seeds / "corpus.toml"
    text = config.read_text("utf-8")
    assert old in text
    config.write_text(text.replace(old, new, 1), "utf-8")


def test_a_diff_read_backwards_or_across_corpora_says_so(
        seeds: Path, released: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """OLD 2.0.0 against NEW 1.0.0 printed "required bump: major" with nothing saying NEW
    is the older one; two corpora were compared without a word."""
    write_doc(seeds, "zebra.txt", "Zebras crossing the river", "June 9, 2020",
              "A herd of zebras crossed the river at noon while the birds watched.")
    _set_config(seeds, 'version = "1.0.0"', 'version = "2.0.0"')
    build(seeds, released, source_date_epoch=EPOCH, jobs=1)
    newer, older = release_of(released, "2.0.0"), release_of(released, "1.0.0")
    assert diff(older, newer).notes == ()
    [note] = diff(newer, older).notes
    assert note.startswith("NEW (1.0.0) is an older version than OLD (2.0.0)")
    assert main(["diff", str(newer), str(older)]) == 0
    assert f"note: {note}" in capsys.readouterr().out
    assert main(["diff", "--json", str(newer), str(older)]) == 0
    data = json.loads(capsys.readouterr().out)
    validate_json(data)
    assert data["notes"] == [note]
    _set_config(seeds, 'name = "corpuskit-seeds"', 'name = "another-corpus"')
    [note] = diff(older, seeds).notes
    assert note.startswith("OLD and NEW are different corpora (corpuskit-seeds and "
                           "another-corpus)")


def test_a_release_named_as_another_is_said_to_hold_what_it_reads(
        released: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A zip named as another corpus's release was diffed as what it holds without a word
    (QA: ``validate`` and ``export`` say so); the diff names the release each side holds
    and how to name it, for a zip and a folder, OLD or NEW, and says nothing of a side
    named as its own release or not named as a release at all."""
    folder = release_of(released, "1.0.0")
    archive = folder.with_name(folder.name + ".zip")
    assert diff(folder, archive).notes == ()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    misnamed_zip = shutil.copy(archive, elsewhere / "other-corpus-2.1.0.zip")
    [note] = diff(folder, misnamed_zip).notes
    assert note == ("NEW is named as the release other-corpus-2.1.0, but it holds "
                    "corpuskit-seeds-1.0.0, which the diff reads; rename it to "
                    "corpuskit-seeds-1.0.0.zip")
    misnamed_folder = shutil.copytree(folder, elsewhere / "corpuskit-seeds-3.0.0")
    [note] = diff(misnamed_folder, archive).notes
    assert note == ("OLD is named as the release corpuskit-seeds-3.0.0, but it holds "
                    "corpuskit-seeds-1.0.0, which the diff reads; rename it to "
                    "corpuskit-seeds-1.0.0")
    assert diff(shutil.copy(archive, elsewhere / "latest.zip"), folder).notes == ()
    # Named as its own release in other letter case: no corpus's name is upper case (QA)
    assert diff(shutil.copy(archive, elsewhere / "Corpuskit-Seeds-1.0.0.zip"), folder
                ).notes == ()
    # ... but another version's name in other letter case is that version's (QA)
    [note] = diff(shutil.copy(archive, elsewhere / "Corpuskit-Seeds-2.0.0.zip"), folder
                  ).notes
    assert note == ("OLD is named as the release Corpuskit-Seeds-2.0.0, but it holds "
                    "corpuskit-seeds-1.0.0, which the diff reads; rename it to "
                    "corpuskit-seeds-1.0.0.zip")
    assert main(["diff", "--json", str(misnamed_folder), str(misnamed_zip)]) == 0
    data = json.loads(capsys.readouterr().out)
    validate_json(data)
    assert [note.split(" is named")[0] for note in data["notes"]] == ["OLD", "NEW"]


def test_ids_that_print_alike_are_shown_with_escapes(
        seeds: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file renamed from NFD café to NFC café printed as ``+ café`` and ``- café``,
    which look the same (QA); the JSON told them apart. Each gets its escapes beside it,
    and so do ids that differ in a no-break space where the other has a space (QA); an
    id no other looks like is shown as it is."""
    from unicodedata import normalize

    paragraph = "A text about coffee and milk in the morning, read slowly."
    write_doc(seeds, normalize("NFD", "café.txt"), "Café au lait", "May 1, 2024", paragraph)
    write_doc(seeds, "zoë.txt", "Zoë", "May 2, 2024", "A text about a person and a dog.")
    write_doc(seeds, "xy.txt", "Plain", "May 3, 2024", "A text with a plain ASCII name.")
    write_doc(seeds, "Köln.txt", "Köln", "May 4, 2024", "A text about a city on a river.")
    write_doc(seeds, "a b.txt", "Spaced", "May 5, 2024", "A text whose name has a space.")
    new = tmp_path / "new"
    shutil.copytree(seeds, new)
    os.rename(new / normalize("NFD", "café.txt"), new / normalize("NFC", "café.txt"))
    os.rename(new / "xy.txt", new / "x\u200by.txt")  # a zero-width space: shows as xy
    os.rename(new / "Köln.txt", new / "köln.txt")  # case: shows otherwise
    os.rename(new / "a b.txt", new / "a\u00a0b.txt")  # a no-break space: a blank too
    write_doc(new, "zoë.txt", "Zoë", "May 2, 2024", "A text about a person and a cat.")
    assert main(["diff", str(seeds), str(new)]) == 0
    out = capsys.readouterr().out
    assert "+ café (caf\\u00e9) (Café au lait)" in out, out
    assert f"- {normalize('NFD', 'café')} (cafe\\u0301) (Café au lait)" in out, out
    assert "+ x\u200by (x\\u200by) (Plain)" in out and "- xy (xy) (Plain)" in out, out
    assert "+ köln (Köln)" in out and "- Köln (Köln)" in out, out
    assert "+ a\u00a0b (a\\u00a0b) (Spaced)" in out and "- a b (a b) (Spaced)" in out, out
    assert "~ zoë (Zoë)" in out and "zo\\u00eb" not in out, out


def test_a_sub_folder_named_as_the_side_keeps_its_name(
        seeds: Path, released: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A bad file in seeds/seeds/ was named seeds/bad.txt (QA): a path that starts as a
    joined one would was taken for joined already."""
    monkeypatch.chdir(seeds.parent)
    (seeds / "seeds").mkdir()
    (seeds / "seeds" / "blank.txt").write_text("  \n")
    assert main(["diff", str(release_of(released, "1.0.0")), "seeds"]) == 1
    err = capsys.readouterr().err
    assert "error: seeds/seeds/blank.txt: " in err, err


def test_both_sides_problems_are_reported_together(
        seeds: Path, released: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """With both sides unreadable, diff named one side's problems only (QA): the side
    that stopped it, then the other's, read whole for them, in text and JSON. OLD's are
    told first, then NEW's, as the command line gives them, in the summary and the
    problems alike: where NEW stopped the diff, its summary came first in the JSON's
    error and on stderr, whose problems were in the order of their paths (QA review)."""
    package = tmp_path / "damaged"
    shutil.copytree(release_of(released, "1.0.0"), package)
    with (package / "data" / "documents.jsonl").open("ab") as records:
        records.write(b"not json\n")
    (seeds / "bin.dat").write_bytes(b"\x00\x01binary\x00" * 8)
    for old, new in ((seeds, package), (package, seeds)):
        assert main(["diff", str(old), str(new)]) == 1
        err = capsys.readouterr().err
        assert f"error: {package}/data/documents.jsonl" in err, err
        assert f"error: {seeds}/bin.dat" in err, err
        told = [line for line in err.splitlines() if line.startswith("error: ")]
        assert told == sorted(told, key=lambda line: not line.startswith(f"error: {old}/")), err
        summary = err.splitlines()[-1]
        assert re.fullmatch(rf"corpuskit: {re.escape(str(old))} cannot be compared: .*; "
                            rf"{re.escape(str(new))} cannot be compared: .*", summary), err
        assert main(["diff", str(old), str(new), "--json"]) == 1
        failure = json.loads(capsys.readouterr().out)
        found = {(p["side"], p["path"]) for p in failure["problems"]}
        package_side, seeds_side = ("new", "old") if old == seeds else ("old", "new")
        assert {(package_side, "data/documents.jsonl"), (seeds_side, "bin.dat")} <= found
        sides = [p["side"] for p in failure["problems"]]
        assert sides == sorted(sides, key=lambda side: side != "old"), sides
        assert failure["error"] == summary.removeprefix("corpuskit: ")
    (seeds / "bin.dat").unlink()  # one side alone: its problems only
    assert main(["diff", str(seeds), str(package)]) == 1
    assert f"{seeds}/" not in capsys.readouterr().err


def test_control_characters_of_titles_and_texts_are_escaped_in_the_text_report(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A package built with remove-control-chars skipped keeps ESC sequences in titles and
    texts; diff wrote them to the terminal (clearing it, retitling its window) and split a
    one-line text at its form feed (QA). The text report escapes them; the JSON keeps the
    title as the record has it."""
    from conftest import make_seeds

    title = "Title \x1b[2J\x1b[31mRED\x1b[0m end"
    words = " ".join(["word"] * 200)  # (more than 1% control characters is binary)
    body = f"body \x1b]0;pwned\x07 {words} f\x0cg"
    skip = {"normalize": {"skip": ["remove-control-chars"]}}
    old_seeds = make_seeds(tmp_path, {"a.txt": f"{title}\n\n{body}\n"}, skip, folder="old")
    new_seeds = make_seeds(tmp_path, {"a.txt": f"{title}\n\n{body} changed\n"},
                           {**skip, "version": "2.0.0"}, folder="new")
    old = build(old_seeds, tmp_path / "dist", jobs=1).archive
    new = build(new_seeds, tmp_path / "dist", jobs=1).archive
    assert validate(old).valid and validate(new).valid
    capsys.readouterr()
    assert main(["diff", str(old), str(new), "--text"]) == 0
    shown = capsys.readouterr().out
    assert not any(char in shown for char in "\x1b\x07\x0c"), repr(shown)
    assert r"  ~ a (Title \x1b[2J\x1b[31mRED\x1b[0m end): text changed" in shown
    assert "@@ -1 +1 @@\n" in shown, shown  # the text is one line (its title is apart)
    assert rf"-body \x1b]0;pwned\x07 {words} f\x0cg" + "\n" in shown
    assert main(["diff", str(old), str(new), "--json"]) == 0
    [change] = json.loads(capsys.readouterr().out)["changed"]
    assert change["title"] == title


def test_a_release_names_a_title_holding_control_characters_in_escapes(
        tmp_path: Path) -> None:
    """release wrote a title's ESC into CHANGELOG.md raw, then refused the changelog it had
    written ("holds U+001B, a control character, not Markdown text"), so such a corpus
    could never be released; its dry run said it would be (QA)."""
    from conftest import make_seeds

    body = " ".join(["word"] * 100)  # (more than 1% control characters is binary)
    seeds = make_seeds(tmp_path, {"a.txt": f"Title \x1b[31mRED\x1b[0m end\n\n{body}\n"},
                       {"normalize": {"skip": ["remove-control-chars"]}})
    (seeds / "CHANGELOG.md").unlink(missing_ok=True)
    dry = corpuskit.release(seeds, tmp_path / "dist", dry_run=True, jobs=1)
    done = corpuskit.release(seeds, tmp_path / "dist", jobs=1)
    changelog = (seeds / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "\x1b" not in changelog and dry.changelog_entry == done.changelog_entry
    assert r"- `a` (Title \\x1b\[31mRED\\x1b\[0m end)" in changelog, changelog
    assert done.build is not None and validate(done.build.release).valid


def test_a_record_its_raw_file_and_settings_do_not_give_is_said_so(
        seeds: Path, released: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A release whose record was edited and re-signed (its raw file still the seeds')
    was diffed as a text changed in the seeds, and release proposed a major release for
    it (QA). A record is derived from its raw file and the settings alone: where both are
    the same on the two sides and the records are not, the diff and release say so, and
    that 'validate --reproduce' tells which side is not what its raw file gives. (Here the
    seeds are derived otherwise: as by a corpuskit whose normalization changed.)"""
    from corpuskit import normalize

    package = released / "corpuskit-seeds-1.0.0"
    monkeypatch.setitem(normalize.STEPS, "nfc",
                        lambda text: normalize.nfc(text).replace("harbour", "harbor"))
    found = diff(package, seeds)
    assert found.underived == ("harbour",)
    note = next(note for note in found.notes if note.startswith("harbour: "))
    assert note.endswith(f"'corpuskit validate --reproduce {package}' says which")
    assert main(["diff", str(package), str(seeds)]) == 0
    assert f"note: {note}" in capsys.readouterr().out
    planned = corpuskit.release(seeds, released, source_date_epoch=EPOCH, jobs=1,
                                dry_run=True)
    assert note in planned.notes


def test_records_of_other_raw_files_or_settings_are_not_said_to_be_underived(
        seeds: Path, released: Path) -> None:
    package = released / "corpuskit-seeds-1.0.0"
    (seeds / "harbour.txt").write_text((seeds / "harbour.txt").read_text("utf-8")
                                       + "\nOne more line.\n", "utf-8")
    assert diff(package, seeds).underived == ()
    toml = seeds / "corpus.toml"
    toml.write_text(toml.read_text("utf-8") + '\n[extract]\ndate = false\n', "utf-8")
    changed = diff(package, seeds)
    assert changed.changed and changed.underived == ()
