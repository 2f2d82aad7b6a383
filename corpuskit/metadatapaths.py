"""Paths inside the package that the metadata names: each must be a file the package holds.

A license, source or contributor of ``corpus.toml`` (and so of ``datapackage.json``) may
have a ``path``: a URL, or, as the Data Package profile allows, a path relative to the
package (``LICENSE.txt``). corpuskit writes a fixed set of files, so a relative path that
names none of them is a link to nothing in every copy of the release (datapackage.json,
croissant.json and the data card all carry it): ``build`` refuses it, naming the key, and
``validate`` reports it in a package.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from unicodedata import is_normalized, normalize

from .config import CONFIG_NAME
from .package import DOCUMENTS_PATH, RAW_PREFIX
from .parquet import PARQUET_PATH
from .problems import Problem, printable

if TYPE_CHECKING:
    from .models import SourceRef

#: The lists of the metadata whose items may have a ``path``.
PATH_LISTS = ("licenses", "sources", "contributors")
#: A URL, as the Data Package profile's pattern tells one (anything else is a path).
_URL = re.compile(r"(?:http|ftp)s?://")


def dangling_paths(metadata: Mapping[str, Any], files: Collection[str]
                   ) -> Iterator[tuple[str, int, str]]:
    """``(list, index, path)`` for each relative ``path`` in ``metadata``'s licenses,
    sources and contributors that is not one of ``files`` (paths in the package)."""
    for name in PATH_LISTS:
        items = metadata.get(name)
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            path = item.get("path") if isinstance(item, Mapping) else None
            if isinstance(path, str) and not _URL.match(path) and path not in files:
                yield name, index, path


def dangling_message(path: str, files: Collection[str],
                     skipped: Iterable[tuple[str, str]] = (), exclude: Sequence[str] = ()
                     ) -> str:
    """What to tell of ``path``, which names no file of the package (``files``), with the
    file it was likely meant for; ``skipped``: the seeds files and folders discovery
    skipped, with why (:class:`corpuskit.discover.Discovery`), kept out by ``exclude``."""
    shown = printable(path)
    hint = _near_miss(path, files, skipped, exclude)
    # (QA: "copies no file there but the documents" was said of data/documents.parquet)
    return (f"{shown!r} is a path inside the package, which holds no such file: it holds "
            "the files corpuskit writes and the documents it copies (under data/raw/); give "
            f"a URL (https://...), or the path of a file the package holds"
            + (f" ({hint})" if hint else ""))


def _near_miss(path: str, files: Collection[str], skipped: Iterable[tuple[str, str]],
               exclude: Sequence[str]) -> str | None:
    """Why ``path`` is not in the package when it nearly is, or None: the Parquet copy not
    asked for, a seeds file named without data/raw/, kept out of the package (excluded,
    hidden), a file of the package in another case, named without its extension or with
    a space at an end (QA: only the second was told); a file named without its extension
    is offered before a folder of the name (QA s78: only the folder's file was)."""
    if path == PARQUET_PATH:
        return (f"the package holds {PARQUET_PATH} only with [output] parquet = true in "
                f"{CONFIG_NAME}")
    shown = printable(path)
    if RAW_PREFIX + path in files:
        return f"the seeds file {shown} is in the package as {RAW_PREFIX}{shown}"
    seeds_path = path.removeprefix(RAW_PREFIX)
    kept_out = _kept_out(seeds_path, skipped, exclude,
                         renamed=path != RAW_PREFIX + seeds_path)
    if kept_out is not None:
        return kept_out
    unextended = _unextended(path, files, skipped, exclude)
    folder = _not_a_file(path, files)
    if folder and unextended:  # LICENSE.txt beside a folder LICENSE/: the file first (QA s78)
        return f"{unextended}; {folder}"
    return (folder or _other_form(path, files) or _other_case(path, files) or unextended
            or _spaced(path, files))


def _with_extension(stems: Sequence[str], names: Iterable[str]) -> list[str]:
    """The ``names`` that are one of ``stems`` with an extension added (``LICENSE.txt``
    for ``LICENSE``; not a file in a folder ``LICENSE.d/``), in order, in either Unicode
    form (QA s78: a Mac's NFD name typed in NFC without its extension got no hint)."""
    stems = [normalize("NFC", stem) for stem in stems if stem and not stem.endswith(("/", "."))]
    return sorted(name for name in names for stem in stems
                  if (formed := normalize("NFC", name)).startswith(stem + ".")
                  and "/" not in formed[len(stem) + 1:])


def _in_files(paths: Iterable[str], files: Collection[str]) -> list[str]:
    """The first of ``paths`` that names a file of ``files`` in either Unicode form, as
    ``files`` spells it; or none."""
    formed = {normalize("NFC", name): name for name in sorted(files)}
    return [formed[normalize("NFC", path)] for path in paths
            if normalize("NFC", path) in formed][:1]


def _respelled(typed: Sequence[str], name: str) -> bool:
    """Whether ``name`` begins with none of ``typed`` as spelled, only in another Unicode
    form: shown as it is, it would print as the path typed does and be copied wrong."""
    return not any(name.startswith(stem) for stem in typed)


def _meant(names: Sequence[str], typed: Sequence[str] = ()) -> str:
    """``'a'`` or ``'a' or 'b'``: the paths one of which was meant, to write as shown; one
    spelled in another Unicode form than ``typed`` (the path as given, with and without
    data/raw/) with escapes, as the two print alike."""
    from .names import escaped

    return " or ".join(f"'{escaped(name)}'" if typed and _respelled(typed, name)
                       else repr(printable(name)) for name in names)


def _form_note(typed: Sequence[str], names: Sequence[str], shown: str = "") -> str:
    """``", and the file's name is in another Unicode form ..."`` when one of ``names``
    is spelled in another form than ``typed`` (:func:`_meant` shows it with escapes; else
    ``shown``, the path to write, is given with them), else ``""`` (QA s78: the near
    misses were told only of a path in the file's own form)."""
    from .names import escaped

    other = next((name for name in names if _respelled(typed, name)), None)
    if other is None:
        return ""
    path = f" as '{escaped(shown)}'," if shown else ""
    return (f", and the file's name is in another Unicode form ({_form(other)}), which "
            f"prints alike: write the path{path} with those escapes, in double quotes")


def _form(name: str) -> str:
    """The Unicode normalization form ``name`` is in, to tell the user."""
    return next((form for form in ("NFD", "NFC") if is_normalized(form, name)),
                "another form")


def _unextended(path: str, files: Collection[str], skipped: Iterable[tuple[str, str]],
                exclude: Sequence[str]) -> str | None:
    """Where ``path`` names a file of the package (or a seeds file kept out of it) without
    its extension: the path to write (QA s78: ``LICENSE`` for the seeds' ``LICENSE.txt``,
    ``COPYING`` for ``COPYING.md``, was told only that the package holds no such file)."""
    typed = (path, RAW_PREFIX + path)
    meant = _with_extension(typed, files)
    if meant:
        return (f"did you mean {_meant(meant, typed)}? a path names a file by its whole "
                "name, its extension too" + _form_note(typed, meant))
    seeds_path = path.removeprefix(RAW_PREFIX)
    kept = _with_extension((seeds_path,), (name for name, _ in skipped))
    if kept:  # excluded or hidden: why, and the path to write once it is shipped
        kept_out = _kept_out(kept[0], skipped, exclude, renamed=True)
        return kept_out and kept_out + _form_note((seeds_path,), kept[:1],
                                                  shown=RAW_PREFIX + kept[0])
    return None


def _spaced(path: str, files: Collection[str]) -> str | None:
    """Where ``path`` names a file of the package but for white space at its start or end,
    which no name of the package has (a name copied with the space after it): the path
    to write (QA s78: ``"LICENSE.txt "`` was told only that there is no such file)."""
    trimmed = path.strip()
    if trimmed == path or not trimmed:
        return None
    typed = (trimmed, RAW_PREFIX + trimmed)
    meant = _in_files(typed, files) or _with_extension(typed, files)
    if not meant:
        return None
    ends = ("at its start and its end" if path[0].isspace() and path[-1].isspace() else
            "at its start" if path[0].isspace() else "at its end")
    return (f"did you mean {_meant(meant, typed)}? the path has white space {ends}, which "
            "the file's name does not" + _form_note(typed, meant))


def _not_a_file(path: str, files: Collection[str]) -> str | None:
    """Why ``path`` names no file where it names corpus.toml, which is never packaged, or
    a folder of the package (QA s77: each was told only that the package holds no such
    file)."""
    if path.removeprefix(RAW_PREFIX) == CONFIG_NAME:
        return (f"{CONFIG_NAME} is read by the build and never packaged: its metadata is "
                "written into datapackage.json, a file the package holds")
    folder = path.rstrip("/") + "/"
    for prefix in (folder, RAW_PREFIX + folder):
        inside = min((name for name in files if name.startswith(prefix)), default=None)
        if inside is not None:
            return (f"{printable(prefix[:-1])} is a folder of the package, not a file: name "
                    f"a file in it, such as {printable(inside)!r}")
    return None


def _other_form(path: str, files: Collection[str]) -> str | None:
    """Where ``path`` names a file of the package but in another Unicode normalization
    form (a name typed in NFC for a Mac's NFD one): which, with escapes, as the two print
    alike (QA s77: nothing said they differ)."""
    from .names import escaped

    formed = {normalize("NFC", name): name for name in sorted(files)}
    alike = formed.get(normalize("NFC", path)) or formed.get(normalize("NFC", RAW_PREFIX + path))
    if alike is None or alike in (path, RAW_PREFIX + path):
        return None
    return (f"the file's name is in another Unicode form ({_form(alike)}), which prints "
            f"alike: did you mean '{escaped(alike)}'? write the path with those escapes, in "
            "double quotes")


def _other_case(path: str, files: Collection[str]) -> str | None:
    """The file of the package ``path`` names in another case, if any."""
    folded = {name.casefold(): name for name in sorted(files)}
    alike = folded.get(path.casefold()) or folded.get((RAW_PREFIX + path).casefold())
    if alike is not None:
        return f"did you mean {printable(alike)!r}? paths match the case of names exactly"
    return None


def _kept_out(seeds_path: str, skipped: Iterable[tuple[str, str]], exclude: Sequence[str],
              *, renamed: bool) -> str | None:
    """Why the seeds file ``seeds_path``, or a folder it is in, was skipped (``skipped``)
    and so is not in the package, or None; ``renamed``: the path given is not the one it
    would have there (data/raw/ left out)."""
    reasons = dict(skipped)
    if not reasons:
        return None
    parts = seeds_path.split("/")
    for end in range(1, len(parts) + 1):
        at = "/".join(parts[:end])
        reason = reasons.get(at)
        if reason is None:
            continue
        folder = end < len(parts)
        what = f"the seeds {'folder' if folder else 'file'} {printable(at)}"
        if reason == "hidden":
            return (f"{what} is hidden, its name beginning with '.', and hidden files "
                    "and folders are not packaged: rename it to ship it")
        from .discover import excluded_by

        index = excluded_by(at, tuple(exclude), folder=folder)
        pattern = f"discover.exclude[{index}] {exclude[index]!r}" if index is not None \
            else "discover.exclude"
        return (f"{what} is excluded by {pattern}"
                + (", with everything in it" if folder else "")
                + f": remove it from exclude to ship {RAW_PREFIX}{printable(seeds_path)}"
                + (", and write that path" if renamed else ""))
    return None


def config_path_problems(metadata: Mapping[str, Any], parquet: bool,
                         sources: Iterable[SourceRef],
                         skipped: Iterable[tuple[str, str]] = (),
                         exclude: Sequence[str] = ()) -> list[Problem]:
    """The relative paths of a configuration's package ``metadata`` that no file of its
    package would be (the package of the documents ``sources``, with Parquet output or
    not: ``parquet``), as ``config-error`` at their keys: what ``build`` and ``validate
    SEEDS`` report alike. ``skipped`` and ``exclude``: the seeds files discovery skipped,
    and the patterns that kept some out, to say why one named is not in the package."""
    if not any(True for _ in dangling_paths(metadata, ())):
        return []  # no relative path at all: the usual case, with nothing to list
    from .validation.layout import TAG_FILES

    files = {*TAG_FILES, "manifest-sha256.txt", "tagmanifest-sha256.txt", DOCUMENTS_PATH,
             *((PARQUET_PATH,) if parquet else ()),
             *(RAW_PREFIX + ref.path for ref in sources)}
    skipped = tuple(skipped)
    return [Problem(CONFIG_NAME, "config-error",
                    dangling_message(path, files, skipped, exclude), f"{name}[{index}].path")
            for name, index, path in dangling_paths(metadata, files)]
