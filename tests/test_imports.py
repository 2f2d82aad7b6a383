"""The public names of ``corpuskit`` and what each command imports.

The package imports its functions when first asked for, so ``corpuskit validate`` starts
without the build pipeline (ftfy, py3langid, numpy, the engine). Each check runs in a
fresh interpreter: what is imported depends on what was imported before.
"""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from _validate_support import built
from conftest import make_seeds

import corpuskit

#: Modules of the build pipeline that checking a package never needs.
PIPELINE = ("corpuskit.build", "corpuskit.engine", "corpuskit.normalize",
            "corpuskit.decoding.decode", "corpuskit.decoding.codepages",
            "corpuskit.decoding.codepagelanguages", "corpuskit.decoding.centraleurope",
            "corpuskit.decoding.cyrillicspelling", "corpuskit.decoding.greekspelling",
            "corpuskit.decoding.hebrewspelling", "corpuskit.decoding.kanaspelling",
            "corpuskit.decoding.misreadalone", "corpuskit.decoding.doubtfulreading",
            "corpuskit.decoding.secondlook", "corpuskit.decoding.damagedreading",
            "corpuskit.decoding.refusal", "corpuskit.decoding.plausibility",
            "corpuskit.languageid.language", "ftfy", "py3langid", "numpy")


