"""Which contributors a package cites as the corpus's authors.

Every contributor, whatever its ``roles``, was a BibTeX ``author`` (the card's citation and
croissant.json's ``citeAs``), a Croissant ``creator`` and in the card's "Curated by": a
funder and a publisher were credited with the corpus's authorship (QA). Now a contributor
whose every role is one of paying for, publishing, distributing or hosting the corpus,
holding its rights or being its contact (``funder``, ``publisher``, ``contact``,
``rightsHolder``, ...) is not cited; any other (an author, a creator, a maintainer, one with
no roles) is. Every contributor is still listed, with its roles, in the card. Packages
built before, which name every contributor so, still validate.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from _consumers import rewrite_tagmanifest, rewrite_zip
from conftest import make_seeds

import corpuskit
from corpuskit import croissant as croissant_module
from corpuskit import package as package_module
from corpuskit.package import CARD, EARLIER_WORDING, every_contributor

CONTRIBUTORS = [
    {"title": "Ann Author", "roles": ["author"]},
    {"title": "Acme Funding Agency", "roles": ["funder"]},
    {"title": "Big Publisher", "roles": ["publisher", "contact"]},
    {"title": "Nora Noroles"},
    {"title": "Cleo Creator", "roles": ["Creator"]},
    {"title": "Rita Rights", "roles": ["Rights Holder"]},
    {"title": "Mia Maintainer", "roles": ["maintainer", "contact"]},
]
AUTHORS = ["Ann Author", "Nora Noroles", "Cleo Creator", "Mia Maintainer"]


def _seeds(tmp_path: Path) -> Path:
    return make_seeds(tmp_path, {"a.txt": "A title\n\nA paragraph of English text.\n"},
                      {"contributors": CONTRIBUTORS})


def _cited(release: Path) -> tuple[str, str, list[str], str]:
    """The card's "Curated by" line and citation author field, croissant.json's creators'
    names and its citation's author field."""
    card = (release / "README.md").read_text("utf-8")
    curated = next(line for line in card.splitlines() if line.startswith("- **Curated by:**"))
    author = next(line for line in card.splitlines() if line.strip().startswith("author = "))
    document = json.loads((release / "croissant.json").read_text("utf-8"))
    cite_author = next(line for line in document["citeAs"].splitlines()
                       if line.strip().startswith("author = "))
    return curated, author, [c["name"] for c in document.get("creator", [])], cite_author


def test_only_the_authors_are_cited_and_every_contributor_is_listed(tmp_path: Path) -> None:
    release = corpuskit.build(_seeds(tmp_path), tmp_path / "dist", jobs=1).release
    curated, author, creators, cite_author = _cited(release)
    assert curated == "- **Curated by:** Ann Author, Nora Noroles, Cleo Creator, Mia Maintainer"
    assert author.strip() == ("author = {{Ann Author} and {Nora Noroles} and {Cleo Creator} "
                              "and {Mia Maintainer}},")
    assert cite_author == author
    assert creators == AUTHORS
    card = (release / "README.md").read_text("utf-8")
    assert "- Acme Funding Agency (funder)" in card
    assert "- Big Publisher (publisher, contact)" in card
    assert "- Rita Rights (Rights Holder)" in card
    assert corpuskit.validate(release, jobs=1).valid


def test_with_no_author_among_the_contributors_none_is_cited(tmp_path: Path) -> None:
    seeds = make_seeds(tmp_path, {"a.txt": "A title\n\nA paragraph of English text.\n"},
                       {"contributors": [{"title": "Acme Funding Agency",
                                          "roles": ["funder"]}]})
    release = corpuskit.build(seeds, tmp_path / "dist", jobs=1).release
    card = (release / "README.md").read_text("utf-8")
    document = json.loads((release / "croissant.json").read_text("utf-8"))
    assert "- **Curated by:** _Not provided by the maintainer._" in card
    assert "author = " not in card and "author = " not in document["citeAs"]
    assert "creator" not in document
    assert "- Acme Funding Agency (funder)" in card
    assert corpuskit.validate(release, jobs=1).valid


@pytest.fixture
def earlier_release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A release built as corpuskit built it before it read the roles: every contributor
    an author (the card, in the wording of then, and croissant.json written so, all else
    as now)."""
    with monkeypatch.context() as patch:
        card_defaults: dict[str, Any] = package_module.data_card.__kwdefaults__
        patch.setitem(card_defaults, "form",
                      package_module.CardForm(CARD.values, CARD.hub_licenses,
                                              every_contributor, EARLIER_WORDING))
        patch.setitem(croissant_module.croissant.__kwdefaults__, "authors", every_contributor)
        release = corpuskit.build(_seeds(tmp_path), tmp_path / "dist", jobs=1).release
    curated, _, creators, cite_author = _cited(release)
    assert creators == [c["title"] for c in CONTRIBUTORS]
    assert "Acme Funding Agency" in curated and "Acme Funding Agency" in cite_author
    return release


def test_a_package_built_when_every_contributor_was_an_author_still_validates(
        earlier_release: Path) -> None:
    assert corpuskit.validate(earlier_release, jobs=1).valid
    assert corpuskit.validate(earlier_release.with_name(f"{earlier_release.name}.zip"),
                              jobs=1).valid


def test_a_creator_who_is_no_contributor_is_refused_in_either_form(
        earlier_release: Path, tmp_path: Path) -> None:
    for name, names in (("earlier", [c["title"] for c in CONTRIBUTORS]), ("now", AUTHORS)):
        copy = tmp_path / name / earlier_release.name
        shutil.copytree(earlier_release, copy)
        document = json.loads((copy / "croissant.json").read_text("utf-8"))
        document["creator"] = [{"@type": "sc:Organization", "name": one}
                               for one in [*names, "Eve Stranger"]]
        (copy / "croissant.json").write_text(
            json.dumps(document, indent=2, ensure_ascii=False) + "\n", "utf-8")
        rewrite_tagmanifest(copy)
        rewrite_zip(copy)
        for target in (copy, copy.with_name(f"{copy.name}.zip")):
            report = corpuskit.validate(target, jobs=1)
            assert not report.valid
            assert {(p.code, p.path) for p in report.problems} == {
                ("metadata-mismatch", "croissant.json")}, report.problems


def test_a_card_naming_a_funder_alone_as_curator_is_refused(
        earlier_release: Path, tmp_path: Path) -> None:
    """The earlier form is taken whole: a card whose "Curated by" names some
    contributors but not the authors now nor every contributor is refused."""
    copy = tmp_path / "mixed" / earlier_release.name
    shutil.copytree(earlier_release, copy)
    card = (copy / "README.md").read_text("utf-8")
    curated = next(line for line in card.splitlines() if line.startswith("- **Curated by:**"))
    (copy / "README.md").write_text(
        card.replace(curated, "- **Curated by:** Acme Funding Agency"), "utf-8")
    rewrite_tagmanifest(copy)
    report = corpuskit.validate(copy, jobs=1)
    assert {(p.code, p.path) for p in report.problems} == {("metadata-mismatch", "README.md")}
