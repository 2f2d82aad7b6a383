"""Packages edited by hand, their checksums left stale or not: every reader that is not
``validate`` (info, diff, export --no-verify, load(verify=False)) refuses a field of the
wrong type with a schema error naming the file, line and field, exit 1, never a
traceback; a field read from an unchecked record or descriptor used to crash them."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from _validate_support import built
from forked_cli import corpuskit_in_child as _cli

import corpuskit
from corpuskit.errors import InputError


def _edit_first_record(package: Path, field: str, value: object) -> None:
    records = package / "data" / "documents.jsonl"
    lines = records.read_bytes().splitlines(keepends=True)
    first = json.loads(lines[0])
    first[field] = value
    lines[0] = json.dumps(first, ensure_ascii=False).encode() + b"\n"
    records.write_bytes(b"".join(lines))


def _edit_descriptor(package: Path, edit: Callable[[dict[str, object]], None]) -> None:
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    edit(descriptor)
    path.write_text(json.dumps(descriptor), encoding="utf-8")


def _documents_as_text(descriptor: dict[str, object]) -> None:
    extension = descriptor["corpuskit"]
    assert isinstance(extension, dict)
    extension["documents"] = "3 documents"


EDITS: dict[str, tuple[Callable[[Path], None], str]] = {
    "language null": (lambda p: _edit_first_record(p, "language", None),
                      "data/documents.jsonl:line 1 /language: "),
    "id null": (lambda p: _edit_first_record(p, "id", None),
                "data/documents.jsonl:line 1 /id: "),
    "text a number": (lambda p: _edit_first_record(p, "text", 7),
                      "data/documents.jsonl:line 1 /text: "),
    "words a string": (lambda p: _edit_first_record(p, "words", "many"),
                       "data/documents.jsonl:line 1 /words: "),
    "licenses a string": (lambda p: _edit_descriptor(p, lambda d: d.update(licenses="CC0")),
                          "datapackage.json:/licenses: "),
    "documents a string": (lambda p: _edit_descriptor(p, _documents_as_text),
                           "datapackage.json:/corpuskit/documents: "),
}


@pytest.fixture(params=sorted(EDITS))
def edited(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str]:
    edit, says = EDITS[request.param]
    package = tmp_path / built().release.name
    shutil.copytree(built().release, package)
    edit(package)
    return package, says


def _read_all(package: Path, *, verify: bool = True) -> None:
    """Load ``package`` and read every record (the checks of each run as it is read)."""
    with corpuskit.load(package, verify=verify) as corpus:
        for _ in corpus:
            pass


@pytest.mark.parametrize("command", ["info", "diff", "export"])
def test_readers_refuse_a_hand_edited_field_without_a_traceback(
        command: str, edited: tuple[Path, str], tmp_path: Path) -> None:
    package, says = edited
    args: list[str | Path] = {
        "info": ["info", package],
        "diff": ["diff", built().release, package],
        "export": ["export", package, "--no-verify", "--format", "parquet", "--out",
                   tmp_path / "out.parquet"],
    }[command]
    done = _cli(*args)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    if command == "diff" and says.startswith("data/documents.jsonl:"):
        # diff first finds the records file is not the one datapackage.json states
        assert "data/documents.jsonl: does not have the sha256 datapackage.json states" \
            in done.stderr and "[checksum-mismatch]" in done.stderr, done.stderr
    else:
        assert says in done.stderr and "[schema-error]" in done.stderr
    assert not (tmp_path / "out.parquet").exists()


def test_load_without_verifying_refuses_a_hand_edited_record(edited: tuple[Path, str]) -> None:
    package, says = edited
    with pytest.raises(InputError) as caught:
        _read_all(package, verify=False)
    assert any(problem.render().startswith(says.split(":")[0])
               for problem in caught.value.problems)


def test_readers_refuse_a_record_line_corpuskit_did_not_write(tmp_path: Path) -> None:
    """A record whose key is given twice parses, in orjson, to its last value; another
    JSON reader takes the first. Readers take only the bytes corpuskit writes."""
    package = tmp_path / built().release.name
    shutil.copytree(built().release, package)
    records = package / "data" / "documents.jsonl"
    lines = records.read_bytes().splitlines(keepends=True)
    lines[0] = lines[0][:-2] + b',"title":"Forged"}\n'
    records.write_bytes(b"".join(lines))
    with pytest.raises(InputError) as caught:
        _read_all(package, verify=False)
    assert "form corpuskit writes" in str(caught.value)
    done = _cli("info", package)
    assert done.returncode == 1 and "form corpuskit writes" in done.stderr, done.stderr


def test_readers_and_validate_name_a_record_line_that_is_not_utf8(tmp_path: Path) -> None:
    """A byte inside a character of a record changed (a damaged copy): every reader, and
    validate, said "not valid JSON: str is not valid UTF-8: surrogates not allowed: line
    1 column 1 (char 0)", with no surrogate there, the wrong column and no advice. They
    say the line is not UTF-8, where its first such byte is, and what to do."""
    from corpuskit.validation import validate

    package = tmp_path / built().release.name
    shutil.copytree(built().release, package)
    records = package / "data" / "documents.jsonl"
    lines = records.read_bytes().splitlines(keepends=True)
    number, line = next((n, line) for n, line in enumerate(lines, 1)
                        if any(byte >= 0xC0 for byte in line))
    start = next(at for at, byte in enumerate(line) if byte >= 0xC0)
    lines[number - 1] = line[:start + 1] + b"A" + line[start + 2:]  # a lead byte, then "A"
    records.write_bytes(b"".join(lines))
    column = len(line[:start].decode("utf-8")) + 1
    says = (f"data/documents.jsonl:line {number}: not valid UTF-8 (byte {start:,} of the "
            f"line, in column {column:,}, is {line[start:start + 1]!r}); corpuskit writes "
            "only UTF-8, so the package is damaged: get it again from where it was "
            "published, or, if you built it, build it again [schema-error]")
    for args in (["info", package], ["export", package, "--no-verify", "--format", "csv",
                                     "--out", tmp_path / "out.csv"]):
        done = _cli(*args)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert says in done.stderr and "surrogates" not in done.stderr, done.stderr
    assert not (tmp_path / "out.csv").exists()
    with pytest.raises(InputError) as caught:
        _read_all(package, verify=False)
    assert [problem.render() for problem in caught.value.problems] == [says]
    assert says in [problem.render() for problem in validate(package, jobs=1).problems]


def test_readers_and_validate_name_a_descriptor_that_is_not_utf8(tmp_path: Path) -> None:
    """As of a record line: datapackage.json with a byte that is not UTF-8 was "not valid
    JSON: ... surrogates not allowed: line 1 column 1 (char 0)"."""
    from corpuskit.validation import validate

    package = tmp_path / built().release.name
    shutil.copytree(built().release, package)
    path = package / "datapackage.json"
    data = path.read_bytes()
    start = data.index(b'"title"') + len(b'"title": "')
    path.write_bytes(data[:start] + b"\xff" + data[start + 1:])
    number = data.count(b"\n", 0, start) + 1
    column = start - data.rfind(b"\n", 0, start)
    says = (f"datapackage.json: not valid UTF-8 (byte {start:,}, on line {number:,}, in "
            f"column {column:,}, is b'\\xff'); corpuskit writes only UTF-8, so the package "
            "is damaged")
    done = _cli("info", package)
    assert done.returncode == 1 and says in done.stderr, done.stderr
    located = says.replace("datapackage.json: ", f"datapackage.json:line {number}: ", 1)
    assert any(problem.render().startswith(located)
               for problem in validate(package, jobs=1).problems)


