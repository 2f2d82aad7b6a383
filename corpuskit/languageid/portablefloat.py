"""Float arithmetic that gives the same bits on every machine, for the language decision.

A label is decided by comparing floats: the most probable language, and its probability
against ``language_min_confidence``. numpy's matrix products go through OpenBLAS, whose
kernel is chosen for the CPU it runs on (each adds in its own order), and its ``exp`` and
``log1p`` have SIMD forms chosen the same way: on one machine, a text whose probability
lay within a millionth of 0.8 was labelled ``und`` with one kernel and ``zh`` with another
(QA, ``OPENBLAS_CORETYPE``). So the decision is made only of what IEEE 754 rounds alike
everywhere, one operation at a time (never fused), and of sums whose order cannot matter:

- :func:`log1p_counts`: ``log(1 + n)`` of a feature's count ``n``, rounded to a
  multiple of :data:`LOG_GRID` as Python's ``decimal`` (software, its ``ln`` correctly
  rounded) rounds it: from ``math.log1p`` where its error cannot change the multiple,
  else from ``decimal``;
- :func:`weighted_rows`: a weighted sum of a table's rows that is exact (every partial
  sum a float64, whatever order a BLAS kernel adds in), or, past that, exact sums of
  pieces added by ``math.fsum``;
- :func:`exp`: range reduction by ln 2 and a Taylor polynomial, one IEEE operation at a
  time;
- :func:`row_sums`: each row's values added one at a time, first to last.
"""

from __future__ import annotations

import math
import threading
import weakref
from dataclasses import dataclass
from decimal import Context, Decimal
from functools import lru_cache
from itertools import pairwise
from typing import Any

import numpy as np

#: ln 2 in two parts (Cody and Waite, as fdlibm splits it): ``HI`` ends in zero bits, so
#: that ``k * HI`` is exact for every ``k`` an exponent of a float64 needs.
LN2_HI = 6.93147180369123816490e-01
LN2_LO = 1.90821492927058770002e-10
INV_LN2 = 1.44269504088896338700e00
#: 1/k! for k = 14 down to 0: the Taylor polynomial of exp, whose remainder is below
#: 1e-17 relative on the reduced range (|r| <= ln 2 / 2). Each is an integer's float
#: (exact below 2**53) divided once.
EXP_COEFFICIENTS = tuple(1.0 / float(math.factorial(k)) for k in range(14, -1, -1))
#: Below this, exp is 0.0 (the smallest subnormal is about exp(-744.4)).
EXP_UNDERFLOW = -746.0
#: The logarithms of counts are multiples of this: 24 bits after the point (finer than
#: float32, in which py3langid computes them), below 2**5 for any count below 2**46, so
#: at most 29 significant bits: times a weight of at most 24 (a float32), exact.
LOG_GRID = 2.0**-24
#: The most significant bits a weight may have for its products with those logarithms to
#: be exact in float64 (53 bits).
EXACT_WEIGHT_BITS = 53 - 29
_CONTEXT = Context(prec=40)
#: How near (in multiples of :data:`LOG_GRID`) to a midpoint between two multiples a
#: logarithm from ``math.log1p`` may fall and still be rounded from it: 2**-10, a thousand
#: times the 2**-20 its error may reach (:func:`_log1p_on_grid`).
_NEAR_MIDPOINT = 2.0**-10
#: Counts whose logarithms are kept in a table (the rest are worked out one by one).
TABLED_COUNTS = 1 << 12
#: Values of a table looked at together by :func:`table_bounds` (4 MB of float32).
_SLICE = 1 << 20

_LOG1P: Any = np.zeros(1)  # log(1 + 0) = 0; grown on demand
_GROWING = threading.Lock()


def exp(values: Any) -> Any:
    """``e`` to the power of each of ``values`` (float64, at most 709), within a few units
    in the last place of the true value, and the same bits on every machine."""
    x = np.maximum(np.asarray(values, dtype=np.float64), EXP_UNDERFLOW)
    k = np.rint(np.multiply(x, INV_LN2))
    r = np.subtract(np.subtract(x, np.multiply(k, LN2_HI)), np.multiply(k, LN2_LO))
    poly = np.full_like(r, EXP_COEFFICIENTS[0])
    for coefficient in EXP_COEFFICIENTS[1:]:  # two roundings: never fused; in place (a
        np.multiply(poly, r, out=poly)  # new array for each step took 2.0 µs a text of
        np.add(poly, coefficient, out=poly)  # a build's batch against 1.4)
    return np.ldexp(poly, k.astype(np.int32))


