"""Checksums of an archive file as a whole: its seal, and its published ``.sha256``.

Every entry of an archive is verified by content, and every header byte against the
reproducible form (:mod:`.archive`); neither covers a compressed stream changed so that
it still inflates to the same bytes. The **seal** does: corpuskit writes, as the zip
comment, ``corpuskit-sha256:`` and the sha256 of every byte before the comment
(:func:`corpuskit.zipfiles.archiveseal.seal`). It is checked first, from the raw file, so that it is
reported even when the archive cannot be parsed at all. A published checksum,
``<archive>.sha256`` beside the archive (``sha256sum`` format), is verified too when
present. Both digests come from one streaming read of the file (bounded memory).
"""

from __future__ import annotations

import os
import re
import stat
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..gitworktree import work_tree
from ..lineends import CONVERTED, CONVERTED_OUTSIDE_GIT, crlf_throughout
from ..problems import Problem
from ..wording import counted
from ..zipfiles.archiveseal import (
    END_RECORD_BYTES,
    END_SIGNATURE,
    SEAL_BYTES,
    SEAL_FORM,
    SEAL_PREFIX,
    SIDECAR_SUFFIX,
    sha256_of_prefix,
)

#: Where seal problems point: the archive itself, at its comment.
SEAL_LOCATION = "zip comment"
SEAL_CODE = "archive-seal-mismatch"
#: How the seal's problem of an archive without a comment begins (the summary of one that
#: another tool re-zipped looks for it).
NOT_SEALED = "the archive is not sealed"
_FORM = (f"'{SEAL_PREFIX.decode()}' and the sha256 of every byte before it, as the zip "
         "comment")


def _seal_form_problem(tail: bytes) -> Problem | None:
    """Why the archive does not end in a well-formed seal, or None if it does.

    ``tail`` is the last ``END_RECORD_BYTES + SEAL_BYTES`` bytes of the file (fewer if the
    file is shorter).
    """
    record, comment = tail[:END_RECORD_BYTES], tail[END_RECORD_BYTES:]
    if (len(tail) == END_RECORD_BYTES + SEAL_BYTES and record[:4] == END_SIGNATURE
            and struct.unpack_from("<H", record, 20)[0] == SEAL_BYTES
            and SEAL_FORM.fullmatch(comment)):
        return None
    if tail[-END_RECORD_BYTES:-END_RECORD_BYTES + 4] == END_SIGNATURE and tail[-2:] == b"\0\0":
        reason = (f"{NOT_SEALED}: it ends in an end record without a comment "
                  "(written by another tool or an older corpuskit, or changed and re-zipped)")
    elif SEAL_PREFIX in tail:
        reason = ("the seal is damaged, or bytes were changed, added or removed around it "
                  "(the archive must end in the end-of-central-directory record and a "
                  f"{SEAL_BYTES}-byte seal)")
    else:
        reason = "the archive does not end in a corpuskit seal (bytes changed or appended)"
    return Problem(".", SEAL_CODE, f"{reason}; corpuskit writes {_FORM}", SEAL_LOCATION)


#: A line ``sha256sum -c`` checks: ``<hex> <name>``, ``<hex>  <name>`` or ``<hex> *<name>``
#: (the name may hold spaces and a folder), or the ``--tag`` form ``SHA256 (<name>) =
#: <hex>``; the hex digits in either case.
_SIDECAR_LINE = re.compile(
    r"(?P<hex>[0-9A-Fa-f]{64}) [ *]?(?P<name>.+)"
    r"|SHA256 \((?P<tagged>.+)\) ?= (?P<taghex>[0-9A-Fa-f]{64})")

#: A bare digest, as Maven repositories and many download pages publish ``<file>.sha256``:
#: it names no file, so it is taken for the archive its own name names only when it is the
#: sidecar's one line (``sha256sum -c`` refuses it: QA, a consumer's published checksum
#: made load call the archive damaged).
_BARE_DIGEST = re.compile(r"[0-9A-Fa-f]{64}")


