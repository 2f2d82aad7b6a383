"""Checks of data/documents.jsonl: every line against the record schema, plus the
cross-checks no generic validator makes, and ``--reproduce``.

Speed: the record schema is compiled once into a plain-Python predicate (a subset of JSON
Schema that covers ``document.schema.json``); only a line that fails it goes through
jsonschema, which then names every error. If the schema ever uses a keyword the compiler
does not know, every line goes through jsonschema (correct, only slower).
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, repeat
from typing import Any

import orjson

from ..config import NOT_TITLE_ENDINGS, ProcessConfig
from ..counts import count_many_utf8, derived_mismatches, load_many
from ..croissant import raw_suffixes
from ..discover import document_id
from ..errors import InputError
from ..languageid.languagecodes import UNDETERMINED
from ..membernames import any_unsafe_member, unsafe_member_reason
from ..models import RECORD_FIELDS, DocumentProblem, RawDocument, Record, record_from_dict
from ..names import (
    REBUILD,
    escaped,
    lookalike_groups,
    lookalike_id_message,
    refused_names,
    shown_id,
    some_others,
    spelled,
)
from ..package import RAW_PREFIX, bagit_path
from ..packagesource import DESCRIPTOR
from ..problems import Problem, ProblemList
from ..recordshape import (
    NOT_CANONICAL,
    RECORD_SCHEMA,
    all_real_dates,
    not_written,
    real_date,
    record_shape,
)
from ..schemacheck import iter_problems, not_json, shown_value
from ..sentenceends import ends_in_greek_question
from ..visible import shows_text
from .cleanblock import prepare as prepare_reading
from .cleanblock import read_clean_block
from .digest import Digests, FileDigester, read_reason

#: What the package-wide checks need of one line: ``(line number, id, raw file path,
#: source_bytes, source_sha256, consistent)``. The id is None for a line whose id is not a
#: string; the raw path is None unless the source_path is safe (of a record that failed
#: its checks, with source_bytes :data:`NOT_COMPARED`); ``consistent`` means the record
#: agrees with its own text (only those are re-derived by ``--reproduce``). A plain
#: tuple: cheap to send back from a worker.
Facts = tuple[int, "str | None", "str | None", int, str, bool]


#: The source_bytes of the facts of a record that failed its checks: the raw file it names
#: is its (no ``unreferenced-file`` for it), but is not compared with the record.
NOT_COMPARED = -1


def _named_raw(data: Any) -> str | None:
    """The raw file a record that failed its checks names, if it names one safely."""
    source = data.get("source_path") if isinstance(data, dict) else None
    if not isinstance(source, str) or unsafe_member_reason(source):
        return None
    return RAW_PREFIX + source


def check_line(path: str, number: int, line: bytes, problems: list[Problem]
               ) -> tuple[Facts | None, dict[str, Any] | None]:
    """The checks of one line that need nothing but the line; appends to ``problems``.

    Returns the line's facts for the package-wide checks (None for a line that is not a
    JSON object) and the parsed record when it matched its schema.
    """
    if not line or line.isspace():
        what = "an empty line" if not line else "a line of whitespace only"  # (QA s95)
        problems.append(Problem(path, "schema-error",
                                f"{what}; every line must be one record", f"line {number}"))
        return None, None
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        problems.append(Problem(path, "schema-error", not_json(line, exc, line=True),
                                f"line {number}"))
        return None, None
    shape = record_shape()
    if shape is None or not shape(data):
        errors = list(iter_problems(RECORD_SCHEMA, data, path,
                                    location_prefix=f"line {number} "))
        if not errors and shape is not None:
            errors = [Problem(path, "schema-error", f"the record {not_written(data)}",
                              f"line {number}")]
        if errors:
            problems.extend(Problem(p.path, p.code, p.message, p.location.rstrip())
                            for p in errors)
            doc_id = data.get("id") if isinstance(data, dict) else None
            # Its text is still compared with its hash and counts where they are of
            # their types: a schema error hid the mismatches until it was fixed (QA).
            if isinstance(data, dict) and _derived_fields_typed(data):
                problems.extend(_text_mismatch(path, number, repr(doc_id), data)[0])
            return (number, doc_id if isinstance(doc_id, str) else None, _named_raw(data),
                    NOT_COMPARED, "", False), None
    doc_id = data["id"]
    if tuple(data) != RECORD_FIELDS \
            or orjson.dumps(data) != (line[:-1] if line.endswith(b"\n") else line):
        problems.append(Problem(path, "schema-error", f"record {doc_id!r} {NOT_CANONICAL}",
                                f"line {number}"))
    if data["date"] is not None and not real_date(data["date"]):
        problems.append(Problem(path, "schema-error", f"record {doc_id!r}: date "
                                f"{data['date']!r} is not a real calendar date", f"line {number}"))
    found, compared = _text_mismatch(path, number, repr(doc_id), data)
    problems.extend(found)
    if not compared:  # unpaired surrogates
        return (number, doc_id, _named_raw(data), NOT_COMPARED, "", False), None
    # A text that shows nothing is not re-derived by --reproduce: its raw file makes no
    # record, which would say the same again.
    shows = shows_text(data["text"])
    if not shows:
        problems.append(_shows_nothing(path, number, doc_id, _named_raw(data)))
    wrong = bool(found) or not shows
    source: str = data["source_path"]
    reason = unsafe_member_reason(source)
    if reason:
        problems.append(Problem(path, "unsafe-path",
                                f"record {doc_id!r}: source_path {source[:200]!r} is unsafe: "
                                f"{reason}", f"line {number}"))
        return (number, doc_id, None, 0, "", False), None
    if (expected := document_id(source)) != doc_id:
        # Two ids that show alike are spelled out (QA: "id 'café' does not match ... (its
        # id would be 'café')", the one NFC, the other not).
        alike = (f"; they differ only in how they are spelled: {escaped(doc_id)} and "
                 f"{escaped(expected)}" if shown_id(doc_id) == shown_id(expected) else "")
        problems.append(Problem(path, "record-mismatch",
                                f"record {doc_id!r}: id does not match source_path {source!r} "
                                f"(its id would be {expected!r}{alike})", f"line {number}"))
    return (number, doc_id, RAW_PREFIX + source, data["source_bytes"], data["source_sha256"],
            not wrong), data


def _shows_nothing(path: str, number: int, doc_id: str, raw_path: str | None) -> Problem:
    """The problem of a record whose text shows nothing, which build refuses as it refuses
    a document that holds nothing else (QA: a title taken from 'My Title', a blank line and
    a soft hyphen left such a record, and validate passed it)."""
    raw = f"its raw file {raw_path}" if raw_path is not None else "its raw file"
    return Problem(path, "empty-document",
                   f"record {doc_id!r}: its text shows nothing (only space, control, format "
                   "or other invisible characters, such as soft hyphens, zero-width joiners "
                   f"or a Braille blank), which no build writes: {raw} holds no text "
                   "besides its title, date or rights line, or the record was edited; add "
                   "the document's text to it or remove it from the seeds, and rebuild the "
                   "package", f"line {number}")


#: The fields :func:`_text_mismatch` reads, and their types.
_DERIVED_TYPES = {"text": str, "text_sha256": str, "chars": int, "words": int,
                  "paragraphs": int}


def _derived_fields_typed(data: dict[str, Any]) -> bool:
    return all(type(data.get(name)) is kind for name, kind in _DERIVED_TYPES.items())


def _text_mismatch(path: str, number: int, shown_id: str, data: dict[str, Any]
                   ) -> tuple[list[Problem], bool]:
    """The record's text against its text_sha256 and counts: one problem, or none; and
    whether it could be compared (a text of unpaired surrogates cannot be encoded)."""
    text: str = data["text"]
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError:
        return [Problem(path, "record-mismatch",
                        f"record {shown_id}: text holds unpaired surrogates",
                        f"line {number}")], False
    wrong = derived_mismatches(text, encoded, text_sha256=data["text_sha256"],
                               chars=data["chars"], words=data["words"],
                               paragraphs=data["paragraphs"])
    if not wrong:
        return [], True
    return [Problem(path, "record-mismatch",
                    f"record {shown_id}: {', '.join(wrong)} "
                    f"{'does' if len(wrong) == 1 else 'do'} not match its text",
                    f"line {number}")], True


#: What the parent needs of a line that is a JSON object: ``(line number, id, raw path)``
#: (the id None unless a string, the raw path as in :data:`Facts`).
LineFacts = tuple[int, "str | None", "str | None"]
#: A ``record-mismatch`` problem of a record's source_bytes alone (its source_sha256 not
#: found wrong): ``(the problem, the raw file, the record's source_bytes)``. What the
#: problem is about, as data: a caller that knows the raw file's size to be in dispute
#: (an archive entry whose two headers disagree on it) can tell the problem is that
#: dispute's, by what it is about and not by its wording (QA: matched by its message, it
#: would have come back the day the message was worded otherwise).
SizeMismatch = tuple[Problem, str, int]


#: The record fields a :class:`Tally` counts.
TALLIED = ("title", "date", "language", "rights", "chars", "words", "source_bytes",
           "source_encoding", "normalization", "source_path")


@dataclass
class Tally:
    """What croissant.json and the data card state of the records, learnt while validate
    reads them: the statistics a build gathers (:class:`~corpuskit.package.CorpusStats`),
    with the lengths counted by value rather than listed. ``records`` counts the records
    tallied, those that matched their schema: fewer than the lines, and the tally is
    incomplete (no statistic is known for sure). Counters and sums: memory does not grow
    with the records (the lengths with their distinct values only)."""

    records: int = 0
    languages: Counter[str] = field(default_factory=Counter)
    steps: Counter[str] = field(default_factory=Counter)
    #: The records' lists of normalization steps, each distinct one counted (a few: the
    #: steps a document needed, in the order the configuration runs them).
    step_lists: Counter[tuple[str, ...]] = field(default_factory=Counter)
    encodings: Counter[str] = field(default_factory=Counter)
    #: How many records have each length in characters.
    lengths: Counter[int] = field(default_factory=Counter)
    words: int = 0
    raw_bytes: int = 0
    with_title: int = 0
    with_date: int = 0
    with_rights: int = 0
    first_date: str | None = None
    last_date: str | None = None
    #: The characters of the longest title, and the titles no build takes as such (ending
    #: as a sentence or a clause does, or of more than one line): checked against the
    #: package's settings (QA: a re-signed title over title_max_chars passed).
    longest_title: int = 0
    sentence_titles: int = 0
    #: The characters of the shortest text labelled with a language (not ``und``).
    shortest_labelled: int | None = None
    #: The suffixes of the raw files' names (:func:`~corpuskit.croissant.raw_suffixes`),
    #: where the columns hold the source_path: the FileSets per media type of some earlier
    #: builds' croissant.json are written from them in the clean pass, which lists no raw
    #: file.
    suffixes: set[str] = field(default_factory=set)

    def add(self, columns: Mapping[str, Sequence[Any]], records: int) -> None:
        """The columns (:data:`TALLIED`, by field name) of ``records`` records that
        matched their schema: a few calls that loop in C."""
        self.records += records
        if "source_path" in columns:
            self.suffixes |= raw_suffixes(columns["source_path"])
        self.languages.update(columns["language"])
        self.steps.update(chain.from_iterable(columns["normalization"]))
        self.step_lists.update(map(tuple, columns["normalization"]))
        self.encodings.update(columns["source_encoding"])
        self.lengths.update(columns["chars"])
        self.words += sum(columns["words"])
        self.raw_bytes += sum(columns["source_bytes"])
        self.with_title += records - columns["title"].count(None)
        self.with_rights += records - columns["rights"].count(None)
        dates = [date for date in columns["date"] if date is not None]
        self.with_date += len(dates)
        if dates:
            self._dates(min(dates), max(dates))
        titles = [title for title in columns["title"] if title is not None]
        if titles:
            self.longest_title = max(self.longest_title, max(map(len, titles)))
            self.sentence_titles += sum(1 for title in titles if "\n" in title or (
                title.endswith(NOT_TITLE_ENDINGS) and not ends_in_greek_question(title)))
        labelled = [chars for chars, language in zip(columns["chars"], columns["language"],
                                                     strict=True) if language != UNDETERMINED]
        if labelled:
            self._labelled(min(labelled))

    def _labelled(self, chars: int | None) -> None:
        if chars is not None and (self.shortest_labelled is None
                                  or chars < self.shortest_labelled):
            self.shortest_labelled = chars

    def add_records(self, records: Sequence[Mapping[str, Any]]) -> None:
        """:meth:`add` of records given one by one (parsed JSON objects)."""
        self.add({name: [record[name] for record in records] for name in TALLIED},
                 len(records))

    def _dates(self, first: str | None, last: str | None) -> None:
        if first is not None and (self.first_date is None or first < self.first_date):
            self.first_date = first
        if last is not None and (self.last_date is None or last > self.last_date):
            self.last_date = last

    def merge(self, other: Tally) -> None:
        self.records += other.records
        self.languages.update(other.languages)
        self.steps.update(other.steps)
        self.step_lists.update(other.step_lists)
        self.encodings.update(other.encodings)
        self.lengths.update(other.lengths)
        self.words += other.words
        self.raw_bytes += other.raw_bytes
        self.with_title += other.with_title
        self.with_date += other.with_date
        self.with_rights += other.with_rights
        self._dates(other.first_date, other.last_date)
        self.longest_title = max(self.longest_title, other.longest_title)
        self.sentence_titles += other.sentence_titles
        self._labelled(other.shortest_labelled)
        self.suffixes |= other.suffixes


@dataclass
class BlockResult:
    """The findings of :func:`check_records` over one block of lines (small: it is what a
    worker sends back). ``digests`` and ``errors`` are those of the raw files read;
    ``tally`` counts the records that matched their schema; ``empty`` the lines that are
    empty (or white space only): no record, each reported as a problem of its own;
    ``unread`` the other lines whose record names no raw file that could be read (not JSON,
    or no source_path of the right form); ``sizes`` those of ``problems`` that are about a
    record's source_bytes alone (:data:`SizeMismatch`). ``problems`` are those of the
    lines (of the records file): it keeps at most :data:`~corpuskit.problems.KEPT_OF_A_CODE`
    of a code and counts the others (a worker sent a million problems a block of empty
    lines made, that its parent then dropped: QA s95 validate 1). ``absent``: the
    ``missing-file`` problems of the raw files records name, kept all (one a record at
    most): the parent leaves out those of files behind a refused entry before it counts
    them. ``stopped``: the first line left unchecked, where the block's ``problems``
    reached the limit :func:`check_records` was given (0: every line checked)."""

    problems: ProblemList = field(default_factory=ProblemList)
    absent: list[Problem] = field(default_factory=list)
    lines: list[LineFacts] = field(default_factory=list)
    empty: int = 0
    unread: int = 0
    digests: list[tuple[str, int, Digests]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)
    sizes: list[SizeMismatch] = field(default_factory=list)
    stopped: int = 0


def check_records(path: str, first: int, block: bytes, files: Mapping[str, int],
                  digester: FileDigester,
                  on_valid: Callable[[int, Record], None] | None = None,
                  limit: int | None = None) -> BlockResult:
    """:func:`check_line` over a block of whole lines, and each record against its raw file.

    The raw file a record names is read here, once: its digests serve both this check
    (source_bytes and source_sha256) and the manifests (the caller keeps them). ``files``
    lists the package's files (a size of -1: not measured yet). Records that pass every
    check are handed to ``on_valid`` with their parsed record (``--reproduce``). Once the
    problems of the block's lines number ``limit`` (``absent`` ones not counted: they
    cost what a valid record costs), the lines after are left unchecked (``stopped``).
    """
    result = BlockResult()
    problems = result.problems
    sha256_at = digester.algorithms.index("sha256")
    valid: list[dict[str, Any]] = []
    for number, line in enumerate(block.split(b"\n"), start=first):
        if limit is not None and problems.found >= limit:
            result.stopped = number
            break
        blank = not line or line.isspace()
        if blank:  # no record: the card and descriptor count none
            result.empty += 1
        facts, data = check_line(path, number, line, problems)
        if data is not None:
            valid.append(data)
        if facts is None:
            result.unread += not blank
            continue
        number, doc_id, raw_path, source_bytes, source_sha256, consistent = facts
        result.lines.append((number, doc_id, raw_path))
        if raw_path is None:
            result.unread += 1
        if raw_path is None or source_bytes == NOT_COMPARED:
            continue
        listed = files.get(raw_path)
        if listed is None:
            result.absent.append(Problem(raw_path, "missing-file",
                                         f"the raw input of record {doc_id!r} ({path} "
                                         f"line {number}) is absent{spelled(raw_path)}"))
            continue
        sha: str | None = None
        try:
            size, digests = digester.digest(raw_path, source_bytes)
        except (OSError, ValueError) as exc:
            result.errors.append((raw_path, read_reason(exc)))
            if listed < 0:  # not measured: nothing to compare
                continue
            size = listed  # an archive member's declared size
        else:
            result.digests.append((raw_path, size, digests))
            sha = digests[sha256_at].hex()
        if size != source_bytes or (sha is not None and sha != source_sha256):
            wrong = []
            if size != source_bytes:
                wrong.append(f"source_bytes ({source_bytes}, the file has {size})")
            if sha is not None and sha != source_sha256:
                wrong.append("source_sha256")
            problem = Problem(path, "record-mismatch",
                              f"record {doc_id!r}: {', '.join(wrong)} "
                              f"{'does' if len(wrong) == 1 else 'do'} not match "
                              f"{raw_path}", f"line {number}")
            problems.append(problem)
            if len(wrong) == 1 and size != source_bytes:  # its size alone
                result.sizes.append((problem, raw_path, source_bytes))
        elif consistent and sha is not None and data is not None and on_valid is not None:
            on_valid(number, record_from_dict(data))
    result.tally.add_records(valid)
    return result


@dataclass
class StreamBlock:
    """What :func:`check_clean_block` found in one block of lines of a package checked
    as a stream (see :mod:`corpuskit.validation.clean`): never a table per file.

    ``clean`` is False as soon as anything at all is off; the rest is then meaningless
    (the caller runs the precise check, which reports it). ``manifest`` stands for the
    lines the payload manifest must have for these records' raw files, in record order and
    in the exact form corpuskit writes: their size in bytes and sha256
    (:func:`manifest_digest`), which the caller compares with those of the manifest's next
    bytes. The lines themselves (about 100 bytes a record) cost a worker more to send, and
    the parent to receive, than to hash on both sides. ``path_hash`` is
    :func:`sum_of_path_tokens` of their paths, ``raw_bytes`` their sizes. ``first_id``
    and ``last_id`` bound the ids, strictly increasing within the block.
    """

    clean: bool
    lines: int = 0
    manifest: tuple[int, bytes] = (0, b"")
    raw_bytes: int = 0
    path_hash: int = 0
    first_id: str = ""
    last_id: str = ""
    #: Why the block itself could not be read whole (a file that changed while read is
    #: reported even if the precise check then finds it stable).
    unreadable: str = ""
    #: The languages and normalization steps of its records (all of them, when clean).
    tally: Tally = field(default_factory=Tally)


def manifest_digest(lines: bytes) -> tuple[int, bytes]:
    """What stands for manifest lines in a :class:`StreamBlock`: their size and sha256."""
    return len(lines), hashlib.sha256(lines).digest()


#: The sums of path tokens are kept modulo 2**128.
HASH_MASK = (1 << 128) - 1
#: BLAKE2b keyed with a secret new in every run (forked workers share it); each token
#: starts from a copy of it, which saves hashing the key block again.
_PATH_HASHER = hashlib.blake2b(digest_size=16, key=os.urandom(16))


def _keyed_str_hash() -> bool:
    """Whether ``hash()`` of a str is keyed with a secret drawn when Python started:
    hash randomization on, and no seed fixed by ``PYTHONHASHSEED`` (read by Python
    unless ``-E`` or ``-I`` told it to ignore the environment)."""
    if not sys.flags.hash_randomization:
        return False
    return bool(sys.flags.ignore_environment) \
        or os.environ.get("PYTHONHASHSEED", "random") in ("", "random")


#: Python's own hash of str is SipHash keyed with a secret of this run (shared by forked
#: workers, which is where tokens are summed): about 20 times cheaper than BLAKE2b.
KEYED_STR_HASH = _keyed_str_hash()


def _blake2b_token(path: str) -> int:
    hasher = _PATH_HASHER.copy()
    hasher.update(path.encode("utf-8", "surrogateescape"))
    return int.from_bytes(hasher.digest(), "little")


def path_token(path: str) -> int:
    """A keyed hash of ``path``: sums of these over the raw files the listing found and
    over those the records name stand in for the two sets (see :func:`sum_of_path_tokens`).

    The key is secret and new in every run, so no set of names can be made to collide on
    purpose: Python's ``hash()`` (SipHash, 64 bits) when its key is secret
    (:data:`KEYED_STR_HASH`), else a 128-bit BLAKE2b with a key of our own (with
    ``PYTHONHASHSEED`` fixed, ``hash()`` is predictable). Two different sets of equal size
    have equal sums with a chance of about 2**-64."""
    return hash(path) if KEYED_STR_HASH else _blake2b_token(path)


def sum_of_path_tokens(paths: Iterable[str]) -> int:
    """The sum of :func:`path_token` of ``paths``, modulo 2**128."""
    return sum(map(hash if KEYED_STR_HASH else _blake2b_token, paths)) & HASH_MASK


_UNCLEAN = StreamBlock(False)


def _bagit_paths(paths: list[str]) -> Iterable[str]:
    """:func:`bagit_path` of each of ``paths``: the paths themselves unless one holds a
    character a manifest escapes (as :func:`corpuskit.package.manifest_lines` writes them;
    a block of 358 raw paths: 0.15 µs a path less)."""
    joined = "".join(paths)
    if "%" in joined or "\r" in joined or "\n" in joined:
        return map(bagit_path, paths)
    return paths


def check_clean_block(block: bytes, digester: FileDigester) -> StreamBlock:
    """The checks of :func:`check_records` over a block, for a package expected to be
    clean: the first deviation of any kind ends the block with ``clean=False``.

    It accepts only lines :func:`check_line` finds no problem in, with records that
    agree with their text (``consistent``), ids strictly increasing (whether two of them
    look alike is asked of the raw files' listing: ``PackageView.may_collide``), source
    paths whose names ``build`` accepts (the raw files' names:
    :func:`corpuskit.names.refused_names`),
    and raw files whose size and sha256 are source_bytes and source_sha256; a record that
    fails its compiled shape is refused outright (jsonschema, which may accept it, is left
    to the precise check). This is where ``validate`` spends most of its time, so the same
    checks are made a column at a time rather than a record at a time: each is one call
    that loops in C (``map``, ``zip``, numpy for the counts) over the block's values, with
    no problem, no tuple of facts and no look-up built per record. The tests hold it to
    :func:`check_line`.

    The block's records, and the proof that each line is exactly what corpuskit writes
    for its record, come from :func:`read_clean_block` (two readers, one answer).

    Each raw file is read once, and the payload manifest's line for it is derived from
    the record, so nothing per file outlives the block.
    """
    if digester.algorithms != ("sha256",):
        return _UNCLEAN
    read = read_clean_block(block)
    if read is None:
        return _UNCLEAN
    column, encoded = read.columns, read.encoded
    ids: tuple[str, ...] = column["id"]
    texts: tuple[str, ...] = column["text"]
    sources: tuple[str, ...] = column["source_path"]
    if not all_real_dates(set(filter(None, column["date"]))) \
            or not all(map(str.__lt__, ids, ids[1:])) \
            or any_unsafe_member(sources) \
            or refused_names(sources, allow_percent=True) \
            or tuple(map(document_id, sources)) != ids \
            or tuple(map(len, texts)) != column["chars"] \
            or not all(map(shows_text, texts)):
        return _UNCLEAN
    sha256 = hashlib.sha256
    if tuple([sha256(text).hexdigest() for text in encoded]) != column["text_sha256"]:
        return _UNCLEAN
    words, paragraphs = count_many_utf8(encoded)
    if tuple(words) != column["words"] or tuple(paragraphs) != column["paragraphs"]:
        return _UNCLEAN
    sizes: tuple[int, ...] = column["source_bytes"]
    digests: tuple[str, ...] = column["source_sha256"]
    raw_paths = [RAW_PREFIX + source for source in sources]
    try:
        if digester.sha256_hex_all(raw_paths, sizes, digests) != list(digests):
            return _UNCLEAN
    except (OSError, ValueError):
        return _UNCLEAN
    manifest = "".join(chain.from_iterable(zip(digests, repeat("  "), _bagit_paths(raw_paths),
                                               repeat("\n"))))
    tally = Tally()
    tally.add(column, len(ids))
    return StreamBlock(True, len(ids), manifest_digest(manifest.encode("utf-8")), sum(sizes),
                       sum_of_path_tokens(raw_paths), ids[0], ids[-1], tally=tally)


def prepare_clean_workers() -> None:
    """Make, in a process about to fork workers for :func:`check_clean_block`, what each
    of them would otherwise make for itself on its first block: the compiled checks, the
    readers and numpy's import."""
    load_many()
    prepare_reading()


@dataclass
class IdOrder:
    """Ids unique and sorted, over all lines in order, and none that differs from another
    only in characters nothing shows or in Unicode normalization (:meth:`lookalikes`)."""

    problems: list[Problem] = field(default_factory=ProblemList)
    _ids: set[str] = field(default_factory=set)
    _previous: str = ""
    _largest: str = ""
    #: The ids that show as another would (holding characters nothing shows, or not in
    #: NFC; rare): where, the id, and what shows.
    _hidden: list[tuple[str, int, str, str]] = field(default_factory=list)

    def add(self, path: str, number: int, doc_id: str) -> None:
        if not doc_id.isascii() and (shown := shown_id(doc_id)) != doc_id:
            self._hidden.append((path, number, doc_id, shown))
        # The ids are quoted short (shown_value): an id of 150 MB out of order was quoted
        # whole, held and printed (QA).
        if doc_id > self._largest:  # sorted so far: cannot be a duplicate either
            self._largest = doc_id
        elif doc_id in self._ids:
            self.problems.append(Problem(path, "duplicate-id",
                                         f"id {shown_value(doc_id)} appears on an earlier "
                                         "line too", f"line {number}"))
        elif doc_id < self._previous:
            self.problems.append(Problem(path, "order-error",
                                         f"id {shown_value(doc_id)} comes after "
                                         f"{shown_value(self._previous)}; records must be "
                                         "sorted by id", f"line {number}"))
        self._ids.add(doc_id)
        self._previous = doc_id

    def lookalikes(self, said: Collection[str] = ()) -> list[Problem]:
        """``name-collision`` at each id that differs from another only in characters
        nothing shows (``m`` and ``m`` + U+200B, from ``m.md`` and ``m<U+200B>.txt``) or in
        Unicode normalization (U+00E9 and ``e`` + U+0301), as
        ``build`` refuses them (:func:`corpuskit.names.lookalike_ids`): ids a consumer
        cannot tell apart. Asked once all ids are added. ``said``: files whose names were
        found to collide already: two ids whose files are both among them are not named
        again (ids from names that differ only so: said once, at the files), any other
        look-alike is."""
        groups = lookalike_groups({doc_id: shown for _, _, doc_id, shown in self._hidden},
                                  self._ids.__contains__)
        # The ids of the raw files said already (an id is its raw file's path, less
        # data/raw/ and the extension).
        said_ids = {document_id(path.removeprefix(RAW_PREFIX)) for path in said
                    if path.startswith(RAW_PREFIX)}
        # Each group without the ids said already: made once, not per id.
        unsaid_of = {shown: [other for other in group if other not in said_ids]
                     for shown, group in groups.items()}
        problems = []
        for path, number, doc_id, shown in self._hidden:
            if shown not in groups:
                continue
            group, unsaid = groups[shown], unsaid_of[shown]
            others = len(group) - 1  # the group holds this id
            if doc_id in said_ids:  # look-alikes whose files collided too were said there
                group, others = unsaid, len(unsaid)  # which does not hold it
            alike = some_others(group, doc_id)
            if alike:
                problems.append(Problem(path, "name-collision", lookalike_id_message(
                    doc_id, alike, "rename one of the files" + REBUILD,
                    others - len(alike)), f"line {number}"))
        return problems


# -- --reproduce ----------------------------------------------------------------------------

def compare_records(stored: Record, fresh: Record) -> list[str]:
    """Names of the fields in which two records differ."""
    return [name for name in RECORD_FIELDS if getattr(stored, name) != getattr(fresh, name)]


def reproduce_record(stored: Record, data: bytes, config: ProcessConfig) -> str | None:
    """Why a fresh derivation of ``stored`` from its raw bytes differs, or None if equal."""
    # The pipeline (ftfy, the language identifier) is imported only by --reproduce.
    from ..decoding.decode import decode_with
    from ..records import SlowPatternError, process_document

    try:
        decode_with(data, stored.source_encoding)
    except (UnicodeDecodeError, LookupError, StopIteration) as exc:
        return (f"the raw input does not decode with its recorded source_encoding "
                f"{stored.source_encoding!r}: {exc}")
    try:
        fresh = process_document(RawDocument(stored.id, stored.source_path, data), config)
    except DocumentProblem as bad:
        return f"the raw input no longer makes a record: {bad.problem.message}"
    except SlowPatternError as error:  # a rights pattern of the package's, too slow
        raise InputError([Problem(
            DESCRIPTOR, "config-error",
            error.slow.explain(RAW_PREFIX + stored.source_path, "the package"),
            f"corpuskit.process.extract.rights_patterns[{error.slow.index}]")],
            error.summary) from None
    differing = compare_records(stored, fresh)
    if differing:
        return (f"fields {', '.join(differing)} differ from a fresh derivation of the raw "
                "input with the recorded settings")
    return None
