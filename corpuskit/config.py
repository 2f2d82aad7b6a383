"""Read ``corpus.toml`` into an immutable :class:`CorpusConfig`, refusing bad keys exactly."""

from __future__ import annotations

import ast
import datetime as dt
import errno
import math
import os
import re
import stat
import tomllib
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .accesstimes import open_for_check
from .configschema import LOSSY_STEPS as LOSSY_STEPS  # the lossy steps, in their order
from .configschema import bare_key_outside_ascii, config_problems
from .emails import email_problems
from .errors import InputError
from .gitlfs import LFS_FILE_ADVICE, is_lfs_pointer_data, pointers_in
from .licenseids import license_name_problem
from .markdownblocks import description_hides_card, open_block_line
from .otherarchives import other_archive, seeds_in_zip, seeds_zip_advice
from .problems import Problem, invisible, not_utf8, other_unicode
from .recordshape import schema_shape
from .regularfiles import permission_advice, unreadable_given
from .rightsrules import DEFAULT_RIGHTS_PATTERNS, patterns_problems
from .semver import named_as_release
from .submodules import unfetched_submodule
from .visible import BIDI_CONTROL, BLANK_GLYPH, shows_text
from .wording import shell_word, shown_name

CONFIG_NAME = "corpus.toml"
#: The schema of :data:`CONFIG_NAME` (in ``schemas/``).
CONFIG_SCHEMA = "corpus.schema.json"
#: The form of a release time stamp (``created``): RFC 3339 in UTC, whole seconds.
CREATED_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
CHANGELOG_NAME = "CHANGELOG.md"
#: The first and last release times (``created``, SOURCE_DATE_EPOCH) a zip's entries can
#: carry: zip (DOS) dates run from 1980 to the end of 2107.
FIRST_RELEASE_TIME = "1980-01-01T00:00:00Z"
LAST_RELEASE_TIME = "2107-12-31T23:59:59Z"


def outside_zip_dates(created: str) -> str | None:
    """Why the release time ``created`` (:data:`CREATED_FORMAT`) is one a zip's entries
    cannot carry, or None: the zip would silently carry 1980-01-01 or 2107-12-31 instead
    while the metadata said the year 1 or 9999, almost surely a mistyped time (QA)."""
    if FIRST_RELEASE_TIME <= created <= LAST_RELEASE_TIME:  # (the form sorts as time does)
        return None
    return beyond_zip_dates(later=created > LAST_RELEASE_TIME)


def beyond_zip_dates(*, later: bool, seconds: int | None = None) -> str:
    """``before 1980-01-01T00:00:00Z, the first time ...`` (``later``: after the last),
    with the time as SOURCE_DATE_EPOCH's ``seconds`` if given."""
    edge = LAST_RELEASE_TIME if later else FIRST_RELEASE_TIME
    return (f"{'after' if later else 'before'} {edge}"
            + (f" ({seconds})" if seconds is not None else "")
            + f", the {'last' if later else 'first'} time a zip's entries can carry (zip "
            f"dates run from {FIRST_RELEASE_TIME[:10]} to {LAST_RELEASE_TIME[:10]})")


FAITHFUL_STEPS = (
    "fix-encoding-short-lines",
    "fix-encoding",
    "remove-bom",
    "line-endings",
    "separator-breaks",
    "remove-control-chars",
    "remove-zero-width",
    "nfc",
    "trim-trailing-whitespace",
    "paragraph-spacing",
)

#: Steps that run only when another one does too: fix-encoding-short-lines repairs lines as
#: fix-encoding repairs the others of the text, so it never runs without it (skipping
#: fix-encoding skips it too).
STEP_NEEDS = {"fix-encoding-short-lines": "fix-encoding"}

#: Every normalization step, in the order steps run (corpuskit.normalize.STEPS runs them;
#: a record lists the steps that changed it in this order): the lossy ones after NFC.
_AFTER_NFC = FAITHFUL_STEPS.index("nfc") + 1
STEP_ORDER = (*FAITHFUL_STEPS[:_AFTER_NFC], *LOSSY_STEPS, *FAITHFUL_STEPS[_AFTER_NFC:])

DEFAULT_FALLBACK_ENCODINGS = ("cp1252", "cp1250", "cp1251", "koi8-r", "gb18030")
DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class DiscoverConfig:
    exclude: tuple[str, ...] = ()
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES


@dataclass(frozen=True)
class DecodeConfig:
    fallback_encodings: tuple[str, ...] = DEFAULT_FALLBACK_ENCODINGS


@dataclass(frozen=True)
class NormalizeConfig:
    """Which named steps run, in pipeline order (see :mod:`corpuskit.normalize`)."""

    steps: tuple[str, ...] = FAITHFUL_STEPS


#: The encodings a build reads a file in before any of decode.fallback_encodings: UTF-8,
#: and those a byte order mark names (decode.BOMS).
UNICODE_ENCODINGS = ("utf-8", "utf-32-le", "utf-32-be", "utf-8-sig", "utf-16-le", "utf-16-be")
#: How a line that no build of any corpuskit version takes for a title ends: validate
#: holds a package's titles to it. A build also refuses a line ending in another
#: script's punctuation (:func:`~corpuskit.sentenceends.ends_like_sentence`), but a
#: package built before it did may hold such titles, and stays valid. A ``;`` ending a
#: Greek line (after a Greek letter, or where most of the line is Greek letters, its
#: first word is Greek or most of its words are) is Greek's question mark once NFC,
#: which a title may end in
#: (:func:`~corpuskit.sentenceends.ends_in_greek_question`).
NOT_TITLE_ENDINGS = (".", ",", ";", ":")


@dataclass(frozen=True)
class ExtractConfig:
    title: bool = True
    title_max_chars: int = 200
    date: bool = True
    rights: bool = True
    rights_patterns: tuple[str, ...] = DEFAULT_RIGHTS_PATTERNS
    language: bool = True
    language_min_chars: int = 20
    language_min_confidence: float = 0.8


@dataclass(frozen=True)
class ProcessConfig:
    """Everything that decides how one raw file becomes one record (the cache key part)."""

    decode: DecodeConfig = field(default_factory=DecodeConfig)
    normalize: NormalizeConfig = field(default_factory=NormalizeConfig)
    extract: ExtractConfig = field(default_factory=ExtractConfig)


#: How the release archive is deflated when corpus.toml does not say (``[output]
#: compression``; the names are those of :data:`corpuskit.zipfiles.deflate.COMPRESSIONS`): zlib at
#: level 4, whose bytes a rebuild reproduces (``fast``'s may differ from build to build),
#: twice as fast as level 6 on the records for a zip 2-6% larger.
DEFAULT_COMPRESSION = "zlib-4"


