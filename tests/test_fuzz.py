"""Property-based fuzzing (hypothesis) of the per-document pipeline and of ``validate``.

Pipeline, over arbitrary bytes, encoded arbitrary text and document-shaped text:
- decode / normalize / extract / process_document raise nothing but ``DocumentProblem``;
- the recorded codec replays the decoded text; no replacement character is invented;
- normalization is idempotent (and records no step the second time), and replaying the
  recorded steps gives the same text;
- every record validates against ``schemas/document.schema.json`` and keeps the
  invariants the schema's regular expressions cannot state exactly.

Validate, over packages, manifests and archives mutated at random (bytes flipped, inserted,
deleted, files truncated, removed or added, manifest lines edited, zip header fields
rewritten): it always returns a report, never raises, never hangs (a timeout), stays within
a memory bound, and reports every mutation (exit 1): the manifests corpuskit writes are
held to their exact form, and an archive's seal covers every byte of it.

Each property runs twice: a few examples in the default run, many under ``-m fuzz``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import resource
import shutil
import signal
import struct
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from reliability_support import DOCS_V1, EPOCH, REPO, write_seeds

import corpuskit
from corpuskit.config import (
    FAITHFUL_STEPS,
    LOSSY_STEPS,
    DecodeConfig,
    ExtractConfig,
    NormalizeConfig,
    ProcessConfig,
)
from corpuskit.decoding.decode import decode, decode_with
from corpuskit.extract import extract
from corpuskit.models import DocumentProblem, RawDocument, Record
from corpuskit.normalize import ALWAYS, normalize, replay
from corpuskit.records import process_document, record_json

FAST = settings(max_examples=40, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
DEEP = settings(max_examples=1500, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
#: Seconds one validation may take on the small test package before it counts as a hang.
VALIDATE_TIMEOUT = 20
#: Resident memory the validate fuzzing may add to the test process.
VALIDATE_MEMORY = 300 * 1024 * 1024

DOCUMENT_SCHEMA = Draft202012Validator(
    json.loads((REPO / "schemas" / "document.schema.json").read_text("utf-8")),
    format_checker=Draft202012Validator.FORMAT_CHECKER)


# -- strategies ----------------------------------------------------------------------------

TRICKY = ["\r\n", "\r", "\n", "\n\n\n", "\u00a0", "\u200b", "\u2060", "\ufeff", "\t", " ",
          "\u0301", "e\u0301", "\u00e9", "\u2019", "\u201c", "\u2026", "Ã©", "â€™", "\x00",
          "\x07", "\x1b", "\u2028", "\u2029", "\x85", "\u202e", "\ufffd", "ß", "ﬁ", "😀",
          "\U000e0001", "\x0c", "\x0b", "© 2023 Someone. All rights reserved.",
          "2023-08-25", "25 August 2023", "August 25, 2023", "1999-02-30"]

texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)
tricky_texts = st.lists(st.one_of(st.sampled_from(TRICKY), texts), max_size=12).map("".join)


@st.composite
def documents(draw: st.DrawFn) -> str:
    """Text shaped like a document: title, date, paragraphs, rights, odd line endings."""
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    parts = [draw(st.one_of(texts, st.sampled_from(["A title", "Title: sub", "é" * 250])))]
    parts += draw(st.lists(st.sampled_from(["2023-08-25", "Aug 25, 2023", "25.08.2023",
                                            "2023-02-29", "0000-01-01"]), max_size=1))
    parts += draw(st.lists(tricky_texts, min_size=0, max_size=4))
    parts += draw(st.lists(st.sampled_from(["© 2023 Harbour Gazette. All rights reserved.",
                                            "(c) someone", "Copyright"]), max_size=1))
    spacing = draw(st.sampled_from([end, end * 2, end * 3 + "  ", end + " \t" + end]))
    return spacing.join(parts) + draw(st.sampled_from(["", end, end * 4]))


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252",
             "cp1250", "cp1251", "koi8-r", "gb18030", "latin-1", "shift_jis", "mac_roman"]


@st.composite
def raw_inputs(draw: st.DrawFn) -> bytes:
    """Arbitrary bytes, or text in some encoding, possibly cut or damaged."""
    kind = draw(st.sampled_from(["bytes", "encoded", "encoded", "damaged"]))
    if kind == "bytes":
        return draw(st.binary(max_size=600))
    text = draw(st.one_of(documents(), tricky_texts, texts))
    data = text.encode(draw(st.sampled_from(ENCODINGS)), errors="ignore")
    if kind == "damaged" and data:
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=4)) + data[cut + 1:]
    return data


@st.composite
def process_configs(draw: st.DrawFn) -> ProcessConfig:
    faithful = tuple(s for s in FAITHFUL_STEPS if draw(st.booleans()) or draw(st.booleans()))
    lossy = tuple(s for s in LOSSY_STEPS if draw(st.booleans()))
    language = draw(st.booleans())
    return ProcessConfig(
        decode=DecodeConfig(),
        normalize=NormalizeConfig(faithful + lossy),
        extract=ExtractConfig(title=draw(st.booleans()), date=draw(st.booleans()),
                              rights=draw(st.booleans()), language=language,
                              title_max_chars=draw(st.sampled_from([1, 80, 200]))),
    )


DEFAULT = ProcessConfig()
ALL_STEPS = NormalizeConfig(FAITHFUL_STEPS + LOSSY_STEPS)


# -- pipeline properties -------------------------------------------------------------------

def check_record(record: Record, raw: RawDocument, config: ProcessConfig) -> None:
    data = json.loads(record_json(record))
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in DOCUMENT_SCHEMA.iter_errors(data)]
    assert not errors, errors
    text = record.text
    assert text.endswith("\n") and not text.endswith("\n\n") and not text.startswith("\n")
    assert record.chars == len(text) and record.paragraphs >= 1
    assert record.words == len(text.split())
    assert record.text_sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert record.source_sha256 == hashlib.sha256(raw.data).hexdigest()
    assert record.source_bytes == len(raw.data)
    for value in (record.title, record.rights):
        assert value is None or ("\n" not in value and value == value.strip() and value)
    if record.date is not None:
        assert dt.date.fromisoformat(record.date).isoformat() == record.date
    steps = config.normalize.steps
    assert "\r" not in text  # line endings are structural: always normalized
    if "nfc" in steps or "nfkc" in steps:
        assert unicodedata.is_normalized("NFC", text)
    if "remove-bom" in steps:
        assert "\ufeff" not in text
    assert set(record.normalization) <= set(steps) | ALWAYS


def check_pipeline(data: bytes, config: ProcessConfig) -> None:
    raw = RawDocument("doc", "doc.txt", data)
    try:
        decoded = decode(raw, config.decode)
    except DocumentProblem as problem:
        assert problem.problem.path == "doc.txt"
        with pytest.raises(DocumentProblem):
            process_document(raw, config)
        return
    assert decode_with(data, decoded.encoding) == decoded.text, "the codec does not replay"
    text, steps = normalize(decoded.text, config.normalize)
    assert replay(decoded.text, steps) == text, "the recorded steps do not replay"
    assert normalize(text, config.normalize) == (text, ()), "normalization is not idempotent"
    try:
        record = process_document(raw, config)
    except DocumentProblem as problem:
        assert problem.problem.code in {"empty-document", "binary-file", "undecodable"}
        return
    check_record(record, raw, config)


@FAST
@given(data=raw_inputs(), config=process_configs())
def test_pipeline_on_arbitrary_input(data: bytes, config: ProcessConfig) -> None:
    check_pipeline(data, config)


@pytest.mark.fuzz
@DEEP
@given(data=raw_inputs(), config=process_configs())
def test_pipeline_on_arbitrary_input_deep(data: bytes, config: ProcessConfig) -> None:
    check_pipeline(data, config)


def check_normalize(text: str) -> None:
    for config in (NormalizeConfig(), ALL_STEPS, NormalizeConfig(("nfc",)), NormalizeConfig(())):
        once, steps = normalize(text, config)
        assert normalize(once, config) == (once, ()), config.steps
        assert replay(text, steps) == once
        extracted = extract(once, ExtractConfig(language=False))
        assert extracted.text.endswith("\n")


@FAST
@given(text=st.one_of(tricky_texts, documents(), texts))
def test_normalize_is_idempotent(text: str) -> None:
    check_normalize(text)


@pytest.mark.fuzz
@DEEP
@given(text=st.one_of(tricky_texts, documents(), texts))
def test_normalize_is_idempotent_deep(text: str) -> None:
    check_normalize(text)


@FAST
@given(text=st.one_of(documents(), tricky_texts))
def test_default_pipeline_on_document_text(text: str) -> None:
    check_pipeline(text.encode("utf-8"), DEFAULT)


# -- validate on mutated packages ----------------------------------------------------------

@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small package (folder and zip, with a published ``.zip.sha256``) to damage."""
    root = tmp_path_factory.mktemp("fuzz-package")
    seeds = write_seeds(root / "seeds", {**DOCS_V1,
                                         "sub/café.txt": "Café\n\nUne note écrite au café.\n",
                                         "100 per cent #1.txt":
                                             "Percent\n\nA name with spaces and a hash.\n"})
    result = corpuskit.build(seeds, root / "out", jobs=1, source_date_epoch=EPOCH)
    digest = hashlib.sha256(result.archive.read_bytes()).hexdigest()
    result.archive.with_name(result.archive.name + ".sha256").write_text(
        f"{digest}  {result.archive.name}\n")
    assert corpuskit.validate(result.release, jobs=1).valid
    assert corpuskit.validate(result.archive, jobs=1).valid
    return result.release


