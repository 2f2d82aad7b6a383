"""Checks of data/documents.jsonl: every line against the record schema, plus the
cross-checks no generic validator makes, and ``--reproduce``.

Speed: the record schema is compiled once into a plain-Python predicate (a subset of JSON
Schema that covers ``document.schema.json``); only a line that fails it goes through
jsonschema, which then names every error. If the schema ever uses a keyword the compiler
does not know, every line goes through jsonschema (correct, only slower).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from ..config import ProcessConfig
from ..decode import decode_with
from ..discover import document_id
from ..models import RECORD_FIELDS, DocumentProblem, RawDocument, Record
from ..package import RAW_PREFIX
from ..problems import Problem
from ..reader import unsafe_member_reason
from ..records import count_paragraphs, count_words, process_document, record_from_dict
from ..schemacheck import iter_problems, load_schema

RECORD_SCHEMA = "document.schema.json"
Predicate = Callable[[Any], bool]

_IGNORED = frozenset({"$schema", "$id", "title", "description", "$comment", "examples"})


def _type_check(kinds: Sequence[str]) -> Predicate | None:
    checks: list[Predicate] = []
    for kind in kinds:
        if kind == "string":
            checks.append(lambda v: type(v) is str)
        elif kind == "integer":  # floats with integral values are left to jsonschema
            checks.append(lambda v: type(v) is int)
        elif kind == "number":
            checks.append(lambda v: type(v) in (int, float))
        elif kind == "null":
            checks.append(lambda v: v is None)
        elif kind == "boolean":
            checks.append(lambda v: type(v) is bool)
        elif kind == "array":
            checks.append(lambda v: type(v) is list)
        elif kind == "object":
            checks.append(lambda v: type(v) is dict)
        else:
            return None
    if len(checks) == 1:
        return checks[0]
    return lambda v: any(check(v) for check in checks)


def compile_shape(schema: Mapping[str, Any]) -> Predicate | None:
    """A predicate that is True only for instances ``schema`` accepts, or None if unsupported.

    It may reject some valid instances (e.g. ``1.0`` for an integer); callers then ask
    jsonschema, so only the *accepting* direction must be exact.
    """
    keys = set(schema) - _IGNORED
    checks: list[Predicate] = []
    if "type" in schema:
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        type_check = _type_check(kinds)
        if type_check is None:
            return None
        checks.append(type_check)
        keys.discard("type")
    if "enum" in schema:
        values = schema["enum"]
        if not all(isinstance(v, str) for v in values):
            return None
        allowed = frozenset(values)
        checks.append(lambda v: type(v) is not str or v in allowed)
        if "type" not in schema:
            checks.append(lambda v: type(v) is str)
        keys.discard("enum")
    if "minLength" in schema:
        least = schema["minLength"]
        checks.append(lambda v: type(v) is not str or len(v) >= least)
        keys.discard("minLength")
    if "maxLength" in schema:
        most = schema["maxLength"]
        checks.append(lambda v: type(v) is not str or len(v) <= most)
        keys.discard("maxLength")
    if "pattern" in schema:
        search = re.compile(schema["pattern"]).search
        checks.append(lambda v: type(v) is not str or search(v) is not None)
        keys.discard("pattern")
    if "minimum" in schema:
        low = schema["minimum"]
        checks.append(lambda v: type(v) not in (int, float) or v >= low)
        keys.discard("minimum")
    if "maximum" in schema:
        high = schema["maximum"]
        checks.append(lambda v: type(v) not in (int, float) or v <= high)
        keys.discard("maximum")
    if "items" in schema:
        item = compile_shape(schema["items"])
        if item is None:
            return None
        checks.append(lambda v: type(v) is not list or all(item(x) for x in v))
        keys.discard("items")
    if "uniqueItems" in schema:
        if schema["uniqueItems"]:  # only lists of strings are compared (else: jsonschema)
            checks.append(lambda v: type(v) is not list or (
                all(type(x) is str for x in v) and len(set(v)) == len(v)))
        keys.discard("uniqueItems")
    if "properties" in schema or "required" in schema or "additionalProperties" in schema:
        properties = schema.get("properties", {})
        compiled: dict[str, Predicate] = {}
        for name, sub in properties.items():
            predicate = compile_shape(sub)
            if predicate is None:
                return None
            compiled[name] = predicate
        required = frozenset(schema.get("required", ()))
        closed = schema.get("additionalProperties", True) is False
        if schema.get("additionalProperties", True) not in (True, False):
            return None
        exact = frozenset(properties) if closed and required == frozenset(properties) else None
        pairs = tuple(compiled.items())

        def object_check(v: Any) -> bool:
            if type(v) is not dict:
                return True
            if exact is not None:
                if v.keys() != exact:
                    return False
            else:
                if not required <= v.keys():
                    return False
                if closed and not v.keys() <= compiled.keys():
                    return False
            return all(check(v[name]) for name, check in pairs if name in v)

        checks.append(object_check)
        keys -= {"properties", "required", "additionalProperties"}
    if keys:
        return None
    if len(checks) == 1:
        return checks[0]
    return lambda v: all(check(v) for check in checks)


@dataclass(frozen=True)
class RawFacts:
    """What the records need to know of one file under data/raw/ (from the hash pass)."""

    bytes: int
    sha256: str | None  # None in fast mode or when unreadable


@dataclass
class RecordChecker:
    """Feed it the lines of documents.jsonl in order; it collects problems and facts.

    ``raw`` maps package paths under data/raw/ to their size and sha256. Records that pass
    every check are handed to ``on_valid`` (``--reproduce`` queues them).
    """

    path: str
    raw: Mapping[str, RawFacts]
    on_valid: Callable[[int, Record], None] | None = None
    problems: list[Problem] = field(default_factory=list)
    count: int = 0
    referenced: set[str] = field(default_factory=set)
    _ids: set[str] = field(default_factory=set)
    _previous: str | None = None

    def __post_init__(self) -> None:
        self._shape = compile_shape(load_schema(RECORD_SCHEMA))

    def feed(self, number: int, line: bytes) -> None:
        self.count += 1
        where = f"line {number}"
        if not line.strip():
            self.problems.append(Problem(self.path, "schema-error",
                                         "empty line; every line must be one record", where))
            return
        try:
            data = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            self.problems.append(Problem(self.path, "schema-error", f"not valid JSON: {exc}",
                                         where))
            return
        if self._shape is None or not self._shape(data):
            errors = list(iter_problems(RECORD_SCHEMA, data, self.path,
                                        location_prefix=f"{where} "))
            if errors:
                self.problems.extend(
                    Problem(p.path, p.code, p.message, p.location.rstrip()) for p in errors)
                self._note_id(data, where)
                return
        self._check(number, data)

    def _note_id(self, data: Any, where: str) -> None:
        """Order and uniqueness still count for a record that fails its schema."""
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            self._order(data["id"], where)

    def _order(self, doc_id: str, where: str) -> None:
        if doc_id in self._ids:
            self.problems.append(Problem(self.path, "duplicate-id",
                                         f"id {doc_id!r} appears on an earlier line too",
                                         where))
        elif self._previous is not None and doc_id < self._previous:
            self.problems.append(Problem(self.path, "order-error",
                                         f"id {doc_id!r} comes after {self._previous!r}; "
                                         "records must be sorted by id", where))
        self._ids.add(doc_id)
        self._previous = doc_id

    def _check(self, number: int, data: dict[str, Any]) -> None:
        where = f"line {number}"
        doc_id: str = data["id"]
        self._order(doc_id, where)
        text: str = data["text"]
        wrong: list[str] = []
        try:
            encoded = text.encode("utf-8")
        except UnicodeEncodeError:
            self.problems.append(Problem(self.path, "record-mismatch",
                                         f"record {doc_id!r}: text holds unpaired surrogates",
                                         where))
            return
        if hashlib.sha256(encoded).hexdigest() != data["text_sha256"]:
            wrong.append("text_sha256")
        if len(text) != data["chars"]:
            wrong.append(f"chars ({data['chars']}, text has {len(text)})")
        words = count_words(text)
        if words != data["words"]:
            wrong.append(f"words ({data['words']}, text has {words})")
        paragraphs = count_paragraphs(text)
        if paragraphs != data["paragraphs"]:
            wrong.append(f"paragraphs ({data['paragraphs']}, text has {paragraphs})")
        if wrong:
            self.problems.append(Problem(self.path, "record-mismatch",
                                         f"record {doc_id!r}: {', '.join(wrong)} do not match "
                                         "its text", where))
        source: str = data["source_path"]
        if document_id(source) != doc_id:
            self.problems.append(Problem(self.path, "record-mismatch",
                                         f"record {doc_id!r}: id does not match source_path "
                                         f"{source!r} (its id would be "
                                         f"{document_id(source)!r})", where))
        reason = unsafe_member_reason(source)
        if reason:
            self.problems.append(Problem(self.path, "unsafe-path",
                                         f"record {doc_id!r}: source_path {source[:200]!r} is "
                                         f"unsafe: {reason}", where))
            return
        raw_path = RAW_PREFIX + source
        self.referenced.add(raw_path)
        facts = self.raw.get(raw_path)
        if facts is None:
            self.problems.append(Problem(raw_path, "missing-file",
                                         f"the raw input of record {doc_id!r} "
                                         f"({self.path} {where}) is absent"))
            return
        raw_wrong = []
        if facts.bytes != data["source_bytes"]:
            raw_wrong.append(f"source_bytes ({data['source_bytes']}, the file has "
                             f"{facts.bytes})")
        if facts.sha256 is not None and facts.sha256 != data["source_sha256"]:
            raw_wrong.append("source_sha256")
        if raw_wrong:
            self.problems.append(Problem(self.path, "record-mismatch",
                                         f"record {doc_id!r}: {', '.join(raw_wrong)} do not "
                                         f"match {raw_path}", where))
            return
        if not wrong and self.on_valid is not None:
            self.on_valid(number, record_from_dict(data))


# -- --reproduce ----------------------------------------------------------------------------

def compare_records(stored: Record, fresh: Record) -> list[str]:
    """Names of the fields in which two records differ."""
    return [name for name in RECORD_FIELDS if getattr(stored, name) != getattr(fresh, name)]


def reproduce_record(stored: Record, data: bytes, config: ProcessConfig) -> str | None:
    """Why a fresh derivation of ``stored`` from its raw bytes differs, or None if equal."""
    try:
        decode_with(data, stored.source_encoding)
    except (UnicodeDecodeError, LookupError, StopIteration) as exc:
        return (f"the raw input does not decode with its recorded source_encoding "
                f"{stored.source_encoding!r}: {exc}")
    try:
        fresh = process_document(RawDocument(stored.id, stored.source_path, data), config)
    except DocumentProblem as bad:
        return f"the raw input no longer makes a record: {bad.problem.message}"
    differing = compare_records(stored, fresh)
    if differing:
        return (f"fields {', '.join(differing)} differ from a fresh derivation of the raw "
                "input with the recorded settings")
    return None


def iter_lines(chunks: Iterator[bytes], max_line: int) -> Iterator[tuple[int, bytes | None]]:
    """``(line number, line)`` of a stream of chunks, with a final line lacking its LF too.

    A line longer than ``max_line`` bytes is never assembled in memory: it is yielded as
    ``(number, None)``.
    """
    pending: list[bytes] = []
    size = 0
    overlong = False
    number = 0
    for chunk in chunks:
        parts = chunk.split(b"\n")
        last = parts.pop()
        for part in parts:
            number += 1
            if overlong or size + len(part) > max_line:
                yield number, None
            elif pending:
                pending.append(part)
                yield number, b"".join(pending)
            else:
                yield number, part
            pending, size, overlong = [], 0, False
        if last and not overlong:
            size += len(last)
            if size > max_line:
                pending, overlong = [], True
            else:
                pending.append(last)
    if overlong:
        yield number + 1, None
    elif pending:
        yield number + 1, b"".join(pending)
