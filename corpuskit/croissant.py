"""``croissant.json``: the package described in Croissant 1.1 JSON-LD, for ML tooling.

A pure function of the corpus configuration, the measured statistics and the written
data files: nothing here touches the disk. The document is self-contained (inline
``@context``, no network needed to read it); every data file is a ``cr:FileObject`` with
its ``sha256`` and size, and one ``cr:RecordSet`` maps every field of the document record
to its column in ``data/documents.parquet`` when the package has it, else in
``data/documents.jsonl``: mlcroissant reads JSON Lines with pandas' guessing of each
column's type (an ``id`` column of ``0001``, ``007``... comes back as numbers), Parquet
with its explicit column types. The raw inputs are one ``cr:FileSet`` of text/plain files
(their sha256 are in ``manifest-sha256.txt`` and in each record's ``source_sha256``): the
type corpuskit reads each as, and the one mlcroissant gives every file's content by.

Optional Croissant properties (``url``, ``creator``, ``datePublished``) are written only
when corpus.toml gives them; corpuskit never invents metadata.

Example::

    >>> doc = croissant(config, created, stats, content_hash, files)  # doctest: +SKIP
    >>> doc["conformsTo"]                                             # doctest: +SKIP
    'http://mlcommons.org/croissant/1.1'
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from itertools import repeat
from typing import Any

from .config import CorpusConfig
from .package import (
    DOCUMENTS_PATH,
    RAW_PREFIX,
    Authors,
    CorpusStats,
    FileEntry,
    bibtex,
    corpus_authors,
    table_schema,
)
from .problems import Problem
from .schemacheck import iter_problems
from .wording import counted

CROISSANT_PATH = "croissant.json"
CONFORMS_TO = "http://mlcommons.org/croissant/1.1"
RECORD_SET_ID = "documents"

#: The inline JSON-LD context: Croissant 1.1's recommended context (its Appendix 1), with
#: schema.org as ``https://schema.org/`` (the form mlcroissant and schema.org use).
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "sc": "https://schema.org/",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "dct": "http://purl.org/dc/terms/",
    "annotation": "cr:annotation",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "excludes": "cr:excludes",
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "readLines": "cr:readLines",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sdVersion": "cr:sdVersion",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
    "unArchive": "cr:unArchive",
    "value": "cr:value",
}

#: Encoding formats as mlcroissant reads them.
ENCODING_FORMATS = {
    ".jsonl": "application/jsonlines",
    ".parquet": "application/x-parquet",
}
_DATA_TYPES = {"string": "sc:Text", "integer": "sc:Integer", "date": "sc:Date",
               "array": "sc:Text"}
_DESCRIPTIONS = {
    ".jsonl": "The records, one JSON object per line, sorted by id (canonical form).",
    ".parquet": "The same records as Parquet with explicit column types "
                "(date as string, normalization as list<string>).",
}

#: The media type of a raw file by its suffix (lowercased), as the FileSets per media type
#: of some 0.1.0 builds declared it (validate still accepts that form, see
#: :func:`typed_raw_file_sets`): a fixed table; any other suffix was text/plain.
RAW_MEDIA_TYPES = {
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
    ".csv": "text/csv",
    ".xml": "application/xml",
    ".json": "application/json",
    ".rst": "text/x-rst",
}
#: The name a FileSet of raw files of each media type has (``raw-<label>``).
_RAW_LABELS = {"text/plain": "text", "text/markdown": "markdown", "text/html": "html",
               "text/csv": "csv", "application/xml": "xml", "application/json": "json",
               "text/x-rst": "rst"}
_RAW_DESCRIPTION = ("The raw input files, byte for byte (sha256 in manifest-sha256.txt "
                    "and in each record's source_sha256).")
#: The one FileSet over every raw file, as corpuskit writes it for every package: text/plain,
#: as corpuskit reads each raw file as text, and mlcroissant reads a FileSet's files by its
#: encodingFormat (QA: it cannot read text/markdown, text/html, application/xml, text/x-rst,
#: parses application/json and text/csv, which a raw file of that suffix need not hold).
RAW_FILE_SET: dict[str, Any] = {
    "@type": "cr:FileSet",
    "@id": "data/raw",
    "name": "raw",
    "description": _RAW_DESCRIPTION,
    "encodingFormat": "text/plain",
    "includes": f"{RAW_PREFIX}**",
}


#: The suffixes :func:`raw_suffixes` takes out a pass each, at most.
FEW_SUFFIXES = 8


def _name_suffix(path: str) -> str:
    """The suffix of the name ``path`` ends with: from its last dot on (``""``: none)."""
    name = path.rsplit("/", 1)[-1]
    return name[name.rfind("."):] if "." in name else ""


def raw_suffixes(paths: Iterable[str]) -> frozenset[str]:
    """The suffixes of the raw files' names (``""`` for a name without one), as
    :func:`typed_raw_file_sets` tells their media types from: from the last dot of the name
    on, which is what a glob ``*.md`` matches the end of.

    A path ends with a suffix found (a dot, then neither a dot nor a slash) exactly when
    that is its own suffix: each suffix found takes its paths out in one pass of
    ``str.endswith``, and the few suffixes of a corpus cost a few passes, not a split of
    every path (validate's clean pass, a block of 358 paths of one suffix: 0.28 µs a path
    down to 0.05). Past :data:`FEW_SUFFIXES` suffixes the rest is split a path at a time:
    a pass per suffix over paths of as many suffixes would take time quadratic in them."""
    if not isinstance(paths, (list, tuple)):  # read once: a path at a time
        return frozenset(map(_name_suffix, paths))
    found: set[str] = set()
    left = paths
    while left:
        suffix = _name_suffix(left[0])
        found.add(suffix)
        if not suffix or len(found) > FEW_SUFFIXES:  # ("": every path ends with it)
            found.update(map(_name_suffix, left))
            break
        if all(map(str.endswith, left, repeat(suffix))):
            break
        left = [path for path in left if not path.endswith(suffix)]
    return frozenset(found)


def typed_raw_file_sets(suffixes: Collection[str] | None) -> list[dict[str, Any]]:
    """The FileSets of the raw files as some 0.1.0 builds wrote them, which validate still
    accepts (corpuskit now writes :data:`RAW_FILE_SET`): one per media type, each including
    its suffixes' files at any depth (mlcroissant matches with fnmatch, where ``*``
    crosses ``/`` but ``**/*.md`` misses the files at the top, hence both globs). Globs
    cannot select the files of a name without a suffix (nor of a suffix holding a glob
    character) apart from the others: with one of those, or when every file is text/plain,
    the one FileSet of every raw file as text/plain, so that no file is in two FileSets
    (mlcroissant ignores ``excludes``). ``suffixes`` None: not known, the same one
    FileSet."""
    if suffixes is None or any(not suffix or any(c in suffix for c in "*?[")
                               for suffix in suffixes):
        return [RAW_FILE_SET]
    groups: dict[str, list[str]] = {}
    for suffix in sorted(suffixes):
        groups.setdefault(RAW_MEDIA_TYPES.get(suffix.lower(), "text/plain"), []).append(suffix)
    if set(groups) <= {"text/plain"}:
        return [RAW_FILE_SET]
    return [{
        "@type": "cr:FileSet",
        "@id": f"raw-{_RAW_LABELS[media]}",
        "name": f"raw-{_RAW_LABELS[media]}",
        "description": f"The raw input files of type {media} ({', '.join(spellings)}), "
                       "byte for byte (sha256 in manifest-sha256.txt and in each record's "
                       "source_sha256).",
        "encodingFormat": media,
        "includes": [glob for suffix in spellings
                     for glob in (f"{RAW_PREFIX}*{suffix}", f"{RAW_PREFIX}**/*{suffix}")],
    } for media, spellings in sorted(groups.items())]


