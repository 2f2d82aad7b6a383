"""Rights patterns: the regular expressions that tell a footer line is a rights notice.

The built-in patterns (:data:`DEFAULT_RIGHTS_PATTERNS`) are matched with Python's ``re``:
each has at most one repeat, so a match costs time in proportion to the line. A pattern
of the configuration may backtrack without end (``(a|aa)+c``: twice the time for each
character more), and a package's patterns reach ``validate --reproduce`` from whoever
made the package. A configured pattern is written in Python's ``re`` syntax (it must
compile there, as datapackage.json's profile checks it) and matched with the ``regex``
module, which can stop a match after a time: each pattern may spend, in a process,
:data:`GRANT_SECONDS` and :data:`SECONDS_PER_CHAR` for each character of the lines it is
matched against (:class:`_Allowance`). One that takes longer raises
:class:`SlowPattern`: a line that never ends, or lines each made to take just under a
limit of their own, stop the run in time in proportion to the text, not hours.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from typing import Any

from .patternwarnings import ignore_future_set_warnings

ignore_future_set_warnings()  # users' patterns are compiled with re only to check them

#: A footer line is a rights line when it is a © notice ("2023 © Agency", "© 2023 Agency"),
#: a copyright notice with a year ("Copyright (c) 2021-2023 Agency"), or says "all rights
#: reserved". "Copyright law is complicated." is body text, not a notice.
DEFAULT_RIGHTS_PATTERNS = (
    r"(?i)(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?©.{0,200}",
    r"(?i)(?:copyright|\(c\))\s*(?:©|\(c\))?\s*\d{4}\b.{0,200}",
    r"(?i).{0,200}\ball rights reserved\.?",
)
#: What a configured pattern may spend matching, in a process: this, and
#: :data:`SECONDS_PER_CHAR` for each character of the lines it is matched against.
#: Patterns that work take well under a microsecond a character.
GRANT_SECONDS = 1.0
SECONDS_PER_CHAR = 20e-6
#: The most characters a pattern's bounded repeats may stand for, nested
#: (``(?:a{4000}){3000}``: 12,000,000): ``regex`` compiles each repeat written out, and
#: that pattern took 3.2 GB to compile.
MAX_REPEATED_CHARS = 100_000

#: Whether a pattern matches a whole line.
Rule = Callable[[str], bool]


class SlowPattern(Exception):
    """Rights pattern ``index`` (``pattern``) took more than its allowance; the last line
    it was matched against had ``chars`` characters."""

    def __init__(self, index: int, pattern: str, chars: int) -> None:
        super().__init__(index, pattern, chars)
        self.index, self.pattern, self.chars = index, pattern, chars

    def explain(self, document: str, within: str = "the seeds folder") -> str:
        """What went wrong on ``document`` (a path in ``within``: a seeds path by default,
        named as the seeds folder's, which the problem's own path, corpus.toml, does not
        say), and what to do."""
        return (f"the rights pattern {self.pattern!r} took longer than a pattern may "
                f"({GRANT_SECONDS:g} s, and {SECONDS_PER_CHAR * 1e6:g} µs for each character "
                f"of the lines it is matched against), the last on a line of {self.chars} "
                f"characters in {document} of {within}: it backtracks without end, as "
                "nested repeats such as (a+)+ and overlapping alternatives such as (a|aa)+ "
                "do; rewrite it without them")


class _Allowance:
    """The time one configured pattern may still spend in this process (see the module
    doc) until the next run (:func:`start_run`). A pattern that ran out is not given up on
    for good: the next line adds its characters' share, which a pattern that works needs a
    fraction of."""

    def __init__(self) -> None:
        self.allowed = GRANT_SECONDS
        self.spent = 0.0


_ALLOWANCES: dict[str, _Allowance] = {}


def start_run() -> None:
    """Give every configured pattern its whole allowance again: a run (a build, a check of
    seeds or of a package) judges its own lines. Called in the parent before it forks its
    workers, which inherit the fresh allowances. Without it, the run after one that stopped
    on a pattern had only its lines' share (60 µs for a line of three characters), which a
    loaded machine's scheduling alone can take (CI: a valid seeds folder refused). A Dask
    worker, which outlives runs, keeps its allowances for its process."""
    for allowance in _ALLOWANCES.values():
        allowance.allowed, allowance.spent = GRANT_SECONDS, 0.0


def patterns_problems(patterns: Sequence[str]) -> Iterator[tuple[int, str]]:
    """``(index, why)`` for each of ``patterns`` that cannot serve as a rights pattern,
    and for the first that brings what they all stand for past :data:`MAX_REPEATED_CHARS`
    characters together: each is compiled to be matched, and a package's patterns reach
    ``validate`` from whoever made the package (QA: 100 patterns each just under the limit
    took 2.65 GB to check). Each is compiled alone, and not kept.

    A pattern serves if it compiles in Python's ``re`` (the syntax datapackage.json's
    profile checks), its bounded repeats stand for at most :data:`MAX_REPEATED_CHARS`
    characters, and it compiles in ``regex``, which matches it. The compilers refuse some
    patterns with other errors than their own (a repeat count beyond a limit,
    ``a{4294967296}``: OverflowError; thousands of nested groups: RecursionError)."""
    total = 0
    for index, pattern in enumerate(patterns):
        reason, chars = _checked(pattern, MAX_REPEATED_CHARS - total)
        if reason is None:
            total += chars
        elif MAX_REPEATED_CHARS - total < chars <= MAX_REPEATED_CHARS:
            yield index, (f"the rights patterns up to this one stand for {total + chars} "
                          f"characters together, more than {MAX_REPEATED_CHARS} (each "
                          "character of a pattern counts, and a bounded repeat counts as "
                          "written out); write fewer or shorter patterns")
            return
        else:
            yield index, reason


def _checked(pattern: str, room: int) -> tuple[str | None, int]:
    """Why ``pattern`` cannot serve, its repeats standing for at most ``room`` characters,
    and the characters they stand for (0 where it does not compile in ``re``)."""
    if len(pattern) > room:  # each character counts: said before it is compiled (QA: a
        # package's pattern of 10 million characters took 1.5 GB and a minute to compile)
        return (f"it is {len(pattern)} characters long, more than the {MAX_REPEATED_CHARS} "
                "its repeats and characters may stand for; write a shorter pattern",
                len(pattern))
    repeated = 0
    try:
        parsed = re.compile(pattern)
        repeated = _repeated_chars(_parse(pattern))
        if repeated > room:
            return (f"its repeats stand for {repeated} characters, more than "
                    f"{MAX_REPEATED_CHARS} (a bounded repeat inside another is written out "
                    "when the pattern is compiled); write a shorter repeat, or use * or +",
                    repeated)
        _regex().compile(parsed.pattern, flags=_regex().VERSION0, cache_pattern=False)
    except re.error as exc:
        return f"not a valid Python regular expression: {exc}", repeated
    except _regex().error as exc:
        return f"a regular expression the regex module cannot compile: {exc}", repeated
    except (OverflowError, RecursionError, ValueError, MemoryError) as exc:
        return (f"a regular expression Python cannot compile ({type(exc).__name__}: "
                f"{exc or 'too large or too deeply nested'}); write a simpler one", repeated)
    return None, repeated


def _parse(pattern: str) -> Any:
    from re import _parser  # type: ignore[attr-defined]

    return _parser.parse(pattern)


def _repeated_chars(items: Any) -> int:
    """How many characters the parsed pattern ``items`` stands for once each bounded
    repeat is written out (an unbounded one counts its minimum, at least once)."""
    from re import _constants  # type: ignore[attr-defined]

    repeats = (_constants.MAX_REPEAT, _constants.MIN_REPEAT,
               getattr(_constants, "POSSESSIVE_REPEAT", None))
    total = 0
    for op, av in items:
        if op in repeats:
            low, high, sub = av
            times = high if high != _constants.MAXREPEAT else max(low, 1)
            total += times * _repeated_chars(sub)
        elif op is _constants.SUBPATTERN:
            total += _repeated_chars(av[-1])
        elif op is _constants.BRANCH:
            total += sum(_repeated_chars(branch) for branch in av[1])
        elif op in (_constants.ATOMIC_GROUP, _constants.ASSERT, _constants.ASSERT_NOT):
            total += _repeated_chars(av if op is _constants.ATOMIC_GROUP else av[1])
        elif op is _constants.GROUPREF_EXISTS:
            total += sum(_repeated_chars(branch) for branch in av[1:] if branch)
        else:
            total += 1
    return total


@cache
def rights_rules(patterns: tuple[str, ...]) -> tuple[Rule, ...]:
    """The rules of ``patterns`` (valid: :func:`patterns_problems`), in order: one for each
    configured pattern, one for each run of built-in ones (:func:`_built_in_rule`)."""
    rules: list[Rule] = []
    for built_in, run in itertools.groupby(
            enumerate(patterns), key=lambda item: item[1] in DEFAULT_RIGHTS_PATTERNS):
        if built_in:
            rules.append(_built_in_rule([pattern for _, pattern in run]))
        else:
            rules.extend(_rule(index, pattern) for index, pattern in run)
    return tuple(rules)


#: Global flags that begin a pattern (``(?i)``).
_LEADING_FLAGS = re.compile(r"\(\?([aiLmsux]+)\)")


def _built_in_rule(patterns: Sequence[str]) -> Rule:
    """Whether one of the built-in ``patterns`` matches the whole line: their alternation,
    each in a group of its own with its leading flags scoped to it, matched once. One
    call for the three built-in patterns, not a call for each: 1.0 µs a line against 1.8
    (the first and last paragraphs of the kit's corpus)."""
    compiled = re.compile("|".join(map(_scoped, patterns)))
    return lambda line: compiled.fullmatch(line) is not None


def _scoped(pattern: str) -> str:
    """``pattern`` as a group of an alternation, its leading global flags the group's."""
    flags = _LEADING_FLAGS.match(pattern)
    if flags is None:
        return f"(?:{pattern})"
    return f"(?{flags[1]}:{pattern[flags.end():]})"


def _rule(index: int, pattern: str) -> Rule:
    regex = _regex()
    matcher = regex.compile(pattern, flags=regex.VERSION0)
    allowance = _ALLOWANCES.setdefault(pattern, _Allowance())

    def limited(line: str) -> bool:
        allowance.allowed += SECONDS_PER_CHAR * len(line)
        remaining = allowance.allowed - allowance.spent
        started = time.perf_counter()
        try:
            if remaining <= 0:
                raise TimeoutError
            found = matcher.fullmatch(line, timeout=remaining) is not None
        except TimeoutError:
            allowance.spent = allowance.allowed
            raise SlowPattern(index, pattern, len(line)) from None
        allowance.spent += time.perf_counter() - started
        return found

    return limited


def _regex() -> Any:
    """The ``regex`` module, imported when a configured pattern is first met."""
    import regex

    return regex
