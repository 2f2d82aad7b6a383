"""How many examples each property test (hypothesis) of the default run tries.

The default run (the README's test command) tries a third of each test's full number, and
at least 100 (or the full number, if it is smaller); with ``CORPUSKIT_FULL_EXAMPLES=1`` a
test tries its full number. CI (``.ci/run``) runs the property tests again that way, after
the default run. Measured: the full numbers took 75 s of the default run's 450 s of test
time (two workers), most of it in a few tests that compare a fast path with its definition
over thousands of inputs.
"""

from __future__ import annotations

import os

#: The environment variable that asks for every test's full number of examples.
FULL_EXAMPLES = "CORPUSKIT_FULL_EXAMPLES"
#: The fewest examples a test of the default run tries (hypothesis's own default).
LEAST = 100


def full_examples() -> bool:
    """Whether this run asks for every property test's full number of examples."""
    return os.environ.get(FULL_EXAMPLES) == "1"


def examples(full: int) -> int:
    """The examples a property test tries: ``full`` when asked for, else a third of it,
    at least :data:`LEAST` (never more than ``full``)."""
    return full if full_examples() else min(full, max(LEAST, full // 3))
