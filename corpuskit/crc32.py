"""CRC-32 of joined data from the CRC-32s of its parts: zlib's ``crc32_combine``.

Python's zlib module computes CRC-32 but does not expose ``crc32_combine``. The archive
writer needs it: a member made of pieces deflated on other threads (data/documents.jsonl
is one piece per 512 records) gets each piece's CRC computed where the piece is, and
only combines them, instead of running a second CRC over every byte on the one thread
that writes the zip.

The method is zlib's (1.2.12 and later): appending ``n`` bytes multiplies the CRC of the
first part by x^(8n) modulo the CRC polynomial, in the reflected bit order CRC-32 uses.
A table of x^(2^k) makes that a few multiplications per call, whatever ``n`` is.
"""

from __future__ import annotations

#: The CRC-32 polynomial, reflected (as zlib and zip use it).
_POLYNOMIAL = 0xEDB88320
#: x^0 = 1, in the reflected order (the highest bit is the lowest power).
_ONE = 1 << 31


def _multiply(a: int, b: int) -> int:
    """a(x) * b(x) modulo the polynomial (reflected order)."""
    product = 0
    mask = _ONE
    while mask and a:
        if a & mask:
            product ^= b
            a ^= mask
        mask >>= 1
        b = (b >> 1) ^ _POLYNOMIAL if b & 1 else b >> 1
    return product


def _powers() -> list[int]:
    """x^(2^k) modulo the polynomial, for k = 0 .. 63."""
    powers = [_ONE >> 1]  # x^1
    for _ in range(63):
        powers.append(_multiply(powers[-1], powers[-1]))
    return powers


_X_TO_2_TO_THE = _powers()


def _x_to_the_8(count: int) -> int:
    """x^(8 * count) modulo the polynomial."""
    result = _ONE
    k = 3  # 8 * count = count * 2^3
    while count:
        if count & 1:
            result = _multiply(_X_TO_2_TO_THE[k % 64], result)
        count >>= 1
        k += 1
    return result


def crc32_combine(first: int, second: int, second_length: int) -> int:
    """The CRC-32 of ``a + b`` from ``crc32(a)``, ``crc32(b)`` and ``len(b)``."""
    if second_length < 0:
        raise ValueError("a length cannot be negative")
    return _multiply(_x_to_the_8(second_length), first) ^ second
