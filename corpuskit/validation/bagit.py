"""BagIt (RFC 8493) checks: bagit.txt, bag-info.txt, manifest and tag manifest lines.

Parsing only: the precise check in :mod:`corpuskit.validation.precise` compares the
parsed manifests with the files present and their digests.

The sha256 manifests corpuskit writes are held to the exact form it writes them in
(``strict``): ``<64 lowercase hex digits>``, two spaces, the path, LF; no blank lines, a
final LF, lines in :func:`corpuskit.package.manifest_order`. The tag manifest is the one
file no checksum covers, so without this a changed separator, a CR or reordered lines
there would go unnoticed. A tag manifest of another algorithm that a BagIt tool added is
covered by no checksum either, so it is held to the same form (QA: a separator changed to
a TAB, or a digit to a capital, in ``tagmanifest-md5.txt`` passed). Payload manifests of
other algorithms, which the tag manifest covers, are read in RFC 8493's general form.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..membernames import unsafe_member_reason
from ..package import BAG_INFO_LABELS, manifest_order
from ..problems import Problem, ProblemList
from ..wording import counted, shown_count, stated_count

BAGIT_TXT = "bagit.txt"
BAG_INFO = "bag-info.txt"
PAYLOAD_PREFIX = "data/"
#: A (tag) manifest's name, and its algorithm: hashlib's name, as bagit-python writes and
#: reads it (``manifest-sha3_256.txt``).
MANIFEST_NAME = re.compile(r"^(tag)?manifest-([A-Za-z0-9_]+)\.txt$")
#: Algorithms a Data Package resource's ``hash`` may use, and the length of their hex
#: digests.
ALGORITHMS = {"md5": 32, "sha1": 40, "sha256": 64, "sha512": 128}
#: Algorithms a manifest may use, and the length of their hex digests: RFC 8493 allows
#: any, and bagit-python verifies those of hashlib.algorithms_guaranteed, so every one of
#: those is verified here too (QA: a sha384 manifest another BagIt tool added was refused
#: as unknown, where md5, sha1 and sha512 ones were verified). shake_128 and shake_256 are
#: left out: their digests have no fixed length for a manifest's lines to hold.
MANIFEST_ALGORITHMS = {name: hashlib.new(name).digest_size * 2
                       for name in sorted(hashlib.algorithms_guaranteed)
                       if not name.startswith("shake_")}
REQUIRED_ALGORITHM = "sha256"
#: A manifest line longer than this is refused without reading further (memory bound).
MAX_LINE_BYTES = 64 * 1024
_PERCENT = re.compile(r"%(25|0[aAdD])")
_PERCENT_ANY = re.compile(r"%")
_SPACE = re.compile(rb"[ \t]+")
_DIGITS = re.compile(r"[0-9]+")
#: Lines of one manifest reported one by one for deviating from the strict form; further
#: deviations are counted in one last problem.
MAX_FORM_PROBLEMS = 20


def unknown_algorithm(algorithm: str) -> str:
    """Why a manifest named for ``algorithm``, none of :data:`MANIFEST_ALGORITHMS`, is not
    verified, and what to do (corpuskit writes no such manifest)."""
    if algorithm.startswith("shake_"):
        why = (f"checksum algorithm {algorithm!r} gives digests of any length, which a "
               "manifest's name does not fix")
    else:
        why = (f"checksum algorithm {algorithm!r} is not one a manifest is verified with "
               f"(hashlib's: {', '.join(MANIFEST_ALGORITHMS)})")
        if algorithm.lower() in MANIFEST_ALGORITHMS:
            why += f"; in lower case, as BagIt names it, {algorithm.lower()!r} is one"
    return (f"{why}; not verified, and corpuskit writes no such manifest: remove it, or "
            "restore the package from its release")


def unescape_path(path: str) -> str:
    """Decode a manifest path: only %25, %0A and %0D are escapes (RFC 8493 §2.1.3)."""
    return _PERCENT.sub(lambda m: {"25": "%", "0a": "\n", "0d": "\r"}[m.group(1).lower()], path)


def _escapes_ok(path: str) -> bool:
    """Every % starts one of the three escapes (an unescaped % is malformed)."""
    return len(_PERCENT_ANY.findall(path)) == len(_PERCENT.findall(path))


@dataclass
class Manifest:
    """One parsed (tag)manifest: the paths it lists."""

    name: str
    algorithm: str
    tag: bool
    entries: set[str] = field(default_factory=set)
    #: Whether none of its lines could be read (it cannot be read, or holds no entry line):
    #: what it lists is not known, so no file is called unlisted for it.
    unread: bool = False


def split_lines(chunks: Iterable[bytes], name: str, problems: list[Problem],
                max_line: int = MAX_LINE_BYTES) -> Iterable[tuple[int, bytes]]:
    """``(line number, line without its LF)`` from a stream of chunks, with bounded memory.

    A line over ``max_line`` bytes is reported and the file is not read further, whether it
    ends in the chunk it began in or not (QA: a whole line of 200 KB inside one chunk was
    read as an entry); a missing final line break is reported.
    """
    pending = b""
    number = 0
    for chunk in chunks:
        parts = (pending + chunk).split(b"\n")
        pending = parts.pop()
        for part in parts:
            number += 1
            if len(part) > max_line:
                problems.append(_too_long(name, max_line, number))
                return
            yield number, part
        if len(pending) > max_line:
            problems.append(_too_long(name, max_line, number + 1))
            return
    if pending:
        number += 1
        problems.append(Problem(name, "bagit-error", "the last line has no line break",
                                f"line {number}"))
        yield number, pending


def _too_long(name: str, max_line: int, number: int) -> Problem:
    return Problem(name, "bagit-error", f"line longer than {max_line} bytes; not read further",
                   f"line {number}")


EntryCheck = Callable[[str, str, int], None]


class _Form:
    """Deviations from the strict form, reported with their line (the first few only)."""

    def __init__(self, name: str, algorithm: str, problems: list[Problem]) -> None:
        self.name = name
        self.problems = problems
        # (a tag manifest of another algorithm is held to the form of corpuskit's own)
        self.written = ("corpuskit writes '<sha256>  <path>' lines ending in LF, sorted"
                        if algorithm == REQUIRED_ALGORITHM else
                        "a tag manifest no checksum covers is held to the form corpuskit "
                        f"writes its own in: '<{algorithm}>  <path>' lines ending in LF, "
                        "sorted")
        self.count = 0
        self.first = 0

    def __call__(self, number: int, what: str) -> None:
        self.count += 1
        if self.count <= MAX_FORM_PROBLEMS:
            self.problems.append(Problem(self.name, "bagit-error",
                                         f"{what} ({self.written})", f"line {number}"))
        elif self.count == MAX_FORM_PROBLEMS + 1:
            self.first = number

    def finish(self) -> None:
        more = self.count - MAX_FORM_PROBLEMS
        if more > 0:
            self.problems.append(Problem(self.name, "bagit-error",
                                         f"{counted(more, 'more line')} "
                                         f"deviate{'s' if more == 1 else ''} "
                                         "from the form corpuskit writes (not listed one by "
                                         "one)", f"line {self.first}"))


def _gap(line: bytes, width: int) -> bytes:
    """The spaces and tabs between a line's checksum (``width`` characters) and its path."""
    rest = line[width:]
    return rest[:len(rest) - len(rest.lstrip(b" \t"))]


