"""Check one package, whether a folder or an archive: the orchestration of every check.

Every file is read once, streaming: one pass hashes each file with every algorithm a
manifest asks for (bagit-python's ``get_hashers`` idea), and the pass over
``data/documents.jsonl`` also feeds the record checks and the resource hash. Everything
else compares what that pass found with what the manifests, ``bag-info.txt`` and
``datapackage.json`` say. ``fast`` skips the reading: sizes, presence and counts only.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import stat
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path
from typing import IO, Any

import orjson

from ..config import DEFAULT_MAX_FILE_BYTES, CorpusConfig, DiscoverConfig, ProcessConfig
from ..models import Record
from ..package import DOCUMENTS_PATH, RAW_PREFIX, content_hash
from ..problems import Problem
from ..reader import DESCRIPTOR, ArchiveReadError, ZipSource
from .archive import check_archive_structure
from .bagit import (
    ALGORITHMS,
    BAG_INFO,
    BAGIT_TXT,
    MANIFEST_NAME,
    PAYLOAD_PREFIX,
    REQUIRED_ALGORITHM,
    Manifest,
    check_bagit_txt,
    check_payload_oxum,
    parse_bag_info,
    parse_manifest,
    split_lines,
)
from .descriptor import (
    CROISSANT,
    check_croissant,
    check_descriptor,
    descriptor_resources,
    documents_resource,
    process_config_from_settings,
)
from .records import RawFacts, RecordChecker, iter_lines, reproduce_record

CHUNK = 1 << 20
#: Largest tag file (bagit.txt, bag-info.txt, datapackage.json, croissant.json) read whole.
MAX_TAG_FILE_BYTES = 64 * 1024 * 1024
#: Longest line of documents.jsonl assembled in memory (a record of a 256 MiB raw file fits).
MAX_RECORD_LINE = 3 * DEFAULT_MAX_FILE_BYTES
#: Records sent to a worker at once by --reproduce, and batches in flight per worker.
REPRODUCE_BATCH = 64
_IN_FLIGHT = 3
REQUIRED_FILES = (BAGIT_TXT, BAG_INFO, f"manifest-{REQUIRED_ALGORITHM}.txt",
                  f"tagmanifest-{REQUIRED_ALGORITHM}.txt", DESCRIPTOR)


@dataclass
class PackageView:
    """A package's files (relative path → size) and how to open them, folder or archive."""

    kind: str
    files: dict[str, int]
    opener: Callable[[str], IO[bytes]]
    problems: list[Problem] = field(default_factory=list)
    archive: ZipSource | None = None


