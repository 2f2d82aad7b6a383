"""Time corpuskit against its baselines on one corpus, in one run, and print the ratios.

Measures, each as a separate process (wall time and peak RSS from ``wait4``: the largest
single process's; and the peak of all its processes' PSS together, sampled every 100 ms for
a step's first second, then every 0.5 s):

- ``floor``: ``benchmarks/floor_baseline.py`` (read, UTF-8, NFC, sha256, one JSON line);
- ``build_cold``: ``corpuskit build`` with an empty cache (a new ``--cache`` folder: the
  decoded language model is read from the user's cache folder, where the kit keeps it
  before timing if no build on this machine did, unless ``--no-keep-model``; the run says
  which);
- ``build_incremental``: ``corpuskit build`` of the next version after one document changed
  (``generate_corpus.py --change-one``), with the cache of the cold build;
- ``validate``: ``corpuskit validate`` of the cold build's package folder;
- ``frictionless``: ``frictionless validate`` of the same ``datapackage.json`` (the program
  beside the Python running the kit, else the first on PATH; with none, the run says so,
  records it in the JSON's ``skipped_steps``, times the rest and exits 1, unless
  ``--skip-frictionless`` was given);
- ``hashlib``: a bare sha256 pass over every file of the package (the hashing ceiling).

Every step runs ``--repeat`` times (default 3), in rounds of all the steps in the order
above, so that each baseline is timed beside what it is compared with; the ratios use the
fastest round of each step (as ``timeit`` does: on a shared or virtual machine, the fastest
run is the one least slowed by anything else), and the ratios of the medians are printed
beside them. A round's cold build starts from an empty output folder and cache, new ones:
the earlier rounds' stay until every round is timed (deleting them first slowed the next
cold build two- or threefold on ext4), unless the disk lacks room for them or the work
folder is in memory (tmpfs: there they take memory, and their freed pages are the cheapest
to write into).

Each step also reports its CPU time, user and system, its own and its workers', and what
its processes read from the disk rather than the page cache (``disk read MB``): a machine
that drops cached pages not read for a minute (DAMON's proactive reclaim, which the kit
names when it finds it: :mod:`page_reclaim`) makes a step read again from the disk files
the steps before it wrote or read, and that step slower. Before the
cold build, ``file_create`` times the creation of :data:`PROBE_FILES` small files in the
work folder (µs per file): a build creates one file per document in ``data/raw/``, and on
this kind of filesystem that cost varies tenfold with what was deleted in the minutes
before (ext4 without a journal skips the inodes freed in the last minutes, scanning past
each of them for every new file). The probe's files are kept until the end of the run, as
deleting them would slow the build it is there to explain. Before each incremental
build, ``new_data_write`` times writing :data:`WRITE_PROBE_BYTES` to a new file (ms per
100 MB, kept until the end of the run too), and the kit then reports the bytes of new files
that build wrote: it links each unchanged raw file, but writes ``data/documents.jsonl``,
the manifest and the zip anew, and on a virtual machine the first write to a page of
memory the guest has not used lately costs the host's work, several times a copy's.
Before each step the kit flushes what earlier steps wrote (``sync``, not timed).

Usage::

    python benchmarks/run_benchmarks.py --documents 100000 [--work DIR] [--json out.json]
    python benchmarks/run_benchmarks.py --documents 100000 --repeat 1   # one round only
    python benchmarks/run_benchmarks.py --seeds ANY_FOLDER_OF_TEXTS [--work DIR]

``--seeds`` takes any folder of text files, copied first: without a ``corpus.toml`` one is
written, and files the build refuses (binary files, unreadable encodings, clashing names,
links to folders or to removed files...; found with ``corpuskit validate --format json`` of
the copy, again until it finds none) are removed from the copy and counted, so that every
measure runs on the same documents (of files that share a document id or a name, as
``page.md`` and ``page.html`` do, the first by path stays, named beside the others); named
pipes, sockets and devices, which the build refuses too, are not copied, and are named and
counted. A package corpuskit built (a release folder) is refused before anything is copied.

Results go to stdout as a table and, with ``--json``, to a file for comparison across
commits, with what they were measured on (``machine``: CPU, kernel, Python, frictionless,
the work folder's filesystem), as the ratios move from one machine to another, and on what
corpus and code: ``source`` (the folder of texts as given and resolved, or the generator's
options), ``corpus_bytes``, ``options`` (``--jobs``, ``--repeat``, ``--compression``...)
and ``corpuskit`` (its version and folder, and the git checkout the kit is in: its commit,
and whether tracked files changed since). A temporary
work folder (no ``--work``) is deleted afterwards unless ``--keep`` is given; a ``--work``
folder is kept, with the last round's seeds, output folder and cache (the next run in it
deletes them first).
"""

from __future__ import annotations

import argparse
import calendar
import json
import os
import platform
import re
import resource
import shutil
import signal
import stat
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

try:
    import corpuskit
    from corpuskit.config import DEFAULT_COMPRESSION
    from corpuskit.models import document_id
    from corpuskit.names import collision_key, shown_id
    from corpuskit.package import DOCUMENTS_PATH
    from corpuskit.problems import one_line, printable
    from corpuskit.reader import PACKAGE_MARKERS
    from corpuskit.semver import Version
    from corpuskit.wording import shown_name
    from corpuskit.zipfiles.deflate import COMPRESSIONS
except ModuleNotFoundError as missing:  # (QA s96 kit 7: a traceback)
    sys.exit(f"run_benchmarks: this Python ({sys.executable}) cannot import {missing.name}, "
             "which the kit runs: install corpuskit into it, as the README does (pip install "
             "-e '.[test]' in corpuskit's source folder, with this Python's pip)")

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # run with -I (or -P), the script's folder is not on the path
    sys.path.insert(0, str(HERE))
import page_reclaim  # noqa: E402  (the kit's sibling module, found in HERE)

WORK: list[Path] = [Path.cwd()]
#: The documents a build keeps, listed in the work folder (:func:`list_documents`).
DOCUMENT_LIST = "documents.list"
HASH_PASS = """
import hashlib, os, sys
total = 0
for root, dirs, files in os.walk(sys.argv[1]):
    dirs.sort()
    for name in sorted(files):
        h = hashlib.sha256()
        with open(os.path.join(root, name), 'rb') as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
                total += len(chunk)
print(total, file=sys.stderr)
"""


#: Files created by the ``file_create`` probe, of :data:`PROBE_BYTES` bytes each.
PROBE_FILES = 2000
PROBE_BYTES = 2500
#: Above this many µs per file, the probe's result is pointed out (quiet: about 20-55).
SLOW_CREATE_US = 100


@dataclass
class NewData:
    """The new-data probe before a round's incremental build (ms per 100 MB written to a
    new file) and the bytes of new files that build wrote (None if it failed)."""

    wall_ms: float
    system_ms: float
    build_bytes: int | None


@dataclass
class Measure:
    name: str
    seconds: float
    peak_rss_mb: float
    exit_code: int
    user_seconds: float = 0.0
    system_seconds: float = 0.0
    #: The most memory the step's processes held together (their PSS summed: a page two
    #: workers share counts half for each), sampled as :data:`TREE_SAMPLING` says;
    #: None for a step that ended before the first sample.
    peak_tree_pss_mb: float | None = None
    #: What the step's processes read from the disk (``ru_inblock``, in 512-byte blocks):
    #: files found in the page cache are not counted (see :mod:`page_reclaim`).
    disk_read_mb: float = 0.0


def run(name: str, argv: list[str], env: dict[str, str] | None = None,
        cwd: Path | None = None) -> Measure:
    """Run ``argv`` as a child process; wall time and the child's peak RSS.

    Children run in the work folder, so ``python -m corpuskit`` imports the installed
    package, never a checkout that happens to be the current folder. Written data is
    flushed to disk first (``sync``, untimed): each step pays for its own writes, not for
    the writeback of the step before (a cold build leaves about a gigabyte to write back;
    flushing it takes a share of the two cores for seconds).
    """
    os.sync()
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, cwd=cwd or WORK[0], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    assert proc.stderr is not None
    tree = TreeMemory(proc.pid)
    tree.start()
    try:
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
    except BaseException:  # Ctrl-C, or the kit ended (:func:`end_on_signal`)
        end_child(proc)
        raise
    finally:
        tree.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0,):
        tail = err.decode(errors="replace")[-2000:]
        sys.stderr.write(f"{name}: exit {proc.returncode}\n{tail}\n")
    # ru_maxrss is in KiB on Linux; it covers the largest child (pool workers included),
    # and the CPU times include those of the workers the child waited for. A child starts
    # as this process (vfork, then exec) and reports at least this process's own peak RSS
    # (about 18 MB): the kit keeps itself small (see disk_bytes).
    return Measure(name, seconds, usage.ru_maxrss / 1024, proc.returncode,
                   usage.ru_utime, usage.ru_stime,
                   round(tree.peak_kb / 1024, 1) if tree.peak_kb else None,
                   round(usage.ru_inblock * 512 / 1e6, 1))


#: How often :class:`TreeMemory` sums the memory of a step's processes (seconds): often
#: enough for a long build's peak, which lasts while its workers run; a sample (listing
#: /proc, reading each process's ``smaps_rollup``) takes about 2 ms of CPU here.
TREE_SAMPLE_SECONDS = 0.5
#: For the first :data:`TREE_EARLY_SECONDS` of a step, it samples every
#: :data:`TREE_EARLY_SAMPLE_SECONDS` instead: a step of 0.5-2 s had one or two samples,
#: often of its start-up, printed as its peak (QA: 54 MB for an incremental build whose
#: processes held 191 MB together). 10 samples, about 20 ms of CPU, in that second: every
#: 50 ms for 2 s took validate of 100,000 documents, whose both cores are busy, from 1.66 s
#: to 1.72 s (medians of six alternating runs), every 100 ms for 1 s to 1.70 s, within its
#: spread.
TREE_EARLY_SAMPLE_SECONDS = 0.1
TREE_EARLY_SECONDS = 1.0
#: How the kit samples, as the report says it.
TREE_SAMPLING = (f"sampled every {TREE_EARLY_SAMPLE_SECONDS * 1000:.0f} ms for a step's first "
                 f"{TREE_EARLY_SECONDS:g} s, then every {TREE_SAMPLE_SECONDS:g} s")


