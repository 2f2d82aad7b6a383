"""The user's cache folder: where ``corpuskit build`` keeps its cache when given no
``--cache``, and where any build looks for the decoded language model
(:mod:`corpuskit.languagemodel`) before decoding it."""

from __future__ import annotations

import os
from pathlib import Path


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/corpuskit``, else ``~/.cache/corpuskit`` (never inside dist/)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "corpuskit"
