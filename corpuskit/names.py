"""The file names a package may hold: one set of rules for ``build`` and ``validate``.

``build`` refuses a seeds file whose name would not unpack everywhere, or that manifests
cannot hold (:func:`check_name`, :func:`reserved_lookalike`), and names that a
case-insensitive or normalizing filesystem would merge (:func:`collisions`); it never
takes corpus.toml, CHANGELOG.md or a hidden file as a document (:func:`not_a_document`).
``validate`` holds the raw files of a package (``data/raw/<name>``, named as in the
seeds) to the same rules, and every file of a package folder or archive to the collision
rule, so that a package gets one verdict as a folder and as a zip
(:func:`raw_name_problems`, :func:`collision_problems`).
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from itertools import combinations, islice
from typing import Any

from .config import CHANGELOG_NAME, CONFIG_NAME
from .models import document_id
from .package import RAW_PREFIX
from .problems import Problem, invisible
from .visible import BIDI_CONTROL, BIDI_CONTROLS, BLANK_GLYPHS, DEFAULT_IGNORABLE, shows_text

#: Files at the top of a seeds folder that are configuration, not documents.
RESERVED_NAMES = frozenset({CONFIG_NAME, CHANGELOG_NAME})
#: Longest relative path accepted (bytes of UTF-8): fits zip, tar (ustar+pax) and most filesystems.
MAX_PATH_BYTES = 1024
#: What a package's raw file refused by these rules needs: its name comes from the seeds.
REBUILD = " in the seeds folder, then build the release again"


def collision_key(name: str) -> str:
    """Names equal under this key collide on case-insensitive or normalizing filesystems,
    or look the same: Unicode's default-ignorable characters (zero-width space U+200B,
    soft hyphen U+00AD, bidirectional marks, variation selectors, ...), which nothing
    shows, are not part of it (see :func:`caseless`)."""
    if name.isascii():  # NFC leaves ASCII as it is, and it holds no invisible character
        return name.casefold()
    return caseless(name)


def caseless(text: str) -> str:
    """:func:`collision_key` of ``text`` (a name, or names joined by "/"): Unicode's
    canonical caseless form (case-folded between two normalizations, as Unicode's
    canonical caseless matching does; NFC at the end), of ``text`` without the
    characters nothing shows. These go first: one between a letter and its accent (``e``,
    U+200B, U+0301) keeps the two from composing, and the name shows as ``é`` once it is
    gone."""
    decomposed = unicodedata.normalize("NFD", visible(text))
    return unicodedata.normalize("NFC", decomposed.casefold())


def shown_id(doc_id: str) -> str:
    """What a reader sees of a document id: its NFC form (an accent composed, as
    ``e`` + U+0301 shows as U+00E9), once the characters nothing shows are gone (first:
    see :func:`caseless`). Two ids that differ but show the same look alike
    (:func:`lookalike_ids`)."""
    if doc_id.isascii():
        return doc_id
    return unicodedata.normalize("NFC", visible(doc_id))


def visible(text: str) -> str:
    """``text`` without the characters nothing shows (Unicode's default-ignorable ones)."""
    shown: str = invisible().sub("", text)
    return shown


#: Names Windows keeps for devices, with or without an extension and in any case
#: (Microsoft's "Naming Files, Paths, and Namespaces" lists the 0 and superscript forms too).
WINDOWS_DEVICE_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{port}{n}" for port in ("COM", "LPT") for n in "0123456789\u00b9\u00b2\u00b3"}
)
#: Characters Windows does not allow in a name (besides control characters and "/").
WINDOWS_FORBIDDEN = '<>:"|?*\\'


#: Control characters (exactly Unicode's category Cc), the line and paragraph separators
#: (U+2028, U+2029: line breaks to ``str.splitlines``, which bagit-python's manifest reader
#: splits on) and the backslash.
_CONTROL_OR_BACKSLASH = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\\]")
_FORBIDDEN = re.compile("[" + re.escape(WINDOWS_FORBIDDEN) + "]")


