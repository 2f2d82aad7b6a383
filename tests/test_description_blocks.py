"""A description that opens a code block or HTML it does not end hides the data card.

The card shows corpus.toml's description as Markdown; an unclosed fence or HTML comment in
it made everything after it (statistics, license, sections) render as code or not at all,
and validate passed the card, byte for byte what corpuskit wrote (QA). build refuses such a
description, and validate reports a package that holds one.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from conftest import make_seeds

import corpuskit
from corpuskit.errors import InputError
from corpuskit.markdownblocks import open_block_line

DOCS = {"a.txt": "A title\n\nA paragraph of ordinary English text.\n"}


@pytest.mark.parametrize(("text", "line"), [
    ("Intro.\n\n```python\nan unclosed fence", 3),
    ("Intro.\n\n~~~\nan unclosed tilde fence", 3),
    ("Intro.\n\n<!-- a comment never ended", 3),
    ("Intro.\n\n<pre>\npreformatted, never ended", 3),
    ("<script>\nnever ended", 1),
    ("Plain text.", None),
    ("Inline <b>HTML</b> and `code`.", None),
    ("```\nclosed\n```", None),
    ("<!-- closed -->\n\nText.", None),
    ("<div>\nan HTML block ends at a blank line", None),
    ("> ```\n> in a quote, closed by its end", None),
    ("- item\n\n  ```\n  in a list item, closed by its end", None),
])
def test_open_blocks_are_found(text: str, line: int | None) -> None:
    assert open_block_line(text) == line


def _seeds(tmp_path: Path, description: str) -> Path:
    return make_seeds(tmp_path, DOCS, {"description": description})


def test_build_refuses_a_description_that_hides_the_card(tmp_path: Path) -> None:
    seeds = _seeds(tmp_path, "Intro.\n\n```python\nan unclosed fence")
    with pytest.raises(InputError) as refused:
        corpuskit.build(seeds, tmp_path / "dist", jobs=1)
    [problem] = refused.value.problems
    assert (problem.code, problem.location) == ("config-error", "description")
    assert problem.message.startswith("its line 3 opens a code block or HTML that does not "
                                      "end in it"), problem.message
    assert not (tmp_path / "dist").exists()
    assert corpuskit.validate(seeds).problems  # validate of the seeds says so too


def test_validate_reports_a_package_whose_description_hides_its_card(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A package built so (by a corpuskit before this check) is reported, though its card
    is byte for byte what corpuskit writes for it: its descriptor holds what corpus.toml's
    checks refuse."""
    config = importlib.import_module("corpuskit.config")
    seeds = _seeds(tmp_path, "Intro.\n\n<!-- a comment never ended")
    with monkeypatch.context() as patched:
        patched.setattr(config, "open_block_line", lambda text: None)
        built = corpuskit.build(seeds, tmp_path / "dist", jobs=1)
    for target in (built.release, built.archive):
        problems = corpuskit.validate(target).problems
        assert [(p.path, p.code, p.location) for p in problems] == [
            ("datapackage.json", "schema-error", "/description")], (target, problems)
        assert problems[0].message.startswith("its line 3 opens a code block or HTML that "
                                              "does not end in it")
        assert problems[0].message.endswith("(corpus.toml's checks refuse this: no build "
                                            "writes it)")
    plain = corpuskit.build(_seeds(tmp_path / "plain", "Intro.\n\n<!-- closed -->"),
                            tmp_path / "plain-dist", jobs=1)
    assert corpuskit.validate(plain.release).valid
