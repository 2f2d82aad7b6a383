"""Re-derive the data tables of corpuskit's decoding rules from the system's files.

Some decoding rules rest on numbers counted from the data of a Debian 12 system, committed
as literals with a comment saying how they were counted. This script counts them again, as
those comments say, and prints each table in its committed form; with ``--check`` it
compares the counts with the committed values (imported from corpuskit) and names each
entry that differs (exit 1), or says they all match (exit 0).

- ``cyrillic-pairs``: :data:`corpuskit.decoding.cyrillicpairs._COSTS`, the cost in bits of each
  pair of Cyrillic letters, from the Russian and Ukrainian man pages (``/usr/share/man``).
- ``hebrew-shares``: ``_HEBREW_SHARES``, the shares of Hebrew's letters, from the Hebrew
  message catalogues (``/usr/share/locale``).
- ``cyrillic-shares``: ``_CYRILLIC_SHARES`` and ``_RAREST_SHARE``, the shares of the
  Cyrillic letters of Russian, Ukrainian and Bulgarian, from their catalogues.

The counting (functions over strings and bytes) is apart from the reading of the system's
files, so that it can be tested on small inputs (tests/test_derive_tables.py).

Usage::

    python tools/derive_tables.py cyrillic-pairs [--check] [--man DIR]
    python tools/derive_tables.py hebrew-shares [--check] [--locale DIR]
    python tools/derive_tables.py cyrillic-shares [--check] [--locale DIR]
"""

from __future__ import annotations

import argparse
import gzip
import math
import re
import struct
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from corpuskit.decoding.cyrillicpairs import _ALPHABET, _COSTS

#: Where Debian keeps its man pages and its message catalogues (the ``.mo`` files).
MAN = Path("/usr/share/man")
LOCALE = Path("/usr/share/locale")

# -- Letter pairs (corpuskit/decoding/cyrillicpairs.py) --------------------------------

#: The man pages' languages counted: Bulgarian has none on Debian 12.
PAIR_LANGUAGES = ("ru", "uk")
#: A Cyrillic word, as :func:`corpuskit.decoding.cyrillicpairs.pair_cost` finds them.
CYRILLIC_WORD = re.compile("[\u0400-\u04ff]+")
#: What each pair's count is given more, so that a pair never seen costs a finite amount.
PAIR_PRIOR = 0.5
#: The most a pair costs, in bits: one hex digit.
MOST_BITS = 15


def pair_counts(texts: Iterable[str]) -> Counter[str]:
    """How often each pair of :data:`_ALPHABET`'s characters follows the other in the
    Cyrillic words of ``texts``, lower-cased, each word's edges included as a space (``ну``
    gives `` н``, ``ну`` and ``у ``), as :func:`~corpuskit.decoding.cyrillicpairs.pair_cost`
    reads a text. A pair with a letter not in the alphabet (``ў``) is not counted."""
    counts: Counter[str] = Counter()
    for text in texts:
        for word in CYRILLIC_WORD.findall(text.lower()):
            edged = f" {word} "
            counts.update(pair for at in range(len(word) + 1)
                          if (pair := edged[at:at + 2])[0] in _ALPHABET
                          and pair[1] in _ALPHABET)
    return counts


def pair_costs(counts: Mapping[str, int]) -> tuple[str, ...]:
    """:data:`_COSTS` from ``counts`` (:func:`pair_counts`): row ``a``, column ``b``,
    ``-log2 P(b | a)``, each count given :data:`PAIR_PRIOR` more, rounded (Python's ``round``),
    at most :data:`MOST_BITS`, as a hex digit."""
    rows = []
    for first in _ALPHABET:
        row = [counts.get(first + second, 0) + PAIR_PRIOR for second in _ALPHABET]
        total = sum(row)
        rows.append("".join(f"{min(MOST_BITS, round(-math.log2(count / total))):x}"
                            for count in row))
    return tuple(rows)


def format_costs(rows: Sequence[str]) -> str:
    """``rows`` as cyrillicpairs.py writes :data:`_COSTS`: each row's letter in a comment."""
    named = ["(a word's start)", *_ALPHABET[1:]]
    lines = [f'    "{row}",  # {name}' for row, name in zip(rows, named, strict=True)]
    return "_COSTS = (\n" + "\n".join(lines) + "\n)"


