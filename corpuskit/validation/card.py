"""README.md, the data card: the facts it states that datapackage.json and the records give.

A build writes the card (:func:`corpuskit.package.data_card`) from the corpus
configuration and the records' statistics; the card corpuskit writes for the package is
made here again from what :mod:`.restated` gives, and the card compared with it where it
states what that knows:

- the YAML header (what the Hugging Face Hub reads: pretty_name, license, language, size
  category, tags, features, data files), top-level key by key;
- the body's lines that restate datapackage.json or a statistic validate measures, found
  by how they begin (:data:`BODY_LINES`: the title, the summary table, the curators,
  languages, license and homepage lines, the load example's language and date) and the
  BibTeX citation;
- the parts that state the records' statistics, each whole (:data:`SECTIONS`: the
  composition, with its tables of languages and lengths, and the tables of codecs and
  normalization steps; :data:`PARAGRAPHS`: the share of rights lines), when validate read
  every record (not with ``--fast``), and those that list the package's metadata, each
  whole (:data:`SECTIONS`: the sources, under "Dataset Sources" and as the source data
  producers; the licenses; the contributors and contact);
- the description, each of its two copies whole (:data:`DESCRIPTION_UNDER`: under the
  title and under "Dataset Description", from the blank line before it to the line after
  it). The maintainer wrote it, in corpus.toml, but the card's copies are rendered as they
  are from datapackage.json's description, as croissant.json's is: a value the card
  restates, not prose of the card's own (QA: a re-signed card whose description said
  "Medical records, cleared for clinical use." passed).

The rest is prose, corpuskit's own wording around those values, and is not compared (it
may change from one version to the next); but the card's rendered structure is
(:mod:`.cardrender`: its headings, tables, code blocks, HTML and link reference
definitions, as CommonMark renders them, and any text in its last section, the citation's,
where corpuskit writes none: a sentence appended to the card is a difference as an added
heading is), and a line that renders as one of the compared lines while written otherwise
(another list marker, more spaces), and HTML corpuskit does not write (a comment or element
that hides lines or shows others), are differences too. Each difference is a
``metadata-mismatch`` at its line.

corpus.toml's titles, names and addresses are escaped in the card as Markdown needs to
show them as they are (:mod:`corpuskit.markdowntext`), and every license the Hugging Face
Hub knows is given by its id; a card written as corpuskit wrote it before (worded as it was:
YAML scalars plain, the first email as the contact, shares rounded; every contributor an
author; values as they are, 18 license ids: :data:`EARLIER_CARDS`) is compared with that
form where it is the closer one, so the packages built then still validate.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from ..markdowntext import AUTOLINK_BODY
from ..package import CARD, EARLIER_CARDS, CardForm, CardLists, citations_alike, data_card
from ..problems import Problem, ordered
from .cardrender import first_difference, rendered_units
from .croissant import RESTORE
from .jsondiff import shown, shown_pair
from .restated import Restated

README = "README.md"
#: The line that opens and closes the YAML header.
FENCE = "---"
#: The body's lines compared, by how they begin; each of them states only facts of
#: datapackage.json and the counts validate measures (the tests hold data_card to that).
BODY_LINES = (
    "# Dataset Card for ",
    "| Package |", "| Released |", "| Documents |", "| Languages (ISO 639-1) |",
    "| Dates |", "| Content hash |", "| License |", "| Homepage |",
    "- **Curated by:**", "- **Language(s):**", "- **License:**", "- **Homepage:**",
    "for doc in corpus.filter(",
)
#: The load example's line: it filters the records' most common language, since their
#: earliest date.
EXAMPLE = BODY_LINES[-1]
#: The citation, compared from this line to the fence that closes it.
CITATION = "```bibtex"
#: The lines the card gives datapackage.json's description under, as data_card writes it:
#: its title and the heading "Dataset Description", each followed by a blank line, the
#: description as it is, and a blank line. Each copy is compared whole, with the line
#: that follows it.
DESCRIPTION_UNDER = (BODY_LINES[0], "### Dataset Description")
#: The body's parts compared whole: a section from its heading to the next heading, or a
#: paragraph to the blank line after it. They state the records' statistics, or lists of
#: the package's metadata (its sources, twice; its licenses; its contributors and contact).
#: The sources' list under "### Dataset Sources" runs from its "Sources:" item to the
#: next heading (QA forge3 2: a source's title without a link, edited there, passed).
SECTIONS = ("### Composition", "Decoding:", "- **Sources:**",
            "#### Who are the source data producers?", "## Distribution and Rights",
            "## Maintenance")
PARAGRAPHS = ("Documents with a copyright or footer line:",)
#: What is known only when every statistic of the records is (all of them read, and
#: matching their schema): body lines, sections and paragraphs.
STATISTICS = frozenset({"| Dates |", "### Composition", "Decoding:",
                        "## Distribution and Rights", EXAMPLE, *PARAGRAPHS})
#: What is known only when the records' languages are: header keys and body lines.
LANGUAGE_KEYS = frozenset({"language", "multilinguality"})
LANGUAGE_LINES = frozenset({"| Languages (ISO 639-1) |", "- **Language(s):**"})
#: What is known only when the number of records is.
COUNT_KEYS = frozenset({"size_categories"})
COUNT_LINES = frozenset({"| Documents |"})
#: Where corpuskit takes what it writes from.
_SOURCES = {
    "pretty_name": "datapackage.json's title",
    "license": "datapackage.json's licenses",
    "license_name": "datapackage.json's licenses",
    "license_link": "datapackage.json's licenses",
    "language": "the records' languages",
    "multilinguality": "the records' languages",
    "size_categories": "the number of records",
    "tags": "datapackage.json's keywords",
    "dataset_info": "the records' schema",
    "configs": "the package's data files",
    "| Documents |": "the number of records",
    "| Languages (ISO 639-1) |": "the records' languages",
    "- **Language(s):**": "the records' languages",
    "| Dates |": "the records' dates",
    "### Composition": "the records' counts, languages, dates, titles and lengths",
    "Decoding:": "the records' codecs and normalization steps",
    "Documents with a copyright or footer line:": "the records' rights lines",
    EXAMPLE: "the records' languages and dates",
    # (QA: a contact, a contributor's roles or a license shown otherwise, re-signed, passed)
    "- **Sources:**": "datapackage.json's sources",
    "#### Who are the source data producers?": "datapackage.json's sources",
    "## Distribution and Rights": "datapackage.json's licenses and the records' rights lines",
    "## Maintenance": "datapackage.json's contributors",
}
_DEFAULT_SOURCE = "datapackage.json"


@dataclass(frozen=True)
class Unit:
    """Lines compared as one: a YAML entry, a body line or the citation; ``first`` is
    the line number of the first."""

    first: int
    lines: tuple[str, ...]


def card_problems(data: bytes, restated: Restated) -> list[Problem]:
    """Where the card ``data`` states otherwise than corpuskit writes it for the package
    ``restated`` describes."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [Problem(README, "metadata-mismatch",
                        f"not UTF-8 text ({exc.reason} at byte {exc.start}), as corpuskit "
                        f"writes the data card; {RESTORE}")]
    # The package's lists (keywords, licenses, sources, contributors) rendered once for
    # all the cards below (QA s95 validate 3: each of a million keywords was rendered
    # twelve times, 25 s).
    lists = CardLists()
    current = _expected_card(restated, CARD, lists)
    if len(text) > _PARSED_AT_MOST * len(current) + _PARSED_BEYOND:
        # Parsing costs hundreds of times a card's size in memory (QA: 1.5 GB for a card
        # of 3 MB, in a zip of 12 KB), and comparing its lines with each form corpuskit
        # wrote takes seconds (12 s for 400,000 lines): one so much larger than
        # corpuskit's is told so, neither parsed nor compared line by line.
        return [Problem(README, "metadata-mismatch",
                        f"the card holds {len(text):,} characters, where corpuskit writes "
                        f"{len(current):,} for this package: more than it reads to compare "
                        f"({_PARSED_AT_MOST} times that, and {_PARSED_BEYOND:,} more); "
                        f"{RESTORE}")]
    problems = _differences(text, current, restated)
    for form in EARLIER_CARDS:  # a card written as corpuskit wrote it before
        if not problems:
            break
        earlier = _expected_card(restated, form, lists)
        found = _differences(text, earlier, restated)
        # Values as they were: taken if it shows what the card of the same form with
        # values escaped shows (see _renders_alike).
        if len(found) < len(problems) and (
                form.values is CARD.values or _renders_alike(
                    _expected_card(restated, replace(form, values=CARD.values), lists),
                    earlier)):
            problems = found
    return problems


