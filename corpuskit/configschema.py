"""corpus.toml's schema errors in a corpus maintainer's words.

jsonschema says what a JSON Schema keyword refused ("3 is not of type 'object'", "'x' is
not a 'email'", "[] should be non-empty", "Additional properties are not allowed"). A
maintainer writes TOML: each error here names the dotted key (``output.compression``,
``contributors[0].email``), what was found (quoted short), what belongs there in TOML's
words (a table, a list of tables, a whole number, true or false, one of: fast, zlib) and
what to write. Every keyword ``schemas/corpus.schema.json`` uses has its wording
(:data:`KEYWORDS`; a test holds the schema to it).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from .problems import Problem
from .schemacheck import (
    ONE_LINE,
    blank_rule,
    describe,
    line_break_rule,
    line_rule_said,
    load_schema,
    schema_errors,
    shown_value,
    toml_key,
)

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

import tomllib

#: The keywords of corpus.schema.json whose errors are worded here (the annotations,
#: ``description`` and ``title``, refuse nothing).
KEYWORDS = frozenset({"type", "format", "enum", "pattern", "minimum", "maximum", "minLength",
                      "maxLength", "required", "additionalProperties", "minItems",
                      "uniqueItems", "anyOf", "not"})

#: What to write instead, for the keys whose values must take a form no JSON Schema
#: keyword says in words (a regular expression, a choice of keys; ``[]``: any item).
HINTS = {
    "name": "use 1 to 100 lower-case letters, digits, '.', '_' and '-', beginning and ending "
            "with a letter or digit (the release folder is <name>-<version>)",
    "version": "write a semantic version such as 1.0.0 or 1.1.0-rc.1 (https://semver.org), "
               "without build metadata ('+...'): versions that differ only there have the "
               "same precedence, and each release needs a version of its own",
    "created": "write the release time in UTC, its date and time to the second, as a "
               'quoted string, such as created = "2026-11-28T00:00:00Z"',
    "content_hash": "write back the value 'corpuskit release' wrote, a quoted string of "
                    "'sha256:' and 64 lower-case hexadecimal digits, or remove this line, "
                    "created and the version's entry in CHANGELOG.md",
    "licenses[]": "give each license a name (an SPDX id such as CC-BY-4.0) or a path (a URL)",
    "licenses[].name": "use an SPDX license id such as CC-BY-4.0 or CC0-1.0",
    "title": "write the title on one line (it heads the data card); the description can be "
             "longer",
    # (Its example was LICENSE.txt, which the check that the package holds the file then
    # refused, QA: a seeds file is data/raw/<name> in the package.)
    **dict.fromkeys(
        ("licenses[].path", "sources[].path", "contributors[].path"),
        "write a URL, such as https://example.org/licence (http, https, ftp or ftps), or a "
        "relative path to a file the package holds, such as data/raw/LICENSE.txt (a file "
        "of the seeds folder): no '..' and no backslash, not starting with '/', '~' or '.' "
        "(the Data Package v2 profile's rule)"),
}

#: A line to copy, for the keys a maintainer may leave out or give in the wrong shape.
EXAMPLES = {
    "name": 'name = "my-corpus"',
    "title": 'title = "My corpus"',
    "version": 'version = "1.0.0"',
    "description": 'description = "What the texts are and why they were collected."',
    "licenses": 'licenses = [{ name = "CC-BY-4.0" }]',
    "sources": 'sources = [{ title = "Where the texts come from" }]',
    "contributors": 'contributors = [{ title = "Ann Lee", roles = ["author"] }]',
    "keywords": 'keywords = ["news"]',
    "homepage": 'homepage = "https://example.org/corpus"',
    "sources[].title": 'title = "Where the texts come from"',
    "contributors[].title": 'title = "Ann Lee"',
    "contributors[].roles": 'roles = ["author"]',
    "discover.exclude": 'exclude = ["*.png", "drafts/*"]',
    "decode.fallback_encodings": 'fallback_encodings = ["cp1252", "koi8-r"]',
    "normalize.skip": 'skip = ["remove-zero-width"]',
    "normalize.lossy": 'lossy = ["nfkc"]',
    "extract.rights_patterns": "rights_patterns = ['(?i)all rights reserved']",
}

#: What a JSON Schema type is called in a corpus.toml.
_TYPE_WORDS = {"object": "a table", "array": "a list", "string": "a string",
               "integer": "a whole number", "number": "a number", "boolean": "true or false"}
#: Where the README lists every key.
_README = "the README's corpus.toml section lists every key"


def config_problems(schema_name: str, data: Mapping[str, Any], path: str, *,
                    source: str | None = None) -> list[Problem]:
    """Every schema error of the parsed corpus.toml ``data`` as a ``config-error`` on
    ``path``, located at its dotted key, worded for a maintainer; in a stable order.
    ``source``: the text ``data`` was read from, whose unquoted dates are shown as written
    there (:func:`_toml_date`)."""
    written = _SOURCE.set(source)
    try:
        return _config_problems(schema_name, data, path)
    finally:
        _SOURCE.reset(written)


def _config_problems(schema_name: str, data: Mapping[str, Any], path: str) -> list[Problem]:
    problems: list[Problem] = []
    schema = load_schema(schema_name)
    errors = schema_errors(schema_name, data)
    # A value with a line break is told that, not also that it is not of the form asked
    broken = {tuple(error.absolute_path) for error in errors if line_break_rule(error)}
    for error in errors:
        if error.validator == "pattern" and tuple(error.absolute_path) in broken:
            continue
        for key, message in _worded(error, schema):
            problem = Problem(path, "config-error", message, key)
            if problem not in problems:
                problems.append(problem)
    return problems


def _worded(error: ValidationError, schema: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """``(dotted key, message)`` for ``error``: one, or one per key it is about."""
    key = toml_key(error)
    parts = list(error.absolute_path)
    value = error.instance
    keyword = error.validator
    rule: Any = error.validator_value
    node: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
    hint = HINTS.get(_general(parts))
    if keyword == "additionalProperties" and isinstance(value, Mapping):
        known = list(node.get("properties", {}))
        for name in value:
            if name not in known:
                yield _child(parts, name), _unknown_key(str(name), parts, known,
                                                        list(schema.get("properties", {})))
    elif keyword == "required" and isinstance(value, Mapping):
        for name in rule:
            if name not in value:
                yield _child(parts, name), _missing(name, parts)
    elif keyword == "type":
        # The title's hint is about line breaks, not about what a title is
        yield key, _wrong_type(value, str(rule), parts, node,
                               None if _general(parts) == "title" else hint)
    elif line_break_rule(error):
        said = line_rule_said(error)
        what = (f": {hint}" if hint else ": write it on one line") if said.startswith(
            ONE_LINE) else ": remove it (line breaks and tabs may stay)"
        yield key, f"{shown_value(value)} {said}{what}"
    elif blank_rule(error):
        yield key, f"{shown_value(value)} is blank: " + _fill_in(parts, schema, "some text")
    elif keyword == "enum":
        choices = ", ".join(str(choice) for choice in rule)
        quoted = "" if isinstance(value, str) else " (a name, in quotes)"
        listed = _general(parts[:-1]) if parts and isinstance(parts[-1], int) \
            else _general(parts)
        note = _enum_note(listed, value) if isinstance(value, str) else None
        codec = listed == "decode.fallback_encodings"
        guess = _closest_choice(value, rule, codec=codec) \
            if isinstance(value, str) and note is None else None
        undecoded = undecoded_code_page(value) if codec and isinstance(value, str) \
            and note is None and guess is None else None
        ahead = (f" ({note})" if note is not None else
                 f" (did you mean {guess!r}?)" if guess is not None else "")
        if undecoded is not None:  # no choice will do: what will (QA: mac-roman)
            yield key, (f"{_shown(value)} is not allowed here: {undecoded}; re-save the "
                        "files written in it as UTF-8, which is read first (the code pages "
                        f"corpuskit decodes: {choices})")
            return
        yield key, (f"{_shown(value)} is not allowed here{ahead}: write one of: "
                    f"{choices}{quoted}")
    elif keyword == "format" and rule == "email":
        yield key, (f"{_shown(value)} is not an email address: write one such as "
                    "name@example.org")
    elif keyword == "format" and rule == "uri":
        yield key, (f"{_shown(value)} is not an absolute URL; write it in full, such as "
                    "https://example.org/corpus")
    elif keyword == "pattern" and value == "" and node.get("minLength"):
        return  # told once, as empty (minLength)
    elif keyword == "pattern" and _general(parts) == "homepage":
        return  # told by the check of corpus.toml's homepage (config.py), in its words
    elif keyword == "pattern" and _general(parts) == "licenses[].name" \
            and isinstance(value, str) and value.endswith("+") and value[:-1].strip():
        # SPDX's deprecated "GPL-2.0+" form, which a name may not hold (QA: only told to
        # use an id such as CC-BY-4.0)
        yield key, (f"{_shown(value)} is not valid here: '+' is SPDX's deprecated form of "
                    f"'or later': write {value[:-1]}-or-later")
    elif keyword == "pattern":
        yield key, f"{_shown(value)} is not valid here: " + (
            hint or f"see the form {key} takes in the README's corpus.toml section")
    elif keyword in ("minimum", "maximum"):
        side = "less" if keyword == "minimum" else "more"
        yield key, (f"{_shown(value)} is {side} than {rule}, the "
                    f"{'least' if keyword == 'minimum' else 'most'} allowed: write "
                    f"{_number_words(node)}")
    elif keyword == "minLength":
        yield key, f"{_shown(value)} is empty: " + _fill_in(parts, schema, "some text")
    elif keyword == "maxLength":
        yield key, (f"{shown_value(value)} is longer than the {rule} characters allowed: "
                    "shorten it")
    elif keyword == "minItems":
        example = EXAMPLES.get(_general(parts))
        what = f"list at least {'one' if rule == 1 else rule}" + (
            f", such as {example}" if example else "")
        yield key, f"{_shown(value)} is an empty list: " + _fill_in(parts, schema, what,
                                                                        written=True)
    elif keyword == "uniqueItems" and isinstance(value, list):
        twice = list(dict.fromkeys(item for index, item in enumerate(value)
                                   if item in value[:index]))
        listed = ", ".join(_shown(item) for item in twice)
        yield key, (f"{listed} {'is' if len(twice) == 1 else 'are'} listed more than once: "
                    "list each once")
    elif keyword == "anyOf" and hint is not None:
        keys = [name for option in rule for name in option.get("required", ())]
        has = f"neither {keys[0]} nor {keys[1]}" if len(keys) == 2 else \
            f"none of {', '.join(keys)}"
        yield key, f"this table has {has}: {hint}"
    else:  # a keyword the schema does not use today: jsonschema's words, shortened
        yield key, describe(error)


#: What to say of a value that a list's choices leave out for a reason of their own: a
#: normalization step that always runs, a code page by its codec's name (Python's).
ENUM_NOTES: dict[tuple[str, str], str] = {
    ("normalize.skip", "line-endings"): "line endings are always made LF, as a record's "
    "text is held to one form: the step cannot be skipped",
    ("normalize.skip", "paragraph-spacing"): "paragraphs are always parted by one blank "
    "line, as a record's text is held to one form: the step cannot be skipped",
    # (QA: skipped, it left NFD records in a package whose every description says NFC)
    ("normalize.skip", "nfc"): "a record's text is always NFC, as the package says of its "
    "text field and the record schema requires: the step cannot be skipped",
    ("decode.fallback_encodings", "utf-8"): "UTF-8 is tried first for every file: list "
    "only the legacy code pages to try after it",
    ("decode.fallback_encodings", "ascii"): "ASCII is read as UTF-8, which is tried first "
    "for every file: list only the legacy code pages to try after it",
    ("decode.fallback_encodings", "iso8859-1"): "ISO-8859-1 reads every byte, so no file "
    "could be refused as undecodable; cp1252, the code page text called Latin-1 is "
    "nearly always written in, is listed instead",
}


#: The lossy normalization steps, which run only when [normalize] lossy lists them (in
#: the order they run: corpuskit.config re-exports them).
LOSSY_STEPS = ("nfkc", "straight-quotes", "nbsp-to-space", "collapse-spaces")


def _enum_note(listed: str, value: str) -> str | None:
    """What :data:`ENUM_NOTES` says of ``value`` in the list at ``listed``, or None."""
    if listed == "decode.fallback_encodings":
        value = _codec_name(value) or value
    if listed == "normalize.skip" and value.lower() in LOSSY_STEPS:  # (QA: offered "nfc")
        return (f"{value.lower()} is a lossy step, which runs only when [normalize] lossy "
                "lists it: there is nothing to skip")
    if listed == "output.compression":
        return _compression_note(value)
    if listed == "normalize.skip":  # steps are named in lower case ('NFC': the same note)
        value = value.lower()
    return ENUM_NOTES.get((listed, value))


#: A deflate asked for by its zlib level (``zlib-6``, ``zlib9``, ``deflate-1``), with any
#: separator (``zlib:9``, ``zlib=9``, ``zlib(9)``, ``zlib -6``: QA s77 newc 7, offered the
#: closest-spelled choice, another level), or by the library that ``fast`` uses (``isal``,
#: ``ISA-L``, ``igzip``).
_ZLIB_LEVEL = re.compile(r"(?:zlib|deflate)\s*[-_:=(]?\s*(?:level\s*[-_:=(]?\s*)?(\d+)\s*\)?",
                         re.IGNORECASE)
#: Another deflate library, whose zips hold other bytes than zlib's (README, The archive).
_ZLIB_NG = re.compile(r"zlib[-_ ]?ng(?:[-_ ]?compat)?(?:\s*[-_:=(]?\s*\d+\s*\)?)?",
                      re.IGNORECASE)
_ISAL = re.compile(r"(?:isa[-_ ]?l|igzip)(?:[-_ ]?\d+)?", re.IGNORECASE)


def _compression_note(value: str) -> str | None:
    """What ``value``, no name ``[output] compression`` takes, is likely meant for, by what
    it means rather than how it is spelled (QA: ``zlib-6``, which ``zlib`` is, was offered
    ``zlib-4``, another zip; ``isal``, what ``fast`` uses, got no hint)."""
    level = _ZLIB_LEVEL.fullmatch(value.strip())
    if level is not None and int(level.group(1)) != 4:  # (4: "zlib-4", offered as spelled)
        if int(level.group(1)) == 6:
            return "zlib's level 6 is 'zlib'"
        return ("zlib's levels offered are 4, named 'zlib-4', the default, and 6, named "
                "'zlib'; 'fast' is ISA-L's level 2")
    if _ISAL.fullmatch(value.strip()):
        return "ISA-L's deflate, at its level 2, is 'fast'"
    if _ZLIB_NG.fullmatch(value.strip()):  # (QA: s77 newc 7, offered 'zlib-4', another zip)
        return ("zlib-ng, another deflate library, is not offered: it deflates to other "
                "bytes than zlib")
    return None


def _codec_name(value: str) -> str | None:
    """Python's name of the codec ``value`` names (``latin1``: ``iso8859-1``), or None."""
    import codecs

    try:
        return codecs.lookup(value).name
    except (LookupError, ValueError):
        return None


