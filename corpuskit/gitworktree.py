"""The Git work tree a path is in, and what Git's index records of a file there.

corpuskit reads no repository itself; where a message must say what Git did (a link
checked out as a file, line ends converted, a submodule not fetched), it finds the work
tree by walking up for ``.git``, and asks ``git`` (if installed) what its index records,
never more than for the few files already suspected.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

#: How long ``git ls-files`` may take for one file before it is taken to know nothing.
_GIT_SECONDS = 10
#: The mode Git's index records for a symbolic link.
_LINK_MODE = "120000"


def work_tree(path: Path | str) -> Path | None:
    """The top of the Git work tree ``path`` is in (the nearest folder, itself or above,
    holding ``.git``), or None."""
    try:
        absolute = Path(os.path.abspath(path))
        for top in (absolute, *absolute.parents):
            if os.path.lexists(top / ".git"):
                return top
    except (OSError, ValueError):
        pass
    return None


def recorded_as_link(path: Path | str) -> bool:
    """Whether the Git index of the work tree ``path`` is in records it as a symbolic
    link (mode 120000): a file in its place is a link Git checked out as a file holding
    its target (``core.symlinks`` false). False where there is no work tree, no ``git``,
    or it cannot tell."""
    top = work_tree(os.path.dirname(os.path.abspath(path)))
    git = shutil.which("git")
    if top is None or git is None:
        return False
    relative = Path(os.path.abspath(path)).relative_to(top).as_posix()
    try:
        listed = subprocess.run(
            [git, "-C", str(top), "ls-files", "--stage", "-z", "--", f":(literal){relative}"],
            capture_output=True, timeout=_GIT_SECONDS, check=False,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"})
    except (OSError, subprocess.SubprocessError):
        return False
    return listed.returncode == 0 and listed.stdout.startswith(_LINK_MODE.encode() + b" ")


@dataclass(frozen=True)
class LeftOut:
    """A file or folder a commit leaves out though it is in the work tree: ``path``, under
    the folder asked about as it was given (or that folder, or the symbolic link on its
    way); ``ignored`` where Git ignores it, with the .gitignore lines that do
    (``.gitignore:3: *.zip``) in ``by``, none where Git cannot say (a folder every file of
    which some line ignores names their lines); ``known_as``, where a symbolic link on the
    way makes it differ, the path Git knows it by from the top of the work tree (what
    ``git add`` takes: it refuses a path beyond a link)."""

    path: Path
    ignored: bool = False
    by: tuple[str, ...] = ()
    known_as: str | None = None


@dataclass(frozen=True)
class Beyond:
    """A folder that is (or is under) a symbolic link leading out of the Git work tree it
    is in, or into another repository: ``real`` where it leads, ``top`` the work tree."""

    real: Path
    top: Path


def _git_top(path: Path) -> tuple[Path, Path] | None:
    """The work tree ``path`` is in, as found where ``path`` is named (a link itself is
    not entered: its target may be the top of another repository), and the same resolved
    (links followed); None outside one."""
    absolute = Path(os.path.abspath(path))
    top = work_tree(absolute.parent if absolute.is_symlink() else absolute)
    if top is None:
        return None
    return top, Path(os.path.realpath(top))


def beyond_work_tree(path: Path) -> Beyond | None:
    """Where ``path`` really is, if a symbolic link takes it out of the Git work tree it is
    named in (or into another repository within it): a commit holds the link at most,
    none of the files there. None where it is in its work tree, or there is none."""
    tops = _git_top(path)
    if tops is None:
        return None
    top, real_top = tops
    real = Path(os.path.realpath(path))
    if real.is_relative_to(real_top) and work_tree(real) == real_top:
        return None
    return Beyond(real, top)


def untracked(path: Path) -> list[LeftOut]:
    """The files and folders under ``path`` (a folder, or ``path`` itself) that the Git
    work tree it is in does not track, ignored or not (``git ls-files --others``), each as
    ``path`` joined with its place in it: what a commit leaves out, though it is there to
    read. A folder none of whose files is tracked is named once, as Git lists it; so is one
    every file of which is ignored, and an ignored file in a folder named for the rest
    (``git add`` passes over it) is named too. A link on the way (``path`` itself, or a
    folder above it) is followed: Git knows the files by their real path. Empty where there
    is no work tree, no ``git``, it cannot tell (git is optional: nothing is said then), or
    the link leads out of the work tree (:func:`beyond_work_tree` says that)."""
    tops = _git_top(path)
    git = shutil.which("git")
    if tops is None or git is None or beyond_work_tree(path) is not None:
        return []
    top, real_top = tops
    # (QA: Git refuses a path beyond a symbolic link; that was taken as nothing untracked,
    # and a release left untracked in a dist/ linked to releases/ passed the hook.)
    relative = Path(os.path.realpath(path)).relative_to(real_top).as_posix()
    listing = ["ls-files", "--others", "--exclude-standard", "-z"]
    collapsed = ["--directory", "--no-empty-directory"]
    not_ignored = _git_lines(git, real_top, [*listing, *collapsed], [relative])
    ignored_folders = _git_lines(git, real_top, [*listing, "--ignored", *collapsed], [relative])
    ignored_files = _git_lines(git, real_top, [*listing, "--ignored"], [relative])
    if not_ignored is None:
        return []  # a damaged repository
    # what Git ignores is said where Git can list it, the rest all the same
    ignored_folders, ignored_files = ignored_folders or [], ignored_files or []
    # (QA: a release zip matched by a "*.zip" line of .gitignore is left out of the commit
    # as surely as an untracked one; the hook passed, and a clean clone failed check.)
    lines = _ignoring_lines(git, real_top, ignored_files)
    ignored = [name for name in ignored_folders if name.endswith("/")] + [
        name for name in ignored_files
        if not any(name.startswith(folder) for folder in ignored_folders
                   if folder.endswith("/"))]

    linked = Path(os.path.realpath(path)) != Path(os.path.abspath(path))

    def under(name: str, ignored: bool = False) -> LeftOut:
        inside = [file for file in ignored_files
                  if file == name or (name.endswith("/") and file.startswith(name))]
        return LeftOut(path / os.path.relpath(name.rstrip("/"), relative), ignored,
                       tuple(sorted({lines[file] for file in inside if file in lines})),
                       name.rstrip("/") if linked else None)

    return [*_untracked_link(git, top, path),
            *(under(name) for name in not_ignored),
            *(under(name, True) for name in sorted(ignored))]


def _untracked_link(git: str, top: Path, path: Path) -> list[LeftOut]:
    """The first symbolic link on the way from ``top`` to ``path`` (``path`` itself, or a
    folder above it), if the work tree does not track it: asking Git about the real
    path, as :func:`untracked` does, would pass over the link itself, which a clean clone
    then lacks."""
    absolute = Path(os.path.abspath(path))
    link = next((folder for folder in (*reversed(absolute.parents), absolute)
                 if folder.is_relative_to(top) and folder != top and folder.is_symlink()),
                None)
    if link is None:
        return []
    relative = link.relative_to(top).as_posix()
    listing = ["ls-files", "--others", "--exclude-standard", "-z"]
    # as given: ``path`` itself, or the folder above it as the user would name it
    shown = path if link == absolute else link if path.is_absolute() else Path(
        os.path.relpath(link))
    if _git_lines(git, top, listing, [relative]):
        return [LeftOut(shown)]
    if _git_lines(git, top, [*listing, "--ignored"], [relative]):
        known = _ignoring_lines(git, top, [relative])
        return [LeftOut(shown, True, (known[relative],) if relative in known else ())]
    return []


def _git_lines(git: str, top: Path, args: list[str], paths: list[str]) -> list[str] | None:
    """What ``git ARGS -- PATHS`` run at ``top`` lists (``-z``), each path from the top of
    the work tree (a folder with a trailing slash); None where it fails."""
    try:
        listed = subprocess.run(
            [git, "-C", str(top), *args, "--", *(f":(literal){p}" for p in paths)],
            capture_output=True, timeout=_GIT_SECONDS, check=False, env=_git_env())
    except (OSError, subprocess.SubprocessError):
        return None
    if listed.returncode != 0:
        return None
    return [os.fsdecode(name) for name in listed.stdout.split(b"\0") if name]


#: At most this many files are asked about (:func:`keeps_bytes`): the first few of a
#: list of converted files tell what the work tree's attributes do to them.
_ATTRIBUTE_FILES = 32


def keeps_bytes(paths: Sequence[Path | str]) -> bool:
    """Whether Git keeps the bytes of each of ``paths`` (the first
    :data:`_ATTRIBUTE_FILES`) as they are: each is in a Git work tree whose attributes
    unset ``text`` for it (``-text``, or ``binary``), so that neither ``core.autocrlf``
    nor an ``eol`` attribute converts its line ends as Git checks it out or commits it
    (``git check-attr text``). False where one is in no work tree, ``git`` is missing,
    or it cannot tell: then Git may have converted them."""
    git = shutil.which("git")
    if git is None or not paths:
        return False
    by_top: dict[Path, list[str]] = {}
    for path in paths[:_ATTRIBUTE_FILES]:
        top = work_tree(os.path.dirname(os.path.abspath(path)))
        if top is None:
            return False
        by_top.setdefault(top, []).append(
            Path(os.path.abspath(path)).relative_to(top).as_posix())
    for top, names in by_top.items():
        told = _git_with_names(git, top, ["check-attr", "-z", "--stdin", "text"], names)
        if told is None or told.returncode != 0:
            return False
        # path, attribute, value: three fields to each path, the last one empty
        fields = told.stdout.split(b"\0")
        values = fields[2:len(fields) - 1:3]
        if len(values) != len(names) or any(value != b"unset" for value in values):
            return False
    return True


def _git_with_names(git: str, top: Path, args: list[str],
                    names: list[str]) -> subprocess.CompletedProcess[bytes] | None:
    """``git ARGS`` run at ``top`` with ``names`` (paths from ``top``) on its standard
    input, each ended by a NUL; None where it cannot be run."""
    try:
        return subprocess.run(
            [git, "-C", str(top), *args],
            input=b"".join(os.fsencode(name) + b"\0" for name in names),
            capture_output=True, timeout=_GIT_SECONDS, check=False, env=_git_env())
    except (OSError, subprocess.SubprocessError):
        return None


def _git_env() -> dict[str, str]:
    """The environment ``git`` runs in: no optional locks (a hook's git may hold the
    index), messages in English."""
    return {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}


def _ignoring_lines(git: str, top: Path, names: list[str]) -> dict[str, str]:
    """For each of ``names`` (paths from ``top``) that Git ignores, the line that ignores
    it, as ``.gitignore:3: *.zip`` (``git check-ignore -v``, one run for all); none where
    Git cannot say."""
    if not names:
        return {}
    told = _git_with_names(git, top, ["check-ignore", "-v", "-z", "--stdin"], names)
    if told is None or told.returncode not in (0, 1):  # 1: none ignored
        return {}
    fields = [os.fsdecode(field) for field in told.stdout.split(b"\0")]
    # source, line number, pattern, path: four fields to each path, the last one empty
    return {fields[at + 3]: f"{fields[at]}:{fields[at + 1]}: {fields[at + 2]}"
            for at in range(0, len(fields) - 3, 4) if fields[at]}
