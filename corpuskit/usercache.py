"""The user's cache folder: where ``corpuskit build`` keeps its cache when given no
``--cache``, and where any build looks for the decoded language model
(:mod:`corpuskit.languagemodel`) before decoding it."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import UsageError


def user_cache_dir() -> Path | None:
    """``$XDG_CACHE_HOME/corpuskit``, else ``~/.cache/corpuskit`` (never inside dist/);
    None when neither is set and the user has no home folder (a process run as a user
    id the system does not know, without ``HOME``, as in some containers).

    A relative ``XDG_CACHE_HOME`` is ignored, as the XDG Base Directory Specification
    says ("all paths set in these environment variables must be absolute"): it would put
    the cache wherever a build happens to be run from, a seeds folder or dist/ among them."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base or not os.path.isabs(base):
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError, OSError):  # no HOME, and no entry in passwd
            return None
    return Path(base) / "corpuskit"


def default_cache_dir() -> Path:
    """:func:`user_cache_dir`, the cache of a build given no ``--cache``; a usage error
    where there is none."""
    folder = user_cache_dir()
    if folder is None:
        raise UsageError("no folder for the cache: HOME and XDG_CACHE_HOME are not set, and "
                         "this user has no home folder; pass --cache DIR (or --no-cache)")
    return folder
