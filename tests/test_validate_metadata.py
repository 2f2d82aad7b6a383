"""croissant.json and the data card (README.md) against datapackage.json and the records.

Each edit below changes one fact in croissant.json or README.md and re-signs the tag
manifest (the only checksum of those files), as a careful forger would: nothing but the
cross-checks of the metadata files can see it. It must be reported, at its JSON pointer
or line, for the package folder and for its archive (written by corpuskit's own writer,
sealed), and be the only problem. Intact packages (the seed release in dist/, a
multilingual one with Parquet, contributors, homepage and keywords, and one with none of
those) stay valid, with and without ``--fast``.
"""

from __future__ import annotations

import json
import re
import shutil
from array import array
from collections import Counter
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from _consumers import rewrite_tagmanifest, sample
from _validate_support import (
    built,
    records,
    resign,
    restate_metadata,
    write_records,
    write_seeds,
)
from conftest import SEED_RELEASE, copy_seeds_as_template

import corpuskit
from corpuskit.config import DEFAULT_COMPRESSION
from corpuskit.package import CorpusStats, data_card
from corpuskit.validation import render_text, validate
from corpuskit.validation.card import (
    BODY_LINES,
    CITATION,
    COUNT_LINES,
    LANGUAGE_LINES,
    PARAGRAPHS,
    SECTIONS,
    STATISTICS,
    _header_end,
    _units,
)
from corpuskit.validation.croissant import check_croissant
from corpuskit.validation.jsondiff import ABSENT, differences, shown, shown_pair
from corpuskit.validation.records import Tally
from corpuskit.validation.restated import Restated, config_from_descriptor
from corpuskit.writer import write_archive
from corpuskit.zipfiles.deflate import COMPRESSIONS

CROISSANT = "croissant.json"
README = "README.md"
MISMATCH = "metadata-mismatch"

#: The intact packages the edits are made to: name → package folder.
PACKAGES: dict[str, Callable[[], Path]] = {
    "seed release": lambda: SEED_RELEASE,
    "multilingual, parquet, contributors": lambda: sample().release,
    "messy, no parquet": lambda: built().release,
}

Found = set[tuple[str, str, str]]


def _zip_of(folder: Path, dest: Path) -> Path:
    """``folder`` as corpuskit archives a release (sealed, reproducible form)."""
    created = json.loads((folder / "datapackage.json").read_bytes()).get("created")
    archive = dest / f"{folder.name}.zip"
    write_archive(folder, archive, created, root=folder.name,
                  compression=COMPRESSIONS[DEFAULT_COMPRESSION])
    return archive


def _found(target: Path, **options: Any) -> Found:
    report = validate(target, jobs=1, **options)
    return {(p.path, p.code, p.location) for p in report.problems}


def _copy(package: str, tmp_path: Path) -> Path:
    source = PACKAGES[package]()
    return Path(shutil.copytree(source, tmp_path / "edited" / source.name))


# -- croissant.json ------------------------------------------------------------------------

def _edit_croissant(package: Path, change: Callable[[dict[str, Any]], Found]) -> Found:
    path = package / CROISSANT
    document = json.loads(path.read_text("utf-8"))
    expected = change(document)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return expected


def _at(*pointers: str, code: str = MISMATCH) -> Found:
    return {(CROISSANT, code, pointer) for pointer in pointers}


def _remote(document: dict[str, Any]) -> Found:
    document["distribution"][0]["contentUrl"] = "https://evil.example/documents.jsonl"
    return _at("/distribution/0/contentUrl")


def _remote_with_zero_sha256(document: dict[str, Any]) -> Found:
    """QA's edit: a FileObject moved off the package, its sha256 made up."""
    document["distribution"][0].update(contentUrl="https://evil.example/documents.jsonl",
                                       sha256="0" * 64)
    return _at("/distribution/0/contentUrl", "/distribution/0/sha256")


def _another_file(document: dict[str, Any], package: Path) -> Found:
    """The records' FileObject names a raw file, with that file's true size and sha256:
    every digest checks, only the comparison with what corpuskit writes sees it."""
    import hashlib
    raw = sorted((package / "data/raw").rglob("*.txt"))[0]
    data = raw.read_bytes()
    document["distribution"][0].update(contentUrl=raw.relative_to(package).as_posix(),
                                       contentSize=f"{len(data)} B",
                                       sha256=hashlib.sha256(data).hexdigest())
    return _at("/distribution/0/contentUrl", "/distribution/0/contentSize",
               "/distribution/0/sha256")


def _remote_file_set(document: dict[str, Any]) -> Found:
    last = len(document["distribution"]) - 1
    document["distribution"][last]["includes"] = "https://evil.example/**"
    return _at(f"/distribution/{last}/includes")


def _source_not_a_file_object(document: dict[str, Any]) -> Found:
    document["recordSet"][0]["field"][3]["source"]["fileObject"]["@id"] = "data/raw"
    return _at("/recordSet/0/field/3/source/fileObject/@id", code="schema-error")


def _source_another_file_object(document: dict[str, Any]) -> Found:
    """A field read from another declared FileObject (the JSON Lines file, where the
    record set reads the Parquet file; else a second FileObject added for it, a copy of
    the first with a remote URL)."""
    source = document["recordSet"][0]["field"][3]["source"]["fileObject"]["@id"]
    ids = [item["@id"] for item in document["distribution"]
           if item["@type"] == "cr:FileObject" and item["@id"] != source]
    expected = _at("/recordSet/0/field/3/source/fileObject/@id")
    if not ids:
        # The raw FileSets (one per media type of the raw files) move one on each.
        sets = sum(item["@type"] == "cr:FileSet" for item in document["distribution"])
        extra = dict(document["distribution"][0], **{"@id": "elsewhere",
                                                      "contentUrl": "https://evil.example/x"})
        document["distribution"].insert(1, extra)
        ids.append("elsewhere")
        expected = _at("/recordSet/0/field/3/source/fileObject/@id", "/distribution/1/@id",
                       "/distribution/1/contentUrl", "/distribution/1/name",
                       "/distribution/1/description", "/distribution/1/contentSize",
                       "/distribution/1/encodingFormat", "/distribution/1/sha256",
                       "/distribution/1/includes", "/distribution/1/@type",
                       *(f"/distribution/{index}/{key}" for index in range(2, sets + 1)
                         for key in ("@id", "name", "description", "encodingFormat",
                                     "includes")),
                       f"/distribution/{sets + 1}")
    document["recordSet"][0]["field"][3]["source"]["fileObject"]["@id"] = ids[0]
    return expected


