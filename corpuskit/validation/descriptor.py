"""datapackage.json: schema checks, resources and recorded settings."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..config import (
    FAITHFUL_STEPS,
    LOSSY_STEPS,
    DecodeConfig,
    ExtractConfig,
    NormalizeConfig,
    ProcessConfig,
)
from ..emails import email_problems
from ..membernames import unsafe_member_reason
from ..package import DOCUMENTS_PATH
from ..package import documents_resource as documents_template
from ..packagesource import DESCRIPTOR
from ..parquet import PARQUET_PATH, PARQUET_RESOURCE, parquet_resource
from ..problems import Problem
from ..rightsrules import patterns_problems
from ..schemacheck import DATAPACKAGE_V2_PROFILE, json_problems, load_schema
from .jsondiff import pointer_token

CORPUSKIT_PROFILE = "datapackage.schema.json"
DOCUMENTS_RESOURCE = "documents"


@dataclass(frozen=True)
class Resource:
    """A resource of the descriptor with local data: its parts in order (``path`` list)."""

    index: int
    name: str
    parts: tuple[str, ...]
    bytes: int | None
    hash: str | None


#: What a setting this corpuskit does not know may mean (said by validate, and by load).
NEWER_CORPUSKIT = ("if a newer corpuskit made the package, validate it with that one (this "
                   "one does not know that setting)")


def check_descriptor(descriptor: Any) -> list[Problem]:
    """The descriptor against the official Data Package v2 profile and corpuskit's own."""
    problems = json_problems(DATAPACKAGE_V2_PROFILE, descriptor, DESCRIPTOR)
    seen = {(p.location, p.message) for p in problems}
    for problem in json_problems(CORPUSKIT_PROFILE, descriptor, DESCRIPTOR):
        if (problem.location, problem.message) not in seen:
            problems.append(problem)
    created = descriptor.get("created") if isinstance(descriptor, dict) else None
    if isinstance(created, str) and not any(p.location == "/created" for p in problems) \
            and not _real_time(created):
        problems.append(Problem(DESCRIPTOR, "schema-error",
                                f"created {created!r} is not a real date and time (the "
                                "pattern lets 2026-02-30 and 25:00 through)", "/created"))
    problems.extend(Problem(DESCRIPTOR, "schema-error", reason, f"/{table}/{index}/email")
                    for table, index, reason in email_problems(descriptor))
    problems.extend(_whole_floats(descriptor))
    problems.extend(table_mismatches(descriptor))
    problems.extend(settings_problems(descriptor))
    return problems


def _whole_floats(descriptor: Any) -> list[Problem]:
    """A resource's ``bytes`` or ``corpuskit.documents`` that reads as a float of no
    fraction (``1e4``, ``5009.0``, or an integer past 64 bits): JSON Schema takes it for
    an integer and it equals the measured count, so nothing else refuses it, while
    corpuskit never writes it and frictionless refuses it (QA: ``"bytes": 1e4`` passed).
    The settings' integers are :func:`settings_problems`'s."""
    if not isinstance(descriptor, dict):
        return []
    places: list[tuple[str, Any]] = []
    resources = descriptor.get("resources")
    if isinstance(resources, list):
        places.extend((f"/resources/{index}/bytes", item.get("bytes"))
                      for index, item in enumerate(resources) if isinstance(item, dict))
    stats = descriptor.get("corpuskit")
    if isinstance(stats, dict):
        places.append(("/corpuskit/documents", stats.get("documents")))
    return [Problem(DESCRIPTOR, "schema-error",
                    f"{value!r} is a number with a fraction, an exponent or past 64 bits "
                    f"(read as a float), which corpuskit never writes; write it as an "
                    f"integer, as it was measured", where)
            for where, value in places if isinstance(value, float) and value.is_integer()]


