"""CPU time of language identification per document: corpuskit's fast path vs py3langid.

Processes every document of a seeds folder once (decode, normalize, extract) to get the
texts the build hands to language identification, then times, per document and in CPU
time (user + sys of this process, so other load on a shared machine matters less), the
best of ``--rounds``:

- ``py3langid``: py3langid's own ``classify`` on the 512-character sample;
- ``fast``: corpuskit's identifier (``corpuskit.languageid.fastlangid``) on the same samples;
- ``languages``: corpuskit's whole language step as a build's worker runs it
  (``corpuskit.extract.languages``), on ``--batch`` texts at a time (a worker identifies
  the documents of a batch together).

It also counts the samples on which the two identifiers' labels differ (corpuskit's
arithmetic is float64 and the same on every machine, py3langid's float32 and the
machine's: probabilities differ in their last digits, labels only where one lies within
about 1e-5 of another), and prints the largest difference of their probabilities.

Usage::

    python benchmarks/bench_language.py SEEDS [--rounds 3] [--batch 512]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from corpuskit.config import load_config
from corpuskit.discover import discover
from corpuskit.extract import languages
from corpuskit.languageid import language
from corpuskit.models import DocumentProblem, RawDocument
from corpuskit.records import process_document


def bodies(seeds: Path) -> list[str]:
    """The text of every document the build keeps (what it identifies the language of)."""
    config = load_config(seeds)
    texts = []
    # The build's own discovery: no corpus.toml, CHANGELOG.md, hidden or excluded file.
    for index, ref in enumerate(discover(seeds, config.discover).sources):
        raw = RawDocument(str(index), ref.path, (seeds / ref.path).read_bytes())
        try:
            texts.append(process_document(raw, config.process).text)
        except DocumentProblem:
            continue
    return texts


def cpu_per_call(function: Callable[[Any], object], items: Sequence[Any], rounds: int,
                 documents: int | None = None) -> float:
    """Best CPU seconds per call over ``rounds`` passes, or per document where the calls
    take ``documents`` in all."""
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for item in items:
            function(item)
        best = min(best, time.process_time() - start)
    return best / max(len(items) if documents is None else documents, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("seeds", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=512,
                        help="texts identified together (a shard holds about 512)")
    args = parser.parse_args()

    texts = bodies(args.seeds)
    samples = [text[:language.SAMPLE_CHARS] for text in texts]
    extract = load_config(args.seeds).process.extract
    plain = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    fast = language._identifier()
    print(f"{len(texts)} documents; fast path {'on' if fast.fast else 'OFF'}")
    timings = {
        "py3langid": cpu_per_call(plain.classify, samples, args.rounds),
        "fast": cpu_per_call(fast.classify, samples, args.rounds),
        "languages": cpu_per_call(
            lambda batch: languages(batch, extract),
            [texts[i:i + args.batch] for i in range(0, len(texts), args.batch)],
            args.rounds, documents=len(texts)),
    }
    for name, seconds in timings.items():
        print(f"{name:10s} {seconds * 1e6:8.1f} µs per document (CPU)")
    pairs = [(plain.classify(s), fast.classify(s)) for s in samples]
    differ = sum(theirs[0] != ours[0] for theirs, ours in pairs)
    largest = max((abs(theirs[1] - ours[1]) for theirs, ours in pairs), default=0.0)
    print(f"samples whose labels differ from py3langid's: {differ}; "
          f"largest difference of a probability: {largest:.2g}")


if __name__ == "__main__":
    main()