def _license(document: dict[str, Any]) -> Found:
    document["license"] = "https://creativecommons.org/publicdomain/zero/1.0/"
    return _at("/license")


def _in_language(document: dict[str, Any]) -> Found:
    document["inLanguage"] = ["fr"]
    return _at("/inLanguage")


def _description(document: dict[str, Any]) -> Found:
    document["description"] = "A corpus of something else."
    return _at("/description")


def _keywords(document: dict[str, Any]) -> Found:
    document["keywords"] = ["evil"]
    return _at("/keywords")


def _creator(document: dict[str, Any]) -> Found:
    if "creator" in document:
        document["creator"][0]["name"] = "Mallory"
        return _at("/creator/0/name")
    document["creator"] = [{"@type": "sc:Person", "name": "Mallory"}]
    return _at("/creator")


def _url(document: dict[str, Any]) -> Found:
    document["url"] = "https://evil.example/"
    return _at("/url")


def _cite_as(document: dict[str, Any]) -> Found:
    document["citeAs"] = document["citeAs"].replace("version = {", "version = {9")
    return _at("/citeAs")


def _preprocessing(document: dict[str, Any]) -> Found:
    steps = document["rai:dataPreprocessingProtocol"]
    steps[0] = re.sub(r"changed \d+", "changed 999", steps[0])
    return _at("/rai:dataPreprocessingProtocol")


CROISSANT_EDITS: dict[str, Callable[[dict[str, Any], Path], Found]] = {
    "remote contentUrl": lambda d, _: _remote(d),
    "remote contentUrl, zero sha256": lambda d, _: _remote_with_zero_sha256(d),
    "contentUrl of another file": _another_file,
    "remote FileSet": lambda d, _: _remote_file_set(d),
    "field source not a FileObject": lambda d, _: _source_not_a_file_object(d),
    "field source another FileObject": lambda d, _: _source_another_file_object(d),
    "license": lambda d, _: _license(d),
    "inLanguage": lambda d, _: _in_language(d),
    "description": lambda d, _: _description(d),
    "keywords": lambda d, _: _keywords(d),
    "creator": lambda d, _: _creator(d),
    "url": lambda d, _: _url(d),
    "citeAs": lambda d, _: _cite_as(d),
    "preprocessing counts": lambda d, _: _preprocessing(d),
}


def _assert_reported(package: Path, tmp_path: Path, expected: Found) -> None:
    rewrite_tagmanifest(package)
    archive = _zip_of(package, tmp_path)
    for target in (package, archive):
        found = _found(target)
        assert found == expected, (target.name, sorted(found))


@pytest.mark.parametrize("package", sorted(PACKAGES))
@pytest.mark.parametrize("edit", sorted(CROISSANT_EDITS))
def test_croissant_edit_is_reported(tmp_path: Path, package: str, edit: str) -> None:
    copy = _copy(package, tmp_path)
    expected = _edit_croissant(copy, lambda d: CROISSANT_EDITS[edit](d, copy))
    _assert_reported(copy, tmp_path, expected)


def _records_from(fields: range | list[int], source: str) -> Callable[[dict[str, Any]], Found]:
    def change(document: dict[str, Any]) -> Found:
        for index in fields:
            document["recordSet"][0]["field"][index]["source"]["fileObject"]["@id"] = source
        return set()
    return change


def test_a_record_set_read_from_json_lines_as_corpuskit_wrote_it_before(
        tmp_path: Path) -> None:
    """A package with Parquet whose record set reads data/documents.jsonl, as croissant.json
    was written before it read the Parquet file, is valid (the same records); a record
    set that reads some fields from one file and some from the other is not."""
    copy = _copy("multilingual, parquet, contributors", tmp_path)
    fields = len(json.loads((copy / CROISSANT).read_text("utf-8"))["recordSet"][0]["field"])
    _edit_croissant(copy, _records_from(range(fields), "data/documents.jsonl"))
    _assert_reported(copy, tmp_path, set())
    _edit_croissant(copy, _records_from([2], "data/documents.parquet"))
    pointers = [f"/recordSet/0/field/{index}/source/fileObject/@id"
                for index in range(fields) if index != 2]
    _assert_reported(copy, tmp_path, _at(*pointers))


def test_croissant_key_given_twice_is_reported(tmp_path: Path) -> None:
    """Read as strictly as datapackage.json: orjson keeps the last "name", other
    readers the first."""
    copy = _copy("seed release", tmp_path)
    path = copy / CROISSANT
    text = path.read_text("utf-8")
    first = '  "name": "corpuskit-seeds",\n'
    assert first in text
    path.write_text(text.replace(first, '  "name": "evil-corpus",\n' + first, 1), "utf-8")
    _assert_reported(copy, tmp_path, {(CROISSANT, "schema-error", "/name")})
    assert any("the key 'name' is given twice" in p.message
               for p in validate(copy, jobs=1).problems)


def test_a_key_given_twice_is_reported_at_its_json_pointer() -> None:
    """QA: it was reported at the file alone, where every other problem of a descriptor
    has its JSON pointer."""
    from corpuskit.schemacheck import duplicate_key_problems

    data = ('{"a": 1, "b": {"c": [{"x": 1, "x": 2}, {"x": 3}]}, "a": 3, '
            '"k/~": {"y": 1, "y": 1, "y": 2}}')
    found = [(p.location, p.message.split(" is given")[0])
             for p in duplicate_key_problems(data, "d.json")]
    assert sorted(found) == [("/a", "the key 'a'"), ("/b/c/0/x", "the key 'x'"),
                             ("/k~1~0/y", "the key 'y'"), ("/k~1~0/y", "the key 'y'")]
    assert duplicate_key_problems('{"a": 1, "b": [{"a": 2}]}', "d.json") == []
    assert duplicate_key_problems("not json", "d.json") == []


