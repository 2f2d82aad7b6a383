"""How many cores this process may use: the default number of workers and threads."""

from __future__ import annotations

import os


def default_jobs() -> int:
    """The cores this process may run on (its CPU affinity), at least one."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)