def _separator(line: bytes, width: int) -> str:
    """What is wrong between the checksum and the path of a line not in the strict form."""
    separator = _gap(line, width).decode("ascii")
    return f"checksum and path are separated by {separator!r}, not two spaces"


def parse_manifest(lines: Iterable[tuple[int, bytes]], name: str, *, max_entries: int,
                   check: EntryCheck | None = None,
                   strict: bool = False) -> tuple[Manifest, list[Problem]]:
    """Parse manifest ``name`` line by line; every malformed line is a problem.

    At most ``max_entries`` lines are read, malformed ones included: each costs a few
    microseconds, and a small archive can hold a manifest of millions of blank lines,
    which added no entry and were all read (QA: 20 million took 80 s).

    ``check(path, hex digest, line number)`` is called for every well-formed entry (the
    caller compares it with the file's digest as the lines stream past). ``strict`` also
    reports, with its line, every deviation from the form corpuskit writes (see the module
    docstring); such a line's entry is still used, so one deviation is one problem.
    """
    match = MANIFEST_NAME.match(name)
    assert match is not None
    tag, algorithm = bool(match.group(1)), match.group(2)
    manifest = Manifest(name, algorithm, tag)
    entries = manifest.entries
    first_line: dict[str, int] = {}
    problems: list[Problem] = ProblemList()
    form = _Form(name, algorithm, problems)
    previous: tuple[tuple[int, str, str], str, int] | None = None
    width = MANIFEST_ALGORITHMS.get(algorithm, 0)
    fast_hex = re.compile(rb"[0-9a-f]{%d}  [^ \t]" % width) if width else None
    for number, raw in lines:
        if number > max_entries:
            problems.append(Problem(name, "bagit-error",
                                    f"more than {max_entries} lines; not read further",
                                    f"line {number}"))
            break
        line = raw[:-1] if raw.endswith(b"\r") else raw
        if strict and line is not raw:
            form(number, "the line ends in CR LF, not LF")
        if strict and not line:
            form(number, "a blank line")
            continue
        if fast_hex is not None and fast_hex.match(line):  # the usual "<hex>  <path>"
            digest = line[:width].decode("ascii")
            try:
                encoded = line[width + 2:].decode("utf-8")
            except UnicodeDecodeError as exc:
                problems.append(Problem(name, "bagit-error",
                                        f"not UTF-8 (byte {exc.start + width + 2})",
                                        f"line {number}"))
                continue
        else:
            parsed = _parse_line(line, name, number, algorithm, width, problems)
            if parsed is None:
                continue
            digest, encoded = parsed
            starred = encoded.startswith("*") and line[len(digest):len(digest) + 2] == b" *"
            if starred:  # sha256sum's mark of a file read in binary mode, after one space
                problems.append(Problem(name, "bagit-error", "'*' before the path is "
                                        "sha256sum's binary-mode mark, which a BagIt manifest "
                                        "has not: write the path alone", f"line {number}"))
                encoded = encoded[1:]
            if strict:
                if _gap(line, len(digest)) != b"  " and not starred:
                    form(number, _separator(line, len(digest)))
                if digest != digest.lower():
                    form(number, "the checksum is in capitals")
            digest = digest.lower()  # (the same checksum: compared, and the path listed)
        if encoded.startswith("./") and not unsafe_member_reason(encoded[2:]):
            problems.append(Problem(name, "bagit-error", "the path starts with './'; a BagIt "
                                    "manifest's paths start with the folder or file name",
                                    f"line {number}"))
            encoded = encoded[2:]
        path = encoded
        if "%" in encoded:
            if not _escapes_ok(encoded):
                problems.append(Problem(name, "bagit-error",
                                        f"path {encoded[:200]!r} holds a '%' that is not one "
                                        "of the escapes %25, %0A, %0D", f"line {number}"))
                continue
            path = unescape_path(encoded)
        problem = _entry_problem(name, tag, path)
        if problem is not None:
            problems.append(Problem(name, problem[0], problem[1], f"line {number}"))
            continue
        if path in entries:
            problems.append(Problem(name, "bagit-error",
                                    f"{path!r} is listed twice (first on line "
                                    f"{first_line.get(path, '?')})", f"line {number}"))
            continue
        entries.add(path)
        if len(first_line) < 10_000:  # line numbers for messages, bounded
            first_line[path] = number
        if strict:
            key = manifest_order(path)
            if previous is not None and key < previous[0]:
                form(number, f"{path[:200]!r} is out of order: corpuskit writes it before "
                             f"{previous[1][:200]!r} (line {previous[2]})")
            previous = (key, path, number)
        if check is not None:
            check(path, digest, number)
    form.finish()
    return manifest, problems


