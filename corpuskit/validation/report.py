"""The validation report: a frozen value, its JSON form and its text and GitHub renderings.

``ValidationReport.as_dict()`` is exactly what ``corpuskit validate --format json`` prints
for one target, and it validates against ``schemas/report.schema.json``. The text and
GitHub renderings are derived from the same problems.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, overload

from .. import __version__
from ..lineends import line_ends_advice, said_converted, said_converted_outside_git, shown
from ..problems import Problem, about_environment, one_line, ordered, printable_data
from ..regularfiles import readable_request
from ..wording import counted, shell_word, shown_in, shown_name
from .seal import NOT_SEALED, SEAL_CODE, sidecar_problem

#: Bumped when the JSON structure changes incompatibly (fields are only ever added:
#: ``not_checked`` was, within version 1).
REPORT_VERSION = 1
#: The kind of a target this user may not read, whose kind cannot be told (a folder none of
#: whose files can be seen, not named as a release: seeds, or a folder of releases?).
UNREADABLE = "unreadable"
#: The kind of a target that is none of the others: no such path, or a file or folder that
#: is no seeds folder, package or archive (its ``not-a-package`` problem says which).
OTHER = "other"
#: How the problem of a folder that can be listed, not entered, goes on when the names it
#: lists are those of releases: what it is can be told, though none of them can be read.
LISTED_RELEASES = "by the names it lists, it is a folder of releases"
#: How the problem of a release in a folder of releases that is not read begins.
NAMED_AS_A_RELEASE = "named as a release in"
#: How ``check`` begins the problem of another corpus's release in dist/, named as one of
#: the seeds' corpus: not compared, nor the seeds' release.
ANOTHER_CORPUS = "the release of another corpus"
_LINE = re.compile(r"^line (\d+)")


def sort_problems(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    """Problems in a stable, readable order (by file, then line number: :func:`problem_order`),
    duplicates removed."""
    return tuple(ordered(set(problems)))


@dataclass(frozen=True)
class ValidationReport:
    """What ``validate`` (or ``check``: :class:`~corpuskit.checkreport.CheckReport`) found
    for one target.

    ``kind`` is ``seeds``, ``package`` (a folder), ``archive`` (a ``.zip``), ``unreadable``
    (a target this user may not read, which cannot be told to be any of those) or, for
    ``corpuskit check``, ``release``. ``target`` is the path as given. Problem paths are
    relative to the target (``"."`` is the target itself), except in ``release`` reports,
    whose problems name paths as given (``dist/...``, ``seeds/...``).
    """

    target: str
    kind: str
    problems: tuple[Problem, ...] = ()
    files: int = 0
    bytes: int = 0
    documents: int = 0
    mode: str = "full"
    reproduce: bool = False
    command: str = "validate"
    #: Files of a seeds folder a build passes over, ``(path, reason)``: named on stderr,
    #: as build names them (not part of the JSON report).
    skipped: tuple[tuple[str, str], ...] = ()
    #: Checks that could not run, ``(path, why)``: data/documents.parquet is compared with
    #: the records only when pyarrow is installed. Said in the summary and the JSON report;
    #: they do not make the report invalid.
    not_checked: tuple[tuple[str, str], ...] = ()
    #: What the maintainer should know, ``(path, note)``: of ``check``, a current
    #: release's zip deflated with another compression than the seeds now choose (QA:
    #: "current", and a clone's build of it gave another sha256); of a seeds folder, a
    #: ``discover.exclude`` pattern that matched nothing as written, as build notes it
    #: (QA: seeds 1). Said before the summary and in the JSON report; they do not make
    #: the report invalid.
    notes: tuple[tuple[str, str], ...] = ()
    #: The files and folders of a package folder among its ``unreadable-file`` problems
    #: that this user may not read: what else it finds may only follow from them, so the
    #: summary says how to read them, not to get the package again (not in the JSON).
    unreadable: tuple[str, ...] = ()
    #: Problems found but not listed (past the first of each code a check keeps,
    #: :class:`~corpuskit.problems.ProblemList`), and the listed problems that each say how
    #: many of a code those are: the total counts the former, not the latter (QA: 40004
    #: problems said, of 60002).
    unlisted: int = 0
    unlisted_codes: int = 0
    #: The codes of the problems checking stopped at (the ``not_checked`` entry at
    #: :data:`STOPPED_AT`): its GitHub annotation, shown alone on the file, names them
    #: where the text and JSON say "the problem above" (not in the JSON).
    stopped_by: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def problem_count(self) -> int:
        """Every problem found, those not listed included."""
        return len(self.problems) - self.unlisted_codes + self.unlisted

    @property
    def counts(self) -> dict[str, int]:
        return {"files": self.files, "bytes": self.bytes, "documents": self.documents,
                "problems": self.problem_count}

    def as_dict(self) -> dict[str, Any]:
        """The versioned JSON structure (``schemas/report.schema.json``); ``not_checked``
        only when a check could not run, ``skipped`` only when a seeds folder holds files
        a build passes over (a report of version 1 may lack either). Every string is
        :func:`~corpuskit.problems.printable` (the bytes of a path that is not UTF-8 as
        ``\\xNN`` escapes), as ``--format json`` prints it."""
        data = {
            "report_version": REPORT_VERSION,
            "tool": {"name": "corpuskit", "version": __version__},
            "command": self.command,
            "target": self.target,
            "kind": self.kind,
            "mode": self.mode,
            "reproduce": self.reproduce,
            "valid": self.valid,
            "counts": self.counts,
            "problems": [problem.as_dict() for problem in self.problems],
        }
        if self.not_checked:
            data["not_checked"] = [{"path": path, "message": message}
                                   for path, message in self.not_checked]
        if self.notes:
            data["notes"] = [{"path": path, "message": message} for path, message in self.notes]
        if self.skipped:
            data["skipped"] = [{"path": path, "reason": reason}
                               for path, reason in self.skipped]
        # the target as given, a path not UTF-8 included, printable as the CLI prints it:
        # one result either way, which can be written as UTF-8 JSON (QA: a lone surrogate)
        shown: dict[str, Any] = printable_data(data)
        return shown

    def unreadable_problems(self) -> list[Problem]:
        """The ``unreadable-file`` problems of what this user may not read
        (:attr:`unreadable`), each naming its file as a user finds it: its permissions, not
        its content, which the commands that compare a release say so (QA)."""
        return [replace(problem, path=self.display_path(problem)) for problem in self.problems
                if problem.code == "unreadable-file" and problem.path in self.unreadable]

    def display_path(self, problem: Problem) -> str:
        """The problem's file as a user finds it: joined to the target (``a.zip:member``).

        Problems of a ``release`` report (``check``) carry such paths already.
        """
        if about_environment(problem):
            return problem.path
        return self.shown_path(problem.path)

    def shown_path(self, path: str) -> str:
        """A path of this report (a problem's, a check's not run) as a user finds it."""
        return path if self.kind == "release" else shown_in(self.target, self.kind, path)

    def summary(self) -> str:
        count = len(self.problems)
        target = shown_name(self.target)  # a blank one in quotes (QA s87)
        # Grouped as the count of those not listed is (QA s96: "41002 problems ... (1,000
        # of them not listed; ... 20539 files")
        problems = counted(self.problem_count, "problem", grouped=True)
        what = (f"{counted(self.documents, 'document', grouped=True)}, "
                f"{counted(self.files, 'file', grouped=True)}")
        refusals = [p for p in self.problems
                    if p.code == "not-a-package" and p.path in ("", ".")]
        if any(p.message.startswith(NAMED_AS_A_RELEASE) for p in refusals):
            return f"{target}: not read; nothing checked"
        if refusals:
            return f"{target}: not a seeds folder, package or archive; nothing checked"
        if self.kind == UNREADABLE and any(LISTED_RELEASES in p.message
                                           for p in self.problems):
            # Its names tell what it is (QA: said not to be told): no release is read.
            return (f"{target}: {problems}: this user may not enter it, a folder of "
                    "releases by the names it lists, so none of its releases can be read; "
                    "nothing checked")
        if self.kind == UNREADABLE:  # never guessed (QA: an unreadable dist/ was "seeds")
            may = "reach" if any(p.message.startswith("cannot be reached")
                                 for p in self.problems) else "read"
            return (f"{target}: {problems}: this user may not {may} it, so what it is (a "
                    "seeds folder, a package folder or a folder of releases) cannot be told; "
                    "nothing checked")
        checks = self.mode + (" + reproduce" if self.reproduce else "") + " checks"
        checks += "".join(f"; {path} {message}" for path, message in self.not_checked
                          if path != STOPPED_AT)
        stopped = [message for path, message in self.not_checked if path == STOPPED_AT]
        if stopped:  # nothing was counted: no count is shown (QA: "0 documents, 0 files")
            what, checks = checks, stopped[0]
        if count == 0:
            return f"{target}: valid {self.kind} ({what}; {checks})"
        advice = ""
        if self.unreadable:  # its permissions, which say nothing of its content (QA)
            one = len(self.unreadable) == 1
            which = (f"{shown_name(self.shown_path(self.unreadable[0]))} cannot" if one else
                     f"{len(self.unreadable)} of its files or folders cannot")
            rest = ("" if count == len(self.unreadable) else
                    " (the other problems may only follow from what cannot be read)")
            request = readable_request([os.path.join(self.target, rel)
                                        for rel in self.unreadable], one=one)
            advice = (f"; {which} be read by this user{rest}: {request} "
                      f"(chmod -R a+rX {shell_word(self.target)}), or run corpuskit "
                      f"as {'its' if one else 'their'} owner, then validate it again")
        elif self.kind in ("package", "archive") and any(
                problem.code in CHANGED_SINCE_BUILT and not sidecar_problem(problem)
                and problem.location != RELEASE_ZIP for problem in self.problems):
            advice = ("; it is not as it was built: get it again from where it was published, "
                      "or restore it from version control (a build of your own of the seeds' "
                      "version that was never published: remove it and run 'corpuskit "
                      "build')")
            converted = [problem.path for problem in self.problems
                         if problem.code == "checksum-mismatch" and said_converted(
                             (problem.message,))]
            if self.kind == "archive" and any(
                    problem.code == SEAL_CODE and said_converted((problem.message,))
                    for problem in self.problems):  # a zip Git converted (QA ciauthor 4)
                advice = "; " + line_ends_advice(
                    (_releases_folder(self.target),),
                    "it is not as it was built: it has CR LF where the zip as written has LF",
                    seeds_too=True)
            if converted:  # Git's line-end handling, which version control repeats (QA)
                # Other files changed, missing or added (a checksum a metadata file holds,
                # at its JSON pointer, is of a converted file: QA, both ways wrong)
                others = any(problem.code in _FILE_CHANGED and not problem.location
                             and problem.path not in converted for problem in self.problems)
                told = line_ends_advice(
                    (_releases_folder(self.target),),
                    f"it is not as it was built: {shown(converted)} "
                    f"{'holds' if len(converted) == 1 else 'hold'} other line ends than its "
                    "manifests record",
                    seeds_too=True)
                advice = f"; {told}" + (
                    "; its other files that differ were changed otherwise: get the package "
                    "again from where it was published" if others else "")
            elif self.kind == "archive" and any(
                    problem.code == SEAL_CODE and said_converted_outside_git((problem.message,))
                    for problem in self.problems):
                advice = ("; it is not as it was built: it has CR LF where the zip as written "
                          "has LF: get it again from where it was published, and copy or "
                          "transfer it as binary (an FTP client's binary mode)")
            elif outside := [problem.path for problem in self.problems
                             if problem.code == "checksum-mismatch"
                             and said_converted_outside_git((problem.message,))]:
                advice = (f"; it is not as it was built: {shown(outside)} "
                          f"{'holds' if len(outside) == 1 else 'hold'} other line ends than its "
                          f"manifests record: {_AS_BINARY}")
            elif self.kind == "archive" and _rezipped(self.problems):
                advice = ("; it is not the zip corpuskit wrote: it is not sealed and its entries "
                          "are not in corpuskit's form, as when a package is unzipped and "
                          "zipped again by another tool: get the zip again from where it was "
                          "published, or validate the folder it was unzipped from")
        unlisted = f"{self.unlisted:,} of them not listed; " if self.unlisted else ""
        return f"{target}: {problems} in {self.kind} ({unlisted}{what}; {checks}){advice}"


def _rezipped(problems: Sequence[Problem]) -> bool:
    """Whether an archive's problems say another tool wrote it: no seal, and entries not in
    corpuskit's form (QA s101: unzipped and zipped again, it got a problem per entry, and
    only the seal's, the third, said why)."""
    return any(problem.code == SEAL_CODE and problem.message.startswith(NOT_SEALED)
               for problem in problems) and any(problem.code == "archive-metadata"
                                                for problem in problems)