def log1p_counts(counts: Any) -> Any:
    """``log(1 + n)`` of each count ``n`` (non-negative integers), as float64 multiples
    of :data:`LOG_GRID`: from a table for counts below :data:`TABLED_COUNTS`, each larger
    one worked out on its own (a text of a million digits counts one feature a million
    times: a table grown to it took seconds of ``decimal``)."""
    counts = np.asarray(counts, dtype=np.intp)
    if not len(counts):
        return np.zeros(0)
    top = int(counts.max())
    if top >= len(_LOG1P) and len(_LOG1P) < TABLED_COUNTS:
        _grow(min(top + 1, TABLED_COUNTS))
    table = _LOG1P
    if top < len(table):
        return table.take(counts)
    logs = table.take(np.minimum(counts, len(table) - 1))
    for index in np.flatnonzero(counts >= len(table)).tolist():
        logs[index] = _log1p_on_grid(int(counts[index]))
    return logs


@lru_cache(maxsize=1 << 12)
def _log1p_on_grid(count: int) -> float:
    """``log(1 + count)`` rounded to the nearest multiple of :data:`LOG_GRID`.

    ``math.log1p`` is within a few units in the last place of the true logarithm on any
    libm, and a logarithm below 2**5 has units of 2**-48 at most: its multiples of the grid
    (2**-24) are then within 2**-20 of the true ones, so its nearest multiple is the true
    logarithm's unless the true one lies within that of a midpoint between two multiples.
    A value within :data:`_NEAR_MIDPOINT` of one is worked out by ``decimal`` instead
    (correctly rounded, in software: about 30 µs a count, against 0.3), so the result is
    ``decimal``'s on every machine (tested for every tabled count)."""
    steps = math.log1p(count) / LOG_GRID  # a power of two: exact
    nearest = math.floor(steps + 0.5)
    if abs(steps - nearest) < 0.5 - _NEAR_MIDPOINT:
        return nearest * LOG_GRID
    return _decimal_log1p_on_grid(count)


def _decimal_log1p_on_grid(count: int) -> float:
    """``log(1 + count)`` rounded to the nearest multiple of :data:`LOG_GRID` by
    ``decimal`` (its ``ln`` correctly rounded)."""
    scaled = (Decimal(count + 1).ln(_CONTEXT) * Decimal(1 / LOG_GRID)).to_integral_value()
    return float(scaled) * LOG_GRID


def _grow(size: int) -> None:
    global _LOG1P
    with _GROWING:
        table = _LOG1P
        if size <= len(table):
            return
        size = min(max(size, 2 * len(table), 256), TABLED_COUNTS)
        more = [_log1p_on_grid(n) for n in range(len(table), size)]
        _LOG1P = np.concatenate([table, np.array(more, dtype=np.float64)])


@dataclass(frozen=True)
class TableBounds:
    """What makes sums of a table's rows exact: every value is a multiple of ``grid``
    and at most ``largest`` in magnitude, with at most ``bits`` significant bits."""

    largest: float
    grid: float
    bits: int


def table_bounds(table: Any) -> TableBounds:
    """The :class:`TableBounds` of a float table (one pass or two over it)."""
    table = np.asarray(table)
    if table.dtype == np.float16:
        bits = 11
    elif table.dtype == np.float32:
        # a float16's value as a float32 (py3langid's weights): the 13 last bits clear;
        # looked at a slice at a time (the whole table's bits at once took 57 MB more)
        words = np.ascontiguousarray(table).view(np.uint32).reshape(-1)
        spare = 0
        for start in range(0, len(words), _SLICE):
            spare |= int(np.bitwise_or.reduce(words[start:start + _SLICE] & 0x1FFF))
        bits = 11 if spare == 0 else 24
    else:
        bits = 53
    if not table.size:
        return TableBounds(0.0, 1.0, bits)
    low, high = float(table.min()), float(table.max())
    largest = max(abs(low), abs(high))
    if low > 0 or high < 0:
        smallest = min(abs(low), abs(high))
    else:
        nonzero = np.abs(table[table != 0])
        smallest = float(nonzero.min()) if nonzero.size else 1.0
    # a value of ``bits`` significant bits at least ``smallest`` is a multiple of this
    grid = math.ldexp(1.0, math.frexp(smallest)[1] - bits)
    return TableBounds(largest, grid, bits)