def tree_sample_wait(elapsed: float) -> float:
    """The seconds until the next sample of a step's memory, ``elapsed`` seconds into it."""
    return TREE_EARLY_SAMPLE_SECONDS if elapsed < TREE_EARLY_SECONDS else TREE_SAMPLE_SECONDS


class TreeMemory:
    """The peak of the PSS of a process and all its descendants together, sampled in a
    thread of the kit. ``ru_maxrss`` is the largest single process's peak (a build's two
    workers each count the language model they share): a step's memory is all of them
    (QA: 165 MB reported of a build whose processes held 264 MB of PSS together)."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        started = time.monotonic()
        while not self._stop.wait(tree_sample_wait(time.monotonic() - started)):
            self.peak_kb = max(self.peak_kb, sum(map(_pss_kb, _tree_of(self.root))))


def _tree_of(root: int) -> list[int]:
    """``root`` and the processes descended from it, from ``/proc``."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                fields = handle.read().rpartition(b")")[2].split()
        except OSError:  # gone meanwhile
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _pss_kb(pid: int) -> int:
    """The PSS of process ``pid`` in KiB (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def end_child(proc: subprocess.Popen[bytes]) -> None:
    """End the step ``proc`` runs as the kit ends: SIGTERM, on which corpuskit removes what
    it was writing and ends its workers, then SIGKILL if it has not ended in 30 s."""
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class Ended(BaseException):
    """SIGTERM or SIGHUP received (:func:`end_on_signal`), raised where the kit is, as
    Ctrl-C's KeyboardInterrupt is: past every ``except Exception``, to :func:`cli`."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def end_on_signal(signum: int, _frame: object) -> None:
    """SIGTERM or SIGHUP (a CI job's time limit, a closed terminal) ends the kit as Ctrl-C
    does: the step running ended (:func:`end_child`), a temporary work folder removed
    (QA: a build went on writing a release into the folder left behind, 441 MB), and one
    line said (:func:`cli`)."""
    raise Ended(signum)


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def helper(argv: list[str], **options: Any) -> subprocess.CompletedProcess[Any]:
    """Run ``argv``, a helper of the kit whose messages it shows (its stderr is the kit's;
    not timed), with SIGINT ignored: Ctrl-C at a terminal reaches every process of the
    group, and a helper would print a traceback of its own beside the kit's one line
    (QA s96 kit 4). The kit, interrupted, kills it (``subprocess.run`` does, on any
    exception) and waits for it."""
    return subprocess.run(argv, preexec_fn=_ignore_sigint, **options)


def _mount_of(path: Path) -> tuple[str, str]:
    """The type and options of the filesystem ``path`` is on (Linux's mount table, whose
    names escape spaces and the like in octal; the mount point nearest to it, the last
    mounted there), or ``("unknown", "")``."""
    target, found, best = str(path.resolve()), ("unknown", ""), -1
    try:
        lines = Path("/proc/self/mounts").read_text(encoding="utf-8").splitlines()
    except OSError:
        return found
    for line in lines:
        fields = line.split()
        if len(fields) < 4:
            continue
        point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[1])
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= best:
            found, best = (fields[2], fields[3]), len(point)
    return found


