"""keep_freed_memory: memory freed by a validate worker is reused, not faulted in again."""

from __future__ import annotations

import subprocess
import sys

import pytest

CYCLES = """
import resource, sys
from corpuskit.heap import keep_freed_memory
kept = keep_freed_memory() if sys.argv[1] == "keep" else None
blocks = [bytearray(8 << 20) for _ in range(4)]  # the first cycle: faulted in either way
del blocks
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(10):  # a block of work: 32 MB allocated, used and freed
    blocks = [bytearray(8 << 20) for _ in range(4)]
    del blocks
print(kept, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(mode: str) -> tuple[str, int]:
    out = subprocess.run([sys.executable, "-c", CYCLES, mode], capture_output=True,
                         text=True, check=True).stdout.split()
    return out[0], int(out[1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc only")
def test_freed_blocks_are_reused_instead_of_faulted_in_again() -> None:
    pages = (4 * (8 << 20)) // 4096  # one cycle's pages
    told, kept = _faults("keep")
    _, default = _faults("default")
    assert told == "True"
    assert kept < pages // 10, kept  # nothing faulted in again
    assert default > 5 * pages, default  # glibc's default: every cycle faulted in again
