"""corpus.toml's values show in the data card as they are written, never as markup.

The card put titles, names, roles and addresses into its Markdown as they were: a title
``*Notes* <b>`` rendered as emphasis and an HTML tag, a license titled ``A | B`` split the
summary table's row, a source titled ``- draft`` made a list in the list, and a title
ending ``C #`` lost its ``#`` in the heading. Each value is now escaped for where it
stands (:mod:`corpuskit.markdowntext`), and the card still validates.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import make_seeds
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from property_budget import examples

import corpuskit
from corpuskit.markdowntext import card_address, card_link, card_text

#: Text nodes: what shows as the text itself, no markup.
_TEXT = {"text", "code_inline", "softbreak"}


def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _shown(children: list[Any]) -> str:
    """The text inline ``children`` show; fails on any markup among them but autolinks."""
    kinds = [child.type for child in children
             if child.markup != "autolink" or child.type not in ("link_open", "link_close")]
    assert set(kinds) <= _TEXT, kinds
    return "".join(child.content for child in children)


def _inlines(markdown: str) -> list[tuple[str, str]]:
    """(the block the inline is in, the text it shows) for each inline of ``markdown``."""
    tokens = _markdown().parse(markdown)
    found = []
    for at, token in enumerate(tokens):
        if token.type == "inline":
            found.append((tokens[at - 1].type, _shown(token.children or [])))
    return found


#: One line of corpus.toml: letters, spaces and every ASCII character Markdown reads.
_LINE = st.text(st.sampled_from([*"ab 1_-+*#>|[]()<>!&;`~\\=.:/\"'", "é", "中"]),
                min_size=1, max_size=24).filter(lambda text: text.strip() != "")


@settings(max_examples=examples(600), deadline=None)
@given(_LINE)
def test_a_value_renders_as_exactly_its_text_where_the_card_puts_it(value: str) -> None:
    shown = value.strip(" ")
    assert _inlines(f"# Dataset Card for {card_text(value)}") == \
        [("heading_open", f"Dataset Card for {value}".strip(" "))]
    assert _inlines(f"- {card_text(value, starts_item=True)} (x)") == \
        [("paragraph_open", f"{value.lstrip(' ')} (x)".strip(" "))]
    rows = _inlines(f"| property | value |\n|---|---|\n| License | {card_text(value)} |")
    assert rows == [("th_open", "property"), ("th_open", "value"),
                    ("td_open", "License"), ("td_open", shown)]


def test_an_underscore_inside_a_word_is_written_as_it_is() -> None:
    """CommonMark never reads it as emphasis; the seeds' source title holds one, and its
    released cards were written before values were escaped."""
    assert card_text("shared/seeds/000_5126d78043eeafc4.txt") == \
        "shared/seeds/000_5126d78043eeafc4.txt"
    assert card_text("_a_ b_") == "\\_a\\_ b\\_"


@pytest.mark.parametrize(("address", "written"), [
    ("https://example.org/corpus", "https://example.org/corpus"),
    ("https://example.org/my_corpus#top", "https://example.org/my_corpus#top"),
    ("https://example.org/~smith/_draft", "<https://example.org/~smith/_draft>"),
    ("docs/about the corpus.html", "docs/about the corpus.html"),
    ("https://example.org/a|b", "https://example.org/a\\|b"),
])
def test_an_address_is_a_link_or_text(address: str, written: str) -> None:
    assert card_address(address) == written
    assert _inlines(f"- x {card_address(address)}")[0][1].endswith(address)


def test_an_email_is_an_autolink() -> None:
    assert card_link("ann@example.org") == "<ann@example.org>"


CONFIG = {
    "title": "Notes *and* <b>drafts</b> | C #",
    "homepage": "https://example.org/~my_corpus",
    "licenses": [{"path": "https://example.org/terms", "title": "A | B [terms]"}],
    "sources": [{"title": "- draft_ archive", "version": "1.0 *beta*",
                 "path": "https://example.org/archive"}],
    "contributors": [{"title": "1. Ann & Co", "organization": "<Org>", "roles": ["*editor*"],
                      "email": "ann@example.org"}],
}


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("card-markup")
    seeds = make_seeds(base, {"a.txt": "A title\n\nA paragraph of English text.\n"}, CONFIG)
    return corpuskit.build(seeds, base / "dist", jobs=1).release


def test_the_card_shows_the_metadata_as_written(release: Path) -> None:
    lines = (release / "README.md").read_text("utf-8").split("\n")
    table = lines.index("| property | value |")
    rows = [line for line in lines if line.startswith(("| License |", "| Homepage |"))]
    items = [line for line in lines
             if line.startswith(("# ", "- ")) and "**" not in line and line != "- train"]
    body = "\n".join([*lines[table:table + 2], *rows, "", *items])
    shown = [text for _, text in _inlines(body)]
    assert f"Dataset Card for {CONFIG['title']}" in shown
    assert "A | B [terms] https://example.org/terms" in shown
    assert "- draft_ archive, version 1.0 *beta* https://example.org/archive" in shown
    assert "1. Ann & Co, <Org> (*editor*) ann@example.org" in shown
    rows = [text for kind, text in _inlines(body) if kind == "td_open"]
    assert rows[rows.index("License") + 1] == "A | B [terms]"
    assert rows[rows.index("Homepage") + 1] == "https://example.org/~my_corpus"


def test_the_card_with_escaped_metadata_validates(release: Path) -> None:
    report = corpuskit.validate(release)
    assert report.valid, [problem.message for problem in report.problems]


def _resigned(release: Path, tmp_path: Path, card: str) -> Path:
    import hashlib
    import shutil

    copy = tmp_path / release.name
    shutil.copytree(release, copy)
    (copy / "README.md").write_text(card, "utf-8")
    tags = copy / "tagmanifest-sha256.txt"
    names = [line.split("  ", 1)[1] for line in tags.read_text("utf-8").splitlines()]
    tags.write_text("".join(f"{hashlib.sha256((copy / name).read_bytes()).hexdigest()}  "
                            f"{name}\n" for name in names), "utf-8")
    return copy


def _worded_as_before(card: str) -> str:
    """``card`` with its load example's language and date as every corpuskit that wrote
    values as they are wrote them (``en`` and 2023-01-01, whatever the records')."""
    return re.sub(r'filter\(language="[a-z]+"(?:, since="[0-9-]+")?',
                  'filter(language="en", since="2023-01-01"', card)


#: Values whose escaped and earlier forms render alike (an entity-like "&", "#" inside a
#: word, an underscore inside a word in an address).
PLAIN_CONFIG = {
    "title": "News & Views of C# 2023",
    "homepage": "https://example.org/my_corpus#top",
    "contributors": [{"title": "Ann & Co", "roles": ["author"], "email": "ann@example.org"}],
}


def test_a_card_written_before_values_were_escaped_still_validates(tmp_path: Path) -> None:
    """A package built before values were escaped has them as they are in its card: taken
    where that renders as the card written now does."""
    seeds = make_seeds(tmp_path, {"a.txt": "A title\n\nA paragraph of English text.\n"},
                       PLAIN_CONFIG)
    release = corpuskit.build(seeds, tmp_path / "dist", jobs=1).release
    card = (release / "README.md").read_text("utf-8")
    assert "News \\& Views of C# 2023" in card and "Ann \\& Co" in card
    earlier = _worded_as_before("\n".join(line.replace("\\&", "&") if line.startswith(
        ("# Dataset Card", "- **Curated by:**", "- Ann")) else line
        for line in card.split("\n")))
    assert earlier.count("\\&") == 2  # the citation's, LaTeX's
    assert corpuskit.validate(_resigned(release, tmp_path / "old", earlier), jobs=1).valid
    false = earlier.replace("- **Curated by:** Ann & Co", "- **Curated by:** Eve & Co")
    report = corpuskit.validate(_resigned(release, tmp_path / "false", false), jobs=1)
    assert [(problem.code, problem.path) for problem in report.problems] == \
        [("metadata-mismatch", "README.md")]


def test_a_card_of_the_earlier_form_that_renders_markup_is_refused(release: Path,
                                                                   tmp_path: Path) -> None:
    """The earlier form, values as they are, re-opened what escaping closed: a card with a
    title holding <b> passed when written so (QA). It is taken only where it shows no
    link, image or HTML the card written now does not."""
    card = (release / "README.md").read_text("utf-8")
    escaped = "Notes \\*and\\* \\<b\\>drafts\\</b\\> \\| C \\#"
    assert escaped in card
    card = card.replace(escaped, CONFIG["title"])
    report = corpuskit.validate(_resigned(release, tmp_path / "old", card), jobs=1)
    assert not report.valid
    assert {problem.path for problem in report.problems} == {"README.md"}


@pytest.mark.parametrize(("title", "taken"), [
    ("*Notes* on C", True),  # emphasis: the same text shows
    ("Notes | drafts ~~old~~ `x` #", True),
    ("_Notes_ on C \\\\ D", True),  # emphasis, an escape
    ("Notes <b>on</b> C", False),  # HTML
    ("Notes [on](https://example.net/) C", False),  # a link of its own
    ("Notes ![on](https://example.net/x.png)", False),  # an image
    ("Notes &#x202E;on C", False),  # a character the value does not hold
    ("Notes &lt;on C", False),
])
def test_a_card_of_the_earlier_form_is_taken_where_it_shows_nothing_more(
        tmp_path: Path, title: str, taken: bool) -> None:
    """A release built before values were escaped, with a title of Markdown markup: its
    card still validates where it shows the same text but for the markup's punctuation and
    no link, image or HTML of its own (QA: a title ``*Notes* on C`` failed validate after
    the upgrade, with advice to rebuild, which build refuses)."""
    seeds = make_seeds(tmp_path, {"a.txt": "A title\n\nA paragraph of English text.\n"},
                       {"title": title})
    release = corpuskit.build(seeds, tmp_path / "dist", jobs=1).release
    card = (release / "README.md").read_text("utf-8")
    heading = next(line for line in card.split("\n") if line.startswith("# Dataset Card"))
    earlier = _worded_as_before(card.replace(heading, f"# Dataset Card for {title}"))
    assert earlier != card
    report = corpuskit.validate(_resigned(release, tmp_path / "old", earlier), jobs=1)
    assert report.valid is taken, [problem.message for problem in report.problems]


def test_validate_refuses_a_descriptor_whose_addresses_would_put_html_in_the_card(
        release: Path) -> None:
    """The card corpuskit wrote before it escaped values put a URL holding ``><img ...>``
    in it as HTML; validate takes a card written so, but a descriptor holding such a URL
    is none a build writes now (QA)."""
    import json

    from corpuskit.validation.restated import descriptor_config_problems

    descriptor = json.loads((release / "datapackage.json").read_text("utf-8"))
    assert descriptor_config_problems(descriptor) == []
    descriptor["homepage"] = "https://example.org/h><i>italic</i>"
    descriptor["licenses"][0]["path"] = "https://example.org/x><img src=x>"
    problems = descriptor_config_problems(descriptor)
    assert [(problem.code, problem.location) for problem in problems] == [
        ("schema-error", "/homepage"), ("schema-error", "/licenses/0/path")]


def test_a_path_inside_the_package_may_hold_a_space(tmp_path: Path) -> None:
    """A license file named with a space: its path was refused as a URL's (QA), though
    the package holds the file; it builds, validates and shows in the card as written."""
    seeds = make_seeds(tmp_path, {"a.txt": "A title\n\nA paragraph of English text.\n",
                                  "my licence.txt": "Terms of use.\n"},
                       {"licenses": [{"name": "LicenseRef-Terms",
                                      "path": "data/raw/my licence.txt"}]})
    release = corpuskit.build(seeds, tmp_path / "dist", jobs=1).release
    assert corpuskit.validate(release, jobs=1).valid
    line = next(line for line in (release / "README.md").read_text("utf-8").splitlines()
                if line.startswith("- LicenseRef-Terms"))
    assert _inlines(line) == [("paragraph_open",
                               "LicenseRef-Terms (LicenseRef-Terms) data/raw/my licence.txt")]


def test_a_citation_escaped_as_an_earlier_corpuskit_did_still_validates(tmp_path: Path) -> None:
    """An earlier corpuskit wrote the BibTeX citation of the card and croissant.json's
    citeAs with fewer escapes and braces (``News_2023``, ``author = {Ann Smith}``): such
    a package failed validate after the upgrade, and its corpus could release no more
    (QA). A citation that prints alike is taken; one that prints otherwise is not."""
    import hashlib
    import json
    import shutil

    seeds = make_seeds(tmp_path, {"a.txt": "A title\n\nA paragraph of English text.\n"},
                       {"title": "News_2023", "contributors": [{"title": "Ann Smith"}]})
    release = corpuskit.build(seeds, tmp_path / "dist", jobs=1).release
    card = (release / "README.md").read_text("utf-8")
    assert "title = {News\\_2023}" in card and "author = {{Ann Smith}}" in card

    def earlier(text: str, word: str = "Ann") -> str:
        return text.replace("News\\_2023", "News_2023").replace("{{Ann Smith}}",
                                                               f"{{{word} Smith}}")

    for word, valid in (("Ann", True), ("Eve", False)):
        copy = tmp_path / word / release.name
        shutil.copytree(release, copy)
        (copy / "README.md").write_text(earlier(card, word), "utf-8")
        document = json.loads((copy / "croissant.json").read_text("utf-8"))
        document["citeAs"] = earlier(document["citeAs"], word)
        (copy / "croissant.json").write_text(json.dumps(document, indent=2,
                                                        ensure_ascii=False) + "\n", "utf-8")
        tags = copy / "tagmanifest-sha256.txt"
        names = [line.split("  ", 1)[1] for line in tags.read_text("utf-8").splitlines()]
        tags.write_text("".join(f"{hashlib.sha256((copy / name).read_bytes()).hexdigest()}"
                                f"  {name}\n" for name in names), "utf-8")
        report = corpuskit.validate(copy, jobs=1)
        assert report.valid is valid, [problem.message for problem in report.problems]
        if not valid:
            assert {problem.path for problem in report.problems} == {"README.md",
                                                                      "croissant.json"}


def test_addresses_written_as_an_earlier_corpuskit_wrote_them_still_validate(
        tmp_path: Path) -> None:
    """An earlier card wrote a homepage holding "~" bare (GitHub and the Hub link it as
    it is) and license_link unquoted (YAML reads the same string): both failed validate
    after the upgrade (QA). Another address written so is refused."""
    release = corpuskit.build(make_seeds(
        tmp_path, {"a.txt": "A title\n\nA paragraph of English text.\n"},
        {"homepage": "https://example.org/~ann",
         "licenses": [{"name": "LicenseRef-Terms", "path": "https://example.org/terms"}]}),
        tmp_path / "dist", jobs=1).release
    card = (release / "README.md").read_text("utf-8")
    assert "<https://example.org/~ann>" in card
    assert 'license_link: "https://example.org/terms"' in card
    earlier = _worded_as_before(card.replace(
        "<https://example.org/~ann>", "https://example.org/~ann").replace(
        'license_link: "https://example.org/terms"', "license_link: https://example.org/terms"))
    report = corpuskit.validate(_resigned(release, tmp_path / "old", earlier), jobs=1)
    assert report.valid, [problem.message for problem in report.problems]
    for number, false in enumerate((earlier.replace("license_link: https://example.org/terms",
                                  "license_link: https://example.net/terms"),
                  earlier.replace("| https://example.org/~ann |", "| https://example.net/ |"))):
        report = corpuskit.validate(_resigned(release, tmp_path / f"false{number}", false),
                                    jobs=1)
        assert not report.valid