def describe_machine(work: Path, py: str, frictionless: str | None,
                     pageouts: Sequence[page_reclaim.Pageout] = (),
                     reporting_order: int | None = None) -> dict[str, object]:
    """What the figures were measured on: ratios are comparable across commits on one
    machine only (docs/performance.md gives two machines of one kind on which frictionless /
    validate was about 4.5 and 3.2 with the same code). ``frictionless``: the program the
    kit times (:func:`find_frictionless`), whose version is given, or None. ``pageouts``:
    the machine's schemes that drop cached pages not read lately (:mod:`page_reclaim`);
    ``reporting_order``: the order of the free blocks it gives back to its host, None for
    none (:func:`page_reclaim.free_page_reporting`)."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    kind, options = _mount_of(work)
    return {"cpu": cpu, "system": f"{platform.system()} {platform.release()}",
            "python": platform.python_version(),
            "frictionless": frictionless and program_version(frictionless),
            "frictionless_program": frictionless,
            "work_filesystem": kind, "work_mount_options": options,
            "language_model_kept": language_model_kept(py),
            "page_cache_pageout": [asdict(scheme) for scheme in pageouts],
            "free_page_reporting_order": reporting_order}


#: How to get frictionless where the kit finds it: corpuskit's test extra holds it.
FRICTIONLESS_INSTALL = ("install it into this Python with corpuskit's test extra (pip install "
                        "-e '.[test]' in corpuskit's source folder) or pip install "
                        "'frictionless[json]>=5.18,<6', or put it on PATH")


def find_frictionless(py: str) -> str | None:
    """The ``frictionless`` program the kit times: the one beside the Python ``py`` (a
    virtual environment's), else the first on PATH (pipx's, say), else None. (QA: only
    the first was looked for, and where it was not, the step was left out unsaid.)"""
    beside = Path(py).parent / "frictionless"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("frictionless")


def program_version(program: str) -> str | None:
    """What ``program --version`` prints (its last line), or None if it fails: the
    version of the program run, which may be another installation than this Python's."""
    try:
        said = subprocess.run([program, "--version"], capture_output=True, text=True,
                              check=False, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = said.stdout.strip().splitlines()
    return lines[-1].strip() if said.returncode == 0 and lines else None


#: Prints where the user's cache folder keeps py3langid's model decoded and whole, if it
#: does (run as a child: reading the model takes about 100 MB, see language_model_kept).
MODEL_KEPT = """
from corpuskit.languageid.languagemodel import model_folder, read_model
from corpuskit.usercache import user_cache_dir

user = user_cache_dir()
if user is not None:
    try:
        folder = model_folder(user)
    except OSError:
        folder = None
    if folder is not None and read_model(folder) is not None:
        print(folder)
"""


def language_model_kept(py: str) -> str | None:
    """Where the user's cache folder keeps py3langid's model decoded, if it does: every
    cold build reads it there (``corpuskit.languageid.languagemodel.kept_folders``) instead of
    decoding it before its workers start (about 0.6 s). A build with the default cache
    keeps it there; the kit's builds, each with a cache folder of its own, do not. A copy
    counts only if it is whole, as for a build (``read_model``).

    Asked of a child process (``py``): reading the model in this one took its peak RSS
    to about 140 MB, and every step it starts afterwards reports at least that as its own
    (see :func:`run`), which made validate's 49 MB read as 141."""
    found = subprocess.run([py, "-c", MODEL_KEPT], capture_output=True, text=True,
                           check=True)
    return found.stdout.strip() or None


def own_peak_rss_mb() -> float:
    """This process's peak RSS since it started (``VmHWM``), in MB: a step it starts
    reports at least this as its own (see :func:`run`). ``ru_maxrss`` of this process
    will not do: it starts at the peak of whatever started the kit (a test run's 600 MB)."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def probe_file_creation(folder: Path) -> tuple[float, float]:
    """Wall and system time, in µs per file, to create :data:`PROBE_FILES` files of
    :data:`PROBE_BYTES` bytes in ``folder`` (new; the files are left there)."""
    folder.mkdir(parents=True)
    data = b"x" * PROBE_BYTES
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    before, start = os.times(), time.perf_counter()
    for i in range(PROBE_FILES):
        fd = os.open(folder / f"{i:05d}.txt", flags, 0o644)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
    seconds, after = time.perf_counter() - start, os.times()
    return seconds / PROBE_FILES * 1e6, (after.system - before.system) / PROBE_FILES * 1e6


#: corpus.toml's top-level ``version`` key: a basic or a literal TOML string, spaces or
#: none around ``=``, the key bare or quoted (a folder's own corpus.toml may write
#: ``version='2.3.4'`` or ``"version" = "2.3.4"``).
_VERSION_LINE = re.compile(
    r"""^([ \t]*(?:version|"version"|'version')[ \t]*=[ \t]*)(["'])([^"'\n]*)\2""",
    re.MULTILINE)


#: Bytes the ``new_data_write`` probe writes to a new file before each incremental build.
WRITE_PROBE_BYTES = 64 << 20


def probe_new_data(path: Path) -> tuple[float, float]:
    """Wall and system time, in ms per 100 MB, to write :data:`WRITE_PROBE_BYTES` to the
    new file ``path`` (left there, as deleting it would hand its pages to the next step).

    An incremental build writes its new ``data/documents.jsonl``, manifest and zip in
    full: on a virtual machine, a page of the page cache the guest has not used lately
    costs the host's work on its first write (about 0.28 s of system time per 100 MB where
    pages freed a moment before took 0.025 s), and the probe says what it costs here."""
    chunk = memoryview(b"\x5a" * (1 << 20))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    before, start = os.times(), time.perf_counter()
    try:
        left = WRITE_PROBE_BYTES
        while left:
            left -= os.write(fd, chunk[:min(left, len(chunk))])
    finally:
        os.close(fd)
    seconds, after = time.perf_counter() - start, os.times()
    per = 100e6 / WRITE_PROBE_BYTES * 1e3
    return seconds * per, (after.system - before.system) * per


def new_file_bytes(release: Path) -> int:
    """The bytes of the files a build wrote for the release folder ``release`` and its
    zip: the zip and the folder's files of one link (a raw file the build took from an
    earlier release is a link to it)."""
    total = release.with_name(release.name + ".zip").stat().st_size
    for folder, _, files in os.walk(release):
        for name in files:
            status = os.lstat(os.path.join(folder, name))
            if stat.S_ISREG(status.st_mode) and status.st_nlink == 1:
                total += status.st_size
    return total


#: The UTF-8 byte order mark: corpuskit reads corpus.toml past one (``utf-8-sig``), as
#: Windows Notepad writes it, and tomllib refuses it (QA: "not valid TOML" said of a file
#: corpuskit builds).
BOM = "\ufeff"


def read_config(config: Path) -> tuple[str, str]:
    """corpus.toml's text without a leading byte order mark, and that mark ("" if none),
    to be written back before the text edited, as the file had it."""
    text = config.read_text(encoding="utf-8")
    return (text[len(BOM):], BOM) if text.startswith(BOM) else (text, "")


def bumped_patch(config: Path, shown: Path | None = None) -> str:
    """corpus.toml's text with its version bumped as ``corpuskit release patch`` bumps it;
    a SystemExit saying why where the kit cannot find or bump it (asked before anything is
    timed, so that a corpus.toml the kit cannot bump stops it at once, not after a round),
    naming ``shown`` if given: the corpus.toml ``config`` copies, which the user can edit
    (QA s96 kit 6: the kit's copy was named, deleted as the kit ends).

    The line changed is the one whose change TOML reads as the top-level ``version``
    changed, and nothing else: a line ``version = "0.9.0"`` inside a multi-line string (a
    description quoting one) or in a table looks the same, and was bumped instead (QA). A
    leading byte order mark is kept (:func:`read_config`)."""
    text, bom = read_config(config)
    named = shown_name(shown or config)
    try:
        settings = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SystemExit(f"{named}: not valid TOML ({exc})") from None
    if "version" not in settings:
        raise SystemExit(f"{named}: no top-level 'version = \"X.Y.Z\"'; the kit bumps the "
                         "version before each incremental build: write it so")
    try:
        version = Version.parse(str(settings["version"]))
    except ValueError as exc:
        raise SystemExit(f"{named}: version: {exc}") from None
    wanted = {**settings, "version": str(version.bump("patch"))}
    for match in _VERSION_LINE.finditer(text):
        bumped = (f"{text[:match.start()]}{match.group(1)}{match.group(2)}"
                  f"{wanted['version']}{match.group(2)}{text[match.end():]}")
        try:
            if tomllib.loads(bumped) == wanted:
                return bom + bumped
        except tomllib.TOMLDecodeError:
            continue
    raise SystemExit(f"{named}: no line 'version = \"X.Y.Z\"' that holds its top-level "
                     "version; the kit bumps the version before each incremental build: "
                     "write it so")


def bump_patch(config: Path) -> None:
    """Write corpus.toml's version bumped as ``corpuskit release patch`` bumps it."""
    config.write_text(bumped_patch(config), encoding="utf-8")


_OUTPUT_TABLE = re.compile(
    r"""^[ \t]*\[[ \t]*(?:output|"output"|'output')[ \t]*\][ \t]*(?:#.*)?$""", re.MULTILINE)
_COMPRESSION_LINE = re.compile(
    r"""^([ \t]*)(?:compression|"compression"|'compression')[ \t]*=.*$""", re.MULTILINE)


def set_compression(config: Path, name: str, shown: Path | None = None) -> None:
    """Make corpus.toml's ``[output] compression`` ``name``: the line replaced where the
    table has one, added to the table where it has none, the table added where there is
    none. The edit made is the one TOML reads as that key changed and nothing else (a line
    alike in a multi-line string, or one indented, is no help to a regular expression). A
    leading byte order mark is kept (:func:`read_config`). Where it cannot be made, the
    SystemExit names ``shown`` if given, as :func:`bumped_patch` does."""
    text, bom = read_config(config)
    named = shown_name(shown or config)
    try:
        settings = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SystemExit(f"{named}: not valid TOML ({exc})") from None
    output = settings.get("output", {})
    if not isinstance(output, dict):
        raise SystemExit(f"{named}: output is no table; set --compression there yourself, "
                         "or leave it out")
    wanted = {**settings, "output": {**output, "compression": name}}
    line = f'compression = "{name}"'
    candidates = [f"{text[:found.start()]}{found.group(1)}{line}{text[found.end():]}"
                  for found in _COMPRESSION_LINE.finditer(text)]
    candidates += [f"{text[:table.end()]}\n{line}{text[table.end():]}"
                   for table in _OUTPUT_TABLE.finditer(text)]
    if "output" not in settings:
        candidates.append(text.rstrip("\n") + f"\n\n[output]\n{line}\n")
    for candidate in candidates:
        try:
            if tomllib.loads(candidate) == wanted:
                config.write_text(bom + candidate, encoding="utf-8")
                return
        except tomllib.TOMLDecodeError:
            continue
    raise SystemExit(f"{named}: cannot set [output] compression by editing its lines (is "
                     "its table written inline, output = {...}?); set it there yourself, or "
                     "leave --compression out")


def _output_settings(config: Path) -> dict[str, Any]:
    """The ``[output]`` table of corpus.toml (empty if none)."""
    output = tomllib.loads(read_config(config)[0]).get("output", {})
    return output if isinstance(output, dict) else {}


#: The release time (SOURCE_DATE_EPOCH) of the kit's builds where the seeds record none.
KIT_EPOCH = "1700000000"


def release_epoch(config: Path) -> str:
    """SOURCE_DATE_EPOCH for the kit's builds of the seeds whose corpus.toml is ``config``:
    the release time it records (``created``, as ``corpuskit release`` writes it), else
    :data:`KIT_EPOCH`. A build of a version whose release the seeds record at another time
    is refused, as a second, other release of it (QA: the kit's cold build of the
    repository's seeds failed); the version the kit bumps for the incremental build is no
    recorded release, and builds at that time too."""
    created = tomllib.loads(read_config(config)[0]).get("created")
    if not isinstance(created, str):
        return KIT_EPOCH
    try:
        stamp = time.strptime(created, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:  # corpuskit refuses it, and says so
        return KIT_EPOCH
    return str(calendar.timegm(stamp))


def corpus_compression(config: Path) -> str:
    """The compression corpus.toml names, or corpuskit's default."""
    return str(_output_settings(config).get("compression", DEFAULT_COMPRESSION))


def corpus_parquet(config: Path) -> bool:
    """Whether corpus.toml asks for data/documents.parquet: every build then writes all the
    records a second time, as Parquet, and validate compares the two (said in the report,
    as the compression is: a corpus.toml copied from the repository's seeds asks for it)."""
    return _output_settings(config).get("parquet") is True


BENCH_CONFIG = """\
name = "bench-corpus"
title = "Benchmark corpus"
version = "1.0.0"
description = "A copy of {source} made by benchmarks/run_benchmarks.py to time corpuskit."
licenses = [{{ name = "LicenseRef-Unknown", title = "Unknown: a benchmark copy, not for release" }}]
sources = [{{ title = "{source}" }}]
"""


def toml_string_body(path: str | os.PathLike[str]) -> str:
    """``path`` as the inside of a TOML basic string: characters beyond the Basic
    Multilingual Plane as they are (JSON's ``\\ud83d\\ude00`` pairs are no TOML), a
    name's bytes that are not UTF-8 as ``\\xff`` text, controls and DEL escaped."""
    text = os.fsencode(path).decode("utf-8", "backslashreplace")
    return json.dumps(text, ensure_ascii=False)[1:-1].replace("\x7f", "\\u007f")


def prepare_foreign_seeds(seeds: Path, source: Path, corpuskit: list[str],
                          reasons: list[str] | None = None, *,
                          env: dict[str, str] | None = None) -> int:
    """Make a copied folder of texts buildable; how many files were removed (and why,
    one line each as validate writes it, added to ``reasons`` if given).

    A ``corpus.toml`` is written if there is none. Files the build would refuse are
    removed, as ``corpuskit validate`` of the copy reports them, and the copy is checked
    again until nothing is refused (removing a file breaks the links to it, which are
    refused in turn); a problem with the configuration itself stops the benchmark. In a
    folder that had no ``corpus.toml``, a ``CHANGELOG.md`` is the folder's own text (a
    project's changelog, whose versions are not the corpus's): one the build refuses is
    removed as any other file is. ``env``: the environment ``corpuskit validate`` runs in
    (this process's by default).
    """
    reasons = [] if reasons is None else reasons
    own_config = (seeds / "corpus.toml").exists()
    removed = 0
    if not own_config:
        # One line, as corpuskit wants a title and a description: a control in the path
        # (a newline, a tab) written as its escape (QA s96 kit 5: "must be one line").
        shown = toml_string_body(one_line(os.fspath(source)))
        (seeds / "corpus.toml").write_text(BENCH_CONFIG.format(source=shown), encoding="utf-8")
    # A folder with a corpus.toml and two or more of a package's files is a package to
    # validate (corpuskit.reader.folder_kind): all but the first go, whether the kit wrote
    # the corpus.toml or the folder has its own (QA: a folder of its own builds, and the kit
    # told it to remove its corpus.toml). data/documents.jsonl counts as the others do
    # (QA: left in place, it made the copy a package again, and the kit told the user to
    # remove the corpus.toml the kit itself wrote).
    markers = [name for name in PACKAGE_MARKERS if (seeds / name).is_file()]
    for name in markers[1:]:
        _remove_marker(seeds, name)
        where = "where a package keeps it" if "/" in name else "at the top of the folder"
        reasons.append(f"{name}: a file of a package {where}, beside {markers[0]}: validate "
                       "would take the copy for a package")
    removed = len(markers[1:])
    gone: set[str] = set()  # the paths removed, in the copy: a link through one is broken
    for _ in range(MAX_PREPARE_ROUNDS):
        codes: dict[str, set[str]] = {}
        refused, blocking = _refused_files(seeds, corpuskit, codes=codes, env=env,
                                           changelog_removable=not own_config)
        if blocking and not own_config and any(line.startswith("corpus.toml:")
                                               for line in blocking):
            # The kit wrote that corpus.toml: the user has none to fix (QA: told to remove it).
            raise SystemExit(f"{shown_name(source)}: the kit cannot time this folder: "
                             "validate refuses "
                             "the corpus.toml the kit wrote into its copy ("
                             + "; ".join(blocking) + "); this is a defect of the kit, not "
                             "of the folder: please report it")
        if blocking:
            said = "".join(f"\n  {line}" for line in blocking)
            if removed:
                said += f"\n(after removing {removed} files the build refuses:" + "".join(
                    f"\n  {line}" for line in reasons[:SHOWN_REASONS]) + (
                    f"\n  ... and {len(reasons) - SHOWN_REASONS} more" if
                    len(reasons) > SHOWN_REASONS else "") + ")"
            raise SystemExit(f"{shown_name(source)}: the kit cannot time this folder; fix "
                             f"this first:{said}")
        if not refused:
            return removed
        # Of files refused only for sharing an id or a name with another (page.md and
        # page.html), one of each group stays (QA: all went, and with them every page of
        # a corpus of Markdown and HTML); the next check says whether that builds.
        clashing = [path for path in refused if codes.get(path, set()) & CLASH_CODES]
        kept = keep_one_of_each([path for path in clashing if codes[path] <= CLASH_CODES],
                                [path for path in clashing if not codes[path] <= CLASH_CODES])
        for path in sorted(kept):
            if kept[path] is None:
                del refused[path]
        for path in sorted(refused):
            instead = kept.get(path)
            through = removed_on_the_way(seeds, path, gone)
            reasons.append(refused[path] + (f" (the kit kept {one_line(instead)})"
                                            if instead else "") + (
                f" (its target is under {one_line(through)}, which the kit removed from its "
                "copy before)" if through else ""))
            gone.add(path)
            target = refused_path(seeds, path, source)
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            else:
                target.unlink(missing_ok=True)
        removed += len(refused)
    # The copy is deleted when the kit ends: the advice names the option that keeps it (QA).
    raise SystemExit(f"{shown_name(source)}: its copy is still refused after removing files "
                     f"{MAX_PREPARE_ROUNDS} times; rerun with --work DIR (or --keep) and run "
                     "'corpuskit validate DIR/seeds' to see why")


def removed_on_the_way(seeds: Path, path: str, gone: set[str]) -> str | None:
    """Where ``path`` of the copy ``seeds`` is a symbolic link whose target (taken by name,
    from the link's folder) is, or is under, a path of ``gone`` that the kit removed from
    the copy: that path; else None. Such a link was sound in the folder of texts, and is
    refused as pointing at nothing only in the copy (QA s102: '/usr/share/doc/cpp/README.Bugs'
    was said to point at a file that does not exist, through the folder link gcc-12 the
    kit had removed)."""
    link = seeds / path
    try:
        if not link.is_symlink():
            return None
        aimed = os.path.normpath(os.path.join(os.path.dirname(path), os.readlink(link)))
    except (OSError, ValueError):
        return None
    parts = Path(aimed).parts
    for end in range(1, len(parts) + 1):
        if (candidate := "/".join(parts[:end])) in gone:
            return candidate
    return None


def _remove_marker(seeds: Path, name: str) -> None:
    """Remove the package file ``name`` from the copy ``seeds``; under a folder that is a
    link (``data`` pointing elsewhere), the link goes instead: removing through it would
    delete a file outside the copy, and the build refuses a link to a folder anyway."""
    top = seeds / name.split("/")[0]
    if "/" in name and top.is_symlink():
        top.unlink()
    else:
        (seeds / name).unlink()


def built_package(folder: Path) -> str | None:
    """Why ``folder`` is a package corpuskit built (a release folder), not a folder of
    texts, or None: its datapackage.json lists data/documents.jsonl, as every package
    corpuskit writes does (a Frictionless data set of one's own lists its own files), or
    its bag-info.txt names corpuskit as the bag's software."""
    try:
        descriptor = json.loads((folder / "datapackage.json").read_bytes())
    except (OSError, ValueError):
        descriptor = None
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if isinstance(resources, list) and any(
            isinstance(resource, dict) and resource.get("path") == DOCUMENTS_PATH
            for resource in resources):
        return f"its datapackage.json lists {DOCUMENTS_PATH}"
    try:
        bag_info = (folder / "bag-info.txt").read_text("utf-8", errors="replace")
    except OSError:
        return None
    if re.search(r"^Bag-Software-Agent:\s*corpuskit\b", bag_info, re.MULTILINE):
        return "its bag-info.txt names corpuskit as the bag's software"
    return None


_BYTE_ESCAPE = re.compile(r"\\x([0-9a-f]{2})")


def refused_path(seeds: Path, reported: str, source: Path | None = None) -> Path:
    """The file or folder of ``seeds`` that ``corpuskit validate`` names ``reported``.

    validate shows the bytes of a name that is not UTF-8 as ``\\xNN`` escapes
    (``corpuskit.problems.printable``): such a path is read back into the name
    ``os.fsdecode`` gives (a backslash in a real name is refused as well, so a path that
    exists as written is taken first). A path that names nothing there stops the kit,
    named: removing nothing, it would check the copy again and again. The advice names
    ``source``, the folder ``seeds`` copies, if given: the copy is deleted when the kit
    ends (QA: the advice named it)."""
    target = seeds / reported
    if os.path.lexists(target):
        return target
    raw = _BYTE_ESCAPE.sub(lambda m: chr(0xDC00 + int(m.group(1), 16)), reported)
    target = seeds / raw
    if os.path.lexists(target):
        return target
    raise SystemExit(f"{source or seeds}: corpuskit validate refuses {reported!r}, which the kit "
                     f"cannot find in its copy to remove; remove or rename it in "
                     f"{source or seeds} and run again")


#: The file that marks a work folder as the kit's: it deletes there only in such a folder.
WORK_MARK = ".corpuskit-bench-work"


def _kit_entry(name: str) -> bool:
    """Whether ``name``, in a work folder, is something the kit writes there (and deletes
    at the start of a run): the copy ``seeds``, a round's ``dist`` or ``cache``, the probes'
    folders and files, the floor's output and the list of documents."""
    return name in ("seeds", "floor.jsonl", DOCUMENT_LIST) or bool(
        ROUND_OUTPUT.fullmatch(name)) or name.startswith(("file-create-probe",
                                                          "new-data-probe"))


def claim_work_folder(work: Path) -> str | None:
    """Make ``work`` the kit's work folder (created, and marked with :data:`WORK_MARK`), or
    say why not: it holds names the kit would delete (``seeds``, ``dist``...) and no run of
    the kit marked it, as a project folder given as ``--work .`` does."""
    if work.exists() and not work.is_dir():
        return f"--work {work} is a file, not a folder: choose a new or empty folder"
    if not (work / WORK_MARK).exists() and work.is_dir():
        theirs = sorted(entry.name for entry in work.iterdir() if _kit_entry(entry.name))
        if theirs:
            return (f"--work {work} holds {', '.join(theirs[:5])}, which the kit would delete, "
                    "and no run of the kit made it its work folder: choose a new or empty "
                    "folder")
    work.mkdir(parents=True, exist_ok=True)
    (work / WORK_MARK).touch()
    return None


def work_overlap(source: Path, work: Path) -> str | None:
    """Why the work folder ``work`` cannot serve to time the folder of texts ``source``
    (both absolute and resolved), or None: inside it (or it), the copy would copy itself
    without end; ``source`` inside what the kit clears in ``work`` (its ``seeds`` copy, a
    round's ``dist`` or ``cache``...), the kit would delete the user's texts."""
    if work == source or work.is_relative_to(source):
        return "the work folder is inside the folder of texts, which the kit copies into it"
    if source.is_relative_to(work):
        entry = source.relative_to(work).parts[0]
        if _kit_entry(entry):
            return f"the folder of texts is in {work / entry}, which the kit deletes and writes"
    return None


def copy_foreign_seeds(source: Path, seeds: Path) -> list[str]:
    """Copy the folder of texts ``source`` to ``seeds``, links as links; the paths left out,
    relative to ``source``: named pipes, sockets and devices, which the build refuses and
    ``shutil.copytree`` cannot copy (a pipe would stop it, a socket cannot be opened). A
    file that cannot be read stops the kit, named."""
    special: list[str] = []

    def leave_out(folder: str, names: list[str]) -> set[str]:
        skipped = set()
        for name in names:
            mode = os.lstat(os.path.join(folder, name)).st_mode
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISLNK(mode)):
                skipped.add(name)
                special.append(Path(folder, name).relative_to(source).as_posix())
        return skipped

    try:
        shutil.copytree(source, seeds, symlinks=True, ignore=leave_out)
    except (shutil.Error, OSError) as exc:
        failures = exc.args[0] if isinstance(exc, shutil.Error) else [exc]
        raise SystemExit(f"{source}: cannot copy it into {seeds}: "
                         + "; ".join(str(failure) for failure in failures[:5])) from None
    make_writable(seeds)
    relink_inside(source, seeds)
    return sorted(special)


def relink_inside(source: Path, seeds: Path) -> None:
    """Point the copy's links into ``source`` at the same place in the copy ``seeds``:
    ``copytree`` keeps a link's target as written, so a link that a build of ``source``
    takes (it stays inside the folder) pointed out of the copy, which the kit then removed
    as the build refuses it (QA): an absolute one, and a relative one that goes out through
    the folder's own name and back in (``../../texts/a.txt``)."""
    roots = list(dict.fromkeys([Path(os.path.abspath(source)), source.resolve()]))
    for folder, folders, files in os.walk(seeds):
        for name in [*folders, *files]:
            link = Path(folder, name)
            if not link.is_symlink():
                continue
            written = os.readlink(link)
            original = Path(os.path.abspath(source), link.parent.relative_to(seeds))
            target = Path(os.path.normpath(original / written))
            inside = next((target.relative_to(root) for root in roots
                           if target.is_relative_to(root)), None)
            if inside is None:
                continue
            relinked = os.path.relpath(seeds / inside, link.parent)
            if relinked != written:
                link.unlink()
                link.symlink_to(relinked)


def make_writable(root: Path) -> None:
    """Let this user change the copy ``root`` (its files and folders, not what its links
    point to): ``copytree`` keeps each file's mode, and the kit appends to a document and
    removes the files the build refuses, which a read-only copy (texts from
    ``/usr/share``, a checkout made read-only) would stop with a PermissionError."""
    for folder, folders, files in os.walk(root):
        for name in [*folders, *files]:
            path = os.path.join(folder, name)
            mode = os.lstat(path).st_mode
            if stat.S_ISDIR(mode):
                os.chmod(path, stat.S_IMODE(mode) | stat.S_IRWXU)
            elif stat.S_ISREG(mode):
                os.chmod(path, stat.S_IMODE(mode) | stat.S_IRUSR | stat.S_IWUSR)
    os.chmod(root, stat.S_IMODE(os.lstat(root).st_mode) | stat.S_IRWXU)


#: The files removed from a copied folder of texts that the kit names, with why.
SHOWN_REASONS = 20
#: Rounds of "check the copied seeds, remove what is refused" before giving up.
MAX_PREPARE_ROUNDS = 10

#: Lists the documents a build of SEEDS keeps (corpuskit's own discovery: no corpus.toml,
#: CHANGELOG.md, hidden or excluded file) into LIST, NUL-terminated relative paths, and
#: prints the largest file it takes (``discover.max_file_bytes``) and the bytes of those
#: documents (a link's, its target's: what the build reads).
_LIST_DOCUMENTS = """\
import os, sys
from pathlib import Path
from corpuskit.config import load_config
from corpuskit.discover import discover
seeds = Path(sys.argv[1])
config = load_config(seeds).discover
found = discover(seeds, config).sources
Path(sys.argv[2]).write_bytes(b"".join(ref.path.encode("utf-8", "surrogateescape") + b"\\0"
                                       for ref in found))
print(config.max_file_bytes, sum(os.stat(seeds / ref.path).st_size for ref in found))
"""


def list_documents(py: str, seeds: Path, listing: Path) -> tuple[int, int, int]:
    """Write the documents a build of ``seeds`` keeps to ``listing``; how many, the
    corpus's ``discover.max_file_bytes``, and their bytes. The floor reads those (it read
    excluded files too) and the incremental step changes the first of them that changes
    alone, no link nor a file linked to (it changed the first file by path, which may be
    CHANGELOG.md or an excluded file: then no document changed), and stays within that
    limit once changed (QA: a document at the limit, changed, failed the incremental
    build); the kit counts them (it counted every file), and their bytes are the results'
    ``corpus_bytes`` (QA s96 kit 3)."""
    listed = helper([py, "-c", _LIST_DOCUMENTS, str(seeds), str(listing)],
                    check=True, stdout=subprocess.PIPE, text=True)
    limit, size = listed.stdout.split()[-2:]
    return listing.read_bytes().count(b"\0"), int(limit), int(size)


#: The codes of a file refused for clashing with another, of which one may stay.
CLASH_CODES = frozenset({"duplicate-id", "name-collision"})


def _clash_keys(path: str) -> list[tuple[tuple[str, str], str]]:
    """What ``path`` clashes with another on, each with what is its own there: its document
    id (two paths with one id clash), what that id shows (two ids that show alike), and
    the collision key of each folder on it and of its name (two names that differ only in
    case or normalization; files under one folder share it)."""
    doc_id = document_id(path)
    parts = path.split("/")
    prefixes = ("/".join(parts[:end]) for end in range(1, len(parts) + 1))
    return [(("id", doc_id), path), (("shown", shown_id(doc_id)), doc_id),
            *((("name", collision_key(prefix)), prefix) for prefix in prefixes)]


def keep_one_of_each(paths: list[str], going: Sequence[str] = ()
                     ) -> dict[str, str | None]:
    """Of ``paths``, refused only for clashing with one another or with ``going`` (refused
    for that and more: removed whatever this says) (:data:`CLASH_CODES`): each kept (None),
    or removed with the kept one it clashes with. The first by path of a group is kept,
    then each that clashes with none kept; a path that clashes with none of the others
    (with a reserved name, say) is neither, and goes as it was refused."""
    keys = {path: _clash_keys(path) for path in sorted(paths)}
    owners: dict[tuple[str, str], set[str]] = {}
    for found in [*keys.values(), *map(_clash_keys, going)]:
        for key, own in found:
            owners.setdefault(key, set()).add(own)
    claimed: dict[tuple[str, str], tuple[str, str]] = {}  # key: (its own there, path kept)
    chosen: dict[str, str | None] = {}
    for path, found in keys.items():
        if not any(len(owners[key]) > 1 for key, _ in found):
            continue  # no group of these: removed, as refused
        clash = next((claimed[key][1] for key, own in found
                      if key in claimed and claimed[key][0] != own), None)
        chosen[path] = clash
        if clash is None:
            for key, own in found:
                claimed.setdefault(key, (own, path))
    return chosen


def _refused_files(seeds: Path, corpuskit: list[str], *, codes: dict[str, set[str]] | None = None,
                   changelog_removable: bool = False, env: dict[str, str] | None = None
                   ) -> tuple[dict[str, str], list[str]]:
    """The files of ``seeds`` that ``corpuskit validate`` reports a problem with, each with
    the first, on one line as validate writes it (and, into ``codes`` if given, the codes
    of all its problems); and the problems, so written, that removing files cannot mend,
    which stop the kit: those of ``corpus.toml`` (or ``CHANGELOG.md``, unless
    ``changelog_removable``) and of the folder itself (no document left)."""
    check = subprocess.run([*corpuskit, "validate", "--format", "json", str(seeds)],
                           capture_output=True, check=False, cwd=WORK[0], env=env)
    try:
        report = json.loads(check.stdout)
    except ValueError:
        raise SystemExit(f"cannot check {seeds}:\n{check.stderr.decode(errors='replace')}"
                         ) from None
    refused: dict[str, str] = {}
    blocking: list[str] = []
    kept = {"corpus.toml", ".", *(() if changelog_removable else ("CHANGELOG.md",))}
    for problem in report.get("problems", []):
        where = ":".join(one_line(part) for part in (problem["path"], problem["location"])
                         if part)
        line = f"{where}: {one_line(problem['message'])} [{problem['code']}]"
        if problem["path"] in kept:
            blocking.append(line)
        else:
            refused.setdefault(problem["path"], line)
            if codes is not None:
                codes.setdefault(problem["path"], set()).add(problem["code"])
    return refused, blocking


def keep_language_model(py: str) -> bool:
    """Keep py3langid's model decoded in the user's cache folder before timing anything,
    as the first build on a machine with the default cache does (the README's first
    command), unless it is kept there already; True if the kit did. A machine decodes it
    once (about 0.6 s), and every cold build then reads it there instead of decoding it
    before its workers start (``corpuskit.languageid.languagemodel.kept_folders``): the model is the
    installed py3langid's, as the bytecode :func:`compile_corpuskit` makes is the
    installed corpuskit's, and is no part of a corpus's cache. ``--no-keep-model`` times
    the builds as they come."""
    if language_model_kept(py) is not None:
        return False
    helper([py, "-c", "from corpuskit.languageid.languagemodel import load_model; "
                      "from corpuskit.usercache import user_cache_dir; "
                      "user = user_cache_dir(); user and load_model(user)"], check=True)
    return language_model_kept(py) is not None


def compile_corpuskit(py: str) -> None:
    """Compile corpuskit's modules to bytecode before timing anything, as ``pip install``
    does for frictionless and every other package in site-packages. An editable install
    (the README's test command) leaves corpuskit as sources, and with
    PYTHONDONTWRITEBYTECODE set nothing is ever cached: each corpuskit process would then
    compile its modules (about 0.05 s) and frictionless's would not."""
    found = subprocess.run([py, "-c", "import corpuskit, os; print(os.path.dirname("
                                      "corpuskit.__file__))"],
                           capture_output=True, text=True, check=True)
    helper([py, "-m", "compileall", "-q", found.stdout.strip()], check=True,
           stdout=subprocess.DEVNULL)


def whole_number(text: str) -> str:
    """``--seed`` as generate_corpus.py takes it, a whole number (``int`` reads it), kept as
    given: checked before anything is done (QA s96 kit 7: ``--seed abc`` showed the
    generator's usage error, then a traceback)."""
    try:
        int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is no whole number; generate_corpus.py "
                                         "takes one, such as 0 (the default)") from None
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--documents", "-n", type=int, help="generate a corpus of N documents")
    source.add_argument("--seeds", type=Path, help="use an existing seeds folder (copied)")
    parser.add_argument("--seed", default="0", type=whole_number,
                        help="generator seed, a whole number (default 0)")
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary one)")
    parser.add_argument("--jobs", type=int, default=None, help="corpuskit build --jobs")
    parser.add_argument("--repeat", type=int, default=3,
                        help="rounds of every step (default 3); each step's ratios use its "
                             "fastest round, and the medians are printed too")
    parser.add_argument("--json", type=Path, help="write the results as JSON here")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary work folder (a --work folder is always kept)")
    parser.add_argument("--skip-frictionless", action="store_true",
                        help="do not time frictionless (it is slow on big packages); "
                             "without this, a run that finds no frictionless (beside this "
                             "Python, or on PATH) times the rest and exits 1")
    parser.add_argument("--compression", choices=sorted(COMPRESSIONS),
                        help="set the corpus's [output] compression (default: as its "
                             f"corpus.toml says, else corpuskit's default, {DEFAULT_COMPRESSION})")
    parser.add_argument("--no-keep-model", action="store_true",
                        help="do not keep the language model decoded in the user's cache "
                             "folder before timing (where no build kept it, each cold build "
                             "then decodes it)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.documents is not None and args.documents < 1:  # (QA: 0 and -3 ended in tracebacks)
        parser.error("--documents must be at least 1")
    if args.jobs is not None and args.jobs < 1:  # (QA: -1 failed after a copy and the floor)
        parser.error("--jobs must be at least 1 (leave it out for all cores)")
    args.seeds_given = args.seeds  # as given, for the results (QA s96 kit 3)
    # Absolute: the commands run with the work folder as their current directory.
    for name in ("seeds", "work", "json"):
        if getattr(args, name) is not None:
            setattr(args, name, getattr(args, name).resolve())
    if args.json is not None and not args.json.parent.is_dir():
        parser.error(f"--json {args.json}: no folder {args.json.parent} to write it in")
    if args.json is not None and args.json.is_dir():
        parser.error(f"--json {args.json}: a folder; name the file to write")
    unwritable = json_unwritable(args.json) if args.json is not None else None
    if unwritable:
        parser.error(f"--json {args.json}: cannot write it ({unwritable}); name a file in a "
                     "folder you may write to")
    if args.seeds is not None and not args.seeds.is_dir():
        parser.error(f"--seeds {args.seeds}: " + (
            "a file, not a folder: give the folder of texts" if args.seeds.exists()
            else "no such folder"))
    # Before anything is copied or removed (QA: given a release folder, the kit removed
    # its bagit.txt and manifests, then told the user to remove a corpus.toml it wrote).
    built = built_package(args.seeds) if args.seeds is not None else None
    if built:
        raw = args.seeds / "data" / "raw"
        parser.error(f"--seeds {args.seeds}: a package corpuskit built ({built}), not a "
                     "folder of texts; give the seeds folder it was built from (the one "
                     "holding its corpus.toml)" + (f", or its texts, {raw}" if raw.is_dir()
                                                    else ""))
    if args.seeds is not None and args.work is not None:
        overlap = work_overlap(args.seeds, args.work)
        if overlap:
            parser.error(f"--seeds {args.seeds} and --work {args.work}: {overlap}; choose a "
                         "--work folder outside the folder of texts, and not holding it")

    py = sys.executable
    corpuskit = [py, "-m", "corpuskit"]
    frictionless = find_frictionless(py)
    work = args.work or Path(tempfile.mkdtemp(prefix="corpuskit-bench-"))
    refused = claim_work_folder(work)
    if refused:
        parser.error(refused)
    WORK[0] = work
    for ending in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(ending, end_on_signal)
    if frictionless is None and not args.skip_frictionless:
        print(f"run_benchmarks: {FRICTIONLESS_MISSING.format(py=py)}: the frictionless step "
              "will not be timed, nor its ratio, and the run will exit 1; "
              f"{FRICTIONLESS_INSTALL}, or pass --skip-frictionless", file=sys.stderr)
    try:
        return _run(args, work, py, corpuskit, frictionless)
    finally:
        # A --work folder is the user's: kept, as the docstring and --help say (QA: the
        # docstring said it was deleted unless --keep).
        if not args.keep and not args.work:
            shutil.rmtree(work, ignore_errors=True)


#: What the kit says of a frictionless it did not find beside the Python ``py`` nor on PATH.
FRICTIONLESS_MISSING = "frictionless not found beside {py} nor on PATH"


def _run(args: argparse.Namespace, work: Path, py: str, corpuskit: list[str],
         frictionless: str | None) -> int:
    """The kit's run in the work folder ``work`` (made and claimed): the corpus, the
    rounds, the report; the exit status. ``frictionless``: the program to time (None: not
    found)."""
    seeds = work / "seeds"
    for path in (seeds, *(path for path in work.glob("*") if ROUND_OUTPUT.fullmatch(path.name)),
                 *work.glob("file-create-probe*")):
        shutil.rmtree(path, ignore_errors=True)
    for path in work.glob("new-data-probe*"):
        path.unlink()
    reasons: list[str] = []  # each file removed from a copied folder of texts, with why
    if args.documents is not None:
        helper([py, str(HERE / "generate_corpus.py"), str(seeds), "--documents",
                str(args.documents), "--seed", args.seed], check=True)
    else:
        special = copy_foreign_seeds(args.seeds, seeds)
        reasons += [f"{one_line(path)}: a pipe, socket or device, not copied [unsafe-path]"
                    for path in special]
        # validate of a seeds folder keeps the language model in the user's cache folder,
        # as a build does: with --no-keep-model, in a folder of its own, removed after it
        with tempfile.TemporaryDirectory(prefix="corpuskit-kit-prepare-") as scratch:
            env = ({**os.environ, "XDG_CACHE_HOME": scratch} if args.no_keep_model
                   else None)
            removed = len(special) + prepare_foreign_seeds(seeds, args.seeds, corpuskit,
                                                           reasons, env=env)
        if removed:
            # Named here: validate of the source says only that it has no corpus.toml when
            # the kit wrote the copy's, and the copy is deleted unless --work or --keep.
            print(f"removed {removed} files the build refuses:", file=sys.stderr)
            for line in reasons[:SHOWN_REASONS]:
                print(f"  {line}", file=sys.stderr)
            if len(reasons) > SHOWN_REASONS:
                print(f"  ... and {len(reasons) - SHOWN_REASONS} more"
                      + (" (every one in --json's removed_files)" if args.json else
                         " (--json FILE lists every one, as removed_files)"),
                      file=sys.stderr)
    # The folder of texts' own corpus.toml, which a message about the copy's names (the
    # copy is deleted as the kit ends); None where the kit wrote the copy's.
    own = args.seeds / "corpus.toml" if args.seeds is not None else None
    own = own if own is not None and own.is_file() else None
    if args.compression:
        set_compression(seeds / "corpus.toml", args.compression, own)
    bumped_patch(seeds / "corpus.toml", own)  # each round bumps it: stop now if it cannot
    compression = corpus_compression(seeds / "corpus.toml")
    parquet = corpus_parquet(seeds / "corpus.toml")
    env = {**os.environ, "SOURCE_DATE_EPOCH": release_epoch(seeds / "corpus.toml")}
    jobs = ["--jobs", str(args.jobs)] if args.jobs is not None else []
    compile_corpuskit(py)
    kept_by_kit = not args.no_keep_model and keep_language_model(py)
    documents, max_file_bytes, corpus_bytes = list_documents(py, seeds, work / DOCUMENT_LIST)
    source = corpus_source(args)
    code = corpuskit_code()

    pageouts = page_reclaim.pageouts()
    reporting_order = page_reclaim.free_page_reporting()
    machine = describe_machine(work, py, frictionless, pageouts, reporting_order)
    skipped = ({"frictionless": "--skip-frictionless given"} if args.skip_frictionless else
               {"frictionless": FRICTIONLESS_MISSING.format(py=py)} if frictionless is None
               else {})
    machine["language_model_kept_by_kit"] = kept_by_kit
    rounds: list[list[Measure]] = []
    probes: list[tuple[float, float]] = []
    writes: list[NewData] = []
    outputs_of: list[tuple[Path, Path]] = []  # each round's output folder and cache
    checks: list[tuple[bool, str]] = []  # each round's releases validated: valid, said
    filesystem = str(machine["work_filesystem"])
    for number in range(args.repeat):
        outputs_of.append(round_outputs(work, number))
        if number and not keeps_earlier_round(work, filesystem, outputs_of[-2]):
            checks.append(check_outputs(corpuskit, outputs_of[-2][0], env, number))
            for path in outputs_of[-2]:
                shutil.rmtree(path, ignore_errors=True)
            if filesystem not in MEMORY_FILESYSTEMS:
                print(f"removed round {number}'s outputs before round {number + 1}, for "
                      "room: on ext4 without a journal, creating files after such a deletion "
                      "is slower for some minutes", file=sys.stderr)
        results, probe, new_data = _round(number, py, corpuskit,
                                          None if skipped else frictionless, seeds,
                                          *outputs_of[-1], env, jobs, args.seed,
                                          max_file_bytes, args.seeds)
        rounds.append(results)
        probes.append(probe)
        if new_data is not None:
            writes.append(new_data)
        if any(m.exit_code != 0 for m in results):
            break

    for number, earlier in enumerate(outputs_of[:-1], start=1):
        if earlier[0].is_dir():  # kept while the rounds after it ran: checked now
            checks.append(check_outputs(corpuskit, earlier[0], env, number))
        for path in earlier:  # every step is timed: the last round's are kept
            shutil.rmtree(path, ignore_errors=True)
    checks.append(check_outputs(corpuskit, outputs_of[-1][0], env, len(outputs_of)))
    outputs_valid = all(valid for valid, _ in checks)

    by_step: dict[str, list[Measure]] = {}
    for results in rounds:
        for m in results:
            by_step.setdefault(m.name, []).append(m)
    best = {name: min(runs, key=lambda m: m.seconds) for name, runs in by_step.items()}
    median = {name: statistics.median(m.seconds for m in runs)
              for name, runs in by_step.items()}
    ratios, median_ratios, failed = ratios_of(by_step)

    print(f"machine: {machine['cpu']}, {os.cpu_count()} CPUs, {machine['system']}, Python "
          f"{machine['python']}, "
          + ("frictionless not timed (--skip-frictionless)" if args.skip_frictionless
             else shown_frictionless(machine)) + "; "
          f"work folder on {machine['work_filesystem']} ({machine['work_mount_options']})")
    kept = machine["language_model_kept"]
    print(f"language model: decoded{' by the kit, before timing' if kept_by_kit else ''}, "
          f"kept in {kept}; the cold builds read it there" if kept
          else "language model: not kept in the user's cache folder; each cold build decodes "
          "it first (about 0.6 s; a build with the default cache keeps it)")
    print(f"corpuskit {code['version']} ({code['path']}); {shown_git(code)}")
    origin = (f"the kit's copy of {shown_name(args.seeds)}" if args.seeds else
              f"generated: --documents {args.documents} --seed {args.seed}")
    print(f"corpus: {documents} documents, {corpus_bytes} bytes, in {seeds} ({origin}), "
          f"archive compression {compression}, "
          f"Parquet output {'on' if parquet else 'off'}; "
          f"{len(rounds)} round"
          f"{'s' if len(rounds) != 1 else ''} of every step (fastest of each: its CPU time "
          "and peak RSS)")
    kit_rss = own_peak_rss_mb()
    print(f"the kit's own peak RSS: {kit_rss:.1f} MB (a step reports at least this as its own)")
    print(f"{'step':<20} {'rounds s':>22} {'fastest':>8} {'median':>7} {'user s':>7} "
          f"{'system s':>8} {'peak RSS MB':>11} {'tree PSS MB':>11} {'disk read MB':>12} "
          f"{'exit':>5}")
    for name, runs in by_step.items():
        m = best[name]
        times = " ".join(f"{r.seconds:.2f}" for r in runs)
        print(f"{name:<20} {times:>22} {m.seconds:>8.2f} {median[name]:>7.2f} "
              f"{m.user_seconds:>7.2f} {m.system_seconds:>8.2f} "
              f"{m.peak_rss_mb:>11.1f} "
              f"{'-' if m.peak_tree_pss_mb is None else f'{m.peak_tree_pss_mb:.1f}':>11} "
              f"{m.disk_read_mb:>12.1f} "
              f"{max((r.exit_code for r in runs), key=abs):>5}")
    print(f"tree PSS MB: the peak of a step's processes' PSS summed, {TREE_SAMPLING} "
          "('-': the step ended before the first sample); disk read MB: what its processes "
          "read from the disk, not from the page cache")
    pageout = page_reclaim.described(pageouts)
    if pageout:
        print(pageout)
    reporting = page_reclaim.described_reporting(reporting_order)
    if reporting:
        print(reporting)
    for number, (probe_wall, probe_sys) in enumerate(probes, start=1):
        print(f"file_create (before build_cold, round {number}): {probe_wall:.0f} µs per file, "
              f"{probe_sys:.0f} µs system ({PROBE_FILES} files of {PROBE_BYTES} bytes; the "
              "build creates one per document)")
    if max(wall for wall, _ in probes) > SLOW_CREATE_US:
        # (QA s102: "or in a new --work folder" was said of runs in new work folders)
        print(f"note: creating a file took over {SLOW_CREATE_US} µs; on ext4 without a journal "
              "that follows mass deletions on the same filesystem (for some minutes, in new "
              "folders too), and the cold build's time includes it: rerun a few minutes after "
              "them", file=sys.stderr)
    for number, probed in enumerate(writes, start=1):
        line = (f"new_data_write (before build_incremental, round {number}): "
                f"{probed.wall_ms:.0f} ms per 100 MB, {probed.system_ms:.0f} ms system "
                f"({WRITE_PROBE_BYTES >> 20} MiB to a new file)")
        if probed.build_bytes is not None:
            line += (f"; build_incremental wrote {probed.build_bytes / 1e6:.0f} MB of new "
                     "files (data/documents.jsonl, the manifest, the zip...), about "
                     f"{probed.build_bytes / 1e8 * probed.system_ms / 1e3:.2f} s of system "
                     "time at this rate")
        print(line)
    print(f"{'ratio':<50} {'fastest':>8} {'median':>7}")
    for label, a, b in RATIOS:
        if label in ratios:
            print(f"{label:<50} {ratios[label]:>8} {median_ratios[label]:>7}")
        elif blamed := ratio_failures(a, b, by_step, failed):
            print(f"{label:<50} {'none: ' + ' and '.join(blamed)} failed", file=sys.stderr)
        elif untimed := [step for step in (a, b) if step in skipped]:
            print(f"{label:<50} none: {untimed[0]} not timed ({skipped[untimed[0]]}"
                  + ("" if args.skip_frictionless else
                     f"; {FRICTIONLESS_INSTALL}, or pass --skip-frictionless") + ")",
                  file=sys.stdout if args.skip_frictionless else sys.stderr)
    if documents < SMALL_CORPUS:
        print(small_corpus_note(documents))
    for valid, said in checks:
        print(said, file=sys.stdout if valid else sys.stderr)
    if not outputs_valid:
        # (QA s102: the ratios printed as any others, the one sign a line of validate's)
        print(OUTPUTS_INVALID, file=sys.stderr)
    unsaved = None
    if args.json:
        unsaved = write_results(args.json, {
            "source": source,
            "documents": documents,
            "corpus_bytes": corpus_bytes,
            "removed_files": reasons,
            "compression": compression,
            "parquet": parquet,
            "options": {"jobs": args.jobs, "repeat": args.repeat,
                        "compression": args.compression,
                        "skip_frictionless": args.skip_frictionless,
                        "keep_model": not args.no_keep_model},
            "corpuskit": code,
            "cpus": os.cpu_count(),
            "machine": machine,
            "rounds": len(rounds),
            "results": [asdict(m) for m in best.values()],
            "runs": [[asdict(m) for m in results] for results in rounds],
            "median_seconds": {name: round(value, 3) for name, value in median.items()},
            "file_create_us": {"wall": round(probes[0][0], 1), "system": round(probes[0][1], 1),
                               "files": PROBE_FILES, "bytes": PROBE_BYTES,
                               "rounds": [[round(w, 1), round(s, 1)] for w, s in probes]},
            "new_data_write": {"bytes": WRITE_PROBE_BYTES,
                               "rounds": [{"wall_ms_per_100mb": round(w.wall_ms, 1),
                                           "system_ms_per_100mb": round(w.system_ms, 1),
                                           "build_incremental_new_bytes": w.build_bytes}
                                          for w in writes]},
            "ratios": ratios,
            "median_ratios": median_ratios,
            "failed_steps": failed,
            "skipped_steps": skipped,
            "outputs_valid": outputs_valid,
            "output_problems": [said for valid, said in checks if not valid],
            "kit_peak_rss_mb": round(kit_rss, 1),
            "tree_pss_sampling": TREE_SAMPLING,
        })
        if unsaved:
            print(unsaved, file=sys.stderr)
    succeeded = all(m.exit_code == 0 for results in rounds for m in results)
    if not succeeded and not args.work and not args.keep:
        # What failed is named in the kit's copy, deleted as the run ends (QA: a build's
        # error named /tmp/corpuskit-bench-.../seeds/..., gone when the user looked).
        copied = f" ({seeds} is its copy of {args.seeds})" if args.seeds else ""
        print(f"note: the files the messages above name in {work}, the kit's temporary "
              f"work folder{copied}, are deleted as the run ends: rerun with --work DIR or "
              "--keep to inspect them", file=sys.stderr)
    complete = args.skip_frictionless or frictionless is not None
    return 0 if succeeded and outputs_valid and complete and not unsaved else 1


def corpus_source(args: argparse.Namespace) -> dict[str, object]:
    """Where the corpus timed came from, for the results: the folder of texts as given and
    resolved, or the generator's options."""
    if args.seeds is None:
        return {"kind": "generated", "documents": args.documents, "seed": args.seed}
    return {"kind": "folder", "given": printable(os.fspath(args.seeds_given)),
            "resolved": printable(os.fspath(args.seeds))}


def corpuskit_code() -> dict[str, object]:
    """The corpuskit the steps run (this process imports the same one: the steps run
    ``python -m corpuskit`` with this Python and environment): its version and folder, and
    the git checkout the kit is in (``git``: None outside one, or without git), whether it
    holds that corpuskit, its commit and whether tracked files differ from it."""
    folder = Path(corpuskit.__file__).resolve().parent
    git = git_state(HERE)
    if git is not None:
        git["holds_corpuskit"] = folder.is_relative_to(str(git["top"]))
    return {"version": corpuskit.__version__, "path": str(folder), "git": git}


def git_state(folder: Path) -> dict[str, object] | None:
    """The git checkout ``folder`` is in: its top folder, the commit checked out, and
    whether tracked files differ from it (``dirty``; None if git could not say); None
    outside a checkout, or where git cannot be run."""
    def git(*command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", "--no-optional-locks", "-C", str(folder), *command],
                              capture_output=True, text=True, check=False, timeout=120)

    try:
        head = git("rev-parse", "HEAD", "--show-toplevel")
        said = head.stdout.splitlines()
        if head.returncode != 0 or len(said) != 2:
            return None
        status = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.TimeoutExpired):
        return None
    commit, top = said
    return {"top": top, "commit": commit,
            "dirty": bool(status.stdout.strip()) if status.returncode == 0 else None}


