"""One large document is held a few times over at most while it is processed.

QA (s83 qa-decode F7): building one file of 50 MB on one line took 459 MB (UTF-8) and
764 MB (cp1252): copies of the document lived longer than they were needed (the bytes
read twice, the copy of them a UnicodeDecodeError holds, a step's unused result kept
while the next one ran, the lines of trim-trailing-whitespace joined again into a copy
of the same text, a substitution that replaced nothing).

Measured as the peak memory (RSS) of a process of its own, not with tracemalloc: that
counts what CPython's encoders and orjson reserve for the worst case and never touch
(``str.encode`` of a text of two bytes a character reserves three bytes a character),
which the system never lends.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

#: Words of French, some beyond Latin-1 (``…``, ``’``: the text is two bytes a character).
WORDS = ("caractère", "être", "l’ordre", "répertoire", "fenêtre", "schéma", "naïve", "…",
         "de", "la", "correspond", "entre", "pas", "vers", "«", "»")
#: The document's size: big enough that the fixed costs are small beside it (a legacy
#: file's smaller: its code pages are tried, about a second a MB).
SIZES = {"utf-8": 16 << 20, "cp1252": 3 << 20}


def one_line(size: int, encoding: str) -> bytes:
    """A document of one line of about ``size`` bytes in ``encoding``, ending in LF."""
    words = " ".join(WORDS[i * 7 % len(WORDS)] for i in range(size // 6))
    return words.encode(encoding)[:size].rsplit(b" ", 1)[0] + b".\n"


#: Process the file named, without language identification (its model, loaded once, is
#: no cost of a document), and say the process's peak RSS (VmHWM: its own, where
#: ru_maxrss carries the parent's over exec).
_PROCESS = """
import sys
from dataclasses import replace
from corpuskit.config import ExtractConfig, ProcessConfig
from corpuskit.models import RawDocument
from corpuskit.records import process_document
config = ProcessConfig(extract=replace(ExtractConfig(), language=False))
with open(sys.argv[1], "rb") as handle:
    raw = RawDocument("big", "big.txt", handle.read())
record = process_document(raw, config)
assert record.chars > 0
peak = [line for line in open("/proc/self/status") if line.startswith("VmHWM")]
sys.stderr.write(f"peak {peak[0].split()[1]}")
"""


def peak_rss(path: Path) -> int:
    """The peak memory (RSS, bytes) of a process that processes the document at ``path``."""
    done = subprocess.run([sys.executable, "-c", _PROCESS, str(path)], capture_output=True,
                          text=True, check=True)
    return int(done.stderr.rsplit("peak ", 1)[1]) * 1024


def _grown(tmp_path: Path, encoding: str) -> float:
    """How many times its size a document of one line in ``encoding`` adds to the peak
    memory of a process that processes it (that of a document of 4 KB taken away)."""
    peaks = {}
    for size in (1 << 12, SIZES[encoding]):
        path = tmp_path / f"{size}.txt"
        path.write_bytes(one_line(size, encoding))
        peaks[size] = peak_rss(path)
    return (peaks[SIZES[encoding]] - peaks[1 << 12]) / SIZES[encoding]


_LINUX = pytest.mark.skipif(not Path("/proc/self/status").exists(),
                            reason="Linux's /proc only")


@_LINUX
def test_a_large_utf8_document_of_one_line_is_held_a_few_times_at_most(
        tmp_path: Path) -> None:
    # The bytes, the text (two bytes a character: about twice the bytes), and a copy of
    # it while a step changes it or the record's UTF-8 beside it. Before: 7.3 times the
    # bytes; now 5.5.
    grown = _grown(tmp_path, "utf-8")
    assert grown < 6.3, f"{grown:.1f} times the document's size"


@_LINUX
@pytest.mark.slow
def test_a_large_legacy_document_of_one_line_is_held_a_few_times_at_most(
        tmp_path: Path) -> None:
    # As UTF-8's, with the readings in each code page that reads it, which best_legacy
    # holds together (4 of the default 5 here: about 8 bytes a byte). Before: 9.8 times
    # the bytes (the copy a UnicodeDecodeError holds, kept while they were tried, and
    # more); now 8.7.
    grown = _grown(tmp_path, "cp1252")
    assert grown < 9.3, f"{grown:.1f} times the document's size"
