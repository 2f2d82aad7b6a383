"""Stage 4, extract: strict dates, title and rights rules, a body never emptied, language."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import build_into, corpus_config, make_seeds, records_by_id
from hypothesis import example, given, settings
from hypothesis import strategies as st
from property_budget import examples

from corpuskit.config import ExtractConfig, parse_config
from corpuskit.dates import ZONE_ABBREVIATIONS, looks_like_date, parse_date_line
from corpuskit.extract import extract, is_rights_line
from corpuskit.sentenceends import ends_like_sentence
from corpuskit.validation import render_text, validate

DEFAULT = ExtractConfig()


# -- dates -------------------------------------------------------------------------------

@pytest.mark.parametrize("line", [
    "August 25, 2023",
    "25 August 2023",
    "Aug. 25, 2023",
    "Aug 25 2023",
    "Friday, August 25, 2023",
    "Fri, 25 Aug 2023",
    "25th of August, 2023",
    "August 25th, 2023",
    "AUGUST 25, 2023",
    "2023-08-25",
    "2023/8/25",
    "25/08/2023",
    "25.08.2023",
    "08/25/2023",
    "  August 25, 2023.  ",
    "2023年8月25日",                      # year, month and day signs: one reading
    "2023년 8월 25일",
])
def test_unambiguous_date_lines(line: str) -> None:
    assert parse_date_line(line) == "2023-08-25"


#: Dates followed by a time, each giving the date as written before it (QA: README gave
#: such lines as dates, but none gave one).
DATES_AND_TIMES = [
    "2023-08-25T10:00:00Z",
    "2023-08-25T23:30:00-05:00",         # 04:30 on the 26th in UTC: never converted
    "2023-08-25T00:15:00+14:00",
    "2023-08-25 10:00",
    "2023-08-25T10:00:00.123456Z",
    "August 25, 2023 at 10:00 am CEST",
    "25 August 2023, 10:00",
    "Friday, August 25, 2023 at 10:00 p.m.",
    "Fri, 25 Aug 2023 10:00:00 +0000",
    "25th of August 2023 at 10:00",
    "25/08/2023 10h30",
    "2023年8月25日 10:00",
    "2023-08-25 23:59:60Z",              # a leap second, as RFC 3339 allows
    "Friday, August 25th, 2023 at 10:00:00.123456 p.m. CEST",  # past 40 characters
    "2023-08-25 10:00 UTC+2",
    "Fri, 25 Aug 2023 10:00:00 GMT",
    "2023-08-25 10:00 pm EDT",
    "25.08.2023 um 10:00 Uhr",           # German's "o'clock", no zone
]


@pytest.mark.parametrize("line", DATES_AND_TIMES)
def test_a_date_followed_by_a_time_gives_its_date(line: str) -> None:
    assert parse_date_line(line) == "2023-08-25"


@pytest.mark.parametrize("line", [
    "03/04/2023",              # 3 April or March 4: not guessed
    "04/03/2023",
    "February 30, 2023",       # no such day
    "2023-02-29",              # not a leap year
    "2023-13-01",
    "next Tuesday",
    "2023",
    "August 2023",
    "Friday, August 26, 2023",  # 26 August 2023 was a Saturday: the line contradicts itself
    "Posted on August 25, 2023",
    "2023-08-25 10:75",          # a time no clock shows contradicts the line too
    "2023-08-25 24:00",
    "August 25, 2023 at 13:00 pm",
    "2023-08-25T10:00:00+25:00",
    "Friday, August 26, 2023 at 10:00",
    "03/04/2023 10:00",          # ambiguous, time or not
    "2023-02-30 10:00",
    "25th of August",            # no year
    "August 25 at 10:00",
    "Mayo 25, 2023",           # month names are English, never the process locale's
    "25 Augustus 2023",
    "",
    # Digits of other scripts, alone or among ASCII ones, were read as ASCII's (QA).
    "\uff12\uff10\uff12\uff13-\uff10\uff18-\uff12\uff15",  # full width
    "\u0662\u0660\u0662\u0663-\u0660\u0668-\u0662\u0665",  # Arabic-Indic
    "25/\u0966\u096e/2023",                               # Devanagari month
    "2023-08-2\U0001d7fb",                                 # a mathematical digit
    "August \uff12\uff15, 2023",
])
def test_ambiguous_impossible_or_fuzzy_lines_are_no_date(line: str) -> None:
    assert parse_date_line(line) is None


@pytest.mark.parametrize("line", [
    "August 25, 2023 at 10:00 Paris",
    "2023-08-25 at 9.30 sharp",
    "June 5, 2023 10:00 Rally",
    "2023-08-25 10:00 cest",             # a zone's abbreviation is written in capitals
    "2023-08-25 10:00 Est",
    "2023-08-25T10:00z",
    "2023-08-25 10:00 +2",               # one digit of hours after UTC or GMT only
    "25th of August at 10:00 Paris",
])
def test_a_word_after_a_time_is_no_time_zone(line: str) -> None:
    """QA: any word of 2 to 5 letters after a time was taken for a zone, so such a line was
    a date line and left the text with its word (``Paris``, ``sharp``), where a longer
    word (``Houston``) kept it there. Only a zone's designator is one."""
    assert parse_date_line(line) is None
    assert not looks_like_date(line)
    parts = extract(f"Minutes\n\n{line}\n\nMeeting notes follow here.\n", DEFAULT)
    assert (parts.title, parts.date) == ("Minutes", None)
    assert parts.text == f"{line}\n\nMeeting notes follow here.\n"