def _expected_card(restated: Restated, form: CardForm, lists: CardLists) -> str:
    """The card corpuskit writes for the package ``restated`` describes, in ``form``, with
    the lists other cards of it rendered (``lists``)."""
    return data_card(restated.config, restated.stats(), restated.content,
                     restated.data_files, created=restated.created, form=form,
                     lists=lists).decode("utf-8")


def _renders_alike(current: str, earlier: str) -> bool:
    """Whether the card corpuskit wrote before escaping values (``earlier``, values as
    they are) shows nothing that the card it writes now (``current``) does not: only then
    is a card of the earlier form taken (QA: a title holding ``<img ...>``, a source
    titled as a link, a license title opening an HTML comment, rendered live from the
    earlier form, and passed).

    Both bodies are parsed as CommonMark with GFM tables. The earlier one must have the
    same links, images and HTML (none of its own), and show the same text but for ASCII
    punctuation and digits its markup took as such: emphasis (``*Notes*``), a list
    marker (``- draft``, ``1986.``), a table cell's ``|``, a heading's closing ``#``.
    So a release whose title held ``*Notes*`` still validates after the upgrade (QA: it
    was refused, with advice to rebuild it, which build refuses), while a character an
    entity would put there (``&#x202E;``) or a text hidden in a comment is never taken."""
    from markdown_it import MarkdownIt

    markdown = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    shown = []
    for card in (current, earlier):
        lines = card.split("\n")
        end = _header_end(lines)
        shown.append(_what_shows(markdown.parse("\n".join(lines[(end or 0) + 1:]))))
    (text_now, links_now), (text_before, links_before) = shown
    if Counter(links_before) - Counter(links_now):
        return False  # a link, an image or HTML of its own
    # A link written now that the earlier card held as a bare address (a homepage with
    # "~": QA), which GitHub and the Hub link as it is, shows the same.
    return all(kind == "link" and target in text_before
               for kind, target in Counter(links_now) - Counter(links_before)) \
        and _only_markup_dropped(text_now, text_before)


