"""``validate``: prove that a seeds folder, a package folder or a package archive is sound.

One entry point, :func:`validate`, returns a :class:`ValidationReport` and never raises
for bad data: every problem found is in the report. The checks live in one module each:

- :mod:`.report`: the report value, its JSON form and text/GitHub renderings;
- :mod:`.seeds`: a seeds folder, with build's own stages, writing nothing;
- :mod:`.package`: a package folder or archive: the clean pass, then if need be the precise
  check (:mod:`.clean`, :mod:`.precise`), every file read once; :mod:`.view` lists the
  package, :mod:`.reading` holds what every pass shares, :mod:`.recordpass` checks the
  records on worker processes, :mod:`.reproduce` re-derives them (``--reproduce``);
- :mod:`.bagit`: bagit.txt, bag-info.txt and manifest lines;
- :mod:`.descriptor`: datapackage.json and the recorded settings;
- :mod:`.croissant`: croissant.json, its files and what it restates of datapackage.json;
- :mod:`.card`: the data card (README.md), what it restates;
- :mod:`.restated`: what corpuskit writes those two from, rebuilt from datapackage.json and
  the facts measured (:mod:`.jsondiff` compares JSON documents by pointer);
- :mod:`.records`: the records of documents.jsonl, their cross-checks and ``--reproduce``;
- :mod:`.cleanblock`: a block of those records read for the clean pass (msgspec or orjson);
- :mod:`.parquetcheck`: data/documents.parquet, row by row, against those records;
- :mod:`.parquetpages`: its page headers, against the bomb limits, before any row is read;
- :mod:`.archive`: an archive's structure against the reproducible form corpuskit writes;
- :mod:`.seal`: an archive's seal (its zip comment) and its published ``.sha256``.

Archive safety (hostile names, links, bombs, truncation) is in
:class:`corpuskit.zipfiles.zipsource.ZipSource`, which also serves ``diff`` and ``load``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import CONFIG_NAME
from ..cores import checked_jobs
from ..dist import (
    descriptor_of,
    not_a_release_folder,
    not_a_zip_file,
    release_held,
    restore_or_move,
)
from ..errors import FileNamesMisread, InputError, OutOfMemory, OutputError, WorkerDied
from ..foreignpackages import foreign_package
from ..gitlfs import LFS_ADVICE, LFS_FILE_ADVICE, is_lfs_pointer
from ..otherarchives import misplaced_package, other_archive, seeds_in_zip, seeds_zip_advice
from ..package import DOCUMENTS_PATH
from ..packagesource import DESCRIPTOR
from ..pathargs import given_flag, given_text, missing_given, url_given
from ..problems import Problem, ProblemList
from ..reader import (
    PACKAGE_MARKERS,
    descriptor_given,
    folder_kind,
    is_archive_file,
    may_be_archive,
    not_an_archive,
)
from ..regularfiles import unreadable_given
from ..semver import RELEASE_NAME, named_as_release, names_its_release
from ..submodules import unfetched_submodule
from ..systemlimits import MEMORY, exhausted_resource, memory_limit, ran_out, run_jobs
from ..wording import command, counted, shell_word, shown_in
from ..writer import TEMP_PREFIX
from ..zipfiles.archiveseal import published_for
from ..zipfiles.zipsource import DEFAULT_LIMITS, ArchiveLimits, ZipSource
from .descriptor import process_config_from_settings
from .package import check_archive, check_folder
from .pairs import release_pair_problems
from .parquetcheck import ParquetOutOfMemory
from .report import (
    LISTED_RELEASES,
    NAMED_AS_A_RELEASE,
    OTHER,
    REFUSED,
    RELEASE_ZIP,
    SEEDS_STOPPED,
    STOPPED,
    STOPPED_AT,
    UNREADABLE,
    ValidationReport,
    ValidationReports,
    render_github,
    render_github_all,
    render_text,
    sort_problems,
)
from .seal import check_archive_checksums

if TYPE_CHECKING:  # (progress imports click: not for an annotation alone)
    from ..progress import Progress

__all__ = [
    "ValidationReport",
    "ValidationReports",
    "archive_of_sidecar",
    "detect_kind",
    "expand_targets",
    "not_a_release",
    "process_config_from_settings",
    "releases_in",
    "render_github",
    "render_github_all",
    "render_text",
    "validate",
    "validate_all",
]


def detect_kind(path: Path) -> str | None:
    """``seeds``, ``package`` or ``archive`` from what is at ``path``; None if neither."""
    if path.is_dir():
        return folder_kind(path)
    if path.is_file():
        return "archive" if is_archive_file(path) else None
    return None




def misnamed(name: str, release: str | None, suffix: str, folder: Path | None = None
             ) -> list[Problem]:
    """A problem when ``name`` (a package folder's, or an archive's without ``suffix``)
    is that of a release (``<name>-<version>``) other than the ``release`` it holds: a copy
    of 1.0.0 named 2.0.0 passes for what it is not, as does one named ``T-2.0.0`` (a
    corpus's name in a release's name is compared folded to lower case: QA). Its own name
    in other letter case (``T-1.0.0``), and any other name, is the user's. Where
    ``folder`` (the one it is in) holds a file of the right name already, renaming would
    replace it: the advice is then to move this one out."""
    if release is None or names_its_release(name, release) \
            or RELEASE_NAME.match(name) is None:
        return []
    rightly = f"{release}{suffix}"
    if folder is not None and os.path.lexists(folder / rightly):
        advice = (f"{rightly} is beside it already (renaming would replace it): remove this "
                  f"copy, or move it out of {folder}")
    else:
        advice = f"rename it to {rightly}"
    return [Problem(".", "metadata-mismatch",
                    f"named as the release {name}, but it holds {release}; {advice}")]


#: Problems of a package folder's file as a whole: it differs from its manifest's checksum,
#: is missing, is not listed, or is no regular file.
_FILE_WRONG = frozenset({"checksum-mismatch", "missing-file", "unlisted-file", "unsafe-path"})


def _lfs_pointers(target: Path, found: Sequence[Problem]) -> list[str]:
    """The files of the package folder ``target`` that problems (``found``) name and that
    are Git LFS pointers: files a checkout without Git LFS left as pointers. A file no
    manifest lists, or a link, is never one (QA: an extra file shaped as a pointer, or a
    link out of the package to one, was taken for one)."""
    unlisted = {problem.path for problem in found if problem.code == "unlisted-file"}
    return sorted({problem.path for problem in found
                   if problem.path not in unlisted
                   and not os.path.islink(target / problem.path)
                   and is_lfs_pointer(target / problem.path)})


def _files_wrong(found: Sequence[Problem]) -> set[str]:
    """The files of a package folder that are wrong as a whole among ``found``."""
    return {problem.path for problem in found
            if problem.code in _FILE_WRONG and not problem.location}


def _folder_release(folder: Path) -> str | None:
    """``<name>-<version>`` from a package folder's datapackage.json, or None (a descriptor
    that cannot say is reported by the checks)."""
    return release_held(descriptor_of(folder))  # a pipe there is refused, never waited on


def _special_given(target: Path) -> str | None:
    """What a target that is no file or folder is (a pipe, socket or device: never opened,
    as a read of a pipe waits for ever), or None (QA: ``validate x.zip`` of a pipe was told
    it had no corpus.toml)."""
    try:
        mode = target.stat().st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    what = ("a pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device")
    return (f"{what}, not a package folder, package archive or seeds folder; never read "
            "(give the path of a file or folder)")


def _given_kind(target: Path) -> str:
    """What a target this user may not read is, as far as can be told: a folder that can
    be entered by the files in it (:func:`~corpuskit.reader.folder_kind`: seeds hold a
    corpus.toml), one that can be listed only by their names; a file an archive, but a
    corpus.toml its seeds folder's. Where nothing in it can be seen (chmod 000), or it is
    inside a folder that cannot be entered, a package folder by its name, that of a
    release (``<name>-<version>``, as build names it: QA, an unreadable seeds folder was
    called a package). Any other is :data:`UNREADABLE`: a seeds folder is named as its
    user likes, and so is a folder of releases (QA: ``validate dist`` of a dist/ that
    could not be read called it seeds), which one listed holds no file of either."""
    if os.path.isdir(target):
        kind = folder_kind(target) or _listed_kind(target)
        if kind is not None:
            return kind
    elif target.name == CONFIG_NAME:
        return "seeds"
    elif os.path.isfile(target) or target.suffix.lower() == ".zip":
        return "archive"
    return "package" if RELEASE_NAME.match(target.name) else UNREADABLE


def _listed_kind(folder: Path) -> str | None:
    """``seeds`` or ``package`` by the names a folder that can be listed, not entered,
    holds (as :func:`~corpuskit.reader.folder_kind` tells, no file opened); None if it
    cannot be listed or holds neither's."""
    try:
        names = set(os.listdir(folder))
    except OSError:
        return None
    markers = names.intersection(PACKAGE_MARKERS)
    if CONFIG_NAME in names and len(markers) <= 1:
        return "seeds"
    return "package" if markers else None


