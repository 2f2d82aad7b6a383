"""The second look at a legacy reading (corpuskit.decoding.decode.second_look): a file that a
configured code page turns into letters that look typed, but that another code page reads
clearly better, is not silently kept as gibberish.

The texts are a few sentences each (more than 100 characters of non-ASCII words: below
that, the letters' fit and one language's probability are left unjudged)."""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import make_seeds

from corpuskit.cli import main
from corpuskit.config import DecodeConfig
from corpuskit.decoding.decode import decode
from corpuskit.models import Decoded, DocumentProblem, RawDocument

DEFAULT = DecodeConfig()

GREEK = (
    "Η Αθήνα είναι η πρωτεύουσα και η μεγαλύτερη πόλη της Ελλάδας. Είναι μία από τις "
    "αρχαιότερες πόλεις του κόσμου, με καταγεγραμμένη ιστορία που ξεπερνά τις τρεις "
    "χιλιάδες χρόνια.\nΣήμερα η πόλη είναι το οικονομικό, πολιτικό και πολιτιστικό κέντρο "
    "της χώρας. Κάθε χρόνο εκατομμύρια επισκέπτες έρχονται για να δουν τα μουσεία της.\n")
HEBREW = (
    "תל אביב-יפו היא עיר במחוז תל אביב בישראל, והשנייה בגודלה במדינה. העיר נוסדה בשנת 1909 "
    "בידי קבוצת משפחות יהודיות ליד העיר העתיקה יפו, והתפתחה במהירות למרכז כלכלי ותרבותי.\n"
    "בעיר פועלים תיאטראות, מוזיאונים ואוניברסיטה גדולה, והיא ידועה בחופים שלה ובחיי הלילה.\n")
TURKISH = (
    "Türkiye'nin başkenti Ankara'dır, ancak en kalabalık şehri İstanbul'dur. İstanbul, tarih "
    "boyunca birçok imparatorluğa başkentlik yapmış ve iki kıtaya yayılan eşsiz bir "
    "şehirdir.\nŞehirde her yıl milyonlarca turist, tarihi camileri, sarayları ve çarşıları "
    "görmeye gelir.\n")
LITHUANIAN = (
    "Vilnius yra Lietuvos sostinė ir didžiausias šalies miestas. Jis įsikūręs šalies "
    "pietryčiuose, Neries ir Vilnios upių santakoje.\nMieste veikia daug universitetų, "
    "muziejų ir teatrų. Kasmet čia vyksta įvairūs festivaliai, o vasarą žmonės mėgsta "
    "vaikščioti gatvėmis ir sėdėti kavinėse.\n")
#: QA: taken for cp1250 with its ą read as ±, ``Stolic± jest``, and built.
POLISH = (
    "Polska jest państwem w Europie Środkowej. Stolicą jest Warszawa, największe miasto "
    "kraju.\nLudzie lubią przyrodę, rzeki i lasy; latem wielu wyjeżdża nad morze, a zimą w "
    "góry.\nWisła jest najdłuższą rzeką w Polsce i płynie przez Kraków, Warszawę oraz Toruń "
    "aż do Gdańska.\n")
#: QA: taken for cp1250, each with one word that looks mistyped (``ľlu»oučký``) and letters
#: swapped for others (š for ą, ž for ľ).
CZECH = (
    "Příliš žluťoučký kůň úpěl ďábelské ódy. Každý den se lidé setkávají na náměstí a povídají "
    "si o všem, co se stalo.\nV létě jezdíme k moři, v zimě na hory.\n")
SLOVAK = (
    "Slovenská republika leží v strednej Európe. Ľudia tu žijú v mestách aj na vidieku, "
    "šťastní a pracovití.\nV lete chodíme k jazeru, v zime lyžovať do Tatier.\n")
JAPANESE = (
    "東京は日本の首都であり、世界最大級の都市である。江戸時代には徳川幕府が置かれ、明治維新の"
    "後に東京と改称された。現在では政治、経済、文化の中心として、多くの人々が暮らしている。"
    "毎年、世界中から多くの観光客が訪れ、浅草寺や東京タワーなどの名所を見物する。\n")
KOREAN = (
    "서울은 대한민국의 수도이며 최대 도시이다. 한강을 중심으로 남북으로 나뉘어 있으며, 조선 "
    "시대부터 수도의 역할을 해 왔다. 오늘날 서울은 정치, 경제, 문화의 중심지로서 많은 "
    "사람들이 살고 있다. 매년 세계 각지에서 많은 관광객이 찾아와 경복궁과 남산타워 같은 "
    "명소를 구경한다.\n")

#: Read right by the default code pages, each text must stay as it is.
RIGHT = [
    ("cp1251", "Москва — столица России, город федерального значения, административный центр "
               "Центрального федерального округа.\nВ городе находится множество музеев, "
               "театров и парков. Каждый год сюда приезжают миллионы туристов.\n"),
    ("cp1251", "София е столицата и най-големият град на България. Градът е разположен в "
               "Софийската котловина, в подножието на планината Витоша.\nВ София има много "
               "музеи, театри и паркове.\n"),
    ("cp1251", "Київ — столиця та найбільше місто України. Місто розташоване на річці Дніпро "
               "і є одним з найстаріших міст Східної Європи.\nЩороку до Києва приїжджають "
               "тисячі туристів.\n"),
    ("koi8-r", "Москва - столица России, город федерального значения, административный центр "
               "Центрального федерального округа.\nВ городе находится множество музеев, "
               "театров и парков.\n"),
    ("cp1250", "Kraków jest jednym z najstarszych i największych miast w Polsce. Przez wieki "
               "był stolicą kraju i siedzibą królów.\nKażdego roku miasto odwiedzają miliony "
               "turystów, którzy chcą zobaczyć Wawel, Sukiennice i kościół Mariacki.\n"),
    ("cp1250", "Praha je hlavní a největší město České republiky. Leží na řece Vltavě a má "
               "bohatou historii, která sahá více než tisíc let do minulosti.\nKaždý rok sem "
               "přijíždějí miliony turistů, aby viděli Pražský hrad a Karlův most.\n"),
    ("cp1252", "Paris est la capitale de la France et la plus grande ville du pays. Elle est "
               "célèbre pour ses musées, ses monuments et sa gastronomie.\nChaque année, des "
               "millions de touristes viennent voir la tour Eiffel et le musée du Louvre.\n"),
    ("cp1252", "Berlin ist die Hauptstadt und zugleich die größte Stadt Deutschlands. Die "
               "Stadt liegt an der Spree und hat eine bewegte Geschichte.\nJedes Jahr besuchen "
               "Millionen Touristen das Brandenburger Tor und die zahlreichen Museen.\n"),
    ("gb18030", "北京是中华人民共和国的首都，也是全国的政治、文化和国际交往中心。北京有三千多年的"
                "建城史，是世界著名的古都之一。\n每年都有数以百万计的游客来到北京，参观故宫、长城"
                "和天坛等名胜古迹。晚上，人们喜欢在胡同里散步，或者在公园里跳舞。\n"),
]


def run(data: bytes, config: DecodeConfig = DEFAULT) -> Decoded:
    return decode(RawDocument(id="doc", path="doc.txt", data=data), config)


def with_code_page(name: str) -> DecodeConfig:
    """The default code pages and ``name`` after them (ties go to the earlier ones)."""
    return DecodeConfig((*DEFAULT.fallback_encodings, name))


