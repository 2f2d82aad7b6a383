"""Cut a release: diff the seeds against the latest release, bump, record, build.

``release(seeds, dist)`` finds the latest release of the corpus in ``dist`` (the highest
semantic version among its ``<name>-X.Y.Z/`` folders and, where the folder was removed, its
``<name>-X.Y.Z.zip`` zips, each named so by its own ``datapackage.json``:
:mod:`corpuskit.dist`), diffs the seeds against it, folder or zip (:mod:`corpuskit.diff`),
refuses to run while a folder or zip named as a release is none (damaged or renamed),
refuses a bump smaller than the diff requires, writes the new ``version`` and the release
time stamp ``created`` into ``corpus.toml`` (edited with tomlkit, keeping comments and layout),
puts a changelog entry at the top of ``CHANGELOG.md``, and builds the new release beside
the older ones. If anything fails after the first write, ``corpus.toml`` and
``CHANGELOG.md`` get their previous bytes back.

This is the one place that may read the clock: the time it reads is recorded in
``corpus.toml``, so rebuilding the release later gives the same bytes. ``SOURCE_DATE_EPOCH``,
when set, wins over the clock.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import orjson
import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import AoT, Item, Table
from tomlkit.toml_document import TOMLDocument

from .build import (
    BuildResult,
    build,
    every_seeds_problem,
    other_content_refusal,
    recorded_other_content,
    refuse_misplaced_folders,
    refuse_release_named_out,
    relabel_advice,
    stated_content,
    unfinished_release,
)
from .changelog import (
    Entry,
    ahead_problems,
    entries_after,
    entry_line,
    entry_text,
    has_entry,
    markdown_lines,
    newest_entry,
    versions_in,
)
from .config import CHANGELOG_NAME, CONFIG_NAME, CorpusConfig, load_config, read_regular
from .cores import checked_jobs
from .diff import (
    DOCUMENT_METADATA_FIELDS,
    RAW_INPUT_FIELDS,
    SOURCE_FIELDS,
    Diff,
    DocumentChange,
    diff,
    diff_against_nothing,
    display_title,
    source_change,
    summarize,
    underived_note,
)
from .discover import read_changelog
from .dist import (
    ARCHIVE_SUFFIX,
    Releases,
    is_archive,
    other_corpora,
    release_recording,
    releases_in_place,
    survey_releases,
    unreadable_release,
)
from .errors import (
    CorpuskitError,
    InputError,
    OutputError,
    ReleaseError,
    ReleaseProblems,
    UnreadableRelease,
)
from .lineends import (
    converted_seeds,
    line_ends_advice,
    raw_input_alone,
    said_converted,
    seeds_converted_advice,
    zip_converted,
    zips_converted_advice,
)
from .lineends import shown as shown_paths
from .locks import output_lock, seeds_lock
from .markdowntext import code_span, markdown_text
from .names import escaped, shown_id
from .package import is_default_changelog, process_settings
from .packagesource import DESCRIPTOR, MAX_METADATA_BYTES
from .parquet import PARQUET_PATH
from .pathargs import given_choice, given_flag, given_path
from .problems import escaped_controls, named_under, not_utf8, printable
from .progress import Progress
from .regularfiles import unreadable_given
from .runsettings import (
    checked_source_date_epoch,
    epoch_of,
    parse_source_date_epoch,
    resolve_created,
    time_recorded_after,
)
from .semver import RELEASE_BUMPS, Version, bump_rank, is_version
from .signals import told_when_ended
from .wording import command, counted, shell_word, shown_name
from .writer import remove_file, remove_replacing_leftovers, replace_file_atomically
from .zipfiles.archivecompression import archive_compression, compression_changed
from .zipfiles.zipsource import ZipSource


@dataclass(frozen=True)
class ReleaseResult:
    """What a release did (or, with ``dry_run``, would do)."""

    name: str
    version: str
    previous: str | None  # the release compared with; None for a first release
    bump: str | None  # the bump applied; None for a first release
    required: str | None  # the smallest bump the diff allows; None for a first release
    created: str
    changelog_entry: str  # "" when CHANGELOG.md already had an entry for a first release
    diff: Diff
    build: BuildResult | None  # None for a dry run
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        built = self.build
        return {
            "name": self.name,
            "version": self.version,
            "previous": self.previous,
            "bump": self.bump,
            "required_bump": self.required,
            "created": self.created,
            "dry_run": built is None,
            "release": str(built.release) if built else None,
            "archive": str(built.archive) if built else None,
            "documents": built.documents if built else self.diff.new.documents,
            "content_hash": built.content_hash if built else self.diff.new.content_hash,
            "changelog_entry": self.changelog_entry,
            "notes": list(self.notes),
            "diff": self.diff.as_dict(),
        }


def release_time(source_date_epoch: str | None) -> str:
    """``SOURCE_DATE_EPOCH`` as RFC 3339 UTC if set, else now (UTC, whole seconds)."""
    from_env = parse_source_date_epoch(source_date_epoch)
    if from_env is not None:
        return from_env
    return dt.datetime.now(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- corpus.toml --------------------------------------------------------------------------

def update_corpus_toml(text: str, version: str, created: str,
                       content_hash: str | None = None) -> str:
    """``corpus.toml`` text with top-level ``version`` and ``created`` set to these values,
    and ``content_hash`` too where one is given (the release's content hash, which a build
    of that version compares with its own where the release is not in its output folder).

    Edited with tomlkit, which keeps what it does not change byte for byte: only those
    values change, each written as a basic string in place of the old one (a ``created``
    line is added right after ``version`` if there is none, a ``content_hash`` line right
    after ``created``, with the line end of the line before); comments, blank lines, key
    spellings and order stay. The result is parsed back and must equal the original with
    just these keys changed, or :class:`ReleaseError` is raised.
    """
    bom = "\ufeff" if text.startswith("\ufeff") else ""  # kept, as load_config skips it
    text = text[len(bom):]
    values = {"version": version, "created": created}
    if content_hash is not None:
        values["content_hash"] = content_hash
    by_hand = (f"version = \"{version}\" and created = \"{created}\""
               + (f" and content_hash = \"{content_hash}\"" if content_hash else ""))
    unsafe = ReleaseError(f"cannot update {CONFIG_NAME} safely, keeping its layout; set "
                          f"{by_hand} by hand")
    try:
        document = tomlkit.parse(text)
    except TOMLKitError:
        raise unsafe from None
    if _top_level_value(document, "version") is None:
        raise ReleaseError(f"cannot find the line 'version = ...' in {CONFIG_NAME}; write "
                           f"{by_hand} by hand")
    for key, after in (("version", None), ("created", "version"), ("content_hash", "created")):
        if key not in values:
            continue
        if _top_level_value(document, key) is not None:
            document[key] = tomlkit.string(values[key])
        elif after is not None and key not in document:
            try:
                _insert_after(document, after, key, values[key])
            except (AttributeError, TOMLKitError):  # a tomlkit without _insert_at (review s83)
                raise unsafe from None
        else:  # a table of that name (or a dotted key): not a value to replace
            raise unsafe
    updated = document.as_string()
    try:
        ok = tomllib.loads(updated) == {**tomllib.loads(text), **values}
    except tomllib.TOMLDecodeError:
        ok = False
    if not ok:
        raise unsafe
    return bom + updated


def _top_level_value(document: TOMLDocument, key: str) -> Item | None:
    """The item of ``key`` among ``document``'s top-level key/value lines; None where there
    is none, or ``key`` names a table (``[key]``, or dotted keys such as ``key.x = 1``)."""
    for name, item in document.body:
        if name is not None and name.key == key and not name.is_dotted() \
                and not isinstance(item, (Table, AoT)):
            return item
    return None


def _insert_after(document: TOMLDocument, anchor: str, key: str, value: str) -> None:
    """Put the line ``key = "value"`` right after the top-level line of ``anchor``, ending
    as that line ends (CRLF stays CRLF)."""
    index = next(at for at, (name, _) in enumerate(document.body)
                 if name is not None and name.key == anchor)
    item = tomlkit.string(value)
    item.trivia.trail = "\r\n" if document.body[index][1].trivia.trail.endswith("\r\n") \
        else "\n"
    if index + 1 < len(document.body):
        # tomlkit has no public insert: _insert_at is what its own append uses
        document._insert_at(index + 1, key, item)
    else:
        document.append(key, item)


# -- CHANGELOG.md -----------------------------------------------------------------------


def _title(title: str | None) -> str:
    """A document's title in a changelog line, shown as it is (Markdown escaped), its
    control characters as escapes: CHANGELOG.md holds none (QA: a title holding ESC, kept
    by skipping remove-control-chars, made release refuse the entry it wrote itself)."""
    return markdown_text(escaped_controls(display_title(title)))


def _doc(doc_id: str, title: str | None, earlier: bool = False) -> str:
    return f"{_id(doc_id, earlier)} ({_title(title)})"


def _id(doc_id: str, earlier: bool = False) -> str:
    """A document's id in a changelog line, and its spelling in escapes where it shows as
    another id could (not in NFC, or holding characters nothing shows: QA s101, an entry
    of ``cafe`` + U+0301 renamed ``caf`` + U+00E9 listed `café` as added and as removed,
    alike), as problems spell such names (:func:`corpuskit.names.spelled`). ``earlier``:
    as corpuskit wrote it before (see :func:`changelog_entry`)."""
    if earlier or shown_id(doc_id) == doc_id:
        return code_span(doc_id)
    return f"{code_span(doc_id)} (spelled {code_span(escaped(doc_id))})"


def _describe_change(change: DocumentChange, earlier: bool = False) -> str:
    """One changelog line; raw-input fields are named only when nothing else changed
    (a new text or title always comes with new raw bytes). ``earlier``: as corpuskit
    worded it before its source changes were told apart (see :func:`changelog_entry`)."""
    title = _title(change.title) if change.title == change.old_title else \
        f"{_title(change.old_title)} → {_title(change.title)}"
    document = [f for f in change.fields if f in DOCUMENT_METADATA_FIELDS]
    if change.kind == "text":
        what = "text changed" + (f"; also {', '.join(document)}" if document else "")
    elif change.kind == "metadata":
        what = f"metadata changed: {', '.join(document)}"
    elif change.kind == "source" and earlier:
        fields = ", ".join(f for f in change.fields if f in SOURCE_FIELDS)
        what = f"{source_change(change.fields)} changed, text and metadata the same: {fields}"
    elif change.kind == "source":
        # The raw bytes may be the same: only how they were read (the encoding), or the
        # steps the record lists as having changed it (QA: "raw input changed" was said
        # of a record whose step list alone had changed). Worded as diff words it.
        what = _source_change(change.fields)
    else:
        what = f"derived fields changed: {', '.join(change.fields)}"
    return f"- {_id(change.id, earlier)} ({title}): {what}"


def _source_change(fields: tuple[str, ...]) -> str:
    """What a changelog line says of a change of kind ``source``: the raw file's fields
    apart from those of how it was read (its encoding, its record's normalization steps),
    which are the record's too. QA: a line-end-only change said "raw input changed, text
    and metadata the same: source_bytes, source_sha256, normalization", where the
    normalization steps, record metadata, had changed."""
    raw = [f for f in fields if f in RAW_INPUT_FIELDS]
    read = [f for f in fields if f in SOURCE_FIELDS and f not in RAW_INPUT_FIELDS]
    if not read:  # worded as before: nothing but the raw file changed
        return f"raw input changed, text and metadata the same: {', '.join(raw)}"
    how = f"how it was read ({', '.join(read)})"
    if raw:
        return (f"raw input changed ({', '.join(raw)}), and {how}; text and document "
                "metadata the same")
    return f"how its raw input was read changed ({', '.join(read)}); text and document " \
        "metadata the same"


def _packaging_said(packaging: tuple[str, ...]) -> str:
    """What of the package's processing settings and outputs changed, as an entry says it."""
    return "; ".join(item.replace(" in NEW only)", " added)").replace(" in OLD only)",
                                                                      " removed)")
                     for item in packaging)


#: A first release lists its documents only up to this many (later releases list every change).
INITIAL_LISTING_LIMIT = 100


def changelog_entry(version: str, created: str, result: Diff, previous: str | None,
                    bump: str | None = None, *, earlier: bool = False,
                    required: str | None = None) -> str:
    """The Markdown entry of a release: heading, summary, then every change by id and title.

    ``bump`` labels the release ("Major release."), ``required`` (``result.bump`` unless
    given) what the changes require, said beside it where the two differ: after a
    pre-release, both are levels from the latest final release (:func:`final_level`).

    ``earlier``: the entry as corpuskit wrote it before it said a change of settings beside
    changed documents, worded a pre-release released under another version than its own
    final, and told a source change's fields apart (QA: lifecycle 2, 3, 4). Seeds that
    record a release keep the entry it wrote, which is compared with these words too
    (:func:`_unfinished_release_entry`): entries released are never rewritten."""
    lines = [f"## {version} ({created[:10]})", ""]
    if previous is None:
        lines.append(f"Initial release: {counted(len(result.added), 'document')}.")
        if result.added:
            lines += ["", "### Added", ""]
            shown = result.added[:INITIAL_LISTING_LIMIT]
            lines += [f"- {_doc(d.id, d.title, earlier)}" for d in shown]
            if len(result.added) > len(shown):
                lines.append(f"- ... and {len(result.added) - len(shown)} more "
                             "(see data/documents.jsonl)")
        return "\n".join(lines) + "\n"
    counts = []
    if result.added:
        counts.append(f"{counted(len(result.added), 'document')} added")
    if result.removed:
        counts.append(f"{counted(len(result.removed), 'document')} removed")
    if result.changed:
        counts.append(f"{counted(len(result.changed), 'document')} changed")
    if result.metadata:
        counts.append(f"{counted(len(result.metadata), 'package metadata field')} changed")
    applied, least = bump or result.bump, required or result.bump
    why = f"{applied} release" + (f" ({least} required)" if applied != least else "")
    if counts:
        lines.append(f"Changes since {previous}: {', '.join(counts)}. "
                     f"{why[0].upper()}{why[1:]}."
                     + ("" if earlier or not result.packaging else
                        f" {_packaging_too(result.packaging)}"))
    elif result.packaging:  # what did (QA: "settings, outputs or CHANGELOG.md did", and
        # a reader could not tell which)
        lines.append(f"No document or package metadata changed since {previous}; the "
                     f"package's {_packaging_said(result.packaging)} changed. "
                     f"{applied.capitalize()} release.")
    elif is_version(previous) and Version.parse(previous).prerelease:
        lines.append(_pre_release_released(previous, version, applied, earlier))
    else:
        lines.append(f"No document or package metadata changed since {previous}; the "
                     "package's processing settings, outputs or CHANGELOG.md did. "
                     f"{applied.capitalize()} release.")
    if result.added:
        lines += ["", "### Added", ""]
        lines += [f"- {_doc(d.id, d.title, earlier)}" for d in result.added]
    if result.removed:
        lines += ["", "### Removed", ""]
        lines += [f"- {_doc(d.id, d.title, earlier)}" for d in result.removed]
    if result.changed:
        lines += ["", "### Changed", ""]
        lines += [_describe_change(c, earlier) for c in result.changed]
    if result.metadata:
        lines += ["", "### Package metadata", ""]
        lines += [f"- `{m.field}` changed" for m in result.metadata]
    return "\n".join(lines) + "\n"


def _packaging_too(packaging: tuple[str, ...]) -> str:
    """The sentence an entry that counts changes adds when the package's settings or
    outputs changed as well: the cause of changes it lists, or changes it does not (QA:
    an extract setting changed 300 records, and the entry said nothing of it)."""
    cause = (": the documents listed below include those whose records they changed"
             if "processing settings" in packaging else "")
    return f"The package's {_packaging_said(packaging)} changed too{cause}."


def _pre_release_released(previous: str, version: str, applied: str, earlier: bool) -> str:
    """The summary of ``version``, the content of the pre-release ``previous`` unchanged:
    made final, or released as another version than its final one (QA: 2.0.0 of an
    unchanged 1.1.0-rc.1 was called "The release of 1.1.0-rc.1, made final", 1.1.0's
    words). Its start, "No document ... since <previous>;", is what build reads as a
    release that counts no change (:func:`corpuskit.build._said_since`)."""
    final = str(Version.parse(previous).bump("patch"))
    if earlier or version == final:
        return (f"The release of {previous}, made final: no document or package "
                f"metadata changed since. {applied.capitalize()} release.")
    return (f"No document or package metadata changed since {previous}; its content is "
            f"released as {version}, not as {final}. {applied.capitalize()} release.")


def insert_changelog_entry(existing: str | None, name: str, entry: str) -> str:
    """``existing`` changelog with ``entry`` above its newest entry (newest first), below
    what comes before it (a title, an introduction, a ``## [Unreleased]`` section); at
    its end if no heading names a version. Headings are read as CommonMark reads them
    (:mod:`corpuskit.changelog`): one in a code block or an HTML comment heads nothing (QA:
    the entry went into an example block), a setext or indented one heads a section."""
    if existing is None or not existing.strip():
        return f"# Changelog of {name}\n\n{entry}"
    end = "\n"
    if "\r\n" in existing and existing.count("\r\n") == existing.count("\n"):
        end = "\r\n"  # a changelog kept with CRLF line ends gets an entry with them too
        entry = entry.replace("\n", end)
    newest = newest_entry(existing)
    if newest is None:
        return existing.rstrip("\r\n") + end + end + entry
    lines = markdown_lines(existing)
    return "".join(lines[:newest[0]]) + entry + end + "".join(lines[newest[0]:])


def remove_changelog_entry(changelog: str, name: str, entry: str) -> str | None:
    """The changelog as it was before :func:`insert_changelog_entry` put ``entry`` into it.

    None unless ``entry`` is exactly the newest section of ``changelog`` (so inserting it
    into the result gives ``changelog`` back byte for byte): a section that differs in
    any way was not written by that insertion and is never removed.
    """
    newest = newest_entry(changelog)
    if newest is None:
        return None
    lines = markdown_lines(changelog)
    before = "".join(lines[:newest[0]] + lines[newest[1]:])
    return before if insert_changelog_entry(before, name, entry) == changelog else None


# -- the release ----------------------------------------------------------------------------

def _carried_entries(release: Path, ahead: list[Entry], previous: str, dist: Path
                     ) -> ReleaseError:
    """The refusal of ``ahead``, entries after the latest release ``previous`` in the
    CHANGELOG.md of ``release`` (a folder, or a zip whose folder was removed), the history
    that seeds without a CHANGELOG.md carry on. 'release' writes no entry of a later
    version into a release, so that release's CHANGELOG.md was edited after it was built:
    it is to be restored, not the seeds edited."""
    where = (f"{CHANGELOG_NAME} in {release}" if is_archive(release)
             else str(release / CHANGELOG_NAME))
    one = len(ahead) == 1
    lines = ", ".join(str(entry.line) for entry in ahead)
    return ReleaseError(
        f"{where} has {'an entry' if one else 'entries'} for "
        f"{', '.join(entry.word for entry in ahead)} (line{'' if one else 's'} {lines}), "
        f"after the latest release {previous} in {dist}, which no release of it writes; the "
        f"seeds have no {CHANGELOG_NAME}, so this release would carry that history on: "
        f"{release} is not as corpuskit wrote it. Run 'corpuskit validate "
        f"{shell_word(str(release))}', "
        "restore it from its published copy, then release again")


def _read_text(path: Path) -> bytes | None:
    """A small file's bytes (never blocking on a pipe), None if there is none."""
    try:
        return read_regular(path, MAX_METADATA_BYTES)
    except FileNotFoundError:
        return None


def _release_file(release: Path, rel: str) -> bytes | None:
    """A small file of a release, its folder or its zip (when the folder was removed),
    None if it has none. An unreadable one raises ``OSError`` or :class:`InputError`."""
    if not is_archive(release):
        return _read_text(release / rel)
    with ZipSource(release, follow_links=False) as source:
        try:
            return source.read_bytes(rel, MAX_METADATA_BYTES)
        except FileNotFoundError:
            return None


def _decode_changelog(data: bytes | None) -> str | None:
    if data is None:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError([not_utf8(CHANGELOG_NAME, "unreadable-file", data, exc)]) from None


def _too_small(bump: str, result: Diff, previous: str, seeds: Path, dist: Path
               ) -> ReleaseError:
    return ReleaseError(
        f"a {bump} release is too small: the changes since {previous} ({summarize(result)}) "
        f"require a {result.bump} release; run "
        f"'{command('release', seeds=seeds, out=dist, arguments=(result.bump,))}'")


def release(
    seeds: str | os.PathLike[str],
    dist: str | os.PathLike[str],
    bump: str | None = None,
    *,
    source_date_epoch: str | int | None = None,
    dry_run: bool = False,
    jobs: int | None = None,
    cache: str | os.PathLike[str] | None = None,
    allow_line_ends: bool = False,
    progress: Progress | None = None,
    compare_progress: Progress | None = None,
) -> ReleaseResult:
    """Release the seeds as the next version in ``dist`` (see the module docstring).

    ``bump`` is ``major``, ``minor`` or ``patch`` (another ``str`` is a ``ValueError``, a
    value of another type but None a ``TypeError``); None uses the bump the diff requires.
    With no earlier release in ``dist`` the version in ``corpus.toml`` is the first release.
    ``source_date_epoch``: the release time, whole seconds since 1970 (an ``int``, or
    ``SOURCE_DATE_EPOCH``'s string); None (the default) takes the environment's
    ``SOURCE_DATE_EPOCH``, as ``corpuskit release`` does, and ``""`` none: then the
    clock (a first release keeps ``corpus.toml``'s ``created``). One that is no such time
    raises an :class:`~corpuskit.errors.InputError` (``SOURCE_DATE_EPOCH``,
    ``config-error``).
    ``dry_run`` computes version, diff and changelog entry and writes nothing; ``jobs``
    and ``cache`` are passed to :func:`corpuskit.build`. A release whose only
    changes are documents' raw files whose line ends changed (as Git's line-end handling
    converts them) is refused unless ``allow_line_ends`` is true. ``progress`` is told the
    documents its build has processed, as :func:`corpuskit.build`'s is;
    ``compare_progress`` those of the seeds its comparison with the latest release (with
    none, the diff of a first release) has processed, as :func:`corpuskit.diff`'s is.
    """
    if bump is not None:
        bump = given_choice(bump, "bump", RELEASE_BUMPS, "bump")
    seeds, dist = given_path(seeds, "seeds"), given_path(dist, "dist")
    dry_run = given_flag(dry_run, "dry_run")
    allow_line_ends = given_flag(allow_line_ends, "allow_line_ends")
    cache = given_path(cache, "cache") if cache is not None else None
    source_date_epoch = checked_source_date_epoch(source_date_epoch)
    jobs = checked_jobs(jobs)
    if seeds.is_dir() and not (seeds / CONFIG_NAME).exists():
        # What the folder is (a folder of releases, a package), before --out is judged
        # against it as the seeds (QA: --seeds dist was told "--out dist is inside the
        # seeds folder dist")
        load_config(seeds)
    refuse_misplaced_folders(seeds, out=dist, cache=cache)  # before the lock is made there
    with suppress(InputError):  # seeds that cannot be read: said below, with their documents
        refuse_release_named_out(dist, load_config(seeds))
    run = _ReleaseRun(bump, source_date_epoch, dry_run, jobs, cache, allow_line_ends,
                      progress, compare_progress)
    if dry_run:
        return _release(seeds, dist, run)
    # One lock for the diff, the edits and the build: a concurrent build or release of
    # the same dist waits for none of it half-done (build's own lock is re-entrant).
    with output_lock(dist), seeds_lock(seeds):
        return _release(seeds, dist, run)



@dataclass(frozen=True)
class _ReleaseRun:
    """How a release was asked for: :func:`release`'s arguments, checked."""

    bump: str | None  # the bump asked for; None: the one the diff requires
    source_date_epoch: str | None
    dry_run: bool
    jobs: int | None
    cache: Path | None
    allow_line_ends: bool
    progress: Progress | None
    compare_progress: Progress | None


@dataclass(frozen=True)
class _SeedsFiles:
    """The seeds' corpus.toml and CHANGELOG.md, and their bytes before the release."""

    toml_path: Path
    toml: bytes
    changelog_path: Path
    changelog: bytes | None  # None: the seeds have none


@dataclass(frozen=True)
class _NextVersion:
    """The version a release makes, and the diff it was chosen by."""

    result: Diff  # the seeds against the latest release (against nothing for a first one)
    version: str
    previous: str | None  # the latest release's version; None for a first release
    required: str | None  # the smallest bump the diff allows; None for a first release
    bump: str | None  # the bump as the changelog entry labels it; None for a first release
    least: str | None  # the bump the changes require, as the entry labels it
    latest: tuple[Version, Path] | None  # the latest release; None for a first release
    final: tuple[Version, Path] | None  # the latest final release, after a pre-release
    notes: tuple[str, ...]


@dataclass(frozen=True)
class _History:
    """The release time of a release and the changelog its entry goes into."""

    created: str
    source_date_epoch: str | None  # the build's: "" where corpus.toml's time is kept
    changelog: str | None  # the changelog before this release's entry; None: none
    recorded_entry: str  # a recorded release's entry, finished as it was released; or ""
    time_kept: bool  # corpus.toml's release time kept, finishing a recorded release
    notes: tuple[str, ...]


@dataclass(frozen=True)
class _Texts:
    """What a release writes into the seeds: its changelog entry, the new CHANGELOG.md
    and corpus.toml."""

    entry: str  # "" when CHANGELOG.md already had an entry for a first release
    changelog: str | None  # None: the seeds keep having no CHANGELOG.md
    toml: bytes
    notes: tuple[str, ...]


def _release(seeds: Path, dist: Path, run: _ReleaseRun) -> ReleaseResult:
    """The release (see :func:`release`), its steps in order: refuse unsound releases in
    ``dist``, choose the next version and its time, write nothing where a release is in the
    way, make the new corpus.toml and changelog texts, then build (or, failing, restore)."""
    try:
        config = load_config(seeds)
    except InputError as error:  # with the documents' problems, where they can be found
        raise every_seeds_problem(seeds, error, run.jobs, run.source_date_epoch) from None
    toml_path, changelog_path = seeds / CONFIG_NAME, seeds / CHANGELOG_NAME
    if not run.dry_run:  # what a release killed while it wrote them left (QA)
        remove_replacing_leftovers(toml_path)
        remove_replacing_leftovers(changelog_path)
    files = _SeedsFiles(toml_path, toml_path.read_bytes(), changelog_path, read_changelog(seeds))
    # Zip-only releases too, and the zip beside each folder, a release's file that people
    # download: one that is no release is refused (QA forge3 1: released after a 7-byte one)
    releases = survey_releases(dist, config.name, beside=True)
    _refuse_unsound_releases(releases, config, dist, toml_path)
    if releases.latest is None:
        chosen, history = _first_release(seeds, dist, config, run, files)
    else:
        chosen = _next_version(seeds, dist, config, releases, releases.latest, run, files)
        history = _recorded_history(seeds, dist, config, releases, releases.latest, chosen,
                                    run, files)
    release_name = f"{config.name}-{chosen.version}"
    _refuse_taken_names(dist, release_name)
    texts = _new_texts(seeds, dist, config, releases, chosen, history, files)
    notes = [*chosen.notes, *history.notes, *texts.notes]
    version, previous, created = chosen.version, chosen.previous, history.created
    if run.dry_run:
        return ReleaseResult(config.name, version, previous, chosen.bump, chosen.required,
                             created, texts.entry, chosen.result, None, tuple(notes))
    built = _build_or_restore(seeds, dist, dist / release_name, version, files, texts, run,
                              history.source_date_epoch, chosen.result.new.content_hash)
    if previous is not None and created == chosen.result.old.created:
        source_date_epoch = history.source_date_epoch
        whence = (f"{CONFIG_NAME}'s created, kept" if history.time_kept
                  else f"SOURCE_DATE_EPOCH={source_date_epoch}"
                  if source_date_epoch is not None and source_date_epoch.strip()
                  else "this machine's clock, within the second of that release")
        notes.append(_same_time_note(config.name, version, previous, created, whence))
    return ReleaseResult(config.name, version, previous, chosen.bump, chosen.required,
                         created, texts.entry, chosen.result, built, (*notes, *built.notes))


def _refuse_unsound_releases(releases: Releases, config: CorpusConfig, dist: Path,
                             toml_path: Path) -> None:
    """Refuse to release while a folder or zip in ``dist`` named as a release of
    ``config.name`` is none: unreadable, damaged, converted by Git, a folder of releases,
    or another corpus's release. Every one is said at once."""
    denied = {item.path: problem for item in releases.damaged
              if not os.path.islink(item.path)
              and (problem := unreadable_release(item.path)) is not None}
    unsound = [item for item in releases.damaged
               if item.path not in denied and item.other is None]
    # A folder of releases named as a release: never one, nothing to restore (QA)
    misplaced = [item for item in unsound if releases_in_place(item.path) is not None]
    damaged = [item for item in unsound if item not in misplaced]
    # Zips Git's line-end handling converted: a copy restored from Git is converted again
    # (QA s82 review 6: told to restore them, with no word of Git)
    by_git = [item for item in damaged if is_archive(item.path) and zip_converted(item.path)]
    damaged = [item for item in damaged if item not in by_git]
    alike = [item for item in releases.damaged
             if item.path not in denied and item.other is not None]
    said: list[str] = []
    if denied:  # its permissions at fault, not its content: no advice to restore it (QA)
        said.append("; ".join(f"{problem.path}: {problem.message}"
                              for problem in denied.values())
                    + f" (a release reads every release of {config.name} in {dist} to "
                      "number the next version)")
    if damaged:
        named = "; ".join(f"{item.path} is named as a release of {config.name} but "
                          f"{item.reason}" for item in damaged)
        them = "it" if len(damaged) == 1 else "them"
        said.append(f"{named}; restore {them} from a published copy ('corpuskit validate' "
                    f"names what is wrong) or move {them} out of {dist}")
    if by_git:
        said.append("; ".join(f"{item.path} is named as a release of {config.name} but "
                              f"{item.reason}" for item in by_git)
                    + "; " + zips_converted_advice(dist, [item.path for item in by_git]))
    if misplaced:
        them = "it" if len(misplaced) == 1 else "them"
        said.append("; ".join(f"{item.path} is named as a release of {config.name} but "
                              f"{item.reason}" for item in misplaced)
                    + f"; move {them} out of {dist}")
    if alike:  # not renamed nor damaged: its corpus's own (QA: called renamed)
        said.append("; ".join(f"{item.path} is the release of another corpus, {item.other}, "
                              f"named as a release of {config.name}" for item in alike)
                    + f"; set another name than {config.name!r} in {toml_path}, or give "
                      f"--out the folder that holds the releases of {config.name}")
    if said:  # every such release at once (QA: one was hidden behind another)
        raise ReleaseError("; ".join(said) + ", then release again")


def _first_release(seeds: Path, dist: Path, config: CorpusConfig, run: _ReleaseRun,
                   files: _SeedsFiles) -> tuple[_NextVersion, _History]:
    """The first release of ``config.name`` in ``dist``: the version in corpus.toml, its
    time, and the seeds' changelog, refused where the seeds record another release."""
    bump, source_date_epoch = run.bump, run.source_date_epoch
    notes: list[str] = []
    result = _seeds_relative(seeds, lambda: diff_against_nothing(seeds, run.compare_progress))
    others = other_corpora(dist, config.name)  # a renamed corpus: said in a note below
    recorded = config.metadata.get("created")
    base_changelog = _decode_changelog(files.changelog)
    carried = release_recording(dist, others, recorded) \
        if others and isinstance(recorded, str) else None
    if carried is not None:
        # A renamed corpus's first release took the old name's release time and kept
        # its changelog, headed with the old name, as its own (QA).
        old_name, carried_release = carried
        kept = f", and {CHANGELOG_NAME} its history" if base_changelog is not None else ""
        move = f" and move {CHANGELOG_NAME} out of {seeds}" if base_changelog is not None \
            else ""
        raise ReleaseError(
            f"{CONFIG_NAME} records the release time of {carried_release} in {dist} "
            f"(created = {recorded}){kept}: a first release of {config.name} would "
            f"carry {'them' if kept else 'it'} over under its new name. If the corpus was "
            f"renamed, set name = \"{old_name}\" back in {CONFIG_NAME} to carry on that "
            f"history; to start {config.name}'s own, remove the created line from "
            f"{CONFIG_NAME}{move}, then release again")
    if recorded and base_changelog is not None \
            and _first_release_time(config, source_date_epoch) == str(recorded):
        # The seeds record the release of their version, with its content hash: other
        # content than that is no release of it, even where --out holds none (QA: s76's
        # open list, a clone without dist/ released a second, other 2.0.0, and wrote
        # its hash over the record).
        refused = recorded_other_content(seeds, dist, config, base_changelog,
                                         str(result.new.content_hash), "release")
        if refused is not None:
            raise ReleaseError(refused)
    if recorded and not others and config.version in versions_in(base_changelog) \
            and remove_changelog_entry(base_changelog or "", config.name, changelog_entry(
                config.version, str(recorded), result, None)) is None:
        # The seeds record a release of this version, of other documents than these (or
        # a maintainer wrote both by hand, as a first release may keep them): said, not
        # refused. A release into another folder (a typo for dist) made a second, other
        # release of it in silence (QA); refused, the first release of a corpus whose
        # maintainer wrote its entry and time was (QA, round 2).
        earlier = _recorded_after(base_changelog, config.version)
        if earlier is not None and _first_release_time(config, source_date_epoch) \
                == str(recorded):
            # The release of a version after an earlier one, its entry and time kept:
            # made again byte for byte from the seeds it was made from (a clone not
            # keeping dist/), which its entry cannot be compared with here (QA: "this is
            # another 1.1.0", of that very release).
            notes.append(
                f"{shown_name(dist)} holds no release of {config.name}: this makes "
                f"{config.version} again as {CONFIG_NAME} and {CHANGELOG_NAME} record its "
                f"release after {earlier} (created = {recorded}, and its entry), byte for "
                f"byte that release if these seeds are the ones it was made from (a clone "
                f"that does not keep {shown_name(dist)}); if they changed since, it holds "
                f"other documents than the published {config.version}: then remove "
                f"{shown_name(dist / config.release_name)} and its zip, and give --out the "
                "folder that holds the releases")
        else:
            notes.append(
                f"{shown_name(dist)} holds no release of {config.name}, but {CONFIG_NAME} "
                f"records a release time (created = {recorded}) and {CHANGELOG_NAME} an "
                f"entry for {config.version} that is not the one this release writes: if "
                f"{config.version} was released in another folder, this is another "
                f"{config.version}, which may hold other documents; then remove "
                f"{shown_name(dist / config.release_name)} and its zip, and give --out the "
                "folder that holds the releases")
    version, previous, required = config.version, None, None
    ahead = ahead_problems(base_changelog or "", version, None) if run.dry_run else []
    if ahead:  # its build refuses them: a dry run said it would release (QA)
        raise InputError(ahead, f"{counted(len(ahead), 'problem')} in {shown_name(seeds)}; "
                                "nothing was written")
    if others:
        notes.append(f"{shown_name(dist)} holds releases of {', '.join(others)}, none of "
                     f"{config.name}: this is the first release of {config.name}, its "
                     "own history; if the corpus was renamed, set its old name back in "
                     f"{CONFIG_NAME} to carry on that history")
    if bump is not None:
        notes.append(f"no earlier release of {config.name} in {shown_name(dist)}: the version "
                     f"in {CONFIG_NAME} ({version}) is the first release; '{bump}' was not "
                     "applied")
    created = _first_release_time(config, source_date_epoch)
    return (_NextVersion(result, version, previous, required, None, None, None, None,
                         tuple(notes)),
            _History(created, source_date_epoch, base_changelog, "", False, ()))


def _next_version(seeds: Path, dist: Path, config: CorpusConfig, releases: Releases,
                  latest: tuple[Version, Path], run: _ReleaseRun, files: _SeedsFiles
                  ) -> _NextVersion:
    """The version a release after ``latest`` makes: the bump asked for, or the one the
    diff requires, refused where there is nothing to release or the bump is too small."""
    bump = run.bump
    notes: list[str] = []
    previous_version, previous_path = latest
    previous = str(previous_version)
    _require_intact(previous_path, run.jobs, seeds)
    result = _seeds_relative(seeds, lambda: diff(previous_path, seeds,
                                                 progress=run.compare_progress))
    required = result.bump
    if result.underived:  # (QA: a release's record re-signed was released as a change)
        notes.append(underived_note(result.underived, result.old, result.new))
    if not run.allow_line_ends and raw_input_alone(result):
        # Seeds whose line ends Git converted: the same text, no change to release
        # (QA: a major release was proposed, "raw input changed"). Their files are
        # read again only when every change is one of raw input alone.
        converted = converted_seeds(seeds, previous_path)
        if len(converted) == len(result.changed):
            # The advice ends with the command that releases them (QA: docs 4, it was
            # given a second time here).
            advice = seeds_converted_advice(seeds, dist, previous_path, converted, bump)
            raise ReleaseError(f"nothing to release since {config.name} {previous} "
                               f"({previous_path}) but line ends: {advice}")
    zip_only = is_archive(previous_path)
    if not zip_only and not previous_path.with_name(f"{previous_path.name}.zip").exists():
        # A release is its folder and its zip: none is released after one left half
        # made (with a change, it went ahead, and nothing wrote that zip again: QA).
        missing = (f"{config.name} {previous} ({previous_path}) has no zip beside it: a "
                   "build or release was interrupted after the folder was in place (or "
                   "the zip was removed)")
        if required == "none" and packaging_changed(config, previous_path,
                                                     files.changelog):
            raise ReleaseError(unfinished_release(config.name, previous, previous_path,
                                                  seeds, dist, settings=True))
        if required == "none":
            raise ReleaseError(f"{missing}; run '{command('build', seeds=seeds, out=dist)}'"
                               " to write its zip, which finishes it")
        raise ReleaseError(unfinished_release(config.name, previous, previous_path, seeds,
                                              dist))
    # Settings, outputs or CHANGELOG.md changed since the previous release (asked
    # of its files once: every refusal below depends on it).
    changed = required == "none" and packaging_changed(config, previous_path,
                                                       files.changelog)
    if required == "none" and not changed and bump is not None \
            and config.version == previous:
        # The same documents, metadata, settings and changelog: this corpuskit may
        # still write the release's files otherwise (a new form of croissant.json or
        # the card), which 'check' calls stale, naming 'release patch', and only a new
        # version publishes (QA: refused, "change something first", with nothing left
        # to change). Asked only with a bump given: it builds the seeds once more
        # (plain 'release' refuses at once, as 'check' names the bump).
        changed = written_otherwise(seeds, dist, previous_path, run.jobs)
    # A pre-release made final: its content, released as the version it leads to
    # (QA: 1.1.0-rc.1 unchanged could not become 1.1.0: "nothing to release", and the
    # advice went in a circle)
    # Its release killed before its folder was in place leaves the seeds at the final
    # version, with its entry and time: finished by the same release again (QA: it
    # was refused, "an entry for 2.0.0 ... never released; remove that entry").
    finishing = (required == "none" and bool(previous_version.prerelease)
                 and config.version in (previous, str(previous_version.bump("patch"))))
    if finishing:
        bump = bump or "patch"
    if required == "none" and (bump is None or not changed) and not finishing:
        raise _nothing_to_release(seeds, dist, config, releases, latest, result, bump,
                                  changed, files)
    if bump is not None and bump_rank(bump) < bump_rank(required):
        if previous_version.bump(bump) != previous_version.bump(required):
            raise _too_small(bump, result, previous, seeds, dist)
        # A pre-release completed: the same version as the bump required, so that one
        # (QA: 'release patch' after 1.0.0-rc.1 was "too small", run 'release minor',
        # which made the same 1.0.0)
        bump = required
    bump = bump or required
    version = str(previous_version.bump(bump))
    final = _latest_final(releases, previous_version) if previous_version.prerelease \
        else None
    if final is not None:
        # A pre-release made final is held to the changes since the latest final
        # release, not only those since the pre-release (QA: 1.0.1-rc.1, removing a
        # document of 1.0.0, became 1.0.1 by a plain release)
        _require_final_bump(seeds, dist, config.name, version, latest, result, final)
    least = required  # what the changes require, as the entry labels it
    if previous_version.prerelease:
        # Labelled by what the release is, not by the bump typed (QA: the same 2.0.0
        # after 1.0.0 was a "Patch", "Minor" or "Major release" by the argument), from
        # the latest final release, not from the pre-release (QA: 2.0.0 of 2.0.0-rc.1
        # was a "Patch release", and of a changed one a "Minor release", after 1.0.0)
        made_from = final[0] if final else None
        bump = final_level(Version.parse(version), made_from)
        if required != "none":
            least = final_level(previous_version.bump(required), made_from)
    return _NextVersion(result, version, previous, required, bump, least, latest, final,
                        tuple(notes))


def _nothing_to_release(seeds: Path, dist: Path, config: CorpusConfig, releases: Releases,
                        latest: tuple[Version, Path], result: Diff, bump: str | None,
                        changed: bool, files: _SeedsFiles) -> ReleaseError:
    """The refusal of a release whose documents and metadata are those of ``latest``
    (``changed``: its settings, outputs or CHANGELOG.md changed; ``bump``: the one asked)."""
    previous_version, previous_path = latest
    previous = str(previous_version)
    zip_only = is_archive(previous_path)
    # Settings and outputs ([output] parquet, a normalization step that changes no
    # text) change the package's files, not its content: released when asked for.
    # An entry of a version never released is said first, at its line, as build
    # and 'release patch' say it: "nothing to release" sent the user to 'release
    # patch', which then refused that entry (QA).
    unreleased = entries_after(_decode_changelog(files.changelog), previous_version)
    if unreleased:
        return _unreleased_entries(files.changelog_path, unreleased, previous, dist, None)
    restore = (f" (its zip only, the folder removed: "
               f"'{command('build', seeds=seeds, out=dist)}' puts the folder back)"
               if zip_only and config.version == previous else "")
    if config.version != previous and not changed:
        # These seeds are that release under another version, which build refuses
        # with these words: said, not only "nothing to release" (QA).
        return ReleaseError(
            f"nothing to release: {seeds} has the same documents and metadata as "
            f"{config.name} {previous} ({previous_path}), and the same processing "
            f"settings and outputs, but version {config.version} in {files.toml_path}"
            f"{_other_version(config.version, latest, releases)}: "
            f"{relabel_advice(seeds, dist, previous, result)}")
    gone = _changelog_gone(seeds, dist, previous_path, previous_version) \
        if bump is None and not changed and config.version == previous else None
    if gone is not None:  # (QA: 'the same ... CHANGELOG.md', where check said missing)
        return ReleaseError(
            f"nothing to release: {seeds} has the same documents and metadata as "
            f"{config.name} {previous} ({previous_path}){restore}, and the same "
            f"processing settings and outputs, but {gone}")
    # 'release patch' is named only for what it releases: with nothing changed at
    # all it refuses too, "change something first" (QA: a detour).
    patch = command("release", seeds=seeds, out=dist, arguments=("patch",))
    seeds_changelog = _decode_changelog(files.changelog)
    # Not if the release's own CHANGELOG.md has its entry: it was released, and the
    # seeds are behind it (put back from an earlier commit: QA). The one a build
    # writes without a seeds CHANGELOG.md, "## 1.0.0 (unreleased)", is no release's
    # (QA: the README's try build, then release, was told to change documents).
    only_built = (not has_entry(seeds_changelog, previous) if seeds_changelog
                  is not None else not config.metadata.get("created")) \
        and not has_entry(recorded_changelog(previous_path, previous_version),
                          previous)
    # What else the seeds say of the latest release (a version built alone, a
    # release time edited), told after "nothing to release".
    also = (f". {previous} was made with 'corpuskit build' alone (the seeds record "
            f"no release of it: no {CHANGELOG_NAME} entry or release time): if it "
            f"was never published, remove {previous_path.name} and its zip from "
            f"{dist} and run '{command('release', seeds=seeds, out=dist)}', which "
            "makes it with its entry and time; if it was, the next change is "
            "released after it" if only_built and not zip_only else "")
    stated = config.metadata.get("created")
    if not also and stated and result.old.created and stated != result.old.created:
        # (QA: 'check' named the edited time; release said nothing of it)
        also = (f". {files.toml_path}'s created ({stated}) is not the release time of "
                f"{previous} ({result.old.created}), which release set there: "
                f"put it back, and 'corpuskit check' finds dist current again")
    if not changed:  # (QA: "the same processing settings, outputs", of seeds whose
        # [output] compression had changed, and nothing said of it)
        also += _compression_changed(config, previous_path, files.toml_path)
    # Nothing changed at all: one wording, with a bump or without, dry run or not
    # (QA s83 newuser 3c: 'release --dry-run' said "change documents or metadata
    # first", 'release minor' "change something first").
    return ReleaseError(
        f"nothing to release: {seeds} has the same documents and metadata as "
        f"{config.name} {previous} ({previous_path}){restore}"
        + (f"; only its processing settings, outputs or {CHANGELOG_NAME} changed "
           f"since, which '{patch}' releases"
           if bump is None and changed else
           f", and the same processing settings, outputs and {CHANGELOG_NAME}; change "
           "something first") + also)


def _recorded_history(seeds: Path, dist: Path, config: CorpusConfig, releases: Releases,
                      latest: tuple[Version, Path], chosen: _NextVersion, run: _ReleaseRun,
                      files: _SeedsFiles) -> _History:
    """The release time of ``chosen`` and the changelog its entry goes into: what the
    seeds record of earlier releases carried on, an interrupted release's time and entry
    kept, and refused where they record releases ``dist`` does not hold."""
    previous_version = latest[0]
    previous = str(previous_version)
    result, version = chosen.result, chosen.version
    source_date_epoch = run.source_date_epoch
    recorded_entry = ""
    notes: list[str] = []
    created = release_time(source_date_epoch)
    _require_later(created, result.old.created, previous, source_date_epoch)
    carried_from: Path | None = None  # the release whose CHANGELOG.md is carried on
    if files.changelog is not None:
        base_changelog = _decode_changelog(files.changelog)
    else:  # carry the history on from the latest release's copy that records one
        base_changelog, carried_from = _carried_history(releases.found) or (None, None)
    unfinished = _unfinished_release_entry(config, previous_version, result,
                                           base_changelog,
                                           chosen.final[0] if chosen.final else None)
    if unfinished is None:
        _refuse_later_seeds(dist, config, previous_version, version, files, base_changelog)
    interrupted = _interrupted_release(seeds, dist, config, previous_version, chosen, files,
                                       base_changelog, unfinished)
    kept = interrupted is not None and bool(interrupted.created)
    if interrupted is not None:
        base_changelog, recorded_entry = interrupted.changelog, interrupted.entry
        if interrupted.created:
            ignored = (" (not SOURCE_DATE_EPOCH's)"
                       if resolve_created(config, source_date_epoch) != interrupted.created
                       else "")
            # The build takes corpus.toml's created: "" is no release time, where None
            # would be the environment's SOURCE_DATE_EPOCH again (QA: api 1)
            created, source_date_epoch = interrupted.created, ""
            notes.append(f"{interrupted.held}: this release finishes it with that "
                         f"time{ignored}, the same bytes as that release")
    elif (config.version not in (previous, version)
            and Version.parse(config.version) > previous_version):
        notes.append(f"{CONFIG_NAME} said version {config.version}; the release is "
                     f"{version}, the {chosen.bump} bump of the latest release {previous}")
    _refuse_unreleased_entries(dist, config, previous_version, version, files,
                               base_changelog, carried_from, result.old.created)
    return _History(created, source_date_epoch, base_changelog, recorded_entry, kept,
                    tuple(notes))


def _refuse_later_seeds(dist: Path, config: CorpusConfig, previous_version: Version,
                        version: str, files: _SeedsFiles, changelog: str | None) -> None:
    """Raises :class:`ReleaseError` where the seeds record a release (its version, time
    and entry) later than the latest in ``dist``, ``previous_version``: they are another
    folder's releases; returns None otherwise."""
    recorded_line = entry_line(changelog, config.version)
    if recorded_line is not None and config.metadata.get("created") \
            and Version.parse(config.version) > Version.parse(version):
        # The seeds record a later release than --out holds: another folder's (QA: a
        # typo for dist was told to remove entries, and released a second, other 1.1.0
        # after 1.0.0 where the seeds were at 2.0.0).
        previous = str(previous_version)
        recorded = [entry.word for entry in entries_after(changelog, previous_version)]
        raise ReleaseError(
            f"{files.toml_path} has version {config.version} with its release time, and "
            f"{files.changelog_path} its entry (line {recorded_line}), but the latest release "
            f"in {dist} is {previous}: the seeds record releases that {dist} does not "
            f"hold ({', '.join(recorded)}). If {dist} is not the folder of "
            f"{config.name}'s releases, give --out the one that is; if they were not "
            f"kept, put them (folders and zips) into {dist} first"
            + (f". Releasing here would make {version} after {previous}, another release "
               f"than the seeds' {version}" if version in recorded else ""))


@dataclass(frozen=True)
class _Interrupted:
    """A release of the version being made that the seeds record and ``dist`` does not
    hold, which this release finishes."""

    created: str  # its release time, which this release keeps
    held: str  # the note's words for what held it
    changelog: str | None  # the changelog before its entry
    entry: str  # its entry, in the words it was released with; "": none written


def _interrupted_release(seeds: Path, dist: Path, config: CorpusConfig,
                         previous_version: Version, chosen: _NextVersion, files: _SeedsFiles,
                         changelog: str | None, unfinished: tuple[str, str] | None
                         ) -> _Interrupted | None:
    """The release of ``chosen`` the seeds record and ``dist`` does not hold (its entry,
    ``unfinished``, or its time alone), which this release finishes; None where there is
    none. Raises :class:`ReleaseError` where the seeds record it of other content, or
    record the release of another version after ``previous_version``."""
    previous, version, result = str(previous_version), chosen.version, chosen.result
    stated = config.metadata.get("content_hash")
    if unfinished is not None and version == config.version and stated \
            and stated != result.new.content_hash:
        # Its entry is the one these seeds write, but not its content: an edit inside a
        # document the entry names, or a new value of a field it lists (QA: a second,
        # other 1.1.0 was released, and check called it current).
        raise ReleaseError(other_content_refusal(
            seeds, dist, config, entry_line(changelog or "", version) or 0,
            str(stated), str(result.new.content_hash), "release"))
    if unfinished is not None and version == config.version:
        # The seeds are those of a release of this version that is not in dist: killed
        # before its folder was in place, or made elsewhere and not kept there (a dist
        # not committed). Its recorded time is kept: the same entry, the same bytes as
        # that release's (QA: re-stamped, one version became two different zips).
        # Its entry too, in the words it was released with (an earlier corpuskit's).
        return _Interrupted(
            str(config.metadata["created"]),
            f"{CONFIG_NAME} and {CHANGELOG_NAME} held the release time and entry of "
            f"{config.name} {version}, which is not in {dist} (an interrupted "
            "release, or one made in another folder or clone and not kept there)",
            *unfinished)
    if unfinished is not None:
        # The release of another bump, recorded and not in --out: published from
        # another clone, or killed here. Replacing its entry rewrote history where it
        # was published (QA: a forced 'release major', pulled into a clone whose dist
        # held 1.0.0, became 1.1.0 by a plain release, its 2.0.0 entry deleted).
        asked = chosen.bump or chosen.required
        finish = command("release", seeds=seeds, out=dist,
                         arguments=(_bump_of(previous_version, config.version),))
        raise ReleaseError(
            f"{files.toml_path} and {files.changelog_path} record the release of {config.name} "
            f"{config.version} after {previous} (its time and entry), which is not in "
            f"{dist}, and this {asked} release would be {version}: if {config.version} "
            f"was published, put it (its folder and zip) into {dist} first; if its "
            f"release was interrupted, finish it with '{finish}'; to release {version} "
            f"instead, remove its entry from {CHANGELOG_NAME}, then release again")
    recorded_time = _recorded_time_of(config, version, result.old.created, changelog)
    if recorded_time is None:
        return None
    # Killed after corpus.toml was written, before CHANGELOG.md was (QA: released
    # again later, it took a new time, unlike a release left with both written).
    return _Interrupted(
        recorded_time,
        f"{CONFIG_NAME} held the version and release time of {config.name} "
        f"{version}, which is not in {dist} (a release interrupted before it "
        f"wrote {CHANGELOG_NAME})",
        changelog, "")


def _refuse_unreleased_entries(dist: Path, config: CorpusConfig, previous_version: Version,
                               version: str, files: _SeedsFiles, changelog: str | None,
                               carried_from: Path | None, previous_created: str | None
                               ) -> None:
    """Raises :class:`ReleaseError` where ``changelog``, the one this release's entry goes
    into, has entries after the latest release ``previous_version``: carried on from the
    release ``carried_from``, one for ``version`` itself, or others never released;
    returns None otherwise."""
    previous = str(previous_version)
    if carried_from is not None and (
            carried_ahead := entries_after(changelog, previous_version)):
        # Not the seeds' to remove: they have no CHANGELOG.md (QA: 'seeds/CHANGELOG.md
        # (line 3)' was named, a file that did not exist).
        raise _carried_entries(carried_from, carried_ahead, previous, dist)
    written = entry_line(changelog, version)
    if written is not None:
        time = time_recorded_after(config, previous_created)
        elsewhere = (
            f"; if {version} was released from these seeds in another folder or clone "
            f"({CONFIG_NAME} records a release time, {time}, after {previous}'s), "
            f"put that release into {dist} first: the next release then follows it "
            "(removing the entry would make a second, other "
            f"{version})" if config.version == version and time is not None else "")
        raise ReleaseError(
            f"{files.changelog_path} already has an entry for {version} (line {written}), "
            f"which is not released in {dist} and is not the entry this release writes "
            "(written by hand, or left by an interrupted release of other content)"
            f"{elsewhere}; otherwise remove that entry, corpuskit writes it, and run "
            "the release again")
    unreleased = entries_after(changelog, previous_version)
    if unreleased:
        raise _unreleased_entries(files.changelog_path, unreleased, previous, dist, version)


def _refuse_taken_names(dist: Path, release_name: str) -> None:
    """Every release, a zip whose folder was removed too, is at most the latest: anything
    under the new version's name is in the way (left there since it was surveyed)."""
    for taken in (dist / release_name, dist / f"{release_name}.zip"):
        if os.path.lexists(taken):
            raise ReleaseError(f"{taken} already exists but is not the latest release; "
                               "released versions are immutable: move it away first")


def _new_texts(seeds: Path, dist: Path, config: CorpusConfig, releases: Releases,
               chosen: _NextVersion, history: _History, files: _SeedsFiles) -> _Texts:
    """The release's changelog entry, and the CHANGELOG.md and corpus.toml it writes."""
    result, version, previous, created = (chosen.result, chosen.version, chosen.previous,
                                          history.created)
    base_changelog = history.changelog
    notes: list[str] = []
    entry = ""
    # A first release keeps an entry the maintainer wrote, however its heading spells the
    # version (a "## v1.0.0" got a second entry for 1.0.0); later ones always add theirs.
    if previous is not None or version not in versions_in(base_changelog):
        entry = history.recorded_entry or changelog_entry(
            version, created, result, previous, chosen.bump, required=chosen.least)
    if chosen.latest is not None:
        previous_version, previous_path = chosen.latest
        from_first = base_changelog is None  # every release a build's alone, no history
        base_changelog, built_alone, behind = _with_built_versions(
            base_changelog, releases.found, config.name,
            recorded_changelog(previous_path, previous_version))
        if behind:
            notes.append(f"{CHANGELOG_NAME} had no entry for {', '.join(behind)}, released "
                         f"with one (the seeds' {CHANGELOG_NAME} is behind "
                         f"{shown_name(dist)}: put back from an earlier commit?): each is "
                         f"taken as {shown_name(previous_path.name)}'s {CHANGELOG_NAME} has "
                         "it, below this release's")
        if built_alone and files.changelog is None:
            # Where they come from, the seeds having none (QA: no entry, and no word)
            first = f" (for {built_alone[0]}, the first, its documents)" if from_first else ""
            notes.append(f"{shown_name(seeds)} had no {CHANGELOG_NAME}, and no release in "
                         f"{shown_name(dist)} held an entry for {', '.join(built_alone)}, made "
                         f"with 'corpuskit build' alone: the {CHANGELOG_NAME} this release "
                         "writes gets one for each, with the changes since the release before "
                         f"it{first}, below this release's")
        elif built_alone:
            notes.append(f"{CHANGELOG_NAME} had no entry for {', '.join(built_alone)}, made "
                         "with 'corpuskit build' alone: it gets one for each, with the "
                         "changes since the release before it, below this release's")
    new_changelog = insert_changelog_entry(base_changelog, config.name, entry) if entry \
        else base_changelog
    # The content hash beside the release time: a build of this version where it is not in
    # --out (a clone) can tell the seeds it was released from (see build._second_release).
    # Not added to seeds that record this very release without one (released by a corpuskit
    # that did not write it, made again here): they stay as they were.
    recorded_alone = (version == config.version and created == config.metadata.get("created")
                      and "content_hash" not in config.metadata)
    new_toml = update_corpus_toml(files.toml.decode("utf-8"), version, created,
                                  None if recorded_alone else result.new.content_hash
                                  ).encode("utf-8")
    return _Texts(entry, new_changelog, new_toml, tuple(notes))


def _build_or_restore(seeds: Path, dist: Path, placed: Path, version: str, files: _SeedsFiles,
                      texts: _Texts, run: _ReleaseRun, source_date_epoch: str | None,
                      expected_content: str | None) -> BuildResult:
    """Write corpus.toml and CHANGELOG.md and build the release ``placed`` (not there
    before: refused above); on failure, put the seeds' files back, or keep them where
    the release's folder is in place (its zip to be written by 'corpuskit build')."""
    try:
        if texts.toml != files.toml:
            replace_file_atomically(files.toml_path, texts.toml)
        if texts.changelog is not None \
                and texts.changelog.encode("utf-8") != files.changelog:
            replace_file_atomically(files.changelog_path, texts.changelog.encode("utf-8"))
        built = build(seeds, dist, source_date_epoch=source_date_epoch, jobs=run.jobs,
                      cache=run.cache, entry_checked=True,
                      expected_content=expected_content, progress=run.progress)
    except BaseException as failure:
        if not placed.is_dir():
            _restore(files.toml_path, files.toml, files.changelog_path, files.changelog)
            raise
        # The build put the release's folder in place and was stopped (an interrupt, a full
        # disk) before its zip: the seeds keep the release's version and changelog entry,
        # so that 'corpuskit build' writes the zip and finishes the release. Put back, they
        # left a folder no command would finish (QA): build refused the older version's
        # content, and release and check sent the user to build.
        if isinstance(failure, OutputError):
            raise ReleaseError(
                f"{failure}; {placed} is in place without its zip, and {CONFIG_NAME} and "
                f"{CHANGELOG_NAME} keep {version}: once that is mended, run "
                f"'{command('build', seeds=seeds, out=dist)}' to write its zip, which "
                "finishes the "
                "release") from failure
        if isinstance(failure, KeyboardInterrupt):  # Ctrl-C, SIGTERM: said as it ends (QA)
            told_when_ended(failure, f"{placed} is in place without its zip, and "
                                     f"{CONFIG_NAME} and {CHANGELOG_NAME} keep {version}: run "
                                     f"'{command('build', seeds=seeds, out=dist)}' to write "
                                     "its zip, which finishes the release", replace=True)
        raise
    return built


def _unreleased_entries(changelog_path: Path, unreleased: list[Entry], previous: str,
                        dist: Path, version: str | None) -> ReleaseError:
    """The refusal of ``unreleased``, the changelog's entries of versions after the latest
    release ``previous``, never released: each named with its line; ``version``, the
    release being made, where one is (None where there is nothing else to release)."""
    one = len(unreleased) == 1
    lines = ", ".join(str(entry.line) for entry in unreleased)
    return ReleaseError(
        f"{changelog_path} has {'an entry' if one else 'entries'} for "
        f"{', '.join(entry.word for entry in unreleased)}, after the latest release "
        f"{previous} in {dist} and never released"
        + (f", and this release is {version}" if version is not None else "")
        + " (written by hand, or left by an interrupted release of other content); "
        f"remove {'that entry' if one else 'those entries'} (line{'' if one else 's'}"
        f" {lines}) and run the release again")


def _require_intact(previous: Path, jobs: int | None, seeds: Path = Path("seeds")) -> None:
    """The release a new one is diffed against, and whose changelog it may carry on,
    must pass validate: a changed byte in it would make a wrong bump and changelog. A
    release is its folder and its zip: the zip beside the folder must pass too, and hold
    the same package (QA: a damaged zip, or one of another build of that version, was
    passed over, and the bump made against the folder was wrong for whoever holds the
    published zip)."""
    _require_valid(previous, jobs, seeds)
    archive = previous.with_name(f"{previous.name}{ARCHIVE_SUFFIX}")
    if is_archive(previous) or not archive.is_file():
        return  # a zip-only release, or one whose zip is missing (said by the caller)
    _require_valid(archive, jobs, seeds)
    from .validation.pairs import release_pair_problems

    other = release_pair_problems(previous, archive)
    if other:
        raise ReleaseError(
            f"the latest release's zip {archive} {other[0].message}; then release again")


def _require_valid(previous: Path, jobs: int | None, seeds: Path = Path("seeds")) -> None:
    """:func:`_require_intact` of a release's folder or zip alone (``seeds``: the seeds
    folder released, as given)."""
    from .validation import validate  # the checks, imported only by a release

    report = validate(previous, jobs=jobs)
    if not report.valid and (report.unreadable or unreadable_given(previous) is not None):
        # its permissions, not its content: not to be restored (QA)
        raise UnreadableRelease(
            report.unreadable_problems() or [replace(problem, path=report.display_path(problem))
                                            for problem in report.problems
                                            if problem.code == "unreadable-file"],
            f"the latest release {previous} cannot be read by this user, and a release is "
            f"diffed against it: make it readable (chmod -R a+rX {shell_word(str(previous))}), "
            "or run corpuskit as its owner, then release again")
    if not report.valid:
        count = len(report.problems)
        first = report.problems[0]
        shown = replace(first, path=report.display_path(first)).render()
        converted = [problem.path for problem in report.problems
                     if problem.code == "checksum-mismatch"
                     and said_converted((problem.message,))]
        if converted:  # Git's line-end handling: restoring it from Git converts it again (QA)
            first = next(problem for problem in report.problems if problem.path in converted)
            shown = replace(first, path=report.display_path(first)).render()
            which = "file" if len(converted) == 1 else "files"
            raise ReleaseError(
                f"the latest release {previous} does not pass validation "
                f"({counted(count, 'problem')}; the first converted: {shown}), and a release "
                "is diffed against it: "
                + line_ends_advice((seeds, previous.parent), (
                    f"{len(converted)} of its {which} ({shown_paths(converted)}) "
                    f"{'holds' if len(converted) == 1 else 'hold'} other line ends than "
                    "its manifests record"))
                + "; then release again")
        raise ReleaseError(
            f"the latest release {previous} does not pass validation "
            f"({counted(count, 'problem')}; the first: {shown}); a "
            "release is diffed against it, so restore it from a published copy ('corpuskit "
            "validate' lists every problem), then release again")


def _seeds_relative(seeds: Path, run: Callable[[], Diff]) -> Diff:
    """``run()``, a diff with ``seeds`` on one side, its problems of the seeds named
    relative to them as every other problem of a release (``corpus.toml``, a document's
    path): diff names them under the seeds (``seeds/a.txt``), once, and the CLI joins a
    release's problems to the seeds as given."""
    try:
        return run()
    except InputError as error:
        if not all(named_under(seeds, problem) for problem in error.problems):
            raise EarlierReleaseProblems(error.problems, error.summary) from None  # the other
        root = printable(str(seeds))  # as diff names it (a name not UTF-8 in escapes)
        raise InputError([replace(problem, path=problem.path[len(root) + 1:] or ".")
                          for problem in error.problems], error.summary,
                         error.skipped, error.notes) from None


class EarlierReleaseProblems(ReleaseProblems):
    """Problems of the earlier release a release is diffed against, named under the
    output folder as given (``dist/x-1.0.0/README.md``), not relative to the seeds."""


def _other_version(version: str, latest: tuple[Version, Path], releases: Releases) -> str:
    """What ``version`` (the seeds', not that of the ``latest`` release, whose content they
    hold) is, in parentheses: released with other content, which build refuses to build
    again, released with this content too (QA: a 1.1.0-rc.1 built after 1.1.0 from the same
    seeds was said to hold other content), or not released (below the latest: build makes
    it beside the newer one)."""
    for found, path in releases.found:
        if str(found) == version:
            stated, latest_stated = stated_content(path), stated_content(latest[1])
            if stated is None or latest_stated is None:  # a zip: not opened to tell
                return f" (a version released already: {path})"
            if stated == latest_stated:
                return f" (released too, with this content: {path})"
            return (" (a version released with other content, which build refuses to build "
                    "again)")
    if Version.parse(version) < latest[0]:
        return f" (not released, and below the latest release {latest[0]})"
    return " (not released)"


def written_otherwise(seeds: Path, dist: Path, previous: Path, jobs: int | None) -> bool:
    """Whether a fresh build of ``seeds``, at the version and release time of the release
    ``previous`` in ``dist`` (its folder, or its zip alone), differs from it
    (:func:`corpuskit.check.check`, which builds them in a temporary folder): with the
    same documents, metadata, settings and CHANGELOG.md, this corpuskit writes the
    release's files otherwise than the one that built it. A release without a release
    time is built without one (QA: never compared, 'check' named 'release patch', which
    refused)."""
    from .check import check  # only on this path: nothing else would be released

    try:
        descriptor = orjson.loads(_release_file(previous, DESCRIPTOR) or b"{}")
    except (OSError, ValueError, InputError):
        return False  # the checks before this one say what is wrong with it
    kept = descriptor.get("created") if isinstance(descriptor, dict) else None
    seconds = epoch_of(kept) if isinstance(kept, str) else None
    if isinstance(kept, str) and seconds is None:
        return False  # a release time in no form corpuskit writes: validate says so
    # "" (no release time), not None, which would be the environment's (QA: api 1)
    report = check(seeds, dist, source_date_epoch="" if seconds is None else seconds,
                   jobs=jobs)
    return any(problem.code == "stale-release" for problem in report.problems)


def packaging_changed(config: CorpusConfig, previous: Path, changelog: bytes | None
                       ) -> bool:
    """Whether a release of ``config`` would differ from the release at ``previous`` in
    its processing settings, its outputs (the Parquet file) or its CHANGELOG.md (the
    seeds' ``changelog``, edited since: a typo fixed), which the diff does not count:
    documents and metadata are the same. Unreadable: assume it changed."""
    try:
        descriptor = orjson.loads(_release_file(previous, DESCRIPTOR) or b"")
        recorded = descriptor["corpuskit"]["process"]
        resources = {resource.get("path") for resource in descriptor["resources"]}
        shipped = (_release_file(previous, CHANGELOG_NAME)
                   if changelog is not None else None)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, InputError):
        return True
    return (recorded != process_settings(config)
            or (PARQUET_PATH in resources) != config.parquet
            or shipped != changelog)


