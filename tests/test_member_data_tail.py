"""Bytes after the end of a member's deflate stream, inside its declared compressed size.

The member inflates whole (Python's zipfile and ``unzip -t`` read it), so the archive
error is the one problem: the reader dropped the last piece it had inflated and reported
the line it cut there as not JSON and without a line break, beside that error (QA).
"""

from __future__ import annotations

import random
import struct
from pathlib import Path

from _validate_support import EPOCH, sealed, write_seeds

import corpuskit
from corpuskit.validation import validate

EXTRA = b"HIDDEN-PAYLOAD"


def _grown(data: bytes, name: bytes, extra: bytes) -> bytes:
    """The zip ``data`` with ``extra`` after the compressed data of member ``name``, its
    compressed size in both headers counting it, later offsets shifted, sealed again."""
    zipped = bytearray(data)
    end = zipped.rfind(b"PK\x05\x06")
    cd_size, cd_offset = struct.unpack("<II", zipped[end + 12:end + 20])
    at, entries = cd_offset, []
    while at < cd_offset + cd_size:
        name_len, extra_len, comment_len = struct.unpack("<HHH", zipped[at + 28:at + 34])
        local, = struct.unpack("<I", zipped[at + 42:at + 46])
        entries.append((at, bytes(zipped[at + 46:at + 46 + name_len]), local))
        at += 46 + name_len + extra_len + comment_len
    [(central, _, local)] = [entry for entry in entries if entry[1] == name]
    name_len, extra_len = struct.unpack("<HH", zipped[local + 26:local + 30])
    size, = struct.unpack("<I", zipped[local + 18:local + 22])
    grown = struct.pack("<I", size + len(extra))
    zipped[local + 18:local + 22] = grown
    zipped[central + 20:central + 24] = grown
    for at, _, offset in entries:  # (the central directory moves after the insertion)
        if offset > local:
            zipped[at + 42:at + 46] = struct.pack("<I", offset + len(extra))
    zipped[end + 16:end + 20] = struct.pack("<I", cd_offset + len(extra))
    data_end = local + 30 + name_len + extra_len + size
    return sealed(bytes(zipped[:data_end] + extra + zipped[data_end:]))


def test_bytes_after_the_records_stream_are_the_one_problem(tmp_path: Path) -> None:
    """documents.jsonl whose compressed data is read in two chunks (its last record a
    document of 1.3 MB), with 14 bytes after its deflate stream: one archive-error, saying
    how many bytes follow it, and no schema-error of a line the reader cut itself."""
    words = random.Random(7)
    long_text = " ".join(f"w{words.randrange(10**9):x}" for _ in range(150_000))
    seeds = write_seeds(tmp_path / "seeds", {
        "short.txt": b"A short document\n\nA few words about rivers and bridges.\n",
        "zz-long.txt": f"A long document\n\n{long_text}\n".encode()})
    result = corpuskit.build(seeds, tmp_path / "dist", source_date_epoch=EPOCH, jobs=1)
    assert result.archive is not None
    damaged = tmp_path / result.archive.name
    damaged.write_bytes(_grown(result.archive.read_bytes(),
                               f"{result.release.name}/data/documents.jsonl".encode(), EXTRA))
    report = validate(damaged, jobs=1)
    assert [(p.path, p.code, p.message) for p in report.problems] == [(
        "data/documents.jsonl", "archive-error",
        f"cannot be read: the compressed data ends {len(EXTRA)} bytes before its declared "
        "compressed size (corrupt)")]
