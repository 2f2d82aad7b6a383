"""A progress bar for long work, on a terminal only.

DESIGN: progress bars appear on long work in a terminal and stay out of pipes and CI
logs. The stages report ``(done, total)`` to a callback (:data:`Progress`); the CLI gives
them one drawing click's bar on standard error when, and only when, it is a terminal,
so a pipe, a file or a CI log gets none of it.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

#: What a stage calls as its work advances: the units done so far, and of how many.
Progress = Callable[[int, int], None]


def _dumb_terminal() -> bool:
    """Whether the terminal says it moves no cursor (``TERM=dumb``: Emacs's shell, some CI
    runners' pseudo-terminals), where a bar redrawn with carriage returns and cursor codes
    is a stream of garbage (QA)."""
    return os.environ.get("TERM") == "dumb"


#: The bar's width where the terminal has room for it (click's own default).
BAR_WIDTH = 36
#: What click draws beside the bar and the label, but for the position's digits: the
#: spaces between, the brackets, the slash, the percentage and the time left.
_BAR_CLUTTER = 24


#: click's gap between the label and the figures, and between the figures.
_GAP = 2
#: The widest time left click writes in a day and more ("9d 23:59:59").
_TIME_LEFT = 11


def bar_width(label: str, total: int) -> int:
    """The width of a bar that, with its label and figures, fits on one line of the
    terminal (a fixed 36 wrapped at every redraw on a narrow one, QA); 0 (no bar: the
    figures alone, :func:`_bar_options`) where even a bar of one does not fit."""
    columns = shutil.get_terminal_size().columns
    room = columns - len(label) - 2 * len(str(total)) - _BAR_CLUTTER
    return max(0, min(BAR_WIDTH, room))


def _bar_options(label: str, total: int) -> dict[str, Any]:
    """click's options for a bar labelled ``label`` of ``total`` that fit on one line.

    Where a bar of one does not fit, none is drawn: click's width 0 ("as wide as there is
    room") drew an empty ``[]`` and the time left beyond the line, which wrapped at every
    redraw (QA: newb 10, 36 characters on a 30-column terminal). The figures are drawn
    then, with the time left and the label where they fit, the position alone else."""
    width = bar_width(label, total)
    if width:
        return {"width": width}
    columns = shutil.get_terminal_size().columns
    position = 2 * len(str(total)) + 1  # done/total
    labelled = len(label) + _GAP + position
    # (width 1: no bar is drawn; any width but click's 0, which measures the line again)
    return {"width": 1, "bar_template": "%(label)s  %(info)s" if labelled <= columns
            else "%(info)s", "show_eta": labelled + _GAP + _TIME_LEFT <= columns}


@contextmanager
def terminal_progress(label: str) -> Iterator[Progress | None]:
    """A :data:`Progress` drawing a bar labelled ``label`` on standard error if it is a
    terminal, else None (nothing is drawn, nothing costs).

    A bar that reaches its total is ended there (its line kept), so that a later count, one
    that starts again (the next target ``validate --reproduce`` re-derives) or another
    bar's (``release``'s build after its comparison), draws on a line of its own rather than
    over it. A total that changes on the way (a package that recorded another count of its
    documents than it holds) is the bar's new length."""
    stream = sys.stderr
    if not (hasattr(stream, "isatty") and stream.isatty()) or _dumb_terminal():
        yield None
        return
    bar: Any = None
    shown = 0

    def end() -> None:
        nonlocal bar, shown
        if bar is not None:
            bar.__exit__(None, None, None)
        bar, shown = None, 0

    def advance(done: int, total: int) -> None:
        nonlocal bar, shown
        if total <= 0:  # nothing (left) to count: no bar of 0/0
            end()
            return
        if bar is not None and done < shown:  # a count that starts again: a bar of its own
            end()
        if bar is None:
            # update_min_steps=0: an update of no step is drawn too, so a total that
            # changed alone (the last (n, n) after (n, n + 1)) is redrawn, not left at
            # n/n + 1 as if cut short (QA: 299/300); click writes only a changed line.
            bar = click.progressbar(length=max(total, 1), label=label, file=stream,
                                    show_pos=True, update_min_steps=0,
                                    **_bar_options(label, total))
            bar.__enter__()
        bar.length = max(total, 1)
        bar.update(done - shown)
        shown = done
        if done >= total:
            end()

    try:
        yield advance
    finally:
        end()