def _compression_changed(config: CorpusConfig, previous: Path, toml_path: Path) -> str:
    """What a refusal of nothing to release adds when the seeds' ``[output] compression``
    is not the one that deflated the latest release's zip (``previous``: its folder, or its
    zip alone): released with the next change, never alone, as the compression is no part
    of a release (:mod:`corpuskit.zipfiles.archivecompression`); "" otherwise."""
    archive = previous if is_archive(previous) \
        else previous.with_name(f"{previous.name}{ARCHIVE_SUFFIX}")
    made = archive_compression(archive) if archive.is_file() else None
    if made is None or made == config.compression:
        return ""
    return f". {compression_changed(archive.name, made, config.compression, toml_path)}"


def _changelog_gone(seeds: Path, dist: Path, release: Path, version: Version
                    ) -> str | None:
    """What check says of the seeds' CHANGELOG.md, missing or empty since ``release`` (of
    ``version``, in ``dist``) was released with its entry: restore it first; 'release
    patch' would only publish a version in which nothing else changed. None if it is
    there, or ``release`` records no entry (a version built alone: nothing was deleted
    since a release)."""
    from .check import changelog_gone, changelog_restore  # only on this path

    gone = changelog_gone(seeds)
    if gone is None or not has_entry(recorded_changelog(release, version), str(version)):
        return None
    return changelog_restore(seeds, dist, str(version), gone)