def cost_differences(derived: Sequence[str], committed: Sequence[str]) -> list[str]:
    """Each entry of ``committed`` (:data:`_COSTS`) that ``derived`` gives otherwise, as
    ``row -> column: committed, derived``."""
    names = ["(start)", *_ALPHABET[1:]]
    return [f"_COSTS[{names[row]!r} -> {names[column] if column else '(end)'!r}]: "
            f"committed {committed[row][column]}, derived {derived[row][column]}"
            for row in range(len(_ALPHABET)) for column in range(len(_ALPHABET))
            if derived[row][column] != committed[row][column]]


# -- Letter shares (corpuskit/decoding/hebrewspelling.py) ----------------------------------

#: The catalogues' languages whose Cyrillic letters' shares are averaged.
CYRILLIC_LANGUAGES = ("ru", "uk", "bg")
HEBREW_LANGUAGE = "he"
#: Hebrew's letters, final forms among them (U+05D0 to U+05EA).
HEBREW_LETTERS = frozenset(map(chr, range(0x05D0, 0x05EB)))
#: The fewest words (split at white space) a line must have to be counted.
LEAST_WORDS = 7
#: The .mo file's magic number, as its first four bytes read little- and big-endian.
MO_MAGIC = 0x950412DE


def committed_hebrew_tables() -> tuple[dict[str, float], dict[str, float], float]:
    """The committed ``_HEBREW_SHARES``, ``_CYRILLIC_SHARES`` and ``_RAREST_SHARE``: the
    one place that says which module holds them (the Hebrew section may move)."""
    from corpuskit.decoding.hebrewspelling import _CYRILLIC_SHARES, _HEBREW_SHARES, _RAREST_SHARE
    return _HEBREW_SHARES, _CYRILLIC_SHARES, _RAREST_SHARE


def mo_messages(data: bytes) -> list[str]:
    """The translations (each plural form one) of the GNU message catalogue ``data`` (a
    ``.mo`` file), in its order, decoded in the charset its header names (UTF-8 if none);
    the header itself (the translation of ``""``) is not one. ValueError if ``data`` is no
    such catalogue."""
    if len(data) < 20:
        raise ValueError("it is too short to be a message catalogue (.mo file)")
    order = next((order for order in "<>"
                  if struct.unpack_from(f"{order}I", data)[0] == MO_MAGIC), None)
    if order is None:
        raise ValueError("it does not start with a message catalogue's magic number")
    count, originals, translations = struct.unpack_from(f"{order}3I", data, 8)
    pairs = []
    for index in range(count):
        pairs.append((_mo_string(data, order, originals + 8 * index),
                      _mo_string(data, order, translations + 8 * index)))
    header = next((translated for original, translated in pairs if not original), b"")
    found = re.search(rb"charset=([-\w.]+)", header)
    charset = found.group(1).decode("ascii") if found else "utf-8"
    return [form.decode(charset) for original, translated in pairs if original
            for form in translated.split(b"\0")]


def _mo_string(data: bytes, order: str, at: int) -> bytes:
    """The string whose length and offset the .mo table entry at ``at`` gives."""
    length, offset = struct.unpack_from(f"{order}2I", data, at)
    if offset + length > len(data):
        raise ValueError(f"a string's end ({offset + length}) lies past its end "
                         f"({len(data)} bytes)")
    return data[offset:offset + length]


def long_lines(messages: Iterable[str]) -> list[str]:
    """The distinct lines of ``messages`` (each once, however many messages or
    catalogues hold it), in order, with :data:`LEAST_WORDS` words or more."""
    lines = dict.fromkeys(line for message in messages for line in message.split("\n"))
    return [line for line in lines if len(line.split()) >= LEAST_WORDS]


def hebrew_letter_counts(lines: Iterable[str]) -> Counter[str]:
    """How often each of :data:`HEBREW_LETTERS` occurs in ``lines``."""
    return Counter(char for line in lines for char in line if char in HEBREW_LETTERS)


