"""py3langid's model, decoded once and kept in the cache folder, ready to use.

py3langid ships its model as an LZMA-compressed npz (4.6 MB). Decoding it takes about
0.6 s of CPU, paid by every process that identifies a language: each worker of a build,
and the build itself when it runs in one process (a small corpus). With a cache folder,
the decoded arrays are kept under ``<cache>/models/`` as ``.npy`` files (and looked for
there, then in the user's cache folder, ``~/.cache/corpuskit/models/``, where any build
with the default cache kept them: see :func:`kept_folders`), in the form the
identifier uses (:mod:`corpuskit.languageid.fastlangid`): the weight table as float32 (every float16
is exactly a float32; converting 14 million of them took 0.13 s per process), the DFA's
moves as one uint32 array used in place. Loading them is mapping about 97 MB and taking
their CRC-32: a few hundredths of a second. The arrays are read-only views of the mapped
files, so every worker of a build (one per core) shares one copy of them in the page cache
instead of holding 97 MB of its own.

The index (``model.json``) also holds the weight table's bounds
(:func:`~corpuskit.languageid.portablefloat.table_bounds`), worked out when the model is
kept: four passes over the table, 22 ms that each process loading the model paid
before its first text.

The folder's name is a key of py3langid's version, the sha256 of its model file and this
layout, so another model never reads these arrays. Every byte is checked against its
CRC-32 and size when loaded (a changed label would change the output): a damaged or
partial folder is a miss, decoded again and replaced. As for the shard cache, the check is
against damage, not against someone who can write the cache folder. Folders appear whole
(written aside, then renamed), so the cache can be deleted at any moment, like the shard
cache beside it.
"""

from __future__ import annotations

import errno
import hashlib
import io
import mmap
import os
import shutil
import tempfile
from array import array
from contextlib import suppress
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import orjson
from py3langid import langid

from ..config import read_regular
from ..crc32 import crc32
from ..errors import OutputError
from ..orphans import remove_orphans
from ..regularfiles import open_regular
from ..systemlimits import open_files_advice
from ..usercache import MODELS_FOLDER, user_cache_dir
from ..writer import DIR_MODE, stream_file, write_file
from .portablefloat import TableBounds, remember_bounds, table_bounds

FORMAT = "corpuskit-langid-model-v4"
#: The model's arrays: ``(nb_ptc, nb_pc, classes, tk_nextmove, tk_row, tk_output)``, as
#: py3langid's loader returns them (float16 table, ``array`` moves and rows) or as kept
#: (float32 table, uint32 numpy moves, list of rows).
Model = tuple[Any, Any, list[str], Any, Any, list[int]]
_INDEX = "model.json"
#: About the size, in MB, of py3langid's model unpacked into a temporary file.
_UNPACKED_MB = 100
#: The arrays kept, one .npy file each.
_ARRAYS = ("ptc", "pc", "nextmove", "row", "output")


def model_file() -> Path:
    """py3langid's bundled model file."""
    path = Path(langid.MODEL_FILE)
    return path if path.is_absolute() else Path(langid.MODEL_DIR) / path


def decode_model() -> Model:
    """The model decoded from py3langid's file, by py3langid's own loader, which unpacks
    it into a temporary file first (about 100 MB): a temporary folder that is full, or
    that there is none of, is an :class:`~corpuskit.errors.OutputError` saying so (QA: a
    traceback from ``shutil.copyfileobj``, and ``validate --reproduce`` called it a bug),
    as are a limit on the size of a file (EFBIG) and on open files (EMFILE, ENFILE)."""
    try:
        return langid._load_model_file(model_file())  # type: ignore[no-any-return]
    except OSError as exc:
        try:
            where = tempfile.gettempdir()
        except OSError:  # none usable: TMPDIR, /tmp, /var/tmp, /usr/tmp, the folder here
            where = None
        said = (f"in {where}" if where is not None else
                "and no folder for temporary files is usable (TMPDIR, /tmp, /var/tmp)")
        if exc.errno == errno.EFBIG:  # a limit of this process, not of the disk (QA)
            raise OutputError(
                f"cannot decode the language model: py3langid unpacks it into a temporary "
                f"file {said}, of about {_UNPACKED_MB} MB, over this process's limit on the "
                f"size of a file it writes ({exc.strerror or exc}: ulimit -f); raise the "
                "limit (ulimit -f unlimited), then run the command again") from None
        if exc.errno in (errno.EMFILE, errno.ENFILE):  # no descriptor left, not no room
            # (QA s83: under ulimit -n 5, told to free 100 MB in a /tmp with 24 GB free)
            raise OutputError(
                f"cannot decode the language model: py3langid unpacks it into a temporary "
                f"file {said} ({exc.strerror or exc}){open_files_advice()}") from None
        raise OutputError(
            f"cannot decode the language model: py3langid unpacks it into a temporary file "
            f"{said} ({exc.strerror or exc}); free about {_UNPACKED_MB} MB there, or set "
            f"TMPDIR to a writable folder that has it, then run the command again") from None