def recorded_changelog(release: Path, version: Version) -> str | None:
    """The CHANGELOG.md of ``release``, of ``version``: None where it has none, or has the
    one a build writes where the seeds have none, which records no release
    (:func:`corpuskit.package.is_default_changelog`)."""
    text = _decode_changelog(_release_file(release, CHANGELOG_NAME))
    return None if is_default_changelog(text, str(version)) else text


def _carried_history(found: Sequence[tuple[Version, Path]]) -> tuple[str, Path] | None:
    """The history a release of seeds without a CHANGELOG.md carries on: the CHANGELOG.md
    of the newest release in ``found`` (oldest first) that records one, and that release;
    None where each was made by a build alone. The latest's alone, the one line of a
    version built alone, lost every version before it (QA)."""
    for version, path in reversed(found):
        try:
            text = recorded_changelog(path, version)
        except (OSError, InputError):
            # An older release that cannot be read: its entry's diff says what is wrong
            # (:func:`_with_built_versions`), as for a version built alone.
            continue
        if text is not None:
            return text, path
    return None


def _built_entry(before: tuple[Version, Path] | None, version: Version, path: Path,
                 final: Version | None = None) -> str:
    """The entry a release of ``version`` (the release at ``path``, made with 'corpuskit
    build' alone) would have written after ``before`` (None: its first release): its
    changes since, and its time (``unreleased`` if it has none). ``final``: the latest
    final release before it, from which a final version after a pre-release is labelled."""
    try:
        result = diff(before[1], path) if before is not None else diff_against_nothing(path)
    except CorpuskitError:
        # (QA: its problems were named as files of the seeds folder)
        compared = (f"compared with {before[1]}" if before is not None
                    else "read as a first release")
        raise ReleaseError(
            f"{path}, version {version}, made with 'corpuskit build' alone, cannot be "
            f"{compared} for its changelog entry: 'corpuskit validate "
            f"{path}' names what is wrong; restore it from a published copy, or move it "
            f"out of {path.parent}, then release again") from None
    date = result.new.created or "unreleased"
    if before is None:
        return changelog_entry(str(version), date, result, None)
    previous = before[0]
    if result.bump == "none":  # the same documents and metadata (QA: "None release.")
        return (f"## {version} ({date[:10]})\n\nNo document or package metadata "
                f"changed since {previous}.\n")
    if previous.prerelease and not version.prerelease:  # as a release labels it
        least = final_level(previous.bump(result.bump), final)
        return changelog_entry(str(version), date, result, str(previous),
                               final_level(version, final), required=least)
    level = ("major" if version.major != previous.major else "minor"
             if version.minor != previous.minor else "patch"
             if version.patch != previous.patch else None)
    return changelog_entry(str(version), date, result, str(previous), level)