#: The advice for a package folder whose files' line ends were converted where no Git work
#: tree holds it.
_AS_BINARY = ("get the package again from where it was published, and copy or transfer it "
              "as binary (an FTP client's binary mode), or restore its files' line ends as "
              "they were (dos2unix or unix2dos, as each file's problem says)")


#: A file of a package that is not as its manifests list it.
_FILE_CHANGED = frozenset({"checksum-mismatch", "missing-file", "unlisted-file"})


def _releases_folder(target: str) -> str:
    """The folder that holds the package ``target`` (as given), whose bytes Git must keep."""
    return os.path.dirname(target.rstrip("/")) or "."


#: The path of a ``not_checked`` entry saying that checking stopped at a problem (a rights
#: pattern of the package's that backtracks without end, an internal error): nothing after
#: it was checked or counted.
STOPPED_AT = "."
#: How :data:`STOPPED` and :data:`REFUSED` name the problem checking stopped at, listed
#: before them in the text and JSON reports (a GitHub annotation names its code instead).
_ABOVE = "the problem above"
#: Its message.
STOPPED = f"checking stopped at {_ABOVE}: nothing else was checked or counted"
#: The message of a seeds folder whose corpus.toml stops a run before the documents (not
#: TOML, or a misspelled document table): its summary said "0 documents, 0 files; full
#: checks", as if they had been checked (QA).
SEEDS_STOPPED = ("the documents were not checked: corpus.toml's problem stops a run before "
                 "them; correct it, then validate the seeds again")