def model_folder(cache: Path) -> Path:
    """Where the decoded model is kept in the cache folder ``cache``."""
    path = model_file()
    info = path.stat()
    key = _model_key(path, info.st_size, info.st_mtime_ns)
    return cache / MODELS_FOLDER / f"py3langid-{key[:32]}"


@cache
def _model_key(path: Path, size: int, mtime_ns: int) -> str:
    """The key of py3langid's model file ``path`` (as it is at ``size`` and ``mtime_ns``)
    and this layout: hashed once per process and file (a build's parent does it before
    forking, and its workers inherit it)."""
    return hashlib.sha256(orjson.dumps({
        "format": FORMAT,
        "py3langid": _py3langid_version(),
        "model": hashlib.sha256(path.read_bytes()).hexdigest(),
    }, option=orjson.OPT_SORT_KEYS)).hexdigest()


def kept_folders(cache: Path) -> list[Path]:
    """The folders that may hold the model decoded, for a process whose cache folder is
    ``cache``: its own, then the user's cache folder's (:func:`user_cache_dir`; none if
    the user has no home folder), where
    any build that used the default cache kept it. The model is py3langid's, not the
    corpus's: a build with a new ``--cache`` folder need not decode it again (0.6 s before
    its workers start) when a build on this machine did already. Only its own is written."""
    own = model_folder(cache)
    folders = [own]
    user = user_cache_dir()
    if user is not None:
        with suppress(OSError):
            shared = model_folder(user)
            if shared != own:
                folders.append(shared)
    return folders


def load_model(cache: Path | None) -> Model:
    """The model's arrays: from the cache folder ``cache``, or the user's, when one holds
    them whole and intact (in the kept form: :func:`kept_folders`), else decoded (and, with
    a cache folder, kept there for the next process, and returned in the kept form)."""
    if cache is None:
        return decode_model()
    try:
        folders = kept_folders(cache)
    except OSError:
        return decode_model()
    for folder in folders:
        kept = read_model(folder)
        if kept is not None:
            return kept
    model = kept_form(decode_model())
    store_model(folders[0], model)
    return model


def kept_form(model: Model) -> Model:
    """``model`` as it is kept: the weight table as float32, the moves as a uint32 numpy
    array (a view of the same memory), the rows as a list."""
    ptc, pc, classes, nextmove, row, output = model
    moves = np.frombuffer(nextmove, dtype=nextmove.typecode) \
        if isinstance(nextmove, array) else np.asarray(nextmove)
    return (np.ascontiguousarray(ptc, dtype=np.float32), np.asarray(pc), list(classes),
            moves, [int(r) for r in row], list(output))


def read_model(folder: Path) -> Model | None:
    """The arrays kept in ``folder``, or None if any is missing, damaged or unreadable."""
    try:
        index = orjson.loads(read_regular(folder / _INDEX, 1 << 20))  # a pipe: refused
        if index.get("format") != FORMAT or index.get("check") != _index_check(index):
            return None
        arrays = {}
        for name in _ARRAYS:
            data = _mapped(folder / f"{name}.npy")
            if len(data) != index["bytes"][name] or crc32(data) != index["crc32"][name]:
                return None
            arrays[name] = _npy_view(data)
        classes = index["classes"]
        if not (isinstance(classes, list) and all(isinstance(c, str) for c in classes)):
            return None
        if arrays["ptc"].dtype != np.float32 or arrays["nextmove"].ndim != 1:
            return None
        largest, grid, bits = index["bounds"]
        if not (type(largest) is float and type(grid) is float and type(bits) is int):
            return None
        remember_bounds(arrays["ptc"], TableBounds(largest, grid, bits))
        return (arrays["ptc"], arrays["pc"], classes, arrays["nextmove"],
                arrays["row"].tolist(), arrays["output"].tolist())
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _index_check(index: dict[str, Any]) -> str:
    """The sha256 of the index's fields but ``check``: the labels and array types it
    holds would change the output as much as the arrays' bytes."""
    fields = {key: value for key, value in index.items() if key != "check"}
    return hashlib.sha256(orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _mapped(path: Path) -> bytes | mmap.mmap:
    """The bytes of ``path``, mapped read-only (no copy; an empty file's are ``b""``).

    Kept files are never changed in place (a damaged folder is replaced by a new one,
    renamed over it), so a mapping reads the bytes that were checked for as long as the
    process uses it."""
    fd = open_regular(str(path))  # a pipe there is refused, never waited on
    try:
        if os.fstat(fd).st_size == 0:
            return b""
        return mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
    finally:
        os.close(fd)


def _header_bytes(data: bytes | mmap.mmap) -> int:
    """How many bytes an ``.npy`` file's magic, version and header take: the header's
    length follows the version, in two bytes for version 1 and in four after it."""
    if len(data) > 6 and data[6] == 1:
        return 10 + int.from_bytes(data[8:10], "little")
    return 12 + int.from_bytes(data[8:12], "little")


def _npy_view(data: bytes | mmap.mmap) -> Any:
    """The array an ``.npy`` file's bytes hold, as a read-only view of those bytes (no
    copy: a model's arrays are tens of MB)."""
    stream = io.BytesIO(data[:_header_bytes(data)])
    version = np.lib.format.read_magic(stream)
    read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                   else np.lib.format.read_array_header_2_0)
    shape, fortran_order, dtype = read_header(stream)
    if dtype.hasobject:
        raise ValueError("an array of Python objects")
    count = int(np.prod(shape, dtype=np.int64))
    flat = np.frombuffer(data, dtype=dtype, count=count, offset=stream.tell())
    return flat.reshape(shape, order="F" if fortran_order else "C")


