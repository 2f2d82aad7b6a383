"""What corpuskit refuses in corpus.toml beyond what schemas/corpus.schema.json says.

The schema describes a configuration's shape; corpuskit checks more than a schema can
say (the SPDX license list, characters that show an address or a title otherwise than it
is, real dates, ...). The schema's description lists those checks, so that a tool that
validates corpus.toml against the schema alone knows what it does not prove (QA: the
schema accepted a title holding U+202E, ``LicenseRef-my_lic`` and a homepage holding
``<``, which corpuskit refuses). Each example here is one the schema accepts and corpuskit
refuses, at the key named, for the reason the description gives.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import corpus_config, make_seeds

from corpuskit.config import ConfigError, load_config

SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "corpus.schema.json"

#: (overrides of the test corpus.toml, the key refused, words of the description that
#: name the check, words of corpuskit's message)
BEYOND_SCHEMA: list[tuple[dict[str, Any], str, str, str]] = [
    ({"licenses": [{"name": "LicenseRef-my_lic", "title": "Mine"}]}, "licenses[0].name",
     "SPDX license list", "LicenseRef-my-lic"),
    ({"licenses": [{"name": "Not-A-License", "title": "Mine"}]}, "licenses[0].name",
     "SPDX license list", "not an SPDX license id"),
    ({"homepage": "https://example.org/<b>"}, "homepage", "<, >", "'<'"),
    ({"homepage": "https://example.org/a b"}, "homepage", "without a space", "U+0020"),
    ({"homepage": "https://exam\u200bple.org/"}, "homepage", "zero-width", "U+200B"),
    ({"sources": [{"title": "S", "path": "https://example.org/\u202ex"}]}, "sources[0].path",
     "bidirectional control", "U+202E"),
    ({"sources": [{"title": "S", "email": "a\u200b@example.org"}]}, "sources[0].email",
     "zero-width", "not an email address"),
    ({"title": "Corpus \u202etxt.exe"}, "title", "hold no bidirectional control", "U+202E"),
    ({"keywords": ["news", "\u2066x"]}, "keywords[1]", "hold no bidirectional control",
     "U+2066"),
    ({"title": "\u2800"}, "title", "must show some character", "shows nothing"),
    ({"created": "2026-02-30T00:00:00Z"}, "created", "real date and time",
     "not a real date"),
    ({"extract": {"rights_patterns": ["(unclosed"]}}, "extract.rights_patterns[0]",
     "compile as regular expressions", ""),
]


def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return schema


@pytest.mark.parametrize(("overrides", "key", "described", "said"), BEYOND_SCHEMA)
def test_the_schema_accepts_what_corpuskit_refuses_and_says_so(
        tmp_path: Path, overrides: dict[str, Any], key: str, described: str, said: str) -> None:
    schema = _schema()
    config = corpus_config(overrides)
    # The schema alone accepts it (jsonschema, as a third-party tool would check it)...
    assert not list(jsonschema.Draft202012Validator(schema).iter_errors(config))
    # ... its description says corpuskit checks this too ...
    assert described in schema["description"]
    # ... and corpuskit refuses it, at that key.
    seeds = make_seeds(tmp_path, {"a.txt": "A text that shows.\n"}, overrides)
    with pytest.raises(ConfigError) as refused:
        load_config(seeds)
    at_key = [problem for problem in refused.value.problems if problem.location == key]
    assert at_key, [(p.location, p.message) for p in refused.value.problems]
    assert said in at_key[0].message


def test_the_test_configuration_passes_both() -> None:
    config = corpus_config()
    assert not list(jsonschema.Draft202012Validator(_schema()).iter_errors(config))
