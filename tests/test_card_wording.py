"""What the data card says, as its readers take it.

The YAML header wrote language codes and ``license_name`` plain: YAML readers took
Norwegian's ``no`` for False, a license titled "Null" for null and "1.10" for 1.1 (QA).
"Contact:" named the first email, not the contributor whose role is ``contact``; shares
of 1,999 in 2,000 read 100.0%, of 1 in 2,001 0.0%, their counts ungrouped; the load example
filtered English whatever the corpus's languages (QA).
Packages built before, whose cards say so, still validate.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from _consumers import rewrite_tagmanifest, rewrite_zip
from conftest import make_seeds

import corpuskit
from corpuskit import package as package_module
from corpuskit.package import EARLIER_CARDS, card_share, example_language, yaml_scalar

NORWEGIAN = ("Været i Norge\n\nDet er en fin dag i dag, og solen skinner over fjellene. Vi "
             "skal gå på tur i skogen og spise matpakke ved vannet. Barna leker i hagen, og "
             "bestemor lager vafler til alle sammen. Om kvelden skal vi se på fjernsyn og "
             "drikke kaffe.\n")
ENGLISH = "Hello title\n\nThis is an English text long enough to be identified as English.\n"
ANN = {"title": "Ann Author", "roles": ["author"], "email": "ann@example.org"}
DESK = {"title": "Data Desk", "roles": ["contact"], "email": "datadesk@example.org"}


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML reading plain scalars as YAML 1.2's core schema does (the spec's regular
    expressions, 10.3.2), for what a YAML 1.2 reader makes of the header."""


Yaml12Loader.yaml_implicit_resolvers = {}
for _tag, _pattern in (
        ("null", r"null|Null|NULL|~|"),
        ("bool", r"true|True|TRUE|false|False|FALSE"),
        ("int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"),
        ("float", r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?"
                  r"|[-+]?\.(inf|Inf|INF)|\.nan|\.NaN|\.NAN")):
    Yaml12Loader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}",
                                       re.compile(f"^(?:{_pattern})$"), None)


def _header(release: Path) -> dict[str, Any]:
    text = (release / "README.md").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text.split("---\n", 2)[1])
    return data


def _contact(release: Path) -> str:
    card = (release / "README.md").read_text("utf-8")
    return next(line for line in card.splitlines() if line.startswith("Contact: "))


def _resigned(release: Path, card: str) -> Path:
    (release / "README.md").write_text(card, "utf-8")
    rewrite_tagmanifest(release)
    rewrite_zip(release)
    return release


@pytest.mark.parametrize("value", [
    "no", "No", "NO", "n", "y", "yes", "on", "off", "true", "False", "null", "Null", "~",
    "1.10", "1.2.3", "17", "0017", "0x1f", "0o17", "0b101", "1e5", "1e-5", "1_000",
    "2023-01-01", "2023-1-1", ".inf", ".nan", "", "a b", "a: b", "#x", "-x", "<<", "=",
])
def test_a_scalar_yaml_reads_as_another_type_is_quoted(value: str) -> None:
    written = yaml_scalar(value)
    assert written.startswith('"')
    assert yaml.safe_load(f"key: {written}")["key"] == value
    assert yaml.load(f"key: {written}", Yaml12Loader)["key"] == value


@pytest.mark.parametrize("value", [
    "en", "de", "nb", "nn", "or", "zh", "cc-by-4.0", "licenseref-all-rights-reserved",
    "custom", "my-license-1.0", "v1.10", "n-a", "no-1", "my_license",
])
def test_a_scalar_every_yaml_reader_reads_as_it_is_stays_plain(value: str) -> None:
    assert yaml_scalar(value) == value
    assert yaml.safe_load(f"key: {value}")["key"] == value
    assert yaml.load(f"key: {value}", Yaml12Loader)["key"] == value


def _norwegian_seeds(tmp_path: Path, license_title: str) -> Path:
    return make_seeds(tmp_path, {"nor.txt": NORWEGIAN}, {
        "licenses": [{"title": license_title, "path": "https://example.org/licence"}],
        "contributors": [ANN, DESK]})


