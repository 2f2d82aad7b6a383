"""CHANGELOG.md of a package: what validate can derive of it from datapackage.json.

A build ships the seeds' CHANGELOG.md as the maintainer wrote it, or, where the seeds have
none (or one of white space alone), writes its own (:func:`corpuskit.package.default_changelog`);
'corpuskit release' writes the release's entry into the seeds' one first, above every
other entry. So the text a build ships may be any Markdown its seeds hold: a version made
with 'corpuskit build' alone (a version bumped by hand, a pre-release, a fix of an older
line whose history holds a later release) has no entry of its own, or one written by hand
in any form. What no build ships is checked of every package: an empty file, bytes that
are not UTF-8, control characters (:func:`corpuskit.discover.read_changelog` refuses them
in the seeds). Where the package's own version has the entry 'release' writes,
``## <version> (<date of created>)`` (``(unreleased)`` without ``created``, as a build
without a time writes its own), the package is a release, and its changelog is held to
what 'release' writes: that entry above every other, and no entry for its version again or
for a later one (QA: a re-signed release with an invented ``## 2.0.0 (2030-01-01)`` entry
passed, and 'release' then refused the next release for it).
"""

from __future__ import annotations

from ..changelog import Entry, entries, markdown_lines, text_problems
from ..config import CHANGELOG_NAME
from ..problems import Problem
from ..semver import Version
from .croissant import RESTORE

#: What every problem of the changelog says of how it came to be.
_EDITED = "CHANGELOG.md was changed after the build"


def changelog_problems(data: bytes, version: object, created: object) -> list[Problem]:
    """What is wrong with ``data``, a package's CHANGELOG.md, for the package of
    ``version`` and ``created`` (datapackage.json's values, not checked here: the
    descriptor's checks say what is wrong with them)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [Problem(CHANGELOG_NAME, "schema-error",
                        f"is not UTF-8 text (byte {exc.start} is not): a build ships "
                        f"only UTF-8 text; {_EDITED}; {RESTORE}")]
    found = text_problems(text)
    if found:  # (the seeds' words, "remove it", are no advice for a release)
        return [Problem(CHANGELOG_NAME, "schema-error",
                        f"{problem.message.split('; ', 1)[0]}, which no build ships; "
                        f"{_EDITED}; {RESTORE}", problem.location) for problem in found]
    if not text.strip():
        return [Problem(CHANGELOG_NAME, "schema-error",
                        "is empty: a build ships the seeds' CHANGELOG.md, or its own where "
                        f"they have none, never an empty one; {_EDITED}; {RESTORE}")]
    if not isinstance(version, str) or (created is not None and not isinstance(created, str)):
        return []
    try:
        own = Version.parse(version)
    except ValueError:
        return []
    found_entries = entries(text)
    release = _release_entry(text, found_entries, version, created)
    if release is None:
        return []  # a build's alone, as its seeds wrote it: nothing to derive
    return [_out_of_place(entry, release, version) for entry in found_entries
            if entry is not release and (entry.version >= own or entry.line < release.line)]


def _release_entry(text: str, entries: list[Entry], version: str, created: str | None
                   ) -> Entry | None:
    """The entry of ``version`` headed as 'release' writes it (:func:`corpuskit.release.
    changelog_entry`, dated by ``created``), if ``text`` has one; else None."""
    date = created[:10] if created else "unreleased"
    heading = f"## {version} ({date})"
    lines = markdown_lines(text)
    return next((entry for entry in entries
                 if entry.word == version and lines[entry.line - 1].rstrip("\r\n") == heading),
                None)


def _out_of_place(entry: Entry, release: Entry, version: str) -> Problem:
    """The problem of ``entry``, which a release's changelog cannot hold where it is:
    above the release's own entry (``release``), or for its version or a later one."""
    at = f"line {release.line}"
    if entry.version > release.version:
        said = (f"has an entry for {entry.word}, a version after the package's own "
                f"({version}, datapackage.json), whose entry ({at}) 'corpuskit release' "
                "wrote: no release ships an entry of a version released after it")
    elif entry.version == release.version:
        said = (f"has a second entry for the package's version {version} (the first, "
                f"{at}, is the one 'corpuskit release' wrote, and it writes one)")
    else:
        said = (f"has an entry for {entry.word} above the package's own ({version}, {at}), "
                "which 'corpuskit release' writes above every other entry")
    return Problem(CHANGELOG_NAME, "metadata-mismatch", f"{said}; {_EDITED}; {RESTORE}",
                   f"line {entry.line}")
