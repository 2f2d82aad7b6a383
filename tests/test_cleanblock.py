"""The two readers of a block of records (corpuskit.validation.cleanblock): msgspec's
accepts only what orjson's accepts, and reads it the same.

What the proof in the module's doc rests on is tested here on every character: the forms
orjson and msgspec write, and what ``codecs.escape_decode`` reads. The readers are also
held to the precise check in test_validate_stream.py (each change to a record, each
damaged block, read by each reader alone).
"""

from __future__ import annotations

import codecs
import hashlib
import sys
from typing import Any

import msgspec
import orjson
import pytest
from _validate_support import built, records
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from property_budget import examples

from corpuskit.validation import cleanblock
from corpuskit.validation.cleanblock import (
    ORJSON_INTS,
    SHORT_ESCAPES,
    ReadBlock,
    msgspec_reader,
    read_clean_block,
)

#: The characters the short escapes stand for, in the order of SHORT_ESCAPES.
ESCAPED = '\n"\t\r\b\f\\'


def every_character() -> str:
    """Every character from U+0020 on but the surrogates (which have no UTF-8)."""
    return "".join(chr(code) for code in range(0x20, sys.maxunicode + 1)
                   if not 0xD800 <= code <= 0xDFFF)


def test_orjson_writes_every_character_as_it_is_but_the_short_escapes() -> None:
    """The form of a text msgspec's reader takes without encoding it again: each
    character from U+0020 on as its UTF-8, but ``"`` and ``\\``; LF, ``"``, TAB, CR,
    BS, FF and ``\\`` as the seven short escapes; any other control character as a
    ``\\u`` escape (a block holding one is left to orjson's reader)."""
    plain = every_character().replace('"', "").replace("\\", "")
    assert orjson.dumps(plain) == b'"' + plain.encode() + b'"'
    for char, letter in zip(ESCAPED, SHORT_ESCAPES, strict=True):
        assert orjson.dumps(char) == b'"\\' + bytes([letter]) + b'"'
    for code in range(0x20):
        if chr(code) not in ESCAPED:
            assert orjson.dumps(chr(code)) == b'"\\u%04x"' % code


def test_escape_decode_reads_the_short_escapes_as_json_does() -> None:
    for char, letter in zip(ESCAPED, SHORT_ESCAPES, strict=True):
        escaped = b"a\\" + bytes([letter]) + b"b"
        assert codecs.escape_decode(escaped)[0] == ("a" + char + "b").encode()
        assert orjson.loads(b'"' + escaped + b'"') == "a" + char + "b"
    others = bytes(b for b in range(256) if b != 0x5C)
    assert codecs.escape_decode(others)[0] == others  # every other byte left as it is
    assert codecs.escape_decode(memoryview(b"x\\ny")[1:])[0] == b"\ny"


@pytest.mark.parametrize("value", [
    every_character() + ESCAPED,
    [every_character()[:1000], "", ESCAPED],
    [], None, True, False, 0, -1, 1,
    ORJSON_INTS[0], ORJSON_INTS[1],
], ids=lambda value: type(value).__name__ + (f" {value}" if isinstance(value, int) else ""))
def test_msgspec_writes_every_value_the_schema_lets_through_as_orjson_does(
        value: Any) -> None:
    """Strings from U+0020 on and the six escaped characters (the only ones in a block
    msgspec's reader takes), integers in orjson's range, null, booleans, lists of
    strings."""
    assert msgspec.json.encode(value) == orjson.dumps(value)
    assert msgspec.json.encode({"a": value}) == orjson.dumps({"a": value})


def test_orjson_reads_integers_beyond_its_range_as_floats() -> None:
    """Why msgspec's reader refuses them: msgspec reads them as integers."""
    low, high = ORJSON_INTS
    assert type(orjson.loads(str(high).encode())) is int
    assert type(orjson.loads(str(low).encode())) is int
    assert type(orjson.loads(str(high + 1).encode())) is float
    assert type(orjson.loads(str(low - 1).encode())) is float
    assert type(msgspec.json.decode(str(high + 1).encode())) is int


# -- the two readers on blocks of the test package ---------------------------------------------

def by_orjson(block: bytes) -> ReadBlock | None:
    table = cleanblock.clean_record_table()
    assert table is not None
    return cleanblock._orjson_block(block, table)


def by_msgspec(block: bytes) -> ReadBlock | None:
    reader = msgspec_reader()
    assert reader is not None  # the record schema is one it reads
    return reader.read(block)


def block_of(items: list[dict[str, Any]]) -> bytes:
    return b"\n".join(orjson.dumps(item) for item in items)


def sample() -> list[dict[str, Any]]:
    return records(built().release)


