"""The contents of a package's metadata files, as pure functions of config and statistics.

Nothing here touches the disk: :mod:`corpuskit.writer` writes what these functions return.
Key order of every JSON file is fixed here, so output bytes never depend on dict order.
"""

from __future__ import annotations

import hashlib
import json
import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from json.encoder import encode_basestring
from typing import Any, Protocol, TypeVar

from .config import FAITHFUL_STEPS, STEP_NEEDS, CorpusConfig, ExtractConfig
from .markdowntext import ESCAPED, UNESCAPED, CardValues, code_span
from .models import document_id
from .schemacheck import DATAPACKAGE_V2_URL
from .wording import counted

_T = TypeVar("_T")

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
    # Only what the steps that always run make true (line-endings, nfc, paragraph-spacing:
    # corpus.toml cannot skip them), so it holds whatever [normalize] skips (QA: with nfc
    # skipped, NFD records were described as NFC).
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
        for step in record.normalization:  # (most have none, and Counter.update is Python)
            self.steps[step] += 1
        self.with_title += record.title is not None
        self.with_rights += record.rights is not None
        if record.date is not None:
            self.with_date += 1
            if self.first_date is None or record.date < self.first_date:
                self.first_date = record.date
            if self.last_date is None or record.date > self.last_date:
                self.last_date = record.date

    def as_json(self) -> dict[str, Any]:
        """These statistics as JSON values (:meth:`from_json` reads them back equal)."""
        return {"documents": self.documents, "chars": self.chars.tolist(), "words": self.words,
                "raw_bytes": self.raw_bytes, "languages": dict(self.languages),
                "encodings": dict(self.encodings), "steps": dict(self.steps),
                "first_date": self.first_date, "last_date": self.last_date,
                "with_title": self.with_title, "with_date": self.with_date,
                "with_rights": self.with_rights}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CorpusStats:
        return cls(documents=data["documents"], chars=array("q", data["chars"]),
                   words=data["words"], raw_bytes=data["raw_bytes"],
                   languages=Counter(data["languages"]), encodings=Counter(data["encodings"]),
                   steps=Counter(data["steps"]), first_date=data["first_date"],
                   last_date=data["last_date"], with_title=data["with_title"],
                   with_date=data["with_date"], with_rights=data["with_rights"])

    def lengths(self) -> Lengths | None:
        """The documents' lengths as the data card states them (None: no documents)."""
        return Lengths.of_counts(Counter(self.chars))

    def merge(self, other: CorpusStats) -> None:
        """Add the statistics of documents that come after these (a worker's shard)."""
        self.documents += other.documents
        self.chars.extend(other.chars)
        self.words += other.words
        self.raw_bytes += other.raw_bytes
        self.languages.update(other.languages)
        self.encodings.update(other.encodings)
        self.steps.update(other.steps)
        self.with_title += other.with_title
        self.with_rights += other.with_rights
        self.with_date += other.with_date
        for date in (other.first_date, other.last_date):
            if date is not None:
                if self.first_date is None or date < self.first_date:
                    self.first_date = date
                if self.last_date is None or date > self.last_date:
                    self.last_date = date


@dataclass(frozen=True)
class Lengths:
    """What the data card states of the documents' lengths in characters."""

    minimum: int
    median: float
    mean: float
    maximum: int
    total: int

    @classmethod
    def of_counts(cls, counts: Mapping[int, int]) -> Lengths | None:
        """From how many documents have each length (``{length: documents}``), without a
        list of the lengths: the median as :func:`statistics.median` gives it (the mean of
        the two middle values for an even count), the mean as :func:`statistics.fmean`
        (the exact sum of the lengths as floats, rounded once, over the count). None for
        no documents."""
        lengths = sorted(length for length, count in counts.items() if count > 0)
        documents = sum(counts[length] for length in lengths)
        if not documents:
            return None
        total = sum(length * counts[length] for length in lengths)
        # The values at the two middle positions (0-based; one position for an odd count).
        low_at, high_at = (documents - 1) // 2, documents // 2
        low: int | None = None
        high = lengths[-1]
        seen = 0
        for length in lengths:
            seen += counts[length]
            if low is None and seen > low_at:
                low = length
            if seen > high_at:
                high = length
                break
        assert low is not None  # low_at < documents
        median: float = low if documents % 2 else (low + high) / 2
        as_floats = sum(int(float(length)) * counts[length] for length in lengths)
        return cls(lengths[0], median, float(as_floats) / documents, lengths[-1], total)


@dataclass(frozen=True)
class FileEntry:
    """A written file: path relative to the package root, size and sha256."""

    path: str
    bytes: int
    sha256: str


def content_hash_of(metadata: Mapping[str, Any], documents_sha256: str) -> str:
    """Identity of the content: records plus content metadata, not layout, version or date.

    ``metadata`` is corpus.toml's top level or a package's datapackage.json: only the keys
    of :data:`CONTENT_METADATA_KEYS` count; ``documents_sha256`` is the sha256 of
    data/documents.jsonl (the canonical serialization of the records).
    """
    meta = {k: metadata[k] for k in CONTENT_METADATA_KEYS if k in metadata}
    digest = hashlib.sha256(CONTENT_HASH_PREFIX)
    digest.update(canonical_json(meta))
    digest.update(b"\n" + documents_sha256.encode())
    return "sha256:" + digest.hexdigest()


def content_hash(config: CorpusConfig, documents_sha256: str) -> str:
    """The content hash of the package a build of ``config`` writes."""
    return content_hash_of(config.metadata, documents_sha256)


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
            **{k: v for k, v in extra.items() if k not in ("name", "bytes")},
            # A template may say "bytes": None: see parquet.parquet_resource for why.
            **({"bytes": entry.bytes} if extra.get("bytes", True) is not None else {}),
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


def manifest_lines(files: Iterable[tuple[str, str]]) -> bytes:
    """``<sha256>  <path>`` and LF for each ``(path, sha256)``: the one form of every (tag)
    manifest line corpuskit writes, joined (one encode for a shard's 512 lines). Paths are
    escaped (:func:`bagit_path`) only if one of them holds a character to escape: a
    shard's lines then take half the time."""
    files = files if isinstance(files, list) else list(files)
    paths = "".join([path for path, _ in files])
    if "%" in paths or "\r" in paths or "\n" in paths:
        return "".join([f"{sha256}  {bagit_path(path)}\n" for path, sha256 in files]).encode()
    return "".join([f"{sha256}  {path}\n" for path, sha256 in files]).encode()