def cyrillic_letter_counts(lines: Iterable[str]) -> Counter[str]:
    """How often each Cyrillic letter (U+0400 to U+04FF) occurs in ``lines``, lower-cased."""
    return Counter(char for line in lines for char in line.lower()
                   if "\u0400" <= char <= "\u04ff" and char.isalpha())


def per_mille(counts: Mapping[str, int]) -> dict[str, float]:
    """Each letter's share of ``counts``' letters, per mille (not rounded)."""
    total = sum(counts.values())
    return {letter: 1000 * count / total for letter, count in counts.items() if count}


def rounded_shares(shares: Mapping[str, float]) -> dict[str, float]:
    """``shares`` to a tenth, in the letters' order (code points), without the letters
    that round to 0.0 (Ukrainian's ``ґ``, Bulgarian's ``ѝ``: a letter not in the table is
    as rare as the rarest one in it)."""
    return {letter: share for letter in sorted(shares)
            if (share := round(shares[letter], 1)) > 0}


def hebrew_shares(lines: Iterable[str]) -> dict[str, float]:
    """``_HEBREW_SHARES`` from the Hebrew catalogues' :func:`long_lines`."""
    return rounded_shares(per_mille(hebrew_letter_counts(lines)))


def cyrillic_shares(lines_by_language: Sequence[Iterable[str]]) -> dict[str, float]:
    """``_CYRILLIC_SHARES`` from each language's :func:`long_lines`: each letter's share
    of each language's letters, averaged over the languages (0 where one lacks it)."""
    shares = [per_mille(cyrillic_letter_counts(lines)) for lines in lines_by_language]
    letters = set().union(*shares)
    return rounded_shares({letter: sum(share.get(letter, 0.0) for share in shares)
                           / len(shares) for letter in letters})


def format_shares(name: str, shares: Mapping[str, float]) -> str:
    """``shares`` as hebrewspelling.py writes them: ``name = {``, eight letters a line."""
    items = [f'"{letter}": {share:.1f}' for letter, share in shares.items()]
    lines = [", ".join(items[at:at + 8]) + "," for at in range(0, len(items), 8)]
    return f"{name} = {{\n" + "".join(f"    {line}\n" for line in lines) + "}"


def share_differences(name: str, derived: Mapping[str, float],
                      committed: Mapping[str, float]) -> list[str]:
    """Each letter ``derived`` and ``committed`` (the table ``name``) give otherwise, or
    that only one of them holds."""
    return [f"{name}[{letter!r}]: committed {committed.get(letter, 'nothing')}, "
            f"derived {derived.get(letter, 'nothing')}"
            for letter in sorted(set(derived) | set(committed))
            if derived.get(letter) != committed.get(letter)]


# -- Reading the system's files --------------------------------------------------------


class SourceError(Exception):
    """A system file the counting needs cannot be read: the message says which and why."""


def man_page_texts(man: Path) -> list[str]:
    """The text of each of the Russian and Ukrainian man pages under ``man`` (its troff
    source, gunzipped, UTF-8), in order of path; a link to a page counts as a page (the
    146 pages of cyrillicpairs.py are 117 files and 29 links, ``vi.1.gz`` to vim's)."""
    paths = sorted(path for language in PAIR_LANGUAGES
                   for path in (man / language).rglob("*.gz") if not path.is_dir())
    if not paths:
        raise SourceError(f"{man}: no Russian or Ukrainian man page (ru/, uk/ *.gz) found; "
                          "give the folder of the man pages with --man")
    texts = []
    for path in paths:
        try:
            texts.append(gzip.decompress(path.read_bytes()).decode("utf-8"))
        except (OSError, EOFError, UnicodeDecodeError) as error:
            raise SourceError(f"{path}: cannot be read as a gzipped UTF-8 man page "
                              f"({error})") from error
    return texts


