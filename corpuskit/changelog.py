"""A changelog's sections: the versions its headings name, and what a build refuses in it.

``CHANGELOG.md`` of a seeds folder ships in every release as Markdown text. Its sections
are headed by the versions they describe, newest first, under a ``## [Unreleased]``
section if there is one (Keep a Changelog). The text is read as CommonMark reads it (by
markdown-it-py, as GitHub renders it): a section heading is a level 1 or 2 heading of the
document itself, ATX (``## 1.2.0``, indented by up to three spaces, ``## 1.2.0 ##``) or
setext (``1.2.0`` underlined with ``===`` or ``---``); a heading in a code block (fenced or
indented), an HTML block or comment, a block quote or a list item heads no section, nor
does a deeper one (``### 2.0 migration notes`` under an entry). It names a version when
its first word is one, after an optional ``Version``, in the brackets of a link or not:
``## 1.2.0 (2024-01-01)`` (as corpuskit writes it), ``## Version 1.2.0``,
``## [1.2.0] - 2024-01-01`` (Keep a Changelog), ``## [1.2.0](https://...) (2024-01-01)``,
and spelled as people write them too: ``v1.2.0``, ``1.2.0+build.5``, ``1.2``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple

from .config import CHANGELOG_NAME
from .problems import Problem
from .semver import Version

#: Characters a Markdown text holds none of: C0 controls but TAB, LF, FF and CR, DEL, and
#: the C1 controls (U+0085 NEL, U+009B CSI: a terminal's escapes too).
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")

#: The first word of a section heading's text, without an optional ``Version`` before it
#: or the brackets of a link around it (``[1.2.0]``, ``[1.2.0](url)``, ``[1.2.0][ref]``).
_WORD = re.compile(r"(?:(?i:version)[ \t]+)?"
                   r"(?:\[([^\s\[\]]+)\](?:\([^()\s]*\)|\[[^\[\]]*\])?|([^\s\[\]]+))(?=\s|$)")
#: A line end as CommonMark has them (LF, CR LF, CR): a form feed or U+2028 ends no line.
_LINE_END = re.compile(r"\r\n?|\n")


class Entry(NamedTuple):
    """A section heading of a changelog that names a version."""

    word: str  # the version as the heading spells it: "1.2.0", "v1.2.0", "1.2"
    version: Version
    line: int  # the heading's first line, from 1


class _Heading(NamedTuple):
    word: str  # its first word ("" for an empty heading), a version or not
    start: int  # its first line, from 0, in the lines of :func:`markdown_lines`


def markdown_lines(text: str) -> list[str]:
    """``text``'s lines with their ends, split where CommonMark ends a line (LF, CR LF,
    CR), the lines :func:`newest_entry` counts: ``str.splitlines`` also splits at a form
    feed or U+2028, which end no line of a Markdown text."""
    lines, start = [], 0
    for end in _LINE_END.finditer(text):
        lines.append(text[start:end.end()])
        start = end.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


def load_parser() -> None:
    """Import the Markdown parser a changelog's sections are read with (markdown-it, about
    25 ms), for a caller with a core to spare before it reads one: ``validate`` while its
    workers check the records, whose metadata checks end with the changelog's."""
    import markdown_it  # noqa: F401


@lru_cache(maxsize=8)
def _sections(changelog: str) -> tuple[_Heading, ...]:
    """The section headings of ``changelog`` (see the module docstring), in order."""
    from markdown_it import MarkdownIt  # imported by what reads a changelog's sections

    # Only the block structure is needed: a heading's text is kept as written (its
    # brackets and link destination too), never parsed into inline tokens.
    tokens = MarkdownIt("commonmark").disable("inline").parse(changelog)
    found = []
    for heading, inline in pairwise(tokens):
        if (heading.type == "heading_open" and heading.level == 0
                and heading.tag in ("h1", "h2") and heading.map is not None):
            match = _WORD.match(inline.content)
            word = (match.group(1) or match.group(2)) if match is not None else ""
            found.append(_Heading(word, heading.map[0]))
    return tuple(found)


def _entries(changelog: str | None) -> list[Entry]:
    """The section headings of ``changelog`` that name a version, in order."""
    found = []
    for heading in _sections(changelog or ""):
        version = _heading_version(heading.word)
        if version is not None:
            found.append(Entry(heading.word, version, heading.start + 1))
    return found


def entries(changelog: str | None) -> list[Entry]:
    """The section headings of ``changelog`` that name a version, in order (a heading that
    names none, such as ``## [Unreleased]``, is none of them)."""
    return _entries(changelog)


