"""Strict date recognition: a whole line that is one unambiguous calendar date.

Month names are a fixed table (never the process locale), so the result does not depend
on where corpuskit runs. Numeric day/month orders are accepted only when they cannot be
read two ways: ``25/08/2023`` is a date, ``03/04/2023`` is not guessed. A weekday that
contradicts the date (``Friday, August 26, 2023``) makes the line no date.
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_WEEKDAY = (r"(?P<weekday>(?:mon|tues|wednes|thurs|fri|satur|sun)day"
            r"|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\.?,?\s+")
#: Weekday names by their first three letters, Monday = 0 (as ``date.weekday()``).
WEEKDAYS = {name: number for number, name in enumerate(
    ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))}
_MONTH = r"(?P<month>[a-z]{3,9})\.?"
#: Digits are ASCII's: "\d" took any script's (``２０２３-０８-２５``, a Devanagari day in
#: an ASCII date), a guess no reader would make (QA).
_DAY = r"(?P<day>[0-9]{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>[0-9]{4})"
_NAMED = [
    re.compile(rf"(?:{_WEEKDAY})?{_MONTH}\s+{_DAY},?\s+{_YEAR}", re.IGNORECASE),
    re.compile(rf"(?:{_WEEKDAY})?{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}", re.IGNORECASE),
]
_ISO = re.compile(
    r"(?P<year>[0-9]{4})(?P<sep>[-/.])(?P<month>[0-9]{1,2})(?P=sep)(?P<day>[0-9]{1,2})")
_DAY_FIRST_OR_MONTH_FIRST = re.compile(
    r"(?P<a>[0-9]{1,2})(?P<sep>[/.-])(?P<b>[0-9]{1,2})(?P=sep)(?P<year>[0-9]{4})")


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


#: No date line is longer, once stripped (of spaces, final dots, then spaces again).
LONGEST_DATE_LINE = 40


def parse_date_line(line: str) -> str | None:
    """``YYYY-MM-DD`` if the whole line is one unambiguous date, else ``None``."""
    line = line.strip().rstrip(".").strip()
    if not line or len(line) > LONGEST_DATE_LINE:
        return None
    match = _ISO.fullmatch(line)
    if match:
        return _iso(int(match["year"]), int(match["month"]), int(match["day"]))
    for pattern in _NAMED:
        match = pattern.fullmatch(line)
        if match:
            month = MONTHS.get(match["month"].lower())
            date = _iso(int(match["year"]), month, int(match["day"])) if month else None
            weekday = match["weekday"]
            if date and weekday and dt.date.fromisoformat(date).weekday() != WEEKDAYS[
                    weekday[:3].lower()]:
                return None  # "Friday, August 26, 2023": the line contradicts itself
            return date
    match = _DAY_FIRST_OR_MONTH_FIRST.fullmatch(line)
    if match:
        a, b, year = int(match["a"]), int(match["b"]), int(match["year"])
        readings = {d for d in (_iso(year, b, a), _iso(year, a, b)) if d}
        return readings.pop() if len(readings) == 1 else None
    return None