def _closest_choice(value: str, choices: Sequence[Any], *, codec: bool = False
                    ) -> str | None:
    """The choice ``value`` is likely meant for: the same but for case, ``_`` for ``-``
    and spaces (``NFC``, ``remove_bom``), the same codec (``codec``: ``shift-jis``,
    ``KOI8_R``), else the one most alike; or None."""
    names = [choice for choice in choices if isinstance(choice, str)]

    def plain(text: str) -> str:
        return "".join(text.lower().replace("_", "-").split())

    same = [name for name in names if plain(name) == plain(value)]
    named = _codec_name(value) if codec and not same else None
    if named is not None:
        same = [name for name in names if _codec_name(name) == named]
        if not same:  # a code page of its own: one that reads its bytes as the same
            # characters, never one alike in spelling (QA: iso8859-8, Hebrew, was offered
            # iso8859-7, Greek), nor one of its script that reads them otherwise (QA:
            # mac-roman was offered cp1252, which had refused the file already)
            superset = CODE_PAGE_SUPERSETS.get(named)
            return superset if superset in names else None
    if same:
        return same[0]
    close = difflib.get_close_matches(plain(value), [plain(name) for name in names], n=1)
    return next((name for name in names if close and plain(name) == close[0]), None)


#: For a code page corpuskit does not decode, one it does that reads each of its bytes as
#: the same character (ISO-8859-9 by cp1254; GBK and GB2312 by GB18030, which holds them):
#: what it was likely meant for.
CODE_PAGE_SUPERSETS = {"iso8859-1": "cp1252", "iso8859-9": "cp1254", "gbk": "gb18030",
                       "gb2312": "gb18030"}
