"""Load the JSON Schemas shipped with corpuskit and turn their errors into problems.

The schemas live in the repository's ``schemas/`` folder, which is installed as the
``corpuskit.schemas`` package, so they are found the same way from a checkout and a wheel
(and in a checkout's ``schemas/`` where Python imports the checkout's ``corpuskit/``
folder rather than the installed package: see :func:`schema_files`).
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import replace
from functools import cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from .patternwarnings import ignore_future_set_warnings
from .problems import Problem

ignore_future_set_warnings()  # a "regex" format's pattern is compiled with re to check it

if TYPE_CHECKING:  # jsonschema is imported when a schema is first checked (40 ms)
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator
    from referencing import Registry, Resource

#: The official Data Package v2 profile, vendored from the specification (public domain).
DATAPACKAGE_V2_PROFILE = "vendor/datapackage-2.0.json"
DATAPACKAGE_V2_URL = "https://datapackage.org/profiles/2.0/datapackage.json"


def schema_files() -> Traversable:
    """The folder of the schemas: the checkout's ``schemas/`` where this package is a
    checkout's ``corpuskit/`` (beside its ``pyproject.toml``), else the
    ``corpuskit.schemas`` package of the installed corpuskit.

    A checkout's first: Python started in a checkout, or with one on ``PYTHONPATH``,
    imports its ``corpuskit/`` folder, where the ``corpuskit.schemas`` package is not, and
    an editable install of another copy then lends its own (QA: a clone's code ran with
    the schemas of the copy installed, an older one, and took a setting the clone refuses).
    """
    checkout = Path(__file__).resolve().parent.parent
    schemas = checkout / "schemas"
    if (checkout / "pyproject.toml").is_file() and schemas.is_dir():
        return schemas
    try:
        return resources.files("corpuskit.schemas")
    except ModuleNotFoundError:  # a checkout's corpuskit/ and schemas/ copied alone
        if not schemas.is_dir():
            raise
        return schemas


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The parsed schema ``name`` (a path inside ``schemas/``)."""
    text = schema_files().joinpath(name).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def validator(name: str) -> Validator:
    """A compiled validator for schema ``name``, with format checking on."""
    from jsonschema import Draft7Validator, Draft202012Validator, FormatChecker
    from jsonschema.validators import extend

    from .ecmaregex import ecma_pattern

    schema = load_schema(name)
    cls = Draft7Validator if "draft-07" in schema.get("$schema", "") else Draft202012Validator
    checker = FormatChecker(formats=cls.FORMAT_CHECKER.checkers) \
        if hasattr(cls, "FORMAT_CHECKER") else FormatChecker()
    # A pattern past a schema's maxLength is said to be so, not compiled (QA: a package's
    # rights pattern of 10 million characters took a minute and 1.5 GB to compile).
    checker.checks("regex", raises=re.error)(_bounded_regex)
    # Patterns as JSON Schema reads them, ECMA-262's (corpuskit.ecmaregex): with re's,
    # a title "Title\n" passed "^[^\n]+$" (QA).
    extended: Any = extend(cls, validators={"pattern": ecma_pattern})  # type: ignore[no-untyped-call]
    if name in _STRICT_INTEGERS:
        checks = extended.TYPE_CHECKER.redefine(
            "integer", lambda _, value: isinstance(value, int) and not isinstance(value, bool))
        extended = extend(extended, type_checker=checks)  # type: ignore[no-untyped-call]
    made: Validator = extended(schema, format_checker=checker, registry=schema_registry())
    return made


#: Where the $id of every shipped schema starts: a ``$ref`` from one to another
#: (``diff.schema.json#/$defs/diff``) resolves against it.
SCHEMA_BASE = "https://corpuskit.dev/schemas/"


@cache
def schema_registry() -> Registry:
    """The shipped schemas by their $id, read as a ``$ref`` needs one, so that a schema
    referring to another (release.schema.json's ``diff`` is diff.schema.json's diff form)
    resolves offline: without a registry, jsonschema would fetch the $id's address."""
    from referencing import Registry

    # (referencing's classes are made with its own attrs wrapper, whose fields mypy
    # does not see: retrieve is Registry's documented argument)
    return Registry(retrieve=_shipped_schema)  # type: ignore[call-arg]


