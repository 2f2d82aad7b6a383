"""The records of a block of lines of data/documents.jsonl, read for ``validate``'s clean pass.

The clean pass (:func:`corpuskit.validation.records.check_clean_block`) needs, of a block
of lines, its records as columns that passed the record schema's compiled checks and the
UTF-8 of each text (for its sha256 and counts), with the proof that every line is exactly
what corpuskit writes for its record (``orjson.dumps``), one record per line.
:func:`read_clean_block` gives them, or None as soon as anything is off: the caller then
gives the clean pass up, and the precise check names the problems.

Two readers give the same answer:

- orjson's, for any block: the block parsed as one array and dumped again (see
  :func:`_orjson_block`). Each text is decoded from UTF-8 into a ``str`` and encoded back,
  and the texts are 97% of a record's bytes.
- msgspec's, for a large block whose escapes are all among the seven that orjson writes
  for LF, ``"``, TAB, CR, BS, FF and ``\\`` (no ``\\u``, which orjson writes for the other
  control characters, and which sends the block to orjson's reader). The text stays
  bytes: msgspec keeps it as the raw JSON string (``msgspec.Raw``),
  ``codecs.escape_decode`` undoes the seven escapes exactly as JSON does, and a strict
  UTF-8 decode proves it valid and gives the text for the schema's checks. About a sixth
  less work for a worker of ``validate``.

Why msgspec's reader accepts only what orjson's accepts:

- each record msgspec reads is encoded again, and the block must be those lines joined
  by LFs, byte for byte: each line is then one record (an encoded record holds no LF);
- every value but the texts is thereby in msgspec's form, and msgspec and orjson write
  every value the schema lets through alike (strings without ``\\u`` escapes, integers in
  orjson's range, null, booleans, lists of strings: the tests compare the two on every
  character), so the line is orjson's form;
- a text is a JSON string (msgspec checked its syntax: no raw control character, no
  escape JSON does not know) whose escapes are the seven orjson writes for those
  characters, and orjson writes every other character as it is (tested on every
  character): it is orjson's form of the text;
- the columns then go through the same compiled checks as orjson's reader's records.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from typing import Any

import orjson

from ..models import RECORD_FIELDS
from ..recordshape import (
    RECORD_SCHEMA,
    ColumnsCheck,
    TableCheck,
    compile_columns,
    compile_table,
)
from ..schemacheck import load_schema

#: The pattern of the record schema's sha256 fields; every sha256 hex digest matches it.
HEX_DIGEST = "^[0-9a-f]{64}$"
#: The fields the clean pass compares with a sha256 hex digest it computes.
DIGEST_FIELDS = ("text_sha256", "source_sha256")
#: The field holding a record's text.
TEXT = "text"
#: From this many bytes on, a block is looked at with numpy (imported before the workers
#: fork, see :func:`prepare`) and read by msgspec's reader if it can: ``bytes.count`` of a
#: three-byte needle takes about 1 ns a byte, numpy's passes a fifth of that.
MANY_BYTES = 1 << 16
#: The letters of the escapes in a block msgspec's reader takes: those orjson writes for
#: LF, ``"``, TAB, CR, BS, FF and ``\\``, which ``codecs.escape_decode`` reads as JSON
#: does (both read an escape's backslash and letter as a pair, left to right).
SHORT_ESCAPES = b'n"trbf\\'
#: Backslashes before a ``u`` or ``/`` counted one at a time, at most (see
#: :meth:`_MsgspecReader._short_escapes_only`).
LONG_RUN = 16
#: The integers orjson reads as ``int`` (beyond them, a float; msgspec: an ``int``).
ORJSON_INTS = (-(1 << 63), (1 << 64) - 1)


@dataclass(frozen=True)
class ReadBlock:
    """The records of a block: ``columns`` by field, each a tuple in line order, having
    passed the record schema's checks, and ``encoded``, the UTF-8 of each text."""

    columns: dict[str, tuple[Any, ...]]
    encoded: list[bytes]


def _may_hold_object(schema: Any) -> bool:
    """Whether a value that ``schema`` accepts may be or hold a JSON object: True unless
    its ``type`` or ``enum`` rules that out (an array: its ``items`` too)."""
    if not isinstance(schema, Mapping):
        return True
    if "enum" in schema and isinstance(schema["enum"], list) \
            and not any(isinstance(value, (dict, list)) for value in schema["enum"]):
        return False
    kinds = schema.get("type")
    kinds = [kinds] if isinstance(kinds, str) else kinds
    if not isinstance(kinds, list) or "object" in kinds:
        return True
    return "array" in kinds and _may_hold_object(schema.get("items"))


