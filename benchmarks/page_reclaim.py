"""Whether this machine drops files' cached pages that were not read lately (DAMON).

Some virtual machines run the kernel's DAMON with a ``pageout`` scheme: memory not accessed
for a while is reclaimed, file pages of the page cache included, and given back to the
host. On the 2-core machine of 2026-12-07 (twelfth session, docs/performance.md) a scheme
paged out whatever had not been accessed for 60 s, up to 128 MiB a second: 9.5 GB in the
machine's first 40 minutes. A step of the kit that reads files no step touched in that time
(a corpus generated or built minutes before, the build cache of the cold build) reads them
from the disk, and the same step is seconds slower than when they are cached: the first
``corpuskit validate`` of a package five minutes old took 5.96 s, the next two 3.60 and
3.38 s. The kit says so (:func:`described`) beside each step's reads from the disk.

Read from sysfs: DAMON's admin interface (``/sys/kernel/mm/damon/admin``: each running
kdamond's contexts, their aggregation interval, their schemes' action, minimum age and
quota), and the older ``damon_reclaim`` module's parameters. Nothing is written there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: DAMON's sysfs admin interface.
DAMON_ADMIN = Path("/sys/kernel/mm/damon/admin")
#: The parameters of the ``damon_reclaim`` module (the older interface of the same thing).
DAMON_RECLAIM = Path("/sys/module/damon_reclaim/parameters")


@dataclass(frozen=True)
class Pageout:
    """A DAMON scheme that pages out memory not accessed for ``min_age_seconds``, at most
    ``bytes_per_second`` (None: no size quota)."""

    source: str
    min_age_seconds: float
    bytes_per_second: float | None


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None


def _number(path: Path) -> int | None:
    text = _read(path)
    return int(text) if text is not None and text.isdigit() else None


def _numbered(folder: Path) -> list[Path]:
    """The sub-folders of ``folder`` named by a number, in numeric order."""
    try:
        return sorted((p for p in folder.iterdir() if p.name.isdigit()),
                      key=lambda p: int(p.name))
    except OSError:
        return []


def _quota(bytes_: int | None, interval_ms: int | None) -> float | None:
    if not bytes_ or not interval_ms:
        return None
    return bytes_ * 1000 / interval_ms


def admin_pageouts(admin: Path = DAMON_ADMIN) -> list[Pageout]:
    """The ``pageout`` schemes of the kdamonds that are on (DAMON's admin interface)."""
    found = []
    for kdamond in _numbered(admin / "kdamonds"):
        if _read(kdamond / "state") != "on":
            continue
        for context in _numbered(kdamond / "contexts"):
            aggregation_us = _number(context / "monitoring_attrs" / "intervals" / "aggr_us")
            for scheme in _numbered(context / "schemes"):
                if _read(scheme / "action") != "pageout":
                    continue
                age = _number(scheme / "access_pattern" / "age" / "min")
                if age is None or aggregation_us is None:
                    continue
                found.append(Pageout(
                    f"DAMON kdamond {kdamond.name}, scheme {scheme.name}",
                    age * aggregation_us / 1e6,
                    _quota(_number(scheme / "quotas" / "bytes"),
                           _number(scheme / "quotas" / "reset_interval_ms"))))
    return found


def reclaim_module_pageout(parameters: Path = DAMON_RECLAIM) -> list[Pageout]:
    """The ``damon_reclaim`` module's scheme, if it is enabled."""
    if _read(parameters / "enabled") not in ("Y", "1"):
        return []
    min_age_us = _number(parameters / "min_age")
    if min_age_us is None:
        return []
    return [Pageout("DAMON_RECLAIM", min_age_us / 1e6,
                    _quota(_number(parameters / "quota_sz"),
                           _number(parameters / "quota_reset_interval_ms")))]


def pageouts(admin: Path = DAMON_ADMIN, parameters: Path = DAMON_RECLAIM) -> list[Pageout]:
    """Every scheme of this machine that pages out memory not accessed lately."""
    return admin_pageouts(admin) + reclaim_module_pageout(parameters)


def described(found: list[Pageout]) -> str | None:
    """One line saying what the schemes do to the kit's steps, or None if there are none."""
    if not found:
        return None
    parts = []
    for scheme in found:
        rate = ("" if scheme.bytes_per_second is None
                else f", up to {scheme.bytes_per_second / (1 << 20):.0f} MiB/s")
        parts.append(f"{scheme.source}: not accessed for {scheme.min_age_seconds:g} s{rate}")
    return ("note: this machine pages out memory not accessed lately, cached files' pages "
            f"included ({'; '.join(parts)}): a step that reads files no step read in that "
            "time reads them from the disk, and takes longer; 'disk read MB' says how much "
            "each step read")
