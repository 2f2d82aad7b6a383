"""corpuskit: raw texts in, a reproducible, checksummed, schema-validated data package out."""

from __future__ import annotations

__version__ = "0.1.0"

from .build import BuildResult, build  # noqa: E402

__all__ = ["BuildResult", "__version__", "build"]
