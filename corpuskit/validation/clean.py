"""The clean pass: a fast check that proves a sound package clean, or gives up.

:class:`CleanChecker` checks a package, folder or archive, as a stream: the raw files are
counted, not listed (an archive's central directory is in memory anyway); each is read with
its record, and the payload manifest is compared byte for byte with the lines its records
imply, in record order (which is manifest order): a merge-join with no table per file, so
memory is flat in the number of documents and the manifest costs a comparison, not a parse.
At the first thing off it gives up, and the precise check (:mod:`.precise`) runs from the
start and names every problem.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from typing import Any, NamedTuple

from ..changelog import load_parser
from ..errors import WorkerDied
from ..fallbacks import strict
from ..membernames import unsafe_member_reason
from ..package import bagit_path, manifest_order
from ..problems import Problem
from .background import INTERRUPTED_WAIT_SECONDS, Background
from .bagit import (
    BAG_INFO,
    BAGIT_TXT,
    MAX_LINE_BYTES,
    PAYLOAD_PREFIX,
    REQUIRED_ALGORITHM,
    check_bagit_txt,
    check_payload_oxum,
    parse_bag_info,
)
from .descriptor import Resource, check_descriptor, descriptor_resources, documents_resource
from .layout import dangling_path_problems, layout_problems
from .precise import REQUIRED_FILES, STRICT_MANIFESTS, Checker, PackageResult
from .recordpass import ManifestStream, RecordPass
from .records import manifest_digest

#: What stops the clean pass that is no bug of it, even with ``CORPUSKIT_STRICT=1``
#: (:mod:`corpuskit.fallbacks`): a worker killed, a file that could not be read, memory
#: run out. The precise check does the work again, and names what it finds.
_NOT_ITS_BUGS = (WorkerDied, OSError, MemoryError)


def beside_records(descriptor: dict[str, Any]) -> list[Problem]:
    """What the clean pass does in a thread while the workers check the records: the
    descriptor's schema problems (:func:`check_descriptor`), then the import of the
    changelog's parser, which the last of the metadata checks after the records needs
    (about 25 ms taken off the end of the clean pass)."""
    problems = check_descriptor(descriptor)
    load_parser()
    return problems


class Start(NamedTuple):
    """What :meth:`CleanChecker.sound_start` read: bag-info.txt's fields, the descriptor,
    its resources and the one of the documents."""

    bag_info: dict[str, list[str]]
    descriptor: dict[str, Any]
    resources: list[Resource]
    docs: Resource


class CleanChecker(Checker):
    """:class:`Checker` for a folder or archive listed with ``stream_raw`` and expected to
    be clean (an archive's raw members are read and checked as :meth:`ZipSource.open` reads
    any member, and its headers as the precise check does, in steps between the blocks).

    The raw files are not listed: each is read with its record, and the payload manifest
    is compared, byte for byte, with the lines corpuskit writes for the records in order
    (a merge-join: manifest order is record order), then for the other payload files. The
    listing's count and path hashes of data/raw/ must equal the records' (every raw file
    named by exactly one record). Every other check is :class:`Checker`'s, on the small
    table of the files outside data/raw/.

    It proves a package clean or gives up: :meth:`check` returns None as soon as anything
    is off, and the caller then runs the precise check, which names every problem. So it
    needs to be right only about packages it accepts: a byte-exact manifest, records that
    pass every check, ids strictly increasing, the same raw files. Memory is flat in the
    number of documents: nothing per file outlives a block.
    """

    #: The thread checking the descriptor against its schemas, once started.
    schemas: Background[list[Problem]] | None = None

    def check(self) -> PackageResult | None:
        """The result for a clean package, or None: run the precise check (which also
        stands in if this pass fails in a way it did not foresee)."""
        try:
            result = self._check()
        except Exception as error:  # the precise check reports whatever this was
            if strict() and not isinstance(error, _NOT_ITS_BUGS):  # a bug of this pass:
                self.close()  # an error in the tests, not a validate that is slower
                self._settle_schemas()  # (the process may end now: see .background)
                raise
            result = None
        except BaseException:  # an interrupt: out soon, the schema thread waited for briefly
            self.close()
            self._settle_schemas(INTERRUPTED_WAIT_SECONDS)
            raise
        self.close()
        self._settle_schemas()  # no thread may be importing when a pool forks
        return result

    def _settle_schemas(self, timeout: float | None = None) -> None:
        """Wait for the thread checking the descriptor, if one started (``timeout``
        seconds at most): no thread may be importing when the process ends or a pool
        forks (:mod:`.background`)."""
        if self.schemas is not None:
            self.schemas.wait(timeout)

    def changed_files(self) -> list[Problem]:
        """Files that changed while this pass read them (the precise check that follows
        may find them stable): reported whatever the precise check finds."""
        return [problem for problem in self.problems if problem.path in self.unreadable
                and problem.message.endswith("changed while it was read")]

    def sound_start(self) -> Start | None:
        """The checks of the small files every package holds, as far as the records:
        returns what they read, or None if anything is off (or the package is not of the
        form corpuskit writes: other manifests, no documents resource). The descriptor's
        schemas are not checked here (see :func:`beside_records`)."""
        files = self.files
        if self.problems or any(rel not in files for rel in REQUIRED_FILES):
            return None
        names = self.manifest_names()
        if self.problems or sorted(names) != sorted(STRICT_MANIFESTS):
            return None
        data = self.read_small(BAGIT_TXT)
        if data is None or check_bagit_txt(data) or self.problems:
            return None
        data = self.read_small(BAG_INFO)
        if data is None:
            return None
        bag_info, found = parse_bag_info(data)
        descriptor = self.descriptor(schemas=False) if not found else None
        if descriptor is None or self.problems:
            return None
        resources, found = descriptor_resources(descriptor)
        docs = documents_resource(resources)
        if found or docs is None or layout_problems(files, resources) \
                or dangling_path_problems(descriptor, files):
            return None
        return Start(bag_info, descriptor, resources, docs)

    def _check(self) -> PackageResult | None:
        start = self.sound_start()
        return None if start is None else self.after_start(start)

    def after_start(self, start: Start) -> PackageResult | None:
        """The checks after :meth:`sound_start` (which read ``start``): the records, the
        raw files and the manifests as a stream, then the metadata files."""
        view, files = self.view, self.files
        bag_info, descriptor, resources, docs = start
        payload_name, tag_name = STRICT_MANIFESTS

        stream = ManifestStream(view, payload_name)
        algorithms: dict[str, tuple[str, ...]] = {part: (REQUIRED_ALGORITHM,)
                                                   for part in docs.parts}
        records = RecordPass(self, docs.parts, algorithms, (REQUIRED_ALGORITHM,),
                             descriptor, stream)
        # The descriptor's schema checks (jsonschema, imported on first use) run in a
        # thread while the workers, forked by now, check the records.
        self.schemas = descriptor_problems = Background(beside_records, descriptor)
        listing: list[Problem] = []

        def walk_raw() -> Iterator[None]:
            assert view.walk_raw is not None
            for found in view.walk_raw():
                listing.extend(found)
                yield

        # An archive's headers are checked here, between handing blocks to the workers.
        structure: list[Problem] = []
        try:
            documents, docs_sha256 = records.finish(
                chain(walk_raw(), self.structure_steps(descriptor, structure)))
            if records.failed or self.problems or listing or view.may_collide \
                    or docs_sha256 is None or documents != view.raw_files \
                    or records.path_hash != view.raw_hash \
                    or descriptor_problems.result():
                return None
            # Files no record names (tag files, other payload files).
            skip = {*docs.parts, payload_name, tag_name}  # read by their own passes
            self.hash_files([((REQUIRED_ALGORITHM,),
                              [rel for rel in files if rel not in self.sha256
                               and rel not in skip])])
            if self.problems:
                return None
            payload = [rel for rel in files if rel.startswith(PAYLOAD_PREFIX)]
            if any(unsafe_member_reason(rel) for rel in payload):
                return None  # a name no manifest may list (the precise check says why)
            tail = "".join(f"{self.sha256[rel].hex()}  {bagit_path(rel)}\n"
                           for rel in sorted(payload, key=manifest_order)).encode("utf-8")
            if any(len(line) > MAX_LINE_BYTES for line in tail.split(b"\n")) \
                    or not (stream.expect(manifest_digest(tail)) and stream.end()):
                return None
            self.record_digests(payload_name, stream.size, (REQUIRED_ALGORITHM,),
                                (stream.hasher.digest(),))
        finally:
            stream.close()
        manifests = self.parse_manifests([tag_name], (REQUIRED_ALGORITHM,))
        if self.problems:
            return None
        self.compare_manifests(manifests)
        payload_bytes = sum(files[rel] for rel in payload) + records.raw_bytes
        self.problems.extend(check_payload_oxum(bag_info, payload_bytes,
                                                len(payload) + view.raw_files))
        self.compare_resources(resources, docs_sha256)
        self.cross_check(descriptor, bag_info, documents, docs_sha256)
        # The raw files are not listed here: their suffixes are the records' (each raw file
        # named by exactly one record, checked above).
        self.raw = frozenset(records.tally.suffixes)
        self.metadata_files(descriptor, documents, records.tally)
        if self.problems or structure:
            return None
        not_checked = self.parquet(docs.parts)
        if self.problems:
            return None
        return PackageResult([], documents, len(files) + view.raw_files,
                             sum(files.values()) + records.raw_bytes, not_checked)