#: How many of the releases a folder that cannot be entered lists are named.
_NAMES_SHOWN = 4


def _listed_releases(folder: Path) -> list[str]:
    """The releases a folder that can be listed, not entered (chmod 600), holds by the
    names it lists, sorted: ``<name>-<version>/`` folders (as the listing tells its
    entries' types, nothing opened) and ``<name>-<version>.zip``. Empty if it cannot be
    listed, a listing does not tell its entries' types, or it holds no release."""
    try:
        with os.scandir(folder) as entries:
            found = [entry.name + "/" if entry.is_dir(follow_symlinks=False) else entry.name
                     for entry in entries if not entry.name.startswith(".")]
    except OSError:  # not listed, or a type to be found by a stat it may not make
        return []
    return sorted((name for name in found
                   if (name.endswith("/") and RELEASE_NAME.match(name[:-1]))
                   or (name.lower().endswith(".zip") and RELEASE_NAME.match(name[:-4]))),
                  key=lambda name: name.removesuffix("/"))  # a folder before its zip


def _held(releases: list[Path]) -> str:
    """``2 releases, 4 folders and zips``: a release being its folder and its zip, counted
    once (QA: "4 releases" said of two, where load and export said "the latest of 2")."""
    names = {path.name[:-len(".zip")] if path.suffix.lower() == ".zip" else path.name
             for path in releases}
    counted_names = counted(len(names), "release")
    return counted_names if len(names) == len(releases) else \
        f"{counted_names}, {len(releases)} folders and zips"