def shown_git(code: dict[str, object]) -> str:
    """The summary's words on the checkout the kit runs in (:func:`corpuskit_code`)."""
    git = code["git"]
    if not isinstance(git, dict):
        return "the kit is in no git checkout (no commit recorded)"
    changed = {True: ", tracked files changed since", False: "", None: ", changes unknown"}
    said = f"the kit's checkout {git['top']} at commit {git['commit']}{changed[git['dirty']]}"
    if not git["holds_corpuskit"]:
        said += " (note: that checkout does not hold the corpuskit timed)"
    return said


def shown_frictionless(machine: dict[str, object]) -> str:
    """The machine line's words on the frictionless the kit times: its version and where
    it is, or that none was found."""
    program = machine["frictionless_program"]
    if program is None:
        return "frictionless not found"
    return f"frictionless {machine['frictionless'] or '(version unknown)'} ({program})"


def json_unwritable(path: Path) -> str | None:
    """Why the results cannot be written to ``path``, or None; asked before anything is
    timed (QA s96 kit 1: a path in /sys, or in a folder the user may not write to, ended a
    whole run in a traceback, its results lost). An existing file is opened as the end of the run
    opens it, but not emptied; a new one is created and removed again."""
    flags = os.O_WRONLY | os.O_NONBLOCK  # a pipe with no reader refused, not waited on
    try:
        os.close(os.open(path, flags | os.O_APPEND))
        return None
    except FileNotFoundError:
        pass
    except OSError as exc:
        return exc.strerror or str(exc)
    try:
        os.close(os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o644))
    except OSError as exc:
        return exc.strerror or str(exc)
    path.unlink()
    return None