#: A name from the root: ``/``, ``\\`` (a share) or a drive (``C:\\``, ``C:/``).
_ABSOLUTE = re.compile(r"[/\\]|[A-Za-z]:[/\\]")

#: Distinct sha256s of a ``.sha256`` file kept to compare with the archive's; lines giving
#: yet others are counted (only one sha256 can be the archive's, so those kept already show
#: the file is wrong).
SIDECAR_DIGESTS_MAX = 20

#: The longest line of a ``.sha256`` file read whole (a comment may be longer: skipped).
SIDECAR_LINE_MAX = 1 << 16


def _sidecar_lines(handle: BinaryIO) -> Iterator[tuple[int, bytes, bool]]:
    """``(line number, line, whole)`` of a ``.sha256`` file, streamed (memory stays
    bounded however long it is). A line longer than :data:`SIDECAR_LINE_MAX` comes with
    its start only and ``whole`` False; the rest of it is read past."""
    number = 0
    while raw := handle.readline(SIDECAR_LINE_MAX + 1):
        number += 1
        if len(raw) <= SIDECAR_LINE_MAX or raw.endswith(b"\n"):
            yield number, raw, True
            continue
        rest = raw
        while rest and not rest.endswith(b"\n"):
            rest = handle.readline(SIDECAR_LINE_MAX)
        yield number, raw, False


def _read_sidecar(archive: Path, sidecar: Path, shown: str | None = None
                  ) -> tuple[list[str], list[Problem]]:
    """The sha256s that ``sidecar`` publishes for ``archive`` (every line naming it, as
    ``sha256sum -c`` checks every line, however many; comments and blank lines skipped),
    and the problems with it, which name it ``shown`` (default: its name). A line that is
    no checksum of it hides none of the others' (QA: a malformed line 2 hid that line 1
    gave another sha256 than the archive's; ``sha256sum -c`` reports both): the first such
    line is told, with how many more there are.

    Only what the verdict needs is kept, so memory stays bounded however many lines there
    are: the distinct sha256s (the first :data:`SIDECAR_DIGESTS_MAX`, lines giving more are
    counted), the first name of another file and the first bare sha256 (QA: every line was
    kept, 567 MB for 4 million lines).
    """
    label = sidecar.name if shown is None else shown
    again = _write_again(archive, sidecar)
    sums = _PublishedSums(archive.name, sidecar.name)
    try:
        with sidecar.open("rb") as handle:
            sums.read(handle)
    except OSError as exc:
        return [], [Problem(".", "archive-error", f"cannot read {label}: {exc}{again}")]
    return sums.verdict(label, again)


def _write_again(archive: Path, sidecar: Path) -> str:
    """The advice that ends every problem of ``sidecar``, the ``.sha256`` of ``archive``:
    write it again, or remove it."""
    return (f"; write it again (in its folder: sha256sum {archive.name} > {sidecar.name}) "
            "or remove it")


