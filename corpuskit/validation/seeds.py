"""Validate a seeds folder: the checks ``build`` makes, without writing anything.

The same stages as :func:`corpuskit.build` (load_config, discover, read_source,
process_document_reported); each document is processed and dropped, so memory stays flat.
Large folders are processed on all cores in chunks (only problems come back, and where
the seeds record the release of their version, each chunk's record lines: see
:func:`_content_problems`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path

from .. import package
from ..changelog import ahead_problems
from ..config import (
    CHANGELOG_NAME,
    CONFIG_NAME,
    ConfigError,
    CorpusConfig,
    ProcessConfig,
    load_config,
)
from ..cores import default_jobs
from ..discover import (
    NO_DOCUMENTS,
    Discovery,
    discover,
    read_changelog,
    read_source,
    seeds_files,
    size_of,
)
from ..errors import InputError
from ..forkpool import ForkPool, fork_available, import_before_forking
from ..metadatapaths import config_path_problems
from ..models import DocumentProblem, SourceRef
from ..problems import Problem
from ..recordedrelease import (
    RecordedRelease,
    other_content_advice,
    other_time,
    other_time_hint,
    released,
)
from ..records import process_document_reported, record_line, use_the_users_model
from ..rightsrules import start_run
from ..runsettings import resolve_created, run_problems
from ..wording import counted, shown_name

#: Documents per task sent to a worker; below two chunks everything runs in-process.
CHUNK = 256


@dataclass(frozen=True)
class SeedsResult:
    problems: tuple[Problem, ...]
    documents: int
    files: int
    bytes: int
    #: ``(path, reason)`` of files a build would pass over (hidden, excluded).
    skipped: tuple[tuple[str, str], ...] = ()
    #: What a build would note of the seeds: ``discover.exclude`` patterns that matched
    #: nothing as written (:attr:`corpuskit.discover.Discovery.notes`; QA: seeds 1).
    notes: tuple[str, ...] = ()
    #: corpus.toml's problem stops a run before the documents (it cannot be read, or the
    #: tables that say which files are documents are wrong): none was checked or counted.
    stopped: bool = False


#: A chunk of documents to check: the seeds folder, the documents, how they are processed,
#: the largest file read, and whether their record lines are wanted.
_Task = tuple[Path, tuple[SourceRef, ...], ProcessConfig, int, bool]


def _check_chunk(task: _Task) -> tuple[list[Problem], bytes]:
    """The problems of a chunk of documents and, where the task asks for them and none is
    refused, their record lines as a build writes them into data/documents.jsonl (b""
    otherwise): the chunk's part of the bytes the content hash is taken of."""
    seeds, refs, config, max_bytes, want_lines = task
    problems = []
    lines = []
    for ref in refs:
        try:
            record = process_document_reported(read_source(seeds, ref, max_bytes=max_bytes),
                                               config)
        except DocumentProblem as bad:
            problems.append(bad.problem)
            continue
        if want_lines and not problems:
            lines.append(record_line(record))
    return problems, b"" if problems else b"".join(lines)


def _chunks(seeds: Path, refs: Iterable[SourceRef], config: ProcessConfig, max_bytes: int,
            want_lines: bool = False) -> Iterator[_Task]:
    it = iter(refs)
    while chunk := tuple(islice(it, CHUNK)):
        yield seeds, chunk, config, max_bytes, want_lines


