"""Every ``--json`` output has a schema in ``schemas/``, in success and in failure.

A command that fails with ``--json`` prints the failure form of its schema on stdout (what
stopped it and its problems), never nothing: a consumer parsing stdout always gets one
document.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import make_seeds
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from corpuskit.cli import main
from corpuskit.schemacheck import schema_registry

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
GOOD = {"good.txt": "A good title\n\nA perfectly ordinary paragraph of English text.\n"}
EPOCH = "1800000000"


def schema(name: str) -> Draft202012Validator:
    """Schema ``name``, its references to the other schemas (release's ``diff``) resolved
    offline, by their $id, as corpuskit's own validators resolve them."""
    return Draft202012Validator(json.loads((SCHEMAS / name).read_text("utf-8")),
                                registry=schema_registry())


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr().out
    return code, json.loads(out)


@pytest.mark.parametrize("name", sorted(p.name for p in SCHEMAS.glob("*.schema.json")))
def test_every_schema_is_a_valid_draft_2020_12_schema(name: str) -> None:
    document = json.loads((SCHEMAS / name).read_text("utf-8"))
    Draft202012Validator.check_schema(document)


def test_build_json_in_success_and_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    seeds = make_seeds(tmp_path, {**GOOD, ".notes.txt": "my notes\n"})
    out = tmp_path / "out"
    code, data = run_json(capsys, "build", str(seeds), "--out", str(out), "--jobs", "1",
                          "--no-cache", "--json")
    assert code == 0 and data["status"] == "built" and data["documents"] == 1
    schema("build.schema.json").validate(data)
    skipped = [{"path": ".notes.txt", "reason": "hidden"}]
    assert data["skipped"] == skipped
    (seeds / "empty.txt").write_bytes(b"")
    code, data = run_json(capsys, "build", str(seeds), "--out", str(tmp_path / "o2"),
                          "--jobs", "1", "--no-cache", "--json")
    assert code == 1
    schema("build.schema.json").validate(data)
    assert (data["seeds"], data["out"]) == (str(seeds), str(tmp_path / "o2"))
    assert [(p["path"], p["code"]) for p in data["problems"]] == [("empty.txt",
                                                                   "empty-document")]
    # A failure told what was skipped on standard error only, not in its JSON (QA).
    assert data["skipped"] == skipped
    (seeds / "corpus.toml").write_text('name = "unclosed\n', encoding="utf-8")
    code, data = run_json(capsys, "build", str(seeds), "--out", str(tmp_path / "o2"),
                          "--jobs", "1", "--no-cache", "--json")
    assert code == 1 and data["problems"][0]["code"] == "config-error"
    schema("build.schema.json").validate(data)
    assert data["skipped"] == []  # (stopped before the seeds folder was listed)


def test_release_json_in_success_and_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    seeds = make_seeds(tmp_path, GOOD)
    out = tmp_path / "dist"
    common = ["--seeds", str(seeds), "--out", str(out), "--jobs", "1", "--no-cache", "--json"]
    code, data = run_json(capsys, "release", *common)
    assert code == 0 and data["previous"] is None and data["dry_run"] is False
    schema("release.schema.json").validate(data)
    schema("diff.schema.json").validate(data["diff"])
    (seeds / "more.txt").write_text("More\n\nAnother ordinary paragraph of English text.\n")
    code, data = run_json(capsys, "release", "--dry-run", *common)
    assert code == 0 and data["dry_run"] is True and data["bump"] == "minor"
    schema("release.schema.json").validate(data)
    code, data = run_json(capsys, "release", "patch", *common)  # too small for an addition
    assert code == 1
    schema("release.schema.json").validate(data)
    assert data["problems"] == [] and "minor release" in data["error"]


def test_release_json_holds_its_diff_to_the_diff_schema(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """release.schema.json's ``diff`` was any object (QA: ``{}`` passed): it refers to
    diff.schema.json's diff form, so a diff that is none is refused where it stands."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    seeds = make_seeds(tmp_path, GOOD)
    common = ["--seeds", str(seeds), "--out", str(tmp_path / "dist"), "--jobs", "1",
              "--no-cache", "--json"]
    assert run_json(capsys, "release", *common)[0] == 0
    (seeds / "more.txt").write_text("More\n\nAnother ordinary paragraph of English text.\n")
    code, data = run_json(capsys, "release", "--dry-run", *common)
    assert code == 0 and data["diff"]["bump"] == "minor"
    release = schema("release.schema.json")
    release.validate(data)
    wrong_bump = {**data["diff"], "bump": "gigantic"}
    for diff in ({}, {"bump": "gigantic", "added": "everything"}, wrong_bump):
        errors = list(release.iter_errors({**data, "diff": diff}))
        assert errors and not schema("diff.schema.json").is_valid(diff), diff
    # The error names the diff's own key, not only "not valid under any of the given schemas".
    best = best_match(release.iter_errors({**data, "diff": wrong_bump}))
    assert list(best.absolute_path) == ["diff", "bump"], best


@pytest.mark.parametrize(("command", "target", "fields"), [
    ("validate", "corpuskit.validation.validate_all", {"targets": ["dist", "seeds"]}),
    ("check", "corpuskit.check.check", {"seeds": "seeds", "dist": "dist"}),
])
def test_validate_and_check_json_when_the_run_fails(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        command: str, target: str, fields: dict[str, Any]) -> None:
    """A worker killed, or a full disk, stopped validate and check with exit 1 and nothing
    on stdout, where a CI step's jq expected a document (QA): the failure form."""
    from corpuskit.errors import WorkerDied

    def dies(*args: object, **kwargs: object) -> None:
        raise WorkerDied("a worker process died (killed by signal 9)")

    module, _, name = target.rpartition(".")
    monkeypatch.setattr(module + "." + name, dies)
    monkeypatch.chdir(tmp_path)
    make_seeds(tmp_path, GOOD)
    (tmp_path / "dist").mkdir()
    args = ["dist", "seeds"] if command == "validate" else []
    code, data = run_json(capsys, command, *args, "--json")
    assert code == 1
    schema("report.schema.json").validate(data)
    assert data == {**fields, "error": "a worker process died (killed by signal 9)",
                    "problems": [], "corpuskit_version": data["corpuskit_version"]}
    capsys.readouterr()
    assert main([command, *args, "--format", "github"]) == 1
    out, err = capsys.readouterr()
    # (QA: with --format github, the log's annotations said nothing)
    assert out.splitlines() == [
        "::error title=corpuskit::a worker process died (killed by signal 9)"]
    assert "a worker process died" in err


def test_a_collections_valid_is_held_to_its_reports_in_both_directions(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A collection's ``valid`` is "true exactly when every report is valid", and the schema
    now says so (QA: ``valid: true`` over an invalid report passed, where a single report's
    ``valid`` was held to its problems): true needs every report valid, false one invalid."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    seeds = make_seeds(tmp_path, GOOD)
    dist = tmp_path / "dist"
    assert main(["build", str(seeds), "--out", str(dist), "--jobs", "1", "--no-cache"]) == 0
    (tmp_path / "notes.txt").write_text("no package\n", encoding="utf-8")
    report = schema("report.schema.json")
    code, sound = run_json(capsys, "validate", "--jobs", "1", "--json", str(dist))
    code, mixed = run_json(capsys, "validate", "--jobs", "1", "--json", str(dist),
                           str(tmp_path / "notes.txt"))
    assert code == 1
    assert sound["valid"] is True and len(sound["reports"]) > 1
    assert mixed["valid"] is False and [r["valid"] for r in mixed["reports"]][-1] is False
    assert any(r["valid"] for r in mixed["reports"])
    report.validate(sound)
    report.validate(mixed)
    assert not report.is_valid({**mixed, "valid": True}), "true over an invalid report"
    assert not report.is_valid({**sound, "valid": False}), "false with every report valid"


@pytest.mark.parametrize(("command", "target", "schema_name", "fields"), [
    ("build", "corpuskit.build.build", "build.schema.json",
     {"seeds": "seeds", "out": "dist", "skipped": [], "notes": []}),
    ("release", "corpuskit.release.release", "release.schema.json",
     {"seeds": "seeds", "out": "dist"}),
    ("check", "corpuskit.check.check", "report.schema.json", {"seeds": "seeds", "dist": "dist"}),
    ("diff", "corpuskit.diff.diff", "diff.schema.json", {"old": "seeds", "new": "seeds"}),
    ("export", "corpuskit.export.export_named", "export.schema.json",
     {"package": "seeds", "out": "out.csv", "format": "csv"}),
    ("info", "corpuskit.info.info", "info.schema.json", {"path": "seeds"}),
])
def test_every_json_command_prints_its_failure_when_a_resource_runs_out(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        command: str, target: str, schema_name: str, fields: dict[str, Any]) -> None:
    """Memory or open files that ran out where no stage foresaw them ended a ``--json``
    command with its one-line error and nothing on stdout (QA: s76's open list, "build --json
    prints no failure JSON"): the failure form of its schema, saying what ran out."""
    def exhausted(*args: object, **kwargs: object) -> None:
        raise MemoryError

    module, _, name = target.rpartition(".")
    # (the package exports build, release and diff as functions, which shadow the modules)
    monkeypatch.setattr(importlib.import_module(module), name, exhausted)
    monkeypatch.chdir(tmp_path)
    make_seeds(tmp_path, GOOD)
    args = {"build": ["seeds", "--out", "dist"], "release": ["--seeds", "seeds"],
            "check": [], "diff": ["seeds", "seeds"],
            "export": ["seeds", "--format", "csv", "--out", "out.csv"],
            "info": ["seeds"]}[command]
    code, data = run_json(capsys, command, *args, "--json")
    assert code == 1
    schema(schema_name).validate(data)
    assert data["error"].startswith("ran out of memory") and data["problems"] == [], data
    assert data == {**fields, "error": data["error"], "problems": [],
                    "corpuskit_version": data["corpuskit_version"]}
    capsys.readouterr()
    assert main([command, *args]) == 1
    out, err = capsys.readouterr()  # without --json: the one line, as before
    assert out == "" and err.startswith("corpuskit: error: ran out of memory"), (out, err)
    assert len(err.splitlines()) == 1, err
