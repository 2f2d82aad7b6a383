"""Strict date recognition: a whole line that is one unambiguous calendar date.

Month names are a fixed table (never the process locale), so the result does not depend
on where corpuskit runs. Numeric day/month orders are accepted only when they cannot be
read two ways: ``25/08/2023`` is a date, ``03/04/2023`` is not guessed. A weekday that
contradicts the date (``Friday, August 26, 2023``) makes the line no date. A time may
follow the date (``2023-08-25T10:00:00Z``, ``August 25, 2023 at 10:00 am CEST``): the date
is the one written before it, never moved to another time zone. A zone is a designator
(``Z``, ``+02:00``, ``UTC+2``, ``CEST``), never any other word (``at 10:00 Paris``).

A line may look like a date without being one that reads (:func:`looks_like_date`): it is
then no title either, and stays in the text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from functools import cache

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
#: A short word before a time (``at 10:00``, ``um 10:00``, ``à 10h00``).
_LINK = r"(?:[^\W\d_]{1,3}\s+)?"
#: The time zone abbreviations a time may end in, in capitals (zoneinfo lists none, so
#: the list is fixed): UTC and GMT, and the common ones of Europe, North America, Asia
#: and Oceania.
ZONE_ABBREVIATIONS = ("UTC GMT CET CEST MEZ MESZ EET EEST WET WEST BST IST MSK"
                      " EST EDT CST CDT MST MDT PST PDT ET CT MT PT AKST AKDT HST"
                      " JST KST AEST AEDT ACST ACDT AWST NZST NZDT")
#: A time zone after a time, in its letter case whatever the line's: ``Z``, a numeric
#: offset (``+02:00``, ``-0500``), UTC or GMT with an offset or not (``UTC+2``,
#: ``GMT-05:00``) or one of :data:`ZONE_ABBREVIATIONS`. QA: any word of 2 to 5 letters
#: was a zone, so ``August 25, 2023 at 10:00 Paris`` and ``2023-08-25 at 9.30 sharp``
#: were date lines, and ``Paris`` and ``sharp`` left the text with them.
_ZONE = (r"(?-i:Z|(?P<utc>UTC|GMT)?[+-](?P<zone_hours>[0-9]{2}|(?(utc)[0-9]))"
         r"(?::?(?P<zone_minutes>[0-9]{2}))?|"
         + "|".join(sorted(ZONE_ABBREVIATIONS.split(), key=lambda name: (-len(name), name))) + ")")
#: A time after a date: ``10:00``, ``T10:00:00.5Z``, ``at 10:00 am``, ``10h00 +02:00``,
#: ``10:00 CEST``, ``um 10:00 Uhr``: German's "o'clock", which the zone of any word took
#: in, is named so that ``25.08.2023 um 10:00 Uhr`` stays a date.
_TIME = (rf"(?:T|,?\s+{_LINK})(?P<hour>[0-9]{{1,2}})[:.h](?P<minute>[0-9]{{2}})"
         r"(?::(?P<second>[0-9]{2})(?:[.,][0-9]+)?)?(?:\s*(?P<meridiem>[ap])\.?m\.?|\s+Uhr)?"
         rf"(?:\s*{_ZONE})?")


def _timed(date: str) -> re.Pattern[str]:
    """A date's pattern, maybe followed by a time (QA: ``2023-08-25T10:00:00Z`` and
    ``August 25, 2023 at 10:00 am CEST`` never gave their date, though README's lines that
    look like dates are followed by one)."""
    return re.compile(f"{date}(?:{_TIME})?", re.IGNORECASE)


_NAMED = [
    _timed(rf"(?:{_WEEKDAY})?{_MONTH}\s+{_DAY},?\s+{_YEAR}"),
    _timed(rf"(?:{_WEEKDAY})?{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}"),
]
_ISO = _timed(
    r"(?P<year>[0-9]{4})(?P<sep>[-/.])(?P<month>[0-9]{1,2})(?P=sep)(?P<day>[0-9]{1,2})")
#: Year, month and day as Chinese, Japanese (``2023年8月25日``) and Korean (``2023년 8월
#: 25일``) write them: one reading only.
_YEAR_MONTH_DAY_SIGNS = (r"(?P<year>[0-9]{4})\s*[年년]\s*(?P<month>[0-9]{1,2})\s*[月월]"
                         r"\s*(?P<day>[0-9]{1,2})\s*[日일]")
_CJK = _timed(_YEAR_MONTH_DAY_SIGNS)
_DAY_FIRST_OR_MONTH_FIRST = _timed(
    r"(?P<a>[0-9]{1,2})(?P<sep>[/.-])(?P<b>[0-9]{1,2})(?P=sep)(?P<year>[0-9]{4})")


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _timed_match(pattern: re.Pattern[str], line: str) -> re.Match[str] | None:
    """``pattern``'s match of the whole line, unless the time after its date is none a
    clock shows (``10:75``, ``13:00 pm``, a zone ``+25:00``): the line contradicts itself,
    as with a wrong weekday."""
    match = pattern.fullmatch(line)
    if match is None or match["hour"] is None:
        return match
    hour, minute, second = int(match["hour"]), int(match["minute"]), int(match["second"] or 0)
    hours = range(1, 13) if match["meridiem"] else range(24)
    zone_hours, zone_minutes = int(match["zone_hours"] or 0), int(match["zone_minutes"] or 0)
    real = hour in hours and minute < 60 and second <= 60 \
        and zone_hours < 24 and zone_minutes < 60  # (second 60: a leap second, as RFC 3339)
    return match if real else None


#: No date line is longer, once stripped (of spaces, final dots, then spaces again): a
#: weekday, a date and a time with seconds, a fraction and a zone, one space apart, fit
#: (``Wednesday, September 27th, 2023 at 10:00:00.123 p.m. CEST`` is 57).
LONGEST_DATE_LINE = 64


#: An ASCII digit: every date and every shape of one holds one (a year, a day), and most
#: lines asked about hold none (a title, a paragraph): a search for one tells them at once.
#: :func:`looks_like_date` of a document's first paragraph took 4.6 µs before (its eight
#: patterns matched in turn), 0.2 after (the kit's corpus).
_ASCII_DIGIT = re.compile("[0-9]")


def parse_date_line(line: str) -> str | None:
    """``YYYY-MM-DD`` if the whole line is one unambiguous date, else ``None``."""
    line = line.strip().rstrip(".").strip()
    if not line or len(line) > LONGEST_DATE_LINE or _ASCII_DIGIT.search(line) is None:
        return None
    return _date_of(line)


def _date_of(line: str) -> str | None:
    """:func:`parse_date_line` of ``line``, stripped as it strips it."""
    match = _timed_match(_ISO, line) or _timed_match(_CJK, line)
    if match:
        return _iso(int(match["year"]), int(match["month"]), int(match["day"]))
    for pattern in _NAMED:
        match = _timed_match(pattern, line)
        if match:
            month = MONTHS.get(match["month"].lower())
            date = _iso(int(match["year"]), month, int(match["day"])) if month else None
            weekday = match["weekday"]
            if date and weekday and dt.date.fromisoformat(date).weekday() != WEEKDAYS[
                    weekday[:3].lower()]:
                return None  # "Friday, August 26, 2023": the line contradicts itself
            return date
    match = _timed_match(_DAY_FIRST_OR_MONTH_FIRST, line)
    if match:
        a, b, year = int(match["a"]), int(match["b"]), int(match["year"])
        readings = {d for d in (_iso(year, b, a), _iso(year, a, b)) if d}
        return readings.pop() if len(readings) == 1 else None
    return None


#: Month names and their abbreviations in French, German, Spanish, Italian, Portuguese and
#: Dutch (matched whatever their case): a line naming one of these
#: in a date's place looks like a date, though :func:`parse_date_line` reads English's
#: alone (QA: ``4 mai 2023`` became the title). Abbreviations that are common English
#: words are left out (it/pt ``set``, pt ``out``, es/it/pt ``ago``, it ``gen``, ``mag``,
#: ``lug``): QA, ``Problem Set 3 of 2023`` and ``Top 10 Out 2023`` were no titles.
_OTHER_MONTH_NAMES = {
    "fr": "janvier janv février févr mars avril avr mai juin juillet juil août septembre sept"
          " octobre oct novembre nov décembre déc",
    "de": "januar jänner jan februar feb märz mär mrz april apr mai juni jun juli jul august"
          " aug september sep sept oktober okt november nov dezember dez",
    "es": "enero ene febrero feb marzo mar abril abr mayo junio jun julio jul agosto"
          " septiembre setiembre sep octubre oct noviembre nov diciembre dic",
    "it": "gennaio febbraio feb marzo mar aprile apr maggio giugno giu luglio"
          " agosto settembre ottobre ott novembre nov dicembre dic",
    "pt": "janeiro jan fevereiro fev março mar abril abr maio mai junho jun julho jul agosto"
          " setembro outubro novembro nov dezembro dez",
    "nl": "januari jan februari feb maart mrt april apr mei juni jun juli jul augustus aug"
          " september sep oktober okt november nov december dec",
}
OTHER_MONTHS = frozenset(name for names in _OTHER_MONTH_NAMES.values()
                         for name in names.split())
#: Weekday names, full and abbreviated, in English and the languages of
#: :data:`OTHER_MONTHS` (matched whatever their case, right for the date or not).
_WEEKDAY_NAMES = {
    "en": "monday mon tuesday tue tues wednesday wed thursday thu thur thurs friday fri"
          " saturday sat sunday sun",
    "fr": "lundi lun mardi mar mercredi mer jeudi jeu vendredi ven samedi sam dimanche dim",
    "de": "montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag",
    "es": "lunes lun martes mar miércoles miercoles mié mie jueves jue viernes vie sábado"
          " sabado sáb sab domingo dom",
    "it": "lunedì lunedi lun martedì martedi mar mercoledì mercoledi mer giovedì giovedi gio"
          " venerdì venerdi ven sabato sab domenica dom",
    "pt": "segunda-feira segunda seg terça-feira terça terca-feira terca ter quarta-feira"
          " quarta qua quinta-feira quinta qui sexta-feira sexta sex sábado sabado sáb sab"
          " domingo dom",
    "nl": "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag",
}
#: German's and Dutch's two-letter abbreviations (``Fr., 4. Mai 2023``, ``za 4 mei 2023``),
#: but those that are English words (``Do``, ``So``, ``Ma``), which count with a dot or
#: comma after them only (``Do., 4. Mai 2023``).
_TWO_LETTER_WEEKDAYS = "mo di mi fr sa wo vr za zo"
_TWO_LETTER_WORD_WEEKDAYS = "do so ma"
#: A weekday before a date; where any word was, ``Apollo 11 July 1969`` and ``Vol. 12 Dec
#: 2023`` looked like dates, and were no titles (QA).
_ANY_WEEKDAY = r"(?:(?:{})\.?,?\s+|(?:{})(?:\.,?|,)\s*)?".format(
    "|".join(sorted({*(name for names in _WEEKDAY_NAMES.values() for name in names.split()),
                     *_TWO_LETTER_WEEKDAYS.split()}, key=lambda name: (-len(name), name))),
    "|".join(_TWO_LETTER_WORD_WEEKDAYS.split()))
_ANY_DAY = r"[0-9]{1,2}(?:st|nd|rd|th|\.)?"
#: The words that link a date's parts (``25th of August``, ``4 de mayo de 2023``, ``mayo
#: 4 del 2023``): any short word did, so ``Chapter 3 of 2023``'s shape was a date's.
_DAY_MONTH_LINK = r"(?:(?:of|de)\s+)?"
_YEAR_LINK = r"(?:(?:de|del)\s+)?"
#: A day and a month with no year look like a date too (QA: README's ``25th of August``
#: became a title), the day then from 1 to 31: ``Mai 68`` (May 1968 in France) is a title.
_DAY_OF_MONTH = r"(?:0?[1-9]|[12][0-9]|3[01])(?:st|nd|rd|th|\.)?"


def _month_names(names: Iterable[str]) -> str:
    """A pattern of any of the month ``names``, longest first, maybe followed by a dot."""
    return "(?:{})\\.?".format("|".join(sorted(names, key=lambda name: (-len(name), name))))


@cache
def _looks_like_date_patterns() -> tuple[re.Pattern[str], ...]:
    """The shapes of a date :func:`looks_like_date` knows, compiled on first use (the many
    month names make them slow to compile for a command that reads no text)."""
    numeric = (r"(?:[0-9]{4}(?P<sep>[-/.])[0-9]{1,2}(?P=sep)[0-9]{1,2}"
               r"|[0-9]{1,2}(?P<sep2>[-/.])[0-9]{1,2}(?P=sep2)[0-9]{4}"
               rf"|{_YEAR_MONTH_DAY_SIGNS})")
    month = _month_names({*MONTHS, *OTHER_MONTHS})
    # With no year, the month comes first in English's order alone (QA: French's Mars 3
    # and Avril 14, titles, looked like dates; French writes 3 mars).
    month_first = (rf"{_ANY_WEEKDAY}(?:{month}\s+{_ANY_DAY},?\s+{_YEAR_LINK}{_YEAR}"
                   rf"|{_month_names(MONTHS)}\s+{_DAY_OF_MONTH})")
    day_first = (rf"{_ANY_WEEKDAY}(?:{_ANY_DAY}\s+{_DAY_MONTH_LINK}{month},?\s+{_YEAR_LINK}{_YEAR}"
                 rf"|{_DAY_OF_MONTH}\s+{_DAY_MONTH_LINK}{month})")
    return tuple(_timed(shape) for shape in (numeric, month_first, day_first))


def looks_like_date(line: str) -> bool:
    """Whether the whole line looks like a date, read or not: one :func:`parse_date_line`
    reads; three groups of ASCII digits, a four-digit year first or last, separated alike
    by ``-``, ``/`` or ``.`` (``03/04/2023``, ``2023-02-30``), or ``2023年8月25日``
    (``2023년 8월 25일``); or a
    day, a month name (English or of :data:`OTHER_MONTHS`) and a four-digit year, in either
    order English writes them, maybe after a weekday (of those languages, right or not)
    and with ``of`` or ``de`` before the month, ``de`` or ``del`` before the year; or such
    a day (1 to 31) and month with no year, the day first (``25th of August``, ``4 de
    mayo``) or, the month English's, the month first (``August 25``, not ``Mars 3``); each
    maybe followed by a time. Such a line is no title, though only the first kind gives a
    date (QA: ``03/04/2023``, ``2023-08-25 10:00`` and ``Friday, August 26, 2023`` became
    titles; then ``Apollo 11 July 1969`` and ``Problem Set 3 of 2023`` were none)."""
    if _ASCII_DIGIT.search(line) is None:
        return False
    if parse_date_line(line) is not None:
        return True
    return _shaped_like_date(line.strip().rstrip(".").strip())


def _shaped_like_date(line: str) -> bool:
    """Whether ``line``, stripped as :func:`parse_date_line` strips it, has one of the
    shapes of a date :func:`looks_like_date` knows."""
    return any(pattern.fullmatch(line) for pattern in _looks_like_date_patterns())
