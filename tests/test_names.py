"""Strange file names: packaged exactly, or refused with a reason, the same by every command.

A packaged name round-trips: seeds → build → data/raw/<name> and the record's
source_path → BagIt manifest (bagit-python and ``sha256sum -c``, as the data card says)
→ zip members → ``corpuskit validate`` (folder and zip) → ``corpuskit.load`` (folder and
zip). A refused name is refused by ``build`` and by ``validate SEEDS`` with the same
problems, and nothing is written.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any
from unittest.mock import patch

import bagit
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from property_budget import examples
from reliability_support import build_args, run_cli, run_here, visible_entries, write_seeds

import corpuskit
from corpuskit.discover import MAX_PATH_BYTES, document_id
from corpuskit.errors import InputError
from corpuskit.problems import one_line

NFD_NAME = unicodedata.normalize("NFD", "nfd/thé noir.txt")
LONGEST_COMPONENT = "x" * 251 + ".txt"  # 255 bytes, the most ext4/tmpfs/APFS allow
LONGEST_UTF8_COMPONENT = "é" * 125 + ".txt"  # 254 bytes in 129 characters
DEEP = "/".join(f"level{i}" for i in range(40)) + "/deep.txt"

#: Names that must be packaged exactly as they are.
PACKAGED = [
    "with space.txt",
    " leading space.txt",
    "trailing space .txt",
    "café.txt",  # NFC
    NFD_NAME,
    "日本語/文書.txt",
    "emoji 😀.txt",
    "a#b[d]{e}!@$+,=~`^.txt",
    "-starts-with-dash.txt",
    "quote's.txt",
    "semi;colon&amp=.txt",
    "nbsp\u00a0name.txt",
    "zero\u200bwidth.txt",
    # a character nothing shows in a name that shows: fine (QA: seeds 3)
    "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645.txt",  # Persian, with a ZWNJ
    "\u200bstarts-unseen.txt",
    "no-extension",
    "two.dots.txt",
    "manifest-sha256.txt",
    "data/raw/nested.txt",
    "CONSOLE.txt",
    "con-notes/COM10.txt",
    "NULL",
    "x.CON",
    "aux_files/lpt.txt",
    LONGEST_COMPONENT,
    LONGEST_UTF8_COMPONENT,
    DEEP,
]
#: Hidden names: skipped, and named on stderr.
HIDDEN = {".hidden.txt": ".hidden.txt", "..two-dots.txt": "..two-dots.txt",
          ".hidden-folder/inside.txt": ".hidden-folder", "sub/.hidden.txt": "sub/.hidden.txt"}


def text_for(name: str) -> str:
    return f"A title for {name!r}\n\nThe body of the document stored as {name!r}.\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("names")
    files = {name: text_for(name) for name in [*PACKAGED, *HIDDEN]}
    seeds = write_seeds(root / "seeds", files)
    out = root / "out"
    done = run_here(build_args(seeds, out))
    assert done.code == 0, done.stderr
    return {"seeds": seeds, "release": out / "test-corpus-1.0.0",
            "archive": out / "test-corpus-1.0.0.zip", "stderr": done.stderr}


def test_every_name_is_a_record_with_its_exact_path(built: dict[str, Any]) -> None:
    release = built["release"]
    assert isinstance(release, Path)
    corpus = corpuskit.load(release)
    records = {doc.source_path: doc for doc in corpus}
    assert set(records) == set(PACKAGED)
    for name, record in records.items():
        assert record.id == document_id(name)
        assert (release / "data" / "raw" / name).read_bytes() == text_for(name).encode()
    assert records[NFD_NAME].source_path.encode() == NFD_NAME.encode(), "renormalized"


def test_hidden_names_are_skipped_and_named(built: dict[str, Any]) -> None:
    stderr = built["stderr"]
    assert isinstance(stderr, str)
    for shown in HIDDEN.values():
        assert f"skipped: {built['seeds']}/{shown} (hidden)" in stderr
    release = built["release"]
    assert isinstance(release, Path)
    assert not list(release.rglob(".hidden*"))


def test_bagit_python_validates_the_bag(built: dict[str, Any]) -> None:
    bag = bagit.Bag(str(built["release"]))
    bag.validate()
    assert {unicodedata.normalize("NFC", p) for p in bag.payload_files()} == {
        unicodedata.normalize("NFC", f"data/raw/{name}") for name in PACKAGED
    } | {"data/documents.jsonl"}


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="no sha256sum")
def test_sha256sum_checks_the_manifests(built: dict[str, Any]) -> None:
    for manifest in ("manifest-sha256.txt", "tagmanifest-sha256.txt"):
        done = subprocess.run(["sha256sum", "--strict", "-c", manifest], cwd=built["release"],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_zip_holds_every_name_exactly(built: dict[str, Any], tmp_path: Path) -> None:
    archive, release = built["archive"], built["release"]
    assert isinstance(archive, Path) and isinstance(release, Path)
    with zipfile.ZipFile(archive) as zipped:
        names = zipped.namelist()
        zipped.extractall(tmp_path)
    assert {f"test-corpus-1.0.0/data/raw/{name}" for name in PACKAGED} <= set(names)
    extracted = tmp_path / "test-corpus-1.0.0"
    for path in release.rglob("*"):
        if path.is_file():
            assert (extracted / path.relative_to(release)).read_bytes() == path.read_bytes()


@pytest.mark.parametrize("kind", ["release", "archive"])
def test_validate_and_load_accept_the_package(kind: str, built: dict[str, Any]) -> None:
    target = built[kind]
    assert isinstance(target, Path)
    report = corpuskit.validate(target, jobs=1)
    assert report.valid, [p.render() for p in report.problems]
    assert {doc.source_path for doc in corpuskit.load(target)} == set(PACKAGED)
    done = run_here(["validate", target, "--jobs", "1"])
    assert done.code == 0, done.stdout + done.stderr


def test_percent_in_a_name_is_refused(tmp_path: Path) -> None:
    """BagIt writes '%' as '%25' (RFC 8493 §2.1.3), which bagit-python 1.9 (no %25
    decoding, LibraryOfCongress/bagit-python#157) and 'sha256sum -c' (the data card's own
    instructions) read as a missing file: such names are refused, with what to do."""
    names = ["100%.txt", "%41%0A.txt", "50%off/inside.txt"]
    seeds = write_seeds(tmp_path / "seeds", {name: text_for(name) for name in names})
    out = tmp_path / "out"
    done = run_here(build_args(seeds, out))
    assert done.code == 1, done.stderr
    assert visible_entries(out) == set()
    for name in names:
        line = next(line for line in done.stderr.splitlines()
                    if line.startswith(f"error: {seeds}/{name}:"))
        assert "[unsafe-path]" in line and "'%'" in line and "rename it" in line, line
    assert "'50%off'" in done.stderr  # the folder is named
    report = corpuskit.validate(seeds, jobs=1)
    assert {(p.path, p.code) for p in report.problems} == {(n, "unsafe-path") for n in names}


@pytest.mark.parametrize("escaped", [[], ["data/raw/100%.txt"], ["data/raw/a\rb.txt"],
                                     ["data/raw/a\nb.txt"], ["data/raw/a\nb.txt", "%0A.txt"]])
def test_manifest_lines_escape_exactly_the_paths_that_need_it(escaped: list[str]) -> None:
    """Each line is ``<sha256>  <path>`` with %, CR and LF of the path escaped, whether
    any path of the lines needs it or none does (the lines then skip the escaping)."""
    from corpuskit.package import manifest_lines
    plain = [f"data/raw/part-{i}/doc-{i}.txt" for i in range(3)] + ["data/raw/é/ü.txt"]
    files = [(path, f"{i:064x}") for i, path in enumerate(plain + escaped)]
    by_hand = "".join(f"{sha}  " + path.replace("%", "%25").replace("\r", "%0D")
                      .replace("\n", "%0A") + "\n" for path, sha in files)
    assert manifest_lines(files) == by_hand.encode("utf-8")
    assert manifest_lines(iter(files)) == by_hand.encode("utf-8")
    assert manifest_lines([]) == b""


# -- refused names -------------------------------------------------------------------------

def long_path(length: int) -> str:
    """A relative path of exactly ``length`` UTF-8 bytes (components of 200 bytes)."""
    parts: list[str] = []
    left = length
    while left > 255:
        parts.append("p" * 199)
        left -= 200
    return "/".join([*parts, "f" * (left - 4) + ".txt"])


REFUSED: dict[str, tuple[list[str], str]] = {
    "case": (["Report.txt", "report.txt"], "name-collision"),
    "case of a folder": (["Sub/x.txt", "sub/x.txt"], "name-collision"),
    "normalization": (["café.txt", unicodedata.normalize("NFD", "café.txt")], "name-collision"),
    "case folding": (["Straße.txt", "STRASSE.txt"], "name-collision"),
    "one id for two files": (["notes.txt", "notes.md"], "duplicate-id"),
    "path too long": ([long_path(MAX_PATH_BYTES + 1)], "unsafe-path"),
    "line break": (["two\nlines.txt"], "unsafe-path"),
    "carriage return": (["icon\r"], "unsafe-path"),
    "tab": (["tab\tname.txt"], "unsafe-path"),
    "backslash": (["back\\slash.txt"], "unsafe-path"),
    "control character": (["bell\x07.txt", "del\x7f.txt"], "unsafe-path"),
    "percent": (["100%.txt"], "unsafe-path"),
    # names that cannot exist on Windows: the package must unpack on every OS
    "windows characters": ([f"a{c}b.txt" for c in '<>:"|?*'], "unsafe-path"),
    "windows device names": (["CON", "con.txt", "Aux.tar.gz", "NUL", "nul .txt", "COM1.txt",
                              "com9", "LPT1.md", "lpt9.txt", "PRN.csv", "COM\u00b9.txt"],
                             "unsafe-path"),
    "windows device folder": (["aux/notes.txt", "deep/Lpt3/x.txt"], "unsafe-path"),
    "trailing dot": (["ends-with-dot.", "folder./x.txt"], "unsafe-path"),
    "trailing space": (["ends-with-space ", "folder /x.txt"], "unsafe-path"),
    # bagit-python strips a manifest line's ends and splits it as str.splitlines does
    "trailing unicode space": (["tail\u00a0", "idsp\u3000", "em\u2003.txt\u2003",
                                "folder\u00a0/x.txt"], "unsafe-path"),
    "line separators": (["ls\u2028x.txt", "ps\u2029x.txt"], "unsafe-path"),
    # invisible controls that show a name in another order than it is spelled
    "bidi controls": (["invoice\u202egpj.txt", "x\u202a.md", "\u2066a\u2069.txt",
                       "rtl\u202b/x.txt"], "unsafe-path"),
    "colon in a folder": (["a:b/x.txt"], "unsafe-path"),
    # a name whose id shows nothing: U+200B, a folder of U+2800 (QA: seeds 3), a space
    "names that show nothing": (["\u200b.txt", "\u2800/x.txt", " .md", "\U0001d159"],
                                "unsafe-path"),
    # names that merge on a case-insensitive or normalizing filesystem, at every level
    "file and folder": (["Notes", "notes/x.txt"], "name-collision"),
    "file and folder, deeper": (["a/b/Notes.d", "a/b/notes.d/x.txt"], "name-collision"),
    "two folders": (["Sub/a.txt", "sub/b.txt"], "name-collision"),
    "two folders, deeper": (["top/Dir/a.txt", "top/dir/b.txt", "top/DIR/c/d.txt"],
                            "name-collision"),
    "characters nothing shows": (["note.txt", "no\u200bte.txt", "so\u00adft.md", "soft.md",
                                  "heart\u2764.txt", "heart\u2764\ufe0f.txt"], "name-collision"),
    "two folders by normalization": ([f"{unicodedata.normalize('NFD', 'café')}/a.txt",
                                      "café/b.txt"], "name-collision"),
    # the configuration and changelog are read by these names: a look-alike is one name
    # with them where case or normalization do not count
    "like corpus.toml": (["Corpus.toml"], "name-collision"),
    "a folder like corpus.toml": (["CORPUS.TOML/x.txt"], "name-collision"),
    "like CHANGELOG.md": (["changelog.md"], "name-collision"),
}


def build_problems(seeds: Path, out: Path) -> set[tuple[str, str]]:
    with pytest.raises(InputError) as refused:
        corpuskit.build(seeds, out, jobs=1)
    return {(p.path, p.code) for p in refused.value.problems}


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_names(case: str, tmp_path: Path) -> None:
    names, code = REFUSED[case]
    seeds = write_seeds(tmp_path / "seeds", {"fine.txt": text_for("fine"),
                                             **{name: text_for(name) for name in names}})
    out = tmp_path / "out"
    expected = {(name, code) for name in names}
    assert build_problems(seeds, out) == expected
    assert visible_entries(out) == set()
    report = corpuskit.validate(seeds, jobs=1)
    assert {(p.path, p.code) for p in report.problems} == expected

    done = run_here(build_args(seeds, out))
    assert done.code == 1
    assert "Traceback" not in done.stderr
    for name in names:
        assert f"[{code}]" in done.stderr
        assert one_line(name.split("/")[-1])[:40] in done.stderr  # controls escaped
    assert "nothing was written" in done.stderr
    checked = run_here(["validate", seeds, "--jobs", "1"])
    assert checked.code == 1 and "Traceback" not in checked.stderr
    assert f"[{code}]" in checked.stdout


def test_longest_path_is_packaged(tmp_path: Path) -> None:
    name = long_path(MAX_PATH_BYTES)
    assert len(name.encode()) == MAX_PATH_BYTES
    seeds = write_seeds(tmp_path / "seeds", {name: text_for("long")})
    result = corpuskit.build(seeds, tmp_path / "out", jobs=1)
    assert corpuskit.validate(result.archive, jobs=1).valid
    assert [doc.source_path for doc in corpuskit.load(result.archive)] == [name]


def write_latin1_name(seeds: Path) -> None:
    """A file whose name is the Latin-1 bytes of 'café.txt', not UTF-8."""
    with open(os.path.join(os.fsencode(seeds), b"caf\xe9.txt"), "wb") as handle:
        handle.write(b"Title\n\nBody text.\n")


def test_name_that_is_not_utf8_is_refused_by_build(tmp_path: Path) -> None:
    seeds = write_seeds(tmp_path / "seeds", {"fine.txt": text_for("fine")})
    write_latin1_name(seeds)
    out = tmp_path / "out"
    done = run_cli(build_args(seeds, out))
    assert done.code == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "not valid UTF-8" in done.stderr and "[unsafe-path]" in done.stderr
    assert f"error: {seeds}/caf\\xe9.txt: " in done.stderr  # the undecodable byte, escaped
    assert visible_entries(out) == set()


NOT_UTF8_SHOWN = "caf\\xe9.txt"


def test_name_that_is_not_utf8_is_refused_by_validate_and_info(tmp_path: Path) -> None:
    """stdout is strict UTF-8 in the child (PYTHONIOENCODING=utf-8): the name is printed
    escaped in every format, and reported, never dropped."""
    seeds = write_seeds(tmp_path / "seeds", {"fine.txt": text_for("fine")})
    write_latin1_name(seeds)
    for args in (["validate", "--format", "text"], ["validate", "--format", "json"],
                 ["validate", "--format", "github"], ["info"], ["info", "--json"]):
        done = run_cli([*args, seeds])
        assert "Traceback" not in done.stderr, (args, done.stderr)
        # info's text says its problems on stderr, after the summary (validate's are its
        # report, on stdout)
        said = done.stderr if args == ["info"] else done.stdout
        assert "unsafe-path" in said, args
        assert done.code == 1, (args, done.stderr)  # info too: it lists a problem
        if "json" in args or "--json" in args:
            data = json.loads(done.stdout)
            problems = data["problems"]
            assert [p["path"] for p in problems] == [NOT_UTF8_SHOWN], problems
            assert "manifest" in problems[0]["message"]
        else:
            assert NOT_UTF8_SHOWN in said, (args, said)
    report = corpuskit.validate(seeds, jobs=1)
    assert [(p.path, p.code) for p in report.problems] == [(NOT_UTF8_SHOWN, "unsafe-path")]


def test_a_raw_file_whose_name_is_not_utf8_is_reported_in_a_package(tmp_path: Path) -> None:
    """The raw files of a package folder are counted, not listed one by one: a file among
    them whose name is not UTF-8 (and one of a UTF-8 name no record names) is still
    reported by its name, never counted as a raw file."""
    seeds = write_seeds(tmp_path / "seeds", {"fine.txt": text_for("fine"),
                                             "é/more.txt": text_for("more")})
    out = tmp_path / "out"
    done = run_cli(build_args(seeds, out))
    assert done.code == 0, done.stderr
    package = next(path for path in out.iterdir() if path.is_dir())
    assert corpuskit.validate(package, jobs=1).valid
    write_latin1_name(package / "data/raw")
    (package / "data/raw/é/extra.txt").write_text(text_for("extra"), encoding="utf-8")
    found = {(p.path, p.code) for p in corpuskit.validate(package, jobs=2).problems}
    assert (f"data/raw/{NOT_UTF8_SHOWN}", "unsafe-path") in found, found
    assert ("data/raw/é/extra.txt", "unlisted-file") in found, found


def test_names_that_are_not_utf8_in_folders_and_skipped_files_print_escaped(
        tmp_path: Path) -> None:
    """A folder whose name is not UTF-8 is refused with each file in it; a hidden file with
    such a name is skipped and named, escaped, also in 'build --json' on stdout."""
    seeds = write_seeds(tmp_path / "seeds", {"fine.txt": text_for("fine")})
    folder = os.path.join(os.fsencode(seeds), b"dossier-\xe9t\xe9")
    os.mkdir(folder)
    with open(os.path.join(folder, b"a.txt"), "wb") as handle:
        handle.write(b"Title\n\nBody text.\n")
    with open(os.path.join(os.fsencode(seeds), b".cach\xe9"), "wb") as handle:
        handle.write(b"hidden")
    done = run_cli(["validate", "--format", "json", seeds])
    assert done.code == 1 and "Traceback" not in done.stderr, done.stderr
    assert [p["path"] for p in json.loads(done.stdout)["problems"]] == [
        "dossier-\\xe9t\\xe9/a.txt"]
    (seeds / "dossier-\udce9t\udce9").joinpath("a.txt").unlink()
    (seeds / "dossier-\udce9t\udce9").rmdir()
    built = run_cli([*build_args(seeds, tmp_path / "out"), "--json"])
    assert built.code == 0 and "Traceback" not in built.stderr, built.stderr
    assert json.loads(built.stdout)["skipped"] == [{"path": ".cach\\xe9", "reason": "hidden"}]
    assert f"skipped: {seeds}/.cach\\xe9 (hidden)" in built.stderr


def test_skipped_names_and_link_targets_stay_on_their_line(tmp_path: Path) -> None:
    """The name of a skipped file was printed as it is: one holding LF wrote a line of
    its own (a forged '::error' annotation in a CI log), CR overwrote the line and ESC
    set the terminal's title; so did a link's target in --format github (QA). Every
    such character is escaped, in each command and format."""
    seeds = write_seeds(tmp_path / "seeds", {"fine.txt": text_for("fine")},
                        {"discover": {"exclude": ["*.bak"]}})
    forged = "pwn\n::error title=INJECTED::forged\n.bak"
    for name in (forged, ".a\rOVER", "esc\x1b]0;TITLE\x07.bak"):
        (seeds / name).write_text("skipped\n")
    built = run_cli([*build_args(seeds, tmp_path / "out")])
    checked = run_cli(["validate", "--format", "github", seeds])
    assert built.code == 0 and checked.code == 0, (built.stderr, checked.stderr)
    for err in (built.stderr, checked.stderr):
        assert f"skipped: {seeds}/pwn\\n::error title=INJECTED::forged\\n.bak " \
               "(excluded by discover.exclude)\n" in err, err
        assert f"skipped: {seeds}/.a\\rOVER (hidden)\n" in err
        assert f"skipped: {seeds}/esc\\x1b]0;TITLE\\x07.bak (excluded" in err
        assert not any(line.startswith("::error") for line in err.splitlines())
        assert not {"\r", "\x1b", "\x07"} & set(err)
    assert not {"\r", "\x1b", "\x07"} & set(checked.stdout)
    assert "title=INJECTED%3A%3Aforged%0A.bak,title=skipped" in checked.stdout
    (seeds / "link.txt").symlink_to("nope\n\x1b]0;T\x07")
    linked = run_cli(["validate", "--format", "github", seeds])
    assert linked.code == 1
    [line] = [line for line in linked.stdout.splitlines() if "link.txt" in line]
    assert "symbolic link to nope%0A\\x1b]0;T\\x07, which" in line, line


def test_file_and_folder_differing_only_in_case_are_refused(tmp_path: Path) -> None:
    seeds = write_seeds(tmp_path / "seeds", {"Notes": text_for("a"),
                                             "notes/x.txt": text_for("b")})
    with pytest.raises(InputError) as refused:
        corpuskit.build(seeds, tmp_path / "out", jobs=1)
    found = {p.path: p for p in refused.value.problems}
    assert set(found) == {"Notes", "notes/x.txt"}
    for problem in found.values():
        assert problem.code == "name-collision"
        assert "the file Notes" in problem.message and "the folder notes/" in problem.message
    assert visible_entries(tmp_path / "out") == set()


@settings(max_examples=examples(2000), deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("ab.é -_"), min_size=1, max_size=8),
                min_size=1, max_size=3))
def test_document_id_strips_the_suffix_pathlib_sees(parts: list[str]) -> None:
    from pathlib import PurePosixPath

    from corpuskit.discover import document_id

    relpath = "/".join(parts)
    pure = PurePosixPath(relpath)
    if pure.as_posix() != relpath:
        return  # not a normalized relative path (".", empty parts): never discovered
    expected = str(pure.with_suffix("")) if pure.suffix else relpath
    assert document_id(relpath) == expected


#: Characters that make names plain or that each break one rule of the full check.
_NAME_CHARS = "aNcoOpPrRuUxXlLtT019_-.é %:\\\x01$¹ "


@settings(max_examples=examples(3000), deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(_NAME_CHARS), min_size=1, max_size=7),
                min_size=1, max_size=3)
       | st.sampled_from(["con", "CON.txt", "a/nul.md", "com1", "lpt9.x", "aux/x", "CON-1.txt",
                          "prn_.txt", "x/COM¹.txt", "conin$.txt", "a..b", "a.", "a-", ".a"])
       .map(lambda name: [name]))
def test_the_plain_name_shortcut_accepts_only_what_the_full_check_accepts(
        parts: list[str]) -> None:
    """Discovery accepts plain ASCII paths on sight; the full rules must agree on each."""
    from corpuskit import names

    relpath = "/".join(parts)
    parts = relpath.split("/")
    plain = names.PLAIN_PATH.fullmatch(relpath) is not None
    full = [names.check_component.__wrapped__(part, "name") for part in parts]
    if plain:
        assert full == [None] * len(parts), relpath
    if all(reason is None for reason in full) and relpath.isascii() and all(
            c.isalnum() or c in "._-" for c in relpath.replace("/", "")) and not any(
            part.startswith(".") or part.endswith(".") or ".." in part for part in parts):
        assert plain, relpath  # the shortcut is taken where it can be


@settings(max_examples=examples(1500), deadline=None)
@given(st.lists(st.lists(st.text(alphabet=st.sampled_from("aAeé\u0301sß\u200b/"), min_size=1,
                                 max_size=3), min_size=1, max_size=3).map("/".join),
                min_size=1, max_size=6, unique=True))
def test_names_that_may_collide_include_every_collision(paths: list[str]) -> None:
    """Only a corpus whose names may collide (distinct names, fewer distinct keys) is
    searched for collisions: exactly the corpora where the search finds one."""
    from corpuskit import discover as discover_module
    from corpuskit import names
    from corpuskit.models import SourceRef

    paths = [p for p in paths if all(p.split("/"))]
    refs = sorted((SourceRef(p) for p in paths), key=lambda ref: ref.id)
    with patch.object(names, "may_collide", lambda paths: True):  # always search
        found = [problem for problem in discover_module._identity_problems(
            [ref.path for ref in refs], [ref.id for ref in refs])
            if problem.code == "name-collision"]
    assert names.may_collide([ref.path for ref in refs]) == bool(found), paths


@settings(max_examples=examples(1500), deadline=None)
@given(st.lists(st.lists(st.text(alphabet=st.sampled_from("aAeé\u0301sß\u200b/"), min_size=1,
                                 max_size=3), min_size=1, max_size=3).map("/".join),
                min_size=1, max_size=6, unique=True))
def test_the_hashes_counted_sorted_say_what_a_set_of_them_says(paths: list[str]) -> None:
    """Past ``HASHES_IN_A_SET`` paths, ``may_collide`` counts the keys' hashes sorted in
    an array: the same answer as the set of them, on the same names."""
    from corpuskit import names

    paths = [p for p in paths if all(p.split("/"))]
    in_a_set = names.may_collide(paths)
    with patch.object(names, "HASHES_IN_A_SET", 0):
        assert names.may_collide(paths) == in_a_set, paths


@pytest.mark.parametrize(("paths", "collide"), [
    (["a/b.txt", "a/c.txt", "b.txt"], False),
    (["a/b.txt", "A/c.txt"], True),  # two folders
    (["a", "a/b.txt"], False),  # a name that is a file and a folder (a zip's): one name
    (["A", "a/b.txt"], True),  # a file and a folder
    (["x/Notes", "x/notes/a.txt"], True),
    (["x/Notes", "x-2/a.txt", "x/notes/a.txt"], True),  # "-" before "/" as text
    (["x/B.txt", "x/b.txt"], True),  # two files
    (["caf\u00e9.txt", "cafe\u0301.txt"], True),  # normalization
    (["a\u200b.txt", "a.txt"], True),  # an invisible character
    (["caf\u00e9.txt", "cafe.txt"], False),
    ([f"data/raw/p{n % 7}/d{n}.txt" for n in range(5000)], False),
    ([f"data/raw/p{n % 7}/d{n}.txt" for n in range(5000)] + ["data/raw/P3/x.txt"], True),
    ([f"data/raw/d{n}.txt" for n in range(5000)] + ["data/raw/D17.txt"], True),
])
def test_may_collide_whether_the_hashes_are_in_a_set_or_sorted(paths: list[str],
                                                               collide: bool) -> None:
    from corpuskit import names

    assert names.may_collide(paths) == collide
    with patch.object(names, "HASHES_IN_A_SET", 0):
        assert names.may_collide(paths) == collide
    with patch.object(names, "HASHES_IN_A_SET", 10**9):
        assert names.may_collide(paths) == collide


def test_a_utf8_name_read_as_ascii_says_to_use_a_utf8_locale(tmp_path: Path) -> None:
    """Under LC_ALL=C with UTF-8 mode turned off, Python decodes file names as ASCII: a
    valid UTF-8 name must not be called invalid, and the error says what to run instead."""
    seeds = write_seeds(tmp_path / "seeds", {"fine.txt": text_for("fine"),
                                             "café.txt": text_for("café")})
    env = {**os.environ, "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    done = subprocess.run([sys.executable, "-m", "corpuskit", "build", str(seeds), "--out",
                           str(tmp_path / "out"), "--jobs", "1", "--no-cache"],
                          capture_output=True, env=env, check=False)
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 1, stderr
    assert "Traceback" not in stderr
    assert "the name is UTF-8, but Python reads file names as" in stderr
    assert "PYTHONUTF8=1" in stderr and "not valid UTF-8" not in stderr
    assert visible_entries(tmp_path / "out") == set()


@pytest.fixture
def latin1_file_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """Python reading file names as Latin-1 (LC_ALL=de_DE.ISO-8859-1, PYTHONUTF8 unset), as
    corpuskit's checks see it; os.fsencode keeps the encoding it had (UTF-8)."""
    monkeypatch.setattr(sys, "getfilesystemencoding", lambda: "iso8859-1")