#: For a code page corpuskit does not decode, the one it does for the same script, which
#: reads the page's bytes as other characters (the Mac and DOS pages, the ISO 8859 parts
#: Windows laid out otherwise, HZ's escapes): never offered as meant, but named as why
#: it will not do (a test holds both tables to the codecs).
CODE_PAGE_KIN = {
    "iso8859-15": "cp1252", "mac-roman": "cp1252", "cp437": "cp1252", "cp850": "cp1252",
    "iso8859-8": "cp1255", "iso8859-13": "cp1257", "iso8859-4": "cp1257",
    "iso8859-6": "cp1256", "hz": "gb18030", "mac-cyrillic": "cp1251", "mac-greek": "cp1253",
    "mac-latin2": "cp1250", "mac-turkish": "cp1254",
}
#: Text codecs Python has that are no code page a file is saved in.
_NOT_CODE_PAGES = frozenset({"idna", "punycode", "unicode-escape", "raw-unicode-escape",
                             "undefined", "charmap", "mbcs", "oem"})


def undecoded_code_page(value: str) -> str | None:
    """What to say of ``value``, a code page Python has and corpuskit does not decode (nor
    a spelling of one it does: :func:`_closest_choice`), or None: that it is not decoded,
    and, where corpuskit decodes one for its script, that it reads the page's bytes as
    other characters (QA: mac-roman was told "did you mean 'cp1252'?", the page that had
    refused the file: a loop with no way out named)."""
    import codecs

    named = _codec_name(value)
    if named is None or named.startswith("utf") or named in _NOT_CODE_PAGES \
            or not codecs.lookup(named)._is_text_encoding:
        return None
    said = (f"{named} is" if value.lower().replace("_", "-") == named else
            f"it is {named},") + " a code page corpuskit does not decode"
    kin = CODE_PAGE_KIN.get(named)
    if kin is None:
        return said
    otherwise = _read_otherwise(named, kin)
    if not otherwise:  # (a page of several bytes a character, or HZ's escapes)
        return f"{said} ({kin}, which it decodes for that script, reads its bytes otherwise)"
    byte, was, read = otherwise[0]
    # A byte the kin page leaves undefined is said so, never printed as None (QA: iso8859-4
    # and iso8859-13 were told cp1257 reads 0xA1 "as None").
    undefined = sum(other is None for _, _, other in otherwise)
    read_as = len(otherwise) - undefined
    counted = (f"reads {read_as} of its bytes as other characters" if read_as != 1 else
               "reads 1 of its bytes as another character") \
        + (f" and leaves {undefined} undefined" if undefined else "")
    example = f"which {kin} leaves undefined" if read is None else f"as {read!r}"
    return (f"{said} ({kin}, which it decodes for that script, {counted}, such as "
            f"0x{byte:02X}, {was!r} in {named}, {example})")


