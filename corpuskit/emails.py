"""Email addresses of corpus.toml's sources and contributors, held to the check
frictionless makes of a descriptor's.

JSON Schema's ``email`` format, as jsonschema checks it, asks only for an ``@``:
``data@localhost`` or ``jane@example.org `` (a trailing space) passed ``build`` and
``validate``, and ``frictionless validate`` then refused the package they made (QA). The
``validators`` package's check is the one frictionless makes; an address it refuses is
refused here too, so a package corpuskit builds or passes is one frictionless passes.
"""

from __future__ import annotations

from typing import Any

#: The tables of corpus.toml (and of datapackage.json) whose entries may give an email.
EMAIL_TABLES = ("sources", "contributors")


def email_problem(value: str) -> str | None:
    """Why ``value`` is no email address frictionless accepts, or None."""
    import validators  # only where an email is given

    if validators.email(value) is True:
        return None
    stripped = value.strip()
    if stripped != value and validators.email(stripped) is True:
        return f"{value!r} has spaces around the address: write {stripped!r}"
    return (f"{value!r} is not an email address that frictionless and other Data Package "
            "readers accept (a name, '@', and a domain with a dot, such as "
            "name@example.org); write the address in full")


def email_problems(data: Any) -> list[tuple[str, int, str]]:
    """``(table, index, reason)`` for each email of ``data``'s sources and contributors
    (parsed corpus.toml, or a descriptor) that :func:`email_problem` refuses; values that
    are no string are the schema's to report."""
    found = []
    for table in EMAIL_TABLES:
        items = data.get(table) if isinstance(data, dict) else None
        for index, item in enumerate(items if isinstance(items, list) else []):
            value = item.get("email") if isinstance(item, dict) else None
            if isinstance(value, str) and (reason := email_problem(value)) is not None:
                found.append((table, index, reason))
    return found
