"""How messages and cards put counts into words."""

from __future__ import annotations

import errno
import os
from contextlib import suppress
from pathlib import Path

#: A path that goes through a symbolic link that leads back to itself, as every command
#: says it (validate, info and diff of such a path; build's --out and --cache).
LINK_LOOP = "a symbolic link that leads back to itself (a loop of links)"


def counted(count: int, noun: str, *, grouped: bool = False) -> str:
    """``count`` and ``noun``, in the plural unless there is exactly one: ``1 document``,
    ``0 documents``, ``2 problems`` (corpuskit's nouns all take an ``s``); ``grouped``:
    the count with thousands separators (``12,500 documents``), as the data card has it."""
    shown = f"{count:,}" if grouped else str(count)
    return f"{shown} {noun}{'' if count == 1 else 's'}"


def command(name: str, *, seeds: object = None, out: object = None, dist: object = None,
            arguments: tuple[str, ...] = ()) -> str:
    """A corpuskit command line as advice gives it: ``corpuskit NAME ARGUMENTS`` and the
    folders it works on where they are not its defaults (``seeds``, ``dist``), so that it
    runs as shown from where the user ran the command that gives it: ``corpuskit build
    sY --out dY``; ``corpuskit release minor --seeds sY --out dY``; ``corpuskit check
    --seeds sY --dist dY``. Paths are quoted for a POSIX shell where they need it
    (:func:`shell_word`)."""
    words = ["corpuskit", name, *arguments]
    seeds_shown = None if seeds is None or str(seeds) == "seeds" else shell_word(str(seeds))
    if seeds_shown is not None:
        words += [seeds_shown] if name == "build" else ["--seeds", seeds_shown]
    for option, folder in (("--out", out), ("--dist", dist)):
        if folder is not None and str(folder) != "dist":
            words += [option, shell_word(str(folder))]
    return " ".join(words)


#: Characters a POSIX shell still reads inside double quotes.
_SPECIAL_IN_DOUBLE_QUOTES = frozenset('"$`\\!')


def given_as(option: str, value: object) -> str:
    """``value`` given as ``option``, as the caller wrote it: ``--out x.csv`` for a CLI
    option, ``out=x.csv`` for a Python argument (``option`` ``"out="``); a path nothing
    shows whole as :func:`shown_name` shows it (``--out " "``, QA s87)."""
    shown = shown_name(str(value))
    return f"{option}{shown}" if option.endswith("=") else f"{option} {shown}"


def shell_word(text: str) -> str:
    """``text`` as one word of a POSIX shell command line: as it is where it needs no
    quotes, else in double quotes where they suffice, else as :func:`shlex.quote` gives it;
    one holding what a message shows escaped, in ``$'...'`` (:func:`_ansi_c_quoted`).
    Advice shows its commands in single quotes ("run 'corpuskit build ...'"), and a path
    in single quotes within them read as the quotes' end ('corpuskit build 'my seeds'',
    QA)."""
    import shlex

    from .problems import one_line

    if one_line(text) != text:  # what a message escapes: $'...' reads the escapes (QA s87)
        return _ansi_c_quoted(text)
    quoted = shlex.quote(text)
    if quoted == text or _SPECIAL_IN_DOUBLE_QUOTES.intersection(text):
        return quoted
    return f'"{text}"'


def shown_name(name: str | os.PathLike[str]) -> str:
    """``name`` (a path, a file's name) as a message or a summary shows it: as it is where a
    reader sees all of it, else as :func:`shell_word` writes it, so that its ends and the
    characters nothing shows can be seen: a name that is blank or begins or ends with
    whitespace in quotes (``wrote " " (csv, ...)``: QA s87, ``--out " "`` was shown as
    nothing), one holding a control or an invisible character in ``$'...'``
    (``$'a\\tb'``, ``$'zw\\u200b'``), which reads back as the name and tells a backslash
    it holds from one of an escape. An ordinary name, inner spaces and all, is shown as
    it is; so is ``""`` (no name). A :class:`~pathlib.Path` is shown as its string is."""
    from .problems import one_line

    name = os.fspath(name)

    if name == "" or (name.strip() == name and one_line(name) == name):
        return name
    return shell_word(name)


