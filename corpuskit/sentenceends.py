"""Whether a line ends as a sentence or a clause does: a first line that does is no title.

A line ends so when its last character, once any quotation marks and spaces after it are
set aside (``He said, “We are done.”``, ``« Fini. »``, ``「終わりです。」``), is a mark
Unicode calls Terminal_Punctuation (the marks that end a sentence or a clause, in every
script: ``.`` ``,`` ``;`` ``:`` ``。`` ``，`` ``、`` ``．`` ``।`` ``۔`` ``،`` ``։`` ``።`` ...)
other than a question or exclamation mark, which a heading may end in, or a mark that
ends a phrase or a word rather than a sentence (Tibetan's shad ``།``), or an ellipsis
(``…``, ``‥``). Ending a Greek line, ``;`` is Greek's question mark and ``·`` its ano
teleia, a clause end: the nfc step makes U+037E and U+0387 those. A line is Greek there
when the mark follows a Greek letter, most of the line before it, spaces and digits
aside, is Greek letters (``Πόσο κοστίζει το 2023;``, ``Τι είναι το COVID;``), its first
word is Greek or most of its words are (``Τι είναι το iPhone 15 Pro Max;``), so ``;``
ending a line of Latin (``Hello;``, ``The letter λ in 2023;``) stays a clause end. The
properties are tables here, not asked of ``unicodedata`` or the regex module when a text
is read, so the titles a build takes do not depend on the version of Python or of a
library it runs with (the tests hold the tables to the regex module's).
"""

from __future__ import annotations

#: Terminal_Punctuation, from Unicode 17.0's PropList.txt (as the regex module 2026.12
#: holds it), as inclusive ranges.
TERMINAL_PUNCTUATION = (
    (0x0021, 0x0021), (0x002C, 0x002C), (0x002E, 0x002E), (0x003A, 0x003B), (0x003F, 0x003F),
    (0x037E, 0x037E), (0x0387, 0x0387), (0x0589, 0x0589), (0x05C3, 0x05C3), (0x060C, 0x060C),
    (0x061B, 0x061B), (0x061D, 0x061F), (0x06D4, 0x06D4), (0x0700, 0x070A), (0x070C, 0x070C),
    (0x07F8, 0x07F9), (0x0830, 0x0835), (0x0837, 0x083E), (0x085E, 0x085E), (0x0964, 0x0965),
    (0x0E5A, 0x0E5B), (0x0F08, 0x0F08), (0x0F0D, 0x0F12), (0x104A, 0x104B), (0x1361, 0x1368),
    (0x166E, 0x166E), (0x16EB, 0x16ED), (0x1735, 0x1736), (0x17D4, 0x17D6), (0x17DA, 0x17DA),
    (0x1802, 0x1805), (0x1808, 0x1809), (0x1944, 0x1945), (0x1AA8, 0x1AAB), (0x1B4E, 0x1B4F),
    (0x1B5A, 0x1B5B), (0x1B5D, 0x1B5F), (0x1B7D, 0x1B7F), (0x1C3B, 0x1C3F), (0x1C7E, 0x1C7F),
    (0x2024, 0x2024), (0x203C, 0x203D), (0x2047, 0x2049), (0x2CF9, 0x2CFB), (0x2E2E, 0x2E2E),
    (0x2E3C, 0x2E3C), (0x2E41, 0x2E41), (0x2E4C, 0x2E4C), (0x2E4E, 0x2E4F), (0x2E53, 0x2E54),
    (0x2E60, 0x2E61), (0x3001, 0x3002), (0xA4FE, 0xA4FF), (0xA60D, 0xA60F), (0xA6F3, 0xA6F7),
    (0xA876, 0xA877), (0xA8CE, 0xA8CF), (0xA92F, 0xA92F), (0xA9C7, 0xA9C9), (0xAA5D, 0xAA5F),
    (0xAADF, 0xAADF), (0xAAF0, 0xAAF1), (0xABEB, 0xABEB), (0xFE12, 0xFE12), (0xFE15, 0xFE16),
    (0xFE50, 0xFE52), (0xFE54, 0xFE57), (0xFF01, 0xFF01), (0xFF0C, 0xFF0C), (0xFF0E, 0xFF0E),
    (0xFF1A, 0xFF1B), (0xFF1F, 0xFF1F), (0xFF61, 0xFF61), (0xFF64, 0xFF64),
    (0x1039F, 0x1039F), (0x103D0, 0x103D0), (0x10857, 0x10857), (0x1091F, 0x1091F),
    (0x10A56, 0x10A57), (0x10AF0, 0x10AF5), (0x10B3A, 0x10B3F), (0x10B99, 0x10B9C),
    (0x10F55, 0x10F59), (0x10F86, 0x10F89), (0x11047, 0x1104D), (0x110BE, 0x110C1),
    (0x11141, 0x11143), (0x111C5, 0x111C6), (0x111CD, 0x111CD), (0x111DE, 0x111DF),
    (0x11238, 0x1123C), (0x112A9, 0x112A9), (0x113D4, 0x113D5), (0x1144B, 0x1144D),
    (0x1145A, 0x1145B), (0x115C2, 0x115C5), (0x115C9, 0x115D7), (0x11641, 0x11642),
    (0x1173C, 0x1173E), (0x11944, 0x11944), (0x11946, 0x11946), (0x11A42, 0x11A43),
    (0x11A9B, 0x11A9C), (0x11AA1, 0x11AA2), (0x11C41, 0x11C43), (0x11C71, 0x11C71),
    (0x11EF7, 0x11EF8), (0x11F43, 0x11F44), (0x12470, 0x12474), (0x16A6E, 0x16A6F),
    (0x16AF5, 0x16AF5), (0x16B37, 0x16B39), (0x16B44, 0x16B44), (0x16D6E, 0x16D6F),
    (0x16E97, 0x16E98), (0x1BC9F, 0x1BC9F), (0x1DA87, 0x1DA8A),
)
#: The question and exclamation marks of Terminal_Punctuation (those whose Unicode names
#: say QUESTION, EXCLAMATION or INTERROBANG): a title may end in one (``Who pays?``).
QUESTIONS_AND_EXCLAMATIONS = ("!?\u037e\u061f\u07f9\u1367\u1944\u1945\u203c\u203d\u2047"
                              "\u2048\u2049\u2cfa\u2cfb\u2e2e\u2e53\u2e54\ua60f\ua6f7\ufe15"
                              "\ufe16\ufe56\ufe57\uff01\uff1f\U00011143")
