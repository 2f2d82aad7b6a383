"""A signal that comes once a release is in place: the release stands, the build's temporary
folder is removed, and the command says so and exits 0 (QA: SIGTERM right after the zip was
renamed into place said "terminated", exit 143, and left a temporary folder as large as the
zip in the output folder)."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import pytest
from conftest import make_seeds

from corpuskit.cli import main
from corpuskit.signals import LateSignals

GOOD = {"good.txt": "A good title\n\nA perfectly ordinary paragraph of English text.\n",
        "other.txt": "Another title\n\nA second paragraph, of other words.\n"}


def _signalled_when_held(monkeypatch: pytest.MonkeyPatch, signum: int) -> list[int]:
    """Send ``signum`` to this process as soon as a build holds the ending signals, as a
    Ctrl-C at that moment would; the list says how many times it was sent."""
    sent: list[int] = []
    hold = LateSignals.hold

    def hold_then_signal(self: LateSignals) -> None:
        hold(self)
        if not sent:  # the build's hold (the command holds them again once it returns)
            sent.append(signum)
            signal.raise_signal(signum)

    monkeypatch.setattr(LateSignals, "hold", hold_then_signal)
    return sent


@pytest.mark.parametrize("placed", ["zip", "zip of a folder there", "folder of a zip there"])
def test_an_interrupt_once_the_release_is_in_place_lets_it_stand(
        placed: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    seeds = make_seeds(tmp_path, GOOD)
    out = tmp_path / "dist"
    if placed != "zip":  # one half of the release is there: the build puts the other back
        assert main(["build", str(seeds), "--out", str(out), "--jobs", "1", "--no-cache"]) == 0
        release = next(path for path in out.iterdir() if path.is_dir())
        if placed == "zip of a folder there":
            (out / f"{release.name}.zip").unlink()
        else:
            shutil.rmtree(release)
    sent = _signalled_when_held(monkeypatch, signal.SIGINT)
    capsys.readouterr()
    assert main(["build", str(seeds), "--out", str(out), "--jobs", "1", "--no-cache"]) == 0
    err = capsys.readouterr().err
    assert sent == [signal.SIGINT]
    [release] = [path for path in out.iterdir() if path.is_dir()]
    assert f"note: SIGINT came once the release {release.name} was in place: it stands, " \
        "complete" in err, err
    assert sorted(path.name for path in out.iterdir()) == \
        [".corpuskit-lock", release.name, f"{release.name}.zip"]  # no temporary folder
    monkeypatch.undo()
    assert main(["validate", str(out)]) == 0
    # Ctrl-C works again after the build: the handler it found is back.
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_an_interrupt_before_the_release_is_in_place_still_ends_the_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Held from the moment the zip is whole only: one while it is written ends the
    build as before, with nothing of the zip left."""
    import corpuskit.writer as writer

    seeds = make_seeds(tmp_path, GOOD)
    out = tmp_path / "dist"
    write_zip = writer.write_zip

    def interrupted(*args: object, **kwargs: object) -> None:
        write_zip(*args, **kwargs)  # type: ignore[arg-type]
        signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(writer, "write_zip", interrupted)
    assert main(["build", str(seeds), "--out", str(out), "--jobs", "1", "--no-cache"]) == 130
    err = capsys.readouterr().err
    assert not any(path.suffix == ".zip" or path.name.startswith(".corpuskit-tmp")
                   for path in out.iterdir())
    # The folder is in place: "aborted" alone said nothing of it (QA); what to run is said.
    (folder,) = [path for path in out.iterdir() if path.is_dir()]
    build = f"corpuskit build {seeds} --out {out}"
    said = err.lstrip("\n")  # click's line break after ^C
    assert said == (f"corpuskit: the release folder {folder} is in place, its zip not "
                    f"written: run '{build}' to write it, which finishes the release\n"
                    "corpuskit: aborted\n"), err
    monkeypatch.undo()
    assert main(["build", str(seeds), "--out", str(out), "--jobs", "1", "--no-cache"]) == 0
    assert main(["validate", str(out)]) == 0


