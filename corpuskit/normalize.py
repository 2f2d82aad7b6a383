"""Stage 3, normalize: named, pure text steps; each one that changes a document is recorded.

``STEPS`` maps a step name to its function, in the one order they run. The faithful
default never lowercases, strips accents or drops punctuation; lossy steps run only when
``corpus.toml`` turns them on. ``normalize(normalize(x).text) == normalize(x).text``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache, lru_cache
from typing import NamedTuple

import ftfy
from ftfy import fixes
from ftfy.badness import BADNESS_RE
from ftfy.chardata import CONTROL_CHARS

from .config import NormalizeConfig

_FTFY_CONFIG = ftfy.TextFixerConfig(
    # Never invent U+FFFD: a sequence that cannot be repaired in full stays as it was.
    replace_lossy_sequences=False,
    explain=False,
)
_C1_CONTROLS = re.compile("[\x80-\x9f]")
#: Any character ftfy's ``remove_control_chars`` deletes, or a C1 control, VT or FF.
_ANY_CONTROL = re.compile(
    "[" + "".join(re.escape(chr(code)) for code in sorted(CONTROL_CHARS)) + "\x0b\x0c\x80-\x9f]")
#: Every match of ftfy's badness pattern is at most ``_BADNESS_REACH + 1`` characters long
#: (proven against the parsed pattern in the tests).
_BADNESS_REACH = 6


def _rarity(spans: list[tuple[int, int]]) -> tuple[int, int, int]:
    chars = [chr(code) for low, high in spans for code in range(low, high + 1)]
    return (sum(char.islower() for char in chars), sum(char.isalpha() for char in chars),
            len(chars))


class _Badness(NamedTuple):
    """ftfy's badness pattern taken apart for searching a text only where it can match."""

    #: Runs of the characters without which the pattern cannot match.
    triggers: re.Pattern[str]
    #: Per trigger character, the branches of the pattern (a bit each) that a match holding
    #: it as its trigger can be; empty when the pattern was not taken apart.
    branches_of: dict[str, int]
    #: Compiles the pattern cut down to the given branches.
    compile_branches: Callable[[int], re.Pattern[str]]


#: A mask of every branch of the badness pattern.
_ALL_BRANCHES = -1


def _whole_pattern(_: int) -> re.Pattern[str]:
    return BADNESS_RE


def _take_badness_apart() -> _Badness:
    """Find the trigger characters of ftfy's badness pattern, and which branches each one
    can complete.

    Each alternative (branch) of the pattern has at least one position that only
    non-ASCII characters fill (``[ÂÃÎÐ]``, the C1 range, ...); a match holds one of them.
    They are read from the parsed pattern, so they follow ftfy's updates; should the
    parser's shape ever differ, every non-ASCII character is a trigger and the whole
    pattern is searched (the same answers, only slower).
    """
    fallback = _Badness(re.compile(r"[^\x00-\x7f]+"), {}, _whole_pattern)
    try:
        from re import _compiler, _parser  # type: ignore[attr-defined]
        from re import _constants as sre  # type: ignore[attr-defined]

        parsed = _parser.parse(BADNESS_RE.pattern, BADNESS_RE.flags)
        [(branch_op, (_, branches))] = list(parsed)
        if branch_op is not sre.BRANCH:
            return fallback
        branches_of: dict[str, int] = {}
        for index, branch in enumerate(branches):
            # Any one position only non-ASCII fills will do: take the one with the fewest
            # lower-case letters, then letters (they fill most of any text), then the
            # narrowest.
            candidates: list[list[tuple[int, int]]] = []
            for op, arg in branch:
                items = [(sre.LITERAL, arg)] if op is sre.LITERAL else arg if op is sre.IN else []
                item_spans: list[tuple[int, int]] = [
                    (a, a) if kind is sre.LITERAL else a if kind is sre.RANGE else (-1, -1)
                    for kind, a in items]
                if item_spans and all(low > 0x7F for low, _ in item_spans):
                    candidates.append(item_spans)
            if not candidates:
                return fallback
            for low, high in min(candidates, key=_rarity):
                for code in range(low, high + 1):
                    branches_of[chr(code)] = branches_of.get(chr(code), 0) | 1 << index

        def compile_branches(mask: int) -> re.Pattern[str]:
            chosen = [branch for index, branch in enumerate(branches) if mask >> index & 1]
            cut = _parser.SubPattern(parsed.state, [(sre.BRANCH, (None, chosen))])
            return _compiler.compile(cut, BADNESS_RE.flags)  # type: ignore[no-any-return]

        compile_branches(1)  # fails now, not on some text, if it cannot work
    except Exception:  # any surprise in a private module: the safe fallback
        return fallback
    ranges = "".join(re.escape(char) for char in sorted(branches_of))
    return _Badness(re.compile(f"[{ranges}]+"), branches_of, compile_branches)