def with_text(text: str) -> list[dict[str, Any]]:
    """The sample's records, the first with ``text`` (its digest made to agree)."""
    items = sample()
    items[0].update(text=text, text_sha256=hashlib.sha256(text.encode()).hexdigest(),
                    chars=len(text))
    return items


def with_text_starting(raw: bytes) -> bytes:
    """A block of the sample's records, the first one's text (as written) starting with
    ``raw``."""
    items = sample()
    forged = orjson.dumps(items[0]).replace(b'"text":"', b'"text":"' + raw, 1)
    return b"\n".join([forged, *map(orjson.dumps, items[1:])])


def test_both_readers_read_the_sample_alike() -> None:
    block = block_of(sample())
    read = by_msgspec(block)
    assert read is not None and read == by_orjson(block)
    assert read.encoded == [item["text"].encode() for item in sample()]
    assert read.columns["source_bytes"] == tuple(item["source_bytes"] for item in sample())


@pytest.mark.parametrize("text", [
    'say "hi"\tthen\rgo\b\fon\n\nend\n',
    "naïve 日本語 😀\n",
    'C:\\Users\\x \\\\server \\alpha \\u0041 \\/ \\n \\"q\\" end\\\n',
], ids=["the six escapes", "beyond ASCII", "backslashes"])
def test_msgspec_reads_texts_with_the_short_escapes_as_orjson_does(text: str) -> None:
    block = block_of(with_text(text))
    read = by_msgspec(block)
    assert read is not None and read == by_orjson(block)
    assert read.columns["text"][0] == text
    assert read.encoded[0] == text.encode()


@pytest.mark.parametrize("text", ["a\x01control\n", "\x7f\x1f\n", "\\\x00\n"],
                         ids=["a control character", "U+001F", "a backslash, then NUL"])
def test_a_block_with_another_escape_is_left_to_orjson(text: str) -> None:
    """orjson's form of these texts holds ``\\u00XX``: msgspec's reader declines the
    block, orjson's reads it, and the clean pass goes on."""
    block = block_of(with_text(text))
    assert by_msgspec(block) is None
    read = by_orjson(block)
    assert read is not None and read.columns["text"][0] == text
    assert read_clean_block(block) == read


@pytest.mark.parametrize("form", [
    b'"caf\\u00e9\\n"',  # an escape orjson does not write
    b'"a\\/b\\n"',
    b'"a\\u000ab\\n"',
], ids=["\\u00e9", "\\/", "\\u000a"])
def test_escapes_orjson_does_not_write_are_refused(form: bytes) -> None:
    text = orjson.loads(form)
    items = with_text(text)
    line = orjson.dumps(items[0])
    start = line.index(b'"text":') + len(b'"text":')
    end = line.index(b',"rights":')
    forged = line[:start] + form + line[end:]
    block = b"\n".join([forged, *map(orjson.dumps, items[1:])])
    assert orjson.loads(forged)["text"] == text  # the same record, in another form
    assert by_msgspec(block) is None
    assert by_orjson(block) is None


@pytest.mark.parametrize("form", [b"\\x41", b"\\0", b"\\a", b"\\v", b"\\'", b"\\U0041", b"\\\n"],
                         ids=["\\x41", "\\0", "\\a", "\\v", "\\'", "\\U0041",
                              "a backslash, then LF"])
def test_escapes_json_does_not_know_are_refused(form: bytes) -> None:
    """``codecs.escape_decode`` reads these as Python does (``\\x41`` is ``A``, ``\\0`` is
    NUL): msgspec's reader leaves them to msgspec, which refuses them as JSON does."""
    block = with_text_starting(form)
    assert by_msgspec(block) is None
    assert by_orjson(block) is None


@pytest.mark.parametrize("run", [1, 2, 15, 16, 17, 18, 63, 64, 65, 66, 129, 130])
@pytest.mark.parametrize("letter", [b"u0041", b"/"], ids=["\\u", "\\/"])
def test_a_run_of_backslashes_before_u_or_slash_is_judged_by_its_length(
        run: int, letter: bytes) -> None:
    """An even run before ``u`` or ``/`` is escaped backslashes, then the letter, as orjson
    writes it; an odd run ends in an escape orjson does not write (the same record in
    another form). Runs past LONG_RUN are placed by the other method, alike."""
    assert 2 < cleanblock.LONG_RUN < 63  # runs measured back, and runs placed
    form = b'"' + b"\\" * run + letter + b'\\n"'
    text = orjson.loads(form)
    items = with_text(text)
    line = orjson.dumps(items[0])
    written = orjson.dumps(text)
    assert (written == form) == (run % 2 == 0)
    forged = line.replace(written, form, 1)
    block = b"\n".join([forged, *map(orjson.dumps, items[1:])])
    assert orjson.loads(forged) == items[0]
    read = by_msgspec(block)
    if run % 2:
        assert read is None and by_orjson(block) is None
    else:
        assert read is not None and read == by_orjson(block)
        assert read.columns["text"][0] == text