def _shipped_schema(uri: str) -> Resource:
    """The shipped schema whose $id is ``uri``; NoSuchResource for any other address."""
    from referencing import Resource
    from referencing.exceptions import NoSuchResource

    name = uri.removeprefix(SCHEMA_BASE)
    if name == uri or "/" in name or not name.endswith(".schema.json"):
        raise NoSuchResource(uri)
    try:
        return Resource.from_contents(load_schema(name))
    except FileNotFoundError:
        raise NoSuchResource(uri) from None


#: The longest pattern the "regex" format compiles (a rights pattern's maxLength).
MAX_REGEX_CHARS = 100_000


def _bounded_regex(value: object) -> bool:
    if not isinstance(value, str) or len(value) > MAX_REGEX_CHARS:
        return True  # its type or length is told by the schema's other keywords
    re.compile(value)
    return True


#: Schemas of TOML files: TOML writes integers and floats apart (``2`` and ``2.0``), so a
#: float where an integer belongs is a mistake there, not the same number (JSON Schema
#: counts 2.0 as an integer; it would then reach the descriptor as 2.0).
_STRICT_INTEGERS = frozenset({"corpus.schema.json"})


def pointer(error: ValidationError) -> str:
    """The JSON pointer of the instance an error is about (``""`` for the root)."""
    return "".join(
        f"/{str(part).replace('~', '~0').replace('/', '~1')}" for part in error.absolute_path
    )


def toml_key(error: ValidationError) -> str:
    """The dotted TOML key an error is about, e.g. ``licenses[0].name``."""
    key = ""
    for part in error.absolute_path:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return key or "(top level)"


#: What a value with a line break where the schema wants one line is told.
ONE_LINE = "must be one line of text, without a line break or control character"
#: The pattern the schemas refuse a line break in a one-line value with (``"not":
#: {"pattern": ...}``): every line break ``str.splitlines()`` knows (LF, VT, FF, CR, FS, GS,
#: RS, NEL, U+2028, U+2029) and every other control character (C0, DEL, C1).
ONE_LINE_PATTERN = "[\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]"
#: The pattern the schemas refuse a control character in a text of many lines with: C0 but
#: TAB, LF and CR.
CONTROL_PATTERN = "[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f]"
#: What a text holding such a control character is told.
NO_CONTROL = "holds a control character"
#: The pattern the schemas refuse a blank value with (only whitespace): ``"pattern": "\\S"``.
NOT_BLANK_PATTERN = "\\S"
#: What a blank value is told.
NOT_BLANK = "is blank: it must hold some text, not only spaces"
#: The longest value a schema error quotes whole; a longer one is quoted by its ends.
SHOWN_VALUE = 80


def shown_value(value: Any) -> str:
    """``repr(value)``, or for a long one its start and end and its length in characters:
    a record whose 1 MB text broke a pattern was quoted whole in one line of output."""
    if isinstance(value, str) and len(value) > SHOWN_VALUE:
        return _shown_ends(value)
    shown = repr(value)
    if len(shown) <= SHOWN_VALUE:
        return shown
    size = f" ({len(value):,} characters)" if isinstance(value, str) else ""
    return f"{shown[:SHOWN_VALUE - 20]}...{shown[-12:]}{size}"


def _shown_ends(value: str) -> str:
    """:func:`shown_value` of a string longer than :data:`SHOWN_VALUE` (so is its
    ``repr``), from the ``repr`` of its ends alone: that of a text of 150 MB took as much
    again (QA). ``repr`` quotes with ``"`` a string holding ``'`` and no ``"``, else with
    ``'``; each end is given the other quote mark, which makes ``repr`` choose the same
    quote as for the whole string (and escape it as there), and is then cut off."""
    quote = '"' if "'" in value and '"' not in value else "'"
    other = "'" if quote == '"' else '"'
    # Each character is one or more in the repr: these ends are long enough.
    head = (quote + repr(value[:SHOWN_VALUE] + other)[1:-2])[:SHOWN_VALUE - 20]
    tail = (repr(value[-12:] + other)[1:-2] + quote)[-12:]
    return f"{head}...{tail} ({len(value):,} characters)"


