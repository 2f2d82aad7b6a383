"""data/documents.parquet: explicit Arrow schema, exact values, reproducible bytes, listed
with bytes and hash in every manifest and descriptor."""

from __future__ import annotations

import builtins
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from _consumers import EPOCH, build_sample, sample, sha256_file, write_seeds

import corpuskit
from corpuskit.errors import InputError
from corpuskit.models import RECORD_FIELDS
from corpuskit.parquet import INSTALL_PARQUET, PARQUET_PATH

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pd = pytest.importorskip("pandas")

ROOT = Path(__file__).resolve().parents[1]


def test_explicit_arrow_schema() -> None:
    schema = pq.read_schema(sample().release / PARQUET_PATH)
    assert schema.names == list(RECORD_FIELDS)
    types = {field.name: field.type for field in schema}
    assert types["date"] == pa.string()
    assert types["title"] == pa.string()
    assert types["chars"] == types["words"] == types["source_bytes"] == pa.int64()
    assert pa.types.is_list(types["normalization"])
    assert types["normalization"].value_type == pa.string()
    nullable = {field.name for field in schema if field.nullable}
    assert nullable == {"title", "date", "rights"}
    assert b"pandas" not in (schema.metadata or {})


def test_pandas_reads_exact_values() -> None:
    package = sample().release
    frame = pd.read_parquet(package / PARQUET_PATH)
    records = list(corpuskit.load(package))
    assert list(frame.columns) == list(RECORD_FIELDS)
    assert len(frame) == len(records)
    for (_, row), record in zip(frame.iterrows(), records, strict=True):
        for name in RECORD_FIELDS:
            want = getattr(record, name)
            got = row[name]
            if name == "normalization":
                got = tuple(got.tolist())
            elif want is None:
                assert got is None or pd.isna(got), (record.id, name)
                continue
            elif isinstance(want, int):
                got = int(got)
            assert got == want, (record.id, name)


def test_same_input_same_bytes(tmp_path: Path) -> None:
    one = build_sample(tmp_path / "one", jobs=1)
    two = build_sample(tmp_path / "two", jobs=2)
    first = (one.release / PARQUET_PATH).read_bytes()
    assert first == (two.release / PARQUET_PATH).read_bytes()
    assert first == (sample().release / PARQUET_PATH).read_bytes()


def test_pyarrow_version_is_the_pinned_one() -> None:
    """pyarrow writes its version into the file: the pin in pyproject.toml is what we ship."""
    pyproject = (ROOT / "pyproject.toml").read_text()
    pins = set(re.findall(r'"pyarrow==([0-9.]+)"', pyproject))
    assert pins == {pa.__version__}, "pin pyarrow exactly, the same in every extra"
    created_by = pq.ParquetFile(sample().release / PARQUET_PATH).metadata.created_by
    assert pa.__version__ in created_by


def test_listed_with_hash_everywhere_and_bytes_where_frictionless_allows() -> None:
    package = sample().release
    path = package / PARQUET_PATH
    digest, size = sha256_file(path), path.stat().st_size
    assert f"{digest}  {PARQUET_PATH}" in (package / "manifest-sha256.txt").read_text()
    descriptor = json.loads((package / "datapackage.json").read_text())
    resources = {r["path"]: r for r in descriptor["resources"]}
    assert list(resources) == ["data/documents.jsonl", PARQUET_PATH]
    resource = resources[PARQUET_PATH]
    assert resource["hash"] == f"sha256:{digest}"
    # frictionless-py 5 measures no byte count for Parquet and rejects any declared size,
    # so the size is stated in croissant.json and the BagIt Payload-Oxum instead.
    assert "bytes" not in resource
    assert resource["format"] == "parquet"
    assert resource["mediatype"] == "application/vnd.apache.parquet"
    assert [f["name"] for f in resource["schema"]["fields"]] == list(RECORD_FIELDS)
    croissant = json.loads((package / "croissant.json").read_text())
    (item,) = [d for d in croissant["distribution"] if d["@id"] == PARQUET_PATH]
    assert item["sha256"] == digest and item["contentSize"] == f"{size} B"
    oxum = next(line for line in (package / "bag-info.txt").read_text().splitlines()
                if line.startswith("Payload-Oxum"))
    files = [p for p in (package / "data").rglob("*") if p.is_file()]
    assert oxum == f"Payload-Oxum: {sum(p.stat().st_size for p in files)}.{len(files)}"


def test_bagit_accepts_the_package() -> None:
    bagit = pytest.importorskip("bagit")
    assert bagit.Bag(str(sample().release)).is_valid()


def test_no_parquet_unless_asked() -> None:
    package = sample(parquet=False).release
    assert not (package / PARQUET_PATH).exists()
    descriptor = json.loads((package / "datapackage.json").read_text())
    assert [r["path"] for r in descriptor["resources"]] == ["data/documents.jsonl"]
    croissant = json.loads((package / "croissant.json").read_text())
    assert PARQUET_PATH not in {d["@id"] for d in croissant["distribution"]}


def test_seeds_release_ships_parquet() -> None:
    assert re.search(r"(?m)^\[output\]\s*\nparquet\s*=\s*true\s*$",
                     re.sub(r"(?m)^#.*\n", "", (ROOT / "seeds/corpus.toml").read_text()))