def test_a_release_interrupted_with_its_folder_in_place_says_how_to_finish_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import corpuskit.writer as writer

    seeds = make_seeds(tmp_path, GOOD)
    out = tmp_path / "dist"
    assert main(["build", str(seeds), "--out", str(out), "--jobs", "1", "--no-cache"]) == 0
    (seeds / "added.txt").write_text("Added\n\nA document added for the next release.\n")
    write_zip = writer.write_zip

    def interrupted(*args: object, **kwargs: object) -> None:
        write_zip(*args, **kwargs)  # type: ignore[arg-type]
        signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(writer, "write_zip", interrupted)
    capsys.readouterr()
    assert main(["release", "--seeds", str(seeds), "--out", str(out), "--jobs", "1",
                 "--no-cache"]) == 130
    err = capsys.readouterr().err
    (placed,) = [path for path in out.iterdir() if path.is_dir() and "1.1.0" in path.name]
    said = err.lstrip("\n")
    assert said == (f"corpuskit: {placed} is in place without its zip, and corpus.toml and "
                    f"CHANGELOG.md keep 1.1.0: run 'corpuskit build {seeds} --out {out}' to "
                    "write its zip, which finishes the release\ncorpuskit: aborted\n"), err


def test_held_signals_are_noted_then_handled_as_before() -> None:
    """Noted while held, the handlers found restored after; one the process ignores stays
    ignored (nohup) and is not noted."""
    late = LateSignals()
    before = signal.getsignal(signal.SIGINT)
    ignored = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        late.hold()
        signal.raise_signal(signal.SIGINT)
        signal.raise_signal(signal.SIGHUP)
        assert late.came == [signal.SIGINT]
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
        late.release()
        assert signal.getsignal(signal.SIGINT) is before
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)
        assert late.note("the release x-1.0.0") == \
            "SIGINT came once the release x-1.0.0 was in place: it stands, complete"
        assert LateSignals().note("anything") is None
    finally:
        late.release()
        signal.signal(signal.SIGHUP, ignored)


@pytest.mark.parametrize("command", ["check", "release patch"])
def test_an_interrupt_during_the_checks_temporary_build_says_nothing_was_changed(
        command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """``check`` builds the seeds in a temporary folder, removed as it ends; ``release
    patch`` runs it too. Ctrl-C while that build wrote its zip told the user to run a
    build into that temporary folder, gone by then, to finish "the release" (QA)."""
    import importlib

    build_module = importlib.import_module("corpuskit.build")
    seeds = make_seeds(tmp_path, GOOD)
    out = tmp_path / "dist"
    assert main(["build", str(seeds), "--out", str(out), "--jobs", "1", "--no-cache"]) == 0
    before = sorted((path.name, path.stat().st_mtime_ns) for path in out.iterdir())
    seeds_before = {path.name: path.read_bytes() for path in seeds.iterdir()}
    # With nothing changed, release patch asks check whether this corpuskit writes the
    # release otherwise (release.written_otherwise): the temporary build runs.

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(build_module, "_write_release_archive", interrupted)
    capsys.readouterr()
    args = ["--seeds", str(seeds), "--jobs", "1"]
    if command == "check":
        args = ["check", *args, "--dist", str(out)]
    else:
        args = ["release", "patch", *args, "--out", str(out), "--no-cache"]
    assert main(args) == 130
    said = capsys.readouterr().err.lstrip("\n")
    assert said == (f"corpuskit: the check's temporary build of {seeds} was stopped; "
                    f"nothing in {out} was changed\ncorpuskit: aborted\n"), said
    assert sorted((path.name, path.stat().st_mtime_ns) for path in out.iterdir()) == before
    assert {path.name: path.read_bytes() for path in seeds.iterdir()} == seeds_before


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGINT, 130),
                                                 (signal.SIGTERM, 143)])