def line_break_rule(error: ValidationError) -> bool:
    """Whether ``error`` is a schema's refusal of a line break or control character
    (``"not": {"pattern": ONE_LINE_PATTERN}`` or ``CONTROL_PATTERN``)."""
    return error.validator == "not" and isinstance(error.validator_value, dict) \
        and error.validator_value.get("pattern") in (ONE_LINE_PATTERN, CONTROL_PATTERN)


def blank_rule(error: ValidationError) -> bool:
    """Whether ``error`` is a schema's refusal of a blank value (``"pattern": "\\S"``)."""
    return error.validator == "pattern" and error.validator_value == NOT_BLANK_PATTERN


#: Names of the control characters a message names that Unicode gives no name.
_CONTROL_NAMES = {"\0": "NUL", "\t": "TAB", "\n": "LF", "\v": "VT", "\f": "FF", "\r": "CR",
                  "\x1c": "FS", "\x1d": "GS", "\x1e": "RS", "\x7f": "DEL", "\x85": "NEL"}


def line_rule_said(error: ValidationError) -> str:
    """What a value :func:`line_break_rule` refuses is told: :data:`ONE_LINE` (or
    :data:`NO_CONTROL`) and the first character it refuses, by code point and name."""
    rule: Any = error.validator_value
    pattern = str(rule["pattern"])
    text = error.instance if isinstance(error.instance, str) else ""
    found = re.search(pattern, text)
    said = ONE_LINE if pattern == ONE_LINE_PATTERN else NO_CONTROL
    if found is None:
        return said
    char = found.group()
    name = _CONTROL_NAMES.get(char) or unicodedata.name(char, "")
    code = f"U+{ord(char):04X}{' ' + name if name else ''}"
    return f"{said} (it holds {code})" if said == ONE_LINE else f"{said}, {code}"


def describe(error: ValidationError) -> str:
    """A one-line reason for a schema error, the value it is about quoted short (see
    :func:`shown_value`)."""
    if line_break_rule(error):
        return f"{shown_value(error.instance)} {line_rule_said(error)}"
    if blank_rule(error):
        return f"{shown_value(error.instance)} {NOT_BLANK}"
    if error.validator == "maxLength":
        return (f"{shown_value(error.instance)} is longer than the {error.validator_value} "
                "characters allowed")
    message = error.message
    # The value's repr is made only for a message long enough to start with it (that of a
    # value of 150 MB took as much again, QA).
    if len(message) > SHOWN_VALUE and len(whole := repr(error.instance)) > SHOWN_VALUE \
            and message.startswith(whole):
        message = shown_value(error.instance) + message[len(whole):]
    if error.validator in ("additionalProperties", "required", "pattern", "format", "enum",
                           "const", "type"):
        return message
    return message if len(message) <= 200 else message[:197] + "..."


def iter_problems(
    schema_name: str,
    instance: Mapping[str, Any] | Any,
    path: str,
    *,
    code: str = "schema-error",
    location_prefix: str = "",
    toml: bool = False,
) -> Iterator[Problem]:
    """Every schema error of ``instance`` as a problem on file ``path``, in a stable order."""
    for error in schema_errors(schema_name, instance):
        where = toml_key(error) if toml else location_prefix + pointer(error)
        yield Problem(path=path, code=code, message=describe(error), location=where)


def schema_errors(schema_name: str, instance: Any) -> list[ValidationError]:
    """The schema errors of ``instance`` in a stable order (by the path of the value each
    is about, then keyword), a line-break rule's failure for a value that is no string
    left out (``"not"`` a pattern fails for any other type: its type error is told), and
    the blank rule's for ``""`` (its ``minLength`` tells it as empty)."""
    errors = sorted(
        validator(schema_name).iter_errors(instance),
        key=lambda e: (list(map(str, e.absolute_path)), str(e.validator), e.message),
    )
    return [error for error in errors
            if not (line_break_rule(error) and not isinstance(error.instance, str))
            and not (blank_rule(error) and error.instance == "")]  # told as too short


#: How many JSON documents' problems :func:`json_problems` remembers, and the longest
#: document it remembers them for (as :func:`_content_key` writes it).
REMEMBERED_DOCUMENTS = 32
REMEMBERED_BYTES = 1 << 20
_remembered: OrderedDict[tuple[str, str], tuple[Problem, ...]] = OrderedDict()
_remembered_lock = threading.Lock()


