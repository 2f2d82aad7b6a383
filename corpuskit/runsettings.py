"""What a build needs beyond its seeds folder's files: the release time and the tools its
corpus.toml asks for.

``SOURCE_DATE_EPOCH`` (the release time of a reproducible build) and the ``pyarrow`` that
``[output] parquet = true`` needs are not in the seeds folder, yet a build refuses a run
without them. :func:`run_problems` is the one check of both: ``build`` reports its
problems with every other problem of the run, and ``validate`` of a seeds folder reports
the same ones, so the two agree on what a build would refuse (QA: validate said "valid
seeds" where build then failed on either).
"""

from __future__ import annotations

import datetime as dt
import os
from importlib.util import find_spec

from .config import CONFIG_NAME, CorpusConfig, beyond_zip_dates
from .errors import InputError
from .parquet import INSTALL_PARQUET, pyarrow_not_loaded
from .problems import Problem

#: The start of SOURCE_DATE_EPOCH's seconds, and the first and last second a release time
#: can be: those a zip's entries can carry, as for corpus.toml's ``created``, which
#: ``release`` writes from it (:func:`corpuskit.config.outside_zip_dates`).
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
EARLIEST_EPOCH = 315532800  # 1980-01-01T00:00:00Z
LATEST_EPOCH = 4354819199  # 2107-12-31T23:59:59Z


def checked_source_date_epoch(value: object) -> str | None:
    """``source_date_epoch`` as a library function takes it: SOURCE_DATE_EPOCH's string,
    whole seconds as an ``int`` (QA: ``1700000000`` ended in an AttributeError), or None;
    anything else is a TypeError. None is the environment's ``SOURCE_DATE_EPOCH`` (None
    where it is unset), as the CLI and ``validate`` of a seeds folder read it, the
    reproducible-builds convention (QA: api 1: library ``check()`` said "current" where
    ``corpuskit check`` said stale in the same environment); ``""``, as an empty variable,
    is no release time, whatever the environment holds."""
    if value is None:
        return os.environ.get("SOURCE_DATE_EPOCH")
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # (a negative one is refused as SOURCE_DATE_EPOCH's would be)
    raise TypeError("source_date_epoch must be whole seconds since 1970, as an int or as "
                    f"SOURCE_DATE_EPOCH's string of digits, or None; not {value!r}")


def parse_source_date_epoch(value: str | None) -> str | None:
    """``SOURCE_DATE_EPOCH`` (whole seconds since 1970) as RFC 3339 UTC, or None if unset."""
    if value is None or value.strip() == "":
        return None
    what_to_do = ("set it to the time of the sources' last change, as `git log -1 "
                  "--format=%ct` gives it, or unset it to use corpus.toml's created")
    if not (value.isascii() and value.isdigit()):  # no sign, no "1_000": as date +%s
        raise InputError([Problem(
            "SOURCE_DATE_EPOCH", "config-error",
            f"must be whole seconds since 1970 (digits only), got {value!r}; {what_to_do}")])
    digits = value.lstrip("0") or "0"  # the length first: int() refuses 4,301 digits
    shown = value if len(value) <= 20 else value[:20] + "..."
    if len(digits) > len(str(LATEST_EPOCH)) or int(digits) > LATEST_EPOCH:
        raise InputError([Problem(
            "SOURCE_DATE_EPOCH", "config-error",
            f"{shown} seconds since 1970 is "
            f"{beyond_zip_dates(later=True, seconds=LATEST_EPOCH)}; {what_to_do}")])
    stamp = (EPOCH + dt.timedelta(seconds=int(digits))).strftime("%Y-%m-%dT%H:%M:%SZ")
    if int(digits) < EARLIEST_EPOCH:  # a created release would write and build refuse
        raise InputError([Problem(
            "SOURCE_DATE_EPOCH", "config-error",
            f"{shown} seconds since 1970 is {stamp}, "
            f"{beyond_zip_dates(later=False, seconds=EARLIEST_EPOCH)}; {what_to_do}")])
    return stamp


def resolve_created(config: CorpusConfig, source_date_epoch: str | None) -> str | None:
    """The release time stamp: SOURCE_DATE_EPOCH if given, else corpus.toml's ``created``."""
    from_env = parse_source_date_epoch(source_date_epoch)
    if from_env is not None:
        return from_env
    created = config.metadata.get("created")
    return str(created) if created else None


def epoch_of(created: str) -> str | None:
    """A release time as corpuskit writes it (RFC 3339 UTC, whole seconds) as
    ``SOURCE_DATE_EPOCH`` gives it (:func:`parse_source_date_epoch` reads it back), or
    None if it is not in that form."""
    try:
        stamp = dt.datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return None
    return str(int((stamp.replace(tzinfo=dt.UTC) - EPOCH).total_seconds()))


def time_recorded_after(config: CorpusConfig, earlier: str | None) -> str | None:
    """corpus.toml's release time (``created``) if it is after ``earlier``, the latest
    release's (None: that release has none), else None: the time a release of the seeds'
    version wrote into corpus.toml before it built, which a version bumped by hand, still
    holding the latest release's time, does not have."""
    recorded = config.metadata.get("created")
    if not isinstance(recorded, str):
        return None
    if earlier is None:
        return recorded
    try:
        later = (dt.datetime.strptime(recorded, "%Y-%m-%dT%H:%M:%SZ")
                 > dt.datetime.strptime(earlier, "%Y-%m-%dT%H:%M:%SZ"))
    except ValueError:
        return None
    return recorded if later else None


def release_time_advice(kept: str | None) -> str:
    """How to build again a release whose descriptor says ``created = kept`` (None: it
    has none) when a build gave it another release time."""
    if kept is None:
        return ("it has none: build with SOURCE_DATE_EPOCH unset and no created in "
                "corpus.toml")
    seconds = epoch_of(kept)
    if seconds is None:
        return ("build with SOURCE_DATE_EPOCH (or corpus.toml's created) set as when it "
                "was built")
    return (f"build with SOURCE_DATE_EPOCH={seconds}, which is {kept} (or with it unset "
            f"and created = \"{kept}\" in corpus.toml)")


#: The problem of ``[output] parquet = true`` where pyarrow is not installed.
NO_PYARROW = Problem(CONFIG_NAME, "config-error",
                     "parquet = true, but pyarrow, which writes Parquet, is not installed: "
                     f"{INSTALL_PARQUET}, or set parquet = false",
                     "output.parquet")


def run_problems(parquet: bool, source_date_epoch: str | None) -> list[Problem]:
    """Why a build with ``source_date_epoch`` of a corpus that asks for Parquet output
    (``parquet``) or not would be refused, whatever its documents: a SOURCE_DATE_EPOCH
    that is no time stamp, Parquet asked for without pyarrow."""
    problems: list[Problem] = []
    try:
        parse_source_date_epoch(source_date_epoch)
    except InputError as error:
        problems.extend(error.problems)
    if parquet and not pyarrow_installed():
        problems.append(NO_PYARROW)
    return problems


def pyarrow_installed() -> bool:
    """Whether pyarrow and its Parquet module can be imported (imported to find out)."""
    if find_spec("pyarrow") is None:
        return False
    try:
        import pyarrow.parquet  # type: ignore[import-untyped,unused-ignore]  # noqa: F401
    except ModuleNotFoundError:
        return False
    except (ImportError, MemoryError, OSError) as error:  # installed, but failed to load:
        raise pyarrow_not_loaded(error) from None  # not "not installed" (QA: ulimit -v)
    return True
