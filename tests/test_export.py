"""corpuskit export: parquet, csv and dolma files with exact values and reproducible bytes."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from _consumers import copy_package, sample, write_seeds
from jsonschema import Draft202012Validator

import corpuskit
from corpuskit.cli import main
from corpuskit.export import export
from corpuskit.models import RECORD_FIELDS
from corpuskit.parquet import INSTALL_PARQUET, PARQUET_PATH
from corpuskit.schemacheck import schema_registry


@pytest.mark.parametrize("fmt", ["parquet", "csv", "dolma"])
def test_same_package_same_bytes(fmt: str, tmp_path: Path) -> None:
    built = sample()
    first = export(built.release, fmt, tmp_path / "a")
    second = export(built.archive, fmt, tmp_path / "b")
    assert (tmp_path / "a").read_bytes() == (tmp_path / "b").read_bytes()
    assert first.documents == 6 and first.sha256 == second.sha256
    assert first.bytes == (tmp_path / "a").stat().st_size
    assert [p.name for p in tmp_path.iterdir()] in (["a", "b"], ["b", "a"])  # no leftovers


def test_parquet_export_equals_the_packaged_file(tmp_path: Path) -> None:
    built = sample(parquet=False)  # exported from a package that has no Parquet file
    export(built.release, "parquet", tmp_path / "out.parquet")
    assert (tmp_path / "out.parquet").read_bytes() == (
        sample().release / PARQUET_PATH).read_bytes()


def test_csv_round_trips(tmp_path: Path) -> None:
    built = sample()
    export(built.release, "csv", tmp_path / "out.csv")
    raw = (tmp_path / "out.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    records = list(corpuskit.load(built.release))
    assert len(rows) == len(records)
    for row, record in zip(rows, records, strict=True):
        assert list(row) == list(RECORD_FIELDS)
        for name in RECORD_FIELDS:
            want = getattr(record, name)
            if name == "normalization":
                assert tuple(json.loads(row[name])) == want
            elif want is None:
                assert row[name] == ""
            else:
                assert row[name] == str(want), (record.id, name)


def test_pandas_reads_the_csv(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    export(sample().release, "csv", tmp_path / "out.csv")
    frame = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    texts = [r.text for r in corpuskit.load(sample().release)]
    assert frame["text"].tolist() == texts


def test_dolma_format(tmp_path: Path) -> None:
    built = sample()
    export(built.archive, "dolma", tmp_path / "out.jsonl.gz")
    data = (tmp_path / "out.jsonl.gz").read_bytes()
    assert data[:2] == b"\x1f\x8b"
    assert data[3] & 0x08 == 0, "no file name in the gzip header"
    assert data[4:8] == b"\x00\x00\x00\x00", "gzip mtime must be 0"
    lines = gzip.decompress(data).decode("utf-8").splitlines()
    records = list(corpuskit.load(built.release))
    assert len(lines) == len(records)
    for line, record in zip(lines, records, strict=True):
        doc = json.loads(line)
        assert doc["id"] == record.id and doc["text"] == record.text
        assert doc["source"] == "consumer-sample"
        assert doc["added"] == "2023-11-14T22:13:20Z"
        assert doc.get("created") == record.date
        assert ("created" in doc) == (record.date is not None)
        metadata = doc["metadata"]
        assert metadata["package"] == "consumer-sample-2.1.0"
        for name in RECORD_FIELDS:
            if name not in ("id", "text"):
                value = metadata[name]
                assert (tuple(value) if name == "normalization" else value) == getattr(
                    record, name)


def test_dolma_records_match_their_schema(tmp_path: Path) -> None:
    """Each line of a dolma export has a schema, dolma.schema.json (QA: none described it,
    though schemas/ holds those of the files corpuskit writes); it refuses a record that is
    not one as corpuskit writes it."""
    out = tmp_path / "out.jsonl.gz"
    assert main(["export", str(sample().archive), "--format", "dolma", "--out", str(out)]) == 0
    docs = [json.loads(line) for line in gzip.decompress(out.read_bytes()).splitlines()]
    path = Path(__file__).resolve().parents[1] / "schemas" / "dolma.schema.json"
    schema = Draft202012Validator(json.loads(path.read_text("utf-8")),
                                  registry=schema_registry())
    for doc in docs:
        schema.validate(doc)
    assert {"created" in doc for doc in docs} == {True, False}, "dated and undated ones"
    doc = docs[0]
    bad = [{**doc, "created": None}, {**doc, "extra": 1}, {**doc, "added": "yesterday"},
           {**doc, "text": "no final line feed"}, {k: v for k, v in doc.items() if k != "id"},
           {**doc, "metadata": {**doc["metadata"], "chars": "3"}},
           {**doc, "metadata": {k: v for k, v in doc["metadata"].items() if k != "package"}},
           {**doc, "metadata": {**doc["metadata"], "source_encoding": "ebcdic"}}]
    for record in bad:
        assert not schema.is_valid(record), record


def test_cli_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "seeds.csv"
    assert main(["export", str(sample().archive), "--format", "csv", "--out", str(out),
                 "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["documents"] == 6 and result["path"] == str(out) and out.exists()


def _export_schema() -> Draft202012Validator:
    schema = Path(__file__).resolve().parents[1] / "schemas" / "export.schema.json"
    return Draft202012Validator(json.loads(schema.read_text("utf-8")))


def test_cli_export_json_matches_its_schema(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """The result, and a failure: --json printed nothing on stdout when export failed."""
    out = tmp_path / "seeds.csv"
    assert main(["export", str(sample().release), "--format", "csv", "--out", str(out),
                 "--json"]) == 0
    _export_schema().validate(json.loads(capsys.readouterr().out))
    damaged = Path(shutil.copytree(sample().release, tmp_path / "damaged"))
    with (damaged / "README.md").open("a", encoding="utf-8") as handle:
        handle.write("edited\n")
    assert main(["export", str(damaged), "--format", "csv", "--out", str(tmp_path / "d.csv"),
                 "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    _export_schema().validate(data)
    assert (data["package"], data["out"], data["format"]) == (str(damaged),
                                                              str(tmp_path / "d.csv"), "csv")
    # (text appended after the card's last section is a difference too: QA s83 consumer 1)
    assert sorted((p["path"], p["code"]) for p in data["problems"]) == [
        ("README.md", "checksum-mismatch"), ("README.md", "metadata-mismatch")]
    assert "failed verification" in data["error"]
    assert not (tmp_path / "d.csv").exists()


@pytest.mark.parametrize("damage", ["a truncated zip", "a folder of notes"])
def test_cli_export_json_names_a_problem_of_the_package_itself_as_dot(
        damage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A problem of PACKAGE itself (a zip cut short, and its seal; a folder that is no
    package) is "." in the failure JSON, as validate writes it, beside the paths inside
    the package (QA: "r1/trunc.zip", the path as typed, made the JSON depend on the folder
    the command ran from); stderr names it as given."""
    monkeypatch.chdir(tmp_path)
    Path("r1").mkdir()
    if damage == "a truncated zip":
        given, codes = "r1/trunc.zip", [("archive-error", ""),
                                        ("archive-seal-mismatch", "zip comment")]
        Path(given).write_bytes(sample().archive.read_bytes()[:5000])
    else:
        given, codes = "r1/notes", [("not-a-package", "")]
        Path(given).mkdir()
        Path(given, "a.txt").write_text("hi\n", "utf-8")
    assert main(["export", given, "--format", "csv", "--out", "x.csv", "--json"]) == 1
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    _export_schema().validate(data)
    assert data["package"] == given
    assert [(p["path"], p["code"], p["location"]) for p in data["problems"]] == [
        (".", code, location) for code, location in codes]
    assert f"error: {given}: " in captured.err
    assert not Path("x.csv").exists()