@lru_cache(maxsize=4096)  # folder names recur on every file below them
def check_component(name: str, what: str, allow_percent: bool = False, *,
                    file: bool = False) -> str | None:
    """Why one name (of the file, or of a folder on its path) cannot be packaged, or None.

    ``what`` is "the file name" or "the folder name"; ``file``: the name is the file's,
    whose document id leaves out its extension. The rules make a package that unpacks on
    Linux, macOS and Windows alike, whose manifests BagIt tools and ``sha256sum -c`` read
    back as written, and whose document ids show. ``allow_percent``: '%' passes (see
    :func:`check_name`).
    """
    reasons: list[str] = []
    blank = _shows_nothing(name, what, file=file)
    if blank is not None:
        reasons.append(blank)
    found = _CONTROL_OR_BACKSLASH.search(name)
    if found is not None and found.group() in "\u2028\u2029":
        reasons.append(f"{what} {name!r} holds U+{ord(found.group()):04X} "
                       f"{unicodedata.name(found.group())}, a line break to manifest readers "
                       "(bagit-python's); rename it")
    elif found is not None:
        reasons.append(f"{what} {name!r} holds a line break, backslash or control character, "
                       "which manifests and Windows cannot hold; rename it")
    bidi = BIDI_CONTROL.search(name)
    if bidi is not None:
        reasons.append(f"{what} {name!r} holds U+{ord(bidi.group()):04X} "
                       f"{unicodedata.name(bidi.group())}, an invisible control that displays "
                       "the name in another order than it is spelled; rename it")
    if "%" in name and not allow_percent:
        reasons.append(f"{what} {name!r} holds '%', which BagIt manifests write as '%25' and "
                       "which bagit-python and 'sha256sum -c' then cannot find; rename it "
                       "without '%'")
    bad = sorted(set(_FORBIDDEN.findall(name)) - {"\\"})  # a backslash is said above
    if bad:
        shown = ", ".join(f"'{c}'" for c in bad)
        reasons.append(f"{what} {name!r} holds {shown}, which Windows does not allow in names "
                       f"(< > : \" | ? * \\); rename it")
    if name.endswith((".", " ")):
        reasons.append(f"{what} {name!r} ends with a dot or a space, which Windows drops from "
                       "names; rename it")
    elif name[-1:].isspace():
        last = name[-1]
        reasons.append(f"{what} {name!r} ends with U+{ord(last):04X} "
                       f"{unicodedata.name(last, 'WHITESPACE')}, whitespace that bagit-python "
                       "strips from the end of a manifest line, so it looks for another file; "
                       "rename it")
    if name.split(".", 1)[0].rstrip(" ").upper() in WINDOWS_DEVICE_NAMES:
        reasons.append(f"{what} {name!r} is a device name on Windows (CON, PRN, AUX, NUL, "
                       "COM0-9, LPT0-9, with any extension), which no file there can have; "
                       "rename it")
    # Every rule it breaks, in one message (QA: 'a:b%c.txt' was told of its '%' only, and
    # of its ':' by the next run, once renamed).
    return "; and ".join(reasons) if reasons else None


def _shows_nothing(name: str, what: str, *, file: bool) -> str | None:
    """Why ``name`` is refused if the part of it a document id holds (a file's name
    without its extension, a folder's whole name) shows nothing, as a blank title or
    text is refused (:func:`corpuskit.visible.shows_text`), else None. An id of U+200B, or
    one under a folder of U+2800, showed as nothing in every listing, diff and data viewer
    (QA: seeds 3); one such character in a name that shows (a Persian ZWNJ) is fine."""
    shown = document_id(name) if file else name
    if shows_text(shown):
        return None
    rest = name[len(shown):]
    but = f" but its extension {rest!r}" if rest else ""
    # (repr escapes U+200B, not U+2800, printable though it shows as a blank)
    spelled = "" if repr(name).isascii() else f" (as escapes, {escaped(name)})"
    ids = ("the document id it gives shows as nothing wherever it is listed" if file else
           "the document ids under it begin with a folder that shows as nothing")
    return (f"{what} {name!r}{spelled} shows nothing{but}: it holds only characters drawn "
            "as nothing (whitespace, zero-width or default-ignorable ones, or blanks such as "
            f"U+2800 BRAILLE PATTERN BLANK), so {ids}; rename it")