def test_readme_lists_the_time_zone_abbreviations() -> None:
    """README names the fixed list of zones a time may end in: it must be the code's."""
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    start = readme.index("or one of a fixed list of abbreviations")
    listed = readme[start:readme.index(");", start)]
    assert re.findall(r"`([A-Z]+)`", listed) == ZONE_ABBREVIATIONS.split()[2:]


def test_leap_day_and_same_reading_numeric_dates() -> None:
    assert parse_date_line("2024-02-29") == "2024-02-29"
    assert parse_date_line("04/04/2023") == "2023-04-04"  # both readings agree


#: Pieces of lines shaped like dates: month and weekday names of every language the
#: patterns know, links, signs, zones and ASCII digits.
_DATE_PIECES = st.sampled_from([
    "August", "aug.", "Mai", "mayo", "janv.", "Friday,", "Fr.,", "jeudi", "of", "de", "del",
    "th", "st", "年", "月", "日", "년", "T", "Z", "UTC", "CEST", "+", "-", "/", ".", ":", ",",
    " ", " ", "am", "p.m.", "Uhr", "at", "h", *"0123456789", "2023", "25", "08", "10:00"])
#: Characters a digit of a date line may be mistaken for: digits of other scripts, full
#: width, superscript or circled, and letters like them.
_NOT_ASCII_DIGITS = "٣３𝟐²⁴①Ol"


@settings(max_examples=examples(3000), deadline=None)
@given(st.lists(_DATE_PIECES, min_size=1, max_size=12), st.sampled_from([0.0, 0.5, 1.0]),
       st.integers(0, 2**32))
@example(["August", " ", "9"], 0.0, 0)  # each digit alone, in a line that looks like a date
@example(["0", "0", "/", "0", "0", "/", "0000"], 0.0, 0)
@example(["8", " ", "Mai"], 0.0, 0)
@example(["2023", "年", "8", "月", "25", "日"], 0.5, 1)
def test_dates_are_told_as_every_pattern_tells_them(
        pieces: list[str], mistaken: float, seed: int) -> None:
    """parse_date_line and looks_like_date answer a line without an ASCII digit at once:
    they answer as their patterns, all matched, do (:func:`_date_of`, :func:`_shaped_like_
    date`), on lines shaped like dates whose digits are kept, mistaken for others (none an
    ASCII digit) or some of each."""
    from corpuskit.dates import LONGEST_DATE_LINE, _date_of, _shaped_like_date

    rng = random.Random(seed)
    line = re.sub("[0-9]", lambda digit: rng.choice(_NOT_ASCII_DIGITS)
                  if rng.random() < mistaken else digit.group(), "".join(pieces))
    stripped = line.strip().rstrip(".").strip()
    date = _date_of(stripped) if 0 < len(stripped) <= LONGEST_DATE_LINE else None
    assert parse_date_line(line) == date, line
    assert looks_like_date(line) is (date is not None or _shaped_like_date(stripped)), line


