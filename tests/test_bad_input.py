"""Bad input through the CLI: exit 1, one stderr line per problem naming the file (or key)
and the reason, every problem in one run, and nothing written to the output folder."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import build_into, corpus_config, make_seeds, toml_text, tree_bytes

import corpuskit
from corpuskit.cli import main
from corpuskit.problems import one_line as printed_line

GOOD = {"good.txt": "A good title\n\nA perfectly ordinary paragraph of English text.\n"}
_CONFIG_SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "schemas"
                             / "corpus.schema.json").read_text("utf-8"))
#: The values corpus.toml's lists of choices take, as the schema lists them.
SKIPPABLE = _CONFIG_SCHEMA["properties"]["normalize"]["properties"]["skip"]["items"]["enum"]
CODE_PAGES = (_CONFIG_SCHEMA["properties"]["decode"]["properties"]["fallback_encodings"]
              ["items"]["enum"])
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00"
#: Not UTF-8, and no configured code page reads it as text (see test_decode).
NOISE = bytes(range(0x80, 0x100))


def run_build(seeds: Path, out: Path, capsys: pytest.CaptureFixture[str],
              *options: str) -> tuple[int, str]:
    """The exit status and stderr of a build, each seeds file in its ``error:`` and
    ``skipped:`` lines named relative to the seeds folder (the build names it joined to the
    folder as given, as validate does: test_build_names_each_file_as_given)."""
    capsys.readouterr()
    code = main(["build", str(seeds), "--out", str(out), *options])
    return code, seeds_relative(capsys.readouterr().err, seeds)


def _exclude_notes(err: str) -> list[str]:
    """The notes of a build's stderr about its discover.exclude patterns."""
    return [line for line in err.splitlines() if line.startswith("note: discover")]


def seeds_relative(err: str, seeds: Path) -> str:
    """``err`` with the seeds folder taken off the paths the build names."""
    for prefix in ("error: ", "skipped: "):
        err = err.replace(f"{prefix}{seeds}/", prefix)
    return err


def error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("error: ")]


def assert_refused(seeds: Path, out: Path, capsys: pytest.CaptureFixture[str],
                   expected: dict[str, str]) -> list[str]:
    """Exit 1, exactly one line per (file, code) in ``expected``, and no output folder."""
    code, err = run_build(seeds, out, capsys)
    assert code == 1, err
    lines = error_lines(err)
    found = {}
    for line in lines:
        match = re.match(r"error: (.+?)(?::line \d+)?: .* \[([a-z-]+)\]$", line)
        assert match, line
        found[match[1]] = match[2]
    assert found == expected
    assert len(lines) == len(expected), "one line per problem"
    assert not out.exists(), "nothing is written for bad input"
    return lines


@pytest.mark.parametrize(("name", "content", "code"), [
    ("empty.txt", b"", "empty-document"),
    ("blank.txt", b"  \n\t\r\n \n", "empty-document"),
    ("image.png", PNG + bytes(range(256)), "binary-file"),
    ("noise.txt", NOISE, "undecodable"),
])
def test_one_bad_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                 name: str, content: bytes, code: str) -> None:
    seeds = make_seeds(tmp_path, {**GOOD, name: content})
    assert_refused(seeds, tmp_path / "out", capsys, {name: code})


