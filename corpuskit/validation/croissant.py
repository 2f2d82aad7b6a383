"""croissant.json: its schema, the package files it describes, and what it restates.

It is read as strictly as datapackage.json (:func:`corpuskit.schemacheck.read_json`).
Each FileObject must name a file of the package by its path in it (a remote URL would
send ML tools to other data, while the recordSet's fields take their values from that
FileObject), with that file's size and sha256. Then the whole document is compared with
what corpuskit writes for the package (:func:`corpuskit.croissant.croissant` of the
configuration rebuilt from datapackage.json and the facts measured, see
:mod:`.restated`): every property that differs is a problem at its JSON pointer, except
those built from statistics validate did not gather.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from ..croissant import croissant, reference_problems, typed_raw_file_sets
from ..membernames import unsafe_member_reason
from ..package import DOCUMENTS_PATH, Authors, citations_alike, corpus_authors, every_contributor
from ..packagesource import DESCRIPTOR
from ..problems import Problem
from ..schemacheck import json_problems, schema_files
from ..wording import shown_count, stated_count
from .jsondiff import ABSENT, differences, shown, shown_pair
from .restated import Restated

CROISSANT = "croissant.json"
CROISSANT_SCHEMA = "croissant.schema.json"
#: What to do about a metadata file that differs from what corpuskit writes.
#: What to do about a metadata file that is not as corpuskit writes it: a release is
#: immutable, so build refuses to make it again (QA: "rebuild the package with corpuskit
#: build" was refused by build).
RESTORE = ("restore the file from the release's zip or a published copy (a build of your own "
           "of a version never published: remove it and run corpuskit build)")
_SIZE = re.compile(r"^(\d+) ?B$")
#: A URI scheme (``https:``, ``file:``, ``data:``...): not a path in the package.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
#: Where corpuskit takes each top-level property it writes from (datapackage.json if
#: not listed).
_SOURCES = {
    "inLanguage": "the records' languages",
    "rai:dataPreprocessingProtocol": "the records' normalization steps",
    "distribution": "the package's data files",
    "recordSet": "the records' schema",
}


def croissant_schema_available() -> bool:
    return schema_files().joinpath(CROISSANT_SCHEMA).is_file()


def check_croissant(document: Any, sizes: Mapping[str, int],
                    digests: Mapping[str, str]) -> list[Problem]:
    """croissant.json against its schema, its fields' sources, and each FileObject
    against the package's file it must name: a path in the package, the file's size and
    sha256.

    ``sizes`` maps package paths to their size; ``digests`` to their sha256 (empty in fast
    mode: no hash comparison).
    """
    problems: list[Problem] = []
    if croissant_schema_available():
        problems.extend(json_problems(CROISSANT_SCHEMA, document, CROISSANT))
        if not problems:
            problems.extend(reference_problems(document, CROISSANT))
    distribution = document.get("distribution") if isinstance(document, dict) else None
    if not isinstance(distribution, list):
        return problems
    for index, item in enumerate(distribution):
        if isinstance(item, dict):
            problems.extend(_file_problems(f"/distribution/{index}", item, sizes, digests))
    return problems


def _outside(path: Any) -> bool:
    """Whether ``path`` (a contentUrl or an includes pattern) is not a path in the
    package: a URL, absolute, or leaving it."""
    return isinstance(path, str) and (_SCHEME.match(path) is not None
                                      or unsafe_member_reason(path) is not None)


def _file_problems(where: str, item: Mapping[str, Any], sizes: Mapping[str, int],
                   digests: Mapping[str, str]) -> list[Problem]:
    """A FileObject's (or FileSet's) problems: outside the package, absent, or another
    size or sha256 than its file's."""
    includes = item.get("includes")
    patterns = includes if isinstance(includes, list) else [includes]
    for number, pattern in enumerate(patterns):
        if _outside(pattern):
            at = f"{where}/includes" + (f"/{number}" if isinstance(includes, list) else "")
            return [Problem(CROISSANT, "metadata-mismatch",
                            f"includes {shown(pattern)}, which is not a path in the "
                            "package: corpuskit describes the package's own raw files "
                            f"(data/raw/**); {RESTORE}", at)]
    url, sha, size = item.get("contentUrl"), item.get("sha256"), item.get("contentSize")
    if not isinstance(url, str):
        return []
    if _outside(url):
        return [Problem(CROISSANT, "metadata-mismatch",
                        f"contentUrl is {shown(url)}, which is not a file of the package: "
                        "corpuskit describes the package's own files, by their path in it "
                        f"(such as {DOCUMENTS_PATH}), whose size and sha256 validate checks; "
                        f"{RESTORE}", f"{where}/contentUrl")]
    if url not in sizes:
        return [Problem(url, "missing-file",
                        f"{CROISSANT} ({where}/contentUrl) names it but it is absent")]
    problems = []
    match = _SIZE.match(size) if isinstance(size, str) else None
    stated = stated_count(match.group(1)) if match else None
    if match and stated != sizes[url]:
        said = size if stated is not None else f"{shown_count(match.group(1))} B"
        problems.append(Problem(CROISSANT, "size-mismatch",
                                f"{url} has {sizes[url]} bytes, croissant.json says {said}",
                                f"{where}/contentSize"))
    if isinstance(sha, str) and url in digests and digests[url] != sha.lower():
        problems.append(Problem(CROISSANT, "checksum-mismatch",
                                f"sha256 of {url} is {digests[url]}, croissant.json says "
                                f"{sha}", f"{where}/sha256"))
    return problems