def test_only_ascii_digits_are_digits_to_the_date_patterns() -> None:
    """The patterns' ``[0-9]``, compiled case-blind, matches no other character (no case
    of another character folds to an ASCII digit): a line without one is no date."""
    digit = re.compile("[0-9]", re.IGNORECASE)
    assert [chr(code) for code in range(0x110000) if digit.fullmatch(chr(code))] == list(
        "0123456789")


# -- title, date and rights lines --------------------------------------------------------

DOC = (
    "Harbour Council Approves New Ferry Schedule\n\n"
    "August 25, 2023\n\n"
    "The council voted on Thursday to add two evening ferries.\n\n"
    "The new timetable starts in September.\n\n"
    "© 2023 Harbour Gazette. All rights reserved.\n"
)


def test_title_date_and_rights_are_taken_out_of_the_body() -> None:
    parts = extract(DOC, DEFAULT)
    assert parts.title == "Harbour Council Approves New Ferry Schedule"
    assert parts.date == "2023-08-25"
    assert parts.rights == "© 2023 Harbour Gazette. All rights reserved."
    assert parts.text == ("The council voted on Thursday to add two evening ferries.\n\n"
                          "The new timetable starts in September.\n")


def test_date_line_without_title_is_taken() -> None:
    parts = extract("25 August 2023\n\nBody text.\n", DEFAULT)
    assert (parts.title, parts.date, parts.text) == (None, "2023-08-25", "Body text.\n")


def test_ambiguous_date_line_stays_in_the_body() -> None:
    parts = extract("A title\n\n03/04/2023\n\nBody text.\n", DEFAULT)
    assert parts.title == "A title"
    assert parts.date is None
    assert parts.text == "03/04/2023\n\nBody text.\n"


def test_date_is_only_looked_for_right_after_the_title() -> None:
    parts = extract("A title\n\nBody text.\n\nAugust 25, 2023\n", DEFAULT)
    assert parts.date is None
    assert parts.text.endswith("August 25, 2023\n")


@pytest.mark.parametrize("first", [
    "A sentence that ends with a full stop.",
    "Dear readers,",
    "Contents:",
    "Line one of a paragraph\nline two of it",
    "x" * 201,
    # QA: a line that shows nothing became an invisible title, and one holding a
    # bidirectional override a title shown in another order than spelled.
    "\u00ad", "\u2800", "\u3164", "\u200d\ufe0f", "\u202eevil title", "A \u2066title\u2069",
])
def test_first_paragraph_that_is_not_a_title_stays(first: str) -> None:
    parts = extract(f"{first}\n\nBody text.\n", DEFAULT)
    assert parts.title is None
    assert parts.text.startswith(first)


def test_questions_and_exclamations_can_be_titles() -> None:
    assert extract("Who pays for the ferry?\n\nBody.\n", DEFAULT).title == (
        "Who pays for the ferry?")
    assert extract("Ferry saved!\n\nBody.\n", DEFAULT).title == "Ferry saved!"


@pytest.mark.parametrize("first", [
    "今天天气很好，我们去公园散步。",      # ideographic full stop
    "今日はとても良い天気です。",
    "在开始之前，",                        # fullwidth comma
    "一、",                                # ideographic comma
    "本日の議題．",                        # fullwidth full stop
    "आज मौसम बहुत अच्छा है।",              # Devanagari danda
    "آج موسم بہت اچھا ہے۔",                # Urdu full stop
    "في البداية، يجب أن نوضح ما يلي،",     # Arabic comma
    "أولاً؛",                              # Arabic semicolon
    "Այսօր եղանակը շատ լավ է։",            # Armenian full stop
    "ዛሬ ጥሩ ቀን ነው።",                      # Ethiopic full stop
    "It was a dark and stormy night…",     # an ellipsis
    "He said, “We are done.”",             # quotation marks after the full stop
    "Il a dit : « Nous avons fini. »",
    "„Wir sind fertig.“",
    "「今日は終わりです。」",
    "'Done,'",
    "Ελλάδα, Ιταλία και Ισπανία\u0387",     # Greek's ano teleia: · once NFC
    "Hello;",                               # a ; ending a line of Latin
    "The year 2023;",
    "The letter λ in 2023;",                # a Greek letter in a line of Latin
    "Ελλάδα και Ιταλία 2023\u0387",          # an ano teleia ending a Greek line
    "Угол θ = 30;",                         # a Greek letter in a Cyrillic line
    "iPhone ή Android;",                    # a Greek word among Latin ones
    "ስለ ኢትዮጵያ።",                            # an Ethiopic full stop
])
def test_a_first_line_ending_like_a_sentence_in_any_script_is_no_title(first: str) -> None:
    """QA: only ASCII's . , ; : made a line a sentence, so the opening sentence of a
    Chinese, Japanese, Hindi, Urdu or Armenian text, or one ending in a quotation mark or
    an ellipsis, was taken as its title and left the text."""
    first = unicodedata.normalize("NFC", first)  # as the nfc step leaves it
    parts = extract(f"{first}\n\nBody text.\n", DEFAULT)
    assert parts.title is None
    assert parts.text == f"{first}\n\nBody text.\n"


