"""Sound legacy text read in its listed code page, and refusals that name the right one
(QA s81 decodelong 7, 8, 9)."""

from __future__ import annotations

import pytest

from corpuskit.config import DEFAULT_FALLBACK_ENCODINGS, DecodeConfig
from corpuskit.decoding.decode import decode
from corpuskit.models import DocumentProblem, RawDocument

DEFAULT = tuple(DEFAULT_FALLBACK_ENCODINGS)

FINNISH = ("viestit KÄÄNNÖSJOUKOsta Seuraavat paketit vanhempaan versioon: "
           "lohko-otsakkeiden lukeminen epäonnistui")
KOREAN_USAGE = ("[--data=<파일>] [--progname=<이름>] [--png=<파일>] [--unbuffered]\n\t "
                "[--y-size=<크기>]\n\t   <프로그램> [프로그램옵션]...")
CHINESE_QUOTES = ("设置程序所允许查看的最高定位精度。有效的值包括“country”（国家）、“city”（城市“、"
                  "“neighborhood”（街区）、“street”（街道）和“exact”（精确）（通常需要 GPS")
UKRAINIAN_OPTIONS = ("--arm64[=ПАРАМ] --powerpc[=ПАРАМ] фільтр BCJ --sparc[=ПАРАМ] початковий "
                     "зсув перетворень (типовий=0)")
GREEK_OPTIONS = ("--compare-versions παίρνει τρία ορίσματα: <έκδοση> <σχέση> <έκδοση> "
                 "\\dT[S+] [PATTERN] απαρίθμησε τύπους")
CHINESE_OPTIONS = ("圣路易斯省 -z, --null-data\n  使用 NUL 字符分隔各行 头部空间 警告：%s："
                   "坏的符号链接或坏的 ROFF“.so”请求 无法打开临时的 control 目录 "
                   "参数字串无法正确编码")
GREEK_HOLY = ("Λήξη χρόνου σε χιλιοστά αφήνεται πατημένο. το διεγραμμένο Άγιος Δαβίδ %s: "
              "πολύ μακριά γραμμή στο %s:")


def _decoded(text: str, code_page: str, listed: tuple[str, ...]) -> tuple[str, str]:
    decoded = decode(RawDocument("x", "x.txt", text.encode(code_page)), DecodeConfig(listed))
    return decoded.encoding, decoded.text


def _refusal(text: str, code_page: str, listed: tuple[str, ...]) -> str:
    with pytest.raises(DocumentProblem) as caught:
        decode(RawDocument("x", "x.txt", text.encode(code_page)), DecodeConfig(listed))
    assert caught.value.problem.code == "undecodable"
    return caught.value.problem.message


# -- 7: sound text refused although its code page is the one listed ------------------------

@pytest.mark.parametrize(("text", "code_page", "listed"), [
    # a word in capitals with a Finnish ending was "capitals and small letters swapped"
    (FINNISH, "cp1252", ("cp1252",)),
    (FINNISH, "cp1252", DEFAULT),
    # Hangul in <> glued to ASCII option syntax was a mix of scripts
    (KOREAN_USAGE, "cp949", ("cp949",)),
    (KOREAN_USAGE, "cp949", (*DEFAULT, "cp949")),
    # ASCII words in curly quotes in a run of hanzi: one mistyped word of 96 characters
    (CHINESE_QUOTES, "gb18030", ("gb18030",)),
    (CHINESE_QUOTES, "gb18030", DEFAULT),
    # Cyrillic in option syntax, [=ПАРАМ]: three words mistyped, cp1250 won, and the file
    # was told it was UTF-8 damaged there (8)
    (UKRAINIAN_OPTIONS, "cp1251", ("cp1251",)),
    (UKRAINIAN_OPTIONS, "cp1251", ("cp1251", *(page for page in DEFAULT if page != "cp1251"))),
])
def test_sound_text_in_its_listed_code_page_is_read_as_written(
        text: str, code_page: str, listed: tuple[str, ...]) -> None:
    assert _decoded(text, code_page, listed) == (code_page, text)


@pytest.mark.parametrize("word", [
    "--arm64[=ПАРАМ]", "[--data=<파일>]", "和“exact”", "PDF-файл", "[--y-size=<크기>]",
    "KÄÄNNÖSJOUKOsta", "TIEDOSTOstä",
    "公開鍵のアルゴリズム%dは",  # a part alone (dは) would be mixed, the word is not
])
def test_words_of_two_scripts_parted_by_punctuation_are_typed(word: str) -> None:
    from corpuskit.decoding.plausibility import implausible_word, miscased

    assert not implausible_word(word)
    assert not miscased(word)


