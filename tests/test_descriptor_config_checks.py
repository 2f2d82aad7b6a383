"""A re-signed descriptor holding what corpus.toml's checks refuse is reported.

validate compares croissant.json and the data card with what corpuskit writes for the
configuration the descriptor states. A descriptor holding what corpus.toml refuses beyond
the schemas (a keyword of one zero-width space) gave no configuration, and the two files
were compared with nothing: re-signed, a card saying 999 documents of 1 passed (QA).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from conftest import make_seeds

import corpuskit
from corpuskit.package import content_hash_of


def test_a_keyword_that_shows_nothing_does_not_turn_the_card_checks_off(
        tmp_path: Path) -> None:
    seeds = make_seeds(tmp_path, {"a.txt": "A title\n\nA paragraph of English text.\n"},
                       {"keywords": ["alpha"]})
    release = corpuskit.build(seeds, tmp_path / "dist", jobs=1).release
    descriptor_path = release / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text("utf-8"))
    old = descriptor["corpuskit"]["content_hash"]
    descriptor["keywords"] = ["alpha", "\u200b"]
    records = hashlib.sha256((release / "data/documents.jsonl").read_bytes()).hexdigest()
    new = descriptor["corpuskit"]["content_hash"] = content_hash_of(descriptor, records)
    descriptor_path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n",
                               "utf-8")
    for name in ("bag-info.txt", "croissant.json", "README.md"):
        path = release / name
        path.write_text(path.read_text("utf-8").replace(old, new), "utf-8")
    card = release / "README.md"
    text = card.read_text("utf-8")
    assert "| Documents | 1 |" in text
    card.write_text(text.replace("| Documents | 1 |", "| Documents | 999 |"), "utf-8")
    tags = release / "tagmanifest-sha256.txt"
    tags.write_text("".join(
        f"{hashlib.sha256((release / name).read_bytes()).hexdigest()}  {name}\n"
        for name in (line.split("  ", 1)[1] for line in tags.read_text("utf-8").splitlines())),
        "utf-8")
    problems = corpuskit.validate(release).problems
    assert [(p.path, p.code, p.location) for p in problems] == [
        ("datapackage.json", "schema-error", "/keywords/1")], problems
    assert "shows nothing" in problems[0].message
