"""Shared helpers of the validate/check tests: packages built once per session into a
temporary folder (read-only: copy before changing), re-signing after deliberate damage,
and running the CLI in-process.
"""

from __future__ import annotations

import atexit
import hashlib
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from conftest import MESSY_FILES, corpus_config, toml_text

import corpuskit
import corpuskit.names as names_module
from corpuskit.cli import main
from corpuskit.package import content_hash_of, manifest_order
from corpuskit.zipfiles.archiveseal import SEAL_BYTES, SEAL_FORM, seal

EPOCH = "1700000000"  # 2023-11-14T22:13:20Z
NAME = "validate-sample"
EXTRA_FILES: dict[str, bytes] = {
    "unicode/café ñ.txt": "Une note\n\nQuelques mots écrits au café du coin, rien de plus.\n"
                          .encode(),
    "spaces & #hash.txt": b"A file whose name holds spaces, an ampersand and a hash sign.\n",
}
#: A name that corpuskit now refuses at discovery, but that a package made by another
#: BagIt tool (or an older corpuskit) may hold: RFC 8493 writes it %25 in manifests.
PERCENT_FILES: dict[str, bytes] = {
    "percent%sign.txt": b"A file whose name holds a percent sign, escaped in manifests.\n",
}


@dataclass(frozen=True)
class Built:
    root: Path
    seeds: Path
    dist: Path
    release: Path
    archive: Path


_BUILT: dict[str, Built] = {}


