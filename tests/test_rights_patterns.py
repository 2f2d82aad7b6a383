"""Configured rights patterns: matched under a time limit, so that one that backtracks
without end stops a build, a check of the seeds or ``validate --reproduce`` with a problem
naming the pattern and the document, instead of hanging."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from property_budget import examples
from reliability_support import build_args, run_cli, run_here, visible_entries, write_seeds

import corpuskit
from corpuskit import rightsrules
from corpuskit.config import ExtractConfig, ProcessConfig
from corpuskit.errors import InputError
from corpuskit.models import RawDocument
from corpuskit.records import process_document
from corpuskit.rightsrules import DEFAULT_RIGHTS_PATTERNS, SlowPattern, rights_rules
from corpuskit.validation.records import reproduce_record

#: Twice the time for each "a" more before the "c" it never finds: years at 40.
BACKTRACKS = "(a|aa)+c"
SECONDS = 0.3


@pytest.fixture(autouse=True)
def short_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A short allowance, fresh: no time spent by an earlier test in this process (the
    workers of a build fork from it and inherit both)."""
    monkeypatch.setattr(rightsrules, "GRANT_SECONDS", SECONDS)
    monkeypatch.setattr(rightsrules, "_ALLOWANCES", {})
    rights_rules.cache_clear()


def documents(count: int) -> dict[str, str]:
    """Documents whose last paragraph is 40 a's: a line :data:`BACKTRACKS` never ends on."""
    return {f"doc{n:02d}.txt": f"Title {n}\n\nThe body of document {n}.\n\n{'a' * 40}\n"
            for n in range(count)}


def slow_config() -> dict[str, object]:
    return {"extract": {"language": False, "rights_patterns": ["(?i)© .*", BACKTRACKS]}}


def expected_message(document: str) -> str:
    return (f"corpus.toml:extract.rights_patterns[1]: the rights pattern '{BACKTRACKS}' "
            f"took longer than a pattern may ({SECONDS:g} s, and 20 µs for each character of "
            f"the lines it is matched against), the last on a line of 40 characters in "
            f"{document} of the seeds folder: it backtracks without end, as nested repeats "
            "such as (a+)+ and overlapping alternatives such as (a|aa)+ do; rewrite it "
            "without them [config-error]")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_pattern_that_backtracks_without_end_stops_the_build(tmp_path: Path,
                                                                jobs: str) -> None:
    seeds = write_seeds(tmp_path / "seeds", documents(24), slow_config())
    out = tmp_path / "out"
    args = build_args(seeds, out)
    args[args.index("--jobs") + 1] = jobs
    done = run_here(args)
    assert done.code == 1, done
    assert "Traceback" not in done.stderr
    [line] = [line for line in done.stderr.splitlines() if "rights_patterns" in line]
    # The file as given, as validate names it.
    if jobs == "1":  # one process, in order: the first document; workers: one of theirs
        assert line == f"error: {seeds}/" + expected_message("doc00.txt")
    else:
        document = line.split(" characters in ")[1].split(" of the seeds folder:")[0]
        assert document in documents(24)
        assert line == f"error: {seeds}/" + expected_message(document)
    assert visible_entries(out) == set()


def test_a_pattern_that_ran_out_has_only_each_lines_share_left() -> None:
    """After the grant is spent, a line gets its characters' share only: enough for a
    pattern that works (the pattern is not given up on for good, nor for the next run in
    this process), far too little to spend the grant again on each document."""
    [rule] = rights_rules((BACKTRACKS,))
    with pytest.raises(SlowPattern) as first:
        rule("a" * 40)
    assert (first.value.index, first.value.pattern, first.value.chars) == (0, BACKTRACKS, 40)
    allowance = rightsrules._ALLOWANCES[BACKTRACKS]
    assert allowance.spent == allowance.allowed >= SECONDS
    # A line it matches in a few milliseconds at most: its 5,001 characters' share (0.1 s)
    # leaves room for a loaded machine, where a 3-character line's 60 µs did not.
    matched = "a" * 5000 + "c"
    assert rule(matched)
    spent = allowance.spent
    with pytest.raises(SlowPattern):
        rule("a" * 40)
    # what it had left of the line before (its share) and this line's share
    assert allowance.allowed - spent <= (len(matched) + 40) * rightsrules.SECONDS_PER_CHAR
    assert (len(matched) + 40) * rightsrules.SECONDS_PER_CHAR < SECONDS / 2


