"""Build a release: seeds folder in, ``<out>/<name>-<version>/`` and its ``.zip`` out.

Orchestration only: every decision lives in a stage module, the per-document work runs in
:mod:`corpuskit.engine`, and every byte is written by :mod:`corpuskit.writer`. Bad input
raises :class:`InputError` with every problem found, after which nothing is left in the
output folder. Only one build at a time writes to an output folder (a lock file).
"""

from __future__ import annotations

import errno
import os
import re
import threading
from collections.abc import Callable, Collection
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field, replace
from functools import partial
from io import BufferedIOBase
from pathlib import Path
from typing import TYPE_CHECKING

from . import package
from .cachenotes import cache_notes
from .changelog import ahead_problems, has_entry
from .compare import archives_match, not_compared_reason, tree_differences
from .config import CHANGELOG_NAME, CONFIG_NAME, CorpusConfig, load_config
from .cores import checked_jobs
from .crc32 import crc32
from .croissant import CROISSANT_PATH, croissant
from .discover import NO_DOCUMENTS, Discovery, discover, read_changelog
from .dist import (
    ARCHIVE_SUFFIX,
    a_release_in,
    case_twin,
    descriptor_created,
    descriptor_of,
    latest_release,
    lending_release_folder,
    named_as_release_of,
    not_a_release_folder,
    not_a_zip_file,
    releases_in_place,
    shared_advice,
    sharing_releases,
    survey_releases,
)
from .engine import (
    SHARD_FOLDER,
    ShardResult,
    ShardTask,
    check_engine,
    local_pool,
    plan_shards,
    retire_workers,
    run_shards,
    useful_jobs,
)
from .errors import (
    ArgumentError,
    CorpuskitError,
    FileChanged,
    InputError,
    OutputError,
    ReleaseExistsError,
    ReleaseProblems,
    UnreadableRelease,
    UsageError,
)
from .gitlfs import LFS_ADVICE, is_lfs_pointer
from .languageid.language import forget_model, load_before_forking, preload
from .lineends import (
    converted_raw_files,
    line_ends_advice,
    raw_input_alone,
    said_converted,
    seeds_converted_advice,
)
from .lineends import shown as shown_paths
from .locks import output_lock
from .metadatapaths import config_path_problems
from .outputidentity import code_identity
from .package import DOCUMENTS_PATH, CorpusStats, FileEntry
from .parquet import PARQUET_PATH, parquet_resource, write_records_file
from .pathargs import given_flag, given_path
from .problems import Problem
from .progress import Progress
from .reader import folder_kind
from .recordedrelease import (
    RecordedRelease,
    kept_from,
    other_content_advice,
    other_time,
    other_time_hint,
    recorded_release,
    released,
)
from .regularfiles import unreadable_given
from .rightsrules import start_run
from .runsettings import (
    checked_source_date_epoch,
    release_time_advice,
    resolve_created,
    run_problems,
)
from .semver import Version
from .shardcache import ShardCache
from .shardpieces import pieces_index_path, pieces_path
from .signals import LateSignals, told_when_ended
from .systemlimits import exhausted_resource
from .usercache import CHOOSE, cache_problem, user_cache_dir
from .wording import as_given, command, counted, link_loop_on, shown_name
from .writer import (
    TEMP_PREFIX,
    HashingWriter,
    PackageWriter,
    file_in_the_way,
    out_of_reach,
    remove_tree,
    write_archive,
)
from .zipfiles.archive import zip_signature
from .zipfiles.archiveseal import ends_in_a_seal, published_for
from .zipfiles.deflate import COMPRESSIONS
from .zipfiles.preparedpieces import (
    PieceEntry,
    PreparedPieces,
    RecordPieces,
    WrittenManifest,
    WrittenRecords,
)

if TYPE_CHECKING:
    from .diff import Diff  # (imported on the error paths that use it only)

_COPY_CHUNK = 1 << 20


@dataclass(frozen=True)
class BuildResult:
    """What a build did: ``status`` is ``built``, ``unchanged`` (an identical release
    existed) or ``restored`` (one half of an identical release was there, its zip or its
    folder, and the build put the other back: ``restored`` names which)."""

    status: str
    release: Path
    archive: Path
    documents: int
    content_hash: str
    skipped: tuple[tuple[str, str], ...]
    cached_shards: int = 0
    #: What the maintainer should know (a newer release already in the output folder).
    notes: tuple[str, ...] = ()
    #: For ``restored``: what the build put back, ``"folder"`` or ``"archive"``.
    restored: str = ""
    #: The ending signals that came once the release was in place, noted, not raised (see
    #: :class:`corpuskit.signals.LateSignals`): a caller whose build is a throwaway (check)
    #: ends on them.
    late_signals: tuple[int, ...] = ()


def build(
    seeds: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    source_date_epoch: str | int | None = None,
    jobs: int | None = None,
    cache: str | os.PathLike[str] | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    progress: Progress | None = None,
    released_in: Path | None = None,
    entry_checked: bool = False,
    expected_content: str | None = None,
    model_cache: str | os.PathLike[str] | None = None,
) -> BuildResult:
    """Build the release of ``seeds`` into ``out``; see the module docstring.

    ``source_date_epoch``: the release time, whole seconds since 1970 (an ``int``, or
    ``SOURCE_DATE_EPOCH``'s string); None (the default) takes the environment's
    ``SOURCE_DATE_EPOCH``, as ``corpuskit build`` does, and ``""`` none. Without one the
    release time is ``corpus.toml``'s ``created``, if any. One that is no such time is a
    problem of the run (``SOURCE_DATE_EPOCH``, ``config-error``), raised in an
    :class:`~corpuskit.errors.InputError` with the seeds' other problems.
    ``jobs`` worker processes (default: all cores) do the per-document work; ``cache`` is
    a folder for processed shards that makes rebuilds incremental (never changes output).
    ``engine="dask"`` runs the per-document work on the Dask cluster at ``scheduler``
    (``tcp://HOST:PORT``). An unknown engine, a scheduler without ``engine="dask"`` or
    ``engine="dask"`` without one, ``jobs`` with ``engine="dask"`` (the cluster's workers
    decide), an address of no such form, and ``jobs`` below 1 are each a ``ValueError``,
    raised before any work.
    ``progress`` is told the documents processed so far, and of how many.
    ``released_in``: the folder of releases a changelog entry may name as released
    (default ``out``; ``check`` builds elsewhere, and names ``dist``).
    ``entry_checked``: the changelog's entry for this version was just written from these
    seeds (by ``release``), so it is not compared with them again (see
    :func:`_second_release`).
    ``expected_content``: the content hash of the seeds as ``release`` read them for its
    version bump and changelog entry: a new release of other content (the seeds changed
    since) is refused before anything is put in place.
    ``model_cache``: where a build without a ``cache`` reads py3langid's decoded language
    model from, and keeps it (``check``'s throwaway build names the user's cache folder, as
    ``validate --reproduce`` reads it: decoding it takes 0.45 s); with a ``cache``, that
    folder (and then the user's) is where the model is read and kept. The model is
    py3langid's, whatever the corpus: no shard of a cache is read or written through it.
    """
    seeds, out = given_path(seeds, "seeds"), given_path(out, "out")
    entry_checked = given_flag(entry_checked, "entry_checked")
    cache = given_path(cache, "cache") if cache is not None else None
    models = cache if cache is not None else (
        given_path(model_cache, "model_cache") if model_cache is not None else None)
    check_engine(engine, scheduler, jobs=jobs)
    jobs = checked_jobs(jobs)
    source_date_epoch = checked_source_date_epoch(source_date_epoch)
    _refuse_uncallable_progress(progress)
    start_run()  # every configured rights pattern's whole allowance, before any fork
    config = _config_or_every_problem(seeds, jobs, source_date_epoch)
    refuse_misplaced_folders(seeds, out=out, cache=cache)
    refuse_release_named_out(out, config)
    _refuse_case_twin(seeds, out, config)
    unwritable = cache_problem(cache) if cache is not None else None
    if engine == "local":  # never more workers than shards to process (engine.useful_jobs)
        jobs = useful_jobs(seeds, config.discover, jobs)
    if cache is not None:  # the cache's key (shardcache.config_fingerprint): read here,
        code_identity()    # once, before the workers are forked, which share it
    model = _ModelForWorkers(cache, models, config, engine=engine, jobs=jobs)
    late = LateSignals()  # held once the release is in place (see _build)
    result = _build_with_workers(seeds, out, config, model, late,
                                 source_date_epoch=source_date_epoch, jobs=jobs, cache=cache,
                                 engine=engine, scheduler=scheduler, progress=progress,
                                 released_in=released_in, entry_checked=entry_checked,
                                 expected_content=expected_content)
    _prune_cache(cache, late)
    return _with_notes(result, late, config, cache, unwritable, model.notes)


def _refuse_uncallable_progress(progress: Progress | None) -> None:
    """Refuse a ``progress`` that is neither None nor callable (a ``TypeError``, before
    any work); returns None."""
    if progress is not None and not callable(progress):  # (QA: "'int' object is not callable")
        raise TypeError(f"progress must be called with the documents done and their count, "
                        f"or be None; {progress!r} cannot be called")


def _config_or_every_problem(seeds: Path, jobs: int, source_date_epoch: str | None
                             ) -> CorpusConfig:
    """The configuration of ``seeds`` (its corpus.toml), or an :class:`InputError` with
    its problems and every other problem of the seeds and the run
    (:func:`every_seeds_problem`)."""
    try:
        return load_config(seeds)
    except InputError as error:
        raise every_seeds_problem(seeds, error, jobs, source_date_epoch) from None


