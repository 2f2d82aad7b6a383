"""The paths the library's functions are given, checked before anything else is done.

``Path(b"dist")`` fails inside pathlib, five frames down, with a message about str
objects, after ``os.fspath(None)`` has said that bytes are fine (QA): a function of the
library names the argument instead, and what to give.
"""

from __future__ import annotations

import os
from pathlib import Path


def given_path(value: object, name: str) -> Path:
    """``value``, the argument ``name`` of a library function, as a :class:`Path`: a
    ``str`` or an ``os.PathLike`` that gives one. Anything else (bytes, None, a number) is
    a :class:`TypeError` naming ``name`` and what to give."""
    return Path(given_text(value, name))


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