def _suffix(path: str) -> str:
    return path[path.rfind("."):] if "." in path else ""


def _file_object(entry: FileEntry) -> dict[str, Any]:
    suffix = _suffix(entry.path)
    return {
        "@type": "cr:FileObject",
        "@id": entry.path,
        "name": entry.path.rsplit("/", 1)[-1],
        "description": _DESCRIPTIONS.get(suffix, "A data file of the package."),
        "contentUrl": entry.path,
        "contentSize": f"{entry.bytes} B",
        "encodingFormat": ENCODING_FORMATS[suffix],
        "sha256": entry.sha256,
    }


def _record_set(source_id: str) -> dict[str, Any]:
    fields: list[dict[str, Any]] = []
    for spec in table_schema()["fields"]:
        name = spec["name"]
        item: dict[str, Any] = {
            "@type": "cr:Field",
            "@id": f"{RECORD_SET_ID}/{name}",
            "name": name,
            "description": spec["description"],
            "dataType": _DATA_TYPES[spec["type"]],
        }
        if spec["type"] == "array":
            item["isArray"] = True
            item["arrayShape"] = "-1"
        item["source"] = {"fileObject": {"@id": source_id}, "extract": {"column": name}}
        fields.append(item)
    return {
        "@type": "cr:RecordSet",
        "@id": RECORD_SET_ID,
        "name": RECORD_SET_ID,
        "description": "One record per document, in id order; `id` is stable across "
                       "versions.",
        "key": {"@id": f"{RECORD_SET_ID}/id"},
        "field": fields,
    }


