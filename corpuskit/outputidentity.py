"""What, besides the seeds and settings, decides the bytes a build makes of them.

The shard cache keys its entries by it (an entry made under another ftfy or Unicode
database is not taken), and a Dask build requires every worker to have the build's
machine's (:mod:`corpuskit.daskengine`).
"""

from __future__ import annotations

from functools import cache


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
