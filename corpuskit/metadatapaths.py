"""Paths inside the package that the metadata names: each must be a file the package holds.

A license, source or contributor of ``corpus.toml`` (and so of ``datapackage.json``) may
have a ``path``: a URL, or, as the Data Package profile allows, a path relative to the
package (``LICENSE.txt``). corpuskit writes a fixed set of files, so a relative path that
names none of them is a link to nothing in every copy of the release (datapackage.json,
croissant.json and the data card all carry it): ``build`` refuses it, naming the key, and
``validate`` reports it in a package.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from .config import CONFIG_NAME
from .package import DOCUMENTS_PATH, RAW_PREFIX
from .parquet import PARQUET_PATH
from .problems import Problem, printable

if TYPE_CHECKING:
    from .models import SourceRef

#: The lists of the metadata whose items may have a ``path``.
PATH_LISTS = ("licenses", "sources", "contributors")
#: A URL, as the Data Package profile's pattern tells one (anything else is a path).
_URL = re.compile(r"(?:http|ftp)s?://")


def dangling_paths(metadata: Mapping[str, Any], files: Collection[str]
                   ) -> Iterator[tuple[str, int, str]]:
    """``(list, index, path)`` for each relative ``path`` in ``metadata``'s licenses,
    sources and contributors that is not one of ``files`` (paths in the package)."""
    for name in PATH_LISTS:
        items = metadata.get(name)
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            path = item.get("path") if isinstance(item, Mapping) else None
            if isinstance(path, str) and not _URL.match(path) and path not in files:
                yield name, index, path


def dangling_message(path: str, files: Collection[str]) -> str:
    """What to tell of ``path``, which names no file of the package (``files``)."""
    shown = printable(path)
    hint = (f" (the seeds file {shown} is in the package as {RAW_PREFIX}{shown})"
            if RAW_PREFIX + path in files else "")
    return (f"{shown!r} is a path inside the package, which holds no such file: corpuskit "
            "copies no file there but the documents (under data/raw/); give a URL "
            f"(https://...), or the path of a file the package holds{hint}")


def config_path_problems(metadata: Mapping[str, Any], parquet: bool,
                         sources: Iterable[SourceRef]) -> list[Problem]:
    """The relative paths of a configuration's package ``metadata`` that no file of its
    package would be (the package of the documents ``sources``, with Parquet output or
    not: ``parquet``), as ``config-error`` at their keys: what ``build`` and ``validate
    SEEDS`` report alike."""
    if not any(True for _ in dangling_paths(metadata, ())):
        return []  # no relative path at all: the usual case, with nothing to list
    from .validation.layout import TAG_FILES

    files = {*TAG_FILES, "manifest-sha256.txt", "tagmanifest-sha256.txt", DOCUMENTS_PATH,
             *((PARQUET_PATH,) if parquet else ()),
             *(RAW_PREFIX + ref.path for ref in sources)}
    return [Problem(CONFIG_NAME, "config-error", dangling_message(path, files),
                    f"{name}[{index}].path")
            for name, index, path in dangling_paths(metadata, files)]