@pytest.mark.parametrize("title", ["Ποιος πληρώνει\u037e", "«Ποιος πληρώνει\u037e»",
                                   "Πόσο κοστίζει το 2023\u037e", "Ερώτηση 2\u037e",
                                   "Τι είναι το COVID\u037e", "Πού είσαι \u037e",
                                   "«Πόσο κοστίζει το 2023\u037e»",
                                   "Τι είναι το iPhone 15 Pro Max\u037e",
                                   "Πού είναι ο Jean-Pierre Dupont\u037e",
                                   "Samsung Galaxy: τι να αγοράσω το 2023\u037e"])
def test_a_greek_question_is_a_title_once_nfc(title: str) -> None:
    """QA: U+037E GREEK QUESTION MARK was listed among the question marks a title may end
    in, but the nfc step makes it ``;`` before extraction, a clause end: no Greek question
    was a title. Then only a ``;`` right after a Greek letter was one (QA): a question
    ending in a number or a Latin word, or with a space before its mark, was not. Then the
    letters alone counted (QA): one naming a brand or a person in more Latin letters than
    Greek ones was no title; its first word, or most of its words, are Greek."""
    title = unicodedata.normalize("NFC", title)
    assert title.rstrip("»").endswith(";")
    assert extract(f"{title}\n\nBody text.\n", DEFAULT).title == title


@pytest.mark.parametrize("title", [
    "Harbour Council Approves New Ferry Schedule",
    "Chapter 1",
    "Who pays for the ferry?",
    "Ferry saved!",
    "¿Quién paga?",
    "谁来付钱？",                           # fullwidth question mark
    "太好了！",
    "Jahresbericht 2023",
    "年度报告",
    "「吾輩は猫である」",                   # quoted, but no sentence inside
    "“The Raven”",
    "Notes (cont.)",                        # a bracket is no quotation mark
    "Chapter 3 — The Ferry",
    "Top 10 Songs 2023",
    "August 2023",                          # a month, no date
    "བོད་ཀྱི་ལོ་རྒྱུས།",                       # Tibetan ends nearly every phrase in a shad
    "བོད་ཀྱི་ལོ་རྒྱུས། །",
    "ཆོས་འབྱུང༎",                            # a double shad
    "ስለ ኢትዮጵያ፡",                            # an Ethiopic word space
    "Ποιος πληρώνει;",                      # Greek's question mark, once NFC
    "«Ποιος πληρώνει;»",
])
def test_ordinary_titles_are_still_taken(title: str) -> None:
    parts = extract(f"{title}\n\nBody text.\n", DEFAULT)
    assert parts.title == title
    assert parts.text == "Body text.\n"


