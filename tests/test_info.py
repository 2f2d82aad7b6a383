"""corpuskit info: the same measured summary for a package folder, its archive and its seeds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from _consumers import copy_package, rewrite_tagmanifest, rewrite_zip, sample, write_seeds
from conftest import DIST, make_seeds

from corpuskit.cli import main
from corpuskit.errors import InputError
from corpuskit.info import info, render, shown_problems
from corpuskit.schemacheck import validator
from corpuskit.wording import shown_name


def test_package_archive_and_seeds_agree() -> None:
    built = sample()
    seeds = built.release.parent.parent / "seeds"
    folder, archive, source = info(built.release), info(built.archive), info(seeds)
    assert (folder.kind, archive.kind, source.kind) == ("package", "archive", "seeds")
    for summary in (folder, archive, source):
        assert summary.name == "consumer-sample" and summary.version == "2.1.0"
        assert summary.documents == 6
        assert summary.languages == {"de": 1, "en": 3, "fr": 1, "und": 1}
        assert (summary.first_date, summary.last_date, summary.dated) == (
            "2023-03-01", "2024-01-15", 3)
        assert summary.content_hash == built.content_hash
        assert summary.problems == []
        assert summary.licenses == ["CC-BY-4.0"]
    assert folder.characters == archive.characters == source.characters
    assert folder.files == archive.files
    assert folder.bytes == archive.bytes
    assert archive.archive_bytes == built.archive.stat().st_size
    assert folder.stated_content_hash == built.content_hash


def test_json_matches_schema_and_library(capsys: pytest.CaptureFixture[str]) -> None:
    built = sample()
    assert main(["info", str(built.archive), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert validator("info.schema.json").is_valid(data), list(
        validator("info.schema.json").iter_errors(data))
    assert data == json.loads(json.dumps(info(built.archive).as_dict()))


def test_text_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", str(sample().release)]) == 0
    out = capsys.readouterr().out
    for label in ("documents", "languages", "dates", "size", "version", "content hash"):
        assert any(line.startswith(label) for line in out.splitlines()), label
    assert "de 1, en 3, fr 1, und 1" in out
    assert "2023-03-01 to 2024-01-15 (3 dated, 3 undated)" in out


def test_the_table_of_a_package_says_its_checksums_are_not_checked(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """info of a zip whose seal was removed, or of a folder missing a raw file, exits 0
    with a summary a consumer could take for proof the package is sound (QA s101): the
    table of a package or archive says that its checksums are not checked, and names
    the command that checks them; seeds, which info reads whole, get no such line."""
    built = sample()
    damaged = tmp_path / "my zips" / built.archive.name
    damaged.parent.mkdir()
    damaged.write_bytes(built.archive.read_bytes()[:-71])  # its seal (zip comment) cut
    assert main(["info", str(damaged)]) == 0
    [line] = [row for row in capsys.readouterr().out.splitlines() if row.startswith("checksums")]
    assert line.endswith(f"not checked here: 'corpuskit validate \"{damaged}\"' checks them"), line
    assert main(["info", str(built.release)]) == 0
    assert "not checked here: 'corpuskit validate" in capsys.readouterr().out
    seeds = write_seeds(tmp_path / "seeds")
    assert main(["info", str(seeds)]) == 0
    assert "checksums" not in capsys.readouterr().out


def test_seeds_with_problems_have_no_content_hash(tmp_path: Path) -> None:
    seeds = write_seeds(tmp_path / "seeds")
    (seeds / "bad.txt").write_bytes(b"\x00\x01\x02binary\x00" * 20)
    summary = info(seeds)
    assert summary.content_hash is None
    assert [p["path"] for p in summary.problems] == ["bad.txt"]
    assert summary.documents == 6
    # Joined to the folder as given, as validate names it (the JSON keeps it relative),
    # and not in the summary's table (the CLI says them on stderr).
    assert [p.path for p in shown_problems(summary)] == [f"{summary.path}/bad.txt"]
    assert "bad.txt" not in render(summary)


@pytest.mark.parametrize("name", ["nl\nhere.txt", "cr\rhere.txt", "nel\x85here.txt",
                                  "ls\u2028here.txt", "esc\x1b[2Jhere.txt"])
def test_a_problem_with_a_control_character_in_its_name_is_one_line(
        name: str, tmp_path: Path) -> None:
    """build and validate show a file named with a line break as escapes; info printed it
    raw (QA): one problem ran over two lines, and a CR or ESC could rewrite the terminal."""
    seeds = write_seeds(tmp_path / "seeds")
    (seeds / name).write_bytes(b"\x00\x01\x02binary\x00" * 20)
    problems = [problem.render() for problem in shown_problems(info(seeds))]
    shown = "\n".join(problems)
    # Its name's problem and its content's (it is read all the same), one line each.
    assert len(problems) == 2 and len(shown.splitlines()) == shown.count("\n") + 1
    assert all(problem.startswith(f"{shown_name(f'{seeds}/{name}')}:") for problem in problems)
    assert all(problem.startswith(f"$'{seeds}/") for problem in problems)
    assert {problem.rsplit(" ", 1)[1] for problem in problems} == {"[unsafe-path]",
                                                                   "[binary-file]"}
    assert shown.isascii() or all(char.isprintable() for char in shown.replace("\n", ""))


@pytest.mark.parametrize("as_json", [[], ["--json"]])
def test_info_exits_1_when_it_lists_problems(as_json: list[str], tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    seeds = write_seeds(tmp_path / "seeds")
    (seeds / "bad.txt").write_bytes(b"\x00\x01\x02binary\x00" * 20)
    capsys.readouterr()
    assert main(["info", str(seeds), *as_json]) == 1
    out, err = capsys.readouterr()
    if as_json:  # the problem in the document, the count on stderr
        assert "bad.txt" in out
        assert err.strip() == f"corpuskit: error: 1 problem found in {seeds}"
    else:  # the summary on stdout, the problem on stderr as every command says one (QA)
        assert "bad.txt" not in out and out.startswith("name ")
        assert err.splitlines()[0].startswith(f"error: {seeds}/bad.txt:line 1: holds binary")
        assert err.splitlines()[-1] == f"corpuskit: error: 1 problem found in {seeds}"


def with_another_stated_hash(tmp_path: Path) -> Path:
    """A copy of the sample package whose datapackage.json states another content hash
    (its tag manifest made to agree)."""
    package = copy_package(sample(), tmp_path)
    descriptor = package / "datapackage.json"
    data = json.loads(descriptor.read_text())
    data["corpuskit"]["content_hash"] = "sha256:" + "0" * 64
    descriptor.write_text(json.dumps(data))
    rewrite_tagmanifest(package)
    return package


def test_stated_hash_that_disagrees_is_flagged(tmp_path: Path) -> None:
    summary = info(with_another_stated_hash(tmp_path))
    assert summary.content_hash == sample().content_hash
    assert [p["code"] for p in summary.problems] == ["checksum-mismatch"]
    assert "states sha256:000" in render(summary)


def test_a_problem_of_an_archive_names_its_member_as_validate_does(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A member's problem is ``x.zip:datapackage.json``, as validate and the README name
    it, not ``x.zip/datapackage.json``, a file in a folder that does not exist (QA)."""
    archive = rewrite_zip(with_another_stated_hash(tmp_path))
    assert main(["info", str(archive)]) == 1
    err = capsys.readouterr().err
    assert f"error: {archive}:datapackage.json:/corpuskit/content_hash: " in err, err
    assert f"{archive}/" not in err, err