def test_a_content_size_of_thousands_of_digits_is_a_size_mismatch(tmp_path: Path) -> None:
    """A contentSize past the 4300 digits int() reads stopped validate with an
    internal-error, nothing else checked (QA)."""
    copy = _copy("seed release", tmp_path)
    _edit_croissant(copy, lambda d: d["distribution"][0].update(
        contentSize="9" * 5000 + " B") or set())
    rewrite_tagmanifest(copy)
    report = validate(copy, jobs=1)
    assert (CROISSANT, "size-mismatch", "/distribution/0/contentSize") in {
        (p.path, p.code, p.location) for p in report.problems}, render_text(report)
    assert "internal-error" not in {p.code for p in report.problems}
    assert max(len(p.message) for p in report.problems) < 1000


def test_croissant_message_names_both_values_and_what_to_do(tmp_path: Path) -> None:
    copy = _copy("seed release", tmp_path)
    _edit_croissant(copy, _in_language)
    rewrite_tagmanifest(copy)
    (problem,) = validate(copy, jobs=1).problems
    assert problem.render() == (
        'croissant.json:/inLanguage: inLanguage is ["fr"], but corpuskit writes ["en"] from '
        "the records' languages; restore the file from the release's zip or a published "
        "copy (a build of your own of a version never published: remove it and run "
        "corpuskit build) [metadata-mismatch]")  # (QA: "rebuild" was refused by build)


@pytest.mark.parametrize(("key", "value"), [
    ("contentUrl", "https://evil.example/documents.jsonl"),
    ("contentUrl", "file:///etc/passwd"),
    ("contentUrl", "/data/documents.jsonl"),
    ("contentUrl", "../other/data/documents.jsonl"),
    ("includes", "https://evil.example/**"),
    ("includes", "../**"),
])
def test_file_objects_must_be_in_the_package(key: str, value: str) -> None:
    """A FileObject or FileSet outside the package is refused by itself, whether or not
    the rest of the document can be compared (a descriptor without a configuration)."""
    package = PACKAGES["seed release"]()
    document = json.loads((package / CROISSANT).read_text("utf-8"))
    index = 0 if key == "contentUrl" else len(document["distribution"]) - 1
    document["distribution"][index][key] = value
    sizes = {rel: (package / rel).stat().st_size
             for rel in ("data/documents.jsonl", "data/documents.parquet")}
    found = {(p.code, p.location) for p in check_croissant(document, sizes, {})}
    assert (MISMATCH, f"/distribution/{index}/{key}") in found  # (and maybe its schema)
    assert all(location == f"/distribution/{index}/{key}" for _, location in found), found


# -- README.md -----------------------------------------------------------------------------

def _line_of(text: str, line: str) -> str:
    return f"line {text.split(chr(10)).index(line) + 1}"


def _replace_line(text: str, pattern: str, new: str) -> tuple[str, str]:
    """``text`` with the first line matching ``pattern`` replaced by ``new``, and the
    location of that line."""
    edited, count = re.subn(pattern, new, text, count=1, flags=re.MULTILINE)
    assert count == 1, pattern
    return edited, _line_of(edited, new)


def _inserted_language(text: str) -> tuple[str, str]:
    edited = text.replace("\nlanguage:\n", "\nlanguage:\n- xx\n", 1)
    return edited, _line_of(edited, "- xx")


def _repeated_count(text: str) -> tuple[str, str]:
    """A second Documents row, after the true one (the first one found would pass)."""
    row = next(line for line in text.split("\n") if line.startswith("| Documents |"))
    edited = text.replace(row + "\n", row + "\n| Documents | 1,000 |\n", 1)
    return edited, _line_of(edited, "| Documents | 1,000 |")


def _tags(text: str) -> tuple[str, str]:
    """The first keyword changed, or tags added to a header without them."""
    if "\ntags:\n" in text:
        return _replace_line(text, r'(?<=^tags:\n)- ".*"$', '- "evil"')
    edited = text.replace("\ndataset_info:\n", '\ntags:\n- "evil"\ndataset_info:\n', 1)
    return edited, _line_of(edited, "tags:")


def _no_header(text: str) -> tuple[str, str]:
    return text.split("\n---\n", 1)[1], "line 1"


def _description_copy(text: str, copy: int, change: Callable[[str], str]) -> tuple[str, str]:
    """``text`` with the description's ``copy`` (0: under the title, 1: under "###
    Dataset Description", each one line in these packages) made ``change(line)``, and the
    location of its first line that differs."""
    lines = text.split("\n")
    under = ("# Dataset Card for ", "### Dataset Description")[copy]
    at = next(index for index, line in enumerate(lines) if line.startswith(under)) + 2
    old = lines[at]
    lines[at] = change(old)
    first = next(index for index, (a, b) in enumerate(zip(lines[at].split("\n"),
                                                           [old, "", ""], strict=False))
                 if a != b)
    return "\n".join(lines), f"line {at + 1 + first}"


CLAIM = "Medical records, cleared for clinical use."
DISCLAIMER = "The license above does not apply: all rights reserved."


def _appended(text: str) -> tuple[str, str]:
    edited = text + f"\n{DISCLAIMER}\n"
    return edited, _line_of(edited, DISCLAIMER)


def _before_the_citation(text: str) -> tuple[str, str]:
    edited = text.replace("\n```bibtex\n", f"\n{DISCLAIMER}\n\n```bibtex\n", 1)
    return edited, _line_of(edited, DISCLAIMER)


