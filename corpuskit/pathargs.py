"""The paths, flags and named choices the library's functions are given, checked before
anything else is done.

``Path(b"dist")`` fails inside pathlib, five frames down, with a message about str
objects, after ``os.fspath(None)`` has said that bytes are fine (QA): a function of the
library names the argument instead, and what to give.
"""

from __future__ import annotations

import os
import re
import urllib.parse
from collections.abc import Collection
from pathlib import Path

from .errors import ArgumentError, InputError
from .problems import Problem

#: A URL (``https://``, ``file://``, ``s3://``...), which a :class:`Path` would make a
#: local path of another name (``https:/host/x.zip``).
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def given_path(value: object, name: str) -> Path:
    """``value``, the argument ``name`` of a library function, as a :class:`Path`: a
    ``str`` or an ``os.PathLike`` that gives one. Anything else (bytes, None, a number) is
    a :class:`TypeError` naming ``name`` and what to give. An empty path (which
    :class:`Path` reads as the current folder) is a :class:`ValueError`, and a URL that
    names no local file an :class:`~corpuskit.errors.InputError` (``not-a-package``)
    quoting it as given (QA: ``https:/host/x.zip: no such file or folder``)."""
    text = given_text(value, name)
    if not text:  # as validate says it
        raise ValueError(f"{name} is an empty path, which names no file or folder: give "
                         "one ('.' for the working folder)")
    url = url_given(text)
    if url is not None:
        raise InputError([Problem(text, "not-a-package", url)])
    return Path(text)


def given_flag(value: object, name: str) -> bool:
    """``value``, the flag ``name`` of a library function (``verify``, ``fast``,
    ``dry_run``, ...): ``True`` or ``False``, anything else a :class:`TypeError` naming
    ``name`` and the type given. Taken for its truth, ``verify=None`` (an unset environment
    variable) skipped every check unsaid, and ``verify="false"`` was true (QA: library 2)."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, not {type(value).__name__}: "
                        f"{value!r}")
    return value


def given_choice(value: object, name: str, choices: Collection[str], what: str) -> str:
    """``value``, the argument ``name`` of a library function that names one of
    ``choices`` (an export format, a release's bump, an engine): a ``str`` among them.
    Another type is a :class:`TypeError` naming ``name``, as a flag's or a path's is; a
    ``str`` not among them an :class:`~corpuskit.errors.ArgumentError` (a ``ValueError``)
    saying which ``what`` it is not (QA: ``export(pkg, None, out)`` and ``release(...,
    1)`` raised the ValueError "unknown export format None", "unknown bump 1")."""
    listed = ", ".join(choices)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, one of {listed}; not "
                        f"{type(value).__name__}: {value!r}")
    if value not in choices:
        raise ArgumentError(f"unknown {what} {value!r}; choose one of {listed}")
    return value


def given_text(value: object, name: str) -> str:
    """:func:`given_path`'s check, the path kept as given (``seeds/``, whose ``/`` a
    :class:`Path` drops)."""
    try:
        text: str | bytes = os.fspath(value)  # type: ignore[call-overload]
    except TypeError:
        raise TypeError(f"{name} must be a path (a str, or an os.PathLike such as "
                        f"pathlib.Path), not {type(value).__name__}") from None
    if isinstance(text, bytes):
        raise TypeError(f"{name} must be a path as text (a str or pathlib.Path), not "
                        f"{type(value).__name__}: decode it with os.fsdecode, or give a "
                        "pathlib.Path")
    return text


def url_given(text: str) -> str | None:
    """Why ``text`` is no path corpuskit reads, if it is a URL that names no local file;
    else None. A ``file:`` URL of this machine is told the path it names (QA: told to
    download it first)."""
    if not _URL.match(text) or os.path.lexists(text):
        return None
    parts = urllib.parse.urlsplit(text)
    if parts.scheme.lower() == "file" and parts.netloc.lower() in ("", "localhost"):
        from urllib.request import url2pathname  # (slow to import: only here)

        return (f"a file: URL, which corpuskit does not read as the path it names; give "
                f"that path itself, {url2pathname(parts.path)} (in Python, "
                "urllib.request.url2pathname(urllib.parse.urlsplit(url).path), or "
                "pathlib.Path.from_uri(url) from Python 3.13)")
    return ("a URL: corpuskit reads local files and folders only; download it first "
            "(a release's zip with its .sha256 beside it), then give the local path")


def missing_given(text: str) -> str:
    """Why ``text``, a path as given that names nothing there, is refused: no such file
    or folder; of one that starts with ``~``, that it is taken as given (a library
    function expands nothing) and how to expand it (QA: "no such file or folder", with the
    expanded path there)."""
    if not text.startswith("~"):
        return "no such file or folder"
    expanded = os.path.expanduser(text)
    return ("no such file or folder: '~' is not expanded here, the path is taken as given; "
            "pass os.path.expanduser(path)"
            + (f", which is {expanded}" if expanded != text else ""))
