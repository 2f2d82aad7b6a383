"""The digests of a file's bytes with their line ends swapped, as Git converts them."""

from __future__ import annotations

import hashlib
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from property_budget import examples

from corpuskit.lineends import converted, swapped_digests

_LONE_LF = re.compile(rb"(?<!\r)\n")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _pieces(data: bytes, cuts: list[int]) -> list[bytes]:
    at = sorted({cut % (len(data) + 1) for cut in cuts})
    return [data[start:end] for start, end in zip([0, *at], [*at, len(data)], strict=True)]


@settings(max_examples=examples(3000), deadline=None)
@given(st.binary(max_size=64).map(lambda raw: bytes(b"\r\na"[byte % 3] for byte in raw)),
       st.lists(st.integers(min_value=0, max_value=64), max_size=6))
def test_the_swapped_digests_are_those_of_the_definitions(data: bytes, cuts: list[int]) -> None:
    """Each digest is that of its plain definition (every CR LF made LF; every LF not after
    a CR made CR LF) in any chunks, a chunk ending in a CR among them: the CR LF form is
    made from the LF form by ``bytes.replace`` (a regular expression's substitution took
    4.9 s for a records file of 32 MiB of empty lines, QA s95)."""
    assert swapped_digests(_pieces(data, cuts)) == (
        _sha256(data), _sha256(data.replace(b"\r\n", b"\n")),
        _sha256(_LONE_LF.sub(b"\r\n", data)))


def test_a_conversion_is_told_either_way() -> None:
    lf, crlf = b"one\n\ntwo\nthree\n", b"one\r\n\r\ntwo\r\nthree\r\n"
    assert converted([crlf], _sha256(lf)) == "LF to CR LF"  # checked out with CR LF
    assert converted([lf], _sha256(crlf)) == "CR LF to LF"  # committed with LF
    assert converted([lf], _sha256(lf)) is None
    assert converted([b"other\n"], _sha256(lf)) is None
