"""Build a release: seeds folder in, ``<out>/<name>-<version>/`` and its ``.zip`` out.

Orchestration only: every decision lives in a stage module, every byte is written by
:mod:`corpuskit.writer`. Bad input raises :class:`InputError` with every problem found,
after which nothing is left in the output folder.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from . import package
from .compare import archives_match, tree_differences
from .config import CHANGELOG_NAME, CorpusConfig, load_config
from .discover import discover, read_source
from .errors import InputError, OutputError, ReleaseExistsError
from .models import DocumentProblem
from .package import DOCUMENTS_PATH, RAW_PREFIX, CorpusStats, FileEntry
from .problems import Problem
from .records import process_document, record_json
from .writer import PackageWriter, remove_tree, write_archive


@dataclass(frozen=True)
class BuildResult:
    """What a build did: ``status`` is ``built`` or ``unchanged`` (identical release existed)."""

    status: str
    release: Path
    archive: Path
    documents: int
    content_hash: str
    skipped: tuple[tuple[str, str], ...]


def resolve_created(config: CorpusConfig, source_date_epoch: str | None) -> str | None:
    """The release time stamp: SOURCE_DATE_EPOCH if given, else corpus.toml's ``created``."""
    if source_date_epoch is not None and source_date_epoch.strip() != "":
        try:
            seconds = int(source_date_epoch)
            stamp = dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise InputError([Problem("SOURCE_DATE_EPOCH", "config-error",
                                      f"must be whole seconds since 1970, got "
                                      f"{source_date_epoch!r}")]) from None
        return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    created = config.metadata.get("created")
    return str(created) if created else None


def build(seeds: Path, out: Path, *, source_date_epoch: str | None = None) -> BuildResult:
    """Build the release of ``seeds`` into ``out``; see the module docstring."""
    config = load_config(seeds)
    discovery = discover(seeds, config.discover)
    created = resolve_created(config, source_date_epoch)
    problems = list(discovery.problems)
    stats = CorpusStats()
    raw_entries: list[FileEntry] = []

    with PackageWriter(out, config.release_name) as writer:
        with writer.stream(DOCUMENTS_PATH) as documents:
            for ref in discovery.sources:
                try:
                    raw = read_source(seeds, ref)
                    record = process_document(raw, config.process)
                except DocumentProblem as bad:
                    problems.append(bad.problem)
                    continue
                if problems:
                    continue  # keep checking, stop writing: this build will not land
                documents.write(record_json(record) + b"\n")
                raw_entries.append(writer.write(RAW_PREFIX + raw.path, raw.data))
                stats.add(record)
        if problems:
            raise InputError(problems, f"{len(problems)} problem"
                                       f"{'s' if len(problems) != 1 else ''} in {seeds}; "
                                       "nothing was written")
        if stats.documents == 0:
            raise InputError([Problem(".", "empty-document",
                                      "the seeds folder holds no documents; add text files")])
        docs_entry = FileEntry(DOCUMENTS_PATH, documents.bytes, documents.sha256)
        content = package.content_hash(config, docs_entry.sha256)
        payload = sorted([docs_entry, *raw_entries], key=lambda e: e.path)

        tags: list[FileEntry] = [
            writer.write("datapackage.json", package.pretty_json(package.datapackage(
                config, created, [(docs_entry, package.documents_resource())], stats, content))),
            writer.write("README.md", package.data_card(config, stats, content, DOCUMENTS_PATH)),
            writer.write("CHANGELOG.md", _changelog(seeds, config, created, stats)),
            writer.write("bagit.txt", package.BAGIT_TXT),
            writer.write("bag-info.txt", package.bag_info(
                config, created, sum(e.bytes for e in payload), len(payload), content)),
            writer.write("manifest-sha256.txt",
                         b"".join(package.manifest_line(e) for e in payload)),
        ]
        writer.write("tagmanifest-sha256.txt", b"".join(
            package.manifest_line(e) for e in sorted(tags, key=lambda e: e.path)))

        archive = out / f"{config.release_name}.zip"
        if writer.final.exists():
            assert writer.temp is not None
            differing = tree_differences(writer.final, writer.temp)
            if differing:
                raise ReleaseExistsError(
                    f"release {config.release_name} already exists in {out} with other "
                    f"content (differs in: {', '.join(differing[:5])}"
                    f"{', ...' if len(differing) > 5 else ''}); released versions are "
                    "immutable: bump the version with 'corpuskit release'")
            status = "unchanged"
            _ensure_archive(writer.final, archive, created)
        else:
            release = writer.commit()
            write_archive(release, archive, created)
            status = "built"
    return BuildResult(status, writer.final, archive, stats.documents, content,
                       discovery.skipped)


def _ensure_archive(release: Path, archive: Path, created: str | None) -> None:
    """Write the zip of an existing release if it is missing (e.g. after a killed build)."""
    if archive.exists():
        probe = archive.with_name(f".corpuskit-probe-{archive.name}")
        try:
            write_archive(release, probe, created)
            if not archives_match(probe, archive):
                raise ReleaseExistsError(
                    f"{archive} does not match the release folder {release}; released "
                    "archives are immutable, remove it only if it was never published")
        finally:
            if probe.exists():
                remove_tree(probe) if probe.is_dir() else probe.unlink()
        return
    try:
        write_archive(release, archive, created)
    except OutputError:
        raise


def _changelog(seeds: Path, config: CorpusConfig, created: str | None,
               stats: CorpusStats) -> bytes:
    path = seeds / CHANGELOG_NAME
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return package.default_changelog(config, created, stats)
    except OSError as exc:
        raise InputError([Problem(CHANGELOG_NAME, "unreadable-file",
                                  f"cannot read: {exc.strerror}")]) from None
