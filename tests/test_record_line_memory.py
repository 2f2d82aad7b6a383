"""One long line of data/documents.jsonl: validate holds it a few times over at most.

QA: a line of 400 MiB took validate to 2.9 GB (7.5 times the line): the line was held as
its chunks and their join, copied twice more into an array to parse, its schema errors
quoted it whole, and the clean pass kept its last block while the precise check ran.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from _validate_support import copy_release, records, run

from corpuskit.counts import count_paragraphs_utf8, count_words_utf8
from corpuskit.validation.lines import line_blocks

#: The long line's size: well past a block of its own (8 MiB), small enough for a test.
SIZE = 32 << 20


def _long_record(package: Path, size: int) -> bytes:
    """A record of the right shape whose text (of ``size`` bytes) agrees with its counts
    and hash, naming a raw file that is not there."""
    record = records(package)[-1]
    text = "A few words.\n\n" * (size // 14) + "End.\n"
    encoded = text.encode()
    words = count_words_utf8(encoded)
    record.update(id="zzz", source_path="zzz.txt", text=text, chars=len(text), words=words,
                  text_sha256=hashlib.sha256(encoded).hexdigest(),
                  paragraphs=count_paragraphs_utf8(encoded, words))
    return orjson.dumps(record) + b"\n"


LINES: dict[str, Callable[[Path, int], bytes]] = {
    # the QA's: a record of one huge id, which breaks its pattern
    "huge id": lambda package, size: b'{"id":"' + b"x" * size + b'"}\n',
    "long text": _long_record,
    "no line break": lambda package, size: b"x" * size,
}


def _peak_rss(package: Path) -> tuple[int, str]:
    """The peak memory (RSS, bytes) of a ``validate -j 1`` of ``package`` in a process of
    its own (tracemalloc counts what orjson reserves and never touches), and its output."""
    # VmHWM: this process's own peak (ru_maxrss carries the forking parent's over exec).
    code = ("import sys\n"
            "from corpuskit.cli import main\n"
            "main(['validate', '-j', '1', sys.argv[1]])\n"
            "peak = [line for line in open('/proc/self/status') if line.startswith('VmHWM')]\n"
            "sys.stderr.write(f'peak {peak[0].split()[1]}')\n")
    done = subprocess.run([sys.executable, "-c", code, str(package)], capture_output=True,
                          text=True, check=False)
    return int(done.stderr.rsplit("peak ", 1)[1]) * 1024, done.stdout


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux's /proc only")
@pytest.mark.parametrize("kind", LINES)
def test_a_long_record_line_is_held_about_three_times_at_most(
        tmp_path: Path, kind: str) -> None:
    peaks = {}
    for size in (1 << 10, SIZE):
        package = copy_release(tmp_path / str(size))
        number = len(records(package)) + 1
        with (package / "data/documents.jsonl").open("ab") as handle:
            handle.write(LINES[kind](package, size))
        peaks[size], out = _peak_rss(package)
        # The line is checked and reported (its raw file's absence: at the file).
        assert f"documents.jsonl:line {number}" in out \
            or f"documents.jsonl line {number})" in out
    # About 3 times the line, and some fixed costs (7 times before, QA).
    assert peaks[SIZE] - peaks[1 << 10] < 4.5 * SIZE, \
        f"{(peaks[SIZE] - peaks[1 << 10]) / SIZE:.1f} times the line"


def test_the_problem_of_a_huge_value_quotes_it_short(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = copy_release(tmp_path)
    number = len(records(package)) + 1
    with (package / "data/documents.jsonl").open("ab") as handle:
        handle.write(b'{"id":"/' + b"x" * 1000 + b'"}\n')
    _, out, _ = run(capsys, "validate", "-j", "1", str(package))
    assert f"line {number} /id: '/{'x' * 58}...{'x' * 11}' (1,001 characters) does not " \
        "match " in out


def test_a_long_line_is_a_block_of_its_own() -> None:
    lines = [b"a" * 30, b"bb", b"c" * 12, b"d", b"e" * 25, b"f"]
    data = b"\n".join(lines)
    chunks = [data[at:at + 7] for at in range(0, len(data), 7)]
    blocks = list(line_blocks(iter(chunks), lambda number: None, keep=True, max_line=100,
                              long_line=12))
    assert [(block.first, block.lines, block.data) for block in blocks] == [
        (1, 1, lines[0]), (2, 1, b"bb"), (3, 1, lines[2]), (4, 1, b"d"), (5, 1, lines[4]),
        (6, 1, b"f")]
    assert all(block.data == data[block.start:block.end] for block in blocks)
    # Shorter lines share their blocks as before.
    shared = [block.data for block in line_blocks(iter(chunks), lambda number: None,
                                                  keep=True, max_line=100)]
    assert len(shared) < len(lines) and b"\n".join(filter(None, shared)) == data