def _with_built_versions(changelog: str | None, found: Sequence[tuple[Version, Path]],
                         name: str, released: str | None = None
                         ) -> tuple[str | None, list[str], list[str]]:
    """``changelog`` with an entry for each release in ``found`` (oldest first) after the
    newest one it has an entry for: versions made with ``corpuskit build`` alone (a version
    bumped by hand, a pre-release), whose changes would otherwise be in no entry (QA: the
    next release's entry began "Changes since 1.1.0", and 1.1.0's added documents were
    named nowhere). Each is the entry a release of it would have written: its changes
    since the release before it, its time (``unreleased`` if it has none). A changelog
    with no entry for any of them is left as it is; so are the versions it names. None,
    no changelog at all (seeds without one, whose releases were each made by a build
    alone), gets an entry for each, the first as a first release's (QA: only the latest
    one's line, "- 2 documents.", was kept).

    ``released``: the latest release's CHANGELOG.md (None where a build alone wrote it:
    :func:`recorded_changelog`). A version whose entry it holds was
    released with its entry (seeds put back from an earlier commit lack it): that entry is
    taken as it is, not written again in other words (QA: called made with 'corpuskit
    build' alone, and given entries other than the published ones). Returned: the
    changelog, the versions given a new entry, and those whose entry was taken."""
    added: list[str] = []
    taken: list[str] = []
    if changelog is None and found:
        first, path = found[0]
        changelog = insert_changelog_entry(None, name, _built_entry(None, first, path))
        added.append(str(first))
    if changelog is None:
        return changelog, [], []
    named = [at for at, (version, _) in enumerate(found) if has_entry(changelog, str(version))]
    if not named:
        return changelog, added, taken
    for (before, before_path), (version, path) in zip(found[named[-1]:], found[named[-1] + 1:],
                                                      strict=False):
        published = entry_text(released, str(version))
        if published is not None:
            changelog = insert_changelog_entry(changelog, name,
                                               published.rstrip("\r\n") + "\n")
            taken.append(str(version))
            continue
        final = next((older for older, _ in reversed(found)
                      if not older.prerelease and older < version), None)
        changelog = insert_changelog_entry(changelog, name, _built_entry(
            (before, before_path), version, path, final))
        added.append(str(version))
    return changelog, added, taken