def test_missing_pyarrow_is_a_problem_of_build_and_of_validate(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without pyarrow, build refused with an error of no problem line, before the
    documents' own problems, while validate called the seeds valid (QA). Both now name
    output.parquet, with the documents' problems."""
    seeds = write_seeds(tmp_path / "seeds")
    (seeds / "empty.txt").write_bytes(b"")
    real_import = builtins.__import__

    def no_pyarrow(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise ModuleNotFoundError(name, name=name)  # (what Python raises for one)
        return real_import(name, *args, **kwargs)

    for module in [m for m in sys.modules if m == "pyarrow" or m.startswith("pyarrow.")]:
        monkeypatch.delitem(sys.modules, module)
    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    with pytest.raises(InputError) as caught:
        corpuskit.build(seeds, tmp_path / "dist", source_date_epoch=EPOCH, jobs=1, cache=None)
    expected = {("corpus.toml", "config-error", "output.parquet"),
                ("empty.txt", "empty-document", "")}
    assert {(p.path, p.code, p.location) for p in caught.value.problems} == expected
    assert INSTALL_PARQUET in caught.value.problems[0].message  # (not PyPI's corpuskit)
    assert not any((tmp_path / "dist").glob("*-*"))  # no release, no leftover
    report = corpuskit.validate(seeds, jobs=1)
    assert {(p.path, p.code, p.location) for p in report.problems} == expected


def test_frictionless_validates_the_package_with_parquet() -> None:
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(sample().release / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
    assert [task.name for task in report.tasks] == ["documents", "documents-parquet"]


@pytest.mark.parametrize(("records", "text_bytes", "block"), [
    (7, 10**9, 4096),        # groups cut by count, chunks smaller than most lines
    (10**6, 3000, 4096),     # cut by text size, after the record that reaches it
    (4, 2500, 1 << 20),
    (4096, 32 * 1024 * 1024, 16 * 1024 * 1024),  # as built
])
def test_the_records_file_is_written_as_write_records_writes_its_records(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, records: int, text_bytes: int,
        block: int) -> None:
    """The build writes Parquet from its records file with Arrow's JSON reader: the same
    bytes as from the records one by one, wherever row groups and the reader's blocks cut,
    on messy texts (legacy encodings, mojibake, NFD, CJK, nulls, normalization lists)."""
    import subprocess

    from corpuskit import parquet
    from corpuskit.reader import FolderSource, iter_records

    seeds = tmp_path / "seeds"
    subprocess.run([sys.executable, str(ROOT / "benchmarks/generate_corpus.py"), str(seeds),
                    "--documents", "120", "--seed", "3", "--messy-share", "0.5"],
                   check=True, capture_output=True)
    release = corpuskit.build(seeds, tmp_path / "dist", source_date_epoch=EPOCH, jobs=1,
                              cache=None).release
    monkeypatch.setattr(parquet, "ROW_GROUP_RECORDS", records)
    monkeypatch.setattr(parquet, "ROW_GROUP_TEXT_BYTES", text_bytes)
    monkeypatch.setattr(parquet, "JSON_CHUNK_BYTES", block)  # 4 KB: lines span chunks
    monkeypatch.setattr(parquet, "JSON_BLOCK_BYTES", max(1024, block // 8))
    for package in (release, sample().release):
        one_by_one, from_file = tmp_path / "one.parquet", tmp_path / "file.parquet"
        with one_by_one.open("wb") as out:
            count = parquet.write_records(iter_records(FolderSource(package)), out)
        with from_file.open("wb") as out:
            assert parquet.write_records_file(package / "data/documents.jsonl", out) == count
        assert from_file.read_bytes() == one_by_one.read_bytes()
        groups = pq.ParquetFile(from_file).metadata.num_row_groups
        assert groups == len(list(parquet._batches(iter_records(FolderSource(package)))))
        if package == release and records < 4096:
            assert groups > 5  # the cuts were exercised


def test_a_size_declared_for_the_parquet_file_is_refused_as_frictionless_refuses_it(
        tmp_path: Path) -> None:
    """corpuskit writes no ``bytes`` for data/documents.parquet, and frictionless refuses
    any (even the true size); one added and re-signed passed validate (QA)."""
    import hashlib
    import shutil

    frictionless = pytest.importorskip("frictionless")
    package = tmp_path / "package"
    shutil.copytree(sample().release, package)
    descriptor_path = package / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text("utf-8"))
    descriptor["resources"][1]["bytes"] = (package / PARQUET_PATH).stat().st_size
    descriptor_path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n",
                               "utf-8")
    tags = package / "tagmanifest-sha256.txt"
    names = [line.split("  ", 1)[1] for line in tags.read_text("utf-8").splitlines()]
    tags.write_text("".join(f"{hashlib.sha256((package / name).read_bytes()).hexdigest()}  "
                            f"{name}\n" for name in names), "utf-8")
    assert not frictionless.validate(str(descriptor_path)).valid
    report = corpuskit.validate(package, jobs=1)
    assert ("datapackage.json", "metadata-mismatch", "/resources/1/bytes") in \
        [(p.path, p.code, p.location) for p in report.problems]
