"""documents.jsonl cut into blocks of whole lines, the unit of work of the record checks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import NamedTuple

#: A line this long or longer is a block of its own, apart from the lines after it in its
#: last chunk: a block of one line is read without being copied (the record checks parse
#: it as it is, see :func:`corpuskit.validation.cleanblock.read_clean_block`). Lines of
#: normal records are far shorter, and their blocks are cut as before.
LONG_LINE = 8 << 20


#: A line spanning more chunks than this is gathered in one buffer as it is read.
GATHERED = 4


class LineBlock(NamedTuple):
    """Whole lines ``[start, end)`` of a file (the last one's LF excluded).

    ``data`` holds their bytes, or is None when the blocks were cut without keeping
    them (whoever checks the block reads that range of the file itself).
    """

    first: int  # the number of its first line
    start: int
    end: int
    lines: int
    data: bytes | None


def line_blocks(chunks: Iterator[bytes], too_long: Callable[[int], None], *, keep: bool,
                max_line: int, numbered: bool = True,
                unterminated: Callable[[int], None] | None = None,
                long_line: int = LONG_LINE) -> Iterator[LineBlock]:
    """The lines of a stream of chunks, a block per chunk that ends a line.

    A line longer than ``max_line`` bytes is reported through ``too_long(line number)``
    and skipped without being held in memory. A final line without its LF is a block too.
    ``unterminated(line number)`` is told of that final line (0 when not numbered).
    With ``keep=False`` no bytes are kept (only offsets and line numbers). With
    ``numbered=False`` the lines are not counted (``lines`` is 0, ``first`` no line
    number): for a reader that needs no line numbers and counts the lines it checks, as
    the clean pass does, counting them here too costs about 0.1 s per 300 MB. A line of
    ``long_line`` bytes or more is a block of its own.

    A block's bytes are not held here once it is handed out: a record line of 400 MB was
    held twice (its chunks and their join) while it was checked (QA).
    """
    number = 1
    start = 0  # offset where the unfinished line begins
    offset = 0  # offset of the next chunk
    pending: list[bytes | bytearray] = []  # the unfinished line's bytes so far (keep only)
    skipping = False
    for chunk in chunks:
        here = offset
        offset += len(chunk)
        cut = chunk.rfind(b"\n")
        if cut < 0:
            if not skipping:
                if keep:
                    _gather(pending, chunk)
                if offset - start > max_line:
                    too_long(number)
                    pending, skipping = [], True
            continue
        begin = 0  # where this block's bytes begin in the chunk
        if skipping:  # the long line ends at the chunk's first LF
            begin = chunk.find(b"\n") + 1
            number += 1
            skipping = False
            if begin > cut:
                start = here + begin
                pending = [chunk[begin:]] if keep else []
                continue
            start = here + begin
        first = chunk.find(b"\n", begin)
        if here + first - start >= long_line:  # the line that ends here, alone
            data = b"".join([*pending, chunk[begin:first]]) if keep else None
            pending = []
            yield LineBlock(number, start, here + first, int(numbered), data)
            del data
            number += 1
            begin, start = first + 1, here + first + 1
            if begin > cut:
                pending = [chunk[begin:]] if keep and begin < len(chunk) else []
                continue
        lines = chunk.count(b"\n", begin, cut) + 1 if numbered else 0
        data = None
        if keep:
            data = b"".join([*pending, chunk[begin:cut]]) if pending else chunk[begin:cut]
        pending = []
        yield LineBlock(number, start, here + cut, lines, data)
        del data
        number += lines
        start = here + cut + 1
        pending = [chunk[cut + 1:]] if keep and cut + 1 < len(chunk) else []
    if not skipping and offset > start:
        if unterminated is not None:
            unterminated(number if numbered else 0)
        data = b"".join(pending) if keep else None
        pending = []
        yield LineBlock(number, start, offset, int(numbered), data)


def _gather(pending: list[bytes | bytearray], chunk: bytes) -> None:
    """``chunk`` added to the bytes of an unfinished line. A line of many chunks grows in
    one buffer, each chunk freed at once: its chunks, all kept, were left in the heap by
    whatever small allocations came between them, and the process held their memory long
    after (150 MB more for a line of 150 MB)."""
    if pending and isinstance(pending[0], bytearray):
        pending[0] += chunk
    elif len(pending) < GATHERED:
        pending.append(chunk)
    else:
        pending[:] = [bytearray().join([*pending, chunk])]