@pytest.mark.parametrize("license_title", ["Null", "1.10"])
def test_norwegian_and_a_license_named_like_null_read_back_as_strings(
        tmp_path: Path, license_title: str) -> None:
    release = corpuskit.build(_norwegian_seeds(tmp_path, license_title), tmp_path / "dist",
                              jobs=1, cache=None).release
    header = _header(release)
    assert header["language"] == ["no"]
    assert header["license_name"] == license_title.lower()
    assert yaml.load((release / "README.md").read_text("utf-8").split("---\n", 2)[1],
                     Yaml12Loader)["license_name"] == license_title.lower()
    hub = pytest.importorskip("huggingface_hub")
    card = hub.DatasetCard.load(release / "README.md").data
    assert card.language == ["no"] and card.license_name == license_title.lower()
    assert corpuskit.validate(release, jobs=1).valid


def _earlier(seeds: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The release of ``seeds``, its card written as corpuskit wrote it before (the
    :data:`EARLIER_CARDS` of the earlier wording)."""
    with monkeypatch.context() as patch:
        patch.setitem(package_module.data_card.__kwdefaults__, "form", EARLIER_CARDS[2])
        return corpuskit.build(seeds, out, jobs=1, cache=None).release


def _validates_unless_edited(release: Path, tmp_path: Path, edits: list[str]) -> None:
    """``release`` (folder and zip) validates, and each of ``edits`` of its card, re-signed,
    is refused as a difference of the card."""
    for target in (release, release.with_name(f"{release.name}.zip")):
        assert corpuskit.validate(target, jobs=1).valid
    card = (release / "README.md").read_text("utf-8")
    for number, edited in enumerate(edits):
        assert edited != card
        copy = tmp_path / f"edited{number}" / release.name
        shutil.copytree(release, copy)
        report = corpuskit.validate(_resigned(copy, edited), jobs=1)
        assert {(p.code, p.path) for p in report.problems} == {
            ("metadata-mismatch", "README.md")}, report.problems


def test_a_package_whose_card_is_worded_as_before_still_validates(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its YAML scalars plain, the first email as the contact, English in the load
    example."""
    release = _earlier(_norwegian_seeds(tmp_path, "Null"), tmp_path / "dist", monkeypatch)
    card = (release / "README.md").read_text("utf-8")
    assert "\nlanguage:\n- no\n" in card and "\nlicense_name: null\n" in card
    assert _contact(release) == "Contact: ann@example.org"
    assert 'corpus.filter(language="en", since=' in card
    _validates_unless_edited(release, tmp_path, [
        card.replace("\n- no\n", "\n- nn\n"),
        card.replace("license_name: null", "license_name: nul"),
        card.replace("Contact: ann@example.org", "Contact: eve@example.org"),
        # the earlier form is taken whole, not mixed with the new one
        card.replace("Contact: ann@example.org", "Contact: Data Desk <datadesk@example.org>"),
        card.replace('filter(language="en"', 'filter(language="no"'),
        card.replace('filter(language="en"', 'filter(language="fr"'),
    ])


@pytest.mark.parametrize(("contributors", "contact"), [
    ([ANN, DESK], "Contact: Data Desk <datadesk@example.org>"),
    ([ANN, {"title": "Bo", "roles": ["Contact Person"], "path": "https://example.org/bo"},
      {**DESK, "roles": ["publisher", "contact"]}],
     "Contact: Bo <https://example.org/bo>; Data Desk <datadesk@example.org>"),
    ([ANN, {"title": "Data Desk", "roles": ["contact"]}], "Contact: Data Desk"),
    ([{"title": "Nora"}, ANN, {**DESK, "roles": ["publisher"]}],
     "Contact: ann@example.org"),
])
def test_the_contact_is_the_contributor_whose_role_is_contact(
        tmp_path: Path, contributors: list[dict[str, Any]], contact: str) -> None:
    """The card named the first email, an author's, as the contact beside a contributor
    whose role was ``contact`` (QA); with no such role, the first email still is."""
    seeds = make_seeds(tmp_path, {"a.txt": ENGLISH}, {"contributors": contributors})
    release = corpuskit.build(seeds, tmp_path / "dist", jobs=1, cache=None).release
    assert _contact(release) == contact
    assert corpuskit.validate(release, jobs=1).valid


@pytest.mark.parametrize(("count", "total", "written"), [
    (0, 0, "0"), (0, 5, "0 (0.0%)"), (5, 5, "5 (100.0%)"), (1, 3, "1 (33.3%)"),
    (1_999, 2_000, "1,999 (>99.9%)"), (2_000, 2_000, "2,000 (100.0%)"),
    (1_998, 2_000, "1,998 (99.9%)"), (1, 2_001, "1 (<0.1%)"), (1, 1_000, "1 (0.1%)"),
    (999_999, 1_000_000, "999,999 (>99.9%)"), (1_234, 0, "1,234"),
])
def test_a_share_is_100_or_0_percent_only_for_all_or_none(count: int, total: int,
                                                          written: str) -> None:
    assert card_share(count, total) == written


def _seeds_of_2001(tmp_path: Path) -> Path:
    """2,000 English documents in UTF-8 with a rights line, and one Norwegian in cp1252
    without."""
    files: dict[str, str | bytes] = {
        f"d{i:04d}.txt": f"Title {i}\n\nReport number {i} describes the weather in the "
                         "northern part of the country today.\n\n© 2023 Example News\n"
        for i in range(2_000)}
    files["nor.txt"] = NORWEGIAN.encode("cp1252")
    return make_seeds(tmp_path, files)


SHARES = ["| `en` | 2,000 (>99.9%) |", "| `no` | 1 (<0.1%) |", "| `cp1252` | 1 (<0.1%) |",
          "| `utf-8` | 2,000 (>99.9%) |", "| `nfc` | 0 (0.0%) |",
          "Documents with a copyright or footer line: 2,000 (>99.9%); the line is"]


def test_shares_short_of_all_or_none_say_so_and_counts_are_grouped(tmp_path: Path) -> None:
    """1,999 of 2,000 read "1999 (100.0%)", as all 2,000 did, 1 of 2,001 "1 (0.0%)", and
    those counts had no thousands separator where the rest of the card has one (QA)."""
    release = corpuskit.build(_seeds_of_2001(tmp_path), tmp_path / "dist", jobs=1,
                              cache=None).release
    lines = (release / "README.md").read_text("utf-8").splitlines()
    assert all(line in lines for line in SHARES), [line for line in SHARES
                                                   if line not in lines]
    assert corpuskit.validate(release, jobs=1).valid


def test_a_package_whose_card_rounds_shares_as_before_still_validates(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    release = _earlier(_seeds_of_2001(tmp_path), tmp_path / "dist", monkeypatch)
    card = (release / "README.md").read_text("utf-8")
    assert "| `en` | 2000 (100.0%) |" in card and "| `no` | 1 (0.0%) |" in card
    _validates_unless_edited(release, tmp_path, [
        card.replace("| `en` | 2000 (100.0%) |", "| `en` | 2,000 (>99.9%) |"),
        card.replace("| `utf-8` | 2000 (100.0%) |", "| `utf-8` | 2001 (100.0%) |"),
        card.replace("line: 2000 (100.0%);", "line: 1999 (99.9%);"),
    ])


@pytest.mark.parametrize(("languages", "code"), [
    ({"en": 2_000, "no": 1}, "en"), ({"no": 1}, "no"), ({"und": 9, "fr": 1}, "fr"),
    ({"en": 3, "de": 3, "fr": 2}, "de"), ({"und": 2}, "und"), ({}, "en"),
])
def test_the_load_example_filters_the_most_common_language(languages: dict[str, int],
                                                           code: str) -> None:
    assert example_language(languages) == code


def test_the_load_example_of_a_norwegian_corpus_finds_its_documents(tmp_path: Path) -> None:
    """The card's example filtered language="en": for a corpus with no English it
    printed nothing (QA)."""
    release = corpuskit.build(_norwegian_seeds(tmp_path, "Null"), tmp_path / "dist", jobs=1,
                              cache=None).release
    card = (release / "README.md").read_text("utf-8")
    example = re.search(r'corpus\.filter\(language="([a-z]+)"', card)
    assert example is not None and example[1] == "no"
    assert [doc.id for doc in corpuskit.load(release).filter(language=example[1])] == ["nor"]
    for fast in (False, True):  # (--fast counts no language: it was a mismatch there)
        assert corpuskit.validate(release, jobs=1, fast=fast).valid
    card = (release / "README.md").read_text("utf-8")
    edited = _resigned(release, card.replace('filter(language="no"', 'filter(language="en"'))
    report = corpuskit.validate(edited, jobs=1)
    assert [(p.code, p.path, p.message.split(",")[0]) for p in report.problems] == [
        ("metadata-mismatch", "README.md",
         'the line is "for doc in corpus.filter(language=\\"en\\"):"')], report.problems
    assert corpuskit.validate(edited, jobs=1, fast=True).valid  # a statistic, not known


OLD_NEWS = ("Harbour reopens\n\n12 March 2019\n\nThe harbour reopened this morning after "
            "the winter storms, and the first ferries left for the islands.\n")
OLDER_NEWS = ("Bridge opens\n\n4 June 2018\n\nThe new bridge over the river opened today, "
              "and the first cars crossed it in the afternoon.\n")


def _example_prints(release: Path, monkeypatch: pytest.MonkeyPatch,
                    capsys: pytest.CaptureFixture[str]) -> tuple[str, list[str]]:
    """The card's load example (its line that filters) and what it prints, run in the
    release's folder as the card says to."""
    card = (release / "README.md").read_text("utf-8")
    code = card.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(release)
    capsys.readouterr()
    exec(code, {})  # the card's own example, as a reader runs it
    line = next(line for line in code.splitlines() if "corpus.filter(" in line)
    return line, capsys.readouterr().out.splitlines()


@pytest.mark.parametrize(("files", "line", "printed"), [
    ({"a.txt": OLD_NEWS, "b.txt": OLDER_NEWS},
     'for doc in corpus.filter(language="en", since="2018-06-04"):',
     ["a 2019-03-12 Harbour reopens", "b 2018-06-04 Bridge opens"]),
    ({"a.txt": ENGLISH}, 'for doc in corpus.filter(language="en"):', ["a None Hello title"]),
])
def test_the_load_example_filters_from_the_records_earliest_date(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        files: dict[str, str], line: str, printed: list[str]) -> None:
    """The card's example filtered since="2023-01-01" whatever the records' dates: of a
    corpus dated before 2023, or not dated at all, it printed nothing (QA). It filters
    since their earliest date, and not by date where none has one."""
    release = corpuskit.build(make_seeds(tmp_path, files), tmp_path / "dist", jobs=1,
                              cache=None).release
    assert _example_prints(release, monkeypatch, capsys) == (line, printed)
    card = (release / "README.md").read_text("utf-8")
    for fast in (False, True):  # (--fast reads no record: their dates are not known)
        assert corpuskit.validate(release, jobs=1, fast=fast).valid
    # (not 2023-01-01: an earlier card's, which validate takes, EARLIER_CARDS)
    other = (card.replace('since="2018-06-04"', 'since="2019-03-12"') if "since=" in card
             else card.replace('language="en"', 'language="en", since="2020-01-01"'))
    report = corpuskit.validate(_resigned(release, other), jobs=1)
    assert [(p.code, p.path) for p in report.problems] == [
        ("metadata-mismatch", "README.md")], report.problems
    assert "the records' languages and dates" in report.problems[0].message


def test_a_package_whose_load_example_is_since_2023_as_before_still_validates(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cards written before the example's date came from the records (since="2023-01-01"
    whatever their dates) validate still, that form taken whole."""
    seeds = make_seeds(tmp_path, {"a.txt": OLD_NEWS})
    with monkeypatch.context() as patch:
        patch.setitem(package_module.data_card.__kwdefaults__, "form", EARLIER_CARDS[1])
        release = corpuskit.build(seeds, tmp_path / "dist", jobs=1, cache=None).release
    card = (release / "README.md").read_text("utf-8")
    assert 'corpus.filter(language="en", since="2023-01-01"):' in card
    _validates_unless_edited(release, tmp_path, [
        card.replace('since="2023-01-01"', 'since="2020-01-01"'),
        card.replace('filter(language="en"', 'filter(language="fr"'),
    ])


#: The card's table of normalization steps, up to the line after it.
_STEPS_TABLE = re.compile(r"\| step \| documents changed \|\n\|[-| ]+\|\n((?:\|.*\|\n)+)")


def _step_cells(card: str) -> list[tuple[str, str]]:
    table = _STEPS_TABLE.search(card)
    assert table is not None
    return [tuple(cell.strip() for cell in line.strip("|").split("|"))  # type: ignore[misc]
            for line in table.group(1).splitlines()]


def test_the_steps_table_names_the_steps_corpus_toml_skips(tmp_path: Path) -> None:
    """A faithful step skipped has its row, where it would have run, saying so: the
    records may then keep a zero-width space or trailing spaces (QA: the table listed only
    the steps that ran, and said nothing of a skipped one)."""
    from corpuskit.config import FAITHFUL_STEPS

    skipped = ["remove-zero-width", "trim-trailing-whitespace"]
    seeds = make_seeds(tmp_path, {"a.txt": "Zero\u200bwidth and trailing  \n\n\n" + ENGLISH},
                       {"normalize": {"skip": skipped, "lossy": ["nfkc"]}})
    release = corpuskit.build(seeds, tmp_path / "dist", jobs=1, cache=None).release
    card = (release / "README.md").read_text("utf-8")
    cells = _step_cells(card)
    assert [step.strip("`") for step, _ in cells] == [*FAITHFUL_STEPS, "nfkc"]
    said = dict(cells)
    for step in skipped:
        assert said[f"`{step}`"] == "skipped (`[normalize] skip` in corpus.toml)"
    assert said["`nfc`"] == "0 (0.0%)" and said["`paragraph-spacing`"] == "1 (100.0%)"
    [record] = corpuskit.load(release)
    assert "\u200b" in (record.title or "") + record.text
    _validates_unless_edited(release, tmp_path, [
        card.replace("| `remove-zero-width` | skipped", "| `remove-zero-width` | 0"),
        card.replace("| `trim-trailing-whitespace` | skipped (`[normalize] skip` in "
                     "corpus.toml) |\n", ""),
    ])


def test_a_step_that_runs_only_with_a_skipped_one_is_said_skipped(tmp_path: Path) -> None:
    """fix-encoding-short-lines runs only with fix-encoding: with fix-encoding skipped, its
    row says skipped too, though the package records it (QA: "0 (0.0%)", as if it ran)."""
    seeds = make_seeds(tmp_path, {"a.txt": ENGLISH}, {"normalize": {"skip": ["fix-encoding"]}})
    release = corpuskit.build(seeds, tmp_path / "dist", jobs=1, cache=None).release
    said = dict(_step_cells((release / "README.md").read_text("utf-8")))
    assert said["`fix-encoding`"] == said["`fix-encoding-short-lines`"] \
        == "skipped (`[normalize] skip` in corpus.toml)"
    assert corpuskit.validate(release).valid


def test_a_card_with_no_row_for_a_skipped_step_as_before_still_validates(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cards written before the table named the skipped steps (of a package built with
    one skipped, or before separator-breaks was a step) validate still."""
    seeds = make_seeds(tmp_path, {"a.txt": ENGLISH},
                       {"normalize": {"skip": ["remove-zero-width"]}})
    with monkeypatch.context() as patch:
        patch.setitem(package_module.data_card.__kwdefaults__, "form", EARLIER_CARDS[0])
        release = corpuskit.build(seeds, tmp_path / "dist", jobs=1, cache=None).release
    card = (release / "README.md").read_text("utf-8")
    assert "remove-zero-width" not in card
    _validates_unless_edited(release, tmp_path, [
        card.replace("| `nfc` | 0 (0.0%) |", "| `nfc` | 1 (100.0%) |"),
    ])


def test_a_step_a_package_may_predate_is_not_said_skipped() -> None:
    """separator-breaks missing from the recorded steps may be a package built before the
    step (the repository's seeds skip it so): the table does not say corpus.toml skipped
    it, as it says of remove-bom."""
    from corpuskit.config import FAITHFUL_STEPS
    from corpuskit.package import CARD, SKIPPED_STEP, step_rows

    steps = [step for step in FAITHFUL_STEPS if step not in ("separator-breaks", "remove-bom")]
    rows = step_rows(steps, {"nfc": 1}, 2, CARD.wording)
    assert rows == [(f"`{step}`", SKIPPED_STEP if step == "remove-bom" else
                     "1 (50.0%)" if step == "nfc" else "0 (0.0%)")
                    for step in FAITHFUL_STEPS if step != "separator-breaks"]