def test_a_signal_as_the_checks_temporary_release_is_placed_ends_the_check(
        signum: int, status: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A build holds the ending signals once its release is in place; check's is a
    throwaway, and the signal was lost: the check ran on and said "current", exit 0 (QA).
    It ends the check, saying nothing was changed."""
    from corpuskit import launch

    seeds = make_seeds(tmp_path, GOOD)
    out = tmp_path / "dist"
    assert main(["build", str(seeds), "--out", str(out), "--jobs", "1", "--no-cache"]) == 0
    previous = signal.getsignal(signal.SIGTERM)
    if signum == signal.SIGTERM:  # as the corpuskit command has it
        signal.signal(signal.SIGTERM, launch._terminate)
    try:
        sent = _signalled_when_held(monkeypatch, signum)
        capsys.readouterr()
        code = main(["check", "--seeds", str(seeds), "--dist", str(out), "--jobs", "1"])
    finally:
        if signum == signal.SIGTERM:
            signal.signal(signal.SIGTERM, previous)
    err = capsys.readouterr().err
    assert sent == [signum] and code == status, err
    assert f"the check's temporary build of {seeds} was stopped; nothing in {out} was " \
        "changed" in err


@pytest.mark.parametrize("command", ["build", "release"])
def test_a_signal_as_the_command_says_what_it_did_lets_the_release_stand(
        command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The build let the ending signals go as it returned; one that came while the command
    then said what it had done ended it: "terminated", exit 143, for a complete release,
    and a CI job that retried got "nothing to release" (QA). Noted, and exit 0."""
    import corpuskit.cli as cli

    seeds = make_seeds(tmp_path, GOOD)
    out = tmp_path / "dist"
    echo = cli._echo
    sent: list[int] = []

    def echo_then_signal(message: str, **kwargs: object) -> None:
        if message.startswith(("built ", "released ")) and not sent:
            sent.append(signal.SIGINT)
            signal.raise_signal(signal.SIGINT)
        echo(message, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cli, "_echo", echo_then_signal)
    argv = (["build", str(seeds), "--out", str(out)] if command == "build"
            else ["release", "--seeds", str(seeds), "--out", str(out)])
    assert main([*argv, "--jobs", "1", "--no-cache"]) == 0
    err = capsys.readouterr().err
    assert sent == [signal.SIGINT]
    assert err.splitlines()[-1] == ("note: SIGINT came once the command's work was in place: "
                                    "it stands, complete"), err
    monkeypatch.undo()
    assert main(["validate", str(out)]) == 0
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # as it was


def test_a_dry_run_has_nothing_in_place_and_is_interrupted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Ctrl-C while release --dry-run printed its entry said the work "stands, complete",
    exit 0: a dry run writes nothing (QA). It is interrupted, exit 130."""
    import corpuskit.cli as cli

    seeds = make_seeds(tmp_path, GOOD)
    out = tmp_path / "dist"
    echo = cli._echo

    def echo_then_signal(message: str, **kwargs: object) -> None:
        if message.startswith("dry run:"):
            signal.raise_signal(signal.SIGINT)
        echo(message, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cli, "_echo", echo_then_signal)
    assert main(["release", "--seeds", str(seeds), "--out", str(out), "--dry-run",
                 "--jobs", "1", "--no-cache"]) == 130
    assert "stands, complete" not in capsys.readouterr().err


def test_a_signal_as_python_exits_ends_nothing() -> None:
    """Once the CLI has returned its status, SIGTERM raised Terminated in the threading
    module's shutdown: "Exception ignored", a traceback, after a complete release (QA).
    The launcher ignores the ending signals from then on."""
    import subprocess
    import sys

    script = ("import os, signal\n"
              "from corpuskit import launch\n"
              "launch.end_on_termination()\n"
              "launch._ignore_ending_signals()\n"
              "os.kill(os.getpid(), signal.SIGTERM)\n"
              "os.kill(os.getpid(), signal.SIGINT)\n"
              "print('still here')\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "still here\n", "")