def store_model(folder: Path, model: Model) -> str | None:
    """Keep ``model`` (in the kept form: :func:`kept_form`) in ``folder``: written in a
    folder beside it, then renamed into place (replacing a damaged one). A cache that
    cannot be written only costs the next process the decoding. Returns why the model
    was not kept for want of room, or None: it is kept only where the disk has room for
    it and as much again (:func:`_room_needed`), as a build writes its own files beside
    it (QA: the model, about 94 MB, filled a small disk, and the build that kept it
    failed on its own files, which fitted without it)."""
    ptc, pc, classes, nextmove, row, output = model
    arrays = {
        "ptc": np.asarray(ptc, dtype=np.float32), "pc": np.asarray(pc),
        "nextmove": np.asarray(nextmove),
        "row": np.asarray(row, dtype=np.int64),
        "output": np.asarray(output, dtype=np.int64),
    }
    temp: Path | None = None
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        size = sum(values.nbytes for values in arrays.values())
        free = shutil.disk_usage(folder.parent).free
        if free < _room_needed(size):
            return (f"the language model ({size >> 20} MB) was not kept in the cache folder "
                    f"{folder.parent.parent}: {free >> 20} MB are free there, and a build "
                    "needs room for its own files beside it; later builds decode the model "
                    "again (about a second), which keeping it saves; free space there, or "
                    "pass --cache DIR on a disk with room")
        remove_orphans(folder.parent, f".{folder.name}-")  # what killed builds left
        temp = Path(tempfile.mkdtemp(prefix=f".{folder.name}-{os.getpid()}-",
                                     dir=folder.parent))
        temp.chmod(DIR_MODE)
        crcs, sizes = {}, {}
        for name, values in arrays.items():
            # Streamed (numpy writes a file object it does not know in 16 MB parts), so
            # storing holds no copy of the 57 MB weight table.
            with stream_file(temp / f"{name}.npy") as handle:
                checked = _Checked(handle)
                np.save(checked, values, allow_pickle=False)
            crcs[name], sizes[name] = checked.crc, checked.size
        bounds = table_bounds(arrays["ptc"])
        index: dict[str, Any] = {
            "format": FORMAT, "classes": list(classes), "crc32": crcs, "bytes": sizes,
            "bounds": [bounds.largest, bounds.grid, bounds.bits]}
        index["check"] = _index_check(index)
        write_file(temp, _INDEX, orjson.dumps(index))
        if folder.exists():
            if read_model(folder) is not None:
                return None  # written meanwhile by another process (ours is removed below)
            shutil.rmtree(folder, ignore_errors=True)  # damaged
        os.rename(temp, folder)
        temp = None
    except (OSError, OutputError):
        pass  # (a folder that cannot be written: the cache's notes say so)
    finally:
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
    return None


#: Room left beside a kept model, on top of as much again as the model (bytes).
_SPARE_ROOM = 64 << 20


def _room_needed(size: int) -> int:
    """The free bytes a disk must have for a model of ``size`` bytes to be kept there."""
    return 2 * size + _SPARE_ROOM


class _Checked:
    """A file object that takes the CRC-32 and size of what is written through it."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.crc = 0
        self.size = 0

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        self.crc = crc32(view, self.crc)
        self.size += len(view)
        return self.handle.write(view)


def _py3langid_version() -> str:
    """py3langid's version: its ``__version__`` (importlib.metadata took 20 ms to find it,
    in every process that loads the model), else the installed distribution's."""
    import py3langid

    version = getattr(py3langid, "__version__", None)
    if isinstance(version, str):
        return version
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("py3langid")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "unknown"