@cache
def clean_schema() -> dict[str, Any] | None:
    """The record schema the clean pass checks records against: without the pattern of
    the digest fields when it is :data:`HEX_DIGEST`. That pass requires them to equal hex
    digests it computes, which match the pattern, so running it proves nothing more. None
    (no clean pass) for a schema whose records may hold an object (a record could then
    span lines, see :func:`record_breaks`) or whose fields are not the records' own."""
    schema = load_schema(RECORD_SCHEMA)
    if any(map(_may_hold_object, schema.get("properties", {}).values())):
        return None
    properties = {
        name: ({key: value for key, value in sub.items() if key != "pattern"}
               if name in DIGEST_FIELDS and sub.get("pattern") == HEX_DIGEST else sub)
        for name, sub in schema["properties"].items()}
    if tuple(properties) != RECORD_FIELDS:
        return None
    return {**schema, "properties": properties}


@cache
def clean_record_table() -> TableCheck | None:
    """:func:`clean_schema` compiled by :func:`compile_table` (None: no clean pass)."""
    schema = clean_schema()
    return None if schema is None else compile_table(schema, in_order=True)


def record_breaks(block: bytes) -> int:
    """The LFs of ``block`` if every one of them stands between ``}`` and ``{``, else -1.

    With as many records as lines, this makes every line one record: an LF outside any
    string (JSON refuses one inside) after a ``}`` closes an object, and no record holds
    an object (:func:`clean_schema`), so it ends a record."""
    if b"\n" not in block:  # one line (a long one is a block of its own): no array of it
        return 0
    if len(block) < MANY_BYTES:
        breaks = block.count(b"\n")
        return breaks if block.count(b"}\n{") == breaks else -1
    import numpy as np

    data = np.frombuffer(block, np.uint8)
    at = np.flatnonzero(data == 0x0A)
    if len(at) and (at[0] == 0 or at[-1] == len(data) - 1):
        return -1
    if not (np.all(data[at - 1] == 0x7D) and np.all(data[at + 1] == 0x7B)):
        return -1
    return len(at)


def _as_array(block: bytes) -> bytes:
    """The lines of ``block`` as one JSON array, each LF kept after its comma: JSON takes
    an LF between two values as whitespace and refuses one inside a string, so a line cut
    inside a string is not read as a comma there."""
    return b"[" + block.replace(b"\n", b",\n") + b"]"


def _joined(block: bytes) -> bytes:
    """The records of ``block`` as corpuskit dumps them in one array: its lines joined by
    commas."""
    return b"[" + block.replace(b"\n", b",") + b"]"


def _orjson_block(block: bytes, table: TableCheck) -> ReadBlock | None:
    """orjson's reader: the block parsed as one array; its lines are canonical if the
    records, dumped as one array, are the lines joined by commas, byte for byte (which
    alone would let a record span two lines while another line holds two: hence
    :func:`record_breaks`)."""
    try:
        if b"\n" not in block:
            # One line (as a long one always is, see corpuskit.validation.lines): read as
            # it is. Made an array, it was copied twice more (QA: a line of 150 MB took
            # validate to 1.1 GB).
            records = [orjson.loads(block)]
            if orjson.dumps(records[0]) != block:
                return None
        else:
            records = orjson.loads(_as_array(block))
            if len(records) != record_breaks(block) + 1 \
                    or orjson.dumps(records) != _joined(block):
                return None
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):  # a lone surrogate: no UTF-8
        return None
    columns = table(records)  # keys in RECORD_FIELDS order too
    if columns is None:
        return None
    try:
        encoded = list(map(str.encode, columns[TEXT]))
    except UnicodeEncodeError:  # unpaired surrogates
        return None
    return ReadBlock(columns, encoded)


def _declared_types(schema: Any) -> list[str] | None:
    """The JSON types ``schema`` lets through, if it says (``type``, or an ``enum`` of
    strings); None if it does not."""
    if not isinstance(schema, Mapping):
        return None
    kinds = schema.get("type")
    if isinstance(kinds, str):
        return [kinds]
    if isinstance(kinds, list) and all(isinstance(kind, str) for kind in kinds):
        return kinds
    enum = schema.get("enum")
    if "type" not in schema and isinstance(enum, list) \
            and all(isinstance(value, str) for value in enum):
        return ["string"]
    return None


#: The bytes :meth:`_MsgspecReader._short_escapes_only` looks at in one go, at least (a
#: block of normal records is one window).
ESCAPE_WINDOW = 1 << 22


def _window_end(data: Any, end: int) -> int:
    """The first offset from ``end`` on that holds no backslash (or the end of ``data``):
    where a window may end without cutting a run of backslashes."""
    import numpy as np

    while end < len(data) and data[end] == 0x5C:
        run = data[end:end + ESCAPE_WINDOW] == 0x5C
        end += len(run) if run.all() else int(np.argmin(run))
    return min(end, len(data))