def _license(lic: dict[str, Any]) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "sc:CreativeWork",
                            "name": lic.get("name") or lic.get("title") or lic.get("path")}
    if lic.get("title") and lic.get("name"):
        work["description"] = lic["title"]
    if lic.get("path"):
        work["url"] = lic["path"]
    return work


def _creator(person: dict[str, Any]) -> dict[str, Any]:
    """A contributor: a person when a given or family name or an organization is known
    (the Data Package's ``organization`` is "an organizational affiliation for this
    contributor": the person's ``affiliation``), else an organization."""
    organization = person.get("organization")
    is_person = bool(person.get("givenName") or person.get("familyName") or organization)
    item: dict[str, Any] = {"@type": "sc:Person" if is_person else "sc:Organization",
                            "name": person["title"]}
    keys = ("givenName", "familyName", "email") if is_person else ("email",)
    item.update({key: person[key] for key in keys if person.get(key)})
    if organization:
        item["affiliation"] = {"@type": "sc:Organization", "name": organization}
    if person.get("path"):
        item["url"] = person["path"]
    return item


def croissant(
    config: CorpusConfig,
    created: str | None,
    stats: CorpusStats,
    content: str,
    files: Sequence[FileEntry],
    *,
    records_from: str | None = None,
    authors: Authors = corpus_authors,
    raw: Collection[str] | None = None,
) -> dict[str, Any]:
    """The Croissant 1.1 document of a package (key order fixed here).

    ``files`` are the package's data files (``data/documents.jsonl`` first, then
    ``data/documents.parquet`` when written), with their sizes and sha256. The record set
    reads the Parquet file when there is one, or ``records_from`` (one of ``files``: the
    JSON Lines file, as corpuskit wrote it before, which validate still accepts).
    ``authors``: the contributors named as its ``creator`` and in its citation (every
    contributor, as corpuskit wrote it before, which validate still accepts too).
    ``raw``: None, the one text/plain FileSet of every raw file corpuskit writes; or the
    :func:`raw_suffixes` of the raw files, a FileSet for each media type, as some earlier
    builds wrote it, which validate still accepts (:func:`typed_raw_file_sets`).
    """
    meta = config.metadata
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "name": config.name,
        "alternateName": meta["title"],
        "description": meta["description"],
        "conformsTo": CONFORMS_TO,
        "version": config.version,
        "license": [_license(lic) for lic in meta["licenses"]],
    }
    if meta.get("homepage"):
        doc["url"] = meta["homepage"]
    if created:
        doc["datePublished"] = created
    creators = authors(meta.get("contributors", []))
    if creators:
        doc["creator"] = [_creator(c) for c in creators]
    if meta.get("keywords"):
        doc["keywords"] = list(meta["keywords"])
    languages = sorted(lang for lang in stats.languages if lang != "und")
    if languages:
        doc["inLanguage"] = languages
    doc["citeAs"] = bibtex(config, content, created, authors=authors)
    doc["identifier"] = content
    doc["rai:dataCollection"] = "; ".join(
        src["title"] + (f" <{src['path']}>" if src.get("path") else "")
        for src in meta["sources"])
    doc["rai:dataPreprocessingProtocol"] = [
        f"{step}: changed {stats.steps.get(step, 0)} of {counted(stats.documents, 'document')}"
        for step in config.process.normalize.steps
    ]
    distribution = [_file_object(entry) for entry in files]
    distribution += [dict(item) for item in typed_raw_file_sets(raw)]
    doc["distribution"] = distribution
    paths = [entry.path for entry in files]
    source = (records_from if records_from in paths
              else next((path for path in paths if path.endswith(".parquet")),
                        DOCUMENTS_PATH if DOCUMENTS_PATH in paths else paths[0]))
    doc["recordSet"] = [_record_set(source)]
    return doc