#: Paths that pass every rule of :func:`check_component` on sight: ASCII letters, digits,
#: ``_`` and ``-`` in dot-separated parts, no name a Windows device name. Most corpora name
#: their files like this; any other path gets the full check (tested to agree).
_PLAIN_COMPONENT = (r"(?!(?i:CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])(?:[./]|\Z))"
                    r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*")
PLAIN_PATH = re.compile(f"{_PLAIN_COMPONENT}(?:/{_PLAIN_COMPONENT})*")


def names_read_as_utf8() -> bool:
    """Whether Python reads file names as UTF-8 here (a UTF-8 locale, or PYTHONUTF8=1)."""
    return sys.getfilesystemencoding().lower().replace("-", "").replace("_", "") == "utf8"


def locale_misreads(relpath: str) -> str | None:
    """What to do if ``relpath``, a name Python read in another encoding than UTF-8 (the
    locale's: ASCII in a C or POSIX locale, Latin-1, EUC-JP, ...; with PYTHONUTF8 unset or
    0), is UTF-8 all the same: its characters are not those its bytes spell in UTF-8, the
    encoding of every name in a package. None if it is ASCII, if Python reads names as
    UTF-8, or if its bytes are not UTF-8 either."""
    if relpath.isascii() or names_read_as_utf8():
        return None
    try:
        os.fsencode(relpath).decode("utf-8")
    except (UnicodeDecodeError, UnicodeEncodeError):
        return None
    return (f"the name is UTF-8, but Python reads file names as "
            f"{sys.getfilesystemencoding()} here (the locale's encoding, with PYTHONUTF8 "
            "unset or 0); run corpuskit with PYTHONUTF8=1 or a UTF-8 locale "
            "(LC_ALL=C.UTF-8)")


def name_shown(relpath: str) -> str:
    """``relpath`` as a problem names it: as its bytes spell in UTF-8, the encoding of
    every name in a package, where Python read names in another encoding. Under a Latin-1
    locale, ``café.txt`` was named ``cafÃ©.txt`` (QA); bytes that are not UTF-8 are shown
    as ``\\xNN`` escapes, as :func:`~corpuskit.problems.printable` shows them."""
    if relpath.isascii() or names_read_as_utf8():
        return relpath
    try:
        return os.fsencode(relpath).decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # not a name Python read from the file system
        return relpath


def _not_utf8(relpath: str) -> str:
    """Why a name Python could not decode as UTF-8 is refused, and what to do."""
    misread = locale_misreads(relpath)
    if misread is not None:
        return misread
    return ("the name is not valid UTF-8 (the bytes that are not are shown as \\x "
            "escapes), so it cannot be written in the UTF-8 manifests of a package; "
            "rename the file")


def check_name(relpath: str, *, allow_percent: bool = False) -> str | None:
    """Why a file's path cannot be packaged, or None; every folder on the path counts.

    ``allow_percent`` lets '%' through: ``validate`` decodes the ``%25`` of manifests
    (RFC 8493) that other BagIt tools write; only ``build`` refuses it, for the tools that
    do not.
    """
    if len(relpath) <= MAX_PATH_BYTES and PLAIN_PATH.fullmatch(relpath):
        return None  # ASCII: as many bytes as characters
    if not relpath.isascii() and not names_read_as_utf8():
        # Read in the locale's encoding: a UTF-8 name is misread, any other is no UTF-8.
        return _not_utf8(relpath)
    try:
        encoded = relpath.encode("utf-8")
    except UnicodeEncodeError:
        return _not_utf8(relpath)
    if len(encoded) > MAX_PATH_BYTES:
        return f"the path is longer than {MAX_PATH_BYTES} bytes; shorten it"
    *folders, name = relpath.split("/")
    for folder in folders:
        reason = check_component(folder, "the folder name", allow_percent)
        if reason:
            return reason
    return check_component(name, "the file name", allow_percent, file=True)


_RESERVED_KEYS = {collision_key(name): name for name in sorted(RESERVED_NAMES)}


def reserved_lookalike(relpath: str) -> str | None:
    """Why a document (or the top folder it is in) is refused for differing from
    corpus.toml or CHANGELOG.md only in case or Unicode normalization, or None. On
    macOS or Windows the two are one name: the file would be read as the configuration
    or the changelog there, and as a document here."""
    top = relpath.partition("/")[0]
    reserved = _RESERVED_KEYS.get(collision_key(top))
    if reserved is None or top == reserved:
        return None
    what = "the file" if top == relpath else "the folder"
    ways = _difference(top, [reserved])
    spelled = "" if top.isascii() else f": as escapes, {escaped(top)}"
    said = f"{what} {top} differs from {reserved} only in {_worded(ways)}{spelled}"
    if "invisible" not in ways:
        return (f"{said}; on many filesystems (macOS, Windows) it and {reserved} are one "
                "name: rename it")
    if "case" not in ways:
        return f"{said}; it looks like {reserved}: rename it"
    return f"{said}; it is easily taken for {reserved}: rename it"


def is_hidden(name: str) -> bool:
    """Whether a file or folder ``name`` is hidden: a build skips it, and a folder is not
    walked (:func:`corpuskit.discover.skip_reason`)."""
    return name.startswith(".")


def not_a_document(relpath: str) -> str | None:
    """Why no build takes the seeds file ``relpath`` as a document, whatever it holds, or
    None: it is corpus.toml or CHANGELOG.md at the top of the seeds folder (read as its
    configuration and changelog, which a build refuses as a folder), or hidden, or in a
    hidden folder (skipped). A package's raw file of such a name is none a build made."""
    *folders, name = relpath.split("/")
    top = folders[0] if folders else name
    if top in RESERVED_NAMES:
        what = f"the folder {top}" if folders else f"the file {top}"
        return (f"{what} at the top of the seeds folder is read as the corpus's "
                f"{'configuration' if top == CONFIG_NAME else 'changelog'}, never as a "
                "document, so no build packages such a file; if it is a document, rename it")
    if is_hidden(name):
        what = f"the file {name} is"
    else:
        hidden = next((folder for folder in folders if is_hidden(folder)), None)
        if hidden is None:
            return None
        what = f"it is in the folder {hidden}, which is"
    return (f"{what} hidden (its name starts with '.'): a build skips hidden files and "
            "folders, so no build packages such a file; if it is a document, rename it")


# -- many names at once -------------------------------------------------------------------

#: Bytes of an ASCII path that some rule of :func:`check_component` refuses (with '%').
_REFUSED_ASCII = bytes(range(0x20)) + b"\x7f" + WINDOWS_FORBIDDEN.encode() + b"%"
_REFUSED_ASCII_BUT_PERCENT = _REFUSED_ASCII[:-1]
_REFUSED_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029%" + BIDI_CONTROLS
                                + re.escape(WINDOWS_FORBIDDEN) + "]")
