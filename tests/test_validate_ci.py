"""CI integration for corpus repositories: the pre-commit hooks and the GitHub Actions step
documented in README.md are valid and run working commands; the commands document
themselves with examples.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml
from _validate_support import EPOCH, built, run
from conftest import REPO, tree_bytes
from packaging.requirements import Requirement

from corpuskit.cli import cli

HOOKS = REPO / ".pre-commit-hooks.yaml"
README = REPO / "README.md"


@pytest.fixture
def corpus_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A corpus repository with a current dist/, as the working directory."""
    shutil.copytree(built().seeds, tmp_path / "seeds")
    shutil.copytree(built().dist, tmp_path / "dist",
                    ignore=shutil.ignore_patterns(".corpuskit-*"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return tmp_path


def _hooks() -> list[dict[str, object]]:
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert isinstance(hooks, list)
    return hooks


def test_pre_commit_manifest_is_valid() -> None:
    hooks = _hooks()
    assert {hook["id"] for hook in hooks} == {"corpuskit-validate", "corpuskit-check"}
    for hook in hooks:
        assert {"id", "name", "entry", "language"} <= hook.keys()
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        # run on every commit: pre-commit selects no deleted file (QA ciauthor 1)
        assert hook["always_run"] is True
        re.compile(str(hook["files"]))
    try:
        from pre_commit.clientlib import load_manifest
    except ImportError:
        return
    load_manifest(str(HOOKS))


@pytest.mark.parametrize("hook_id", ["corpuskit-validate", "corpuskit-check"])
def test_pre_commit_hooks_run_working_commands(corpus_repo: Path,
                                               capsys: pytest.CaptureFixture[str],
                                               hook_id: str) -> None:
    hook = next(h for h in _hooks() if h["id"] == hook_id)
    argv = [*shlex.split(str(hook["entry"])), *hook.get("args", [])]  # as pre-commit runs it
    assert argv[0] == "corpuskit"
    pyproject = (REPO / "pyproject.toml").read_text()
    assert 'corpuskit = "corpuskit.launch:main"' in pyproject
    code, out, err = run(capsys, *argv[1:])
    assert code == 0, out + err
    (corpus_repo / "dist/validate-sample-1.0.0/README.md").write_text("edited\n")
    code, out, _ = run(capsys, *argv[1:])
    assert code == 1 and "README.md" in out


def test_the_validate_hook_takes_another_folder_of_releases_in_its_args(
        corpus_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``args: [corpora/x/dist]`` in a repository's config made the hook run ``corpuskit
    validate dist corpora/x/dist``, exit 2 where there is no dist/ (QA): the folder is the
    hook's default args, which the repository's own replace."""
    import shutil as files

    hook = next(h for h in _hooks() if h["id"] == "corpuskit-validate")
    files.move(corpus_repo / "dist", corpus_repo / "corpora")
    argv = [*shlex.split(str(hook["entry"])), "corpora"]
    code, out, err = run(capsys, *argv[1:])
    assert code == 0, out + err


def test_the_readme_s_hooks_for_other_folders_run_when_those_change(
        corpus_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The README gave other folders in args only: pre-commit kept the hook's own files
    pattern, matched no file of corpora/news/ and skipped the hooks (QA). Its example
    overrides files too, and each hook then checks those folders."""
    import shutil as files

    text = README.read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", text, flags=re.S)
                 if "args: [corpora/news/dist]" in b)
    hooks = {hook["id"]: hook for hook in yaml.safe_load(block)}
    assert set(hooks) == {hook["id"] for hook in _hooks()}
    news = corpus_repo / "corpora" / "news"
    news.mkdir(parents=True)
    for folder in ("dist", "seeds"):
        files.move(corpus_repo / folder, news / folder)
    for hook in _hooks():
        mine = hooks[str(hook["id"])]
        # they run on every commit (always_run), whatever their files pattern matches
        assert mine.get("always_run", hook["always_run"]) is True or \
            re.search(str(mine["files"]), "corpora/news/seeds/a.txt")
        argv = [*shlex.split(str(hook["entry"])), *mine["args"]]
        code, out, err = run(capsys, *argv[1:])
        assert code == 0, (argv, out + err)


def _pre_commit_selects(hook: dict[str, object], staged: list[str]) -> bool:
    """Whether pre-commit runs ``hook`` for a commit of ``staged`` (the paths that git
    diff --staged names, deleted ones too): as pre_commit/git.py get_staged_files
    (--diff-filter=ACMRTUXB, "everything except for D") and commands/run.py
    _filter_by_include_exclude (``files``, and os.path.lexists) select them."""
    selected = [path for path in staged
                if re.search(str(hook["files"]), path) and os.path.lexists(path)]
    return bool(selected) or hook.get("always_run", False) is True


@pytest.mark.parametrize("deleted", ["a seed", "the release"])
def test_the_hooks_run_for_a_commit_that_only_deletes(
        corpus_repo: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, deleted: str) -> None:
    """A commit whose only change was 'git rm seeds/x.txt' (a document withdrawn without a
    release) or 'git rm -r dist/<release>' skipped both hooks, "(no files to check)", and a
    stale dist/ was committed (QA ciauthor 1): pre-commit never selects a deleted path.
    Both hooks run on every commit, and check fails such a commit."""
    git = shutil.which("git")
    assert git is not None, "git is needed: corpus repositories are git repositories"
    quiet = {"capture_output": True, "check": True}
    identity = ["-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([git, "init", "-q", "."], **quiet)
    subprocess.run([git, "add", "-A"], **quiet)
    subprocess.run([git, *identity, "commit", "-qm", "first release"], **quiet)
    seed = next(path for path in sorted(Path("seeds").rglob("*.txt")))
    gone = str(seed) if deleted == "a seed" else "dist/validate-sample-1.0.0"
    subprocess.run([git, "rm", "-rq", gone], **quiet)
    staged = subprocess.run([git, "diff", "--staged", "--name-only", "-z"],
                            **quiet).stdout.decode().split("\0")
    assert any(path.startswith(gone) for path in staged)
    monkeypatch.setenv("PRE_COMMIT", "1")  # as pre-commit runs its hooks
    for hook in _hooks():
        assert _pre_commit_selects(hook, [path for path in staged if path]), hook["id"]
        argv = [*shlex.split(str(hook["entry"])), *hook.get("args", [])]
        code, out, err = run(capsys, *argv[1:])
        if hook["id"] == "corpuskit-check":
            assert code == 1, out + err
            assert (seed.name if deleted == "a seed" else "validate-sample-1.0.0") in out


def _readme_workflow_steps() -> list[dict[str, object]]:
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.S)
    steps = next(yaml.safe_load(b) for b in blocks if "actions/setup-python" in b)
    assert isinstance(steps, list)
    return steps


def test_readme_documents_a_github_actions_step(corpus_repo: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    steps = _readme_workflow_steps()
    # The job has the repository to check only once it is checked out (QA: the step
    # was missing, and every command then ran in an empty folder).
    uses = [str(step.get("uses", "")) for step in steps]
    assert uses[0].startswith("actions/checkout@"), uses
    commands = [str(step["run"]) for step in steps
                if "run" in step and str(step["run"]).startswith("corpuskit ")]
    assert any("validate" in c and "--format github" in c for c in commands)
    assert any(c.startswith("corpuskit check") for c in commands)
    for command in commands:
        code, out, err = run(capsys, *shlex.split(command)[1:])
        assert code == 0, (command, out, err)
        assert "::error" not in out


def _parquet_extra() -> list[str]:
    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]
    return list(extras["parquet"])


def test_the_readme_installs_corpuskit_from_its_repository_with_parquet() -> None:
    """``pip install corpuskit`` installed another project of that name on PyPI, with no
    corpuskit command; and without pyarrow, check of a corpus with parquet = true (the
    seed corpus's) failed (QA)."""
    installs = [str(step["run"]) for step in _readme_workflow_steps()
                if str(step.get("run", "")).startswith("pip install")]
    [install] = installs
    requirement = Requirement(shlex.split(install)[2])
    assert requirement.name == "corpuskit" and requirement.extras == {"parquet"}
    assert requirement.url is not None and requirement.url.startswith("git+https://")


def _readme_pre_commit_config() -> dict[str, object]:
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.S)
    config = next(yaml.safe_load(b) for b in blocks if b.startswith("repos:"))
    assert isinstance(config, dict)
    return config


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    git = shutil.which("git")
    assert git is not None
    return subprocess.run([git, "-C", str(REPO), *args], capture_output=True, text=True,
                          check=False)


def test_the_ci_snippets_pin_a_commit_of_this_repository() -> None:
    """The README's pip install and pre-commit ``rev`` named a tag, v0.1.0, that this
    repository does not have, so neither snippet worked as written (QA). They pin one
    revision, a full commit sha or a tag (what pre-commit takes: a branch is not
    supported), of this repository, whose hooks are the ones listed, each run on every
    commit (``always_run: true``) as the README says under the snippet (QA s83 newuser 1:
    the pin, 4302d22, predated always_run, so its hooks skipped a commit that only deletes
    a seed or a release)."""
    [install] = [str(step["run"]) for step in _readme_workflow_steps()
                 if str(step.get("run", "")).startswith("pip install")]
    url = Requirement(shlex.split(install)[2]).url
    assert url is not None
    pinned = url.rpartition("@")[2]
    [repo] = _readme_pre_commit_config()["repos"]  # type: ignore[misc]
    assert repo["repo"] == url.removeprefix("git+").rpartition("@")[0]
    assert repo["rev"] == pinned
    sha = re.fullmatch(r"[0-9a-f]{40}", pinned) is not None  # else it must be a tag
    [commented] = re.findall(r"(?m)^#\s+rev: (\S+)", HOOKS.read_text(encoding="utf-8"))
    assert commented == pinned
    assert [hook["id"] for hook in repo["hooks"]] == [hook["id"] for hook in _hooks()]
    if shutil.which("git") is None or _git("rev-parse", "--git-dir").returncode != 0:
        pytest.skip("not a git checkout of corpuskit")
    ref = pinned if sha else f"refs/tags/{pinned}"
    if _git("cat-file", "-e", f"{ref}^{{commit}}").returncode != 0:
        # Only a shallow clone (CI's checkout fetches one commit by default) may lack it.
        if _git("rev-parse", "--is-shallow-repository").stdout.strip() == "true":
            pytest.skip(f"this shallow clone does not hold the pinned {pinned}")
        pytest.fail(f"{pinned} is no {'commit' if sha else 'tag'} of this repository")
    hooks_then = yaml.safe_load(_git("show", f"{pinned}:.pre-commit-hooks.yaml").stdout)
    assert [hook["id"] for hook in hooks_then] == [hook["id"] for hook in _hooks()]
    assert [hook["id"] for hook in hooks_then if hook.get("always_run") is not True] == [], \
        f"the hooks of the pinned {pinned} do not run on every commit, as the README says"


def test_the_hooks_install_the_pinned_pyarrow() -> None:
    """A pre-commit hook installs the hook repository without extras: each names the
    parquet extra's pyarrow, so that check can build a corpus with parquet = true."""
    for hook in _hooks():
        assert hook["additional_dependencies"] == _parquet_extra(), hook["id"]


def test_readme_documents_the_pre_commit_hooks() -> None:
    text = README.read_text(encoding="utf-8")
    for hook in _hooks():
        assert f"id: {hook['id']}" in text


@pytest.mark.parametrize("name", ["validate", "check"])
def test_commands_document_themselves_with_an_example(name: str) -> None:
    command = cli.commands[name]
    assert command.help and "Example:" in command.help
    example = command.help.split("Example:", 1)[1]
    assert f"corpuskit {name}" in example


@pytest.mark.parametrize("attributes", [True, False])
def test_gitattributes_keep_the_releases_bytes_under_autocrlf(
        corpus_repo: Path, tmp_path_factory: pytest.TempPathFactory,
        capsys: pytest.CaptureFixture[str], attributes: bool) -> None:
    """A checkout with ``core.autocrlf=true`` (Git for Windows' default) wrote CRLF line
    ends into the releases, which then failed validate (QA). This repository's
    .gitattributes, which the README tells corpus repositories to copy, keeps the bytes
    of seeds/ and dist/; without it the same checkout breaks the release."""
    git = shutil.which("git")
    assert git is not None, "git is needed: corpus repositories are git repositories"
    if attributes:
        shutil.copy(REPO / ".gitattributes", corpus_repo / ".gitattributes")
    quiet = {"capture_output": True, "check": True}
    identity = ["-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([git, "init", "-q", str(corpus_repo)], **quiet)
    subprocess.run([git, "-C", str(corpus_repo), "add", "-A"], **quiet)
    subprocess.run([git, "-C", str(corpus_repo), *identity, "commit", "-qm", "r"], **quiet)
    clone = tmp_path_factory.mktemp("windows") / "clone"
    subprocess.run([git, "-c", "core.autocrlf=true", "clone", "-q", str(corpus_repo),
                    str(clone)], **quiet)
    code, out, err = run(capsys, "validate", str(clone / "dist"))
    if attributes:
        assert code == 0, out + err
        assert tree_bytes(clone / "dist") == tree_bytes(corpus_repo / "dist")
    else:
        assert code == 1 and "checksum-mismatch" in out, out + err


def test_github_annotations_of_several_targets_give_every_summary_first(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """GitHub shows the first 10 error annotations of a step. Target by target, the
    repeats of one pushed the summary and the problems of the next past them (QA: two
    releases Git converted). Every summary comes first, then one problem of each kind of
    every target, then the repeats; each problem still annotated once."""
    monkeypatch.chdir(tmp_path)
    for name in ("a", "b"):
        shutil.copytree(built().release, tmp_path / name)
    for number in range(12):  # 24 problems of two kinds in a
        (tmp_path / f"a/extra{number:02}.txt").write_text("mine\n")
    with (tmp_path / "b/bagit.txt").open("a") as handle:  # and two other kinds in b
        handle.write("y\n")
    code, out, _ = run(capsys, "validate", "a", "b", "--format", "github")
    lines = out.splitlines()
    assert code == 1 and len(lines) == 2 + 24 + 2 and len(set(lines)) == len(lines)
    assert lines[0].startswith("::error title=corpuskit::a: 24 problems in package")
    assert lines[1].startswith("::error title=corpuskit::b: 2 problems in package")
    shown = lines[2:10]  # the first 10 errors: both summaries, then one of each kind
    assert sum(line.startswith("::error file=b/bagit.txt,") for line in shown) == 2
    assert {re.search(r"title=([a-z-]+)::", line)[1]  # type: ignore[index]
            for line in shown[:4]} == {"unexpected-file", "unlisted-file",
                                       "checksum-mismatch", "bagit-error"}
    # one target alone: as before, its summary, then its problems
    code, alone, _ = run(capsys, "validate", "b", "--format", "github")
    assert alone.splitlines() == [lines[1], *(line for line in lines
                                              if line.startswith("::error file=b/"))]