def manifest_line(entry: FileEntry) -> bytes:
    """The manifest line of one file (see :func:`manifest_lines`)."""
    return manifest_lines(((entry.path, entry.sha256),))


def manifest_order(path: str) -> tuple[int, str, str]:
    """The sort key of the order in which corpuskit writes manifest lines.

    Raw files first, in the order of the records (by document id, the seeds path without
    its extension), then every other file by path: documents.jsonl and documents.parquet
    in the payload manifest, the tag files in the tag manifest.
    """
    if path.startswith(RAW_PREFIX):
        source = path[len(RAW_PREFIX):]
        return 0, document_id(source), source
    return 1, path, ""


#: The labels of bag-info.txt, in the order corpuskit writes them (Bagging-Date only when
#: the release has a time).
BAG_INFO_LABELS = ("Bag-Software-Agent", "External-Identifier", "External-Description",
                   "Bag-Group-Identifier", "Version", "Content-Hash", "Bagging-Date",
                   "Payload-Oxum")


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
    assert tuple(label for label, _ in lines) == tuple(
        label for label in BAG_INFO_LABELS if created or label != "Bagging-Date")
    return "".join(f"{label}: {value}\n" for label, value in lines).encode()


# -- Data card and changelog ------------------------------------------------------------

MISSING = "_Not provided by the maintainer._"

#: The license ids the Hugging Face Hub knows (its "License identifier (to use in repo
#: card)" list), by the SPDX id of each (matched without case), the Hub's own where it is
#: not one; a license family's id (bsd, gpl, cc...) stands for no SPDX id. 18 of them
#: were known before (QA: MPL-2.0, BSD-2-Clause, CC-BY-NC-SA-3.0 became "other").
HF_LICENSES = {
    **{name.lower(): name.lower() for name in (
        "Apache-2.0", "MIT", "AFL-3.0", "Artistic-2.0", "BSL-1.0", "BSD-2-Clause",
        "BSD-3-Clause", "BSD-3-Clause-Clear", "CC0-1.0", "CC-BY-2.0", "CC-BY-2.5",
        "CC-BY-3.0", "CC-BY-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0", "CC-BY-NC-2.0",
        "CC-BY-NC-3.0", "CC-BY-NC-4.0", "CC-BY-ND-4.0", "CC-BY-NC-ND-3.0", "CC-BY-NC-ND-4.0",
        "CC-BY-NC-SA-2.0", "CC-BY-NC-SA-3.0", "CC-BY-NC-SA-4.0", "CDLA-Sharing-1.0",
        "CDLA-Permissive-1.0", "CDLA-Permissive-2.0", "WTFPL", "ECL-2.0", "EPL-1.0",
        "EPL-2.0", "etalab-2.0", "EUPL-1.1", "AGPL-3.0", "GPL-2.0", "GPL-3.0", "LGPL-2.1",
        "LGPL-3.0", "ISC", "LPPL-1.3c", "MS-PL", "MPL-2.0", "ODC-By", "ODbL", "OSL-3.0",
        "PostgreSQL", "OFL-1.1", "NCSA", "Unlicense", "Zlib", "PDDL", "LGPLLR",
    )},
    "c-uda-1.0": "c-uda", "lgpllr": "lgpl-lr",
    "odc-by-1.0": "odc-by", "odbl-1.0": "odbl", "pddl-1.0": "pddl",
    **{f"{name}-{suffix}": name for name in ("agpl-3.0", "gpl-2.0", "gpl-3.0", "lgpl-2.1",
                                             "lgpl-3.0") for suffix in ("only", "or-later")},
}
#: The table corpuskit used before, for the cards it wrote then (:data:`EARLIER_CARDS`).
_EARLIER_HF_LICENSES = {
    **{name.lower(): name.lower() for name in (
        "CC0-1.0", "CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-4.0", "CC-BY-NC-SA-4.0",
        "CC-BY-ND-4.0", "CC-BY-NC-ND-4.0", "CC-BY-3.0", "CC-BY-SA-3.0", "MIT", "Apache-2.0",
        "ODC-By", "ODbL", "PDDL", "GPL-3.0", "LGPL-3.0", "BSD-3-Clause", "Unlicense",
    )},
    "odc-by-1.0": "odc-by", "odbl-1.0": "odbl", "pddl-1.0": "pddl",
    "gpl-3.0-only": "gpl-3.0", "gpl-3.0-or-later": "gpl-3.0",
    "lgpl-3.0-only": "lgpl-3.0", "lgpl-3.0-or-later": "lgpl-3.0",
}


#: The roles that do not make a contributor one of the corpus's authors: who paid for it,
#: published, distributed or hosts it, holds its rights or answers questions about it
#: (Data Package v1's ``publisher``, v2's ``contact`` and ``rightsHolder``, DataCite's
#: contributor types of the kind), compared in any case and without spaces, ``-`` or
#: ``_``. The authors are the citation's (BibTeX ``author``), Croissant's ``creator`` and
#: the data card's "Curated by": every contributor with a role not among these, or with
#: no roles (an ``author``, a ``creator``, a ``maintainer``, an ``editor``, a
#: ``dataCurator``). The others are listed with their roles in the card, not cited as
#: authors (QA: a funder and a publisher were).
NOT_AUTHOR_ROLES = frozenset({
    "funder", "sponsor", "publisher", "distributor", "hostinginstitution", "contact",
    "contactperson", "rightsholder", "registrationagency", "registrationauthority"})

#: Which contributors a package names as the corpus's authors (see :data:`NOT_AUTHOR_ROLES`).
Authors = Callable[[Sequence[dict[str, Any]]], list[dict[str, Any]]]


def _role_key(role: object) -> str:
    return re.sub(r"[\s_-]+", "", str(role)).casefold()


