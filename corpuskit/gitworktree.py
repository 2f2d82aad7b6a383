"""The Git work tree a path is in, and what Git's index records of a file there.

corpuskit reads no repository itself; where a message must say what Git did (a link
checked out as a file, line ends converted, a submodule not fetched), it finds the work
tree by walking up for ``.git``, and asks ``git`` (if installed) what its index records,
never more than for the few files already suspected.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

#: How long ``git ls-files`` may take for one file before it is taken to know nothing.
_GIT_SECONDS = 10
#: The mode Git's index records for a symbolic link.
_LINK_MODE = "120000"


def work_tree(path: Path | str) -> Path | None:
    """The top of the Git work tree ``path`` is in (the nearest folder, itself or above,
    holding ``.git``), or None."""
    try:
        absolute = Path(os.path.abspath(path))
        for top in (absolute, *absolute.parents):
            if os.path.lexists(top / ".git"):
                return top
    except (OSError, ValueError):
        pass
    return None


def recorded_as_link(path: Path | str) -> bool:
    """Whether the Git index of the work tree ``path`` is in records it as a symbolic
    link (mode 120000): a file in its place is a link Git checked out as a file holding
    its target (``core.symlinks`` false). False where there is no work tree, no ``git``,
    or it cannot tell."""
    top = work_tree(os.path.dirname(os.path.abspath(path)))
    git = shutil.which("git")
    if top is None or git is None:
        return False
    relative = Path(os.path.abspath(path)).relative_to(top).as_posix()
    try:
        listed = subprocess.run(
            [git, "-C", str(top), "ls-files", "--stage", "-z", "--", f":(literal){relative}"],
            capture_output=True, timeout=_GIT_SECONDS, check=False,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"})
    except (OSError, subprocess.SubprocessError):
        return False
    return listed.returncode == 0 and listed.stdout.startswith(_LINK_MODE.encode() + b" ")


def untracked(path: Path) -> list[Path]:
    """The files and folders under ``path`` (a folder, or ``path`` itself) that the Git
    work tree it is in neither tracks nor ignores (``git ls-files --others
    --exclude-standard``), each as ``path`` joined with its place in it, a folder none of
    whose files is tracked named once (as Git lists it): what a commit leaves out, though
    it is there to read. Empty where there is no work tree, no ``git``, or it cannot tell
    (git is optional: nothing is said then)."""
    top = work_tree(path)
    git = shutil.which("git")
    if top is None or git is None:
        return []
    relative = Path(os.path.abspath(path)).relative_to(top).as_posix()
    try:
        listed = subprocess.run(
            [git, "-C", str(top), "ls-files", "--others", "--exclude-standard", "--directory",
             "--no-empty-directory", "-z", "--", f":(literal){relative}"],
            capture_output=True, timeout=_GIT_SECONDS, check=False,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"})
    except (OSError, subprocess.SubprocessError):
        return []
    if listed.returncode != 0:  # a path beyond a symbolic link, a damaged repository
        return []
    # Git lists them from the top of the work tree, a folder with a trailing slash.
    return [path / os.path.relpath(os.fsdecode(name).rstrip("/"), relative)
            for name in listed.stdout.split(b"\0") if name]