def test_lines_each_under_any_limit_of_their_own_stop_once_the_allowance_is_spent(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A package's lines each made to take a little less than a line's limit would have
    run for hours: the time is counted over all of them. (Each match takes 0.1 s on a
    clock of the test's.)"""
    clock = iter(n * 0.05 for n in range(1000))
    monkeypatch.setattr(rightsrules.time, "perf_counter", lambda: next(clock))
    monkeypatch.setattr(rightsrules, "SECONDS_PER_CHAR", 0.0)
    [rule] = rights_rules(("(?i)© .*",))
    results = []
    with pytest.raises(SlowPattern):
        for _ in range(100):
            results.append(rule("© 2024 Agency"))
    assert results == [True] * 6  # 0.3 s of grant: six lines of 0.05 s, then none


def test_configured_patterns_that_end_match_as_before() -> None:
    """Python's re syntax (regex's own, such as \\p{L}, is refused: datapackage.json's
    profile compiles the patterns with re); the built-in ones unchanged."""
    from corpuskit.rightsrules import patterns_problems

    rules = rights_rules(("(?i)©\\s*\\d{4}.*", "[^\\W\\d_]+ RESERVED"))
    assert [rule("© 2023 Agency") for rule in rules] == [True, False]
    assert [rule("ÉDITIONS RESERVED") for rule in rules] == [False, True]
    assert [rule("Éditions: reserved") for rule in rules] == [False, False]
    assert list(patterns_problems(["\\p{Lu}+ RESERVED"])) == [
        (0, "not a valid Python regular expression: bad escape \\p at position 0")]
    [(_, too_long)] = patterns_problems(["(?:a{4000}){3000}"])
    assert "12000000 characters" in too_long
    defaults = rights_rules(DEFAULT_RIGHTS_PATTERNS)
    assert any(rule("2023 © Agence France-Presse") for rule in defaults)
    assert not any(rule("Copyright law is complicated.") for rule in defaults)


#: Pieces of footer lines: notices and their near misses, letters that fold to others
#: case-blind (İ to i, ſ to s), and filler to reach the patterns' 200 characters.
_RIGHTS_PIECES = st.sampled_from([
    "©", "Copyright", "COPYRIGHT", "(c)", "(C)", "2023", "2021", "-", "–", " ", "\n", ".",
    "all rights reserved", "All Rights Reserved", "ALL RİGHTS REſERVED", "rights", "x",
    "Agency", "_", "a" * 90, "é" * 60])


@settings(max_examples=examples(3000), deadline=None)
@given(st.lists(_RIGHTS_PIECES, max_size=10),
       st.lists(st.sampled_from([*DEFAULT_RIGHTS_PATTERNS, "(?i)© .*", "x+"]), min_size=1,
                max_size=5))
def test_built_in_patterns_matched_together_match_as_each_alone(
        pieces: list[str], patterns: list[str]) -> None:
    """A run of built-in patterns is one rule, their alternation: a line is a rights line
    to the rules exactly when one of the patterns, matched alone, matches all of it."""
    import re

    line = "".join(pieces)
    expected = any(re.fullmatch(pattern, line) for pattern in patterns)
    assert any(rule(line) for rule in rights_rules(tuple(patterns))) is expected


def test_the_built_in_patterns_are_one_rule() -> None:
    assert len(rights_rules(DEFAULT_RIGHTS_PATTERNS)) == 1
    assert len(rights_rules(("x+", *DEFAULT_RIGHTS_PATTERNS, "y+"))) == 3


def test_validate_of_the_seeds_reports_the_pattern(tmp_path: Path) -> None:
    seeds = write_seeds(tmp_path / "seeds", documents(3), slow_config())
    report = corpuskit.validate(seeds, jobs=1)
    assert [(p.path, p.code, p.location) for p in report.problems] == [
        ("corpus.toml", "config-error", "extract.rights_patterns[1]")]
    assert report.problems[0].render() == expected_message("doc00.txt")


def test_reproduce_names_the_pattern_of_the_package() -> None:
    """In a package the patterns are its datapackage.json's (corpuskit.process), written
    by whoever made it: the problem names that key there."""
    raw = RawDocument("doc", "doc.txt", f"Title\n\nBody.\n\n{'a' * 40}\n".encode())
    stored = process_document(raw, ProcessConfig(extract=ExtractConfig(language=False)))
    slow = ProcessConfig(extract=ExtractConfig(language=False, rights_patterns=(BACKTRACKS,)))
    with pytest.raises(InputError) as stopped:
        reproduce_record(stored, raw.data, slow)
    [problem] = stopped.value.problems
    assert (problem.path, problem.code, problem.location) == (
        "datapackage.json", "config-error", "corpuskit.process.extract.rights_patterns[0]")
    assert f"the rights pattern '{BACKTRACKS}' took longer than a pattern may" in \
        problem.message
    assert "in data/raw/doc.txt of the package:" in problem.message


@pytest.mark.parametrize("run", ["validate seeds", "build", "validate --reproduce"])
def test_a_pattern_that_ran_out_in_one_run_serves_the_next(
        run: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In one process (a library user's), the run after one that stopped on a pattern
    judges its own lines: it starts with the whole allowance again (rightsrules.start_run).
    Lines get no share of their own here, so that the next run has nothing but what it
    starts with: before, a valid seeds folder checked after a slow one was refused when a
    loaded machine took more than a 3-character line's 60 µs (CI)."""
    fine = write_seeds(tmp_path / "fine", {f"doc{n}.txt": f"Title {n}\n\nBody {n}.\n\naac\n"
                                           for n in range(3)}, slow_config())
    package = corpuskit.build(fine, tmp_path / "built", jobs=1).release
    monkeypatch.setattr(rightsrules, "SECONDS_PER_CHAR", 0.0)
    slow = write_seeds(tmp_path / "slow", documents(3), slow_config())
    assert not corpuskit.validate(slow, jobs=1).valid
    allowance = rightsrules._ALLOWANCES[BACKTRACKS]
    assert allowance.spent == allowance.allowed  # nothing left: the next line would stop
    if run == "build":
        made = corpuskit.build(fine, tmp_path / "dist", jobs=1)
        assert made.release.name == package.name
        return
    report = corpuskit.validate(fine if run == "validate seeds" else package,
                                reproduce=run == "validate --reproduce", jobs=1)
    assert report.valid, [p.render() for p in report.problems]


def test_build_names_the_seeds_corpus_toml_as_given(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """build named the problem's file corpus.toml where validate and release name it
    SEEDS/corpus.toml (QA): every build problem's path is joined to the seeds as given."""
    from corpuskit.cli import main

    seeds = write_seeds(tmp_path / "seeds", documents(3), slow_config())
    capsys.readouterr()
    assert main(["build", str(seeds), "--out", str(tmp_path / "dist"), "-j", "1"]) == 1
    err = capsys.readouterr().err
    assert f"error: {seeds / 'corpus.toml'}:extract.rights_patterns[1]: " in err, err


@pytest.mark.parametrize("stop", ["slow pattern", "internal error"])
def test_a_check_that_stopped_shows_no_counts_and_says_so(
        stop: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A --reproduce stopped by a package's rights pattern (or a check ended by a bug)
    summed up as "(0 documents, 0 files; ...)", counts of nothing (QA): it says checking
    stopped, and its JSON lists that under not_checked."""
    import corpuskit.validation as validation
    from corpuskit.problems import Problem
    from corpuskit.validation import render_text
    from corpuskit.validation.report import STOPPED

    seeds = write_seeds(tmp_path / "seeds", documents(3))
    package = corpuskit.build(seeds, tmp_path / "dist", jobs=1).release

    def stopped(*args: object, **kwargs: object) -> None:
        if stop == "internal error":
            raise RuntimeError("a bug")
        raise InputError([Problem("datapackage.json", "config-error", "too slow",
                                  "corpuskit.process.extract.rights_patterns[0]")])

    monkeypatch.setattr(validation, "check_folder", stopped)
    report = corpuskit.validate(package, reproduce=True, jobs=1)
    summary = render_text(report)[-1]
    assert not report.valid and "0 documents" not in summary and "0 files" not in summary
    assert summary.endswith(f"1 problem in package (full + reproduce checks; {STOPPED})")
    assert report.as_dict()["not_checked"] == [{"path": ".", "message": STOPPED}]
    # An annotation is shown alone, on the package: it names the problem by its code, not
    # as "the problem above", and its path "." is left out (QA: ".: ... above")
    from corpuskit.validation import render_github

    code = "internal-error" if stop == "internal error" else "config-error"
    [warning] = [line for line in render_github(report) if line.startswith("::warning")]
    assert warning == (f"::warning file={package},title=not-checked::checking stopped at "
                       f"its {code} problem: nothing else was checked or counted")
    assert "above" not in render_github(report)[0]  # the summary


#: A pattern whose repeat stands for 40,000 characters: two fit within the limit, three do
#: not.
LARGE = "(?:x{200}){200}"
TOGETHER = ("the rights patterns up to this one stand for {} characters together, more "
            "than 100000 (each character of a pattern counts, and a bounded repeat counts as "
            "written out); write fewer or shorter patterns")


def test_the_patterns_together_are_held_to_the_limit_each_is_held_to() -> None:
    """Each pattern is compiled to be matched, written out: 100 patterns each just under
    the limit took 2.65 GB to check in a package's datapackage.json (QA). What they stand
    for together is held to the limit; a pattern past it alone is told so, as before."""
    from corpuskit.rightsrules import patterns_problems

    assert list(patterns_problems([LARGE, LARGE])) == []
    # "(?i)© .*": 3 characters (a repeat without bound counts its least, at least once).
    assert list(patterns_problems([LARGE, "(?i)© .*", LARGE, LARGE, LARGE])) \
        == [(3, TOGETHER.format(120003))]
    alone = list(patterns_problems(["(?:a{4000}){3000}", LARGE, "(unclosed"]))
    assert [index for index, _ in alone] == [0, 2]
    assert "12000000 characters, more than 100000" in alone[0][1]
    assert alone[1][1].startswith("not a valid Python regular expression")


def test_validate_names_the_pattern_past_the_limit_in_seeds_and_in_a_package(
        tmp_path: Path) -> None:
    import json

    from _consumers import rewrite_tagmanifest

    from corpuskit.package import pretty_json

    config = {"extract": {"language": False, "rights_patterns": [LARGE, LARGE, LARGE]}}
    seeds = write_seeds(tmp_path / "seeds", documents(2), config)
    report = corpuskit.validate(seeds, jobs=1)
    assert [(p.path, p.code, p.location, p.message) for p in report.problems] == [
        ("corpus.toml", "config-error", "extract.rights_patterns[2]", TOGETHER.format(120000))]

    package = corpuskit.build(write_seeds(tmp_path / "fine", documents(2)),
                              tmp_path / "dist", jobs=1).release
    descriptor = json.loads((package / "datapackage.json").read_text())
    descriptor["corpuskit"]["process"]["extract"]["rights_patterns"] = [LARGE] * 3
    (package / "datapackage.json").write_bytes(pretty_json(descriptor))
    rewrite_tagmanifest(package)
    report = corpuskit.validate(package, jobs=1)
    assert any(p.path == "datapackage.json" and "rights_patterns[2]" in p.message + p.location
               and TOGETHER.format(120000) in p.message for p in report.problems), \
        [p.render() for p in report.problems]



def test_a_pattern_longer_than_the_limit_is_refused_before_it_is_compiled(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A package's rights pattern of millions of characters was compiled, by validate,
    info and diff, three times over (1.5 GB, a minute) before its length was refused (QA).
    It is refused by its length, and neither corpuskit nor the schema's "regex" format
    compiles it; recorded settings no build writes (a code page twice, an empty pattern)
    are refused too."""
    import json
    import re

    from _consumers import rewrite_tagmanifest

    from corpuskit.package import pretty_json
    from corpuskit.rightsrules import patterns_problems
    from corpuskit.validation.descriptor import process_config_from_settings

    long = "a" * 300_000
    compiled: list[int] = []
    real = re.compile

    def counting(pattern: object, flags: int = 0) -> object:
        if isinstance(pattern, str) and len(pattern) > 100_000:
            compiled.append(len(pattern))
        return real(pattern, flags)  # type: ignore[call-overload]

    assert [reason for _, reason in patterns_problems([long])] == [
        "it is 300000 characters long, more than the 100000 its repeats and characters may "
        "stand for; write a shorter pattern"]
    package = corpuskit.build(write_seeds(tmp_path / "fine", documents(2)),
                              tmp_path / "dist", jobs=1).release
    descriptor = json.loads((package / "datapackage.json").read_text())
    settings = descriptor["corpuskit"]["process"]
    settings["extract"]["rights_patterns"] = [long]
    (package / "datapackage.json").write_bytes(pretty_json(descriptor))
    rewrite_tagmanifest(package)
    monkeypatch.setattr(re, "compile", counting)
    report = corpuskit.validate(package, jobs=1)
    monkeypatch.undo()
    assert compiled == []
    assert ("datapackage.json", "schema-error",
            "/corpuskit/process/extract/rights_patterns/0") in [
        (p.path, p.code, p.location) for p in report.problems]
    for where, value, said in [
            ("extract", {"rights_patterns": [""]}, "rights_patterns[0]: an empty pattern"),
            ("decode", {"fallback_encodings": ["cp1252", "cp1252"]},
             "'cp1252' listed more than once")]:
        changed = json.loads(json.dumps(settings))
        changed[where].update(value)
        with pytest.raises(ValueError, match=re.escape(said)):
            process_config_from_settings(changed)


def test_the_readme_lists_the_built_in_patterns_as_they_are() -> None:
    """Its example differed from the built-in © pattern: copied with one pattern added, a
    line "2021-2023 © Foo Inc." was no longer taken out (QA)."""
    import re
    import tomllib

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    [block] = [b for b in re.findall(r"```toml\n(.*?)```", readme, flags=re.S)
               if b.startswith("rights_patterns = [")]
    listed = tomllib.loads(block)["rights_patterns"]
    assert tuple(listed[:3]) == DEFAULT_RIGHTS_PATTERNS and len(listed) == 4


def test_the_readme_warns_of_list_items_and_its_narrower_patterns_keep_them() -> None:
    """QA: the built-in pattern took the last item of a list ``(a) (b) (c)`` that starts with
    a year (``(c) 2019 amendments ...``) out of the body; the README now says which lines
    the built-in patterns take, and its narrower patterns keep those in the text while
    taking notices."""
    import re
    import tomllib

    from corpuskit.extract import extract_parts

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    flat = " ".join(readme.split())
    assert "a last one-line paragraph that starts with `(c) YYYY`" in flat
    assert "or `Copyright YYYY`" in flat and "set `rights = false` under `[extract]`" in flat
    [block] = [b for b in re.findall(r"```toml\n(.*?)```", readme, flags=re.S)
               if b.startswith('# "© 2023 Agency"')]
    narrower = ExtractConfig(rights_patterns=tuple(tomllib.loads(block)["rights_patterns"]))
    rights_rules.cache_clear()
    body = "Membership rules\n\nThe following apply:\n\n(a) 2017 rules are void.\n\n"
    for last in ("(c) 2019 amendments apply to all members.",
                 "Copyright 2020 was when the law changed."):
        assert extract_parts(f"{body}{last}\n", ExtractConfig()).rights == last
        kept = extract_parts(f"{body}{last}\n", narrower)
        assert kept.rights is None and kept.text.endswith(f"{last}\n")
    for notice in ("© 2023 Agency", "2021-2023 © Foo Inc.", "Copyright (c) 2021-2023 Agency",
                   "Copyright © 2023 Agency"):
        assert extract_parts(f"{body}{notice}\n", narrower).rights == notice


def test_a_posix_class_is_matched_and_prints_no_warning_of_re(tmp_path: Path) -> None:
    """``[[:alpha:]]`` is a POSIX class to ``regex``, which matches rights patterns, and a
    possible nested set to ``re``, which compiles them only to check them: its
    FutureWarning, with corpuskit's source lines, was printed by build (two) and validate
    (two more) of a fresh interpreter (QA). The line is still found as the rights line."""
    pattern = "(?i)source: [[:alpha:]]+ 2023"
    seeds = write_seeds(tmp_path / "seeds", {
        "r.txt": "Title\n\nBody text in English for the rights pattern test.\n\n"
                 "Source: Agency 2023\n"}, {"extract": {"language": False,
                                                       "rights_patterns": [pattern]}})
    out = tmp_path / "out"
    built = run_cli(build_args(seeds, out), patch="pass")  # a new interpreter
    assert built.code == 0, built.stderr
    assert [line.split(" ", 1)[0] for line in built.stderr.splitlines()] == ["built"], \
        built.stderr  # the one line that says what was built, no warning
    [release] = [path for path in out.iterdir() if path.is_dir()]
    record = json.loads((release / "data" / "documents.jsonl").read_text(encoding="utf-8"))
    assert record["rights"] == "Source: Agency 2023"
    checked = run_cli(["validate", release, "--reproduce"], patch="pass")
    assert checked.code == 0, checked.stdout + checked.stderr
    assert checked.stderr == "", checked.stderr