def _parse_line(line: bytes, name: str, number: int, algorithm: str, width: int,
                problems: list[Problem]) -> tuple[str, str] | None:
    """The general form: ``<checksum><one or more spaces or tabs><path>``."""
    where = f"line {number}"
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(name, "bagit-error", f"not UTF-8 (byte {exc.start})", where))
        return None
    parts = _SPACE.split(line, maxsplit=1)
    if len(parts) != 2 or not parts[0] or not parts[1]:
        problems.append(Problem(name, "bagit-error",
                                f"not a '<checksum> <path>' line: {text[:120]!r}", where))
        return None
    digest = parts[0].decode("utf-8", "replace")
    if width and (len(digest) != width or digest.strip("0123456789abcdefABCDEF") != ""):
        problems.append(Problem(name, "bagit-error",
                                f"{digest[:140]!r} is not a hex {algorithm} checksum", where))
        return None
    return digest, parts[1].decode("utf-8")


def _entry_problem(name: str, tag: bool, path: str) -> tuple[str, str] | None:
    """``(code, message)`` when a manifest must not list ``path``."""
    reason = unsafe_member_reason(path)
    if reason:
        return "unsafe-path", f"path {path[:200]!r} is unsafe: {reason}"
    in_payload = path.startswith(PAYLOAD_PREFIX)
    if tag and (in_payload or (path.startswith("tagmanifest-") and MANIFEST_NAME.match(path))):
        return "bagit-error", (f"a tag manifest must not list {path!r} (payload files and tag "
                               "manifests are not tag files it covers)")
    if not tag and not in_payload:
        return "bagit-error", f"a payload manifest lists {path!r}, which is outside data/"
    return None


