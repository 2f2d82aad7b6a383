"""An archive's central directory held in columns (:class:`MemberTable`): the same entries
as zipfile's ``infolist()`` and as a list of :class:`Member` gave, names found by
bisection whatever their order, and :class:`ZipSource`'s lookups through it."""

from __future__ import annotations

import random
import zipfile
from contextlib import nullcontext
from pathlib import Path

import pytest
from _validate_support import built

from corpuskit.validation import archive as structure
from corpuskit.validation.archive import check_archive_structure
from corpuskit.zipfiles.zipdirectory import (
    ArchiveReadError,
    CentralDirectory,
    Member,
    MemberTable,
    member_name_bytes,
    read_central_directory,
    read_members,
)
from corpuskit.zipfiles.zipsource import ZipSource

TOP = "t-1.0.0"


def _table(path: Path, limit: int = 100_000) -> MemberTable:
    with path.open("rb") as handle:
        return read_members(handle, read_central_directory(handle, path.stat().st_size), limit)


def _infolist(path: Path) -> list[tuple[object, ...]]:
    with zipfile.ZipFile(path) as archive:
        return [(i.filename, i.orig_filename, i.flag_bits, i.compress_type, i.CRC,
                 i.compress_size, i.file_size, i.header_offset, i.date_time, i.create_system,
                 i.external_attr) for i in archive.infolist()]


