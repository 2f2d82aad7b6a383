"""How many cores this process may use: the default number of workers and threads."""

from __future__ import annotations

import os
import sys


def default_jobs() -> int:
    """The cores this process may run on (its CPU affinity), at least one."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


#: The most worker processes a command starts (each is forked before the work is known).
MAX_JOBS = 1024


def may_start_processes() -> bool:
    """Whether this process may start worker processes: not where it is a daemonic one
    (the worker of a ``multiprocessing.Pool``, a Dask nanny's worker), whose children
    multiprocessing refuses ("daemonic processes are not allowed to have children": QA,
    ``validate()`` of a package with Parquet in a Pool's worker reported an internal
    error). multiprocessing is not imported for it: a process that has not imported it
    is no multiprocessing worker."""
    multiprocessing = sys.modules.get("multiprocessing")
    return multiprocessing is None or not multiprocessing.current_process().daemon


def checked_jobs(jobs: object) -> int:
    """``jobs`` as given to a library function: None means :func:`default_jobs`; anything
    else must be a whole number from 1 to :data:`MAX_JOBS`. One, whatever was asked,
    where this process may start none (:func:`may_start_processes`): the work is done
    in it."""
    from .errors import ArgumentError

    if jobs is None:
        jobs = default_jobs()
    elif not isinstance(jobs, int) or isinstance(jobs, bool):
        raise TypeError(f"jobs must be a whole number of worker processes, not {jobs!r}")
    elif not 1 <= jobs <= MAX_JOBS:
        raise ArgumentError(f"jobs must be from 1 to {MAX_JOBS} worker processes, not {jobs}")
    return jobs if jobs == 1 or may_start_processes() else 1