def _latest_final(releases: Releases, below: Version) -> tuple[Version, Path] | None:
    """The newest release in ``releases`` that is no pre-release, below ``below``."""
    return next(((version, path) for version, path in reversed(releases.found)
                 if not version.prerelease and version < below), None)


def final_level(version: Version, final: Version | None) -> str:
    """The level of ``version``, a final release made after a pre-release: its bump from
    ``final``, the latest final release before it (the first of its numbers that differs),
    which its users upgrade from; with none, the level its numbers name (X.0.0 major, X.Y.0
    minor, else patch). SemVer: 2.0.0 after 2.0.0-rc.1 is the release of major version 2,
    never a patch of the pre-release."""
    if final is None:
        return "major" if version.minor == version.patch == 0 else \
            "minor" if version.patch == 0 else "patch"
    return ("major" if version.major != final.major
            else "minor" if version.minor != final.minor else "patch")


def _require_final_bump(seeds: Path, dist: Path, name: str, version: str,
                        latest: tuple[Version, Path], result: Diff,
                        final: tuple[Version, Path]) -> None:
    """Refuse ``version``, a release after the pre-release ``latest``, when it is below the
    version the changes since ``final``, the latest final release, require: its users
    upgrade from ``final`` (``result``: the seeds' diff against ``latest``)."""
    (previous, previous_path), (final_version, final_path) = latest, final
    # Seeds holding the pre-release's documents and metadata: the two releases are
    # diffed, not the seeds processed a second time.
    since = _seeds_relative(seeds, lambda: diff(
        final_path, previous_path if result.bump == "none" else seeds))
    if since.bump == "none":
        return
    least = final_version.bump(since.bump)
    if Version.parse(version) >= least:
        return
    needed = next(level for level in reversed(RELEASE_BUMPS) if previous.bump(level) >= least)
    raise ReleaseError(
        f"{version} is too small a release: it follows {name} {previous}, a pre-release, "
        f"and the changes since the latest final release, {final_version} "
        f"({summarize(since)}), require a {since.bump} release, {least} or later; run "
        f"'{command('release', seeds=seeds, out=dist, arguments=(needed,))}', which "
        f"makes {previous.bump(needed)}")