def settings_problems(descriptor: Any) -> list[Problem]:
    """What is wrong with the processing settings recorded in ``corpuskit.process``, found
    without running them (``--reproduce`` runs them): every key a build records, of its
    type, and the normalization steps in the order corpuskit records them (the faithful
    steps, then the lossy ones, each once), which a consumer may take as the order they
    ran in. A descriptor whose ``corpuskit.process`` is no object is left to the profile."""
    extension = descriptor.get("corpuskit") if isinstance(descriptor, dict) else None
    settings = extension.get("process") if isinstance(extension, dict) else None
    if not isinstance(settings, dict):
        return []
    try:
        config = process_config_from_settings(settings)
    except ValueError as exc:
        # A step, code page or key this corpuskit does not know may be a newer one's:
        # a CI pinned to an older corpuskit than the one that built (QA).
        newer = (f"; {NEWER_CORPUSKIT}" if isinstance(exc, UnknownSetting) else "")
        return [Problem(DESCRIPTOR, "schema-error",
                        f"{exc}; a package that records settings no build writes cannot be "
                        f"reproduced: restore the datapackage.json corpuskit wrote{newer}",
                        "/corpuskit/process")]
    steps = config.normalize.steps
    recorded_order = tuple(step for step in (*FAITHFUL_STEPS, *LOSSY_STEPS) if step in steps)
    if steps != recorded_order:
        return [Problem(DESCRIPTOR, "metadata-mismatch",
                        f"corpuskit.process.normalize.steps is {_shown(list(steps))}; "
                        "corpuskit records these steps once each, as "
                        f"{_shown(list(recorded_order))} "
                        "(the faithful steps in the order they run, then the lossy ones): "
                        "restore the datapackage.json corpuskit wrote",
                        "/corpuskit/process/normalize/steps")]
    return []


#: What a resource says of where and how its data is read (path, type, format, encoding,
#: CSV dialect).
_READING_FROM = ("path", "type", "format", "mediatype", "encoding", "dialect")
#: A resource's words for people: corpuskit's, as croissant.json restates them.
_PROSE = frozenset({"title", "description", "example"})
#: The keys of datapackage.json's top level that a build writes: corpus.toml's metadata
#: (those it has), the profile, the resources and corpuskit's own.
TOP_KEYS = frozenset({"$schema", "name", "title", "description", "version", "created",
                      "homepage", "keywords", "licenses", "sources", "contributors",
                      "resources", "corpuskit"})


def _tables() -> dict[str, dict[str, Any]]:
    """The table resources corpuskit writes, by name, as their descriptor entries read
    (their path included: the records are in no other file)."""
    paths = {DOCUMENTS_RESOURCE: DOCUMENTS_PATH, PARQUET_RESOURCE: PARQUET_PATH}
    return {item["name"]: {"type": "table", **item, "path": paths[item["name"]]}
            for item in (documents_template(), parquet_resource())}


def table_mismatches(descriptor: Any) -> list[Problem]:
    """Where the descriptor describes corpuskit's records otherwise than they are written.

    The records of data/documents.jsonl (and data/documents.parquet) have one shape: the
    ``documents`` resource's table schema (its fields in order, their types, formats and
    constraints, the primary key), format and encoding are those corpuskit writes, and it
    has no dialect. A descriptor edited to say otherwise (a field renamed, dropped, added
    or moved, a constraint, ``missingValues``, ``format: csv``) makes ``frictionless
    validate`` read the records another way and fail, so it is a problem here too. So is
    a key corpuskit does not write, in a resource (``extrapaths``, ``rows``,
    ``compression``, ``licenses``: frictionless reads the records twice, counts them
    otherwise, or says another license grants them) or at the top (``id``, ``x-...``),
    a resource listed twice, and prose other than corpuskit's (a field's or resource's
    description, which croissant.json restates as corpuskit wrote it: QA, "date" described
    as the day the document was retracted passed)."""
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        return []
    tables = _tables()
    problems = _top_key_problems(descriptor)
    seen: set[Any] = set()
    for index, item in enumerate(descriptor["resources"]):
        where = f"/resources/{index}"
        if not isinstance(item, dict):
            continue
        refused = _refused_resource(item, tables, seen, where)
        if refused is not None:
            problems.append(refused)
            continue
        seen.add(item["name"])
        problems.extend(_resource_mismatches(item, tables[item["name"]], where))
    return problems