class _ModelForWorkers:
    """How the language model comes to a build's workers: ``warm_up``, which each worker
    calls as it starts, or the model decoded here once, before forking, which the workers
    share and a thread keeps in the cache folder once they are forked (``keep``, until
    that thread holds it), or neither; ``notes``: why the model was not kept, if it was
    not."""

    def __init__(self, cache: Path | None, models: Path | None, config: CorpusConfig, *,
                 engine: str, jobs: int) -> None:
        # Workers are forked before the corpus is discovered, so they stay small (engine.py),
        # and load the language model while the parent lists the corpus (from the cache
        # folder, where the first build keeps it decoded: corpuskit.languageid.languagemodel),
        # unless the cache holds shards already: then most shards are hits, which need no
        # model (a miss loads it on first use), and loading it anyway would compete with the
        # shards' work.
        # A model that must be decoded (none kept yet) is decoded here, once, before forking.
        warm = cache is not None and ShardCache(cache).holds_entries()
        #: Where the model is read from and kept: the cache folder, or for a build without
        #: one, :func:`build`'s ``model_cache`` (``models``).
        self.folder = models
        self.warm_up: Callable[[], None] | None = (
            partial(preload, models) if config.process.extract.language and not warm
            else None)
        self.keep = (load_before_forking(models)
                     if self.warm_up is not None and engine == "local" and jobs > 1 else None)
        if self.keep is not None:
            self.warm_up = None  # decoded here, once: the workers share it
        self.notes: list[str] = []  # why the language model was not kept, if it was not
        self.keeping: threading.Thread | None = None

    def start_keeping(self, pool: ProcessPoolExecutor | None) -> None:
        """Once ``pool``'s workers are forked with the model decoded here, start the
        thread that keeps it in the cache folder, then lets it go; returns None."""
        if self.keep is not None and pool is not None:
            self.keeping = threading.Thread(target=_keep_and_forget,
                                            args=(self.keep, self.notes),
                                            name="corpuskit-keep-model")
            self.keep = None  # the thread holds the model until it is kept, then goes
            self.keeping.start()

    def wait_kept(self) -> None:
        """Wait for the thread keeping the model, if one was started; returns None."""
        if self.keeping is not None:
            self.keeping.join()


def _build_with_workers(seeds: Path, out: Path, config: CorpusConfig, model: _ModelForWorkers,
                        late: LateSignals, *, source_date_epoch: str | None, jobs: int,
                        cache: Path | None, engine: str, scheduler: str | None,
                        progress: Progress | None, released_in: Path | None,
                        entry_checked: bool, expected_content: str | None) -> BuildResult:
    """The result of :func:`_build`, run with the local pool's workers (forked with the
    ``model``); after a failure or an interrupt, ``late`` is released and what workers
    wrote late into the build's temporary folder removed, and an :class:`OutputError`
    told where the cache shares the output folder's full disk."""
    scratch: list[Path] = []  # the build's temporary folder, once it has one
    try:
        with local_pool(jobs if engine == "local" else 1, warm_up=model.warm_up) as pool:
            model.start_keeping(pool)
            try:
                result = _build(seeds, out, config, source_date_epoch=source_date_epoch,
                                jobs=jobs, cache=cache, models=model.folder,
                                engine=engine, scheduler=scheduler,
                                pool=pool, scratch=scratch, late=late, progress=progress,
                                released_in=released_in, entry_checked=entry_checked,
                                expected_content=expected_content)
            finally:
                model.wait_kept()
    except OutputError as error:
        late.release()
        _remove_late_writes(scratch)
        shared = _cache_sharing_the_disk(error, cache, out)
        if shared is None:
            raise
        raise OutputError(f"{error}{shared}") from None
    except BaseException:
        late.release()
        _remove_late_writes(scratch)
        raise
    return result


def _prune_cache(cache: Path | None, late: LateSignals) -> None:
    """Remove the entries of ``cache`` that no build used for CACHE_MAX_AGE, then
    release ``late`` (even if that fails); returns None."""
    try:
        if cache is not None:
            ShardCache(cache).prune()  # entries no build used for CACHE_MAX_AGE
    finally:
        late.release()


def _with_notes(result: BuildResult, late: LateSignals, config: CorpusConfig,
                cache: Path | None, unwritable: str | None, model_notes: list[str]
                ) -> BuildResult:
    """``result`` with the notes of the build's cache, of the language model not kept
    (``model_notes``) and of the ending signals that came once the release was in place
    (``late``, whose signals it records)."""
    said = late.note(f"the release {result.release.name}")
    notes = (cache_notes(cache, unwritable, models=config.process.extract.language)
             if cache is not None else ())
    return replace(result, notes=(*result.notes, *notes, *model_notes,
                                  *([said] if said else [])),
                   late_signals=tuple(late.came))


def _refuse_in_the_way(folder: Path, blocking: str | None, config: CorpusConfig,
                       out: Path) -> None:
    """Refuse the build where ``blocking`` says what stands at ``folder``, where the
    release's folder goes, instead of a release (:func:`~corpuskit.dist.not_a_release_folder`)."""
    if blocking is not None:
        raise ReleaseExistsError(
            f"{folder} is where the folder of release {config.release_name} goes, "
            f"but {blocking}: move it out of {out}, then build again")


def _refuse_case_twin(seeds: Path, out: Path, config: CorpusConfig) -> None:
    """Refuse, before any work, a release whose name differs only in case from that of a
    release in ``out`` (QA: 2.0.0-RC.1 and 2.0.0-rc.1 were both built, one path on macOS
    or Windows, where a clone of the folder merged their files)."""
    twin = case_twin(out, config.name, config.version)
    if twin is None:
        return
    raise ReleaseExistsError(
        f"{twin} is named as a release of {config.name} whose name differs from "
        f"{config.release_name} only in case: on macOS or Windows (file systems that "
        f"ignore case) the two are one folder and one zip, and a copy or clone of {out} "
        f"there merges their files; nothing was written. Set a version in "
        f"{seeds / CONFIG_NAME} that differs from it in more than case, then build again")


def _cache_sharing_the_disk(error: OutputError, cache: Path | None, out: Path) -> str | None:
    """What a build that ran out of room adds when its cache folder is on the file system
    of ``out``: the cache keeps this build's entries (hard links to its shard files, which
    a build without a cache frees before the zip), so a build with ``--no-cache`` or a
    cache on another disk may fit where it did not (QA: a build into a small disk failed
    for its zip, and the rerun it was told to make failed again; neither named the
    cache). None for any other error, or a cache elsewhere."""
    if cache is None or error.errno not in (errno.ENOSPC, errno.EDQUOT):
        return None
    try:
        if os.stat(cache).st_dev != os.stat(_nearest_existing(out)).st_dev:
            return None
    except OSError:
        return None
    return (f"; the cache folder {cache} is on the same disk and keeps this build's entries "
            "there: run the build again with --no-cache, or with --cache on another disk "
            f"(the cache is safe to delete at any time: removing {cache} frees its room too)")


def _nearest_existing(path: Path) -> Path:
    """``path``, or the nearest folder above it that exists."""
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def every_seeds_problem(seeds: Path, error: InputError, jobs: int | None,
                        source_date_epoch: str | None) -> InputError:
    """``error``, which stopped a build at ``seeds``'s corpus.toml, with the problems of its
    documents where the configuration's are in its package metadata only: all problems
    of a run are reported together (QA: a blank keyword hid an empty document)."""
    from .validation.seeds import with_document_problems

    return with_document_problems(seeds, error, jobs=jobs, then="; nothing was written",
                                  source_date_epoch=source_date_epoch)


def _copy_records(shard: BufferedIOBase, documents: HashingWriter, pieces: RecordPieces | None,
                  buffer: bytearray, named: str = "") -> tuple[list[tuple[int, int, int]], bool]:
    """Copy a shard's records to the end of data/documents.jsonl, a piece at a time, as
    its worker cut them: where each piece went, ``(offset, length, CRC-32)``, and whether
    the shard was given as pieces (if not, none is given: the file is cut again to find
    its groups, see :class:`~corpuskit.zipfiles.preparedpieces.WrittenRecords`).

    A shard given as pieces must be those pieces, byte for byte: other bytes (a CRC that
    differs), fewer (the file ends before its pieces) or more (bytes past them) are a file
    changed while the build used it, :class:`FileChanged`, before anything is put in
    place (QA: a cache entry cut short during a build gave a release of 1,269 records of
    3,000, built, exit 0). ``named``: what the shard's records are, for that error
    (:func:`_shard_records`).

    The shard is read into ``buffer``, the same for every shard: a fresh megabyte for
    every read cost the kernel a new zeroed page for every 4 KB (in an incremental build
    of 100,000 documents on tmpfs, copying the 200 shards took 0.80-0.84 s that way and
    0.68-0.72 s so)."""
    view = memoryview(buffer)
    placed: list[tuple[int, int, int]] = []
    for *_, size, expected in pieces or ():
        start, crc, left = documents.bytes, 0, size
        while left > 0 and (count := shard.readinto(view[:min(left, len(view))])):
            chunk = view[:count]
            documents.write(chunk)
            crc = crc32(chunk, crc)
            left -= count
        placed.append((start, documents.bytes - start, crc))
        if left:  # the file ends before its pieces: cut short
            raise _records_changed(shard, named, "it is shorter than its pieces")
        if crc != expected:  # the records the pieces were deflated from are other bytes
            raise _records_changed(shard, named, "its pieces hold other records")
    while count := shard.readinto(view):  # bytes past the pieces
        if pieces:
            raise _records_changed(shard, named, "it is longer than its pieces")
        documents.write(view[:count])
    return (placed, True) if pieces else ([], False)


def _records_changed(shard: BufferedIOBase, named: str, how: str) -> FileChanged:
    """The error of a shard's records that are not the pieces they were deflated into
    (``how``), which ``named`` names (:func:`_shard_records`; else its file's name)."""
    return FileChanged(
        f"the records of {named or Path(getattr(shard, 'name', '?')).name} changed while "
        f"this build used them (another process wrote into the file, or into the cache "
        f"entry it was linked from: {how}); nothing was written: run the build again (a "
        "changed cache entry is not used), or with --no-cache")


def _shard_records(files: str, entry: Path | None) -> str:
    """What a shard's records are, for an error: of its seeds ``files``, in the cache entry
    its file was linked to (taken or kept), if any; never the file of the temporary
    folder, which no user can find, gone by the time the error is read (QA)."""
    return f"{files}, in the cache entry {entry}," if entry is not None else files


#: A shard's archive pieces taken from (or kept in) the cache: the names of the file and
#: of its index (in the shards' folder), with the cache entry's files they are linked to,
#: and the size and modification time of each then (:func:`_stamp`).
_Taken = tuple[tuple[str, Path, tuple[int, int] | None], ...]


def _stamp(path: Path) -> tuple[int, int] | None:
    """The size and modification time (ns) of ``path``, or None if it cannot be told.
    (Not its ctime: another build taking the same entry links it, which changes that.)"""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def _taken(pieces: Path, entry: Path) -> _Taken:
    """How a shard's ``pieces`` and their index are as the build takes them; ``entry``: the
    records file of the cache entry they are linked to."""
    return tuple((file.name, shown, _stamp(file)) for file, shown in (
        (pieces, pieces_path(entry)), (pieces_index_path(pieces), pieces_index_path(entry))))


def _changed_entry(shards: Path, taken: list[_Taken]) -> Path | None:
    """The first cache entry's file that another process wrote into (or cut short) since
    its shard's pieces, now in the folder ``shards``, were taken: linked, the shard's file
    changed with it."""
    for files in taken:
        for name, shown, stamp in files:
            if _stamp(shards / name) != stamp:
                return shown
    return None


