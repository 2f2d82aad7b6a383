"""The data card's lists of the package's metadata are compared with what corpuskit writes.

A re-signed card (its tag manifest made to agree) that named another contact, gave a
contributor other roles, or listed a license as another passed validate: only the summary's
license line was compared, and a changed contributor line with an email was called "HTML"
(QA). The sources, the licenses under "Distribution and Rights" and the maintenance section
(contributors and contact) are compared whole; a link in a line corpuskit does not write is
said to be one.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import make_seeds

import corpuskit

KEYWORDS = ["news", "Ann's corpus", "2026"]
CONFIG = {
    "keywords": KEYWORDS,
    "licenses": [{"name": "CC-BY-NC-4.0", "path": "https://creativecommons.org/licenses/by-nc/4.0/"}],
    "sources": [{"title": "The archive", "path": "https://example.org/archive"},
                {"title": "Hand written"}],
    "contributors": [{"title": "Ann", "roles": ["author"], "email": "ann@example.org"},
                     {"title": "Bob", "roles": ["contributor"]}],
}


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("card-lists")
    seeds = make_seeds(base, {"a.txt": "A title\n\nA paragraph of English text.\n"}, CONFIG)
    return corpuskit.build(seeds, base / "dist", jobs=1).release


def _resigned_copy(release: Path, tmp_path: Path, old: str, new: str) -> Path:
    import shutil

    copy = tmp_path / release.name
    shutil.copytree(release, copy)
    card = copy / "README.md"
    text = card.read_text("utf-8")
    assert text.count(old) == 1, (old, text)
    card.write_text(text.replace(old, new), "utf-8")
    tags = copy / "tagmanifest-sha256.txt"
    names = [line.split("  ", 1)[1] for line in tags.read_text("utf-8").splitlines()]
    tags.write_text("".join(f"{hashlib.sha256((copy / name).read_bytes()).hexdigest()}  "
                            f"{name}\n" for name in names), "utf-8")
    return copy


@pytest.mark.parametrize(("old", "new", "where"), [
    ("Contact: ann@example.org", "Contact: eve@attacker.example",
     "datapackage.json's contributors"),
    ("- Bob (contributor)", "- Bob (maintainer)", "datapackage.json's contributors"),
    ("(`CC-BY-NC-4.0`)", "(`CC-BY-4.0`)", "datapackage.json's licenses"),
    ("- The archive <https://example.org/archive>\n- Hand written\n\n### Personal",
     "- Another archive <https://example.org/archive>\n- Hand written\n\n### Personal",
     "datapackage.json's sources"),
])
def test_a_changed_list_of_the_card_is_reported(release: Path, tmp_path: Path, old: str,
                                               new: str, where: str) -> None:
    assert corpuskit.validate(release).valid
    problems = corpuskit.validate(_resigned_copy(release, tmp_path, old, new)).problems
    assert problems and {(p.path, p.code) for p in problems} == {
        ("README.md", "metadata-mismatch")}, problems
    assert any(where in p.message or "holds a link" in p.message for p in problems), problems


def test_each_list_is_rendered_once_a_check(release: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A card that differs from corpuskit's is compared with the card of each form
    corpuskit wrote (six), and each form rendered every keyword, license, source and
    contributor again, some twice: a descriptor of a million keywords took 25 s to
    validate, each of them rendered twelve times (QA s95 validate 3). Each list is rendered
    once a check, and once more for the earliest form, whose values are unescaped:
    counted, not timed."""
    from corpuskit import package
    from corpuskit.validation import precise

    calls: Counter[str] = Counter()

    def spy(name: str, render: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return render(*args, **kwargs)
        return counted

    monkeypatch.setattr(precise, "card_problems", spy("check", precise.card_problems))
    rendered: Counter[str] = Counter()

    def yaml_str(value: str, render: Callable[[str], str] = package._yaml_str) -> str:
        rendered[value] += 1
        return render(value)

    monkeypatch.setattr(package, "_yaml_str", yaml_str)
    lists = ("_license_names", "_license_list", "_source_list", "_people", "_hf_license",
             "bibtex")
    for name in lists:
        monkeypatch.setattr(package, name, spy(name, getattr(package, name)))
    copy = _resigned_copy(release, tmp_path, "- Bob (contributor)", "- Bob (maintainer)")
    problems = corpuskit.validate(copy, jobs=1).problems
    assert [(p.path, p.code) for p in problems] == [("README.md", "metadata-mismatch")]
    assert calls["check"] >= 1  # (the clean pass's, and the precise check's)
    assert {keyword: rendered[keyword] for keyword in KEYWORDS} == dict.fromkeys(
        KEYWORDS, calls["check"])
    # Once for the values escaped, once unescaped; the license lines of the YAML header
    # once for each table of the Hub's ids and way of writing license_name (three).
    for name in lists:
        assert 1 <= calls[name] <= (3 if name == "_hf_license" else 2) * calls["check"], \
            (name, calls)


@pytest.mark.parametrize(("old", "new", "after"), [
    ("- Hand written\n\n## Uses", "- Licensed from Reuters, all texts public domain\n\n## Uses",
     0),
    ("- Hand written\n\n## Uses", "- Hand written\n- Licensed from Reuters\n\n## Uses", 1),
    ("- The archive <https://example.org/archive>\n- Hand written\n\n## Uses",
     "- Hand written\n\n## Uses", 0),
])
def test_the_sources_list_under_dataset_sources_is_compared(
        release: Path, tmp_path: Path, old: str, new: str, after: int) -> None:
    """The list under "### Dataset Sources" changed alone (a source's title without a link
    edited, one added or dropped), the card re-signed: validate --reproduce passed, where
    README says the lists of sources are compared; only the producers' list was, and a
    line there only when it held a link (QA forge3 2). It is compared as that list is, at
    the line where it differs."""
    card = (release / "README.md").read_text("utf-8").split("\n")
    [heading] = [number for number, line in enumerate(card, start=1)
                 if line == "- **Sources:**"]
    first = card.index("- Hand written" if old.startswith("- Hand") else
                       "- The archive <https://example.org/archive>") + 1 + after
    assert first <= card.index("## Uses")  # the list under "### Dataset Sources"
    copy = _resigned_copy(release, tmp_path, old, new)
    for fast in (False, True):
        problems = corpuskit.validate(copy, jobs=1, fast=fast, reproduce=not fast).problems
        assert [(p.path, p.code, p.location) for p in problems] == [
            ("README.md", "metadata-mismatch", f"line {first}")], problems
        assert problems[0].message.startswith("the section ")
        assert "datapackage.json's sources" in problems[0].message \
            or "corpuskit ends it before" in problems[0].message, problems
    assert heading < first


def test_a_changed_line_with_a_link_is_not_called_html(release: Path, tmp_path: Path) -> None:
    copy = _resigned_copy(release, tmp_path, "- Ann (author) <ann@example.org>",
                          "- Ann (author, maintainer) <ann@example.org>")
    messages = [p.message for p in corpuskit.validate(copy).problems]
    assert messages and not any("holds HTML" in message for message in messages), messages


def test_a_card_far_larger_than_corpuskit_writes_is_not_parsed(release: Path,
                                                             tmp_path: Path) -> None:
    """Parsing a card costs hundreds of times its size in memory: a card of 3 MB of short
    paragraphs, in a zip of 12 KB, took 1.5 GB to validate (QA). One far larger than the
    card corpuskit writes for the package is a difference, told without parsing it."""
    card = (release / "README.md").read_text("utf-8")
    copy = _resigned_copy(release, tmp_path, "## Dataset Structure\n",
                          "a\n\n" * 200_000 + "## Dataset Structure\n")
    report = corpuskit.validate(copy, jobs=1)
    [problem] = [p for p in report.problems if p.path == "README.md"]
    assert problem.code == "metadata-mismatch"
    assert problem.message.startswith(f"the card holds {len(card) + 600_000:,} characters, "
                                      f"where corpuskit writes {len(card):,} for this "
                                      "package: more than it reads to compare")


@pytest.mark.parametrize("fast", [False, True])
def test_a_share_under_a_tenth_of_a_percent_is_not_called_html(release: Path, tmp_path: Path,
                                                              fast: bool) -> None:
    """corpuskit writes ``1 (<0.1%)`` for a share under 0.05%: ``--fast``, which does not
    restate the statistics, called that line of a sound card of 2,000 documents HTML, and
    a package with one damaged raw file was told so first (QA). A "<" before a digit
    opens no tag in CommonMark; one before a letter does, and stays HTML."""
    copy = _resigned_copy(release, tmp_path, "| `utf-8` | 1 (100.0%) |",
                          "| `utf-8` | 1 (<0.1%) |")
    problems = corpuskit.validate(copy, jobs=1, fast=fast).problems
    assert not any("holds HTML" in p.message for p in problems), problems
    if fast:  # a statistic: not restated by --fast, so nothing to tell
        assert not problems, problems
    else:  # the full check restates it: a share corpuskit would not write
        assert [(p.path, p.code) for p in problems] == [
            ("README.md", "metadata-mismatch")], problems
    tagged = _resigned_copy(release, tmp_path / "tagged", "| `utf-8` | 1 (100.0%) |",
                            "| `utf-8` | 1 <b>(100.0%)</b> |")
    messages = [p.message for p in corpuskit.validate(tagged, jobs=1, fast=fast).problems]
    assert any("holds HTML" in message for message in messages), messages
