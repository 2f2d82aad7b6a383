"""The CLI's output on streams that are not a UTF-8 terminal: a Latin-1 locale (diff
crashed with UnicodeEncodeError on a curly quote) and a pipe its reader closed (exit 1,
"problems found", with nothing said)."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest
from conftest import make_seeds

from corpuskit.build import build
from corpuskit.export import export

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("streams")
    releases = []
    for name, text in (("old", "It’s a test.\n"), ("new", "It’s a test — 中文 too.\n")):
        seeds = make_seeds(root / name, {"a.txt": text})
        releases.append(build(seeds, root / name / "dist", jobs=1).release)
    return releases[0], releases[1]


def _corpuskit(*args: str | Path, env: dict[str, str] | None = None,
               **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "corpuskit", *map(str, args)],
                          env={**os.environ, **(env or {})}, check=False, **kwargs)


def test_a_latin1_stdout_gets_escapes_not_a_crash(two_releases: tuple[Path, Path]) -> None:
    old, new = two_releases
    latin1 = {"PYTHONIOENCODING": "latin-1"}
    done = _corpuskit("diff", "--text", old, new, env=latin1, capture_output=True)
    assert done.returncode == 0, done.stderr.decode("latin-1")
    assert b"Traceback" not in done.stderr
    assert b"It\\u2019s a test \\u2014 \\u4e2d\\u6587 too." in done.stdout
    as_json = _corpuskit("diff", "--json", old, new, env=latin1, capture_output=True)
    in_utf8 = _corpuskit("diff", "--json", old, new, env={"PYTHONIOENCODING": "utf-8"},
                         capture_output=True)
    assert as_json.returncode == in_utf8.returncode == 0
    assert as_json.stdout.isascii()  # \u escapes: the same JSON document
    assert json.loads(as_json.stdout) == json.loads(in_utf8.stdout.decode("utf-8"))


def test_a_stdout_its_reader_closed_ends_quietly_with_141(
        two_releases: tuple[Path, Path]) -> None:
    old, new = two_releases
    read_end, write_end = os.pipe()
    os.close(read_end)  # as `| head -1` does once it has its line
    try:
        done = _corpuskit("diff", "--text", old, new, stdout=write_end, stderr=subprocess.PIPE)
    finally:
        os.close(write_end)
    assert done.returncode == 141  # 128 + SIGPIPE, as a process a broken pipe ends
    assert done.stderr == b""


@pytest.mark.parametrize("streams", ["stderr", "stdout and stderr"])
def test_a_stderr_its_reader_closed_ends_with_141_not_120(
        streams: str, two_releases: tuple[Path, Path], tmp_path: Path) -> None:
    """``corpuskit build 2>&1 | head -0`` exited 120 (QA): the message to stderr failed,
    and so did the interpreter's last flush of what it left in the buffer. A build that
    did its work ends as one a broken pipe ends; one that failed keeps its 1."""
    old, _ = two_releases
    seeds = old.parent.parent / "seeds"  # the seeds folder the release was built from
    for args, status in ((["build", seeds, "--out", old.parent, "--no-cache"], 141),
                         (["build", make_seeds(tmp_path, {"a.txt": ""}), "--out",
                           tmp_path / "dist", "--no-cache"], 1)):
        read_end, write_end = os.pipe()
        os.close(read_end)  # as `| head -0` does
        try:
            done = _corpuskit(*args, stdout=write_end if streams != "stderr"
                              else subprocess.DEVNULL, stderr=write_end)
        finally:
            os.close(write_end)
        assert done.returncode == status, args


@pytest.mark.parametrize("command", ["validate", "build"])
def test_machine_output_is_written_whole_when_stderrs_reader_went_away(
        command: str, tmp_path: Path) -> None:
    """``validate seeds --json 2>&1 >report.json | head -1`` left report.json empty (QA):
    the note of a skipped hidden file met the closed pipe and ended the command before its
    report. The messages are lost, the work and stdout's JSON are not; the status is 141."""
    seeds = make_seeds(tmp_path / "c", {"a.txt": "Title\n\nSome body text here.\n",
                                        ".hidden.txt": "not a document\n"})
    args = (["validate", seeds, "--json"] if command == "validate"
            else ["build", seeds, "--out", tmp_path / "dist", "--no-cache", "--json"])
    read_end, write_end = os.pipe()
    os.close(read_end)  # as `2>&1 >file | head -1` leaves it once head has its line
    try:
        done = _corpuskit(*args, stdout=subprocess.PIPE, stderr=write_end)
    finally:
        os.close(write_end)
    assert done.returncode == 141
    report = json.loads(done.stdout)
    if command == "validate":
        assert report["valid"] is True and report["counts"]["documents"] == 1
    else:
        assert (tmp_path / "dist" / report["release"]).is_dir(), report


