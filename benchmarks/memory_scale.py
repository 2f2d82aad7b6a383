"""Is memory flat in the number of documents? Peak memory of build and validate at two sizes.

Generates two corpora with ``generate_corpus.py`` (default 20,000 and 200,000 documents),
builds each (``--no-cache``) and validates the package folder three ways (the full check,
``--fast`` and ``--reproduce``), each step a separate process whose
memory is measured two ways, as ``run_benchmarks.py`` measures it: the peak RSS of its
largest single process (``ru_maxrss`` from ``wait4``: the step's own process or one of its
workers, whichever peaked highest; not their sum), and the peak of all its processes' PSS
summed (sampled as ``run_benchmarks.TREE_SAMPLING`` says). It prints the ratio large /
small of each for each step. The verdict is the scale issue's target, the largest
process's peak RSS within 1.3x (memory per process); the tree's ratio is printed beside it,
and also grows with the number of workers a build starts.

A step that fails (a corpus not generated, a build refused) is shown with its exit code
in the table and the JSON (``failed_steps``), the steps after it are not run, the ratios it
leaves without a figure say so, and the script exits 1.

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
import time
from dataclasses import asdict
from pathlib import Path

from run_benchmarks import HERE, TREE_SAMPLING, WORK, Measure, run

#: The scale issue's target: a step's peak RSS (largest process) at the large size within
#: this many times its peak at the small size.
TARGET = 1.3
#: validate's modes, each a step of its own: the full check, ``--fast`` and ``--reproduce``.
VALIDATE_STEPS = {"validate": (), "validate-fast": ("--fast",),
                  "validate-reproduce": ("--reproduce",)}
#: The steps whose memory is compared across the two sizes.
STEPS = ("build", *VALIDATE_STEPS)


def measure(documents: int, work: Path) -> list[Measure]:
    """Generate, build and validate a corpus of ``documents``; the steps run, up to the
    first that failed, whose exit code its measure holds (QA: a failed build went on to
    look for its package, a FileNotFoundError, and the figures measured were lost)."""
    py = sys.executable
    seeds, dist = work / f"seeds-{documents}", work / f"dist-{documents}"
    for path in (seeds, dist):
        shutil.rmtree(path, ignore_errors=True)
    started = time.perf_counter()
    generated = subprocess.run([py, str(HERE / "generate_corpus.py"), str(seeds),
                                "--documents", str(documents)], check=False)
    if generated.returncode != 0:  # its error is above, on stderr
        sys.stderr.write(f"generate {documents}: exit {generated.returncode}\n")
        return [Measure(f"generate {documents}", time.perf_counter() - started, 0.0,
                        generated.returncode)]
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    built = run(f"build {documents}", [py, "-m", "corpuskit", "build", str(seeds), "--out",
                                       str(dist), "--no-cache"], env)
    if built.exit_code != 0:  # run() wrote its error
        return [built]
    package = next(p for p in sorted(dist.iterdir()) if p.is_dir() and not
                   p.name.startswith("."))
    done = [built]
    for step, options in VALIDATE_STEPS.items():
        done.append(run(f"{step} {documents}", [py, "-m", "corpuskit", "validate", *options,
                                                str(package)], env))
        if done[-1].exit_code != 0:
            break
    return done


def ratios_of(results: list[Measure], small: int, large: int, failed: list[str]
              ) -> tuple[dict[str, float], dict[str, float], dict[str, str]]:
    """The ratios large / small of each of :data:`STEPS`: of the largest process's peak RSS
    (the verdict's) and of the tree's peak PSS; and, for each ratio without a figure, why."""
    by_name = {m.name: m for m in results}
    rss: dict[str, float] = {}
    tree: dict[str, float] = {}
    missing: dict[str, str] = {}
    for step in STEPS:
        a, b = by_name.get(f"{step} {small}"), by_name.get(f"{step} {large}")
        rss_label = (f"{step} peak RSS, largest process, {large} / {small} "
                     f"(target <= {TARGET})")
        tree_label = f"{step} tree PSS, all processes, {large} / {small}"
        if a is None or b is None or a.exit_code or b.exit_code:
            why = f"none: {' and '.join(failed)} failed"
            missing[rss_label] = missing[tree_label] = why
            continue
        rss[rss_label] = round(b.peak_rss_mb / a.peak_rss_mb, 3)
        if a.peak_tree_pss_mb and b.peak_tree_pss_mb:
            tree[tree_label] = round(b.peak_tree_pss_mb / a.peak_tree_pss_mb, 3)
        else:
            missing[tree_label] = "none: a step ended before the first sample"
    return rss, tree, missing


def check_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse, before anything runs, what would end in a traceback or a ratio of no use
    (QA: --small 0, --small 10 --large 5, and --json into a missing folder, found only
    after every build had run)."""
    for name in ("small", "large"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if args.large <= args.small:
        parser.error(f"--large {args.large} must exceed --small {args.small}: the ratio is "
                     "large / small")
    # Absolute: the steps run with the work folder as their current directory (a relative
    # --work named the seeds folder from inside itself, and every build failed).
    for name in ("work", "json"):
        if getattr(args, name) is not None:
            setattr(args, name, getattr(args, name).resolve())
    if args.json is not None:
        if not args.json.parent.is_dir():
            parser.error(f"--json {args.json}: no folder {args.json.parent} to write it in")
        if args.json.is_dir():
            parser.error(f"--json {args.json}: a folder; name the file to write")
    if args.work is not None and args.work.exists() and not args.work.is_dir():
        parser.error(f"--work {args.work} is a file, not a folder: choose a new or empty folder")


def report(results: list[Measure], small: int, large: int, json_path: Path | None) -> None:
    """Print the table and the ratios, and write them to ``json_path`` if given."""
    failed = [m.name for m in results if m.exit_code != 0]
    print(f"{'step':<26} {'seconds':>9} {'peak RSS MB':>12} {'tree PSS MB':>12} {'exit':>5}")
    for m in results:
        pss = "-" if m.peak_tree_pss_mb is None else f"{m.peak_tree_pss_mb:.1f}"
        print(f"{m.name:<26} {m.seconds:>9.2f} {m.peak_rss_mb:>12.1f} {pss:>12} "
              f"{m.exit_code:>5}")
    print(f"peak RSS MB: the step's largest single process's; tree PSS MB: the peak of all "
          f"its processes' PSS summed, {TREE_SAMPLING} ('-': the step ended before the "
          "first sample)")
    rss, tree, missing = ratios_of(results, small, large, failed)
    for label, why in missing.items():
        print(f"{label:<62} {why}", file=sys.stderr)
    for label, value in rss.items():
        print(f"{label:<62} {value} {'met' if value <= TARGET else 'missed'}")
    for label, value in tree.items():
        print(f"{label:<62} {value} (shown, not the target)")
    if json_path is not None:
        json_path.write_text(json.dumps({"results": [asdict(m) for m in results],
                                         "ratios": rss, "tree_pss_ratios": tree,
                                         "target": TARGET, "failed_steps": failed,
                                         "tree_pss_sampling": TREE_SAMPLING}, indent=2)
                             + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=20_000)
    parser.add_argument("--large", type=int, default=200_000)
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary one, "
                        "deleted at the end)")
    parser.add_argument("--json", type=Path, help="write the results as JSON here")
    args = parser.parse_args(argv)
    check_arguments(parser, args)
    work = args.work or Path(tempfile.mkdtemp(prefix="corpuskit-memory-"))
    work.mkdir(parents=True, exist_ok=True)
    WORK[0] = work
    try:
        results = measure(args.small, work)
        if all(m.exit_code == 0 for m in results):  # else no ratio to measure the large for
            results += measure(args.large, work)
        report(results, args.small, args.large, args.json)
        succeeded = all(m.exit_code == 0 for m in results)
        if not succeeded and not args.work:
            # The messages above name files in the temporary work folder, deleted now.
            print(f"note: the messages above name files in {work}, the temporary work "
                  "folder, deleted at the end: rerun with --work DIR to inspect them",
                  file=sys.stderr)
        return 0 if succeeded else 1
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
