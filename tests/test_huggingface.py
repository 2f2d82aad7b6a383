"""Hugging Face: the card's YAML makes datasets.load_dataset(<package folder>) work offline,
with every value exact (dates included) when the package ships Parquet."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from _consumers import block_network, copy_package, rewrite_tagmanifest, sample
from conftest import copy_seeds_as_template

import corpuskit
from corpuskit.models import RECORD_FIELDS

datasets = pytest.importorskip("datasets")


def card_yaml(package: Path) -> dict[str, Any]:
    text = (package / "README.md").read_text("utf-8")
    assert text.startswith("---\n")
    header = text.split("---\n", 2)[1]
    data: dict[str, Any] = yaml.safe_load(header)
    return data


def load_offline(package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    block_network(monkeypatch)
    assert datasets.config.HF_HUB_OFFLINE
    return datasets.load_dataset(str(package), split="train", cache_dir=str(tmp_path / "cache"))


def test_card_header_has_what_the_hub_reads() -> None:
    meta = card_yaml(sample().release)
    assert meta["pretty_name"] == "Consumer sample corpus"
    assert meta["license"] == "cc-by-4.0"
    assert meta["language"] == ["de", "en", "fr"]
    assert meta["size_categories"] == ["n<1K"]
    assert meta["configs"] == [{"config_name": "default", "data_files": [
        {"split": "train", "path": "data/documents.parquet"}]}]
    features = meta["dataset_info"]["features"]
    assert [f["name"] for f in features] == list(RECORD_FIELDS)
    assert {f["name"]: f.get("dtype") for f in features}["date"] == "string"
    assert "task_categories" not in meta  # never invented


def test_unknown_license_is_other_with_its_name(tmp_path: Path) -> None:
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    built = corpuskit.build(seeds, tmp_path, jobs=1, cache=None)
    meta = card_yaml(built.release)
    assert meta["license"] == "other"
    assert meta["license_name"] == "licenseref-all-rights-reserved"
    assert meta["configs"][0]["data_files"][0]["path"] == "data/documents.parquet"


def test_known_licenses_are_kept_beside_an_unknown_one(tmp_path: Path) -> None:
    """With one license the Hub does not know, every other license was dropped from the
    header (``license: other`` alone): the known ids stay, then ``other`` and its name."""
    seeds = tmp_path / "seeds"
    copy_seeds_as_template(seeds)
    config = (seeds / "corpus.toml").read_text("utf-8")
    licenses = ('licenses = [{ name = "CC-BY-4.0" }, { name = "MIT" }, '
                '{ name = "LicenseRef-Custom", path = "https://example.org/terms" }, '
                '{ name = "ODbL-1.0" }]')
    config = re.sub(r"(?ms)^licenses = \[.*?^\]\n", licenses + "\n", config)
    (seeds / "corpus.toml").write_text(config, "utf-8")
    built = corpuskit.build(seeds, tmp_path / "out", jobs=1, cache=None)
    meta = card_yaml(built.release)
    assert meta["license"] == ["cc-by-4.0", "mit", "odbl", "other"]
    assert meta["license_name"] == "licenseref-custom"
    assert meta["license_link"] == "https://example.org/terms"
    assert corpuskit.validate(built.release).valid


@pytest.mark.parametrize(("licenses", "header"), [
    ('{ name = "CC-BY-4.0", title = "Texts" }, { name = "cc-by-4.0", title = "Notes" }',
     "cc-by-4.0"),
    ('{ name = "GPL-3.0-only" }, { name = "GPL-3.0-or-later" }, { name = "MIT" }',
     ["gpl-3.0", "mit"]),
])
def test_licenses_the_hub_knows_by_one_id_are_listed_once(
        tmp_path: Path, licenses: str, header: object) -> None:
    """Two licenses the Hub names alike (one id for texts and notes; GPL's -only and
    -or-later) made build, release and check end in a StopIteration traceback, and
    validate of such a package in an internal error (QA)."""
    seeds = tmp_path / "seeds"
    copy_seeds_as_template(seeds)
    config = (seeds / "corpus.toml").read_text("utf-8")
    config = re.sub(r"(?ms)^licenses = \[.*?^\]\n", f"licenses = [{licenses}]\n", config)
    (seeds / "corpus.toml").write_text(config, "utf-8")
    built = corpuskit.build(seeds, tmp_path / "out", jobs=1, cache=None)
    meta = card_yaml(built.release)
    assert meta["license"] == header and "license_name" not in meta
    assert corpuskit.validate(built.release).valid


@pytest.mark.parametrize(("link", "keyword"), [
    # (" #" began a YAML comment, ": " a mapping; a path may hold no space now)
    ("https://example.org/terms#section", "news"),
    ("https://example.org/a:b?c='d'&e=%20#f", "news"),
    ("https://example.org/terms", "odd\ufffekeyword"),
])
def test_the_card_header_reads_back_as_written(tmp_path: Path, link: str,
                                               keyword: str) -> None:
    """license_link went into the YAML header unquoted ("#" began a comment, ": " a
    mapping), and a keyword's U+FFFE as it was, which YAML's reader refuses: the Hub read
    another link, or failed on the card, as ``datasets`` did (QA)."""
    seeds = tmp_path / "seeds"
    copy_seeds_as_template(seeds)
    config = (seeds / "corpus.toml").read_text("utf-8")
    licenses = f'licenses = [{{ name = "LicenseRef-Terms", path = "{link}" }}]'
    config = re.sub(r"(?ms)^licenses = \[.*?^\]\n", licenses + "\n", config)
    config = re.sub(r"(?m)^keywords = .*$", f'keywords = ["{keyword}"]', config)
    (seeds / "corpus.toml").write_text(config, "utf-8")
    built = corpuskit.build(seeds, tmp_path / "out", jobs=1, cache=None)
    meta = card_yaml(built.release)
    assert meta["license_link"] == link and meta["tags"] == [keyword]
    assert corpuskit.validate(built.release).valid
    hub = pytest.importorskip("huggingface_hub")
    assert hub.DatasetCard.load(built.release / "README.md").data.license_link == link


def test_huggingface_hub_parses_the_card() -> None:
    hub = pytest.importorskip("huggingface_hub")
    card = hub.DatasetCard.load(sample().release / "README.md")
    assert card.data.license == "cc-by-4.0"
    assert card.data.pretty_name == "Consumer sample corpus"


def test_load_dataset_gives_exact_values(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    package = copy_package(sample(), tmp_path)
    dataset = load_offline(package, tmp_path, monkeypatch)
    assert dataset.features["date"].dtype == "string"
    assert dataset.num_rows == 6
    expected = list(corpuskit.load(package))
    for row, record in zip(dataset, expected, strict=True):
        for name in RECORD_FIELDS:
            want = getattr(record, name)
            got = row[name]
            if name == "normalization":
                got = tuple(got)
            assert got == want, (record.id, name, got, want)
            assert type(got) is type(want), (record.id, name)


def test_without_parquet_dates_become_timestamps_as_the_card_says(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built = sample(parquet=False)
    package = copy_package(built, tmp_path)
    assert not (package / "data/documents.parquet").exists()
    meta = card_yaml(package)
    assert meta["configs"][0]["data_files"][0]["path"] == "data/documents.jsonl"
    card = (package / "README.md").read_text("utf-8")
    assert "`YYYY-MM-DD 00:00:00`" in card and "[output] parquet = true" in card
    dataset = load_offline(package, tmp_path, monkeypatch)
    expected = {r.id: r for r in corpuskit.load(package)}
    for row in dataset:
        record = expected[row["id"]]
        want_date = None if record.date is None else f"{record.date} 00:00:00"
        assert row["date"] == want_date  # what the card promises, exactly
        for name in RECORD_FIELDS:
            if name not in ("date", "normalization"):
                assert row[name] == getattr(record, name), (record.id, name)
        assert tuple(row["normalization"]) == record.normalization


def test_without_parquet_number_like_ids_stay_strings_as_the_card_says(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The card said an id or title column of number-like values "changes the same way" as
    dates; datasets keeps them strings (QA), as the README says. The card says so now, and
    this holds it to what datasets does."""
    from conftest import make_seeds

    body = "Body text in English that is long enough to be identified properly here.\n"
    seeds = make_seeds(tmp_path, {"0012.txt": f"0012\n\n{body}", "1e5.txt": f"1e5\n\n{body}"},
                       {"output": {"parquet": False}})
    package = corpuskit.build(seeds, tmp_path / "dist", jobs=1, cache=None).release
    card = (package / "README.md").read_text("utf-8")
    assert "look like dates changes the same way (number-like ones stay strings)" in card
    dataset = load_offline(package, tmp_path, monkeypatch)
    assert [(row["id"], row["title"]) for row in dataset] == [("0012", "0012"), ("1e5", "1e5")]