_REFUSED_CHARACTER_BUT_PERCENT = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029" + BIDI_CONTROLS
                                            + re.escape(WINDOWS_FORBIDDEN) + "]")
#: Whitespace ending a name (before a "/" of the joined paths, or at their end).
_SPACE_AT_END = re.compile(r"\s(?:/|\Z)")
#: A name beginning with characters that may show nothing (all a name holds, before a dot,
#: "/" or the end): the full check looks at it (:func:`_shows_nothing`). Whitespace in
#: ASCII; in any text, the characters :func:`corpuskit.visible.shows_text` passes over.
_BLANK_START_ASCII = re.compile(rb"(?:\A|/) +(?:[./]|\Z)")


@lru_cache(maxsize=1)
def _blank_start() -> Any:
    """:data:`_BLANK_START_ASCII` for any text (the ``regex`` module knows the categories;
    the default-ignorable characters are :mod:`corpuskit.visible`'s, whatever Unicode
    version the module has)."""
    import regex

    ignorable = "".join(f"{re.escape(chr(first))}-{re.escape(chr(last))}"
                        for first, last in DEFAULT_IGNORABLE)
    return regex.compile(r"(?:\A|/)[\p{Z}\p{Cc}\p{Cf}\p{Cs}" + ignorable + BLANK_GLYPHS
                         + r"]+(?:[./]|\Z)")


#: A device name starting a name (after the "/" joined paths are given), in upper case.
_DEVICE = r"/(?:CON(?:IN\$|OUT\$)?|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³]) *(?:[./]|\Z)"
_DEVICE_ASCII = re.compile(_DEVICE.replace("¹²³", "").encode())
_DEVICE_ANY = re.compile(_DEVICE)
_RESERVED_ASCII = tuple(name.upper().encode() for name in sorted(RESERVED_NAMES))


def _plain_paths(paths: Sequence[str], allow_percent: bool, skip: int = 0) -> bool:
    """True if :func:`check_name`, :func:`reserved_lookalike` and :func:`not_a_document`
    accept every path, seen from a few scans in C of the paths joined by "/" (each rule
    leaves a trace there: a refused character, a dot or space before a "/" or at the end,
    "/" and a device name, a reserved name in any case, a "." after a "/" or first);
    False if one of them may refuse a path. ``skip``: each
    path starts with that many characters of folders the rules accept (``data/raw/``),
    which are not part of the name checked."""
    joined = "/".join(paths)
    longest = max(map(len, paths), default=skip) - skip
    if joined.isascii():
        data = joined.encode("ascii")
        refused = _REFUSED_ASCII_BUT_PERCENT if allow_percent else _REFUSED_ASCII
        if longest > MAX_PATH_BYTES or len(data.translate(None, refused)) != len(data):
            return False
        if b"./" in data or b" /" in data or data.endswith((b".", b" ")) \
                or data.startswith(b".") or b"/." in data:  # a hidden name
            return False
        if b" ." in data and _BLANK_START_ASCII.search(data):  # (" .txt": no id shows)
            return False
        upper = b"/" + data.upper()
        return _DEVICE_ASCII.search(upper) is None \
            and not any(name in upper for name in _RESERVED_ASCII)
    try:
        size = len(joined.encode("utf-8"))
    except UnicodeEncodeError:
        return False
    if longest * 4 > MAX_PATH_BYTES and size > MAX_PATH_BYTES and any(
            len(path.encode("utf-8")) - skip > MAX_PATH_BYTES for path in paths):
        return False
    refused_character = (_REFUSED_CHARACTER_BUT_PERCENT if allow_percent
                         else _REFUSED_CHARACTER)
    if refused_character.search(joined) or "./" in joined or _SPACE_AT_END.search(joined) \
            or joined.endswith(".") or joined.startswith(".") or "/." in joined \
            or _DEVICE_ANY.search("/" + joined.upper()) or _blank_start().search(joined):
        return False
    keys = caseless(joined)  # as collision_key
    return not any(key in keys for key in _RESERVED_KEYS)


def refused_names(paths: Sequence[str], *, allow_percent: bool = False
                  ) -> list[tuple[str, str, str]]:
    """``(path, code, reason)`` for each path (relative to the seeds folder) that no build
    packages for its name alone: one ``build`` refuses, with the code and reason it gives
    (``unsafe-path``: :func:`check_name`, else ``name-collision``:
    :func:`reserved_lookalike`), or one it never takes as a document (``unexpected-file``:
    :func:`not_a_document`). Paths of plain names, the usual case, are cleared all at
    once."""
    if _plain_paths(paths, allow_percent):
        return []
    found = []
    for path in paths:
        reason = check_name(path, allow_percent=allow_percent)
        if reason is not None:
            found.append((path, "unsafe-path", reason))
        elif (reason := reserved_lookalike(path)) is not None:
            found.append((path, "name-collision", reason))
        elif (reason := not_a_document(path)) is not None:
            found.append((path, "unexpected-file", reason))
    return found