#: What a card's markup may take out of the text it shows (see :func:`_renders_alike`).
_MARKUP_CHARACTERS = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~0123456789")


def _what_shows(tokens: list[Any]) -> tuple[str, list[tuple[str, str]]]:
    """The text ``tokens`` show (without white space), and their links, images and HTML,
    sorted."""
    text: list[str] = []
    marked: list[tuple[str, str]] = []
    pending = list(reversed(tokens))
    while pending:
        token = pending.pop()
        if token.children:
            pending.extend(reversed(token.children))
        if token.type in ("text", "code_inline", "code_block", "fence"):
            text.append(token.content)
        elif token.type in ("html_inline", "html_block"):
            marked.append(("html", token.content))
        elif token.type == "link_open":
            marked.append(("link", str(token.attrGet("href"))))
        elif token.type == "image":
            marked.append(("image", str(token.attrGet("src"))))
    return "".join("".join(text).split()), sorted(marked)


def _only_markup_dropped(now: str, before: str) -> bool:
    """Whether ``before`` is ``now`` with some of its markup characters taken out."""
    at = 0
    for char in now:
        if at < len(before) and before[at] == char:
            at += 1
        elif char not in _MARKUP_CHARACTERS:
            return False
    return at == len(before)


def _differences(text: str, expected: str, restated: Restated) -> list[Problem]:
    """Where the card ``text`` states otherwise than ``expected``, the card corpuskit
    writes for the package ``restated`` describes."""
    found_lines, expected_lines = text.split("\n"), expected.split("\n")
    found_end, expected_end = _header_end(found_lines), _header_end(expected_lines)
    assert expected_end is not None, "data_card writes a YAML header"
    if found_end is None:
        return [Problem(README, "metadata-mismatch",
                        f"no YAML header (the Hugging Face metadata between two {FENCE} "
                        f"lines, from the first line on), as corpuskit writes; {RESTORE}",
                        "line 1")]
    skip_keys, skip_lines = _unknown(restated)
    problems = _header_problems(found_lines[:found_end + 1], expected_lines[:expected_end + 1],
                                skip_keys)
    begins = (*[line for line in (*BODY_LINES, *SECTIONS, *PARAGRAPHS)
                if line not in skip_lines], CITATION)
    found_units = _units(found_lines, found_end + 1, begins)
    expected_units = _units(expected_lines, expected_end + 1, begins)
    for start in begins:
        problems.extend(_compare(found_units[start], expected_units[start], start,
                                 _SOURCES.get(start, _DEFAULT_SOURCE)))
    problems.extend(_description_problems(found_lines, expected_lines, found_end + 1,
                                          expected_end + 1,
                                          restated.config.metadata["description"]))
    problems.extend(_look_alikes(found_lines, expected_lines, found_end + 1,
                                 expected_end + 1, begins))
    problems.extend(_markup(found_lines, expected_lines, found_end + 1, expected_end + 1))
    if not problems and text != expected:  # what renders otherwise than they show (QA)
        # Tables and the load example's language state the records' statistics.
        tables = restated.tally is not None
        difference = first_difference(
            rendered_units("\n".join(found_lines[found_end + 1:]), found_end + 2,
                           tables=tables, example=tables),
            rendered_units("\n".join(expected_lines[expected_end + 1:]), expected_end + 2,
                           tables=tables, example=tables))
        if difference is not None:
            problems.append(_problem(difference[0], f"{difference[1]}; {RESTORE}"))
    return ordered(problems)


