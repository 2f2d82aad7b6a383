"""The contents of a package's metadata files, as pure functions of config and statistics.

Nothing here touches the disk: :mod:`corpuskit.writer` writes what these functions return.
Key order of every JSON file is fixed here, so output bytes never depend on dict order.
"""

from __future__ import annotations

import hashlib
import json
import re
import statistics
from array import array
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from .config import CorpusConfig
from .schemacheck import DATAPACKAGE_V2_URL

DOCUMENTS_PATH = "data/documents.jsonl"
RAW_PREFIX = "data/raw/"
CONTENT_HASH_PREFIX = b"corpuskit-content-v1\n"
#: Package-level metadata that is content (the version label and release date are not).
CONTENT_METADATA_KEYS = (
    "name", "title", "description", "homepage", "keywords", "licenses", "sources",
    "contributors",
)

_FIELD_DOCS: dict[str, tuple[str, str]] = {
    "id": ("string", "Stable document id: seeds-relative path without extension."),
    "title": ("string", "Title line, or null."),
    "date": ("date", "ISO 8601 date (YYYY-MM-DD), or null."),
    "language": ("string", "ISO 639-1 language code, 'und' when undetermined."),
    "text": ("string", "Normalized body text (NFC, LF, one blank line between paragraphs)."),
    "rights": ("string", "Copyright/footer line taken out of the body, or null."),
    "chars": ("integer", "Unicode code points in text."),
    "words": ("integer", "Whitespace-separated tokens in text."),
    "paragraphs": ("integer", "Paragraphs in text."),
    "text_sha256": ("string", "sha256 of text as UTF-8."),
    "source_path": ("string", "Raw input path, relative to data/raw/."),
    "source_bytes": ("integer", "Size of the raw input in bytes."),
    "source_sha256": ("string", "sha256 of the raw input."),
    "source_encoding": ("string", "Codec that decoded the raw input."),
    "normalization": ("array", "Normalization steps that changed this document."),
}