_BOUNDS: dict[int, tuple[Any, TableBounds]] = {}
_BOUNDS_LOCK = threading.Lock()


def bounds_of(table: Any) -> TableBounds:
    """:func:`table_bounds` of ``table``, worked out once for each table (22 ms for
    py3langid's 57 MB one, in each process that identifies languages), unless they came
    with it (:func:`remember_bounds`)."""
    known = _BOUNDS.get(id(table))
    if known is not None and known[0]() is table:
        return known[1]
    bounds = table_bounds(table)
    remember_bounds(table, bounds)
    return bounds


def remember_bounds(table: Any, bounds: TableBounds) -> None:
    """Take ``bounds`` as :func:`table_bounds` of ``table`` (an array), for as long as it
    lives: the model kept in the cache folder holds its table's, worked out when it was
    kept (:mod:`corpuskit.languageid.languagemodel`)."""
    with _BOUNDS_LOCK:
        for key in [key for key, (ref, _) in _BOUNDS.items() if ref() is None]:
            del _BOUNDS[key]
        _BOUNDS[id(table)] = (weakref.ref(table), bounds)


def weighted_rows(weights: Any, rows: Any, bounds: TableBounds) -> Any:
    """``weights @ rows`` (weights: multiples of :data:`LOG_GRID` below 2**5; rows: a
    float64 copy of rows of a table of these ``bounds``), the same bits on every machine.

    Each product is exact (at most 29 and :data:`EXACT_WEIGHT_BITS` significant bits) and a
    multiple of ``LOG_GRID * grid``; so is every sum of them whose magnitudes add up to
    less than 2**52 such multiples: a BLAS kernel computes such a product exactly in any
    order. A text whose weights add up to more is cut into pieces that do not, each
    computed so, and the pieces are added column by column with ``math.fsum`` (exactly
    rounded). A table of finer weights (never py3langid's) has each product rounded and
    all of them added by ``math.fsum``."""
    weights = np.asarray(weights, dtype=np.float64)
    if bounds.bits > EXACT_WEIGHT_BITS:
        return exactly_added(list(rows * weights[:, None]))
    limit = math.ldexp(LOG_GRID * bounds.grid, 52) / max(bounds.largest, bounds.grid)
    if float(weights.sum()) < limit / 2:  # the common case: one piece (half: margin
        return weights @ rows  # for the rounding of this sum itself)
    cuts = [0]
    running = 0.0
    for index, weight in enumerate(weights.tolist()):
        if running + weight >= limit / 2 and index > cuts[-1]:
            cuts.append(index)
            running = 0.0
        running += weight
    cuts.append(len(weights))
    return exactly_added([weights[start:stop] @ rows[start:stop]
                          for start, stop in pairwise(cuts)])


