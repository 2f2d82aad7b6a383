"""The documents a discovery found, held compactly: their paths in one block of bytes.

A corpus of a million documents held each path as a ``str`` (about 75 bytes for a path of
25 characters) in a ``SourceRef`` (40 bytes) in a tuple (8 bytes): about 122 bytes a
document, for the whole build, in the build's own process. :class:`SourceRefs` keeps the
paths' UTF-8 bytes end to end in one ``bytes`` with the offset of each path's end in an
``array`` (about 33 bytes a document for such paths) and makes each :class:`SourceRef`
when it is asked for; a slice is a view of the same block (a shard's documents cost no
copy). It is a :class:`~collections.abc.Sequence` of :class:`SourceRef`, equal to any
other sequence of the same refs, in the same order.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from itertools import pairwise
from typing import overload

from .models import SourceRef

#: Encodes every ``str`` a listing can hold, and gives it back as it was: names that are
#: not UTF-8 are listed with lone surrogates (``surrogateescape``), which UTF-8 refuses.
_ERRORS = "surrogatepass"


class SourceRefs(Sequence[SourceRef]):
    """Paths, in order, as one block of UTF-8 bytes and their ends (see the module)."""

    __slots__ = ("_data", "_ends", "_start", "_stop")

    def __init__(self, paths: Iterable[str] = ()) -> None:
        data = bytearray()
        ends = array("Q", [0])
        for path in paths:
            data += path.encode("utf-8", _ERRORS)
            ends.append(len(data))
        self._data = bytes(data)
        self._ends = ends
        self._start, self._stop = 0, len(ends) - 1

    def _view(self, start: int, stop: int) -> SourceRefs:
        view = SourceRefs.__new__(SourceRefs)
        view._data, view._ends, view._start, view._stop = self._data, self._ends, start, stop
        return view

    def __len__(self) -> int:
        return self._stop - self._start

    def _path(self, at: int) -> str:
        """The path at absolute position ``at`` of the block."""
        ends = self._ends
        return self._data[ends[at]:ends[at + 1]].decode("utf-8", _ERRORS)

    @overload
    def __getitem__(self, index: int) -> SourceRef: ...

    @overload
    def __getitem__(self, index: slice) -> SourceRefs: ...

    def __getitem__(self, index: int | slice) -> SourceRef | SourceRefs:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                return SourceRefs(ref.path for ref in
                                  (self[at] for at in range(start, stop, step)))
            return self._view(self._start + start, self._start + max(start, stop))
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("SourceRefs index out of range")
        return SourceRef(self._path(self._start + index))

    def path(self, index: int) -> str:
        """The path of ref ``index`` (``0 <= index < len(self)``), no :class:`SourceRef`
        made."""
        if not 0 <= index < len(self):
            raise IndexError("SourceRefs index out of range")
        return self._path(self._start + index)

    def paths(self) -> Iterator[str]:
        """The paths, in order (no :class:`SourceRef` made)."""
        data, ends = self._data, self._ends
        for start, stop in pairwise(ends[self._start:self._stop + 1]):
            yield data[start:stop].decode("utf-8", _ERRORS)

    def __iter__(self) -> Iterator[SourceRef]:
        return map(SourceRef, self.paths())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(
            mine == theirs for mine, theirs in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # compared by content, as a list is

    def __repr__(self) -> str:
        return f"SourceRefs({list(self.paths())!r})"

    def nbytes(self) -> int:
        """The bytes the block and its ends take (shared by every view of them)."""
        return len(self._data) + self._ends.itemsize * len(self._ends)
