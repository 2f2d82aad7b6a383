"""Is memory flat in the number of documents? Peak RSS of build and validate at two sizes.

Generates two corpora with ``generate_corpus.py`` (default 20,000 and 200,000 documents),
builds each (``--no-cache``) and validates the package, each step a separate process
(peak RSS from ``wait4``, workers included), and prints the ratio large / small for each
step. The target in the scale issue: within 1.3x.

Usage::

    python benchmarks/memory_scale.py [--small 20000] [--large 200000] [--work DIR]
                                      [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

from run_benchmarks import HERE, WORK, Measure, run


def measure(documents: int, work: Path) -> list[Measure]:
    py = sys.executable
    seeds, dist = work / f"seeds-{documents}", work / f"dist-{documents}"
    for path in (seeds, dist):
        shutil.rmtree(path, ignore_errors=True)
    subprocess.run([py, str(HERE / "generate_corpus.py"), str(seeds), "--documents",
                    str(documents)], check=True)
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    built = run(f"build {documents}", [py, "-m", "corpuskit", "build", str(seeds), "--out",
                                       str(dist), "--no-cache"], env)
    package = next(p for p in sorted(dist.iterdir()) if p.is_dir() and not
                   p.name.startswith("."))
    checked = run(f"validate {documents}", [py, "-m", "corpuskit", "validate", str(package)],
                  env)
    return [built, checked]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=20_000)
    parser.add_argument("--large", type=int, default=200_000)
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary one)")
    parser.add_argument("--json", type=Path, help="write the results as JSON here")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="corpuskit-memory-"))
    work.mkdir(parents=True, exist_ok=True)
    WORK[0] = work
    small, large = measure(args.small, work), measure(args.large, work)
    print(f"{'step':<22} {'seconds':>9} {'peak RSS MB':>12} {'exit':>5}")
    for m in small + large:
        print(f"{m.name:<22} {m.seconds:>9.2f} {m.peak_rss_mb:>12.1f} {m.exit_code:>5}")
    ratios = {f"{step} peak RSS {args.large} / {args.small} (target <= 1.3)":
              round(b.peak_rss_mb / a.peak_rss_mb, 3)
              for step, a, b in zip(("build", "validate"), small, large, strict=True)}
    for label, value in ratios.items():
        print(f"{label:<55} {value}")
    if args.json:
        args.json.write_text(json.dumps({"results": [asdict(m) for m in small + large],
                                         "ratios": ratios}, indent=2) + "\n",
                             encoding="utf-8")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if all(m.exit_code == 0 for m in small + large) else 1


if __name__ == "__main__":
    sys.exit(main())