def releases_in(folder: Path) -> list[Path]:
    """The releases a folder of releases (like ``dist/``) holds, sorted: its
    ``<name>-<version>/`` package folders and ``.zip`` archives. A folder named as a release
    that is no package (its datapackage.json lost), and anything named ``.zip`` that is no
    zip file (a folder, a pipe, a symbolic link), are among them too, so that validate
    reports them (``not-a-package``: see :func:`not_a_release`) rather than passing over
    them, or following a link that ``check`` refuses. Empty for any other path, and for a
    package or seeds folder itself."""
    if not os.path.isdir(folder) or unreadable_given(folder) is not None \
            or detect_kind(folder) is not None:
        return []
    return sorted(child for child in folder.iterdir()
                  if not child.name.startswith(".")
                  and (child.suffix.lower() == ".zip"
                       # (a regular file named alike is kept beside the releases:
                       # t-corpus-1.0.0-SHA256SUMS, QA)
                       or (RELEASE_NAME.match(child.name) is not None
                           and not child.is_file())
                       or (child.is_dir() and detect_kind(child) == "package")))


def not_a_release(path: Path) -> str | None:
    """Why ``path``, a ``.zip`` found in a folder of releases, is no release zip to read,
    or None: a symbolic link is never followed, and a folder, pipe or device is never
    opened, as ``check`` refuses them (a release's zip is a file of its own). A release
    folder reached through a link is read, as ``check`` compares it; what stands in a
    release folder's place (a file, a symbolic link to nothing or to itself, a pipe) is no
    release, as ``check`` and ``release`` say (QA: passed over, validate dist was valid)."""
    if path.suffix.lower() == ".zip":
        return not_a_zip_file(path)
    in_its_place = not_a_release_folder(path)
    if in_its_place is None:
        return None
    return f"{in_its_place}: {restore_or_move(path, path.parent)}"


def expand_targets(paths: list[Path]) -> list[Path]:
    """Each path, except that a folder of releases stands for every release in it
    (:func:`releases_in`). A folder that is neither a package, a seeds folder nor a folder
    of releases is kept (validate then reports it as ``not-a-package``)."""
    return [path for path, _ in _expanded(paths)]


def archive_of_sidecar(path: Path) -> Path | None:
    """The archive whose published checksum ``path`` is (``<archive>.sha256``, a file
    beside a package archive), or None: validating the archive checks that file too (see
    :func:`~corpuskit.validation.seal.check_archive_checksums`)."""
    name = published_for(path.name)
    if name is None or not os.path.lexists(path):
        return None  # (one that is no file, a folder say, is the archive's problem)
    archive = path.with_name(name)
    return archive if archive.is_file() and is_archive_file(archive) else None


def _empty_given(target: Path) -> str | None:
    """Why ``target``, a folder holding nothing but hidden entries (a ``.gitkeep``, a
    build's lock), is refused: empty, whatever it was meant to hold; None for any other.
    (QA: an empty ``dist/`` was told to write its corpus.toml, as a folder of texts is.)"""
    if named_as_release(target.name):  # an emptied release folder: damaged, not new
        return None
    try:
        names = os.listdir(target) if target.is_dir() else None
    except OSError:
        return None
    if names is None or not all(name.startswith(".") for name in names):
        return None
    submodule = unfetched_submodule(target)  # (QA: told to put the texts there)
    if submodule is not None:
        return f"{submodule}; nothing checked"
    left = sorted(name for name in names if name.startswith(TEMP_PREFIX))
    if left:  # (QA: it was only "an empty folder", the build's leftover unsaid)
        return (f"no release yet: it holds only what an interrupted build left ({left[0]}"
                f"{', ...' if len(left) > 1 else ''}), which the next build into it removes: "
                "build into it again ('corpuskit build --out "
                f"{shell_word(str(target))}'), then check it")
    return ("an empty folder (nothing but hidden files), so nothing to check: for a folder "
            "of releases, build into it first ('corpuskit build --out "
            f"{shell_word(str(target))}'); for seeds, put the texts here with a corpus.toml "
            "(README: The seeds folder and corpus.toml)")


def _other_archive_given(path: Path) -> str | None:
    """What to tell of ``path`` if it is an archive of another format (a ``.tar.gz``: QA,
    it was told to write a corpus.toml), else None."""
    other = other_archive(path) if path.is_file() else None
    return None if other is None else other.advice(path)


def _config_given(path: Path) -> str | None:
    """What to tell of ``path`` if it is a seeds folder's corpus.toml, given for its folder
    (QA: it was told "not a seeds folder (no corpus.toml)"), else None."""
    if path.name != CONFIG_NAME or not path.is_file():
        return None
    return (f"a corpus configuration, not a package: give its folder ({path.parent}), "
            "which validate checks as a seeds folder")


def _sidecar_given(path: Path) -> str | None:
    """What to tell of ``path`` if it is named as an archive's published checksum but no
    package archive is beside it (else :func:`archive_of_sidecar` stands in), else None."""
    name = published_for(path.name)
    if name is None or not path.is_file():
        return None
    archive = path.with_name(name)
    missing = "is not beside it" if not os.path.lexists(archive) else "is no package archive"
    return (f"a published checksum (sha256sum format), not a package: it is checked with "
            f"the archive it is for, but {archive.name} {missing}; put the archive beside "
            f"it, or remove it")


