"""Rights patterns: the regular expressions that tell a footer line is a rights notice.

The built-in patterns (:data:`DEFAULT_RIGHTS_PATTERNS`) are matched with Python's ``re``:
each has at most one repeat, so a match costs time in proportion to the line. A pattern
of the configuration may backtrack without end (``(a|aa)+c``: twice the time for each
character more), and a package's patterns reach ``validate --reproduce`` from whoever
made the package. These are matched with the ``regex`` module (Python's ``re`` syntax,
plus Unicode properties such as ``\\p{L}``), under a time limit: a pattern that finds no
answer within :data:`RIGHTS_PATTERN_SECONDS` on a line raises :class:`SlowPattern`, and
the process gives up on it for every other line at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

#: A footer line is a rights line when it is a © notice ("2023 © Agency", "© 2023 Agency"),
#: a copyright notice with a year ("Copyright (c) 2021-2023 Agency"), or says "all rights
#: reserved". "Copyright law is complicated." is body text, not a notice.
DEFAULT_RIGHTS_PATTERNS = (
    r"(?i)(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?©.{0,200}",
    r"(?i)(?:copyright|\(c\))\s*(?:©|\(c\))?\s*\d{4}\b.{0,200}",
    r"(?i).{0,200}\ball rights reserved\.?",
)
#: How long one configured pattern may try one line before it is given up on. Patterns
#: that work answer in microseconds; one that backtracks without end takes years.
RIGHTS_PATTERN_SECONDS = 10.0

#: Whether a pattern matches a whole line.
Rule = Callable[[str], bool]


class SlowPattern(Exception):
    """Rights pattern ``index`` (``pattern``) found no answer within
    :data:`RIGHTS_PATTERN_SECONDS` on a line of ``chars`` characters."""

    def __init__(self, index: int, pattern: str, chars: int) -> None:
        super().__init__(index, pattern, chars)
        self.index, self.pattern, self.chars = index, pattern, chars

    def explain(self, document: str) -> str:
        """What went wrong on ``document`` (a seeds path), and what to do."""
        return (f"the rights pattern {self.pattern!r} found no answer within "
                f"{RIGHTS_PATTERN_SECONDS:g} s on a line of {self.chars} characters in "
                f"{document}: it backtracks without end, as nested repeats such as (a+)+ "
                "and overlapping alternatives such as (a|aa)+ do; rewrite it without them")


#: Patterns that ran out of time in this process, by their text: each line after that
#: raises at once (a build stops on the first, which its other workers may not know yet).
_GIVEN_UP: dict[str, SlowPattern] = {}


def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot serve as a rights pattern, or None. The compilers refuse
    some patterns with other errors than their own (a repeat count beyond a limit,
    ``a{4294967296}``: OverflowError; thousands of nested groups: RecursionError)."""
    try:
        _compile(pattern)
    except (re.error, _regex().error) as exc:
        return f"not a valid regular expression: {exc}"
    except (OverflowError, RecursionError, ValueError, MemoryError) as exc:
        return (f"a regular expression Python cannot compile ({type(exc).__name__}: "
                f"{exc or 'too deeply nested'}); write a simpler one")
    return None


@cache
def rights_rules(patterns: tuple[str, ...]) -> tuple[Rule, ...]:
    """One rule for each of ``patterns`` (valid: :func:`pattern_problem`), in order."""
    return tuple(_rule(index, pattern) for index, pattern in enumerate(patterns))


def _rule(index: int, pattern: str) -> Rule:
    compiled = _compile(pattern)
    if pattern in DEFAULT_RIGHTS_PATTERNS:
        return lambda line: compiled.fullmatch(line) is not None

    def limited(line: str) -> bool:
        given_up = _GIVEN_UP.get(pattern)
        if given_up is not None:
            raise given_up
        try:
            return compiled.fullmatch(line, timeout=RIGHTS_PATTERN_SECONDS) is not None
        except TimeoutError:
            slow = _GIVEN_UP[pattern] = SlowPattern(index, pattern, len(line))
            raise slow from None

    return limited


def _compile(pattern: str) -> Any:
    if pattern in DEFAULT_RIGHTS_PATTERNS:
        return re.compile(pattern)
    regex = _regex()
    return regex.compile(pattern, flags=regex.VERSION0)


def _regex() -> Any:
    """The ``regex`` module, imported when a configured pattern is first met."""
    import regex

    return regex