_BADNESS = _take_badness_apart()
_BADNESS_TRIGGERS = _BADNESS.triggers


@lru_cache(maxsize=4096)
def _branches_of_run(run: str) -> int:
    """The branches (a bit each) of the badness pattern that the trigger characters of
    ``run`` complete, if they all complete the same ones; otherwise all branches.

    Runs are mostly one or two characters and recur. There are few distinct sets of
    branches of one character (about 30), so few cut-down patterns are ever compiled
    (each takes ~0.4 ms); unions of them would be many.
    """
    if not _BADNESS.branches_of:
        return _ALL_BRANCHES
    masks = {_BADNESS.branches_of[char] for char in run}
    return masks.pop() if len(masks) == 1 else _ALL_BRANCHES


@cache
def _badness_branches(mask: int) -> re.Pattern[str]:
    """ftfy's badness pattern cut down to the branches of ``mask``: a window around a few
    trigger characters is searched only for the branches they can complete, not all ~40
    (each tried at every position of the window)."""
    return BADNESS_RE if mask == _ALL_BRANCHES else _BADNESS.compile_branches(mask)


#: Page and line breaks of word processors: they separate words, so they become LF.
_BREAK_CONTROLS = {0x0B: "\n", 0x0C: "\n"}
_ZERO_WIDTH_CHARS = "\u200b\u2060\u180e\ufeff"
_ZERO_WIDTH = re.compile(f"[{_ZERO_WIDTH_CHARS}]")
#: The characters ftfy's ``fix_line_breaks`` replaces (checked against it in the tests).
_LINE_BREAKS = "\r\u2028\u2029\x85"
_NBSPS = re.compile("[\u00a0\u2007\u202f]")
_SPACE_RUNS = re.compile(r"[ \t]{2,}|\t")
#: A line break followed by one or more blank lines (whitespace only, as ``str.isspace``).
_BLANK_RUNS = re.compile(r"\n(?:[^\S\n]*\n)+")


def looks_bad(text: str) -> bool:
    """ftfy's ``is_bad(text)``, searching only the windows around its trigger characters,
    each for the branches of the pattern its triggers can complete (all of them when its
    triggers complete different sets).

    Same answer (tested): no match lacks a trigger, none is longer than the reach, and
    ``search(text, pos, endpos)`` keeps ``^`` at the real start of the text. Most text
    holds few triggers, so this scans a few percent of it instead of all of it.
    """
    length = len(text)
    window_start = window_end = -1
    branches = 0
    for run in _BADNESS_TRIGGERS.finditer(text):
        start = max(run.start() - _BADNESS_REACH, 0)
        end = min(run.end() + _BADNESS_REACH, length)
        if start <= window_end:
            window_end = end
            if _branches_of_run(run.group()) != branches:
                branches = _ALL_BRANCHES  # see _branches_of_run
            continue
        if window_end > 0 and _badness_branches(branches).search(text, window_start,
                                                                 window_end):
            return True
        window_start, window_end = start, end
        branches = _branches_of_run(run.group())
    return (window_end > 0
            and _badness_branches(branches).search(text, window_start, window_end) is not None)


def fix_encoding(text: str) -> str:
    """Repair mojibake (UTF-8 read as cp1252 and the like) line by line with ftfy."""
    if text.isascii() or not looks_bad(text):
        return text
    lines = text.split("\n")
    changed = False
    for i, line in enumerate(lines):
        if line.isascii():
            continue
        fixed = ftfy.fix_encoding(line, _FTFY_CONFIG)
        if fixed != line:
            lines[i] = fixed
            changed = True
    return "\n".join(lines) if changed else text


# Most text holds none of the few characters the next steps replace. Asking ``char in
# text`` for each is a fast substring search, several times faster than a regex class
# tried at every position (or than str.replace, which prepares more before searching).

def remove_bom(text: str) -> str:
    """Drop byte order marks (U+FEFF) left inside the text."""
    return text.replace("\ufeff", "") if "\ufeff" in text else text


def line_endings(text: str) -> str:
    """CRLF, CR, NEL, U+2028 and U+2029 become LF."""
    if not any(char in text for char in _LINE_BREAKS):
        return text
    return fixes.fix_line_breaks(text)


def remove_control_chars(text: str) -> str:
    """Remove control characters except tab and LF (ftfy's list, plus C1); form feed and
    vertical tab (page and manual line breaks) become LF, so the words they separate stay
    apart."""
    if not _ANY_CONTROL.search(text):
        return text
    if "\x0b" in text or "\x0c" in text:
        text = text.translate(_BREAK_CONTROLS)
    return _C1_CONTROLS.sub("", fixes.remove_control_chars(text))


def remove_zero_width(text: str) -> str:
    """Remove zero-width spaces and word joiners (ZWJ and ZWNJ, which carry meaning, stay)."""
    if not any(char in text for char in _ZERO_WIDTH_CHARS):
        return text
    return _ZERO_WIDTH.sub("", text)