def _bump_of(previous: Version, version: str) -> str:
    """The bump that makes ``version`` of ``previous`` (major if none does)."""
    return next((level for level in RELEASE_BUMPS if str(previous.bump(level)) == version),
                "major")


def _unfinished_release_entry(config: CorpusConfig, previous: Version, result: Diff,
                              changelog: str | None, final: Version | None = None
                              ) -> tuple[str, str] | None:
    """``changelog`` without the entry a killed release of this same diff wrote, and that
    entry, or None. ``final``: the latest final release before ``previous``, when that is
    a pre-release (the release is labelled from it: :func:`final_level`).

    A release writes ``version`` and ``created`` into corpus.toml and its entry into
    CHANGELOG.md before it builds; killed during the build, it leaves both behind. The
    entry is recognized only if it is byte for byte what that release wrote (same version,
    time stamp, previous release and diff), so a hand-written entry is never removed.
    """
    created = config.metadata.get("created")
    if changelog is None or not created or not has_entry(changelog, config.version):
        return None
    # (label, required bump as labelled; None: the diff's)
    labels: list[tuple[str, str | None]] = [(level, None) for level in RELEASE_BUMPS
                                            if str(previous.bump(level)) == config.version]
    if labels and previous.prerelease:
        # As this corpuskit labels it (see _release), before the labels by the bump typed
        # that an earlier one wrote (QA: 2.0.0 of 2.0.0-rc.1, a "Patch release").
        required = result.bump if result.bump == "none" else \
            final_level(previous.bump(result.bump), final)
        labels.insert(0, (final_level(Version.parse(config.version), final), required))
    for level, least in labels:
        # The entry an earlier corpuskit wrote is that release's too (QA: lifecycle 2-4
        # reworded entries; seeds released before must still finish, not be refused).
        for earlier in (False, True):
            entry = changelog_entry(config.version, str(created), result, str(previous),
                                    level, earlier=earlier, required=least)
            before = remove_changelog_entry(changelog, config.name, entry)
            if before is not None:
                return before, entry
    return None


