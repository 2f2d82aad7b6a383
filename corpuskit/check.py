"""``check``: is ``dist/`` current? Rebuild ``seeds/`` in a temporary folder and compare.

The release of ``seeds/`` (``<name>-<version>/`` and its ``.zip``) must be in ``dist/`` and
equal, byte for byte, what a fresh build makes now: a difference means seeds, config or
corpuskit changed without a new release, or the build is not reproducible. The zip is
compared by its members (compressed bytes, and so the seal, differ between deflate
libraries, their builds, and the compressions a corpus may choose)
and must carry a valid seal of its own. Time stamps
come from ``SOURCE_DATE_EPOCH`` exactly as in ``build``. Nothing is written outside a
temporary folder, which is removed afterwards.

``dist/`` must also hold no release newer than the seeds' version, a zip whose folder was
removed included, and nothing named as a release that is none (:mod:`corpuskit.dist`).
"""

from __future__ import annotations

import os
import signal
import stat
import tempfile
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .build import (
    BuildResult,
    build,
    every_seeds_problem,
    member_differs,
    relabel_of_newest,
    release_time_alone,
    unfinished_release,
)
from .changelog import has_entry, versions_in
from .checkreport import CheckReport, NotCompared
from .compare import (
    archive_differences,
    archives_match,
    compare_trees,
    not_compared_reason,
    same_bytes,
)
from .config import CHANGELOG_NAME, CONFIG_NAME, CorpusConfig, load_config
from .discover import candidate_paths, read_changelog, skipped_on_the_way
from .dist import (
    ARCHIVE_SUFFIX,
    Releases,
    case_twins,
    descriptor_created,
    descriptor_of,
    is_archive,
    not_a_release_folder,
    not_a_zip_file,
    other_corpora,
    release_recording,
    restore_or_move,
    shared_advice,
    sharing_releases,
    survey_releases,
    unreadable_release,
)
from .errors import CorpuskitError, InputError, UsageError
from .gitlfs import LFS_ADVICE, LFS_FILE_ADVICE, is_lfs_pointer
from .gitworktree import (
    Beyond,
    LeftOut,
    beyond_work_tree,
    untracked,
    work_tree,
)
from .lineends import (
    CONVERTED,
    CONVERTED_OUTSIDE_GIT,
    RAW_PREFIX,
    converted_raw_files,
    git_converted,
    in_git,
    line_ends_advice,
    raw_input_alone,
    said_converted,
    seeds_converted_advice,
    shown,
    zip_converted,
    zips_converted_advice,
)
from .orphans import remove_orphans
from .package import BAGIT_TXT
from .packagesource import DESCRIPTOR
from .pathargs import given_path
from .problems import Problem
from .progress import Progress
from .recordedrelease import kept_from
from .regularfiles import LINK_IN_A_PACKAGE, folder_not_entered, open_regular, special_kind
from .release import recorded_changelog
from .runsettings import checked_source_date_epoch, release_time_advice, time_recorded_after
from .semver import Version, named_as_release
from .signals import told_when_ended
from .usercache import model_cache_dir
from .validation.report import ANOTHER_CORPUS, sort_problems
from .validation.seal import SEAL_CODE, check_archive_checksums, sidecar_problem
from .wording import command, counted, shell_word, shown_name
from .writer import RESERVED_PREFIX, grant_reading
from .zipfiles.archive import package_files
from .zipfiles.archivecompression import archive_compression, compression_changed

#: The tag manifest, which lists CHANGELOG.md (a tag file of the release).
TAG_MANIFEST = "tagmanifest-sha256.txt"


def check(seeds: str | os.PathLike[str] = Path("seeds"),
          dist: str | os.PathLike[str] = Path("dist"), *,
          source_date_epoch: str | int | None = None, jobs: int | None = None,
          progress: Progress | None = None) -> CheckReport:
    """Compare a fresh build of ``seeds`` with its release in ``dist``; report differences.

    Problem paths are as a user finds them (``dist/<name>-<version>/README.md``,
    ``seeds/corpus.toml``). Raises only for environment failures (e.g. no space for the
    temporary build). ``source_date_epoch`` is the fresh build's release time, as
    ``corpuskit.build``'s: None (the default) takes the environment's
    ``SOURCE_DATE_EPOCH``, as ``corpuskit check`` does, and ``""`` none (then corpus.toml's
    ``created``); one that is no time is a problem of the report. ``progress`` is told
    the documents the fresh build has processed, as :func:`corpuskit.build`'s is.
    The report's :attr:`~CheckReport.not_compared_reason` says why nothing was compared,
    if nothing was, and :meth:`~CheckReport.summary` and :meth:`~CheckReport.verdict`
    what was found.

    Run by pre-commit (``PRE_COMMIT=1`` in the environment, which pre-commit sets for its
    hooks) in a Git work tree, it names too each file or folder of ``seeds`` and ``dist``
    that Git does not track, ignored or not: commits leave it out, though the work
    tree it compares holds it; and either folder if a link takes it out of the work tree
    (:func:`_untracked_problems`).
    """
    seeds, dist = given_path(seeds, "seeds"), given_path(dist, "dist")
    report = _check(seeds, dist, source_date_epoch=source_date_epoch, jobs=jobs,
                    progress=progress)
    if os.environ.get("PRE_COMMIT") != "1":
        return report
    # (QA: pre-commit stashes unstaged changes of tracked files only, so a release left
    # untracked in dist/ passed the hook, and a clean clone of the commit failed check;
    # an untracked draft in seeds/ failed a commit that did not hold it.)
    found = _untracked_problems(seeds, dist)
    if not found:
        return report
    problems, advice = _stale_of_untracked(report.problems, found, seeds, dist)
    return replace(report, problems=sort_problems([*problems, *found]),
                   advice=report.advice if advice is None else advice)


def _stale_of_untracked(problems: Sequence[Problem], found: Sequence[Problem], seeds: Path,
                        dist: Path) -> tuple[list[Problem], str | None]:
    """``problems`` with the seeds' own release's stale-release problems said in one, of
    the seeds files among ``found`` (untracked): the fresh build read them, so the release
    may differ by them alone, and 'corpuskit release', which the descriptor's problem
    advises, would publish files the commit leaves out (QA s78 check finding 2: an
    untracked draft beside a committed, current release gave one per file); and what to
    do, which the summary says in place of the release it advised (QA s101), or None
    where nothing was said in one."""
    drafts = [problem.path for problem in found if Path(problem.path) != seeds
              and Path(problem.path).is_relative_to(seeds)]
    try:
        name = load_config(seeds).release_name
    except InputError:
        return list(problems), None
    release, archive = dist / name, dist / f"{name}.zip"
    stale = [problem for problem in problems if problem.code == "stale-release"
             and (Path(problem.path) == archive or Path(problem.path).is_relative_to(release))]
    if not drafts or not stale:
        return list(problems), None
    at = release if os.path.lexists(release) else archive
    files, differing = ", ".join(drafts), counted(len({p.path for p in stale}), "file")
    them = "it" if len(drafts) == 1 else "them"
    advice = (f"git add {' '.join(map(shell_word, drafts))}, or move {them} out of "
              f"{shown_name(seeds)}, then check again (a release made now would hold "
              f"{them}, though commits leave {them} out)")
    one = Problem(str(at), "stale-release", (
        f"differs from what a fresh build of {shown_name(seeds)} makes ({differing}), "
        f"which reads files Git does not track ({files}): the difference may be theirs "
        f"alone; {advice}"))
    return [problem for problem in problems if problem not in stale] + [one], (
        f"the seeds hold files Git does not track, which the fresh build read: {advice}")


def _check(seeds: Path, dist: Path, *, source_date_epoch: str | int | None,
           jobs: int | None, progress: Progress | None) -> CheckReport:
    """:func:`check`, of the work tree as it is (untracked files too): the seeds' config
    read, dist/ surveyed, the problems found before building, then the seeds rebuilt in a
    temporary folder and compared."""
    source_date_epoch = checked_source_date_epoch(source_date_epoch)
    try:
        config = load_config(seeds)
    except InputError as error:  # with the documents' problems, where they can be found
        found = every_seeds_problem(seeds, error, jobs, source_date_epoch)
        return _report(seeds, dist, [_seeds_problem(seeds, p) for p in found.problems],
                       not_compared="seeds-unbuildable")
    inputs = _Inputs(seeds, dist, config, jobs)
    unusable = _unusable_dist(inputs)
    if unusable is not None:
        return unusable
    survey = _survey(inputs)
    before = _problems_before_building(inputs, survey)
    _clear_temporary_folder(seeds)
    return _rebuild_and_compare(inputs, survey, before, source_date_epoch=source_date_epoch,
                                progress=progress)


@dataclass(frozen=True)
class _Inputs:
    """What a check compares: the seeds, their corpus.toml, the folder of releases."""

    seeds: Path
    dist: Path
    config: CorpusConfig
    jobs: int | None

    @property
    def release(self) -> Path:
        """The folder of the seeds' release in dist/."""
        return self.dist / self.config.release_name

    @property
    def archive(self) -> Path:
        """The zip of the seeds' release in dist/."""
        return self.dist / f"{self.config.release_name}.zip"

    @property
    def build_command(self) -> str:
        """The build of the seeds into dist/: advice that runs as shown."""
        return command("build", seeds=self.seeds, out=self.dist)

    @property
    def release_command(self) -> str:
        """The release of the seeds into dist/, as advice."""
        return command("release", seeds=self.seeds, out=self.dist)


def _unusable_dist(inputs: _Inputs) -> CheckReport | None:
    """The report of a ``--dist`` that is no folder of releases (or one inside the seeds):
    nothing is compared. None for a folder of releases."""
    seeds, dist = inputs.seeds, inputs.dist
    name = inputs.config.release_name
    unusable = _dist_problem(dist, name, inputs.build_command)
    if unusable is None or unusable[0].code == "missing-file":
        unusable = _inside_the_seeds(seeds, dist, name) or unusable
    if unusable is None:
        return None
    refused, why = unusable
    return _report(seeds, dist, [refused], not_compared="dist-unusable",
                   why=f"--dist {shown_name(dist)} {why}")


@dataclass(frozen=True)
class _DistSurvey:
    """What dist/ holds of the seeds' corpus, looked at before the fresh build."""

    #: Its releases, zip-only releases too, and every zip beside its folder, read as far
    #: as a zip alone is (QA forge3 1: an older release's zip of 7 bytes passed, "dist:
    #: current"); the seeds' own zip beside its folder is not among the damaged: it is
    #: compared with a fresh build's.
    releases: Releases
    #: Why the path of the seeds' zip holds no zip file (never opened, nor followed), and
    #: why that of their folder no release folder; None where it does, or nothing is there.
    in_the_way: str | None
    blocking: str | None
    #: The releases (and the seeds' folder or zip) this user may not read, and their
    #: problems: said to be so, and not compared (QA: called stale, damaged or no package,
    #: with advice to delete or restore them). A folder whose datapackage.json alone may
    #: not be read is such a release too.
    denied: Mapping[Path, Problem]
    #: Another corpus's releases named alike ("a-1.0.0" 2.0.0 and "a" 1.0.0-2.0.0): not
    #: renamed, nor to be restored, and nothing of the seeds to compare with (QA: a
    #: zip-only one was called renamed, and failing validate, which it passes).
    foreign: frozenset[Path]
    #: The seeds' zip is a file, and (not a Git LFS pointer) fetched.
    zipped: bool
    fetched: bool
    #: The seeds' zip is read and compared; their folder is.
    zip_read: bool
    folder_read: bool
    #: The seeds' release is kept as its zip only, its folder removed.
    folder_removed: bool
    #: This version neither released nor in the way: the seeds may hold another release's
    #: content under it (then to be labelled so).
    unreleased: bool
    #: The seeds hold what a release of their version writes into them before it builds.
    left_by_a_release: bool
    #: Releases of other corpora alone, where this one has none and no zip: a rename (QA:
    #: called an interrupted release).
    renamed: tuple[str, ...]
    #: Seeds that still record the old name's release time, which release refuses to
    #: carry over to the new name's first release: ``(time, release)``.
    carried: tuple[str, str] | None
    #: No zip of this version, where its folder is (or nothing is), and no other corpus's.
    no_archive: bool

    @property
    def newest(self) -> tuple[Version, Path] | None:
        """The latest release in dist/, its version and path."""
        return self.releases.latest