#: The escapes ``$'...'`` reads (bash, zsh, ksh, POSIX 2024) that :func:`one_line` writes.
_SHORT_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _ansi_c_quoted(text: str) -> str:
    """``text`` as one word in ``$'...'`` (bash, zsh, ksh, and POSIX since 2024), in which
    the shell reads escapes: the bytes of a name that is not UTF-8 (``os.fsdecode``'s lone
    surrogates) as ``\\xNN``, and what :func:`~corpuskit.problems.one_line` escapes (a
    control character, an invisible one) as ``\\xNN`` or ``\\uXXXX``, which a message
    then shows as they are; in double or single quotes, those escapes were read as
    backslashes, and ``mkdir -p "nodir\\xfe"`` made another folder (QA s87)."""
    from .problems import one_line

    def escaped(char: str) -> str:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # a byte of a name that is not UTF-8
            return f"\\x{code - 0xDC00:02x}"
        if char in "\\'":
            return "\\" + char
        if one_line(char) == char:
            return char
        if char in _SHORT_ESCAPES:  # as a message shows them (new\nline.txt), bash as well
            return _SHORT_ESCAPES[char]
        if code < 0x80:
            return f"\\x{code:02x}"
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"

    return "$'" + "".join(escaped(char) for char in text) + "'"


def shown_in(target: str, kind: str, path: str) -> str:
    """``path`` (relative to ``target``, a ``package`` folder or an ``archive``) as a user
    finds it: ``dist/x-1.0.0/README.md``, ``dist/x-1.0.0.zip:README.md``; ``target`` for
    ``.`` (and for ``""``)."""
    if path in ("", "."):
        return target
    if kind == "archive":
        return f"{target}:{path}"
    return f"{target.rstrip('/')}/{path}"


def as_given(folder: Path, path: Path, given: Path) -> Path:
    """``folder``, a folder that holds the resolved ``path``, named as ``given`` (``path``
    as the user gave it) names it when one of its parents is that folder: messages name
    paths as given (QA: ``--out dist/x-1.0.0/a.csv`` was refused naming
    ``/home/.../dist/x-1.0.0``); else ``folder``."""
    up = len(path.parts) - len(folder.parts)
    if up < 0:
        return folder
    if up <= len(given.parents):
        named = given if up == 0 else given.parents[up - 1]
    elif given.is_absolute():
        return folder
    else:  # above the folder the command ran in: "--out ." names ".." as the releases'
        named = Path(*[".."] * (up - len(given.parents)))
    with suppress(OSError):
        if named.resolve() == folder:
            return named
    return folder


#: Significant digits past which a count or size a file states is larger than any a
#: package has (2**64 has 20 digits): it is read as none and shown cut.
COUNT_DIGITS = 20


def stated_count(digits: str) -> int | None:
    """The whole number ``digits`` (decimal digits, leading zeros allowed) states, or None
    past :data:`COUNT_DIGITS` significant digits: no package's count or size, and past 4300
    digits one ``int()`` refuses to read (a Payload-Oxum or contentSize of thousands of
    digits stopped validate with an internal-error, QA)."""
    significant = digits.lstrip("0") or "0"
    return int(significant) if len(significant) <= COUNT_DIGITS else None


def shown_count(digits: str) -> str:
    """``digits`` as a message shows the number: whole up to :data:`COUNT_DIGITS`
    significant digits, else cut, with how many digits it has."""
    count = stated_count(digits)
    if count is not None:
        return str(count)
    significant = digits.lstrip("0")
    return f"{significant[:COUNT_DIGITS]}... (a number of {len(significant):,} digits)"


def link_loop_on(path: Path) -> Path | None:
    """The first symbolic link on ``path`` (itself or a folder on its way) that leads back
    to itself, if its lookup meets one; else None. ``Path.resolve()`` raises RuntimeError
    ("Symlink loop") for such a path, and ``os.path.exists`` says it is missing (QA: a
    traceback from build's --out and --cache)."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            return None
    except ValueError:  # a NUL in it: no path at all
        return None
    else:
        return None
    for part in (*reversed(path.parents), path):
        try:
            os.stat(part)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return part
    return path
