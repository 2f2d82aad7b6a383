"""``re``'s warnings about users' patterns that corpuskit compiles only to check them.

A rights pattern must compile in Python's ``re`` (the ``regex`` format of datapackage.json's
profile is ``re``'s syntax), and is matched by the ``regex`` module. ``re`` compiles some
patterns with a FutureWarning about how a later Python may read a set, printed on standard
error with the line of corpuskit's source that compiled it: ``[[:alpha:]]``, which ``regex``
reads as a POSIX class (as the README says), is "Possible nested set" to ``re`` (QA: build
and validate each printed two such warnings and source lines). The pattern compiles, so it
is accepted, and ``re`` never matches it: the warning is not the user's concern.

:func:`ignore_future_set_warnings` adds a filter that ignores exactly those warnings where
they are raised on behalf of corpuskit's own code (``re`` names the frame that asked for the
compile, or one a few frames above it when the parser is called directly). A filter, not
``warnings.catch_warnings``, which changes the process's filters for the time of the block
and so is not safe in the threads that check a descriptor.
"""

from __future__ import annotations

import warnings

#: The FutureWarnings of ``re``'s parser about a set a later Python may read otherwise.
FUTURE_SET_MESSAGE = (r"Possible (?:nested set|set (?:difference|intersection|union|"
                      r"symmetric difference)) at position \d+")

#: The modules the warnings are ignored for: corpuskit's.
CORPUSKIT_MODULES = r"corpuskit(?:\.|\Z)"



def ignore_future_set_warnings() -> None:
    """Ignore, from now on in this process, ``re``'s warnings of a set a later Python may
    read otherwise, raised for corpuskit's own code. Called by the modules that compile
    users' patterns with ``re``, as they are imported (a second call changes nothing:
    ``warnings`` keeps one copy of a filter)."""
    warnings.filterwarnings("ignore", message=FUTURE_SET_MESSAGE, category=FutureWarning,
                            module=CORPUSKIT_MODULES)
