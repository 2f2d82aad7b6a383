"""One raw document to one record: decode → normalize → extract → count and hash.

:func:`process_document` is the whole per-document pipeline, a pure function of the raw
bytes and the :class:`~corpuskit.config.ProcessConfig`; it is what workers run in parallel
and what ``validate --reproduce`` replays.
"""

from __future__ import annotations

import hashlib

import orjson

from .config import ProcessConfig
from .counts import count_paragraphs, count_words, count_words_utf8
from .decode import decode
from .extract import extract
from .models import DocumentProblem, RawDocument, Record
from .normalize import normalize
from .problems import Problem

__all__ = ["count_paragraphs", "count_words", "process_document", "record_json",
           "record_line", "sha256_hex"]


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def process_document(raw: RawDocument, config: ProcessConfig) -> Record:
    """Build the record of one document; raises ``DocumentProblem`` for bad input."""
    decoded = decode(raw, config.decode)
    encoding, handed = decoded.encoding, [decoded.text]
    del decoded
    # normalize gets the only reference to the decoded text, so that its first change
    # frees it: a large document's text is not held three times (see normalize).
    text, steps = normalize(handed.pop(), config.normalize)
    if not text or text.isspace():  # text.strip() without a copy of a long text
        raise DocumentProblem(Problem(
            raw.path, "empty-document",
            "holds no text once normalized (only control, zero-width or space characters); "
            "remove it or add text"))
    parts = extract(text, config.extract)
    body = parts.text
    encoded = body.encode("utf-8")
    return Record(
        id=raw.id,
        title=parts.title,
        date=parts.date,
        language=parts.language,
        text=body,
        rights=parts.rights,
        chars=len(body),
        words=count_words_utf8(encoded),
        paragraphs=count_paragraphs(body),
        text_sha256=sha256_hex(encoded),
        source_path=raw.path,
        source_bytes=len(raw.data),
        source_sha256=sha256_hex(raw.data),
        source_encoding=encoding,
        normalization=steps,
    )


def process_document_reported(raw: RawDocument, config: ProcessConfig) -> Record:
    """:func:`process_document`, where a bug in corpuskit is also a ``DocumentProblem``.

    Workers run this: an unexpected exception on one document is reported on that file
    (``internal-error``, naming its seeds path) with the other problems, never as a
    traceback from a worker process. Memory exhaustion is not a bug and is not caught.
    """
    try:
        return process_document(raw, config)
    except (DocumentProblem, MemoryError):
        raise
    except Exception as exc:
        raise DocumentProblem(Problem(
            raw.path, "internal-error",
            f"corpuskit failed on this file ({type(exc).__name__}: {exc}); this is a bug in "
            "corpuskit, please report it with the file")) from None


def record_json(record: Record) -> bytes:
    """The canonical JSON line of a record (fields in schema order, UTF-8, no newline)."""
    return orjson.dumps(record)


def record_line(record: Record) -> bytes:
    """:func:`record_json` with its newline: a line of data/documents.jsonl."""
    return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)