def _expanded(paths: list[Path]) -> list[tuple[Path, bool]]:
    """:func:`expand_targets`, each path with whether it was found in a folder of releases
    (rather than named). An archive's published checksum (``<archive>.sha256``) stands for
    the archive, whose check reads it, unless the archive is among the targets already:
    ``corpuskit validate dist/*`` is ``corpuskit validate dist``."""
    expanded: list[tuple[Path, bool] | Path] = []  # a Path: an archive a checksum is for
    for path in paths:
        releases = releases_in(path)
        archive = archive_of_sidecar(path) if not releases else None
        expanded.extend([(release, True) for release in releases]
                        or [archive if archive is not None else (path, False)])
    named = {item[0].absolute() for item in expanded if isinstance(item, tuple)}
    once: list[tuple[Path, bool]] = []
    # A target named twice is checked once (QA), and so is one named beside its folder of
    # releases (QA), unless it is a link: a zip that is a link is refused as a release,
    # followed as a path named, so it is checked as each.
    checked: dict[tuple[Path, bool | None], int] = {}  # each target's place in ``once``
    for item in expanded:
        if isinstance(item, tuple):
            key = (item[0].absolute(), item[1] if _is_link(item[0]) else None)
            if key not in checked:
                checked[key] = len(once)
                once.append(item)
            elif item[1]:  # named, and found in a folder of releases named too: checked as
                # a release of it, wherever it was named (QA: "validate PKG dist" passed a
                # release without its zip that "validate dist" fails)
                once[checked[key]] = (once[checked[key]][0], True)
        elif item.absolute() not in named:
            named.add(item.absolute())
            once.append((item, False))
    return once


def _is_link(path: Path) -> bool:
    """Whether ``path`` is a symbolic link (False where that cannot be told: a folder on
    its way that this user may not enter, whose problem the check of it reports)."""
    try:
        return path.is_symlink()
    except OSError:
        return False


def validate(path: str | PathLike[str], *, reproduce: bool = False, fast: bool = False,
             jobs: int | None = None, limits: ArchiveLimits = DEFAULT_LIMITS,
             progress: Progress | None = None) -> ValidationReport:
    """Check a seeds folder, a package folder or a package archive; report every problem.

    ``fast`` checks sizes, presence and counts only (no file is hashed or parsed beyond the
    small metadata files); ``reproduce`` also re-derives every record from its raw file with
    the package's recorded settings. ``jobs`` worker processes serve large packages, seeds
    folders and ``reproduce`` (default: all cores). ``limits`` bound what an archive may
    hold. An archive's seal (its zip comment: the sha256 of every byte before it) is
    checked first, so it is reported even when the archive cannot be parsed; it covers
    changes to the compressed bytes that inflate to the very same contents. Its published
    checksum, ``<archive>.sha256`` beside it (``sha256sum`` format), is verified when
    present. ``fast`` checks only the form of the seal and of the published checksum, not
    their digests. A seeds folder is
    checked as ``corpuskit build`` would build it, with the environment's
    ``SOURCE_DATE_EPOCH`` and the installed pyarrow (for Parquet). A path that is not a
    seeds folder, package or archive gives a ``not-a-package`` problem. Raises
    ``ValueError`` for ``fast`` together with ``reproduce``, and
    :class:`~corpuskit.errors.WorkerDied` if a worker process dies (killed, out of memory)
    and the check cannot finish. ``progress`` is told ``(done, total)``, the records
    ``reproduce`` has re-derived so far and of how many (the count the descriptor records,
    or the records there are where that differs: it ends at ``(n, n)``); nothing else
    tells it, and the report is the same with it or without it.
    """
    shown, reproduce, fast = _checked_arguments(path, reproduce=reproduce, fast=fast,
                                                progress=progress)
    target = Path(shown)
    mode = "fast" if fast else "full"
    jobs = checked_jobs(jobs)
    if reproduce:  # before any worker forks (a seeds folder's check starts its own)
        from ..rightsrules import start_run

        start_run()
    denied = unreadable_given(target)
    if denied is not None:  # its permissions, not its content: no guess at what it holds
        return _unreadable_report(target, shown, denied, mode=mode, reproduce=reproduce)
    kind = detect_kind(target)
    if kind is None:
        archive = archive_of_sidecar(target)
        if archive is not None:  # as validate_all checks it (QA: "is no package archive")
            return validate(archive, reproduce=reproduce, fast=fast, jobs=jobs,
                            limits=limits, progress=progress)
        return _not_a_package_report(shown, _neither_kind(target, shown), mode=mode,
                                     reproduce=reproduce)
    refused = _not_ours(target, kind)
    if refused is not None:
        return _not_a_package_report(shown, refused, mode=mode, reproduce=reproduce)
    found = _Findings(kind)
    raised: Exception | None = None
    try:
        _check_target(found, target, shown, fast=fast, reproduce=reproduce, jobs=jobs,
                      limits=limits, progress=_carrying(progress))
    except _ProgressRaised as carried:
        raised = carried.raised
    if raised is not None:  # raised here, out of the handler: no chain to the carrier
        raise raised
    return _report_of(found, target, shown, mode=mode, reproduce=reproduce)


class _ProgressRaised(Exception):
    """What the caller's ``progress`` raised, carried out of the checks untouched: a
    failure of the caller's code, not of corpuskit or the package."""

    def __init__(self, raised: Exception) -> None:
        super().__init__(raised)
        self.raised = raised


def _carrying(progress: Progress | None) -> Progress | None:
    """``progress`` with what it raises carried in a :class:`_ProgressRaised`, which the
    checks' last guard lets through (QA s95: a callback's RuntimeError was a package's
    ``internal-error``, "please report this as a bug", where build and diff raise it)."""
    if progress is None:
        return None
    told = progress

    def carried(done: int, total: int) -> None:
        try:
            told(done, total)
        except Exception as exc:
            raise _ProgressRaised(exc) from exc

    return carried


