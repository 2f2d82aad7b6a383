"""The console script's entry point: the CLI imported where an interrupt is handled.

``corpuskit.cli.main`` turns Ctrl-C into "corpuskit: aborted" and exit 130, but only once
it runs; the modules it needs take a tenth of a second or two to import, and a Ctrl-C in
that time used to end the program with Python's KeyboardInterrupt traceback. Importing
them here, inside the same handling, closes that window (all but the few lines of the
script that pip writes, which import this small module).
"""

from __future__ import annotations

import sys


def main() -> int:
    """Import the CLI and run it; an interrupt while importing exits 130, quietly."""
    try:
        from .cli import main as run
    except KeyboardInterrupt:
        from .errors import EXIT_INTERRUPTED

        sys.stderr.write("corpuskit: aborted\n")
        return EXIT_INTERRUPTED
    return run()
