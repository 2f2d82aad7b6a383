"""The release of their version that seeds record, which a build must make again.

``corpuskit release`` writes the release time (``created``) and content hash
(``content_hash``) of the version it makes into corpus.toml, and its entry into
CHANGELOG.md. A build of that version into an output folder that does not hold it must
make it again byte for byte, so other content is refused (:func:`corpuskit.build`'s
``_second_release``); ``validate`` of a seeds folder, which has no output folder, makes the
same comparison as a build into one that holds no release of the corpus. Both go by
:func:`release_made_again`, and tell what to do in the words of :func:`other_content_advice`.

Kept apart from :mod:`corpuskit.build`, which ``validate`` does not import.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .changelog import entry_line
from .config import CHANGELOG_NAME, CONFIG_NAME, CorpusConfig
from .wording import command


@dataclass(frozen=True)
class RecordedRelease:
    """What the seeds record of the release of their version: its content hash
    (corpus.toml's ``content_hash``) and the line (from 1) of its entry in CHANGELOG.md."""

    content_hash: str
    line: int

    def made_by(self, content: str) -> bool:
        """Whether ``content``, the content hash of a build of the seeds, is the release's."""
        return content == self.content_hash


def recorded_release(config: CorpusConfig, changelog: str) -> RecordedRelease | None:
    """The release of ``config``'s version recorded by its ``content_hash`` and an entry in
    ``changelog`` (the seeds' CHANGELOG.md); None where either is missing (seeds released
    before corpuskit recorded the hash have only their entry to go by)."""
    stated = config.metadata.get("content_hash")
    if not stated:
        return None
    line = entry_line(changelog, config.version)
    if line is None:  # no entry of this version: no record that it was released
        return None
    return RecordedRelease(str(stated), line)


def release_made_again(config: CorpusConfig, changelog: bytes | None,
                       created: str | None) -> RecordedRelease | None:
    """The recorded release that a build of the seeds at ``created`` (its release time:
    SOURCE_DATE_EPOCH's, else corpus.toml's ``created``) into an output folder that holds
    no release of the corpus makes again, and whose content it must therefore make:
    corpus.toml records the release time (the build's own) and content hash of its
    version, and ``changelog`` (CHANGELOG.md's bytes) has its entry. None where they do
    not, or where the build's time is another: its bytes are another release's whatever
    the content, a build of the version at another time."""
    recorded = config.metadata.get("created")
    if changelog is None or not recorded or created != str(recorded):
        return None
    return recorded_release(config, changelog.decode("utf-8"))


def other_content_advice(seeds: Path, out: Path | None, config: CorpusConfig) -> str:
    """What to do about seeds that make other content than the release of their version
    they record (:func:`recorded_release`), where ``out``, the output folder, does not
    hold it (None: ``validate``'s, which has no output folder: the seeds' changes since
    their last release, about to be released, are the likeliest cause there)."""
    version = config.version
    release = f"'{command('release', seeds=seeds, out=out)}'"
    if out is None:
        changes = (f"run {release} with --out the folder that holds {version} (its folder "
                   f"and zip; or build {version} there from those seeds first, then bring "
                   f"the changes back)")
    else:
        changes = (f"put {version} (its folder and zip) into {out} first, or build it there "
                   f"from those seeds, then bring the changes back and run {release}")
    return (f"If content_hash was edited, set it back to what release wrote (from version "
            f"control; 'corpuskit check' of the release's folder names it). To make "
            f"{version} again, put back the seeds it was released from (from version "
            f"control) and build; to release the changes, {changes}, which makes the "
            f"version after it; if {version} never was published (an interrupted "
            f"release), remove its entry from {CHANGELOG_NAME}, and created and content_hash "
            f"from {CONFIG_NAME}, then run {release}")