def _checked_arguments(path: str | PathLike[str], *, reproduce: bool, fast: bool,
                       progress: Progress | None) -> tuple[str, bool, bool]:
    """:func:`validate`'s path as given, and its ``reproduce`` and ``fast``; raises
    ``ValueError`` or ``TypeError`` for what it cannot check with."""
    shown = given_text(path, "path")
    reproduce, fast = given_flag(reproduce, "reproduce"), given_flag(fast, "fast")
    if shown == "":  # Path("") is "." (QA: checked the working folder)
        raise ValueError("an empty path names no file or folder: give the package, archive "
                         "or seeds folder to check ('.' for the working folder)")
    if fast and reproduce:
        raise ValueError("fast and reproduce exclude each other: fast checks sizes and "
                         "counts only, reproduce re-derives every record; ask for one")
    if progress is not None and not callable(progress):  # as build refuses it, not as a bug
        raise TypeError(f"progress must be called with the records done and their count, "
                        f"or be None; {progress!r} cannot be called")
    return shown, reproduce, fast


def _unreadable_report(target: Path, shown: str, denied: Problem, *, mode: str,
                       reproduce: bool) -> ValidationReport:
    """The report of a target this user may not read (``denied``: why), of the kind it
    seems to be (:func:`_given_kind`)."""
    given = _given_kind(target)
    listed = _listed_releases(target) if given == UNREADABLE else []
    # A folder of releases listed, not entered (chmod 600): its names tell (QA).
    told = (f"; {LISTED_RELEASES} ({counted(len(listed), 'release')}: "
            + ", ".join(listed[:_NAMES_SHOWN])
            + (", ..." if len(listed) > _NAMES_SHOWN else "") + "), none of them checked"
            if listed else "")
    return ValidationReport(shown, given,
                            (Problem(".", denied.code, denied.message + told),),
                            mode=mode, reproduce=reproduce)


def _not_a_package_report(shown: str, reason: str, *, mode: str, reproduce: bool
                          ) -> ValidationReport:
    """The report of a target that is no seeds folder, package or archive to check
    (``reason``: what it is, and what to do)."""
    # Named for none of the kinds it is not (QA: a text file's report said "archive",
    # an empty folder's "package", beside "not a seeds folder, package or archive").
    return ValidationReport(shown, OTHER, (Problem(".", "not-a-package", reason),),
                            mode=mode, reproduce=reproduce)


def _not_ours(target: Path, kind: str) -> str | None:
    """Why ``target``, a package or archive by its files (``kind``), is none of
    corpuskit's to check (another tool's package, a ``.zip`` that is no zip), or None."""
    foreign = foreign_package(target) if kind in ("package", "archive") else None
    if foreign is not None:  # one problem, not each file and key of ours it lacks (QA)
        return foreign
    if kind == "archive" and not may_be_archive(target) and not is_lfs_pointer(target):
        # Named .zip but no zip at all (a web page a download saved): no archive, damaged
        # or not, as load, info, export and diff say (QA consumer 1: archive-error and a
        # seal "changed or appended", to restore from version control)
        return not_an_archive(target)
    return None


def _neither_kind(target: Path, shown: str) -> str:
    """What ``target``, no seeds folder, package or archive by its files, is instead (a
    URL, nothing, a descriptor, a published checksum, a corpus.toml, a folder of releases,
    a pipe, an empty folder, another archive), and what to do."""
    releases = releases_in(target)
    return (url_given(shown) or missing_given(shown) if not target.exists() else
            descriptor_given(target) or _sidecar_given(target) or _config_given(target) or
            (f"a folder of releases ({_held(releases)}), not one package: "
             f"corpuskit.validate_all([{shown!r}]) checks every release in it, as "
             f"'corpuskit validate {shown}' does" if releases else None) or
            _special_given(target) or _empty_given(target) or
            _other_archive_given(target) or
            "not a seeds folder (no corpus.toml), a package folder (no datapackage.json "
            "or bagit.txt) nor a .zip package archive; give one of those, or, to "
            "package a folder of texts, write its corpus.toml (README: The seeds "
            "folder and corpus.toml)")


@dataclass
class _Findings:
    """What the check of a seeds folder, package or archive has found so far: each step
    adds to it, and what a step found is kept where a later one stops the check."""

    kind: str
    problems: ProblemList = field(default_factory=ProblemList)
    files: int = 0
    bytes: int = 0
    documents: int = 0
    skipped: tuple[tuple[str, str], ...] = ()
    notes: tuple[tuple[str, str], ...] = ()
    not_checked: list[tuple[str, str]] = field(default_factory=list)
    stopped_by: tuple[str, ...] = ()  # the codes of the problems that stopped checking


