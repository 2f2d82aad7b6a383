"""``corpuskit info``: what is in a package, an archive or a seeds folder, in one summary.

Everything is measured by streaming the records (a package's ``data/documents.jsonl``,
or the records a build would make from a seeds folder), so the numbers are facts, not the
descriptor's claims: the content hash is recomputed from the records and a package whose
stated hash differs is flagged. Memory stays flat (one record, and one integer per
document for the length median). ``info`` does not verify file checksums; use
``corpuskit validate`` or :func:`corpuskit.load` for that.

Example::

    >>> from corpuskit.info import info                     # doctest: +SKIP
    >>> summary = info("dist/corpuskit-seeds-1.0.0.zip")    # doctest: +SKIP
    >>> summary.documents, summary.languages                # doctest: +SKIP
    (1, {'en': 1})
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from . import __version__
from .changelog import versions_in
from .config import CHANGELOG_NAME, load_config
from .discover import NO_DOCUMENTS, discover, read_changelog, read_source, seeds_files, size_of
from .dist import releases_given
from .errors import CorpuskitError, InputError
from .metadatapaths import config_path_problems
from .models import DocumentProblem
from .package import DOCUMENTS_PATH, CorpusStats, content_hash, content_hash_of
from .packagesource import DESCRIPTOR
from .pathargs import given_path
from .problems import Problem, about_environment, of_target, one_line, ordered
from .reader import (
    NOT_AN_ARCHIVE,
    FolderSource,
    checked_record,
    folder_kind,
    iter_record_lines,
    may_be_archive,
    member_problem,
    not_an_archive,
    open_package,
    read_descriptor,
    read_error,
)
from .records import process_document_reported, record_line, use_the_users_model
from .regularfiles import read_problem, unreadable_given
from .wording import counted, shell_word, shown_in, shown_name
from .zipfiles.zipdirectory import ArchiveReadError


@dataclass(frozen=True)
class Info:
    """The summary of a package, archive or seeds folder (see :func:`info`)."""

    path: str
    kind: str
    name: str
    title: str | None
    version: str
    versions: list[str]
    created: str | None
    documents: int
    languages: dict[str, int]
    dated: int
    first_date: str | None
    last_date: str | None
    characters: int
    words: int
    raw_bytes: int
    chars_min: int | None
    chars_median: float | None
    chars_max: int | None
    files: int
    bytes: int
    archive_bytes: int | None
    licenses: list[str]
    content_hash: str | None
    stated_content_hash: str | None
    problems: list[dict[str, str]] = field(default_factory=list)
    corpuskit_version: str = __version__

    def as_dict(self) -> dict[str, Any]:
        """The JSON form (``corpuskit info --json``; schema ``info.schema.json``)."""
        return asdict(self)


#: What ``info`` takes, as its refusals of other paths say.
INFO_TARGETS = "pass a package folder, a package .zip or a seeds folder"


def failure_document(path: Path, error: CorpuskitError) -> dict[str, Any]:
    """What ``corpuskit info --json`` prints for a path whose records cannot be read (the
    ``failure`` form of ``info.schema.json``): the problems that stopped it; or, for a run
    that stopped for another reason (memory ran out), why, as ``error``. The problems'
    paths are relative to ``path``: ``.`` for the path itself, as validate writes it."""
    if isinstance(error, InputError):
        return {"path": str(path),
                "problems": [problem.as_dict() for problem in of_target(path, error.problems)],
                "corpuskit_version": __version__}
    return {"path": str(path), "error": str(error), "problems": [],
            "corpuskit_version": __version__}


def _changelog_versions(text: bytes | None) -> list[str]:
    return versions_in(text.decode("utf-8", "replace")) if text else []


def _licenses(entries: list[dict[str, Any]]) -> list[str]:
    return [str(lic.get("name") or lic.get("title") or lic.get("path")) for lic in entries]


def _length_summary(stats: CorpusStats) -> tuple[int | None, float | None, int | None]:
    """The shortest, median and longest document's length, as the data card states them
    (from the lengths counted by value: no sorted list of a million of them)."""
    lengths = stats.lengths()
    if lengths is None:
        return None, None, None
    return lengths.minimum, float(lengths.median), lengths.maximum


def _package_info(path: Path) -> Info:
    with open_package(path) as source:
        descriptor = read_descriptor(source)
        stats = CorpusStats()
        digest = hashlib.sha256()
        try:
            previous = ""
            for number, line in iter_record_lines(source):
                digest.update(line)
                record = checked_record(source, line, number, previous)
                previous = record.id
                stats.add(record)
        except (FileNotFoundError, KeyError):
            raise InputError([Problem(DOCUMENTS_PATH, "missing-file",
                                      "the package has no records file")]) from None
        except InputError as error:  # naming the package, as load's records do
            raise read_error(path, error) from None
        files = source.files()
        # The folder as given: a name this locale misreads is named so, as validate names it.
        refused = (_refused_entries(source.location) if isinstance(source, FolderSource)
                   else [])
        if refused:  # as validate says them (QA: their stat was a traceback)
            skip = {problem.path for problem in refused}
            # (and the files listed in a folder that cannot be entered: QA s83)
            files = [rel for rel in files if rel not in skip and not _under(rel, skip)]
        total = sum(source.size(rel) for rel in files)
        try:
            changelog = (source.read_bytes(CHANGELOG_NAME) if source.exists(CHANGELOG_NAME)
                         else None)
        except ArchiveReadError as exc:
            raise InputError([member_problem(CHANGELOG_NAME, exc)]) from None
        except OSError as exc:
            raise InputError([read_problem(CHANGELOG_NAME, exc)]) from None
        is_folder = isinstance(source, FolderSource)
    measured = content_hash_of(descriptor, digest.hexdigest())
    stated = (descriptor.get("corpuskit") or {}).get("content_hash")
    problems = [problem.as_dict() for problem in refused]
    declared = (descriptor.get("corpuskit") or {}).get("documents")
    if declared != stats.documents:
        problems.append(Problem(DESCRIPTOR, "metadata-mismatch",
                                f"corpuskit.documents says {declared}, {DOCUMENTS_PATH} "
                                f"holds {stats.documents} records",
                                "/corpuskit/documents").as_dict())
    if stated is not None and stated != measured:
        problems.append(Problem("datapackage.json", "checksum-mismatch",
                                f"states content hash {stated}, the records give {measured}",
                                "/corpuskit/content_hash").as_dict())
    low, median, high = _length_summary(stats)
    return Info(
        path=str(path), kind="package" if is_folder else "archive",
        name=str(descriptor.get("name", "")), title=descriptor.get("title"),
        version=str(descriptor.get("version", "")), versions=_changelog_versions(changelog),
        created=descriptor.get("created"), documents=stats.documents,
        languages=dict(sorted(stats.languages.items())), dated=stats.with_date,
        first_date=stats.first_date, last_date=stats.last_date,
        characters=sum(stats.chars), words=stats.words, raw_bytes=stats.raw_bytes,
        chars_min=low, chars_median=median, chars_max=high,
        files=len(files), bytes=total,
        archive_bytes=None if is_folder else path.stat().st_size,
        licenses=_licenses(descriptor.get("licenses") or []),
        content_hash=measured, stated_content_hash=stated, problems=problems,
    )


def _refused_entries(root: Path) -> list[Problem]:
    """The problems of the entries of the package folder ``root`` that are no regular
    files or folders (a symbolic link, to a folder, to nothing or to itself too; a pipe)
    and of those that cannot be looked at, by path, from validate's own listing of the
    folder (:func:`~corpuskit.validation.view.folder_view`): a package holds regular files
    only. info's own walk of the folder missed linked folders (their files counted out,
    nothing said: QA), and recursed once a folder (a RecursionError's traceback about 980
    folders down: QA s83)."""
    from .validation.view import folder_view

    view = folder_view(root, measure_raw=False)
    return sorted((problem for problem in view.problems
                   if problem.path in view.refused or problem.code == "unreadable-file"),
                  key=lambda problem: problem.path)


def _under(rel: str, folders: set[str]) -> bool:
    """Whether the path ``rel`` is under one of ``folders``."""
    folder = rel.rpartition("/")[0]
    while folder:
        if folder in folders:
            return True
        folder = folder.rpartition("/")[0]
    return False


def _seeds_info(seeds: Path) -> Info:
    try:
        config = load_config(seeds)
    except InputError as error:  # with the documents' problems, where they can be found
        from .validation.seeds import with_document_problems

        raise with_document_problems(seeds, error) from None
    discovery = discover(seeds, config.discover)
    # A metadata path that no file of the package would be: build and validate refuse the
    # seeds for it, so they have no content hash either.
    problems = [*discovery.problems,
                *config_path_problems(config.metadata, config.parquet, discovery.sources,
                                      discovery.skipped, config.discover.exclude)]
    if discovery.held_back:  # files refused for their names: their content is checked too
        from .validation.seeds import held_back_problems

        problems.extend(held_back_problems(seeds, discovery, config.process,
                                           config.discover.max_file_bytes))
    if not discovery.sources and not problems:  # as build and validate refuse it
        problems.append(NO_DOCUMENTS)
    stats = CorpusStats()
    digest = hashlib.sha256()
    use_the_users_model(seeds)
    for ref in discovery.sources:
        try:
            record = process_document_reported(
                read_source(seeds, ref, max_bytes=config.discover.max_file_bytes),
                config.process)
        except DocumentProblem as bad:
            problems.append(bad.problem)
            continue
        digest.update(record_line(record))
        stats.add(record)
    low, median, high = _length_summary(stats)
    changelog = read_changelog(seeds)
    files = seeds_files(seeds, discovery, changelog is not None)  # as validate counts them
    return Info(
        path=str(seeds), kind="seeds", name=config.name, title=config.metadata.get("title"),
        version=config.version, versions=_changelog_versions(changelog),
        created=config.metadata.get("created"), documents=stats.documents,
        languages=dict(sorted(stats.languages.items())), dated=stats.with_date,
        first_date=stats.first_date, last_date=stats.last_date,
        characters=sum(stats.chars), words=stats.words, raw_bytes=stats.raw_bytes,
        chars_min=low, chars_median=median, chars_max=high,
        files=len(files), bytes=size_of(files), archive_bytes=None,
        licenses=_licenses(config.metadata["licenses"]),
        content_hash=None if problems else content_hash(config, digest.hexdigest()),
        stated_content_hash=None,
        problems=[p.as_dict() for p in ordered(problems)],
    )


def info(path: str | os.PathLike[str]) -> Info:
    """Summarize the package folder, ``.zip`` archive or seeds folder at ``path``.

    For a seeds folder every document is processed as a build would (one at a time, in
    this process), so the content hash is the one ``corpuskit build`` would give; input
    problems are listed and leave the content hash unset.

    Example::

        >>> info("seeds").content_hash                          # doctest: +SKIP
        'sha256:6fc6586a...'
    """
    location = given_path(path, "path")
    denied = unreadable_given(location)
    if denied is not None:
        raise InputError([denied])
    kind = folder_kind(location) if location.is_dir() else None
    if kind == "seeds":
        return _seeds_info(location)
    if location.is_dir() and kind is None:
        raise InputError([Problem(str(location), "not-a-package",
                                  releases_given(location) or
                                  "neither a package folder (no datapackage.json) nor a "
                                  f"seeds folder (no corpus.toml); {INFO_TARGETS}")])
    if location.is_file() and not may_be_archive(location) \
            and (refused := not_an_archive(location)) == NOT_AN_ARCHIVE:
        # info takes a seeds folder too (QA: only "a release's folder or its .zip" was named)
        raise InputError([Problem(str(location), "not-a-package", refused.replace(
            "pass a release's folder or its .zip", INFO_TARGETS))])
    return _package_info(location)


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _shown(target: str, kind: str, problem: Problem) -> str:
    """The file of a problem joined to the seeds folder, package folder or archive as
    given, as validate names it (``seeds/news/a.txt``, ``dist/x-1.0.0.zip:README.md``; the
    JSON keeps it relative; QA: an archive's member was named as a file in a folder of the
    zip's name); a problem with an environment variable stays bare."""
    if about_environment(problem) or problem.path == target:
        return problem.path
    return shown_in(target, kind, problem.path)


def render(summary: Info) -> str:
    """The human-readable table ``corpuskit info`` prints."""
    kind = {"package": "package folder", "archive": "package archive",
            "seeds": "seeds folder, not built"}[summary.kind]
    languages = ", ".join(f"{lang} {count:,}" for lang, count in summary.languages.items())
    undated = summary.documents - summary.dated
    dates = (f"{summary.first_date} to {summary.last_date} "
             f"({summary.dated:,} dated, {undated:,} undated)" if summary.first_date
             else f"none ({undated:,} undated)")
    # "1 file", not "1 files" (QA: seeds of one file)
    size = (f"{counted(summary.files, 'file', grouped=True)}, "
            f"{counted(summary.bytes, 'byte', grouped=True)}")
    if summary.archive_bytes is not None:
        size += f" ({counted(summary.archive_bytes, 'byte', grouped=True)} zipped)"
    hash_line = summary.content_hash or "- (the seeds have problems; nothing would be built)"
    if summary.stated_content_hash not in (None, summary.content_hash):
        hash_line += f" (datapackage.json states {summary.stated_content_hash}!)"
    rows = [
        ("name", f"{summary.name} {summary.version}"),
        ("title", summary.title or "-"),
        ("source", f"{shown_name(summary.path)} ({kind})"),
        ("documents", f"{summary.documents:,}"),
        ("languages", languages or "-"),
        ("dates", dates),
        ("text", f"{counted(summary.characters, 'character', grouped=True)}, "
                 f"{counted(summary.words, 'word', grouped=True)}"),
        ("chars/document", f"min {_number(summary.chars_min)}, median "
                           f"{_number(summary.chars_median)}, max {_number(summary.chars_max)}"),
        ("raw input", counted(summary.raw_bytes, "byte", grouped=True)),
        ("size", size),
        ("version", summary.version),
        ("changelog", ", ".join(summary.versions) or "-"),
        ("released", summary.created or "-"),
        ("licenses", "; ".join(summary.licenses)),
        ("content hash", hash_line),
    ]
    if summary.kind != "seeds":  # (QA s101: a damaged zip's summary, exit 0, read as sound)
        rows.append(("checksums", "not checked here: 'corpuskit validate "
                                  f"{shell_word(summary.path)}' checks them"))
    width = max(len(label) for label, _ in rows)
    # Each value and problem on one line, as build and validate show them: a file named
    # "nl<LF>here.txt" broke its problem's line, and a CR could overwrite the terminal's.
    return "\n".join(f"{label:<{width}}  {one_line(value)}" for label, value in rows)


def shown_problems(summary: Info) -> list[Problem]:
    """The problems of ``summary``, each naming its file as ``validate`` names it: joined
    to the folder as given (``seeds/news/a.txt``; the JSON keeps them relative). The CLI
    says them on standard error, after the summary, as every command says its problems
    (QA: they were ``problem:`` lines of the summary, on standard output)."""
    return [replace(problem, path=_shown(summary.path, summary.kind, problem))
            for problem in (Problem(**p) for p in summary.problems)]
