"""The small frozen values that flow between pipeline stages."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import msgspec

from .problems import Problem


def document_id(relpath: str) -> str:
    """The stable id of a document: its seeds-relative path without the last extension.

    The extension is what :attr:`pathlib.PurePath.suffix` calls one: from the last dot of
    the file name, unless that dot starts or ends the name (tested to agree).
    """
    name_start = relpath.rfind("/") + 1
    dot = relpath.rfind(".")
    if name_start < dot < len(relpath) - 1:
        return relpath[:dot]
    return relpath


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A discovered input file: its path relative to the seeds folder; its id is derived
    (not stored: a corpus holds millions of these). Its size is learnt when it is read
    (see :func:`corpuskit.discover.read_source`), by the worker that reads it."""

    path: str

    @property
    def id(self) -> str:
        return document_id(self.path)


@dataclass(frozen=True)
class RawDocument:
    """The bytes of one input file, read once."""

    id: str
    path: str
    data: bytes


@dataclass(frozen=True)
class Decoded:
    """Text decoded from raw bytes, and the codec that decoded it (replayable)."""

    text: str
    encoding: str


@dataclass(frozen=True)
class Parts:
    """What extraction takes out of the normalized text and the body that remains, before
    the body's language is known."""

    title: str | None
    date: str | None
    rights: str | None
    text: str


@dataclass(frozen=True)
class Extracted:
    """What extraction takes out of the normalized text, and the body that remains."""

    title: str | None
    date: str | None
    rights: str | None
    language: str
    text: str


@dataclass(frozen=True, init=False)
class Record:
    """One document of the package: the row of ``data/documents.jsonl``.

    Field order is the column order of the package's Table Schema and of the JSON lines.
    """

    id: str
    title: str | None
    date: str | None
    language: str
    text: str
    rights: str | None
    chars: int
    words: int
    paragraphs: int
    text_sha256: str
    source_path: str
    source_bytes: int
    source_sha256: str
    source_encoding: str
    normalization: tuple[str, ...]

    def __init__(self, id: str, title: str | None, date: str | None, language: str,
                 text: str, rights: str | None, chars: int, words: int, paragraphs: int,
                 text_sha256: str, source_path: str, source_bytes: int, source_sha256: str,
                 source_encoding: str, normalization: tuple[str, ...]) -> None:
        """The fields, in their order, set with one update of the instance's dictionary:
        the frozen dataclass's own ``__init__`` made an ``object.__setattr__`` call for each
        of the fifteen, twice the time (best of 7, four alternating runs on a loaded
        machine: 1.3-3.9 µs a record against 2.9-7.3; 1.6 µs on a quiet one). The tests
        hold the two to the same records."""
        self.__dict__.update(
            id=id, title=title, date=date, language=language, text=text, rights=rights,
            chars=chars, words=words, paragraphs=paragraphs, text_sha256=text_sha256,
            source_path=source_path, source_bytes=source_bytes, source_sha256=source_sha256,
            source_encoding=source_encoding, normalization=normalization)


RECORD_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Record))


class DocSummary(msgspec.Struct, frozen=True):
    """The small facts about one built record that a build's parent needs (its statistics
    and manifest line): the fields of a :class:`Record` but its text and what is counted or
    hashed from the text alone. A record taken from an earlier build is decoded from its
    JSON line straight into one, its text skipped, never made a string
    (:data:`RECORD_SUMMARY`): 0.21 ms for a record of 0.86 MB, against 1.3 ms for the
    whole record."""

    id: str
    title: str | None
    date: str | None
    language: str
    rights: str | None
    chars: int
    words: int
    source_path: str
    source_bytes: int
    source_sha256: str
    source_encoding: str
    normalization: tuple[str, ...]

    @classmethod
    def of(cls, record: Record) -> DocSummary:
        return cls(record.id, record.title, record.date, record.language, record.rights,
                   record.chars, record.words, record.source_path, record.source_bytes,
                   record.source_sha256, record.source_encoding, record.normalization)


#: Decodes a record's JSON line into its :class:`DocSummary` (other keys are skipped).
RECORD_SUMMARY = msgspec.json.Decoder(DocSummary)


def record_from_dict(data: dict[str, Any]) -> Record:
    """A record from its parsed JSON line (the caller has validated it against its schema)."""
    values = {name: data[name] for name in RECORD_FIELDS}
    values["normalization"] = tuple(values["normalization"])
    return Record(**values)


class DocumentProblem(Exception):
    """Raised inside a stage for one bad document; caught at the document boundary."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(problem.render())