def raw_name_problems(raw_paths: Sequence[str]) -> list[Problem]:
    """The raw files of a package (``data/raw/...`` paths) whose names ``build`` refuses in
    the seeds, or never takes as documents: the same codes and reasons, and what to do.
    '%' passes (see :func:`check_name`)."""
    skip = len(RAW_PREFIX)
    if _plain_paths(raw_paths, True, skip):  # the usual case: the paths as they are
        return []
    return [Problem(RAW_PREFIX + path, code, reason + REBUILD) for path, code, reason
            in refused_names([rel[skip:] for rel in raw_paths], allow_percent=True)]


# -- names that merge ---------------------------------------------------------------------

def may_collide(paths: Collection[str]) -> bool:
    """False if no two of ``paths`` (distinct), nor of the folders on them, share a
    collision key. A path longer than :data:`MAX_PATH_BYTES` is not looked at
    (:func:`within_the_limit`).

    Counting is cheaper than finding which names collide: distinct names, distinct keys.
    The keys are counted by their hashes, not held (a million names' keys held 160 MB at
    once): two keys with one hash, which the hash's random seed makes a matter of chance,
    only send the names to :func:`collisions`, which compares the keys themselves. Past
    :data:`HASHES_IN_A_SET` paths, the hashes are counted sorted, in an array of 8 bytes
    each (a set of them took 70 bytes a path: 70 MB at a million), so that ``paths`` may
    be names made as they are gone through (an archive's: :class:`ZipSource`).

    The folders are walked as a tree (:func:`_folders_merge`), holding the names of those
    on one path: each folder held as the whole path to it made memory grow with the
    square of a name's depth (QA s83: 0.9 GB for one zip entry named ``a/`` x 30,000).
    """
    paths = within_the_limit(paths)
    holding_files = {path.rpartition("/")[0] for path in paths}  # "": the top folder
    # The usual case, ASCII: the keys in one pass in C (a folder is part of a path).
    key = str.casefold if all(map(str.isascii, paths)) else collision_key
    # A file shares a key with another folder than its own only if the folders holding
    # the two do, or if that folder is one beside it (in the folder holding the file).
    beside_files: set[str] = set()
    if _folders_merge(holding_files, key, beside_files):
        return True
    folder_hashes = {hash(key(folder)): folder for folder in beside_files}
    if len(folder_hashes) != len(beside_files):
        return True
    keyed: Callable[[int], bool]
    if len(paths) <= HASHES_IN_A_SET:
        path_keys = set(map(hash, map(key, paths)))
        if len(path_keys) != len(paths):
            return True
        keyed = path_keys.__contains__
    else:
        import numpy as np  # (imported already wherever a package this large is read)

        hashes = np.fromiter(map(hash, map(key, paths)), dtype=np.int64, count=len(paths))
        hashes.sort()
        if bool((hashes[1:] == hashes[:-1]).any()):
            return True
        folder_keys = np.fromiter(folder_hashes, dtype=np.int64, count=len(folder_hashes))
        # (np.isin sorted the two together: 50 MB more at a million paths)
        at = np.minimum(np.searchsorted(hashes, folder_keys), len(hashes) - 1)
        found = set(folder_keys[hashes[at] == folder_keys].tolist())
        keyed = found.__contains__
    # A folder whose key a file has: another name, or the file's own (a zip may list
    # "a" and "a/b"; it is one name then).
    clashing = {folder for hashed, folder in folder_hashes.items() if keyed(hashed)}
    return len(clashing.intersection(paths)) != len(clashing)


def _folders_merge(holding_files: set[str], key: Callable[[str], str],
                   beside_files: set[str]) -> bool:
    """Whether two of the folders on the paths ``holding_files`` (the folders that hold
    files, "" the top one) share a collision key; else, the folders in a folder that holds
    files are added to ``beside_files``.

    Two folders share a key exactly where, in the first folder their paths part in, two
    entries do (see :func:`siblings_collide`): the folders are walked in the order of a
    tree (:func:`_tree_order`), each one's entries one after the other, holding the
    entries of the folders on one path only, by name (not as paths), and each folder
    made as a path only if it is beside files (as long as a path to a file below it)."""
    walked: list[str] = []  # the folder walked, by name
    entries: list[dict[str, str]] = [{}]  # for the top and each folder of walked: key → name
    holds_files = ["" in holding_files]  # the same, whether it holds files
    for folder in sorted(holding_files - {""}, key=_tree_order):
        parts = folder.split("/")
        depth = _shared_depth(walked, parts)
        del walked[depth:], entries[depth + 1:], holds_files[depth + 1:]
        end = sum(map(len, parts[:depth])) + depth - 1  # where walked ends in folder
        for part in parts[depth:]:
            end += 1 + len(part)
            if entries[-1].setdefault(key(part), part) != part:
                return True
            if holds_files[-1]:
                beside_files.add(folder[:end])
            walked.append(part)
            entries.append({})
            holds_files.append(False)
        holds_files[-1] = True
    return False


