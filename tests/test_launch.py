"""The console script's entry point (``corpuskit.launch``): a Ctrl-C while the CLI's
modules load exits 130 with one line, not Python's KeyboardInterrupt traceback."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import tomllib

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


def test_an_interrupt_while_the_cli_loads_exits_130_without_a_traceback() -> None:
    done = subprocess.run([sys.executable, "-c", INTERRUPTED_IMPORT], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 130, done.stderr
    assert done.stderr == "corpuskit: aborted\n"
    assert done.stdout == ""


def test_the_entry_point_runs_the_cli() -> None:
    done = subprocess.run([sys.executable, "-m", "corpuskit", "--version"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert __version__ in done.stdout


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


@pytest.mark.parametrize("ending", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_ends_a_build_as_ctrl_c_does(tmp_path: Path, ending: int) -> None:
    """``timeout``, a cancelled CI job and systemd send SIGTERM (a closed terminal:
    SIGHUP) to corpuskit alone: it exited at once (status -15), leaving its temporary
    release folder in --out. Now the build ends as an interrupted one: nothing left in
    --out, no worker left running, one line, and the shell's status for the signal."""
    seeds = tmp_path / "seeds"
    words = ["the", "river", "and", "house", "of", "people", "in", "city", "light"]
    for number in range(3000):
        folder = seeds / f"part-{number % 30:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        body = " ".join(words[(number + i) % len(words)] for i in range(800))
        (folder / f"doc-{number:05d}.txt").write_text(f"Title {number}\n\n{body}\n")
    (seeds / "corpus.toml").write_text(
        'name = "ended"\ntitle = "Ended"\nversion = "1.0.0"\ndescription = "d"\n'
        'licenses = [{ name = "CC0-1.0" }]\nsources = [{ title = "s" }]\n')
    out = tmp_path / "out"
    build = subprocess.Popen([sys.executable, "-m", "corpuskit", "build", str(seeds),
                              "--out", str(out), "--no-cache"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (out.is_dir() and any(p.name.startswith(".corpuskit-tmp-")
                                    for p in out.iterdir())):
        assert build.poll() is None and time.monotonic() < deadline, build.communicate()
        time.sleep(0.005)
    build.send_signal(ending)
    _, err = build.communicate(timeout=60)
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
