"""What a build says of its cache folder when it cannot keep what it would there.

A cache only saves time, so a build goes on without it; but a cache folder that cannot be
written, one of its folders that cannot be, or a file where it keeps a folder would make
every later build do the work again without a word. Each is a note, which says what cannot
be kept there and what later builds then do again, and whether what earlier builds kept
is still read.
"""

from __future__ import annotations

import os
from pathlib import Path

from .listings import FOLDER as LISTINGS_FOLDER
from .seedstate import FOLDER as SEED_STATES_FOLDER
from .shardcache import ShardCache
from .usercache import MODELS_FOLDER
from .wording import shown_name


def cache_notes(cache: Path, unwritable: str | None, *, models: bool) -> list[str]:
    """What to say of a cache folder this build could not write (``unwritable``: why), or
    of the folders in it it could not (a shard folder at 000 stopped caching without a
    word, QA), or of what stands in a folder's place there (``models``: its language
    models' too); each with what later builds do again for it. The notes say what cannot
    be kept, not what this build lost: a build that took everything from the cache lost
    nothing (QA: they said the next build would process the documents again, and it took
    them from the cache). What earlier builds kept is still read where this user may enter
    the folder: entries are read by their names, never listed (a cache folder at 100 was
    said to be read no more, and its entries were, QA)."""
    if unwritable is not None:
        return [f"the cache folder {shown_name(cache)} cannot be written ({unwritable}): nothing "
                "new can be kept there (later builds then do again what a build would keep: "
                "processing the documents that changed, reading the seeds files)"
                + _still_read([cache]) + "; fix it, or pass --cache DIR (or --no-cache)"]
    shard_cache = ShardCache(cache)
    notes = []
    for kind, paths in _by_kind(shard_cache.unwritable_folders(models=models)):
        which, it = _which_of_the_cache("folder", paths)
        notes.append(f"{which} cannot be written by this user: {_not_kept(kind)}"
                     f"{_still_read(paths)}; fix {it}, or pass --cache DIR (or --no-cache)")
    for kind, paths in _by_kind(shard_cache.not_folders(models=models)):
        which, it = _which_of_the_cache("file", paths)
        notes.append(f"{which} {'is' if len(paths) == 1 else 'are'} where the cache keeps a "
                     f"folder: {_not_kept(kind)}; remove {it} (a build makes the folder), or "
                     "pass --cache DIR (or --no-cache)")
    return notes


#: The kinds of folders of the cache, by name (any other: a folder of shards).
_KINDS = {SEED_STATES_FOLDER: "states", LISTINGS_FOLDER: "listings", MODELS_FOLDER: "models"}


def _by_kind(paths: list[Path]) -> list[tuple[str, list[Path]]]:
    """``paths`` of the cache by what the folder there holds: shards, seeds states,
    listings, language models (in that order, those there are)."""
    grouped: dict[str, list[Path]] = {}
    for path in paths:
        grouped.setdefault(_KINDS.get(path.name, "shards"), []).append(path)
    return [(kind, grouped[kind]) for kind in ("shards", "states", "listings", "models")
            if kind in grouped]


def _not_kept(kind: str) -> str:
    """What cannot be kept in a folder of the cache of ``kind``, and what later builds then
    do again (QA: a note said of the listings that the documents would be read and
    processed again; only the folders are listed again)."""
    if kind == "states":
        return ("what a build learns of the seeds files might not be kept there (later "
                "builds then read those files again, though they take the processed "
                "documents from the cache)")
    if kind == "listings":
        return ("the listings of the seeds folders cannot be kept there (later builds then "
                "list those folders again)")
    if kind == "models":
        return ("the decoded language model cannot be kept there (a build that does not "
                "find it kept elsewhere then decodes it again: about half a second)")
    return ("the documents a build processes cannot be kept there (later builds then "
            "process them again)")


def _which_of_the_cache(kind: str, paths: list[Path]) -> tuple[str, str]:
    """How a note names ``paths`` of the cache (``kind``: folder or file), and the pronoun
    for them: ``the folder P of the cache``, ``it``; ``3 folders of the cache (P, Q,
    ...)``, ``them``."""
    if len(paths) == 1:
        return f"the {kind} {paths[0]} of the cache", "it"
    return (f"{len(paths)} {kind}s of the cache (" + ", ".join(map(str, paths[:3]))
            + (", ..." if len(paths) > 3 else "") + ")"), "them"


def _still_read(folders: list[Path]) -> str:
    """``, though what earlier builds kept there is still read`` where this user may enter
    every one of ``folders``, else nothing."""
    if all(os.path.isdir(folder) and os.access(folder, os.X_OK) for folder in folders):
        return ", though what earlier builds kept there is still read"
    return ""