def _top_key_problems(descriptor: dict[str, Any]) -> list[Problem]:
    """One problem for each key at the top of ``descriptor`` that corpuskit does not
    write (:data:`TOP_KEYS`), in sorted order."""
    return [
        Problem(DESCRIPTOR, "metadata-mismatch",
                f"{_shown(key)} is not a key corpuskit writes in datapackage.json (it writes "
                f"{', '.join(sorted(TOP_KEYS))}; the others come from corpus.toml): a "
                "descriptor edited by hand? Restore what corpuskit wrote", pointer_token(key))
        # (escaped, RFC 6901: QA, a key "licenses/0" was located at the first license)
        for key in sorted(set(descriptor) - TOP_KEYS)]


def _refused_resource(item: dict[str, Any], tables: Mapping[str, Any], seen: set[Any],
                      where: str) -> Problem | None:
    """The problem of the resource ``item`` (at ``where``) if it is compared with none of
    corpuskit's ``tables``: it is none of them, or one already listed (its name in
    ``seen``); None if it is compared."""
    if not isinstance(item.get("name"), str) or item["name"] not in tables:
        # (not a string: QA, a list or object ended in an internal error)
        return Problem(DESCRIPTOR, "metadata-mismatch",
                       f"resource {_shown(item.get('name'))} is not one corpuskit "
                       "writes (it writes only "
                       f"{' and '.join(map(_shown, sorted(tables)))}): a "
                       "descriptor edited by hand? Restore what corpuskit wrote", where)
    if item["name"] in seen:
        return Problem(DESCRIPTOR, "metadata-mismatch",
                       f"resource {_shown(item['name'])} is listed twice; corpuskit "
                       "writes each resource once (a descriptor edited by hand?): "
                       "restore what corpuskit wrote", f"{where}/name")
    return None


def _resource_mismatches(item: dict[str, Any], expected: dict[str, Any],
                         where: str) -> list[Problem]:
    """Where the resource ``item`` (at ``where``) differs from ``expected``, corpuskit's
    entry of the table it names: the keys of where its data is read from, the keys
    corpuskit does not write, its prose, then its table schema."""
    problems = [_differs(f"{where}/{key}", key, item.get(key), expected.get(key))
                for key in _READING_FROM if item.get(key) != expected.get(key)]
    problems.extend(_unwritten_key_problems(item, expected, where))
    problems.extend(_differs(f"{where}/{key}", key, item.get(key), expected.get(key))
                    for key in sorted(_PROSE & (set(item) | set(expected)))
                    if item.get(key) != expected.get(key))
    problems.extend(_schema_mismatches(item.get("schema"), expected["schema"], where))
    return problems


def _unwritten_key_problems(item: dict[str, Any], expected: dict[str, Any],
                            where: str) -> list[Problem]:
    """One problem for each key of the resource ``item`` (at ``where``) that corpuskit
    does not write in it (those of ``expected``, its entry, and its hash and size), in
    sorted order."""
    # "bytes" is written beside each resource but one whose template says None: the
    # Parquet file's, where frictionless refuses any size (QA: one added passed)
    written = {*expected, "hash", "bytes"} - (
        {"bytes"} if "bytes" in expected and expected["bytes"] is None else set())
    return [Problem(DESCRIPTOR, "metadata-mismatch",
                    f"{_shown(key)} is not a key corpuskit writes in a resource "
                    f"(it writes {', '.join(sorted(written))}), and other "
                    "readers act on it (frictionless reads extrapaths as more "
                    "files of the records, rows as their count, licenses as "
                    "theirs): a descriptor edited by hand? Restore what "
                    "corpuskit wrote", where + pointer_token(key))
            for key in sorted(set(item) - written)]


def _schema_mismatches(schema: Any, wanted: dict[str, Any], where: str) -> list[Problem]:
    """Where the table ``schema`` of the resource at ``where`` differs from ``wanted``,
    the one corpuskit writes: one problem for a schema that is no object with a list of
    fields; else its keys other than the fields (sorted), then its fields."""
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        return [_differs(f"{where}/schema", "the table schema", schema, wanted)]
    problems = [_differs(f"{where}/schema" + pointer_token(key), key, schema.get(key),
                         wanted.get(key))
                for key in sorted((set(schema) | set(wanted)) - {"fields"})
                if schema.get(key) != wanted.get(key)]
    problems.extend(_field_mismatches(schema["fields"], wanted["fields"], where))
    return problems