def quoted(data: bytes, reading: str) -> str:
    """What a message quotes of a reading of ``data``: 40 characters from the word that holds
    the first byte beyond ASCII (its ASCII letters and digits before it, at most 20)."""
    at = next(index for index, byte in enumerate(data) if byte >= 0x80)
    before = re.search(r"[A-Za-z0-9]{0,20}\Z", reading[:at])
    assert before is not None
    return reading[before.start():before.start() + 40]


@pytest.mark.parametrize(("text", "code_page", "chosen", "why"), [
    (GREEK, "cp1253", "cp1251", r"\d+ words in it look mistyped"),
    # Of cp1251's and KOI8-R's readings, cp1251's spells words as no Cyrillic language
    # does (Hebrew writes few vowels: ``тйш``), so KOI8-R's capitals are chosen (QA s80).
    (HEBREW, "cp1255", "koi8-r", "its words are spelled as Hebrew's are"),
    (TURKISH, "cp1254", "cp1252", "that is in no language cp1252 is made for"),
    (LITHUANIAN, "cp1257", "cp1252", "that is in no language cp1252 is made for"),
    (POLISH, "iso8859-2", "cp1250", r"\d+ words in it look mistyped"),
    (CZECH, "iso8859-2", "cp1250", "1 word in it looks mistyped, none in iso8859-2, which "
                                   "reads most letters alike and is made for the same languages"),
    (SLOVAK, "iso8859-2", "cp1250", "1 word in it looks mistyped, none in iso8859-2"),
    (JAPANESE, "cp932", "gb18030", "no language gb18030 is made for fits it well"),
    (KOREAN, "cp949", "gb18030", "no language gb18030 is made for fits it well"),
], ids=["greek", "hebrew", "turkish", "lithuanian", "polish", "czech", "slovak", "japanese",
        "korean"])
def test_a_clearly_better_code_page_not_configured_refuses_the_file(
        text: str, code_page: str, chosen: str, why: str) -> None:
    """Each of these decodes strictly in a default code page, to letters of one script
    that look typed (before, it became that gibberish, language ``und``). It is refused
    with the reading it got, why another is better, and that one's text; adding the code
    page as told (even last) makes the same bytes decode to exactly the text."""
    data = text.encode(code_page)
    wrong = data.decode(chosen)
    with pytest.raises(DocumentProblem) as caught:
        run(data)
    problem = caught.value.problem
    assert problem.code == "undecodable"
    assert re.match(r"not valid UTF-8 \(byte [\d,]+, on line 1, is b'\\x[0-9a-f]{2}'\), and "
                    + re.escape(f"{chosen} reads it as {quoted(data, wrong)!r}, but "),
                    problem.message)
    assert re.search(why, problem.message), problem.message
    assert f"it reads as {quoted(data, text)!r}" in problem.message
    assert f'add "{code_page}" to decode.fallback_encodings in corpus.toml' in problem.message
    decoded = run(data, with_code_page(code_page))
    assert (decoded.text, decoded.encoding) == (text, codecs.lookup(code_page).name)


@pytest.mark.parametrize(("head", "text", "code_page", "chosen"), [
    ('<!DOCTYPE html>\n<html lang="el">\n<head><meta charset="windows-1253"><title>Athens'
     "</title></head>\n<body>\n<p>",
     "Η Αθήνα είναι η πρωτεύουσα της Ελλάδας και μία από τις αρχαιότερες πόλεις του "
     "κόσμου.</p>\n</body></html>\n", "cp1253", "cp1252"),
    ('<html><head><meta charset="shift_jis"></head><body><p>',
     "これは日本語の文章です。東京は日本の首都であり、多くの人々が住んでいます。"
     "今日は天気が良いので、公園に散歩に行きました。</p></body></html>\n", "shift_jis",
     "gb18030"),
], ids=["greek-html", "japanese-html"])
def test_readings_are_quoted_from_the_first_byte_beyond_ascii(
        head: str, text: str, code_page: str, chosen: str) -> None:
    """QA: both readings of an HTML file were quoted from its start, 40 characters of the
    same ASCII markup (``'<!DOCTYPE html>\\n<html lang="el">\\n<head><'`` twice), which
    showed none of the letters the user must judge before adding the code page. (The
    Greek is cp1252's ``ÁèÞíá``, no longer cp1250's ``ĺßíáé đńůôĺýďőóá``, whose ``ĺ`` and
    ``ń`` stand where no language writes them: QA s83 qa-decode F3.)"""
    data = (head + text).encode(code_page)
    with pytest.raises(DocumentProblem) as caught:
        run(data, DecodeConfig(("cp1252", "cp1250", "cp1251", "koi8-r", "gb18030")))
    message = caught.value.problem.message
    wrong = data[len(head):].decode(chosen)
    assert f"{chosen} reads it as {wrong[:40]!r}, but " in message, message
    assert f"it reads as {text[:40]!r}: if that is its code page" in message, message
    assert head[:10] not in message


def test_a_quoted_reading_starts_at_the_word_of_the_first_byte_beyond_ascii() -> None:
    from corpuskit.decoding.refusal import excerpt

    data = "<p>Ærø, Ærøskøbing".encode("cp1252")
    assert excerpt(data, data.decode("cp1252")) == "Ærø, Ærøskøbing"
    data = "<p>Straße und Weg".encode("cp1252")
    assert excerpt(data, data.decode("cp1252")) == "Straße und Weg"
    assert excerpt(data, data.decode("cp1250")) == "Straße und Weg"
    data = b"x" * 30 + "yé".encode("cp1252")
    assert excerpt(data, data.decode("cp1252")) == "x" * 19 + "yé", "20 characters back"
    data = b"all ASCII"
    assert excerpt(data, data.decode("cp1252")) == "all ASCII"


def test_a_quoted_reading_starts_at_the_word_of_the_first_byte_not_utf8() -> None:
    """A line opening with UTF-8 ('Café —') before Greek in cp1253 was quoted from the
    'é', 40 characters of English and none of the Greek bytes the message names (QA s77
    newc 5): the quote starts at the word of the first byte that is not UTF-8, counted in
    characters of the code page's reading (of two bytes a character in Shift_JIS)."""
    from corpuskit.decoding.refusal import excerpt

    greek = "Καλημέρα σας, αυτό είναι ένα κείμενο στα ελληνικά για δοκιμή. " * 2
    data = "Café — ".encode() + b"and some more English words here, " * 3 \
        + greek.encode("cp1253")
    with pytest.raises(DocumentProblem) as caught:
        run(data)
    message = caught.value.problem.message
    assert "(byte 112, on line 1, is b'\\xca')" in message, message
    # The file mixes UTF-8 with cp1253, which is said at once, not cp1253 advised, which
    # reads 'Café —' as 'CafΓ© β€”' (QA s78); the quote the advice would make is asked here.
    assert "it mixes encodings: line 1 is UTF-8 in part ('Café — and some" in message, message
    assert "decode.fallback_encodings" not in message, message
    assert excerpt(data, data.decode("cp1253"), "cp1253") == greek[:40]
    japanese = "これは日本語の文章です。東京は日本の首都であり、多くの人々が住んでいます。"
    data = "Naïve — ".encode() + b"Tokyo:words" + japanese.encode("shift_jis")
    assert excerpt(data, data.decode("shift_jis", "replace"), "shift_jis") \
        == "words" + japanese[:35]


