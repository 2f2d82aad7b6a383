"""Whether a fast path that failed in a way it did not foresee falls back to its slow path.

A few steps have a fast path and a slow one that gives the same results: the clean pass of
``validate`` and its precise check (:mod:`corpuskit.validation.clean`), a batch's language
identification and each document's alone (:mod:`corpuskit.records`), the identifier's
numpy walk and py3langid's (:mod:`corpuskit.languageid.fastlangid`), the rewritten mojibake pattern
and ftfy's own (:mod:`corpuskit.normalize`). A fast path that fails unforeseen (a bug in
it, or a library changed under it) hands its work to the slow path: the user gets the same
results, only later. So such a failure shows nowhere, not even in a test, which passes
slowly. With ``CORPUSKIT_STRICT=1`` in the environment (the test suite sets it:
tests/conftest.py) it is raised instead of fallen back from.
"""

from __future__ import annotations

import os

#: The environment variable that makes a fast path's unforeseen failure an error.
STRICT_VARIABLE = "CORPUSKIT_STRICT"


def strict() -> bool:
    """Whether a fast path's unforeseen failure is raised rather than fallen back from
    (``CORPUSKIT_STRICT=1``)."""
    return os.environ.get(STRICT_VARIABLE) == "1"