class _PublishedSums:
    """What the lines of a ``.sha256`` file publish for the archive named ``archive_name``
    (the file is named ``sidecar_name``), as they are read: only what the verdict needs
    (see :func:`_read_sidecar`)."""

    def __init__(self, archive_name: str, sidecar_name: str) -> None:
        self.archive_name = archive_name
        self.sidecar_name = sidecar_name
        self.digests: dict[str, None] = {}
        self.beyond = 0  # lines giving a sha256 of the archive not among those kept
        self.beyond_line = 0
        self.other: str | None = None  # the first name of another file
        #: (line number, digest) of the first line naming no file
        self.bare: tuple[int, str] | None = None
        self.bare_count = 0
        # Why the first line that is no checksum line is not, and how many such lines
        # there are (not each one's: a long file of them stays small)
        self.wrong: tuple[int, str] | None = None
        self.count = 0

    def refuse(self, number: int, why: str) -> None:
        """Counts line ``number`` as no checksum line, for the reason ``why``, kept if it
        is the first such line."""
        self.count += 1
        if self.wrong is None or number < self.wrong[0]:
            self.wrong = (number, why)

    def read(self, handle: BinaryIO) -> None:
        """Takes each line of ``handle``, the open ``.sha256`` file, in turn (comments and
        blank lines skipped)."""
        for number, raw, whole in _sidecar_lines(handle):
            if raw.startswith(b"#"):
                continue
            if not whole:
                self.refuse(number, f"is longer than {SIDECAR_LINE_MAX} bytes: not a "
                            "'<sha256>  <file name>' line")
                continue
            try:
                line = raw.decode("utf-8").removesuffix("\n").removesuffix("\r")
            except UnicodeDecodeError as bad:  # (it said "position 0" of no line, QA)
                self.refuse(number, f"is not UTF-8 (byte {bad.start + 1} of the line is "
                            f"{raw[bad.start:bad.start + 1]!r})")
                continue
            if line.strip():
                self._take(number, line)

    def _take(self, number: int, line: str) -> None:
        """Takes ``line``, line ``number`` of the file, neither blank nor a comment: a
        checksum line, a bare sha256, or a line refused."""
        escaped = line.startswith("\\")  # a name with \\ or \n escapes in it
        found = _SIDECAR_LINE.fullmatch(line[1:] if escaped else line)
        if found is None and not escaped and _BARE_DIGEST.fullmatch(line.strip()):
            self.bare_count += 1
            if self.bare is None:
                self.bare = (number, line.strip().lower())
            return
        if found is None:
            self.refuse(number, "is not a '<sha256>  <file name>' line")
            return
        name = found.group("name") or found.group("tagged")
        if escaped:
            name = name.replace("\\n", "\n").replace("\\\\", "\\")
        # sha256sum -c opens the name from where it runs: a folder before it is fine,
        # but not a path from the root (QA: accepted; sha256sum -c reads that file).
        if name.replace("\\", "/").rsplit("/", 1)[-1] == self.archive_name:
            if _ABSOLUTE.match(name):
                self.refuse(number, f"names the archive by an absolute path ({name!r}): "
                            "sha256sum -c reads the file at that path, not the archive "
                            f"beside {self.sidecar_name}")
                return
            self._keep(number, (found.group("hex") or found.group("taghex")).lower())
        elif self.other is None:
            self.other = name

    def _keep(self, number: int, digest: str) -> None:
        """Keeps ``digest``, the archive's sha256 by line ``number``, if it is one of the
        first :data:`SIDECAR_DIGESTS_MAX` distinct ones; else counts the line."""
        if digest in self.digests or len(self.digests) < SIDECAR_DIGESTS_MAX:
            self.digests[digest] = None
        else:
            self.beyond += 1
            self.beyond_line = self.beyond_line or number

    def verdict(self, label: str, again: str) -> tuple[list[str], list[Problem]]:
        """The sha256s the file publishes for the archive and the problems with it, once
        every line is read: each names it ``label`` and ends in the advice ``again``."""
        if self.bare and (self.bare_count > 1 or self.digests or self.other is not None
                          or self.wrong):
            self.refuse(self.bare[0], "is a sha256 that names no file, beside other lines: "
                        "a bare sha256 is read only as the file's one line")
            self.count += self.bare_count - 1
        elif self.bare:
            return [self.bare[1]], []
        kept = list(self.digests)
        many = self._beyond_problems(label, again)
        if self.wrong:
            number, why = self.wrong
            more = (f" ({counted(self.count - 1, 'more line')} of it cannot be read as a "
                    "checksum either)" if self.count > 1 else "")
            return kept, [Problem(".", "archive-error",
                                  f"{label} line {number} {why}{more}{again}"), *many]
        if not self.digests:
            named = (f"the checksum of {self.other!r}, not {self.archive_name}"
                     if self.other is not None else "empty")
            return [], [Problem(".", "archive-error", f"{label} is {named}{again}")]
        return kept, many

    def _beyond_problems(self, label: str, again: str) -> list[Problem]:
        """The problem of lines giving more distinct sha256s of the archive than are kept,
        or none."""
        if not self.beyond:
            return []
        return [Problem(".", "archive-error",
                        f"{label} gives more than {SIDECAR_DIGESTS_MAX} different sha256s of "
                        f"{self.archive_name}, and only one can be its: "
                        f"{counted(self.beyond, 'more line')} from line {self.beyond_line} on "
                        f"{'is' if self.beyond == 1 else 'are'} not compared one by one"
                        f"{again}")]