#: ``data.draw`` of ``st.data()``: draws one value from a strategy.
Draw = Callable[[st.SearchStrategy[Any]], Any]


class Hang(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def alarm(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"validate took more than {seconds} s")
    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def validated(target: Path) -> corpuskit.ValidationReport:
    with time_limit(VALIDATE_TIMEOUT):
        report = corpuskit.validate(target, jobs=1)
    assert isinstance(report, corpuskit.ValidationReport)
    codes = [p.code for p in report.problems]
    assert "internal-error" not in codes, [p.render() for p in report.problems]
    assert report.valid == (not report.problems)
    return report


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() or p.is_symlink()}


def byte_mutation(draw: Draw, data: bytes) -> bytes:
    """One random change of ``data`` (the result always differs)."""
    ops = ["flip", "insert"] + (["delete", "truncate"] if data else [])
    op = draw(st.sampled_from(ops))
    if op == "flip":
        at = draw(st.integers(0, len(data) - 1)) if data else 0
        if not data:
            return b"\x00"
        mask = draw(st.integers(1, 255))
        return data[:at] + bytes([data[at] ^ mask]) + data[at + 1:]
    if op == "insert":
        at = draw(st.integers(0, len(data)))
        inserted: bytes = draw(st.binary(min_size=1, max_size=8))
        return data[:at] + inserted + data[at:]
    if op == "delete":
        at = draw(st.integers(0, len(data) - 1))
        return data[:at] + data[at + draw(st.integers(1, 16)):]
    return data[:draw(st.integers(0, len(data) - 1))]