def _fresh(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_every_public_name_is_what_its_module_defines() -> None:
    expected = corpuskit._EXPORTS
    assert set(corpuskit.__all__) == {"__version__", *expected}
    for name, module in expected.items():
        assert getattr(corpuskit, name) is getattr(sys.modules[f"corpuskit{module}"], name)
    assert set(corpuskit.__all__) <= set(dir(corpuskit))
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = corpuskit.no_such_name


@pytest.mark.parametrize("name", ["build", "diff", "load", "release"])
def test_a_function_named_like_its_module_stays_the_function(name: str) -> None:
    """Importing the module ``corpuskit.build`` makes it an attribute of the package; the
    function ``build`` must still be what ``corpuskit.build`` is, whichever comes first."""
    for first in (f"import corpuskit.{name}", f"from corpuskit import {name}"):
        out = _fresh(f"{first}\nimport sys, types, corpuskit\n"
                     f"import corpuskit.{name}\n"
                     f"f = corpuskit.{name}\n"
                     f"print(callable(f) and not isinstance(f, types.ModuleType), "
                     f"f is sys.modules['corpuskit.{name}'].{name})")
        assert out.split() == ["True", "True"], first


def _resolved(dotted: str) -> object:
    """What ``dotted`` (``corpuskit.errors.InputError``) names, read as a caller reads it:
    attribute by attribute from ``corpuskit``, importing a submodule not imported yet."""
    found: object = corpuskit
    parts = dotted.split(".")
    for at, part in enumerate(parts[1:], start=2):
        if not hasattr(found, part):
            importlib.import_module(".".join(parts[:at]))
        found = getattr(found, part)
    return found


def test_the_docstrings_of_the_library_name_what_resolves() -> None:
    """release() and check() sent the reader to ``corpuskit.build.build``, which is no name:
    ``corpuskit.build`` is the function (QA: api 3)."""
    from corpuskit.check import check
    from corpuskit.export import export

    functions = [check, export, *(getattr(corpuskit, name) for name in corpuskit.__all__
                                  if name.islower() and not name.startswith("_"))]
    named = {name.rstrip(".") for function in functions
             for name in re.findall(r"corpuskit(?:\.\w+)+", function.__doc__ or "")}
    for name in sorted(named):
        assert _resolved(name) is not None, name
    assert "corpuskit.build" in named and "corpuskit.SideError" in named


def test_the_exceptions_a_function_raises_are_the_packages() -> None:
    """diff raised a SideError that ``corpuskit`` did not export, and that
    ``import corpuskit.diff as d; d.SideError`` cannot reach: ``d`` is the function (QA:
    api 3)."""
    with pytest.raises(corpuskit.SideError) as refused:
        corpuskit.diff("no-such-package.zip", "no-such-seeds")
    assert {old_or_new for old_or_new, _ in refused.value.sided} == {"old", "new"}
    for name in ("OutputError", "OutputClosed", "ReleaseError", "ReleaseExistsError",
                 "WorkerDied"):
        assert issubclass(getattr(corpuskit, name), corpuskit.CorpuskitError), name


def _pipeline_imported_by(*options: str) -> list[str]:
    """The modules of :data:`PIPELINE` that ``corpuskit validate OPTIONS <release>``
    imports, run in a fresh interpreter (it must find the release valid)."""
    argv = ["validate", *options, str(built().release)]
    out = _fresh(
        "import json, sys\n"
        "from corpuskit.cli import main\n"
        f"status = main({argv!r})\n"
        f"print(json.dumps([status, sorted(m for m in {PIPELINE!r} if m in sys.modules)]))")
    status, pipeline = json.loads(out.splitlines()[-1])
    assert status == 0, out
    return list(pipeline)


def test_validate_imports_no_part_of_the_build_pipeline() -> None:
    assert _pipeline_imported_by() == []


def test_validate_reproduce_imports_the_pipeline_it_replays() -> None:
    """The opposite check, so the one above cannot pass on a broken module list (one job:
    with more, the records are re-derived in worker processes)."""
    imported = _pipeline_imported_by("--reproduce", "--jobs", "1")
    assert {"corpuskit.normalize", "corpuskit.decoding.decode", "ftfy"} <= set(imported)


def test_a_build_from_the_cache_imports_no_document_pipeline(tmp_path: Path) -> None:
    """The pipeline (ftfy and the stages after it, about 70 ms) is imported where a shard
    has documents to process: a build whose shards are all in the cache never needs it.
    The first build, which processes every document, is the opposite check."""
    root = tmp_path
    seeds = make_seeds(root, {f"d/{i}.txt": f"Note {i}\n\nA short text number {i}.\n"
                              for i in range(30)})
    pipeline = ("ftfy", "corpuskit.records", "corpuskit.normalize")

    def imported(out: str) -> list[str]:
        code = ("import json, sys\nfrom corpuskit import build\n"
                f"build({str(seeds)!r}, {str(root / out)!r}, jobs=1, "
                f"cache={str(root / 'cache')!r})\n"
                f"print(json.dumps(sorted(m for m in {pipeline!r} if m in sys.modules)))")
        return list(json.loads(_fresh(code).splitlines()[-1]))

    assert imported("first") == sorted(pipeline)
    assert imported("second") == []


def test_the_build_command_imports_no_validation(tmp_path: Path) -> None:
    """``corpuskit build`` imports none of ``corpuskit.validation`` (about 20 ms before
    its workers start) for a build without problems; ``corpuskit validate`` of what it
    built, run the same way, is the opposite check."""
    seeds = make_seeds(tmp_path, {f"d/{i}.txt": f"Note {i}\n\nA short text number {i}.\n"
                                  for i in range(5)})
    out = tmp_path / "out"

    def validation_imported(*argv: str) -> bool:
        code = ("import json, sys\nfrom corpuskit.cli import main\n"
                f"status = main({list(argv)!r})\n"
                "print(json.dumps([status, any(m.startswith('corpuskit.validation') "
                "for m in sys.modules)]))")
        status, imported = json.loads(_fresh(code).splitlines()[-1])
        assert status == 0
        return bool(imported)

    assert not validation_imported("build", str(seeds), "--out", str(out), "--jobs", "1",
                                   "--cache", str(tmp_path / "cache"))
    release = next(path for path in out.iterdir() if path.is_dir())
    assert validation_imported("validate", str(release))


def test_the_console_script_imports_only_its_own_before_handling_ctrl_c() -> None:
    """The console script's ``from corpuskit.launch import main`` runs before the
    launcher handles Ctrl-C: what it imports beyond Python's start-up is the time in which
    Ctrl-C ends corpuskit with a traceback. That is the package, the launcher, its signals
    module and ``signal``: not ``typing`` (4 ms, which the package imported for
    ``TYPE_CHECKING``: 3 tracebacks in 45 runs interrupted 30 ms after start, against
    none in 40 without it)."""
    out = _fresh("import json, sys\nbefore = set(sys.modules)\nimport corpuskit.launch\n"
                 "print(json.dumps(sorted(set(sys.modules) - before)))")
    assert set(json.loads(out)) <= {"corpuskit", "corpuskit.launch", "corpuskit.signals",
                                    "signal"}, out