def corpus_authors(contributors: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The contributors who are the corpus's authors (see :data:`NOT_AUTHOR_ROLES`), in
    their order."""
    return [person for person in contributors
            if not person.get("roles")
            or any(_role_key(role) not in NOT_AUTHOR_ROLES for role in person["roles"])]


def every_contributor(contributors: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every contributor, whatever its roles: the authors of packages corpuskit built
    before it read the roles (2026-12-05), which validate still takes."""
    return list(contributors)


#: The plain YAML scalars (of letters, digits, ".", "_" and "-", the only ones written
#: plain) that a YAML reader takes for no string: YAML 1.1's null, booleans (``no``,
#: ``y``, ``off``), integers, floats and dates (PyYAML's, which ``huggingface_hub`` and
#: ``datasets`` read the card with; its float as the 1.1 spec has it, ``1.2.3`` too) and
#: YAML 1.2's core schema (``1e5``, ``0o17``).
_YAML_NOT_A_STRING = re.compile(r"""
    null | Null | NULL
  | y | Y | yes | Yes | YES | n | N | no | No | NO | true | True | TRUE | false | False
  | FALSE | on | On | ON | off | Off | OFF
  | 0b[01_]+ | 0o[0-7_]+ | 0x[0-9a-fA-F_]+ | [0-9][0-9_]*
  | [0-9][0-9_]*\.[0-9._]*(?:[eE][-+]?[0-9]+)? | [0-9][0-9_]*[eE][-+]?[0-9]+
  | [0-9]{4}-[0-9]{1,2}-[0-9]{1,2}
""", re.VERBOSE)
_YAML_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def yaml_scalar(value: str) -> str:
    """``value`` as a YAML scalar read as this string by every YAML 1.1 and 1.2 reader:
    plain when it is one, else double-quoted (QA: Norwegian's ``- no`` was read as
    False, a license titled "Null" as null, "1.10" as 1.1). Plain ones stay plain, so
    the cards of ``en`` or ``cc-by-4.0`` are as they were."""
    if _YAML_PLAIN.fullmatch(value) and not _YAML_NOT_A_STRING.fullmatch(value):
        return value
    return _yaml_str(value)


def _as_it_is(value: str) -> str:
    return value


#: The roles of who answers questions about the corpus: Data Package v2's ``contact``,
#: DataCite's ``ContactPerson`` (compared as :func:`_role_key` gives them).
CONTACT_ROLES = frozenset({"contact", "contactperson"})


def card_contact(contributors: Sequence[dict[str, Any]], values: CardValues) -> str:
    """The card's contact: every contributor whose roles include ``contact`` or
    ``contactPerson``, by title, email and address (QA: the first email was named, an
    author's, beside a contributor whose role was ``contact``); with none, the first
    email any contributor gives (:func:`first_email`)."""
    contacts = [person for person in contributors
                if any(_role_key(role) in CONTACT_ROLES for role in person.get("roles", ()))]
    if not contacts:
        return first_email(contributors, values)
    return "; ".join(
        values.text(person["title"])
        + (f" {values.link(person['email'])}" if person.get("email") else "")
        # (a link, not a bare address: GFM would take the "; " after one into it)
        + (f" {values.link(person['path'])}" if person.get("path") else "")
        for person in contacts)


def first_email(contributors: Sequence[dict[str, Any]], values: CardValues) -> str:
    """The first email a contributor gives, whatever its roles (the card's contact before
    it read the ``contact`` role)."""
    return next((values.text(person["email"]) for person in contributors
                 if person.get("email")), MISSING)


def card_share(count: int, total: int) -> str:
    """``count`` of ``total`` documents and its share, grouped as the card's other counts
    (``1,999``); 100.0% and 0.0% only for all and none, ``>99.9%`` and ``<0.1%`` short
    of them (QA: 1,999 of 2,000 read "1999 (100.0%)", as all 2,000 did, and 1 of 2,001
    "1 (0.0%)")."""
    if not total:
        return f"{count:,}"
    percent = f"{count / total:.1%}"
    if count < total and percent == "100.0%":
        percent = ">99.9%"
    elif count > 0 and percent == "0.0%":
        percent = "<0.1%"
    return f"{count:,} ({percent})"


def rounded_share(count: int, total: int) -> str:
    """A count and its share as the card wrote them before :func:`card_share`."""
    return f"{count} ({count / total:.1%})" if total else str(count)


def example_language(languages: Mapping[str, int]) -> str:
    """The language the card's load example filters on: the corpus's most common one
    (of those as common, the first code in alphabetical order), ``und`` only when no
    document's language is known (QA: it was always ``en``, and printed nothing for a
    Norwegian corpus)."""
    known = {code: count for code, count in languages.items() if code != "und"} \
        or dict(languages)
    return min(known, key=lambda code: (-known[code], code), default="en")


def _english(languages: Mapping[str, int]) -> str:
    return "en"


def example_since(first_date: str | None) -> str:
    """The date filter of the card's load example: since the records' earliest date, so
    that it keeps every dated document of its language, none where no record has a date
    (QA: a fixed ``since="2023-01-01"`` printed nothing of a corpus dated before 2023, or
    not dated at all)."""
    return f', since="{first_date}"' if first_date else ""


def _since_2023(first_date: str | None) -> str:
    return ', since="2023-01-01"'


@dataclass(frozen=True)
class CardWording:
    """How the card writes facts whose form corpuskit changed (QA, 2026-12-05): the
    language codes and ``license_name`` of its YAML header (``scalar``), its contact
    (``contact``), the counts of its tables of languages, codecs and normalization
    steps and of rights lines, with their shares (``share``), and the language and date
    filter of its load example (``example_language``, ``example_since``)."""

    scalar: Callable[[str], str] = yaml_scalar
    contact: Callable[[Sequence[dict[str, Any]], CardValues], str] = card_contact
    share: Callable[[int, int], str] = card_share
    example_language: Callable[[Mapping[str, int]], str] = example_language
    example_since: Callable[[str | None], str] = example_since
    #: Whether the table of normalization steps has a row for each faithful step that
    #: corpus.toml skips (:func:`step_rows`), not only for those that ran.
    names_skipped_steps: bool = True


#: How corpuskit wrote those facts before: YAML scalars as they are, the first email,
#: counts ungrouped and shares rounded, English and 2023-01-01 in the load example.
EARLIER_WORDING = CardWording(_as_it_is, first_email, rounded_share, _english, _since_2023,
                              names_skipped_steps=False)
#: How it wrote them after that, until the load example's date came from the records.
SINCE_2023_WORDING = CardWording(example_since=_since_2023, names_skipped_steps=False)
#: How it wrote them after that, until the steps table named the skipped steps.
UNSKIPPED_WORDING = CardWording(names_skipped_steps=False)
#: What the steps table says of a faithful step corpus.toml skips.
SKIPPED_STEP = "skipped (`[normalize] skip` in corpus.toml)"
#: The faithful steps whose absence from a package's recorded steps does not tell that
#: corpus.toml skipped them: a package built before separator-breaks was a step records no
#: such step (README, normalize), and the card says only what datapackage.json tells; the
#: separators it parts words at are removed by remove-control-chars without it, and U+2029
#: is one LF by line-endings. (The repository's seeds skip it, as their releases were
#: built so: naming it would make dist/ stale.)
UNNAMED_WHEN_SKIPPED = frozenset({"separator-breaks"})


def step_rows(steps: Sequence[str], changed: Mapping[str, int], total: int,
              wording: CardWording) -> list[tuple[str, str]]:
    """The rows of the card's table of normalization steps: each step of ``steps`` with
    the documents it changed (of ``total``), in the order the package records them, and
    (``wording.names_skipped_steps``) each faithful step not among them as skipped, before
    the first recorded faithful step that runs after it: the records then may hold what it
    removes or repairs (QA: the table listed only the steps that ran, and said nothing of
    a skipped one)."""
    skipped = [step for step in FAITHFUL_STEPS
               if step not in steps and step not in UNNAMED_WHEN_SKIPPED] \
        if wording.names_skipped_steps else []
    rows = []
    for step in steps:
        if step in FAITHFUL_STEPS:
            while skipped and FAITHFUL_STEPS.index(skipped[0]) < FAITHFUL_STEPS.index(step):
                rows.append((f"`{skipped.pop(0)}`", SKIPPED_STEP))
        # A step that runs only with another, skipped, is skipped too, though the package
        # records it (QA: fix-encoding-short-lines was shown run, "0 (0.0%)", with
        # fix-encoding skipped)
        rows.append((f"`{step}`", SKIPPED_STEP if wording.names_skipped_steps
                     and STEP_NEEDS.get(step, step) not in steps
                     else wording.share(changed.get(step, 0), total)))
    return rows + [(f"`{step}`", SKIPPED_STEP) for step in skipped]


@dataclass(frozen=True)
class CardForm:
    """How the data card writes corpus.toml's values (:class:`CardValues`), which
    license ids it gives the Hugging Face Hub, which contributors it names as the
    corpus's authors (:data:`Authors`) and how it words the rest (:class:`CardWording`)."""

    values: CardValues
    hub_licenses: Mapping[str, str]
    authors: Authors = corpus_authors
    wording: CardWording = CardWording()


#: The card corpuskit writes.
CARD = CardForm(ESCAPED, HF_LICENSES)
#: The cards it wrote before (newest first: no row for a skipped step; the load example
#: since 2023-01-01 too; the earlier wording; every contributor named as an author too;
#: then values as they are and 18 Hub license ids too): validate takes a card written so,
#: that the packages built then still validate.
EARLIER_CARDS = (CardForm(ESCAPED, HF_LICENSES, corpus_authors, UNSKIPPED_WORDING),
                 CardForm(ESCAPED, HF_LICENSES, corpus_authors, SINCE_2023_WORDING),
                 CardForm(ESCAPED, HF_LICENSES, corpus_authors, EARLIER_WORDING),
                 CardForm(ESCAPED, HF_LICENSES, every_contributor, EARLIER_WORDING),
                 CardForm(UNESCAPED, _EARLIER_HF_LICENSES, every_contributor,
                          EARLIER_WORDING))


class CardLists:
    """The data card's renderings of corpus.toml's lists (its keywords, licenses, sources
    and contributors), each made once for the cards of one package that share it: validate
    renders the card in up to six forms (:data:`CARD`, :data:`EARLIER_CARDS`) to compare
    the package's with, and most of them write a list alike (QA s95 validate 3: each of a
    million keywords was rendered twelve times, 25 s; each license four times a form,
    each source twice).
    Only cards of the same package (the same corpus.toml, content hash and creation
    time) share one."""

    def __init__(self) -> None:
        self._made: dict[tuple[object, ...], Any] = {}

    def get(self, key: tuple[object, ...], make: Callable[[], _T]) -> _T:
        """What ``make`` renders for ``key`` (what it renders, and what of the form it
        depends on), made by the first card that asks for it."""
        if key not in self._made:
            self._made[key] = make()
        made: _T = self._made[key]
        return made


def _size_category(n: int) -> str:
    bounds = [(1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
              (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M"),
              (100_000_000, "10M<n<100M"), (1_000_000_000, "100M<n<1B"),
              # (the Hub's three next ones: from a billion on, all were "n>1T", QA)
              (10_000_000_000, "1B<n<10B"), (100_000_000_000, "10B<n<100B"),
              (1_000_000_000_000, "100B<n<1T")]
    return next((label for bound, label in bounds if n < bound), "n>1T")


def _hf_license(config: CorpusConfig, hub_licenses: Mapping[str, str],
                scalar: Callable[[str], str] = yaml_scalar) -> list[str]:
    """YAML ``license`` lines: known ids as they are, anything else as ``other`` + the name
    of the first such license (the Hub takes one list of ids and one ``license_name``);
    with both, the known ids then ``other`` (known ids were dropped)."""
    licenses = config.metadata["licenses"]
    ids = [hub_licenses.get(str(lic.get("name", "")).lower()) for lic in licenses]
    known = list(dict.fromkeys(i for i in ids if i))
    if all(ids):  # (two of the same id, CC-BY-4.0 for texts and for notes: a traceback, QA)
        return [f"license: {known[0]}"] if len(known) == 1 else \
            ["license:"] + [f"- {i}" for i in known]
    first = next(lic for lic, i in zip(licenses, ids, strict=True) if not i)
    raw = str(first.get("name") or first.get("title") or "custom")
    lines = (["license:"] + [f"- {i}" for i in [*known, "other"]] if known
             else ["license: other"])
    name = re.sub(r'[^a-z0-9.-]+', '-', raw.lower()).strip('-') or 'custom'
    lines.append(f"license_name: {scalar(name)}")
    if str(first.get("path", "")).startswith(("http://", "https://")):
        # quoted: " #" starts a YAML comment and ": " a mapping (QA: the Hub read
        # "https://example.org/a #b" as ".../a", and failed on ".../a: b")
        lines.append(f"license_link: {_yaml_str(str(first['path']))}")
    return lines


#: Characters JSON writes as they are but YAML's reader refuses (outside its printable
#: set: DEL, the C1 controls, the noncharacters U+FFFE and U+FFFF) or reads as a line
#: break, folded to a space in a quoted scalar (NEL, U+2028, U+2029 in YAML 1.1).
_NOT_YAML_PRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufffe\uffff]")


def _yaml_str(value: str) -> str:
    """``value`` as a YAML double-quoted scalar (JSON's string form, which YAML 1.2 reads
    as it is), with the characters YAML's reader refuses escaped (QA: a keyword holding
    U+FFFE made the Hub's card parser and ``datasets`` fail)."""
    # (json.dumps(value, ensure_ascii=False) but for its encoder, made again for each
    # value: most of the time of a card's million tags, QA s95 validate 3)
    return _NOT_YAML_PRINTABLE.sub(lambda found: f"\\u{ord(found.group()):04x}",
                                   encode_basestring(value))


def hf_tags(keywords: Iterable[object] | None) -> list[str]:
    """The YAML header's ``tags`` entry, datapackage.json's ``keywords``, as one text of
    its lines (none without them): the same in every :class:`CardForm`. (One text, not
    a string a line: a million of those, kept for the cards of other forms, are 64 MB,
    the text 6 MB: QA s95 validate 3.)"""
    tags = "\n".join(f"- {_yaml_str(str(keyword))}" for keyword in keywords or ())
    return [f"tags:\n{tags}"] if tags else []


def _hf_features() -> list[str]:
    kinds = {"string": "string", "date": "string", "integer": "int64"}
    lines = ["dataset_info:", "  features:"]
    for spec in table_schema()["fields"]:
        lines.append(f"  - name: {spec['name']}")
        lines.append("    list: string" if spec["type"] == "array"
                     else f"    dtype: {kinds[spec['type']]}")
    return lines


def hf_yaml(config: CorpusConfig, stats: CorpusStats, data_files: str,
            hub_licenses: Mapping[str, str] = HF_LICENSES,
            scalar: Callable[[str], str] = yaml_scalar,
            lists: CardLists | None = None) -> str:
    """The Hugging Face YAML header (between ``---`` lines) of the data card; ``scalar``
    writes its language codes and ``license_name`` (:class:`CardWording`); its license
    and tags lines are taken from ``lists`` when another card rendered them."""
    lists = lists if lists is not None else CardLists()
    meta = config.metadata
    languages = sorted(lang for lang in stats.languages if lang != "und")
    lines = ["---", f"pretty_name: {_yaml_str(meta['title'])}"]
    # (hub_licenses by identity: corpuskit's two tables, which live as long as it does)
    lines.append(lists.get(("hub-licenses", id(hub_licenses), scalar),
                           lambda: "\n".join(_hf_license(config, hub_licenses, scalar))))
    if languages:
        lines.append("language:")
        lines += [f"- {scalar(lang)}" for lang in languages]
        lines.append("multilinguality:")
        lines.append("- monolingual" if len(languages) == 1 else "- multilingual")
    lines += ["size_categories:", f"- {_size_category(stats.documents)}"]
    lines += lists.get(("tags",), lambda: hf_tags(meta.get("keywords")))
    lines += _hf_features()
    lines += [
        "configs:",
        "- config_name: default",
        "  data_files:",
        "  - split: train",
        f"    path: {data_files}",
        "---",
    ]
    return "\n".join(lines) + "\n"


#: LaTeX's special characters, as a BibTeX field writes them to be printed as they are.
_LATEX_SPECIAL = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                  "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                  "\\": r"\textbackslash{}"}
#: A brace of a text whose braces do not pair, printed as a brace.
_LONE_BRACE = {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}


#: Each of corpuskit's BibTeX escapes, as LaTeX prints it.
_UNESCAPED = {escape: char for char, escape in {**_LATEX_SPECIAL, **_LONE_BRACE}.items()}
_ESCAPE = re.compile("|".join(re.escape(escape) for escape in
                              sorted(_UNESCAPED, key=len, reverse=True)))


def citations_alike(first: str, second: str) -> bool:
    """Whether two BibTeX citations print alike: the same text once corpuskit's escapes
    are undone and braces dropped. A package built by an earlier corpuskit has its
    citation escaped or braced otherwise (``News_2023``, ``{Ann Smith}``: QA, such a
    package failed validate, and its corpus could release no more), and what a reader
    sees of it is the same."""
    def printed(text: str) -> str:
        return _ESCAPE.sub(lambda found: _UNESCAPED[found.group()], text) \
            .replace("{", "").replace("}", "")
    return printed(first) == printed(second)


def _balanced(value: str) -> bool:
    depth = 0
    for char in value:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _bibtex_text(value: str) -> str:
    """``value`` as a BibTeX field's text that LaTeX prints as written: its special
    characters escaped (``News & Views`` broke the entry, ``100%`` commented out the rest
    of its line: QA); braces kept where they pair, as BibTeX reads them (``{Reuters}``
    keeps its capital: they were dropped), each printed as a brace where they do not."""
    text = " ".join(value.split())
    table = _LATEX_SPECIAL if _balanced(text) else {**_LATEX_SPECIAL, **_LONE_BRACE}
    return "".join(table.get(char, char) for char in text)


#: What BibTeX reads as more than one name, or as a name's parts: " and " (in any case)
#: between names, a comma between the last name and the first.
_SPLITS_A_NAME = re.compile(r"\sand\s|,", re.IGNORECASE)




def _bibtex_name(contributor: dict[str, Any]) -> str:
    """A contributor as one name of BibTeX's ``author`` list: a person's ``Family,
    Given`` when both are known, else the ``title``; an organization's (no given or family
    name, no affiliation: as Croissant tells them) braced whole, as a corporate author is,
    and any part BibTeX would split ("Smith and Sons" was two authors, QA) braced."""
    def part(value: object) -> str:
        text = _bibtex_text(str(value))
        return f"{{{text}}}" if _SPLITS_A_NAME.search(text) else text

    given, family = contributor.get("givenName"), contributor.get("familyName")
    if given and family:
        return f"{part(family)}, {part(given)}"
    if given or family or contributor.get("organization"):
        return part(contributor["title"])
    return f"{{{_bibtex_text(str(contributor['title']))}}}"


def bibtex(config: CorpusConfig, content: str, created: str | None = None, *,
           authors: Authors = corpus_authors) -> str:
    """A BibTeX ``@misc`` entry naming the version and the content hash; its ``author``
    the contributors ``authors`` names."""
    meta = config.metadata
    key = re.sub(r"[^A-Za-z0-9]", "", config.name) or "corpus"
    fields = [("title", _bibtex_text(str(meta["title"])))]
    names = [_bibtex_name(c) for c in authors(meta.get("contributors", []))]
    if names:
        fields.append(("author", " and ".join(names)))
    if created:
        fields.append(("year", created[:4]))
    fields.append(("version", config.version))
    if meta.get("homepage"):
        fields.append(("howpublished", f"\\url{{{meta['homepage']}}}"))
    fields.append(("note", _bibtex_text(
        f"corpuskit package {config.release_name}, content hash {content}")))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key}_{config.version.replace('.', '_')},\n{body}\n}}"


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _length_table(lengths: Lengths | None, stats: CorpusStats) -> str:
    if lengths is None:
        return MISSING
    rows = [
        ("minimum", lengths.minimum),
        ("median", lengths.median),
        ("mean", lengths.mean),
        ("maximum", lengths.maximum),
        ("total", lengths.total),
    ]
    table = ["| characters per document | value |", "|---|---|"]
    table += [f"| {label} | {_number(value)} |" for label, value in rows]
    table.append(f"| words (total) | {stats.words:,} |")
    table.append(f"| raw input bytes (total) | {stats.raw_bytes:,} |")
    return "\n".join(table)


