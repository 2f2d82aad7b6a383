"""Arrow's integers read from their buffers (corpuskit.arrownumbers): the values pyarrow's
own conversions give, and no import of pandas by a build or a validate with Parquet."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from corpuskit.arrownumbers import int64_array, int_values

pa = pytest.importorskip("pyarrow")
pc = pytest.importorskip("pyarrow.compute")

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("kind", ["int8", "int16", "int32", "int64"])
def test_values_of_arrays_slices_and_chunks_are_pyarrows(kind: str) -> None:
    rng = np.random.default_rng(3)
    values = rng.integers(-100, 100, size=50)
    whole = pa.array(values, type=getattr(pa, kind)())
    assert int_values(whole).tolist() == values.tolist()
    assert int_values(whole.slice(7, 20)).tolist() == values[7:27].tolist()
    chunked = pa.chunked_array([whole.slice(0, 10), whole.slice(10, 0), whole.slice(10)])
    assert int_values(chunked).tolist() == values.tolist()
    assert int_values(chunked).dtype == np.dtype(kind)
    assert int_values(pa.chunked_array([], type=getattr(pa, kind)())).tolist() == []


def test_nulls_become_the_value_given_or_are_refused() -> None:
    array = pa.array([5, None, 7, None, 9] * 5, type=pa.int32())
    sliced = array.slice(3, 12)  # an offset that is not a multiple of 8
    expected = pc.fill_null(sliced, -1).to_numpy().tolist()
    assert int_values(sliced, null=-1).tolist() == expected
    assert int_values(pa.chunked_array([array, sliced]), null=-1).tolist() == \
        pc.fill_null(array, -1).to_numpy().tolist() + expected
    with pytest.raises(ValueError, match="null"):
        int_values(sliced)


@pytest.mark.parametrize("array", [pa.array(["a"]), pa.array([1], type=pa.uint32()),
                                   pa.array([1.5])])
def test_only_signed_integers_are_read(array: object) -> None:
    with pytest.raises(TypeError, match="signed integers"):
        int_values(array)


@pytest.mark.parametrize("nulls", [None, [False] * 6, [True, False, False, True, True,
                                                        False]])
def test_an_int64_array_is_pa_arrays(nulls: list[bool] | None) -> None:
    values = np.array([4, -2, 0, 2**40, 7, 1])
    mask = None if nulls is None else np.array(nulls)
    made = int64_array(values, nulls=mask)
    assert made.equals(pa.array(values, type=pa.int64(), mask=mask))
    assert made.null_count == (0 if nulls is None else sum(nulls))


def test_a_list_columns_values_keep_a_null_for_each_empty_list() -> None:
    """validate's page check (parquetfooter._values) lays a list column out as Parquet
    does: an empty or null list is one null among the items."""
    from corpuskit.validation.parquetfooter import _values

    lists = pa.array([["a"], [], ["b", "c"], None, ["d"]], type=pa.list_(pa.string()))
    assert _values(lists).to_pylist() == ["a", None, "b", "c", None, "d"]
    assert _values(pa.array([["a"], ["b"]], type=pa.list_(pa.string()))).to_pylist() == \
        ["a", "b"]


@pytest.mark.skipif(importlib.util.find_spec("pandas") is None,
                    reason="pandas is not installed: nothing could import it")
def test_build_and_validate_with_parquet_never_import_pandas(tmp_path: Path) -> None:
    """pyarrow imports pandas, when installed, as it converts to numpy or makes arrays
    from Python values: 0.14 s of every build and validate with Parquet output. Neither
    does so now, nor do the processes it forks (validate reads Parquet in a child): in a
    fresh interpreter (the tests' own imports hold pandas), each look-up of pandas, in any
    process, is noted in a file."""
    noted = tmp_path / "pandas-looked-up"
    script = textwrap.dedent(f"""
        import os, sys
        class Spy:
            def find_spec(self, name, path=None, target=None):
                if name == "pandas":
                    with open({str(noted)!r}, "a") as note:
                        note.write(f"{{os.getpid()}}\\n")
                return None
        sys.meta_path.insert(0, Spy())
        sys.path.insert(0, {str(ROOT / "tests")!r})
        from _consumers import build_sample
        import corpuskit
        result = build_sample(__import__("pathlib").Path({str(tmp_path)!r}))
        reports = [corpuskit.validate(target)
                   for target in (result.release, result.archive)]
        assert all(report.valid for report in reports), reports
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=False, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert not noted.exists(), f"pandas imported by processes {noted.read_text().split()}"
