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

A measure that exits non-zero in a round (a broken package, say) gives no ratio: the
ratios it is in say "none", it is named, and the script exits 1, as run_benchmarks.py does.
``--package`` takes a release folder (``dist/NAME-VERSION``), not its ``.zip``.

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

from run_benchmarks import FRICTIONLESS_INSTALL, HASH_PASS, Measure, find_frictionless
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


def package_problem(package: Path) -> str | None:
    """Why ``--package`` cannot be timed, as a usage error, or None: it must be a release
    folder that ``corpuskit build`` wrote (its files are counted and hashed, and
    ``sha256sum`` runs in it), not its ``.zip``, which is timed beside it (QA: a traceback
    for a missing path and for the zip, which corpuskit's own commands accept)."""
    if package.suffix == ".zip" and not package.is_dir():
        folder = package.with_suffix("")
        beside = (f"give {folder} instead" if folder.is_dir()
                  else "give its release folder, unzipped")
        return (f"--package {package}: a package's .zip; {beside} (the .zip beside the "
                "folder is timed too)")
    if not package.exists():
        return (f"--package {package}: no such package folder; give a release folder "
                "(dist/NAME-VERSION)")
    if not package.is_dir():
        return f"--package {package}: not a folder; give a release folder (dist/NAME-VERSION)"
    if not (package / "data" / "documents.jsonl").is_file():
        return (f"--package {package}: no data/documents.jsonl: not a package folder; give "
                "a release folder that corpuskit build wrote (dist/NAME-VERSION)")
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--package", type=Path, help="an existing package folder (its .zip "
                                                     "beside it is timed too, if present)")
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary work folder (a --work folder is always kept)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--skip-frictionless", action="store_true")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run every measure this many times, round after round")
    args = parser.parse_args(argv)
    if args.package is not None:
        refused = package_problem(args.package)
        if refused:
            parser.error(refused)
    elif args.documents < 1:  # (QA: the generator refused it, and a traceback followed)
        parser.error("--documents must be at least 1")

    work = args.work or Path(tempfile.mkdtemp(prefix="corpuskit-bench-validate-"))
    work.mkdir(parents=True, exist_ok=True)
    failed: list[str] = []
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

        frictionless = find_frictionless(sys.executable)
        skipped: dict[str, str] = {}
        if args.skip_frictionless:
            skipped["frictionless"] = "--skip-frictionless"
        elif frictionless is None:  # said, and the run not complete (QA s96: left out
            # unsaid, exit 0)
            skipped["frictionless"] = "not found beside this Python nor on PATH"
            print("frictionless: not found beside this Python nor on PATH, so frictionless "
                  f"/ validate is not measured: {FRICTIONLESS_INSTALL}, or give "
                  "--skip-frictionless", file=sys.stderr)
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
        ratios, failed = ratios_of(rounds)
        for label, a, b, target in RATIOS:
            if label in ratios:
                value, per_round = ratios[label]
                rounds_text = " ".join(f"{one:.2f}" for one in per_round)
                print(f"{label:<32} {value:6.2f}  (target {target}; per round: "
                      f"{rounds_text})")
            elif a in skipped or b in skipped:
                print(f"{label:<32} none: {a if a in skipped else b} not timed "
                      f"({skipped.get(a) or skipped.get(b)})", file=sys.stderr)
            elif a in failed or b in failed:
                print(f"{label:<32} {'none: ' + ' and '.join(x for x in (a, b) if x in failed)}"
                      " failed", file=sys.stderr)
        if "validate" in failed:
            print(f"{'validate peak memory (MB)':<32} none: validate failed", file=sys.stderr)
        else:
            print(f"{'validate peak memory (MB)':<32} {results[0].peak_rss_mb:6.1f}  "
                  "(target < 200)")
        if failed:
            print(f"failed (exit not 0 in a round; see their output above): "
                  f"{', '.join(failed)}: no ratio from them", file=sys.stderr)
        if args.json:
            args.json.write_text(json.dumps({
                "documents": records, "files": files, "bytes": size,
                "results": [asdict(m) for m in results],
                "ratios": {label: value for label, (value, _) in ratios.items()},
                "failed_steps": failed, "skipped_steps": skipped,
                "rounds": [[asdict(m) for m in found] for found in rounds]}, indent=2) + "\n")
    finally:
        if not args.keep and not args.work:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failed or set(skipped.values()) - {"--skip-frictionless"} else 0


#: The ratios printed: label, numerator measure, denominator measure, target.
RATIOS = (
    ("frictionless / validate", "frictionless", "validate", ">= 4"),
    ("sha256sum / validate", "sha256sum", "validate", "> 1"),
    ("validate / hashlib", "validate", "hashlib", "<= 3"),
)


def ratios_of(rounds: list[list[Measure]]
              ) -> tuple[dict[str, tuple[float, list[float]]], list[str]]:
    """Each of :data:`RATIOS`, as the median of its rounds' and the rounds' own (both sides
    of a ratio measured in one round), and the measures that exited non-zero in a round.
    A measure that failed gives no ratio, as in run_benchmarks.py: a validate that stops
    early on a broken package looks fast (QA: "validate / hashlib 4.01" and a 0 exit from
    a package whose validate, validate_fast and sha256sum all exited 1)."""
    failed = sorted({m.name for found in rounds for m in found if m.exit_code != 0})
    ratios: dict[str, tuple[float, list[float]]] = {}
    for label, a, b, _ in RATIOS:
        if a in failed or b in failed:
            continue
        per_round = []
        for found in rounds:
            by_name = {m.name: m for m in found}
            if a in by_name and b in by_name and by_name[b].seconds > 0:
                per_round.append(by_name[a].seconds / by_name[b].seconds)
        if per_round:
            ratios[label] = (median(per_round), per_round)
    return ratios, failed


if __name__ == "__main__":
    sys.exit(main())