def _table(header: tuple[str, str], rows: list[tuple[str, str]]) -> str:
    lines = [f"| {header[0]} | {header[1]} |", "|---|---|"]
    lines += [f"| {a} | {b} |" for a, b in rows]
    return "\n".join(lines)


def _people(entries: list[dict[str, Any]], values: CardValues) -> str:
    if not entries:
        return MISSING
    out = []
    for person in entries:
        line = f"- {values.text(person['title'], starts_item=True)}"
        if person.get("organization"):
            line += f", {values.text(person['organization'])}"
        if person.get("roles"):
            line += f" ({', '.join(values.text(role) for role in person['roles'])})"
        if person.get("email"):
            line += f" {values.link(person['email'])}"
        if person.get("path"):
            line += f" {values.address(person['path'])}"
        out.append(line)
    return "\n".join(out)


def _card_languages(stats: CorpusStats) -> list[str]:
    """The languages the card names: those of the records, sorted, without ``und``."""
    return sorted(lang for lang in stats.languages if lang != "und")


def _date_range(stats: CorpusStats) -> str:
    """The card's words for the records' dates: the first to the last, or that none has
    one."""
    return (f"{stats.first_date} to {stats.last_date}" if stats.first_date
            else "no document carries a date")


def _license_names(licenses: list[dict[str, Any]], values: CardValues) -> str:
    """The card's one line of license names (each license's id, else its title)."""
    return "; ".join(values.text(str(lic.get("name") or lic.get("title"))) for lic in licenses)