def _entry_changed(changed: Path) -> str:
    return (f"the cache entry's file {changed} changed while this build used it (another "
            "process wrote into it, or cut it short: the build's archive pieces were linked "
            "to it)")


def _unchanged(shards: Path, taken: list[_Taken], late: LateSignals | None) -> None:
    """Before the release's zip is put in place: refuse it if a cache entry whose archive
    pieces it was made of changed since they were taken (a change within their bytes
    reads without an error, and the zip would hold it); then hold the ending signals."""
    changed = _changed_entry(shards, taken)
    if changed is not None:
        raise FileChanged(_entry_changed(changed))
    if late is not None:
        late.hold()


def refuse_misplaced_folders(seeds: Path, *, out: Path, cache: Path | None) -> None:
    """Refuse an output or cache folder inside the seeds folder, which a build only reads
    (the next build would take the release's files for documents), a cache folder inside
    the output folder, or in another folder of releases (:func:`_releases_around`), which
    holds releases only, and an output folder inside the cache folder, or that is another
    cache folder (it holds a build's cache entries), which may be cleared at any time
    (README: the cache is safe to delete); and an output folder this user may not reach
    (:func:`~corpuskit.writer.out_of_reach`). A folder given so is a value ``out`` or
    ``cache`` does not take: an :class:`~corpuskit.errors.ArgumentError`, a ``ValueError``
    (QA: library 4: a UsageError, which corpuskit neither exported nor named)."""
    default = user_cache_dir()
    is_default = (cache is not None and default is not None
                  and (cache == default or _same_folder(cache, default)))

    def elsewhere() -> str:
        return (f"the default, {default}, or a folder beside seeds/ and dist/"
                if default is not None and not is_default
                else "a folder beside seeds/ and dist/")

    in_the_way = file_in_the_way(out)
    if in_the_way is not None:
        raise ArgumentError(in_the_way)
    if cache is not None and link_loop_on(cache) is not None:
        # --cache so is a usage error, as --out's; the default cache folder so is a cache
        # that cannot be written, a note (usercache.cache_problem), as where
        # XDG_CACHE_HOME names a file: it is not compared with the other folders
        if not is_default:
            raise ArgumentError(file_in_the_way(cache, "--cache") or str(cache))
        cache = None
    unreachable = out_of_reach(out)  # before the lock is made there, and nothing after it
    if unreachable is not None:
        raise OutputError(unreachable)
    release = _release_around(out)
    if release is not None:
        where = ("inside the release folder" if release != out.resolve() else
                 "the release folder" if release.is_dir() else
                 f"where the folder of the release archived in {release.name}.zip beside it "
                 "goes: the release folder")
        shown = as_given(release, out.resolve(), out)
        releases = as_given(release.parent, out.resolve(), out)
        raise ArgumentError(f"--out {out} is {where} {shown}, which no build may change "
                            "(released versions are immutable); give --out the folder of "
                            f"releases, for example --out {releases}")
    root = seeds.resolve()
    for option, folder in (("out", out), ("cache", cache)):
        if folder is None:
            continue
        if folder.resolve().is_relative_to(root):
            example = "dist/ beside seeds/" if option == "out" else elsewhere()
            raise ArgumentError(f"--{option} {folder} is inside the seeds folder {seeds}, which "
                                f"a build only reads; put the {option} folder elsewhere (for "
                                f"example {example})")
    entry = ShardCache(out).own_file()
    if entry is not None:  # another cache than this build's (its own is refused below)
        raise ArgumentError(f"--out {out} is a cache folder (it holds a build's cache entries, "
                            f"in {entry.parent.name}/), which may be cleared at any time, and "
                            "the releases with it; put the output folder elsewhere (for "
                            "example dist/ beside seeds/)")
    if cache is None:
        return
    if cache.resolve().is_relative_to(out.resolve()):
        raise ArgumentError(f"--cache {cache} is inside the output folder {out}, which holds "
                            f"releases only; put the cache folder elsewhere (for example "
                            f"{elsewhere()})")
    if out.resolve().is_relative_to(cache.resolve()):
        raise ArgumentError(f"--out {out} is inside the cache folder {cache}, which may be "
                            "cleared at any time, and the releases with it; put the output "
                            "folder elsewhere (for example dist/ beside seeds/)")
    misplaced = _releases_around(cache)
    if misplaced is not None:
        named = f"the default cache folder {cache}" if is_default else f"--cache {cache}"
        advice = (CHOOSE if is_default else
                  f"put the cache folder elsewhere (for example {elsewhere()})")
        # the default cache folder is no argument given: a usage error, no ValueError
        raise (UsageError if is_default else ArgumentError)(f"{named} {misplaced}; {advice}")


def refuse_release_named_out(out: Path, config: CorpusConfig) -> None:
    """Refuse an output folder named as a release of the corpus, ``<name>-<version>`` of
    any version, even empty or not there yet: a build writes its release's folder and zip
    into it, and that folder of releases, under a release's name, is then taken for a
    damaged release by check, validate and release of the folder it is in (QA: a mistyped
    ``--out dist/t-1.0.0`` wrote dist/t-1.0.0/t-1.0.0/, and every later command called
    dist/t-1.0.0 a release changed after its build). So is one named as a release's zip,
    ``<name>-<version>.zip``, or its published checksum beside it, ``.zip.sha256``
    (:func:`_release_part_named`). An :class:`~corpuskit.errors.ArgumentError`, as for
    :func:`refuse_misplaced_folders`."""
    resolved = out.resolve()  # (--out . is the working folder, by its own name)
    named = _release_part_named(resolved.name, config.name)
    if named is None:
        return
    what, taken_for = named
    releases = as_given(resolved.parent, resolved, out)
    of = "" if what.endswith("folder") else "of "  # (the folder is the release)
    raise ArgumentError(
        f"--out {out} names {what} ({resolved.name}, {of}a release of "
        f"{config.name}), not the folder that holds releases: a build or release writes "
        "a release's folder and zip into --out, and check, validate and release "
        f"of {releases} would take {resolved.name} for {taken_for}; give --out the "
        f"folder that holds releases, for example --out {releases}")


def _release_part_named(entry: str, name: str) -> tuple[str, str] | None:
    """What of a release of ``name`` a folder named ``entry`` stands in the place of, and
    what the commands of the folder it is in take it for: the release's own folder, its
    zip (``.zip`` in any case, as validate reads one) or the zip's published checksum
    (``<archive>.sha256``); None for any other name (QA: ``--out t-1.0.0.zip`` wrote a
    folder t-1.0.0.zip/ that validate refused as the release's zip and build as in its
    way, as ``--out t-1.0.0`` did before it was refused)."""
    checked = published_for(entry)
    if checked is not None and checked.lower().endswith(ARCHIVE_SUFFIX):
        stem, named = checked[:-len(ARCHIVE_SUFFIX)], (
            "a release's published checksum", "a damaged checksum of a release's zip")
    elif entry.lower().endswith(ARCHIVE_SUFFIX):
        stem, named = entry[:-len(ARCHIVE_SUFFIX)], ("a release's zip", "a damaged release")
    else:
        stem, named = entry, ("a release's own folder", "a damaged release")
    return named if named_as_release_of(stem, name) else None


def _same_folder(one: Path, other: Path) -> bool:
    """Whether ``one`` and ``other`` resolve to the same path (False where either cannot
    be resolved: a symbolic link on its way that leads back to itself)."""
    try:
        return one.resolve() == other.resolve()
    except (OSError, RuntimeError):
        return False


def _releases_around(cache: Path) -> str | None:
    """What is wrong with the folder ``cache`` as a cache among releases, if anything: it
    is, or is inside, a package folder (a release: immutable), or it holds releases, as a
    folder of releases like ``dist/`` does (which holds releases only, and whose releases
    clearing the cache would delete), or the folder it is in does
    (:func:`~corpuskit.dist.a_release_in`). Folders further up are not looked at: a home
    folder with a release's zip in it would refuse the default cache,
    ``~/.cache/corpuskit``. A cache folder that holds other files is no folder of
    releases (the cache removes only files named as a build names its own)."""
    resolved = cache.resolve()
    for folder in (resolved, *resolved.parents):
        # (os.path.isdir: a folder on the way this user may not enter is no release, and
        # the cache there the note's to tell, not an error's)
        if os.path.isdir(folder) and folder_kind(folder) == "package":
            shown = as_given(folder, resolved, cache)
            where = "is the" if folder == resolved else "is inside the"
            return (f"{where} release folder {shown}, which no build may change (released "
                    "versions are immutable)")
    release = a_release_in(resolved)
    if release is not None:
        return (f"is a folder of releases (it holds {release.name}), which holds releases "
                "only: clearing the cache would delete them")
    release = a_release_in(resolved.parent)
    if release is not None:
        shown = as_given(resolved.parent, resolved, cache)
        return (f"is inside the folder of releases {shown} (it holds {release.name}), which "
                "holds releases only")
    return None


def _release_around(out: Path) -> Path | None:
    """The package folder ``out`` is, or is inside, if any (a folder holding a
    datapackage.json or bagit.txt, as :func:`corpuskit.reader.folder_kind` tells), or the
    place of one: ``out`` beside a sealed ``<out>.zip``, the archive of a release whose
    folder was removed (a build there would put a release where that one's folder goes)."""
    resolved = out.resolve()
    if resolved.name and ends_in_a_seal(resolved.with_name(resolved.name + ".zip")):
        return resolved
    for folder in (resolved, *resolved.parents):
        if folder.is_dir() and folder_kind(folder) == "package":
            return folder
    return None


def _latest_version(out: Path, name: str) -> Version | None:
    """The version of the latest release of ``name`` in ``out``, if it can be told (an
    output folder that is none, or cannot be listed, is the writer's to refuse)."""
    try:
        found = latest_release(out, name) if out.is_dir() else None
    except OSError:
        return None
    return found[0] if found is not None else None


def _keep_and_forget(keep_model: Callable[[], str | None], notes: list[str]) -> None:
    """In the parent, once its workers are forked with the model: keep the model in the
    cache folder, then let it go (the parent lists the corpus, whose file list grows
    with it: the model and that list are not held at once). Should the parent process a
    shard itself, it loads the model again, from the cache. Why it was not kept for want
    of room goes to ``notes``."""
    try:
        # a cache that cannot be written only costs the next build a decoding; so does
        # one this process had no memory to write (a MemoryError escaping the thread
        # printed its traceback: QA s95 build 2)
        said = keep_model()
        if said is not None:
            notes.append(said)
    except MemoryError:
        pass
    finally:
        forget_model()


