"""Time ``corpuskit validate`` against the tools a consumer could use instead, in one run.

Builds (or takes) a synthetic package of N documents of about 2 KB from the deterministic
generator ``benchmarks/generate_corpus.py`` and times, each as a separate process (wall
time, peak RSS from ``wait4``):

- ``validate``: ``corpuskit validate`` of the package folder (every check, cross-checks too);
- ``validate_fast``: ``corpuskit validate --fast`` (sizes and counts only);
- ``validate_zip``: ``corpuskit validate`` of the package's ``.zip``, read in place;
- ``frictionless``: ``frictionless validate`` of the same ``datapackage.json``;
- ``sha256sum``: ``sha256sum -c --quiet manifest-sha256.txt`` in the package folder;
- ``hashlib``: a bare Python hashlib sha256 pass over every file of the package (the
  practical ceiling: hashlib uses the CPU's SHA instructions, Debian's sha256sum does not).

Targets (issue 3): validate at least 4x faster than frictionless, faster than sha256sum,
within 3x of the hashlib pass, peak memory under 200 MB.

Usage::

    python benchmarks/bench_validate.py --documents 100000 [--work DIR] [--keep] [--json F]
    python benchmarks/bench_validate.py --package dist/NAME-VERSION [--rounds 3] [--json F]

On a shared machine timings move with the other users' load: ``--rounds N`` runs every
measure N times, round after round, and reports each ratio per round (both sides of a
ratio measured in the same round) and their median.

Generated documents the build refuses (the generator's messy share includes a few that
no configured code page reads) are removed first, found with ``corpuskit validate`` of
the seeds folder.
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
from statistics import median

from run_benchmarks import HASH_PASS, Measure
from run_benchmarks import run as run_child

HERE = Path(__file__).resolve().parent
EPOCH = "1700000000"


def run(name: str, argv: list[str], *, cwd: Path | None = None) -> Measure:
    """Run ``argv`` as a child process: wall time and peak RSS (largest of its processes)."""
    return run_child(name, argv, {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}, cwd)


def tool(name: str) -> str | None:
    local = Path(sys.executable).with_name(name)
    return str(local) if local.exists() else shutil.which(name)


def make_package(work: Path, documents: int) -> Path:
    corpuskit = tool("corpuskit")
    assert corpuskit, "corpuskit is not installed"
    seeds = work / "seeds"
    subprocess.run([sys.executable, str(HERE / "generate_corpus.py"), str(seeds),
                    "--documents", str(documents), "--messy-share", "0.1"], check=True)
    check = subprocess.run([corpuskit, "validate", "--format", "json", str(seeds)],
                           capture_output=True, check=False)
    report = json.loads(check.stdout)
    for problem in report["problems"]:
        (seeds / problem["path"]).unlink(missing_ok=True)
    if report["problems"]:
        print(f"removed {len(report['problems'])} documents the build refuses", file=sys.stderr)
    result = subprocess.run([corpuskit, "build", str(seeds), "--out", str(work / "dist"),
                             "--json"], capture_output=True, check=True,
                            env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH})
    return Path(json.loads(result.stdout)["release"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--package", type=Path, help="an existing package folder (its .zip "
                                                     "beside it is timed too, if present)")
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--skip-frictionless", action="store_true")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run every measure this many times, round after round")
    args = parser.parse_args(argv)

    work = args.work or Path(tempfile.mkdtemp(prefix="corpuskit-bench-validate-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        package = args.package.resolve() if args.package else make_package(work, args.documents)
        corpuskit = tool("corpuskit")
        assert corpuskit
        archive = package.with_name(package.name + ".zip")
        # Counted without a list of paths: a child's peak RSS (wait4) starts from this
        # process's own, which a list of 100,000 Path objects would triple.
        files = size = 0
        for folder, _, names in os.walk(package):
            files += len(names)
            size += sum(os.lstat(os.path.join(folder, name)).st_size for name in names)
        with (package / "data/documents.jsonl").open("rb") as lines:
            records = sum(1 for _ in lines)
        print(f"package {package.name}: {records} documents, {files} files, "
              f"{size / 1e6:.1f} MB", file=sys.stderr)

        frictionless = tool("frictionless")
        commands: list[tuple[str, list[str], Path | None]] = [
            ("validate", [corpuskit, "validate", str(package)], None),
            ("validate_fast", [corpuskit, "validate", "--fast", str(package)], None),
        ]
        if archive.exists():
            commands.append(("validate_zip", [corpuskit, "validate", str(archive)], None))
        commands.append(("sha256sum", ["sha256sum", "-c", "--quiet", "manifest-sha256.txt"],
                         package))
        commands.append(("hashlib", [sys.executable, "-c", HASH_PASS, str(package)], None))
        if frictionless and not args.skip_frictionless:
            commands.append(("frictionless", [frictionless, "validate",
                                              str(package / "datapackage.json")], None))
        rounds = [[run(name, argv, cwd=cwd) for name, argv, cwd in commands]
                  for _ in range(max(1, args.rounds))]

        print(f"{'measure':<15} {'seconds':>9} {'peak MB':>9} {'rec/s':>10} exit  (median of "
              f"{len(rounds)} round{'s' if len(rounds) > 1 else ''})")
        results = []
        for index, (name, _, _) in enumerate(commands):
            runs = [found[index] for found in rounds]
            seconds = median(m.seconds for m in runs)
            peak = max(m.peak_rss_mb for m in runs)
            code = max(runs, key=lambda m: abs(m.exit_code)).exit_code
            results.append(Measure(name, seconds, peak, code))
            rate = records / seconds if seconds else 0
            print(f"{name:<15} {seconds:9.2f} {peak:9.1f} {rate:10.0f} {code:4d}")
        ratios = {}

        def ratio(label: str, a: str, b: str, target: str) -> None:
            per_round = []
            for found in rounds:
                by_name = {m.name: m for m in found}
                if a in by_name and b in by_name:
                    per_round.append(by_name[a].seconds / by_name[b].seconds)
            if per_round:
                ratios[label] = median(per_round)
                rounds_text = " ".join(f"{value:.2f}" for value in per_round)
                print(f"{label:<32} {ratios[label]:6.2f}  (target {target}; per round: "
                      f"{rounds_text})")

        ratio("frictionless / validate", "frictionless", "validate", ">= 4")
        ratio("sha256sum / validate", "sha256sum", "validate", "> 1")
        ratio("validate / hashlib", "validate", "hashlib", "<= 3")
        print(f"{'validate peak memory (MB)':<32} {results[0].peak_rss_mb:6.1f}  "
              "(target < 200)")
        if args.json:
            args.json.write_text(json.dumps({
                "documents": records, "files": files, "bytes": size,
                "results": [asdict(m) for m in results], "ratios": ratios,
                "rounds": [[asdict(m) for m in found] for found in rounds]}, indent=2) + "\n")
    finally:
        if not args.keep and not args.work:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
