"""A forked worker that ends the moment its parent does (Linux's ``PR_SET_PDEATHSIG``).

A parent killed outright (SIGKILL, the OOM killer) cannot stop its workers. A build's
worker that outlived it went on writing its shard into the release's temporary folder,
which the next build had just removed as a dead build's leftover: the worker made it
again, and a partial temporary folder stayed in ``dist/`` beside the release that next
build made. Linux sends a worker SIGKILL when its parent ends if the worker asks for it;
elsewhere, or where the call is refused, the caller watches for the parent instead.

The signal comes when the *thread* that forked the worker ends: pools that use this fork
their workers from the thread that enters them, and are shut down before it leaves.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

#: ``prctl`` option: the signal this process gets when its parent ends.
PR_SET_PDEATHSIG = 1


def end_with_parent(parent: int) -> bool:
    """Have the kernel kill this process (SIGKILL) when process ``parent`` ends; True if
    it will. If ``parent`` ended already (before the request could be made), exit now."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return False
    if prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return False
    if os.getppid() != parent:
        os._exit(1)
    return True
