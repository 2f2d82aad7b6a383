"""tools/derive_tables.py, which re-derives the decoding rules' data tables from the
system's man pages and message catalogues: its counting, on small inputs whose tables are
worked out by hand, and its commands, on a fake system folder (offline: nothing here reads
/usr/share)."""

from __future__ import annotations

import gzip
import struct
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import REPO

from corpuskit.decoding.cyrillicpairs import _ALPHABET, _COSTS

TOOLS = REPO / "tools"


def _tool() -> ModuleType:
    sys.path.insert(0, str(TOOLS))
    try:
        import derive_tables
    finally:
        sys.path.remove(str(TOOLS))
    return derive_tables


derive = _tool()


def mo_file(entries: list[tuple[bytes, bytes]], *, big_endian: bool = False) -> bytes:
    """A GNU message catalogue (.mo) holding ``entries`` (original, translation), sorted
    by original as msgfmt writes them."""
    entries = sorted(entries)
    order = ">" if big_endian else "<"
    originals_at = 28
    translations_at = originals_at + 8 * len(entries)
    strings_at = translations_at + 8 * len(entries)
    tables, strings = b"", b""
    for which in (0, 1):
        for entry in entries:
            tables += struct.pack(f"{order}2I", len(entry[which]),
                                  strings_at + len(strings))
            strings += entry[which] + b"\0"
    head = struct.pack(f"{order}7I", 0x950412DE, 0, len(entries), originals_at,
                       translations_at, 0, 0)
    return head + tables + strings


# -- Letter pairs --------------------------------------------------------------------------


def test_pairs_are_counted_in_lower_cased_words_with_their_edges() -> None:
    counts = derive.pair_counts(["Ну, ДА! hello ну"])
    assert counts == {" н": 2, "ну": 2, "у ": 2, " д": 1, "да": 1, "а ": 1}


def test_a_pair_with_a_letter_outside_the_alphabet_is_not_counted() -> None:
    # ў is Cyrillic (a word goes on through it) but no row or column of the table.
    assert derive.pair_counts(["ўа"]) == {"а ": 1}


def test_a_pair_costs_its_bits_given_half_a_pair_more_rounded_at_most_fifteen() -> None:
    costs = derive.pair_costs({" а": 18, "аб": 100_000})
    assert len(costs) == len(_ALPHABET) and all(len(row) == len(_ALPHABET) for row in costs)
    start, a, b = costs[0], costs[1], costs[2]
    # Row " ": 18.5 of 18 + 38 halves = 37, half: 1 bit; the rest 0.5 / 37: log2(74), 6.2.
    assert start[1] == "1" and set(start[:1] + start[2:]) == {"6"}
    # Row "а": б all but always (0 bits), the rest log2(200,038) = 17.6 bits, at most 15.
    assert a[2] == "0" and set(a[:2] + a[3:]) == {"f"}
    # A row never seen: each pair 1 of 38, log2(38) = 5.2 bits.
    assert b == "5" * len(_ALPHABET)


def test_the_costs_are_written_as_cyrillicpairs_writes_them() -> None:
    written = derive.format_costs(_COSTS)
    assert written.startswith(f'_COSTS = (\n    "{_COSTS[0]}",  # (a word\'s start)\n'
                              f'    "{_COSTS[1]}",  # а\n')
    assert written.endswith(f'    "{_COSTS[-1]}",  # ґ\n)')
    assert written in (REPO / "corpuskit" / "decoding" / "cyrillicpairs.py").read_text("utf-8")


def test_each_cost_that_differs_is_named() -> None:
    derived = list(_COSTS)
    derived[0] = "0" + derived[0][1:]  # start -> end: f -> 0
    derived[2] = derived[2][:3] + "e" + derived[2][4:]  # б -> в: f -> e
    assert derive.cost_differences(derived, _COSTS) == [
        "_COSTS['(start)' -> '(end)']: committed f, derived 0",
        "_COSTS['б' -> 'в']: committed f, derived e"]
    assert derive.cost_differences(_COSTS, _COSTS) == []