def _shared_depth(walked: Sequence[str], parts: Sequence[str]) -> int:
    """How many folders ``parts`` (the names on a path) begin with of those ``walked``."""
    depth = 0
    while depth < len(walked) and depth < len(parts) and walked[depth] == parts[depth]:
        depth += 1
    return depth


def _tree_order(path: str) -> str:
    """Sorts paths as a walk of their tree meets them: name by name, so that each folder's
    paths follow it, one after the other. Sorted as text, ``a-b`` ("-" before "/") comes
    between ``a`` and ``a/c``. Each "/" is written as two NULs, and a NUL as a NUL and
    U+0001 (no name holds one, but none is taken for the end of a name)."""
    return path.replace("\0", "\0\1").replace("/", "\0\0")


def within_the_limit(paths: Collection[str]) -> Collection[str]:
    """``paths`` without those longer than :data:`MAX_PATH_BYTES` bytes of UTF-8, which
    :func:`check_name` refuses whatever their folders are (an undecodable byte, as Python
    escapes it, counted as three). The search for names that merge does not look at them:
    their folders, each held as its path (30,000 for a zip entry named ``a/`` x 30,000),
    took 0.9 GB (QA s83). ``paths`` itself where none is (the usual case, told in C)."""
    longest = max(map(len, paths), default=0)
    if longest <= MAX_PATH_BYTES // 4 or (longest <= MAX_PATH_BYTES
                                          and all(map(str.isascii, paths))):
        return paths  # (a character is 4 bytes of UTF-8 at most)
    over = sum(map(_over_the_limit, paths))
    return _Within(paths, len(paths) - over) if over else paths


def _over_the_limit(path: str) -> bool:
    return len(path) > MAX_PATH_BYTES or (
        not path.isascii() and len(path.encode("utf-8", "surrogatepass")) > MAX_PATH_BYTES)


class _Within(Collection[str]):
    """The paths of ``paths`` within :data:`MAX_PATH_BYTES` (``count`` of them), each
    time they are gone through: ``paths`` may be names made as they are gone through
    (an archive's), none of them kept."""

    def __init__(self, paths: Collection[str], count: int) -> None:
        self._paths = paths
        self._count = count

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[str]:
        return (path for path in self._paths if not _over_the_limit(path))

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and not _over_the_limit(path) and path in self._paths


#: The most paths :func:`may_collide` counts the hashes of in a set.
HASHES_IN_A_SET = 4096


def siblings_collide(names: Sequence[str]) -> bool:
    """Whether two of ``names``, those of the entries of one folder, share a collision key.

    Two paths collide exactly where, in the first folder their names part in, two entries
    collide: a listing that checks each folder's entries misses none.
    """
    joined = "/".join(names)  # no name holds "/", no key either
    if joined.isascii():
        folded = joined.lower()
        if folded == joined:  # no capital: every key is its name
            return False
    else:
        folded = caseless(joined)
    return len(set(folded.split("/"))) != len(names)


def collisions(paths: Collection[str]) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """``(path, why, names)`` for each of ``paths`` (files, distinct) whose name, or that
    of a folder on it, a case-insensitive or normalizing filesystem would merge with
    another's. ``names``: the colliding names, the one on ``path`` first (at most
    :data:`NAMED_AT_MOST` others: a message counts the rest).

    Names collide at every level: two files, a file and a folder, or two folders
    (``Notes`` beside ``notes/x.txt``, ``Sub/a.txt`` beside ``sub/b.txt``). Each file is
    reported once, for the shallowest collision on its path, naming both sides. A path
    longer than :data:`MAX_PATH_BYTES` is not looked at (:func:`within_the_limit`).
    """
    paths = within_the_limit(paths)
    if not may_collide(paths):
        return
    groups = _merging_names(paths)
    if not groups:
        return
    files = set(paths)
    for path in paths:
        end = path.find("/")
        while True:  # each folder on path, then the file
            name = path if end == -1 else path[:end]
            group = groups.get(name)
            if group is not None:
                colliding = some_others(group, name)
                more = len(group) - 1 - len(colliding)
                yield (path, collision_message(name, colliding, files, more),
                       (name, *colliding))
                break
            if end == -1:
                break
            end = path.find("/", end + 1)