@pytest.mark.usefixtures("latin1_file_names")
def test_a_name_read_in_a_legacy_locale_is_refused(tmp_path: Path) -> None:
    """Under a Latin-1 or EUC-JP locale every byte decodes, so a UTF-8 name came out as
    another string (café as cafÃ©) and a build wrote it into the release's ids (QA): a
    non-ASCII name there is refused, with the advice if it is UTF-8, as not UTF-8 if not;
    an ASCII one is as anywhere."""
    from corpuskit.names import check_name

    misread = check_name("sub/caf\u00c3\u00a9.txt")
    assert misread is not None and "Python reads file names as iso8859-1 here" in misread
    assert "PYTHONUTF8=1" in misread
    not_utf8 = check_name("caf\udce9.txt")  # its bytes: caf, 0xE9
    assert not_utf8 is not None and not_utf8.startswith("the name is not valid UTF-8")
    assert check_name("plain/name.txt") is None
    seeds = write_seeds(tmp_path / "seeds", {"fine.txt": text_for("fine"),
                                             "café.txt": text_for("café")})
    with pytest.raises(InputError) as refused:
        corpuskit.build(seeds, tmp_path / "out", jobs=1, cache=None)
    assert [(p.path, p.code) for p in refused.value.problems] == [("café.txt", "unsafe-path")]


