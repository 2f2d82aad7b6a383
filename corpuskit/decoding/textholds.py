"""Whether a text holds any of a few characters (:func:`holds_any`), asked of every legacy
reading by the spelling rules of several scripts before they look at its words."""

from __future__ import annotations

from collections.abc import Iterable


def holds_any(text: str, characters: Iterable[str]) -> bool:
    """``not frozenset(characters).isdisjoint(text)``, several times faster for a few
    characters: ``in`` searches the text in C for each (and at once finds none beyond the
    text's widest character: Polish's ``ą`` in a Latin-1 text), where ``isdisjoint`` makes
    a string of each of the text's characters to look it up. On a legacy file's readings
    of 2 KB: 0.6-7.5 µs against 31-62 µs."""
    return any(char in text for char in characters)