def check_bagit_txt(data: bytes) -> list[Problem]:
    """The bag declaration: exactly ``BagIt-Version: M.N`` and a UTF-8 encoding line."""
    problems: list[Problem] = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [Problem(BAGIT_TXT, "bagit-error", f"not UTF-8 (byte {exc.start})")]
    if text.startswith("\ufeff"):
        problems.append(Problem(BAGIT_TXT, "bagit-error", "starts with a byte order mark",
                                "line 1"))
        text = text[1:]
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    else:
        problems.append(Problem(BAGIT_TXT, "bagit-error", "the last line has no line break",
                                f"line {len(lines)}"))
    crlf = [number for number, line in enumerate(lines, start=1) if line.endswith("\r")]
    if crlf:  # RFC 8493 allows CR LF; corpuskit writes LF, and says so rather than '1.0\r'
        problems.append(Problem(BAGIT_TXT, "bagit-error",
                                f"{counted(len(crlf), 'line')} end{'s' if len(crlf) == 1 else ''} "
                                "in CR LF; corpuskit writes bagit.txt with LF line ends: "
                                "restore the file it wrote", f"line {crlf[0]}"))
        lines = [line.removesuffix("\r") for line in lines]
    expected = ("BagIt-Version", "Tag-File-Character-Encoding")
    for number, line in enumerate(lines, start=1):
        label, sep, value = line.partition(": ")
        if number > 2 or not sep or label != expected[number - 1]:
            problems.append(Problem(BAGIT_TXT, "bagit-error",
                                    f"expected '{expected[min(number, 2) - 1]}: ...' as line "
                                    f"{number}, found {line[:80]!r}" if number <= 2 else
                                    f"unexpected line {line[:80]!r}", f"line {number}"))
        elif number == 1 and value != "1.0":
            problems.append(Problem(BAGIT_TXT, "bagit-error",
                                    f"BagIt-Version {value!r} is not 1.0 (RFC 8493)", "line 1"))
        elif number == 2 and value != "UTF-8":
            problems.append(Problem(BAGIT_TXT, "bagit-error",
                                    f"Tag-File-Character-Encoding {value!r} is not UTF-8 "
                                    "(as corpuskit writes it)", "line 2"))
    if len(lines) < 2:
        problems.append(Problem(BAGIT_TXT, "bagit-error",
                                "must hold the BagIt-Version and Tag-File-Character-Encoding "
                                "lines"))
    return problems