def _merging_names(paths: Iterable[str]) -> dict[str, list[str]]:
    """Each name (a file's or a folder's path) that a case-insensitive or normalizing
    filesystem merges with another of its folder → all those names, sorted (one list for
    them all). Two paths merge in the first folder their paths part in: the paths are
    walked as a tree (:func:`_tree_order`), holding the entries of the folders on one
    path by name, each folder's path made once its entries are all seen, and only if two
    of them merge (each folder held as its path made memory grow with the square of a
    name's depth: QA s83)."""
    ordered = sorted(paths, key=_tree_order)
    key = str.casefold if all(map(str.isascii, ordered)) else collision_key
    groups: dict[str, list[str]] = {}
    walked: list[str] = []  # the folder walked, by name
    ends: list[int] = []  # where the path of each folder of walked ends in the paths below it
    # For the top and each folder of walked: key → its first entry, and key → all its
    # entries with that key, where there are several.
    entries: list[tuple[dict[str, str], dict[str, set[str]]]] = [({}, {})]
    below = ""  # the last path walked (below every folder walked)

    def enter(name: str) -> None:
        """Notes ``name`` as an entry of the folder walked (a file, or a folder entered)."""
        first, several = entries[-1]
        seen = first.setdefault(key(name), name)
        if seen != name:
            several.setdefault(key(name), {seen}).add(name)

    def leave(depth: int) -> None:
        """Leaves the folders walked below ``depth`` of them, each seen whole: the
        entries of each that merge are noted, as paths."""
        for at in range(len(entries) - 1, depth, -1):
            _note_merging(entries[at][1], below[:ends[at - 1]] + "/", groups)
        del walked[depth:], ends[depth:], entries[depth + 1:]

    for path in ordered:
        *parts, name = path.split("/")
        depth = _shared_depth(walked, parts)
        leave(depth)
        end = ends[-1] if ends else -1
        for part in parts[depth:]:
            end += 1 + len(part)
            enter(part)
            walked.append(part)
            ends.append(end)
            entries.append(({}, {}))
        enter(name)
        below = path
    leave(0)
    _note_merging(entries[0][1], "", groups)
    return groups


def _note_merging(several: Mapping[str, set[str]], folder: str,
                  groups: dict[str, list[str]]) -> None:
    """Notes in ``groups`` the entries of ``folder`` (its path and a "/", or "" for the
    top) that merge: ``several`` gives them by key."""
    for names in several.values():
        group = sorted(folder + name for name in names)
        for name in group:
            groups[name] = group


def collision_problems(paths: Sequence[str]) -> list[Problem]:
    """:func:`collisions` among the files of a package (``name-collision``); for names of
    raw files, which come from the seeds, with what to do there."""
    return [Problem(path, "name-collision",
                    why + REBUILD if all(name.startswith(RAW_PREFIX) for name in names)
                    else why)
            for path, why, names in collisions(paths)]


def collision_message(path: str, colliding: list[str], files: set[str], more: int = 0) -> str:
    """Why ``path`` (a file or a folder) and the ``colliding`` names are refused: how they
    differ, and that they merge elsewhere. ``files``: the paths that are files; ``more``:
    how many other names collide with them, not named."""
    ways = _difference(path, colliding)
    how = _worded(ways)
    rest = f" and {more} more" if more else ""
    # Names that differ in normalization or in invisible characters look the same printed:
    # their escapes tell them apart.
    spelled = ""
    if "normalization" in ways or "invisible" in ways:
        others = "the other" if len(colliding) == 1 and not more else "the others"
        spelled = (f": as escapes, this name is {escaped(path)}, {others} "
                   f"{', '.join(map(escaped, colliding))}{rest}")
    if "invisible" in ways and "case" not in ways:
        # No filesystem need merge them: people and programs mistake them.
        shown = ", ".join(_entry_name(other, files) for other in colliding) + rest
        return (f"{_entry_name(path, files)} and {shown} differ only in {how}{spelled}; "
                "they look the same wherever they are listed or named (a record's id): "
                "rename one of them")
    if path in files and all(other in files for other in colliding):
        return (f"differs from {', '.join(colliding)}{rest} only in {how}{spelled}; such "
                "names merge on many filesystems, rename one of them")
    shown = ", ".join(_entry_name(other, files) for other in colliding) + rest
    if path in files or any(other in files for other in colliding):
        merged = "a file and a folder with these names cannot both exist there"
    else:
        merged = "the folders become one"
    return (f"{_entry_name(path, files)} and {shown} differ only in {how}{spelled}; on many "
            f"filesystems (macOS, Windows) {merged}: rename one of them")


#: The ways in which names that collide, or ids that look alike, may differ, in the order
#: they are tried and named (normalization before case: the ohm sign U+2126 and omega
#: U+03A9 case-fold alike, but are one character to NFC), and how messages name them.
_WAYS = {
    "normalization": "Unicode normalization (two encodings of the same characters, as "
                     "U+00E9 is one character or e and the combining accent U+0301)",
    "invisible": "characters nothing shows (such as U+200B, a zero-width space)",
    "case": "case",
}


def _folded(name: str, ways: tuple[str, ...]) -> str:
    """``name`` with the differences ``ways`` (keys of :data:`_WAYS`) taken out, in the
    order :func:`caseless` takes them out."""
    if "invisible" in ways:
        name = visible(name)
    if "normalization" in ways:
        name = unicodedata.normalize("NFD", name)
    if "case" in ways:
        name = name.casefold()
    if "normalization" in ways:
        name = unicodedata.normalize("NFC", name)
    return name


