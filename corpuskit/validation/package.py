"""Check one package, whether a folder or an archive: the orchestration of every check.

A package, folder or archive, is first checked as a stream (:func:`check_folder`,
:func:`check_archive`, :class:`~corpuskit.validation.clean.CleanChecker`): the raw files are
counted, not listed, and the payload manifest is compared byte for byte with the lines the
records imply, with memory flat in the number of documents. That pass only ever proves a
package clean; at the first thing off it gives up and the precise check
(:func:`check_package`, :mod:`.precise`) runs from the start and names every problem. A
damaged package is read twice; the report is the same.

What a package looks like is :mod:`.view`; the reading state every pass shares,
:mod:`.reading`; the pass over the records, :mod:`.recordpass`; ``--reproduce``,
:mod:`.reproduce` (and, after a clean pass, :mod:`.reproducepass`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..problems import Problem
from ..zipfiles.zipsource import ZipSource
from .clean import CleanChecker
from .fastclean import FastCleanChecker
from .precise import Checker, PackageResult
from .reproducepass import reproduce_clean
from .view import PackageView, archive_view, folder_view

if TYPE_CHECKING:  # (progress imports click: not for an annotation alone)
    from ..progress import Progress


def check_folder(root: Path, *, fast: bool = False, reproduce: bool = False,
                 jobs: int = 1, progress: Progress | None = None) -> PackageResult:
    """Every check of a package folder: :func:`check_package` of its listing.

    A full check first tries :class:`CleanChecker`, which streams the raw files and the
    payload manifest with flat memory (``fast``: :class:`FastCleanChecker`, which reads no
    file but the small ones; ``reproduce``: then :func:`reproduce_clean`, which re-derives
    the records as a stream); if the package
    is not clean, the precise check runs from the start and reports every problem (the
    report is the same either way; only a damaged package pays for both). ``progress`` is
    told the records ``reproduce`` has re-derived, and of how many.
    """
    return _clean_or_precise(lambda: folder_view(root, measure_raw=fast, stream_raw=True),
                             lambda: folder_view(root, measure_raw=fast),
                             fast=fast, reproduce=reproduce, jobs=jobs, progress=progress)


def check_archive(source: ZipSource, *, fast: bool = False, reproduce: bool = False,
                  jobs: int = 1, clean: bool = True, progress: Progress | None = None
                  ) -> PackageResult:
    """Every check of a package archive, as :func:`check_folder` makes them of a folder:
    a full check first tries :class:`CleanChecker`, then, if the archive is not clean,
    runs :func:`check_package`, which names every problem. Without ``clean`` (the caller
    knows the archive damaged: its seal is broken) the precise check runs at once."""
    return _clean_or_precise(lambda: archive_view(source, stream_raw=True),
                             lambda: archive_view(source),
                             fast=fast, reproduce=reproduce, jobs=jobs, expect_clean=clean,
                             progress=progress)


def _clean_or_precise(streamed: Callable[[], PackageView], listed: Callable[[], PackageView],
                      *, fast: bool, reproduce: bool, jobs: int, expect_clean: bool = True,
                      progress: Progress | None = None) -> PackageResult:
    """The clean pass over the ``streamed`` view (a full check, if ``expect_clean``), and
    with ``reproduce`` the records re-derived from it (:mod:`.reproducepass`), else the
    precise check of the ``listed`` one, with the files the clean pass saw change."""
    changed: list[Problem] = []
    if expect_clean:
        view = streamed()
        # --fast has a clean pass of its own: sizes and counts, no file hashed.
        clean = (FastCleanChecker if fast else CleanChecker)(view, fast=fast,
                                                             reproduce=False, jobs=jobs)
        result = clean.check()
        if result is not None and reproduce:  # then the records re-derived, as a stream
            result = reproduce_clean(view, clean.sha256, result, jobs=jobs, progress=progress)
        if result is not None:
            return result
        changed = clean.changed_files()
    result = check_package(listed(), fast=fast, reproduce=reproduce, jobs=jobs,
                           progress=progress)
    result.problems.extend(problem for problem in changed if problem not in result.problems)
    return result


def check_package(view: PackageView, *, fast: bool = False, reproduce: bool = False,
                  jobs: int = 1, progress: Progress | None = None) -> PackageResult:
    """Every check of one package: the precise check (see :mod:`.precise`).

    ``jobs`` > 1 lets large packages be hashed and checked by that many forked worker
    processes (the result is the same as with one). ``progress`` is told the records
    ``reproduce`` has re-derived, and of how many.
    """
    checker = Checker(view, fast=fast, reproduce=reproduce, jobs=jobs, progress=progress)
    try:
        result = checker.run()
    finally:
        checker.close()
    result.files, result.bytes = len(view.files), sum(view.files.values())
    return result

