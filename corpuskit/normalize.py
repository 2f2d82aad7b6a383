"""Stage 3, normalize: named, pure text steps; each one that changes a document is recorded.

``STEPS`` maps a step name to its function, in the one order they run. The faithful
default never lowercases, strips accents or drops punctuation; lossy steps run only when
``corpus.toml`` turns them on. ``normalize(normalize(x).text) == normalize(x).text``.
"""

from __future__ import annotations

import itertools
import operator
import os
import re
import threading
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache, lru_cache
from typing import Any, NamedTuple

import ftfy
from ftfy import fixes
from ftfy.badness import BADNESS_RE
from ftfy.badness import is_bad as _ftfy_is_bad
from ftfy.chardata import CHARMAP_ENCODINGS, CONTROL_CHARS

from .config import STEP_NEEDS, NormalizeConfig
from .fallbacks import strict

_FTFY_CONFIG = ftfy.TextFixerConfig(
    # Off for a line with no sign of a byte already lost (:func:`_ftfy_config`): ftfy's
    # replace_lossy_sequences takes a ``?`` after a UTF-8 lead byte for a lost one, and made
    # correct text beside mojibake lose characters (``installé\u00a0?`` -> ``install�``, QA).
    replace_lossy_sequences=False,
    explain=False,
)
#: The same, reading a lost byte as U+FFFD: ftfy's "sloppy" code pages encode U+FFFD as
#: byte 1A, its mark of a byte already lost, and replace_lossy_sequences reads each 1A back
#: as U+FFFD, alone or with the rest of the UTF-8 sequence it stands in (``â€�``: one
#: character lost, one U+FFFD). Without it, a U+FFFD in a line repaired through such a
#: code page, and that of ``ï¿½`` (U+FFFD's UTF-8 read as cp1252), became U+001A, which
#: remove-control-chars deleted: text lost, exit 0 (QA). Used only for lines that hold such
#: a sign (:func:`_ftfy_config`), and its repair kept only if it lost no ``?``
#: (:func:`_lost_nothing`).
_FTFY_LOSSY_CONFIG = _FTFY_CONFIG._replace(replace_lossy_sequences=True)
#: U+FFFD, the sign of a byte a reader already lost, and its mojibake: its UTF-8 (EF BF BD)
#: as each code page ftfy repairs reads it (``ï¿½``, ``пїЅ``, ...).
LOST_BYTE_SIGNS = tuple(dict.fromkeys(
    ["\ufffd", *(b"\xef\xbf\xbd".decode(codec) for codec in CHARMAP_ENCODINGS)]))


def _holds_lost_byte_sign(line: str) -> bool:
    """Whether ``line`` holds U+FFFD or the mojibake of one (:data:`LOST_BYTE_SIGNS`): only
    then may its repair read a UTF-8 sequence as one whose byte was lost."""
    return any(sign in line for sign in LOST_BYTE_SIGNS)


def _ftfy_config(line: str, explain: bool = False) -> ftfy.TextFixerConfig:
    """ftfy's settings for repairing ``line``: reading lost bytes as U+FFFD only where the
    line holds a sign of one (:func:`_holds_lost_byte_sign`)."""
    config = _FTFY_LOSSY_CONFIG if _holds_lost_byte_sign(line) else _FTFY_CONFIG
    return config._replace(explain=True) if explain else config


def _lost_nothing(line: str, repaired: str) -> bool:
    """Whether ``repaired``, a repair of ``line`` that may read lost bytes as U+FFFD, kept
    every ``?`` of it. replace_lossy_sequences reads a ``?`` after a UTF-8 lead byte as a
    byte lost too (a reader's mark for one), but correct text writes ``?`` so (French
    ``installé\u00a0?`` in cp1252's bytes: ``…\xc3\xa9\xa0?``): a ``?`` is never taken for
    a lost byte. A transcoding keeps every ASCII character, so only that reading loses
    one; a U+FFFD it makes of a 1A byte stands for the U+FFFD that byte was."""
    return repaired.count("?") == line.count("?")


C1_CONTROLS = re.compile("[\x80-\x9f]")
#: Any character ftfy's ``remove_control_chars`` deletes, or a C1 control, VT or FF.
_ANY_CONTROL = re.compile(
    "[" + "".join(re.escape(chr(code)) for code in sorted(CONTROL_CHARS)) + "\x0b\x0c\x80-\x9f]")
#: Characters outside ASCII that clean text often holds (typographic punctuation and
#: symbols); with lower-case letters, they are most of the non-ASCII characters of text
#: that is not mojibake. Mojibake's own tell-tale characters (Ã, Â, Ð, box drawing, C1
#: controls, ...) are rare in clean text.
_TYPOGRAPHIC = "\u00a0‘’‚“”„«»‹›–—…•·€£©®™°§"
#: Lower-case letters that are symbols more than letters of any language's words.
_SYMBOL_LETTERS = "ƒµ"


def _frequency(char: str) -> float:
    """A rough guess of how often ``char`` occurs in clean text, relative to the others:
    only for choosing the triggers (any guess gives the same answers, at some speed)."""
    if unicodedata.category(char) == "Ll" and char not in _SYMBOL_LETTERS:
        return 10.0
    if char in _TYPOGRAPHIC:
        return 5.0
    return 0.5 if char.isupper() else 0.1


