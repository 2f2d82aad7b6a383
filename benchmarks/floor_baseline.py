"""The "floor" baseline: the least work any build of a seeds folder must do.

Walks SEEDS_DIR (sorted; skipping the top-level ``corpus.toml`` and ``CHANGELOG.md`` and
anything hidden), or takes the documents of ``--files LIST`` (NUL-terminated relative paths:
the benchmark kit lists those the build keeps, so that a corpus's ``[discover] exclude``
is honoured), reads each file's bytes, decodes them as UTF-8 with ``errors="replace"``
(the baseline does not care about encodings), applies NFC, hashes the raw bytes and the
text with SHA-256 and writes one JSON line per document to OUT_FILE::

    {"id": ..., "text": ..., "sha256": ..., "text_sha256": ...}

The id is the seeds-relative POSIX path without its last extension, as in corpuskit.
Single process, stdlib only. Prints the document count and elapsed seconds to stderr.

Usage::

    python benchmarks/floor_baseline.py SEEDS_DIR OUT_FILE [--files LIST]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
import unicodedata
from pathlib import Path, PurePosixPath

#: Top-level files that are configuration, not documents.
RESERVED_NAMES = frozenset({"corpus.toml", "CHANGELOG.md"})


def document_id(relpath: str) -> str:
    """The seeds-relative path without its last extension."""
    pure = PurePosixPath(relpath)
    return str(pure.with_suffix("")) if pure.suffix else relpath


def find_documents(root: Path) -> list[tuple[str, str]]:
    """(id, relative POSIX path) of every document under ``root``, sorted by id."""
    found: list[tuple[str, str]] = []

    def walk(folder: str, rel: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                relpath = f"{rel}/{entry.name}" if rel else entry.name
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, relpath)
                elif entry.is_file() and not (not rel and entry.name in RESERVED_NAMES):
                    found.append((document_id(relpath), relpath))

    walk(str(root), "")
    found.sort()
    return found


def listed_documents(listing: Path) -> list[tuple[str, str]]:
    """(id, relative POSIX path) of the documents of a file list, sorted by id."""
    names = listing.read_bytes().split(b"\0")
    paths = [name.decode("utf-8", "surrogateescape") for name in names if name]
    return sorted((document_id(path), path) for path in paths)


def run(seeds: Path, out_file: Path, listing: Path | None = None) -> int:
    """Write the JSON lines; return the number of documents."""
    documents = listed_documents(listing) if listing is not None else find_documents(seeds)
    with open(out_file, "w", encoding="utf-8", newline="\n") as out:
        for doc_id, relpath in documents:
            data = (seeds / relpath).read_bytes()
            text = unicodedata.normalize("NFC", data.decode("utf-8", errors="replace"))
            record = {
                "id": doc_id,
                "text": text,
                "sha256": hashlib.sha256(data).hexdigest(),
                "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            }
            out.write(json.dumps(record, ensure_ascii=False))
            out.write("\n")
    return len(documents)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="floor_baseline.py",
        description="Floor baseline for corpuskit benchmarks: read, UTF-8 decode (replace), "
        "NFC, hash and write one JSON line per document. Stdlib only, single process.",
    )
    parser.add_argument("seeds", metavar="SEEDS_DIR", type=Path, help="seeds folder to read")
    parser.add_argument(
        "out_file", metavar="OUT_FILE", type=Path, help="JSON Lines file to write (overwritten)"
    )
    parser.add_argument(
        "--files", type=Path, metavar="LIST",
        help="the documents to read: NUL-terminated paths relative to SEEDS_DIR (default: "
        "every file but corpus.toml, CHANGELOG.md and hidden ones)")
    args = parser.parse_args(argv)
    if not args.seeds.is_dir():
        print(f"error: {args.seeds} is not a folder", file=sys.stderr)
        return 2
    start = time.perf_counter()
    count = run(args.seeds, args.out_file, args.files)
    elapsed = time.perf_counter() - start
    print(f"floor_baseline: {count} documents in {elapsed:.3f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