def _remove_late_writes(scratch: list[Path]) -> None:
    """After a failed build, once its pool's workers are gone: remove what a worker still
    running when the build gave up wrote after its temporary folder was removed (Ctrl-C,
    a worker killed: QA found the folder made again). The output folder is left as it
    is: its lock is released by now, and another build may hold it."""
    for folder in scratch:
        if os.path.lexists(folder):
            remove_tree(folder)


def _build(seeds: Path, out: Path, config: CorpusConfig, *, source_date_epoch: str | None,
           jobs: int, cache: Path | None, models: Path | None, engine: str,
           scheduler: str | None, pool: ProcessPoolExecutor | None,
           scratch: list[Path] | None = None, late: LateSignals | None = None,
           progress: Progress | None = None,
           released_in: Path | None = None, entry_checked: bool = False,
           expected_content: str | None = None) -> BuildResult:
    """The release of ``seeds`` (read with ``config``) built into ``out``, under its lock:
    the documents checked and written shard by shard, the tag files, then the release
    folder and zip put in place, or found there already; its result and notes. Raises
    :class:`InputError` with every problem of the seeds, nothing written. ``models``: the
    folder the workers read the language model from (:attr:`ShardTask.model_cache`)."""
    discovery = discover(seeds, config.discover, pool=pool, cache=cache)
    # Every problem of the run is reported together: the documents are still checked
    # when the run's settings or the changelog are wrong, and nothing is written.
    problems = _seeds_problems(seeds, config, discovery, source_date_epoch)
    created = None if problems else resolve_created(config, source_date_epoch)
    changelog, changelog_problems = _checked_changelog(seeds, config, released_in or out)
    problems.extend(changelog_problems)
    shards = _Shards()

    archive = out / f"{config.release_name}.zip"
    with output_lock(out, config.release_name), PackageWriter(out, config.release_name) as writer:
        if scratch is not None:
            scratch.append(writer.root)
        _refuse_in_the_way_before_work(writer.final, archive, config, out)
        # The release's own folder, or the latest, lends its raw files (a zip-only
        # release cannot).
        earlier = lending_release_folder(out, config.name, config.version)
        newest = latest_release(out, config.name)  # a zip-only release too
        tasks = [ShardTask(index, refs, seeds, writer.root, config.process, cache,
                           config.discover.max_file_bytes,
                           release=writer.final, earlier=earlier[1] if earlier else None,
                           archive_root=config.release_name, created=created,
                           compression=config.compression,
                           model_cache=models)
                 for index, refs in plan_shards(discovery.sources)]
        data_files, manifest_entry = _write_data(
            seeds, config, writer, tasks, discovery, problems, shards, jobs=jobs,
            engine=engine, scheduler=scheduler, pool=pool, progress=progress)
        # Every shard is done: the workers end while the zip is written (engine.py).
        retire_workers(pool)
        # The workers' archive pieces wait outside the package until the zip is written.
        pieces = writer.set_aside(SHARD_FOLDER)
        content = package.content_hash(config, data_files[0].sha256)
        _write_tag_files(writer, config, created, shards, content, data_files,
                         manifest_entry, changelog)
        prepared = PreparedPieces([pieces / name for name in shards.names], scratch=True,
                                  records=shards.written, groups=shards.groups,
                                  manifest=shards.written_lines,
                                  manifest_groups=shards.manifest_groups,
                                  entries=shards.entries)
        status, restored = _place_release(
            seeds, out, config, writer, archive, created, content, changelog, newest,
            prepared, pieces, shards, late=late, entry_checked=entry_checked,
            expected_content=expected_content, released_in=released_in)
    notes = (_newer_release_notes(seeds, out, config, newest, writer.final, archive, status,
                                  content)
             or _release_time_notes(seeds, out, config, newest, writer.final, status,
                                    created, entry_checked))
    notes += _recorded_hash_notes(seeds, out, config, changelog, status, content)
    if shards.not_kept:  # (QA: a full cache went unsaid, a read-only one not)
        notes = (*notes, f"the cache folder {cache} could not keep "
                         f"{counted(len(shards.not_kept), 'shard')} of this build's "
                         f"{len(shards.names)} ({shards.not_kept[0]}): later builds process "
                         "their documents again; free space there, or pass --cache DIR (or "
                         "--no-cache)")
    return BuildResult(status, writer.final, archive, shards.stats.documents, content,
                       discovery.skipped, shards.cached, (*discovery.notes, *notes), restored)


def _seeds_problems(seeds: Path, config: CorpusConfig, discovery: Discovery,
                    source_date_epoch: str | None) -> list[Problem]:
    """The problems found before the documents are read: the discovery's, the run's
    settings', the paths corpus.toml names, and the content of files refused for their
    names."""
    problems = [*discovery.problems, *run_problems(config.parquet, source_date_epoch),
                *config_path_problems(config.metadata, config.parquet, discovery.sources,
                                      discovery.skipped, config.discover.exclude)]
    if discovery.held_back:  # files refused for their names: their content is checked too
        from .validation.seeds import held_back_problems

        problems.extend(held_back_problems(seeds, discovery, config.process,
                                           config.discover.max_file_bytes))
    return problems


def _checked_changelog(seeds: Path, config: CorpusConfig, released_in: Path
                       ) -> tuple[bytes | None, list[Problem]]:
    """The seeds' CHANGELOG.md (None where there is none) and its problems: unreadable,
    or entries ahead of the latest release in ``released_in``."""
    problems: list[Problem] = []
    changelog: bytes | None = None
    try:
        changelog = read_changelog(seeds)
    except InputError as error:
        problems.extend(error.problems)
    if changelog is not None:
        problems.extend(ahead_problems(changelog.decode("utf-8"), config.version,
                                       _latest_version(released_in, config.name)))
    return changelog, problems


@dataclass
class _Shards:
    """What the build keeps of its shards as they come back, in shard order, and the
    buffer their records are copied through."""

    stats: CorpusStats = field(default_factory=CorpusStats)
    payload_bytes: int = 0
    payload_files: int = 0
    cached: int = 0
    names: list[str] = field(default_factory=list)
    #: the cache entry (its pieces) each shard is linked to
    entries: list[Path | None] = field(default_factory=list)
    #: and how its pieces and their index were when it came back
    taken: list[_Taken] = field(default_factory=list)
    groups: list[RecordPieces | None] = field(default_factory=list)  # their record groups
    #: and of their manifest lines
    manifest_groups: list[PieceEntry | None] = field(default_factory=list)
    #: where each shard's records went in data/documents.jsonl
    written: WrittenRecords = field(default_factory=WrittenRecords)
    #: and its manifest lines in manifest-sha256.txt
    written_lines: WrittenManifest = field(default_factory=WrittenManifest)
    #: each shard's records are read into it
    copy_buffer: bytearray = field(default_factory=lambda: bytearray(_COPY_CHUNK))
    #: Raw files the release being built holds already, as read: not in the new folder.
    in_place: set[str] = field(default_factory=set)
    #: why shards' cache entries could not be kept (a full disk)
    not_kept: list[str] = field(default_factory=list)

    def take(self, task: ShardTask, result: ShardResult, documents: HashingWriter,
             manifest: HashingWriter) -> None:
        """Keep the shard ``result`` of ``task``: its records copied to ``documents``, its
        manifest lines written to ``manifest``, its statistics counted; returns None."""
        self.cached += result.cached
        self.in_place.update(result.in_place)
        if result.not_kept is not None:
            self.not_kept.append(result.not_kept)
        self.names.append(result.pieces.name)
        self.entries.append(pieces_path(result.entry) if result.entry is not None
                            else None)
        if result.entry is not None:
            self.taken.append(_taken(result.pieces, result.entry))
        self.groups.append(result.records)
        with result.jsonl.open("rb") as shard:
            copied, known = _copy_records(
                shard, documents, result.records, self.copy_buffer,
                _shard_records(task.files(), result.entry))
        self.written.add(copied, known=known)
        result.jsonl.unlink()
        self.stats.merge(result.stats)
        self.manifest_groups.append(result.manifest_group)
        self.written_lines.add([(manifest.bytes, len(result.manifest),
                                 crc32(result.manifest))])
        manifest.write(result.manifest)
        self.payload_bytes += result.stats.raw_bytes
        self.payload_files += result.stats.documents


def _refuse_in_the_way_before_work(final: Path, archive: Path, config: CorpusConfig,
                                   out: Path) -> None:
    """Raises :class:`ReleaseExistsError` where what is at ``archive``, the release's zip,
    is no zip file, or where a folder of releases is at ``final``, the release's folder;
    returns None otherwise."""
    in_the_way = not_a_zip_file(archive)  # before any work: never opened, nor followed
    if in_the_way is not None:
        raise ReleaseExistsError(
            f"{archive} is where the zip of {config.release_name} goes, but {in_the_way};"
            f" move it out of {out} (or put the release's zip itself in its place), then "
            "build again")
    # A folder of releases where this one's folder goes (an earlier --out
    # dist/<name>-<version>): refused before any work, not called a release changed
    # after its build once the work is done (QA)
    _refuse_in_the_way(final, releases_in_place(final), config, out)


def _write_data(seeds: Path, config: CorpusConfig, writer: PackageWriter,
                tasks: list[ShardTask], discovery: Discovery, problems: list[Problem],
                shards: _Shards, *, jobs: int, engine: str, scheduler: str | None,
                pool: ProcessPoolExecutor | None, progress: Progress | None
                ) -> tuple[list[FileEntry], FileEntry]:
    """The entries of the data files (data/documents.jsonl, then the Parquet table if
    asked for) and of manifest-sha256.txt, written as the shards of ``tasks`` come back
    into ``shards``. Raises :class:`InputError` with ``problems`` and every shard's, once
    all are checked, or where there is no document."""
    with writer.stream("manifest-sha256.txt") as manifest:
        # Closed on the way out of an error or an interrupt, here, so that the shards
        # still running are waited for (or cancelled) before the writer removes the
        # folder they write into: left to the garbage collector, the generator was
        # closed after it, and a Dask worker's shard found its folder gone (QA).
        with writer.stream(DOCUMENTS_PATH) as documents, closing(run_shards(
                tasks, jobs, engine=engine, scheduler=scheduler, pool=pool)) as results:
            done, total = 0, len(discovery.sources)
            said = set(problems)
            for task, result in zip(tasks, results, strict=False):
                done += len(task.refs)
                if progress is not None:
                    progress(done, total)
                # The same problem from another shard (a folder a Dask worker does not
                # see, engine._unseen_folders) is said once.
                problems.extend(problem for problem in result.problems
                                if problem not in said)
                said.update(result.problems)
                if problems:
                    continue  # keep checking every document, stop writing: no release
                shards.take(task, result, documents, manifest)
        if problems:
            raise InputError(problems, f"{counted(len(problems), 'problem')} in "
                                       f"{shown_name(seeds)}; nothing was written",
                             discovery.skipped,
                             discovery.notes)
        if shards.stats.documents == 0:
            raise InputError([NO_DOCUMENTS], skipped=discovery.skipped,
                             notes=discovery.notes)
        docs_entry = FileEntry(DOCUMENTS_PATH, documents.bytes, documents.sha256)
        manifest.write(package.manifest_line(docs_entry))
        data_files = [docs_entry]
        if config.parquet:  # the same records with explicit column types
            with writer.stream(PARQUET_PATH) as table:
                write_records_file(writer.root / DOCUMENTS_PATH, table)
            data_files.append(FileEntry(PARQUET_PATH, table.bytes, table.sha256))
            manifest.write(package.manifest_line(data_files[-1]))
    return data_files, FileEntry("manifest-sha256.txt", manifest.bytes, manifest.sha256)


