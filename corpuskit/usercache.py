"""The user's cache folder: where ``corpuskit build`` keeps its cache when given no
``--cache``, and where any build looks for the decoded language model
(:mod:`corpuskit.languageid.languagemodel`) before decoding it."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from .errors import UsageError
from .wording import LINK_LOOP, link_loop_on

#: What to do when the default cache folder cannot be used.
CHOOSE = "set XDG_CACHE_HOME to an absolute path elsewhere, or pass --cache DIR (or --no-cache)"


#: The folder of the cache that holds decoded models (:mod:`corpuskit.languageid.languagemodel`; the
#: shard cache's folders are two hex digits: see shardcache.ShardCache).
MODELS_FOLDER = "models"


def _base() -> tuple[Path | None, str]:
    """The folder the user's cache folder is in, and how it was found (or, with None,
    why there is none)."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg), "$XDG_CACHE_HOME/corpuskit"
    # The XDG Base Directory Specification: "all paths set in these environment variables
    # must be absolute. If an implementation encounters a relative path in any of these
    # variables it should consider the path invalid and ignore it."
    ignored = (f"XDG_CACHE_HOME is {xdg!r}, a relative path, which the XDG Base Directory "
               "Specification says to ignore" if xdg else "XDG_CACHE_HOME is not set")
    if os.environ.get("HOME") == "":  # Path.home() would make it "/"
        return None, f"{ignored}, and HOME is empty"
    try:
        home = Path.home()
    except (RuntimeError, KeyError, OSError):  # no HOME, and no entry in passwd
        return None, f"{ignored}, HOME is not set and this user has no home folder"
    if not home.is_absolute():  # HOME=. : the cache would be wherever a build is run
        return None, f"{ignored}, and HOME is {str(home)!r}, a relative path"
    return home / ".cache", "~/.cache/corpuskit"


def user_cache_dir() -> Path | None:
    """``$XDG_CACHE_HOME/corpuskit``, else ``~/.cache/corpuskit``; None when there is
    neither: XDG_CACHE_HOME unset (or relative: the XDG Base Directory Specification says
    to ignore it, as it would put the cache wherever a build happens to be run from) and
    no home folder (a process run as a user id the system does not know, without
    ``HOME``, as in some containers; or an empty or relative ``HOME``)."""
    base, _ = _base()
    return None if base is None else base / "corpuskit"


def default_cache_dir(seeds: Path | None = None, out: Path | None = None) -> Path:
    """:func:`user_cache_dir`, the cache of a build given no ``--cache``: a usage error
    where there is none, where it is inside the ``seeds`` folder (which a build only
    reads) or the output folder ``out`` (which holds releases only), or where ``out`` is
    inside it (clearing the cache would delete the releases), saying where it came
    from."""
    base, found = _base()
    if base is None:
        raise UsageError(f"no folder for the cache: {found}; {CHOOSE}")
    folder = base / "corpuskit"
    for what, other in (("the seeds folder", seeds), ("the output folder", out)):
        if other is not None and is_inside(folder, other):
            raise UsageError(f"the default cache folder {folder} ({found}) is inside {what} "
                             f"{other}; {CHOOSE}")
    if out is not None and is_inside(out, folder):
        raise UsageError(f"the output folder {out} is inside the default cache folder "
                         f"{folder} ({found}), which may be cleared at any time, and the "
                         "releases with it; put the output folder elsewhere (for example "
                         "dist/ beside seeds/), or pass --cache DIR (or --no-cache)")
    return folder


def model_cache_dir(*away_from: Path | None) -> Path | None:
    """The cache folder a process that builds no shards of its own (``validate
    --reproduce``, ``check``'s throwaway build, ``validate``, ``info`` and ``diff`` of a
    seeds folder: :func:`corpuskit.records.use_the_users_model`) reads py3langid's decoded
    model from, and
    keeps it in when it decodes it: the user's (:func:`user_cache_dir`), where builds with
    the default cache keep it and builds with a ``--cache`` of their own read it. None
    where the user has none, where it is inside one of the folders ``away_from`` (a
    package that validate checks, seeds that check reads: neither is ever written into),
    or where the folder it would be made in (``$XDG_CACHE_HOME``, ``~/.cache``) does not
    exist: the model is decoded then, and kept nowhere (QA: validate --reproduce with HOME
    a folder that did not exist made it, and ``.cache/corpuskit/models`` in it)."""
    cache = user_cache_dir()
    if cache is None or any(folder is not None and is_inside(cache, folder)
                            for folder in away_from):
        return None
    return cache if cache.parent.is_dir() else None


def is_inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or inside it, once both are resolved; False where
    either cannot be resolved, as when its way goes through a symbolic link that leads back
    to itself (``Path.resolve()``'s RuntimeError was a traceback, QA): an output folder so
    is a usage error of the build's (:func:`corpuskit.writer.file_in_the_way`), and a
    default cache folder so is a cache that cannot be written (:func:`cache_problem`)."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):
        return False


def cache_problem(cache: Path) -> str | None:
    """Why a build cannot keep its cache in ``cache`` (made if missing), or None. Such a
    cache only costs time, but every build then reads and processes every document."""
    if os.path.lexists(cache) and not cache.is_dir():
        return "it is a file, not a folder"
    try:
        cache.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".corpuskit-probe-", dir=cache)
        os.close(handle)
        os.unlink(name)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # as --cache so is said (corpuskit.writer.file_in_the_way)
            loop = link_loop_on(cache)
            return f"{loop if loop is not None else 'a folder on its way'} is {LINK_LOOP}"
        return exc.strerror or str(exc)
    return None