def write_results(path: Path, results: dict[str, Any]) -> str | None:
    """Write ``results`` to ``path`` as JSON; what to say if it cannot be (a full disk,
    ``/dev/full``, a folder made read-only during the run), or None."""
    try:
        path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        return (f"run_benchmarks: error: cannot write the results to {path} "
                f"({exc.strerror or exc}); the results printed above are all there is "
                "of this run")
    return None


def ratios_of(by_step: dict[str, list[Measure]]
              ) -> tuple[dict[str, float], dict[str, float], list[str]]:
    """The :data:`RATIOS` of the steps' fastest rounds and of their medians, and the steps
    that failed in a round. A step that failed is timed and shown, but gives no ratio: a
    build that exits at once with a usage error is no fast build (QA: "build_cold / floor
    2.774", a target met, from a build that built nothing)."""
    failed = sorted({m.name for runs in by_step.values() for m in runs if m.exit_code != 0})
    ratios: dict[str, float] = {}
    median_ratios: dict[str, float] = {}
    for label, a, b in RATIOS:
        if a not in by_step or b not in by_step or a in failed or b in failed:
            continue
        fastest_a = min(m.seconds for m in by_step[a])
        fastest_b = min(m.seconds for m in by_step[b])
        if fastest_b > 0:
            ratios[label] = round(fastest_a / fastest_b, 3)
            median_ratios[label] = round(
                statistics.median(m.seconds for m in by_step[a])
                / statistics.median(m.seconds for m in by_step[b]), 3)
    return ratios, median_ratios, failed