def test_an_archive_with_unsafe_entries_is_named_as_given(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The summary of a refused archive names it as given, not by its name alone: copies
    of one release in several folders were told apart by nothing (QA)."""
    import zipfile

    copy = tmp_path / "copies" / sample().archive.name
    copy.parent.mkdir()
    shutil.copyfile(sample().archive, copy)
    with zipfile.ZipFile(copy, "a") as archive:
        archive.writestr("../escape.txt", b"out")
    assert main(["info", str(copy)]) == 1
    err = capsys.readouterr().err
    assert f"corpuskit: {copy} holds unsafe or corrupt entries; it was not read" in err, err


def test_seeds_release_info(capsys: pytest.CaptureFixture[str]) -> None:
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    assert main(["info", str(seeds), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "seeds" and data["documents"] == 1
    assert data["languages"] == {"en": 1}


@pytest.mark.parametrize("command", ["info", "export"])
def test_help_has_an_example(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([command, "--help"]) == 0
    text = capsys.readouterr().out
    assert "Example:" in text and f"corpuskit {command} " in text


@pytest.mark.parametrize("args", [["info", "{missing}"],
                                  ["export", "{missing}", "--format", "csv", "--out", "{out}"],
                                  ["build", "{missing}", "--out", "{out}"],
                                  ["release", "--seeds", "{missing}", "--out", "{out}"],
                                  ["check", "--seeds", "{missing}", "--dist", "{out}"]])
def test_a_path_that_does_not_exist_is_a_usage_error(args: list[str], tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    """As for validate and diff (exit 2); info and export said exit 1, and build, release
    and check a mistyped seeds folder "has no corpus.toml" (exit 1)."""
    argv = [a.format(missing=tmp_path / "nope", out=tmp_path / "out.csv") for a in args]
    assert main(argv) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "out.csv").exists()


def test_json_of_an_unreadable_package_is_the_failure_document(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A package whose records cannot be read: stdout still holds one JSON document (the
    schema's failure form) naming the problem, so a consumer parsing it is not left with
    nothing; the problem is on stderr too, and the exit status is 1."""
    folder = copy_package(sample(), tmp_path)
    with (folder / "data" / "documents.jsonl").open("ab") as records:
        records.write(b"not json\n")
    assert main(["info", str(folder), "--json"]) == 1
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert validator("info.schema.json").is_valid(data), list(
        validator("info.schema.json").iter_errors(data))
    assert data["path"] == str(folder)
    # Relative to the package in JSON, beside its "path", as validate --format json and
    # export --json name it; joined to the package as given on stderr.
    assert [(p["path"], p["code"], p["location"]) for p in data["problems"]] == [
        ("data/documents.jsonl", "schema-error", "line 7")]
    assert f"error: {folder}/data/documents.jsonl:line 7: not valid JSON" in captured.err
    # The summary form is not what it matches: a failure has no summary fields.
    assert "documents" not in data


@pytest.mark.parametrize("damage", ["a truncated zip", "a folder of notes"])
def test_json_names_a_problem_of_the_path_itself_as_dot(
        damage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A problem of the path itself (a zip cut short, a folder that is no package) is "."
    in the failure JSON, as validate and diff write it, and not the path as typed (QA:
    "r1/trunc.zip", so the JSON depended on the folder the command ran from); stderr
    names it as given."""
    monkeypatch.chdir(tmp_path)
    Path("r1").mkdir()
    if damage == "a truncated zip":
        given, code = "r1/trunc.zip", "archive-error"
        Path(given).write_bytes(sample().archive.read_bytes()[:5000])
    else:
        given, code = "r1/notes", "not-a-package"
        Path(given).mkdir()
        Path(given, "a.txt").write_text("hi\n", "utf-8")
    assert main(["info", given, "--json"]) == 1
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert validator("info.schema.json").is_valid(data)
    assert data["path"] == given
    assert [(p["path"], p["code"]) for p in data["problems"]] == [(".", code)]
    assert f"error: {given}: " in captured.err


@pytest.mark.parametrize("member", ["datapackage.json", "data/documents.jsonl",
                                    "CHANGELOG.md"])
def test_a_corrupt_member_is_said_as_validate_says_it_with_what_to_do(
        member: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A member whose deflated bytes are corrupt: info, diff and export said the reason
    alone ("yields more bytes than ... (corrupt, or a zip bomb)"), and no step to take
    (QA). Each says validate's message for the member, then that the archive is damaged
    and to get it again or restore it (which validate says in its summary)."""
    import zipfile

    from corpuskit.reader import DAMAGED_MEMBER
    from corpuskit.validation import validate

    built = sample()
    data = bytearray(built.archive.read_bytes())
    with zipfile.ZipFile(built.archive) as archive:
        entry = next(i for i in archive.infolist() if i.filename.endswith(f"/{member}"))
    start = entry.header_offset + 30 + len(entry.filename.encode()) + len(entry.extra)
    data[start + entry.compress_size // 2] ^= 0xFF
    damaged = tmp_path / built.archive.name
    damaged.write_bytes(bytes(data))
    [said] = [p.message for p in validate(damaged, jobs=1).problems
              if (p.path, p.code) == (member, "archive-error")]
    assert said.startswith("cannot be read: ")
    expected = f"error: {damaged}:{member}: {said}; {DAMAGED_MEMBER} [archive-error]"
    assert DAMAGED_MEMBER.endswith("get it again from where it was published, or restore it")
    runs = [["info", str(damaged)]]
    if member != "CHANGELOG.md":  # which diff and export do not read
        runs += [["diff", str(built.archive), str(damaged)],
                 ["export", str(damaged), "--format", "csv", "--out", str(tmp_path / "x.csv"),
                  "--no-verify"]]
    for argv in runs:
        assert main(argv) == 1, argv
        assert expected in capsys.readouterr().err.splitlines(), argv


def test_zlib_reason_is_said_without_its_code() -> None:
    """zlib's "Error -3 while decompressing data: " tells a reader nothing (QA)."""
    import zlib

    from corpuskit.zipfiles.memberstream import failure_reason

    corrupt = zlib.error("Error -3 while decompressing data: invalid distance too far back")
    assert failure_reason(corrupt) == "compressed data is corrupt (invalid distance too far back)"


def test_a_count_of_one_is_said_in_the_singular() -> None:
    """Seeds of one file were "1 files" (QA); every count of the table takes its noun in
    the singular for one, the plural otherwise."""
    from dataclasses import replace

    one = replace(info(sample().archive), files=1, bytes=1, archive_bytes=1, characters=1,
                  words=1, raw_bytes=1)
    rows = {line.split("  ", 1)[0]: line.split("  ", 1)[1].strip()
            for line in render(one).splitlines()}
    assert rows["size"] == "1 file, 1 byte (1 byte zipped)"
    assert rows["text"] == "1 character, 1 word"
    assert rows["raw input"] == "1 byte"
    many = replace(one, files=1200, bytes=0, archive_bytes=None, characters=2, words=0)
    rows = {line.split("  ", 1)[0]: line.split("  ", 1)[1].strip()
            for line in render(many).splitlines()}
    assert rows["size"] == "1,200 files, 0 bytes"
    assert rows["text"] == "2 characters, 0 words"


@pytest.mark.parametrize("oversized", ["datapackage.json", "a record line"])
def test_readers_bound_what_they_read_of_a_file(
        oversized: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A descriptor of gigabytes or a records file of one huge line was read whole: info
    and diff ended in a MemoryError traceback. Readers take what validate takes (64 MiB of
    a metadata file, a record line of three times the largest raw file) and name the
    file as too-large; the bounds are lowered here to keep the test small."""
    from corpuskit import packagesource, reader

    folder = copy_package(sample(), tmp_path)
    if oversized == "datapackage.json":
        path = folder / "datapackage.json"
        monkeypatch.setattr(packagesource, "MAX_METADATA_BYTES", path.stat().st_size + 100)
        path.write_text(path.read_text("utf-8") + " " * 8192, "utf-8")
        where = "datapackage.json"
    else:
        path = folder / "data" / "documents.jsonl"
        longest = max(map(len, path.read_bytes().splitlines(keepends=True)))
        monkeypatch.setattr(reader, "MAX_RECORD_LINE_BYTES", longest + 100)
        path.write_bytes(b"x" * (longest + 8192) + b"\n" + path.read_bytes())
        where = "data/documents.jsonl"
    assert main(["info", str(folder)]) == 1
    err = capsys.readouterr().err
    assert f"{where}:" in err and "[too-large]" in err and "Traceback" not in err, err
    assert main(["diff", str(folder), str(folder)]) == 1  # too large, or not as stated
    err = capsys.readouterr().err
    assert f"{where}:" in err and "Traceback" not in err, err


@pytest.mark.parametrize("given", ["a folder", "a text file"])
def test_a_folder_or_file_that_is_neither_says_what_info_takes(given: str,
                                                               tmp_path: Path) -> None:
    """It said "pass a package folder or archive" (a file: "a release's folder or its
    .zip"), leaving out the seeds folder info takes (QA)."""
    path = tmp_path
    if given == "a text file":
        path = tmp_path / "notes.txt"
        path.write_text("hello\n", encoding="utf-8")
    with pytest.raises(InputError) as refused:
        info(path)
    [problem] = refused.value.problems
    assert problem.code == "not-a-package"
    assert problem.message.endswith("pass a package folder, a package .zip or a seeds folder")


def test_a_folder_of_releases_names_the_release_to_pass(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """'info dist' said "neither a package folder nor a seeds folder", naming none of the
    releases it holds (QA): it names the latest release of each corpus in it, the folder
    (or its .zip), or the zip kept without its folder; --json keeps to its schema."""
    dist = tmp_path / "dist"
    dist.mkdir()
    shutil.copyfile(DIST / "corpuskit-seeds-1.0.0.zip", dist / "corpuskit-seeds-1.0.0.zip")
    with pytest.raises(InputError) as refused:  # a zip without its folder
        info(dist)
    [problem] = refused.value.problems
    assert (problem.path, problem.code, problem.message) == (
        str(dist), "not-a-package", "a folder of releases, not one package; pass one of its "
        f"releases: {dist / 'corpuskit-seeds-1.0.0.zip'}, the only release of corpuskit-seeds")
    shutil.copytree(DIST / "corpuskit-seeds-1.0.1", dist / "corpuskit-seeds-1.0.1")
    shutil.copyfile(DIST / "corpuskit-seeds-1.0.1.zip", dist / "corpuskit-seeds-1.0.1.zip")
    said = ("a folder of releases, not one package; pass one of its releases: "
            f"{dist / 'corpuskit-seeds-1.0.1'} (or its .zip), the latest of 2 releases of "
            "corpuskit-seeds")
    with pytest.raises(InputError) as refused:
        info(dist)
    assert [p.message for p in refused.value.problems] == [said]
    capsys.readouterr()
    assert main(["info", str(dist), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert validator("info.schema.json").is_valid(data), list(
        validator("info.schema.json").iter_errors(data))
    assert [(p["code"], p["message"]) for p in data["problems"]] == [("not-a-package", said)]
    assert main(["info", str(dist / "corpuskit-seeds-1.0.1")]) == 0  # as it advises


def test_seeds_with_no_document_to_build_are_a_problem(tmp_path: Path) -> None:
    """build and validate refuse a seeds folder whose only file is excluded; info gave a
    content hash for it."""
    seeds = make_seeds(tmp_path, {"notes.md": "Only notes.\n"},
                       {"discover": {"exclude": ["*.md"]}})
    found = info(seeds)
    assert [(p["path"], p["code"]) for p in found.problems] == [(".", "empty-document")]
    assert found.content_hash is None


def test_files_refused_for_their_names_are_checked_as_validate_checks_them(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file refused for its name (con.txt, a%b.txt) was not read by info: validate and
    build named its content problems too (binary, empty), info only the name's (QA)."""
    from corpuskit.validation import validate

    seeds = make_seeds(tmp_path, {
        "con.txt": b"abc\x00def\n", "a%b.txt": b"",
        "ok.txt": "A plain text about rivers and the towns along them, read slowly.\n"})
    expected = sorted((p.path, p.code) for p in validate(seeds, jobs=1).problems)
    assert expected == [("a%b.txt", "empty-document"), ("a%b.txt", "unsafe-path"),
                        ("con.txt", "binary-file"), ("con.txt", "unsafe-path")]
    summary = info(seeds)
    assert sorted((p["path"], p["code"]) for p in summary.problems) == expected
    assert summary.documents == 1 and summary.content_hash is None
    assert main(["info", str(seeds), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert sorted((p["path"], p["code"]) for p in data["problems"]) == expected


def test_info_names_problem_files_as_validate_does(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """info printed ``problem: bad.txt`` and ``corpus.toml:line 1`` where validate prints
    ``seeds/bad.txt`` and ``seeds/corpus.toml`` (QA): joined to the folder as given."""
    monkeypatch.chdir(tmp_path)
    seeds = write_seeds(tmp_path / "seeds")
    (seeds / "bad.txt").write_bytes(b"\x00\x01\x02binary\x00" * 20)
    capsys.readouterr()
    assert main(["info", "seeds"]) == 1
    assert "error: seeds/bad.txt:line 1: " in capsys.readouterr().err
    assert main(["info", "seeds", "--json"]) == 1
    assert [p["path"] for p in json.loads(capsys.readouterr().out)["problems"]] == ["bad.txt"]
    (seeds / "corpus.toml").write_text('name = "unclosed\n')
    assert main(["info", "seeds"]) == 1
    err = capsys.readouterr().err
    assert "error: seeds/corpus.toml:" in err, err
    assert main(["validate", "seeds"]) == 1
    assert "seeds/corpus.toml:" in capsys.readouterr().out


def test_a_package_folder_without_its_descriptor_names_the_file_as_validate_does(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """info named the missing datapackage.json's problem as the folder's, "." in its JSON
    and the folder alone on stderr, where validate and export name datapackage.json (QA);
    diff did too. Each names the file now, relative to the package in JSON, joined to it
    as given on stderr."""
    monkeypatch.chdir(tmp_path)
    copy_package(sample(), tmp_path).rename("pkg")
    Path("pkg", "datapackage.json").unlink()
    capsys.readouterr()
    assert main(["info", "pkg", "--json"]) == 1
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert validator("info.schema.json").is_valid(data)
    assert [(p["path"], p["code"]) for p in data["problems"]] == [
        ("datapackage.json", "missing-file")]
    assert "error: pkg/datapackage.json: a package folder without this file (it holds " \
        "bagit.txt, " in captured.err, captured.err
    assert main(["info", "pkg"]) == 1
    assert "error: pkg/datapackage.json: a package folder without this file (it holds " \
        "bagit.txt, " in capsys.readouterr().err
    assert main(["validate", "pkg", "--json"]) == 1
    assert {(p["path"], p["code"]) for p in json.loads(capsys.readouterr().out)[
        "problems"]} == {("datapackage.json", "missing-file")}
    assert main(["diff", "pkg", str(sample().release), "--json"]) == 1
    assert [(p["side"], p["path"], p["code"]) for p in json.loads(
        capsys.readouterr().out)["problems"]] == [("old", "datapackage.json", "missing-file")]


@pytest.mark.parametrize("changelog", [True, False])
def test_seeds_files_are_counted_alike_by_info_and_validate(tmp_path: Path,
                                                            changelog: bool) -> None:
    """``validate seeds`` counted the documents only ("1 file") where ``info seeds``
    counted corpus.toml too (QA): both count every file a build reads, corpus.toml and
    CHANGELOG.md among them, and their bytes."""
    from corpuskit.validation import validate

    text = "A plain text about rivers and the towns along them, read slowly.\n"
    seeds = make_seeds(tmp_path, {"a.txt": text, "b.txt": text.upper()})
    if changelog:
        (seeds / "CHANGELOG.md").write_text("# Changelog\n\n## 1.0.0\n\n- First release.\n")
    read = [seeds / "corpus.toml", seeds / "a.txt", seeds / "b.txt"]
    read += [seeds / "CHANGELOG.md"] if changelog else []
    summary, report = info(seeds), validate(seeds)
    assert report.valid, report.problems
    assert summary.files == report.files == len(read)
    assert summary.bytes == report.bytes == sum(path.stat().st_size for path in read)


def test_a_metadata_path_no_file_of_the_package_is_listed_for_seeds(tmp_path: Path) -> None:
    """A license path that no file of the package would be: build and validate refuse the
    seeds, and info listed no problem and gave them a content hash (QA)."""
    seeds = make_seeds(tmp_path, {"good.txt": "Title\n\nSome text here.\n"},
                       {"licenses": [{"name": "CC0-1.0", "path": "LICENSE.txt"}]})
    summary = info(seeds)
    assert [(p["path"], p["code"], p["location"]) for p in summary.problems] == [
        ("corpus.toml", "config-error", "licenses[0].path")]
    assert summary.content_hash is None
    assert summary.documents == 1


def test_a_package_without_its_records_file_is_said_to_be_damaged(tmp_path: Path) -> None:
    """Its data/documents.jsonl deleted, info said "cannot be read: No such file or
    directory [unreadable-file]", with nothing to do (QA)."""
    import shutil

    from _consumers import sample

    package = tmp_path / "package"
    shutil.copytree(sample().release, package)
    (package / "data" / "documents.jsonl").unlink()
    with pytest.raises(InputError) as refused:
        info(package)
    [problem] = refused.value.problems
    assert (problem.path, problem.code) == ("data/documents.jsonl", "missing-file")
    assert problem.message.startswith("not found: the package is damaged"), problem.message


@pytest.mark.parametrize("kind", ["folder", "pipe"])
def test_a_descriptor_that_is_no_file_is_named_so(tmp_path: Path, kind: str) -> None:
    """A datapackage.json that is a folder or a pipe was said to be missing (QA)."""
    import os

    import corpuskit

    package = copy_package(sample(), tmp_path)
    (package / "datapackage.json").unlink()
    if kind == "folder":
        (package / "datapackage.json").mkdir()
    else:
        os.mkfifo(package / "datapackage.json")
    said = {"folder": "a folder", "pipe": "a pipe, socket or device"}[kind]
    for reading in (info, corpuskit.load):
        with pytest.raises(InputError) as caught:
            reading(package)
        [problem] = caught.value.problems
        assert problem.message.startswith(f"its datapackage.json is {said}, not a file: "), \
            problem.message


def test_a_records_error_names_the_package(tmp_path: Path) -> None:
    """A record info() cannot take said "1 problem found: data/documents.jsonl:line 4",
    naming no package (QA); the problem's path stays relative to it."""
    package = copy_package(sample(), tmp_path)
    records = package / "data/documents.jsonl"
    lines = records.read_bytes().splitlines(keepends=True)
    records.write_bytes(b"".join([*lines[:3], lines[2], *lines[3:]]))  # a record twice
    with pytest.raises(InputError) as refused:
        info(package)
    assert refused.value.summary == f"{package}: 1 problem found"
    assert [(p.path, p.code, p.location) for p in refused.value.problems] == [
        ("data/documents.jsonl", "order-error", "line 4")]


@pytest.mark.parametrize("kind", ["link to nothing", "loop of links", "link to a file", "pipe"])
def test_a_package_holding_a_link_or_a_pipe_lists_it_as_validate_does(
        tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A link to nothing (or a loop of links) in a package folder was a traceback from its
    stat, and info --json printed no JSON (QA); it is the unsafe-path problem validate
    reports, and info exits 1, the summary of the rest printed."""
    import os

    package = copy_package(sample(), tmp_path)
    entry = package / "data" / "stray"
    if kind == "link to nothing":
        entry.symlink_to(tmp_path / "nowhere")
    elif kind == "loop of links":
        entry.symlink_to(package / "data" / "other")
        (package / "data" / "other").symlink_to(entry)
    elif kind == "link to a file":
        entry.symlink_to(package / "README.md")
    else:
        os.mkfifo(entry)
    summary = info(package)
    expected = [problem for problem in _validate_problems(package) if problem[1] == "unsafe-path"]
    assert [(p["path"], p["code"], p["message"]) for p in summary.problems] == expected
    assert "data/stray" in {path for path, _, _ in expected}
    assert summary.files == info(sample().release).files  # what is refused is no file of it
    for as_json in ([], ["--json"]):
        capsys.readouterr()
        assert main(["info", str(package), *as_json]) == 1
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        if as_json:
            assert "data/stray" in {p["path"] for p in json.loads(out)["problems"]}
        else:
            assert f"error: {package}/data/stray: " in err and "[unsafe-path]" in err


def _validate_problems(package: Path) -> list[tuple[str, str, str]]:
    """(path, code, message) of each problem validate finds in ``package``."""
    from corpuskit.validation import validate

    return [(p.path, p.code, p.message) for p in validate(package, jobs=1).problems]


@pytest.mark.parametrize("linked", ["data", "data/raw"])
def test_a_linked_folder_is_named_as_the_link_not_a_file_under_it(
        tmp_path: Path, linked: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A package's data/ moved aside and linked back: info (and diff) called
    data/documents.jsonl the symbolic link and advised copying that file in (QA); the
    link is the folder, named as validate names it. data/raw linked: info said nothing,
    its files counted out."""
    from corpuskit import diff

    package = copy_package(sample(), tmp_path)
    outside = tmp_path / "outside"
    (package / linked).rename(outside)
    (package / linked).symlink_to(outside, target_is_directory=True)
    assert linked in {path for path, code, _ in _validate_problems(package)
                      if code == "unsafe-path"}
    if linked == "data/raw":  # the records are read from data/, which is no link
        summary = info(package)
        assert [(p["path"], p["code"]) for p in summary.problems] == [
            ("data/raw", "unsafe-path")]
        assert main(["info", str(package)]) == 1
        assert f"error: {package}/data/raw: symbolic link" in capsys.readouterr().err
        return
    with pytest.raises(InputError) as refused:
        info(package)
    [problem] = refused.value.problems
    assert (problem.path, problem.code) == ("data", "unsafe-path")
    assert "copy the file in" not in problem.message
    assert main(["info", str(package), "--json"]) == 1
    assert [p["path"] for p in json.loads(capsys.readouterr().out)["problems"]] == ["data"]
    with pytest.raises(InputError) as compared:
        diff(sample().archive, package)
    assert [(p.path, p.code) for p in compared.value.problems] == [
        (f"{package}/data", "unsafe-path")]  # diff names each problem with its side


def _nested(folder: Path, depth: int) -> Path:
    """``folder`` with ``depth`` folders ``a`` one in another, made one at a time
    (``os.makedirs`` recurses once a folder)."""
    for _ in range(depth):
        folder = folder / "a"
        folder.mkdir()
    return folder


def _remove_nested(folder: Path) -> None:
    """Removes the folders :func:`_nested` made, from the deepest (``shutil.rmtree``
    recurses once a folder too)."""
    deepest = folder
    while (deepest / "a").is_dir():
        deepest = deepest / "a"
    while True:
        for entry in deepest.iterdir():
            entry.unlink()
        deepest.rmdir()
        if deepest == folder:
            return
        deepest = deepest.parent


def test_a_package_folder_nested_deeper_than_python_recurses_is_checked_as_any(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file 990 folders down a package's data/raw/: info printed a RecursionError's
    traceback (os.walk, recursive in Python 3.11, in the look for linked folders), and
    validate, load and export stopped at an internal-error, "please report this as a bug"
    (the listing of the folder recursed once a folder too) (QA s83). The folder is
    listed as any other: info counts the file, validate names it, as unlisted and as a
    path over 1024 bytes."""
    import sys

    from corpuskit.validation import validate

    package = copy_package(sample(), tmp_path)
    depth = sys.getrecursionlimit() - 10
    top = package / "data" / "raw" / "a"
    try:
        (_nested(package / "data" / "raw", depth) / "f.txt").write_text("hi\n")
        rel = "data/raw/" + "a/" * depth + "f.txt"
        assert info(package).files == info(sample().release).files + 1
        assert main(["info", str(package)]) == 0  # summarized, not a traceback
        assert "Traceback" not in capsys.readouterr().err
        said = {(p.path, p.code) for p in validate(package, jobs=1).problems}
        assert {(rel, "unlisted-file"), (rel, "unsafe-path")} <= said, said
        assert "internal-error" not in {code for _, code in said}
    finally:
        _remove_nested(top)
