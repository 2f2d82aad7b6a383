"""The console script's entry point (``corpuskit.launch``): a Ctrl-C while the CLI's
modules load exits 130 with one line, not Python's KeyboardInterrupt traceback."""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from corpuskit import __version__

REPO = Path(__file__).resolve().parents[1]

#: Runs the entry point in a fresh process that sends itself SIGINT when the import of
#: ``corpuskit.cli`` begins: a real signal, delivered while the CLI's modules load.
INTERRUPTED_IMPORT = """
import os, signal, sys

class InterruptOnCli:
    def find_spec(self, name, path=None, target=None):
        if name == "corpuskit.cli":
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(1000):  # the handler runs between two bytecodes
                pass
        return None

sys.meta_path.insert(0, InterruptOnCli())
sys.argv = ["corpuskit", "--version"]
from corpuskit.launch import main
sys.exit(main())
"""


def _sigint_as_at_a_terminal() -> None:
    """preexec_fn: SIGINT with its default action, even where the suite runs with it
    ignored (started with ``&`` by a shell without job control), which a child inherits."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_an_interrupt_while_the_cli_loads_exits_130_without_a_traceback() -> None:
    done = subprocess.run([sys.executable, "-c", INTERRUPTED_IMPORT], capture_output=True,
                          text=True, timeout=60, check=False,
                          preexec_fn=_sigint_as_at_a_terminal)
    assert done.returncode == 130, done.stderr
    assert done.stderr == "corpuskit: aborted\n"
    assert done.stdout == ""


def test_the_entry_point_runs_the_cli() -> None:
    done = subprocess.run([sys.executable, "-m", "corpuskit", "--version"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert __version__ in done.stdout


#: Runs the launcher with a stand-in for the CLI that imports numpy, as validate and build
#: do, and prints the OpenBLAS setting and the process's threads.
BLAS_PROBE = """
import os, sys
import corpuskit.cli
def probe():
    import numpy
    tasks = len(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else 1
    print(os.environ.get("OPENBLAS_NUM_THREADS"), tasks)
    return 0
corpuskit.cli.main = probe
from corpuskit.launch import main
sys.exit(main())
"""


@pytest.mark.parametrize(("given", "expected"), [(None, "1"), ("3", "3")])
def test_the_command_runs_openblas_on_one_thread(given: str | None, expected: str) -> None:
    """numpy's OpenBLAS started a spinning thread per core in every command that imported
    numpy (about 1% of validate's CPU time); the user's own setting is kept."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "GOTO_NUM_THREADS")}
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    done = subprocess.run([sys.executable, "-c", BLAS_PROBE], capture_output=True, text=True,
                          timeout=60, check=False, env=env)
    assert done.returncode == 0, done.stderr
    setting, threads = done.stdout.split()
    assert setting == expected
    if given is None:
        assert threads == "1"  # numpy imported, no thread of OpenBLAS's own


def test_the_console_script_is_the_launcher() -> None:
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    assert scripts == {"corpuskit": "corpuskit.launch:main"}


def test_an_interrupt_while_the_cli_says_how_it_ended_exits_130(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """cli.main turns an interrupt inside a command into exit 130; one that comes while
    it reports an error (in its own error handlers) reaches the launcher, which ends the
    same way instead of with a traceback."""
    from corpuskit import cli
    from corpuskit.launch import main

    def report(error: object) -> None:
        raise KeyboardInterrupt  # Ctrl-C while the error is being written

    monkeypatch.setattr(cli, "_report_error", report)
    monkeypatch.setattr(sys, "argv", ["corpuskit", "validate", "--fast", str(REPO / "no")])
    monkeypatch.setattr(cli.cli, "main", _raise_corpuskit_error)
    assert main() == 130
    assert capsys.readouterr().err == "corpuskit: aborted\n"


def _raise_corpuskit_error(*args: object, **kwargs: object) -> None:
    from corpuskit.errors import ProblemsFound

    raise ProblemsFound("1 problem found")


def _many_seeds(seeds: Path, count: int = 3000) -> None:
    words = ["the", "river", "and", "house", "of", "people", "in", "city", "light"]
    for number in range(count):
        folder = seeds / f"part-{number % 30:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        body = " ".join(words[(number + i) % len(words)] for i in range(800))
        (folder / f"doc-{number:05d}.txt").write_text(f"Title {number}\n\n{body}\n")
    (seeds / "corpus.toml").write_text(
        'name = "ended"\ntitle = "Ended"\nversion = "1.0.0"\ndescription = "d"\n'
        'licenses = [{ name = "CC0-1.0" }]\nsources = [{ title = "s" }]\n')


def _files_under_temporary(out: Path) -> int:
    """The files in the build's temporary release folder in ``out`` so far."""
    if not out.is_dir():
        return 0
    return sum(len(files) for temporary in out.glob(".corpuskit-tmp-*")
               for _, _, files in os.walk(temporary))


def _end(process: subprocess.Popen[str]) -> None:
    """Kill what is left of a test's run and its workers (a hung run, as the bug was)."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def _default_action(signum: int) -> Callable[[], None]:
    """For ``preexec_fn``: ``signum`` at its default action in the child, as a terminal or
    a service manager starts a program (a suite run under nohup ignores SIGHUP, and a
    child inherits that: it then went on building, as it should there)."""
    return lambda: signal.signal(signum, signal.SIG_DFL)


def _send(process: subprocess.Popen[str], ending: int, group: bool) -> None:
    if group:  # as `timeout` and systemd do: the parent and its workers at once
        os.killpg(process.pid, ending)
    else:
        process.send_signal(ending)


@pytest.fixture(scope="module")
def many_seeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds of 3,000 documents the signalled builds read (and never change)."""
    seeds = tmp_path_factory.mktemp("ended") / "seeds"
    _many_seeds(seeds)
    return seeds


@pytest.mark.parametrize("group", [False, True])
@pytest.mark.parametrize("ending", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_ends_a_build_as_ctrl_c_does(many_seeds: Path, tmp_path: Path, ending: int,
                                            group: bool) -> None:
    """``timeout``, a cancelled CI job and systemd send SIGTERM (a closed terminal:
    SIGHUP): corpuskit exited at once (status -15), leaving its temporary release folder
    in --out; sent to the whole process group, the workers it ended left the build hung.
    Now the build ends as an interrupted one: nothing left in --out, no worker left
    running, one line, and the shell's status for the signal."""
    seeds = many_seeds
    out = tmp_path / "out"
    build = subprocess.Popen([sys.executable, "-m", "corpuskit", "build", str(seeds),
                              "--out", str(out), "--no-cache"], start_new_session=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             preexec_fn=_default_action(ending))
    try:
        deadline = time.monotonic() + 60
        # In the middle of the workers' work (the shards they have written so far), where
        # a group's SIGTERM left the build hung.
        while _files_under_temporary(out) < 500:
            assert build.poll() is None and time.monotonic() < deadline, build.communicate()
            time.sleep(0.005)
        _send(build, ending, group)
        _, err = build.communicate(timeout=60)
    finally:
        _end(build)
    assert build.returncode == 128 + ending, err
    assert err.endswith("corpuskit: terminated\n"), err
    assert "Traceback" not in err
    left = [p.name for p in out.iterdir()] if out.exists() else []
    assert not [name for name in left if name != ".corpuskit-lock"], left
    time.sleep(0.2)
    running = subprocess.run(["pgrep", "-f", str(seeds)], capture_output=True, text=True,
                             check=False).stdout.split()
    assert running == [], running


def test_sigterm_while_the_cli_loads_exits_143_without_a_traceback() -> None:
    script = INTERRUPTED_IMPORT.replace("signal.SIGINT", "signal.SIGTERM")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 143, done.stderr
    assert done.stderr == "corpuskit: terminated\n"
    assert done.stdout == ""


@pytest.fixture(scope="module")
def built_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A package of 2,000 documents, built once for the tests that signal its validation
    (which only reads it)."""
    root = tmp_path_factory.mktemp("reproduced")
    seeds = root / "seeds"
    _many_seeds(seeds, 2000)
    built = subprocess.run([sys.executable, "-m", "corpuskit", "build", str(seeds), "--out",
                            str(root / "out"), "--no-cache"], capture_output=True, text=True,
                           timeout=300, check=False)
    assert built.returncode == 0, built.stderr
    return root / "out" / "ended-1.0.0"


def _validate_reproduce_signalled(package: Path, ending: int,
                                  ignored: int | None = None) -> tuple[int, str]:
    """``validate --reproduce`` of ``package`` (:func:`built_package`), ``ending`` sent to
    its process group once its workers are forked and at work (the caller ignoring
    ``ignored``, as nohup does SIGHUP): its exit status and standard error."""
    check = subprocess.Popen([sys.executable, "-m", "corpuskit", "validate", "--reproduce",
                              "--jobs", "2", str(package)],
                             start_new_session=True, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True,
                             preexec_fn=_default_action(ending) if ignored is None else
                             lambda: signal.signal(ignored, signal.SIG_IGN))
    try:
        deadline = time.monotonic() + 60
        while not subprocess.run(["pgrep", "-P", str(check.pid)], capture_output=True,
                                 check=False).stdout:  # its workers are forked
            assert check.poll() is None and time.monotonic() < deadline, check.communicate()
            time.sleep(0.005)
        time.sleep(0.3)  # into the records and their reproduction
        os.killpg(check.pid, ending)
        _, err = check.communicate(timeout=120)
    finally:
        _end(check)
    return check.returncode, err


@pytest.mark.parametrize("ending", [signal.SIGINT, signal.SIGTERM])
def test_a_group_signal_during_validate_reproduce_is_an_interrupt(built_package: Path,
                                                                  ending: int) -> None:
    """Ctrl-C (or SIGTERM from `timeout`) reaches validate's workers too: waiting for the
    reproducer's results on the way out took a worker's exit for its death, and "a worker
    process died" (exit 1) replaced the interrupt."""
    code, err = _validate_reproduce_signalled(built_package, ending)
    if code == 0:  # finished first (a fast machine): nothing to see
        return
    said = "aborted" if ending == signal.SIGINT else "terminated"
    assert (code, err.splitlines()[-1:]) == (128 + ending, [f"corpuskit: {said}"]), err


def test_a_signal_the_caller_ignores_stays_ignored_in_the_workers(built_package: Path) -> None:
    """Under nohup (SIGHUP ignored), a forked worker got SIGHUP's default back, then its
    handler, and ended on the group's SIGHUP: "a worker process died (exit status 129)"."""
    code, err = _validate_reproduce_signalled(built_package, signal.SIGHUP,
                                              ignored=signal.SIGHUP)
    assert code == 0, err


#: Runs the launcher with a stand-in for the CLI that makes a temporary folder (removed by
#: its finalizer at exit) and reports, at exit, what the collector holds frozen.
FREEZE_PROBE = """
import atexit, gc, sys, tempfile
import corpuskit.cli
def probe():
    global held
    held = tempfile.TemporaryDirectory()
    print("during", gc.get_freeze_count(), flush=True)
    return 0
corpuskit.cli.main = probe
atexit.register(lambda: print("at exit", gc.get_freeze_count() > 0, flush=True))
from corpuskit.launch import main
status = main()
print(held.name)
sys.exit(status)
"""


def test_the_launcher_leaves_the_objects_out_of_the_last_collections() -> None:
    """At exit Python collects once more, over every object alive (0.13-0.17 s of a
    validate of 100,000 documents); the launcher freezes them after the command, not
    before nor during it, and atexit functions and finalizers still run."""
    done = subprocess.run([sys.executable, "-c", FREEZE_PROBE], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    during, folder, at_exit = done.stdout.splitlines()
    assert during == "during 0"
    assert at_exit == "at exit True"
    assert not Path(folder).exists()  # the finalizer removed it


def test_the_cli_called_in_process_leaves_the_collector_alone(
        capsys: pytest.CaptureFixture[str]) -> None:
    from corpuskit.cli import main

    before = gc.get_freeze_count()
    assert main(["--version"]) == 0
    assert gc.get_freeze_count() == before
    assert __version__ in capsys.readouterr().out


#: Runs the entry point with a command whose object's finalizer gets SIGINT (a real
#: signal, raised inside ``__del__``), then one whose finalizer fails otherwise.
INTERRUPTED_FINALIZER = """
import os, signal, sys
import corpuskit.cli as cli

class Interrupted:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):  # the handler runs between two bytecodes: in __del__
            pass

class Failing:
    def __del__(self):
        raise ValueError("a finalizer's own fault")

def command(argv=None):
    Interrupted()
    for _ in range(10000):
        pass
    Failing()
    print("done")
    return 0

cli.main = command
from corpuskit.launch import main
sys.exit(main())
"""


def test_an_interrupt_a_finalizer_swallowed_is_said_without_a_traceback() -> None:
    """Ctrl-C that came while Python ran an object's finalizer (a weak reference's
    callback as a release wrote its zip) was swallowed: Python printed "Exception ignored
    in ..." with a KeyboardInterrupt traceback, and the release finished, exit 0, with no
    word of the signal (QA s101, 2 of about 70). No traceback: a note says the signal
    came and that the command went on to its end. Another finalizer's failure is still
    Python's to print."""
    run = subprocess.run([sys.executable, "-c", INTERRUPTED_FINALIZER], capture_output=True,
                         text=True, timeout=60, cwd=REPO)
    assert run.returncode == 0 and run.stdout == "done\n", run
    assert "KeyboardInterrupt" not in run.stderr, run.stderr
    assert run.stderr.count("Exception ignored") == 1 and "ValueError: a finalizer's own " \
        "fault" in run.stderr, run.stderr
    assert run.stderr.endswith(
        "note: SIGINT came while Python was cleaning up an object, which no signal "
        "interrupts; the command went on to its end, and what it says it did stands, "
        "complete\n"), run.stderr
