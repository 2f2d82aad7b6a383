"""The language decision gives the same bits on every machine (corpuskit.languageid.portablefloat).

The machine-independence is tested by what differs between machines that this one can
imitate: OpenBLAS's kernel (``OPENBLAS_CORETYPE``) and numpy's SIMD loops
(``NPY_DISABLE_CPU_FEATURES``). Under py3langid's own float32 arithmetic, texts whose
probability lies near 0.8 got other bits from each (QA: one was labelled ``und`` with one
kernel and ``zh`` with another).
"""

from __future__ import annotations

import json
import math
import os
import platform
import random
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from property_budget import examples

from corpuskit.languageid import portablefloat
from corpuskit.languageid.portablefloat import LOG_GRID, TableBounds

NEAR_THRESHOLD = Path(__file__).parent / "data" / "language_near_threshold.json"

# What each run prints: the digest of every float the decision is made of, and the labels.
_DECISIONS = """
import hashlib, json, sys
from corpuskit.languageid import language
texts = json.load(open(sys.argv[1], encoding="utf-8"))
bodies = [text.partition("\\n\\n")[2] for text in texts]
identifier = language._identifier()
assert identifier.fast
floats = [identifier.classify(t) for t in texts + bodies]
floats += [identifier.rank(t) for t in texts + bodies]
floats += identifier.classify_many(texts + bodies)
labels = language.iso639_1_many(bodies, min_chars=20, min_confidence=0.8)
print(hashlib.sha256(repr(floats).encode()).hexdigest(), " ".join(labels))
"""


def _cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.partition(":")[2].split())
    return set()


def _machines() -> list[dict[str, str]]:
    """Environments that make this machine compute as others would: each OpenBLAS kernel
    its CPU can run, and numpy without its dispatched SIMD loops."""
    flags = _cpu_flags()
    kernels = [("Prescott", "sse3"), ("Nehalem", "sse4_2"), ("Sandybridge", "avx"),
               ("Haswell", "avx2"), ("SkylakeX", "avx512f")]
    machines = [{"OPENBLAS_CORETYPE": kernel} for kernel, flag in kernels
                if flag in flags or (flag == "sse3" and "pni" in flags)]
    from numpy._core._multiarray_umath import (  # type: ignore[attr-defined]
        __cpu_dispatch__,
        __cpu_features__,
    )
    dispatched = " ".join(name for name in __cpu_dispatch__ if __cpu_features__.get(name))
    if dispatched:
        machines.append({"NPY_DISABLE_CPU_FEATURES": dispatched})
        machines.append({"NPY_DISABLE_CPU_FEATURES": dispatched,
                         "OPENBLAS_CORETYPE": "Prescott"})
    return machines


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"),
                    reason="the OpenBLAS kernels named are x86-64's")
