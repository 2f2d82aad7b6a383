"""Agreement with tools nobody here wrote: frictionless (Data Package) and bagit (BagIt).

On a valid package all three say valid; on each kind of damage the other tool can see, it
fails and so does corpuskit. Damage is re-signed where needed so that corpuskit has to
find it with the same kind of check, not only through a changed checksum.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _validate_support import built, copy_release, records, resign, sha256, write_records

from corpuskit.validation import render_text, validate

PLAIN = "plain"
frictionless = pytest.importorskip("frictionless")
bagit = pytest.importorskip("bagit")


def frictionless_valid(package: Path) -> bool:
    report = frictionless.validate(str(package / "datapackage.json"))
    return bool(report.valid)


def bagit_valid(package: Path) -> bool:
    try:
        bagit.Bag(str(package)).validate()
    except bagit.BagError:
        return False
    return True


def retag(package: Path) -> None:
    """Re-sign the tag manifest only (a tag file was edited on purpose)."""
    lines = []
    for line in (package / "tagmanifest-sha256.txt").read_text().splitlines():
        rel = line.split("  ", 1)[1]
        lines.append(f"{sha256((package / rel).read_bytes())}  {rel}")
    (package / "tagmanifest-sha256.txt").write_text("\n".join(lines) + "\n")


def edit_descriptor(package: Path, change: Callable[[dict], None]) -> None:  # type: ignore[type-arg]
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text())
    change(descriptor)
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n")
    retag(package)


def edit_records(package: Path, change: Callable[[list[dict]], None]) -> None:  # type: ignore[type-arg]
    items = records(package)
    change(items)
    write_records(package, items)
    resign(package)


def test_all_agree_on_a_valid_package(tmp_path: Path) -> None:
    for target in (built(PLAIN).release, copy_release(tmp_path, PLAIN)):
        assert validate(target, jobs=1).valid
        assert frictionless_valid(target)
        assert bagit_valid(target)


def test_percent_in_a_file_name_follows_rfc_8493() -> None:
    """``%`` is written ``%25`` in manifests (RFC 8493 §2.1.3); corpuskit decodes it.

    bagit-python 1.9 does not decode ``%25`` and rejects such a bag; frictionless agrees
    with corpuskit. (A known bagit-python deviation: that is why corpuskit refuses '%' in
    the names it packages; this package stands for one another BagIt tool made.)
    """
    release = built("percent").release
    assert "percent%25sign.txt" in (release / "manifest-sha256.txt").read_text()
    assert validate(release, jobs=1).valid and frictionless_valid(release)


# -- damage frictionless sees ------------------------------------------------------------------

def _set(index: int, key: str, value: object) -> Callable[[list[dict]], None]:  # type: ignore[type-arg]
    def change(items: list[dict]) -> None:  # type: ignore[type-arg]
        items[index][key] = value
    return change


FRICTIONLESS_DAMAGE: dict[str, tuple[str, Callable[[Path], object]]] = {
    "resource bytes": ("descriptor", lambda p: edit_descriptor(
        p, lambda d: d["resources"][0].update(bytes=d["resources"][0]["bytes"] + 7))),
    "resource hash": ("descriptor", lambda p: edit_descriptor(
        p, lambda d: d["resources"][0].update(hash="sha256:" + "0" * 64))),
    "descriptor not JSON": ("descriptor", lambda p: (p / "datapackage.json").write_text("{")),
    "missing data file": ("data", lambda p: (p / "data/documents.jsonl").unlink()),
    "wrong cell type": ("records", lambda p: edit_records(p, _set(0, "words", "many"))),
    "missing required value": ("records", lambda p: edit_records(p, _set(1, "language", None))),
    "bad date": ("records", lambda p: edit_records(p, _set(2, "date", "2023-02-30x"))),
    "duplicate primary key": ("records", lambda p: edit_records(
        p, lambda items: items.insert(1, dict(items[0])))),
    # The descriptor says the records are other than they are (tag manifest re-signed).
    "field renamed": ("descriptor", lambda p: edit_descriptor(
        p, lambda d: _field(d, 1).update(name="heading"))),
    "field removed": ("descriptor", lambda p: edit_descriptor(
        p, lambda d: d["resources"][0]["schema"]["fields"].pop(5))),
    "fields swapped": ("descriptor", lambda p: edit_descriptor(
        p, lambda d: _swap(d["resources"][0]["schema"]["fields"], 0, 1))),
    "field constraint added": ("descriptor", lambda p: edit_descriptor(
        p, lambda d: _field(d, 3)["constraints"].update(enum=["xx"]))),
    "primary key changed": ("descriptor", lambda p: edit_descriptor(
        p, lambda d: d["resources"][0]["schema"].update(primaryKey=["language"]))),
    "missing values": ("descriptor", lambda p: edit_descriptor(
        p, lambda d: d["resources"][0]["schema"].update(missingValues=["en"]))),
    "format csv": ("descriptor", lambda p: edit_descriptor(
        p, lambda d: d["resources"][0].update(format="csv", mediatype="text/csv"))),
    "dialect": ("descriptor", lambda p: edit_descriptor(
        p, lambda d: d["resources"][0].update(dialect={"header": False}))),
    # Keys corpuskit does not write, which frictionless reads (QA: each passed validate):
    # every record read twice, a row count, a compression, the resource named twice.
    "extrapaths": ("descriptor", lambda p: edit_descriptor(
        p, lambda d: d["resources"][0].update(extrapaths=["data/documents.jsonl"]))),
    "rows": ("descriptor", lambda p: edit_descriptor(
        p, lambda d: d["resources"][0].update(rows=1))),
    "compression": ("descriptor", lambda p: edit_descriptor(
        p, lambda d: d["resources"][0].update(compression="gz"))),
    "resource listed twice": ("descriptor", lambda p: edit_descriptor(
        p, lambda d: d["resources"].append(dict(d["resources"][0])))),
}


def _field(descriptor: dict, number: int) -> dict:  # type: ignore[type-arg]
    field: dict = descriptor["resources"][0]["schema"]["fields"][number]  # type: ignore[type-arg]
    return field


def _swap(items: list, first: int, second: int) -> None:  # type: ignore[type-arg]
    items[first], items[second] = items[second], items[first]


@pytest.mark.parametrize("case", sorted(FRICTIONLESS_DAMAGE))
def test_frictionless_and_corpuskit_both_fail(tmp_path: Path, case: str) -> None:
    package = copy_release(tmp_path, PLAIN)
    FRICTIONLESS_DAMAGE[case][1](package)
    assert not frictionless_valid(package), case
    report = validate(package, jobs=1)
    assert not report.valid, case
    assert "internal-error" not in {p.code for p in report.problems}, render_text(report)
    if FRICTIONLESS_DAMAGE[case][0] == "descriptor" and "resource" not in case \
            and case != "descriptor not JSON":
        assert {(p.path, p.code) for p in report.problems} == {
            ("datapackage.json", "metadata-mismatch")}, render_text(report)


def test_prose_in_the_table_schema_is_held_to_corpuskit_s(tmp_path: Path) -> None:
    """Titles, descriptions and examples of the table and its fields tell what the values
    mean: they were free, and "date" described as the day a document was retracted, or
    "chars" as a size in bytes, passed, while croissant.json restates corpuskit's words
    (QA). frictionless reads no meaning in them and still passes the package; corpuskit
    names each one changed."""
    package = copy_release(tmp_path, PLAIN)

    def reword(descriptor: dict) -> None:  # type: ignore[type-arg]
        schema = descriptor["resources"][0]["schema"]
        schema["description"] = "The records, one per line."
        for field in schema["fields"]:
            field.update(description="Reworded.")
        _field(descriptor, 0)["example"] = "docs/readme"

    edit_descriptor(package, reword)
    assert frictionless_valid(package)
    report = validate(package, jobs=1)
    fields = len(json.loads((package / "datapackage.json").read_bytes())["resources"][0]
                 ["schema"]["fields"])
    assert sorted(p.location for p in report.problems) == sorted(
        ["/resources/0/schema/description",
         *(f"/resources/0/schema/fields/{n}" for n in range(fields))]), render_text(report)
    assert {p.code for p in report.problems} == {"metadata-mismatch"}


@pytest.mark.parametrize(("edit", "pointer"), [
    (lambda d: d["resources"][0].update(licenses=[{"name": "CC0-1.0"}]),
     "/resources/0/licenses"),
    (lambda d: d["resources"][0].update(sources=[{"title": "Elsewhere"}]),
     "/resources/0/sources"),
    (lambda d: d.update(id="https://doi.org/10.0/forged"), "/id"),
    (lambda d: d.update({"x-provenance": "machine-generated"}), "/x-provenance"),
    # Pointers escaped as RFC 6901 says: unescaped, the first named the package's sound
    # first license and the second nothing (QA).
    (lambda d: d.update({"licenses/0": "x"}), "/licenses~10"),
    (lambda d: d["resources"][0].update({"p/q": 1}), "/resources/0/p~1q"),
    (lambda d: d["resources"][0].update({"a~b": 1}), "/resources/0/a~0b"),
])
def test_keys_corpuskit_does_not_write_are_refused(tmp_path: Path, edit: Any,
                                                   pointer: str) -> None:
    """A resource's own licenses made frictionless report the records as CC0 while the
    package, its card and Croissant say all rights reserved; a package id or an x- key
    said what no other file of the package says. frictionless passes them (the profile
    allows more keys); corpuskit names each, as no build writes it (QA)."""
    package = copy_release(tmp_path, PLAIN)
    edit_descriptor(package, edit)
    assert frictionless_valid(package)
    report = validate(package, jobs=1)
    assert [(p.path, p.code, p.location) for p in report.problems] == [
        ("datapackage.json", "metadata-mismatch", pointer)], render_text(report)
    assert "not a key corpuskit writes" in report.problems[0].message


def test_a_table_schema_key_is_located_by_an_escaped_pointer(tmp_path: Path) -> None:
    """A key of the table schema holding ``/`` is located as RFC 6901 says (QA: the keys
    of datapackage.json were located unescaped, naming another value or none)."""
    package = copy_release(tmp_path, PLAIN)
    edit_descriptor(package, lambda d: d["resources"][0]["schema"].update({"x/y": 1}))
    report = validate(package, jobs=1)
    assert [(p.code, p.location) for p in report.problems] == [
        ("metadata-mismatch", "/resources/0/schema/x~1y")], render_text(report)


@pytest.mark.parametrize("email", ["data@localhost", "jane@example.org ", "a..b@example.org"])
def test_an_email_frictionless_refuses_is_refused(tmp_path: Path, email: str) -> None:
    """jsonschema's "email" format asks only for an "@": build and validate passed
    addresses frictionless refuses (a package of ours failing frictionless validate, QA).
    In a descriptor it is a schema-error at its pointer, as frictionless reports it."""
    package = copy_release(tmp_path, PLAIN)
    edit_descriptor(package, lambda d: d["sources"][0].update(email=email))
    assert not frictionless_valid(package)
    report = validate(package, jobs=1)
    assert ("datapackage.json", "schema-error", "/sources/0/email") in {
        (p.path, p.code, p.location) for p in report.problems}, render_text(report)


@pytest.mark.parametrize(("edit", "pointer"), [
    (lambda d: d["resources"][0].update(name=["documents"]), "/resources/0"),
    (lambda d: d["resources"][0].update(name={}), "/resources/0"),
    (lambda d: d["resources"][0]["schema"]["fields"].append(
        dict(d["resources"][0]["schema"]["fields"][-1])), "/resources/0/schema/fields"),
])
def test_a_descriptor_of_odd_shapes_is_reported_not_a_bug(tmp_path: Path, edit: Any,
                                                          pointer: str) -> None:
    """A resource name that is a list or an object, a field listed twice (none missing):
    each ended the check in an internal error, so nothing after it was checked (QA)."""
    package = copy_release(tmp_path, PLAIN)
    edit_descriptor(package, edit)
    report = validate(package, jobs=1)
    codes = {p.code for p in report.problems}
    assert "internal-error" not in codes and not report.valid, render_text(report)
    assert ("datapackage.json", "metadata-mismatch", pointer) in {
        (p.path, p.code, p.location) for p in report.problems}, render_text(report)


# -- damage bagit sees -------------------------------------------------------------------------

def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _oxum(package: Path) -> None:
    info = package / "bag-info.txt"
    info.write_text("\n".join(
        "Payload-Oxum: 1.1" if line.startswith("Payload-Oxum") else line
        for line in info.read_text().splitlines()) + "\n")
    retag(package)


BAGIT_DAMAGE: dict[str, Callable[[Path], object]] = {
    "payload byte flipped": lambda p: _flip(p / "data/raw/nfd.txt"),
    "records byte flipped": lambda p: _flip(p / "data/documents.jsonl"),
    "payload file missing": lambda p: (p / "data/raw/fr_bom.txt").unlink(),
    "unexpected payload file": lambda p: (p / "data/raw/stray.txt").write_text("x\n"),
    "tag file changed": lambda p: (p / "README.md").write_text("changed\n"),
    "manifest line damaged": lambda p: (p / "manifest-sha256.txt").write_text(
        (p / "manifest-sha256.txt").read_text().replace("raw/nfd.txt", "raw/nfe.txt")),
    "payload oxum": _oxum,
    "no bagit.txt": lambda p: (p / "bagit.txt").unlink(),
}


@pytest.mark.parametrize("case", sorted(BAGIT_DAMAGE))
def test_bagit_and_corpuskit_both_fail(tmp_path: Path, case: str) -> None:
    package = copy_release(tmp_path, PLAIN)
    BAGIT_DAMAGE[case](package)
    assert not bagit_valid(package), case
    report = validate(package, jobs=1)
    assert not report.valid, case
    assert "internal-error" not in {p.code for p in report.problems}, render_text(report)


def test_damage_only_corpuskit_sees(tmp_path: Path) -> None:
    """A re-signed record whose text no longer matches its hashes: only the cross-checks see it."""
    package = copy_release(tmp_path, PLAIN)
    edit_records(package, _set(0, "text", "Replaced text that no hash covers.\n"))
    assert frictionless_valid(package) and bagit_valid(package)
    assert {p.code for p in validate(package, jobs=1).problems} == {"record-mismatch"}


def test_metadata_files_only_corpuskit_compares(tmp_path: Path) -> None:
    """croissant.json and the data card saying another license and language than
    datapackage.json and the records (tag manifest re-signed): frictionless and bagit
    do not read them, corpuskit reports each."""
    package = copy_release(tmp_path, PLAIN)
    croissant = json.loads((package / "croissant.json").read_text("utf-8"))
    croissant.update(license="https://creativecommons.org/publicdomain/zero/1.0/",
                     inLanguage=["fr"])
    (package / "croissant.json").write_text(json.dumps(croissant, indent=2) + "\n", "utf-8")
    card = (package / "README.md").read_text("utf-8")
    (package / "README.md").write_text(card.replace("\nlicense: cc0-1.0\n", "\nlicense: mit\n"),
                                       "utf-8")
    retag(package)
    assert frictionless_valid(package) and bagit_valid(package)
    assert {(p.path, p.code, p.location) for p in validate(package, jobs=1).problems} == {
        ("croissant.json", "metadata-mismatch", "/license"),
        ("croissant.json", "metadata-mismatch", "/inLanguage"),
        ("README.md", "metadata-mismatch", "line 3")}