def _homepage(meta: Mapping[str, Any], values: CardValues) -> str:
    """The card's homepage: corpus.toml's address, or that it gives none."""
    return values.address(meta["homepage"]) if meta.get("homepage") else MISSING


def _license_list(licenses: list[dict[str, Any]], values: CardValues) -> str:
    """The card's list of licenses: each one's title (else its id), its id as code and
    its link."""
    return "\n".join(
        f"- {values.text(str(lic.get('title') or lic.get('name')), starts_item=True)}"
        + (f" ({code_span(lic['name'])})" if lic.get("name") else "")
        + (f" {values.link(lic['path'])}" if lic.get("path") else "")
        for lic in licenses
    )


def _source_list(sources: list[dict[str, Any]], values: CardValues) -> str:
    """The card's list of sources: each one's title, version, link and email."""
    return "\n".join(
        f"- {values.text(src['title'], starts_item=True)}"
        + (f", version {values.text(src['version'])}" if src.get("version") else "")
        + (f" {values.link(src['path'])}" if src.get("path") else "")
        + (f" ({values.text(src['email'])})" if src.get("email") else "")
        for src in sources
    )


def _extraction_done(extract: ExtractConfig) -> str:
    """What the card says extraction did to each document: the lines it took out and
    whether it identified the language."""
    taken = [name for name, on in (("title line", extract.title), ("date line", extract.date),
                                   ("rights/footer line", extract.rights)) if on]
    extraction = ("took out the " + (", ".join(taken[:-1]) + " and " if len(taken) > 1
                                     else "") + taken[-1] if taken else "took out no lines")
    return extraction + (", identified the language (ISO 639-1, `und` when unsure)"
                         if extract.language else ", did not identify languages (all `und`)")