def _digests(handle: BinaryIO, cut: int) -> tuple[str, str]:
    """sha256 of the first ``cut`` bytes and of the whole file, in one read."""
    prefix = sha256_of_prefix(handle, cut)
    whole = prefix.copy()
    while chunk := handle.read(1 << 20):
        whole.update(chunk)
    return prefix.hexdigest(), whole.hexdigest()


def _unreadable_sidecar(sidecar: Path, shown: str | None = None) -> list[Problem]:
    """The problem with a ``<archive>.sha256`` that is there but is no regular file (a
    folder, a pipe, a link to nothing): it publishes a checksum that cannot be read. It is
    named ``shown`` (default: its name)."""
    try:
        mode = os.stat(sidecar).st_mode
    except FileNotFoundError:
        if not os.path.lexists(sidecar):
            return []  # no sidecar: nothing published
        kind = "a symbolic link to nothing"
    except OSError as exc:
        kind = f"unreadable: {exc.strerror or exc}"
    else:
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a pipe, socket or device)"
    return [Problem(".", "archive-error",
                    f"{shown or sidecar.name} is {kind}, so the checksum it publishes cannot "
                    "be read; replace it with the release's '<sha256>  <name>' file, or "
                    "remove it")]


def check_archive_checksums(archive: Path, *, fast: bool = False) -> list[Problem]:
    """The seal of ``archive`` and its published ``<archive>.sha256``, if there is one.

    ``fast`` checks only the form of each: that the archive ends in a well-formed seal,
    and that the sidecar is a checksum line of the archive, as the full check reads it; no
    byte is hashed. A seal that fails on an archive whose every LF follows a CR says that
    Git's line-end handling converted it (:func:`_converted_seal`).
    """
    problems = _archive_checksums(archive, fast=fast)
    if fast or not any(problem.code == SEAL_CODE for problem in problems):
        return problems
    return _converted_seal(archive, problems)


def _converted_seal(archive: Path, problems: list[Problem]) -> list[Problem]:
    """``problems`` with the seal's saying that Git converted the archive's line ends where
    every LF in it follows a CR (:func:`~corpuskit.lineends.crlf_throughout`): a zip
    checked out with a ``text`` attribute forced on it (a later ``* text eol=crlf``) was
    told to be restored from version control, which writes the same bytes (QA ciauthor
    4). The summaries and check give the ``.gitattributes`` advice."""
    crlf = crlf_throughout(archive)
    if not crlf:
        return problems
    if work_tree(archive.parent) is None:  # no Git did it (QA s101: an FTP transfer)
        note = (f"; each of its {crlf:,} LF bytes follows a CR, as a zip's compressed bytes "
                f"almost never do: it was {CONVERTED_OUTSIDE_GIT}, which made every LF CR LF")
    else:
        note = (f"; each of its {crlf:,} LF bytes follows a CR, as a zip's compressed bytes "
                f"almost never do: {CONVERTED}, which made every LF CR LF as it checked the "
                "archive out")
    return [Problem(p.path, p.code, p.message + note, p.location) if p.code == SEAL_CODE
            else p for p in problems]