@dataclass(frozen=True)
class CorpusConfig:
    """A validated corpus.toml. ``metadata`` holds the package-level fields as given."""

    name: str
    version: str
    metadata: dict[str, Any]
    discover: DiscoverConfig
    process: ProcessConfig
    parquet: bool = False
    #: How the release archive is deflated: a name in
    #: :data:`corpuskit.zipfiles.deflate.COMPRESSIONS` (the schema lists them).
    compression: str = DEFAULT_COMPRESSION

    @property
    def release_name(self) -> str:
        return f"{self.name}-{self.version}"


#: The largest magnitude of an integer the package's JSON files hold (a signed 64-bit one:
#: what orjson writes and most JSON readers take exactly).
MAX_JSON_INTEGER = 2**63 - 1


def _beyond_json(value: Any, key: str) -> Iterator[tuple[str, str]]:
    """``(TOML key, reason)`` for each value JSON cannot carry into the package's
    descriptor: ``nan`` and ``inf`` (TOML has them; every comparison with nan is false, so
    no schema bound refuses it), and integers beyond 64 bits."""
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _beyond_json(item, f"{key}.{name}" if key else str(name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _beyond_json(item, f"{key}[{index}]")
    elif isinstance(value, float) and not math.isfinite(value):
        yield key, f"{value} is not a finite number; write a number such as 0.8"
    elif isinstance(value, int) and not isinstance(value, bool) \
            and abs(value) > MAX_JSON_INTEGER:
        yield key, (f"{value} is too large (at most {MAX_JSON_INTEGER:,}, which JSON "
                    "readers keep exactly); write a smaller number")


#: An absolute URL: a scheme, then for the web a host, and no spaces or controls
#: (RFC 3986's shape, as the Data Package profile's "uri" format requires).
_ABSOLUTE_URL = re.compile(r"(?:https?://[^\s/?#@]+|(?!https?:)[A-Za-z][A-Za-z0-9+.-]*:)"
                           r"[^\s\x00-\x1f\x7f]*")


def _unclosed_from(text: str, line: int | None) -> int | None:
    """The line that begins the statement tomllib could not read, when it is not the line
    tomllib names (``line``; None: the end of the document): the first line after the
    longest run of whole lines from the top that is valid TOML, if that run ends before
    ``line``. A string, triple-quoted string or array opened there and never closed is
    read on until the end of the file or a later line."""
    lines = text.splitlines(keepends=True)
    last = (line or len(lines) + 1) - 1  # the lines before the one named
    for count in range(min(last, len(lines)), -1, -1):
        try:
            tomllib.loads("".join(lines[:count]))
        except tomllib.TOMLDecodeError:
            continue
        except RecursionError:
            return None
        return count + 1 if count + 1 < (line or len(lines) + 1) else None
    return None


def _string_open_at(text: str, first: int, stop: tuple[int, int] | None
                    ) -> tuple[int, str] | None:
    """``(line, quote)`` of the string still open where tomllib stopped (``stop``: its
    line and column, or None: the end of the document), reading the statement that
    begins on line ``first`` (no string is open there); None if no string is left open at
    the end of a line or the file. A string
    left unclosed inside an array spanning lines was named at the array's first line (QA):
    its own line is the one to correct."""
    text = text.replace("\r\n", "\n")  # as tomllib reads it: its positions are in this
    starts = [0] + [found.end() for found in re.finditer("\n", text)]
    end = len(text)
    if stop is not None:
        line, column = stop
        end = min(starts[line - 1] + column - 1, len(text)) if line <= len(starts) else end
    pos, quote, opened = starts[first - 1] if first <= len(starts) else end, "", 0
    while pos < end:
        char = text[pos]
        if quote:
            if char == "\\" and quote[0] == '"':
                pos += 2
                continue
            if text.startswith(quote, pos):
                pos += len(quote)
                while len(quote) == 3 and text.startswith(quote[0], pos):
                    pos += 1  # (up to two quotes more close a triple-quoted string)
                quote = ""
                continue
            if char == "\n" and len(quote) == 1:
                return opened, quote  # a one-line string ends at its line: tomllib stops
        elif char == "#":
            newline = text.find("\n", pos)
            pos = end if newline == -1 else newline
            continue
        elif char in "\"'":
            quote = char * 3 if text.startswith(char * 3, pos) else char
            opened = text.count("\n", 0, pos) + 1
            pos += len(quote)
            continue
        pos += 1
    # Open where tomllib stopped at the end of a line or of the file: never closed (not
    # a bad escape or control character inside it, told by tomllib where it is).
    return (opened, quote) if quote and text[end:end + 1] in ("", "\n") else None


#: tomllib's errors of an escape in a "double-quoted" string: where it stops is past the
#: backslash (after "\q", or at the end of the line after a "\" there: the next line's).
_BAD_ESCAPE = re.compile(r"Unescaped '\\' in a string|Invalid hex value"
                         r"|Escaped character is not a Unicode scalar value")
#: tomllib's error of a control character in a string or comment, where it stops: at it
#: (a line end in a one-line string is a string left unclosed, told otherwise).
_CONTROL_IN_TEXT = re.compile(r"(?:Illegal|Found invalid) character '(?!\\n')")
#: A table's header (``[output]``, ``[[items]]``) on a line of its own.
_TABLE_HEADER = re.compile(r"\s*\[\[?\s*([^\[\]#]+?)\s*\]\]?\s*(?:#.*)?$")


def _key_on(text: str, line: int) -> str | None:
    """The key of the statement that begins on line ``line`` of corpus.toml, with the
    table it is in (``output.compression``), quoted; None if that line sets no key."""
    lines = text.splitlines()
    statement = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    if "=" not in statement or statement.startswith(("[", "#")):
        return None
    key = statement.split("=", 1)[0].strip()
    table = next((found.group(1) for above in reversed(lines[:line - 1])
                  if (found := _TABLE_HEADER.match(above)) is not None), None)
    return repr(f"{table}.{key}" if table else key)


def _inside_text(text: str, error: str, stop: tuple[int, int] | None
                 ) -> tuple[int, int, str, str] | None:
    """``(line, column, what, said)`` of the escape or control character tomllib refused
    (``error``, stopped at ``stop``: its line and column) in a string or comment: its own
    line and column (inside an array or a string spanning lines it was named at the value's
    first line, as if never closed: QA), what it is, and what is wrong and what to write
    instead. None for any other error."""
    if stop is None:
        return None
    text = text.replace("\r\n", "\n")  # as tomllib reads it: its positions are in this
    starts = [0] + [found.end() for found in re.finditer("\n", text)]
    if stop[0] > len(starts):
        return None
    at = min(starts[stop[0] - 1] + stop[1] - 1, len(text))
    if _BAD_ESCAPE.match(error):
        at = text.rfind("\\", 0, at)
        if at == -1:
            return None
        written = text[at:at + 2].rstrip("\n")
        if error.startswith("Unescaped"):
            what = f"'{written}'"
            said = ("is no escape TOML has" if len(written) == 2 else
                    "ends the line of a one-line string, no escape TOML has") + (
                ": write '\\\\' for a backslash, or put the string in single quotes, which "
                "take a backslash as it is")
        else:
            digits = 4 if written == "\\u" else 8
            what = "'" + re.split(r"[\"\n]", text[at:at + 2 + digits], maxsplit=1)[0] + "'"
            said = (f"escapes no character: write {written} with {digits} hex digits of a "
                    "Unicode character (\\u00E9 is é), or '\\\\' for a backslash")
    elif _CONTROL_IN_TEXT.match(error) and at < len(text):
        what = f"U+{ord(text[at]):04X}"
        said = ("is a control character, which TOML text may not hold: remove it (in a "
                f"double-quoted string, \\u{ord(text[at]):04X} writes it)")
    else:
        return None
    line = text.count("\n", 0, at) + 1
    return line, at - starts[line - 1] + 1, what, said


#: A word TOML reads as a value when quoted (``oops``, ``tru``, ``1.2.3``, ``2023-13-45``).
_BARE_WORD = re.compile(r"[\w.:+-]+")
#: What stands where tomllib stopped: up to a space, separator, bracket or comment.
_TOKEN = re.compile(r"[^\s,\[\]{}#]+")


def _open_brackets(text: str, start: int, at: int) -> tuple[list[int], int | None]:
    """Reading corpus.toml from ``start`` (where a statement begins), the positions of the
    brackets (``[`` or ``{``) still open at ``at``, and where the bracket closing the last
    of them is, if they are all closed after it (the value holding ``at`` ends later: what
    is wrong is at ``at``, not a value never closed), else None. Strings and comments are
    skipped."""
    pos, held = start, None
    opened: list[int] = []
    while pos < len(text):
        if held is None and pos >= at:
            held = list(opened)
            if not held:
                break
        char = text[pos]
        if char == "#":
            newline = text.find("\n", pos)
            pos = len(text) if newline == -1 else newline
            continue
        if char in "\"'":
            quote = char * 3 if text.startswith(char * 3, pos) else char
            pos += len(quote)
            while pos < len(text) and not text.startswith(quote, pos):
                if len(quote) == 1 and text[pos] == "\n":
                    break  # a one-line string ends at its line
                pos += 2 if text[pos] == "\\" and quote == '"' else 1
            pos += len(quote)
            continue
        if char in "[{":
            opened.append(pos)
        elif char in "]}" and opened:
            opened.pop()
            if held is not None and not opened:
                return held, pos
        pos += 1
    return held or [], None


def _inside_value(text: str, error: str, stop: tuple[int, int] | None, first: int
                  ) -> tuple[int, int, str, str] | None:
    """``(line, column, what, said)`` of what tomllib refused (``error``, stopped at
    ``stop``) inside an array or inline table that is closed after it, in the statement
    that begins on line ``first``: a word without quotes, a value without a comma before
    it, a comma after an inline table's last value, an inline table going on past its
    line's end. Such a value spanning lines was told
    as never closed, at its first line (QA). None for any other error."""
    if stop is None:
        return None
    text = text.replace("\r\n", "\n")  # as tomllib reads it: its positions are in this
    starts = [0] + [found.end() for found in re.finditer("\n", text)]
    if stop[0] > len(starts) or first > len(starts):
        return None
    at = min(starts[stop[0] - 1] + stop[1] - 1, len(text))
    opened, closed = _open_brackets(text, starts[first - 1], at)
    if not opened or closed is None:
        return None
    begins = max(text.rfind(char, 0, at) for char in " \t\n,[{") + 1
    if error.startswith("Unclosed array") and begins < at:
        at = begins  # stopped inside a word (1.2.3, 2023-13-45): the word is the value
        error = "Invalid value"
    token = _TOKEN.match(text, at)
    written = token.group(0) if token else text[at:at + 1]
    if error.startswith("Invalid value") and token:
        what = f"'{written}'"
        said = (f'is no TOML value: write text in double quotes ("{written}"); true, '
                "false, numbers and dates go without" if _BARE_WORD.fullmatch(written) else
                "begins no TOML value: write text in double quotes (https://toml.io shows "
                "the syntax)")
    elif error.startswith("Unclosed array") and text[opened[-1]] == "[" and token:
        what = f"'{written}'"
        said = ("follows a value of the array with no comma between: separate its values "
                "with ','")
    elif (error.startswith("Invalid initial character for a key part")
          and text[opened[-1]] == "{" and text[at:at + 1] == "}"
          and text[:at].rstrip(" \t").endswith(",")):
        at = len(text[:at].rstrip(" \t")) - 1  # TOML 1.0 forbids it (1.1 will allow it)
        what = "','"
        said = ("follows the last value of an inline table: TOML allows no comma before "
                "its '}'; remove the comma")
    elif (error.startswith("Invalid initial character for a key part")
          and text[opened[-1]] == "{" and text[at:at + 1] == "\n"):
        at = opened[-1]
        what = "'{'"
        said = ("opens an inline table that goes on past the end of its line: TOML keeps an "
                "inline table on one line; join its lines")
        _, end = _open_brackets(text, at, at + 1)
        if end is not None and text[:end].rstrip(" \t\n").endswith(","):
            # Joined, a comma after its last value would be refused next (QA).
            said += ", without the comma after its last value (TOML allows none before '}')"
    else:
        return None
    line = text.count("\n", 0, at) + 1
    return line, at - starts[line - 1] + 1, what, said


def _not_a_url(value: str) -> str | None:
    """Why ``value`` is no absolute URL, or None: a space in it is named (QA: an absolute
    URL with a space was said not to be absolute), and so is a character that shows it
    otherwise than it is (a bidirectional control, a zero-width space, a blank glyph)."""
    hidden = _hidden_in(value)
    if hidden is not None:  # (QA: a homepage holding U+202E passed)
        return hidden
    markup = _NOT_IN_A_URL.search(value)
    if markup is not None:
        return _not_in_a_url(value, markup.group())
    space = re.search(r"\s", value)
    if space is not None and _ABSOLUTE_URL.fullmatch(re.sub(r"\s", "%20", value)):
        return (f"{value!r} holds a space (U+{ord(space.group()):04X}), which a URL cannot: "
                "write each as %20")
    if _ABSOLUTE_URL.fullmatch(value):
        if _WEB_URL.match(value):
            return None
        scheme = _WEB_URL.match(value.lower())
        if scheme is not None:
            return (f"{value!r} has its scheme in capitals: write it in lower case, "
                    f"{value[:scheme.end()].lower()}... (as the Data Package profile's rule for "
                    "a URL has it)")
        # (QA: "javascript:alert(1)" was a homepage, a live link in the data card)
        return (f"{value!r} is not a web address: write one of http, https, ftp or ftps, such "
                "as https://example.org/corpus (the data card links it, and Croissant gives "
                "it as the dataset's url)")
    return f"{value!r} is not an absolute URL; write it in full, such as https://example.org/corpus"


#: The schemes of an address a homepage may be, as a path's URL may (the schema's
#: pattern for both).
_WEB_URL = re.compile(r"(?:https?|ftps?)://")


def _hidden_in(value: str) -> str | None:
    """Why ``value``, an address, shows otherwise than it is, or None: it holds a
    bidirectional control, a zero-width space or a blank glyph."""
    hidden = (BIDI_CONTROL.search(value) or invisible().search(value)
              or BLANK_GLYPH.search(value))
    if hidden is None:
        return None
    char = hidden.group()[0]  # (a run of characters nothing shows: its first)
    return (f"{value!r} holds U+{ord(char):04X} "
            f"{unicodedata.name(char, 'an invisible character')}, which "
            "shows the address otherwise than it is: remove it")


#: What no URL holds, and Markdown and HTML read as markup: a URL in the data card
#: holding ``><img src=x onerror=...>`` rendered an image tag (QA).
_NOT_IN_A_URL = re.compile(r'[<>"`]')


def _not_in_a_url(value: str, char: str) -> str:
    return (f"{value!r} holds {char!r}, which a URL cannot (the data card would show it as "
            f"markup): write it as %{ord(char):02X}")


def _path_problems(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """``(TOML key, reason)`` for each license's, source's or contributor's ``path``
    holding what no URL holds, or, a URL, a space: the data card links it, and Croissant
    gives it as a ``url`` (QA: ``https://example.org/my licence`` was no link, and ``<``,
    ``>`` put HTML into the card)."""
    for table in ("licenses", "sources", "contributors"):
        items = data.get(table)
        for index, item in enumerate(items if isinstance(items, list) else []):
            value = item.get("path") if isinstance(item, dict) else None
            if not isinstance(value, str):
                continue
            hidden = _hidden_in(value)  # as for homepage (QA: U+202E in the card's link)
            if hidden is not None:
                yield f"{table}[{index}].path", hidden
                continue
            # A space is no URL's, but a file's name may hold one: a path inside the
            # package keeps it (QA: 'data/raw/my licence.txt' was refused, and %20 named
            # no file)
            found = _NOT_IN_A_URL.search(value) or (
                re.search(r"\s", value) if _ABSOLUTE_URL.match(value) else None)
            if found is not None:
                char = found.group()
                yield (f"{table}[{index}].path",
                       _not_in_a_url(value, char) if not char.isspace() else
                       f"{value!r} holds a space (U+{ord(char):04X}), which a URL cannot: "
                       "write each as %20")


def _hidden_in_emails(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """``(TOML key, reason)`` for each source's or contributor's email holding a character
    that shows it otherwise than it is, as an address may not (QA: a zero-width space in
    one was shown in the card's contact line)."""
    for table in ("sources", "contributors"):
        items = data.get(table)
        for index, item in enumerate(items if isinstance(items, list) else []):
            value = item.get("email") if isinstance(item, dict) else None
            if isinstance(value, str) and (hidden := _hidden_in(value)) is not None:
                yield f"{table}[{index}].email", hidden


#: The one-line texts of corpus.toml a reader sees: the data card and Croissant show them.
_SHOWN_LINES = ("title", "keywords", "licenses.title", "sources.title", "sources.version",
                 "contributors.title", "contributors.organization", "contributors.givenName",
                 "contributors.familyName", "contributors.roles")


def _unseen_text(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """``(TOML key, reason)`` for each text a reader sees that shows nothing (a zero-width
    space, a Hangul filler, a soft hyphen: the schema's "not blank" takes them for text),
    or whose characters a bidirectional control shows in another order than they are
    written (``Corpus \u202etxt.exe``), as file names are refused for (QA)."""
    texts: list[tuple[str, Any]] = [("description", data.get("description"))]
    for field_name in _SHOWN_LINES:
        table, _, key = field_name.rpartition(".")
        if not table:
            value = data.get(key)
            texts.extend([(f"{key}[{i}]", item) for i, item in enumerate(value)]
                         if isinstance(value, list) else [(key, value)])
            continue
        items = data.get(table)
        for index, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict):
                value = item.get(key)  # (roles: a list; QA, U+202E in one passed)
                texts.extend([(f"{table}[{index}].{key}[{at}]", one)
                              for at, one in enumerate(value)] if isinstance(value, list)
                             else [(f"{table}[{index}].{key}", value)])
    for key, text in texts:
        if not isinstance(text, str) or not text.strip():
            continue  # (the schema's: not text, or blank)
        if not shows_text(text):
            yield key, (f"{text!r} shows nothing: it holds only characters that are drawn "
                        "as nothing (zero-width or default-ignorable ones, or blanks such as "
                        "U+2800 BRAILLE PATTERN BLANK); write some text")
        elif (bidi := BIDI_CONTROL.search(text)) is not None and key != "description":
            yield key, (f"{text!r} holds U+{ord(bidi.group()):04X} "
                        f"{unicodedata.name(bidi.group())}, an invisible control that "
                        "displays the text after it in another order than it is written; "
                        "remove it")


def parse_config(data: dict[str, Any], path: str = CONFIG_NAME, *,
                 source: str | None = None) -> CorpusConfig:
    """Validate parsed TOML and build the config; every problem is reported at once.
    ``source``: the TOML text ``data`` was read from, to quote its values as written."""
    # The compiled schema accepts most configurations at once; jsonschema (imported then,
    # 0.12 s) names what is wrong with any other.
    shape = schema_shape(CONFIG_SCHEMA)
    problems = [] if shape is not None and shape(data) else \
        config_problems(CONFIG_SCHEMA, data, path, source=source)
    said = {problem.location for problem in problems}  # one problem a key: the schema's
    problems.extend(Problem(path, "config-error", message, key)
                    for key, message in _beyond_json(data, "") if key not in said)
    extract = data.get("extract", {}) if isinstance(data.get("extract"), dict) else {}
    patterns = extract.get("rights_patterns")  # a list, or the schema said what it is not
    strings = [(index, pattern) for index, pattern in
               enumerate(patterns if isinstance(patterns, list) else [])
               if isinstance(pattern, str)]
    problems.extend(Problem(path, "config-error", reason,
                            f"extract.rights_patterns[{strings[at][0]}]")
                    for at, reason in patterns_problems([pattern for _, pattern in strings]))
    licenses = data.get("licenses")
    said = {problem.location for problem in problems}
    for index, item in enumerate(licenses if isinstance(licenses, list) else []):
        name = item.get("name") if isinstance(item, dict) else None
        key = f"licenses[{index}].name"
        if isinstance(name, str) and key not in said \
                and (reason := license_name_problem(name)) is not None:
            problems.append(Problem(path, "config-error", reason, key))
    said = {problem.location for problem in problems}
    problems.extend(Problem(path, "config-error", reason, key)
                    for table, index, reason in email_problems(data)
                    if (key := f"{table}[{index}].email") not in said)
    homepage = data.get("homepage")
    said_of_url = _not_a_url(homepage) if isinstance(homepage, str) else None
    if said_of_url is not None and "homepage" not in said:
        # jsonschema checks "format": "uri" only with an optional package installed
        problems.append(Problem(path, "config-error", said_of_url, "homepage"))
    said = {problem.location for problem in problems}
    problems.extend(Problem(path, "config-error", message, key)
                    for key, message in _path_problems(data) if key not in said)
    said = {problem.location for problem in problems}
    problems.extend(Problem(path, "config-error", message, key)
                    for key, message in _hidden_in_emails(data) if key not in said)
    said = {problem.location for problem in problems}
    problems.extend(Problem(path, "config-error", message, key)
                    for key, message in _unseen_text(data) if key not in said)
    description = data.get("description")
    if isinstance(description, str) and "description" not in said \
            and (line := open_block_line(description)) is not None:
        problems.append(Problem(path, "config-error", description_hides_card(line),
                                "description"))
    created = data.get("created")
    if isinstance(created, str) and "created" not in {p.location for p in problems}:
        # the schema checked its shape
        try:
            dt.datetime.strptime(created, CREATED_FORMAT)
        except ValueError:
            problems.append(Problem(path, "config-error",
                                    f"{created!r} is not a real date and time; write the "
                                    "release time in UTC as YYYY-MM-DDTHH:MM:SSZ", "created"))
        else:
            outside = outside_zip_dates(created)
            if outside is not None:  # (QA: year 1 and 9999 built, the zip saying otherwise)
                problems.append(Problem(path, "config-error",
                                        f"{created!r} is {outside}; write the release time "
                                        "in UTC as YYYY-MM-DDTHH:MM:SSZ, between those dates",
                                        "created"))
    metadata = {k: v for k, v in data.items() if k not in SETTINGS_KEYS}
    output = data.get("output", {})
    parquet = isinstance(output, dict) and output.get("parquet") is True
    if problems:
        raise ConfigError(problems, f"{path} is not a valid corpus configuration",
                          settings=_settings_beside(problems, data), metadata=metadata,
                          parquet=parquet)
    discover, process = document_settings(data)
    return CorpusConfig(
        name=data["name"],
        version=data["version"],
        metadata=metadata,
        discover=discover,
        process=process,
        parquet=parquet,
        compression=output.get("compression", DEFAULT_COMPRESSION),
    )


def _not_seeds(folder: Path) -> str | None:
    """What ``folder``, which holds no corpus.toml, is if it is a Git submodule not checked
    out, a package or a folder of releases (QA: dist/ and a release folder given as seeds
    were told to create a corpus.toml in them), and what to do instead; else None."""
    submodule = unfetched_submodule(folder)  # (QA: told to create a corpus.toml there)
    if submodule is not None:
        return f"it is {submodule}"
    if (folder / "datapackage.json").is_file() or (folder / "bagit.txt").is_file():
        return ("it is a package (a release folder), not seeds: pass the seeds folder it "
                "was built from")
    package = next((above for above in folder.absolute().parents
                    if (above / "datapackage.json").is_file() or (above / "bagit.txt").is_file()),
                   None)
    inner = sorted(child.name for child in _subfolders(folder)
                   if (child / CONFIG_NAME).is_file())
    if inner:  # (QA: the repository's root was told to get a corpus.toml)
        shown = ", ".join(str(folder / name) for name in inner[:3])
        return (f"it holds {'a seeds folder' if len(inner) == 1 else 'seeds folders'}, "
                f"{shown}{', ...' if len(inner) > 3 else ''}: pass "
                f"{'that' if len(inner) == 1 else 'one of them'}")
    if package is not None:  # (QA: data/raw of a release was told to get a corpus.toml)
        return (f"it is inside the package {package} (a release folder, which no one may "
                "change), not seeds: pass the seeds folder it was built from, or copy the "
                "folder out of the package and give it a corpus.toml there")
    try:
        names = os.listdir(folder)
    except OSError:
        return None
    releases = {name.removesuffix(".zip") for name in names
                if (folder / name / "datapackage.json").is_file()
                or (name.endswith(".zip") and named_as_release(name[:-4]))}
    if releases:
        return (f"it is a folder of releases (such as {min(releases)}), not seeds: pass the "
                "seeds folder, and this one as --dist or --out")
    return None


def _subfolders(folder: Path) -> list[Path]:
    """The folders directly in ``folder`` (none where it cannot be listed)."""
    try:
        return [Path(entry.path) for entry in os.scandir(folder)
                if entry.is_dir(follow_symlinks=False)]
    except OSError:
        return []


#: The tables of corpus.toml that are settings, not package metadata.
SETTINGS_KEYS = ("discover", "decode", "normalize", "extract", "output")
#: Those that say which files are documents and how each is processed.
_DOCUMENT_TABLES = ("discover", "decode", "normalize", "extract")
#: The table of what a build writes besides the package's documents (the archive's
#: compression, the Parquet copy of the records).
OUTPUT_TABLE = "output"


class ConfigError(InputError):
    """corpus.toml is not valid. ``settings``: which files are documents and how each is
    processed, when the tables that say so are sound (the problems are elsewhere, in the
    package metadata say), so that the documents can be checked too and every problem of
    the seeds be reported at once; else None."""

    def __init__(self, problems: Sequence[Problem], summary: str = "", *,
                 settings: tuple[DiscoverConfig, ProcessConfig] | None = None,
                 metadata: Mapping[str, Any] | None = None, parquet: bool = False) -> None:
        super().__init__(problems, summary)
        self.settings = settings
        #: The package metadata as given (its problems among ``problems``), and whether
        #: Parquet output is asked for: what the checks of a run need beside the documents.
        self.metadata: Mapping[str, Any] = metadata or {}
        self.parquet = parquet


def _settings_beside(problems: Sequence[Problem], data: dict[str, Any]
                     ) -> tuple[DiscoverConfig, ProcessConfig] | None:
    """The document settings of ``data`` if none of ``problems`` is in their tables."""
    from .schemacheck import load_schema

    metadata_keys = set(load_schema(CONFIG_SCHEMA)["properties"]) - set(SETTINGS_KEYS)

    def in_tables(location: str) -> bool:
        """Whether a problem at ``location`` may be in the document tables: one of them,
        or a table that is none of corpuskit's (``[discovr]``, misspelled). ``[output]``
        and a key of the package metadata are not, nor an unknown key that is no table
        (``colour = "red"``: they stopped the run before the documents, QA)."""
        top = location.split(".")[0].split("[")[0]
        if not top or top in _DOCUMENT_TABLES:
            return True
        if top in metadata_keys or top == OUTPUT_TABLE:
            return False
        return isinstance(data.get(top), dict)

    if any(in_tables(problem.location) for problem in problems):
        return None
    try:
        return document_settings(data)
    except (TypeError, ValueError, AttributeError):  # a shape the problems did not name
        return None


def document_settings(data: dict[str, Any]) -> tuple[DiscoverConfig, ProcessConfig]:
    """Which files are documents and how each is processed, as ``data`` (parsed
    corpus.toml, its document tables sound) says."""
    extract = data.get("extract", {})
    normalize = data.get("normalize", {})
    skip = set(normalize.get("skip", []))
    lossy = set(normalize.get("lossy", []))
    steps = tuple(s for s in FAITHFUL_STEPS if s not in skip) + tuple(
        s for s in LOSSY_STEPS if s in lossy
    )
    discover = data.get("discover", {})
    decode = data.get("decode", {})
    defaults = ExtractConfig()
    return (
        DiscoverConfig(
            exclude=tuple(discover.get("exclude", ())),
            max_file_bytes=discover.get("max_file_bytes", DEFAULT_MAX_FILE_BYTES),
        ),
        ProcessConfig(
            decode=DecodeConfig(
                tuple(decode.get("fallback_encodings", DEFAULT_FALLBACK_ENCODINGS))
            ),
            normalize=NormalizeConfig(steps),
            extract=ExtractConfig(
                title=extract.get("title", defaults.title),
                title_max_chars=extract.get("title_max_chars", defaults.title_max_chars),
                date=extract.get("date", defaults.date),
                rights=extract.get("rights", defaults.rights),
                rights_patterns=tuple(extract.get("rights_patterns", defaults.rights_patterns)),
                language=extract.get("language", defaults.language),
                language_min_chars=extract.get("language_min_chars", defaults.language_min_chars),
                language_min_confidence=float(
                    extract.get("language_min_confidence", defaults.language_min_confidence)
                ),
            ),
        ),
    )


def read_regular(path: Path, limit: int | None = None, *, checking: bool = False) -> bytes:
    """The bytes of the regular file at ``path`` (through links); a pipe, device or socket
    raises at once (``O_NONBLOCK``: opening a pipe no one writes to would wait forever),
    and so does a file of more than ``limit`` bytes (``EFBIG``), unread. ``checking``: its
    access time left as it was (:mod:`corpuskit.accesstimes`)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
    fd = open_for_check(path, flags) if checking else os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a folder, device, socket or pipe)")
        if limit is not None and info.st_size > limit:
            raise OSError(errno.EFBIG, f"larger than {limit} bytes")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            if limit is None:
                data = handle.read()
            else:
                # As many bytes as the file has and one more (a read of ``limit + 1``
                # bytes allocates them first: four times as long for a file of 100 KB
                # and a limit of 256 MB), then, if it grew meanwhile, the rest.
                data = handle.read(min(info.st_size, limit) + 1)
                if len(data) > info.st_size:
                    data += handle.read(limit + 1 - len(data))
        if limit is not None and len(data) > limit:  # grew while read
            raise OSError(errno.EFBIG, f"larger than {limit} bytes")
        return data
    finally:
        os.close(fd)


def link_problem(seeds: Path, name: str) -> Problem | None:
    """The problem of the seeds folder's file ``name`` (corpus.toml, CHANGELOG.md) if it
    is a symbolic link, else None.

    Each must be a regular file of the seeds folder. ``release`` rewrites both, which
    replaced a link with a file and left the file it named behind, stale; a link out of
    the folder made a build depend on a file the repository does not hold (``check`` on
    another machine builds something else), and one to a file in it made that file a
    document too (QA)."""
    path = seeds / name
    try:
        if not path.is_symlink():
            return None
        link = os.readlink(path)
        target = path.resolve()
        exists = target.is_file()
    except (OSError, RuntimeError):  # a loop of links (RuntimeError before Python 3.13)
        return Problem(name, "unreadable-file",
                       "a symbolic link that leads back to itself (a loop of links); "
                       "replace it with the file")
    must = (f"{name} must be a regular file of the seeds folder, which 'corpuskit release' "
            "rewrites")
    if not exists:
        return Problem(name, "unreadable-file",
                       f"a symbolic link to {link!r}, which is no file; {must}: remove the "
                       "link and put the file in its place")
    root = seeds.resolve()
    if root not in target.parents:
        return Problem(name, "unsafe-path",
                       f"a symbolic link to {link!r}, outside the seeds folder; {must}: remove "
                       f"the link, then copy {str(target)!r} to its place")
    # A file of the seeds is a document too: moved, not copied, or it ships as one (QA).
    return Problem(name, "config-error",
                   f"a symbolic link to {link!r}; {must}: remove the link, then move "
                   f"{target.relative_to(root).as_posix()!r} (a document of the seeds too, "
                   "as it is) to its place")


#: tomllib's errors where it stopped at a key: a key/value pair's, a [table]'s, an
#: [[array of tables]]'s or an inline table's key.
_KEY_ERRORS = ("Expected '=' after a key", "Invalid statement",
               "Expected ']' at the end of a table", "Expected ']]' at the end of an array",
               "Invalid initial character for a key part")


def _bare_key_at(text: str, error: str, stop: tuple[int, int] | None
                 ) -> tuple[int, int, str] | None:
    """``(line, column, key)`` of the bare key holding a character outside ASCII where
    tomllib stopped (``error``, at ``stop``) at that character: the ASCII letters,
    digits, '-' and '_' and the characters outside ASCII around it. None for any other
    error, or a stop at an ASCII character."""
    if stop is None or not error.startswith(_KEY_ERRORS):
        return None
    lines = text.replace("\r\n", "\n").split("\n")  # as tomllib reads it: its positions
    if not 0 < stop[0] <= len(lines) or not 0 < stop[1] <= len(lines[stop[0] - 1]):
        return None
    written, at = lines[stop[0] - 1], stop[1] - 1
    if written[at].isascii():
        return None
    begins, ends = at, at + 1
    while begins > 0 and _bare_key_char(written[begins - 1]):
        begins -= 1
    while ends < len(written) and _bare_key_char(written[ends]):
        ends += 1
    return stop[0], begins + 1, written[begins:ends]


def _bare_key_char(char: str) -> bool:
    """Whether ``char`` is part of a key as written: a bare key's ASCII letter, digit, '-'
    or '_', or any character outside ASCII (which a bare key may not hold)."""
    return not char.isascii() or char.isalnum() or char in "-_"


def _inline_again(data: str, error: str, line: str | None) -> tuple[str | None, str]:
    """The line to name and what to say of tomllib's ``error`` "Cannot mutate immutable
    namespace ('sources',)", at ``line`` where it gives one: the key given inline (an
    array or a table written in one value) and again after it (as [[sources]],
    [sources.x] or sources.x = ...), with the two lines where they can be told."""
    found = re.search(r"immutable namespace (\(.*?\))", error)
    try:
        names = tuple(ast.literal_eval(found.group(1))) if found else ()
    except (ValueError, SyntaxError):
        names = ()
    inline: tuple[int, tuple[str, ...], str] | None = None
    later: tuple[int, str] | None = None
    table: tuple[str, ...] = ()
    for number, written in enumerate(data.splitlines(), 1):
        header = _TABLE_HEADER.match(written)
        if header is not None:
            table = _key_parts(header.group(1))
            parts, shown, value = table, written.split("#", 1)[0].strip(), ""
        elif "=" in written and not written.lstrip().startswith("#"):
            key, value = written.split("=", 1)
            parts, shown, value = table + _key_parts(key), key.strip(), value.strip()
        else:
            continue
        if inline is None and parts and parts == names[:len(parts)] and value[:1] in ("[", "{"):
            inline = number, parts, "an inline array" if value[0] == "[" else "an inline table"
        elif inline is not None and parts[:len(inline[1])] == inline[1] and later is None:
            later = number, shown
    if inline is None:
        return line, f"{_given_again(data, line)} given twice: keep one of them"
    key = ".".join(inline[1])
    where = f"line {inline[0]} as {inline[2]}" + (
        f", line {later[0]} as {later[1]}" if later is not None else "")
    return (line or (str(later[0]) if later is not None else str(inline[0])),
            f"{key!r} is given twice ({where}): keep one of them")


def _key_parts(key: str) -> tuple[str, ...]:
    """The names of dotted key ``key`` as written in corpus.toml, without their quotes."""
    return tuple(part.strip().strip("\"'") for part in key.split("."))


def _given_again(data: str, line: str | None) -> str:
    """What line ``line`` of corpus.toml gives that an earlier line gave: its key or its
    table's header, quoted (``'name' is``), or "a key or table is" if it cannot be told."""
    lines = data.splitlines()
    if line is None or not 0 < int(line) <= len(lines):
        return "a key or table is"
    text = lines[int(line) - 1].strip()
    named = text.split("=", 1)[0].strip() if "=" in text and not text.startswith("[") \
        else text.split("#", 1)[0].strip()
    return f"{named!r} is" if named else "a key or table is"


def load_config(seeds: Path) -> CorpusConfig:
    """Read and validate ``seeds/corpus.toml``."""
    _refuse_not_a_folder(seeds)
    raw = _read_config(seeds)
    return parse_config(_toml_of(raw), source=raw.decode("utf-8-sig"))


def _refuse_not_a_folder(seeds: Path) -> None:
    """Raises :class:`InputError` where ``seeds`` is a file, an archive or a special file
    rather than a folder, a folder that cannot be read, or one whose corpus.toml is a link
    that leads out or nowhere; returns None otherwise."""
    if os.path.exists(seeds) and not os.path.isdir(seeds):
        # The path given is the problem ("."), not a corpus.toml below a file (QA: GitHub's
        # annotation pointed at "notafolder.txt/corpus.toml").
        other = other_archive(seeds)
        unpack = ("" if other is None or other.unpack is None else
                  f" ({other.what}: unpack it with '{other.unpack} {shell_word(str(seeds))}' "
                  "first)")
        kind = "a file" if os.path.isfile(seeds) else "a special file (a pipe, socket or device)"
        zipped = seeds_in_zip(seeds) if kind == "a file" and other is None else None
        # An archive (of seeds, or of another format) is named as validate names it (QA:
        # build said config-error where the README and validate say not-a-package)
        code = "not-a-package" if other is not None or zipped is not None else "config-error"
        raise InputError(
            [Problem(".", code,
                     seeds_zip_advice(seeds, zipped) if zipped is not None else
                     f"{kind}, not a seeds folder; pass the folder that holds {CONFIG_NAME} "
                     f"and the texts{unpack}")],
            f"{shown_name(seeds)} is not a seeds folder",
        )
    denied = unreadable_given(seeds)
    if denied is not None:  # its permissions: not "no corpus.toml", nor a loop of links
        raise InputError([Problem(".", denied.code, denied.message)],
                         f"{shown_name(seeds)} cannot be read")
    linked = link_problem(seeds, CONFIG_NAME)
    if linked is not None:
        raise InputError([linked])


def _read_config(seeds: Path) -> bytes:
    """The bytes of ``seeds/corpus.toml``. Raises :class:`InputError` where there is none,
    it cannot be read or it is a Git LFS pointer, and :class:`ConfigError` where it is
    UTF-16 or UTF-32 text."""
    path = seeds / CONFIG_NAME
    try:
        raw = read_regular(path)
    except FileNotFoundError:
        raise InputError(
            [Problem(CONFIG_NAME, "config-error",
                     f"no {CONFIG_NAME} in {shown_name(seeds)}; " + (_not_seeds(Path(seeds)) or
                     "create one with name, title, version, description, licenses and "
                     "sources"))],
            f"{shown_name(seeds)} is not a seeds folder",
        ) from None
    except OSError as exc:
        advice = permission_advice(exc) or f"; {CONFIG_NAME} must be a readable text file"
        raise InputError(
            [Problem(CONFIG_NAME, "unreadable-file", f"cannot be read: {exc.strerror or exc}"
                     + advice)]
        ) from None
    if is_lfs_pointer_data(raw):  # a checkout without Git LFS: no TOML to correct (QA)
        pointers = pointers_in(Path(seeds))  # the documents', for all to be said at once
        raise InputError([Problem(path, "lfs-pointer", LFS_FILE_ADVICE) for path in (
                              pointers if CONFIG_NAME in pointers else [CONFIG_NAME, *pointers])],
                         f"{shown_name(seeds)} is kept in Git LFS, which this checkout did "
                         "not fetch")
    wide = other_unicode(CONFIG_NAME, "config-error", raw)
    if wide is not None:  # NULs are valid UTF-8: else a TOML syntax error (QA s83 review2)
        raise _unreadable_config(wide)
    return raw


def _toml_of(raw: bytes) -> dict[str, Any]:
    """The TOML tables of corpus.toml's bytes ``raw``. Raises :class:`ConfigError` where
    they are not UTF-8, nested too deeply or not valid TOML."""
    try:
        # A byte order mark (Windows editors write one) is no part of TOML: skipped.
        return tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise _unreadable_config(not_utf8(CONFIG_NAME, "config-error", raw, exc)) from None
    except RecursionError:  # tomllib reads nested arrays and tables recursively
        raise _unreadable_config(
            Problem(CONFIG_NAME, "config-error",
                    "arrays or tables nested too deeply to read; corpus.toml needs no "
                    "nesting deeper than a few levels")
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise _unreadable_config(_syntax_problem(raw.decode("utf-8-sig"), exc)) from None


def _syntax_problem(text: str, exc: tomllib.TOMLDecodeError) -> Problem:
    """The problem of corpus.toml's ``text``, which tomllib refused with ``exc``: the
    line to correct and what to correct there."""
    # tomllib puts the position only in its message ("... (at line 3, column 7)").
    found = re.search(r"at line (\d+)", str(exc))
    line, reason, advice = _syntax_advice(text, str(exc), found.group(1) if found else None)
    if "Cannot overwrite" in str(exc) or "Cannot declare" in str(exc):
        # A key or table given twice (QA: told of quotes and brackets, not of that).
        again = _given_again(text, line)
        advice = f"{again} given twice: keep one of them"
    elif "Cannot mutate immutable namespace" in str(exc):
        # An inline array or table given more to after it (QA s77: [[sources]] after
        # sources = [...] was told of unclosed quotes): the key, given twice.
        line, advice = _inline_again(text, str(exc), line)
    return Problem(CONFIG_NAME, "config-error", f"not valid TOML: {reason}; {advice}",
                   f"line {line}" if line else "")


def _syntax_advice(text: str, reason: str, line: str | None
                   ) -> tuple[str | None, str, str]:
    """The line to name, the reason to give and the advice for tomllib's ``reason`` that
    stops at ``line`` of ``text``: where what it could not read begins (a key outside
    ASCII without quotes, a character or word inside a value, a string or value left
    open), or its own line and reason with advice on TOML's syntax."""
    advice = ("correct the line (an unclosed quote or bracket, a value without quotes, a "
              "key without '=': https://toml.io shows the syntax)")
    opened = _unclosed_from(text, int(line) if line else None)
    found_stop = re.search(r"at line (\d+), column (\d+)\)", reason)
    stop = (int(found_stop.group(1)), int(found_stop.group(2))) if found_stop else None
    string = None if opened is None else _string_open_at(text, opened, stop)
    inside = _inside_text(text, reason, stop) or _inside_value(
        text, reason, stop, opened or (stop[0] if stop else 0))
    bare = _bare_key_at(text, reason, stop)
    if bare is not None:
        # A key outside ASCII written without quotes (QA s77: 'keyw\u043erds' was told
        # "Expected '='" on a line that has one, and of quotes and brackets).
        line = str(bare[0])
        reason, advice = bare_key_outside_ascii(
            bare[2], f"on line {line}, column {bare[1]}", CONFIG_SCHEMA)
    elif inside is not None:
        # An escape or control character in a string or comment, a word without
        # quotes, a missing comma, an inline table spanning lines: its own line and
        # column, not the first line of a value spanning lines that holds it (QA).
        # tomllib's position, past an escape (the next line's, past a "\" ending one),
        # is left out: the one named is where to correct it.
        reason = reason[:found_stop.start()].rstrip(" (") if found_stop else reason
        key = _key_on(text, opened or inside[0])
        line, advice = str(inside[0]), (
            f"{inside[2]} on line {inside[0]}, column {inside[1]}"
            + (f" (in {key})" if key else "") + f" {inside[3]}")
    elif string is not None and string[0] != opened:
        # A string left open in a value spanning lines (an array): its line (QA).
        line, advice = str(string[0]), (
            f"the string that begins on line {string[0]} is not closed: end it with "
            + (f"{string[1]} on that line" if len(string[1]) == 1 else string[1]))
    elif opened is not None:
        # Where tomllib stopped is past the value it could not close (the end of the
        # file, or the next key): the line that opens it is named (QA).
        line, advice = str(opened), (
            f"the value that begins on line {opened} is not closed: close its quote, "
            "triple quote or bracket")
    return line, reason, advice


def _unreadable_config(problem: Problem) -> ConfigError:
    """The error of a corpus.toml that cannot be read as TOML (``problem``: not UTF-8,
    not valid TOML, nested too deeply): a :class:`ConfigError`, as every problem of the
    configuration is, so that each command sums it up as it sums up a misspelled key
    ("1 problem in seeds; nothing was written"), not as "1 problem found" (QA s83
    newuser 3a). No settings: which files are documents cannot be told."""
    return ConfigError([problem], f"{CONFIG_NAME} is not a valid corpus configuration")
