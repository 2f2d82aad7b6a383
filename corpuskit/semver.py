"""Semantic versions (https://semver.org 2.0.0): parse, order, bump.

Only what releases need: the ``MAJOR.MINOR.PATCH[-PRERELEASE]`` form that
``corpus.toml`` accepts, precedence as semver §11 defines it, and the bump levels that a
content diff requires (see :func:`corpuskit.diff.required_bump`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering

#: Bump levels from smallest to largest; ``none`` means "nothing changed".
BUMPS: tuple[str, ...] = ("none", "patch", "minor", "major")
#: The levels a user may ask for.
RELEASE_BUMPS: tuple[str, ...] = ("major", "minor", "patch")

_IDENT = r"(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)"
VERSION_PATTERN = (
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    rf"(?:-({_IDENT}(?:\.{_IDENT})*))?"
)
_VERSION_RE = re.compile(rf"^{VERSION_PATTERN}\Z")  # \Z: "$" also matches before a final LF


def bump_rank(level: str) -> int:
    """The order of a bump level: none < patch < minor < major."""
    try:
        return BUMPS.index(level)
    except ValueError:
        raise ValueError(f"unknown bump level {level!r}; use one of {', '.join(BUMPS)}"
                         ) from None


@total_ordering
@dataclass(frozen=True)
class Version:
    """A parsed semantic version; compares by semver precedence."""

    major: int
    minor: int
    patch: int
    prerelease: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> Version:
        match = _VERSION_RE.match(text)
        if match is None:
            raise ValueError(f"not a semantic version (MAJOR.MINOR.PATCH): {text!r}")
        pre = tuple(match.group(4).split(".")) if match.group(4) else ()
        return cls(int(match.group(1)), int(match.group(2)), int(match.group(3)), pre)

    def __str__(self) -> str:
        core = f"{self.major}.{self.minor}.{self.patch}"
        return f"{core}-{'.'.join(self.prerelease)}" if self.prerelease else core

    def _key(self) -> tuple[int, int, int, int, tuple[tuple[int, int, str], ...]]:
        # A release sorts after its pre-releases; numeric identifiers sort before
        # alphanumeric ones, numerically; a longer identifier list wins a tie (semver §11).
        pre = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in self.prerelease)
        return (self.major, self.minor, self.patch, 0 if self.prerelease else 1, pre)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key() < other._key()

    def bump(self, level: str) -> Version:
        """The next version at ``level`` (``major``, ``minor`` or ``patch``).

        A pre-release is completed rather than skipped, as npm and poetry do: ``2.0.0-rc.1``
        bumped ``major`` is ``2.0.0``; ``1.2.0-rc.1`` bumped ``minor`` is ``1.2.0``.
        """
        pre = bool(self.prerelease)
        if level == "major":
            if pre and self.minor == 0 and self.patch == 0:
                return Version(self.major, 0, 0)
            return Version(self.major + 1, 0, 0)
        if level == "minor":
            if pre and self.patch == 0:
                return Version(self.major, self.minor, 0)
            return Version(self.major, self.minor + 1, 0)
        if level == "patch":
            if pre:
                return Version(self.major, self.minor, self.patch)
            return Version(self.major, self.minor, self.patch + 1)
        raise ValueError(f"cannot bump by {level!r}; use one of {', '.join(RELEASE_BUMPS)}")


def is_version(text: str) -> bool:
    return _VERSION_RE.match(text) is not None


#: A corpus's name, as schemas/corpus.schema.json (and datapackage.schema.json) allow it:
#: lower case letters, digits, ``.``, ``_`` and ``-``.
CORPUS_NAME_PATTERN = r"[a-z0-9](?:[a-z0-9._-]{0,98}[a-z0-9])?"
#: A corpus's name as a file's or folder's name may spell it, in any letter case: a copy
#: of ``forge-1.0.0`` named ``Forge-1.0.0.zip``, as a case-insensitive file system or a
#: browser may leave it, is still named as a release (ASCII letters only: ``re``'s
#: IGNORECASE would also take the Kelvin sign for a ``k``).
_NAME_IN_ANY_CASE = CORPUS_NAME_PATTERN.replace("a-z", "a-zA-Z")
#: A name of a release of any corpus, ``<name>-<version>`` (a folder's, or a zip's
#: without its suffix), ``<name>`` a corpus's name in any letter case, compared folded to
#: lower case (:func:`release_named`): ``T-2.0.0.zip`` is named as the release t-2.0.0
#: (QA: taken for no release's name, a copy of t-1.0.0 named so passed validate, where
#: ``t-2.0.0.zip`` is reported; on a case-insensitive file system the two are one file).
RELEASE_NAME = re.compile(
    rf"^(?P<name>{_NAME_IN_ANY_CASE})-(?P<version>{VERSION_PATTERN})\Z")


def release_named(name: str) -> tuple[str, str] | None:
    """The release ``name`` (a folder's, or a zip's without its suffix) is named as:
    its corpus's name folded to lower case and its version (whose letters, a pre-release's,
    are compared as written: 1.0.0-RC.1 is another version than 1.0.0-rc.1); None where it
    is no release's name."""
    match = RELEASE_NAME.match(name)
    return None if match is None else (match["name"].lower(), match["version"])


def names_its_release(name: str, held: str) -> bool:
    """Whether ``name`` (a folder's, or a zip's without its suffix) names the release
    ``held`` (``<name>-<version>``, as its datapackage.json gives them) that it holds:
    the same name, or the same but for the letter case of the corpus's name
    (``Forge-1.0.0`` holding forge-1.0.0). A copy named otherwise as a release
    (``T-2.0.0`` holding t-1.0.0) is misnamed."""
    return name == held or (
        (named := release_named(name)) is not None and named == release_named(held))


def named_as_release(name: str) -> bool:
    """Whether ``name``, a file's or folder's (``.zip`` or not), is that of a release of any
    corpus, ``<name>-<version>``: in a folder of releases, ``release`` and ``check`` take it
    for one."""
    stem = name[:-len(".zip")] if name.lower().endswith(".zip") else name
    return RELEASE_NAME.match(stem) is not None
