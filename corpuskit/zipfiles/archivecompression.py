"""Which of the compressions a corpus may choose deflated a release's zip.

The compression (``[output] compression``) is no part of a release: it changes no file of
the package, and a zip of the same members deflated otherwise is accepted as the release's
(README, "The archive"). But it decides the zip's bytes: seeds whose compression changed
since a release build that version's zip in other bytes, another sha256 and seal than the
published one's. ``check`` and ``release`` say so (QA: check said "current", release "the
same processing settings, outputs", and nothing of the setting that changed).
"""

from __future__ import annotations

import struct
import zipfile
from itertools import islice
from pathlib import Path

from ..errors import CorpuskitError
from .deflate import COMPRESSIONS, PIECE_BYTES
from .zippieces import RECORDS_MEMBER
from .zipsource import ZipSource

#: The members looked at, at most: each is deflated once per compression still possible,
#: and the first few (the metadata files, README.md first) tell them apart.
MEMBERS_LOOKED_AT = 64
_LOCAL_HEADER_BYTES = 30


def archive_compression(archive: Path) -> str | None:
    """The name (:data:`~corpuskit.zipfiles.deflate.COMPRESSIONS`) of the one compression whose
    deflate, here, gives the compressed bytes of the zip's members deflated whole (a
    file of up to :data:`~corpuskit.zipfiles.deflate.PIECE_BYTES`, other than the records, which
    are deflated in pieces). None where none does (another zlib deflated it, or ``fast``,
    whose bytes are not reproducible, did otherwise than here), where the members looked at
    do not tell the compressions apart, or where the zip cannot be read (validate says why)."""
    possible = list(COMPRESSIONS)
    try:
        source = ZipSource(archive, follow_links=False)
        try:
            for rel in islice(source.file_names(), MEMBERS_LOOKED_AT):
                found = _deflated_whole(source, rel)
                if found is None:
                    continue
                data, stored = found
                possible = [name for name in possible
                            if COMPRESSIONS[name].compress(data) == stored]
                if len(possible) <= 1:
                    break
        finally:
            source.close()
    except (OSError, ValueError, struct.error, CorpuskitError):
        return None
    return possible[0] if len(possible) == 1 else None


def _deflated_whole(source: ZipSource, rel: str) -> tuple[bytes, bytes] | None:
    """A member's contents and its compressed bytes, if it was deflated in one piece."""
    info = source.info(rel)
    if rel == RECORDS_MEMBER or info.file_size > PIECE_BYTES \
            or info.compress_type != zipfile.ZIP_DEFLATED:
        return None
    with source.open(rel) as stream:  # its local header checked, its CRC-32 too
        data = stream.read()
    header = source.read_at(info.header_offset, _LOCAL_HEADER_BYTES)
    name_length, extra_length = struct.unpack_from("<2H", header, 26)
    start = info.header_offset + _LOCAL_HEADER_BYTES + name_length + extra_length
    return data, source.read_at(start, info.compress_size)


def compression_changed(archive: str, made: str, now: str, toml: Path) -> str:
    """What ``check`` and ``release`` say of the release's zip ``archive`` (its name),
    deflated with the compression ``made``, where ``toml`` now chooses ``now``."""
    return (f"{toml} has [output] compression = \"{now}\", but {archive} was deflated with "
            f"\"{made}\": the compression is no part of a release (it changes no file of the "
            "package, nor any member of its zip), so it needs no release of its own, and "
            f"the next release's zip is deflated with \"{now}\"; until then a build of this "
            "version from these seeds (a clone that does not keep dist/) writes its zip in "
            f"other bytes than {archive}'s (another sha256 and seal): to build it again byte "
            f"for byte, set compression = \"{made}\" back")