def test_the_terminal_punctuation_and_quotation_tables_are_unicodes() -> None:
    """The tables hold the properties as the regex module does, but for characters it does
    not assign yet (an older regex, an older Unicode), and the marks left out are exactly
    the question and exclamation marks among them, and the shads and word dividers."""
    import regex

    from corpuskit.sentenceends import (
        GREEK_LETTERS,
        PHRASE_ENDS,
        QUESTIONS_AND_EXCLAMATIONS,
        QUOTATION_MARKS,
        TERMINAL_PUNCTUATION,
    )

    table = {chr(code) for first, last in TERMINAL_PUNCTUATION for code in range(first, last + 1)}
    # Every code point once, in one string: a pattern of one character finds each that
    # matches it (a match a character: 1.1 million calls took 25 s of the suite).
    everything = "".join(map(chr, range(0x110000)))

    def matching(pattern: str, flags: int = 0) -> set[str]:
        return set(regex.findall(pattern, everything, flags))

    terminal = matching(r"\p{Terminal_Punctuation}")
    unassigned = regex.compile(r"\p{Cn}")
    assert terminal <= table and all(unassigned.match(char) for char in table - terminal)
    assert matching(r"\p{Quotation_Mark}") == set(QUOTATION_MARKS)
    named = {char for char in table
             if any(word in unicodedata.name(char, "")
                    for word in ("QUESTION", "EXCLAMATION", "INTERROBANG"))}
    assert named == set(QUESTIONS_AND_EXCLAMATIONS)
    phrase_ends = {char for char in table
                   if any(word in unicodedata.name(char, "") for word in ("SHAD", "WORD"))}
    assert phrase_ends == set(PHRASE_ENDS)
    greek = {chr(code) for first, last in GREEK_LETTERS for code in range(first, last + 1)}
    letters = regex.compile(r"[\p{Script=Greek}&&\p{L}]", regex.V1)
    assert matching(r"[\p{Script=Greek}&&\p{L}]", regex.V1) <= greek
    assert all(letters.match(char) or unassigned.match(char) for char in greek)


@pytest.mark.parametrize("line", [
    "03/04/2023",                        # ambiguous: not guessed
    "Friday, August 26, 2023",           # the weekday contradicts it
    "Sun, 26 Aug 2023 10:00:00 +0000",   # the weekday contradicts it, time or not
    "2023-08-25 10:75",                  # no such time
    "03/04/2023 10:00",
    "4 mai 2023",                        # a month name the parser does not read
    "4. Mai 2023",
    "Freitag, 4. März 2023",
    "4 de mayo de 2023",
    "2023-02-30",                        # no such day
    "2023년 2월 30일",
    # A day and a month with no year (QA: README's 25th of August was a title).
    "25th of August",
    "August 25",
    "Aug. 25th",
    "Friday, August 25",
    "4 de mayo",
    "jeudi 4 mai",
    "1. Mai",
    "25th of August at 10:00",
    "3 mars",                            # another language's month after the day
    "14 avril",
    "May 4",                             # an English month before the day
    "Sept 11",
    "Mar 10",
])
def test_a_line_that_looks_like_a_date_is_no_title(line: str) -> None:
    """QA: README says a title is "not itself a date", but a date line the parser does not
    turn into YYYY-MM-DD was recorded as the title; it stays in the text, no date."""
    assert parse_date_line(line) is None
    parts = extract(f"{line}\n\nMeeting notes follow here.\n", DEFAULT)
    assert (parts.title, parts.date) == (None, None)
    assert parts.text == f"{line}\n\nMeeting notes follow here.\n"
    parts = extract(f"Minutes\n\n{line}\n\nMeeting notes follow here.\n", DEFAULT)
    assert (parts.title, parts.date) == ("Minutes", None)
    assert parts.text == f"{line}\n\nMeeting notes follow here.\n"


@pytest.mark.parametrize("line", [
    "sábado, 4 de mayo de 2023",         # a weekday of another language
    "quinta-feira, 4 de maio de 2023",
    "giovedì 4 maggio 2023",
    "jeudi 4 mai 2023",
    "Fr., 4. Mai 2023",
    "Do., 4. Mai 2023",
    "za 4 mei 2023",
    "25th of August 2023 at 10:00",
])
def test_a_date_after_a_weekday_of_any_listed_language_looks_like_one(line: str) -> None:
    assert looks_like_date(line)


@pytest.mark.parametrize("title", [
    "Apollo 11 July 1969",               # a name and a number before a month and year
    "Windows 95 August 1995",
    "Formula 1 May 2024",
    "Zeitreise 9 Nov 1989",
    "Vol. 12 Dec 2023",
    "No. 5 Mar 2021",
    "Band 3 Mär 2021",
    "Catch 22 mai 2020",
    "Top 10 Out 2023",                   # Portuguese's "out", an English word
    "Agenda 21 Set 2030",
    "Problem Set 3 of 2023",             # Italian's "set", then a word before the year
    "Set 2 of 2023",
    "Chapter 12 of 2023",
    "Do 4 May 2023",                     # German's "Do" without a dot is English's
])
def test_a_title_holding_a_number_and_a_month_is_no_date(title: str) -> None:
    """QA: any word was taken for a weekday, any short word for a link and other
    languages' ``set``, ``out``, ``ago`` for months, so these lines looked like dates and
    were no titles."""
    assert not looks_like_date(title)
    parts = extract(f"{title}\n\nMeeting notes follow here.\n", DEFAULT)
    assert (parts.title, parts.date) == (title, None)
    assert parts.text == "Meeting notes follow here.\n"