def _read_otherwise(page: str, other: str) -> list[tuple[int, str, str | None]]:
    """``(byte, character, other's)`` for each byte from 0x80 that the single-byte code
    page ``page`` reads as a character (no control) and ``other`` as another, or leaves
    undefined (None); none for a page that reads no such byte alone."""
    found = []
    for byte in range(0x80, 0x100):
        try:
            char = bytes([byte]).decode(page)
        except UnicodeDecodeError:
            continue
        if unicodedata.category(char).startswith("C"):
            continue
        try:
            read: str | None = bytes([byte]).decode(other)
        except UnicodeDecodeError:
            read = None
        if read != char:
            found.append((byte, char, read))
    return found


def _general(parts: Sequence[str | int]) -> str:
    """The dotted key of ``parts`` with every list index as ``[]`` (``licenses[].name``)."""
    key = ""
    for part in parts:
        key += "[]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return key


def _dotted(parts: Sequence[str | int]) -> str:
    """The dotted key of ``parts`` (``contributors[0].email``)."""
    key = ""
    for part in parts:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return key


def _child(parts: Sequence[str | int], name: str) -> str:
    """The dotted key of key ``name`` in the table at ``parts``."""
    return _dotted([*parts, name])


#: The keys other formats (package.json, CITATION.cff, Data Package v1) name what a key of
#: corpus.toml is, by the table they are in: offered before the key spelled most alike
#: (QA: a contributor's "name" was offered "givenName", a source's "url" nothing).
KEY_ALIASES: dict[tuple[str, str], str] = {
    ("", "license"): "licenses",
    ("", "author"): "contributors",
    ("", "authors"): "contributors",
    ("", "url"): "homepage",
    ("contributors[]", "name"): "title",
    ("contributors[]", "url"): "path",
    ("contributors[]", "role"): "roles",
    ("sources[]", "name"): "title",
    ("sources[]", "url"): "path",
    ("licenses[]", "id"): "name",
    ("licenses[]", "url"): "path",
}