CARD_EDITS: dict[str, Callable[[str], tuple[str, str]]] = {
    # The description, restated from datapackage.json, and text after the card's last
    # section (QA consumer 1: each, re-signed, passed validate --reproduce).
    "description under the title": lambda t: _description_copy(t, 0, lambda _: CLAIM),
    "description under Dataset Description": lambda t: _description_copy(
        t, 1, lambda _: CLAIM),
    "description with a sentence added": lambda t: _description_copy(
        t, 0, lambda line: f"{line} {CLAIM}"),
    "description with a paragraph added": lambda t: _description_copy(
        t, 1, lambda line: f"{line}\n\n{CLAIM}"),
    "text appended after the card's last section": _appended,
    "text in the last section before the citation": _before_the_citation,
    "header license": lambda t: _replace_line(t, r"^license: .*$", "license: mit"),
    "header pretty_name": lambda t: _replace_line(t, r"^pretty_name: .*$",
                                                  'pretty_name: "Evil corpus"'),
    "header language list": _inserted_language,
    "header size category": lambda t: _replace_line(t, r"^- n<1K$", "- 1K<n<10K"),
    "header tags": _tags,
    "header data files": lambda t: _replace_line(t, r"^    path: .*$",
                                                 "    path: https://evil.example/x.parquet"),
    "documents row": lambda t: _replace_line(t, r"^\| Documents \| .*$",
                                             "| Documents | 1,000 |"),
    "documents row repeated": _repeated_count,
    "languages row": lambda t: _replace_line(t, r"^\| Languages \(ISO 639-1\) \| .*$",
                                             "| Languages (ISO 639-1) | `fr` |"),
    "license row": lambda t: _replace_line(t, r"^\| License \| .*$", "| License | MIT |"),
    "content hash row": lambda t: _replace_line(t, r"^\| Content hash \| .*$",
                                                "| Content hash | `sha256:0` |"),
    "title": lambda t: _replace_line(t, r"^# Dataset Card for .*$",
                                     "# Dataset Card for Another corpus"),
    "license line": lambda t: _replace_line(t, r"^- \*\*License:\*\* .*$",
                                            "- **License:** MIT"),
    "languages line": lambda t: _replace_line(t, r"^- \*\*Language\(s\):\*\* .*$",
                                              "- **Language(s):** fr"),
    "citation": lambda t: _replace_line(t, r"^  version = \{.*$", "  version = {9.9.9},"),
    "no header": _no_header,
    # Lines that render as compared ones, and HTML that hides those corpuskit writes (QA:
    # the license lines in a comment, CC0 shown in their place, validate said valid).
    "license line with another list marker": lambda t: _appended_after(
        t, r"^- \*\*License:\*\* .*$", "* **License:** CC0-1.0"),
    "license row with more spaces": lambda t: _appended_after(
        t, r"^\| License \| .*$", "|  License | CC0-1.0 |"),
    "an HTML comment": lambda t: _appended_after(t, r"^## Uses$", "<!--"),
    "an HTML element": lambda t: _appended_after(
        t, r"^## Uses$", '<div style="display:none">'),
    # The records' statistics (QA: false dates, language shares and lengths passed).
    "dates row": lambda t: _replace_line(t, r"^\| Dates \| .*$",
                                         "| Dates | 1900-01-01 to 2099-12-31 |"),
    "dates line": lambda t: _replace_line(t, r"^Dates: .*$", "Dates: 1900-01-01 to 2099."),
    "composition": lambda t: _replace_line(t, r"^[\d,]+ documents?, [\d,]+ words? and$",
                                           "1,000,000 documents, 1 word and"),
    "language share": lambda t: _first_row_after(t, "Documents by language"),
    "length median": lambda t: _replace_line(t, r"^\| median \| .*$", "| median | 123,456 |"),
    "codec share": lambda t: _first_row_after(t, "Decoding:"),
    "step share": lambda t: _first_row_after(t, "Normalization steps, in order"),
    "rights share": lambda t: _replace_line(
        t, r"^Documents with a copyright or footer line: .*$",
        "Documents with a copyright or footer line: 999 (99.9%); the line is"),
}


def _first_row_after(text: str, marker: str) -> tuple[str, str]:
    """``text`` with the count of the first table row after the line beginning ``marker``
    made 999, and the location of that row."""
    lines = text.split("\n")
    start = next(index for index, line in enumerate(lines) if line.startswith(marker))
    row = next(index for index in range(start, len(lines)) if lines[index].startswith("| `"))
    edited = re.sub(r"\| \d+ \(\d+\.\d%\) \|$", "| 999 (99.9%) |", lines[row])
    assert edited != lines[row], lines[row]
    lines[row] = edited
    return "\n".join(lines), f"line {row + 1}"


def _appended_after(text: str, pattern: str, new: str) -> tuple[str, str]:
    """``text`` with the line ``new`` after the first line matching ``pattern``."""
    edited, count = re.subn(pattern, lambda found: f"{found.group()}\n{new}", text, count=1,
                            flags=re.MULTILINE)
    assert count == 1, pattern
    return edited, _line_of(edited, new)


@pytest.mark.parametrize("package", sorted(PACKAGES))
@pytest.mark.parametrize("edit", sorted(CARD_EDITS))
def test_card_edit_is_reported(tmp_path: Path, package: str, edit: str) -> None:
    copy = _copy(package, tmp_path)
    text = (copy / README).read_text("utf-8")
    edited, location = CARD_EDITS[edit](text)
    assert edited != text
    (copy / README).write_text(edited, "utf-8")
    _assert_reported(copy, tmp_path, {(README, MISMATCH, location)})


def _row(text: str, label: str) -> str:
    """The summary table's row of ``label``, as the card has it."""
    found = re.search(rf"(?m)^\| {re.escape(label)} \| .*\n", text)
    assert found, label
    return found.group()


def _hidden_in_a_link_title(text: str) -> str:
    """The true dates row moved into a link reference definition's title (which renders
    as nothing), a false one shown in its place with another spelling."""
    row = _row(text, "Dates")
    text = text.replace(row, "| **Dates** | 1999-01-01 to 2001-12-31 |\n", 1)
    return text.replace("## Uses\n", f'[x]: /x "\n{row}"\n\n## Uses\n', 1)


def _sections_in_an_unclosed_fence(text: str) -> str:
    """The composition section shown with false counts under a heading spelled with a
    zero-width space, the true one moved to the end into a code block no fence closes."""
    start, end = text.index("### Composition\n"), text.index("### Fields\n")
    section = text[start:end]
    false = section.replace("### Composition", "### \u200bComposition")
    false = re.sub(r"(?m)^\| `(\w+)` \| \d+ ", r"| `\1` | 9999 ", false)
    return text[:start] + false + text[end:] + "````text\n" + section