@pytest.mark.parametrize("raw", [b"\xff", b"\xed\xa0\x80", b"\xc0\xaf", b"\xe2\x82"],
                         ids=["0xFF", "a surrogate", "overlong", "cut short"])
def test_texts_not_utf8_are_refused(raw: bytes) -> None:
    block = with_text_starting(raw)
    assert by_msgspec(block) is None
    assert by_orjson(block) is None


@pytest.mark.parametrize("forge", ["a number", "a list", "null", "a raw tab"])
def test_a_text_that_is_not_a_json_string_is_refused(forge: str) -> None:
    items = sample()
    line = orjson.dumps(items[0])
    start = line.index(b'"text":') + len(b'"text":')
    end = line.index(b',"rights":')
    value = {"a number": b"12", "a list": b'["a\\n"]', "null": b"null",
             "a raw tab": line[start:end].replace(b"\\n", b"\t", 1)}[forge]
    forged = line[:start] + value + line[end:]
    block = b"\n".join([forged, *map(orjson.dumps, items[1:])])
    assert by_msgspec(block) is None
    assert by_orjson(block) is None


@pytest.mark.parametrize("field", ["title", "text"])
def test_values_nested_deep_are_refused(field: str) -> None:
    """msgspec raises RecursionError (not one of its own errors) past its depth limit."""
    items = sample()
    line = orjson.dumps(items[0])
    start = line.index(f'"{field}":'.encode()) + len(field) + 3
    end = line.index(b',"', start)
    forged = line[:start] + b"[" * 100_000 + b"]" * 100_000 + line[end:]
    block = b"\n".join([forged, *map(orjson.dumps, items[1:])])
    assert by_msgspec(block) is None
    assert by_orjson(block) is None


@pytest.mark.parametrize("offset", [0, 1], ids=["at the limit", "beyond"])
@pytest.mark.parametrize("end", ["high", "low"])
def test_integers_beyond_orjsons_range_are_refused(offset: int, end: str) -> None:
    """A count orjson reads as a float is refused by both readers; one at the limit is
    read alike (and the clean pass then finds it wrong, as it is)."""
    low, high = ORJSON_INTS
    value = high + offset if end == "high" else low - offset
    items = sample()
    field = "source_bytes" if end == "high" else "words"
    items[0][field] = value
    block = b"\n".join([msgspec.json.encode(items[0]), *map(orjson.dumps, items[1:])])
    if offset:
        assert by_msgspec(block) is None
        assert by_orjson(block) is None
    else:
        assert by_msgspec(block) == by_orjson(block)
        assert (by_orjson(block) is None) == (end == "low")  # words: at least 0


def test_msgspec_stands_in_only_for_schemas_it_reads_as_orjson_does(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A field that may hold a float (whose forms may differ), a list of integers, or a
    text that may be null: no msgspec reader, orjson's reads every block."""
    schema = cleanblock.clean_schema()
    assert schema is not None
    for name, change in [("chars", {"type": "number"}),
                         ("normalization", {"type": "array", "items": {"type": "integer"}}),
                         ("text", {"type": ["string", "null"]}),
                         ("words", {"minimum": 0})]:
        properties = {**schema["properties"], name: change}
        monkeypatch.setattr(cleanblock, "clean_schema",
                            lambda properties=properties: {**schema, "properties": properties})
        cleanblock.msgspec_reader.cache_clear()
        assert cleanblock.msgspec_reader() is None, name
    monkeypatch.undo()
    cleanblock.msgspec_reader.cache_clear()
    assert cleanblock.msgspec_reader() is not None


def test_a_large_block_is_read_by_msgspec(monkeypatch: pytest.MonkeyPatch) -> None:
    """read_clean_block gives a block of MANY_BYTES or more to msgspec's reader (the one
    that makes validate faster), a smaller one to orjson's."""
    calls: list[str] = []
    reader = msgspec_reader()
    assert reader is not None
    original = type(reader).read

    def spied(self: Any, block: bytes) -> ReadBlock | None:
        calls.append("msgspec")
        return original(self, block)

    monkeypatch.setattr(type(reader), "read", spied)
    block = block_of(sample())
    assert read_clean_block(block) is not None and calls == []
    monkeypatch.setattr(cleanblock, "MANY_BYTES", len(block))
    assert read_clean_block(block) == by_orjson(block) and calls == ["msgspec"]


# -- at random: msgspec's reader never accepts what orjson's refuses -------------------------

#: Bytes a mutation puts in: JSON's syntax, escapes and their letters, UTF-8 leads and
#: continuation bytes, control characters.
MUTATION_BYTES = b'\\"{}[],:nutrbf/0 \n\t\x00\x01\x7f\x80\xbf\xc0\xc3\xe2\xed\xf0\xff'


@st.composite
def mutated_blocks(draw: st.DrawFn) -> bytes:
    """A block of the sample's records, the first with a random text (its digest made to
    agree), then bytes replaced, inserted or deleted at random places."""
    text = draw(st.text(min_size=1, max_size=60)) + "\n"
    block = bytearray(block_of(with_text(text)))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(block) - 1))
        kind = draw(st.sampled_from(["replace", "insert", "delete"]))
        byte = draw(st.sampled_from(MUTATION_BYTES))
        if kind == "replace":
            block[at] = byte
        elif kind == "insert":
            block.insert(at, byte)
        else:
            del block[at]
    return bytes(block)