#: The steps of a round, in the order they run: one that fails ends its round.
STEPS = ("floor", "build_cold", "validate", "hashlib", "frictionless", "change_one",
         "build_incremental")


def ratio_failures(a: str, b: str, by_step: dict[str, list[Measure]], failed: list[str]
                   ) -> list[str]:
    """The failed steps that leave the ratio of step ``a`` to step ``b`` without a figure:
    ``a`` or ``b``, or, for one never timed, the steps before it that failed and ended its
    round (QA: with change_one failed, the incremental ratio's line was left out, unsaid).
    None for a step left out (``--skip-frictionless``, or frictionless not found: its line
    says so, from ``skipped_steps``)."""
    blamed = [step for step in (a, b) if step in failed]
    for step in (a, b):
        if step not in by_step:
            blamed += [other for other in failed if STEPS.index(other) < STEPS.index(step)]
    return list(dict.fromkeys(blamed))


def round_outputs(work: Path, number: int) -> tuple[Path, Path]:
    """The output folder and the cache of round ``number`` (from 0): ``dist`` and ``cache``,
    then ``dist-2`` and ``cache-2``, ... Each round builds into new folders, and those of the
    rounds before stay until every round is timed, if there is room for them
    (:func:`room_for_round`) and they are not in memory (:data:`MEMORY_FILESYSTEMS`): on ext4
    without a journal, creating files right after deleting many takes over 300 µs a file
    instead of about 20 for some minutes, which made the cold builds of rounds 2 and 3 two
    and three times as long as round 1's (23.5, 47.1 and 68.9 s for 100,000 documents)."""
    suffix = f"-{number + 1}" if number else ""
    return work / f"dist{suffix}", work / f"cache{suffix}"


