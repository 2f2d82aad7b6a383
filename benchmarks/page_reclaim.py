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

The same machine gives the memory it frees back to its host: its virtio balloon offers
free page reporting, and the guest reports free blocks of 2 MiB and more (order 9) a
couple of seconds after they are freed, which the host then drops. Memory written again
after that costs the host's work anew: 256 MiB written into pages freed 0.05 s before took
29-41 ms per 100 MB, into pages freed 6 s before 286-397 ms (2026-12-08, thirteenth
session). An incremental build writes some 527 MB of new files (``data/documents.jsonl``
and the zip), and the steps before it free what they held seconds before it starts: the
kit's ``new_data_write`` probe measures the rate that build meets, and the kit names the
reporting where it finds it (:func:`free_page_reporting`).

Read from sysfs: DAMON's admin interface (``/sys/kernel/mm/damon/admin``: each running
kdamond's contexts, their aggregation interval, their schemes' action, minimum age and
quota), the older ``damon_reclaim`` module's parameters, and the virtio devices' feature
bits with the page reporting module's order. Nothing is written there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: DAMON's sysfs admin interface.
DAMON_ADMIN = Path("/sys/kernel/mm/damon/admin")
#: The parameters of the ``damon_reclaim`` module (the older interface of the same thing).
DAMON_RECLAIM = Path("/sys/module/damon_reclaim/parameters")
#: The virtio devices: each has ``device`` (its type) and ``features`` (one character per
#: feature bit, ``1`` where the driver accepted it).
VIRTIO_DEVICES = Path("/sys/bus/virtio/devices")
#: The page reporting module's parameters (``page_reporting_order``).
PAGE_REPORTING = Path("/sys/module/page_reporting/parameters")
#: The virtio device type of a memory balloon, and its feature bit of free page reporting
#: (VIRTIO_BALLOON_F_REPORTING, in the virtio specification).
BALLOON_DEVICE = 5
BALLOON_F_REPORTING = 5


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


def free_page_reporting(devices: Path = VIRTIO_DEVICES,
                        parameters: Path = PAGE_REPORTING) -> int | None:
    """The order of the free blocks this machine reports to its host (2 ** order pages;
    9 where the module does not say), or None where no virtio balloon reports free pages."""
    try:
        found = sorted(devices.iterdir())
    except OSError:
        return None
    for device in found:
        kind = _read(device / "device")
        features = _read(device / "features") or ""
        try:
            balloon = kind is not None and int(kind, 16) == BALLOON_DEVICE
        except ValueError:
            continue
        if balloon and features[BALLOON_F_REPORTING:BALLOON_F_REPORTING + 1] == "1":
            order = _number(parameters / "page_reporting_order")
            return 9 if order is None else order
    return None


def described_reporting(order: int | None) -> str | None:
    """One line saying what free page reporting does to the kit's steps, or None."""
    if order is None:
        return None
    size = (4096 << order) >> 20
    block = f"{size} MiB" if size else f"{4096 << order >> 10} KiB"
    return ("note: this machine gives the memory it frees back to its host (a virtio balloon's "
            f"free page reporting, of free blocks of {block} and more, seconds after they are "
            "freed): a page written for the first time since costs the host's work again, "
            "several times a copy's; new_data_write measures that rate before each "
            "incremental build, which writes its new files into such pages")