def json_problems(schema_name: str, document: Any, path: str) -> list[Problem]:
    """:func:`iter_problems` for a document read from a JSON file (so holding only JSON's
    types), remembered by its content for the next check of the same document against the
    same schema: a descriptor is checked by validate's clean pass and again by its precise
    check, and a process that validates or loads several releases meets the same
    descriptors again (a build checks the Croissant document it makes with
    :func:`iter_problems`: made in memory, it is not remembered). The pure-Python
    validator takes 10-40 ms for a descriptor; the content's key, a fraction of a
    millisecond."""
    key = _content_key(document)
    if key is None:
        return list(iter_problems(schema_name, document, path))
    with _remembered_lock:
        known = _remembered.get((schema_name, key))
        if known is not None:
            _remembered.move_to_end((schema_name, key))
    if known is None:
        known = tuple(iter_problems(schema_name, document, ""))
        with _remembered_lock:
            _remembered[(schema_name, key)] = known
            while len(_remembered) > REMEMBERED_DOCUMENTS:
                _remembered.popitem(last=False)
    return [replace(problem, path=path) for problem in known]


def _content_key(document: Any) -> str | None:
    """``document`` written as JSON, keys in their order (the order of an error's words
    may follow it), or None if it holds anything but JSON's types (a tuple, a date: a
    value of another type may be checked otherwise and write the same) or is longer than
    :data:`REMEMBERED_BYTES`. NaN and the infinities, which the standard library reads,
    are written as themselves, never as another value."""

    def exact(value: Any) -> None:
        if type(value) is dict:
            for key, item in value.items():
                if type(key) is not str:
                    raise TypeError(key)
                exact(item)
        elif type(value) is list:
            for item in value:
                exact(item)
        elif type(value) not in (str, int, float, bool) and value is not None:
            raise TypeError(value)

    try:
        exact(document)
        key = json.dumps(document, ensure_ascii=True, allow_nan=True)
    except (TypeError, ValueError, RecursionError):
        return None
    return key if len(key) <= REMEMBERED_BYTES else None


class _KeysTwice(dict[str, Any]):
    """An object of a JSON document that gives some of its keys twice (``twice``)."""

    twice: list[str]


def duplicate_keys(data: bytes | str) -> list[tuple[str, str]]:
    """The keys given twice in one object of the JSON document ``data``, each with the
    JSON pointer of that object: orjson keeps the last value, other readers the first,
    so two tools would read two documents."""
    twice_at_all: list[bool] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        twice: list[str] = []
        for key, _ in items:
            if key in seen:
                twice.append(key)
            seen.add(key)
        if not twice:
            return dict(items)
        twice_at_all.append(True)
        found = _KeysTwice(items)
        found.twice = twice
        return found

    try:
        document = json.loads(data, object_pairs_hook=pairs)
    except (ValueError, RecursionError):  # not JSON: reported by whoever parses it
        return []
    if not twice_at_all:  # the usual case: no walk for the pointers
        return []
    found: list[tuple[str, str]] = []
    pending: list[tuple[str, Any]] = [("", document)]  # (pointer, value), depth first
    while pending:
        pointer, value = pending.pop()
        if isinstance(value, dict):
            found += [(pointer, key) for key in getattr(value, "twice", ())]
            pending += [(f"{pointer}/{_escaped_token(key)}", item)
                        for key, item in reversed(value.items())]
        elif isinstance(value, list):
            pending += [(f"{pointer}/{index}", item)
                        for index, item in reversed(list(enumerate(value)))]
    return found


def _escaped_token(key: str) -> str:
    """``key`` as a JSON pointer's reference token (RFC 6901: ``~`` and ``/`` escaped)."""
    return key.replace("~", "~0").replace("/", "~1")


def duplicate_key_problems(data: bytes | str, path: str) -> list[Problem]:
    """A schema error for each key of :func:`duplicate_keys`, at the object's key (QA: a
    duplicate was reported at the file alone, where every other problem of a descriptor
    has its JSON pointer)."""
    return [Problem(path, "schema-error", f"the key {key!r} is given twice in one object; "
                                          "JSON readers differ on which value counts",
                    f"{pointer}/{_escaped_token(key)}")
            for pointer, key in duplicate_keys(data)]


#: What :func:`read_json` gives for bytes that are no JSON document.
NOT_JSON: Any = object()

