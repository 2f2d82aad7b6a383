"""Archives of other formats than zip, told by their first bytes, so that a package handed
over as a ``.tar.gz`` (or a ``.7z``...) is named for what it is, with the command that
unpacks it, rather than called "not a zip".

corpuskit reads a package as a folder or as the zip ``build`` writes; it opens no other
format. Only a compressed file's first few hundred bytes are inflated here, to see whether
it holds a tar archive: never more, whatever the file.
"""

from __future__ import annotations

import os
import re
import zlib
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from .regularfiles import open_regular
from .wording import shell_word

#: Where a tar archive's header says ``ustar`` (POSIX and GNU tar both write it there).
_TAR_MAGIC_AT = 257
_TAR_MAGIC = b"ustar"
#: The bytes read of a file: enough for a tar header inside a compressed stream.
_HEAD_BYTES = 4096


@dataclass(frozen=True)
class OtherArchive:
    """An archive of a format corpuskit does not read: what it is and how to unpack it."""

    what: str
    #: The command that unpacks it (the path follows), or None for a compressed file that
    #: holds no archive, which holds no package either.
    unpack: str | None

    def advice(self, path: Path) -> str:
        """Why ``path`` is refused and what to do, after its path in a problem."""
        refused = (f"{self.what}, not a package folder or a .zip package archive (corpuskit "
                   "reads a package as the folder or the .zip that build writes)")
        if self.unpack is None:
            return f"{refused}; pass a release's folder or its .zip"
        return (f"{refused}; unpack it ('{self.unpack} {shell_word(str(path))}') and pass "
                "the package folder it holds, or get the release's .zip")


def _is_tar(head: bytes) -> bool:
    return head[_TAR_MAGIC_AT:_TAR_MAGIC_AT + len(_TAR_MAGIC)] == _TAR_MAGIC


def _inflated_head(data: bytes, kind: str) -> bytes:
    """The first bytes ``data`` (a compressed file's first bytes) inflates to, as far as
    they go; empty if they do not inflate."""
    import bz2  # only here: every build imports this module, and seldom needs them
    import lzma

    try:
        if kind == "gzip":
            return zlib.decompressobj(wbits=16 + zlib.MAX_WBITS).decompress(data, 1024)
        if kind == "bzip2":
            return bz2.BZ2Decompressor().decompress(data, 1024)
        return lzma.LZMADecompressor().decompress(data, 1024)
    except (zlib.error, OSError, EOFError, lzma.LZMAError):
        return b""


#: The names of compressed tar archives.
_TAR_NAME = re.compile(r"\.(tar\.[a-z0-9]+|t[gbx]z2?|tbz|tzst)$", re.IGNORECASE)
_ARTICLE = {"gzip": "a", "bzip2": "a", "xz": "an"}
#: Compressed formats: their first bytes, name, and the tar option that reads them.
_COMPRESSED = ((b"\x1f\x8b", "gzip", "z"), (b"BZh", "bzip2", "j"),
               (b"\xfd7zXZ\x00", "xz", "J"))
#: Archives and compressed files only named here: first bytes, what, how to unpack.
_NAMED = ((b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "7z x"),
          (b"Rar!\x1a\x07", "a RAR archive", "unrar x"),
          (b"\x28\xb5\x2f\xfd", "a zstd-compressed file (a .tar.zst?)", "tar --zstd -xf"))


def other_archive(path: Path) -> OtherArchive | None:
    """What the regular file ``path`` is, if it is a tar archive (plain, or compressed with
    gzip, bzip2 or xz), a 7-Zip or RAR archive, or zstd-compressed; None for anything else
    (a zip, a text, a file that cannot be read)."""
    try:
        fd = open_regular(str(path))  # a pipe is never waited on
    except OSError:
        return None
    try:
        head = os.read(fd, _HEAD_BYTES)
    except OSError:
        return None
    finally:
        os.close(fd)
    if _is_tar(head):
        return OtherArchive("a tar archive", "tar -xf")
    for magic, kind, option in _COMPRESSED:
        if head.startswith(magic):
            inflated = _inflated_head(head, kind)
            # bzip2 gives nothing before its first block (up to 900 kB) is whole: its
            # name tells then.
            if _is_tar(inflated) or (not inflated and _TAR_NAME.search(path.name)):
                return OtherArchive(f"{_ARTICLE[kind]} {kind}-compressed tar archive",
                                    f"tar -x{option}f")
            return OtherArchive(f"{_ARTICLE[kind]} {kind}-compressed file"
                                + (" that holds no tar archive" if inflated else ""), None)
    for magic, what, unpack in _NAMED:
        if head.startswith(magic):
            return OtherArchive(what, unpack)
    return None


#: The entries of a zip whose names are looked at by :func:`seeds_in_zip` (a seeds folder
#: zipped is the texts of one corpus; a central directory longer than this is no mistake
#: to name, and is not read whole here).
_SEEDS_ZIP_ENTRIES = 1 << 16