_FALSE_TABLE = "| language | documents |\n|---|---|\n| `fr` | 500 (100.0%) |\n\n"
#: Cards that render false statistics beside or in place of the lines compared, while
#: those lines stand as corpuskit writes them (QA): each is a metadata-mismatch.
RENDERED_EDITS: dict[str, Callable[[str], str]] = {
    "setext heading": lambda t: t.replace(
        "## Dataset Details\n", "Composition\n-----------\n\n" + _FALSE_TABLE
        + "## Dataset Details\n", 1),
    "heading with a zero-width space": lambda t: t.replace(
        "## Dataset Details\n", "### \u200bComposition\n\n" + _FALSE_TABLE
        + "## Dataset Details\n", 1),
    "a row without its first pipe": lambda t: t.replace(
        "| Content hash |", "Documents | 9,999 |\n| Content hash |", 1),
    "a true row hidden in a link title": _hidden_in_a_link_title,
    "a heading after lone CRs": lambda t: t.replace(
        "## Dataset Details\n", "Summary.\r\r### Composition\r\r| language | documents |\r"
        "|---|---|\r| `fr` | 9,999 (100.0%) |\n\n## Dataset Details\n", 1),
    "rows after a lone CR": lambda t: t.replace(
        "| property | value |\n|---|---|\n",
        "| property | value |\n|---|---|\r| Documents | 9,999 |\n", 1),
    "sections in an unclosed fence": _sections_in_an_unclosed_fence,
    "HTML after an escaped backslash": lambda t: t.replace(
        "### Direct Use\n\n", "### Direct Use\n\n\\\\<b>9,999 documents in French\\\\</b> ", 1),
    "a codec table under a bold label": lambda t: t.replace(
        "#### Who are the source", "**Decoding:**\n\n| codec | documents |\n|---|---|\n"
        "| `cp1252` | 1 (100.0%) |\n\n#### Who are the source", 1),
}


@pytest.mark.parametrize("edit", sorted(RENDERED_EDITS))
def test_a_card_that_renders_false_statistics_is_reported(tmp_path: Path, edit: str) -> None:
    copy = _copy("seed release", tmp_path)
    text = (copy / README).read_text("utf-8")
    edited = RENDERED_EDITS[edit](text)
    assert edited != text
    (copy / README).write_bytes(edited.encode("utf-8"))
    rewrite_tagmanifest(copy)
    archive = _zip_of(copy, tmp_path)
    for target in (copy, archive):
        found = {(path, code) for path, code, _ in _found(target)}
        assert found == {(README, MISMATCH)}, (target.name, sorted(_found(target)))


def test_a_description_holding_lines_like_the_compared_ones_builds_valid(
        tmp_path: Path) -> None:
    """corpus.toml's description is written into the card twice, as given: a line of it
    that begins as a compared line does is corpuskit's own, no look-alike (QA: a fresh
    build failed validate)."""
    seeds = copy_seeds_as_template(tmp_path / "seeds")
    toml = seeds / "corpus.toml"
    text = toml.read_text("utf-8")
    described = re.sub(r'(?m)^description = ".*"$', 'description = """Letters from 1900.\n'
                       '  Decoding: every file is plain UTF-8.\n  ### Composition\n'
                       '  * **License:** see below."""', text)
    assert described != text
    toml.write_text(described, "utf-8")
    result = corpuskit.build(seeds, tmp_path / "dist", jobs=1, cache=None)
    report = validate(result.release, jobs=1)
    assert report.valid, render_text(report)


def test_a_description_holding_the_lines_its_copies_are_found_by_is_compared_whole(
        tmp_path: Path) -> None:
    """The card gives datapackage.json's description twice, as it is: under its title and
    under "### Dataset Description", each copy compared whole. A description of several
    paragraphs that holds those very lines, and the lines that follow each copy, builds
    valid; a change to its second copy alone is reported at its line, with --fast too, and
    load(reproduce=True) refuses it (QA consumer 1: a re-signed card that misstated the
    description passed both)."""
    seeds = copy_seeds_as_template(tmp_path / "seeds")
    toml = seeds / "corpus.toml"
    text = toml.read_text("utf-8")
    described = re.sub(r'(?m)^description = ".*"$', 'description = """Letters.\n\n'
                       '# Dataset Card for Letters\n\n### Dataset Description\n\n'
                       '| property | value |\n|---|---|\n| Documents | 3 |\n\n'
                       '- **Curated by:** the archive\n\nPublic texts only."""', text)
    assert described != text
    toml.write_text(described, "utf-8")
    release = corpuskit.build(seeds, tmp_path / "dist", jobs=1, cache=None).release
    assert validate(release, jobs=1).valid
    card = (release / README).read_text("utf-8")
    assert card.count("\nPublic texts only.\n") == 2
    second = card.rindex("\nPublic texts only.\n") + 1
    (release / README).write_text(card[:second] + f"{CLAIM}\n" + card[second + 19:], "utf-8")
    rewrite_tagmanifest(release)
    line = f"line {card[:second].count(chr(10)) + 1}"
    for fast in (False, True):
        problems = validate(release, jobs=1, fast=fast).problems
        assert [(p.path, p.code, p.location) for p in problems] == [
            (README, MISMATCH, line)], problems
        assert problems[0].message.startswith(
            'the description under "### Dataset Description" is "...'), problems[0].message
        assert "from datapackage.json's description" in problems[0].message
    with pytest.raises(corpuskit.PackageIntegrityError, match=f"README.md:{line}: the "
                       "description under"):
        list(corpuskit.load(release, reproduce=True))

def test_card_message_names_the_line_both_values_and_what_to_do(tmp_path: Path) -> None:
    """QA's edit of the seed release's card: CC0 in the header, 1000 documents."""
    copy = _copy("seed release", tmp_path)
    text = (copy / README).read_text("utf-8")
    old = "license: other\nlicense_name: licenseref-all-rights-reserved\n"
    assert old in text and "| Documents | 1 |" in text
    (copy / README).write_text(text.replace(old, "license: cc0-1.0\n").replace(
        "| Documents | 1 |", "| Documents | 1000 |"), "utf-8")
    rewrite_tagmanifest(copy)
    restore = ("; restore the file from the release's zip or a published copy (a build of "
               "your own of a version never published: remove it and run corpuskit build) "
               "[metadata-mismatch]")
    assert [p.render() for p in validate(copy, jobs=1).problems] == [
        'README.md:line 3: license in the YAML header is "license: cc0-1.0", but corpuskit '
        "writes \"license: other\" from datapackage.json's licenses" + restore,
        "README.md:line 51: the YAML header (lines 1-51) has no license_name, but corpuskit "
        "writes \"license_name: licenseref-all-rights-reserved\" from datapackage.json's "
        "licenses" + restore,
        'README.md:line 61: the line is "| Documents | 1000 |", but corpuskit writes '
        '"| Documents | 1 |" from the number of records' + restore,
    ]