#: The marks of Terminal_Punctuation that end a phrase or part words (those whose Unicode
#: names say SHAD or WORD), not sentences: Tibetan writes a shad (``།``) after nearly every
#: phrase, headings included, as do the scripts made after it (Phags-pa, Zanabazar
#: Square, Soyombo, Marchen); a word divider (Ethiopic's ``፡``) parts words (QA: every
#: Tibetan heading was taken for a sentence).
PHRASE_ENDS = ("\u0f08\u0f0d\u0f0e\u0f0f\u0f10\u0f11\u0f12\u1361\ua876\ua877\U0001039f"
               "\U000103d0\U0001091f\U0001123a\U00011a42\U00011a43\U00011a9b\U00011a9c"
               "\U00011c43\U00011c71\U00012470")
#: Greek's letters (Script=Greek and General_Category=L, from the same Unicode), as
#: inclusive ranges: after one, ``;`` is a question mark and ``·`` an ano teleia, which
#: the nfc step made of U+037E and U+0387 (QA: ``Ποιος πληρώνει;``, "Who pays?", was no
#: title, though U+037E was listed among the question marks).
GREEK_LETTERS = (
    (0x0370, 0x0373), (0x0376, 0x0377), (0x037A, 0x037D), (0x037F, 0x037F), (0x0386, 0x0386),
    (0x0388, 0x038A), (0x038C, 0x038C), (0x038E, 0x03A1), (0x03A3, 0x03E1), (0x03F0, 0x03F5),
    (0x03F7, 0x03FF), (0x1D26, 0x1D2A), (0x1D5D, 0x1D61), (0x1D66, 0x1D6A), (0x1DBF, 0x1DBF),
    (0x1F00, 0x1F15), (0x1F18, 0x1F1D), (0x1F20, 0x1F45), (0x1F48, 0x1F4D), (0x1F50, 0x1F57),
    (0x1F59, 0x1F59), (0x1F5B, 0x1F5B), (0x1F5D, 0x1F5D), (0x1F5F, 0x1F7D), (0x1F80, 0x1FB4),
    (0x1FB6, 0x1FBC), (0x1FBE, 0x1FBE), (0x1FC2, 0x1FC4), (0x1FC6, 0x1FCC), (0x1FD0, 0x1FD3),
    (0x1FD6, 0x1FDB), (0x1FE0, 0x1FEC), (0x1FF2, 0x1FF4), (0x1FF6, 0x1FFC), (0x2126, 0x2126),
    (0xAB65, 0xAB65), (0x1DFF3, 0x1DFF4),
)
#: What NFC makes of U+037E GREEK QUESTION MARK and of U+0387 GREEK ANO TELEIA.
GREEK_QUESTION_MARK, GREEK_ANO_TELEIA = ";", "\u00b7"
#: What a line's script is judged without: a Greek question may end in a number
#: (``Πόσο κοστίζει το 2023;``) or hold a space before its mark (``Πού είσαι ;``).
_NOT_JUDGED = frozenset("0123456789")
#: The ellipses, which Terminal_Punctuation leaves out though it holds their one-dot
#: form U+2024: a line that trails off (``It was a dark and stormy night…``) is a sentence.
ELLIPSES = "\u2025\u2026"
#: Quotation_Mark, from the same PropList.txt: what may follow a sentence's last mark.
QUOTATION_MARKS = ("\"'\u00ab\u00bb\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2039"
                   "\u203a\u2e42\u300c\u300d\u300e\u300f\u301d\u301e\u301f\ufe41\ufe42"
                   "\ufe43\ufe44\uff02\uff07\uff62\uff63")