def write_seeds(folder: Path, files: dict[str, bytes] | None = None,
                **overrides: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    config = corpus_config({"name": NAME, **overrides})
    (folder / "corpus.toml").write_text(toml_text(config), encoding="utf-8")
    for rel, data in (files if files is not None else {**MESSY_FILES, **EXTRA_FILES}).items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


def built(kind: str = "default") -> Built:
    """A repository layout (seeds/ + dist/) built once per session; never modify it.

    ``percent`` adds a file whose name holds a ``%``, built with the discovery check that
    refuses such names switched off: the package another BagIt tool could make, to prove
    that validation decodes the ``%25`` RFC 8493 requires in manifests (bagit-python 1.9
    does not, so it rejects that package). ``plain`` is the default package.
    """
    kind = "default" if kind == "plain" else kind
    if kind not in _BUILT:
        root = Path(tempfile.mkdtemp(prefix=f"corpuskit-test-validate-{kind}-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        files = {**MESSY_FILES, **EXTRA_FILES}
        if kind == "percent":
            files = {**MESSY_FILES, **PERCENT_FILES}
        seeds = write_seeds(root / "seeds", files)
        with _percent_allowed(kind == "percent"):
            result = corpuskit.build(seeds, root / "dist", source_date_epoch=EPOCH, jobs=1)
        _BUILT[kind] = Built(root, seeds, root / "dist", result.release, result.archive)
    return _BUILT[kind]


@contextmanager
def _percent_allowed(allowed: bool) -> Iterator[None]:
    """While active (if ``allowed``), discovery lets names with '%' through."""
    if not allowed:
        yield
        return
    check = names_module.check_component
    with patch.object(names_module, "check_component",
                      lambda name, what, allow_percent=False, **rest: check(
                          name.replace("%", "-"), what, **rest)):
        yield


def copy_release(dest: Path, kind: str = "default") -> Path:
    """A writable copy of the sample release folder."""
    target = dest / built(kind).release.name
    shutil.copytree(built(kind).release, target)
    return target


def copy_archive(dest: Path) -> Path:
    target = dest / built().archive.name
    shutil.copyfile(built().archive, target)
    return target


@contextmanager
def flipped(path: Path, offset: int, mask: int) -> Iterator[None]:
    """``path`` with its byte at ``offset`` XORed with ``mask``, changed in place and put
    back on leaving. Rewriting the whole file for each flip took several times as long as
    validating it (the kernel frees and zeroes its pages each time)."""
    assert mask & 0xFF, mask
    fd = os.open(path, os.O_RDWR)
    try:
        original = os.pread(fd, 1, offset)
        assert len(original) == 1, (path, offset)
        os.pwrite(fd, bytes([original[0] ^ mask]), offset)
        try:
            yield
        finally:
            os.pwrite(fd, original, offset)
    finally:
        os.close(fd)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def resign(package: Path) -> None:
    """Make every checksum and count agree with the files again, as a forger would.

    Recomputes the payload manifest, resource bytes/hash, the content hash (and where
    croissant.json and README.md restate it), croissant.json sha256/contentSize, bag-info
    (Payload-Oxum, Content-Hash) and the tag manifest, so that only the record
    cross-checks can still find a deliberate change of a record.
    """
    files = sorted((p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file()),
                   key=manifest_order)  # the order corpuskit writes manifest lines in
    payload = [rel for rel in files if rel.startswith("data/")]

    def escape(rel: str) -> str:
        return rel.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    (package / "manifest-sha256.txt").write_text("".join(
        f"{sha256((package / rel).read_bytes())}  {escape(rel)}\n" for rel in payload))
    descriptor = json.loads((package / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        parts = resource["path"] if isinstance(resource["path"], list) else [resource["path"]]
        data = b"".join((package / part).read_bytes() for part in parts)
        if "bytes" in resource:  # (none for data/documents.parquet: frictionless refuses it)
            resource["bytes"] = len(data)
        resource["hash"] = f"sha256:{sha256(data)}"
    docs = sha256((package / "data/documents.jsonl").read_bytes())
    stale = descriptor["corpuskit"]["content_hash"]
    descriptor["corpuskit"]["content_hash"] = content_hash_of(descriptor, docs)
    for restating in ("croissant.json", "README.md"):  # the identifier, the citations
        if (package / restating).exists():
            text = (package / restating).read_text("utf-8")
            (package / restating).write_text(
                text.replace(stale, descriptor["corpuskit"]["content_hash"]), "utf-8")
    descriptor["corpuskit"]["documents"] = sum(  # an empty line is no record
        1 for line in (package / "data/documents.jsonl").read_bytes().splitlines()
        if line.strip())
    (package / "datapackage.json").write_text(
        json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n")
    croissant = package / "croissant.json"
    if croissant.exists():
        document = json.loads(croissant.read_text())
        if "identifier" in document:  # the content hash
            document["identifier"] = descriptor["corpuskit"]["content_hash"]
        for item in document.get("distribution", []):
            url = item.get("contentUrl")
            if isinstance(url, str) and (package / url).is_file():
                data = (package / url).read_bytes()
                item["sha256"] = sha256(data)
                item["contentSize"] = f"{len(data)} B"
        croissant.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    info = (package / "bag-info.txt").read_text().splitlines()
    octets = sum((package / rel).stat().st_size for rel in payload)
    lines = []
    for line in info:
        if line.startswith("Payload-Oxum:"):
            line = f"Payload-Oxum: {octets}.{len(payload)}"
        elif line.startswith("Content-Hash:"):
            line = f"Content-Hash: {descriptor['corpuskit']['content_hash']}"
        lines.append(line)
    (package / "bag-info.txt").write_text("\n".join(lines) + "\n")
    tags = [rel for rel in files if not rel.startswith(("data/", "tagmanifest-"))]
    (package / "tagmanifest-sha256.txt").write_text("".join(
        f"{sha256((package / rel).read_bytes())}  {escape(rel)}\n" for rel in tags))


def records(package: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in
            (package / "data/documents.jsonl").read_bytes().splitlines()]


def write_records(package: Path, items: list[dict[str, Any]]) -> None:
    (package / "data/documents.jsonl").write_bytes(b"".join(
        json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        for item in items))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the CLI in-process: (exit status, stdout, stderr)."""
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def sealed(data: bytes) -> bytes:
    """The zip ``data`` sealed as corpuskit seals its archives (an old seal is replaced), as a
    forger would: what a test damaged is then found by the other checks or not at all."""
    if SEAL_FORM.fullmatch(data[-SEAL_BYTES:]):
        data = data[:-SEAL_BYTES - 2] + b"\0\0"
    handle = io.BytesIO(data)
    seal(handle)
    return handle.getvalue()


def codes(report: Any) -> set[str]:
    return {problem.code for problem in report.problems}


def restate_metadata(package: Path) -> None:
    """Rewrite croissant.json and README.md as corpuskit writes them for the package's
    records as they now are (a forger who also added or removed records would), then
    :func:`resign`: only what corpuskit's other checks see stays wrong."""
    from corpuskit.croissant import croissant
    from corpuskit.package import CorpusStats, FileEntry, data_card, pretty_json
    from corpuskit.reader import FolderSource, iter_records
    from corpuskit.validation.restated import config_from_descriptor

    resign(package)
    descriptor = json.loads((package / "datapackage.json").read_text())
    config = config_from_descriptor(descriptor)
    assert config is not None
    stats = CorpusStats()
    with FolderSource(package) as source:
        for record in iter_records(source):
            stats.add(record)
    content = descriptor["corpuskit"]["content_hash"]
    created = descriptor.get("created")
    data_files = [FileEntry(item["path"], (package / item["path"]).stat().st_size,
                            item["hash"].split(":", 1)[1])
                  for item in descriptor["resources"]]
    (package / "croissant.json").write_bytes(pretty_json(croissant(
        config, created, stats, content, data_files)))
    (package / "README.md").write_bytes(data_card(config, stats, content, data_files[-1].path,
                                                  created=created))
    resign(package)


def zip_of(folder: Path, dest: Path) -> Path:
    """``folder`` as corpuskit archives a release (sealed), whatever was done to it."""
    from corpuskit.config import DEFAULT_COMPRESSION
    from corpuskit.writer import write_archive
    from corpuskit.zipfiles.deflate import COMPRESSIONS

    created = json.loads((folder / "datapackage.json").read_bytes())["created"]
    archive = dest / f"{folder.name}.zip"
    write_archive(folder, archive, created, root=folder.name,
                  compression=COMPRESSIONS[DEFAULT_COMPRESSION])
    return archive