def line_mutation(draw: Draw, data: bytes) -> bytes:
    """Edit a manifest-like file line by line."""
    lines = data.splitlines(keepends=True)
    if not lines:
        return b"x\n"
    op = draw(st.sampled_from(["drop", "duplicate", "swap-hash", "add", "path", "case"]))
    index = draw(st.integers(0, len(lines) - 1))
    line = lines[index]
    if op == "drop":
        del lines[index]
    elif op == "duplicate":
        lines.insert(draw(st.integers(0, len(lines))), line)
    elif op == "swap-hash" and len(lines) > 1:
        other = lines[(index + 1) % len(lines)]
        lines[index] = other[:64] + line[64:]
    elif op == "add":
        lines.append(b"0" * 64 + b"  data/raw/" + draw(st.binary(min_size=1, max_size=8)) + b"\n")
    elif op == "path":
        lines[index] = line[:66] + b"x" + line[66:]
    else:
        lines[index] = line.upper() if line.upper() != line else line + b" "
    result = b"".join(lines)
    return result if result != data else data + b"\n"


#: The one file no checksum covers: validate holds it to the exact form corpuskit writes.
UNCOVERED = "tagmanifest-sha256.txt"


def check_mutated_folder(package: Path, draw: Draw) -> None:
    original = files_of(package)
    with tempfile.TemporaryDirectory() as work:
        target = Path(work) / package.name
        shutil.copytree(package, target, symlinks=True)
        names = sorted(original)
        action = draw(st.sampled_from(["bytes", "bytes", "lines", "remove", "add"]))
        if action == "add":
            rel = "data/" + draw(st.sampled_from(["raw/extra.txt", "extra", ".hidden",
                                                  "raw/sub/new.txt"]))
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            (target / rel).write_bytes(draw(st.binary(max_size=20)))
        else:
            rel = draw(st.sampled_from(names))
            path = target / rel
            if action == "remove":
                path.unlink()
            elif action == "lines":
                path.write_bytes(line_mutation(draw, path.read_bytes()))
            else:
                path.write_bytes(byte_mutation(draw, path.read_bytes()))
        report = validated(target)
        assert not report.valid, (action, rel, files_of(target).get(rel))


