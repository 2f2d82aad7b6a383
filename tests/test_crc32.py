"""crc32_combine gives zlib's CRC-32 of joined data (the archive writer relies on it)."""

from __future__ import annotations

import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpuskit.crc32 import crc32_combine


@given(st.binary(max_size=3000), st.binary(max_size=3000))
def test_combined_crc_is_the_crc_of_the_joined_bytes(first: bytes, second: bytes) -> None:
    assert crc32_combine(zlib.crc32(first), zlib.crc32(second), len(second)) == \
        zlib.crc32(first + second)


def test_pieces_of_a_large_member_combine_to_its_crc() -> None:
    """As the writer combines the record groups of data/documents.jsonl, in order."""
    data = bytes(range(256)) * 9000 + b"tail"
    crc = 0
    for start in range(0, len(data), 300_007):
        piece = data[start:start + 300_007]
        crc = zlib.crc32(piece) if start == 0 else crc32_combine(crc, zlib.crc32(piece),
                                                                  len(piece))
    assert crc == zlib.crc32(data)


@given(st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1),
       st.integers(0, 2**62 - 1), st.integers(0, 2**62 - 1))
def test_lengths_beyond_32_bits_combine_consistently(a: int, b: int, c: int,
                                                     length_b: int, length_c: int) -> None:
    """Joining is associative; lengths no test can allocate are checked that way (up to
    ISA-L's limit, a signed 64-bit length: the two lengths' sum stays below 2**63)."""
    assert crc32_combine(crc32_combine(a, b, length_b), c, length_c) == \
        crc32_combine(a, crc32_combine(b, c, length_c), length_b + length_c)


def test_an_empty_second_part_keeps_the_crc() -> None:
    assert crc32_combine(0xDEADBEEF, 0, 0) == 0xDEADBEEF
    with pytest.raises(ValueError):
        crc32_combine(1, 2, -1)