def _unknown_key(name: str, parts: Sequence[str | int], known: Sequence[str],
                 top: Sequence[str] = ()) -> str:
    """What to say of key ``name`` of the table at ``parts``, which takes ``known``;
    ``top``: the keys of the file's top level (a key of it written after a ``[table]``
    line is in that table, QA: told to check its spelling)."""
    if len(parts) == 1 and name in top and name not in known:
        table = toml_key_of(parts)
        return (f"{name!r} is not a key of {table} but of the top level, and every key "
                f"written after the line {table} is in that table; move {name} above the "
                "first [table] line of corpus.toml")
    alias = KEY_ALIASES.get((_general(parts), name))
    close = [alias] if alias in known else difflib.get_close_matches(name, known, n=1)
    guess = f" (did you mean {close[0]!r}?)" if close else ""
    shown = _key_shown(name, close[0] if close else None)
    if not parts:
        return (f"{shown} is not a corpus.toml key{guess}: remove it, or check its spelling "
                f"({_README})")
    return (f"{shown} is not a key of {toml_key_of(parts)}{guess}: remove it, or check its "
            f"spelling ({toml_key_of(parts)} takes {', '.join(known)})")


def _key_shown(name: str, meant: str | None) -> str:
    """Key ``name``, quoted; one outside ASCII (every key of corpus.toml is ASCII) as
    escapes, naming the characters that are not ASCII and, beside the key ``meant``, what
    it has there: a Cyrillic "і" in "title" printed as the key it was told to be (QA)."""
    if name.isascii():
        return repr(name)
    from .names import escaped

    found: list[tuple[str, str | None]]
    if meant is not None and len(meant) == len(name):
        found = [(char, other) for char, other in zip(name, meant, strict=True)
                 if not char.isascii() and char != other]
    else:
        found = [(char, None) for char in dict.fromkeys(name) if not char.isascii()]
    said = ", ".join(f"U+{ord(char):04X} {unicodedata.name(char, 'unnamed')}"
                     + (f" where {meant!r} has {other!r}" if other is not None else "")
                     for char, other in found[:3])
    more = f" and {len(found) - 3} more" if len(found) > 3 else ""
    return f"'{escaped(name)}' (spelled with {said}{more})"