@pytest.mark.parametrize(("args", "status"), [
    (["--help"], 141), (["--version"], 141), (["validate", "--help"], 141),
    (["validate", "no-such-path"], 2), (["no-such-command"], 2)])
def test_click_s_own_output_to_a_closed_pipe_keeps_its_status(
        args: list[str], status: int) -> None:
    """Help and version to a reader gone exited 1, and a usage error whose stderr's
    reader went away 120 (QA): 141 as for any output, and 2 for a usage error."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = _corpuskit(*args, stdout=write_end, stderr=write_end)
    finally:
        os.close(write_end)
    assert done.returncode == status, args


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full to fill")
@pytest.mark.parametrize("args", [["--help"], ["--version"], ["build", "--help"],
                                  ["validate", "-h"]])
def test_click_s_own_output_to_a_full_disk_is_said_not_a_traceback(args: list[str]) -> None:
    """``corpuskit --version >/dev/full`` ended in a traceback and 120 (QA): said as any
    command's output that cannot be written, with 1."""
    with open("/dev/full", "wb") as full:
        done = _corpuskit(*args, stdout=full, stderr=subprocess.PIPE)
    assert done.returncode == 1, done.stderr
    assert done.stderr.decode() == ("corpuskit: error: cannot write to standard output: "
                                    "No space left on device\n")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full to fill")
def test_a_failure_s_json_lost_to_a_full_disk_keeps_the_problems_on_stderr(
        tmp_path: Path) -> None:
    """``build --json >/dev/full`` of seeds with problems said only that stdout could not be
    written: the problems that failed the build were lost (QA). Both are said, exit 1."""
    seeds = make_seeds(tmp_path, {"a.txt": "A title\n\nSome text of the body.\n"})
    (seeds / "corpus.toml").write_text('name = "x"\n', "utf-8")
    with open("/dev/full", "wb") as full:
        done = _corpuskit("build", str(seeds), "--out", str(tmp_path / "dist"), "--json",
                          stdout=full, stderr=subprocess.PIPE)
    err = done.stderr.decode()
    assert done.returncode == 1, err
    assert err.startswith("corpuskit: error: cannot write to standard output: No space left "
                          "on device\n"), err
    assert "corpus.toml:title: 'title' is missing" in err and "problems in" in err, err


@pytest.mark.parametrize("args", [
    ["validate", "--json", "{release}"], ["info", "--json", "{release}"],
    ["diff", "--json", "{release}", "{release}"]])
def test_machine_output_with_stdout_closed_is_an_error_not_silence(
        args: list[str], two_releases: tuple[Path, Path]) -> None:
    """``validate --json dist >&-`` exited 0 with its JSON lost and nothing said (QA),
    where ``export --out - >&-`` says it cannot write."""
    release = str(two_releases[0])
    done = subprocess.run(["sh", "-c", 'exec "$0" "$@" >&-', sys.executable, "-m",
                           "corpuskit", *(arg.format(release=release) for arg in args)],
                          stderr=subprocess.PIPE, check=False)
    assert done.returncode == 1, done.stderr
    assert b"cannot write to standard output: there is none (it was closed)" in done.stderr


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["build", "-h"]])
def test_help_or_version_with_stdout_closed_is_an_error_not_silence(args: list[str]) -> None:
    """``corpuskit --version >&-`` exited 0 and said nothing (QA), as every command's
    output to a closed standard output is said; with one open, they print."""
    done = subprocess.run(["sh", "-c", 'exec "$0" "$@" >&-', sys.executable, "-m",
                           "corpuskit", *args], stderr=subprocess.PIPE, check=False,
                          timeout=120)
    assert done.returncode == 1, done.stderr
    assert b"cannot write to standard output: there is none (it was closed)" in done.stderr
    shown = subprocess.run([sys.executable, "-m", "corpuskit", *args], capture_output=True,
                           check=False, timeout=120)
    assert shown.stdout.strip() and (b"version" in shown.stdout or b"Usage" in shown.stdout)