def _survey(inputs: _Inputs) -> _DistSurvey:
    """What dist/ holds of the seeds' corpus (:class:`_DistSurvey`)."""
    seeds, dist, config = inputs.seeds, inputs.dist, inputs.config
    release, archive = inputs.release, inputs.archive
    releases = survey_releases(dist, config.name, beside=True)
    if any(path == release for _, path in releases.found):
        releases = replace(releases, damaged=tuple(item for item in releases.damaged
                                                   if item.path != archive))
    newest = releases.latest
    in_the_way = not_a_zip_file(archive)
    blocking = not_a_release_folder(release)
    denied = {path: problem for path in (
        *(item.path for item in releases.damaged if not os.path.islink(item.path)),
        *((release,) if blocking is None else ()), *((archive,) if in_the_way is None else ()))
        if os.path.lexists(path) and (problem := unreadable_release(path)) is not None}
    foreign = frozenset(damaged.path for damaged in releases.damaged
                        if damaged.other is not None and damaged.path not in denied)
    zipped = in_the_way is None and archive.is_file()
    fetched = not (zipped and is_lfs_pointer(archive))
    zip_read = zipped and fetched and archive not in denied and archive not in foreign
    renamed = tuple(other_corpora(dist, config.name)) if newest is None and not zipped \
        else ()
    recorded = config.metadata.get("created")
    return _DistSurvey(
        releases=releases, in_the_way=in_the_way, blocking=blocking, denied=denied,
        foreign=foreign, zipped=zipped, fetched=fetched, zip_read=zip_read,
        folder_read=release not in denied and release not in foreign,
        folder_removed=zip_read and blocking is None and not release.is_dir(),
        unreleased=blocking is None and not release.is_dir() and not zipped
        and in_the_way is None,
        left_by_a_release=blocking is None and not release.is_dir() and not zipped
        and _left_by_a_release(seeds, config, newest),
        renamed=renamed,
        carried=release_recording(dist, renamed, recorded)
        if renamed and isinstance(recorded, str) else None,
        no_archive=in_the_way is None and not zipped and release not in foreign
        and blocking is None)


@dataclass(frozen=True)
class _Before:
    """The problems found before building: ``behind``, of a release newer than the seeds'
    version (``newer`` says which), and ``absent``, of this version's folder not in
    dist/, are apart, as what the fresh build finds may reword them."""

    problems: tuple[Problem, ...]
    newer: str = ""
    behind: Problem | None = None
    absent: Problem | None = None
    #: What ``behind`` says to do (restore the seeds, or release them as they are).
    behind_advice: str = ""

    def with_them(self, *more: Problem) -> list[Problem]:
        """Every problem: these, ``behind``, ``absent``, and ``more``."""
        return [*self.problems, *(p for p in (self.behind, self.absent) if p is not None),
                *more]


def _problems_before_building(inputs: _Inputs, survey: _DistSurvey) -> _Before:
    """What is wrong in dist/ whatever the fresh build makes: releases this user may not
    read, damaged or another corpus's, their seals, names that differ in case only, a
    release newer than the seeds, releases the changelog does not list, and this
    version's folder or zip that is none, or not in dist/."""
    seeds, dist, config = inputs.seeds, inputs.dist, inputs.config
    problems = [*survey.denied.values(), *_damaged_release_problems(inputs, survey),
                *_older_zip_problems(survey.releases, inputs.archive, dist)]
    for twin, earlier in case_twins(dist, config.name):  # (QA: both passed check)
        problems.append(Problem(str(twin), "name-collision", (
            f"named as a release of {config.name} whose name differs from that of "
            f"{earlier} only in case: on macOS or Windows (file systems that ignore case) "
            f"they are one path, and a copy or clone of {shown_name(dist)} there merges their "
            f"files; keep one of them in {shown_name(dist)}, and give the other release a "
            "version that differs in more than case")))
    problems.extend(_unlisted_releases(seeds, dist, config, survey.releases.found))
    problems.extend(_this_versions_problems(inputs, survey))
    newer, behind, behind_advice = _newer_release(inputs, survey)
    return _Before(tuple(problems), newer, behind, _absent_release(inputs, survey),
                   behind_advice)


def _damaged_release_problems(inputs: _Inputs, survey: _DistSurvey) -> list[Problem]:
    """The problems of the releases named as the seeds' corpus's that are none: not
    fetched (Git LFS), another corpus's, converted by Git's line-end handling, or
    damaged (this user's unreadable ones are :attr:`_DistSurvey.denied`)."""
    seeds, dist, config = inputs.seeds, inputs.dist, inputs.config
    release, archive = inputs.release, inputs.archive
    problems: list[Problem] = []
    converted_zips: list[Path] = []  # by Git's line-end handling (QA s82 review 6)
    for damaged in survey.releases.damaged:
        if damaged.path in survey.denied or (damaged.path == release
                                             and survey.blocking is not None):
            continue  # (this version's folder in the way: said below, with its advice)
        if _not_fetched(damaged.path):  # a checkout without Git LFS: not damaged (QA)
            if damaged.path not in (archive, release):  # (this version's: said below)
                problems.extend(_lfs_problems(damaged.path))
            continue
        if damaged.other is not None:
            problems.append(Problem(str(damaged.path), "not-a-package", _another_corpus(
                damaged.path, damaged.other, seeds, dist, config.name, config.version)))
            continue
        if is_archive(damaged.path) and zip_converted(damaged.path):
            converted_zips.append(damaged.path)
            continue
        problems.append(Problem(str(damaged.path), "not-a-package",
                                f"named as a release of {config.name}, but {damaged.reason}: "
                                f"{restore_or_move(damaged.path, dist)}"))
    problems.extend(_converted_zip_problems(survey.releases, converted_zips, config.name,
                                            dist))
    return problems


def _newer_release(inputs: _Inputs, survey: _DistSurvey
                   ) -> tuple[str, Problem | None, str]:
    """A release in dist/ newer than the seeds' version, in words, its problem, and what
    that says to do; ``("", None, "")`` if there is none."""
    newest, config = survey.newest, inputs.config
    if newest is None or not newest[0] > Version.parse(config.version):
        return "", None, ""
    zip_only = " (its zip only, the folder removed)" if is_archive(newest[1]) else ""
    newer = (f"{shown_name(inputs.dist)} holds version {newest[0]}{zip_only}, newer than the "
             f"seeds' version {config.version}")
    release = command("release", seeds=inputs.seeds, out=inputs.dist)
    advice = (f"the seeds are behind the latest release: restore those of {newest[0]} "
              "(where 'git stash' or a checkout took their changes away: 'git stash pop', "
              "or check out a commit that holds them), or, to undo its changes, release "
              f"the seeds as they are as the next version ('{release}', which builds it "
              f"beside {newest[0]}; released versions are never rebuilt)")
    return newer, Problem(str(newest[1]), "stale-release", f"{newer}: {advice}"), advice


def _this_versions_problems(inputs: _Inputs, survey: _DistSurvey) -> list[Problem]:
    """The problems of the paths of this version's zip and folder: something else there
    (moved out, then built), or a zip Git LFS did not fetch."""
    dist, version = inputs.dist, inputs.config.version
    release, archive = inputs.release, inputs.archive
    problems: list[Problem] = []
    if survey.in_the_way is not None and all(d.path != archive
                                             for d in survey.releases.damaged):
        problems.append(Problem(str(archive), "not-a-package",
                                f"named as the archive of version {version}, but "
                                f"{survey.in_the_way}: move it out of {shown_name(dist)}, then run "
                                f"'{inputs.build_command}' to write the archive"))
    if not survey.fetched:  # a checkout without Git LFS: no stale archive, nothing to rebuild
        problems.append(Problem(str(archive), "archive-error", LFS_ADVICE))  # (QA)
    if survey.blocking is not None:
        # With no zip beside it, the build advised writes both: said here, not again as
        # the zip's problem (QA: a folder of releases there was 24 problems)
        put = "the folder" if os.path.lexists(archive) else "the folder and its zip"
        problems.append(Problem(str(release), "not-a-package",
                                f"named as the folder of version {version}, but "
                                f"{survey.blocking}: move it out of {shown_name(dist)}, then run "
                                f"'{inputs.build_command}' to put {put} there"))
    return problems


def _absent_release(inputs: _Inputs, survey: _DistSurvey) -> Problem | None:
    """The problem of this version's release, neither its folder nor its zip in dist/
    (nor anything else in their place): a first release after a rename, an interrupted
    release, or none yet; None where either is there."""
    seeds, dist, config = inputs.seeds, inputs.dist, inputs.config
    release = inputs.release
    if survey.blocking is not None or release.is_dir() or survey.zipped:
        return None
    renamed, release_command = survey.renamed, inputs.release_command
    start_own = "" if survey.carried is None else (
        f"remove the created line from {CONFIG_NAME} (it is {survey.carried[1]}'s release "
        f"time) and move {CHANGELOG_NAME} out of {shown_name(seeds)}, then ")
    return Problem(str(release), "missing-file", (
        f"the release of {shown_name(seeds)} (version {config.version}) is not in "
        f"{shown_name(dist)}, which "
        f"holds releases of {', '.join(renamed)} and none of {config.name}: if the "
        f"corpus was renamed, set its old name back in {CONFIG_NAME} to carry on that "
        f"history; else {start_own}'{release_command}' makes the first release of "
        f"{config.name}"
        if renamed else
        f"the release of {shown_name(seeds)} (version {config.version}) is not in "
        f"{shown_name(dist)}, and "
        f"{CONFIG_NAME} and {CHANGELOG_NAME} hold its release time and entry, as a "
        "release leaves them before it builds (an interrupted release, or one made in "
        f"another folder or clone and not kept here): run '{release_command}', which "
        "finishes it, or says what to do if the seeds changed since (if you wrote them "
        f"by hand for a build of this version: '{inputs.build_command}')"
        if survey.left_by_a_release else
        f"the release of {shown_name(seeds)} (version {config.version}) is not in "
        f"{shown_name(dist)}; run "
        f"'{inputs.build_command}' or '{release_command}'"))


def _clear_temporary_folder(seeds: Path) -> None:
    """Remove from the temporary folder, where the fresh build goes, the builds left there
    by checks gone (a check killed outright, a CI job's timeout, left its build there for
    good: QA). One inside the seeds is refused (a :class:`UsageError`): the build would
    take it for documents."""
    temporary = Path(tempfile.gettempdir())
    if temporary.resolve().is_relative_to(seeds.resolve()):
        # (QA: "--out .../seeds/corpuskit-check-... is inside the seeds folder", of a check
        # that has no --out)
        raise UsageError(f"the temporary folder {temporary} (TMPDIR) is inside the seeds "
                         f"folder {shown_name(seeds)}, where check's build of them would be taken "
                         "for documents; set TMPDIR to a folder outside it")
    remove_orphans(temporary, CHECK_PREFIX)


def _rebuild_and_compare(inputs: _Inputs, survey: _DistSurvey, before: _Before, *,
                         source_date_epoch: str | int | None,
                         progress: Progress | None) -> CheckReport:
    """The report: the seeds built in a temporary folder named for this process, removed
    afterwards, and compared with dist/; or the seeds' problems, where they cannot be
    built."""
    with tempfile.TemporaryDirectory(prefix=f"{CHECK_PREFIX}{os.getpid()}-") as temp:
        try:
            result = _fresh_build(inputs, Path(temp), source_date_epoch, progress)
        except InputError as error:
            return _unbuildable_report(inputs, survey, before, error)
        return _compared_report(inputs, survey, before, result)