def _check_target(found: _Findings, target: Path, shown: str, *, fast: bool,
                  reproduce: bool, jobs: int, limits: ArchiveLimits,
                  progress: Progress | None) -> None:
    """Check ``target`` as what ``found.kind`` says it is, into ``found``: a check that
    stops (a problem that ends it, a bug) is a problem of the report; a run that fails
    (a worker died, no memory or other resource left, an output error) raises."""
    try:
        if found.kind == "seeds":
            _check_seeds(found, target, shown, jobs=jobs)
        elif found.kind == "package":
            _check_package_folder(found, target, fast=fast, reproduce=reproduce, jobs=jobs,
                                  progress=progress)
        else:
            _check_package_archive(found, target, fast=fast, reproduce=reproduce, jobs=jobs,
                                   limits=limits, progress=progress)
    except (WorkerDied, FileNamesMisread, OutputError):  # the run failed, not the package
        raise  # (OutputError: no room for the language model --reproduce decodes, QA)
    except _ProgressRaised:  # the caller's progress failed, not the check
        raise
    except InputError as error:  # checking stopped (a rights pattern that runs without end)
        found.problems.extend(error.problems)
        found.not_checked = [(STOPPED_AT, STOPPED)]
        found.stopped_by = tuple(p.code for p in error.problems)
    except ParquetOutOfMemory as error:  # not a record-mismatch (QA: a sound package failed)
        raise ran_out(MEMORY, f"while checking {shown}, which was neither found valid nor "
                      "invalid", str(error), jobs=run_jobs()) from None
    except MemoryError:  # the run failed, not the package (QA: "please report this bug")
        limit = memory_limit()  # (QA s96: a limit of 150 MB was blamed on record lines of
        raise OutOfMemory(      # 20 KB, and its ulimit -v not named)
            f"ran out of memory{limit} while checking {shown}, which was neither found "
            "valid nor invalid: give the process more memory"
            + (" (raise ulimit -v)" if limit else "")
            # (QA: a check with -j 1 was told to check with --jobs 1)
            # (QA s83: export and load(), which take no --jobs, were told to use it)
            + (", or check with --jobs 1 (one worker's copy fewer)"
               if (run_jobs() or 1) > 1 else "")
            + ", then validate it again ("
            + ("each document is read whole" if found.kind == "seeds" else
               "each record line of data/documents.jsonl is held whole, a few times over")
            + ", so the memory it needs grows with the largest one too)") from None
    except Exception as exc:  # the last guard: a report, never a traceback, even on a bug
        resource = exhausted_resource(exc)
        if resource is not None:  # the run failed, not the package, as for memory above
            # (QA: "please report this as a bug"); the jobs of the command run, not of this
            # check: export and load() take no --jobs (QA s83)
            raise ran_out(resource, f"while checking {shown}, which was neither found valid "
                          "nor invalid", jobs=run_jobs()) from None
        found.problems.append(Problem(".", "internal-error",
                                      f"corpuskit failed while checking this {found.kind}: "
                                      f"{type(exc).__name__}: {exc}; please report this as a "
                                      "bug"))
        found.not_checked, found.stopped_by = [(STOPPED_AT, STOPPED)], ("internal-error",)


def _check_seeds(found: _Findings, target: Path, shown: str, *, jobs: int) -> None:
    """Check the seeds folder ``target`` as build would build it, into ``found``."""
    from .seeds import validate_seeds  # the build's pipeline: imported only here

    # as the CLI's build would run: with the environment's SOURCE_DATE_EPOCH
    result = validate_seeds(target, jobs=jobs,
                            source_date_epoch=os.environ.get("SOURCE_DATE_EPOCH"))
    found.problems.extend(result.problems)
    found.files, found.bytes, found.documents = result.files, result.bytes, result.documents
    found.skipped = result.skipped
    # as build notes them: of corpus.toml, whose pattern it is (QA: seeds 1)
    found.notes = tuple((shown_in(shown, "package", CONFIG_NAME), note)
                        for note in result.notes)
    if result.stopped:  # no count shown (QA: "0 documents, 0 files; full checks")
        found.not_checked = [(STOPPED_AT, SEEDS_STOPPED)]


def _check_package_folder(found: _Findings, target: Path, *, fast: bool, reproduce: bool,
                          jobs: int, progress: Progress | None) -> None:
    """Check the package folder ``target``, and the release its name says it is, into
    ``found``."""
    outcome = check_folder(target, fast=fast, reproduce=reproduce, jobs=jobs,
                           progress=progress)
    pointers = _lfs_pointers(target, outcome.problems)
    if pointers:  # not fetched: the files, not each of their consequences (QA)
        found.problems.extend(Problem(path, "lfs-pointer", LFS_FILE_ADVICE)
                              for path in pointers)
        others = _files_wrong(outcome.problems) - set(pointers)
        # Any other file changed, missing or added: every problem is said (QA: one
        # pointer-shaped file hid an edited documents.jsonl)
        outcome = replace(outcome, problems=[] if not others else [
            problem for problem in outcome.problems if problem.path not in pointers])
    found.problems.extend(outcome.problems)
    found.files, found.bytes, found.documents = outcome.files, outcome.bytes, \
        outcome.documents
    if DOCUMENTS_PATH in pointers:  # its lines are no records: none were read (QA:
        found.documents = 0  # a pointer's three lines were "3 documents")
    found.not_checked = outcome.not_checked
    found.problems.extend(misnamed(target.resolve().name, _folder_release(target), "",
                                   target.parent if target.name else
                                   target.resolve().parent))


