"""Git submodules a checkout did not fetch: a seeds folder kept as a submodule of the
corpus repository is an empty folder after a clone without ``--recurse-submodules``
(actions/checkout's default, ``submodules: false``). It was told to write a corpus.toml,
or to put the texts there (QA); it is named as the submodule it is, with what to run.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .gitworktree import work_tree

#: The name of the file that lists a repository's submodules, in its work tree's top.
GITMODULES = ".gitmodules"
#: A ``path = ...`` line of it (git-config syntax: keys are case-insensitive, a value
#: may be quoted).
_PATH_LINE = re.compile(r"\s*path\s*=\s*(.*?)\s*(?:[#;].*)?", re.IGNORECASE)
#: The most of a .gitmodules file read: it lists a few paths and URLs.
_MAX_GITMODULES_BYTES = 1 << 20


def _empty(folder: Path) -> bool:
    """Whether ``folder`` is a folder holding nothing but hidden entries, none of them a
    submodule's ``.git``."""
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    return all(name.startswith(".") for name in names) and ".git" not in names


def _submodule_paths(gitmodules: Path) -> set[str]:
    """The paths ``gitmodules`` names as submodules' (relative to its folder, ``/``
    separated, normalized); none if it cannot be read."""
    try:
        with open(gitmodules, "rb") as file:
            text = file.read(_MAX_GITMODULES_BYTES).decode("utf-8", "replace")
    except OSError:
        return set()
    paths = set()
    for line in text.splitlines():
        found = _PATH_LINE.fullmatch(line)
        if found is not None:
            value = found.group(1)
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            paths.add(os.path.normpath(value).replace(os.sep, "/"))
    return paths


def unfetched_submodule(folder: Path) -> str | None:
    """What to tell of ``folder`` if it is empty and the ``.gitmodules`` of the Git work
    tree it is in (the nearest folder above it that holds ``.git``) names it as a
    submodule: not checked out, with what to run; else None."""
    if not _empty(folder):
        return None
    here = Path(os.path.abspath(folder))
    top = work_tree(here.parent)
    if top is None:
        return None
    relative = here.relative_to(top).as_posix()
    if relative not in _submodule_paths(top / GITMODULES):
        return None
    return (f"an empty folder: the Git submodule {relative} (named in {top / GITMODULES}), "
            "which this checkout did not fetch; run 'git submodule update --init' (in GitHub "
            "Actions, check out with 'submodules: true')")
