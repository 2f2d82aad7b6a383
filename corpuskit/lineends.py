"""Files whose line ends Git converted, and what to tell the user of them.

Git's line-end handling (``core.autocrlf``, or a ``text``/``eol`` attribute such as
``* text=auto``) rewrites a text file's line ends as it checks it out (LF to CR LF) or
commits it (CR LF to LF). A release's files then no longer match its manifests, and seeds
so converted build other raw bytes than were released: neither is damage, nor a change to
release. A file is taken to be so converted when its sha256 is not the one recorded for
it but that of its bytes with their line ends swapped is (CR LF to LF, or LF to CR LF).
Only files already found not to match are looked at again, so a sound package costs
nothing more.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .gitworktree import keeps_bytes, work_tree
from .problems import Problem
from .regularfiles import open_regular
from .wording import command, shell_word

if TYPE_CHECKING:
    from .diff import Diff

#: A manifest's entries of raw files start with this (as :data:`corpuskit.package.RAW_PREFIX`).
RAW_PREFIX = "data/raw/"
#: The payload manifest corpuskit writes.
MANIFEST = "manifest-sha256.txt"
#: What a problem's message says of a file Git converted (validate adds it to the
#: file's checksum-mismatch; the summaries look for it).
CONVERTED = "converted by Git's line-end handling"
#: What it says instead where no Git work tree holds the package: an editor, a tool such
#: as unix2dos or a copy in text mode did it, and Git's advice would not apply (QA s101:
#: a consumer's package, in no repository, was told to edit a .gitattributes and to run
#: 'git checkout -- .', which discards a surrounding repository's uncommitted work).
_CONVERTERS = ("as an editor, a tool such as unix2dos or a copy or transfer in text mode "
               "(FTP's ASCII mode) converts text")
CONVERTED_OUTSIDE_GIT = f"converted since it was built, {_CONVERTERS} (no Git work tree holds it)"
#: What check, build and release say of files (or zips) whose line ends were converted
#: where no Git work tree holds their folders (:func:`line_ends_advice`): the same cause
#: as :data:`CONVERTED_OUTSIDE_GIT`, said of files or a zip alike (validate stopped
#: blaming Git there in QA s101; these still gave the .gitattributes advice and
#: 'git checkout -- seeds dist').
CONVERTED_NOT_BY_GIT = f"converted {_CONVERTERS}, not by Git"
#: What to do about files so converted: put their bytes back as they were built.
FILES_AS_BUILT = ("put their line ends back as they were built: take the files again from "
                  "where they came, copied or transferred as binary (an FTP client's binary "
                  "mode), or convert them back (dos2unix or unix2dos, whichever undoes the "
                  "change)")
#: What to do about a zip so converted: no tool converts its bytes back with certainty (a
#: CR LF the zip held before is made LF too).
ZIPS_AS_BUILT = ("take the zip again from where it came (a published copy), copied or "
                 "transferred as binary (an FTP client's binary mode)")

_LONE_LF = re.compile(rb"(?<!\r)\n")
_CHUNK = 1 << 20
#: A manifest is read up to this many entries (a package of 100,000 documents has about
#: 100,010).
_MANIFEST_ENTRIES = 10_000_000


def swapped_digests(chunks: Iterable[bytes]) -> tuple[str, str, str]:
    """The sha256 (hex) of the bytes ``chunks`` make, of them with every CR LF made LF,
    and of them with every LF not after a CR made CR LF; read in chunks, memory flat."""
    plain, to_lf, to_crlf = hashlib.sha256(), hashlib.sha256(), hashlib.sha256()
    carry = b""
    for chunk in chunks:
        plain.update(chunk)
        data = carry + chunk
        # A CR at a chunk's end may begin a CR LF: it waits for the next chunk. The
        # byte before each chunk's first LF is in the data (kept, or carried).
        keep = 1 if data.endswith(b"\r") else 0
        whole, carry = (data[:-keep], data[-keep:]) if keep else (data, b"")
        lf = whole.replace(b"\r\n", b"\n")
        to_lf.update(lf)
        # Every LF with one CR before it: the CR each had taken away, then one put before
        # each, which is every LF not after a CR made CR LF (the definition, tested), at
        # the speed of bytes.replace: a regular expression's substitution took 150 ns an
        # LF, 4.9 s for a damaged records file of 32 MiB of empty lines (QA s95)
        to_crlf.update(lf.replace(b"\n", b"\r\n"))
    to_lf.update(carry)
    to_crlf.update(carry)
    return plain.hexdigest(), to_lf.hexdigest(), to_crlf.hexdigest()


def _file_chunks(path: Path | str) -> Iterable[bytes]:
    # a pipe or device there is refused at once, never waited on
    with os.fdopen(open_regular(str(path), checking=True), "rb") as handle:
        while chunk := handle.read(_CHUNK):
            yield chunk


def converted(chunks: Iterable[bytes], recorded: str) -> str | None:
    """How the bytes of ``chunks``, if their sha256 is not ``recorded`` (hex), were converted
    from bytes whose sha256 is: ``"CR LF to LF"`` or ``"LF to CR LF"``; None if neither."""
    plain, to_lf, to_crlf = swapped_digests(chunks)
    recorded = recorded.lower()
    if plain == recorded:  # as recorded: not converted
        return None
    if to_lf == recorded:  # these bytes have CR LF where the recorded ones had LF
        return "LF to CR LF"
    if to_crlf == recorded:
        return "CR LF to LF"
    return None


def file_converted(path: Path | str, recorded: str) -> str | None:
    """:func:`converted` of a file; None too where it cannot be read."""
    try:
        return converted(_file_chunks(path), recorded)
    except OSError:
        return None


def crlf_throughout(path: Path | str) -> int:
    """How many CR LF the file at ``path`` holds when every LF in it follows a CR, as in a
    binary file (a release's zip) whose LF Git's line-end handling made CR LF on checkout
    (a ``text`` attribute forced on it): at least two, as a zip's compressed bytes, where
    about one byte in 256 is an LF, almost never keep to that. 0 otherwise, or where it
    cannot be read. Asked only of a zip already failing its seal (read once more)."""
    found, last = 0, b""
    try:
        for chunk in _file_chunks(path):
            if _LONE_LF.search(last + chunk):  # the byte before the chunk's first LF too
                return 0
            found += chunk.count(b"\n")
            last = chunk[-1:]
    except OSError:
        return 0
    return found if found >= 2 else 0


def zip_converted(archive: Path) -> bool:
    """Whether the release's zip ``archive``, found damaged, is one whose line ends Git
    converted (:func:`crlf_throughout`); a symbolic link is never followed (QA s82 review
    6: an older release's zip so converted was told to be restored from a published copy,
    where a checkout from Git writes the same bytes)."""
    return not os.path.islink(archive) and crlf_throughout(archive) > 0


def zips_converted_advice(out: Path, zips: Sequence[Path]) -> str:
    """What to do about release ``zips`` in the folder of releases ``out`` whose line ends
    Git converted (:func:`zip_converted`): check, release and build give it for any zip of
    a release they read, as validate does."""
    one = len(zips) == 1
    which = ("" if one else "each of ") + shown([str(path) for path in zips])
    return line_ends_advice((out,), (
        f"every LF byte in {which} follows a CR, as a zip's compressed bytes almost never "
        f"do: {'it has' if one else 'they have'} CR LF where the {'zip' if one else 'zips'} "
        f"as written {'has' if one else 'have'} LF"), as_built=ZIPS_AS_BUILT if one else (
            ZIPS_AS_BUILT.replace("the zip", "each zip")), files=zips)


def read_manifest(release: Path) -> dict[str, str]:
    """The entries of a release's ``manifest-sha256.txt`` (path in the package to hex
    digest), from its folder or its zip, read as validate reads it
    (:func:`~corpuskit.validation.bagit.parse_manifest`); empty where the release or its
    manifest cannot be read. Malformed lines are passed over (validate names them)."""
    from .errors import InputError
    from .reader import open_package
    from .validation.bagit import parse_manifest, split_lines
    from .zipfiles.zipdirectory import ArchiveReadError

    digests: dict[str, str] = {}
    problems: list[Problem] = []
    try:
        with open_package(release) as source, source.open(MANIFEST) as handle:
            parse_manifest(split_lines(iter(lambda: handle.read(_CHUNK), b""), MANIFEST,
                                       problems),
                           MANIFEST, max_entries=_MANIFEST_ENTRIES,
                           check=lambda path, digest, _: digests.__setitem__(path, digest))
    except (InputError, OSError, KeyError, ArchiveReadError):
        return {}
    return digests


def converted_raw_files(release: Path, built: Path) -> tuple[list[str], bool]:
    """The raw files (paths in the seeds, as the package names them under ``data/raw/``)
    of a fresh build ``built`` (a folder) that differ from those of ``release`` (a folder
    or zip) only in line ends, as Git converts them; and whether the two hold the same
    raw files but for those (none added, removed or otherwise changed). Only raw files
    whose recorded sha256 differ are read."""
    kept, fresh = read_manifest(release), read_manifest(built)
    kept_raw = {path: digest for path, digest in kept.items() if path.startswith(RAW_PREFIX)}
    fresh_raw = {path: digest for path, digest in fresh.items()
                 if path.startswith(RAW_PREFIX)}
    if not kept_raw or not fresh_raw:
        return [], False
    found: list[str] = []
    other = set(kept_raw) != set(fresh_raw)
    for path, digest in sorted(fresh_raw.items()):
        recorded = kept_raw.get(path)
        if recorded is None or recorded == digest:
            continue
        if file_converted(built / path, recorded) is not None:
            found.append(path[len(RAW_PREFIX):])
        else:
            other = True
    return found, bool(found) and not other


def converted_seeds(seeds: Path, release: Path) -> list[str]:
    """The seeds' files (paths in the seeds) whose bytes differ from those ``release``
    (a folder or zip) records for them under ``data/raw/`` only in line ends, as Git
    converts them. Reads every seeds file the release holds: asked only where every
    change found is one of raw input alone."""
    found = []
    for path, recorded in sorted(read_manifest(release).items()):
        if not path.startswith(RAW_PREFIX):
            continue
        rel = path[len(RAW_PREFIX):]
        if file_converted(seeds / rel, recorded) is not None:
            found.append(rel)
    return found


def raw_input_alone(found: Diff | None) -> bool:
    """Whether the diff ``found`` is of documents whose raw input alone changed (their
    text and metadata the same), none added or removed, the package metadata the same."""
    return (found is not None and bool(found.changed) and not found.added
            and not found.removed and not found.metadata
            and all(change.kind == "source" for change in found.changed))


def in_work_tree(folder: Path | str) -> str:
    """``folder`` as a pattern of the top-level ``.gitattributes`` takes it: relative to
    the Git work tree it is in (found by walking up for ``.git``), else as given."""
    top = work_tree(folder)
    if top is not None:
        rel = Path(os.path.abspath(folder)).relative_to(top).as_posix()
        return rel if rel != "." else str(folder)
    return Path(folder).as_posix()


def in_git(folders: Iterable[Path | str]) -> bool:
    """Whether a Git work tree holds any of ``folders`` (:func:`work_tree`)."""
    return any(work_tree(folder) is not None for folder in folders)


def git_converted(seeds: Path, files: Sequence[str]) -> bool:
    """Whether Git's line-end handling may have converted the seeds' ``files`` (paths in
    the seeds): a work tree holds the seeds, and its attributes do not keep their bytes
    (:func:`~corpuskit.gitworktree.keeps_bytes`), as :func:`line_ends_advice` decides."""
    return bool(files) and in_git((seeds,)) and not keeps_bytes([seeds / rel for rel in files])


def line_ends_advice(folders: Sequence[Path | str], converted_now: str, *,
                     seeds_too: bool = False, as_built: str = FILES_AS_BUILT,
                     files: Sequence[Path | str] = ()) -> str:
    """What to do about files whose line ends were converted: ``converted_now`` says
    which were (``"the release's text files have CR LF line ends ..."``); ``folders``:
    the seeds and output folders as given, whose bytes Git must keep; ``seeds_too``: the
    seeds folder is not known (validate), and named so. One text for check, validate,
    build and release.

    Where a Git work tree holds every folder, Git's line-end handling did it: the
    ``.gitattributes`` lines that stop it, and 'git checkout' or 'git add --renormalize'
    to put the bytes back. Where none is in a work tree, no Git did it, and that advice
    is wrong there ('git checkout -- .' in a repository around them discards its work):
    :data:`CONVERTED_NOT_BY_GIT`, and ``as_built`` (:data:`FILES_AS_BUILT`, or
    :data:`ZIPS_AS_BUILT` for zips) says how to put them back. Where some
    are and some are not (seeds in a repository, the output folder outside it, or the
    reverse), the Git advice names only the folders in a work tree, and the others are
    named after it as in none, with ``as_built``: which folder's files were converted
    is not told here, and each gets what applies to it.

    ``files``: the converted files (or zips), where known. Where the work tree's
    attributes already keep the bytes of each of them (``-text``:
    :func:`~corpuskit.gitworktree.keeps_bytes`), Git did not convert them, and the
    ``.gitattributes`` lines to add are there already (QA s101: an editor's CR LF in a
    protected seeds file was told to add the line the file had): they are said to be
    converted otherwise, and ``as_built``, then committed where a commit holds them so."""
    held = [work_tree(folder) is not None for folder in folders]
    inside = [folder for folder, in_tree in zip(folders, held, strict=True) if in_tree]
    outside = [folder for folder, in_tree in zip(folders, held, strict=True) if not in_tree]
    if not inside:
        return (f"{converted_now}: {CONVERTED_NOT_BY_GIT} (no Git work tree holds "
                f"{_folders(outside)}); {as_built}")
    if keeps_bytes(files):
        return (f"{converted_now}: {CONVERTED_NOT_BY_GIT} (the attributes of the Git work "
                "tree already keep their bytes as they are: 'git check-attr text' says "
                f"unset); {as_built}, then commit them where a commit holds them converted")
    patterns = " and ".join(f"'{in_work_tree(folder).rstrip('/')}/** -text'"
                            for folder in inside) + (
        " (and the same line for the seeds folder)" if seeds_too else "")
    given = " ".join(shell_word(str(folder)) for folder in inside)
    told = (f"{converted_now}: {CONVERTED} (core.autocrlf, or a text or eol attribute "
            f"such as '* text=auto' in .gitattributes), which rewrites text files' line ends "
            f"as it checks them out or commits them; to keep their bytes as they are, the "
            f".gitattributes at the top of the work tree should hold {patterns}, with no "
            "later line that overrides them (of the lines that match a file, the last wins: "
            f"a later '* text=auto' does); then check the files out again (remove them and "
            f"run 'git checkout -- {given}'), or where the commits hold them converted, put "
            f"them back as they were built and commit them with 'git add --renormalize "
            f"{given}'")
    if outside:
        told += (f"; no Git work tree holds {_folders(outside)}: where files there were "
                 f"converted, they were {CONVERTED_NOT_BY_GIT}: {as_built}")
    return told


def _folders(folders: Sequence[Path | str]) -> str:
    """``folders`` named as given, joined with "or"."""
    return " or ".join(str(folder) for folder in folders)


def seeds_converted_advice(seeds: Path, out: Path, release: Path, files: Sequence[str],
                           bump: str | None = None) -> str:
    """What to do about the seeds' ``files`` (paths in the seeds), whose bytes differ from
    those ``release`` in ``out`` holds for them only in line ends (check, build, release);
    ``bump``: the one release was given, kept in the command that releases them."""
    which = "file" if len(files) == 1 else "files"
    on_purpose = command("release", seeds=seeds, out=out,
                         arguments=(*((bump,) if bump else ()), "--allow-line-ends"))
    return line_ends_advice((seeds, out), f"{shown([str(seeds / rel) for rel in files])} "
                            f"{'differs' if len(files) == 1 else 'differ'} from the raw {which} "
                            f"{release} holds only in line ends",
                            files=[seeds / rel for rel in files]) + (
        # (QA: a change made on purpose was told only to stop Git)
        f"; if the line ends were changed on purpose, '{on_purpose}' releases them")


def converted_note(how: str, *, in_git: bool = True) -> str:
    """What validate adds to the checksum-mismatch of a file ``how`` converted; ``in_git``:
    a Git work tree holds it (else :data:`CONVERTED_OUTSIDE_GIT`)."""
    return (f"its bytes match that sha256 once their line ends are made {how.split(' to ')[0]} "
            f"again: {CONVERTED if in_git else CONVERTED_OUTSIDE_GIT}")


def said_converted(messages: Iterable[str]) -> bool:
    """Whether any of ``messages`` says Git converted a file (:func:`converted_note`)."""
    return any(CONVERTED in message for message in messages)


def said_converted_outside_git(messages: Iterable[str]) -> bool:
    """Whether any of ``messages`` says a file no Git work tree holds was converted."""
    return any(CONVERTED_OUTSIDE_GIT in message for message in messages)


def shown(paths: Sequence[str], limit: int = 3) -> str:
    """A few of ``paths``, and how many more."""
    named = ", ".join(paths[:limit])
    return named + (f" and {len(paths) - limit} more" if len(paths) > limit else "")


__all__ = ["CONVERTED", "CONVERTED_NOT_BY_GIT", "CONVERTED_OUTSIDE_GIT", "FILES_AS_BUILT",
           "ZIPS_AS_BUILT", "converted", "converted_note", "converted_raw_files",
           "converted_seeds", "crlf_throughout", "file_converted", "git_converted", "in_git",
           "in_work_tree",
           "line_ends_advice", "raw_input_alone", "read_manifest",
           "said_converted", "said_converted_outside_git", "seeds_converted_advice", "shown",
           "swapped_digests", "zip_converted", "zips_converted_advice"]