def _file_rows(parquet: bool) -> list[tuple[str, str]]:
    """The rows of the card's table of the package's files."""
    parquet_rows = [("`data/documents.parquet`", "the same records as Parquet, explicit "
                                                 "column types (`date` is a string)")] \
        if parquet else []
    return [("`data/documents.jsonl`", "the records, one JSON object per line, sorted by id"
                                       " (canonical)"),
            *parquet_rows,
            ("`data/raw/`", "the raw input files, byte for byte"),
            ("`datapackage.json`", "Frictionless Data Package v2 descriptor"),
            ("`croissant.json`", "Croissant 1.1 metadata for ML tools"),
            ("`manifest-sha256.txt`, `tagmanifest-sha256.txt`", "BagIt checksums of "
                                                                "every file"),
            ("`CHANGELOG.md`", "versions and their document-level changes")]


def _hf_note(parquet: bool) -> str:
    """What the card tells of the values Hugging Face ``datasets`` reads back."""
    return (
        "`datasets` reads `data/documents.parquet`, whose columns have explicit types, so "
        "every value comes back exactly as in `data/documents.jsonl`, dates included "
        "(`date` is the string `YYYY-MM-DD` or null)."
        if parquet else
        "This package has no Parquet file, so `datasets` reads `data/documents.jsonl` and "
        "guesses each column's type from its values: it turns each ISO date into a "
        "timestamp rendered as `YYYY-MM-DD 00:00:00`, and an `id` or `title` column whose "
        "values all look like dates changes the same way (number-like ones stay strings). "
        "For exact values use "
        "`corpuskit.load`, or ask for Parquet with `[output] parquet = true` in corpus.toml."
    )


