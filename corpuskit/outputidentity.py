"""What, besides the seeds and settings, decides the bytes a build makes of them.

The shard cache keys its entries by it (an entry made under another ftfy or Unicode
database is not taken), and a Dask build requires every worker to have the build's
machine's (:mod:`corpuskit.daskengine`).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from .errors import OutputError

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
    """A digest of the code and data that make corpuskit's output, as this process's
    corpuskit installation holds them when first asked (a worker keeps the code its process
    started with: restart it after updating corpuskit): each of the package's modules
    (:func:`code_files`) and each schema (``*.json``) it reads, by its path in the package
    and its bytes. A Dask worker must have this machine's: its version alone (0.1.0 since
    the first commit) let a worker installed from an older checkout build other records,
    exit 0 (QA: dask 1). The shard cache is keyed by it too
    (:func:`~corpuskit.shardcache.config_fingerprint`), so any change to the code makes
    every cached shard a miss: corpuskit's version did not tell an edited checkout from
    the code that made the entries (QA s96 scale 1). Asked once per process (reading the
    files takes 10 to 25 ms); a build asks before forking its workers, which share it."""
    import hashlib

    digest = hashlib.sha256()
    for name, data in _code_bytes():
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return "sha256:" + digest.hexdigest()[:16]


@cache
def code_files() -> dict[str, str]:
    """Each file :func:`code_identity` is a digest of, by its path in the package, and a
    digest of its bytes: what a refused worker's and this machine's compare by, to name
    the files that differ (QA: dask 4)."""
    import hashlib

    return {name: hashlib.sha256(data).hexdigest()[:16] for name, data in _code_bytes()}


@cache
def _code_bytes() -> tuple[tuple[str, bytes], ...]:
    """The bytes of corpuskit's modules and schemas, by their path in the package, sorted.
    The modules are listed through the import system (importlib.resources), not the
    folder of ``__file__``: imported from a zip (a wheel on PYTHONPATH) that folder does
    not exist, and no module was hashed, so a worker of other code was accepted (QA: dask
    1, new). A file corpuskit's installation holds but cannot read is said to be this
    machine's problem, not the Dask cluster's (QA: dask 5, new)."""
    from importlib import resources

    from .schemacheck import schema_files

    modules = _modules(resources.files("corpuskit"), "")
    if not modules:  # never a digest of no code at all
        raise OutputError("corpuskit's installation lists none of its modules "
                          f"({resources.files('corpuskit')}); reinstall corpuskit")
    # The schemas are read where schema_files finds them: inside an installed package
    # (corpuskit/schemas/) or beside a checkout's; either way under one name, "schemas/".
    found = []
    for name, entry in [*modules, *_schemas(schema_files(), "schemas")]:
        try:
            found.append((name, entry.read_bytes()))
        except OSError as exc:
            raise OutputError(f"cannot read corpuskit's file {name} ({entry}: "
                              f"{exc.strerror or exc}); repair or reinstall corpuskit "
                              "on this machine") from None
    return tuple(found)


def _modules(package: Traversable, name: str) -> list[tuple[str, Traversable]]:
    """The files of ``package`` (a folder or a folder in a zip) and its packages that can
    be modules, by their path (``name...``), sorted: ``<identifier>.py`` in a folder that
    holds ``__init__.py``. Not an Emacs lock (``.#engine.py``, a dangling link: it failed
    the build as the cluster's failure), a hidden or ``__pycache__`` folder, nor a ``.py``
    in a folder no wheel ships, which refused workers installed from that very folder's
    wheel (QA: dask 5 and 4, new); nor the schemas (read by :func:`_schemas`)."""
    found: list[tuple[str, Traversable]] = []
    for entry in package.iterdir():
        if entry.is_dir():
            if (entry.name.isidentifier() and entry.name != "__pycache__"
                    and f"{name}{entry.name}" != "schemas"
                    and entry.joinpath("__init__.py").is_file()):
                found.extend(_modules(entry, f"{name}{entry.name}/"))
        elif (entry.name.endswith(".py") and entry.name[:-3].isidentifier()
              and entry.is_file()):  # is_file: False for a dangling link
            found.append((f"{name}{entry.name}", entry))
    return sorted(found, key=lambda pair: pair[0])


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