def _fresh_build(inputs: _Inputs, temp: Path, source_date_epoch: str | int | None,
                 progress: Progress | None) -> BuildResult:
    """The seeds built into ``temp``: an :class:`InputError` where they cannot be."""
    seeds = inputs.seeds
    try:
        result = build(seeds, temp, source_date_epoch=source_date_epoch, jobs=inputs.jobs,
                       released_in=inputs.dist, progress=progress,
                       model_cache=model_cache_dir(seeds, inputs.dist))
        if result.late_signals:  # held as its throwaway release was put in place: they
            # end the check now (QA: Ctrl-C then was lost, and the check ran on, exit 0)
            signal.raise_signal(result.late_signals[0])
    except KeyboardInterrupt as stopped:  # Ctrl-C, SIGTERM: its build was a throwaway
        # (QA: the build's own note sent the user to finish the temporary folder's
        # release, which is removed as the check ends)
        told_when_ended(stopped, f"the check's temporary build of {shown_name(seeds)} was stopped; "
                                 f"nothing in {shown_name(inputs.dist)} was changed", replace=True)
        raise
    return result


def _unbuildable_report(inputs: _Inputs, survey: _DistSurvey, before: _Before,
                        error: InputError) -> CheckReport:
    """The report of seeds that cannot be built: their problems, and dist/'s, whose
    advice to build waits for them to be mended (QA: build was advised as it stood: the
    build that makes the release refuses these seeds as check's did)."""
    seeds, dist, config = inputs.seeds, inputs.dist, inputs.config
    release, archive, build_command = inputs.release, inputs.archive, inputs.build_command
    problems = [_seeds_problem(seeds, p) for p in error.problems]
    once_mended = f"once the problems of {shown_name(seeds)} are mended, run"
    absent = before.absent
    if absent is not None:
        absent = replace(absent, message=(
            f"the release of {shown_name(seeds)} (version {config.version}) is not in "
            f"{shown_name(dist)}; "
            f"{once_mended} '{build_command}' or '{inputs.release_command}'"))
    if survey.no_archive:
        problems.append(Problem(str(archive), "missing-file",
                                f"{_missing_archive(inputs)}; {once_mended} "
                                f"'{build_command}'"))
    if survey.folder_removed:  # the zip is not compared: what state is it in on its own?
        problems.extend(Problem(str(archive), p.code, p.message, p.location)
                        for p in check_archive_checksums(archive))
        state = "unbuilt" if _intact(archive, inputs.jobs) else "damaged"
        problems.append(_zip_only_problem(release, seeds, config.version, build_command,
                                          state))
    return _report(seeds, dist, replace(before, absent=absent).with_them(*problems),
                   not_compared="seeds-unbuildable")


def _missing_archive(inputs: _Inputs) -> str:
    """How the problem of this version's zip, not in dist/, begins."""
    return f"the archive of version {inputs.config.version} is not in {shown_name(inputs.dist)}"


def _compared_report(inputs: _Inputs, survey: _DistSurvey, before: _Before,
                     result: BuildResult) -> CheckReport:
    """The report of dist/ compared with the fresh build ``result``: this version's
    folder file by file, its zip member by member, and its recorded content hash."""
    seeds, dist, config = inputs.seeds, inputs.dist, inputs.config
    release, archive = inputs.release, inputs.archive
    newest = survey.newest
    sizes = [(result.release / rel).stat().st_size for rel in package_files(result.release)]
    # Seeds that hold that newer release's documents and metadata under their version
    # are to be labelled so, as build and release say: neither restored nor released
    # again, which release refuses (QA: check advised it).
    relabel = relabel_of_newest(seeds, dist, config, newest, result.release,
                                unreleased=survey.unreleased)
    behind, absent = before.behind, before.absent
    if relabel is not None and behind is not None:
        behind = replace(behind, message=(
            f"{before.newer}, and the seeds hold its documents and metadata: {relabel}"))
    # Nor built or released as a version of their own, which release refuses (QA:
    # check said to run build or release): that release's version is theirs to take.
    held = (f", and the seeds hold the documents and metadata of {newest[0]} "
            f"({newest[1]}) under this version, never released: {relabel}"
            if relabel is not None and survey.unreleased and newest is not None else "")
    if held and absent is not None:
        absent = replace(absent, message=(
            f"the release of {shown_name(seeds)} (version {config.version}) is not in "
            f"{shown_name(dist)}{held}"))
    folder = _compare_folder(inputs, survey, result, relabel)
    problems = replace(before, behind=behind, absent=absent).with_them(*folder.problems)
    if survey.no_archive:
        problems.append(_no_archive_problem(inputs, survey, result, folder, held))
    matched = survey.zip_read and archives_match(result.archive, archive)
    notes: tuple[tuple[str, str], ...] = ()
    if survey.zip_read and not matched:
        problems.append(_stale_archive_problem(inputs, survey, result, folder))
    elif survey.zip_read and not same_bytes(result.archive, archive):
        reason = _not_as_written(archive, inputs.jobs)
        if reason is not None:
            problems.append(Problem(str(archive), "archive-error",
                                    f"{reason}; restore the zip from a published copy, or, if "
                                    "it was never published, delete it and run "
                                    f"'{inputs.build_command}' to write it again"))
        else:
            notes = _compression_notes(archive, seeds, config)
    problems.extend(_seal_problems(inputs, survey, folder, problems))
    if survey.folder_removed:
        problems.append(_zip_only_release_problem(inputs, result, problems, matched, relabel))
    # Not compared if this version's folder or zip, or a file in them, could not be
    # read; an older release that cannot be read is a problem of its own (QA: the
    # comparison's findings were said to be the unread file's, "not compared").
    denied = {**survey.denied, **folder.inside}
    unread = [problem for path, problem in denied.items()
              if path in (release, archive) or path.is_relative_to(release)]
    equal = (survey.folder_read and release.is_dir() and not folder.differing) \
        or (survey.folder_removed and matched)
    if equal and not unread:
        problems.extend(_recorded_content(seeds, config, result.content_hash,
                                          survey.releases.found, release if release.is_dir()
                                          else archive))
    taken = [path.name for path in (release, archive) if path in survey.foreign]
    if taken and not unread and not (survey.zip_read
                                     or (survey.folder_read and release.is_dir())):
        # Nothing of the seeds' release is there to compare: another corpus's stands in
        # its place (QA: the summary said dist/ was "not current").
        return _report(seeds, dist, problems, not_compared="another-corpus", why=(
            f"{shown_name(dist)} {ANOTHER_CORPUS_HERE} ({' and '.join(taken)}): the release of "
            f"{shown_name(seeds)} ({config.name} {config.version}) is missing"))
    return _report(seeds, dist, problems, files=len(sizes), size=sum(sizes),
                   documents=result.documents,
                   advice=(_mend_first(folder, problems, release, archive) or (
                       before.behind_advice if behind is before.behind else "")),
                   not_compared="release-unreadable" if unread else None,
                   why=(f"{', '.join(p.path for p in unread)} {NOT_READ}"
                        if unread else ""), notes=notes)


def _mend_first(folder: _FolderComparison, problems: list[Problem], release: Path,
                archive: Path) -> str:
    """The summary's advice (:attr:`_FolderComparison.advice`), after what mends this
    version's release where another of its problems says it is damaged (a zip whose seal
    does not match, a link in the folder): what the seeds' change calls for (release them)
    is refused while the latest release does not pass validate (QA)."""
    advice = folder.advice
    if not advice or folder.edited:  # (an edited release's advice says to mend it first)
        return advice
    codes = sorted({problem.code for problem in problems if problem.code != "stale-release"
                    and (problem.path == str(archive) or problem.path == str(release)
                         or problem.path.startswith(f"{release}{os.sep}"))})
    if not codes:
        return advice
    return (f"mend the release first, as its {' and '.join(codes)} problem"
            f"{'s say' if len(codes) > 1 else ' says'}; then: {advice}")


@dataclass(frozen=True)
class _FolderComparison:
    """What the comparison of this version's folder with the fresh build's found."""

    #: The files that differ (a folder's name ends in ``/``), and their problems.
    differing: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    #: The folder was changed after its build (edited, a file added or removed).
    edited: bool = False
    #: The seeds changed since too (files other than those edited differ).
    seeds_too: bool = False
    #: Its files and folders this user may not read, and their problems: not compared.
    inside: Mapping[Path, Problem] = field(default_factory=dict)
    #: What to do about the release as a whole: of a release changed after its build,
    #: mend it, then what the seeds' change calls for (:func:`_edited_advice`; not where
    #: Git converted line ends: that advice, some 900 characters, is given once, on the
    #: first file); else what the descriptor's or CHANGELOG.md's problem says for every
    #: file that differs (:func:`_differing_file_problem`); else "".
    advice: str = ""


@dataclass(frozen=True)
class _FolderFindings:
    """What the problem of each file of this version's folder that differs from the fresh
    build's depends on (:func:`_differing_file_problem`)."""

    built: Path  # the fresh build's release folder
    built_files: set[str]
    present: set[str]  # the files and folders of the release in dist/
    linked: Collection[str]  # its folders that are symbolic links
    edited: bool
    blamed: frozenset[str] | None  # the files edited; None: every differing file
    rewritten: bool
    changelog_only: bool
    restore: str
    restore_from: str
    line_restore: str | None
    line_advice: str | None
    converted: Collection[str]  # its files Git's line-end handling converted
    line_ends: Collection[str]
    #: Git converted the seeds files of ``line_ends`` (a work tree holds them, and its
    #: attributes do not keep their bytes: :func:`~corpuskit.gitworktree.keeps_bytes`)
    seeds_by_git: bool
    line_ends_only: bool
    seeds_advice: str
    shared: dict[str, list[Path]]
    time_alone: bool
    relabel: str | None


@dataclass(frozen=True)
class _TreeDifference:
    """How this version's folder differs from the fresh build's, file by file, before
    what the difference means is judged."""

    #: The files that differ (a folder's name ends in ``/``), but the LFS pointers and
    #: the files under a folder that is a link; none where a file in it cannot be read.
    differing: list[str]
    built: set[str]  # the fresh build's files and folders
    present: set[str]  # the files and folders of the release in dist/
    pointers: list[str]  # its files that are Git LFS pointers
    linked: set[str]  # its folders that are symbolic links
    inside: dict[Path, Problem]  # its files and folders this user may not read
    #: The problems of its LFS pointers, then of what cannot be read in it.
    problems: list[Problem]


def _tree_difference(built_release: Path, release: Path, jobs: int | None
                     ) -> _TreeDifference:
    """The files of the release folder ``release`` that differ from those of the fresh
    build's (``built_release``), with its LFS pointers, linked folders and what this user
    may not read in it set apart."""
    unlisted: list[tuple[Path, OSError]] = []  # a file or folder that cannot be read
    differing, built, present = compare_trees(built_release, release, unlisted)
    # Files of it that a checkout without Git LFS left as pointers: not fetched,
    # neither changed since the build nor to be rebuilt over (QA: called changed
    # after its build, with advice to remove the folder and build).
    pointers = [rel for rel in differing
                if rel in present and is_lfs_pointer(release / rel)]
    differing = [rel for rel in differing if rel not in pointers]
    # A folder of it that is a symbolic link (data/, say) is one entry, never
    # followed: named as validate names it, not its files as missing (QA: 'extra
    # ... remove it', and every file under it missing).
    linked = _linked_folders(release, differing, built, present)
    differing = [rel for rel in differing
                 if not any(rel.startswith(f"{folder}/") for folder in linked)]
    inside = {path: Problem(str(path), "unreadable-file",
                            not_compared_reason(path, exc)) for path, exc in unlisted}
    if not inside and differing:  # what else validate may find this user cannot read
        inside = _unreadable_inside(release, jobs)
    if inside:  # a file or folder in it cannot be read: not compared (QA)
        differing = []
    problems = [*(Problem(str(release / rel), "lfs-pointer", LFS_FILE_ADVICE)
                  for rel in pointers), *inside.values()]
    return _TreeDifference(differing, built, present, pointers, linked, inside, problems)