def croissant_differences(document: Any, restated: Restated,
                          reported: Collection[str] = ()) -> list[Problem]:
    """Every property of ``document`` that differs from what corpuskit writes for the
    package ``restated`` describes, at its JSON pointer, with both values, except where
    a problem is ``reported`` already and what depends on facts not measured."""
    if not isinstance(document, dict):
        return []
    problems = _differences_from(document, restated, reported, corpus_authors)
    if problems and any(p.location in ("/creator", "/citeAs")
                        or str(p.location).startswith("/creator/") for p in problems):
        # Every contributor named a creator and an author, as corpuskit wrote them before
        # it read their roles: taken where that is all that differs.
        earlier = _differences_from(document, restated, reported, every_contributor)
        if len(earlier) < len(problems):
            return earlier
    return problems


def _differences_from(document: dict[str, Any], restated: Restated,
                      reported: Collection[str], authors: Authors) -> list[Problem]:
    expected = croissant(restated.config, restated.created, restated.stats(),
                         restated.content, restated.file_entries(),
                         records_from=_earlier_source(document, restated), authors=authors,
                         raw=_raw_form(document, restated))
    unknown = _unknown(restated)
    return [Problem(CROISSANT, "metadata-mismatch", _message(at, found, wanted), at)
            for at, found, wanted in differences(document, expected)
            if at not in reported
            and not any(at == skip or at.startswith(skip + "/") for skip in unknown)
            # an earlier corpuskit's escapes (see citations_alike)
            and not (at == "/citeAs" and isinstance(found, str) and isinstance(wanted, str)
                     and citations_alike(found, wanted))]


def _earlier_source(document: dict[str, Any], restated: Restated) -> str | None:
    """``data/documents.jsonl`` when every field of a package with Parquet reads it, as
    corpuskit wrote croissant.json before its record set read the Parquet file (the same
    records: both forms are true), else None."""
    if not restated.config.parquet:
        return None
    record_sets = document.get("recordSet")
    fields = record_sets[0].get("field") if isinstance(record_sets, list) and record_sets \
        and isinstance(record_sets[0], dict) else None
    if not isinstance(fields, list) or not fields:
        return None
    for field in fields:
        source = field.get("source") if isinstance(field, dict) else None
        file_object = source.get("fileObject") if isinstance(source, dict) else None
        if not isinstance(file_object, dict) or file_object.get("@id") != DOCUMENTS_PATH:
            return None
    return DOCUMENTS_PATH