def parse_bag_info(data: bytes) -> tuple[dict[str, list[str]], list[Problem]]:
    """Labels and values of bag-info.txt (values folded over continuation lines)."""
    problems: list[Problem] = []
    info: dict[str, list[str]] = {}
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return info, [Problem(BAG_INFO, "bagit-error", f"not UTF-8 (byte {exc.start})")]
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    elif lines != [""]:
        problems.append(Problem(BAG_INFO, "bagit-error", "the last line has no line break",
                                f"line {len(lines)}"))
    last: tuple[str, int] | None = None
    for number, line in enumerate(lines, start=1):
        line = line.removesuffix("\r")
        if line[:1] in (" ", "\t") and last is not None:
            label, index = last
            info[label][index] += " " + line.strip()
            continue
        label, sep, value = line.partition(":")
        if not sep or not label or label != label.strip() or not value.startswith(" "):
            problems.append(Problem(BAG_INFO, "bagit-error",
                                    f"not a 'Label: value' line: {line[:120]!r}",
                                    f"line {number}"))
            last = None
            continue
        values = info.setdefault(label, [])
        values.append(value.strip())
        last = (label, len(values) - 1)
    if not problems:
        problems.extend(_bag_info_form(text, info))
    return info, problems


def _bag_info_form(text: str, info: dict[str, list[str]]) -> list[Problem]:
    """bag-info.txt held to the form corpuskit writes, which RFC 8493 leaves open: its
    labels only, each once and in its order, one ``Label: value`` line each with LF line
    ends, Payload-Oxum without leading zeros. (What the values say is compared with the
    descriptor and the payload elsewhere.) An added label, a line folded or reordered, or
    'Payload-Oxum: 015684.07' passed (QA)."""
    unknown = [label for label in info if label not in BAG_INFO_LABELS]
    if unknown:
        return [Problem(BAG_INFO, "bagit-error", f"{label!r} is not a label corpuskit writes "
                        f"(it writes {', '.join(BAG_INFO_LABELS)}); remove it", label)
                for label in unknown]
    if any(len(values) > 1 for values in info.values()):
        return []  # a label given twice is told as such, with its values
    oxum = info.get("Payload-Oxum", [])
    parts = oxum[0].split(".") if len(oxum) == 1 else []
    written = "".join(f"{label}: {value}\n" for label in BAG_INFO_LABELS
                      for value in info.get(label, []))
    if written == text and not (len(parts) == 2 and all(map(_DIGITS.fullmatch, parts))
                                and any(part != (part.lstrip("0") or "0")
                                        for part in parts)):
        return []  # (a value that is no '<bytes>.<files>' is check_payload_oxum's to tell)
    return [Problem(BAG_INFO, "bagit-error",
                    "not in the form corpuskit writes: one 'Label: value' line for each of "
                    "its labels, in its order, LF line ends, Payload-Oxum as "
                    "<bytes>.<files> without leading zeros; restore the file it wrote")]


def payload_oxum_files(info: dict[str, list[str]]) -> int | None:
    """The number of payload files ``Payload-Oxum`` states, or None when it states none
    (absent, given twice or malformed: :func:`check_payload_oxum` says so)."""
    values = info.get("Payload-Oxum", [])
    streams = values[0].partition(".")[2] if len(values) == 1 else ""
    return stated_count(streams) if streams.isdigit() and streams.isascii() else None


def check_payload_oxum(info: dict[str, list[str]], payload_bytes: int,
                       payload_files: int) -> list[Problem]:
    """``Payload-Oxum: <octets>.<files>`` must match the payload present."""
    values = info.get("Payload-Oxum", [])
    if not values:
        return [Problem(BAG_INFO, "bagit-error", "no Payload-Oxum (corpuskit always writes one)")]
    if len(values) > 1:
        return [Problem(BAG_INFO, "bagit-error", "Payload-Oxum is given more than once")]
    octets, dot, streams = values[0].partition(".")
    if not (dot and octets.isdigit() and streams.isdigit() and octets.isascii()
            and streams.isascii()):
        return [Problem(BAG_INFO, "bagit-error",
                        f"Payload-Oxum {values[0]!r} is not '<octets>.<files>'",
                        "Payload-Oxum")]
    problems = []
    if stated_count(octets) != payload_bytes:
        problems.append(Problem(BAG_INFO, "size-mismatch",
                                f"Payload-Oxum says {shown_count(octets)} payload bytes, data/ "
                                f"holds {payload_bytes}", "Payload-Oxum"))
    if stated_count(streams) != payload_files:
        problems.append(Problem(BAG_INFO, "size-mismatch",
                                f"Payload-Oxum says {shown_count(streams)} payload files, data/ "
                                f"holds {payload_files}", "Payload-Oxum"))
    return problems