def _rarity(spans: list[tuple[int, int]]) -> tuple[float, int]:
    chars = [chr(code) for low, high in spans for code in range(low, high + 1)]
    return sum(map(_frequency, chars)), len(chars)


class _Badness(NamedTuple):
    """ftfy's badness pattern rewritten to be searched only at its trigger characters."""

    #: The rewritten pattern; ftfy's own when the pattern could not be taken apart.
    pattern: re.Pattern[str]
    #: Per trigger character, the branches of ftfy's pattern (a bit each) whose trigger
    #: position it fills; empty when the pattern was not taken apart.
    branches_of: dict[str, int]


class _NotTakenApart(Exception):
    """ftfy's badness pattern is of a shape :func:`_badness` does not take apart: its own
    pattern is searched (the same answers, only slower), in strict mode too."""


class _BadnessRewriting:
    """ftfy's badness pattern parsed, and the pieces of the rewritten one made of the
    parser's own items (:func:`_badness`): ``re``'s private modules, held once imported."""

    def __init__(self) -> None:
        from re import _compiler, _parser  # type: ignore[attr-defined]
        from re import _constants as sre  # type: ignore[attr-defined]

        self.compiler: Any = _compiler
        self.parser: Any = _parser
        self.sre: Any = sre
        self.parsed: Any = _parser.parse(BADNESS_RE.pattern, BADNESS_RE.flags)

    def branches(self) -> list[Any]:
        """The branches of ftfy's pattern, an alternation as a whole; raises
        :class:`_NotTakenApart` for another shape or a case-blind pattern."""
        [(branch_op, (_, branches))] = list(self.parsed)
        if branch_op is not self.sre.BRANCH or BADNESS_RE.flags & re.IGNORECASE:
            raise _NotTakenApart  # (case-blind, a class would match characters it does not name)
        return branches  # type: ignore[no-any-return]

    def sequence(self, items: list[Any]) -> Any:
        """``items`` as one parsed pattern, one after the other."""
        return self.parser.SubPattern(self.parsed.state, items)

    def one_of(self, chars: list[str]) -> Any:
        """A class of the characters ``chars``."""
        return (self.sre.IN, [(self.sre.LITERAL, ord(char)) for char in chars])

    def behind(self, items: list[Any]) -> Any:
        """A look-behind for ``items``."""
        return (self.sre.ASSERT, (-1, self.sequence(items)))

    def trigger(self, branch: list[Any]) -> tuple[int, list[tuple[int, int]]]:
        """Where ``branch``'s trigger is (the index of its item), and the spans of code
        points that fill it: of the positions only non-ASCII characters fill, the one
        whose characters are rarest in clean text (:func:`_rarity`). Raises
        :class:`_NotTakenApart` for a branch with no such position."""
        sre = self.sre
        candidates: list[tuple[tuple[float, int], int, list[tuple[int, int]]]] = []
        for at, (op, arg) in enumerate(branch):
            items = [(sre.LITERAL, arg)] if op is sre.LITERAL else arg if op is sre.IN else []
            item_spans: list[tuple[int, int]] = [
                (a, a) if kind is sre.LITERAL else a if kind is sre.RANGE else (-1, -1)
                for kind, a in items]
            if item_spans and all(low > 0x7F for low, _ in item_spans):
                candidates.append((_rarity(item_spans), at, item_spans))
        if not candidates:
            raise _NotTakenApart
        _, at, spans = min(candidates)
        return at, spans

    def around(self, branch: list[Any], at: int) -> tuple[list[list[Any]], list[Any]]:
        """``branch``'s items before its trigger at ``at``, one list per count of each
        optional item (so each has a fixed width), and its items after its trigger.
        Raises :class:`_NotTakenApart` for an item before it repeated up to more than 4
        times."""
        before: list[list[Any]] = [[]]
        for op, arg in branch[:at]:
            if op is self.sre.MAX_REPEAT or op is self.sre.MIN_REPEAT:
                least, most, item = arg
                if most > 4:
                    raise _NotTakenApart
                before = [[*items, *list(item) * count] for items in before
                          for count in range(least, most + 1)]
            else:
                before = [[*items, (op, arg)] for items in before]
        return before, list(branch[at + 1:])

    def groups(self, branches_of: dict[str, int],
               around: list[tuple[list[list[Any]], list[Any]]]
               ) -> list[tuple[list[str], list[Any]]]:
        """Per set of branches, the trigger characters of exactly those branches, and the
        items that match those branches once one of them is matched: each branch's items
        before its trigger in a look-behind (ending with ``.``, the trigger), then its
        items after it (``around``, per branch)."""
        chars_of: dict[int, list[str]] = {}
        for char, mask in sorted(branches_of.items()):
            chars_of.setdefault(mask, []).append(char)
        groups: list[tuple[list[str], list[Any]]] = []
        for mask, chars in chars_of.items():
            ways = [([self.behind([*items, (self.sre.ANY, None)])] if items else []) + after
                    for index, (before, after) in enumerate(around) if mask >> index & 1
                    for items in before]
            groups.append((chars, [] if not all(ways) else
                           [(self.sre.BRANCH, (None, [self.sequence(way) for way in ways]))]))
        return groups

    def told_apart(self, groups: list[tuple[list[str], list[Any]]]) -> list[Any]:
        """The items of the group whose trigger characters hold the one just matched
        (it is one of theirs): per half of the groups, a look-behind for all of their
        trigger characters, then the half told apart the same way."""
        if len(groups) == 1:
            return groups[0][1]
        halves = groups[:len(groups) // 2], groups[len(groups) // 2:]
        return [(self.sre.BRANCH, (None, [
            self.sequence([self.behind([self.one_of([char for chars, _ in half
                                                     for char in chars])]),
                           *self.told_apart(half)])
            for half in halves]))]

    def compiled(self, branches_of: dict[str, int],
                 groups: list[tuple[list[str], list[Any]]]) -> re.Pattern[str]:
        """The rewritten pattern, compiled with ftfy's flags: a class of every trigger
        character, then the group's items told apart by the one matched."""
        led = self.sequence([self.one_of(sorted(branches_of)), *self.told_apart(groups)])
        pattern: re.Pattern[str] = self.compiler.compile(led, BADNESS_RE.flags)
        return pattern


def _add_trigger(branches_of: dict[str, int], spans: list[tuple[int, int]],
                 index: int) -> None:
    """Mark each character of ``spans`` in ``branches_of`` as a trigger of branch
    ``index`` (its bit)."""
    for low, high in spans:
        for code in range(low, high + 1):
            branches_of[chr(code)] = branches_of.get(chr(code), 0) | 1 << index


@cache
def _badness() -> _Badness:
    """ftfy's badness pattern rewritten to start at the characters without which it
    cannot match.

    Each alternative (branch) of the pattern has at least one position that only
    non-ASCII characters fill (``[ÂÃÎÐ]``, the C1 range, ...); of them, its trigger is
    the one whose characters are rarest in clean text (``_rarity``). The rewritten
    pattern is a class of every trigger character, then the branches the character just
    matched is a trigger of: each as its items before the trigger in a look-behind
    (ending with ``.``, the trigger, never a line break), then its items after the
    trigger (a ``\\s?`` before a trigger makes two look-behinds, without and with it).
    A branch matches from ``s`` with its trigger at ``i`` exactly when the rewritten
    pattern matches at ``i`` (``^`` in a look-behind is still the start of the text,
    and the same flags are compiled in), so the rewritten pattern matches somewhere
    exactly when ftfy's does. As it starts with a class, the regex engine skips, in C,
    every character that is not a trigger, and tries branches only at triggers: no
    Python work per trigger, no branch tried at every position.

    The branches to try are told apart by look-behinds for the trigger characters of
    each set of branches (about 30 sets), nested in halves: ~10 short look-behinds run
    at a trigger instead of ~30.

    The triggers are read from the parsed pattern, so they follow ftfy's updates; should
    the parser's shape ever differ, ftfy's own pattern is searched (the same answers,
    only slower). Built on first use (~25 ms).
    """
    fallback = _Badness(BADNESS_RE, {})
    try:
        rewriting = _BadnessRewriting()
        branches_of: dict[str, int] = {}
        #: Per branch: its items before its trigger (per count of each optional item) and
        #: after it.
        around: list[tuple[list[list[Any]], list[Any]]] = []
        for index, branch in enumerate(rewriting.branches()):
            at, spans = rewriting.trigger(branch)
            _add_trigger(branches_of, spans, index)
            around.append(rewriting.around(branch, at))
        pattern = rewriting.compiled(branches_of, rewriting.groups(branches_of, around))
    except _NotTakenApart:
        return fallback
    except (ImportError, AttributeError, LookupError, TypeError, ValueError, re.error):
        # a private module of another shape (names gone, items of other forms) or a
        # look-behind of no fixed width: the safe fallback
        if strict():
            raise
        return fallback
    return _Badness(pattern, branches_of)


#: Page and line breaks of word processors: they separate words, so they become LF.
_BREAK_CONTROLS = {0x0B: "\n", 0x0C: "\n"}
#: The information separators: FS, GS and RS end a line to ``str.splitlines`` and become
#: LF; US, which separates units within a line, becomes a space. All four are whitespace
#: to ``str.split``, which counts the words, so they separate words.
#: U+2029 PARAGRAPH SEPARATOR, a separator too, becomes a blank line, the paragraph break
#: it stands for (QA: ftfy's one LF merged the paragraphs it separated, and a title was not
#: taken); line-endings leaves it to this step when the step runs (:data:`_LEAVES_TO`).
_SEPARATORS = {0x1C: "\n", 0x1D: "\n", 0x1E: "\n", 0x1F: " ", 0x2029: "\n\n"}
_SEPARATOR_CHARS = "".join(map(chr, _SEPARATORS))
_ZERO_WIDTH_CHARS = "\u200b\u2060\u180e\ufeff"
_ZERO_WIDTH = re.compile(f"[{_ZERO_WIDTH_CHARS}]")
#: The characters ftfy's ``fix_line_breaks`` replaces (checked against it in the tests).
_LINE_BREAKS = "\r\u2028\u2029\x85"
_NBSPS = re.compile("[\u00a0\u2007\u202f]")
_SPACE_RUNS = re.compile(r"[ \t]{2,}|\t")
#: A line break followed by one or more blank lines (whitespace only, as ``str.isspace``).
_BLANK_RUNS = re.compile(r"\n(?:[^\S\n]*\n)+")
#: The start of a run of :data:`_BLANK_RUNS` that is not a single empty line: a blank line
#: holding whitespace, or two blank lines or more. A text holding none is its own
#: substitution (each run is the whole ``\n\n`` it is replaced by).
_BLANK_RUNS_TO_CHANGE = re.compile(r"\n(?:[^\S\n]+\n|\n[^\S\n]*\n)")


def looks_bad(text: str) -> bool:
    """ftfy's ``is_bad(text)``, searching its pattern rewritten to start at its trigger
    characters (see ``_badness``): same answer (tested), several times faster, as most
    text holds few triggers."""
    return mojibake_at(text) >= 0


def mojibake_at(text: str) -> int:
    """Where :func:`looks_bad` finds the first sign of mojibake in ``text`` (at or just
    after it), or -1."""
    found = _badness().pattern.search(text)
    return -1 if found is None else found.start()


#: The modules of ftfy that ask ``is_bad``, and how many :func:`_ftfy_asking_looks_bad`
#: blocks are running (in any thread), under the lock.
_FTFY_ASKERS = (ftfy, fixes)
_ASKING = threading.Lock()
_asking = 0


#: ftfy's own ``fix_encoding``, which its ``decode_inconsistent_utf8`` calls (by the
#: module's name) on each piece of mojibake inside a line it cannot repair whole.
_ftfy_fix_encoding = ftfy.fix_encoding


#: Pieces up to this long are remembered (words and phrases recur; the memory is bounded:
#: 65,536 pieces of at most 2 x 200 characters).
_REMEMBERED_PIECE_CHARS = 200


@lru_cache(maxsize=1 << 16)
def _fixed_piece(piece: str) -> str:
    return _ftfy_fix_encoding(piece)


def _fix_encoding_remembered(text: str, config: Any = None, **kwargs: Any) -> str:
    """``ftfy.fix_encoding``, its answers for its default settings remembered: those are
    the calls ftfy makes on the pieces of a line, words that recur from line to line and
    from document to document (a pure function of the piece, so the same answers)."""
    if config is None and not kwargs and len(text) <= _REMEMBERED_PIECE_CHARS:
        return _fixed_piece(text)
    return _ftfy_fix_encoding(text, config, **kwargs)


def _ftfy_is_ours() -> bool:
    """Whether ftfy still asks ``is_bad`` and ``fix_encoding`` by those names (each
    ftfy's own, or corpuskit's while a block below runs)."""
    return all(getattr(module, "is_bad", None) in (_ftfy_is_bad, looks_bad)
               for module in _FTFY_ASKERS) and getattr(ftfy, "fix_encoding", None) in (
        _ftfy_fix_encoding, _fix_encoding_remembered)


def _hand_ftfy(ours: bool) -> None:
    for module in _FTFY_ASKERS:
        module.is_bad = looks_bad if ours else _ftfy_is_bad  # type: ignore[attr-defined]
    ftfy.fix_encoding = _fix_encoding_remembered if ours else _ftfy_fix_encoding


@contextmanager
def _ftfy_asking_looks_bad() -> Iterator[None]:
    """While in this block, ftfy asks :func:`looks_bad` where it asks its ``is_bad``, and
    remembers its repairs of pieces of lines (:func:`_fix_encoding_remembered`).

    Repairing a line, ftfy asks ``is_bad`` of it and again of its repair (and of pieces of
    it): those searches of its badness pattern were most of the time normalization spends
    on a document with mojibake. :func:`looks_bad` answers exactly as ``is_bad`` does (the
    tests hold it to that on every branch of the pattern), several times faster, so ftfy
    repairs the same way, only sooner. A line it cannot repair whole (mojibake that lost
    bytes, as cp1252 read with errors ignored leaves it) it repairs piece by piece, each
    piece with a full ``fix_encoding``: 2 ms a document of such Cyrillic, 16 times the
    cost of mojibake repaired whole, before the pieces' repairs were remembered. ftfy is
    handed both only while corpuskit repairs text (module names rebound, then put back
    when the last block in any thread ends): another thread's call to ftfy meanwhile gets
    the same answers too.
    """
    global _asking
    if not _ftfy_is_ours():
        yield  # an ftfy that no longer asks by those names: leave it as it is
        return
    with _ASKING:
        if not _asking:
            _hand_ftfy(True)
        _asking += 1
    try:
        yield
    finally:
        with _ASKING:
            _asking -= 1
            if not _asking:
                _hand_ftfy(False)


def _after_fork_in_child() -> None:
    """A process forked while a thread was in :func:`_ftfy_asking_looks_bad` holds no such
    thread: it starts with ftfy's own functions and a lock no one holds."""
    global _ASKING, _asking
    _ASKING = threading.Lock()
    _asking = 0
    if _ftfy_is_ours():
        _hand_ftfy(False)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


#: Lines repaired already: a line → what ftfy makes of it. Each line is repaired on its
#: own, so a line's repair is the same in any text; a caller that repairs the same lines
#: more than once (decode, choosing among code pages) keeps one.
Repairs = dict[str, str]


#: Per thread, the last text fix-encoding-short-lines returned as it was handed it and
#: whether it looks bad: fix-encoding, the next step, asks the same of the same text (the
#: same object), a search of all of it, for every document with a character beyond ASCII.
#: Taken (and dropped) by the next :func:`fix_encoding` of the thread.
_TOLD = threading.local()


def _tell_looks_bad(text: str, bad: bool) -> str:
    _TOLD.verdict = (text, bad)
    return text


def _text_looks_bad(text: str) -> bool:
    """:func:`looks_bad` of ``text``, as told by :func:`_tell_looks_bad` if that was this
    very text."""
    told: tuple[str, bool] | None = getattr(_TOLD, "verdict", None)
    if told is None:
        return looks_bad(text)
    _TOLD.verdict = None
    return told[1] if told[0] is text else looks_bad(text)


#: The line breaks the mojibake repair cuts a text at, each line judged alone, other than
#: LF: every one that a record holds as LF (CRLF as one break; VT and FF, which
#: remove-control-chars, and FS, GS and RS, which separator-breaks make LF). The repair runs
#: before those steps, and ftfy judges what it is handed as a whole: a CR-only or U+2028
#: file, handed as one line, was left half repaired where its LF form was repaired in full
#: (QA). NEL (U+0085) is no break here: the repair reads it as the cp1252 byte it most
#: often is (``…``).
_OTHER_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\u2028\u2029"
_LINE_BREAK = re.compile(f"\r\n|[\n{_OTHER_BREAKS}]")


def lines_of(text: str) -> list[str]:
    """``text`` cut at each of its line breaks (LF and :data:`_OTHER_BREAKS`), the breaks
    left out."""
    if not any(char in text for char in _OTHER_BREAKS):  # most text: fast
        return text.split("\n")
    return _LINE_BREAK.split(text)


def with_lines(text: str, lines: list[str]) -> str:
    """``text`` with its lines (as :func:`lines_of` gives them) replaced by ``lines``, its
    line breaks kept."""
    if not any(char in text for char in _OTHER_BREAKS):
        return "\n".join(lines)
    breaks = _LINE_BREAK.findall(text)
    return "".join(itertools.chain.from_iterable(zip(lines, [*breaks, ""], strict=True)))


def fix_encoding(text: str, repairs: Repairs | None = None) -> str:
    """Repair mojibake (UTF-8 read as cp1252 and the like) line by line with ftfy, whatever
    the line breaks (:func:`lines_of`); ``repairs``: lines repaired already, looked up and
    added to."""
    if text.isascii() or not _text_looks_bad(text):
        return text
    lines = lines_of(text)
    changed = False
    with _ftfy_asking_looks_bad():
        for i, line in enumerate(lines):
            if line.isascii():
                continue
            fixed = _repair(line, repairs)
            if fixed != line:
                lines[i] = fixed
                changed = True
    return with_lines(text, lines) if changed else text


def fix_encoding_line(line: str, repairs: Repairs | None = None) -> str:
    """What :func:`fix_encoding` makes of ``line``, a line of a text that looks bad (one
    of its lines as :func:`lines_of` cuts it): each line is repaired on its own, the
    same way."""
    if line.isascii():
        return line
    with _ftfy_asking_looks_bad():
        return _repair(line, repairs)


def _repair(line: str, repairs: Repairs | None) -> str:
    """ftfy's repair of ``line`` (:func:`_ftfy_repair`), from ``repairs`` if it holds it,
    else added to it."""
    if repairs is None:
        return _ftfy_repair(line)
    fixed = repairs.get(line)
    if fixed is None:
        fixed = repairs[line] = _ftfy_repair(line)
    return fixed


def _ftfy_repair(line: str) -> str:
    """ftfy's repair of ``line`` (in a :func:`_ftfy_asking_looks_bad` block) with its
    settings for that line (:func:`_ftfy_config`); ``line`` as it is if that repair took a
    ``?`` for a lost byte (:func:`_lost_nothing`): leaving mojibake loses no text."""
    fixed = ftfy.fix_encoding(line, _ftfy_config(line))
    return fixed if _lost_nothing(line, fixed) else line


#: A transcoding plan of ftfy's: the code pages whose reading of UTF-8 it undoes, in order
#: (each: encode with the code page, decode as UTF-8; more than one for mojibake of mojibake).
#: A sloppy code page's byte 1A, ftfy's mark of a lost byte, is read as ftfy's repair
#: reads it (:data:`_LOSSY_STEP`).
Transcoding = tuple[str, ...]
#: The decodings of such a plan: ftfy decodes as ``utf-8-variants`` bytes it holds CESU-8
#: or Java's null in; the plan is applied decoding strict UTF-8 only.
_UTF8_DECODINGS = frozenset({"utf-8", "utf-8-variants"})
#: ftfy's step, after encoding with a sloppy code page, that reads its byte 1A (and the
#: UTF-8 sequence it cuts short) as U+FFFD (``replace_lossy_sequences``): a plan's
#: transcoding does it too (:func:`_transcoded`), so a plan holding it is still plain.
_LOSSY_STEP = ("transcode", "replace_lossy_sequences")


def fix_encoding_short_lines(text: str) -> str:
    """Repair a line too short for ftfy to find its mojibake (a title ``SiÄ™ Publiczny``
    beside paragraphs ftfy repairs) with a plan ftfy repairs another line of the text with.

    A line is repaired when ftfy finds no mojibake in it (it holds non-ASCII characters
    but does not look bad), some other line of the text is one ftfy repairs by plain
    transcoding (encode with a code page, decode as UTF-8: ``sloppy-windows-1252``, ...;
    its plan, as ``ftfy.fix_encoding_and_explain`` gives it), and that transcoding reads
    the line whole: every character encodes in the code page, the bytes are strict UTF-8,
    and the result differs and does not look bad. The plans are tried in the order of the
    lines ftfy repairs with them, the first that reads the line is used. A text with no line
    ftfy repairs is left as it is, and so is any line the transcoding does not read whole
    (``Crème brûlée``, ``Się``: characters outside the code page, or bytes no UTF-8).

    ftfy names the first of its code pages that repairs a line: latin-1 for Swedish
    ``fÃ¶reslÃ¥r``, which windows-1252 repairs alike, though a title ``Ã…rsrapport`` of
    the same text needs windows-1252 (QA: left as it was). A line no plan of ftfy's reads
    is read, failing those, with a plan of ftfy's code pages that repairs every line ftfy
    repaired with one of its plans exactly as that plan does (:func:`_reads_alike`).

    The lines ftfy repairs are left to :func:`fix_encoding`, which runs next (each line on
    its own, as decoding judges them): the two run only together (``_NEEDS``).
    """
    if text.isascii():
        return text
    if not looks_bad(text):
        return _tell_looks_bad(text, False)
    lines = lines_of(text)  # each judged alone, whatever its break, as fix-encoding does
    unseen = [i for i, line in enumerate(lines) if not line.isascii() and not looks_bad(line)]
    if not unseen:
        return _tell_looks_bad(text, True)
    plans: list[Transcoding] = []
    repaired: dict[Transcoding, list[str]] = {}  # a plan: the lines ftfy repairs with it
    alike: list[Transcoding] | None = None  # found once every plan is known
    with _ftfy_asking_looks_bad():
        # The plans are found only as far as the lines need them (ftfy's repair of the
        # first line it repairs usually reads all of them).
        more = ((plan, line) for line in lines if not line.isascii() and looks_bad(line)
                for plan in [_transcoding(line)] if plan is not None)
        changed = False
        for i in unseen:
            line = lines[i]
            fixed = next((read for plan in plans
                          if (read := _read_with(line, plan)) is not None), None)
            while fixed is None and (found := next(more, None)) is not None:
                plan = found[0]
                repaired.setdefault(plan, []).append(found[1])
                if plan not in plans:
                    plans.append(plan)
                    fixed = _read_with(line, plan)
            if fixed is None:  # every line ftfy repairs was read: each plan's are known
                if alike is None:
                    alike = list(dict.fromkeys(
                        other for plan in plans for other in _other_plans(plan)
                        if other not in plans and _reads_alike(plan, other, repaired[plan])))
                fixed = next((read for other in alike
                              if (read := _read_with(line, other)) is not None), None)
            if fixed is not None:
                lines[i] = fixed
                changed = True
    return with_lines(text, lines) if changed else _tell_looks_bad(text, True)


def _transcoding(line: str) -> Transcoding | None:
    """The code pages of ftfy's repair of ``line`` when it is plain transcoding (see
    :data:`Transcoding`), else None (no repair, or one that also rewrites bytes or text)."""
    explanation = ftfy.fix_encoding_and_explain(
        line, _ftfy_config(line, explain=True)).explanation or []
    steps = [(step.action, step.parameter) for step in explanation
             if (step.action, step.parameter) != _LOSSY_STEP]
    encodes, decodes = steps[0::2], steps[1::2]
    if not steps or len(encodes) != len(decodes) or any(
            action != "encode" for action, _ in encodes) or any(
            action != "decode" or codec not in _UTF8_DECODINGS for action, codec in decodes):
        return None
    return tuple(codec for _, codec in encodes)


def _other_plans(plan: Transcoding) -> Iterator[Transcoding]:
    """The plans of as many steps as ``plan`` (at most two, as ftfy's of mojibake of
    mojibake) of ftfy's code pages (its ``CHARMAP_ENCODINGS``, in its order), but it."""
    if len(plan) <= 2:
        yield from (other for other in itertools.product(CHARMAP_ENCODINGS, repeat=len(plan))
                    if other != plan)


def _reads_alike(plan: Transcoding, other: Transcoding, lines: list[str]) -> bool:
    """Whether ``other`` reads each of ``lines``, the lines ftfy repairs with ``plan``,
    exactly as ``plan`` does: ftfy names the first code page it tries that repairs a line
    (latin-1), and one after it that repairs it alike (windows-1252, which encodes those
    characters so) is as much its repair."""
    return all((read := _transcoded(line, plan)) is not None
               and _transcoded(line, other) == read for line in dict.fromkeys(lines))


def _read_with(line: str, plan: Transcoding) -> str | None:
    """``line`` transcoded by ``plan`` strictly, when that reads it whole and leaves no
    mojibake, else None."""
    read = _transcoded(line, plan)
    return read if read is not None and read != line and not looks_bad(read) else None


def _transcoded(line: str, plan: Transcoding) -> str | None:
    """``line`` transcoded by ``plan`` strictly, or None if it cannot be. Where ``line``
    holds a sign of a lost byte (:func:`_holds_lost_byte_sign`), a sloppy code page's byte
    1A is read as ftfy's repair of such a line reads it (:data:`_LOSSY_STEP`), so a U+FFFD
    of the line stays one (QA: it became U+001A, which remove-control-chars deleted); a
    reading that so took a ``?`` for a lost byte is none (:func:`_lost_nothing`)."""
    lossy = _holds_lost_byte_sign(line)
    read = line
    try:
        for codec in plan:
            encoded = read.encode(codec)
            if lossy and codec.startswith("sloppy"):
                encoded = fixes.replace_lossy_sequences(encoded)
            read = encoded.decode("utf-8")
    except UnicodeError:
        return None
    return read if _lost_nothing(line, read) else None


# Most text holds none of the few characters the next steps replace. Asking ``char in
# text`` for each is a fast substring search, several times faster than a regex class
# tried at every position (or than str.replace, which prepares more before searching).

def remove_bom(text: str) -> str:
    """Drop byte order marks (U+FEFF) left inside the text."""
    return text.replace("\ufeff", "") if "\ufeff" in text else text


def line_endings(text: str) -> str:
    """CRLF, CR, NEL, U+2028 and U+2029 become LF (ftfy's ``fix_line_breaks``): the step
    with separator-breaks skipped, as every build made it before that step made U+2029 a
    blank line (:func:`line_endings_but_paragraphs` runs when it is not)."""
    if not any(char in text for char in _LINE_BREAKS):
        return text
    return fixes.fix_line_breaks(text)


def line_endings_but_paragraphs(text: str) -> str:
    """line-endings when separator-breaks runs: CRLF, CR, NEL and U+2028 become LF, and
    U+2029 PARAGRAPH SEPARATOR is left to separator-breaks, which makes it a blank line.
    (QA: 017dcde made it a blank line in line-endings itself, a step older packages
    record, so those holding U+2029 no longer replayed as built.)"""
    if "\u2029" not in text:
        return line_endings(text)
    # No CRLF spans a U+2029, so each piece between them is made LF on its own.
    return "\u2029".join(map(line_endings, text.split("\u2029")))


def separator_breaks(text: str) -> str:
    """FS, GS and RS (U+001C-U+001E) become LF and US (U+001F) a space, so the words they
    separate stay apart (QA: remove-control-chars deleted them, gluing 'alpha<FS>beta' into
    one word); U+2029 PARAGRAPH SEPARATOR becomes a blank line. A step of its own, not a
    change of remove-control-chars or line-endings: a package built before it records no
    such step, so --reproduce replays its records as they were made, separators deleted
    and U+2029 one LF."""
    if not any(char in text for char in _SEPARATOR_CHARS):
        return text
    return text.translate(_SEPARATORS)


def remove_control_chars(text: str) -> str:
    """Remove control characters except tab and LF (ftfy's list, plus C1); form feed and
    vertical tab (page and manual line breaks) become LF, so the words they separate stay
    apart. ftfy's list also holds characters that are no controls (U+206A-U+206F,
    U+FFF9-U+FFFC): removed too, as the README lists them (QA: it said control characters
    only)."""
    if not _ANY_CONTROL.search(text):
        return text
    if "\x0b" in text or "\x0c" in text:
        text = text.translate(_BREAK_CONTROLS)
    return C1_CONTROLS.sub("", fixes.remove_control_chars(text))


def remove_zero_width(text: str) -> str:
    """Remove zero-width spaces and word joiners (ZWJ and ZWNJ, which carry meaning, stay)."""
    if not any(char in text for char in _ZERO_WIDTH_CHARS):
        return text
    return _ZERO_WIDTH.sub("", text)


#: Texts up to this many characters are made NFC whole (:func:`nfc`), longer ones line by
#: line.
_NFC_WHOLE_CHARS = 1 << 20


def nfc(text: str) -> str:
    """Unicode NFC (no character composes with LF: line by line it is the same).

    ``unicodedata.normalize`` returns the text itself when its quick check finds every
    character NFC, as in most text, and stops checking at the first it is unsure of (a
    combining mark), which ``is_normalized`` does not: it normalized such a text whole to
    compare, then each line again. A document in NFD took 101 µs, 41 now, its text
    normalized once (the kit's corpus); a text already NFC as before (3 µs). A text over
    :data:`_NFC_WHOLE_CHARS` is made NFC line by line (:func:`_nfc_by_lines`), as it was,
    so that no copy of all of it is made where a line would do."""
    if text.isascii():
        return text
    if len(text) > _NFC_WHOLE_CHARS:
        return _nfc_by_lines(text)
    return unicodedata.normalize("NFC", text)


def _nfc_by_lines(text: str) -> str:
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
    """Remove whitespace (Unicode's, NBSP included) at the end of every line. A text
    with none to remove is returned as it is, not joined again from its lines: a copy
    equal to it, made while its lines were held (three times a document's size, of a
    document of one long line: QA)."""
    lines = text.split("\n")
    trimmed = [line.rstrip() for line in lines]  # (a line with none: itself, no copy)
    if all(map(operator.is_, trimmed, lines)):
        return text
    del lines
    return "\n".join(trimmed)


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
        return _single_blank_lines(text[start:stop]) + "\n"
    # text[stop] is the LF that ends the last line, which is not blank: no blank run can
    # reach it, so it is kept in the substitution rather than added after it (a text that
    # needs no change is returned as it is, with no copy).
    return _single_blank_lines(text[start:stop + 1])


def _single_blank_lines(text: str) -> str:
    """Each run of blank lines in ``text`` one blank line; ``text`` itself if it has none
    but single empty lines, which stay as they are (``re.sub`` returns a copy even when it
    replaces nothing: a document of one long line was held once more, QA). Nearly every
    text's paragraphs are one empty line apart: telling that by one search, not a
    substitution of each by itself, took 3.2 µs to 1.2 (the kit's corpus)."""
    if _BLANK_RUNS_TO_CHANGE.search(text) is None:
        return text
    return _BLANK_RUNS.sub("\n\n", text)


#: Every step, in the order steps run. Structural steps always run (see ``ALWAYS``).
STEPS: dict[str, Callable[[str], str]] = {
    "fix-encoding-short-lines": fix_encoding_short_lines,
    "fix-encoding": fix_encoding,
    "remove-bom": remove_bom,
    "line-endings": line_endings,
    "separator-breaks": separator_breaks,
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
#: A step that leaves some characters to a later step when that one runs: the later step
#: and what the step runs then. line-endings leaves U+2029 to separator-breaks, which
#: makes it a blank line; with separator-breaks skipped (as a package built before it
#: records), line-endings makes it one LF, as such a package was built.
_LEAVES_TO = {"line-endings": ("separator-breaks", line_endings_but_paragraphs)}
#: Steps that run only when another one does too (config.STEP_NEEDS).
_NEEDS = STEP_NEEDS
#: Later steps can expose mojibake that fix-encoding did not see in the first pass (a control
#: character or zero-width space inside ``Ã©``, a combining tilde after ``A``); ftfy's output
#: in turn can need the other steps. Passes repeat until fix-encoding has nothing left to do.
_MAX_PASSES = 4


#: The steps that change only characters ``str.isprintable`` refuses (controls, format
#: characters, line and paragraph separators) or U+FFFC, which remove-control-chars
#: removes: a text holding none, but LF and tab, is left as it is by each (the tests hold
#: each step's characters to that, over every code point).
_UNPRINTABLE_ONLY = frozenset({"remove-bom", "line-endings", "separator-breaks",
                               "remove-control-chars", "remove-zero-width"})
#: Characters of a text looked at a time by :func:`_printable_but_lf_and_tab`.
_PRINTABLE_CHUNK = 1 << 20


def _printable_but_lf_and_tab(text: str) -> bool:
    """Whether every character of ``text`` but LF and tab is printable (``str.isprintable``)
    and none is U+FFFC: then no step of :data:`_UNPRINTABLE_ONLY` changes it.

    One scan in C tells it for the five steps, where each looked for its own characters
    (remove-control-chars with a regex class tried at every character): those steps took
    9.6 µs of a clean document of the kit's corpus, 88% of whose documents pass, and now
    3.4 µs or, for the others, 13. A megabyte at a time (the LFs made spaces in a copy), so
    that a document of many MB is not copied whole."""
    if "\ufffc" in text:
        return False
    for start in range(0, len(text), _PRINTABLE_CHUNK):
        piece = text[start:start + _PRINTABLE_CHUNK]  # (all of a short one, not copied)
        if not piece.replace("\n", " ").replace("\t", " ").isprintable():
            return False
    return True


def _one_pass(text: str, steps: tuple[str, ...], changed: list[str]) -> str:
    printable: bool | None = None  # _printable_but_lf_and_tab(text), asked when needed
    for name in STEPS:
        if name not in steps and name not in ALWAYS:
            continue
        if name in _NEEDS and _NEEDS[name] not in steps:
            continue
        if name in _UNPRINTABLE_ONLY:
            if printable is None:
                printable = _printable_but_lf_and_tab(text)
            if printable:
                continue  # (the step would return the text as it is)
        step = STEPS[name]
        if name in _LEAVES_TO and _LEAVES_TO[name][0] in steps:
            step = _LEAVES_TO[name][1]
        result = step(text)
        if result != text:
            if name not in changed:
                changed.append(name)
            text = result
            printable = None
        # A step's result equal to its input is dropped now, not held while the next
        # step runs (QA: a document of 50 MB was held once more so).
        del result
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