def _croissant_note(parquet: bool) -> str:
    """What the card tells of the values ``mlcroissant`` reads back."""
    return (
        "It reads `data/documents.parquet`, whose column types keep every value: text "
        "comes back as its UTF-8 bytes, and `date` as a timestamp (the field is declared "
        "`sc:Date`)."
        if parquet else
        "It reads `data/documents.jsonl` with pandas, which guesses each column's type "
        "from its values: an `id` or `title` column whose values all look like numbers "
        "comes back as the number's text (`0001` as `b'1'` or `b'1.0'`, `nan` as None); "
        "text comes back as its UTF-8 bytes, and `date` as a timestamp (the field is "
        "declared `sc:Date`). For exact values use `corpuskit.load`, or ask for Parquet, "
        "which mlcroissant reads with its column types."
    )


def _card_opening(config: CorpusConfig, stats: CorpusStats, content: str,
                  created: str | None, form: CardForm, lists: CardLists) -> str:
    """The card's title, the corpus's description and the table that sums the package
    up."""
    values = form.values
    meta = config.metadata
    summary = _table(("property", "value"), [
        ("Package", f"`{config.name}` version `{config.version}`"),
        ("Released", created or MISSING),
        ("Documents", f"{stats.documents:,}"),
        ("Languages (ISO 639-1)", ", ".join(f"`{lang}`" for lang in _card_languages(stats))
         or "undetermined"),
        ("Dates", _date_range(stats)),
        ("Content hash", f"`{content}`"),
        ("License", lists.get(("license-names", values),
                              lambda: _license_names(meta["licenses"], values))),
        ("Homepage", _homepage(meta, values)),
    ])
    return f"""# Dataset Card for {values.text(meta['title'])}

{meta['description']}

{summary}
"""


def _details_section(config: CorpusConfig, stats: CorpusStats, form: CardForm,
                     lists: CardLists) -> str:
    """The card's "Dataset Details": the description, the corpus's authors, languages and
    licenses, its homepage and sources."""
    values = form.values
    meta = config.metadata
    curators = lists.get(("curators", values, form.authors), lambda: ", ".join(
        values.text(c["title"]) for c in form.authors(meta.get("contributors", []))))
    return f"""## Dataset Details

### Dataset Description

{meta['description']}

- **Curated by:** {curators or MISSING}
- **Language(s):** {", ".join(_card_languages(stats)) or "undetermined"}
- **License:** {lists.get(("license-names", values),
                          lambda: _license_names(meta["licenses"], values))}

### Dataset Sources

- **Homepage:** {_homepage(meta, values)}
- **Sources:**

{lists.get(("sources", values), lambda: _source_list(meta["sources"], values))}
"""


#: The card's "Uses", which corpus.toml has no key for.
_USES_SECTION = f"""## Uses

### Direct Use

{MISSING}

### Out-of-Scope Use

{MISSING}
"""


def _structure_section(stats: CorpusStats, form: CardForm, parquet: bool) -> str:
    """The card's "Dataset Structure": the corpus's measured composition, the records'
    fields and the package's files."""
    total = stats.documents
    lengths = stats.lengths()
    grouped = partial(counted, grouped=True)  # 12,500 documents
    date_range = _date_range(stats)
    lang_rows = [(f"`{lang}`", form.wording.share(count, total))
                 for lang, count in sorted(stats.languages.items())]
    field_rows = [(f"`{f['name']}`", f"{f['type']}: {f['description']}")
                  for f in table_schema()["fields"]]
    return f"""## Dataset Structure

### Composition

{grouped(total, "document")}, {grouped(stats.words, "word")} and
{grouped(lengths.total if lengths else 0, "character")} of normalized text, made from
{grouped(stats.raw_bytes, "byte")} of raw input. One split, `train`, holds every document.

Documents by language (`und`: undetermined):

{_table(("language", "documents"), lang_rows)}

Dates: {date_range}. Documents with a date: {stats.with_date:,} of {total:,}; with a title
line: {stats.with_title:,}; with a rights line: {stats.with_rights:,}.

{_length_table(lengths, stats)}

### Fields

{_table(("field", "type and meaning"), field_rows)}

### Files

{_table(("file", "content"), _file_rows(parquet))}
"""


def _creation_section(config: CorpusConfig, stats: CorpusStats, form: CardForm,
                      lists: CardLists) -> str:
    """The card's "Dataset Creation": how corpuskit made the records from the raw files
    (the codecs and normalization steps, with the documents of each), and the sources."""
    total = stats.documents
    encoding_rows = [(f"`{enc}`", form.wording.share(count, total))
                     for enc, count in sorted(stats.encodings.items())]
    steps = step_rows(config.process.normalize.steps, stats.steps, total, form.wording)
    extraction = _extraction_done(config.process.extract)
    sources = lists.get(("sources", form.values),
                        lambda: _source_list(config.metadata["sources"], form.values))
    return f"""## Dataset Creation

### Curation Rationale

The maintainer's description above is the only statement of purpose given.
Funding and the intended tasks: {MISSING}

### Source Data

#### Data Collection and Processing

Each raw input file is kept byte for byte in `data/raw/`. corpuskit decoded it (the codec
is recorded per document in `source_encoding`), normalized it with the steps below,
{extraction}, and counted characters, words and paragraphs. Every step that changed a
document is recorded in its `normalization`, so a record can be re-derived from its raw
file.

Decoding:

{_table(("codec", "documents"), encoding_rows)}

Normalization steps, in order, and how many documents each changed:

{_table(("step", "documents changed"), steps)}

#### Who are the source data producers?

{sources}

### Personal and Sensitive Information

{MISSING}
"""