def _printable(name: str) -> str:
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def folder_view(root: Path) -> PackageView:
    """The regular files under ``root``; symbolic links and special files are problems."""
    files: dict[str, int] = {}
    problems: list[Problem] = []

    def walk(rel: str) -> None:
        try:
            with os.scandir(root / rel if rel else root) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            problems.append(Problem(rel or ".", "unreadable-file",
                                    f"cannot list the folder: {exc.strerror or exc}"))
            return
        for entry in entries:
            relpath = f"{rel}/{entry.name}" if rel else entry.name
            shown = _printable(relpath)
            if shown != relpath:
                problems.append(Problem(shown, "unsafe-path",
                                        "the name is not valid UTF-8; it cannot be listed in a "
                                        "manifest"))
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError as exc:
                problems.append(Problem(relpath, "unreadable-file",
                                        f"cannot stat: {exc.strerror or exc}"))
                continue
            if stat.S_ISLNK(info.st_mode):
                problems.append(Problem(relpath, "unsafe-path",
                                        "symbolic link; a package holds regular files only "
                                        "(not followed)"))
            elif stat.S_ISDIR(info.st_mode):
                walk(relpath)
            elif stat.S_ISREG(info.st_mode):
                files[relpath] = info.st_size
            else:
                problems.append(Problem(relpath, "unsafe-path",
                                        "not a regular file (device, socket or pipe)"))

    walk("")

    def opener(rel: str) -> IO[bytes]:
        fd = os.open(root / rel, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        return os.fdopen(fd, "rb", buffering=0)

    return PackageView("package", dict(sorted(files.items())), opener, problems)


def archive_view(source: ZipSource) -> PackageView:
    files = {rel: source.size(rel) for rel in source.files()}
    return PackageView("archive", files, source.open, list(source.problems), source)


@dataclass
class PackageResult:
    problems: list[Problem]
    documents: int


class _Checker:
    """The state of one package check (one object per call; not reused)."""

    def __init__(self, view: PackageView, *, fast: bool, reproduce: bool, jobs: int) -> None:
        self.view = view
        self.fast = fast
        self.reproduce = reproduce
        self.jobs = jobs
        self.files = view.files
        self.problems: list[Problem] = list(view.problems)
        self.unreadable: set[str] = set()
        self.digests: dict[str, dict[str, str]] = {}
        self.read_error_code = "archive-error" if view.kind == "archive" else "unreadable-file"

    # -- reading ---------------------------------------------------------------------------

    def _read_error(self, rel: str, exc: BaseException) -> None:
        self.unreadable.add(rel)
        reason = str(exc) if isinstance(exc, ArchiveReadError) else (
            getattr(exc, "strerror", None) or str(exc))
        self.problems.append(Problem(rel, self.read_error_code, f"cannot be read: {reason}"))

    def chunks(self, rel: str, hashers: list[Any] | None = None) -> Iterator[bytes]:
        """The file's bytes in chunks (read errors become problems and end the stream)."""
        try:
            with self.view.opener(rel) as handle:
                while chunk := handle.read(CHUNK):
                    if hashers:
                        for hasher in hashers:
                            hasher.update(chunk)
                    yield chunk
        except (OSError, ValueError) as exc:
            self._read_error(rel, exc)

    def read_small(self, rel: str, limit: int = MAX_TAG_FILE_BYTES) -> bytes | None:
        if rel not in self.files:
            return None
        if self.files[rel] > limit:
            self.problems.append(Problem(rel, "too-large",
                                         f"{self.files[rel]} bytes; a corpuskit tag file is at "
                                         f"most {limit} bytes, so it was not read"))
            return None
        data = b"".join(self.chunks(rel))
        return None if rel in self.unreadable else data

    def digest(self, rel: str, algorithms: set[str]) -> None:
        hashers = {alg: hashlib.new(alg) for alg in sorted(algorithms)}
        for _ in self.chunks(rel, list(hashers.values())):
            pass
        if rel not in self.unreadable:
            self.digests[rel] = {alg: h.hexdigest() for alg, h in hashers.items()}

    # -- the checks ------------------------------------------------------------------------

    def run(self) -> PackageResult:
        files = self.files
        for rel in REQUIRED_FILES:
            if rel not in files:
                self.problems.append(Problem(rel, "missing-file",
                                             "a corpuskit package always holds this file"))
        data = self.read_small(BAGIT_TXT)
        if data is not None:
            self.problems.extend(check_bagit_txt(data))
        data = self.read_small(BAG_INFO)
        bag_info: dict[str, list[str]] = {}
        if data is not None:
            bag_info, found = parse_bag_info(data)
            self.problems.extend(found)
        manifests = self.manifests()
        descriptor = self.descriptor()
        resources, found = descriptor_resources(descriptor or {})
        self.problems.extend(found)
        docs = documents_resource(resources)
        doc_parts = docs.parts if docs is not None else (DOCUMENTS_PATH,)
        if DOCUMENTS_PATH not in doc_parts and DOCUMENTS_PATH in files and docs is None:
            doc_parts = (DOCUMENTS_PATH,)

        algorithms: dict[str, set[str]] = {}
        for manifest in manifests:
            for path in manifest.entries:
                algorithms.setdefault(path, set()).add(manifest.algorithm)

        documents = 0
        docs_sha256: str | None = None
        if not self.fast:
            for rel in files:
                if rel not in doc_parts:
                    self.digest(rel, algorithms.get(rel, set()) | {"sha256"})
            raw = {rel: RawFacts(size, self.digests.get(rel, {}).get("sha256"))
                   for rel, size in files.items() if rel.startswith(RAW_PREFIX)
                   and rel not in self.unreadable}
            documents, docs_sha256, referenced = self.records(doc_parts, raw, algorithms,
                                                              descriptor)
            complete = docs_sha256 is not None
            for rel in raw if complete else ():
                if rel not in referenced:
                    self.problems.append(Problem(rel, "unreferenced-file",
                                                 "no record has this raw file as its "
                                                 "source_path"))
        else:
            documents = sum(1 for rel in files if rel.startswith(RAW_PREFIX))

        self.compare_manifests(manifests)
        payload = {rel: size for rel, size in files.items() if rel.startswith(PAYLOAD_PREFIX)}
        if BAG_INFO in files and BAG_INFO not in self.unreadable:
            self.problems.extend(check_payload_oxum(bag_info, sum(payload.values()),
                                                    len(payload)))
        self.compare_resources(resources, docs_sha256 if docs is not None else None)
        if descriptor is not None:
            counted = self.fast or all(p in files and p not in self.unreadable
                                       for p in doc_parts)
            self.cross_check(descriptor, bag_info, documents if counted else None, docs_sha256)
        if CROISSANT in files:
            self.croissant()
        if self.view.archive is not None and not self.view.archive.problems:
            created = descriptor.get("created") if descriptor else None
            self.problems.extend(check_archive_structure(
                self.view.archive, created if isinstance(created, str) else None))
        return PackageResult(self.problems, documents)

    def manifests(self) -> list[Manifest]:
        found = []
        for rel in self.files:
            match = MANIFEST_NAME.match(rel)
            if match is None:
                continue
            if match.group(2) not in ALGORITHMS:
                self.problems.append(Problem(rel, "bagit-error",
                                             f"checksum algorithm {match.group(2)!r} is not "
                                             f"one of {', '.join(ALGORITHMS)}; not verified"))
                continue
            lines = split_lines(self.chunks(rel), rel, self.problems)
            manifest, problems = parse_manifest(
                lines, rel, max_entries=max(len(self.files), 1) + 1_000)
            self.problems.extend(problems)
            found.append(manifest)
        return found

    def descriptor(self) -> dict[str, Any] | None:
        data = self.read_small(DESCRIPTOR)
        if data is None:
            return None
        try:
            value = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            self.problems.append(Problem(DESCRIPTOR, "schema-error", f"not valid JSON: {exc}"))
            return None
        self.problems.extend(check_descriptor(value))
        return value if isinstance(value, dict) else None

    def records(self, parts: tuple[str, ...], raw: dict[str, RawFacts],
                algorithms: dict[str, set[str]], descriptor: dict[str, Any] | None
                ) -> tuple[int, str | None, set[str]]:
        """The pass over documents.jsonl: hashes, record checks, and --reproduce."""
        reproducer = self.reproducer(descriptor) if self.reproduce else None
        checker = RecordChecker(parts[0], raw, reproducer.add if reproducer else None)
        resource_hash = hashlib.sha256()
        try:
            for part in parts:
                if part not in self.files:
                    continue
                checker.path = part
                if reproducer is not None:
                    reproducer.part = part
                hashers = {alg: hashlib.new(alg)
                           for alg in sorted(algorithms.get(part, set()) | {"sha256"})}
                lines = iter_lines(self.chunks(part, [*hashers.values(), resource_hash]),
                                   MAX_RECORD_LINE)
                for number, line in lines:
                    if line is None:
                        checker.count += 1
                        self.problems.append(Problem(part, "too-large",
                                                     f"line longer than {MAX_RECORD_LINE} "
                                                     "bytes; not checked", f"line {number}"))
                    else:
                        checker.feed(number, line)
                if part not in self.unreadable:
                    self.digests[part] = {alg: h.hexdigest() for alg, h in hashers.items()}
        finally:
            if reproducer is not None:
                self.problems.extend(reproducer.finish())
        self.problems.extend(checker.problems)
        complete = all(p in self.files and p not in self.unreadable for p in parts)
        return checker.count, resource_hash.hexdigest() if complete else None, checker.referenced

    def reproducer(self, descriptor: dict[str, Any] | None) -> _Reproducer | None:
        settings = (descriptor or {}).get("corpuskit", {})
        process = settings.get("process") if isinstance(settings, dict) else None
        try:
            if not isinstance(process, dict):
                raise ValueError("corpuskit.process is missing")
            config = process_config_from_settings(process)
        except ValueError as exc:
            self.problems.append(Problem(DESCRIPTOR, "schema-error",
                                         f"cannot reproduce the records: {exc}",
                                         "/corpuskit/process"))
            return None
        return _Reproducer(self, config, self.jobs)

    def compare_manifests(self, manifests: list[Manifest]) -> None:
        files = self.files
        for manifest in manifests:
            for path, (digest, line) in manifest.entries.items():
                if path not in files:
                    self.problems.append(Problem(path, "missing-file",
                                                 f"listed in {manifest.name} (line {line}) but "
                                                 "absent"))
                elif path in self.digests and not self.fast:
                    actual = self.digests[path].get(manifest.algorithm)
                    if actual is not None and actual != digest:
                        self.problems.append(Problem(
                            path, "checksum-mismatch",
                            f"{manifest.algorithm} is {actual}, {manifest.name} (line {line}) "
                            f"says {digest}"))
        payload_manifests = [m for m in manifests if not m.tag]
        tag_manifests = [m for m in manifests if m.tag]
        for rel in files:
            if rel.startswith(PAYLOAD_PREFIX):
                covering = payload_manifests
            elif MANIFEST_NAME.match(rel) and rel.startswith("tagmanifest-"):
                continue
            else:
                covering = tag_manifests
            for manifest in covering:
                if rel not in manifest.entries:
                    self.problems.append(Problem(rel, "unlisted-file",
                                                 f"present but not listed in {manifest.name}"))

    def compare_resources(self, resources: list[Any], docs_sha256: str | None) -> None:
        for resource in resources:
            where = f"/resources/{resource.index}"
            missing = [part for part in resource.parts if part not in self.files]
            for part in missing:
                self.problems.append(Problem(part, "missing-file",
                                             f"resource {resource.name!r} of {DESCRIPTOR} "
                                             f"({where}/path) names it but it is absent"))
            if missing:
                continue
            size = sum(self.files[part] for part in resource.parts)
            if resource.bytes is not None and resource.bytes != size:
                self.problems.append(Problem(DESCRIPTOR, "size-mismatch",
                                             f"resource {resource.name!r} says {resource.bytes} "
                                             f"bytes, its data has {size}", f"{where}/bytes"))
            if self.fast or resource.hash is None:
                continue
            algorithm, _, expected = resource.hash.rpartition(":")
            algorithm = algorithm or "md5"
            actual = self.resource_digest(resource, algorithm, docs_sha256)
            if actual is not None and actual != expected.lower():
                self.problems.append(Problem(DESCRIPTOR, "checksum-mismatch",
                                             f"resource {resource.name!r}: {algorithm} of its "
                                             f"data is {actual}, the descriptor says "
                                             f"{expected}", f"{where}/hash"))

    def resource_digest(self, resource: Any, algorithm: str, docs_sha256: str | None
                        ) -> str | None:
        if algorithm not in ALGORITHMS:
            return None
        if any(part in self.unreadable for part in resource.parts):
            return None
        if len(resource.parts) == 1:
            known = self.digests.get(resource.parts[0], {}).get(algorithm)
            if known is not None:
                return known
        elif resource.name == "documents" and algorithm == "sha256" and docs_sha256:
            return docs_sha256
        hasher = hashlib.new(algorithm)
        for part in resource.parts:
            for _ in self.chunks(part, [hasher]):
                pass
        return hasher.hexdigest()

    def cross_check(self, descriptor: dict[str, Any], bag_info: dict[str, list[str]],
                    documents: int | None, docs_sha256: str | None) -> None:
        """corpuskit.documents and content_hash against the data; bag-info and the archive's
        top folder against the descriptor. ``documents`` is None when the records could not
        all be read (that problem is reported already)."""
        settings = descriptor.get("corpuskit")
        settings = settings if isinstance(settings, dict) else {}
        recorded = settings.get("documents")
        if isinstance(recorded, int) and documents is not None and recorded != documents:
            counted = "records in data/documents.jsonl" if not self.fast else \
                "raw files in data/raw/"
            self.problems.append(Problem(DESCRIPTOR, "metadata-mismatch",
                                         f"corpuskit.documents says {recorded}, the package "
                                         f"holds {documents} {counted}", "/corpuskit/documents"))
        recorded_hash = settings.get("content_hash")
        name, version = descriptor.get("name"), descriptor.get("version")
        if isinstance(recorded_hash, str) and docs_sha256 is not None and isinstance(name, str):
            config = CorpusConfig(name=name, version=str(version), metadata=descriptor,
                                  discover=DiscoverConfig(), process=ProcessConfig())
            actual = content_hash(config, docs_sha256)
            if actual != recorded_hash:
                self.problems.append(Problem(DESCRIPTOR, "checksum-mismatch",
                                             f"content hash of the records and metadata is "
                                             f"{actual}, corpuskit.content_hash says "
                                             f"{recorded_hash}", "/corpuskit/content_hash"))
        expected: dict[str, Any] = {"Content-Hash": recorded_hash, "Version": version,
                                    "Bag-Group-Identifier": name,
                                    "External-Identifier": f"{name}-{version}"}
        if BAG_INFO in self.files and BAG_INFO not in self.unreadable:
            for label, value in expected.items():
                values = bag_info.get(label)
                if not isinstance(value, str) or value == "None-None":
                    continue
                if values is None:
                    self.problems.append(Problem(BAG_INFO, "bagit-error",
                                                 f"no {label} (corpuskit always writes it)",
                                                 label))
                elif values != [value]:
                    self.problems.append(Problem(BAG_INFO, "metadata-mismatch",
                                                 f"{label} says {' / '.join(values)!r}, "
                                                 f"{DESCRIPTOR} says {value!r}", label))
        archive = self.view.archive
        if archive is not None and isinstance(name, str) and isinstance(version, str) \
                and archive.name != f"{name}-{version}":
            self.problems.append(Problem(".", "metadata-mismatch",
                                         f"the archive's top folder is {archive.name}/, the "
                                         f"descriptor names the release {name}-{version}"))

    def croissant(self) -> None:
        data = self.read_small(CROISSANT)
        if data is None:
            return
        try:
            document = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            self.problems.append(Problem(CROISSANT, "schema-error", f"not valid JSON: {exc}"))
            return
        digests = {rel: d["sha256"] for rel, d in self.digests.items() if "sha256" in d}
        self.problems.extend(check_croissant(document, self.files, digests))


def _reproduce_batch(batch: list[tuple[str, int, Record, bytes]], config: ProcessConfig
                     ) -> list[Problem]:
    problems = []
    for part, number, record, data in batch:
        reason = reproduce_record(record, data, config)
        if reason is not None:
            problems.append(Problem(part, "record-mismatch", f"record {record.id!r}: {reason}",
                                    f"line {number}"))
    return problems


class _Reproducer:
    """Re-derives records on worker processes while the records pass goes on.

    The parent reads each raw file (its hash was checked already) and sends batches of
    (record, raw bytes); at most a few batches per worker are in flight, so memory stays
    bounded. With one job everything runs in-process.
    """

    def __init__(self, checker: _Checker, config: ProcessConfig, jobs: int) -> None:
        self.checker = checker
        self.config = config
        self.batch: list[tuple[str, int, Record, bytes]] = []
        self.results: list[Problem] = []
        self.pending: deque[AsyncResult[list[Problem]]] = deque()
        self.pool: Pool | None = None
        if jobs > 1:
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
            self.pool = context.Pool(processes=jobs)
        self.limit = jobs * _IN_FLIGHT
        self.part = DOCUMENTS_PATH

    def add(self, number: int, record: Record) -> None:
        rel = RAW_PREFIX + record.source_path
        if record.source_bytes > DEFAULT_MAX_FILE_BYTES:
            self.results.append(Problem(rel, "too-large",
                                        f"{record.source_bytes} bytes; not re-derived (over "
                                        f"{DEFAULT_MAX_FILE_BYTES})"))
            return
        data = b"".join(self.checker.chunks(rel))
        if rel in self.checker.unreadable:
            return
        self.batch.append((self.part, number, record, data))
        if len(self.batch) >= REPRODUCE_BATCH:
            self.submit()

    def submit(self) -> None:
        batch, self.batch = self.batch, []
        if not batch:
            return
        if self.pool is None:
            self.results.extend(_reproduce_batch(batch, self.config))
            return
        self.pending.append(self.pool.apply_async(_reproduce_batch, (batch, self.config)))
        while len(self.pending) > self.limit:
            self.results.extend(self.pending.popleft().get())

    def finish(self) -> list[Problem]:
        try:
            self.submit()
            while self.pending:
                self.results.extend(self.pending.popleft().get())
        finally:
            if self.pool is not None:
                self.pool.close()
                self.pool.join()
        return self.results


SIDECAR_SUFFIX = ".sha256"


def check_sidecar(archive: Path) -> list[Problem]:
    """Verify ``<archive>.sha256`` (one ``<hex>  <name>`` line) if it exists beside the archive.

    Every entry of an archive is verified by content; the compressed bytes themselves are
    only covered by a checksum of the whole archive, published beside it.
    """
    sidecar = archive.with_name(archive.name + SIDECAR_SUFFIX)
    if not sidecar.is_file():
        return []
    try:
        text = sidecar.read_bytes()[:4096].decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [Problem(".", "archive-error", f"cannot read {sidecar.name}: {exc}")]
    fields = text.split()
    if len(fields) < 1 or len(fields[0]) != 64 or fields[0].strip("0123456789abcdef"):
        return [Problem(".", "archive-error",
                        f"{sidecar.name} is not a '<sha256>  <file name>' line")]
    if len(fields) > 1 and fields[1].lstrip("*") != archive.name:
        return [Problem(".", "archive-error",
                        f"{sidecar.name} is the checksum of {fields[1]!r}, not {archive.name}")]
    digest = hashlib.sha256()
    try:
        with archive.open("rb", buffering=0) as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
    except OSError as exc:
        return [Problem(".", "archive-error", f"cannot read: {exc.strerror or exc}")]
    if digest.hexdigest() != fields[0]:
        return [Problem(".", "checksum-mismatch",
                        f"sha256 of the archive is {digest.hexdigest()}, {sidecar.name} says "
                        f"{fields[0]}")]
    return []


def check_package(view: PackageView, *, fast: bool = False, reproduce: bool = False,
                  jobs: int = 1) -> PackageResult:
    """Every check of one package; see the module docstring."""
    return _Checker(view, fast=fast, reproduce=reproduce, jobs=jobs).run()
