"""The release of their version that seeds record, which a build must make again.

``corpuskit release`` writes the release time (``created``) and content hash
(``content_hash``) of the version it makes into corpus.toml, and its entry into
CHANGELOG.md. A build of that version into an output folder that does not hold it must
make it again: at another release time (``SOURCE_DATE_EPOCH``'s) it is refused
(:func:`other_time`), and so is other content (:func:`corpuskit.build`'s
``_second_release``); ``validate`` of a seeds folder, which has no output folder, makes the
same comparisons as a build into one that holds no release of the corpus. Both go by
:func:`other_time` and :func:`released`, and tell what to do in the words of
:func:`other_time_hint` and :func:`other_content_advice`.

The content hash covers the records and the package metadata, not the processing settings,
the outputs or CHANGELOG.md: seeds released and then changed in those alone make another
package of the version without other content, which a build into an output folder that
holds the release refuses (it compares the packages), and one into a folder that does not
cannot tell.

Kept apart from :mod:`corpuskit.build`, which ``validate`` does not import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .changelog import entry_line
from .config import CHANGELOG_NAME, CONFIG_NAME, CorpusConfig
from .runsettings import epoch_of
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


def other_time(config: CorpusConfig, changelog: bytes | None, created: str | None
               ) -> tuple[str, int] | None:
    """Where the seeds record the release of their version (corpus.toml's ``created`` and
    an entry in ``changelog``, CHANGELOG.md's bytes) and ``created``, the build's release
    time (SOURCE_DATE_EPOCH's, else corpus.toml's), is another: the recorded time and the
    entry's line. A build of the version at another time into an output folder that does
    not hold its release would make a second, other release of it (its bytes differ
    whatever the content), and is refused as one into a folder holding an earlier release
    is (QA: built into an empty folder, and passed by ``validate``, with SOURCE_DATE_EPOCH
    set to a commit's time). None otherwise."""
    recorded = config.metadata.get("created")
    if changelog is None or not recorded or created == str(recorded):
        return None
    line = entry_line(changelog.decode("utf-8"), config.version)
    return (str(recorded), line) if line is not None else None


def other_time_hint(recorded: str) -> str:
    """What to set SOURCE_DATE_EPOCH to instead of unsetting it, where a build's release
    time is not ``recorded``, the release time of the seeds' version (:func:`other_time`):
    `` (or set it to SECONDS, that time)``, or nothing where ``recorded`` is in no form
    SOURCE_DATE_EPOCH gives."""
    epoch = epoch_of(recorded)
    return f" (or set it to {epoch}, that time)" if epoch is not None else ""


def released(config: CorpusConfig, changelog: bytes | None) -> RecordedRelease | None:
    """The release of the seeds' version that they record, whose content a build of it
    into an output folder that does not hold it must make: corpus.toml records its release
    time (``created``) and content hash, and ``changelog`` (CHANGELOG.md's bytes) has its
    entry. None where they do not. The content hash does not depend on the release time:
    a build at another time is refused for that (:func:`other_time`), and ``validate`` of
    the seeds compares their content whatever SOURCE_DATE_EPOCH says."""
    if changelog is None or not config.metadata.get("created"):
        return None
    return recorded_release(config, changelog.decode("utf-8"))


def kept_from(descriptor: Mapping[str, Any] | None, created: str, stated: str) -> bool:
    """Whether ``created`` and ``stated`` (corpus.toml's content_hash) are the release time
    and content hash of the release whose datapackage.json is ``descriptor``, the release
    before the seeds' version, as a version bumped by hand keeps them. The time alone does
    not tell: releases made with one SOURCE_DATE_EPOCH share it (QA: the mistyped hash of
    such a release passed check, and a clone's build then refused the seeds as changed)."""
    if descriptor is None:
        return False
    own = descriptor.get("corpuskit")
    return descriptor.get("created") == created and isinstance(own, dict) \
        and own.get("content_hash") == stated


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
    check = f"'{command('check', seeds=seeds, dist='DIR')}'"
    return (f"If content_hash was edited, set it back to what release wrote (from version "
            f"control; {check}, DIR the folder that holds {version}, names it). To make "
            f"{version} again, put back the seeds it was released from (from version "
            f"control) and build; to release the changes, {changes}, which makes the "
            f"version after it; if {version} never was published (an interrupted "
            f"release, or a version set by hand that kept the created and content_hash of "
            f"the release before it), remove its entry from {CHANGELOG_NAME}, and created "
            f"and content_hash from {CONFIG_NAME}, then run {release}")