# -- Letter shares ------------------------------------------------------------------------


def test_a_catalogue_gives_its_translations_plural_forms_and_all_but_its_header() -> None:
    data = mo_file([(b"", b"Content-Type: text/plain; charset=UTF-8\n"),
                    (b"file", "קובץ".encode()),
                    (b"one file\0%d files", "קובץ אחד\0%d קבצים".encode()),
                    (b"menu\x04Open", "פתח".encode())])
    assert derive.mo_messages(data) == ["קובץ", "פתח", "קובץ אחד", "%d קבצים"]


def test_a_catalogue_is_decoded_in_its_charset_either_byte_order() -> None:
    data = mo_file([(b"", b"Content-Type: text/plain; charset=CP1251\n"),
                    (b"yes", "да".encode("cp1251"))], big_endian=True)
    assert derive.mo_messages(data) == ["да"]


@pytest.mark.parametrize("data", [b"", b"\0" * 28, b"GNU catalogue?" * 4])
def test_what_is_no_catalogue_is_refused(data: bytes) -> None:
    with pytest.raises(ValueError, match="message catalogue"):
        derive.mo_messages(data)


def test_long_lines_are_the_distinct_lines_of_seven_words_or_more() -> None:
    seven = "one two three four five six seven"
    six = "one two three four five six"
    messages = [f"{seven}\n{six}", seven, f"short\n{seven} eight"]
    assert derive.long_lines(messages) == [seven, f"{seven} eight"]


def test_hebrew_letters_are_counted_final_forms_apart_and_nothing_else() -> None:
    # A sign (hiriq, U+05B4), a Latin letter and a digit are no Hebrew letters.
    assert derive.hebrew_letter_counts(["מִן ם x1", "אמא"]) == {"מ": 2, "ן": 1, "ם": 1, "א": 2}


def test_cyrillic_letters_are_counted_lower_cased() -> None:
    assert derive.cyrillic_letter_counts(["Ёж, ЁЖ! x 1 «а»"]) == {"ё": 2, "ж": 2, "а": 1}


def test_hebrew_shares_are_per_mille_to_a_tenth() -> None:
    assert derive.hebrew_shares(["אאב", "ב"]) == {"א": 500.0, "ב": 500.0}
    assert derive.hebrew_shares(["אאב"]) == {"א": 666.7, "ב": 333.3}


def test_cyrillic_shares_are_the_languages_shares_averaged() -> None:
    # Russian: а 500, б 500; Ukrainian: а 1000 (б 0); Bulgarian: а 250, в 750.
    shares = derive.cyrillic_shares([["аб"], ["аа"], ["аввв"]])
    assert shares == {"а": 583.3, "б": 166.7, "в": 250.0}


def test_a_letter_whose_share_rounds_to_nothing_is_left_out() -> None:
    # ґ: 1 of 10,001 letters (0.09999 per mille) in one language of two: 0.04999, 0.0.
    shares = derive.cyrillic_shares([["а" * 10_000 + "ґ"], ["б"]])
    assert shares == {"а": 500.0, "б": 500.0}


def test_the_shares_are_written_as_the_code_writes_them() -> None:
    shares = dict(zip("абвгдежзи", range(1, 10), strict=True))
    assert derive.format_shares("_S", shares) == (
        '_S = {\n    "а": 1.0, "б": 2.0, "в": 3.0, "г": 4.0, "д": 5.0, "е": 6.0, "ж": 7.0, '
        '"з": 8.0,\n    "и": 9.0,\n}')
    hebrew, cyrillic, _ = derive.committed_hebrew_tables()
    code = "".join(path.read_text("utf-8") for path in (REPO / "corpuskit").rglob("*.py"))
    assert derive.format_shares("_HEBREW_SHARES", hebrew) in code
    assert derive.format_shares("_CYRILLIC_SHARES", cyrillic) in code


