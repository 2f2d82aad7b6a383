"""Validate a seeds folder: the checks ``build`` makes, without writing anything.

The same stages as :func:`corpuskit.build` (load_config, discover, read_source,
process_document_reported); each document is processed and dropped, so memory stays flat.
Large folders are processed on all cores in chunks (only problems come back).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path

from ..changelog import ahead_problems
from ..config import CONFIG_NAME, ConfigError, CorpusConfig, ProcessConfig, load_config
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
from ..records import process_document_reported, use_the_users_model
from ..runsettings import run_problems
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


_Task = tuple[Path, tuple[SourceRef, ...], ProcessConfig, int]


def _check_chunk(task: _Task) -> list[Problem]:
    """The problems of a chunk of documents."""
    seeds, refs, config, max_bytes = task
    problems = []
    for ref in refs:
        try:
            process_document_reported(read_source(seeds, ref, max_bytes=max_bytes), config)
        except DocumentProblem as bad:
            problems.append(bad.problem)
    return problems


def _chunks(seeds: Path, refs: Iterable[SourceRef], config: ProcessConfig, max_bytes: int
            ) -> Iterator[_Task]:
    it = iter(refs)
    while chunk := tuple(islice(it, CHUNK)):
        yield seeds, chunk, config, max_bytes


def validate_seeds(seeds: Path, *, jobs: int | None = None,
                   source_date_epoch: str | None = None) -> SeedsResult:
    """Every problem ``build`` would refuse ``seeds`` for, as a list; ``source_date_epoch``
    as a build would be given it (the CLI's: the environment's SOURCE_DATE_EPOCH)."""
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
    jobs = jobs or default_jobs()
    use_the_users_model(seeds)  # before the workers fork: they read it there
    # Files refused for their names are read too: renaming them brings up no new problem.
    tasks = _chunks(seeds, chain(refs, discovery.held_back), process_config,
                    discover_config.max_file_bytes)  # made as they are taken
    chunks = -(-(len(refs) + len(discovery.held_back)) // CHUNK)
    if jobs <= 1 or chunks <= 1 or not fork_available():
        for task in tasks:
            problems.extend(_check_chunk(task))
    else:
        import_before_forking()
        with ForkPool(min(jobs, chunks)) as pool:
            for found in pool.imap(_check_chunk, tasks):
                problems.extend(found)
    if not refs and not problems:
        problems.append(NO_DOCUMENTS)
    bad = {p.path for p in problems}
    documents = sum(1 for ref in refs if ref.path not in bad)
    # corpus.toml, CHANGELOG.md and every document file listed, as ``info`` counts them.
    files = seeds_files(seeds, discovery, changelog)
    return SeedsResult(tuple(problems), documents, len(files), size_of(files),
                       discovery.skipped, discovery.notes)


def held_back_problems(seeds: Path, discovery: Discovery, config: ProcessConfig,
                       max_bytes: int) -> list[Problem]:
    """The content problems of the files ``discovery`` refused for their names or ids
    alone (``build``, ``info`` and ``diff`` report them with the others; ``build``
    packages none of them)."""
    problems: list[Problem] = []
    for task in _chunks(seeds, discovery.held_back, config, max_bytes):
        problems.extend(_check_chunk(task))
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