def test_the_decision_is_the_same_on_every_kernel(tmp_path: Path) -> None:
    machines = _machines()
    assert len(machines) >= 3, machines
    results = {}
    for machine in [{}, *machines]:
        env = {**os.environ, **machine}
        env.pop("OPENBLAS_NUM_THREADS", None)
        done = subprocess.run([sys.executable, "-c", _DECISIONS, str(NEAR_THRESHOLD)],
                              env=env, capture_output=True, text=True, timeout=120,
                              cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        results[json.dumps(machine)] = done.stdout.strip()
    assert len(set(results.values())) == 1, results
    labels = next(iter(results.values())).split()[1:]
    assert len(labels) == 12 and {"und", "zh"} <= set(labels)


# -- exp ---------------------------------------------------------------------------------

def _ulps(ours: float, true: float) -> float:
    return abs(ours - true) / math.ulp(true) if true else abs(ours)


def test_exp_is_within_two_units_in_the_last_place() -> None:
    rng = random.Random(7)
    values = [0.0, -0.0, -1e-300, -1e-17, -0.5, -math.log(2) / 2, -1.0, -20.0, -100.0,
              -700.0, -708.3, 1.0, 10.0, 700.0]
    values += [rng.uniform(-745.0, 0.0) for _ in range(20000)]
    values += [rng.uniform(-1.0, 1.0) for _ in range(5000)]
    ours = portablefloat.exp(np.array(values)).tolist()
    worst = max(_ulps(got, math.exp(x)) for got, x in zip(ours, values, strict=True)
                if math.exp(x) >= 2.3e-308)  # normal results; subnormals below
    assert worst <= 2.0
    assert portablefloat.exp(np.array([0.0])).tolist() == [1.0]


def test_exp_underflows_to_zero_and_stays_monotonic() -> None:
    assert portablefloat.exp(np.array([-746.0, -800.0, -1e308, -np.inf])).tolist() == [0.0] * 4
    tiny = portablefloat.exp(np.array([-744.0, -740.0, -720.0])).tolist()
    assert 0.0 < tiny[0] <= tiny[1] <= tiny[2]
    grid = np.linspace(-745.0, 0.0, 200001)
    assert bool(np.all(np.diff(portablefloat.exp(grid)) >= 0))


def test_exp_is_one_rounding_at_a_time() -> None:
    """Not numpy's exp, whose SIMD forms differ by machine: the polynomial's own bits (a
    fused multiply-add, or another evaluation order, would differ from them somewhere)."""
    x = np.array([-3.25, -0.125, -1.0e-5, -7.0])
    k = np.rint(x * portablefloat.INV_LN2)
    r = (x - k * portablefloat.LN2_HI) - k * portablefloat.LN2_LO
    expected = []
    for kk, rr in zip(k.tolist(), r.tolist(), strict=True):
        poly = portablefloat.EXP_COEFFICIENTS[0]
        for coefficient in portablefloat.EXP_COEFFICIENTS[1:]:
            poly = poly * rr + coefficient  # Python floats: one IEEE operation each
        expected.append(math.ldexp(poly, int(kk)))
    assert portablefloat.exp(x).tolist() == expected


# -- logarithms of counts --------------------------------------------------------------

def test_log1p_of_counts_is_on_its_grid_and_nearest() -> None:
    counts = np.array([0, 1, 2, 3, 10, 255, 256, 257, 4095, 100_000])
    logs = portablefloat.log1p_counts(counts)
    for count, value in zip(counts.tolist(), logs.tolist(), strict=True):
        steps = value / LOG_GRID
        assert steps == int(steps)  # a multiple of the grid
        assert abs(value - math.log1p(count)) <= LOG_GRID / 2 + 1e-15
    assert logs[0] == 0.0
    # grown on demand, and the same values whatever was asked first
    assert portablefloat.log1p_counts(np.array([100_000, 3])).tolist() == [logs[-1], logs[3]]


def test_a_count_of_millions_is_worked_out_alone_not_by_growing_the_table() -> None:
    """A text of a million digits counts one feature a million times: the table of
    logarithms grew to it, a second of ``decimal`` for each 100,000 counts."""
    import time

    start = time.process_time()
    logs = portablefloat.log1p_counts(np.array([2, 10**6, 10**9 + 7, 10**6]))
    assert time.process_time() - start < 0.5
    assert len(portablefloat._LOG1P) <= portablefloat.TABLED_COUNTS
    for count, value in zip((2, 10**6, 10**9 + 7, 10**6), logs.tolist(), strict=True):
        assert value / LOG_GRID == int(value / LOG_GRID)
        assert abs(value - math.log1p(count)) <= LOG_GRID / 2 + 1e-12
    # the same value from the table and alone, at the table's edge
    edge = portablefloat.TABLED_COUNTS - 1
    assert portablefloat.log1p_counts(np.array([edge])).tolist() == [
        portablefloat._log1p_on_grid(edge)]


def test_log1p_from_math_is_decimals_for_every_tabled_count_and_beyond() -> None:
    """``math.log1p`` rounded to the grid, where its error cannot change the multiple,
    gives what ``decimal`` gives: every count the table may hold, and counts far past it."""
    rng = np.random.default_rng(7)
    counts = [*range(portablefloat.TABLED_COUNTS + 1),
              *rng.integers(portablefloat.TABLED_COUNTS, 2**46, size=2000).tolist(),
              2**53 - 1, 2**53, 2**60 + 1]
    portablefloat._log1p_on_grid.cache_clear()
    for count in counts:
        assert portablefloat._log1p_on_grid(count) == \
            portablefloat._decimal_log1p_on_grid(count), count


def test_log1p_near_a_midpoint_is_left_to_decimal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A logarithm near a midpoint between two multiples of the grid is rounded by
    ``decimal``: the counts below the table's end that fall within the margin of one
    exist, and each goes to ``decimal`` (no other does)."""
    near = []
    for count in range(portablefloat.TABLED_COUNTS):
        steps = math.log1p(count) / LOG_GRID
        if abs(steps - math.floor(steps + 0.5)) >= 0.5 - portablefloat._NEAR_MIDPOINT:
            near.append(count)
    assert near  # about one count in 500
    asked: list[int] = []
    decimal_log = portablefloat._decimal_log1p_on_grid

    def spy(count: int) -> float:
        asked.append(count)
        return decimal_log(count)

    monkeypatch.setattr(portablefloat, "_decimal_log1p_on_grid", spy)
    portablefloat._log1p_on_grid.cache_clear()
    try:
        values = [portablefloat._log1p_on_grid(n) for n in range(portablefloat.TABLED_COUNTS)]
    finally:
        portablefloat._log1p_on_grid.cache_clear()
    assert asked == near
    assert [values[n] for n in near] == [decimal_log(n) for n in near]


# -- weighted sums of rows ---------------------------------------------------------------

def _float16_rows(rng: np.random.Generator, count: int, columns: int = 7) -> np.ndarray:
    return rng.uniform(-15.0, -2.7, size=(count, columns)).astype(np.float16).astype(
        np.float32)


def _exact(weights: np.ndarray, rows: np.ndarray) -> list[float]:
    """``weights @ rows`` in rational arithmetic, rounded once."""
    return [float(sum((Fraction(w) * Fraction(v)
                       for w, v in zip(weights.tolist(), column, strict=True)), Fraction(0)))
            for column in rows.T.astype(np.float64).tolist()]


def test_weighted_rows_is_exact_in_any_order() -> None:
    rng = np.random.default_rng(3)
    table = _float16_rows(rng, 500)
    bounds = portablefloat.table_bounds(table)
    assert bounds.bits == 11 and bounds.grid == 2.0**-9
    counts = rng.integers(1, 40, size=500)
    weights = portablefloat.log1p_counts(counts)
    expected = _exact(weights, table)
    for order in (np.arange(500), np.arange(500)[::-1], rng.permutation(500)):
        got = portablefloat.weighted_rows(weights[order], table[order].astype(np.float64),
                                          bounds)
        assert got.tolist() == expected


def test_weighted_rows_cut_into_exact_pieces_when_the_sum_could_lose_bits() -> None:
    """Bounds that allow only a few rows a piece (as a table of large, fine weights
    would): the pieces are exact and added exactly rounded, so the result is still the
    exact product rounded once."""
    rng = np.random.default_rng(5)
    table = _float16_rows(rng, 300)
    weights = portablefloat.log1p_counts(rng.integers(1, 1000, size=300))
    cramped = TableBounds(largest=2.0**22, grid=2.0**-9, bits=11)
    got = portablefloat.weighted_rows(weights, table.astype(np.float64), cramped)
    assert got.tolist() == _exact(weights, table)
    plain = np.float32(weights) @ table  # float32, as py3langid: not exact
    assert plain.tolist() != got.tolist()


def test_weighted_rows_of_finer_weights_add_their_products_exactly_rounded() -> None:
    rng = np.random.default_rng(11)
    table = rng.uniform(-15.0, -2.7, size=(200, 5))  # float64: 53 significant bits
    bounds = portablefloat.table_bounds(table)
    assert bounds.bits == 53
    weights = portablefloat.log1p_counts(rng.integers(1, 9, size=200))
    got = portablefloat.weighted_rows(weights, table, bounds)
    products = table * weights[:, None]
    assert got.tolist() == [math.fsum(column) for column in products.T.tolist()]
    again = portablefloat.weighted_rows(weights[::-1], table[::-1], bounds)
    assert again.tolist() == got.tolist()


@settings(max_examples=examples(600), deadline=None)
@given(st.lists(st.lists(st.one_of(st.just(1), st.integers(1, 4), st.integers(1, 3000)),
                         max_size=40), min_size=1, max_size=18),
       st.sampled_from(["py3langid", "large", "float16", "float64"]),
       st.sampled_from([8192, 30, 3]), st.integers(0, 2**32 - 1))
@example([[1] * 6, [1, 1, 1, 2], [], [1] * 20], "large", 8192, 0)
@example([[1] * 300, [2, 1, 1, 5, 1], [7, 7], [1]], "py3langid", 8192, 1)
def test_weighted_rows_of_owners_are_weighted_rows_of_each(
        counts_of: list[list[int]], kind: str, rows_at_once: int, seed: int) -> None:
    """Each owner's sum, where computed, is weighted_rows of its rows (the same bits),
    whether its rows counted once are added in float32 or not: all of them, many (more
    than float32 adds exactly: ``large`` values allow 2), none, rows of another type;
    an owner is computed when its weights add up to little (and it has few rows)."""
    rng = np.random.default_rng(seed)
    table = _float16_rows(rng, 500, columns=9)
    bounds = portablefloat.table_bounds(table)
    if kind == "large":  # values of 11 bits from -2 (their last bit 2**-9) to -2**14:
        odd = 2 * rng.integers(0, 512, size=table.shape) + 1  # float32 adds 2 exactly
        table = -(2 + odd * 2.0**-9) * np.exp2(12 * rng.integers(0, 2, size=table.shape))
        table = table.astype(np.float32)
        bounds = portablefloat.table_bounds(table)
        assert portablefloat.float32_exact_rows(bounds) == 2
    elif kind == "float16":
        table = table.astype(np.float16)
    elif kind == "float64":
        table = table.astype(np.float64)
        bounds = portablefloat.table_bounds(table)
    owners = np.repeat(np.arange(len(counts_of)), [len(c) for c in counts_of])
    counts = np.array([n for c in counts_of for n in c], dtype=np.intp)
    keys = rng.integers(0, len(table), size=len(counts))
    weights = portablefloat.log1p_counts(counts)
    sums, done = portablefloat.weighted_rows_of_owners(
        table, keys, weights, owners, len(counts_of), bounds, rows_at_once)
    limit = math.ldexp(LOG_GRID * bounds.grid, 52) / max(bounds.largest, bounds.grid)
    for owner, owned in enumerate(counts_of):
        mine = owners == owner
        expected = portablefloat.weighted_rows(
            weights[mine], np.asarray(table[keys[mine]], dtype=np.float64), bounds)
        if done[owner]:
            assert sums[owner].tobytes() == expected.tobytes(), owner
        elif bounds.bits <= portablefloat.EXACT_WEIGHT_BITS:
            assert (len(owned) > rows_at_once
                    or float(weights[mine].sum()) >= limit / 2 * (1 - 1e-9))
        if not done[owner]:
            assert not sums[owner].any()


def test_table_bounds_of_a_table_with_zeros_and_both_signs() -> None:
    table = np.array([[0.0, -3.5], [2.25, 0.0]], dtype=np.float16)
    bounds = portablefloat.table_bounds(table)
    assert bounds.largest == 3.5 and bounds.bits == 11
    assert bounds.grid == 2.0**-9  # 2.25: 2**1 with 11 significant bits
    for value in (0.0, -3.5, 2.25):
        assert value / bounds.grid == int(value / bounds.grid)


# -- row sums ------------------------------------------------------------------------------

def test_row_sums_of_one_row_and_of_many_are_the_same_bits() -> None:
    rng = np.random.default_rng(13)
    table = portablefloat.exp(rng.uniform(-30.0, 0.0, size=(64, 142)))
    together = portablefloat.row_sums(table).tolist()
    alone = [portablefloat.row_sums(table[i:i + 1]).tolist()[0] for i in range(64)]
    assert together == alone
    for row, total in zip(table.tolist(), together, strict=True):
        running = 0.0
        for value in row:
            running += value
        assert total == running  # first to last, one addition at a time

