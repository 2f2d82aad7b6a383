"""Member-name safety: whether a name taken from an archive, a manifest or a descriptor
is safe to use as a path inside a package."""

from __future__ import annotations

import re
from collections.abc import Sequence

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # Unicode category Cc, exactly


def unsafe_member_reason(name: str) -> str | None:
    """Why an archive member name must not be used, or None (``name`` without a final ``/``)."""
    if not name or name[0] in "/\\" or (len(name) > 1 and name[1] == ":"):
        return "absolute path"
    if "\\" in name:
        return "backslash in name"
    if _CONTROL.search(name):
        return "control character in name"
    if (".." in name or "//" in name or name.endswith(("/", "/.")) or name == "."
            or name.startswith("./") or "/./" in name):
        parts = name.split("/")
        if any(part == ".." for part in parts):
            return "'..' in path"
        if any(part in ("", ".") for part in parts):
            return "empty or '.' path component"
    return None


def any_unsafe_member(names: Sequence[str]) -> bool:
    """Whether :func:`unsafe_member_reason` finds any of ``names`` unsafe.

    The names are first looked at joined by ``/``: each thing that makes a name unsafe
    leaves a trace in the joined string (an empty name or a leading or trailing ``/``
    makes ``//`` or starts or ends it with ``/``, a ``.`` component makes ``/./`` or starts
    or ends it so, ...), so a joined string with none of them clears every name with a
    few scans of one string. Anything suspicious is looked at name by name.
    """
    joined = "/".join(names)
    if not joined:
        return bool(names)  # one empty name
    if ":" in joined or "\\" in joined or ".." in joined or "//" in joined \
            or "/./" in joined or joined.startswith(("/", "./")) \
            or joined.endswith(("/", "/.")) or joined == "." or _CONTROL.search(joined):
        return any(map(unsafe_member_reason, names))
    return False
