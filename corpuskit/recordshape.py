"""The record schema compiled into a plain-Python predicate, for every reader of records.

``document.schema.json`` is compiled once into the source of one function (a subset of JSON
Schema that covers it, as fastjsonschema does): a few µs a record, where jsonschema takes
over a hundred. Only the accepting direction must be exact: a record the predicate refuses
goes through jsonschema, which then names every error. A schema keyword the compiler does
not know gives no predicate, and every record goes through jsonschema (correct, slower).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from itertools import chain
from operator import itemgetter
from typing import Any

from .ecmaregex import ecma_search
from .schemacheck import load_schema

RECORD_SCHEMA = "document.schema.json"
Predicate = Callable[[Any], bool]
_IGNORED = frozenset({"$schema", "$id", "title", "description", "$comment", "examples",
                      "$defs"})
#: The annotations of a schema (no instance fails them): where a ``$ref`` and its target
#: both give one, the referring schema's is kept (:func:`inline_refs`).
_ANNOTATIONS = frozenset({"title", "description", "$comment", "examples"})
#: How deep ``$ref`` may lead through ``$defs`` (deeper: a cycle, left to jsonschema).
_REF_DEPTH = 16
_LOCAL_REF = "#/$defs/"


class _NotInlined(Exception):
    """A reference :func:`inline_refs` leaves to jsonschema."""


def inline_refs(schema: Any) -> Any:
    """``schema`` with each ``{"$ref": "#/$defs/<name>", ...}`` replaced by the definition
    it names merged with the keywords beside it (as JSON Schema 2020-12 applies both), so
    that the compilers see plain keywords; None if a reference is not to ``$defs`` of the
    same schema, leads :data:`_REF_DEPTH` deep, or shares a keyword with its target (then
    the schema is left to jsonschema)."""
    try:
        return _inlined(schema, schema, 0)
    except _NotInlined:
        return None


def _inlined(node: Any, root: Any, depth: int) -> Any:
    if isinstance(node, list):
        return [_inlined(item, root, depth) for item in node]
    if not isinstance(node, Mapping):
        return node
    inlined = {key: _inlined(value, root, depth) for key, value in node.items()
               if not (key == "$ref" and isinstance(value, str))}
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return inlined
    defs = root.get("$defs") if isinstance(root, Mapping) else None
    name = ref.removeprefix(_LOCAL_REF)
    if not ref.startswith(_LOCAL_REF) or depth >= _REF_DEPTH or not isinstance(defs, Mapping) \
            or not isinstance(defs.get(name), Mapping):
        raise _NotInlined(ref)
    target = _inlined(defs[name], root, depth + 1)
    if (set(target) & set(inlined)) - _ANNOTATIONS:
        raise _NotInlined(ref)
    return {**target, **inlined}
_TYPES = {
    "string": "type({x}) is str",
    "integer": "type({x}) is int",  # floats with integral values are left to jsonschema
    "number": "type({x}) in _NUMBER",
    "null": "{x} is None",
    "boolean": "type({x}) is bool",
    "array": "type({x}) is list",
    "object": "type({x}) is dict",
}


def _text_shape(value: str) -> bool:
    """``^(?!\\n)[\\s\\S]*[^\\n]\\n$`` (ECMA-262, :mod:`corpuskit.ecmaregex`) without
    scanning the text: at least two characters, not starting with LF, ending in one LF
    after a character that is not one. Proven equal in the tests."""
    return len(value) >= 2 and value[0] != "\n" and value[-1] == "\n" and value[-2] != "\n"


def _one_line(value: str) -> bool:
    """``^[^\\n]+$`` (ECMA-262) with one scan for LF and no regex engine (a title's
    pattern: run on most records): not empty, no LF."""
    return value != "" and "\n" not in value


def _no_slash_at_ends(value: str) -> bool:
    """``^[^/]([\\s\\S]*[^/])?$`` without the regex engine (an id's pattern: run on every
    record): not empty, no slash at either end (a line break in an id is its name's
    problem, which the names check reports)."""
    return value != "" and value[0] != "/" and value[-1] != "/"


#: The record schema's pattern of a date (ECMA-262).
_DATE_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
#: :data:`_DATE_PATTERN` in ``re``'s words: ECMA-262's ``\d`` is an ASCII digit and its
#: ``$`` the end of the text, ``re``'s are not.
_ISO_DAY = r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
_ONE_ISO_DAY = re.compile(_ISO_DAY)
#: Days of ten characters each (as every match of :data:`_ISO_DAY` is), joined by commas.
_ISO_DAYS = re.compile(rf"(?:{_ISO_DAY},)*{_ISO_DAY}")


def _iso_day(value: str) -> bool:
    """A date's pattern (see :data:`_ISO_DAY`) with ``re``, which matches it in a third
    of the time of the ECMA-262 engine (whose every call converts the text)."""
    return _ONE_ISO_DAY.fullmatch(value) is not None


#: Patterns with an equivalent predicate, cheaper than the regex (the tests prove them
#: equal).
KNOWN_PATTERNS: dict[str, Predicate] = {r"^(?!\n)[\s\S]*[^\n]\n$": _text_shape,
                                        r"^[^\n]+$": _one_line,
                                        r"^[^/]([\s\S]*[^/])?$": _no_slash_at_ends,
                                        _DATE_PATTERN: _iso_day}


def _iso_days(values: Sequence[str]) -> bool:
    """:func:`_iso_day` of every value, in one match of them all, joined by commas: each
    is ten characters long, so none holds a comma where a match could cut it."""
    return not values or (set(map(len, values)) == {10}
                          and _ISO_DAYS.fullmatch(",".join(values)) is not None)


#: :data:`KNOWN_PATTERNS` of whole columns: a function of a column of strings, True if
#: every one matches (the tests prove them equal to the predicates). A column of dates in
#: one match: 0.41 µs a record against 0.15 (the text's shape in three loops of
#: ``str.endswith`` and ``str.startswith`` took longer than a call of its predicate each).
KNOWN_COLUMN_PATTERNS: dict[str, Callable[[Sequence[str]], bool]] = {_DATE_PATTERN: _iso_days}


def _kinds(schema: Mapping[str, Any]) -> list[str] | None:
    """The JSON types ``schema`` allows ([] if it says nothing), or None if one of them is
    not a type the compilers know."""
    kinds = schema.get("type", [])
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return kinds if all(kind in _TYPES for kind in kinds) else None


#: The numeric bounds: keyword, the extreme a column is checked by, the failing comparison.
_BOUNDS = (("minimum", "min", "<"), ("maximum", "max", ">"))


def _bounds(schema: Mapping[str, Any]) -> list[tuple[str, str, str, int | float]] | None:
    """``(keyword, extreme, op, bound)`` of the numeric bounds ``schema`` sets, or None if
    one of them is not a number."""
    found = []
    for keyword, extreme, op in _BOUNDS:
        if keyword in schema:
            bound = schema[keyword]
            if not isinstance(bound, (int, float)) or isinstance(bound, bool):
                return None
            found.append((keyword, extreme, op, bound))
    return found


class _Emitter:
    """Writes the Python source of a predicate for a (subset of) JSON Schema."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.names: dict[str, Any] = {"_NUMBER": (int, float), "_MISSING": object()}
        self.count = 0

    def name(self, value: Any) -> str:
        self.count += 1
        key = f"_c{self.count}"
        self.names[key] = value
        return key

    def variable(self) -> str:
        self.count += 1
        return f"_v{self.count}"

    #: What the generated function returns for an instance it refuses.
    refusal = "False"

    def out(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def refuse_if(self, indent: int, condition: str) -> None:
        """``if <condition>: return <refusal>``."""
        self.out(indent, f"if {condition}:")
        self.out(indent + 1, f"return {self.refusal}")

    def compiled(self) -> Callable[..., Any]:
        """The function ``check`` the source written so far defines (its doc: the source)."""
        namespace = dict(self.names)
        exec("\n".join(self.lines), namespace)  # the source is generated by the emitter
        check: Callable[..., Any] = namespace["check"]
        check.__doc__ = "\n".join(self.lines)
        return check

    @staticmethod
    def keywords(schema: Mapping[str, Any]) -> tuple[set[str], list[str]] | None:
        """The keywords of ``schema`` to compile and the types it allows, or None if one of
        those types is not one the compilers know."""
        kinds = _kinds(schema)
        return None if kinds is None else (set(schema) - _IGNORED, kinds)

    def emit(self, schema: Mapping[str, Any], x: str, indent: int) -> bool:
        """Statements that ``return False`` when ``x`` fails ``schema``; False if unsupported."""
        found = self.keywords(schema)
        if found is None:
            return False
        keys, kinds = found
        if kinds:
            self.refuse_if(indent, f"not ({' or '.join(_TYPES[k].format(x=x) for k in kinds)})")
            keys.discard("type")

        def guard(kind: str) -> str:
            """The condition under which a keyword for ``kind`` applies ('' if always)."""
            if kinds == [kind] or (kind == "number" and set(kinds) <= {"integer", "number"}):
                return ""
            return _TYPES[kind].format(x=x) + " and "

        if "enum" in schema:
            values = schema["enum"]
            if not all(isinstance(v, str) for v in values):
                return False
            allowed = self.name(frozenset(values))
            self.refuse_if(indent, f"not (type({x}) is str and {x} in {allowed})")
            keys.discard("enum")
        if "minLength" in schema:
            self.refuse_if(indent, f"{guard('string')}len({x}) < {int(schema['minLength'])}")
            keys.discard("minLength")
        if "maxLength" in schema:
            self.refuse_if(indent, f"{guard('string')}len({x}) > {int(schema['maxLength'])}")
            keys.discard("maxLength")
        if "pattern" in schema:
            pattern = schema["pattern"]
            if pattern in KNOWN_PATTERNS:
                test = f"not {self.name(KNOWN_PATTERNS[pattern])}({x})"
            else:
                test = f"{self.name(ecma_search(pattern))}({x}) is None"
            self.refuse_if(indent, f"{guard('string')}{test}")
            keys.discard("pattern")
        bounds = _bounds(schema)
        if bounds is None:
            return False
        for keyword, _, op, bound in bounds:
            self.refuse_if(indent, f"{guard('number')}{x} {op} {bound!r}")
            keys.discard(keyword)
        if "items" in schema:
            if not isinstance(schema["items"], Mapping):
                return False
            item = self.variable()
            self.out(indent, f"if {guard('array')}True:")
            self.out(indent + 1, f"for {item} in {x}:")
            if not self.emit(schema["items"], item, indent + 2):
                return False
            self.lines.append("    " * (indent + 2) + "pass")
            keys.discard("items")
        for keyword, op in (("minItems", "<"), ("maxItems", ">")):
            if keyword in schema:
                self.refuse_if(indent, f"{guard('array')}len({x}) {op} {int(schema[keyword])}")
                keys.discard(keyword)
        if "anyOf" in schema:  # each branch a predicate of its own, as exact as this one
            branches = [compile_shape(branch) if isinstance(branch, Mapping) else None
                        for branch in schema["anyOf"]]
            if not branches or None in branches:
                return False
            calls = " or ".join(f"{self.name(branch)}({x})" for branch in branches)
            self.refuse_if(indent, f"not ({calls})")
            keys.discard("anyOf")
        if "not" in schema:
            # Only a pattern: its test is exact both ways, as a negation needs (any value
            # that is not a string passes a pattern, so fails its negation).
            negated = schema["not"]
            if not isinstance(negated, Mapping) or set(negated) - _IGNORED != {"pattern"} \
                    or not isinstance(negated["pattern"], str):
                return False
            search = self.name(ecma_search(negated["pattern"]))
            self.refuse_if(indent, f"not (type({x}) is str and {search}({x}) is None)")
            keys.discard("not")
        if "format" in schema:
            # What a format accepts depends on jsonschema's version and the packages
            # installed: a string with a format is left to jsonschema.
            self.refuse_if(indent, f"type({x}) is str")
            keys.discard("format")
        if "uniqueItems" in schema:
            if schema["uniqueItems"]:  # lists of strings only (anything else: jsonschema)
                self.refuse_if(indent, f"{guard('array')}len({x}) > 1 and not "
                                       f"(all(type(i) is str for i in {x}) "
                                       f"and len(set({x})) == len({x}))")
            keys.discard("uniqueItems")
        if keys & {"properties", "required", "additionalProperties"}:
            if not self.emit_object(schema, x, indent, guard("object")):
                return False
            keys -= {"properties", "required", "additionalProperties"}
        return not keys

    def emit_object(self, schema: Mapping[str, Any], x: str, indent: int, guard: str) -> bool:
        properties = schema.get("properties", {})
        required = frozenset(schema.get("required", ()))
        additional = schema.get("additionalProperties", True)
        if additional not in (True, False) or not isinstance(properties, Mapping):
            return False
        self.out(indent, f"if {guard}True:")
        indent += 1
        exact = additional is False and required == frozenset(properties)
        if exact:
            self.refuse_if(indent, f"{x}.keys() != {self.name(frozenset(properties))}")
        else:
            if required:
                self.refuse_if(indent, f"not {self.name(required)} <= {x}.keys()")
            if additional is False:
                self.refuse_if(indent, f"not {x}.keys() <= {self.name(frozenset(properties))}")
        for key, sub in properties.items():
            if not isinstance(sub, Mapping):
                return False
            value = self.variable()
            if exact:
                self.out(indent, f"{value} = {x}[{key!r}]")
                if not self.emit(sub, value, indent):
                    return False
            else:
                self.out(indent, f"{value} = {x}.get({key!r}, _MISSING)")
                self.out(indent, f"if {value} is not _MISSING:")
                if not self.emit(sub, value, indent + 1):
                    return False
                self.out(indent + 1, "pass")
        return True


def compile_shape(schema: Mapping[str, Any]) -> Predicate | None:
    """A predicate that is True only for instances ``schema`` accepts, or None if unsupported.

    The schema is turned into the source of one plain Python function (no recursion, no
    closures per keyword), as fastjsonschema does. It may reject some valid instances
    (e.g. ``1.0`` for an integer); callers then ask jsonschema, so only the *accepting*
    direction must be exact.
    """
    schema = inline_refs(schema)
    if schema is None:
        return None
    emitter = _Emitter()
    emitter.out(0, "def check(value):")
    if not emitter.emit(schema, "value", 1):
        return None
    emitter.out(1, "return True")
    return emitter.compiled()


#: The Python types of each JSON Schema type, as :data:`_TYPES` tests them.
_PYTHON_TYPES: dict[str, frozenset[type]] = {
    "string": frozenset({str}),
    "integer": frozenset({int}),
    "number": frozenset({int, float}),
    "null": frozenset({type(None)}),
    "boolean": frozenset({bool}),
    "array": frozenset({list}),
    "object": frozenset({dict}),
}


def _unique(items: list[Any]) -> bool:
    return len(set(items)) == len(items)


class _ColumnEmitter(_Emitter):
    """Writes the source of checks over a *list* of instances (a column) that ``return
    None`` unless the :class:`_Emitter` predicate is True for every instance: each keyword
    is one check of the whole column, looping in C (``map``, ``set``, ``min``) instead of
    once per instance in Python. Objects are supported at the top only, with exactly
    their properties required and no others (as the record schema has them)."""

    refusal = "None"

    def __init__(self) -> None:
        super().__init__()
        self.names.update(_chain=chain.from_iterable, _unique=_unique, _STR=frozenset({str}))
        self.kinds: dict[tuple[str, str], str] = {}

    def of_kind(self, kinds: list[str], kind: str, x: str, indent: int) -> str:
        """The variable holding the values of ``x`` a keyword for ``kind`` applies to."""
        if kinds == [kind] or (kind == "number" and set(kinds) <= {"integer", "number"}):
            return x
        if (x, kind) not in self.kinds:
            values = self.kinds[x, kind] = self.variable()
            self.out(indent, f"{values} = [i for i in {x} if {_TYPES[kind].format(x='i')}]")
        return self.kinds[x, kind]

    def emit(self, schema: Mapping[str, Any], x: str, indent: int) -> bool:
        found = self.keywords(schema)
        if found is None:
            return False
        keys, kinds = found
        if kinds:
            allowed = self.name(frozenset().union(*(_PYTHON_TYPES[kind] for kind in kinds)))
            self.refuse_if(indent, f"not set(map(type, {x})) <= {allowed}")
            keys.discard("type")
        if "enum" in schema:
            values = schema["enum"]
            if not all(isinstance(v, str) for v in values):
                return False
            self.refuse_if(indent, f"not (set(map(type, {x})) <= _STR and set({x}) <= "
                                   f"{self.name(frozenset(values))})")
            keys.discard("enum")
        for keyword, extreme, op in (("minLength", "min", "<"), ("maxLength", "max", ">")):
            if keyword in schema:
                length = int(schema[keyword])
                strings = self.of_kind(kinds, "string", x, indent)
                self.refuse_if(indent, f"{extreme}(map(len, {strings}), default={length}) "
                                       f"{op} {length}")
                keys.discard(keyword)
        if "pattern" in schema:
            pattern = schema["pattern"]
            strings = self.of_kind(kinds, "string", x, indent)
            if pattern in KNOWN_COLUMN_PATTERNS:
                test = f"{self.name(KNOWN_COLUMN_PATTERNS[pattern])}({strings})"
            elif pattern in KNOWN_PATTERNS:
                test = f"all(map({self.name(KNOWN_PATTERNS[pattern])}, {strings}))"
            else:  # each distinct value once (a column of languages has few)
                test = f"all(map({self.name(ecma_search(pattern))}, set({strings})))"
            self.refuse_if(indent, f"not {test}")
            keys.discard("pattern")
        bounds = _bounds(schema)
        if bounds is None:
            return False
        for keyword, extreme, op, bound in bounds:
            numbers = self.of_kind(kinds, "number", x, indent)
            self.refuse_if(indent, f"{extreme}({numbers}, default={bound!r}) {op} {bound!r}")
            keys.discard(keyword)
        if "items" in schema:
            if not isinstance(schema["items"], Mapping):
                return False
            items = self.variable()
            self.out(indent, f"{items} = list(_chain({self.of_kind(kinds, 'array', x, indent)}))")
            if not self.emit(schema["items"], items, indent):
                return False
            keys.discard("items")
        if "uniqueItems" in schema:
            if schema["uniqueItems"]:  # lists of strings only (anything else: jsonschema)
                long = self.variable()
                self.out(indent, f"{long} = [i for i in {self.of_kind(kinds, 'array', x, indent)}"
                                 " if len(i) > 1]")
                self.refuse_if(indent, f"not (set(map(type, _chain({long}))) <= _STR "
                                       f"and all(map(_unique, {long})))")
            keys.discard("uniqueItems")
        if keys & {"properties", "required", "additionalProperties"}:
            return False  # objects: only at the top (emit_table)
        return not keys

    def emit_table(self, schema: Mapping[str, Any], x: str, in_order: bool) -> str | None:
        """The checks of a list of objects that must have exactly their ``properties``
        (``in_order``: in the order the schema lists them), one column of values per
        property; the variable holding the columns, or None if unsupported."""
        properties = _table_properties(schema)
        if properties is None:
            return None
        self.refuse_if(1, f"not set(map(type, {x})) <= _DICT")
        columns = self.variable()
        if in_order:  # the keys of every object are the properties, in order
            self.refuse_if(1, f"set(map(tuple, {x})) != {{_NAMES}}")
            self.out(1, f"{columns} = tuple(zip(*map(dict.values, {x})))")
        else:
            # Objects of as many keys as there are properties, each of which they have
            # (or the getter raises KeyError), have exactly the properties.
            self.refuse_if(1, f"set(map(len, {x})) != {{{len(properties)}}}")
            self.out(1, "try:")
            self.out(2, f"{columns} = tuple(zip(*map({self.name(itemgetter(*properties))}, "
                        f"{x})))")
            self.out(1, "except KeyError:")
            self.out(2, "return None")
        return columns if self.emit_columns(properties, columns) else None

    def emit_columns(self, properties: Mapping[str, Any], columns: str) -> bool:
        """The checks of each column of ``columns`` (one per property, in order) against
        its property's schema; False if unsupported."""
        for at, (key, sub) in enumerate(properties.items()):
            column = self.variable()
            self.out(1, f"{column} = {columns}[{at}]  # {key}")
            if not self.emit(sub, column, 1):
                return False
        return True


def _table_properties(schema: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The properties of an object schema the column compiler supports: at least two,
    each required, no others allowed, nothing else said of the object; else None."""
    if schema.get("type") != "object" \
            or set(schema) - _IGNORED - {"type", "properties", "required",
                                         "additionalProperties"}:
        return None
    properties = schema.get("properties", {})
    if schema.get("additionalProperties", True) is not False \
            or not isinstance(properties, Mapping) or len(properties) < 2 \
            or frozenset(schema.get("required", ())) != frozenset(properties) \
            or not all(isinstance(sub, Mapping) for sub in properties.values()):
        return None
    return properties


#: The columns of a list of records, by property, or None (see :func:`compile_table`).
TableCheck = Callable[[list[Any]], "dict[str, tuple[Any, ...]] | None"]


def compile_table(schema: Mapping[str, Any], *, in_order: bool = False
                  ) -> TableCheck | None:
    """A function of a list of instances of ``schema`` (objects with exactly their
    properties, as records are) that returns their values as one column per property, or
    None if any instance fails :func:`compile_shape`'s predicate: the same answer for
    each instance (the tests hold the two together), found a column at a time. With
    ``in_order``, an instance whose keys are not in the order of the schema's properties
    is refused too (corpuskit writes records so). None instead of a function if the
    schema uses what the column compiler does not support.
    """
    schema = inline_refs(schema)
    if schema is None:
        return None
    emitter = _ColumnEmitter()
    emitter.names["_DICT"] = frozenset({dict})
    properties = tuple(schema.get("properties", ()))
    emitter.names["_NAMES"] = properties
    emitter.out(0, "def check(values):")
    emitter.out(1, "if not values:")
    emitter.out(2, "return {name: () for name in _NAMES}")
    columns = emitter.emit_table(schema, "values", in_order)
    if columns is None or len(properties) < 2:
        return None
    emitter.out(1, f"return dict(zip(_NAMES, {columns}))")
    return emitter.compiled()


#: The columns of a table, one per property in order, checked (see :func:`compile_columns`).
ColumnsCheck = Callable[[list[Any]], "dict[str, Any] | None"]


def compile_columns(schema: Mapping[str, Any]) -> ColumnsCheck | None:
    """:func:`compile_table` for a table already split into columns: a function of the
    list of its columns (one sequence per property, in the schema's order) that returns
    them by property, or None if any value fails its property's checks. For a reader that
    parsed the objects itself and knows each has exactly the properties; the checks of the
    values are the same code as :func:`compile_table`'s. None if unsupported."""
    schema = inline_refs(schema)
    if schema is None:
        return None
    properties = _table_properties(schema)
    if properties is None:
        return None
    emitter = _ColumnEmitter()
    emitter.names["_NAMES"] = tuple(properties)
    emitter.out(0, "def check(columns):")
    if not emitter.emit_columns(properties, "columns"):
        return None
    emitter.out(1, "return dict(zip(_NAMES, columns))")
    return emitter.compiled()


@cache
def record_shape() -> Predicate | None:
    return compile_shape(load_schema(RECORD_SCHEMA))


@cache
def schema_shape(name: str) -> Predicate | None:
    """:func:`compile_shape` of the schema ``name`` (in ``schemas/``), compiled once."""
    return compile_shape(load_schema(name))


#: Why a line that parses to a valid record is refused when it is not the bytes corpuskit
#: writes for it: the records file is canonical (its sha256 is the content hash's), and
#: two JSON readers may read one line two ways (a key given twice: the first or the last).
NOT_CANONICAL = ("is not in the form corpuskit writes records: one compact JSON object, "
                 "fields in the schema's order, each once, UTF-8 unescaped, LF line ends")


#: Why a record the compiled predicate refuses and jsonschema accepts is refused all the
#: same: only values corpuskit never writes fall between the two (``74.0`` for the integer
#: 74: JSON Schema counts it an integer, Python does not).
NOT_WRITTEN = ("holds a value corpuskit never writes (such as 74.0 for an integer); "
               "every field must have the type the record schema gives it")


def not_written(data: Any) -> str:
    """Why the record ``data``, which jsonschema accepts and the compiled predicate does
    not, is refused: its fields that hold a whole number written as a float named, with
    the value corpuskit writes (:data:`NOT_WRITTEN` if there is none such)."""
    floats = [(key, value) for key, value in data.items()
              if isinstance(value, float) and value.is_integer()] \
        if isinstance(data, dict) else []
    if not floats:
        return NOT_WRITTEN
    # A whole number past 64 bits is read as a float too, whatever its form (QA: one
    # written as an integer was said to have a decimal point, and given as a number the
    # file does not hold, the float's).
    if any(not -(1 << 63) <= value < 1 << 64 for _, value in floats):
        said = ", ".join(key for key, _ in floats)
        return (f"holds a number past 64 bits, or written with a decimal point or an exponent "
                f"(read as a float), in {said}, which corpuskit never writes; every field "
                "must have the type the record schema gives it")
    said = ", ".join(f"{key} {value!r}" for key, value in floats)
    written = ", ".join(f"{key} {int(value)}" for key, value in floats)
    # A JSON reader gives 13.0 for 13e0 too: the message names no form (QA: "13e0" was
    # said to have a decimal point).
    return (f"holds {said}: a whole number written as a float (with a decimal point or an "
            f"exponent), which corpuskit never writes ({written}); every field must have the "
            "type the record schema gives it")


def real_date(value: str) -> bool:
    """Whether ``value`` (of the schema's ``YYYY-MM-DD`` shape) is a day of the calendar:
    the pattern lets 2023-02-30 through."""
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def all_real_dates(values: Iterable[str]) -> bool:
    """``all(map(real_date, values))``, with no call of Python's per value: the first
    date that is none ends it (a block of validate's clean pass, 358 dates: 0.21 µs a
    record down to 0.08)."""
    try:
        deque(map(dt.date.fromisoformat, values), maxlen=0)
    except ValueError:
        return False
    return True
