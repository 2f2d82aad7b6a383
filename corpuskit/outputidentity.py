"""What, besides the seeds and settings, decides the bytes a build makes of them.

The shard cache keys its entries by it (an entry made under another ftfy or Unicode
database is not taken), and a Dask build requires every worker to have the build's
machine's (:mod:`corpuskit.daskengine`).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.abc import Traversable


def output_identity() -> dict[str, str]:
    """What, besides the seeds and settings, decides the bytes a shard's records and
    archive pieces come out as: the versions of corpuskit, of Python (Python 3.13 cannot
    unpickle 3.11's paths), of its Unicode database (NFC, what a space is: a worker of
    Python 3.12 composed a character 3.11 leaves alone, QA), of zlib and ISA-L (their
    deflated bytes), and of the libraries that repair mojibake, tell languages and match
    rights patterns. Every Dask worker must have this machine's. The libraries are looked
    up once per process; corpuskit's version is read each time (a test may set another)."""
    from corpuskit import __version__ as corpuskit_version

    return {"corpuskit": corpuskit_version, **dict(_libraries())}


@cache
def _libraries() -> tuple[tuple[str, str], ...]:
    import sys
    import unicodedata
    import zlib
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": f"{sys.version_info.major}.{sys.version_info.minor}",
             "unicode": unicodedata.unidata_version, "zlib": zlib.ZLIB_RUNTIME_VERSION}
    for package in ("isal", "ftfy", "py3langid", "regex", "charset-normalizer", "orjson"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "absent"
    return tuple(found.items())


@cache
def code_identity() -> str:
    """A digest of the code and data that make corpuskit's output, as this process loaded
    them: each of the package's ``*.py`` files and each schema (``*.json``) it reads, by
    its path in the package and its bytes. A Dask worker must have this machine's: its
    version alone (0.1.0 since the first commit) let a worker installed from an older
    checkout build other records, exit 0 (QA: dask 1). Only the Dask engine asks for it,
    once per process (reading the files took 20 to 50 ms); the shard cache is keyed by
    :data:`~corpuskit.shardcache.CACHE_FORMAT` and :func:`output_identity`, not by this,
    so that an edit elsewhere in the code does not make every cached shard a miss."""
    import hashlib
    from pathlib import Path

    from .schemacheck import schema_files

    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    # The schemas are read where schema_files finds them: inside an installed package
    # (corpuskit/schemas/) or beside a checkout's; either way under one name, "schemas/".
    sources = sorted((path.relative_to(package).as_posix(), path)
                     for path in package.rglob("*.py")
                     if path.relative_to(package).parts[0] != "schemas")
    for name, path in [*sources, *_schemas(schema_files(), "schemas")]:
        data = path.read_bytes()
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return "sha256:" + digest.hexdigest()[:16]


def _schemas(folder: Traversable, name: str) -> list[tuple[str, Traversable]]:
    """The ``*.json`` files in ``folder`` and its folders, by their path (``name/...``),
    sorted."""
    found: list[tuple[str, Traversable]] = []
    for entry in folder.iterdir():
        if entry.is_dir() and entry.name != "__pycache__":
            found.extend(_schemas(entry, f"{name}/{entry.name}"))
        elif entry.name.endswith(".json") and entry.is_file():
            found.append((f"{name}/{entry.name}", entry))
    return sorted(found, key=lambda pair: pair[0])