def test_greek_with_a_title_line_is_refused_whatever_its_letters_fit() -> None:
    """A title line made Greek read as cp1251 (15 of its 42 words mistyped) fit a language
    better than read right in cp1253, and it was kept as gibberish tagged Russian, with
    no problem (QA); without the title it was refused. Its cp1251 reading mixes capitals
    and small letters in 15 of its 42 words (``мЭсб``, ``нщсЯт``): no code page listed
    reads it as text (QA: kit 2), before any other is compared."""
    text = ("Μια μέρα στο λιμάνι\n\nΟι ψαρόβαρκες γύρισαν νωρίς σήμερα το πρωί επειδή ο "
            "άνεμος είχε αλλάξει. Όλοι στην αποβάθρα μιλούσαν για την καταιγίδα που είχε "
            "ανακοινώσει το ραδιόφωνο για το βράδυ, και τα παιδιά έφυγαν από το σχολείο "
            "πριν από το μεσημέρι.\n")
    data = text.encode("cp1253")
    with pytest.raises(DocumentProblem) as caught:
        run(data)
    assert caught.value.problem.code == "undecodable"
    assert "no code page of decode.fallback_encodings gives readable text" \
        in caught.value.problem.message
    assert 'add "cp1253" to decode.fallback_encodings' in caught.value.problem.message
    decoded = run(data, with_code_page("cp1253"))
    assert (decoded.text, decoded.encoding) == (text, "cp1253")


@pytest.mark.parametrize(("code_page", "text"), RIGHT,
                         ids=[f"{page}-{text[:6]}" for page, text in RIGHT])
def test_a_file_read_right_is_not_doubted(code_page: str, text: str) -> None:
    """Files in the default code pages decode as before: no other code page reads them
    clearly better (Polish, read in iso8859-2, fits a language slightly better than in
    cp1250, its own; the margin is what keeps it)."""
    decoded = run(text.encode(code_page))
    assert (decoded.text, decoded.encoding) == (text, codecs.lookup(code_page).name)


def test_a_configured_code_page_that_lost_a_tie_wins_when_clearly_better() -> None:
    """Hebrew in cp1255 and read as KOI8-R are both plausible and both "in a language of
    their code page" (py3langid calls the Cyrillic gibberish Bulgarian), so the ranking
    picks KOI8-R (cp1251's reading, in small letters, spells words as no
    Cyrillic language does, QA s80); the letters' fit then gives the file to cp1255.
    The text writes ``״בערך״`` with gershayim for quotation marks, which cp1251 and KOI8-R
    read as a letter, the first where Hebrew writes no gershayim (after no Hebrew letter):
    so it is not written in Hebrew's letters alone, which the ranking would give to cp1255
    (QA s81; ``ארה״ב``, a gershayim where Hebrew writes it, no longer does so)."""
    from corpuskit.decoding import codepages as module

    text = HEBREW.replace("בשנת 1909", "בשנת 1909 ״בערך״")
    data = text.encode("cp1255")
    config = with_code_page("cp1255")
    ranked = module.best_legacy(data, config.fallback_encodings)
    assert ranked is not None and ranked.encoding == "koi8-r"
    decoded = run(data, config)
    assert (decoded.text, decoded.encoding) == (text, "cp1255")