def test_a_refused_build_into_a_folder_not_there_leaves_no_folder(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """QA: ``--out new/a/b`` refused for a bad file said "nothing was written" and left
    ``new/`` and ``new/a/``, the parents made for its lock; a parent that was there stays."""
    seeds = make_seeds(tmp_path, {**GOOD, "empty.txt": b""})
    (tmp_path / "there").mkdir()
    assert_refused(seeds, tmp_path / "there" / "new" / "a" / "b", capsys,
                   {"empty.txt": "empty-document"})
    assert [p.name for p in (tmp_path / "there").iterdir()] == []


def test_undecodable_in_the_configured_code_pages(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    seeds = make_seeds(tmp_path, {**GOOD, "legacy.txt": b"caf\x81 \x98 \x90"},
                       {"decode": {"fallback_encodings": ["cp1252", "cp1250", "cp1251"]}})
    lines = assert_refused(seeds, tmp_path / "out", capsys, {"legacy.txt": "undecodable"})
    assert "decode.fallback_encodings" in lines[0]


def test_undecodable_file_is_told_which_code_page_to_add(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    greek = "Καλημέρα σας, πώς είστε σήμερα; Η γρήγορη καφέ αλεπού πηδάει.\n"
    seeds = make_seeds(tmp_path, {**GOOD, "greek.txt": greek.encode("cp1253")})
    lines = assert_refused(seeds, tmp_path / "out", capsys, {"greek.txt": "undecodable"})
    assert 'add "cp1253" to decode.fallback_encodings in corpus.toml' in lines[0]
    assert "Καλημέρα σας" in lines[0]


def test_symlink_leaving_the_seeds_folder(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("A secret kept outside the seeds folder.\n", encoding="utf-8")
    seeds = make_seeds(tmp_path, GOOD)
    os.symlink(outside, seeds / "link.txt")
    os.symlink("../outside.txt", seeds / "relative.txt")
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", seeds / "folder")
    lines = assert_refused(seeds, tmp_path / "out", capsys,
                           {"link.txt": "unsafe-path", "relative.txt": "unsafe-path",
                            "folder": "unsafe-path"})
    assert all("outside the seeds folder" in line for line in lines)
    # a folder's link is told as one, not as a file to copy in (QA)
    assert [line for line in lines if "folder:" in line] == [
        "error: folder: symbolic link to a folder outside the seeds folder; folders are not "
        "followed through links: copy its files in instead [unsafe-path]"]


def test_symlink_inside_the_seeds_folder_is_a_document(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    seeds = make_seeds(tmp_path, GOOD)
    os.symlink("good.txt", seeds / "alias.txt")
    code, err = run_build(seeds, tmp_path / "out", capsys)
    assert code == 0, err
    raw = tmp_path / "out" / "test-corpus-1.0.0" / "data" / "raw"
    assert (raw / "alias.txt").read_bytes() == (seeds / "good.txt").read_bytes()
    assert not (raw / "alias.txt").is_symlink()


def test_two_files_with_the_same_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds = make_seeds(tmp_path, {**GOOD, "a.txt": "Text A.\n", "a.md": "Text A in markdown.\n"})
    lines = assert_refused(seeds, tmp_path / "out", capsys,
                           {"a.md": "duplicate-id", "a.txt": "duplicate-id"})
    assert all("'a'" in line for line in lines)


def test_names_differing_only_in_case(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    seeds = make_seeds(tmp_path, GOOD)
    (seeds / "Report.txt").write_text("Upper case name.\n", encoding="utf-8")
    (seeds / "report.TXT").write_text("Lower case name.\n", encoding="utf-8")
    if len(list(seeds.iterdir())) < 4:
        pytest.skip("case-insensitive file system")
    assert_refused(seeds, tmp_path / "out", capsys,
                   {"Report.txt": "name-collision", "report.TXT": "name-collision"})


def test_all_problems_are_reported_in_one_run(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("Outside.\n", encoding="utf-8")
    seeds = make_seeds(tmp_path, {
        **GOOD,
        "empty.txt": b"",
        "sub/blank.md": b"   \n\n",
        "photo.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00" + bytes(300),
        "noise.txt": NOISE,
        "dup.txt": "one\n",
        "dup.md": "two\n",
        "zz-last-good.txt": "Another good document.\n",
    })
    os.symlink(outside, seeds / "escape.txt")
    out = tmp_path / "out"
    lines = assert_refused(seeds, out, capsys, {
        "empty.txt": "empty-document",
        "sub/blank.md": "empty-document",
        "photo.jpg": "binary-file",
        "noise.txt": "undecodable",
        "dup.txt": "duplicate-id",
        "dup.md": "duplicate-id",
        "escape.txt": "unsafe-path",
    })
    assert lines == sorted(lines), "problems are listed in a stable order"
    assert capsys.readouterr().err == ""  # everything was said in that one run


def test_bad_input_leaves_an_existing_output_folder_unchanged(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds = make_seeds(tmp_path, GOOD)
    out = tmp_path / "out"
    assert run_build(seeds, out, capsys)[0] == 0
    before = tree_bytes(out)
    (seeds / "empty.txt").write_bytes(b"")
    (seeds / "corpus.toml").write_text(toml_text(corpus_config({"version": "1.0.1"})),
                                       encoding="utf-8")
    code, err = run_build(seeds, out, capsys)
    assert code == 1
    assert error_lines(err) == [
        "error: empty.txt: the file is empty or only whitespace; remove it or add text "
        "[empty-document]"]
    assert tree_bytes(out) == before
    assert not (out / "test-corpus-1.0.1").exists()
    assert not (out / "test-corpus-1.0.1.zip").exists()
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "test-corpus-1.0.0", "test-corpus-1.0.0.zip"]
    assert [p.name for p in out.iterdir() if p.name.startswith(".corpuskit-tmp")] == []


# -- corpus.toml -------------------------------------------------------------------------

def config_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str], toml: str
                    ) -> list[str]:
    seeds = make_seeds(tmp_path, GOOD, toml=toml)
    code, err = run_build(seeds, tmp_path / "out", capsys)
    assert code == 1, err
    assert not (tmp_path / "out").exists()
    lines = error_lines(err)
    assert lines and all(line.startswith("error: corpus.toml") for line in lines)
    assert all(line.endswith("[config-error]") for line in lines)
    return lines


def test_config_missing_a_required_key(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    lines = config_problems(tmp_path, capsys, toml_text(corpus_config({"licenses": None})))
    assert len(lines) == 1
    assert lines == ["error: corpus.toml:licenses: 'licenses' is missing: corpus.toml needs "
                     "it; add it, such as licenses = [{ name = \"CC-BY-4.0\" }] [config-error]"]


def test_config_with_a_bad_version(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = config_problems(tmp_path, capsys, toml_text(corpus_config({"version": "1.0"})))
    assert len(lines) == 1
    assert lines[0].startswith("error: corpus.toml:version: ")
    assert "'1.0'" in lines[0]


def test_config_with_an_unknown_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = config_problems(tmp_path, capsys,
                            toml_text(corpus_config({"licence": "typo of licenses"})))
    assert len(lines) == 1
    assert "'licence'" in lines[0]


def test_config_with_an_unknown_nested_key(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    lines = config_problems(tmp_path, capsys,
                            toml_text(corpus_config({"normalize": {"lossy": ["lowercase"]}})))
    assert len(lines) == 1
    assert "normalize.lossy[0]" in lines[0] and "'lowercase'" in lines[0]


def test_config_with_an_unknown_compression(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    lines = config_problems(tmp_path, capsys,
                            toml_text(corpus_config({"output": {"compression": "gzip-9"}})))
    assert len(lines) == 1
    assert lines == ["error: corpus.toml:output.compression: 'gzip-9' is not allowed here: "
                     "write one of: fast, zlib, zlib-4 [config-error]"]


@pytest.mark.parametrize(("pattern", "says"), [
    ("a{4294967296}", "a regular expression Python cannot compile (OverflowError: the "
                      "repetition number is too large); write a simpler one"),
    ("(" * 2000 + "a" + ")" * 2000, "a regular expression Python cannot compile (RecursionError"),
])
def test_config_with_a_rights_pattern_python_cannot_compile(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], pattern: str, says: str) -> None:
    """OverflowError and RecursionError were not re.error: a traceback in build, info and
    check, and an internal error in validate."""
    lines = config_problems(tmp_path, capsys, toml_text(corpus_config(
        {"extract": {"rights_patterns": [pattern]}})))
    assert len(lines) == 1
    assert lines[0].startswith(f"error: corpus.toml:extract.rights_patterns[0]: {says}")


def test_config_with_an_unknown_key_says_what_to_do(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = config_problems(tmp_path, capsys, toml_text(corpus_config({"tittle": "A typo"})))
    assert lines == ["error: corpus.toml:tittle: 'tittle' is not a corpus.toml key (did you "
                     "mean 'title'?): remove it, or check its spelling (the README's "
                     "corpus.toml section lists every key) [config-error]"]


def test_config_with_an_unknown_key_outside_ascii_shows_it_as_escapes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A key with a Cyrillic "і" was told "'tіtle' is not a corpus.toml key (did you mean
    'title'?)" beside "'title' is missing": the two printed alike (QA). Every key is
    ASCII: one that is not is spelled with escapes, naming what is not ASCII."""
    text = toml_text(corpus_config({"title": None}))
    lines = config_problems(tmp_path, capsys, '"t\u0456tle" = "A title"\n' + text
                            + '[output]\n"\u0430\u0431" = 1\n')
    assert lines == [
        "error: corpus.toml:output.\u0430\u0431: '\\u0430\\u0431' (spelled with U+0430 "
        "CYRILLIC SMALL LETTER A, U+0431 CYRILLIC SMALL LETTER BE) is not a key of [output]: "
        "remove it, or check its spelling ([output] takes parquet, compression) "
        "[config-error]",
        "error: corpus.toml:title: 'title' is missing: corpus.toml needs it; add it, such "
        'as title = "My corpus" [config-error]',
        "error: corpus.toml:t\u0456tle: 't\\u0456tle' (spelled with U+0456 CYRILLIC SMALL "
        "LETTER BYELORUSSIAN-UKRAINIAN I where 'title' has 'i') is not a corpus.toml key "
        "(did you mean 'title'?): remove it, or check its spelling (the README's corpus.toml "
        "section lists every key) [config-error]"]


BARE_KEY_RULE = ("is a key written without quotes (a bare key), which may hold only ASCII "
                 "letters, digits, '-' and '_'")


@pytest.mark.parametrize(("written", "told"), [
    ('keyw\u043erds = ["x"]\n', "'keyw\\u043erds' (spelled with U+043E CYRILLIC SMALL "
     "LETTER O where 'keywords' has 'o'), on line {at}, column 1, " + BARE_KEY_RULE
     + "; did you mean 'keywords'? retype it in ASCII"),
    ("\u043ekeywords = 1\n", "'\\u043ekeywords' (spelled with U+043E CYRILLIC SMALL LETTER "
     "O), on line {at}, column 1, " + BARE_KEY_RULE + "; did you mean 'keywords'? retype "
     "it in ASCII"),
    ("[outp\u0443t]\nparquet = true\n", "'outp\\u0443t' (spelled with U+0443 CYRILLIC "
     "SMALL LETTER U where 'output' has 'u'), on line {at}, column 2, " + BARE_KEY_RULE
     + "; did you mean 'output'? retype it in ASCII"),
    ("[[s\u043eurces]]\ntitle = \"x\"\n", "'s\\u043eurces' (spelled with U+043E CYRILLIC "
     "SMALL LETTER O where 'sources' has 'o'), on line {at}, column 3, " + BARE_KEY_RULE
     + "; did you mean 'sources'? retype it in ASCII"),
    ("output.p\u0430rquet = true\n", "'p\\u0430rquet' (spelled with U+0430 CYRILLIC SMALL "
     "LETTER A where 'parquet' has 'a'), on line {at}, column 8, " + BARE_KEY_RULE
     + "; did you mean 'parquet'? retype it in ASCII"),
    ("zz\u00e9zz = 1\n", "'zz\\u00e9zz' (spelled with U+00E9 LATIN SMALL LETTER E WITH "
     "ACUTE), on line {at}, column 1, " + BARE_KEY_RULE + "; retype it in ASCII, as every "
     "key of corpus.toml is (the README's corpus.toml section lists every key)"),
])
def test_a_bare_key_outside_ascii_is_told_so_with_escapes(
        written: str, told: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A key outside ASCII written without quotes, the usual way, got tomllib's "Expected
    '=' after a key" on a line that has one, with advice about quotes (QA s77 newc 1): a
    bare key is ASCII only, said with the key in escapes and the key it looks like."""
    text = toml_text(corpus_config())
    at = text.count("\n") + 1
    [line] = config_problems(tmp_path, capsys, text + written)
    assert line == (f"error: corpus.toml:line {at}: not valid TOML: {told.format(at=at)} "
                    "[config-error]"), line


def test_config_that_is_not_utf8_names_the_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    toml = toml_text(corpus_config()) + "# caf\xe9\n"
    seeds = make_seeds(tmp_path, GOOD, toml="")
    (seeds / "corpus.toml").write_bytes(toml.encode("latin-1"))
    code, err = run_build(seeds, tmp_path / "out", capsys)
    line = toml.count("\n")
    assert code == 1
    assert error_lines(err) == [f"error: corpus.toml:line {line}: not UTF-8 (byte "
                                f"{toml.encode('latin-1').index(bytes([0xE9]))}, b'\\xe9'); "
                                "save it as UTF-8 [config-error]"]


@pytest.mark.parametrize(("encoding", "said"), [
    ("utf-16-le", "UTF-16 (little-endian, with the byte order mark FF FE)"),
    ("utf-16-be", "UTF-16 (big-endian, with the byte order mark FE FF)"),
    ("utf-32-le", "UTF-32 (little-endian, with the byte order mark FF FE 00 00)"),
    ("utf-32-be", "UTF-32 (big-endian, with the byte order mark 00 00 FE FF)"),
], ids=["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_config_saved_as_utf16_or_utf32_is_said_to_be(
        encoding: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A corpus.toml saved as UTF-16 with its byte order mark (Notepad's "Unicode") was told
    only "not UTF-8 (byte 0, b'\\xff')" (QA s83 newuser 3b): its encoding is named, from
    the mark, with what to do."""
    seeds = make_seeds(tmp_path, GOOD, toml="")
    (seeds / "corpus.toml").write_bytes(
        "\ufeff".encode(encoding) + toml_text(corpus_config()).encode(encoding))
    code, err = run_build(seeds, tmp_path / "out", capsys)
    assert code == 1
    assert error_lines(err) == [f"error: corpus.toml:line 1: saved as {said}, not UTF-8; "
                                "save it as UTF-8 [config-error]"]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("title", ["Corpus", "Čeština a 日本語 😀"], ids=["ascii", "other"])
def test_config_saved_as_utf16_or_utf32_without_a_mark_is_said_to_be(
        encoding: str, title: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Without its byte order mark, a corpus.toml saved as UTF-32 was valid UTF-8 (NUL
    bytes between the characters) and told a TOML syntax error, "Expected '=' after a
    key" (QA s83 review2, finding 6): the NULs name the encoding, with what to do."""
    seeds = make_seeds(tmp_path, GOOD, toml="")
    config = corpus_config()
    config["title"] = title
    (seeds / "corpus.toml").write_bytes(toml_text(config).encode(encoding))
    code, err = run_build(seeds, tmp_path / "out", capsys)
    width, order = encoding.split("-")[1], encoding.split("-")[2]
    endian = {"le": "little-endian", "be": "big-endian"}[order]
    assert code == 1
    assert error_lines(err) == [f"error: corpus.toml:line 1: looks saved as UTF-{width} "
                                f"({endian}) without a byte order mark (NUL bytes between "
                                "its characters), not UTF-8; save it as UTF-8 [config-error]"]
    assert not (tmp_path / "out").exists()


def test_a_nul_in_a_utf8_config_is_not_taken_for_utf16(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A NUL byte in a corpus.toml that is UTF-8 is TOML's error, not an encoding's."""
    toml = toml_text(corpus_config()) + "note = \"a\0b\"\n"
    lines = config_problems(tmp_path, capsys, toml)
    assert lines and not any("UTF-16" in line or "UTF-32" in line for line in lines), lines


def test_config_nested_too_deeply(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """tomllib reads nesting recursively: a RecursionError traceback."""
    toml = toml_text(corpus_config()) + "x = " + "[" * 5000 + "]" * 5000 + "\n"
    lines = config_problems(tmp_path, capsys, toml)
    assert lines == ["error: corpus.toml: arrays or tables nested too deeply to read; "
                     "corpus.toml needs no nesting deeper than a few levels [config-error]"]


@pytest.mark.parametrize("written", [
    pytest.param(b'note = "unclosed\n', id="not-toml"),
    pytest.param(b"# caf\xe9\n", id="not-utf8"),
    pytest.param(b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n", id="nested-too-deeply"),
    pytest.param(b"titel = 1\n", id="misspelled-key"),
])
@pytest.mark.parametrize("command", ["build", "release", "info"])
def test_every_config_error_ends_with_the_same_summary(
        written: bytes, command: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A corpus.toml that is not TOML (or not UTF-8, or nested too deeply) ended "corpuskit:
    1 problem found", where every other config-error ends "corpuskit: N problems in
    <seeds>; nothing was written" (QA s83 newuser 3a): one summary for all of them."""
    seeds = make_seeds(tmp_path, GOOD)
    toml = seeds / "corpus.toml"
    toml.write_bytes(written + toml.read_bytes())  # at its top, before any [table]
    out = tmp_path / "out"
    arguments = {"build": ["build", str(seeds), "--out", str(out)],
                 "release": ["release", "--seeds", str(seeds), "--out", str(out)],
                 "info": ["info", str(seeds)]}[command]
    capsys.readouterr()
    assert main(arguments) == 1
    err = capsys.readouterr().err
    [problem] = error_lines(err)
    assert problem.endswith("[config-error]")
    assert err.splitlines()[-1] == f"corpuskit: 1 problem in {seeds}" + (
        "" if command == "info" else "; nothing was written")
    assert not out.exists()


@pytest.mark.parametrize(("key", "value"), [
    ("name", "corpus\n"), ("version", "1.0.0\n"), ("created", "2026-11-28T00:00:00Z\n"),
])
def test_config_with_a_trailing_line_break(tmp_path: Path, key: str, value: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """A pattern's $ matches before a final LF in Python: "1.0.0\\n" passed, and the build
    made a release folder and zip whose names held a line break."""
    lines = config_problems(tmp_path, capsys, toml_text(corpus_config({key: value})))
    [line] = lines
    assert line.startswith(f"error: corpus.toml:{key}: {value!r} must be one line of text, "
                           "without a line break or control character (it holds U+000A LF): "
                           )  # and what to write
    assert not (tmp_path / "out").exists()


def test_config_with_a_license_name_ending_in_a_line_break(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = config_problems(tmp_path, capsys, toml_text(corpus_config(
        {"licenses": [{"name": "CC0-1.0\n"}]})))
    assert lines == ["error: corpus.toml:licenses[0].name: 'CC0-1.0\\n' must be one line "
                     "of text, without a line break or control character (it holds U+000A "
                     "LF): use an SPDX license id such as CC-BY-4.0 or CC0-1.0 [config-error]"]


@pytest.mark.parametrize(("name", "offered"), [
    ("CC0", "did you mean 'CC0-1.0'? A license"),
    ("Apache2", "did you mean 'Apache-2.0'? A license"),
    ("CC-BY-4", "did you mean 'CC-BY-4.0'? A license"),
    ("cc_by_4.0", "did you mean 'CC-BY-4.0'? A license"),
    ("AGPL-3", "did you mean 'AGPL-3.0-only' or 'AGPL-3.0-or-later'? A license"),
    ("CC-BY", "did you mean 'CC-BY-4.0', 'CC-BY-3.0' or 'CC-BY-2.5'? A license"),
    ("Proprietary", "a license"),
    ("LicenseRef-Terms_2024", "a license"),
])
def test_config_with_a_license_name_spdx_does_not_list(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, offered: str) -> None:
    """Only the schema's pattern held license names: "CC0", "Apache2" or "CC-BY-4" went
    into the descriptor, Croissant and the data card (``license: other``), while the
    advice for a refused one said "use an SPDX license id" (QA). The SPDX ids it may
    stand for are offered, and LicenseRef- for a license of one's own."""
    lines = config_problems(tmp_path, capsys, toml_text(corpus_config(
        {"licenses": [{"name": "MIT"}, {"name": name}]})))
    ref = {"LicenseRef-Terms_2024": "Terms-2024", "cc_by_4.0": "cc-by-4.0"}.get(name, name)
    assert lines == [f"error: corpus.toml:licenses[1].name: {name!r} is not an SPDX license "
                     f"id (https://spdx.org/licenses/): {offered} that list does not hold "
                     "is named 'LicenseRef-' and a name of your own (letters, digits, '.' "
                     f"and '-'), such as 'LicenseRef-{ref}', with its title and path "
                     "[config-error]"]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["MIT", "mit", "CC-BY-4.0", "GPL-3.0", "GPL-3.0-or-later",
                                  "ODbL-1.0", "LicenseRef-All-Rights-Reserved",
                                  "licenseref-terms-2024.1"])
def test_config_with_a_license_spdx_lists(tmp_path: Path, name: str) -> None:
    """SPDX ids match without regard to case; a deprecated one is an id still; any
    LicenseRef- is one's own: each is built as written."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("Some text of a document.\n", "utf-8")
    (seeds / "corpus.toml").write_text(toml_text(corpus_config(
        {"licenses": [{"name": name}]})), "utf-8")
    assert corpuskit.validate(seeds, jobs=1).valid
    built = corpuskit.build(seeds, tmp_path / "out", jobs=1, cache=None)
    descriptor = json.loads((built.release / "datapackage.json").read_text("utf-8"))
    assert [license["name"] for license in descriptor["licenses"]] == [name]


def test_config_with_a_version_too_long_for_a_file_name(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A valid semver of 306 characters failed with "cannot write ...: File name too long",
    blaming the output folder."""
    version = "1.0.0-" + "a" * 300
    lines = config_problems(tmp_path, capsys, toml_text(corpus_config({"version": version})))
    assert len(lines) == 1 and lines[0].startswith("error: corpus.toml:version: '1.0.0-aaa")
    assert lines[0].endswith("(306 characters) is longer than the 64 characters allowed: "
                             "shorten it [config-error]")


@pytest.mark.parametrize(("section", "key", "written"), [
    ("discover", "max_file_bytes", "20.0"), ("extract", "language_min_chars", "20.0"),
    ("extract", "language_min_chars", "2e1")])
def test_config_with_a_float_for_an_integer(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            section: str, key: str, written: str) -> None:
    """TOML writes 2e1 and 20.0 as floats: where an integer belongs they are refused (JSON
    Schema would count 20.0 an integer, and the descriptor would record 20.0). The advice
    names both forms (it said "without the decimal point" of 2e1)."""
    toml = toml_text(corpus_config({})) + f"\n[{section}]\n{key} = {written}\n"
    lines = config_problems(tmp_path, capsys, toml)
    assert len(lines) == 1
    assert lines[0].startswith(f"error: corpus.toml:{section}.{key}: ")
    assert lines[0].endswith(": 20.0 is a decimal number, not a whole number: write it "
                             "as a whole number, without a decimal point or an exponent: "
                             f"{key} = 20 [config-error]")


def test_config_problems_are_all_reported_at_once(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    toml = toml_text(corpus_config({"version": "one", "name": "Bad Name!", "sources": None}))
    lines = config_problems(tmp_path, capsys, toml)
    assert len(lines) == 3
    text = "\n".join(lines)
    assert "corpus.toml:version:" in text and "corpus.toml:name:" in text
    assert "corpus.toml:sources: 'sources' is missing" in text


def test_config_with_bad_toml_syntax_names_the_line(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    toml = toml_text(corpus_config()) + 'broken = "no closing quote\n'
    lines = config_problems(tmp_path, capsys, toml)
    line_number = toml.count("\n")
    assert len(lines) == 1
    assert "not valid TOML" in lines[0]
    assert f"line {line_number}" in lines[0]


@pytest.mark.parametrize(("opened", "tail"), [
    ('description = """What the texts are\n', "Unterminated string (at end of document)"),
    ('keywords = ["news",\n', "Invalid value (at line {next}, column 1)"),
    ('sources = [{ title = "me" }\n', "Unclosed array (at end of document)"),
])
def test_a_value_never_closed_is_named_at_the_line_it_begins(
        opened: str, tail: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A triple-quoted string or an array never closed was told at the end of the file,
    with no line, or at the next key's line, a correct one, to "correct the line" (QA):
    the line that opens the value is named."""
    lines = toml_text(corpus_config()).splitlines(keepends=True)
    at = 2 if not opened.startswith("sources") else len(lines) + 1
    toml = "".join(lines[:at - 1]) + opened + "".join(lines[at - 1:])
    [line] = config_problems(tmp_path, capsys, toml)
    assert line == (f"error: corpus.toml:line {at}: not valid TOML: "
                    f"{tail.format(next=at + 1)}; the value that begins on line {at} is not "
                    "closed: close its quote, triple quote or bracket [config-error]"), line


@pytest.mark.parametrize(("item", "tail", "close"), [
    ('"b,', "Illegal character '\\n' (at line {at}, column 6)", '" on that line'),
    ("'b,", "Expected \"'\" (at end of document)", "' on that line"),  # (no ' after)
    ('"""b,', "Unterminated string (at end of document)", '"""'),
])
def test_a_string_never_closed_in_an_array_is_named_at_its_own_line(
        item: str, tail: str, close: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A string left unclosed inside an array spanning lines was named at the array's
    first line, told as a value not closed (QA): the string's own line is named."""
    lines = toml_text(corpus_config()).splitlines(keepends=True)
    array = f'keywords = [\n  "a",\n  {item}\n  "c",\n]\n'
    toml = lines[0] + array + "".join(lines[1:])
    at = 4  # name, "keywords = [", "a"
    [line] = config_problems(tmp_path, capsys, toml)
    assert line == (f"error: corpus.toml:line {at}: not valid TOML: {tail.format(at=at)}; "
                    f"the string that begins on line {at} is not closed: end it with "
                    f"{close} [config-error]"), line


ESCAPE_ADVICE = ("is no escape TOML has: write '\\\\' for a backslash, or put the string in "
                 "single quotes, which take a backslash as it is")
HEX_ADVICE = ("escapes no character: write \\u with 4 hex digits of a Unicode character "
              "(\\u00E9 is é), or '\\\\' for a backslash")


@pytest.mark.parametrize(("key", "value", "said"), [
    ("keywords", '[\n  "a",\n  "b\\qc",\n  "d",\n]',
     "Unescaped '\\' in a string; '\\q' on line 4, column 5 (in 'keywords') " + ESCAPE_ADVICE),
    ("keywords", '[\n  "a",\n  "b\\u12G4",\n]',
     "Invalid hex value; '\\u12G4' on line 4, column 5 (in 'keywords') " + HEX_ADVICE),
    ("keywords", '[\n  "a",\n  "b\\uD800",\n]', "Escaped character is not a Unicode scalar "
     "value; '\\uD800' on line 4, column 5 (in 'keywords') " + HEX_ADVICE),
    # tomllib names the next line, where it stopped: the "\" is on line 4.
    ("keywords", '[\n  "a",\n  "b\\\n]', "Unescaped '\\' in a string; '\\' on line 4, "
     "column 5 (in 'keywords') ends the line of a one-line string, no escape TOML has"
     + ESCAPE_ADVICE[len("is no escape TOML has"):]),
    ("keywords", '[\n  "a",\n  "b\x01c",\n]', "Illegal character '\\x01'; U+0001 on line 4, "
     "column 5 (in 'keywords') is a control character, which TOML text may not hold: "
     "remove it (in a double-quoted string, \\u0001 writes it)"),
    ("licenses", '[\n  { name = "CC0-1.0", title = "CC0" },\n  { name = "a\\qb" },\n]',
     "Unescaped '\\' in a string; '\\q' on line 4, column 14 (in 'licenses') "
     + ESCAPE_ADVICE),
    ("description", '"""Texts,\n  and \\q more."""', "Unescaped '\\' in a string; '\\q' on "
     "line 3, column 7 (in 'description') " + ESCAPE_ADVICE),
], ids=["escape", "hex", "surrogate", "line-end", "control", "inline-table", "multi-line"])
def test_an_error_inside_a_string_spanning_lines_is_named_at_its_own_line(
        key: str, value: str, said: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """An invalid escape in a string of an array spanning lines was named at the array's
    first line, as a value never closed (QA): its own line and column are named, with the
    key and what to write instead; so is a control character, and one in a string that
    itself spans lines."""
    _assert_named_at_its_line(key, value, said, tmp_path, capsys)


def _assert_named_at_its_line(key: str, value: str, said: str, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    """corpus.toml with ``key = value`` is refused with ``said``, at the line it names."""
    lines = toml_text(corpus_config({key: None})).splitlines(keepends=True)
    toml = lines[0] + f"{key} = {value}\n" + "".join(lines[1:])
    [line] = config_problems(tmp_path, capsys, toml)
    at = re.search(r" on line (\d+)", said)
    assert at is not None
    assert line == (f"error: corpus.toml:line {at.group(1)}: not valid TOML: {said} "
                    "[config-error]"), line


def test_an_invalid_escape_on_one_line_is_told_what_to_write(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A bad escape in a one-line value was told to "correct the line (an unclosed quote
    or bracket, ...)": what is wrong there is named, as in a value spanning lines."""
    lines = toml_text(corpus_config({"title": None})).splitlines(keepends=True)
    toml = lines[0] + 'title = "C:\\data\\quotes"\n' + "".join(lines[1:])
    [line] = config_problems(tmp_path, capsys, toml)
    assert line == ("error: corpus.toml:line 2: not valid TOML: Unescaped '\\' in a string; "
                    "'\\d' on line 2, column 12 (in 'title') " + ESCAPE_ADVICE
                    + " [config-error]"), line


QUOTE_ADVICE = ("is no TOML value: write text in double quotes (\"{word}\"); true, false, "
                "numbers and dates go without")


#: What the advice to join an inline table's lines adds when its last value has a comma
#: after it: joined as it is, the table would be refused for that comma next (QA).
INLINE_COMMA = ", without the comma after its last value (TOML allows none before '}')"


@pytest.mark.parametrize(("key", "value", "said"), [
    ("keywords", '[\n  "news",\n  oops,\n]', "Invalid value; 'oops' on line 4, column 3 (in "
     "'keywords') " + QUOTE_ADVICE.format(word="oops")),
    ("keywords", '[\n  "news",\n  1.2.3,\n]', "Unclosed array; '1.2.3' on line 4, column 3 "
     "(in 'keywords') " + QUOTE_ADVICE.format(word="1.2.3")),
    ("keywords", '[\n  "news"\n  "english",\n]', "Unclosed array; '\"english\"' on line 4, "
     "column 3 (in 'keywords') follows a value of the array with no comma between: "
     "separate its values with ','"),
    ("licenses", '[\n  { name = "CC0-1.0" },\n  { name = CC0 },\n]', "Invalid value; 'CC0' "
     "on line 4, column 12 (in 'licenses') " + QUOTE_ADVICE.format(word="CC0")),
    ("licenses", '[\n  { name = "CC0-1.0",\n    title = "CC0" },\n]', "Invalid initial "
     "character for a key part; '{' on line 3, column 3 (in 'licenses') opens an inline "
     "table that goes on past the end of its line: TOML keeps an inline table on one line; "
     "join its lines"),
    ("licenses", '[\n  { name = "CC0-1.0",\n    title = "CC0", },\n]', "Invalid initial "
     "character for a key part; '{' on line 3, column 3 (in 'licenses') opens an inline "
     "table that goes on past the end of its line: TOML keeps an inline table on one line; "
     "join its lines" + INLINE_COMMA),
    ("licenses", '[\n  { name = "CC0-1.0",\n    title = "C}C0",\n  },\n]', "Invalid initial "
     "character for a key part; '{' on line 3, column 3 (in 'licenses') opens an inline "
     "table that goes on past the end of its line: TOML keeps an inline table on one line; "
     "join its lines" + INLINE_COMMA),
], ids=["bare-word", "bare-version", "no-comma", "inline-table-word", "inline-table-lines",
        "inline-table-lines-comma", "inline-table-lines-comma-own-line"])
def test_an_error_inside_an_array_spanning_lines_is_named_at_its_own_line(
        key: str, value: str, said: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A word without quotes in an array spanning lines was named at the array's first
    line, told as a value not closed (QA): its own line and column are named, with the key
    and what to write; so are a missing comma and an inline table spanning lines (with
    the comma its joined line must lose, found past a '}' in a string)."""
    _assert_named_at_its_line(key, value, said, tmp_path, capsys)


TRAILING_COMMA = ("follows the last value of an inline table: TOML allows no comma before "
                  "its '}'; remove the comma")


@pytest.mark.parametrize(("key", "value", "at"), [
    ("licenses", '[{ name = "CC0-1.0", }]', "line 2, column 31 (in 'licenses')"),
    ("licenses", '[\n  { name = "CC0-1.0" ,\t},\n]', "line 3, column 22 (in 'licenses')"),
    ("decode", '{ encoding = "utf-8",}', "line 2, column 30 (in 'decode')"),
    ("decode", '{ encoding = "}", }', "line 2, column 26 (in 'decode')"),
], ids=["in-an-array", "array-spanning-lines", "no-space", "brace-in-a-string"])
def test_a_trailing_comma_in_an_inline_table_is_named_at_its_column(
        key: str, value: str, at: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """TOML 1.0 forbids a comma after an inline table's last value: it was told to
    "correct the line" (QA); the comma is named at its line and column, with its key and
    what to write."""
    lines = toml_text(corpus_config({key: None})).splitlines(keepends=True)
    toml = lines[0] + f"{key} = {value}\n" + "".join(lines[1:])
    [line] = config_problems(tmp_path, capsys, toml)
    assert line == (f"error: corpus.toml:{at.split(',')[0]}: not valid TOML: Invalid initial "
                    f"character for a key part; ',' on {at} {TRAILING_COMMA} [config-error]")


@pytest.mark.parametrize(("again", "named"), [('name = "other"\n', "'name'"),
                                              ("[decode]\n[decode]\n", "'[decode]'")])
def test_a_key_or_table_given_twice_is_named(again: str, named: str, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """tomllib's "Cannot overwrite a value" came with advice about quotes and brackets
    (QA): the key, or the table, given twice is named."""
    toml = toml_text(corpus_config()) + again
    [line] = config_problems(tmp_path, capsys, toml)
    assert f"line {toml.count(chr(10))}: not valid TOML: " in line
    assert line.endswith(f"; {named} is given twice: keep one of them [config-error]"), line


@pytest.mark.parametrize(("again", "named"), [
    ('[[sources]]\ntitle = "Another"\n', "'sources' is given twice (line 6 as an inline "
     "array, line 7 as [[sources]])"),
    ("sources.x = 1\n", "'sources' is given twice (line 6 as an inline array, line 7 as "
     "sources.x)"),
    ('[discover]\nexclude = ["*.bak"]\n[[discover.exclude]]\n', "'discover.exclude' is "
     "given twice (line 8 as an inline array, line 9 as [[discover.exclude]])"),
])
def test_an_inline_array_given_more_after_it_is_named_as_given_twice(
        again: str, named: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """[[sources]] after sources = [...] got tomllib's "Cannot mutate immutable namespace"
    with advice about unclosed quotes (QA s77 newc 12): the key is given twice, as an
    inline array and again, at both lines."""
    toml = toml_text(corpus_config()) + again
    assert toml.splitlines()[5].startswith("sources = [")  # (line 6)
    [line] = config_problems(tmp_path, capsys, toml)
    at = named.rsplit("line ", 1)[1].split(" ")[0]  # (the second line named)
    assert line.startswith(f"error: corpus.toml:line {at}: not valid TOML: Cannot mutate "
                           "immutable namespace"), line
    assert line.endswith(f"; {named}: keep one of them [config-error]"), line


def test_bad_toml_syntax_problem_carries_its_line_as_location(tmp_path: Path) -> None:
    from corpuskit.config import load_config
    from corpuskit.errors import InputError

    seeds = make_seeds(tmp_path, GOOD, toml='name = "x"\ntitle = "unclosed\n')
    with pytest.raises(InputError) as caught:
        load_config(seeds)
    assert [p.location for p in caught.value.problems] == ["line 2"]


def test_missing_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds = make_seeds(tmp_path, GOOD)
    (seeds / "corpus.toml").unlink()
    code, err = run_build(seeds, tmp_path / "out", capsys)
    assert code == 1
    assert error_lines(err)[0].startswith("error: corpus.toml: no corpus.toml")
    assert "create one with name, title, version" in error_lines(err)[0]
    assert not (tmp_path / "out").exists()


def test_a_release_or_a_folder_of_releases_given_as_seeds_is_named_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """dist/ or a release folder given as the seeds were told to create a corpus.toml in
    them (QA); each is named for what it is, with what to pass."""
    seeds = make_seeds(tmp_path, GOOD)
    dist = tmp_path / "dist"
    assert run_build(seeds, dist, capsys)[0] == 0
    code, err = run_build(dist, tmp_path / "out", capsys)
    assert code == 1 and "it is a folder of releases (such as test-corpus-1.0.0), not seeds: " \
        "pass the seeds folder, and this one as --dist or --out" in err, err
    code, err = run_build(dist / "test-corpus-1.0.0", tmp_path / "out", capsys)
    assert code == 1 and "it is a package (a release folder), not seeds: pass the seeds " \
        "folder it was built from" in err, err
    assert not (tmp_path / "out").exists()


def test_a_folder_in_a_release_a_root_holding_seeds_or_dist_given_to_release_is_named(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """QA: a release's data/raw given as the seeds was told to create a corpus.toml in it
    (inside the immutable release); the repository's root, holding seeds/, was told the
    same; and ``release --seeds dist`` blamed --out ("--out dist is inside the seeds folder
    dist"). Each is named for what it is, with what to pass, and nothing is written."""
    seeds = make_seeds(tmp_path, GOOD)
    dist = tmp_path / "dist"
    assert run_build(seeds, dist, capsys)[0] == 0
    raw = dist / "test-corpus-1.0.0" / "data" / "raw"
    code, err = run_build(raw, tmp_path / "out", capsys)
    assert code == 1 and f"it is inside the package {dist / 'test-corpus-1.0.0'} (a release " \
        "folder, which no one may change), not seeds: pass the seeds folder it was built " \
        "from" in " ".join(err.split()), err
    monkeypatch.chdir(tmp_path)
    code, err = run_build(Path("."), tmp_path / "out", capsys)
    assert code == 1 and "no corpus.toml in .; it holds a seeds folder, seeds: pass that" \
        in " ".join(err.split()), err
    assert not (tmp_path / "out").exists()
    before = sorted(p.name for p in dist.iterdir())
    assert main(["release", "--seeds", "dist", "--out", "dist", "--dry-run"]) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert "it is a folder of releases (such as test-corpus-1.0.0), not seeds" in err, err
    assert "--out" not in err.split("not seeds")[0], err
    assert sorted(p.name for p in dist.iterdir()) == before


def test_seeds_kept_as_a_git_submodule_not_checked_out_are_named_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """seeds/ a Git submodule, cloned without it (actions/checkout's default): an empty
    folder, which check told to create a corpus.toml in, and validate to put the texts in
    (QA). The .gitmodules of the work tree it is in names it: so is it, with what to run;
    an empty folder it does not name is told what it was told before."""
    from corpuskit.check import check

    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".gitmodules").write_text('[submodule "corpus"]\n\tpath = corpus/seeds\n'
                                      "\turl = ../seedsrepo\n", "utf-8")
    seeds, other = repo / "corpus" / "seeds", repo / "corpus" / "other"
    seeds.mkdir(parents=True)
    other.mkdir()
    told = "the Git submodule corpus/seeds (named in "
    advice = ("which this checkout did not fetch; run 'git submodule update --init' (in "
              "GitHub Actions, check out with 'submodules: true')")
    code, err = run_build(seeds, tmp_path / "out", capsys)
    assert code == 1 and told in err and advice in err and "create one" not in err, err
    [problem] = check(seeds, repo / "dist", jobs=1).problems
    assert problem.code == "config-error" and told in problem.message \
        and advice in problem.message, problem
    [problem] = corpuskit.validate(seeds).problems
    assert problem.code == "not-a-package" and told in problem.message \
        and advice in problem.message and "put the texts here" not in problem.message
    code, err = run_build(other, tmp_path / "out", capsys)
    assert code == 1 and "create one with name, title, version" in err and told not in err
    assert corpuskit.validate(other).problems[0].message.startswith("an empty folder (nothing "
                                                                    "but hidden files)")
    assert not (tmp_path / "out").exists()


# -- usage -------------------------------------------------------------------------------

def test_unknown_option_is_a_usage_error(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    seeds = make_seeds(tmp_path, GOOD)
    code = main(["build", str(seeds), "--out", str(tmp_path / "out"), "--frobnicate"])
    assert code == 2
    assert "--frobnicate" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bulid"]) == 2
    assert "bulid" in capsys.readouterr().err


# -- files that are skipped or refused by discovery --------------------------------------

def test_special_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds = make_seeds(tmp_path, GOOD)
    os.mkfifo(seeds / "pipe.txt")
    lines = assert_refused(seeds, tmp_path / "out", capsys, {"pipe.txt": "unsafe-path"})
    assert "not a regular file (a pipe); move it out of the seeds folder" in lines[0]  # (QA)
    assert "move it out of the seeds folder, or exclude it with discover.exclude" in lines[0]


def test_a_dangling_link_is_named_as_one(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """It was told "cannot stat: No such file or directory"."""
    seeds = make_seeds(tmp_path, GOOD)
    (seeds / "gone.txt").symlink_to("moved/away.txt")
    lines = assert_refused(seeds, tmp_path / "out", capsys, {"gone.txt": "unreadable-file"})
    assert ("symbolic link to moved/away.txt, which does not exist; remove the link or put "
            "the file it names in place") in lines[0]


@pytest.mark.parametrize("ring", [["b.txt"], ["b.txt", "c.txt"]])
def test_a_loop_of_links_is_named_as_one(ring: list[str], tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """It was told "cannot stat: Too many levels of symbolic links", and nothing to do."""
    seeds = make_seeds(tmp_path, GOOD)
    for name, target in zip(ring, ring[1:] + ring[:1], strict=True):
        (seeds / name).symlink_to(target)
    lines = assert_refused(seeds, tmp_path / "out", capsys,
                           dict.fromkeys(ring, "unreadable-file"))
    assert all("a symbolic link that leads back to itself (a loop of links); replace it "
               "with the file it should name, or remove it" in line for line in lines)


@pytest.mark.parametrize(("link", "target", "says"), [
    ("env.txt", ".env", "symbolic link to .env, which is hidden: a build skips it"),
    ("hx.txt", ".h/x.txt", "symbolic link to .h/x.txt, in .h, which is hidden"),
    ("d.txt", "drafts/d.txt",
     "symbolic link to drafts/d.txt, which is excluded by discover.exclude"),
    ("p.txt", "priv/deep/p.txt",
     "symbolic link to priv/deep/p.txt, in priv, which is excluded by discover.exclude"),
    ("c.txt", "corpus.toml", "symbolic link to corpus.toml, which is not a document"),
])
def test_a_link_to_what_the_folder_keeps_out_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], link: str, target: str,
        says: str) -> None:
    """The build said the hidden or excluded file was skipped, then published its bytes
    under the link's name (an API key in .env, an unpublished draft)."""
    seeds = make_seeds(tmp_path, {**GOOD, ".env": "API_KEY=hunter2\n", ".h/x.txt": "h\n",
                                  "drafts/d.txt": "An unpublished draft.\n",
                                  "priv/deep/p.txt": "Private.\n"},
                       {"discover": {"exclude": ["drafts/*", "priv"]}})
    (seeds / link).symlink_to(target)
    lines = assert_refused(seeds, tmp_path / "out", capsys, {link: "unsafe-path"})
    assert says in lines[0]
    assert "remove the link, or copy" in lines[0]
    capsys.readouterr()
    assert main(["validate", str(seeds)]) == 1
    assert f"{seeds / link}: {says}" in capsys.readouterr().out


def _git(work: Path, *args: str, data: bytes | None = None) -> str:
    """``git ARGS`` in ``work``, with no user's configuration."""
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", "-C", str(work), *args], input=data, capture_output=True,
                          check=True, env=env).stdout.decode().strip()


def _recorded(seeds: Path, path: str, *, mode: str) -> None:
    """Git's index of the work tree at ``seeds``'s parent records the seeds file ``path``
    with ``mode`` (120000: a symbolic link) and the bytes it has on disk."""
    work = seeds.parent
    if not (work / ".git").exists():
        _git(work, "init", "-q")
    blob = _git(work, "hash-object", "-w", "--stdin", data=(seeds / path).read_bytes())
    _git(work, "update-index", "--add", "--cacheinfo",
         f"{mode},{blob},{(seeds / path).relative_to(work).as_posix()}")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize(("link", "target", "named"), [
    ("news/link.txt", "2023/a.txt", "the file news/2023/a.txt"),
    ("news/up.txt", "../good.txt", "the file good.txt"),
    ("news/year.txt", "2023", "the folder news/2023"),
])
def test_a_link_git_checked_out_as_a_file_is_named_as_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], link: str, target: str,
        named: str) -> None:
    """A clone with core.symlinks=false (Git for Windows without the right to make links)
    writes a symbolic link as a file holding its target's path, no line end: check called
    the seeds changed, release planned a major release with the path as the document's
    text, and validate passed it (QA). It is named, with what to do, where Git's index
    records the file as a link; the same bytes Git records as a file are a document (QA:
    an index.txt holding "chapter1.txt" was refused)."""
    seeds = make_seeds(tmp_path, {**GOOD, "news/2023/a.txt": "A title\n\nAn article.\n"})
    (seeds / link).write_bytes(target.encode("utf-8"))
    _recorded(seeds, link, mode="100644")
    assert build_into(seeds, tmp_path / "out").status == "built"
    shutil.rmtree(tmp_path / "out")
    _recorded(seeds, link, mode="120000")
    lines = assert_refused(seeds, tmp_path / "out", capsys, {link: "git-symlink"})
    assert f"holds only the path {target!r}, which names {named} of the seeds folder" \
        in lines[0]
    assert "core.symlinks=false" in lines[0] and "git config core.symlinks true" in lines[0]
    capsys.readouterr()
    assert main(["validate", str(seeds)]) == 1
    assert f"{seeds / link}: holds only the path" in capsys.readouterr().out


def test_one_line_documents_that_name_no_file_of_the_seeds_are_documents(
        tmp_path: Path) -> None:
    """Only a line that names a file or folder of the seeds folder is taken for a link Git
    wrote as a file: a short one-line text, a path to nothing, one outside the seeds
    folder or absolute, and the file's own name are documents."""
    (tmp_path / "outside.txt").write_text("Outside.\n", "utf-8")
    seeds = make_seeds(tmp_path, {**GOOD, "news/2023/a.txt": "A title\n\nAn article.\n",
                                  "news/short.txt": "A short note about the weather",
                                  "news/path.txt": "2023/b.txt",
                                  "news/out.txt": "../../outside.txt",
                                  "news/abs.txt": str(tmp_path / "outside.txt"),
                                  "news/self.txt": "self.txt"})
    result = build_into(seeds, tmp_path / "out")
    assert result.status == "built"
    assert corpuskit.validate(seeds, jobs=1).valid


@pytest.mark.parametrize("command", ["build", "release"])
@pytest.mark.parametrize("inside", ["", "data", "new/deeper"])
def test_an_out_in_a_release_folder_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str,
        inside: str) -> None:
    """--out naming a release (not the folder of releases) wrote a new release inside it,
    which then failed validate: no command may change a release."""
    seeds = make_seeds(tmp_path, GOOD)
    dist = tmp_path / "dist"
    assert run_build(seeds, dist, capsys)[0] == 0
    release = dist / "test-corpus-1.0.0"
    before = tree_bytes(release)
    out = release / inside if inside else release
    capsys.readouterr()
    args = ([str(seeds), "--out", str(out)] if command == "build"
            else ["patch", "--seeds", str(seeds), "--out", str(out)])
    assert main([command, *args]) == 2
    err = capsys.readouterr().err
    assert (f"--out {out} is {'inside ' if inside else ''}the release folder {release}, "
            "which no build may change") in err, err
    assert f"for example --out {dist}" in err
    assert tree_bytes(release) == before
    assert main(["validate", str(release)]) == 0


@pytest.mark.parametrize(("where", "out", "release", "releases"), [
    (".", "dist/test-corpus-1.0.0/sub", "dist/test-corpus-1.0.0", "dist"),
    ("dist/test-corpus-1.0.0", "data", ".", ".."),
    ("dist/test-corpus-1.0.0/data", ".", "..", "../.."),
])
def test_a_refused_out_in_a_release_names_the_folders_as_given(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, where: str, out: str, release: str,
        releases: str) -> None:
    """QA: --out given as a relative path was refused naming the release and the folder
    of releases by their absolute paths; messages name paths as given."""
    seeds = make_seeds(tmp_path, GOOD)
    assert run_build(seeds, tmp_path / "dist", capsys)[0] == 0
    monkeypatch.chdir(tmp_path / where)
    code, err = run_build(seeds, Path(out), capsys)
    assert code == 2, err
    assert f"the release folder {release}, which no build may change" in err, err
    assert err.rstrip().endswith(f"for example --out {releases}"), err


def test_an_out_where_a_zip_only_release_has_its_folder_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """QA: with only the zip of 1.0.0 left, --out dist/test-corpus-1.0.0 built a release
    there, and the folder of releases was then refused as holding a broken one."""
    seeds = make_seeds(tmp_path, GOOD)
    dist = tmp_path / "dist"
    assert run_build(seeds, dist, capsys)[0] == 0
    shutil.rmtree(dist / "test-corpus-1.0.0")
    out = dist / "test-corpus-1.0.0"
    code, err = run_build(seeds, out, capsys)
    assert code == 2, err
    assert (f"--out {out} is where the folder of the release archived in "
            f"test-corpus-1.0.0.zip beside it goes: the release folder {out}") in err
    assert not out.exists()
    assert run_build(seeds, tmp_path / "dist.zip-free", capsys)[0] == 0  # no zip beside it


@pytest.mark.parametrize("out", ["taken", "taken/releases"])
def test_an_out_that_is_a_file_is_named_as_one(tmp_path: Path, out: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    seeds = make_seeds(tmp_path, GOOD)
    (tmp_path / "taken").write_text("not a folder\n", encoding="utf-8")
    code, err = run_build(seeds, tmp_path / out, capsys)
    assert code == 2  # the command line names a file: a usage error, as a release folder is
    assert (f"cannot write into {tmp_path / out}: {tmp_path / 'taken'} is a file, not a "
            "folder; give --out a folder (it is made if missing)") in err
    assert (tmp_path / "taken").read_text(encoding="utf-8") == "not a folder\n"


@pytest.mark.parametrize("command", ["build", "release"])
@pytest.mark.parametrize("cache", ["taken", "taken/cache", "nowhere"])
def test_a_cache_that_is_a_file_is_a_usage_error(tmp_path: Path, cache: str, command: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """``--cache`` naming a file, a path under one or a link to nothing was a note, and the
    build went on without a cache; like ``--out``'s, it is a usage error (README, QA)."""
    seeds = make_seeds(tmp_path, GOOD)
    (tmp_path / "taken").write_text("not a folder\n", encoding="utf-8")
    (tmp_path / "nowhere").symlink_to(tmp_path / "missing")
    out = tmp_path / "out"
    capsys.readouterr()
    argv = (["build", str(seeds), "--out", str(out)] if command == "build" else
            ["release", "patch", "--seeds", str(seeds), "--out", str(out)])
    code = main([*argv, "--cache", str(tmp_path / cache), "--json"])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""  # a usage error prints no JSON
    reason = ("it is a symbolic link to nothing" if cache == "nowhere"
              else f"{tmp_path / 'taken'} is a file, not a folder")
    assert (f"cannot write into {tmp_path / cache}: {reason}; give --cache a folder (it is "
            "made if missing)") in captured.err
    assert not out.exists() and not (tmp_path / "missing").exists()


@pytest.mark.parametrize("option", ["build --out", "build --cache", "release --out",
                                    "release --dry-run --out", "export --out"])
@pytest.mark.parametrize("below", ["", "/sub"])
def test_an_output_or_cache_folder_through_a_loop_of_links_is_a_usage_error(
        tmp_path: Path, option: str, below: str, capsys: pytest.CaptureFixture[str]) -> None:
    """``--out`` or ``--cache`` through a loop of links was a traceback (Path.resolve()'s
    RuntimeError, QA); it is said as validate says such a path, as a usage error."""
    seeds = make_seeds(tmp_path, GOOD)
    (tmp_path / "loop1").symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(tmp_path / "loop1")
    given = str(tmp_path / "loop1") + below
    out = tmp_path / "out"
    command, *flags, name = option.split()
    if command == "export":
        assert main(["build", str(seeds), "--out", str(out), "--no-cache"]) == 0
        argv = ["export", str(out / "test-corpus-1.0.0"), "--format", "csv", "--out",
                given + "/x.csv"]
    else:
        argv = (["build", str(seeds)] if command == "build" else
                ["release", *flags, "--seeds", str(seeds)])
        argv += (["--out", given, "--no-cache"] if name == "--out" else
                 ["--out", str(out), "--cache", given])
    capsys.readouterr()
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err and "RuntimeError" not in err
    assert (f"{tmp_path / 'loop1'} is a symbolic link that leads back to itself (a loop of "
            "links), which names no folder") in err, err
    assert command == "export" or not out.exists()


@pytest.mark.parametrize("case", ["build --out a file", "build --cache a file",
                                  "build --out a release folder", "release --out a file",
                                  "export --out inside the seeds"])
def test_usage_errors_found_as_a_command_runs_are_said_as_click_says_them(
        tmp_path: Path, case: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A usage error is said in click's form: the usage line, where to find help, then the
    error (README). Those found once the command runs (an output folder that is a file, a
    release folder, a folder inside the seeds) were one line of their own (QA)."""
    seeds = make_seeds(tmp_path, GOOD)
    afile = tmp_path / "afile.txt"
    afile.write_text("not a folder\n", encoding="utf-8")
    dist = tmp_path / "dist"
    assert main(["build", str(seeds), "--out", str(dist), "--no-cache"]) == 0
    release = next(path for path in dist.iterdir() if path.is_dir())
    command, argv, said = {
        "build --out a file": ("build", ["--out", str(afile)], f"cannot write into {afile}"),
        "build --cache a file": ("build", ["--out", str(tmp_path / "o"), "--cache", str(afile)],
                                 f"cannot write into {afile}"),
        "build --out a release folder": ("build", ["--out", str(release)],
                                         "which no build may change"),
        "release --out a file": ("release", ["--seeds", str(seeds), "--out", str(afile)],
                                 f"cannot write into {afile}"),
        "export --out inside the seeds": ("export", ["--format", "csv", "--out",
                                                     str(seeds / "x.csv")],
                                          "is inside the seeds folder"),
    }[case]
    argv = ([command, str(seeds), *argv] if command == "build"
            else [command, str(release), *argv] if command == "export" else [command, *argv])
    capsys.readouterr()
    code = main([*argv, "--json"] if command != "export" else argv)
    captured = capsys.readouterr()
    assert code == 2 and captured.out == "", captured
    usage, hint, blank, error, *more = captured.err.splitlines()
    assert usage.startswith(f"Usage: corpuskit {command} [OPTIONS]"), captured.err
    assert hint == f"Try 'corpuskit {command} --help' for help." and blank == "", captured.err
    assert error.startswith("Error: ") and said in error and more == [], captured.err


@pytest.mark.parametrize("argv", [["validate", "dist", "--format"], ["validate", "dist", "-j"],
                                  ["check", "--dist"], ["build", "--out"],
                                  ["export", "x", "--format"]])
def test_an_option_without_its_value_is_said_after_the_usage_line(
        argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """An option given last without its value: click's parser raises its usage error
    without a context, and it was said alone (QA s96), where every other usage error is
    said after the command's usage line and where to find help."""
    from corpuskit.cli import main

    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    usage, hint, blank, error = captured.err.splitlines()
    assert usage.startswith(f"Usage: corpuskit {argv[0]} [OPTIONS]"), captured.err
    assert hint == f"Try 'corpuskit {argv[0]} --help' for help." and blank == "", captured.err
    assert error == f"Error: Option '{argv[-1]}' requires an argument.", captured.err


def test_names_differing_only_in_unicode_normalization(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds = make_seeds(tmp_path, GOOD)
    (seeds / "caf\u00e9.txt").write_text("Composed name.\n", encoding="utf-8")
    (seeds / "cafe\u0301.txt").write_text("Decomposed name.\n", encoding="utf-8")
    if len(list(seeds.iterdir())) < 4:
        pytest.skip("normalizing file system")
    lines = assert_refused(seeds, tmp_path / "out", capsys,
                           {"caf\u00e9.txt": "name-collision", "cafe\u0301.txt": "name-collision"})
    # The two names print alike: the message spells each with escapes, this one first.
    by_name = {line.split(": ", 2)[1]: line for line in lines}
    assert "only in Unicode normalization" in by_name["caf\u00e9.txt"]
    assert "this name is caf\\u00e9.txt, the other cafe\\u0301.txt;" in by_name["caf\u00e9.txt"]
    assert "this name is cafe\\u0301.txt, the other caf\\u00e9.txt;" in by_name["cafe\u0301.txt"]


@pytest.mark.parametrize(("names", "how"), [
    (["Report.txt", "report.txt"], "only in case;"),
    (["Sub/a.txt", "sub/b.txt"], "only in case;"),
    (["Caf\u00e9.txt", "cafe\u0301.txt"], "only in Unicode normalization (two encodings of "
     "the same characters, as U+00E9 is one character or e and the combining accent U+0301) "
     "and case: as escapes"),
    (["caf\u00e9/a.txt", "cafe\u0301/b.txt"], "only in Unicode normalization ("),
    # The ohm sign and omega: one character to NFC (case-folding equates them too).
    (["\u2126.txt", "\u03a9.txt"], "only in Unicode normalization ("),
])
def test_a_name_collision_says_how_the_names_differ(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], names: list[str], how: str) -> None:
    seeds = make_seeds(tmp_path, {**GOOD, **{name: "Some text.\n" for name in names}})
    if len(list(seeds.rglob("*.txt"))) < len(GOOD) + 2:
        pytest.skip("case-insensitive or normalizing file system")
    lines = assert_refused(seeds, tmp_path / "out", capsys,
                           dict.fromkeys(names, "name-collision"))
    assert all(how in line for line in lines), lines
    assert all(("as escapes" in line) == ("normalization" in how or "nothing shows" in how)
               for line in lines)
    assert all(("on many filesystems" in line or "such names merge" in line)
               == ("case" in how or "normalization" in how) for line in lines), lines


def test_hidden_and_excluded_files_are_skipped_and_named(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds = make_seeds(tmp_path, {
        **GOOD,
        ".DS_Store": b"\x00\x00\x00\x01Bud1",
        ".git/config": "[core]\n",
        "notes/README.draft": "A draft that is not a document.\n",
    }, {"discover": {"exclude": ["*.draft"]}})
    code, err = run_build(seeds, tmp_path / "out", capsys)
    assert code == 0, err
    assert "skipped: .DS_Store (hidden)" in err
    assert "skipped: .git (hidden)" in err
    assert "skipped: notes/README.draft (excluded by discover.exclude)" in err
    raw = tmp_path / "out" / "test-corpus-1.0.0" / "data" / "raw"
    assert sorted(p.name for p in raw.rglob("*") if p.is_file()) == ["good.txt"]


def test_an_exclude_pattern_ending_in_a_slash_names_folders_only(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """As in .gitignore: "*.d/" leaves the folder x.d out, not the document y.d."""
    seeds = make_seeds(tmp_path, {**GOOD, "x.d/inside.txt": "Inside a folder.\n",
                                  "y.d": "A document named y.d.\n"},
                       {"discover": {"exclude": ["*.d/"]}})
    code, err = run_build(seeds, tmp_path / "out", capsys)
    assert code == 0, err
    assert "skipped: x.d (excluded by discover.exclude)" in err
    raw = tmp_path / "out" / "test-corpus-1.0.0" / "data" / "raw"
    assert sorted(p.name for p in raw.iterdir()) == ["good.txt", "y.d"]


def test_an_exclude_pattern_that_matches_only_as_meant_is_noted(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The seeds folder's name before a pattern, a backslash, another case: each matched
    nothing, nothing was said, and the files they were to keep out were packaged (QA).
    A pattern matching nothing and nothing like it, or one that matches, is not noted."""
    patterns = ["seeds/news/two.txt", "news\\one.txt", "*.TXT", "DRAFTS/", "*.bak",
                "*.draft"]
    seeds = make_seeds(tmp_path, {**GOOD, "news/one.txt": "One.\n", "news/two.txt": "Two.\n",
                                  "drafts/d.md": "A draft.\n", "x.draft": "Left out.\n"},
                       {"discover": {"exclude": patterns}})
    code, err = run_build(seeds, tmp_path / "out", capsys)
    assert code == 0, err
    said = "matches no file or folder: "
    assert _exclude_notes(err) == [
        f"note: discover.exclude[0] 'seeds/news/two.txt' {said}patterns are paths from inside "
        "the seeds folder, without its name; 'news/two.txt' matches, and what it matches "
        "was read as documents",
        f"note: discover.exclude[1] 'news\\\\one.txt' {said}folders are separated by '/', "
        "not '\\'; 'news/one.txt' matches, and what it matches was read as documents",
        f"note: discover.exclude[2] '*.TXT' {said}patterns match the case of names exactly; "
        "with case ignored it would match 'good.txt', which was read as a document",
        f"note: discover.exclude[3] 'DRAFTS/' {said}patterns match the case of names "
        "exactly; with case ignored it would match the folder 'drafts', whose files were "
        "read as documents"], err
    built = corpuskit.build(seeds, tmp_path / "lib", jobs=1, cache=None)
    assert len(built.notes) == 4 and built.notes[0].startswith("discover.exclude[0] ")
    (seeds / "corpus.toml").write_text(toml_text(corpus_config(
        {"discover": {"exclude": ["news/two.txt", "*.bak"]}})), "utf-8")
    code, err = run_build(seeds, tmp_path / "again", capsys)
    assert code == 0 and "note: discover" not in err, err


def test_an_exclude_pattern_written_as_in_a_gitignore_is_noted(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A leading "**/" (fnmatch's needs a folder before the name, a .gitignore's does not)
    and "../" (out of the seeds folder) matched nothing, said nothing, and the files they
    were to keep out were packaged (QA)."""
    patterns = ["**/*.md", "../seeds/x.draft"]
    seeds = make_seeds(tmp_path, {**GOOD, "top.md": "Top.\n", "x.draft": "Left out.\n"},
                       {"discover": {"exclude": patterns}})
    code, err = run_build(seeds, tmp_path / "out", capsys)
    assert code == 0, err
    said = "matches no file or folder: "
    assert _exclude_notes(err) == [
        f"note: discover.exclude[0] '**/*.md' {said}a leading '**/' needs a folder before "
        "the name (unlike in a .gitignore), so it matches no file at the top of the seeds "
        "folder; '*' already crosses '/'; '*.md' matches, and what it matches was read as "
        "documents",
        f"note: discover.exclude[1] '../seeds/x.draft' {said}patterns are paths from inside "
        "the seeds folder, and '..' climbs out of it, where no file is read; 'x.draft' "
        "matches, and what it matches was read as documents"], err


def test_an_exclude_pattern_with_a_gitignore_s_negation_or_folder_slash_is_noted(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A leading "!" (a .gitignore's taking back) and a file's name with the "/" that
    matches folders only matched nothing and said nothing (QA: s77 newc 11)."""
    patterns = ["!top.md", "x.draft/", "*.md", "!x.draft"]
    seeds = make_seeds(tmp_path, {**GOOD, "top.md": "Top.\n", "x.draft": "Left out.\n"},
                       {"discover": {"exclude": patterns}})
    code, err = run_build(seeds, tmp_path / "out", capsys)
    assert code == 0, err
    said = "matches no file or folder: "
    not_taken_back = ("a leading '!' does not take back what other patterns leave out "
                      "(unlike in a .gitignore), it is read as part of the name; ")
    assert _exclude_notes(err) == [
        f"note: discover.exclude[0] '!top.md' {said}{not_taken_back}'top.md', which it "
        "was to keep in, was left out by discover.exclude[2] '*.md': to keep it in, change "
        "that pattern",
        f"note: discover.exclude[1] 'x.draft/' {said}a pattern ending in '/' matches folders "
        "only, and there is no such folder; 'x.draft' matches, and what it matches was read "
        "as documents",
        f"note: discover.exclude[3] '!x.draft' {said}{not_taken_back}'x.draft' matches, and "
        "what it matches was read as documents"], err


def test_a_leading_doublestar_pattern_that_leaves_top_files_in_is_noted(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """"**/*.md" that kept the folders' .md files out packaged the top's without a word,
    the note being for a pattern that matched nothing (QA s77 newc 3): what it leaves in
    at the top is named, with the pattern that keeps it out too; a folder's likewise."""
    files = {**GOOD, "top.md": "Top.\n", "sub/c.md": "Nested.\n",
             "drafts/d.txt": "Draft.\n", "drafts/e.txt": "Draft.\n",
             "sub/drafts/f.txt": "Draft.\n"}
    seeds = make_seeds(tmp_path, files, {"discover": {"exclude": ["**/*.md", "**/drafts/"]}})
    code, err = run_build(seeds, tmp_path / "out", capsys)
    assert code == 0, err
    assert "skipped: sub/c.md (excluded by discover.exclude)" in err
    said = ("matches only inside folders: a leading '**/' needs a folder before the name "
            "(unlike in a .gitignore), so it leaves ")
    assert _exclude_notes(err) == [
        f"note: discover.exclude[0] '**/*.md' {said}'top.md', at the top of the seeds "
        "folder, which was read as a document; add '*.md' to discover.exclude to keep it "
        "out too",
        f"note: discover.exclude[1] '**/drafts/' {said}the folder 'drafts', at the top of "
        "the seeds folder, whose files were read as documents; add 'drafts/' to "
        "discover.exclude to keep them out too"], err


@pytest.mark.parametrize("files", [{"empty.txt": ""}, {}])
def test_a_failed_build_names_the_files_it_skipped_too(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str]) -> None:
    """They may be why a document is missing ("holds no documents" when every file was
    excluded); they were named only when the build succeeded."""
    seeds = make_seeds(tmp_path, {**files, ".notes.txt": "Hidden notes.\n",
                                  "a.draft": "A draft.\n"},
                       {"discover": {"exclude": ["*.draft"]}})
    code, err = run_build(seeds, tmp_path / "out", capsys)
    assert code == 1, err
    assert "skipped: .notes.txt (hidden)" in err
    assert "skipped: a.draft (excluded by discover.exclude)" in err
    assert ("error: empty.txt: " in err) == bool(files)
    assert ("holds no documents" in err) != bool(files)


def test_an_exclude_pattern_that_kept_nothing_out_is_noted_when_the_build_fails_too(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The build refused a PNG and said to exclude it with discover.exclude, which the user
    had done as "seeds/img/" and "*.PNG": the notes saying why those matched nothing came
    only with a build that succeeded; a failed one, its --json and validate dropped them
    (QA: seeds 1)."""
    from jsonschema import Draft202012Validator

    schemas = Path(__file__).resolve().parents[1] / "schemas"
    seeds = make_seeds(tmp_path, {**GOOD, "img/x.png": b"\x89PNG\r\n\x1a\n\0\0"},
                       {"discover": {"exclude": ["seeds/img/", "*.PNG"]}})
    notes = ["discover.exclude[0] 'seeds/img/' matches no file or folder: patterns are paths "
             "from inside the seeds folder, without its name; 'img/' matches, and what it "
             "matches was read as documents",
             "discover.exclude[1] '*.PNG' matches no file or folder: patterns match the case "
             "of names exactly; with case ignored it would match 'img/x.png', which was read "
             "as a document"]
    code, err = run_build(seeds, tmp_path / "out", capsys, "-j", "1", "--no-cache")
    assert code == 1 and "img/x.png:line 3: holds binary data" in err, err
    assert [line for line in err.splitlines() if line.startswith("note: ")] == [
        f"note: {note}" for note in notes], err
    assert not (tmp_path / "out").exists()
    assert main(["build", str(seeds), "--out", str(tmp_path / "out"), "-j", "1",
                 "--no-cache", "--json"]) == 1
    failure = json.loads(capsys.readouterr().out)
    Draft202012Validator(json.loads((schemas / "build.schema.json").read_text("utf-8"))
                         ).validate(failure)
    assert failure["notes"] == notes and failure["problems"][0]["code"] == "binary-file"
    with pytest.raises(corpuskit.errors.InputError) as refused:
        corpuskit.build(seeds, tmp_path / "lib", jobs=1, cache=None)
    assert list(refused.value.notes) == notes
    # validate, which makes build's checks, notes them as of corpus.toml
    assert main(["validate", str(seeds), "-j", "1"]) == 1
    out = capsys.readouterr().out
    assert [line for line in out.splitlines() if line.startswith("note: ")] == [
        f"note: {seeds}/corpus.toml: {note}" for note in notes], out
    assert main(["validate", str(seeds), "-j", "1", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    Draft202012Validator(json.loads((schemas / "report.schema.json").read_text("utf-8"))
                         ).validate(report)
    assert report["notes"] == [{"path": f"{seeds}/corpus.toml", "message": note}
                               for note in notes]
    (seeds / "img" / "x.png").unlink()  # and a valid seeds folder's report notes them too
    (seeds / "img" / "y.txt").write_text("Another ordinary English text, in a folder.\n")
    report = corpuskit.validate(seeds, jobs=1)
    assert report.valid and report.notes == ((f"{seeds}/corpus.toml", notes[0]),)


@pytest.mark.parametrize("command", ["release", "diff"])
def test_release_and_diff_refused_at_the_seeds_say_the_skipped_files_and_exclude_notes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str) -> None:
    """A release (or a diff) refused for a file that an exclude pattern was meant to keep
    out said the problem alone, where build says the files skipped and why the pattern
    matched nothing (QA: s76's open list)."""
    seeds = make_seeds(tmp_path, {**GOOD, ".notes.txt": "mine\n", "b.tmp": ""},
                       {"discover": {"exclude": ["*.TMP"]}})
    note = ("note: discover.exclude[0] '*.TMP' matches no file or folder: patterns match the "
            "case of names exactly; with case ignored it would match 'b.tmp', which was read "
            "as a document")
    args = (["release", "--seeds", str(seeds), "--out", str(tmp_path / "out"), "-j", "1",
             "--no-cache"] if command == "release" else ["diff", str(seeds), str(seeds)])
    capsys.readouterr()
    assert main(args) == 1
    err = capsys.readouterr().err
    assert f"error: {seeds}/b.tmp: the file is empty" in err, err
    assert f"skipped: {seeds}/.notes.txt (hidden)" in err.splitlines(), err
    assert note in err.splitlines(), err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("cache", "style"), [(True, ""), (False, ""), (True, "/"),
                                              (False, "./")])
def test_an_excluded_or_hidden_folder_is_not_walked(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], cache: bool, style: str) -> None:
    """A folder an exclude pattern names is skipped whole, at the top or deeper, as a
    hidden one is: the build said "skipped: private" and then packaged every file in it,
    and validate SEEDS refused a binary file in it."""
    seeds = make_seeds(tmp_path, {
        **GOOD,
        "private/notes.txt": "Private notes nobody may publish.\n",
        "private/deep/secret.txt": "A deep secret.\n",
        "private/image.png": b"\x89PNG\r\n\x1a\n\x00\x00",
        "part/drafts/d.txt": "A draft.\n",
        "part/kept.txt": "A kept document of the part.\n",
        "part/.hidden/h.txt": "Hidden.\n",
    }, {"discover": {"exclude": [{"": "private", "/": "private/", "./": "./private"}[style],
                                 {"": "part/drafts", "/": "/part/drafts/",
                                  "./": "./part/drafts/"}[style]]}})
    out = tmp_path / "out"
    code, err = run_build(seeds, out, capsys,
                          *([] if cache else ["--no-cache"]))
    assert code == 0, err
    assert "skipped: private (excluded by discover.exclude)" in err
    assert "skipped: part/drafts (excluded by discover.exclude)" in err
    assert "skipped: part/.hidden (hidden)" in err
    assert "secret" not in err and "notes.txt" not in err
    raw = out / "test-corpus-1.0.0" / "data" / "raw"
    assert sorted(p.relative_to(raw).as_posix() for p in raw.rglob("*") if p.is_file()) \
        == ["good.txt", "part/kept.txt"]
    capsys.readouterr()
    assert main(["validate", str(seeds)]) == 0
    assert "skipped: " + str(seeds / "private") in capsys.readouterr().err


@pytest.mark.parametrize(("overrides", "key", "says"), [
    ({"created": "2026-02-30T00:00:00Z"}, "created", "not a real date and time"),
    ({"created": "2026-13-01T25:00:00Z"}, "created", "not a real date and time"),
    ({"keywords": []}, "keywords", "[] is an empty list: list at least one"),
    ({"contributors": []}, "contributors", "[] is an empty list: list at least one"),
    ({"contributors": [{"title": "A. Writer", "roles": []}]}, "contributors[0].roles",
     "[] is an empty list: list at least one"),
    ({"homepage": "not a uri"}, "homepage", "not an absolute URL"),
    # Any scheme was taken: a live javascript: link in the data card (QA).
    ({"homepage": "javascript:alert(document.cookie)"}, "homepage",
     "is not a web address: write one of http, https, ftp or ftps"),
    ({"homepage": "data:text/plain,hello"}, "homepage", "is not a web address"),
    ({"homepage": "HTTPS://example.org/"}, "homepage",
     "has its scheme in capitals: write it in lower case, https://..."),
    # Blank values the card showed as nothing (QA: "- Ann ( )", an empty description).
    ({"description": "   \n\t"}, "description", "is blank: write the description"),
    ({"contributors": [{"title": "Ann", "roles": ["author", " "]}]}, "contributors[0].roles[1]",
     "is blank"),
    ({"homepage": "https://"}, "homepage", "not an absolute URL"),
    # An absolute URL with a space was said not to be absolute (QA).
    ({"homepage": "https://example.org/my corpus"}, "homepage",
     "holds a space (U+0020), which a URL cannot: write each as %20"),
    ({"homepage": "https://example.org/\u202etxt.exe"}, "homepage",
     "holds U+202E RIGHT-TO-LEFT OVERRIDE, which shows the address otherwise than it is"),
    ({"homepage": "https://exa\u200bmple.org/"}, "homepage", "holds U+200B ZERO WIDTH SPACE"),
    ({"homepage": "https://example.org/\u2800"}, "homepage",
     "holds U+2800 BRAILLE PATTERN BLANK, which shows the address otherwise than it is"),
    ({"contributors": [{"title": "Ada", "organization": "\u2800"}]},
     "contributors[0].organization", "shows nothing"),
    ({"contributors": [{"title": "Ada", "organization": "\u200b"}]},
     "contributors[0].organization", "shows nothing"),
    # What no URL holds put HTML in the data card; a space made no link (QA).
    ({"homepage": "https://example.org/h><i>italic</i>"}, "homepage",
     "holds '>', which a URL cannot (the data card would show it as markup): write it as %3E"),
    ({"licenses": [{"name": "CC0-1.0", "path": "https://example.org/x><img src=x>"}]},
     "licenses[0].path", "holds '>', which a URL cannot"),
    ({"sources": [{"title": "S", "path": "docs/a\"b.html"}]}, "sources[0].path",
     "holds '\"', which a URL cannot"),
    ({"contributors": [{"title": "Ada", "path": "https://example.org/my page"}]},
     "contributors[0].path", "holds a space (U+0020), which a URL cannot: write each as %20"),
    # As for homepage: the card linked an address shown otherwise than it is (QA).
    ({"licenses": [{"name": "CC0-1.0", "path": "https://example.org/\u202efdp.exe"}]},
     "licenses[0].path",
     "holds U+202E RIGHT-TO-LEFT OVERRIDE, which shows the address otherwise than it is"),
    ({"sources": [{"title": "S", "path": "https://exa\u200bmple.org/"}]}, "sources[0].path",
     "holds U+200B ZERO WIDTH SPACE"),
    ({"contributors": [{"title": "Ada", "path": "docs/\u2066x.html"}]},
     "contributors[0].path", "holds U+2066 LEFT-TO-RIGHT ISOLATE"),
    # the other values the card shows (QA: each passed)
    ({"sources": [{"title": "S", "version": "v\u202e0.1.2"}]}, "sources[0].version",
     "holds U+202E RIGHT-TO-LEFT OVERRIDE, an invisible control"),
    ({"contributors": [{"title": "Ada", "givenName": "A\u202enn"}]},
     "contributors[0].givenName", "holds U+202E RIGHT-TO-LEFT OVERRIDE"),
    ({"contributors": [{"title": "Ada", "roles": ["author", "cre\u202eator"]}]},
     "contributors[0].roles[1]", "holds U+202E RIGHT-TO-LEFT OVERRIDE"),
    ({"contributors": [{"title": "Ada", "email": "ann@exa\u200bmple.org"}]},
     "contributors[0].email", "holds U+200B ZERO WIDTH SPACE, which shows the address"),
])
def test_config_values_no_data_package_may_hold(
        overrides: dict[str, object], key: str, says: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """What the Data Package profile or the zip format would refuse is refused in
    corpus.toml, naming the key, not built into a package validate then fails."""
    lines = config_problems(tmp_path, capsys, toml_text(corpus_config(overrides)))
    assert len(lines) == 1
    assert lines[0].startswith(f"error: corpus.toml:{key}"), lines[0]
    assert says in lines[0]


@pytest.mark.parametrize(("key", "path", "hint"), [
    ("licenses", "LICENSE.txt", " (the seeds file LICENSE.txt is in the package as "
                                "data/raw/LICENSE.txt)"),
    ("sources", "docs/origin.html", ""),
    ("contributors", "data/raw/nothing.txt", ""),
])
def test_a_relative_path_naming_no_file_of_the_package_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str, path: str,
        hint: str) -> None:
    """The profile lets a path be relative to the package, but corpuskit copies no
    file there but the documents: LICENSE.txt was written into datapackage.json,
    croissant.json and the card, a link to nothing in every copy of the release."""
    item = {"title": "Someone", "path": path} if key != "licenses" else {
        "name": "MIT", "path": path}
    toml = toml_text(corpus_config({key: [item]}))
    seeds = make_seeds(tmp_path, {**GOOD, "LICENSE.txt": "MIT License\n\nPermission...\n"},
                       toml=toml)
    _refused_as_no_file_of_the_package(seeds, tmp_path, capsys, key, path, hint)


def _refused_as_no_file_of_the_package(seeds: Path, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str], key: str,
                                       path: str, hint: str) -> None:
    """build refuses corpus.toml's ``key[0].path`` as naming no file of the package, with
    ``hint`` (as written, its parentheses too) at the end of the line; validate of the
    seeds names it the same way."""
    code, err = run_build(seeds, tmp_path / "out", capsys)
    assert code == 1, err
    said = (f"error: corpus.toml:{key}[0].path: {path!r} is a path inside the package, "
            "which holds no such file: it holds the files corpuskit writes and the documents "
            "it copies (under data/raw/); give a URL (https://...), or the path of a file the "
            f"package holds{hint} [config-error]")
    assert error_lines(err) == [said], err
    assert main(["validate", str(seeds)]) == 1
    out = capsys.readouterr().out
    assert f"{seeds / 'corpus.toml'}:{key}[0].path: {path!r} is a path inside" in out, out
    assert f"{hint} [config-error]" in out, out


@pytest.mark.parametrize(("path", "exclude", "hint"), [
    ("data/raw/LICENSE.txt", ["*.md", "LICENSE.txt"], "the seeds file LICENSE.txt is "
     "excluded by discover.exclude[1] 'LICENSE.txt': remove it from exclude to ship "
     "data/raw/LICENSE.txt"),
    ("legal/LICENSE.txt", ["legal/"], "the seeds folder legal is excluded by "
     "discover.exclude[0] 'legal/', with everything in it: remove it from exclude to ship "
     "data/raw/legal/LICENSE.txt, and write that path"),
    ("data/raw/.LICENSE", [], "the seeds file .LICENSE is hidden, its name beginning with "
     "'.', and hidden files and folders are not packaged: rename it to ship it"),
    ("data/raw/license.txt", [], "did you mean 'data/raw/LICENSE.txt'? paths match the case "
     "of names exactly"),
    ("readme.md", [], "did you mean 'README.md'? paths match the case of names exactly"),
    ("data/documents.parquet", [], "the package holds data/documents.parquet only with "
     "[output] parquet = true in corpus.toml"),
    # without the file's extension, or with a space at an end (QA s78)
    ("LICENSE", [], "did you mean 'data/raw/LICENSE.txt'? a path names a file by its whole "
     "name, its extension too"),
    ("data/raw/LICENSE", [], "did you mean 'data/raw/LICENSE.txt'? a path names a file by "
     "its whole name, its extension too"),
    ("COPYING", [], "did you mean 'data/raw/COPYING.md'? a path names a file by its whole "
     "name, its extension too"),
    ("README", [], "did you mean 'README.md'? a path names a file by its whole name, its "
     "extension too"),
    ("LICENSE", ["LICENSE.txt"], "the seeds file LICENSE.txt is excluded by "
     "discover.exclude[0] 'LICENSE.txt': remove it from exclude to ship "
     "data/raw/LICENSE.txt, and write that path"),
    ("LICENSE.txt ", [], "did you mean 'data/raw/LICENSE.txt'? the path has white space at "
     "its end, which the file's name does not"),
    (" data/raw/LICENSE.txt", [], "did you mean 'data/raw/LICENSE.txt'? the path has white "
     "space at its start, which the file's name does not"),
    ("COPYING ", [], "did you mean 'data/raw/COPYING.md'? the path has white space at its "
     "end, which the file's name does not"),
])
def test_a_relative_path_that_nearly_names_a_file_of_the_package_says_which(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], path: str, exclude: list[str],
        hint: str) -> None:
    """Only a seeds file named without data/raw/ was told so (QA): one kept out by
    discover.exclude or as hidden, a case slip, and the Parquet copy not asked for got
    "corpuskit copies no file there but the documents", wrong of the Parquet copy."""
    toml = toml_text(corpus_config({"licenses": [{"name": "MIT", "path": path}],
                                    "discover": {"exclude": exclude}}))
    seeds = make_seeds(tmp_path, {**GOOD, "LICENSE.txt": "MIT License\n",
                                  "legal/LICENSE.txt": "MIT License\n",
                                  ".LICENSE": "MIT License\n",
                                  "COPYING.md": "GNU GPL\n"}, toml=toml)
    _refused_as_no_file_of_the_package(seeds, tmp_path, capsys, "licenses", path,
                                       f" ({hint})")


@pytest.mark.parametrize(("path", "hint"), [
    # typed in NFC for a name in NFD (as a Mac writes it): the two print alike
    ("data/raw/caf\u00e9.txt", "the file's name is in another Unicode form (NFD), which "
     "prints alike: did you mean 'data/raw/cafe\\u0301.txt'? write the path with those "
     "escapes, in double quotes"),
    # and without its extension, or with a space at an end (QA s78)
    ("caf\u00e9", "did you mean 'data/raw/cafe\\u0301.txt'? a path names a file by its "
     "whole name, its extension too, and the file's name is in another Unicode form (NFD), "
     "which prints alike: write the path with those escapes, in double quotes"),
    ("caf\u00e9.txt ", "did you mean 'data/raw/cafe\\u0301.txt'? the path has white space "
     "at its end, which the file's name does not, and the file's name is in another Unicode "
     "form (NFD), which prints alike: write the path with those escapes, in double quotes"),
    (" data/raw/caf\u00e9", "did you mean 'data/raw/cafe\\u0301.txt'? the path has white "
     "space at its start, which the file's name does not, and the file's name is in another "
     "Unicode form (NFD), which prints alike: write the path with those escapes, in double "
     "quotes"),
    ("data/raw/docs", "data/raw/docs is a folder of the package, not a file: name a file in "
     "it, such as 'data/raw/docs/n.txt'"),
    ("docs/", "data/raw/docs is a folder of the package, not a file: name a file in it, "
     "such as 'data/raw/docs/n.txt'"),
    ("corpus.toml", "corpus.toml is read by the build and never packaged: its metadata is "
     "written into datapackage.json, a file the package holds"),
])
def test_a_relative_path_naming_no_file_but_alike_says_what_it_names(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], path: str, hint: str) -> None:
    """A path typed in NFC for a file named in NFD, a folder of the package and
    corpus.toml got only "holds no such file" (QA s77 newc 8): each is told what it is."""
    toml = toml_text(corpus_config({"licenses": [{"name": "MIT", "path": path}]}))
    seeds = make_seeds(tmp_path, {**GOOD, "docs/n.txt": "Notes.\n"}, toml=toml)
    (seeds / "cafe\u0301.txt").write_text("Caf\u00e9.\n", encoding="utf-8")
    if "cafe\u0301.txt" not in os.listdir(seeds):
        pytest.skip("a file system that normalizes names")
    _refused_as_no_file_of_the_package(seeds, tmp_path, capsys, "licenses", path,
                                       f" ({hint})")


def test_a_path_without_its_extension_that_names_two_files_offers_both() -> None:
    """(QA s78) data/documents, in a package with Parquet output, names either copy of the
    records: both are offered, to write as shown; a file in a folder of that name is no
    extension of it."""
    from corpuskit.metadatapaths import dangling_message

    files = {"README.md", "data/documents.jsonl", "data/documents.parquet",
             "data/raw/LICENSE.d/a.txt"}
    assert dangling_message("data/documents", files).endswith(
        " (did you mean 'data/documents.jsonl' or 'data/documents.parquet'? a path names a "
        "file by its whole name, its extension too)")
    assert not dangling_message("LICENSE", files).endswith(")")


def test_a_path_naming_a_folder_and_a_file_without_its_extension_offers_the_file_first(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """(QA s78) With seeds LICENSE.txt and a folder LICENSE/, "LICENSE" was pointed only
    at data/raw/LICENSE/a.txt: the file of that name is offered first, then the folder."""
    toml = toml_text(corpus_config({"licenses": [{"name": "MIT", "path": "LICENSE"}]}))
    seeds = make_seeds(tmp_path, {**GOOD, "LICENSE.txt": "MIT License\n",
                                  "LICENSE/a.txt": "Notes.\n"}, toml=toml)
    _refused_as_no_file_of_the_package(
        seeds, tmp_path, capsys, "licenses", "LICENSE",
        " (did you mean 'data/raw/LICENSE.txt'? a path names a file by its whole name, its "
        "extension too; data/raw/LICENSE is a folder of the package, not a file: name a "
        "file in it, such as 'data/raw/LICENSE/a.txt')")


def test_a_path_in_nfc_without_the_extension_of_an_excluded_nfd_file_gives_its_escapes(
        ) -> None:
    """(QA s78) A Mac's seeds file kept out by discover.exclude, named in NFC without its
    extension: why it is not shipped, and the path to write, with the escapes that tell
    its NFD spelling from the one typed."""
    from corpuskit.metadatapaths import dangling_message

    said = dangling_message("Lizenz-\u00e9", {"README.md"},
                            skipped=[("Lizenz-e\u0301.txt", "excluded")],
                            exclude=["Lizenz-e\u0301.txt"])
    assert said.endswith(
        " (the seeds file Lizenz-e\u0301.txt is excluded by discover.exclude[0] "
        "'Lizenz-e\u0301.txt': remove it from exclude to ship data/raw/Lizenz-e\u0301.txt, "
        "and write that path, and the file's name is in another Unicode form (NFD), which "
        "prints alike: write the path as 'data/raw/Lizenz-e\\u0301.txt', with those escapes, "
        "in double quotes)")


@pytest.mark.parametrize("path", ["data/raw/LICENSE.txt", "README.md"])
def test_a_relative_path_naming_a_file_of_the_package_is_kept(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], path: str) -> None:
    toml = toml_text(corpus_config({"licenses": [{"name": "MIT", "path": path}]}))
    seeds = make_seeds(tmp_path, {**GOOD, "LICENSE.txt": "MIT License\n\nPermission...\n"},
                       toml=toml)
    code, err = run_build(seeds, tmp_path / "out", capsys)
    assert code == 0, err
    release = tmp_path / "out" / "test-corpus-1.0.0"
    assert json.loads((release / "datapackage.json").read_text())["licenses"][0]["path"] \
        == path
    capsys.readouterr()
    assert main(["validate", str(release)]) == 0, capsys.readouterr().out


#: Paths the Data Package v2 profile refuses (its pattern, in schemas/vendor/).
PROFILE_REFUSED_PATHS = ["../x", "/abs", "~x", "file:///etc/passwd", ".hidden", "a\\b",
                         "a/../../b", "x://y"]
#: What a path the profile refuses is told to be.
PATH_HINT = ("write a URL, such as https://example.org/licence (http, https, ftp or ftps), or "
             "a relative path to a file the package holds, such as data/raw/LICENSE.txt (a "
             "file of the seeds folder): no '..' and no backslash, not starting with '/', "
             "'~' or '.' (the Data Package v2 profile's rule)")
#: A table of each list whose items take a path, but the path.
PATH_TABLES = {"licenses": {"name": "CC0-1.0"}, "sources": {"title": "S"},
               "contributors": {"title": "Ann"}}


@pytest.mark.parametrize("table", list(PATH_TABLES))
@pytest.mark.parametrize("path", PROFILE_REFUSED_PATHS)
def test_config_paths_the_data_package_profile_refuses(
        table: str, path: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """validate SEEDS and build accepted these; build then wrote a datapackage.json that
    validate refused (schema-error at /sources/0/path): both refuse them now, at the key."""
    toml = toml_text(corpus_config({table: [{**PATH_TABLES[table], "path": path}]}))
    said = (f"error: corpus.toml:{table}[0].path: {path!r} is not valid here: {PATH_HINT} "
            "[config-error]")
    assert config_problems(tmp_path, capsys, toml) == [said]
    assert main(["validate", str(tmp_path / "seeds")]) == 1
    assert said.removeprefix("error: ") in capsys.readouterr().out


def test_config_empty_contributor_path_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The profile's pattern refuses "": said once, as empty, as for a source's path."""
    lines = config_problems(tmp_path, capsys, toml_text(corpus_config(
        {"contributors": [{"title": "Ann", "path": ""}]})))
    assert lines == ["error: corpus.toml:contributors[0].path: '' is empty: write some "
                     "text, or leave the key out [config-error]"]


def test_the_config_path_rule_is_the_data_package_profiles() -> None:
    """corpus.toml refuses the paths the vendored Data Package v2 profile does, and a path
    holding a line break, which the profile's pattern lets through before its $."""
    from corpuskit.recordshape import inline_refs
    from corpuskit.schemacheck import DATAPACKAGE_V2_PROFILE, load_schema

    profile = load_schema(DATAPACKAGE_V2_PROFILE)["properties"]
    config = inline_refs(load_schema("corpus.schema.json"))  # the one-line rule is a $ref
    one_line = config["properties"]["name"]["not"]["pattern"]
    for table in PATH_TABLES:
        rule = config["properties"][table]["items"]["properties"]["path"]
        assert rule["pattern"] == profile[table]["items"]["properties"]["path"]["pattern"]
        assert rule["not"]["pattern"] == one_line
        assert set(rule) == {"type", "minLength", "pattern", "not", "description"}


#: The corpus.toml keys whose values build copies into datapackage.json or croissant.json
#: (``[]``: the first item of a list), and values put to each.
METADATA_KEYS = [
    "name", "title", "version", "description", "created", "homepage", "keywords[]",
    "licenses[].name", "licenses[].path", "licenses[].title", "sources[].title",
    "sources[].path", "sources[].email", "sources[].version", "contributors[].title",
    "contributors[].givenName", "contributors[].familyName", "contributors[].path",
    "contributors[].email", "contributors[].organization", "contributors[].roles[]"]
METADATA_VALUES = [
    "", " ", "x", "a b", "a\nb", "x\n", "a\rb", "a\tb", "a\u2028b", "a\x85b", "a\x00b",
    "a\x1bb", "\u3000", *PROFILE_REFUSED_PATHS, "C:x", "a/./b", "a//b", "LICENSE.txt",
    "https://example.org/x", "https://", "http://x\n", "mailto:a@b.org", "urn:x", "a@b",
    "a@b.org", "not an email", "1.0.0", "1.0", "2026-11-28T00:00:00Z",
    "2026-02-30T00:00:00Z", "é—ü", "CC0-1.0"]


@pytest.mark.parametrize("key", METADATA_KEYS)
def test_build_and_validate_agree_on_every_value_copied_into_the_metadata(
        key: str, tmp_path: Path) -> None:
    """Whatever corpus.toml value build accepts, the release it writes validates: a value
    the Data Package or Croissant profile refuses is refused by build, as a config-error
    at its key, not written into a package validate then refuses."""
    from conftest import build_into

    from corpuskit.errors import InputError
    from corpuskit.validation import validate

    accepted = []
    for number, value in enumerate(METADATA_VALUES):
        config = corpus_config()
        _set(config, key, value)
        seeds = make_seeds(tmp_path / str(number), GOOD, config)
        try:
            result = build_into(seeds, tmp_path / str(number) / "out")
        except InputError as refused:
            assert {(p.code, p.location.split("[")[0].split(".")[0])
                    for p in refused.problems} == {("config-error", key.split("[")[0].split(
                        ".")[0])}, (value, refused.problems)
            continue
        report = validate(result.release, jobs=1)
        assert report.valid, (key, value, [(p.location, p.message) for p in report.problems])
        accepted.append(value)
    assert accepted, key


#: What a title that is not one line of text is told to do.
TITLE_HINT = "write the title on one line (it heads the data card); the description can be longer"


@pytest.mark.parametrize(("title", "holds"), [
    ("a\u2028b", "U+2028 LINE SEPARATOR"), ("a\u2029b", "U+2029 PARAGRAPH SEPARATOR"),
    ("a\x85b", "U+0085 NEL"), ("a\x1cb", "U+001C FS"), ("a\vb", "U+000B VT"),
    ("a\fb", "U+000C FF"), ("a\rb", "U+000D CR"), ("a\x00b", "U+0000 NUL"),
    ("a\tb", "U+0009 TAB"), ("a\x1bb", "U+001B"), ("a\x7fb", "U+007F DEL"),
    ("a\x9fb", "U+009F"),
])
def test_config_title_is_one_line_of_text(title: str, holds: str, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Only LF and CR were refused: a line separator, NUL or another control character
    went into the data card's heading, and the release validated."""
    # TOML has no raw DEL in a string: written as its escape
    toml = toml_text(corpus_config({"title": title})).replace("\x7f", "\\u007f")
    said = (f"error: corpus.toml:title: {title!r} must be one line of text, without a line "
            f"break or control character (it holds {holds}): {TITLE_HINT} [config-error]")
    assert config_problems(tmp_path, capsys, toml) == [said]
    assert main(["validate", str(tmp_path / "seeds")]) == 1
    assert said.removeprefix("error: ") in capsys.readouterr().out


@pytest.mark.parametrize("title", [" ", "   ", "\u3000", " \u00a0 "])
def test_config_title_that_is_blank(title: str, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    lines = config_problems(tmp_path, capsys, toml_text(corpus_config({"title": title})))
    assert lines == [f"error: corpus.toml:title: {title!r} is blank: write the title "
                     "[config-error]"]


def test_config_description_with_a_control_character(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A description may hold line breaks and tabs, not NUL or another C0 control."""
    lines = config_problems(tmp_path, capsys, toml_text(corpus_config(
        {"description": "Line one\x00, line two"})))
    assert lines == ["error: corpus.toml:description: 'Line one\\x00, line two' holds a "
                     "control character, U+0000 NUL: remove it (line breaks and tabs may "
                     "stay) [config-error]"]
    seeds = make_seeds(tmp_path / "many", GOOD, {"description": "Line one,\r\n\tline two\n"})
    assert main(["build", str(seeds), "--out", str(tmp_path / "many" / "out")]) == 0


def test_one_line_rules_hold_in_the_compiled_check_and_both_schemas() -> None:
    """Every line break str.splitlines() knows and every other control character is
    refused in a one-line value by jsonschema and by the compiled check of corpus.toml
    alike, and in datapackage.json's title by corpuskit's profile; a blank title too."""
    import jsonschema

    from corpuskit.recordshape import schema_shape
    from corpuskit.schemacheck import load_schema

    shape = schema_shape("corpus.schema.json")
    assert shape is not None
    checkers = {name: jsonschema.Draft202012Validator(load_schema(name)) for name in
                ("corpus.schema.json", "datapackage.schema.json")}
    breaks = {chr(c) for c in range(0x110000) if len(f"a{chr(c)}b".splitlines()) > 1}
    controls = {chr(c) for c in [*range(0x20), *range(0x7f, 0xa0)]}
    assert breaks - controls == {"\u2028", "\u2029"}
    for char in sorted(breaks | controls):
        for key in ("name", "title", "version", "created"):
            value = {"name": "corpus{}", "title": "A{}corpus", "version": "1.0.0{}",
                     "created": "2026-11-28T00:00:00Z{}"}[key].format(char)
            config = corpus_config({key: value})
            assert not shape(config) and not checkers["corpus.schema.json"].is_valid(config)
            errors = checkers["datapackage.schema.json"].iter_errors({key: value})
            assert any(error.validator == "not" for error in errors), (key, char)
    for blank in (" ", "\u3000 "):
        config = corpus_config({"title": blank})
        assert not shape(config) and not checkers["corpus.schema.json"].is_valid(config)
        assert any(error.validator == "pattern" for error in
                   checkers["datapackage.schema.json"].iter_errors({"title": blank}))
    for char in sorted(controls):
        config = corpus_config({"description": f"a{char}b"})
        allowed = char in "\t\n\r" or char >= "\x7f"
        assert bool(shape(config)) is allowed
        assert checkers["corpus.schema.json"].is_valid(config) is allowed
    assert shape(corpus_config({"title": "Ünïcode — a title\u200b"}))


#: Where a value the data card shows on one line sits in corpus.toml, and the key shown.
CARD_LINES = [
    ({"keywords": ["news", "{}"]}, "keywords[1]"),
    ({"licenses": [{"name": "CC0-1.0", "title": "{}"}]}, "licenses[0].title"),
    ({"sources": [{"title": "{}"}]}, "sources[0].title"),
    ({"sources": [{"title": "Wire", "version": "{}"}]}, "sources[0].version"),
    ({"contributors": [{"title": "{}"}]}, "contributors[0].title"),
    ({"contributors": [{"title": "Ann", "organization": "{}"}]},
     "contributors[0].organization"),
    ({"contributors": [{"title": "Ann", "givenName": "{}"}]}, "contributors[0].givenName"),
    ({"contributors": [{"title": "Ann", "familyName": "{}"}]}, "contributors[0].familyName"),
    ({"contributors": [{"title": "Ann", "roles": ["{}"]}]}, "contributors[0].roles[0]"),
]


def _filled(template: Any, value: str) -> Any:
    """``template`` with every ``"{}"`` replaced by ``value``."""
    if isinstance(template, dict):
        return {key: _filled(item, value) for key, item in template.items()}
    if isinstance(template, list):
        return [_filled(item, value) for item in template]
    return value if template == "{}" else template


@pytest.mark.parametrize(("template", "key"), CARD_LINES)
def test_what_the_card_shows_on_one_line_holds_no_line_break(
        template: dict[str, Any], key: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A source's title holding "LF## heading LF" started a section of its own in the
    data card, and the release validated; every such value is one line, refused by the
    build with the key named (and by the compiled check and the schema alike)."""
    import jsonschema

    from corpuskit.recordshape import schema_shape
    from corpuskit.schemacheck import load_schema

    shape = schema_shape("corpus.schema.json")
    assert shape is not None
    checker = jsonschema.Draft202012Validator(load_schema("corpus.schema.json"))
    assert shape(corpus_config(_filled(template, "A line")))
    for char in ("\n", "\r", "\u2028", "\x85", "\x00"):
        config = corpus_config(_filled(template, f"Raw{char}## Injected"))
        assert not shape(config) and not checker.is_valid(config), (key, char)
    toml = toml_text(corpus_config(_filled(template, "Raw\n## Injected")))
    [line] = config_problems(tmp_path, capsys, toml)
    assert line.startswith(f"error: corpus.toml:{key}: 'Raw\\n## Injected' must be one "
                           "line of text, without a line break or control character (it "
                           "holds U+000A LF)"), line


@pytest.mark.parametrize(("template", "key"), [entry for entry in CARD_LINES
                                               if entry[1].endswith(("title", "]"))
                                               and "roles" not in entry[1]])
def test_a_title_or_keyword_that_is_blank(template: dict[str, Any], key: str, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    blank = "\u3000 "
    [line] = config_problems(tmp_path, capsys, toml_text(corpus_config(_filled(template, blank))))
    assert line.startswith(f"error: corpus.toml:{key}: {blank!r} is blank"), line


@pytest.mark.parametrize(("template", "key"), [entry for entry in CARD_LINES
                                               if entry[1].endswith(("title", "]"))
                                               and "roles" not in entry[1]])
@pytest.mark.parametrize("unseen", ["\u200b", "\u3164", "\u00ad", "\u200b\u2060 \u00ad",
                                    "\u2800", "\u115f\u1160", "\uffa0", "\u2800 \U0001d159"])
def test_a_title_or_keyword_that_shows_nothing(template: dict[str, Any], key: str,
                                               unseen: str, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """A zero-width space, a Hangul filler or a soft hyphen is no blank to the schema's
    "\\S": such a title built, and headed the data card with nothing (QA)."""
    [line] = config_problems(tmp_path, capsys,
                             toml_text(corpus_config(_filled(template, unseen))))
    assert line.startswith(f"error: corpus.toml:{key}: {printed_line(repr(unseen))} shows "
                           "nothing: it holds only characters that are drawn as nothing"), line


@pytest.mark.parametrize("bidi", ["\u202e", "\u2066", "\u202a"])
def test_a_title_with_a_bidirectional_control_is_refused(
        bidi: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """'Corpus U+202E txt.exe' headed the data card as 'Corpus exe.txt' (QA): refused, as
    file names are, naming the control; a title in a right-to-left script is not."""
    [line] = config_problems(tmp_path, capsys, toml_text(corpus_config(
        {"title": f"Corpus {bidi}txt.exe"})))
    assert line.startswith(f"error: corpus.toml:title: {f'Corpus {bidi}txt.exe'!r}"
                           f" holds U+{ord(bidi):04X} "), line
    assert "remove it" in line
    seeds = make_seeds(tmp_path / "rtl", GOOD)
    toml = seeds / "corpus.toml"
    toml.write_text(toml.read_text("utf-8").replace('title = "', 'title = "עברית العربية ', 1),
                    "utf-8")
    assert run_build(seeds, tmp_path / "rtl-dist", capsys)[0] == 0


@pytest.mark.parametrize("key", ["licenses", "sources", "contributors"])
def test_a_path_ending_in_a_line_break(key: str, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    """The Data Package profile's path pattern ends in $, which Python matches before a
    final LF: 'https://example.org/x' and a line break went into datapackage.json."""
    entry = {"title": "Wire", "path": "https://example.org/x\n"}
    if key == "licenses":
        entry["name"] = "CC0-1.0"
    [line] = config_problems(tmp_path, capsys, toml_text(corpus_config({key: [entry]})))
    assert line.startswith(f"error: corpus.toml:{key}[0].path: 'https://example.org/x\\n' "
                           "must be one line of text"), line


def _refused_epoch(value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                   monkeypatch: pytest.MonkeyPatch) -> str:
    """The one error line of a build refused for SOURCE_DATE_EPOCH ``value``."""
    seeds = make_seeds(tmp_path, GOOD)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    code, err = run_build(seeds, tmp_path / "dist", capsys)
    assert code == 1
    [line] = error_lines(err)
    return line


@pytest.mark.parametrize("value", ["-5", "+5", "1_000", "12.5", " 7", "１２"])
def test_source_date_epoch_is_whole_seconds_since_1970(
        value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    line = _refused_epoch(value, tmp_path, capsys, monkeypatch)
    assert line.startswith(f"error: SOURCE_DATE_EPOCH: must be whole seconds since 1970 "
                           f"(digits only), got {value!r}; set it to ")
    assert "git log -1 --format=%ct" in line and line.endswith("[config-error]")
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize(("value", "created"), [
    ("315532800", "1980-01-01T00:00:00Z"),
    ("4354819199", "2107-12-31T23:59:59Z"),
    ("0" * 5000 + "315619200", "1980-01-02T00:00:00Z"),
    (None, None),
])
def test_source_date_epoch_within_zip_dates(
        value: str | None, created: str | None, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    seeds = make_seeds(tmp_path, GOOD, {"created": None} if value is None else None)
    if value is not None:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    code, _ = run_build(seeds, tmp_path / "dist", capsys)
    assert code == 0
    [release] = (tmp_path / "dist").glob("*/datapackage.json")
    assert json.loads(release.read_text(encoding="utf-8")).get("created") == created


@pytest.mark.parametrize(("value", "said"), [
    ("4354819200", "after 2107-12-31T23:59:59Z (4354819199), the last"),
    ("99999999999999", "after 2107-12-31T23:59:59Z (4354819199), the last"),
    ("9" * 5000, "after 2107-12-31T23:59:59Z (4354819199), the last"),
    # what corpus.toml's created may not be, as release writes it from the variable (QA:
    # created outside zip dates was built, the zip's entries dated otherwise)
    ("0", "1970-01-01T00:00:00Z, before 1980-01-01T00:00:00Z (315532800), the first"),
    ("315532799", "1979-12-31T23:59:59Z, before 1980-01-01T00:00:00Z (315532800), the first"),
])
def test_source_date_epoch_outside_zip_dates_is_refused_as_such(
        value: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Out of range was told "must be whole seconds since 1970", which it was."""
    line = _refused_epoch(value, tmp_path, capsys, monkeypatch)
    assert line.startswith(f"error: SOURCE_DATE_EPOCH: {value[:12]}")
    assert f" seconds since 1970 is {said} time a zip's entries can carry (zip dates run " \
        "from 1980-01-01 to 2107-12-31); set it to" in line
    assert len(line) < 400, "a long value is shortened"
    assert not (tmp_path / "dist").exists()


def test_a_name_with_a_line_break_or_escape_is_shown_on_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One problem, one line: a name holding LF or ESC is shown escaped, in the path too
    (the path before the message used to break the line, or colour the terminal), in
    $'...', as a shell reads it back (wording.shown_name)."""
    names = ["new\nline.txt", "esc\x1b[31mred.txt"]
    seeds = make_seeds(tmp_path, {**GOOD, **dict.fromkeys(names, "hi\n")})
    code, err = run_build(seeds, tmp_path / "out", capsys)
    assert code == 1
    lines = error_lines(err)
    assert [line.split(": ", 2)[1] for line in lines] == [f"$'{seeds}/esc\\x1b[31mred.txt'",
                                                         f"$'{seeds}/new\\nline.txt'"]
    assert not any("\x1b" in line for line in err.splitlines())
    capsys.readouterr()
    assert main(["validate", str(seeds)]) == 1
    shown = capsys.readouterr().out.splitlines()
    assert len(shown) == 3 and shown[1].startswith(f"$'{seeds}/new\\nline.txt': ")


@pytest.mark.parametrize("option", ["--out", "--cache"])
@pytest.mark.parametrize("inside", [".", "dist", "a/b"])
def test_an_output_or_cache_folder_inside_the_seeds_is_refused(
        option: str, inside: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The seeds folder is only ever read: a release written into it would be taken for
    documents by the next build (which then failed on the zip as a binary file)."""
    seeds = make_seeds(tmp_path, GOOD)
    before = tree_bytes(seeds)
    folder = seeds / inside
    args = ["--out", str(tmp_path / "dist")] if option == "--cache" else []
    capsys.readouterr()
    code = main(["build", str(seeds), option, str(folder), *args])
    assert code == 2
    err = capsys.readouterr().err
    assert f"{option} {folder} is inside the seeds folder" in err
    # A cache never goes into dist/ (the README says so): not what the message suggests.
    assert ("for example dist/ beside seeds/" in err) == (option == "--out")
    assert tree_bytes(seeds) == before
    assert not (tmp_path / "dist").exists()


def test_a_seeds_path_that_is_a_file_is_named(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    seeds = make_seeds(tmp_path, GOOD)
    code, err = run_build(seeds / "good.txt", tmp_path / "out", capsys)
    assert code == 1
    # Named at the path given, not at a corpus.toml below a file (QA: a GitHub annotation
    # of "good.txt/corpus.toml").
    assert error_lines(err) == [f"error: {seeds / 'good.txt'}: a file, not a seeds folder; "
                                "pass the folder that holds corpus.toml and the texts "
                                "[config-error]"]
    assert err.splitlines()[-1] == f"corpuskit: {seeds / 'good.txt'} is not a seeds folder"


def test_a_seeds_path_that_is_a_pipe_or_a_loop_of_links_is_named_for_what_it_is(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A pipe was called "a file", and a link to itself a path that "does not exist" (QA)."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    code, err = run_build(pipe, tmp_path / "out", capsys)
    assert code == 1
    assert error_lines(err) == [f"error: {pipe}: a special file (a pipe, socket or device), "
                                "not a seeds folder; pass the folder that holds corpus.toml "
                                "and the texts [config-error]"]
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    for command in (["build", str(loop), "--out", str(tmp_path / "out")],
                    ["validate", str(loop)]):
        assert main(command) == 2
        assert "a symbolic link that leads back to itself (a loop of links)" \
            in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["validate", "info", "export", "diff", "build"])
@pytest.mark.parametrize("below", ["x-1.0.0", ""])
def test_a_path_through_a_file_is_said_to_be_so(
        tmp_path: Path, command: str, below: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A package inside its zip (dist/x.zip/x-1.0.0), or a zip given with a trailing slash
    (dist/x.zip/), was said not to exist (click's "Not a directory" reading, QA); as
    build --out says of such a path, the file is named, as a file to give itself."""
    archive = tmp_path / "x.zip"
    archive.write_bytes(b"PK\x05\x06" + bytes(18))
    given = f"{archive}/{below}"
    argv = {"validate": ["validate", given], "info": ["info", given],
            "export": ["export", given, "--format", "csv", "--out", str(tmp_path / "x.csv")],
            "diff": ["diff", given, str(archive)], "build": ["build", given]}[command]
    capsys.readouterr()
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"{given}: {archive} is a file, not a folder; give the file itself ({archive})" \
        in err, err
    assert "does not exist" not in err


@pytest.mark.parametrize("command", ["build", "check", "validate"])
@pytest.mark.parametrize("jobs", ["99999999999999999999", "1025", "0", "two"])
def test_jobs_out_of_range_is_a_usage_error(command: str, jobs: str, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """A huge --jobs was an OverflowError traceback (or thousands of forked workers)."""
    seeds = make_seeds(tmp_path, GOOD)
    args = {"build": [str(seeds), "--out", str(tmp_path / "out")],
            "check": ["--seeds", str(seeds), "--dist", str(tmp_path / "out")],
            "validate": [str(seeds)]}[command]
    capsys.readouterr()
    assert main([command, *args, "--jobs", jobs]) == 2
    err = capsys.readouterr().err
    assert "--jobs" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("command", "option"), [
    ("build", "--out"), ("build", "--cache"), ("release", "--out"), ("release", "--cache"),
    ("check", "--dist"), ("export", "--out")])
def test_an_empty_path_option_is_a_usage_error(command: str, option: str, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """``--out ""`` (an unset shell variable) built into the current folder."""
    seeds = make_seeds(tmp_path / "in", GOOD)
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    args = {"build": [str(seeds)], "release": ["--seeds", str(seeds)],
            "check": ["--seeds", str(seeds)],
            "export": [str(seeds), "--format", "csv"]}[command]
    capsys.readouterr()
    assert main([command, *args, option, ""]) == 2
    err = capsys.readouterr().err
    assert f"Invalid value for '{option}': is empty" in err, err
    assert list(work.iterdir()) == []


def test_a_changelog_that_is_not_utf8_is_refused_by_build_and_validate(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """build shipped a UTF-16 CHANGELOG.md as it was, which release then refused. The
    byte is named with its line, as corpus.toml's is (QA: its offset alone)."""
    seeds = make_seeds(tmp_path, GOOD)
    (seeds / "CHANGELOG.md").write_bytes("# Changelog\n".encode("utf-16"))
    out = tmp_path / "out"
    code, err = run_build(seeds, out, capsys)
    assert code == 1
    assert error_lines(err) == ["error: CHANGELOG.md:line 1: saved as UTF-16 (little-endian, "
                                "with the byte order mark FF FE), not UTF-8; save it as UTF-8 "
                                "[unreadable-file]"]
    assert not out.exists()
    (seeds / "CHANGELOG.md").write_bytes(b"# Changelog\n\n## 1.0.0\n\nCaf\xe9 notes.\n")
    assert main(["validate", str(seeds)]) == 1
    assert "CHANGELOG.md:line 5: not UTF-8 (byte 26, b'\\xe9'); save it as UTF-8" \
        in capsys.readouterr().out
    capsys.readouterr()
    assert main(["release", "--seeds", str(seeds), "--out", str(tmp_path / "r"), "--jobs",
                 "1"]) == 1
    assert "CHANGELOG.md:line 5: not UTF-8 (byte 26, b'\\xe9')" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["not UTF-8", "a link out of the folder"])
def test_a_changelog_build_refuses_stops_a_diff_of_the_seeds_too(
        kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """diff of such seeds said "same content", exit 0, while build, validate and info
    refuse them (QA); the README says diff of the seeds reports the same problems."""
    seeds = make_seeds(tmp_path, GOOD)
    if kind == "not UTF-8":
        (seeds / "CHANGELOG.md").write_bytes("# Changelog\n".encode("utf-16"))
    else:
        outside = tmp_path / "CHANGELOG.md"
        outside.write_text("# Changelog\n", "utf-8")
        (seeds / "CHANGELOG.md").symlink_to(outside)
    assert main(["validate", str(seeds), "--format", "json"]) == 1
    said = {(p["path"], p["code"]) for p in json.loads(capsys.readouterr().out)["problems"]}
    assert main(["diff", str(seeds), str(seeds), "--format", "json"]) == 1
    shown = json.loads(capsys.readouterr().out)
    found = {(p["path"], p["code"]) for p in shown["problems"] if p["side"] == "old"}
    assert found == said and any(path == "CHANGELOG.md" for path, _ in found), (found, said)


@pytest.mark.parametrize(("command", "extra", "says"), [
    ("build", ["--cache", "c", "--no-cache"], "--cache and --no-cache exclude each other"),
    ("release", ["--cache", "c", "--no-cache"], "--cache and --no-cache exclude each other"),
    ("build", ["--scheduler", "tcp://127.0.0.1:8786"], "--scheduler is for --engine dask"),
])
def test_contradictory_options_are_a_usage_error(command: str, extra: list[str], says: str,
                                                 tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """One of the two was silently ignored (a build with no cache, or on no cluster)."""
    seeds = make_seeds(tmp_path, GOOD)
    args = [str(seeds)] if command == "build" else ["--seeds", str(seeds)]
    capsys.readouterr()
    assert main([command, *args, "--out", str(tmp_path / "out"), *extra]) == 2
    assert says in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("command", "formats"), [
    ("validate", ["--format", "github", "--json"]), ("validate", ["--json", "--format", "text"]),
    ("check", ["--json", "--format", "github"]), ("diff", ["--format", "text", "--json"]),
])
def test_json_with_another_format_is_a_usage_error(
        command: str, formats: list[str], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """QA: --json ("Same as --format json") won over --format github, whatever the order,
    and a CI step written with both got no annotations. --json with --format json is one
    format asked twice."""
    seeds = make_seeds(tmp_path, GOOD)
    args = {"validate": [str(seeds)], "check": ["--seeds", str(seeds), "--dist",
                                                 str(tmp_path / "dist")],
            "diff": [str(seeds), str(seeds)]}[command]
    capsys.readouterr()
    assert main([command, *args, *formats]) == 2
    given = formats[formats.index("--format") + 1]
    assert f"--json and --format {given} exclude each other; give one" \
        in capsys.readouterr().err
    main([command, *args, "--format", "json", "--json"])
    json.loads(capsys.readouterr().out)  # one JSON document, as with either alone


def test_the_library_takes_str_paths(tmp_path: Path) -> None:
    """build and release take str as load, diff and validate do (they raised TypeError
    from inside)."""
    import corpuskit

    seeds = make_seeds(tmp_path, GOOD)
    result = corpuskit.build(str(seeds), str(tmp_path / "out"), jobs=1,
                             cache=str(tmp_path / "cache"))
    assert result.release.is_dir() and (tmp_path / "cache").is_dir()
    planned = corpuskit.release(str(seeds), str(tmp_path / "first"), dry_run=True, jobs=1)
    assert planned.version == "1.0.0" and planned.previous is None


def test_the_library_refuses_arguments_of_other_kinds_by_name(tmp_path: Path) -> None:
    """Arguments of another kind failed deep inside (QA): source_date_epoch=1700000000
    ("'int' object has no attribute 'strip'"), progress=5 ("not callable"),
    validate_all(b"seeds") (its bytes taken for paths), validate("") (the working folder
    checked), scheduler without the Dask engine (ignored; the command refuses it). Whole
    seconds as an int are taken, as SOURCE_DATE_EPOCH's digits are."""
    from corpuskit.errors import InputError, UsageError

    seeds = make_seeds(tmp_path, GOOD)
    as_int = corpuskit.build(seeds, tmp_path / "int", jobs=1, source_date_epoch=1700000000)
    as_str = corpuskit.build(seeds, tmp_path / "str", jobs=1, source_date_epoch="1700000000")
    assert tree_bytes(as_int.release) == tree_bytes(as_str.release)
    assert corpuskit.release(seeds, tmp_path / "dry", dry_run=True, jobs=1,
                             source_date_epoch=1700000000).version == "1.0.0"
    with pytest.raises(InputError, match="must be whole seconds since 1970"):
        corpuskit.build(seeds, tmp_path / "negative", jobs=1, source_date_epoch=-1)
    for wrong in (1.7e9, True, b"1700000000"):
        with pytest.raises(TypeError, match="source_date_epoch must be whole seconds since "
                                            "1970, as an int or as SOURCE_DATE_EPOCH's"):
            corpuskit.build(seeds, tmp_path / "wrong", jobs=1,
                            source_date_epoch=wrong)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="progress must be called with the documents done"):
        corpuskit.build(seeds, tmp_path / "p", jobs=1, progress=5)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="scheduler 'tcp://x:1' is a Dask cluster's address, "
                                         "for engine='dask'"):
        corpuskit.build(seeds, tmp_path / "s", jobs=1, scheduler="tcp://x:1")
    with pytest.raises(TypeError, match=r"paths must be a path .* not bytes"):
        corpuskit.validate_all(b"seeds")  # type: ignore[arg-type]
    for wrong in (None, 3):  # (QA: "'NoneType' object is not iterable")
        with pytest.raises(TypeError, match=r"paths must be a path \(str or os.PathLike\) "
                                            rf"or an iterable of them, not {type(wrong).__name__}"):
            corpuskit.validate_all(wrong)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="an empty path names no file or folder"):
        corpuskit.validate("")
    assert not any((tmp_path / name).exists() for name in ("negative", "wrong", "p", "s"))


@pytest.mark.parametrize("function", ["build", "release", "check", "validate", "validate_all",
                                      "load", "diff", "export", "info"])
@pytest.mark.parametrize("wrong", [b"seeds", None, 3])
def test_the_library_refuses_a_path_of_another_kind_by_name(function: str, wrong: object,
                                                           tmp_path: Path) -> None:
    """A path given as bytes failed inside pathlib, five frames down, with "argument should
    be a str object", after None had been told that bytes are fine (QA). Each function
    names its argument and what to give, before doing anything."""
    from corpuskit.check import check
    from corpuskit.export import export
    from corpuskit.info import info

    calls = {
        "build": (lambda v: corpuskit.build(v, tmp_path / "o"), "seeds"),
        "release": (lambda v: corpuskit.release(v, tmp_path / "o"), "seeds"),
        "check": (lambda v: check(v), "seeds"),
        "validate": (lambda v: corpuskit.validate(v), "path"),
        "validate_all": (lambda v: corpuskit.validate_all([v]), "each of paths"),
        "load": (lambda v: corpuskit.load(v), "path"),
        "diff": (lambda v: corpuskit.diff(v, tmp_path), "old"),
        "export": (lambda v: export(v, "csv", tmp_path / "x.csv"), "package"),
        "info": (lambda v: info(v), "path"),
    }
    call, name = calls[function]
    said = ("a path as text (a str or pathlib.Path), not bytes: decode it with os.fsdecode"
            if isinstance(wrong, bytes) else
            f"a path (a str, or an os.PathLike such as pathlib.Path), not "
            f"{type(wrong).__name__}")
    with pytest.raises(TypeError) as refused:
        call(wrong)
    assert str(refused.value).startswith(f"{name} must be {said}"), refused.value
    assert refused.traceback[-1].path.name == "pathargs.py"  # said up front, by name
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("function", "flag"), [
    ("load", "verify"), ("load", "reproduce"), ("validate", "fast"),
    ("validate", "reproduce"), ("validate_all", "fast"), ("validate_all", "reproduce"),
    ("export", "verify"), ("release", "dry_run"), ("release", "allow_line_ends"),
    ("diff", "text"), ("build", "entry_checked")])
@pytest.mark.parametrize("wrong", [None, "false", 0])
def test_the_library_refuses_a_flag_of_another_kind_by_name(function: str, flag: str,
                                                           wrong: object,
                                                           tmp_path: Path) -> None:
    """A flag was taken for its truth: load(verify=None) (an unset environment variable)
    skipped every check with nothing said, and verify="false" was true (QA: library 2).
    Each flag of the library is True or False, anything else a TypeError naming it and
    the type given, raised before anything is done."""
    from _consumers import sample

    from corpuskit.export import export

    package, seeds, out = sample().release, make_seeds(tmp_path, GOOD), tmp_path / "out"
    calls: dict[str, Any] = {
        "load": lambda **kw: corpuskit.load(package, **kw),
        "validate": lambda **kw: corpuskit.validate(package, **kw),
        "validate_all": lambda **kw: corpuskit.validate_all([package], **kw),
        "export": lambda **kw: export(package, "csv", out, **kw),
        "release": lambda **kw: corpuskit.release(seeds, out, jobs=1, **kw),
        "diff": lambda **kw: corpuskit.diff(package, package, **kw),
        "build": lambda **kw: corpuskit.build(seeds, out, jobs=1, **kw),
    }
    with pytest.raises(TypeError) as refused:
        calls[function](**{flag: wrong})
    assert str(refused.value) == (f"{flag} must be True or False, not "
                                  f"{type(wrong).__name__}: {wrong!r}")
    assert refused.traceback[-1].path.name == "pathargs.py"  # said up front, by name
    assert not out.exists()


_CHOICES = [("export", "format", "parquet, csv, dolma"),
            ("release", "bump", "major, minor, patch"), ("build", "engine", "local, dask")]


@pytest.mark.parametrize(("function", "argument", "choices", "wrong"), [
    (*choice, wrong) for choice in _CHOICES for wrong in (None, 1, ["csv"], b"csv")
    if not (choice[0] == "release" and wrong is None)])  # (release's None: the diff's bump)
def test_the_library_refuses_a_choice_of_another_kind_by_name(function: str, argument: str,
                                                             choices: str, wrong: object,
                                                             tmp_path: Path) -> None:
    """A named choice that is no str was told to be an unknown one, a ValueError:
    export(pkg, None, out) "unknown export format None", release(seeds, dist, 1) "unknown
    bump 1" (QA consumer 2), where the README promises a TypeError for a value of the wrong
    type, as a flag's or a path's is; a list was "unhashable type". Each is a TypeError
    naming the argument and what to give, raised before anything is done."""
    from _consumers import sample

    from corpuskit.export import export

    package, seeds, out = sample().release, make_seeds(tmp_path, GOOD), tmp_path / "out"
    calls: dict[str, Any] = {
        "export": lambda value: export(package, value, out),
        "release": lambda value: corpuskit.release(seeds, out, value, jobs=1, dry_run=True),
        "build": lambda value: corpuskit.build(seeds, out, jobs=1, engine=value),
    }
    with pytest.raises(TypeError) as refused:
        calls[function](wrong)
    assert str(refused.value) == (f"{argument} must be a str, one of {choices}; not "
                                  f"{type(wrong).__name__}: {wrong!r}")
    assert refused.traceback[-1].path.name == "pathargs.py"  # said up front, by name
    assert not out.exists()

@pytest.mark.parametrize("url", ["https://example.org/data/corpus-1.0.0.zip",
                                 "file://example.org/corpus-1.0.0.zip", "s3://bucket/c.zip"])
def test_a_url_or_an_empty_path_is_refused_as_given(url: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A URL became a local path of another name (``https:/example.org/...: no such file
    or folder``), and ``""`` the working folder (QA); both are said as given."""
    from corpuskit.errors import InputError
    from corpuskit.info import info

    monkeypatch.chdir(tmp_path)
    for call in (corpuskit.load, info, lambda p: corpuskit.diff(p, tmp_path)):
        with pytest.raises(InputError) as refused:
            call(url)
        assert [(p.path, p.code) for p in refused.value.problems] == [(url, "not-a-package")]
        assert "a URL: corpuskit reads local files and folders only; download it first" \
            in refused.value.problems[0].message
        with pytest.raises(ValueError, match="empty path, which names no file or folder"):
            call("")
    assert [p.message for p in corpuskit.validate(url).problems] == [
        refused.value.problems[0].message]
    folder = tmp_path / "https:" / "host"  # a local folder of that name is read as one
    folder.mkdir(parents=True)
    with pytest.raises(InputError, match=r"no datapackage\.json here"):
        corpuskit.load("https://host")


def test_a_file_url_or_a_path_from_home_is_told_the_path_to_give(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file: URL of a local archive was told to be downloaded first, and "~/pkg.zip"
    said "no such file or folder" alone, its expansion there (QA). The path stays taken
    as given; what to give instead is said."""
    from corpuskit.errors import InputError
    from corpuskit.info import info

    archive = tmp_path / "my pkg.zip"
    archive.write_bytes(b"")
    monkeypatch.setenv("HOME", str(tmp_path))
    for call in (corpuskit.load, info):
        with pytest.raises(InputError) as refused:
            call(archive.as_uri())
        [problem] = refused.value.problems
        assert (problem.path, problem.code) == (archive.as_uri(), "not-a-package")
        assert f"give that path itself, {archive} (" in problem.message
        assert "download" not in problem.message
        with pytest.raises(InputError) as refused:
            call("~/my pkg.zip")
        [problem] = refused.value.problems
        assert (problem.path, problem.code) == ("~/my pkg.zip", "not-a-package")
        assert problem.message == (
            "no such file or folder: '~' is not expanded here, the path is taken as given; "
            f"pass os.path.expanduser(path), which is {archive}")
    assert [p.message for p in corpuskit.validate("~/my pkg.zip").problems] == [
        problem.message]
    with pytest.raises(InputError) as refused:
        corpuskit.load(tmp_path / "nothing.zip")
    assert refused.value.problems[0].message == "no such file or folder"


@pytest.mark.parametrize(("extract", "key", "says"), [
    ("language_min_confidence = nan", "extract.language_min_confidence",
     "nan is not a finite number"),
    ("language_min_confidence = -inf", "extract.language_min_confidence",
     "-inf is less than 0, the least allowed"),
    ("title_max_chars = 100000000000000000000", "extract.title_max_chars", "too large"),
    ("language_min_chars = 100000000000000000000", "extract.language_min_chars", "too large"),
    # a whole number's key: the schema's problem alone, not also "write a number such as 0.8"
    ("language_min_chars = inf", "extract.language_min_chars",
     "inf is a decimal number, not a whole number"),
])
def test_config_values_json_cannot_hold(extract: str, key: str, says: str, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """nan passes every schema bound (no comparison with it is true) and was written into
    datapackage.json as NaN, which no JSON reader takes; an integer beyond 64 bits made
    the build fail with a traceback. Both are refused, naming the key, once."""
    toml = toml_text(corpus_config({})) + f"\n[extract]\n{extract}\n"
    lines = config_problems(tmp_path, capsys, toml)
    [line] = [line for line in lines if line.startswith(f"error: corpus.toml:{key}: ")]
    assert says in line, lines


@pytest.mark.parametrize(("line", "key", "says"), [
    ('version = "1.0"', "version", "write a semantic version such as 1.0.0"),
    ('version = "0.1.0-alpha.1+build.5"', "version", "without build metadata ('+...')"),
    ('name = "My Corpus"', "name", "use 1 to 100 lower-case letters"),
    ("created = 2026-11-28T00:00:00Z", "created", "as a quoted string"),
    # shown as written, not as Python prints it (QA: "2026-11-28T00:00:00+00:00")
    ("created = 2026-11-28T00:00:00Z", "created",
     "created: 2026-11-28T00:00:00Z is an unquoted date or time, not a string"),
    ("created = 2026-11-28T08:30:00.5Z", "created",
     "created: 2026-11-28T08:30:00.5Z is an unquoted date or time, not a string"),
    # its text in corpus.toml, which tomllib's value does not keep (QA: s77 newc 9): an
    # offset, padding, a space or lower case, and a 7th digit, which Python's value cuts
    *[(f"created = {written}", "created",
       f"created: {written} is an unquoted date or time, not a string")
      for written in ("2108-01-01T00:00:00+00:00", "2026-11-28T00:00:00.1234567Z",
                      "2026-11-28T00:00:00.100000Z", "2026-11-28 00:00:00Z",
                      "2026-11-28t00:00:00z", "08:30:00.50")],
    # not from a comment holding the same time written otherwise
    ("# created = 2026-11-28T00:00:00+00:00\ncreated = 2026-11-28T00:00:00Z", "created",
     "created: 2026-11-28T00:00:00Z is an unquoted date or time, not a string"),
    # a quoted date was told to be quoted (QA): what it lacks is the time
    ('created = "2026-11-28"', "created", "its date and time to the second"),
    # a line break in the title broke the data card's heading
    ('title = "First line\\nsecond line"', "title", "write the title on one line"),
    ('title = "Trailing line break\\n"', "title", "write the title on one line"),
])
def test_config_errors_say_what_to_write(line: str, key: str, says: str, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Not jsonschema's regular expression, or datetime.datetime(...): what to write."""
    text = toml_text(corpus_config({key: None}))  # the key left out, then written as given
    lines = config_problems(tmp_path, capsys, line + "\n" + text)
    assert len(lines) == 1 and lines[0].startswith(f"error: corpus.toml:{key}: "), lines
    assert says in lines[0] and "^" not in lines[0] and "datetime." not in lines[0]


#: jsonschema's own words, which no corpus.toml message may hold (the schema's keywords).
JSONSCHEMA_WORDING = ("is not of type", "is not a '", "is not one of", "non-unique",
                      "should be non-empty", "is too short", "is a required property",
                      "Additional properties", "less than the minimum", "greater than the "
                      "maximum", "does not match", "is not valid under", "(top level)")


@pytest.mark.parametrize(("overrides", "line"), [
    # type: a table, a list of tables, a list of strings, a string, a whole number, a
    # number, true or false
    ({"output": 3}, "output: 3 is a whole number, not a table: write [output] on a line of "
                    "its own, with its keys (parquet, compression) on the lines below it"),
    ({"licenses": "CC0-1.0"}, "licenses: 'CC0-1.0' is a string, not a list of tables: write "
                              'a list of tables, such as licenses = [{ name = "CC-BY-4.0" }]'),
    ({"licenses": ["CC0-1.0"]}, "licenses[0]: 'CC0-1.0' is a string, not a table: give each "
                                "license a name (an SPDX id such as CC-BY-4.0) or a path (a "
                                'URL), such as { name = "CC0-1.0" }'),
    ({"keywords": "news"}, "keywords: 'news' is a string, not a list of strings: put it in "
                           'brackets: keywords = ["news"]'),
    ({"sources": [{"title": "S", "version": 2}]},
     'sources[0].version: 2 is a whole number, not a string: put it in quotes: version = "2"'),
    # a key's own advice, quoting and all (QA: "..., or remove the line with the release's
    # created and changelog entry, in quotes")
    ({"content_hash": 42}, "content_hash: 42 is a whole number, not a string: write back the "
     "value 'corpuskit release' wrote, a quoted string of 'sha256:' and 64 lower-case "
     "hexadecimal digits, or remove this line, created and the version's entry in "
     "CHANGELOG.md"),
    # SPDX's deprecated "+" (QA: told only to use an id such as CC-BY-4.0)
    ({"licenses": [{"name": "GPL-2.0+"}]}, "licenses[0].name: 'GPL-2.0+' is not valid here: "
     "'+' is SPDX's deprecated form of 'or later': write GPL-2.0-or-later"),
    # an item of a list: the list's example (QA: 'keywords = "..."' was then refused)
    ({"keywords": [{"name": "corpus"}]}, "keywords[0]: {'name': 'corpus'} is a table, not a "
     'string: write each item of keywords as one quoted string, such as keywords = ["news"]'),
    ({"discover": {"max_file_bytes": "1 MB"}},
     "discover.max_file_bytes: '1 MB' is a string, not a whole number: write a whole number "
     "of at least 1, without quotes"),
    ({"extract": {"language_min_confidence": "high"}},
     "extract.language_min_confidence: 'high' is a string, not a number: write a number from "
     "0 to 1, without quotes"),
    ({"output": {"parquet": "yes"}}, "output.parquet: 'yes' is a string, not true or false: "
                                     "write true or false, without quotes"),
    ({"extract": {"rights_patterns": 3}},  # was a TypeError traceback
     "extract.rights_patterns: 3 is a whole number, not a list of strings: write a list of "
     "strings, such as rights_patterns = ['(?i)all rights reserved']"),
    # format
    ({"contributors": [{"title": "Ann", "email": "ann at example.org"}]},
     "contributors[0].email: 'ann at example.org' is not an email address: write one such as "
     "name@example.org"),
    # enum
    ({"output": {"compression": "gzip"}},
     "output.compression: 'gzip' is not allowed here: write one of: fast, zlib, zlib-4"),
    # enum, the value meant offered (QA: "NFC", "remove_bom", "latin1", "utf-8" got none)
    ({"output": {"compression": "ZLIB_4"}},
     "output.compression: 'ZLIB_4' is not allowed here (did you mean 'zlib-4'?): write one "
     "of: fast, zlib, zlib-4"),
    # a level or library named: the choice that is it, not the one spelled most alike
    # (QA: zlib-6, which "zlib" is, was offered zlib-4, another zip; isal no "fast")
    ({"output": {"compression": "zlib-6"}},
     "output.compression: 'zlib-6' is not allowed here (zlib's level 6 is 'zlib'): write "
     "one of: fast, zlib, zlib-4"),
    ({"output": {"compression": "zlib-9"}},
     "output.compression: 'zlib-9' is not allowed here (zlib's levels offered are 4, named "
     "'zlib-4', the default, and 6, named 'zlib'; 'fast' is ISA-L's level 2): write one of: "
     "fast, zlib, zlib-4"),
    ({"output": {"compression": "isal"}},
     "output.compression: 'isal' is not allowed here (ISA-L's deflate, at its level 2, is "
     "'fast'): write one of: fast, zlib, zlib-4"),
    # a level with any separator, and zlib-ng, another library: not the choice spelled most
    # alike (QA: s77 newc 7, zlib:9 was offered zlib, 'zlib -6' and zlib-ng zlib-4)
    *[({"output": {"compression": spelled}}, f"output.compression: '{spelled}' is not "
       "allowed here (zlib's levels offered are 4, named 'zlib-4', the default, and 6, named "
       "'zlib'; 'fast' is ISA-L's level 2): write one of: fast, zlib, zlib-4")
      for spelled in ("zlib:9", "zlib=9", "zlib(9)", "zlib -9", "zlib level=1")],
    *[({"output": {"compression": spelled}}, f"output.compression: '{spelled}' is not "
       "allowed here (zlib's level 6 is 'zlib'): write one of: fast, zlib, zlib-4")
      for spelled in ("zlib -6", "zlib:6", "zlib(6)")],
    ({"output": {"compression": "zlib-ng"}},
     "output.compression: 'zlib-ng' is not allowed here (zlib-ng, another deflate library, "
     "is not offered: it deflates to other bytes than zlib): write one of: fast, zlib, "
     "zlib-4"),
    # a code page of its own: one that reads its bytes as the same characters (QA: Hebrew
    # was offered Greek), else that it is not decoded, and why its script's page will not
    # do (QA: mac-roman was offered cp1252, which had refused the file)
    ({"decode": {"fallback_encodings": ["iso8859-9"]}}, "decode.fallback_encodings[0]: "
     "'iso8859-9' is not allowed here (did you mean 'cp1254'?): write one of: "
     + ", ".join(CODE_PAGES)),
    ({"decode": {"fallback_encodings": ["gbk"]}}, "decode.fallback_encodings[0]: 'gbk' is "
     f"not allowed here (did you mean 'gb18030'?): write one of: {', '.join(CODE_PAGES)}"),
    ({"decode": {"fallback_encodings": ["mac-roman"]}}, "decode.fallback_encodings[0]: "
     "'mac-roman' is not allowed here: mac-roman is a code page corpuskit does not decode "
     "(cp1252, which it decodes for that script, reads 117 of its bytes as other "
     "characters and leaves 5 undefined, such as 0x80, 'Ä' in mac-roman, as '€'); re-save "
     "the files written in "
     "it as UTF-8, which is read first (the code pages corpuskit decodes: "
     f"{', '.join(CODE_PAGES)})"),
    ({"decode": {"fallback_encodings": ["iso8859-8"]}}, "decode.fallback_encodings[0]: "
     "'iso8859-8' is not allowed here: iso8859-8 is a code page corpuskit does not decode "
     "(cp1255, which it decodes for that script, reads 1 of its bytes as another "
     "character and leaves 1 undefined, such as 0xA4, '¤' in iso8859-8, as '₪'); re-save "
     "the files written in it as UTF-8, which is read first (the code pages corpuskit "
     f"decodes: {', '.join(CODE_PAGES)})"),
    # a byte the script's page leaves undefined is said so, never 'as None' (QA s77 newc 2)
    ({"decode": {"fallback_encodings": ["iso8859-4"]}}, "decode.fallback_encodings[0]: "
     "'iso8859-4' is not allowed here: iso8859-4 is a code page corpuskit does not decode "
     "(cp1257, which it decodes for that script, reads 70 of its bytes as other characters "
     "and leaves 2 undefined, such as 0xA1, 'Ą' in iso8859-4, which cp1257 leaves "
     "undefined); re-save the files written in it as UTF-8, which is read first (the code "
     f"pages corpuskit decodes: {', '.join(CODE_PAGES)})"),
    ({"decode": {"fallback_encodings": ["cp874"]}}, "decode.fallback_encodings[0]: 'cp874' "
     "is not allowed here: cp874 is a code page corpuskit does not decode; re-save the "
     "files written in it as UTF-8, which is read first (the code pages corpuskit decodes: "
     f"{', '.join(CODE_PAGES)})"),
    ({"decode": {"fallback_encodings": ["klingon"]}}, "decode.fallback_encodings[0]: "
     f"'klingon' is not allowed here: write one of: {', '.join(CODE_PAGES)}"),
    # a record's text is NFC by the package's contract (QA: skipped, NFD records shipped
    # under descriptions saying NFC)
    ({"normalize": {"skip": ["nfc"]}}, "normalize.skip[0]: 'nfc' is not allowed here (a "
     "record's text is always NFC, as the package says of its text field and the record "
     "schema requires: the step cannot be skipped): write one of: " + ", ".join(SKIPPABLE)),
    ({"normalize": {"skip": ["NFC"]}}, "normalize.skip[0]: 'NFC' is not allowed here (a "
     "record's text is always NFC, as the package says of its text field and the record "
     "schema requires: the step cannot be skipped): write one of: " + ", ".join(SKIPPABLE)),
    ({"normalize": {"skip": ["line-endings"]}}, "normalize.skip[0]: 'line-endings' is not "
     "allowed here (line endings are always made LF, as a record's text is held to one "
     "form: the step cannot be skipped): write one of: " + ", ".join(SKIPPABLE)),
    ({"normalize": {"skip": ["nfkc"]}}, "normalize.skip[0]: 'nfkc' is not allowed here "
     "(nfkc is a lossy step, which runs only when [normalize] lossy lists it: there is "
     "nothing to skip): write one of: " + ", ".join(SKIPPABLE)),
    ({"decode": {"fallback_encodings": ["shift-jis"]}}, "decode.fallback_encodings[0]: "
     "'shift-jis' is not allowed here (did you mean 'shift_jis'?): write one of: "
     + ", ".join(CODE_PAGES)),
    ({"decode": {"fallback_encodings": ["Latin-1"]}}, "decode.fallback_encodings[0]: "
     "'Latin-1' is not allowed here (ISO-8859-1 reads every byte, so no file could be "
     "refused as undecodable; cp1252, the code page text called Latin-1 is nearly always "
     "written in, is listed instead): write one of: " + ", ".join(CODE_PAGES)),
    ({"decode": {"fallback_encodings": ["UTF8"]}}, "decode.fallback_encodings[0]: 'UTF8' is "
     "not allowed here (UTF-8 is tried first for every file: list only the legacy code "
     "pages to try after it): write one of: " + ", ".join(CODE_PAGES)),
    # pattern
    ({"licenses": [{"name": "CC 0"}]}, "licenses[0].name: 'CC 0' is not valid here: use an "
                                       "SPDX license id such as CC-BY-4.0 or CC0-1.0"),
    # minimum, maximum
    ({"discover": {"max_file_bytes": 0}}, "discover.max_file_bytes: 0 is less than 1, the "
                                          "least allowed: write a whole number of at least 1, "
                                          "without quotes"),
    ({"extract": {"language_min_confidence": 2}},
     "extract.language_min_confidence: 2 is more than 1, the most allowed: write a number "
     "from 0 to 1, without quotes"),
    # minLength
    ({"description": ""}, "description: '' is empty: write the description"),
    ({"keywords": [""]}, "keywords[0]: '' is empty: write some text in it, or remove it from "
                         "the list"),
    # required
    ({"sources": [{"path": "https://example.org"}]},
     "sources[0].title: 'title' is missing: sources[0] needs it; add it, such as title = "
     '"Where the texts come from"'),
    # additionalProperties
    ({"maintainers": "x"}, "maintainers: 'maintainers' is not a corpus.toml key: remove it, "
                           "or check its spelling (the README's corpus.toml section lists "
                           "every key)"),
    ({"discover": {"include": ["*.txt"]}},
     "discover.include: 'include' is not a key of [discover] (did you mean 'exclude'?): "
     "remove it, or check its spelling ([discover] takes exclude, max_file_bytes)"),
    # an email frictionless refuses (jsonschema's format asks only for an "@"; QA)
    ({"sources": [{"title": "Wire", "email": "data@localhost"}]},
     "sources[0].email: 'data@localhost' is not an email address that frictionless and "
     "other Data Package readers accept (a name, '@', and a domain with a dot, such as "
     "name@example.org); write the address in full"),
    ({"contributors": [{"title": "Ann", "email": "ann@example.org "}]},
     "contributors[0].email: 'ann@example.org ' has spaces around the address: write "
     "'ann@example.org'"),
    # an empty or blank name part, written into the metadata as it was (QA)
    ({"contributors": [{"title": "Ann", "organization": ""}]},
     "contributors[0].organization: '' is empty: write some text, or leave the key out"),
    ({"contributors": [{"title": "Ann", "familyName": " "}]},
     "contributors[0].familyName: ' ' is blank: write some text, or leave the key out"),
    # another format's name for a key (QA: "name" was offered "givenName", "url" nothing)
    ({"sources": [{"title": "Wire", "url": "https://example.org"}]},
     "sources[0].url: 'url' is not a key of sources[0] (did you mean 'path'?): remove it, or "
     "check its spelling (sources[0] takes title, path, email, version)"),
    ({"contributors": [{"title": "Ann", "name": "Ann"}]},
     "contributors[0].name: 'name' is not a key of contributors[0] (did you mean 'title'?): "
     "remove it, or check its spelling (contributors[0] takes title, givenName, familyName, "
     "path, email, organization, roles)"),
    # a top-level key written after a [table] line is in that table (QA: "check its
    # spelling")
    ({"output": {"homepage": "https://example.org"}},
     "output.homepage: 'homepage' is not a key of [output] but of the top level, and every "
     "key written after the line [output] is in that table; move homepage above the first "
     "[table] line of corpus.toml"),
    # minItems
    ({"sources": []}, "sources: [] is an empty list: list at least one, such as sources = "
                      '[{ title = "Where the texts come from" }]'),
    # uniqueItems
    ({"normalize": {"skip": ["remove-bom", "remove-bom"]}},
     "normalize.skip: 'remove-bom' is listed more than once: list each once"),
    # anyOf
    ({"licenses": [{"title": "A license"}]},
     "licenses[0]: this table has neither name nor path: give each license a name (an SPDX "
     "id such as CC-BY-4.0) or a path (a URL)"),
])
def test_config_schema_errors_name_the_key_what_was_found_and_what_to_write(
        overrides: dict[str, object], line: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Each keyword of corpus.schema.json was told in jsonschema's words ("3 is not of
    type 'object'", "'x' is not a 'email'", "[] should be non-empty", "Additional
    properties are not allowed" at "(top level)"): now the dotted key, the value found,
    what belongs there in TOML's words, and what to write."""
    lines = config_problems(tmp_path, capsys, toml_text(corpus_config(overrides)))
    assert lines == [f"error: corpus.toml:{line} [config-error]"]


def _schema_keys(node: dict[str, Any], key: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every key of the corpus schema (``licenses[]`` for a list's items) and its schema."""
    for name, child in node.get("properties", {}).items():
        dotted = f"{key}.{name}" if key else name
        yield dotted, child
        yield from _schema_keys(child, dotted)
        if "items" in child:
            yield f"{dotted}[]", child["items"]
            yield from _schema_keys(child["items"], f"{dotted}[]")


def _set(data: dict[str, Any], key: str, value: object) -> None:
    """Put ``value`` at the dotted ``key`` of ``data`` (``[]``: the first item)."""
    *parents, leaf = key.split(".")
    node: Any = data
    for part in parents:
        name, listed = part.removesuffix("[]"), part.endswith("[]")
        if listed:
            node[name] = [{"title": "x"}] if name != "licenses" else [{"name": "CC0-1.0"}]
            node = node[name][0]
        else:
            node = node.setdefault(name, {})
    if leaf.endswith("[]"):
        node[leaf[:-2]] = [value]
    else:
        node[leaf] = value


def test_code_pages_offered_as_meant_read_every_byte_alike() -> None:
    """A code page corpuskit does not decode is offered one it does ("did you mean") only
    when that one reads each of its bytes as the same character; one of its script that
    reads them otherwise is named as why it will not do, never offered (QA: mac-roman was
    offered cp1252, and a file following that advice would read as other letters)."""
    from corpuskit.configschema import CODE_PAGE_KIN, CODE_PAGE_SUPERSETS, _read_otherwise

    # Python's gb2312 maps two marks of punctuation to other code points than GB18030's
    # mapping of GB2312 (the middle dot, the dash): the same marks, not other letters.
    variants = {b"\xa1\xa4", b"\xa1\xaa"}
    for page, superset in CODE_PAGE_SUPERSETS.items():
        assert superset in CODE_PAGES
        if page in ("gbk", "gb2312"):  # of two bytes a character: every pair of them
            pieces = [bytes([high, low]) for high in range(0x81, 0xFF)
                      for low in range(0x40, 0xFF)]
        else:
            pieces = [bytes([byte]) for byte in range(0x80, 0x100)]
        for data in pieces:
            try:
                text = data.decode(page)
            except UnicodeDecodeError:
                continue
            if text.isprintable() and data not in variants:  # (C1 controls aside)
                assert data.decode(superset, "replace") == text, (page, data)
    for page, kin in CODE_PAGE_KIN.items():
        assert kin in CODE_PAGES and page not in CODE_PAGE_SUPERSETS
        if page == "hz":  # ASCII escapes around GB2312's bytes less 0x80
            assert "中文".encode(page).decode(kin) != "中文"
        else:
            assert _read_otherwise(page, kin), page


def test_every_keyword_of_the_corpus_schema_is_told_in_a_maintainers_words() -> None:
    """A keyword the schema gains must be given words here (configschema.KEYWORDS); and
    no value of any type at any key is told in jsonschema's."""
    from corpuskit.config import CONFIG_SCHEMA, parse_config
    from corpuskit.configschema import KEYWORDS
    from corpuskit.errors import InputError
    from corpuskit.recordshape import inline_refs
    from corpuskit.schemacheck import load_schema

    schema = inline_refs(load_schema(CONFIG_SCHEMA))  # each $ref's keywords where it stands
    used = set()
    for _, node in [("", schema), *_schema_keys(schema)]:
        used |= set(node) - {"properties", "items", "description", "title", "$schema",
                             "$id", "$defs"}
    assert used <= KEYWORDS, used - KEYWORDS
    for key, _ in _schema_keys(schema):
        for value in (3, 2.5, "x", "", True, [], [3], {}, {"unknown": 1}, ["a", "a"]):
            data = corpus_config()
            _set(data, key, value)
            try:
                parse_config(data)
            except InputError as refused:
                for problem in refused.problems:
                    said = f"{problem.location}: {problem.message}"
                    assert not any(words in said for words in JSONSCHEMA_WORDING), said
                    assert problem.location.startswith(key.split("[")[0].split(".")[0]), said


def test_a_byte_order_mark_before_corpus_toml_is_skipped(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    """Windows editors write one; tomllib called it an invalid statement at line 1."""
    seeds = make_seeds(tmp_path, GOOD)
    toml = seeds / "corpus.toml"
    toml.write_bytes(b"\xef\xbb\xbf" + toml.read_bytes())
    code, err = run_build(seeds, tmp_path / "out", capsys)
    assert code == 0, err



#: A configuration using every key of corpus.schema.json.
FULL_CONFIG: dict[str, object] = {
    "name": "corpus-1", "title": "A corpus", "version": "1.2.3-rc.1",
    "description": "Texts.", "created": "2024-01-02T03:04:05Z",
    "homepage": "https://example.org/corpus", "keywords": ["news"],
    "licenses": [{"name": "CC0-1.0", "path": "https://example.org/cc0", "title": "CC0"}],
    "sources": [{"title": "Archive", "path": "https://example.org/a", "email": "a@b.org",
                 "version": "2"}],
    "contributors": [{"title": "Ann", "givenName": "Ann", "familyName": "Lee", "path": "x",
                      "email": "ann@example.org", "organization": "Org", "roles": ["editor"]}],
    "discover": {"exclude": ["*.tmp"], "max_file_bytes": 1000},
    "decode": {"fallback_encodings": ["cp1252", "koi8-r"]},
    "normalize": {"skip": ["remove-zero-width"], "lossy": ["nfkc"]},
    "extract": {"title": True, "title_max_chars": 200, "date": True, "rights": True,
                "rights_patterns": ["^©"], "language": True, "language_min_chars": 0,
                "language_min_confidence": 0.5},
    "output": {"parquet": False},
}


def _config_variants(base: dict[str, object]) -> list[object]:
    """Configurations one change away from ``base``: a value (at the top, in a section, or
    in a list's first item) set to each of many values, a key left out, a key added."""
    import datetime as dt

    values: list[object] = [
        None, "", "x", "a\nb", "a\rb", "a\u2028b", "a\x85b", "a\x00b", "a\tb", "   ",
        "../x", "/abs", "~x", ".hidden", "a\\b", "file:///etc/passwd", "corpus-1",
        "Bad Name", "1.0.0", "01.0.0", "CC0-1.0",
        "not a url", "https://example.org", "no-at-sign", "a@b", "2024-01-02T03:04:05Z",
        "2024-13-02T03:04:05Z", dt.datetime(2024, 1, 2), "nfc", "bogus", "cp1252", "utf-8",
        "*.tmp", "^©", 0, -1, 1, 200, 1.0, 0.5, 1.5, -0.5, True, False, [], [""], ["x"],
        ["x", "x"], ["nfc", "nfc"], ["nfc", "nfkc"], ["cp1252", "cp1252"], [1], [None],
        [{"name": "CC0-1.0"}], [{"path": "p"}], [{"title": "t"}], [{}], {},
        {"name": "CC0-1.0"}, {"path": "p"}, {"title": "t", "extra": 1}]

    def changed(container: dict[str, object]) -> list[dict[str, object]]:
        made = [{**container, key: value} for key in container for value in values]
        made += [{k: v for k, v in container.items() if k != key} for key in container]
        return [*made, {**container, "unknown": 1}]

    instances: list[object] = [*changed(base), [], "corpus", None]
    for key, value in base.items():
        if isinstance(value, dict):
            instances += [{**base, key: section} for section in changed(value)]
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            instances += [{**base, key: [item]} for item in changed(value[0])]
    return instances


def test_compiled_config_schema_never_accepts_what_jsonschema_refuses() -> None:
    """corpus.toml is checked by the compiled corpus schema first (a build then never
    imports jsonschema, 0.12 s); jsonschema names the problems of anything it refuses.
    So it must never accept what jsonschema refuses: thousands of configurations, each
    one change away from a full one (with and without the keys that have a format, which
    it leaves to jsonschema), are put to both."""
    import jsonschema

    from corpuskit.recordshape import compile_shape
    from corpuskit.schemacheck import load_schema

    schema = load_schema("corpus.schema.json")
    shape = compile_shape(schema)
    assert shape is not None, "the corpus schema should compile to the fast check"
    checker = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    plain = {key: value for key, value in FULL_CONFIG.items() if key != "homepage"}
    for key in ("sources", "contributors"):
        plain[key] = [{k: v for k, v in FULL_CONFIG[key][0].items()  # type: ignore[index]
                       if k != "email"}]
    assert checker.is_valid(FULL_CONFIG) and not shape(FULL_CONFIG)
    assert checker.is_valid(plain) and shape(plain)
    accepted = refused = 0
    for instance in [*_config_variants(FULL_CONFIG), *_config_variants(plain)]:
        if shape(instance):
            accepted += 1
            assert checker.is_valid(instance), instance
        else:
            refused += 1
    assert accepted > 300 and refused > 1000, (accepted, refused)


def test_the_shipped_and_benchmark_configurations_take_the_compiled_check() -> None:
    """The seeds' corpus.toml and the benchmark kit's pass the compiled check: their
    builds never import jsonschema."""
    import subprocess
    import sys
    import tomllib

    from corpuskit.recordshape import schema_shape

    repo = Path(__file__).resolve().parent.parent
    shape = schema_shape("corpus.schema.json")
    assert shape is not None
    assert shape(tomllib.loads((repo / "seeds" / "corpus.toml").read_text(encoding="utf-8")))
    sys.path.insert(0, str(repo / "benchmarks"))
    try:
        import generate_corpus
    finally:
        sys.path.remove(str(repo / "benchmarks"))
    assert shape(tomllib.loads(generate_corpus.corpus_toml("seeds", 0, 10)))
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys; from pathlib import Path; "
         "from corpuskit.config import load_config; load_config(Path(sys.argv[1])); "
         "print('jsonschema' in sys.modules)", str(repo / "seeds")],
        capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "False"


def test_the_runs_settings_and_changelog_are_reported_with_the_documents_problems(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A SOURCE_DATE_EPOCH that is no time stamp, or a CHANGELOG.md that is not UTF-8,
    ended a build at once, hiding every document's problem; and validate of the same
    seeds folder said "valid seeds" for the first (QA). Build and validate now report
    the same problems, all of them."""
    seeds = make_seeds(tmp_path, {**GOOD, "empty.txt": b""})
    (seeds / "CHANGELOG.md").write_bytes(NOISE)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "abc")
    expected = {"SOURCE_DATE_EPOCH": "config-error", "CHANGELOG.md": "unreadable-file",
                "empty.txt": "empty-document"}
    assert_refused(seeds, tmp_path / "out", capsys, expected)
    capsys.readouterr()
    assert main(["validate", str(seeds), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert {p["path"]: p["code"] for p in report["problems"]} == expected
    # The variable is no file of the seeds folder: shown as it is, and no annotation of a
    # file that does not exist (it was seeds/SOURCE_DATE_EPOCH in both).
    assert main(["validate", str(seeds)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("SOURCE_DATE_EPOCH: must be whole seconds") for line in lines)
    assert f"{seeds}/CHANGELOG.md" in "\n".join(lines)
    assert main(["validate", str(seeds), "--format", "github"]) == 1
    [annotation] = [line for line in capsys.readouterr().out.splitlines()
                    if "SOURCE_DATE_EPOCH" in line]
    assert annotation.startswith("::error title=config-error::SOURCE_DATE_EPOCH: must be ")
    # A document named so is a file of the seeds folder all the same (QA: its folder was
    # dropped from its problem's path once the variable was shown as it is).
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    (seeds / "SOURCE_DATE_EPOCH").write_bytes(b"")
    assert main(["validate", str(seeds), "--format", "github"]) == 1
    [annotation] = [line for line in capsys.readouterr().out.splitlines()
                    if "SOURCE_DATE_EPOCH" in line]
    assert annotation.startswith(f"::error file={seeds}/SOURCE_DATE_EPOCH,"
                                 "title=empty-document::")


def test_build_names_each_file_as_given(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """build named a seeds file relative to the seeds folder (``error: a/bad.txt``) where
    ``validate SEEDS`` names it joined to the folder as given (``seeds/a/bad.txt``): the
    two now agree, so the path opens from where the command ran. A problem with an
    environment variable stays bare; ``--json`` keeps the paths relative to SEEDS."""
    make_seeds(tmp_path, {**GOOD, "a/bad.txt": NOISE, ".notes.txt": "private"})
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    capsys.readouterr()
    assert main(["build", "seeds", "--out", "out"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert "skipped: seeds/.notes.txt (hidden)" in err
    assert [line.split(": ", 2)[1] for line in err if line.startswith("error: ")] == [
        "SOURCE_DATE_EPOCH", "seeds/a/bad.txt:line 1"]
    assert main(["validate", "seeds"]) == 1
    shown = capsys.readouterr().out
    assert "seeds/a/bad.txt:line 1: " in shown and "SOURCE_DATE_EPOCH: " in shown
    assert main(["build", "seeds", "--out", "out", "--json"]) == 1
    failure = json.loads(capsys.readouterr().out)
    assert [problem["path"] for problem in failure["problems"]] == [
        "SOURCE_DATE_EPOCH", "a/bad.txt"]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", [["build"], ["info"], ["check"], ["release"]])
def test_run_outside_a_corpus_repository_says_where_to_run(
        command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """click's "Path 'seeds' does not exist" said nothing of where to run (QA): the
    default seeds folder missing is a usage error saying to run in the corpus repository
    or give the path; another missing path keeps click's message."""
    from corpuskit.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(command) == 2
    err = capsys.readouterr().err
    assert "there is no folder 'seeds' in" in err and "corpus repository" in err, err
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("command", [
    ["info"], ["build", "--json"], ["check"], ["release", "--dry-run"],
    ["build", "{seeds}", "--out", "dist"],
    ["export", "{package}", "--format", "csv", "--out", "x.csv"],
    # relative paths click checks itself: "Path 'dist' does not exist" (QA)
    ["validate", "dist"], ["diff", "a", "b"], ["export", "dist/x", "--out", "x.csv"],
])
def test_a_working_folder_removed_is_said_not_a_traceback(
        command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Run in a folder removed since the shell entered it (a repository deleted and
    cloned again in another terminal), the default seeds and a relative --out crashed
    with a traceback from os.getcwd() (QA): a usage error saying so and what to do."""
    seeds = make_seeds(tmp_path, GOOD)
    package = tmp_path / "made/test-corpus-1.0.0.zip"
    if "export" in command:
        assert main(["build", str(seeds), "--out", str(package.parent), "--no-cache"]) == 0
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    capsys.readouterr()
    assert main([part.format(seeds=seeds, package=package) for part in command]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    assert err == ("corpuskit: error: the current folder no longer exists (it was removed or "
                   "moved after this shell entered it), so no path relative to it can be "
                   'found: cd into the corpus repository again (cd "$PWD" if it was made anew '
                   "at the same path), or give absolute paths\n")


def test_a_metadata_problem_hides_no_document_problem(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A blank keyword in corpus.toml was the only problem validate, build and check
    named; an empty and a binary document came up only once it was fixed (QA). The
    documents are checked too where corpus.toml's problems leave the settings that say
    which files are documents and how each is processed sound."""
    seeds = make_seeds(tmp_path, {**GOOD, "empty.txt": "", "png.txt": PNG},
                       {"keywords": ["corpus", "  "]})
    expected = [("corpus.toml", "config-error"), ("empty.txt", "empty-document"),
                ("png.txt", "binary-file")]
    capsys.readouterr()
    assert main(["validate", str(seeds), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(p["path"], p["code"]) for p in report["problems"]] == expected
    code, err = run_build(seeds, tmp_path / "dist", capsys)
    assert code == 1 and not (tmp_path / "dist").exists()
    for path, problem in expected:
        assert f"error: {path}" in err and f"[{problem}]" in err, err
    assert "3 problems in" in err, err
    assert main(["check", "--seeds", str(seeds), "--dist", str(tmp_path), "--json"]) == 1
    checked = json.loads(capsys.readouterr().out)
    assert sorted(p["code"] for p in checked["problems"]) == sorted(c for _, c in expected)


def test_a_settings_problem_stops_before_the_documents(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With [discover] itself wrong, which files are documents is unknown: corpus.toml's
    problems alone, not guesses about files that may not be documents at all."""
    seeds = make_seeds(tmp_path, {**GOOD, "empty.txt": ""},
                       {"keywords": ["corpus", "  "], "discover": {"exclude": 5}})
    capsys.readouterr()
    assert main(["validate", str(seeds), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(p["path"], p["location"]) for p in report["problems"]] == [
        ("corpus.toml", "discover.exclude"), ("corpus.toml", "keywords[1]")]


def test_a_refused_file_is_placed_on_its_line(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """binary-file and undecodable said the line in their message only, so GitHub's
    annotation had no line= (QA): the location holds it."""
    seeds = make_seeds(tmp_path, {
        **GOOD, "ctl.txt": "Title\n\nline two\nline \x01\x02\x03\x04\x05\x06 three\n",
        "nul.txt": b"Title\n\nab\x00c\n", "noise.txt": b"Title\n\nText\n" + NOISE,
        # Lines end at CR too (QA: line 1 for each), and after a byte order mark they are
        # counted in its encoding (QA: none given).
        "cr_ctl.txt": "Title\r\rwords\rmore \x01\x02\x03\x04\x05 controls\r",
        "cr_nul.txt": b"Title\r\rline two\rline \x00 three\r",
        "bom8.txt": b"\xef\xbb\xbfTitle\r\n\r\nabc\n\xff\n",
        "bom16.txt": "\ufeffTitle\n\n\u010a text\n".encode("utf-16-le") + b"\x00\xd8"})
    capsys.readouterr()
    assert main(["validate", str(seeds), "--format", "github"]) == 1
    out = capsys.readouterr().out
    for name, line, code in (("ctl.txt", 4, "binary-file"), ("nul.txt", 3, "binary-file"),
                             ("noise.txt", 4, "undecodable"), ("cr_ctl.txt", 4, "binary-file"),
                             ("cr_nul.txt", 4, "binary-file"), ("bom8.txt", 4, "undecodable"),
                             ("bom16.txt", 4, "undecodable")):
        assert f"::error file={seeds / name},line={line},title={code}::" in out, out


def test_a_bad_byte_after_a_byte_order_mark_is_placed_in_the_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The byte was counted from the end of the mark (QA: byte 6 for the 10th byte)."""
    seeds = make_seeds(tmp_path, {**GOOD, "bom.txt": b"\xef\xbb\xbfLe caf\xe9 noir\n"})
    capsys.readouterr()
    assert main(["validate", str(seeds)]) == 1
    out = capsys.readouterr().out
    assert "not valid utf-8-sig (byte 9); re-save it in one encoding" in out, out


def test_a_file_that_cannot_be_read_says_what_to_do(tmp_path: Path) -> None:
    """"cannot be read: Permission denied" named the file only (QA)."""
    from corpuskit.discover import read_source
    from corpuskit.models import DocumentProblem, SourceRef

    seeds = make_seeds(tmp_path, GOOD)
    with pytest.raises(DocumentProblem) as gone:  # listed, then removed
        read_source(seeds, SourceRef("gone.txt"), max_bytes=1 << 20)
    assert gone.value.problem.message.endswith(
        "it was removed or renamed while it was read: run the command again")
    real_open = os.open

    def refused(path: Any, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith("good.txt"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(os, "open", refused)
        with pytest.raises(DocumentProblem) as denied:
            read_source(seeds, SourceRef("good.txt"), max_bytes=1 << 20)
    assert denied.value.problem.message == (
        "cannot be read: Permission denied; make it readable to this user (chmod a+r), or "
        "move it out of the seeds folder")


def test_files_refused_for_their_names_are_counted_with_their_bytes(tmp_path: Path) -> None:
    """validate counted their bytes but not the files (QA: 1 file of 14 bytes for two)."""
    from corpuskit.validation import validate

    seeds = make_seeds(tmp_path, {**GOOD, "a:b.txt": "hello\n"})
    report = validate(seeds, jobs=1)
    files = [seeds / "corpus.toml", seeds / "good.txt", seeds / "a:b.txt"]
    assert (report.files, report.bytes) == (3, sum(f.stat().st_size for f in files))


def test_a_metadata_problem_hides_no_problem_of_the_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A blank title hid a bad SOURCE_DATE_EPOCH, a license path no file of the package
    is and a created that is no date (QA); info and diff named it alone too."""
    seeds = make_seeds(tmp_path, {**GOOD, "empty.txt": ""}, {
        "title": "  ", "created": "2026-02-30T00:00:00Z",
        "licenses": [{"name": "CC0-1.0", "path": "data/raw/LICENSE.txt"}]})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "abc")
    expected = {("SOURCE_DATE_EPOCH", ""), ("corpus.toml", "title"),
                ("corpus.toml", "created"), ("corpus.toml", "licenses[0].path"),
                ("empty.txt", "")}
    capsys.readouterr()
    assert main(["validate", str(seeds), "--format", "json"]) == 1
    found = {(p["path"], p["location"]) for p in json.loads(capsys.readouterr().out)["problems"]}
    assert found == expected
    assert main(["build", str(seeds), "--out", str(tmp_path / "out"), "--json"]) == 1
    built = json.loads(capsys.readouterr().out)
    assert {(p["path"], p["location"]) for p in built["problems"]} == expected
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    for command in (["info", str(seeds), "--json"],
                    ["diff", str(seeds), str(seeds), "--format", "json"]):
        assert main(command) == 1
        shown = json.loads(capsys.readouterr().out)
        problems = shown["problems"] if "problems" in shown else shown["error"]["problems"]
        assert ("empty.txt", "empty-document") in {(Path(p["path"]).name, p["code"])
                                                    for p in problems}


def test_a_misspelled_settings_table_stops_before_the_documents(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """[discovr] (for [discover]) let the documents be judged with the default settings:
    a logo the table excluded was called binary (QA)."""
    seeds = make_seeds(tmp_path, {**GOOD, "logo.png": PNG}, {
        "title": "  ", "discovr": {"exclude": ["*.png"]}})
    capsys.readouterr()
    assert main(["validate", str(seeds), "--format", "json"]) == 1
    found = [(p["path"], p["location"]) for p in json.loads(capsys.readouterr().out)["problems"]]
    assert found == [("corpus.toml", "discovr"), ("corpus.toml", "title")]


@pytest.mark.parametrize(("setting", "location"), [
    ({"output": {"compression": "zip"}}, "output.compression"),
    ({"colour": "red"}, "colour"),
    ({"parquet": "yes"}, "parquet"),
])
def test_a_problem_outside_the_document_tables_lets_the_documents_be_checked(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], setting: dict[str, Any],
        location: str) -> None:
    """A problem in [output], or an unknown key that is no table, stopped the run before
    the documents, so an empty file was reported only on the next run (QA; the README
    says only the document tables, or a misspelled one, stop it)."""
    seeds = make_seeds(tmp_path, {**GOOD, "empty.txt": ""}, setting)
    capsys.readouterr()
    assert main(["validate", str(seeds), "--format", "json"]) == 1
    found = [(p["path"], p["location"], p["code"])
             for p in json.loads(capsys.readouterr().out)["problems"]]
    assert found == [("corpus.toml", location, "config-error"),
                     ("empty.txt", "", "empty-document")]


def test_info_and_validate_count_the_same_seeds_files(tmp_path: Path) -> None:
    """A file too large and one refused for its name: validate left out the bytes of the
    first, info the second (QA)."""
    from corpuskit.info import info
    from corpuskit.validation import validate

    seeds = make_seeds(tmp_path, {**GOOD, "con.txt": "Con\n\nSome words.\n",
                                  "big.txt": "Big\n\n" + "word " * 40},
                       {"discover": {"max_file_bytes": 150}})
    on_disk = [p for p in seeds.iterdir()]
    report, summary = validate(seeds, jobs=1), info(seeds)
    assert {p.code for p in report.problems} == {"too-large", "unsafe-path"}
    assert report.files == summary.files == len(on_disk)
    assert report.bytes == summary.bytes == sum(p.stat().st_size for p in on_disk)


def test_build_refusal_orders_problems_by_file_then_line_number() -> None:
    """A file's problems in the order of their lines (line 9 before line 10, which text
    order puts after it), those of the file as a whole or at a key before them; then the
    next file."""
    from corpuskit.errors import InputError
    from corpuskit.problems import Problem

    expected = [Problem("a.md", "config-error", "whole file"),
                # indices in the order of their numbers (QA: [0], [10], [11], [1], [2]...)
                Problem("a.md", "config-error", "a list", "keywords[2]"),
                Problem("a.md", "config-error", "a list", "keywords[10]"),
                Problem("a.md", "config-error", "a list", "keywords[10].x"),
                Problem("a.md", "schema-error", "a key", "version"),
                Problem("a.md", "config-error", "same", "line 9"),
                Problem("a.md", "config-error", "same", "line 10"),
                Problem("a.md", "config-error", "ahead", "line 10, and on"),
                Problem("b.txt", "empty-document", "empty")]
    for given in (expected[::-1], expected[3:] + expected[:3]):
        assert list(InputError(given).problems) == expected
    said = str(InputError(expected[::-1]))
    assert said.index("a.md:keywords[2]: ") < said.index("a.md:keywords[10]: ")


def test_an_input_error_comes_back_from_a_worker_as_it_was_raised() -> None:
    """A worker's error is pickled to the build's process: it comes back with its
    problems, summary, skipped files and attributes, whatever its class's ``__init__``
    takes (unpickling called the class with the summary alone, taken for the problems: a
    rights pattern that ran without end in a worker broke the pool, "a worker process
    died", once problems were ordered by their locations)."""
    import pickle

    from corpuskit.config import ConfigError
    from corpuskit.errors import InputError
    from corpuskit.load import PackageIntegrityError
    from corpuskit.problems import Problem
    from corpuskit.records import SlowPatternError

    problems = [Problem("corpus.toml", "config-error", "too slow", "extract.rights_patterns[1]"),
                Problem("a.txt", "empty-document", "empty", "line 3")]
    slow = SlowPatternError(problems, "a rights pattern runs without end")
    slow.slow = "the pattern"  # type: ignore[assignment]
    errors: list[InputError] = [
        InputError(problems, "2 problems", [("x.txt", "hidden")]), slow,
        ConfigError(problems, "bad corpus.toml"),
        PackageIntegrityError("pkg", problems)]
    for error in errors:
        back = pickle.loads(pickle.dumps(error))
        assert type(back) is type(error)
        assert back.problems == error.problems and back.summary == error.summary
        assert back.skipped == error.skipped and str(back) == str(error)
        assert back.args == error.args and back.__dict__ == error.__dict__


@pytest.mark.parametrize(("args", "says"), [
    (["build", "seeds", "--out=~/releases"], "Invalid value for '--out': ~/releases starts "
     "with '~', which the shell did not expand (it does so only at the start of a word: not "
     "after '=' nor in quotes); write --out ~/releases as two words, or start it with "
     "$HOME; ./~/releases names a folder '~' here"),
    # No user of that name: no shell would expand it, so no "as two words" (QA: it went
    # round in a circle).
    (["build", "seeds", "--cache", "~nobody-here/cache"], "Invalid value for '--cache': "
     "~nobody-here/cache starts with '~nobody-here', which would name the home folder of a "
     "user 'nobody-here', and there is no such user here; ./~nobody-here/cache names a "
     "folder '~nobody-here' here"),
    # Another user's home is not $HOME.
    (["build", "seeds", "--out=~root/dist"], "Invalid value for '--out': ~root/dist starts "
     "with '~root', which the shell did not expand (it does so only at the start of a word: "
     "not after '=' nor in quotes); write --out ~root/dist as two words, or start it with "
     f"{os.path.expanduser('~root')}; ./~root/dist names a folder '~root' here"),
    (["validate", "~/dist"], "Invalid value for 'PATHS...': ~/dist starts with '~', which "
     "the shell did not expand (it does so only at the start of a word: not after '=' nor "
     "in quotes); write it without quotes, or start it with $HOME"),
])
def test_a_path_starting_with_a_tilde_the_shell_left_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        args: list[str], says: str) -> None:
    """``--out=~/x`` (bash expands no ~ after '=') made a folder named ~ in the working
    folder (QA); a folder of that name that is there was meant, and is taken."""
    monkeypatch.chdir(tmp_path)
    make_seeds(tmp_path, GOOD)
    capsys.readouterr()
    assert main(args) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert says in err, err
    assert sorted(path.name for path in tmp_path.iterdir()) == ["seeds"]
    if args[0] == "build":
        (tmp_path / args[-1].removeprefix("--out=").split("/")[0]).mkdir()
        assert main([*args, "--jobs", "1"]) == 0


@pytest.mark.parametrize("args", [
    ["build", "seeds", "--out", "--no-cache"],
    ["release", "--seeds", "seeds", "--out", "--dry-run"],
    ["release", "--seeds", "seeds", "--cache", "--jobs=1"],
    ["export", "dist/corpuskit-seeds-1.0.0", "--format", "csv", "--out", "--json"],
])
def test_an_option_taken_for_the_path_of_the_one_before_it_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        args: list[str]) -> None:
    """``--out $OUT --no-cache`` with OUT unset: the next option was taken for the path (a
    build into a folder named --no-cache, with the cache; an export into a file named
    --json, with no JSON printed, QA). A file of that name, there, was meant."""
    monkeypatch.chdir(tmp_path)
    make_seeds(tmp_path, GOOD)
    capsys.readouterr()
    assert main(args) == 2
    err = " ".join(capsys.readouterr().err.split())
    option, value = args[-2], args[-1]
    assert f"Invalid value for '{option}': {value!r} is an option of this command, not a " \
           f"path: {option} was given no value (a variable unset or empty?); give it one, " \
           f"or write ./{value} for a file of that name" in err, err
    assert sorted(path.name for path in tmp_path.iterdir()) == ["seeds"]
    if args[0] == "build":
        (tmp_path / "--no-cache").mkdir()
        assert main([*args, "--jobs", "1"]) == 0


@pytest.mark.parametrize("command", ["build", "release", "validate", "check"])
@pytest.mark.parametrize("given", ["x", "1.5", ""])
def test_jobs_that_is_no_whole_number_is_said_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, given: str) -> None:
    """click said of ``-j x`` that "'x' is not a valid integer range" (QA)."""
    seeds = make_seeds(tmp_path, GOOD)
    args = {"build": [str(seeds)], "validate": [str(seeds)], "release": ["--seeds", str(seeds)],
            "check": ["--seeds", str(seeds)]}[command]
    capsys.readouterr()
    assert main([command, *args, "--jobs", given]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert f"Invalid value for '--jobs' / '-j': {given!r} is not a whole number: give the " \
           "worker processes to run, from 1 to 1024" in err, err


def test_an_exclude_pattern_matches_a_name_in_another_unicode_normalization(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Names a Mac wrote in NFD ("u" and a combining diaeresis) against patterns typed in
    NFC ("ü"): the drafts they were to keep out were packaged, with no note (QA). A
    pattern with a space at its end, which no name the build takes has, is noted."""
    seeds = make_seeds(tmp_path, {**GOOD, "Entwu\u0308rfe/plan.txt": "A private draft.\n",
                                  "geheime-Notize\u0301n.txt": "Secret notes.\n",
                                  "drafts/d.txt": "A draft.\n"},
                       {"discover": {"exclude": ["Entw\u00fcrfe/", "geheime-Notiz\u00e9n.txt",
                                                 "drafts/ "]}})
    for cache in (tmp_path / "cache", tmp_path / "cache"):  # the listing remembered too
        code, err = run_build(seeds, tmp_path / "out", capsys, "--cache", str(cache))
        assert code == 0, err
        raw = tmp_path / "out" / "test-corpus-1.0.0" / "data" / "raw"
        assert sorted(p.relative_to(raw).as_posix() for p in raw.rglob("*.txt")) == \
            ["drafts/d.txt", "good.txt"]
        assert "note: discover.exclude[2] 'drafts/ ' matches no file or folder: no name " \
            "the build takes ends with a space; 'drafts/' matches, and what it " \
            "matches was read as documents" in err
        shutil.rmtree(tmp_path / "out")


def test_the_readme_names_every_key_of_corpus_toml() -> None:
    """An unknown key is told that the README's corpus.toml section lists every key, and
    givenName, familyName and a source's email were in none of it (QA)."""
    from corpuskit.config import CONFIG_SCHEMA
    from corpuskit.schemacheck import load_schema

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    section = readme[readme.index("```toml\nname = \"my-corpus\""):]
    section = section[:section.index("\n```\n")]
    missing = sorted({key.rsplit(".", 1)[-1].removesuffix("[]")
                      for key, _ in _schema_keys(load_schema(CONFIG_SCHEMA))}
                     - set(re.findall(r"[A-Za-z_]+", section)))
    assert missing == [], missing
