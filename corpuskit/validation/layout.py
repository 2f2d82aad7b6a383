"""The files a corpuskit package holds outside ``data/raw/``: any other is a problem.

corpuskit writes a fixed layout: the BagIt declaration, bag-info, manifests and tag
manifests (of any algorithm BagIt tools add), datapackage.json, croissant.json, the data
card (README.md) and CHANGELOG.md at the top; in ``data/``, the records' files, each
declared by a resource of datapackage.json, and the raw files under ``data/raw/`` (which
the records check: each must be a record's source). A file anywhere else, even listed in
the manifests, is not part of what was released: a consumer could take an
``install.sh`` or a ``data/notes.txt`` for part of the corpus.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from ..croissant import CROISSANT_PATH
from ..metadatapaths import dangling_message, dangling_paths
from ..package import RAW_PREFIX
from ..packagesource import DESCRIPTOR
from ..problems import Problem
from .bagit import BAG_INFO, BAGIT_TXT, MANIFEST_NAME, PAYLOAD_PREFIX
from .descriptor import Resource

#: The files at the top of a package, besides its manifests.
TAG_FILES = frozenset({BAGIT_TXT, BAG_INFO, DESCRIPTOR, CROISSANT_PATH, "README.md",
                       "CHANGELOG.md"})
_WHAT_TO_DO = "remove it, or restore the package from its release"


def dangling_path_problems(descriptor: Mapping[str, Any] | None, files: Collection[str]
                           ) -> list[Problem]:
    """The relative paths of the descriptor's licenses, sources and contributors that are
    no file of the package (``files``), at their JSON pointers: a link to nothing in every
    copy of the release (``build`` refuses them: :mod:`corpuskit.metadatapaths`)."""
    if not isinstance(descriptor, Mapping):
        return []
    return [Problem(DESCRIPTOR, "missing-file", dangling_message(path, files),
                    f"/{name}/{index}/path")
            for name, index, path in dangling_paths(descriptor, files)]


def layout_problems(files: Iterable[str], resources: Iterable[Resource] | None
                    ) -> list[Problem]:
    """The files of ``files`` (paths in the package) that are not where corpuskit puts
    its files; ``resources`` are the descriptor's (their paths are the records' files),
    None if it could not be read: which files of data/ it declares is then unknown (the
    descriptor's own problem says why)."""
    declared = {part for resource in resources or () for part in resource.parts}
    problems: list[Problem] = []
    for rel in files:
        if rel.startswith(RAW_PREFIX) or rel in declared:
            continue
        if rel.startswith(PAYLOAD_PREFIX):
            if resources is None:
                continue
            problems.append(Problem(rel, "unexpected-file",
                                    f"no resource of {DESCRIPTOR} declares this file, and "
                                    "corpuskit writes no other file in data/ than the "
                                    f"records' and the raw files in {RAW_PREFIX}; "
                                    f"{_WHAT_TO_DO}"))
        # A manifest of another algorithm is BagIt's, checked as one: verified, or refused
        # naming its algorithm (bagit.unknown_algorithm). (QA: an added sha384 manifest was
        # refused as of an unknown algorithm while md5, sha1 and sha512 ones were verified,
        # and a sha3_256 one was an unexpected file.)
        elif rel not in TAG_FILES and not MANIFEST_NAME.fullmatch(rel):
            problems.append(Problem(rel, "unexpected-file",
                                    "corpuskit writes no such file in a package (its files "
                                    f"outside data/ are {', '.join(sorted(TAG_FILES))} and "
                                    f"the manifests); {_WHAT_TO_DO}"))
    return problems