def test_each_share_that_differs_or_only_one_table_holds_is_named() -> None:
    assert derive.share_differences("_S", {"а": 1.0, "б": 2.5}, {"а": 1.0, "б": 2.4,
                                                                   "в": 0.5}) == [
        "_S['б']: committed 2.4, derived 2.5", "_S['в']: committed 0.5, derived nothing"]


# -- The commands, on a fake system folder ---------------------------------------------


def test_the_pairs_command_prints_the_table_or_names_what_differs(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "ru" / "man1" / "ls.1.gz"
    page.parent.mkdir(parents=True)
    page.write_bytes(gzip.compress(".TH LS 1\nда\n".encode()))
    (tmp_path / "uk" / "man1").mkdir(parents=True)
    (tmp_path / "uk" / "man1" / "dir.1.gz").symlink_to(page)  # a link is one more page
    assert derive.main(["cyrillic-pairs", "--man", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert err == "2 man pages, 24 characters\n"
    rows = derive.pair_costs({" д": 2, "да": 2, "а ": 2})
    assert out == derive.format_costs(rows) + "\n"
    assert derive.main(["cyrillic-pairs", "--check", "--man", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert "_COSTS['(start)' -> 'а']: committed 6, derived 5\n" in out
    assert err.endswith(" entries differ from the committed table\n")


def test_the_shares_commands_read_each_languages_catalogues(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seven = "ок ок ок ок ок ок ок"
    for language, line in (("he", "אב אב אב אב אב אב אב"), ("ru", seven),
                           ("uk", f"{seven}\n{seven}"), ("bg", "Кот кот кот кот кот кот кот")):
        folder = tmp_path / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "a.mo").write_bytes(mo_file([(b"x", line.encode())]))
    assert derive.main(["hebrew-shares", "--locale", str(tmp_path)]) == 0
    assert capsys.readouterr() == ('_HEBREW_SHARES = {\n    "א": 500.0, "ב": 500.0,\n}\n',
                                   "14 Hebrew letters\n")
    assert derive.main(["cyrillic-shares", "--locale", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    # Russian and Ukrainian о 500, к 500 (Ukrainian's line once); Bulgarian к, о, т a third.
    assert out == ('_CYRILLIC_SHARES = {\n    "к": 444.4, "о": 444.4, "т": 111.1,\n}\n'
                   "_RAREST_SHARE = 111.1\n")
    assert err == "49 Cyrillic letters\n"
    assert derive.main(["cyrillic-shares", "--check", "--locale", str(tmp_path)]) == 1
    out, _ = capsys.readouterr()
    assert "_CYRILLIC_SHARES['а']: committed 99.6, derived nothing\n" in out
    assert out.endswith("_RAREST_SHARE: committed 0.5, derived 111.1 "
                        "(the least share of _CYRILLIC_SHARES)\n")


def test_a_missing_or_unreadable_source_is_named(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert derive.main(["hebrew-shares", "--locale", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"derive_tables: {tmp_path / 'he' / 'LC_MESSAGES'}: no message catalogue (*.mo) "
        "found; give the folder of the catalogues with --locale\n")
    broken = tmp_path / "he" / "LC_MESSAGES" / "broken.mo"
    broken.parent.mkdir(parents=True)
    broken.write_bytes(b"not a catalogue at all")
    assert derive.main(["hebrew-shares", "--check", "--locale", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"derive_tables: {broken}: cannot be read as a message catalogue (it does not start "
        "with a message catalogue's magic number)\n")
    page = tmp_path / "ru" / "man1" / "ls.1.gz"
    page.parent.mkdir(parents=True)
    page.write_bytes(b"not gzipped")
    assert derive.main(["cyrillic-pairs", "--man", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith(
        f"derive_tables: {page}: cannot be read as a gzipped UTF-8 man page (")