def _resigned_copy(tmp_path: Path, edit: Callable[[Path], None]) -> Path:
    from _validate_support import resign

    package = tmp_path / built().release.name
    shutil.copytree(built().release, package)
    edit(package)
    resign(package)
    return package


def _first_record(package: Path, old: bytes, new: bytes) -> None:
    records = package / "data" / "documents.jsonl"
    lines = records.read_bytes().split(b"\n")
    assert old in lines[0]
    lines[0] = lines[0].replace(old, new, 1)
    records.write_bytes(b"\n".join(lines))


@pytest.mark.parametrize(("change", "says"), [
    ("a whole number as a float", ".0: a whole number written as a float (with a decimal "
                                  "point or an exponent), which corpuskit never writes (chars "),
    ("a whole number with an exponent", ".0: a whole number written as a float (with a "
                                        "decimal point or an exponent), which corpuskit never "
                                        "writes (chars "),
    # QA: an integer past 64 bits was said to hold a decimal point, and quoted as a number
    # the file does not hold (the float's).
    ("a whole number past 64 bits", ": the record holds a number past 64 bits, or written "
                                    "with a decimal point or an exponent (read as a float), "
                                    "in chars, which corpuskit never writes"),
    ("a day February lacks", "is not a real calendar date"),
    ("a license that is no object", "/licenses/0: None is not of type 'object'"),
])
def test_readers_refuse_what_only_a_stricter_look_finds(change: str, says: str,
                                                        tmp_path: Path) -> None:
    """Re-signed, so that load verifies it: info crashed on chars 74.0 and on a license
    of null, and every reader took 2023-02-30, which validate refuses."""
    def edit(package: Path) -> None:
        if change.startswith("a whole number"):
            chars = json.loads((package / "data/documents.jsonl").read_bytes()
                               .split(b"\n")[0])["chars"]
            written = (f"{chars}.0" if change.endswith("float") else f"{chars}e0"
                       if change.endswith("exponent") else str((1 << 64) + chars))
            _first_record(package, f'"chars":{chars},'.encode(), f'"chars":{written},'.encode())
        elif change == "a day February lacks":
            date = json.loads((package / "data/documents.jsonl").read_bytes()
                              .split(b"\n")[0])["date"]
            old = f'"date":"{date}"' if date else '"date":null'
            _first_record(package, old.encode(), b'"date":"2023-02-30"')
        else:
            _edit_descriptor(package, lambda d: d.update(licenses=[None]))
    package = _resigned_copy(tmp_path, edit)
    done = _cli("info", package)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert says in done.stderr
    with pytest.raises(InputError):
        _read_all(package)


