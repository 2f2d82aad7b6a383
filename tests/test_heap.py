"""corpuskit.heap: memory freed by a worker is reused, not faulted in again; corpuskit's
processes run the garbage collector less often."""

from __future__ import annotations

import gc
import multiprocessing
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from corpuskit import cli, heap
from corpuskit.engine import local_pool

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


def test_the_cli_collects_less_often_while_a_command_runs_and_then_as_before(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's commands run with the young generation collected every YOUNG_COLLECTION
    allocations; the caller's thresholds come back after, also when the command fails."""
    seen: list[tuple[int, int, int]] = []
    original = cli.validate_command.callback
    assert original is not None

    def recording(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.get_threshold())
        return original(*args, **kwargs)

    monkeypatch.setattr(cli.validate_command, "callback", recording)
    before = gc.get_threshold()
    gc.set_threshold(650, 9, 8)
    try:
        assert cli.main(["validate", str(tmp_path)]) != 0  # an empty folder: no package
        assert gc.get_threshold() == (650, 9, 8)
    finally:
        gc.set_threshold(*before)
    assert seen == [(heap.YOUNG_COLLECTION, 9, 8)]


def test_workers_collect_less_often() -> None:
    """Build workers (forked by local_pool) and validate's (start_worker_heap) alike."""
    with local_pool(2) as pool:
        assert pool is not None
        thresholds = set(pool.map(_young_threshold, range(4)))
    assert thresholds == {heap.YOUNG_COLLECTION}
    assert gc.get_threshold()[0] != heap.YOUNG_COLLECTION  # the parent's are its own
    context = multiprocessing.get_context("fork")
    with context.Pool(1, initializer=heap.start_worker_heap) as validating:
        assert validating.apply(_young_threshold, (0,)) == heap.YOUNG_COLLECTION


def _young_threshold(_: int) -> int:
    return gc.get_threshold()[0]
