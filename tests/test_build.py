"""The built package: layout, records, descriptor, and the ecosystem's own validators.

One corpus of messy, real-looking files (several encodings and languages, CRLF, BOMs,
mojibake, NFD, NBSP, zero-width characters, a subfolder) is built once per module; tests
that damage a package work on a copy.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import bagit
import pytest
from conftest import (
    MESSY_ENCODINGS,
    MESSY_FILES,
    SCHEMAS,
    build_into,
    corpus_config,
    make_seeds,
    read_records,
    toml_text,
    tree_bytes,
)
from jsonschema import Draft7Validator, Draft202012Validator

from corpuskit.cli import main

#: Every file DESIGN.md lists for a package (besides data/raw/...).
PACKAGE_FILES = {
    "bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt",
    "datapackage.json", "croissant.json", "README.md", "CHANGELOG.md", "data/documents.jsonl",
}
TAG_FILES = PACKAGE_FILES - {"data/documents.jsonl", "tagmanifest-sha256.txt"}
DATAPACKAGE_V2 = "https://datapackage.org/profiles/2.0/datapackage.json"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("messy")
    seeds = make_seeds(root, {**MESSY_FILES, ".DS_Store": b"\x00\x01binary finder junk"})
    result = build_into(seeds, root / "out")
    assert result.status == "built"
    assert result.documents == len(MESSY_FILES)
    assert result.skipped == ((".DS_Store", "hidden"),)
    return {"seeds": seeds, "out": root / "out", "release": result.release,
            "archive": result.archive}


@pytest.fixture
def release(built: dict[str, Path]) -> Path:
    return built["release"]


@pytest.fixture
def copy(built: dict[str, Path], tmp_path: Path) -> Path:
    """A copy of the release that a test may damage."""
    return Path(shutil.copytree(built["release"], tmp_path / built["release"].name))


def descriptor(release: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((release / "datapackage.json").read_text("utf-8"))
    return data


def schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCHEMAS / name).read_text("utf-8"))
    return data


# -- layout ------------------------------------------------------------------------------

def test_release_and_archive_are_named_after_name_and_version(built: dict[str, Path]) -> None:
    assert built["release"] == built["out"] / "test-corpus-1.0.0"
    assert built["archive"] == built["out"] / "test-corpus-1.0.0.zip"
    visible = sorted(p.name for p in built["out"].iterdir() if not p.name.startswith("."))
    assert visible == ["test-corpus-1.0.0", "test-corpus-1.0.0.zip"]


def test_package_layout(release: Path) -> None:
    files = set(tree_bytes(release))
    raw = {f"data/raw/{path}" for path in MESSY_FILES}
    assert files == PACKAGE_FILES | raw
    assert "data/raw/sub/deeper/nbsp_zero_width.md" in files


def test_no_temporary_files_are_left_behind(built: dict[str, Path]) -> None:
    leftovers = [p for p in built["out"].rglob("*")
                 if ".corpuskit-tmp" in p.name or p.name == ".shards"]
    assert leftovers == []


def test_raw_files_are_byte_identical_to_the_inputs(release: Path) -> None:
    for path, data in MESSY_FILES.items():
        assert (release / "data" / "raw" / path).read_bytes() == data, path


# -- records -----------------------------------------------------------------------------

def test_every_input_file_is_a_record_sorted_by_id(release: Path) -> None:
    records = read_records(release)
    ids = [r["id"] for r in records]
    assert ids == sorted(ids)
    assert set(ids) == set(MESSY_ENCODINGS)
    assert {r["source_path"] for r in records} == set(MESSY_FILES)


def test_every_record_matches_the_document_schema(release: Path) -> None:
    validator = Draft202012Validator(schema("document.schema.json"),
                                     format_checker=Draft202012Validator.FORMAT_CHECKER)
    for record in read_records(release):
        errors = [e.message for e in validator.iter_errors(record)]
        assert errors == [], record["id"]


def test_records_are_canonical_json_lines(release: Path) -> None:
    raw = (release / "data" / "documents.jsonl").read_bytes()
    assert raw.endswith(b"\n") and b"\r" not in raw
    for line in raw.splitlines():
        record = json.loads(line)
        assert list(record) == list(schema("document.schema.json")["required"])
        assert line.decode("utf-8")  # UTF-8, not \u-escaped ASCII only


def test_every_record_records_the_codec_that_decoded_it(release: Path) -> None:
    encodings = {r["id"]: r["source_encoding"] for r in read_records(release)}
    assert encodings == MESSY_ENCODINGS


def test_languages_are_identified(release: Path) -> None:
    languages = {r["id"]: r["language"] for r in read_records(release)}
    assert languages == {
        "en/harbour": "en", "fr_bom": "fr", "de_cp1252": "de", "cs_cp1250": "cs",
        "pl_cp1250": "pl", "ru_cp1251": "ru", "ru_koi8": "ru", "zh_gb18030": "zh",
        "es_utf16": "es", "mojibake": "en", "nfd": "fr", "sub/deeper/nbsp_zero_width": "en",
    }


def test_texts_are_normalized(release: Path) -> None:
    for record in read_records(release):
        text = record["text"]
        assert unicodedata.is_normalized("NFC", text), record["id"]
        assert "\r" not in text and "\ufeff" not in text and "\u200b" not in text
        assert "\n\n\n" not in text and text.endswith("\n") and not text.endswith("\n\n")
        assert all(line == line.rstrip() for line in text.split("\n")), record["id"]
        assert "Ã" not in text and "â€" not in text, record["id"]


def test_text_is_what_its_description_says_whatever_corpus_toml_skips(
        tmp_path: Path) -> None:
    """Every faithful step corpus.toml may skip, skipped: the records' text and title are
    still NFC, LF, one blank line between paragraphs, as datapackage.json, croissant.json
    and the card describe the text field (QA: with nfc skipped, they were NFD)."""
    skippable = json.loads((SCHEMAS / "corpus.schema.json").read_text("utf-8"))[
        "properties"]["normalize"]["properties"]["skip"]["items"]["enum"]
    nfd = unicodedata.normalize("NFD", "Résumé du café\r\n\r\n\r\nLe café est très bon "
                                       "à Paris aujourd'hui.\r\nÀ bientôt.\r\n")
    seeds = make_seeds(tmp_path, {"a.txt": nfd},
                       {"normalize": {"skip": list(skippable)}})
    result = build_into(seeds, tmp_path / "out")
    [record] = read_records(result.release)
    assert record["title"] == "Résumé du café"
    assert unicodedata.is_normalized("NFC", record["title"])
    assert record["text"] == "Le café est très bon à Paris aujourd'hui.\nÀ bientôt.\n"
    assert unicodedata.is_normalized("NFC", record["text"])
    assert record["normalization"] == ["line-endings", "nfc", "paragraph-spacing"]
    [field] = [field for field in descriptor(result.release)["resources"][0]["schema"]
               ["fields"] if field["name"] == "text"]
    assert "NFC" in field["description"]


def test_messy_documents_come_out_clean(release: Path) -> None:
    records = {r["id"]: r for r in read_records(release)}
    harbour = records["en/harbour"]
    assert harbour["title"] == "Harbour Council Approves New Ferry Schedule"
    assert harbour["date"] == "2023-08-25"
    assert harbour["rights"] == "© 2023 Harbour Gazette. All rights reserved."
    assert harbour["paragraphs"] == 2
    assert harbour["normalization"] == ["line-endings", "trim-trailing-whitespace",
                                        "paragraph-spacing"]
    assert records["mojibake"]["title"] == "The café reopens"
    assert records["mojibake"]["text"] == (
        "It’s official: the café on the corner reopens next week with a new menu.\n")
    assert records["mojibake"]["normalization"] == ["fix-encoding"]
    assert records["nfd"]["title"] == "Café ou thé"
    assert records["nfd"]["normalization"] == ["nfc"]
    assert records["sub/deeper/nbsp_zero_width"]["text"] == (
        "Zerowidth spaces and a wordjoiner hide in this line.\n\nA second paragraph.\n")
    assert records["ru_koi8"]["title"] == "Погода на выходные"
    assert records["zh_gb18030"]["title"] == "城市图书馆开放新阅览室"


def test_record_counts_and_hashes_agree_with_text_and_raw(release: Path) -> None:
    for record in read_records(release):
        raw = (release / "data" / "raw" / record["source_path"]).read_bytes()
        text = record["text"]
        assert record["source_sha256"] == hashlib.sha256(raw).hexdigest()
        assert record["source_bytes"] == len(raw)
        assert record["text_sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
        assert record["chars"] == len(text)
        assert record["words"] == len(text.split())
        assert record["paragraphs"] == text.count("\n\n") + 1


# -- datapackage.json --------------------------------------------------------------------

def test_descriptor_matches_the_official_data_package_v2_profile(release: Path) -> None:
    profile = schema("vendor/datapackage-2.0.json")
    errors = [f"{list(e.absolute_path)}: {e.message}"
              for e in Draft7Validator(profile).iter_errors(descriptor(release))]
    assert errors == []


def test_descriptor_matches_the_corpuskit_profile(release: Path) -> None:
    profile_path = SCHEMAS / "datapackage.schema.json"
    if not profile_path.exists():
        pytest.skip("schemas/datapackage.schema.json not written yet")
    errors = [f"{list(e.absolute_path)}: {e.message}"
              for e in Draft202012Validator(schema("datapackage.schema.json")).iter_errors(
                  descriptor(release))]
    assert errors == []


def test_descriptor_declares_v2_and_the_corpus_metadata(release: Path) -> None:
    data = descriptor(release)
    assert data["$schema"] == DATAPACKAGE_V2
    assert (data["name"], data["version"], data["title"]) == (
        "test-corpus", "1.0.0", "Test corpus")
    assert data["licenses"] == [{"name": "CC0-1.0", "title": "CC0 1.0"}]
    assert "created" not in data, "no SOURCE_DATE_EPOCH, no created in corpus.toml: no clock"


def test_every_resource_has_its_files_bytes_and_sha256(release: Path) -> None:
    resources = descriptor(release)["resources"]
    assert resources[0]["name"] == "documents"
    assert resources[0]["path"] == "data/documents.jsonl"
    for resource in resources:
        data = (release / resource["path"]).read_bytes()
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()


def test_table_schema_describes_every_record_field(release: Path) -> None:
    fields = [f["name"] for f in descriptor(release)["resources"][0]["schema"]["fields"]]
    assert fields == list(schema("document.schema.json")["required"])


# -- the ecosystem's validators ----------------------------------------------------------

def frictionless_errors(release: Path) -> list[list[str]]:
    from frictionless import validate

    report = validate(str(release / "datapackage.json"))
    return [[str(e) for e in row] for row in report.flatten(["type", "message"])]


def rewrite_documents(package: Path, records: list[dict[str, Any]]) -> None:
    """Replace the records and update bytes and hash, so only the rows themselves are wrong."""
    data = b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in records)
    (package / "data" / "documents.jsonl").write_bytes(data)
    desc = descriptor(package)
    desc["resources"][0]["bytes"] = len(data)
    desc["resources"][0]["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    (package / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False), "utf-8")


def test_frictionless_validates_the_package(release: Path) -> None:
    assert frictionless_errors(release) == []


def test_frictionless_finds_a_row_of_the_wrong_type(copy: Path) -> None:
    records = read_records(copy)
    records[1]["chars"] = "many"
    rewrite_documents(copy, records)
    assert [t for t, _ in frictionless_errors(copy)] == ["type-error"]


def test_frictionless_finds_a_duplicate_id(copy: Path) -> None:
    records = read_records(copy)
    records[1]["id"] = records[0]["id"]
    rewrite_documents(copy, records)
    assert "primary-key" in {t for t, _ in frictionless_errors(copy)}


def test_frictionless_finds_a_changed_byte(copy: Path) -> None:
    path = copy / "data" / "documents.jsonl"
    path.write_bytes(path.read_bytes().replace(b"harbour", b"HARBOUR", 1))
    assert "hash-count" in {t for t, _ in frictionless_errors(copy)}


def test_frictionless_cli_validates_the_package(release: Path) -> None:
    frictionless = Path(shutil.which("frictionless") or
                        Path(__import__("sys").executable).parent / "frictionless")
    if not frictionless.exists():
        pytest.skip("frictionless command not installed")
    done = subprocess.run([str(frictionless), "validate", "datapackage.json"], cwd=release,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_bagit_validates_the_bag(release: Path) -> None:
    bag = bagit.Bag(str(release))
    bag.validate()
    assert bag.info["Payload-Oxum"] == "{}.{}".format(
        sum(len(d) for p, d in tree_bytes(release).items() if p.startswith("data/")),
        sum(1 for p in tree_bytes(release) if p.startswith("data/")))


def test_bagit_finds_a_flipped_byte_in_a_raw_file(copy: Path) -> None:
    raw = copy / "data" / "raw" / "ru_koi8.txt"
    data = bytearray(raw.read_bytes())
    data[10] ^= 0x01
    raw.write_bytes(bytes(data))
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(copy)).validate()


def test_bagit_finds_a_changed_tag_file(copy: Path) -> None:
    (copy / "README.md").write_bytes((copy / "README.md").read_bytes() + b"\n")
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(copy)).validate()


def test_tag_manifest_covers_every_tag_file(release: Path) -> None:
    lines = (release / "tagmanifest-sha256.txt").read_text("utf-8").splitlines()
    listed = {line.split("  ", 1)[1]: line.split("  ", 1)[0] for line in lines}
    assert set(listed) == TAG_FILES
    for path, digest in listed.items():
        assert hashlib.sha256((release / path).read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("manifest", ["manifest-sha256.txt", "tagmanifest-sha256.txt"])
def test_sha256sum_checks_the_manifests(release: Path, manifest: str) -> None:
    if shutil.which("sha256sum") is None:
        pytest.skip("sha256sum not installed")
    done = subprocess.run(["sha256sum", "--strict", "-c", manifest], cwd=release,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(": OK") == len(
        (release / manifest).read_text("utf-8").splitlines())


def test_sha256sum_finds_a_flipped_byte(copy: Path) -> None:
    if shutil.which("sha256sum") is None:
        pytest.skip("sha256sum not installed")
    raw = copy / "data" / "raw" / "de_cp1252.txt"
    raw.write_bytes(raw.read_bytes()[:-1] + b"?")
    done = subprocess.run(["sha256sum", "-c", "manifest-sha256.txt"], cwd=copy,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "data/raw/de_cp1252.txt: FAILED" in done.stdout


# -- the archive -------------------------------------------------------------------------

def test_zip_holds_the_same_files_and_bytes_under_one_folder(built: dict[str, Path]) -> None:
    expected = tree_bytes(built["release"])
    with zipfile.ZipFile(built["archive"]) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert names == sorted(names)
        assert all(name.startswith("test-corpus-1.0.0/") for name in names)
        members = {name.removeprefix("test-corpus-1.0.0/"): archive.read(name)
                   for name in names if not name.endswith("/")}
    assert members == expected


def test_zip_members_carry_fixed_metadata(built: dict[str, Path]) -> None:
    with zipfile.ZipFile(built["archive"]) as archive:
        infos = archive.infolist()
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}


@pytest.mark.parametrize(("created", "stamp"), [
    ("1980-01-01T00:00:00Z", (1980, 1, 1, 0, 0, 0)),
    ("2107-12-31T23:59:59Z", (2107, 12, 31, 23, 59, 58)),
])
def test_a_release_time_at_the_ends_of_zip_dates_is_the_zips(
        created: str, stamp: tuple[int, ...], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Zip (DOS) dates run from 1980 to 2107, in steps of two seconds; the descriptor keeps
    the real time, and the release validates (a time after 2107 was a traceback once)."""
    seeds = make_seeds(tmp_path, {"a.txt": "A title\n\nSome text.\n"}, {"created": created})
    out = tmp_path / "dist"
    assert main(["build", str(seeds), "--out", str(out)]) == 0, capsys.readouterr().err
    [archive] = out.glob("*.zip")
    with zipfile.ZipFile(archive) as opened:
        assert {info.date_time for info in opened.infolist()} == {stamp}
    [folder] = (path for path in out.iterdir() if path.is_dir())
    assert json.loads((folder / "datapackage.json").read_text())["created"] == created
    assert main(["validate", str(archive), str(folder)]) == 0, capsys.readouterr().out