def _characters(ranges: tuple[tuple[int, int], ...]) -> frozenset[str]:
    """The characters of the inclusive code point ``ranges``."""
    return frozenset(chr(code) for first, last in ranges for code in range(first, last + 1))


_SENTENCE_ENDS = _characters(TERMINAL_PUNCTUATION) - frozenset(QUESTIONS_AND_EXCLAMATIONS) \
    - frozenset(PHRASE_ENDS) | frozenset(ELLIPSES)
_QUOTATION_MARKS = frozenset(QUOTATION_MARKS)
_GREEK_LETTERS = _characters(GREEK_LETTERS)


def _last_mark(line: str) -> int:
    """The length of ``line`` without the quotation marks and spaces it ends in."""
    end = len(line)
    while end and (line[end - 1] in _QUOTATION_MARKS or line[end - 1].isspace()):
        end -= 1
    return end


def _greek_word(word: str) -> bool:
    """Whether ``word``'s first letter is Greek (``«Πόσο``, not ``Jean-Pierre``)."""
    return next(char for char in word if char.isalpha()) in _GREEK_LETTERS


def _ends_greek(line: str, end: int) -> bool:
    """Whether the mark at ``line[end - 1]`` ends Greek: it follows a Greek letter (as
    every build since Greek's marks were told apart has taken it), most of the line
    before it, spaces and digits aside, is Greek letters (as builds since took it), its
    first word is Greek, or most of its words are. QA: ``;`` counted only right after a
    Greek letter, so ``Πόσο κοστίζει το 2023;`` and ``Τι είναι το COVID;`` were clauses,
    no titles; then the letters alone counted, so a Greek question naming a brand or a
    person in Latin letters (``Τι είναι το iPhone 15 Pro Max;``) was one too. A Greek
    letter in a line of Latin or Cyrillic (``The letter λ in 2023;``, ``Угол θ = 30;``)
    makes it no Greek."""
    if end > 1 and line[end - 2] in _GREEK_LETTERS:
        return True
    judged = [char for char in line[:end - 1]
              if not char.isspace() and char not in _NOT_JUDGED]
    if sum(1 for char in judged if char in _GREEK_LETTERS) * 2 > len(judged):
        return True
    words = [_greek_word(word) for word in line[:end - 1].split()
             if any(char.isalpha() for char in word)]
    return bool(words) and (words[0] or sum(words) * 2 > len(words))


def ends_like_sentence(line: str) -> bool:
    """Whether ``line`` ends as a sentence or a clause does (see the module doc)."""
    end = _last_mark(line)
    if end == 0:
        return False
    last = line[end - 1]
    if last in (GREEK_QUESTION_MARK, GREEK_ANO_TELEIA) and _ends_greek(line, end):
        return last == GREEK_ANO_TELEIA  # a question may be a title, a clause not
    return last in _SENTENCE_ENDS


def ends_in_greek_question(line: str) -> bool:
    """Whether ``line`` ends in a ``;`` ending Greek (see the module doc), Greek's question
    mark once NFC (``Ποιος πληρώνει;``), quotation marks and spaces after it or not."""
    end = _last_mark(line)
    return end > 0 and line[end - 1] == GREEK_QUESTION_MARK and _ends_greek(line, end)