@dataclass(frozen=True)
class _EditVerdict:
    """Whether the release was changed after its build, and in which files."""

    edited: bool = False
    blamed: frozenset[str] | None = None  # the files edited; None: every differing file
    # A release that passes validate, whose descriptor is a fresh build's: its
    # metadata files are written otherwise by this corpuskit, or were edited and
    # re-signed whole (QA: a new form of croissant.json and the card was called an
    # edit of the release, and its restoring advised, which changes nothing).
    rewritten: bool = False
    converted: list[str] = field(default_factory=list)  # its files Git's line ends converted


def _edit_verdict(inputs: _Inputs, survey: _DistSurvey, result: BuildResult,
                  tree: _TreeDifference, changelog_only: bool) -> _EditVerdict:
    """Whether the release differing from the fresh build as ``tree`` says was changed
    after its build (edited, a file added or removed), in which files, or written
    otherwise; ``changelog_only``: it differs in CHANGELOG.md and its tag manifest alone."""
    release, jobs, differing = inputs.release, inputs.jobs, tree.differing
    # Changed after its build (edited, a file added or removed), or built of other
    # seeds: a release whose descriptor is a fresh build's, or whose files disagree
    # with its own manifests (looked at on this path only), was changed.
    # A release whose descriptor is a fresh build's was edited in every file that
    # differs; one whose descriptor differs too, only in the files its own
    # manifests no longer match (QA: with the seeds changed as well, every file was
    # said to be edited, and the rebuild advised, which build refuses).
    converted: list[str] = []
    if differing and DESCRIPTOR not in differing and not changelog_only:
        # ... and a zip beside it as this corpuskit writes it is the folder's
        # build: the folder was edited since (QA: called written otherwise).
        # Validated in any case: which of its files Git converted (QA).
        damaged = _damaged_files(release, jobs, converted=converted, pointers=tree.pointers)
        rewritten = all(rel in tree.present and rel in tree.built for rel in differing) \
            and not (survey.zip_read and archives_match(result.archive, inputs.archive)) \
            and damaged is None
        # The seeds' CHANGELOG.md, which the release holds a copy of and the descriptor
        # does not describe, changed too where the release's copy is as its tag manifest
        # records: the files edited are those validate finds changed (QA: the release's
        # CHANGELOG.md and tag manifest were said to be edited, and to be restored).
        blamed = damaged if (damaged and CHANGELOG_NAME in differing
                             and CHANGELOG_NAME in tree.present
                             and CHANGELOG_NAME not in damaged) else None
        return _EditVerdict(edited=not rewritten, blamed=blamed, rewritten=rewritten,
                            converted=converted)
    if not differing:
        return _EditVerdict(converted=converted)
    # An empty folder in it is named on its own (remove it): no file changed
    # for it (QA: with the seeds changed too, every file was said to be edited).
    changed_files = _damaged_files(release, jobs, frozenset(
        rel.rstrip("/") for rel in differing if rel.endswith("/")), converted,
        tree.pointers)
    edited = changed_files is not None
    # The zip holds the seeds' CHANGELOG.md too: beside a zip that is a fresh
    # build's, one that differs in the folder alone was edited there (its tag
    # manifest re-signed), not in the seeds (QA forge3 3: seeds/CHANGELOG.md
    # was blamed, and 'release patch' advised, a needless version).
    if changelog_only and not edited and survey.zip_read \
            and archives_match(result.archive, inputs.archive):
        edited = True
    return _EditVerdict(edited=edited, blamed=changed_files or None, converted=converted)


def _restore_advice(inputs: _Inputs, restore_from: str, seeds_too: bool) -> str:
    """What to do of a release changed after its build: restore it from
    ``restore_from``, or rebuild it unless the seeds changed too."""
    return ("the release changed after it was built: restore it from "
            f"{restore_from} or from version control (git checkout)" + (
                f"; the seeds changed since version {inputs.config.version} was "
                "released as well (the other files named)" if seeds_too else
                _rebuilt(inputs)))


def _rebuilt(inputs: _Inputs) -> str:
    """The other way to mend a release changed after its build, whose seeds did not change
    since: build it again."""
    return (f", or remove the folder {inputs.release.name}/ and run "
            f"'{inputs.build_command}', which puts it back")


def _edited_advice(inputs: _Inputs, restore_from: str, seeds_too: bool, then: str) -> str:
    """What to do, in the summary, of a release changed after its build: each file mended
    as its problem says (restored, or removed if it was added: QA, an added file was told
    to be restored from the zip, which leaves it there), or the folder built again; with
    the seeds changed since too, mended first, then what the seeds' change calls for
    (``then``, the descriptor's advice, if it gave one: QA, the release the summary
    advised alone refuses a latest release that does not pass validate)."""
    mend = ("the release changed after it was built: mend each file as its problem says "
            f"(restore it from {restore_from} or from version control, or remove it if it "
            "was added)")
    if not seeds_too:
        return mend + _rebuilt(inputs)
    release = command("release", seeds=inputs.seeds, out=inputs.dist)
    return f"{mend}; once it is mended: " + (
        then or f"the seeds changed since version {inputs.config.version} was released "
                f"(the other files named): run '{release}' to publish the change")


def _release_time_problem(inputs: _Inputs, result: BuildResult, differing: list[str],
                          edited: bool, relabel: str | None) -> Problem | None:
    """The problem of a release that differs from the fresh build in its release time
    alone (``created``), or None."""
    release = inputs.release
    fresh, kept = descriptor_created(result.release), descriptor_created(release)
    # Another release time (SOURCE_DATE_EPOCH, created) is what to fix only when
    # nothing else differs (QA: a changed document built at another time was told
    # the time to build with, and nothing of the change, nor to release it).
    if not (DESCRIPTOR in differing and fresh != kept and not edited
            and relabel is None and release_time_alone(
                release, result.release, CHANGELOG_NAME in differing, inputs.seeds)):
        return None
    return Problem(str(release / DESCRIPTOR), "stale-release",
                   f"created is {kept or 'absent'} in dist/ and "
                   f"{fresh or 'absent'} in a fresh build: "
                   f"{release_time_advice(kept)}", "/created")


def _compare_folder(inputs: _Inputs, survey: _DistSurvey, result: BuildResult,
                    relabel: str | None) -> _FolderComparison:
    """This version's folder compared, file by file, with the fresh build's, and the
    problem of each file that differs; nothing where it is not there, or not read. A
    folder of releases in the folder's place is no release to compare: its files and
    those of the releases in it are no release's missing or extra files (QA)."""
    seeds, dist, release = inputs.seeds, inputs.dist, inputs.release
    if not (survey.folder_read and survey.blocking is None and release.is_dir()):
        return _FolderComparison()
    tree = _tree_difference(result.release, release, inputs.jobs)
    differing = tree.differing
    # The seeds' CHANGELOG.md is copied into the release, which the descriptor
    # does not describe: a change to it alone differs there and in the tag
    # manifest only, and is the seeds' change, not the release's (QA: the release
    # was called edited, and its rebuild advised, which build refuses).
    changelog_only = CHANGELOG_NAME in differing \
        and set(differing) <= {CHANGELOG_NAME, TAG_MANIFEST}
    verdict = _edit_verdict(inputs, survey, result, tree, changelog_only)
    seeds_too = verdict.blamed is not None and not set(differing) <= verdict.blamed
    # Seeds whose line ends Git converted build other raw files than were released,
    # of the same text: no change to release (QA: 'run corpuskit release', which
    # then proposed a major release). Only the raw files whose recorded sha256
    # differ are read.
    line_ends, line_ends_only = (converted_raw_files(release, result.release)
                                 if differing else ([], False))
    line_ends_only = line_ends_only and _raw_input_alone(release, result.release)
    seeds_advice = (seeds_converted_advice(seeds, dist, release, line_ends)
                    if line_ends else "")
    # Whence a changed file comes back: not from a zip that is not there (QA).
    restore_from = ("a published copy of the release" if survey.no_archive
                    else "the release's zip")
    restore = _restore_advice(inputs, restore_from, seeds_too)
    # Git's line-end handling, which a checkout repeats (QA: the advice to restore
    # from version control): said of the files it converted, or of every file
    # where bagit.txt, which corpuskit always writes alike, has CR LF.
    converted = verdict.converted
    line_restore = (_line_ends_message(seeds, dist, release, result.release, converted)
                    if verdict.edited and (converted or _line_ends_converted(release))
                    else None)
    line_advice = line_restore  # said in full on one file only (below)
    if line_restore is not None and (not converted or verdict.blamed is None
                                     or verdict.blamed <= set(converted)):
        restore, line_restore = line_restore, None
    time_problem = _release_time_problem(inputs, result, differing, verdict.edited, relabel)
    findings = _FolderFindings(
        built=result.release, built_files=tree.built, present=tree.present,
        linked=tree.linked, edited=verdict.edited, blamed=verdict.blamed,
        rewritten=verdict.rewritten, changelog_only=changelog_only,
        restore=restore, restore_from=restore_from, line_restore=line_restore,
        line_advice=line_advice, converted=converted, line_ends=line_ends,
        seeds_by_git=git_converted(seeds, line_ends),
        line_ends_only=line_ends_only, seeds_advice=seeds_advice,
        # the releases that share a changed file (hard-linked)
        shared=(sharing_releases(dist, inputs.config.name, release, differing)
                if verdict.edited else {}),
        time_alone=time_problem is not None, relabel=relabel)
    judged = [_differing_file_problem(inputs, survey, findings, rel) for rel in differing]
    said = [problem for problem, _ in judged]
    advice = next((advice for _, advice in judged if advice), "")
    if verdict.edited and line_advice is None:  # (that advice is given once, in full)
        advice = _edited_advice(inputs, restore_from, seeds_too, advice)
    if line_advice is not None:
        by_git = in_git((dist,))  # the release's files, converted: by Git, or not
        said = _advised_once(said, line_advice, by_git=by_git)
        first = next((p.path for p in said if line_advice in p.message), None)
        if not advice and first is not None and by_git:  # (QA s101: it said nothing then)
            advice = (f"line ends converted by Git: the problem of {first} says which "
                      ".gitattributes lines stop it and how to check the files out again")
        elif not advice and first is not None:  # no Git work tree holds them
            advice = (f"line ends converted since the release was built, not by Git: the "
                      f"problem of {first} says how to put them back")
    problems = [*tree.problems, *said, *([time_problem] if time_problem else [])]
    return _FolderComparison(tuple(differing), tuple(problems), verdict.edited, seeds_too,
                             tree.inside, advice)