#: The suspects of :meth:`_MsgspecReader._short_escapes_only`, a backslash and a ``u`` or
#: a ``/``, as the two bytes read as one little-endian 16-bit number.
_SUSPECT_PAIRS = tuple(int.from_bytes(pair, "little") for pair in (b"\\u", b"\\/"))


def _suspects(data: Any) -> Any:
    """Where in ``data`` (bytes as a numpy array, the last of them no backslash) a
    backslash is followed by a ``u`` or a ``/``, in no particular order: the bytes
    compared two at a time, as 16-bit numbers, at even and at odd offsets. Taking the
    position of every backslash first, to look at the byte after it, cost 0.88 ns a byte
    of the records on source code (a backslash every few dozen bytes: a text's LF is one
    in JSON), this 0.19; on the kit's prose 0.30 and 0.29."""
    import numpy as np

    even = data[:len(data) // 2 * 2].view("<u2")
    odd = data[1:1 + (len(data) - 1) // 2 * 2].view("<u2")
    at_even = (even == _SUSPECT_PAIRS[0]) | (even == _SUSPECT_PAIRS[1])
    at_odd = (odd == _SUSPECT_PAIRS[0]) | (odd == _SUSPECT_PAIRS[1])
    if not (at_even.any() or at_odd.any()):
        return np.empty(0, np.intp)
    return np.concatenate([np.flatnonzero(at_even) * 2, np.flatnonzero(at_odd) * 2 + 1])


@dataclass(frozen=True)
class _MsgspecReader:
    """msgspec's reader for the records of one schema (see the module doc)."""

    #: The records of the lines of a buffer (``Decoder.decode_lines``).
    decode_lines: Callable[[bytes], list[Any]]
    #: The records encoded, each line ended by an LF (``Encoder.encode_lines``).
    encode_lines: Callable[[list[Any]], bytes]
    check: ColumnsCheck
    #: The column of the texts.
    text_at: int
    #: The columns that may hold integers, and whether they hold nothing else once checked.
    int_columns: tuple[tuple[int, bool], ...]
    #: For each byte, whether it may be an escape's letter (:data:`SHORT_ESCAPES`).
    escapes: Any
    escape_decode: Callable[[Any], tuple[bytes, int]]

    def _short_escapes_only(self, block: bytes, data: Any) -> bool:
        """Whether every escape in ``block`` (``data``: its bytes as a numpy array) is a
        backslash and one of :data:`SHORT_ESCAPES`, given that msgspec then reads the
        block: JSON knows two escapes more, ``\\u`` and ``\\/`` (msgspec refuses any
        other), so only a backslash before a ``u`` or ``/`` is a suspect. A backslash
        starts an escape unless it is the letter of the escape before it: a suspect
        starts one if the run of backslashes it ends is of odd length (an escaped
        backslash is two of them).

        The suspects are found at numpy's speed, and their runs are measured back from
        their ends, a step per backslash of the longest (most blocks hold no suspect; a
        text's ``\\u`` is two backslashes in JSON). A run longer than :data:`LONG_RUN`
        sends the block to :meth:`_placed_in_runs`, whose time does not grow with the
        runs' length. Placing every backslash of every block, as that method does, took
        four times as long on source code and man pages (a backslash every 40 bytes:
        every line's LF is one); measuring each suspect's run in Python took up to three
        times as long where suspects are many (JSON written with ``\\uXXXX`` escapes,
        held as text).
        """
        if block.endswith(b"\\"):
            return False  # a backslash that ends the block
        # A window at a time: the arrays of a line of 150 MB took 1.4 GB, the positions of
        # its backslashes 8 bytes each (QA). No run of backslashes crosses a window's start.
        start = 0
        while start < len(data):
            end = _window_end(data, start + ESCAPE_WINDOW)
            # With the byte after the window (not a backslash): each backslash's letter.
            if not self._window_short_escapes_only(data[start:end + 1]):
                return False
            start = end
        return True

    def _window_short_escapes_only(self, data: Any) -> bool:
        """:meth:`_short_escapes_only` of bytes whose runs of backslashes are whole."""
        import numpy as np

        suspects = _suspects(data)
        if not len(suspects):
            return True
        # Each suspect's run measured back from its end, all at once: a step per
        # backslash of the longest run, over the suspects whose run goes on.
        starts = suspects.copy()
        going = np.arange(len(suspects))
        for _ in range(LONG_RUN):
            before = starts[going] - 1
            going = going[(before >= 0) & (data[np.maximum(before, 0)] == 0x5C)]
            if not len(going):
                break
            starts[going] -= 1
        else:
            return self._placed_in_runs(data, np.flatnonzero(data == 0x5C))
        return not bool(np.any((suspects - starts) % 2 == 0))  # one that begins an escape

    def _placed_in_runs(self, data: Any, at: Any) -> bool:
        """:meth:`_short_escapes_only`, each backslash placed in its run: in a run of
        backslashes, those at even places from the run's start begin an escape. Every
        backslash followed by a letter of :data:`SHORT_ESCAPES` (a backslash among them)
        is fine whichever it is; only the others are placed. ``at``: where the block's
        backslashes are."""
        import numpy as np

        suspects = at[~self.escapes[data[at + 1]]]
        if not len(suspects):
            return True
        firsts = at[np.flatnonzero(np.diff(at, prepend=-2) != 1)]  # each run's first
        first = firsts[np.searchsorted(firsts, suspects, side="right") - 1]
        return not bool(np.any((suspects - first) % 2 == 0))  # one that begins an escape

    def read(self, block: bytes) -> ReadBlock | None:
        """The block read, or None if it is off or holds what this reader leaves to
        orjson's (any other escape)."""
        import msgspec
        import numpy as np

        if not self._short_escapes_only(block, np.frombuffer(block, np.uint8)):
            return None
        try:
            records = self.decode_lines(block)
        except (msgspec.MsgspecError, RecursionError):  # RecursionError: arrays nested deep
            return None
        # Each line is its record encoded again: the lines are the records, one each.
        encoded_lines = self.encode_lines(records) if records else b""
        if len(encoded_lines) != len(block) + 1 or not encoded_lines.startswith(block):
            return None
        del encoded_lines  # as large as the block: not held while the texts are decoded
        columns = list(zip(*map(msgspec.structs.astuple, records), strict=True))
        views: list[memoryview] = list(map(memoryview, columns[self.text_at]))  # type: ignore[arg-type]
        if bytes(map(itemgetter(0), views)) != b'"' * len(views):
            return None  # a text that is not a string
        escape_decode = self.escape_decode
        encoded = [escape_decode(view[1:-1])[0] for view in views]
        try:
            columns[self.text_at] = tuple(map(bytes.decode, encoded))
        except UnicodeDecodeError:
            return None
        checked = self.check(columns)
        if checked is None:
            return None
        low, high = ORJSON_INTS
        for at, only_ints in self.int_columns:
            ints = columns[at] if only_ints else [v for v in columns[at] if type(v) is int]
            if ints and (min(ints) < low or max(ints) > high):
                return None
        return ReadBlock(checked, encoded)


@cache
def msgspec_reader() -> _MsgspecReader | None:
    """msgspec's reader for :func:`clean_schema`, or None where it cannot stand in for
    orjson's: a field that may hold a float (whose forms may differ) or has no type, a
    list of anything but strings, a text that may be anything but a string, or a Python
    without ``codecs.escape_decode`` (undocumented, though as old as Python 3)."""
    schema = clean_schema()
    escape_decode = getattr(codecs, "escape_decode", None)
    if schema is None or escape_decode is None:
        return None
    properties: Mapping[str, Any] = schema["properties"]
    if _declared_types(properties.get(TEXT)) != ["string"]:
        return None
    int_columns = []
    for at, sub in enumerate(properties.values()):
        kinds = _declared_types(sub)
        if kinds is None or not set(kinds) <= {"string", "integer", "null", "boolean", "array"}:
            return None
        if "array" in kinds and _declared_types(sub.get("items")) != ["string"]:
            return None
        if "integer" in kinds:
            int_columns.append((at, kinds == ["integer"]))
    check = compile_columns(schema)
    if check is None:
        return None
    import msgspec
    import numpy as np

    try:
        struct = msgspec.defstruct(
            "Record", [(name, msgspec.Raw if name == TEXT else Any) for name in properties],
            forbid_unknown_fields=True)
    except (TypeError, ValueError):  # a field name msgspec does not take
        return None
    escapes = np.zeros(256, bool)
    escapes[list(SHORT_ESCAPES)] = True
    return _MsgspecReader(msgspec.json.Decoder(struct).decode_lines,
                          msgspec.json.Encoder().encode_lines, check,
                          tuple(properties).index(TEXT), tuple(int_columns), escapes,
                          escape_decode)


def read_clean_block(block: bytes) -> ReadBlock | None:
    """The records of ``block`` (whole lines, no final LF) for the clean pass, or None if
    anything is off: msgspec's reader for a large block it can read, else orjson's."""
    table = clean_record_table()
    if table is None:
        return None
    if len(block) >= MANY_BYTES:
        reader = msgspec_reader()
        if reader is not None:
            read = reader.read(block)
            if read is not None:
                return read
    return _orjson_block(block, table)


def prepare() -> None:
    """Make, in a process about to fork workers that read blocks, what each would make
    for itself on its first block: the compiled checks and both readers' imports."""
    if clean_record_table() is not None:
        msgspec_reader()