def _recorded_time_of(config: CorpusConfig, version: str, previous_created: str | None,
                      changelog: str | None) -> str | None:
    """The release time corpus.toml records for ``version``, the version this release
    makes, when a release of it was interrupted after writing corpus.toml and before
    writing its entry into CHANGELOG.md: corpus.toml holds that version and a time after
    the previous release's, and CHANGELOG.md no entry for it. None otherwise (a version
    bumped by hand keeps the previous release's time, which is not after it)."""
    if config.version != version or not previous_created \
            or has_entry(changelog or "", version):
        return None
    return time_recorded_after(config, previous_created)


def _require_later(created: str, earlier: str | None, previous: str,
                   source_date_epoch: str | None) -> None:
    """Refuse a release time before the latest release's: its changelog entry would stand
    above an older one, dated before it (a SOURCE_DATE_EPOCH such as Nix's default,
    315532800, 1980-01-01, or a clock set back)."""
    try:
        before = (dt.datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ")
                  < dt.datetime.strptime(earlier or "", "%Y-%m-%dT%H:%M:%SZ"))
    except ValueError:  # no time to compare with (validate speaks of a malformed one)
        return
    if not before:
        return
    if source_date_epoch is not None and source_date_epoch.strip():
        raise ReleaseError(
            f"the release time {created} (from SOURCE_DATE_EPOCH={source_date_epoch}) is "
            f"before that of the latest release, {previous}, {earlier}: set "
            "SOURCE_DATE_EPOCH to the time of the sources' last change, as `git log -1 "
            "--format=%ct` gives it, or unset it to release at the current time; nothing "
            "was written")
    ahead = (dt.datetime.strptime(earlier or "", "%Y-%m-%dT%H:%M:%SZ")
             - dt.datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ"))
    # (QA: a created mistyped as 2206 was blamed on the clock, which was right)
    mistyped = (f"; if the clock is right, {previous}'s time is {ahead.days:,} days ahead of "
                "it (a mistyped created?), and a released version stands as it was "
                "released: set SOURCE_DATE_EPOCH to a time after it to release"
                if ahead > dt.timedelta(days=1) else "")
    raise ReleaseError(
        f"the release time {created} (from this machine's clock) is before that of the "
        f"latest release, {previous}, {earlier}: set the clock right, or set "
        "SOURCE_DATE_EPOCH to the time of the sources' last change, as `git log -1 "
        f"--format=%ct` gives it{mistyped}; nothing was written")


def _recorded_after(changelog: str | None, version: str) -> str | None:
    """The version whose entry comes right below ``version``'s, the newest, in
    ``changelog``: the seeds record the release of ``version`` after that one. None where
    ``version``'s entry is not the newest or no entry is below it."""
    versions = versions_in(changelog)
    if len(versions) < 2 or versions[0] != version:
        return None
    return versions[1]


def _same_time_note(name: str, version: str, previous: str, created: str,
                    whence: str) -> str:
    """What a release says of its time when it is the latest release's (``previous``;
    ``whence``: where the time came from): allowed, as a SOURCE_DATE_EPOCH fixed for a run
    of releases gives it, but two releases then say they were made at once. Its build's
    advice, to "let 'corpuskit release' make releases", was printed about release's own
    release (QA)."""
    return (f"{name} {version} has the release time of {name} {previous}, {created} (from "
            f"{whence}): the two releases say they were made at once; to tell them apart, "
            "release each change with SOURCE_DATE_EPOCH set to its own time, as `git log -1 "
            "--format=%ct` gives it once the change is committed")


def _first_release_time(config: CorpusConfig, source_date_epoch: str | None) -> str:
    """A first release keeps a recorded ``created`` unless SOURCE_DATE_EPOCH is set."""
    if source_date_epoch is not None and source_date_epoch.strip():
        return release_time(source_date_epoch)
    recorded = config.metadata.get("created")
    return str(recorded) if recorded else release_time(None)


def _restore(toml_path: Path, old_toml: bytes, changelog_path: Path,
             old_changelog: bytes | None) -> None:
    """Put corpus.toml and CHANGELOG.md back as they were before the release started."""
    if toml_path.read_bytes() != old_toml:
        replace_file_atomically(toml_path, old_toml)
    if old_changelog is None:
        remove_file(changelog_path)
    elif _read_text(changelog_path) != old_changelog:
        replace_file_atomically(changelog_path, old_changelog)