def _differing_file_problem(inputs: _Inputs, survey: _DistSurvey, found: _FolderFindings,
                            rel: str) -> tuple[Problem, str]:
    """The problem of the file (or folder) ``rel`` of this version's folder, which differs
    from the fresh build's: what differs, and what to do, as ``found`` tells it; and, for
    the descriptor, what to do about the release as a whole where its problem says it for
    every file that differs (else ""), which the check's summary says too
    (:attr:`~corpuskit.checkreport.CheckReport.advice`)."""
    seeds, dist, config, release = inputs.seeds, inputs.dist, inputs.config, inputs.release
    newest = survey.newest
    edited_here = found.edited and (found.blamed is None or rel in found.blamed)
    # A link (even to the very bytes a build makes) or a pipe is never followed
    # nor read: said so, as validate says it (QA: "differs" of the same bytes).
    not_regular = _not_regular(release / rel) \
        if rel in found.present and (rel in found.built_files or rel in found.linked) \
        else None
    if not_regular is not None:
        return Problem(str(release / rel), "unsafe-path", f"{not_regular}; {found.restore}"), ""
    advice = ""  # what the descriptor's problem says of the release as a whole
    if rel not in found.present and f"{rel}/" in found.present:
        message = (f"a folder stands where a fresh build of {shown_name(seeds)} makes this "
                   f"file: remove the folder; {found.restore}")
    elif rel not in found.present:
        message = f"missing: a fresh build of {shown_name(seeds)} makes this file" + (
            f"; {found.restore}" if edited_here else "")
    elif rel.endswith("/"):  # an empty folder: packages hold files only
        message = (f"extra: a fresh build of {shown_name(seeds)} makes no empty folder; "
                   "remove it")
    elif rel not in found.built_files:
        message = f"extra: a fresh build of {shown_name(seeds)} does not make this file" + (
            "; it was added after the release was built: remove it" if edited_here
            else "")
    elif edited_here and found.line_restore is not None and rel in found.converted:
        message = (f"differs from what a fresh build of {shown_name(seeds)} makes; "
                   f"{found.line_restore}")
    elif rel == TAG_MANIFEST and found.line_advice is not None \
            and _crlf_in(release / rel):
        # No manifest records its bytes, so validate cannot say Git converted
        # it; its CR LF say so (QA: 'differs', alone of the files converted).
        message = (f"differs from what a fresh build of {shown_name(seeds)} makes; "
                   f"{found.line_advice}")
    elif edited_here:
        message = (f"differs from what a fresh build of {shown_name(seeds)} makes; {found.restore}"
                   + shared_advice(found.shared.get(rel, []), one_file=True))
    elif found.rewritten:
        patch = command("release", seeds=seeds, out=dist, arguments=("patch",))
        message = (f"differs from what a fresh build of {shown_name(seeds)} makes, in a "
                   "release that passes validate and whose datapackage.json is "
                   "a fresh build's: this corpuskit writes the file otherwise "
                   "than the one that built the release (to publish the new "
                   f"form, run '{patch}', which builds the next version beside "
                   "this one; released versions are never rebuilt), or it was "
                   "edited and re-signed after the build (restore it from "
                   f"{found.restore_from} or from version control)")
    elif found.changelog_only and rel == CHANGELOG_NAME \
            and (gone := changelog_gone(seeds)) is not None:
        advice = changelog_restore(seeds, dist, config.version, gone)
        message = f"differs from what a fresh build of {shown_name(seeds)} makes: {advice}"
    elif found.changelog_only and rel == CHANGELOG_NAME:
        patch = command("release", seeds=seeds, out=dist, arguments=("patch",))
        advice = (f"{seeds / CHANGELOG_NAME} changed since version {config.version} was "
                  f"released (to publish the change, run '{patch}', which builds the next "
                  "version beside this one; released versions are never rebuilt), or "
                  "restore it as released (git checkout)")
        message = f"differs from what a fresh build of {shown_name(seeds)} makes: {advice}"
    elif found.changelog_only:
        message = (f"differs from what a fresh build of {shown_name(seeds)} makes (its line "
                   f"for {CHANGELOG_NAME})")
    elif rel == DESCRIPTOR and survey.no_archive:  # the archive's problem says what
        advice = f"finish version {config.version} first (see its archive)"
        message = f"differs from what a fresh build of {shown_name(seeds)} makes; {advice}"
    elif rel == DESCRIPTOR and found.relabel is not None and newest is not None:
        advice = (f"the seeds hold the documents and metadata of {newest[0]} "
                  f"({newest[1]}), not of {config.version}, the version in "
                  f"{seeds / CONFIG_NAME}: {found.relabel}")
        message = f"differs from what a fresh build of {shown_name(seeds)} makes: {advice}"
    elif rel == DESCRIPTOR and found.line_ends_only:
        advice = (f"{found.seeds_advice}; then a check finds the release current "
                  "(the raw files differ in nothing else: nothing to release)")
        message = f"differs from what a fresh build of {shown_name(seeds)} makes: {advice}"
    elif found.line_ends and rel.startswith(RAW_PREFIX) \
            and rel[len(RAW_PREFIX):] in found.line_ends:
        seeds_file = seeds / rel[len(RAW_PREFIX):]
        message = (f"differs from what a fresh build of {shown_name(seeds)} makes in line "
                   + (f"ends only: Git converted {seeds_file}" if found.seeds_by_git else
                      f"ends only: {seeds_file} was converted, not by Git")
                   + " (see datapackage.json)")
    elif rel == DESCRIPTOR and not found.time_alone:  # else: /created says why
        # Plain release refuses a change of settings or outputs alone, which
        # 'release patch' releases: name the one that does (QA).
        command_line = command("release", seeds=seeds, out=dist, arguments=(
            ("patch",) if _same_content(release, found.built) else ()))
        advice = (f"the seeds changed since version {config.version} was released (to "
                  f"publish the change, run '{command_line}', which builds the "
                  "next version beside this one; released versions are never "
                  "rebuilt), or they did not and this corpuskit builds them "
                  "otherwise (check with the version that made the release)"
                  + (f"; of their changes, {found.seeds_advice}"
                     if found.line_ends else ""))
        message = f"differs from what a fresh build of {shown_name(seeds)} makes: {advice}"
    else:  # the seeds changed: the descriptor's problem says what to do
        message = f"differs from what a fresh build of {shown_name(seeds)} makes"
    return Problem(str(release / rel), "stale-release", message), advice


def _no_archive_problem(inputs: _Inputs, survey: _DistSurvey, result: BuildResult,
                        folder: _FolderComparison, held: str) -> Problem:
    """The problem of this version's zip, not in dist/. Beside its folder and seeds
    changed since, build and release both refuse: the release is to be finished first,
    as they say (QA: check said to run build). Build refuses a changed release folder:
    it is restored first (QA: told to run build, or to restore the folder from its
    missing zip)."""
    seeds, dist, config = inputs.seeds, inputs.dist, inputs.config
    release, build_command = inputs.release, inputs.build_command
    missing_archive = _missing_archive(inputs)
    restored_first = "once its folder is restored (see its files), "
    return Problem(str(inputs.archive), "missing-file", (
        f"{missing_archive}; " + (restored_first if folder.edited else "")
        + unfinished_release(config.name, config.version, release, seeds, dist,
                             settings=_same_content(release, result.release))
        if release.is_dir() and folder.differing and (folder.seeds_too or not folder.edited)
        else f"{missing_archive}; {restored_first}run '{build_command}', which "
             "writes the zip" if folder.edited
        else f"{missing_archive}{held}" if held
        else f"{missing_archive} (see its folder)" if survey.renamed
        else f"{missing_archive}; run '{inputs.release_command}', which finishes the "
             "release its seeds hold (see its folder)" if survey.left_by_a_release
        else f"{missing_archive}; run '{build_command}'"))


def _stale_archive_problem(inputs: _Inputs, survey: _DistSurvey, result: BuildResult,
                           folder: _FolderComparison) -> Problem:
    """The problem of this version's zip, whose entries differ from the fresh build's.
    Beside a current folder, the zip changed since its build; beside another, the
    folder's problems say what to do first (the zip may be the one sound copy)."""
    release, archive = inputs.release, inputs.archive
    mended = survey.folder_read and release.is_dir() and not folder.differing
    named = archive_differences(result.archive, archive)  # (QA: none was named)
    return Problem(str(archive), "stale-release",
                   "its entries differ from a fresh build's archive" + (
                       f": {named}" if named else " (names, contents, time "
                       "stamps or permissions)") + (
                       ": restore it from a published copy, or, if it was "
                       "never published, delete it and run "
                       f"'{inputs.build_command}' to write it again" if mended
                       else ""))


def _seal_problems(inputs: _Inputs, survey: _DistSurvey, folder: _FolderComparison,
                   problems: Sequence[Problem]) -> list[Problem]:
    """The problems of this version's zip's seal and published ``.sha256``, where it is
    read, with what to do (``problems``: those found so far, whose line-end advice the
    seal's points at)."""
    if not survey.zip_read:
        return []
    dist, version, archive = inputs.dist, inputs.config.version, inputs.archive
    sealed = check_archive_checksums(archive)
    # With the seeds changed since, a build no longer writes this version's zip (it
    # refuses, the release being unfinished): only a published copy restores it (QA).
    rewrite = (f"restore it from a published copy (the seeds changed since version "
               f"{version}, so a build no longer writes it)" if folder.differing else
               f"if this one was never published, delete it and run "
               f"'{inputs.build_command}' to write it again")
    rewrite = f"a fresh build's archive is sealed: {rewrite}"
    if any(p.code == SEAL_CODE and said_converted((p.message,)) for p in sealed):
        # Git converted the zip's line ends as it checked it out, which a checkout
        # repeats: the seeds did not change for it (QA ciauthor 4), and the folder's
        # advice, where Git converted it too, is the zip's
        advised = next((p.path for p in problems if said_converted((p.message,))
                        and ".gitattributes" in p.message), None)
        rewrite = (f"line ends converted by Git (see {advised})" if advised else
                   line_ends_advice((dist,), f"{archive} has CR LF where the zip as "
                                    "written has LF"))
        if advised == str(archive):  # its folder removed, the zip unreadable: said so
            rewrite = "line ends converted by Git (its not-a-package problem says what to do)"
    return [Problem(str(archive), p.code, p.message if sidecar_problem(p) else (
        f"{p.message}; {rewrite}"), p.location) for p in sealed]


def _zip_only_release_problem(inputs: _Inputs, result: BuildResult,
                              problems: Sequence[Problem], matched: bool,
                              relabel: str | None) -> Problem:
    """The problem of this version's release kept as its zip only, its folder removed,
    by the state of the zip (``problems``: those found so far, of the zip's among them;
    ``matched``: its entries are the fresh build's)."""
    release, archive = inputs.release, inputs.archive
    own = [p for p in problems if p.path == str(archive) and p.code != "stale-release"]
    if any(not sidecar_problem(p) for p in own):
        state = "damaged"
    elif own:
        state = "sidecar"
    elif not matched and not _intact(archive, inputs.jobs):
        state = "damaged"
    elif not matched:
        # Its datapackage.json what the seeds build: the same documents, metadata
        # and settings (QA: "the seeds changed", and plain release refused).
        state = ("seeds-changed" if member_differs(archive, release.name,
                                                   result.release, DESCRIPTOR)
                 else "rewritten")
    else:
        state = "sound"
    return _zip_only_problem(release, inputs.seeds, inputs.config.version,
                             inputs.build_command, state, relabel)


#: How ``not_compared`` ends when a release in dist/ cannot be read by this user.
NOT_READ = "cannot be read by this user"
#: What ``not_compared`` says (after dist/) when another corpus's release, named alike,
#: stands where the seeds' release goes.
ANOTHER_CORPUS_HERE = "holds the release of another corpus where that of the seeds goes"


def _converted_zip_problems(releases: Releases, zips: list[Path], name: str,
                            dist: Path) -> list[Problem]:
    """The ``not-a-package`` problem of each release's zip in ``zips`` that cannot be read
    for Git's line-end handling (:func:`~corpuskit.lineends.zip_converted`): the first
    gives the ``.gitattributes`` advice for them all, the others point at it. Restoring
    them from a published copy, as a damaged zip is told, a checkout converts again (QA
    s82 review 6: the latest zip alone was given the advice)."""
    reasons = {item.path: item.reason for item in releases.damaged}
    # (no Git work tree holding dist/, no Git did it: CONVERTED_OUTSIDE_GIT, as validate)
    how = CONVERTED if in_git((dist,)) else f"it was {CONVERTED_OUTSIDE_GIT}"
    return [Problem(str(path), "not-a-package", (
        f"named as a release of {name}, but {reasons[path]}: "
        + (zips_converted_advice(dist, zips) if index == 0 else
           f"{how}, as every LF byte in it follows a CR (see {zips[0]})")))
        for index, path in enumerate(zips)]