def test_readers_name_a_damaged_archive_member_without_a_traceback(tmp_path: Path) -> None:
    """A central directory offset moved by a few bytes: info, diff and export --no-verify
    ended in ArchiveReadError tracebacks."""
    import struct
    data = bytearray(built().archive.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    offset = struct.unpack_from("<I", data, end + 16)[0]
    struct.pack_into("<I", data, end + 16, offset + 7)
    damaged = tmp_path / built().archive.name
    damaged.write_bytes(bytes(data))
    for args in (["info", damaged], ["diff", built().release, damaged],
                 ["export", damaged, "--no-verify", "--format", "csv", "--out",
                  tmp_path / "out.csv"]):
        done = _cli(*args)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert "[archive-error]" in done.stderr
    with pytest.raises(InputError):
        corpuskit.load(damaged, verify=False)


@pytest.mark.parametrize("at", [0.25, 0.5, 0.75])
def test_a_flipped_bit_in_the_records_is_named_as_archive_damage(tmp_path: Path,
                                                                 at: float) -> None:
    """One bit flipped in the deflated records (a damaged download): info, diff and
    export --no-verify blamed the garbled line it inflates to (schema-error, "not valid
    JSON") rather than the archive, whose CRC-32 check comes at the member's end."""
    import zipfile

    source = built().archive
    member = zipfile.ZipFile(source).getinfo(f"{built().release.name}/data/documents.jsonl")
    data = bytearray(source.read_bytes())
    data[member.header_offset + 30 + len(member.filename) + int(member.compress_size * at)] ^= 1
    damaged = tmp_path / source.name
    damaged.write_bytes(bytes(data))
    for args in (["info", damaged], ["diff", built().release, damaged],
                 ["export", damaged, "--no-verify", "--format", "csv", "--out",
                  tmp_path / "out.csv"]):
        done = _cli(*args)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert "[archive-error]" in done.stderr and "[schema-error]" not in done.stderr, \
            (args[0], done.stderr)


def test_a_descriptor_key_given_twice_is_refused_everywhere(tmp_path: Path) -> None:
    """orjson keeps the last "name", other JSON readers the first: two tools would read
    two packages. validate and every reader passed it, re-signed."""
    from corpuskit.validation import validate

    def edit(package: Path) -> None:
        path = package / "datapackage.json"
        text = path.read_text(encoding="utf-8")
        name = json.loads(text)["name"]
        path.write_text(text.replace(f'"name": "{name}",', f'"name": "evil",\n  "name": "{name}",',
                                     1), encoding="utf-8")

    from _consumers import rewrite_tagmanifest

    package = tmp_path / built().release.name
    shutil.copytree(built().release, package)
    edit(package)
    rewrite_tagmanifest(package)  # the only checksum over datapackage.json
    report = validate(package, jobs=1)
    assert any("is given twice" in p.message for p in report.problems)
    done = _cli("info", package)
    assert done.returncode == 1 and "is given twice" in done.stderr, done.stderr


@pytest.mark.parametrize(("change", "says"), [
    ("no records", "/corpuskit/documents"),
    ("the last record twice", "comes after"),
    ("two records swapped", "comes after"),
])
def test_readers_hold_the_records_to_their_count_and_order(change: str, says: str,
                                                           tmp_path: Path) -> None:
    """Re-signed: load yielded [] for a package that says it holds records (len() said
    otherwise), or a record twice, or records out of order; info exited 0."""
    def edit(package: Path) -> None:
        path = package / "data" / "documents.jsonl"
        lines = path.read_bytes().splitlines(keepends=True)
        if change == "no records":
            lines = []
        elif change == "the last record twice":
            lines.append(lines[-1])
        else:
            lines[0], lines[1] = lines[1], lines[0]
        path.write_bytes(b"".join(lines))

    package = _resigned_copy(tmp_path, edit)
    done = _cli("info", package)
    assert done.returncode == 1 and says in done.stderr + done.stdout, done.stderr
    with pytest.raises(InputError) as caught:
        _read_all(package)
    assert any(says in f"{p.location} {p.message}" or "appears on an earlier line too"
               in p.message for p in caught.value.problems)


def test_load_checks_the_count_of_records_before_it_yields_one(tmp_path: Path) -> None:
    """A record removed and the package re-signed, corpuskit.documents left as it was:
    load called it verified, len() gave the stated count, and iterating yielded every
    remaining record before it raised. The count is checked when it loads now."""
    def drop_last(package: Path) -> None:
        records = package / "data" / "documents.jsonl"
        lines = records.read_bytes().splitlines(keepends=True)
        records.write_bytes(b"".join(lines[:-1]))
    package = _resigned_copy(tmp_path, drop_last)  # which counts what is left
    from _consumers import rewrite_tagmanifest

    stated = json.loads((built().release / "datapackage.json").read_bytes())["corpuskit"][
        "documents"]
    _edit_descriptor(package, lambda d: d["corpuskit"].update(documents=stated))
    rewrite_tagmanifest(package)
    with pytest.raises(corpuskit.PackageIntegrityError) as caught:
        corpuskit.load(package)
    counted = [p for p in caught.value.problems if p.location == "/corpuskit/documents"]
    assert [(p.path, p.code) for p in counted] == [("datapackage.json", "metadata-mismatch")]
    assert f"corpuskit.documents says {stated}" in counted[0].message
    assert f"{stated - 1} records" in counted[0].message


@pytest.mark.parametrize("edit", ["text", "raw file"])
def test_load_refuses_a_re_signed_record_that_disagrees_with_itself_or_its_raw_file(
        edit: str, tmp_path: Path) -> None:
    """Every checksum redone after an edit (a record's text, or a raw file): validate's
    cross-checks catch it, and load called the package verified and yielded the record.
    load and export now make the same cross-checks as the records are read."""
    def change(package: Path) -> None:
        first = json.loads((package / "data/documents.jsonl").read_bytes().split(b"\n")[0])
        if edit == "text":
            word = first["text"].split()[0].encode()
            _first_record(package, b'"text":"' + word, b'"text":"' + word + b"X")
        else:
            raw = package / "data" / "raw" / first["source_path"]
            raw.write_bytes(raw.read_bytes() + b" ")
    package = _resigned_copy(tmp_path, change)
    assert not corpuskit.validate(package, jobs=1).valid
    with pytest.raises(corpuskit.PackageIntegrityError) as caught:
        _read_all(package)
    [problem] = caught.value.problems
    assert (problem.path, problem.code, problem.location) == (
        "data/documents.jsonl", "record-mismatch", "line 1")
    assert ("source_sha256" in problem.message) == (edit == "raw file")
    done = _cli("export", package, "--format", "csv", "--out", tmp_path / "out.csv")
    assert done.returncode == 1 and "[record-mismatch]" in done.stderr, done.stderr
    assert not (tmp_path / "out.csv").exists()


def _forged_copy_of_the_records(package: Path) -> str:
    """A copy of data/documents.jsonl with its first title changed, as data/other.jsonl."""
    records = (package / "data/documents.jsonl").read_bytes()
    first = json.loads(records.split(b"\n")[0])
    old = json.dumps(first["title"], ensure_ascii=False).encode()
    (package / "data/other.jsonl").write_bytes(records.replace(old, b'"Forged"', 1))
    return "data/other.jsonl"


@pytest.mark.parametrize(("change", "where"), [
    ("records read from a forged copy", "/resources/0/path"),
    ("records split over two files", "/resources/0/path"),
    ("a resource corpuskit does not write", "/resources/1"),
])
def test_the_records_resource_is_the_one_corpuskit_wrote(change: str, where: str,
                                                         tmp_path: Path) -> None:
    """A re-signed descriptor pointing the documents resource at a forged copy passed
    validate (frictionless reads the copy), and one splitting it into two paths passed
    validate and crashed export and load with a TypeError."""
    def edit(package: Path) -> None:
        other = _forged_copy_of_the_records(package)
        resources = json.loads((package / "datapackage.json").read_text())["resources"]
        if change == "records read from a forged copy":
            resources[0]["path"] = other
        elif change == "records split over two files":
            resources[0]["path"] = ["data/documents.jsonl", other]
        else:
            resources.append({**resources[0], "name": "notes", "path": other})
        _edit_descriptor(package, lambda d: d.update(resources=resources))
    package = _resigned_copy(tmp_path, edit)
    report = corpuskit.validate(package, jobs=1)
    found = {(p.code, p.location) for p in report.problems if p.path == "datapackage.json"}
    assert ("metadata-mismatch", where) in found, report.problems
    with pytest.raises(InputError):
        _read_all(package)
    done = _cli("export", package, "--format", "csv", "--out", tmp_path / "out.csv")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "metadata-mismatch" in done.stderr and not (tmp_path / "out.csv").exists()
