"""The console script's entry point: the CLI imported where an interrupt is handled.

``corpuskit.cli.main`` turns Ctrl-C into "corpuskit: aborted" and exit 130, but only once
it runs; the modules it needs take a tenth of a second or two to import, and a Ctrl-C in
that time used to end the program with Python's KeyboardInterrupt traceback. Importing
them here, inside the same handling, closes that window (all but the few lines of the
script that pip writes, which import this small module).
"""

from __future__ import annotations

import contextlib
import sys


def main() -> int:
    """Import the CLI and run it; an interrupt while importing exits 130, quietly, and so
    does one that comes while the CLI says how it ended (in ``cli.main``'s handlers of
    errors, outside the handling of interrupts inside it)."""
    try:
        from .cli import main as run

        return run()
    except KeyboardInterrupt:
        from .errors import EXIT_INTERRUPTED

        with contextlib.suppress(OSError, ValueError):  # standard error may be gone too
            sys.stderr.write("corpuskit: aborted\n")
        return EXIT_INTERRUPTED
