"""JSON Schema's regular expressions, in the dialect its specification names: ECMA-262's.

JSON Schema (2020-12, Core section 6.4; Validation's ``pattern``) gives a schema's
patterns ECMA-262's meaning, built with its ``u`` flag. Python's ``re`` reads the same
text otherwise where it matters to a check: its ``$`` also matches before a final line
feed (so ``^[^\\n]+$`` let a title ``"Title\\n"`` through, and ``^([a-z]{2}|und)$`` a
language ``"en\\n"``), its ``\\d`` takes any script's digits, its ``.`` crosses a CR.
jsonschema's own ``pattern`` uses ``re``; every schema check of corpuskit (jsonschema's,
with :func:`ecma_pattern` in its place, and the compiled record checks of
:mod:`corpuskit.recordshape`) uses ECMA-262's through ``regress``, the Rust ``regress``
engine's bindings, which is what an ECMA-262 validator (ajv, for one) makes of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

import regress

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

#: A compiled pattern's search: a match, or None.
Search = Callable[[str], object]


@cache
def ecma_search(pattern: str) -> Search:
    """The search of ``pattern`` as ECMA-262 reads it, with the ``u`` flag (Unicode
    escapes and classes, as JSON Schema asks): ``search(text)`` is None where no part of
    ``text`` matches. Raises ``regress.RegressError`` for a pattern that is no ECMA-262
    regular expression."""
    return regress.Regex(pattern, "u").find


def ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any
                 ) -> Iterator[ValidationError]:
    """jsonschema's ``pattern`` keyword with :func:`ecma_search` (its own uses ``re``)."""
    from jsonschema.exceptions import ValidationError

    from .schemacheck import shown_value

    if validator.is_type(instance, "string") and ecma_search(pattern)(instance) is None:
        # The value quoted short, as its problem quotes it: quoted whole, a record's id of
        # 150 MB that broke its pattern took 300 MB more to describe (QA).
        yield ValidationError(f"{shown_value(instance)} does not match {pattern!r}")