def bare_key_outside_ascii(key: str, where: str, schema_name: str) -> tuple[str, str]:
    """``(what is wrong, what to do)`` of ``key``, written without quotes and holding
    characters outside ASCII, which tomllib refuses as a key with "Expected '=' after a
    key" (the line has one) or "Invalid statement": that a bare key is ASCII only, the key
    with escapes and the key of corpus.toml it looks like (QA: 'keyw\\u043erds', with a
    Cyrillic 'о', got advice about quotes; only a quoted one got the look-alike
    message). ``where``: its line and column, as said after the key."""
    known = sorted(set(_schema_keys(load_schema(schema_name))))
    close = difflib.get_close_matches(key, known, n=1)
    said = (f"{_key_shown(key, close[0] if close else None)}, {where}, is a key written "
            "without quotes (a bare key), which may hold only ASCII letters, digits, '-' "
            "and '_'")
    if close:
        return said, f"did you mean {close[0]!r}? retype it in ASCII"
    return said, f"retype it in ASCII, as every key of corpus.toml is ({_README})"


def _schema_keys(node: Any) -> Iterator[str]:
    """The name of every key of the tables ``node`` (a JSON Schema) describes, at any depth."""
    if isinstance(node, Mapping):
        properties = node.get("properties")
        if isinstance(properties, Mapping):
            yield from properties
        for value in node.values():
            yield from _schema_keys(value)
    elif isinstance(node, list):
        for value in node:
            yield from _schema_keys(value)