@pytest.mark.parametrize("word", [
    "naпve", "Gr鲞e", "ann閑", "PC版",  # a run of letters mixing scripts, as before
    "QTIF:ю", "C++э",  # one letter alone beside ASCII punctuation: cp1255's marks in cp1251
    "Za¿ó³æ",  # symbols beyond ASCII part nothing
])
def test_words_mixing_scripts_as_a_wrong_code_page_does_stay_mistyped(word: str) -> None:
    from corpuskit.decoding.plausibility import implausible_word

    assert implausible_word(word)


@pytest.mark.parametrize(("word", "miscased"), [
    ("ААгнйхгя", True),  # cp1256's Arabic read in KOI8-R: no ASCII letter among capitals
    ("ÐÒÉ×ÅÔs", True),
    ("KÄÄNNÖSJOUKOsta", False),
])
def test_capitals_with_an_ending_are_told_from_swapped_case(word: str, miscased: bool) -> None:
    from corpuskit.decoding.plausibility import miscased as judged

    assert judged(word) is miscased


def test_a_refused_file_is_not_told_to_add_a_code_page_that_is_listed() -> None:
    said = _refusal("".join(chr(code) for code in range(0xC0, 0x100)) * 3, "cp1252",
                    ("cp1252",))
    assert said.endswith("re-save it as UTF-8, or, if its code page is none of those "
                         "listed (cp1252), add it to decode.fallback_encodings"), said
    assert "or add its code page to" not in said, said


# -- 8: sound text told it is a UTF-8 file damaged there ----------------------------------

def test_sound_greek_read_as_cut_utf8_elsewhere_is_told_its_code_page() -> None:
    """cp1250's reading (``<ó÷Ýóç>``) looks like UTF-8 cut short; cp1253 reads it whole."""
    said = _refusal(GREEK_OPTIONS, "cp1253", DEFAULT)
    assert "damaged" not in said and "restore" not in said, said
    assert "in cp1253 it reads as 'παίρνει τρία ορίσματα: <έκδοση> <σχέση> '" in said, said
    assert said.endswith('add "cp1253" to decode.fallback_encodings in corpus.toml, or '
                         "re-save it as UTF-8"), said
    assert _decoded(GREEK_OPTIONS, "cp1253", (*DEFAULT, "cp1253")) == ("cp1253", GREEK_OPTIONS)


def test_a_listed_code_page_that_reads_a_file_soundly_is_found() -> None:
    from corpuskit.decoding.secondlook import sound_reading

    data = UKRAINIAN_OPTIONS.encode("cp1251")
    found = sound_reading(data, "cp1250", DecodeConfig(("cp1250", "cp1251")))
    assert found is not None and (found.encoding, found.text) == ("cp1251", UKRAINIAN_OPTIONS)
    # cut UTF-8 is sound in no code page
    assert sound_reading(b"Le caf\xc3 est bon\n", "cp1252", DecodeConfig(DEFAULT)) is None


# -- 9: the code page advised reads the file wrong ----------------------------------------

@pytest.mark.parametrize("listed", [("gb18030",), DEFAULT])
def test_sound_chinese_is_not_given_to_a_korean_reading_mixing_hangul_into_hanja(
        listed: tuple[str, ...]) -> None:
    """cp949 reads it as ``加쨌弄薑伽``, surely Korean to the identifier, where the Chinese
    is only 83% Mandarin among its ASCII words."""
    assert _decoded(CHINESE_OPTIONS, "gb18030", listed) == ("gb18030", CHINESE_OPTIONS)


@pytest.mark.parametrize(("code_page", "other"), [("cp1253", "iso8859-7"),
                                                  ("iso8859-7", "cp1253")])
def test_greek_is_told_the_code_page_that_reads_its_accented_alpha_as_a_letter(
        code_page: str, other: str) -> None:
    """``Ά`` is A2 in cp1253 (``’`` in ISO-8859-7) and B6 in ISO-8859-7 (``¶`` in cp1253)."""
    said = _refusal(GREEK_HOLY, code_page, DEFAULT)
    assert f'add "{code_page}" to decode.fallback_encodings' in said, said
    assert f'add "{other}"' not in said, said
    assert _decoded(GREEK_HOLY, code_page, (*DEFAULT, code_page)) == (code_page, GREEK_HOLY)
