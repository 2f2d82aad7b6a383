"""A package's CHANGELOG.md against what a build or a release writes there.

A build packages the seeds' ``CHANGELOG.md`` as it is, or, when the seeds have none (or
one of whitespace only), writes the release's own (:func:`corpuskit.package.
default_changelog`); ``release`` adds its entry to the seeds' one first. So a package's
changelog may be any Markdown its maintainer wrote, and need not have an entry for its own
version (``build`` alone writes none into a changelog of the seeds). What no build
packages is what ``build`` refuses in the seeds' one (:mod:`corpuskit.changelog`): bytes
that are not UTF-8, a control character, an entry for a version after both the version
built and the latest release beside it; and one of whitespace only. Each is told here, at
its line, with the same rules, not parsers of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from ..changelog import entries_after, text_problems
from ..config import CHANGELOG_NAME
from ..packagesource import DESCRIPTOR
from ..problems import Problem, not_utf8
from ..semver import Version
from .croissant import RESTORE

#: The package file checked here.
CHANGELOG = CHANGELOG_NAME
#: Why what :func:`changelog_problems` finds is a problem of a package.
_NOT_BUILT = f"; no build packages such a {CHANGELOG} (build refuses it in the seeds): "


def changelog_problems(data: bytes, descriptor: Mapping[str, Any] | None,
                       latest: Callable[[str], Version | None]) -> list[Problem]:
    """What no build writes in the package's ``CHANGELOG.md`` (``data``), whose
    ``descriptor`` gives its version; ``latest`` gives the latest release of a corpus name
    beside the package (None: none known), whose entry a changelog may hold, as a build's
    does (a fix of an older line, 0.9.1 built after 1.0.0, keeps the history of both). It
    is asked only of a changelog with an entry after the package's version."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [_not_built(not_utf8(CHANGELOG, "undecodable", data, exc))]
    if not text.strip():
        return [Problem(CHANGELOG, "empty-document",
                        "empty or whitespace only: a build writes the release's own changelog "
                        "in place of such a one in the seeds, so no build packages it; "
                        + RESTORE)]
    return [*map(_not_built, text_problems(text)), *_ahead(text, descriptor or {}, latest)]


def _ahead(text: str, descriptor: Mapping[str, Any],
           latest: Callable[[str], Version | None]) -> list[Problem]:
    """An entry of the changelog ``text`` for a version after both the package's and the
    latest release beside it (see :func:`changelog_problems`), at its line."""
    version, name = descriptor.get("version"), descriptor.get("name")
    try:
        floor = Version.parse(version) if isinstance(version, str) else None
    except ValueError:
        return []  # the descriptor's problem
    ahead = entries_after(text, floor) if floor is not None else []
    if floor is None or not ahead:
        return []
    after = f"the package's version ({version}, in {DESCRIPTOR})"
    released = latest(name) if isinstance(name, str) else None
    if released is not None and released > floor:
        after += f" and the latest release beside it ({released})"
        ahead = [entry for entry in ahead if entry.version > released]
        why = "so no build packages it; " + RESTORE
    else:  # (a package of an older line, validated away from its output folder?)
        why = ("so no build packages it unless that version was released in the folder it "
               "built into (a fix of an older line): then validate it beside that release; "
               "else " + RESTORE)
    return [Problem(CHANGELOG, "metadata-mismatch",
                    f"has an entry for {entry.word}, after {after}: build refuses such an "
                    "entry in the seeds (never released, it would ship as released), "
                    + why, f"line {entry.line}")
            for entry in ahead]


def _not_built(problem: Problem) -> Problem:
    """``problem`` of the seeds' changelog, as a package's."""
    return replace(problem, message=problem.message + _NOT_BUILT + RESTORE)