@pytest.mark.parametrize(("created", "said"), [
    ("1979-12-31T23:59:59Z", "before 1980-01-01T00:00:00Z, the first"),
    ("0001-01-01T00:00:00Z", "before 1980-01-01T00:00:00Z, the first"),
    ("2108-01-01T00:00:00Z", "after 2107-12-31T23:59:59Z, the last"),
    ("9999-12-31T23:59:59Z", "after 2107-12-31T23:59:59Z, the last"),
])
def test_a_release_time_outside_zip_dates_is_refused(
        created: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A created of year 1 or 9999 (a mistyped one, surely) was built, its zip entries
    silently dated 1980-01-01 or 2107-12-31 where the metadata said otherwise (QA)."""
    seeds = make_seeds(tmp_path, {"a.txt": "A title\n\nSome text.\n"}, {"created": created})
    assert main(["build", str(seeds), "--out", str(tmp_path / "dist")]) == 1
    assert f"corpus.toml:created: {created!r} is {said} time a zip's entries can carry (zip " \
        "dates run from 1980-01-01 to 2107-12-31); write the release time in UTC as " \
        "YYYY-MM-DDTHH:MM:SSZ, between those dates [config-error]" in capsys.readouterr().err
    assert not (tmp_path / "dist").exists()


def test_same_content_built_at_another_release_time_says_how_to_build_it_again(
        tmp_path: Path) -> None:
    """Only SOURCE_DATE_EPOCH differs: no version to bump, but the time to build with."""
    from corpuskit import build
    from corpuskit.errors import ReleaseExistsError

    seeds = make_seeds(tmp_path, {"a.txt": "First text of the corpus.\n"})
    at_zero, unset = tmp_path / "at-zero", tmp_path / "unset"
    build(seeds, at_zero, source_date_epoch="315532800", jobs=1)
    build(seeds, unset, jobs=1)
    with pytest.raises(ReleaseExistsError) as refused:
        build(seeds, at_zero, jobs=1)
    assert str(refused.value) == (
        f"release test-corpus-1.0.0 already exists in {at_zero} with the same documents and "
        "metadata, but another release time: created is 1980-01-01T00:00:00Z there and "
        "absent in this build; build with SOURCE_DATE_EPOCH=315532800, which is "
        '1980-01-01T00:00:00Z (or with it unset and created = "1980-01-01T00:00:00Z" in '
        "corpus.toml)")
    with pytest.raises(ReleaseExistsError) as refused:
        build(seeds, unset, source_date_epoch="1700000000", jobs=1)
    assert str(refused.value).endswith(
        "created is absent there and 2023-11-14T22:13:20Z in this build; it has none: build "
        "with SOURCE_DATE_EPOCH unset and no created in corpus.toml")
    assert build(seeds, at_zero, source_date_epoch="315532800", jobs=1).status == "unchanged"


@pytest.mark.parametrize("holds", ["nothing", "a file of notes"])
def test_a_release_folder_that_holds_no_package_is_said_to_be_so(
        tmp_path: Path, holds: str) -> None:
    """The folder of this build's release in --out, empty or holding no package, was "changed
    after it was built", with validate's advice to write a corpus.toml and to "remove the
    files added to it" (QA): it is said to hold no release, and what to do, nothing
    written."""
    from corpuskit import build
    from corpuskit.errors import ReleaseExistsError

    seeds = make_seeds(tmp_path, {"a.txt": "First text of the corpus.\n"})
    out = tmp_path / "out"
    folder = out / "test-corpus-1.0.0"
    folder.mkdir(parents=True)
    if holds != "nothing":
        (folder / "notes.txt").write_text("to do\n", encoding="utf-8")
    with pytest.raises(ReleaseExistsError) as refused:
        build(seeds, out, jobs=1)
    what, remove = (("is an empty folder", "remove it") if holds == "nothing" else
                    ("holds no release (no datapackage.json: it is no package folder)",
                     f"move it out of {out} (what it holds is no build's)"))
    assert str(refused.value) == (
        f"{folder}, the folder of release test-corpus-1.0.0 in {out}, {what}. If "
        "test-corpus-1.0.0 was released, restore its folder from a published copy; if not, "
        f"{remove}; then build again")
    assert sorted(path.name for path in out.iterdir()
                  if path.name != ".corpuskit-lock") == ["test-corpus-1.0.0"]
    assert [path.name for path in folder.iterdir()] == ([] if holds == "nothing"
                                                        else ["notes.txt"])


@pytest.mark.parametrize("kept_as", ["folder", "zip"])
def test_a_version_set_back_is_told_the_release_it_holds_not_a_release_time(
        tmp_path: Path, kept_as: str) -> None:
    """1.0.1 released a change of settings alone; version set back to 1.0.0 in corpus.toml
    (created kept at 1.0.1's). The build said 1.0.0 had "the same documents and metadata,
    but another release time" and to build with 1.0.0's SOURCE_DATE_EPOCH, which was then
    refused for the settings (QA): the time is not all that differs, so it says to set
    the version that holds these seeds, as check and release do."""
    from corpuskit import build
    from corpuskit.errors import ReleaseExistsError

    seeds = make_seeds(tmp_path, {"a.txt": "First text of the corpus.\n"})
    out = tmp_path / "out"
    build(seeds, out, source_date_epoch="315532800", jobs=1)
    (seeds / "corpus.toml").write_text(toml_text(corpus_config(
        {"version": "1.0.1", "normalize": {"skip": ["remove-bom"]}})), encoding="utf-8")
    build(seeds, out, source_date_epoch="315532900", jobs=1)  # a patch release: settings only
    (seeds / "corpus.toml").write_text(toml_text(corpus_config(
        {"normalize": {"skip": ["remove-bom"]}})), encoding="utf-8")  # back to 1.0.0
    if kept_as == "zip":
        shutil.rmtree(out / "test-corpus-1.0.0")
    with pytest.raises(ReleaseExistsError) as refused:
        build(seeds, out, source_date_epoch="315532900", jobs=1)
    said = str(refused.value)
    assert "another release time" not in said and "SOURCE_DATE_EPOCH=315532800" not in said
    assert said.endswith("these seeds hold the documents and metadata of 1.0.1 "
                         f"({out / 'test-corpus-1.0.1'}): set version = \"1.0.1\" in "
                         f"{seeds / 'corpus.toml'} to build 1.0.1 again, or change them and "
                         f"run 'corpuskit release --seeds {seeds} --out {out}'")


def test_a_changed_changelog_built_at_another_release_time_is_other_content(
        tmp_path: Path) -> None:
    """CHANGELOG.md edited since the release and built at another time: the release time
    was said to be all that differs, and building at the release's time was refused for
    CHANGELOG.md (QA). A build that writes its own CHANGELOG.md (the seeds have none), dated
    with its time, still differs in the time alone."""
    from corpuskit import build
    from corpuskit.errors import ReleaseExistsError

    seeds = make_seeds(tmp_path, {"a.txt": "First text of the corpus.\n"})
    out, own = tmp_path / "out", tmp_path / "own"
    build(seeds, own, source_date_epoch="315532800", jobs=1)  # its CHANGELOG.md is the build's
    with pytest.raises(ReleaseExistsError, match="but another release time"):
        build(seeds, own, source_date_epoch="315532900", jobs=1)
    (seeds / "CHANGELOG.md").write_text("# Changes\n\n## 1.0.0\n\nFirst.\n", "utf-8")
    build(seeds, out, source_date_epoch="315532800", jobs=1)
    (seeds / "CHANGELOG.md").write_text("# Changes\n\n## 1.0.0\n\nThe first.\n", "utf-8")
    for kept_as in ("folder", "zip"):
        if kept_as == "zip":
            shutil.rmtree(out / "test-corpus-1.0.0")
        with pytest.raises(ReleaseExistsError) as refused:
            build(seeds, out, source_date_epoch="315532900", jobs=1)
        said = str(refused.value)
        assert "another release time" not in said, kept_as
        # the documents and metadata are the release's: 'release patch' releases it
        assert "with other content" in said and "release them with 'corpuskit release " \
            "patch" in said, kept_as


def test_a_new_document_also_needs_a_new_version(tmp_path: Path) -> None:
    seeds = make_seeds(tmp_path, {"a.txt": "First text of the corpus.\n"})
    out = tmp_path / "out"
    assert main(["build", str(seeds), "--out", str(out)]) == 0
    before = tree_bytes(out)
    (seeds / "b.txt").write_text("Second text.\n", encoding="utf-8")
    assert main(["build", str(seeds), "--out", str(out)]) == 1
    assert tree_bytes(out) == before
    # With a new version it builds next to the old one.
    (seeds / "corpus.toml").write_text(
        (seeds / "corpus.toml").read_text("utf-8").replace('"1.0.0"', '"1.1.0"'), "utf-8")
    assert main(["build", str(seeds), "--out", str(out)]) == 0
    assert {k: v for k, v in tree_bytes(out).items() if k in before} == before
    assert (out / "test-corpus-1.1.0" / "data" / "raw" / "b.txt").exists()


@pytest.mark.parametrize("buffer_bytes", [7, 1 << 20])
def test_records_are_copied_piece_by_piece_whatever_the_reads_take(buffer_bytes: int) -> None:
    import io
    import zlib

    from corpuskit.build import _copy_records
    from corpuskit.writer import HashingWriter

    data = b"".join(b'{"id":"doc-%07d","text":"%s"}\n' % (i, b"x" * (i % 97))
                    for i in range(30000))
    cut = len(data) // 3

    def copy(sizes: list[int]) -> tuple[list[tuple[int, int, int]], bool, bytes, str]:
        out = io.BytesIO()
        writer = HashingWriter(out)
        writer.write(b"before\n")  # the shards before it: offsets count from the file's start
        starts = [sum(sizes[:i]) for i in range(len(sizes))]
        pieces = tuple((0, 0, size, zlib.crc32(data[start:start + size]))
                       for start, size in zip(starts, sizes, strict=True))
        placed, known = _copy_records(io.BufferedReader(io.BytesIO(data)), writer, pieces,
                                      bytearray(buffer_bytes))
        return placed, known, out.getvalue(), writer.sha256

    placed, known, written, sha = copy([cut, len(data) - cut])
    assert known and written == b"before\n" + data
    assert sha == hashlib.sha256(written).hexdigest()
    assert placed == [(7, cut, zlib.crc32(data[:cut])),
                      (7 + cut, len(data) - cut, zlib.crc32(data[cut:]))]
    # A shard given without pieces (none known) is copied whole, to be cut again.
    placed, known, written, sha = copy([])
    assert (placed, known) == ([], False)
    assert written == b"before\n" + data
    assert sha == hashlib.sha256(written).hexdigest()
    # A file longer or shorter than its pieces was written into, or cut short, since its
    # pieces were made: refused, not copied as it is (QA: 1,269 records of 3,000, built).
    from corpuskit.errors import FileChanged

    for sizes, how in (([cut], "longer"), ([cut, len(data)], "shorter")):
        with pytest.raises(FileChanged, match=f"changed while this build used them .*"
                                              f"it is {how} than its pieces"):
            copy(sizes)
    # Records that are not those the pieces were made of (written into since): refused.
    with pytest.raises(FileChanged, match="changed while this build used them"):
        _copy_records(io.BufferedReader(io.BytesIO(data)), HashingWriter(io.BytesIO()),
                      ((0, 0, cut, zlib.crc32(data[:cut]) ^ 1),), bytearray(buffer_bytes))
