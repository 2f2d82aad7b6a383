"""``--fast``'s clean pass: sizes, presence and counts of a sound package, memory flat.

:class:`FastCleanChecker` makes ``--fast``'s checks of a package, folder or archive, as a
stream, as :class:`~corpuskit.validation.clean.CleanChecker` makes the full check's: the raw
files are counted and their sizes summed, not listed, and the payload manifest is read a
batch of lines at a time, each batch parsed as strictly as the precise check parses the
whole file (:func:`~corpuskit.validation.bagit.parse_manifest`), and kept only as counts:
its raw files' number, the sum of their path tokens (:func:`~.records.path_token`) and
their suffixes. Equal counts and sums on both sides, with the manifest's paths strictly
increasing (so none is listed twice), say that the manifest lists exactly the raw files
present. The manifest's other payload files, and every other check, use the small table of
the files outside data/raw/.

It proves a package clean or gives up, at the first thing off: the precise check
(:mod:`.precise`, with ``fast``) then runs from the start and names every problem, with
a table of every file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from ..croissant import raw_suffixes
from ..names import raw_name_problems
from ..package import RAW_PREFIX, manifest_order
from ..problems import Problem
from .background import Background
from .bagit import PAYLOAD_PREFIX, check_payload_oxum, parse_manifest, split_lines
from .clean import CleanChecker, Start, beside_records
from .precise import STRICT_MANIFESTS, PackageResult, _recorded_documents
from .records import HASH_MASK, sum_of_path_tokens

#: Lines of the payload manifest parsed at once: what is held of it at any time.
MANIFEST_BATCH = 4096


class _PayloadListing:
    """What the payload manifest lists, as counts: its raw files (their number, the sum
    of their path tokens modulo 2**128, their suffixes) and its other payload files."""

    def __init__(self) -> None:
        self.raw_files = 0
        self.raw_hash = 0
        self.suffixes: frozenset[str] = frozenset()
        self.others: set[str] = set()
        #: The ``manifest_order`` key of the last entry so far (None before the first).
        self.last: tuple[int, str, str] | None = None


class FastCleanChecker(CleanChecker):
    """:class:`CleanChecker` for ``--fast``: a view listed with ``stream_raw`` (and, for a
    folder, ``measure_raw``, so that the raw files' sizes are summed); no file is hashed,
    no record read, as the precise check with ``fast`` reads none. :meth:`check` returns
    the result of a package the precise check would find no problem in, else None."""

    def after_start(self, start: Start) -> PackageResult | None:
        """--fast's checks after :meth:`sound_start` (which read ``start``): the raw files
        counted and measured, the payload manifest as counts, then the metadata files."""
        view, files = self.view, self.files
        bag_info, descriptor, resources, docs = start
        payload_name, tag_name = STRICT_MANIFESTS
        # The descriptor's schema checks run in a thread while the raw files are walked.
        self.schemas = schemas = Background(beside_records, descriptor)
        assert view.walk_raw is not None
        if any(found for found in view.walk_raw()) or view.may_collide:
            return None
        listing = self._payload_listing(payload_name)
        if listing is None or listing.raw_files != view.raw_files \
                or listing.raw_hash != view.raw_hash:
            return None
        payload = {rel for rel in files if rel.startswith(PAYLOAD_PREFIX)}
        if listing.others != payload:
            return None
        manifests = self.parse_manifests([tag_name], ())
        if self.problems:
            return None
        self.compare_manifests(manifests)
        self.problems.extend(check_payload_oxum(
            bag_info, sum(files[rel] for rel in payload) + view.raw_bytes,
            len(payload) + view.raw_files))
        self.compare_resources(resources, None)
        documents, recorded = view.raw_files, _recorded_documents(descriptor)
        self.cross_check(descriptor, bag_info, documents, None)
        # The raw files are not listed: their suffixes are the manifest's (the same files).
        self.raw = listing.suffixes
        self.metadata_files(descriptor, self.restated_documents(documents, recorded), None,
                            docs.parts)
        structure: list[Problem] = []
        for _ in self.structure_steps(descriptor, structure):
            pass
        if self.problems or structure or schemas.result():
            return None
        return PackageResult([], self.documents_told(documents, recorded) or 0,
                             len(files) + view.raw_files, sum(files.values()) + view.raw_bytes)

    def _payload_listing(self, name: str) -> _PayloadListing | None:
        """What the payload manifest ``name`` lists (:class:`_PayloadListing`), read a
        batch of lines at a time and parsed as the precise check parses it (strictly:
        the form corpuskit writes, paths in its order), or None if any line is off or a
        raw file's name is one ``build`` refuses."""
        listing = _PayloadListing()
        max_entries = len(self.files) + self.view.raw_files + 1_000  # as the precise check
        lines = split_lines(self.chunks(name), name, self.problems)
        for batch in _batches(lines, MANIFEST_BATCH):
            if not self._add_batch(listing, name, batch, max_entries):
                return None
        return None if self.problems or listing.last is None else listing

    def _add_batch(self, listing: _PayloadListing, name: str, batch: list[tuple[int, bytes]],
                   max_entries: int) -> bool:
        """Adds one ``batch`` of the manifest's lines to ``listing``: False if a line is
        off, or the batch's first path does not come after the last one before it."""
        ordered: list[str] = []
        _, problems = parse_manifest(batch, name, max_entries=max_entries,
                                     check=lambda path, _digest, _line:
                                     ordered.append(path), strict=True)
        if problems or len(ordered) != len(batch):
            return False
        first = manifest_order(ordered[0])
        if listing.last is not None and not listing.last < first:
            return False  # out of order across batches, or listed twice
        listing.last = manifest_order(ordered[-1])
        raw = [path for path in ordered if path.startswith(RAW_PREFIX)]
        if raw_name_problems(raw):
            return False
        listing.raw_files += len(raw)
        listing.raw_hash = (listing.raw_hash + sum_of_path_tokens(raw)) & HASH_MASK
        listing.suffixes |= raw_suffixes(raw)
        listing.others.update(path for path in ordered if not path.startswith(RAW_PREFIX))
        return True


def _batches(lines: Iterable[tuple[int, bytes]], size: int
             ) -> Iterator[list[tuple[int, bytes]]]:
    """``lines`` in lists of ``size`` (the last shorter)."""
    it = iter(lines)
    while batch := list(islice(it, size)):
        yield batch
