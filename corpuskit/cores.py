"""How many cores this process may use: the default number of workers and threads."""

from __future__ import annotations

import os


def default_jobs() -> int:
    """The cores this process may run on (its CPU affinity), at least one."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


#: The most worker processes a command starts (each is forked before the work is known).
MAX_JOBS = 1024


def checked_jobs(jobs: object) -> int:
    """``jobs`` as given to a library function: None means :func:`default_jobs`; anything
    else must be a whole number from 1 to :data:`MAX_JOBS`."""
    from .errors import ArgumentError

    if jobs is None:
        return default_jobs()
    if not isinstance(jobs, int) or isinstance(jobs, bool):
        raise TypeError(f"jobs must be a whole number of worker processes, not {jobs!r}")
    if not 1 <= jobs <= MAX_JOBS:
        raise ArgumentError(f"jobs must be from 1 to {MAX_JOBS} worker processes, not {jobs}")
    return jobs