#: The longest card whose rendered structure is compared: this many times the length of
#: the card corpuskit writes for the package, and :data:`_PARSED_BEYOND` characters more
#: (a maintainer's description may be long; a card's own tables grow with the languages).
_PARSED_AT_MOST = 4
_PARSED_BEYOND = 65_536


#: A line's start as Markdown renders it alike: its indentation, a list marker of any kind
#: and the spaces in a table's cells.
_LIST_MARKER = re.compile(r"^\s*[-*+]\s+")
_SPACES = re.compile(r"\s+")
#: HTML where corpuskit writes none (it escapes every "<" of the texts it puts in Markdown,
#: as "\<"): a comment or an element that hides, or shows, what no line compared says.
#: Only a "<" before a letter, "/", "!" or "?" opens a tag, comment or declaration there;
#: corpuskit's own ``1 (<0.1%)`` opens none (QA: --fast called that line HTML).
_HTML = re.compile(r"(?<!\\)<(?=[A-Za-z/!?])")
#: CommonMark's autolinks (``<https://...>``, ``<ann@example.org>``): links, not HTML;
#: corpuskit writes them for a contributor's email and a source's or license's address.
_AUTOLINK = re.compile(rf"(?<!\\)<(?:{AUTOLINK_BODY})>")


def _rendered_start(line: str) -> str:
    """``line`` as it renders, for what it begins with: ``* **License:**`` as
    ``- **License:**``, ``|  License |`` as ``| License |``."""
    return _SPACES.sub(" ", _LIST_MARKER.sub("- ", line).strip())


def _look_alikes(lines: list[str], expected: list[str], start: int, expected_start: int,
                 begins: tuple[str, ...]) -> list[Problem]:
    """Lines that render as one of the compared lines but are not written as it (another
    list marker, more spaces): a second license line, say, that no comparison looked at
    (QA: "* **License:** CC0-1.0" beside the line corpuskit writes). A line corpuskit
    writes in the card itself is none (QA: a description holding "  Decoding: ...")."""
    written = Counter(expected[expected_start:])
    # One pattern of every line's start, tried in their order (as a loop over them would):
    # a card of 400,000 short lines took 12 s in a loop over them per line (the test's).
    stripped: dict[str, str] = {}
    for begin in begins:
        stripped.setdefault(begin.strip(), begin)
    pattern = re.compile("|".join(map(re.escape, stripped)))
    firsts = {text[:1] for text in stripped}
    problems = []
    for number, line in enumerate(lines[start:], start=start + 1):
        if line.startswith(begins):
            continue
        if written[line] > 0:
            written[line] -= 1
            continue
        first = line.lstrip()[:1]
        if not first or ("-" if first in "*+" else first) not in firsts:
            continue  # blank, or renders as no compared line's start
        found = pattern.match(_rendered_start(line))
        if found is not None:
            begin = stripped[found.group()]
            problems.append(_problem(number, f"the line is {shown(line)}, which renders as a "
                                     f"line beginning {shown(begin)}, but is not written as "
                                     f"corpuskit writes one; {RESTORE}"))
    return problems