@pytest.mark.parametrize("title", [
    "Apollo 11 July 1969",
    "Apollo 11 July",                    # a name and a number before a month
    "Monday Night Football 2023",        # a weekday, but no day or month
    "May Day",
    "March of the Penguins",
    "Mai 68",                            # no day of a month: May 1968 in France
    "Mars 96",
    "August 2023",
    "Chapter 3 of May",
])
def test_a_title_naming_a_month_or_weekday_but_no_date_is_a_title(title: str) -> None:
    """A day and a month with no year look like a date; these hold no day and month so."""
    assert not looks_like_date(title)
    parts = extract(f"{title}\n\nMeeting notes follow here.\n", DEFAULT)
    assert (parts.title, parts.date) == (title, None)


@pytest.mark.parametrize("title", [
    "Mars 3",                            # the Soviet probe
    "Avril 14",
    "Mai 31",
    "Juli 4",
    "Mei 5",
    "Ene 3",
    "Mars 3 at 10:00",
])
def test_another_languages_month_before_a_day_with_no_year_is_a_title(title: str) -> None:
    """QA: a day and a month with no year looked like a date in either order whatever the
    month's language, so ``Mars 3`` and ``Avril 14`` were no titles. Those languages write
    the day first (``3 mars``, ``14 avril``); only an English month may come first."""
    assert not looks_like_date(title)
    parts = extract(f"{title}\n\nMeeting notes follow here.\n", DEFAULT)
    assert (parts.title, parts.date) == (title, None)
    assert parts.text == "Meeting notes follow here.\n"


@pytest.mark.parametrize("line", DATES_AND_TIMES)
def test_a_date_and_time_line_gives_the_date_first_or_after_a_title(line: str) -> None:
    """As the first paragraph or the one after a title, the line is taken out of the text
    and its date recorded (QA: it stayed in the text, date null)."""
    parts = extract(f"{line}\n\nMeeting notes follow here.\n", DEFAULT)
    assert (parts.title, parts.date, parts.text) == \
        (None, "2023-08-25", "Meeting notes follow here.\n")
    parts = extract(f"Minutes\n\n{line}\n\nMeeting notes follow here.\n", DEFAULT)
    assert (parts.title, parts.date, parts.text) == \
        ("Minutes", "2023-08-25", "Meeting notes follow here.\n")


def test_a_build_records_the_date_of_a_date_and_time_and_reproduces_it(tmp_path: Path) -> None:
    """Through a build: the records hold the dates, and validate --reproduce, which
    extracts again, agrees."""
    body = "The committee met and agreed on the budget for the coming year.\n"
    seeds = make_seeds(tmp_path, {
        "first.txt": f"2023-08-25T23:30:00-05:00\n\n{body}",
        "second.txt": f"Minutes\n\nAugust 25, 2023 at 10:00 am CEST\n\n{body}",
        "cjk.txt": f"2023年8月25日\n\n{body}",
        "no-year.txt": f"25th of August\n\n{body}"})
    result = build_into(seeds, tmp_path / "dist")
    records = records_by_id(result.release)
    assert {key: (record["title"], record["date"]) for key, record in records.items()} == {
        "first": (None, "2023-08-25"), "second": ("Minutes", "2023-08-25"),
        "cjk": (None, "2023-08-25"), "no-year": (None, None)}
    assert records["no-year"]["text"] == f"25th of August\n\n{body}"
    report = validate(result.release, reproduce=True, jobs=1)
    assert report.valid, render_text(report)


def test_title_length_limit_is_configurable() -> None:
    short = replace(DEFAULT, title_max_chars=10)
    assert extract("A long title line\n\nBody.\n", short).title is None
    assert extract("Short\n\nBody.\n", short).title == "Short"


