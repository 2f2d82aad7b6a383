"""The library's types as a consumer's type checker sees them (mypy --strict on a consumer's
code): what a call returns is typed, never ``Any`` where a type is known."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache for the module's runs: the first analyses the library and the
    standard library's stubs, the second reads them back (mypy checks each cached module
    is unchanged) instead of analysing them again."""
    return tmp_path_factory.mktemp("mypy") / "cache"


def run_mypy(program: str, cache: Path) -> tuple[str, str, int]:
    """``mypy --strict`` on ``program`` as a consumer's code, without any configuration."""
    api = pytest.importorskip("mypy.api")
    out, err, status = api.run(["--strict", "--python-version", "3.11",
                                "--ignore-missing-imports", "--config-file", "/dev/null",
                                "--cache-dir", str(cache), "-c", program])
    return out, err, status


CONSUMER = '''
import corpuskit

reports = corpuskit.validate_all(["dist"])
reveal_type(reports[0])
reveal_type(reports[0:1])
for report in reports:
    reveal_type(report)
corpus = corpuskit.load("dist")
for record in corpus:
    reveal_type(record.text)
'''


def test_a_consumers_calls_are_typed(mypy_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``validate_all(...)[0]`` was ``Any`` (``__getitem__`` typed so, QA): a consumer's
    checker let any attribute of it pass."""
    monkeypatch.setenv("MYPYPATH", str(REPO))  # the checkout, whatever installed it
    out, err, status = run_mypy(CONSUMER, mypy_cache)
    assert status == 0, out + err
    revealed = [line.split('Revealed type is "')[1].rstrip('"')
                for line in out.splitlines() if "Revealed type is" in line]
    assert revealed == ["corpuskit.validation.report.ValidationReport",
                        "tuple[corpuskit.validation.report.ValidationReport, ...]",
                        "corpuskit.validation.report.ValidationReport",
                        "str"], out
    assert " error: " not in out, out


PATHS = '''
import os
from pathlib import Path

import corpuskit
from corpuskit.check import check


class Where(os.PathLike[str]):
    def __fspath__(self) -> str:
        return "dist/corpuskit-seeds-1.0.3.zip"


def later() -> None:
    built = corpuskit.build("seeds", "out", jobs=1, cache="cache")
    corpuskit.build(Path("seeds"), Where(), cache=Where())
    released = corpuskit.release("seeds", "dist", "minor", dry_run=True, cache="cache")
    corpuskit.release(Where(), Where(), cache=Where())
    current = check("seeds", "dist", jobs=1).valid and check(Where(), Where()).valid
    changes = corpuskit.diff(Where(), "seeds")
    corpuskit.diff("dist/corpuskit-seeds-1.0.3", Path("seeds"))
    print(built.status, released.version, current, changes.bump)
'''


def test_the_functions_take_every_path_they_accept(mypy_cache: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """build, release and check were typed to take a Path alone, and diff a Path or a str,
    where each takes a str or any os.PathLike at run time, as load and validate are typed:
    a consumer's ``mypy --strict`` refused code that runs (QA: api 2)."""
    monkeypatch.setenv("MYPYPATH", str(REPO))
    out, err, status = run_mypy(PATHS, mypy_cache)
    assert status == 0 and " error: " not in out, out + err