def test_a_package_read_in_a_legacy_locale_stops_with_the_advice(
        tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """validate called a sound package folder with a non-ASCII name damaged under a
    Latin-1 locale (QA); it stops with the advice, as under LC_ALL=C."""
    from corpuskit.errors import FileNamesMisread

    seeds = write_seeds(tmp_path / "seeds", {"fine.txt": text_for("fine"),
                                             "café.txt": text_for("café")})
    corpuskit.build(seeds, tmp_path / "dist", jobs=1, cache=None)
    folder, = (p for p in (tmp_path / "dist").iterdir() if p.is_dir())
    request.getfixturevalue("latin1_file_names")
    with pytest.raises(FileNamesMisread, match="Python reads file names as iso8859-1") as told:
        corpuskit.validate(folder, jobs=1)
    # named as its bytes spell in UTF-8, as build names it (QA: "Caf\u00c3\u00a9.txt")
    assert str(told.value).startswith(f"{folder}/data/raw/caf\\u00e9.txt: "), told.value
    assert corpuskit.validate(f"{folder}.zip", jobs=1).valid


def test_discovery_by_a_pool_is_the_discovery_of_one_process(tmp_path: Path) -> None:
    """A build lists each folder at the top of the seeds by its workers: the same sources,
    problems and skipped files, in the same order, as one walk; here with files at the
    top, hidden, excluded and nested folders, a link to a folder, a folder that cannot be
    listed, duplicate ids across folders, a reserved look-alike and a case collision."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

    from corpuskit.config import DiscoverConfig
    from corpuskit.discover import discover

    seeds = tmp_path / "seeds"
    files = ["a.txt", "b/1.txt", "b/1.md", "b/c/2.txt", "b/c/.hid.txt", ".git/x.txt",
             "d/skip.tmp", "d/keep.txt", "e/deep/er/3.txt", "Corpus.toml/n.txt", "F/x.txt",
             "f/x.txt", "z.txt", "corpus.toml"]
    for name in files:
        (seeds / name).parent.mkdir(parents=True, exist_ok=True)
        (seeds / name).write_text("text\n")
    (seeds / "link").symlink_to(seeds / "b", target_is_directory=True)
    (seeds / "locked").mkdir()
    (seeds / "locked" / "in.txt").write_text("text\n")
    config = DiscoverConfig(exclude=("d/*.tmp",))
    os.chmod(seeds / "locked", 0)
    try:
        alone = discover(seeds, config)
        with ThreadPoolExecutor(3) as threads:
            assert discover(seeds, config, pool=threads) == alone
        with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
            assert discover(seeds, config, pool=pool) == alone
        with _FailingPool() as failing:  # every task lost: the parent walks each folder
            assert discover(seeds, config, pool=failing) == alone
            assert failing.submitted > 3
    finally:
        os.chmod(seeds / "locked", 0o755)
    assert "b/c/2.txt" in {ref.path for ref in alone.sources}
    assert {p.code for p in alone.problems} >= {"duplicate-id", "unsafe-path",
                                                 "name-collision"}
    assert ("d/skip.tmp", "excluded by discover.exclude") in alone.skipped
    if os.geteuid() != 0:  # root lists any folder
        assert "unreadable-file" in {p.code for p in alone.problems}


class _FailingPool(Executor):
    """A pool whose every task fails with ``failure``: by default as when its worker
    process is killed."""

    def __init__(self, failure: Exception | None = None) -> None:
        self.submitted = 0
        self.failure = failure

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.submitted += 1
        failed: Future[Any] = Future()
        failed.set_exception(self.failure or BrokenProcessPool("a worker was killed"))
        return failed


def test_a_folder_walks_own_error_in_a_pool_is_raised_not_walked_again(
        tmp_path: Path) -> None:
    """A lost worker's folder is walked here; an error the walk itself raised was walked
    again too, and so hidden where the second walk passed (QA s83 review, finding 7)."""
    from corpuskit.config import DiscoverConfig
    from corpuskit.discover import discover

    seeds = tmp_path / "seeds"
    (seeds / "b").mkdir(parents=True)
    (seeds / "b" / "1.txt").write_text("text\n")
    with _FailingPool(RuntimeError("a bug of the walk")) as failing, \
            pytest.raises(RuntimeError, match="a bug of the walk"):
        discover(seeds, DiscoverConfig(), pool=failing)


# -- names build refuses, in a package's data/raw/ -----------------------------------------

#: Raw names ``build`` refuses, as a forger (or another tool) could put them in a package:
#: the names added under data/raw/, and the problems expected (path under data/raw/, code).
#: The files of a package that ``build`` made already (``en/harbour.txt``) count too.
PACKAGE_NAMES: dict[str, tuple[list[str], set[tuple[str, str]]]] = {
    "case": (["Report.txt", "report.txt"],
             {("Report.txt", "name-collision"), ("report.txt", "name-collision")}),
    "case of a folder": (["EN/harbour.txt"], {("EN/harbour.txt", "name-collision"),
                                              ("en/harbour.txt", "name-collision")}),
    "normalization": (["café.txt", unicodedata.normalize("NFD", "café.txt")],
                      {("café.txt", "name-collision"),
                       (unicodedata.normalize("NFD", "café.txt"), "name-collision")}),
    "windows device names": (["con.txt", "aux/notes.txt"],
                             {("con.txt", "unsafe-path"), ("aux/notes.txt", "unsafe-path")}),
    "windows characters": (["re: draft?.txt", 'say "hi".txt'],
                           {("re: draft?.txt", "unsafe-path"), ('say "hi".txt', "unsafe-path")}),
    "trailing dot": (["ends-with-dot.", "folder./x.txt"],
                     {("ends-with-dot.", "unsafe-path"), ("folder./x.txt", "unsafe-path")}),
    "trailing space": (["ends-with-space ", "folder /x.txt"],
                       {("ends-with-space ", "unsafe-path"), ("folder /x.txt", "unsafe-path")}),
    "path too long": ([long_path(MAX_PATH_BYTES + 1)],
                      {(long_path(MAX_PATH_BYTES + 1), "unsafe-path")}),
    "like corpus.toml": (["Corpus.toml"], {("Corpus.toml", "name-collision")}),
    # names build never takes as documents (QA: each passed every mode once re-signed)
    "corpus.toml and CHANGELOG.md": (["corpus.toml", "CHANGELOG.md"],
                                     {("corpus.toml", "unexpected-file"),
                                      ("CHANGELOG.md", "unexpected-file")}),
    "a folder named CHANGELOG.md": (["CHANGELOG.md/x.txt"],
                                    {("CHANGELOG.md/x.txt", "unexpected-file")}),
    "hidden file": ([".notes.txt", "en/.hidden.txt"],
                    {(".notes.txt", "unexpected-file"), ("en/.hidden.txt", "unexpected-file")}),
    "hidden folder": ([".git/x.txt", "en/.drafts/y.txt"],
                      {(".git/x.txt", "unexpected-file"), ("en/.drafts/y.txt", "unexpected-file")}),
    "unicode space and line separator": (["tail\u00a0", "ls\u2028x.txt"],
                                         {("tail\u00a0", "unsafe-path"),
                                          ("ls\u2028x.txt", "unsafe-path")}),
    "bidi override": (["report\u202etxt.md"], {("report\u202etxt.md", "unsafe-path")}),
    "zero-width space": (["ab.txt", "a\u200bb.txt"], {("ab.txt", "name-collision"),
                                                       ("a\u200bb.txt", "name-collision")}),
}
#: How each package is checked: every mode reads the same listing of names.
VALIDATE_MODES: dict[str, dict[str, Any]] = {
    "full": {"jobs": 1}, "full, 2 jobs": {"jobs": 2}, "fast": {"fast": True, "jobs": 1},
    "reproduce": {"reproduce": True, "jobs": 1},
}


def package_with_raw_names(tmp_path: Path, names: list[str]) -> tuple[Path, Path]:
    """A copy of the validate sample package holding a raw file for each of ``names`` (a
    copy of the first record's raw file, with its record), every checksum made to agree,
    and its archive as corpuskit writes one: only the names are wrong."""
    from _validate_support import copy_release, records, restate_metadata, write_records

    from corpuskit.config import DEFAULT_COMPRESSION
    from corpuskit.writer import write_archive
    from corpuskit.zipfiles.deflate import COMPRESSIONS

    release = copy_release(tmp_path)
    items = records(release)
    model = items[0]
    for name in names:
        target = release / "data/raw" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(release / "data/raw" / model["source_path"], target)
        items.append({**model, "id": document_id(name), "source_path": name})
    write_records(release, sorted(items, key=lambda item: item["id"]))
    restate_metadata(release)  # the card and croissant.json count the records added
    created = json.loads((release / "datapackage.json").read_bytes())["created"]
    archive = tmp_path / f"{release.name}.zip"
    write_archive(release, archive, created, root=release.name,
                  compression=COMPRESSIONS[DEFAULT_COMPRESSION])
    return release, archive


def test_a_package_of_names_build_accepts_stays_valid(tmp_path: Path) -> None:
    """The control of the test below: the same forging, of names build accepts (spaces,
    accents, '#', a name like a device's but longer, a Persian word written with its
    zero-width non-joiner), leaves a valid package."""
    names = ["with space.txt", "unicode/déjà vu.txt", "CONSOLE.txt", "x.CON", "#1.txt",
             "report.txt", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645.txt"]
    release, archive = package_with_raw_names(tmp_path, names)
    for target in (release, archive):
        for mode, options in VALIDATE_MODES.items():
            report = corpuskit.validate(target, **options)
            assert report.valid, (target.name, mode, [p.render() for p in report.problems])


@pytest.mark.parametrize("case", list(PACKAGE_NAMES))
def test_raw_names_build_refuses_are_reported_alike_in_a_folder_and_its_zip(
        case: str, tmp_path: Path) -> None:
    """A raw file name build refuses in the seeds makes a package invalid, with build's
    code, whether the package is a folder or its zip, in every mode of validate, even with
    every checksum consistent (the name is all that is wrong): both say the same of the
    same package-relative paths."""
    names, expected = PACKAGE_NAMES[case]
    release, archive = package_with_raw_names(tmp_path, names)
    wanted = {(f"data/raw/{path}", code) for path, code in expected}
    seen: dict[str, list[tuple[str, str, str]]] = {}
    for target in (release, archive):
        for mode, options in VALIDATE_MODES.items():
            report = corpuskit.validate(target, **options)
            found = [(p.path, p.code, p.message) for p in report.problems]
            assert {(path, code) for path, code, _ in found} == wanted, (target.name, mode,
                                                                          found)
            for _, _, message in found:
                assert message.endswith("in the seeds folder, then build the release again")
            seen[f"{target.suffix or 'folder'} {mode}"] = found
    assert len({tuple(found) for found in seen.values()}) == 1, seen  # word for word


def test_names_that_merge_are_named_alike_by_build_and_validate(tmp_path: Path) -> None:
    """The messages say how the names differ, with escapes where only normalization does."""
    nfd = unicodedata.normalize("NFD", "café.txt")
    release, archive = package_with_raw_names(tmp_path, ["café.txt", nfd, "Notes.txt",
                                                         "notes.TXT"])
    for target in (release, archive):
        messages = {p.path: p.message for p in corpuskit.validate(target, jobs=1).problems}
        assert messages["data/raw/Notes.txt"].startswith(
            "differs from data/raw/notes.TXT only in case; such names merge"), messages
        assert "as escapes, this name is data/raw/cafe\\u0301.txt, the other " \
               "data/raw/caf\\u00e9.txt" in messages[f"data/raw/{nfd}"], messages


_TRICKY = "aNcoOlLpPtTrRuUxX19._- %:?\\\x01$¹éE\u0301ſ\u202e\u2069\u200b\u2800/"


@settings(max_examples=examples(1500), deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(_TRICKY), min_size=1, max_size=10),
                min_size=0, max_size=6),
       st.booleans())
def test_names_checked_at_once_are_refused_as_one_by_one(paths: list[str],
                                                         allow_percent: bool) -> None:
    """``refused_names`` clears lists of plain names with a few scans of them joined;
    what it finds is what the rules find name by name."""
    from corpuskit import names

    paths = [path for path in paths if all(path.split("/"))]
    one_by_one = []
    for path in paths:
        reason = names.check_name(path, allow_percent=allow_percent)
        if reason is not None:
            one_by_one.append((path, "unsafe-path", reason))
        elif (reason := names.reserved_lookalike(path)) is not None:
            one_by_one.append((path, "name-collision", reason))
        elif (reason := names.not_a_document(path)) is not None:
            one_by_one.append((path, "unexpected-file", reason))
    assert names.refused_names(paths, allow_percent=allow_percent) == one_by_one


def test_plain_names_are_cleared_at_once() -> None:
    from corpuskit import names

    plain = [f"part-{i // 100:04d}/doc-{i:07d}.txt" for i in range(1000)]
    assert names._plain_paths(plain, False)
    assert names._plain_paths([*plain, "Dossier/Élève n°3 (copie).md", "100%.txt"], True)
    assert not names._plain_paths([*plain, "100%.txt"], False)
    for unpackaged in ("corpus.toml", ".hidden.txt", "part-0000/.hidden.txt", ".git/x.txt",
                       "CHANGELOG.md", "Élève/.x"):
        assert not names._plain_paths([*plain, unpackaged], True), unpackaged
        assert not names._plain_paths([unpackaged, *plain], True), unpackaged


@settings(max_examples=examples(1500), deadline=None)
@given(st.lists(st.lists(st.text(alphabet=st.sampled_from("aAeé\u0301sßſK\u212a\u00ad"), min_size=1,
                                 max_size=3), min_size=1, max_size=3).map("/".join),
                min_size=1, max_size=6, unique=True))
def test_names_that_merge_are_found_folder_by_folder(paths: list[str]) -> None:
    """A package folder is checked one folder's entries at a time (``siblings_collide``):
    some folder has two entries that merge exactly when two paths do."""
    from corpuskit import names

    paths = [p for p in paths if all(p.split("/"))]
    paths = [p for p in paths if not any(q.startswith(p + "/") for q in paths)]  # files
    entries: dict[str, set[str]] = {}
    for path in paths:
        parts = path.split("/")
        for depth in range(len(parts)):
            entries.setdefault("/".join(parts[:depth]), set()).add(parts[depth])
    by_folder = any(names.siblings_collide(sorted(found)) for found in entries.values())
    assert by_folder == bool(list(names.collisions(paths))), paths


def test_a_file_refused_for_its_name_is_read_for_its_content_too(tmp_path: Path) -> None:
    """Each problem at once: renaming a refused file brings up no new one. A link whose
    name is refused is not followed to be read."""
    seeds = write_seeds(tmp_path / "seeds", {
        "fine.txt": text_for("fine"),
        "100%.txt": b"\x00\x01binary",  # refused name, binary content
        "CON.txt": b"  \n",  # refused name, empty
        "same.txt": text_for("same"), "same.md": b"\xff\xfe\x00",  # one id; bad content
        "Corpus.toml": "",  # like corpus.toml, and empty
    })
    (seeds / "50%-link.txt").symlink_to(seeds / "100%.txt")
    expected = {("100%.txt", "unsafe-path"), ("100%.txt", "binary-file"),
                ("CON.txt", "unsafe-path"), ("CON.txt", "empty-document"),
                ("same.txt", "duplicate-id"), ("same.md", "duplicate-id"),
                ("same.md", "undecodable"),
                ("Corpus.toml", "name-collision"), ("Corpus.toml", "empty-document"),
                ("50%-link.txt", "unsafe-path")}
    assert build_problems(seeds, tmp_path / "out") == expected
    assert visible_entries(tmp_path / "out") == set()
    report = corpuskit.validate(seeds, jobs=1)
    assert {(p.path, p.code) for p in report.problems} == expected


def test_characters_nothing_shows_are_escaped_in_messages_and_told_apart() -> None:
    """A combining grapheme joiner, a variation selector or a Hangul filler print as
    nothing: shown raw, a refused name looks like one that is fine."""
    from corpuskit.names import reserved_lookalike
    from corpuskit.problems import Problem

    for char in ("\u034f", "\ufe0f", "\u3164", "\u200b", "\u00ad"):
        rendered = Problem(f"dir/a{char}b.txt", "name-collision", "m").render()
        assert char not in rendered and rendered.startswith("$'dir/a\\")
    assert one_line("café ñ «quoted»") == "café ñ «quoted»"  # visible: as it is
    said = reserved_lookalike("corpus\u200b.toml")
    assert said is not None and "characters nothing shows" in said
    assert "corpus\\u200b.toml" in said


def test_ids_that_differ_only_in_characters_nothing_shows_are_refused(tmp_path: Path) -> None:
    """m.md and m<U+200B>.txt are different names, but their ids (m, m<U+200B>) look the
    same to a consumer; names that differ only so are reported once, as names."""
    seeds = write_seeds(tmp_path / "seeds", {
        "fine.txt": text_for("fine"), "m.md": text_for("m"), "m\u200b.txt": text_for("m2"),
        "n.txt": text_for("n"), "n\u200b.txt": text_for("n2")})
    expected = {("m.md", "name-collision"), ("m\u200b.txt", "name-collision"),
                ("n.txt", "name-collision"), ("n\u200b.txt", "name-collision")}
    problems = build_problems(seeds, tmp_path / "out")
    assert problems == expected
    report = corpuskit.validate(seeds, jobs=1)
    said = {p.path: p.message for p in report.problems}
    assert set(said) == {path for path, _ in expected}
    assert "document id" in said["m.md"] and "document id" not in said["n.txt"]


def test_ids_that_differ_only_in_unicode_normalization_are_refused(tmp_path: Path) -> None:
    """\u00e9.md and e+U+0301.txt: the names differ (in their extensions too, so no file
    system folds them together), the ids a consumer sees (both show as an e with an acute
    accent) do not."""
    seeds = write_seeds(tmp_path / "seeds", {
        "fine.txt": text_for("fine"), "\u00e9.md": text_for("e1"),
        "e\u0301.txt": text_for("e2"), "caf\u00e9.txt": text_for("alone")})
    expected = {("\u00e9.md", "name-collision"), ("e\u0301.txt", "name-collision")}
    out = tmp_path / "out"
    assert build_problems(seeds, out) == expected
    assert visible_entries(out) == set()
    report = corpuskit.validate(seeds, jobs=1)
    assert {(p.path, p.code) for p in report.problems} == expected
    said = {p.path: p.message for p in report.problems}
    assert "e\\u0301 as escapes, differs from \\u00e9 only in Unicode normalization" \
        in said["e\u0301.txt"]


def test_an_entry_refused_for_its_name_is_still_looked_at(tmp_path: Path) -> None:
    """A link out of the folder, a dangling link or a pipe whose name is refused: both
    problems at once, and the pipe is never opened (nothing blocks)."""
    seeds = write_seeds(tmp_path / "seeds", {"fine.txt": text_for("fine")})
    (seeds / "out\u202e.txt").symlink_to("/etc/hostname")
    (seeds / "dangling%.txt").symlink_to("nowhere")
    os.mkfifo(seeds / "pi%pe")
    expected = {("out\u202e.txt", "unsafe-path"), ("dangling%.txt", "unsafe-path"),
                ("dangling%.txt", "unreadable-file"), ("pi%pe", "unsafe-path")}
    report = corpuskit.validate(seeds, jobs=1)
    found = [(p.path, p.code) for p in report.problems]
    assert set(found) == expected
    assert found.count(("out\u202e.txt", "unsafe-path")) == 2  # the name, and the link
    assert found.count(("pi%pe", "unsafe-path")) == 2  # the name, and the pipe
    assert build_problems(seeds, tmp_path / "out") == expected


#: Characters that interact under NFC, case folding and removal of what nothing shows:
#: letters and their accents (composed or not), characters nothing shows (one between a
#: letter and its accent keeps them from composing), Hangul jamo and a syllable, the ohm
#: and angstrom signs, a CJK compatibility ideograph, and letters whose case folds to more.
_TRICKY = ("e", "E", "\u00e9", "\u00c9", "\u0301", "\u0323", "\u0302", "\u200b", "\u034f",
           "\u00ad", "\u2060", "\ufe0f", "\u1100", "\u1161", "\u11a8", "\uac00", "\u2126",
           "\u03a9", "\u03c9", "\u212b", "\u00c5", "\uf900", "\u8c48", "\u00df", "s", "\u0130",
           "i", "\u0307", "\u01f0", "j", "\u030c", "a")


@settings(max_examples=examples(400), deadline=None)
@given(st.text(alphabet=_TRICKY, max_size=6))
def test_what_an_id_shows_and_a_names_key_are_stable(text: str) -> None:
    """shown_id and the collision key are fixed points (a key is the key of itself) and
    the same for every encoding of the text (its NFD and NFC forms): otherwise two names
    that look alike could get different keys, one grouped with a third and one not (a
    build that publishes what validate refuses, or a look-alike pair neither sees)."""
    from corpuskit.names import caseless, shown_id, visible

    shown = shown_id(text)
    assert shown_id(shown) == shown
    assert visible(shown) == shown and unicodedata.is_normalized("NFC", shown)
    for form in ("NFC", "NFD"):
        assert shown_id(unicodedata.normalize(form, text)) == shown
        assert caseless(unicodedata.normalize(form, text)) == caseless(text)
    assert caseless(caseless(text)) == caseless(text)
    assert caseless(shown) == caseless(text)  # what shows the same collides


@pytest.mark.parametrize(("names", "how", "looks_the_same"), [
    (["a\u200b.txt", "a.txt"], "characters nothing shows (such as U+200B, a zero-width "
     "space):", True),
    (["Caf\u00e9.txt", "caf\u00e9\u200b.txt"], "characters nothing shows (such as U+200B, a "
     "zero-width space) and case:", False),
    (["Caf\u00e9.txt", "cafe\u200b\u0301.txt"], "Unicode normalization (two encodings of the "
     "same characters, as U+00E9 is one character or e and the combining accent U+0301), "
     "characters nothing shows (such as U+200B, a zero-width space) and case:", False),
    (["\u2126.txt", "\u03a9.txt"], "Unicode normalization (", False),
    (["Report.txt", "report.txt"], "case;", False),
])
def test_a_collision_message_names_exactly_how_the_names_differ(
        names: list[str], how: str, looks_the_same: bool) -> None:
    """The fewest ways, named in one order; names that differ in case as well as in what
    nothing shows merge on case-insensitive filesystems, and do not look the same."""
    from corpuskit.names import collisions

    found = list(collisions(names))
    assert [path for path, _, _ in found] == names
    for _, why, _ in found:
        assert f"only in {how}" in why, why
        assert ("they look the same wherever they are listed" in why) == looks_the_same
        assert ("merge" in why) == (not looks_the_same)


def test_an_accent_kept_from_its_letter_by_a_hidden_character_still_looks_alike(
        tmp_path: Path) -> None:
    """e, U+200B, U+0301 shows as e + U+0301, which shows as U+00E9 (NFC after the hidden
    character is gone): build refuses it beside e + U+0301, as validate then would."""
    seeds = write_seeds(tmp_path / "seeds", {
        "fine.txt": text_for("fine"), "e\u200b\u0301.md": text_for("e1"),
        "e\u0301.txt": text_for("e2"), "caf\u00e9.md": text_for("c1"),
        "cafe\u034f\u0301.txt": text_for("c2")})
    expected = {("e\u200b\u0301.md", "name-collision"), ("e\u0301.txt", "name-collision"),
                ("caf\u00e9.md", "name-collision"), ("cafe\u034f\u0301.txt", "name-collision")}
    assert build_problems(seeds, tmp_path / "out") == expected
    report = corpuskit.validate(seeds, jobs=1)
    assert {(p.path, p.code) for p in report.problems} == expected


@pytest.mark.parametrize(("name", "how", "then"), [
    ("corpus\u200b.toml", "characters nothing shows (such as U+200B, a zero-width space): "
     "as escapes, corpus\\u200b.toml", "it looks like corpus.toml"),
    ("Corpus\u200b.toml", "characters nothing shows (such as U+200B, a zero-width space) and "
     "case: as escapes, Corpus\\u200b.toml", "it is easily taken for corpus.toml"),
    ("corpu\u017f.toml", "case: as escapes, corpu\\u017f.toml", "are one name"),
    ("CHANGELOG.MD", "case", "are one name"),
    ("Corpus.toml/x.txt", "case", "are one name"),
])
def test_a_look_alike_of_a_reserved_name_is_said_exactly(name: str, how: str,
                                                          then: str) -> None:
    """How the name differs, exactly (no "perhaps"), escaped where it does not show as it
    is, and never "looks like" when the case differs too."""
    from corpuskit.names import reserved_lookalike

    said = reserved_lookalike(name)
    assert said is not None
    assert f" only in {how}; " in said, said
    assert then in said, said


def test_a_large_group_of_names_is_said_in_messages_of_bounded_size() -> None:
    """Each name is told at most NAMED_AT_MOST of the others and counts the rest: a forged
    package of 2,000 names that collide made 248 MB of messages (each listed all), in
    time that grew with the square of the group."""
    from corpuskit.names import NAMED_AT_MOST, collisions, lookalike_ids
    from corpuskit.validation.records import IdOrder

    count = 300  # (the longest name, of 902 bytes, within the 1024 a path may have)
    hidden = ["m" + "\u200b" * k for k in range(count)]  # all show as "m"
    found = list(collisions([f"{name}.txt" for name in hidden]))
    assert len(found) == count
    for path, why, names in found:
        assert len(names) == 1 + NAMED_AT_MOST and names[0] == path
        assert f" and {count - 1 - NAMED_AT_MOST} more " in why, why
        # Each name it names at most twice (as it prints, and as escapes).
        assert why.count(".txt") <= 2 * (1 + NAMED_AT_MOST), why
    said = list(lookalike_ids([f"{name}.{k}" for k, name in enumerate(hidden)], hidden))
    assert len(said) == count
    assert all(f" and {count - 1 - NAMED_AT_MOST} more only in " in why
               and why.count("\\u200b,") + why.count(", m,") <= NAMED_AT_MOST
               for _, why in said), said[0]
    order = IdOrder()
    for number, doc_id in enumerate(sorted(hidden), start=1):
        order.add("data/documents.jsonl", number, doc_id)
    problems = order.lookalikes()
    assert len(problems) == count - 1  # "m" itself holds no hidden character
    assert all(f" and {count - 1 - NAMED_AT_MOST} more only in " in p.message
               for p in problems), problems[0].message
    few = list(lookalike_ids(["m.md", "m\u200b.txt"], ["m", "m\u200b"]))
    assert all(" more " not in why and "the two look" in why for _, why in few)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_folder_whose_path_is_too_long_is_named_once(jobs: int, tmp_path: Path) -> None:
    """Its files were each refused, and one past what the system opens was "cannot list
    this folder: File name too long; make it readable" (QA)."""
    folder = "/".join(["d" * 199] * 6)  # 1,199 bytes
    seeds = write_seeds(tmp_path / "seeds", {"fine.txt": text_for("fine"),
                                             f"{folder}/a.txt": text_for("a"),
                                             f"{folder}/b.txt": text_for("b")})
    deep = "/".join(["d" * 199] * 5)  # 999 bytes: the deepest folder within the limit
    expected = [(f"{deep}/{'d' * 199}", "unsafe-path",
                 "the folder's path is longer than 1024 bytes, and so is that of every file "
                 "in it; shorten it (nothing in it was looked at)")]
    with pytest.raises(corpuskit.InputError) as refused:
        corpuskit.build(seeds, tmp_path / "out", jobs=jobs)
    assert [(p.path, p.code, p.message) for p in refused.value.problems] == expected
    report = corpuskit.validate(seeds, jobs=jobs)
    assert [(p.path, p.code, p.message) for p in report.problems] == expected


def test_a_working_folder_deeper_than_the_system_opens_is_an_error_not_a_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """From a working folder whose full path is past PATH_MAX, build crashed with a
    traceback (File name too long) on a short relative --out (QA)."""
    from corpuskit.cli import main

    monkeypatch.chdir(tmp_path)
    for _ in range(21):  # 21 x 201 bytes: past Linux's 4,096
        os.mkdir("p" * 200)
        os.chdir("p" * 200)
    write_seeds(Path("seeds"), {"a.txt": text_for("a")})
    assert main(["build", "seeds", "--no-cache", "--out", "o"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip().endswith("/o: a path longer than this system opens (File name too "
                                "long); run corpuskit from a folder with a shorter path, or "
                                "give shorter paths"), err
    assert main(["validate", "seeds"]) == 1
    assert "the folder's full path is longer than this system opens" in capsys.readouterr().out


def test_a_package_with_utf8_names_read_as_ascii_is_not_called_damaged(tmp_path: Path) -> None:
    """Under LC_ALL=C with UTF-8 mode turned off, validate called an intact package folder
    with a non-ASCII raw file tampered with (missing-file, unsafe-path, Payload-Oxum), and
    load raised PackageIntegrityError: the run stops with the advice instead, exit 2,
    while its archive is read as anywhere."""
    seeds = write_seeds(tmp_path / "seeds", {"fine.txt": text_for("fine"),
                                             "café.txt": text_for("café")})
    corpuskit.build(seeds, tmp_path / "dist", jobs=1, cache=tmp_path / "cache")
    folder, = (p for p in (tmp_path / "dist").iterdir() if p.is_dir())
    env = {**os.environ, "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}

    def run(*args: str) -> tuple[int, str]:
        done = subprocess.run([sys.executable, "-m", "corpuskit", *args], capture_output=True,
                              env=env, check=False)
        return done.returncode, done.stderr.decode("utf-8", "replace") + \
            done.stdout.decode("utf-8", "replace")

    for args in (["validate", str(folder)], ["validate", str(folder), "--format", "json"],
                 ["validate", str(tmp_path / "dist")],
                 ["export", str(folder), "--format", "csv", "--out", str(tmp_path / "x.csv")]):
        code, output = run(*args)
        assert code == 2, (args, output)
        assert "the name is UTF-8, but Python reads file names as" in output, args
        assert "PYTHONUTF8=1" in output and "Traceback" not in output, args
        assert "missing-file" not in output and "{" not in output, args
    assert not (tmp_path / "x.csv").exists()
    assert run("validate", f"{folder}.zip")[0] == 0
    script = ("import corpuskit, sys\n"
              "try:\n    corpuskit.load(sys.argv[1])\n"
              "except corpuskit.PackageIntegrityError:\n    sys.exit(3)\n"
              "except corpuskit.CorpuskitError as error:\n"
              "    print(error)  # ASCII: where names read as ASCII, so may stdout be\n"
              "    sys.exit(4 if 'PYTHONUTF8=1' in str(error) else 5)\n")
    done = subprocess.run([sys.executable, "-c", script, str(folder)], env=env, check=False,
                          capture_output=True)
    assert done.returncode == 4, done.stderr


@pytest.mark.parametrize("command", ["validate", "info"])
def test_a_name_misread_as_ascii_is_named_in_the_folder_as_given(
        tmp_path: Path, command: str) -> None:
    """info named the file by the folder's absolute path, validate by the path as given
    (QA): both name it as given."""
    seeds = write_seeds(tmp_path / "seeds", {"café.txt": text_for("café")})
    corpuskit.build(seeds, tmp_path / "dist", jobs=1)
    folder, = (p.name for p in (tmp_path / "dist").iterdir() if p.is_dir())
    env = {**os.environ, "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    done = subprocess.run([sys.executable, "-m", "corpuskit", command, f"dist/{folder}"],
                          capture_output=True, env=env, cwd=tmp_path, check=False)
    assert done.returncode == 2, done
    assert done.stderr.decode("ascii").splitlines()[-1].startswith(
        f"Error: dist/{folder}/data/raw/caf\\u00e9.txt: the name is UTF-8, but Python "
        "reads file names as"), done.stderr


def test_a_name_misread_in_a_legacy_locale_is_named_as_its_bytes_spell_in_utf8(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Under a Latin-1 locale Python reads the UTF-8 name café.txt as cafÃ©.txt, and the
    problem refusing it named it so (QA). It is named as its bytes spell in UTF-8; bytes
    that are not UTF-8 as escapes; under a UTF-8 locale a name is as it is."""
    from corpuskit import names

    assert names.name_shown("caf\u00c3\u00a9.txt") == "caf\u00c3\u00a9.txt"  # UTF-8 here
    monkeypatch.setattr(sys, "getfilesystemencoding", lambda: "iso8859-1")
    monkeypatch.setattr(names.os, "fsencode",
                        lambda name: name.encode("iso8859-1", "surrogateescape"))
    assert names.name_shown("sub/caf\u00c3\u00a9.txt") == "sub/café.txt"
    assert names.name_shown("caf\u00e9.txt") == "caf\\xe9.txt"  # Latin-1 bytes: no UTF-8
    assert names.name_shown("plain.txt") == "plain.txt"
    assert names.name_shown("\u0416.txt") == "\u0416.txt"  # no name read as Latin-1


def test_a_name_breaking_several_rules_is_told_of_each_at_once() -> None:
    """'a:b%c.txt' was told of its '%' only, and of its ':' by the next run, once renamed
    (QA): every rule a name breaks is in its one problem."""
    from corpuskit.names import check_component

    said = check_component("a:b%c .txt.", "the file name")
    assert said is not None
    assert "holds '%'" in said and "holds ':'" in said and "ends with a dot" in said
    assert said.count("; and ") == 2
    backslash = check_component("a\\b:c.txt", "the file name")  # said once, not twice
    assert backslash is not None and backslash.count("\\'") == 0
    assert backslash.count("; and ") == 1 and "holds ':'" in backslash
    assert check_component("a%b.txt", "the file name") == (
        "the file name 'a%b.txt' holds '%', which BagIt manifests write as '%25' and which "
        "bagit-python and 'sha256sum -c' then cannot find; rename it without '%'")


def test_summaries_show_a_blank_or_invisible_name_so_that_it_can_be_seen(
        tmp_path: Path) -> None:
    """export --out " " said "wrote   (csv, ...)", a name nothing shows, and --out "a<TAB>b"
    or "zw<U+200B>" wrote the character itself (QA s87). Each summary names such a path
    as wording.shown_name does (in quotes; with escapes, in $'...'), and an ordinary one
    as it is: export's, build's, validate's, info's and diff's."""
    here = {"cwd": tmp_path}
    seeds = write_seeds(tmp_path / "seeds", {"a.txt": text_for("a")})
    built = run_cli([*build_args(Path("seeds"), Path("   "))], **here)
    assert built.code == 0, built.stderr
    assert built.stderr.startswith('built "   /'), built.stderr
    release = next(path for path in (tmp_path / "   ").iterdir() if path.is_dir())
    for out, shown in ((" ", '" "'), ("a\tb", "$'a\\tb'"), ("zw\u200b", "$'zw\\u200b'"),
                       ("x.csv", "x.csv")):
        wrote = run_cli(["export", release, "--format", "csv", "--out", out], **here)
        assert wrote.code == 0, wrote.stderr
        assert wrote.stderr.startswith(f"wrote {shown} (csv, "), wrote.stderr
    refused = run_cli(["export", release, "--format", "csv", "--out", "   "], **here)
    assert 'Error: --out "   " is a folder; give a file name' in refused.stderr, \
        refused.stderr
    blank = f"  /{release.name}"
    shutil.copytree(release, tmp_path / blank)
    checked = run_cli(["validate", blank], **here)
    assert checked.code == 0 and checked.stdout.startswith(f'"{blank}": valid package'), \
        checked.stdout
    told = run_cli(["info", blank], **here)
    assert f'"{blank}" (package folder)' in told.stdout, told.stdout
    compared = run_cli(["diff", blank, " "], **here)  # " ": the CSV written above
    assert compared.code == 1 and 'corpuskit: " " cannot be compared' in compared.stderr, \
        compared.stderr
    assert 'error: " ": ' in compared.stderr, compared.stderr
    assert seeds.is_dir()


def test_summaries_naming_a_path_that_holds_a_line_feed_stay_on_one_line(
        tmp_path: Path) -> None:
    """A seeds or output folder whose name holds an LF was escaped in the problems' lines
    but printed as it is in build's summary of them, build's "built" line and diff's
    "old:"/"new:" lines, each split in two (QA)."""
    seeds = write_seeds(tmp_path / "nl\ndir" / "seeds", {"a.txt": text_for("a")})
    (seeds / "empty.txt").write_text("")
    failed = run_cli([*build_args(seeds, tmp_path / "out")])
    assert failed.code == 1, failed.stderr
    assert f"corpuskit: 1 problem in $'{tmp_path}/nl\\ndir/seeds'; nothing was written\n" \
        in failed.stderr, failed.stderr
    (seeds / "empty.txt").unlink()
    built = run_cli([*build_args(seeds, tmp_path / "o\nut")])
    assert built.code == 0, built.stderr
    assert f"built $'{tmp_path}/o\\nut/" in built.stderr, built.stderr
    compared = run_cli(["diff", seeds, seeds])
    assert compared.code == 0, compared.stderr
    assert f"(seeds: $'{tmp_path}/nl\\ndir/seeds')\n" in compared.stdout, compared.stdout
    for output in (failed.stderr, built.stderr, compared.stdout):
        assert not any(line.startswith(("dir/", "ut/")) for line in output.splitlines())


@settings(max_examples=examples(1500), deadline=None)
@given(st.lists(st.lists(st.text(alphabet=st.sampled_from("aA-e\u0301é\u200b"), min_size=1,
                                 max_size=3), min_size=1, max_size=4).map("/".join),
                min_size=1, max_size=8, unique=True))
def test_names_found_merging_by_a_walk_of_the_tree_are_those_of_every_folder_s_path(
        paths: list[str]) -> None:
    """``collisions`` walks the folders as a tree, each held by its name (each held as its
    path made memory grow with the square of a name's depth: QA s83): it finds the names
    that every folder and file's whole path, grouped by collision key, finds ("-" sorts
    before "/": ``a-b`` between ``a`` and ``a/c`` as text)."""
    from corpuskit import names

    paths = [p for p in paths if not any(q.startswith(p + "/") for q in paths)]  # files
    by_key: dict[str, set[str]] = {}
    for path in paths:
        parts = path.split("/")
        for depth in range(1, len(parts) + 1):
            name = "/".join(parts[:depth])
            by_key.setdefault(names.collision_key(name), set()).add(name)
    expected = []
    for path in paths:
        parts = path.split("/")
        for depth in range(1, len(parts) + 1):
            name = "/".join(parts[:depth])
            group = sorted(by_key[names.collision_key(name)])
            if len(group) > 1:
                expected.append((path, (name, *names.some_others(group, name))))
                break
    found = [(path, found_names) for path, _, found_names in names.collisions(paths)]
    assert found == expected, paths


#: Names a message must show so that they can be seen: blank, holding a TAB, holding a
#: character nothing shows, ending with a space.
UNSEEN_NAMES = [" ", "a\tb", "zw\u200b", "end "]


def _unseen_name_in(name: str, output: str) -> list[str]:
    """The lines of ``output`` that show ``name`` (or a path it begins) as it is, so that a
    reader cannot see it whole: a blank name as nothing (two spaces, a space before a
    colon), one ending with a space with nothing to tell where it ends, a TAB or U+200B
    as itself, or escaped but outside quotes ('...' of click, $'...' of shown_name)."""
    import re

    found = []
    for line in output.splitlines():
        if line.startswith(("Usage:", "Try ")):
            continue
        if name == " ":
            bad = re.search(r"  | [:;,)]|\( | $", line) is not None
        elif name == "end ":
            bad = re.search(r"(?<![\"'])\bend (?!/)", line) is not None
        else:
            raw, escaped = ("a\tb", "a\\tb") if "\t" in name else ("zw\u200b", "zw\\u200b")
            bad = raw in line or re.search(r"(?<!')" + re.escape(escaped), line) is not None
        if bad:
            found.append(line)
    return found


def _unseen_name_cases(name: str, package: str) -> list[tuple[str, list[str]]]:
    """(state of ``name``, arguments) of every command given ``name`` as its target or
    output, in a state it refuses: missing, a file, an empty folder."""
    quick = ["--no-cache", "--jobs", "1"]
    return [
        *[(state, ["build", name, "--out", "o", *quick]) for state in ("file", "dir")],
        ("file", ["build", "seeds", "--out", name, *quick]),
        ("file", ["build", "seeds", "--cache", name, "--out", "o", "--jobs", "1"]),
        *[(state, ["validate", name]) for state in ("missing", "file", "dir")],
        *[(state, ["check", "--seeds", name]) for state in ("file", "dir")],
        *[(state, ["check", "--dist", name]) for state in ("missing", "file", "dir")],
        *[(state, ["release", "--seeds", name, "--out", "dist", "--no-cache"])
          for state in ("file", "dir")],
        ("file", ["release", "--out", name, "--no-cache"]),
        *[(state, ["export", name, "--format", "csv", "--out", "x.csv"])
          for state in ("missing", "file", "dir")],
        ("dir", ["export", package, "--format", "csv", "--out", name]),
        *[(state, ["export", package, "--format", "csv", "--out", f"{name}/x.csv"])
          for state in ("missing", "file")],
        ("missing", ["diff", name, package]),
        *[(state, ["diff", package, name]) for state in ("file", "dir")],
        *[(state, ["info", name]) for state in ("missing", "file", "dir")],
    ]


@pytest.mark.parametrize("name", UNSEEN_NAMES, ids=["blank", "tab", "zero-width", "end-space"])
def test_every_command_refusing_a_name_nothing_shows_whole_shows_it(
        tmp_path: Path, name: str) -> None:
    """A blank name, one holding a TAB or U+200B, one ending with a space, as the target
    or output of build, validate, check, release, export, diff and info, missing, a file
    or an empty folder: each message names it so that it can be seen (in quotes, or
    $'...'; QA s87: "corpuskit:   is not a seeds folder", "cannot write into  :   is a
    file", "--dist   does not exist", "no corpus.toml in  ;", and TABs printed as they
    are); click's own usage errors quote it already ('Path ' ' does not exist')."""
    write_seeds(tmp_path / "seeds", {"a.txt": text_for("a")})
    assert run_here(build_args(Path(tmp_path / "seeds"), tmp_path / "dist")).code == 0
    package = next(str(path.relative_to(tmp_path)) for path in (tmp_path / "dist").iterdir()
                   if path.is_dir())
    path = tmp_path / name
    unseen = []
    for state, args in _unseen_name_cases(name, package):
        if state == "file":
            path.write_text("x")
        elif state == "dir":
            path.mkdir()
        done = run_cli(args, cwd=tmp_path)
        assert done.code in (1, 2), (args, done.stderr)
        unseen += [(args, line) for line in _unseen_name_in(name, done.stdout + done.stderr)]
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    assert not unseen, unseen