#: The card's "Bias, Risks, and Limitations", which corpus.toml has no key for.
_RISKS_SECTION = f"""## Bias, Risks, and Limitations

{MISSING}
"""


def _rights_section(config: CorpusConfig, stats: CorpusStats, form: CardForm,
                    lists: CardLists) -> str:
    """The card's "Distribution and Rights": the licenses, and the share of documents
    with a rights line."""
    rights_share = form.wording.share(stats.with_rights, stats.documents)
    licenses = lists.get(("licenses", form.values),
                         lambda: _license_list(config.metadata["licenses"], form.values))
    return f"""## Distribution and Rights

{licenses}

Documents with a copyright or footer line: {rights_share}; the line is
kept in the record's `rights` field, out of `text`.
"""


def _maintenance_section(config: CorpusConfig, form: CardForm, lists: CardLists) -> str:
    """The card's "Maintenance": the contributors, whom to contact, and how versions are
    numbered."""
    contributors = config.metadata.get("contributors", [])
    people = lists.get(("people", form.values), lambda: _people(contributors, form.values))
    contact = lists.get(("contact", form.wording.contact, form.values),
                        lambda: form.wording.contact(contributors, form.values))
    return f"""## Maintenance

Contributors:

{people}

Contact: {contact}

Versions follow semantic versioning of the content (major: records changed or removed,
minor: records added, patch: same records); a released version is never rebuilt with
other content. See `CHANGELOG.md`.
"""


def _verify_and_load_section(config: CorpusConfig, stats: CorpusStats, form: CardForm,
                             parquet: bool) -> str:
    """The card's "How to Verify and Load": the commands that check the checksums, and
    how corpuskit, Hugging Face ``datasets``, pandas and ``mlcroissant`` read the
    records."""
    example = form.wording.example_language(stats.languages)
    since = form.wording.example_since(stats.first_date)
    pandas_note = ("With pandas: `pandas.read_parquet(\"data/documents.parquet\")`.\n\n"
                   if parquet else "")
    return f"""## How to Verify and Load

Verify every file against its checksum:

```sh
corpuskit validate .
sha256sum -c manifest-sha256.txt && sha256sum -c tagmanifest-sha256.txt
```

Load (the folder or its `.zip`; checksums are verified before any record is read):

```python
import corpuskit
corpus = corpuskit.load(".")
for doc in corpus.filter(language="{example}"{since}):
    print(doc.id, doc.date, doc.title)
```

With Hugging Face `datasets` (works offline on this folder):

```python
import datasets
ds = datasets.load_dataset("path/to/{config.release_name}", split="train")
```

{_hf_note(parquet)}

{pandas_note}With `mlcroissant`:
`mlcroissant.Dataset(jsonld="croissant.json").records("documents")`.
{_croissant_note(parquet)}
"""


def _citation_section(config: CorpusConfig, content: str, created: str | None,
                      form: CardForm, lists: CardLists) -> str:
    """The card's "Citation": the package's BibTeX entry."""
    return f"""## Citation

```bibtex
{lists.get(("bibtex", form.authors),
           lambda: bibtex(config, content, created, authors=form.authors))}
```
"""


def data_card(config: CorpusConfig, stats: CorpusStats, content: str,
              data_files: str, *, created: str | None = None,
              form: CardForm = CARD, lists: CardLists | None = None) -> bytes:
    """README.md: Hugging Face YAML header, then a datasheet built from measured facts.

    ``data_files`` is the file the Hugging Face config loads (``data/documents.parquet``
    when the package ships Parquet, else ``data/documents.jsonl``). Every number is
    measured from the records; every statement about the corpus comes from corpus.toml;
    what corpus.toml does not say is marked as missing, never invented. corpus.toml's
    titles, names and addresses, and the Hub's license ids, are written as ``form`` says
    (:data:`EARLIER_CARDS` are how earlier builds wrote them, for validate). A caller
    that renders the package's card in several forms gives them one ``lists``
    (:class:`CardLists`): each list is rendered once for all of them.
    """
    parquet = data_files.endswith(".parquet")
    lists = lists if lists is not None else CardLists()
    sections = [
        _card_opening(config, stats, content, created, form, lists),
        _details_section(config, stats, form, lists),
        _USES_SECTION,
        _structure_section(stats, form, parquet),
        _creation_section(config, stats, form, lists),
        _RISKS_SECTION,
        _rights_section(config, stats, form, lists),
        _maintenance_section(config, form, lists),
        _verify_and_load_section(config, stats, form, parquet),
        _citation_section(config, content, created, form, lists),
    ]
    header = hf_yaml(config, stats, data_files, form.hub_licenses, form.wording.scalar,
                     lists)
    return (header + "\n" + "\n".join(sections)).encode("utf-8")


def default_changelog(config: CorpusConfig, created: str | None, stats: CorpusStats) -> bytes:
    """The CHANGELOG.md of a build whose seeds have none (:func:`is_default_changelog`)."""
    date = created[:10] if created else "unreleased"
    return (
        f"# Changelog of {config.name}\n\n## {config.version} ({date})\n\n"
        f"- {counted(stats.documents, 'document')}.\n"
    ).encode()


#: What :func:`default_changelog` writes, of any corpus, date and document count.
_DEFAULT_CHANGELOG = re.compile(
    r"# Changelog of [^\n]*\n\n## (?P<version>\S+) \([^()\n]*\)\n\n- \d+ documents?\.\n")


def is_default_changelog(text: str | None, version: str) -> bool:
    """Whether ``text`` is the CHANGELOG.md a build of ``version`` wrote where the seeds
    had none (:func:`default_changelog`). Only a build alone writes it (a release writes
    its entry into the seeds first), so it records no release: its ``## 1.0.0
    (unreleased)`` is no release's entry, nor the corpus's history (QA: release took it
    for both)."""
    found = _DEFAULT_CHANGELOG.fullmatch(text) if text is not None else None
    return found is not None and found.group("version") == version