#: The names of the rounds' output folders and caches (:func:`round_outputs`).
ROUND_OUTPUT = re.compile(r"(?:dist|cache)(?:-[0-9]+)?")
#: Filesystems held in memory: there a round's outputs (about 1.8 GB for 100,000 documents)
#: are removed before the next round, as they take memory, and the pages freed are the
#: cheapest the next round can write into (on a virtual machine, pages the guest has not
#: used lately cost far more: keeping them made a cold build's system time 5.3 s, not 3.3).
MEMORY_FILESYSTEMS = frozenset({"tmpfs", "ramfs"})
#: Free space kept beside a round's outputs, as a multiple of the previous round's.
ROOM_FACTOR = 2


def keeps_earlier_round(work: Path, filesystem: str, previous: tuple[Path, Path]) -> bool:
    """Whether the ``previous`` round's outputs stay while the next round runs: not on a
    filesystem in memory, nor where there is no room for them (:func:`room_for_round`)."""
    return filesystem not in MEMORY_FILESYSTEMS and room_for_round(work, previous)


def room_for_round(work: Path, previous: tuple[Path, Path]) -> bool:
    """Whether the work folder's filesystem has room for another round beside the
    ``previous`` round's outputs (:data:`ROOM_FACTOR` times their size)."""
    return shutil.disk_usage(work).free >= ROOM_FACTOR * disk_bytes(*previous)


