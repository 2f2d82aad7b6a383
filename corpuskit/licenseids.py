"""A license's name in corpus.toml checked against the SPDX License List.

The list is the one :mod:`packaging.licenses` ships and checks Python packages' license
expressions with (PEP 639): SPDX ids matched without regard to case, deprecated ones
still ids, and ``LicenseRef-<name>`` for a license the list does not hold. A name that is
none of them was written into the descriptor, Croissant and the data card as it was
(QA: ``CC0``, ``Apache2``, ``CC-BY-4``), where no reader can tell what it grants.
"""

from __future__ import annotations

import difflib
import re
from functools import cache

from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression

#: How alike a name and an id must be for the id to be offered ("did you mean"), as
#: :func:`difflib.get_close_matches` measures it (``_`` read as ``-``): ``Apache2`` and
#: ``Apache-2.0`` are 0.82, ``CC-BY-4`` and ``CC-BY-3.0`` 0.75.
_ALIKE = 0.8
#: Ids offered at most.
_OFFERED = 3
#: What SPDX's ``LicenseRef-`` ids begin with (matched without regard to case).
_REF = "licenseref-"
#: The tails of GNU licenses' ids that say which versions they grant (SPDX 3.0 on).
_GNU_SUFFIXES = ("-only", "-or-later")
#: The version at the start of an id's tail.
_VERSION = re.compile(r"[0-9]+(?:\.[0-9]+)*")


@cache
def _current_ids() -> dict[str, str]:
    """The list's ids that are not deprecated, by their lower-case form; empty if this
    packaging keeps its list elsewhere (it is not public API): nothing is offered then,
    and names are checked all the same."""
    try:
        from packaging.licenses._spdx import LICENSES
    except ImportError:  # pragma: no cover - a packaging that moved its list
        return {}
    return {key: entry["id"] for key, entry in LICENSES.items() if not entry["deprecated"]}


def _version_key(rest: str) -> tuple[int, ...]:
    """The version an id's tail begins with (``3.0`` of ``3.0-only``), as numbers."""
    found = _VERSION.match(rest)
    return tuple(int(part) for part in found.group().split(".")) if found else ()


def _offered(name: str) -> list[str]:
    """The ids ``name`` may stand for: itself with ``_`` read as ``-``; the versions of
    an id named without one (``CC0``, ``CC-BY``, ``GPL``), newest first (of one version,
    the shortest: ``CC-BY-3.0`` before its ports); else the ids most alike."""
    ids = _current_ids()
    key = name.lower().replace("_", "-")
    if key.startswith(_REF):
        return []
    if key in ids:
        return [ids[key]]
    versions = sorted(((tail[1:], found) for lower, found in ids.items()
                       if lower.startswith(key) and (tail := lower[len(key):])[:1] in "-."
                       and tail[1:2].isdigit()),
                      key=lambda pair: (tuple(-part for part in _version_key(pair[0])),
                                        len(pair[1]), pair[1]))
    if versions:  # one a version (CC-BY-3.0, not its ports), but GNU's -only and -or-later
        seen: set[tuple[int, ...]] = set()
        offered = []
        for tail, found in versions:
            version = _version_key(tail)
            if version not in seen or tail.endswith(_GNU_SUFFIXES):
                seen.add(version)
                offered.append(found)
        return offered[:_OFFERED]
    return [ids[lower] for lower in difflib.get_close_matches(key, list(ids), n=_OFFERED,
                                                              cutoff=_ALIKE)]


def license_name_problem(name: str) -> str | None:
    """Why ``name`` is no SPDX license id (with the ids it may stand for), or None."""
    try:
        canonicalize_license_expression(name)
    except InvalidLicenseExpression:
        pass
    else:
        # One id, not an expression: the schema's pattern allows no space, so no operator.
        return None
    quoted = [repr(found) for found in _offered(name)]
    guess = ("did you mean " + (quoted[0] if len(quoted) == 1 else
                                ", ".join(quoted[:-1]) + " or " + quoted[-1]) + "? A"
             if quoted else "a")
    return (f"{name!r} is not an SPDX license id (https://spdx.org/licenses/): {guess} "
            "license that list does not hold is named 'LicenseRef-' and a name of your own "
            f"(letters, digits, '.' and '-'), such as 'LicenseRef-{_ref_name(name)}', with "
            "its title and path")


def _ref_name(name: str) -> str:
    """``name`` as the part of a ``LicenseRef-`` id after the dash (the schema's pattern
    already holds it to letters, digits, ``.``, ``-`` and ``_``, which SPDX does not
    allow)."""
    if name.lower().startswith(_REF):
        name = name[len(_REF):]
    return name.replace("_", "-").strip("-.") or "Custom"