def _write_tag_files(writer: PackageWriter, config: CorpusConfig, created: str | None,
                     shards: _Shards, content: str, data_files: list[FileEntry],
                     manifest_entry: FileEntry, changelog: bytes | None) -> None:
    """Write the package's descriptors, card, changelog and BagIt files, then the tag
    manifest that lists them with ``manifest_entry``; returns None."""
    payload_bytes = shards.payload_bytes + sum(entry.bytes for entry in data_files)
    payload_files = shards.payload_files + len(data_files)
    docs_entry, stats = data_files[0], shards.stats
    tags: list[FileEntry] = [
        manifest_entry,
        writer.write("datapackage.json", package.pretty_json(package.datapackage(
            config, created, [(docs_entry, package.documents_resource())]
            + [(entry, parquet_resource()) for entry in data_files[1:]], stats, content))),
        writer.write("README.md", package.data_card(
            config, stats, content, data_files[-1].path, created=created)),
        # The raw files as one text/plain FileSet, whatever their suffixes (QA: mlcroissant
        # could not read the FileSets per media type corpuskit wrote for a while).
        writer.write(CROISSANT_PATH, package.pretty_json(
            croissant(config, created, stats, content, data_files))),
        writer.write("CHANGELOG.md", changelog if changelog is not None
                     else package.default_changelog(config, created, stats)),
        writer.write("bagit.txt", package.BAGIT_TXT),
        writer.write("bag-info.txt", package.bag_info(
            config, created, payload_bytes, payload_files, content)),
    ]
    tags.sort(key=lambda e: package.manifest_order(e.path))
    writer.write("tagmanifest-sha256.txt", b"".join(map(package.manifest_line, tags)))


def _place_release(seeds: Path, out: Path, config: CorpusConfig, writer: PackageWriter,
                   archive: Path, created: str | None, content: str,
                   changelog: bytes | None, newest: tuple[Version, Path] | None,
                   prepared: PreparedPieces, pieces: Path, shards: _Shards, *,
                   late: LateSignals | None, entry_checked: bool,
                   expected_content: str | None, released_in: Path | None
                   ) -> tuple[str, str]:
    """The build's status ("built", "unchanged" or "restored") and what was restored
    ("archive", "folder" or ""): the release in ``out`` found equal to the one built in
    ``writer`` (its zip or folder written again where missing), or the new one put in
    place, folder then zip. Raises where a release is in the way, or changed."""
    restored = ""
    _refuse_unreadable(config, out, writer.final, archive)
    _refuse_in_the_way(writer.final, not_a_release_folder(writer.final), config, out)
    if shards.in_place and not writer.final.exists():
        raise FileChanged(
            f"release {config.release_name} was removed from {out} while this build "
            f"compared its files with the seeds; nothing was written: build again")
    if writer.final.exists():
        if _check_identical(writer.final, writer.root, archive, created, config, out,
                            prepared, seeds, late, shards.in_place):
            status, restored = "restored", "archive"
        else:
            status = "unchanged"
    elif archive.exists():
        # The folder goes into place before its zip, so a zip without its folder is
        # no build's leftover: a release whose folder was removed by hand.
        _check_archive_identical(writer.root, archive, created, config, out, prepared,
                                 seeds)
        if late is not None:  # the folder's rename completes the release: not undone
            late.hold()
        writer.commit()
        status, restored = "restored", "folder"
    else:
        _place_new_release(seeds, out, config, writer, archive, created, content, changelog,
                           newest, prepared, pieces, shards.taken, late=late,
                           entry_checked=entry_checked, expected_content=expected_content,
                           released_in=released_in)
        status = "built"
    return status, restored


def _place_new_release(seeds: Path, out: Path, config: CorpusConfig, writer: PackageWriter,
                       archive: Path, created: str | None, content: str,
                       changelog: bytes | None, newest: tuple[Version, Path] | None,
                       prepared: PreparedPieces, pieces: Path, taken: list[_Taken], *,
                       late: LateSignals | None, entry_checked: bool,
                       expected_content: str | None, released_in: Path | None) -> None:
    """Put the release built in ``writer``, of which ``out`` holds neither folder nor zip,
    in place: its folder, then its zip; returns None. Raises
    :class:`ReleaseExistsError` where it would be a second, other release of its version,
    and :class:`FileChanged` where the seeds changed while a release built them."""
    second = None if entry_checked else _second_release(
        seeds, out, config, changelog, newest, writer.root, created, content,
        compared_elsewhere=released_in is not None)
    if second is not None:
        raise ReleaseExistsError(second)
    if expected_content is not None and content != expected_content:
        # (QA: a file removed or appended to while release built gave a minor
        # release whose entry named one document added, which check and validate
        # then passed, the version never to be mended)
        raise FileChanged(
            f"the seeds in {seeds} changed while release {config.release_name} was "
            "built: its records are not those its version bump and changelog entry "
            "were made from; nothing was released: run the release again once the "
            "seeds stay still")
    # The folder first: a build killed before its zip is in place leaves a whole
    # folder, whose zip the next build writes (_check_identical).
    writer.commit()
    _write_zip_of_placed_folder(seeds, out, config, writer.final, archive, created, prepared,
                                pieces, taken, late)


def _write_zip_of_placed_folder(seeds: Path, out: Path, config: CorpusConfig, final: Path,
                                archive: Path, created: str | None,
                                prepared: PreparedPieces, pieces: Path, taken: list[_Taken],
                                late: LateSignals | None) -> None:
    """Write the zip of the release folder ``final``, in place already, to ``archive``;
    returns None. A failure, or an interrupt, says the folder is whole and how to write
    its zip: :class:`FileChanged` where a cache entry the pieces were taken from
    changed, :class:`OutputError` otherwise."""
    try:
        _write_release_archive(final, archive, created, config, prepared,
                               before_placing=partial(_unchanged, pieces, taken, late))
    except (OutputError, FileChanged) as error:
        # The folder is whole (its records checked as they were copied): a cache
        # entry changed since its pieces were taken is said to be what failed, not
        # the disk (QA: "is shorter than its index says ... free space").
        changed = _changed_entry(pieces, taken)
        if changed is not None or isinstance(error, FileChanged):
            raise FileChanged(
                f"{_entry_changed(changed) if changed is not None else error}; the "
                f"release folder {final} is complete and in place (its "
                "records were checked as they were copied), its zip not written: "
                f"run '{command('build', seeds=seeds, out=out)}' again to write it "
                "(a changed cache entry is not used), or with --no-cache") from None
        # the folder is whole: say how to finish (QA); room only where room was
        # what lacked (QA: out of descriptors, it was told to free space)
        room = (" (free space for the zip, and for a second copy of the folder, "
                "which a build makes to compare)"
                if getattr(error, "errno", None) in (errno.ENOSPC, errno.EDQUOT)
                else "")
        unfinished = OutputError(
            f"{error}; the release folder {final} is complete, its zip not "
            f"written: fix that{room}, then run "
            f"'{command('build', seeds=seeds, out=out)}' again to write the zip")
        unfinished.errno = getattr(error, "errno", None)  # (a full disk: see build)
        raise unfinished from None
    except (KeyboardInterrupt, MemoryError, RuntimeError, LookupError, ImportError,
            OSError) as stopped:  # Ctrl-C, SIGTERM: "aborted" alone (QA); or out of
        if (not isinstance(stopped, KeyboardInterrupt)  # memory, threads, files
                and exhausted_resource(stopped) is None):
            raise
        told_when_ended(stopped, f"the release folder {final} is in place, "
                                 "its zip not written: run "
                                 f"'{command('build', seeds=seeds, out=out)}' to "
                                 "write it, which finishes the release")
        raise


def _newer_release_notes(seeds: Path, out: Path, config: CorpusConfig,
                         newest: tuple[Version, Path] | None, final: Path, archive: Path,
                         status: str, content: str) -> tuple[str, ...]:
    """The note where ``out`` holds a release newer than this one (what to do about it,
    by whether this build made the release and whether the newer one has its content),
    or where this new release holds the latest's documents and metadata under a higher
    version; () otherwise."""
    if newest is not None and newest[0] > Version.parse(config.version):
        behind = f"'{command('check', seeds=seeds, dist=out)}' will call the seeds behind"
        relabel = (relabel_of_newest(seeds, out, config, newest, final, unreleased=True)
                   if status != "built" and stated_content(newest[1]) == content else None)
        if relabel is not None:
            # An earlier release of the latest's documents, metadata and settings (QA: told
            # to bring back seeds that it holds already): the latest is these seeds too.
            return (f"{out} holds {config.name} {newest[0]}, newer than {config.version}, "
                    f"with the documents, metadata and settings of these seeds: {behind} "
                    f"it; to carry on from {newest[0]}, {relabel}",)
        if status != "built":
            # An earlier release, found whole or made whole again: no advice to remove it,
            # nor to set the version to the latest, which would be refused (QA).
            return (f"{out} holds {config.name} {newest[0]}, newer than {config.version}, "
                    f"the release these seeds make: {behind} it; to carry on from "
                    f"{newest[0]}, bring back the seeds it was released from (from version "
                    "control, or its data/raw/ and datapackage.json)",)
        return (f"{out} holds {config.name} {newest[0]}, newer than {config.version}: "
                f"{behind} it; if {config.version} is not a fix of an older line (a "
                f"version set by mistake), remove {final.name} and "
                f"{archive.name} from {out} (if not published), set version back to "
                f"{newest[0]} in {seeds / CONFIG_NAME}, and let "
                f"'{command('release', seeds=seeds, out=out)}' number the next version "
                f"after {newest[0]}",)
    if status == "built" and newest is not None \
            and newest[0] < Version.parse(config.version) \
            and stated_content(newest[1]) == content:
        relabel = relabel_of_newest(seeds, out, config, newest, final, unreleased=True)
        if relabel is not None:  # (QA: built without a word, where release refuses)
            return (f"{final.name} holds the documents and metadata of "
                    f"{config.name} {newest[0]} ({newest[1]}), with its settings, outputs "
                    f"and CHANGELOG.md: '{command('release', seeds=seeds, out=out)}' "
                    f"finds nothing to release in these seeds; unless {config.version} is "
                    f"meant as a release of its own, remove {final.name} and "
                    f"{archive.name} from {out} (if not published), then {relabel}",)
    return ()