def _field_mismatches(fields: list[Any], expected_fields: list[dict[str, Any]],
                      where: str) -> list[Problem]:
    """Where the table schema's ``fields`` (of the resource at ``where``) differ from
    ``expected_fields``, corpuskit's: one problem if their names differ (not one for each
    field moved along), else one for each field that differs, in order."""
    names = [field.get("name") if isinstance(field, dict) else None for field in fields]
    expected_names = [field["name"] for field in expected_fields]
    if names != expected_names:  # one problem, not one for each field moved along
        return [Problem(DESCRIPTOR, "metadata-mismatch",
                        f"the table schema {_renamed(names, expected_names)}, but "
                        "corpuskit writes its records with the fields of "
                        "document.schema.json, in its order (a descriptor edited "
                        "by hand?); restore what corpuskit wrote",
                        f"{where}/schema/fields")]
    return [_differs(f"{where}/schema/fields/{number}", f"field {expected_names[number]!r}",
                     field, expected_field)
            for number, (field, expected_field) in enumerate(zip(fields, expected_fields,
                                                                 strict=True))
            if field != expected_field]


def _differs(where: str, what: str, found: Any, expected: Any) -> Problem:
    """The problem of a descriptor value ``what`` (at ``where``) that is ``found`` (None:
    absent) where corpuskit writes ``expected`` (None: none)."""
    said = f"{what} is {_shown(found)}" if found is not None else f"no {what}"
    wanted = _shown(expected) if expected is not None else "none"
    within = "in" if what == "path" else "with"
    return Problem(DESCRIPTOR, "metadata-mismatch",
                   f"{said}, but corpuskit writes its records {within} {wanted} "
                   "(a descriptor edited by hand?); restore what corpuskit "
                   "wrote", where)


def _renamed(names: list[Any], expected: list[str]) -> str:
    """How a table schema's field names differ from corpuskit's, in words."""
    missing = [name for name in expected if name not in names]
    extra = [name for name in names if name not in expected]
    said = []
    if missing:
        said.append("lacks " + ", ".join(_shown(name) for name in missing))
    if extra:
        said.append("has " + ", ".join(_shown(name) for name in extra))
    twice = [name for name in dict.fromkeys(names) if names.count(name) > 1]
    if twice:  # (QA: a field listed again, none missing, ended in an internal error)
        said.append("lists " + ", ".join(_shown(name) for name in twice) + " more than once")
    if not said:
        first = next(n for n, (a, b) in enumerate(zip(names, expected, strict=True)) if a != b)
        said.append(f"has {_shown(names[first])} as field {first + 1}, where corpuskit "
                    f"writes {_shown(expected[first])}")
    return " and ".join(said)


