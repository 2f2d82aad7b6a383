"""json_problems: a JSON document's schema problems, remembered by its exact content."""

from __future__ import annotations

import math
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from corpuskit import schemacheck
from corpuskit.problems import Problem

SCHEMA = {
    "type": "object",
    "properties": {"count": {"type": "integer"}, "name": {"type": "string"}},
    "additionalProperties": False,
}


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The documents the validator is really run on, with a schema of the test's own and
    nothing remembered from before."""
    monkeypatch.setattr(schemacheck, "_remembered", type(schemacheck._remembered)())
    seen: list[Any] = []
    real = Draft202012Validator(SCHEMA)

    class Counting:
        def iter_errors(self, instance: Any) -> Any:
            seen.append(instance)
            return real.iter_errors(instance)

    monkeypatch.setattr(schemacheck, "validator", lambda name: Counting())
    return seen


def test_the_same_document_is_checked_once_and_reported_for_each_path(
        checks: list[Any]) -> None:
    document = {"count": "three", "extra": 1}
    first = schemacheck.json_problems("test", document, "a.json")
    again = schemacheck.json_problems("test", dict(document), "b.json")
    assert len(checks) == 1
    assert {p.location for p in first} == {"", "/count"}
    assert [p.path for p in first] == ["a.json"] * 2 and [p.path for p in again] == ["b.json"] * 2
    assert [(p.code, p.message, p.location) for p in first] == \
        [(p.code, p.message, p.location) for p in again]
    # What is returned is the caller's: changing it changes nothing remembered.
    first.clear()
    assert schemacheck.json_problems("test", document, "a.json") == \
        [Problem("a.json", p.code, p.message, p.location) for p in again]


@pytest.mark.parametrize(("one", "other"), [
    ({"count": 1}, {"count": True}),  # a bool is no integer to the schema
    ({"count": 1}, {"count": 1.5}),
    ({"count": None}, {"count": math.nan}),  # NaN is not written as null
    ({"name": "x"}, {"name": "x", "count": 2}),
    ({"count": 1, "name": "x"}, {"name": "x", "count": 1}),  # key order may word errors
])
def test_documents_that_differ_in_any_way_are_each_checked(
        checks: list[Any], one: dict[str, Any], other: dict[str, Any]) -> None:
    expected = [list(schemacheck.iter_problems("test", doc, "f.json")) for doc in (one, other)]
    del checks[:]
    assert [schemacheck.json_problems("test", doc, "f.json") for doc in (one, other)] == expected
    assert len(checks) == 2


@pytest.mark.parametrize("document", [
    {"count": (1, 2)},  # a tuple is no JSON array to the schema, though written as one
    {"count": 10**400},  # JSON, but longer than the documents remembered (here)
    {1: "a key that is no string"},
    [b"bytes"],
])
def test_documents_with_other_types_are_checked_every_time(
        checks: list[Any], document: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schemacheck, "REMEMBERED_BYTES", 300)
    for _ in range(2):
        schemacheck.json_problems("test", document, "f.json")
    assert len(checks) == 2


def test_only_the_latest_documents_are_remembered(checks: list[Any]) -> None:
    documents = [{"count": n} for n in range(schemacheck.REMEMBERED_DOCUMENTS + 1)]
    for document in documents:
        schemacheck.json_problems("test", document, "f.json")
    assert len(schemacheck._remembered) == schemacheck.REMEMBERED_DOCUMENTS
    schemacheck.json_problems("test", documents[-1], "f.json")  # remembered
    assert len(checks) == len(documents)
    schemacheck.json_problems("test", documents[0], "f.json")  # the oldest, forgotten
    assert len(checks) == len(documents) + 1
    schemacheck.json_problems("test", documents[0], "f.json")
    assert len(checks) == len(documents) + 1