def _archive_checksums(archive: Path, *, fast: bool) -> list[Problem]:
    """:func:`check_archive_checksums`, but for what Git converted."""
    sidecars = _sidecars(archive)
    try:
        with archive.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            tail_bytes = min(size, END_RECORD_BYTES + SEAL_BYTES)
            handle.seek(size - tail_bytes)
            tail = handle.read(tail_bytes)
            problems: list[Problem] = []
            form = _seal_form_problem(tail)
            if form is not None:
                problems.append(form)
            # (digest, the archive as named beside the sidecar, the sidecar, its name shown)
            published: list[tuple[str, Path, Path, str]] = []
            for named, sidecar, shown in sidecars:
                digests, found = (_read_sidecar(named, sidecar, shown) if sidecar.is_file()
                                  else ([], _unreadable_sidecar(sidecar, shown)))
                published.extend((digest, named, sidecar, shown)
                                 for digest in dict.fromkeys(digests))
                # Each names the sidecar, the file to mend (QA: an empty one was blamed on
                # the archive, and deleting and building the archive, as advised, changed
                # nothing).
                problems.extend(Problem(p.path, p.code, p.message, SIDECAR_LOCATION)
                                for p in found)
            # --fast reads the sidecar, a line or a few, for its form; its digest wants the
            # archive hashed (QA: one holding no checksum at all passed --fast, where README
            # and --help qualify only the seal's check as "its form only")
            if fast or (form is not None and not published):
                return problems
            cut = size - SEAL_BYTES if form is None else size
            handle.seek(0)
            sealed, whole = _digests(handle, cut)
    except OSError as exc:
        return [Problem(".", "archive-error", f"cannot be read: {exc.strerror or exc}")]
    if form is None:
        recorded = tail[END_RECORD_BYTES + len(SEAL_PREFIX):].decode("ascii")
        if sealed != recorded:
            problems.append(Problem(".", SEAL_CODE,
                                    f"sha256 of the {cut} bytes before the seal is {sealed}, "
                                    f"the seal says {recorded}: the archive changed after it "
                                    "was written", SEAL_LOCATION))
    holds = form is None and sealed == recorded
    for digest, named, sidecar, shown in published:
        if whole != digest:
            problems.append(Problem(".", "checksum-mismatch",
                                    f"sha256 of the archive is {whole}, {shown} says "
                                    f"{digest}" + (_sidecar_advice(named, sidecar, shown)
                                                   if holds else ""),
                                    SIDECAR_LOCATION))
    return problems


def _sidecars(archive: Path) -> list[tuple[Path, Path, str]]:
    """The published checksums to check ``archive`` against, each as ``(the archive as
    named beside it, the sidecar, how messages name it)``: ``<archive>.sha256`` beside the
    path as given, and, where the archive is a symbolic link (or in a folder reached
    through one) to a file elsewhere, the one beside that file too, named by its path:
    ``latest.zip -> downloads/x.zip`` skipped ``downloads/x.zip.sha256``, and a forged
    archive passed as valid (QA)."""
    given = archive.with_name(archive.name + SIDECAR_SUFFIX)
    found = [(archive, given, given.name)]
    real = Path(os.path.realpath(archive))
    beside = real.with_name(real.name + SIDECAR_SUFFIX)
    if real != Path(os.path.realpath(archive.parent)) / archive.name:  # a link itself
        shown = str(beside) if archive.is_absolute() else os.path.relpath(beside)
        found.append((real, beside, shown))
    return found


#: Where the problems of the published ``<archive>.sha256`` point: that file (unreadable,
#: not a checksum of the archive, or another sha256 than the archive's).
SIDECAR_LOCATION = "published sha256"


def _sidecar_advice(archive: Path, sidecar: Path, shown: str | None = None) -> str:
    """What to do when ``sidecar`` disagrees with ``archive``, whose seal holds: the
    archive is as it was written, so either the sidecar is wrong or the archive is another
    (sealed) one than was published. A wrong sidecar beside a sound zip was called damage
    by every command, and deleting the zip and building it again, as advised, changed
    nothing (QA). ``shown``: how ``sidecar`` is named (default: its name)."""
    label = shown or sidecar.name
    return (f": the archive's own seal holds, so it is as it was written. If it is the "
            f"archive that was published, {label} is what is wrong: write it again "
            f"(in its folder: sha256sum {archive.name} > {sidecar.name}) or remove it; if "
            f"{label} is the published one, this archive is another: restore the "
            "published archive")


def sidecar_problem(problem: Problem) -> bool:
    """Whether ``problem`` (of :func:`check_archive_checksums`, or of a validate report
    that includes them) is one of the published ``.sha256`` beside the archive, not of the
    archive itself (whose seal, when it fails too, is a problem of its own)."""
    return problem.location == SIDECAR_LOCATION