def test_build_refuses_a_greek_file_and_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = "A good title\n\nA perfectly ordinary paragraph of English text.\n"
    seeds = make_seeds(tmp_path, {"good.txt": good, "athens.txt": GREEK.encode("cp1253")})
    out = tmp_path / "out"
    code = main(["build", str(seeds), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1, err
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {seeds}/athens.txt:line 1: not valid UTF-8")
    assert 'add "cp1253"' in lines[0] and lines[0].endswith("[undecodable]")
    assert not out.exists()


@pytest.mark.parametrize("text", ["Дом№5 на улице", "Кофе™ и чай", "Сегодня 20°C, солнечно™"])
def test_a_short_text_with_an_odd_word_keeps_its_code_page(text: str) -> None:
    """A word or two judged implausible ("Дом№5": a sign glued to a word) is no ground to
    refuse a file that another code page reads without them, as Hebrew gibberish here
    (``ִמל¹5 םא ףכטצו``, Hebrew at 75% only): it takes :data:`_MISTYPED` such words and a
    reading surely in a language of its code page."""
    decoded = run(text.encode("cp1251"))
    assert (decoded.text, decoded.encoding) == (text, "cp1251")


def test_too_little_text_is_not_judged_by_its_letters_or_one_language() -> None:
    """Below _SURE_CHARS characters of non-ASCII words, a reading whose letters fit no
    language and whose language is unsure is not beaten on those grounds alone (the
    ratios say little of a sentence); above, it is."""
    from corpuskit.decoding import doubtfulreading as module

    def evidence(encoding: str, chars: int, coherence: float, top: float) -> object:
        judgement = module.Judgement("text", 0, chars, 0, 10)
        return module.Evidence(module.Reading(encoding, "text", judgement), judgement,
                                1.0, top, coherence)

    short, long = (evidence("cp1251", chars, 0.1, 0.5) for chars in (60, 160))
    other = evidence("cp1255", 160, 0.9, 1.0)
    assert module.why_better(other, short) is None  # type: ignore[arg-type]
    assert module.why_better(other, long) == (  # type: ignore[arg-type]
        "its letters are not those of a language")


def test_a_word_or_two_mistyped_is_not_enough() -> None:
    """Fewer implausible words than another reading make a reading worse only from
    _MISTYPED of them on, and only against a reading surely (_SURE) in one language of its
    code page."""
    from corpuskit.decoding import doubtfulreading as module

    def evidence(encoding: str, odd: int, top: float = 1.0) -> object:
        judgement = module.Judgement("text", odd, 40, 4 * odd, 10)
        return module.Evidence(module.Reading(encoding, "text", judgement), judgement,
                                1.0, top, 0.5)

    other = evidence("cp1253", 0)
    assert module.why_better(other, evidence("cp1251", 2)) is None  # type: ignore[arg-type]
    assert module.why_better(other, evidence("cp1251", 3)) == (  # type: ignore[arg-type]
        "3 words in it look mistyped")
    unsure = evidence("cp1253", 0, top=0.9)
    assert module.why_better(unsure, evidence("cp1251", 3)) is None  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["Шкаф№1 и стол№2 и стул№3 в комнате",
                                  "Приказ№123 от 5 мая и распоряжение№7"])
def test_the_numero_sign_beside_a_word_is_typed_text(text: str) -> None:
    """Russian glues the numero sign (cp1251's 0xB9) to words; such words are not
    implausible, so a file of them is read in cp1251 rather than refused as unreadable."""
    decoded = run(text.encode("cp1251"))
    assert (decoded.text, decoded.encoding) == (text, "cp1251")


@pytest.mark.parametrize(("text", "configured", "windows"), [
    (JAPANESE, "shift_jis", "cp932"), (KOREAN, "euc-kr", "cp949")], ids=["shift_jis", "euc-kr"])
def test_a_configured_code_page_is_preferred_to_one_that_reads_the_file_alike(
        text: str, configured: str, windows: str) -> None:
    """Japanese in Shift_JIS reads alike in cp932 (its Windows form), Korean in EUC-KR in
    cp949; unconfigured, the Windows one is named; configured, the configured one reads
    it, as its bytes were written (not refused again for want of the Windows one)."""
    data = text.encode(configured)
    assert data.decode(windows) == text
    with pytest.raises(DocumentProblem) as caught:
        run(data)
    assert f'add "{windows}"' in caught.value.problem.message
    decoded = run(data, with_code_page(configured))
    assert (decoded.text, decoded.encoding) == (text, codecs.lookup(configured).name)


def test_japanese_in_euc_jp_is_told_its_code_page() -> None:
    """EUC-JP (Japanese on Unix) reads as Chinese in gb18030, one of the defaults: now it
    is refused naming euc-jp, which corpus.toml accepts and which reads it."""
    data = JAPANESE.encode("euc-jp")
    with pytest.raises(DocumentProblem) as caught:
        run(data)
    assert 'add "euc-jp" to decode.fallback_encodings' in caught.value.problem.message
    decoded = run(data, with_code_page("euc-jp"))
    assert (decoded.text, decoded.encoding) == (JAPANESE, "euc_jp")


#: A paragraph of 63 Japanese characters, and one of Chinese as long.
SHORT_JAPANESE = ("今日は朝から雨が降っていたので、家で本を読みながらゆっくり過ごしました。"
                  "午後になると空が明るくなり、近くの公園まで散歩に出かけました。")
SHORT_CHINESE = ("今天早上一直在下雨，所以我在家里一边看书一边休息。下午天空渐渐变亮，"
                 "我就去附近的公园散步，看到很多人在跑步、骑车和聊天，心情很好。")


SHORT_KOREAN = ("새로운 iPhone을 샀다. 카메라가 좋고 배터리도 오래 간다. 가격은 조금 비싸지만 "
                "만족한다. 화면이 밝고 선명해서 사진을 보기에 아주 좋다. 친구들도 이 제품을 "
                "사고 싶어 한다. 다음 달에는 새 케이스를 살 계획이다.")


def test_a_short_paragraph_of_japanese_is_not_taken_for_chinese() -> None:
    """Japanese in Shift_JIS reads as Chinese in gb18030, one of the defaults (``崱擔偼挬偐
    傜...``); below 100 characters of non-ASCII words its language was not judged, and a
    paragraph of 63 was taken so, silently. A code page of Chinese, Japanese or Korean is
    judged from 60 on: it is refused, naming cp932, which reads it, and Korean in cp949
    (81 characters, read as gb18030 before) naming cp949; Chinese as long is read as
    before."""
    data = SHORT_JAPANESE.encode("shift_jis")
    assert 60 <= len(SHORT_JAPANESE) < 100
    with pytest.raises(DocumentProblem) as caught:
        run(data)
    assert 'add "cp932" to decode.fallback_encodings' in caught.value.problem.message
    decoded = run(data, with_code_page("cp932"))
    assert (decoded.text, decoded.encoding) == (SHORT_JAPANESE, "cp932")
    assert 60 <= len(SHORT_CHINESE) < 100
    decoded = run(SHORT_CHINESE.encode("gb18030"))
    assert (decoded.text, decoded.encoding) == (SHORT_CHINESE, "gb18030")
    # Korean in cp949 alike (81 Hangul syllables, an ASCII word glued to one of them).
    with pytest.raises(DocumentProblem) as caught:
        run(SHORT_KOREAN.encode("cp949"))
    assert 'add "cp949" to decode.fallback_encodings' in caught.value.problem.message


def test_two_greek_words_are_told_cp1253() -> None:
    """Every reading elsewhere is judged: two Greek words read as iso8859-5 are
    "Cyrillic" at 100% summed over 13 languages, but read in cp1253 they are 89% Greek and
    its most probable language is far surer; the message named iso8859-5."""
    with pytest.raises(DocumentProblem) as caught:
        run("Καλημέρα κόσμε".encode("cp1253"))
    assert 'add "cp1253" to decode.fallback_encodings' in caught.value.problem.message


def test_readings_elsewhere_are_ranked_by_language_then_words_then_letters(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The order readings_elsewhere gives: likely in a language of their code page first,
    then fewest implausible words, then letters that fit a language best, then the most
    probable language's probability, then the order tried."""
    from corpuskit.decoding import secondlook as module
    from corpuskit.decoding.doubtfulreading import Evidence
    from corpuskit.decoding.plausibility import Judgement

    facts = {  # code page: (language fit, implausible words, coherence, top language)
        "cp1253": (0.85, 0, 0.5, 0.98), "cp1255": (0.85, 0, 0.7, 0.90),
        "cp1256": (0.85, 1, 0.9, 1.0), "cp1257": (0.5, 0, 0.9, 0.5),
        "iso8859-7": (0.85, 0, 0.5, 0.99)}

    def evidence(reading: Any) -> Any:
        fit, odd, coherence, top = facts[reading.encoding]
        judgement = Judgement(reading.text, odd, 10, 0, 2)
        return Evidence(reading, judgement, fit, top, coherence)

    monkeypatch.setattr(module, "addable_code_pages",
                        lambda: {name: name for name in facts})
    monkeypatch.setattr(module, "candidates", lambda data, names: [
        (name, f"text {name}") for name in names])
    monkeypatch.setattr(module, "evidence", evidence)
    monkeypatch.setattr(module, "plausible", lambda judgement: True)
    ranked = [found.reading.encoding for found in module.readings_elsewhere(b"x", ())]
    assert ranked == ["cp1255", "iso8859-7", "cp1253", "cp1256", "cp1257"]


def test_a_configured_code_page_comes_before_one_that_reads_alike() -> None:
    from corpuskit.decoding import secondlook as module

    data = JAPANESE.encode("shift_jis")
    assert module.readings_elsewhere(data, ("gb18030",))[0].reading.encoding == "cp932"
    preferred = module.readings_elsewhere(data, ("gb18030",), ("shift_jis",))
    assert preferred[0].reading.encoding == "shift_jis"


#: Chinese that py3langid gives 95% Mandarin.
CHINESE = "我们今天去公园散步，天气很好。孩子们在草地上玩耍，老人们在树下下棋。" * 4


@pytest.mark.parametrize("code_page", ["gb18030", "cp949"])
def test_a_cjk_file_read_right_costs_no_second_look(monkeypatch: pytest.MonkeyPatch,
                                                     code_page: str) -> None:
    """Chinese, Japanese and Korean read right fit a language's letters at 0 to 0.3
    (charset-normalizer's coherence): that alone does not make them doubtful, or every
    such file would be read in every other code page."""
    from corpuskit.decoding import secondlook as module

    text = CHINESE if code_page == "gb18030" else KOREAN

    def never(*args: object) -> list[object]:
        raise AssertionError("looked at again")

    monkeypatch.setattr(module, "readings_elsewhere", never)
    config = DEFAULT if code_page == "gb18030" else with_code_page(code_page)
    decoded = run(text.encode(code_page), config)
    assert (decoded.text, decoded.encoding) == (text, code_page)


def test_letters_do_not_decide_against_or_for_a_cjk_reading() -> None:
    """Coherence says little of Chinese, Japanese and Korean: a reading in one of their
    code pages is not beaten by another whose letters fit a language better, nor beats
    one so."""
    from corpuskit.decoding import doubtfulreading as module

    def evidence(encoding: str, coherence: float) -> Any:
        judgement = module.Judgement("text", 0, 200, 0, 20)
        return module.Evidence(module.Reading(encoding, "text", judgement), judgement,
                                1.0, 1.0, coherence)

    assert module.why_better(evidence("cp1252", 0.9), evidence("gb18030", 0.1)) is None
    assert module.why_better(evidence("cp949", 0.9), evidence("cp1251", 0.1)) is None
    assert module.why_better(evidence("cp1255", 0.9), evidence("cp1251", 0.1)) == (
        "its letters are not those of a language")


def test_a_sign_beside_japanese_text_does_not_make_it_implausible() -> None:
    """Japanese has no spaces: a paragraph is one "word", and a circled number glued to it
    (cp932's ①, which Shift_JIS lacks) made it implausible, so gb18030's gibberish won even
    with cp932 listed. Signs and numbers beside CJK letters are typed text."""
    text = "①" + JAPANESE
    data = text.encode("cp932")
    with pytest.raises(DocumentProblem) as caught:
        run(data)
    assert 'add "cp932" to decode.fallback_encodings' in caught.value.problem.message
    decoded = run(data, DecodeConfig(("cp1252", "cp932", "gb18030")))
    assert (decoded.text, decoded.encoding) == (text, "cp932")


def test_korean_that_gb18030_reads_as_fairly_probable_mandarin_is_refused() -> None:
    """Korean in EUC-KR read as gb18030 was 82% Mandarin (QA), over the 80% that makes a
    reading doubtful elsewhere; Chinese read right is 88% or more, so a reading in a code
    page of Chinese, Japanese or Korean, which coherence cannot vouch for, needs 90%."""
    from corpuskit.decoding import codepages, doubtfulreading
    from corpuskit.decoding.codepagelanguages import language_fits
    from corpuskit.decoding.plausibility import judge

    korean = ("대한민국은 동아시아의 한반도 남부에 위치한 민주공화국이다. 수도는 서울특별시이며, "
              "인구는 약 오천만 명이다. 한국어를 공용어로 사용하며, 한글을 문자로 사용한다. "
              "경제는 세계적으로 큰 규모이며, 반도체와 자동차 산업이 발달하였다. 역사적으로 "
              "고조선, 삼국시대, 고려, 조선을 거쳐 현대에 이르렀다.")
    data = korean.encode("euc-kr")
    chosen = codepages.best_legacy(data, DEFAULT.fallback_encodings)
    assert chosen is not None and chosen.encoding == "gb18030"
    top = language_fits((chosen.judgement or judge(chosen.text)).text, "gb18030")[1]
    assert doubtfulreading._UNSURE <= top < doubtfulreading._UNSURE_CJK
    with pytest.raises(DocumentProblem) as caught:
        run(data)
    assert 'add "cp949" to decode.fallback_encodings' in caught.value.problem.message


def test_a_refused_file_says_where_it_stops_being_utf8() -> None:
    """A file of many lines of UTF-8 with one byte of another encoding: the message says
    which byte, on which line (it showed only the start of the file), and that the rest is
    UTF-8 (no code page can read such a file whole)."""
    data = ("Ligne en UTF-8 : déjà vu.\n" * 700).encode() + b"caf\x98\n" + b"fin\n" * 300
    with pytest.raises(DocumentProblem) as caught:
        run(data, DecodeConfig(("cp1251",)))  # which has no character at 0x98
    at = data.index(b"\x98")
    assert caught.value.problem.message.startswith(
        f"not valid UTF-8 (byte {at:,}, on line 701, is b'\\x98'), though the rest of it is "
        "UTF-8 (1400 characters beyond ASCII read as UTF-8, against 1 byte that does not)")


#: Cyrillic technical text naming options and commands: three or more of its words mix
#: scripts or signs, so its reading in cp1251 is doubtful, and every other code page is
#: looked at.
TECHNICAL = (
    "Параметр --verbose=уровень задаёт подробность вывода; значение по умолчанию 1.\n"
    "Команда cp-r копирует каталоги, а ключ -f(принудительно) перезаписывает файлы.\n"
    "Файл ~/.config/прога.conf читается первым, затем /etc/прога.conf; см. man(5).\n"
    "Пример: прога --output=файл.txt --jobs=4 ввод.txt обрабатывает ввод в 4 потока.\n")


def _first_better_down_the_list(data: bytes, chosen: Any, config: DecodeConfig
                                ) -> tuple[str, str, str] | None:
    """The definition :func:`corpuskit.decoding.secondlook.clearly_better` must meet: down the list
    of every reading elsewhere, the first clearly better one."""
    from corpuskit.decoding import secondlook as module

    for found in module.readings_elsewhere(data, (chosen.reading.encoding,),
                                           config.fallback_encodings):
        why = module.why_better(found, chosen)
        if why is not None:
            return found.reading.encoding, found.reading.text, why
    return None


@pytest.mark.parametrize("config", [DEFAULT, with_code_page("cp1253"),
                                    DecodeConfig(("cp1252", "cp932", "gb18030"))],
                         ids=["default", "with-cp1253", "cp932"])
def test_the_clearly_better_reading_is_the_first_down_the_whole_list(
        config: DecodeConfig) -> None:
    """:func:`~corpuskit.decoding.secondlook.clearly_better` judges in full only the readings that
    could be clearly better; its answer is the one going down the whole ranked list gives,
    for doubtful readings that have one and that have none."""
    from corpuskit.decoding.codepages import best_legacy
    from corpuskit.decoding.doubtfulreading import doubtful
    from corpuskit.decoding.secondlook import clearly_better

    texts = [(GREEK, "cp1253"), (HEBREW, "cp1255"), (TURKISH, "cp1254"),
             (LITHUANIAN, "cp1257"), (JAPANESE, "cp932"), (KOREAN, "cp949"),
             (TECHNICAL, "cp1251"), (TECHNICAL * 3, "koi8-r"), (GREEK[:60], "cp1253"),
             (JAPANESE, "euc_jp"), (HEBREW + TECHNICAL, "utf-8"),
             *((text, code_page) for code_page, text in RIGHT)]
    answers = {True: 0, False: 0}
    for text, code_page in texts:
        data = text.encode(code_page, errors="replace")
        reading = best_legacy(data, config.fallback_encodings)
        if reading is None:
            continue
        chosen = doubtful(reading)
        if chosen is None:
            continue
        expected = _first_better_down_the_list(data, chosen, config)
        found = clearly_better(data, chosen, config)
        got = (found[0].reading.encoding, found[0].reading.text, found[1]) \
            if found is not None else None
        assert got == expected, (text[:30], code_page)
        answers[expected is not None] += 1
    assert answers[True] >= 4 and answers[False] >= 1, answers


def test_code_pages_read_alike_when_made_for_the_same_languages_with_the_same_letters(
        ) -> None:
    from corpuskit.decoding.codepagelanguages import reads_alike

    assert reads_alike("cp1250", "iso8859-2") and reads_alike("iso8859-2", "cp1250")
    assert reads_alike("cp1253", "iso8859-7")
    assert not reads_alike("cp1251", "koi8-r")  # the same languages, the letters elsewhere
    assert not reads_alike("cp1252", "cp1250")  # other languages
    assert not reads_alike("cp1250", "cp1250")


def test_a_cp1250_file_with_a_word_that_looks_mistyped_stays_cp1250() -> None:
    """ISO-8859-2 reads cp1250's š, ž, ś and ź (8A-9F) as control characters: a Czech
    text with one word that looks mistyped (``x«y``) is not taken for ISO-8859-2, whose
    reading has none, and not refused."""
    text = ("Každý den se lidé setkávají na náměstí a povídají si o všem, co se stalo, "
            "šťastní a spokojení; vzorec x«y.\nV létě jezdíme k moři, v zimě na hory.\n")
    decoded = run(text.encode("cp1250"))
    assert (decoded.encoding, decoded.text) == ("cp1250", text)


# -- a line or two of Hebrew, told by its spelling (QA s79 hebrew2) ----------------------

#: Short Hebrew that cp1251 (or KOI8-R) read as Cyrillic and kept, cp1255 listed or not:
#: digits, punctuation, a gershayim (``המנכ"ל``), a prefix before a hyphen (``מ-תל``).
SHORT_HEBREW = [
    "שלום עולם. מה שלומך היום?\n",
    "שלום לכולם, זה מבחן 123.\nהיום יום שני, 5 במאי.\n",
    "המנכ\"ל הודיע על שינויים בחברה.\n",
    "הרכבת יוצאת מ-תל אביב בשעה 8.\n",
    "כותרת\nזהו הטקסט של המסמך.\n",
]


@pytest.mark.parametrize("text", SHORT_HEBREW)
def test_short_hebrew_is_read_in_cp1255_where_it_is_listed(text: str) -> None:
    decoded = run(text.encode("cp1255"), with_code_page("cp1255"))
    assert (decoded.encoding, decoded.text) == ("cp1255", text)


@pytest.mark.parametrize("text", ["שלום עולם\n", *SHORT_HEBREW])
def test_short_hebrew_is_refused_naming_cp1255_by_default(text: str) -> None:
    data = text.encode("cp1255")
    with pytest.raises(DocumentProblem) as caught:
        run(data)
    message = caught.value.problem.message
    assert "spelled as Hebrew's" in message
    assert f"in cp1255 it reads as {quoted(data, text)!r}" in message
    assert 'add "cp1255" to decode.fallback_encodings' in message


#: Short Russian in small letters that the default code pages read as it is, and keep so:
#: some keep Hebrew's final forms where Hebrew does (``где мой телефон?``: н ends a word,
#: о and ф stand inside), and are told from it by other signs (a word of one letter,
#: Russian spellings): none is refused by default, as a spelling of final forms alone did.
SHORT_RUSSIAN = [
    "привет, как дела? всё хорошо.\n", "это был тёплый день.\n", "мы пошли в парк гулять.\n",
    "сегодня идёт дождь.\n", "спасибо за помощь.\n", "кошка спит на диване.\n",
    "вода в реке холодная.\n", "зима пришла рано.\n", "мама мыла раму.\n",
    "где мой телефон?\n", "он так и сам.\n", "где дом?\n", "там сад.\n", "все дома.\n",
    "телефон: 495-1234567\n", "привет, как дела?\nвсё хорошо, спасибо.\n",
    "ошибка 404\nстраница не найдена, попробуйте позже.\n",
]


@pytest.mark.parametrize("text", SHORT_RUSSIAN)
def test_short_lower_case_russian_keeps_cp1251(text: str) -> None:
    decoded = run(text.encode("cp1251"))
    assert (decoded.encoding, decoded.text) == ("cp1251", text)


@pytest.mark.parametrize("text", [
    "привет, как дела? всё хорошо.\n", "это был тёплый день.\n", "мы пошли в парк гулять.\n",
    "спасибо за помощь.\n", "вода в реке холодная.\n", "мама мыла раму.\n",
    "он сказал: \"я приду завтра\".\n", "привет, как дела?\nвсё хорошо, спасибо.\n",
    "это был тёплый день.\nмы гуляли в парке.\n",
])
def test_short_lower_case_russian_keeps_cp1251_with_cp1255_listed(text: str) -> None:
    decoded = run(text.encode("cp1251"), with_code_page("cp1255"))
    assert (decoded.encoding, decoded.text) == ("cp1251", text)


#: QA s80: short lower-case Russian in cp1251 that, with cp1255 listed, was built as
#: cp1255's Hebrew gibberish (``ךאך הוכא?``): none is spelled as Hebrew, but the language
#: identifier is sure of both readings (0.99998 Cyrillic, 0.99999 Hebrew) and the noise
#: in the fifth decimal gave the tie to cp1255, wherever it was listed.
RUSSIAN_TAKEN_FOR_HEBREW = [
    "как дела?\n", "привет, как ты\n", "до завтра\n", "мне скучно\n", "пока\n", "давай\n",
    "он тут\n", "до встречи\n", "всем привет\n", "она спит\n", "как дела, друг?\n",
    "позвони мне\n", "нет, спасибо\n", "кто там?\n",
]
#: cp1255 after the default code pages, before cp1251, and with cp1251 alone.
CP1255_LISTED = {
    "after": with_code_page("cp1255"),
    "before-cp1251": DecodeConfig(("cp1252", "cp1255", "cp1250", "cp1251", "koi8-r",
                                   "gb18030")),
    "first": DecodeConfig(("cp1255", "cp1251")),
}


@pytest.mark.parametrize("listed", list(CP1255_LISTED))
@pytest.mark.parametrize("text", RUSSIAN_TAKEN_FOR_HEBREW)
def test_short_lower_case_russian_wins_the_tie_with_cp1255(text: str, listed: str) -> None:
    from corpuskit.decoding.codepages import best_legacy

    data = text.encode("cp1251")
    config = CP1255_LISTED[listed]
    ranked = best_legacy(data, config.fallback_encodings)
    assert ranked is not None and ranked.encoding == "cp1251"
    decoded = run(data, config)
    assert (decoded.encoding, decoded.text) == ("cp1251", text)


#: QA s81: short plain Hebrew in cp1255, written as Hebrew writes it but not "spelled as
#: Hebrew" (one word, or no word Russian never spells), that with cp1255 listed was built
#: as cp1251's small letters (``бечш иеб``) or KOI8-R's capitals (``ЗНЕПЕЗ``), exit 0; and
#: one spelled as Hebrew as cp1251 reads it, not as KOI8-R does, that the fit gave to
#: KOI8-R (``ДЬТЕАЛИВД ЫЛ ВИЬИАХИ``) and the second look kept.
PLAIN_HEBREW = [
    "בוקר טוב\n", "שלום\n", "תודה\n", "בסדר\n", "שאלה\n", "תמונות\n", "צילום\n",
    "הרפובליקה של קיריבטי\n",
]


@pytest.mark.parametrize("listed", list(CP1255_LISTED))
@pytest.mark.parametrize("text", SHORT_HEBREW + PLAIN_HEBREW)
def test_short_hebrew_keeps_cp1255_wherever_it_is_listed(text: str, listed: str) -> None:
    decoded = run(text.encode("cp1255"), CP1255_LISTED[listed])
    assert (decoded.encoding, decoded.text) == ("cp1255", text)


#: Short lower-case Russian that cp1255 reads in Hebrew's letters as Hebrew writes them
#: (``דהו``, ``הםל``), whose letters are not Hebrew's enough to lose (QA s81: the letters'
#: odds at 1 took these for Hebrew).
RUSSIAN_IN_HEBREW_FORMS = ["где\n", "дом\n", "год\n", "чем\n", "без\n", "зачем\n", "да\n",
                           "вот\n"]


@pytest.mark.parametrize("listed", list(CP1255_LISTED))
@pytest.mark.parametrize("text", RUSSIAN_IN_HEBREW_FORMS)
def test_short_russian_in_hebrew_forms_keeps_cp1251(text: str, listed: str) -> None:
    decoded = run(text.encode("cp1251"), CP1255_LISTED[listed])
    assert (decoded.encoding, decoded.text) == ("cp1251", text)


def test_hebrew_misread_as_no_cyrillic_text() -> None:
    from corpuskit.decoding.hebrewspelling import _hebrew_not_cyrillic

    def misread(text: str, encoding: str, source: str = "cp1255") -> bool:
        data = text.encode(source)
        return _hebrew_not_cyrillic(data, encoding, data.decode(encoding))

    # by its letters (бечш иеб), its spelling (ъ last: лъебъ), its capitals (KOI8-R)
    assert misread("בוקר טוב", "cp1251") and misread("כתובת", "cp1251")
    assert misread("סמל", "koi8-r")
    # Cyrillic's letters (сом, где), and Hebrew not written as Hebrew writes it
    assert not misread("סמל", "cp1251") and not misread("где", "cp1251", "cp1251")
    assert not misread("שלומ", "cp1251") and not misread("ב טוב", "cp1251")
    assert not misread("שלום, Tel Avivת", "cp1251")


def test_the_spelling_of_hebrew() -> None:
    from corpuskit.decoding.hebrewspelling import spelled_as_hebrew

    def spelled(text: str) -> bool:
        return spelled_as_hebrew(text.encode("cp1255"), "cp1251")

    assert spelled("שלום עולם") and spelled("ג'ירפה וצ'יפס טובים")
    # a final form inside a word, a medial one ending it, a letter alone, one word
    assert not spelled("שלםו עולם") and not spelled("שלומ עולם") and not spelled("ב עולם")
    assert not spelled("עולם")
    # an ASCII letter glued to a Hebrew one; a byte cp1251 reads as a capital
    assert not spelled("שלוםx עולם") and not spelled("שלום עולם\u05b0")
    assert not spelled_as_hebrew("шалом олам".encode("cp1251"), "cp1252")


#: QA s81: long Hebrew in cp1255 with one word not written as Hebrew writes its words: a
#: prefix letter alone (before a word, a number, a Latin word, a quote), a medial form
#: ending a word (a typo). All were built as KOI8-R's capitals (``А ИЦИ ДНЫХЬД ...``) or
#: cp1251's small letters, exit 0, cp1255 listed first or last; not listed, the same.
LONG_HEBREW_WITH_A_SLIP = [
    "ב ידי המשטרה נעצר החשוד לאחר חקירה ממושכת שנמשכה כל הלילה והוא יובא היום בפני שופט "
    "בבית המשפט המחוזי בתל אביב\n",
    "הספר נכתב ב ידי סופר ידוע שחי בירושלים במשך שנים רבות וכתב על החיים בעיר העתיקה ועל "
    "אנשיה\n",
    "החברה הודיעה כי ב 2023 גדלו ההכנסות שלה בשיעור ניכר לעומת השנה הקודמת והיא מתכננת "
    "להתרחב לשווקים חדשים\n",
    "המשתמשים יכולים לחפש מידע ב Google או במנועי חיפוש אחרים כדי למצוא את התשובות לשאלות "
    "שלהם בקלות ובמהירות\n",
    'המורה אמרה לתלמידים לכתוב חיבור קצר ו "שלום" היה הנושא שבחרו רובם לכתוב עליו בשיעור '
    "של יום ראשון בבוקר\n",
    "הישיבה נדחתה למחר בבוקר כי רוב חברי הועדה לא הגיעו בזמנ והיושב ראש החליט שאין טעם "
    "להמשיך בלעדיהם היום\n",
]
#: cp1255 listed among the default code pages, last or first, and beside the Cyrillic ones.
CP1255_LISTED_LONG = {
    **CP1255_LISTED,
    "before-defaults": DecodeConfig(("cp1255", *DEFAULT.fallback_encodings)),
    "after-koi8-r": DecodeConfig(("koi8-r", "cp1251", "cp1255")),
}


@pytest.mark.parametrize("listed", list(CP1255_LISTED_LONG))
@pytest.mark.parametrize("text", LONG_HEBREW_WITH_A_SLIP)
def test_long_hebrew_with_one_odd_word_is_read_in_cp1255_where_listed(
        text: str, listed: str) -> None:
    decoded = run(text.encode("cp1255"), CP1255_LISTED_LONG[listed])
    assert (decoded.encoding, decoded.text) == ("cp1255", text)


@pytest.mark.parametrize("text", LONG_HEBREW_WITH_A_SLIP)
def test_long_hebrew_with_one_odd_word_is_refused_naming_cp1255_where_not_listed(
        text: str) -> None:
    with pytest.raises(DocumentProblem) as caught:
        run(text.encode("cp1255"))
    message = caught.value.problem.message
    assert 'add "cp1255" to decode.fallback_encodings' in message
    assert "spelled as Hebrew's are" in message and "none of one letter; all but 1 of its" \
        in message
    assert repr(text[:40]) in message  # its reading in cp1255 quoted


def test_one_word_in_ten_may_break_hebrews_spelling() -> None:
    from corpuskit.decoding.hebrewspelling import spelled_as_hebrew

    def spelled(text: str) -> bool:
        return spelled_as_hebrew(text.encode("cp1255"), "cp1251")

    nine = "שלום עולם היום יום שני והשמש זורחת בחוץ מאוד"
    assert spelled(nine) and spelled(f"ב {nine}") and spelled(f"{nine} שלומ")
    # under ten words, none may (a short line is told by each: Russian's в, и, с)
    assert not spelled(f"ב {nine.rsplit(' ', 1)[0]}")
    # two in eleven, or one and a letter glued on: too many
    assert not spelled(f"ב ו {nine}") and not spelled(f"ב {nine}x")
    # nor does it let in a byte that is no Hebrew letter (cp1251's capitals)
    assert not spelled(f"{nine}\u05b0 עוד")


#: Hebrew in UTF-8 and in cp1255, in one file.
_HEBREW_UTF8 = "שלום עולם, זה מבחן.\n".encode()
_HEBREW_CP1255 = "היום יום שני והשמש זורחת.\n".encode("cp1255")


@pytest.mark.parametrize("data", [_HEBREW_UTF8 + _HEBREW_CP1255, _HEBREW_CP1255 + _HEBREW_UTF8,
                                  "שלום עולם\n".encode() + "ספר חדש\n".encode("cp1255")])
@pytest.mark.parametrize("config", [DEFAULT, with_code_page("cp1255")],
                         ids=["default", "cp1255-listed"])
def test_utf8_hebrew_beside_cp1255_is_said_to_mix_with_cp1255(
        data: bytes, config: DecodeConfig) -> None:
    """QA s79: the mix was said in koi8-r's or gb18030's words, the code pages that read
    the cp1255 lines as Cyrillic or hanzi, and one such file was built in cp1255 with its
    UTF-8 line as ``׳©׳ś...`` (signs only, no word mistyped)."""
    with pytest.raises(DocumentProblem) as caught:
        run(data, config)
    message = caught.value.problem.message
    assert "mixes encodings" in message and "which cp1255 would read as mojibake" in message


# -- Hebrew's own signs, and long Hebrew told by its letters (QA s81 decodelong 1) --------

_PLAIN_LONG_HEBREW = ("שלום לכולם, זהו קובץ טקסט קצר בעברית שנכתב כדי לבדוק את הפענוח של קידוד "
                      "חלונות לעברית בגרסה הזו")
#: Hebrew holding a geresh (``צ׳כית``), a maqaf (``ב־Ctrl``, ``מ־%s``) or a gershayim
#: (``ארה״ב``, ``ע״י``), as most Hebrew does: built as KOI8-R's capitals (``(ЖвКИЗ)``) or
#: cp1251's (``бОCtrl``), exit 0, even with cp1255 listed first; the same text without the
#: sign was read right.
HEBREW_WITH_ITS_SIGNS = [
    f"{_PLAIN_LONG_HEBREW} (צ׳כית).\n",
    f"{_PLAIN_LONG_HEBREW} ב־Ctrl.\n",
    f"{_PLAIN_LONG_HEBREW} (ארה״ב).\n",
    "פקודה דומה: נ׳קו (AZERTY) האי בייקר מדמי מסוף מסמך JSON ארכיון Tar (מכווץ ע״י LZ4) "
    "אסטרטגיה נוקופטאו\n",
    f"{_PLAIN_LONG_HEBREW}, נדרש אימות כדי לקבל מדפסות מ־%s.\n",
]


#: Long Hebrew whose words are not all written as Hebrew writes them, more than one in ten:
#: the system's catalogues hold lines in visual order (written backwards, final forms
#: first), and lines with a right-to-left mark beside a Latin word or ``%s`` (cp1251's
#: ``ю``). Such paragraphs were built as cp1251's small letters or KOI8-R's capitals,
#: exit 0, with cp1255 listed or not (QA s81 decodelong: 6 of 100).
LONG_HEBREW_NOT_SPELLED_SO = [
    ".היוגש ןמז תמיתח לעב אוה `%s' ץבוק חבילת RPM רווח קשיח ברמה הרביעית טלס No registered "
    "applications כעת קזח הרפובליקה של מלדויס\n",
    "מקומות קריצ׳ו מסמך פריסת CSV A1x3 תמונת GIF נא להפעיל את המחשב מחדש לצורך השלמת העדכון. "
    "מסמך Microsoft Publisher /%s היקיתב %s:%d-ב םיצבק תמישר\n",
    "סקריפטים ב־Gradle אנגלית (Workman, בינלאומי עם מקשים מתים) דמות כונן Sega CD צפון "
    "קלדוניה \u200f%.1f %s גרמניה הרפובליקה של טרינידד וטובגו\n",
]


@pytest.mark.parametrize("listed", list(CP1255_LISTED_LONG))
@pytest.mark.parametrize("text", HEBREW_WITH_ITS_SIGNS + LONG_HEBREW_NOT_SPELLED_SO)
def test_hebrew_with_its_signs_or_not_spelled_so_throughout_is_read_in_cp1255_where_listed(
        text: str, listed: str) -> None:
    decoded = run(text.encode("cp1255"), CP1255_LISTED_LONG[listed])
    assert (decoded.encoding, decoded.text) == ("cp1255", text)


@pytest.mark.parametrize("text", HEBREW_WITH_ITS_SIGNS + LONG_HEBREW_NOT_SPELLED_SO)
def test_hebrew_with_its_signs_or_not_spelled_so_throughout_is_refused_naming_cp1255(
        text: str) -> None:
    data = text.encode("cp1255")
    with pytest.raises(DocumentProblem) as caught:
        run(data)
    message = caught.value.problem.message
    assert 'add "cp1255" to decode.fallback_encodings' in message
    assert f"in cp1255 it reads as {quoted(data, text)!r}" in message


def test_hebrews_signs_are_no_mistyping_in_its_words() -> None:
    from corpuskit.decoding.plausibility import implausible_word

    for word in ("(צ׳כית).", "ארה״ב", "ע״י", "פרופ׳", "ב־Ctrl.", "אל־עראש", "מ־2023"):
        assert not implausible_word(word), word
    # not where Hebrew writes them: after no Hebrew letter, or joining other scripts
    for word in ("a׳b", "б־Ctrl", "־רטבךא", "צ׳б"):
        assert implausible_word(word), word


def test_hebrews_signs_are_part_of_its_spelling_where_hebrew_writes_them() -> None:
    from corpuskit.decoding.hebrewspelling import spelled_as_hebrew

    def spelled(text: str, encoding: str = "cp1251") -> bool:
        return spelled_as_hebrew(text.encode("cp1255"), encoding)

    assert spelled("ארה״ב וצ׳כיה חתמו על הסכם חדש") and spelled("לחצו ב־Ctrl או ב־Alt לשלום עולם")
    assert spelled("ארה״ב וצ׳כיה חתמו על הסכם חדש", "koi8-r")
    # not where no Hebrew letter stands before them (cp1251's О, Ч, Ш there)
    assert not spelled("שלום ־עולם") and not spelled("שלום ׳עולם") and not spelled("״ שלום עולם")
    # a maqaf before a space joins nothing
    assert not spelled("שלום־ עולם")


def test_long_hebrew_by_its_letters_is_said_so() -> None:
    """Visual order throughout: no word spelled as Hebrew writes it, its letters tell."""
    text = ("ןמז תמיתח לעב אוה ץבוק ,םיצבק תמישר ןוכדעה תמלשה ךרוצל שדחמ בשחמה תא ליעפהל אנ "
            "היקיתב םישדח םיצבק וארמנ אל\n")
    data = text.encode("cp1255")
    with pytest.raises(DocumentProblem) as caught:
        run(data)
    message = caught.value.problem.message
    assert "its letters beyond ASCII are all Hebrew's in cp1255" in message
    assert 'add "cp1255" to decode.fallback_encodings' in message


def test_hebrew_by_letters_needs_a_long_text_of_hebrews_letters() -> None:
    from corpuskit.decoding.hebrewspelling import hebrew_by_letters

    long = ".היוגש ןמז תמיתח לעב אוה ץבוק חבילת רווח קשיח ברמה הרביעית טלס כעת קזח הרפובליקה"
    assert hebrew_by_letters(long.encode("cp1255"), "cp1251")
    assert hebrew_by_letters(long.encode("cp1255"), "koi8-r")
    # too short; a byte no Hebrew letter (cp1251's Я); Cyrillic's own letters
    assert not hebrew_by_letters(long[:40].encode("cp1255"), "cp1251")
    assert not hebrew_by_letters(long.encode("cp1255") + b"\xdf", "cp1251")
    bulgarian = "файлът със съобщението за подаване „%s“ не може да бъде прочетен"
    assert not hebrew_by_letters(bulgarian.encode("cp1251"), "cp1251")


#: Cyrillic that cp1255 reads in Hebrew's letters only, or nearly (no ы ь э ю я, small
#: letters in cp1251, capitals in KOI8-R), the least Cyrillic by its letters among the
#: system's catalogues' long lines: it keeps its code page with cp1255 listed.
CYRILLIC_IN_HEBREW_LETTERS = [
    ("файлът със съобщението за подаване „%s“ не може да бъде прочетен\n", "cp1251"),
    ("%s: файлът е твърде къс, за да бъде файл на \"gmon\"\n", "cp1251"),
    ("АГРЕГАТНЫЕ ФУНКЦИИ НЕЛЬЗЯ ПРИМЕНЯТЬ В ВЫРАЖЕНИИ ГРАНИЦЫ СЕКЦИИ\n", "koi8-r"),
    ("ошибка: Окно не найдено, повторите попытку позже\n", "cp1251"),
]


@pytest.mark.parametrize(("text", "encoding", "listed"), [
    (text, encoding, listed) for text, encoding in CYRILLIC_IN_HEBREW_LETTERS
    for listed, config in CP1255_LISTED_LONG.items() if encoding in config.fallback_encodings])
def test_cyrillic_in_hebrews_letters_keeps_its_code_page_with_cp1255_listed(
        text: str, encoding: str, listed: str) -> None:
    decoded = run(text.encode(encoding), CP1255_LISTED_LONG[listed])
    assert (decoded.encoding, decoded.text) == (encoding, text)