#: Prints the bytes the files and folders under its arguments take on disk, each inode once.
DISK_BYTES = """
import os, sys
seen, total, stack = set(), 0, list(sys.argv[1:])
while stack:
    try:
        entries = list(os.scandir(stack.pop()))
    except OSError:  # removed meanwhile, or unreadable: nothing of it to count
        continue
    for entry in entries:
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        folder = entry.is_dir(follow_symlinks=False)
        if info.st_nlink > 1 and not folder:
            if (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
        total += info.st_blocks * 512
        if folder:
            stack.append(entry.path)
print(total)
"""


def disk_bytes(*folders: Path) -> int:
    """The bytes the files under ``folders`` take on disk, a file linked many times once
    (the folders below them too). Counted by a child process: the kit's own peak memory
    must stay small, since a child it starts reports at least the kit's peak RSS as its
    own (``vfork``, then ``exec``; a set of 200,000 inodes here made every later step
    report 148 MB)."""
    counted = subprocess.run([sys.executable, "-c", DISK_BYTES,
                              *(str(folder) for folder in folders if folder.is_dir())],
                             capture_output=True, text=True, check=True)
    return int(counted.stdout)


#: Below this many documents the kit says that its ratios measure the steps' start-up
#: (QA s102: 503 documents gave validate / hashlib 11.1 and incremental / cold 0.97).
SMALL_CORPUS = 10_000


def small_corpus_note(documents: int) -> str:
    """What the kit says of a corpus of fewer than :data:`SMALL_CORPUS` documents."""
    return (f"note: {documents:,} documents: each step's fixed start-up (Python and its "
            "imports, a worker pool; 0.1-0.8 s on 2 cores, where the bare hashing pass "
            "starts in under 0.1 s) is a large share of steps this short, so the ratios "
            "measure it more than the work per document; the targets are set for 100,000 "
            "documents of about 2 KB")


#: What the kit says, last, where a round's releases do not pass validate.
OUTPUTS_INVALID = ("run_benchmarks: the builds' releases are not valid (corpuskit validate's "
                   "problems above; in the JSON as output_problems): the times and ratios "
                   "are of builds whose output is wrong, and the run exits 1")


def check_outputs(corpuskit: list[str], dist: Path, env: dict[str, str], number: int = 1
                  ) -> tuple[bool, str]:
    """Whether every release round ``number`` built into ``dist``, folders and zips, passes
    a full ``corpuskit validate``, and what to print of it (not timed: a fast build of a
    wrong archive is no result, and the timed validate reads the cold build's folder only).
    Every round's are checked, before they are removed (QA: only the last round's were)."""
    if not dist.is_dir():
        return False, f"outputs: round {number}: no releases in {dist} to check"
    started = time.perf_counter()
    checked = subprocess.run([*corpuskit, "validate", str(dist)], env=env,
                             capture_output=True, text=True, check=False)
    if checked.returncode != 0:
        return False, (f"outputs: round {number}: corpuskit validate {dist} found problems:\n"
                       f"{checked.stdout}{checked.stderr}")
    targets = sum(1 for path in dist.iterdir() if not path.name.startswith("."))
    return True, (f"outputs: round {number}: the {targets} releases (folders and zips) are "
                  f"valid (corpuskit validate, {time.perf_counter() - started:.1f} s, "
                  "not timed)")


#: The ratios printed: label, numerator step, denominator step.
RATIOS = (
    ("build_cold / floor (target <= 4)", "build_cold", "floor"),
    ("build_incremental / build_cold (target < 0.10)", "build_incremental", "build_cold"),
    ("frictionless / validate (target >= 4)", "frictionless", "validate"),
    ("validate / hashlib (target <= 3)", "validate", "hashlib"),
)


def _round(number: int, py: str, corpuskit: list[str], frictionless: str | None,
           seeds: Path, dist: Path, cache: Path, env: dict[str, str], jobs: list[str],
           seed: str, max_file_bytes: int,
           copy_of: Path | None = None
           ) -> tuple[list[Measure], tuple[float, float], NewData | None]:
    """One round of every step, in order; the file-creation probe before its cold build,
    the new-data probe before its incremental build.

    A round's cold build starts from an empty output folder and cache (``dist`` and
    ``cache``, new: :func:`round_outputs`); its incremental build changes one more document
    and builds the next patch version, so each round times the same steps on a corpus of
    the same size. ``copy_of`` is the folder of texts ``seeds`` copies, if any, which the
    change's messages name (the copy is deleted when the kit ends). ``frictionless``: the
    program timed, None for no frictionless step (skipped, or not found)."""
    results: list[Measure] = []
    results.append(run("floor", [py, str(HERE / "floor_baseline.py"), str(seeds),
                                 str(WORK[0] / "floor.jsonl"), "--files",
                                 str(WORK[0] / DOCUMENT_LIST)]))
    probe = probe_file_creation(WORK[0] / ("file-create-probe" if number == 0
                                           else f"file-create-probe-{number + 1}"))
    results.append(run("build_cold", [*corpuskit, "build", str(seeds), "--out", str(dist),
                                      "--cache", str(cache), *jobs], env))
    if results[-1].exit_code != 0 or not dist.is_dir():
        print("build_cold failed; see its output above", file=sys.stderr)
        return results, probe, None
    packages = sorted(p for p in dist.iterdir() if p.is_dir() and not p.name.startswith("."))
    package = packages[-1]
    results.append(run("validate", [*corpuskit, "validate", str(package)], env))
    results.append(run("hashlib", [py, "-c", HASH_PASS, str(package)]))
    if frictionless is not None:  # None: skipped, or not found
        results.append(run("frictionless", [frictionless, "validate",
                                            str(package / "datapackage.json")]))
    started = time.perf_counter()
    changed = helper([py, str(HERE / "generate_corpus.py"), str(seeds), "--change-one",
                      "--files", str(WORK[0] / DOCUMENT_LIST), "--seed", seed,
                      "--max-file-bytes", str(max_file_bytes),
                      *(["--copy-of", str(copy_of)] if copy_of else [])], check=False)
    if changed.returncode != 0:
        # The kit's own edit failed, not the corpus: said so, and shown as a step that
        # failed (no incremental figure, the run exits 1), not as a traceback.
        print("change_one: the kit's change of one document (generate_corpus.py "
              "--change-one, above) failed, not the corpus; build_incremental not timed",
              file=sys.stderr)
        results.append(Measure("change_one", time.perf_counter() - started, 0.0,
                               changed.returncode))
        return results, probe, None
    bump_patch(seeds / "corpus.toml")
    wall, system = probe_new_data(WORK[0] / ("new-data-probe" if number == 0
                                             else f"new-data-probe-{number + 1}"))
    results.append(run("build_incremental", [*corpuskit, "build", str(seeds), "--out",
                                             str(dist), "--cache", str(cache), *jobs], env))
    added = new_release(dist, package)
    written = None
    if results[-1].exit_code == 0 and added is not None:
        written = new_file_bytes(added)
    return results, probe, NewData(wall, system, written)


def new_release(dist: Path, before: Path) -> Path | None:
    """The release folder that the incremental build added to ``dist`` beside the cold
    build's ``before``, or None. (The last by name was taken: 1.0.10 sorts before 1.0.9,
    1.0.0 before 1.0.0-rc.1, and the build's bytes written went unreported, QA.)"""
    added = [path for path in dist.iterdir() if path.is_dir()
             and not path.name.startswith(".") and path != before]
    return added[0] if len(added) == 1 else None


def cli() -> int:
    """:func:`main`, whose Ctrl-C, SIGTERM or SIGHUP is said in one line, its exit status
    130, or 128 plus the signal's number (QA s96 kit 4: Ctrl-C gave a traceback); what
    :func:`main` does on the way out (the step running ended, a temporary work folder
    removed) is done first."""
    try:
        return main()
    except KeyboardInterrupt:
        print("run_benchmarks: interrupted; nothing more timed", file=sys.stderr)
        return 130
    except Ended as ended:
        print(f"run_benchmarks: ended by {signal.Signals(ended.signum).name}; nothing more "
              "timed", file=sys.stderr)
        return 128 + ended.signum


if __name__ == "__main__":
    sys.exit(cli())