def test_indented_title_and_rights_are_recorded_without_the_indentation() -> None:
    parts = extract("   A centred title\n\nBody.\n\n    © 2023 Someone\n", DEFAULT)
    assert parts.title == "A centred title"
    assert parts.rights == "© 2023 Someone"
    assert parts.text == "Body.\n"


def test_title_date_and_rights_can_be_turned_off() -> None:
    off = replace(DEFAULT, title=False, date=False, rights=False)
    parts = extract(DOC, off)
    assert (parts.title, parts.date, parts.rights) == (None, None, None)
    assert parts.text == DOC


@pytest.mark.parametrize("line", [
    "2023 © All rights reserved.",
    "© 2023 Harbour Gazette",
    "(c) 2020 Someone",
    "Copyright 2019-2023 Example Ltd.",
    "2001 – 2023 © Example",
    "All rights reserved.",
    "Example Press. All rights reserved",
])
def test_default_rights_rules(line: str) -> None:
    parts = extract(f"Body text.\n\n{line}\n", DEFAULT)
    assert parts.rights == line
    assert parts.text == "Body text.\n"


@pytest.mark.parametrize("line", [
    "The end.",
    "Thanks to everyone who reserved a seat.",
    "Prices include © symbols on the menu? No.\nSecond line",  # not one line
])
def test_last_paragraph_that_is_no_rights_line_stays(line: str) -> None:
    parts = extract(f"Body text.\n\n{line}\n", DEFAULT)
    assert parts.rights is None
    assert parts.text.endswith(line + "\n")


@pytest.mark.parametrize("line", [
    "Copyright law is complicated, and this article explains why.",
    "(c) The third option is to wait.",
])
def test_closing_sentence_starting_like_a_notice_stays_in_the_body(line: str) -> None:
    parts = extract(f"Body text.\n\n{line}\n", DEFAULT)
    assert parts.rights is None


def test_rights_rules_are_anchored_to_the_whole_line() -> None:
    line = "See the notice: All rights reserved. Reprinted with permission of the author."
    assert extract(f"Body.\n\n{line}\n", DEFAULT).rights is None


def test_custom_rights_patterns_from_corpus_toml() -> None:
    config = parse_config(corpus_config({"extract": {
        "rights_patterns": [r"Licensed under CC BY 4\.0\.?", r"(?i)source: .{1,80}"],
    }})).process.extract
    parts = extract("Body.\n\nLicensed under CC BY 4.0.\n", config)
    assert parts.rights == "Licensed under CC BY 4.0."
    assert extract("Body.\n\nSOURCE: Harbour Gazette\n", config).rights == (
        "SOURCE: Harbour Gazette")
    # The custom rules replace the defaults.
    assert extract("Body.\n\n© 2023 Someone\n", config).rights is None


def test_invalid_custom_rights_pattern_is_refused_with_its_key() -> None:
    from corpuskit.errors import InputError

    with pytest.raises(InputError) as caught:
        parse_config(corpus_config({"extract": {"rights_patterns": ["(unclosed"]}}))
    assert [p.location for p in caught.value.problems] == ["extract.rights_patterns[0]"]


# -- the body is never emptied -----------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Just one line\n",
    "August 25, 2023\n",
    "© 2023 Someone\n",
    "All rights reserved.\n",
])
def test_one_line_document_keeps_its_line_as_text(text: str) -> None:
    parts = extract(text, DEFAULT)
    assert parts.text == text
    assert (parts.title, parts.date, parts.rights) == (None, None, None)


def test_title_and_date_never_take_the_last_paragraph() -> None:
    parts = extract("A title\n\nAugust 25, 2023\n", DEFAULT)
    assert parts.title == "A title"
    assert parts.text == "August 25, 2023\n"


def test_rights_never_takes_the_last_paragraph() -> None:
    parts = extract("A title\n\n© 2023 Someone\n", DEFAULT)
    assert (parts.title, parts.rights, parts.text) == ("A title", None, "© 2023 Someone\n")


# -- language ----------------------------------------------------------------------------

PARAGRAPHS = {
    "en": "The committee met on Monday to discuss the budget for the coming year, and most "
          "members agreed with the proposal after a long debate.",
    "fr": "Le comité s'est réuni lundi pour discuter du budget de l'année prochaine, et la "
          "plupart des membres ont approuvé la proposition après un long débat.",
    "ru": "Комитет собрался в понедельник, чтобы обсудить бюджет на следующий год, и "
          "большинство членов поддержали предложение после долгой дискуссии.",
    "zh": "委员会星期一开会讨论明年的预算。经过长时间的辩论，大多数成员同意了这个提议，"
          "会议在下午结束。",
    "de": "Der Ausschuss trat am Montag zusammen, um den Haushalt für das kommende Jahr zu "
          "besprechen, und die meisten Mitglieder stimmten dem Vorschlag zu.",
}