def _markup(found: list[str], expected: list[str], found_start: int,
            expected_start: int) -> list[Problem]:
    """HTML in the body beyond what corpuskit writes: an HTML comment or element hides
    lines from the rendered card, or shows what none of them says (QA: the license lines
    corpuskit writes put in a comment, and others shown in their place)."""
    wanted = Counter(line for line in expected[expected_start:] if _HTML.search(line))
    for number, line in enumerate(found[found_start:], start=found_start + 1):
        if not _HTML.search(line):
            continue
        if wanted[line] > 0:  # a line corpuskit writes so (a code span, the citation)
            wanted[line] -= 1
            continue
        if not _HTML.search(_AUTOLINK.sub("", line)):  # a link, no HTML (QA: "HTML")
            return [_problem(number, f"the line {shown(line)} holds a link (<...>) but is "
                                     "none that corpuskit writes in the card (it writes "
                                     "links only in its contributors', sources' and "
                                     f"licenses' lines, as the package states them); "
                                     f"{RESTORE}")]
        return [_problem(number, f"the line holds HTML ({shown(line)}), which corpuskit "
                                 "does not write in the card (it escapes every '<' of its "
                                 "texts): a comment or element hides or adds what readers "
                                 f"of the card see; {RESTORE}")]
    return []


def _unknown(restated: Restated) -> tuple[frozenset[str], frozenset[str]]:
    """The header keys and body lines built from facts validate did not measure."""
    keys: set[str] = set()
    lines: set[str] = set()
    if restated.languages is None:
        keys |= LANGUAGE_KEYS
        lines |= LANGUAGE_LINES
    if restated.documents is None:
        keys |= COUNT_KEYS
        lines |= COUNT_LINES
    if restated.tally is None:
        lines |= STATISTICS
    return frozenset(keys), frozenset(lines)


def _header_end(lines: list[str]) -> int | None:
    """The index of the line that closes the YAML header, or None if there is none."""
    if not lines or lines[0] != FENCE:
        return None
    try:
        return lines.index(FENCE, 1)  # (not a loop of Python's: a million tags, QA)
    except ValueError:
        return None


def _entries(header: list[str]) -> list[tuple[str, Unit]]:
    """The top-level entries of a YAML header (fences included in ``header``): each key
    with its lines (the lines indented or starting with ``-`` that follow it)."""
    # Found in the header's text, an entry at a time, not a line at a time: a loop over
    # its lines was most of the time of comparing a card of a million tags with each form
    # (QA s95 validate 3).
    if len(header) <= 2:
        return []
    text = "\n".join(header[1:-1])
    entries: list[tuple[str, Unit]] = []
    at, number = 0, 2
    while True:
        found = _NEXT_ENTRY.search(text, at)
        end = len(text) if found is None else found.start()
        size = text.count("\n", at, end) + 1
        lines = tuple(header[number - 1:number - 1 + size])  # (the header's, not copies)
        entries.append((lines[0].split(":", 1)[0], Unit(number, lines)))
        if found is None:
            return entries
        at, number = end + 1, number + size


#: Where the next top-level entry of a YAML header begins: a line that is not indented
#: and does not start with "-" (see :func:`_entries`). (Not a pattern of an entry's
#: lines, repeated: Python's re keeps a state for each repetition, about 100 bytes a tag.)
_NEXT_ENTRY = re.compile(r"\n(?![ -])")


