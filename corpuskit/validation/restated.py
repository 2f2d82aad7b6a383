"""What corpuskit writes into croissant.json and README.md for a package, rebuilt from
its datapackage.json and from what ``validate`` measured of its data.

croissant.json and the data card restate facts that datapackage.json and the records
hold: the name, title, licenses, the records' languages, the document count... A build
writes all three from one corpus configuration and one set of statistics, so the
configuration rebuilt from datapackage.json (its metadata, checked as corpus.toml is, and
its recorded processing settings) and the facts ``validate`` measures give back what the
build wrote. ``validate`` gathers every statistic a build does (the languages and their
counts, the lengths, dates, codecs, normalization steps, titles and rights lines: its
:class:`~corpuskit.validation.records.Tally`); a fact validate could not learn (the
records were not read, ``--fast``, or not all of them matched their schema) is None here,
and the checks that use this leave out what depends on it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..config import CorpusConfig, parse_config
from ..errors import InputError
from ..package import DOCUMENTS_PATH, CorpusStats, FileEntry, Lengths
from ..packagesource import DESCRIPTOR
from ..parquet import PARQUET_PATH, parquet_resource
from ..problems import Problem
from .descriptor import process_config_from_settings
from .records import Tally

#: datapackage.json's keys that corpus.toml gave (package-level metadata).
METADATA_KEYS = ("name", "title", "version", "description", "created", "homepage",
                 "keywords", "licenses", "sources", "contributors")


def config_from_descriptor(descriptor: Mapping[str, Any]) -> CorpusConfig | None:
    """The corpus configuration a build wrote ``descriptor`` from (what the metadata files
    depend on: metadata, processing settings, Parquet or not), or None when the
    descriptor does not hold a valid one (its own checks report why)."""
    settings = descriptor.get("corpuskit")
    process = settings.get("process") if isinstance(settings, dict) else None
    if not isinstance(process, dict):
        return None
    try:
        processing = process_config_from_settings(process)
        config = parse_config({key: descriptor[key] for key in METADATA_KEYS
                               if key in descriptor}, DESCRIPTOR)
    except (ValueError, InputError):
        return None
    resources = descriptor.get("resources")
    parquet_name = parquet_resource()["name"]
    parquet = isinstance(resources, list) and any(
        isinstance(item, dict) and item.get("name") == parquet_name for item in resources)
    return replace(config, process=processing, parquet=parquet)


def descriptor_config_problems(descriptor: Mapping[str, Any]) -> list[Problem]:
    """Why the descriptor's metadata is none a build writes: what corpus.toml's checks
    refuse in it beyond the schemas (a keyword that shows nothing, a bidirectional control
    in a title, a description that hides the data card), each at its JSON pointer. Such a
    descriptor gives no configuration to restate the metadata files from, and a re-signed
    package went through with its card and croissant.json compared with nothing (QA: a
    keyword of one zero-width space let the card say 999 documents of 1)."""
    try:
        parse_config({key: descriptor[key] for key in METADATA_KEYS if key in descriptor},
                     DESCRIPTOR)
    except InputError as error:
        return [Problem(DESCRIPTOR, "schema-error",
                        f"{problem.message} (corpus.toml's checks refuse this: no build "
                        "writes it)", _pointer(problem.location))
                for problem in error.problems]
    return []


def _pointer(key: str) -> str:
    """corpus.toml's dotted key (``contributors[0].email``) as a JSON pointer."""
    return "/" + key.replace("[", "/").replace("]", "").replace(".", "/") if key else ""


@dataclass(frozen=True)
class DataFile:
    """A data file the metadata files describe: its size and sha256, None if unknown
    (absent, unreadable, or not hashed: ``--fast``)."""

    path: str
    bytes: int | None
    sha256: str | None


@dataclass
class MeasuredStats(CorpusStats):
    """A package's statistics as validate measures them: the lengths counted by value
    (:attr:`Tally.lengths`), not listed, so memory does not grow with the records."""

    length_counts: Mapping[int, int] = field(default_factory=dict)

    def lengths(self) -> Lengths | None:
        return Lengths.of_counts(self.length_counts)


@dataclass(frozen=True)
class Restated:
    """The facts a build wrote croissant.json and README.md from; None: not known."""

    config: CorpusConfig
    created: str | None
    #: The content hash datapackage.json states (validate checks it against the data).
    content: str
    documents: int | None
    languages: frozenset[str] | None
    steps: Mapping[str, int] | None
    files: tuple[DataFile, ...]
    #: Every statistic of the records, when all of them were read and matched their
    #: schema (else None: the statistics above alone are known, or none).
    tally: Tally | None = None
    #: The suffixes of the raw files' names (:func:`corpuskit.croissant.raw_suffixes`), as
    #: the payload manifest lists them; None: not known.
    raw: frozenset[str] | None = None

    def stats(self) -> CorpusStats:
        """Statistics holding what is known (the rest empty: not to be compared)."""
        tally = self.tally
        if tally is None:
            return CorpusStats(documents=self.documents or 0,
                               languages=Counter(dict.fromkeys(self.languages or (), 1)),
                               steps=Counter(self.steps or {}))
        return MeasuredStats(
            documents=tally.records, words=tally.words, raw_bytes=tally.raw_bytes,
            languages=Counter(tally.languages), encodings=Counter(tally.encodings),
            steps=Counter(tally.steps), first_date=tally.first_date,
            last_date=tally.last_date, with_title=tally.with_title,
            with_date=tally.with_date, with_rights=tally.with_rights,
            length_counts=tally.lengths)

    def file_entries(self) -> list[FileEntry]:
        """The data files as the build listed them (an unknown size or digest empty)."""
        return [FileEntry(item.path, item.bytes or 0, item.sha256 or "")
                for item in self.files]

    @property
    def data_files(self) -> str:
        """The file the Hugging Face config of the data card loads."""
        return self.files[-1].path


def restate(descriptor: Mapping[str, Any], documents: int | None, tally: Tally | None,
            sizes: Mapping[str, int], digests: Mapping[str, str], *,
            statistics: bool = True, raw: frozenset[str] | None = None) -> Restated | None:
    """What the build of the package ``descriptor`` describes wrote its metadata files
    from, given what validate measured: ``documents`` records (None: not all read),
    ``tally`` of them (None: not read, ``--fast``), file ``sizes`` (negative: not
    measured) and sha256 ``digests`` (hex); ``statistics``: whether the tally's
    statistics beyond the languages and steps may be compared (the records were found
    sound); ``raw``: the raw files' suffixes. None when the descriptor holds no valid
    configuration or content hash (reported by the descriptor's own checks)."""
    config = config_from_descriptor(descriptor)
    settings = descriptor.get("corpuskit")
    content = settings.get("content_hash") if isinstance(settings, dict) else None
    created = descriptor.get("created")
    if config is None or not isinstance(content, str) \
            or not (created is None or isinstance(created, str)):
        return None
    complete = tally is not None and documents is not None and tally.records == documents
    paths = [DOCUMENTS_PATH, PARQUET_PATH] if config.parquet else [DOCUMENTS_PATH]
    files = tuple(DataFile(path, sizes[path] if sizes.get(path, -1) >= 0 else None,
                           digests.get(path)) for path in paths)
    return Restated(config, created, content, documents,
                    frozenset(tally.languages) if complete and tally else None,
                    dict(tally.steps) if complete and tally else None, files,
                    tally if complete and statistics else None, raw)