def validate_seeds(seeds: Path, *, jobs: int | None = None,
                   source_date_epoch: str | None = None) -> SeedsResult:
    """Every problem ``build`` would refuse ``seeds`` for, as a list; ``source_date_epoch``
    as a build would be given it (the CLI's: the environment's SOURCE_DATE_EPOCH)."""
    start_run()
    config: CorpusConfig | None = None
    try:
        config = load_config(seeds)
    except ConfigError as error:
        if error.settings is None:  # the documents cannot be told apart from the rest
            return SeedsResult((*error.problems, *run_problems(error.parquet,
                                                               source_date_epoch)), 0, 0, 0,
                               stopped=True)
        (discover_config, process_config), problems = error.settings, list(error.problems)
        metadata, parquet = error.metadata, error.parquet
    except InputError as error:
        return SeedsResult(error.problems, 0, 0, 0, stopped=True)
    else:
        discover_config, process_config, problems = config.discover, config.process, []
        metadata, parquet = config.metadata, config.parquet
    discovery = discover(seeds, discover_config)
    problems += [*discovery.problems, *run_problems(parquet, source_date_epoch)]
    said = {problem.location for problem in problems if problem.path == CONFIG_NAME}
    problems += [problem for problem in config_path_problems(metadata, parquet,
                                                             discovery.sources,
                                                             discovery.skipped,
                                                             discover_config.exclude)
                 if problem.location not in said]  # one problem a key
    changelog = False
    text: bytes | None = None
    try:
        text = read_changelog(seeds)
    except InputError as error:
        problems.extend(error.problems)
    else:
        changelog = text is not None
        if text is not None and config is not None:
            # An entry of a version never released, which build refuses (QA: validate
            # passed it). With no output folder to look at, its version is compared with
            # the seeds' own, as build compares it where there is no newer release.
            problems.extend(ahead_problems(text.decode("utf-8"), config.version, None))
    refs = discovery.sources
    # Whether a build would compare the content with the release the seeds record: only
    # where nothing else refuses them so far, as build takes its release time only then
    # (its record lines are then hashed as they come back, never all held at once).
    recorded: RecordedRelease | None = None
    later: Problem | None = None
    if config is not None and not problems and not discovery.held_back:
        recorded = released(config, text)
        later = _other_time_problem(config, text, source_date_epoch)
    jobs = jobs or default_jobs()
    use_the_users_model(seeds)  # before the workers fork: they read it there
    # Files refused for their names are read too: renaming them brings up no new problem.
    tasks = _chunks(seeds, chain(refs, discovery.held_back), process_config,
                    discover_config.max_file_bytes, recorded is not None)  # made as taken
    chunks = -(-(len(refs) + len(discovery.held_back)) // CHUNK)
    documents_sha256 = hashlib.sha256()  # of the record lines, in id order as build writes
    if jobs <= 1 or chunks <= 1 or not fork_available():
        for task in tasks:
            found, lines = _check_chunk(task)
            problems.extend(found)
            documents_sha256.update(lines)
    else:
        import_before_forking()
        with ForkPool(min(jobs, chunks)) as pool:
            for found, lines in pool.imap(_check_chunk, tasks):  # in order
                problems.extend(found)
                documents_sha256.update(lines)
    if not refs and not problems:
        problems.append(NO_DOCUMENTS)
    if config is not None and not problems:  # as build compares: only where all else is sound
        if recorded is not None:
            problems.extend(_content_problems(seeds, config, recorded,
                                              documents_sha256.hexdigest()))
        if later is not None:
            problems.append(later)
    bad = {p.path for p in problems}
    documents = sum(1 for ref in refs if ref.path not in bad)
    # corpus.toml, CHANGELOG.md and every document file listed, as ``info`` counts them.
    files = seeds_files(seeds, discovery, changelog)
    return SeedsResult(tuple(problems), documents, len(files), size_of(files),
                       discovery.skipped, discovery.notes)


def _other_time_problem(config: CorpusConfig, changelog: bytes | None,
                        source_date_epoch: str | None) -> Problem | None:
    """The problem of a SOURCE_DATE_EPOCH (``source_date_epoch``) that is not the release
    time the seeds record for their version, with its entry: a build of it into an output
    folder that does not hold it refuses that time, as a second, other release of it
    (:func:`corpuskit.recordedrelease.other_time`). None where there is no such problem.

    Found where nothing else is wrong so far (a SOURCE_DATE_EPOCH that is no time is a
    problem already), as build takes the release time only then."""
    created = resolve_created(config, source_date_epoch)
    later = other_time(config, changelog, created)
    if later is None:
        return None
    recorded, line = later
    return Problem("SOURCE_DATE_EPOCH", "config-error", (
        f"gives {created}, but {CONFIG_NAME} records the release time of {config.name} "
        f"{config.version} (created = {recorded}) and {CHANGELOG_NAME} its entry (line "
        f"{line}): a build of {config.version} at another time into an output folder that "
        f"does not hold it is refused, as it would make a second, other {config.version}; "
        f"unset SOURCE_DATE_EPOCH{other_time_hint(recorded)}"))


def _content_problems(seeds: Path, config: CorpusConfig, recorded: RecordedRelease,
                      documents_sha256: str) -> list[Problem]:
    """The problem of seeds that make other content than the release of their version
    they record (``recorded``), ``documents_sha256`` that of their record lines: a build of
    that version into an output folder that does not hold it refuses them, as a second,
    other release of it (:func:`corpuskit.build`'s ``_second_release``).

    Compared only where validate finds nothing else wrong, as a build reaches this check
    only then: a refused document has no record to hash, and the fix of any problem (a
    document, a file's name, corpus.toml) may itself change the content."""
    content = package.content_hash(config, documents_sha256)
    if recorded.made_by(content):
        return []
    return [Problem(CONFIG_NAME, "metadata-mismatch", (
        f"records the release of {config.name} {config.version} (created = "
        f"{config.metadata.get('created')}, content_hash = {recorded.content_hash}) and "
        f"{CHANGELOG_NAME} its entry (line {recorded.line}), but these seeds make other "
        f"content ({content}): they changed since {config.version} was released (inside a "
        f"document or a metadata field, say), or content_hash was edited. A build of "
        f"{config.version} into an output folder that does not hold it refuses them, as a "
        f"second, other {config.version}. "
        + other_content_advice(seeds, None, config)), "content_hash")]


def held_back_problems(seeds: Path, discovery: Discovery, config: ProcessConfig,
                       max_bytes: int) -> list[Problem]:
    """The content problems of the files ``discovery`` refused for their names or ids
    alone (``build``, ``info`` and ``diff`` report them with the others; ``build``
    packages none of them)."""
    problems: list[Problem] = []
    for task in _chunks(seeds, discovery.held_back, config, max_bytes):
        problems.extend(_check_chunk(task)[0])
    return problems


def with_document_problems(seeds: Path, error: InputError, *, jobs: int | None = None,
                           then: str = "", source_date_epoch: str | None = None
                           ) -> InputError:
    """``error``, which stopped a command at ``seeds``'s corpus.toml, with the run's own
    problems (SOURCE_DATE_EPOCH, pyarrow) and those of its documents where the settings
    that say which files are documents and how each is processed are sound (the
    configuration's problems are in its package metadata): every problem of the seeds at
    once, as ``validate`` reports them. ``then``: what the
    new error's summary says after how many problems are where."""
    if not isinstance(error, ConfigError):
        return error
    found = validate_seeds(seeds, jobs=jobs, source_date_epoch=source_date_epoch)
    return InputError(found.problems, f"{counted(len(found.problems), 'problem')} in "
                                      f"{shown_name(seeds)}{then}", found.skipped)