def toml_key_of(parts: Sequence[str | int]) -> str:
    """The dotted key of ``parts``; a top-level table as ``[table]``."""
    return f"[{parts[0]}]" if len(parts) == 1 else _dotted(parts)


def _missing(name: str, parts: Sequence[str | int]) -> str:
    example = EXAMPLES.get(_general([*parts, name]))
    where = "corpus.toml needs it" if not parts else f"{toml_key_of(parts)} needs it"
    return f"{name!r} is missing: {where}; add it" + (f", such as {example}" if example
                                                       else "")


def _wrong_type(value: Any, expected: str, parts: Sequence[str | int],
                node: Mapping[str, Any], hint: str | None) -> str:
    """``value`` of another type than ``expected`` at ``parts``: what it is, what belongs
    there, and what to write."""
    wanted = _expected(expected, node)
    found = f"{_shown(value)} is {_kind(value)}, not {wanted}"
    leaf = next((str(part) for part in reversed(parts) if isinstance(part, str)), "")
    example = EXAMPLES.get(_general(parts))
    if expected == "object":
        keys = ", ".join(node.get("properties", {}))
        if len(parts) == 1:
            return (f"{found}: write [{leaf}] on a line of its own, with its keys ({keys}) "
                    "on the lines below it")
        first = (node.get("required") or list(node.get("properties", {})) or ["key"])[0]
        table = f"{{ {first} = {_toml_string(value) if isinstance(value, str) else '...'} }}"
        if hint is not None:
            return f"{found}: {hint}, such as {table}"
        return f"{found}: write each item as a table, such as {table}"
    if expected == "array":
        if isinstance(value, str) and wanted != "a list of tables":
            return f"{found}: put it in brackets: {leaf} = [{_toml_string(value)}]"
        return f"{found}: write {wanted}, such as " + (example or f'{leaf} = ["..."]')
    if expected == "string":
        if hint is not None:
            return f"{found}: {hint}" + ("" if "quoted" in hint else ", in quotes")
        if isinstance(value, (bool, int, float)) and example is None:
            quoted = _toml_string(_toml_scalar(value))
            return f"{found}: put it in quotes: " + (
                quoted if isinstance(parts[-1], int) else f"{leaf} = {quoted}")
        if parts and isinstance(parts[-1], int):  # an item of a list: the list's example
            # (QA: 'write one quoted string, such as keywords = "..."' was then refused as
            # no list)
            listed = EXAMPLES.get(_general(parts[:-1]))
            return (f"{found}: write each item of {leaf} as one quoted string, such as "
                    + (listed or f'{leaf} = ["..."]'))
        return f"{found}: write one quoted string, such as " + (example or f'{leaf} = "..."')
    if expected in ("integer", "number"):
        if expected == "integer" and isinstance(value, float) and value.is_integer():
            # (TOML's 2e1 is the float 20.0 too: no decimal point to take out)
            return (f"{found}: write it as a whole number, without a decimal point or an "
                    f"exponent: {leaf} = {int(value)}")
        return f"{found}: write {_number_words(node)}"
    if expected == "boolean":
        return f"{found}: write true or false, without quotes"
    return f"{found}: write {wanted}"


def _expected(expected: str, node: Mapping[str, Any]) -> str:
    """``expected`` (a JSON Schema type) in TOML's words; a list says what it holds."""
    if expected != "array":
        return _TYPE_WORDS.get(expected, expected)
    items = node.get("items", {})
    if items.get("type") == "object":
        return "a list of tables"
    if items.get("type") == "string":
        return "a list of strings"
    if "enum" in items:
        return "a list of names"
    return "a list"


def _kind(value: Any) -> str:
    """What ``value`` is, in TOML's words."""
    if isinstance(value, bool):
        return "a true-or-false value"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return "an unquoted date or time"
    return type(value).__name__


