"""Documents processed a batch at a time (records.process_documents_reported, what build
workers run) give each document's own record or problem, in order, whatever happens to
the batch's language identification."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import pytest
from conftest import make_seeds
from test_language import deterministic_texts

from corpuskit import build, records
from corpuskit.config import ProcessConfig
from corpuskit.extract import languages
from corpuskit.fallbacks import STRICT_VARIABLE
from corpuskit.models import DocumentProblem, RawDocument, Record
from corpuskit.problems import Problem


def _raws() -> list[RawDocument]:
    texts = [t for t in deterministic_texts(60, seed="batch records") if t.strip()]
    raws = [RawDocument(f"d{i:03d}", f"d/{i:03d}.txt", f"Title {i}\n\n{text}\n".encode())
            for i, text in enumerate(texts)]
    raws.insert(3, RawDocument("empty", "empty.txt", b" \n\t\n"))  # no text once normalized
    raws.insert(9, RawDocument("nul", "nul.txt", b"\x00\x00\x00"))
    raws.append(RawDocument("latin1", "latin1.txt", "Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e, "
                                                    "d\u00e9j\u00e0 vu.\n".encode("cp1252")))
    return raws


def _one_by_one(raws: list[RawDocument], config: ProcessConfig) -> list[Record | Problem]:
    outcomes: list[Record | Problem] = []
    for raw in raws:
        try:
            outcomes.append(records.process_document_reported(raw, config))
        except DocumentProblem as bad:
            outcomes.append(bad.problem)
    return outcomes


@pytest.fixture(scope="module")
def config() -> ProcessConfig:
    return ProcessConfig()


def test_a_batch_gives_each_documents_record_or_problem_in_order(config: ProcessConfig
                                                                 ) -> None:
    raws = _raws()
    expected = _one_by_one(raws, config)
    assert {type(outcome) for outcome in expected} == {Record, Problem}
    assert len({o.language for o in expected if isinstance(o, Record)}) > 3
    assert records.process_documents_reported(raws, config) == expected
    assert records.process_documents_reported([], config) == []


def test_a_failing_batch_identification_is_done_again_document_by_document(
        config: ProcessConfig, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STRICT_VARIABLE)  # the fallback itself
    raws = _raws()
    expected = _one_by_one(raws, config)
    _batches_fail(monkeypatch)
    assert records.process_documents_reported(raws, config) == expected


def _batches_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    """Language identification of a batch of documents fails as a bug would; of one
    document alone, it works."""
    def only_alone(bodies: Any, extract: Any) -> list[str]:
        if len(bodies) > 1:
            raise ValueError("a bug in the batch")
        return languages(bodies, extract)

    monkeypatch.setattr(records, "languages", only_alone)

def test_a_failing_batch_identification_is_an_error_under_corpuskit_strict(
        config: ProcessConfig, monkeypatch: pytest.MonkeyPatch) -> None:
    """Done again document by document, a bug of the batched path only made a build
    slower: the tests (CORPUSKIT_STRICT=1) see it (QA s83 review, finding 7)."""
    monkeypatch.setenv(STRICT_VARIABLE, "1")
    _batches_fail(monkeypatch)
    with pytest.raises(ValueError, match="a bug in the batch"):
        records.process_documents_reported(_raws(), config)


@pytest.mark.parametrize("exhausted", [OSError(errno.EMFILE, "Too many open files"),
                                       OSError(errno.ENOMEM, "Cannot allocate memory")])
def test_running_out_in_the_batch_identification_is_raised_at_once(
        exhausted: OSError, config: ProcessConfig, monkeypatch: pytest.MonkeyPatch) -> None:
    """The run's lack of open files or memory is no bug of the batch: it is raised as it
    is (build says it once), where every document was identified again alone first,
    meeting it again (QA s83 review, finding 7)."""
    monkeypatch.delenv(STRICT_VARIABLE)  # not what raises it
    calls: list[int] = []

    def exhausting(bodies: Any, extract: Any) -> list[str]:
        calls.append(len(bodies))
        raise exhausted

    monkeypatch.setattr(records, "languages", exhausting)
    with pytest.raises(OSError) as raised:
        records.process_documents_reported(_raws(), config)
    assert raised.value is exhausted
    assert len(calls) == 1 and calls[0] > 1  # the batch's call only


def test_a_bug_in_identification_is_each_documents_internal_error(
        config: ProcessConfig, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STRICT_VARIABLE)  # the fallback to each document's own report
    raws = _raws()[:5]

    def broken(bodies: Any, extract: Any) -> list[str]:
        raise ValueError("broken model")

    monkeypatch.setattr(records, "languages", broken)
    outcomes = records.process_documents_reported(raws, config)
    assert [(o.path, o.code) for o in outcomes if isinstance(o, Problem)] == [
        ("d/000.txt", "internal-error"), ("d/001.txt", "internal-error"),
        ("d/002.txt", "internal-error"), ("empty.txt", "empty-document"),
        ("d/003.txt", "internal-error")]
    assert all("broken model" in o.message for o in outcomes
               if isinstance(o, Problem) and o.code == "internal-error")


def test_a_build_identifies_languages_in_batches_of_bounded_size(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of at most BATCH_DOCUMENTS documents, or fewer once their raw bytes reach
    BATCH_BYTES; every document once, in order; the package as with batches of one."""
    from corpuskit import engine

    monkeypatch.setattr(engine, "BATCH_DOCUMENTS", 100)  # fewer than a shard holds
    texts = {f"d/{i:03d}.txt": f"Title {i}\n\n{t}\n" for i, t in
             enumerate(deterministic_texts(300, seed="build batches")) if t.strip()}
    over = engine.BATCH_BYTES // 4 + 1_000  # words of 4 and 5 bytes: over BATCH_BYTES each
    texts["big/a.txt"] = "Big\n\n" + "word " * over
    texts["big/b.txt"] = "Big\n\n" + "mot " * over
    seeds = make_seeds(tmp_path, texts)
    sizes: list[list[int]] = []
    real = records.process_documents_reported

    def recorded(raws: list[RawDocument], config: ProcessConfig,
                 source_shas: list[str] | None = None) -> list[Record | Problem]:
        sizes.append([len(raw.data) for raw in raws])
        return real(raws, config, source_shas)

    monkeypatch.setattr(records, "process_documents_reported", recorded)
    batched = build(seeds, tmp_path / "batched", jobs=1)
    assert sum(map(len, sizes)) == len(texts) == batched.documents
    assert max(map(len, sizes)) == engine.BATCH_DOCUMENTS
    assert all(sum(batch[:-1]) < engine.BATCH_BYTES for batch in sizes)
    assert [len(batch) for batch in sizes if max(batch) > engine.BATCH_BYTES] == [1, 1]

    monkeypatch.setattr(engine, "BATCH_DOCUMENTS", 1)
    sizes.clear()
    build(seeds, tmp_path / "alone", jobs=1)
    assert {len(batch) for batch in sizes} == {1}
    name = batched.release.name
    assert (tmp_path / "batched" / f"{name}.zip").read_bytes() == \
        (tmp_path / "alone" / f"{name}.zip").read_bytes()