def _release_time_notes(seeds: Path, out: Path, config: CorpusConfig,
                        newest: tuple[Version, Path] | None, final: Path, status: str,
                        created: str | None, entry_checked: bool) -> tuple[str, ...]:
    """The note where the new release ``final`` has the release time of the latest
    release before it, a version bumped by hand; () otherwise."""
    if status == "built" and created is not None and newest is not None \
            and newest[0] < Version.parse(config.version) and not entry_checked:
        # (QA: a version bumped by hand kept the release time of the release before it)
        # Not of a release's build: its advice is to let release make releases, and release
        # says in its own words where it took that time (QA).
        before = descriptor_of(newest[1]) if newest[1].is_dir() else None
        if before is not None and before.get("created") == created:
            # Its content hash too, kept with it: set to this release's time alone, the
            # pair says this version was released with that content, and builds where it
            # is not refuse these seeds (QA: the note's advice, followed, was refused).
            stated = config.metadata.get("content_hash")
            kept = isinstance(stated, str) and kept_from(before, created, stated)
            return (f"{final.name} has the release time of {config.name} "
                    f"{newest[0]} ({created}, {CONFIG_NAME}'s created): if it is "
                    "released as it is, two releases say they were made at once; "
                    "set created to this release's time"
                    + (f" and remove content_hash ({newest[0]}'s too)" if kept else "")
                    + f", or let '{command('release', seeds=seeds, out=out)}' make "
                    "releases, which sets it (and checks the version against the "
                    "changes)",)
    return ()


def _recorded_hash_notes(seeds: Path, out: Path, config: CorpusConfig,
                         changelog: bytes | None, status: str, content: str
                         ) -> tuple[str, ...]:
    """The note where the release of the seeds' version was in ``out`` already (``status``
    not "built") with the ``content`` the seeds make, and corpus.toml's content_hash, with
    the version's entry in CHANGELOG.md, is another: a build of the version where it is
    not (a clone) compares the seeds with that key, and refuses them as changed (QA: build
    said "already built with identical content", where check and validate of the seeds
    named the mistyped key). () for the release time and hash of the release before it,
    kept by a version bumped by hand, which :func:`_release_time_notes` names."""
    stated = config.metadata.get("content_hash")
    recorded = config.metadata.get("created")
    if status == "built" or not isinstance(stated, str) or stated == content \
            or changelog is None or not has_entry(changelog.decode("utf-8", "replace"),
                                                  config.version):
        return ()
    version = Version.parse(config.version)
    before = [path for older, path in survey_releases(out, config.name).found
              if older < version]
    if before and recorded is not None and kept_from(descriptor_of(before[-1]),
                                                     str(recorded), stated):
        return ()
    return (f"{seeds / CONFIG_NAME} has content_hash = {stated}, which is not the content "
            f"hash of {config.name} {config.version} ({content}), the release in {out}: a "
            f"build of {config.version} into an output folder that does not hold it (a "
            f"clone's) compares the seeds with that key, and refuses them as changed since "
            f"the release; set it back: content_hash = \"{content}\"",)


def _second_release(seeds: Path, out: Path, config: CorpusConfig, changelog: bytes | None,
                    newest: tuple[Version, Path] | None, built: Path,
                    created: str | None, content: str, *,
                    compared_elsewhere: bool = False) -> str | None:
    """Why the release ``built`` (a new folder, not in place yet) would be a second,
    other release of its version, or None.

    Seeds whose CHANGELOG.md has an entry for their version and whose corpus.toml records
    its release time were released as that version; when that release is not in ``out``
    (removed, or made in another folder or clone), building it again makes it again byte
    for byte only from the same documents and metadata, at the recorded time. The entry
    says which, where it follows the latest release in ``out``: the changes it counts since
    that release are those of these seeds (QA: build made a second, other 1.1.0, with a
    document added, where release refused). An entry that follows another release, or
    counts nothing, cannot tell; nor can any entry tell an edit inside a document it names.
    The content hash a release records in corpus.toml (``content_hash``) tells both: the
    build's ``content`` must be it. Seeds released before corpuskit recorded it have only
    their entry to go by.

    An ``out`` that holds no release of the corpus (a clone that does not keep its
    releases) is no way round it: the recorded content hash is compared there too, unless
    the build is ``check``'s, in a folder of its own, whose releases are elsewhere
    (``compared_elsewhere``: it compares the build with them, and calls them stale)."""
    recorded = config.metadata.get("created")
    if changelog is None or not recorded:
        return None
    if newest is None:
        # (QA: s76's open list, a build or release into an empty --out made a second,
        # other release of a recorded version, and wrote its other hash over the record)
        # validate of the seeds compares as this does (validation.seeds).
        if compared_elsewhere:
            return None
        later = other_time(config, changelog, created)
        if later is not None:
            return _other_time_refusal(seeds, out, config, *later, created)
        return _other_than_recorded(seeds, out, config, released(config, changelog), content,
                                    "build")
    if not newest[0] < Version.parse(config.version):
        return None
    from .changelog import entry_line
    from .diff import diff
    from .release import changelog_entry

    text = changelog.decode("utf-8")
    line = entry_line(text, config.version)
    if line is None:
        return None
    if created != str(recorded):  # SOURCE_DATE_EPOCH's time: other bytes (QA)
        return _other_time_refusal(seeds, out, config, str(recorded), line, created)
    previous = str(newest[0])
    lines = text.splitlines()
    after = next((at for at in range(line, len(lines)) if lines[at].startswith(("# ", "## "))),
                 len(lines))
    section = "\n".join(lines[line - 1:after])
    # The changes the entry counts, not its every word: an entry an earlier corpuskit
    # wrote (its titles escaped otherwise), or whose prose was added to, is the release's
    # still (QA: unchanged seeds were refused for an entry of the earlier form).
    said = _said_since(section, previous)
    found = None
    if said is not None:
        found = diff(newest[1], built)
        counts = _said_since(changelog_entry(config.version, str(recorded), found, previous),
                             previous)
        if said != counts:
            return _entry_differs(seeds, out, config, line, previous, newest[1], counts)
    # Where the entry follows another release, not in --out either (QA: a clone whose dist
    # held 1.0.0, two releases behind, was refused the build of the latest), or says the
    # same as these seeds, only the content hash release recorded can tell: an edit inside
    # a document the entry names, or a new value of a field it lists, leaves the entry as
    # it was (QA: a second, other 1.1.0 was built, and check called it current).
    stated = config.metadata.get("content_hash")
    if not stated or stated == content:
        return None
    found = found or diff(newest[1], built)
    if found.old.created == str(recorded) and found.old.content_hash == stated:
        # The latest release's time and hash, kept by a version bumped by hand: no
        # record of what this version was released with. Both: releases made with one
        # SOURCE_DATE_EPOCH share their time (as check tells them apart).
        return None
    return other_content_refusal(seeds, out, config, line, str(stated), content, "build")


def _other_time_refusal(seeds: Path, out: Path, config: CorpusConfig, recorded: str,
                        line: int, created: str | None) -> str:
    """Why a build of the seeds' version, recorded as released at ``recorded`` (its entry
    at ``line``) and not in ``out``, is refused at the release time ``created``."""
    return (f"{seeds / CONFIG_NAME} records the release time of {config.name} "
            f"{config.version} (created = {recorded}), and {seeds / CHANGELOG_NAME} its "
            f"entry (line {line}), but SOURCE_DATE_EPOCH gives {created}: {config.version} "
            f"is not in {out}, and building it at another time would make a second, "
            f"other {config.version}; nothing was written. "
            f"Unset SOURCE_DATE_EPOCH{other_time_hint(recorded)}, and build again")


def recorded_other_content(seeds: Path, out: Path, config: CorpusConfig, changelog: str,
                           content: str, making: str) -> str | None:
    """Why ``making`` (build, release) the seeds' version into ``out``, which holds no
    release of the corpus, is refused: ``corpus.toml`` records its release (``created``,
    ``content_hash``), ``changelog`` has its entry, and these seeds make other
    ``content``; None where nothing records other content."""
    return _other_than_recorded(seeds, out, config, recorded_release(config, changelog),
                                content, making)


def _other_than_recorded(seeds: Path, out: Path, config: CorpusConfig,
                         recorded: RecordedRelease | None, content: str, making: str
                         ) -> str | None:
    """Why ``making`` (build, release) the seeds' version into ``out`` is refused where
    ``recorded`` is the release of it they record and ``content`` is another content than
    its; None where nothing is recorded, or the content is the release's."""
    if recorded is None or recorded.made_by(content):
        return None
    return other_content_refusal(seeds, out, config, recorded.line, recorded.content_hash,
                                 content, making)


def other_content_refusal(seeds: Path, out: Path, config: CorpusConfig, line: int,
                          stated: str, content: str, making: str) -> str:
    """Why ``making`` (build, release) of the seeds' version, recorded as released (its
    entry at ``line``, its ``created`` and ``content_hash = stated``) and not in ``out``,
    is refused: these seeds make ``content``, another content than that release's, or the
    key was edited, which check names where the release is at hand (QA: the seeds alone
    were blamed for a mistyped key)."""
    return (f"{seeds / CONFIG_NAME} records the release of {config.name} {config.version} "
            f"(created, and content_hash = {stated}) and {seeds / CHANGELOG_NAME} its entry "
            f"(line {line}), but {config.version} is not in {out}, and these seeds make "
            f"other content ({content}): they changed since {config.version} was released "
            f"(as its entry cannot show: inside a document or a metadata field it names, "
            f"say), or content_hash in {CONFIG_NAME} was edited. A {making} would make a "
            f"second, other {config.version}; nothing was written. "
            + other_content_advice(seeds, out, config))