def seeds_in_zip(path: Path) -> str | None:
    """The folder inside the zip ``path`` that is a seeds folder (``""`` for its top: it
    holds ``corpus.toml`` there; ``name/`` for its one top folder), or None: no zip, one
    that cannot be read, a package (it holds ``datapackage.json`` beside ``corpus.toml``)
    or none. A seeds folder zipped was refused as "a file, not a seeds folder" by build,
    and called a damaged package by validate and info (QA)."""
    import zipfile  # only on the paths that refuse a file

    try:
        with zipfile.ZipFile(path) as archive:
            if len(archive.filelist) > _SEEDS_ZIP_ENTRIES:
                return None
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return None
    tops = {name.split("/", 1)[0] for name in names}
    folder = "" if "corpus.toml" in names else (
        f"{next(iter(tops))}/" if len(tops) == 1 else None)
    if folder is None or f"{folder}corpus.toml" not in names \
            or f"{folder}datapackage.json" in names:
        return None
    return folder


def seeds_zip_advice(path: Path, folder: str) -> str:
    """What to do with the zip ``path`` of a seeds folder (``folder`` in it, as
    :func:`seeds_in_zip` gives it): unpack it, and pass the folder."""
    shown = shell_word(str(path))
    if folder:
        return (f"a zip of a seeds folder ({folder} in it holds corpus.toml), not a package "
                f"archive nor a seeds folder: unpack it ('unzip {shown}') and pass the "
                f"folder {folder.rstrip('/')} it holds")
    unpacked = shell_word(path.stem if path.suffix.lower() == ".zip" and path.stem
                          else "seeds")
    return (f"a zip of a seeds folder (it holds corpus.toml at its top), not a package "
            f"archive nor a seeds folder: unpack it into a folder ('unzip {shown} -d "
            f"{unpacked}') and pass that folder")


#: Entries read of a zip to tell where a package is in it: a package of a million
#: documents fits (its names alone are read, on the paths that refuse the zip).
_PACKAGE_ZIP_ENTRIES = 1 << 21
#: The largest datapackage.json read to name the release.
_DESCRIPTOR_BYTES = 1 << 20


def misplaced_package(path: Path) -> str | None:
    """What to tell of the zip ``path`` if it holds a package's files elsewhere than in
    one top folder: at its root (zipped from inside the package folder) or one folder
    deeper (zipped from the folder of releases, or of the repository); else None (QA:
    validate named every file missing and unexpected, info "no descriptor", and the
    readers took data/ for the package's folder). Only corpuskit's own zip is a package
    archive (no zip tool writes its reproducible form), so the way out is the release's
    zip, or the folder unzipped."""
    import json
    import zipfile  # only on the paths that refuse a zip

    try:
        with zipfile.ZipFile(path) as archive:
            if len(archive.filelist) > _PACKAGE_ZIP_ENTRIES:
                return None
            names = set(archive.namelist())
            folder = _package_folder(names)
            if folder is None:
                return None
            release = None
            info = archive.getinfo(f"{folder}datapackage.json")
            if info.file_size <= _DESCRIPTOR_BYTES:
                with suppress(ValueError, TypeError, KeyError, AttributeError):
                    descriptor = json.loads(archive.read(info))
                    release = f"{descriptor['name']}-{descriptor['version']}"
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return None
    if release is None or not re.fullmatch(r"[A-Za-z0-9._+-]+", release):
        release = path.name[:-len(path.suffix)] if path.suffix else path.name
    shown = shell_word(str(path))
    again = ("only the zip corpuskit writes is a package archive (no zip tool writes its "
             "form): get the release's zip again ('corpuskit build' writes it), or unzip "
             "this one")
    if not folder:
        return ("the package's files are at the archive's root (datapackage.json, "
                f"bagit.txt...), not in one top folder {release}/ as a package archive "
                f"holds them: it was zipped from inside the package folder; {again} into a "
                f"folder ('unzip {shown} -d {shell_word(release)}') and pass that folder")
    return (f"the package is in {folder} inside the archive, one folder deeper than a "
            f"package archive holds it ({release}/ at its top): it was zipped from the "
            f"folder above the release; {again} ('unzip {shown}') and pass the folder "
            f"{folder.rstrip('/')} it holds")


def _package_folder(names: set[str]) -> str | None:
    """Where in a zip's ``names`` a package is, if not where a package archive holds it:
    ``""`` (its root) or the folder two levels deep (``dist/x-1.0.0/``); else None."""
    if "datapackage.json" in names and "bagit.txt" in names:
        return ""
    found = {name[:-len("datapackage.json")] for name in names
             if name.endswith("/datapackage.json") and name.count("/") == 2}
    found = {folder for folder in found if f"{folder}bagit.txt" in names}
    return found.pop() if len(found) == 1 else None
