"""The releases kept in an output folder (``dist/``): ``<name>-X.Y.Z/`` folders and the
``<name>-X.Y.Z.zip`` archives beside them.

A release is its folder with its zip beside it; a zip whose folder was removed is still a
release (a zip-only release). Used by ``release`` (the latest release is what the seeds are
diffed against), ``check`` (a release newer than the seeds' version) and ``build`` (the
latest release folder lends its unchanged raw files to the new one, which a zip cannot:
:func:`latest_release_folder`).

A release's version is what its own ``datapackage.json`` says, never its name alone: a
folder or zip named as a release that holds no descriptor of that name and version is
damaged (:attr:`Releases.damaged` of :func:`survey_releases`). Listings are sorted, so
nothing depends on the order in which the file system lists a folder; a pipe, socket or
device named as a release's zip is never opened, nor is a symbolic link followed (a
release's zip is a file of its own); a pipe in place of a folder's datapackage.json is
refused, never waited on.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from .config import read_regular
from .errors import InputError
from .packagesource import DESCRIPTOR, MAX_METADATA_BYTES
from .problems import Problem
from .reader import folder_kind
from .regularfiles import unreadable_given
from .semver import RELEASE_NAME, VERSION_PATTERN, Version
from .wording import LINK_LOOP, command, counted, link_loop_on
from .zipfiles.archiveseal import ends_in_a_seal
from .zipfiles.zipsource import ZipSource

ARCHIVE_SUFFIX = ".zip"


@dataclass(frozen=True)
class DamagedRelease:
    """A folder or zip named as a release that is none, and why; ``other``: the
    ``<name> <version>`` of another corpus whose own release it is, named so by its own
    descriptor (and, for a zip, its top folder): not damaged nor renamed, but named alike
    ("a-1.0.0" 2.0.0 and "a" 1.0.0-2.0.0 both release as a-1.0.0-2.0.0), else None."""

    path: Path
    reason: str
    other: str | None = None


@dataclass(frozen=True)
class Releases:
    """The releases of one corpus in an output folder: ``found`` oldest first, each by its
    folder, or by its zip when the folder was removed (or is damaged); ``damaged``, sorted
    by path: the folders and zips named as its releases that ``found`` does not count,
    without a readable datapackage.json (damaged or incomplete), with one that names
    another name or version (renamed), or, for a zip, no regular file (a link, never
    followed; a pipe, never opened) or no readable archive."""

    found: tuple[tuple[Version, Path], ...]
    damaged: tuple[DamagedRelease, ...]

    @property
    def latest(self) -> tuple[Version, Path] | None:
        """The release with the highest semantic version, or None."""
        return self.found[-1] if self.found else None


def is_archive(release: Path) -> bool:
    """Whether a release found here is a zip (its folder was removed), not a folder."""
    return release.name.endswith(ARCHIVE_SUFFIX) and not release.is_dir()


def a_release_in(folder: Path) -> Path | None:
    """The first release (by name) that ``folder`` holds, of any corpus, as a folder of
    releases (``dist/``) does: a package folder (as :func:`~corpuskit.reader.folder_kind`
    tells) or a sealed archive (a file ending in corpuskit's seal: a symbolic link is not
    followed, and a pipe, socket or device never opened). None if it holds none, or cannot
    be listed. Hidden entries are passed over, as validate and check pass over them."""
    try:
        names = sorted(name for name in os.listdir(folder) if not name.startswith("."))
    except OSError:
        return None
    for name in names:
        child = folder / name
        mode = _mode_at(child)
        if not isinstance(mode, int):
            continue
        if stat.S_ISDIR(mode) and folder_kind(child) == "package":
            return child
        if stat.S_ISREG(mode) and name.lower().endswith(ARCHIVE_SUFFIX) \
                and ends_in_a_seal(child, follow_links=False):
            return child
    return None


def _listing(dist: Path) -> list[Path]:
    """The entries of ``dist`` sorted by name (none when it is no folder)."""
    return sorted(dist.iterdir()) if dist.is_dir() else []


def _release_pattern(name: str) -> re.Pattern[str]:
    """The names of releases of ``name``: ``<name>-<version>``, the version its group."""
    return re.compile(rf"^{re.escape(name)}-(?P<version>{VERSION_PATTERN})\Z")


def named_as_release_of(entry: str, name: str) -> bool:
    """Whether ``entry`` (a folder's name) is that of a release of ``name``, of any
    version, ``name`` in any letter case as :data:`~corpuskit.semver.RELEASE_NAME` takes
    it (QA: ``T-1.0.0`` is named as the release t-1.0.0 too)."""
    spelled = entry[:len(name)]
    return spelled.isascii() and spelled.lower() == name \
        and _release_pattern(name).match(name + entry[len(name):]) is not None


def _named_as_releases(dist: Path, name: str
                       ) -> tuple[list[tuple[Version, Path]], list[tuple[Version, Path]]]:
    """Entries named ``<name>-X.Y.Z`` (folders, descriptor or not, and whatever stands in
    a folder's place: a symbolic link to nothing or to itself, a pipe) and other
    entries named ``<name>-X.Y.Z.zip`` (of any kind: a file, link, pipe or folder), sorted
    by name. An entry in a folder's place is no release (:func:`_folder_damage`): passed
    over, a link to storage that is gone hid a newer release from check and release (QA)."""
    pattern = _release_pattern(name)
    folders: list[tuple[Version, Path]] = []
    archives: list[tuple[Version, Path]] = []
    for entry in _listing(dist):
        if (match := pattern.match(entry.name)) and entry.is_dir():
            folders.append((Version.parse(match.group("version")), entry))
        elif entry.name.endswith(ARCHIVE_SUFFIX) and (
                match := pattern.match(entry.name[:-len(ARCHIVE_SUFFIX)])):
            archives.append((Version.parse(match.group("version")), entry))
        elif match and not entry.is_file():  # a link to nothing or to itself, a pipe: a
            # regular file named alike is a file kept beside the releases
            # (t-corpus-1.0.0-SHA256SUMS: "1.0.0-SHA256SUMS" is a version; QA)
            folders.append((Version.parse(match.group("version")), entry))
    return folders, archives


def case_twins(dist: Path, name: str) -> list[tuple[Path, Path]]:
    """Entries named as releases of ``name`` in ``dist`` whose names differ only in case
    (``x-2.0.0-RC.1`` and ``x-2.0.0-rc.1``, two versions to semver), each with the first
    (by name) of its spelling: on a case-insensitive file system (macOS, Windows) they are
    one path, and a clone of ``dist`` merges their files (QA: both were built, and passed
    check). Seeds refuse names that differ only in case for the same reason."""
    folders, archives = _named_as_releases(dist, name)
    first: dict[str, Path] = {}
    twins: list[tuple[Path, Path]] = []
    for path in sorted((path for _, path in (*folders, *archives)), key=lambda p: p.name):
        # A version is ASCII letters, digits, '-' and '.': lower() is its case folding.
        earlier = first.setdefault(path.name.lower(), path)
        if earlier is not path:
            twins.append((path, earlier))
    return twins


def case_twin(dist: Path, name: str, version: str) -> Path | None:
    """An entry named as a release of ``name`` in ``dist`` whose name differs from that of
    ``version``'s release only in case (see :func:`case_twins`), or None."""
    names = (f"{name}-{version}", f"{name}-{version}{ARCHIVE_SUFFIX}")
    folders, archives = _named_as_releases(dist, name)
    return next((path for _, path in (*folders, *archives)
                 if path.name.lower() in {one.lower() for one in names}
                 and path.name not in names), None)


def descriptor_of(folder: Path) -> dict[str, Any] | None:
    """The folder's datapackage.json as an object, or None when there is none, it cannot
    be read (a pipe there is refused, never waited on) or it is not a JSON object."""
    try:
        descriptor = orjson.loads(read_regular(folder / DESCRIPTOR, MAX_METADATA_BYTES,
                                                checking=True))
    except (OSError, ValueError):
        return None
    return descriptor if isinstance(descriptor, dict) else None


def release_held(descriptor: dict[str, Any] | None) -> str | None:
    """``<name>-<version>``, the release folder's name that ``descriptor`` gives, or None
    where it gives no such strings."""
    if descriptor is None:
        return None
    name, version = descriptor.get("name"), descriptor.get("version")
    return f"{name}-{version}" if isinstance(name, str) and isinstance(version, str) else None


def descriptor_created(folder: Path) -> str | None:
    """The release time a release folder's descriptor gives (``created``), if any."""
    descriptor = descriptor_of(folder)
    value = descriptor.get("created") if descriptor is not None else None
    return value if isinstance(value, str) else None


def _mismatch(descriptor: dict[str, Any], name: str, version: Version) -> str | None:
    """Why a release's datapackage.json does not name it ``name`` ``version``; None if it
    does."""
    if descriptor.get("name") == name and descriptor.get("version") == str(version):
        return None
    return f"its {DESCRIPTOR} is of {_release_of(descriptor)}, not {name} {version} (renamed)"


def _folder_damage(folder: Path, name: str, version: Version) -> str | None:
    """Why the folder named as ``name`` ``version`` is no release of it (or what stands
    in its place: :func:`not_a_release_folder`); None if it is."""
    in_its_place = not_a_release_folder(folder)
    if in_its_place is not None:
        return in_its_place
    descriptor = descriptor_of(folder)
    if descriptor is None:
        denied = unreadable_given(folder / DESCRIPTOR)
        if denied is not None:  # its permissions at fault, not its content (QA)
            return f"its {DESCRIPTOR} cannot be read by this user ({denied.message})"
        return (f"it holds no {DESCRIPTOR}, or one that cannot be read (damaged or "
                "incomplete)")
    return _mismatch(descriptor, name, version)


def _release_of(descriptor: dict[str, Any]) -> str:
    """What a descriptor says it is, ``<name> <version>``, for a message (quoted when
    either is no string)."""
    name, version = descriptor.get("name"), descriptor.get("version")
    if isinstance(name, str) and isinstance(version, str):
        return f"{name} {version}"
    return f"{name!r} {version!r}"


def _mode_at(path: Path) -> int | str | None:
    """The mode of what is at ``path`` (a link not followed); None if nothing is there,
    or why it cannot be looked at."""
    try:
        return os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"it cannot be looked at: {exc.strerror or exc}"


def not_a_zip_file(path: Path) -> str | None:
    """Why what is at ``path``, where a release's zip belongs, is not one to read: a
    symbolic link (never followed: a release's zip is a file of its own), or a folder,
    pipe, socket or device (never opened: a pipe would be waited on). None when it is a
    regular file or nothing is there."""
    mode = _mode_at(path)
    if not isinstance(mode, int):
        return mode
    if stat.S_ISLNK(mode):
        return "it is a symbolic link (never followed: a release's zip is a file)"
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "a pipe, socket or device"
        return f"it is {kind}, not a zip file, and was not read"
    return None


def not_a_release_folder(path: Path) -> str | None:
    """Why what is at ``path``, where a release's folder belongs, is in the way: a file,
    a symbolic link (to nothing, or to a file), a pipe, socket or device, or a folder of
    releases (:func:`releases_in_place`). None when it is another folder (through a link
    too) or nothing is there. A build wrote the release and then
    failed to move it into place ("Not a directory"), or called the file a release that
    was changed after its build, and check said to run build (QA)."""
    mode = _mode_at(path)
    if not isinstance(mode, int):
        return mode
    if stat.S_ISDIR(mode) or path.is_dir():
        return releases_in_place(path)
    if stat.S_ISLNK(mode):
        if link_loop_on(path) is not None:
            return f"it is {LINK_LOOP}, not a folder"
        return f"it is a symbolic link to {os.readlink(path)!r}, not a folder"
    kind = "a file" if stat.S_ISREG(mode) else "a pipe, socket or device"
    return f"it is {kind}, not a folder"


def releases_in_place(path: Path) -> str | None:
    """Why the folder at ``path``, where a release's folder belongs, is in the way as a
    folder of releases: no package itself, it holds a release (a build given ``--out``
    that folder wrote one there, a mistyped ``--out dist/<name>-<version>``), or None.
    It is no release changed after its build, to be restored, nor are its releases' files
    those of one (QA: "restore it from a published copy", and check named each file of
    both as missing or extra)."""
    if folder_kind(path) == "package":
        return None
    release = a_release_in(path)
    if release is None:
        return None
    return (f"it is a folder of releases, not a release (it holds {release.name}, "
            f"probably from an earlier '{command('build', out=path)}')")


def restore_or_move(path: Path, dist: Path) -> str:
    """What to do with ``path``, named as a release in ``dist`` but none: restore it from
    a published copy, or move it out; a folder of releases there was never a release, and
    has no copy to restore (:func:`releases_in_place`): it is moved out."""
    if releases_in_place(path) is not None:
        return f"move it out of {dist}"
    held = _renamed_from(path)
    if held is not None and not os.path.lexists(dist / held):
        # (QA: a folder renamed by mistake was told to be restored or moved out)
        return (f"rename it back to {held}, the release it holds, if it was renamed by "
                f"mistake; else restore it from a published copy, or move it out of {dist}")
    return f"restore it from a published copy, or move it out of {dist}"


def _renamed_from(path: Path) -> str | None:
    """The name that the release at ``path`` (a folder or a zip) has by its own
    datapackage.json, if that is another than ``path``'s, else None."""
    zipped = path.suffix.lower() == ".zip"
    release = release_held(archive_descriptor(path)[0] if zipped else (
        descriptor_of(path) if path.is_dir() else None))
    if release is None:
        return None
    held = release + (ARCHIVE_SUFFIX if zipped else "")
    return held if held != path.name and "/" not in held else None


def archive_descriptor(archive: Path) -> tuple[dict[str, Any] | None, str]:
    """The datapackage.json of the zip at ``archive`` and the name of its top folder, or
    ``(None, why not)``. The zip is read with :class:`~corpuskit.zipfiles.zipsource.ZipSource` (its
    central directory and that one member, checked, never extracted); a symbolic link is
    not followed, and a pipe, socket, device or folder is not opened."""
    if not os.path.lexists(archive):
        return None, "it is not there"
    odd = not_a_zip_file(archive)
    if odd is not None:
        return None, odd
    try:
        with ZipSource(archive, follow_links=False) as source:
            raw = source.read_bytes(DESCRIPTOR, MAX_METADATA_BYTES)
            top = source.name
    except InputError as error:  # the first problem (of the archive, or of an entry)
        if not error.problems:
            return None, f"it is no readable package archive ({error})"
        first = error.problems[0]
        entry = "" if first.path == str(archive) else f"{first.path}: "
        return None, f"it is no readable package archive ({entry}{first.message})"
    except FileNotFoundError:
        return None, f"it holds no {DESCRIPTOR}"
    except OSError as exc:
        return None, f"its {DESCRIPTOR} cannot be read: {exc.strerror or exc}"
    try:
        descriptor = orjson.loads(raw)
    except ValueError:
        return None, f"its {DESCRIPTOR} is not valid JSON"
    if not isinstance(descriptor, dict):
        return None, f"its {DESCRIPTOR} is not a JSON object"
    return descriptor, top


def _archive_damage(archive: Path, name: str, version: Version) -> str | None:
    """Why the zip named as ``name`` ``version`` is no release of it; None if it is one."""
    descriptor, top = archive_descriptor(archive)
    if descriptor is None:
        return top
    mismatch = _mismatch(descriptor, name, version)
    if mismatch is not None:
        return mismatch
    if top != f"{name}-{version}":
        return f"its files are under {top}/, not {name}-{version}/ (renamed)"
    return None


def survey_releases(dist: Path, name: str, *, beside: bool = False) -> Releases:
    """The releases of ``name`` in ``dist`` and the entries named as releases of it that
    are none (see :class:`Releases`).

    A version counts by its folder when the folder's datapackage.json names it (a copy
    renamed to another version is not one: it would pass for the latest release); else by
    its zip, when the zip's own datapackage.json and top folder name it. A zip beside a
    release folder is read only with ``beside`` (``check`` and ``release``, which name a
    zip there that is no release of it, as a zip alone: QA forge3 1, a file of 7 bytes
    in place of an older release's zip passed check); not by ``build``, whose incremental
    run would read every older release's central directory. ``validate dist`` finds a
    zip that holds another package than its folder."""
    folders, archives = _named_as_releases(dist, name)
    found: dict[Version, Path] = {}
    damaged: list[DamagedRelease] = []
    for version, folder in folders:
        reason = _folder_damage(folder, name, version)
        if reason is None:
            found[version] = folder
        else:
            damaged.append(_damaged(folder, reason, _other_corpus(
                descriptor_of(folder), folder.name, name)))
    for version, archive in archives:
        if version in found and not beside:
            continue
        reason = _archive_damage(archive, name, version)
        if reason is None:
            found.setdefault(version, archive)
        else:
            descriptor, top = archive_descriptor(archive)
            stem = archive.name[:-len(ARCHIVE_SUFFIX)]
            damaged.append(_damaged(archive, reason, _other_corpus(
                descriptor, stem, name) if top == stem else None))
    return Releases(tuple(sorted(found.items(), key=lambda item: item[0])),
                    tuple(sorted(damaged, key=lambda item: item.path)))


def _damaged(path: Path, reason: str, other: str | None) -> DamagedRelease:
    """The entry at ``path`` that is no release of this corpus: by ``reason``, or, when it
    is ``other``'s release named alike, by that (it was called renamed: QA)."""
    if other is None:
        return DamagedRelease(path, reason)
    return DamagedRelease(path, f"it is the release of another corpus, {other}, whose "
                                "release is named alike (not renamed)", other)


def _other_corpus(descriptor: dict[str, Any] | None, stem: str, name: str) -> str | None:
    """``<name> <version>`` of the corpus other than ``name`` whose release ``descriptor``
    is, if its release name is ``stem`` as well (the folder's name, the zip's without
    .zip); else None."""
    if descriptor is None:
        return None
    other, version = descriptor.get("name"), descriptor.get("version")
    if not isinstance(other, str) or not isinstance(version, str) or other == name \
            or f"{other}-{version}" != stem:
        return None
    return f"{other} {version}"


def unreadable_release(path: Path) -> Problem | None:
    """The problem of a release folder or zip that this user may not read, or of a
    folder's datapackage.json that this user may not read (which tells what the folder
    is); None if there is none. Its permissions are at fault: never to be called damaged,
    with advice to restore or remove it (QA)."""
    problem = unreadable_given(path)
    if problem is None and not os.path.islink(path) and os.path.isdir(path) \
            and os.path.lexists(path / DESCRIPTOR):
        problem = unreadable_given(path / DESCRIPTOR)
    return problem


def find_releases(dist: Path, name: str) -> list[tuple[Version, Path]]:
    """Releases of ``name`` in ``dist``, oldest first: each by its folder, or by its zip
    when its folder was removed (see :func:`survey_releases`)."""
    return list(survey_releases(dist, name).found)


def latest_release(dist: Path, name: str) -> tuple[Version, Path] | None:
    """The release of ``name`` in ``dist`` with the highest semantic version, or None: its
    folder, or its zip when the folder was removed."""
    return survey_releases(dist, name).latest


def latest_release_folder(dist: Path, name: str) -> tuple[Version, Path] | None:
    """The release folder of ``name`` in ``dist`` with the highest semantic version, or
    None. Folders only: ``build`` hard-links the unchanged raw files of this release into
    the new one, which needs them as files on disk; a zip-only release (its folder
    removed) cannot lend them, so it is passed over here even when it is the latest
    release (:func:`latest_release`)."""
    folders, _ = _named_as_releases(dist, name)
    releases = sorted(((version, folder) for version, folder in folders
                       if _folder_damage(folder, name, version) is None),
                      key=lambda item: item[0])
    return releases[-1] if releases else None


def lending_release_folder(dist: Path, name: str, version: str
                           ) -> tuple[Version, Path] | None:
    """The release folder whose raw files a build of ``name`` ``version`` in ``dist`` takes
    for the unchanged ones: that release's own folder when it is there (a build of a
    release that exists takes its files where they are, neither linked nor looked at
    again), else the latest release folder (:func:`latest_release_folder`). Before, a
    build of an older release that exists linked the newer release's files into its
    temporary folder and removed the links, which changed their ctime: the next build
    trusted none of the seeds states it had remembered and read every file again."""
    wanted = Version.parse(version)
    for found, folder in _named_as_releases(dist, name)[0]:
        if found == wanted and _folder_damage(folder, name, found) is None:
            return found, folder
    return latest_release_folder(dist, name)


#: Changed files of a release looked up in the other releases, at most
#: (:func:`sharing_releases`): a few are enough to tell that they share them.
_SHARED_LOOKUPS = 100


def sharing_releases(dist: Path, name: str, release: Path, rels: list[str]
                     ) -> dict[str, list[Path]]:
    """Per file of ``rels`` of ``release`` (the first :data:`_SHARED_LOOKUPS`), the other
    release folders of ``name`` in ``dist`` that hold it as the very same file
    (hard-linked: a build links the raw files that did not change into the next release),
    sorted; files shared with none are left out. A change to such a file changed those
    releases too (QA: restoring the release named left the others damaged, unsaid)."""
    folders = [folder for _, folder in _named_as_releases(dist, name)[0] if folder != release]
    shared: dict[str, list[Path]] = {}
    for rel in rels[:_SHARED_LOOKUPS]:
        try:
            info = os.lstat(release / rel)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or info.st_nlink < 2:
            continue
        for folder in folders:
            try:
                other = os.lstat(folder / rel)
            except OSError:
                continue
            if (other.st_dev, other.st_ino) == (info.st_dev, info.st_ino):
                shared.setdefault(rel, []).append(folder)
    return shared


def shared_advice(sharing: list[Path], *, one_file: bool) -> str:
    """``; ...`` telling that the file changed (``one_file``) or the files changed are one
    with files of the releases ``sharing`` (see :func:`sharing_releases`), which need
    restoring too; ``""`` if there are none."""
    shared = sorted(set(sharing))
    if not shared:
        return ""
    names = ", ".join(folder.name for folder in shared[:3]) + (", ..." if len(shared) > 3
                                                                 else "")
    those = "that release" if len(shared) == 1 else f"those {len(shared)} releases"
    what, it = ("this file is", "it") if one_file else ("its changed files are", "them")
    return (f"; {what} hard-linked with the same files of {names} (a build links the files "
            f"that did not change into the next release), which changed with {it}: restore "
            f"{those} too ('corpuskit validate {shared[0].parent}' checks every release)")


def other_corpora(dist: Path, name: str) -> list[str]:
    """Names of the other corpora released in ``dist`` than ``name`` (what a rename of the
    corpus leaves behind): see :func:`corpora_in`."""
    return [other for other in corpora_in(dist) if other != name]


def release_recording(dist: Path, others: Sequence[str], created: str
                      ) -> tuple[str, str] | None:
    """The corpus and release (``<name>-<version>``) among those of the corpora
    ``others`` in ``dist`` whose release time is ``created``, or None: seeds that record
    it are that corpus's, renamed. A release kept as its zip alone is read in the zip."""
    for other in others:
        for _, path in reversed(find_releases(dist, other)):
            if is_archive(path):
                descriptor, _ = archive_descriptor(path)
            else:
                descriptor = descriptor_of(path)
            if descriptor is not None and descriptor.get("created") == created:
                return other, f"{other}-{descriptor.get('version')}"
    return None


def corpora_in(dist: Path) -> list[str]:
    """Names of the corpora released in ``dist``, sorted: ``<name>-X.Y.Z/`` folders, or
    ``<name>-X.Y.Z.zip`` zips without their folder, whose datapackage.json names them
    so."""
    found: set[str] = set()
    for entry in _listing(dist):
        if entry.is_dir():
            descriptor = descriptor_of(entry)
            stem = entry.name
        elif (entry.name.endswith(ARCHIVE_SUFFIX)
              and RELEASE_NAME.match(stem := entry.name[:-len(ARCHIVE_SUFFIX)])
              and descriptor_of(entry.with_name(stem)) is None):
            descriptor, top = archive_descriptor(entry)
            if top != stem:
                continue
        else:
            continue
        if descriptor is None:
            continue
        other, version = descriptor.get("name"), descriptor.get("version")
        if isinstance(other, str) and stem == f"{other}-{version}":
            found.add(other)
    return sorted(found)


def releases_given(folder: Path) -> str | None:
    """Why ``folder``, a folder of releases (``dist``), is refused where one package is
    expected (info, diff, export, load), naming the latest release of each corpus in it,
    the one to pass (QA: 'info dist' named none); None if it holds no release, or cannot
    be listed (what opening it says then is left to say)."""
    try:
        names = corpora_in(folder)
    except OSError:
        return None
    latest = []
    for name in names:
        found = survey_releases(folder, name).found
        if not found:
            continue
        path = found[-1][1]
        beside = path.with_name(f"{path.name}{ARCHIVE_SUFFIX}")
        zipped = " (or its .zip)" if not is_archive(path) and beside.is_file() else ""
        which = (f"the latest of {counted(len(found), 'release')}" if len(found) > 1
                 else "the only release")
        latest.append(f"{path}{zipped}, {which} of {name}")
    if not latest:
        return None
    return ("a folder of releases, not one package; pass one of its releases: "
            + "; ".join(latest))