def _entry_differs(seeds: Path, out: Path, config: CorpusConfig, line: int, previous: str,
                   latest: Path, counts: str | None) -> str:
    """Why a build is refused whose seeds' entry for their version (at ``line``) is not the
    one a release of them after ``previous`` (``latest``) writes, which ``counts``."""
    changes = counts or "no document or metadata changed"
    return (f"{seeds / CHANGELOG_NAME} has the entry of release {config.name} "
            f"{config.version} (line {line}) and {seeds / CONFIG_NAME} its release time, "
            f"but {config.version} is not in {out}, and the entry a release of these seeds "
            f"after {previous} ({latest}) writes ({changes} since then) is not that one: "
            f"the seeds changed since {config.version} was released, or its entry was "
            f"edited after. Building would make a second, other {config.version}; nothing "
            f"was written. If {config.version} was published, put it (its folder and zip) "
            f"into {out}, then release the changes with "
            f"'{command('release', seeds=seeds, out=out)}' (an edited entry: put its words "
            f"back as released first); if it never was, remove its entry from "
            f"{CHANGELOG_NAME} and created from {CONFIG_NAME}, then run "
            f"'{command('release', seeds=seeds, out=out)}'")


def _said_since(entry: str, previous: str) -> str | None:
    """What a release's changelog ``entry`` says of its changes since ``previous``: what it
    counts (:func:`_counted_since`), "" where it says no document or metadata changed since
    (a pre-release made final, a change of settings alone), None where it speaks of no
    change since ``previous``. Counting nothing is a count too (QA: a 2.0.0 made final
    from 2.0.0-rc.1, then not in dist, was built again with a document added, a second,
    other 2.0.0)."""
    counted = _counted_since(entry, previous)
    if counted is not None:
        return counted
    unchanged = (rf"The release of {re.escape(previous)}, made final: no document or "
                 rf"package metadata changed since\.|No document or package metadata "
                 rf"changed since {re.escape(previous)}(?:;|\.(?!\S))")
    return "" if re.search(unchanged, entry) else None


def _counted_since(entry: str, previous: str) -> str | None:
    """What a release's changelog ``entry`` counts of its changes since ``previous`` (``1
    document added, 1 document changed``), or None if it says no such thing."""
    start = entry.find(f"Changes since {previous}: ")
    if start < 0:
        return None
    line = entry[start:].split("\n", 1)[0].split(": ", 1)[1]
    return line.split(". ", 1)[0].rstrip(".")


def _check_archive_identical(built: Path, archive: Path, created: str | None,
                             config: CorpusConfig, out: Path, prepared: PreparedPieces,
                             seeds: Path) -> None:
    """A release's zip whose folder is gone must hold what this build made; what differs
    is said as for a release folder (:func:`_check_identical`): another release time alone,
    or the documents and metadata that differ."""
    _refuse_lfs_pointer(archive)
    misnamed = [item for item in survey_releases(out, config.name).damaged
                if item.path == archive]
    if misnamed and misnamed[0].other is not None:  # as of a folder (_check_identical)
        raise ReleaseExistsError(
            f"{archive} is the release of another corpus, {misnamed[0].other}, whose release "
            f"zip is named as this one's ({config.release_name}); set another name than "
            f"{config.name!r} in {seeds / CONFIG_NAME}, or build it into another --out")
    if misnamed:  # named as this release, it holds another: judged by what it holds (QA)
        raise ReleaseExistsError(
            f"{archive} is named as release {config.release_name} but {misnamed[0].reason}: "
            f"restore it from a published copy, or move it out of {out}, then build again")
    if _archive_matches(built, archive, created, config, out, prepared):
        return
    from .diff import diff_or_none, summarize  # only on this error path

    there = f"release {config.release_name} already exists in {out} as {archive.name} (its " \
        "folder was removed)"
    found = diff_or_none(archive, built)
    summary = summarize(found) if found is not None else ""
    if (found is not None and not summary and found.old.created != found.new.created
            and _time_alone(found, member_differs(archive, config.release_name, built,
                                                   CHANGELOG_NAME), seeds)):
        raise ReleaseExistsError(
            f"{there} with the same documents and metadata, but another release time: "
            f"created is {found.old.created or 'absent'} there and "
            f"{found.new.created or 'absent'} in this build; "
            f"{release_time_advice(found.old.created)}")
    raise ReleaseExistsError(
        f"{there} with other content{f' ({summary})' if summary else ''}; released versions "
        f"are immutable: "
        f"{_bump_advice(seeds, out, config, built, same=found is not None and not summary)}")


def _time_alone(found: Diff | None, changelog_differs: bool, seeds: Path) -> bool:
    """Whether a release and a build of the same documents and metadata (``found``: the
    diff of the two) differ in their release time alone, so that building with the
    release's time makes them equal: their processing settings and outputs are the same,
    and their CHANGELOG.md too, unless the build wrote its own, dated with its time (the
    seeds have none). A version set back to an older release's was told to build with
    that release's time, which then refused it for the settings or CHANGELOG.md (QA)."""
    if found is None or found.packaging:
        return False
    if not changelog_differs:
        return True
    try:
        return read_changelog(seeds) is None
    except CorpuskitError:
        return False


def release_time_alone(existing: Path, built: Path, changelog_differs: bool,
                       seeds: Path) -> bool:
    """Whether the release folder ``existing`` and a fresh build of ``seeds`` (``built``)
    hold the same documents and metadata and differ in their release time alone
    (:func:`_time_alone`; ``changelog_differs``: their CHANGELOG.md differ)."""
    from .diff import diff_or_none, summarize  # only on this error path

    found = diff_or_none(existing, built)
    return found is not None and not summarize(found) and _time_alone(
        found, changelog_differs, seeds)


def member_differs(archive: Path, root: str, folder: Path, name: str) -> bool:
    """Whether the member ``root/name`` of the release zip ``archive`` holds other bytes
    than ``folder/name`` (its CRC-32 and size; either missing or unreadable: it does)."""
    try:
        data = (folder / name).read_bytes()
        members = {member[0]: member[3:] for member in zip_signature(archive)}
    except (OSError, ValueError):
        return True
    return members.get(f"{root}/{name}") != (crc32(data), len(data))


def _write_release_archive(folder: Path, target: Path, created: str | None,
                           config: CorpusConfig, prepared: PreparedPieces,
                           doing: str | None = None,
                           before_placing: Callable[[], None] | None = None) -> None:
    """The release's zip of ``folder``, as ``config`` says: members under the release's
    name, deflated by its compression (``before_placing``: see :func:`write_archive`)."""
    write_archive(folder, target, created, root=config.release_name,
                  compression=COMPRESSIONS[config.compression], prepared=prepared,
                  doing=doing, before_placing=before_placing)


def _archive_matches(built: Path, archive: Path, created: str | None, config: CorpusConfig,
                     out: Path, prepared: PreparedPieces) -> bool:
    """Whether ``archive`` holds what the zip of the folder ``built`` would (a probe zip
    is written beside it, compared and removed). A damaged ``archive`` (its seal or its
    published ``.sha256`` does not match its bytes) is an error: the comparison reads
    only its central directory, which a changed member's bytes leave as it was."""
    from .validation.seal import (  # only when a release exists
        check_archive_checksums,
        sidecar_problem,
    )

    _refuse_lfs_pointer(archive)
    damage = check_archive_checksums(archive)
    if damage and all(sidecar_problem(problem) for problem in damage):
        raise ReleaseExistsError(f"{archive}: {damage[0].message}; then build again")
    by_git = next((problem for problem in damage if said_converted((problem.message,))), None)
    if by_git is not None:
        # Git converted its line ends (the seal's problem says so): a copy restored from
        # Git is converted again (QA s82 review 6: "restore it from a published copy")
        raise ReleaseExistsError(
            f"{archive} is not as it was built ({by_git.message}); "
            + line_ends_advice((out,), f"{archive} has CR LF where the zip as written has LF")
            + "; then build again")
    if damage:
        raise ReleaseExistsError(
            f"{archive} is damaged ({damage[0].message}); released archives are immutable: "
            "restore it from a published copy, or, if it was never published, remove it "
            "and build again")
    probe = archive.with_name(f"{TEMP_PREFIX}probe-{archive.name}")
    try:
        _write_release_archive(built, probe, created, config, prepared,
                               doing=f"cannot write a copy of {archive} (to compare it "
                                     f"with this build) in {out}")
        return archives_match(probe, archive)
    finally:
        probe.unlink(missing_ok=True)


def _refuse_lfs_pointer(archive: Path) -> None:
    """A release's zip that is a Git LFS pointer (a checkout that did not fetch it) is
    refused as one, with ``git lfs pull``: build called it damaged and said to remove it
    and build again, which would commit a zip over the LFS object (QA), while validate,
    check and the readers named it as a pointer."""
    if is_lfs_pointer(archive):
        raise ReleaseExistsError(f"{archive}: {LFS_ADVICE}")


def _refuse_unreadable(config: CorpusConfig, out: Path, *paths: Path) -> None:
    """The release already in ``out`` (its folder, its zip: ``paths``) that this user may
    not read is said to be so, naming it, with what to do. It was called changed after it
    was built, or damaged, with advice to restore or delete it: a published release whose
    only fault is its permissions (QA)."""
    denied = [problem for path in paths if os.path.lexists(path)
              and (problem := unreadable_given(path)) is not None]
    if denied:
        raise UnreadableRelease(denied, _unreadable_summary(config, out))


def _unreadable_summary(config: CorpusConfig, out: Path) -> str:
    return (f"release {config.release_name} in {out} cannot be read by this user, so it "
            "cannot be compared with this build; nothing was written")


def _bump_advice(seeds: Path, out: Path, config: CorpusConfig, built: Path, *,
                 same: bool) -> str:
    """What to do when the seeds (built into ``built``) changed under a released version:
    bump it; ``same``: the documents and metadata are the release's (settings, outputs or
    CHANGELOG.md changed), which 'release patch' releases and plain 'release' refuses (QA:
    build named plain 'release' first). When ``out`` holds a release newer than the seeds'
    version, a bump of that version would still be behind it (QA: 1.0.1 advised, with
    1.1.0 released): then what to do after the newest release."""
    release = command("release", seeds=seeds, out=out)
    patch = command("release", seeds=seeds, out=out, arguments=("patch",))
    newest = latest_release(out, config.name)
    if newest is None or newest[0] <= Version.parse(config.version):
        if same:
            return (f"release them with '{patch}': the documents and metadata are the "
                    "release's, and only settings, outputs or CHANGELOG.md changed, which "
                    f"plain '{release}' does not release")
        return f"bump the version with '{release}'"
    from .diff import diff  # only on this error path

    version, path = newest
    behind = (f"{out} holds {config.name} {version}, newer than {config.version}, the "
              f"version in {seeds / CONFIG_NAME}, so a version bumped from "
              f"{config.version} (such as {Version.parse(config.version).bump('patch')}) "
              f"would still be below {version}")
    try:
        found = diff(path, built)
    except CorpuskitError:
        found = None
    if found is not None and found.bump == "none":
        return (f"{behind}; these seeds hold the documents and metadata of {version} "
                f"({path}): {relabel_advice(seeds, out, str(version), found)}")
    bumped = (f" ({version.bump(found.bump)}, a {found.bump} release, for these changes)"
              if found is not None else "")
    return (f"{behind}: run '{release}', which diffs the seeds against {version} and "
            f"releases the next version after it{bumped}, or set a version above {version} "
            f"in {seeds / CONFIG_NAME}")


