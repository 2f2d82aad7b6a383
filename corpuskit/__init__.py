"""corpuskit: raw texts in, a reproducible, checksummed, schema-validated data package out."""

from __future__ import annotations

__version__ = "0.1.0"

from .build import BuildResult, build

__all__ = ["BuildResult", "__version__", "build"]
from .diff import Diff, diff
from .release import ReleaseResult, release

__all__ += ["Diff", "ReleaseResult", "diff", "release"]
from .load import Corpus, License, PackageIntegrityError, load  # noqa: E402
from .models import Record  # noqa: E402

__all__ += ["Corpus", "License", "PackageIntegrityError", "Record", "load"]
from .validation import ValidationReport, validate  # noqa: E402

__all__ += ["ValidationReport", "validate"]