SCHEMA = "croissant.schema.json"


def check_croissant(doc: Mapping[str, Any], path: str = CROISSANT_PATH) -> list[Problem]:
    """Problems of a Croissant document against the 1.1 spec's required fields.

    ``schemas/croissant.schema.json`` checks the required dataset properties, every
    FileObject (``@id``, ``name``, ``contentUrl``, ``encodingFormat``, ``sha256``) and every
    field (``dataType``, ``source.fileObject``/``extract.column``); this adds the checks a
    schema cannot make: unique ``@id``s and field sources naming a declared FileObject.
    mlcroissant's own validator is looser than the spec, hence this one.
    """
    problems = list(iter_problems(SCHEMA, doc, path))
    return problems or reference_problems(doc, path)


def reference_problems(doc: Mapping[str, Any], path: str = CROISSANT_PATH) -> list[Problem]:
    """What :func:`check_croissant` adds to the schema of a document that matches it:
    every ``@id`` used once, every field's source naming a declared FileObject."""
    problems: list[Problem] = []
    ids: dict[str, str] = {}
    for where, node in _nodes(doc):
        node_id = node.get("@id")
        if isinstance(node_id, str):
            if node_id in ids:
                problems.append(Problem(path, "schema-error",
                                        f"@id {node_id!r} is also used at {ids[node_id]}",
                                        where))
            ids.setdefault(node_id, where)
    files = {item["@id"] for item in doc["distribution"] if item["@type"] == "cr:FileObject"}
    for r_index, record_set in enumerate(doc["recordSet"]):
        for f_index, field_ in enumerate(record_set["field"]):
            target = field_["source"]["fileObject"]["@id"]
            if target not in files:
                problems.append(Problem(
                    path, "schema-error", f"source names {target!r}, which is no FileObject",
                    f"/recordSet/{r_index}/field/{f_index}/source/fileObject/@id"))
    return problems


def _nodes(doc: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    found: list[tuple[str, Mapping[str, Any]]] = [
        (f"/distribution/{i}", item) for i, item in enumerate(doc["distribution"])]
    for r_index, record_set in enumerate(doc["recordSet"]):
        found.append((f"/recordSet/{r_index}", record_set))
        found += [(f"/recordSet/{r_index}/field/{f_index}", field_)
                  for f_index, field_ in enumerate(record_set["field"])]
    return found