def zip_field_mutation(draw: Draw, data: bytes) -> bytes:
    """Rewrite one field of a central directory or local header with a random value."""
    signatures = [(b"PK\x01\x02", [(10, "H"), (16, "I"), (20, "I"), (24, "I"), (28, "H"),
                                   (30, "H"), (38, "I"), (42, "I")]),
                  (b"PK\x03\x04", [(6, "H"), (8, "H"), (14, "I"), (18, "I"), (22, "I"),
                                   (26, "H"), (28, "H")]),
                  (b"PK\x05\x06", [(8, "H"), (10, "H"), (12, "I"), (16, "I"), (20, "H")])]
    signature, fields = draw(st.sampled_from(signatures))
    starts = [i for i in range(len(data)) if data.startswith(signature, i)]
    if not starts:
        return byte_mutation(draw, data)
    start = draw(st.sampled_from(starts))
    offset, kind = draw(st.sampled_from(fields))
    size = struct.calcsize("<" + kind)
    value = draw(st.sampled_from([0, 1, 0x7F, 0xFFFF, 0xFFFFFFFF, 0x7FFFFFFF])) & (
        (1 << (8 * size)) - 1)
    value = draw(st.one_of(st.just(value), st.integers(0, (1 << (8 * size)) - 1)))
    packed = struct.pack("<" + kind, value)
    at = start + offset
    mutated = data[:at] + packed + data[at + size:]
    return mutated if mutated != data else byte_mutation(draw, data)


def check_mutated_archive(package: Path, draw: Draw) -> None:
    archive = package.with_name(package.name + ".zip")
    sidecar = archive.with_name(archive.name + ".sha256")
    original = archive.read_bytes()
    with tempfile.TemporaryDirectory() as work:
        target = Path(work) / archive.name
        kind = draw(st.sampled_from(["bytes", "fields"]))
        mutated = (byte_mutation(draw, original) if kind == "bytes"
                   else zip_field_mutation(draw, original))
        target.write_bytes(mutated)
        # the seal covers every byte: any change is reported, with or without the
        # published checksum beside the archive; a file left with no zip's start (cut to
        # nothing, or to a few bytes) is no zip at all, and told so alone (not-a-package)
        told = {"archive-seal-mismatch"}
        if not mutated.startswith((b"PK\x03\x04", b"PK\x05\x06")):
            told.add("not-a-package")
        shutil.copyfile(sidecar, target.with_name(sidecar.name))
        report = validated(target)
        assert (told | {"checksum-mismatch"}) & {p.code for p in report.problems}
        target.with_name(sidecar.name).unlink()
        report = validated(target)
        assert told & {p.code for p in report.problems}, kind


@contextlib.contextmanager
def memory_bound(limit: int) -> Iterator[None]:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    yield
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before
    assert grown <= limit, f"peak memory grew by {grown} bytes"


def run_bounded(check: Callable[[], None]) -> None:
    with memory_bound(VALIDATE_MEMORY):
        check()


FOLDER_FAST = settings(FAST, max_examples=60)


@FOLDER_FAST
@given(data=st.data())
def test_validate_mutated_folder(package: Path, data: st.DataObject) -> None:
    run_bounded(lambda: check_mutated_folder(package, data.draw))


@FAST
@given(data=st.data())
def test_validate_mutated_archive(package: Path, data: st.DataObject) -> None:
    run_bounded(lambda: check_mutated_archive(package, data.draw))


@pytest.mark.fuzz
@settings(DEEP, max_examples=800)
@given(data=st.data())
def test_validate_mutated_folder_deep(package: Path, data: st.DataObject) -> None:
    run_bounded(lambda: check_mutated_folder(package, data.draw))


@pytest.mark.fuzz
@settings(DEEP, max_examples=800)
@given(data=st.data())
def test_validate_mutated_archive_deep(package: Path, data: st.DataObject) -> None:
    run_bounded(lambda: check_mutated_archive(package, data.draw))


def test_validate_cli_reports_a_mutated_package(package: Path, tmp_path: Path) -> None:
    """The CLI on a damaged package: exit 1, a report, no traceback."""
    from reliability_support import run_here

    target = Path(shutil.copytree(package, tmp_path / package.name))
    path = target / "data" / "documents.jsonl"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    archive = tmp_path / "broken.zip"
    archive.write_bytes(package.with_name(package.name + ".zip").read_bytes()[:-100])
    for args in ([target], [archive], [target, "--format", "json"], [archive, "--format",
                                                                     "github"]):
        done = run_here(["validate", *args, "--jobs", "1"])
        assert done.code == 1, done.stderr
        assert "Traceback" not in done.stderr and done.stdout


def test_one_flipped_byte_in_the_tag_manifest_is_detected(package: Path,
                                                          tmp_path: Path) -> None:
    """A separator space of the uncovered tag manifest changed to a tab: reported there."""
    target = Path(shutil.copytree(package, tmp_path / package.name))
    path = target / UNCOVERED
    data = path.read_bytes()
    at = data.index(b"  ")
    path.write_bytes(data[:at] + b"\t" + data[at + 1:])
    report = validated(target)
    assert [(p.path, p.code, p.location) for p in report.problems] == [
        (UNCOVERED, "bagit-error", "line 1")], report.problems