@pytest.mark.parametrize("fmt", ["csv", "dolma", "parquet"])
def test_export_to_standard_output_is_the_file_export(
        fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--out - streams to stdout the bytes a file export holds; no file named "-"."""
    monkeypatch.chdir(tmp_path)
    export(sample().archive, fmt, tmp_path / "file")
    done = subprocess.run([sys.executable, "-m", "corpuskit", "export", str(sample().archive),
                           "--format", fmt, "--out", "-"], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (tmp_path / "file").read_bytes()
    assert done.stderr.decode().startswith(f"wrote standard output ({fmt}, 6 documents, ")
    assert sorted(os.listdir(tmp_path)) == ["file"]


@pytest.mark.parametrize("given", ["a folder of notes", "a seeds folder"])
def test_no_package_with_out_inside_it_is_said_to_be_no_package(
        given: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder that is no package, with --out inside it, was refused as "inside the
    package" (exit 2, no failure JSON), where --out elsewhere said what it is (QA)."""
    from conftest import make_seeds

    if given == "a seeds folder":
        folder = make_seeds(tmp_path, {"a.txt": "A Title\n\nA document.\n"})
        said = "a seeds folder (it holds corpus.toml), not a package: build it"
    else:
        folder = tmp_path / "notes"
        folder.mkdir()
        (folder / "n.txt").write_text("notes\n", encoding="utf-8")
        said = "no datapackage.json here; pass a package folder or archive"
    capsys.readouterr()
    out = folder / "x.csv"
    assert main(["export", str(folder), "--format", "csv", "--out", str(out), "--json"]) == 1
    captured = capsys.readouterr()
    [problem] = json.loads(captured.out)["problems"]
    assert problem["code"] == "not-a-package" and said in problem["message"], problem
    assert "inside the package" not in captured.err and not out.exists()


def test_dot_slash_dash_is_a_file_named_dash(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """``--out ./-`` names a file called ``-``, as the library takes it; the CLI made it a
    Path, "-", and streamed the export to standard output (QA)."""
    monkeypatch.chdir(tmp_path)
    export(sample().archive, "csv", tmp_path / "file")
    capsys.readouterr()
    assert main(["export", str(sample().archive), "--format", "csv", "--out", "./-"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("wrote ./- (csv, 6 documents, ")
    assert (tmp_path / "-").read_bytes() == (tmp_path / "file").read_bytes()
    assert main(["export", str(sample().archive), "--format", "csv", "--out", "./-",
                 "--json"]) == 0  # a file: its result may go to standard output
    assert json.loads(capsys.readouterr().out)["path"] == "./-"  # --out as given
    (tmp_path / "-").unlink()
    result = export(sample().archive, "csv", Path("./-"))  # a Path is a file (QA: stdout)
    assert capsys.readouterr().out == "" and result.path == Path("-")
    assert (tmp_path / "-").read_bytes() == (tmp_path / "file").read_bytes()


@pytest.mark.parametrize("fmt", ["parquet", "dolma", "csv"])
def test_binary_bytes_are_not_written_to_a_terminal(fmt: str) -> None:
    """--out - wrote Parquet's (or gzip's) bytes straight to a terminal, where gzip itself
    refuses to (QA): a usage error, nothing written; CSV is text, and is written."""
    import pty

    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    leader, follower = pty.openpty()
    try:
        done = subprocess.run([sys.executable, "-m", "corpuskit", "export",
                               str(sample().archive), "--format", fmt, "--out", "-"],
                              stdout=follower, stderr=subprocess.PIPE, timeout=120)
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 1 << 16)
            except OSError:  # the terminal's other end is closed: all was read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    if fmt == "csv":
        assert done.returncode == 0 and shown.startswith(b"id,title,"), done.stderr
        return
    assert done.returncode == 2 and shown == b"", (done.returncode, shown[:40])
    assert f"--out - would write {fmt}'s binary bytes to the terminal; redirect them to a " \
        "file (> FILE), pipe them to a program, or give --out a file" in done.stderr.decode()


def test_export_to_standard_output_leaves_json_to_a_file(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(sample().archive), "--format", "csv", "--out", "-",
                 "--json"]) == 2
    assert capsys.readouterr().out == ""


def test_cli_export_usage_errors(tmp_path: Path) -> None:
    package = str(sample().release)
    assert main(["export", package, "--format", "xml", "--out", str(tmp_path / "x")]) == 2
    assert main(["export", package, "--format", "csv"]) == 2
    assert main(["export", package, "--format", "csv", "--out", str(tmp_path)]) == 2
    assert main(["export", package, "--format", "csv",
                 "--out", str(tmp_path / "no" / "such" / "x.csv")]) == 1


def test_library_errors_name_out_as_python_passes_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """export() called from Python said "--out ... is a folder" and "give --out a path",
    an option its caller never saw (QA); the CLI keeps its words."""
    from corpuskit.errors import OutputError, UsageError

    package = sample().archive
    missing = tmp_path / "missing" / "x.csv"
    with pytest.raises(UsageError) as folder:
        export(package, "csv", out=tmp_path)
    assert str(folder.value) == f"out={tmp_path} is a folder; give a file name"
    with pytest.raises(OutputError) as absent:
        export(package, "csv", out=missing)
    assert str(absent.value).endswith("or give out= a path in a folder that exists")
    assert "--out" not in f"{folder.value} {absent.value}"
    capsys.readouterr()
    assert main(["export", str(package), "--format", "csv", "--out", str(tmp_path)]) == 2
    assert f"--out {tmp_path} is a folder; give a file name" in capsys.readouterr().err
    assert main(["export", str(package), "--format", "csv", "--out", str(missing)]) == 1
    assert "or give --out a path in a folder that exists" in capsys.readouterr().err


def test_an_out_refused_is_a_value_error_of_a_class_corpuskit_exports(tmp_path: Path) -> None:
    """export(out=<a folder>) raised corpuskit.errors.UsageError, which corpuskit neither
    exported nor README named, and which is no ValueError, as README says a value an
    argument does not take is (QA: library 4); build's out= and cache= alike."""
    from corpuskit.errors import ArgumentError, UsageError

    assert corpuskit.UsageError is UsageError and "UsageError" in corpuskit.__all__
    package = copy_package(sample(), tmp_path)
    seeds = write_seeds(tmp_path / "seeds")
    refusals = [
        (lambda: export(package, "csv", out=tmp_path), "is a folder; give a file name"),
        (lambda: export(package, "csv", out=package / "x.csv"), "is inside the package"),
        (lambda: export(package, "csv", out=seeds / "x.csv"), "is inside the seeds folder"),
        (lambda: corpuskit.build(seeds, seeds / "dist"), "is inside the seeds folder"),
        (lambda: corpuskit.build(seeds, tmp_path / "dist", cache=tmp_path / "dist" / "c"),
         "is inside the output folder"),
    ]
    for refused_by, said in refusals:
        with pytest.raises(ValueError, match=said) as refused:
            refused_by()
        assert isinstance(refused.value, ArgumentError)
        assert isinstance(refused.value, corpuskit.UsageError)  # the CLI's exit 2
    assert not (tmp_path / "dist").exists() and not (seeds / "dist").exists()


@pytest.mark.parametrize("kind", ["fifo", "symlink", "link to a folder"])
def test_export_never_replaces_what_is_not_a_file(kind: str, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """An --out that is a pipe or a link is refused (exit 2) and left as it was: the
    export used to replace it with a file (as root, /dev/full too)."""
    out = tmp_path / "out.csv"
    if kind == "fifo":
        os.mkfifo(out)
    else:
        aim = tmp_path / ("aim.csv" if kind == "symlink" else "aim")
        if kind == "symlink":
            aim.write_text("kept")
        else:
            aim.mkdir()
        out.symlink_to(aim)
    before = os.lstat(out)
    capsys.readouterr()
    code = main(["export", str(sample().release), "--format", "csv", "--out", str(out)])
    assert code == 2
    assert "--out" in capsys.readouterr().err
    after = os.lstat(out)
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    if kind == "symlink":
        assert (tmp_path / "aim.csv").read_text() == "kept"


@pytest.mark.parametrize("where", ["data/documents.jsonl", "new.csv", "the archive"])
def test_export_never_writes_into_the_package(where: str, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Releases are never modified: an --out inside the package (or the archive itself,
    said to be it, not to be inside it) is refused, and the package stays valid."""
    if where == "the archive":
        source = out = tmp_path / sample().archive.name
        shutil.copyfile(sample().archive, source)
    else:
        source = tmp_path / sample().release.name
        shutil.copytree(sample().release, source)
        out = source / where
    capsys.readouterr()
    assert main(["export", str(source), "--format", "csv", "--out", str(out)]) == 2
    where = "is the package" if where == "the archive" else "is inside the package"
    assert f"--out {out} {where} {source};" in capsys.readouterr().err
    assert main(["validate", str(source)]) == 0


@pytest.mark.parametrize("out", ["elsewhere", "in the folder of releases", "standard output"])
def test_a_folder_of_releases_names_the_release_to_export(
        out: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """'export dist' said "no datapackage.json here", or, with --out in dist, that --out
    was "inside the package dist" (QA): it names the release to pass, as info does, exit
    1, and writes nothing; corpuskit.load says the same."""
    dist = tmp_path / "dist"
    shutil.copytree(sample().release.parent, dist)
    before = sorted(p.name for p in dist.iterdir())
    target = {"elsewhere": str(tmp_path / "out.csv"), "in the folder of releases":
              str(dist / "out.csv"), "standard output": "-"}[out]
    release = dist / sample().release.name
    name = release.name.rsplit("-", 1)[0]
    said = (f"error: {dist}: a folder of releases, not one package; pass one of its "
            f"releases: {release} (or its .zip), the only release of {name} "
            "[not-a-package]")
    capsys.readouterr()
    assert main(["export", str(dist), "--format", "csv", "--out", target]) == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines()[0] == said and captured.out == ""
    assert sorted(p.name for p in dist.iterdir()) == before
    assert not (tmp_path / "out.csv").exists()
    with pytest.raises(corpuskit.InputError) as refused:
        corpuskit.load(dist)
    assert [f"error: {p.path}: {p.message} [{p.code}]" for p in refused.value.problems] \
        == [said]


def test_a_seeds_folder_is_told_to_be_built_first(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """'export seeds' said "no datapackage.json here; pass a package folder or archive"
    (QA): it names the seeds folder and the build that makes a release of it (its path
    quoted for the shell), exit 1, nothing written; corpuskit.load says the same."""
    seeds = tmp_path / "my seeds"
    shutil.copytree(Path(__file__).resolve().parents[1] / "seeds", seeds)
    said = (f"error: {seeds}: a seeds folder (it holds corpus.toml), not a package: build "
            f"it ('corpuskit build \"{seeds}\"'), then pass the release it writes "
            "(dist/<name>-<version> or its .zip) [not-a-package]")
    capsys.readouterr()
    out = tmp_path / "out.csv"
    assert main(["export", str(seeds), "--format", "csv", "--out", str(out)]) == 1
    assert capsys.readouterr().err.splitlines()[0] == said
    assert not out.exists()
    with pytest.raises(corpuskit.InputError) as refused:
        corpuskit.load(seeds)
    assert [f"error: {p.path}: {p.message} [{p.code}]" for p in refused.value.problems] \
        == [said]


@pytest.mark.parametrize(("source_kind", "target"), [
    ("folder", "its zip"), ("zip", "its folder's records"), ("folder", "another release"),
])
def test_export_never_writes_over_another_release(source_kind: str, target: str,
                                                  tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Not the package's own zip beside its folder, nor a file in its folder when
    exporting from the zip, nor another release folder: each used to be overwritten."""
    dist = tmp_path / "dist"
    dist.mkdir()
    folder = dist / sample().release.name
    archive = dist / sample().archive.name
    shutil.copytree(sample().release, folder)
    shutil.copyfile(sample().archive, archive)
    other = tmp_path / "mirror" / sample().release.name  # a release folder elsewhere
    shutil.copytree(sample().release, other)
    source = folder if source_kind == "folder" else archive
    out = {"its zip": archive, "its folder's records": folder / "data" / "documents.jsonl",
           "another release": other / "data" / "export.csv"}[target]
    capsys.readouterr()
    assert main(["export", str(source), "--format", "csv", "--out", str(out)]) == 2
    assert "a corpuskit release; releases are never modified" in capsys.readouterr().err
    assert main(["validate", str(folder), str(archive), str(other)]) == 0


def test_export_replaces_an_existing_file_only_when_done(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    out.write_text("old")
    export(sample().release, "csv", out)
    assert out.read_text("utf-8").startswith("id,title,date")


def test_an_export_removes_what_killed_exports_to_its_file_left(tmp_path: Path) -> None:
    """A killed export of an earlier corpuskit left a scratch folder (a partial file in it)
    beside the target; the next export to that file removes it, never one of a running
    export or of another file (temporary files: tests/test_export_writes.py)."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    orphan = tmp_path / f".corpuskit-tmp-out.csv-{dead.pid}-abcd_123"
    running = tmp_path / f".corpuskit-tmp-out.csv-{os.getpid()}-efgh_456"
    other = tmp_path / f".corpuskit-tmp-out.csv-2-{dead.pid}-ijkl_789"
    for scratch in (orphan, running, other):
        scratch.mkdir()
        (scratch / "out.csv").write_text("partial")
    export(sample().release, "csv", tmp_path / "out.csv")
    assert not orphan.exists()
    assert running.exists() and other.exists()
    assert (tmp_path / "out.csv").read_text("utf-8").startswith("id,title,date")


@pytest.mark.parametrize("kind", ["folder", "archive"])
def test_export_names_each_problem_file_as_validate_does(
        kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A refused package's problem lines named the file alone ("error: README.md: sha256
    is ..."), with no word of the package: now as validate names it, joined to the
    package (``<folder>/README.md``, ``<archive>:README.md``)."""
    import zipfile

    from _validate_support import sealed

    if kind == "folder":
        package = Path(shutil.copytree(sample().release, tmp_path / sample().release.name))
        with (package / "README.md").open("a", encoding="utf-8") as handle:
            handle.write("edited\n")
        shown = f"{package}/README.md"
    else:
        package = tmp_path / sample().archive.name
        rewritten = io.BytesIO()
        with zipfile.ZipFile(sample().archive) as source, \
                zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                data = source.read(info)
                if info.filename.endswith("/README.md"):
                    data += b"edited\n"
                target.writestr(info, data)
        package.write_bytes(sealed(rewritten.getvalue()))
        shown = f"{package}:README.md"
    capsys.readouterr()
    assert main(["export", str(package), "--format", "csv",
                 "--out", str(tmp_path / "out.csv")]) == 1
    lines = [line for line in capsys.readouterr().err.splitlines()
             if line.startswith("error: ")]
    assert any(line.startswith(f"error: {shown}: sha256 is ") and
               line.endswith(" [checksum-mismatch]") for line in lines), lines
    assert main(["validate", str(package)]) == 1
    validated = capsys.readouterr().out.splitlines()
    for line in lines:  # each file named as validate names it
        where = line.removeprefix("error: ").split(": ")[0].rsplit(":", 1)[0] \
            if kind == "archive" else line.removeprefix("error: ").split(": ")[0]
        assert where.startswith(str(package))
        assert any(seen.startswith(f"{where}:") for seen in validated), (where, validated)
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("stdout", ["full", "closed"])
def test_export_to_a_standard_output_that_fails_says_so(stdout: str) -> None:
    """A disk full behind the redirection, or no standard output at all: one line and
    exit 1, never a traceback (validate --format json the same)."""
    commands = [["export", str(sample().archive), "--format", "csv", "--out", "-"],
                ["validate", "--format", "json", str(sample().archive)]]
    for args in commands:
        with open(os.devnull if stdout == "closed" else "/dev/full", "wb") as sink:
            done = subprocess.run([sys.executable, "-m", "corpuskit", *args], stdout=sink,
                                  stderr=subprocess.PIPE, text=True, timeout=120,
                                  preexec_fn=(lambda: os.close(1)) if stdout == "closed"
                                  else None)
        if stdout == "closed" and args[0] == "validate":
            continue  # click writes nothing where there is no stdout: nothing to report
        assert done.returncode == 1, (args, done.stderr)
        assert "Traceback" not in done.stderr
        assert done.stderr.startswith("corpuskit: error: cannot write"), done.stderr


class _ClosedAfterOneWrite(io.BytesIO):
    """A binary stream its reader closes once it has taken one write."""

    def write(self, data: object) -> int:
        written = super().write(data)  # type: ignore[arg-type]
        self.close()
        return written


@pytest.mark.parametrize("stdout", ["text only", "closed", "closed while written"])
def test_a_python_callers_stdout_that_takes_no_bytes_is_told_so(
        stdout: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """export(..., "-") where sys.stdout is an io.StringIO (redirect_stdout) said stdout
    was closed, which it was not, and where sys.stdout was closed ended in a bare
    "ValueError: I/O operation on closed file" (QA: api 4). Each is an OutputError
    saying what is wrong and to give out= a file."""
    if stdout == "text only":
        stream: io.TextIOBase = io.StringIO()
    else:
        stream = io.TextIOWrapper(_ClosedAfterOneWrite() if stdout == "closed while written"
                                  else io.BytesIO(), encoding="utf-8")
        if stdout == "closed":
            stream.close()
    monkeypatch.setattr(sys, "stdout", stream)
    with pytest.raises(corpuskit.OutputError) as refused:
        export(sample().archive, "csv", "-")
    said = str(refused.value)
    assert said.startswith("cannot write the export to standard output: sys.stdout is ")
    assert said.endswith("give out= a file, and read the export from it" if stdout ==
                         "text only" else "give out= a file, or export while it is open")
    assert ("a text stream (StringIO) with no binary buffer" in said) == (stdout == "text only")


def test_parquet_export_without_pyarrow_says_only_what_to_install(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Its advice was to set parquet = false in corpus.toml, which no export reads (QA)."""
    import builtins

    built = sample(parquet=False)
    real_import = builtins.__import__

    def no_pyarrow(name: str, *args: object, **kwargs: object) -> object:
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise ModuleNotFoundError(name, name=name)  # (what Python raises)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    for module in [m for m in sys.modules if m == "pyarrow" or m.startswith("pyarrow.")]:
        monkeypatch.delitem(sys.modules, module)
    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    out = tmp_path / "out.parquet"
    assert main(["export", str(built.release), "--format", "parquet", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.strip() == ("corpuskit: error: writing Parquet needs pyarrow, which is not "
                           f"installed: {INSTALL_PARQUET}")
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_export_of_a_package_with_a_file_this_user_may_not_read(tmp_path: Path) -> None:
    """A raw file this user may not read (mode 600, another's) made export say "the
    package was modified, damaged or renamed: do not use it as it is" of an intact
    package (QA). It now says the file cannot be read and what to do."""
    from _consumers import copy_package
    from reliability_support import (
        child_env,
        cli_command,
        drop_file_permission_override,
        permission_bits_enforceable,
    )

    if (why := permission_bits_enforceable()) is not None:
        pytest.skip(why)
    package = copy_package(sample(), tmp_path)
    raw = next(p for p in sorted((package / "data" / "raw").rglob("*")) if p.is_file())
    raw.chmod(0)
    out = tmp_path / "out.csv"
    failed = subprocess.run(cli_command(["export", str(package), "--format", "csv",
                                         "--out", str(out)]),
                            capture_output=True, text=True, env=child_env(),
                            preexec_fn=drop_file_permission_override)
    assert failed.returncode == 1, failed.stderr
    last = failed.stderr.strip().splitlines()[-1]
    assert last == (f"corpuskit: {package} cannot be verified: "
                    f"{raw.relative_to(package).as_posix()} cannot be "
                    f"read by this user; make it readable (chmod -R a+rX {package}), or run "
                    "corpuskit as its owner, then run it again"), failed.stderr
    assert "modified, damaged" not in failed.stderr and not out.exists()


def test_an_unverified_exports_records_error_names_the_package(tmp_path: Path) -> None:
    """export(verify=False) of a package with a record refused as it is read said "1
    problem found: data/documents.jsonl:line 4", naming no package (QA)."""
    package = copy_package(sample(), tmp_path)
    records = package / "data/documents.jsonl"
    lines = records.read_bytes().splitlines(keepends=True)
    records.write_bytes(b"".join([*lines[:3], lines[2], *lines[3:]]))  # a record twice
    with pytest.raises(corpuskit.InputError) as refused:
        export(package, "csv", tmp_path / "out.csv", verify=False)
    assert refused.value.summary == f"{package}: 1 problem found"
    assert [(p.path, p.code, p.location) for p in refused.value.problems] == [
        ("data/documents.jsonl", "order-error", "line 4")]
    assert not (tmp_path / "out.csv").exists()


def _first_line_cut_told(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                         cut: Callable[[bytes], bytes]) -> str:
    """What validate says of a package whose first record line is ``cut`` (its LF kept),
    asserted to be what export --no-verify says of it: one problem, on line 1."""
    package = copy_package(sample(), tmp_path)
    records = package / "data" / "documents.jsonl"
    lines = records.read_bytes().splitlines(keepends=True)
    lines[0] = cut(lines[0]) + b"\n"
    records.write_bytes(b"".join(lines))
    capsys.readouterr()
    assert main(["validate", str(package)]) == 1
    said = [line.split(": ", 1)[1] for line in capsys.readouterr().out.splitlines()
            if line.startswith(f"{records}:line 1: ")]
    assert main(["export", str(package), "--format", "csv", "--no-verify",
                 "--out", str(tmp_path / "out.csv")]) == 1
    told = [line.split(": ", 2)[2] for line in capsys.readouterr().err.splitlines()
            if line.startswith(f"error: {records}:line 1: ")]
    assert said == told and len(said) == 1, (said, told)
    return said[0]


def test_a_record_line_cut_short_is_told_so_by_validate_and_export_alike(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A line of data/documents.jsonl cut short in its text (its LF kept): validate said
    "unexpected end of data" and export --no-verify "unexpected control character in
    string", the LF read into the string (QA s87). Both say what it is, the same way
    (schemacheck.not_json)."""
    said = _first_line_cut_told(tmp_path, capsys, lambda first: first[
        :first.index(b'"text":') + 30])
    assert said.startswith("not valid JSON: the line ends inside a string: it was cut "
                              "short (truncated): line 1 column "), said


@pytest.mark.parametrize("cut", [b',', b',  ', b'', b',"title":'])
def test_a_record_line_cut_short_outside_a_string_is_placed_alike(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], cut: bytes) -> None:
    """A line of data/documents.jsonl cut short outside a string (``{"id":"a","x":1,``
    then its LF): validate, which parses the line without its LF, placed it at "line 1
    column N" and export --no-verify (and load), which parse it with it, at "line 2 column
    1", a line the record line has not (QA s87). Both place it where the line ends
    (schemacheck.not_json)."""
    said = _first_line_cut_told(tmp_path, capsys, lambda first: first[
        :first.index(b'"text":') - 1] + cut)
    assert "line 1 column " in said and "line 2" not in said, said