def test_every_license_the_hub_knows_is_given_by_its_id(tmp_path: Path) -> None:
    """MPL-2.0, BSD-2-Clause, CC-BY-NC-SA-3.0 and GPL-2.0-only became "other", named after
    the first, and the others, the non-commercial one among them, were gone (QA)."""
    seeds = _seeds_licensed(tmp_path, '{ name = "MPL-2.0" }, { name = "BSD-2-Clause" }, '
                                      '{ name = "CC-BY-NC-SA-3.0" }, { name = "GPL-2.0-only" }')
    built = corpuskit.build(seeds, tmp_path / "out", jobs=1, cache=None)
    meta = card_yaml(built.release)
    assert meta["license"] == ["mpl-2.0", "bsd-2-clause", "cc-by-nc-sa-3.0", "gpl-2.0"]
    assert "license_name" not in meta
    assert corpuskit.validate(built.release).valid


def test_a_card_written_with_the_earlier_license_ids_still_validates(tmp_path: Path) -> None:
    """A package built before every Hub id was known says "other" for MPL-2.0."""
    from corpuskit.package import EARLIER_CARDS, HF_LICENSES

    assert HF_LICENSES["mpl-2.0"] == "mpl-2.0" \
        and "mpl-2.0" not in EARLIER_CARDS[-1].hub_licenses
    seeds = _seeds_licensed(tmp_path, '{ name = "MPL-2.0" }')
    release = corpuskit.build(seeds, tmp_path / "out", jobs=1, cache=None).release
    card = release / "README.md"
    # (its load example as corpuskit wrote it then too: since 2023-01-01, whatever the dates)
    text = card.read_text("utf-8").replace('since="2023-08-25"', 'since="2023-01-01"')
    assert "license: mpl-2.0\n" in text
    card.write_text(text.replace("license: mpl-2.0\n",
                                 "license: other\nlicense_name: mpl-2.0\n"), "utf-8")
    rewrite_tagmanifest(release)
    assert corpuskit.validate(release).valid
    card.write_text(text.replace("license: mpl-2.0\n", "license: mit\n"), "utf-8")
    rewrite_tagmanifest(release)
    assert not corpuskit.validate(release).valid


@pytest.mark.parametrize(("documents", "category"), [
    (999, "n<1K"), (1_000, "1K<n<10K"), (999_999_999, "100M<n<1B"),
    (1_000_000_000, "1B<n<10B"), (50_000_000_000, "10B<n<100B"),
    (999_999_999_999, "100B<n<1T"), (10**12, "n>1T"),
])
def test_the_size_category_is_the_hub_s_for_the_number_of_documents(
        documents: int, category: str) -> None:
    """From a billion documents on, every corpus was "n>1T" (QA)."""
    from corpuskit.package import _size_category

    assert _size_category(documents) == category


def _seeds_licensed(tmp_path: Path, licenses: str) -> Path:
    """A copy of the repository's seeds whose corpus.toml lists ``licenses`` (TOML)."""
    seeds = tmp_path / "seeds"
    copy_seeds_as_template(seeds)
    config = (seeds / "corpus.toml").read_text("utf-8")
    config = re.sub(r"(?ms)^licenses = \[.*?^\]\n", f"licenses = [{licenses}]\n", config)
    (seeds / "corpus.toml").write_text(config, "utf-8")
    return seeds
