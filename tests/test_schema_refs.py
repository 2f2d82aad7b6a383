"""``$ref`` to ``$defs`` in the schemas the record and config checks compile
(corpuskit.recordshape.inline_refs): the compiled checks see the definition's keywords
where the reference stands, and agree with jsonschema."""

from __future__ import annotations

from importlib import resources
from typing import Any

import jsonschema
import pytest

from corpuskit.recordshape import compile_shape, inline_refs, schema_shape
from corpuskit.schemacheck import load_schema

ONE_LINE = {"not": {"pattern": "[\\n\\r]"}}


def schema_with(defs: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": defs,
            "type": "object", "properties": properties}


def test_a_reference_is_its_definition_merged_with_the_keywords_beside_it() -> None:
    schema = schema_with({"oneLine": ONE_LINE},
                         {"title": {"type": "string", "minLength": 1,
                                    "$ref": "#/$defs/oneLine", "description": "A title."}})
    inlined = inline_refs(schema)
    assert inlined["properties"]["title"] == {"type": "string", "minLength": 1,
                                              "not": {"pattern": "[\\n\\r]"},
                                              "description": "A title."}
    assert schema["properties"]["title"]["$ref"] == "#/$defs/oneLine", "left as it was"


@pytest.mark.parametrize(("defs", "ref"), [
    ({"oneLine": ONE_LINE}, "other.json#/$defs/oneLine"),  # not this schema's
    ({"oneLine": ONE_LINE}, "#/$defs/missing"),
    ({"oneLine": ONE_LINE}, "#/properties/title"),  # not under $defs
    ({"loop": {"$ref": "#/$defs/loop"}}, "#/$defs/loop"),  # a cycle
    ({"oneLine": {"type": "integer"}}, "#/$defs/oneLine"),  # says "type" as its referrer does
], ids=["remote", "missing", "not-defs", "cycle", "conflict"])
def test_a_reference_the_compilers_cannot_inline_leaves_the_schema_to_jsonschema(
        defs: dict[str, Any], ref: str) -> None:
    schema = schema_with(defs, {"title": {"type": "string", "$ref": ref}})
    assert inline_refs(schema) is None
    assert compile_shape(schema) is None


def test_the_compiled_check_of_a_schema_with_references_agrees_with_jsonschema() -> None:
    schema = schema_with({"oneLine": ONE_LINE, "word": {"$ref": "#/$defs/oneLine",
                                                        "pattern": "^\\w+$"}},
                         {"title": {"type": "string", "$ref": "#/$defs/oneLine"},
                          "tags": {"type": "array", "items": {"$ref": "#/$defs/word"}}})
    check = compile_shape(schema)
    assert check is not None
    checker = jsonschema.Draft202012Validator(schema)
    for instance in ({"title": "A title", "tags": ["a", "b"]}, {"title": "Two\nlines"},
                     {"tags": ["two words"]}, {"tags": ["line\n"]}, {"title": 3}, {}):
        assert bool(check(instance)) is checker.is_valid(instance), instance


def test_the_corpus_schema_states_the_one_line_rule_once_and_compiles() -> None:
    """corpus.schema.json refers to one definition of the one-line rule (it was written out
    17 times); its compiled check exists, so a corpus.toml is checked without jsonschema
    unless it is refused."""
    text = resources.files("corpuskit.schemas").joinpath("corpus.schema.json").read_text(
        encoding="utf-8")
    schema = load_schema("corpus.schema.json")
    assert schema["$defs"]["oneLine"]["not"]["pattern"] == (
        "[\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]")
    assert text.count("\\u2028") == 1
    assert text.count('"$ref": "#/$defs/oneLine"') == 17
    assert schema_shape("corpus.schema.json") is not None
