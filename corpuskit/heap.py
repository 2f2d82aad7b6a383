"""Keep freed memory in the process instead of handing it back to the system at once.

glibc's malloc serves a request of more than 128 KB (raised up to 32 MB as such blocks
are freed) with a fresh mapping, and trims the heap as soon as a little is free at its
top. A worker of ``validate`` allocates and frees a few MB per block of records (the
block, its records dumped again, the numpy passes of the counts), so every block's
memory was mapped anew and faulted in page by page: measured on 100,000 records, 2.7
page faults per record and more system time than the counts themselves. Raising both
thresholds keeps that memory for the next block; peak memory is unchanged (the same
blocks are live at once), it is only returned when the process ends.

Elsewhere (another C library, another system) this does nothing.
"""

from __future__ import annotations

import ctypes
import sys

#: glibc's ``mallopt`` parameters (malloc.h).
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
#: Blocks of up to this many bytes come from the heap (glibc's own maximum, 32 MB on
#: 64-bit systems: a larger block is mapped alone, as before).
MMAP_THRESHOLD = 32 << 20
#: The free memory at the heap's top kept before trimming it.
TRIM_THRESHOLD = 128 << 20


def keep_freed_memory() -> bool:
    """Tell glibc's malloc to keep freed blocks for reuse; True if it was told."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        # The process's own symbols, the C library's among them: no search for the
        # library (ctypes.util.find_library runs ldconfig, about 6 ms).
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
                and mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