#: What to do about a package file that is not UTF-8: corpuskit writes nothing else.
DAMAGED_PACKAGE = ("corpuskit writes only UTF-8, so the package is damaged: get it again "
                   "from where it was published, or, if you built it, build it again")


def not_json(data: bytes, exc: orjson.JSONDecodeError, *, line: bool = False) -> str:
    """Why orjson refused ``data``, a package's JSON file (``line``: one line of its
    records). Of bytes that are not UTF-8 orjson says "str is not valid UTF-8: surrogates
    not allowed: line 1 column 1 (char 0)" wherever they are: that is said as what it is,
    where the first such byte is (its offset, from 0, and the column of its line, from
    1), and what to do."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as bad:
        start = bad.start
        line_start = data.rfind(b"\n", 0, start) + 1
        column = len(data[line_start:start].decode("utf-8")) + 1
        where = f"byte {start:,} of the line"
        if not line:
            number = data.count(b"\n", 0, start) + 1
            where = f"byte {start:,}, on line {number:,}"
        return (f"not valid UTF-8 ({where}, in column {column:,}, is "
                f"{data[start:start + 1]!r}); {DAMAGED_PACKAGE}")
    if line and data.endswith(b"\n"):
        data, exc = data[:-1], _without_line_end(data[:-1], exc)
    said = str(exc)
    if line and (cut := _cut_short_in_string(data, exc.pos)) is not None:
        return f"not valid JSON: {cut}"
    if said.startswith(_INFINITE):  # valid JSON (RFC 8259 sets no limit), past any reader's
        return (f"a number too large to read, past a double's range (about 1.8e308)"
                f"{said[len(_INFINITE):]}; corpuskit writes none")
    return f"not valid JSON: {said}"


def _without_line_end(body: bytes, exc: orjson.JSONDecodeError) -> orjson.JSONDecodeError:
    """orjson's error for ``body``, a record line without its LF, as validate reads it
    (``exc``, the error for the line with its LF, if ``body`` is read whole). The readers
    of records (export, load) keep the LF: orjson placed a line cut short outside a string
    (``{"id":"a","x":1,``) at "line 2 column 1", a line a record line has not, where
    validate said "line 1 column 17" (QA s87); both now say the latter, from here. Only a
    line that is not JSON is read twice."""
    try:
        orjson.loads(body)
    except orjson.JSONDecodeError as without:
        return without
    return exc


def _cut_short_in_string(line: bytes, stopped: int) -> str | None:
    """What to say of ``line`` (a record line, valid UTF-8, without its LF) if it ends
    inside a JSON string, as a line cut short in its text does, and orjson stopped at its
    end (``stopped``, the character it stopped at), else None. orjson said "unexpected end
    of data" of such a line without its LF (validate reads it so) and "unexpected control
    character in string" with it (the readers of records: export, load), the LF read as
    part of the string (QA s87): both are read without it (:func:`_without_line_end`) and
    say this, from here."""
    inside = escaped = False
    for byte in line:
        if escaped:
            escaped = False
        elif inside and byte == 0x5C:  # backslash
            escaped = True
        elif byte == 0x22:  # double quote
            inside = not inside
    chars = len(line.decode("utf-8", "replace")) if inside else 0
    if not inside or stopped < chars:  # a quote too many, or stopped before the end
        return None
    return (f"the line ends inside a string: it was cut short (truncated): line 1 column "
            f"{chars + 1} (char {chars})")


#: How orjson starts its message for a number past a double's range (QA: that number was
#: said to be "not valid JSON").
_INFINITE = "number is infinity when parsed as double"


def read_json(data: bytes, path: str) -> tuple[Any, list[Problem]]:
    """A package's JSON file read strictly, as every one of them is: the value
    (:data:`NOT_JSON` if ``data`` is not JSON) and the problems (not JSON, a key given
    twice)."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        return NOT_JSON, [Problem(path, "schema-error", not_json(data, exc),
                                  f"line {_error_line(data, exc)}")]
    return value, duplicate_key_problems(data, path)


def _error_line(data: bytes, exc: orjson.JSONDecodeError) -> int:
    """The line (from 1) where ``data`` stops being JSON: where its first byte that is not
    UTF-8 is, else where orjson stopped (so that ``--format github`` points at it: QA)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as bad:
        return data.count(b"\n", 0, bad.start) + 1
    return max(1, exc.lineno)