def _header_problems(found: list[str], expected: list[str],
                     skip: frozenset[str]) -> list[Problem]:
    """The YAML header's entries against corpuskit's, key by key (their order aside)."""
    wanted = dict(_entries(expected))
    problems: list[Problem] = []
    seen: set[str] = set()
    for key, unit in _entries(found):
        if key in skip:
            continue
        if key in seen:
            problems.append(_problem(unit.first, f"{key} again in the YAML header "
                                     f"({shown(unit.lines[0])}); corpuskit writes it once "
                                     f"and YAML readers differ on which counts; {RESTORE}"))
            continue
        seen.add(key)
        source = _SOURCES.get(key, _DEFAULT_SOURCE)
        if key not in wanted:
            problems.append(_problem(unit.first, f"{key} in the YAML header is "
                                     f"{shown(_text(unit.lines))}, but corpuskit writes no "
                                     f"{key}; {RESTORE}"))
        elif unit.lines != wanted[key].lines and not _same_address(unit, wanted[key]):
            problems.append(_differs(f"{key} in the YAML header", unit, wanted[key], source))
    end = len(found)  # the line that closes the header
    for key, unit in wanted.items():
        if key not in seen and key not in skip:
            problems.append(_problem(end, f"the YAML header (lines 1-{end}) has no {key}, "
                                     f"but corpuskit writes {shown(_text(unit.lines))} from "
                                     f"{_SOURCES.get(key, _DEFAULT_SOURCE)}; {RESTORE}"))
    return problems


#: A YAML entry whose value is an address written plain, as an earlier corpuskit wrote
#: license_link: a URL, no white space or quote in it, which YAML reads as it is.
_PLAIN_ADDRESS_ENTRY = re.compile(r'([A-Za-z_]+): ([A-Za-z][A-Za-z0-9+.-]*://[^\s"\'\\]+)')


def _same_address(found: Unit, expected: Unit) -> bool:
    """Whether a header entry ``found`` is ``expected`` with its address written plain
    rather than quoted: the same value to YAML (QA: a card built before license_link was
    quoted failed validate)."""
    match = _PLAIN_ADDRESS_ENTRY.fullmatch(found.lines[0]) if len(found.lines) == 1 else None
    return match is not None and expected.lines == (f'{match[1]}: "{match[2]}"',)


def _units(lines: list[str], start: int, begins: tuple[str, ...]) -> dict[str, list[Unit]]:
    """The body's lines (from index ``start``) that begin with each of ``begins``, in
    one pass; the citation with the lines up to the fence that closes it."""
    units: dict[str, list[Unit]] = {begin: [] for begin in begins}
    for index in range(start, len(lines)):
        line = lines[index]
        if not line.startswith(begins):
            continue
        end = index + 1
        if line.startswith(CITATION):
            end = next((at + 1 for at in range(index + 1, len(lines))
                        if lines[at] == "```"), len(lines))
        elif line.startswith(SECTIONS):
            end = next((at for at in range(index + 1, len(lines))
                        if lines[at].startswith("#")), len(lines))
        elif line.startswith(PARAGRAPHS):
            end = next((at for at in range(index + 1, len(lines)) if not lines[at]),
                       len(lines))
        for begin in begins:
            if line.startswith(begin):
                units[begin].append(Unit(index + 1, tuple(lines[index:end])))
    return units