def _raw_form(document: dict[str, Any], restated: Restated) -> frozenset[str] | None:
    """None, the one text/plain FileSet of every raw file corpuskit writes, unless the
    document's FileSets are those of a FileSet per media type of the raw files' suffixes,
    as some 0.1.0 builds wrote them (true of the same files: taken as it was, a release
    being immutable): then those suffixes. Told apart by the FileSets' ``@id``s, so that
    a FileSet changed by hand is compared with the form it came from (QA: mlcroissant
    could not read those FileSets, corpuskit went back to the one it can)."""
    distribution = document.get("distribution")
    ids = [item.get("@id") for item in distribution if isinstance(item, dict)
           and item.get("@type") == "cr:FileSet"] if isinstance(distribution, list) else []
    typed = typed_raw_file_sets(restated.raw)
    return restated.raw if ids == [item["@id"] for item in typed] else None


def _unknown(restated: Restated) -> list[str]:
    """The pointers of what corpuskit writes from facts validate did not measure."""
    unknown = []
    if restated.languages is None:
        unknown.append("/inLanguage")
    if restated.steps is None or restated.documents is None:
        unknown.append("/rai:dataPreprocessingProtocol")
    for index, item in enumerate(restated.files):
        if item.bytes is None:
            unknown.append(f"/distribution/{index}/contentSize")
        if item.sha256 is None:
            unknown.append(f"/distribution/{index}/sha256")
    return unknown


def _named(at: str) -> str:
    """The property a pointer ends at, as a message names it (``distribution[2]`` for
    an item of a list)."""
    tokens = [token.replace("~1", "/").replace("~0", "~") for token in at.split("/")[1:]]
    if not tokens:
        return "the document"
    if tokens[-1].isdigit() and len(tokens) > 1:
        return f"{tokens[-2]}[{tokens[-1]}]"
    return tokens[-1]


def _message(at: str, found: Any, wanted: Any) -> str:
    name = _named(at)
    source = _SOURCES.get(at.split("/")[1] if at else "", DESCRIPTOR)
    if found is ABSENT:
        said, writes = f"no {name}", shown(wanted)
    elif wanted is ABSENT:
        said, writes = f"{name} is {shown(found)}", f"no {name}"
    else:
        found_shown, writes = shown_pair(found, wanted)
        said = f"{name} is {found_shown}"
    return f"{said}, but corpuskit writes {writes} from {source}; {RESTORE}"


#: croissant.json's properties that restate datapackage.json's: ``(croissant, descriptor)``.
_RESTATED = (("name", "name"), ("version", "version"), ("datePublished", "created"))


def croissant_mismatches(document: Any, descriptor: Mapping[str, Any]) -> list[Problem]:
    """croissant.json's name, version, publication time and identifier (the content hash)
    against datapackage.json's: a hand-edited copy that restated one of them differently
    is two answers to one question. A property the descriptor lacks is not compared.

    What is left to compare when the descriptor holds no configuration corpuskit could
    have written it from (:func:`croissant_differences` compares every property)."""
    if not isinstance(document, dict):
        return []
    settings = descriptor.get("corpuskit")
    pairs = [(ours, document.get(ours), f"/{theirs}", descriptor.get(theirs))
             for ours, theirs in _RESTATED]
    if isinstance(settings, dict):
        pairs.append(("identifier", document.get("identifier"), "/corpuskit/content_hash",
                      settings.get("content_hash")))
    return [Problem(CROISSANT, "metadata-mismatch",
                    f"{ours} is {found!r}, {DESCRIPTOR} says {wanted!r} at {pointer}",
                    f"/{ours}")
            for ours, found, pointer, wanted in pairs
            if isinstance(wanted, str) and found != wanted]