def entries_after(changelog: str | None, latest: Version) -> list[Entry]:
    """The entries of ``changelog`` for versions after ``latest`` (a heading that is no
    version, such as ``## [Unreleased]``, is none of them)."""
    return [entry for entry in _entries(changelog) if entry.version > latest]


def _heading_version(word: str) -> Version | None:
    """The version a heading's first word names, spelled as people write them too:
    ``v1.2.0``, ``1.2.0+build.5`` (build metadata: the same version), ``1.2`` (1.2.0); None
    for one that names none (``Unreleased``)."""
    text = word[1:] if word[:1] in ("v", "V") else word
    text = text.split("+", 1)[0]
    if re.fullmatch(r"\d+\.\d+", text):
        text += ".0"
    try:
        return Version.parse(text)
    except ValueError:
        return None


def entry_line(changelog: str | None, version: str) -> int | None:
    """The line (from 1) of ``changelog``'s section headed ``version`` as corpuskit writes
    it (``## 1.2.0``, ``## [1.2.0]``, ``1.2.0`` underlined), whatever the spacing
    (``##  1.2.0``), level (``# 1.2.0``) or a ``Version`` before it; None if it has none.
    Other spellings of it (``v1.2.0``, ``1.2``) are :func:`entries_after`'s."""
    return next((entry.line for entry in _entries(changelog) if entry.word == version), None)


def has_entry(changelog: str | None, version: str) -> bool:
    """Whether ``changelog`` has a section headed ``version`` (see :func:`entry_line`)."""
    return entry_line(changelog, version) is not None


def newest_entry(changelog: str) -> tuple[int, int] | None:
    """The lines of ``changelog``'s newest entry, as indexes (from 0) into its
    :func:`markdown_lines`: from its heading to the next section heading (or the end);
    None if no section heading names a version."""
    sections = _sections(changelog)
    for index, heading in enumerate(sections):
        if _heading_version(heading.word) is not None:
            end = (sections[index + 1].start if index + 1 < len(sections)
                   else len(markdown_lines(changelog)))
            return heading.start, end
    return None


def entry_text(changelog: str | None, version: str) -> str | None:
    """The section of ``changelog`` headed ``version`` (see :func:`entry_line`), from its
    heading to the next section heading, with its line ends as written; None if it has
    none."""
    if changelog is None:
        return None
    sections = _sections(changelog)
    for index, heading in enumerate(sections):
        if heading.word == version:
            lines = markdown_lines(changelog)
            end = sections[index + 1].start if index + 1 < len(sections) else len(lines)
            return "".join(lines[heading.start:end])
    return None


def text_problems(text: str) -> list[Problem]:
    """What is wrong with the text of a seeds folder's changelog, which ships as Markdown:
    a control character (QA: a changelog of NUL bytes shipped in a release)."""
    control = _CONTROL.search(text)
    if control is None:
        return []
    line = len(_LINE_END.findall(text, 0, control.start())) + 1
    return [Problem(CHANGELOG_NAME, "binary-file",
                    f"holds U+{ord(control.group()):04X}, a control character, not Markdown "
                    "text; remove it", f"line {line}")]


def ahead_problems(text: str, version: str, latest: Version | None) -> list[Problem]:
    """A changelog's sections for versions after both ``version``, the one being built,
    and ``latest``, the latest release in the output folder: never released, they would
    ship in the release as if they were (QA: a build shipped a changelog whose only entry
    was a 2.0.0 never made). 'corpuskit release' refuses them likewise. An entry of a
    later release is no such section: a fix of an older line (0.9.1 after 1.0.0) keeps
    the history of both."""
    try:
        built = Version.parse(version)
    except ValueError:
        return []  # corpus.toml's problem
    floor = max(built, latest) if latest is not None else built
    ahead = entries_after(text, floor)
    after = f"the version built ({version})" + (
        f" and the latest release ({latest})" if latest is not None and latest > built else "")
    # One problem per entry, at its own line (QA: only the first one's line was named).
    # Setting its version in corpus.toml is advice for the newest of them only: another
    # entry would still be after any older one.
    newest = max((entry.version for entry in ahead), default=None)
    return [Problem(CHANGELOG_NAME, "config-error",
                    f"has an entry for {entry.word}, after {after}, never released: the "
                    "release would ship it as released; remove it"
                    + (", or set that version in corpus.toml" if entry.version == newest
                       else "")
                    + " ('corpuskit release' writes a release's entry)",
                    f"line {entry.line}")
            for entry in ahead]


def versions_in(changelog: str | None) -> list[str]:
    """The versions ``changelog``'s section headings name, in order, each once (a heading
    in a code block names none: QA, ``info`` listed a version quoted in an example)."""
    return list(dict.fromkeys(str(entry.version) for entry in _entries(changelog)))
