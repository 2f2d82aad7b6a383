"""What processes killed outright left behind: their scratch folders and temporary files.

A process that is killed (``kill -9``, the machine's out-of-memory killer) cannot remove
the scratch entries it made. Each such entry is named ``<prefix><pid>-<random>`` (or, for
a file :func:`corpuskit.writer.replace_file_atomically` writes, ``<prefix><pid>``): the id
of the process that made it tells whether that process is gone, and so whether what it
left may be removed. An entry of a process that still runs is never touched.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import stat
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path

#: What follows the prefix in the name of a scratch folder of :func:`remove_orphans`: the
#: id of the process that made it and the random part :func:`tempfile.mkdtemp` adds.
_ORPHAN_TAIL = re.compile(r"([0-9]+)-[a-z0-9_]{8}")


def remove_orphans(folder: Path, prefix: str, *, files: bool = False) -> None:
    """Remove the scratch folders ``<prefix><pid>-<random>`` in ``folder`` whose process is
    gone: what a process killed outright left (it could not remove them). The folder of
    a process that runs is left alone, and so is any other name. ``files``: regular files
    of that name too (the temporary files of :func:`~corpuskit.writer.replace_file`); never
    a link."""
    for scratch, kind in left_by_gone_processes(folder, prefix, _scratch_pid):
        if stat.S_ISDIR(kind):
            shutil.rmtree(scratch, ignore_errors=True)
        elif files and stat.S_ISREG(kind):
            with suppress(OSError):
                scratch.unlink()


def _scratch_pid(tail: str) -> int | None:
    """The process id in the tail ``<pid>-<random>`` of a scratch name, or None."""
    found = _ORPHAN_TAIL.fullmatch(tail)
    return None if found is None else int(found.group(1))


def left_by_gone_processes(folder: Path, prefix: str, pid_of: Callable[[str], int | None]
                           ) -> Iterator[tuple[Path, int]]:
    """The entries ``<prefix><tail>`` of ``folder`` whose tail names (``pid_of``) a process
    that is gone, each with its mode (not followed); unreadable ones are passed over."""
    try:
        found = list(folder.glob(f"{glob.escape(prefix)}*"))
    except OSError:
        return
    for entry in found:
        pid = pid_of(entry.name[len(prefix):])
        if pid is None or _running(pid):
            continue
        try:
            yield entry, os.lstat(entry).st_mode
        except OSError:
            continue


#: The end of the name of a temporary file of :func:`~corpuskit.writer.replace_file`:
#: ``-<pid>-<random>``.
_REPLACING_TAIL = re.compile(rf"-{_ORPHAN_TAIL.pattern}\Z")


def written_by_a_running_process(name: str, prefix: str) -> bool:
    """Whether the temporary file ``name`` (``<prefix>...``) is one
    :func:`~corpuskit.writer.replace_file` of a process still running is writing (``export
    --out`` into a folder of releases takes no lock: the lock's holder removed the file
    under it, and the export failed, QA)."""
    tail = _REPLACING_TAIL.search(name, len(prefix))
    return tail is not None and _running(int(tail.group(1)))


def _running(pid: int) -> bool:
    """Whether process ``pid`` exists (one of another user's too)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