def _zip(path: Path, names: list[str], *, cp437: dict[str, bytes] | None = None) -> Path:
    """A zip of ``names`` in this order (a name given twice is written twice), each entry
    with its own time stamp; names in ``cp437`` then have their bytes replaced as given
    (stored without the UTF-8 flag; as long as the name's bytes they replace)."""
    with pytest.warns(UserWarning) if len(set(names)) < len(names) else nullcontext(), \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, name in enumerate(names):
            info = zipfile.ZipInfo("", (1990 + number % 50, 1 + number % 12, 1 + number % 28,
                                          number % 24, number % 60, number % 60 // 2 * 2))
            info.filename = name  # (as given: ZipInfo() cuts a name at a NUL)
            info.external_attr = (0o40755 if name.endswith("/") else 0o100644) << 16
            archive.writestr(info, b"" if name.endswith("/") else f"text {number}\n" * number)
    if cp437:
        data = path.read_bytes()
        for name, raw in cp437.items():
            data = data.replace(name.encode(), raw)
        path.write_bytes(data)
    return path


SHAPES = {
    "sorted": [f"{TOP}/", f"{TOP}/a.txt", f"{TOP}/b/c.txt", f"{TOP}/b/d.txt", f"{TOP}/é.txt"],
    "unsorted": [f"{TOP}/z.txt", f"{TOP}/a.txt", f"{TOP}/m/", f"{TOP}/m/x.txt",
                 f"{TOP}/Ä.txt", f"{TOP}/b.txt"],
    "duplicates": [f"{TOP}/b.txt", f"{TOP}/a.txt", f"{TOP}/b.txt", f"{TOP}/c.txt",
                   f"{TOP}/a.txt", f"{TOP}/a.txt"],
    "duplicates in order": [f"{TOP}/a.txt", f"{TOP}/b.txt", f"{TOP}/b.txt", f"{TOP}/c.txt"],
    "a NUL in names": [f"{TOP}/b.txt\0x", f"{TOP}/a.txt", f"{TOP}/b.txt\0y"],
}


@pytest.mark.parametrize("shape", [*SHAPES, "cp437", "release"])
def test_the_table_holds_what_zipfile_reads(shape: str, tmp_path: Path) -> None:
    """Field by field as zipfile's infolist(), by index (negative too) and by slices as
    by iteration; names and columns agree with the Members made of them."""
    path = tmp_path / "a.zip"
    if shape == "release":
        path.write_bytes(built().archive.read_bytes())
    elif shape == "cp437":  # "▒" (B1) and "é" (82) in code page 437: no UTF-8 flag
        _zip(path, [f"{TOP}/X.txt", f"{TOP}/a.txt", f"{TOP}/Y.txt"],
             cp437={"/X.txt": b"/\xb1.txt", "/Y.txt": b"/\x82.txt"})
    else:
        _zip(path, SHAPES[shape])
    expected = _infolist(path)
    if shape == "cp437":
        assert [e[0] for e in expected] == [f"{TOP}/▒.txt", f"{TOP}/a.txt", f"{TOP}/é.txt"]
    if shape == "a NUL in names":
        assert [e[1] for e in expected if e[0] != e[1]] == [f"{TOP}/b.txt\0x", f"{TOP}/b.txt\0y"]
    table = _table(path)
    members = list(table)
    assert [tuple(m) for m in members] == expected
    assert all(type(m) is Member for m in members)
    assert [tuple(table[i]) for i in range(len(table))] == expected
    assert [tuple(table[i]) for i in range(-len(table), 0)] == expected
    assert [tuple(m) for m in table[1::2]] == expected[1::2]
    assert list(table.names()) == [e[0] for e in expected]
    assert [table.orig_filename(i) for i in range(len(table))] == [e[1] for e in expected]
    assert list(table.file_sizes()) == [m.file_size for m in members]
    assert list(table.compress_sizes()) == [m.compress_size for m in members]
    assert list(table.header_offsets()) == [m.header_offset for m in members]
    assert list(table.crcs()) == [m.CRC for m in members]
    assert list(table.flag_bits()) == [m.flag_bits for m in members]
    assert list(table.name_lengths()) == [len(member_name_bytes(m)) for m in members]
    names = [e[0] for e in expected]
    assert table.in_order == (names == sorted(names))
    assert table.ascending == (names == sorted(set(names)))
    assert [table.name(i) for i in table.by_name()] == sorted(names)
    for index in (len(table), -len(table) - 1):
        with pytest.raises(IndexError):
            table[index]


@pytest.mark.parametrize("shape", list(SHAPES))
def test_a_name_is_found_whatever_the_order_it_is_asked_in(shape: str,
                                                           tmp_path: Path) -> None:
    """find() gives the first entry of each name (in the directory's order), asked in the
    order of names, in reverse, at random or each twice (the entry after the last found is
    tried first, then that one), and -1 for a name no entry has."""
    table = _table(_zip(tmp_path / "a.zip", SHAPES[shape]))
    names = list(table.names())
    first = {name: names.index(name) for name in names}
    asked = sorted(first) + sorted(first, reverse=True) + random.Random(5).sample(
        sorted(first) * 3, len(first) * 3) + [name for name in sorted(first) for _ in "12"]
    assert [table.find(name) for name in asked] == [first[name] for name in asked]
    for absent in ("", TOP, f"{TOP}/a", f"{TOP}/a.txt/", f"{TOP}/zz", "\udc80", "~",
                   f"{TOP}/b.txt\0x"):
        assert table.find(absent) == -1, absent


def test_names_are_decoded_in_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                      ) -> None:
    """The ASCII names are decoded a batch at a time: every name whole across the batches'
    edges (the names of chosen entries, without their first characters, too), and names
    that are not all ASCII one at a time."""
    names = [f"{TOP}/{n:03}.txt" for n in range(10)]
    monkeypatch.setattr("corpuskit.zipfiles.zipdirectory._BATCH", 3)
    assert list(_table(_zip(tmp_path / "a.zip", names)).names()) == names
    where = bytes([1, 0, 0, 1, 1, 0, 0, 1, 1, 1])
    table = _table(_zip(tmp_path / "a.zip", names))
    chosen = [name[len(TOP) + 1:] for name, keep in zip(names, where, strict=True) if keep]
    assert list(table.names(len(TOP) + 1, where)) == chosen
    names[4] = f"{TOP}/ü.txt"
    table = _table(_zip(tmp_path / "b.zip", names))
    assert list(table.names()) == names
    chosen = [name[len(TOP) + 1:] for name, keep in zip(names, where, strict=True) if keep]
    assert list(table.names(len(TOP) + 1, where)) == chosen
    assert list(MemberTable().finish().names()) == []


def test_an_archive_of_no_entries_has_an_empty_table(tmp_path: Path) -> None:
    table = _table(_zip(tmp_path / "a.zip", []))
    assert (len(table), list(table), table.find(""), table.in_order) == (0, [], -1, True)


def test_the_archives_files_are_found_by_their_names(tmp_path: Path) -> None:
    """ZipSource finds the package's files in the table: a folder entry, an entry refused
    (a name given twice, an unsafe one), one outside the top folder and a name no entry
    has are no file of the package, in an archive whose entries are out of order."""
    path = _zip(tmp_path / "a.zip", [f"{TOP}/z.txt", f"{TOP}/d/", f"{TOP}/dup.txt",
                                     f"{TOP}/a.txt", "other/x.txt", f"{TOP}/dup.txt",
                                     f"{TOP}/d/e.txt", f"{TOP}/bad\\name.txt", f"{TOP}/"])
    with ZipSource(path, strict=False) as source:
        assert source.name == TOP
        assert source.files() == ["a.txt", "d/e.txt", "z.txt"]
        assert source.refused == frozenset({"dup.txt", "bad\\name.txt"})
        for rel in source.files():
            info = source.info(rel)
            assert info.filename == f"{TOP}/{rel}"
            assert source.size(rel) == info.file_size
            assert source.exists(rel)
            with source.open(rel) as member:
                assert len(member.read()) == info.file_size
        for rel in ("", "d", "d/", "dup.txt", "bad\\name.txt", "x.txt", "../other/x.txt",
                    "missing.txt", "\udc80"):
            assert not source.exists(rel), rel
            with pytest.raises(KeyError):
                source.info(rel)
            with pytest.raises(KeyError):
                source.size(rel)
            with pytest.raises(FileNotFoundError):
                source.open(rel)
        problems = [(p.path, p.code, p.message) for p in source.problems]
    assert ("dup.txt", "unsafe-path",
            "2 entries have this name; which one a tool extracts is undefined") in problems
    assert [p for p in problems if "entries have this name" in p[2]] == [problems[
        [p[0] for p in problems].index("dup.txt")]]
    assert any(p[0] == "other/x.txt" and "outside the package's top folder" in p[2]
               for p in problems)


@pytest.mark.parametrize("shape", [*SHAPES, "raw files", "raw files unsorted",
                                   "raw files not ASCII"])
def test_the_files_named_as_they_are_gone_through_are_those_listed(shape: str,
                                                                   tmp_path: Path) -> None:
    """``file_names`` gives the files ``files`` lists, in the order of their names, made
    as they are gone through; the streamed view of an archive counts and hashes the raw
    files, and lists the others, as a list of every name did."""
    from corpuskit.names import ids_look_alike
    from corpuskit.package import RAW_PREFIX
    from corpuskit.validation.records import HASH_MASK, sum_of_path_tokens
    from corpuskit.validation.view import archive_view

    raw = [f"{TOP}/{RAW_PREFIX}p{n % 3}/d{n}.txt" for n in range(40)]
    names = {"raw files": [f"{TOP}/README.md", *sorted(raw)],
             "raw files unsorted": [*reversed(raw), f"{TOP}/README.md"],
             "raw files not ASCII": [*raw, f"{TOP}/{RAW_PREFIX}caf\u00e9.txt",
                                     f"{TOP}/{RAW_PREFIX}cafe\u0301.md"],
             }.get(shape) or SHAPES[shape]
    path = _zip(tmp_path / "a.zip", names)
    with ZipSource(path, strict=False) as source:
        listed = source.files()
        assert list(source.file_names()) == listed == sorted(listed)
        with zipfile.ZipFile(path) as archive:
            counted = [info.filename for info in archive.infolist()]
        expected = sorted(name[len(TOP) + 1:] for name in set(counted)
                          if counted.count(name) == 1 and not name.endswith("/")
                          and "\0" not in name and name.startswith(f"{TOP}/"))
        assert listed == expected
        assert source.ascii_names == all(name.isascii() for name in counted)
        view = archive_view(source, stream_raw=True)
        raw_listed = [rel for rel in listed if rel.startswith(RAW_PREFIX)]
        assert view.files == {rel: source.size(rel) for rel in listed
                              if not rel.startswith(RAW_PREFIX)}
        assert list(view.files) == [rel for rel in listed if not rel.startswith(RAW_PREFIX)]
        assert view.raw_files == len(raw_listed)
        assert view.raw_hash == sum_of_path_tokens(raw_listed) & HASH_MASK
        assert view.may_collide == ids_look_alike(raw_listed)
        assert view.may_collide == (shape == "raw files not ASCII")


@pytest.mark.parametrize("damage", ["none", "a record", "a byte past the end",
                                    "the end record", "cut short"])
def test_the_structure_check_reads_the_directory_in_windows(
        damage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The central directory is read a window at a time: a window of 7 bytes (a record
    read across windows, the end records past the last) finds what one window of all of
    it finds."""
    data = bytearray(built().archive.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    directory = int.from_bytes(data[end + 16:end + 20], "little")
    if damage == "a record":
        data[directory + 200] ^= 0x01
    elif damage == "a byte past the end":
        data += b"\0"
    elif damage == "the end record":
        data[end + 8] ^= 0x01
    elif damage == "cut short":
        del data[-3:]
    path = tmp_path / built().archive.name
    path.write_bytes(bytes(data))
    with ZipSource(path, strict=False) as source:
        whole = check_archive_structure(source, None)
        monkeypatch.setattr(structure, "WINDOW_BYTES", 7)
        assert check_archive_structure(source, None) == whole
    assert bool(whole) == (damage != "none")


def _outcome(path: Path, directory: CentralDirectory) -> object:
    try:
        with path.open("rb") as handle:
            return [tuple(m) for m in read_members(handle, directory, 100_000)]
    except (ArchiveReadError, UnicodeDecodeError) as exc:  # (a name cut inside a character)
        return f"{type(exc).__name__}: {exc}"


@pytest.mark.parametrize("shape", ["release", "unsorted", "a NUL in names"])
def test_the_directory_is_read_a_chunk_at_a_time(shape: str, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Read in chunks of 1, 45 or 100 bytes (an entry across two, three or many), the
    central directory gives what read whole gives: the same entries, and the same error
    where the file ends inside it (cut at every byte of its first entries and its last)."""
    path = tmp_path / "a.zip"
    if shape == "release":
        path.write_bytes(built().archive.read_bytes())
    else:
        _zip(path, SHAPES[shape])
    data = path.read_bytes()
    with path.open("rb") as handle:
        directory = read_central_directory(handle, len(data))
    cuts = sorted({*range(directory.offset, directory.offset + 150),
                   *range(directory.offset + directory.size - 120,
                          directory.offset + directory.size + 1)})
    expected = {}
    for cut in cuts:
        (tmp_path / f"{cut}.zip").write_bytes(data[:cut])
        expected[cut] = _outcome(tmp_path / f"{cut}.zip", directory)
    whole = _outcome(path, directory)
    assert whole == _infolist(path)
    assert expected[directory.offset + 10] == "ArchiveReadError: Truncated central directory"
    for chunk in (1, 45, 100):
        monkeypatch.setattr("corpuskit.zipfiles.zipdirectory._DIRECTORY_CHUNK", chunk)
        assert _outcome(path, directory) == whole
        for cut in cuts:
            assert _outcome(tmp_path / f"{cut}.zip", directory) == expected[cut], (chunk, cut)