def _difference(path: str, colliding: Collection[str],
                ways: tuple[str, ...] = tuple(_WAYS)) -> tuple[str, ...]:
    """How names that share a collision key (or ids that show the same, with ``ways``
    without case) differ: the fewest of ``ways`` that, taken out, leave them equal."""
    names = {path, *colliding}
    for size in range(1, len(ways) + 1):
        for chosen in combinations(ways, size):
            if len({_folded(name, chosen) for name in names}) == 1:
                return chosen
    return ways  # not reached for names that collide


def _worded(ways: tuple[str, ...]) -> str:
    """``ways`` as a message says them: "a", "a and b", "a, b and c"."""
    words = [_WAYS[way] for way in ways]
    return " and ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


#: The other names a message about a name names at most; it counts the rest ("and 12
#: more"): a forged package of 2,000 names that collide made 248 MB of messages.
NAMED_AT_MOST = 5


def some_others(group: Sequence[str], name: str) -> list[str]:
    """The first :data:`NAMED_AT_MOST` names of ``group`` other than ``name``."""
    return list(islice((other for other in group if other != name), NAMED_AT_MOST))


def escaped(name: str) -> str:
    """``name`` with every character outside ASCII as its code point (``caf\\u00e9``)."""
    return "".join(char if char.isascii() else
                   f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}"
                   for char in name)


def spelled(name: str) -> str:
    """`` (spelled <name with escapes>)`` for a name that shows as another could (not in
    NFC, or holding characters nothing shows: :func:`shown_id`), else ``""``: a problem
    of ``cafe\u0301.txt`` and one of ``caf\u00e9.txt`` printed alike, the same file
    "present" and "absent" (QA)."""
    return f" (spelled {escaped(name)})" if shown_id(name) != name else ""


def _entry_name(path: str, files: set[str]) -> str:
    return f"the file {path}" if path in files else f"the folder {path}/"


def lookalike_ids(paths: Sequence[str], ids: Sequence[str]) -> Iterator[tuple[str, str]]:
    """``(path, why)`` for each of ``paths`` whose document id (``ids``, in the same order)
    differs from another's only in characters nothing shows or in Unicode normalization
    (:func:`shown_id`): ``m`` from ``m.md`` and ``m<U+200B>`` from ``m\u200b.txt``, or
    U+00E9 from ``\u00e9.md`` and ``e`` + U+0301 from ``e\u0301.txt``. The names differ in
    more than that, the ids a consumer sees look the same."""
    if all(map(str.isascii, ids)):  # the usual case, asked in C
        return
    hidden = {doc_id: shown for doc_id in set(ids)
              if not doc_id.isascii() and (shown := shown_id(doc_id)) != doc_id}
    if not hidden:
        return
    groups = lookalike_groups(hidden, set(ids).__contains__)
    for path, doc_id in zip(paths, ids, strict=True):
        group = groups.get(hidden.get(doc_id, doc_id))
        if group is not None:
            alike = some_others(group, doc_id)
            yield path, lookalike_id_message(doc_id, alike, "rename one of the files",
                                             len(group) - 1 - len(alike))


def lookalike_groups(hidden: Mapping[str, str], is_id: Callable[[str], bool]
                     ) -> dict[str, list[str]]:
    """The ids that show the same, sorted, by what they show (groups of two or more):
    ``hidden`` maps each id that shows as another would (:func:`shown_id`) to what it
    shows, and ``is_id`` tells whether what one shows is an id itself (which then looks
    like it). Every other id shows as itself, and alone."""
    looks: dict[str, set[str]] = {}
    for doc_id, shown in hidden.items():
        looks.setdefault(shown, set()).add(doc_id)
    for shown, members in looks.items():
        if is_id(shown):
            members.add(shown)
    return {shown: sorted(members) for shown, members in looks.items() if len(members) > 1}


def ids_look_alike(paths: Sequence[str]) -> bool:
    """Whether the document ids of two of ``paths`` (files, distinct) differ but show the
    same (:func:`shown_id`). Asked of the files of one folder, it misses none in a listing
    that also checks that no two entries of a folder collide (:func:`siblings_collide`):
    ids whose folders differ but show the same are in two such folders."""
    if "/".join(paths).isascii():  # the usual case, asked in C
        return False
    ids = set(map(document_id, paths))
    return len(set(map(shown_id, ids))) != len(ids)


def lookalike_id_message(doc_id: str, alike: Collection[str], what_to_do: str,
                         more: int = 0) -> str:
    """Why ``doc_id`` is refused beside the ids ``alike``, which show the same
    (:func:`lookalike_ids`), and ``what_to_do``; ``more``: how many other ids show the
    same too, not named."""
    shown = ", ".join(escaped(other) for other in sorted(alike))
    if more:
        shown += f" and {more} more"
    how = _worded(_difference(doc_id, alike, ("normalization", "invisible")))
    they = "the two look" if len(alike) == 1 and not more else "they all look"
    return (f"its document id, {escaped(doc_id)} as escapes, differs from {shown} only in "
            f"{how}: {they} the same to whoever reads them; {what_to_do}")
