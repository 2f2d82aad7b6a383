"""Where two JSON documents differ, by JSON pointer, and values shown short in messages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

#: Stands for a value that is not there (a key or item one document lacks).
ABSENT: Any = object()
#: The longest value shown in a message, in characters.
SHOWN_CHARS = 80

Difference = tuple[str, Any, Any]


def pointer_token(key: str | int) -> str:
    """One step of a JSON pointer (RFC 6901: ``~`` and ``/`` escaped)."""
    return "/" + str(key).replace("~", "~0").replace("/", "~1")


def _scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def same(found: Any, expected: Any) -> bool:
    """Equal as JSON values: ``1``, ``1.0`` and ``true`` are three values, key order
    does not count."""
    if isinstance(found, dict) and isinstance(expected, dict):
        return found.keys() == expected.keys() and all(
            same(found[key], expected[key]) for key in found)
    if isinstance(found, list) and isinstance(expected, list):
        return len(found) == len(expected) and all(map(same, found, expected))
    return type(found) is type(expected) and found == expected


def differences(found: Any, expected: Any, at: str = "") -> Iterator[Difference]:
    """``(pointer, found, expected)`` for each place where ``found`` differs from
    ``expected``: objects key by key, lists of objects or lists item by item, any other
    value (a list of strings too) whole. A missing key or item is :data:`ABSENT`."""
    if isinstance(found, dict) and isinstance(expected, dict):
        for key, value in expected.items():
            where = at + pointer_token(key)
            if key in found:
                yield from differences(found[key], value, where)
            else:
                yield where, ABSENT, value
        for key, value in found.items():
            if key not in expected:
                yield at + pointer_token(key), value, ABSENT
    elif isinstance(found, list) and isinstance(expected, list) \
            and not all(map(_scalar, found + expected)):
        for index in range(max(len(found), len(expected))):
            yield from differences(found[index] if index < len(found) else ABSENT,
                                   expected[index] if index < len(expected) else ABSENT,
                                   at + pointer_token(index))
    elif found is ABSENT or expected is ABSENT or not same(found, expected):
        yield at, found, expected


def shown(value: Any, limit: int = SHOWN_CHARS) -> str:
    """``value`` as JSON on one line, cut to ``limit`` characters (``...`` at the end)."""
    return _cut(json.dumps(value, ensure_ascii=False, separators=(", ", ": ")), limit)


def shown_pair(found: Any, expected: Any, limit: int = SHOWN_CHARS) -> tuple[str, str]:
    """Two differing values as :func:`shown` shows them, except two that differ past the
    first half of what it shows: both are then shown from a little before the first
    character where they differ (the rest would be the same prefix, twice: two lists of
    steps cut at the same point read as equal, QA). Strings are cut inside their quotes,
    other values in their JSON."""
    if isinstance(found, str) and isinstance(expected, str):
        start = _start(found, expected, limit)
        if start:
            return _from(found, start, limit), _from(expected, start, limit)
        return shown(found, limit), shown(expected, limit)
    texts = [json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
             for value in (found, expected)]
    start = _start(texts[0], texts[1], limit)
    if start:
        return _cut("..." + texts[0][start:], limit), _cut("..." + texts[1][start:], limit)
    return shown(found, limit), shown(expected, limit)


def _start(found: str, expected: str, limit: int) -> int:
    """Where to show two texts from (0: from their start): a little before the first
    character where they differ, if that is past the first half of what is shown."""
    at = next((index for index, (a, b) in enumerate(zip(found, expected, strict=False))
               if a != b), min(len(found), len(expected)))
    return at - limit // 4 if at > limit // 2 else 0


def _cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, ``...`` at the end."""
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _from(text: str, start: int, limit: int) -> str:
    """``text`` shown from character ``start`` on, with ``...`` for what comes before."""
    return '"...' + shown(text[start:], limit - 3)[1:]
