"""Where the sorted documents of a corpus are cut into shards, decided by their ids alone.

A build processes, caches and compresses its documents a shard at a time, and the
archive's data/documents.jsonl and payload manifest are deflated in blocks that are the
shards (:mod:`corpuskit.zipfiles.deflate`). Cut every 512 documents, one document added or removed
moved every boundary after it, and every shard after it was processed again (adding one
document that sorted first to 100,000 took as long as a cold build). So a shard ends
after a document whose id is a boundary (about one in :data:`BOUNDARY_ONE_IN`, by a hash
of the id), once it holds :data:`SHARD_MIN` documents, and at :data:`SHARD_MAX` whatever
the ids (content-defined chunking, as restic and borg cut files): a document added or
removed moves the boundaries of its own shard only, and the shards after it keep their
documents and their cache entries. Shards hold about 512 documents.

The boundaries depend on the sorted ids only: never on the number of workers, the
machine or the documents' bytes, so they can be found again from a package's files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

#: A shard holds at least this many documents (the corpus's last shard may hold fewer).
SHARD_MIN = 384
#: A shard ends at this many documents, whatever their ids.
SHARD_MAX = 1024
#: About one id in this many is a boundary: shards of 512 documents on average, nine in
#: ten under 640 (with a minimum of 256 and one id in 256, one in ten was over 800: a
#: shard that a changed document sends back to work costs more, and so does the last
#: shard of a cold build).
BOUNDARY_ONE_IN = 128


def is_boundary(doc_id: str) -> bool:
    """Whether a shard that holds :data:`SHARD_MIN` documents or more ends after the
    document ``doc_id``: its UTF-8's BLAKE2b digest of one byte, modulo
    :data:`BOUNDARY_ONE_IN` (which divides 256), is 0."""
    digest = hashlib.blake2b(doc_id.encode("utf-8", "surrogatepass"), digest_size=1).digest()
    return digest[0] % BOUNDARY_ONE_IN == 0


class ShardCutter:
    """Fed the sorted ids one at a time, says after which one a shard ends (for a stream
    of them: a package's files)."""

    def __init__(self) -> None:
        self.count = 0

    def ends_after(self, doc_id: str) -> bool:
        """Take the next id: whether the shard ends after it (the next id starts one)."""
        self.count += 1
        if self.count >= SHARD_MAX or (self.count >= SHARD_MIN and is_boundary(doc_id)):
            self.count = 0
            return True
        return False


def cut(count: int, id_at: Callable[[int], str]) -> list[int]:
    """The number of documents of each shard of ``count`` sorted documents, the id of
    document ``i`` being ``id_at(i)``: as :class:`ShardCutter` cuts them, asking for the
    ids that can end a shard only (those past :data:`SHARD_MIN` in their shard: about
    half), as the plan of every build is made on the one core everything waits for."""
    sizes: list[int] = []
    start = 0
    while start < count:
        end = min(start + SHARD_MIN, count)
        while end < count and end - start < SHARD_MAX and not is_boundary(id_at(end - 1)):
            end += 1
        sizes.append(end - start)
        start = end
    return sizes
