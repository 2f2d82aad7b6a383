"""Typed problems: what is wrong with an input or a package, where, and what to do.

A problem is data, not an exception. Stages that find bad input collect problems into a
list; callers decide whether to raise (``build``) or report (``validate``). Codes are
stable slugs that scripts may match on.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from .visible import BLANK_GLYPH, BLANK_GLYPHS

#: The environment variables a run reads: a problem of one (a ``config-error``) names it as
#: its path, which is no file (reports show it as it is, not joined to the folder checked).
ENVIRONMENT_VARIABLES = frozenset({"SOURCE_DATE_EPOCH"})


def about_environment(problem: Problem) -> bool:
    """Whether ``problem`` is about an environment variable, not a file: a seeds file may
    be named SOURCE_DATE_EPOCH too, but its problems are never ``config-error``."""
    return problem.code == "config-error" and problem.path in ENVIRONMENT_VARIABLES

# The catalogue of stable codes. Adding a code is fine; renaming one breaks users.
CODES: dict[str, str] = {
    "config-error": "corpus.toml is missing, unreadable or does not match its schema",
    "empty-document": "the file is empty or holds only whitespace",
    "binary-file": "the file holds binary data, not text",
    "undecodable": "the file is not valid in any supported encoding",
    "unsafe-path": "the path leaves its folder, is a special file or cannot be packaged",
    "duplicate-id": "two input files map to the same document id",
    "name-collision": "two names differ only in case, Unicode normalization or characters "
                      "nothing shows",
    "unreadable-file": "the file cannot be read",
    "too-large": "the file is larger than the configured limit",
    "schema-error": "a JSON document does not match its JSON Schema",
    "checksum-mismatch": "a file's sha256 differs from the recorded one",
    "size-mismatch": "a file's size differs from the recorded one",
    "missing-file": "a file named in a manifest or descriptor is absent",
    "unlisted-file": "a file is present but not named in any manifest",
    "bagit-error": "a BagIt declaration, bag-info or manifest line is malformed",
    "record-mismatch": "a record disagrees with its own text or raw input, or with its row "
                       "in data/documents.parquet",
    "order-error": "records are not sorted by id",
    "archive-error": "an archive is corrupt, truncated, hostile or too large",
    "not-a-package": "the path is neither a seeds folder, a package folder nor an archive",
    "metadata-mismatch": "two metadata files, or metadata and data, disagree (counts, "
                         "names, versions, the columns of data/documents.parquet)",
    "unexpected-file": "a file lies outside the layout corpuskit writes (an extra tag file, "
                       "or a file in data/ no resource declares)",
    "unreferenced-file": "a raw file in data/raw/ is not the source of any record",
    "archive-metadata": "an archive's headers differ from the reproducible form corpuskit "
                        "writes (order, time stamps, permissions, header fields)",
    "archive-seal-mismatch": "an archive's seal (its zip comment: the sha256 of every byte "
                             "before it) is missing, malformed or differs from its bytes",
    "stale-release": "dist/ does not hold what a fresh build of seeds/ makes",
    "lfs-pointer": "a Git LFS pointer stands in place of a file: the checkout did not fetch "
                   "it (git lfs pull)",
    "git-symlink": "a symbolic link that Git checked out as a file holding its target's "
                   "path (core.symlinks=false)",
    "unlisted-release": "a release in dist/ that the seeds' CHANGELOG.md does not list, "
                        "and that is not of their history",
    "untracked-file": "a file or folder of the seeds or the releases that Git does not track: "
                      "commits leave it out (said when pre-commit runs check)",
    "internal-error": "corpuskit failed on this input; this is a bug, please report it",
}


#: The byte order marks of the Unicode encodings other than UTF-8, as
#: ``(mark, encoding, byte order)``: UTF-32's first, as FF FE 00 00 begins with FF FE.
OTHER_UNICODE_MARKS = (
    (codecs.BOM_UTF32_LE, "UTF-32", "little-endian"),
    (codecs.BOM_UTF32_BE, "UTF-32", "big-endian"),
    (codecs.BOM_UTF16_LE, "UTF-16", "little-endian"),
    (codecs.BOM_UTF16_BE, "UTF-16", "big-endian"),
)


#: The encodings a text saved without a byte order mark is told apart in by its NUL bytes
#: (UTF-32 first: its ASCII is UTF-16's with NUL characters between).
_UNMARKED_WIDE = (("utf-32-le", "UTF-32", "little-endian"),
                  ("utf-32-be", "UTF-32", "big-endian"),
                  ("utf-16-le", "UTF-16", "little-endian"),
                  ("utf-16-be", "UTF-16", "big-endian"))
#: How much of a text :func:`other_unicode` looks at.
_SAMPLE_BYTES = 4096


def other_unicode(path: str, code: str, data: bytes) -> Problem | None:
    """The problem of a text file of the seeds saved as UTF-16 or UTF-32, if ``data`` is:
    begun with that encoding's byte order mark, or without one, NUL bytes between its
    characters, which read as that encoding, give a text mostly of ASCII without NUL (a
    corpus.toml saved as UTF-32 without a mark was valid UTF-8, and told a TOML syntax
    error: QA s83 review2). None for any other ``data``."""
    for mark, encoding, order in OTHER_UNICODE_MARKS:
        if data.startswith(mark):
            return Problem(path, code, f"saved as {encoding} ({order}, with the byte order "
                                       f"mark {mark.hex(' ').upper()}), not UTF-8; save it "
                                       "as UTF-8", "line 1")
    sample = data[:_SAMPLE_BYTES]
    if b"\0" not in sample:
        return None
    for codec, encoding, order in _UNMARKED_WIDE:
        whole = len(sample) - len(sample) % (4 if encoding == "UTF-32" else 2)
        try:
            text = sample[:whole].decode(codec)
        except UnicodeDecodeError:
            continue
        if text and "\0" not in text and 2 * sum(map(str.isascii, text)) >= len(text):
            return Problem(path, code, f"looks saved as {encoding} ({order}) without a byte "
                                       "order mark (NUL bytes between its characters), not "
                                       "UTF-8; save it as UTF-8", "line 1")
    return None


def not_utf8(path: str, code: str, data: bytes, error: UnicodeDecodeError) -> Problem:
    """The problem of a text file of the seeds (``corpus.toml``, ``CHANGELOG.md``) whose
    ``data`` is not UTF-8: the byte, and its line (QA: CHANGELOG.md's named only the byte's
    offset, where corpus.toml's named its line); or, where ``data`` begins with UTF-16's
    or UTF-32's byte order mark, that encoding (QA s83 newuser 3b: a corpus.toml saved as
    UTF-16 was told only "not UTF-8 (byte 0, b'\\xff')"), or that it looks saved as one
    without the mark (:func:`other_unicode`)."""
    wide = other_unicode(path, code, data)
    if wide is not None:
        return wide
    line = data.count(b"\n", 0, error.start) + 1
    return Problem(path, code, f"not UTF-8 (byte {error.start}, "
                               f"{data[error.start:error.start + 1]!r}); save it as UTF-8",
                   f"line {line}")


def printable(text: str) -> str:
    """``text`` as it can be shown and written as UTF-8: the bytes of a file name that is
    not UTF-8 (lone surrogates, as ``os.fsdecode`` gives them) become ``\\xNN`` escapes.

    ``"caf\\udce9.txt"`` (the Latin-1 name ``caf\\xe9.txt``) is shown as ``caf\\xe9.txt``;
    any other text is returned as it is.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            raw = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # a surrogate no file name decodes to
            return text.encode("utf-8", "backslashreplace").decode("utf-8")
        return raw.decode("utf-8", "backslashreplace")
    return text


