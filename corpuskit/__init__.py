"""corpuskit: raw texts in, a reproducible, checksummed, schema-validated data package out.

The library's functions and types are imported from their modules when first asked for
(PEP 562), so that ``corpuskit validate`` does not pay for importing the build pipeline
(ftfy, the language identifier, ...) before it checks a single file.
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType

#: ``typing.TYPE_CHECKING`` without importing :mod:`typing` (4 ms of the console script's
#: start, before its handling of Ctrl-C runs: corpuskit.launch); type checkers take a name
#: ``TYPE_CHECKING`` as true.
TYPE_CHECKING = False

__version__ = "0.1.0"

__all__ = [
    "BuildResult", "Corpus", "CorpuskitError", "Diff", "InputError", "License",
    "OutputClosed", "OutputError", "PackageIntegrityError", "Record", "ReleaseError",
    "ReleaseExistsError", "ReleaseResult", "SideError", "UsageError", "ValidationReport",
    "ValidationReports", "WorkerDied", "__version__", "build", "diff",
    "load", "release", "validate", "validate_all",
]
#: Each public name and the module that defines it. The exceptions the functions raise are
#: here too: ``corpuskit.diff``, ``corpuskit.load``, ... are the functions, not their
#: modules, so ``corpuskit.diff.SideError`` is no name (QA: api 3).
_EXPORTS = {
    "BuildResult": ".build", "build": ".build",
    "CorpuskitError": ".errors", "InputError": ".errors", "OutputClosed": ".errors",
    "OutputError": ".errors", "ReleaseError": ".errors", "ReleaseExistsError": ".errors",
    "UsageError": ".errors", "WorkerDied": ".errors",
    "Diff": ".diff", "SideError": ".diff", "diff": ".diff",
    "ReleaseResult": ".release", "release": ".release",
    "Corpus": ".load", "License": ".load", "PackageIntegrityError": ".load", "load": ".load",
    "Record": ".models",
    "ValidationReport": ".validation", "ValidationReports": ".validation",
    "validate": ".validation", "validate_all": ".validation",
}

if TYPE_CHECKING:
    from typing import Any

    from .build import BuildResult, build
    from .diff import Diff, SideError, diff
    from .errors import (
        CorpuskitError,
        InputError,
        OutputClosed,
        OutputError,
        ReleaseError,
        ReleaseExistsError,
        UsageError,
        WorkerDied,
    )
    from .load import Corpus, License, PackageIntegrityError, load
    from .models import Record
    from .release import ReleaseResult, release
    from .validation import ValidationReport, ValidationReports, validate, validate_all


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'corpuskit' has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value  # asked once
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


class _Package(ModuleType):
    """This package, whose functions ``build``, ``diff``, ``load`` and ``release`` share
    their names with the modules defining them. Importing such a module makes it an
    attribute of the package; the function takes its place, as it would after
    ``from .build import build``. So ``import corpuskit.load as m`` binds the function
    too (Python reads the attribute): the names those modules define for a caller are
    exported here, and ``from corpuskit.load import ...`` reaches the module's others."""

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, ModuleType) and _EXPORTS.get(name) == f".{name}":
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