def catalogue_messages(locale: Path, language: str) -> list[str]:
    """The translations of every message catalogue of ``language`` under ``locale``
    (``<language>/LC_MESSAGES/*.mo``), catalogue by catalogue in order of name."""
    paths = sorted((locale / language / "LC_MESSAGES").glob("*.mo"))
    if not paths:
        raise SourceError(f"{locale / language / 'LC_MESSAGES'}: no message catalogue "
                          "(*.mo) found; give the folder of the catalogues with --locale")
    messages = []
    for path in paths:
        try:
            messages.extend(mo_messages(path.read_bytes()))
        except (OSError, ValueError, UnicodeDecodeError, LookupError) as error:
            raise SourceError(f"{path}: cannot be read as a message catalogue "
                              f"({error})") from error
    return messages


# -- The commands ------------------------------------------------------------------------


def _cyrillic_pairs(options: argparse.Namespace) -> list[str]:
    texts = man_page_texts(options.man)
    print(f"{len(texts)} man pages, {sum(map(len, texts)):,} characters", file=sys.stderr)
    derived = pair_costs(pair_counts(texts))
    if not options.check:
        print(format_costs(derived))
    return cost_differences(derived, _COSTS)


def _hebrew_shares(options: argparse.Namespace) -> list[str]:
    lines = long_lines(catalogue_messages(options.locale, HEBREW_LANGUAGE))
    print(f"{sum(hebrew_letter_counts(lines).values()):,} Hebrew letters", file=sys.stderr)
    derived = hebrew_shares(lines)
    if not options.check:
        print(format_shares("_HEBREW_SHARES", derived))
    return share_differences("_HEBREW_SHARES", derived, committed_hebrew_tables()[0])


def _cyrillic_shares(options: argparse.Namespace) -> list[str]:
    lines = [long_lines(catalogue_messages(options.locale, language))
             for language in CYRILLIC_LANGUAGES]
    letters = sum(sum(cyrillic_letter_counts(some).values()) for some in lines)
    print(f"{letters:,} Cyrillic letters", file=sys.stderr)
    derived = cyrillic_shares(lines)
    rarest = min(derived.values(), default=0.0)
    if not options.check:
        print(format_shares("_CYRILLIC_SHARES", derived))
        print(f"_RAREST_SHARE = {rarest}")
    _, committed, committed_rarest = committed_hebrew_tables()
    differences = share_differences("_CYRILLIC_SHARES", derived, committed)
    if rarest != committed_rarest:
        differences.append(f"_RAREST_SHARE: committed {committed_rarest}, derived {rarest} "
                           "(the least share of _CYRILLIC_SHARES)")
    return differences


def parser() -> argparse.ArgumentParser:
    """The command line: one sub-command per table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="table", required=True, metavar="TABLE")
    for name, run, source, help_ in (
            ("cyrillic-pairs", _cyrillic_pairs, "man",
             "corpuskit/decoding/cyrillicpairs.py's _COSTS, from the Russian and Ukrainian "
             "man pages"),
            ("hebrew-shares", _hebrew_shares, "locale",
             "_HEBREW_SHARES, from the Hebrew message catalogues"),
            ("cyrillic-shares", _cyrillic_shares, "locale",
             "_CYRILLIC_SHARES and _RAREST_SHARE, from the Russian, Ukrainian and "
             "Bulgarian message catalogues")):
        command = commands.add_parser(name, help=help_, description=help_)
        command.set_defaults(run=run)
        command.add_argument("--check", action="store_true",
                             help="compare with the committed table instead of printing it: "
                                  "exit 1 naming each entry that differs")
        if source == "man":
            command.add_argument("--man", type=Path, default=MAN,
                                 help=f"the folder of the man pages (default {MAN})")
        else:
            command.add_argument("--locale", type=Path, default=LOCALE,
                                 help=f"the folder of the message catalogues (default {LOCALE})")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command: 0 if the table was printed or matches, 1 if it differs, 2 if the
    system's files cannot be read."""
    options = parser().parse_args(argv)
    try:
        differences: list[str] = options.run(options)
    except SourceError as error:
        print(f"derive_tables: {error}", file=sys.stderr)
        return 2
    if not options.check:
        return 0
    for difference in differences:
        print(difference)
    if differences:
        entries = "1 entry differs" if len(differences) == 1 \
            else f"{len(differences)} entries differ"
        print(f"{options.table}: {entries} from the committed table", file=sys.stderr)
        return 1
    print(f"{options.table}: every entry matches the committed table", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