def _older_zip_problems(releases: Releases, archive: Path, dist: Path) -> list[Problem]:
    """The seal's and the published ``.sha256``'s form (``validate --fast``'s check of
    them) of each release's zip in ``dist``, beside its folder or alone, but ``archive``,
    the seeds' own, which is compared with a fresh build's. No byte of them is hashed: an
    older release's zip may be hundreds of MB, and check reads one as far as a zip alone
    is read for its release (its end records, central directory and datapackage.json:
    :func:`~corpuskit.dist.survey_releases`); 'validate' of the folder of releases hashes
    them (QA forge3 1: an older release's zip of 7 bytes, or a .sha256 beside it that is
    no checksum of it, passed check)."""
    problems: list[Problem] = []
    damaged = {item.path for item in releases.damaged}
    for _, path in releases.found:
        zipped = path if is_archive(path) else path.with_name(path.name + ARCHIVE_SUFFIX)
        if zipped == archive or zipped in damaged or not os.path.lexists(zipped) \
                or not_a_zip_file(zipped) is not None:
            continue  # the seeds' own (compared), named already, or none (a folder alone)
        for problem in check_archive_checksums(zipped, fast=True):
            advice = "" if sidecar_problem(problem) else (
                "; restore it from a published copy ('corpuskit validate "
                f"{shell_word(str(dist))}' checks "
                "every release in full)")
            problems.append(Problem(str(zipped), problem.code, problem.message + advice,
                                    problem.location))
    return problems


def _left_by_a_release(seeds: Path, config: CorpusConfig,
                       newest: tuple[Version, Path] | None) -> bool:
    """Whether the seeds hold what a release of their version writes into them before it
    builds: a release time in corpus.toml after the latest release's, and an entry for the
    version in CHANGELOG.md. Then 'release' finishes it (or says what to do); 'build' would
    ship that entry whatever the seeds hold since (QA: an entry naming one of the two
    documents added)."""
    latest = descriptor_created(newest[1]) if newest is not None else None
    if time_recorded_after(config, latest) is None:
        return False
    try:
        text = (read_changelog(seeds) or b"").decode("utf-8")
    except (InputError, UnicodeDecodeError):
        return False
    return has_entry(text, config.version)


def _another_corpus(path: Path, other: str, seeds: Path, dist: Path, name: str,
                    version: str) -> str:
    """What check tells of ``path`` in ``dist``, named as a release of ``name``, which is
    the release of the corpus ``other`` (``<name> <version>``) named alike: as build does
    of such a folder, in the seeds' place (``version``) or in an older one's."""
    zipped = path.name.endswith(ARCHIVE_SUFFIX)
    stem = path.name[:-len(ARCHIVE_SUFFIX)] if zipped else path.name
    what = "zip" if zipped else "folder"
    only = " (its zip only, the folder removed)" if zipped and not (dist / stem).is_dir() \
        else ""
    named = (f"the seeds' ({stem})" if stem == f"{name}-{version}" else
             f"that of {name}'s version {stem[len(name) + 1:]}")
    return (f"{ANOTHER_CORPUS}, {other}{only}, whose release {what} is named as "
            f"{named}: not renamed, nor damaged; set another name than {name!r} in "
            f"{seeds / CONFIG_NAME}, or give --dist the folder that holds the releases of "
            f"{name}")


def _zip_only_problem(release: Path, seeds: Path, version: str, build_command: str,
                      state: str, relabel: str | None = None) -> Problem:
    """The problem of the seeds' release kept as its zip only, its folder removed; what to
    do depends on the zip's ``state``. A build puts the folder back from a zip that is
    what it makes (``sound``) and refuses any other, so check said to run build where
    build refused (QA):

    - ``sound``: build;
    - ``sidecar``: only the published ``.sha256`` beside the zip disagrees with it: that
      first (its problem says how), then build;
    - ``seeds-changed``: the zip is intact on its own (validate passes on it) but not what
      the seeds build: they changed since the release, which is published with
      ``release``; the folder comes back from the seeds as released;
    - ``rewritten``: intact, its datapackage.json what the seeds build, other files not:
      this corpuskit writes them otherwise (or the seeds' CHANGELOG.md changed), which
      ``release patch`` publishes;
    - ``damaged``: the zip fails validate: restore it, or delete it and build;
    - ``unbuilt``: intact, but the seeds cannot be built to compare: their problems first.

    ``relabel``: what to do when the seeds hold a newer release's content under ``version``
    (``seeds-changed``: not to release them, which release refuses).
    """
    kept = (f"the release of {shown_name(seeds)} (version {version}) is in "
            f"{shown_name(release.parent)} as its zip "
            "only, its folder removed")
    back = f"run '{build_command}' to put the folder back"
    patch = command("release", seeds=seeds, out=release.parent, arguments=("patch",))
    advice = {
        "sound": f"{back} (a build of the same content does)",
        "sidecar": f"once its .sha256 agrees with the zip (its problem says how), {back}",
        "seeds-changed": (
            f"the seeds changed since version {version} was released (the zip's problem says "
            f"so; 'corpuskit diff {release.parent / (release.name + '.zip')} {seeds}' lists "
            f"how): to publish the change, run "
            f"'{command('release', seeds=seeds, out=release.parent)}', which builds the next "
            f"version beside this one; to have this version's folder back, put the seeds "
            f"back as released and {back}"),
        "rewritten": (
            f"its datapackage.json is what the seeds build, its other files not (the zip's "
            f"problem names them): this corpuskit writes them otherwise than the one that "
            f"built the release, or the seeds' {CHANGELOG_NAME} changed since; to publish "
            f"that, run '{patch}', which builds the next version beside this one; "
            "released versions are never rebuilt"),
        "damaged": (
            "the zip is not what a fresh build makes and fails validate (its problems are "
            f"listed): restore the zip from a published copy, then {back}; if it was never "
            f"published and the seeds are as it was released, delete it and run "
            f"'{build_command}', which writes both"),
        "unbuilt": (f"once the seeds' problems are mended, 'corpuskit check' says whether "
                    f"'{build_command}' puts it back"),
    }[state]
    if relabel is not None and state == "seeds-changed":
        advice = (f"the seeds hold the documents and metadata of a newer release, not of "
                  f"version {version}: {relabel}")
    return Problem(str(release), "missing-file", f"{kept}; {advice}")


def _not_as_written(archive: Path, jobs: int | None) -> str | None:
    """Why the release's zip, whose members are a fresh build's (names, time stamps,
    permissions, CRCs and sizes) in other bytes, is not one corpuskit writes, or None.

    Other bytes are allowed for another deflate's (another zlib compresses the same
    members otherwise), not for anything validate refuses: data past a member's deflate
    stream, bytes before the archive, another layout (zip64, data descriptors), a member
    that inflates to more than its size or is flagged encrypted (QA: each, sealed again,
    was "current, equal to a fresh build", and the encrypted one a traceback). Its seal and
    published ``.sha256`` are said apart (:func:`check_archive_checksums`)."""
    from .validation import validate  # only on this path: the zip is not a fresh build's

    refused = [problem for problem in validate(archive, jobs=jobs).problems
               if not sidecar_problem(problem) and problem.code != SEAL_CODE]
    if not refused:
        return None
    first = refused[0]
    # One code to a line, the check's own, and the archive itself ('.') not named as a
    # place in it (QA: "...: .: the archive ends ... [archive-metadata]: ... [archive-error]").
    member = first.path if first.path not in ("", ".") else ""
    place = (f"{member} ({first.location})" if member and first.location
             else member or first.location)
    said = f"{place}: {first.message}" if place else first.message
    more = f", and {counted(len(refused) - 1, 'problem')} more" if len(refused) > 1 else ""
    # A member that validate refuses (one that cannot be inflated, say) is not a fresh
    # build's: only the directory's records of it are (QA: "its members are a fresh
    # build's" of a member that cannot be read).
    members = ("its central directory lists a fresh build's members (names, time stamps, "
               "permissions, CRCs and sizes)"
               if any(p.path not in ("", ".") for p in refused)
               else "its members are a fresh build's")
    return f"{members}, but validate refuses it: {said}{more}"


def _compression_notes(archive: Path, seeds: Path, config: CorpusConfig
                       ) -> tuple[tuple[str, str], ...]:
    """The note of a release's zip, of a fresh build's members in other bytes, that another
    compression than the seeds' ``[output] compression`` deflated: not stale (the
    compression is no part of a release), but a build of these seeds no longer writes it
    byte for byte (QA: "current", and a clone's rebuild of dist/ gave another sha256 than
    the published one). None where another zlib made the other bytes."""
    made = archive_compression(archive)
    if made is None or made == config.compression:
        return ()
    return ((str(archive), compression_changed(archive.name, made, config.compression,
                                               seeds / CONFIG_NAME)),)


def _intact(archive: Path, jobs: int | None) -> bool:
    """Whether the release's zip passes validate on its own, but for its published
    ``.sha256``, a file of its own (looked at on the paths where the zip is not what a
    fresh build makes, or cannot be compared)."""
    from .validation import validate  # only on those paths

    return all(sidecar_problem(p) for p in validate(archive, jobs=jobs).problems)


#: How the temporary folder of a check's build is named: then its process id, and ``-``.
CHECK_PREFIX = "corpuskit-check-"

def _line_ends_message(seeds: Path, dist: Path, release: Path, built: Path,
                       converted: list[str]) -> str:
    """What check says of a release whose text files Git checked out with CR LF line ends:
    that the seeds' files were converted too only where a fresh build's raw files
    (``built``) differ from the release's in line ends alone (QA: said where only dist/
    was converted); the .gitattributes lines as the work tree takes them (QA: 'seeds/**'
    for seeds given as corpora/news/seeds). Where no Git work tree holds the folders, no
    Git is named (:func:`~corpuskit.lineends.line_ends_advice`)."""
    seeds_converted, _ = converted_raw_files(release, built)
    who = "Git converted the seeds' files too" if git_converted(seeds, seeds_converted) else \
        "the seeds' files were converted too"
    also = (f", and {who} ({shown(seeds_converted)} in {shown_name(seeds)}), so a fresh "
            "build differs as well" if seeds_converted else "")
    which = (f"{shown(converted)} {'has' if len(converted) == 1 else 'have'} other line ends "
             "than the release's manifests record" if converted else
             "the release's text files have CR LF line ends where corpuskit writes LF (its "
             "bagit.txt among them)")
    return line_ends_advice((seeds, dist), f"{which}{also}")


def changelog_gone(seeds: Path) -> str | None:
    """What became of the seeds' CHANGELOG.md, if it is gone: ``missing`` (deleted) or
    ``empty`` (white space alone, which is no changelog); else None."""
    if not os.path.lexists(seeds / CHANGELOG_NAME):
        return "missing"
    try:
        text = read_changelog(seeds)
    except InputError:  # (a link or unreadable: the build refused it, and said so)
        return None
    return "empty" if text is None else None


def changelog_restore(seeds: Path, dist: Path, version: str, gone: str) -> str:
    """What check says of the seeds' CHANGELOG.md, ``missing`` or ``empty`` (``gone``)
    since ``version`` was released: restore it, first; a patch release would only publish
    a version in which nothing else changed (QA: it 'changed since', and 'release patch'
    came first, restoring it as released after)."""
    given = shell_word(str(seeds / CHANGELOG_NAME))
    patch = command("release", seeds=seeds, out=dist, arguments=("patch",))
    how = "deleted" if gone == "missing" else "emptied (white space alone)"
    return (f"{seeds / CHANGELOG_NAME} is {gone}: it was {how} after version {version} was "
            f"released; restore it (git checkout -- {given}), and the release is current "
            f"again ('{patch}' would only publish a next version in which nothing else "
            "changed)")