def _shown(value: Any) -> str:
    """A descriptor value in a message, cut to a readable length."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 160 else text[:157] + "..."


def _real_time(value: str) -> bool:
    """Whether ``value``, of the profile's ``YYYY-MM-DDTHH:MM:SSZ`` shape, is a time the
    calendar and the clock have."""
    try:
        dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return False
    return True


def descriptor_resources(descriptor: Mapping[str, Any]) -> tuple[list[Resource], list[Problem]]:
    """Resources with local paths; unsafe or remote paths are problems (never opened)."""
    found: list[Resource] = []
    problems: list[Problem] = []
    items = descriptor.get("resources")
    if not isinstance(items, list):
        return found, problems
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        paths = item.get("path")
        parts = [paths] if isinstance(paths, str) else paths
        if not isinstance(parts, list) or not parts or not all(isinstance(p, str) for p in parts):
            continue
        safe = True
        for number, part in enumerate(parts):
            where = f"/resources/{index}/path" + (f"/{number}" if isinstance(paths, list) else "")
            reason = unsafe_member_reason(part)
            if "://" in part or part.startswith(("file:", "~")):
                reason = "not a path inside the package (remote or home-relative)"
            if reason:
                problems.append(Problem(DESCRIPTOR, "unsafe-path",
                                        f"resource path {part[:200]!r} is unsafe: {reason}",
                                        where))
                safe = False
        if not safe:
            continue
        size = item.get("bytes")
        digest = item.get("hash")
        found.append(Resource(
            index, str(item.get("name", "")), tuple(parts),
            size if isinstance(size, int) and not isinstance(size, bool) else None,
            digest if isinstance(digest, str) else None))
    return found, problems


def documents_resource(found: list[Resource]) -> Resource | None:
    return next((r for r in found if r.name == DOCUMENTS_RESOURCE), None)


class UnknownSetting(ValueError):
    """A recorded setting this corpuskit does not know: a key, a code page or a step,
    which a newer corpuskit may record."""


def process_config_from_settings(settings: Mapping[str, Any]) -> ProcessConfig:
    """The :class:`ProcessConfig` recorded in ``corpuskit.process`` of a descriptor.

    The inverse of :func:`corpuskit.package.process_settings`. Raises ``ValueError``
    naming the key when the settings are incomplete or of the wrong type, and
    :class:`UnknownSetting` (a ``ValueError``) for a key, code page or step it does not know.
    """
    def section(name: str) -> Mapping[str, Any]:
        value = settings.get(name)
        if not isinstance(value, Mapping):
            raise ValueError(f"corpuskit.process.{name} is missing or not an object")
        return value

    def strings(where: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"corpuskit.process.{where} must be a list of strings")
        return tuple(value)

    def typed(where: str, value: Any, kind: type | tuple[type, ...]) -> Any:
        if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
            raise ValueError(f"corpuskit.process.{where} must be of type "
                             f"{getattr(kind, '__name__', kind)}")
        return value

    decode = section("decode")
    normalize = section("normalize")
    extract = section("extract")
    known = set(ExtractConfig.__dataclass_fields__)
    unknown = sorted(set(extract) - known)
    if unknown:
        raise UnknownSetting(
            f"corpuskit.process.extract has unknown keys: {', '.join(unknown)}")
    missing = sorted(known - set(extract))
    if missing:
        raise ValueError(f"corpuskit.process.extract lacks: {', '.join(missing)}")
    encodings = strings("decode.fallback_encodings", decode.get("fallback_encodings"))
    allowed = set(load_schema("corpus.schema.json")["properties"]["decode"]["properties"]
                  ["fallback_encodings"]["items"]["enum"])
    for name in encodings:
        if name not in allowed:
            raise UnknownSetting(f"corpuskit.process.decode.fallback_encodings: {name!r} is "
                                 "not a code page corpuskit decodes")
    twice = sorted({name for name in encodings if encodings.count(name) > 1})
    if twice:  # what corpus.toml refuses, no build records (QA: it passed)
        raise ValueError(f"corpuskit.process.decode.fallback_encodings: "
                         f"{', '.join(map(repr, twice))} listed more than once, which no "
                         "build records (corpus.toml refuses it)")
    steps = strings("normalize.steps", normalize.get("steps"))
    for name in steps:
        if name not in FAITHFUL_STEPS and name not in LOSSY_STEPS:
            raise UnknownSetting(f"corpuskit.process.normalize.steps: {name!r} is not a "
                                 "normalization step")
    patterns = strings("extract.rights_patterns", extract["rights_patterns"])
    for index, pattern in enumerate(patterns):
        if not pattern:
            raise ValueError(f"corpuskit.process.extract.rights_patterns[{index}]: an empty "
                             "pattern, which no build records (corpus.toml refuses it)")
    for index, reason in patterns_problems(patterns):
        raise ValueError(f"corpuskit.process.extract.rights_patterns[{index}]: {reason}")
    return ProcessConfig(
        decode=DecodeConfig(encodings),
        normalize=NormalizeConfig(steps),
        extract=ExtractConfig(
            title=typed("extract.title", extract["title"], bool),
            title_max_chars=typed("extract.title_max_chars", extract["title_max_chars"], int),
            date=typed("extract.date", extract["date"], bool),
            rights=typed("extract.rights", extract["rights"], bool),
            rights_patterns=patterns,
            language=typed("extract.language", extract["language"], bool),
            language_min_chars=typed("extract.language_min_chars",
                                     extract["language_min_chars"], int),
            language_min_confidence=float(typed("extract.language_min_confidence",
                                                extract["language_min_confidence"],
                                                (int, float))),
        ),
    )