@settings(max_examples=examples(300), deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(mutated_blocks())
def test_msgspec_accepts_only_what_orjson_accepts_alike(block: bytes) -> None:
    read = by_msgspec(block)
    assert read is None or read == by_orjson(block)


@settings(max_examples=examples(300), deadline=None, database=None)
@given(st.text(min_size=1, max_size=80))
def test_msgspec_reads_every_text_with_only_short_escapes(text: str) -> None:
    """On an unchanged block the two readers agree, and msgspec's declines exactly the
    blocks whose text holds a control character orjson writes as a ``\\u`` escape (so it
    is the one that reads most blocks)."""
    text += "\n"
    block = block_of(with_text(text))
    read = by_orjson(block)
    short = all(char in ESCAPED or char >= " " for char in text)
    assert by_msgspec(block) == (read if short else None)


@settings(max_examples=examples(300), deadline=None, database=None)
@given(st.text(alphabet=st.sampled_from('\\nu/"ab\n\x01'), min_size=1, max_size=40))
def test_msgspec_reads_texts_full_of_backslashes_as_orjson_does(text: str) -> None:
    """Runs of backslashes, escaped and not, before the letters of escapes and others."""
    text += "\n"
    block = block_of(with_text(text))
    assert by_msgspec(block) == (by_orjson(block) if "\x01" not in text else None)


def test_a_block_ending_in_a_backslash_is_refused_after_a_long_run() -> None:
    """A long run sends the block to the method that looks at the byte after every
    backslash: a last byte that is one is refused first, not read past."""
    block = block_of(with_text("\\" * (cleanblock.LONG_RUN + 1) + "/\n"))
    assert by_msgspec(block) is not None
    assert by_msgspec(block + b"\\") is None


@settings(max_examples=examples(300), deadline=None, database=None)
@given(st.binary(max_size=70).map(lambda raw: bytes(b"\\u/na"[byte % 5] for byte in raw)),
       st.integers(0, 3))
def test_the_suspects_are_every_backslash_before_a_u_or_a_slash(raw: bytes, offset: int
                                                                ) -> None:
    """The pairs found two bytes at a time, at even and odd offsets, of a window that
    starts anywhere in its block (a view at any alignment): exactly the backslashes
    followed by a ``u`` or a ``/``."""
    import numpy as np

    data = b"a" * offset + raw + b"a"  # the last byte of a window is no backslash
    window = np.frombuffer(data, np.uint8)[offset:]
    found = cleanblock._suspects(window)
    window_bytes = data[offset:]
    assert sorted(found.tolist()) == [
        at for at in range(len(window_bytes) - 1)
        if window_bytes[at:at + 1] == b"\\" and window_bytes[at + 1:at + 2] in (b"u", b"/")]


@settings(max_examples=examples(300), deadline=None, database=None)
@given(st.binary(max_size=60).map(lambda raw: bytes(b'\\u/n"a'[byte % 6] for byte in raw)),
       st.integers(1, 8))
def test_escapes_looked_at_a_window_at_a_time_are_judged_alike(block: bytes, window: int
                                                               ) -> None:
    """The escapes of a long block are looked at a window at a time (the arrays of a line
    of 150 MB took 1.4 GB, QA); windows of any size give the verdict of one."""
    import numpy as np

    reader = msgspec_reader()
    assert reader is not None
    data = np.frombuffer(block, np.uint8)
    whole = reader._short_escapes_only(block, data)
    saved = cleanblock.ESCAPE_WINDOW
    cleanblock.ESCAPE_WINDOW = window
    try:
        assert reader._short_escapes_only(block, data) == whole
    finally:
        cleanblock.ESCAPE_WINDOW = saved
