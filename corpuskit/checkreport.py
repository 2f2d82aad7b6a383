"""The report of ``check``: the release in dist/ compared with a fresh build of the seeds.

A :class:`~corpuskit.validation.ValidationReport` of kind ``release``, which says too why
nothing was compared (:data:`NotCompared`, set where :mod:`corpuskit.check` decides it),
and its verdict: :meth:`CheckReport.summary`, the line the text report ends with (and
``summary`` in the JSON report), and :meth:`CheckReport.verdict`, the line ``corpuskit
check`` exits 1 with. Both are told from the reason and the problems' codes, never from
the words of a message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .problems import Problem, printable
from .validation.report import ANOTHER_CORPUS, ValidationReport
from .wording import counted, shown_name

#: Why dist/ was not compared with the fresh build: the seeds cannot be built
#: (``seeds-unbuildable``), ``--dist`` is no folder of releases (``dist-unusable``), the
#: seeds' release or a file of it cannot be read by this user (``release-unreadable``),
#: another corpus's release, named alike, stands where the seeds' goes
#: (``another-corpus``).
NotCompared = Literal["seeds-unbuildable", "dist-unusable", "release-unreadable",
                      "another-corpus"]
#: What a check found, one of: ``current``; ``not-compared`` (:data:`NotCompared` says
#: why); the seeds' release current, and only ``untracked`` files (pre-commit), a
#: ``content-hash`` recorded otherwise in the seeds, ``another-corpus`` releases named as
#: this one's, or ``unreadable`` older releases found; else ``not-current``.
_Outcome = Literal["current", "not-compared", "untracked", "content-hash", "another-corpus",
                   "unreadable", "not-current"]


@dataclass(frozen=True)
class CheckReport(ValidationReport):
    """What ``check`` found: a report of kind ``release`` and command ``check``, whose
    problems name paths as given (``dist/...``, ``seeds/...``)."""

    kind: str = "release"
    command: str = "check"
    #: The seeds folder as given.
    seeds: str = "seeds"
    #: Why dist/ was not compared, None when it was.
    not_compared_reason: NotCompared | None = None
    #: What was not compared, and why, in words (the summary's): empty when it was.
    not_compared: str = ""
    #: What to do first about the release as a whole, where the problems say it for every
    #: file that differs (mend a release changed after its build or a damaged zip, then
    #: release the seeds' change; restore seeds behind a newer release, or release them):
    #: the summary says it too, so that it is not only on a problem that a long list may
    #: hide (GitHub shows the first 10 error annotations of a step; QA: the summary of a
    #: stale dist/ said no more than "not current").
    advice: str = ""

    @property
    def compared(self) -> bool:
        """Whether dist/ was compared with the fresh build (:attr:`not_compared_reason`)."""
        return self.not_compared_reason is None

    def other_corpus_problems(self) -> list[Problem]:
        """The problems of another corpus's releases in dist/, named as releases of the
        seeds' corpus (what they hold is not the seeds' to compare)."""
        return [problem for problem in self.problems if problem.code == "not-a-package"
                and problem.message.startswith(ANOTHER_CORPUS)]

    def _outcome(self) -> _Outcome:
        """What the check found (:data:`_Outcome`); the problems' kinds below exclude
        each other, so the order of the tests says nothing."""
        if not self.problems:
            return "current"
        if not self.compared:
            return "not-compared"
        if all(problem.code == "untracked-file" for problem in self.problems):
            return "untracked"
        if all(problem.code == "metadata-mismatch" and problem.location == "content_hash"
               for problem in self.problems):
            return "content-hash"
        if len(self.other_corpus_problems()) == len(self.problems):
            return "another-corpus"  # the seeds' own compared equal
        if all(problem.code == "unreadable-file" for problem in self.problems):
            return "unreadable"  # older releases: the seeds' own compared equal
        return "not-current"

    def summary(self) -> str:
        """The line the text report ends with, and the JSON report's ``summary``."""
        target = shown_name(self.target)  # a blank one in quotes (QA s87)
        problems = counted(self.problem_count, "problem")
        what = f"{counted(self.documents, 'document')}, {counted(self.files, 'file')}"
        outcome = self._outcome()
        if outcome == "current":
            return f"{target}: current, equal to a fresh build ({what})"
        if outcome == "not-compared":
            return f"{target}: not compared, {self.not_compared} ({problems})"
        if outcome == "untracked":
            # run by pre-commit: what a commit holds is not current (QA); a commit, or
            # 'pre-commit run --all-files', alike (QA s78)
            return (f"{target}: current in the work tree, equal to a fresh build "
                    f"({what}), but {problems}: what Git does not track, which "
                    "commits, and so clean clones, leave out")
        if outcome == "content-hash":  # (QA: called current)
            return (f"{target}: current, equal to a fresh build ({what}), but "
                    f"{self.problems[0].path} records another content hash than the "
                    "release's")
        if outcome == "another-corpus":
            return (f"{target}: the seeds' release is current, equal to a fresh build "
                    f"({what}), but {problems}: {target} holds another corpus's "
                    "release, named as a release of this one")
        if outcome == "unreadable":
            return (f"{target}: what could be read is equal to a fresh build "
                    f"({what}), but {problems}: what this user may not read")
        others = len(self.other_corpus_problems())
        return f"{target}: not current, {problems}" + (
            f" ({others} of them: another corpus's release named alike)" if others else "") + (
            f": {self.advice}" if self.advice else "")

    def verdict(self) -> str:
        """The line ``corpuskit check`` exits 1 with when problems are found (after
        ``error:``, on stderr); of a current release, its summary."""
        dist, seeds = shown_name(self.target), shown_name(self.seeds)
        problems = counted(len(self.problems), "problem")
        outcome = self._outcome()
        if outcome == "current":
            return self.summary()
        if self.not_compared_reason == "dist-unusable":
            return f"{self.not_compared}; nothing was compared"
        if self.not_compared_reason == "release-unreadable":
            return f"{self.not_compared} ({problems}), so it was not compared"
        if self.not_compared_reason == "another-corpus":
            return f"{self.not_compared} ({problems}); nothing was compared"
        if self.not_compared_reason == "seeds-unbuildable":
            return f"{seeds} cannot be built ({problems}); {dist} was not compared"
        if outcome == "another-corpus":
            return (f"{dist} holds another corpus's release, named as a release of this one "
                    f"({problems}); the release of {seeds} is current")
        if outcome == "unreadable":
            return (f"{dist}: {counted(len(self.problems), 'release')} or file of a release "
                    "cannot be read by this user; the rest compared equal")
        if outcome == "content-hash":
            return (f"{dist} is current, but {self.problems[0].path} records another "
                    "content hash than the release's (see above)")
        if outcome == "untracked":
            return (f"{dist} is current in the work tree, but commits, and so clean clones, "
                    f"leave out what Git does not track ({problems})")
        return f"{dist} is not current: {problems}"

    def as_dict(self) -> dict[str, Any]:
        """The validation report's JSON structure, with the check's ``summary`` and
        ``not_compared_reason`` (None when dist/ was compared)."""
        data = super().as_dict()
        data["summary"] = printable(self.summary())
        data["not_compared_reason"] = self.not_compared_reason
        return data