def _not_regular(path: Path) -> str | None:
    """What the file of a release at ``path`` is, in validate's words, if it is no regular
    file (a symbolic link, never followed; a pipe, device or socket, never opened), else
    None (also where it cannot be looked at: the comparison says what of it)."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return None
    if stat.S_ISLNK(mode):
        return LINK_IN_A_PACKAGE
    return None if stat.S_ISREG(mode) else f"not a regular file ({special_kind(mode)})"


def _linked_folders(release: Path, differing: list[str], built: set[str],
                    present: set[str]) -> set[str]:
    """The entries of the release (of ``differing``, by their paths in it) that are no
    regular file (a symbolic link) where a fresh build makes a folder: the folder's
    ``built`` files are what it stands for, none of them in ``present``."""
    return {rel for rel in differing if rel in present and rel not in built
            and any(other.startswith(f"{rel}/") for other in built)
            and _not_regular(release / rel) is not None}


def _advised_once(problems: list[Problem], advice: str, *, by_git: bool = True) -> list[Problem]:
    """``problems`` (in the order shown) with the line-end ``advice`` in full on the first
    that gives it, the others saying only that Git converted line ends (``by_git``; else
    that they were converted, not by Git), and where the advice is: it is the same of
    every file (QA: some 900 characters repeated on 7 of 9 annotations)."""
    first = next((problem.path for problem in problems if advice in problem.message), None)
    short = (f"line ends converted by Git (see {first})" if by_git else
             f"line ends converted, not by Git (see {first})")
    return [problem if problem.path == first or advice not in problem.message
            else replace(problem, message=problem.message.replace(advice, short))
            for problem in problems]


def _line_ends_converted(release: Path) -> bool:
    """Whether the release's bagit.txt, whose bytes corpuskit always writes alike, holds them
    with CR LF line ends (QA: check said to restore from version control, which wrote
    them so again)."""
    try:  # a pipe or device there is refused at once, never waited on
        with os.fdopen(open_regular(str(release / "bagit.txt"), checking=True), "rb") as handle:
            held = handle.read(len(BAGIT_TXT) * 2)
    except OSError:
        return False
    return held == BAGIT_TXT.replace(b"\n", b"\r\n")


def _crlf_in(path: Path) -> bool:
    """Whether the release's file at ``path`` holds CR LF line ends, which corpuskit never
    writes (False where it cannot be read: its problem says what of it)."""
    try:  # a pipe or device there is refused at once, never waited on
        with os.fdopen(open_regular(str(path), checking=True), "rb") as handle:
            return b"\r\n" in handle.read()
    except OSError:
        return False


def _unreadable_inside(release: Path, jobs: int | None) -> dict[Path, Problem]:
    """The files and folders of the release folder that this user may not read (what
    validate finds of them), by path, each problem naming it as given."""
    from .validation import validate  # only on this path: the release differs

    return {Path(problem.path): problem
            for problem in validate(release, jobs=jobs).unreadable_problems()}


#: The problems validate names a file by when its bytes are not what the package's own
#: manifests and descriptor record for it (or it was added or removed since), or it is no
#: regular file, which no build makes (QA: a link, with the seeds changed too, left none
#: named, and every file of the release was said to be edited).
_FILE_CHANGED = frozenset({"checksum-mismatch", "size-mismatch", "missing-file",
                           "unlisted-file", "unsafe-path"})


def _damaged_files(release: Path, jobs: int | None,
                   empty: frozenset[str] = frozenset(),
                   converted: list[str] | None = None,
                   pointers: Collection[str] = ()) -> frozenset[str] | None:
    """None if the release folder passes validate (built of other seeds, not changed
    since), but for the ``empty`` folders in it (by their paths in the release, and what
    they hold), which check names on their own; else the files validate finds changed since
    the build, by their paths in the release: those that are not what its manifests record,
    which may be none (a record broken without its file's checksum, say). A problem at a
    place in a metadata file (a JSON pointer, bag-info.txt's Payload-Oxum) is about other
    files, whose sizes or checksums it records: the metadata file itself is intact unless
    its own bytes are not what the tag manifest records (QA: a raw file edited,
    bag-info.txt was to be restored too, its Payload-Oxum no longer the payload's size).
    ``converted``, if given, gets the files validate finds converted by Git's line-end
    handling (:mod:`corpuskit.lineends`); ``pointers``: its files that are Git LFS
    pointers, which check names on their own."""
    from .validation import validate  # only on this path: the release differs

    found = [problem for problem in validate(release, jobs=jobs).problems
             if not any(problem.path == folder or problem.path.startswith(f"{folder}/")
                        for folder in empty)
             and not (problem.code == "lfs-pointer" and problem.path in pointers)]
    if not found:
        return None
    if converted is not None:
        converted.extend(problem.path for problem in found if problem.code == "checksum-mismatch"
                         and said_converted((problem.message,)))
    return frozenset(problem.path for problem in found
                     if problem.code in _FILE_CHANGED and not problem.location)


def _not_fetched(path: Path) -> bool:
    """Whether the release folder or zip at ``path``, which is no readable release, is
    one a checkout without Git LFS left as pointers: the zip, or the folder's
    datapackage.json, is one."""
    return is_lfs_pointer(path / DESCRIPTOR if path.is_dir() else path)


def _lfs_problems(path: Path) -> list[Problem]:
    """What to say of the release folder or zip at ``path`` that :func:`_not_fetched`
    found a checkout without Git LFS left as pointers: each pointer in the folder, or the
    zip, with 'git lfs pull' (QA: told to restore it, or that it was damaged)."""
    if not path.is_dir():
        return [Problem(str(path), "archive-error", LFS_ADVICE)]
    return [Problem(str(file), "lfs-pointer", LFS_FILE_ADVICE)
            for file in sorted(path.rglob("*")) if is_lfs_pointer(file)]


def _dist_problem(dist: Path, name: str, build_command: str) -> tuple[Problem, str] | None:
    """Why ``dist`` (``--dist``) is no folder of releases to compare, or None: a file
    (a release's zip, say), a folder that is itself a release, a path that does not exist
    or a link to one, a folder this user may not list, enter or reach; with what the
    summary says of it (after ``--dist <dist>``). ``name``: the seeds' release;
    ``build_command``: the build that makes it there."""
    holds = f"pass the folder that holds {name}/ and {name}.zip"
    unusable = "is no folder of releases"
    try:
        mode = os.stat(dist).st_mode
    except FileNotFoundError:
        if os.path.islink(dist):  # missing as a missing folder is (QA: unreadable-file)
            return Problem(str(dist), "missing-file",
                           f"--dist is a symbolic link to {os.readlink(dist)!r}, which does "
                           f"not exist; point it at the folder of releases, or {holds}"), \
                unusable
        return Problem(str(dist), "missing-file",
                       f"--dist {shown_name(dist)} does not exist: run '{build_command}' to "
                       f"make the release there, or {holds}"), "does not exist"
    except PermissionError as exc:  # a folder on its way may not be entered: which one
        found = folder_not_entered(dist)
        blocked = Path(found[0]) if found is not None else dist.parent
        return Problem(str(dist), "unreadable-file",
                       f"--dist cannot be reached: this user may not enter {shown_name(blocked)} "
                       f"({exc.strerror or exc}); {grant_reading(blocked)}, or {holds}"), \
            "cannot be reached by this user"
    except OSError as exc:
        return Problem(str(dist), "unreadable-file",
                       f"--dist cannot be looked at ({exc.strerror or exc}); {holds}"), unusable
    inside = f" (this one is in {shown_name(dist.parent)}: --dist {shown_name(dist.parent)})"
    if stat.S_ISREG(mode):
        named = dist.name.startswith(f"{name.rsplit('-', 1)[0]}-")
        return Problem(str(dist), "not-a-package",
                       f"--dist is a file, not a folder of releases: {holds}"
                       + (inside if named else " (by default dist)")), unusable
    if not stat.S_ISDIR(mode):
        return Problem(str(dist), "not-a-package",
                       f"--dist is not a folder (a device, socket or pipe): {holds}"), unusable
    doing = "list"
    try:
        with os.scandir(dist) as entries:
            next(entries, None)
        doing = "enter"  # listed, but its releases could not be looked at (QA: a traceback)
        os.stat(os.path.join(dist, "."))
    except OSError as exc:
        # Its permissions, not what it is: never called no folder of releases (QA).
        return Problem(str(dist), "unreadable-file",
                       f"--dist cannot be read: this user may not {doing} it "
                       f"({exc.strerror or exc}); {grant_reading(dist)}, or {holds}"), NOT_READ
    if (dist / DESCRIPTOR).is_file() and (dist / "bagit.txt").is_file():
        return Problem(str(dist), "not-a-package",
                       f"--dist is a release folder, not the folder of releases: {holds}"
                       + inside), unusable
    if (dist / CONFIG_NAME).is_file():  # (QA: --dist seeds was told to build into it)
        return Problem(str(dist), "not-a-package",
                       f"--dist is a seeds folder (it holds {CONFIG_NAME}), not the folder of "
                       f"releases: give the seeds with --seeds and {holds} with --dist "
                       "(by default dist)"), unusable
    return None


def _inside_the_seeds(seeds: Path, dist: Path, name: str) -> tuple[Problem, str] | None:
    """``--dist`` inside the seeds folder, where no build may write (its files would be
    taken for documents): said so, with the folder to pass (QA: check advised a build
    into it, which is a usage error)."""
    try:
        inside = seeds.resolve() in dist.resolve().parents or seeds.resolve() == dist.resolve()
    except (OSError, RuntimeError):
        return None
    if not inside:
        return None
    refused = Problem(str(dist), "not-a-package",
                      f"--dist {shown_name(dist)} is inside the seeds folder "
                      f"{shown_name(seeds)}, where no build writes (its files would be taken "
                      f"for documents): pass the folder that holds {name}/ and {name}.zip (by "
                      "default dist)")
    return refused, "is inside the seeds folder"


def _seeds_problem(seeds: Path, problem: Problem) -> Problem:
    path = problem.path if problem.path == "SOURCE_DATE_EPOCH" else str(seeds / problem.path)
    return Problem(path, problem.code, problem.message, problem.location)


def _report(seeds: Path, dist: Path, problems: list[Problem], *, files: int = 0,
            size: int = 0, documents: int = 0, not_compared: NotCompared | None = None,
            why: str = "", notes: tuple[tuple[str, str], ...] = (),
            advice: str = "") -> CheckReport:
    """The report; ``files``, ``size`` and ``documents`` are those of the fresh build's
    release folder; ``not_compared`` why ``dist`` was not compared, if it was not, and
    ``why`` what was not, in words (those of ``seeds-unbuildable`` said here); ``advice``
    what to do about the release as a whole, if one problem says it for all."""
    if not_compared == "seeds-unbuildable":
        why = "the seeds cannot be built"
    return CheckReport(str(dist), problems=sort_problems(problems), files=files, bytes=size,
                       documents=documents, notes=notes, seeds=str(seeds),
                       not_compared_reason=not_compared, not_compared=why, advice=advice)


def _raw_input_alone(release: Path, built: Path) -> bool:
    """Whether a release and a fresh build differ in their documents' raw input alone
    (:func:`~corpuskit.lineends.raw_input_alone`); False where either cannot be read."""
    from .diff import diff  # only on this path

    try:
        return raw_input_alone(diff(release, built))
    except CorpuskitError:
        return False


def _same_content(release: Path, built: Path) -> bool:
    """Whether a release and a fresh build hold the same documents and package metadata
    (their settings or outputs differ): released by 'corpuskit release patch', which plain
    'release' refuses. False where either cannot be read."""
    from .diff import diff, summarize  # only on this path

    try:
        return not summarize(diff(release, built))
    except CorpuskitError:
        return False


def _untracked_problems(seeds: Path, dist: Path) -> list[Problem]:
    """The files and folders of ``seeds`` and ``dist`` that the Git work tree they are in
    does not track, ignored or not (none without a work tree or ``git``), each a problem:
    commits leave them out, so what check compared in the work tree is not what a commit
    holds; and ``seeds`` or ``dist`` if a symbolic link takes it out of the work tree,
    where a commit holds none of its files. Seeds files a build passes over
    (hidden, or matched by ``discover.exclude``) are none of its business; nor is
    corpuskit's own lock file in ``dist``, which the work tree's .gitignore is to name."""
    try:
        exclude = load_config(seeds).discover.exclude
    except InputError:  # the report says why; hidden files are skipped all the same
        exclude = ()
    problems = [_beyond_problem(folder, beyond) for folder in (seeds, dist)
                if (beyond := beyond_work_tree(folder)) is not None]
    left_out = {folder: untracked(folder) for folder in (seeds, dist)}
    for folder, found_there in left_out.items():
        problems += [Problem(str(found.path), "untracked-file",
                             f"the symbolic link on the way to {folder}, "
                             f"{_left_out(folder, found)}")
                     for found in found_there if _on_the_way(folder, found.path)]
    problems += [Problem(str(found.path), "untracked-file",
                         f"{_left_out(seeds, found)}, or move it out of {shown_name(seeds)}")
                 for found in left_out[seeds] if not _on_the_way(seeds, found.path)
                 and _built_from(seeds, found.path, exclude)]
    for found in left_out[dist]:
        path = found.path
        if _on_the_way(dist, path):
            continue
        parts = path.relative_to(dist).parts
        reserved = bool(parts) and parts[0].startswith(RESERVED_PREFIX)
        if reserved and found.ignored:
            continue  # as the README says to keep it out
        if reserved:
            top = work_tree(dist)
            pattern = (Path(os.path.abspath(dist)).relative_to(top) / f"{RESERVED_PREFIX}*"
                       if top is not None else dist / f"{RESERVED_PREFIX}*")
            problems.append(Problem(str(path), "untracked-file", (
                f"corpuskit's own (a build's lock, or what an interrupted build left), "
                f"{_LEFT_OUT}: have Git ignore it (the .gitignore at the top of the work "
                f"tree should hold {pattern.as_posix()})")))
        else:
            # (QA: a dist/NOTES.md was told "a release is committed whole")
            whole = (" (a release is committed whole, its folder and zip)"
                     if parts and named_as_release(parts[0]) else "")
            problems.append(Problem(str(path), "untracked-file", (
                f"{_left_out(dist, found)}{whole}, or move it out of {shown_name(dist)}")))
    named: dict[str, Problem] = {}
    for problem in problems:  # a link on the way to both seeds and dist is named once
        named.setdefault(problem.path, problem)
    return list(named.values())


def _on_the_way(folder: Path, path: Path) -> bool:
    """Whether ``path``, which Git does not track, is the symbolic link ``folder`` is, or
    is under, rather than a file or folder in it."""
    return os.path.islink(path) and (path == folder or not path.is_relative_to(folder))


# Commits, not "the commit": pre-commit runs the hook for 'pre-commit run --all-files'
# too, where no commit is being made, and sets nothing that tells the two apart (PRE_COMMIT
# alone; PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF only for a range of commits) (QA s78).
_COMMITS_LEAVE = "commits, and so clean clones, leave it out"
_LEFT_OUT = f"not tracked by Git: {_COMMITS_LEAVE}, but check reads the work tree"


def _left_out(folder: Path, found: LeftOut) -> str:
    """What is wrong with ``found``, a file or folder of ``folder`` that Git does not
    track, and the first thing to do: add it, and first un-ignore it if Git ignores it
    (QA: an ignored release or seed passed the hook, and a clean clone failed check)."""
    add = f"git add {_real_place(folder, found)}"
    if not found.ignored:
        return f"{_LEFT_OUT}, where it is: {add}"
    lines = "; ".join(found.by) if found.by else "a .gitignore or .git/info/exclude line"
    return (f"ignored by Git ({lines}): {_COMMITS_LEAVE}, but check reads the work "
            f"tree, where it is: un-ignore it (change that line) and {add}")


def _real_place(folder: Path, found: LeftOut) -> str:
    """``it``, or where a symbolic link leads to ``folder``, the path Git knows ``found``
    by (``git add`` refuses a path beyond a link) and why."""
    if found.known_as is None:
        return "it"
    return (f"{shell_word(found.known_as)} (its real path, from the top of the work tree: "
            f"{folder} is, or is under, a symbolic link)")


def _beyond_problem(folder: Path, beyond: Beyond) -> Problem:
    """The problem of ``folder``, a symbolic link (or under one) that leads out of the Git
    work tree it is in (QA: Git refused the path, taken as nothing untracked, and a
    release outside the repository passed the hook)."""
    where = ("in another Git repository" if work_tree(beyond.real) is not None
             else "outside the Git work tree")
    return Problem(str(folder), "untracked-file", (
        f"a symbolic link (or under one) to {beyond.real}, {where} (the work tree is "
        f"{beyond.top}): commits, and so clean clones, hold none of the files check reads "
        "there, at most the link: put the folder itself in the work tree in place of the "
        "link, and git add it"))


def _built_from(seeds: Path, path: Path, exclude: tuple[str, ...]) -> bool:
    """Whether the file or folder ``path`` of ``seeds`` holds what a build reads: not
    skipped (hidden, or matched by ``exclude``), nor in a folder that is, and a folder
    holding something the build's walk considers (:func:`~corpuskit.discover.candidate_paths`:
    a link to a folder too, which it refuses), or a folder it reports instead of walking."""
    if path == seeds:
        return True  # the whole seeds folder untracked
    relative = path.relative_to(seeds).as_posix()
    folder = path.is_dir() and not path.is_symlink()
    if skipped_on_the_way(relative, exclude, folder=folder) is not None:
        return False
    if not folder:
        return True
    reported: list[Problem] = []
    considered = next(candidate_paths(seeds, exclude, under=relative, problems=reported,
                                      ordered=False), None)
    return considered is not None or bool(reported)


def _recorded_content(seeds: Path, config: CorpusConfig, content: str,
                      releases: Sequence[tuple[Version, Path]], release: Path
                      ) -> list[Problem]:
    """The problem of a ``content_hash`` in corpus.toml that is not the content hash of
    the seeds' release (``release``, equal to their fresh build, which makes ``content``),
    where the seeds record that version as released (its entry in CHANGELOG.md): a build
    of it where it is not in the output folder (a clone) compares the seeds with that
    hash, and would refuse them as changed (QA check 4: check called it current). None
    for the release time and hash of the release before it, kept by a version bumped by
    hand, which build takes as no record of this version either: both of them, as
    releases may share one release time."""
    stated = config.metadata.get("content_hash")
    recorded = config.metadata.get("created")
    if not isinstance(stated, str) or stated == content:
        return []
    try:
        changelog = (read_changelog(seeds) or b"").decode("utf-8")
    except (InputError, UnicodeDecodeError):
        return []  # its problems are said where it is read
    if not has_entry(changelog, config.version):
        return []
    version = Version.parse(config.version)
    before = [path for older, path in releases if older < version]
    if before and recorded is not None and kept_from(descriptor_of(before[-1]),
                                                      str(recorded), stated):
        return []
    return [Problem(str(seeds / CONFIG_NAME), "metadata-mismatch", (
        f"{stated} is not the content hash of release {config.version} ({release}), "
        f"which a fresh build of {shown_name(seeds)} makes as released: {content}. A build of "
        f"{config.version} where it is not in the output folder (a clone) compares the "
        f"seeds with this key, and would refuse them as changed since the release; set it "
        f"back: content_hash = \"{content}\""), "content_hash")]


def _unlisted_releases(seeds: Path, dist: Path, config: CorpusConfig,
                       releases: Sequence[tuple[Version, Path]]) -> list[Problem]:
    """The releases in ``dist`` that ``seeds``' CHANGELOG.md, where there is one, lists no
    entry for (of any form, ``(unreleased)`` too), and that are not of the history of
    these seeds (:func:`_not_of_the_history`): nothing they build to compare with (QA
    check 3: a release built from other seeds between two listed ones passed check; QA s78:
    one older than the oldest entry, or newer than the seeds' version, still did)."""
    try:
        text = read_changelog(seeds)
        listed = versions_in(text.decode("utf-8")) if text is not None else []
    except (InputError, UnicodeDecodeError):
        return []  # its problems are said where the build reads it
    if not listed:
        return []
    versions = [Version.parse(version) for version in listed]
    span = (min(versions), max(versions))
    own = Version.parse(config.version)
    changelog = seeds / CHANGELOG_NAME
    return [Problem(str(path), "unlisted-release", (
        f"a release of {config.name} ({version}) that {changelog} does not list, {why}: it "
        f"was not released from the history of these seeds, and check has nothing of "
        f"theirs to compare it with; move it (its folder and zip) out of {shown_name(dist)}, or, "
        f"if it is a release of this corpus, bring back the history that made it: the "
        f"{CHANGELOG_NAME} of the seeds it was released from lists it (of one made with "
        f"'build' alone, that of the release after it)"))
        for version, path in releases
        if str(version) not in listed and version != own  # (own: being made now)
        and (why := _not_of_the_history(version, path, span, own, releases)) is not None]


def _not_of_the_history(version: Version, path: Path, span: tuple[Version, Version],
                        own: Version, releases: Sequence[tuple[Version, Path]]) -> str | None:
    """Why the release ``path`` of ``version``, which the seeds' CHANGELOG.md (its entries
    from ``span[0]`` to ``span[1]``) does not list, is not of their history; None where it
    may be. A version after the newest entry, before the seeds' own, is one made with
    'build' alone, which the next release lists (or released with an entry the seeds lost,
    which it takes back); one before the oldest entry, of a CHANGELOG.md begun (or trimmed)
    after it, unless its own CHANGELOG.md lists a later version (it was made after that
    one: built from seeds whose history had begun); one newer than the seeds' version, of
    seeds put back from an earlier commit, if the latest release's CHANGELOG.md lists it
    beside the seeds' newest entry, as the release the seeds are behind does, or if it and
    each release after it were made with 'build' alone (:func:`_built_alone_since`) from
    seeds with that entry: no release lists it yet, so nothing tells it from one built from
    a later commit of these seeds (QA s78: the README's pre-release, made with build, was
    called foreign where the seeds came from the commit before it). A release
    whose CHANGELOG.md cannot be read is taken as of the history: what is wrong with it is
    said where it is validated."""
    oldest, latest = span
    try:
        if version > own:
            newest_version, newest = releases[-1]
            history = recorded_changelog(newest, newest_version)
            if has_entry(history, str(latest)) and (
                    has_entry(history, str(version))
                    or _built_alone_since(version, releases)):
                return None
            return (f"newer than the seeds' version ({own}), and the latest release in "
                    f"{newest.parent} ({newest.name}) does not list it beside the seeds' "
                    f"newest entry ({latest}), as a release the seeds are behind would")
        if version < oldest:
            later = [v for v in versions_in(recorded_changelog(path, version))
                     if Version.parse(v) > version]
            if not later:
                return None
            return (f"older than its oldest entry ({oldest}), though the release's own "
                    f"{CHANGELOG_NAME} lists a later version ({later[0]}): it was made "
                    f"after that one, not before the seeds' {CHANGELOG_NAME} was begun or "
                    "trimmed")
    except (OSError, InputError):
        return None
    if version > latest:
        return None
    return f"though it lists versions before and after it ({oldest} and {latest})"


def _built_alone_since(version: Version, releases: Sequence[tuple[Version, Path]]) -> bool:
    """Whether each release in ``releases`` of ``version`` or later was made with 'build'
    alone: its own CHANGELOG.md has no entry for its version (one 'release' writes; the
    next release writes one for each version built alone before it)."""
    return all(not has_entry(recorded_changelog(path, found), str(found))
               for found, path in releases if found >= version)