#: The message of an archive refused before its package was read (a zip bomb, no top
#: folder): its summary said "0 documents, 0 files; full checks" (QA).
REFUSED = f"the archive was refused at {_ABOVE}, unread: nothing in it was checked or counted"


#: Where the problem of a release folder with no zip beside it points (validate of a
#: folder of releases): the zip, a file of its own, not one of the package's.
RELEASE_ZIP = "release zip"


#: The problems of a package or archive changed after its build (no build writes them):
#: its files disagree with its own manifests and records. (Not metadata-mismatch, which
#: includes a sound zip beside a folder of another package: its own advice says which.)
CHANGED_SINCE_BUILT = frozenset({
    "checksum-mismatch", "record-mismatch", "missing-file", "unlisted-file", "bagit-error",
    "archive-seal-mismatch"})


@dataclass(frozen=True)
class ValidationReports(Sequence[ValidationReport]):
    """The reports of several targets (:func:`corpuskit.validate_all`), in order."""

    reports: tuple[ValidationReport, ...]
    #: Several targets were named, or a folder of releases (even one holding a single
    #: release): ``--format json`` prints :meth:`as_dict`, else the one report's.
    several: bool = True

    @overload
    def __getitem__(self, index: int) -> ValidationReport: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[ValidationReport, ...]: ...

    def __getitem__(self, index: int | slice
                    ) -> ValidationReport | tuple[ValidationReport, ...]:
        """A report, or a tuple of them for a slice (QA: typed ``Any``)."""
        return self.reports[index]

    def __len__(self) -> int:
        return len(self.reports)

    @property
    def valid(self) -> bool:
        """Whether every target is valid."""
        return all(report.valid for report in self.reports)

    def as_dict(self) -> dict[str, Any]:
        """What ``corpuskit validate --format json`` prints for several targets: every
        report, and whether all are valid (``schemas/report.schema.json``)."""
        return {
            "report_version": REPORT_VERSION,
            "tool": {"name": "corpuskit", "version": __version__},
            "valid": self.valid,
            "reports": [report.as_dict() for report in self.reports],
        }