def _check_package_archive(found: _Findings, target: Path, *, fast: bool, reproduce: bool,
                           jobs: int, limits: ArchiveLimits,
                           progress: Progress | None) -> None:
    """Check the package archive ``target`` (its seal and published checksum first), and
    the release its name says it is, into ``found``; an archive of seeds is no package."""
    if is_lfs_pointer(target):  # not fetched: no damage, no seal to speak of (QA)
        found.problems.append(Problem(".", "archive-error", LFS_ADVICE))
        found.not_checked, found.stopped_by = [(STOPPED_AT, REFUSED)], ("archive-error",)
        return
    seal_problems = check_archive_checksums(target, fast=fast)
    found.problems.extend(seal_problems)
    try:
        source = ZipSource(target, strict=False, limits=limits)
    except InputError as error:
        found.problems.extend(Problem(".", p.code, p.message, p.location)
                              for p in error.problems)
        found.not_checked = [(STOPPED_AT, REFUSED)]
        found.stopped_by = tuple(p.code for p in error.problems)
    else:
        with source:
            inside = misplaced_in_zip(source, target)
            if inside is None:
                outcome = check_archive(source, fast=fast, reproduce=reproduce,
                                        jobs=jobs, clean=not seal_problems,
                                        progress=progress)
                found.problems.extend(outcome.problems)
                found.files, found.bytes, found.documents = outcome.files, outcome.bytes, \
                    outcome.documents
                found.not_checked = outcome.not_checked
        if inside is not None:  # one problem, not each of its consequences
            found.problems = ProblemList()
            found.problems.append(Problem(".", "archive-error", inside))
            found.not_checked, found.stopped_by = [(STOPPED_AT, REFUSED)], ("archive-error",)
        else:
            found.problems.extend(misnamed(target.name[:-len(target.suffix) or None],
                                           source.name, target.suffix, target.parent))
    zipped = seeds_in_zip(target) if found.problems else None
    if zipped is not None:  # its problems are those of no package (QA: "damaged")
        found.problems = ProblemList()
        found.problems.append(Problem(".", "not-a-package", seeds_zip_advice(target, zipped)))
        found.files = found.bytes = found.documents = 0
        found.not_checked = []
        found.kind = OTHER  # no package archive (QA: its JSON said "archive")


def _report_of(found: _Findings, target: Path, shown: str, *, mode: str,
               reproduce: bool) -> ValidationReport:
    """The report of what the check of ``target`` found."""
    problems = found.problems
    unreadable = tuple(dict.fromkeys(
        problem.path for problem in problems if found.kind == "package"
        and problem.code == "unreadable-file" and problem.path not in ("", ".")
        and unreadable_given(target / problem.path) is not None))
    if found.kind == "seeds":  # checked as build reads them, whatever was asked (QA: "fast")
        mode, reproduce = "full", False
    return ValidationReport(shown, found.kind,
                            sort_problems([*problems, *problems.summaries()]),
                            files=found.files, bytes=found.bytes,
                            documents=found.documents, mode=mode, reproduce=reproduce,
                            skipped=found.skipped, notes=found.notes,
                            not_checked=tuple(found.not_checked),
                            unreadable=tuple(sorted(unreadable)),
                            unlisted=sum(problems.dropped.values()),
                            unlisted_codes=len(problems.dropped), stopped_by=found.stopped_by)


def misplaced_in_zip(source: ZipSource, path: Path) -> str | None:
    """What to tell of the archive ``path`` if it holds a package's files at its root, no
    top folder (zipped from inside the package folder: ``cd pkg && zip -r ../pkg.zip .``),
    or one folder deeper (zipped from the folder of releases), else None (QA: 20 problems,
    "rename it to data.zip" and files there called missing; a problem per file of a
    package one folder deeper). Its names are read only where the archive's top folder
    holds no descriptor, or its root does (:func:`misplaced_package`)."""
    if source.exists(DESCRIPTOR) and (source.entries.find("datapackage.json") < 0
                                      or source.entries.find("bagit.txt") < 0):
        return None
    return misplaced_package(path)


def _refused_release(path: Path, reason: str, *, fast: bool, reproduce: bool
                     ) -> ValidationReport:
    """The report of a release in a folder of releases that is not read (see
    :func:`not_a_release`)."""
    # what it is, as a path named alone would be (QA: a folder named like a release's zip
    # was an "archive", of no archive)
    zipped = path.suffix.lower() == ".zip"
    kind = ("archive" if zipped and _is(path.is_file) else
            "package" if not zipped and _is(path.is_dir) else OTHER)
    return ValidationReport(str(path), kind, (Problem(
        ".", "not-a-package", f"{NAMED_AS_A_RELEASE} {path.parent}, but {reason}"),),
        mode="fast" if fast else "full", reproduce=reproduce)


def _is(test: Callable[[], bool]) -> bool:
    """``test()`` (a path's ``is_file``, ``is_dir``), False where it cannot be told."""
    try:
        return test()
    except OSError:
        return False


def _zip_missing(folder: Path) -> Problem | None:
    """The problem of a release folder found in a folder of releases with no zip beside
    it, or None: a release is its folder and its zip, and ``check``, ``build`` and
    ``release`` call it unfinished (QA: validate called it valid). A zip kept without its
    folder is a release still; a folder given by its own path is checked as a package."""
    archive = folder.with_name(f"{folder.name}.zip")
    if os.path.lexists(archive):
        return None  # (one that is no zip file is reported as such)
    release = _folder_release(folder)
    if release is not None and release != folder.name:
        # A copy, not a release: no build writes its zip (QA: told to run build, which
        # found nothing to do).
        beside = folder.with_name(release)
        its_zip = folder.with_name(f"{release}.zip")
        return Problem(".", "unexpected-file", (
            f"a copy of the release {release}, which is beside it ({beside.name}), with no "
            f"zip of its own: remove the copy, or move it out of {folder.parent}"
            if os.path.lexists(beside) else
            # (QA: told to rename it, then build its zip, which was there)
            f"holds the release {release} under another name, beside that release's zip "
            f"({its_zip.name}): rename it back to {release}"
            if os.path.lexists(its_zip) else
            f"holds the release {release} under another name, with no zip beside it: "
            f"rename it to {release}, then run '{command('build', out=folder.parent)}' "
            "with the seeds it was built from, which writes its zip, or restore the zip "
            "from a published copy"), RELEASE_ZIP)
    return Problem(".", "missing-file",
                   f"the release has no zip beside it ({archive.name} is not in "
                   f"{folder.parent}): a build or release was interrupted after the folder "
                   "was in place, or the zip was removed; run "
                   f"'{command('build', out=folder.parent)}' with the seeds it was built "
                   "from, which writes the zip of a folder they build the same, or restore "
                   "the zip from a published copy; a package unpacked from its zip and kept "
                   "without it is checked alone by its own path: "
                   f"'{command('validate', arguments=(shell_word(str(folder)),))}'",
                   RELEASE_ZIP)