def _seed_card_inputs() -> tuple[Callable[[CorpusStats], list[str]], dict[str, Any]]:
    descriptor = json.loads((sample().release / "datapackage.json").read_text("utf-8"))
    config = config_from_descriptor(descriptor)
    assert config is not None and config.parquet
    content = descriptor["corpuskit"]["content_hash"]

    def card_of(stats: CorpusStats) -> list[str]:
        return data_card(config, stats, content, "data/documents.parquet",
                         created=descriptor["created"]).decode().split("\n")

    return card_of, descriptor


def _full_stats(**values: Any) -> CorpusStats:
    stats = CorpusStats(documents=6, words=98_765, raw_bytes=4_321_000,
                        languages=Counter({"de": 1, "en": 3, "fr": 1, "und": 1}),
                        encodings=Counter({"utf-8": 2, "cp1252": 4}),
                        steps=Counter({"nfc": 2}), first_date="1999-01-01",
                        last_date="2031-12-31", with_title=5, with_date=4, with_rights=3)
    stats.chars.extend([3, 4000, 17, 250_000, 9, 12])
    for name, value in values.items():
        setattr(stats, name, value)
    return stats


def test_card_lines_compared_without_the_statistics_depend_on_known_facts_alone() -> None:
    """The body lines compared when the records' statistics are not all known (--fast, or
    a record that fails its schema), and the citation, are the same whatever those
    statistics, appear once in a card, and the language and count lines are the only ones
    that change with the languages and the count."""
    card_of, _ = _seed_card_inputs()
    known = {"documents": 6, "languages": Counter({"de": 1, "en": 3, "fr": 1, "und": 1}),
             "steps": Counter({"nfc": 2})}
    unknown_a = CorpusStats(**known)  # type: ignore[arg-type]
    unknown_b = _full_stats(languages=Counter({"de": 4, "en": 1, "fr": 7, "und": 2}))
    always = [begins for begins in BODY_LINES if begins not in STATISTICS]
    cards = card_of(unknown_a), card_of(unknown_b)
    for begins in (*always, CITATION):
        found = [[line for line in card if line.startswith(begins)] for card in cards]
        assert len(found[0]) == 1 and found[0] == found[1], begins
    start = cards[0].index(CITATION)
    end = cards[0].index("```", start)
    assert cards[0][start:end] == cards[1][cards[1].index(CITATION):][:end - start]
    other = card_of(CorpusStats(documents=7_000, languages=Counter({"cs": 1})))
    changed = {begins for begins in always
               if [line for line in other if line.startswith(begins)]
               != [line for line in cards[0] if line.startswith(begins)]}
    assert changed == LANGUAGE_LINES | COUNT_LINES


def test_the_card_from_validate_s_tally_is_the_card_the_build_wrote() -> None:
    """validate tallies the records a block at a time (lengths counted by value); the card
    made from its tally must be the card made from the statistics a build gathers, for the
    sample's records split in blocks any way, and the card the build wrote."""
    release = sample().release
    card_of, descriptor = _seed_card_inputs()
    items = records(release)
    built_stats = CorpusStats()
    for item in items:
        built_stats.add(SimpleNamespace(**item))  # type: ignore[arg-type]
    written = (release / README).read_text("utf-8").split("\n")
    assert card_of(built_stats) == written
    config = config_from_descriptor(descriptor)
    assert config is not None
    for cuts in ([0, len(items)], [0, 1, 3, len(items)], [0, len(items) - 1, len(items)]):
        tally = Tally()
        for start, end in pairwise(cuts):
            block = Tally()
            block.add_records(items[start:end])
            tally.merge(block)
        restated = Restated(config, descriptor["created"], descriptor["corpuskit"]
                            ["content_hash"], len(items), frozenset(tally.languages),
                            dict(tally.steps), (), tally)
        assert card_of(restated.stats()) == written, cuts


@pytest.mark.parametrize("change", [
    {"words": 98_766}, {"raw_bytes": 1}, {"first_date": "1999-01-02"},
    {"last_date": "2031-12-30"}, {"with_title": 4}, {"with_date": 0}, {"with_rights": 6},
    {"languages": Counter({"de": 2, "en": 2, "fr": 1, "und": 1})},
    {"encodings": Counter({"utf-8": 3, "cp1252": 3})}, {"steps": Counter({"nfc": 5})},
    {"chars": array("q", [3, 4000, 17, 250_000, 9, 13])},
    {"chars": array("q", [3, 4000, 18, 250_000, 9, 12])},
])
def test_every_card_line_a_statistic_changes_is_compared(change: dict[str, Any]) -> None:
    """Every line of the card that changes with a statistic of the records (the
    composition, the tables of languages, lengths, codecs and steps, the dates, the rights
    lines) lies in a part validate compares once it read every record (QA: a re-signed
    card could state false dates, language shares and lengths)."""
    card_of, _ = _seed_card_inputs()
    before, after = card_of(_full_stats()), card_of(_full_stats(**change))
    assert len(before) == len(after)
    differing = {index for index, (a, b) in enumerate(zip(before, after, strict=True))
                 if a != b}
    assert differing
    end = _header_end(before)
    assert end is not None
    begins = (*BODY_LINES, *SECTIONS, *PARAGRAPHS, CITATION)
    compared = {index for units in _units(before, end + 1, begins).values()
                for unit in units for index in range(unit.first - 1,
                                                     unit.first - 1 + len(unit.lines))}
    assert differing <= compared, [before[index] for index in differing - compared]


# -- what is known, and intact packages ----------------------------------------------------

@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_intact_packages_stay_valid(tmp_path: Path, package: str) -> None:
    folder = PACKAGES[package]()
    archive = _zip_of(folder, tmp_path)
    for target in (folder, archive):
        for fast in (False, True):
            report = validate(target, jobs=1, fast=fast)
            assert report.valid, render_text(report)


def test_the_statistics_are_compared_once_every_record_is_read(tmp_path: Path) -> None:
    """--fast reads no record: the card's statistics are not known, and not compared."""
    copy = _copy("multilingual, parquet, contributors", tmp_path)
    text = (copy / README).read_text("utf-8")
    edited, location = CARD_EDITS["dates line"](text)
    (copy / README).write_text(edited, "utf-8")
    rewrite_tagmanifest(copy)
    assert _found(copy) == {(README, MISMATCH, location)}
    assert _found(copy, fast=True) == set()