def render_text(report: ValidationReport) -> list[str]:
    """One ``path:location: message [code]`` line per problem, a ``note: path: message``
    line per note, then the summary line."""
    lines = []
    for problem in report.problems:
        where = shown_name(report.display_path(problem))
        if problem.location:
            where += f":{one_line(problem.location)}"
        lines.append(f"{where}: {one_line(problem.message)} [{problem.code}]")
    lines.extend(f"note: {shown_name(path)}: {one_line(message)}"
                 for path, message in report.notes)
    lines.append(one_line(report.summary()))
    return lines


def _escape_data(text: str) -> str:
    """``text`` as a workflow command's data: CR, LF and ``%`` in GitHub's escapes, which
    the runner decodes, and every other character that would disguise the line (ESC,
    BEL, other controls: a file name's own) as a Python escape (:func:`one_line`; QA)."""
    return one_line(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _workspace_path(path: str) -> str:
    """``path`` (as given, from the working folder) relative to ``$GITHUB_WORKSPACE``, the
    repository's top, where it is inside it; else as it is. GitHub's runner takes a
    relative ``file=`` as relative to the repository's top, and makes relative only an
    absolute one under the workspace, so ``dist/...`` from a step with
    ``working-directory: corpora/news``, or ``../dist/...``, pointed at no file and the
    annotation was lost (QA ciauthor 2). A path is inside the workspace as given or where
    its links lead (a path through a link into the workspace is named from it too)."""
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if not workspace or not path:
        return path
    try:
        whole = os.path.normpath(os.path.join(os.getcwd(), path))
        # the working folder is a real path: the workspace as given, or where it leads;
        # the path as given, or where it leads, for one given through a link into the
        # workspace (QA s82 review 7: '<ws>/link/dist/...', link -> repo, kept absolute)
        tops = dict.fromkeys((os.path.abspath(workspace), os.path.realpath(workspace)))
        for where in dict.fromkeys((whole, os.path.realpath(whole))):
            for top in tops:
                inside = os.path.relpath(where, top)
                if inside != os.pardir and not inside.startswith(os.pardir + os.sep):
                    return inside.replace(os.sep, "/")
    except (OSError, ValueError):  # no working folder; another drive than the workspace's
        pass
    return path


def _file_property(path: str) -> str:
    """The ``file=`` property of an annotation on ``path``."""
    return f"file={_escape_property(_workspace_path(path))}"


def render_github(report: ValidationReport) -> list[str]:
    """GitHub Actions workflow commands: the summary (``title=corpuskit``), a ``::notice``
    if valid, else an ``::error``, then one ``::error`` per problem, the first of each kind
    (code and message) before the others (:func:`_kinds_first`), then notices and
    warnings (files skipped, notes, checks that could not run).

    ``file`` is the problem's file (relative to ``$GITHUB_WORKSPACE`` where it is inside
    it: :func:`_workspace_path`), and ``line`` is set when the location is a line number
    of it. For an archive ``file`` is the archive, whose lines mean nothing: the message
    starts with the member and the location, as the text format writes them
    (``data/documents.jsonl:line 3: ...``). ``title`` is the code. A check that could not
    run is a ``::warning`` (titled ``not-checked``).
    """
    return render_github_all([report])


def render_github_all(reports: Sequence[ValidationReport]) -> list[str]:
    """:func:`render_github` of several targets at once: every target's summary first,
    then the problems of all of them, the first of each kind (across the targets) before
    the others, then their notices and warnings. GitHub shows the first 10 error
    annotations of a step: target by target, the repeats of one pushed the summary and
    the problems of the next past them (QA: ``validate dist`` of two releases Git
    converted)."""
    # One summary a target, valid or not: its advice (what Git did and the .gitattributes
    # lines that stop it, to get the package again, to chmod what cannot be read, how many
    # problems are not listed) is in no one file's annotation (QA: an invalid target had
    # none, and the CI log lacked what the text format says to do). It comes first:
    # GitHub shows 10 error annotations of a step, and the advice that explains every
    # other was the 130th of 130 (QA ciauthor 3)
    return [*map(_summary_annotation, reports),
            *(_problem_annotation(report, problem) for report, problem
              in _kinds_first([(report, problem) for report in reports
                               for problem in report.problems])),
            *(line for report in reports for line in _other_annotations(report))]


def _summary_annotation(report: ValidationReport) -> str:
    """The summary of ``report`` as a ``::notice`` (valid) or ``::error``."""
    level = "notice" if report.valid else "error"
    summary = report.summary()
    if any(path == STOPPED_AT for path, _ in report.not_checked):  # as the warning says it
        summary = _stopped_alone(summary, report)
    return f"::{level} title=corpuskit::{_escape_data(summary)}"


def _other_annotations(report: ValidationReport) -> list[str]:
    """The notices and warnings of ``report``: files skipped, notes, what was not
    checked."""
    lines = []
    for path, reason in report.skipped:
        lines.append(f"::notice {_file_property(report.shown_path(path))},"
                     f"title=skipped::{_escape_data(f'not packaged: {reason}')}")
    for path, message in report.notes:
        lines.append(f"::notice {_file_property(path)},title=note::"
                     f"{_escape_data(message)}")
    for path, message in report.not_checked:
        file = report.target if report.kind == "archive" else report.shown_path(path)
        if path == STOPPED_AT:  # the target's own: no ".: ", and no problem "above" (QA)
            message = _stopped_alone(message, report)
        elif report.kind == "archive":
            message = f"{path}: {message}"
        lines.append(f"::warning {_file_property(file)},title=not-checked::"
                     f"{_escape_data(message)}")
    return lines


def _kinds_first(problems: list[tuple[ValidationReport, Problem]]
                 ) -> list[tuple[ValidationReport, Problem]]:
    """``problems`` (each with its report, in order) with the first of each kind (its code
    and message) before the others: GitHub shows the first 10 error annotations of a step,
    and a long list of one kind (every raw file of a stale release "differs") hid the one
    that said what to do, or a problem of another kind (QA)."""
    seen: set[tuple[str, str]] = set()
    firsts: list[tuple[ValidationReport, Problem]] = []
    others: list[tuple[ValidationReport, Problem]] = []
    for item in problems:
        kind = (item[1].code, item[1].message)
        (others if kind in seen else firsts).append(item)
        seen.add(kind)
    return firsts + others


def _problem_annotation(report: ValidationReport, problem: Problem) -> str:
    """The ``::error`` annotation of one of ``report``'s problems (see :func:`render_github`)."""
    if report.kind == "archive":
        where = ":".join(part for part in (problem.path, problem.location)
                         if part not in ("", "."))
        message = f"{where}: {problem.message}" if where else problem.message
        return (f"::error {_file_property(report.target)},"
                f"title={_escape_property(problem.code)}::{_escape_data(message)}")
    file = report.display_path(problem)
    message = problem.message
    props = [_file_property(file)]
    if about_environment(problem):  # no file to annotate: named in the text
        props, message = [], f"{problem.path}: {message}"
    match = _LINE.match(problem.location)
    if match:
        props.append(f"line={match.group(1)}")
        rest = problem.location[match.end():].strip()
        if rest:
            message = f"{rest}: {message}"
    elif problem.location:
        message = f"{problem.location}: {message}"
    props.append(f"title={_escape_property(problem.code)}")
    return f"::error {','.join(props)}::{_escape_data(message)}"


def _stopped_alone(message: str, report: ValidationReport) -> str:
    """``message``, of checking stopped, as an annotation shown alone says it: the
    problem it stopped at named by its code (:attr:`ValidationReport.stopped_by`; of a
    report made otherwise, its problems' codes), not as "the problem above"."""
    codes = list(dict.fromkeys(report.stopped_by or
                               tuple(problem.code for problem in report.problems)))
    if not codes:
        return message
    named = f"its {' and '.join(codes)} problem{'s' if len(codes) > 1 else ''}"
    return message.replace(_ABOVE, named)


def github_failure(summary: str) -> str:
    """The workflow command of a check that stopped without a verdict (a worker killed, a
    full disk): an ``::error`` annotation, as ``--json`` prints its failure form (QA: the
    log's annotations showed nothing)."""
    return f"::error title=corpuskit::{_escape_data(summary)}"