def nfc(text: str) -> str:
    """Unicode NFC, line by line, skipping lines that are ASCII or already NFC."""
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return "\n".join(
        line if line.isascii() or unicodedata.is_normalized("NFC", line)
        else unicodedata.normalize("NFC", line)
        for line in text.split("\n")
    )


def nfkc(text: str) -> str:
    """Lossy: Unicode NFKC (ligatures, full-width forms, superscripts folded)."""
    return unicodedata.normalize("NFKC", text)


def straight_quotes(text: str) -> str:
    """Lossy: curly quotation marks become straight ones."""
    return fixes.uncurl_quotes(text)


def nbsp_to_space(text: str) -> str:
    """Lossy: no-break spaces become plain spaces."""
    return _NBSPS.sub(" ", text)


def collapse_spaces(text: str) -> str:
    """Lossy: runs of spaces and tabs inside lines become one space."""
    return _SPACE_RUNS.sub(" ", text)


def trim_trailing_whitespace(text: str) -> str:
    """Remove whitespace (Unicode's, NBSP included) at the end of every line."""
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _blank(line: str) -> bool:
    return not line or line.isspace()


def paragraph_spacing(text: str) -> str:
    """Paragraphs separated by exactly one blank line; no leading or trailing blank lines;
    one final LF. A line holding only whitespace counts as blank; the indentation of the
    line after a blank line is kept."""
    if _blank(text):
        return "\n"
    start = 0
    while (end := text.find("\n", start)) != -1 and _blank(text[start:end]):
        start = end + 1
    stop = len(text)
    while (begin := text.rfind("\n", start, stop)) != -1 and _blank(text[begin + 1:stop]):
        stop = begin
    if stop == len(text):
        return _BLANK_RUNS.sub("\n\n", text[start:stop]) + "\n"
    # text[stop] is the LF that ends the last line, which is not blank: no blank run can
    # reach it, so it is kept in the substitution rather than added after it (a text that
    # needs no change is returned as it is, with no copy).
    return _BLANK_RUNS.sub("\n\n", text[start:stop + 1])


#: Every step, in the order steps run. Structural steps always run (see ``ALWAYS``).
STEPS: dict[str, Callable[[str], str]] = {
    "fix-encoding": fix_encoding,
    "remove-bom": remove_bom,
    "line-endings": line_endings,
    "remove-control-chars": remove_control_chars,
    "remove-zero-width": remove_zero_width,
    "nfc": nfc,
    "nfkc": nfkc,
    "straight-quotes": straight_quotes,
    "nbsp-to-space": nbsp_to_space,
    "collapse-spaces": collapse_spaces,
    "trim-trailing-whitespace": trim_trailing_whitespace,
    "paragraph-spacing": paragraph_spacing,
}
#: Steps every package relies on (LF only, regular paragraphs, one final newline).
ALWAYS = frozenset({"line-endings", "paragraph-spacing"})
#: Later steps can expose mojibake that fix-encoding did not see in the first pass (a control
#: character or zero-width space inside ``Ã©``, a combining tilde after ``A``); ftfy's output
#: in turn can need the other steps. Passes repeat until fix-encoding has nothing left to do.
_MAX_PASSES = 4


def _one_pass(text: str, steps: tuple[str, ...], changed: list[str]) -> str:
    for name in STEPS:
        if name not in steps and name not in ALWAYS:
            continue
        result = STEPS[name](text)
        if result != text:
            if name not in changed:
                changed.append(name)
            text = result
    return text


def normalize(text: str, config: NormalizeConfig) -> tuple[str, tuple[str, ...]]:
    """The normalized text and the names of the steps that changed it (pipeline order)."""
    changed: list[str] = []
    # The first pass gets the only reference to ``text`` when the caller held none (as
    # process_document does): the input is then freed as soon as a step changes it, so a
    # document of many MB is held twice at most, not three times.
    handed = [text]
    del text
    result = _one_pass(handed.pop(), config.steps, changed)
    passes = 1
    if not changed:
        return result, ()  # fix-encoding already found nothing to do in this very text
    # Every step after fix-encoding ran on the output of the steps before it, and none of them
    # undoes another's work, so the result is a fixed point unless fix-encoding would now
    # repair something (cheap to ask: ftfy first checks whether a line looks bad at all).
    while ("fix-encoding" in config.steps and passes < _MAX_PASSES
           and fix_encoding(result) != result):
        result = _one_pass(result, config.steps, changed)
        passes += 1
    order = list(STEPS)
    return result, tuple(sorted(changed, key=order.index))


def replay(text: str, steps: tuple[str, ...]) -> str:
    """Apply exactly the recorded ``steps`` (as a config) to decoded text."""
    return normalize(text, NormalizeConfig(steps=steps))[0]