def _case_twins(expanded: list[tuple[Path, bool]]) -> list[tuple[int, Problem]]:
    """A ``name-collision`` problem for each release found in a folder of releases whose
    name differs from that of an earlier one (by name) there only in case, with its index
    in ``expanded``: on macOS or Windows they are one path, and a copy of the folder there
    merges their files. ``build`` refuses to make such a twin and ``check`` names it (QA:
    ``validate dist`` passed both)."""
    first: dict[tuple[Path, str], Path] = {}
    found: list[tuple[int, Problem]] = []
    listed = sorted((path.name, index, path) for index, (path, in_folder) in enumerate(expanded)
                    if in_folder)
    for _, index, path in listed:
        earlier = first.setdefault((path.parent, path.name.lower()), path)
        if earlier is not path:
            found.append((index, Problem(".", "name-collision", (
                f"its name differs from that of {earlier.name}, beside it in {path.parent}, "
                "only in case: on macOS or Windows (file systems that ignore case) they are "
                f"one path, and a copy or clone of {path.parent} there merges their files; "
                "keep one of them, and give the other release a version that differs in "
                "more than case"))))
    return found


def validate_all(paths: Iterable[str | PathLike[str]] | str | PathLike[str], *,
                 reproduce: bool = False, fast: bool = False, jobs: int | None = None,
                 progress: Progress | None = None) -> ValidationReports:
    """What ``corpuskit validate PATH...`` checks: :func:`validate` of each of ``paths``, a
    folder of releases (like ``dist/``) standing for every release in it (see
    :func:`releases_in`); then, for a release folder and its zip that are both among them
    and both valid, a check that they hold the same package (their tag manifests, small
    enough for ``fast`` too): a difference is a problem of the zip's report. ``progress``
    is given to each :func:`validate` in turn: each target's count starts again at 0. Its
    ``as_dict()`` is what ``--format json`` prints when ``several``. Raises ``ValueError``
    when ``paths`` is empty: no report is no verdict (a CI job's glob that matched nothing
    was valid, QA), as the command refuses to run without a path."""
    reproduce, fast = given_flag(reproduce, "reproduce"), given_flag(fast, "fast")
    if isinstance(paths, (str, PathLike)):  # one path, not the characters of one
        paths = [paths]
    elif isinstance(paths, (bytes, bytearray)):  # (QA: its bytes taken for paths)
        raise TypeError(f"paths must be a path (str or os.PathLike) or an iterable of them, "
                        f"not {type(paths).__name__}: decode it, or give a pathlib.Path")
    if not isinstance(paths, Iterable):  # (QA: None, 3: "'int' object is not iterable")
        raise TypeError(f"paths must be a path (str or os.PathLike) or an iterable of them, "
                        f"not {type(paths).__name__}")
    typed = [given_text(path, "each of paths") for path in paths]
    if not typed:
        raise ValueError("validate_all was given no path, and nothing checked is not valid: "
                         "give it the packages, archives, seeds or folders of releases to "
                         "check")
    given = [Path(path) for path in typed]
    # A path named is reported as given ("./seeds", "seeds/"), as validate() reports it.
    as_given: dict[Path, str] = {}
    for path, text in zip(given, typed, strict=True):
        as_given.setdefault(path, text)  # named twice: once, as first given
    expanded = _expanded(given)
    targets = [path for path, _ in expanded]
    reports = [_refused_release(path, reason, fast=fast, reproduce=reproduce)
               if listed and (reason := not_a_release(path)) is not None
               else validate(path if listed else as_given.get(path, path), fast=fast,
                             reproduce=reproduce, jobs=jobs, progress=progress)
               for path, listed in expanded]
    valid_folders = {path.resolve(): path for path, report in zip(targets, reports,
                                                                  strict=True)
                     if report.kind == "package" and report.valid}
    for index, ((path, listed), report) in enumerate(zip(expanded, reports, strict=True)):
        if listed and report.kind == "package" and all(
                problem.code != "not-a-package" for problem in report.problems):
            missing = _zip_missing(path)
            if missing is not None:
                reports[index] = replace(report, problems=sort_problems(
                    [*report.problems, missing]))
    for index, twin in _case_twins(expanded):
        reports[index] = replace(reports[index], problems=sort_problems(
            [*reports[index].problems, twin]))
    for index, (path, report) in enumerate(zip(targets, reports, strict=True)):
        folder = valid_folders.get(path.resolve().with_suffix("")) \
            if report.kind == "archive" and report.valid else None
        if folder is not None:
            found = release_pair_problems(folder, path)
            if found:
                reports[index] = replace(report, problems=sort_problems(
                    [*report.problems, *found]))
    # several targets, or a folder of releases (even of one): the collection form
    return ValidationReports(tuple(reports),
                             several=len(given) != 1 or any(listed for _, listed in expanded))