def test_fast_checks_what_it_knows(tmp_path: Path) -> None:
    """--fast reads no record: the languages are unknown, the rest is compared."""
    copy = _copy("multilingual, parquet, contributors", tmp_path)
    expected = _edit_croissant(copy, _license)
    _edit_croissant(copy, _in_language)
    text = (copy / README).read_text("utf-8")
    edited, location = CARD_EDITS["header license"](text)
    (copy / README).write_text(_inserted_language(edited)[0], "utf-8")
    rewrite_tagmanifest(copy)
    assert _found(copy, fast=True) == expected | {(README, MISMATCH, location)}
    assert ("croissant.json", MISMATCH, "/inLanguage") in _found(copy)


def test_records_not_all_read_leave_the_languages_unknown(tmp_path: Path) -> None:
    """A record that fails its schema is reported; the languages and the steps of the
    records are then not known for sure, so croissant.json and the card are not said to
    disagree with them."""
    copy = _copy("messy, no parquet", tmp_path)
    items = records(copy)
    only = [item for item in items
            if sum(other["language"] == item["language"] for other in items) == 1]
    assert only, "a language only one record has"
    only[0]["language"] = 5
    write_records(copy, items)
    resign(copy)
    report = validate(copy, jobs=1)
    assert ("data/documents.jsonl", "schema-error") in {(p.path, p.code)
                                                        for p in report.problems}
    assert not {p.path for p in report.problems} & {CROISSANT, README}, render_text(report)


# -- datapackage.json's one-line fields -----------------------------------------------------

@pytest.mark.parametrize(("key", "value", "says"), [
    ("title", "a\u2028b", "'a\\u2028b' must be one line of text, without a line break or "
                          "control character (it holds U+2028 LINE SEPARATOR)"),
    ("title", "a\x00b", "'a\\x00b' must be one line of text, without a line break or control "
                        "character (it holds U+0000 NUL)"),
    ("title", "a\x85b", "'a\\x85b' must be one line of text, without a line break or control "
                        "character (it holds U+0085 NEL)"),
    ("title", "   ", "'   ' is blank: it must hold some text, not only spaces"),
    ("description", "a\x1bb", "'a\\x1bb' holds a control character, U+001B"),
])
def test_a_re_signed_descriptor_whose_text_breaks_the_one_line_rules(
        tmp_path: Path, key: str, value: str, says: str) -> None:
    """corpuskit's profile refuses in datapackage.json what corpus.toml refuses: a title
    that is not one line of text (any line break str.splitlines() knows, any control
    character) or is blank, a description with a control character but TAB, LF and CR."""
    copy = _copy("seed release", tmp_path)
    path = copy / "datapackage.json"
    descriptor = json.loads(path.read_text("utf-8"))
    descriptor[key] = value
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", "utf-8")
    resign(copy)
    report = validate(copy, jobs=1)
    said = {(p.code, p.location): p.message for p in report.problems
            if p.path == "datapackage.json"}
    assert said.get(("schema-error", f"/{key}")) == says, render_text(report)


# -- the JSON comparison -------------------------------------------------------------------

def test_differences_by_pointer() -> None:
    found = {"a": 1, "b": [{"c": "x"}, {"c": "y"}], "d": ["en", "fr"], "e": True,
             "x/y": 1, "extra": None}
    expected = {"a": 1.0, "b": [{"c": "x"}], "d": ["en"], "e": 1, "x/y": 1, "f": "new"}
    assert list(differences(found, expected)) == [
        ("/a", 1, 1.0), ("/b/1", {"c": "y"}, ABSENT), ("/d", ["en", "fr"], ["en"]),
        ("/e", True, 1), ("/f", ABSENT, "new"), ("/extra", None, ABSENT)]
    assert list(differences({"k": {"z": 1, "y": 2}}, {"k": {"y": 2, "z": 1}})) == []


def test_values_are_shown_short() -> None:
    assert shown("x" * 200) == '"' + "x" * 76 + "..."
    assert len(shown(list(range(100)))) == 80
    long = "@misc{a,\n" + "  title = {" + "t" * 60 + "},\n  year = {2023}\n}"
    found, expected = shown_pair(long, long.replace("2023", "2020"))
    assert "2023" in found and "2020" in expected and found.startswith('"...')
    assert shown_pair("abc", "abd") == ('"abc"', '"abd"')
    # Lists that differ past what is shown: both from a little before the difference
    # (they were cut at the same point and read as equal, QA).
    steps = [f"{step}: changed 1 of 1 document" for step in ("fix-encoding", "remove-bom",
                                                             "trailing-whitespace")]
    other = [*steps[:2], steps[2].replace("changed 1", "changed 0")]
    found, expected = shown_pair(steps, other)
    assert found != expected and found.startswith("...") and len(found) <= 80
    assert "changed 1 of 1" in found and "changed 0 of 1" in expected
    assert shown_pair(["a"], ["b"]) == ('["a"]', '["b"]')


# -- paths inside the package that the metadata names --------------------------------------

@pytest.mark.parametrize(("path", "dangles"), [("LICENSE.txt", True), ("README.md", False)])
def test_a_re_signed_descriptor_naming_a_file_the_package_lacks(
        tmp_path: Path, path: str, dangles: bool) -> None:
    """A license path relative to the package that names no file of it is a link to
    nothing in every copy of the release: reported at its pointer (build refuses it)."""
    copy = _copy("seed release", tmp_path)
    descriptor_path = copy / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text("utf-8"))
    descriptor["licenses"][0]["path"] = path
    descriptor_path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n",
                               "utf-8")
    restate_metadata(copy)
    report = validate(copy, jobs=1)
    dangling = [p for p in report.problems if p.location == "/licenses/0/path"]
    if dangles:
        assert [(p.path, p.code) for p in dangling] == [("datapackage.json", "missing-file")]
        assert dangling[0].message.startswith(
            "'LICENSE.txt' is a path inside the package, which holds no such file")
    else:
        assert dangling == [], render_text(report)


def _title_edited(tmp_path: Path) -> Path:
    """A copy of the seed release whose datapackage.json has another title."""
    package = tmp_path / SEED_RELEASE.name
    shutil.copytree(SEED_RELEASE, package)
    descriptor = package / "datapackage.json"
    title = json.loads(descriptor.read_text("utf-8"))["title"]
    descriptor.write_text(descriptor.read_text("utf-8").replace(
        f'"title": "{title}"', f'"title": "{title} X"'), "utf-8")
    return package