def weighted_rows_of_owners(table: Any, keys: Any, weights: Any, owners: Any, count: int,
                            bounds: TableBounds, rows_at_once: int) -> tuple[Any, Any]:
    """For each owner ``o < count`` (``owners`` in order): :func:`weighted_rows` of its
    weights and of the rows of ``table`` its keys name, ``weights[owners == o] @
    table[keys[owners == o]]``, with the same bits; and whether it was computed: for the
    owners whose weights add up to little enough for :func:`weighted_rows` to take them in
    one piece, of at most ``rows_at_once`` rows (a row of zeros for the others, and for
    owners without keys).

    Cheaper than :func:`weighted_rows` of each owner's rows, which takes a float64 copy of
    them all: the rows of a feature counted once (three in four on the benchmark corpus),
    of one weight, are added in the table's float32 instead (exact: at most
    :func:`float32_exact_rows` of them), and that sum times the weight in float64 (at most
    24 and 29 significant bits: exact). Every term is a multiple of ``LOG_GRID * grid`` and
    their magnitudes add up to no more than those of ``weights @ rows``: the total is
    exact, in any order, as :func:`weighted_rows`'s is, so the same number. The weights'
    sums are taken at once (``bincount``: within a few units in the last place of the
    pairwise sum, which the margin of a half covers).

    Measured on the benchmark corpus's texts, 16 at a time (one BLAS thread, alternated
    runs in one process): the copy and product of each text's rows 18.8 µs a text against
    24.5, the whole score, with what is done once for the 16, about 2-3 µs a text less
    than :func:`corpuskit.languageid.fastlangid.portable_score` of each (34-35 against 36-37). The
    gather of the rows (8 µs a text) is most of the rest: tried and not kept, one gather
    for the 16 texts (4,900 rows, 2.8 MB: 14 µs a text, the rows out of the cache), rows
    in the order of the table, numpy's ``einsum`` and ``add.reduceat`` (slower), and every
    count's rows added in float32 at once (a product with a matrix of ones: slower).
    """
    weights = np.asarray(weights, dtype=np.float64)
    sums = np.zeros((count, np.shape(table)[1]), dtype=np.float64)
    if bounds.bits > EXACT_WEIGHT_BITS:
        return sums, np.zeros(count, dtype=bool)
    limit = math.ldexp(LOG_GRID * bounds.grid, 52) / max(bounds.largest, bounds.grid)
    done = ((np.bincount(owners, weights, minlength=count) < limit / 2)
            & (np.bincount(owners, minlength=count) <= rows_at_once))
    once_weight = _log1p_on_grid(1)
    once = weights == once_weight
    ones = np.bincount(owners, once, minlength=count).astype(np.intp)
    if table.dtype != np.float32:
        ones[:] = 0
    ones[ones > float32_exact_rows(bounds)] = 0  # (none on py3langid's table: 2,187 rows)
    # each owner's rows of weight once first (a stable radix sort of 16-bit keys)
    order = np.argsort((owners * 2 + ~once).astype(np.uint16 if count < 2**15 else np.intp),
                       kind="stable")
    keys, weights = keys.take(order), weights.take(order)
    once_sums = np.zeros((count, np.shape(table)[1]), dtype=np.float32)
    cuts = np.searchsorted(owners, np.arange(count + 1)).tolist()
    alike = ones.tolist()
    for owner in np.flatnonzero(done).tolist():
        start, stop, first = cuts[owner], cuts[owner + 1], alike[owner]
        rows = table.take(keys[start:stop], axis=0)
        if first < stop - start:
            sums[owner] = weights[start + first:stop] @ rows[first:].astype(np.float64)
        if first:
            once_sums[owner] = np.ones(first, dtype=np.float32) @ rows[:first]
    np.add(sums, once_sums.astype(np.float64) * once_weight, out=sums,
           where=(ones > 0)[:, None])
    return sums, done


def float32_exact_rows(bounds: TableBounds) -> int:
    """How many rows of a table of these ``bounds`` float32 adds exactly, in any order:
    every partial sum is a multiple of ``grid`` at most that many times ``largest`` in
    magnitude, which float32 (24 significant bits) holds while below ``2**24 * grid``."""
    if bounds.bits > 24:
        return 0
    return int(math.ldexp(bounds.grid, 24) // max(bounds.largest, bounds.grid))


def exactly_added(pieces: list[Any]) -> Any:
    """The sum of same-length float64 vectors ``pieces``, column by column, exactly
    rounded (``math.fsum``: the same whatever the order)."""
    return np.array([math.fsum(column)
                     for column in zip(*(piece.tolist() for piece in pieces), strict=True)])


def row_sums(table: Any) -> Any:
    """The sum of each row of a 2-D float64 table, its values added one at a time, first
    to last: by numpy a column at a time for many rows, in Python for one row; the same
    IEEE additions in the same order either way."""
    table = np.asarray(table, dtype=np.float64)
    rows, columns = table.shape
    if rows == 1:
        total = 0.0
        for value in table[0].tolist():
            total += value
        return np.array([total])
    sums = np.zeros(rows)
    for column in range(columns):
        sums += table[:, column]
    return sums