def printable_data(data: Any) -> Any:
    """A JSON value with every string, keys included, :func:`printable`: what ``--json``
    prints, and what a report's ``as_dict()`` gives, so that the two are one and can be
    written as UTF-8 (QA: a target named in Latin-1 kept its lone surrogate in the
    library's report)."""
    if isinstance(data, str):
        return printable(data)
    if isinstance(data, dict):
        return {printable_data(key): printable_data(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [printable_data(item) for item in data]
    return data


def one_line(text: str) -> str:
    """``text`` with the characters that would break or disguise a line of output (LF,
    ESC and other controls, line separators, ...) as Python escapes: a file named
    ``new<LF>line.txt`` is shown as ``new\\nline.txt``, one problem on one line; the bytes
    of a name that is not UTF-8 as ``\\xNN`` (:func:`printable`). Characters nothing shows
    (Unicode's default-ignorable ones, some of them printable: a combining grapheme joiner,
    a variation selector) are escaped too, so that two names that differ by one are told
    apart, and so are the blank glyphs (U+2800 BRAILLE PATTERN BLANK: printable, it shows
    as a space, which U+00A0, not printable, is not shown as)."""
    if text.isprintable() and (text.isascii() or not (invisible().search(text)
                                                      or BLANK_GLYPH.search(text))):
        return text
    text = printable(text)
    return "".join(char if char.isprintable() and not invisible().match(char)
                   and char not in BLANK_GLYPHS
                   else char.encode("unicode_escape").decode("ascii") for char in text)


#: What :func:`escaped_controls` escapes: C0 controls but TAB, DEL, C1 controls, the line
#: and paragraph separators, and the bidirectional controls that show the rest of a line
#: in another order than it is written.
_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def escaped_controls(text: str) -> str:
    """``text`` with its control characters (those of :data:`_CONTROLS`: LF and CR among
    them) as Python escapes (``\\x1b``), every other character as it is: a record's
    title or a line of its text, shown on a terminal or written into a line of Markdown,
    which an ESC sequence would clear or retitle, a form feed or CR break (QA). Unlike
    :func:`one_line`, a no-break space or a zero-width joiner stays as the text has it."""
    return _CONTROLS.sub(lambda found: found.group().encode("unicode_escape")
                         .decode("ascii"), text)


@lru_cache(maxsize=1)
def invisible() -> Any:
    """Runs of Unicode's Default_Ignorable_Code_Point characters, which nothing shows (the
    ``regex`` module knows the property)."""
    import regex

    return regex.compile(r"\p{Default_Ignorable_Code_Point}+")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file.

    ``path`` is relative to the checked target (POSIX form); ``location`` is a line number
    (``"line 3"``), a JSON pointer (``"/resources/0/hash"``), a key (``"version"``) or empty.
    A name that is not UTF-8 is held in its :func:`printable` form.
    """

    path: str
    code: str
    message: str
    location: str = ""

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unknown problem code {self.code!r}")
        # A problem is shown and written as UTF-8 (text, JSON, annotations): a name that
        # is not UTF-8 is kept as escapes, never as text no UTF-8 output can hold.
        for name in ("path", "message", "location"):
            value = getattr(self, name)
            shown = printable(value)
            if shown is not value:
                object.__setattr__(self, name, shown)

    def render(self) -> str:
        """One line: ``path:location: message [code]``; the path as messages show one
        (:func:`~corpuskit.wording.shown_name`: a blank one in quotes, QA s87)."""
        from .wording import shown_name

        path, location = shown_name(self.path), one_line(self.location)
        where = f"{path}:{location}" if location else path
        return f"{where}: {one_line(self.message)} [{self.code}]"

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "path": self.path,
            "location": self.location,
            "message": self.message,
        }


#: A location that names a line of a text file (``line 9``, ``line 5 and on have no row``)
#: or a row of data/documents.parquet (``row 12``): ordered by its number.
_NUMBERED = re.compile(r"(?:line|row) (\d+)")


def problem_order(problem: Problem) -> tuple[str, int, str, str, str]:
    """The key problems are shown in: by path, then by the number of a line or row (line 9
    before line 10, which the dataclass order, comparing text, puts after it), then by
    location (one with no line or row, such as the whole file or a JSON pointer, before
    line 1; the numbers in it by value: ``keywords[2]`` before ``keywords[10]``), code and
    message. Distinct problems never compare equal: the order is total,
    so the output is the same from run to run."""
    match = _NUMBERED.match(problem.location)
    return (problem.path, int(match.group(1)) if match else 0,
            _DIGITS.sub(_padded, problem.location), problem.code, problem.message)


#: A run of digits in a location: an index (``keywords[10]``, ``/resources/10``) is put in
#: the order of its number, not of its text (QA: [0], [10], [11], [1], [2]...).
_DIGITS = re.compile(r"\d+")


def _padded(found: re.Match[str]) -> str:
    return found.group().zfill(20)


def ordered(problems: Iterable[Problem]) -> list[Problem]:
    """``problems`` in :func:`problem_order` (duplicates kept)."""
    return sorted(problems, key=problem_order)


def named_under(root: str | os.PathLike[str], problem: Problem) -> bool:
    """Whether ``problem`` is named under the folder or archive ``root`` as :func:`under`
    names it (its name in :func:`printable` form): ``root`` itself, ``root/...`` or
    ``root:...``."""
    shown = printable(os.fspath(root))
    return problem.path == shown or problem.path.startswith((f"{shown}/", f"{shown}:"))


def under(root: str, problems: Iterable[Problem], *, archive: bool = False) -> list[Problem]:
    """``problems`` of the package or folder at ``root``, each path put under it (``.`` is
    ``root`` itself) as ``validate`` names it: ``root/README.md``, or for an ``archive``
    ``root:README.md``; a path naming ``root`` itself is kept. Every other path is joined,
    even one that starts as a joined one would (seeds/seeds/a.txt is a file of the folder
    seeds/seeds)."""
    joint = ":" if archive else "/"
    return [problem if problem.path == root
            else replace(problem, path=root if problem.path in ("", ".")
                         else f"{root}{joint}{problem.path}")
            for problem in problems]


def of_target(root: str | os.PathLike[str], problems: Iterable[Problem]) -> list[Problem]:
    """``problems`` of the package or folder at ``root`` (as given) as a ``--json``
    document names them, relative to it: a problem of ``root`` itself, which the library
    names by its path as given (a truncated zip, a folder of another tool's), is ``.``,
    as ``validate`` and ``diff`` write it; the others are relative already. (QA: info and
    export wrote ``r1/trunc.zip`` where validate wrote ``.``: the JSON depended on the
    folder the command ran from.)"""
    itself = {printable(os.fspath(root)), printable(str(Path(root))), ""}
    return [replace(problem, path=".") if problem.path in itself else problem
            for problem in problems]


#: Problems of one code that a check keeps (:class:`ProblemList`); the others are counted.
KEPT_OF_A_CODE = 20_000


class ProblemList(list[Problem]):
    """The problems a check finds, at most :data:`KEPT_OF_A_CODE` of each code kept, the
    others counted (``dropped``), so that its memory stays bounded on any input: an archive
    of a million empty entries added by hand made three problems of each (not listed, not
    referenced, headers not corpuskit's), and validate 1.67 GB (QA). :meth:`summaries` says
    what was not kept. Another ProblemList added to one brings its counts along."""

    def __init__(self, problems: Iterable[Problem] = ()) -> None:
        super().__init__()
        self.dropped: dict[str, int] = {}
        self._kept: dict[str, int] = {}
        self.extend(problems)

    def append(self, problem: Problem) -> None:
        kept = self._kept.get(problem.code, 0)
        if kept < KEPT_OF_A_CODE:
            self._kept[problem.code] = kept + 1
            super().append(problem)
        else:
            self.dropped[problem.code] = self.dropped.get(problem.code, 0) + 1

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.append(problem)
        if isinstance(problems, ProblemList):
            for code, count in problems.dropped.items():
                self.dropped[code] = self.dropped.get(code, 0) + count

    def __iadd__(self, problems: Iterable[Problem]) -> ProblemList:  # type: ignore[override,misc]
        self.extend(problems)
        return self

    @property
    def found(self) -> int:
        """The problems appended: those kept and those only counted."""
        return len(self) + sum(self.dropped.values())

    def __reduce__(self) -> tuple[Any, ...]:  # to a worker's parent: its counts too
        return (_problem_list, (list(self), dict(self.dropped)))

    def summaries(self) -> list[Problem]:
        """A problem for each code of which some were not kept, saying how many."""
        return [Problem(".", code, f"{count:,} more problems of this kind, not listed: a "
                                   f"check lists the first {KEPT_OF_A_CODE:,} of each kind, so "
                                   "that its memory stays bounded")
                for code, count in sorted(self.dropped.items())]


def _problem_list(problems: list[Problem], dropped: dict[str, int]) -> ProblemList:
    """A :class:`ProblemList` unpickled: its problems and what it had not kept."""
    made = ProblemList(problems)
    made.dropped.update(dropped)
    return made
