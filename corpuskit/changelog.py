"""A changelog's sections: the versions its headings name, and what a build refuses in it.

``CHANGELOG.md`` of a seeds folder ships in every release as Markdown text. Its sections
are headed by the versions they describe (``## 1.2.0``, ``## [1.2.0]``), newest first,
under a ``## [Unreleased]`` section if there is one (Keep a Changelog).
"""

from __future__ import annotations

import re

from .config import CHANGELOG_NAME
from .problems import Problem
from .semver import Version

#: Characters a Markdown text holds none of: C0 controls but TAB, LF, FF and CR, DEL, and
#: the C1 controls (U+0085 NEL, U+009B CSI: a terminal's escapes too).
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


#: A heading of a changelog's sections (``#`` or ``##``, one or more spaces or tabs after
#: them) and its first word, without the brackets of ``[1.2.0]``: ``##  1.2.0`` and
#: ``# 1.2.0`` name a version as ``## 1.2.0`` does. A deeper heading is a part of a
#: section (``### 2.0 migration notes`` under an entry names no entry).
_HEADING = re.compile(r"#{1,2}[ \t]+\[?([^\s\]]+)\]?(?:\s|$)")
#: A line opening or closing a fenced code block, whose lines are no headings.
_FENCE = re.compile(r" {0,3}(```|~~~)")


def _headings(changelog: str | None) -> list[str]:
    """The first word of each section heading of ``changelog``, outside code blocks."""
    lines = (changelog or "").splitlines()
    return [match.group(1) for line, outside in zip(lines, outside_code_blocks(lines),
                                                    strict=True)
            if outside and (match := _HEADING.match(line)) is not None]


def _heading_versions(changelog: str | None) -> list[tuple[str, Version]]:
    """Each heading of ``changelog`` that names a version, and that version."""
    found = []
    for heading in _headings(changelog):
        version = _heading_version(heading)
        if version is not None:
            found.append((heading, version))
    return found


def entries_after(changelog: str | None, latest: Version) -> list[str]:
    """The versions of ``changelog``'s sections after ``latest`` (a heading that is no
    version, such as ``## [Unreleased]``, is none of them)."""
    return [heading for heading, version in _heading_versions(changelog) if version > latest]


def _heading_version(heading: str) -> Version | None:
    """The version a changelog heading names, spelled as people write them too: ``v1.2.0``,
    ``1.2.0+build.5`` (build metadata: the same version), ``1.2`` (1.2.0); None for one
    that names none (``Unreleased``)."""
    text = heading[1:] if heading[:1] in "vV" else heading
    text = text.split("+", 1)[0]
    if re.fullmatch(r"\d+\.\d+", text):
        text += ".0"
    try:
        return Version.parse(text)
    except ValueError:
        return None


def has_entry(changelog: str | None, version: str) -> bool:
    """True if ``changelog`` already has a section headed ``version`` as corpuskit writes
    it (``## 1.2.0``, ``## [1.2.0]``), whatever the spacing (``##  1.2.0``) or level
    (``# 1.2.0``). Other spellings of it (``v1.2.0``, ``1.2``) are :func:`entries_after`'s."""
    return version in _headings(changelog)


def text_problems(text: str) -> list[Problem]:
    """What is wrong with the text of a seeds folder's changelog, which ships as Markdown:
    a control character (QA: a changelog of NUL bytes shipped in a release)."""
    control = _CONTROL.search(text)
    if control is None:
        return []
    line = text.count("\n", 0, control.start()) + 1
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
    if not ahead:
        return []
    which = "an entry" if len(ahead) == 1 else "entries"
    after = f"the version built ({version})" + (
        f" and the latest release ({latest})" if latest is not None and latest > built else "")
    return [Problem(CHANGELOG_NAME, "config-error",
                    f"has {which} for {', '.join(ahead)}, after {after}, never released: "
                    f"the release would ship {'it' if len(ahead) == 1 else 'them'} as "
                    f"released; remove {'it' if len(ahead) == 1 else 'them'}, or set that "
                    "version in corpus.toml ('corpuskit release' writes a release's entry)")]


def versions_in(changelog: str | None) -> list[str]:
    """The versions ``changelog``'s section headings name, in order, each once (a heading
    in a code block names none: QA, ``info`` listed a version quoted in an example)."""
    return list(dict.fromkeys(str(version) for _, version in _heading_versions(changelog)))


def outside_code_blocks(lines: list[str]) -> list[bool]:
    """For each of ``lines``, whether it lies outside a fenced code block (a fence line
    itself is inside)."""
    outside, fenced = [], False
    for line in lines:
        if _FENCE.match(line):
            fenced = not fenced
            outside.append(False)
        else:
            outside.append(not fenced)
    return outside
