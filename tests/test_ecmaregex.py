"""JSON Schema's patterns read in ECMA-262's dialect (corpuskit.ecmaregex), as its
specification says, where Python's re reads the same text otherwise."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from importlib import resources
from typing import Any

import pytest

from corpuskit.ecmaregex import ecma_search
from corpuskit.schemacheck import validator


def _patterns(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield value
            elif key == "patternProperties" and isinstance(value, dict):
                yield from value
            yield from _patterns(value)
    elif isinstance(node, list):
        for value in node:
            yield from _patterns(value)


def _schema_files() -> list[str]:
    root = resources.files("corpuskit.schemas")
    names = [entry.name for entry in root.iterdir() if entry.name.endswith(".json")]
    vendor = root / "vendor"
    names += [f"vendor/{entry.name}" for entry in vendor.iterdir()
              if entry.name.endswith(".json")]
    return sorted(names)


@pytest.mark.parametrize("name", _schema_files())
def test_every_pattern_of_every_schema_is_an_ecma_262_expression(name: str) -> None:
    """regress refuses what ECMA-262 with the u flag does not read (``\\-`` outside a
    class, say): each pattern compiles, so no check stops on one."""
    schema = json.loads((resources.files("corpuskit.schemas") / name).read_text("utf-8"))
    for pattern in _patterns(schema):
        ecma_search(pattern)("")


@pytest.mark.parametrize(("pattern", "text", "ecma", "python"), [
    ("^[^\\n]+$", "Title\n", False, True),  # $ before a final LF: re only
    ("^([a-z]{2}|und)$", "en\n", False, True),
    ("^\\d{4}$", "\u0662\u0660\u0662\u0660", False, True),  # Arabic-Indic digits: re's \d
    ("^a.b$", "a\rb", False, True),  # . crosses a CR in re, no line terminator in ECMA
    ("\\S", "\ufeff", False, True),  # the BOM is white space in ECMA
    ("^[^\\n]+$", "Title", True, True),
    ("^\\d{4}$", "2024", True, True),
])
def test_ecma_262_where_python_reads_a_pattern_otherwise(pattern: str, text: str, ecma: bool,
                                                        python: bool) -> None:
    assert (ecma_search(pattern)(text) is not None) is ecma
    assert (re.search(pattern, text) is not None) is python, "re no longer differs here"


def test_jsonschema_runs_with_the_ecma_262_pattern() -> None:
    """The validators corpuskit's checks use (jsonschema with its pattern replaced), on
    the schema of corpus.toml: a version with a final LF is no semver (and no line)."""
    check = validator("corpus.schema.json")
    errors = [str(error.validator) for error in check.iter_errors({"version": "1.0.0\n"})
              if list(error.absolute_path) == ["version"]]
    assert sorted(errors) == ["not", "pattern"]
    assert not [error for error in check.iter_errors({"version": "1.0.0"})
                if list(error.absolute_path) == ["version"]]