@pytest.mark.parametrize("readme_too", [False, True])
def test_a_descriptor_edited_by_hand_is_the_file_to_restore(tmp_path: Path,
                                                            readme_too: bool) -> None:
    """A title edited in datapackage.json: the data card and croissant.json, as built,
    disagree with it, and were told to be restored from the release, before the
    descriptor's own checksum failure (QA). Files that pass their checksums name
    datapackage.json as the file to restore; one that fails its own is told as before."""
    from corpuskit.validation.croissant import RESTORE
    from corpuskit.validation.precise import DESCRIPTOR_CHANGED

    package = _title_edited(tmp_path)
    if readme_too:
        card = package / "README.md"
        card.write_text(card.read_text("utf-8") + "\n", "utf-8")
    report = validate(package, jobs=1)
    derived = [p for p in report.problems if p.code == "metadata-mismatch"
               and p.path in ("README.md", "croissant.json")]
    assert {p.path for p in derived} == {"README.md", "croissant.json"}, render_text(report)
    assert ("datapackage.json", "checksum-mismatch") in {(p.path, p.code)
                                                         for p in report.problems}
    for problem in derived:
        expected = RESTORE if readme_too and problem.path == "README.md" \
            else DESCRIPTOR_CHANGED
        assert problem.message.endswith(f"; {expected}"), problem.message


def test_a_re_signed_descriptor_is_not_said_to_differ_from_its_tag_manifest(
        tmp_path: Path) -> None:
    """A title edited and the descriptor's tag manifest line re-signed: the card and
    croissant.json were told datapackage.json's sha256 differs from the tag manifest's,
    which it did not (QA). They are told its content hash says it was changed."""
    from corpuskit.validation.precise import DESCRIPTOR_CHANGED, DESCRIPTOR_EDITED

    package = _title_edited(tmp_path)
    rewrite_tagmanifest(package)
    report = validate(package, jobs=1)
    derived = [p for p in report.problems if p.code == "metadata-mismatch"
               and p.path in ("README.md", "croissant.json")]
    assert {p.path for p in derived} == {"README.md", "croissant.json"}, render_text(report)
    for problem in derived:
        assert problem.message.endswith(f"; {DESCRIPTOR_EDITED}"), problem.message
        assert DESCRIPTOR_CHANGED not in problem.message


def test_a_descriptor_whose_created_was_removed_is_the_file_named(tmp_path: Path) -> None:
    """created removed from datapackage.json and its tag manifest line re-signed: the card
    and croissant.json, as built, were told to be restored, and datapackage.json was never
    named (created is outside the content hash); bag-info.txt's Bagging-Date names it."""
    from corpuskit.validation.precise import DESCRIPTOR_EDITED

    package = tmp_path / SEED_RELEASE.name
    shutil.copytree(SEED_RELEASE, package)
    descriptor = package / "datapackage.json"
    data = json.loads(descriptor.read_text("utf-8"))
    del data["created"]
    descriptor.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
    rewrite_tagmanifest(package)
    report = validate(package, jobs=1)
    named = [p for p in report.problems if p.path == "datapackage.json"]
    assert [(p.code, p.location) for p in named] == [("metadata-mismatch", "/created")], \
        render_text(report)
    assert "where bag-info.txt's Bagging-Date says" in named[0].message
    derived = [p for p in report.problems if p.path in ("README.md", "croissant.json")]
    assert derived and all(p.message.endswith(f"; {DESCRIPTOR_EDITED}") for p in derived)


def test_a_bagging_date_added_to_an_undated_release_is_the_file_named(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A release built without a time stamp (no created, no Bagging-Date), given a
    Bagging-Date in bag-info.txt and its tag manifest line re-signed: the descriptor, as
    built and as its card, croissant.json and CHANGELOG.md restate it, was told to be
    restored (QA s96); bag-info.txt is the file that disagrees, and is named."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    seeds = write_seeds(tmp_path / "seeds", {"a.txt": b"One text.\n", "b.txt": b"Another.\n"})
    release = corpuskit.build(seeds, tmp_path / "dist", jobs=1).release
    assert "created" not in json.loads((release / "datapackage.json").read_bytes())
    bag_info = release / "bag-info.txt"
    lines = bag_info.read_text("utf-8").splitlines(keepends=True)
    assert not any(line.startswith("Bagging-Date:") for line in lines)
    oxum = next(n for n, line in enumerate(lines) if line.startswith("Payload-Oxum:"))
    lines.insert(oxum, "Bagging-Date: 2024-01-01\n")  # where a build writes it
    bag_info.write_text("".join(lines), "utf-8")
    rewrite_tagmanifest(release)
    report = validate(release, jobs=1)
    assert [(p.path, p.code, p.location) for p in report.problems] == \
        [("bag-info.txt", "metadata-mismatch", "Bagging-Date")], render_text(report)
    assert "'2024-01-01', where datapackage.json has no created" in \
        report.problems[0].message


@pytest.mark.parametrize(("code", "caught"), [("xx", True), ("zz", True), ("de", False)])
def test_a_record_s_language_no_identifier_gives_is_reported(
        tmp_path: Path, code: str, caught: bool) -> None:
    """A record's language re-signed to "xx", with croissant.json and the card made to
    list it, passed validate (QA): no identifier gives it. A code the identifier does
    give ("de" for an English text) is --reproduce's to catch, as the README says."""
    copy = _copy("messy, no parquet", tmp_path)
    items = records(copy)
    items[0]["language"] = code
    write_records(copy, items)
    restate_metadata(copy)
    report = validate(copy, jobs=1)
    found = [(p.path, p.code) for p in report.problems]
    if caught:
        assert found == [("data/documents.jsonl", "record-mismatch")], render_text(report)
        assert report.problems[0].message.startswith(
            f"records hold the language {code!r}, which corpuskit's language identifier "
            "never gives (an ISO 639-1 code its model knows, or 'und')")
        # --reproduce names the record at its line: it is not told to run itself (QA)
        reproduced = validate(copy, jobs=1, reproduce=True).problems
        assert any(p.location == "line 1" for p in reproduced), reproduced
        [told] = [p for p in reproduced if p.code == "record-mismatch" and not p.location]
        assert "--reproduce" not in told.message, told.message
    else:
        assert found == [], render_text(report)
        assert not validate(copy, jobs=1, reproduce=True).valid
