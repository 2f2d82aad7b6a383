"""One raw document to one record: decode → normalize → extract → count and hash.

:func:`process_document` is the whole per-document pipeline, a pure function of the raw
bytes and the :class:`~corpuskit.config.ProcessConfig`; it is what ``validate --reproduce``
replays. Workers run :func:`process_documents_reported`: the same records, a batch of
documents at a time, so that their languages are identified together.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import orjson

from .config import CONFIG_NAME, ProcessConfig
from .counts import count_paragraphs, count_paragraphs_utf8, count_words, count_words_utf8
from .decoding.decode import decode
from .errors import CorpuskitError, InputError
from .extract import extract_parts, languages
from .fallbacks import strict
from .models import DocumentProblem, Parts, RawDocument, Record
from .normalize import normalize
from .problems import Problem
from .rightsrules import SlowPattern
from .systemlimits import exhausted_resource
from .visible import shows_text

__all__ = ["SlowPatternError", "count_paragraphs", "count_words", "process_document",
           "process_documents_reported",
           "record_json", "record_line", "sha256_hex"]

_T = TypeVar("_T")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def process_document(raw: RawDocument, config: ProcessConfig) -> Record:
    """Build the record of one document; raises ``DocumentProblem`` for bad input."""
    prepared = _prepare(raw, config)
    [language] = languages([prepared.parts.text], config.extract)
    return _record(prepared, language)


def use_the_users_model(seeds: Path) -> None:
    """Have the documents of ``seeds`` processed here, outside a build (``validate``,
    ``info`` and ``diff`` of a seeds folder, ``release``'s comparison), with py3langid's
    model as builds with the default cache keep it decoded: read from the user's cache
    folder, and kept there when it must be decoded
    (:func:`~corpuskit.usercache.model_cache_dir`: never inside ``seeds``). Without it each
    such command decoded the model, 0.45 s of a 0.82 s ``corpuskit info`` of this
    repository's seeds; its workers too, each. Names the folder only: the model is loaded
    on first use."""
    from .languageid.language import use_model_cache
    from .usercache import model_cache_dir

    use_model_cache(model_cache_dir(seeds))


def process_document_reported(raw: RawDocument, config: ProcessConfig) -> Record:
    """:func:`process_document`, where a bug in corpuskit is also a ``DocumentProblem``.

    What diff, info and validate run on a seeds folder, one document at a time (a build's
    workers run :func:`process_documents_reported`): an unexpected exception on one
    document is reported on that file (``internal-error``, naming its seeds path) with the
    other problems, never as a traceback. Memory exhaustion is not a bug and is not caught.
    """
    return _reported(raw.path, process_document, raw, config)


def process_documents_reported(raws: Sequence[RawDocument], config: ProcessConfig,
                               source_shas: Sequence[str] | None = None
                               ) -> list[Record | Problem]:
    """:func:`process_document_reported` of each document, its record or its problem, with
    the documents' languages identified together (:func:`corpuskit.extract.languages`):
    the same records, in about half the time of identifying them one by one.

    ``source_shas``: the sha256 of each document's bytes (hex), as the caller hashed those
    very bytes, or ``""`` where it did not: a build's worker hashes every seeds file it
    reads (the cache's key) and its record takes that digest rather than hashing the bytes
    again (1.6 µs of a 2.5 KB document's CPU, 60 µs of a 100 KB one's)."""
    if source_shas is None:
        source_shas = [""] * len(raws)
    prepared: list[_Prepared | Problem] = []
    for raw in raws:
        try:
            prepared.append(_reported(raw.path, _prepare, raw, config))
        except DocumentProblem as bad:
            prepared.append(bad.problem)
    bodies = [item.parts.text for item in prepared if isinstance(item, _Prepared)]
    try:
        found: Iterator[str] | None = iter(languages(bodies, config.extract))
    except Exception as exc:  # a bug: found again document by document, to name the one
        # it is on; but the run's lack of memory or open files is said once, as build says
        # it (as _reported does), not met again on every document
        if exhausted_resource(exc) is not None or strict():
            raise
        found = None
    del bodies
    outcomes: list[Record | Problem] = []
    for item, source_sha in zip(prepared, source_shas, strict=True):
        if not isinstance(item, _Prepared):
            outcomes.append(item)
            continue
        try:
            outcomes.append(_reported(item.raw.path, _record, item, next(found), source_sha)
                            if found is not None
                            else _reported(item.raw.path, _record_alone, item, config,
                                           source_sha))
        except DocumentProblem as bad:
            outcomes.append(bad.problem)
    return outcomes


@dataclass(frozen=True)
class _Prepared:
    """A document processed but for its language."""

    raw: RawDocument
    encoding: str
    steps: tuple[str, ...]
    parts: Parts


def _prepare(raw: RawDocument, config: ProcessConfig) -> _Prepared:
    decoded = decode(raw, config.decode)
    encoding, handed = decoded.encoding, [decoded.text]
    del decoded
    # normalize gets the only reference to the decoded text, so that its first change
    # frees it: a large document's text is not held three times (see normalize).
    text, steps = normalize(handed.pop(), config.normalize)
    if not shows_text(text):
        raise DocumentProblem(Problem(
            raw.path, "empty-document",
            "holds no text once normalized (only space, control, format or other invisible "
            "characters, such as zero-width spaces or soft hyphens); remove it or add text"))
    try:
        parts = extract_parts(text, config.extract)
    except SlowPattern as slow:
        stopped = SlowPatternError([Problem(
            CONFIG_NAME, "config-error", slow.explain(raw.path),
            f"extract.rights_patterns[{slow.index}]")], "a rights pattern runs without end")
        stopped.slow = slow
        raise stopped from None
    if not shows_text(parts.text):
        # Every character that shows was taken out as the title, date or rights line (QA:
        # 'My Title', a blank line, a soft hyphen became a record whose text shows nothing).
        raise DocumentProblem(Problem(raw.path, "empty-document", _nothing_left(parts)))
    return _Prepared(raw, encoding, steps, parts)


def _nothing_left(parts: Parts) -> str:
    """Why a document whose body shows nothing once its ``parts`` were taken is refused."""
    taken = [name for name, value in (("title", parts.title), ("date", parts.date),
                                      ("rights line", parts.rights)) if value is not None]
    named = taken[0] if len(taken) == 1 else f"{', '.join(taken[:-1])} and {taken[-1]}"
    return (f"holds no text besides its {named}: the rest is only space, control, format or "
            "other invisible characters (such as soft hyphens, zero-width joiners or a "
            "Braille blank), and a record's text must show something; add the document's "
            "text to it, or remove the file")


class SlowPatternError(InputError):
    """A configured rights pattern took longer than it may (``slow``): the run stops, with
    the problem at corpus.toml's key (a package's reproduction places it in its own
    datapackage.json: :func:`corpuskit.validation.records.reproduce_record`)."""

    slow: SlowPattern


def _record_alone(prepared: _Prepared, config: ProcessConfig, source_sha: str = "") -> Record:
    [language] = languages([prepared.parts.text], config.extract)
    return _record(prepared, language, source_sha)


def _record(prepared: _Prepared, language: str, source_sha: str = "") -> Record:
    """The record of a prepared document whose body is in ``language``; ``source_sha``:
    the sha256 of its raw bytes if the caller has it (see
    :func:`process_documents_reported`), else they are hashed here."""
    parts, raw = prepared.parts, prepared.raw
    body = parts.text
    encoded = body.encode("utf-8")
    words = count_words_utf8(encoded)
    return Record(
        id=raw.id,
        title=parts.title,
        date=parts.date,
        language=language,
        text=body,
        rights=parts.rights,
        chars=len(body),
        words=words,
        # (its UTF-8's count, as validate's: half the time of str.count's, 1.0 against 2.0
        # µs a document of the kit's corpus; the tests hold the two alike)
        paragraphs=count_paragraphs_utf8(encoded, words),
        text_sha256=sha256_hex(encoded),
        source_path=raw.path,
        source_bytes=len(raw.data),
        source_sha256=source_sha or sha256_hex(raw.data),
        source_encoding=prepared.encoding,
        normalization=prepared.steps,
    )


def _reported(path: str, work: Callable[..., _T], *args: Any) -> _T:
    """``work(*args)``, an unexpected exception in it a ``DocumentProblem`` on ``path``."""
    try:
        return work(*args)
    except (DocumentProblem, CorpuskitError, MemoryError):
        raise
    except Exception as exc:
        if exhausted_resource(exc) is not None:  # the run's failure, not the file's: once,
            raise  # as build says it (QA: diff's 301 "this is a bug", numpy not mapped)
        raise DocumentProblem(Problem(
            path, "internal-error",
            f"corpuskit failed on this file ({type(exc).__name__}: {exc}); this is a bug in "
            "corpuskit, please report it with the file")) from None


def record_json(record: Record) -> bytes:
    """The canonical JSON line of a record (fields in schema order, UTF-8, no newline)."""
    return orjson.dumps(record)


def record_line(record: Record) -> bytes:
    """:func:`record_json` with its newline: a line of data/documents.jsonl."""
    return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)