def _shown(value: Any) -> str:
    """``value`` as it may be written in corpus.toml, quoted short: strings as Python
    quotes them (as corpuskit's messages do), true and false, a date unquoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return _toml_date(value)
    return shown_value(value)


#: The corpus.toml text whose problems :func:`config_problems` is wording, if it was given.
_SOURCE: ContextVar[str | None] = ContextVar("corpus_toml_source", default=None)
#: An unquoted TOML date or time (tomllib's own forms), where a value begins: after '=',
#: '[' or ',' (so never the time inside a date and time, nor most text in a string).
_DATE_LITERAL = re.compile(
    r"(?<=[=\[,])[ \t\r\n]*(?P<literal>\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?"
    r"(?:[Zz]|[+-]\d{2}:\d{2})?)?|\d{2}:\d{2}:\d{2}(?:\.\d+)?)")


def _toml_date(value: dt.datetime | dt.date | dt.time) -> str:
    """An unquoted TOML date or time as written in corpus.toml, where its text was given
    and holds it (QA: s77 newc 9, tomllib keeps no text: ``+00:00`` was shown as ``Z``,
    ``.100000`` as ``.1``, a space or ``t`` as ``T``, and a 7th digit of a fraction, which
    Python drops, was cut, showing a value the file does not hold); else as it is likely
    written: UTC as ``Z``, a fraction of a second without the zeros Python pads it to
    (QA: ``2026-11-28T00:00:00Z`` was shown as ``2026-11-28T00:00:00+00:00``)."""
    written = _written_date(value, _SOURCE.get())
    if written is not None:
        return written
    text = value.isoformat()
    if isinstance(value, (dt.datetime, dt.time)) and value.microsecond:
        whole, _, rest = text.partition(".")
        digits = rest[:6].rstrip("0")
        text = f"{whole}.{digits}{rest[6:]}"
    if isinstance(value, dt.datetime) and value.utcoffset() == dt.timedelta(0):
        text = text.removesuffix("+00:00") + "Z"
    return text


def _written_date(value: dt.datetime | dt.date | dt.time, source: str | None) -> str | None:
    """The text of the unquoted dates or times in ``source``, outside comments, that TOML
    reads as ``value`` (the same type, and isoformat: aware times equal in other offsets
    differ); None where there is none (no source, or a literal this does not find), or
    where it is written otherwise at two keys (which of them is this one is not known here)."""
    if source is None:
        return None
    written: set[str] = set()
    for found in _DATE_LITERAL.finditer(source):
        literal, start = found.group("literal"), found.start("literal")
        line = source[source.rfind("\n", 0, start) + 1:start]
        if "#" in line and not re.search(r"[\"']", line.partition("#")[0]):
            continue  # in a comment
        try:
            read = tomllib.loads(f"v = {literal}")["v"]
        except tomllib.TOMLDecodeError:
            continue
        if type(read) is type(value) and read.isoformat() == value.isoformat():
            written.add(literal)
    return written.pop() if len(written) == 1 else None


def _toml_scalar(value: bool | float) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else repr(value)


def _toml_string(text: str) -> str:
    """``text`` as a TOML basic string."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in escaped) + '"'


def _number_words(node: Mapping[str, Any]) -> str:
    """What a number of ``node`` must be: ``a whole number of at least 1``, ``a number
    from 0 to 1``; without quotes."""
    noun = "a whole number" if node.get("type") == "integer" else "a number"
    low, high = node.get("minimum"), node.get("maximum")
    if low is not None and high is not None:
        return f"{noun} from {low} to {high}, without quotes"
    if low is not None:
        return f"{noun} of at least {low}, without quotes"
    if high is not None:
        return f"{noun} of at most {high}, without quotes"
    return f"{noun}, without quotes"


def _fill_in(parts: Sequence[str | int], schema: Mapping[str, Any], what: str, *,
             written: bool = False) -> str:
    """What to do with an empty value at ``parts``: ``what`` (``some text``), or, where
    it may be left out, leave it out; an empty item of a list, remove it."""
    if parts and isinstance(parts[-1], int):
        return f"write {what} in it, or remove it from the list"
    leaf = str(parts[-1]) if parts else ""
    verb = what if written else f"write {what}"
    if _required(parts, schema) and not written:
        return f"write the {leaf}"
    return verb if _required(parts, schema) else f"{verb}, or leave the key out"


def _required(parts: Sequence[str | int], schema: Mapping[str, Any]) -> bool:
    """Whether the key at ``parts`` must be given (its table's schema requires it)."""
    node: Mapping[str, Any] = schema
    for part in parts[:-1]:
        node = node.get("items", {}) if isinstance(part, int) else \
            node.get("properties", {}).get(part, {})
    return bool(parts) and parts[-1] in node.get("required", ())