def _description_problems(found: list[str], expected: list[str], found_start: int,
                          expected_start: int, description: str) -> list[Problem]:
    """Where the card's copies of the description (under each of
    :data:`DESCRIPTION_UNDER`, from index ``found_start``) differ from those of
    ``expected``, the card corpuskit writes (from index ``expected_start``): each copy is
    compared whole, from the blank line after the line it is under to the line that
    follows it, so that a sentence put before, in or after it is a difference (QA: a
    re-signed card whose description said "Medical records, cleared for clinical use."
    passed validate --reproduce)."""
    size = description.count("\n") + 3  # blank, the description's lines, blank
    problems = []
    after = expected_start
    for under in DESCRIPTION_UNDER:
        wanted_at = next((index for index in range(after, len(expected))
                          if expected[index].startswith(under)), None)
        assert wanted_at is not None, f"data_card gives the description under {under}"
        after = wanted_at + size + 1
        # The same line in the card: the one that begins so as often before it (a
        # description may hold such a line too).
        nth = sum(1 for line in expected[expected_start:wanted_at + 1]
                  if line.startswith(under))
        alike = [index for index in range(found_start, len(found))
                 if found[index].startswith(under)]
        if len(alike) < nth:
            continue  # the line it is under is missing: told as that line's difference
        found_at = alike[nth - 1]
        wanted = expected[wanted_at + 1:wanted_at + 1 + size]
        follows = expected[wanted_at + 1 + size]
        at = found_at + 1 + size
        if found[found_at + 1:at] == wanted and at < len(found) \
                and _begins_alike(found[at], follows):
            continue  # (the line that follows is compared as itself: not told twice)
        # The first line that differs, and what the card gives there instead: up to the
        # line that follows the description (looked for past the lines that are its own).
        differs = next((index for index, line in enumerate(wanted)
                        if found_at + 1 + index >= len(found)
                        or found[found_at + 1 + index] != line), size)
        end = next((index for index in range(found_at + 1 + differs, len(found))
                    if _begins_alike(found[index], follows)), len(found))
        have = found[found_at + 1:end]
        said, writes = "\n".join(have), "\n".join(wanted)
        if said.strip("\n") != writes.strip("\n"):  # (else the blank lines differ)
            said, writes = said.strip("\n"), writes.strip("\n")
        said, writes = shown_pair(said, writes)
        place = "the title" if under == BODY_LINES[0] else shown(under)
        problems.append(_problem(
            found_at + 2 + min(differs, len(found) - found_at - 2),
            f"the description under {place} is {said}, but corpuskit writes {writes} "
            f"from datapackage.json's description (the card gives it as it is, between "
            f"blank lines); {RESTORE}"))
    return problems


def _begins_alike(line: str, expected: str) -> bool:
    """Whether ``line`` is ``expected``, or begins as the compared body line it is."""
    return line == expected or any(line.startswith(begin) and expected.startswith(begin)
                                   for begin in BODY_LINES)


def _compare(found: list[Unit], expected: list[Unit], begins: str,
             source: str) -> list[Problem]:
    """The body's units that begin with ``begins`` against corpuskit's, in order."""
    problems = []
    for index in range(max(len(found), len(expected))):
        if index >= len(found):
            problems.append(Problem(README, "metadata-mismatch",
                                    f"no line beginning {shown(begins)}, but corpuskit writes "
                                    f"{shown(_text(expected[index].lines))} from {source}; "
                                    f"{RESTORE}"))
        elif index >= len(expected):
            problems.append(_problem(found[index].first,
                                     f"the line is {shown(_text(found[index].lines))}, but "
                                     f"corpuskit writes {'no' if not expected else 'one'} "
                                     f"line beginning {shown(begins)}; {RESTORE}"))
        elif found[index].lines != expected[index].lines and not (
                begins == CITATION and citations_alike("\n".join(found[index].lines),
                                                       "\n".join(expected[index].lines))):
            what = ("the citation" if begins == CITATION
                    else "the section" if begins in SECTIONS
                    else "the paragraph" if begins in PARAGRAPHS else "the line")
            problems.append(_differs(what, found[index], expected[index], source))
    return problems


def _differs(what: str, found: Unit, expected: Unit, source: str) -> Problem:
    """A problem at the first line where ``found`` (``what``, in words) differs from
    ``expected``, showing both from there."""
    at = next((index for index, (a, b) in enumerate(zip(found.lines, expected.lines,
                                                        strict=False)) if a != b),
              min(len(found.lines), len(expected.lines)))
    number = found.first + min(at, len(found.lines) - 1)
    rest, wanted = found.lines[at:], expected.lines[at:]
    said, writes = shown_pair(_text(rest), _text(wanted))
    if not rest:
        text = f"{what} ends here, but corpuskit goes on with {writes} from {source}"
    elif not wanted:
        text = f"{what} goes on with {said}, but corpuskit ends it before"
    else:
        text = f"{what} is {said}, but corpuskit writes {writes} from {source}"
    return _problem(number, f"{text}; {RESTORE}")


def _text(lines: Iterable[str]) -> str:
    return "\n".join(lines)


def _problem(line: int, message: str) -> Problem:
    return Problem(README, "metadata-mismatch", message, f"line {line}")