def test_a_target_whose_name_is_not_utf8_is_shown_with_byte_escapes_in_text(
        tmp_path: Path) -> None:
    """The text summary showed a seeds folder named b"s\\xff" as s\\udcff (Python's
    escape of the surrogate os.fsdecode gives it), where the JSON report and build say
    s\\xff (QA)."""
    seeds = make_seeds(tmp_path / os.fsdecode(b"s\xff"),
                       {"a.txt": "A title\n\nSome text of the body.\n"})
    done = subprocess.run([sys.executable, "-m", "corpuskit", "validate", str(seeds)],
                          capture_output=True, text=True, timeout=120, check=False,
                          errors="surrogateescape")
    assert done.returncode == 0, done.stderr
    assert "s\\xff/seeds': valid seeds" in done.stdout and done.stdout.startswith("$'")
    assert "udcff" not in done.stdout


def test_the_library_report_of_a_target_not_utf8_is_the_cli_s(tmp_path: Path) -> None:
    """The README says --format json prints the as_dict() of what corpuskit.validate(path)
    returns; for a folder named in Latin-1 the library kept the lone surrogate in
    ``target`` (caf\\udce9), which json.dumps cannot write as UTF-8, where the CLI says
    caf\\xe9 (QA). Both say the same, encodable as UTF-8."""
    from corpuskit.validation import validate, validate_all

    seeds = make_seeds(tmp_path / os.fsdecode(b"caf\xe9"),
                       {"a.txt": "A title\n\nSome text of the body.\n", "empty.txt": ""})
    done = subprocess.run([sys.executable, "-m", "corpuskit", "validate", "--json", "-j1",
                           str(seeds)], capture_output=True, timeout=120, check=False)
    assert done.returncode == 1, done.stderr
    printed = json.loads(done.stdout)
    report = validate(seeds, jobs=1).as_dict()
    assert report == printed and report["target"].endswith("caf\\xe9/seeds")
    json.dumps(report, ensure_ascii=False).encode("utf-8")  # no lone surrogate
    several = validate_all([seeds, seeds / "a.txt"], jobs=1).as_dict()
    assert several["reports"][0] == printed
    json.dumps(several, ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize("unbuffered", ["1", ""])
def test_a_reader_that_closes_early_is_seen_whatever_the_buffering(
        tmp_path_factory: pytest.TempPathFactory, unbuffered: str) -> None:
    """With PYTHONUNBUFFERED=1 (as many containers set) stdout was a raw FileIO whose short
    write, once the reader closed, was dropped without a word: export exited 0 and said it
    wrote 2 MB of which the pipe took 64 KB."""
    root = tmp_path_factory.mktemp("early")
    body = ("lorem ipsum dolor sit amet " * 40 + "\n\n") * 2000
    release = build(make_seeds(root, {"big.txt": "Big\n\n" + body}), root / "dist",
                    jobs=1).release
    env = {**os.environ, "PYTHONUNBUFFERED": unbuffered}
    export = subprocess.Popen([sys.executable, "-m", "corpuskit", "export", str(release),
                               "--format", "csv", "--out", "-"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert export.stdout is not None and export.stderr is not None
    assert len(export.stdout.read(10)) == 10
    export.stdout.close()  # as `| head -c 10` does
    err = export.stderr.read()
    assert export.wait(timeout=120) == 141, err
    assert b"wrote" not in err and b"Traceback" not in err


def test_an_ascii_stdout_gets_escapes_not_utf8(two_releases: tuple[Path, Path]) -> None:
    """click takes an ASCII stream for a misconfigured UTF-8 one and wrote UTF-8 bytes to
    it; the README says the characters a stream lacks are written as escapes."""
    old, new = two_releases
    done = _corpuskit("diff", "--text", old, new, env={"PYTHONIOENCODING": "ascii"},
                      capture_output=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.isascii(), done.stdout
    assert b"It\\u2019s a test \\u2014 \\u4e2d\\u6587 too." in done.stdout


def test_an_ascii_stdout_shows_a_latin_1_letter_unlike_a_byte_that_is_no_utf8(
        tmp_path: Path) -> None:
    """``ü`` was written ``\\xfc``, as corpuskit writes a byte of a name that is no UTF-8."""
    seeds = make_seeds(tmp_path, {"\u00fc.txt": "", os.fsdecode(b"\xfc2.txt"): "x"})
    done = _corpuskit("validate", seeds, env={"PYTHONIOENCODING": "ascii"},
                      capture_output=True)
    assert done.returncode == 1
    assert b"/\\u00fc.txt: the file is empty" in done.stdout, done.stdout
    assert b"/\\xfc2.txt: the name is not valid UTF-8" in done.stdout, done.stdout


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_build_draws_progress_on_a_terminal_only(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """DESIGN: progress bars appear on long work in a terminal and stay out of pipes and
    CI logs; there were none. A build tells its progress in documents, and the CLI draws
    it on standard error when that is a terminal, and draws nothing otherwise."""
    from corpuskit.progress import terminal_progress

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(REPO / "seeds" / "corpus.toml", seeds)
    for index in range(1200):  # three shards
        (seeds / f"d{index:04d}.txt").write_text(f"Title {index}\n\nText number {index}.\n")
    told: list[tuple[int, int]] = []
    build(seeds, tmp_path / "a", jobs=1, cache=None, progress=lambda *at: told.append(at))
    assert told[-1] == (1200, 1200) and len(told) == 3
    assert all(a[0] < b[0] for a, b in pairwise(told)) and {t for _, t in told} == {1200}
    piped = io.StringIO()
    monkeypatch.setattr(sys, "stderr", piped)
    with terminal_progress("building") as progress:
        assert progress is None
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setenv("TERM", "xterm-256color")
    with terminal_progress("building") as progress:
        assert progress is not None
        progress(600, 1200)
        progress(1200, 1200)
    assert "building" in terminal.getvalue() and "1200/1200" in terminal.getvalue()
    monkeypatch.setenv("TERM", "dumb")  # a terminal that moves no cursor (QA)
    with terminal_progress("building") as progress:
        assert progress is None


@pytest.mark.parametrize(("columns", "fits"), [(12, False), (20, False), (30, False),
                                               (40, False), (41, True), (60, True),
                                               (200, True)])
def test_a_progress_bar_fits_on_one_line_of_the_terminal(
        monkeypatch: pytest.MonkeyPatch, columns: int, fits: bool) -> None:
    """The bar was 36 wide whatever the terminal: on a narrow one each redraw wrapped
    (QA). It is as wide as leaves room for its label and figures, at most 36; where a bar
    of one does not fit, none is drawn, nor the time left or the label where they do not
    fit: click drew an empty [] and the time left beyond the line (QA: newb 10)."""
    import itertools
    import time

    import click

    from corpuskit.progress import BAR_WIDTH, bar_width, terminal_progress

    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setenv("TERM", "xterm-256color")
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    width = bar_width("building", 1200)
    assert width == (0 if not fits else min(BAR_WIDTH, columns - 8 - 8 - 24))
    clock = itertools.count(1_000_000_000, 7)  # 7 s a reading: click shows the time left
    with terminal_progress("building") as progress, monkeypatch.context() as patched:
        assert progress is not None
        patched.setattr(time, "time", lambda: float(next(clock)))
        for done in (300, 600, 900):
            progress(done, 1200)
    drawn = [click.unstyle(line).rstrip() for line in terminal.getvalue().split("\r")
             if "900" in line]
    assert drawn and all(len(line) <= columns for line in drawn), drawn
    assert all(("[" in line) == fits for line in drawn), drawn
    if columns >= 8 + 2 + 9 + 2 + 11:  # room for the label, figures and time left
        assert all(line.startswith("building  ") and ":" in line for line in drawn), drawn


def _stderr_on_a_terminal(*args: str | Path) -> tuple[int, str]:
    """The exit status of ``corpuskit ARGS`` run with its stderr a pseudo-terminal (stdout
    the null device), and what it wrote there."""
    import pty

    leader, follower = pty.openpty()
    try:
        done = _corpuskit(*args, env={"TERM": "xterm-256color", "COLUMNS": "100"},
                          stdout=subprocess.DEVNULL, stderr=follower)
    finally:
        os.close(follower)
    written = b""
    try:
        while chunk := os.read(leader, 65536):
            written += chunk
    except OSError:  # EIO: the terminal has no writer left
        pass
    finally:
        os.close(leader)
    return done.returncode, written.decode("utf-8", "replace")


def test_release_and_check_draw_the_bar_of_the_build_they_run(tmp_path: Path) -> None:
    """release runs the same build as build, and check a fresh one, but only build drew its
    bar: a cold release said nothing until it ended (QA: docs 1). Each draws it on a
    terminal, and nothing into a pipe."""
    seeds = make_seeds(tmp_path, {f"d{index}.txt": f"Title {index}\n\nText number {index}.\n"
                                  for index in range(5)})
    dist = tmp_path / "dist"
    status, said = _stderr_on_a_terminal("release", "--seeds", seeds, "--out", dist, "-j", "1",
                                         "--no-cache")
    assert status == 0 and "building" in said and "5/5" in said, said
    status, said = _stderr_on_a_terminal("check", "--seeds", seeds, "--dist", dist, "-j", "1")
    assert status == 0 and "building" in said and "5/5" in said, said
    piped = _corpuskit("check", "--seeds", seeds, "--dist", dist, "-j", "1",
                       capture_output=True)
    assert piped.returncode == 0 and b"building" not in piped.stderr, piped.stderr
    (seeds / "d5.txt").write_text("Title 5\n\nText number 5.\n")
    piped = _corpuskit("release", "--seeds", seeds, "--out", dist, "-j", "1", "--no-cache",
                       capture_output=True)
    assert piped.returncode == 0 and b"building" not in piped.stderr, piped.stderr


#: Documents of the package the progress tests below count: three batches of 64 and a part.
_COUNTED = 150


@pytest.fixture(scope="module")
def counted_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release of :data:`_COUNTED` documents (its folder; its zip beside it)."""
    root = tmp_path_factory.mktemp("counted")
    seeds = make_seeds(root, {f"d{index:03d}.txt": f"Title {index}\n\nText number {index}.\n"
                              for index in range(_COUNTED)})
    return build(seeds, root / "dist", jobs=1, cache=None).release


class _Told(list[tuple[int, int]]):
    """A progress callback that keeps each ``(done, total)`` it is told."""

    def __call__(self, done: int, total: int) -> None:
        self.append((done, total))


def _increasing_to_the_end(told: list[tuple[int, int]], count: int) -> bool:
    """Whether ``told`` counts up, each ``done`` above the last and within its total, to
    ``(count, count)``."""
    return (bool(told) and told[-1] == (count, count)
            and all(a[0] < b[0] for a, b in pairwise(told))
            and all(0 <= done <= total for done, total in told))


@pytest.mark.parametrize("jobs", [1, 2])
def test_validate_reproduce_tells_its_progress_in_records(counted_release: Path,
                                                          jobs: int) -> None:
    """``validate --reproduce`` re-derives every record, as slow as a cold build, and drew
    no bar (QA). The library tells a ``progress`` the records done, for a folder and a
    zip, with one job or workers; the report is the same with it or without it."""
    from corpuskit.validation import validate, validate_all

    for target in (counted_release, counted_release.with_name(f"{counted_release.name}.zip")):
        told = _Told()
        report = validate(target, reproduce=True, jobs=jobs, progress=told)
        assert report.valid, report.problems
        assert _increasing_to_the_end(told, _COUNTED), told
        assert len(told) >= 3 and {total for _, total in told} == {_COUNTED}, told
        assert report.as_dict() == validate(target, reproduce=True, jobs=jobs).as_dict()
    told = _Told()  # several targets: each one's count starts again
    validate_all([counted_release.parent], reproduce=True, jobs=jobs, progress=told)
    ends = [index for index, at in enumerate(told) if at == (_COUNTED, _COUNTED)]
    assert len(ends) == 2 and told[0][0] == told[ends[0] + 1][0] == 0, told
    assert _increasing_to_the_end(told[ends[0] + 1:], _COUNTED), told
    told = _Told()  # only --reproduce is told
    validate(counted_release, jobs=jobs, progress=told)
    assert told == []
    with pytest.raises(TypeError, match="progress must be called"):
        validate(counted_release, reproduce=True, progress=3)  # type: ignore[arg-type]


class _CallerBug(Exception):
    """What a caller's own progress callback raises."""


@pytest.mark.parametrize("jobs", [1, 2])
def test_what_the_callers_progress_raises_is_raised_not_reported(counted_release: Path,
                                                                  jobs: int) -> None:
    """An exception of the caller's ``progress`` is the caller's bug: validate raises it, as
    build and diff do, where it was the package's ``internal-error``, "please report this
    as a bug" (QA s95). The very exception, from the folder, the zip and validate_all, and
    no worker is left behind."""
    import multiprocessing

    from corpuskit.validation import validate, validate_all

    def failing(done: int, total: int) -> None:
        if done:
            raise _CallerBug(f"{done} of {total}")

    archive = counted_release.with_name(f"{counted_release.name}.zip")
    for target in (counted_release, archive):
        with pytest.raises(_CallerBug) as raised:
            validate(target, reproduce=True, jobs=jobs, progress=failing)
        assert raised.value.__cause__ is None and not raised.value.__suppress_context__
    with pytest.raises(_CallerBug):
        validate_all([counted_release.parent], reproduce=True, jobs=jobs, progress=failing)
    assert multiprocessing.active_children() == []
    assert validate(counted_release, reproduce=True, jobs=jobs, progress=_Told()).valid


def test_validate_reproduce_draws_a_bar_per_target_on_a_terminal_only(
        counted_release: Path) -> None:
    """The CLI draws the records re-derived on a terminal, a bar of its own for each
    target (the folder, then the zip), and nothing into a pipe."""
    archive = counted_release.with_name(f"{counted_release.name}.zip")
    status, said = _stderr_on_a_terminal("validate", "--reproduce", "-j", "1",
                                         counted_release, archive)
    assert status == 0, said
    bars = [line for line in said.split("\r\n") if "reproducing" in line]
    assert len(bars) == 2, said  # each ended on its own line
    assert all(f"{_COUNTED}/{_COUNTED}" in bar.split("\r")[-1] for bar in bars), bars
    piped = _corpuskit("validate", "--reproduce", "-j", "1", counted_release,
                       capture_output=True)
    assert piped.returncode == 0 and piped.stderr == b"", piped.stderr


def test_the_comparison_of_a_release_tells_its_progress_in_documents(
        counted_release: Path, tmp_path: Path) -> None:
    """release's comparison of the seeds with the latest release processes every document
    before it builds, and drew no bar (QA). diff tells a ``progress`` the seeds' documents
    processed (of both sides where both are seeds), and release its ``compare_progress``;
    the diff is the same with it or without it."""
    from corpuskit.diff import diff, diff_against_nothing
    from corpuskit.release import release

    seeds = counted_release.parent.parent / "seeds"
    told = _Told()
    found = diff(counted_release, seeds, progress=told)
    assert found.bump == "none" and found.as_dict() == diff(counted_release, seeds).as_dict()
    assert _increasing_to_the_end(told, _COUNTED) and len(told) >= 3, told
    assert {total for _, total in told} == {_COUNTED}, told
    told = _Told()
    assert len(diff_against_nothing(seeds, progress=told).added) == _COUNTED
    assert _increasing_to_the_end(told, _COUNTED), told
    told = _Told()
    diff(seeds, seeds, progress=told)
    assert _increasing_to_the_end(told, 2 * _COUNTED), told
    told = _Told()  # packages on both sides: read, not processed
    diff(counted_release, counted_release, progress=told)
    assert told == []
    more = shutil.copytree(seeds, tmp_path / "seeds")
    (more / "e.txt").write_text("Another\n\nOne more document.\n", "utf-8")
    told, built = _Told(), _Told()
    result = release(more, counted_release.parent, dry_run=True, compare_progress=told,
                     progress=built)
    assert result.version == "1.1.0" and built == [], built  # a dry run builds nothing
    assert _increasing_to_the_end(told, _COUNTED + 1), told
    with pytest.raises(TypeError, match="progress must be called"):
        diff(counted_release, seeds, progress=3)  # type: ignore[arg-type]


def test_release_draws_its_comparison_then_its_build_on_a_terminal_only(
        counted_release: Path, tmp_path: Path) -> None:
    """On a terminal a release draws the bar of its comparison, ``comparing``, then that
    of its build, each on a line of its own; into a pipe, neither."""
    seeds = shutil.copytree(counted_release.parent.parent / "seeds", tmp_path / "seeds")
    dist = tmp_path / "dist"
    status, said = _stderr_on_a_terminal("release", "--seeds", seeds, "--out", dist, "-j", "1",
                                         "--no-cache")
    assert status == 0, said
    lines = [line.split("\r")[-1] for line in said.split("\r\n")]
    bars = [line for line in lines if "comparing" in line or "building" in line]
    assert len(bars) == 2 and "comparing" in bars[0] and "building" in bars[1], said
    assert all(f"{_COUNTED}/{_COUNTED}" in bar for bar in bars), bars
    (seeds / "e.txt").write_text("Another\n\nOne more document.\n", "utf-8")
    piped = _corpuskit("release", "--seeds", seeds, "--out", dist, "-j", "1", "--no-cache",
                       capture_output=True)
    assert piped.returncode == 0, piped.stderr
    assert b"comparing" not in piped.stderr and b"building" not in piped.stderr, piped.stderr


def test_a_bar_whose_total_changes_last_is_drawn_at_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """validate --reproduce of a package with a record short ends its count at (299, 299)
    after (299, 300): the bar's last frame stayed 299/300, as if cut short (QA: newb 9)."""
    import click

    from corpuskit.progress import terminal_progress

    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("TERM", "xterm-256color")
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with terminal_progress("reproducing") as progress:
        assert progress is not None
        progress(150, 300)
        progress(299, 300)
        progress(299, 299)
    frames = [click.unstyle(frame).strip() for frame in terminal.getvalue().split("\r")]
    drawn = [frame for frame in frames if frame.startswith("reproducing")]
    assert drawn[-1].endswith("299/299"), drawn
    assert "#-" not in drawn[-1], drawn  # the bar drawn full, not one short


_STDERR_CLOSED = 'exec "$0" "$@" 2>&-'


@pytest.mark.parametrize("args", [
    ["validate", "{release}"], ["validate", "{release}.zip"],
    ["export", "{release}", "--format", "csv", "--out", "{out}"],
    ["export", "{release}.zip", "--format", "dolma", "--out", "{out}"],
    ["info", "{release}.zip"]])
def test_a_command_started_with_stderr_closed_reads_a_package_as_with_one(
        args: list[str], tmp_path: Path) -> None:
    """With standard error closed (``2>&-``) the first file opened takes its descriptor,
    2, and the child that compares data/documents.parquet pointed 2 at the null device
    to quiet it: the release failed validation, "pyarrow aborted (exit status 1)" for a
    folder, "cannot be read: Bad file descriptor" for its zip, and export refused it
    (QA s87)."""
    pytest.importorskip("pyarrow")
    from conftest import SEED_RELEASE

    given = [arg.format(release=SEED_RELEASE, out=tmp_path / "export") for arg in args]
    done = subprocess.run(["sh", "-c", _STDERR_CLOSED, sys.executable, "-m", "corpuskit",
                           *given], stdout=subprocess.PIPE, check=False, timeout=300)
    assert done.returncode == 0, done.stdout
    if args[0] == "export":
        assert (tmp_path / "export").stat().st_size > 0


def test_load_in_a_process_started_with_stderr_closed_verifies_a_package(
        tmp_path: Path) -> None:
    """The library's load, in a program started with ``2>&-``: the same descriptor 2 (QA
    s87: PackageIntegrityError for an intact release with Parquet)."""
    pytest.importorskip("pyarrow")
    from conftest import SEED_RELEASE

    program = ("import sys, corpuskit\n"
               "for path in sys.argv[1:]:\n"
               "    with corpuskit.load(path) as corpus:\n"
               "        print(len(list(corpus)))\n")
    done = subprocess.run(["sh", "-c", _STDERR_CLOSED, sys.executable, "-c", program,
                           str(SEED_RELEASE), f"{SEED_RELEASE}.zip"],
                          stdout=subprocess.PIPE, check=False, timeout=300)
    assert done.returncode == 0, done.stdout
    assert done.stdout.split() == [b"1", b"1"]


@pytest.fixture(scope="module")
def large_releases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two releases whose export, and diff --text, are far larger than a pipe holds (64
    KiB): every paragraph differs."""
    releases = []
    for name in ("old", "new"):
        root = tmp_path_factory.mktemp(name)
        body = "\n\n".join(f"Paragraph {n} of the {name} text, with words to fill a pipe."
                           for n in range(6000))
        seeds = make_seeds(root, {"a.txt": f"A long text\n\n{body}\n"})
        releases.append(build(seeds, root / "dist", jobs=1).release)
    return releases[0], releases[1]


def _read_slowly(args: list[str], *, program: list[str] | None = None,
                 env: dict[str, str] | None = None) -> tuple[int, bytes, bytes]:
    """Run the CLI with ``args`` (or ``program``), its standard output a pipe whose writing
    end is non-blocking (as a parent such as ssh or Node.js leaves it), read after a
    pause."""
    import fcntl
    import time

    read_end, write_end = os.pipe()
    flags = fcntl.fcntl(write_end, fcntl.F_GETFL)
    fcntl.fcntl(write_end, fcntl.F_SETFL, flags | os.O_NONBLOCK)
    with subprocess.Popen(program or [sys.executable, "-m", "corpuskit", *args],
                          stdout=write_end, env=env,
                          stderr=subprocess.PIPE) as running:
        os.close(write_end)
        time.sleep(1.0)  # the pipe fills: each write then finds it full
        with os.fdopen(read_end, "rb") as reader:
            out = reader.read()
        err = running.stderr.read() if running.stderr else b""
    return running.returncode, out, err


@pytest.mark.skipif(sys.platform == "win32", reason="fcntl")
@pytest.mark.parametrize("command", ["export", "diff"])
def test_a_non_blocking_stdout_gets_every_byte(
        command: str, large_releases: tuple[Path, Path], tmp_path: Path) -> None:
    """With standard output a non-blocking pipe that its reader empties slowly, the write
    that found it full failed: "cannot write the export to standard output: write could
    not complete without blocking", exit 1, the export cut short (QA s87); the same for
    diff --text. Each write waits until the pipe takes it, as with a blocking one."""
    if command == "export":
        args = ["export", f"{large_releases[0]}.zip", "--format", "csv"]
        expected = _corpuskit(*args, "--out", tmp_path / "a.csv")
        assert expected.returncode == 0
        whole = (tmp_path / "a.csv").read_bytes()
        args += ["--out", "-"]
    else:
        args = ["diff", "--text", *map(str, large_releases)]
        whole = subprocess.run([sys.executable, "-m", "corpuskit", *args],
                               capture_output=True, check=True).stdout
    assert len(whole) > 200_000
    code, out, err = _read_slowly(args)
    assert code == 0, err
    assert out == whole


@pytest.mark.skipif(sys.platform == "win32", reason="fcntl")
@pytest.mark.parametrize("unbuffered", [False, True])
def test_the_librarys_export_to_a_non_blocking_stdout_gets_every_byte(
        unbuffered: bool, large_releases: tuple[Path, Path], tmp_path: Path) -> None:
    """``corpuskit.export.export(package, "csv", "-")`` in a program whose standard output
    is such a pipe: the write that found it full raised OutputError, "write could not
    complete without blocking" (QA s87); with ``python -u`` (or PYTHONUNBUFFERED=1, as
    container images set) the raw stream took none of a write, or part of it, and the
    rest was lost without a word: 65,536 bytes of 9,692,871, exit 0, the result saying
    all were written. It waits, and writes every byte."""
    package = f"{large_releases[0]}.zip"
    whole = tmp_path / "a.csv"
    export(package, "csv", whole)
    code = ("import sys\nfrom corpuskit.export import export\n"
            "export(sys.argv[1], 'csv', '-')\nsys.stdout.flush()\n")
    program = [sys.executable, *(["-u"] if unbuffered else []), "-c", code, package]
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    done, out, err = _read_slowly([], program=program, env=env)
    assert done == 0, err
    assert out == whole.read_bytes()


def test_a_note_is_shown_on_one_line_with_its_controls_escaped(
        capsys: pytest.CaptureFixture[str]) -> None:
    """Whatever a note holds (a path as the user gave it, written into it as it is), the
    command shows it as errors are shown: its control characters escaped, never sent to
    the terminal, whose title an OSC sequence sets and whose bell a BEL rings."""
    from corpuskit.cli import _say_left_out

    _say_left_out([], ["in o\x07\x1b]0;owned\x07x\nnext"])
    assert capsys.readouterr().err == "note: in o\\x07\\x1b]0;owned\\x07x\\nnext\n"
