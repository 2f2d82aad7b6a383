"""Japanese kana in EUC-JP against Big5 (QA s80 qa-judge6 finding 1).

GB2312, and so gb18030, put hiragana and katakana at the code points JIS X 0208 gave them:
all-kana Japanese in EUC-JP is the same text in gb18030, and Big5 reads the same bytes as a
run of hanzi (``歹凶仄反互仁六中匹允﹝`` for ``わたしはがくせいです。``, its ``。`` an opening
bracket). The readings gb18030 and EUC-JP agree on were judged as gb18030's alone, "in no
language gb18030 is made for", and Big5's won. Chinese in Big5 made only of the hanzi that
Big5 puts where EUC-JP puts kana reads as kana in both the other way round (``中文`` as
``いゅ``), which Japanese spelling tells apart."""

from __future__ import annotations

from itertools import permutations

import pytest

from corpuskit.config import DecodeConfig
from corpuskit.decoding.decode import decode
from corpuskit.decoding.kanaspelling import misspells_kana
from corpuskit.models import Decoded, RawDocument

#: The QA's files: short all-hiragana sentences, built as Big5 with exit 0.
ALL_KANA = ["わたしはがくせいです。\n", "きょうはあめがふっています。\n"]
#: Every order of the three code pages the QA listed, and the pairs it found read right.
THREE = [list(order) for order in permutations(["gb18030", "big5", "euc-jp"])]
LISTS = [*THREE, ["gb18030", "euc-jp"], ["big5", "euc-jp"], ["euc-jp", "big5"]]


def run(data: bytes, encodings: list[str]) -> Decoded:
    return decode(RawDocument(id="doc", path="doc.txt", data=data),
                  DecodeConfig(tuple(encodings)))


@pytest.mark.parametrize("encodings", LISTS, ids="+".join)
@pytest.mark.parametrize("text", ALL_KANA)
def test_all_kana_japanese_in_euc_jp_is_read_as_kana(text: str, encodings: list[str]) -> None:
    """Listing gb18030, which reads these bytes as the same kana, made Big5 win; now the
    kana are judged as EUC-JP's too, and are recorded in it."""
    decoded = run(text.encode("euc-jp"), encodings)
    assert (decoded.encoding, decoded.text) == ("euc_jp", text)


#: Short texts of each code page, which the three listed must still read right.
OWN_TEXTS = [
    ("big5", "我們昨天去了商店，買了新鮮的麵包和牛奶。\n"),
    ("big5", "今天天氣很好，我們一起去公園散步吧。\n"),
    ("gb18030", "我们昨天去了商店，买了新鲜的面包和牛奶。\n"),
    ("gb18030", "今天天气很好，我们一起去公园散步吧。\n"),
    ("euc_jp", "これは日本語の文章です。\n"),
    ("euc_jp", "こんにちは。今日はいい天気ですね。\n"),
]


@pytest.mark.parametrize("encodings", THREE, ids="+".join)
@pytest.mark.parametrize(("codec", "text"), OWN_TEXTS)
def test_chinese_and_japanese_with_kanji_keep_their_code_page(
        codec: str, text: str, encodings: list[str]) -> None:
    decoded = run(text.encode(codec), encodings)
    assert (decoded.encoding, decoded.text) == (codec, text)


#: Big5 made only of the hanzi at A4A1-A5F6, which EUC-JP and gb18030 read as kana
#: (``いゅらセゅて``, ``ぃゎ``); the identifier is surer that those kana are Japanese than
#: that the hanzi are Chinese.
BIG5_AS_KANA = ["中文日本文化\n", "中文 日本 文化\n", "不止\n"]


@pytest.mark.parametrize("encodings", THREE, ids="+".join)
@pytest.mark.parametrize("text", BIG5_AS_KANA)
def test_short_big5_whose_kana_reading_is_no_japanese_stays_big5(
        text: str, encodings: list[str]) -> None:
    data = text.encode("big5")
    assert data.decode("euc-jp") == data.decode("gb18030")  # the two agree, as on kana
    decoded = run(data, encodings)
    assert (decoded.encoding, decoded.text) == ("big5", text)


@pytest.mark.parametrize("text", [
    "わたしはがくせいです。", "きょうはあめがふっています。", "しゃしんをとりました。",
    "テューバとデュエット", "フュージョン", "っていうか", "3ヶ月", "ファイル・ウィンドウ",
    "えーっ", "Tシャツ", "ねぇ、あぁ", "これは日本語の文章です。",
])
def test_japanese_spelling_of_small_kana_is_no_misspelling(text: str) -> None:
    assert not misspells_kana(text)


@pytest.mark.parametrize("text", ["いゅ", "らセゅて", "ぃゎ", "中ゃ", "ゅう", "カョ", "、ぁ"])
def test_small_kana_where_japanese_never_writes_them_is_a_misspelling(text: str) -> None:
    assert misspells_kana(text)