@pytest.mark.parametrize(("code", "paragraph"), PARAGRAPHS.items())
def test_language_of_a_paragraph(code: str, paragraph: str) -> None:
    assert extract(f"A heading\n\n{paragraph}\n", DEFAULT).language == code


def test_too_short_text_is_undetermined() -> None:
    assert extract("Hello\n", DEFAULT).language == "und"
    assert extract("Short\n\nText.\n", DEFAULT).language == "und"


def test_language_identification_can_be_turned_off() -> None:
    assert extract(PARAGRAPHS["en"] + "\n", replace(DEFAULT, language=False)).language == "und"


def test_unsure_identification_is_undetermined() -> None:
    strict = replace(DEFAULT, language_min_confidence=1.0)
    assert extract(PARAGRAPHS["zh"] + "\n", strict).language == "und"


def test_language_is_judged_on_the_body_not_the_title() -> None:
    text = "Le marché de Noël\n\n" + PARAGRAPHS["en"] + "\n"
    assert extract(text, DEFAULT).language == "en"



# -- paragraphs found in place -------------------------------------------------------------

def _extract_by_split(text: str, config: ExtractConfig) -> tuple[str | None, ...]:
    """Title, date, rights and body as the rules state them, with a list of paragraphs
    (what extract computes from bounds in the text, to copy nothing of a long one)."""
    paragraphs = text.rstrip("\n").split("\n\n")
    title = date = rights = None
    if config.title and len(paragraphs) > 1:
        first = paragraphs[0].strip()
        if "\n" not in first and 0 < len(first) <= config.title_max_chars \
                and not ends_like_sentence(first) \
                and not looks_like_date(first) and not is_rights_line(first, config):
            title = paragraphs.pop(0).strip()
    if config.date and len(paragraphs) > 1 and "\n" not in paragraphs[0]:
        date = parse_date_line(paragraphs[0])
        if date is not None:
            paragraphs.pop(0)
    if config.rights and len(paragraphs) > 1 and is_rights_line(paragraphs[-1].strip(), config):
        rights = paragraphs.pop().strip()
    return title, date, rights, "\n\n".join(paragraphs) + "\n"


_PIECES = ["\n", "\n", "\n", " ", "\t", "\u00a0", "a", "A title", "2023-08-25", ".", ". ",
           "25 August 2023", "2023-08-25 10:00", "© 2023 Someone", "SOURCE: x", "Body text.",
           "x" * 60]


def test_paragraphs_in_place_are_those_of_split() -> None:
    """Runs of 1 to 5 LFs (odd runs leave an LF at the start of a paragraph), blank and
    indented paragraphs, dates followed by dots, rights lines of any length: 40,000
    seeded random texts, each under two configurations."""
    rng = random.Random(7)
    configs = [replace(DEFAULT, language=False),
               replace(DEFAULT, language=False, title_max_chars=12,
                       rights_patterns=(r"SOURCE: .*", r"x+"))]
    for _ in range(20000):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 14)))
        for config in configs:
            parts = extract(text, config)
            assert (parts.title, parts.date, parts.rights, parts.text) == \
                _extract_by_split(text, config), repr(text)


def test_a_body_nothing_was_taken_from_is_the_text_itself() -> None:
    text = "First paragraph, long enough to be no title at all.\n\nSecond one.\n"
    assert extract(text, replace(DEFAULT, language=False)).text is text


@pytest.mark.parametrize("line", ["2023-08-25" + "." * 50, "   25 August 2023 .  " + " " * 60])
def test_date_line_padded_past_its_length_limit_is_still_read(line: str) -> None:
    """parse_date_line strips spaces and final dots before measuring a line: so must the
    look at the paragraph that spares copying a long one."""
    text = f"A title\n\n{line}\n\nBody text.\n"
    config = replace(DEFAULT, language=False)
    assert extract(text, config).date == _extract_by_split(text, config)[1] is not None
