"""How messages and cards put counts into words."""

from __future__ import annotations


def counted(count: int, noun: str, *, grouped: bool = False) -> str:
    """``count`` and ``noun``, in the plural unless there is exactly one: ``1 document``,
    ``0 documents``, ``2 problems`` (corpuskit's nouns all take an ``s``); ``grouped``:
    the count with thousands separators (``12,500 documents``), as the data card has it."""
    shown = f"{count:,}" if grouped else str(count)
    return f"{shown} {noun}{'' if count == 1 else 's'}"
