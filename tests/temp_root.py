"""Where the tests' temporary folders go: a tmpfs when the machine has one with room.

The suite writes and removes tens of thousands of small files. On ext4, creating a file
costs more the more inodes were freed in the minutes before (the allocator passes over
them: ``recently_deleted``, ``find_inode_bit``), and a test run frees its own and, at its
start, the oldest run's kept folders. Measured on the 2-core machine it is developed on,
four of the slowest test files (two workers): 78 s and 111 s of wall time with 59 s and
112 s of system CPU in /tmp (ext4), 68 s and 80 s with 24 s and 28 s in /dev/shm (tmpfs),
alternated; in the whole suite, ext4's inode allocation was a fifth of all CPU samples.

So, unless the run says where (``--basetemp``, or ``PYTEST_DEBUG_TEMPROOT``, pytest's own
variable), the temporary folders go to ``/dev/shm`` when the system's temporary folder
is not a tmpfs already, ``/dev/shm`` is one, and both it and the machine's available
memory have :data:`ROOM_BYTES` to spare. Elsewhere (a container's 64 MB ``/dev/shm``, a
small machine) nothing changes. The folders of passed tests are removed as they pass
(``tmp_path_retention_policy = "failed"`` in pyproject.toml), so the run holds little at
once.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

#: pytest's variable for the folder its temporary folders go under.
TEMP_ROOT_VARIABLE = "PYTEST_DEBUG_TEMPROOT"
#: The tmpfs tried.
SHARED_MEMORY = Path("/dev/shm")
#: Bytes the tmpfs and the machine's available memory must each have free.
ROOM_BYTES = 4 << 30


def mount_types(mounts: Path = Path("/proc/self/mounts")) -> dict[str, str]:
    """Each mount point and its file system type (none where the file cannot be read)."""
    try:
        lines = mounts.read_text("utf-8", "replace").splitlines()
    except OSError:
        return {}
    return {fields[1]: fields[2] for fields in map(str.split, lines) if len(fields) > 2}


def _mount_point(path: Path, types: dict[str, str]) -> str | None:
    """The mount point ``path`` is under, of those in ``types``."""
    for folder in (path, *path.parents):
        if str(folder) in types:
            return str(folder)
    return None


def available_memory(meminfo: Path = Path("/proc/meminfo")) -> int:
    """The machine's available memory in bytes (0 if it cannot be told)."""
    try:
        for line in meminfo.read_text("ascii", "replace").splitlines():
            name, _, value = line.partition(":")
            if name == "MemAvailable":
                return int(value.split()[0]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def memory_temp_root(types: dict[str, str], system_temp: Path, shared: Path,
                     memory: int) -> Path | None:
    """``shared`` if the tests' temporary folders should go there (see the module's
    docstring), else None."""
    system_mount = _mount_point(system_temp.resolve(), types)
    if system_mount is not None and types[system_mount] == "tmpfs":
        return None  # the system's temporary folder is in memory already
    if types.get(str(shared)) != "tmpfs" or memory < ROOM_BYTES:
        return None
    try:
        room = os.statvfs(shared)
    except OSError:
        return None
    if room.f_bavail * room.f_frsize < ROOM_BYTES or not os.access(shared, os.W_OK | os.X_OK):
        return None
    return shared


def choose_temp_root(given_basetemp: object) -> Path | None:
    """Point pytest's temporary folders at a tmpfs (:func:`memory_temp_root`) unless the
    run chose where they go; the folder chosen, if any."""
    if given_basetemp or os.environ.get(TEMP_ROOT_VARIABLE):
        return None
    root = memory_temp_root(mount_types(), Path(tempfile.gettempdir()), SHARED_MEMORY,
                            available_memory())
    if root is not None:
        os.environ[TEMP_ROOT_VARIABLE] = str(root)
    return root