def relabel_advice(seeds: Path, out: Path, version: str, found: Diff) -> str:
    """What to do when the seeds hold the documents and metadata of release ``version``
    (``found``: the diff of that release against them, of no bump) under another version:
    say it, or change them and release. ``build`` refuses them so, and ``release`` finds
    nothing to release in them, with the same words (QA: it did not name the version)."""
    created = ("" if found.old.created == found.new.created else
               f" (its release time is not this build's: "
               f"{release_time_advice(found.old.created)})")
    return (f"set version = \"{version}\" in {seeds / CONFIG_NAME} to build {version} "
            f"again{created}, or change them and run "
            f"'{command('release', seeds=seeds, out=out)}'")


def stated_content(release: Path) -> str | None:
    """The content hash a release folder's descriptor states, or None (a zip, a descriptor
    that cannot say): one small read, before a build compares a whole release with its
    own."""
    descriptor = descriptor_of(release) if release.is_dir() else None
    stated = descriptor.get("corpuskit") if descriptor is not None else None
    found = stated.get("content_hash") if isinstance(stated, dict) else None
    return found if isinstance(found, str) else None


def relabel_of_newest(seeds: Path, dist: Path, config: CorpusConfig,
                      newest: tuple[Version, Path] | None, built: Path, *, unreleased: bool
                      ) -> str | None:
    """What build and release say to do (:func:`~corpuskit.build.relabel_advice`) when the
    seeds (built into ``built``) hold the documents and metadata of ``newest``, the latest
    release in ``dist``, under another version: one older than it, or one never released
    (``unreleased``: older or newer), with its processing settings, outputs and
    CHANGELOG.md too, as release says; else None."""
    version = Version.parse(config.version)
    if newest is None or newest[0] == version or (newest[0] < version and not unreleased):
        return None
    from .diff import diff  # only when dist/ holds a newer release, or one of this content
    from .release import packaging_changed  # (release imports this module)

    try:
        found = diff(newest[1], built)
    except CorpuskitError:  # its problems are said where it is checked
        return None
    if found.bump != "none" or (unreleased and packaging_changed(
            config, newest[1], read_changelog(seeds))):
        return None
    return relabel_advice(seeds, dist, str(newest[0]), found)


def unfinished_release(name: str, version: str, folder: Path, seeds: Path, out: Path, *,
                       settings: bool = False) -> str:
    """What to do about release ``version`` (its folder ``folder``, no zip beside it) once
    the documents of ``seeds`` (``settings``: its processing settings, outputs or
    CHANGELOG.md) have changed: ``build`` cannot write that zip (the build is of the
    changed seeds), and ``release`` makes no release after a half-made one. ``build`` and
    ``release`` both say this."""
    start = (f"{name} {version} ({folder}) has no zip beside it: a build or release was "
             "interrupted after the folder was in place (or the zip was removed), and ")
    build_it = f"run '{command('build', seeds=seeds, out=out)}' to write its zip"
    release_patch = command("release", seeds=seeds, out=out, arguments=("patch",))
    if settings:
        return (f"{start}the processing settings, outputs or {CHANGELOG_NAME} of {seeds} "
                f"have changed since: finish {version} first, then release the change. Put "
                f"them back as they were in {version} ({folder}/{CHANGELOG_NAME} and the "
                f"'corpuskit' settings of its datapackage.json say how), {build_it}, make the "
                f"change again and run '{release_patch}'; or restore the zip from a "
                "published copy")
    return (f"{start}the documents or metadata of {seeds} have changed since (corpuskit "
            f"diff {folder} {seeds} lists how): finish {version} first, then release the "
            f"changes. Put the seeds back as {version} has them: set aside the documents "
            "added since (a renamed one under its new name too), copy those changed, removed "
            f"or renamed since from {folder}/data/raw/, which holds each as it was, and put "
            f"back in {CONFIG_NAME} the package metadata and processing settings changed "
            f"since ({folder}/datapackage.json holds them), keeping its version and "
            f"{CHANGELOG_NAME} at {version}. Then {build_it}, bring your changes back and run "
            f"'{command('release', seeds=seeds, out=out)}'; or restore the zip from a "
            "published copy")


def _not_a_release_there(existing: Path, config: CorpusConfig, out: Path) -> str:
    """What to say of ``existing``, the folder named as this build's release in ``out``,
    that holds no package at all: empty (an interrupted copy, a folder made by hand), or
    none of a release's files. (QA: it was said to be "changed after it was built", with
    validate's advice to write a corpus.toml and "remove the files added to it".)"""
    try:
        held = [name for name in os.listdir(existing) if not name.startswith(".")]
    except OSError:
        held = ["?"]
    if not held:
        what, remove = "is an empty folder", "remove it"
    else:
        what = "holds no release (no datapackage.json: it is no package folder)"
        remove = f"move it out of {out} (what it holds is no build's)"
    return (f"{existing}, the folder of release {config.release_name} in {out}, {what}. If "
            f"{config.release_name} was released, restore its folder from a published copy; "
            f"if not, {remove}; then build again")


def _check_identical(existing: Path, built: Path, archive: Path, created: str | None,
                     config: CorpusConfig, out: Path, prepared: PreparedPieces,
                     seeds: Path, late: LateSignals | None = None,
                     in_place: Collection[str] = ()) -> bool:
    """An existing release must equal the new build; its zip is restored if missing (then
    True). Files of it this user may not read are its problems (they raised a traceback:
    QA). ``in_place``: its raw files the build found holding the bytes it read, and did
    not place in ``built`` (:attr:`corpuskit.engine.ShardResult.in_place`)."""
    unreadable: list[tuple[Path, OSError]] = []
    differing = tree_differences(existing, built, unreadable, in_place)
    if unreadable:
        raise ReleaseProblems(
            [Problem(str(path), "unreadable-file", not_compared_reason(path, exc))
             for path, exc in unreadable],
            f"release {config.release_name} in {out} cannot be compared with this build "
            f"({len(unreadable)} of its files or folders cannot be read); nothing was written")
    if differing:
        from .validation import validate  # only on this error path

        report = validate(existing)
        damage = report.problems
        denied = report.unreadable_problems()
        if denied:  # its permissions, not its content (QA)
            raise UnreadableRelease(denied, _unreadable_summary(config, out))
        converted = [problem.path for problem in damage if problem.code == "checksum-mismatch"
                     and said_converted((problem.message,))]
        if converted:  # Git's line-end handling: a checkout converts them again (QA)
            raise ReleaseExistsError(
                f"release {config.release_name} in {out} is not as it was built "
                f"({counted(len(damage), 'problem')} found by 'corpuskit validate "
                f"{existing}'): " + line_ends_advice((seeds, out), (
                    f"{shown_paths(converted)} {'holds' if len(converted) == 1 else 'hold'} other "
                    "line ends than its manifests record"))
                + "; then build again")
        if damage and [problem.code for problem in damage] == ["not-a-package"]:
            raise ReleaseExistsError(_not_a_release_there(existing, config, out))
        if damage:  # the release changed since it was built, not (only) the seeds
            raise ReleaseExistsError(
                f"release {config.release_name} in {out} was changed after it was built "
                f"({counted(len(damage), 'problem')} found by "
                f"'corpuskit validate {existing}'; the first: {damage[0].render()}); "
                "released versions are immutable: restore it from a published copy (or "
                "remove the files added to it), then build again"
                + shared_advice([folder for folders in sharing_releases(
                    out, config.name, existing, differing).values() for folder in folders],
                                one_file=False))
        shown = ", ".join(differing[:5]) + (", ..." if len(differing) > 5 else "")
        held = descriptor_of(existing) or {}
        if held.get("name") != config.name and isinstance(held.get("name"), str):
            # Another corpus whose release folder is named alike ("a-1.0.0" 2.0.0 and "a"
            # 1.0.0-2.0.0): no version bump of this one helps (QA: it was advised).
            raise ReleaseExistsError(
                f"{existing} is the release of another corpus, {held['name']} "
                f"{held.get('version')}, whose release folder is named as this one's "
                f"({config.release_name}); set another name than {config.name!r} in "
                f"{seeds / CONFIG_NAME}, or build it into another --out")
        from .diff import diff_or_none, summarize  # only on this error path

        found = diff_or_none(existing, built)
        summary = summarize(found) if found is not None else ""
        kept, fresh = descriptor_created(existing), descriptor_created(built)
        if not summary and kept != fresh and _time_alone(
                found, CHANGELOG_NAME in differing, seeds):  # all else the same
            raise ReleaseExistsError(
                f"release {config.release_name} already exists in {out} with the same "
                f"documents and metadata, but another release time: created is "
                f"{kept or 'absent'} there and {fresh or 'absent'} in this build; "
                f"{release_time_advice(kept)}")
        detail = summary or f"differs in: {shown}"
        if not archive.exists():  # a release interrupted before its zip: finish it first
            raise ReleaseExistsError(unfinished_release(config.name, config.version, existing,
                                                        seeds, out, settings=not summary))
        # Seeds whose line ends Git converted build other raw files of the same text:
        # no change to release (QA: 'bump the version', for a release of nothing).
        line_ends, only = converted_raw_files(existing, built)
        if only and raw_input_alone(found):
            raise ReleaseExistsError(
                f"release {config.release_name} already exists in {out} with other content "
                f"({detail}): {seeds_converted_advice(seeds, out, existing, line_ends)}; "
                "then the build finds the release there, the same (the raw files differ in "
                "nothing else: nothing to release)")
        raise ReleaseExistsError(
            f"release {config.release_name} already exists in {out} with other content "
            f"({detail}); released versions are immutable: "
            f"{_bump_advice(seeds, out, config, built, same=found is not None and not summary)}"
            + (f"; of these changes, {seeds_converted_advice(seeds, out, existing, line_ends)}"
               if line_ends else ""))
    if not archive.exists():
        _write_release_archive(existing, archive, created, config, prepared,
                               before_placing=late.hold if late is not None else None)
        return True
    # The release's folder equals the build (its raw files in place included): its zip
    # is made from it, as the build's would be.
    if not _archive_matches(existing, archive, created, config, out, prepared):
        raise ReleaseExistsError(
            f"{archive} does not match the release folder {existing}; released archives "
            "are immutable: remove it only if it was never published, then build again")
    return False
