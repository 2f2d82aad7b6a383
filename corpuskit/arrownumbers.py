"""numpy's view of Arrow's integer arrays, read from their buffers.

pyarrow imports pandas, when it is installed, the first time a call may be handed
pandas objects or must convert to them: ``Array.to_numpy``, ``ChunkedArray.to_numpy``,
``pyarrow.compute.fill_null`` with a Python value, ``pa.array`` of a numpy array. corpuskit
never hands it pandas objects, but the import cost 0.13-0.14 s (pandas 3.1) in every build
with Parquet output and in every validate of a package with Parquet (in the child that
reads it), wherever pandas is installed, as it is with ``datasets`` or ``mlcroissant``:
with it, ``corpuskit check`` of this repository took 0.96-1.03 s, now 0.81-0.85; a
validate of its release folder and zip 0.68-0.73 s, now 0.42-0.43. The integers corpuskit
reads of Arrow (text lengths, dictionary indices, list lengths) are read here from the
arrays' buffers instead, with the same values, and the one array it makes (the indices of
a list column's items) is made from buffers. Exporting records to Parquet
(:func:`corpuskit.parquet.write_records`) still makes its table from Python values.
numpy and pyarrow are imported when first used, as the modules that import this one do.
"""

from __future__ import annotations

from typing import Any


def int_values(array: Any, null: int | None = None) -> Any:
    """The values of an Arrow integer ``array`` (an ``Array`` or a ``ChunkedArray``) as a
    numpy array of its type; a null becomes ``null`` (a ``ValueError`` if there is one and
    ``null`` is None: its slot in the buffer holds no value)."""
    import numpy as np
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    if not pa.types.is_signed_integer(array.type):
        raise TypeError(f"not an array of signed integers: {array.type}")
    kind = np.dtype(f"int{array.type.bit_width}")  # native: as Arrow lays them out
    chunks = array.chunks if isinstance(array, pa.ChunkedArray) else [array]
    parts = [_chunk_values(chunk, kind, null) for chunk in chunks]
    if not parts:
        return np.zeros(0, kind)
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _chunk_values(chunk: Any, kind: Any, null: int | None) -> Any:
    """:func:`int_values` of one ``Array`` (a read-only view of its buffer, or a copy with
    its nulls replaced)."""
    import numpy as np

    if not len(chunk):
        return np.zeros(0, kind)
    values = np.frombuffer(chunk.buffers()[1], kind, len(chunk), chunk.offset * kind.itemsize)
    if not chunk.null_count:
        return values
    if null is None:
        raise ValueError(f"{chunk.null_count} null values where numbers were expected")
    bits = np.unpackbits(np.frombuffer(chunk.buffers()[0], np.uint8), bitorder="little")
    valid = bits[chunk.offset:chunk.offset + len(chunk)].astype(bool)
    return np.where(valid, values, np.asarray(null, kind))


def int64_array(values: Any, nulls: Any = None) -> Any:
    """An Arrow int64 array of the numpy ``values``, null where ``nulls`` (booleans, if
    given) is True: made from buffers, as ``pa.array(values, mask=nulls)`` makes it."""
    import numpy as np
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    data = np.ascontiguousarray(values, dtype=np.int64)
    if nulls is None or not np.any(nulls):
        return pa.Array.from_buffers(pa.int64(), len(data), [None, pa.py_buffer(data)])
    valid = np.packbits(~np.asarray(nulls, dtype=bool), bitorder="little")
    return pa.Array.from_buffers(pa.int64(), len(data),
                                 [pa.py_buffer(valid), pa.py_buffer(data)],
                                 null_count=int(np.count_nonzero(nulls)))
