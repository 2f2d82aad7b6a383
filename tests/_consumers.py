"""Shared helpers of the downstream-consumer tests (load, Croissant, HF, Parquet, export,
info, card): a small varied corpus built once per session into a temporary folder.

Importing this module switches Hugging Face libraries to offline mode and points their
caches into a temporary folder, so no test can download anything.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import socket
import tempfile
from pathlib import Path
from typing import Any

_HF_HOME = Path(tempfile.mkdtemp(prefix="corpuskit-test-hf-"))
atexit.register(shutil.rmtree, _HF_HOME, ignore_errors=True)
for _key, _value in {
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_OFFLINE": "1",
    "HF_HOME": str(_HF_HOME),
    "HF_DATASETS_CACHE": str(_HF_HOME / "datasets"),
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_DATASETS_DISABLE_PROGRESS_BARS": "1",
}.items():
    os.environ[_key] = _value

import corpuskit  # noqa: E402
from corpuskit.build import BuildResult  # noqa: E402

EPOCH = "1700000000"  # 2023-11-14T22:13:20Z

CORPUS_TOML = """\
name = "consumer-sample"
title = "Consumer sample corpus"
version = "2.1.0"
description = "A small multilingual corpus that exercises every record field."
homepage = "https://example.org/consumer-sample"
keywords = ["test", "multilingual"]
sources = [{{ title = "Written for the corpuskit tests" }}]
{contributors}
[[licenses]]
name = "CC-BY-4.0"
title = "Creative Commons Attribution 4.0"
path = "https://creativecommons.org/licenses/by/4.0/"

[output]
parquet = {parquet}
"""
CONTRIBUTORS = ('contributors = [{ title = "Ada Example", givenName = "Ada", '
                'familyName = "Example", email = "ada@example.org", roles = ["maintainer"] }]\n')

EN_BODY = (
    "The harbour reopened on Wednesday after the storm closed it for three days.\n\n"
    "Fishing boats returned to their moorings and the market opened at dawn, "
    "with crowds larger than usual.\n"
)
FR_BODY = (
    "Le conseil municipal a voté le budget de l'année prochaine après un long débat.\n\n"
    "Les habitants pourront consulter les documents à la mairie pendant tout le mois.\n"
)
DE_BODY = (
    "Liebe Grüße aus München, wo es heute schneit und die Straßen ruhig sind.\n\n"
    "Wir hoffen, dass ihr bald zu Besuch kommt, denn der Garten blüht im Frühling.\n"
)

DOCUMENTS: dict[str, bytes] = {
    "news/harbour.txt": (
        "Harbour reopens after storm\n\nMarch 1, 2023\n\n" + EN_BODY
        + "\n© 2023 Example Press\n").encode(),
    "news/budget-fr.txt": (
        "Le budget municipal adopté\n\n2024-01-15\n\n" + FR_BODY
        + "\nCopyright 2024 Le Journal\n").encode(),
    "letters/brief-de.txt": ("Ein Brief aus München\n\n" + DE_BODY).encode("cp1252"),
    "notes/plain.txt": (
        b"This note has no title line and no date at all, only one long paragraph of "
        b"English text that goes on for a while so the language can be told.\n"),
    "notes/crlf-bom.txt": (
        "\ufeffYear end summary\r\n\r\n2023-12-31\r\n\r\nThe year closed with a small "
        "surplus   \r\nand a long list of plans for the next one.\r\n").encode(),
    "misc/short.txt": b"Ok 42\n",
}

_BUILT: dict[tuple[bool, bool], tuple[Path, BuildResult]] = {}


def write_seeds(folder: Path, *, parquet: bool = True, contributors: bool = True) -> Path:
    """Write the sample seeds folder and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "corpus.toml").write_text(CORPUS_TOML.format(
        parquet="true" if parquet else "false",
        contributors=CONTRIBUTORS if contributors else ""), encoding="utf-8")
    for rel, data in DOCUMENTS.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


def build_sample(root: Path, *, parquet: bool = True, contributors: bool = True,
                 jobs: int = 1) -> BuildResult:
    """Build the sample corpus under ``root`` (seeds in root/seeds, output in root/dist)."""
    seeds = write_seeds(root / "seeds", parquet=parquet, contributors=contributors)
    return corpuskit.build(seeds, root / "dist", source_date_epoch=EPOCH, jobs=jobs, cache=None)


def sample(parquet: bool = True, contributors: bool = True) -> BuildResult:
    """The sample built once per test session (read-only: copy it before changing it)."""
    key = (parquet, contributors)
    if key not in _BUILT:
        root = Path(tempfile.mkdtemp(prefix="corpuskit-test-consumers-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        _BUILT[key] = (root, build_sample(root, parquet=parquet, contributors=contributors))
    return _BUILT[key][1]


def copy_package(result: BuildResult, dest: Path) -> Path:
    """A writable copy of a built package folder."""
    target = dest / result.release.name
    shutil.copytree(result.release, target)
    return target


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rewrite_tagmanifest(package: Path) -> None:
    """Recompute tagmanifest-sha256.txt after a test edited a tag file on purpose."""
    lines = []
    for line in (package / "tagmanifest-sha256.txt").read_text().splitlines():
        _, rel = line.split("  ", 1)
        lines.append(f"{sha256_file(package / rel)}  {rel}\n")
    (package / "tagmanifest-sha256.txt").write_text("".join(lines))


def rewrite_zip(release: Path) -> Path:
    """Write the zip beside a release folder again from the folder, as corpuskit archives
    a release (sealed, reproducible), after a test changed the folder on purpose."""
    from corpuskit.config import DEFAULT_COMPRESSION
    from corpuskit.writer import write_archive
    from corpuskit.zipfiles.deflate import COMPRESSIONS

    archive = release.with_name(f"{release.name}.zip")
    archive.unlink(missing_ok=True)
    created = json.loads((release / "datapackage.json").read_bytes()).get("created")
    write_archive(release, archive, created, root=release.name,
                  compression=COMPRESSIONS[DEFAULT_COMPRESSION])
    return archive


def block_network(monkeypatch: Any) -> None:
    """Make any attempt to open a network connection fail loudly."""
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"test tried to use the network: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
