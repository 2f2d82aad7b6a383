"""Where corpuskit reads its JSON Schemas from (corpuskit.schemacheck.schema_files): a
checkout's own ``schemas/``, whatever copy of corpuskit is installed beside it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import corpuskit

CHECKOUT = Path(corpuskit.__file__).resolve().parent.parent


def _clone(at: Path) -> Path:
    """A copy of this checkout's package, schemas and pyproject.toml, as a clone holds them."""
    shutil.copytree(CHECKOUT / "corpuskit", at / "corpuskit",
                    ignore=shutil.ignore_patterns("__pycache__", "schemas"))
    shutil.copytree(CHECKOUT / "schemas", at / "schemas")
    shutil.copy2(CHECKOUT / "pyproject.toml", at / "pyproject.toml")
    return at


def test_a_clone_on_the_python_path_reads_its_own_schemas(tmp_path: Path) -> None:
    """(QA: with another copy installed, editable, a clone's code on PYTHONPATH ran with the
    installed copy's schemas, and took a setting the clone's schema refuses.)"""
    clone = _clone(tmp_path / "clone")
    marked = clone / "schemas" / "corpus.schema.json"
    marked.write_text(marked.read_text(encoding="utf-8").replace(
        '"title"', '"title"', 1) + "\n", encoding="utf-8")
    away = tmp_path / "elsewhere"
    away.mkdir()
    env = {**os.environ, "PYTHONPATH": str(clone)}
    shown = subprocess.run(
        [sys.executable, "-c", "import corpuskit.schemacheck as s; print(s.schema_files()); "
         "print(s.load_schema('corpus.schema.json') is not None)"],
        cwd=away, env=env, capture_output=True, text=True, check=True).stdout.split("\n")
    assert Path(shown[0]) == clone / "schemas"
    assert shown[1] == "True"


def test_an_installed_package_reads_the_schemas_it_was_installed_with(tmp_path: Path) -> None:
    """A corpuskit beside no pyproject.toml (site-packages) reads ``corpuskit.schemas``, not
    a ``schemas/`` folder some other package left beside it."""
    site = tmp_path / "site"
    shutil.copytree(CHECKOUT / "corpuskit", site / "corpuskit",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(CHECKOUT / "schemas", site / "corpuskit" / "schemas")
    (site / "schemas").mkdir()  # another package's folder of that name: not corpuskit's
    env = {**os.environ, "PYTHONPATH": str(site)}
    shown = subprocess.run(
        [sys.executable, "-c", "import corpuskit.schemacheck as s; print(s.schema_files())"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert Path(shown) == site / "corpuskit" / "schemas"