def canonical_json(value: Any) -> bytes:
    """JSON with sorted keys, no extra spaces, UTF-8 (for hashing, never for display)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def pretty_json(value: Any) -> bytes:
    """JSON for files people read: key order as built, 2-space indent, final newline."""
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


class RecordFacts(Protocol):
    """What statistics need of a record (a Record or a worker's summary of one)."""

    @property
    def title(self) -> str | None: ...
    @property
    def date(self) -> str | None: ...
    @property
    def language(self) -> str: ...
    @property
    def rights(self) -> str | None: ...
    @property
    def chars(self) -> int: ...
    @property
    def words(self) -> int: ...
    @property
    def source_bytes(self) -> int: ...
    @property
    def source_encoding(self) -> str: ...
    @property
    def normalization(self) -> tuple[str, ...]: ...


@dataclass
class CorpusStats:
    """Statistics gathered while records stream past (mutable accumulator, not a stage value)."""

    documents: int = 0
    chars: array[int] = field(default_factory=lambda: array("q"))
    words: int = 0
    raw_bytes: int = 0
    languages: Counter[str] = field(default_factory=Counter)
    encodings: Counter[str] = field(default_factory=Counter)
    steps: Counter[str] = field(default_factory=Counter)
    first_date: str | None = None
    last_date: str | None = None
    with_title: int = 0
    with_date: int = 0
    with_rights: int = 0

    def add(self, record: RecordFacts) -> None:
        self.documents += 1
        self.chars.append(record.chars)
        self.words += record.words
        self.raw_bytes += record.source_bytes
        self.languages[record.language] += 1
        self.encodings[record.source_encoding] += 1
        self.steps.update(record.normalization)
        self.with_title += record.title is not None
        self.with_rights += record.rights is not None
        if record.date is not None:
            self.with_date += 1
            if self.first_date is None or record.date < self.first_date:
                self.first_date = record.date
            if self.last_date is None or record.date > self.last_date:
                self.last_date = record.date


@dataclass(frozen=True)
class FileEntry:
    """A written file: path relative to the package root, size and sha256."""

    path: str
    bytes: int
    sha256: str


def content_hash(config: CorpusConfig, documents_sha256: str) -> str:
    """Identity of the content: records plus content metadata, not layout, version or date."""
    meta = {k: config.metadata[k] for k in CONTENT_METADATA_KEYS if k in config.metadata}
    digest = hashlib.sha256(CONTENT_HASH_PREFIX)
    digest.update(canonical_json(meta))
    digest.update(b"\n" + documents_sha256.encode())
    return "sha256:" + digest.hexdigest()


def table_schema() -> dict[str, Any]:
    fields_: list[dict[str, Any]] = []
    for name, (kind, description) in _FIELD_DOCS.items():
        item: dict[str, Any] = {"name": name, "type": kind, "description": description}
        if name in ("id", "language", "text", "text_sha256", "source_path", "source_sha256"):
            item["constraints"] = {"required": True}
        if name == "id":
            item["constraints"]["unique"] = True
        fields_.append(item)
    return {"fields": fields_, "primaryKey": ["id"]}


def process_settings(config: CorpusConfig) -> dict[str, Any]:
    """The recorded processing configuration, so a consumer can replay every record."""
    process = config.process
    extract = asdict(process.extract)
    extract["rights_patterns"] = list(process.extract.rights_patterns)
    return {
        "decode": {"fallback_encodings": list(process.decode.fallback_encodings)},
        "normalize": {"steps": list(process.normalize.steps)},
        "extract": extract,
    }


def datapackage(
    config: CorpusConfig,
    created: str | None,
    resources: list[tuple[FileEntry, dict[str, Any]]],
    stats: CorpusStats,
    content: str,
) -> dict[str, Any]:
    """The Data Package v2 descriptor (key order fixed here)."""
    meta = config.metadata
    descriptor: dict[str, Any] = {"$schema": DATAPACKAGE_V2_URL, "name": config.name}
    for key in ("title", "description", "version"):
        descriptor[key] = meta[key]
    if created:
        descriptor["created"] = created
    for key in ("homepage", "keywords", "licenses", "sources", "contributors"):
        if key in meta:
            descriptor[key] = meta[key]
    descriptor["resources"] = [
        {
            "name": extra.get("name"),
            "type": "table",
            "path": entry.path,
            **{k: v for k, v in extra.items() if k != "name"},
            "bytes": entry.bytes,
            "hash": f"sha256:{entry.sha256}",
        }
        for entry, extra in resources
    ]
    descriptor["corpuskit"] = {
        "profile": "https://corpuskit.dev/schemas/datapackage.schema.json",
        "content_hash": content,
        "documents": stats.documents,
        "process": process_settings(config),
    }
    return descriptor


def documents_resource() -> dict[str, Any]:
    return {
        "name": "documents",
        "format": "jsonl",
        "mediatype": "application/jsonl",
        "encoding": "utf-8",
        "schema": table_schema(),
    }


# -- BagIt (RFC 8493) -------------------------------------------------------------------

BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"


def bagit_path(path: str) -> str:
    """A path as a manifest line writes it: %, CR and LF percent-encoded (RFC 8493 §2.1.3)."""
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def unbagit_path(path: str) -> str:
    return path.replace("%0A", "\n").replace("%0a", "\n").replace("%0D", "\r").replace(
        "%0d", "\r").replace("%25", "%")


def manifest_line(entry: FileEntry) -> bytes:
    return f"{entry.sha256}  {bagit_path(entry.path)}\n".encode()


def bag_info(config: CorpusConfig, created: str | None, payload_bytes: int, payload_files: int,
             content: str) -> bytes:
    meta = config.metadata
    lines = [
        ("Bag-Software-Agent", "corpuskit"),
        ("External-Identifier", config.release_name),
        ("External-Description", " ".join(str(meta["title"]).split())),
        ("Bag-Group-Identifier", config.name),
        ("Version", config.version),
        ("Content-Hash", content),
    ]
    if created:
        lines.append(("Bagging-Date", created[:10]))
    lines.append(("Payload-Oxum", f"{payload_bytes}.{payload_files}"))
    return "".join(f"{label}: {value}\n" for label, value in lines).encode()


# -- Data card and changelog ------------------------------------------------------------

def _size_category(n: int) -> str:
    bounds = [(1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
              (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M")]
    return next((label for bound, label in bounds if n < bound), "10M<n<100M")


def _hf_license(config: CorpusConfig) -> str:
    names = [str(lic.get("name", "")).lower() for lic in config.metadata["licenses"]]
    known = {"cc0-1.0": "cc0-1.0", "cc-by-4.0": "cc-by-4.0", "cc-by-sa-4.0": "cc-by-sa-4.0",
             "mit": "mit", "apache-2.0": "apache-2.0", "odc-by": "odc-by", "pddl": "pddl"}
    return known.get(names[0], "other") if len(names) == 1 else "other"


def _yaml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


MISSING = "_Not provided by the maintainer._"


def data_card(config: CorpusConfig, stats: CorpusStats, content: str,
              data_files: str) -> bytes:
    """README.md: Hugging Face YAML header, then datasheet sections from measured facts."""
    meta = config.metadata
    languages = sorted(lang for lang in stats.languages if lang != "und")
    header = ["---", f"pretty_name: {_yaml_str(meta['title'])}", f"license: {_hf_license(config)}"]
    header.append("language:" + ("".join(f"\n- {lang}" for lang in languages) if languages else " []"))
    header += [
        "size_categories:",
        f"- {_size_category(stats.documents)}",
        "task_categories:",
        "- text-generation",
        "configs:",
        "- config_name: default",
        "  data_files:",
        "  - split: train",
        f"    path: {data_files}",
        "---",
    ]
    chars = sorted(stats.chars)
    median = statistics.median(chars) if chars else 0
    lang_rows = "\n".join(
        f"| {lang} | {count} |" for lang, count in sorted(stats.languages.items())
    )
    step_rows = "\n".join(
        f"| `{step}` | {stats.steps.get(step, 0)} |" for step in config.process.normalize.steps
    )
    licenses = "\n".join(
        f"- {lic.get('title') or lic.get('name')}"
        + (f" (`{lic['name']}`)" if lic.get("name") else "")
        + (f" <{lic['path']}>" if lic.get("path") else "")
        for lic in meta["licenses"]
    )
    sources = "\n".join(
        f"- {src['title']}" + (f" <{src['path']}>" if src.get("path") else "")
        for src in meta["sources"]
    )
    contributors = "\n".join(f"- {c['title']}" for c in meta.get("contributors", [])) or MISSING
    date_range = (f"{stats.first_date} to {stats.last_date}" if stats.first_date
                  else "no document carries a date")
    key = re.sub(r"[^A-Za-z0-9]", "", config.name) or "corpus"
    body = f"""
# {meta['title']}

{meta['description']}

| | |
|---|---|
| Package | `{config.name}` version `{config.version}` |
| Documents | {stats.documents} |
| Content hash | `{content}` |
| Homepage | {meta.get('homepage', MISSING)} |

## Dataset description

### Motivation

{meta['description']}

### Composition

{stats.documents} documents, {stats.words} words, {sum(chars)} characters of normalized text
({stats.raw_bytes} bytes of raw input). Document length in characters: minimum {chars[0] if chars else 0},
median {median:g}, maximum {chars[-1] if chars else 0}. Dates: {date_range}
({stats.with_date} of {stats.documents} documents dated). {stats.with_title} documents have a
title line and {stats.with_rights} a rights line.

| language (ISO 639-1) | documents |
|---|---|
{lang_rows}

Each record of `data/documents.jsonl` has the fields `id`, `title`, `date`, `language`, `text`,
`rights`, `chars`, `words`, `paragraphs`, `text_sha256`, `source_path`, `source_bytes`,
`source_sha256`, `source_encoding` and `normalization`, described in `datapackage.json`.

### Collection and preprocessing

Sources:

{sources}

The raw input files are kept byte for byte in `data/raw/`. corpuskit decoded each one
(recorded per document in `source_encoding`), normalized it with the steps below, and took the
title, date and rights lines out of the body. The table counts how many documents each step changed.

| step | documents changed |
|---|---|
{step_rows}

### Uses

{MISSING}

### Distribution and rights

{licenses}

### Maintenance

Contributors:

{contributors}

Versions follow semantic versioning of the content; see `CHANGELOG.md`.

## How to verify and load

```sh
corpuskit validate .          # checksums, BagIt manifests, schemas, record cross-checks
sha256sum -c manifest-sha256.txt
```

```python
import corpuskit
for doc in corpuskit.load("."):
    print(doc.id, doc.title)
```

## Citation

```bibtex
@misc{{{key}_{config.version.replace('.', '_')},
  title = {{{meta['title']}}},
  version = {{{config.version}}},
  note = {{corpuskit package {config.release_name}, content hash {content}}}
}}
```
"""
    return ("\n".join(header) + "\n" + body).encode("utf-8")


def default_changelog(config: CorpusConfig, created: str | None, stats: CorpusStats) -> bytes:
    date = created[:10] if created else "unreleased"
    return (
        f"# Changelog of {config.name}\n\n## {config.version} ({date})\n\n"
        f"- {stats.documents} documents.\n"
    ).encode()
